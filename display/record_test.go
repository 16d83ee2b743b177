package display

import (
	"errors"
	"math"
	"math/big"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/array"
	"github.com/apache/arrow-go/v18/arrow/memory"

	"github.com/gosparkling/gosparkling/rdd"
)

type person struct {
	Name   string
	Age    int
	secret string
}

type base struct{ ID int }

type employee struct {
	base
	Base   base
	Person person
	Salary float64
	Tags   []string
}

type hidden struct{ a, b int }

type celsius float64

type label string

type yes bool

type blob []byte

type pointers struct {
	B  *yes
	T  *time.Time
	D  *time.Duration
	Bs blob
	U  *uint64
	F  *float32
	S  *label
}

type linked struct {
	Val  int
	Next *linked
}

// schemaOf writes a record's schema as "name:type" per column.
func schemaOf(rec arrow.RecordBatch) []string {
	var out []string
	for _, f := range rec.Schema().Fields() {
		out = append(out, f.Name+":"+f.Type.String())
	}
	return out
}

// cellsOf writes a record's values column by column, as the tables show
// them, with "null" for nulls.
func cellsOf(rec arrow.RecordBatch) [][]string {
	var out [][]string
	for _, col := range rec.Columns() {
		var cells []string
		for i := range col.Len() {
			if isNull(col, i) {
				cells = append(cells, "null")
			} else {
				cells = append(cells, cellText(col, i))
			}
		}
		out = append(out, cells)
	}
	return out
}

