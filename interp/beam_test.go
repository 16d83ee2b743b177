//go:build beam

package interp

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/gosparkling/gosparkling/beam"
)

func init() { beam.SetCompiler(CompileFunc) }

// beamCells are notebook cells whose results do not depend on the order
// a shuffle leaves: each is run on the local engine and on Prism.
var beamCells = []string{
	`import "strings"`,
	`var stop = map[string]bool{"the": true, "a": true}
func words(line string) []string {
	var out []string
	for _, w := range strings.Fields(strings.ToLower(line)) {
		if !stop[w] {
			out = append(out, w)
		}
	}
	return out
}`,
	`lines := sc.Parallelize([]string{"The cat sat", "a cat ran", "the dog sat down"}, 2)
minLen := 3
counts := lines.FlatMap(words).Filter(func(w string) bool { return len(w) >= minLen }).
	Map(func(w string) rdd.Pair { return rdd.KV(w, 1) }).
	ReduceByKey(func(a, b int) int { return a + b })
counts.SortBy(func(p rdd.Pair) string { return p.Key.(string) }, true).Collect()`,
	`counts.Count()`,
	`owners := sc.Parallelize([]rdd.Pair{rdd.KV("cat", "ann"), rdd.KV("dog", "bob"), rdd.KV("emu", "cy")})
counts.Join(owners).SortByKey(true).Collect()`,
	`type Hit struct { Word string; N int }
hits := counts.Map(func(p rdd.Pair) Hit { return Hit{Word: p.Key.(string), N: p.Value.(int)} })
hits.SortBy(func(h Hit) string { return h.Word }, false).Take(2)`,
	`lines.FlatMap(words).Distinct().SortBy(func(w string) string { return w }, true).Collect()`,
	`counts.Values().Reduce(func(a, b int) int { return a + b })`,
	`extra := 1
lines.FlatMap(words).Aggregate(0, func(n int, w string) int { return n + len(w) + extra }, func(a, b int) int { return a + b })`,
	`lines.Map(func(l string) int { return len(l) }).Fold(0, func(a, b int) int { if b > a { return b }; return a })`,
	`counts.Top(2, func(p rdd.Pair) string { return p.Key.(string) })`,
	`counts.Min(func(p rdd.Pair) string { return p.Key.(string) })`,
}

func TestNotebookCellsGiveTheSameResultsOnPrism(t *testing.T) {
	run := func(onBeam bool) []string {
		s := newSession(t)
		defer s.Close()
		if onBeam {
			if res := execute(t, s, `sc = sc.WithRunner(beam.New(beam.Options{StrictShipping: true, TempDir: `+"`"+t.TempDir()+"`"+`}))`); res.err != nil {
				t.Fatalf("switching sc to Beam: %v", res.err)
			}
		}
		var out []string
		for _, cell := range beamCells {
			res := execute(t, s, cell)
			if res.err != nil {
				t.Fatalf("beam=%v: cell %q: %v", onBeam, cell, res.err)
			}
			out = append(out, res.plain)
		}
		return out
	}
	local, prism := run(false), run(true)
	for i := range local {
		if local[i] != prism[i] {
			t.Errorf("cell %q:\nlocal:\n%s\nPrism:\n%s", beamCells[i], local[i], prism[i])
		}
	}
}

// TestErrorsOnPrismReadAsLocally checks that a function fails on Prism as
// it fails locally: one of an action that reduces on the engine names the
// action the user called, not the shuffle that computes it, and a panic
// is the user function's.
func TestErrorsOnPrismReadAsLocally(t *testing.T) {
	tests := []struct{ cell, want string }{
		{`nums.Reduce(func(a, b string) string { return a })`, "rdd.Reduce: element of type int"},
		{`nums.Fold("", func(a, b string) string { return a })`, "rdd.Fold: element of type int"},
		{`nums.Aggregate(0, func(a int, b string) int { return a }, func(a, b int) int { return a + b })`, "rdd.Aggregate: element of type int"},
		{`nums.Max(func(x string) int { return 1 })`, "rdd.Max: element of type int"},
		{`nums.TakeOrdered(2, func(x string) int { return 1 })`, "rdd.TakeOrdered: element of type int"},
		{`nums.Top(2, func(x string) int { return 1 })`, "rdd.Top: element of type int"},
		{`nums.Reduce(func(a, b int) int { panic("boom") })`, "panic: boom"},
		{`nums.KeyBy(func(x int) int { return x % 2 }).ReduceByKey(func(a, b int) int { return a + b }).Values().Reduce(func(a, b string) string { return a })`,
			"rdd.Reduce: element of type int"},
		{`nums.KeyBy(func(x int) int { return x % 2 }).ReduceByKey(func(a, b int) int { var m map[int]int; m[a] = b; return a }).Collect()`,
			"assignment to entry in nil map"},
	}
	for _, onBeam := range []bool{false, true} {
		s := newSession(t)
		if onBeam {
			if res := execute(t, s, `sc = sc.WithRunner(beam.New(beam.Options{StrictShipping: true, TempDir: `+"`"+t.TempDir()+"`"+`}))`); res.err != nil {
				t.Fatalf("switching sc to Beam: %v", res.err)
			}
		}
		if res := execute(t, s, `nums := sc.Parallelize([]int{1, 2, 3, 4}, 2)`); res.err != nil {
			t.Fatal(res.err)
		}
		for _, tt := range tests {
			res := execute(t, s, tt.cell)
			if res.err == nil || !strings.Contains(res.err.Error(), tt.want) || strings.Contains(res.err.Error(), "ByKey:") {
				t.Errorf("beam=%v: %s: error %v, want one saying %q", onBeam, tt.cell, res.err, tt.want)
			}
		}
		s.Close()
	}
}

func TestUnshippableClosureIsRefusedOnPrism(t *testing.T) {
	s := newSession(t)
	defer s.Close()
	execute(t, s, `sc = sc.WithRunner(beam.New(beam.Options{StrictShipping: true, TempDir: `+"`"+t.TempDir()+"`"+`}))`)
	path := filepath.Join(t.TempDir(), "log")
	os.WriteFile(path, nil, 0o644)
	res := execute(t, s, `logFile, _ := os.Create(`+"`"+path+"`"+`)
sc.Parallelize([]int{1, 2}).Map(func(x int) int { logFile.WriteString("seen"); return x }).Collect()`)
	if res.err == nil || !strings.Contains(res.err.Value, "it captures logFile, a *os.File") {
		t.Fatalf("error = %v, want one naming logFile", res.err)
	}
}
