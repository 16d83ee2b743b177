package rdd_test

import (
	"cmp"
	"context"
	"errors"
	"reflect"
	"slices"
	"strings"
	"testing"

	"github.com/gosparkling/gosparkling/internal/engine"
	"github.com/gosparkling/gosparkling/internal/rddtest"
	"github.com/gosparkling/gosparkling/rdd"
)

// fakeRunner stands for an engine: it answers with fixed elements and
// notes what it was asked.
type fakeRunner struct {
	elems []any
	err   error
	calls []string
	limit int
	saved string
}

func (f *fakeRunner) Name() string { return "fake" }

func (f *fakeRunner) Run(_ context.Context, r *rdd.RDD, limit int) ([]any, error) {
	f.calls = append(f.calls, "Run "+r.Step().Method)
	f.limit = limit
	return f.elems, f.err
}

func (f *fakeRunner) Count(_ context.Context, r *rdd.RDD) (int64, error) {
	f.calls = append(f.calls, "Count "+r.Step().Method)
	return int64(len(f.elems)), f.err
}

func (f *fakeRunner) SaveAsTextFile(_ context.Context, r *rdd.RDD, path, codec string) error {
	f.calls = append(f.calls, "Save "+r.Step().Method)
	f.saved = path + " " + codec
	return f.err
}

func TestActionsGoToTheRunner(t *testing.T) {
	runner := &fakeRunner{elems: []any{3, 1, 2}}
	sc := rdd.NewContext(rdd.WithRunner(runner))
	r := sc.Parallelize([]int{10, 20}).Map(func(x int) int { return x + 1 })
	tests := []struct {
		name string
		run  func() any
		want any
		call string
	}{
		{"Collect", func() any { return r.Collect() }, []any{3, 1, 2}, "Run Map"},
		{"Count", func() any { return r.Count() }, int64(3), "Count Map"},
		{"Take", func() any { return r.Take(2) }, []any{3, 1}, "Run Map"},
		{"Max by a key", func() any { return r.Max(func(x int) int { return -x }) }, 1, "Run Map"},
		{"TakeOrdered by a key", func() any { return r.TakeOrdered(2, func(x int) int { return x }) }, []any{1, 2}, "Run Map"},
		{"Reduce", func() any { return r.Reduce(func(a, b int) int { return a * b }) }, 6, "Run Map"},
	}
	for _, tt := range tests {
		runner.calls = nil
		check(t, tt.name, tt.run(), tt.want)
		check(t, tt.name+" calls", runner.calls, []string{tt.call})
	}
	r.Take(2)
	check(t, "Take's limit", runner.limit, 2)
	r.Collect()
	check(t, "Collect's limit", runner.limit, -1)
	r.SaveAsTextFile("/out", "gzip")
	check(t, "SaveAsTextFile", runner.saved, "/out gzip")
}

func TestRunnerErrorsAreJobErrors(t *testing.T) {
	runner := &fakeRunner{err: errors.New("worker lost")}
	sc := rdd.NewContext(rdd.WithRunner(runner))
	err := rdd.Try(func() { sc.Parallelize([]int{1}).Count() })
	var je *rdd.JobError
	if !errors.As(err, &je) || !strings.Contains(err.Error(), "rdd.Count on fake: worker lost") {
		t.Fatalf("error = %v, want a JobError naming Count, the runner and the cause", err)
	}
	if sc.ActiveJobs() != 0 {
		t.Errorf("ActiveJobs = %d after the failed job", sc.ActiveJobs())
	}
}

func TestStepsDescribeTheLineage(t *testing.T) {
	sc := rdd.NewContext()
	double := func(x int) int { return 2 * x }
	add := func(a, b int) int { return a + b }
	base := sc.Parallelize([]int{1, 2, 3}, 2)
	pairs := base.Map(double).KeyBy(double)
	counts := pairs.ReduceByKey(add, 3)
	joined := counts.Join(pairs)

	check(t, "source", base.Step().Method, "Parallelize")
	check(t, "source args", base.Step().Args, []any{[]any{1, 2, 3}, []int{2}})
	step := counts.Step()
	check(t, "method", step.Method, "ReduceByKey")
	check(t, "parents", step.Parents, []*rdd.RDD{pairs})
	check(t, "numPartitions", step.Args[1], []int{3})
	if reflect.ValueOf(step.Args[0]).Pointer() != reflect.ValueOf(add).Pointer() {
		t.Errorf("ReduceByKey's func is not the one given")
	}
	check(t, "join parents", joined.Step().Parents, []*rdd.RDD{counts, pairs})
	check(t, "no sources", rdds.Sources(step), []engine.FuncSource(nil))
	check(t, "local context", sc.Local(), sc)
}

