//go:build beam

package beam

import (
	"context"
	"fmt"
	"sync"
	"sync/atomic"
)

// A job whose workers are this process (Prism in loopback mode) never
// fails on Beam, nor is it cancelled there: its DoFns record the first
// error (or the interrupt) in the job's guard, stop their work, and let
// the job end normally, and the runner then returns that error. Beam's Go
// harness (v2.77.0, harness.go) cannot stop while bundles are running: it
// checks that it is not shutting down, then sends a bundle's response on
// a channel its shutdown closes, so a bundle that ends as a failed job's
// workers stop is a send on a closed channel, which kills the process:
// here the kernel. A job that drains ends with no bundle running.

// jobGuard is the state of a running in-process job that its DoFns share.
type jobGuard struct {
	id      int64
	ctx     context.Context // cancelled once the job stops
	cancel  context.CancelFunc
	stopped atomic.Bool

	mu  sync.Mutex
	err error
}

// guards holds the guards of this process's running jobs, by id;
// liveGuards counts them.
var (
	guards     sync.Map // int64 -> *jobGuard
	nextGuard  atomic.Int64
	liveGuards atomic.Int64
)

// newJobGuard registers the guard of a new job.
func newJobGuard() *jobGuard {
	g := &jobGuard{id: nextGuard.Add(1)}
	g.ctx, g.cancel = context.WithCancel(context.Background())
	guards.Store(g.id, g)
	liveGuards.Add(1)
	return g
}

// release forgets the guard once its job has ended. A DoFn of the job
// that still runs (one Beam was made to cancel) then does nothing.
func (g *jobGuard) release() {
	if _, ok := guards.LoadAndDelete(g.id); ok {
		liveGuards.Add(-1)
	}
	g.cancel()
}

// fail stops the job with err, unless it has stopped already.
func (g *jobGuard) fail(err error) {
	g.mu.Lock()
	if g.err == nil {
		g.err = err
	}
	g.mu.Unlock()
	g.stopped.Store(true)
	g.cancel()
}

// Err returns the error that stopped the job, or nil.
func (g *jobGuard) Err() error {
	g.mu.Lock()
	defer g.mu.Unlock()
	return g.err
}

// inJob is embedded in the DoFns of a job: Job is the id of its guard, 0
// when the workers are elsewhere (and the DoFns fail on Beam as usual).
type inJob struct {
	Job int64
}

func (j *inJob) joinJob(id int64) { j.Job = id }

// jobMember is a DoFn that can belong to a guarded job.
type jobMember interface{ joinJob(id int64) }

// guard returns the job's guard: nil, with guarded, once the job has
// ended; guarded is false when the job has no guard (its workers are
// elsewhere).
func (j inJob) guard() (g *jobGuard, guarded bool) {
	if j.Job == 0 {
		return nil, false
	}
	if g, ok := guards.Load(j.Job); ok {
		return g.(*jobGuard), true
	}
	return nil, true
}

// run runs do for a DoFn. Without a guard it returns do's error for Beam
// to fail the bundle with. With one, it does nothing once the job has
// stopped, and it stops the job with do's error or panic and returns nil.
func (j inJob) run(do func() error) (err error) {
	g, guarded := j.guard()
	if !guarded {
		return do()
	}
	if g == nil || g.stopped.Load() {
		return nil
	}
	defer func() {
		if r := recover(); r != nil {
			if e, ok := r.(error); ok {
				err = e
			} else {
				err = fmt.Errorf("%v", r)
			}
		}
		if err != nil {
			g.fail(err)
			err = nil
		}
	}()
	return do()
}

// context returns ctx, cancelled also when the job stops.
func (j inJob) context(ctx context.Context) (context.Context, context.CancelFunc) {
	g, _ := j.guard()
	if g == nil {
		return ctx, func() {}
	}
	ctx, cancel := context.WithCancel(ctx)
	stop := context.AfterFunc(g.ctx, cancel)
	return ctx, func() { stop(); cancel() }
}

// setupFailed keeps a Setup's error for the job's guard, which the first
// element then stops the job with; without a guard it is Setup's error.
func (j inJob) setupFailed(err error, keep *error) error {
	if _, guarded := j.guard(); err == nil || !guarded {
		return err
	}
	*keep = err
	return nil
}
