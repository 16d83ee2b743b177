package isolate

import (
	"context"
	"fmt"
	"io"
	"log"
	"os"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/gosparkling/gosparkling/cell"
	"github.com/gosparkling/gosparkling/interp"
)

// The test binary is also the child: started with envTestChild set, it
// serves a session instead of running tests.
const envTestChild = "GOSPARKLING_ISOLATE_TEST_CHILD"

func TestMain(m *testing.M) {
	if os.Getenv(envTestChild) == "1" {
		Serve(func(log io.Writer) (*interp.Session, error) {
			return interp.NewSession(interp.WithLog(log), interp.WithKernelPID(os.Getppid()))
		})
	}
	os.Exit(m.Run())
}

// start starts an Executor whose children are this test binary, closed
// when the test ends. Its log is kept for the test's output.
func start(t testing.TB, limit int64) *Executor {
	t.Helper()
	exe, err := os.Executable()
	if err != nil {
		t.Fatal(err)
	}
	e, err := Start(Options{
		Command:     []string{exe},
		Env:         []string{envTestChild + "=1"},
		MemoryLimit: limit,
		Log:         log.New(testLog{t}, "", 0),
	})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { e.Close() })
	return e
}

type testLog struct{ t testing.TB }

func (l testLog) Write(p []byte) (int, error) {
	l.t.Log(strings.TrimRight(string(p), "\n"))
	return len(p), nil
}

// recorder is an interp.Output that keeps what a cell produced, in order.
type recorder struct {
	mu     sync.Mutex
	events []string // "stdout:text", "stderr:text", "display:text/plain"
	input  []string // lines to answer input requests with
}

func (r *recorder) Stream(name, text string) {
	r.mu.Lock()
	defer r.mu.Unlock()
	if n := len(r.events); n > 0 && strings.HasPrefix(r.events[n-1], name+":") {
		r.events[n-1] += text
		return
	}
	r.events = append(r.events, name+":"+text)
}

func (r *recorder) Display(data interp.MIMEBundle, _ map[string]any, _ string, _ bool) {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.events = append(r.events, fmt.Sprintf("display:%v", data["text/plain"]))
}

func (r *recorder) Input(prompt string, _ bool) (string, error) {
	r.mu.Lock()
	defer r.mu.Unlock()
	if len(r.input) == 0 {
		return "", fmt.Errorf("no input left")
	}
	line := r.input[0]
	r.input = r.input[1:]
	return line, nil
}

// only returns the events of one stream and the displays, joined.
func (r *recorder) only(stream string) string {
	r.mu.Lock()
	defer r.mu.Unlock()
	var kept []string
	for _, e := range r.events {
		switch {
		case strings.HasPrefix(e, "display:"):
			kept = append(kept, e)
		case strings.HasPrefix(e, stream+":"):
			if n := len(kept); n > 0 && strings.HasPrefix(kept[n-1], stream+":") {
				kept[n-1] += strings.TrimPrefix(e, stream+":")
				continue
			}
			kept = append(kept, e)
		}
	}
	return strings.Join(kept, "|")
}

func (r *recorder) String() string {
	r.mu.Lock()
	defer r.mu.Unlock()
	return strings.Join(r.events, "|")
}

// run executes code as cell name and returns its text result or error.
func run(t testing.TB, e *Executor, name, code string) (string, *recorder, error) {
	t.Helper()
	rec := &recorder{}
	ctx, cancel := context.WithTimeout(interp.WithCellName(context.Background(), name), 2*time.Minute)
	defer cancel()
	bundle, err := e.Execute(ctx, code, rec)
	text, _ := bundle["text/plain"].(string)
	return text, rec, err
}

func mustRun(t testing.TB, e *Executor, name, code string) string {
	t.Helper()
	text, rec, err := run(t, e, name, code)
	if err != nil {
		t.Fatalf("%s: %q failed: %v (output %s)", name, code, err, rec)
	}
	return text
}

