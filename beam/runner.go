//go:build beam

// Package beam runs the jobs of an rdd.Context as Apache Beam pipelines,
// on Beam's local runner Prism or on a Flink, Spark or Google Cloud
// Dataflow cluster:
//
//	sc = sc.WithRunner(beam.Prism())                         // in a notebook
//	sc := rdd.NewContext(rdd.WithRunner(beam.New(opts)))     // in a program
//
// An action translates the lineage of its RDD into a pipeline: file and
// collection sources (ReadParquet with its options but PartitionFilter)
// read their partitions on the workers, narrow transformations (Pipe and
// WarcRecords too) become ParDos (fused with their source when they follow
// one), ReduceByKey, AggregateByKey, FoldByKey and CombineByKey combiners,
// GroupByKey a GroupByKey, joins, Cogroup, Distinct, Intersection and the
// subtractions a CoGroupByKey (a Hint changes nothing: Beam plans its own
// joins), Union a Flatten. SortBy and SortByKey run in
// the notebook when they end the job. Count, CountByValue, CountByKey,
// Sum, Stats, Max, Min, Top, TakeOrdered, Reduce, Fold and Aggregate
// reduce on the workers (with functions written in cells); the other
// actions bring the elements back. Results
// come back through files in Options.TempDir, which the workers and the
// notebook must both reach. Beam keeps no element order.
//
// User functions written in notebook cells travel as Go source that the
// workers (the gosparkling binary itself) interpret once each; the values
// they capture travel with them when they are plain data. A compiled
// program's functions run only on workers of its own process (Prism in
// loopback mode).
//
// The package is built with the "beam" build tag.
package beam

import (
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"log/slog"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	apache "github.com/apache/beam/sdks/v2/go/pkg/beam"
	beamlog "github.com/apache/beam/sdks/v2/go/pkg/beam/log"
	"github.com/apache/beam/sdks/v2/go/pkg/beam/options/jobopts"
	"github.com/apache/beam/sdks/v2/go/pkg/beam/runners/prism"
	"github.com/apache/beam/sdks/v2/go/pkg/beam/runners/universal"

	"github.com/gosparkling/gosparkling/internal/engine"
	"github.com/gosparkling/gosparkling/rdd"
)

// Options configure a Runner.
type Options struct {
	// Runner is the Beam runner: "prism" (the default), "flink" or
	// "spark" (their job servers, at Endpoint), "universal" (any job
	// server) or "dataflow".
	Runner string
	// Endpoint is the job server's address, such as "127.0.0.1:8099".
	// Empty with Prism starts Prism in this process.
	Endpoint string
	// Environment is Beam's environment_type: "LOOPBACK" (workers in
	// this process; the default for Prism), "DOCKER", "PROCESS" or
	// "EXTERNAL"; EnvironmentConfig its environment_config.
	Environment       string
	EnvironmentConfig string
	// TempDir is where workers leave results for the notebook: a local
	// directory (the default is one in os.TempDir()) or an s3:// prefix
	// that both reach.
	TempDir string
	// LogLevel is the level of what Beam and Prism log on the process's
	// standard error (in a kernel, the cell's output): "debug", "info",
	// "warn" (the default) or "error". The first Runner to run a job in
	// a process sets it.
	LogLevel string
	// Flags are other Beam pipeline flags by name, such as "project",
	// "region" and "staging_location" for Dataflow.
	Flags map[string]string
	// StrictShipping makes every function travel as source even to
	// workers in this process, as workers elsewhere need: a pipeline
	// that runs on Prism in loopback mode with it runs on a cluster.
	StrictShipping bool
}

// Runner runs the jobs of a Context on Beam; it implements rdd.Runner.
type Runner struct {
	opts Options
}

// New returns a Runner configured by opts.
func New(opts Options) *Runner {
	if opts.Runner == "" {
		opts.Runner = "prism"
	}
	opts.Runner = strings.ToLower(opts.Runner)
	opts.LogLevel = strings.ToLower(opts.LogLevel)
	if opts.LogLevel == "" {
		opts.LogLevel = "warn"
	}
	if opts.TempDir == "" {
		opts.TempDir = filepath.Join(os.TempDir(), "gosparkling-beam")
	}
	return &Runner{opts: opts}
}

