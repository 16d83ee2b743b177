// Command bench measures gosparkling against the practical limit, a
// hand-written Go loop, and writes the table of bench/RESULTS.md.
//
//	go run ./bench -mb 50 -crawl notebooks/data-large -out bench/RESULTS.md
//
// Each row runs in a child process of its own (this program, re-executed
// with -row), so that its CPU time and peak memory (the child's resource
// usage) are its own. The inputs are generated deterministically into
// -data: a corpus of Zipf-distributed words and 1,000 small text files; the
// WET files of row 4 come from `go run ./notebooks/gencrawl -size large`.
// `make bench` does all of it.
package main

import (
	"bufio"
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"math/rand/v2"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"runtime/debug"
	"strconv"
	"strings"
	"sync/atomic"
	"syscall"
	"time"

	"github.com/gosparkling/gosparkling/bench/internal/procstat"
	"github.com/gosparkling/gosparkling/fileio"
	"github.com/gosparkling/gosparkling/fileio/warc"
	"github.com/gosparkling/gosparkling/interp"
	"github.com/gosparkling/gosparkling/rdd"
)

// row is one measurement of the table.
type row struct {
	id   int
	what string
	run  func(in inputs) (note string, err error)
}

// inputs are the generated files the rows read.
type inputs struct {
	corpus  string // the Zipf corpus
	letters string // the Zipf corpus in words of letters, with punctuation
	many    string // a glob of 1,000 small files
	wet     string // a glob of WET files
}

var rows = []row{
	{1, "word count typed into a notebook cell, run by the interpreter as the kernel runs it", runNotebookCell},
	{2, "the same pipeline with compiled functions (strings.Fields, a Go func literal)", runCompiled},
	{3, "hand-written Go loop: bufio.Scanner, strings.Fields, map[string]int", runBaseline},
	{4, "WET word count over the generated crawl (WarcFile, compiled functions)", runWET},
	{5, "Take(1) over 1,000 files", runTakeOne},
	{6, "ReduceByKey on 10 million distinct keys", runDistinctKeys},
	{7, "natural word count cell (FieldsFunc, ToLower, IsLetter, RuneCount filter, Top 20), interpreted", naturalRow(interpretedRun)},
	{8, "the same cell, first run: its functions compile in the background while the job runs (empty plugin cache)", naturalRow(firstRun)},
	{9, "the same cell in a new kernel, its plugins in the cache", naturalRow(warmRun)},
	{10, "the same pipeline written in compiled Go", runNaturalCompiled},
	{11, "sc.Range(0, 1e7).Map(i % 7).Filter(i == 3).Count() cell, interpreted", rangeRow(interpretedRun)},
	{12, "the same cell, first run (empty plugin cache)", rangeRow(firstRun)},
	{13, "the same cell in a new kernel, its plugins in the cache", rangeRow(warmRun)},
	{14, "the same pipeline written in compiled Go", runRangeCompiled},
}