func TestCellsKeepStateAcrossCalls(t *testing.T) {
	e := start(t, -1)
	mustRun(t, e, "In [1]", "x := 41")
	if got := mustRun(t, e, "In [2]", "x + 1"); got != "42" {
		t.Errorf("x + 1 = %q, want 42", got)
	}
	if got := mustRun(t, e, "In [3]", "sc.Parallelize([]int{1, 2, 3}, 2).Map(func(i int) int { return i * x }).Count()"); got != "3" {
		t.Errorf("Count = %q, want 3", got)
	}
}

// Everything a cell writes, interpreted or compiled, to stdout or stderr,
// arrives before its reply and in the order written relative to displays.
func TestOutputArrivesInOrderBeforeTheReply(t *testing.T) {
	e := start(t, -1)
	code := `log.SetFlags(0)
fmt.Println("one")
fmt.Fprintln(os.Stderr, "two")
display.Show("three")
os.Stdout.WriteString("four\n")
log.Print("five")
fmt.Fprint(os.Stderr, "six")`
	want := &recorder{events: []string{"stdout:one\n", "stderr:two\n", "display:three", "stdout:four\n", "stderr:five\nsix"}}
	for i := range 30 {
		_, rec, err := run(t, e, fmt.Sprintf("In [%d]", i+1), code)
		if err != nil {
			t.Fatal(err)
		}
		// stdout and stderr are two pipes: each is in order, and in order
		// with displays, but not with the other.
		for _, stream := range []string{"stdout", "stderr"} {
			if got, want := rec.only(stream), want.only(stream); got != want {
				t.Fatalf("run %d: %s and displays %q, want %q", i, stream, got, want)
			}
		}
	}
}

func TestInputIsAskedOfTheFrontend(t *testing.T) {
	e := start(t, -1)
	rec := &recorder{input: []string{"Ada"}}
	ctx := interp.WithCellName(context.Background(), "In [1]")
	bundle, err := e.Execute(ctx, `var name string
fmt.Scanln(&name)
"hello " + name`, rec)
	if err != nil {
		t.Fatal(err)
	}
	if got := bundle["text/plain"]; got != `"hello Ada"` && got != "hello Ada" {
		t.Errorf("result %q, want hello Ada", got)
	}
}

func TestInterruptStopsTheCellAndKeepsTheSession(t *testing.T) {
	e := start(t, -1)
	mustRun(t, e, "In [1]", "kept := 7")
	ctx, cancel := context.WithCancel(interp.WithCellName(context.Background(), "In [2]"))
	time.AfterFunc(300*time.Millisecond, cancel)
	_, err := e.Execute(ctx, "n := 0\nfor { n++ }", &recorder{})
	if err == nil {
		t.Fatal("an endless loop returned without error after an interrupt")
	}
	if got := mustRun(t, e, "In [3]", "kept"); got != "7" {
		t.Errorf("after the interrupt kept = %q, want 7", got)
	}
}

func TestCompletionInspectionAndIsComplete(t *testing.T) {
	e := start(t, -1)
	matches, start, end, _ := e.Complete("strings.Fie", 11)
	if !contains(matches, "strings.Fields") && !contains(matches, "Fields") || end != 11 || start > end {
		t.Errorf("Complete = %v [%d,%d), want strings.Fields", matches, start, end)
	}
	if status, _ := e.IsComplete("func f() {"); status != "incomplete" {
		t.Errorf("IsComplete = %q, want incomplete", status)
	}
	if data, found := e.Inspect("strings.Fields", 10, 0); !found || !strings.Contains(fmt.Sprint(data["text/plain"]), "Fields") {
		t.Errorf("Inspect = %v, %v", data, found)
	}
}

