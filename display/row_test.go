package display

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"math"
	"reflect"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/apache/arrow-go/v18/arrow/memory"

	"github.com/gosparkling/gosparkling/fileio/warc"
	"github.com/gosparkling/gosparkling/rdd"
)

// celsiusReading is a struct with a String method: shown as its text.
type celsiusReading struct{ Degrees float64 }

func (c celsiusReading) String() string { return strconv.FormatFloat(c.Degrees, 'f', -1, 64) + " °C" }

// page is a TableRower: it shows its URL and size, not its body.
type page struct {
	url  string
	body []byte
}

func (p page) TableRow() any {
	return struct {
		URL  string `display:"url"`
		Size int    `display:"size"`
	}{p.url, len(p.body)}
}

// score is a TableRower whose row is a scalar.
type score float64

func (s score) TableRow() any { return fmt.Sprintf("%.0f%%", float64(s)*100) }

// broken is a TableRower that panics.
type broken struct{}

func (broken) TableRow() any { panic("no row today") }

// itself is a TableRower whose row is itself.
type itself struct{ N int }

func (i itself) TableRow() any { return i }

// tagged names and leaves out columns with struct tags.
type tagged struct {
	Name    string `display:"name"`
	Secret  string `display:"-"`
	Comment string `display:"comment,omitempty"`
	Count   *int   `display:",omitempty"`
	Inner   person `display:"inner,omitempty"`
}

// sparse has a pointer field nil in the first row: the static type still
// gives its column.
type sparse struct {
	P   *int
	Big uint64
	Any any
}

func TestBundleOfALoneStructIsAOneRowTable(t *testing.T) {
	n := 3
	tests := []struct {
		name string
		in   any
		want string
	}{
		{"a struct", person{Name: "Ann", Age: 31},
			"   Name  Age\n" +
				"0  Ann    31\n" +
				"1 row × 2 columns"},
		{"a pointer to a struct", &person{Name: "Ann", Age: 31},
			"   Name  Age\n" +
				"0  Ann    31\n" +
				"1 row × 2 columns"},
		{"nested structs and pointers to scalars",
			employee{Person: person{Name: "Bob"}, Salary: 2.5, Tags: []string{"x"}},
			"   Base.ID  Person.Name  Person.Age  Salary  Tags\n" +
				"0        0  Bob                   0     2.5  [x]\n" +
				"1 row × 5 columns"},
		{"pointers to scalars are followed, nil ones null", sparse{P: &n, Any: &n},
			"   P  Big  Any\n" +
				"0  3    0    3\n" +
				"1 row × 3 columns"},
		{"a TableRower shows its row", page{url: "https://example.com/", body: make([]byte, 1234)},
			"   url                   size\n" +
				"0  https://example.com/  1234\n" +
				"1 row × 2 columns"},
		{"struct tags name and leave out columns", tagged{Name: "a", Secret: "s"},
			"   name\n" +
				"0  a\n" +
				"1 row × 1 column"},
		{"a StatCounter is still its statistics", rdd.StatCounter{},
			"   count  mean  stdev  max  min  sum  variance  sampleStdev  sampleVariance\n" +
				"0      0     0    NaN    0    0    0       NaN          NaN             NaN\n" +
				"1 row × 9 columns"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			mem := memory.NewCheckedAllocator(memory.NewGoAllocator())
			defer mem.AssertSize(t, 0)
			b := Options{}.bundle(tt.in, mem)
			if got := b["text/plain"]; got != tt.want {
				t.Errorf("text/plain =\n%s\nwant\n%s", got, tt.want)
			}
			if h, ok := b["text/html"].(string); !ok || !strings.Contains(h, "<tbody>\n<tr><th>0</th>") {
				t.Errorf("no one-row HTML table:\n%s", h)
			}
		})
	}
}

