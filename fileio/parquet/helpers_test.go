package parquet_test

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"math/rand/v2"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/credentials"
	"github.com/johannesboyne/gofakes3"
	"github.com/johannesboyne/gofakes3/backend/s3mem"

	"github.com/gosparkling/gosparkling/fileio"
	"github.com/gosparkling/gosparkling/fileio/parquet"
)

// countingFS is a FileSystem that counts the reads of each file and the bytes they return.
type countingFS struct {
	fileio.FileSystem
	mu    sync.Mutex
	reads map[string]int
	bytes map[string]int64
}

func newCountingFS(fsys fileio.FileSystem) *countingFS {
	return &countingFS{FileSystem: fsys, reads: map[string]int{}, bytes: map[string]int64{}}
}

func (c *countingFS) Open(ctx context.Context, path string) (io.ReadCloser, error) {
	return c.OpenRange(ctx, path, 0, -1)
}

func (c *countingFS) OpenRange(ctx context.Context, path string, offset, length int64) (io.ReadCloser, error) {
	c.mu.Lock()
	c.reads[path]++
	c.mu.Unlock()
	rc, err := c.FileSystem.OpenRange(ctx, path, offset, length)
	if err != nil {
		return nil, err
	}
	return &countingReader{ReadCloser: rc, fs: c, path: path}, nil
}

func (c *countingFS) counts(path string) (reads int, bytes int64) {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.reads[path], c.bytes[path]
}

type countingReader struct {
	io.ReadCloser
	fs   *countingFS
	path string
}

func (r *countingReader) Read(p []byte) (int, error) {
	n, err := r.ReadCloser.Read(p)
	r.fs.mu.Lock()
	r.fs.bytes[r.path] += int64(n)
	r.fs.mu.Unlock()
	return n, err
}

// fakeS3 is an in-process S3 server that counts the GET requests of each key and the bytes
// of their bodies.
type fakeS3 struct {
	backend *s3mem.Backend
	server  *httptest.Server
	mu      sync.Mutex
	gets    map[string]int
	bytes   map[string]int64
	other   int
}

func newFakeS3(t *testing.T, bucket string) *fakeS3 {
	t.Helper()
	f := &fakeS3{backend: s3mem.New(), gets: map[string]int{}, bytes: map[string]int64{}}
	if err := f.backend.CreateBucket(bucket); err != nil {
		t.Fatal(err)
	}
	handler := gofakes3.New(f.backend).Server()
	f.server = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		key := strings.TrimPrefix(r.URL.Path, "/")
		if r.Method != http.MethodGet || r.URL.Query().Has("list-type") {
			f.mu.Lock()
			f.other++
			f.mu.Unlock()
			handler.ServeHTTP(w, r)
			return
		}
		cw := &countingResponse{ResponseWriter: w}
		handler.ServeHTTP(cw, r)
		f.mu.Lock()
		f.gets[key]++
		f.bytes[key] += cw.n
		f.mu.Unlock()
	}))
	t.Cleanup(f.server.Close)
	return f
}

func (f *fakeS3) put(t *testing.T, bucket, key string, data []byte) {
	t.Helper()
	if _, err := f.backend.PutObject(bucket, key, nil, bytes.NewReader(data), int64(len(data)), nil); err != nil {
		t.Fatal(err)
	}
}

func (f *fakeS3) counts(key string) (gets int, bytes int64) {
	f.mu.Lock()
	defer f.mu.Unlock()
	return f.gets[key], f.bytes[key]
}

func (f *fakeS3) fs(t *testing.T) fileio.FileSystem {
	t.Helper()
	s3fs, err := fileio.NewS3(context.Background(), fileio.S3Options{
		Endpoint: f.server.URL, PathStyle: true, Region: "us-east-1",
		Credentials: credentials.NewStaticCredentialsProvider("AKID", "secret", ""),
	})
	if err != nil {
		t.Fatal(err)
	}
	return s3fs
}

type countingResponse struct {
	http.ResponseWriter
	n int64
}

func (c *countingResponse) Write(p []byte) (int, error) {
	n, err := c.ResponseWriter.Write(p)
	c.n += int64(n)
	return n, err
}

// wideRow has the 30 columns of Common Crawl's URL index, with the same types.
type wideRow struct {
	URLSurtkey              string    `parquet:"url_surtkey"`
	URL                     string    `parquet:"url"`
	URLHostName             string    `parquet:"url_host_name"`
	URLHostTLD              string    `parquet:"url_host_tld"`
	URLHost2ndLastPart      *string   `parquet:"url_host_2nd_last_part"`
	URLHost3rdLastPart      *string   `parquet:"url_host_3rd_last_part"`
	URLHost4thLastPart      *string   `parquet:"url_host_4th_last_part"`
	URLHost5thLastPart      *string   `parquet:"url_host_5th_last_part"`
	URLHostRegistrySuffix   string    `parquet:"url_host_registry_suffix"`
	URLHostRegisteredDomain string    `parquet:"url_host_registered_domain"`
	URLHostPrivateSuffix    string    `parquet:"url_host_private_suffix"`
	URLHostPrivateDomain    string    `parquet:"url_host_private_domain"`
	URLHostNameReversed     string    `parquet:"url_host_name_reversed"`
	URLProtocol             string    `parquet:"url_protocol"`
	URLPort                 *int32    `parquet:"url_port"`
	URLPath                 string    `parquet:"url_path"`
	URLQuery                *string   `parquet:"url_query"`
	FetchTime               time.Time `parquet:"fetch_time"`
	FetchStatus             int16     `parquet:"fetch_status"`
	FetchRedirect           *string   `parquet:"fetch_redirect"`
	ContentDigest           string    `parquet:"content_digest"`
	ContentMimeType         string    `parquet:"content_mime_type"`
	ContentMimeDetected     string    `parquet:"content_mime_detected"`
	ContentCharset          *string   `parquet:"content_charset"`
	ContentLanguages        *string   `parquet:"content_languages"`
	ContentTruncated        *string   `parquet:"content_truncated"`
	WarcFilename            string    `parquet:"warc_filename"`
	WarcRecordOffset        int32     `parquet:"warc_record_offset"`
	WarcRecordLength        int32     `parquet:"warc_record_length"`
	WarcSegment             string    `parquet:"warc_segment"`
}

