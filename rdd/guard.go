package rdd

import (
	"fmt"
	"reflect"
	"runtime"
	"runtime/debug"
)

// Guards. Each call of an interpreted user function goes through a guard
// that turns its panic into a *UserPanicError naming the method the
// function was passed to and the element it failed on, so that the report
// says which function failed and why, not only where in the engine it was
// recovered: an interpreter's panic has no frame of the user's code. A
// guard costs a deferred call per element (about 10ns), next to nothing
// beside an interpreted call (about 1µs) but a tenth of a word count's
// time per word with compiled functions, whose panics keep their file and
// line in the stack instead: compiled functions are not guarded. The panic
// path alone renders the element.

// maxElementText is the length, in runes, past which the element a user
// function failed on is cut in reports.
const maxElementText = 200

// guardPanic re-panics r, a value recovered from a call of the function
// passed to method on the elements args, as a *UserPanicError. The
// package's own failures and panics already explained by an inner guard
// (a user function called by another, a nested job) pass unchanged.
func guardPanic(method string, r any, args ...any) {
	switch r.(type) {
	case taskFailure, *JobError, *UserPanicError:
		panic(r)
	}
	panic(&UserPanicError{Value: r, Stack: string(debug.Stack()), Method: method, Element: elementText(args...)})
}

// elementText renders the arguments of a failed call for a report: each
// as fmt's %v, strings quoted, cut at maxElementText runes.
func elementText(args ...any) string {
	var text string
	for i, x := range args {
		if i > 0 {
			text += ", "
		}
		if s, ok := x.(string); ok {
			text += fmt.Sprintf("%q", s)
		} else {
			text += fmt.Sprintf("%v", x)
		}
	}
	return shorten(text, maxElementText)
}

// interpreted reports whether f, a user's function, was made by an
// interpreter: yaegi makes the funcs it hands compiled code with
// reflect.MakeFunc.
func interpreted(f any) bool {
	v := reflect.ValueOf(f)
	if v.Kind() != reflect.Func || v.IsNil() {
		return false
	}
	fn := runtime.FuncForPC(v.Pointer())
	return fn != nil && fn.Name() == "reflect.makeFuncStub"
}

// guard1 returns g, which calls the user's function f, guarded when f is
// interpreted: a panic in it names method and the element.
func guard1[T, R any](method string, f any, g func(T) R) func(T) R {
	if !interpreted(f) {
		return g
	}
	return func(x T) R {
		defer func() {
			if r := recover(); r != nil {
				guardPanic(method, r, x)
			}
		}()
		return g(x)
	}
}

// guard2 returns g, which calls the user's function f, guarded when f is
// interpreted: a panic in it names method and both arguments.
func guard2[A, B, R any](method string, f any, g func(A, B) R) func(A, B) R {
	if !interpreted(f) {
		return g
	}
	return func(a A, b B) R {
		defer func() {
			if r := recover(); r != nil {
				guardPanic(method, r, a, b)
			}
		}()
		return g(a, b)
	}
}

// guardMerge returns f guarded when it is one of the typed merges that
// ReduceByKey, FoldByKey and AggregateByKey call unboxed (see
// unboxedReduce), else f.
func guardMerge(method string, f any) any {
	switch g := f.(type) {
	case func(int, int) int:
		return guard2(method, f, g)
	case func(int64, int64) int64:
		return guard2(method, f, g)
	case func(float64, float64) float64:
		return guard2(method, f, g)
	}
	return f
}
