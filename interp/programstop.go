package interp

import (
	"sync"

	"github.com/traefik/yaegi/interp"
)

// programStop coordinates the two reasons to stop the program the
// session runs: an interrupt (see Session.execute) and the depth guard of
// recursive functions (see depthguard.go), which stops the program
// rather than panic at depth: Go unwinds a panic through n frames that
// each recover and panic again, as yaegi's interpreted frames do, in
// time quadratic in n (8,000 frames took 8 s in plain Go, 22 s in yaegi),
// while a stopped program returns from each frame at once. yaegi's stop
// closes a channel that each run of a program makes: it may be called
// once per run, and only once the run has made it, which its first
// statement's Started call tells.
type programStop struct {
	mu      sync.Mutex
	started bool   // the running program has started
	stopped bool   // it was stopped
	reason  string // why the depth guard stopped it
}

// begin is called before a program runs.
func (p *programStop) begin() {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.started, p.stopped, p.reason = false, false, ""
}

// markStarted is called by the program's first statement.
func (p *programStop) markStarted() {
	p.mu.Lock()
	p.started = true
	p.mu.Unlock()
}

// end is called when the program has returned; it returns the error of
// the run, that of the depth guard when it stopped it.
func (p *programStop) end(err error) error {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.started = false
	if p.reason != "" {
		return &CellError{Name: "panic", Value: p.reason, Traceback: []string{"panic: " + p.reason}}
	}
	return err
}

// stop stops the running program, once, and reports whether it is
// stopped; reason is the depth guard's message, "" for an interrupt.
func (p *programStop) stop(yaegi *interp.Interpreter, reason string) bool {
	p.mu.Lock()
	defer p.mu.Unlock()
	if !p.started {
		return false
	}
	if !p.stopped {
		p.stopped, p.reason = true, reason
		yaegiStop(yaegi)
	}
	return true
}

// tooDeep is called by a recursive function of a cell past maxCallDepth:
// it stops the running program, whose error the message becomes. Called
// from a goroutine that outlived its program, it panics instead.
func (s *Session) tooDeep(msg string) {
	if !s.programStop.stop(s.yaegi, msg) {
		panic(msg)
	}
}
