package rdd_test

import (
	"context"
	"errors"
	"fmt"
	"reflect"
	"sort"
	"strings"
	"sync/atomic"
	"testing"

	"github.com/gosparkling/gosparkling/rdd"
)

func newContext(t *testing.T) *rdd.Context {
	t.Helper()
	sc := rdd.NewContext(rdd.WithParallelism(4))
	t.Cleanup(sc.Stop)
	return sc
}

// mustPanic runs f and returns the message it panicked with.
func mustPanic(t *testing.T, f func()) string {
	t.Helper()
	var msg string
	func() {
		defer func() {
			r := recover()
			if r == nil {
				t.Fatal("expected a panic, got none")
			}
			msg = fmt.Sprint(r)
		}()
		f()
	}()
	return msg
}

func TestParallelizeSlicesContiguouslyAsSpark(t *testing.T) {
	sc := newContext(t)
	tests := []struct {
		data  []int
		parts int
		want  [][]int
	}{
		{[]int{1, 2, 3, 4, 5}, 2, [][]int{{1, 2}, {3, 4, 5}}},
		{[]int{1, 2, 3}, 5, [][]int{{}, {1}, {}, {2}, {3}}},
		{[]int{}, 3, [][]int{{}, {}, {}}},
		{[]int{1, 2, 3, 4}, 1, [][]int{{1, 2, 3, 4}}},
	}
	for _, tt := range tests {
		r := sc.Parallelize(tt.data, tt.parts)
		if got := r.GetNumPartitions(); got != tt.parts {
			t.Errorf("Parallelize(%v, %d) has %d partitions", tt.data, tt.parts, got)
		}
		for p, want := range tt.want {
			var got []int
			// Partition contents through a filter on the partition's range.
			all := r.Collect()
			lo, hi := p*len(tt.data)/tt.parts, (p+1)*len(tt.data)/tt.parts
			for _, x := range all[lo:hi] {
				got = append(got, x.(int))
			}
			if len(got) != len(want) || (len(want) > 0 && !reflect.DeepEqual(got, want)) {
				t.Errorf("Parallelize(%v, %d) partition %d = %v, want %v", tt.data, tt.parts, p, got, want)
			}
		}
	}
	if got := sc.Parallelize([]int{1, 2, 3}).GetNumPartitions(); got != 4 {
		t.Errorf("default slices = %d, want DefaultParallelism 4", got)
	}
}

func TestNarrowTransformations(t *testing.T) {
	sc := newContext(t)
	lines := sc.Parallelize([]string{"a b", "", "c d e", "f"}, 3)
	tests := []struct {
		name string
		rdd  *rdd.RDD
		want []any
	}{
		{"Map compiled func", lines.Map(strings.ToUpper), []any{"A B", "", "C D E", "F"}},
		{"Map any->any", lines.Map(func(x any) any { return len(x.(string)) }), []any{3, 0, 5, 1}},
		{"FlatMap strings.Fields", lines.FlatMap(strings.Fields), []any{"a", "b", "c", "d", "e", "f"}},
		{"FlatMap to []int", lines.FlatMap(func(s string) []int { return []int{len(s)} }), []any{3, 0, 5, 1}},
		{"Filter", lines.Filter(func(s string) bool { return len(s) > 1 }), []any{"a b", "c d e"}},
		{"chained", lines.FlatMap(strings.Fields).Map(func(w string) rdd.Pair { return rdd.KV(w, 1) }).
			Filter(func(p rdd.Pair) bool { return p.Key != "c" }).Map(func(p rdd.Pair) any { return p.Key }),
			[]any{"a", "b", "d", "e", "f"}},
		{"int element to int64 parameter", sc.Parallelize([]int{1, 2}).Map(func(x int64) int64 { return x * 10 }),
			[]any{int64(10), int64(20)}},
		{"int element to float64 parameter", sc.Parallelize([]int{1, 2}).Map(func(x float64) float64 { return x / 2 }),
			[]any{0.5, 1.0}},
		{"nil element to pointer parameter", sc.Parallelize([]any{nil}).Map(func(p *int) bool { return p == nil }),
			[]any{true}},
		{"empty", sc.EmptyRDD().Map(strings.ToUpper), []any{}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := tt.rdd.Collect()
			if len(got) != len(tt.want) || (len(got) > 0 && !reflect.DeepEqual(got, tt.want)) {
				t.Errorf("Collect() = %v, want %v", got, tt.want)
			}
		})
	}
}

