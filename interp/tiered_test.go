package interp

import (
	"os"
	"os/exec"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/gosparkling/gosparkling/rdd"
)

// Tests keep functions interpreted unless they ask otherwise: a plugin
// build takes seconds, and a minute the first time.
func init() { defaultCompileMode = compileOff }

// tieredSession returns a session whose functions compile in mode.
func tieredSession(t *testing.T, mode compileMode) *Session {
	t.Helper()
	t.Setenv(compileModeEnv, string(mode))
	s := newSession(t)
	t.Cleanup(func() { s.Close() })
	return s
}

// rddGlobal returns the RDD a cell of s assigned to name.
func rddGlobal(t *testing.T, s *Session, name string) *rdd.RDD {
	t.Helper()
	r, ok := s.globalValues()[name].Interface().(*rdd.RDD)
	if !ok {
		t.Fatalf("%s is not an RDD", name)
	}
	return r
}

// isInterpreted is interpreted, for tests whose variables shadow it.
var isInterpreted = interpreted

// useCacheDir points the plugin cache of the process to a new directory.
func useCacheDir(t *testing.T) {
	// The go command's own cache stays where it is: under the new
	// directory, every build would compile gosparkling's packages again,
	// minutes on a small machine.
	if os.Getenv("GOCACHE") == "" {
		if out, err := exec.Command("go", "env", "GOCACHE").Output(); err == nil {
			t.Setenv("GOCACHE", strings.TrimSpace(string(out)))
		}
	}
	t.Setenv("XDG_CACHE_HOME", t.TempDir())
	cacheDirOnce = sync.Once{}
	t.Cleanup(func() { cacheDirOnce = sync.Once{} })
}

// forgetBuilds makes the process forget the plugins it built or loaded,
// as a new kernel would; those on disk stay.
func forgetBuilds() {
	buildsMu.Lock()
	defer buildsMu.Unlock()
	builds = map[string]*pluginBuild{}
}

// allBuildsFinished reports whether every build the process started
// ended.
func allBuildsFinished() bool {
	buildsMu.Lock()
	defer buildsMu.Unlock()
	for _, b := range builds {
		if !b.finished() {
			return false
		}
	}
	return true
}

// setBuildStarting sets the hook called as each build starts.
func setBuildStarting(hook func(source string)) {
	buildsMu.Lock()
	defer buildsMu.Unlock()
	buildStarting = hook
}

