package rdd

import (
	"fmt"
	"path/filepath"
	"runtime"
	"strings"
	"sync"
	"sync/atomic"
)

// RDD is a Resilient Distributed Dataset: an immutable, partitioned
// collection of elements, described by its lineage (the RDDs it derives
// from and how) and computed only when an action needs it.
// Transformations return new RDDs; actions run a job and return values.
type RDD struct {
	sc       *Context
	id       int
	name     string
	kind     string // Spark-style class name shown by ToDebugString
	method   string // the method that made it
	callSite string // where it was made
	deps     []dependency
	step     *Step // how a user method made it, for Runners

	// partitions returns the partition count, listing files if need be.
	// Call numPartitions, which memoizes it.
	partitions func() (int, error)
	// compute pushes the elements of partition p to emit, stopping when
	// emit returns false or the task is stopped.
	compute func(t *task, p int, emit func(any) bool)
	// strs, int64s and pairs, when set, push the same elements as compute
	// unboxed, when all are strings, int64s or Pairs (see typed.go). Read
	// them with typedOf, which serves a persisted RDD from its cache.
	strs   source[string]
	int64s source[int64]
	pairs  source[Pair]
	// keyedStrs, when set, pushes the same Pairs as pairs, whose keys and
	// values are all strings, unboxed (KeyBy of a func(string) string
	// over strings). Read it with keyedStringsOf.
	keyedStrs source[keyedString]
	// prepare, when set, runs before a job's tasks, on the job's
	// goroutine: the counting job of ZipWithIndex, the sampling job of
	// SortBy. It must remember its result itself.
	prepare func(j *job) error
	// sizes, when set, estimates the partitions' sizes for TakeSample:
	// element counts when exact, else relative weights (bytes).
	sizes func() (weights []float64, exact bool, err error)
	// partitioner tells how Pairs are placed, so that Lookup reads one
	// partition and joins keep their placement.
	partitioner partitioning
	cache       *partitionCache
	// joinHint is what Hint marked the RDD with, for the joins it takes
	// part in (broadcastjoin.go).
	joinHint joinHint

	partsMu   sync.Mutex
	partsN    int
	partsDone bool

	// actionSources are the sources of the functions of the next action
	// on r, for Runners (withActionSources).
	actionSources atomic.Pointer[[]funcSource]
	// tier, when set, offers a compiled form of the function (tier.go).
	tier *tierSlot
	// fallback, when set, is an RDD whose shuffles r's tasks read beyond
	// its deps: the shuffled join a broadcast join fell back to.
	fallback atomic.Pointer[RDD]
}

// dependency links an RDD to a parent. A nil shuffle means a narrow
// dependency: partition i of the child reads partition i of the parent
// (or, for Union, one partition of one parent).
type dependency struct {
	rdd     *RDD
	shuffle *shuffleDep
	// broadcast marks the side a broadcast join collects whole, before
	// the tasks that read it run (broadcastjoin.go).
	broadcast bool
}

func (c *Context) newRDD(kind, method string, deps []dependency) *RDD {
	return &RDD{
		sc:       c,
		id:       int(c.nextRDDID.Add(1) - 1),
		kind:     kind,
		method:   method,
		callSite: c.currentCallSite(),
		deps:     deps,
	}
}

// currentCallSite names where user code called into the package.
func (c *Context) currentCallSite() string {
	if f := c.callSite.Load(); f != nil {
		return (*f)()
	}
	var pcs [16]uintptr
	n := runtime.Callers(3, pcs[:])
	frames := runtime.CallersFrames(pcs[:n])
	for {
		fr, more := frames.Next()
		if !isPackageFrame(fr) {
			return fmt.Sprintf("%s:%d", filepath.Base(fr.File), fr.Line)
		}
		if !more {
			return "unknown"
		}
	}
}

// isPackageFrame reports whether a frame is in this package's own
// (non-test) source.
func isPackageFrame(fr runtime.Frame) bool {
	return strings.HasPrefix(fr.Function, "github.com/gosparkling/gosparkling/rdd.") &&
		!strings.HasSuffix(fr.File, "_test.go")
}

// numPartitions returns the partition count, computing it once; an error
// (a missing file) is not remembered, so a later job tries again.
func (r *RDD) numPartitions() (int, error) {
	r.partsMu.Lock()
	defer r.partsMu.Unlock()
	if r.partsDone {
		return r.partsN, nil
	}
	n, err := r.partitions()
	if err != nil {
		return 0, err
	}
	r.partsN, r.partsDone = n, true
	return n, nil
}

func fixedPartitions(n int) func() (int, error) {
	return func() (int, error) { return n, nil }
}

// partitioning says how an RDD of Pairs is placed in its partitions.
type partitioning int

const (
	unknownPartitioning partitioning = iota
	hashPartitioned                  // key k is in partition partitionOf(k, n)
)

// iterate pushes the elements of partition p to emit, from the cache when
// the RDD is persisted.
func (r *RDD) iterate(t *task, p int, emit func(any) bool) {
	if c := r.cacheIfPersisted(); c != nil {
		c.iterate(t, r, p, emit)
		return
	}
	r.compute(t, p, emit)
}

// narrowKind says what a narrow transformation keeps of its parent.
type narrowKind int