// Each of these ends the session process: the cell gets an error naming
// what happened and saying the state was lost, and the next cell runs in
// a new session.
func TestCrashesBecomeCellErrors(t *testing.T) {
	cases := []struct {
		name      string
		code      string
		wantEname string
		wantText  string
	}{
		{"concurrent map writes", `m := map[int]int{}
var wg sync.WaitGroup
for g := 0; g < 4; g++ {
	wg.Add(1)
	go func(g int) {
		defer wg.Done()
		for i := 0; i < 2000000; i++ {
			m[i%1000] = g
		}
	}(g)
}
wg.Wait()`, "ConcurrentMapAccess", "concurrent map"},
		{"stack overflow", `debug.SetMaxStack(1 << 20)
var rec func(n int) int
rec = func(n int) int { return rec(n+1) + 1 }
rec(0)`, "StackOverflow", "stack"},
		{"killed from outside", `time.Sleep(time.Minute)`, "SessionKilled", "SIGKILL"},
	}
	e := start(t, -1)
	for i, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			mustRun(t, e, "In [1]", "before := 1")
			if tc.wantEname == "SessionKilled" { // as the system's out-of-memory killer does
				e.mu.Lock()
				p := e.child.cmd.Process
				e.mu.Unlock()
				time.AfterFunc(300*time.Millisecond, func() { p.Kill() })
			}
			_, rec, err := run(t, e, fmt.Sprintf("In [%d]", 10+i), tc.code)
			ce, ok := err.(*interp.CellError)
			if !ok {
				t.Fatalf("error %v (%T), output %s; want a *interp.CellError", err, err, rec)
			}
			tb := strings.Join(ce.Traceback, "\n")
			if ce.Name != tc.wantEname || !strings.Contains(ce.Value, tc.wantText) {
				t.Errorf("error %s: %s, want %s containing %q\n%s", ce.Name, ce.Value, tc.wantEname, tc.wantText, tb)
			}
			for _, want := range []string{fmt.Sprintf("In [%d]", 10+i), "state was lost"} {
				if !strings.Contains(tb, want) {
					t.Errorf("traceback lacks %q:\n%s", want, tb)
				}
			}
			if got := mustRun(t, e, "In [2]", "1 + 1"); got != "2" {
				t.Errorf("next cell gives %q", got)
			}
			if _, _, err := run(t, e, "In [3]", "before"); err == nil {
				t.Error("a variable of the crashed session survived")
			}
		})
	}
}

// A cell whose memory passes the session's limit fails with an error
// that says how much it used; the kernel and the next cell live.
func TestMemoryLimit(t *testing.T) {
	e := start(t, 1<<30)
	_, rec, err := run(t, e, "In [1]", `b := make([]byte, 6<<30)
for i := 0; i < len(b); i += 4096 { b[i] = 1 }
len(b)`)
	ce, ok := err.(*interp.CellError)
	if !ok || ce.Name != "MemoryLimitExceeded" || !strings.Contains(ce.Value, "1.0 GiB") {
		t.Fatalf("error %v, output %s; want MemoryLimitExceeded naming the 1.0 GiB limit", err, rec)
	}
	if got := mustRun(t, e, "In [2]", "2 * 21"); got != "42" {
		t.Errorf("next cell gives %q", got)
	}
	// Stopped before the kernel had to end the session, it keeps its
	// variables, and a cell that allocates little runs even while an
	// earlier cell's data stays above the threshold.
	if ce.Traceback != nil && strings.Contains(strings.Join(ce.Traceback, "\n"), "variables are kept") {
		mustRun(t, e, "In [3]", "len(b) > 0")
		mustRun(t, e, "In [4]", "b = nil")
	}
}

func contains(xs []string, s string) bool {
	for _, x := range xs {
		if x == s {
			return true
		}
	}
	return false
}

