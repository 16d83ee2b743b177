package display

import (
	"encoding/json"
	"fmt"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/apache/arrow-go/v18/arrow/memory"

	"github.com/gosparkling/gosparkling/rdd"
)

// header is a map with a String method, which keeps it one value.
type header map[string]string

func (h header) String() string { return fmt.Sprintf("%d fields", len(h)) }

func TestToRecordOfMapRows(t *testing.T) {
	day := time.Date(2024, 5, 18, 1, 58, 10, 0, time.UTC)
	m := map[string]int{"a": 1}
	tests := []struct {
		name   string
		in     any
		schema []string
		cells  [][]string
	}{
		{"a column per key, keys new in a row sorted, missing ones null",
			[]map[string]any{{"url": "a", "status": 200}, {"url": "b", "lang": "en"}},
			[]string{"status:int64", "url:utf8", "lang:utf8"},
			[][]string{{"200", "null"}, {"a", "b"}, {"null", "en"}}},
		{"each column's type from its values",
			[]map[string]any{{"n": 1, "x": 1, "t": day, "ok": true, "d": time.Second, "b": []byte("hi")}, {"n": 2, "x": 2.5, "t": nil, "ok": false, "mix": "a"}, {"mix": 3}},
			[]string{"b:binary", "d:duration[ns]", "n:int64", "ok:bool", "t:timestamp[us, tz=UTC]", "x:float64", "mix:utf8"},
			[][]string{{`"hi"`, "null", "null"}, {"1s", "null", "null"}, {"1", "2", "null"}, {"true", "false", "null"},
				{"2024-05-18T01:58:10Z", "null", "null"}, {"1", "2.5", "null"}, {"null", "a", "3"}}},
		{"nested maps and slices are text",
			[]map[string]any{{"meta": map[string]any{"y": 2, "x": 1}, "tags": []any{"a", 1}}, {"meta": nil}},
			[]string{"meta:utf8", "tags:utf8"}, [][]string{{"map[x:1 y:2]", "null"}, {"[a 1]", "null"}}},
		{"an []any of maps, nil rows null, map types mixed",
			[]any{map[string]any{"b": 1, "a": "x"}, nil, map[string]string{"c": "z", "a": "y"}},
			[]string{"a:utf8", "b:int64", "c:utf8"}, [][]string{{"x", "null", "y"}, {"1", "null", "null"}, {"null", "null", "z"}}},
		{"maps of strings", []map[string]string{{"lang": "spa"}, {"lang": "eng", "charset": "UTF-8"}},
			[]string{"lang:utf8", "charset:utf8"}, [][]string{{"spa", "eng"}, {"null", "UTF-8"}}},
		{"keys of a named string type, values of a static type",
			[]map[label]float32{{"b": 1}, {"a": 2}},
			[]string{"b:float32", "a:float32"}, [][]string{{"1", "null"}, {"null", "2"}}},
		{"pointers to maps, nil ones null", []*map[string]int{&m, nil},
			[]string{"a:int64"}, [][]string{{"1", "null"}}},
		{"maps mixed with other values are text", []any{map[string]any{"x": 1}, 2},
			[]string{"value:utf8"}, [][]string{{"map[x:1]", "2"}}},
		{"only empty maps are text", []map[string]int{{}, nil},
			[]string{"value:utf8"}, [][]string{{"map[]", "map[]"}}},
		{"no maps", []map[string]bool{}, []string{"value:utf8"}, [][]string{{}}},
		{"maps with a String method use it", []header{{"a": "b"}},
			[]string{"value:utf8"}, [][]string{{"1 fields"}}},
		{"maps in struct fields are text", []struct{ M map[string]int }{{map[string]int{"a": 1}}},
			[]string{"M:utf8"}, [][]string{{"map[a:1]"}}},
		{"maps in pairs make dotted columns",
			[]rdd.Pair{rdd.KV("a", map[string]any{"url": "u", "n": 1}), rdd.KV("b", map[string]any{"url": "v"})},
			[]string{"key:utf8", "value.n:int64", "value.url:utf8"}, [][]string{{"a", "b"}, {"1", "null"}, {"u", "v"}}},
		{"a join of maps",
			[]any{rdd.KV(1, rdd.KV(map[string]any{"url": "u"}, map[string]string{"lang": "en"}))},
			[]string{"key:int64", "value.key.url:utf8", "value.value.lang:utf8"}, [][]string{{"1"}, {"u"}, {"en"}}},
		{"a map of maps, sorted by key",
			map[string]map[string]any{"bob": {"age": 2, "city": "Rome"}, "ann": {"age": 31}},
			[]string{"key:utf8", "value.age:int64", "value.city:utf8"}, [][]string{{"ann", "bob"}, {"31", "2"}, {"null", "Rome"}}},
		{"a lone map with maps among other values is key and value",
			map[string]any{"a": 1, "b": map[string]any{"x": 1}},
			[]string{"key:utf8", "value:utf8"}, [][]string{{"a", "b"}, {"1", "map[x:1]"}}},
		{"a lone map of strings is key and value", map[string]string{"b": "2", "a": "1"},
			[]string{"key:utf8", "value:utf8"}, [][]string{{"a", "b"}, {"1", "2"}}},
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
			got := cellsOf(rec)
			for j := range got {
				if got[j] == nil {
					got[j] = []string{}
				}
			}
			if !reflect.DeepEqual(got, tt.cells) {
				t.Errorf("cells = %q, want %q", got, tt.cells)
			}
		})
	}
}

