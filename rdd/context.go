package rdd

import (
	"context"
	"fmt"
	"github.com/gosparkling/gosparkling/fileio"
	"os"
	"reflect"
	"runtime"
	"sync"
	"sync/atomic"
	"time"
)

// Context is the entry point of the engine, like Spark's SparkContext: it
// creates RDDs from data and files and runs their jobs on a pool of
// goroutines. A Context is safe for use by several goroutines.
//
// WithJobContext returns views of a Context: they share its state (file
// systems, caches, memory budgets, counters) and differ only in the
// context their RDDs' jobs stop with.
type Context struct {
	*contextState
	parallelism int
	// jobCtx, when set, stops the jobs of the RDDs made from this view
	// (WithJobContext), besides the Context-wide job context.
	jobCtx context.Context
}

// contextState is what a Context and its views (WithJobContext) share.
type contextState struct {
	nextRDDID  atomic.Int64
	jobContext atomic.Pointer[context.Context]
	callSite   atomic.Pointer[func() string]
	nextJobID  atomic.Int64
	activeJobs atomic.Int64
	progress   func(StageProgress)
	spillDir   string // for DiskOnly and spilled MemoryAndDisk partitions and shuffle runs; made on first use
	fs         fileio.FileSystems
	// cacheMemory is the budget, in estimated bytes, of partitions
	// persisted in memory; cacheUsed is what they take now.
	cacheMemory int64
	cacheUsed   atomic.Int64
	// shuffleMemory is the budget, in estimated bytes, of the combining
	// shuffles' tables and outputs (WithShuffleMemory); shuffleUsed is
	// what they take now.
	shuffleMemory int64
	shuffleUsed   atomic.Int64
	// autoBroadcast is the size up to which a join broadcasts a side
	// known from a previous action (WithAutoBroadcastJoinThreshold).
	autoBroadcast int64
	// maxResultSize bounds what an action brings back (WithMaxResultSize).
	maxResultSize atomic.Int64

	// runner, when set, runs the jobs on another engine (WithRunner);
	// local is the runner-less twin made from opts (Local).
	runner Runner
	opts   []Option
	// sqlEngine runs SQL and CreateOrReplaceTempView (WithSQL).
	sqlEngine SQLEngine
	local     *Context

	mu      sync.Mutex
	stopped bool
	// shuffles are the shuffles holding outputs and the running jobs, for
	// releasing the outputs no live RDD needs (release.go).
	shuffles shuffleRegistry
}

// Option configures a Context made by NewContext.
type Option func(*Context)

// WithParallelism sets how many partitions run at once and the default
// partition count of Parallelize and shuffles (DefaultParallelism).
func WithParallelism(n int) Option {
	return func(c *Context) {
		if n < 1 {
			panic(fmt.Sprintf("rdd.WithParallelism: parallelism must be at least 1, got %d", n))
		}
		c.parallelism = n
	}
}

// WithCallSite sets the function that names where an RDD is being made, as
// ToDebugString shows it ("In [7]" in a notebook). By default it is the
// file and line of the caller of the rdd method.
func WithCallSite(f func() string) Option {
	return func(c *Context) { c.callSite.Store(&f) }
}

// StageProgress reports on a stage of a running job: when it starts, after
// each task and when it ends. A notebook shows it as a progress bar.
//
// While the stage runs it is also reported about every
// ProgressInterval, so that its running tasks and the records and bytes
// they read can be watched before a task ends.
type StageProgress struct {
	JobID     int       // the job, unique within the Context
	Stage     string    // the action ("Count") or shuffle ("ReduceByKey (shuffle write)")
	RDD       string    // the RDD whose partitions the stage computes
	Done      int       // tasks finished
	Running   int       // tasks running
	Total     int       // tasks in the stage
	Records   int64     // about the records its tasks' sources have read (elements, lines, files, shuffled records...): the times they checked for cancellation, once per record and a few more
	Bytes     int64     // bytes its tasks have read: text files' lines, WARC and Parquet files' bytes as stored, their shuffle data (spilled exactly, in memory as estimated); 0 when it reads none
	Started   time.Time // when the stage started
	Ended     time.Time // when the stage ended; zero while it runs
	Finished  bool      // the stage has ended
	Failed    bool      // it ended early: a task failed or the job was cancelled
	Cancelled bool      // it ended early because the job was cancelled (interrupted), not because a task failed
}

// ProgressInterval is how often a running stage is reported to the func
// given to WithProgress between the reports of its tasks' ends.
const ProgressInterval = 250 * time.Millisecond

// WithProgress makes the Context report every stage's progress to f. f
// runs on worker goroutines, concurrently: it must be quick and safe for
// concurrent use.
func WithProgress(f func(StageProgress)) Option {
	return func(c *Context) { c.progress = f }
}

