package rdd_test

import (
	"errors"
	"fmt"
	"math"
	"os"
	"path/filepath"
	"reflect"
	"sort"
	"strings"
	"sync/atomic"
	"testing"

	"github.com/gosparkling/gosparkling/rdd"
)

// sorted returns xs sorted by rdd.Compare, for results whose order a
// shuffle decides.
func sorted(xs []any) []any {
	out := append([]any{}, xs...)
	sort.SliceStable(out, func(i, j int) bool { return rdd.Compare(out[i], out[j]) < 0 })
	return out
}

func check(t *testing.T, name string, got, want any) {
	t.Helper()
	if !reflect.DeepEqual(got, want) {
		t.Errorf("%s = %v, want %v", name, got, want)
	}
}

func pairs(kvs ...any) []rdd.Pair {
	var out []rdd.Pair
	for i := 0; i+1 < len(kvs); i += 2 {
		out = append(out, rdd.KV(kvs[i], kvs[i+1]))
	}
	return out
}

func TestPairTransformations(t *testing.T) {
	sc := newContext(t)
	kv := sc.Parallelize(pairs("a", 1, "b", 2, "a", 3, "c", 4), 2)
	add := func(a, b int) int { return a + b }
	tests := []struct {
		name string
		got  []any
		want []any
	}{
		{"MapValues", kv.MapValues(func(v int) int { return v * 10 }).Collect(), []any{rdd.KV("a", 10), rdd.KV("b", 20), rdd.KV("a", 30), rdd.KV("c", 40)}},
		{"FlatMapValues", kv.FlatMapValues(func(v int) []int { return make([]int, v%2) }).Collect(), []any{rdd.KV("a", 0), rdd.KV("a", 0)}},
		{"Keys", kv.Keys().Collect(), []any{"a", "b", "a", "c"}},
		{"Values", kv.Values().Collect(), []any{1, 2, 3, 4}},
		{"KeyBy", sc.Parallelize([]string{"go", "rust"}).KeyBy(func(s string) int { return len(s) }).Collect(), []any{rdd.KV(2, "go"), rdd.KV(4, "rust")}},
		{"GroupByKey keeps value order", sorted(kv.GroupByKey().Collect()), []any{rdd.KV("a", []any{1, 3}), rdd.KV("b", []any{2}), rdd.KV("c", []any{4})}},
		{"GroupBy", sorted(sc.Parallelize([]int{1, 2, 3, 4, 5}, 3).GroupBy(func(x int) bool { return x%2 == 0 }).Collect()),
			[]any{rdd.KV(false, []any{1, 3, 5}), rdd.KV(true, []any{2, 4})}},
		{"AggregateByKey applies zero once per key and partition", sorted(sc.Parallelize(pairs("a", 1, "a", 2, "a", 3, "b", 4), 2).
			AggregateByKey(100, add, add).Collect()), []any{rdd.KV("a", 206), rdd.KV("b", 104)}},
		{"AggregateByKey copies a slice zero", sorted(sc.Parallelize(pairs("a", 1, "b", 2, "a", 3), 1).
			AggregateByKey([]int{}, func(acc []int, v int) []int { return append(acc, v) },
				func(a, b []int) []int { return append(a, b...) }).Collect()), []any{rdd.KV("a", []int{1, 3}), rdd.KV("b", []int{2})}},
		{"FoldByKey", sorted(kv.FoldByKey(0, add).Collect()), []any{rdd.KV("a", 4), rdd.KV("b", 2), rdd.KV("c", 4)}},
		{"CombineByKey", sorted(kv.CombineByKey(
			func(v int) []int { return []int{v} },
			func(c []int, v int) []int { return append(c, v) },
			func(a, b []int) []int { return append(a, b...) }).Collect()),
			[]any{rdd.KV("a", []int{1, 3}), rdd.KV("b", []int{2}), rdd.KV("c", []int{4})}},
		{"nil keys and values", sorted(sc.Parallelize([]rdd.Pair{rdd.KV(nil, 1), rdd.KV(nil, nil), rdd.KV("x", nil)}).GroupByKey().Collect()),
			[]any{rdd.KV(nil, []any{1, nil}), rdd.KV("x", []any{nil})}},
	}
	for _, tt := range tests {
		check(t, tt.name, tt.got, tt.want)
	}
}