func TestCompileCellsTiered(t *testing.T) {
	if _, err := exec.LookPath("go"); err != nil {
		t.Skip("no Go toolchain")
	}
	if testing.Short() {
		t.Skip("builds plugins: seconds each, a minute or more the first time")
	}
	// One cache for all the subtests, so that what one builds the next
	// finds.
	useCacheDir(t)
	lines := `lines := sc.Parallelize([]string{"The quick brown Fox", "jumps over the lazy dog;", "the DOG sleeps, the fox runs", "Über café naïve"}, 3)`
	tests := []struct {
		name  string
		setup string // makes out, the RDD whose function compiles
		value string // computes with out
		want  string
	}{
		{
			name: "stdlib calls with a rune predicate",
			setup: lines + "\n" + `out := lines.FlatMap(func(line string) []string {
	return strings.FieldsFunc(strings.ToLower(line), func(r rune) bool { return !unicode.IsLetter(r) })
})`,
			value: `out.CountByValue()["the"]`,
			want:  "4",
		},
		{
			name: "a captured threshold",
			setup: lines + "\nminLen := 4\n" + `words := lines.FlatMap(strings.Fields)
out := words.Filter(func(w string) bool { return utf8.RuneCountInString(w) >= minLen })`,
			value: `fmt.Sprint(out.Collect())`,
			want:  "[quick brown jumps over lazy dog; sleeps, runs Über café naïve]",
		},
		{
			name: "Range with Map",
			setup: `out := sc.Range(0, 100000, 1, 8).Map(func(i int64) int64 { return i % 7 })
only3 := out.Filter(func(i int64) bool { return i == 3 })`,
			value: `only3.Count()`,
			want:  "14286",
		},
		{
			name: "a function and a constant declared in cells",
			setup: `const vowels = "aeiou"
func startsWithVowel(w string) bool { return w != "" && strings.ContainsRune(vowels, rune(w[0])) }
` + lines + "\n" + `out := lines.FlatMap(strings.Fields).Map(strings.ToLower).Filter(func(w string) bool { return startsWithVowel(w) })`,
			value: `fmt.Sprint(out.Collect())`,
			want:  "[over]",
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var got [2]string
			for i, mode := range []compileMode{compileOff, compileWait} {
				s := tieredSession(t, mode)
				if res := execute(t, s, tt.setup); res.err != nil {
					t.Fatalf("%s: setup failed: %v", mode, res.err)
				}
				res := execute(t, s, tt.value)
				if res.err != nil {
					t.Fatalf("%s: %s failed: %v", mode, tt.value, res.err)
				}
				got[i] = res.plain
				// Waiting, the method is handed the compiled function.
				out := rddGlobal(t, s, "out")
				fn := out.Step().Args[0]
				compiled, interpreted := rdds.TieredRuns(out)
				switch {
				case mode == compileOff && (compiled+interpreted != 0 || s.tiers.handed.Load() != 0):
					t.Errorf("with compiling off, out has a tier")
				case mode == compileWait && (compiled+interpreted != 0 || isInterpreted(fn)):
					t.Errorf("waiting for the compiled function, out was handed %T (interpreted: %t) and ran %d tasks compiled and %d interpreted (stderr %q)", fn, isInterpreted(fn), compiled, interpreted, res.stderr)
				}
			}
			if got[0] != tt.want || got[1] != tt.want {
				t.Errorf("interpreted %s shows %q, compiled %q, want %q", tt.value, got[0], got[1], tt.want)
			}
		})
	}

	t.Run("the cache serves a new kernel at once", func(t *testing.T) {
		forgetBuilds()
		s := tieredSession(t, compileWait)
		start := time.Now()
		res := execute(t, s, tests[2].setup+"\n"+tests[2].value)
		if res.err != nil || res.plain != tests[2].want {
			t.Fatalf("the Range cell shows %q (%v)", res.plain, res.err)
		}
		buildsMu.Lock()
		defer buildsMu.Unlock()
		for _, b := range builds {
			if b.source == warmUpSource || !b.finished() {
				continue
			}
			if !b.cached {
				t.Errorf("a plugin was built again, in %s:\n%s", b.took, b.source)
			}
		}
		if took := time.Since(start); took > 20*time.Second {
			t.Errorf("the cell took %s with its plugins in the cache", took)
		}
	})

	t.Run("tasks switch to the compiled function in the middle of a job", func(t *testing.T) {
		// The plugin is in the cache first, so that it is ready the moment
		// the test lets it be handed over.
		const mapper = `func(i int64) int64 { return i % 7 * 1 }`
		warm := tieredSession(t, compileWait)
		if res := execute(t, warm, `sc.Range(0, 10, 1, 1).Map(`+mapper+`).Count()`); res.err != nil {
			t.Fatal(res.err)
		}
		forgetBuilds()
		release := make(chan struct{})
		buildsMu.Lock()
		cachedHandOver = func(string) { <-release }
		buildsMu.Unlock()
		defer func() {
			buildsMu.Lock()
			cachedHandOver = nil
			buildsMu.Unlock()
		}()
		s := tieredSession(t, compileBackground)
		if res := execute(t, s, `out := sc.Range(0, 200000, 1, 2000).Map(`+mapper+`)`); res.err != nil {
			t.Fatal(res.err)
		}
		out := rddGlobal(t, s, "out")
		var res cellResult
		var wg sync.WaitGroup
		wg.Add(1)
		go func() {
			defer wg.Done()
			res = execute(t, s, `out.Reduce(func(a, b int64) int64 { return a + b })`)
		}()
		deadline := time.Now().Add(5 * time.Minute)
		for {
			if _, interpreted := rdds.TieredRuns(out); interpreted >= 10 {
				break
			}
			if time.Now().After(deadline) {
				close(release)
				wg.Wait()
				compiled, interpreted := rdds.TieredRuns(out)
				t.Fatalf("while the build waited, tasks ran %d times compiled and %d interpreted, want 10 interpreted", compiled, interpreted)
			}
			time.Sleep(time.Millisecond)
		}
		close(release)
		wg.Wait()
		if res.err != nil || res.plain != "599994" {
			t.Errorf("the sum is %q (%v), want 599994", res.plain, res.err)
		}
		compiled, interpreted := rdds.TieredRuns(out)
		if compiled == 0 || interpreted == 0 {
			t.Errorf("tasks ran %d times compiled and %d interpreted, want both", compiled, interpreted)
		}
	})

	t.Run("functions that cannot be compiled stay interpreted and say why", func(t *testing.T) {
		s := tieredSession(t, compileWait)
		cases := []struct{ cell, note string }{
			// A write outside the function is refused unless a lock guards
			// it; a guarded one stays interpreted.
			{`var mu sync.Mutex
seen := 0
out := sc.Parallelize([]int{1, 2, 3}).Map(func(x int) int { mu.Lock(); seen++; mu.Unlock(); return x * 2 })
out.Collect()`, "stays interpreted: it writes the captured variable seen"},
			{`type sizer interface{ Size() int }

out := sc.Parallelize([]int{1, 2}).Filter(func(x int) bool { var s sizer; return s == nil && x > 1 })
out.Count()`, "it uses sizer, a type declared in a cell that is an interface"},
			{`ch := make(chan int)
out := sc.Parallelize([]int{1, 2}).Filter(func(x int) bool { return x > cap(ch) })
out.Count()`, "it captures ch, whose type uses chan int, a chan"},
		}
		for _, c := range cases {
			var stderr string
			for _, cell := range strings.Split(c.cell, "\n\n") {
				res := execute(t, s, cell)
				if res.err != nil {
					t.Fatalf("%s failed: %v", cell, res.err)
				}
				stderr += res.stderr
			}
			if !strings.Contains(stderr, c.note) {
				t.Errorf("the cell's stderr is %q, want a note %q", stderr, c.note)
			}
			if compiled, _ := rdds.TieredRuns(rddGlobal(t, s, "out")); compiled != 0 {
				t.Errorf("a function that cannot be compiled ran compiled")
			}
		}
	})

	t.Run("a function value of the session is compiled with the functions that use it", func(t *testing.T) {
		s := tieredSession(t, compileWait)
		// Noted once their cell has run: the cells after it compile them.
		if res := execute(t, s, `factor := 2
scale := func(x int) int { return factor * x }
var add = func(a, b int) int { return a + b }`); res.err != nil {
			t.Fatal(res.err)
		}
		res := execute(t, s, `out := sc.Parallelize([]int{1, 2, 3}).Map(func(x int) int { return scale(x) + 1 })
passed := sc.Parallelize([]int{1, 2, 3}).Map(scale)
sum := sc.Parallelize([]int{1, 2, 3, 4}).Map(func(x int) rdd.Pair { return rdd.KV(x%2, x) }).ReduceByKey(func(a, b int) int { return add(a, b) })`)
		if res.err != nil || strings.Contains(res.stderr, "interpreted") {
			t.Fatalf("the cell failed (%v) or said %q", res.err, res.stderr)
		}
		show := `fmt.Sprint(out.Collect(), passed.Collect(), sum.CollectAsMap())`
		if res := execute(t, s, show); res.plain != "[3 5 7] [2 4 6] map[0:6 1:4]" {
			t.Errorf("the cell shows %q (%v)", res.plain, res.err)
		}
		for _, name := range []string{"out", "passed"} {
			if compiled, _ := rdds.TieredRuns(rddGlobal(t, s, name)); compiled == 0 {
				t.Errorf("%s's function ran interpreted", name)
			}
		}
		// The compiled function reads the variables the value reads.
		execute(t, s, `factor = 10`)
		if res := execute(t, s, show); res.plain != "[11 21 31] [10 20 30] map[0:6 1:4]" {
			t.Errorf("after factor = 10 the cell shows %q (%v)", res.plain, res.err)
		}
		// Set to another function, the variable is read again: out and
		// sum call the new functions, passed keeps the one it was given,
		// as in Go.
		res = execute(t, s, `triple := func(x int) int { return 3 * x }
scale = triple
add = func(a, b int) int { return a * b }`)
		if res.err != nil {
			t.Fatal(res.err)
		}
		if res := execute(t, s, show); res.plain != "[4 7 10] [10 20 30] map[0:8 1:3]" {
			t.Errorf("after scale = triple the cell shows %q (%v), want [4 7 10] [10 20 30] map[0:8 1:3]", res.plain, res.err)
		}
	})

	t.Run("without the toolchain the session says so once", func(t *testing.T) {
		useCacheDir(t) // a plugin in the cache would need no toolchain
		t.Setenv("PATH", t.TempDir())
		s := tieredSession(t, compileWait)
		first := execute(t, s, `sc.Range(0, 10).Map(func(i int64) int64 { return i + 1 }).Count()`)
		second := execute(t, s, `sc.Range(0, 10).Filter(func(i int64) bool { return i > 1 }).Count()`)
		if first.plain != "10" || second.plain != "8" {
			t.Errorf("the cells show %q and %q", first.plain, second.plain)
		}
		if !strings.Contains(first.stderr, "stay interpreted: compiling a cell needs the Go toolchain") || second.stderr != "" {
			t.Errorf("the cells' stderr are %q and %q, want one note in the first", first.stderr, second.stderr)
		}
	})
}