func TestTransformationsAreLazy(t *testing.T) {
	sc := newContext(t)
	var calls atomic.Int64
	r := sc.Parallelize([]int{1, 2, 3}).Map(func(x int) int { calls.Add(1); return x })
	_ = r.Filter(func(x int) bool { return true }).FlatMap(func(x int) []int { return []int{x} })
	_ = sc.TextFile("/does/not/exist/*.txt").Map(strings.ToUpper)
	if calls.Load() != 0 {
		t.Fatalf("user function ran %d times before any action", calls.Load())
	}
	r.Count()
	if calls.Load() != 3 {
		t.Fatalf("user function ran %d times for Count of 3 elements", calls.Load())
	}
}

func TestFuncShapeIsCheckedWhenTransformationIsCreated(t *testing.T) {
	sc := newContext(t)
	r := sc.Parallelize([]int{1})
	tests := []struct {
		name string
		f    func()
		want []string
	}{
		{"Map two params", func() { r.Map(func(a, b int) int { return a }) }, []string{"rdd.Map", "func(T) R", "func(int, int) int"}},
		{"Map not a func", func() { r.Map(42) }, []string{"rdd.Map", "got int"}},
		{"Map nil", func() { r.Map(nil) }, []string{"rdd.Map", "got nil"}},
		{"Filter non-bool", func() { r.Filter(func(int) int { return 0 }) }, []string{"rdd.Filter", "func(T) bool"}},
		{"FlatMap non-slice", func() { r.FlatMap(func(int) int { return 0 }) }, []string{"rdd.FlatMap", "func(T) []R"}},
		{"ReduceByKey unary", func() { r.ReduceByKey(func(int) int { return 0 }) }, []string{"rdd.ReduceByKey", "func(A, B) R"}},
		{"Parallelize non-slice", func() { sc.Parallelize(3) }, []string{"rdd.Parallelize", "slice or array"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			msg := mustPanic(t, tt.f)
			for _, w := range tt.want {
				if !strings.Contains(msg, w) {
					t.Errorf("panic %q does not mention %q", msg, w)
				}
			}
		})
	}
}

// jobError runs f, which must fail its job, and returns the *JobError.
func jobError(t *testing.T, f func()) *rdd.JobError {
	t.Helper()
	err := rdd.Try(f)
	var je *rdd.JobError
	if !errors.As(err, &je) {
		t.Fatalf("expected a *rdd.JobError, got %v", err)
	}
	return je
}

func TestFailedJobs(t *testing.T) {
	sc := newContext(t)
	nums := sc.Parallelize([]any{1, 2, "three", 4}, 2)
	tests := []struct {
		name      string
		action    func()
		want      []string
		partition int
	}{
		{"element does not fit parameter", func() { nums.Map(func(x int) int { return x }).Collect() },
			[]string{"rdd.Map", "string", "three", "func(int) int"}, 1},
		{"user function panics", func() { nums.Filter(func(x any) bool { panic("boom") }).Count() },
			[]string{"panicked", "boom"}, -2},
		{"non-pair in ReduceByKey", func() { nums.ReduceByKey(func(a, b int) int { return a + b }).Collect() },
			[]string{"rdd.ReduceByKey", "not an rdd.Pair"}, -2},
		{"non-comparable key", func() {
			sc.Parallelize([]any{rdd.KV([]int{1}, 1)}, 1).ReduceByKey(func(a, b int) int { return a + b }).Collect()
		}, []string{"not comparable", "[]int"}, 0},
		{"missing file", func() { sc.TextFile("/no/such/dir/file.txt").Count() }, []string{"/no/such/dir/file.txt"}, -1},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			je := jobError(t, tt.action)
			for _, w := range tt.want {
				if !strings.Contains(je.Error(), w) {
					t.Errorf("error %q does not mention %q", je.Error(), w)
				}
			}
			if tt.partition != -2 && je.Partition != tt.partition {
				t.Errorf("Partition = %d, want %d", je.Partition, tt.partition)
			}
			if je.Lineage == "" || je.Unwrap() == nil {
				t.Errorf("JobError lacks lineage or cause: %#v", je)
			}
			// The Context stays usable after a failed job.
			if n := sc.Parallelize([]int{1, 2, 3}).Count(); n != 3 {
				t.Errorf("Count after failure = %d", n)
			}
		})
	}
}

func TestCancelledJobStopsAndReportsCause(t *testing.T) {
	sc := newContext(t)
	ctx, cancel := context.WithCancel(context.Background())
	sc.SetJobContext(ctx)
	defer sc.SetJobContext(context.Background())
	var seen atomic.Int64
	data := make([]int, 1_000_000)
	je := jobError(t, func() {
		sc.Parallelize(data, 2).Map(func(x int) int {
			if seen.Add(1) == 1000 {
				cancel()
			}
			return x
		}).Count()
	})
	if !errors.Is(je, context.Canceled) {
		t.Errorf("cause = %v, want context.Canceled", je.Cause)
	}
	if seen.Load() > 500_000 {
		t.Errorf("job went on for %d elements after cancellation", seen.Load())
	}
	sc.SetJobContext(context.Background())
	if n := sc.Parallelize([]int{1, 2}).Count(); n != 2 {
		t.Errorf("Count after cancellation = %d", n)
	}
}