func TestJoinsKeepEveryMatch(t *testing.T) {
	sc := newContext(t)
	left := sc.Parallelize(pairs("a", 1, "a", 2, "b", 3, "l", 9), 3)
	right := sc.Parallelize(pairs("a", "x", "a", "y", "b", "z", "r", "w"), 2)
	tests := []struct {
		name string
		got  *rdd.RDD
		want []any
	}{
		{"Join: every pair of duplicate keys", left.Join(right), []any{
			rdd.KV("a", rdd.KV(1, "x")), rdd.KV("a", rdd.KV(1, "y")), rdd.KV("a", rdd.KV(2, "x")), rdd.KV("a", rdd.KV(2, "y")),
			rdd.KV("b", rdd.KV(3, "z"))}},
		{"LeftOuterJoin", left.LeftOuterJoin(right), []any{
			rdd.KV("a", rdd.KV(1, "x")), rdd.KV("a", rdd.KV(1, "y")), rdd.KV("a", rdd.KV(2, "x")), rdd.KV("a", rdd.KV(2, "y")),
			rdd.KV("b", rdd.KV(3, "z")), rdd.KV("l", rdd.KV(9, nil))}},
		{"RightOuterJoin", left.RightOuterJoin(right), []any{
			rdd.KV("a", rdd.KV(1, "x")), rdd.KV("a", rdd.KV(1, "y")), rdd.KV("a", rdd.KV(2, "x")), rdd.KV("a", rdd.KV(2, "y")),
			rdd.KV("b", rdd.KV(3, "z")), rdd.KV("r", rdd.KV(nil, "w"))}},
		{"FullOuterJoin", left.FullOuterJoin(right), []any{
			rdd.KV("a", rdd.KV(1, "x")), rdd.KV("a", rdd.KV(1, "y")), rdd.KV("a", rdd.KV(2, "x")), rdd.KV("a", rdd.KV(2, "y")),
			rdd.KV("b", rdd.KV(3, "z")), rdd.KV("l", rdd.KV(9, nil)), rdd.KV("r", rdd.KV(nil, "w"))}},
		{"Cogroup", left.Cogroup(right), []any{
			rdd.KV("a", [][]any{{1, 2}, {"x", "y"}}), rdd.KV("b", [][]any{{3}, {"z"}}),
			rdd.KV("l", [][]any{{9}, {}}), rdd.KV("r", [][]any{{}, {"w"}})}},
		{"GroupWith three", left.GroupWith(right, sc.Parallelize(pairs("b", true))), []any{
			rdd.KV("a", [][]any{{1, 2}, {"x", "y"}, {}}), rdd.KV("b", [][]any{{3}, {"z"}, {true}}),
			rdd.KV("l", [][]any{{9}, {}, {}}), rdd.KV("r", [][]any{{}, {"w"}, {}})}},
		{"SubtractByKey keeps duplicates", left.SubtractByKey(sc.Parallelize(pairs("b", 0))), []any{
			rdd.KV("a", 1), rdd.KV("a", 2), rdd.KV("l", 9)}},
		{"Join with an empty RDD", left.Join(sc.EmptyRDD()), []any{}},
	}
	for _, tt := range tests {
		got := sorted(tt.got.Collect())
		if len(got) != len(tt.want) || len(got) > 0 && !reflect.DeepEqual(got, tt.want) {
			t.Errorf("%s = %v, want %v", tt.name, got, tt.want)
		}
	}
	check(t, "Join partitions (largest parent)", left.Join(right).GetNumPartitions(), 3)
	check(t, "Join partitions (given)", left.Join(right, 5).GetNumPartitions(), 5)
	check(t, "SubtractByKey partitions (largest parent, as PySpark)", right.SubtractByKey(left).GetNumPartitions(), 3)
}

func TestSetOperations(t *testing.T) {
	sc := newContext(t)
	a := sc.Parallelize([]int{1, 2, 2, 3, 4, 4}, 3)
	b := sc.Parallelize([]int{2, 4, 4, 5}, 2)
	check(t, "Distinct", sorted(a.Distinct().Collect()), []any{1, 2, 3, 4})
	check(t, "Distinct partitions", a.Distinct(7).GetNumPartitions(), 7)
	check(t, "Intersection is distinct", sorted(a.Intersection(b).Collect()), []any{2, 4})
	check(t, "Subtract keeps duplicates", sorted(a.Subtract(b).Collect()), []any{1, 3})
	check(t, "Subtract duplicates of this", sorted(sc.Parallelize([]int{7, 7, 8}).Subtract(b).Collect()), []any{7, 7, 8})
	u := a.Union(b)
	check(t, "Union concatenates", u.Collect(), []any{1, 2, 2, 3, 4, 4, 2, 4, 4, 5})
	check(t, "Union partitions", u.GetNumPartitions(), 5)
	check(t, "Context.Union", sc.Union(a, b, sc.EmptyRDD()).Count(), int64(10))
	c := sc.Parallelize([]string{"x", "y"}, 2).Cartesian(sc.Parallelize([]int{1, 2, 3}, 3))
	check(t, "Cartesian partitions", c.GetNumPartitions(), 6)
	check(t, "Cartesian", c.Collect(), []any{rdd.KV("x", 1), rdd.KV("x", 2), rdd.KV("x", 3), rdd.KV("y", 1), rdd.KV("y", 2), rdd.KV("y", 3)})
}

