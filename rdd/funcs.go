package rdd

import (
	"fmt"
	"math"
	"reflect"

	"github.com/gosparkling/gosparkling/fileio/warc"
)

// User functions arrive as any. Each transformation adapts its function
// once, when it is created, into one of the internal shapes below. Common
// concrete func types take a fast path that calls them directly (no
// reflect.Call); anything else goes through reflection with Go-like
// lossless conversion of elements to the parameter types.

type (
	unaryFn  func(any) any
	predFn   func(any) bool
	binaryFn func(any, any) any
	// flatFn calls emit for each element of f(x)'s result and reports false
	// as soon as emit does.
	flatFn func(x any, emit func(any) bool) bool
)

// funcOf checks that f is a func of nIn parameters and nOut results and
// panics with a message naming method, the expected shape and f's type.
func funcOf(method, shape string, f any, nIn, nOut int) reflect.Value {
	v := reflect.ValueOf(f)
	if f == nil || v.Kind() != reflect.Func || v.IsNil() {
		panic(fmt.Sprintf("rdd.%s: expected a func of shape %s, got %s", method, shape, typeName(f)))
	}
	t := v.Type()
	if t.NumIn() != nIn || t.NumOut() != nOut || t.IsVariadic() {
		panic(fmt.Sprintf("rdd.%s: expected a func of shape %s, got %s", method, shape, t))
	}
	return v
}

func typeName(v any) string {
	if v == nil {
		return "nil"
	}
	return reflect.TypeOf(v).String()
}

// adaptUnary adapts f of shape func(T) R, guarded (see guard.go).
func adaptUnary(method string, f any) unaryFn {
	return guard1(method, f, unaryOf(method, f))
}

func unaryOf(method string, f any) unaryFn {
	fv := funcOf(method, "func(T) R", f, 1, 1)
	slow := slowUnary(method, fv)
	switch g := f.(type) {
	case func(any) any:
		return g
	case func(string) string:
		return fast1(g, slow)
	case func(string) any:
		return fast1(g, slow)
	case func(string) int:
		return fast1(g, slow)
	case func(string) Pair:
		return fast1(g, slow)
	case func(any) Pair:
		return fast1(g, slow)
	case func(Pair) any:
		return fast1(g, slow)
	case func(Pair) Pair:
		return fast1(g, slow)
	case func(Pair) int: // the keys of Top, TakeOrdered and SortBy on counts
		return fast1(g, slow)
	case func(Pair) int64:
		return fast1(g, slow)
	case func(Pair) float64:
		return fast1(g, slow)
	case func(Pair) string:
		return fast1(g, slow)
	case func(int) int:
		return fast1(g, slow)
	case func(int) any:
		return fast1(g, slow)
	case func(int64) int64:
		return fast1(g, slow)
	case func(float64) float64:
		return fast1(g, slow)
	}
	return slow
}

func fast1[T, R any](g func(T) R, slow unaryFn) unaryFn {
	return func(x any) any {
		if v, ok := x.(T); ok {
			return g(v)
		}
		return slow(x)
	}
}

func slowUnary(method string, fv reflect.Value) unaryFn {
	in := fv.Type().In(0)
	return func(x any) any {
		arg := convertArg(method, fv, in, x)
		return fv.Call([]reflect.Value{arg})[0].Interface()
	}
}

// adaptPredicate adapts f of shape func(T) bool, guarded (see guard.go).
func adaptPredicate(method string, f any) predFn {
	return guard1(method, f, predicateOf(method, f))
}

func predicateOf(method string, f any) predFn {
	fv := funcOf(method, "func(T) bool", f, 1, 1)
	if fv.Type().Out(0).Kind() != reflect.Bool {
		panic(fmt.Sprintf("rdd.%s: expected a func of shape func(T) bool, got %s", method, fv.Type()))
	}
	in := fv.Type().In(0)
	slow := func(x any) bool {
		return fv.Call([]reflect.Value{convertArg(method, fv, in, x)})[0].Bool()
	}
	switch g := f.(type) {
	case func(any) bool:
		return g
	case func(string) bool:
		return fastPred(g, slow)
	case func(int) bool:
		return fastPred(g, slow)
	case func(int64) bool:
		return fastPred(g, slow)
	case func(float64) bool:
		return fastPred(g, slow)
	case func(Pair) bool:
		return fastPred(g, slow)
	}
	return slow
}

