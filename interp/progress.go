package interp

import (
	"strconv"
	"sync"
	"time"

	"github.com/gosparkling/gosparkling/display"
	"github.com/gosparkling/gosparkling/interp/internal/widget"
	"github.com/gosparkling/gosparkling/rdd"
)

// Progress: a job that runs longer than progressDelay gets a display of
// its stages (display.JobProgress) in the cell's output, updated in place
// every progressInterval while it runs, so that its clock ticks and its
// tasks, records and bytes move before a task ends, and left in its final
// state: done, failed or interrupted. Where the frontend shows Jupyter
// widgets (cell.Comms), the display is a widget the frontend updates in
// place, replaced by a plain display of the final state when the cell
// ends; elsewhere (nbconvert, consoles) updates replace the display
// (update_display_data).
const (
	progressDelay    = time.Second
	progressInterval = 500 * time.Millisecond
)

// progressTracker receives the Context's stage reports (on worker
// goroutines) and publishes the jobs' progress from a ticker of its own
// while a cell runs.
type progressTracker struct {
	delay  time.Duration // how long a job runs before it gets a display
	mu     sync.Mutex
	out    Output
	prefix string // of display IDs: unique to the tracker, so that a new session's job 1 updates no older output
	jobs   map[int]*jobState
	stop   chan struct{}
	done   chan struct{}
}

// jobState is what the tracker knows of a job: the last report of each of
// its stages.
type jobState struct {
	stages  map[string]rdd.StageProgress
	started time.Time // the earliest start of its stages
	shown   bool      // its display is in the output
	dirty   bool      // a report came since the last publication
	// widget shows the job where the frontend shows widgets; nil when
	// the display is plain, or after the job's final state.
	widget *widget.HTML
}

// running reports whether a stage of the job has not finished.
func (js *jobState) running() bool {
	for _, p := range js.stages {
		if !p.Finished {
			return true
		}
	}
	return false
}

// list returns the stages' last reports.
func (js *jobState) list() []rdd.StageProgress {
	out := make([]rdd.StageProgress, 0, len(js.stages))
	for _, p := range js.stages {
		out = append(out, p)
	}
	return out
}

// report records a stage report; it must be quick. Reports of a stage
// may arrive out of order (tasks end on several goroutines): a report
// counting fewer tasks done than the last one is dropped, and nothing
// follows a stage's final report.
func (pt *progressTracker) report(p rdd.StageProgress) {
	pt.mu.Lock()
	defer pt.mu.Unlock()
	if pt.out == nil {
		return
	}
	js := pt.jobs[p.JobID]
	if js == nil {
		js = &jobState{stages: map[string]rdd.StageProgress{}, started: p.Started}
		pt.jobs[p.JobID] = js
	}
	last, seen := js.stages[p.Stage]
	switch {
	case !seen:
	case last.Finished:
		return
	case !p.Finished && p.Done < last.Done:
		return
	}
	js.stages[p.Stage] = p
	js.dirty = true
	if !p.Started.IsZero() && p.Started.Before(js.started) {
		js.started = p.Started
	}
}

// start begins tracking for a cell writing to out.
func (pt *progressTracker) start(out Output) {
	pt.mu.Lock()
	if pt.prefix == "" {
		pt.prefix = "gosparkling-job-" + strconv.FormatInt(time.Now().UnixNano(), 36) + "-"
	}
	pt.out, pt.jobs = out, map[int]*jobState{}
	pt.stop, pt.done = make(chan struct{}), make(chan struct{})
	pt.mu.Unlock()
	go pt.run()
}

// finish publishes the final state of shown jobs and stops the ticker.
func (pt *progressTracker) finish() {
	close(pt.stop)
	<-pt.done
	pt.publish(true)
	pt.mu.Lock()
	pt.out, pt.jobs = nil, nil
	pt.mu.Unlock()
}

func (pt *progressTracker) run() {
	defer close(pt.done)
	defer func() { recover() }() // a failing display must not kill the kernel
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

// publish shows the jobs running for longer than the delay, and updates
// the shown ones: while they run at every tick, for the clock, else when
// a report came. At the cell's end (final) every shown job gets its last
// state, a stage still running then shown as interrupted (the cell
// stopped without waiting for it).
func (pt *progressTracker) publish(final bool) {
	pt.mu.Lock()
	defer pt.mu.Unlock()
	if pt.out == nil {
		return
	}
	now := time.Now()
	for id, js := range pt.jobs {
		key := pt.prefix + strconv.Itoa(id)
		running := js.running()
		switch {
		case !js.shown && running && !final && now.Sub(js.started) >= pt.delay:
			bundle := display.JobProgress(js.list(), now)
			html, _ := bundle["text/html"].(string)
			text, _ := bundle["text/plain"].(string)
			if js.widget = widget.Show(pt.out, key, widgetHTML(html), text); js.widget == nil {
				pt.out.Display(MIMEBundle(bundle), nil, key, false)
			}
			js.shown, js.dirty = true, false
		case js.shown && (running || js.dirty || final):
			if final && running {
				for name, p := range js.stages {
					if !p.Finished {
						p.Finished, p.Failed, p.Cancelled, p.Ended, p.Running = true, true, true, now, 0
						js.stages[name] = p
					}
				}
			}
			bundle := MIMEBundle(display.JobProgress(js.list(), now))
			switch {
			case js.widget == nil:
				pt.out.Display(bundle, nil, key, true)
			case final:
				js.widget.Close(bundle)
				js.widget = nil
			default:
				html, _ := bundle["text/html"].(string)
				js.widget.Set(widgetHTML(html))
			}
			js.dirty = false
		case !js.shown && !running && now.Sub(js.started) >= 2*pt.delay:
			// Fast, never shown; kept a while in case another stage of
			// the job starts, so that the job is shown whole.
			delete(pt.jobs, id)
		}
	}
}

// widgetHTML gives the HTML of a job's progress the width of its plain
// display in a widget, which would otherwise shrink to its text.
func widgetHTML(html string) string {
	return `<div style="width:720px;max-width:100%">` + html + `</div>`
}