func TestZips(t *testing.T) {
	sc := newContext(t)
	x := sc.Parallelize([]string{"a", "b", "c", "d", "e"}, 3)
	check(t, "ZipWithIndex", x.ZipWithIndex().Collect(), []any{
		rdd.KV("a", int64(0)), rdd.KV("b", int64(1)), rdd.KV("c", int64(2)), rdd.KV("d", int64(3)), rdd.KV("e", int64(4))})
	// Partitions hold [a] [b c] [d e]: ids are i*3 + partition.
	check(t, "ZipWithUniqueID", x.ZipWithUniqueID().Collect(), []any{
		rdd.KV("a", int64(0)), rdd.KV("b", int64(1)), rdd.KV("c", int64(4)), rdd.KV("d", int64(2)), rdd.KV("e", int64(5))})
	check(t, "Zip", x.Zip(sc.Parallelize([]int{1, 2, 3, 4, 5}, 3)).Collect(), []any{
		rdd.KV("a", 1), rdd.KV("b", 2), rdd.KV("c", 3), rdd.KV("d", 4), rdd.KV("e", 5)})
	check(t, "Zip with Take stops early", len(x.Zip(x).Take(2)), 2)
	for _, other := range []*rdd.RDD{sc.Parallelize([]int{1, 2, 3, 4}, 3), sc.Parallelize([]int{1, 2, 3, 4, 5, 6}, 3), sc.Parallelize([]int{1}, 2)} {
		je := jobError(t, func() { x.Zip(other).Collect() })
		if !strings.Contains(je.Error(), "Zip") {
			t.Errorf("Zip size error does not name Zip: %v", je)
		}
	}
}

func TestPartitionwise(t *testing.T) {
	sc := newContext(t)
	x := sc.Parallelize([]int{1, 2, 3, 4, 5}, 2)
	check(t, "Glom", x.Glom().Collect(), []any{[]any{1, 2}, []any{3, 4, 5}})
	check(t, "Glom of empty partitions", sc.Parallelize([]int{1}, 2).Glom().Collect(), []any{[]any{}, []any{1}})
	check(t, "MapPartitions typed", x.MapPartitions(func(xs []int) []int {
		s := 0
		for _, v := range xs {
			s += v
		}
		return []int{s}
	}).Collect(), []any{3, 12})
	check(t, "MapPartitions []any", x.MapPartitions(func(xs []any) []any { return xs[:1] }).Collect(), []any{1, 3})
	check(t, "MapPartitionsWithIndex", x.MapPartitionsWithIndex(func(i int, xs []any) []any { return []any{rdd.KV(i, len(xs))} }).Collect(),
		[]any{rdd.KV(0, 2), rdd.KV(1, 3)})
	check(t, "Coalesce joins neighbours", x.Coalesce(1).Glom().Collect(), []any{[]any{1, 2, 3, 4, 5}})
	check(t, "Coalesce never grows", x.Coalesce(9).GetNumPartitions(), 2)
	rep := x.Repartition(4)
	check(t, "Repartition count", rep.GetNumPartitions(), 4)
	check(t, "Repartition keeps elements", sorted(rep.Collect()), []any{1, 2, 3, 4, 5})
	check(t, "Coalesce with shuffle grows", x.Coalesce(3, true).GetNumPartitions(), 3)
	byFunc := sc.Parallelize(pairs(1, "a", 2, "b", 3, "c", -4, "d")).PartitionBy(2, func(k int) int { return k })
	check(t, "PartitionBy with a func", byFunc.Glom().Collect(), []any{[]any{rdd.KV(2, "b"), rdd.KV(-4, "d")}, []any{rdd.KV(1, "a"), rdd.KV(3, "c")}})
	hashed := sc.Parallelize(pairs("k1", 1, "k2", 2, "k1", 3)).PartitionBy(3)
	check(t, "PartitionBy keeps duplicates", hashed.Count(), int64(3))
	check(t, "Lookup on a hash-partitioned RDD", hashed.Lookup("k1"), []any{1, 3})
	check(t, "Lookup elsewhere", sc.Parallelize(pairs("k", 1, "j", 2, "k", 3), 2).Lookup("k"), []any{1, 3})
}

