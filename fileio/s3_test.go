package fileio

import (
	"context"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"log"
	"net/http"
	"net/http/httptest"
	"slices"
	"sort"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/credentials"
	"github.com/aws/aws-sdk-go-v2/service/s3"
	"github.com/johannesboyne/gofakes3"
	"github.com/johannesboyne/gofakes3/backend/s3mem"
)

// fastRetry retries like the default policy but without noticeable waits.
var fastRetry = RetryPolicy{Attempts: 3, BaseDelay: time.Millisecond, MaxDelay: 2 * time.Millisecond}

// served is one request an in-process server received.
type served struct {
	Kind    string // LIST, GET, HEAD, PUT, CREATEMULTIPART, UPLOADPART, COMPLETE, ABORT, OTHER
	Path    string // URL path: "/bucket/key" (path-style)
	Range   string
	IfMatch string
	Auth    string // Authorization header
}

// s3Kind names the S3 operation of a request.
func s3Kind(r *http.Request) string {
	q := r.URL.Query()
	switch {
	case r.Method == http.MethodGet && q.Has("list-type"):
		return "LIST"
	case r.Method == http.MethodGet:
		return "GET"
	case r.Method == http.MethodHead:
		return "HEAD"
	case r.Method == http.MethodPut && q.Has("partNumber"):
		return "UPLOADPART"
	case r.Method == http.MethodPut:
		return "PUT"
	case r.Method == http.MethodPost && q.Has("uploads"):
		return "CREATEMULTIPART"
	case r.Method == http.MethodPost && q.Has("uploadId"):
		return "COMPLETE"
	case r.Method == http.MethodDelete && q.Has("uploadId"):
		return "ABORT"
	}
	return "OTHER"
}

// recorder is an httptest server on 127.0.0.1 that logs the requests it gets and passes them
// to a handler, optionally through a test's middleware.
type recorder struct {
	server     *httptest.Server
	handler    http.Handler
	mu         sync.Mutex
	log        []served
	middleware func(next http.Handler) http.Handler
}

func newRecorder(t *testing.T, handler http.Handler) *recorder {
	rec := &recorder{handler: handler}
	rec.server = httptest.NewUnstartedServer(http.HandlerFunc(rec.serve))
	rec.server.Config.ErrorLog = log.New(io.Discard, "", 0) // cut connections make noise
	rec.server.Start()
	t.Cleanup(rec.server.Close)
	return rec
}

func (rec *recorder) serve(w http.ResponseWriter, r *http.Request) {
	rec.mu.Lock()
	rec.log = append(rec.log, served{Kind: s3Kind(r), Path: r.URL.Path, Range: r.Header.Get("Range"),
		IfMatch: r.Header.Get("If-Match"), Auth: r.Header.Get("Authorization")})
	middleware := rec.middleware
	rec.mu.Unlock()
	h := rec.handler
	if middleware != nil {
		h = middleware(h)
	}
	h.ServeHTTP(w, r)
}

// requests returns the requests served so far and forgets them.
func (rec *recorder) requests() []served {
	rec.mu.Lock()
	defer rec.mu.Unlock()
	out := rec.log
	rec.log = nil
	return out
}

// kinds returns the kinds of the requests served so far and forgets them.
func (rec *recorder) kinds() []string {
	var out []string
	for _, r := range rec.requests() {
		out = append(out, r.Kind)
	}
	return out
}

func (rec *recorder) setMiddleware(m func(next http.Handler) http.Handler) {
	rec.mu.Lock()
	rec.middleware = m
	rec.mu.Unlock()
}

// fakeS3 is gofakes3 with an in-memory backend behind a recorder.
type fakeS3 struct {
	*recorder
	backend *s3mem.Backend
}

func newFakeS3(t *testing.T, buckets ...string) *fakeS3 {
	backend := s3mem.New()
	for _, b := range buckets {
		if err := backend.CreateBucket(b); err != nil {
			t.Fatal(err)
		}
	}
	return &fakeS3{recorder: newRecorder(t, gofakes3.New(backend).Server()), backend: backend}
}

// put stores objects (key -> content) in bucket directly, without requests.
func (f *fakeS3) put(t testing.TB, bucket string, objects map[string]string) {
	t.Helper()
	for key, content := range objects {
		meta := map[string]string{"Last-Modified": time.Now().UTC().Format(http.TimeFormat)} // as gofakes3's PUT sets it
		if _, err := f.backend.PutObject(bucket, key, meta, strings.NewReader(content), int64(len(content)), nil); err != nil {
			t.Fatal(err)
		}
	}
}

// fs returns an S3 file system addressing the fake path-style with static credentials;
// opts may set more.
func (f *fakeS3) fs(t testing.TB, opts S3Options) *S3 {
	t.Helper()
	opts.Endpoint, opts.PathStyle, opts.Region = f.server.URL, true, "us-east-1"
	if opts.Credentials == nil {
		opts.Credentials = credentials.NewStaticCredentialsProvider("AKIDTEST", "secret", "")
	}
	if opts.Retry == (RetryPolicy{}) {
		opts.Retry = fastRetry
	}
	s, err := NewS3(context.Background(), opts)
	if err != nil {
		t.Fatal(err)
	}
	return s
}

// readAllFrom reads a whole reader and closes it.
func readAllFrom(t testing.TB, rc io.ReadCloser) string {
	t.Helper()
	b, err := io.ReadAll(rc)
	if err != nil {
		t.Fatal(err)
	}
	if err := rc.Close(); err != nil {
		t.Fatal(err)
	}
	return string(b)
}

