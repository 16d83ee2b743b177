package rdd

import (
	"sync"
	"sync/atomic"

	"github.com/gosparkling/gosparkling/fileio/warc"
	"github.com/gosparkling/gosparkling/internal/engine"
)

// Tiered functions. An interpreter hands a transformation the function a
// user wrote, interpreted, and may build a compiled form of it in the
// background. A funcTier set on the RDD (setFuncTier) offers that form:
// each job binds it as it starts (reading the function's captured values
// then, as Spark serializes a closure when it submits a job). When the
// function's type is a common one (func(string) []string, func(int64)
// bool...), the job's tasks call it through a switch that starts on the
// interpreted function and turns to the compiled one the moment it is
// ready, between two elements: a job of two long partitions speeds up
// too. So do the functions of other types given to Map, MapValues, KeyBy,
// Filter, FlatMap and FlatMapValues, called through a switch of the shape
// the engine calls them by (func(any) any, func(any) bool, func(any)
// []any). For the rest, each task asks for the
// compiled function as it starts, and runs an RDD made by the same method
// from it over the same parent. Either way the elements are the same.

// funcTier is internal/engine's FuncTier: a compiled form of the user
// function that the method making an RDD was given, which an interpreter
// offers.
type funcTier = engine.FuncTier

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

// setFuncTier makes r's tasks run the compiled form of r's function that
// tier offers, once it is ready. Interpreters call it right after the
// method making r returns, before r has children. It reports false, and
// does nothing, when r's method cannot switch (only Map, FlatMap, Filter,
// MapValues, FlatMapValues, KeyBy, MapPartitions and
// MapPartitionsWithIndex can) or r already has a tier.
func (r *RDD) setFuncTier(tier funcTier) bool {
	remake, ok := tierMethods[r.method]
	if !ok || tier == nil || r.tier != nil || r.step == nil || len(r.step.Parents) != 1 || len(r.step.Args) != 1 {
		return false
	}
	slot := &tierSlot{tier: tier, method: r.method, of: r, parent: r.step.Parents[0], given: r.step.Args[0], remake: remake}
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
	r.keyedStrs = tieredSource(slot, r.keyedStrs, func(twin *RDD) source[keyedString] { return twin.keyedStrs })
	return true
}