func TestCountsAreCountedOnTheRunner(t *testing.T) {
	runner := &fakeRunner{elems: []any{rdd.KV("a", int64(2)), rdd.KV("b", int64(1))}}
	sc := rdd.NewContext(rdd.WithRunner(runner))
	words := sc.Parallelize([]string{"a", "b", "a"})
	check(t, "CountByValue", words.CountByValue(), map[any]int64{"a": 2, "b": 1})
	check(t, "CountByValue calls", runner.calls, []string{"Run ReduceByKey"})
	runner.calls = nil
	check(t, "CountByKey", words.Map(func(w string) rdd.Pair { return rdd.KV(w, 0) }).CountByKey(), map[any]int64{"a": 2, "b": 1})
	check(t, "CountByKey calls", runner.calls, []string{"Run ReduceByKey"})

	// What the runner was given: a ReduceByKey of a Map, with functions
	// that workers find in their own rdd package.
	var asked *rdd.RDD
	sc = rdd.NewContext(rdd.WithRunner(runFunc(func(r *rdd.RDD) { asked = r })))
	sc.Parallelize([]string{"a"}).CountByValue()
	mapped := asked.Step().Parents[0]
	check(t, "the lineage", []string{asked.Step().Method, mapped.Step().Method}, []string{"ReduceByKey", "Map"})
	for _, step := range []rdd.Step{mapped.Step(), asked.Step()} {
		prog, err := rdds.Sources(step)[0].Program()
		if err != nil || prog.Builtin == "" {
			t.Fatalf("%s's function has no builtin program: %+v, %v", step.Method, prog, err)
		}
		fn, err := engine.BuiltinFunc(prog, step.Method, nil)
		if err != nil || reflect.ValueOf(fn).Pointer() != reflect.ValueOf(step.Args[0]).Pointer() {
			t.Errorf("BuiltinFunc(%q) is not %s's function", prog.Builtin, step.Method)
		}
	}
}

// runFunc is a Runner that notes the RDD it runs and gives nothing.
type runFunc func(r *rdd.RDD)

func (f runFunc) Name() string { return "noting" }
func (f runFunc) Run(_ context.Context, r *rdd.RDD, _ int) ([]any, error) {
	f(r)
	return nil, nil
}
func (f runFunc) Count(context.Context, *rdd.RDD) (int64, error) { return 0, nil }
func (f runFunc) SaveAsTextFile(context.Context, *rdd.RDD, string, string) error {
	return nil
}

func TestAggregatesAreComputedOnTheEngine(t *testing.T) {
	tests := []struct {
		name string
		run  func(sc *rdd.Context) any
		ran  string // "" for ReduceByKey
	}{
		{"Sum of ints", func(sc *rdd.Context) any { return sc.Parallelize([]int{1, 2, 3, 4}, 3).Sum() }, ""},
		{"Sum of mixed numbers", func(sc *rdd.Context) any { return sc.Parallelize([]any{1, 2.5, int8(3)}, 2).Sum() }, ""},
		{"Sum of nothing", func(sc *rdd.Context) any { return sc.Parallelize([]int{}).Sum() }, ""},
		{"Max", func(sc *rdd.Context) any { return sc.Parallelize([]string{"b", "c", "a"}, 2).Max() }, ""},
		{"Min", func(sc *rdd.Context) any { return sc.Parallelize([]int{5, 2, 9}, 2).Min() }, ""},
		{"Stats", func(sc *rdd.Context) any { return sc.Parallelize([]float64{1, 2, 3, 10}, 3).Stats().String() }, ""},
		{"Mean", func(sc *rdd.Context) any { return sc.Parallelize([]int{1, 2, 6}, 2).Mean() }, ""},
		{"CountByValue", func(sc *rdd.Context) any { return sc.Parallelize([]string{"a", "b", "a"}, 2).CountByValue() }, ""},
		{"Top", func(sc *rdd.Context) any { return sc.Range(0, 1000, 1, 4).Top(3) }, "CombineByKey"},
		{"TakeOrdered", func(sc *rdd.Context) any { return sc.Parallelize([]string{"d", "b", "c", "a"}, 3).TakeOrdered(2) }, "CombineByKey"},
		{"Top of nothing", func(sc *rdd.Context) any { return sc.Parallelize([]int{}).Top(3) }, "CombineByKey"},
		{"Max of nothing", func(sc *rdd.Context) any {
			return rdd.Try(func() { sc.Parallelize([]int{}).Max() }).(*rdd.JobError).Cause
		}, ""},
		{"Sum of strings", func(sc *rdd.Context) any {
			err := rdd.Try(func() { sc.Parallelize([]string{"x"}).Sum() })
			return strings.Contains(err.Error(), "rdd.Sum: element of type string")
		}, ""},
	}
	for _, tt := range tests {
		engine := &rddtest.InProcessRunner{}
		want, got := tt.run(rdd.NewContext()), tt.run(rdd.NewContext(rdd.WithRunner(engine)))
		check(t, tt.name, got, want)
		ran := cmp.Or(tt.ran, "ReduceByKey")
		check(t, tt.name+" ran", engine.Ran(), []string{ran})
	}
}