func TestS3ReadsObjectsAndRanges(t *testing.T) {
	fake := newFakeS3(t, "bucket")
	fake.put(t, "bucket", map[string]string{"data/digits.txt": "0123456789", "data/empty.txt": ""})
	s3fs := fake.fs(t, S3Options{})
	tests := []struct {
		name           string
		path           string
		offset, length int64 // length -2: Open
		want           string
		wantRange      string // Range header of the one GET
	}{
		{"Open streams the whole object", "s3://bucket/data/digits.txt", 0, -2, "0123456789", ""},
		{"a range in the middle", "s3://bucket/data/digits.txt", 3, 4, "3456", "bytes=3-6"},
		{"a range to the end", "s3://bucket/data/digits.txt", 7, -1, "789", "bytes=7-"},
		{"a range past the end is cut", "s3://bucket/data/digits.txt", 8, 100, "89", "bytes=8-107"},
		{"a range beyond the end is empty", "s3://bucket/data/digits.txt", 10, 5, "", "bytes=10-14"},
		{"an empty range", "s3://bucket/data/digits.txt", 2, 0, "", "bytes=2-2"},
		{"from 0 to the end is a plain GET", "s3://bucket/data/digits.txt", 0, -1, "0123456789", ""},
		{"an empty object", "s3://bucket/data/empty.txt", 0, -2, "", ""},
		{"a range of an empty object", "s3://bucket/data/empty.txt", 0, 10, "", "bytes=0-9"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			fake.requests()
			var rc io.ReadCloser
			var err error
			if tt.length == -2 {
				rc, err = s3fs.Open(context.Background(), tt.path)
			} else {
				rc, err = s3fs.OpenRange(context.Background(), tt.path, tt.offset, tt.length)
			}
			if err != nil {
				t.Fatal(err)
			}
			if got := readAllFrom(t, rc); got != tt.want {
				t.Errorf("read %q, want %q", got, tt.want)
			}
			reqs := fake.requests()
			if len(reqs) != 1 || reqs[0].Kind != "GET" || reqs[0].Range != tt.wantRange {
				t.Errorf("requests %+v, want one GET with Range %q", reqs, tt.wantRange)
			}
		})
	}
}