func main() {
	mb := flag.Int("mb", 50, "size of the word-count corpus in MB")
	data := flag.String("data", "bench/data", "directory for the generated inputs")
	crawl := flag.String("crawl", "notebooks/data-large", "directory of the generated crawl (go run ./notebooks/gencrawl -size large)")
	out := flag.String("out", "bench/RESULTS.md", "file to write the table to (- for standard output)")
	only := flag.String("rows", "", "comma list of the rows to run (default all)")
	child := flag.Int("row", 0, "run one row in this process (used by the parent)")
	onlyWhat := flag.String("only", "", "natural: run only the natural cells, replacing their section of -out")
	cells := flag.String("cells", "", "comma list of the natural cells to run (default all: "+naturalNames()+")")
	naturalMB := flag.Int("natural-mb", 3, "size of the natural cells' letters corpus in MB")
	wetFiles := flag.Int("wet-files", 2, "WET files the natural WET cell reads (0: all of the crawl's)")
	repeat := flag.Int("repeat", 3, "runs of the natural cells' second run, pysparkling and Go (the median counts)")
	repeatSlow := flag.Int("repeat-slow", 1, "runs of the natural cells interpreted and on their first run")
	pyCheckout := flag.String("pysparkling", os.Getenv("PYSPARKLING"), "a pysparkling checkout to compare the natural cells with (default $PYSPARKLING; none: not run)")
	python := flag.String("python", defaultPython(), "the Python interpreter for pysparkling")
	scripts := flag.String("scripts", filepath.Join("bench", "pysparkling"), "the directory of the pysparkling scripts of the natural cells")
	naturalChild := flag.String("natural", "", "run one natural cell in this process (used by the parent)")
	mode := flag.String("mode", "", "how -natural runs the cell: interp, first, warm, rdd or plain")
	flag.Parse()

	in := inputs{
		corpus:  filepath.Join(*data, fmt.Sprintf("zipf-%dmb.txt", *mb)),
		letters: filepath.Join(*data, fmt.Sprintf("zipf-letters-%dmb.txt", *mb)),
		many:    filepath.Join(*data, "many", "*.txt"),
		wet:     filepath.Join(*crawl, "crawl-data", "*", "segments", "*", "wet", "*.warc.wet.gz"),
	}
	if err := keepGoBuildCache(); err != nil {
		fmt.Fprintln(os.Stderr, "bench:", err)
		os.Exit(1)
	}
	if *child != 0 {
		os.Exit(runChild(*child, in))
	}
	if *onlyWhat != "" && *onlyWhat != "natural" {
		fmt.Fprintf(os.Stderr, "bench: -only %q: the only choice is natural\n", *onlyWhat)
		os.Exit(2)
	}
	var cfg naturalConfig
	runNaturalCells := *onlyWhat == "natural" || *only == ""
	if runNaturalCells || *naturalChild != "" {
		var err error
		cfg, err = naturalSetup(*data, *naturalMB, in.wet, *wetFiles, *pyCheckout, *python)
		if err != nil {
			fmt.Fprintln(os.Stderr, "bench:", err)
			os.Exit(1)
		}
		cfg.repeat, cfg.repeatSlow = max(*repeat, 1), max(*repeatSlow, 1)
		cfg.scripts = *scripts
	}
	if *naturalChild != "" {
		os.Exit(runNaturalMode(cfg, *naturalChild, contender(*mode)))
	}
	var table string
	if *onlyWhat != "natural" {
		table = runRows(in, *mb, *only)
	}
	var natural string
	var naturalErr error
	if runNaturalCells {
		if cfg.python == "" {
			fmt.Fprintf(os.Stderr, "bench: pysparkling %s\n", cfg.why)
		}
		var results []naturalResult
		var names []string
		if *cells != "" {
			names = strings.Split(*cells, ",")
		}
		results, naturalErr = runNatural(cfg, names)
		if len(results) > 0 {
			natural = renderNatural(cfg, results, *naturalMB)
		}
		if naturalErr != nil && len(results) == 0 {
			fmt.Fprintln(os.Stderr, "bench:", naturalErr)
			os.Exit(1)
		}
	}
	if *out == "-" {
		fmt.Print(mergeResults("", table, natural))
	} else {
		old, err := os.ReadFile(*out)
		if err != nil && !errors.Is(err, os.ErrNotExist) {
			fmt.Fprintln(os.Stderr, "bench:", err)
			os.Exit(1)
		}
		rest, shuffles := splitShuffles(string(old))
		if err := writeAtomically(*out, mergeResults(rest, table, natural)+shuffles); err != nil {
			fmt.Fprintln(os.Stderr, "bench:", err)
			os.Exit(1)
		}
		fmt.Fprintf(os.Stderr, "bench: wrote %s\n", *out)
	}
	if naturalErr != nil {
		fmt.Fprintln(os.Stderr, "bench:", naturalErr)
		os.Exit(1)
	}
}

// runRows measures the rows named in only (all when empty) and returns
// their table.
func runRows(in inputs, mb int, only string) string {
	if err := prepare(in, mb); err != nil {
		fmt.Fprintln(os.Stderr, "bench:", err)
		os.Exit(1)
	}
	var results []result
	for _, r := range rows {
		if only != "" && !contains(strings.Split(only, ","), strconv.Itoa(r.id)) {
			continue
		}
		fmt.Fprintf(os.Stderr, "bench: row %d: %s\n", r.id, r.what)
		res, err := measure(r, os.Args[1:])
		if err != nil {
			fmt.Fprintf(os.Stderr, "bench: row %d: %v\n", r.id, err)
			os.Exit(1)
		}
		fmt.Fprintf(os.Stderr, "bench: row %d: %.2f s wall, %.2f s CPU, %.0f MB peak; %s\n", r.id, res.wall.Seconds(), res.cpu.Seconds(), res.peakMB, res.note)
		results = append(results, res)
	}
	return render(results, mb)
}