func TestSorting(t *testing.T) {
	sc := newContext(t)
	words := sc.Parallelize([]string{"pear", "fig", "apple", "kiwi", "date", "plum", "lime"}, 3)
	byLen := func(s string) int { return len(s) }
	check(t, "SortBy is stable", words.SortBy(byLen, true).Collect(), []any{"fig", "pear", "kiwi", "date", "plum", "lime", "apple"})
	check(t, "SortBy descending is stable", words.SortBy(byLen, false, 2).Collect(), []any{"apple", "pear", "kiwi", "date", "plum", "lime", "fig"})
	check(t, "SortBy partitions", words.SortBy(byLen, true, 5).GetNumPartitions(), 5)
	big := make([]int, 1000)
	for i := range big {
		big[i] = (i * 7919) % 1000
	}
	sortedBig := sc.Parallelize(big, 8).SortBy(func(x int) int { return x }, true, 4)
	got := sortedBig.Collect()
	for i, x := range got {
		if x.(int) != i {
			t.Fatalf("SortBy of 1000: element %d is %v", i, x)
		}
	}
	var sizes []int
	for _, p := range sortedBig.Glom().Collect() {
		sizes = append(sizes, len(p.([]any)))
	}
	for _, s := range sizes {
		if s < 100 || s > 400 {
			t.Errorf("range partitions are unbalanced: %v", sizes)
			break
		}
	}
	kv := sc.Parallelize(pairs(3, "c", 1, "a", 2, "b", 1, "z"), 2)
	check(t, "SortByKey", kv.SortByKey(true).Collect(), []any{rdd.KV(1, "a"), rdd.KV(1, "z"), rdd.KV(2, "b"), rdd.KV(3, "c")})
	check(t, "SortByKey descending", kv.SortByKey(false).Keys().Collect(), []any{3, 2, 1, 1})
	within := kv.RepartitionAndSortWithinPartitions(2)
	for _, p := range within.Glom().Collect() {
		part := p.([]any)
		if !sort.SliceIsSorted(part, func(i, j int) bool { return rdd.Compare(part[i], part[j]) < 0 }) {
			t.Errorf("partition not sorted: %v", part)
		}
	}
	check(t, "SortBy of empty", sc.EmptyRDD().SortBy(func(x any) any { return x }, true).Collect(), []any{})
}

func TestSampling(t *testing.T) {
	sc := newContext(t)
	nums := sc.Range(0, 10000, 1, 4)
	s1 := nums.Sample(false, 0.1, 42).Collect()
	s2 := nums.Sample(false, 0.1, 42).Collect()
	check(t, "Sample with a seed is reproducible", s1, s2)
	if n := len(s1); n < 800 || n > 1200 {
		t.Errorf("Sample(0.1) of 10000 kept %d", n)
	}
	if n := nums.Sample(true, 2.0, 1).Count(); n < 18000 || n > 22000 {
		t.Errorf("Sample with replacement (2.0) of 10000 gave %d", n)
	}
	splits := nums.RandomSplit([]float64{1, 3}, 7)
	a, b := splits[0].Collect(), splits[1].Collect()
	check(t, "RandomSplit is a partition", int64(len(a)+len(b)), int64(10000))
	if len(a) < 2000 || len(a) > 3000 {
		t.Errorf("RandomSplit 1:3 gave %d and %d", len(a), len(b))
	}
	check(t, "RandomSplit pieces are disjoint", sc.Parallelize(a).Intersection(sc.Parallelize(b)).Count(), int64(0))
	byKey := sc.Parallelize(pairs("keep", 1, "keep", 2, "drop", 3)).SampleByKey(false, map[any]float64{"keep": 1, "drop": 0}, 3)
	check(t, "SampleByKey", byKey.Values().Collect(), []any{1, 2})

	ts := nums.TakeSample(false, 20, 5)
	check(t, "TakeSample size", len(ts), 20)
	check(t, "TakeSample reproducible", ts, nums.TakeSample(false, 20, 5))
	check(t, "TakeSample without replacement is distinct", sc.Parallelize(ts).Distinct().Count(), int64(20))
	check(t, "TakeSample more than there are", len(sc.Parallelize([]int{1, 2, 3}).TakeSample(false, 10, 1)), 3)
	check(t, "TakeSample with replacement", len(sc.Parallelize([]int{1, 2, 3}).TakeSample(true, 10, 1)), 10)
	check(t, "TakeSample of empty", sc.EmptyRDD().TakeSample(false, 3), []any{})
	check(t, "TakeSample after Filter", len(nums.Filter(func(x int64) bool { return x%2 == 0 }).TakeSample(false, 50, 9)), 50)

	// Known sizes: only the partitions holding the drawn elements run.
	var computed atomic.Int64
	many := sc.Parallelize(make([]int, 1000), 100).MapPartitionsWithIndex(func(i int, xs []any) []any {
		computed.Add(1)
		return xs
	})
	many.TakeSample(false, 1, 11)
	if computed.Load() != 1 {
		t.Errorf("TakeSample(1) over 100 partitions computed %d of them", computed.Load())
	}
}

