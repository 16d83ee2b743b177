package display

import (
	"errors"
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"reflect"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/array"
	"github.com/apache/arrow-go/v18/arrow/memory"

	"github.com/gosparkling/gosparkling/rdd"
)

var update = flag.Bool("update", false, "rewrite the golden files in testdata/")

func TestBundleOfScalarsIsTextOnly(t *testing.T) {
	n := 7
	tests := []struct {
		in   any
		want string
	}{
		{42, "42"},
		{2.5, "2.5"},
		{"hello <b>", "hello <b>"}, // strings as they are, unquoted
		{"", ""},
		{nil, "<nil>"},
		{true, "true"},
		{rdd.KV("a", 1), "(a, 1)"},       // a single pair is a value, not a table
		{rdd.KV("a", &n), "(a, 7)"},      // pointers in it are followed
		{&n, "7"},                        // a pointer to a scalar shows what it points to
		{(*int)(nil), "<nil>"},           // nil pointers as nil
		{(*person)(nil), "<nil>"},        // even to structs
		{[]byte("hi"), `"hi" (2 bytes)`}, // bytes are a scalar, not a table of numbers
		{blob("\x00\x01"), `"\x00\x01" (2 bytes)`},
		{time.Second, "1s"},
		{time.Date(2024, 5, 18, 1, 58, 10, 0, time.UTC), "2024-05-18 01:58:10 +0000 UTC"}, // times as Go prints them
		{errors.New("boom"), "boom"},
		{hidden{1, 2}, "{1 2}"},           // a struct without exported fields has no columns
		{celsiusReading{21.5}, "21.5 °C"}, // nor one with a String method
	}
	for _, tt := range tests {
		got := Bundle(tt.in)
		if want := map[string]any{"text/plain": tt.want}; !reflect.DeepEqual(got, want) {
			t.Errorf("Bundle(%#v) = %q, want %q", tt.in, got, want)
		}
	}
}

func TestBundleText(t *testing.T) {
	tests := []struct {
		name string
		in   any
		opts Options
		want string
	}{
		{"numbers right-aligned, text left-aligned",
			[]any{rdd.KV("apple", 3), rdd.KV("banana", 10)}, Options{},
			"   key     value\n" +
				"0  apple       3\n" +
				"1  banana     10\n" +
				"2 rows × 2 columns"},
		{"nulls",
			[]any{rdd.KV("a", nil), nil}, Options{},
			"   key   value\n" +
				"0  a     null\n" +
				"1  null  null\n" +
				"2 rows × 2 columns"},
		{"rows beyond MaxRows are counted",
			[]int{10, 11, 12, 13, 14}, Options{MaxRows: 2},
			"   value\n" +
				"0     10\n" +
				"1     11\n" +
				"… 3 more rows\n" +
				"5 rows × 1 column"},
		{"one more row",
			[]int{10, 11}, Options{MaxRows: 1},
			"   value\n" +
				"0     10\n" +
				"… 1 more row\n" +
				"2 rows × 1 column"},
		{"long cells shortened, line breaks escaped",
			[]string{"line1\nline2 and more", "short"}, Options{MaxCellWidth: 10},
			"   value\n" +
				"0  line1\\nli…\n" +
				"1  short\n" +
				"2 rows × 1 column"},
		{"empty", []any{}, Options{}, "  value\n0 rows × 1 column"},
		{"row numbers widen", make([]int, 12), Options{},
			"    value\n" +
				" 0      0\n 1      0\n 2      0\n 3      0\n 4      0\n 5      0\n" +
				" 6      0\n 7      0\n 8      0\n 9      0\n10      0\n11      0\n" +
				"12 rows × 1 column"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := tt.opts.Bundle(tt.in)["text/plain"]
			if got != tt.want {
				t.Errorf("text/plain =\n%s\nwant\n%s", got, tt.want)
			}
		})
	}
}

