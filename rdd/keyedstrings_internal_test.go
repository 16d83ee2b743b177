package rdd

import (
	"fmt"
	"reflect"
	"testing"
)

func TestStringsKeyedByStringsShuffleUnboxedAsTheyWouldBoxed(t *testing.T) {
	// KeyBy of a func(string) string over strings hands the buffering
	// shuffles (GroupByKey, GroupBy, joins) its Pairs unboxed. They give
	// what the same Pairs give through the general path (a func(any) any
	// key), within the shuffle memory, beyond it (combined, spilled), and
	// read from a persisted KeyBy.
	words := make([]string, 3000)
	for i := range words {
		words[i] = fmt.Sprintf("%c%d", 'a'+i%7, i%301)
	}
	initial := func(w string) string { return w[:1] }
	boxedInitial := func(w any) any { return w.(string)[:1] }
	pipelines := []struct {
		name string
		run  func(sc *Context, key any, persist bool) []any
	}{
		{"KeyBy then GroupByKey", func(sc *Context, key any, persist bool) []any {
			keyed := sc.Parallelize(words, 3).Map(func(w string) string { return w }).KeyBy(key)
			if persist {
				keyed.Cache()
				keyed.Count()
			}
			return keyed.GroupByKey(2).Collect()
		}},
		{"GroupBy", func(sc *Context, key any, _ bool) []any {
			return sc.Parallelize(words, 3).Map(func(w string) string { return w }).GroupBy(key, 2).Collect()
		}},
		{"KeyBy then Join", func(sc *Context, key any, _ bool) []any {
			initials := sc.Parallelize([]Pair{KV("a", 1), KV("c", 3), KV("z", 26)}, 2)
			return sc.Parallelize(words, 3).Map(func(w string) string { return w }).KeyBy(key).Join(initials, 2).Collect()
		}},
	}
	budgets := []int64{DefaultShuffleMemory, 0, 16 << 10}
	for _, pl := range pipelines {
		for _, budget := range budgets {
			for _, persist := range []bool{false, true} {
				t.Run(fmt.Sprintf("%s, budget %d, persisted %v", pl.name, budget, persist), func(t *testing.T) {
					sc := NewContext(WithParallelism(2), WithShuffleMemory(budget))
					defer sc.Stop()
					got := pl.run(sc, initial, persist)
					want := pl.run(sc, boxedInitial, persist)
					if budget == DefaultShuffleMemory {
						if !reflect.DeepEqual(got, want) {
							t.Fatalf("got %v..., want %v...", head(got), head(want))
						}
						return
					}
					if got, want := sortedByKeyAndValue(got), sortedByKeyAndValue(want); !reflect.DeepEqual(got, want) {
						t.Fatalf("got %v..., want %v...", head(got), head(want))
					}
				})
			}
		}
	}
}

func TestKeyByOffersUnboxedPairsOnlyForStringsKeyedByStrings(t *testing.T) {
	sc := NewContext()
	defer sc.Stop()
	strs := sc.Parallelize([]string{"ab", "cd"}, 1).Map(func(w string) string { return w })
	tests := []struct {
		name string
		r    *RDD
		want bool
	}{
		{"func(string) string over strings", strs.KeyBy(func(w string) string { return w[:1] }), true},
		{"func(string) int over strings", strs.KeyBy(func(w string) int { return len(w) }), false},
		{"func(any) any over strings", strs.KeyBy(func(w any) any { return w }), false},
		{"func(string) string over elements of no known type", sc.Parallelize([]any{"ab", "cd"}, 1).KeyBy(func(w string) string { return w }), false},
	}
	for _, tt := range tests {
		if got := tt.r.keyedStrs != nil; got != tt.want {
			t.Errorf("%s: unboxed Pairs %v, want %v", tt.name, got, tt.want)
		}
	}
}
