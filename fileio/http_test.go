package fileio

import (
	"context"
	"errors"
	"io"
	"io/fs"
	"net/http"
	"net/http/httptest"
	"slices"
	"strconv"
	"strings"
	"sync/atomic"
	"testing"
	"time"
)

// webModTime is the modification time of every file of a webSite.
var webModTime = time.Date(2024, 1, 2, 3, 4, 5, 0, time.UTC)

// webSite is a test web server's content and manners.
type webSite struct {
	files      map[string]string // path, query included -> content
	ranges     bool              // honour Range headers (else always 200 with the whole file)
	headStatus int               // answer HEAD with this status instead of serving it (0: serve)
	status     int               // answer everything with this status (0: serve)
	version    atomic.Int32      // the files' version, sent as ETag "v<version>"
}

func (s *webSite) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	if s.status != 0 {
		http.Error(w, http.StatusText(s.status), s.status)
		return
	}
	if r.Method == http.MethodHead && s.headStatus != 0 {
		w.WriteHeader(s.headStatus)
		return
	}
	key := r.URL.Path
	if r.URL.RawQuery != "" {
		key += "?" + r.URL.RawQuery
	}
	content, ok := s.files[key]
	if !ok {
		http.NotFound(w, r)
		return
	}
	w.Header().Set("ETag", `"v`+strconv.Itoa(int(s.version.Load()))+`"`)
	if s.ranges {
		http.ServeContent(w, r, "", webModTime, strings.NewReader(content))
		return
	}
	w.Header().Set("Last-Modified", webModTime.Format(http.TimeFormat))
	w.Header().Set("Content-Length", strconv.Itoa(len(content)))
	if r.Method != http.MethodHead {
		io.WriteString(w, content)
	}
}

// newWebSite starts a web server for site on 127.0.0.1 and returns its recorder and an HTTP
// file system with fast retries.
func newWebSite(t *testing.T, site *webSite) (*recorder, *HTTP) {
	rec := newRecorder(t, site)
	return rec, NewHTTP(HTTPOptions{Retry: fastRetry})
}

func TestHTTPReadsWithAndWithoutRangeSupport(t *testing.T) {
	files := map[string]string{"/digits.txt": "0123456789", "/empty.txt": ""}
	tests := []struct {
		name           string
		path           string
		offset, length int64 // length -2: Open
		want           string
		wantRange      string
	}{
		{"Open streams the whole file", "/digits.txt", 0, -2, "0123456789", ""},
		{"a range in the middle", "/digits.txt", 3, 4, "3456", "bytes=3-6"},
		{"a range to the end", "/digits.txt", 7, -1, "789", "bytes=7-"},
		{"a range past the end is cut", "/digits.txt", 8, 100, "89", "bytes=8-107"},
		{"a range beyond the end is empty", "/digits.txt", 10, 5, "", "bytes=10-14"},
		{"an empty range", "/digits.txt", 2, 0, "", "bytes=2-2"},
		{"an empty file", "/empty.txt", 0, -2, "", ""},
		{"a range of an empty file", "/empty.txt", 0, 10, "", "bytes=0-9"},
	}
	for _, ranges := range []bool{true, false} {
		rec, h := newWebSite(t, &webSite{files: files, ranges: ranges})
		for _, tt := range tests {
			t.Run(tt.name+map[bool]string{true: "", false: " (server without ranges)"}[ranges], func(t *testing.T) {
				url := rec.server.URL + tt.path
				rec.requests()
				var rc io.ReadCloser
				var err error
				if tt.length == -2 {
					rc, err = h.Open(context.Background(), url)
				} else {
					rc, err = h.OpenRange(context.Background(), url, tt.offset, tt.length)
				}
				if err != nil {
					t.Fatal(err)
				}
				if got := readAllFrom(t, rc); got != tt.want {
					t.Errorf("read %q, want %q", got, tt.want)
				}
				reqs := rec.requests()
				if len(reqs) != 1 || reqs[0].Kind != "GET" || reqs[0].Range != tt.wantRange {
					t.Errorf("requests %+v, want one GET with Range %q", reqs, tt.wantRange)
				}
			})
		}
	}
}

