package rdd

import (
	"fmt"
	"math"
	"reflect"
	"testing"
)

func TestBoxerBoxesAsAnInterfaceConversionDoes(t *testing.T) {
	// Across several blocks, a boxed value equals any(v), has v's type,
	// hashes as any(v) in a map, and outlives the boxer.
	tests := []struct {
		name string
		box  func(n int) (got, want []any)
	}{
		{"strings", func(n int) ([]any, []any) { return boxMany(n, func(i int) string { return fmt.Sprint("s", i) }) }},
		{"empty strings", func(n int) ([]any, []any) { return boxMany(n, func(int) string { return "" }) }},
		{"ints", func(n int) ([]any, []any) { return boxMany(n, func(i int) int { return i*1_000_003 - 7 }) }},
		{"int64s", func(n int) ([]any, []any) { return boxMany(n, func(i int) int64 { return int64(i) << 40 }) }},
		{"float64s", func(n int) ([]any, []any) {
			return boxMany(n, func(i int) float64 { return []float64{math.Inf(-1), -0.0, 1.5, float64(i)}[i%4] })
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, want := tt.box(3*boxBlockLen + 5)
			counts := map[any]int{}
			for i := range got {
				if got[i] != want[i] || reflect.TypeOf(got[i]) != reflect.TypeOf(want[i]) || fmt.Sprint(got[i]) != fmt.Sprint(want[i]) {
					t.Fatalf("value %d: got %#v, want %#v", i, got[i], want[i])
				}
				counts[got[i]]++
			}
			for i := range want {
				if counts[want[i]] == 0 {
					t.Fatalf("value %d (%#v) is not a key of the map of the boxed values", i, want[i])
				}
			}
		})
	}
}

// boxMany boxes f(0)...f(n-1) with a boxer and as Go does.
func boxMany[T string | int | int64 | float64](n int, f func(int) T) (got, want []any) {
	b := newBoxer[T]()
	for i := range n {
		got = append(got, b.box(f(i)))
		want = append(want, any(f(i)))
	}
	return got, want
}
