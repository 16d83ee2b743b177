package rdd

import (
	"fmt"
	"math"
	"os"
	"reflect"
	"runtime"
	"sort"
	"sync"
	"testing"
)

// spillPairs returns n Pairs over about n/4 keys of mixed types (strings,
// ints, int64s and, with mixed, a few Pair keys) in parts partitions.
func spillPairs(sc *Context, n, parts int, mixed bool) *RDD {
	data := make([]Pair, n)
	for i := range data {
		var k any = fmt.Sprintf("k%d", i*7%(n/4))
		if mixed {
			switch i % 5 {
			case 1:
				k = i % 300
			case 2:
				k = int64(i % 200)
			case 3:
				k = KV("p", i%50)
			}
		}
		data[i] = KV(k, i%13)
	}
	return sc.Parallelize(data, parts)
}

// opaque is a combiner gob cannot encode (no exported fields).
type opaque struct{ sum int }

// partlyHidden has an unexported field, which gob would drop silently.
type partlyHidden struct {
	Sum int
	n   int
}

// hiddenKey is a key with an unexported field.
type hiddenKey struct {
	A any
	b int
}

// wholePair keys a Pair by itself.
func wholePair(p Pair) Pair { return KV(p, nil) }

// sortedByKey sorts Pairs by key, so that results of different key orders
// compare.
func sortedByKey(xs []any) []any {
	sort.SliceStable(xs, func(i, j int) bool { return Compare(xs[i].(Pair).Key, xs[j].(Pair).Key) < 0 })
	return xs
}

// spillFiles counts the files in the Context's spill directory.
func spillFiles(t *testing.T, sc *Context) int {
	t.Helper()
	sc.mu.Lock()
	dir := sc.spillDir
	sc.mu.Unlock()
	if dir == "" {
		return 0
	}
	entries, err := os.ReadDir(dir)
	if err != nil {
		t.Fatal(err)
	}
	return len(entries)
}

