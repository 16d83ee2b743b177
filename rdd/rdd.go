package rdd

import (
	"fmt"
	"path/filepath"
	"runtime"
	"strings"
	"sync"
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

	// partitions returns the partition count, listing files if need be.
	// Call numPartitions, which memoizes it.
	partitions func() (int, error)
	// compute pushes the elements of partition p to emit, stopping when
	// emit returns false or the task is stopped.
	compute func(t *task, p int, emit func(any) bool)

	partsMu   sync.Mutex
	partsN    int
	partsDone bool
}

// dependency links an RDD to a parent. A nil shuffle means a narrow
// dependency: partition i of the child reads partition i of the parent
// (or, for Union, one partition of one parent).
type dependency struct {
	rdd     *RDD
	shuffle *shuffleDep
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

// iterate pushes the elements of partition p to emit.
func (r *RDD) iterate(t *task, p int, emit func(any) bool) {
	r.compute(t, p, emit)
}

// narrow makes an RDD that computes partition p from partition p of r,
// transforming the element stream with wrap. All narrow transformations
// of a stage fuse into one loop per partition: no channels, no buffers.
func (r *RDD) narrow(method string, wrap func(emit func(any) bool) func(any) bool) *RDD {
	out := r.sc.newRDD("MapPartitionsRDD", method, []dependency{{rdd: r}})
	out.partitions = r.numPartitions
	out.compute = func(t *task, p int, emit func(any) bool) {
		r.iterate(t, p, wrap(emit))
	}
	return out
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

func (r *RDD) writeDebug(b *strings.Builder, indent string, first bool) {
	if first {
		fmt.Fprintf(b, "%s(%s) %s []\n", indent, r.debugPartitions(), r)
	}
	for i, d := range r.deps {
		if d.shuffle != nil {
			fmt.Fprintf(b, "%s +-(%s) %s []\n", indent, d.rdd.debugPartitions(), d.rdd)
			d.rdd.writeDebug(b, indent+"   ", false)
			continue
		}
		if i > 0 || len(r.deps) > 1 {
			// Several narrow parents (Union): each starts its own block.
			fmt.Fprintf(b, "%s |  (%s) %s []\n", indent, d.rdd.debugPartitions(), d.rdd)
			d.rdd.writeDebug(b, indent+" |  ", false)
			continue
		}
		fmt.Fprintf(b, "%s |  %s []\n", indent, d.rdd)
		d.rdd.writeDebug(b, indent, false)
	}
}
