package parquet_test

import (
	"bytes"
	"context"
	"errors"
	"io/fs"
	"math"
	"net/http"
	"net/http/httptest"
	"path/filepath"
	"reflect"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/gosparkling/gosparkling/fileio"
	"github.com/gosparkling/gosparkling/fileio/parquet"
)

// kv stands for rdd.Pair, which this package cannot import: WriterOptions.Split splits it.
type kv struct{ K, V any }

func splitKV(v any) ([]string, []any, bool) {
	if p, ok := v.(kv); ok {
		return []string{"key", "value"}, []any{p.K, p.V}, true
	}
	return nil, nil, false
}

type person struct {
	Name    string `parquet:"name"`
	Age     int16
	Score   float32
	Born    time.Time
	Skipped int `parquet:"-"`
	Tags    []string
	Raw     []byte
	Lucky   *int
	hidden  int
}

func TestParquetRoundTrip(t *testing.T) {
	day := time.Date(2024, 5, 18, 12, 30, 0, 123456000, time.UTC)
	seven := 7
	tests := []struct {
		name    string
		rows    []any
		columns []string // as the file has them, in order
		types   []string // a piece of each column's schema line
		want    []map[string]any
	}{
		{
			name:    "maps: a column per key, sorted; integers and floats mixed make float64",
			rows:    []any{map[string]any{"s": "x", "a": 1, "f": 1.5}, map[string]any{"a": 2, "f": 2, "s": nil}},
			columns: []string{"a", "f", "s"},
			types:   []string{"int64 field_id=-1 a", "double field_id=-1 f", "byte_array field_id=-1 s (String)"},
			want:    []map[string]any{{"a": 1, "f": 1.5, "s": "x"}, {"a": 2, "f": 2.0, "s": nil}},
		},
		{
			name:    "structs: tags, static types, lists, bytes, pointers; unexported fields are not columns",
			rows:    []any{person{Name: "Ada", Age: 36, Score: 1.5, Born: day, Skipped: 1, Tags: []string{"a", "b"}, Raw: []byte{0, 1}, Lucky: &seven, hidden: 3}, &person{Name: "Bob"}},
			columns: []string{"name", "Age", "Score", "Born", "Tags", "Raw", "Lucky"},
			types:   []string{"(String)", "int32 field_id=-1 Age (Int(bitWidth=16, isSigned=true))", "float field_id=-1 Score", "timeUnit=microseconds", "group field_id=-1 Tags (List)", "byte_array field_id=-1 Raw;", "int64 field_id=-1 Lucky"},
			want: []map[string]any{
				{"name": "Ada", "Age": 36, "Score": 1.5, "Born": day, "Tags": []any{"a", "b"}, "Raw": []byte{0, 1}, "Lucky": 7},
				{"name": "Bob", "Age": 0, "Score": 0.0, "Born": time.Time{}.UTC(), "Tags": nil, "Raw": nil, "Lucky": nil},
			},
		},
		{
			name:    "pairs: key and value, nested ones dotted",
			rows:    []any{kv{"de", kv{3, "x"}}, kv{"fr", kv{4, "y"}}},
			columns: []string{"key", "value.key", "value.value"},
			want:    []map[string]any{{"key": "de", "value.key": 3, "value.value": "x"}, {"key": "fr", "value.key": 4, "value.value": "y"}},
		},
		{
			name:    "scalars: one column, value",
			rows:    []any{int64(5), int64(-6)},
			columns: []string{"value"},
			want:    []map[string]any{{"value": 5}, {"value": -6}},
		},
		{
			name:    "mixed kinds are text, as fmt writes them",
			rows:    []any{map[string]any{"v": 1}, map[string]any{"v": "x"}, map[string]any{"v": true}, map[string]any{"v": day}},
			columns: []string{"v"},
			types:   []string{"(String)"},
			want:    []map[string]any{{"v": "1"}, {"v": "x"}, {"v": "true"}, {"v": "2024-05-18T12:30:00.123456Z"}},
		},
		{
			name:    "a column of nils has the null type",
			rows:    []any{map[string]any{"a": 1, "n": nil}, map[string]any{"a": 2}},
			columns: []string{"a", "n"},
			types:   []string{"int64", "(Null)"},
			want:    []map[string]any{{"a": 1, "n": nil}, {"a": 2, "n": nil}},
		},
		{
			name:    "lists with null and empty ones",
			rows:    []any{[]any{1, nil, 3}, []any{}, nil, []int{4}},
			columns: []string{"value"},
			want:    []map[string]any{{"value": []any{1, nil, 3}}, {"value": []any{}}, {"value": nil}, {"value": []any{4}}},
		},
		{
			name:    "unsigned integers above int64",
			rows:    []any{uint64(math.MaxUint64), uint64(1)},
			columns: []string{"value"},
			types:   []string{"Int(bitWidth=64, isSigned=false)"},
			want:    []map[string]any{{"value": uint64(math.MaxUint64)}, {"value": uint64(1)}},
		},
		{
			name:    "durations are int64 nanoseconds",
			rows:    []any{time.Second},
			columns: []string{"value"},
			want:    []map[string]any{{"value": int(time.Second)}},
		},
	}
	dir := t.TempDir()
	for i, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			data := writeRows(t, tt.rows, parquet.WriterOptions{Split: splitKV, RowGroupRows: 3})
			path := writeFile(t, dir, string(rune('a'+i))+".parquet", data)
			f, err := parquet.Open(context.Background(), fileio.Local{}, path, -1)
			if err != nil {
				t.Fatal(err)
			}
			defer f.Close()
			if !slices.Equal(f.Columns(), tt.columns) {
				t.Errorf("columns %v, want %v", f.Columns(), tt.columns)
			}
			for _, typ := range tt.types {
				if !strings.Contains(f.Schema(), typ) {
					t.Errorf("the schema has no %q:\n%s", typ, f.Schema())
				}
			}
			if got := readAll(t, f, parquet.Projection{}); !reflect.DeepEqual(got, tt.want) {
				t.Errorf("read back\n%#v\nwant\n%#v", got, tt.want)
			}
		})
	}
}

