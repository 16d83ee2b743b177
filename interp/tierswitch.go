package interp

import (
	"fmt"
	"reflect"
	"sync/atomic"

	"github.com/gosparkling/gosparkling/fileio/warc"
	"github.com/gosparkling/gosparkling/internal/engine"
	"github.com/gosparkling/gosparkling/rdd"
)

// Function switches. A function handed to an RDD method other than the
// narrow transformations (ReduceByKey's merge, SortBy's key, Reduce's,
// Aggregate's, Foreach's...) is handed as a switch: a function of the same
// type that calls the interpreted function until its compiled form is
// ready, and the compiled one from then on, between two calls. The engine
// adapts it as it adapts any function of its type (the common types keep
// their unboxed paths: a switch of a func(int, int) int is one); one
// atomic load per call is all it adds. Other types switch through
// reflection.

// switchFunc returns a function of f's type that calls f until set
// points it to another function of that type, and set, which reports
// false, changing nothing, for a function of another type; set(nil)
// points it back to f. While it calls f, a panic in f reads as the
// engine's guard of interpreted functions makes it, naming method and
// the element.
func switchFunc(method string, f any) (sw any, set func(any) bool) {
	switch g := f.(type) {
	// Merges, reducers, folds, combiners.
	case func(int, int) int:
		return switch2(method, g)
	case func(int64, int64) int64:
		return switch2(method, g)
	case func(float64, float64) float64:
		return switch2(method, g)
	case func(string, string) string:
		return switch2(method, g)
	case func(any, any) any:
		return switch2(method, g)
	case func([]any, any) []any:
		return switch2(method, g)
	case func([]string, string) []string:
		return switch2(method, g)
	case func(map[string]int, string) map[string]int:
		return switch2(method, g)
	// Keys, predicates, combiner makers.
	case func(string) string:
		return switch1(method, g)
	case func(string) int:
		return switch1(method, g)
	case func(string) int64:
		return switch1(method, g)
	case func(string) float64:
		return switch1(method, g)
	case func(string) bool:
		return switch1(method, g)
	case func(string) any:
		return switch1(method, g)
	case func(int) int:
		return switch1(method, g)
	case func(int) any:
		return switch1(method, g)
	case func(int) bool:
		return switch1(method, g)
	case func(int64) int64:
		return switch1(method, g)
	case func(int64) any:
		return switch1(method, g)
	case func(int64) bool:
		return switch1(method, g)
	case func(float64) float64:
		return switch1(method, g)
	case func(float64) any:
		return switch1(method, g)
	case func(any) any:
		return switch1(method, g)
	case func(any) bool:
		return switch1(method, g)
	case func(any) int:
		return switch1(method, g)
	case func(any) string:
		return switch1(method, g)
	case func(rdd.Pair) any:
		return switch1(method, g)
	case func(rdd.Pair) int:
		return switch1(method, g)
	case func(rdd.Pair) int64:
		return switch1(method, g)
	case func(rdd.Pair) float64:
		return switch1(method, g)
	case func(rdd.Pair) string:
		return switch1(method, g)
	case func(rdd.Pair) bool:
		return switch1(method, g)
	case func(int) []any:
		return switch1(method, g)
	case func(string) []string:
		return switch1(method, g)
	// Foreach.
	case func(any):
		return switch0(method, g)
	case func(string):
		return switch0(method, g)
	case func(rdd.Pair):
		return switch0(method, g)
	}
	return switchReflect(f)
}

func switch0[T any](method string, f func(T)) (any, func(any) bool) {
	guarded := func(x T) {
		defer func() {
			if r := recover(); r != nil {
				engine.GuardPanic(method, r, x)
			}
		}()
		f(x)
	}
	var p atomic.Pointer[func(T)]
	p.Store(&guarded)
	return func(x T) { (*p.Load())(x) }, func(g any) bool {
		h, ok := g.(func(T))
		if ok {
			p.Store(&h)
		}
		return ok
	}
}

