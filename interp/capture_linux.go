//go:build linux

package interp

import (
	"fmt"
	"io"
	"os"
	"sync/atomic"
	"time"

	"golang.org/x/sys/unix"
)

// CaptureProcessOutput redirects the process's standard output and error
// (file descriptors 1 and 2) into the session, so that what compiled code
// writes with os.Stdout, fmt.Print or log reaches the running cell's
// output like interpreted prints do. It returns a file for the original
// standard error, where the kernel keeps logging, and a function that
// undoes the redirection. Output written while no cell runs goes to the
// original standard error.
func (s *Session) CaptureProcessOutput() (origStderr *os.File, restore func(), err error) {
	type saved struct {
		fd   int
		orig int
		w    *os.File
	}
	var done []saved
	undo := func() {
		for _, d := range done {
			unix.Dup2(d.orig, d.fd)
			unix.Close(d.orig)
			d.w.Close()
		}
	}
	stderrCopy, err := unix.Dup(2)
	if err != nil {
		return nil, nil, fmt.Errorf("interp: duplicating stderr: %w", err)
	}
	origStderr = os.NewFile(uintptr(stderrCopy), "stderr")
	for _, target := range []struct {
		fd int
		w  *cellWriter
	}{{1, s.stdout}, {2, s.stderr}} {
		orig, err := unix.Dup(target.fd)
		if err != nil {
			undo()
			return nil, nil, fmt.Errorf("interp: duplicating fd %d: %w", target.fd, err)
		}
		r, w, err := os.Pipe()
		if err != nil {
			unix.Close(orig)
			undo()
			return nil, nil, fmt.Errorf("interp: %w", err)
		}
		if err := unix.Dup2(int(w.Fd()), target.fd); err != nil {
			unix.Close(orig)
			r.Close()
			w.Close()
			undo()
			return nil, nil, fmt.Errorf("interp: redirecting fd %d: %w", target.fd, err)
		}
		done = append(done, saved{target.fd, orig, w})
		f := &forwarder{r: r, w: target.w, fallback: origStderr}
		s.drains = append(s.drains, f.drain)
		go f.run()
	}
	return origStderr, undo, nil
}

// forwarder copies what the process writes on a redirected descriptor to
// the running cell, or to fallback when no cell runs.
type forwarder struct {
	r        *os.File
	w        *cellWriter
	fallback io.Writer
	busy     atomic.Bool // between a read and its delivery
}

func (f *forwarder) run() {
	defer func() {
		if rec := recover(); rec != nil {
			fmt.Fprintf(f.fallback, "gosparkling: output forwarding stopped: %v\n", rec)
		}
	}()
	buf := make([]byte, 32<<10)
	for {
		n, err := f.r.Read(buf)
		f.busy.Store(true)
		if n > 0 && !f.w.forward(buf[:n]) {
			f.fallback.Write(buf[:n])
		}
		f.busy.Store(false)
		if err != nil {
			return
		}
	}
}

// drain waits, up to a second, until everything written so far has been
// delivered, so that a cell's output is not cut off when it ends.
func (f *forwarder) drain() {
	deadline := time.Now().Add(time.Second)
	for time.Now().Before(deadline) {
		pending, err := unix.IoctlGetInt(int(f.r.Fd()), unix.TIOCINQ)
		if err != nil || pending == 0 && !f.busy.Load() {
			return
		}
		time.Sleep(time.Millisecond)
	}
}
