package rdd

import (
	"reflect"

	"github.com/gosparkling/gosparkling/fileio/warc"
)

// Typed sources let fused narrow stages hand elements along unboxed.
//
// Every RDD pushes its elements as any through compute. Boxing a string, an
// int64 or a Pair into an interface allocates, and in a stage such as
// TextFile → FlatMap(strings.Fields) → Map(func(string) Pair) →
// ReduceByKey that is two or three allocations per word for values that
// live a few nanoseconds. So an RDD whose elements are known to be all
// strings, all int64s or all Pairs may also offer a typed source: the same
// elements, in the same order, pushed as T. A transformation whose func
// takes T reads its parent's typed source when there is one, and offers a
// typed source itself when its func returns string, int64 or Pair; its
// compute then boxes each element once, at the end of the chain. The
// shuffle's map side reads Pairs from a typed source, so a Pair made by a
// Map func is never boxed at all.
//
// Typed sources never change what an RDD computes: elements that do not
// have the func's parameter type take the adapted (reflective) path as
// before, and a persisted parent is read through its cache.

// source pushes the elements of partition p as T to emit, stopping when
// emit returns false or the task is stopped.
type source[T any] func(t *task, p int, emit func(T) bool)

// typedOf returns a source of r's elements as T when r knows them all to
// be T (T is string, int64 or Pair), else nil. The source reads a
// persisted r through its cache.
func typedOf[T any](r *RDD) source[T] {
	var raw source[T]
	switch s := any(&raw).(type) {
	case *source[string]:
		*s = r.strs
	case *source[int64]:
		*s = r.int64s
	case *source[Pair]:
		*s = r.pairs
	}
	if raw == nil {
		return nil
	}
	return func(t *task, p int, emit func(T) bool) {
		if r.cacheIfPersisted() != nil {
			r.iterate(t, p, func(x any) bool { return emit(x.(T)) })
			return
		}
		raw(t, p, emit)
	}
}

// setSource makes src out's typed source when R is string, int64 or Pair,
// and out's compute src's elements, boxed.
func setSource[R any](out *RDD, src source[R]) {
	switch s := any(src).(type) {
	case source[string]:
		out.strs = s
	case source[int64]:
		out.int64s = s
	case source[Pair]:
		out.pairs = s
	}
	out.compute = func(t *task, p int, emit func(any) bool) {
		src(t, p, func(x R) bool { return emit(x) })
	}
}

// as returns x as R; nil gives R's zero value (nil for an interface R).
func as[R any](x any) R {
	v, _ := x.(R)
	return v
}

// elementsAs returns a source of r's elements for a func taking T: r's
// typed source when it has one, else its boxed elements, those of type T
// given to direct and the others to slow (the adapted func, which
// converts them or fails the task).
func elementsAs[T, R any](r *RDD, direct func(T) R, slow func(any) R) source[R] {
	if in := typedOf[T](r); in != nil {
		return func(t *task, p int, emit func(R) bool) {
			in(t, p, func(x T) bool { return emit(direct(x)) })
		}
	}
	return func(t *task, p int, emit func(R) bool) {
		r.iterate(t, p, func(x any) bool {
			if v, ok := x.(T); ok {
				return emit(direct(v))
			}
			return emit(slow(x))
		})
	}
}

// typedMap sets the typed source and compute of out = r.Map(g) for the
// common func shapes; it reports false for others.
func typedMap(out, r *RDD, f any, slow unaryFn) bool {
	switch g := f.(type) {
	case func(string) string:
		setSource(out, mapSource(r, g, slow))
	case func(string) Pair:
		setSource(out, mapSource(r, g, slow))
	case func(string) any:
		setSource(out, mapSource(r, g, slow))
	case func(string) int:
		setSource(out, mapSource(r, g, slow))
	case func(string) int64:
		setSource(out, mapSource(r, g, slow))
	case func(int64) int64:
		setSource(out, mapSource(r, g, slow))
	case func(int64) Pair:
		setSource(out, mapSource(r, g, slow))
	case func(int64) any:
		setSource(out, mapSource(r, g, slow))
	case func(int64) string:
		setSource(out, mapSource(r, g, slow))
	case func(int64) int:
		setSource(out, mapSource(r, g, slow))
	case func(int64) float64:
		setSource(out, mapSource(r, g, slow))
	case func(Pair) Pair:
		setSource(out, mapSource(r, g, slow))
	case func(Pair) any:
		setSource(out, mapSource(r, g, slow))
	case func(any) Pair:
		setSource(out, mapSource(r, g, slow))
	case func(int) Pair:
		setSource(out, mapSource(r, g, slow))
	default:
		return false
	}
	return true
}

func mapSource[T, R any](r *RDD, g func(T) R, slow unaryFn) source[R] {
	return elementsAs(r, guard1("Map", g, g), func(x any) R { return as[R](slow(x)) })
}

