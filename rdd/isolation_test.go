package rdd_test

import (
	"context"
	"errors"
	"path/filepath"
	"strconv"
	"strings"
	"sync/atomic"
	"testing"

	"github.com/gosparkling/gosparkling/rdd"
)

// TestShuffleOutputIsNotChangedByItsReaders checks that what a shuffle
// keeps for later jobs is never changed by the reduce side merging into it
// (Spark lets mergeCombiners change its first argument) nor by downstream
// functions changing the values they are given.
func TestShuffleOutputIsNotChangedByItsReaders(t *testing.T) {
	sc := newContext(t)
	// countInto counts words into a map, changing it in place as Spark
	// allows seqOp and combOp to do with their first argument.
	countInto := func(m map[string]int, w string) map[string]int { m[w]++; return m }
	mergeInto := func(a, b map[string]int) map[string]int {
		for w, n := range b {
			a[w] += n
		}
		return a
	}
	words := func(parts int) *rdd.RDD {
		return sc.Parallelize(pairs(1, "x", 1, "y", 2, "x", 1, "x", 2, "x"), parts)
	}
	// editFirst changes the group it is given, as a careless MapValues may.
	editFirst := func(vs []any) []any { vs[0] = "edited"; return vs }
	tests := []struct {
		name string
		r    *rdd.RDD
		// between is a job run between two Collects of r.
		between func(r *rdd.RDD)
		want    []any
	}{
		{"AggregateByKey with a combOp changing its first argument, 2 map partitions",
			words(2).AggregateByKey(map[string]int{}, countInto, mergeInto), func(r *rdd.RDD) { r.Count() },
			[]any{rdd.KV(1, map[string]int{"x": 2, "y": 1}), rdd.KV(2, map[string]int{"x": 2})}},
		{"AggregateByKey, 1 map partition, downstream MapValues changing the map",
			words(1).AggregateByKey(map[string]int{}, countInto, mergeInto),
			func(r *rdd.RDD) { r.MapValues(func(m map[string]int) int { m["x"] = 99; return len(m) }).Count() },
			[]any{rdd.KV(1, map[string]int{"x": 2, "y": 1}), rdd.KV(2, map[string]int{"x": 2})}},
		{"CombineByKey appending into its first argument, 3 map partitions",
			sc.Parallelize(pairs("a", 1, "a", 2, "a", 3, "a", 4, "a", 5, "a", 6), 3).CombineByKey(
				func(v int) []int { return append(make([]int, 0, 8), v) },
				func(c []int, v int) []int { return append(c, v) },
				func(a, b []int) []int { return append(a, b...) }),
			func(r *rdd.RDD) { r.Values().Foreach(func(c []int) { c[0] = -1 }) },
			[]any{rdd.KV("a", []int{1, 2, 3, 4, 5, 6})}},
		{"GroupByKey over 1 partition, MapValues editing the group",
			words(1).GroupByKey(), func(r *rdd.RDD) { r.MapValues(editFirst).Count() },
			[]any{rdd.KV(1, []any{"x", "y", "x"}), rdd.KV(2, []any{"x", "x"})}},
		// Partition 0's group of "a" has room for a fourth value, where
		// merging partition 1's group appends.
		{"GroupByKey over 2 partitions, MapValues editing the group",
			sc.Parallelize(pairs("a", 1, "a", 2, "a", 3, "b", 0, "a", 4, "b", 0, "b", 0, "b", 0), 2).GroupByKey(),
			func(r *rdd.RDD) { r.MapValues(editFirst).Count() },
			[]any{rdd.KV("a", []any{1, 2, 3, 4}), rdd.KV("b", []any{0, 0, 0, 0})}},
		{"Cogroup, Foreach editing the groups",
			words(1).Cogroup(words(2)), func(r *rdd.RDD) {
				r.Foreach(func(p rdd.Pair) {
					for _, g := range p.Value.([][]any) {
						g[0] = "edited"
					}
				})
			},
			[]any{rdd.KV(1, [][]any{{"x", "y", "x"}, {"x", "y", "x"}}), rdd.KV(2, [][]any{{"x", "x"}, {"x", "x"}})}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			check(t, "first Collect", sorted(tt.r.Collect()), tt.want)
			tt.between(tt.r)
			check(t, "second Collect", sorted(tt.r.Collect()), tt.want)
		})
	}
}

func TestSortByKeyOfNonPairsFailsNamingTheMethod(t *testing.T) {
	sc := newContext(t)
	for _, parts := range []int{1, 2, 3} {
		je := jobError(t, func() { sc.Parallelize([]int{3, 1, 2}, parts).SortByKey(true).Collect() })
		for _, w := range []string{"rdd.SortByKey", "element of type int", "is not an rdd.Pair"} {
			if !strings.Contains(je.Error(), w) {
				t.Errorf("%d partitions: error %q does not mention %q", parts, je.Error(), w)
			}
		}
	}
}

