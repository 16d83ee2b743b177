package interp

import (
	"bytes"
	"strings"
	"testing"
)

// Panics, in a cell or in a function passed to an RDD method, show the
// panic value in Go's words, the cell and line, the source line with an
// arrow, and no frames of the engine, yaegi or reflect, which go to the
// session's log.
func TestPanicsAreReportedAsGoWithTheCellLine(t *testing.T) {
	tests := []struct {
		name, code string
		value      string
		want       []string // lines of the traceback, colours removed, that must be there
	}{
		{"slice bounds in a Map func", "xs := []string{\"a\"}\nsc.Parallelize(xs).Map(func(s string) string {\n\treturn s[5:]\n}).Collect()",
			"runtime error: slice bounds out of range",
			[]string{"panic: runtime error: slice bounds out of range",
				`Cell In [1], line 3, in the function passed to Map, on element "a"`,
				"----> 3 \treturn s[5:]"}},
		{"index in a Filter func on one line", `sc.Parallelize([]int{7}).Filter(func(x int) bool { return []int{}[x] > 0 }).Count()`,
			"runtime error: index out of range",
			[]string{"panic: runtime error: index out of range",
				"Cell In [1], line 1, in the function passed to Filter, on element 7"}},
		{"panic value of a KeyBy func", "words := sc.Parallelize([]string{\"x\"})\nkeyed := words.KeyBy(func(w string) string {\n\tif w == \"x\" {\n\t\tpanic(\"no x\")\n\t}\n\treturn w\n})\nkeyed.Count()",
			"no x",
			[]string{"panic: no x", `Cell In [1], line 4, in the function passed to KeyBy, on element "x"`, `----> 4 		panic("no x")`}},
		{"index in the cell", "xs := []int{1}\n_ = xs[3]", "runtime error: index out of range",
			[]string{"panic: runtime error: index out of range", "Cell In [1], line 2", "----> 2 _ = xs[3]"}},
		{"nil map in the cell", "var m map[string]int\nn := 1\nm[\"a\"] = n", "assignment to entry in nil map",
			[]string{"panic: assignment to entry in nil map", "Cell In [1], line 3", `----> 3 m["a"] = n`}},
		{"index in a goroutine", "done := make(chan bool)\ngo func() {\n\tdefer close(done)\n\t_ = []int{}[3]\n}()\n<-done", "in a goroutine: runtime error: index out of range",
			[]string{"panic: runtime error: index out of range", "in a goroutine started by this cell"}},
		{"type assertion in the cell", "var x any = \"s\"\nn := x.(int)\n_ = n", "interface conversion: interface {} is string, not int",
			[]string{"Cell In [1], line 2", "----> 2 n := x.(int)"}},
		{"type assertion in a multi-line Map func", "sc.Parallelize([]any{\"a\"}).Map(func(v any) int {\n\tn := 1\n\treturn v.(int) + n\n}).Collect()",
			"interface conversion: interface {} is string, not int",
			[]string{`Cell In [1], line 3, in the function passed to Map, on element "a"`, "----> 3 \treturn v.(int) + n"}},
		{"division by zero in the cell", "z := 0\nq := 3 / z\n_ = q", "runtime error: integer divide by zero",
			[]string{"Cell In [1], line 2", "----> 2 q := 3 / z"}},
		{"close of a nil channel", "var ch chan int\nclose(ch)", "close of nil channel",
			[]string{"Cell In [1], line 2", "----> 2 close(ch)"}},
		{"nil pointer in the cell", "type pt struct{ X int }\nvar p *pt\n_ = p.X", "runtime error: invalid memory address or nil pointer dereference",
			[]string{"Cell In [1], line 3", "----> 3 _ = p.X"}},
		{"panic in a function of the cell", "func f(n int) int {\n\tif n > 0 {\n\t\tpanic(\"positive\")\n\t}\n\treturn n\n}\nf(1)", "positive",
			[]string{"panic: positive", "Cell In [1], line 3, in f", `----> 3 		panic("positive")`}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s := newSession(t)
			var log bytes.Buffer
			s.log = &log
			got := execute(t, s, tt.code)
			if got.err == nil {
				t.Fatalf("cell succeeded with %q", got.plain)
			}
			if got.err.Name != "panic" || got.err.Value != tt.value {
				t.Errorf("ename %q, evalue %q; want panic, %q", got.err.Name, got.err.Value, tt.value)
			}
			plain := stripANSI(strings.Join(got.err.Traceback, "\n"))
			for _, w := range tt.want {
				if !strings.Contains(plain, w) {
					t.Errorf("traceback\n%s\ndoes not have %q", plain, w)
				}
			}
			for _, frame := range []string{"yaegi", "reflect", "rdd/", ".go:", "goroutine 0", "goroutine 1", "goroutine 2",
				"goroutine 3", "goroutine 4", "goroutine 5", "goroutine 6", "goroutine 7", "goroutine 8", "goroutine 9"} {
				if strings.Contains(plain, frame) {
					t.Errorf("traceback\n%s\nshows the frames of the engine or interpreter (%q)", plain, frame)
				}
			}
			if !strings.Contains(tt.name, "goroutine") && !strings.Contains(log.String(), "goroutine") {
				t.Errorf("the session's log %q lacks the Go frames", log.String())
			}
		})
	}
}