func contains(list []string, s string) bool {
	for _, x := range list {
		if strings.TrimSpace(x) == s {
			return true
		}
	}
	return false
}

// result is a row as measured by the parent.
type result struct {
	row
	wall   time.Duration // of the measured work, as the child reports it
	cpu    time.Duration // user and system time of the whole child
	peakMB float64       // the child's peak resident memory
	note   string
}

// measure runs the row in a child process and reads its resource usage.
func measure(r row, args []string) (result, error) {
	exe, err := os.Executable()
	if err != nil {
		return result{}, err
	}
	cmd := exec.Command(exe, append(args, "-row", strconv.Itoa(r.id))...)
	cmd.Stderr = os.Stderr
	out, err := cmd.Output()
	if err != nil {
		return result{}, fmt.Errorf("child process: %w", err)
	}
	// The child prints "<wall seconds>\t<peak kB>\t<note>".
	line := strings.TrimSpace(string(out))
	fields := strings.SplitN(line, "\t", 3)
	if len(fields) != 3 {
		return result{}, fmt.Errorf("child printed %q", line)
	}
	wall, err1 := strconv.ParseFloat(fields[0], 64)
	peakKB, err2 := strconv.ParseFloat(fields[1], 64)
	if err := errors.Join(err1, err2); err != nil {
		return result{}, fmt.Errorf("child printed %q: %w", line, err)
	}
	usage := cmd.ProcessState.SysUsage().(*syscall.Rusage)
	cpu := time.Duration(usage.Utime.Nano() + usage.Stime.Nano())
	return result{row: r, wall: time.Duration(wall * float64(time.Second)), cpu: cpu,
		peakMB: peakKB / 1024, note: fields[2]}, nil
}

// runChild runs one row and prints its wall time and note.
func runChild(id int, in inputs) int {
	for _, r := range rows {
		if r.id != id {
			continue
		}
		start := time.Now()
		note, err := r.run(in)
		if err != nil {
			fmt.Fprintf(os.Stderr, "bench: row %d: %v\n", id, err)
			return 1
		}
		wall := time.Since(start).Seconds()
		peak, err := procstat.PeakRSSKB()
		if err != nil {
			fmt.Fprintf(os.Stderr, "bench: row %d: %v\n", id, err)
			return 1
		}
		fmt.Printf("%.3f\t%.0f\t%s\n", wall, peak, note)
		return 0
	}
	fmt.Fprintf(os.Stderr, "bench: no row %d\n", id)
	return 2
}

// notebookCell is row 1 as a user types it.
const notebookCell = `sc.TextFile(%q).
	FlatMap(func(line string) []string { return strings.Fields(line) }).
	Map(func(w string) rdd.Pair { return rdd.KV(w, 1) }).
	ReduceByKey(func(a, b int) int { return a + b }).
	Count()`

func runNotebookCell(in inputs) (string, error) {
	// Its functions are of the shapes the session replaces: nothing to
	// compile in the background.
	os.Setenv("GOSPARKLING_COMPILE", "off")
	s, err := interp.NewSession()
	if err != nil {
		return "", err
	}
	out := &discard{}
	bundle, err := s.Execute(context.Background(), fmt.Sprintf(notebookCell, in.corpus), out)
	if err != nil {
		return "", err
	}
	return fmt.Sprintf("%v distinct words", bundle["text/plain"]), nil
}

func runCompiled(in inputs) (string, error) {
	sc := rdd.NewContext()
	n := sc.TextFile(in.corpus).
		FlatMap(strings.Fields).
		Map(func(w string) rdd.Pair { return rdd.KV(w, 1) }).
		ReduceByKey(func(a, b int) int { return a + b }).
		Count()
	return fmt.Sprintf("%d distinct words", n), nil
}

func runBaseline(in inputs) (string, error) {
	f, err := os.Open(in.corpus)
	if err != nil {
		return "", err
	}
	defer f.Close()
	counts := map[string]int{}
	scanner := bufio.NewScanner(f)
	scanner.Buffer(make([]byte, 1<<20), 1<<20)
	for scanner.Scan() {
		for _, w := range strings.Fields(scanner.Text()) {
			counts[w]++
		}
	}
	if err := scanner.Err(); err != nil {
		return "", err
	}
	return fmt.Sprintf("%d distinct words", len(counts)), nil
}