// The cost of a cell's round trip to the session process, against running
// the same cell in the kernel's process.
func BenchmarkExecute(b *testing.B) {
	const code = `fmt.Println("x")`
	b.Run("in-process", func(b *testing.B) {
		s, err := interp.NewSession()
		if err != nil {
			b.Fatal(err)
		}
		defer s.Close()
		for b.Loop() {
			if _, err := s.Execute(context.Background(), code, &recorder{}); err != nil {
				b.Fatal(err)
			}
		}
	})
	b.Run("session-process", func(b *testing.B) {
		e := start(b, -1)
		if err := e.WaitReady(context.Background()); err != nil {
			b.Fatal(err)
		}
		for b.Loop() {
			if _, err := e.Execute(context.Background(), code, &recorder{}); err != nil {
				b.Fatal(err)
			}
		}
	})
	b.Run("start", func(b *testing.B) {
		for b.Loop() {
			e := start(b, -1)
			if err := e.WaitReady(context.Background()); err != nil {
				b.Fatal(err)
			}
			e.Close()
		}
	})
}

// A session that dies between cells (a goroutine a cell left behind
// crashes it) fails the next cell with what happened, then runs cells.
func TestCrashBetweenCellsFailsTheNextCell(t *testing.T) {
	e := start(t, -1)
	mustRun(t, e, "In [1]", `m := map[int]int{}
for g := 0; g < 4; g++ {
	go func() {
		time.Sleep(time.Second)
		for i := 0; i < 5000000; i++ { m[i%1000] = i }
	}()
}`)
	e.mu.Lock()
	c := e.child
	e.mu.Unlock()
	select {
	case <-c.dead:
	case <-time.After(time.Minute):
		t.Fatal("the goroutines left behind did not crash the session")
	}
	_, _, err := run(t, e, "In [2]", "1 + 1")
	ce, ok := err.(*interp.CellError)
	if !ok || ce.Name != "ConcurrentMapAccess" || !strings.Contains(strings.Join(ce.Traceback, "\n"), "no cell was running") {
		t.Fatalf("next cell's error %v, want ConcurrentMapAccess while no cell was running", err)
	}
	if got := mustRun(t, e, "In [3]", "1 + 1"); got != "2" {
		t.Errorf("then 1 + 1 = %q", got)
	}
}

// A cell stuck in compiled code ignores interrupts; ending the session
// stops it, and the next cell runs in a new session.
func TestEndSessionStopsACellThatIgnoresInterrupts(t *testing.T) {
	e := start(t, -1)
	time.AfterFunc(300*time.Millisecond, e.EndSession)
	_, _, err := run(t, e, "In [1]", "time.Sleep(time.Hour)")
	if ce, ok := err.(*interp.CellError); !ok || ce.Name != "SessionEnded" {
		t.Fatalf("error %v, want SessionEnded", err)
	}
	if got := mustRun(t, e, "In [2]", "1 + 1"); got != "2" {
		t.Errorf("then 1 + 1 = %q", got)
	}
}

// The Go frames of a panic go to the kernel's log, not to the cell.
func TestPanicFramesStayOutOfTheCell(t *testing.T) {
	e := start(t, -1)
	for _, code := range []string{
		`panic("boom")`,
		`sc.Parallelize([]string{"a"}).Map(func(s string) string { return s[5:] }).Collect()`,
	} {
		_, rec, err := run(t, e, "In [1]", code)
		if err == nil {
			t.Fatalf("%s did not fail", code)
		}
		if out := rec.String(); strings.Contains(out, "goroutine ") || strings.Contains(out, ".go:") {
			t.Errorf("%s: the cell's output has Go frames:\n%s", code, out)
		}
	}
}

