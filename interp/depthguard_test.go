package interp

import (
	"strings"
	"testing"
)

func TestRunawayRecursionIsACellError(t *testing.T) {
	s := newSession(t)
	decls := []string{
		`kept := "state"`,
		`func rec(n int) int { return rec(n+1) + 1 }`,
		"func isEven(n int) bool {\n\tif n == 0 {\n\t\treturn true\n\t}\n\treturn isOdd(n - 1)\n}\nfunc isOdd(n int) bool {\n\tif n == 0 {\n\t\treturn false\n\t}\n\treturn isEven(n - 1)\n}",
		`func sum(xs ...int) (total int) { if len(xs) == 0 { return 0 }; return xs[0] + sum(xs[1:]...) }`,
		`func count(_ int, _ string, n int) int { if n == 0 { return 0 }; return 1 + count(0, "", n-1) }`,
		`func spin(int, string) {
	spin(1, "")
}`,
		`func walk(n int, out *[]int) { if n == 0 { return }; *out = append(*out, n); walk(n-1, out) }`,
		`func pair(n int) (int, string) { if n == 0 { return 0, "" }; a, b := pair(n - 1); return a + 1, b + "x" }`,
		`func viaClosure(n int) int { if n == 0 { return 0 }; f := func() int { return viaClosure(n-1) + 1 }; return f() }`,
		`func fib(n int) int { if n < 2 { return n }; return fib(n-1) + fib(n-2) }`,
	}
	for i, code := range decls {
		// The functions after rec stop at a lower depth, which they keep,
		// so that the test runs quickly with the race detector.
		if i == 2 {
			defer func(limit int) { maxCallDepth = limit }(maxCallDepth)
			maxCallDepth = 2000
		}
		if got := execute(t, s, code); got.err != nil {
			t.Fatalf("%s: %v", code, got.err)
		}
	}
	works := []struct{ code, plain string }{
		{"isEven(10)", "true"},
		{"isOdd(7)", "true"},
		{"sum(1, 2, 3, 4)", "10"},
		{`count(0, "", 5)`, "5"},
		{"var got []int\nwalk(3, &got)\nfmt.Sprint(got)", "[3 2 1]"},
		{"pair(3)", "3\nxxx"},
		{"viaClosure(100)", "100"},
		{"fib(20)", "6765"},
		{"count(0, \"\", 1990)", "1990"},
		{"f := rec\n_ = f\nkept", "state"},
		{"fmt.Sprint(sc.Parallelize([]int{10, 20}, 2).Map(func(n int) int { return fib(n) }).Collect())", "[55 6765]"},
	}
	for _, tt := range works {
		got := execute(t, s, tt.code)
		if got.err != nil || got.plain != tt.plain {
			t.Errorf("%s: got %q, %v; want %q", tt.code, got.plain, got.err, tt.plain)
		}
	}
	tooDeep := []struct{ code, ename, want string }{
		{"rec(0)", "panic", "stack overflow: rec called itself more than 50000 deep (In [2], line 1)"},
		// Either of the two reaches the limit first.
		{"isEven(1000000)", "panic", "called itself (through is"},
		{"isOdd(1000001)", "panic", "more than 2000 deep (In [3], line"},
		{"viaClosure(100000)", "panic", "viaClosure called itself"},
		{"spin(0, \"\")", "panic", "spin called itself more than 2000 deep (In [6], line 1)"},
		// On a worker goroutine too: the cell is stopped, with the message.
		{"sc.Parallelize([]int{1, 2}, 2).Map(func(n int) int { return viaClosure(n * 10000) }).Count()", "panic", "viaClosure called itself more than 2000 deep"},
		{"done := make(chan bool)\ngo func() { defer close(done); spin(0, \"\") }()\n<-done", "panic", "spin called itself more than 2000 deep"},
	}
	for _, tt := range tooDeep {
		got := execute(t, s, tt.code)
		if got.err == nil || got.err.Name != tt.ename || !strings.Contains(got.err.Value, tt.want) {
			t.Errorf("%s: got %+v (%v), want a %s with %q", tt.code, got, got.err, tt.ename, tt.want)
		}
		if after := execute(t, s, "kept"); after.err != nil || after.plain != "state" {
			t.Errorf("after %s: %+v", tt.code, after)
		}
	}
}

func TestGuardedRecursionKeepsLinesOfErrors(t *testing.T) {
	s := newSession(t)
	got := execute(t, s, "func down(n int) int {\n\tif n == 0 {\n\t\tpanic(\"bottom\")\n\t}\n\treturn down(n - 1)\n}\ndown(3)")
	if got.err == nil || !strings.Contains(got.err.Value, "bottom") {
		t.Fatalf("got %+v", got)
	}
	// The panic points at its line, in down, not in down's guarded twin.
	if tb := strings.Join(got.err.Traceback, "\n"); !strings.Contains(tb, "line 3") || !strings.Contains(tb, "in down") || strings.Contains(tb, twinPrefix) {
		t.Errorf("traceback %q does not show down's frames as yaegi does", tb)
	}
	got = execute(t, s, "func bad(n int) int {\n\treturn bad(n) + \"s\"\n}")
	if got.err == nil || !strings.Contains(got.err.Value, "line 2") {
		t.Errorf("compile error %+v does not point at line 2", got.err)
	}
}
