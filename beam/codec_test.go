//go:build beam

package beam

import (
	"bytes"
	"math"
	"reflect"
	"testing"
	"time"

	"github.com/gosparkling/gosparkling/fileio/warc"
	"github.com/gosparkling/gosparkling/rdd"
)

type link struct{ URL string }

type doc struct {
	URL   string `display:"url"`
	Words []string
	Meta  map[string]int
	Next  *link
}

func TestCodecRoundTrips(t *testing.T) {
	when := time.Date(2026, 12, 1, 10, 0, 0, 0, time.UTC)
	tests := []any{
		nil, true, false, 0, -7, int64(1 << 40), int8(-3), uint16(9), uint64(math.MaxUint64), float32(1.5), 2.25,
		math.Inf(-1), complex(1, -2), "", "héllo", []byte("raw\x00"), []byte(nil),
		rdd.KV("word", 3), rdd.KV(rdd.KV(1, 2), []any{"a", nil}),
		[]any{1, "two", 3.0}, []any(nil), []string{"a", "b"}, []int{}, [3]int{1, 2, 3},
		map[string]int{"b": 2, "a": 1}, map[any]any{1: "x", "y": []any{}}, map[string]bool(nil),
		doc{URL: "u", Words: []string{"w"}, Meta: map[string]int{"n": 1}, Next: &link{URL: "v"}},
		&doc{URL: "p"}, (*doc)(nil), when, []time.Time{when},
		&warc.Record{Version: "WARC/1.0", Headers: []warc.Field{{Name: "WARC-Type", Value: "response"}}, Body: []byte("b"), Offset: 5, Length: 9},
		[][]any{{1}, {}}, struct{ A, B int }{1, 2},
	}
	for _, x := range tests {
		b, err := encode(x)
		if err != nil {
			t.Errorf("encode(%#v): %v", x, err)
			continue
		}
		got, err := decode(b)
		if err != nil {
			t.Errorf("decode(encode(%#v)): %v", x, err)
			continue
		}
		// Unregistered struct types come back rebuilt, unnamed: the same
		// fields, and the same encoding.
		again, err := encode(got)
		sameType := reflect.TypeOf(got) == reflect.TypeOf(x)
		if err != nil || !bytes.Equal(again, b) || sameType && !reflect.DeepEqual(got, x) {
			t.Errorf("round trip of %#v gave %#v", x, got)
		}
	}
}

func TestEqualKeysEncodeEqually(t *testing.T) {
	pairs := [][2]any{
		{map[string]int{"a": 1, "b": 2, "c": 3}, map[string]int{"c": 3, "b": 2, "a": 1}},
		{math.Copysign(0, -1), 0.0},
		{rdd.KV("k", 1), rdd.KV("k", 1)},
	}
	for _, p := range pairs {
		a, _ := encode(p[0])
		b, _ := encode(p[1])
		if !bytes.Equal(a, b) {
			t.Errorf("%v and %v encode differently", p[0], p[1])
		}
	}
	a, _ := encode(1)
	b, _ := encode(int64(1))
	if bytes.Equal(a, b) {
		t.Error("int 1 and int64 1, different keys, encode equally")
	}
}

func TestValuesThatCannotTravelAreNamed(t *testing.T) {
	for _, x := range []any{make(chan int), func() {}, struct{ hidden int }{1}} {
		if _, err := encode(x); err == nil {
			t.Errorf("encode(%T) succeeded", x)
		}
	}
}
