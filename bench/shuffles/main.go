// Command shuffles measures the engine's wide transformations (join,
// GroupByKey, SortBy, Distinct, ReduceByKey on string keys), used from
// compiled Go, against the same work written by hand in Go (maps and
// sort.Slice, one goroutine) and against pysparkling, and prints the
// Markdown table of bench/RESULTS.md's shuffle section:
//
//	go run ./bench/shuffles -pysparkling /path/to/pysparkling
//
// pysparkling runs from a source checkout (github.com/svenkreiss/pysparkling)
// with a Python that has pytz and dateutil (Debian: python3-tz,
// python3-dateutil); its script is shuffles.py beside this file. Each cell
// of the table runs in a process of its own (this program re-executed
// with -shuffle workload/impl, or python3), so that its time and peak
// resident memory are its own. Every workload makes its input from
// numbers, the same in the three implementations; -scale 10 gives the
// sizes of the table, other scales multiply them by scale/10.
package main

import (
	"errors"
	"flag"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"runtime/pprof"
	"sort"
	"strconv"
	"strings"
	"syscall"
	"time"

	"github.com/gosparkling/gosparkling/bench/internal/procstat"
	"github.com/gosparkling/gosparkling/rdd"
)

func main() {
	only := flag.String("only", "", "comma list of the workloads to run (join, broadcastjoin, group, sort, distinct, reducestrings; default all)")
	scale := flag.Int64("scale", 10, "the size of the workloads, 10 for the sizes of the table")
	pysparkling := flag.String("pysparkling", "/work/pysparkling", "a source checkout of pysparkling (github.com/svenkreiss/pysparkling); \"\" leaves pysparkling out of the table")
	python := flag.String("python", "/usr/bin/python3", "the Python that runs pysparkling (it needs pytz and dateutil)")
	script := flag.String("script", filepath.Join("bench", "shuffles", "shuffles.py"), "the pysparkling script of the workloads")
	cpuProfile := flag.String("cpuprofile", "", "with -shuffle: write a CPU profile of the workload to this file")
	runs := flag.Int("runs", 3, "how many times each cell runs; the table gives the median of each measure")
	spill := flag.Int64("spill", 0, "instead of the shuffle table, the spill table: the shuffles of spillWorkloads under this GOMEMLIMIT in MiB; fails when one does not spill or goes over its bound")
	child := flag.String("shuffle", "", "run one workload/implementation (engine or go) in this process (used by the parent)")
	flag.Parse()

	if *child != "" {
		os.Exit(runShuffleChild(*child, *scale, *cpuProfile))
	}
	var names []string
	if *only != "" {
		names = strings.Split(*only, ",")
	}
	if *spill > 0 {
		table, err := runSpills(*scale, *spill)
		fmt.Print(table)
		if err != nil {
			fmt.Fprintln(os.Stderr, "shuffles:", err)
			os.Exit(1)
		}
		return
	}
	if *runs < 1 {
		fmt.Fprintln(os.Stderr, "shuffles: -runs must be at least 1")
		os.Exit(2)
	}
	table, err := runShuffles(*scale, *runs, pythonSetup{python: *python, source: *pysparkling, script: *script}, names)
	if err != nil {
		fmt.Fprintln(os.Stderr, "shuffles:", err)
		os.Exit(1)
	}
	fmt.Print(table)
}

func contains(list []string, s string) bool {
	for _, x := range list {
		if strings.TrimSpace(x) == s {
			return true
		}
	}
	return false
}

// shuffleWorkload is one row of the shuffle table.
type shuffleWorkload struct {
	name string // the argument of -shuffle and of the Python script
	what string
	// engine and loop run the workload at a scale and return its count.
	engine func(sc *rdd.Context, s int64) int64
	loop   func(s int64) int64
	unit   string // what the count counts
}

// shuffleSlices is the partition count of the inputs, as pysparkling's
// (and as the engine's default on a machine of two cores).
const shuffleSlices = 2

var shuffleWorkloads = []shuffleWorkload{
	{"join", "Join of 2M pairs with 200k pairs on int64 keys (200k match), Count", engineJoin, loopJoin, "pairs joined"},
	{"broadcastjoin", "Join of 2M pairs with 200k pairs hinted \"broadcast\" on int64 keys (200k match), Count", engineBroadcastJoin, loopJoin, "pairs joined"},
	{"group", "GroupByKey of 5M pairs into 500k int64 keys, Count", engineGroup, loopGroup, "keys"},
	{"sort", "SortBy of 5M int64 numbers, Count", engineSort, loopSort, "numbers sorted"},
	{"distinct", "Distinct of 5M int64 numbers into 1M, Count", engineDistinct, loopDistinct, "distinct numbers"},
	{"reducestrings", "ReduceByKey of 5M pairs into 100k string keys, Count", engineReduceStrings, loopReduceStrings, "string keys"},
}