func TestTakeSampleOpensAboutOneFile(t *testing.T) {
	dir := t.TempDir()
	for i := 0; i < 200; i++ {
		writeFile(t, filepath.Join(dir, fmt.Sprintf("f%03d.txt", i)), fmt.Sprintf("line %d\nmore %d\n", i, i))
	}
	sc := newContext(t)
	var opened atomic.Int64
	lines := sc.TextFile(filepath.Join(dir, "*.txt")).MapPartitions(func(xs []any) []any {
		opened.Add(1)
		return xs
	})
	got := lines.TakeSample(false, 1, 3)
	if len(got) != 1 || !strings.HasPrefix(got[0].(string), "line") && !strings.HasPrefix(got[0].(string), "more") {
		t.Fatalf("TakeSample = %v", got)
	}
	if opened.Load() > 2 {
		t.Errorf("TakeSample(false, 1) over 200 files read %d of them", opened.Load())
	}
}

func TestReductions(t *testing.T) {
	sc := newContext(t)
	nums := sc.Parallelize([]int{5, 3, 8, 1}, 3)
	add := func(a, b int) int { return a + b }
	check(t, "Reduce", nums.Reduce(add), 17)
	check(t, "TreeReduce", nums.TreeReduce(add, 3), 17)
	check(t, "Fold applies zero per partition and at the end", nums.Fold(1, add), 17+3+1)
	check(t, "Aggregate", nums.Aggregate(rdd.KV(0, 0),
		func(acc rdd.Pair, x int) rdd.Pair { return rdd.KV(acc.Key.(int)+x, acc.Value.(int)+1) },
		func(a, b rdd.Pair) rdd.Pair { return rdd.KV(a.Key.(int)+b.Key.(int), a.Value.(int)+b.Value.(int)) }), rdd.KV(17, 4))
	check(t, "TreeAggregate", nums.TreeAggregate(0, add, add), 17)
	check(t, "Max", nums.Max(), 8)
	check(t, "Min", nums.Min(), 1)
	check(t, "Max by key", sc.Parallelize([]string{"bb", "a", "ccc"}).Max(func(s string) int { return -len(s) }), "a")
	check(t, "Sum of ints is int64", nums.Sum(), int64(17))
	check(t, "Sum of mixed is float64", sc.Parallelize([]any{1, 2.5, int8(3)}).Sum(), 6.5)
	check(t, "Sum of empty", sc.EmptyRDD().Sum(), int64(0))
	check(t, "Reduce on one partition", sc.Parallelize([]int{4}, 1).Reduce(add), 4)
	for name, f := range map[string]func(){
		"Reduce": func() { sc.EmptyRDD().Reduce(add) }, "First": func() { sc.EmptyRDD().First() },
		"Max": func() { sc.Parallelize([]int{}, 3).Max() }, "Min": func() { sc.EmptyRDD().Min() },
	} {
		je := jobError(t, f)
		if !errors.Is(je, rdd.ErrEmptyRDD) || !strings.Contains(je.Error(), "RDD is empty") {
			t.Errorf("%s on empty: %v", name, je)
		}
	}
	check(t, "First", nums.First(), 5)
	check(t, "IsEmpty", []bool{nums.IsEmpty(), sc.EmptyRDD().IsEmpty(), sc.Parallelize([]int{}, 4).IsEmpty()}, []bool{false, true, true})
	je := jobError(t, func() { sc.Parallelize([]any{1, "x"}).Sum() })
	if !strings.Contains(je.Error(), "not a number") {
		t.Errorf("Sum of a string: %v", je)
	}
}

