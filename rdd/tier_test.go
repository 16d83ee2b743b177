package rdd_test

import (
	"context"
	"fmt"
	"reflect"
	"sort"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/gosparkling/gosparkling/rdd"
)

// fakeTier offers compiled, a stand-in for a compiled function, after its
// first `after` asks of each job, or once ready is closed when it is set;
// it counts the jobs that bound it.
type fakeTier struct {
	compiled any
	after    int64
	ready    chan struct{}
	binds    atomic.Int64
	given    atomic.Bool // it gave compiled
}

func (f *fakeTier) Bind(context.Context) (func() any, <-chan struct{}) {
	f.binds.Add(1)
	var asked atomic.Int64
	return func() any {
		if f.ready != nil {
			select {
			case <-f.ready:
			default:
				return nil
			}
		} else if asked.Add(1) <= f.after {
			return nil
		}
		f.given.Store(true)
		return f.compiled
	}, f.ready
}

func TestFuncTierSwitchesTasksToTheCompiledFunction(t *testing.T) {
	sc := rdd.NewContext(rdd.WithParallelism(2))
	lines := sc.Parallelize([]string{"a bb", "ccc dd", "e", "ff gg hh", "i", "jj"}, 6)
	var interpretedCalls, compiledCalls atomic.Int64
	tests := []struct {
		name string
		// build makes the RDD from f, the function of the notebook, or
		// from its compiled form; the fake tier offers the latter.
		build func(f any) *rdd.RDD
		given any
		comp  any
		after int64
	}{
		{
			name:  "Map over int64s, compiled from the start",
			build: func(f any) *rdd.RDD { return sc.Range(0, 1000, 1, 8).Map(f) },
			given: func(i int64) int64 { interpretedCalls.Add(1); return i % 7 },
			comp:  func(i int64) int64 { compiledCalls.Add(1); return i % 7 },
		},
		{
			name:  "Filter over int64s, compiled after three partitions",
			build: func(f any) *rdd.RDD { return sc.Range(0, 1000, 1, 8).Filter(f) },
			given: func(i int64) bool { interpretedCalls.Add(1); return i%7 == 3 },
			comp:  func(i int64) bool { compiledCalls.Add(1); return i%7 == 3 },
			after: 3,
		},
		{
			name:  "FlatMap over strings, compiled after two partitions",
			build: func(f any) *rdd.RDD { return lines.FlatMap(f) },
			given: func(s string) []string { interpretedCalls.Add(1); return strings.Fields(s) },
			comp:  func(s string) []string { compiledCalls.Add(1); return strings.Fields(s) },
			after: 2,
		},
		{
			name: "MapValues over Pairs",
			build: func(f any) *rdd.RDD {
				return lines.Map(func(s string) rdd.Pair { return rdd.KV(s, len(s)) }).MapValues(f)
			},
			given: func(n int) int { interpretedCalls.Add(1); return n * 2 },
			comp:  func(n int) int { compiledCalls.Add(1); return n * 2 },
			after: 1,
		},
		{
			name:  "MapPartitions",
			build: func(f any) *rdd.RDD { return lines.MapPartitions(f) },
			given: func(s []string) []int { interpretedCalls.Add(1); return []int{len(s)} },
			comp:  func(s []string) []int { compiledCalls.Add(1); return []int{len(s)} },
			after: 4,
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			want := tt.build(tt.given).Collect()
			interpretedCalls.Store(0)
			tier := &fakeTier{compiled: tt.comp, after: tt.after}
			r := tt.build(tt.given)
			if !rdds.SetFuncTier(r, tier) {
				t.Fatalf("SetFuncTier refused %s", r.Step().Method)
			}
			// A child made after SetFuncTier reads the switched source.
			got := r.Map(func(x any) any { return x }).Collect()
			if !reflect.DeepEqual(got, want) {
				t.Errorf("with the tier the job computed %v, want %v", got, want)
			}
			compiled, interpreted := rdds.TieredRuns(r)
			if compiled == 0 || interpreted != tt.after {
				t.Errorf("tasks ran %d times compiled and %d interpreted, want some and %d", compiled, interpreted, tt.after)
			}
			if compiledCalls.Load() == 0 || tt.after == 0 && interpretedCalls.Load() != 0 {
				t.Errorf("the compiled function ran %d times, the given one %d", compiledCalls.Load(), interpretedCalls.Load())
			}
			if n := tier.binds.Load(); n != 1 {
				t.Errorf("one job bound the tier %d times", n)
			}
			compiledCalls.Store(0)
		})
	}
}