// Prism returns a Runner on Beam's local runner, started in this process,
// with its workers in this process too.
func Prism() *Runner { return New(Options{}) }

// Name names the runner in messages: "beam (prism)".
func (r *Runner) Name() string { return "beam (" + r.opts.Runner + ")" }

// rdds is what runners do to RDDs: compute a partition on a worker, read
// the sources of a step's functions.
var rdds = engine.For[*rdd.RDD, rdd.Step, *rdd.Broadcast]()

// compile interprets a shipped function's program; SetCompiler sets it.
var compile atomic.Pointer[func(*engine.FuncProgram) (any, error)]

// SetCompiler sets how workers of this process turn shipped function
// source into functions: interp.CompileFunc in the gosparkling binary.
func SetCompiler(f func(*engine.FuncProgram) (any, error)) { compile.Store(&f) }

// IsWorker reports whether args (os.Args) start this process as a Beam
// worker: the binary's main then calls Main first.
func IsWorker(args []string) bool {
	for _, a := range args[1:] {
		if a == "--worker" || a == "-worker" || strings.HasPrefix(a, "--worker=") || strings.HasPrefix(a, "-worker=") {
			return a == "--worker" || a == "-worker" || strings.HasSuffix(a, "=true")
		}
	}
	return false
}

// Main runs this process as a Beam worker, as Beam's container boot
// program starts it (--worker --id=... --control_endpoint=...), and exits.
func Main() {
	flag.Parse()
	apache.Init()
	os.Exit(0)
}

var (
	initOnce sync.Once
	// execMu serializes pipeline runs: Beam's options are global flags.
	execMu sync.Mutex
	// prismEndpoint is the job server of the Prism started in this
	// process, once one is.
	prismEndpoint string
)

// environment returns the job server's endpoint and Beam's environment
// type for the next job: Prism without an endpoint is the one in this
// process, and its workers are this process unless Environment says
// otherwise.
func (r *Runner) environment() (endpoint, env string) {
	endpoint, env = r.opts.Endpoint, r.opts.Environment
	if r.opts.Runner == "prism" {
		if endpoint == "" {
			endpoint = prismEndpoint
		}
		if env == "" {
			env = "LOOPBACK"
		}
	}
	return endpoint, env
}

// harnessInProcess reports whether Beam's worker harness runs in this
// process (LOOPBACK).
func (r *Runner) harnessInProcess() bool {
	_, env := r.environment()
	return strings.EqualFold(env, "LOOPBACK")
}

// workersInProcess reports whether the workers are this process, which
// can run functions that have no source (unless StrictShipping).
func (r *Runner) workersInProcess() bool {
	return r.harnessInProcess() && !r.opts.StrictShipping
}

// drainTimeout is how long a job with a guard may take to stop its DoFns,
// once it failed or was interrupted, before Beam cancels it (a user
// function that does not return).
const drainTimeout = 5 * time.Second

