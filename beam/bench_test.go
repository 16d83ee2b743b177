//go:build beam

package beam

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/gosparkling/gosparkling/rdd"
)

// BenchmarkWordCount compares a word count of a generated 8 MB text on
// the local engine and on Prism in the process (loopback workers), with
// compiled functions: the cost of going through Beam itself.
func BenchmarkWordCount(b *testing.B) {
	dir := b.TempDir()
	path := filepath.Join(dir, "words.txt")
	var text strings.Builder
	for i := 0; text.Len() < 8<<20; i++ {
		fmt.Fprintf(&text, "w%d w%d the quick brown fox w%d\n", i%5000, i%977, i%31)
	}
	if err := os.WriteFile(path, []byte(text.String()), 0o644); err != nil {
		b.Fatal(err)
	}
	for _, engine := range []struct {
		name string
		sc   *rdd.Context
	}{
		{"local", rdd.NewContext()},
		{"prism", rdd.NewContext(rdd.WithRunner(New(Options{TempDir: dir})))},
	} {
		b.Run(engine.name, func(b *testing.B) {
			b.SetBytes(int64(text.Len()))
			for i := 0; i < b.N; i++ {
				n := engine.sc.TextFile(path).FlatMap(strings.Fields).
					Map(func(w string) rdd.Pair { return rdd.KV(w, 1) }).
					ReduceByKey(func(a, b int) int { return a + b }).Count()
				if n == 0 {
					b.Fatal("no words")
				}
			}
		})
	}
}

// BenchmarkTopOfManyKeys compares, on Prism, Top(10) of 50,000 counted
// keys reduced on the workers with bringing every count back to the
// notebook and taking the top there, as Top did before it ran on the
// engine.
func BenchmarkTopOfManyKeys(b *testing.B) {
	sc := rdd.NewContext(rdd.WithRunner(New(Options{TempDir: b.TempDir()})))
	counts := func() *rdd.RDD {
		return sc.Range(0, 200_000, 1, 4).Map(func(x int64) rdd.Pair { return rdd.KV(x%50_000, 1) }).
			ReduceByKey(func(a, b int) int { return a + b })
	}
	b.Run("on the workers", func(b *testing.B) {
		for i := 0; i < b.N; i++ {
			if top := counts().Top(10); len(top) != 10 {
				b.Fatal(top)
			}
		}
	})
	b.Run("in the notebook", func(b *testing.B) {
		for i := 0; i < b.N; i++ {
			if top := sc.Local().Parallelize(counts().Collect()).Top(10); len(top) != 10 {
				b.Fatal(top)
			}
		}
	})
}
