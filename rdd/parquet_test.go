package rdd_test

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"math/rand/v2"
	"net/http"
	"net/http/httptest"
	"net/url"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"sort"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/johannesboyne/gofakes3"
	"github.com/johannesboyne/gofakes3/backend/s3mem"

	"github.com/gosparkling/gosparkling/fileio"
	"github.com/gosparkling/gosparkling/fileio/parquet"
	"github.com/gosparkling/gosparkling/fileio/warc"
	"github.com/gosparkling/gosparkling/rdd"
)

// The sample crawl of the notebooks, and its URL index.
var (
	sampleRoot  = filepath.Join("..", "notebooks", "data")
	sampleIndex = filepath.Join(sampleRoot, "cc-index", "table", "cc-main", "warc")
)

// sampleResponses reads the response records of the sample crawl's WARC files, by URL.
func sampleResponses(t *testing.T) map[string]*warc.Record {
	t.Helper()
	files, err := filepath.Glob(filepath.Join(sampleRoot, "crawl-data", "CC-MAIN-2024-22", "segments", "*", "warc", "*.warc.gz"))
	if err != nil || len(files) == 0 {
		t.Fatalf("no sample WARC files (%v): run go run ./notebooks/gencrawl -out notebooks/data", err)
	}
	out := map[string]*warc.Record{}
	for _, name := range files {
		r, err := warc.Open(context.Background(), name)
		if err != nil {
			t.Fatal(err)
		}
		for {
			rec, err := r.Next()
			if errors.Is(err, io.EOF) {
				break
			}
			if err != nil {
				t.Fatal(err)
			}
			if rec.Type() == warc.TypeResponse {
				out[rec.TargetURI()] = rec
			}
		}
		r.Close()
	}
	return out
}

// watchedFS is a FileSystem that records what is listed and opened.
type watchedFS struct {
	fileio.FileSystem
	mu     sync.Mutex
	listed []string // prefixes
	opened []string // paths
	ranges int      // OpenRange calls
	bytes  int64
}

func (w *watchedFS) List(ctx context.Context, req fileio.ListRequest) (fileio.ListPage, error) {
	w.mu.Lock()
	w.listed = append(w.listed, req.Prefix)
	w.mu.Unlock()
	return w.FileSystem.List(ctx, req)
}

func (w *watchedFS) Open(ctx context.Context, path string) (io.ReadCloser, error) {
	return w.OpenRange(ctx, path, 0, -1)
}

func (w *watchedFS) OpenRange(ctx context.Context, path string, offset, length int64) (io.ReadCloser, error) {
	w.mu.Lock()
	w.opened = append(w.opened, path)
	w.ranges++
	w.mu.Unlock()
	rc, err := w.FileSystem.OpenRange(ctx, path, offset, length)
	if err != nil {
		return nil, err
	}
	return &watchedReader{rc, w}, nil
}

type watchedReader struct {
	io.ReadCloser
	w *watchedFS
}

func (r *watchedReader) Read(p []byte) (int, error) {
	n, err := r.ReadCloser.Read(p)
	r.w.mu.Lock()
	r.w.bytes += int64(n)
	r.w.mu.Unlock()
	return n, err
}

func watchedContext(t *testing.T) (*rdd.Context, *watchedFS) {
	t.Helper()
	w := &watchedFS{FileSystem: fileio.Local{}}
	fss := fileio.Default()
	fss["file"] = w
	sc := rdd.NewContext(rdd.WithParallelism(2), rdd.WithFileSystems(fss))
	t.Cleanup(sc.Stop)
	return sc, w
}

// parquetS3 is an in-process S3 server that logs its requests.
type parquetS3 struct {
	backend *s3mem.Backend
	server  *httptest.Server
	mu      sync.Mutex
	log     []s3Request
}

type s3Request struct {
	kind, path, rng string
	bytes           int64
}