func TestStatistics(t *testing.T) {
	sc := newContext(t)
	s := sc.Parallelize([]int{1, 2, 3, 4}, 3).Stats()
	check(t, "Stats.String as PySpark", s.String(), "(count: 4, mean: 2.5, stdev: 1.118033988749895, max: 4.0, min: 1.0)")
	check(t, "Count", s.Count(), int64(4))
	check(t, "Sum", s.Sum(), 10.0)
	check(t, "SampleVariance", math.Round(s.SampleVariance()*1e12)/1e12, 1.666666666667)
	nums := sc.Parallelize([]float64{2, 4, 4, 4, 5, 5, 7, 9}, 3)
	check(t, "Mean", nums.Mean(), 5.0)
	check(t, "Variance", nums.Variance(), 4.0)
	check(t, "Stdev", nums.Stdev(), 2.0)
	check(t, "SampleStdev", math.Round(nums.SampleStdev()*1e9)/1e9, 2.138089935)
	// Spark's StatCounter: the mean of no values is 0.0, their variance NaN.
	empty := sc.Parallelize([]float64{}, 2)
	check(t, "Mean of empty", empty.Mean(), 0.0)
	if !math.IsNaN(empty.Variance()) || !math.IsNaN(empty.SampleStdev()) {
		t.Errorf("Variance, SampleStdev of empty = %v, %v, want NaN", empty.Variance(), empty.SampleStdev())
	}
}

func TestHistogram(t *testing.T) {
	sc := newContext(t)
	tests := []struct {
		name    string
		data    []any
		buckets any
		edges   []float64
		counts  []int64
	}{
		{"even buckets, last closed", []any{1, 2, 3, 4, 5, 6, 7, 8, 9, 10}, 3, []float64{1, 4, 7, 10}, []int64{3, 3, 4}},
		{"given edges", []any{-1, 0, 1, 5, 10, 11}, []float64{0, 5, 10}, []float64{0, 5, 10}, []int64{2, 2}},
		{"int edges", []any{1, 2, 3}, []int{0, 2, 4}, []float64{0, 2, 4}, []int64{1, 2}},
		{"uneven edges", []any{1, 6, 7, 50}, []float64{0, 5, 10, 100}, []float64{0, 5, 10, 100}, []int64{1, 2, 1}},
		{"all equal", []any{3, 3, 3}, 4, []float64{3, 3}, []int64{3}},
		{"NaN ignored", []any{math.NaN(), 1.0, 2.0}, 1, []float64{1, 2}, []int64{2}},
	}
	for _, tt := range tests {
		edges, counts := sc.Parallelize(tt.data, 2).Histogram(tt.buckets)
		check(t, tt.name+" edges", edges, tt.edges)
		check(t, tt.name+" counts", counts, tt.counts)
	}
	mustPanic(t, func() { sc.Parallelize([]int{1}).Histogram([]float64{2, 1}) })
	mustPanic(t, func() { sc.Parallelize([]int{1}).Histogram(0) })
}

func TestCountingActions(t *testing.T) {
	sc := newContext(t)
	kv := sc.Parallelize(pairs("a", 1, "b", 2, "a", 3), 2)
	check(t, "CountByKey", kv.CountByKey(), map[any]int64{"a": 2, "b": 1})
	check(t, "CountByValue", sc.Parallelize([]string{"x", "y", "x"}).CountByValue(), map[any]int64{"x": 2, "y": 1})
	check(t, "CollectAsMap, last wins", kv.CollectAsMap(), map[any]any{"a": 3, "b": 2})
	check(t, "ReduceByKeyLocally", kv.ReduceByKeyLocally(func(a, b int) int { return a + b }), map[any]any{"a": 4, "b": 2})
	check(t, "Lookup missing", kv.Lookup("zzz"), []any{})
	n := sc.Range(0, 20000, 1, 4).Map(func(x int64) int64 { return x % 5000 }).CountApproxDistinct(0.02)
	if n < 4700 || n > 5300 {
		t.Errorf("CountApproxDistinct of 5000 distinct = %d", n)
	}
	check(t, "CountApproxDistinct small", sc.Parallelize([]int{1, 2, 2, 3}).CountApproxDistinct(), int64(3))
	je := jobError(t, func() { sc.Parallelize([]any{[]int{1}}).CountByValue() })
	if !strings.Contains(je.Error(), "not comparable") {
		t.Errorf("CountByValue of slices: %v", je)
	}
}