// execute runs p with the runner's options and waits for it to end. With
// a guard (workers in this process), the job is not failed or cancelled
// on Beam: its DoFns stop and it ends as a job does (see jobGuard),
// unless that takes longer than drainTimeout; the guard's error, if any,
// is the job's.
func (r *Runner) execute(ctx context.Context, p *apache.Pipeline, guard *jobGuard) error {
	// Beam exits the process on a level it does not know.
	switch r.opts.LogLevel {
	case "debug", "info", "warn", "error":
	default:
		return fmt.Errorf(`beam: Options.LogLevel %q is not "debug", "info", "warn" or "error"`, r.opts.LogLevel)
	}
	initOnce.Do(func() {
		beamlog.LogLevel = r.opts.LogLevel
		apache.Init()
		// Init made Beam's logger the default; drop what Prism says of
		// every job's end that the notebook's user learns otherwise.
		verbose := r.opts.LogLevel == "debug" || r.opts.LogLevel == "info"
		slog.SetDefault(slog.New(quietHandler{slog.Default().Handler(), verbose}))
	})
	execMu.Lock()
	defer execMu.Unlock()
	endpoint, env := r.environment()
	if err := r.checkProcessCommand(env); err != nil {
		return err
	}
	*jobopts.Endpoint = endpoint
	*jobopts.EnvironmentType = env
	*jobopts.EnvironmentConfig = r.opts.EnvironmentConfig
	*jobopts.JobName = fmt.Sprintf("gosparkling-%d", time.Now().UnixNano())
	*jobopts.WorkerBinary = r.workerBinary(env)
	for name, value := range r.opts.Flags {
		if err := flag.Set(name, value); err != nil {
			return fmt.Errorf("beam flag %s=%s: %w", name, value, err)
		}
	}
	jobCtx := ctx
	if guard != nil {
		var cancel context.CancelFunc
		jobCtx, cancel = context.WithCancel(context.WithoutCancel(ctx))
		defer cancel()
		stopOnInterrupt := context.AfterFunc(ctx, func() { guard.fail(ctx.Err()) })
		defer stopOnInterrupt()
		boundDrain := context.AfterFunc(guard.ctx, func() { time.AfterFunc(drainTimeout, cancel) })
		defer boundDrain()
	}
	err := r.run(jobCtx, p, endpoint)
	var stopped error
	if guard != nil {
		stopped = guard.Err()
	}
	switch {
	case ctx.Err() != nil && stopped != nil && !errors.Is(stopped, ctx.Err()):
		return errors.Join(ctx.Err(), stopped) // failed, then interrupted as it drained
	case err != nil && ctx.Err() != nil:
		return errors.Join(ctx.Err(), err)
	case stopped != nil:
		return stopped
	}
	return shortJobError(err)
}

// run runs p on the runner at endpoint.
func (r *Runner) run(ctx context.Context, p *apache.Pipeline, endpoint string) error {
	var err error
	switch r.opts.Runner {
	case "prism":
		_, err = prism.Execute(ctx, p)
		if r.opts.Endpoint == "" && prismEndpoint == "" {
			prismEndpoint = *jobopts.Endpoint
		}
	case "flink", "spark", "universal", "portable":
		if endpoint == "" {
			return fmt.Errorf("the %s runner needs Options.Endpoint, its job server's address", r.opts.Runner)
		}
		_, err = universal.Execute(ctx, p)
	default:
		_, err = apache.Run(ctx, r.opts.Runner, p)
	}
	return err
}

// jobError is a failed job's error as the notebook shows it: what the
// user's code did wrong, without the plan of the failed bundle that Beam
// wraps it in.
type jobError struct {
	msg string
	err error // Beam's whole error
}

func (e *jobError) Error() string { return e.msg }
func (e *jobError) Unwrap() error { return e.err }

// dofnFailed ends the line of a Beam error that introduces the error a
// DoFn returned.
const dofnFailed = "] failed:\n"

// shortJobError keeps, of an error that wraps a DoFn's, only the DoFn's.
func shortJobError(err error) error {
	if err == nil {
		return nil
	}
	msg := err.Error()
	i := strings.LastIndex(msg, dofnFailed)
	if i < 0 {
		return err
	}
	return &jobError{msg: strings.TrimSpace(msg[i+len(dofnFailed):]), err: err}
}

// workerBinary returns the binary that the job stages for its workers:
// this very one, which can interpret the shipped functions. Workers in
// this process need none, nor do worker processes that run this binary
// as their command (it starts itself as the worker): Beam then stages an
// empty file instead of 200 MB for every job.
func (r *Runner) workerBinary(env string) string {
	if strings.EqualFold(env, "LOOPBACK") || runtime.GOOS != "linux" || runtime.GOARCH != "amd64" {
		return ""
	}
	exe, err := os.Executable()
	if err != nil {
		return ""
	}
	if strings.EqualFold(env, "PROCESS") && r.processCommandIs(exe) {
		if placeholder, err := emptyWorkerFile(); err == nil {
			return placeholder
		}
	}
	return exe
}

