package elemcodec

import (
	"bufio"
	"bytes"
	"errors"
	"reflect"
	"strings"
	"testing"
	"time"
)

// pair stands for the engine's Pair, which lives above this package.
type pair struct{ Key, Value any }

func init() {
	Pairs.Split = func(x any) (any, any, bool) { p, ok := x.(pair); return p.Key, p.Value, ok }
	Pairs.Make = func(k, v any) any { return pair{k, v} }
}

type (
	point    struct{ X, Y int }
	withTime struct {
		Name string
		At   time.Time
	}
	hidden struct {
		Name   string
		secret int
	}
	nested   struct{ Inner []hidden }
	holder   struct{ V any }
	withChan struct{ C chan int }
	withFunc struct{ F func() }
	tree     struct {
		Kids []*tree
		N    int
	}
	namedSlice []point
)

// roundTrip encodes x and decodes it back.
func roundTrip(x any) (any, error) {
	var buf bytes.Buffer
	enc := NewEncoder(bufio.NewWriter(&buf))
	if err := enc.Value(x); err != nil {
		return nil, err
	}
	enc.W.Flush()
	return NewDecoder(bufio.NewReader(&buf)).Value()
}

func TestEveryKindOfElementRoundTripsOrIsRefused(t *testing.T) {
	at := time.Date(2024, 5, 17, 10, 30, 0, 123456789, time.FixedZone("CEST", 2*3600))
	n := 7
	tests := []struct {
		name    string
		value   any
		refused string // a word of the error when the value is refused
		equal   func(got any) bool
	}{
		{"nil", nil, "", nil},
		{"bool", true, "", nil},
		{"string", "héllo", "", nil},
		{"int", -42, "", nil},
		{"int64", int64(1) << 40, "", nil},
		{"int32", int32(-7), "", nil},
		{"uint64", uint64(1) << 63, "", nil},
		{"float64", 3.25, "", nil},
		{"other numbers", []any{uint8(3), float32(1.5), int16(-2), complex(1, 2)}, "", nil},
		{"bytes", []byte("raw"), "", nil},
		{"empty bytes stay empty", []byte{}, "", nil},
		{"nil bytes stay nil", []byte(nil), "", nil},
		{"pair", pair{"k", 1}, "", nil},
		{"nested pairs", pair{pair{1, "a"}, pair{nil, []any{2.5}}}, "", nil},
		{"nested slices", []any{1, []any{"two", []any{3.0, nil}}, []any{}}, "", nil},
		{"typed slices", [][]string{{"a"}, {"b", "c"}}, "", nil},
		{"maps", map[string][]int{"a": {1, 2}, "b": {3}}, "", nil},
		{"map of any", map[string]any{"n": 1, "s": "x", "p": point{1, 2}}, "", nil},
		{"struct", point{3, 4}, "", nil},
		{"named slice type", namedSlice{{1, 2}}, "", nil},
		{"time", at, "", func(got any) bool {
			g, ok := got.(time.Time)
			return ok && g.Equal(at) && g.Format(time.RFC3339Nano) == at.Format(time.RFC3339Nano)
		}},
		{"struct with a time", withTime{"t", at}, "", func(got any) bool { g, ok := got.(withTime); return ok && g.Name == "t" && g.At.Equal(at) }},
		{"pointer", &n, "", func(got any) bool { g, ok := got.(*int); return ok && *g == 7 }},
		{"pointer to struct", &point{5, 6}, "", nil},
		{"recursive type", &tree{Kids: []*tree{{N: 2}}, N: 1}, "", nil},
		{"interface field holding an exported struct", holder{point{1, 1}}, "", nil},
		{"pointer to a pair", &pair{"k", []any{1}}, "", nil},
		{"a nil pointer of a type", (*point)(nil), "nil *elemcodec.point", nil},
		{"a pointer in an interface inside a struct", holder{&point{1, 1}}, "pointer", nil},
		{"struct with unexported fields", hidden{"a", 1}, "unexported field secret", nil},
		{"unexported fields deep inside", nested{[]hidden{{"a", 1}}}, "unexported field secret", nil},
		{"unexported fields inside an interface field", holder{hidden{"a", 1}}, "unexported field secret", nil},
		{"unexported fields inside a pair", pair{"k", hidden{"a", 1}}, "unexported field secret", nil},
		{"unexported fields inside a map", map[string]any{"x": []any{hidden{"a", 1}}}, "unexported field secret", nil},
		{"channel", make(chan int), "chan", nil},
		{"struct with a channel", withChan{make(chan int)}, "chan", nil},
		{"func", func() {}, "func", nil},
		{"struct with a func", withFunc{func() {}}, "func", nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			checkErr := Check(tt.value)
			got, err := roundTrip(tt.value)
			if tt.refused != "" {
				if !errors.Is(err, ErrNotEncodable) || !strings.Contains(err.Error(), tt.refused) {
					t.Fatalf("encoding gives %v, want an ErrNotEncodable mentioning %q", err, tt.refused)
				}
				if !errors.Is(checkErr, ErrNotEncodable) {
					t.Errorf("Check gives %v, want ErrNotEncodable", checkErr)
				}
				return
			}
			if err != nil || checkErr != nil {
				t.Fatalf("round trip: %v; Check: %v", err, checkErr)
			}
			equal := tt.equal
			if equal == nil {
				equal = func(got any) bool { return reflect.DeepEqual(got, tt.value) }
			}
			if !equal(got) {
				t.Errorf("got %#v, want %#v", got, tt.value)
			}
		})
	}
}
