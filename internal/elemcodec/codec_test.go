package elemcodec

import (
	"bufio"
	"bytes"
	"errors"
	"math"
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
	lists      struct {
		Empty, Nil []int
		EmptyM     map[string]int
		NilM       map[string]int
	}
	withErr struct{ E error }
	myErr   struct{ Msg string }
	// secretive keeps an unexported field, and carries it through MarshalBinary.
	secretive struct {
		n    int
		Name string
	}
	stamped struct {
		time.Time
		Name string
	}
	ring struct {
		Next *ring
		N    int
	}
)

func (e myErr) Error() string { return e.Msg }

func (s secretive) MarshalBinary() ([]byte, error)  { return []byte{byte(s.n)}, nil }
func (s *secretive) UnmarshalBinary(b []byte) error { s.n, s.Name = int(b[0]), "s"; return nil }

func cyclic() *ring {
	r := &ring{N: 1}
	r.Next = r
	return r
}

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
	type local struct{ S string }
	at := time.Date(2024, 5, 17, 10, 30, 0, 123456789, time.FixedZone("CEST", 2*3600))
	zone, err := time.LoadLocation("Europe/Paris")
	if err != nil {
		t.Skip("no time zone database:", err)
	}
	paris := time.Date(2024, 1, 2, 3, 4, 5, 0, zone)
	cetFixed := time.Date(2024, 1, 2, 3, 4, 5, 0, time.FixedZone("CET", 3600))
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
		{"a nil pointer of a type", (*point)(nil), "", nil},
		{"a pointer in an interface inside a struct", holder{&point{1, 1}}, "", nil},
		{"empty and nil slices and maps inside a struct", lists{[]int{}, nil, map[string]int{}, nil}, "", nil},
		{"a type declared in a function comes back as itself", local{"x"}, "", nil},
		{"an interface field of a named interface type", withErr{E: myErr{"boom"}}, "", nil},
		{"a named type's time with a loaded zone", withTime{"t", paris}, "", func(got any) bool {
			g, ok := got.(withTime)
			return ok && g.At.Equal(paris) && g.At.Location().String() == "Europe/Paris" && g.At.Format(time.RFC1123) == paris.Format(time.RFC1123)
		}},
		{"a time in a named fixed zone stays in a fixed zone of that name", at, "", nil},
		{"a fixed zone named as a zone of the database stays fixed", cetFixed, "", func(got any) bool {
			g, ok := got.(time.Time)
			later := g.AddDate(0, 6, 0) // across summer time, which a fixed zone does not observe
			return ok && reflect.DeepEqual(g, cetFixed) && later.Format(time.RFC1123Z) == cetFixed.AddDate(0, 6, 0).Format(time.RFC1123Z)
		}},
		{"a zone of the database keeps its summer time", paris, "", func(got any) bool {
			g, ok := got.(time.Time)
			return ok && g.AddDate(0, 6, 0).Format(time.RFC1123Z) == paris.AddDate(0, 6, 0).Format(time.RFC1123Z)
		}},
		{"a type with unexported fields that encodes itself", secretive{n: 5, Name: "s"}, "", nil},
		{"struct embedding a time, with fields of its own", stamped{at, "kept"}, "", func(got any) bool {
			g, ok := got.(stamped)
			return ok && g.Name == "kept" && g.Time.Equal(at)
		}},
		{"a cycle of pointers", cyclic(), "nested more than", nil},
		{"uintptr", uintptr(1), "uintptr", nil},
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

// Portable encodings are read by other processes: named types they do not register
// arrive as their underlying types, and equal values encode equally.
func TestPortableEncodings(t *testing.T) {
	for _, x := range []any{point{1, 2}, map[string]int{"b": 2, "a": 1}, []point{{1, 2}}, pair{"k", point{3, 4}}} {
		b, err := Marshal(x)
		if err != nil {
			t.Fatalf("Marshal(%#v): %v", x, err)
		}
		got, err := Unmarshal(b)
		if err != nil {
			t.Fatalf("Unmarshal(Marshal(%#v)): %v", x, err)
		}
		again, err := Marshal(got)
		if err != nil || !bytes.Equal(again, b) {
			t.Errorf("%#v came back as %#v, which encodes differently", x, got)
		}
	}
	if got, _ := Unmarshal(must(Marshal(point{1, 2}))); reflect.TypeOf(got) != reflect.TypeFor[struct{ X, Y int }]() {
		t.Errorf("an unregistered point came back as a %T, want its underlying type", got)
	}
	equal := [][2]any{
		{map[string]int{"a": 1, "b": 2, "c": 3}, map[string]int{"c": 3, "b": 2, "a": 1}},
		{math.Copysign(0, -1), 0.0},
	}
	for _, p := range equal {
		if !bytes.Equal(must(Marshal(p[0])), must(Marshal(p[1]))) {
			t.Errorf("%v and %v encode differently", p[0], p[1])
		}
	}
	for _, x := range []any{secretive{n: 1}, withErr{myErr{"x"}}, hidden{"a", 1}} {
		if _, err := Marshal(x); !errors.Is(err, ErrNotEncodable) {
			t.Errorf("Marshal(%#v) gives %v, want ErrNotEncodable", x, err)
		}
	}
	var buf bytes.Buffer
	enc := NewEncoder(bufio.NewWriter(&buf))
	enc.Value(point{1, 2})
	enc.W.Flush()
	if _, err := Unmarshal(buf.Bytes()); err == nil || !strings.Contains(err.Error(), "not a portable encoding") {
		t.Errorf("a process's own encoding read as portable gives %v", err)
	}
}

func TestCorruptDataIsAnError(t *testing.T) {
	b := must(Marshal([]any{"abc", map[string][]int{"k": {1, 2, 3}}, point{1, 2}}))
	for n := range len(b) {
		if _, err := Unmarshal(b[:n]); err == nil {
			t.Errorf("the first %d of %d bytes decode without an error", n, len(b))
		}
	}
}

func must[T any](x T, err error) T {
	if err != nil {
		panic(err)
	}
	return x
}
