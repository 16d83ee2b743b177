package main

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// BenchmarkNaturalRDD runs the natural cells as compiled Go programs with
// the rdd package, for profiling the engine under them:
//
//	BENCH_LETTERS=/tmp/benchdata/zipf-letters-30mb.txt BENCH_CRAWL=/tmp/crawl-large \
//	  go test -tags duckdb_arrow -run - -bench NaturalRDD/group -cpuprofile cpu.out ./bench
//
// It skips a cell whose input is not given.
func BenchmarkNaturalRDD(b *testing.B) {
	letters := os.Getenv("BENCH_LETTERS")
	var wet string
	if crawl := os.Getenv("BENCH_CRAWL"); crawl != "" {
		files, err := wetInput(filepath.Join(crawl, "crawl-data", "*", "segments", "*", "wet", "*.warc.wet.gz"), 2)
		if err != nil {
			b.Fatal(err)
		}
		wet = strings.Join(files, ",")
	}
	for _, c := range naturalCells {
		b.Run(c.name, func(b *testing.B) {
			input := letters
			if c.wet {
				input = wet
			}
			if input == "" {
				b.Skip("set BENCH_LETTERS and BENCH_CRAWL to the inputs")
			}
			for b.Loop() {
				if _, err := c.rdd(input); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}