func TestReduceByKey(t *testing.T) {
	sc := newContext(t)
	words := sc.Parallelize([]string{"a", "b", "a", "c", "b", "a", "d"}, 3)
	pairs := words.Map(func(w string) rdd.Pair { return rdd.KV(w, 1) })
	tests := []struct {
		name  string
		rdd   *rdd.RDD
		parts int
		want  map[any]any
	}{
		{"int sum, parent's partitions", pairs.ReduceByKey(func(a, b int) int { return a + b }), 3,
			map[any]any{"a": 3, "b": 2, "c": 1, "d": 1}},
		{"any func, explicit partitions", pairs.ReduceByKey(func(a, b any) any { return a.(int) + b.(int) }, 7), 7,
			map[any]any{"a": 3, "b": 2, "c": 1, "d": 1}},
		{"one partition", pairs.ReduceByKey(func(a, b int) int { return a + b }, 1), 1,
			map[any]any{"a": 3, "b": 2, "c": 1, "d": 1}},
		{"string concat", sc.Parallelize([]rdd.Pair{rdd.KV(1, "x"), rdd.KV(2, "y"), rdd.KV(1, "z")}, 2).
			ReduceByKey(func(a, b string) string { return a + b }), 2, map[any]any{1: "xz", 2: "y"}},
		{"empty", sc.EmptyRDD().ReduceByKey(func(a, b int) int { return a + b }), 0, map[any]any{}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := tt.rdd.GetNumPartitions(); got != tt.parts {
				t.Errorf("GetNumPartitions() = %d, want %d", got, tt.parts)
			}
			got := map[any]any{}
			for _, x := range tt.rdd.Collect() {
				p := x.(rdd.Pair)
				if _, dup := got[p.Key]; dup {
					t.Errorf("key %v appears twice", p.Key)
				}
				got[p.Key] = p.Value
			}
			if !reflect.DeepEqual(got, tt.want) {
				t.Errorf("got %v, want %v", got, tt.want)
			}
		})
	}
}

func TestReduceByKeyIsDeterministicAndReusesItsShuffle(t *testing.T) {
	sc := newContext(t)
	var calls atomic.Int64
	words := sc.Parallelize(strings.Fields(strings.Repeat("x y z w v u ", 100)), 4).
		Map(func(w string) rdd.Pair { calls.Add(1); return rdd.KV(w, 1) })
	counts := words.ReduceByKey(func(a, b int) int { return a + b }, 3)
	first := counts.Collect()
	before := calls.Load()
	second := counts.Collect()
	if !reflect.DeepEqual(first, second) {
		t.Errorf("two Collects differ: %v vs %v", first, second)
	}
	if calls.Load() != before {
		t.Errorf("second action recomputed the map side (%d more calls)", calls.Load()-before)
	}
	// A fresh Context computes the same partitioning: hashing is not seeded.
	again := rdd.NewContext(rdd.WithParallelism(2)).Parallelize(strings.Fields(strings.Repeat("x y z w v u ", 100)), 4).
		Map(func(w string) rdd.Pair { return rdd.KV(w, 1) }).ReduceByKey(func(a, b int) int { return a + b }, 3).Collect()
	if !reflect.DeepEqual(first, again) {
		t.Errorf("another Context partitions differently: %v vs %v", first, again)
	}
}

func TestTakeStopsEarly(t *testing.T) {
	sc := newContext(t)
	var computed atomic.Int64
	r := sc.Parallelize(make([]int, 1000), 100).Map(func(x int) int { computed.Add(1); return x })
	tests := []struct {
		n       int
		want    int
		maxSeen int64
	}{
		{0, 0, 0},
		{1, 1, 1},
		{10, 10, 10},
		{25, 25, 40},
		{5000, 1000, 1000},
	}
	for _, tt := range tests {
		computed.Store(0)
		got := r.Take(tt.n)
		if len(got) != tt.want {
			t.Errorf("Take(%d) returned %d elements, want %d", tt.n, len(got), tt.want)
		}
		if computed.Load() > tt.maxSeen {
			t.Errorf("Take(%d) computed %d elements, want at most %d", tt.n, computed.Load(), tt.maxSeen)
		}
	}
	// Take keeps partition order, skipping empty partitions.
	sparse := sc.Parallelize([]int{1, 2, 3}, 10).Filter(func(x int) bool { return x != 2 })
	if got := sparse.Take(2); !reflect.DeepEqual(got, []any{1, 3}) {
		t.Errorf("Take(2) over sparse partitions = %v", got)
	}
}