func TestForeachAndIterator(t *testing.T) {
	sc := newContext(t)
	nums := sc.Range(1, 101, 1, 7)
	acc := sc.Accumulator(int64(0))
	nums.Foreach(func(x int64) { acc.Add(x) })
	check(t, "Foreach with an accumulator", acc.Value(), int64(5050))
	parts := sc.Accumulator(0)
	nums.ForeachPartition(func(xs []int64) { parts.Add(1) })
	check(t, "ForeachPartition", parts.Value(), 7)
	words := sc.Accumulator([]string{})
	sc.Parallelize([]string{"a", "b"}, 1).Foreach(func(s string) { words.Add(s) })
	check(t, "slice accumulator", words.Value(), []string{"a", "b"})
	mustPanic(t, func() { sc.Accumulator(map[string]int{}) })

	var computed atomic.Int64
	it := sc.Parallelize([]int{1, 2, 3, 4}, 4).MapPartitions(func(xs []any) []any { computed.Add(1); return xs }).ToLocalIterator()
	var got []any
	for it.Next() {
		got = append(got, it.Value())
		if len(got) == 1 && computed.Load() != 1 {
			t.Errorf("first Next computed %d partitions", computed.Load())
		}
	}
	check(t, "ToLocalIterator", got, []any{1, 2, 3, 4})

	b := sc.Broadcast(map[string]int{"x": 7})
	check(t, "Broadcast in a task", sc.Parallelize([]string{"x"}).Map(func(s string) int { return b.Value().(map[string]int)[s] }).Collect(), []any{7})
}

func TestRange(t *testing.T) {
	sc := newContext(t)
	check(t, "Range", sc.Range(0, 5).Collect(), []any{int64(0), int64(1), int64(2), int64(3), int64(4)})
	check(t, "Range with step", sc.Range(1, 10, 3).Collect(), []any{int64(1), int64(4), int64(7)})
	check(t, "Range down", sc.Range(5, 0, -2).Collect(), []any{int64(5), int64(3), int64(1)})
	check(t, "Range empty", sc.Range(5, 5).Count(), int64(0))
	check(t, "Range slices", sc.Range(0, 10, 1, 3).GetNumPartitions(), 3)
}

func TestCacheKeepsPartitionsUntilUnpersist(t *testing.T) {
	for _, level := range []rdd.StorageLevel{rdd.MemoryOnly, rdd.MemoryAndDisk, rdd.DiskOnly} {
		t.Run(level.String(), func(t *testing.T) {
			sc := newContext(t)
			var calls atomic.Int64
			r := sc.Parallelize(pairs("a", 1, "b", 2, "c", 3), 2).
				Map(func(p rdd.Pair) rdd.Pair { calls.Add(1); return p }).Persist(level)
			check(t, "IsCached", r.IsCached(), true)
			check(t, "StorageLevel", r.StorageLevel(), level)
			first := r.Collect()
			check(t, "cached count", r.Count(), int64(3))
			check(t, "cached collect", r.Collect(), first)
			check(t, "computed once", calls.Load(), int64(3))
			if !strings.Contains(r.ToDebugString(), "CachedPartitions: 2") {
				t.Errorf("lineage does not mark the cache:\n%s", r.ToDebugString())
			}
			r.Unpersist()
			r.Count()
			check(t, "recomputed after Unpersist", calls.Load(), int64(6))
			check(t, "IsCached after Unpersist", r.IsCached(), false)
		})
	}
}

func TestDiskOnlyFilesAreRemovedByStop(t *testing.T) {
	sc := rdd.NewContext(rdd.WithParallelism(2))
	r := sc.Parallelize([]string{"x", "y"}, 2).Persist(rdd.DiskOnly)
	r.Count()
	matches, _ := filepath.Glob(filepath.Join(os.TempDir(), "gosparkling-spill-*", "rdd-*"))
	if len(matches) == 0 {
		t.Fatal("no spill files written")
	}
	sc.Stop()
	for _, m := range matches {
		if _, err := os.Stat(m); err == nil {
			t.Errorf("spill file %s left after Stop", m)
		}
	}
}

func TestPipe(t *testing.T) {
	sc := newContext(t)
	got := sc.Parallelize([]string{"b", "a", "c"}, 1).Pipe("sort").Collect()
	check(t, "Pipe through sort", got, []any{"a", "b", "c"})
	got = sc.Parallelize([]int{1}, 1).Pipe(`sh -c 'echo "$GREETING $(cat)"'`, map[string]string{"GREETING": "hello"}).Collect()
	check(t, "Pipe with env and quotes", got, []any{"hello 1"})
	je := jobError(t, func() { sc.Parallelize([]int{1}, 1).Pipe(`sh -c 'echo oops >&2; exit 3'`).Collect() })
	if !strings.Contains(je.Error(), "oops") {
		t.Errorf("failed command error lacks its stderr: %v", je)
	}
	check(t, "Pipe with Take", sc.Range(0, 100000, 1, 1).Pipe("cat").Take(2), []any{"0", "1"})
}