func TestBundleHTML(t *testing.T) {
	long := strings.Repeat("x", 120) + "<&>"
	tests := []struct {
		name     string
		in       any
		opts     Options
		contains []string
		excludes []string
		rows     int // <tr> elements in the body
	}{
		{"text is escaped",
			[]string{`<script>alert("x")</script> & co`}, Options{},
			[]string{`<td>&lt;script&gt;alert(&#34;x&#34;)&lt;/script&gt; &amp; co</td>`},
			[]string{`<script>`}, 1},
		{"column names are escaped",
			int64Record(memory.DefaultAllocator, "<n>", 1), Options{},
			[]string{`<th class="num">&lt;n&gt;<span class="dtype">int64</span></th>`}, []string{"<n>"}, 1},
		{"long cells are shortened with the full value in the title",
			[]string{long}, Options{},
			[]string{`<td title="` + strings.Repeat("x", 120) + `&lt;&amp;&gt;">` + strings.Repeat("x", 99) + "…</td>"},
			nil, 1},
		{"the cell width is an option",
			[]string{"abcdef"}, Options{MaxCellWidth: 4},
			[]string{`<td title="abcdef">abc…</td>`}, nil, 1},
		{"numbers are right-aligned, their header too",
			[]any{rdd.KV("x", 7)}, Options{},
			[]string{`<th class="num">value<span class="dtype">int64</span></th>`, `<td class="num">7</td>`, `<td>x</td>`,
				`<th>key<span class="dtype">utf8</span></th>`},
			nil, 1},
		{"floats and durations are numbers",
			[]any{rdd.KV(1.5, time.Second)}, Options{},
			[]string{`<td class="num">1.5</td>`, `<td class="num">1s</td>`}, nil, 1},
		{"nulls are marked",
			[]any{rdd.KV("a", 1), rdd.KV(nil, nil)}, Options{},
			[]string{`<td class="null">null</td>`, `<td class="num null">null</td>`}, nil, 2},
		{"types under the names",
			[]any{time.Date(2024, 1, 2, 3, 4, 5, 0, time.UTC)}, Options{},
			[]string{`<span class="dtype">timestamp[us, tz=UTC]</span>`, `<td>2024-01-02T03:04:05Z</td>`}, nil, 1},
		{"rows beyond MaxRows are counted",
			make([]int, 25), Options{},
			[]string{`<div class="more">… 5 more rows</div>`, `<div class="shape">25 rows × 1 column</div>`,
				`<tr><th>19</th>`},
			[]string{`<tr><th>20</th>`}, 20},
		{"MaxRows is an option",
			make([]int, 25), Options{MaxRows: 3},
			[]string{`<div class="more">… 22 more rows</div>`}, nil, 3},
		{"no notice when all rows are shown",
			make([]int, 20), Options{},
			[]string{`<div class="shape">20 rows × 1 column</div>`}, []string{`class="more"`}, 20},
		{"thousands separators",
			make([]int8, 1234567), Options{},
			[]string{`<div class="more">… 1,234,547 more rows</div>`, `<div class="shape">1,234,567 rows × 1 column</div>`},
			nil, 20},
		{"empty",
			[]any{}, Options{},
			[]string{`<th>value<span class="dtype">null</span></th>`, `<div class="shape">0 rows × 1 column</div>`}, nil, 0},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			mem := memory.NewCheckedAllocator(memory.NewGoAllocator())
			defer mem.AssertSize(t, 0)
			b := tt.opts.bundle(tt.in, mem)
			got, ok := b["text/html"].(string)
			if !ok {
				t.Fatalf("no text/html in %q", b)
			}
			for _, want := range tt.contains {
				if !strings.Contains(got, want) {
					t.Errorf("HTML lacks %q:\n%s", want, got)
				}
			}
			for _, bad := range tt.excludes {
				if strings.Contains(got, bad) {
					t.Errorf("HTML has %q:\n%s", bad, got)
				}
			}
			static, _, _ := strings.Cut(got, "<script")
			if n := strings.Count(static, "<tr>") - 1; n != tt.rows {
				t.Errorf("HTML has %d body rows, want %d", n, tt.rows)
			}
			checkSelfContained(t, got)
		})
	}
}