func newParquetS3(t *testing.T, bucket string) *parquetS3 {
	t.Helper()
	f := &parquetS3{backend: s3mem.New()}
	if err := f.backend.CreateBucket(bucket); err != nil {
		t.Fatal(err)
	}
	handler := gofakes3.New(f.backend).Server()
	f.server = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		kind := r.Method
		if r.Method == http.MethodGet && r.URL.Query().Has("list-type") {
			kind = "LIST"
		}
		cw := &countingResponseWriter{ResponseWriter: w}
		handler.ServeHTTP(cw, r)
		path := r.URL.Path
		if kind == "LIST" {
			path += "?prefix=" + r.URL.Query().Get("prefix")
		}
		f.mu.Lock()
		f.log = append(f.log, s3Request{kind: kind, path: path, rng: r.Header.Get("Range"), bytes: cw.n})
		f.mu.Unlock()
	}))
	t.Cleanup(f.server.Close)
	return f
}

type countingResponseWriter struct {
	http.ResponseWriter
	n int64
}

func (c *countingResponseWriter) Write(p []byte) (int, error) {
	n, err := c.ResponseWriter.Write(p)
	c.n += int64(n)
	return n, err
}

// take returns the requests logged since the last call.
func (f *parquetS3) take() []s3Request {
	f.mu.Lock()
	defer f.mu.Unlock()
	l := f.log
	f.log = nil
	return l
}

// upload copies the files below dir into the bucket, under prefix.
func (f *parquetS3) upload(t *testing.T, bucket, dir, prefix string) {
	t.Helper()
	err := filepath.WalkDir(dir, func(path string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		data, err := os.ReadFile(path)
		if err != nil {
			return err
		}
		rel, _ := filepath.Rel(dir, path)
		_, err = f.backend.PutObject(bucket, prefix+filepath.ToSlash(rel), nil, bytes.NewReader(data), int64(len(data)), nil)
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
}

func (f *parquetS3) context(t *testing.T) *rdd.Context {
	t.Helper()
	return s3Context(t, f.server.URL)
}

func TestParquetFileReadsTheSampleIndex(t *testing.T) {
	responses := sampleResponses(t)
	sc := newContext(t)
	tests := []struct {
		name    string
		index   *rdd.RDD
		columns []string // of each row, sorted
		rows    int
	}{
		{"two columns", sc.ParquetFile(sampleIndex, "url_host_registered_domain", "content_languages"),
			[]string{"content_languages", "url_host_registered_domain"}, len(responses)},
		{"a partition column among them", sc.ParquetFile(sampleIndex+"/crawl=*/subset=warc", "url", "subset"),
			[]string{"subset", "url"}, countStatus(responses, 200)},
		{"all columns and the partitions", sc.ParquetFile(sampleIndex), nil, len(responses)},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			rows := tt.index.Collect()
			if len(rows) != tt.rows {
				t.Fatalf("%d rows, want %d", len(rows), tt.rows)
			}
			row := rows[0].(map[string]any)
			keys := slices.Sorted(func(yield func(string) bool) {
				for k := range row {
					if !yield(k) {
						return
					}
				}
			})
			if tt.columns == nil {
				if len(keys) != 32 || row["crawl"] != "CC-MAIN-2024-22" || row["subset"] == nil {
					t.Errorf("a row of all columns has %d: %v", len(keys), keys)
				}
				return
			}
			if !slices.Equal(keys, tt.columns) {
				t.Errorf("columns %v, want %v", keys, tt.columns)
			}
		})
	}
	// Pages per domain from the index, as from the WARC files.
	perDomain := sc.ParquetFile(sampleIndex, "url_host_registered_domain").
		Map(func(r map[string]any) string { return r["url_host_registered_domain"].(string) }).CountByValue()
	want := map[any]int64{}
	for uri := range responses {
		u, err := url.Parse(uri)
		if err != nil {
			t.Fatal(err)
		}
		labels := strings.Split(u.Hostname(), ".")
		want[strings.Join(labels[len(labels)-2:], ".")]++
	}
	check(t, "pages per domain", perDomain, want)
}

func countStatus(responses map[string]*warc.Record, status int) int {
	n := 0
	for _, r := range responses {
		if r.HTTPStatus() == status {
			n++
		}
	}
	return n
}

// partitionedTree writes a Hive-partitioned table of Parquet files below dir.
func partitionedTree(t *testing.T, sc *rdd.Context, dir string) {
	t.Helper()
	for _, crawl := range []string{"CC-MAIN-2024-18", "CC-MAIN-2024-22"} {
		for _, subset := range []string{"warc", "crawldiagnostics", "robotstxt"} {
			rows := []map[string]any{}
			for i := range 5 {
				rows = append(rows, map[string]any{"url": fmt.Sprintf("https://%s.example/%s/%d", crawl, subset, i), "n": i})
			}
			out := filepath.Join(dir, "crawl="+crawl, "subset="+subset)
			sc.Parallelize(rows, 2).SaveAsParquet(out)
		}
	}
}

