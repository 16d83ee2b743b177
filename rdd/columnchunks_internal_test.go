package rdd

import (
	"fmt"
	"reflect"
	"testing"
)

func TestColumnChunksJoinIntoTheColumnAppendsWouldMake(t *testing.T) {
	// Built a chunk at a time, a column holds the same elements, in the
	// same order, unboxed when all are of one type, as appending them to
	// one column gives, however they fall across chunks.
	n := 2*columnChunkLen + 17
	tests := []struct {
		name     string
		n        int
		elem     func(i int) any
		wantKind colKind
	}{
		{"no elements", 0, nil, colEmpty},
		{"a few strings", 5, func(i int) any { return fmt.Sprint(i) }, colString},
		{"strings over three chunks", n, func(i int) any { return fmt.Sprint(i) }, colString},
		{"int64s over three chunks", n, func(i int) any { return int64(i) }, colInt64},
		{"ints", n, func(i int) any { return i }, colInt},
		{"float64s", n, func(i int) any { return float64(i) / 2 }, colFloat64},
		{"[]bytes", n, func(i int) any { return []byte{byte(i)} }, colBytes},
		{"strings, then ints in the last chunk", n, func(i int) any {
			if i >= 2*columnChunkLen {
				return i
			}
			return fmt.Sprint(i)
		}, colAny},
		{"one struct in the middle of the first chunk", n, func(i int) any {
			if i == 100 {
				return struct{ A int }{i}
			}
			return int64(i)
		}, colAny},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var b columnChunks
			var want column
			for i := range tt.n {
				b.add(tt.elem(i))
				want.add(tt.elem(i))
			}
			if b.len() != tt.n {
				t.Fatalf("len = %d while building, want %d", b.len(), tt.n)
			}
			if b.memory() < int64(tt.n)*8 {
				t.Errorf("memory = %d for %d elements", b.memory(), tt.n)
			}
			got := b.column()
			if got.kind != tt.wantKind || got.len() != tt.n {
				t.Fatalf("kind %d, len %d; want kind %d, len %d", got.kind, got.len(), tt.wantKind, tt.n)
			}
			for i := range tt.n {
				if !reflect.DeepEqual(got.at(i), want.at(i)) {
					t.Fatalf("element %d = %#v, want %#v", i, got.at(i), want.at(i))
				}
			}
			if b.len() != 0 {
				t.Errorf("the chunks hold %d elements after joining", b.len())
			}
		})
	}
}
