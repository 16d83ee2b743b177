package interp

import (
	"runtime"
	"testing"
)

// liveHeap returns the bytes of live heap after a full collection.
func liveHeap() int64 {
	runtime.GC()
	runtime.GC()
	var m runtime.MemStats
	runtime.ReadMemStats(&m)
	return int64(m.HeapAlloc)
}

// TestRepeatedCellsDoNotKeepTheirData: what the RDDs of a cell held is
// released once nothing reaches them, however often a cell runs. yaegi
// keeps every temporary of top-level code in its global frame for the
// session's life; before cells' expressions ran in a func literal, each
// run of the Parallelize cell kept its 24 MB (about 1 GB over these runs)
// and each shuffle cell the 1.6 MB copy of words.
func TestRepeatedCellsDoNotKeepTheirData(t *testing.T) {
	if testing.Short() {
		t.Skip("runs a few hundred cells")
	}
	tests := []struct {
		name      string
		setup     string
		cell      string
		runs      int
		maxGrowth int64
	}{
		{"expression: Parallelize of a million ints", "", `sc.Parallelize(make([]int, 1000000), 4).Count()`, 40, 64 << 20},
		{"statement: printed count", `import "fmt"`, `fmt.Println(sc.Parallelize(make([]int, 1000000), 4).Count() > 0)`, 40, 64 << 20},
		{"expression: shuffle of words",
			"words := make([]string, 100000)\nfor i := range words { words[i] = string(rune('a' + i%26)) }",
			`sc.Parallelize(words, 4).Map(func(w string) rdd.Pair { return rdd.KV(w, 1) }).ReduceByKey(func(a, b int) int { return a + b }).Count()`,
			150, 48 << 20},
	}
	// One session runs every cell, as a notebook would.
	s := newSession(t)
	for _, tt := range tests {
		if tt.setup != "" {
			if r := execute(t, s, tt.setup); r.err != nil {
				t.Fatalf("%s: setup: %v", tt.name, r.err)
			}
		}
		execute(t, s, tt.cell) // the first run loads what every later one shares
		before := liveHeap()
		for i := 0; i < tt.runs; i++ {
			if r := execute(t, s, tt.cell); r.err != nil {
				t.Fatalf("%s: run %d: %v", tt.name, i, r.err)
			}
		}
		growth := liveHeap() - before
		t.Logf("%s: live heap grew by %d KB over %d runs", tt.name, growth>>10, tt.runs)
		if growth > tt.maxGrowth {
			t.Errorf("%s: live heap grew by %d MB over %d runs of the cell, want at most %d MB: the session keeps what earlier cells computed",
				tt.name, growth>>20, tt.runs, tt.maxGrowth>>20)
		}
	}
}
