package interp

import (
	"strings"
	"testing"
	"time"
)

func TestPanicsOfFunctionsTheLibraryCallsLaterAreReported(t *testing.T) {
	s := newSession(t)
	tests := []struct{ name, code, want string }{
		{"time.AfterFunc", "done := make(chan bool)\ntime.AfterFunc(time.Millisecond, func() {\n\tdefer close(done)\n\tpanic(\"from a timer\")\n})\n<-done\ntime.Sleep(10 * time.Millisecond)",
			"in the function passed to time.AfterFunc: from a timer"},
		{"context.AfterFunc", "ctx, cancel := context.WithCancel(context.Background())\nfired := make(chan bool)\ncontext.AfterFunc(ctx, func() { defer close(fired); panic(\"from a context\") })\ncancel()\n<-fired\ntime.Sleep(10 * time.Millisecond)",
			"in the function passed to context.AfterFunc: from a context"},
		{"a declared function's timer", "func later(ch chan bool) { time.AfterFunc(0, func() { defer close(ch); panic(\"declared\") }) }\nch := make(chan bool)\nlater(ch)\n<-ch\ntime.Sleep(10 * time.Millisecond)",
			"declared"},
		// The cell is one program: yaegi's start of a next program races
		// with a goroutine that starts an interpreted function.
		{"WaitGroup.Go", "var wg sync.WaitGroup\nwg.Go(func() { panic(\"from wg.Go\") })\nwg.Wait()\nif false {}",
			"in a goroutine: from wg.Go"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := execute(t, s, tt.code)
			if got.err == nil || !strings.Contains(got.err.Value, tt.want) {
				t.Fatalf("got %+v (%v), want an error with %q", got, got.err, tt.want)
			}
			if after := execute(t, s, "1 + 1"); after.err != nil || after.plain != "2" {
				t.Errorf("next cell: %+v", after)
			}
		})
	}
}

func TestGuardedFunctionsStillWork(t *testing.T) {
	s := newSession(t)
	got := execute(t, s, "n := 0\ndone := make(chan bool)\nt := time.AfterFunc(time.Millisecond, func() { n = 5; close(done) })\n<-done\nvar wg sync.WaitGroup\nfor i := 0; i < 3; i++ { wg.Go(func() {}) }\nwg.Wait()\nt.Stop()\nn")
	if got.err != nil || got.plain != "5" {
		t.Fatalf("got %+v (%v)", got, got.err)
	}
}

func TestLateTimerPanicIsReportedOnTheNextCell(t *testing.T) {
	s := newSession(t)
	got := execute(t, s, `time.AfterFunc(100*time.Millisecond, func() { panic("late timer") })`)
	if got.err != nil {
		t.Fatalf("the cell that sets the timer failed: %+v", got.err)
	}
	time.Sleep(300 * time.Millisecond)
	next := execute(t, s, "4")
	if next.err != nil || next.plain != "4" {
		t.Fatalf("the next cell returned %+v", next)
	}
	if !strings.Contains(next.stderr, "panic in the function In [1] passed to time.AfterFunc: late timer") {
		t.Errorf("the next cell's stderr %q does not report the late panic", next.stderr)
	}
}
