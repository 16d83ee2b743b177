// Package engine is the plumbing between package rdd and the code of this
// module that drives it from outside: the interpreter of notebook cells
// (package interp: shipping functions, tiered execution, its workers) and
// the Runners of other engines (package beam). Programs using rdd never
// need it, so it is not part of rdd's API, and notebook cells cannot import
// it.
//
// It holds the types that travel between them (FuncProgram, FuncSource,
// FuncTier) and function variables that package rdd sets when it is
// initialized, as Go's internal/poll or net/http's test hooks are set: the
// adapters that call a user's function of any type the way rdd does
// (UnaryFunc...), its panic and error conventions (GuardPanic,
// RecoveredError), and, through RDDs, what a runner does to an RDD
// (RunPartition, SetFuncSources, SetFuncTier...). Any package that imports
// rdd may use them: rdd is initialized before it.
package engine

import "context"

// FuncSource gives the Go source of a user function, so that a Runner can
// send the function to workers in other processes. Interpreters, which
// have the source, provide it (see RDDs.SetFuncSources).
type FuncSource interface {
	// Program returns the function as a program a worker can interpret,
	// with the values of the variables it captures as they are now. It
	// fails, naming the variable, when a captured value is not plain data
	// that can be written as Go source.
	Program() (*FuncProgram, error)
}

// FuncProgram is a user function as Go source that a worker interprets:
// the imports, then the declarations in order (functions, types, constants
// and variables holding the captured values), then the function
// expression.
type FuncProgram struct {
	Imports []string // import paths
	Decls   []string // top-level declarations, each a complete one
	Expr    string   // an expression of the function: a literal or a name
	Origin  string   // where the function was written, for messages
	// Builtin, when set, names instead a function of package rdd that
	// every worker has compiled in (see BuiltinFunc), made with the
	// parameters Ints and, when Expr is set, the function that Imports,
	// Decls and Expr are the program of.
	Builtin string
	Ints    []int
}

// FuncTier offers a compiled form of the user function that the method
// making an RDD was given (see RDDs.SetFuncTier).
type FuncTier interface {
	// Bind is called, on the goroutine submitting it, when a job that
	// computes the RDD starts. It may wait, until ctx is done, for the
	// compiled form. It returns current, which returns the compiled
	// function, made with the captured values as they were when Bind was
	// called, or nil while there is none; and ready, closed when current
	// may have one (nil when it never will).
	Bind(ctx context.Context) (current func() any, ready <-chan struct{})
}

// The adapters and conventions of package rdd, which it sets when it is
// initialized.
var (
	// UnaryFunc adapts a user function of one parameter, as Map takes
	// it, to func(any) any, with the conversions and messages of method.
	// Runners use it to call user functions on their workers.
	UnaryFunc func(method string, f any) func(any) any
	// BinaryFunc adapts a user function of two parameters, as
	// ReduceByKey takes it, to func(any, any) any.
	BinaryFunc func(method string, f any) func(any, any) any
	// PredicateFunc adapts a user function returning bool, as Filter
	// takes it.
	PredicateFunc func(method string, f any) func(any) bool
	// FlatFunc adapts a user function returning a slice, as FlatMap
	// takes it, to one that calls emit for each element of the result,
	// stopping and returning false when emit does.
	FlatFunc func(method string, f any) func(x any, emit func(any) bool) bool
	// CloneValue returns a deep copy of slices, maps and structs in v, as
	// AggregateByKey copies its zero value for each key.
	CloneValue func(v any) any
	// GuardPanic re-panics r, a value recovered from a call of a user's
	// function passed to method on the elements args, as rdd's guard of
	// interpreted functions does: as a *rdd.UserPanicError naming method
	// and the elements, unless r is already one of the engine's failures.
	// An interpreter that hands rdd its own wrapper of an interpreted
	// function calls it, so that a panic reads the same either way.
	GuardPanic func(method string, r any, args ...any)
	// RecoveredError returns the error that a value recovered from a
	// panic in a user function stands for, as a job reports it: rdd's own
	// failures (an element that does not fit the function's parameter)
	// as they are, anything else as "user function panicked: <value>".
	// A Runner's workers call it.
	RecoveredError func(r any) error
	// BuiltinFunc returns the function of package rdd that p, a Builtin
	// program, names, for workers; method is the action it serves (the
	// Step's Action), which its errors name, and resolve turns the
	// program of its function parameter, when it has one, into the
	// function.
	BuiltinFunc func(p *FuncProgram, method string, resolve func(*FuncProgram) (any, error)) (any, error)
)