func TestBundleOfMapRows(t *testing.T) {
	rows := []any{
		map[string]any{"url": "https://example.com/", "status": 200, "length": 1234.5},
		map[string]any{"url": "https://example.org/a", "status": 404},
	}
	tests := []struct {
		name string
		in   any
		opts Options
		want string
	}{
		{"numbers right-aligned", rows, Options{},
			"   length  status  url\n" +
				"0  1234.5     200  https://example.com/\n" +
				"1    null     404  https://example.org/a\n" +
				"2 rows × 3 columns"},
		{"columns chosen by key", rows, Options{Columns: []string{"url", "status"}},
			"   url                    status\n" +
				"0  https://example.com/      200\n" +
				"1  https://example.org/a     404\n" +
				"2 rows × 2 columns"},
		{"a pair's map by dotted names", []any{rdd.KV("k", rows[0])}, Options{Columns: []string{"key", "value.url"}},
			"   key  value.url\n" +
				"0  k    https://example.com/\n" +
				"1 row × 2 columns"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := tt.opts.Bundle(tt.in)["text/plain"]; got != tt.want {
				t.Errorf("text/plain =\n%s\nwant\n%s", got, tt.want)
			}
		})
	}
}

// parsedJSON returns text decoded by encoding/json into an any.
func parsedJSON(t *testing.T, text string) any {
	t.Helper()
	var v any
	if err := json.Unmarshal([]byte(text), &v); err != nil {
		t.Fatal(err)
	}
	return v
}

// uniqueKeyRows returns n maps, each with the key "id" and a key of its own.
func uniqueKeyRows(n int) []map[string]any {
	rows := make([]map[string]any, n)
	for i := range rows {
		rows[i] = map[string]any{"id": i, fmt.Sprint("k", i): true}
	}
	return rows
}

func TestMapRowColumnsAreInferredFromABoundedSample(t *testing.T) {
	rows := uniqueKeyRows(100_000)
	src, _ := sourceOf(rows, DefaultMaxRows)
	// id and the keys of the rows shown, then one key per sampled row.
	if got, want := len(inferTable(src, DefaultMaxRows).leaves), 1+DefaultMaxRows+mapSampleRows; got != want {
		t.Errorf("%d columns inferred for %d rows shown, want %d", got, DefaultMaxRows, want)
	}
	few := uniqueKeyRows(3000)
	src, _ = sourceOf(few, len(few))
	if got, want := len(inferTable(src, len(few)).leaves), 1+len(few); got != want {
		t.Errorf("%d columns inferred when building all %d rows, want %d", got, len(few), want)
	}
	h := Options{Columns: []string{"id", "k0"}}.Bundle(rows)["text/plain"].(string)
	if !strings.HasSuffix(h, "… 99,980 more rows\n100,000 rows × 2 columns") {
		t.Errorf("text/plain =\n%s", h)
	}

	// Maps after the rows shown are text in a column that is not of maps.
	mixed := make([]any, 30)
	for i := range mixed {
		mixed[i] = i
	}
	mixed[25] = map[string]any{"x": 1}
	src, _ = sourceOf(mixed, 20)
	if got := inferTable(src, 20).leaves; len(got) != 1 || got[0].resolve() != kString {
		t.Errorf("ints then a map make %d columns, the first of kind %d; want one of text", len(got), got[0].resolve())
	}
}

// millionMaps is what ParquetFile(...).Collect returns for a million rows.
func millionMaps() []any {
	start := time.Date(2024, 5, 18, 0, 0, 0, 0, time.UTC)
	rows := make([]any, 1_000_000)
	for i := range rows {
		rows[i] = map[string]any{"url": fmt.Sprintf("https://host%d.example/", i%50_000), "status": 200,
			"length": int64(i), "fetch_time": start.Add(time.Duration(i) * time.Second)}
	}
	return rows
}

func BenchmarkBundleMillionMaps(b *testing.B) {
	rows := millionMaps()
	b.ResetTimer()
	for b.Loop() {
		if _, ok := Bundle(rows)["text/html"]; !ok {
			b.Fatal("no HTML")
		}
	}
}
