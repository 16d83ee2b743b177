package display

import (
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/gosparkling/gosparkling/rdd"
)

// mimeExt is the extension of the golden file of each MIME type.
var mimeExt = map[string]string{
	"text/plain":       ".txt",
	"text/html":        ".html",
	"text/markdown":    ".md",
	"image/svg+xml":    ".svg",
	"image/png":        ".png.b64",
	"application/json": ".json",
}

// testContext is a Context whose RDDs are made "In [1]", so that their
// lineage does not depend on the test's line numbers.
func testContext(opts ...rdd.Option) *rdd.Context {
	return rdd.NewContext(append([]rdd.Option{rdd.WithCallSite(func() string { return "In [1]" }), rdd.WithParallelism(2)}, opts...)...)
}

func TestGoldenBundles(t *testing.T) {
	sc := testContext()
	words := sc.Parallelize(strings.Fields("the cat and the hat and the bat sat on the mat"), 3)
	doubled := sc.Parallelize([]int{1, 2, 3, 4, 5}, 2).Map(func(x int) int { return 2 * x })
	cached := words.Map(strings.ToUpper).SetName("upper words").Cache()
	lengths := words.Map(func(w string) int { return len(w) })
	start := time.Date(2024, 5, 1, 12, 0, 0, 0, time.UTC)
	stage := rdd.StageProgress{JobID: 3, Stage: "Count", RDD: "MapPartitionsRDD[2] at Map at In [4]", Done: 12, Total: 40, Started: start}
	finished, failed := stage, stage
	finished.Done, finished.Finished = 40, true
	failed.Done, failed.Finished, failed.Failed = 13, true, true
	pic := tinyPNG(t, 4, 3)

	tests := []struct {
		name   string
		bundle map[string]any
	}{
		{"value_html", Bundle(HTML(`<h3>Words</h3><p>Counted <b>1,021</b> words &amp; <a href="#x">more</a>.</p>`))},
		{"value_markdown", Bundle(Markdown("# Words\n\nCounted **1,021** words."))},
		{"value_svg", Bundle(SVG(`<svg xmlns="http://www.w3.org/2000/svg" width="20" height="10"><rect width="20" height="10" fill="#4e79a7"/></svg>`))},
		{"value_png", Bundle(PNG(pic))},
		{"value_json", Bundle(JSON(map[string]any{"words": 1021, "top": []any{"the", 4}, "done": true, "note": nil}))},
		{"table_columns", Bundle(Table([]any{rdd.KV("the", rdd.KV(4, 0.36)), rdd.KV("and", rdd.KV(2, 0.18)), rdd.KV("cat", rdd.KV(1, 0.09))},
			Options{MaxRows: 2, Columns: []string{"key", "value.value"}}))},
		{"bar_chart", Bundle(Bar(words.CountByValue(), Title("Top words")))},
		{"rdd", Bundle(doubled)},
		{"rdd_cached", Bundle(cached)},
		{"stat_counter", Bundle(lengths.Stats())},
		{"count_by_value", Bundle(words.CountByValue())},
		{"histogram", Bundle(Histogram(sc.Parallelize([]float64{0.5, 1, 1.5, 2, 2.2, 2.5, 3, 3.3, 4, 9.9, 10}).Histogram(4)))},
		{"progress_running", ProgressBar(stage, start.Add(3100*time.Millisecond))},
		{"progress_finished", ProgressBar(finished, start.Add(3200*time.Millisecond))},
		{"progress_failed", ProgressBar(failed, start.Add(75*time.Second))},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			goldenBundle(t, tt.name, tt.bundle)
		})
	}
}

// goldenBundle compares each rendition of b with testdata/name.<ext> (see
// mimeExt), and checks that no golden file is left for a rendition b
// lacks; -update rewrites them.
func goldenBundle(t *testing.T, name string, b map[string]any) {
	t.Helper()
	var want []string
	for mime, data := range b {
		ext, ok := mimeExt[mime]
		if !ok {
			t.Fatalf("no golden extension for %s", mime)
		}
		var text string
		switch d := data.(type) {
		case string:
			text = d
		case json.RawMessage:
			text = string(d)
		default:
			t.Fatalf("%s is a %T", mime, data)
		}
		golden(t, name+ext, text)
		want = append(want, name+ext)
	}
	files, err := filepath.Glob(filepath.Join("testdata", name+".*"))
	if err != nil {
		t.Fatal(err)
	}
	var have []string
	for _, f := range files {
		have = append(have, filepath.Base(f))
	}
	slices.Sort(want)
	if !*update && !slices.Equal(have, want) {
		t.Errorf("golden files %q, want %q: a rendition is missing or new", have, want)
	}
}