// RDDs is what runners do to package rdd's RDDs and Steps. RDD is
// *rdd.RDD, Step rdd.Step and Broadcast *rdd.Broadcast: this package
// cannot name them, since rdd imports it. Package rdd sets it (SetRDDs)
// when it is initialized; For returns it.
type RDDs[RDD, Step, Broadcast any] struct {
	// RunPartition computes partition p of r in this process, calling
	// emit for each element until emit returns false. Runners call it on
	// their workers to read a source or run a chain of narrow
	// transformations. It returns the job's error instead of panicking.
	RunPartition func(r RDD, ctx context.Context, p int, emit func(any) bool) error
	// SetFuncSources records the sources of the user functions that the
	// method making r was given, in argument order, for Runners (see
	// Sources). Interpreters call it right after the method returns. It
	// returns r.
	SetFuncSources func(r RDD, srcs ...FuncSource) RDD
	// Sources returns the sources SetFuncSources recorded on the RDD
	// whose step s is: nil when none were.
	Sources func(s Step) []FuncSource
	// WithActionSources returns an RDD of r's elements, with r's
	// lineage, whose first action is given functions of the sources
	// srcs, in argument order, as SetFuncSources tells those of
	// transformations. Interpreters call the action on it,
	// WithActionSources(r, srcs...).Reduce(f), so that on a Runner
	// Reduce, Fold, Aggregate, Top, TakeOrdered, Max, Min and their Tree
	// forms run on the engine.
	WithActionSources func(r RDD, srcs ...FuncSource) RDD
	// SetFuncTier makes r's tasks run the compiled form of r's function
	// that tier offers, once it is ready. Interpreters call it right
	// after the method making r returns, before r has children. It
	// reports false, and does nothing, when r's method cannot switch
	// (only Map, FlatMap, Filter, MapValues, FlatMapValues, KeyBy,
	// MapPartitions and MapPartitionsWithIndex can) or r already has a
	// tier.
	SetFuncTier func(r RDD, tier FuncTier) bool
	// TieredRuns returns how many times r's tasks started computing a
	// partition with the compiled form of its function, and with the
	// function it was given, since it got its FuncTier.
	TieredRuns func(r RDD) (compiled, interpreted int64)
	// BroadcastOf returns a Broadcast of value with the given id: a
	// Runner's worker remakes a broadcast that a shipped function
	// captured (the function's Go source calls rdd.BroadcastOf, which the
	// worker's interpreter is given).
	BroadcastOf func(id int, value any) Broadcast
	// ReleaseShufflesExcept drops the map outputs (shuffle memory and
	// spill files) of every shuffle of sc, an *rdd.Context or a view of
	// one, that is in the lineage of none of live, of no job running now
	// and of no RDD made an SQL view (rdd.RDD.CreateOrReplaceTempView)
	// that is still there, as Spark's ContextCleaner does once a
	// shuffle's RDD is garbage.
	// A driver whose RDDs stay reachable after it is done with them (an
	// interpreter's frame keeps a cell's temporaries) calls it with those
	// it still has. A shuffle being computed is left alone; persisted
	// RDDs keep their partitions. A later job that needs a released
	// shuffle computes it again, with the same results. It panics when sc
	// is not an *rdd.Context.
	ReleaseShufflesExcept func(sc any, live []RDD) ReleasedShuffles
}

// ReleasedShuffles says what RDDs.ReleaseShufflesExcept gave back.
type ReleasedShuffles struct {
	Shuffles int   // shuffles whose outputs were dropped
	Bytes    int64 // the shuffle memory they held, as the Context counts it
	Files    int   // spill files removed
}

// rdds is the RDDs package rdd set.
var rdds any

// SetRDDs is called by package rdd, once, when it is initialized.
func SetRDDs[RDD, Step, Broadcast any](r *RDDs[RDD, Step, Broadcast]) { rdds = r }

// For returns the RDDs package rdd set: call it as
// engine.For[*rdd.RDD, rdd.Step, *rdd.Broadcast](). It panics when rdd is
// not linked or the types are others.
func For[RDD, Step, Broadcast any]() *RDDs[RDD, Step, Broadcast] {
	r, ok := rdds.(*RDDs[RDD, Step, Broadcast])
	if !ok {
		panic("engine: package rdd has not set its RDDs of these types")
	}
	return r
}
