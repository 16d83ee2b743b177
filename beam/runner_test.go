//go:build beam

package beam

import (
	"context"
	"encoding/binary"
	"errors"
	"fmt"
	"log/slog"
	"os"
	"path/filepath"
	"reflect"
	"sort"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/gosparkling/gosparkling/fileio/warc"
	"github.com/gosparkling/gosparkling/rdd"
)

// sorted returns xs in rdd.Compare order: Beam gives no order.
func sorted(xs []any) []any {
	out := append([]any{}, xs...)
	sort.SliceStable(out, func(i, j int) bool { return rdd.Compare(out[i], out[j]) < 0 })
	return out
}

// onBoth runs job on the local engine and on Prism and compares.
func onBoth(t *testing.T, name string, job func(sc *rdd.Context) any) {
	t.Helper()
	local := job(rdd.NewContext(rdd.WithParallelism(2)))
	var onBeam any
	err := rdd.Try(func() {
		onBeam = job(rdd.NewContext(rdd.WithParallelism(2), rdd.WithRunner(New(Options{TempDir: t.TempDir()}))))
	})
	if err != nil {
		t.Fatalf("%s on Prism: %v", name, err)
	}
	if l, ok := local.([]any); ok {
		if len(l) == 0 {
			t.Errorf("%s gives nothing locally: there is nothing to compare", name)
		}
		local, onBeam = sorted(l), sorted(onBeam.([]any))
	}
	if !reflect.DeepEqual(local, onBeam) {
		t.Errorf("%s: local %v, Prism %v", name, local, onBeam)
	}
}

