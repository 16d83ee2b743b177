//go:build beam

// Package beam runs the jobs of an rdd.Context as Apache Beam pipelines,
// on Beam's local runner Prism or on a Flink, Spark or Google Cloud
// Dataflow cluster:
//
//	sc = sc.WithRunner(beam.Prism())                         // in a notebook
//	sc := rdd.NewContext(rdd.WithRunner(beam.New(opts)))     // in a program
//
// An action translates the lineage of its RDD into a pipeline: file and
// collection sources read their partitions on the workers, narrow
// transformations become ParDos (fused with their source when they follow
// one), ReduceByKey, AggregateByKey, FoldByKey and CombineByKey combiners,
// GroupByKey a GroupByKey, joins, Cogroup, Distinct, Intersection and the
// subtractions a CoGroupByKey, Union a Flatten. SortBy and SortByKey run in
// the notebook when they end the job. Results come back through files in
// Options.TempDir, which the workers and the notebook must both reach.
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
	"errors"
	"flag"
	"fmt"
	"os"
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

// compile interprets a shipped function's program; SetCompiler sets it.
var compile atomic.Pointer[func(*rdd.FuncProgram) (any, error)]

// SetCompiler sets how workers of this process turn shipped function
// source into functions: interp.CompileFunc in the gosparkling binary.
func SetCompiler(f func(*rdd.FuncProgram) (any, error)) { compile.Store(&f) }

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

// execute runs p with the runner's options and waits for it to end.
func (r *Runner) execute(ctx context.Context, p *apache.Pipeline) error {
	initOnce.Do(func() {
		beamlog.LogLevel = r.opts.LogLevel
		apache.Init()
	})
	execMu.Lock()
	defer execMu.Unlock()
	endpoint, env := r.opts.Endpoint, r.opts.Environment
	if r.opts.Runner == "prism" {
		if endpoint == "" {
			endpoint = prismEndpoint
		}
		if env == "" {
			env = "LOOPBACK"
		}
	}
	*jobopts.Endpoint = endpoint
	*jobopts.EnvironmentType = env
	*jobopts.EnvironmentConfig = r.opts.EnvironmentConfig
	*jobopts.JobName = fmt.Sprintf("gosparkling-%d", time.Now().UnixNano())
	*jobopts.WorkerBinary = ""
	if !strings.EqualFold(env, "LOOPBACK") && runtime.GOOS == "linux" && runtime.GOARCH == "amd64" {
		// The workers run this very binary, which can interpret the
		// shipped functions.
		if exe, err := os.Executable(); err == nil {
			*jobopts.WorkerBinary = exe
		}
	}
	for name, value := range r.opts.Flags {
		if err := flag.Set(name, value); err != nil {
			return fmt.Errorf("beam flag %s=%s: %w", name, value, err)
		}
	}
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
	if err != nil && ctx.Err() != nil {
		return errors.Join(ctx.Err(), err)
	}
	return err
}
