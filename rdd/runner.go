package rdd

import (
	"context"
	"errors"
	"fmt"

	"github.com/gosparkling/gosparkling/internal/engine"
)

// Runner runs the jobs of a Context on another engine, such as an Apache
// Beam pipeline on a cluster, instead of this process's goroutines. A
// Runner reads an RDD's lineage through Step and translates it. Actions on
// RDDs of a Context made WithRunner call the Runner for the elements and
// finish in this process: Count and SaveAsTextFile run entirely on the
// engine; CountByValue, CountByKey, Sum, Stats (and Mean, Variance...),
// Max, Min, Top, TakeOrdered, Reduce, Fold and Aggregate (and their Tree
// forms) reduce there to what they return, when their functions have
// sources (which the notebook's interpreter records);
// Take(n) brings back at most n elements; every other action brings back
// all the elements of the RDD it is called on.
type Runner interface {
	// Name names the engine in messages, such as "beam (prism)".
	Name() string
	// Run computes r's elements. When limit >= 0 it may stop after
	// limit of them: any limit, not necessarily the first.
	Run(ctx context.Context, r *RDD, limit int) ([]any, error)
	// Count returns the number of r's elements.
	Count(ctx context.Context, r *RDD) (int64, error)
	// SaveAsTextFile writes r's elements as text lines under path, as
	// RDD.SaveAsTextFile does.
	SaveAsTextFile(ctx context.Context, r *RDD, path, codec string) error
}

// WithRunner makes the Context run its jobs with runner. A nil runner
// runs them in this process, as by default.
func WithRunner(runner Runner) Option {
	return func(c *Context) { c.runner = runner }
}

// WithRunner returns a new Context with c's options that runs its jobs
// with runner (in this process when runner is nil). In a notebook,
//
//	sc = sc.WithRunner(beam.Prism())
//
// switches the session's sc to Beam, keeping its lineage names and
// progress bars. The new Context keeps the job context of c when c is a
// view (WithJobContext).
func (c *Context) WithRunner(runner Runner) *Context {
	n := NewContext(append(append([]Option(nil), c.opts...), WithRunner(runner))...)
	if c.jobCtx != nil {
		n = n.WithJobContext(c.jobCtx)
	}
	return n
}

// Runner returns the Runner the Context's jobs run with, or nil when they
// run in this process.
func (c *Context) Runner() Runner { return c.runner }