// scaled returns n*s/10: the size n of scale 10 at scale s.
func scaled(n, s int64) int64 { return n * s / 10 }

// scramble spreads the numbers 0, 1, 2, ... over [0, 2^32), as the
// Python script's (x * 2654435761) % 4294967296 does.
func scramble(x int64) int64 { return x * 2654435761 % (1 << 32) }

func engineJoin(sc *rdd.Context, s int64) int64 {
	left := sc.Range(0, scaled(2_000_000, s), 1, shuffleSlices).Map(func(x int64) rdd.Pair { return rdd.KV(x, x) })
	right := sc.Range(0, scaled(200_000, s), 1, shuffleSlices).Map(func(x int64) rdd.Pair { return rdd.KV(10*x, x) })
	return left.Join(right).Count()
}

// engineBroadcastJoin is engineJoin with the small side broadcast: the
// big side is joined where it is, without a shuffle. The hand-written
// loop is loopJoin's (a hash table of the small side probed by the big
// one is what a broadcast join is); pysparkling's, the broadcast
// variable of a dict that PySpark's RDD API writes it with.
func engineBroadcastJoin(sc *rdd.Context, s int64) int64 {
	left := sc.Range(0, scaled(2_000_000, s), 1, shuffleSlices).Map(func(x int64) rdd.Pair { return rdd.KV(x, x) })
	right := sc.Range(0, scaled(200_000, s), 1, shuffleSlices).Map(func(x int64) rdd.Pair { return rdd.KV(10*x, x) })
	return left.Join(right.Hint("broadcast")).Count()
}

func loopJoin(s int64) int64 {
	right := map[int64][]int64{}
	for x := range scaled(200_000, s) {
		right[10*x] = append(right[10*x], x)
	}
	type joined struct{ k, v, w int64 }
	var out []joined
	for x := range scaled(2_000_000, s) {
		for _, w := range right[x] {
			out = append(out, joined{x, x, w})
		}
	}
	return int64(len(out))
}

func engineGroup(sc *rdd.Context, s int64) int64 {
	keys := scaled(500_000, s)
	return sc.Range(0, scaled(5_000_000, s), 1, shuffleSlices).
		Map(func(x int64) rdd.Pair { return rdd.KV(x%keys, x) }).
		GroupByKey().Count()
}

func loopGroup(s int64) int64 {
	keys := scaled(500_000, s)
	groups := map[int64][]int64{}
	for x := range scaled(5_000_000, s) {
		groups[x%keys] = append(groups[x%keys], x)
	}
	return int64(len(groups))
}

func engineSort(sc *rdd.Context, s int64) int64 {
	return sc.Range(0, scaled(5_000_000, s), 1, shuffleSlices).
		Map(scramble).
		SortBy(func(x int64) int64 { return x }, true).Count()
}

func loopSort(s int64) int64 {
	nums := make([]int64, 0, scaled(5_000_000, s))
	for x := range scaled(5_000_000, s) {
		nums = append(nums, scramble(x))
	}
	sort.Slice(nums, func(i, j int) bool { return nums[i] < nums[j] })
	return int64(len(nums))
}

func engineDistinct(sc *rdd.Context, s int64) int64 {
	n := scaled(1_000_000, s)
	return sc.Range(0, scaled(5_000_000, s), 1, shuffleSlices).
		Map(func(x int64) int64 { return x * 7919 % n }).
		Distinct().Count()
}

func loopDistinct(s int64) int64 {
	n := scaled(1_000_000, s)
	seen := map[int64]struct{}{}
	for x := range scaled(5_000_000, s) {
		seen[x*7919%n] = struct{}{}
	}
	return int64(len(seen))
}

func engineReduceStrings(sc *rdd.Context, s int64) int64 {
	keys := scaled(100_000, s)
	return sc.Range(0, scaled(5_000_000, s), 1, shuffleSlices).
		Map(func(x int64) rdd.Pair { return rdd.KV("k"+strconv.FormatInt(x%keys, 10), 1) }).
		ReduceByKey(func(a, b int) int { return a + b }).Count()
}

func loopReduceStrings(s int64) int64 {
	keys := scaled(100_000, s)
	counts := map[string]int{}
	for x := range scaled(5_000_000, s) {
		counts["k"+strconv.FormatInt(x%keys, 10)]++
	}
	return int64(len(counts))
}