func TestParquetPartitionFiltersSkipDirectories(t *testing.T) {
	dir := t.TempDir()
	partitionedTree(t, newContext(t), dir)
	onlyWarc := func(seen string) bool {
		return !strings.Contains(seen, "crawldiagnostics") && !strings.Contains(seen, "robotstxt")
	}
	tests := []struct {
		name    string
		paths   string
		opts    []rdd.ParquetOption
		rows    int
		allowed func(path string) bool // may this path be listed or opened?
	}{
		{"Where on subset", dir, []rdd.ParquetOption{rdd.Columns("url", "crawl"), rdd.Where("subset", "warc")}, 10, onlyWarc},
		{"Where on two partition columns", dir, []rdd.ParquetOption{rdd.Where("crawl", "CC-MAIN-2024-22"), rdd.Where("subset", "warc", "robotstxt")}, 10,
			func(p string) bool {
				return !strings.Contains(p, "2024-18") && !strings.Contains(p, "crawldiagnostics")
			}},
		{"PartitionFilter", dir, []rdd.ParquetOption{rdd.PartitionFilter(func(p map[string]string) bool {
			subset, ok := p["subset"]
			return !ok || subset == "warc"
		})}, 10, onlyWarc},
		{"a glob and Where", dir + "/crawl=*/*", []rdd.ParquetOption{rdd.Where("subset", "warc")}, 10, onlyWarc},
		{"Where on partition and data columns", dir, []rdd.ParquetOption{rdd.Where("subset", "warc"), rdd.Where("n", 3)}, 2, onlyWarc},
		{"no filter", dir, nil, 30, func(string) bool { return true }},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			sc, watched := watchedContext(t)
			rows := sc.ReadParquet(tt.paths, tt.opts...).Collect()
			if len(rows) != tt.rows {
				t.Errorf("%d rows, want %d: %v", len(rows), tt.rows, rows)
			}
			for _, r := range rows {
				if m := r.(map[string]any); m["crawl"] == nil || m["url"] == nil {
					t.Errorf("row %v lacks its url or crawl", m)
				}
			}
			for _, p := range append(watched.listed, watched.opened...) {
				if !tt.allowed(p) {
					t.Errorf("listed or opened %s, in a pruned directory", p)
				}
			}
		})
	}
}

func TestParquetPartitionFiltersOnS3ListAndReadNothingPruned(t *testing.T) {
	local := t.TempDir()
	partitionedTree(t, newContext(t), local)
	fake := newParquetS3(t, "idx")
	fake.upload(t, "idx", local, "table/")
	sc := fake.context(t)
	index := sc.ReadParquet("s3://idx/table/", rdd.Columns("url"), rdd.Where("crawl", "CC-MAIN-2024-22"), rdd.Where("subset", "warc"))
	if got := fake.take(); len(got) != 0 {
		t.Fatalf("making the RDD made requests: %v", got)
	}
	if n := index.Count(); n != 5 {
		t.Errorf("%d rows, want 5", n)
	}
	gets := 0
	for _, r := range fake.take() {
		if strings.Contains(r.path, "2024-18") || strings.Contains(r.path, "crawldiagnostics") || strings.Contains(r.path, "robotstxt") {
			t.Errorf("%s %s: a pruned directory", r.kind, r.path)
		}
		if r.kind == "GET" {
			gets++
		}
	}
	if gets != 2 { // the two part files of crawl=CC-MAIN-2024-22/subset=warc, each small enough for one read
		t.Errorf("%d GETs, want 2", gets)
	}
}

type savedRow struct {
	Name  string    `parquet:"name"`
	Count int16     `parquet:"count"`
	When  time.Time `parquet:"when"`
	Tags  []string  `parquet:"tags"`
}

