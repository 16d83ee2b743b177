package rdd

import (
	"context"
	"fmt"
	"reflect"
	"runtime"
	"sync"
	"sync/atomic"
)

// Context is the entry point of the engine, like Spark's SparkContext: it
// creates RDDs from data and files and runs their jobs on a pool of
// goroutines. A Context is safe for use by several goroutines.
type Context struct {
	parallelism int
	nextRDDID   atomic.Int64
	jobContext  atomic.Pointer[context.Context]
	callSite    atomic.Pointer[func() string]

	mu      sync.Mutex
	stopped bool
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

// NewContext returns a Context configured by opts.
func NewContext(opts ...Option) *Context {
	c := &Context{parallelism: runtime.GOMAXPROCS(0)}
	for _, o := range opts {
		o(c)
	}
	return c
}

// DefaultParallelism is the number of partitions run at once, and the
// default partition count of Parallelize: runtime.GOMAXPROCS(0) unless set
// with WithParallelism.
func (c *Context) DefaultParallelism() int { return c.parallelism }

// SetJobContext makes every job started from now on stop when ctx is done;
// the action then panics with a *JobError whose cause is ctx.Err(). A
// notebook kernel sets the running cell's context here so that an
// interrupt stops its jobs. A nil ctx restores context.Background().
func (c *Context) SetJobContext(ctx context.Context) {
	if ctx == nil {
		c.jobContext.Store(nil)
		return
	}
	c.jobContext.Store(&ctx)
}

func (c *Context) currentJobContext() context.Context {
	if p := c.jobContext.Load(); p != nil {
		return *p
	}
	return context.Background()
}

// Stop releases the Context's resources. RDDs of a stopped Context cannot
// run jobs.
func (c *Context) Stop() {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.stopped = true
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
	return r
}

// EmptyRDD returns an RDD with no partitions and no elements.
func (c *Context) EmptyRDD() *RDD {
	r := c.newRDD("EmptyRDD", "emptyRDD", nil)
	r.partitions = fixedPartitions(0)
	r.compute = func(*task, int, func(any) bool) {}
	return r
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