// shuffleImpls are the columns of the table.
var shuffleImpls = []string{"engine", "go", "pysparkling"}

// runShuffleChild runs workload/impl ("join/engine") in this process and
// prints "<wall seconds>\t<peak kB>\t<note>", as runChild does.
func runShuffleChild(spec string, scale int64, cpuProfile string) int {
	name, impl, _ := strings.Cut(spec, "/")
	if cpuProfile != "" {
		f, err := os.Create(cpuProfile)
		if err != nil {
			fmt.Fprintf(os.Stderr, "shuffles: %v\n", err)
			return 1
		}
		defer f.Close()
		if err := pprof.StartCPUProfile(f); err != nil {
			fmt.Fprintf(os.Stderr, "shuffles: %v\n", err)
			return 1
		}
		defer pprof.StopCPUProfile()
	}
	for _, w := range append([]spillWorkload{spillBase}, spillWorkloads...) {
		if w.name == name {
			start := time.Now()
			_, note := runSpillChild(w, scale)
			wall := time.Since(start).Seconds()
			peak, err := procstat.PeakRSSKB()
			if err != nil {
				fmt.Fprintf(os.Stderr, "shuffles: %s: %v\n", spec, err)
				return 1
			}
			fmt.Printf("%.3f\t%.0f\t%s\n", wall, peak, note)
			return 0
		}
	}
	for _, w := range shuffleWorkloads {
		if w.name != name {
			continue
		}
		var n int64
		start := time.Now()
		switch impl {
		case "engine":
			sc := rdd.NewContext()
			n = w.engine(sc, scale)
			sc.Stop()
		case "go":
			n = w.loop(scale)
		default:
			fmt.Fprintf(os.Stderr, "shuffles: no implementation %q (engine or go)\n", impl)
			return 2
		}
		wall := time.Since(start).Seconds()
		peak, err := procstat.PeakRSSKB()
		if err != nil {
			fmt.Fprintf(os.Stderr, "shuffles: %s: %v\n", spec, err)
			return 1
		}
		fmt.Printf("%.3f\t%.0f\t%d %s\n", wall, peak, n, w.unit)
		return 0
	}
	fmt.Fprintf(os.Stderr, "shuffles: no shuffle workload %q\n", name)
	return 2
}

// shuffleCell is one measurement: a workload run by one implementation.
type shuffleCell struct {
	wall   time.Duration
	cpu    time.Duration // user and system time of the whole process
	peakMB float64
	note   string
	err    error
}

// String formats the cell for the table: wall / CPU / memory.
func (c shuffleCell) String() string {
	return fmt.Sprintf("%.2f s / %.2f s / %.0f MB", c.wall.Seconds(), c.cpu.Seconds(), c.peakMB)
}

// measureShuffle runs workload w by impl in a process of its own.
func measureShuffle(w shuffleWorkload, impl string, scale int64, py pythonSetup) shuffleCell {
	var cmd *exec.Cmd
	if impl == "pysparkling" {
		script, err := filepath.Abs(py.script)
		if err != nil {
			return shuffleCell{err: err}
		}
		cmd = exec.Command(py.python, script, w.name, strconv.FormatInt(scale, 10))
		cmd.Env = append(os.Environ(), "PYTHONPATH="+py.source)
	} else {
		exe, err := os.Executable()
		if err != nil {
			return shuffleCell{err: err}
		}
		cmd = exec.Command(exe, "-scale", strconv.FormatInt(scale, 10), "-shuffle", w.name+"/"+impl)
	}
	return runCell(cmd, w.name+" "+impl)
}

// runCell runs cmd, a child printing "<wall seconds>\t<peak kB>\t<note>",
// and returns its measures; name names it in errors.
func runCell(cmd *exec.Cmd, name string) shuffleCell {
	cmd.Stderr = os.Stderr
	out, err := cmd.Output()
	if err != nil {
		return shuffleCell{err: fmt.Errorf("%s: %w", name, err)}
	}
	line := strings.TrimSpace(string(out))
	fields := strings.SplitN(line, "\t", 3)
	if len(fields) != 3 {
		return shuffleCell{err: fmt.Errorf("%s printed %q", name, line)}
	}
	wall, err1 := strconv.ParseFloat(fields[0], 64)
	peakKB, err2 := strconv.ParseFloat(fields[1], 64)
	if err := errors.Join(err1, err2); err != nil {
		return shuffleCell{err: fmt.Errorf("%s printed %q: %w", name, line, err)}
	}
	usage := cmd.ProcessState.SysUsage().(*syscall.Rusage)
	cpu := time.Duration(usage.Utime.Nano() + usage.Stime.Nano())
	return shuffleCell{wall: time.Duration(wall * float64(time.Second)), cpu: cpu, peakMB: peakKB / 1024, note: fields[2]}
}

