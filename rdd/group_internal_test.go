package rdd

import (
	"context"
	"fmt"
	"reflect"
	"strings"
	"testing"
)

func TestGroupByKeyGroupsAsTheCombiningShuffleDid(t *testing.T) {
	// GroupByKey no longer combines on the map side. Within the shuffle
	// memory it gives what combining into lists gave, in the same order
	// (keys first seen, map partition by map partition; values in the
	// RDD's order); beyond it (map outputs buffered, combined, spilled,
	// or a reduce side that does not fit), the same groups, values in
	// the RDD's order.
	keyings := []struct {
		name string
		key  func(i int) any
	}{
		{"int64 keys, grouped unboxed", func(i int) any { return int64(i * 7 % 601) }},
		{"int keys, grouped unboxed", func(i int) any { return i * 7 % 601 }},
		{"string keys, grouped unboxed", func(i int) any { return fmt.Sprintf("k%d", i*7%601) }},
		{"float64 keys", func(i int) any { return float64(i*7%601) / 8 }},
		{"Pair keys", func(i int) any { return KV(i%7, fmt.Sprint(i*7%601)) }},
		{"keys of mixed types", func(i int) any {
			switch i % 4 {
			case 0:
				return int64(i % 97)
			case 1:
				return fmt.Sprint(i % 89)
			case 2:
				return KV("p", i%13)
			}
			return nil
		}},
		{"int64 keys but one partition's are ints", func(i int) any {
			if i >= 3000 {
				return i % 101
			}
			return int64(i % 101)
		}},
	}
	budgets := []struct {
		name  string
		bytes int64
	}{
		{"the default", DefaultShuffleMemory},
		{"nothing: every map output spills", 0},
		{"16 KB: map outputs spilled", 16 << 10},
		{"48 KB: some map outputs buffered, some spilled", 48 << 10},
	}
	const n = 4000
	for _, k := range keyings {
		data := make([]Pair, n)
		for i := range data {
			data[i] = KV(k.key(i), i)
		}
		want := func() []any {
			sc := NewContext(WithParallelism(2))
			defer sc.Stop()
			return sc.Parallelize(data, 4).combineByKey("GroupByKey", listAggregator, []int{3}).Collect()
		}()
		for _, b := range budgets {
			t.Run(k.name+", budget "+b.name, func(t *testing.T) {
				sc := NewContext(WithParallelism(2), WithShuffleMemory(b.bytes))
				defer sc.Stop()
				r := sc.Parallelize(data, 4).GroupByKey(3)
				for job := range 2 {
					got := r.Collect()
					if b.bytes == DefaultShuffleMemory {
						if !reflect.DeepEqual(got, want) {
							t.Fatalf("job %d: got %v..., want %v...", job, head(got), head(want))
						}
						continue
					}
					if got, want := sortedByKey(got), sortedByKey(want); !reflect.DeepEqual(got, want) {
						t.Fatalf("job %d: got %d groups, want %d; first differences:\n%v\n%v", job, len(got), len(want), head(got), head(want))
					}
				}
			})
		}
	}
}

func TestGroupingMergesBufferedAndCombinedMapOutputs(t *testing.T) {
	// A map task that outgrew the shuffle memory but did not spill keeps
	// its Pairs combined into lists: the reduce side groups those with
	// the buffered Pairs of the others, in map partition order.
	buffered := func(pairs ...Pair) *mapOutput {
		b := &bufferedPairs{}
		for _, kv := range pairs {
			b.keys.add(kv.Key)
			b.vals.add(kv.Value)
		}
		o := &mapOutput{buffered: b}
		o.order, o.starts = b.keys.byPartition(1)
		return o
	}
	combined := func(pairs ...Pair) *mapOutput {
		m := newCombineMap("GroupByKey", listAggregator)
		for _, kv := range pairs {
			m.addValue(kv.Key, kv.Value)
		}
		m.t.seal()
		o := &mapOutput{table: m.t}
		o.order, o.starts = m.t.byPartition(1)
		return o
	}
	outputs := []*mapOutput{
		buffered(KV(int64(1), "a"), KV("x", "b"), KV(int64(1), "c")),
		combined(KV("x", "d"), KV(int64(2), "e"), KV("x", "f")),
		buffered(KV(int64(2), "g"), KV(int64(1), "h")),
	}
	var got []any
	sc := NewContext()
	defer sc.Stop()
	task := &task{job: &job{sc: sc, ctx: context.Background()}}
	groupBuckets[any](task, outputs, 0, hashKey, nil, func(k any, vs []any) bool {
		got = append(got, KV(k, vs))
		return true
	})
	want := []any{KV(int64(1), []any{"a", "c", "h"}), KV("x", []any{"b", "d", "f"}), KV(int64(2), []any{"e", "g"})}
	if !reflect.DeepEqual(got, want) {
		t.Fatalf("got %v, want %v", got, want)
	}
}

func TestGroupByKeyListsAreTheCallers(t *testing.T) {
	// Changing a group's list changes neither another group nor what a
	// later job reads from the shuffle.
	sc := NewContext(WithParallelism(2))
	defer sc.Stop()
	r := sc.Parallelize([]Pair{KV(1, "a"), KV(2, "b"), KV(1, "c"), KV(2, "d")}, 2).GroupByKey(1)
	for _, g := range r.Collect() {
		vs := g.(Pair).Value.([]any)
		vs[0] = "changed"
		_ = append(vs, "appended")
	}
	want := []any{KV(1, []any{"a", "c"}), KV(2, []any{"b", "d"})}
	if got := r.Collect(); !reflect.DeepEqual(got, want) {
		t.Fatalf("got %v, want %v", got, want)
	}
}