func TestSaveAsParquetRoundTrips(t *testing.T) {
	when := time.Date(2024, 5, 18, 1, 2, 3, 0, time.UTC)
	tests := []struct {
		name string
		data any
		want []any // read back by ParquetFile, in order
	}{
		{"maps", []map[string]any{{"a": 1, "b": "x"}, {"a": 2, "b": nil}, {"a": 3, "b": "z"}},
			[]any{map[string]any{"a": 1, "b": "x"}, map[string]any{"a": 2, "b": nil}, map[string]any{"a": 3, "b": "z"}}},
		{"structs", []savedRow{{"a", 1, when, []string{"x"}}, {"b", 2, when, nil}},
			[]any{map[string]any{"name": "a", "count": 1, "when": when, "tags": []any{"x"}}, map[string]any{"name": "b", "count": 2, "when": when, "tags": nil}}},
		{"pairs", []rdd.Pair{rdd.KV("de", 3), rdd.KV("fr", 4)},
			[]any{map[string]any{"key": "de", "value": 3}, map[string]any{"key": "fr", "value": 4}}},
		{"scalars", []string{"x", "y", "z"},
			[]any{map[string]any{"value": "x"}, map[string]any{"value": "y"}, map[string]any{"value": "z"}}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			sc := newContext(t)
			out := filepath.Join(t.TempDir(), "out")
			sc.Parallelize(tt.data, 4).SaveAsParquet(out) // 4 slices of 2 or 3 elements: some empty
			entries, err := os.ReadDir(out)
			if err != nil {
				t.Fatal(err)
			}
			var names []string
			for _, e := range entries {
				names = append(names, e.Name())
			}
			parts := 0
			for _, n := range names {
				if regexp.MustCompile(`^part-0000[0-3]-[0-9a-f-]{36}-c000\.snappy\.parquet$`).MatchString(n) {
					parts++
				} else if n != "_SUCCESS" {
					t.Errorf("unexpected file %s in %v", n, names)
				}
			}
			if !slices.Contains(names, "_SUCCESS") || parts != min(4, len(tt.want)) {
				t.Errorf("output files %v: want a part file per non-empty partition and _SUCCESS", names)
			}
			check(t, "read back", sc.ParquetFile(out).Collect(), tt.want)
		})
	}
	sc := newContext(t)
	out := filepath.Join(t.TempDir(), "out")
	sc.Parallelize([]int{1}).SaveAsParquet(out)
	if je := jobError(t, func() { sc.Parallelize([]int{2}).SaveAsParquet(out) }); !strings.Contains(je.Error(), "exists") {
		t.Errorf("saving over existing output: %v", je)
	}
	// A partition that does not fit its file's schema fails the job, and nothing appears.
	bad := filepath.Join(t.TempDir(), "bad")
	je := jobError(t, func() {
		sc.Parallelize([]any{map[string]any{"a.b": 1}, map[string]any{"a": map[string]any{"b": 2}}}, 1).SaveAsParquet(bad)
	})
	if !strings.Contains(je.Error(), "part-00000") || !strings.Contains(je.Error(), `"a.b"`) {
		t.Errorf("a row that does not fit: %v", je)
	}
	if _, err := os.Stat(bad); !errors.Is(err, fs.ErrNotExist) {
		t.Errorf("failed output exists: %v", err)
	}
}

func TestSaveAsParquetOnS3(t *testing.T) {
	fake := newParquetS3(t, "out")
	sc := fake.context(t)
	sc.ParquetFile(sampleIndex+"/crawl=CC-MAIN-2024-22/subset=warc", "url", "fetch_status").SaveAsParquet("s3://out/warc")
	if _, err := fake.backend.HeadObject("out", "warc/_SUCCESS"); err != nil {
		t.Errorf("no _SUCCESS marker: %v", err)
	}
	local := sc.ParquetFile(sampleIndex+"/crawl=CC-MAIN-2024-22/subset=warc", "url", "fetch_status").Collect()
	check(t, "read back from S3", sc.ParquetFile("s3://out/warc").Collect(), local)
}

type indexEntry struct {
	URL              string `parquet:"url"`
	Status           int    `parquet:"fetch_status"`
	WarcFilename     string
	WarcRecordOffset int64
	WarcRecordLength int64
	Crawl            string
}

