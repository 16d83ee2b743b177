package interp

import (
	"context"
	"errors"
	"fmt"
	"os"
	"strings"
	"sync"
	"testing"
	"time"
)

// recorder is an Output that keeps everything a cell produced.
type recorder struct {
	mu       sync.Mutex
	streams  map[string]string
	displays []MIMEBundle
}

func (r *recorder) Stream(name, text string) {
	r.mu.Lock()
	defer r.mu.Unlock()
	if r.streams == nil {
		r.streams = map[string]string{}
	}
	r.streams[name] += text
}

func (r *recorder) Display(data MIMEBundle, _ map[string]any, _ string, _ bool) {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.displays = append(r.displays, data)
}

func newSession(t *testing.T) *Session {
	t.Helper()
	s, err := NewSession()
	if err != nil {
		t.Fatal(err)
	}
	return s
}

// cellResult is what one cell showed.
type cellResult struct {
	plain  string // text/plain of the result, "" for none
	html   string
	stdout string
	stderr string
	err    *CellError
}

func execute(t *testing.T, s *Session, code string) cellResult {
	t.Helper()
	return executeCtx(t, context.Background(), s, code)
}

func executeCtx(t *testing.T, ctx context.Context, s *Session, code string) cellResult {
	t.Helper()
	var out recorder
	bundle, err := s.Execute(ctx, code, &out)
	res := cellResult{stdout: out.streams["stdout"], stderr: out.streams["stderr"]}
	if err != nil {
		if !errors.As(err, &res.err) {
			t.Fatalf("Execute returned %T %v, want a *CellError", err, err)
		}
	}
	if bundle != nil {
		res.plain, _ = bundle["text/plain"].(string)
		res.html, _ = bundle["text/html"].(string)
	}
	return res
}

func TestCellsShowTheirLastValue(t *testing.T) {
	s := newSession(t)
	tests := []struct {
		name, code string
		plain      string
		stdout     string
	}{
		{"expression", "1 + 2", "3", ""},
		{"state kept across cells", "x := 40", "", ""},
		{"variable of an earlier cell", "x + 2", "42", ""},
		{"prints are not values", `fmt.Println("hello")`, "", "hello\n"},
		{"printf is not a value", `fmt.Printf("%d!\n", x)`, "", "40!\n"},
		{"declaration shows nothing", "func double(n int) int { return 2 * n }", "", ""},
		{"call of a cell's function", "double(x)", "80", ""},
		{"call without results", "func noop() {}\nnoop()", "", ""},
		{"statements then expression", "y := 1\ny += x\ny", "41", ""},
		{"loop shows nothing", "for i := 0; i < 3; i++ { x++ }", "", ""},
		{"(value, nil error) shows the value", `strconv.Atoi("12")`, "12", ""},
		{"string", `"go" + "pher"`, "gopher", ""},
		{"nil shows nothing", "var e error\ne", "", ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if strings.Contains(tt.code, "strconv") {
				execute(t, s, `import "strconv"`)
			}
			if tt.name == "prints are not values" {
				execute(t, s, `import "fmt"`)
			}
			got := execute(t, s, tt.code)
			if got.err != nil {
				t.Fatalf("cell failed: %v", got.err)
			}
			if got.plain != tt.plain {
				t.Errorf("value %q, want %q", got.plain, tt.plain)
			}
			if got.stdout != tt.stdout {
				t.Errorf("stdout %q, want %q", got.stdout, tt.stdout)
			}
		})
	}
}

func TestCellsMixImportsDeclarationsAndStatements(t *testing.T) {
	s := newSession(t)
	code := `
total := 0
import "strings"
type counter struct{ n int }
func (c *counter) add(s string) { c.n += len(strings.Fields(s)) }
c := &counter{}
c.add("a b c")
import (
	"fmt"
	"strings"
)
func() { total = c.n }()
fmt.Sprint(total, " words")`
	got := execute(t, s, code)
	if got.err != nil {
		t.Fatalf("cell failed: %v", got.err)
	}
	if got.plain != "3 words" {
		t.Errorf("value %q, want %q", got.plain, "3 words")
	}
	// Importing again in a later cell is harmless.
	if got := execute(t, s, `import "strings"`+"\n"+`strings.ToUpper("ok")`); got.err != nil || got.plain != "OK" {
		t.Errorf("re-import: %+v", got)
	}
}