func runWET(in inputs) (string, error) {
	files, err := filepath.Glob(in.wet)
	if err != nil || len(files) == 0 {
		return "", fmt.Errorf("no WET files %s (go run ./notebooks/gencrawl -size large): %v", in.wet, err)
	}
	var size int64
	for _, f := range files {
		if info, err := os.Stat(f); err == nil {
			size += info.Size()
		}
	}
	sc := rdd.NewContext()
	n := sc.WarcFile(in.wet).
		Filter(func(r *warc.Record) bool { return r.Type() == warc.TypeConversion }).
		FlatMap(func(r *warc.Record) []string { return strings.Fields(r.Text()) }).
		Map(func(w string) rdd.Pair { return rdd.KV(w, 1) }).
		ReduceByKey(func(a, b int) int { return a + b }).
		Count()
	return fmt.Sprintf("%d files, %.0f MB compressed, %d distinct words", len(files), float64(size)/1e6, n), nil
}

// countingFS counts the files opened through a FileSystem.
type countingFS struct {
	fileio.FileSystem
	opened atomic.Int64
}

func (c *countingFS) Open(ctx context.Context, path string) (io.ReadCloser, error) {
	c.opened.Add(1)
	return c.FileSystem.Open(ctx, path)
}

func (c *countingFS) OpenRange(ctx context.Context, path string, offset, length int64) (io.ReadCloser, error) {
	c.opened.Add(1)
	return c.FileSystem.OpenRange(ctx, path, offset, length)
}

func runTakeOne(in inputs) (string, error) {
	fss := fileio.Default()
	counting := &countingFS{FileSystem: fss["file"]}
	fss["file"] = counting
	sc := rdd.NewContext(rdd.WithFileSystems(fss))
	first := sc.TextFile(in.many).Take(1)
	if len(first) != 1 {
		return "", errors.New("Take(1) returned no line")
	}
	return fmt.Sprintf("%d file(s) opened of 1,000", counting.opened.Load()), nil
}

// distinctKeysBudget is the shuffle memory of row 6, with a Go memory
// limit of twice as much, as a machine with little memory would set.
const distinctKeysBudget = 256 << 20

func runDistinctKeys(inputs) (string, error) {
	debug.SetMemoryLimit(2 * distinctKeysBudget)
	sc := rdd.NewContext(rdd.WithShuffleMemory(distinctKeysBudget))
	defer sc.Stop()
	const keys = 10_000_000
	n := sc.Range(0, keys).
		Map(func(x int64) rdd.Pair { return rdd.KV(x, 1) }).
		ReduceByKey(func(a, b int) int { return a + b }).
		Count()
	if n != keys {
		return "", fmt.Errorf("%d keys counted, want %d", n, keys)
	}
	return fmt.Sprintf("%d keys; WithShuffleMemory(256 MB), GOMEMLIMIT 512 MB: the shuffle spills sorted runs to disk", n), nil
}

// discard is an interp.Output that drops everything.
type discard struct{}

func (discard) Stream(name, text string)                                                      {}
func (discard) Display(bundle interp.MIMEBundle, meta map[string]any, id string, update bool) {}

// prepare writes the generated inputs that are missing.
func prepare(in inputs, mb int) error {
	if _, err := os.Stat(in.corpus); err != nil {
		fmt.Fprintf(os.Stderr, "bench: writing %s\n", in.corpus)
		if err := writeCorpus(in.corpus, mb<<20); err != nil {
			return err
		}
	}
	if _, err := os.Stat(in.letters); err != nil && in.letters != "" {
		fmt.Fprintf(os.Stderr, "bench: writing %s\n", in.letters)
		if err := writeLetterCorpus(in.letters, mb<<20); err != nil {
			return err
		}
	}
	dir := filepath.Dir(in.many)
	if files, _ := filepath.Glob(in.many); len(files) != 1000 {
		if err := os.MkdirAll(dir, 0o755); err != nil {
			return err
		}
		for i := 0; i < 1000; i++ {
			text := fmt.Sprintf("file %d\nsecond line of file %d\n", i, i)
			if err := os.WriteFile(filepath.Join(dir, fmt.Sprintf("part-%04d.txt", i)), []byte(text), 0o644); err != nil {
				return err
			}
		}
	}
	return nil
}