func TestS3Stat(t *testing.T) {
	fake := newFakeS3(t, "bucket", "empty")
	fake.put(t, "bucket", map[string]string{"a/b/c.txt": "hello", "top.txt": "x"})
	s3fs := fake.fs(t, S3Options{})
	tests := []struct {
		path     string
		want     FileInfo
		wantErr  error  // errors.Is target
		wantText string // in the message
	}{
		{path: "s3://bucket/a/b/c.txt", want: FileInfo{Path: "s3://bucket/a/b/c.txt", Size: 5}},
		{path: "s3://bucket/a", want: FileInfo{Path: "s3://bucket/a", IsDir: true}},
		{path: "s3://bucket/a/b/", want: FileInfo{Path: "s3://bucket/a/b/", IsDir: true}},
		{path: "s3://bucket", want: FileInfo{Path: "s3://bucket", IsDir: true}},
		{path: "s3://bucket/", want: FileInfo{Path: "s3://bucket/", IsDir: true}},
		{path: "s3://empty/", want: FileInfo{Path: "s3://empty/", IsDir: true}},
		{path: "s3://bucket/a/b/c", wantErr: fs.ErrNotExist, wantText: "fileio: stat s3://bucket/a/b/c: "},
		{path: "s3://bucket/a/", want: FileInfo{Path: "s3://bucket/a/", IsDir: true}},
		{path: "s3://bucket/nothing/", wantErr: fs.ErrNotExist, wantText: "s3://bucket/nothing/"},
		{path: "s3://nobucket/x", wantErr: fs.ErrNotExist, wantText: `fileio: stat s3://nobucket/x: bucket "nobucket" does not exist (S3 NoSuchBucket)`},
		{path: "s3:///x", wantText: "no bucket name"},
	}
	for _, tt := range tests {
		t.Run(tt.path, func(t *testing.T) {
			got, err := s3fs.Stat(context.Background(), tt.path)
			if tt.wantText != "" || tt.wantErr != nil {
				if err == nil || !strings.Contains(err.Error(), tt.wantText) || tt.wantErr != nil && !errors.Is(err, tt.wantErr) {
					t.Fatalf("error %v, want one containing %q and matching %v", err, tt.wantText, tt.wantErr)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if !tt.want.IsDir && got.ModTime.IsZero() {
				t.Errorf("no modification time in %+v", got)
			}
			got.ModTime = time.Time{}
			if got != tt.want {
				t.Errorf("got %+v, want %+v", got, tt.want)
			}
		})
	}
}

func TestS3ListPagesLazily(t *testing.T) {
	fake := newFakeS3(t, "bucket")
	fake.put(t, "bucket", map[string]string{
		"logs/a.txt": "1", "logs/b.txt": "22", "logs/c.txt": "333", "logs/d.txt": "4444", "logs/e.txt": "5",
		"logs/2024/x.txt": "x", "logs/2025/y.txt": "y", "logs/2025/": "", "other.txt": "o",
	})
	s3fs := fake.fs(t, S3Options{PageSize: 2})
	tests := []struct {
		name      string
		req       ListRequest
		wantFiles []string
		wantDirs  []string
		wantPages int
	}{
		{
			name:      "one level, sub-directories as Dirs",
			req:       ListRequest{Prefix: "s3://bucket/logs/"},
			wantFiles: []string{"s3://bucket/logs/a.txt", "s3://bucket/logs/b.txt", "s3://bucket/logs/c.txt", "s3://bucket/logs/d.txt", "s3://bucket/logs/e.txt"},
			wantDirs:  []string{"s3://bucket/logs/2024", "s3://bucket/logs/2025"},
			wantPages: 4,
		},
		{
			name: "recursive, without the directory marker logs/2025/",
			req:  ListRequest{Prefix: "s3://bucket/logs/", Recursive: true},
			wantFiles: []string{"s3://bucket/logs/2024/x.txt", "s3://bucket/logs/2025/y.txt", "s3://bucket/logs/a.txt",
				"s3://bucket/logs/b.txt", "s3://bucket/logs/c.txt", "s3://bucket/logs/d.txt", "s3://bucket/logs/e.txt"},
			wantPages: 4,
		},
		{
			name:      "a prefix within a name",
			req:       ListRequest{Prefix: "s3://bucket/logs/20"},
			wantDirs:  []string{"s3://bucket/logs/2024", "s3://bucket/logs/2025"},
			wantPages: 1,
		},
		{
			name:      "the bucket root",
			req:       ListRequest{Prefix: "s3://bucket/"},
			wantFiles: []string{"s3://bucket/other.txt"},
			wantDirs:  []string{"s3://bucket/logs"},
			wantPages: 1,
		},
		{
			name:      "nothing under the prefix: an empty page",
			req:       ListRequest{Prefix: "s3://bucket/nothing/"},
			wantPages: 1,
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			fake.requests()
			var files, dirs []string
			pages := 0
			req := tt.req
			for {
				page, err := s3fs.List(context.Background(), req)
				if err != nil {
					t.Fatal(err)
				}
				pages++
				if n := len(fake.kinds()); n != 1 {
					t.Fatalf("page %d took %d requests, want 1", pages, n)
				}
				if len(page.Files)+len(page.Dirs) > 2 {
					t.Errorf("page %d has %d entries, more than the page size", pages, len(page.Files)+len(page.Dirs))
				}
				for _, f := range page.Files {
					files = append(files, f.Path)
					if f.Size == 0 || f.ModTime.IsZero() {
						t.Errorf("%+v: no size or time", f)
					}
				}
				dirs = append(dirs, page.Dirs...)
				if page.Next == "" {
					break
				}
				req.PageToken = page.Next
			}
			if !slices.Equal(files, tt.wantFiles) || !slices.Equal(dirs, tt.wantDirs) {
				t.Errorf("files %q dirs %q\nwant files %q dirs %q", files, dirs, tt.wantFiles, tt.wantDirs)
			}
			// gofakes3 says a page is truncated whenever any key of the bucket follows it, so
			// a listing may end with one empty page.
			if pages != tt.wantPages && pages != tt.wantPages+1 {
				t.Errorf("%d pages, want %d", pages, tt.wantPages)
			}
		})
	}
	if _, err := s3fs.List(context.Background(), ListRequest{Prefix: "s3://nobucket/x"}); !errors.Is(err, fs.ErrNotExist) ||
		!strings.Contains(err.Error(), `bucket "nobucket" does not exist`) {
		t.Errorf("listing a missing bucket: %v", err)
	}
}

func TestS3Expand(t *testing.T) {
	fake := newFakeS3(t, "crawl")
	fake.put(t, "crawl", map[string]string{
		"CC-2024-10/segments/1/wet/a.wet.gz":  "a",
		"CC-2024-10/segments/1/wet/b.wet.gz":  "b",
		"CC-2024-10/segments/2/wet/c.wet.gz":  "c",
		"CC-2024-10/segments/2/warc/c.warc":   "c",
		"CC-2024-18/segments/1/wet/d.wet.gz":  "d",
		"CC-2024-18/segments/1/wet/_SUCCESS":  "",
		"CC-2024-18/_temporary/0/x.wet.gz":    "x",
		"CC-2023-50/segments/1/wet/z.wet.gz":  "z",
		"index/paths.txt":                     "p",
		"index/more/paths2.txt":               "q",
		"index/.hidden":                       "h",
		"single.txt":                          "s",
		"braces/part-00000":                   "0",
		"braces/part-00001":                   "1",
		"braces/part-00002":                   "2",
		"braces/sub/part-00003":               "3",
		"CC-2024-10/segments/1/wet/dir/x.txt": "nested",
	})
	s3fs := fake.fs(t, S3Options{PageSize: 3})
	fss := FileSystems{"s3": s3fs}
	tests := []struct {
		name  string
		paths string
		want  []string // without "s3://crawl/"
	}{
		{"one object", "s3://crawl/single.txt", []string{"single.txt"}},
		{"a directory: every visible file below", "s3://crawl/index", []string{"index/more/paths2.txt", "index/paths.txt"}},
		{"a directory spelled with a slash", "s3://crawl/index/", []string{"index/more/paths2.txt", "index/paths.txt"}},
		{"globs level by level", "s3://crawl/CC-2024-*/segments/*/wet/*.wet.gz", []string{
			"CC-2024-10/segments/1/wet/a.wet.gz", "CC-2024-10/segments/1/wet/b.wet.gz",
			"CC-2024-10/segments/2/wet/c.wet.gz", "CC-2024-18/segments/1/wet/d.wet.gz"}},
		{"**", "s3://crawl/CC-2024-18/**/*.gz", []string{"CC-2024-18/segments/1/wet/d.wet.gz"}},
		{"a comma list keeps its order", "s3://crawl/single.txt, s3://crawl/CC-2023-50", []string{
			"single.txt", "CC-2023-50/segments/1/wet/z.wet.gz"}},
		{"braces and classes", "s3://crawl/braces/part-0000{0,2}, s3://crawl/braces/part-0000[!0]", []string{
			"braces/part-00000", "braces/part-00002", "braces/part-00001", "braces/part-00002"}},
		{"a glob matching a directory takes its files", "s3://crawl/braces/su?", []string{"braces/sub/part-00003"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			files, err := fss.Expand(context.Background(), tt.paths)
			if err != nil {
				t.Fatal(err)
			}
			got := paths(files)
			for i := range got {
				got[i] = strings.TrimPrefix(got[i], "s3://crawl/")
			}
			if !slices.Equal(got, tt.want) {
				t.Errorf("got  %q\nwant %q", got, tt.want)
			}
			for _, f := range files {
				if f.Size != int64(len(objectContent(t, fake, f.Path))) {
					t.Errorf("%s: size %d", f.Path, f.Size)
				}
			}
		})
	}
	for _, bad := range []struct{ paths, want string }{
		{"s3://crawl/CC-1999-*/x", "fileio: glob s3://crawl/CC-1999-*/x: no files match"},
		{"s3://crawl/missing.txt", "fileio: stat s3://crawl/missing.txt: "},
		{"s3://nobucket/*.txt", `bucket "nobucket" does not exist`},
	} {
		if _, err := fss.Expand(context.Background(), bad.paths); err == nil || !strings.Contains(err.Error(), bad.want) ||
			!errors.Is(err, fs.ErrNotExist) {
			t.Errorf("Expand(%q): error %v, want one containing %q", bad.paths, err, bad.want)
		}
	}
}

// objectContent reads an object of the fake directly.
func objectContent(t testing.TB, fake *fakeS3, path string) string {
	t.Helper()
	_, bucket, key, err := splitS3Path("test", path)
	if err != nil {
		t.Fatal(err)
	}
	obj, err := fake.backend.GetObject(bucket, key, nil)
	if err != nil {
		t.Fatal(err)
	}
	defer obj.Contents.Close()
	b, err := io.ReadAll(obj.Contents)
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

// TestS3TakeOneOfManyObjects backs the claim "Take(1) over 1,000 objects on S3 makes a handful
// of LIST requests and one GET": expanding the glob lists page by page (one request per 1000
// keys), stats nothing, and reading one file is one GET.
func TestS3TakeOneOfManyObjects(t *testing.T) {
	fake := newFakeS3(t, "bucket")
	// No key follows prefix/ (gofakes3 would report one more, empty, page; see above).
	objects := map[string]string{"other/readme.txt": "elsewhere", "prefiX/x.gz": "elsewhere"}
	for i := range 1000 {
		objects[fmt.Sprintf("prefix/part-%04d.gz", i)] = fmt.Sprintf("content %d", i)
	}
	fake.put(t, "bucket", objects)
	for _, tt := range []struct {
		pageSize  int
		wantLists int
	}{
		{0, 1}, // S3's 1000 keys per page
		{300, 4},
	} {
		t.Run(fmt.Sprintf("page size %d", tt.pageSize), func(t *testing.T) {
			fss := FileSystems{"s3": fake.fs(t, S3Options{PageSize: tt.pageSize})}
			fake.requests()
			files, err := fss.Expand(context.Background(), "s3://bucket/prefix/*.gz")
			if err != nil {
				t.Fatal(err)
			}
			if len(files) != 1000 || files[0].Path != "s3://bucket/prefix/part-0000.gz" {
				t.Fatalf("%d files, want 1000", len(files))
			}
			want := slices.Repeat([]string{"LIST"}, tt.wantLists)
			if got := fake.kinds(); !slices.Equal(got, want) {
				t.Errorf("requests %q, want %q", got, want)
			}
			rc, err := fss.OpenRaw(context.Background(), files[0].Path)
			if err != nil {
				t.Fatal(err)
			}
			if got := readAllFrom(t, rc); got != "content 0" {
				t.Errorf("read %q", got)
			}
			if got := fake.kinds(); !slices.Equal(got, []string{"GET"}) {
				t.Errorf("reading one file took requests %q, want one GET", got)
			}
		})
	}
}

func TestS3OpenMakesExactlyOneGet(t *testing.T) {
	fake := newFakeS3(t, "bucket")
	fake.put(t, "bucket", map[string]string{"big.txt": strings.Repeat("line of text\n", 50000)})
	s3fs := fake.fs(t, S3Options{})
	fake.requests()
	rc, err := s3fs.Open(context.Background(), "s3://bucket/big.txt")
	if err != nil {
		t.Fatal(err)
	}
	buf := make([]byte, 100)
	if _, err := io.ReadFull(rc, buf); err != nil {
		t.Fatal(err)
	}
	rc.Close()
	if got := fake.kinds(); !slices.Equal(got, []string{"GET"}) {
		t.Errorf("requests %q, want one GET", got)
	}
}

func TestS3CreateIsAtomic(t *testing.T) {
	ctx := context.Background()
	tests := []struct {
		name      string
		size      int
		abort     bool
		wantKinds []string
	}{
		{"a small file is one PutObject at Close", 100, false, []string{"PUT"}},
		{"an empty file", 0, false, []string{"PUT"}},
		{"a large file goes up in parts", 2500, false, []string{"CREATEMULTIPART", "UPLOADPART", "UPLOADPART", "UPLOADPART", "COMPLETE"}},
		{"a file of whole parts", 2000, false, []string{"CREATEMULTIPART", "UPLOADPART", "UPLOADPART", "COMPLETE"}},
		{"Abort of a small file sends nothing", 100, true, nil},
		{"Abort of a large file aborts the upload", 2500, true, []string{"CREATEMULTIPART", "UPLOADPART", "UPLOADPART", "ABORT"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			fake := newFakeS3(t, "bucket")
			s3fs := fake.fs(t, S3Options{PartSize: 1000})
			content := strings.Repeat("0123456789", tt.size/10)
			fake.requests()
			w, err := s3fs.Create(ctx, "s3://bucket/out/part-00000")
			if err != nil {
				t.Fatal(err)
			}
			for chunk := range slices.Chunk([]byte(content), 333) {
				if _, err := w.Write(chunk); err != nil {
					t.Fatal(err)
				}
			}
			kinds := fake.kinds()
			if _, err := s3fs.Stat(ctx, "s3://bucket/out/part-00000"); !errors.Is(err, fs.ErrNotExist) {
				t.Errorf("before Close, Stat gives %v, want fs.ErrNotExist", err)
			}
			if page, err := s3fs.List(ctx, ListRequest{Prefix: "s3://bucket/", Recursive: true}); err != nil || len(page.Files) != 0 {
				t.Errorf("before Close, the listing is %+v, %v", page, err)
			}
			fake.requests()
			if tt.abort {
				err = w.Abort()
			} else {
				err = w.Close()
			}
			if err != nil {
				t.Fatal(err)
			}
			if kinds = append(kinds, fake.kinds()...); !slices.Equal(kinds, tt.wantKinds) {
				t.Errorf("requests %q, want %q", kinds, tt.wantKinds)
			}
			info, err := s3fs.Stat(ctx, "s3://bucket/out/part-00000")
			if tt.abort {
				if !errors.Is(err, fs.ErrNotExist) {
					t.Errorf("after Abort, Stat gives %+v, %v", info, err)
				}
				uploads, err := s3Client(t, s3fs).ListMultipartUploads(ctx, &s3.ListMultipartUploadsInput{Bucket: aws.String("bucket")})
				if errorCode(err) == "NoSuchUpload" { // gofakes3's answer when there are none
					uploads, err = &s3.ListMultipartUploadsOutput{}, nil
				}
				if err != nil {
					t.Fatal(err)
				}
				if len(uploads.Uploads) != 0 {
					t.Errorf("after Abort, %d multipart uploads remain", len(uploads.Uploads))
				}
			} else {
				if err != nil {
					t.Fatal(err)
				}
				if got := objectContent(t, fake, "s3://bucket/out/part-00000"); got != content {
					t.Errorf("stored %d bytes, want %d", len(got), len(content))
				}
			}
			if err := w.Close(); err == nil {
				t.Error("a second Close succeeded")
			}
		})
	}
}

// s3Client returns the SDK client of an S3 file system.
func s3Client(t testing.TB, s *S3) *s3.Client {
	t.Helper()
	c, err := s.api(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	return c
}

func TestS3CreateRecordsAllWritesOnRequests(t *testing.T) {
	fake := newFakeS3(t, "bucket")
	s3fs := fake.fs(t, S3Options{PartSize: 1000})
	fake.requests()
	w, err := s3fs.Create(context.Background(), "s3://bucket/out.txt")
	if err != nil {
		t.Fatal(err)
	}
	if _, err := io.WriteString(w, strings.Repeat("x", 2500)); err != nil {
		t.Fatal(err)
	}
	// Parts go up while writing; nothing is visible yet.
	if got := fake.kinds(); !slices.Equal(got, []string{"CREATEMULTIPART", "UPLOADPART", "UPLOADPART"}) {
		t.Errorf("requests while writing: %q", got)
	}
	if err := w.Close(); err != nil {
		t.Fatal(err)
	}
	if got := fake.kinds(); !slices.Equal(got, []string{"UPLOADPART", "COMPLETE"}) {
		t.Errorf("requests of Close: %q", got)
	}
}

func TestS3CreateErrors(t *testing.T) {
	fake := newFakeS3(t, "bucket")
	s3fs := fake.fs(t, S3Options{PartSize: 1000})
	ctx := context.Background()
	for _, path := range []string{"s3://bucket/", "s3://bucket/dir/", "s3://bucket"} {
		if _, err := s3fs.Create(ctx, path); err == nil || !strings.Contains(err.Error(), "fileio: create "+path+": ") {
			t.Errorf("Create(%q): %v", path, err)
		}
	}
	w, err := s3fs.Create(ctx, "s3://nobucket/x.txt")
	if err != nil {
		t.Fatal(err)
	}
	io.WriteString(w, "small")
	if err := w.Close(); !errors.Is(err, fs.ErrNotExist) || !strings.Contains(err.Error(), `fileio: create s3://nobucket/x.txt: bucket "nobucket" does not exist`) {
		t.Errorf("Close into a missing bucket: %v", err)
	}
	w, err = s3fs.Create(ctx, "s3://nobucket/big.txt")
	if err != nil {
		t.Fatal(err)
	}
	if _, err := io.WriteString(w, strings.Repeat("x", 1500)); !errors.Is(err, fs.ErrNotExist) || !strings.Contains(err.Error(), "s3://nobucket/big.txt") {
		t.Errorf("writing a part into a missing bucket: %v", err)
	}
	if err := w.Close(); err == nil {
		t.Error("Close after a failed write succeeded")
	}
}

// s3ErrorXML writes an S3 error response.
func s3ErrorXML(w http.ResponseWriter, status int, code, message string) {
	w.Header().Set("Content-Type", "application/xml")
	w.WriteHeader(status)
	fmt.Fprintf(w, `<?xml version="1.0" encoding="UTF-8"?>`+"\n"+
		`<Error><Code>%s</Code><Message>%s</Message><RequestId>test</RequestId></Error>`, code, message)
}

func TestS3ErrorsNameThePath(t *testing.T) {
	denied := newRecorder(t, http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.Method == http.MethodHead {
			w.WriteHeader(http.StatusForbidden) // HEAD responses have no body
			return
		}
		s3ErrorXML(w, http.StatusForbidden, "AccessDenied", "Access Denied")
	}))
	deniedFS := (&fakeS3{recorder: denied}).fs(t, S3Options{})
	fake := newFakeS3(t, "bucket")
	s3fs := fake.fs(t, S3Options{})
	ctx := context.Background()
	open := func(s *S3, path string) error { _, err := s.Open(ctx, path); return err }
	stat := func(s *S3, path string) error { _, err := s.Stat(ctx, path); return err }
	list := func(s *S3, path string) error { _, err := s.List(ctx, ListRequest{Prefix: path}); return err }
	tests := []struct {
		name    string
		fs      *S3
		do      func(*S3, string) error
		path    string
		want    string
		wantErr error
	}{
		{"open of a missing key", s3fs, open, "s3://bucket/nokey", "fileio: open s3://bucket/nokey: no such object (S3 NoSuchKey)", fs.ErrNotExist},
		{"open in a missing bucket", s3fs, open, "s3://nobucket/k", `fileio: open s3://nobucket/k: bucket "nobucket" does not exist (S3 NoSuchBucket)`, fs.ErrNotExist},
		{"open of a directory", s3fs, open, "s3://bucket/dir/", "fileio: open s3://bucket/dir/: is a directory (a key prefix), not an object", nil},
		{"open denied", deniedFS, open, "s3://private/k", "fileio: open s3://private/k: access denied (S3 AccessDenied)", fs.ErrPermission},
		{"stat denied", deniedFS, stat, "s3://private/k", "fileio: stat s3://private/k: access denied (S3 Forbidden)", fs.ErrPermission},
		{"list denied", deniedFS, list, "s3://private/", "fileio: list s3://private/: access denied (S3 AccessDenied)", fs.ErrPermission},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			err := tt.do(tt.fs, tt.path)
			if err == nil || err.Error() != tt.want || tt.wantErr != nil && !errors.Is(err, tt.wantErr) {
				t.Errorf("error  %v\nwant   %s (matching %v)", err, tt.want, tt.wantErr)
			}
		})
	}
}

