package interp

// Function values set once to a literal at a cell's top level are compiled
// with their callers (ship.go noteFuncValues): these cells give the same
// results interpreted and compiled, whatever sets the variable afterwards.

import (
	"os/exec"
	"runtime"
	"strings"
	"testing"
)

// A function value uses the names its literal leaves unresolved, as a
// declared function does: not its fields or keys, which may be named like
// a session variable the plugin cannot name.
func TestFuncValueUsesNotItsFieldNames(t *testing.T) {
	if _, err := exec.LookPath("go"); err != nil {
		t.Skip("no Go toolchain")
	}
	for _, form := range []string{
		`func score(d doc) int { return d.words * 2 }`,
		`score := func(d doc) int { return d.words * 2 }`,
	} {
		t.Run(form[:5], func(t *testing.T) {
			s := tieredSession(t, compileWait)
			execute(t, s, `words := make(chan string)`)
			execute(t, s, `type doc struct { url string; words int }`)
			execute(t, s, form)
			res := execute(t, s, `out := sc.Parallelize([]int{1, 2}).Map(func(x int) int { return score(doc{words: x}) })
fmt.Sprint(out.Collect())`)
			if res.err != nil || res.plain != "[2 4]" {
				t.Fatalf("%q %v", res.plain, res.err)
			}
			if strings.Contains(res.stderr, "stays interpreted") {
				t.Errorf("%s: %q", form, res.stderr)
			}
		})
	}
}

// A cell that does not compile changes no note: the compiled functions
// that took the function values along stay compiled.
func TestFuncValueNotesOutliveACellThatFailsToCompile(t *testing.T) {
	if _, err := exec.LookPath("go"); err != nil {
		t.Skip("no Go toolchain")
	}
	s := tieredSession(t, compileWait)
	execute(t, s, `scale := func(x int) int { return 2 * x }`)
	execute(t, s, `out := sc.Parallelize([]int{1, 2}).Map(func(x int) int { return scale(x) })`)
	execute(t, s, `out.Collect()`)
	c0, _ := rdds.TieredRuns(rddGlobal(t, s, "out"))
	if res := execute(t, s, `scale = func(x int) int { return 3 * x }
var y int = "not an int"`); res.err == nil {
		t.Fatal("the cell compiled")
	}
	if s.decls["scale"] == nil || !strings.Contains(s.decls["scale"].src, "2 * x") {
		t.Fatalf("the failed cell's note was not rolled back")
	}
	res := execute(t, s, `fmt.Sprint(out.Collect())`)
	if res.plain != "[2 4]" {
		t.Fatalf("%q %v", res.plain, res.err)
	}
	if c1, i := rdds.TieredRuns(rddGlobal(t, s, "out")); c1 == c0 {
		t.Errorf("after a cell that did not compile, out runs interpreted (%d compiled runs before, %d after, %d interpreted)", c0, c1, i)
	}
}

func TestFuncValueShadowedByALocal(t *testing.T) {
	if _, err := exec.LookPath("go"); err != nil {
		t.Skip("no Go toolchain")
	}
	tests := []struct{ name, cell string }{
		{"a range variable", `a := ""
for _, scale := range []func(int) int{func(x int) int { return 10 * x }} {
	a = fmt.Sprint(sc.Parallelize([]int{1, 2}).Map(scale).Collect())
}
a`},
		{"a parameter of a literal", `run := func(scale func(int) int) string { return fmt.Sprint(sc.Parallelize([]int{1, 2}).Map(scale).Collect()) }
run(func(x int) int { return 10 * x })`},
	}
	for _, mode := range []compileMode{compileOff, compileWait} {
		for _, tt := range tests {
			t.Run(string(mode)+"/"+tt.name, func(t *testing.T) {
				s := tieredSession(t, mode)
				execute(t, s, `scale := func(x int) int { return 2 * x }`)
				res := execute(t, s, tt.cell)
				if res.plain != "[10 20]" {
					t.Errorf("the cell shows %q (%v), want [10 20]", res.plain, res.err)
				}
			})
		}
	}
}