// A cell may declare after statements, as Go's functions may: yaegi
// cannot start globals compiled before the statements ahead of them ran,
// and the session runs such a cell piece by piece.
func TestCellsDeclareAfterStatements(t *testing.T) {
	s := newSession(t)
	tests := []struct{ name, code, want string }{
		{"a var after a struct value", "type st struct {\n\tN int\n}\n\nx := st{2}\nvar y int\ny = x.N\nfmt.Sprint(y)", "2"},
		{"a func after a statement", "type pt struct{ X int }\n\np := pt{3}\nfunc double(n int) int { return 2 * n }\ndouble(p.X)", "6"},
		{"an initialised var after statements", "type wd struct{ W string }\n\nw := wd{\"go\"}\nvar n = 3\nn += len(w.W)\nfmt.Sprint(w.W, n)", "go5"},
		{"no value at the end", "type ev struct{ E int }\n\ne := ev{1}\nvar f int\nf = e.E", ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := execute(t, s, tt.code)
			if got.err != nil || got.plain != tt.want {
				t.Errorf("the cell shows %q (%v), want %q", got.plain, got.err, tt.want)
			}
		})
	}
	if got := execute(t, s, "fmt.Sprint(f)"); got.plain != "1" {
		t.Errorf("f, set by the last cell, is %q (%v), want 1", got.plain, got.err)
	}
}

func TestCellErrors(t *testing.T) {
	s := newSession(t)
	tests := []struct {
		name, code string
		ename      string
		want       []string
	}{
		{"panic", `panic("boom")`, "panic", []string{"boom"}},
		{"undefined name on its line", "a := 1\nb := undefinedThing + a", "CompileError", []string{"line 2", "undefined: undefinedThing"}},
		{"syntax error on its line", "x := 1\ny := (", "SyntaxError", []string{"line 2:"}},
		{"type error", "var n int = \"s\"", "CompileError", []string{"line 1", "cannot"}},
		{"non-nil error result", `import "strconv"` + "\n" + `strconv.Atoi("x")`, "*strconv.NumError", []string{"invalid syntax"}},
		{"panic in an rdd worker", `sc.Parallelize([]int{1, 2, 3}).Map(func(x int) int { if x == 2 { panic("bad two") }; return x }).Collect()`,
			"panic", []string{"bad two", "partition", "passed to Map", "element 2"}},
		{"element of the wrong type", `sc.Parallelize([]string{"a"}).Map(func(x int) int { return x }).Count()`,
			"JobError", []string{"rdd.Map", "string", "func(int) int"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := execute(t, s, tt.code)
			if got.err == nil {
				t.Fatalf("cell succeeded with %q, want an error", got.plain)
			}
			if got.err.Name != tt.ename {
				t.Errorf("error name %q, want %q (%v)", got.err.Name, tt.ename, got.err)
			}
			text := got.err.Value + "\n" + strings.Join(got.err.Traceback, "\n")
			for _, w := range tt.want {
				if !strings.Contains(text, w) {
					t.Errorf("error %q does not mention %q", text, w)
				}
			}
			// The session lives on.
			if after := execute(t, s, "7 * 6"); after.err != nil || after.plain != "42" {
				t.Errorf("cell after the error: %+v", after)
			}
		})
	}
}

func TestWordCountInACell(t *testing.T) {
	s := newSession(t)
	for _, code := range []string{
		`import "strings"`,
		`lines := sc.Parallelize([]string{"to be or", "not to be"}, 2)`,
		`counts := lines.FlatMap(strings.Fields).
	Map(func(w string) rdd.Pair { return rdd.KV(w, 1) }).
	ReduceByKey(func(a, b int) int { return a + b })`,
	} {
		if got := execute(t, s, code); got.err != nil {
			t.Fatalf("%s: %v", code, got.err)
		}
	}
	got := execute(t, s, `counts.Top(2, func(p rdd.Pair) int { return p.Value.(int) })`)
	if got.err != nil {
		t.Fatal(got.err)
	}
	for _, w := range []string{"<table", "to", "be", "2"} {
		if !strings.Contains(got.html, w) {
			t.Errorf("HTML result lacks %q:\n%s", w, got.html)
		}
	}
	if !strings.Contains(got.plain, "to") {
		t.Errorf("text/plain result lacks the words: %q", got.plain)
	}
	// The lineage records the cell that made each RDD.
	dbg := execute(t, s, `counts.ToDebugString()`)
	if !strings.Contains(dbg.plain, "at ReduceByKey at In [3]") || !strings.Contains(dbg.plain, "at parallelize at In [2]") {
		t.Errorf("lineage lacks the cells:\n%s", dbg.plain)
	}
}