func fastPred[T any](g func(T) bool, slow predFn) predFn {
	return func(x any) bool {
		if v, ok := x.(T); ok {
			return g(v)
		}
		return slow(x)
	}
}

// adaptBinary adapts f of shape func(A, B) R, as ReduceByKey and Reduce
// take, guarded (see guard.go).
func adaptBinary(method string, f any) binaryFn {
	return guard2(method, f, binaryOf(method, f))
}

func binaryOf(method string, f any) binaryFn {
	fv := funcOf(method, "func(A, B) R", f, 2, 1)
	t := fv.Type()
	inA, inB := t.In(0), t.In(1)
	slow := func(a, b any) any {
		args := []reflect.Value{convertArg(method, fv, inA, a), convertArg(method, fv, inB, b)}
		return fv.Call(args)[0].Interface()
	}
	switch g := f.(type) {
	case func(any, any) any:
		return g
	case func(int, int) int:
		return fast2(g, slow)
	case func(int64, int64) int64:
		return fast2(g, slow)
	case func(float64, float64) float64:
		return fast2(g, slow)
	case func(string, string) string:
		return fast2(g, slow)
	}
	return slow
}

func fast2[A, B, R any](g func(A, B) R, slow binaryFn) binaryFn {
	return func(x, y any) any {
		a, okA := x.(A)
		b, okB := y.(B)
		if okA && okB {
			return g(a, b)
		}
		return slow(x, y)
	}
}

// adaptFlat adapts f of shape func(T) S where S is any slice or array type.
func adaptFlat(method string, f any) flatFn {
	fv := funcOf(method, "func(T) []R", f, 1, 1)
	out := fv.Type().Out(0)
	if out.Kind() != reflect.Slice && out.Kind() != reflect.Array {
		panic(fmt.Sprintf("rdd.%s: expected a func of shape func(T) []R, got %s", method, fv.Type()))
	}
	in := fv.Type().In(0)
	call := guard1(method, f, func(x any) reflect.Value {
		return fv.Call([]reflect.Value{convertArg(method, fv, in, x)})[0]
	})
	slow := func(x any, emit func(any) bool) bool {
		res := call(x)
		for i := 0; i < res.Len(); i++ {
			if !emit(res.Index(i).Interface()) {
				return false
			}
		}
		return true
	}
	switch g := f.(type) {
	case func(string) []string:
		return fastFlat(guard1(method, f, g), slow)
	case func(string) []any:
		return fastFlat(guard1(method, f, g), slow)
	case func(any) []any:
		return fastFlat(guard1(method, f, g), slow)
	case func(string) []Pair:
		return fastFlat(guard1(method, f, g), slow)
	case func(any) []string:
		return fastFlat(guard1(method, f, g), slow)
	case func(*warc.Record) []Pair:
		return fastFlat(guard1(method, f, g), slow)
	case func(*warc.Record) []string:
		return fastFlat(guard1(method, f, g), slow)
	}
	return slow
}

func fastFlat[T, R any](g func(T) []R, slow flatFn) flatFn {
	return func(x any, emit func(any) bool) bool {
		v, ok := x.(T)
		if !ok {
			return slow(x, emit)
		}
		for _, r := range g(v) {
			if !emit(r) {
				return false
			}
		}
		return true
	}
}

// convertArg converts element x to the parameter type t of fv, or fails
// the task with a message naming the method, the element and the func.
func convertArg(method string, fv reflect.Value, t reflect.Type, x any) reflect.Value {
	if reflect.TypeOf(x) == t { // the common case, without convertValue's checks
		return reflect.ValueOf(x)
	}
	if v, ok := convertValue(x, t); ok {
		return v
	}
	failTaskf("rdd.%s: element of type %s (value %s) does not fit the parameter of %s%s",
		method, typeName(x), shorten(fmt.Sprintf("%v", x), 80), fv.Type(), unfitPart(x, t))
	return reflect.Value{}
}

