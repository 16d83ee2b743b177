package fileio

import (
	"context"
	"math/rand/v2"
	"os"
	"os/exec"
	"path/filepath"
	"testing"
)

// benchFile writes about 32 MB of text lines (20 to 200 bytes each) compressed with codec and
// returns its path and uncompressed size.
func benchFile(b *testing.B, codec string) (string, int64) {
	b.Helper()
	rng := rand.New(rand.NewPCG(1, 2))
	line := make([]byte, 0, 256)
	var size int64
	suffix, err := CodecSuffix(codec)
	if err != nil {
		b.Fatal(err)
	}
	path := filepath.Join(b.TempDir(), "bench.txt"+suffix)
	w, err := Create(context.Background(), path)
	if err != nil {
		b.Fatal(err)
	}
	enc, err := NewEncoder(w, codec)
	if err != nil {
		b.Fatal(err)
	}
	words := []string{"the ", "crawl ", "archive ", "of ", "pages ", "WARC ", "record ", "ünïcödé ", "42 ", "http://example.com/ "}
	for size < 32<<20 {
		line = line[:0]
		for n := 20 + rng.IntN(180); len(line) < n; {
			line = append(line, words[rng.IntN(len(words))]...)
		}
		line = append(line, '\n')
		if _, err := enc.Write(line); err != nil {
			b.Fatal(err)
		}
		size += int64(len(line))
	}
	if err := enc.Close(); err != nil {
		b.Fatal(err)
	}
	return path, size
}

func benchmarkLines(b *testing.B, codec string, text bool) {
	path, size := benchFile(b, codec)
	b.SetBytes(size)
	b.ReportAllocs()
	b.ResetTimer()
	for b.Loop() {
		lr, err := OpenLines(context.Background(), path)
		if err != nil {
			b.Fatal(err)
		}
		var total int
		for lr.Next() {
			if text {
				total += len(lr.Text())
			} else {
				total += len(lr.Bytes())
			}
		}
		if err := lr.Err(); err != nil {
			b.Fatal(err)
		}
		lr.Close()
		if total == 0 {
			b.Fatal("no lines")
		}
	}
	if info, err := os.Stat(path); err == nil {
		b.ReportMetric(float64(info.Size())/float64(size), "stored/raw")
	}
}

// BenchmarkLineReader measures line splitting throughput in MB/s of uncompressed text.
// gzip-dc is the reference: the gzip command decompressing the same file to /dev/null,
// without splitting lines.
func BenchmarkLineReader(b *testing.B) {
	b.Run("plain/Bytes", func(b *testing.B) { benchmarkLines(b, "", false) })
	b.Run("plain/Text", func(b *testing.B) { benchmarkLines(b, "", true) })
	b.Run("gzip/Bytes", func(b *testing.B) { benchmarkLines(b, Gzip, false) })
	b.Run("gzip-dc", func(b *testing.B) {
		path, size := benchFile(b, Gzip)
		benchmarkGzipCommand(b, path, size)
	})
	b.Run("zstd/Bytes", func(b *testing.B) { benchmarkLines(b, Zstd, false) })
}

// benchmarkGzipCommand runs `gzip -dc path > /dev/null`, reporting MB/s of size, the
// uncompressed bytes.
func benchmarkGzipCommand(b *testing.B, path string, size int64) {
	gzip, err := exec.LookPath("gzip")
	if err != nil {
		b.Skip("no gzip command")
	}
	b.SetBytes(size)
	for b.Loop() {
		cmd := exec.Command(gzip, "-dc", path)
		if cmd.Stdout, err = os.OpenFile(os.DevNull, os.O_WRONLY, 0); err != nil {
			b.Fatal(err)
		}
		if err := cmd.Run(); err != nil {
			b.Fatal(err)
		}
		cmd.Stdout.(*os.File).Close()
	}
}