// tieredRuns returns how many times r's tasks started computing a
// partition with the compiled form of its function, and with the function
// it was given, since it got its funcTier.
func (r *RDD) tieredRuns() (compiled, interpreted int64) {
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

// tierSlot is the funcTier of an RDD and what the running jobs bound.
type tierSlot struct {
	tier   funcTier
	method string
	of     *RDD // the RDD the slot is of
	parent *RDD
	given  any // the function the method was given
	remake func(parent *RDD, f any) *RDD

	mu    sync.Mutex
	bound map[*job]*tierBinding

	compiledRuns, interpretedRuns atomic.Int64
}

// tierBinding is a job's binding of a tier: how to ask for the compiled
// function, and the RDD made from it (or from the switch) for the job.
type tierBinding struct {
	current func() any
	twin    *RDD
	// set, for a function of a common type, points the switch the twin
	// calls to a function of the type; switched says it points to the
	// compiled one.
	set      func(f any) bool
	switched bool
	failed   bool
	ended    chan struct{} // closed when the job ends
}

// twinFor returns the RDD that t's task computes instead of the one the
// method made, or nil, and counts the runs.
func (s *tierSlot) twinFor(t *task) *RDD {
	s.mu.Lock()
	defer s.mu.Unlock()
	b := s.bound[t.job]
	if b == nil {
		s.interpretedRuns.Add(1)
		return nil
	}
	s.upgrade(b)
	if b.switched || b.set == nil && b.twin != nil {
		s.compiledRuns.Add(1)
	} else {
		s.interpretedRuns.Add(1)
	}
	return b.twin
}

// upgrade turns b to the compiled function when there is one. s.mu is
// held.
func (s *tierSlot) upgrade(b *tierBinding) {
	if b.failed || b.switched || b.set == nil && b.twin != nil {
		return
	}
	f := b.current()
	if f == nil {
		return
	}
	switch {
	case b.set != nil:
		b.switched = b.set(f)
		b.failed = !b.switched
	default:
		b.twin = s.twinOf(f)
		b.failed = b.twin == nil
	}
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
	m := &RDD{sc: &Context{contextState: &contextState{}, parallelism: r.sc.parallelism}, id: r.id, kind: r.kind, method: r.method,
		partitions: r.numPartitions, partitioner: r.partitioner, sizes: r.partitionSizes}
	m.compute = r.iterate
	if r.strs != nil {
		m.strs = typedOf[string](r)
	}
	if r.int64s != nil {
		m.int64s = typedOf[int64](r)
	}
	if r.keyedStrs != nil {
		m.keyedStrs = keyedStringsOf(r)
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
		current, ready := s.tier.Bind(j.ctx)
		b := &tierBinding{current: current, ended: make(chan struct{})}
		if sw, set := switchOf(s.given); sw != nil {
			if b.twin = s.twinOf(sw); b.twin != nil {
				b.set = set
			}
		} else if sw, set := generalSwitch(s.method, s.given); sw != nil {
			if twin := s.twinOf(sw); twin != nil && sameSources(twin, s.of) {
				b.twin, b.set = twin, set
			}
		}
		s.mu.Lock()
		if s.bound == nil {
			s.bound = map[*job]*tierBinding{}
		}
		s.bound[j] = b
		s.mu.Unlock()
		if b.set != nil && ready != nil {
			go func() {
				select {
				case <-ready:
					s.mu.Lock()
					s.upgrade(b)
					s.mu.Unlock()
				case <-b.ended:
				}
			}()
		}
	}
	return func() {
		for _, s := range slots {
			s.mu.Lock()
			close(s.bound[j].ended)
			delete(s.bound, j)
			s.mu.Unlock()
		}
	}
}

// switchOf returns, for a function f of a common type, a function of the
// same type that calls the function set last points it to (f until then),
// and set, which reports false for a function of another type. For other
// types it returns nil.
func switchOf(f any) (sw any, set func(any) bool) {
	switch g := f.(type) {
	case func(string) string:
		return switch1(g)
	case func(string) []string:
		return switch1(g)
	case func(string) bool:
		return switch1(g)
	case func(string) int:
		return switch1(g)
	case func(string) int64:
		return switch1(g)
	case func(string) any:
		return switch1(g)
	case func(string) Pair:
		return switch1(g)
	case func(string) []Pair:
		return switch1(g)
	case func(string) []any:
		return switch1(g)
	case func(int64) int64:
		return switch1(g)
	case func(int64) bool:
		return switch1(g)
	case func(int64) any:
		return switch1(g)
	case func(int64) Pair:
		return switch1(g)
	case func(int) int:
		return switch1(g)
	case func(int) bool:
		return switch1(g)
	case func(int) any:
		return switch1(g)
	case func(int) Pair:
		return switch1(g)
	case func(float64) float64:
		return switch1(g)
	case func(float64) bool:
		return switch1(g)
	case func(Pair) Pair:
		return switch1(g)
	case func(Pair) bool:
		return switch1(g)
	case func(Pair) any:
		return switch1(g)
	case func(Pair) []Pair:
		return switch1(g)
	case func(any) any:
		return switch1(g)
	case func(any) bool:
		return switch1(g)
	case func(any) Pair:
		return switch1(g)
	case func(any) []any:
		return switch1(g)
	case func(any) []string:
		return switch1(g)
	case func(*warc.Record) bool:
		return switch1(g)
	case func(*warc.Record) string:
		return switch1(g)
	case func(*warc.Record) []string:
		return switch1(g)
	case func(*warc.Record) Pair:
		return switch1(g)
	case func(*warc.Record) []Pair:
		return switch1(g)
	}
	return nil, nil
}

// generalSwitch returns, for a function of another type passed to a
// method that takes a func(T) R, a predicate or a func(T) []R (Map,
// MapValues, KeyBy, Filter, FlatMap, FlatMapValues), the function as the
// engine calls it, a func(any) any, func(any) bool or func(any) []any,
// made switchable as switchOf's are; set takes a compiled
// function of that shape (an interpreter's compiled functions of other
// types come as such, see funcTier), or of the given function's type,
// which it adapts. For other methods it returns nil.
func generalSwitch(method string, f any) (sw any, set func(any) bool) {
	var adapt func(g any) any
	switch method {
	case "Map", "MapValues", "KeyBy":
		adapt = func(g any) any { return (func(any) any)(adaptUnary(method, g)) }
	case "Filter":
		adapt = func(g any) any { return (func(any) bool)(adaptPredicate(method, g)) }
	case "FlatMap", "FlatMapValues":
		adapt = func(g any) any { return flatToSlice(adaptFlat(method, g)) }
	default:
		return nil, nil
	}
	// adapted is adapt(g), or nil when g has no shape the method takes.
	adapted := func(g any) (h any) {
		defer func() {
			if recover() != nil {
				h = nil
			}
		}()
		return adapt(g)
	}
	first := adapted(f)
	if first == nil {
		return nil, nil
	}
	sw, setShaped := switchOf(first)
	if sw == nil {
		return nil, nil
	}
	return sw, func(g any) bool {
		if setShaped(g) {
			return true
		}
		h := adapted(g)
		return h != nil && setShaped(h)
	}
}

// flatToSlice returns fl as a func(any) []any, which FlatMap takes: the
// shape a flat function of any type is switched in.
func flatToSlice(fl flatFn) func(any) []any {
	return func(x any) []any {
		var out []any
		fl(x, func(y any) bool {
			out = append(out, y)
			return true
		})
		return out
	}
}

// sameSources reports whether twin offers each typed source that r
// offers: tasks reading one twin lacks would not switch.
func sameSources(twin, r *RDD) bool {
	return (r.strs == nil || twin.strs != nil) && (r.int64s == nil || twin.int64s != nil) && (r.pairs == nil || twin.pairs != nil) &&
		(r.keyedStrs == nil || twin.keyedStrs != nil)
}

func switch1[T, R any](f func(T) R) (any, func(any) bool) {
	var p atomic.Pointer[func(T) R]
	p.Store(&f)
	sw := func(x T) R { return (*p.Load())(x) }
	return sw, func(g any) bool {
		h, ok := g.(func(T) R)
		if ok {
			p.Store(&h)
		}
		return ok
	}
}