// writeCorpus writes about size bytes of lines of 5 to 19 words drawn from
// a Zipf law over 100,000 words, the same bytes for the same size.
func writeCorpus(path string, size int) error {
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		return err
	}
	tmp := path + ".tmp"
	f, err := os.Create(tmp)
	if err != nil {
		return err
	}
	w := bufio.NewWriter(f)
	rng := rand.New(rand.NewPCG(1, 2))
	zipf := rand.NewZipf(rng, 1.1, 1, 99_999)
	for written := 0; written < size; {
		n := 5 + rng.IntN(15)
		for i := 0; i < n; i++ {
			if i > 0 {
				w.WriteByte(' ')
				written++
			}
			word := "w" + strconv.FormatUint(zipf.Uint64(), 10)
			w.WriteString(word)
			written += len(word)
		}
		w.WriteByte('\n')
		written++
	}
	if err := errors.Join(w.Flush(), f.Close()); err != nil {
		return err
	}
	return os.Rename(tmp, path)
}

// splitShuffles splits RESULTS.md into what this command writes and the
// shuffle section, which go run ./bench/shuffles makes (from "## Shuffles"
// to the natural cells' section or the end), so that it is kept when the
// rest is written anew.
func splitShuffles(old string) (rest, shuffles string) {
	i := strings.Index(old, "\n## Shuffles")
	if i < 0 {
		return old, ""
	}
	end := len(old)
	if j := strings.Index(old[i:], naturalBegin); j >= 0 {
		end = i + j
	}
	shuffles = "\n" + strings.TrimSpace(old[i:end]) + "\n"
	return old[:i] + old[end:], shuffles
}

// writeAtomically writes a file under a temporary name and renames it.
func writeAtomically(path, text string) error {
	tmp := path + ".tmp"
	if err := os.WriteFile(tmp, []byte(text), 0o644); err != nil {
		return err
	}
	return os.Rename(tmp, path)
}

// render makes the Markdown table of the results.
func render(results []result, mb int) string {
	byID := map[int]*result{}
	for i := range results {
		byID[results[i].id] = &results[i]
	}
	var b strings.Builder
	fmt.Fprintf(&b, "# Benchmark results\n\n")
	fmt.Fprintf(&b, "Written by `make bench` (`go run ./bench`) on %s, %s/%s, %d CPUs, %s; corpus %d MB.\n",
		time.Now().UTC().Format("2006-01-02"), runtime.GOOS, runtime.GOARCH, runtime.NumCPU(), runtime.Version(), mb)
	fmt.Fprintf(&b, "Wall time is the work's own; CPU time and peak resident memory are those of the row's process.\n")
	fmt.Fprintf(&b, "The ratio is the wall time over row 3's (rows 7 to 10 over row 10's, 11 to 14 over row 14's). For comparison, pysparkling counts the words of the same\n")
	fmt.Fprintf(&b, "50 MB in about 4 s with about 1 GB of memory on this kind of machine (it is not run here: no PyPI).\n")
	fmt.Fprintf(&b, "The machine is shared: runs differ by 10 to 20%%.\n\n")
	fmt.Fprintf(&b, "| row | what | wall | CPU | peak memory | ratio | notes |\n")
	fmt.Fprintf(&b, "|---|---|---:|---:|---:|---:|---|\n")
	for _, r := range results {
		ratio := "–"
		if base := byID[ratioBase(r.id)]; base != nil && base.wall > 0 {
			ratio = fmt.Sprintf("%.2fx", r.wall.Seconds()/base.wall.Seconds())
		}
		fmt.Fprintf(&b, "| %d | %s | %.2f s | %.2f s | %.0f MB | %s | %s |\n",
			r.id, r.what, r.wall.Seconds(), r.cpu.Seconds(), r.peakMB, ratio, r.note)
	}
	return b.String()
}

// ratioBase is the row whose wall time row id's is compared to: the
// same work in compiled Go.
func ratioBase(id int) int {
	switch {
	case id >= 7 && id <= 10:
		return 10
	case id >= 11 && id <= 14:
		return 14
	}
	return 3
}