// isolateAWSConfig points the AWS SDK at empty configuration, so that tests do not depend on
// the machine's ~/.aws or environment, and never probe the EC2 metadata service.
func isolateAWSConfig(t *testing.T) {
	dir := t.TempDir()
	for _, name := range []string{"AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY", "AWS_SESSION_TOKEN", "AWS_PROFILE",
		"AWS_REGION", "AWS_DEFAULT_REGION", "AWS_ENDPOINT_URL", "AWS_ENDPOINT_URL_S3", "AWS_WEB_IDENTITY_TOKEN_FILE",
		"AWS_CONTAINER_CREDENTIALS_RELATIVE_URI", "AWS_CONTAINER_CREDENTIALS_FULL_URI", "AWS_ROLE_ARN",
		EnvS3Anonymous, EnvS3PathStyle} {
		t.Setenv(name, "")
	}
	t.Setenv("AWS_CONFIG_FILE", dir+"/config")
	t.Setenv("AWS_SHARED_CREDENTIALS_FILE", dir+"/credentials")
	t.Setenv("AWS_EC2_METADATA_DISABLED", "true")
}

func TestS3WithoutCredentialsSendsUnsignedRequests(t *testing.T) {
	isolateAWSConfig(t)
	denied := newRecorder(t, http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		s3ErrorXML(w, http.StatusForbidden, "AccessDenied", "Access Denied")
	}))
	s3fs, err := NewS3(context.Background(), S3Options{Endpoint: denied.server.URL, PathStyle: true, Retry: fastRetry})
	if err != nil {
		t.Fatal(err)
	}
	_, err = s3fs.Open(context.Background(), "s3://private/k")
	if !errors.Is(err, fs.ErrPermission) || !strings.Contains(err.Error(), "the request was sent unsigned because no AWS credentials were found") {
		t.Errorf("error %v, want one explaining that no credentials were found", err)
	}
	for _, r := range denied.requests() {
		if r.Auth != "" {
			t.Errorf("request %+v is signed", r)
		}
	}
}