// TestCompileCellsEveryMethod runs natural cells whose functions go to
// methods other than the narrow transformations (combiners, keys,
// reducers, actions) interpreted and compiled, and checks that the
// results are the same and that the functions were handed compiled.
func TestCompileCellsEveryMethod(t *testing.T) {
	if _, err := exec.LookPath("go"); err != nil {
		t.Skip("no Go toolchain")
	}
	if testing.Short() {
		t.Skip("builds plugins: seconds each, a minute or more the first time")
	}
	useCacheDir(t)
	words := `words := sc.Parallelize([]string{"the", "quick", "brown", "fox", "jumps", "over", "the", "lazy", "dog", "the", "end", "fox"}, 3)
pairs := words.Map(func(w string) rdd.Pair { return rdd.KV(w, len(w)) })`
	tests := []struct {
		name     string
		cell     string // ends with an expression
		want     string
		compiled int64 // functions handed compiled, at least
	}{
		{"ReduceByKey with a max", words + `
fmt.Sprint(pairs.ReduceByKey(func(a, b int) int {
	if a > b {
		return a
	}
	return b
}).SortByKey(true).Collect())`, "[(brown, 5) (dog, 3) (end, 3) (fox, 3) (jumps, 5) (lazy, 4) (over, 4) (quick, 5) (the, 3)]", 1},
		{"SortBy with a computed key and a captured flag", words + `
desc := true
fmt.Sprint(words.Distinct().SortBy(func(w string) string {
	r := []rune(w)
	for i, j := 0, len(r)-1; i < j; i, j = i+1, j-1 {
		r[i], r[j] = r[j], r[i]
	}
	return string(r)
}, !desc).Collect())`, "[lazy fox jumps over brown quick dog the end]", 1},
		{"GroupBy the first letter, then MapValues", words + `
fmt.Sprint(words.GroupBy(func(w string) string { return strings.ToUpper(w[:1]) }).MapValues(func(ws []any) int { return len(ws) }).SortByKey(true).Collect())`,
			"[(B, 1) (D, 1) (E, 1) (F, 2) (J, 1) (L, 1) (O, 1) (Q, 1) (T, 3)]", 2},
		{"AggregateByKey, FoldByKey and CombineByKey", words + `
sum := func(a, b int) int { return a + b }
_ = sum
a := pairs.AggregateByKey(0, func(acc, v int) int { return acc + v*v }, func(x, y int) int { return x + y }).CollectAsMap()
f := pairs.FoldByKey(1, func(x, y int) int { return x * y }).CollectAsMap()
c := pairs.CombineByKey(func(v int) []int { return []int{v} }, func(c []int, v int) []int { return append(c, v) }, func(x, y []int) []int { return append(x, y...) }).CollectAsMap()
fmt.Sprint(a["the"], f["the"], len(c["fox"].([]int)))`, "27 27 2", 5},
		{"Reduce, Fold and Aggregate with a captured threshold", words + `
min := 4
lens := words.Map(func(w string) int { return len(w) })
r := lens.Reduce(func(a, b int) int { if b >= min { return a + b }; return a })
fo := lens.Fold(0, func(a, b int) int { if b > a { return b }; return a })
ag := words.Aggregate(0, func(n int, w string) int { return n + strings.Count(w, "o") }, func(x, y int) int { return x + y })
fmt.Sprint(r, fo, ag)`, "26 5 5", 5},
		{"a captured threshold changed after the RDD is made", words + `
min := 4
long := words.Filter(func(w string) bool { return len(w) >= min })
before := long.Count()
min = 5
fmt.Sprint(before, long.Count(), words.Map(func(w string) int { return len(w) }).Reduce(func(a, b int) int { if b >= min { return a + b }; return a }))`, "5 3 18", 2},
		{"declared functions reading session variables", `var stop = map[string]bool{"the": true, "over": true}

func keep(w string) bool { return !stop[w] }

func long(w string) bool { return keep(w) && len(w) > 3 }
` + words + `
kept := words.Filter(keep)
before := kept.Count()
stop["fox"] = true
fmt.Sprint(before, kept.Count(), words.Filter(func(w string) bool { return long(w) }).Count())`, "8 6 4", 2},
		{"a struct of a cell through Map, Filter and ReduceByKey", `type page struct {
	url   string
	Words int
}
` + `pages := sc.Parallelize([]string{"a.com/x the cat", "b.org/y a dog runs", "a.com/z hi there you"}, 2).Map(func(line string) page {
	f := strings.Fields(line)
	return page{url: f[0], Words: len(f) - 1}
})
big := pages.Filter(func(p page) bool { return p.Words >= 2 })
byHost := big.Map(func(p page) rdd.Pair { return rdd.KV(strings.Split(p.url, "/")[0], p) }).ReduceByKey(func(a, b page) page {
	if a.Words >= b.Words {
		return a
	}
	return b
})
counts := big.Map(func(p page) rdd.Pair { return rdd.KV(p.url[:1], p) }).GroupByKey().MapValues(func(ps []any) int {
	n := 0
	for _, p := range ps {
		n += p.(page).Words
	}
	return n
}).CollectAsMap()
first := pages.Collect()[0].(page)
fmt.Sprint(byHost.SortByKey(true).Collect(), " ", counts["a"], " ", counts["b"], " ", first.url, " ", first.Words)`, "[(a.com, {a.com/z 3}) (b.org, {b.org/y 3})] 5 3 a.com/x 2", 5},
		{"structs the interpreter made reach compiled assertions", `type rec struct {
	name string
	n    int
}
` + `var mu sync.Mutex
made := 0
recs := sc.Parallelize([]string{"a", "bb", "a"}, 2).Map(func(s string) rdd.Pair { mu.Lock(); made++; mu.Unlock(); return rdd.KV(s, rec{name: s, n: len(s)}) })
sums := recs.GroupByKey().MapValues(func(rs []any) int {
	t := 0
	for _, r := range rs {
		if x, ok := r.(rec); ok && x.name != "" {
			t += x.n
		}
	}
	return t
}).CollectAsMap()
one := recs.Map(func(p rdd.Pair) rec { return p.Value.(rec) }).First().(rec)
fmt.Sprint(sums["a"], " ", sums["bb"], " ", one.name, " ", made > 0)`, "2 2 a true", 2},
		{"Top, TakeOrdered and Max by a key", words + `
byLen := func(w string) int { return len(w)*100 - int(w[0]) }
_ = byLen
fmt.Sprint(words.Top(2, func(w string) int { return len(w)*100 - int(w[0]) }), words.TakeOrdered(2, func(w string) int { return len(w)*100 - int(w[0]) }), words.Max(func(w string) int { return len(w)*100 - int(w[0]) }))`,
			"[brown jumps] [the the]brown", 3},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var got [2]string
			for i, mode := range []compileMode{compileOff, compileWait} {
				s := tieredSession(t, mode)
				res := execute(t, s, tt.cell)
				if res.err != nil {
					t.Fatalf("%s: the cell failed: %v", mode, res.err)
				}
				got[i] = strings.Trim(res.plain, `"`)
				handed := s.tiers.handed.Load()
				switch {
				case mode == compileOff && handed != 0:
					t.Errorf("with compiling off, %d functions were handed compiled", handed)
				case mode == compileWait && handed < tt.compiled:
					t.Errorf("waiting for the compiled functions, %d were handed compiled, want %d (stderr %q)", handed, tt.compiled, res.stderr)
				case mode == compileWait && strings.Count(res.stderr, "stays interpreted") > strings.Count(res.stderr, "it writes the captured variable made"):
					t.Errorf("a function stayed interpreted: %s", res.stderr)
				}
			}
			if got[0] != tt.want || got[1] != tt.want {
				t.Errorf("interpreted the cell shows %q, compiled %q, want %q", got[0], got[1], tt.want)
			}
		})
	}
}

