// Command gencrawl writes a deterministic sample of a Common Crawl crawl: WARC, WET and WAT
// files of synthetic web sites, laid out as the real crawl CC-MAIN-2024-22 is, with its
// path listings.
//
//	go run ./notebooks/gencrawl -out notebooks/data -size small
//
// writes notebooks/data/crawl-data/CC-MAIN-2024-22/segments/<segment>/{warc,wet,wat,robotstxt}/...,
// notebooks/data/crawl-data/CC-MAIN-2024-22/{warc,wet,wat,robotstxt}.paths.gz and the URL index of the
// responses, notebooks/data/cc-index/table/cc-main/warc/crawl=CC-MAIN-2024-22/subset={warc,
// crawldiagnostics}/part-*.c000.gz.parquet, replacing what was there. The same seed always gives byte-identical files. "small" (5 MB) is the sample
// the notebooks read; "large" (about 300 MB, written to notebooks/data-large unless -out
// says otherwise) is for benchmarks.
//
// The records follow the formats of Common Crawl's own samples (Apache-2.0): a warcinfo
// record first in each file; request, response and metadata records per capture in the
// WARC files; conversion records with the extracted text and its identified languages in
// the WET files; metadata records with Common Crawl's JSON envelope in the WAT files; a
// request and a response per host of the crawl for its /robots.txt in the robotstxt files
// (one per segment; drawn from a random source of their own, so that the other files stay
// byte for byte what they were before robotstxt files were added).
package main

import (
	"flag"
	"fmt"
	"os"
	"sort"
	"strings"
)

// sizes are the crawls -size names.
var sizes = map[string]config{
	"small": {Out: "notebooks/data", Seed: 2024_22, Sites: 300, Pages: 900, Segments: 3, FilesPerSegment: 3},
	"large": {Out: "notebooks/data-large", Seed: 2024_22, Sites: 4000, Pages: 60000, Segments: 4, FilesPerSegment: 10},
}

func main() {
	out := flag.String("out", "", "directory to write crawl-data/ into (default notebooks/data for -size small, notebooks/data-large for large)")
	size := flag.String("size", "small", "size of the crawl: "+strings.Join(sizeNames(), " or "))
	seed := flag.Uint64("seed", 0, "seed of the random source (0: the size's own seed)")
	flag.Parse()
	cfg, ok := sizes[*size]
	if !ok {
		fmt.Fprintf(os.Stderr, "gencrawl: unknown -size %q (want %s)\n", *size, strings.Join(sizeNames(), " or "))
		os.Exit(2)
	}
	if *seed != 0 {
		cfg.Seed = *seed
	}
	if *out == "" {
		*out = cfg.Out
	}
	if err := generate(*out, cfg); err != nil {
		fmt.Fprintln(os.Stderr, "gencrawl:", err)
		os.Exit(1)
	}
}

func sizeNames() []string {
	var names []string
	for name := range sizes {
		names = append(names, name)
	}
	sort.Strings(names)
	return names
}