func TestFuncValueTiersGoWithTheirRDDs(t *testing.T) {
	if _, err := exec.LookPath("go"); err != nil {
		t.Skip("no Go toolchain")
	}
	s := tieredSession(t, compileWait)
	execute(t, s, `scale := func(x int) int { return 2 * x }`)
	res := execute(t, s, `n := 0
for i := 0; i < 50; i++ {
	big := make([]int, 1<<16)
	n += int(sc.Parallelize([]int{i}).Map(func(x int) int { return scale(x) + len(big) }).Count())
}
n`)
	if res.err != nil || res.plain != "50" {
		t.Fatalf("%q %v", res.plain, res.err)
	}
	// The session holds them weakly: once their RDDs are gone, so are they.
	runtime.GC()
	execute(t, s, `x := 1`)
	// (The last loop's RDD may still be referenced inside yaegi.)
	if n := len(s.funcValueTiers); n > 2 {
		t.Errorf("after the jobs ended, the session keeps %d tiers (and the 512 KB slice each captured)", n)
	}
}

func TestFuncValueRevertKeepsTheGuard(t *testing.T) {
	if _, err := exec.LookPath("go"); err != nil {
		t.Skip("no Go toolchain")
	}
	msgs := map[compileMode]string{}
	for _, mode := range []compileMode{compileOff, compileWait} {
		s := tieredSession(t, mode)
		execute(t, s, `div := func(a, b int) int { return a + b }`)
		execute(t, s, `r := sc.Parallelize([]rdd.Pair{rdd.KV("a", 1), rdd.KV("a", 2)}, 1).ReduceByKey(func(a, b int) int { return div(a, b) })`)
		execute(t, s, `div = func(a, b int) int { var m map[int]int; m[a] = b; return a }`)
		res := execute(t, s, `fmt.Sprint(r.CollectAsMap())`)
		if res.err == nil {
			t.Fatalf("%s: no error: %q", mode, res.plain)
		}
		msgs[mode] = res.err.Value
		t.Logf("%s: %s: %s", mode, res.err.Name, res.err.Value)
	}
	if msgs[compileOff] != msgs[compileWait] {
		t.Errorf("the panic reads differently after a revert:\n off: %s\nwait: %s", msgs[compileOff], msgs[compileWait])
	}
}

func TestFuncValueFieldNamedLikeAPackage(t *testing.T) {
	if _, err := exec.LookPath("go"); err != nil {
		t.Skip("no Go toolchain")
	}
	for _, form := range []string{
		`func name(p page) string { return p.path }`,
		`name := func(p page) string { return p.path }`,
	} {
		t.Run(form[:5], func(t *testing.T) {
			s := tieredSession(t, compileWait)
			execute(t, s, `type page struct { path string; n int }`)
			execute(t, s, form)
			res := execute(t, s, `out := sc.Parallelize([]int{1, 2}).Map(func(x int) string { return name(page{path: "p", n: x}) })
fmt.Sprint(out.Collect())`)
			if res.err != nil || res.plain != "[p p]" {
				t.Fatalf("%q %v", res.plain, res.err)
			}
			if strings.Contains(res.stderr, "stays interpreted") {
				t.Errorf("%s: %q", form, res.stderr)
			}
		})
	}
}

// Recursion through the variable compiles and gives the interpreter's
// result.
func TestFuncValueRecursion(t *testing.T) {
	if _, err := exec.LookPath("go"); err != nil {
		t.Skip("no Go toolchain")
	}
	s := tieredSession(t, compileWait)
	execute(t, s, `var fib func(int) int`)
	execute(t, s, `fib = func(n int) int { if n < 2 { return n }; return fib(n-1) + fib(n-2) }`)
	res := execute(t, s, `out := sc.Parallelize([]int{10, 20}).Map(func(x int) int { return fib(x) })
fmt.Sprint(out.Collect())`)
	if res.plain != "[55 6765]" || strings.Contains(res.stderr, "interpreted") {
		t.Errorf("%q %v %q", res.plain, res.err, res.stderr)
	}
	if c, _ := rdds.TieredRuns(rddGlobal(t, s, "out")); c == 0 {
		t.Errorf("ran interpreted")
	}
}

