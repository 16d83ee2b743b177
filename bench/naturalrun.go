package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"runtime/pprof"
	"runtime/trace"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/gosparkling/gosparkling/interp"
)

// How the natural cells are run and compared: each contender of each
// cell runs in a child process of its own (this program with -natural
// and -mode), pysparkling in a Python process; the wall time is the
// work's own (a new session and the cell, or the program's pipeline, or
// the Python script's), without the start of the process.

// contender is a way of running a natural cell.
type contender string

const (
	interpreted contender = "interp" // GOSPARKLING_COMPILE=off
	firstCold   contender = "first"  // a new session, an empty plugin cache
	secondWarm  contender = "warm"   // a new session, the plugins of the first run in the cache
	pysparkling contender = "python" // the same logic in pysparkling
	goRDD       contender = "rdd"    // the same pipeline as a compiled Go program using rdd
	plainGo     contender = "plain"  // a plain Go loop
	// prewarm builds a plugin using rdd (the first runs empty the plugin
	// cache again), so that Go's build cache holds gosparkling's packages
	// compiled for plugins,
	// as it does in a kernel that has been up for a minute or after
	// `gosparkling install`: the first runs then pay for their own
	// functions' builds only.
	prewarm contender = "prewarm"
)

// prewarmCell uses rdd in a function of no shape the session replaces.
const prewarmCell = `sc.Parallelize([]string{"a b", "c"}).
	FlatMap(func(line string) []rdd.Pair {
		var pairs []rdd.Pair
		for _, w := range strings.Fields(line) {
			pairs = append(pairs, rdd.KV(strings.ToUpper(w), len(w)))
		}
		return pairs
	}).
	Count()`

// contenders in the order of the table's columns.
var contenders = []contender{interpreted, firstCold, secondWarm, pysparkling, goRDD, plainGo}

// naturalConfig is how the natural cells are run.
type naturalConfig struct {
	letters    string   // the letters corpus
	wet        []string // the WET files
	cacheRoot  string   // XDG_CACHE_HOME of the sessions: emptied before each first run
	repeat     int      // runs of the fast contenders (second run, pysparkling, Go); the median counts
	repeatSlow int      // runs of the interpreted cell and of the first run
	python     string   // the Python interpreter, "" when pysparkling is not run
	checkout   string   // the pysparkling checkout (PYTHONPATH)
	scripts    string   // the directory of the Python scripts
	why        string   // why pysparkling is not run, when python is ""
}

// input is the argument a cell reads: the corpus or the WET files.
func (cfg naturalConfig) input(c naturalCell) string {
	if c.wet {
		return strings.Join(cfg.wet, ",")
	}
	return cfg.letters
}

// timing is one contender's measurement of one cell.
type timing struct {
	runs  []time.Duration // every run's wall time
	check string          // the result the contender printed
	notes []string        // what the session wrote on the cell's standard error
	why   string          // why it was not run, if it was not
}

// median is the median of the runs (the lower middle one of an even
// count), 0 when there are none.
func (t timing) median() time.Duration {
	if len(t.runs) == 0 {
		return 0
	}
	sorted := slices.Clone(t.runs)
	slices.Sort(sorted)
	return sorted[(len(sorted)-1)/2]
}

// naturalResult is a natural cell's row of the table.
type naturalResult struct {
	cell    naturalCell
	timings map[contender]timing
}

// runNatural measures the cells named in only (all when empty) with
// every contender, and checks that they all give the same result.
func runNatural(cfg naturalConfig, only []string) ([]naturalResult, error) {
	fmt.Fprintln(os.Stderr, "bench: compiling gosparkling's packages for plugins, if Go's build cache lacks them")
	if _, _, _, err := runNaturalChild(naturalCell{name: "prewarm"}, prewarm); err != nil {
		return nil, fmt.Errorf("warming Go's build cache for plugins: %w", err)
	}
	var results []naturalResult
	var mismatches []error
	for _, c := range naturalCells {
		if len(only) > 0 && !slices.Contains(only, c.name) {
			continue
		}
		res := naturalResult{cell: c, timings: map[contender]timing{}}
		for _, k := range contenders {
			t, err := measureNatural(cfg, c, k)
			if err != nil {
				return results, fmt.Errorf("cell %s, %s: %w", c.name, k, err)
			}
			if t.why == "" {
				fmt.Fprintf(os.Stderr, "bench: %s, %s: %.2f s (%s); %s\n", c.name, k, t.median().Seconds(), durations(t.runs), t.check)
			}
			res.timings[k] = t
		}
		if err := res.agree(); err != nil {
			mismatches = append(mismatches, err)
			fmt.Fprintln(os.Stderr, "bench:", err)
		}
		results = append(results, res)
	}
	return results, errors.Join(mismatches...)
}

