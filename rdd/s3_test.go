package rdd_test

import (
	"bytes"
	"compress/gzip"
	"context"
	"fmt"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"

	"github.com/aws/aws-sdk-go-v2/credentials"
	"github.com/johannesboyne/gofakes3"
	"github.com/johannesboyne/gofakes3/backend/s3mem"

	"github.com/gosparkling/gosparkling/fileio"
	"github.com/gosparkling/gosparkling/rdd"
)

// fakeS3 is an in-process S3 server that counts requests by kind.
type fakeS3 struct {
	backend *s3mem.Backend
	server  *httptest.Server
	mu      sync.Mutex
	counts  map[string]int
}

func newFakeS3(t *testing.T, bucket string) *fakeS3 {
	t.Helper()
	f := &fakeS3{backend: s3mem.New(), counts: map[string]int{}}
	if err := f.backend.CreateBucket(bucket); err != nil {
		t.Fatal(err)
	}
	handler := gofakes3.New(f.backend).Server()
	f.server = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		kind := r.Method
		if r.Method == http.MethodGet && (r.URL.Query().Has("list-type") || strings.Count(strings.Trim(r.URL.Path, "/"), "/") == 0) {
			kind = "LIST"
		}
		f.mu.Lock()
		f.counts[kind]++
		f.mu.Unlock()
		handler.ServeHTTP(w, r)
	}))
	t.Cleanup(f.server.Close)
	return f
}

func (f *fakeS3) take() map[string]int {
	f.mu.Lock()
	defer f.mu.Unlock()
	c := f.counts
	f.counts = map[string]int{}
	return c
}

func (f *fakeS3) context(t *testing.T) *rdd.Context {
	t.Helper()
	return s3Context(t, f.server.URL)
}

// s3Context returns a Context whose s3:// paths go to the S3 server at
// endpoint, path-style, with static credentials.
func s3Context(t *testing.T, endpoint string) *rdd.Context {
	t.Helper()
	s3fs, err := fileio.NewS3(context.Background(), fileio.S3Options{
		Endpoint: endpoint, PathStyle: true, Region: "us-east-1",
		Credentials: credentials.NewStaticCredentialsProvider("AKID", "secret", ""),
	})
	if err != nil {
		t.Fatal(err)
	}
	fss := fileio.Default()
	fss["s3"] = s3fs
	sc := rdd.NewContext(rdd.WithParallelism(2), rdd.WithFileSystems(fss))
	t.Cleanup(sc.Stop)
	return sc
}

func gzipped(t *testing.T, s string) []byte {
	var b bytes.Buffer
	zw := gzip.NewWriter(&b)
	zw.Write([]byte(s))
	zw.Close()
	return b.Bytes()
}

func TestS3TakeOneOfAThousandObjectsReadsOne(t *testing.T) {
	fake := newFakeS3(t, "crawl")
	for i := range 1000 {
		data := gzipped(t, fmt.Sprintf("first line of %04d\nsecond line\n", i))
		if _, err := fake.backend.PutObject("crawl", fmt.Sprintf("segments/part-%04d.txt.gz", i), nil, bytes.NewReader(data), int64(len(data)), nil); err != nil {
			t.Fatal(err)
		}
	}
	sc := fake.context(t)
	lines := sc.TextFile("s3://crawl/segments/*.txt.gz")
	if got := fake.take(); len(got) != 0 {
		t.Fatalf("creating the RDD made requests: %v", got)
	}
	got := lines.Take(1)
	if len(got) != 1 || got[0] != "first line of 0000" {
		t.Fatalf("Take(1) = %v", got)
	}
	counts := fake.take()
	if counts["LIST"] > 3 || counts["GET"] != 1 || len(counts) > 2 {
		t.Errorf("Take(1) over 1,000 objects made %v, want a few LISTs and one GET", counts)
	}
}

func TestS3SaveAsTextFileAndReadBack(t *testing.T) {
	fake := newFakeS3(t, "out")
	sc := fake.context(t)
	sc.Parallelize([]string{"alpha", "beta", "gamma"}, 2).SaveAsTextFile("s3://out/words", "gzip")
	check(t, "read back", sc.TextFile("s3://out/words").Collect(), []any{"alpha", "beta", "gamma"})
	if _, err := fake.backend.HeadObject("out", "words/_SUCCESS"); err != nil {
		t.Errorf("no _SUCCESS marker: %v", err)
	}
	je := jobError(t, func() { sc.Parallelize([]int{1}).SaveAsTextFile("s3://out/words") })
	if !strings.Contains(je.Error(), "exists") {
		t.Errorf("saving over existing output: %v", je)
	}
	je = jobError(t, func() { sc.TextFile("s3://nosuchbucket/x.txt").Count() })
	if !strings.Contains(je.Error(), "s3://nosuchbucket/x.txt") {
		t.Errorf("missing bucket error: %v", je)
	}
}
