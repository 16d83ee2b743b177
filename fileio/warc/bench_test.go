package warc

import (
	"bufio"
	"context"
	"fmt"
	"io"
	"math/rand/v2"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
)

// BenchmarkReadGzip reads a generated gzip-per-record WARC file of about 50 MB (HTTP
// responses of 2 to 100 KB of HTML-like text, compressing about 3:1) record by record, as a
// job over Common Crawl files does. MB/s counts compressed file bytes; the custom metrics
// give records/s and MB/s of uncompressed WARC bytes.
func BenchmarkReadGzip(b *testing.B) { benchmarkRead(b, true) }

// BenchmarkGzipCommand is the reference for BenchmarkReadGzip: `gzip -dc` of the same
// file to /dev/null, which decompresses without parsing records. MB/s counts compressed
// file bytes, as BenchmarkReadGzip's.
func BenchmarkGzipCommand(b *testing.B) {
	gzip, err := exec.LookPath("gzip")
	if err != nil {
		b.Skip("no gzip command")
	}
	path, _, plainSize := generateWARC(b, true, 50<<20)
	info, err := os.Stat(path)
	if err != nil {
		b.Fatal(err)
	}
	b.SetBytes(info.Size())
	iterations := 0
	for b.Loop() {
		iterations++
		devNull, err := os.OpenFile(os.DevNull, os.O_WRONLY, 0)
		if err != nil {
			b.Fatal(err)
		}
		cmd := exec.Command(gzip, "-dc", path)
		cmd.Stdout = devNull
		if err := cmd.Run(); err != nil {
			b.Fatal(err)
		}
		devNull.Close()
	}
	b.ReportMetric(float64(plainSize*int64(iterations))/b.Elapsed().Seconds()/1e6, "warc-MB/s")
}

// BenchmarkReadPlain reads a generated uncompressed WARC file of about 50 MB.
func BenchmarkReadPlain(b *testing.B) { benchmarkRead(b, false) }

func benchmarkRead(b *testing.B, gz bool) {
	path, records, plainSize := generateWARC(b, gz, 50<<20)
	info, err := os.Stat(path)
	if err != nil {
		b.Fatal(err)
	}
	b.SetBytes(info.Size())
	b.ReportAllocs()
	iterations := 0
	for b.Loop() {
		iterations++
		r, err := Open(context.Background(), path)
		if err != nil {
			b.Fatal(err)
		}
		n := 0
		for {
			rec, err := r.Next()
			if err == io.EOF {
				break
			}
			if err != nil {
				b.Fatal(err)
			}
			if len(rec.Body) == 0 {
				b.Fatal("empty block")
			}
			n++
		}
		r.Close()
		if n != records {
			b.Fatalf("read %d records, wrote %d", n, records)
		}
	}
	seconds := b.Elapsed().Seconds()
	b.ReportMetric(float64(records*iterations)/seconds, "records/s")
	b.ReportMetric(float64(plainSize*int64(iterations))/seconds/1e6, "warc-MB/s")
}

// generateWARC writes a WARC file of about size bytes (compressed when gz is set) into a
// temporary directory and returns its path, its number of records and its uncompressed size.
func generateWARC(b *testing.B, gz bool, size int64) (path string, records int, plainSize int64) {
	b.Helper()
	name := "bench.warc"
	if gz {
		name += ".gz"
	}
	path = filepath.Join(b.TempDir(), name)
	f, err := os.Create(path)
	if err != nil {
		b.Fatal(err)
	}
	defer f.Close()
	out := bufio.NewWriterSize(f, 1<<20)
	w := NewWriter(out, gz)
	w.Version = "WARC/1.0"
	w.BlockDigest = true
	plainW := NewWriter(io.Discard, false)
	plainW.Version = w.Version
	plainW.BlockDigest = true

	rng := rand.New(rand.NewPCG(7, 11))
	vocabulary := make([]string, 3000)
	for i := range vocabulary {
		word := make([]byte, 2+rng.IntN(9))
		for j := range word {
			word[j] = byte('a' + rng.IntN(26))
		}
		vocabulary[i] = string(word)
	}
	var page strings.Builder
	var written int64 // the offsets the Writers report count the bytes written
	for written < size {
		page.Reset()
		page.WriteString("<!DOCTYPE html>\n<html><head><title>page</title></head><body>\n")
		for target := 2000 + rng.IntN(100000); page.Len() < target; {
			page.WriteString("<p>")
			for range 10 + rng.IntN(60) {
				page.WriteString(vocabulary[rng.IntN(len(vocabulary))])
				page.WriteByte(' ')
			}
			page.WriteString("</p>\n")
		}
		page.WriteString("</body></html>\n")
		block := fmt.Appendf(nil, "HTTP/1.1 200 OK\r\nContent-Type: text/html; charset=UTF-8\r\nContent-Length: %d\r\n\r\n%s", page.Len(), page.String())
		headers := []Field{
			{Name: "WARC-Type", Value: "response"},
			{Name: "WARC-Date", Value: "2024-05-18T01:58:10Z"},
			{Name: "WARC-Record-ID", Value: fmt.Sprintf("<urn:uuid:00000000-0000-0000-0000-%012d>", records)},
			{Name: "Content-Type", Value: "application/http; msgtype=response"},
			{Name: "WARC-Target-URI", Value: fmt.Sprintf("https://example.com/page/%d", records)},
		}
		offset, length, err := w.WriteRecord(headers, block)
		if err != nil {
			b.Fatal(err)
		}
		written = offset + length
		offset, length, err = plainW.WriteRecord(headers, block)
		if err != nil {
			b.Fatal(err)
		}
		plainSize = offset + length
		records++
	}
	if err := out.Flush(); err != nil {
		b.Fatal(err)
	}
	return path, records, plainSize
}