// A cell interrupted while it runs compiled code that does not stop ends
// its session after the interpreter's wait, instead of leaving a session
// in which every later cell would fail.
func TestAStuckInterruptedCellEndsItsSession(t *testing.T) {
	e := start(t, -1)
	mustRun(t, e, "In [1]", "kept := 1")
	ctx, cancel := context.WithCancel(interp.WithCellName(context.Background(), "In [2]"))
	time.AfterFunc(300*time.Millisecond, cancel)
	_, err := e.Execute(ctx, "time.Sleep(time.Hour)", &recorder{})
	if ce, ok := err.(*interp.CellError); !ok || ce.Name != "SessionEnded" || !strings.Contains(ce.Value, "did not stop") {
		t.Fatalf("error %v, want SessionEnded saying the cell did not stop", err)
	}
	if got := mustRun(t, e, "In [3]", "6 * 7"); got != "42" {
		t.Errorf("then 6 * 7 = %q", got)
	}
}

// A cell cannot find the kernel's process to signal it; other processes,
// and the rest of package os, it can.
func TestCellsCannotSignalTheKernel(t *testing.T) {
	e := start(t, -1)
	_, _, err := run(t, e, "In [1]", "p, _ := os.FindProcess(os.Getppid())\np.Kill()")
	if err == nil {
		t.Fatal("a cell killed the kernel's process (here: the test)")
	}
	if got := mustRun(t, e, "In [2]", `p, err := os.FindProcess(os.Getpid())
p != nil && err == nil && os.Getenv("HOME") == os.Getenv("HOME")`); got != "true" {
		t.Errorf("FindProcess of the session itself: %q", got)
	}
}

// commsRecorder is a recorder whose frontend shows widgets of protocol 2.
type commsRecorder struct {
	recorder
}

func (r *commsRecorder) WidgetProtocol() int { return cell.Widgets7 }

func (r *commsRecorder) CommOpen(id, target string, data, metadata map[string]any) {
	r.mu.Lock()
	defer r.mu.Unlock()
	state, _ := data["state"].(map[string]any)
	r.events = append(r.events, fmt.Sprintf("open:%s:%v:%v", target, state["_model_name"], metadata["version"]))
}

func (r *commsRecorder) CommMsg(id string, data map[string]any) {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.events = append(r.events, fmt.Sprintf("msg:%v", data["method"]))
}

func (r *commsRecorder) CommClose(id string, _ map[string]any) {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.events = append(r.events, "close")
}

func (r *commsRecorder) Display(data interp.MIMEBundle, md map[string]any, id string, update bool) {
	if _, ok := data["application/vnd.jupyter.widget-view+json"]; ok {
		r.mu.Lock()
		defer r.mu.Unlock()
		r.events = append(r.events, "display:widget view")
		return
	}
	r.recorder.Display(data, md, id, update)
}

// TestWidgetCommsTravelFromTheSession runs a job long enough to show its
// progress, for a frontend that shows widgets: the session hears of the
// frontend's widgets, and the widget's comms reach the kernel's Output in
// order with the displays.
func TestWidgetCommsTravelFromTheSession(t *testing.T) {
	e := start(t, -1)
	rec := &commsRecorder{}
	ctx := interp.WithCellName(context.Background(), "In [1]")
	_, err := e.Execute(ctx, `sc.Parallelize([]int{1, 2}, 2).Map(func(x int) int { time.Sleep(2500 * time.Millisecond); return x }).Count()`, rec)
	if err != nil {
		t.Fatal(err)
	}
	var kinds []string
	for _, ev := range rec.events {
		kind, _, _ := strings.Cut(ev, "\n")
		if n := len(kinds); n > 0 && kind == "msg:update" && kinds[n-1] == kind {
			continue // as many as ticks
		}
		kinds = append(kinds, kind)
	}
	got := strings.Join(kinds, "|")
	for _, want := range []string{
		"open:jupyter.widget:LayoutModel:2.0.0|open:jupyter.widget:DescriptionStyleModel:2.0.0|open:jupyter.widget:HTMLModel:2.0.0|display:widget view|msg:update|display:Job ",
		" · done in ",
		"|close|close|close",
	} {
		if !strings.Contains(got, want) {
			t.Errorf("events %s\nwant them to contain %s", got, want)
		}
	}
}