// WithFileSystems sets the file systems the Context reads and writes
// through, by URL scheme (fileio.Default() unless set): an S3 file system
// with its own endpoint or credentials, for example.
func WithFileSystems(fs fileio.FileSystems) Option {
	return func(c *Context) { c.fs = fs }
}

// WithCacheMemory sets how many bytes (estimated) the partitions that
// persisted RDDs keep in memory may take; MemoryAndDisk partitions beyond
// it are written to disk. By default it is half of the Go memory limit
// (GOMEMLIMIT) when one is set, else DefaultCacheMemory.
func WithCacheMemory(bytes int64) Option {
	return func(c *Context) {
		if bytes < 0 {
			panic(fmt.Sprintf("rdd.WithCacheMemory: the budget must be at least 0 bytes, got %d", bytes))
		}
		c.cacheMemory = bytes
	}
}

// NewContext returns a Context configured by opts.
func NewContext(opts ...Option) *Context {
	c := &Context{parallelism: runtime.GOMAXPROCS(0), contextState: &contextState{fs: fileio.Default(),
		cacheMemory: defaultCacheMemory(), shuffleMemory: defaultShuffleMemory(), autoBroadcast: DefaultAutoBroadcastJoinThreshold, opts: opts}}
	c.maxResultSize.Store(DefaultMaxResultSize)
	for _, o := range opts {
		o(c)
	}
	// Spill directories of processes that were killed are removed here,
	// as well as when this Context first spills, and so are the staging
	// directories of their local saves.
	removeOrphanSpillDirs(os.TempDir())
	fileio.RemoveOrphanStagingDirs()
	return c
}

// DefaultParallelism is the number of partitions run at once, and the
// default partition count of Parallelize: runtime.GOMAXPROCS(0) unless set
// with WithParallelism.
func (c *Context) DefaultParallelism() int { return c.parallelism }

// SetJobContext makes every job started from now on stop when ctx is done;
// the action then panics with a *JobError whose cause is ctx.Err(). A
// notebook kernel sets the running cell's context here so that an
// interrupt stops its jobs. A nil ctx restores context.Background(). The
// setting is the Context's: called on a view (WithJobContext), it applies
// to the Context and all its views.
func (c *Context) SetJobContext(ctx context.Context) {
	if ctx == nil {
		c.jobContext.Store(nil)
		return
	}
	c.jobContext.Store(&ctx)
}

// WithJobContext returns a view of c whose RDDs' jobs stop when ctx is
// done, as a program serving requests needs: the action then fails with a
// *JobError whose cause is ctx.Err(). The view shares everything else with
// c (parallelism, file systems, caches, memory budgets, runner, job
// counters); Stop on it stops c. RDDs made from the view, and those
// derived from them, run their jobs under ctx and under c's job context
// (SetJobContext) both: a job stops when either is done. An RDD made from
// RDDs of several views (Union, Join) runs under the view of the RDD it
// was called on. WithJobContext on a view replaces the view's ctx, as
// net/http's Request.WithContext does; a nil ctx panics.
//
//	job := sc.WithJobContext(r.Context())
//	n, err := rdd.Catch(job.TextFile(path).Count)
func (c *Context) WithJobContext(ctx context.Context) *Context {
	if ctx == nil {
		panic("rdd.WithJobContext: nil context")
	}
	return &Context{contextState: c.contextState, parallelism: c.parallelism, jobCtx: ctx}
}

// currentJobContext returns the context a job started now stops with,
// and what releases it when the job has ended: the Context-wide one, the
// view's, or one done when either is.
func (c *Context) currentJobContext() (context.Context, context.CancelFunc) {
	shared := context.Background()
	if p := c.jobContext.Load(); p != nil {
		shared = *p
	}
	switch {
	case c.jobCtx == nil:
		return shared, func() {}
	case shared.Done() == nil:
		return c.jobCtx, func() {}
	}
	return eitherContext(c.jobCtx, shared)
}

// either is done when a or b is; its values are a's, its deadline the
// earlier of theirs, its Err the first done of a and b's.
type either struct {
	context.Context
	a, b context.Context
}

func (e either) Deadline() (time.Time, bool) {
	da, okA := e.a.Deadline()
	db, okB := e.b.Deadline()
	if !okA || (okB && db.Before(da)) {
		return db, okB
	}
	return da, true
}

func (e either) Err() error {
	if e.Context.Err() == nil {
		return nil
	}
	if err := e.a.Err(); err != nil {
		return err
	}
	return e.b.Err()
}

// eitherContext returns a context done when a or b is, and what releases
// it.
func eitherContext(a, b context.Context) (context.Context, context.CancelFunc) {
	ctx, cancel := context.WithCancel(a)
	stop := context.AfterFunc(b, cancel)
	return either{ctx, a, b}, func() { stop(); cancel() }
}