// medianCell returns the cell of the median of each measure of cells
// (the upper median of an even count); the note is the first cell's.
func medianCell(cells []shuffleCell) shuffleCell {
	median := func(measure func(shuffleCell) float64) float64 {
		xs := make([]float64, len(cells))
		for i, c := range cells {
			xs[i] = measure(c)
		}
		sort.Float64s(xs)
		return xs[len(xs)/2]
	}
	return shuffleCell{
		wall:   time.Duration(median(func(c shuffleCell) float64 { return float64(c.wall) })),
		cpu:    time.Duration(median(func(c shuffleCell) float64 { return float64(c.cpu) })),
		peakMB: median(func(c shuffleCell) float64 { return c.peakMB }),
		note:   cells[0].note,
	}
}

// runShuffles measures every workload by every implementation, runs
// times each (the implementations taking turns, so that they share the
// machine's moments alike), and returns the Markdown table of the
// medians.
func runShuffles(scale int64, runs int, py pythonSetup, only []string) (string, error) {
	var b strings.Builder
	pyNote := "pysparkling from source, " + py.version()
	if py.source == "" {
		pyNote = "pysparkling not run (-pysparkling \"\")"
	}
	fmt.Fprintf(&b, "Measured by `go run ./bench/shuffles -scale %d -runs %d` on %s, %s/%s, %d CPUs, %s; %s.\n\n",
		scale, runs, time.Now().UTC().Format("2006-01-02"), runtime.GOOS, runtime.GOARCH, runtime.NumCPU(), runtime.Version(), pyNote)
	fmt.Fprintf(&b, "Each cell, the median of %d runs of each measure: wall time of the work / CPU time of its whole process (user and system, start-up included) / peak resident memory.\n", runs)
	fmt.Fprintf(&b, "The ratios are of wall times, and of CPU times in parentheses (the engine runs on every core, the loop and pysparkling on one).\n\n")
	fmt.Fprintf(&b, "| workload | engine | hand-written Go | pysparkling | engine / Go | pysparkling / engine | engine memory / pysparkling's |\n")
	fmt.Fprintf(&b, "|---|---:|---:|---:|---:|---:|---:|\n")
	for _, w := range shuffleWorkloads {
		if len(only) > 0 && !contains(only, w.name) {
			continue
		}
		impls := shuffleImpls
		if py.source == "" {
			impls = impls[:2]
		}
		all := map[string][]shuffleCell{}
		for range runs {
			for _, impl := range impls {
				c := measureShuffle(w, impl, scale, py)
				if c.err != nil {
					return "", c.err
				}
				fmt.Fprintf(os.Stderr, "shuffles: %s %s: %s; %s\n", w.name, impl, c, c.note)
				all[impl] = append(all[impl], c)
			}
		}
		cells := map[string]shuffleCell{}
		for impl, cs := range all {
			cells[impl] = medianCell(cs)
		}
		e, g := cells["engine"], cells["go"]
		if e.note != g.note {
			return "", fmt.Errorf("%s: the engine counted %q, hand-written Go %q", w.name, e.note, g.note)
		}
		what := w.what
		pyCell, pyRatios := "not run", "| - | -"
		if p, ok := cells["pysparkling"]; ok {
			if p.note != e.note {
				what += fmt.Sprintf(" (pysparkling: %s)", p.note)
			}
			pyCell = p.String()
			pyRatios = fmt.Sprintf("| %.1fx (%.1fx) | %.2f", p.wall.Seconds()/e.wall.Seconds(), p.cpu.Seconds()/e.cpu.Seconds(), e.peakMB/p.peakMB)
		}
		fmt.Fprintf(&b, "| %s | %s | %s | %s | %.1fx (%.1fx) %s |\n", what, e, g, pyCell,
			e.wall.Seconds()/g.wall.Seconds(), e.cpu.Seconds()/g.cpu.Seconds(), pyRatios)
	}
	return b.String(), nil
}

// pythonSetup says how to run pysparkling: the interpreter (one with
// pytz and dateutil, such as Debian's python3 with python3-tz and
// python3-dateutil) and the source checkout.
type pythonSetup struct {
	python, source, script string
}

// version names the interpreter.
func (py pythonSetup) version() string {
	out, err := exec.Command(py.python, "--version").Output()
	if err != nil {
		return py.python + " (version unknown)"
	}
	return strings.TrimSpace(string(out))
}
