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
			if !r.SetFuncTier(tier) {
				t.Fatalf("SetFuncTier refused %s", r.Step().Method)
			}
			// A child made after SetFuncTier reads the switched source.
			got := r.Map(func(x any) any { return x }).Collect()
			if !reflect.DeepEqual(got, want) {
				t.Errorf("with the tier the job computed %v, want %v", got, want)
			}
			compiled, interpreted := r.TieredRuns()
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
	if !r.SetFuncTier(&fakeTier{compiled: "not a function"}) {
		t.Fatal("SetFuncTier refused Map")
	}
	if got := fmt.Sprint(r.Sum()); got != "9900" {
		t.Errorf("Sum = %v, want 9900", got)
	}
	if compiled, interpreted := r.TieredRuns(); compiled != 0 || interpreted == 0 {
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
			if got := tt.r.SetFuncTier(&fakeTier{}); got != tt.want {
				t.Errorf("SetFuncTier on %s reported %v, want %v", tt.r.Step().Method, got, tt.want)
			}
		})
	}
}

func TestFuncTierIsBoundByEveryJob(t *testing.T) {
	sc := rdd.NewContext(rdd.WithParallelism(2))
	tier := &fakeTier{compiled: func(s string) string { return strings.ToUpper(s) }}
	r := sc.Parallelize([]string{"b", "a", "c"}, 3).Map(func(s string) string { return strings.ToUpper(s) })
	r.SetFuncTier(tier)
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

func TestFuncTierSwitchesInTheMiddleOfAPartition(t *testing.T) {
	sc := rdd.NewContext(rdd.WithParallelism(1))
	var interpretedCalls, compiledCalls atomic.Int64
	tier := &fakeTier{ready: make(chan struct{})}
	given := func(i int64) int64 {
		interpretedCalls.Add(1)
		if i == 500 {
			// The compiled function is ready: the switch turns to it
			// before this partition ends.
			close(tier.ready)
			for !tier.given.Load() {
				time.Sleep(time.Millisecond)
			}
			time.Sleep(10 * time.Millisecond)
		}
		return i % 7
	}
	tier.compiled = func(i int64) int64 { compiledCalls.Add(1); return i % 7 }
	r := sc.Range(0, 1000, 1, 1).Map(given)
	r.SetFuncTier(tier)
	if got := fmt.Sprint(r.Sum()); got != "2997" {
		t.Errorf("Sum = %s, want 2997", got)
	}
	if interpretedCalls.Load() < 501 || compiledCalls.Load() == 0 || interpretedCalls.Load()+compiledCalls.Load() != 1000 {
		t.Errorf("in one partition, the given function ran %d times and the compiled one %d, want 501 or more and the rest",
			interpretedCalls.Load(), compiledCalls.Load())
	}
}
