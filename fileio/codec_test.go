package fileio

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"testing"

	"github.com/klauspost/compress/gzip"
)

// sampleText returns n lines of varied text, so that compressed streams span many blocks.
func sampleText(n int) string {
	var b strings.Builder
	for i := range n {
		fmt.Fprintf(&b, "line %d: %s\n", i, strings.Repeat(string(rune('a'+i%26)), i%97))
	}
	return b.String()
}

// writeEncoded writes content to path through NewEncoder over Create.
func writeEncoded(t *testing.T, path, codec, content string) {
	t.Helper()
	w, err := Create(context.Background(), path)
	if err != nil {
		t.Fatal(err)
	}
	enc, err := NewEncoder(w, codec)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := io.WriteString(enc, content); err != nil {
		t.Fatal(err)
	}
	if err := enc.Close(); err != nil {
		t.Fatal(err)
	}
}

func readAll(t *testing.T, path string) (string, error) {
	t.Helper()
	r, err := Open(context.Background(), path)
	if err != nil {
		return "", err
	}
	defer r.Close()
	b, err := io.ReadAll(r)
	return string(b), err
}

func TestCodecRoundTrip(t *testing.T) {
	dir := t.TempDir()
	contents := map[string]string{
		"empty": "",
		"short": "hello\nworld\n",
		"large": sampleText(20000), // about 1 MB
	}
	for _, codec := range []string{"", "none", "gzip", "bzip2", "xz", "zstd", "GZIP"} {
		suffix, err := CodecSuffix(codec)
		if err != nil {
			t.Fatal(err)
		}
		for name, content := range contents {
			t.Run(codec+"/"+name, func(t *testing.T) {
				path := filepath.Join(dir, codec+"-"+name+".txt"+suffix)
				writeEncoded(t, path, codec, content)
				if got := CodecFor(path); got != normalizeCodec(codec) {
					t.Errorf("CodecFor(%q) = %q, want %q", path, got, normalizeCodec(codec))
				}
				got, err := readAll(t, path)
				if err != nil {
					t.Fatal(err)
				}
				if got != content {
					t.Errorf("read %d bytes back, want %d", len(got), len(content))
				}
				if suffix != "" && name == "large" {
					info, err := os.Stat(path)
					if err != nil {
						t.Fatal(err)
					}
					if info.Size() >= int64(len(content)) {
						t.Errorf("%s: compressed size %d is not below %d", codec, info.Size(), len(content))
					}
				}
			})
		}
	}
}

func gzipBytes(t *testing.T, s string) []byte {
	t.Helper()
	var b bytes.Buffer
	zw := gzip.NewWriter(&b)
	if _, err := io.WriteString(zw, s); err != nil {
		t.Fatal(err)
	}
	if err := zw.Close(); err != nil {
		t.Fatal(err)
	}
	return b.Bytes()
}

// encodeBytes compresses s with codec in memory.
func encodeBytes(t *testing.T, codec, s string) []byte {
	t.Helper()
	var b bytes.Buffer
	w, err := NewEncoder(nopWriteCloser{&b}, codec)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := io.WriteString(w, s); err != nil {
		t.Fatal(err)
	}
	if err := w.Close(); err != nil {
		t.Fatal(err)
	}
	return b.Bytes()
}

type nopWriteCloser struct{ io.Writer }

func (nopWriteCloser) Close() error { return nil }

func TestConcatenatedStreamsReadAsOne(t *testing.T) {
	dir := t.TempDir()
	for _, codec := range []string{Gzip, Bzip2, Xz, Zstd} {
		suffix, _ := CodecSuffix(codec)
		path := filepath.Join(dir, "multi.txt"+suffix)
		data := append(encodeBytes(t, codec, "first\nmember\n"), encodeBytes(t, codec, "second member\n")...)
		if err := os.WriteFile(path, data, 0o644); err != nil {
			t.Fatal(err)
		}
		got, err := readAll(t, path)
		if err != nil {
			t.Fatalf("%s: %v", codec, err)
		}
		if want := "first\nmember\nsecond member\n"; got != want {
			t.Errorf("%s: read %q, want %q", codec, got, want)
		}
	}
}