// source is a FuncSource that an interpreter would give.
type source struct{ err error }

func (s source) Program() (*engine.FuncProgram, error) {
	return &engine.FuncProgram{Expr: "func(a, b int) int { return a + b }"}, s.err
}

func TestActionsWithShippableFunctionsRunOnTheEngine(t *testing.T) {
	add := func(a, b int) int { return a + b }
	nums := func(sc *rdd.Context) *rdd.RDD { return sc.Parallelize([]int{1, 2, 3, 4, 5}, 3) }
	shippable, unshippable := source{}, source{err: errors.New("it captures f, a *os.File")}
	tests := []struct {
		name string
		srcs []engine.FuncSource // as the interpreter records them
		run  func(r *rdd.RDD) any
		ran  string
	}{
		{"Reduce", []engine.FuncSource{shippable}, func(r *rdd.RDD) any { return r.Reduce(add) }, "ReduceByKey"},
		{"TreeReduce", []engine.FuncSource{shippable}, func(r *rdd.RDD) any { return r.TreeReduce(add) }, "ReduceByKey"},
		{"Fold", []engine.FuncSource{nil, shippable}, func(r *rdd.RDD) any { return r.Fold(10, add) }, "FoldByKey"},
		{"Aggregate", []engine.FuncSource{nil, shippable, shippable}, func(r *rdd.RDD) any {
			return r.Aggregate([]int{}, func(acc []int, x int) []int { return append(acc, x) },
				func(a, b []int) []int { return append(a, b...) }).([]int)
		}, "AggregateByKey"},
		{"TreeAggregate", []engine.FuncSource{nil, shippable, shippable}, func(r *rdd.RDD) any {
			return r.TreeAggregate(0, add, add)
		}, "AggregateByKey"},
		{"Top by a key", []engine.FuncSource{nil, shippable}, func(r *rdd.RDD) any {
			return r.Top(2, func(x int) int { return -x })
		}, "CombineByKey"},
		{"TakeOrdered by a key", []engine.FuncSource{nil, shippable}, func(r *rdd.RDD) any {
			return r.TakeOrdered(3, func(x int) int { return x % 3 })
		}, "CombineByKey"},
		{"Max by a key", []engine.FuncSource{shippable}, func(r *rdd.RDD) any {
			return r.Max(func(x int) int { return x % 4 })
		}, "CombineByKey"},
		{"Top by a key without a source", nil, func(r *rdd.RDD) any {
			return r.Top(2, func(x int) int { return -x })
		}, "Parallelize"},
		{"Reduce without a source", nil, func(r *rdd.RDD) any { return r.Reduce(add) }, "Parallelize"},
		{"Reduce with an unshippable function", []engine.FuncSource{unshippable}, func(r *rdd.RDD) any { return r.Reduce(add) }, "Parallelize"},
		{"Aggregate with one source", []engine.FuncSource{nil, shippable}, func(r *rdd.RDD) any { return r.Aggregate(0, add, add) }, "Parallelize"},
	}
	for _, tt := range tests {
		engine := &rddtest.InProcessRunner{}
		want := tt.run(nums(rdd.NewContext()))
		r := nums(rdd.NewContext(rdd.WithRunner(engine)))
		acted := r
		if tt.srcs != nil {
			acted = rdds.WithActionSources(r, tt.srcs...)
		}
		got := tt.run(acted)
		if l, ok := got.([]int); ok { // the engine's order is its own
			slices.Sort(l)
			slices.Sort(want.([]int))
		}
		check(t, tt.name, got, want)
		check(t, tt.name+" ran", engine.Ran(), []string{tt.ran})
		engine.Reset()
		acted.Reduce(add)
		check(t, tt.name+": the next action's sources", engine.Ran(), []string{"Parallelize"})
	}
	sc := rdd.NewContext(rdd.WithRunner(&rddtest.InProcessRunner{}))
	check(t, "Fold of nothing", rdds.WithActionSources(sc.Parallelize([]int{}), nil, shippable).Fold(7, add), 7)
	err := rdd.Try(func() { rdds.WithActionSources(sc.Parallelize([]int{}), shippable).Reduce(add) })
	if !errors.Is(err, rdd.ErrEmptyRDD) {
		t.Errorf("Reduce of nothing on the engine: %v", err)
	}
}

// rdds is what runners do to RDDs (internal/engine).
var rdds = engine.For[*rdd.RDD, rdd.Step, *rdd.Broadcast]()