// processCommandIs reports whether the PROCESS environment's command is
// the file exe.
func (r *Runner) processCommandIs(exe string) bool {
	command, err := processCommand(r.opts.EnvironmentConfig)
	if err != nil {
		return false
	}
	if path, err := exec.LookPath(command); err == nil {
		command = path
	}
	a, errA := os.Stat(command)
	b, errB := os.Stat(exe)
	return errA == nil && errB == nil && os.SameFile(a, b)
}

// emptyWorkerFile returns the path of an empty file to stage as the
// worker binary, one for all the processes of the machine.
func emptyWorkerFile() (string, error) {
	path := filepath.Join(os.TempDir(), "gosparkling-beam-worker-is-the-command")
	f, err := os.OpenFile(path, os.O_RDONLY|os.O_CREATE, 0o644)
	if err != nil {
		return "", err
	}
	return path, f.Close()
}

// processCommand returns the command of a PROCESS environment's config.
func processCommand(config string) (string, error) {
	var payload struct {
		Command string `json:"command"`
	}
	if err := json.Unmarshal([]byte(config), &payload); err != nil || payload.Command == "" {
		return "", fmt.Errorf(`beam: the PROCESS environment needs EnvironmentConfig {"command": "/path/to/gosparkling"}, not %q`, config)
	}
	return payload.Command, nil
}

// checkProcessCommand fails a job on Prism in this process whose PROCESS
// environment names a command that cannot start: Prism would wait for
// its workers forever.
func (r *Runner) checkProcessCommand(env string) error {
	if r.opts.Runner != "prism" || r.opts.Endpoint != "" || !strings.EqualFold(env, "PROCESS") {
		return nil
	}
	command, err := processCommand(r.opts.EnvironmentConfig)
	if err != nil {
		return err
	}
	if _, err := exec.LookPath(command); err != nil {
		return fmt.Errorf("beam: the PROCESS environment's command: %w", err)
	}
	return nil
}

// quietHandler is a slog.Handler that drops what Prism logs as errors and
// warnings that tell a notebook's user nothing: that a job's worker
// processes were stopped and their data channels closed when it ended
// normally, and, unless verbose, the failure of a job, whose error the
// action returns.
type quietHandler struct {
	slog.Handler
	verbose bool
}

func (h quietHandler) Handle(ctx context.Context, rec slog.Record) error {
	if isJobEndNoise(rec) || !h.verbose && isJobFailureReport(rec) {
		return nil
	}
	return h.Handler.Handle(ctx, rec)
}

func (h quietHandler) WithAttrs(attrs []slog.Attr) slog.Handler {
	return quietHandler{h.Handler.WithAttrs(attrs), h.verbose}
}

func (h quietHandler) WithGroup(name string) slog.Handler {
	return quietHandler{h.Handler.WithGroup(name), h.verbose}
}

// isJobEndNoise reports whether rec says that a job's worker processes
// ended as they do when the job is done.
func isJobEndNoise(rec slog.Record) bool {
	switch {
	case rec.Message == "process failed while running":
		killed := false
		rec.Attrs(func(a slog.Attr) bool {
			killed = a.Key == "error" && a.Value.String() == "signal: killed"
			return !killed
		})
		return killed
	case strings.HasPrefix(rec.Message, "[SDK] forcing DataChannel[") && strings.HasSuffix(rec.Message, "due to EOF"):
		return true
	}
	return false
}

// jobFailureReports are the messages of Prism's reports of a failed job.
var jobFailureReports = map[string]bool{
	"Prism received bundle error from worker response": true,
	"stage.Execute aborting due to bundle error":       true,
	"Bundle Failed.": true,
	"job failed":     true,
}

// isJobFailureReport reports whether rec is Prism's or a worker's report
// of a failed bundle or job.
func isJobFailureReport(rec slog.Record) bool {
	msg := strings.TrimPrefix(rec.Message, "[SDK] ")
	return jobFailureReports[msg] || strings.HasPrefix(msg, "process bundle failed") ||
		strings.HasPrefix(msg, "bundle ") && strings.Contains(msg, " failed:")
}