func TestToRecord(t *testing.T) {
	day := time.Date(2024, 3, 1, 12, 30, 0, 123456789, time.FixedZone("CET", 3600))
	n := 7
	self := &linked{Val: 1}
	self.Next = self
	tests := []struct {
		name   string
		in     any
		schema []string
		cells  [][]string
	}{
		// Scalars make one column "value".
		{"ints", []int{3, -1, 2}, []string{"value:int64"}, [][]string{{"3", "-1", "2"}}},
		{"ints of every width become int64",
			[]any{int8(-8), int16(16), int32(32), int64(64), 1, uint8(8), uint16(16), uint32(32), uint64(64), uint(1)},
			[]string{"value:int64"}, [][]string{{"-8", "16", "32", "64", "1", "8", "16", "32", "64", "1"}}},
		{"unsigned beyond int64 make uint64",
			[]any{uint64(math.MaxUint64), 1}, []string{"value:uint64"}, [][]string{{"18446744073709551615", "1"}}},
		{"unsigned beyond int64 with negatives make float64",
			[]any{uint64(math.MaxUint64), -1}, []string{"value:float64"}, [][]string{{"1.8446744073709552e+19", "-1"}}},
		{"ints and floats make float64", []any{1, 2.5, float32(0.5)}, []string{"value:float64"}, [][]string{{"1", "2.5", "0.5"}}},
		{"float32 only stays float32", []float32{0.1, 2}, []string{"value:float32"}, [][]string{{"0.1", "2"}}},
		{"named numbers by kind", []any{celsius(21.5), 3}, []string{"value:float64"}, [][]string{{"21.5", "3"}}},
		{"strings", []string{"a", "", "ü"}, []string{"value:utf8"}, [][]string{{"a", "", "ü"}}},
		{"named strings", []label{"x"}, []string{"value:utf8"}, [][]string{{"x"}}},
		{"bools", []any{true, false}, []string{"value:bool"}, [][]string{{"true", "false"}}},
		{"times in UTC microseconds", []any{day}, []string{"value:timestamp[us, tz=UTC]"}, [][]string{{"2024-03-01T11:30:00.123456Z"}}},
		{"durations", []any{1500 * time.Millisecond}, []string{"value:duration[ns]"}, [][]string{{"1.5s"}}},
		{"bytes", [][]byte{[]byte("hi\n"), {0xff}}, []string{"value:binary"}, [][]string{{`"hi\n"`, `"\xff"`}}},
		{"values with a String method use it", []any{time.March, big.NewInt(12)}, []string{"value:utf8"}, [][]string{{"March", "12"}}},
		{"errors show their message", []any{errors.New("boom")}, []string{"value:utf8"}, [][]string{{"boom"}}},
		{"pointers are followed, nil pointers are null", []any{&n, (*int)(nil), nil}, []string{"value:int64"}, [][]string{{"7", "null", "null"}}},
		{"nils are null", []any{nil, 1, nil}, []string{"value:int64"}, [][]string{{"null", "1", "null"}}},
		{"only nils make the null type", []any{nil, nil}, []string{"value:null"}, [][]string{{"null", "null"}}},
		{"mixed kinds make strings as fmt writes them, mostly",
			[]any{1, "a", true, 2.5, nil, []byte("b"), time.Unix(0, 0), &n, person{Name: "Ann"}, rdd.KV(1, 2)}, []string{"value:utf8"},
			[][]string{{"1", "a", "true", "2.5", "null", `"b"`, "1970-01-01T00:00:00Z", "7", "{Ann 0 }", "(1, 2)"}}},
		{"pointers inside values are followed, nil ones null",
			[]any{rdd.KV("a", &n), []any{&n, nil}, pointers{U: new(uint64)}, map[string]*int{"a": &n, "b": nil}},
			[]string{"value:utf8"}, [][]string{{"(a, 7)", "[7 null]", "{null null null \"\" 0 null null}", "map[a:7 b:null]"}}},
		{"maps inside values sorted by rdd.Compare", []any{map[any]int{"b": 1, 2: 2, "a": 3}, 0},
			[]string{"value:utf8"}, [][]string{{"map[2:2 a:3 b:1]", "0"}}},
		{"self-referencing values inside values end", []any{[]any{self}, 0}, []string{"value:utf8"},
			[][]string{{"[{1 {1 {1 {1 {1 …}}}}}]", "0"}}},
		{"pointers and named types of every kind", func() []pointers {
			b, tm, d, u, f, l := yes(true), time.Unix(1, 0), time.Minute, uint64(math.MaxUint64), float32(0.25), label("s")
			return []pointers{{&b, &tm, &d, blob("x"), &u, &f, &l}, {}}
		}(),
			[]string{"B:bool", "T:timestamp[us, tz=UTC]", "D:duration[ns]", "Bs:binary", "U:uint64", "F:float32", "S:utf8"},
			[][]string{{"true", "null"}, {"1970-01-01T00:00:01Z", "null"}, {"1m0s", "null"}, {`"x"`, "null"},
				{"18446744073709551615", "null"}, {"0.25", "null"}, {"s", "null"}}},
		{"arrays", [2]int{1, 2}, []string{"value:int64"}, [][]string{{"1", "2"}}},
		{"pointer to a slice", &[]string{"x"}, []string{"value:utf8"}, [][]string{{"x"}}},

		// Pairs make key and value columns, nested pairs dotted names.
		{"pairs from Collect",
			[]any{rdd.KV("apple", 3), rdd.KV("pear", 10)},
			[]string{"key:utf8", "value:int64"}, [][]string{{"apple", "pear"}, {"3", "10"}}},
		{"typed pairs", []rdd.Pair{{Key: 1, Value: true}}, []string{"key:int64", "value:bool"}, [][]string{{"1"}, {"true"}}},
		{"pointers to pairs", []any{&rdd.Pair{Key: "k", Value: 1}}, []string{"key:utf8", "value:int64"}, [][]string{{"k"}, {"1"}}},
		{"join results",
			[]any{rdd.KV("a", rdd.KV(1, "x")), rdd.KV("b", rdd.KV(2, nil))},
			[]string{"key:utf8", "value.key:int64", "value.value:utf8"},
			[][]string{{"a", "b"}, {"1", "2"}, {"x", "null"}}},
		{"a nil row is null in every column",
			[]any{rdd.KV("a", rdd.KV(1, 2)), nil},
			[]string{"key:utf8", "value.key:int64", "value.value:int64"},
			[][]string{{"a", "null"}, {"1", "null"}, {"2", "null"}}},
		{"group results show groups with fmt",
			[]any{rdd.KV("a", []any{1, 2}), rdd.KV("b", []any{})},
			[]string{"key:utf8", "value:utf8"}, [][]string{{"a", "b"}, {"[1 2]", "[]"}}},
		{"pairs mixed with scalars make one column with fmt",
			[]any{rdd.KV("a", 1), 3, rdd.KV("b", 2)}, []string{"value:utf8"}, [][]string{{"(a, 1)", "3", "(b, 2)"}}},
		{"a nested pair mixed with scalars",
			[]any{rdd.KV("a", rdd.KV(1, 2)), rdd.KV("b", 3)},
			[]string{"key:utf8", "value:utf8"}, [][]string{{"a", "b"}, {"(1, 2)", "3"}}},

		// Structs make one column per exported field.
		{"structs", []person{{"Ann", 31, "x"}, {"Bob", 42, "y"}},
			[]string{"Name:utf8", "Age:int64"}, [][]string{{"Ann", "Bob"}, {"31", "42"}}},
		{"pointers to structs, nil ones null", []*person{{Name: "Ann", Age: 31}, nil},
			[]string{"Name:utf8", "Age:int64"}, [][]string{{"Ann", "null"}, {"31", "null"}}},
		{"nested and embedded structs make dotted names",
			[]employee{{base: base{1}, Base: base{2}, Person: person{Name: "Ann", Age: 31}, Salary: 1e3, Tags: []string{"a", "b"}}},
			[]string{"Base.ID:int64", "Person.Name:utf8", "Person.Age:int64", "Salary:float64", "Tags:utf8"},
			[][]string{{"2"}, {"Ann"}, {"31"}, {"1000"}, {"[a b]"}}},
		{"structs in pairs", []any{rdd.KV(1, person{Name: "Ann", Age: 31})},
			[]string{"key:int64", "value.Name:utf8", "value.Age:int64"}, [][]string{{"1"}, {"Ann"}, {"31"}}},
		{"structs without exported fields use fmt", []hidden{{1, 2}}, []string{"value:utf8"}, [][]string{{"{1 2}"}}},
		{"structs of different types use fmt", []any{person{Name: "A"}, base{1}},
			[]string{"value:utf8"}, [][]string{{"{A 0 }", "{1}"}}},
		{"self-referencing values end at a depth limit", []any{self},
			[]string{"Val:int64", "Next.Val:int64", "Next.Next.Val:int64", "Next.Next.Next.Val:int64",
				"Next.Next.Next.Next.Val:int64", "Next.Next.Next.Next.Next.Val:int64", "Next.Next.Next.Next.Next.Next:utf8"}, nil},

		// Maps make key and value columns sorted by key, counters
		// (integer values) by count, largest first, then key.
		{"maps sorted by key", map[string]float64{"b": 2, "c": 3, "a": 1},
			[]string{"key:utf8", "value:float64"}, [][]string{{"a", "b", "c"}, {"1", "2", "3"}}},
		{"maps with mixed keys sorted by rdd.Compare", map[any]string{"x": "a", 2: "b", 1.5: "c"},
			[]string{"key:utf8", "value:utf8"}, [][]string{{"1.5", "2", "x"}, {"c", "b", "a"}}},
		{"counters sorted by count then key", map[string]int{"b": 2, "c": 3, "a": 2, "d": 10},
			[]string{"key:utf8", "value:int64"}, [][]string{{"d", "c", "a", "b"}, {"10", "3", "2", "2"}}},
		{"CountByValue's map[any]int64", map[any]int64{"x": 1, 2: 2, 1.5: 3, "y": 2},
			[]string{"key:utf8", "value:int64"}, [][]string{{"1.5", "2", "y", "x"}, {"3", "2", "2", "1"}}},
		{"interface values all integers make a counter", map[any]any{"a": 1, "b": uint8(7)},
			[]string{"key:utf8", "value:int64"}, [][]string{{"b", "a"}, {"7", "1"}}},
		{"interface values not all integers sort by key", map[any]any{"a": 1, "b": 7.5},
			[]string{"key:utf8", "value:float64"}, [][]string{{"a", "b"}, {"1", "7.5"}}},
		{"durations are not counts", map[string]time.Duration{"a": time.Second, "b": time.Minute},
			[]string{"key:utf8", "value:duration[ns]"}, [][]string{{"a", "b"}, {"1s", "1m0s"}}},
		{"maps of structs", map[int]person{1: {Name: "Ann", Age: 31}},
			[]string{"key:int64", "value.Name:utf8", "value.Age:int64"}, [][]string{{"1"}, {"Ann"}, {"31"}}},

		// Empty values keep the columns their static type gives.
		{"empty []any", []any{}, []string{"value:null"}, [][]string{{}}},
		{"nil []any", []any(nil), []string{"value:null"}, [][]string{{}}},
		{"empty typed slice", []float64{}, []string{"value:float64"}, [][]string{{}}},
		{"empty struct slice", []person{}, []string{"Name:utf8", "Age:int64"}, [][]string{{}, {}}},
		{"empty map", map[string]time.Time{}, []string{"key:utf8", "value:timestamp[us, tz=UTC]"}, [][]string{{}, {}}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			mem := memory.NewCheckedAllocator(memory.NewGoAllocator())
			defer mem.AssertSize(t, 0)
			rec, err := ToRecord(tt.in, mem)
			if err != nil {
				t.Fatal(err)
			}
			defer rec.Release()
			if got := schemaOf(rec); !reflect.DeepEqual(got, tt.schema) {
				t.Errorf("schema = %q, want %q", got, tt.schema)
			}
			if tt.cells == nil {
				return
			}
			got := cellsOf(rec)
			for j := range got {
				if got[j] == nil {
					got[j] = []string{}
				}
			}
			if !reflect.DeepEqual(got, tt.cells) {
				t.Errorf("cells = %q, want %q", got, tt.cells)
			}
			if want := int64(len(tt.cells[0])); rec.NumRows() != want {
				t.Errorf("rows = %d, want %d", rec.NumRows(), want)
			}
		})
	}
}