func TestReadParquetRowsAs(t *testing.T) {
	sc := newContext(t)
	rows := sc.ReadParquet(sampleIndex, rdd.RowsAs(indexEntry{}), rdd.Where("subset", "crawldiagnostics")).Collect()
	responses := sampleResponses(t)
	if len(rows) != len(responses)-countStatus(responses, 200) {
		t.Fatalf("%d rows, want the %d redirects and errors", len(rows), len(responses)-countStatus(responses, 200))
	}
	for _, r := range rows {
		e := r.(indexEntry)
		if e.Status == 200 || responses[e.URL] == nil || responses[e.URL].HTTPStatus() != e.Status || e.Crawl != "CC-MAIN-2024-22" || e.WarcRecordLength == 0 {
			t.Errorf("row %+v", e)
		}
	}
	je := jobError(t, func() { sc.ReadParquet(sampleIndex, rdd.RowsAs(struct{ Nope string }{})).Count() })
	if !strings.Contains(je.Error(), "Nope") || !strings.Contains(je.Error(), ".parquet") {
		t.Errorf("a field without a column: %v", je)
	}
}

func TestWarcRecordsFetchEachRecordWithOneRangedGet(t *testing.T) {
	responses := sampleResponses(t)
	fake := newParquetS3(t, "commoncrawl")
	fake.upload(t, "commoncrawl", sampleRoot, "")
	sc := fake.context(t)
	tests := []struct {
		name  string
		index func() *rdd.RDD
	}{
		{"maps", func() *rdd.RDD {
			return sc.ParquetFile("s3://commoncrawl/cc-index/table/cc-main/warc/", "url", "warc_filename", "warc_record_offset", "warc_record_length")
		}},
		{"structs", func() *rdd.RDD {
			return sc.ReadParquet("s3://commoncrawl/cc-index/table/cc-main/warc/", rdd.RowsAs(indexEntry{}))
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			rows := tt.index().Filter(func(r any) bool {
				url := ""
				switch x := r.(type) {
				case map[string]any:
					url = x["url"].(string)
				case indexEntry:
					url = x.URL
				}
				return strings.HasSuffix(url, "/") // the home pages
			}).Collect()
			fake.take()
			recs := sc.WarcRecords(sc.Parallelize(rows, 3), "s3://commoncrawl").Collect()
			if len(recs) != len(rows) || len(rows) < 20 {
				t.Fatalf("%d records for %d index rows", len(recs), len(rows))
			}
			for i, x := range recs {
				rec := x.(*warc.Record)
				want := responses[rec.TargetURI()]
				if want == nil || rec.Offset != want.Offset || rec.Length != want.Length || !bytes.Equal(rec.Body, want.Body) {
					t.Errorf("record %d of %s at %d: not the response in the WARC file", i, rec.TargetURI(), rec.Offset)
				}
			}
			// The server logs a request when it has answered it, so a read of
			// the index that the reader gave up early may come in late; and
			// the S3 client may retry a request. Each record is one range.
			ranges := map[string]bool{}
			for _, r := range fake.take() {
				if !strings.HasSuffix(r.path, ".warc.gz") {
					continue
				}
				if r.kind != "GET" || !strings.HasPrefix(r.rng, "bytes=") {
					t.Errorf("request %+v, want only ranged GETs", r)
				}
				ranges[r.path+" "+r.rng] = true
			}
			if len(ranges) != len(rows) {
				t.Errorf("%d ranges read for %d records, want one each", len(ranges), len(rows))
			}
		})
	}
}

func TestWarcRecordsLocally(t *testing.T) {
	sc, watched := watchedContext(t)
	index := sc.ParquetFile(sampleIndex, "url", "fetch_status", "warc_filename", "warc_record_offset", "warc_record_length").
		Filter(func(r map[string]any) bool { return r["fetch_status"] == 404 })
	rows := index.Collect()
	watched.mu.Lock()
	watched.ranges, watched.opened = 0, nil
	watched.mu.Unlock()
	recs := sc.WarcRecords(index, sampleRoot).Map(func(r *warc.Record) rdd.Pair { return rdd.KV(r.TargetURI(), r.HTTPStatus()) }).Collect()
	if len(recs) != len(rows) || len(rows) == 0 {
		t.Fatalf("%d records for %d rows", len(recs), len(rows))
	}
	for i, p := range recs {
		if p.(rdd.Pair).Key != rows[i].(map[string]any)["url"] || p.(rdd.Pair).Value != 404 {
			t.Errorf("record %d is %v, row %v", i, p, rows[i])
		}
	}
	warcReads := 0
	for _, p := range watched.opened {
		if strings.HasSuffix(p, ".warc.gz") {
			warcReads++
		}
	}
	if warcReads != len(rows) {
		t.Errorf("%d reads of WARC files for %d records", warcReads, len(rows))
	}
}