// unfitPart names the first element of slice x that does not fit t's
// element type, for the message of a group that does not fit a typed
// slice parameter; "" when x is not such a slice.
func unfitPart(x any, t reflect.Type) string {
	v := reflect.ValueOf(x)
	if x == nil || t.Kind() != reflect.Slice || v.Kind() != reflect.Slice && v.Kind() != reflect.Array {
		return ""
	}
	for i := range v.Len() {
		e := v.Index(i).Interface()
		if _, ok := convertValue(e, t.Elem()); !ok {
			return fmt.Sprintf(": its element %d of type %s (value %s) does not fit %s",
				i, typeName(e), shorten(fmt.Sprintf("%v", e), 80), t.Elem())
		}
	}
	return ""
}

// convertValue converts x to type t where Go would do so without loss:
// assignable values as they are, nil to the zero value of nilable types,
// numbers to other numeric types that hold them exactly, values of the
// same basic kind to named types (string to type Word string), and slices
// and maps element by element by these rules, so that the []any of a
// group (GroupByKey, Cogroup, Glom, a partition) fits a []int parameter
// and a map[string]float64 a map[any]float64.
func convertValue(x any, t reflect.Type) (reflect.Value, bool) {
	if x == nil {
		switch t.Kind() {
		case reflect.Interface, reflect.Pointer, reflect.Slice, reflect.Map, reflect.Func, reflect.Chan:
			return reflect.Zero(t), true
		}
		return reflect.Value{}, false
	}
	v := reflect.ValueOf(x)
	if v.Type().AssignableTo(t) {
		return v, true
	}
	vc, tc := classify(v.Kind()), classify(t.Kind())
	if vc != notNumber && tc != notNumber {
		return convertNumber(v, vc, t, tc)
	}
	if v.Kind() == t.Kind() && v.Type().ConvertibleTo(t) {
		switch t.Kind() {
		case reflect.String, reflect.Bool, reflect.Slice, reflect.Map, reflect.Struct:
			return v.Convert(t), true
		}
	}
	switch {
	case t.Kind() == reflect.Slice && (v.Kind() == reflect.Slice || v.Kind() == reflect.Array):
		return convertSlice(v, t)
	case t.Kind() == reflect.Map && v.Kind() == reflect.Map:
		return convertMap(v, t)
	}
	return reflect.Value{}, false
}

// convertSlice converts the elements of slice or array v one by one into
// a new slice of type t.
func convertSlice(v reflect.Value, t reflect.Type) (reflect.Value, bool) {
	if v.Kind() == reflect.Slice && v.IsNil() {
		return reflect.Zero(t), true
	}
	out := reflect.MakeSlice(t, v.Len(), v.Len())
	for i := range v.Len() {
		e, ok := convertValue(v.Index(i).Interface(), t.Elem())
		if !ok {
			return reflect.Value{}, false
		}
		out.Index(i).Set(e)
	}
	return out, true
}

// convertMap converts the keys and values of map v one by one into a new
// map of type t.
func convertMap(v reflect.Value, t reflect.Type) (reflect.Value, bool) {
	if v.IsNil() {
		return reflect.Zero(t), true
	}
	out := reflect.MakeMapWithSize(t, v.Len())
	for it := v.MapRange(); it.Next(); {
		k, okK := convertValue(it.Key().Interface(), t.Key())
		e, okE := convertValue(it.Value().Interface(), t.Elem())
		if !okK || !okE {
			return reflect.Value{}, false
		}
		out.SetMapIndex(k, e)
	}
	return out, true
}