func TestTableRowers(t *testing.T) {
	tests := []struct {
		name   string
		in     any
		schema []string
		cells  [][]string
	}{
		{"rows of TableRowers", []page{{"a", []byte("xy")}, {"b", nil}},
			[]string{"url:utf8", "size:int64"}, [][]string{{"a", "b"}, {"2", "0"}}},
		{"nil pointers are null, TableRow is not called on them", []*page{{url: "a"}, nil},
			[]string{"url:utf8", "size:int64"}, [][]string{{"a", "null"}, {"0", "null"}}},
		{"a TableRower may be a scalar", []score{0.5, 1}, []string{"value:utf8"}, [][]string{{"50%", "100%"}}},
		{"TableRowers in pairs", []any{rdd.KV(1, page{url: "a"})},
			[]string{"key:int64", "value.url:utf8", "value.size:int64"}, [][]string{{"1"}, {"a"}, {"0"}}},
		{"TableRowers mixed with other values", []any{page{url: "a"}, 1},
			[]string{"value:utf8"}, [][]string{{"{a 0}", "1"}}},
		{"a panic is shown, not raised", []any{broken{}},
			[]string{"value:utf8"}, [][]string{{"display: (display.broken).TableRow panicked: no row today"}}},
		{"a row that is itself a TableRower is a plain value", []itself{{1}, {2}},
			[]string{"N:int64"}, [][]string{{"1", "2"}}},

		// Struct tags: display:"name", display:"-", omitempty.
		{"omitempty columns all zero are left out", []tagged{{Name: "a"}, {Name: "b"}},
			[]string{"name:utf8"}, [][]string{{"a", "b"}}},
		{"omitempty columns with a value are kept, zeros and all", func() []tagged {
			n := 0
			return []tagged{{Name: "a", Count: &n}, {Name: "b", Comment: "hi", Inner: person{Age: 1}}}
		}(),
			[]string{"name:utf8", "comment:utf8", "Count:int64", "inner.Age:int64"},
			[][]string{{"a", "b"}, {"", "hi"}, {"0", "null"}, {"0", "1"}}},

		// Struct fields take their column types from their static types, and
		// look at the values only when those do not settle them.
		{"a pointer field nil in the first row", []sparse{{}, {P: new(int), Big: math.MaxUint64, Any: "x"}, {Any: 1.5}},
			[]string{"P:int64", "Big:uint64", "Any:utf8"},
			[][]string{{"null", "0", "null"}, {"0", "18446744073709551615", "0"}, {"null", "x", "1.5"}}},
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
			if got := cellsOf(rec); !reflect.DeepEqual(got, tt.cells) {
				t.Errorf("cells = %q, want %q", got, tt.cells)
			}
		})
	}
}

// crawl writes a small crawl with warc.Writer, as Common Crawl lays it out
// (WARC/1.0, request, response, metadata and WET conversion records), and
// reads its records back. It is not compressed, so that the records'
// offsets and lengths do not depend on a compressor.
func crawl(t testing.TB) []*warc.Record {
	t.Helper()
	const uri = "https://es.wikipedia.org/wiki/Escopete"
	date := "2024-05-18T01:58:10Z"
	html := "<!DOCTYPE html>\n<html lang=\"es\">\n  <head>\n    <meta charset=\"utf-8\">\n    <title>Escopete – Wikipedia, la enciclopedia libre</title>\n  </head>\n" +
		"  <body>\n    <h1>Escopete</h1>\n    <p>El <b>escopete</b> es un arma de fuego de avancarga, más corta que el mosquete, " +
		"que usaron los dragones y la caballería ligera española durante los siglos XVII y XVIII.</p>\n" + strings.Repeat("    <p>…</p>\n", 50) + "  </body>\n</html>\n"
	png := []byte("\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x01\x00\x00\x00\x01\x08\x06\x00\x00\x00\x1f\x15\xc4\x89")
	records := []struct {
		typ, uri, contentType string
		extra                 []warc.Field
		block                 string
	}{
		{"warcinfo", "", "application/warc-fields", []warc.Field{{Name: "WARC-Filename", Value: "CC-MAIN-20240518-00000.warc.gz"}},
			"isPartOf: CC-MAIN-2024-22\r\nsoftware: gosparkling test\r\nformat: WARC File Format 1.0\r\n"},
		{"request", uri, "application/http; msgtype=request", nil,
			"GET /wiki/Escopete HTTP/1.1\r\nHost: es.wikipedia.org\r\nUser-Agent: CCBot/2.0 (https://commoncrawl.org/faq/)\r\nAccept: text/html\r\n\r\n"},
		{"response", uri, "application/http; msgtype=response", []warc.Field{{Name: "WARC-Identified-Payload-Type", Value: "text/html"}},
			"HTTP/1.1 200 OK\r\nContent-Type: text/html; charset=UTF-8\r\nContent-Length: " + strconv.Itoa(len(html)) + "\r\n\r\n" + html},
		{"response", "https://upload.wikimedia.org/escopete.png", "application/http; msgtype=response", nil,
			"HTTP/1.1 200 OK\r\nContent-Type: image/png\r\n\r\n" + string(png)},
		{"response", "http://example.com/", "application/http; msgtype=response", nil,
			"HTTP/1.1 301 Moved Permanently\r\nLocation: https://example.com/\r\nContent-Length: 0\r\n\r\n"},
		{"response", "https://example.com/", "application/http; msgtype=response", nil,
			"HTTP/1.1 200 OK\r\nContent-Type: text/html; charset=iso-8859-1\r\n\r\n<p>Caf\xe9 \x93cr\xe8me\x94</p>\n"},
		{"metadata", uri, "application/json", nil,
			`{"Envelope":{"Format":"WARC","WARC-Header-Metadata":{"WARC-Type":"response"},"Payload-Metadata":{"Actual-Content-Type":"application/http; msgtype=response"}}}`},
		{"conversion", uri, "text/plain", []warc.Field{{Name: "WARC-Identified-Content-Language", Value: "spa,eng"}},
			"Escopete – Wikipedia, la enciclopedia libre\nEscopete\nEl escopete es un arma de fuego de avancarga, más corta que el mosquete."},
	}
	var buf bytes.Buffer
	w := warc.NewWriter(&buf, false)
	w.Version = "WARC/1.0"
	for i, r := range records {
		fields := []warc.Field{{Name: "WARC-Type", Value: r.typ}, {Name: "WARC-Date", Value: date},
			{Name: "WARC-Record-ID", Value: fmt.Sprintf("<urn:uuid:00000000-0000-0000-0000-%012d>", i)}}
		if r.uri != "" {
			fields = append(fields, warc.Field{Name: "WARC-Target-URI", Value: r.uri})
		}
		fields = append(fields, warc.Field{Name: "Content-Type", Value: r.contentType})
		fields = append(fields, r.extra...)
		if _, _, err := w.WriteRecord(fields, []byte(r.block)); err != nil {
			t.Fatal(err)
		}
	}
	rd := warc.NewReader(&buf)
	var out []*warc.Record
	for {
		rec, err := rd.Next()
		if err == io.EOF {
			return out
		}
		if err != nil {
			t.Fatal(err)
		}
		out = append(out, rec)
	}
}

