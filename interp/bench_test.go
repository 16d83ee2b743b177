package interp

import (
	"bufio"
	"context"
	"fmt"
	"math/rand/v2"
	"os"
	"path/filepath"
	"strconv"
	"testing"
)

// notebookCorpus writes a Zipf-distributed corpus of about mb megabytes.
func notebookCorpus(b *testing.B, mb int) string {
	b.Helper()
	path := filepath.Join(b.TempDir(), "corpus.txt")
	f, err := os.Create(path)
	if err != nil {
		b.Fatal(err)
	}
	w := bufio.NewWriter(f)
	rng := rand.New(rand.NewPCG(1, 2))
	zipf := rand.NewZipf(rng, 1.1, 1, 99_999)
	for written := 0; written < mb<<20; {
		n, _ := fmt.Fprintf(w, "w%d w%d w%d w%d w%d w%d w%d w%d\n", zipf.Uint64(), zipf.Uint64(), zipf.Uint64(),
			zipf.Uint64(), zipf.Uint64(), zipf.Uint64(), zipf.Uint64(), zipf.Uint64())
		written += n
	}
	w.Flush()
	f.Close()
	return path
}

// BenchmarkNotebookWordCount runs the word count as a user types it into
// a cell, every function an interpreted closure, through the session as
// the kernel runs it.
func BenchmarkNotebookWordCount(b *testing.B) {
	mb := 8
	if v, err := strconv.Atoi(os.Getenv("GOSPARKLING_BENCH_MB")); err == nil && v > 0 {
		mb = v
	}
	path := notebookCorpus(b, mb)
	s, err := NewSession()
	if err != nil {
		b.Fatal(err)
	}
	cell := fmt.Sprintf(`sc.TextFile(%q).
	FlatMap(func(line string) []string { return strings.Fields(line) }).
	Map(func(w string) rdd.Pair { return rdd.KV(w, 1) }).
	ReduceByKey(func(a, b int) int { return a + b }).
	Count()`, path)
	b.SetBytes(int64(mb << 20))
	b.ResetTimer()
	for range b.N {
		if _, err := s.Execute(context.Background(), cell, &recorder{}); err != nil {
			b.Fatal(err)
		}
	}
}