// agree says which contenders' results differ from the interpreted cell's.
func (r naturalResult) agree() error {
	want := r.timings[interpreted].check
	var diffs []string
	for _, k := range contenders {
		if t := r.timings[k]; t.why == "" && t.check != want {
			diffs = append(diffs, fmt.Sprintf("%s %q", k, t.check))
		}
	}
	if len(diffs) > 0 {
		return fmt.Errorf("cell %s: the interpreted cell gives %q, but %s", r.cell.name, want, strings.Join(diffs, ", "))
	}
	return nil
}

func durations(ds []time.Duration) string {
	var s []string
	for _, d := range ds {
		s = append(s, fmt.Sprintf("%.2f", d.Seconds()))
	}
	return strings.Join(s, ", ") + " s"
}

// measureNatural runs a contender as many times as the config says.
func measureNatural(cfg naturalConfig, c naturalCell, k contender) (timing, error) {
	n := cfg.repeat
	switch k {
	case interpreted, firstCold:
		n = cfg.repeatSlow
	case plainGo:
		if c.plain == nil {
			return timing{why: "–"}, nil
		}
	case pysparkling:
		if cfg.python == "" {
			return timing{why: cfg.why}, nil
		}
	}
	var t timing
	for i := 0; i < n; i++ {
		var (
			wall  time.Duration
			check string
			notes []string
			err   error
		)
		if k == pysparkling {
			wall, check, err = runPython(cfg, c)
		} else {
			wall, check, notes, err = runNaturalChild(c, k)
		}
		if err != nil {
			return t, err
		}
		if i > 0 && check != t.check {
			return t, fmt.Errorf("run %d gives %q, run 1 %q", i+1, check, t.check)
		}
		t.runs = append(t.runs, wall)
		t.check = check
		t.notes = notes
	}
	return t, nil
}

// runNaturalChild runs one contender of a cell in a child process.
func runNaturalChild(c naturalCell, k contender) (time.Duration, string, []string, error) {
	exe, err := os.Executable()
	if err != nil {
		return 0, "", nil, err
	}
	cmd := exec.Command(exe, append(slices.Clone(os.Args[1:]), "-natural", c.name, "-mode", string(k))...)
	cmd.Stderr = os.Stderr
	out, err := cmd.Output()
	if err != nil {
		return 0, "", nil, fmt.Errorf("child process: %w", err)
	}
	// The child prints "<wall seconds>\t<check>\t<notes, \x1f separated>".
	fields := strings.Split(strings.TrimRight(string(out), "\n"), "\t")
	if len(fields) != 3 {
		return 0, "", nil, fmt.Errorf("child printed %q", out)
	}
	wall, err := strconv.ParseFloat(fields[0], 64)
	if err != nil {
		return 0, "", nil, fmt.Errorf("child printed %q: %w", out, err)
	}
	var notes []string
	if fields[2] != "" {
		notes = strings.Split(fields[2], "\x1f")
	}
	return time.Duration(wall * float64(time.Second)), fields[1], notes, nil
}

// cpuProfileEnv names the file a child writes the CPU profile of its run
// to, when it is set: GOSPARKLING_BENCH_CPUPROFILE=p.prof bench -natural
// rune -mode warm.
const cpuProfileEnv = "GOSPARKLING_BENCH_CPUPROFILE"

// traceEnv names the file a child writes the execution trace of its run
// to, when it is set (go tool trace reads it): to see how busy the cores
// are through the run.
const traceEnv = "GOSPARKLING_BENCH_TRACE"