func TestWarcRecordRows(t *testing.T) {
	recs := crawl(t)
	all := []string{"type:utf8", "target_uri:utf8", "date:timestamp[us, tz=UTC]", "status:int64", "content_type:utf8",
		"language:utf8", "length:int64", "offset:int64", "preview:utf8"}
	tests := []struct {
		name   string
		in     any
		schema []string
		cells  map[string][]string // some columns' cells
	}{
		{"a crawl", recs, all, map[string][]string{
			"type":         {"warcinfo", "request", "response", "response", "response", "response", "metadata", "conversion"},
			"status":       {"null", "null", "200", "200", "301", "200", "null", "null"},
			"content_type": {"application/warc-fields", "application/http; msgtype=request", "text/html; charset=UTF-8", "image/png", "application/http; msgtype=response", "text/html; charset=iso-8859-1", "application/json", "text/plain"},
			"language":     {"", "", "", "", "", "", "", "spa,eng"},
			"offset":       {"0", "326", "715", "2227", "2569", "2897", "3225", "3628"},
			"length":       {"326", "389", "1512", "342", "328", "328", "403", "412"},
		}},
		{"status and language are left out when no record has one", recs[:2],
			[]string{"type:utf8", "target_uri:utf8", "date:timestamp[us, tz=UTC]", "content_type:utf8", "length:int64", "offset:int64", "preview:utf8"},
			map[string][]string{"date": {"2024-05-18T01:58:10Z", "2024-05-18T01:58:10Z"}}},
		{"previews are text", recs, all, map[string][]string{"preview": {
			"isPartOf: CC-MAIN-2024-22 software: gosparkling test format: WARC File Format 1.0",
			"GET /wiki/Escopete HTTP/1.1 Host: es.wikipedia.org User-Agent: CCBot/2.0 (https://commoncrawl.org/faq/) Accept: text/html",
			`<!DOCTYPE html> <html lang="es"> <head> <meta charset="utf-8"> <title>Escopete – Wikipedia, la enciclopedia libre</title> </head> <body> <h1>Escopete</h1> ` +
				`<p>El <b>escopete</b> es un arma de fuego de avancarga, más corta que el mosquete, que usaron los dragones y la caballería ligera española durant…`,
			"binary, 33 bytes",
			"HTTP/1.1 301 Moved Permanently Location: https://example.com/ Content-Length: 0",
			"<p>Café “crème”</p>",
			`{"Envelope":{"Format":"WARC","WARC-Header-Metadata":{"WARC-Type":"response"},"Payload-Metadata":{"Actual-Content-Type":"application/http; msgtype=response"}}}`,
			"Escopete – Wikipedia, la enciclopedia libre Escopete El escopete es un arma de fuego de avancarga, más corta que el mosquete.",
		}}},
		{"records in pairs make dotted columns", []any{rdd.KV("es", recs[7])},
			[]string{"key:utf8", "value.type:utf8", "value.target_uri:utf8", "value.date:timestamp[us, tz=UTC]",
				"value.content_type:utf8", "value.language:utf8", "value.length:int64", "value.offset:int64", "value.preview:utf8"},
			map[string][]string{"value.language": {"spa,eng"}}},
		{"records as values, not pointers", []warc.Record{*recs[4]},
			[]string{"type:utf8", "target_uri:utf8", "date:timestamp[us, tz=UTC]", "status:int64", "content_type:utf8", "length:int64", "offset:int64", "preview:utf8"},
			map[string][]string{"status": {"301"}}},
		{"records in interfaces, nil ones null", []any{recs[4], (*warc.Record)(nil), nil}, nil,
			map[string][]string{"type": {"response", "null", "null"}, "status": {"301", "null", "null"}}},
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
			if got := schemaOf(rec); tt.schema != nil && !reflect.DeepEqual(got, tt.schema) {
				t.Errorf("schema = %q, want %q", got, tt.schema)
			}
			cells := cellsOf(rec)
			for name, want := range tt.cells {
				j := rec.Schema().FieldIndices(name)
				if len(j) != 1 {
					t.Errorf("no column %q", name)
					continue
				}
				if got := cells[j[0]]; !reflect.DeepEqual(got, want) {
					t.Errorf("%s = %q, want %q", name, got, want)
				}
			}
		})
	}
}

