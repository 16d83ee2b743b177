package rdd_test

import (
	"errors"
	"reflect"
	"strings"
	"testing"

	"github.com/gosparkling/gosparkling/rdd"
)

// interpreted returns f made with reflect.MakeFunc, as yaegi makes the
// funcs of a notebook's cells.
func interpreted[F any](f F) F {
	v := reflect.ValueOf(f)
	return reflect.MakeFunc(v.Type(), func(args []reflect.Value) []reflect.Value { return v.Call(args) }).Interface().(F)
}

// A panic in an interpreted function passed to a method is reported with
// that method, the element the function failed on and the panic value,
// whichever path (typed, reflective, unboxed) called the function.
func TestUserPanicNamesTheMethodAndTheElement(t *testing.T) {
	sc := rdd.NewContext()
	words := sc.Parallelize([]string{"a"})
	nums := sc.Parallelize([]int{1, 2})
	long := strings.Repeat("x", 500)
	tests := []struct {
		name            string
		run             func()
		method, element string
		value           string
	}{
		{"typed Map", func() { words.Map(interpreted(func(s string) string { return s[5:] })).Collect() },
			"Map", `"a"`, "slice bounds out of range"},
		{"reflective Map", func() { words.Map(interpreted(func(s string) []byte { return []byte(s[5:]) })).Collect() },
			"Map", `"a"`, "slice bounds out of range"},
		{"Filter", func() { words.Filter(interpreted(func(s string) bool { panic("no " + s) })).Count() },
			"Filter", `"a"`, "no a"},
		{"FlatMap", func() { words.FlatMap(interpreted(func(s string) []string { panic("flat") })).Count() },
			"FlatMap", `"a"`, "flat"},
		{"KeyBy", func() { nums.KeyBy(interpreted(func(x int) int { return 10 / (x - 1) })).Count() },
			"KeyBy", "1", "integer divide by zero"},
		{"unboxed ReduceByKey", func() {
			nums.Map(func(x int) rdd.Pair { return rdd.Pair{Key: 0, Value: x} }).
				ReduceByKey(interpreted(func(a, b int) int { panic("merge") })).Collect()
		}, "ReduceByKey", "1, 2", "merge"},
		{"Reduce", func() { nums.Coalesce(1).Reduce(interpreted(func(a, b int) int { panic("reduce") })) },
			"Reduce", "1, 2", "reduce"},
		{"Foreach", func() { words.Foreach(interpreted(func(s string) { panic("each") })) },
			"Foreach", `"a"`, "each"},
		{"long element cut", func() {
			sc.Parallelize([]string{long}).Map(interpreted(func(s string) int { panic("long") })).Count()
		}, "Map", `"` + strings.Repeat("x", 198) + "…", "long"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			err := rdd.Try(tt.run)
			var up *rdd.UserPanicError
			if !errors.As(err, &up) {
				t.Fatalf("error %v (%T) has no UserPanicError", err, err)
			}
			if up.Method != tt.method || up.Element != tt.element {
				t.Errorf("method %q, element %q; want %q, %q", up.Method, up.Element, tt.method, tt.element)
			}
			for _, want := range []string{tt.value, tt.method, "user function panicked"} {
				if !strings.Contains(err.Error(), want) {
					t.Errorf("error %q does not mention %q", err, want)
				}
			}
		})
	}
}

// A compiled function is not guarded (a guard costs a tenth of a word
// count's time): its panic keeps Go's message and its stack its line.
func TestCompiledFunctionPanicsKeepTheirStack(t *testing.T) {
	sc := rdd.NewContext()
	err := rdd.Try(func() {
		sc.Parallelize([]string{"a"}).Map(func(s string) string { return s[5:] }).Collect()
	})
	var up *rdd.UserPanicError
	if !errors.As(err, &up) {
		t.Fatalf("error %v (%T) has no UserPanicError", err, err)
	}
	if !strings.Contains(err.Error(), "slice bounds out of range [5:1]") || !strings.Contains(up.Stack, "guard_test.go") {
		t.Errorf("error %q, stack without the test's line:\n%s", err, up.Stack)
	}
}