// runNaturalMode is the child: it runs one contender of one cell once and
// prints its wall time, result and the session's notes.
func runNaturalMode(cfg naturalConfig, name string, k contender) int {
	if k == prewarm {
		if _, _, _, err := runNaturalSession(cfg, prewarmCell, "fill"); err != nil {
			fmt.Fprintf(os.Stderr, "bench: %v\n", err)
			return 1
		}
		fmt.Printf("0\t\t\n")
		return 0
	}
	i := slices.IndexFunc(naturalCells, func(c naturalCell) bool { return c.name == name })
	if i < 0 {
		fmt.Fprintf(os.Stderr, "bench: no natural cell %q\n", name)
		return 2
	}
	c := naturalCells[i]
	input := cfg.input(c)
	for _, rec := range []struct {
		env   string
		start func(io.Writer) error
		stop  func()
	}{{cpuProfileEnv, pprof.StartCPUProfile, pprof.StopCPUProfile}, {traceEnv, trace.Start, trace.Stop}} {
		path := os.Getenv(rec.env)
		if path == "" {
			continue
		}
		f, err := os.Create(path)
		if err == nil {
			defer f.Close()
			err = rec.start(f)
		}
		if err != nil {
			fmt.Fprintf(os.Stderr, "bench: %s: %v\n", rec.env, err)
			return 1
		}
		defer rec.stop()
	}
	start := time.Now()
	var (
		wall  time.Duration
		check string
		notes []string
		err   error
	)
	switch k {
	case interpreted, firstCold, secondWarm:
		wall, check, notes, err = runNaturalSession(cfg, c.source(input), k)
	case goRDD:
		check, err = c.rdd(input)
		wall = time.Since(start)
	case plainGo:
		if c.plain == nil {
			err = errors.New("no plain Go version")
		} else {
			check, err = c.plain(input)
		}
		wall = time.Since(start)
	default:
		err = fmt.Errorf("unknown mode %q", k)
	}
	if err == nil && k == firstCold {
		// A kernel lives on after a cell and finishes the builds it
		// started; this one ends here, so finish them now, untimed, for
		// the second run to find.
		_, _, _, err = runNaturalSession(cfg, c.source(input), "fill")
	}
	if err != nil {
		fmt.Fprintf(os.Stderr, "bench: %s, %s: %v\n", name, k, err)
		return 1
	}
	fmt.Printf("%.3f\t%s\t%s\n", wall.Seconds(), oneLine(check), oneLine(strings.Join(notes, "\x1f")))
	return 0
}

// oneLine replaces the tabs and new lines of s by spaces.
func oneLine(s string) string {
	return strings.NewReplacer("\t", " ", "\n", " ", "\r", " ").Replace(strings.TrimSpace(s))
}

// runNaturalSession runs a cell in a new session: interpreted, on a first
// run (an empty plugin cache), on a second run (the cache as the first
// run left it), or ("fill") waiting for the builds, to fill the cache. It
// returns the time the cell took, as a user of a running kernel waits for
// it (the session's start is not counted), its value and what it wrote on
// its standard error.
func runNaturalSession(cfg naturalConfig, cell string, k contender) (time.Duration, string, []string, error) {
	switch k {
	case interpreted:
		os.Setenv("GOSPARKLING_COMPILE", "off")
	case firstCold:
		if err := os.RemoveAll(filepath.Join(cfg.cacheRoot, "gosparkling", "plugins")); err != nil {
			return 0, "", nil, fmt.Errorf("emptying the plugin cache: %w", err)
		}
		os.Setenv("GOSPARKLING_COMPILE", "background")
	case secondWarm:
		os.Setenv("GOSPARKLING_COMPILE", "background")
	case "fill":
		os.Setenv("GOSPARKLING_COMPILE", "wait")
	}
	os.Setenv("XDG_CACHE_HOME", cfg.cacheRoot)
	s, err := interp.NewSession()
	if err != nil {
		return 0, "", nil, err
	}
	defer s.Close()
	var out collected
	start := time.Now()
	bundle, err := s.Execute(context.Background(), cell, &out)
	wall := time.Since(start)
	if err != nil {
		return 0, "", nil, fmt.Errorf("the cell failed: %w (its standard error: %s)", err, out.stderr.String())
	}
	var notes []string
	for _, line := range strings.Split(out.stderr.String(), "\n") {
		if line = strings.TrimSpace(line); line != "" {
			notes = append(notes, line)
		}
	}
	return wall, fmt.Sprint(bundle["text/plain"]), notes, nil
}

// runPython runs the cell's pysparkling script once.
func runPython(cfg naturalConfig, c naturalCell) (time.Duration, string, error) {
	script := filepath.Join(cfg.scripts, "natural_"+c.name+".py")
	args := []string{script}
	if c.wet {
		args = append(args, cfg.wet...)
	} else {
		args = append(args, cfg.letters)
	}
	cmd := exec.Command(cfg.python, args...)
	cmd.Env = append(os.Environ(), "PYTHONPATH="+cfg.checkout)
	cmd.Stderr = os.Stderr
	out, err := cmd.Output()
	if err != nil {
		return 0, "", fmt.Errorf("%s %s: %w", cfg.python, script, err)
	}
	// The script prints "<wall seconds>\t<check>".
	secs, check, ok := strings.Cut(strings.TrimRight(string(out), "\n"), "\t")
	wall, err := strconv.ParseFloat(secs, 64)
	if !ok || err != nil {
		return 0, "", fmt.Errorf("%s printed %q", script, out)
	}
	return time.Duration(wall * float64(time.Second)), check, nil
}