func TestRDDIsShownWithoutComputing(t *testing.T) {
	stages := 0
	sc := testContext(rdd.WithProgress(func(rdd.StageProgress) { stages++ }))
	calls := 0
	dir := t.TempDir()
	for i := range 3 {
		if err := os.WriteFile(filepath.Join(dir, fmt.Sprintf("part-%d.txt", i)), []byte("a b\nc\n"), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	tests := []struct {
		name     string
		r        *rdd.RDD
		contains []string
	}{
		{"a map of a parallelized slice",
			sc.Parallelize([]int{1, 2, 3}, 3).Map(func(x int) int { calls++; return x }),
			[]string{"MapPartitionsRDD[1] at Map at In [1]", "id 1 · 3 partitions · not persisted",
				"(3) MapPartitionsRDD[1] at Map at In [1] []\n |  ParallelCollectionRDD[0] at parallelize at In [1] []"}},
		{"files are listed to count partitions, not read",
			sc.TextFile(filepath.Join(dir, "*.txt")).FlatMap(func(l string) []string { calls++; return strings.Fields(l) }).SetName("words"),
			[]string{"words[3] at FlatMap at In [1]", `id 3 · name "words" · 3 partitions · not persisted`}},
		{"a shuffle is not run",
			sc.Parallelize([]any{rdd.KV("a", 1)}, 2).ReduceByKey(func(a, b int) int { calls++; return a + b }),
			[]string{"(2) ShuffledRDD", "+-(2) ParallelCollectionRDD"}},
		{"a listing error is shown, with the lineage",
			sc.TextFile(filepath.Join(dir, "missing", "*.gz")),
			[]string{"partitions unknown: ", "no files match", "(?) MapPartitionsRDD"}},
		{"persisted RDDs say so",
			sc.Range(0, 10, 1, 2).Persist(rdd.DiskOnly),
			[]string{"id 7 · 2 partitions · persisted: Disk Serialized 1x Replicated", "CachedPartitions: 0"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			b := Bundle(tt.r)
			text, html := b["text/plain"].(string), b["text/html"].(string)
			for _, want := range tt.contains {
				if !strings.Contains(text, want) {
					t.Errorf("text lacks %q:\n%s", want, text)
				}
			}
			if !strings.Contains(html, "<pre ") || !strings.Contains(html, "MapPartitionsRDD") && !strings.Contains(html, "RDD[") {
				t.Errorf("HTML has no lineage:\n%s", html)
			}
			if strings.Contains(html, "<script") || strings.Contains(html, "<style") {
				t.Errorf("HTML is not inline-styled only:\n%s", html)
			}
		})
	}
	if stages != 0 || calls != 0 {
		t.Errorf("showing RDDs ran %d stages and %d user calls, want none", stages, calls)
	}
}

func TestRDDLineageIsBounded(t *testing.T) {
	sc := testContext()
	parts := make([]*rdd.RDD, 500)
	for i := range parts {
		parts[i] = sc.Parallelize([]int{i}, 1)
	}
	b := Bundle(sc.Union(parts...))
	text, html := b["text/plain"].(string), b["text/html"].(string)
	if n := strings.Count(text, "ParallelCollectionRDD"); n != maxLineageLines-1 {
		t.Errorf("text shows %d parents, want %d", n, maxLineageLines-1)
	}
	if !strings.HasSuffix(text, "\n… 301 more lines") || !strings.Contains(html, "… 301 more lines") {
		t.Errorf("the lines not shown are not counted:\n%s", text[len(text)-200:])
	}
	if len(html) > 40_000 {
		t.Errorf("HTML of a union of 500 RDDs is %d bytes", len(html))
	}
}

func TestStatCounterTable(t *testing.T) {
	sc := testContext()
	stats := sc.Parallelize([]float64{2, 4, 4, 4, 5, 5, 7, 9}).Stats()
	want := "   count  mean  stdev  max  min  sum  variance  sampleStdev  sampleVariance\n" +
		"0      8     5      2    9    2   40         4      2.13809         4.57143\n" +
		"1 row × 9 columns"
	if got := Bundle(stats)["text/plain"]; got != want {
		t.Errorf("text =\n%s\nwant\n%s", got, want)
	}
	if got := Bundle(&stats)["text/plain"]; got != want {
		t.Errorf("text of a pointer =\n%s\nwant\n%s", got, want)
	}
	empty := sc.Parallelize([]float64{}).Stats()
	want = "   count  mean  stdev   max   min  sum  variance  sampleStdev  sampleVariance\n" +
		"0      0     0    NaN  -Inf  +Inf    0       NaN          NaN             NaN\n" +
		"1 row × 9 columns"
	if got := Bundle(empty)["text/plain"]; got != want {
		t.Errorf("text of no values =\n%s\nwant\n%s", got, want)
	}
}
