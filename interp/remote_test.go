package interp

import (
	"fmt"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/johannesboyne/gofakes3"
	"github.com/johannesboyne/gofakes3/backend/s3mem"
)

// TestCellsReadFromS3AndHTTP reads files of an S3 server and a web server
// from cells, configuring the S3 file system in a cell as a notebook
// user does.
func TestCellsReadFromS3AndHTTP(t *testing.T) {
	backend := s3mem.New()
	if err := backend.CreateBucket("crawl"); err != nil {
		t.Fatal(err)
	}
	for i, text := range []string{"a b\nc\n", "d e f\n"} {
		key := fmt.Sprintf("segments/part-%d.txt", i)
		if _, err := backend.PutObject("crawl", key, nil, strings.NewReader(text), int64(len(text)), nil); err != nil {
			t.Fatal(err)
		}
	}
	s3srv := httptest.NewServer(gofakes3.New(backend).Server())
	defer s3srv.Close()
	web := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		http.ServeContent(w, r, "page.txt", time.Time{}, strings.NewReader("one\ntwo\nthree\n"))
	}))
	defer web.Close()

	s := newSession(t)
	setup := fmt.Sprintf(`s3fs, err := fileio.NewS3(context.Background(), fileio.S3Options{Endpoint: %q, PathStyle: true, Region: "us-east-1", Anonymous: true})
if err != nil { panic(err) }
fss := fileio.Default()
fss["s3"] = s3fs
remote := rdd.NewContext(rdd.WithFileSystems(fss))`, s3srv.URL)
	if got := execute(t, s, setup); got.err != nil {
		t.Fatalf("configuring S3 in a cell: %v", got.err)
	}
	tests := []struct{ name, cell, plain string }{
		{"lines of an S3 glob", `remote.TextFile("s3://crawl/segments/*.txt").Count()`, "3"},
		{"words of an S3 glob", `remote.TextFile("s3://crawl/segments/*.txt").FlatMap(strings.Fields).Count()`, "6"},
		{"lines over HTTP", fmt.Sprintf(`sc.TextFile(%q).Collect()[2]`, web.URL+"/page.txt"), "three"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := execute(t, s, tt.cell)
			if got.err != nil {
				t.Fatalf("cell failed: %v", got.err)
			}
			if !strings.Contains(got.plain, tt.plain) {
				t.Errorf("cell shows %q, want %q in it", got.plain, tt.plain)
			}
		})
	}
	// A cell whose value is a non-nil error fails with it.
	got := execute(t, s, `rdd.Try(func() { remote.TextFile("s3://crawl/nothing.txt").Count() })`)
	if got.err == nil || !strings.Contains(got.err.Value, "s3://crawl/nothing.txt") {
		t.Errorf("reading a missing object: %+v, want an error naming s3://crawl/nothing.txt", got.err)
	}
}
