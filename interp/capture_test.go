//go:build linux

package interp

import (
	"context"
	"fmt"
	"strings"
	"testing"
	"time"
)

func TestCompiledCodeOutputReachesTheCell(t *testing.T) {
	s := newSession(t)
	orig, restore, err := s.CaptureProcessOutput()
	if err != nil {
		t.Fatal(err)
	}
	defer orig.Close()
	defer restore()
	out := &recorder{}
	// os.Stdout in the interpreter is the cell's writer; the compiled
	// log package writes to the compiled os.Stderr, file descriptor 2.
	// (A cell's os.NewFile(1, ...) would close fd 1 when collected.)
	if _, err := s.Execute(context.Background(), `import "log"`+"\n"+`log.Print("from fd 2")`, out); err != nil {
		t.Fatal(err)
	}
	deadline := time.Now().Add(5 * time.Second)
	for time.Now().Before(deadline) {
		out.mu.Lock()
		got := out.streams["stderr"]
		out.mu.Unlock()
		if strings.Contains(got, "from fd 2") {
			return
		}
		time.Sleep(10 * time.Millisecond)
	}
	t.Errorf("output of fd 2 did not reach the cell: %q", out.streams)
}

// What compiled code writes to fd 2 just before a cell ends reaches that
// cell, not the next one or the kernel's log, every time.
func TestCompiledOutputArrivesBeforeExecuteReturns(t *testing.T) {
	s := newSession(t)
	orig, restore, err := s.CaptureProcessOutput()
	if err != nil {
		t.Fatal(err)
	}
	defer orig.Close()
	defer restore()
	for i := range 30 {
		out := &recorder{}
		if _, err := s.Execute(context.Background(), fmt.Sprintf(`log.Print("line %d")`, i), out); err != nil {
			t.Fatal(err)
		}
		out.mu.Lock()
		got := out.streams["stderr"]
		out.mu.Unlock()
		if !strings.Contains(got, fmt.Sprintf("line %d\n", i)) {
			t.Fatalf("cell %d: stderr %q lacks its line", i, got)
		}
	}
}