func TestFuncTierKeepsTheGivenFunctionWhenTheCompiledOneDoesNotFit(t *testing.T) {
	sc := rdd.NewContext(rdd.WithParallelism(2))
	r := sc.Range(0, 100, 1, 4).Map(func(i int64) int64 { return i * 2 })
	// A function of another shape: the method refuses it, and the tasks
	// keep the function they were given.
	if !rdds.SetFuncTier(r, &fakeTier{compiled: "not a function"}) {
		t.Fatal("SetFuncTier refused Map")
	}
	if got := fmt.Sprint(r.Sum()); got != "9900" {
		t.Errorf("Sum = %v, want 9900", got)
	}
	if compiled, interpreted := rdds.TieredRuns(r); compiled != 0 || interpreted == 0 {
		t.Errorf("tasks ran %d times compiled and %d interpreted, want none and some", compiled, interpreted)
	}
}

func TestSetFuncTierOnlyOnNarrowTransformationsOfOneFunction(t *testing.T) {
	sc := rdd.NewContext()
	pairs := sc.Parallelize([]rdd.Pair{rdd.KV("a", 1)})
	tests := []struct {
		r    *rdd.RDD
		want bool
	}{
		{pairs.Map(func(p rdd.Pair) rdd.Pair { return p }), true},
		{pairs.Filter(func(p rdd.Pair) bool { return true }), true},
		{pairs.KeyBy(func(p rdd.Pair) any { return p.Key }), true},
		{pairs.ReduceByKey(func(a, b int) int { return a + b }), false},
		{pairs.SortBy(func(p rdd.Pair) any { return p.Key }, true), false},
		{pairs.Keys(), false},
	}
	for _, tt := range tests {
		t.Run(tt.r.Step().Method, func(t *testing.T) {
			if got := rdds.SetFuncTier(tt.r, &fakeTier{}); got != tt.want {
				t.Errorf("SetFuncTier on %s reported %v, want %v", tt.r.Step().Method, got, tt.want)
			}
		})
	}
}

func TestFuncTierIsBoundByEveryJob(t *testing.T) {
	sc := rdd.NewContext(rdd.WithParallelism(2))
	tier := &fakeTier{compiled: func(s string) string { return strings.ToUpper(s) }}
	r := sc.Parallelize([]string{"b", "a", "c"}, 3).Map(func(s string) string { return strings.ToUpper(s) })
	rdds.SetFuncTier(r, tier)
	for range 3 {
		got := fmt.Sprint(r.Collect())
		if got != "[B A C]" {
			t.Errorf("Collect = %s", got)
		}
	}
	sorted := r.SortBy(func(s string) string { return s }, true).Collect()
	if !sort.SliceIsSorted(sorted, func(i, j int) bool { return sorted[i].(string) < sorted[j].(string) }) {
		t.Errorf("SortBy gave %v", sorted)
	}
	if n := tier.binds.Load(); n < 4 {
		t.Errorf("four jobs or more bound the tier %d times", n)
	}
}

// point is a type of the user's, which the engine has no fast path for.
type point struct{ X, Y int64 }