func TestS3ConfiguredFromEnvironment(t *testing.T) {
	isolateAWSConfig(t)
	fake := newFakeS3(t, "public")
	fake.put(t, "public", map[string]string{"data.txt": "from the environment"})
	t.Setenv("AWS_ENDPOINT_URL_S3", fake.server.URL)
	t.Setenv("AWS_REGION", "eu-central-1")
	t.Setenv(EnvS3PathStyle, "1")
	t.Setenv(EnvS3Anonymous, "true")
	t.Setenv("AWS_ACCESS_KEY_ID", "AKIDIGNORED") // anonymous wins over credentials
	t.Setenv("AWS_SECRET_ACCESS_KEY", "secret")
	s3fs, err := newLazyS3(S3Options{Retry: fastRetry})
	if err != nil {
		t.Fatal(err)
	}
	if s3fs.cfg != nil || s3fs.client != nil {
		t.Fatal("constructing read the configuration")
	}
	rc, err := s3fs.Open(context.Background(), "s3://public/data.txt")
	if err != nil {
		t.Fatal(err)
	}
	if got := readAllFrom(t, rc); got != "from the environment" {
		t.Errorf("read %q", got)
	}
	reqs := fake.requests()
	if len(reqs) != 1 || reqs[0].Path != "/public/data.txt" || reqs[0].Auth != "" {
		t.Errorf("requests %+v, want one unsigned path-style GET", reqs)
	}
	if s3fs.cfg.Region != "eu-central-1" {
		t.Errorf("region %q", s3fs.cfg.Region)
	}

	t.Setenv(EnvS3Anonymous, "maybe")
	if _, err := NewS3(context.Background(), S3Options{}); err == nil || !strings.Contains(err.Error(), EnvS3Anonymous+`="maybe"`) {
		t.Errorf("bad boolean: %v", err)
	}
	t.Setenv(EnvS3Anonymous, "")
	t.Setenv("AWS_ENDPOINT_URL_S3", "127.0.0.1:9000")
	if _, err := NewS3(context.Background(), S3Options{}); err == nil || !strings.Contains(err.Error(), "AWS_ENDPOINT_URL_S3") {
		t.Errorf("bad endpoint: %v", err)
	}

	// A lazy S3 (as Default's) reports configuration errors at first use, naming the path.
	t.Setenv(EnvS3PathStyle, "perhaps")
	lazy, err := newLazyS3(S3Options{})
	if err != nil {
		t.Fatal(err)
	}
	_, err = lazy.Stat(context.Background(), "s3://public/data.txt")
	if want := `fileio: stat s3://public/data.txt: environment variable GOSPARKLING_S3_PATH_STYLE="perhaps" is not a boolean (want 1 or 0)`; err == nil || err.Error() != want {
		t.Errorf("error %v, want %s", err, want)
	}
}