func TestParquetLaterRowsMustFitTheSchema(t *testing.T) {
	tests := []struct {
		name string
		rows []any
		want string
	}{
		{"a new key", []any{map[string]any{"a": 1}, map[string]any{"b": 2}}, `no column "b"`},
		{"a float in an integer column", []any{map[string]any{"a": 1}, map[string]any{"a": 1.5}}, `column "a"`},
		{"another struct type", []any{person{}, kv{}}, "made for"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			w := parquet.NewWriter(&strings.Builder{}, parquet.WriterOptions{RowGroupRows: 1})
			var err error
			for _, r := range tt.rows {
				if err = w.Write(r); err != nil {
					break
				}
			}
			if err == nil {
				err = w.Close()
			}
			if err == nil || !strings.Contains(err.Error(), tt.want) {
				t.Errorf("error %v, want one saying %q", err, tt.want)
			}
		})
	}
	if err := parquet.NewWriter(&strings.Builder{}, parquet.WriterOptions{}).Close(); !errors.Is(err, parquet.ErrNoRows) {
		t.Errorf("closing a writer of no rows: %v", err)
	}
}

// TestParquetTwoOfThirtyColumnsReadsAFraction reads two columns of a file with the 30
// columns of Common Crawl's index, from a local disk and from S3, and counts the requests
// and bytes.
func TestParquetTwoOfThirtyColumnsReadsAFraction(t *testing.T) {
	rows := wideRows(40000)
	data := writeRows(t, rows, parquet.WriterOptions{RowGroupRows: 10000})
	local := writeFile(t, t.TempDir(), "part-00000.parquet", data)
	fake := newFakeS3(t, "commoncrawl")
	fake.put(t, "commoncrawl", "cc-index/part-00000.parquet", data)
	s3fs := fake.fs(t)

	queries := []struct {
		columns     []string
		maxFraction float64
	}{
		{[]string{"url_host_registered_domain", "content_languages"}, 0.05}, // the notebook's: pages per domain, languages
		{[]string{"url", "fetch_status"}, 0.25},                             // the longest column, and a small one
	}
	for _, q := range queries {
		counting := newCountingFS(fileio.Local{})
		s3Before := func() (int, int64) { return fake.counts("commoncrawl/cc-index/part-00000.parquet") }
		g0, b0 := s3Before()
		stores := []struct {
			name   string
			fsys   fileio.FileSystem
			path   string
			counts func() (int, int64)
		}{
			{"local", counting, local, func() (int, int64) { return counting.counts(local) }},
			{"s3", s3fs, "s3://commoncrawl/cc-index/part-00000.parquet", func() (int, int64) { g, b := s3Before(); return g - g0, b - b0 }},
		}
		for _, st := range stores {
			t.Run(st.name+"/"+strings.Join(q.columns, "+"), func(t *testing.T) {
				f, err := parquet.Open(context.Background(), st.fsys, st.path, -1)
				if err != nil {
					t.Fatal(err)
				}
				if len(f.Columns()) != 30 || f.NumRowGroups() != 4 {
					t.Fatalf("%d columns and %d row groups, want 30 and 4", len(f.Columns()), f.NumRowGroups())
				}
				got := readAll(t, f, parquet.Projection{Columns: q.columns})
				want := reflect.ValueOf(rows[123])
				if len(got) != len(rows) || len(got[123]) != 2 {
					t.Fatalf("read %d rows of %d columns, want %d of 2", len(got), len(got[123]), len(rows))
				}
				for i := 0; i < want.NumField(); i++ {
					name := want.Type().Field(i).Tag.Get("parquet")
					v, ok := got[123][name]
					if !ok {
						continue
					}
					w := reflect.Indirect(want.Field(i)).Interface()
					if s, isInt := w.(int16); isInt {
						w = int(s)
					}
					if v != w {
						t.Errorf("row 123 has %s %v, want %v", name, v, w)
					}
				}
				requests, fetched := st.counts()
				fraction := float64(fetched) / float64(len(data))
				t.Logf("%s: reading %v (2 of 30 columns) of a %d-byte file (%d rows, 4 row groups) made %d requests for %d bytes (64 KiB of them the footer's): %.1f%% of the file",
					st.name, q.columns, len(data), len(rows), requests, fetched, 100*fraction)
				if fraction > q.maxFraction {
					t.Errorf("read %.1f%% of the file for 2 of 30 columns, want at most %.0f%%", 100*fraction, 100*q.maxFraction)
				}
				if maxRequests := 1 + 2*f.NumRowGroups(); requests > maxRequests {
					t.Errorf("%d requests, want at most %d (the footer, then a chunk per column and row group)", requests, maxRequests)
				}
				if r, b := f.Stats(); r != int64(requests) || b != fetched {
					t.Errorf("File.Stats says %d requests for %d bytes, the server saw %d for %d", r, b, requests, fetched)
				}
			})
		}
	}
}