// checkSelfContained checks that a table's HTML is scoped by one class
// named in its inline style, and loads nothing.
func checkSelfContained(t *testing.T, h string) {
	t.Helper()
	m := regexp.MustCompile(`^<div class="gsp-table (gsp-table-[0-9a-f]{8})">\n<style>\n`).FindStringSubmatch(h)
	if m == nil {
		t.Fatalf("HTML does not start with a scoped div and style:\n%s", h)
	}
	style := h[:strings.Index(h, "</style>")]
	for _, rule := range strings.Split(strings.TrimSpace(style[strings.Index(style, "<style>\n")+8:]), "\n") {
		if !strings.HasPrefix(rule, "."+m[1]) {
			t.Errorf("style rule %q is not scoped by .%s", rule, m[1])
		}
	}
	// The only scripts are the table's own: its rows as JSON and the
	// script that pages, sorts and searches them.
	rest := regexp.MustCompile(`<script type="application/json" class="gsp-data">[^<]*</script>\n`).ReplaceAllString(h, "")
	rest = strings.Replace(rest, "<script>"+tableScript+"</script>\n", "", 1)
	for _, bad := range []string{"<script", "<link", "@import", "url(", "http"} {
		if strings.Contains(rest, bad) {
			t.Errorf("HTML contains %q", bad)
		}
	}
	table, profile := splitProfile(h)
	if !strings.HasSuffix(table, "</div>\n") {
		t.Errorf("HTML does not end with its div")
	}
	if profile != "" && !strings.HasSuffix(profile, "</details>\n") && !strings.HasSuffix(profile, "</div>\n") {
		t.Errorf("the profile after the table does not end with its element:\n%s", profile)
	}
}

// splitProfile splits a table's HTML into the table's element and the
// profile (or the hint of Profile) that follows it, if any.
func splitProfile(h string) (table, profile string) {
	for _, start := range []string{`<details class="gsp-profile-link"`, `<div class="gsp-profile-link"`} {
		if i := strings.Index(h, "</div>\n"+start); i >= 0 {
			i += len("</div>\n")
			return h[:i], h[i:]
		}
	}
	return h, ""
}

func TestBundleClassDependsOnContent(t *testing.T) {
	class := func(v any) string {
		h := Bundle(v)["text/html"].(string)
		return h[:strings.Index(h, ">")]
	}
	if a, b := class([]int{1}), class([]int{2}); a == b {
		t.Errorf("two different tables share the class %s", a)
	}
	if a, b := class([]int{1}), class([]int{1}); a != b {
		t.Errorf("one table renders with classes %s and %s", a, b)
	}
}

func TestBundleShowsArrowRecords(t *testing.T) {
	mem := memory.NewCheckedAllocator(memory.NewGoAllocator())
	defer mem.AssertSize(t, 0)
	rec := int64Record(mem, "n", 5, 6, 7)
	defer rec.Release()
	got := Options{MaxRows: 2}.Bundle(rec)
	want := "   n\n0  5\n1  6\n… 1 more row\n3 rows × 1 column"
	if got["text/plain"] != want {
		t.Errorf("text/plain =\n%s\nwant\n%s", got["text/plain"], want)
	}
	if h := got["text/html"].(string); !strings.Contains(h, `<th class="num">n<span class="dtype">int64</span></th>`) {
		t.Errorf("HTML lacks the record's column:\n%s", h)
	}
}

func TestBundleShowsArrowTypesNotProducedByToRecord(t *testing.T) {
	mem := memory.NewCheckedAllocator(memory.NewGoAllocator())
	defer mem.AssertSize(t, 0)
	schema := arrow.NewSchema([]arrow.Field{
		{Name: "i32", Type: arrow.PrimitiveTypes.Int32},
		{Name: "u8", Type: arrow.PrimitiveTypes.Uint8},
		{Name: "text", Type: arrow.BinaryTypes.LargeString},
		{Name: "seconds", Type: &arrow.TimestampType{Unit: arrow.Second}},
		{Name: "day", Type: arrow.FixedWidthTypes.Date32},
	}, nil)
	b := array.NewRecordBuilder(mem, schema)
	defer b.Release()
	b.Field(0).(*array.Int32Builder).AppendValues([]int32{-5, 6}, nil)
	b.Field(1).(*array.Uint8Builder).AppendValues([]uint8{255, 0}, nil)
	b.Field(2).(*array.LargeStringBuilder).AppendValues([]string{"a", "b"}, []bool{true, false})
	b.Field(3).(*array.TimestampBuilder).AppendValues([]arrow.Timestamp{86400, 0}, nil)
	b.Field(4).(*array.Date32Builder).AppendValues([]arrow.Date32{19000, 0}, nil)
	rec := b.NewRecordBatch()
	defer rec.Release()
	want := "   i32   u8  text  seconds               day\n" +
		"0   -5  255  a     1970-01-02T00:00:00Z  2022-01-08\n" +
		"1    6    0  null  1970-01-01T00:00:00Z  1970-01-01\n" +
		"2 rows × 5 columns"
	if got := Bundle(rec)["text/plain"]; got != want {
		t.Errorf("text/plain =\n%s\nwant\n%s", got, want)
	}
}