func TestFormatValue(t *testing.T) {
	n := 7
	self := &linked{Val: 1}
	self.Next = self
	recs := crawl(t)
	tests := []struct {
		name  string
		in    any
		limit int
		want  string
	}{
		{"scalars as fmt writes them", []any{1, -2.5, float32(0.1), true, "s", uint64(math.MaxUint64), 1 + 2i}, 100,
			"[1 -2.5 0.1 true s 18446744073709551615 (1+2i)]"},
		{"pointers followed, nil ones null", []any{&n, (*int)(nil), nil, &[]int{1}}, 100, "[7 null null [1]]"},
		{"pairs, their pointers followed", rdd.KV(&n, rdd.KV("a", nil)), 100, "(7, (a, null))"},
		{"pointers to times and pairs", []any{&time.Time{}, &rdd.Pair{Key: 1, Value: 2}}, 100, "[0001-01-01T00:00:00Z (1, 2)]"},
		{"times in UTC", time.Date(2024, 1, 2, 3, 4, 5, 6, time.FixedZone("X", -3600)), 100, "2024-01-02T04:04:05.000000006Z"},
		{"bytes quoted, long ones with their length", []any{[]byte("a\"b"), blob(strings.Repeat("x", 70))}, 200,
			`["a\"b" "` + strings.Repeat("x", 59) + `"… (70 bytes)]`},
		{"byte arrays as bytes", [4]byte{'a', 0, 'b', 0xff}, 100, `"a\x00b\xff"`},
		{"maps sorted by key", map[any]any{"b": 1, 2: nil, "a": &n}, 100, "map[2:null a:7 b:1]"},
		{"nil maps and slices empty", []any{map[string]int(nil), []int(nil)}, 100, "[map[] []]"},
		{"structs with their unexported fields", person{"Ann", 31, "x"}, 100, "{Ann 31 x}"},
		{"String and Error methods", []any{time.March, errors.New("boom"), celsiusReading{3}}, 100, "[March boom 3 °C]"},
		{"a TableRower is its row", []any{page{"u", []byte("abc")}}, 100, "[{u 3}]"},
		{"a record is its row, never a list of byte values", []any{recs[1]}, 1000,
			"[{request https://es.wikipedia.org/wiki/Escopete 2024-05-18T01:58:10Z null application/http; msgtype=request  389 326 " +
				"GET /wiki/Escopete HTTP/1.1 Host: es.wikipedia.org User-Agent: CCBot/2.0 (https://commoncrawl.org/faq/) Accept: text/html}]"},
		{"cycles end", self, 1000, "{1 {1 {1 {1 {1 …}}}}}"},
		{"the limit", make([]int, 1000), 10, "[0 0 0 0 0…"},
		{"the limit in a long string", []string{strings.Repeat("é", 10)}, 7, "[ééé…"},
		{"exactly the limit", []int{1, 2}, 5, "[1 2]"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := formatValue(tt.in, tt.limit); got != tt.want {
				t.Errorf("formatValue = %q, want %q", got, tt.want)
			}
		})
	}
}

