package warc

import (
	"bytes"
	"compress/gzip" // the standard library's, to check this package's output independently
	"context"
	"errors"
	"io"
	"os"
	"path/filepath"
	"testing"
)

// Paths of the sample files in testdata.
const (
	ccWARC = "testdata/commoncrawl/whirlwind.warc.gz"
	ccWET  = "testdata/commoncrawl/whirlwind.warc.wet.gz"
	ccWAT  = "testdata/commoncrawl/whirlwind.warc.wat.gz"
	wgetGZ = "testdata/wget/site.warc.gz"
)

// readFile opens path with Open and returns all its records, failing the test on any error.
func readFile(t testing.TB, path string) []*Record {
	t.Helper()
	r, err := Open(context.Background(), path)
	if err != nil {
		t.Fatal(err)
	}
	defer r.Close()
	recs, err := readAll(r)
	if err != nil {
		t.Fatal(err)
	}
	return recs
}

// readAll returns the records of r up to io.EOF or the first error.
func readAll(r *Reader) ([]*Record, error) {
	var recs []*Record
	for {
		rec, err := r.Next()
		if err == io.EOF {
			return recs, nil
		}
		if err != nil {
			return recs, err
		}
		recs = append(recs, rec)
	}
}

// recordOf returns the only record of a file, failing the test otherwise.
func recordOf(t *testing.T, path string, typ string) *Record {
	t.Helper()
	var found *Record
	for _, rec := range readFile(t, path) {
		if rec.Type() == typ {
			if found != nil {
				t.Fatalf("%s has several %s records", path, typ)
			}
			found = rec
		}
	}
	if found == nil {
		t.Fatalf("%s has no %s record", path, typ)
	}
	return found
}

// gzipMember compresses data as one gzip member with the standard library.
func gzipMember(t testing.TB, data string) []byte {
	t.Helper()
	var b bytes.Buffer
	zw := gzip.NewWriter(&b)
	if _, err := zw.Write([]byte(data)); err != nil {
		t.Fatal(err)
	}
	if err := zw.Close(); err != nil {
		t.Fatal(err)
	}
	return b.Bytes()
}

// gunzipAll decompresses every member of a gzip file with the standard library.
func gunzipAll(t testing.TB, data []byte) []byte {
	t.Helper()
	zr, err := gzip.NewReader(bytes.NewReader(data))
	if err != nil {
		t.Fatal(err)
	}
	out, err := io.ReadAll(zr)
	if err != nil {
		t.Fatal(err)
	}
	return out
}

// readTestFile returns the bytes of a file, failing the test on error.
func readTestFile(t testing.TB, path string) []byte {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// writeTemp writes data to a file of the given name in a new temporary directory.
func writeTemp(t testing.TB, name string, data []byte) string {
	t.Helper()
	path := filepath.Join(t.TempDir(), name)
	if err := os.WriteFile(path, data, 0o644); err != nil {
		t.Fatal(err)
	}
	return path
}

// failingReader yields data, then fails with err.
type failingReader struct {
	data []byte
	err  error
}

func (f *failingReader) Read(p []byte) (int, error) {
	if len(f.data) == 0 {
		return 0, f.err
	}
	n := copy(p, f.data)
	f.data = f.data[n:]
	return n, nil
}

var errNetwork = errors.New("connection reset by peer")

// The Reader's limits (fileio/warc/format), which tests go past.
const (
	maxHeaderBytes = 1 << 20  // longest header block accepted
	bufferSize     = 64 << 10 // size of the raw and the decompressed read buffers
)