// The check of worker writes sees a declared function's write to a
// noted function value: it is a variable.
func TestFuncValueWritesAreChecked(t *testing.T) {
	s := tieredSession(t, compileOff)
	execute(t, s, `scale := func(x int) int { return 2 * x }`)
	execute(t, s, `func reset() { scale = func(x int) int { return 3 * x } }`)
	res := execute(t, s, `sc.Parallelize([]int{1, 2, 3}).Foreach(func(x int) { reset() })`)
	if res.err == nil {
		t.Errorf("a worker function that writes scale (through reset) was not refused")
	}
	s2 := tieredSession(t, compileOff)
	execute(t, s2, `var scale func(int) int`)
	execute(t, s2, `func reset() { scale = func(x int) int { return 3 * x } }`)
	if res := execute(t, s2, `sc.Parallelize([]int{1, 2, 3}).Foreach(func(x int) { reset() })`); res.err == nil {
		t.Errorf("control: not refused either")
	} else {
		t.Logf("control refused: %s", res.err.Value)
	}
}

func TestFuncValueResultsWhateverSetsTheVariable(t *testing.T) {
	if _, err := exec.LookPath("go"); err != nil {
		t.Skip("no Go toolchain")
	}
	tests := []struct {
		name  string
		cells []string // the last one shows the value checked
		want  string
	}{
		{
			// The literal of a later top-level assignment is noted before
			// the cell runs: the job before it runs that literal compiled.
			name: "used before a later cell's reassignment in the same cell",
			cells: []string{
				`scale := func(x int) int { return 2 * x }`,
				`a := fmt.Sprint(sc.Parallelize([]int{1, 2}).Map(func(x int) int { return scale(x) }).Collect())
scale = func(x int) int { return 3 * x }
a`,
			},
			want: "[2 4]",
		},
		{
			// Each top-level statement is a chunk of its own (splitCell), so
			// "set once" is counted per statement: both assignments are
			// noted before the cell runs, the last wins, and the job
			// between them runs it compiled.
			name: "set twice in one cell",
			cells: []string{
				`scale := func(x int) int { return 2 * x }
a := fmt.Sprint(sc.Parallelize([]int{1, 2}).Map(scale).Collect())
scale = func(x int) int { return 3 * x }
a`,
			},
			want: "[2 4]",
		},
		{
			// A cell that panics before its assignment runs still had it
			// noted: later cells compile a literal the variable never held.
			name: "noted but never run: the cell panicked first",
			cells: []string{
				`scale := func(x int) int { return 2 * x }`,
				`panic("boom")
scale = func(x int) int { return 3 * x }`,
				`fmt.Sprint(sc.Parallelize([]int{1, 2}).Map(func(x int) int { return scale(x) }).Collect())`,
			},
			want: "[2 4]",
		},
		{
			// Noted as its statement runs: the cell's later statements
			// take it along.
			name: "set and used in one cell",
			cells: []string{
				`scale := func(x int) int { return 2 * x }
fmt.Sprint(sc.Parallelize([]int{1, 2}).Map(func(x int) int { return scale(x) }).Collect())`,
			},
			want: "[2 4]",
		},
		{
			name: "used in one cell before and after it is set again",
			cells: []string{
				`scale := func(x int) int { return 2 * x }`,
				`double := func(x int) int { return scale(x) }
a := fmt.Sprint(sc.Parallelize([]int{1, 2}).Map(double).Collect())
scale = func(x int) int { return 3 * x }
b := fmt.Sprint(sc.Parallelize([]int{1, 2}).Map(func(x int) int { return scale(x) }).Collect())
c := fmt.Sprint(sc.Parallelize([]int{1, 2}).Map(double).Collect())
a + b + c`,
			},
			want: "[2 4][3 6][3 6]",
		},
		{
			// A declared function that assigns the variable is not seen.
			name: "reassigned by a declared function",
			cells: []string{
				`scale := func(x int) int { return 2 * x }`,
				`func triple() { scale = func(x int) int { return 3 * x } }`,
				`triple()`,
				`fmt.Sprint(sc.Parallelize([]int{1, 2}).Map(func(x int) int { return scale(x) }).Collect())`,
			},
			want: "[3 6]",
		},
		{
			// A pointer taken before the variable was noted again.
			name: "written through an older pointer",
			cells: []string{
				`scale := func(x int) int { return 2 * x }
p := &scale`,
				`scale = func(x int) int { return 4 * x }`,
				`*p = func(x int) int { return 3 * x }`,
				`fmt.Sprint(sc.Parallelize([]int{1, 2}).Map(func(x int) int { return scale(x) }).Collect())`,
			},
			want: "[3 6]",
		},
	}
	for _, mode := range []compileMode{compileOff, compileWait} {
		for _, tt := range tests {
			t.Run(string(mode)+"/"+tt.name, func(t *testing.T) {
				s := tieredSession(t, mode)
				var res cellResult
				for i, c := range tt.cells {
					res = execute(t, s, c)
					if res.err != nil && i == len(tt.cells)-1 {
						t.Fatalf("cell %d failed: %v", i, res.err)
					}
				}
				if res.plain != tt.want {
					t.Errorf("the last cell shows %q, want %q (stderr %q)", res.plain, tt.want, res.stderr)
				}
			})
		}
	}
}