func TestHTTPStat(t *testing.T) {
	files := map[string]string{"/f.txt": "twelve bytes"}
	tests := []struct {
		name      string
		site      *webSite
		path      string
		wantSize  int64
		wantKinds []string
		wantErr   error
		wantText  string
	}{
		{"HEAD tells size and time", &webSite{files: files, ranges: true}, "/f.txt", 12, []string{"HEAD"}, nil, ""},
		{"HEAD refused: a one-byte GET", &webSite{files: files, ranges: true, headStatus: http.StatusMethodNotAllowed}, "/f.txt", 12, []string{"HEAD", "GET"}, nil, ""},
		{"HEAD forbidden as for pre-signed URLs", &webSite{files: files, ranges: true, headStatus: http.StatusForbidden}, "/f.txt", 12, []string{"HEAD", "GET"}, nil, ""},
		{"HEAD refused, Range ignored", &webSite{files: files, headStatus: http.StatusNotImplemented}, "/f.txt", 12, []string{"HEAD", "GET"}, nil, ""},
		{"missing", &webSite{files: files, ranges: true}, "/missing.txt", 0, []string{"HEAD"}, fs.ErrNotExist, ": HTTP 404 Not Found"},
		{"gone", &webSite{status: http.StatusGone}, "/f.txt", 0, []string{"HEAD"}, fs.ErrNotExist, ": HTTP 410 Gone"},
		{"forbidden", &webSite{status: http.StatusForbidden}, "/f.txt", 0, []string{"HEAD", "GET"}, fs.ErrPermission, ": HTTP 403 Forbidden"},
		{"unauthorized", &webSite{status: http.StatusUnauthorized}, "/f.txt", 0, []string{"HEAD"}, fs.ErrPermission, ": HTTP 401 Unauthorized"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			rec, h := newWebSite(t, tt.site)
			url := rec.server.URL + tt.path
			info, err := h.Stat(context.Background(), url)
			if got := rec.kinds(); !slices.Equal(got, tt.wantKinds) {
				t.Errorf("requests %q, want %q", got, tt.wantKinds)
			}
			if tt.wantErr != nil {
				if !errors.Is(err, tt.wantErr) || err.Error() != "fileio: stat "+url+tt.wantText {
					t.Errorf("error %v, want %q matching %v", err, "fileio: stat "+url+tt.wantText, tt.wantErr)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			want := FileInfo{Path: url, Size: tt.wantSize, ModTime: webModTime}
			if !info.ModTime.Equal(want.ModTime) || info.Path != want.Path || info.Size != want.Size || info.IsDir {
				t.Errorf("got %+v, want %+v", info, want)
			}
		})
	}
}

// failFirst answers the first n requests with status (and Retry-After: 0 for 429).
func failFirst(n int32, status int) func(next http.Handler) http.Handler {
	var left atomic.Int32
	left.Store(n)
	return func(next http.Handler) http.Handler {
		return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			if left.Add(-1) >= 0 {
				if status == http.StatusTooManyRequests {
					w.Header().Set("Retry-After", "0")
				}
				http.Error(w, http.StatusText(status), status)
				return
			}
			next.ServeHTTP(w, r)
		})
	}
}