func TestCompiledJobsOnPrism(t *testing.T) {
	lines := []string{"a b a", "c b a", "", "d"}
	words := func(sc *rdd.Context) *rdd.RDD {
		return sc.Parallelize(lines, 3).FlatMap(strings.Fields)
	}
	onBoth(t, "word count", func(sc *rdd.Context) any {
		return words(sc).Map(func(w string) rdd.Pair { return rdd.KV(w, 1) }).
			ReduceByKey(func(a, b int) int { return a + b }).Collect()
	})
	onBoth(t, "count", func(sc *rdd.Context) any { return words(sc).Count() })
	onBoth(t, "distinct", func(sc *rdd.Context) any { return words(sc).Distinct().Collect() })
	onBoth(t, "group", func(sc *rdd.Context) any {
		return words(sc).KeyBy(func(w string) int { return len(w) }).GroupByKey().MapValues(func(ws []any) int { return len(ws) }).Collect()
	})
	onBoth(t, "join", func(sc *rdd.Context) any {
		a := sc.Parallelize([]rdd.Pair{rdd.KV(1, "x"), rdd.KV(2, "y"), rdd.KV(2, "z")})
		b := sc.Parallelize([]rdd.Pair{rdd.KV(2, 1.5), rdd.KV(3, 2.5)})
		return a.Join(b).Union(a.LeftOuterJoin(b)).Union(a.FullOuterJoin(b)).Collect()
	})
	onBoth(t, "broadcast join", func(sc *rdd.Context) any {
		a := sc.Parallelize([]rdd.Pair{rdd.KV(1, "x"), rdd.KV(2, "y"), rdd.KV(2, "z")})
		b := sc.Parallelize([]rdd.Pair{rdd.KV(2, 1.5), rdd.KV(3, 2.5), rdd.KV(2, 0.5)}).Hint("broadcast")
		return a.Join(b).Union(a.LeftOuterJoin(b)).Union(a.SubtractByKey(b)).Collect()
	})
	onBoth(t, "aggregate", func(sc *rdd.Context) any {
		return words(sc).Map(func(w string) rdd.Pair { return rdd.KV(w, len(w)) }).
			AggregateByKey([]int{}, func(acc []int, v int) []int { return append(acc, v) },
				func(a, b []int) []int { return append(a, b...) }).MapValues(func(v []int) int { return len(v) }).Collect()
	})
	onBoth(t, "sorted", func(sc *rdd.Context) any {
		return words(sc).Distinct().SortBy(func(w string) string { return w }, false).Collect()
	})
	onBoth(t, "take after sort", func(sc *rdd.Context) any { return words(sc).SortBy(func(w string) string { return w }, true).Take(2) })
	onBoth(t, "pipe", func(sc *rdd.Context) any {
		return words(sc).Pipe("tr a-z A-Z", map[string]string{"LC_ALL": "C"}).Collect()
	})
	lengths := func(sc *rdd.Context) *rdd.RDD { return words(sc).Map(func(w string) int { return len(w) }) }
	onBoth(t, "sum", func(sc *rdd.Context) any { return lengths(sc).Sum() })
	onBoth(t, "max", func(sc *rdd.Context) any { return words(sc).Max() })
	onBoth(t, "min", func(sc *rdd.Context) any { return words(sc).Min() })
	onBoth(t, "stats", func(sc *rdd.Context) any { return lengths(sc).Stats().String() })
	onBoth(t, "top", func(sc *rdd.Context) any { return words(sc).Distinct().Top(2) })
	onBoth(t, "take ordered", func(sc *rdd.Context) any { return words(sc).Distinct().TakeOrdered(3) })
	onBoth(t, "count by value", func(sc *rdd.Context) any { return words(sc).CountByValue() })
	onBoth(t, "count by key", func(sc *rdd.Context) any {
		return words(sc).KeyBy(func(w string) int { return len(w) }).CountByKey()
	})
	onBoth(t, "subtract", func(sc *rdd.Context) any { return words(sc).Subtract(sc.Parallelize([]string{"a"})).Collect() })
	// Each of rdd's finer kinds that Beam translates, once.
	byLength := func(sc *rdd.Context) *rdd.RDD { return words(sc).KeyBy(func(w string) int { return len(w) }) }
	other := func(sc *rdd.Context) *rdd.RDD { return sc.Parallelize([]rdd.Pair{rdd.KV(1, "one"), rdd.KV(9, "nine")}) }
	add := func(a, b int) int { return a + b }
	onBoth(t, "group by a function", func(sc *rdd.Context) any {
		return words(sc).GroupBy(func(w string) string { return w }).MapValues(func(ws []any) int { return len(ws) }).Collect()
	})
	onBoth(t, "fold by key", func(sc *rdd.Context) any {
		return lengths(sc).KeyBy(func(n int) int { return n }).Values().KeyBy(func(n int) int { return n % 2 }).FoldByKey(0, add).Collect()
	})
	onBoth(t, "combine by key", func(sc *rdd.Context) any {
		return byLength(sc).CombineByKey(func(w string) int { return 1 }, func(n int, _ string) int { return n + 1 }, add).Collect()
	})
	onBoth(t, "right outer join and cogroup", func(sc *rdd.Context) any {
		return byLength(sc).RightOuterJoin(other(sc)).Union(byLength(sc).Cogroup(other(sc)).MapValues(func(g [][]any) int { return len(g[0]) + len(g[1]) })).Collect()
	})
	onBoth(t, "subtract by key and intersection", func(sc *rdd.Context) any {
		return byLength(sc).SubtractByKey(other(sc)).Keys().Union(words(sc).Intersection(sc.Parallelize([]string{"a", "z"}))).Collect()
	})
	onBoth(t, "sample by key", func(sc *rdd.Context) any {
		return byLength(sc).SampleByKey(false, map[int]float64{0: 1, 1: 1}, 7).Collect()
	})
	onBoth(t, "repartition and coalesce", func(sc *rdd.Context) any {
		return words(sc).Repartition(2).Union(words(sc).Coalesce(1, true)).Union(words(sc).Coalesce(1)).Collect()
	})
}