// findPysparkling returns the Python interpreter and pysparkling checkout
// to use, or why pysparkling is not run.
func findPysparkling(python, checkout string) (string, string, string) {
	if checkout == "" {
		return "", "", "not run: no pysparkling checkout (-pysparkling or PYSPARKLING)"
	}
	if _, err := os.Stat(filepath.Join(checkout, "pysparkling", "__init__.py")); err != nil {
		return "", "", fmt.Sprintf("not run: %s is not a pysparkling checkout", checkout)
	}
	path, err := exec.LookPath(python)
	if err != nil {
		return "", "", fmt.Sprintf("not run: no %s", python)
	}
	abs, err := filepath.Abs(checkout)
	if err != nil {
		return "", "", fmt.Sprintf("not run: %v", err)
	}
	return path, abs, ""
}

// Markers of the natural cells' section of RESULTS.md, so that a run of
// only the natural cells replaces that section and keeps the rest.
const (
	naturalBegin = "<!-- natural cells: begin -->"
	naturalEnd   = "<!-- natural cells: end -->"
)

// renderNatural makes the natural cells' section of RESULTS.md.
func renderNatural(cfg naturalConfig, results []naturalResult, letterMB int) string {
	var b strings.Builder
	fmt.Fprintf(&b, "%s\n## Natural cells\n\n", naturalBegin)
	fmt.Fprintf(&b, "Written by `go run ./bench -only natural` on %s, %s/%s, %d CPUs, %s; ",
		time.Now().UTC().Format("2006-01-02"), runtime.GOOS, runtime.GOARCH, runtime.NumCPU(), runtime.Version())
	fmt.Fprintf(&b, "the letters corpus of %d MB (%s) and %d WET files of the generated crawl.\n", letterMB, filepath.Base(cfg.letters), len(cfg.wet))
	fmt.Fprintf(&b, "Each cell is written as an analyst writes it (the source is in bench/natural.go, the pysparkling\n")
	fmt.Fprintf(&b, "scripts in bench/pysparkling/natural_*.py) and run in a new session as the kernel runs it: interpreted\n")
	fmt.Fprintf(&b, "(`GOSPARKLING_COMPILE=off`); first run, with an empty plugin cache (gosparkling's packages\n")
	fmt.Fprintf(&b, "compiled for plugins in Go's build cache beforehand, as in a kernel up for a minute or after\n")
	fmt.Fprintf(&b, "`gosparkling install`); second run, in a new session with\n")
	fmt.Fprintf(&b, "the plugins of the first in the cache. Times are wall times of the work (of the cell in a session\n")
	fmt.Fprintf(&b, "already started, of the script after Python's start, of the Go program), the median of %d runs\n", cfg.repeat)
	fmt.Fprintf(&b, "(%d for the interpreted and first runs). Every contender gives the result in the last column.\n", cfg.repeatSlow)
	fmt.Fprintf(&b, "Targets: the second run at least 3x faster than pysparkling and within 1.5x of the Go program\n")
	fmt.Fprintf(&b, "using rdd; a cell that takes over 10 s interpreted runs in under half that on its first run.\n\n")
	fmt.Fprintf(&b, "| cell | interpreted | first run | second run | pysparkling | Go (rdd) | plain Go | pysparkling / second (≥ 3) | second / Go (≤ 1.5) | first / interpreted (< 0.5 when over 10 s) | result |\n")
	fmt.Fprintf(&b, "|---|---:|---:|---:|---:|---:|---:|---|---|---|---|\n")
	for _, r := range results {
		cells := []string{fmt.Sprintf("%s: %s", r.cell.name, r.cell.what)}
		for _, k := range contenders {
			t := r.timings[k]
			if t.why != "" {
				cells = append(cells, "–")
				continue
			}
			cells = append(cells, fmt.Sprintf("%.2f s", t.median().Seconds()))
		}
		cells = append(cells, r.targets()...)
		cells = append(cells, r.timings[interpreted].check)
		fmt.Fprintf(&b, "| %s |\n", strings.Join(cells, " | "))
	}
	if cfg.python == "" {
		fmt.Fprintf(&b, "\npysparkling %s.\n", strings.TrimPrefix(cfg.why, "not run: "))
	}
	var notes []string
	for _, r := range results {
		seen := map[string]bool{}
		for _, k := range []contender{firstCold, secondWarm} {
			for _, n := range r.timings[k].notes {
				if !seen[n] {
					seen[n] = true
					notes = append(notes, fmt.Sprintf("- %s (%s run): %s", r.cell.name, map[contender]string{firstCold: "first", secondWarm: "second"}[k], n))
				}
			}
		}
	}
	if len(notes) > 0 {
		fmt.Fprintf(&b, "\nWhat the sessions said on the cells' standard error (functions that stay interpreted):\n\n%s\n", strings.Join(notes, "\n"))
	}
	fmt.Fprintf(&b, "%s\n", naturalEnd)
	return b.String()
}

