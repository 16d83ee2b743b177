package rdd

import (
	"context"
	"errors"
	"fmt"
	"reflect"
	"runtime"
	"sort"
	"sync"
	"sync/atomic"
	"testing"
)

// releasePipelines are the shuffles releaseShufflesExcept drops, one of
// each kind: buffered (GroupByKey), combined (ReduceByKey), keys only
// (Distinct), sorted (SortByKey), routed (Repartition) and cogrouped
// (Join). Each reads its input through a Map that counts the elements it
// sees, so that a test knows whether a job computed the shuffle again.
var releasePipelines = []struct {
	name string
	f    func(in *RDD) *RDD
}{
	{"GroupByKey", func(in *RDD) *RDD {
		return in.GroupByKey(3).MapValues(func(vs []any) int { return len(vs) })
	}},
	{"ReduceByKey", func(in *RDD) *RDD { return in.ReduceByKey(func(a, b int) int { return a + b }, 3) }},
	{"Distinct", func(in *RDD) *RDD { return in.Keys().Distinct(3) }},
	{"SortByKey", func(in *RDD) *RDD { return in.SortByKey(true, 3) }},
	{"Repartition", func(in *RDD) *RDD { return in.Repartition(3) }},
	{"Join", func(in *RDD) *RDD { return in.Join(in.ReduceByKey(func(a, b int) int { return a + b }, 2), 3) }},
}

// countedPairs returns an RDD of n Pairs (string keys, int values) and
// the number of elements its tasks have produced so far.
func countedPairs(sc *Context, n int) (*RDD, *atomic.Int64) {
	data := make([]int, n)
	for i := range data {
		data[i] = i
	}
	var seen atomic.Int64
	return sc.Parallelize(data, 4).Map(func(i int) Pair {
		seen.Add(1)
		return KV(fmt.Sprintf("k%d", i%97), i)
	}), &seen
}

// sortedResults sorts a job's results by their text, for comparison.
func sortedResults(xs []any) []string {
	out := make([]string, len(xs))
	for i, x := range xs {
		out[i] = fmt.Sprintf("%T %v", x, x)
	}
	sort.Strings(out)
	return out
}

func TestReleaseShufflesExcept(t *testing.T) {
	budgets := []struct {
		name   string
		bytes  int64
		spills bool // the combining and buffering shuffles spill
	}{
		{"in memory", DefaultShuffleMemory, false},
		{"spilled", 0, true},
	}
	for _, p := range releasePipelines {
		for _, b := range budgets {
			t.Run(p.name+", "+b.name, func(t *testing.T) {
				sc := NewContext(WithParallelism(2), WithShuffleMemory(b.bytes))
				defer sc.Stop()
				in, seen := countedPairs(sc, 5000)
				r := p.f(in)
				want := sortedResults(r.Collect())
				computed := seen.Load()

				// Kept while r is live: the next job reads the outputs.
				if got := sc.releaseShufflesExcept([]*RDD{r}); got.Shuffles != 0 {
					t.Fatalf("released %d shuffles of a live RDD's lineage", got.Shuffles)
				}
				if got := sortedResults(r.Collect()); !reflect.DeepEqual(got, want) {
					t.Fatalf("after a release that kept r, other results")
				}
				if seen.Load() != computed {
					t.Fatalf("a kept shuffle was computed again: its input was read %d times more", seen.Load()-computed)
				}
				filesBefore := spillFiles(t, sc)
				if b.spills && filesBefore == 0 && p.name != "Repartition" && p.name != "SortByKey" {
					t.Fatalf("no spill files with a budget of 0")
				}

				// Released when nothing is live: memory and files go.
				got := sc.releaseShufflesExcept(nil)
				if got.Shuffles == 0 {
					t.Fatalf("released no shuffle")
				}
				if got.Files != filesBefore {
					t.Errorf("released %d spill files, the directory had %d", got.Files, filesBefore)
				}
				if n := spillFiles(t, sc); n != 0 {
					t.Errorf("%d spill files remain after the release", n)
				}
				if used := sc.shuffleUsed.Load(); used != 0 {
					t.Errorf("%d bytes of shuffle memory still counted after the release", used)
				}
				if again := sc.releaseShufflesExcept(nil); again.Shuffles != 0 {
					t.Errorf("a second release released %d shuffles again", again.Shuffles)
				}

				// A later job computes the shuffle again, with the same results.
				if got := sortedResults(r.Collect()); !reflect.DeepEqual(got, want) {
					t.Fatalf("after the release, other results")
				}
				if seen.Load() == computed {
					t.Fatalf("the released shuffle was not computed again")
				}
			})
		}
	}
}