func TestParquetErrorsNameTheFile(t *testing.T) {
	dir := t.TempDir()
	bad := filepath.Join(dir, "table", "part-00001.parquet")
	os.MkdirAll(filepath.Dir(bad), 0o755)
	os.WriteFile(bad, []byte("not parquet at all"), 0o644)
	warcPath := "crawl-data/CC-MAIN-2024-22/segments/1715971057216.39/warc/CC-MAIN-20240517233122-20240518023122-00000.warc.gz"
	sc := newContext(t)
	tests := []struct {
		name string
		run  func()
		want []string
	}{
		{"a file that is not Parquet", func() { sc.ParquetFile(bad).Count() }, []string{"part-00001.parquet"}},
		{"a missing file", func() { sc.ParquetFile(filepath.Join(dir, "nope.parquet")).Count() }, []string{"nope.parquet"}},
		{"a missing column", func() { sc.ParquetFile(sampleIndex, "nope").Count() }, []string{"part-0000", `no column "nope"`}},
		{"a byte range that holds no record", func() {
			sc.WarcRecords(sc.Parallelize([]map[string]any{{"warc_filename": warcPath, "warc_record_offset": 1, "warc_record_length": 100}}), sampleRoot).Count()
		}, []string{"00000.warc.gz", "offset 1"}},
		{"an index row without its columns", func() {
			sc.WarcRecords(sc.Parallelize([]map[string]any{{"url": "x"}})).Count()
		}, []string{"warc_filename"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			je := jobError(t, tt.run)
			for _, w := range tt.want {
				if !strings.Contains(je.Error(), w) {
					t.Errorf("error %q does not say %q", je.Error(), w)
				}
			}
		})
	}
}

func TestParquetSplitsLargeFilesByRowGroup(t *testing.T) {
	sc := newContext(t)
	out := filepath.Join(t.TempDir(), "big")
	var b bytes.Buffer
	w := parquet.NewWriter(&b, parquet.WriterOptions{RowGroupRows: 250})
	rng := rand.New(rand.NewPCG(1, 2))
	for i := range 3000 {
		if err := w.Write(map[string]any{"i": i, "pad": fmt.Sprintf("%x", rng.Uint64())}); err != nil {
			t.Fatal(err)
		}
	}
	if err := w.Close(); err != nil {
		t.Fatal(err)
	}
	os.MkdirAll(out, 0o755)
	os.WriteFile(filepath.Join(out, "part-00000.parquet"), b.Bytes(), 0o644)
	whole := sc.ParquetFile(out, "i")
	split := sc.ReadParquet(out, rdd.Columns("i"), rdd.MaxSplitBytes(int64(b.Len()/5)))
	if whole.GetNumPartitions() != 1 || split.GetNumPartitions() < 2 {
		t.Fatalf("%d and %d partitions", whole.GetNumPartitions(), split.GetNumPartitions())
	}
	var got []int
	for _, r := range split.Collect() {
		got = append(got, r.(map[string]any)["i"].(int))
	}
	sort.Ints(got)
	for i, v := range got {
		if v != i {
			t.Fatalf("the splits read %d rows, want each of 0..2999 once (row %d is %d)", len(got), i, v)
		}
	}
	if len(got) != 3000 {
		t.Errorf("the splits read %d rows, want 3000", len(got))
	}
}

func TestParquetFileIsLazyAndCancellable(t *testing.T) {
	sc, watched := watchedContext(t)
	index := sc.ParquetFile(sampleIndex, "url")
	if len(watched.listed)+len(watched.opened) != 0 {
		t.Errorf("making the RDD listed %v and opened %v", watched.listed, watched.opened)
	}
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	sc.SetJobContext(ctx)
	je := jobError(t, func() { index.Count() })
	if !errors.Is(je, context.Canceled) {
		t.Errorf("a cancelled job: %v", je)
	}
	sc.SetJobContext(context.Background())
	if index.Count() == 0 {
		t.Error("no rows after the cancelled job")
	}
}
