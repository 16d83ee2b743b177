package rdd_test

import (
	"bufio"
	"fmt"
	"math/rand/v2"
	"os"
	"path/filepath"
	"runtime"
	"runtime/debug"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/gosparkling/gosparkling/rdd"
)

// zipfCorpus writes about size bytes of text whose words follow a Zipf
// law over a vocabulary of 100,000 words, deterministically, and returns
// its path and word count. It is made once per size per test binary.
func zipfCorpus(b *testing.B, size int) (string, int) {
	b.Helper()
	corpusOnce.Do(func() { corpora = map[int]corpus{} })
	corpusMu.Lock()
	defer corpusMu.Unlock()
	if c, ok := corpora[size]; ok {
		return c.path, c.words
	}
	dir, err := os.MkdirTemp("", "gosparkling-bench-")
	if err != nil {
		b.Fatal(err)
	}
	path := filepath.Join(dir, fmt.Sprintf("zipf-%d.txt", size))
	f, err := os.Create(path)
	if err != nil {
		b.Fatal(err)
	}
	w := bufio.NewWriter(f)
	rng := rand.New(rand.NewPCG(1, 2))
	zipf := rand.NewZipf(rng, 1.1, 1, 99_999)
	written, words := 0, 0
	for written < size {
		n := 5 + rng.IntN(15)
		for i := 0; i < n; i++ {
			s := fmt.Sprintf("w%d", zipf.Uint64())
			if i > 0 {
				w.WriteByte(' ')
				written++
			}
			w.WriteString(s)
			written += len(s)
			words++
		}
		w.WriteByte('\n')
		written++
	}
	if err := w.Flush(); err != nil {
		b.Fatal(err)
	}
	f.Close()
	corpora[size] = corpus{path, words}
	return path, words
}

type corpus struct {
	path  string
	words int
}

var (
	corpusOnce sync.Once
	corpusMu   sync.Mutex
	corpora    map[int]corpus
)

// benchCorpusSize is the corpus size: 8 MB, or GOSPARKLING_BENCH_MB
// megabytes (make bench uses 50).
var benchCorpusSize = func() int {
	if mb, err := strconv.Atoi(os.Getenv("GOSPARKLING_BENCH_MB")); err == nil && mb > 0 {
		return mb << 20
	}
	return 8 << 20
}()

// BenchmarkWordCountRDD is the word count with compiled functions:
// TextFile, FlatMap(strings.Fields), Map to pairs, ReduceByKey.
func BenchmarkWordCountRDD(b *testing.B) {
	path, words := zipfCorpus(b, benchCorpusSize)
	sc := rdd.NewContext()
	b.SetBytes(int64(benchCorpusSize))
	b.ReportAllocs()
	b.ResetTimer()
	for range b.N {
		counts := sc.TextFile(path).
			FlatMap(strings.Fields).
			Map(func(w string) rdd.Pair { return rdd.KV(w, 1) }).
			ReduceByKey(func(a, b int) int { return a + b })
		if counts.Count() == 0 {
			b.Fatal("no words")
		}
	}
	b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N)/float64(words), "ns/word")
}

// BenchmarkWordCountBaseline is the practical limit: a hand-written loop
// over the same file into a map[string]int, on one goroutine.
func BenchmarkWordCountBaseline(b *testing.B) {
	path, words := zipfCorpus(b, benchCorpusSize)
	b.SetBytes(int64(benchCorpusSize))
	b.ReportAllocs()
	b.ResetTimer()
	for range b.N {
		f, err := os.Open(path)
		if err != nil {
			b.Fatal(err)
		}
		counts := map[string]int{}
		sc := bufio.NewScanner(f)
		sc.Buffer(make([]byte, 1<<20), 1<<20)
		for sc.Scan() {
			for _, w := range strings.Fields(sc.Text()) {
				counts[w]++
			}
		}
		f.Close()
		if len(counts) == 0 {
			b.Fatal("no words")
		}
	}
	b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N)/float64(words), "ns/word")
}

// BenchmarkWordCountRDDPeakMemory reports the peak heap in use during a
// word count, sampled every millisecond, as a multiple of the input size.
func BenchmarkWordCountRDDPeakMemory(b *testing.B) {
	path, _ := zipfCorpus(b, benchCorpusSize)
	sc := rdd.NewContext()
	var peak uint64
	for range b.N {
		peak = max(peak, peakHeap(func() {
			sc.TextFile(path).
				FlatMap(strings.Fields).
				Map(func(w string) rdd.Pair { return rdd.KV(w, 1) }).
				ReduceByKey(func(a, b int) int { return a + b }).
				Count()
		}))
	}
	b.ReportMetric(float64(peak)/float64(benchCorpusSize), "peakheap/input")
	b.ReportMetric(float64(peak)/(1<<20), "peakheap-MB")
}

// peakHeap runs f and returns the most heap it took beyond what was in
// use before, sampled every millisecond.
func peakHeap(f func()) uint64 {
	runtime.GC()
	var base runtime.MemStats
	runtime.ReadMemStats(&base)
	stop := make(chan struct{})
	done := make(chan uint64)
	go func() {
		var max uint64
		var ms runtime.MemStats
		for {
			runtime.ReadMemStats(&ms)
			if ms.HeapInuse > max {
				max = ms.HeapInuse
			}
			select {
			case <-stop:
				done <- max
				return
			case <-time.After(time.Millisecond):
			}
		}
	}()
	f()
	close(stop)
	if m := <-done; m > base.HeapInuse {
		return m - base.HeapInuse
	}
	return 0
}

