package main

import (
	"path/filepath"
	"testing"
)

func TestNaturalWordCountCellCountsAsCompiledGo(t *testing.T) {
	dir := t.TempDir()
	in := inputs{corpus: filepath.Join(dir, "zipf.txt"), letters: filepath.Join(dir, "letters.txt")}
	if err := writeLetterCorpus(in.letters, 128<<10); err != nil {
		t.Fatal(err)
	}
	cell, err := naturalRow(interpretedRun)(in)
	if err != nil {
		t.Fatal(err)
	}
	compiled, err := runNaturalCompiled(in)
	if err != nil {
		t.Fatal(err)
	}
	if cell != compiled {
		t.Errorf("the cell shows %q, compiled Go %q", cell, compiled)
	}
}
