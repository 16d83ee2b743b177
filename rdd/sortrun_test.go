package rdd_test

import (
	"fmt"
	"math"
	"math/rand/v2"
	"reflect"
	"sort"
	"testing"

	"github.com/gosparkling/gosparkling/rdd"
)

// sortedStably is the reference order of SortBy: a stable sort by Compare.
func sortedStably(elems []any, key func(any) any, ascending bool) []any {
	out := append([]any(nil), elems...)
	sort.SliceStable(out, func(i, j int) bool {
		c := rdd.Compare(key(out[i]), key(out[j]))
		if !ascending {
			c = -c
		}
		return c < 0
	})
	return out
}

// TestSortsAreStableForEveryKeyType checks SortBy and SortByKey against a
// stable sort by Compare, for keys the sort keeps unboxed (int64, int,
// float64 with NaN and -0, string) and keys it does not (mixed types,
// Pairs), ascending and descending, into one and several partitions.
func TestSortsAreStableForEveryKeyType(t *testing.T) {
	rng := rand.New(rand.NewPCG(7, 9))
	gen := map[string]func(i int) any{
		"int64": func(int) any { return int64(rng.IntN(50) - 25) },
		"int":   func(int) any { return rng.IntN(50) - 25 },
		"float64": func(int) any {
			return []float64{math.NaN(), math.Copysign(0, -1), 0, 1.5, -2, math.Inf(1), math.Inf(-1), 3}[rng.IntN(8)]
		},
		"string": func(int) any { return fmt.Sprint("k", rng.IntN(40)) },
		"mixed int and int64 and string": func(i int) any {
			return []any{rng.IntN(9), int64(rng.IntN(9)), fmt.Sprint(rng.IntN(9))}[i%3]
		},
		"int64 then a string": func(i int) any {
			if i == 700 {
				return "late"
			}
			return int64(rng.IntN(30))
		},
		"pairs": func(int) any { return rdd.KV(rng.IntN(4), rng.IntN(4)) },
	}
	sc := rdd.NewContext()
	defer sc.Stop()
	for name, g := range gen {
		for _, size := range []int{1000, 30} {
			var pairs []any
			for i := range size {
				pairs = append(pairs, rdd.KV(g(i), i))
			}
			for _, ascending := range []bool{true, false} {
				for _, parts := range []int{1, 3} {
					label := fmt.Sprintf("%s, %d pairs, ascending %v, %d partitions", name, size, ascending, parts)
					want := sortedStably(pairs, func(x any) any { return x.(rdd.Pair).Key }, ascending)
					got := sc.Parallelize(pairs, 4).SortByKey(ascending, parts)
					if n := got.GetNumPartitions(); n != parts {
						t.Errorf("%s: SortByKey has %d partitions", label, n)
					}
					if c := got.Collect(); !sameElements(c, want) {
						t.Errorf("%s: SortByKey differs from a stable sort:\n got %v\nwant %v", label, c[:10], want[:10])
					}
					byKey := sc.Parallelize(pairs, 4).SortBy(func(p rdd.Pair) any { return p.Key }, ascending, parts).Collect()
					if !sameElements(byKey, want) {
						t.Errorf("%s: SortBy differs from a stable sort", label)
					}
				}
			}
		}
	}
}

// sameElements compares element by element, NaN equal to NaN.
func sameElements(a, b []any) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if rdd.Compare(a[i], b[i]) != 0 || reflect.TypeOf(a[i]) != reflect.TypeOf(b[i]) {
			return false
		}
	}
	return true
}

// TestSortByKeepsTypedElements checks SortBy over int64 and string
// elements with typed key funcs, whose keys and elements it keeps
// unboxed, and that each partition holds one range of keys.
func TestSortByKeepsTypedElements(t *testing.T) {
	sc := rdd.NewContext()
	defer sc.Stop()
	nums := sc.Range(0, 5000, 1, 3).Map(func(x int64) int64 { return x * 7919 % 1000 })
	elems := nums.Collect()
	for _, ascending := range []bool{true, false} {
		want := sortedStably(elems, func(x any) any { return x.(int64) / 10 }, ascending)
		sorted := nums.SortBy(func(x int64) int64 { return x / 10 }, ascending, 4)
		if got := sorted.Collect(); !sameElements(got, want) {
			t.Errorf("SortBy(x/10) over int64s, ascending %v, differs from a stable sort", ascending)
		}
		glom := sorted.Glom().Collect()
		for p := 1; p < len(glom); p++ {
			prev, cur := glom[p-1].([]any), glom[p].([]any)
			if len(prev) == 0 || len(cur) == 0 {
				t.Errorf("SortBy into 4 partitions left partition %d or %d empty", p-1, p)
				continue
			}
			last, first := prev[len(prev)-1].(int64)/10, cur[0].(int64)/10
			if ascending && last >= first || !ascending && last <= first {
				t.Errorf("partitions %d and %d overlap: %d then %d", p-1, p, last, first)
			}
		}
	}
	words := sc.Parallelize([]string{"pear", "fig", "apple", "fig", "kiwi", "apple"}, 2).Map(func(s string) string { return s })
	got := words.SortBy(func(s string) string { return s[:1] }, true).Collect()
	if want := []any{"apple", "apple", "fig", "fig", "kiwi", "pear"}; !reflect.DeepEqual(got, want) {
		t.Errorf("SortBy of strings = %v, want %v", got, want)
	}
}
