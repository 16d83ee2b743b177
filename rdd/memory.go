package rdd

import (
	"fmt"
	"math"
	"runtime/debug"
)

// DefaultShuffleMemory is the memory budget of shuffles when the Go
// memory limit is not set: 512 MiB.
const DefaultShuffleMemory int64 = 512 << 20

// WithShuffleMemory sets how many bytes (estimated) the combining
// shuffles (ReduceByKey, AggregateByKey, FoldByKey, CombineByKey,
// GroupByKey, Distinct, and the map side of joins and cogroups) may take
// in memory: the tables map tasks combine into, the map outputs kept for
// later jobs, and the tables reduce tasks merge into. A map task whose
// table outgrows its share writes it to the Context's spill directory as
// a run sorted by key hash and goes on with an empty table; the reduce
// side then merges the runs by hash while combining, holding little more
// than one key at a time. Stop removes the files. By default the budget is
// a quarter of the Go memory limit (GOMEMLIMIT) when one is set, else
// DefaultShuffleMemory.
//
// The budget counts the data's estimated size; between collections the
// Go heap grows to about twice what is live (GOGC), so bound the process
// with GOMEMLIMIT, which the default budget follows. Joins and cogroups
// still gather each reduce partition's groups in memory, and shuffles that
// move records whole (Repartition, PartitionBy, SortBy) keep them in
// memory.
//
// As in Spark, a key whose values were spilled more than once in a
// partition gets createCombiner (AggregateByKey's and FoldByKey's zero)
// once per run, its combiners then merged with mergeCombiners: results
// are the same when the zero is neutral, as Spark requires. When a
// shuffle spills, its keys come out in hash order instead of first-seen
// order. Combiners the element encoding cannot carry faithfully (a
// struct with unexported fields, channels, funcs), and keys holding
// pointers or channels (equal by identity), stay in memory, over the
// budget.
func WithShuffleMemory(bytes int64) Option {
	return func(c *Context) {
		if bytes < 0 {
			panic(fmt.Sprintf("rdd.WithShuffleMemory: the budget must be at least 0 bytes, got %d", bytes))
		}
		c.shuffleMemory = bytes
	}
}

// defaultShuffleMemory is a quarter of the Go memory limit when one is
// set (Spark gives execution and storage each a share of the heap), else
// DefaultShuffleMemory.
func defaultShuffleMemory() int64 {
	if limit := debug.SetMemoryLimit(-1); limit != math.MaxInt64 {
		return limit / 4
	}
	return DefaultShuffleMemory
}

// reserveShuffle counts n more bytes of shuffle memory if they fit the
// budget, and reports whether they did.
func (c *Context) reserveShuffle(n int64) bool {
	if n <= 0 {
		return true
	}
	for {
		used := c.shuffleUsed.Load()
		if used+n > c.shuffleMemory {
			return false
		}
		if c.shuffleUsed.CompareAndSwap(used, used+n) {
			return true
		}
	}
}

func (c *Context) releaseShuffle(n int64) {
	if n > 0 {
		c.shuffleUsed.Add(-n)
	}
}

// maxSpillFloor caps what a map task may hold without reserving, as
// Spark's initial spill threshold (5 MB) does.
const maxSpillFloor = 4 << 20

// spillGuard watches the size of a map task's combine table: it measures
// it now and then and reserves shuffle memory as it grows, and tells the
// task to spill when the Context cannot give more. A task may always hold
// a small floor (at most maxSpillFloor, less for small budgets) without
// reserving, so that tasks never spill tiny runs.
type spillGuard struct {
	sc       *Context
	floor    int64
	reserved int64
	updates  int // since the last spill
	next     int // update count of the next measure
	disabled bool
}

func (c *Context) newSpillGuard() *spillGuard {
	floor := min(maxSpillFloor, c.shuffleMemory/int64(2*c.parallelism))
	return &spillGuard{sc: c, floor: floor, next: 32}
}

// tick counts an update and reports whether it is time to measure.
func (g *spillGuard) tick() bool {
	g.updates++
	return g.updates >= g.next
}

// fits reports whether a table of size bytes may stay in memory,
// reserving what it needs beyond what the task holds, with headroom.
// Tables of unboxed combiners are measured exactly and cheaply, every
// 4096 updates at most; boxed ones are sampled at exponentially spaced
// updates (every 1/16th more), as Spark's SizeTracker does.
func (g *spillGuard) fits(size int64, sampled bool) bool {
	step := max(32, g.updates/16)
	if !sampled {
		step = min(step, 4096)
	}
	g.next = g.updates + step
	if g.disabled || size <= g.floor+g.reserved {
		return true
	}
	need := size - g.floor - g.reserved
	for _, n := range []int64{need + size/4, need} {
		if g.sc.reserveShuffle(n) {
			g.reserved += n
			return true
		}
	}
	return false
}

// spilled gives back what the task held, after its table went to disk.
func (g *spillGuard) spilled() {
	g.release()
	g.updates, g.next = 0, 32
}

// hold makes what the task holds exactly size bytes, for a table kept in
// memory as the task's output, and reports whether it could.
func (g *spillGuard) hold(size int64) bool {
	if size <= g.reserved {
		g.sc.releaseShuffle(g.reserved - size)
		g.reserved = size
		return true
	}
	if g.sc.reserveShuffle(size - g.reserved) {
		g.reserved = size
		return true
	}
	return false
}

func (g *spillGuard) release() {
	g.sc.releaseShuffle(g.reserved)
	g.reserved = 0
}
