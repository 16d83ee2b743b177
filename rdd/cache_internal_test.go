package rdd

import (
	"strings"
	"testing"
)

func TestEstimateSizeIsCloseToTheMemoryTaken(t *testing.T) {
	many := func(n int, x any) []any {
		out := make([]any, n)
		for i := range out {
			out[i] = x
		}
		return out
	}
	long := strings.Repeat("x", 100)
	tests := []struct {
		name     string
		elems    []any
		min, max int64 // bytes
	}{
		{"empty", []any{}, 0, 64},
		{"1,000 ints", many(1000, 7), 16_000, 32_000},
		{"1,000 strings of 100 bytes", many(1000, long), 100_000, 200_000},
		{"1,000 Pairs of a string and a []int of 10", many(1000, Pair{Key: long, Value: make([]int, 10)}), 200_000, 400_000},
		{"10,000 maps of 10 entries (sampled)", many(10_000, map[int]string{0: "a", 1: "b", 2: "c", 3: "d", 4: "e", 5: "f", 6: "g", 7: "h", 8: "i", 9: "j"}),
			3_000_000, 12_000_000},
		{"nested []any", []any{[]any{[]any{long}}}, 150, 400},
	}
	for _, tt := range tests {
		if got := estimateSize(tt.elems); got < tt.min || got > tt.max {
			t.Errorf("%s: estimateSize = %d, want between %d and %d", tt.name, got, tt.min, tt.max)
		}
	}
}