func TestNewS3RejectsBadOptions(t *testing.T) {
	for _, opts := range []S3Options{{PageSize: 1001}, {PageSize: -1}, {PartSize: -5}, {Endpoint: "localhost:9000"}, {Endpoint: "ftp://x"}} {
		if _, err := NewS3(context.Background(), opts); err == nil || !strings.HasPrefix(err.Error(), "fileio: ") {
			t.Errorf("NewS3(%+v): %v", opts, err)
		}
	}
}

func TestDefaultRegistersS3AndHTTP(t *testing.T) {
	fss := Default()
	for scheme, want := range map[string]string{"s3": "*fileio.S3", "http": "*fileio.HTTP", "https": "*fileio.HTTP", "file": "fileio.Local"} {
		if got := fmt.Sprintf("%T", fss[scheme]); got != want {
			t.Errorf("Default()[%q] is %s, want %s", scheme, got, want)
		}
	}
	if Default()["s3"] != fss["s3"] {
		t.Error("each Default has its own S3; want one shared (configuration read once)")
	}
}

// cutAfter makes the wrapped handler's response body stop after n bytes by closing the
// connection, as a network failure would.
type cutAfter struct {
	http.ResponseWriter
	left int
	cut  bool
}

func (c *cutAfter) Write(p []byte) (int, error) {
	if c.cut {
		return 0, errors.New("connection cut")
	}
	if len(p) <= c.left {
		c.left -= len(p)
		return c.ResponseWriter.Write(p)
	}
	c.ResponseWriter.Write(p[:c.left])
	c.cut = true
	c.ResponseWriter.(http.Flusher).Flush()
	if conn, _, err := c.ResponseWriter.(http.Hijacker).Hijack(); err == nil {
		conn.Close()
	}
	return 0, errors.New("connection cut")
}