// The functions a cell passes to its RDDs build as one plugin, linked
// once, each found in the cache by its own source; a later session loads
// them from there.
func TestCompileCellsBuildOnePluginPerCell(t *testing.T) {
	if _, err := exec.LookPath("go"); err != nil {
		t.Skip("no Go toolchain")
	}
	if testing.Short() {
		t.Skip("builds a plugin")
	}
	useCacheDir(t)
	forgetBuilds()
	var mu sync.Mutex
	var started []string
	setBuildStarting(func(source string) {
		if source == warmUpSource {
			return
		}
		mu.Lock()
		defer mu.Unlock()
		started = append(started, source)
	})
	defer setBuildStarting(nil)
	// Functions of no shape the session knows (fastfuncs.go).
	cell := `out := sc.Range(0, 1000, 1, 4).
	Map(func(i int64) int64 { tripled := i * 3; return tripled }).
	Filter(func(i int64) bool { even := i%2 == 0; return even })
out.Reduce(func(a, b int64) int64 { sum := a + b; return sum })`
	// In the background mode, the cell runs on while its functions build
	// (in wait mode, each waits for its own).
	s := tieredSession(t, compileBackground)
	if res := execute(t, s, cell); res.err != nil || res.plain != "748500" {
		t.Fatalf("got %+v, want 748500", res)
	}
	for deadline := time.Now().Add(15 * time.Minute); ; time.Sleep(100 * time.Millisecond) {
		mu.Lock()
		n := len(started)
		mu.Unlock()
		if n == 3 && allBuildsFinished() {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("%d builds started, want 3, all finished", n)
		}
	}
	dir, err := pluginCacheDir()
	if err != nil {
		t.Fatal(err)
	}
	entries, err := os.ReadDir(dir)
	if err != nil {
		t.Fatal(err)
	}
	batches, links := 0, 0
	for _, e := range entries {
		switch {
		case strings.HasPrefix(e.Name(), "batch-"):
			batches++
		case e.Type()&os.ModeSymlink != 0:
			links++
		}
	}
	if batches != 1 || links != 3 {
		t.Errorf("cache holds %d batch plugins and %d links to them, want 1 and 3 (one per function): %v", batches, links, entries)
	}

	forgetBuilds()
	mu.Lock()
	started = nil
	mu.Unlock()
	again := tieredSession(t, compileWait)
	if res := execute(t, again, cell); res.err != nil || res.plain != "748500" {
		t.Fatalf("in a new session: got %+v, want 748500", res)
	}
	mu.Lock()
	defer mu.Unlock()
	if len(started) != 0 {
		t.Errorf("a new session built %d plugins again, want them from the cache", len(started))
	}
	if got := again.tiers.handed.Load(); got != 3 {
		t.Errorf("in a new session, %d compiled functions handed to the engine, want 3", got)
	}
}

// The warm-up build, which compiles gosparkling's packages for plugins
// in the background, starts once no cell has run for warmUpIdle: a cell
// run as soon as the session starts has the CPU to itself.
func TestCompileWarmUpWaitsWhileACellRuns(t *testing.T) {
	if _, err := exec.LookPath("go"); err != nil {
		t.Skip("no Go toolchain")
	}
	useCacheDir(t)
	forgetBuilds()
	warmUps := make(chan struct{}, 1)
	setBuildStarting(func(source string) {
		if source == warmUpSource {
			select {
			case warmUps <- struct{}{}:
			default:
			}
		}
	})
	defer setBuildStarting(nil)
	s := tieredSession(t, compileBackground)
	res := execute(t, s, "time.Sleep("+strconv.FormatInt(int64(2*warmUpIdle), 10)+")\n42")
	if res.err != nil || res.plain != "42" {
		t.Fatalf("the cell shows %q (%v)", res.plain, res.err)
	}
	select {
	case <-warmUps:
		t.Fatal("the warm-up build started while the cell ran")
	default:
	}
	select {
	case <-warmUps:
	case <-time.After(time.Minute):
		t.Fatal("no warm-up build started in the minute after the cell")
	}
}