func TestInterruptStopsLoopsAndJobs(t *testing.T) {
	s := newSession(t)
	tests := []struct{ name, code string }{
		{"interpreted loop", "for {}"},
		{"rdd job", `sc.Range(0, 1<<40, 1, 2).Map(func(x int64) int64 { return x + 1 }).Count()`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			ctx, cancel := context.WithCancel(context.Background())
			time.AfterFunc(200*time.Millisecond, cancel)
			got := executeCtx(t, ctx, s, tt.code)
			if got.err == nil || got.err.Name != "Interrupted" {
				t.Fatalf("interrupted cell returned %+v, want an Interrupted error", got)
			}
			if after := execute(t, s, `fmt.Sprint("still ", "here")`); after.err != nil || after.plain != "still here" {
				t.Errorf("cell after interrupt: %+v", after)
			}
		})
	}
}

func TestOutputIsStreamedWhileTheCellRuns(t *testing.T) {
	s := newSession(t)
	out := &chanOutput{streams: make(chan string, 10)}
	done := make(chan struct{})
	go func() {
		defer close(done)
		s.Execute(context.Background(), `import "fmt"; import "time"
fmt.Println("first")
time.Sleep(300 * time.Millisecond)
fmt.Println("second")`, out)
	}()
	select {
	case text := <-out.streams:
		if text != "first\n" {
			t.Errorf("first output %q", text)
		}
		select {
		case <-done:
			t.Error("the first line arrived only after the cell ended")
		default:
		}
	case <-time.After(10 * time.Second):
		t.Fatal("no output")
	}
	<-done
}

type chanOutput struct{ streams chan string }

func (c *chanOutput) Stream(name, text string)                         { c.streams <- text }
func (c *chanOutput) Display(MIMEBundle, map[string]any, string, bool) {}

func TestSplitCell(t *testing.T) {
	tests := []struct {
		code string
		want string // kinds and first lines
	}{
		{"x := 1\ny := 2", "stmt@1 stmt@2"},
		{"import \"fmt\"\nfunc f() {}\nf()", "import@1 decl@2 stmt@3"},
		{"func (r T) M() {}", "decl@1"},
		{"func() { }()", "stmt@1"},
		{"func(x int) int { return x }(3)", "stmt@1"},
		{"type T struct {\n A int\n}\nvar v T", "decl@1 decl@4"},
		{"for i := 0; i < 3; i++ {\n}\n\n// comment\nx", "stmt@1 stmt@5"},
	}
	names := map[chunkKind]string{importChunk: "import", declChunk: "decl", stmtChunk: "stmt"}
	for _, tt := range tests {
		chunks, err := splitCell(tt.code)
		if err != nil {
			t.Fatalf("%q: %v", tt.code, err)
		}
		var got []string
		for _, c := range chunks {
			got = append(got, fmt.Sprintf("%s@%d", names[c.kind], c.line))
		}
		if strings.Join(got, " ") != tt.want {
			t.Errorf("splitCell(%q) = %s, want %s", tt.code, strings.Join(got, " "), tt.want)
		}
	}
}