func TestShufflesSpillWithinTheirBudgetAndGiveTheSameResults(t *testing.T) {
	add := func(a, b int) int { return a + b }
	type shuffle func(r *RDD) *RDD
	// byPointer keys the Pairs by a pointer per key, the same in every
	// run, and unkeyed undoes it.
	var pointers sync.Map
	byPointer := func(p Pair) Pair {
		ptr, _ := pointers.LoadOrStore(p.Key, &p.Key)
		return KV(ptr, p.Value)
	}
	unkeyed := func(p Pair) Pair { return KV(*p.Key.(*any), p.Value) }
	shuffles := []struct {
		name   string
		f      shuffle
		spills bool // false: the data cannot go to disk and stays in memory
	}{
		{"ReduceByKey", func(r *RDD) *RDD { return r.ReduceByKey(add, 3) }, true},
		{"ReduceByKey with a func(any, any) any", func(r *RDD) *RDD {
			return r.ReduceByKey(func(a, b any) any { return a.(int) + b.(int) }, 3)
		}, true},
		{"AggregateByKey", func(r *RDD) *RDD { return r.AggregateByKey(0, add, add, 3) }, true},
		{"AggregateByKey into a slice", func(r *RDD) *RDD {
			return r.AggregateByKey([]int{}, func(c []int, v int) []int { return append(c, v) },
				func(a, b []int) []int { return append(a, b...) }, 3)
		}, true},
		{"FoldByKey", func(r *RDD) *RDD { return r.FoldByKey(0, add, 3) }, true},
		{"GroupByKey", func(r *RDD) *RDD { return r.GroupByKey(3) }, true},
		{"CombineByKey", func(r *RDD) *RDD {
			return r.CombineByKey(func(v int) []int { return []int{v} },
				func(c []int, v int) []int { return append(c, v) },
				func(a, b []int) []int { return append(a, b...) }, 3)
		}, true},
		{"CombineByKey of combiners gob cannot encode", func(r *RDD) *RDD {
			return r.CombineByKey(func(v int) opaque { return opaque{v} },
				func(c opaque, v int) opaque { return opaque{c.sum + v} },
				func(a, b opaque) opaque { return opaque{a.sum + b.sum} }, 3).
				MapValues(func(c opaque) int { return c.sum })
		}, false},
		{"AggregateByKey into a struct with an unexported field", func(r *RDD) *RDD {
			return r.AggregateByKey(partlyHidden{}, func(c partlyHidden, v int) partlyHidden { return partlyHidden{c.Sum + v, c.n + 1} },
				func(a, b partlyHidden) partlyHidden { return partlyHidden{a.Sum + b.Sum, a.n + b.n} }, 3).
				MapValues(func(c partlyHidden) Pair { return KV(c.Sum, c.n) })
		}, false},
		{"ReduceByKey of keys with an unexported field", func(r *RDD) *RDD {
			return r.Map(func(p Pair) Pair { return KV(hiddenKey{p.Key, p.Value.(int) % 3}, p.Value) }).
				ReduceByKey(add, 3).
				Map(func(p Pair) Pair { k := p.Key.(hiddenKey); return KV(KV(k.A, k.b), p.Value) })
		}, false},
		{"ReduceByKey of pointer keys, equal by identity", func(r *RDD) *RDD {
			return r.Map(byPointer).ReduceByKey(add, 3).Map(unkeyed)
		}, false},
		{"Distinct", func(r *RDD) *RDD { return r.Keys().Distinct(3).Map(func(k any) Pair { return KV(k, nil) }) }, true},
		{"Distinct of int64s, read unboxed", func(r *RDD) *RDD {
			return r.sc.Range(0, 4000, 1, 4).Map(func(x int64) int64 { return x % 1500 }).Distinct(3).
				Map(func(k int64) Pair { return KV(k, nil) })
		}, true},
		{"Join", func(r *RDD) *RDD {
			return r.ReduceByKey(add).Join(r.Filter(func(p Pair) bool { return p.Value.(int) == 3 }), 3)
		}, true},
		// The values of a key come in no set order: results are keyed
		// by whole Pairs to compare.
		{"FullOuterJoin of duplicate keys", func(r *RDD) *RDD {
			return r.FullOuterJoin(r.Filter(func(p Pair) bool { return p.Value.(int)%5 == 3 }), 3).Map(wholePair)
		}, true},
		{"SubtractByKey", func(r *RDD) *RDD {
			return r.SubtractByKey(r.Filter(func(p Pair) bool { return p.Value.(int)%7 == 3 }), 3).Map(wholePair)
		}, true},
	}
	budgets := []struct {
		name  string
		bytes int64
		parts int
	}{
		{"nothing: every table spills, runs are merged", 0, 4},
		{"nothing, 16 map partitions: the reduce side merges in steps", 0, 16},
		{"4 KB", 4 << 10, 4},
		{"32 KB: some map outputs stay in memory", 32 << 10, 8},
	}
	for _, mixed := range []bool{false, true} {
		for _, sh := range shuffles {
			want := func() []any {
				sc := NewContext(WithParallelism(2))
				defer sc.Stop()
				return sortedByKey(sh.f(spillPairs(sc, 4000, 4, mixed)).Collect())
			}()
			for _, b := range budgets {
				name := fmt.Sprintf("%s, mixed keys %v, budget %s", sh.name, mixed, b.name)
				t.Run(name, func(t *testing.T) {
					sc := NewContext(WithParallelism(2), WithShuffleMemory(b.bytes))
					r := sh.f(spillPairs(sc, 4000, b.parts, mixed))
					if got := sortedByKey(r.Collect()); !reflect.DeepEqual(got, want) {
						t.Fatalf("got %d results, want %d; first differences:\n%v\n%v", len(got), len(want), head(got), head(want))
					}
					if got := sortedByKey(r.Collect()); !reflect.DeepEqual(got, want) {
						t.Fatalf("a second job read other results from the spilled shuffle")
					}
					if files := spillFiles(t, sc); files == 0 && sh.spills {
						t.Errorf("no spill files")
					} else if files > 0 && !sh.spills {
						t.Errorf("%d spill files of data that cannot be spilled", files)
					}
					runtime.KeepAlive(r) // its shuffles remove their files once garbage
					sc.Stop()
					if n := spillFiles(t, sc); n != 0 {
						t.Errorf("%d spill files after Stop", n)
					}
				})
			}
		}
	}
}

func head(xs []any) []any { return xs[:min(len(xs), 5)] }

func TestSpillingKeepsTheOrderOfGroupedValues(t *testing.T) {
	// Within a key, GroupByKey's values come in the RDD's order, spilled
	// or not: runs are merged oldest first, map partitions in order.
	data := make([]Pair, 3000)
	for i := range data {
		data[i] = KV(i%7, i)
	}
	for _, budget := range []int64{0, 1 << 10, DefaultShuffleMemory} {
		sc := NewContext(WithParallelism(2), WithShuffleMemory(budget))
		for _, kv := range sc.Parallelize(data, 3).GroupByKey(2).Collect() {
			vs := kv.(Pair).Value.([]any)
			if len(vs) != len(data)/7 && len(vs) != len(data)/7+1 {
				t.Fatalf("budget %d: key %v has %d values", budget, kv.(Pair).Key, len(vs))
			}
			for i := 1; i < len(vs); i++ {
				if vs[i].(int) <= vs[i-1].(int) {
					t.Fatalf("budget %d: key %v: values out of order: %v", budget, kv.(Pair).Key, vs[:i+1])
				}
			}
		}
		sc.Stop()
	}
}

func TestAShuffleThatFitsStaysInMemoryAndCountsInTheBudget(t *testing.T) {
	sc := NewContext(WithParallelism(2))
	defer sc.Stop()
	counts := spillPairs(sc, 8000, 4, true).ReduceByKey(func(a, b int) int { return a + b })
	counts.Count()
	if n := spillFiles(t, sc); n != 0 {
		t.Errorf("%d spill files for a shuffle well within the default budget", n)
	}
	dep := counts.deps[0].shuffle
	var kept int64
	for _, o := range dep.outputs {
		if len(o.runs) > 0 || o.table == nil {
			t.Errorf("a map output went to disk: %d runs", len(o.runs))
		}
		kept += o.reserved
	}
	if used := sc.shuffleUsed.Load(); kept == 0 || used != kept {
		t.Errorf("shuffle memory in use = %d, map outputs hold %d", used, kept)
	}
}