func TestHTTPRetries(t *testing.T) {
	files := map[string]string{"/f.txt": "content"}
	tests := []struct {
		name       string
		middleware func(http.Handler) http.Handler
		wantKinds  []string
		wantErr    string // "" for success; %s is the URL
	}{
		{"503 twice, then success", failFirst(2, http.StatusServiceUnavailable), []string{"GET", "GET", "GET"}, ""},
		{"429 with Retry-After", failFirst(1, http.StatusTooManyRequests), []string{"GET", "GET"}, ""},
		{"500 for good", failFirst(100, http.StatusInternalServerError), []string{"GET", "GET", "GET"},
			"fileio: open %s: HTTP 500 Internal Server Error (gave up after 3 attempts)"},
		{"404 is not retried", failFirst(100, http.StatusNotFound), []string{"GET"}, "fileio: open %s: HTTP 404 Not Found"},
		{"501 is not retried", failFirst(100, http.StatusNotImplemented), []string{"GET"}, "fileio: open %s: HTTP 501 Not Implemented"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			rec, h := newWebSite(t, &webSite{files: files, ranges: true})
			rec.setMiddleware(tt.middleware)
			url := rec.server.URL + "/f.txt"
			rc, err := h.Open(context.Background(), url)
			if got := rec.kinds(); !slices.Equal(got, tt.wantKinds) {
				t.Errorf("requests %q, want %q", got, tt.wantKinds)
			}
			if tt.wantErr != "" {
				if want := strings.Replace(tt.wantErr, "%s", url, 1); err == nil || err.Error() != want {
					t.Errorf("error %v, want %s", err, want)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if got := readAllFrom(t, rc); got != "content" {
				t.Errorf("read %q", got)
			}
		})
	}
	t.Run("connection refused", func(t *testing.T) {
		server := httptest.NewServer(http.NotFoundHandler())
		url := server.URL + "/f.txt"
		server.Close()
		_, err := NewHTTP(HTTPOptions{Retry: fastRetry}).Stat(context.Background(), url)
		if err == nil || !strings.HasPrefix(err.Error(), "fileio: stat "+url+": ") ||
			!strings.Contains(err.Error(), "connection refused (gave up after 3 attempts)") {
			t.Errorf("error %v", err)
		}
	})
	t.Run("not an HTTP URL", func(t *testing.T) {
		_, err := NewHTTP(HTTPOptions{}).Open(context.Background(), "http:///nohost")
		if err == nil || !strings.HasPrefix(err.Error(), "fileio: open http:///nohost: not an HTTP URL") {
			t.Errorf("error %v", err)
		}
	})
}

func TestHTTPResumesBrokenBodies(t *testing.T) {
	content := strings.Repeat("abcdefghij", 10000)
	tests := []struct {
		name       string
		ranges     bool
		offset     int64
		wantRanges []string
	}{
		{"a server with ranges resumes at the offset", true, 0, []string{"", "bytes=30000-99999"}},
		{"a range", true, 500, []string{"bytes=500-", "bytes=30500-99999"}},
		{"a server without ranges resends everything, the start skipped", false, 0, []string{"", "bytes=30000-99999"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			rec, h := newWebSite(t, &webSite{files: map[string]string{"/big.txt": content}, ranges: tt.ranges})
			rec.setMiddleware(cutGETs(1, 30000))
			rc, err := h.OpenRange(context.Background(), rec.server.URL+"/big.txt", tt.offset, -1)
			if err != nil {
				t.Fatal(err)
			}
			if got := readAllFrom(t, rc); got != content[tt.offset:] {
				t.Errorf("read %d bytes, want %d", len(got), len(content)-int(tt.offset))
			}
			var ranges []string
			for _, r := range rec.requests() {
				ranges = append(ranges, r.Range)
			}
			if !slices.Equal(ranges, tt.wantRanges) {
				t.Errorf("ranges %q, want %q", ranges, tt.wantRanges)
			}
		})
	}
	t.Run("a file changed meanwhile is an error", func(t *testing.T) {
		site := &webSite{files: map[string]string{"/big.txt": content}, ranges: true}
		rec, h := newWebSite(t, site)
		cut := cutGETs(1, 30000)
		rec.setMiddleware(func(next http.Handler) http.Handler {
			return cut(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
				next.ServeHTTP(w, r)
				site.version.Add(1)
			}))
		})
		url := rec.server.URL + "/big.txt"
		rc, err := h.Open(context.Background(), url)
		if err != nil {
			t.Fatal(err)
		}
		_, err = io.ReadAll(rc)
		rc.Close()
		if want := `fileio: read ` + url + `: the file changed while being read (ETag "v0", now "v1")`; err == nil || err.Error() != want {
			t.Errorf("error %v, want %s", err, want)
		}
	})
	t.Run("a cancelled context stops the read", func(t *testing.T) {
		rec, h := newWebSite(t, &webSite{files: map[string]string{"/big.txt": strings.Repeat(content, 20)}, ranges: true})
		ctx, cancel := context.WithCancel(context.Background())
		rc, err := h.Open(ctx, rec.server.URL+"/big.txt")
		if err != nil {
			t.Fatal(err)
		}
		defer rc.Close()
		if _, err := io.ReadFull(rc, make([]byte, 1000)); err != nil {
			t.Fatal(err)
		}
		cancel()
		_, err = io.ReadAll(rc)
		if !errors.Is(err, context.Canceled) {
			t.Errorf("error %v, want context.Canceled", err)
		}
		if got := rec.kinds(); !slices.Equal(got, []string{"GET"}) {
			t.Errorf("requests %q: cancelled reads are not resumed", got)
		}
	})
}