// ActiveJobs returns the number of jobs running now. After cancelling the
// job context, a caller can wait for it to drop to zero.
func (c *Context) ActiveJobs() int { return int(c.activeJobs.Load()) }

// Stop releases the Context's resources, removing the files of DiskOnly
// and spilled MemoryAndDisk partitions and of spilled shuffles. RDDs of a
// stopped Context, and of its views (WithJobContext), cannot run jobs.
func (c *Context) Stop() {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.stopped = true
	if c.spillDir != "" {
		os.RemoveAll(c.spillDir)
		c.spillDir = ""
	}
}

func (c *Context) isStopped() bool {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.stopped
}

// Parallelize distributes the elements of data, any slice or array, into
// numSlices partitions (DefaultParallelism by default), slicing
// contiguously as Spark does: slice i is data[i*n/k : (i+1)*n/k]. The
// elements are copied, so later changes to data do not show.
func (c *Context) Parallelize(data any, numSlices ...int) *RDD {
	elems := toAnySlice("Parallelize", data)
	k := c.parallelism
	if len(numSlices) > 0 {
		k = numSlices[0]
	}
	if k < 1 {
		panic(fmt.Sprintf("rdd.Parallelize: numSlices must be at least 1, got %d", k))
	}
	n := len(elems)
	r := c.newRDD("ParallelCollectionRDD", "parallelize", nil)
	r.partitions = fixedPartitions(k)
	r.compute = func(t *task, p int, emit func(any) bool) {
		lo, hi := p*n/k, (p+1)*n/k
		for _, x := range elems[lo:hi] {
			if t.stopped() || !emit(x) {
				return
			}
		}
	}
	r.sizes = func() ([]float64, bool, error) {
		w := make([]float64, k)
		for p := range w {
			w[p] = float64((p+1)*n/k - p*n/k)
		}
		return w, true, nil
	}
	return record(r, "Parallelize", nil, elems, numSlices).withOptions(StepOptions{}.partitionsAt(1, numSlices))
}

// EmptyRDD returns an RDD with no partitions and no elements.
func (c *Context) EmptyRDD() *RDD {
	r := c.newRDD("EmptyRDD", "emptyRDD", nil)
	r.partitions = fixedPartitions(0)
	r.compute = func(*task, int, func(any) bool) {}
	return record(r, "EmptyRDD", nil)
}

// toAnySlice copies a slice or array of any element type into []any.
func toAnySlice(method string, data any) []any {
	switch d := data.(type) {
	case []any:
		return append([]any(nil), d...)
	case []string:
		out := make([]any, len(d))
		for i, s := range d {
			out[i] = s
		}
		return out
	case []int:
		out := make([]any, len(d))
		for i, x := range d {
			out[i] = x
		}
		return out
	}
	v := reflect.ValueOf(data)
	if data == nil || (v.Kind() != reflect.Slice && v.Kind() != reflect.Array) {
		panic(fmt.Sprintf("rdd.%s: expected a slice or array, got %s", method, typeName(data)))
	}
	out := make([]any, v.Len())
	for i := range out {
		out[i] = v.Index(i).Interface()
	}
	return out
}

// Union returns the elements of all the RDDs, in order; the partitions
// are concatenated, as in Spark.
func (c *Context) Union(rdds ...*RDD) *RDD {
	deps := make([]dependency, len(rdds))
	for i, r := range rdds {
		if r == nil {
			panic(fmt.Sprintf("rdd.Union: RDD %d is nil", i))
		}
		deps[i] = dependency{rdd: r}
	}
	out := c.newRDD("UnionRDD", "Union", deps)
	// locate maps partition p to its parent and the parent's partition.
	locate := func(p int) (*RDD, int) {
		for _, r := range rdds {
			n, _ := r.numPartitions()
			if p < n {
				return r, p
			}
			p -= n
		}
		return nil, 0
	}
	out.partitions = func() (int, error) {
		total := 0
		for _, r := range rdds {
			n, err := r.numPartitions()
			if err != nil {
				return 0, err
			}
			total += n
		}
		return total, nil
	}
	out.compute = func(t *task, p int, emit func(any) bool) {
		if r, q := locate(p); r != nil {
			r.iterate(t, q, emit)
		}
	}
	out.sizes = func() ([]float64, bool, error) {
		var all []float64
		exact := true
		for _, r := range rdds {
			w, e, err := r.partitionSizes()
			if err != nil {
				return nil, false, err
			}
			all, exact = append(all, w...), exact && e
		}
		return all, exact, nil
	}
	return record(out, "Union", rdds, rdds)
}