func TestReleaseKeepsWhatIsStillNeeded(t *testing.T) {
	tests := []struct {
		name string
		// run makes RDDs from in, runs what it needs, and returns the RDD
		// whose next Collect must not read in again after a release of
		// everything but live.
		run func(t *testing.T, in *RDD) (r *RDD, live []*RDD)
	}{
		{"a child of a live RDD's shuffle", func(t *testing.T, in *RDD) (*RDD, []*RDD) {
			grouped := in.GroupByKey(3)
			r := grouped.MapValues(func(vs []any) int { return len(vs) })
			r.Count()
			return r, []*RDD{grouped}
		}},
		{"a persisted RDD, nothing live", func(t *testing.T, in *RDD) (*RDD, []*RDD) {
			r := in.ReduceByKey(func(a, b int) int { return a + b }, 3).Cache()
			r.Count()
			return r, nil
		}},
		{"an RDD made an SQL view, nothing live", func(t *testing.T, in *RDD) (*RDD, []*RDD) {
			r := in.GroupByKey(2)
			r.CreateOrReplaceTempView("Groups")
			r.Count()
			return r, nil
		}},
		{"one live RDD among released ones", func(t *testing.T, in *RDD) (*RDD, []*RDD) {
			other := in.GroupByKey(2)
			other.Count()
			r := in.SortByKey(false, 2)
			r.Count()
			return r, []*RDD{r}
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			sc := NewContext(WithParallelism(2), WithSQL(&viewsOnly{}))
			defer sc.Stop()
			in, seen := countedPairs(sc, 2000)
			r, live := tt.run(t, in)
			want := sortedResults(r.Collect())
			computed := seen.Load()
			sc.releaseShufflesExcept(live)
			if got := sortedResults(r.Collect()); !reflect.DeepEqual(got, want) {
				t.Fatalf("after the release, other results")
			}
			if seen.Load() != computed {
				t.Fatalf("the release made the next job read its input again")
			}
		})
	}
}

func TestReleaseLeavesRunningJobsAlone(t *testing.T) {
	sc := NewContext(WithParallelism(2))
	defer sc.Stop()
	in, _ := countedPairs(sc, 2000)
	grouped := in.GroupByKey(2)
	entered, proceed := make(chan struct{}, 2), make(chan struct{})
	blocked := grouped.Map(func(kv Pair) int {
		select {
		case entered <- struct{}{}:
		default:
		}
		<-proceed
		return len(kv.Value.([]any))
	})
	want := 0
	for _, n := range in.GroupByKey(2).MapValues(func(vs []any) int { return len(vs) }).Values().Collect() {
		want += n.(int)
	}
	done := make(chan int)
	go func() {
		total := 0
		for _, n := range blocked.Collect() {
			total += n.(int)
		}
		done <- total
	}()
	<-entered // the job's reduce tasks read grouped's outputs now
	released := sc.releaseShufflesExcept(nil)
	close(proceed)
	if got := <-done; got != want {
		t.Fatalf("the running job counted %d values, want %d", got, want)
	}
	// The other GroupByKey's shuffle went; the running job's stayed.
	if released.Shuffles != 1 {
		t.Errorf("released %d shuffles, want 1 (not the running job's)", released.Shuffles)
	}
}

func TestReleaseGivesMemoryBack(t *testing.T) {
	heap := func() uint64 {
		var m runtime.MemStats
		runtime.GC()
		runtime.GC()
		runtime.ReadMemStats(&m)
		return m.HeapAlloc
	}
	sc := NewContext(WithParallelism(2))
	defer sc.Stop()
	base := heap()
	// r stays reachable, as a cell's temporaries do in the interpreter.
	r := sc.Range(0, 200_000, 1, 4).Map(func(i int64) string { return fmt.Sprintf("word-%d-%d", i%5000, i) }).
		KeyBy(func(w string) string { return w[:6] }).GroupByKey(4).
		MapValues(func(ws []any) int { return len(ws) })
	if n := r.Count(); n == 0 {
		t.Fatal("no groups")
	}
	held := heap()
	sc.releaseShufflesExcept(nil)
	after := heap()
	// Signed: the heap after the release may be under the base, when
	// what was garbage at the base went too.
	over, overAfter := int64(held)-int64(base), int64(after)-int64(base)
	t.Logf("heap over the base: %d KB holding the shuffle, %d KB after the release", over>>10, overAfter>>10)
	if over <= 0 || overAfter >= over/2 {
		t.Errorf("the release did not give back half of what the shuffle held: %d bytes over the base before, %d after", over, overAfter)
	}
	runtime.KeepAlive(r)
}

// viewsOnly is an SQLEngine that keeps the views it is given and runs no
// query.
type viewsOnly struct {
	mu    sync.Mutex
	views map[string]*TempView
}

func (e *viewsOnly) Query(context.Context, string, []any, func([]string, []any) bool) error {
	return errors.New("viewsOnly runs no query")
}

func (e *viewsOnly) CreateOrReplaceTempView(name string, view *TempView) error {
	e.mu.Lock()
	defer e.mu.Unlock()
	if e.views == nil {
		e.views = map[string]*TempView{}
	}
	e.views[name] = view
	return nil
}