// typedFlatMap sets the typed source and compute of out = r.FlatMap(g)
// for the common func shapes; it reports false for others.
func typedFlatMap(out, r *RDD, f any, slow flatFn) bool {
	switch g := f.(type) {
	case func(string) []string:
		setSource(out, flatSource(r, g, slow))
	case func(string) []Pair:
		setSource(out, flatSource(r, g, slow))
	case func(string) []any:
		setSource(out, flatSource(r, g, slow))
	case func(any) []string:
		setSource(out, flatSource(r, g, slow))
	case func(Pair) []Pair:
		setSource(out, flatSource(r, g, slow))
	case func(*warc.Record) []Pair:
		setSource(out, flatSource(r, g, slow))
	case func(*warc.Record) []string:
		setSource(out, flatSource(r, g, slow))
	default:
		// A func(T) []Pair, []string or []int64 of another T (a struct,
		// a pointer...): called through reflection, its slice is read
		// whole, and its elements flow on unboxed.
		if g, ok := reflectFlat[Pair]("FlatMap", f); ok {
			setSource(out, flatSource(r, g, slow))
		} else if g, ok := reflectFlat[string]("FlatMap", f); ok {
			setSource(out, flatSource(r, g, slow))
		} else if g, ok := reflectFlat[int64]("FlatMap", f); ok {
			setSource(out, flatSource(r, g, slow))
		} else {
			return false
		}
	}
	return true
}

// reflectFlat returns f, a func(T) []R, as a func(any) []R that calls it
// through reflection (converting its argument as adaptFlat does), guarded
// when f is interpreted; false when f returns another type than []R.
func reflectFlat[R any](method string, f any) (func(any) []R, bool) {
	fv := reflect.ValueOf(f)
	if f == nil || fv.Kind() != reflect.Func || fv.IsNil() {
		return nil, false
	}
	ft := fv.Type()
	if ft.NumIn() != 1 || ft.NumOut() != 1 || ft.IsVariadic() || ft.Out(0) != reflect.TypeFor[[]R]() {
		return nil, false
	}
	in := ft.In(0)
	return guard1(method, f, func(x any) []R {
		return fv.Call([]reflect.Value{convertArg(method, fv, in, x)})[0].Interface().([]R)
	}), true
}

// flatSource pushes the elements of g(x) for every element x of r.
func flatSource[T, R any](r *RDD, g func(T) []R, slow flatFn) source[R] {
	g = guard1("FlatMap", g, g)
	if in := typedOf[T](r); in != nil {
		return func(t *task, p int, emit func(R) bool) {
			in(t, p, func(x T) bool { return emitEach(g(x), emit) })
		}
	}
	return func(t *task, p int, emit func(R) bool) {
		r.iterate(t, p, func(x any) bool {
			if v, ok := x.(T); ok {
				return emitEach(g(v), emit)
			}
			return slow(x, func(y any) bool { return emit(as[R](y)) })
		})
	}
}

func emitEach[R any](elems []R, emit func(R) bool) bool {
	for _, x := range elems {
		if !emit(x) {
			return false
		}
	}
	return true
}

// typedFilter gives out = r.Filter(f) the typed source of r, filtered.
func typedFilter(out, r *RDD, f any, pred predFn) {
	switch {
	case r.strs != nil:
		setSource(out, filterSource(typedOf[string](r), f, pred))
	case r.int64s != nil:
		setSource(out, filterSource(typedOf[int64](r), f, pred))
	case r.pairs != nil:
		setSource(out, filterSource(typedOf[Pair](r), f, pred))
	}
}

// filterSource keeps the elements of in for which f (or its adapted form
// pred, when f does not take T) holds.
func filterSource[T any](in source[T], f any, pred predFn) source[T] {
	keep, ok := f.(func(T) bool)
	if !ok {
		keep = func(x T) bool { return pred(x) }
	} else {
		keep = guard1("Filter", f, keep)
	}
	return func(t *task, p int, emit func(T) bool) {
		in(t, p, func(x T) bool {
			if keep(x) {
				return emit(x)
			}
			return true
		})
	}
}

// pairsOf returns a source of r's elements as Pairs: r's typed source, or
// its boxed elements, failing the task naming method on one that is not
// a Pair.
func pairsOf(method string, r *RDD) source[Pair] {
	if in := typedOf[Pair](r); in != nil {
		return in
	}
	return func(t *task, p int, emit func(Pair) bool) {
		r.iterate(t, p, func(x any) bool { return emit(asPair(method, x)) })
	}
}

// keyedString is a Pair whose key and value are strings, unboxed.
type keyedString struct {
	key, value string
}

// keyedStringsOf returns a source of r's Pairs as keyedStrings when r
// knows their keys and values to be strings, else nil. The source reads a
// persisted r through its cache.
func keyedStringsOf(r *RDD) source[keyedString] {
	raw := r.keyedStrs
	if raw == nil {
		return nil
	}
	return func(t *task, p int, emit func(keyedString) bool) {
		if r.cacheIfPersisted() != nil {
			r.iterate(t, p, func(x any) bool {
				kv := x.(Pair)
				return emit(keyedString{kv.Key.(string), kv.Value.(string)})
			})
			return
		}
		raw(t, p, emit)
	}
}