func switch1[T, R any](method string, f func(T) R) (any, func(any) bool) {
	guarded := func(x T) R {
		defer func() {
			if r := recover(); r != nil {
				engine.GuardPanic(method, r, x)
			}
		}()
		return f(x)
	}
	var p atomic.Pointer[func(T) R]
	p.Store(&guarded)
	return func(x T) R { return (*p.Load())(x) }, func(g any) bool {
		if g == nil {
			p.Store(&guarded)
			return true
		}
		h, ok := g.(func(T) R)
		if ok {
			p.Store(&h)
		}
		return ok
	}
}

func switch2[A, B, R any](method string, f func(A, B) R) (any, func(any) bool) {
	guarded := func(a A, b B) R {
		defer func() {
			if r := recover(); r != nil {
				engine.GuardPanic(method, r, a, b)
			}
		}()
		return f(a, b)
	}
	var p atomic.Pointer[func(A, B) R]
	p.Store(&guarded)
	return func(a A, b B) R { return (*p.Load())(a, b) }, func(g any) bool {
		if g == nil {
			p.Store(&guarded)
			return true
		}
		h, ok := g.(func(A, B) R)
		if ok {
			p.Store(&h)
		}
		return ok
	}
}

// generalForm returns fn, an interpreted function passed to method, as
// the engine calls functions of its shape: a func(any) bool, func(any) any
// or func(any, any) any, the type shape, that calls fn through reflection
// and guards it; nil when shape is nil (fn has a type the engine calls
// fast) or another.
func generalForm(method string, fn any, shape reflect.Type) any {
	switch shape {
	case reflect.TypeFor[func(any) bool]():
		return engine.PredicateFunc(method, fn)
	case reflect.TypeFor[func(any) any]():
		return engine.UnaryFunc(method, fn)
	case reflect.TypeFor[func(any, any) any]():
		return engine.BinaryFunc(method, fn)
	}
	return nil
}

// switchReflect is switchFunc for any function type, through reflection.
// The engine guards the switch itself, a function reflect made.
func switchReflect(f any) (any, func(any) bool) {
	v := reflect.ValueOf(f)
	t := v.Type()
	var p atomic.Pointer[reflect.Value]
	p.Store(&v)
	sw := reflect.MakeFunc(t, func(args []reflect.Value) []reflect.Value {
		return callAs(*p.Load(), t, args)
	})
	first := v
	return sw.Interface(), func(g any) bool {
		if g == nil {
			p.Store(&first)
			return true
		}
		w := reflect.ValueOf(g)
		if !w.IsValid() || !sameType(w.Type(), t) {
			return false
		}
		p.Store(&w)
		return true
	}
}

// convertTo returns v as a value of t: itself when it is assignable, else
// converted (a struct yaegi made to the plugin's, or back).
// callAs calls g with args, the arguments of a function of type t, and
// returns its results as t's. g may be a plugin's function, of the same
// type with the plugin's descriptors of its structs, which are yaegi's
// types but not the same descriptors: its arguments and results are
// converted.
func callAs(g reflect.Value, t reflect.Type, args []reflect.Value) []reflect.Value {
	gt := g.Type()
	if gt != t {
		for i, a := range args {
			args[i] = convertTo(a, gt.In(i))
		}
	}
	var out []reflect.Value
	if t.IsVariadic() {
		out = g.CallSlice(args)
	} else {
		out = g.Call(args)
	}
	if gt != t {
		for i, o := range out {
			out[i] = convertTo(o, t.Out(i))
		}
	}
	return out
}

func convertTo(v reflect.Value, t reflect.Type) reflect.Value {
	if v.Type().AssignableTo(t) || !v.Type().ConvertibleTo(t) {
		return v
	}
	return v.Convert(t)
}