// cutGETs cuts the bodies of the first `times` GETs of objects after `after` bytes.
func cutGETs(times, after int) func(next http.Handler) http.Handler {
	var mu sync.Mutex
	return func(next http.Handler) http.Handler {
		return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			mu.Lock()
			cut := s3Kind(r) == "GET" && times > 0
			if cut {
				times--
			}
			mu.Unlock()
			if cut {
				w = &cutAfter{ResponseWriter: w, left: after}
			}
			next.ServeHTTP(w, r)
		})
	}
}

func TestS3ResumesBrokenReads(t *testing.T) {
	content := strings.Repeat("0123456789", 10000)
	fake := newFakeS3(t, "bucket")
	fake.put(t, "bucket", map[string]string{"big.txt": content})
	s3fs := fake.fs(t, S3Options{})
	ctx := context.Background()
	tests := []struct {
		name           string
		offset, length int64
		cuts, after    int
		wantRanges     []string
	}{
		{"a whole object cut once", 0, -1, 1, 30000, []string{"", "bytes=30000-99999"}},
		{"a range cut twice", 1000, 50000, 2, 20000, []string{"bytes=1000-50999", "bytes=21000-50999", "bytes=41000-50999"}},
		{"cut before the first byte", 0, -1, 2, 0, []string{"", "bytes=0-99999", "bytes=0-99999"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			fake.setMiddleware(cutGETs(tt.cuts, tt.after))
			defer fake.setMiddleware(nil)
			fake.requests()
			rc, err := s3fs.OpenRange(ctx, "s3://bucket/big.txt", tt.offset, tt.length)
			if err != nil {
				t.Fatal(err)
			}
			want := content[tt.offset:]
			if tt.length >= 0 {
				want = want[:tt.length]
			}
			if got := readAllFrom(t, rc); got != want {
				t.Errorf("read %d bytes, want %d", len(got), len(want))
			}
			var ranges []string
			for i, r := range fake.requests() {
				ranges = append(ranges, r.Range)
				if i > 0 && r.IfMatch == "" {
					t.Errorf("resumed GET %+v without If-Match", r)
				}
			}
			if !slices.Equal(ranges, tt.wantRanges) {
				t.Errorf("ranges %q, want %q", ranges, tt.wantRanges)
			}
		})
	}
	t.Run("gives up after the attempts of the policy", func(t *testing.T) {
		fake.setMiddleware(cutGETs(100, 0))
		defer fake.setMiddleware(nil)
		fake.requests()
		rc, err := s3fs.Open(ctx, "s3://bucket/big.txt")
		if err != nil {
			t.Fatal(err)
		}
		_, err = io.ReadAll(rc)
		rc.Close()
		if err == nil || !strings.HasPrefix(err.Error(), "fileio: read s3://bucket/big.txt: ") || !strings.Contains(err.Error(), "resumed 2 times") {
			t.Errorf("error %v", err)
		}
		if got := fake.kinds(); len(got) != fastRetry.Attempts {
			t.Errorf("requests %q, want %d GETs", got, fastRetry.Attempts)
		}
	})
}