const (
	changesElements narrowKind = iota // counts and placement may change (Filter, FlatMap)
	keepsCount                        // one element out per element in (Map, KeyBy)
	keepsPlacement                    // keeps count and the keys of Pairs (MapValues)
	dropsPlacement                    // keeps the keys' placement but not the count (Filter, FlatMapValues)
)

// narrow makes an RDD that computes partition p from partition p of r,
// transforming the element stream with wrap. All narrow transformations
// of a stage fuse into one loop per partition: no channels, no buffers.
// A nil wrap leaves compute to the caller to set.
func (r *RDD) narrow(method string, kind narrowKind, wrap func(emit func(any) bool) func(any) bool) *RDD {
	out := r.sc.newRDD("MapPartitionsRDD", method, []dependency{{rdd: r}})
	out.partitions = r.numPartitions
	if wrap != nil {
		out.compute = func(t *task, p int, emit func(any) bool) {
			r.iterate(t, p, wrap(emit))
		}
	}
	out.sizes = r.derivedSizes(kind == keepsCount || kind == keepsPlacement)
	if kind == keepsPlacement || kind == dropsPlacement {
		out.partitioner = r.partitioner
	}
	return out
}

// derivedSizes returns size estimates for an RDD derived partition by
// partition from r: exact only when r's are and the count is kept.
func (r *RDD) derivedSizes(keepCount bool) func() ([]float64, bool, error) {
	return func() ([]float64, bool, error) {
		w, exact, err := r.partitionSizes()
		return w, exact && keepCount, err
	}
}

// partitionSizes estimates the partitions' sizes; without an estimate all
// partitions weigh the same.
func (r *RDD) partitionSizes() ([]float64, bool, error) {
	if r.sizes != nil {
		return r.sizes()
	}
	n, err := r.numPartitions()
	if err != nil {
		return nil, false, err
	}
	w := make([]float64, n)
	for i := range w {
		w[i] = 1
	}
	return w, false, nil
}

// Context returns the Context the RDD belongs to.
func (r *RDD) Context() *Context { return r.sc }

// ID returns the RDD's identifier, unique within its Context.
func (r *RDD) ID() int { return r.id }

// Name returns the name given by SetName, or "".
func (r *RDD) Name() string { return r.name }

// SetName names the RDD for ToDebugString and displays, and returns it.
func (r *RDD) SetName(name string) *RDD {
	r.name = name
	return r
}

// GetNumPartitions returns the number of partitions. For files it lists
// them; a listing error panics with a *JobError.
func (r *RDD) GetNumPartitions() int {
	n, err := r.numPartitions()
	if err != nil {
		panic(&JobError{Message: err.Error(), Partition: -1, Lineage: r.ToDebugString(), Cause: err})
	}
	return n
}

// String describes the RDD in one line, as Spark does: "Name[id] at
// method at call site".
func (r *RDD) String() string {
	label := r.kind
	if r.name != "" {
		label = r.name
	}
	return fmt.Sprintf("%s[%d] at %s at %s", label, r.id, r.method, r.callSite)
}

// ToDebugString describes the lineage the way Spark does: one line per
// RDD with its partition count at the top and at each shuffle boundary,
// narrow dependencies joined by " |  ", shuffle dependencies indented
// under "+-".
func (r *RDD) ToDebugString() string {
	var b strings.Builder
	r.writeDebug(&b, "", true)
	return strings.TrimSuffix(b.String(), "\n")
}

func (r *RDD) debugPartitions() string {
	n, err := r.numPartitions()
	if err != nil {
		return "?"
	}
	return fmt.Sprint(n)
}

// storageTag is the bracketed storage level Spark prints after an RDD.
func (r *RDD) storageTag() string {
	if c := r.cacheIfPersisted(); c != nil {
		return "[" + c.level.String() + "]"
	}
	return "[]"
}

// writeDebugLine writes one RDD's line, and for a persisted RDD the line
// telling how many partitions it keeps.
func (r *RDD) writeDebugLine(b *strings.Builder, prefix, cachedPrefix string) {
	fmt.Fprintf(b, "%s%s %s\n", prefix, r, r.storageTag())
	if c := r.cacheIfPersisted(); c != nil {
		fmt.Fprintf(b, "%s      CachedPartitions: %d\n", cachedPrefix, c.cachedPartitions())
	}
}

func (r *RDD) writeDebug(b *strings.Builder, indent string, first bool) {
	if first {
		r.writeDebugLine(b, fmt.Sprintf("%s(%s) ", indent, r.debugPartitions()), indent+" | ")
	}
	for i, d := range r.deps {
		switch {
		case d.shuffle != nil || d.broadcast:
			d.rdd.writeDebugLine(b, fmt.Sprintf("%s +-(%s) ", indent, d.rdd.debugPartitions()), indent+"    | ")
			d.rdd.writeDebug(b, indent+"   ", false)
		case i > 0 || len(r.deps) > 1:
			// Several narrow parents (Union): each starts its own block.
			d.rdd.writeDebugLine(b, fmt.Sprintf("%s |  (%s) ", indent, d.rdd.debugPartitions()), indent+" |  | ")
			d.rdd.writeDebug(b, indent+" |  ", false)
		default:
			d.rdd.writeDebugLine(b, indent+" |  ", indent+" | ")
			d.rdd.writeDebug(b, indent, false)
		}
	}
}