func TestCorruptStreamsFailNamingTheFile(t *testing.T) {
	dir := t.TempDir()
	content := sampleText(3000)
	type corruption struct {
		name string
		edit func([]byte) []byte
	}
	corruptions := []corruption{
		{"truncated in the middle", func(b []byte) []byte { return b[:len(b)/2] }},
		{"truncated before the trailer", func(b []byte) []byte { return b[:len(b)-3] }},
		{"cut inside the header", func(b []byte) []byte { return b[:3] }},
		{"flipped byte", func(b []byte) []byte {
			c := bytes.Clone(b)
			c[len(c)/2] ^= 0xff
			return c
		}},
	}
	for _, codec := range []string{Gzip, Bzip2, Xz, Zstd} {
		suffix, _ := CodecSuffix(codec)
		for _, c := range corruptions {
			t.Run(codec+"/"+c.name, func(t *testing.T) {
				path := filepath.Join(dir, strings.ReplaceAll(c.name, " ", "-")+".txt"+suffix)
				if err := os.WriteFile(path, c.edit(encodeBytes(t, codec, content)), 0o644); err != nil {
					t.Fatal(err)
				}
				got, err := readAll(t, path)
				if err == nil {
					t.Fatalf("read %d bytes without an error", len(got))
				}
				want := "fileio: read " + path + ": " + codec
				if !strings.HasPrefix(err.Error(), want) {
					t.Errorf("error %q does not start with %q", err, want)
				}
			})
		}
	}
}

func TestTruncatedGzipSaysUnexpectedEOF(t *testing.T) {
	path := filepath.Join(t.TempDir(), "cut.gz")
	data := gzipBytes(t, sampleText(2000))
	if err := os.WriteFile(path, data[:len(data)-4], 0o644); err != nil {
		t.Fatal(err)
	}
	_, err := readAll(t, path)
	if want := "fileio: read " + path + ": gzip: unexpected EOF"; err == nil || err.Error() != want {
		t.Fatalf("error %v, want %q", err, want)
	}
	if !errors.Is(err, io.ErrUnexpectedEOF) {
		t.Errorf("errors.Is(%v, io.ErrUnexpectedEOF) is false", err)
	}
}

func TestEmptyCompressedFileReadsEmpty(t *testing.T) {
	dir := t.TempDir()
	for _, name := range []string{"e.gz", "e.bz2", "e.xz", "e.zst"} {
		path := filepath.Join(dir, name)
		if err := os.WriteFile(path, nil, 0o644); err != nil {
			t.Fatal(err)
		}
		if got, err := readAll(t, path); err != nil || got != "" {
			t.Errorf("%s: read %q, %v; want empty", name, got, err)
		}
	}
}

func TestCodecNames(t *testing.T) {
	tests := []struct {
		path, codec string
		splittable  bool
	}{
		{"a.txt", "", true},
		{"a.gz", Gzip, false},
		{"s3://b/x.warc.gz", Gzip, false},
		{"a.tar.bz2", Bzip2, false},
		{"a.xz", Xz, false},
		{"a.zst", Zstd, false},
		{"a.GZ", "", true}, // Hadoop matches suffixes exactly
		{"a.gzip", "", true},
		{"https://h/a.gz?sig=1", Gzip, false},
		{"/x/a.gz?sig=1", "", true}, // a local name may contain "?"
	}
	for _, tt := range tests {
		if got := CodecFor(tt.path); got != tt.codec {
			t.Errorf("CodecFor(%q) = %q, want %q", tt.path, got, tt.codec)
		}
		if got := Splittable(tt.path); got != tt.splittable {
			t.Errorf("Splittable(%q) = %v, want %v", tt.path, got, tt.splittable)
		}
	}
	suffixes := map[string]string{"": "", "none": "", "gzip": ".gz", "bzip2": ".bz2", "xz": ".xz", "zstd": ".zst", "Zstd": ".zst"}
	for codec, want := range suffixes {
		if got, err := CodecSuffix(codec); err != nil || got != want {
			t.Errorf("CodecSuffix(%q) = %q, %v; want %q", codec, got, err, want)
		}
	}
	for _, bad := range []string{"lz4", "snappy", "gz"} {
		if _, err := CodecSuffix(bad); err == nil || !strings.Contains(err.Error(), bad) {
			t.Errorf("CodecSuffix(%q) error %v, want one naming it", bad, err)
		}
		if _, err := NewEncoder(nopWriteCloser{io.Discard}, bad); err == nil {
			t.Errorf("NewEncoder(%q) gave no error", bad)
		}
		if _, err := NewDecoder(strings.NewReader(""), bad); err == nil {
			t.Errorf("NewDecoder(%q) gave no error", bad)
		}
	}
}

