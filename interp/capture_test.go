//go:build linux

package interp

import (
	"context"
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
	// os.File behind fd 1 is reached through a compiled function.
	if _, err := s.Execute(context.Background(), `import "os"`+"\n"+`os.NewFile(1, "fd1").WriteString("from fd 1\n")`, out); err != nil {
		t.Fatal(err)
	}
	deadline := time.Now().Add(5 * time.Second)
	for time.Now().Before(deadline) {
		out.mu.Lock()
		got := out.streams["stdout"]
		out.mu.Unlock()
		if strings.Contains(got, "from fd 1") {
			return
		}
		time.Sleep(10 * time.Millisecond)
	}
	t.Errorf("output of fd 1 did not reach the cell: %q", out.streams)
}
