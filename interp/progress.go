package interp

import (
	"fmt"
	"sync"
	"time"

	"github.com/gosparkling/gosparkling/display"
	"github.com/gosparkling/gosparkling/rdd"
)

// Progress bars: stages that run longer than progressDelay get a bar in
// the cell's output, updated in place at most every progressInterval and
// left in its final state.
const (
	progressDelay    = time.Second
	progressInterval = 250 * time.Millisecond
)

// progressTracker receives the Context's stage reports (on worker
// goroutines) and publishes bars from a ticker of its own while a cell
// runs.
type progressTracker struct {
	delay  time.Duration // how long a stage runs before it gets a bar
	mu     sync.Mutex
	out    Output
	stages map[string]*stageState
	stop   chan struct{}
	done   chan struct{}
}

type stageState struct {
	last      rdd.StageProgress
	shown     bool
	published int // Done count last published
	finished  bool
}

func stageKey(p rdd.StageProgress) string {
	return fmt.Sprintf("gosparkling-progress-%d-%s", p.JobID, p.Stage)
}

// report records a stage report; it must be quick.
func (pt *progressTracker) report(p rdd.StageProgress) {
	pt.mu.Lock()
	defer pt.mu.Unlock()
	if pt.out == nil {
		return
	}
	st := pt.stages[stageKey(p)]
	if st == nil {
		st = &stageState{}
		pt.stages[stageKey(p)] = st
	}
	if p.Done >= st.last.Done || p.Finished {
		st.last = p
	}
	st.finished = st.finished || p.Finished
}

// start begins tracking for a cell writing to out.
func (pt *progressTracker) start(out Output) {
	pt.mu.Lock()
	pt.out, pt.stages = out, map[string]*stageState{}
	pt.stop, pt.done = make(chan struct{}), make(chan struct{})
	pt.mu.Unlock()
	go pt.run()
}

// finish publishes the final state of shown bars and stops the ticker.
func (pt *progressTracker) finish() {
	close(pt.stop)
	<-pt.done
	pt.publish(true)
	pt.mu.Lock()
	pt.out, pt.stages = nil, nil
	pt.mu.Unlock()
}

func (pt *progressTracker) run() {
	defer close(pt.done)
	defer func() { recover() }() // a failing bar must not kill the kernel
	ticker := time.NewTicker(progressInterval)
	defer ticker.Stop()
	for {
		select {
		case <-pt.stop:
			return
		case <-ticker.C:
			pt.publish(false)
		}
	}
}

// publish shows or updates the bars of stages older than progressDelay.
// At the cell's end (final) every shown bar gets its last state.
func (pt *progressTracker) publish(final bool) {
	pt.mu.Lock()
	defer pt.mu.Unlock()
	if pt.out == nil {
		return
	}
	now := time.Now()
	for key, st := range pt.stages {
		old := now.Sub(st.last.Started) >= pt.delay
		switch {
		case !st.shown && old && !st.finished:
			pt.out.Display(MIMEBundle(display.ProgressBar(st.last, now)), nil, key, false)
			st.shown, st.published = true, st.last.Done
		case st.shown && (st.finished || st.last.Done != st.published || final):
			last := st.last
			if final && !last.Finished {
				last.Finished, last.Failed = true, true
			}
			pt.out.Display(MIMEBundle(display.ProgressBar(last, now)), nil, key, true)
			st.published = last.Done
			if st.finished || final {
				delete(pt.stages, key)
			}
		case st.finished:
			delete(pt.stages, key) // fast: never shown
		}
	}
}