func ptr[T any](v T) *T { return &v }

// wideRows makes n rows of a made-up index, sorted by SURT key.
func wideRows(n int) []wideRow {
	rng := rand.New(rand.NewPCG(1, 2))
	tlds := []string{"com", "de", "fr", "io", "jp", "net", "org"} // sorted, as the rows are
	langs := []string{"eng", "deu", "fra", "jpn", "spa", "eng,deu", "fra,eng"}
	mimes := []string{"text/html", "application/xhtml+xml", "application/pdf", "text/plain"}
	word := func(k int) string {
		const letters = "abcdefghijklmnopqrstuvwxyz"
		b := make([]byte, k)
		for i := range b {
			b[i] = letters[rng.IntN(len(letters))]
		}
		return string(b)
	}
	rows := make([]wideRow, n)
	for i := range rows {
		tld := tlds[i*len(tlds)/n]
		domain := fmt.Sprintf("site%04d.%s", i/20, tld)
		host := "www." + domain
		path := "/" + word(6) + "/" + word(12) + ".html"
		status := int16(200)
		if rng.IntN(10) == 0 {
			status = 404
		}
		rows[i] = wideRow{
			URLSurtkey: fmt.Sprintf("%s,site%04d)%s", tld, i/20, path), URL: "https://" + host + path,
			URLHostName: host, URLHostTLD: tld, URLHost2ndLastPart: ptr(fmt.Sprintf("site%04d", i/20)), URLHost3rdLastPart: ptr("www"),
			URLHostRegistrySuffix: tld, URLHostRegisteredDomain: domain, URLHostPrivateSuffix: tld, URLHostPrivateDomain: domain,
			URLHostNameReversed: tld + "." + domain, URLProtocol: "https", URLPath: path,
			FetchTime:   time.Date(2024, 5, 18, 0, 0, 0, 0, time.UTC).Add(time.Duration(rng.IntN(86400)) * time.Second),
			FetchStatus: status, ContentDigest: strings.ToUpper(word(32)), ContentMimeType: mimes[rng.IntN(len(mimes))],
			ContentMimeDetected: mimes[rng.IntN(len(mimes))], ContentCharset: ptr("UTF-8"), ContentLanguages: ptr(langs[rng.IntN(len(langs))]),
			WarcFilename:     fmt.Sprintf("crawl-data/CC-MAIN-2024-22/segments/1715971057216.%d/warc/CC-MAIN-20240518-%05d.warc.gz", 39+i%3, i%90),
			WarcRecordOffset: int32(rng.IntN(1 << 30)), WarcRecordLength: int32(1000 + rng.IntN(50000)),
			WarcSegment: fmt.Sprintf("1715971057216.%d", 39+i%3),
		}
		if rng.IntN(5) == 0 {
			rows[i].URLQuery = ptr("q=" + word(8))
		}
	}
	return rows
}

// writeRows writes rows into a Parquet file in memory.
func writeRows[T any](t *testing.T, rows []T, opts parquet.WriterOptions) []byte {
	t.Helper()
	var b bytes.Buffer
	w := parquet.NewWriter(&b, opts)
	for _, r := range rows {
		if err := w.Write(r); err != nil {
			t.Fatal(err)
		}
	}
	if err := w.Close(); err != nil {
		t.Fatal(err)
	}
	return b.Bytes()
}

// writeFile writes data into dir/name and returns its path.
func writeFile(t *testing.T, dir, name string, data []byte) string {
	t.Helper()
	p := filepath.Join(dir, filepath.FromSlash(name))
	if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(p, data, 0o644); err != nil {
		t.Fatal(err)
	}
	return p
}

// readAll reads the rows of every row group of a file as maps.
func readAll(t *testing.T, f *parquet.File, p parquet.Projection) []map[string]any {
	t.Helper()
	var out []map[string]any
	for g := 0; g < f.NumRowGroups(); g++ {
		rows, err := f.Rows(g, p)
		if err != nil {
			t.Fatal(err)
		}
		for rows.Next() {
			m := map[string]any{}
			for i, name := range rows.Columns() {
				m[name] = rows.Values()[i]
			}
			out = append(out, m)
		}
		if err := rows.Err(); err != nil {
			t.Fatal(err)
		}
		rows.Close()
	}
	return out
}