// targets are the three ratio columns of a result.
func (r naturalResult) targets() []string {
	t := r.timings
	second, first, interp := t[secondWarm].median(), t[firstCold].median(), t[interpreted].median()
	verdict := func(ok bool) string {
		if ok {
			return "met"
		}
		return "**not met**"
	}
	out := make([]string, 3)
	if py := t[pysparkling]; py.why == "" && second > 0 {
		ratio := py.median().Seconds() / second.Seconds()
		out[0] = fmt.Sprintf("%.1fx, %s", ratio, verdict(ratio >= 3))
	} else {
		out[0] = "–"
	}
	if g := t[goRDD].median(); g > 0 {
		ratio := second.Seconds() / g.Seconds()
		out[1] = fmt.Sprintf("%.2fx, %s", ratio, verdict(ratio <= 1.5))
	} else {
		out[1] = "–"
	}
	ratio := first.Seconds() / interp.Seconds()
	if interp > 10*time.Second {
		out[2] = fmt.Sprintf("%.2fx, %s", ratio, verdict(ratio < 0.5))
	} else {
		out[2] = fmt.Sprintf("%.2fx (under 10 s: no target)", ratio)
	}
	return out
}

// mergeResults is the new RESULTS.md: the rows' table (or the old file's,
// when rows is ""), then the natural cells' section (or the old file's,
// when natural is "").
func mergeResults(old, rows, natural string) string {
	oldRows, oldNatural := old, ""
	if i := strings.Index(old, naturalBegin); i >= 0 {
		oldRows, oldNatural = old[:i], old[i:]
		if j := strings.Index(oldNatural, naturalEnd); j >= 0 {
			oldNatural = oldNatural[:j+len(naturalEnd)] + "\n"
		}
	}
	if rows == "" {
		rows = oldRows
	}
	if natural == "" {
		natural = oldNatural
	}
	rows = strings.TrimRight(rows, "\n") + "\n"
	if natural == "" {
		return rows
	}
	return rows + "\n" + natural
}

// naturalNames is the comma list of the natural cells' names.
func naturalNames() string {
	var names []string
	for _, c := range naturalCells {
		names = append(names, c.name)
	}
	return strings.Join(names, ",")
}

// defaultPython is Debian's python3 when there is one, else python3 on
// PATH.
func defaultPython() string {
	if _, err := os.Stat("/usr/bin/python3"); err == nil {
		return "/usr/bin/python3"
	}
	return "python3"
}

// naturalSetup writes the letters corpus if it is missing and returns the
// configuration of the natural cells.
func naturalSetup(data string, mb int, wetGlob string, wetFiles int, checkout, python string) (naturalConfig, error) {
	var cfg naturalConfig
	var err error
	cfg.letters = filepath.Join(data, fmt.Sprintf("zipf-letters-%dmb.txt", mb))
	if _, err := os.Stat(cfg.letters); err != nil {
		fmt.Fprintf(os.Stderr, "bench: writing %s\n", cfg.letters)
		if err := writeLetterCorpus(cfg.letters, mb<<20); err != nil {
			return cfg, fmt.Errorf("writing the letters corpus: %w", err)
		}
	}
	if cfg.wet, err = wetInput(wetGlob, wetFiles); err != nil {
		return cfg, err
	}
	if cfg.cacheRoot, err = filepath.Abs(filepath.Join(data, "natural-cache")); err != nil {
		return cfg, err
	}
	cfg.python, cfg.checkout, cfg.why = findPysparkling(python, checkout)
	return cfg, nil
}

// keepGoBuildCache pins GOCACHE to Go's build cache as it is now: the
// sessions set XDG_CACHE_HOME to a directory of the bench's, for their
// plugin cache, and Go's default build cache lives under it too, which
// would make every plugin build compile the standard library and
// gosparkling's packages anew, as no kernel does.
func keepGoBuildCache() error {
	if os.Getenv("GOCACHE") != "" {
		return nil
	}
	out, err := exec.Command("go", "env", "GOCACHE").Output()
	if err != nil {
		return nil // no toolchain: nothing is compiled
	}
	if dir := strings.TrimSpace(string(out)); dir != "" && dir != "off" {
		return os.Setenv("GOCACHE", dir)
	}
	return nil
}