func TestHTTPCannotListOrWrite(t *testing.T) {
	h := NewHTTP(HTTPOptions{})
	_, err := h.List(context.Background(), ListRequest{Prefix: "https://example.com/data/"})
	if !errors.Is(err, ErrListingUnsupported) || err.Error() != "fileio: list https://example.com/data/: HTTP(S) servers cannot be listed" {
		t.Errorf("List: %v", err)
	}
	_, err = h.Create(context.Background(), "https://example.com/out.txt")
	if !errors.Is(err, errors.ErrUnsupported) || !strings.Contains(err.Error(), "fileio: create https://example.com/out.txt: HTTP(S) URLs are read-only") {
		t.Errorf("Create: %v", err)
	}
}

func TestExpandOverHTTP(t *testing.T) {
	site := &webSite{ranges: true, files: map[string]string{
		"/a.txt": "a", "/b.txt": "bb", "/data.txt?sig=a*b": "signed",
	}}
	rec, h := newWebSite(t, site)
	fss := FileSystems{"http": h}
	base := rec.server.URL
	tests := []struct {
		name     string
		paths    string
		want     []string // without base
		wantSize []int64
	}{
		{"one URL", base + "/a.txt", []string{"/a.txt"}, []int64{1}},
		{"a URL whose query looks like a glob is taken literally", base + "/data.txt?sig=a*b", []string{"/data.txt?sig=a*b"}, []int64{6}},
		{"a comma list", base + "/b.txt," + base + "/a.txt", []string{"/b.txt", "/a.txt"}, []int64{2, 1}},
		{"braces need no listing", base + "/{a,b}.txt", []string{"/a.txt", "/b.txt"}, []int64{1, 2}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			files, err := fss.Expand(context.Background(), tt.paths)
			if err != nil {
				t.Fatal(err)
			}
			var got []string
			var sizes []int64
			for _, f := range files {
				got, sizes = append(got, strings.TrimPrefix(f.Path, base)), append(sizes, f.Size)
			}
			if !slices.Equal(got, tt.want) || !slices.Equal(sizes, tt.wantSize) {
				t.Errorf("got %q %d, want %q %d", got, sizes, tt.want, tt.wantSize)
			}
		})
	}
	glob := base + "/*.txt"
	_, err := fss.Expand(context.Background(), glob)
	want := "fileio: glob " + glob + ": the wildcards cannot be expanded (HTTP(S) servers cannot be listed), " +
		"and taken literally the path fails: HTTP 404 Not Found"
	if err == nil || err.Error() != want || !errors.Is(err, ErrListingUnsupported) || !errors.Is(err, fs.ErrNotExist) {
		t.Errorf("glob over HTTP:\n got %v\nwant %s", err, want)
	}
	_, err = fss.Expand(context.Background(), base+"/missing.txt")
	if want := "fileio: stat " + base + "/missing.txt: HTTP 404 Not Found"; err == nil || err.Error() != want {
		t.Errorf("missing URL: %v, want %s", err, want)
	}
}

func TestOpenSplitOverHTTP(t *testing.T) {
	content := "first line\nsecond\r\nthird line is longer\rfourth\n\nsixth without end"
	want := referenceLines(content)
	for _, ranges := range []bool{true, false} {
		rec, h := newWebSite(t, &webSite{files: map[string]string{"/lines.txt": content}, ranges: ranges})
		fss := FileSystems{"http": h}
		for _, splitSize := range []int64{1, 5, 17, int64(len(content))} {
			var got []string
			for start := int64(0); start < int64(len(content)); start += splitSize {
				lr, err := fss.OpenSplit(context.Background(), rec.server.URL+"/lines.txt", start, min(start+splitSize, int64(len(content))))
				if err != nil {
					t.Fatal(err)
				}
				got = append(got, readLines(t, lr)...)
				lr.Close()
			}
			if !slices.Equal(got, want) {
				t.Errorf("ranges %v, splits of %d: got %q, want %q", ranges, splitSize, got, want)
			}
		}
	}
}

func TestRetryPolicyDelays(t *testing.T) {
	p := RetryPolicy{BaseDelay: 100 * time.Millisecond, MaxDelay: time.Second}
	for retry, want := range map[int]time.Duration{1: 100 * time.Millisecond, 2: 200 * time.Millisecond, 4: 800 * time.Millisecond, 5: time.Second, 60: time.Second} {
		for range 20 {
			if d := p.delay(retry); d < want/2 || d > want {
				t.Errorf("delay before retry %d: %v, want between %v and %v", retry, d, want/2, want)
			}
		}
	}
	if got := (RetryPolicy{}).attempts(); got != DefaultRetryAttempts {
		t.Errorf("default attempts %d", got)
	}
}
