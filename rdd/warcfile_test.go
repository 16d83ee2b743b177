package rdd_test

import (
	"path/filepath"
	"strings"
	"testing"

	"github.com/gosparkling/gosparkling/fileio/warc"
	"github.com/gosparkling/gosparkling/rdd"
)

// The Common Crawl samples of the warc package's test data.
var ccSamples = filepath.Join("..", "fileio", "warc", "testdata", "commoncrawl")

func TestWarcFile(t *testing.T) {
	sc := newContext(t)
	all := sc.WarcFile(filepath.Join(ccSamples, "whirlwind.warc*.gz"))
	check(t, "one partition per file", all.GetNumPartitions(), 3)
	types := all.Map(func(r *warc.Record) string { return r.Type() }).CountByValue()
	for _, typ := range []string{"warcinfo", "request", "response", "metadata", "conversion"} {
		if types[typ] == 0 {
			t.Errorf("no %s records among %v", typ, types)
		}
	}
	wet := sc.WarcFile(filepath.Join(ccSamples, "whirlwind.warc.wet.gz")).
		Filter(func(r *warc.Record) bool { return r.Type() == "conversion" })
	first := wet.First().(*warc.Record)
	if first.TargetURI() == "" || !strings.Contains(first.Text(), " ") {
		t.Errorf("WET conversion record: uri %q, text %q", first.TargetURI(), first.Text())
	}
	words := wet.FlatMap(func(r *warc.Record) []string { return strings.Fields(r.Text()) }).
		Map(func(w string) rdd.Pair { return rdd.KV(w, 1) }).
		ReduceByKey(func(a, b int) int { return a + b })
	if words.Count() < 50 {
		t.Errorf("only %d distinct words in the WET sample", words.Count())
	}
	je := jobError(t, func() { sc.WarcFile(filepath.Join(ccSamples, "missing.warc.gz")).Count() })
	if !strings.Contains(je.Error(), "missing.warc.gz") {
		t.Errorf("missing file error: %v", je)
	}
}