func TestCancellationStopsEveryPartitionLoop(t *testing.T) {
	const n = 400_000
	sc := newContext(t)
	cached := sc.Parallelize(make([]int, n), 2).Cache()
	cached.Count() // fills the cache before any cancellation
	identity := func(xs []any) []any { return xs }
	tests := []struct {
		name  string
		input *rdd.RDD
	}{
		{"replay of a cached RDD", cached},
		{"MapPartitions", sc.Parallelize(make([]int, n), 2).MapPartitions(identity)},
		{"MapPartitions with a typed func", sc.Parallelize(make([]int, n), 2).MapPartitions(func(xs []int) []int { return xs })},
		{"MapPartitionsWithIndex", sc.Parallelize(make([]int, n), 2).MapPartitionsWithIndex(func(_ int, xs []any) []any { return xs })},
		{"SortBy", sc.Parallelize(make([]int, n), 2).SortBy(func(x int) int { return x }, true)},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			ctx, cancel := context.WithCancel(context.Background())
			defer cancel()
			sc.SetJobContext(ctx)
			defer sc.SetJobContext(context.Background())
			var seen atomic.Int64
			je := jobError(t, func() {
				tt.input.Map(func(x int) int {
					if seen.Add(1) == 1000 {
						cancel()
					}
					return x
				}).Count()
			})
			if !errors.Is(je, context.Canceled) {
				t.Errorf("cause = %v, want context.Canceled", je.Cause)
			}
			if got := seen.Load(); got > n/10 {
				t.Errorf("job went on for %d of %d elements after cancellation", got, n)
			}
		})
	}
}

// spillFiles lists the partition files of RDD id in the spill directories
// under dir.
func spillFiles(t *testing.T, dir string, id int) []string {
	t.Helper()
	matches, err := filepath.Glob(filepath.Join(dir, "gosparkling-spill-*", "rdd-"+strconv.Itoa(id)+"-part-*"))
	if err != nil {
		t.Fatal(err)
	}
	return matches
}

func TestMemoryAndDiskSpillsBeyondTheCacheMemory(t *testing.T) {
	tests := []struct {
		name      string
		budget    int64
		wantFiles int
	}{
		{"no memory: every partition on disk", 0, 3},
		{"tiny budget: partitions on disk", 100, 3},
		// Each partition of 100 Pairs takes about 15 kB.
		{"room for one partition: the others on disk", 20_000, 2},
		{"ample budget: all in memory", 1 << 30, 0},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			tmp := t.TempDir()
			t.Setenv("TMPDIR", tmp)
			sc := rdd.NewContext(rdd.WithParallelism(2), rdd.WithCacheMemory(tt.budget))
			defer sc.Stop()
			var calls atomic.Int64
			data := make([]rdd.Pair, 300)
			for i := range data {
				data[i] = rdd.KV(strings.Repeat("k", i%7), []any{i, "v"})
			}
			r := sc.Parallelize(data, 3).Map(func(p rdd.Pair) rdd.Pair { calls.Add(1); return p }).
				Persist(rdd.MemoryAndDisk)
			first := r.Collect()
			check(t, "spill files", len(spillFiles(t, tmp, r.ID())), tt.wantFiles)
			check(t, "read back", r.Collect(), first)
			check(t, "computed once", calls.Load(), int64(len(data)))
			r.Unpersist()
			check(t, "files after Unpersist", len(spillFiles(t, tmp, r.ID())), 0)
			r.Persist(rdd.MemoryAndDisk).Count()
			check(t, "files after persisting again", len(spillFiles(t, tmp, r.ID())), tt.wantFiles)
			sc.Stop()
			check(t, "files after Stop", len(spillFiles(t, tmp, r.ID())), 0)
		})
	}
}

func TestMemoryAndDiskKeepsWhatGobCannotEncodeInMemory(t *testing.T) {
	tmp := t.TempDir()
	t.Setenv("TMPDIR", tmp)
	sc := rdd.NewContext(rdd.WithParallelism(2), rdd.WithCacheMemory(0))
	defer sc.Stop()
	var calls atomic.Int64
	chans := []chan int{make(chan int), make(chan int)} // gob cannot encode channels
	r := sc.Parallelize(chans, 2).Map(func(c chan int) chan int { calls.Add(1); return c }).Persist(rdd.MemoryAndDisk)
	first := r.Collect()
	check(t, "read back", r.Collect(), first)
	check(t, "computed once", calls.Load(), int64(2))
	check(t, "spill files", len(spillFiles(t, tmp, r.ID())), 0)
}

func TestWithCacheMemoryRejectsNegativeBudgets(t *testing.T) {
	msg := mustPanic(t, func() { rdd.NewContext(rdd.WithCacheMemory(-1)) })
	if !strings.Contains(msg, "rdd.WithCacheMemory") || !strings.Contains(msg, "-1") {
		t.Errorf("panic %q does not name the option and the value", msg)
	}
}

func TestLookupOfANonComparableKeySaysSo(t *testing.T) {
	sc := newContext(t)
	kv := sc.Parallelize([]rdd.Pair{rdd.KV([]int{1}, "a"), rdd.KV("k", "b")}, 2)
	tests := []struct {
		name string
		r    *rdd.RDD
		key  any
	}{
		{"slice key", kv, []int{1}},
		{"map key", kv, map[string]int{"x": 1}},
		{"Pair holding a slice", kv, rdd.KV([]int{1}, 2)},
		{"hash-partitioned RDD", sc.Parallelize(pairs("k", 1), 2).PartitionBy(2), []int{1}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			je := jobError(t, func() { tt.r.Lookup(tt.key) })
			for _, w := range []string{"rdd.Lookup", "is not comparable"} {
				if !strings.Contains(je.Error(), w) {
					t.Errorf("error %q does not mention %q", je.Error(), w)
				}
			}
			if strings.Contains(je.Error(), "panicked") {
				t.Errorf("error %q reports a panic, not the bad key", je.Error())
			}
		})
	}
	check(t, "Lookup of a comparable key", kv.Lookup("k"), []any{"b"})
}