func TestSaveAsTextFile(t *testing.T) {
	sc := newContext(t)
	dir := t.TempDir()
	data := sc.Parallelize([]any{"a", 1, rdd.KV("k", 2)}, 2)
	for _, codec := range []string{"", "gzip", "bzip2", "xz", "zstd"} {
		out := filepath.Join(dir, "out-"+codec)
		if codec == "" {
			data.SaveAsTextFile(out)
		} else {
			data.SaveAsTextFile(out, codec)
		}
		if _, err := os.Stat(filepath.Join(out, "_SUCCESS")); err != nil {
			t.Errorf("%s: no _SUCCESS: %v", codec, err)
		}
		parts, _ := filepath.Glob(filepath.Join(out, "part-*"))
		if len(parts) != 2 {
			t.Errorf("%s: %d part files, want 2", codec, len(parts))
		}
		check(t, "read back "+codec, sc.TextFile(out).Collect(), []any{"a", "1", "(k, 2)"})
	}
	je := jobError(t, func() { data.SaveAsTextFile(filepath.Join(dir, "out-")) })
	if !strings.Contains(je.Error(), "exists") {
		t.Errorf("saving over an existing path: %v", je)
	}
	failing := filepath.Join(dir, "failing")
	jobError(t, func() {
		sc.Parallelize([]int{1, 2}, 2).Map(func(x int) int {
			if x == 2 {
				panic("no")
			}
			return x
		}).SaveAsTextFile(failing)
	})
	if entries, _ := os.ReadDir(dir); len(entries) != 5 {
		var names []string
		for _, e := range entries {
			names = append(names, e.Name())
		}
		t.Errorf("a failed save left files behind: %v", names)
	}
	mustPanic(t, func() { data.SaveAsTextFile(filepath.Join(dir, "x"), "lz4") })
}

func TestWholeFilesAndRecords(t *testing.T) {
	dir := t.TempDir()
	writeFile(t, filepath.Join(dir, "a.txt"), "alpha\n")
	writeFile(t, filepath.Join(dir, "b.txt.gz"), "beta")
	writeFile(t, filepath.Join(dir, "rec.bin"), "aabbcc")
	writeFile(t, filepath.Join(dir, "bad.bin"), "aabbc")
	sc := newContext(t)
	whole := sc.WholeTextFiles(filepath.Join(dir, "*.txt*")).Collect()
	check(t, "WholeTextFiles", whole, []any{rdd.KV(filepath.Join(dir, "a.txt"), "alpha\n"), rdd.KV(filepath.Join(dir, "b.txt.gz"), "beta")})
	bin := sc.BinaryFiles(filepath.Join(dir, "b.txt.gz")).First().(rdd.Pair).Value.([]byte)
	if len(bin) < 2 || bin[0] != 0x1f || bin[1] != 0x8b {
		t.Errorf("BinaryFiles decoded the gzip file: %q", bin)
	}
	check(t, "BinaryRecords", sc.BinaryRecords(filepath.Join(dir, "rec.bin"), 2).Collect(), []any{[]byte("aa"), []byte("bb"), []byte("cc")})
	je := jobError(t, func() { sc.BinaryRecords(filepath.Join(dir, "bad.bin"), 2).Collect() })
	if !strings.Contains(je.Error(), "bad.bin") {
		t.Errorf("partial record error does not name the file: %v", je)
	}
}

func TestEveryTransformationIsLazy(t *testing.T) {
	sc := newContext(t)
	var calls atomic.Int64
	f := func(x int) int { calls.Add(1); return x }
	base := sc.Parallelize([]int{1, 2, 3}, 2).Map(f)
	kv := base.Map(func(x int) rdd.Pair { return rdd.KV(x, x) })
	for _, r := range []*rdd.RDD{
		base.Distinct(), base.Repartition(3), base.SortBy(f, true), kv.GroupByKey(), kv.Join(kv), kv.PartitionBy(2),
		base.Sample(false, 0.5, 1), base.Union(base), base.Cartesian(base), base.Glom(), base.Coalesce(1), kv.Cogroup(kv),
		base.Intersection(base), base.Subtract(base), kv.SubtractByKey(kv), kv.AggregateByKey(0, func(a, b int) int { return a + f(b) }, func(a, b int) int { return a + b }), base.ZipWithUniqueID(),
	} {
		_ = r
	}
	if calls.Load() != 0 {
		t.Errorf("transformations ran %d user calls", calls.Load())
	}
}