func TestToRecordRejectsScalars(t *testing.T) {
	for _, v := range []any{42, "text", []byte("bytes"), rdd.KV(1, 2), person{}, nil, (*[]int)(nil)} {
		rec, err := ToRecord(v, nil)
		if err == nil {
			rec.Release()
			t.Errorf("ToRecord(%#v) succeeded, want an error", v)
			continue
		}
		if v != nil && !strings.Contains(err.Error(), reflect.TypeOf(v).String()) {
			t.Errorf("ToRecord(%#v) error %q does not name the type", v, err)
		}
	}
}

func TestToRecordReturnsRecordsRetained(t *testing.T) {
	mem := memory.NewCheckedAllocator(memory.NewGoAllocator())
	defer mem.AssertSize(t, 0)
	in := int64Record(mem, "n", 1, 2)
	out, err := ToRecord(in, mem)
	if err != nil {
		t.Fatal(err)
	}
	if out != in {
		t.Errorf("ToRecord returned a different record")
	}
	in.Release()
	out.Release() // would panic or leak if ToRecord had not retained it
}

// int64Record makes a one-column record of int64 values.
func int64Record(mem memory.Allocator, name string, vals ...int64) arrow.RecordBatch {
	b := array.NewInt64Builder(mem)
	defer b.Release()
	b.AppendValues(vals, nil)
	col := b.NewArray()
	defer col.Release()
	schema := arrow.NewSchema([]arrow.Field{{Name: name, Type: arrow.PrimitiveTypes.Int64}}, nil)
	return array.NewRecordBatch(schema, []arrow.Array{col}, int64(len(vals)))
}