func TestFuncValueTiersFromGoroutines(t *testing.T) {
	if _, err := exec.LookPath("go"); err != nil {
		t.Skip("no Go toolchain")
	}
	s := tieredSession(t, compileBackground)
	execute(t, s, `add := func(a, b int) int { return a + b }`)
	res := execute(t, s, `var wg sync.WaitGroup
for i := 0; i < 64; i++ {
	wg.Add(1)
	go func() {
		defer wg.Done()
		sc.Parallelize([]rdd.Pair{rdd.KV("a", 1), rdd.KV("a", 2)}).ReduceByKey(add).CollectAsMap()
	}()
}
wg.Wait()
len(os.Args) > 0`)
	if res.err != nil {
		t.Fatal(res.err)
	}
	if n := len(s.funcValueTiers); n != 64 {
		t.Errorf("%d tiers tracked, want 64 (lost appends)", n)
	}
}

// A function value set and used in the same cell, as analysts write
// helpers, runs compiled in that cell.
func TestFuncValueSetAndUsedInOneCell(t *testing.T) {
	if _, err := exec.LookPath("go"); err != nil {
		t.Skip("no Go toolchain")
	}
	s := tieredSession(t, compileWait)
	res := execute(t, s, `weight := 2
scaled := func(x int) int { return weight * x }
better := func(a, b int) bool { return scaled(a) > scaled(b) }
out := sc.Parallelize([]int{1, 2, 3}).Map(func(x int) rdd.Pair { return rdd.KV(x%2, x) }).
	ReduceByKey(func(a, b int) int { if better(a, b) { return a }; return b })
fmt.Sprint(out.SortByKey(true).Collect())`)
	if res.err != nil || res.plain != "[(0, 2) (1, 3)]" {
		t.Fatalf("%q %v", res.plain, res.err)
	}
	if strings.Contains(res.stderr, "interpreted") {
		t.Errorf("stderr %q", res.stderr)
	}
	if d := s.decls["better"]; d == nil || !d.funcValue {
		t.Errorf("better is not noted")
	}
	step := rddGlobal(t, s, "out").Step()
	if len(step.Args) == 0 || isInterpreted(step.Args[0]) {
		t.Errorf("the merge was handed interpreted")
	}
}