func TestBytesText(t *testing.T) {
	long := []byte(strings.Repeat("ab", 100))
	tests := []struct {
		in         []byte
		cell, text string
	}{
		{nil, `""`, `"" (0 bytes)`},
		{[]byte("x"), `"x"`, `"x" (1 byte)`},
		{[]byte("GET / HTTP/1.1\r\n"), `"GET / HTTP/1.1\r\n"`, `"GET / HTTP/1.1\r\n" (16 bytes)`},
		{[]byte("caf\xc3\xa9 \xff\x00"), `"café \xff\x00"`, `"café \xff\x00" (8 bytes)`},
		{long, `"` + string(long[:59]) + `"… (200 bytes)`, `"` + string(long) + `" (200 bytes)`},
		{bytes.Repeat([]byte{0}, 20), `"` + strings.Repeat(`\x00`, 14) + `"… (20 bytes)`, `"` + strings.Repeat(`\x00`, 20) + `" (20 bytes)`},
	}
	for _, tt := range tests {
		if got := bytesCell(tt.in); got != tt.cell {
			t.Errorf("bytesCell(%q) = %s, want %s", tt.in, got, tt.cell)
		}
		if got := bytesText(tt.in); got != tt.text {
			t.Errorf("bytesText(%q) = %s, want %s", tt.in, got, tt.text)
		}
	}
}

func TestTextPreview(t *testing.T) {
	tests := []struct {
		name string
		in   string
		n    int
		want string
	}{
		{"text as it is", "hello, world", 20, "hello, world"},
		{"white space made single spaces, trimmed", "\n\n  <p>\n\t\tHello\r\n  world  \n\n", 20, "<p> Hello world"},
		{"cut after n characters", "día de campo", 5, "día d…"},
		{"not cut before trailing white space", "abc   \n", 3, "abc"},
		{"cut at a space", "abc def", 4, "abc …"},
		{"not UTF-8: read as Windows-1252", "caf\xe9 \x93cr\xe8me\x94 \x81", 20, "café “crème” \uFFFD"},
		{"control characters replaced", "an \x1b escape in a line", 30, "an \uFFFD escape in a line"},
		{"NUL bytes: binary", "GIF89a\x00\x01", 20, "binary, 8 bytes"},
		{"many control characters: binary", "\x1f\x8b\x08\x08abc\x03\x01\x02zz", 20, "binary, 12 bytes"},
		{"empty", "", 20, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := textPreview([]byte(tt.in), tt.n); got != tt.want {
				t.Errorf("textPreview(%q, %d) = %q, want %q", tt.in, tt.n, got, tt.want)
			}
		})
	}
}

// TestMixedValuesDoNotCrash converts every pair of kinds of values in
// one column, in both orders, alone and in pairs and struct fields.
func TestMixedValuesDoNotCrash(t *testing.T) {
	n := 7
	recs := crawl(t)
	values := []any{nil, 1, -1, uint64(math.MaxUint64), 2.5, float32(1), "s", true, time.Unix(0, 0), time.Second, []byte("b"),
		&n, (*int)(nil), rdd.KV(1, 2), rdd.KV(1, rdd.KV(2, 3)), person{Name: "A"}, &person{}, (*person)(nil), hidden{},
		[]any{1}, map[string]int{"a": 1}, errors.New("e"), recs[0], (*warc.Record)(nil), page{}, (*page)(nil), broken{}, score(1),
		itself{}, celsiusReading{}, make(chan int), func() {}, struct{ Any any }{&n}}
	for _, a := range values {
		for _, b := range values {
			for _, in := range []any{
				[]any{a, b},
				[]any{rdd.KV("k", a), rdd.KV("k", b)},
				[]struct{ V any }{{a}, {b}},
			} {
				mem := memory.NewCheckedAllocator(memory.NewGoAllocator())
				rec, err := ToRecord(in, mem)
				if err != nil {
					t.Fatalf("ToRecord(%#v): %v", in, err)
				}
				if rec.NumRows() != 2 {
					t.Errorf("ToRecord(%#v) has %d rows", in, rec.NumRows())
				}
				rec.Release()
				b := Options{}.bundle(in, mem)
				if _, ok := b["text/html"]; !ok {
					t.Errorf("Bundle(%#v) = %q", in, b)
				}
				mem.AssertSize(t, 0)
			}
		}
	}
	for _, v := range values {
		if _, ok := Bundle(v)["text/plain"].(string); !ok {
			t.Errorf("Bundle(%#v) has no text", v)
		}
	}
}
