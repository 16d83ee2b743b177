package rdd

import (
	"fmt"
	"sync/atomic"
)

// DefaultMaxResultSize is the default bound of what an action brings back
// to the driver (Collect, Take, ...): 1 GiB, as Spark's
// spark.driver.maxResultSize.
const DefaultMaxResultSize int64 = 1 << 30

// WithMaxResultSize bounds, in estimated bytes, the result an action
// brings back to the driver: Collect, CollectAsMap, Take, TakeOrdered,
// Top, TakeSample and Lookup fail with a *ResultSizeError as soon as
// theirs grows past it, before it takes the memory. It is Spark's
// spark.driver.maxResultSize: DefaultMaxResultSize unless set; 0 means
// no bound.
func WithMaxResultSize(bytes int64) Option {
	return func(c *Context) { c.SetMaxResultSize(bytes) }
}

// SetMaxResultSize changes the bound of WithMaxResultSize for the actions
// started from now on; 0 means no bound.
func (c *Context) SetMaxResultSize(bytes int64) {
	if bytes < 0 {
		panic(fmt.Sprintf("rdd.SetMaxResultSize: the bound must be at least 0 bytes, got %d", bytes))
	}
	c.maxResultSize.Store(bytes)
}

// MaxResultSize returns the bound of an action's result in estimated
// bytes (0: none); see WithMaxResultSize.
func (c *Context) MaxResultSize() int64 { return c.maxResultSize.Load() }

// ResultSizeError is the cause of the *JobError of an action whose result
// grew past the Context's MaxResultSize.
type ResultSizeError struct {
	Method   string // the action
	Size     int64  // estimated bytes of the result when it was stopped
	Elements int64  // elements it had then
	Limit    int64  // the MaxResultSize
}

// Error tells how large the result got, the bound, and what to do instead.
func (e *ResultSizeError) Error() string {
	return fmt.Sprintf("rdd.%s: the result is larger than the maximum result size (Spark's spark.driver.maxResultSize): "+
		"it reached %s (estimated) with %d elements, over the limit of %s; bring back less with Take(n), "+
		"Sample or TakeSample, write it out with SaveAsTextFile, or raise the limit with sc.SetMaxResultSize(bytes) (0 = no limit)",
		e.Method, byteCount(e.Size), e.Elements, byteCount(e.Limit))
}

// byteCount formats n bytes for people: "1.5 GiB".
func byteCount(n int64) string {
	const unit = 1024
	if n < unit {
		return fmt.Sprintf("%d B", n)
	}
	div, exp := int64(unit), 0
	for m := n / unit; m >= unit && exp < 5; m /= unit {
		div *= unit
		exp++
	}
	return fmt.Sprintf("%.1f %ciB", float64(n)/float64(div), "KMGTPE"[exp])
}

// resultGuard tracks the estimated size of one action's result, which
// tasks add to as they produce it.
type resultGuard struct {
	method   string
	limit    int64 // 0: unbounded, and the guard does nothing
	size     atomic.Int64
	elements atomic.Int64
}

func (c *Context) newResultGuard(method string) *resultGuard {
	return &resultGuard{method: method, limit: c.MaxResultSize()}
}

// checkResultCount fails at once when an action on r will bring back n
// elements that cannot fit the bound however small they are (each takes
// at least its interface slot).
func (r *RDD) checkResultCount(method string, n int) {
	if limit := r.sc.MaxResultSize(); limit > 0 && int64(n) > limit/interfaceSlot {
		panic(r.driverError(method, &ResultSizeError{Method: method, Size: int64(n) * interfaceSlot, Elements: int64(n), Limit: limit}))
	}
}

// interfaceSlot is the bytes an element takes in a []any.
const interfaceSlot = 16

// resultTally is one task's share of a resultGuard: it sums sizes locally
// and adds them to the guard every flushBytes, failing the task when the
// result is over the bound.
type resultTally struct {
	g        *resultGuard
	size     int64
	elements int64
	seen     int
}

const (
	flushBytes = 256 << 10
	// Element types without a cheap exact size are sized one in
	// sampleEvery after the first sizeSamples, each standing for the
	// elements skipped.
	sampleEvery = 8
)

func (g *resultGuard) tally() *resultTally { return &resultTally{g: g} }

// add counts element x of the result.
func (t *resultTally) add(x any) {
	if t.g.limit == 0 {
		return
	}
	t.elements++
	t.seen++
	if n, ok := cheapSize(x); ok {
		t.size += interfaceSlot + n
	} else if t.seen <= sizeSamples {
		t.size += interfaceSlot + boxedSize(x)
	} else if t.seen%sampleEvery == 0 {
		t.size += sampleEvery * (interfaceSlot + boxedSize(x))
	}
	if t.size >= flushBytes {
		t.flush()
	}
}

// flush adds the tally to the guard and fails the task when the result is
// over the bound.
func (t *resultTally) flush() {
	if t.g.limit == 0 {
		return
	}
	size := t.g.size.Add(t.size)
	elements := t.g.elements.Add(t.elements)
	t.size, t.elements = 0, 0
	if size > t.g.limit {
		failTask(&ResultSizeError{Method: t.g.method, Size: size, Elements: elements, Limit: t.g.limit})
	}
}

// cheapSize returns the bytes x refers to beyond its interface slot for
// the common element types, exactly and without reflection.
func cheapSize(x any) (int64, bool) {
	switch v := x.(type) {
	case string:
		return 16 + int64(len(v)), true
	case nil, bool, int8, uint8:
		return 0, true
	case []byte:
		return 24 + int64(cap(v)), true
	case int, int64, uint, uint64, float64, int32, uint32, float32, int16, uint16:
		return 8, true
	case Pair:
		k, okK := cheapSize(v.Key)
		val, okV := cheapSize(v.Value)
		return 2*interfaceSlot + k + val, okK && okV
	}
	return 0, false
}
