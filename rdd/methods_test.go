package rdd_test

import (
	"fmt"
	"reflect"
	"testing"

	"github.com/gosparkling/gosparkling/rdd"
)

// TestEveryMethodIsClassified: every exported method of RDD and Context
// has a kind, the positions of its user functions name parameters that
// take any, each with a shape, and its finer classification (element
// operation, source, combiner, grouping...) agrees with its kind, so that
// a new method cannot be left unshippable, uncompiled or unrunnable by a
// Runner without this test saying so.
func TestEveryMethodIsClassified(t *testing.T) {
	anyType := reflect.TypeFor[any]()
	for _, typ := range []reflect.Type{reflect.TypeFor[*rdd.RDD](), reflect.TypeFor[*rdd.Context]()} {
		for m := range typ.Methods() {
			info, ok := rdd.MethodOf(m.Name)
			if !ok || info.Kind == rdd.KindUnknown {
				t.Errorf("%s.%s has no kind in rdd's methods table", typ.Elem().Name(), m.Name)
				continue
			}
			params := m.Type.NumIn() - 1 // without the receiver
			for _, pos := range info.FuncArgs {
				if pos >= params {
					t.Errorf("%s.%s: function argument %d past its %d parameters", typ.Elem().Name(), m.Name, pos, params)
					continue
				}
				p := m.Type.In(pos + 1)
				if m.Type.IsVariadic() && pos == params-1 {
					p = p.Elem()
				}
				if p != anyType {
					t.Errorf("%s.%s: argument %d is a %s, not a function passed as any", typ.Elem().Name(), m.Name, pos, p)
				}
			}
			if info.LocalFuncs && (info.Kind != rdd.KindAction || len(info.FuncArgs) == 0) {
				t.Errorf("%s.%s: only actions taking functions run them locally", typ.Elem().Name(), m.Name)
			}
			for _, problem := range classificationProblems(info) {
				t.Errorf("%s.%s: %s", typ.Elem().Name(), m.Name, problem)
			}
		}
	}
}

// TestStepsCarryTheirKind: a recorded step says what its method does.
func TestStepsCarryTheirKind(t *testing.T) {
	sc := rdd.NewContext()
	defer sc.Stop()
	nums := sc.Parallelize([]int{1, 2, 3})
	pairs := nums.Map(func(x int) rdd.Pair { return rdd.KV(x%2, x) })
	tests := []struct {
		r    *rdd.RDD
		want rdd.StepKind
	}{
		{nums, rdd.KindSource},
		{pairs, rdd.KindNarrow},
		{pairs.ReduceByKey(func(a, b int) int { return a + b }), rdd.KindCombine},
		{pairs.GroupByKey(), rdd.KindGroup},
		{pairs.Join(pairs), rdd.KindCogroup},
		{nums.SortBy(func(x int) int { return -x }, true), rdd.KindSort},
		{nums.Repartition(2), rdd.KindRepartition},
	}
	for _, tt := range tests {
		step := tt.r.Step()
		if step.Kind != tt.want {
			t.Errorf("%s: kind %s, want %s", step.Method, step.Kind, tt.want)
		}
		if tt.want.Shuffles() != (tt.want >= rdd.KindCombine && tt.want <= rdd.KindRepartition) {
			t.Errorf("%s: Shuffles() is %v", tt.want, tt.want.Shuffles())
		}
	}
}

