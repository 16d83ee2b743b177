package rdd_test

import (
	"strings"
	"testing"

	"github.com/gosparkling/gosparkling/rdd"
)

// TestGroupsFitTypedSliceParameters: wherever the engine hands user code
// a group of values ([]any of GroupByKey, [][]any of Cogroup, a Glom
// partition), a func may take a typed slice instead, as MapPartitions
// always allowed; and the numbers Spark takes as lists or dicts
// (RandomSplit weights, SampleByKey fractions) may come in any numeric
// slice or map type.
func TestGroupsFitTypedSliceParameters(t *testing.T) {
	sc := newContext(t)
	kv := sc.Parallelize(pairs("a", 1, "b", 2, "a", 3), 2)
	other := sc.Parallelize(pairs("a", 10, "c", 30), 2)
	sum := func(vs []int) int {
		total := 0
		for _, v := range vs {
			total += v
		}
		return total
	}
	tests := []struct {
		name string
		got  func() []any
		want []any
	}{
		{"GroupByKey().MapValues(func([]int) int)", func() []any { return sorted(kv.GroupByKey().MapValues(sum).Collect()) },
			[]any{rdd.KV("a", 4), rdd.KV("b", 2)}},
		{"GroupBy().MapValues(func([]int64) int) widens ints", func() []any {
			return sorted(sc.Parallelize([]int{1, 2, 3}).GroupBy(func(x int) bool { return x > 1 }).MapValues(func(vs []int64) int { return len(vs) }).Collect())
		}, []any{rdd.KV(false, 1), rdd.KV(true, 2)}},
		{"GroupByKey().FlatMapValues(func([]int) []int)", func() []any {
			return sorted(kv.GroupByKey().FlatMapValues(func(vs []int) []int { return vs }).Collect())
		}, []any{rdd.KV("a", 1), rdd.KV("a", 3), rdd.KV("b", 2)}},
		{"Cogroup().MapValues(func([][]int) int)", func() []any {
			return sorted(kv.Cogroup(other).MapValues(func(g [][]int) int { return sum(g[0]) * sum(g[1]) }).Collect())
		}, []any{rdd.KV("a", 40), rdd.KV("b", 0), rdd.KV("c", 0)}},
		{"GroupWith().MapValues(func([][]float64) int)", func() []any {
			return sorted(kv.GroupWith(other, other).MapValues(func(g [][]float64) int { return len(g[0]) + len(g[1]) + len(g[2]) }).Collect())
		}, []any{rdd.KV("a", 4), rdd.KV("b", 1), rdd.KV("c", 2)}},
		{"Glom().Map(func([]int) int)", func() []any { return sc.Parallelize([]int{1, 2, 3, 4}, 2).Glom().Map(sum).Collect() },
			[]any{3, 7}},
		{"Glom().Filter(func([]int) bool)", func() []any {
			return sc.Parallelize([]int{1, 2, 3, 4}, 2).Glom().Filter(func(vs []int) bool { return vs[0] > 1 }).Map(sum).Collect()
		}, []any{7}},
		{"GroupByKey().Values().Reduce on typed slices", func() []any {
			return []any{sc.Parallelize(pairs("a", 1, "a", 2), 1).GroupByKey().Values().Map(sum).Reduce(func(a, b int) int { return a + b })}
		}, []any{3}},
		{"ForeachPartition(func([]int))", func() []any {
			acc := sc.Accumulator(0)
			sc.Parallelize([]int{1, 2, 3}, 2).ForeachPartition(func(vs []int) { acc.Add(sum(vs)) })
			return []any{acc.Value()}
		}, []any{6}},
		{"SampleByKey with map[string]float64", func() []any {
			return kv.SampleByKey(false, map[string]float64{"a": 1, "b": 0}, 3).Values().Collect()
		}, []any{1, 3}},
		{"SampleByKey with map[string]int", func() []any {
			return kv.SampleByKey(false, map[string]int{"a": 0, "b": 1}, 3).Values().Collect()
		}, []any{2}},
		{"RandomSplit with []int weights", func() []any {
			s := sc.Parallelize([]int{1, 2, 3, 4, 5, 6}, 2).RandomSplit([]int{1, 0}, 5)
			return []any{s[0].Count(), s[1].Count()}
		}, []any{int64(6), int64(0)}},
		{"RandomSplit with []any weights", func() []any {
			s := sc.Parallelize([]int{1, 2, 3, 4, 5, 6}, 2).RandomSplit([]any{0, 2.5}, 5)
			return []any{s[0].Count(), s[1].Count()}
		}, []any{int64(0), int64(6)}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var got []any
			if err := rdd.Try(func() { got = tt.got() }); err != nil {
				t.Fatal(err)
			}
			check(t, tt.name, got, tt.want)
		})
	}
}

// TestGroupThatDoesNotFitNamesTheElement: a group whose values do not fit
// the typed slice fails the job naming the value that does not fit.
func TestGroupThatDoesNotFitNamesTheElement(t *testing.T) {
	sc := newContext(t)
	err := rdd.Try(func() {
		sc.Parallelize(pairs("a", 1, "a", "x"), 1).GroupByKey().MapValues(func(vs []int) int { return len(vs) }).Collect()
	})
	if err == nil || !strings.Contains(err.Error(), `its element 1 of type string (value x) does not fit int`) {
		t.Fatalf("error %v, want one naming the string that does not fit int", err)
	}
	msg := mustPanic(t, func() { sc.Parallelize([]int{1}).RandomSplit([]string{"a"}) })
	if !strings.Contains(msg, "weight 0 is a string, not a number") {
		t.Errorf("RandomSplit with strings: %q", msg)
	}
	msg = mustPanic(t, func() { sc.Parallelize([]int{1}).SampleByKey(false, []int{1}) })
	if !strings.Contains(msg, "fractions must be a map") {
		t.Errorf("SampleByKey with a slice: %q", msg)
	}
}