// engineFastTypes are the function types the engine calls without
// reflection (rdd's funcs.go and typed.go): a compiled function of another
// type is handed to methods as a func(any) any, func(any) bool or
// func(any, any) any that the plugin makes (fastShape).
var engineFastTypes = func() map[reflect.Type]bool {
	m := map[reflect.Type]bool{}
	for _, f := range []any{
		(func(any) any)(nil), (func(string) string)(nil), (func(string) any)(nil), (func(string) int)(nil),
		(func(string) int64)(nil), (func(string) rdd.Pair)(nil), (func(any) rdd.Pair)(nil), (func(rdd.Pair) any)(nil),
		(func(rdd.Pair) rdd.Pair)(nil), (func(int) int)(nil), (func(int) any)(nil), (func(int) rdd.Pair)(nil),
		(func(int64) int64)(nil), (func(int64) any)(nil), (func(int64) rdd.Pair)(nil), (func(float64) float64)(nil),
		(func(any) bool)(nil), (func(string) bool)(nil), (func(int) bool)(nil), (func(int64) bool)(nil),
		(func(float64) bool)(nil), (func(rdd.Pair) bool)(nil),
		(func(any, any) any)(nil), (func(int, int) int)(nil), (func(int64, int64) int64)(nil),
		(func(float64, float64) float64)(nil), (func(string, string) string)(nil),
		// rdd's switches (tier.go) take these as they are.
		(func(*warc.Record) bool)(nil), (func(*warc.Record) string)(nil), (func(*warc.Record) rdd.Pair)(nil),
	} {
		m[reflect.TypeOf(f)] = true
	}
	return m
}()

// fastShape returns the Go source of a plugin function named name that
// returns ctor's function, of type t passed to method, wrapped as the
// engine calls fastest: a func(any) any (func(any) bool for Filter) or
// func(any, any) any that calls it directly when the elements have its
// parameters' types and otherwise slow, its last parameter, which the
// session makes of the function with the engine's adapter (converting,
// as for the function itself, or failing with the engine's error); and
// the type of the wrapped function. The plugin needs nothing of the
// engine for it. "" when t is one the engine calls fast already, or
// another shape.
func fastShape(name, ctor, params, args string, t reflect.Type, method string, in []string) (src string, shape reflect.Type) {
	if engineFastTypes[t] || t.IsVariadic() || t.NumOut() != 1 {
		return "", nil
	}
	m, _ := rdd.MethodOf(method)
	// assert is how the form takes x, a value the engine boxed, as a
	// parameter of type typ: a struct the interpreter made has its
	// descriptor, which the plugin's assertions reject (structHelpers).
	assert := func(x, typ string) string {
		if mentionsStruct(typ) {
			return "gsAs2[" + typ + "](" + x + ")"
		}
		return x + ".(" + typ + ")"
	}
	var body string
	switch {
	case t.NumIn() == 1 && m.Takes(rdd.ShapePredicate) && t.Out(0).Kind() == reflect.Bool:
		shape = reflect.TypeFor[func(any) bool]()
		body = fmt.Sprintf("\treturn func(x any) bool {\n\t\tif v, ok := %s; ok {\n\t\t\treturn f(v)\n\t\t}\n\t\treturn slow(x)\n\t}\n", assert("x", in[0]))
	case t.NumIn() == 1 && m.Takes(rdd.ShapeUnary):
		shape = reflect.TypeFor[func(any) any]()
		body = fmt.Sprintf("\treturn func(x any) any {\n\t\tif v, ok := %s; ok {\n\t\t\treturn f(v)\n\t\t}\n\t\treturn slow(x)\n\t}\n", assert("x", in[0]))
	case t.NumIn() == 2 && m.Takes(rdd.ShapeBinary):
		shape = reflect.TypeFor[func(any, any) any]()
		body = fmt.Sprintf("\treturn func(x, y any) any {\n\t\ta, okA := %s\n\t\tb, okB := %s\n\t\tif okA && okB {\n\t\t\treturn f(a, b)\n\t\t}\n\t\treturn slow(x, y)\n\t}\n", assert("x", in[0]), assert("y", in[1]))
	default:
		return "", nil
	}
	if params != "" {
		params += ", "
	}
	params += "slow " + shape.String()
	return fmt.Sprintf("\n// %s returns %s's function as the engine calls it fastest.\nfunc %s(%s) any {\n\tf := %s(%s)\n%s}\n", name, ctor, name, params, ctor, args, body), shape
}