func TestSyntaxYaegiLacksWorks(t *testing.T) {
	s := newSession(t)
	tests := []struct{ name, code, plain string }{
		{"range over an int literal", "total := 0\nfor i := range 4 { total += i }\ntotal", "6"},
		{"range over an int variable", "n := 3\nsum := 0\nfor range n { sum++ }\nsum", "3"},
		{"range over len", "xs := []string{\"a\", \"b\"}\nc := 0\nfor i := range len(xs) { c += i }\nc", "1"},
		{"range over a slice is untouched", "out := \"\"\nfor _, x := range []string{\"p\", \"q\"} { out += x }\nout", "pq"},
		{"labelled range over an int", "hits := 0\nouter:\nfor i := range 3 {\n\tfor j := range 3 {\n\t\tif j > i { continue outer }\n\t\thits++\n\t}\n}\nhits", "6"},
		{"min and max", "min(3, 1, 2) + max(4, 9)", "10"},
		{"min of strings", `min("b", "a")`, "a"},
		{"min of floats and untyped ints", "min(2.5, 1)", "1"},
		{"clear a map", "m := map[string]int{\"a\": 1}\nclear(m)\nlen(m)", "0"},
		{"top-level comma-ok assertion", "var x interface{} = 5\nv, ok := x.(int)\nfmt.Sprint(v, ok)", "5 true"},
		{"top-level if with assertion", "var y interface{} = \"s\"\ngot := \"\"\nif str, ok := y.(string); ok { got = str }\ngot", "s"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := execute(t, s, tt.code)
			if got.err != nil {
				t.Fatalf("cell failed: %v", got.err)
			}
			if got.plain != tt.plain {
				t.Errorf("value %q, want %q", got.plain, tt.plain)
			}
		})
	}
}

func TestPanicInACellsGoroutineIsReported(t *testing.T) {
	s := newSession(t)
	got := execute(t, s, "done := make(chan bool)\ngo func() {\n\tdefer close(done)\n\tpanic(\"in goroutine\")\n}()\n<-done")
	if got.err == nil || !strings.Contains(got.err.Value, "in goroutine") {
		t.Fatalf("goroutine panic not reported: %+v", got)
	}
	// Arguments are evaluated by the go statement, as Go does.
	got = execute(t, s, "ch := make(chan int, 3)\nfor i := 0; i < 3; i++ { go func(n int) { ch <- n }(i) }\n<-ch + <-ch + <-ch")
	if got.err != nil || got.plain != "3" {
		t.Errorf("go with arguments: %+v", got)
	}
	// A call as the only argument runs in the go statement too.
	got = execute(t, s, "n := 1\nget := func() (int, int) { return n, 10 * n }\nres := make(chan int)\ngo func(a, b int) { time.Sleep(50 * time.Millisecond); res <- a + b }(get())\nn = 2\n<-res")
	if got.err != nil || got.plain != "11" {
		t.Errorf("go func(a, b int){...}(get()) saw %+v %v, want the values of get() when the go statement ran (11)", got, got.err)
	}
	if after := execute(t, s, "1 + 1"); after.err != nil || after.plain != "2" {
		t.Errorf("next cell: %+v", after)
	}
}

// inputRecorder answers input requests with fixed lines.
type inputRecorder struct {
	recorder
	lines []string
}

func (r *inputRecorder) Input(prompt string, password bool) (string, error) {
	line := r.lines[0]
	r.lines = r.lines[1:]
	return line, nil
}

func TestCellsReadStandardInput(t *testing.T) {
	s := newSession(t)
	out := &inputRecorder{lines: []string{"Ada", "36"}}
	bundle, err := s.Execute(context.Background(), "var name string\nvar age int\nfmt.Scanln(&name)\nfmt.Scanln(&age)\nfmt.Sprint(name, \" is \", age)", out)
	if err != nil {
		t.Fatal(err)
	}
	if got := bundle["text/plain"]; got != "Ada is 36" {
		t.Errorf("value %q", got)
	}
	// os.Stdin is the same input, read by the standard library.
	out = &inputRecorder{lines: []string{"first line", "second"}}
	bundle, err = s.Execute(context.Background(), "import \"os\"\nsc := bufio.NewScanner(os.Stdin)\nsc.Scan()\nsc.Text()", out)
	if err != nil || bundle["text/plain"] != "first line" {
		t.Errorf("reading os.Stdin with a bufio.Scanner gave %v, %v", bundle, err)
	}
	// Without a frontend that answers, standard input is empty.
	got := execute(t, s, "var line string\nn, _ := fmt.Scanln(&line)\nn")
	if got.err != nil || got.plain != "0" {
		t.Errorf("Scanln without input: %+v", got)
	}
}