func TestS3RetriesThrottlingAndServerErrors(t *testing.T) {
	fake := newFakeS3(t, "bucket")
	fake.put(t, "bucket", map[string]string{"k.txt": "finally"})
	s3fs := fake.fs(t, S3Options{})
	var failures atomic.Int32 // responses still to fail
	failures.Store(2)
	fake.setMiddleware(func(next http.Handler) http.Handler {
		return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			if failures.Add(-1) >= 0 {
				s3ErrorXML(w, http.StatusServiceUnavailable, "SlowDown", "Please reduce your request rate.")
				return
			}
			next.ServeHTTP(w, r)
		})
	})
	fake.requests()
	rc, err := s3fs.Open(context.Background(), "s3://bucket/k.txt")
	if err != nil {
		t.Fatal(err)
	}
	if got := readAllFrom(t, rc); got != "finally" {
		t.Errorf("read %q", got)
	}
	if got := fake.kinds(); !slices.Equal(got, []string{"GET", "GET", "GET"}) {
		t.Errorf("requests %q, want 3 GETs", got)
	}
	failures.Store(1000) // fails for good
	_, err = s3fs.Stat(context.Background(), "s3://bucket/k.txt")
	if err == nil || !strings.HasPrefix(err.Error(), "fileio: stat s3://bucket/k.txt: ") {
		t.Errorf("error %v", err)
	}
}

func TestS3FollowsTheBucketRegion(t *testing.T) {
	rec := newRecorder(t, http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if !strings.Contains(r.Header.Get("Authorization"), "/eu-west-1/s3/") {
			w.Header().Set("X-Amz-Bucket-Region", "eu-west-1")
			w.WriteHeader(http.StatusMovedPermanently)
			return
		}
		w.Header().Set("Content-Length", "42")
		w.Header().Set("Last-Modified", "Mon, 02 Jan 2006 15:04:05 GMT")
	}))
	s3fs := (&fakeS3{recorder: rec}).fs(t, S3Options{})
	for range 2 {
		info, err := s3fs.Stat(context.Background(), "s3://elsewhere/k")
		if err != nil || info.Size != 42 {
			t.Fatalf("Stat: %+v, %v", info, err)
		}
	}
	if got := rec.kinds(); !slices.Equal(got, []string{"HEAD", "HEAD", "HEAD"}) {
		t.Errorf("requests %q, want a redirected HEAD and then one per Stat", got)
	}
}

func TestOpenSplitOverS3(t *testing.T) {
	content := "first line\nsecond\r\nthird line is longer\rfourth\n\nsixth without end"
	fake := newFakeS3(t, "bucket")
	fake.put(t, "bucket", map[string]string{"lines.txt": content})
	fss := FileSystems{"s3": fake.fs(t, S3Options{})}
	want := referenceLines(content)
	for _, splitSize := range []int64{1, 5, 17, int64(len(content))} {
		var got []string
		for start := int64(0); start < int64(len(content)); start += splitSize {
			lr, err := fss.OpenSplit(context.Background(), "s3://bucket/lines.txt", start, min(start+splitSize, int64(len(content))))
			if err != nil {
				t.Fatal(err)
			}
			got = append(got, readLines(t, lr)...)
			lr.Close()
		}
		if !slices.Equal(got, want) {
			t.Errorf("splits of %d: got %q, want %q", splitSize, got, want)
		}
	}
}

func TestS3ConcurrentFirstUse(t *testing.T) {
	isolateAWSConfig(t)
	fake := newFakeS3(t, "bucket")
	fake.put(t, "bucket", map[string]string{"a.txt": "a", "b/c.txt": "c"})
	t.Setenv("AWS_ENDPOINT_URL_S3", fake.server.URL)
	t.Setenv(EnvS3PathStyle, "1")
	t.Setenv(EnvS3Anonymous, "1")
	s3fs, err := newLazyS3(S3Options{PageSize: 1, Retry: fastRetry})
	if err != nil {
		t.Fatal(err)
	}
	fss := FileSystems{"s3": s3fs}
	var wg sync.WaitGroup
	errs := make([]error, 8)
	for i := range errs {
		wg.Go(func() {
			files, err := fss.Expand(context.Background(), "s3://bucket/a.txt,s3://bucket/b")
			if err == nil && len(files) != 2 {
				err = fmt.Errorf("files %+v", files)
			}
			errs[i] = err
		})
	}
	wg.Wait()
	if err := errors.Join(errs...); err != nil {
		t.Error(err)
	}
}

func TestS3OutputDirAbortDeletesItsFiles(t *testing.T) {
	ctx := context.Background()
	fake := newFakeS3(t, "out")
	fss := FileSystems{"s3": fake.fs(t, S3Options{})}
	tests := []struct {
		name   string
		commit bool
		want   []string // the keys left under out/run/
	}{
		{"a committed directory keeps its parts and gets the marker", true, []string{"run/_SUCCESS", "run/part-00000", "run/part-00001"}},
		{"an aborted directory leaves nothing", false, nil},
	}
	for i, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			prefix := fmt.Sprintf("s3://out/run%d", i)
			dir, err := fss.CreateDir(ctx, prefix)
			if err != nil {
				t.Fatal(err)
			}
			for _, name := range []string{"part-00000", "part-00001"} {
				w, err := dir.Create(ctx, name)
				if err != nil {
					t.Fatal(err)
				}
				fmt.Fprintln(w, "line of", name)
				if err := w.Close(); err != nil {
					t.Fatal(err)
				}
			}
			if tt.commit {
				err = dir.Commit(ctx)
			} else {
				err = dir.Abort(ctx)
			}
			if err != nil {
				t.Fatal(err)
			}
			page, err := fss["s3"].List(ctx, ListRequest{Prefix: prefix + "/", Recursive: true})
			if err != nil {
				t.Fatal(err)
			}
			var got []string
			sort.Slice(page.Files, func(i, j int) bool { return page.Files[i].Path < page.Files[j].Path })
			for _, e := range page.Files {
				got = append(got, strings.TrimPrefix(e.Path, fmt.Sprintf("s3://out/run%d", i)))
			}
			var want []string
			for _, k := range tt.want {
				want = append(want, strings.TrimPrefix(k, "run"))
			}
			if fmt.Sprint(got) != fmt.Sprint(want) {
				t.Errorf("left %v, want %v", got, want)
			}
		})
	}
}
