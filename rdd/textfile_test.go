package rdd_test

import (
	"compress/gzip"
	"fmt"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"

	"github.com/gosparkling/gosparkling/rdd"
)

func writeFile(t *testing.T, path, content string) {
	t.Helper()
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		t.Fatal(err)
	}
	if strings.HasSuffix(path, ".gz") {
		f, err := os.Create(path)
		if err != nil {
			t.Fatal(err)
		}
		zw := gzip.NewWriter(f)
		zw.Write([]byte(content))
		if err := zw.Close(); err != nil {
			t.Fatal(err)
		}
		f.Close()
		return
	}
	if err := os.WriteFile(path, []byte(content), 0o644); err != nil {
		t.Fatal(err)
	}
}

func TestTextFile(t *testing.T) {
	dir := t.TempDir()
	writeFile(t, filepath.Join(dir, "a.txt"), "one\ntwo\r\nthree\rfour")
	writeFile(t, filepath.Join(dir, "b.txt.gz"), "five\nsix\n")
	writeFile(t, filepath.Join(dir, "sub", "c.txt"), "seven\n")
	writeFile(t, filepath.Join(dir, "_SUCCESS"), "")
	writeFile(t, filepath.Join(dir, "empty.txt"), "")
	sc := newContext(t)
	tests := []struct {
		name  string
		paths string
		want  []any
	}{
		{"line endings \\n, \\r\\n and lone \\r", filepath.Join(dir, "a.txt"), []any{"one", "two", "three", "four"}},
		{"gzip by suffix", filepath.Join(dir, "b.txt.gz"), []any{"five", "six"}},
		{"comma list keeps its order", filepath.Join(dir, "b.txt.gz") + "," + filepath.Join(dir, "a.txt"),
			[]any{"five", "six", "one", "two", "three", "four"}},
		{"glob sorted by path", filepath.Join(dir, "*.txt*"), []any{"one", "two", "three", "four", "five", "six"}},
		{"glob ** at any depth", filepath.Join(dir, "**", "c.txt"), []any{"seven"}},
		{"directory skips _ names", filepath.Join(dir, "sub"), []any{"seven"}},
		{"empty file", filepath.Join(dir, "empty.txt"), []any{}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := sc.TextFile(tt.paths).Collect()
			if len(got) != len(tt.want) || len(got) > 0 && !reflect.DeepEqual(got, tt.want) {
				t.Errorf("TextFile(%q) = %q, want %q", tt.paths, got, tt.want)
			}
		})
	}
}

func TestTextFileSplitsLargeFilesWithoutLosingLines(t *testing.T) {
	dir := t.TempDir()
	var b strings.Builder
	var want []any
	for i := 0; i < 5000; i++ {
		line := fmt.Sprintf("line %d %s", i, strings.Repeat("x", i%37))
		want = append(want, line)
		b.WriteString(line)
		b.WriteString([]string{"\n", "\r\n", "\r"}[i%3])
	}
	path := filepath.Join(dir, "big.txt")
	writeFile(t, path, b.String())
	sc := newContext(t)
	for _, minParts := range []int{1, 2, 7, 64} {
		r := sc.TextFile(path, minParts)
		if got := r.GetNumPartitions(); got < minParts {
			t.Errorf("minPartitions %d: %d partitions", minParts, got)
		}
		if got := r.Collect(); !reflect.DeepEqual(got, want) {
			t.Errorf("minPartitions %d: lines differ (got %d, want %d)", minParts, len(got), len(want))
		}
	}
	// A compressed file is never split.
	gz := filepath.Join(dir, "big.txt.gz")
	writeFile(t, gz, b.String())
	if got := sc.TextFile(gz, 8).GetNumPartitions(); got != 1 {
		t.Errorf("a .gz file has %d partitions, want 1", got)
	}
}

func TestTextFileWordCount(t *testing.T) {
	dir := t.TempDir()
	writeFile(t, filepath.Join(dir, "words.txt"), "the cat\nthe dog\n\nthe end\n")
	sc := newContext(t)
	counts := sc.TextFile(filepath.Join(dir, "words.txt")).
		FlatMap(strings.Fields).
		Map(func(w string) rdd.Pair { return rdd.KV(w, 1) }).
		ReduceByKey(func(a, b int) int { return a + b })
	top := counts.Top(1, func(p rdd.Pair) int { return p.Value.(int) })
	if !reflect.DeepEqual(top, []any{rdd.KV("the", 3)}) {
		t.Errorf("top word = %v", top)
	}
	if n := counts.Count(); n != 4 {
		t.Errorf("distinct words = %d, want 4", n)
	}
}