func TestACombineTableWidensToKeysAndValuesOfOtherTypes(t *testing.T) {
	add := func(a, b int) int { return a + b }
	agg := &aggregator{createCombiner: func(v any) any { return v }, unboxed: unboxedReduce(add),
		mergeValue: adaptBinary("test", add), mergeCombiners: adaptBinary("test", add)}
	m := newCombineMap("test", agg)
	for _, kv := range []Pair{KV("a", 1), KV("b", 2), KV("a", 3), KV(7, 4), KV("b", int64(5)), KV(nil, 6), KV(7, 1)} {
		m.addValue(kv.Key, kv.Value)
	}
	got := map[any]any{}
	for i := range m.len() {
		got[m.key(i)] = m.value(i)
	}
	want := map[any]any{"a": 4, "b": 7, 7: 5, nil: 6}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("got %v, want %v", got, want)
	}
	if keys := []any{m.key(0), m.key(1), m.key(2), m.key(3)}; !reflect.DeepEqual(keys, []any{"a", "b", 7, nil}) {
		t.Errorf("keys in order %v, want first-seen order", keys)
	}
}

func TestRecordsRoundTripThroughTheRunEncoding(t *testing.T) {
	sc := NewContext()
	defer sc.Stop()
	values := []any{nil, true, false, "", "text", 0, -5, int64(1) << 40, int32(-7), uint64(1) << 63, 3.5,
		[]byte("bytes"), []byte{}, KV("k", KV(1, nil)), []any{1, "two", []any{3.0}}, []any{}, []int{1, 2},
		map[string]int{"a": 1}, uint8(3), float32(1.5)}
	w, err := newRunWriter(sc, "test", 1)
	if err != nil {
		t.Fatal(err)
	}
	for i, v := range values {
		w.enc.runKey(uint32(i))
		if err := w.enc.value(v); err != nil {
			t.Fatalf("%#v: %v", v, err)
		}
		if err := w.enc.value(i); err != nil {
			t.Fatal(err)
		}
	}
	run, err := w.finish()
	if err != nil {
		t.Fatal(err)
	}
	src := openRunSegment(run, 0)
	defer src.close()
	for i, v := range values {
		if !src.next() {
			t.Fatalf("the run ends after %d records", i)
		}
		k, c := src.record()
		if src.runKey() != uint32(i) || !reflect.DeepEqual(k, v) || c != i {
			t.Errorf("record %d = (%d, %#v, %v), want (%d, %#v, %d)", i, src.runKey(), k, c, i, v, i)
		}
	}
	if src.next() {
		t.Errorf("records after the last")
	}
	w, _ = newRunWriter(sc, "test", 1)
	defer w.abort()
	if err := w.enc.value(opaque{1}); err == nil {
		t.Errorf("a struct without exported fields encoded")
	}
}

func TestTheReduceSideMergesMapOutputsOfDifferentKeyTypes(t *testing.T) {
	// Partition 0 has string keys only (an unboxed table), partition 1
	// ints and strings (a table of boxed keys), partition 2 values that
	// are not ints (boxed combiners).
	data := []Pair{KV("a", 1), KV("b", 2), KV("a", 3), KV(1, 4), KV("a", 5), KV(1, 6), KV("b", 7.5), KV("c", 1)}
	add := func(a, b float64) float64 { return a + b }
	for _, budget := range []int64{0, DefaultShuffleMemory} {
		sc := NewContext(WithShuffleMemory(budget))
		got := sortedByKey(sc.Parallelize(data, 3).ReduceByKey(add, 1).Collect())
		// A key's only value is its result, as it is: c's stays an int.
		want := []any{KV(1, 10.0), KV("a", 9.0), KV("b", 9.5), KV("c", 1)}
		if !reflect.DeepEqual(got, want) {
			t.Errorf("budget %d: got %v, want %v", budget, got, want)
		}
		sc.Stop()
	}
}

func TestZeroAndNegativeZeroAreOneKey(t *testing.T) {
	negZero := math.Copysign(0, -1)
	for _, budget := range []int64{1 << 30, 0} {
		sc := NewContext(WithParallelism(2), WithShuffleMemory(budget))
		got := sc.Parallelize([]Pair{KV(0.0, 1), KV(negZero, 1), KV(negZero, 1), KV(0.0, 1)}, 2).
			ReduceByKey(func(a, b int) int { return a + b }, 4).Collect()
		sc.Stop()
		if len(got) != 1 || got[0].(Pair).Value != 4 {
			t.Errorf("budget %d: 0 and -0 (equal in Go) reduced to %v, want one key with 4", budget, got)
		}
	}
}