func TestBundleSizeDoesNotGrowWithRows(t *testing.T) {
	rows := func(n int) []any {
		out := make([]any, n)
		for i := range out {
			out[i] = rdd.KV(strings.Repeat("k", 1000), i%10)
		}
		return out
	}
	static := Options{BrowserRows: -1}
	few, many := static.Bundle(rows(1_000)), static.Bundle(rows(100_000))
	for _, mime := range []string{"text/html", "text/plain"} {
		a, b := few[mime].(string), many[mime].(string)
		var profiles [2]string
		a, profiles[0] = splitProfile(a)
		b, profiles[1] = splitProfile(b)
		// Only the counts differ: "980 more rows" and "99,980 more rows" etc.
		if len(b)-len(a) > 10 {
			t.Errorf("%s of 1,000 rows is %d bytes, of 100,000 rows %d bytes", mime, len(a), len(b))
		}
		// The profile of all rows has a row per column, whatever their number.
		if len(profiles[1])-len(profiles[0]) > 200 {
			t.Errorf("%s: the profile of 1,000 rows is %d bytes, of 100,000 rows %d bytes", mime, len(profiles[0]), len(profiles[1]))
		}
	}
	// The rows that travel for the browser stop at maxTableData bytes.
	if n := len(Bundle(rows(100_000))["text/html"].(string)); n > maxTableData+60_000 {
		t.Errorf("live text/html of 100,000 rows of 1 kB is %d bytes, want at most about %d", n, maxTableData)
	}
}

func TestHugeCellTitleIsBounded(t *testing.T) {
	h := Bundle([]string{strings.Repeat("y", 1_000_000)})["text/html"].(string)
	if len(h) > maxTitle+5_000 {
		t.Errorf("HTML of a 1 MB cell is %d bytes", len(h))
	}
}

