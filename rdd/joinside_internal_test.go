package rdd

import (
	"fmt"
	"reflect"
	"sort"
	"testing"
)

// nestedJoin is the join of left and right by nested loops, what every
// join must give: every (v, w) of a key both sides have, and with keepLeft
// (keepRight) Pair{v, nil} (Pair{nil, w}) for a key the other side lacks.
func nestedJoin(left, right []Pair, keepLeft, keepRight bool) []any {
	var out []any
	has := func(side []Pair, k any) bool {
		for _, p := range side {
			if p.Key == k {
				return true
			}
		}
		return false
	}
	for _, l := range left {
		for _, r := range right {
			if l.Key == r.Key {
				out = append(out, KV(l.Key, KV(l.Value, r.Value)))
			}
		}
		if keepLeft && !has(right, l.Key) {
			out = append(out, KV(l.Key, KV(l.Value, nil)))
		}
	}
	if keepRight {
		for _, r := range right {
			if !has(left, r.Key) {
				out = append(out, KV(r.Key, KV(nil, r.Value)))
			}
		}
	}
	return out
}

func TestJoinsGiveTheSameWhicheverSideTheTableIsBuiltOn(t *testing.T) {
	// Each reduce task builds its table on the side with fewer Pairs
	// there and walks the other; every join gives the same Pairs either
	// way, within the shuffle memory, beyond it (map outputs combined
	// and spilled), with duplicate keys on both sides and keys of one
	// side only.
	makePairs := func(n, keys int, key func(i int) any) []Pair {
		ps := make([]Pair, n)
		for i := range ps {
			ps[i] = KV(key(i*7%keys), fmt.Sprint("v", i))
		}
		return ps
	}
	keyings := testKeyings
	sizes := []struct {
		name        string
		left, right int
	}{
		{"the left side smaller", 60, 900},
		{"the right side smaller", 900, 60},
		{"both alike", 400, 400},
	}
	joins := []struct {
		name                string
		keepLeft, keepRight bool
		join                func(l, r *RDD) *RDD
	}{
		{"Join", false, false, func(l, r *RDD) *RDD { return l.Join(r, 3) }},
		{"LeftOuterJoin", true, false, func(l, r *RDD) *RDD { return l.LeftOuterJoin(r, 3) }},
		{"RightOuterJoin", false, true, func(l, r *RDD) *RDD { return l.RightOuterJoin(r, 3) }},
		{"FullOuterJoin", true, true, func(l, r *RDD) *RDD { return l.FullOuterJoin(r, 3) }},
	}
	budgets := []struct {
		name  string
		bytes int64
	}{
		{"the default", DefaultShuffleMemory},
		{"nothing: every map output spills", 0},
		{"8 KB: some map outputs spill", 8 << 10},
	}
	for _, k := range keyings {
		for _, sz := range sizes {
			// The left side has keys 0..sz.left/2, the right 0..sz.right/3
			// (an offset of 5 keys): duplicates, and keys of one side only.
			left := makePairs(sz.left, max(sz.left/2, 1), k.key)
			right := makePairs(sz.right, max(sz.right/3, 1), func(i int) any { return k.key(i + 5) })
			for _, j := range joins {
				want := sortedByKeyAndValue(nestedJoin(left, right, j.keepLeft, j.keepRight))
				for _, b := range budgets {
					t.Run(fmt.Sprintf("%s, %s, %s, budget %s", j.name, k.name, sz.name, b.name), func(t *testing.T) {
						sc := NewContext(WithParallelism(2), WithShuffleMemory(b.bytes))
						defer sc.Stop()
						got := sortedByKeyAndValue(j.join(sc.Parallelize(left, 4), sc.Parallelize(right, 2)).Collect())
						if !reflect.DeepEqual(got, want) {
							t.Fatalf("got %d Pairs, want %d: %v... want %v...", len(got), len(want), head(got), head(want))
						}
					})
				}
			}
			want := func() []any {
				var out []any
				for _, l := range left {
					if !slicesHasKey(right, l.Key) {
						out = append(out, l)
					}
				}
				return sortedByKeyAndValue(out)
			}()
			t.Run(fmt.Sprintf("SubtractByKey, %s, %s", k.name, sz.name), func(t *testing.T) {
				sc := NewContext(WithParallelism(2))
				defer sc.Stop()
				got := sortedByKeyAndValue(sc.Parallelize(left, 4).SubtractByKey(sc.Parallelize(right, 2), 3).Collect())
				if !reflect.DeepEqual(got, want) {
					t.Fatalf("got %d Pairs, want %d: %v... want %v...", len(got), len(want), head(got), head(want))
				}
			})
		}
	}
}

func slicesHasKey(ps []Pair, k any) bool {
	for _, p := range ps {
		if p.Key == k {
			return true
		}
	}
	return false
}

// sortedByKeyAndValue sorts Pairs by their text (with the key's type),
// so that results of different orders compare.
func sortedByKeyAndValue(xs []any) []any {
	out := append([]any{}, xs...)
	text := func(x any) string { return fmt.Sprintf("%T %v", x.(Pair).Key, x) }
	sort.SliceStable(out, func(i, j int) bool { return text(out[i]) < text(out[j]) })
	return out
}

// testKeyings are the key types the join tests run on: the engine's
// unboxed int64 and string paths, and its general one (float64 keys,
// Pair keys, keys of mixed types).
var testKeyings = []struct {
	name string
	key  func(i int) any
}{
	{"int64 keys", func(i int) any { return int64(i) }},
	{"string keys", func(i int) any { return fmt.Sprint("k", i) }},
	{"float64 keys", func(i int) any { return float64(i) / 4 }},
	{"Pair keys", func(i int) any { return KV(i%7, fmt.Sprint(i)) }},
	{"keys of mixed types", func(i int) any {
		if i%3 == 0 {
			return i
		}
		return fmt.Sprint(i)
	}},
}
