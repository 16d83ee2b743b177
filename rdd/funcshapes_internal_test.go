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