// Local returns a Context of this process with c's options but no Runner:
// c itself when c has none. A Runner finishes its work on it, and actions
// run there on the elements the Runner brought back. For a view
// (WithJobContext), it is a view with the same job context.
func (c *Context) Local() *Context {
	if c.runner == nil {
		return c
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.local == nil {
		c.local = NewContext(append(append([]Option(nil), c.opts...), WithRunner(nil))...)
	}
	// Actions finished on the twin keep the bound set on c since.
	c.local.maxResultSize.Store(c.maxResultSize.Load())
	if c.jobCtx != nil {
		return c.local.WithJobContext(c.jobCtx)
	}
	return c.local
}

// Step tells how an RDD was made, for Runners that translate lineages.
//
// Lineage description, for Runners and interpreters: notebook cells do
// not see it (it is left out of their symbol tables and completion).
type Step struct {
	// Method is the method that made the RDD, such as "TextFile", "Map"
	// or "ReduceByKey".
	Method string
	// Kind is what the method does to the lineage (MethodOf(Method).Kind).
	Kind StepKind
	// Parents are the RDDs it derives from: the receiver first, then any
	// RDD arguments (Join's other, Union's RDDs).
	Parents []*RDD
	// Args are the method's arguments in order, as given, with a variadic
	// parameter as its slice. User functions are among them.
	Args []any
	// Action, when set, is the action the step computes on a Runner's
	// engine, which made it (a Reduce as a ReduceByKey): the engine's
	// messages name it rather than Method.
	Action string
	// Options are the arguments Runners read, by name, as the method was
	// given them; the zero value for a method without them.
	Options StepOptions

	// sources are the Go sources of the user functions among Args, in
	// order, when an interpreter recorded them (setFuncSources); nil
	// otherwise. Runners in this module read them through
	// internal/engine.
	sources []funcSource
}

// StepOptions are the arguments of a recorded step that Runners read by
// name rather than by their position among Step.Args.
//
// Lineage description, for Runners and interpreters: notebook cells do
// not see it (it is left out of their symbol tables and completion).
type StepOptions struct {
	// Paths are the paths a file source reads (TextFile, ReadParquet...).
	Paths string
	// NumPartitions is the partition count as given (Parallelize's
	// numSlices, a source's minPartitions, a shuffle's numPartitions):
	// empty when the method chose it.
	NumPartitions []int
	// Ascending is the order of a sort (SortBy, SortByKey,
	// RepartitionAndSortWithinPartitions).
	Ascending bool
	// Shuffle says that the elements move between partitions round-robin
	// (Repartition, Coalesce with shuffle), not by key.
	Shuffle bool
	// Zero is the zero value of a combiner of form CombineZero (FoldByKey,
	// AggregateByKey).
	Zero any
	// Parquet are ReadParquet's options.
	Parquet []ParquetOption
	// Root are WarcRecords' roots of relative paths.
	Root []string

	// partitionsArg is 1 + the position of NumPartitions among the
	// step's Args; 0 when it is not one of them.
	partitionsArg int
}

// WithNumPartitions returns s with NumPartitions n, in its Args too, so
// that redoing the method with them makes n partitions. A step whose
// method takes no partition count is returned as it is.
//
// Lineage description, for Runners and interpreters: notebook cells do
// not see it (it is left out of their symbol tables and completion).
func (s Step) WithNumPartitions(n int) Step {
	i := s.Options.partitionsArg - 1
	if i < 0 || i >= len(s.Args) {
		return s
	}
	s.Args = append([]any(nil), s.Args...)
	s.Args[i] = []int{n}
	s.Options.NumPartitions = []int{n}
	return s
}

// Step returns how r was made. An RDD made inside the package, not by a
// method a user calls, has only its Method.
//
// Lineage description, for Runners and interpreters (rdd.KindEngine):
// completion leaves it out.
func (r *RDD) Step() Step {
	if r.step == nil {
		return Step{Method: r.method, Kind: methods[r.method].Kind}
	}
	return *r.step
}

// record notes how out was made, for Step, and returns out.
func record(out *RDD, method string, parents []*RDD, args ...any) *RDD {
	out.step = &Step{Method: method, Kind: methods[method].Kind, Parents: parents, Args: args}
	return out
}

// withOptions sets the options of r's recorded step and returns r.
func (r *RDD) withOptions(o StepOptions) *RDD {
	r.step.Options = o
	return r
}

// partitionsAt returns o with NumPartitions n, the step's argument at
// position i.
func (o StepOptions) partitionsAt(i int, n []int) StepOptions {
	o.NumPartitions, o.partitionsArg = n, i+1
	return o
}

// funcSource, funcProgram and funcTier are internal/engine's types, which
// interpreters and Runners of this module hand package rdd.
type (
	funcSource  = engine.FuncSource
	funcProgram = engine.FuncProgram
)

// setFuncSources records the sources of the user functions that the method
// making r was given, in argument order, for Runners. Interpreters call it
// right after the method returns. It returns r.
func (r *RDD) setFuncSources(srcs ...funcSource) *RDD {
	if r.step != nil {
		r.step.sources = srcs
	}
	return r
}

// runPartition computes partition p of r in this process, calling emit for
// each element until emit returns false. Runners call it on their workers
// to read a source or run a chain of narrow transformations. It returns
// the job's error instead of panicking.
func (r *RDD) runPartition(ctx context.Context, p int, emit func(any) bool) error {
	n, err := r.numPartitions()
	if err != nil {
		return err
	}
	if p < 0 || p >= n {
		return fmt.Errorf("rdd: RunPartition: partition %d of %d", p, n)
	}
	return Try(func() {
		r.sc.runJobWith(ctx, r, "RunPartition", []int{p}, func(t *task, p int) {
			r.iterate(t, p, emit)
		})
	})
}

// onRunner returns, when r's Context has a Runner, an RDD of the local
// Context holding r's elements as the Runner computed them (at most limit
// when limit >= 0); nil when r runs in this process.
func (r *RDD) onRunner(action string, limit int) *RDD {
	runner := r.sc.runner
	if runner == nil {
		return nil
	}
	var elems []any
	r.sc.onEngine(r, action, func(ctx context.Context) (err error) {
		elems, err = runner.Run(ctx, r, limit)
		return err
	})
	return r.sc.Local().Parallelize(elems)
}

// onEngine runs do, a job on the Runner's engine for action, counting it
// among the active jobs and turning its error into the action's panic.
func (c *Context) onEngine(r *RDD, action string, do func(ctx context.Context) error) {
	if c.isStopped() {
		panic(&JobError{Message: "the Context was stopped", Partition: -1, Lineage: r.ToDebugString(),
			Cause: errors.New("context stopped")})
	}
	c.activeJobs.Add(1)
	defer c.activeJobs.Add(-1)
	ctx, release := c.currentJobContext()
	defer release()
	if err := do(ctx); err != nil {
		if ctx.Err() != nil && !errors.Is(err, ctx.Err()) {
			err = fmt.Errorf("%w: %v", ctx.Err(), err)
		}
		var je *JobError
		if errors.As(err, &je) {
			panic(je)
		}
		panic(&JobError{Message: fmt.Sprintf("rdd.%s on %s: %v", action, c.runner.Name(), err),
			Partition: -1, Lineage: r.ToDebugString(), Cause: err})
	}
}
