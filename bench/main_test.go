package main

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

func TestCorpusIsDeterministic(t *testing.T) {
	dir := t.TempDir()
	a, b := filepath.Join(dir, "a.txt"), filepath.Join(dir, "b.txt")
	for _, p := range []string{a, b} {
		if err := writeCorpus(p, 64<<10); err != nil {
			t.Fatal(err)
		}
	}
	x, _ := os.ReadFile(a)
	y, _ := os.ReadFile(b)
	if string(x) != string(y) || len(x) < 64<<10 || len(x) > 65<<10 {
		t.Errorf("two corpora of 64 KiB: %d and %d bytes, equal: %v", len(x), len(y), string(x) == string(y))
	}
}

func TestRowsCountTheSameWords(t *testing.T) {
	dir := t.TempDir()
	in := inputs{corpus: filepath.Join(dir, "zipf.txt"), many: filepath.Join(dir, "many", "*.txt")}
	if err := writeCorpus(in.corpus, 256<<10); err != nil {
		t.Fatal(err)
	}
	if err := prepare(in, 1); err != nil {
		t.Fatal(err)
	}
	var notes []string
	for _, run := range []func(inputs) (string, error){runNotebookCell, runCompiled, runBaseline} {
		note, err := run(in)
		if err != nil {
			t.Fatal(err)
		}
		notes = append(notes, note)
	}
	if notes[0] != notes[2] || notes[1] != notes[2] {
		t.Errorf("the interpreted, compiled and hand-written word counts differ: %q", notes)
	}
	if note, err := runTakeOne(in); err != nil || !strings.HasPrefix(note, "1 file(s) opened") {
		t.Errorf("Take(1) over 1,000 files: %q, %v", note, err)
	}
}

func TestRenderStatesTheRatioToTheLoop(t *testing.T) {
	table := render([]result{
		{row: rows[1], wall: 3 * time.Second, note: "n"},
		{row: rows[2], wall: 2 * time.Second, note: "n"},
	}, 50)
	for _, want := range []string{"| 2 | ", "| 1.50x |", "| 1.00x |", "corpus 50 MB"} {
		if !strings.Contains(table, want) {
			t.Errorf("table lacks %q:\n%s", want, table)
		}
	}
}

func TestWritingTheTableKeepsTheShuffleSection(t *testing.T) {
	tests := []struct {
		name, old, rest, shuffles string
	}{
		{"no file", "", "", ""},
		{"no shuffle section", "# Benchmark results\n| row |\n", "# Benchmark results\n| row |\n", ""},
		{"a shuffle section at the end", "# Benchmark results\n| row |\n\n## Shuffles\n| workload |\n",
			"# Benchmark results\n| row |\n", "\n## Shuffles\n| workload |\n"},
		{"a shuffle section before the natural cells'",
			"# Benchmark results\n| row |\n\n## Shuffles\n| workload |\n\n" + naturalBegin + "\n| cell |\n" + naturalEnd + "\n",
			"# Benchmark results\n| row |\n" + naturalBegin + "\n| cell |\n" + naturalEnd + "\n", "\n## Shuffles\n| workload |\n"},
	}
	for _, tt := range tests {
		rest, shuffles := splitShuffles(tt.old)
		if rest != tt.rest || shuffles != tt.shuffles {
			t.Errorf("%s: split into %q and %q, want %q and %q", tt.name, rest, shuffles, tt.rest, tt.shuffles)
		}
	}
}