func convertNumber(v reflect.Value, vc numClass, t reflect.Type, tc numClass) (reflect.Value, bool) {
	out := reflect.New(t).Elem()
	switch {
	case vc == signedInt && tc == signedInt:
		if out.OverflowInt(v.Int()) {
			return reflect.Value{}, false
		}
		out.SetInt(v.Int())
	case vc == unsignedInt && tc == unsignedInt:
		if out.OverflowUint(v.Uint()) {
			return reflect.Value{}, false
		}
		out.SetUint(v.Uint())
	case vc == signedInt && tc == unsignedInt:
		if v.Int() < 0 || out.OverflowUint(uint64(v.Int())) {
			return reflect.Value{}, false
		}
		out.SetUint(uint64(v.Int()))
	case vc == unsignedInt && tc == signedInt:
		if v.Uint() > math.MaxInt64 || out.OverflowInt(int64(v.Uint())) {
			return reflect.Value{}, false
		}
		out.SetInt(int64(v.Uint()))
	case tc == floating:
		f := toFloat(v, vc)
		if !exactFloat(v, vc, f) || out.OverflowFloat(f) && !math.IsInf(f, 0) {
			return reflect.Value{}, false
		}
		out.SetFloat(f)
		if t.Kind() == reflect.Float32 && float64(float32(f)) != f && !math.IsNaN(f) {
			return reflect.Value{}, false
		}
	default: // float to integer: never implicit
		return reflect.Value{}, false
	}
	return out, true
}

// exactFloat reports whether f represents the number v exactly.
func exactFloat(v reflect.Value, c numClass, f float64) bool {
	switch c {
	case signedInt:
		return f >= -(1<<63) && f < 1<<63 && int64(f) == v.Int()
	case unsignedInt:
		return f >= 0 && f < 1<<64 && uint64(f) == v.Uint()
	}
	return true
}

// shorten cuts s to at most n runes, marking the cut with an ellipsis.
func shorten(s string, n int) string {
	r := []rune(s)
	if len(r) <= n {
		return s
	}
	return string(r[:n-1]) + "…"
}

// adaptPartitionFunc adapts f of shape func([]T) S, or func(int, []T) S
// when withIndex, into a call that feeds a partition's elements to f and
// pushes the elements of its result to emit, until t is stopped.
func adaptPartitionFunc(method string, f any, withIndex bool) func(t *task, p int, elems []any, emit func(any) bool) {
	shape, nIn := "func([]T) []R", 1
	if withIndex {
		shape, nIn = "func(int, []T) []R", 2
	}
	fv := funcOf(method, shape, f, nIn, 1)
	ft := fv.Type()
	in, out := ft.In(nIn-1), ft.Out(0)
	if in.Kind() != reflect.Slice || (out.Kind() != reflect.Slice && out.Kind() != reflect.Array) ||
		withIndex && classify(ft.In(0).Kind()) != signedInt {
		panic(fmt.Sprintf("rdd.%s: expected a func of shape %s, got %s", method, shape, ft))
	}
	switch g := f.(type) {
	case func([]any) []any:
		g = guard1(method, f, g)
		return func(t *task, _ int, elems []any, emit func(any) bool) { emitAll(t, g(elems), emit) }
	case func(int, []any) []any:
		g = guard2(method, f, g)
		return func(t *task, p int, elems []any, emit func(any) bool) { emitAll(t, g(p, elems), emit) }
	}
	call := guard1(method, f, func(args []reflect.Value) reflect.Value { return fv.Call(args)[0] })
	return func(t *task, p int, elems []any, emit func(any) bool) {
		slice := convertArg(method, fv, in, elems)
		args := []reflect.Value{slice}
		if withIndex {
			args = []reflect.Value{reflect.ValueOf(p).Convert(ft.In(0)), slice}
		}
		res := call(args)
		for i := 0; i < res.Len(); i++ {
			if t.stopped() || !emit(res.Index(i).Interface()) {
				return
			}
		}
	}
}

// emitAll pushes elems to emit, until emit returns false or t is stopped.
func emitAll(t *task, elems []any, emit func(any) bool) {
	for _, x := range elems {
		if t.stopped() || !emit(x) {
			return
		}
	}
}

// adaptConsumer adapts f of shape func(T), for Foreach, guarded (see
// guard.go).
func adaptConsumer(method string, f any) func(any) {
	fv := funcOf(method, "func(T)", f, 1, 0)
	g, ok := f.(func(any))
	if !ok {
		in := fv.Type().In(0)
		g = func(x any) { fv.Call([]reflect.Value{convertArg(method, fv, in, x)}) }
	}
	guarded := guard1(method, f, func(x any) struct{} { g(x); return struct{}{} })
	return func(x any) { guarded(x) }
}
