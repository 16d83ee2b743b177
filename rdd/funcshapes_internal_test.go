package rdd

import (
	"fmt"
	"reflect"
	"strings"
	"testing"
)

func TestFastFuncShapesGiveWhatReflectionGives(t *testing.T) {
	// A func of a common shape is called directly when the element has
	// its parameter's type, and through reflection otherwise: an element
	// that converts without loss (an int to an int64 parameter) gives
	// the same result, one that does not fails naming the method.
	count := func(p Pair) int { return p.Value.(int) * 2 }
	tests := []struct {
		name string
		f    any
		pred bool
		in   any
		want any
		fail string // a part of the failure, when it fails
	}{
		{"func(Pair) int on a Pair", count, false, KV("w", 21), 42, ""},
		{"func(Pair) int on a string", count, false, "w", nil, "does not fit the parameter"},
		{"func(Pair) int64", func(p Pair) int64 { return int64(len(p.Key.(string))) }, false, KV("abc", 0), int64(3), ""},
		{"func(Pair) float64", func(p Pair) float64 { return p.Value.(float64) / 2 }, false, KV(1, 3.0), 1.5, ""},
		{"func(Pair) string", func(p Pair) string { return p.Key.(string) + "!" }, false, KV("a", 1), "a!", ""},
		{"func(int64) bool on an int64", func(x int64) bool { return x > 2 }, true, int64(3), true, ""},
		{"func(int64) bool on an int, converted", func(x int64) bool { return x > 2 }, true, 1, false, ""},
		{"func(int64) bool on a float", func(x int64) bool { return x > 2 }, true, 2.5, nil, "does not fit the parameter"},
		{"func(float64) bool on an int, converted", func(x float64) bool { return x > 2 }, true, 3, true, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var got, failure any
			func() {
				defer func() { failure = recover() }()
				if tt.pred {
					got = predicateOf("Filter", tt.f)(tt.in)
				} else {
					got = unaryOf("Map", tt.f)(tt.in)
				}
			}()
			if tt.fail != "" {
				if msg := fmt.Sprint(failure); failure == nil || !strings.Contains(msg, tt.fail) || !strings.Contains(msg, "rdd.") {
					t.Fatalf("failure %v, want one saying %q", failure, tt.fail)
				}
				return
			}
			if failure != nil || !reflect.DeepEqual(got, tt.want) {
				t.Fatalf("got %#v (failure %v), want %#v", got, failure, tt.want)
			}
		})
	}
}

func TestFlatMapOfAnyParameterOffersTypedElements(t *testing.T) {
	// A FlatMap whose func returns []Pair, []string or []int64 offers its
	// elements unboxed (to a shuffle, a Map...) whatever it takes: a
	// struct, a pointer, an int. Its elements are those of the func, in
	// order, and an element the func cannot take fails naming FlatMap.
	type doc struct {
		Lang  string
		Words []string
	}
	docs := []any{doc{"en", []string{"a", "b"}}, doc{"fr", nil}, doc{"de", []string{"c"}}}
	tests := []struct {
		name   string
		in     []any
		f      any
		typed  func(r *RDD) bool
		want   []any
		failIn string // a part of the failure, when it fails
	}{
		{"a struct to []Pair", docs, func(d doc) []Pair {
			var out []Pair
			for _, w := range d.Words {
				out = append(out, KV(d.Lang, w))
			}
			return out
		}, func(r *RDD) bool { return r.pairs != nil }, []any{KV("en", "a"), KV("en", "b"), KV("de", "c")}, ""},
		{"a pointer to []string", []any{&doc{Words: []string{"x", "y"}}}, func(d *doc) []string { return d.Words },
			func(r *RDD) bool { return r.strs != nil }, []any{"x", "y"}, ""},
		{"an int to []int64, an int64 converted", []any{2, int64(1)}, func(n int) []int64 { return make([]int64, n) },
			func(r *RDD) bool { return r.int64s != nil }, []any{int64(0), int64(0), int64(0)}, ""},
		{"an element of another type", []any{"s"}, func(d doc) []Pair { return nil },
			func(r *RDD) bool { return r.pairs != nil }, nil, "does not fit the parameter"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			sc := NewContext()
			defer sc.Stop()
			out := sc.Parallelize(tt.in, 2).FlatMap(tt.f)
			if !tt.typed(out) {
				t.Fatalf("FlatMap(%T) offers no typed source", tt.f)
			}
			// Through the typed source, as a shuffle's map side reads it.
			var got []any
			var failure any
			func() {
				defer func() { failure = recover() }()
				got = out.Map(func(x any) any { return x }).Collect()
			}()
			if tt.failIn != "" {
				if msg := fmt.Sprint(failure); failure == nil || !strings.Contains(msg, tt.failIn) || !strings.Contains(msg, "FlatMap") {
					t.Fatalf("failure %v, want one saying %q", failure, tt.failIn)
				}
				return
			}
			if failure != nil || !reflect.DeepEqual(got, tt.want) {
				t.Fatalf("got %#v (failure %v), want %#v", got, failure, tt.want)
			}
		})
	}
}