func TestRedefinitions(t *testing.T) {
	s := newSession(t)
	steps := []struct {
		code, plain, errPart string
	}{
		{"type point struct{ X, Y int }", "", ""},
		{"type point struct {\n\tX, Y int // the same, reformatted\n}", "", ""},
		{"point{1, 2}.X", "1", ""},
		{"type point struct{ X, Y, Z int }", "", "already defined"},
		{"func double(n int) int { return 2 * n }", "", ""},
		{"double(4)", "8", ""},
		{"func double(n int) int { return 3 * n }", "", ""},
		{"double(4)", "12", ""},
	}
	for _, st := range steps {
		got := execute(t, s, st.code)
		switch {
		case st.errPart != "":
			if got.err == nil || !strings.Contains(got.err.Value, st.errPart) {
				t.Errorf("%q: error %v, want one containing %q", st.code, got.err, st.errPart)
			}
		case got.err != nil:
			t.Errorf("%q: %v", st.code, got.err)
		case got.plain != st.plain:
			t.Errorf("%q = %q, want %q", st.code, got.plain, st.plain)
		}
	}
}

func TestInterruptedCellStuckInCompiledCode(t *testing.T) {
	s := newSession(t)
	s.stopWait = 100 * time.Millisecond
	ctx, cancel := context.WithCancel(context.Background())
	time.AfterFunc(100*time.Millisecond, cancel)
	got := executeCtx(t, ctx, s, `import "time"`+"\ntime.Sleep(time.Second)\n1")
	if got.err == nil || got.err.Name != "RestartNeeded" || !strings.Contains(got.err.Value, "restart the kernel") {
		t.Fatalf("a cell stuck in time.Sleep after an interrupt returned %+v, want advice to restart", got.err)
	}
	if next := execute(t, s, "2"); next.err == nil || !strings.Contains(next.err.Value, "still running") {
		t.Errorf("a cell run while the stuck one sleeps returned %+v, want an error saying it still runs", next)
	}
	time.Sleep(time.Second)
	if next := execute(t, s, "3"); next.err != nil || next.plain != "3" {
		t.Errorf("once the stuck cell has ended, the next cell returned %+v", next)
	}
}

func TestLateGoroutinePanicIsReportedOnTheNextCell(t *testing.T) {
	s := newSession(t)
	s.goGrace = 10 * time.Millisecond
	got := execute(t, s, "go func() {\n\ttime.Sleep(100 * time.Millisecond)\n\tpanic(\"late\")\n}()")
	if got.err != nil {
		t.Fatalf("the cell that starts the goroutine failed: %+v", got.err)
	}
	time.Sleep(300 * time.Millisecond)
	next := execute(t, s, "4")
	if next.err != nil || next.plain != "4" {
		t.Fatalf("the next cell returned %+v", next)
	}
	if !strings.Contains(next.stderr, "panic in a goroutine started by In [1]: late") {
		t.Errorf("the next cell's stderr %q does not report the late panic", next.stderr)
	}
}

func TestLineageNamesTheCellAsTheKernelDoes(t *testing.T) {
	s := newSession(t)
	var out recorder
	if _, err := s.Execute(WithCellName(context.Background(), "In [12]"), "words := sc.Parallelize([]string{\"a\"})", &out); err != nil {
		t.Fatal(err)
	}
	dbg := execute(t, s, "words.ToDebugString()")
	if !strings.Contains(dbg.plain, "at parallelize at In [12]") {
		t.Errorf("lineage %q does not name the cell In [12]", dbg.plain)
	}
}

func TestInterruptStopsADeclarationThatRunsLong(t *testing.T) {
	s := newSession(t)
	ctx, cancel := context.WithCancel(context.Background())
	time.AfterFunc(200*time.Millisecond, cancel)
	got := executeCtx(t, ctx, s, "var spin = func() int { i := 0; for { i++ } }()")
	if got.err == nil || got.err.Name != "Interrupted" {
		t.Fatalf("an interrupted declaration returned %+v, want Interrupted", got.err)
	}
	if next := execute(t, s, "1 + 2"); next.err != nil || next.plain != "3" {
		t.Errorf("the cell after it: %+v", next)
	}
}

func TestCloseStopsTheContextAndRemovesBuilds(t *testing.T) {
	s := newSession(t)
	s.compileDir = t.TempDir()
	if err := s.Close(); err != nil {
		t.Fatal(err)
	}
	if _, err := os.Stat(s.compileDir); !os.IsNotExist(err) {
		t.Errorf("the builds of compiled cells are still there: %v", err)
	}
	if got := execute(t, s, "sc.Range(0, 3).Count()"); got.err == nil {
		t.Errorf("a job ran on the Context of a closed session: %+v", got)
	}
}