// TestParquetNeighbouringColumnsShareARequest: the chunks of adjacent columns of a row group
// are fetched together.
func TestParquetNeighbouringColumnsShareARequest(t *testing.T) {
	data := writeRows(t, wideRows(20000), parquet.WriterOptions{RowGroupRows: 10000})
	path := writeFile(t, t.TempDir(), "x.parquet", data)
	counting := newCountingFS(fileio.Local{})
	f, err := parquet.Open(context.Background(), counting, path, -1)
	if err != nil {
		t.Fatal(err)
	}
	readAll(t, f, parquet.Projection{Columns: []string{"warc_filename", "warc_record_offset", "warc_record_length"}})
	if reads, _ := counting.counts(path); reads != 1+f.NumRowGroups() {
		t.Errorf("%d reads for three neighbouring columns of %d row groups, want %d", reads, f.NumRowGroups(), 1+f.NumRowGroups())
	}
}

func TestParquetConditionsSkipRowGroupsByStatistics(t *testing.T) {
	rows := wideRows(40000) // sorted by TLD: com, de, fr, io, jp, net, org
	data := writeRows(t, rows, parquet.WriterOptions{RowGroupRows: 5000})
	path := writeFile(t, t.TempDir(), "x.parquet", data)
	tests := []struct {
		name    string
		where   []parquet.Condition
		groups  int // row groups that may match
		matches func(r wideRow) bool
	}{
		{"one value of a sorted column", []parquet.Condition{{Column: "url_host_tld", Values: []any{"jp"}}}, 2,
			func(r wideRow) bool { return r.URLHostTLD == "jp" }},
		{"values of two groups", []parquet.Condition{{Column: "url_host_tld", Values: []any{"com", "org"}}}, 4,
			func(r wideRow) bool { return r.URLHostTLD == "com" || r.URLHostTLD == "org" }},
		{"a value no row has", []parquet.Condition{{Column: "url_host_tld", Values: []any{"zz"}}}, 0,
			func(wideRow) bool { return false }},
		{"numbers of any Go type", []parquet.Condition{{Column: "fetch_status", Values: []any{int64(404)}}}, 8,
			func(r wideRow) bool { return r.FetchStatus == 404 }},
		{"two conditions", []parquet.Condition{{Column: "url_host_tld", Values: []any{"de"}}, {Column: "fetch_status", Values: []any{404}}}, 2,
			func(r wideRow) bool { return r.URLHostTLD == "de" && r.FetchStatus == 404 }},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			counting := newCountingFS(fileio.Local{})
			f, err := parquet.Open(context.Background(), counting, path, -1)
			if err != nil {
				t.Fatal(err)
			}
			var got []string
			groups := 0
			for g := 0; g < f.NumRowGroups(); g++ {
				ok, err := f.RowGroupMayMatch(g, tt.where)
				if err != nil {
					t.Fatal(err)
				}
				if !ok {
					continue
				}
				groups++
				rs, err := f.Rows(g, parquet.Projection{Columns: []string{"url"}, Where: tt.where})
				if err != nil {
					t.Fatal(err)
				}
				for rs.Next() {
					got = append(got, rs.Values()[0].(string))
				}
				rs.Close()
			}
			var want []string
			for _, r := range rows {
				if tt.matches(r) {
					want = append(want, r.URL)
				}
			}
			if !slices.Equal(got, want) {
				t.Errorf("%d rows, want %d", len(got), len(want))
			}
			if groups != tt.groups {
				t.Errorf("%d of %d row groups read, want %d", groups, f.NumRowGroups(), tt.groups)
			}
			if reads, _ := counting.counts(path); reads > 1+groups*(1+len(tt.where)) {
				t.Errorf("%d reads: want the footer and the chunks of the %d row groups read", reads, groups)
			}
		})
	}
}