// peakRSS returns the process's peak resident set since the last
// resetPeakRSS (VmHWM), or 0 where /proc does not tell.
func peakRSS() uint64 {
	status, err := os.ReadFile("/proc/self/status")
	if err != nil {
		return 0
	}
	for _, line := range strings.Split(string(status), "\n") {
		if rest, ok := strings.CutPrefix(line, "VmHWM:"); ok {
			kb, _ := strconv.ParseUint(strings.TrimSuffix(strings.TrimSpace(rest), " kB"), 10, 64)
			return kb << 10
		}
	}
	return 0
}

// resetPeakRSS starts peakRSS over from the current resident set.
func resetPeakRSS() { os.WriteFile("/proc/self/clear_refs", []byte("5"), 0) }

// BenchmarkDistinctKeysReduceByKey is row 6 of make bench: 10 million
// distinct int64 keys through ReduceByKey, with the default shuffle memory
// and with a budget of 256 MB, which makes the shuffle spill. It reports
// the peak heap and the peak resident set.
func BenchmarkDistinctKeysReduceByKey(b *testing.B) {
	const n = 10_000_000
	for _, bc := range []struct {
		name string
		opts []rdd.Option
	}{
		{"default", nil},
		{"256MB", []rdd.Option{rdd.WithShuffleMemory(256 << 20)}},
	} {
		b.Run(bc.name, func(b *testing.B) {
			sc := rdd.NewContext(bc.opts...)
			defer sc.Stop()
			var heap, rss uint64
			b.ReportAllocs()
			for range b.N {
				runtime.GC()
				debug.FreeOSMemory()
				resetPeakRSS()
				heap = max(heap, peakHeap(func() {
					got := sc.Range(0, n).
						Map(func(x int64) rdd.Pair { return rdd.KV(x, 1) }).
						ReduceByKey(func(a, b int) int { return a + b }).
						Count()
					if got != n {
						b.Fatalf("Count = %d, want %d", got, n)
					}
				}))
				rss = max(rss, peakRSS())
			}
			b.ReportMetric(float64(heap)/(1<<20), "peakheap-MB")
			b.ReportMetric(float64(rss)/(1<<20), "peakrss-MB")
		})
	}
}

// BenchmarkCollectResultSize measures what tracking the result's size
// (MaxResultSize) costs a Collect of a million strings.
func BenchmarkCollectResultSize(b *testing.B) {
	words := make([]string, 1_000_000)
	for i := range words {
		words[i] = fmt.Sprintf("word%d", i)
	}
	for _, bm := range []struct {
		name  string
		limit int64
	}{{"unbounded", 0}, {"bounded", rdd.DefaultMaxResultSize}} {
		b.Run(bm.name, func(b *testing.B) {
			sc := rdd.NewContext(rdd.WithMaxResultSize(bm.limit))
			defer sc.Stop()
			r := sc.Parallelize(words, 4)
			b.ResetTimer()
			for range b.N {
				if n := len(r.Collect()); n != len(words) {
					b.Fatalf("Collect gave %d elements", n)
				}
			}
		})
	}
}

// BenchmarkDistinct is Distinct of 2 million elements into 400,000, made
// from Range in 2 partitions, for each common element type: int64s (read
// unboxed from Map's typed source), ints, float64s and strings.
func BenchmarkDistinct(b *testing.B) {
	const n, keys = 2_000_000, 400_000
	for _, bc := range []struct {
		name string
		elem func(r *rdd.RDD) *rdd.RDD
	}{
		{"int64", func(r *rdd.RDD) *rdd.RDD { return r.Map(func(x int64) int64 { return x * 7919 % keys }) }},
		{"int", func(r *rdd.RDD) *rdd.RDD { return r.Map(func(x int64) any { return int(x * 7919 % keys) }) }},
		{"float64", func(r *rdd.RDD) *rdd.RDD { return r.Map(func(x int64) any { return float64(x*7919%keys) / 4 }) }},
		{"string", func(r *rdd.RDD) *rdd.RDD {
			return r.Map(func(x int64) string { return "k" + strconv.FormatInt(x*7919%keys, 10) })
		}},
	} {
		b.Run(bc.name, func(b *testing.B) {
			sc := rdd.NewContext()
			defer sc.Stop()
			b.ReportAllocs()
			for range b.N {
				if got := bc.elem(sc.Range(0, n, 1, 2)).Distinct().Count(); got != keys {
					b.Fatalf("Count = %d, want %d", got, keys)
				}
			}
		})
	}
}

// BenchmarkJoin joins 2 million Pairs with 200,000 on int64 keys (all
// 200,000 match), the large side on the left and then on the right: each
// reduce task builds its table on the side with fewer Pairs.
func BenchmarkJoin(b *testing.B) {
	const big, small = 2_000_000, 200_000
	for _, bc := range []struct {
		name      string
		smallLeft bool
	}{{"large-left", false}, {"small-left", true}} {
		b.Run(bc.name, func(b *testing.B) {
			sc := rdd.NewContext()
			defer sc.Stop()
			b.ReportAllocs()
			for range b.N {
				large := sc.Range(0, big, 1, 2).Map(func(x int64) rdd.Pair { return rdd.KV(x, x) })
				few := sc.Range(0, small, 1, 2).Map(func(x int64) rdd.Pair { return rdd.KV(10*x, x) })
				left, right := large, few
				if bc.smallLeft {
					left, right = few, large
				}
				if got := left.Join(right).Count(); got != small {
					b.Fatalf("Count = %d, want %d", got, small)
				}
			}
		})
	}
}