// failingWriter fails every write after the first n bytes and records Close and Abort.
type failingWriter struct {
	n               int
	closed, aborted bool
}

func (w *failingWriter) Write(p []byte) (int, error) {
	if len(p) > w.n {
		return 0, errors.New("disk full")
	}
	w.n -= len(p)
	return len(p), nil
}

func (w *failingWriter) Close() error { w.closed = true; return nil }
func (w *failingWriter) Abort() error { w.aborted = true; return nil }

func TestEncoderAbortsWhenFinishingFails(t *testing.T) {
	dst := &failingWriter{n: 0}
	enc, err := NewEncoder(dst, Gzip)
	if err != nil {
		t.Fatal(err)
	}
	io.WriteString(enc, "some text that gzip buffers until Close")
	if err := enc.Close(); err == nil || !strings.Contains(err.Error(), "disk full") {
		t.Errorf("Close error %v, want the write error", err)
	}
	if !dst.aborted || dst.closed {
		t.Errorf("destination aborted %v, closed %v; want aborted only", dst.aborted, dst.closed)
	}
}

func TestOpenErrors(t *testing.T) {
	dir := t.TempDir()
	writeFiles(t, dir, map[string]string{"sub/a.txt": "a"})
	tests := []struct {
		name, path, want string
		target           error
	}{
		{"missing file", dir + "/nope.txt", "fileio: open " + dir + "/nope.txt: no such file or directory", fs.ErrNotExist},
		{"missing compressed file", dir + "/nope.gz", "fileio: open " + dir + "/nope.gz: no such file or directory", fs.ErrNotExist},
		{"missing file URL", "file://" + dir + "/nope.txt", "fileio: open file://" + dir + "/nope.txt: no such file or directory", fs.ErrNotExist},
		{"directory", dir + "/sub", "fileio: open " + dir + "/sub: is a directory", nil},
		{"unknown scheme", "ftp://h/x", `fileio: resolve ftp://h/x: no file system for scheme "ftp" (known: file, http, https, s3)`, nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r, err := Open(context.Background(), tt.path)
			if err == nil {
				r.Close()
				t.Fatal("no error")
			}
			if err.Error() != tt.want {
				t.Errorf("error %q, want %q", err, tt.want)
			}
			if tt.target != nil && !errors.Is(err, tt.target) {
				t.Errorf("errors.Is(%v, %v) is false", err, tt.target)
			}
		})
	}
}

func TestOpenPermissionDenied(t *testing.T) {
	if os.Geteuid() == 0 {
		t.Skip("root ignores file permissions")
	}
	path := filepath.Join(t.TempDir(), "secret.txt")
	if err := os.WriteFile(path, []byte("x"), 0); err != nil {
		t.Fatal(err)
	}
	_, err := Open(context.Background(), path)
	if want := "fileio: open " + path + ": permission denied"; err == nil || err.Error() != want || !errors.Is(err, fs.ErrPermission) {
		t.Errorf("error %v, want %q", err, want)
	}
}

func TestEncodingAndDecodingStartNoGoroutines(t *testing.T) {
	dir := t.TempDir()
	before := runtime.NumGoroutine()
	for _, codec := range []string{"", Gzip, Bzip2, Xz, Zstd} {
		suffix, _ := CodecSuffix(codec)
		path := filepath.Join(dir, "f.txt"+suffix)
		writeEncoded(t, path, codec, sampleText(5000))
		r, err := Open(context.Background(), path)
		if err != nil {
			t.Fatal(err)
		}
		if _, err := r.Read(make([]byte, 100)); err != nil {
			t.Fatal(err)
		}
		// Goroutines of earlier tests may end meanwhile: only more is wrong.
		if n := runtime.NumGoroutine(); n > before {
			t.Errorf("%q: %d goroutines while reading, %d before", codec, n, before)
		}
		r.Close()

		enc, err := NewEncoder(nopWriteCloser{io.Discard}, codec)
		if err != nil {
			t.Fatal(err)
		}
		io.WriteString(enc, sampleText(5000))
		if n := runtime.NumGoroutine(); n > before {
			t.Errorf("%q: %d goroutines while writing, %d before", codec, n, before)
		}
		enc.Close()
	}
}