func TestTextFilesOnPrism(t *testing.T) {
	dir := t.TempDir()
	in := filepath.Join(dir, "in.txt")
	if err := os.WriteFile(in, []byte("one two\nthree\nfour five six\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	sc := rdd.NewContext(rdd.WithRunner(New(Options{TempDir: filepath.Join(dir, "tmp")})))
	out := filepath.Join(dir, "out")
	sc.TextFile(in).FlatMap(strings.Fields).Map(strings.ToUpper).SaveAsTextFile(out)
	got := rdd.NewContext().TextFile(out).Collect()
	if want := []any{"FIVE", "FOUR", "ONE", "SIX", "THREE", "TWO"}; !reflect.DeepEqual(sorted(got), want) {
		t.Errorf("saved %v, want %v", got, want)
	}
	if _, err := os.Stat(filepath.Join(out, "_SUCCESS")); err != nil {
		t.Errorf("no _SUCCESS marker: %v", err)
	}
	err := rdd.Try(func() { sc.TextFile(in).SaveAsTextFile(out) })
	if err == nil || !strings.Contains(err.Error(), "already exists") {
		t.Errorf("saving over %s: %v", out, err)
	}
	if n := sc.TextFile(in).Count(); n != 3 {
		t.Errorf("Count = %d", n)
	}
	if got := sc.TextFile(in).Take(2); len(got) != 2 {
		t.Errorf("Take(2) = %v", got)
	}
}

func TestFailuresSayWhatIsWrong(t *testing.T) {
	prism := func(opts Options) *rdd.Context {
		opts.TempDir = t.TempDir()
		return rdd.NewContext(rdd.WithRunner(New(opts)))
	}
	onProcesses := func(command string) *rdd.Context {
		return prism(Options{Environment: "PROCESS", EnvironmentConfig: `{"command": "` + command + `"}`})
	}
	tests := []struct {
		name string
		job  func()
		want string
	}{
		{"a ReduceByKey of ints", func() {
			prism(Options{}).Parallelize([]int{1, 2}).ReduceByKey(func(a, b int) int { return a + b }).Collect()
		}, "rdd.ReduceByKey: element 1 (int) is not an rdd.Pair"},
		{"a Zip", func() {
			sc := prism(Options{})
			sc.Parallelize([]int{1}).Zip(sc.Parallelize([]int{2})).Collect()
		}, "Zip cannot run on Beam"},
		{"a compiled function on worker processes", func() {
			onProcesses(os.Args[0]).Range(0, 10).Map(func(x int64) int64 { return x + 1 }).Count()
		}, "rdd.Map: its function has no source"},
		{"a compiled function with StrictShipping", func() {
			prism(Options{StrictShipping: true}).Range(0, 10).Filter(func(x int64) bool { return x > 1 }).Count()
		}, "rdd.Filter: its function has no source"},
		{"a worker command that does not exist", func() {
			onProcesses(filepath.Join(t.TempDir(), "no-such-gosparkling")).Range(0, 10).Count()
		}, "the PROCESS environment's command"},
		{"a log level Beam does not know", func() {
			prism(Options{LogLevel: "verbose"}).Range(0, 10).Count()
		}, `Options.LogLevel "verbose"`},
		{"a PROCESS environment without a command", func() {
			prism(Options{Environment: "process", EnvironmentConfig: "/usr/bin/gosparkling"}).Range(0, 10).Count()
		}, `needs EnvironmentConfig {"command"`},
	}
	for _, tt := range tests {
		err := rdd.Try(tt.job)
		if err == nil || !strings.Contains(err.Error(), tt.want) {
			t.Errorf("%s: error %v, want one saying %q", tt.name, err, tt.want)
		}
		if err != nil && strings.Contains(err.Error(), "Plan[") {
			t.Errorf("%s: the error shows Beam's plan: %v", tt.name, err)
		}
	}
}

func TestCancelStopsTheJob(t *testing.T) {
	sc := rdd.NewContext(rdd.WithRunner(New(Options{TempDir: t.TempDir()})))
	ctx, cancel := context.WithCancel(context.Background())
	sc.SetJobContext(ctx)
	time.AfterFunc(500*time.Millisecond, cancel)
	start := time.Now()
	err := rdd.Try(func() {
		sc.Range(0, 1_000_000_000, 1, 2).Map(func(x int64) int64 { return x % 7 }).Count()
	})
	if !errors.Is(err, context.Canceled) {
		t.Fatalf("error = %v, want one wrapping context.Canceled", err)
	}
	if d := time.Since(start); d > 30*time.Second {
		t.Errorf("the job took %v to stop", d)
	}
	sc.SetJobContext(context.Background())
	if n := sc.Range(0, 10).Count(); n != 10 {
		t.Errorf("the next job counts %d, want 10", n)
	}
}

// TestFailedJobsEndWithNoBundleRunning checks that a job on workers of
// this process that fails or is interrupted returns only once every
// bundle has ended: Beam's harness cannot stop while bundles run (see
// jobGuard).
func TestFailedJobsEndWithNoBundleRunning(t *testing.T) {
	// second is a second input that fails once a slow call of the first
	// runs; nil for none.
	type second func(sc *rdd.Context, whenRunning func()) *rdd.RDD
	tests := []struct {
		name      string
		second    second
		interrupt bool
		want      string
	}{
		{"a function that fails", func(sc *rdd.Context, whenRunning func()) *rdd.RDD {
			return sc.Parallelize([]int{2}, 1).Map(func(x int) int { whenRunning(); panic(fmt.Sprint(x, " fails")) })
		}, false, "user function panicked: 2 fails"},
		{"a combined value that cannot travel", func(sc *rdd.Context, whenRunning func()) *rdd.RDD {
			// Beam encodes a lifted combiner's accumulators outside any DoFn.
			return sc.Parallelize([]int{2}, 1).Map(func(x int) rdd.Pair { whenRunning(); return rdd.KV(x, x) }).
				CombineByKey(func(int) chan int { return make(chan int) },
					func(c chan int, _ int) chan int { return c },
					func(a, _ chan int) chan int { return a }).
				Keys().Map(func(k int) int { return k })
		}, false, "cannot travel"},
		{"an interrupt", nil, true, context.Canceled.Error()},
	}
	for _, tt := range tests {
		var started, ended atomic.Int64
		running := make(chan struct{})
		var once sync.Once
		slow := func(x int) int {
			started.Add(1)
			defer ended.Add(1)
			once.Do(func() { close(running) })
			time.Sleep(400 * time.Millisecond)
			return x
		}
		whenRunning := func() {
			select {
			case <-running:
			case <-time.After(10 * time.Second):
			}
		}
		sc := rdd.NewContext(rdd.WithRunner(New(Options{TempDir: t.TempDir()})))
		ctx, cancel := context.WithCancel(context.Background())
		sc.SetJobContext(ctx)
		if tt.interrupt {
			go func() { whenRunning(); cancel() }()
		}
		err := rdd.Try(func() {
			job := sc.Parallelize([]int{0, 1}, 2).Map(slow)
			if tt.second != nil {
				job = job.Union(tt.second(sc, whenRunning))
			}
			job.Count()
		})
		cancel()
		if err == nil || !strings.Contains(err.Error(), tt.want) {
			t.Errorf("%s: error %v, want one saying %q", tt.name, err, tt.want)
		}
		if s, e := started.Load(), ended.Load(); s == 0 || s != e {
			t.Errorf("%s: the job returned with %d of the %d calls it started still running", tt.name, s-e, s)
		}
	}
}

func TestPrismQuietsWhatTheUserLearnsOtherwise(t *testing.T) {
	record := func(msg string, attrs ...slog.Attr) slog.Record {
		rec := slog.NewRecord(time.Now(), slog.LevelError, msg, 0)
		rec.AddAttrs(attrs...)
		return rec
	}
	tests := []struct {
		rec                 slog.Record
		endNoise, isFailure bool
	}{
		{record("process failed while running", slog.String("envID", "go"), slog.String("error", "signal: killed")), true, false},
		{record("process failed while running", slog.String("error", "exit status 1")), false, false},
		{record("[SDK] forcing DataChannel[localhost:1] reconnection on port {localhost:1} due to EOF"), true, false},
		{record("job failed", slog.String("job.key", "job-003")), false, true},
		{record("[SDK] process bundle failed for instruction inst002 using plan stage-002 : ..."), false, true},
		{record("bundle inst002 stage-002 failed:process bundle failed ..."), false, true},
		{record("[SDK] rdd.Map: boom"), false, false},
		{record("process failed to start", slog.String("error", "no such file")), false, false},
	}
	for _, tt := range tests {
		if got := isJobEndNoise(tt.rec); got != tt.endNoise {
			t.Errorf("isJobEndNoise(%q) = %v, want %v", tt.rec.Message, got, tt.endNoise)
		}
		if got := isJobFailureReport(tt.rec); got != tt.isFailure {
			t.Errorf("isJobFailureReport(%q) = %v, want %v", tt.rec.Message, got, tt.isFailure)
		}
	}
}

func TestJobErrorsAreTheUsersCodes(t *testing.T) {
	beamErr := errors.New("job job-004 failed:\nbundle inst002 stage-002 failed:process bundle failed for instruction inst002 using plan stage-002 : while executing Process for Plan[stage-002]:\n1: DataSource[S[stage-002_source@localhost:1], i0] Out:4\n\tcaused by:\nsource failed processing data\n\tcaused by:\nDoFn[UID:4, PID:e4, Name: github.com/gosparkling/gosparkling/beam.sourceFn] failed:\nrdd.Map: element 3: boom\n")
	err := shortJobError(beamErr)
	if got, want := err.Error(), "rdd.Map: element 3: boom"; got != want {
		t.Errorf("shortJobError = %q, want %q", got, want)
	}
	if !errors.Is(err, beamErr) {
		t.Error("the short error does not wrap Beam's")
	}
	other := errors.New("connecting to the job server: refused")
	if shortJobError(other) != other {
		t.Error("an error without a DoFn's was changed")
	}
}

func TestBootDropsOnlyTheHarnessNoise(t *testing.T) {
	in := "Error Setting Rlimit  operation not permitted\nhello from a Map\nWorker exited successfully!\nno newline at the end"
	var out strings.Builder
	copyWorkerOutput(&out, strings.NewReader(in))
	if want := "hello from a Map\nno newline at the end"; out.String() != want {
		t.Errorf("copied %q, want %q", out.String(), want)
	}
}

// The sample crawl's columnar index and its WARC files, as the notebooks
// read them.
var (
	sampleRoot  = filepath.Join("..", "notebooks", "data")
	sampleIndex = filepath.Join(sampleRoot, "cc-index", "table", "cc-main", "warc")
)

func TestTheCrawlIndexOnPrism(t *testing.T) {
	successes := func(sc *rdd.Context) *rdd.RDD {
		return sc.ReadParquet(sampleIndex, rdd.Columns("url", "warc_filename", "warc_record_offset", "warc_record_length"),
			rdd.Where("subset", "warc"), rdd.MaxSplitBytes(1<<20))
	}
	uriAndStatus := func(r *warc.Record) rdd.Pair { return rdd.KV(r.TargetURI(), r.HTTPStatus()) }
	onBoth(t, "ReadParquet with options", func(sc *rdd.Context) any {
		return successes(sc).Map(func(row map[string]any) string { return row["url"].(string) }).Collect()
	})
	onBoth(t, "WarcRecords after a source", func(sc *rdd.Context) any {
		return sc.WarcRecords(successes(sc), sampleRoot).Map(uriAndStatus).Collect()
	})
	shuffledRows := func(sc *rdd.Context) *rdd.RDD {
		return successes(sc).Filter(func(row map[string]any) bool { return strings.HasSuffix(row["url"].(string), ".de/") }).
			Map(func(row map[string]any) rdd.Pair {
				return rdd.KV(row["url"], []any{row["warc_filename"], row["warc_record_offset"], row["warc_record_length"]})
			}).ReduceByKey(func(a, b []any) []any { return a }).
			Map(func(p rdd.Pair) map[string]any {
				v := p.Value.([]any)
				return map[string]any{"warc_filename": v[0], "warc_record_offset": v[1], "warc_record_length": v[2]}
			})
	}
	onBoth(t, "WarcRecords after a shuffle", func(sc *rdd.Context) any {
		return sc.WarcRecords(shuffledRows(sc), sampleRoot).Map(uriAndStatus).Collect()
	})
	onBeam := rdd.NewContext(rdd.WithRunner(New(Options{TempDir: t.TempDir()})))
	err := rdd.Try(func() {
		sc := onBeam
		sc.WarcRecords(shuffledRows(sc), sampleRoot).Map(func(r *warc.Record) int { panic("no " + r.TargetURI()) }).Count()
	})
	if err == nil || !strings.Contains(err.Error(), "no http") {
		t.Errorf("a failing Map after WarcRecords after a shuffle: %v", err)
	}
	type page struct {
		URL    string
		Length int64 `parquet:"warc_record_length"`
	}
	onBoth(t, "ReadParquet with RowsAs", func(sc *rdd.Context) any {
		return sc.ReadParquet(sampleIndex, rdd.RowsAs(page{})).Map(func(p page) string { return fmt.Sprint(p) }).Collect()
	})
	sc := rdd.NewContext(rdd.WithRunner(New(Options{TempDir: t.TempDir()})))
	err = rdd.Try(func() {
		sc.ReadParquet(sampleIndex, rdd.PartitionFilter(func(map[string]string) bool { return true })).Count()
	})
	if err == nil || !strings.Contains(err.Error(), "the option rdd.PartitionFilter cannot travel") {
		t.Errorf("PartitionFilter on Beam: %v", err)
	}
}

func TestNarrowJobsKeepTheLocalOrder(t *testing.T) {
	dir := t.TempDir()
	var lines []string
	for i := range 2000 {
		lines = append(lines, fmt.Sprintf("line %d", i))
	}
	in := filepath.Join(dir, "in.txt")
	if err := os.WriteFile(in, []byte(strings.Join(lines, "\n")+"\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	jobs := []struct {
		name string
		run  func(sc *rdd.Context) any
	}{
		{"Collect", func(sc *rdd.Context) any { return sc.TextFile(in, 5).Map(strings.ToUpper).Collect() }},
		{"Take", func(sc *rdd.Context) any {
			return sc.TextFile(in, 5).Filter(func(l string) bool { return l[len(l)-1] == '7' }).Take(7)
		}},
		{"Parallelize", func(sc *rdd.Context) any { return sc.Parallelize(lines, 4).Collect() }},
		{"Count", func(sc *rdd.Context) any { return sc.TextFile(in, 5).Count() }},
	}
	local := rdd.NewContext(rdd.WithParallelism(2))
	onBeam := rdd.NewContext(rdd.WithParallelism(2), rdd.WithRunner(New(Options{TempDir: t.TempDir()})))
	for _, job := range jobs {
		want, got := job.run(local), job.run(onBeam)
		if !reflect.DeepEqual(got, want) {
			t.Errorf("%s on Prism is not in the local order:\n%.200v\nlocally:\n%.200v", job.name, got, want)
		}
	}
	// A save writes the same part files, one per partition.
	parts := func(sc *rdd.Context, out string) map[string]string {
		sc.TextFile(in, 5).Filter(func(l string) bool { return !strings.HasSuffix(l, "0") }).SaveAsTextFile(out, "gzip")
		files, _ := filepath.Glob(filepath.Join(out, "part-*"))
		got := map[string]string{}
		for _, f := range files {
			got[filepath.Base(f)] = fmt.Sprint(rdd.NewContext().TextFile(f).Collect())
		}
		return got
	}
	want, got := parts(local, filepath.Join(dir, "local")), parts(onBeam, filepath.Join(dir, "beam"))
	if len(want) < 5 || !reflect.DeepEqual(got, want) {
		t.Errorf("saved on Prism:\n%.300v\nlocally:\n%.300v", got, want)
	}
}

func TestPartitionResultsComeBackInPartitionOrder(t *testing.T) {
	sc := rdd.NewContext()
	r := sc.Range(0, 100, 1, 10)
	for _, tt := range []struct {
		name  string
		limit int
		want  []any
	}{
		{"all", -1, sc.Range(0, 100, 1, 10).Collect()},
		{"a limit", 15, sc.Range(0, 15).Collect()},
	} {
		dir := t.TempDir()
		res := &resultFn{Dir: dir, Limit: int64(tt.limit)}
		for p := 9; p >= 0; p-- { // the workers may finish in any order
			if err := res.partitionResults(context.Background(), r, p); err != nil {
				t.Fatal(err)
			}
		}
		if err := res.partitionResults(context.Background(), r, 3); err != nil { // a retry
			t.Fatal(err)
		}
		got, err := readResults(context.Background(), dir, tt.limit)
		if err != nil {
			t.Fatal(err)
		}
		if !reflect.DeepEqual(got, tt.want) {
			t.Errorf("%s: read back %v, want %v", tt.name, got, tt.want)
		}
	}
	dir := t.TempDir()
	counting := &resultFn{Dir: dir, Limit: -1, Count: true}
	for p := range 10 {
		counting.partitionResults(context.Background(), r, p)
	}
	counting.partitionResults(context.Background(), r, 0)
	if n, err := readCount(context.Background(), dir); n != 100 || err != nil {
		t.Errorf("count %d, %v; want 100", n, err)
	}
}

func TestTheManifestLeavesOutFailedBundlesFiles(t *testing.T) {
	ctx := context.Background()
	write := func(dir string, elems ...any) string {
		var buf []byte
		for _, x := range elems {
			b, err := encode(x)
			if err != nil {
				t.Fatal(err)
			}
			buf = append(binary.AppendUvarint(buf, uint64(len(b))), b...)
		}
		path, err := writeFile(ctx, dir, buf)
		if err != nil {
			t.Fatal(err)
		}
		return path
	}
	tests := []struct {
		name     string
		manifest []int // which of the three files it names; nil: no manifest
		want     []any
	}{
		{"no manifest: every file", nil, []any{"a", "b", "c"}},
		{"two of three", []int{0, 2}, []any{"a", "c"}},
		{"an empty one", []int{}, nil},
	}
	for _, tt := range tests {
		dir := filepath.Join(t.TempDir(), "a temp dir") // paths may have spaces
		if err := os.Mkdir(dir, 0o755); err != nil {
			t.Fatal(err)
		}
		paths := []string{write(dir, "a"), write(dir, "b"), write(dir, "c")}
		if tt.manifest != nil {
			var named []string
			for _, i := range tt.manifest {
				named = append(named, paths[i])
			}
			if err := os.WriteFile(filepath.Join(dir, manifestName), []byte(strings.Join(named, "\n")), 0o644); err != nil {
				t.Fatal(err)
			}
		}
		got, err := readResults(ctx, dir, -1)
		if err != nil {
			t.Fatal(err)
		}
		if !reflect.DeepEqual(sorted(got), tt.want) && !(len(got) == 0 && tt.want == nil) {
			t.Errorf("%s: read %v, want %v", tt.name, got, tt.want)
		}
	}
}
