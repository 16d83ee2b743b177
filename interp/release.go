package interp

import (
	"reflect"

	"github.com/gosparkling/gosparkling/rdd"
)

// Releasing the shuffles of a cell's temporaries. yaegi keeps every
// temporary of a cell's top-level statements in its global frame for the
// session's life: the RDDs of a chain assigned to a variable
// (n := sc.TextFile(...).GroupByKey()...Collect()) stay reachable, and
// with them their shuffles' outputs, memory and spill files, which Go's
// collector would otherwise give back (Spark's ContextCleaner too). After
// each cell, the session finds the RDDs its variables reach and releases
// the outputs of every other shuffle of its Contexts; a later job on a
// released RDD computes its shuffle again. Jobs still running keep
// theirs. While goroutines of cells still run, nothing is released (the
// next cell tries again): they may be writing the maps the search reads.

// maxLiveWalk bounds how many values releaseShuffles looks through in each
// variable: an RDD deeper in a larger one (a slice of a million
// collected elements) is not seen, and its shuffle, released, is
// computed again when it is used. The walk of a large variable takes a
// few milliseconds after each cell.
const maxLiveWalk = 1 << 18

var (
	rddPtrType     = reflect.TypeFor[*rdd.RDD]()
	contextPtrType = reflect.TypeFor[*rdd.Context]()
)

// releaseShuffles releases the shuffle outputs that no variable of the
// session needs (see above).
func (s *Session) releaseShuffles() {
	if s.keepShuffles || s.goroutinesRunning() {
		return
	}
	w := newLiveWalk(maxLiveWalk)
	for _, v := range s.globalValues() {
		w.budget = maxLiveWalk
		w.value(v)
	}
	live := make([]*rdd.RDD, 0, len(w.found))
	for r := range w.found {
		live = append(live, r)
	}
	for _, sc := range s.contexts() {
		rdds.ReleaseShufflesExcept(sc, live)
	}
}

// liveWalk finds the *rdd.RDDs a set of values reaches through pointers,
// interfaces, slices, arrays, maps and exported struct fields, visiting
// each pointer, map and slice once. It does not look into functions
// (their closures), channels, RDDs, nor unexported fields: those of
// compiled packages are their state, which their goroutines may be
// changing under their locks (an http.Transport's connections), and
// reading a map as it changes is fatal. yaegi exports every field of the
// types cells declare, so their fields are all looked through.
type liveWalk struct {
	found  map[*rdd.RDD]bool
	seen   map[seenKey]bool
	holds  map[reflect.Type]bool // whether values of a type can reach an RDD
	budget int
}

// seenKey names a pointer, map or slice visited: its address and type
// (a struct and its first field share their address), and a slice's
// length.
type seenKey struct {
	addr uintptr
	typ  reflect.Type
	n    int
}

func newLiveWalk(budget int) *liveWalk {
	return &liveWalk{found: map[*rdd.RDD]bool{}, seen: map[seenKey]bool{}, holds: map[reflect.Type]bool{}, budget: budget}
}

// value records the RDDs v reaches. It returns false once the walk has
// looked through more values than its budget, having looked no further.
func (w *liveWalk) value(v reflect.Value) bool {
	if !v.IsValid() {
		return true
	}
	if w.budget--; w.budget < 0 {
		return false
	}
	t := v.Type()
	if t == rddPtrType {
		if !v.IsNil() {
			w.found[(*rdd.RDD)(v.UnsafePointer())] = true
		}
		return true
	}
	if !w.canHold(t) {
		return true
	}
	switch v.Kind() {
	case reflect.Interface:
		return v.IsNil() || w.value(v.Elem())
	case reflect.Pointer:
		if v.IsNil() || !w.first(seenKey{addr: v.Pointer(), typ: t}) {
			return true
		}
		return w.value(v.Elem())
	case reflect.Struct:
		for i := range v.NumField() {
			if t.Field(i).IsExported() && !w.value(v.Field(i)) {
				return false
			}
		}
	case reflect.Slice:
		if v.IsNil() || !w.first(seenKey{addr: v.Pointer(), typ: t, n: v.Len()}) {
			return true
		}
		fallthrough
	case reflect.Array:
		for i := range v.Len() {
			if !w.value(v.Index(i)) {
				return false
			}
		}
	case reflect.Map:
		if v.IsNil() || !w.first(seenKey{addr: v.Pointer(), typ: t}) {
			return true
		}
		for it := v.MapRange(); it.Next(); {
			if !w.value(it.Key()) || !w.value(it.Value()) {
				return false
			}
		}
	}
	return true
}

// first reports whether k is visited for the first time.
func (w *liveWalk) first(k seenKey) bool {
	if w.seen[k] {
		return false
	}
	w.seen[k] = true
	return true
}

// canHold reports whether a value of type t can reach an *rdd.RDD.
func (w *liveWalk) canHold(t reflect.Type) bool {
	if h, ok := w.holds[t]; ok {
		return h
	}
	holds, _ := w.typeHolds(t, map[reflect.Type]bool{})
	w.holds[t] = holds // known now, whatever the cycles through t
	return holds
}

// typeHolds is canHold's search: visiting are the types being looked
// at, whose answer is not known yet. A false answer that depended on one
// of them (cyclic) is not remembered: it may turn true once they are
// known.
func (w *liveWalk) typeHolds(t reflect.Type, visiting map[reflect.Type]bool) (holds, cyclic bool) {
	if h, ok := w.holds[t]; ok {
		return h, false
	}
	if visiting[t] {
		return false, true
	}
	switch {
	case t == rddPtrType || t.Kind() == reflect.Interface:
		holds = true
	case t == contextPtrType:
		holds = false
	default:
		visiting[t] = true
		var parts []reflect.Type
		switch t.Kind() {
		case reflect.Pointer, reflect.Slice, reflect.Array:
			parts = []reflect.Type{t.Elem()}
		case reflect.Map:
			parts = []reflect.Type{t.Key(), t.Elem()}
		case reflect.Struct:
			for i := range t.NumField() {
				if t.Field(i).IsExported() {
					parts = append(parts, t.Field(i).Type)
				}
			}
		}
		for _, p := range parts {
			h, c := w.typeHolds(p, visiting)
			cyclic = cyclic || c
			if h {
				holds = true
				break
			}
		}
		delete(visiting, t)
	}
	if holds || !cyclic {
		w.holds[t] = holds
	}
	return holds, cyclic
}

// goroutinesRunning reports whether goroutines that cells started still
// run.
func (s *Session) goroutinesRunning() bool {
	s.panicMu.Lock()
	defer s.panicMu.Unlock()
	for _, n := range s.liveGoroutines {
		if n > 0 {
			return true
		}
	}
	return false
}