func TestCountAndCollect(t *testing.T) {
	sc := newContext(t)
	tests := []struct {
		name string
		rdd  *rdd.RDD
		n    int64
	}{
		{"empty RDD", sc.EmptyRDD(), 0},
		{"more partitions than elements", sc.Parallelize([]int{1, 2}, 8), 2},
		{"one partition", sc.Parallelize([]int{1, 2, 3}, 1), 3},
		{"nil elements", sc.Parallelize([]any{nil, nil}), 2},
	}
	for _, tt := range tests {
		if got := tt.rdd.Count(); got != tt.n {
			t.Errorf("%s: Count() = %d, want %d", tt.name, got, tt.n)
		}
		if got := len(tt.rdd.Collect()); int64(got) != tt.n {
			t.Errorf("%s: len(Collect()) = %d, want %d", tt.name, got, tt.n)
		}
	}
}

func TestToDebugStringShowsLineageAsSpark(t *testing.T) {
	sc := newContext(t)
	counts := sc.Parallelize([]string{"a b"}, 2).FlatMap(strings.Fields).
		Map(func(w string) rdd.Pair { return rdd.KV(w, 1) }).
		ReduceByKey(func(a, b int) int { return a + b }, 3)
	lines := strings.Split(counts.ToDebugString(), "\n")
	want := []string{
		`^\(3\) ShuffledRDD\[\d+\] at ReduceByKey at rdd_test.go:\d+ \[\]$`,
		`^ \+-\(2\) MapPartitionsRDD\[\d+\] at Map at rdd_test.go:\d+ \[\]$`,
		`^    \|  MapPartitionsRDD\[\d+\] at FlatMap at rdd_test.go:\d+ \[\]$`,
		`^    \|  ParallelCollectionRDD\[\d+\] at parallelize at rdd_test.go:\d+ \[\]$`,
	}
	if len(lines) != len(want) {
		t.Fatalf("ToDebugString has %d lines, want %d:\n%s", len(lines), len(want), counts.ToDebugString())
	}
	for i, w := range want {
		if !regexpMatch(w, lines[i]) {
			t.Errorf("line %d = %q, want match of %s", i, lines[i], w)
		}
	}
}

func TestCompareIsATotalNaturalOrder(t *testing.T) {
	vals := []any{"b", 3, nil, 2.5, int64(-1), "a", true, false, rdd.KV("k", 2), rdd.KV("k", 1), []int{1, 2}, []int{1}, uint8(7)}
	sort.SliceStable(vals, func(i, j int) bool { return rdd.Compare(vals[i], vals[j]) < 0 })
	// nil first, then by kind name: bool, number, slice, string, struct.
	want := "[<nil> false true -1 2.5 3 7 [1] [1 2] a b (k, 1) (k, 2)]"
	if got := fmt.Sprint(vals); got != want {
		t.Errorf("sorted = %s\nwant     %s", got, want)
	}
	tests := []struct {
		a, b any
		want int
	}{
		{1, 1.0, 0}, {int8(-3), uint64(1), -1}, {uint64(1 << 63), int64(1), 1}, {"a", "a", 0}, {nil, nil, 0},
	}
	for _, tt := range tests {
		if got := rdd.Compare(tt.a, tt.b); got != tt.want {
			t.Errorf("Compare(%v, %v) = %d, want %d", tt.a, tt.b, got, tt.want)
		}
	}
}

func TestTakeOrderedAndTop(t *testing.T) {
	sc := newContext(t)
	nums := sc.Parallelize([]int{5, 1, 4, 1, 9, 2, 6}, 3)
	counts := sc.Parallelize([]rdd.Pair{rdd.KV("a", 3), rdd.KV("b", 5), rdd.KV("c", 3), rdd.KV("d", 1)}, 2)
	byCount := func(p rdd.Pair) any { return p.Value }
	tests := []struct {
		name string
		got  []any
		want []any
	}{
		{"TakeOrdered natural", nums.TakeOrdered(3), []any{1, 1, 2}},
		{"Top natural", nums.Top(3), []any{9, 6, 5}},
		{"TakeOrdered by negated key", nums.TakeOrdered(2, func(x int) int { return -x }), []any{9, 6}},
		{"Top by value keeps order of ties", counts.Top(3, byCount), []any{rdd.KV("b", 5), rdd.KV("a", 3), rdd.KV("c", 3)}},
		{"more than there are", nums.TakeOrdered(100), []any{1, 1, 2, 4, 5, 6, 9}},
		{"zero", nums.Top(0), []any{}},
		{"empty RDD", sc.EmptyRDD().Top(3), []any{}},
	}
	for _, tt := range tests {
		if !reflect.DeepEqual(tt.got, tt.want) {
			t.Errorf("%s = %v, want %v", tt.name, tt.got, tt.want)
		}
	}
}
