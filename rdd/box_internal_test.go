package rdd

import (
	"fmt"
	"math"
	"reflect"
	"strings"
	"testing"
	"unsafe"
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
			return boxMany(n, func(i int) float64 { return []float64{math.Inf(-1), math.Copysign(0, -1), 1.5, float64(i)}[i%4] })
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

func TestStringArenaCopiesKeysWithoutAliasingTheInput(t *testing.T) {
	// Keys of string tables are copied into the table's blocks: equal to
	// what came in, not sharing its bytes, and unchanged when the input's
	// bytes change or more keys fill the blocks.
	tests := []struct {
		name string
		keys []string
	}{
		{"short keys across blocks", func() []string {
			var ks []string
			for i := range 2 * arenaBlockLen / 6 {
				ks = append(ks, fmt.Sprintf("k%05d", i))
			}
			return ks
		}()},
		{"empty and long keys", []string{"", string(make([]byte, arenaMaxString+1)), "x", string(make([]byte, arenaMaxString))}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			buf := []byte(strings.Join(tt.keys, ""))
			var a stringArena
			var owned []string
			at := 0
			for _, k := range tt.keys {
				in := unsafe.String(unsafe.SliceData(buf[at:]), len(k)) // a piece of a line
				at += len(k)
				owned = append(owned, a.own(in))
			}
			for i := range buf {
				buf[i] = '!'
			}
			if !reflect.DeepEqual(owned, tt.keys) {
				t.Fatalf("owned keys differ from the input's once its bytes change")
			}
		})
	}
}

func TestCombineTablesOfStringKeysOwnThem(t *testing.T) {
	sc := NewContext(WithParallelism(2))
	defer sc.Stop()
	line := []byte("alpha beta alpha gamma beta alpha")
	words := strings.Fields(unsafe.String(unsafe.SliceData(line), len(line)))
	counts := sc.Parallelize(words, 2).Map(func(w string) Pair { return KV(w, 1) }).
		ReduceByKey(func(a, b int) int { return a + b }, 1)
	got := sortedByKey(counts.Collect())
	for i := range line {
		line[i] = '?' // the source's bytes change after the shuffle
	}
	want := []any{KV("alpha", 3), KV("beta", 2), KV("gamma", 1)}
	if !reflect.DeepEqual(got, want) {
		t.Fatalf("got %v, want %v", got, want)
	}
	if again := sortedByKey(counts.Collect()); !reflect.DeepEqual(again, want) {
		t.Fatalf("a later job reads %v from the shuffle, want %v", again, want)
	}
}