func TestFuncTierSwitchesInTheMiddleOfAPartition(t *testing.T) {
	tests := []struct {
		name string
		// build makes the RDD from the given function, passing it to
		// tiered, and returns what the job computes, as a string.
		build func(sc *rdd.Context, f any, tiered func(*rdd.RDD) *rdd.RDD) string
		// given calls count and then computes the element's result;
		// compiled does the same, as the compiled form the tier offers.
		given    func(count func(int64)) any
		compiled func(count func()) any
		want     string
	}{
		{
			name: "Map of int64s, a type the engine switches",
			build: func(sc *rdd.Context, f any, tiered func(*rdd.RDD) *rdd.RDD) string {
				return fmt.Sprint(tiered(sc.Range(0, 1000, 1, 1).Map(f)).Sum())
			},
			given:    func(count func(int64)) any { return func(i int64) int64 { count(i); return i % 7 } },
			compiled: func(count func()) any { return func(i int64) int64 { count(); return i % 7 } },
			want:     "2997",
		},
		{
			name: "Map to a struct, compiled as the engine calls it",
			build: func(sc *rdd.Context, f any, tiered func(*rdd.RDD) *rdd.RDD) string {
				return fmt.Sprint(tiered(sc.Range(0, 1000, 1, 1).Map(f)).Map(func(p point) int64 { return p.X + p.Y }).Sum())
			},
			given: func(count func(int64)) any { return func(i int64) point { count(i); return point{i, i % 3} } },
			compiled: func(count func()) any {
				return func(x any) any { count(); i := x.(int64); return point{i, i % 3} }
			},
			want: "500499",
		},
		{
			name: "Filter of structs, compiled as the engine calls it",
			build: func(sc *rdd.Context, f any, tiered func(*rdd.RDD) *rdd.RDD) string {
				return fmt.Sprint(tiered(sc.Range(0, 1000, 1, 1).Map(func(i int64) point { return point{i, i % 3} }).Filter(f)).Count())
			},
			given:    func(count func(int64)) any { return func(p point) bool { count(p.X); return p.Y == 0 } },
			compiled: func(count func()) any { return func(x any) bool { count(); return x.(point).Y == 0 } },
			want:     "334",
		},
		{
			name: "FlatMap to structs, compiled with the given function's type",
			build: func(sc *rdd.Context, f any, tiered func(*rdd.RDD) *rdd.RDD) string {
				return fmt.Sprint(tiered(sc.Range(0, 1000, 1, 1).FlatMap(f)).Map(func(p point) int64 { return p.Y }).Sum())
			},
			given:    func(count func(int64)) any { return func(i int64) []point { count(i); return []point{{i, 1}, {i, 2}} } },
			compiled: func(count func()) any { return func(i int64) []point { count(); return []point{{i, 1}, {i, 2}} } },
			want:     "3000",
		},
		{
			name: "KeyBy a struct, compiled with the given function's type",
			build: func(sc *rdd.Context, f any, tiered func(*rdd.RDD) *rdd.RDD) string {
				return fmt.Sprint(tiered(sc.Range(0, 1000, 1, 1).Map(func(i int64) point { return point{i, i % 3} }).KeyBy(f)).CountByKey())
			},
			given:    func(count func(int64)) any { return func(p point) int64 { count(p.X); return p.Y } },
			compiled: func(count func()) any { return func(p point) int64 { count(); return p.Y } },
			want:     "map[0:334 1:333 2:333]",
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			sc := rdd.NewContext(rdd.WithParallelism(1))
			var interpretedCalls, compiledCalls atomic.Int64
			var tiered atomic.Bool
			tier := &fakeTier{ready: make(chan struct{})}
			given := tt.given(func(i int64) {
				interpretedCalls.Add(1)
				if i == 500 && tiered.Load() {
					// The compiled function is ready: the switch turns to
					// it before this partition ends.
					close(tier.ready)
					// A switch that only turns as tasks start never asks.
					for deadline := time.Now().Add(10 * time.Second); !tier.given.Load() && time.Now().Before(deadline); {
						time.Sleep(time.Millisecond)
					}
					time.Sleep(10 * time.Millisecond)
				}
			})
			tier.compiled = tt.compiled(func() { compiledCalls.Add(1) })
			untiered := func(r *rdd.RDD) *rdd.RDD { return r }
			if got := tt.build(sc, given, untiered); got != tt.want {
				t.Fatalf("without a tier the job computed %s, want %s", got, tt.want)
			}
			interpretedCalls.Store(0)
			tiered.Store(true)
			got := tt.build(sc, given, func(r *rdd.RDD) *rdd.RDD {
				if !rdds.SetFuncTier(r, tier) {
					t.Fatalf("SetFuncTier refused %s", r.Step().Method)
				}
				return r
			})
			if got != tt.want {
				t.Errorf("the job computed %s, want %s", got, tt.want)
			}
			if interpretedCalls.Load() < 501 || compiledCalls.Load() == 0 || interpretedCalls.Load()+compiledCalls.Load() != 1000 {
				t.Errorf("in one partition, the given function ran %d times and the compiled one %d, want 501 or more and the rest",
					interpretedCalls.Load(), compiledCalls.Load())
			}
		})
	}
}

func TestFuncTierSwitchesTheUnboxedPairsOfKeyBy(t *testing.T) {
	// KeyBy of a func(string) string over strings hands GroupByKey its
	// Pairs unboxed; the compiled function takes over those too.
	sc := rdd.NewContext(rdd.WithParallelism(2))
	defer sc.Stop()
	words := sc.Parallelize([]string{"ab", "cd", "ae", "cf", "bg", "ah"}, 3).Map(func(w string) string { return w })
	var interpretedCalls, compiledCalls atomic.Int64
	given := func(w string) string { interpretedCalls.Add(1); return w[:1] }
	compiled := func(w string) string { compiledCalls.Add(1); return w[:1] }
	want := words.KeyBy(given).GroupByKey(1).Collect()
	interpretedCalls.Store(0)
	r := words.KeyBy(given)
	tier := &fakeTier{compiled: compiled, after: 1}
	if !rdds.SetFuncTier(r, tier) {
		t.Fatal("SetFuncTier refused KeyBy")
	}
	if got := r.GroupByKey(1).Collect(); !reflect.DeepEqual(got, want) {
		t.Errorf("with the tier the job computed %v, want %v", got, want)
	}
	if compiledCalls.Load() == 0 || interpretedCalls.Load() == 0 {
		t.Errorf("the compiled function ran %d times, the given one %d; want both, the tier offering it after the first task", compiledCalls.Load(), interpretedCalls.Load())
	}
}