func TestGroupByKeyFailsOnKeysThatAreNotComparable(t *testing.T) {
	sc := NewContext(WithParallelism(2))
	defer sc.Stop()
	const want = "rdd.GroupByKey: key of type []int (value [2]) is not comparable"
	defer func() {
		if err := fmt.Sprint(recover()); !strings.Contains(err, want) {
			t.Fatalf("panic %q, want one saying %q", err, want)
		}
	}()
	sc.Parallelize([]Pair{KV(1, 1), KV([]int{2}, 2)}, 2).GroupByKey().Collect()
}

func TestGroupedValuesOfEveryTypeComeBackAsTheyWere(t *testing.T) {
	// The reduce side boxes the values of unboxed columns (strings, ints,
	// int64s, float64s) in blocks: they must come back equal, of their
	// type, usable as map keys, whatever the other partitions hold; and
	// a reduce side for which the shuffle memory has no room left still
	// groups in memory, in first-seen order, without spilling.
	values := []struct {
		name  string
		value func(i int) any
	}{
		{"strings", func(i int) any { return fmt.Sprintf("w%d", i%50) }},
		{"ints", func(i int) any { return i * 1000 }},
		{"int64s", func(i int) any { return int64(i) << 33 }},
		{"float64s", func(i int) any { return float64(i) / 3 }},
		{"structs", func(i int) any { return struct{ A, B int }{i, -i} }},
		{"strings, but one partition holds ints", func(i int) any {
			if i >= 3000 {
				return i
			}
			return fmt.Sprint(i)
		}},
	}
	const n = 4000
	for _, v := range values {
		data := make([]Pair, n)
		for i := range data {
			data[i] = KV(fmt.Sprintf("k%d", i*7%301), v.value(i))
		}
		var want []any
		var kept int64
		func() {
			sc := NewContext(WithParallelism(1))
			defer sc.Stop()
			r := sc.Parallelize(data, 4).GroupByKey(1)
			want = sc.Parallelize(data, 4).combineByKey("GroupByKey", listAggregator, []int{1}).Collect()
			if got := r.Collect(); !reflect.DeepEqual(got, want) {
				t.Fatalf("%s: got %v..., want %v...", v.name, head(got), head(want))
			}
			for _, o := range r.deps[0].shuffle.outputs {
				kept += o.reserved
			}
		}()
		// Room for the map outputs but not for the grouping (about 28
		// bytes a Pair).
		budget := kept + kept/4
		t.Run(v.name+", no room to group", func(t *testing.T) {
			sc := NewContext(WithParallelism(1), WithShuffleMemory(budget))
			defer sc.Stop()
			r := sc.Parallelize(data, 4).GroupByKey(1)
			got := r.Collect()
			if !reflect.DeepEqual(got, want) {
				t.Fatalf("got %v..., want %v...", head(got), head(want))
			}
			if files := spillFiles(t, sc); files != 0 {
				t.Errorf("%d spill files, want the map outputs in memory", files)
			}
			distinct := map[any]int{}
			for _, g := range got {
				for _, x := range g.(Pair).Value.([]any) {
					distinct[x]++
				}
			}
			wantDistinct := map[any]int{}
			for _, kv := range data {
				wantDistinct[kv.Value]++
			}
			if !reflect.DeepEqual(distinct, wantDistinct) {
				t.Errorf("the grouped values as map keys: %d distinct, want %d", len(distinct), len(wantDistinct))
			}
		})
	}
}

func TestGroupsOfManyStringsComeBackAsTheyWere(t *testing.T) {
	// The string values of groups of many values are copied group by
	// group before they are boxed: they must come back equal, in the
	// same order, empty ones and ones too long for an arena block
	// included, whether the map outputs were unboxed string columns or
	// one of them held other values.
	long := strings.Repeat("x", arenaMaxString+1)
	value := func(i int) string {
		switch i % 5 {
		case 0:
			return ""
		case 1:
			return long + fmt.Sprint(i)
		}
		return fmt.Sprintf("w%d", i%37)
	}
	tests := []struct {
		name string
		keys int
		data func(i int) Pair
	}{
		{"three keys", 3, func(i int) Pair { return KV(fmt.Sprint(i%3), value(i)) }},
		{"one key", 1, func(i int) Pair { return KV(int64(7), value(i)) }},
		{"many keys, few values each", 900, func(i int) Pair { return KV(i%900, value(i)) }},
		{"a partition of ints", 3, func(i int) Pair {
			if i >= 3000 {
				return KV(fmt.Sprint(i%3), i)
			}
			return KV(fmt.Sprint(i%3), value(i))
		}},
	}
	const n = 4000
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			data := make([]Pair, n)
			for i := range data {
				data[i] = tt.data(i)
			}
			sc := NewContext(WithParallelism(2))
			defer sc.Stop()
			got := sc.Parallelize(data, 4).GroupByKey(2).Collect()
			want := sc.Parallelize(data, 4).combineByKey("GroupByKey", listAggregator, []int{2}).Collect()
			if len(got) != tt.keys || !reflect.DeepEqual(got, want) {
				t.Fatalf("got %d groups %v..., want %d %v...", len(got), head(got), tt.keys, head(want))
			}
		})
	}
}