// classificationProblems returns what disagrees in the finer
// classification of a method (MethodInfo's shapes, element operation,
// source, combiner and grouping) with its kind.
func classificationProblems(info rdd.MethodInfo) []string {
	var out []string
	check := func(ok bool, problem string) {
		if !ok {
			out = append(out, problem)
		}
	}
	check(len(info.FuncShapes) == len(info.FuncArgs), "one shape per function argument")
	for _, s := range info.FuncShapes {
		check(s != rdd.ShapeNone, "a function argument without a shape")
	}
	check((info.Source != rdd.SourceNone) == (info.Kind == rdd.KindSource), "a source kind exactly for sources")
	check(!info.OptionFuncs || info.Kind == rdd.KindSource, "options holding functions only for sources")
	if info.Element != rdd.ElemNone {
		check(info.Partitionwise, "element-wise, so partition-wise")
		check(info.Kind == rdd.KindNarrow || info.Source == rdd.SourceIndexed, "element-wise, so narrow or read from an index")
	}
	check(!info.Partitionwise || info.Kind == rdd.KindNarrow || info.Source == rdd.SourceIndexed, "partition-wise, so narrow")
	check(!info.Concat || info.Kind == rdd.KindNarrow, "a concatenation is narrow")
	check(!info.Identity || info.Kind == rdd.KindNarrow && len(info.FuncArgs) == 0, "an identity is narrow and takes no function")
	check((info.Combiner != rdd.CombineNone) == (info.Kind == rdd.KindCombine && info.Grouping == rdd.GroupNone),
		"a combiner form exactly for the combining shuffles that are not groupings")
	check(info.Grouping == rdd.GroupNone || info.Kind == rdd.KindCombine || info.Kind == rdd.KindGroup || info.Kind == rdd.KindCogroup,
		"a grouping only for shuffles by key")
	check(info.Grouping != rdd.GroupNone || info.Kind != rdd.KindGroup && info.Kind != rdd.KindCogroup,
		"a grouping for every group and cogroup")
	check(!info.OuterLeft && !info.OuterRight || info.Grouping == rdd.GroupJoin, "outer sides only for joins")
	check(!info.WholeElements || info.Grouping != rdd.GroupNone, "whole elements as keys only for groupings")
	check(!info.SortsAll || info.Kind == rdd.KindSort, "a total order only for sorts")
	switch info.Element {
	case rdd.ElemMap, rdd.ElemKeyBy, rdd.ElemMapValues:
		check(len(info.FuncShapes) == 1 && info.FuncShapes[0] == rdd.ShapeUnary, "one unary function")
	case rdd.ElemFlatMap, rdd.ElemFlatMapValues:
		check(len(info.FuncShapes) == 1 && info.FuncShapes[0] == rdd.ShapeFlat, "one flat function")
	case rdd.ElemFilter:
		check(len(info.FuncShapes) == 1 && info.FuncShapes[0] == rdd.ShapePredicate, "one predicate")
	}
	switch info.Combiner {
	case rdd.CombineReduce:
		check(len(info.FuncShapes) == 1 && info.Takes(rdd.ShapeBinary), "one binary function")
	case rdd.CombineZero:
		check(len(info.FuncShapes) >= 1 && !info.Takes(rdd.ShapeUnary) && info.FuncArgs[0] == 1, "a zero, then binary functions")
	case rdd.CombineCreate:
		check(len(info.FuncShapes) == 3 && info.FuncShapes[0] == rdd.ShapeUnary, "create, then merge functions")
	}
	return out
}

// TestEveryFinerKindIsUsed: each element operation, source kind, combiner
// form and grouping names at least one method, so that none of them is a
// kind that no method has and a Runner would handle in vain.
func TestEveryFinerKindIsUsed(t *testing.T) {
	elems, sources, combiners, groupings := map[rdd.ElementOp]bool{}, map[rdd.SourceKind]bool{}, map[rdd.CombinerForm]bool{}, map[rdd.Grouping]bool{}
	shapes := map[rdd.FuncShape]bool{}
	for _, typ := range []reflect.Type{reflect.TypeFor[*rdd.RDD](), reflect.TypeFor[*rdd.Context]()} {
		for m := range typ.Methods() {
			info, _ := rdd.MethodOf(m.Name)
			elems[info.Element], sources[info.Source], combiners[info.Combiner], groupings[info.Grouping] = true, true, true, true
			for _, s := range info.FuncShapes {
				shapes[s] = true
			}
		}
	}
	unused(t, "element operation", elems, rdd.ElemMap, rdd.ElemWarcRecords)
	unused(t, "source kind", sources, rdd.SourceData, rdd.SourceIndexed)
	unused(t, "combiner form", combiners, rdd.CombineReduce, rdd.CombineCreate)
	unused(t, "grouping", groupings, rdd.GroupValues, rdd.GroupDistinct)
	unused(t, "function shape", shapes, rdd.ShapeUnary, rdd.ShapeEach)
}

