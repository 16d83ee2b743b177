package rdd

import (
	"context"
	"sync"
	"sync/atomic"
)

// Tiered functions. An interpreter hands a transformation the function a
// user wrote, interpreted, and may build a compiled form of it in the
// background. A FuncTier set on the RDD (SetFuncTier) offers that form:
// each job binds it as it starts (reading the function's captured values
// then, as Spark serializes a closure when it submits a job), and each
// task asks it, as the task starts, for the compiled function. Until the
// compiled function is ready, or when it fails, tasks run the function the
// transformation was given; from then on they run an RDD made by the same
// method from the compiled function, over the same parent. Either way the
// elements are the same.

// FuncTier offers a compiled form of the user function that the method
// making an RDD was given.
type FuncTier interface {
	// Bind is called, on the goroutine submitting it, when a job that
	// computes the RDD starts. It may wait, until ctx is done, for the
	// compiled form. It returns the function the job's tasks call as each
	// starts: it returns the compiled function, made with the captured
	// values as they were when Bind was called, or nil while there is none.
	Bind(ctx context.Context) (current func() any)
}

// tierMethods are the methods whose RDD can switch to a compiled form of
// its one function: narrow transformations, whose tasks compute each
// partition afresh.
var tierMethods = map[string]func(parent *RDD, f any) *RDD{
	"Map":                    (*RDD).Map,
	"FlatMap":                (*RDD).FlatMap,
	"Filter":                 (*RDD).Filter,
	"MapValues":              (*RDD).MapValues,
	"FlatMapValues":          (*RDD).FlatMapValues,
	"KeyBy":                  (*RDD).KeyBy,
	"MapPartitions":          (*RDD).MapPartitions,
	"MapPartitionsWithIndex": (*RDD).MapPartitionsWithIndex,
}

// SetFuncTier makes r's tasks run the compiled form of r's function that
// tier offers, once it is ready. Interpreters call it right after the
// method making r returns, before r has children. It reports false, and
// does nothing, when r's method cannot switch (only Map, FlatMap, Filter,
// MapValues, FlatMapValues, KeyBy, MapPartitions and
// MapPartitionsWithIndex can) or r already has a tier.
func (r *RDD) SetFuncTier(tier FuncTier) bool {
	remake, ok := tierMethods[r.method]
	if !ok || tier == nil || r.tier != nil || r.step == nil || len(r.step.Parents) != 1 || len(r.step.Args) != 1 {
		return false
	}
	slot := &tierSlot{tier: tier, parent: r.step.Parents[0], remake: remake}
	r.tier = slot
	compute := r.compute
	r.compute = func(t *task, p int, emit func(any) bool) {
		if twin := slot.twinFor(t); twin != nil {
			twin.compute(t, p, emit)
			return
		}
		compute(t, p, emit)
	}
	r.strs = tieredSource(slot, r.strs, func(twin *RDD) source[string] { return twin.strs })
	r.int64s = tieredSource(slot, r.int64s, func(twin *RDD) source[int64] { return twin.int64s })
	r.pairs = tieredSource(slot, r.pairs, func(twin *RDD) source[Pair] { return twin.pairs })
	return true
}

// TieredRuns returns how many times r's tasks started computing a
// partition with the compiled form of its function, and with the function
// it was given, since it got its FuncTier.
func (r *RDD) TieredRuns() (compiled, interpreted int64) {
	if r.tier == nil {
		return 0, 0
	}
	return r.tier.compiledRuns.Load(), r.tier.interpretedRuns.Load()
}

// tieredSource returns a typed source that pushes the elements of the
// compiled twin's, once there is one, and those of orig before.
func tieredSource[T any](slot *tierSlot, orig source[T], of func(twin *RDD) source[T]) source[T] {
	if orig == nil {
		return nil
	}
	return func(t *task, p int, emit func(T) bool) {
		if twin := slot.twinFor(t); twin != nil {
			if src := of(twin); src != nil {
				src(t, p, emit)
				return
			}
		}
		orig(t, p, emit)
	}
}

// tierSlot is the FuncTier of an RDD and what the running jobs bound.
type tierSlot struct {
	tier   FuncTier
	parent *RDD
	remake func(parent *RDD, f any) *RDD

	mu    sync.Mutex
	bound map[*job]*tierBinding

	compiledRuns, interpretedRuns atomic.Int64
}

// tierBinding is a job's binding of a tier: how to ask for the compiled
// function, and the RDD made from it once asked successfully.
type tierBinding struct {
	current func() any
	twin    *RDD
	failed  bool
}

// twinFor returns the RDD made from the compiled function for t's job,
// or nil while there is none.
func (s *tierSlot) twinFor(t *task) *RDD {
	twin := s.boundTwin(t)
	if twin != nil {
		s.compiledRuns.Add(1)
	} else {
		s.interpretedRuns.Add(1)
	}
	return twin
}

func (s *tierSlot) boundTwin(t *task) *RDD {
	s.mu.Lock()
	defer s.mu.Unlock()
	b := s.bound[t.job]
	if b == nil || b.failed {
		return nil
	}
	if b.twin == nil {
		f := b.current()
		if f == nil {
			return nil
		}
		if b.twin = s.twinOf(f); b.twin == nil {
			b.failed = true
		}
	}
	return b.twin
}

// twinOf makes the RDD that the method makes from f over a mirror of the
// parent, or nil when it refuses f.
func (s *tierSlot) twinOf(f any) (twin *RDD) {
	defer func() {
		if recover() != nil {
			twin = nil
		}
	}()
	return s.remake(mirrorOf(s.parent), f)
}

// mirrorOf returns an RDD that computes r's elements through r (its cache
// included) and offers the same typed sources, so that a method called on
// it makes what it made on r. It belongs to a Context of its own, so that
// what is made from it takes no id of r's Context.
func mirrorOf(r *RDD) *RDD {
	m := &RDD{sc: &Context{parallelism: r.sc.parallelism}, id: r.id, kind: r.kind, method: r.method,
		partitions: r.numPartitions, partitioner: r.partitioner, sizes: r.partitionSizes}
	m.compute = r.iterate
	if r.strs != nil {
		m.strs = typedOf[string](r)
	}
	if r.int64s != nil {
		m.int64s = typedOf[int64](r)
	}
	if r.pairs != nil {
		m.pairs = typedOf[Pair](r)
	}
	return m
}

// bindTiers binds, for j, the tiers of the RDDs of r's lineage, and
// returns what unbinds them when j ends.
func (j *job) bindTiers(r *RDD) (unbind func()) {
	var slots []*tierSlot
	seen := map[*RDD]bool{}
	var visit func(x *RDD)
	visit = func(x *RDD) {
		if seen[x] {
			return
		}
		seen[x] = true
		if x.tier != nil {
			slots = append(slots, x.tier)
		}
		for _, d := range x.deps {
			visit(d.rdd)
		}
	}
	visit(r)
	for _, s := range slots {
		current := s.tier.Bind(j.ctx)
		s.mu.Lock()
		if s.bound == nil {
			s.bound = map[*job]*tierBinding{}
		}
		s.bound[j] = &tierBinding{current: current}
		s.mu.Unlock()
	}
	return func() {
		for _, s := range slots {
			s.mu.Lock()
			delete(s.bound, j)
			s.mu.Unlock()
		}
	}
}