func TestVerboseShowsTheGoFramesOfAPanic(t *testing.T) {
	t.Setenv(VerboseEnv, "1")
	s := newSession(t)
	got := execute(t, s, `sc.Parallelize([]int{1}).Map(func(x int) int { panic("v") }).Count()`)
	if got.err == nil || !strings.Contains(strings.Join(got.err.Traceback, "\n"), "goroutine") {
		t.Errorf("with %s=1 the traceback lacks the Go frames: %+v", VerboseEnv, got.err)
	}
}

// Tracebacks are coloured as ipykernel's: the error's name in red, the
// cell's line in green; the name and value themselves stay plain.
func TestTracebacksAreColouredAsIPykernels(t *testing.T) {
	tests := []struct {
		name, code string
		first      string // the first line of the traceback, with its colours
		ename      string
	}{
		{"panic", `panic("boom")`, "\x1b[0;31mpanic\x1b[0m: boom", "panic"},
		{"compile error", "a := 1\nb := undefinedThing + a", "\x1b[0;31mCompileError\x1b[0m: line 2", "CompileError"},
		{"syntax error", "x := 1\ny := (", "\x1b[0;31mSyntaxError\x1b[0m: ", "SyntaxError"},
		{"job error", `sc.Parallelize([]string{"a"}).Map(func(x int) int { return x }).Count()`, "\x1b[0;31mJobError\x1b[0m: ", "JobError"},
		{"error result", "import \"strconv\"\nstrconv.Atoi(\"x\")", "\x1b[0;31m*strconv.NumError\x1b[0m: ", "*strconv.NumError"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s := newSession(t)
			s.log = &bytes.Buffer{}
			got := execute(t, s, tt.code)
			if got.err == nil || len(got.err.Traceback) == 0 {
				t.Fatalf("cell returned %+v, want an error with a traceback", got)
			}
			if !strings.HasPrefix(got.err.Traceback[0], tt.first) {
				t.Errorf("traceback starts with %q, want %q", got.err.Traceback[0], tt.first)
			}
			if got.err.Name != tt.ename || strings.Contains(got.err.Name+got.err.Value, "\x1b") {
				t.Errorf("ename %q, evalue %q: want %q and no colours", got.err.Name, got.err.Value, tt.ename)
			}
		})
	}
	s := newSession(t)
	got := execute(t, s, "a := 1\nb := undefinedThing + a")
	if plain := stripANSI(strings.Join(got.err.Traceback, "\n")); !strings.Contains(plain, "----> 2 b := undefinedThing + a") {
		t.Errorf("a compile error's traceback\n%s\nlacks its line", plain)
	}
}

func stripANSI(s string) string {
	for _, c := range []string{ansiRed, ansiGreen, ansiReset} {
		s = strings.ReplaceAll(s, c, "")
	}
	return s
}

// yaegi's panics that reflect raises are told in Go's words.
func TestYaegiPanicsInGoWords(t *testing.T) {
	tests := []struct{ yaegi, goWords string }{
		{"reflect: slice index out of range", "runtime error: index out of range"},
		{"reflect: string index out of range", "runtime error: index out of range"},
		{"reflect.Value.Slice: string slice index out of bounds", "runtime error: slice bounds out of range"},
		{"reflect.Value.Slice3: slice index out of bounds", "runtime error: slice bounds out of range"},
		{"reflect: call of reflect.Value.Field on zero Value", "runtime error: invalid memory address or nil pointer dereference"},
		{"12:5: interface conversion: interface {} is string, not int", "interface conversion: interface {} is string, not int"},
		{"assignment to entry in nil map", "assignment to entry in nil map"},
		{"3:40: interface conversion: []interface {} is not []int: missing method ", "interface conversion: interface {} is []interface {}, not []int"},
		{"3:40: interface conversion: *main.T is not fmt.Stringer: missing method String", "interface conversion: *main.T is not fmt.Stringer: missing method String"},
		{"interface conversion: interface {} is string, not int", "interface conversion: interface {} is string, not int"},
		{"my own panic", "my own panic"},
	}
	for _, tt := range tests {
		if got := goPanicText(tt.yaegi); got != tt.goWords {
			t.Errorf("goPanicText(%q) = %q, want %q", tt.yaegi, got, tt.goWords)
		}
	}
}

// A panic in a function an earlier cell declared points at that cell.
func TestPanicInAFunctionOfAnEarlierCell(t *testing.T) {
	s := newSession(t)
	s.log = &bytes.Buffer{}
	execute(t, s, "func pick(xs []int, i int) int {\n\tif i < 0 {\n\t\tpanic(\"negative\")\n\t}\n\treturn xs[i]\n}")
	got := execute(t, s, "pick([]int{1}, -1)")
	if got.err == nil {
		t.Fatal("the cell succeeded")
	}
	plain := stripANSI(strings.Join(got.err.Traceback, "\n"))
	for _, want := range []string{"panic: negative", "Cell In [1], line 3, in pick", `----> 3 		panic("negative")`} {
		if !strings.Contains(plain, want) {
			t.Errorf("traceback\n%s\nlacks %q", plain, want)
		}
	}
}
