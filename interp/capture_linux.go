//go:build linux

package interp

import (
	"crypto/rand"
	"encoding/hex"
	"fmt"
	"io"
	"os"
	"sync/atomic"
	"time"

	"golang.org/x/sys/unix"

	"github.com/gosparkling/gosparkling/interp/internal/syncpipe"
)

// CaptureProcessOutput redirects the process's standard output and error
// (file descriptors 1 and 2) into the session, so that what compiled code
// writes with os.Stdout, fmt.Print or log reaches the running cell's
// output like interpreted prints do. It returns a file for the original
// standard error, where the kernel keeps logging, and a function that
// undoes the redirection. Output written while no cell runs goes to the
// original standard error. Everything a cell wrote reaches it before
// Execute returns.
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
	if s.log == io.Writer(os.Stderr) { // the default: keep logging where stderr went
		s.log = origStderr
	}
	var nonceBytes [8]byte
	rand.Read(nonceBytes[:])
	nonce := hex.EncodeToString(nonceBytes[:])
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
		f := &forwarder{fd: target.fd, w: target.w, fallback: origStderr, nonce: nonce}
		f.reader = syncpipe.NewReader(target.w.name, r, nonce, f.deliver, nil)
		s.drains = append(s.drains, f.drain)
		go f.run()
	}
	return origStderr, undo, nil
}

// forwarder copies what the process writes on a redirected descriptor to
// the running cell, or to fallback when no cell runs.
type forwarder struct {
	fd       int // the redirected descriptor, where drain writes its markers
	w        *cellWriter
	fallback io.Writer
	nonce    string
	reader   *syncpipe.Reader
	seq      atomic.Uint64
}

func (f *forwarder) run() {
	defer func() {
		if rec := recover(); rec != nil {
			fmt.Fprintf(f.fallback, "gosparkling: output forwarding stopped: %v\n", rec)
		}
	}()
	f.reader.Run()
}

func (f *forwarder) deliver(_, text string) {
	if !f.w.forward([]byte(text)) {
		io.WriteString(f.fallback, text)
	}
}

// drain waits, up to a second, until everything written so far has been
// delivered, so that a cell's output is not cut off when it ends: it
// writes a marker behind it and waits for the reader to reach it.
func (f *forwarder) drain() {
	seq := f.seq.Add(1)
	if _, err := unix.Write(f.fd, syncpipe.Marker(f.nonce, seq)); err != nil {
		return
	}
	f.reader.WaitFor(seq, time.Second)
}