func TestGolden(t *testing.T) {
	recs := crawl(t)
	n := 7
	utc := time.Date(2024, 5, 18, 1, 58, 10, 0, time.UTC)
	rec := arrowRecord(t)
	defer rec.Release()
	tests := []struct {
		name string
		in   any
	}{
		{"warc_records", recs},
		{"warc_record", recs[2]}, // records.First(): a one-row table
		{"lone_struct", &employee{Base: base{7}, Person: person{Name: "Ann <ann@example.com>", Age: 31}, Salary: 1e3, Tags: []string{"a", "b"}}},
		{"times", []any{utc, utc.In(time.FixedZone("CEST", 2*3600)).Add(1500 * time.Microsecond), time.Time{}, nil}},
		{"bytes", [][]byte{[]byte("GET / HTTP/1.1\r\n"), {0x89, 'P', 'N', 'G', 0, 0xff}, []byte(strings.Repeat("<p>hello</p>", 20)), {}, nil}},
		{"map_of_strings", map[string]string{"lang": "spa", "charset": "UTF-8", "server": "<nginx>"}},
		{"map_of_slices", map[string][]int{"b": {1, 2, 3}, "a": nil, "c": {}}},
		{"mixed_kinds", []any{1, "two", 3.5, true, nil, &n, (*int)(nil), []byte("\x00bytes"), utc, time.Minute,
			rdd.KV("k", &n), person{Name: "Ann"}, []any{&n, nil}, map[string]any{"x": 1}, errors.New("boom"), recs[4]}},
		{"arrow_record", rec},
		{"word_counts", []any{rdd.KV("the", 1021), rdd.KV("gosparkling", 3), rdd.KV("<b>bold</b>", 1)}},
		{"join", []any{rdd.KV("a", rdd.KV(1, "x")), rdd.KV("b", rdd.KV(2.5, nil)), nil}},
		{"people", []*person{{Name: "Ann", Age: 31}, nil, {Name: "Bob & \"Bobby\"", Age: -2}}},
		{"long_cell", []any{rdd.KV(strings.Repeat("0123456789", 12), []any{1, "two", rdd.KV(3, 4)})}},
		{"map_rows", []map[string]any{
			{"url": "https://example.com/", "status": 200, "fetch_time": utc, "length": 1234},
			{"url": "https://example.org/<a>", "status": 404, "length": 0.5, "lang": "en", "meta": map[string]any{"k": []int{1, 2}}},
			nil,
			{"url": "https://example.net/", "tags": []string{"x", "y"}, "lang": nil},
		}},
		{"any_map_rows", parsedJSON(t, `[{"name": "Ann", "age": 31, "tags": ["a", "b"]},
			{"name": "Bob & co", "address": {"city": "Rome"}, "age": 2.5}, {"active": true}]`)},
		{"map_of_maps", map[string]map[string]any{"bob": {"age": 42, "city": "Rome"}, "ann": {"age": 31, "born": utc}}},
		{"many_rows", make([]float64, 1001)},
		{"empty", []person{}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			b := Bundle(tt.in)
			golden(t, tt.name+".html", b["text/html"].(string))
			golden(t, tt.name+".txt", b["text/plain"].(string))
		})
	}
}

// golden compares got with testdata/name, or rewrites it with -update.
func golden(t *testing.T, name, got string) {
	t.Helper()
	path := filepath.Join("testdata", name)
	if *update {
		if err := os.WriteFile(path, []byte(got), 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("%v (run go test -update to create it)", err)
	}
	if got != string(want) {
		t.Errorf("%s differs from the golden file (run go test -update after checking):\ngot\n%s\nwant\n%s", name, got, want)
	}
}

func TestThousands(t *testing.T) {
	for n, want := range map[int64]string{0: "0", 7: "7", 999: "999", 1000: "1,000", 123456: "123,456",
		1234567: "1,234,567", -1234: "-1,234"} {
		if got := thousands(n); got != want {
			t.Errorf("thousands(%d) = %q, want %q", n, got, want)
		}
	}
}

func TestCut(t *testing.T) {
	tests := []struct {
		in    string
		n     int
		want  string
		wantC bool
	}{
		{"abc", 3, "abc", false},
		{"abcd", 3, "ab…", true},
		{"héllo", 5, "héllo", false},
		{"héllo", 4, "hél…", true},
		{"ééé", 3, "ééé", false}, // more bytes than n, not more characters
		{"", 1, "", false},
	}
	for _, tt := range tests {
		if got, c := cut(tt.in, tt.n); got != tt.want || c != tt.wantC {
			t.Errorf("cut(%q, %d) = %q, %v; want %q, %v", tt.in, tt.n, got, c, tt.want, tt.wantC)
		}
	}
}

// millionPairs is what Collect returns after a word count.
func millionPairs() []any {
	rows := make([]any, 1_000_000)
	for i := range rows {
		rows[i] = rdd.KV(fmt.Sprintf("word%d", i%50_000), i)
	}
	return rows
}

func BenchmarkBundleMillionPairs(b *testing.B) {
	rows := millionPairs()
	b.ResetTimer()
	for b.Loop() {
		if _, ok := Bundle(rows)["text/html"]; !ok {
			b.Fatal("no HTML")
		}
	}
}

func BenchmarkToRecordMillionPairs(b *testing.B) {
	rows := millionPairs()
	b.ResetTimer()
	for b.Loop() {
		rec, err := ToRecord(rows, memory.DefaultAllocator)
		if err != nil {
			b.Fatal(err)
		}
		rec.Release()
	}
}