// unused reports each kind from first to last that no method has.
func unused[K ~uint8](t *testing.T, what string, seen map[K]bool, first, last K) {
	t.Helper()
	for k := first; k <= last; k++ {
		if !seen[k] {
			t.Errorf("%s %d has no method", what, k)
		}
	}
}

// TestStepsCarryTheirOptions: the arguments Runners read travel by name
// in Step.Options, as the method was given them.
func TestStepsCarryTheirOptions(t *testing.T) {
	sc := rdd.NewContext()
	defer sc.Stop()
	nums := sc.Parallelize([]int{1, 2, 3}, 2)
	pairs := nums.KeyBy(func(x int) int { return x % 2 })
	add := func(a, b int) int { return a + b }
	tests := []struct {
		name string
		r    *rdd.RDD
		want rdd.StepOptions
	}{
		{"Parallelize with numSlices", nums, rdd.StepOptions{NumPartitions: []int{2}}},
		{"Parallelize without", sc.Parallelize([]int{1}), rdd.StepOptions{}},
		{"TextFile", sc.TextFile("testdata/none*.txt", 3), rdd.StepOptions{Paths: "testdata/none*.txt", NumPartitions: []int{3}}},
		{"FoldByKey", pairs.FoldByKey(10, add), rdd.StepOptions{Zero: 10}},
		{"AggregateByKey", pairs.AggregateByKey("", add, add, 4), rdd.StepOptions{Zero: "", NumPartitions: []int{4}}},
		{"SortByKey descending", pairs.SortByKey(false), rdd.StepOptions{}},
		{"SortBy ascending", nums.SortBy(func(x int) int { return x }, true), rdd.StepOptions{Ascending: true}},
		{"Coalesce", nums.Coalesce(1), rdd.StepOptions{NumPartitions: []int{1}}},
		{"Coalesce with shuffle", nums.Coalesce(3, true), rdd.StepOptions{NumPartitions: []int{3}, Shuffle: true}},
		{"Repartition", nums.Repartition(3), rdd.StepOptions{NumPartitions: []int{3}, Shuffle: true}},
		{"WarcRecords", sc.WarcRecords(sc.Parallelize([]any{}), "/data"), rdd.StepOptions{Root: []string{"/data"}}},
	}
	for _, tt := range tests {
		got, want := exported(tt.r.Step().Options), exported(tt.want)
		if fmt.Sprint(got) != fmt.Sprint(want) {
			t.Errorf("%s: options %v, want %v", tt.name, got, want)
		}
	}
}

// exported returns the exported fields of o by name, with empty slices
// and nil alike.
func exported(o rdd.StepOptions) map[string]string {
	out := map[string]string{}
	v := reflect.ValueOf(o)
	for i := range v.NumField() {
		if f := v.Type().Field(i); f.IsExported() {
			out[f.Name] = fmt.Sprintf("%v", v.Field(i).Interface())
		}
	}
	return out
}

// TestWithNumPartitions: a step redone with WithNumPartitions's Args
// makes that many partitions; a method without a partition count is
// left as it is.
func TestWithNumPartitions(t *testing.T) {
	sc := rdd.NewContext()
	defer sc.Stop()
	step := sc.Parallelize([]int{1, 2, 3, 4}).Step().WithNumPartitions(3)
	if got := sc.Parallelize(step.Args[0], step.Args[1].([]int)...).GetNumPartitions(); got != 3 {
		t.Errorf("Parallelize redone with WithNumPartitions(3): %d partitions", got)
	}
	if !reflect.DeepEqual(step.Options.NumPartitions, []int{3}) {
		t.Errorf("Options.NumPartitions = %v, want [3]", step.Options.NumPartitions)
	}
	keys := sc.Parallelize([]rdd.Pair{rdd.KV(1, 2)}).Keys().Step()
	if got := keys.WithNumPartitions(5); !reflect.DeepEqual(got.Args, keys.Args) {
		t.Errorf("Keys has no partition count, yet WithNumPartitions changed its Args to %v", got.Args)
	}
}