// arrowRecord makes a record batch of several Arrow types, as a user would
// build one, to show directly.
func arrowRecord(t *testing.T) arrow.RecordBatch {
	t.Helper()
	schema := arrow.NewSchema([]arrow.Field{
		{Name: "word", Type: arrow.BinaryTypes.String},
		{Name: "count", Type: arrow.PrimitiveTypes.Int64},
		{Name: "share", Type: arrow.PrimitiveTypes.Float64, Nullable: true},
		{Name: "seen", Type: &arrow.TimestampType{Unit: arrow.Millisecond, TimeZone: "UTC"}},
		{Name: "stop", Type: arrow.FixedWidthTypes.Boolean},
	}, nil)
	b := array.NewRecordBuilder(memory.DefaultAllocator, schema)
	defer b.Release()
	b.Field(0).(*array.StringBuilder).AppendValues([]string{"the", "gosparkling", "<b>"}, nil)
	b.Field(1).(*array.Int64Builder).AppendValues([]int64{1021, 3, 1}, nil)
	b.Field(2).(*array.Float64Builder).AppendValues([]float64{0.5, 0.0015, 0}, []bool{true, true, false})
	b.Field(3).(*array.TimestampBuilder).AppendValues([]arrow.Timestamp{1716000000000, 1716000000500, 0}, nil)
	b.Field(4).(*array.BooleanBuilder).AppendValues([]bool{true, false, false}, nil)
	return b.NewRecordBatch()
}