func TestParquetErrorsNameTheFile(t *testing.T) {
	dir := t.TempDir()
	good := writeRows(t, []any{map[string]any{"a": 1, "m": []any{[]any{1}}}}, parquet.WriterOptions{})
	paths := map[string]string{
		"text":      writeFile(t, dir, "not-parquet.parquet", []byte("this is not a parquet file, just text\n")),
		"truncated": writeFile(t, dir, "truncated.parquet", good[:len(good)/2]),
		"good":      writeFile(t, dir, "good.parquet", good),
		"missing":   filepath.Join(dir, "missing.parquet"),
	}
	tests := []struct {
		name, file string
		columns    []string
		want       string
		notExist   bool
	}{
		{"a missing file", "missing", nil, "missing.parquet", true},
		{"not a Parquet file", "text", nil, "not-parquet.parquet", false},
		{"a truncated file", "truncated", nil, "truncated.parquet", false},
		{"a missing column", "good", []string{"nope"}, `good.parquet has no column "nope" (it has a, m)`, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			f, err := parquet.Open(context.Background(), fileio.Local{}, paths[tt.file], -1)
			if err == nil {
				_, err = f.Rows(0, parquet.Projection{Columns: tt.columns})
			}
			if err == nil || !strings.Contains(err.Error(), tt.want) {
				t.Fatalf("error %v, want one naming %q", err, tt.want)
			}
			if tt.notExist && !errors.Is(err, fs.ErrNotExist) {
				t.Errorf("%v is not fs.ErrNotExist", err)
			}
		})
	}
}

func TestParquetStructBinder(t *testing.T) {
	type page struct {
		URL        string
		Status     int `parquet:"fetch_status"`
		Length     int64
		WarcOffset *int32 `parquet:"warc_record_offset"`
		Langs      string `parquet:"content_languages"`
		Ignored    string `parquet:"-"`
	}
	b, err := parquet.NewStructBinder(page{})
	if err != nil {
		t.Fatal(err)
	}
	names, err := b.Match([]string{"url", "fetch_status", "warc_record_length", "warc_record_offset", "content_languages", "length"})
	if want := []string{"url", "fetch_status", "length", "warc_record_offset", "content_languages"}; err != nil || !slices.Equal(names, want) {
		t.Fatalf("Match = %v, %v; want %v", names, err, want)
	}
	v, err := b.Bind([]any{"https://x/", 200, 12, 34, nil})
	offset := int32(34)
	if want := (page{URL: "https://x/", Status: 200, Length: 12, WarcOffset: &offset}); err != nil || !reflect.DeepEqual(v, want) {
		t.Errorf("Bind = %+v, %v; want %+v", v, err, want)
	}
	if _, err := b.Bind([]any{"x", "200", 1, 2, nil}); err == nil || !strings.Contains(err.Error(), "Status") {
		t.Errorf("binding a string to an int field: %v", err)
	}
	if _, err := b.Match([]string{"url"}); err == nil || !strings.Contains(err.Error(), "fetch_status") {
		t.Errorf("matching without the columns: %v", err)
	}
}

func TestParquetPartitions(t *testing.T) {
	tests := []struct {
		path string
		want []parquet.Partition
	}{
		{"s3://commoncrawl/cc-index/table/cc-main/warc/crawl=CC-MAIN-2024-22/subset=warc/part-00000.parquet",
			[]parquet.Partition{{"crawl", "CC-MAIN-2024-22"}, {"subset", "warc"}}},
		{"/data/date=2024-05-18/host=a%2Fb/x.parquet", []parquet.Partition{{"date", "2024-05-18"}, {"host", "a/b"}}},
		{"data/x=1/x=2/f.parquet", []parquet.Partition{{"x", "2"}}},
		{"data/_tmp=1/a=/f=1.parquet", []parquet.Partition{{"a", ""}}},
		{"data/f.parquet", nil},
	}
	for _, tt := range tests {
		if got := parquet.Partitions(tt.path); !slices.Equal(got, tt.want) {
			t.Errorf("Partitions(%q) = %v, want %v", tt.path, got, tt.want)
		}
	}
}

func TestParquetReaderAtFetchesTheFooterOnce(t *testing.T) {
	data := writeRows(t, wideRows(20000), parquet.WriterOptions{RowGroupRows: 10000})
	path := writeFile(t, t.TempDir(), "x.parquet", data)
	counting := newCountingFS(fileio.Local{})
	ra, err := parquet.NewReaderAt(context.Background(), counting, path, -1)
	if err != nil {
		t.Fatal(err)
	}
	buf := make([]byte, 8)
	for _, off := range []int64{ra.Size() - 8, ra.Size() - 1000, ra.Size() - 8} {
		if _, err := ra.ReadAt(buf, off); err != nil {
			t.Fatal(err)
		}
	}
	if reads, n := counting.counts(path); reads != 1 || n != parquet.DefaultFooterReadSize {
		t.Errorf("three reads near the end made %d requests for %d bytes, want 1 for %d", reads, n, parquet.DefaultFooterReadSize)
	}
	ra.Plan(parquet.Range{Offset: 100, Length: 50}, parquet.Range{Offset: 1000, Length: 50}, parquet.Range{Offset: 100000, Length: 10})
	for _, off := range []int64{100, 1000, 120, 100000} {
		if _, err := ra.ReadAt(buf, off); err != nil {
			t.Fatal(err)
		}
	}
	if reads, n := counting.counts(path); reads != 3 || n != parquet.DefaultFooterReadSize+950+10 {
		t.Errorf("reads in planned ranges made %d requests in all for %d bytes, want 3 for %d", reads, n, parquet.DefaultFooterReadSize+960)
	}
	if n, err := ra.ReadAt(buf, ra.Size()-4); n != 4 || err == nil {
		t.Errorf("reading past the end: %d, %v; want 4 and io.EOF", n, err)
	}
}

// TestParquetOverHTTP reads two columns from a web server that serves ranges, as
// data.commoncrawl.org does.
func TestParquetOverHTTP(t *testing.T) {
	data := writeRows(t, wideRows(20000), parquet.WriterOptions{RowGroupRows: 10000})
	var mu sync.Mutex
	var ranges []string
	var served int64
	server := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		cw := &countingResponse{ResponseWriter: w}
		http.ServeContent(cw, r, "part-00000.parquet", time.Time{}, bytes.NewReader(data))
		mu.Lock()
		ranges = append(ranges, r.Method+" "+r.Header.Get("Range"))
		served += cw.n
		mu.Unlock()
	}))
	defer server.Close()
	f, err := parquet.Open(context.Background(), fileio.NewHTTP(fileio.HTTPOptions{}), server.URL+"/part-00000.parquet", -1)
	if err != nil {
		t.Fatal(err)
	}
	rows := readAll(t, f, parquet.Projection{Columns: []string{"url_host_registered_domain", "fetch_status"}})
	if len(rows) != 20000 || rows[0]["fetch_status"] == nil {
		t.Fatalf("%d rows, first %v", len(rows), rows[0])
	}
	mu.Lock()
	defer mu.Unlock()
	for _, r := range ranges[1:] { // after the Stat
		if !strings.HasPrefix(r, "GET bytes=") {
			t.Errorf("request %q is not a ranged GET", r)
		}
	}
	if len(ranges) > 2+2*f.NumRowGroups() || float64(served) > 0.05*float64(len(data)) {
		t.Errorf("%d requests (%v) for %d of %d bytes", len(ranges), ranges, served, len(data))
	}
}
