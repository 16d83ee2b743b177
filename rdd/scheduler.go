package rdd

import (
	"context"
	"errors"
	"fmt"
	"runtime"
	"strings"
	"sync"
	"sync/atomic"
	"time"
)

// job is one run of an action: the stages it needs, the first failure, and
// a stop flag every task checks between elements.
type job struct {
	id     int
	sc     *Context
	ctx    context.Context
	stop   atomic.Bool
	mu     sync.Mutex
	err    error
	failed int // partition of err, -1 when none
}

// task computes one partition within a job.
type task struct {
	job       *job
	partition int
	checks    uint32
	stage     *stageCounters // where the records and bytes read are counted; nil when no progress is reported
	bytes     int64          // bytes read not yet added to stage
}

// stageCounters count what a stage's tasks have read, for its progress
// reports.
type stageCounters struct {
	running, records, bytes atomic.Int64
}

// flush adds to the stage's counters what the task read since the last
// flush: 1024 records at every 1024th check, the rest at its end (last).
func (t *task) flush(last bool) {
	if t.stage == nil {
		return
	}
	n := int64(1024)
	if last {
		n = int64(t.checks & 1023)
	}
	t.stage.records.Add(n)
	t.stage.bytes.Add(t.bytes)
	t.bytes = 0
}

// bytesFlush is how many bytes a task reads before they are added to its
// stage's counters, if its records do not flush them sooner: a WARC or
// Parquet file's 1024 records may be megabytes.
const bytesFlush = 1 << 20

// addBytes counts n bytes the task read, for its stage's progress. Only
// the task's goroutine may call it.
func (t *task) addBytes(n int64) {
	t.bytes += n
	if t.stage != nil && t.bytes >= bytesFlush {
		t.stage.bytes.Add(t.bytes)
		t.bytes = 0
	}
}

// stopped reports whether the task should end early: the job failed
// elsewhere or its context is done. Sources check it between elements; it
// looks at the context itself every 1024 calls, so a cancelled job stops
// within a bounded number of elements whatever the scheduler does.
func (t *task) stopped() bool {
	t.checks++
	if t.checks&1023 == 0 {
		if t.job.ctx.Err() != nil {
			t.job.stop.Store(true)
		}
		t.flush(false)
	}
	return t.job.stop.Load()
}

func (j *job) fail(partition int, err error) {
	j.mu.Lock()
	if j.err == nil {
		j.err, j.failed = err, partition
	}
	j.mu.Unlock()
	j.stop.Store(true)
}

// runJob computes partitions parts of r for the named action, calling
// process on a worker goroutine for each. Shuffle stages r depends on run
// first. A failure panics with a *JobError on the caller's goroutine.
func (c *Context) runJob(r *RDD, action string, parts []int, process func(t *task, p int)) {
	ctx, release := c.currentJobContext()
	defer release()
	c.runJobWith(ctx, r, action, parts, process)
}

// runJobWith is runJob stopping when ctx is done.
func (c *Context) runJobWith(ctx context.Context, r *RDD, action string, parts []int, process func(t *task, p int)) {
	if c.isStopped() {
		panic(&JobError{Message: "the Context was stopped", Partition: -1, Lineage: r.ToDebugString(),
			Cause: errors.New("context stopped")})
	}
	keepGCFloor()
	c.activeJobs.Add(1)
	defer c.activeJobs.Add(-1)
	j := &job{sc: c, ctx: ctx, failed: -1, id: int(c.nextJobID.Add(1))}
	defer c.shuffles.jobStarted(j, r)()
	defer j.bindTiers(r)()
	stopWatch := context.AfterFunc(ctx, func() { j.stop.Store(true) })
	defer stopWatch()

	if err := j.prepareShuffles(r); err == nil {
		j.runStage(r, action, parts, process)
	}
	if j.err == nil && ctx.Err() != nil {
		j.err = ctx.Err()
	}
	if j.err != nil {
		panic(j.jobError(r))
	}
}

func (j *job) jobError(r *RDD) *JobError {
	err := j.err
	if ctxErr := j.ctx.Err(); ctxErr != nil && (errors.Is(err, errStopped) || err == ctxErr) {
		return &JobError{Message: "job cancelled: " + ctxErr.Error(), Partition: -1,
			Lineage: r.ToDebugString(), Cause: ctxErr}
	}
	msg := err.Error()
	var up *UserPanicError
	if errors.As(err, &up) {
		msg = userPanicMessage(up)
	}
	return &JobError{Message: msg, Partition: j.failed, Lineage: r.ToDebugString(), Cause: err}
}

// prepareShuffles computes, parents first, every shuffle that r's lineage
// reads and that is not already computed, and runs the prepare hooks.
// A persisted RDD whose partitions are all cached needs nothing upstream.
func (j *job) prepareShuffles(r *RDD) error {
	if _, err := r.numPartitions(); err != nil {
		j.fail(-1, err)
		return err
	}
	if c := r.cacheIfPersisted(); c != nil && c.complete(r) {
		return nil
	}
	for _, d := range r.deps {
		if err := j.prepareShuffles(d.rdd); err != nil {
			return err
		}
		if d.shuffle != nil {
			if err := d.shuffle.materialize(j); err != nil {
				return err
			}
		}
	}
	if r.prepare != nil {
		if err := r.prepare(j); err != nil {
			j.fail(-1, err)
			return err
		}
	}
	return nil
}

// runStage runs one stage's tasks, reporting progress to the Context's
// listener.
func (j *job) runStage(r *RDD, name string, parts []int, process func(t *task, p int)) {
	report := j.sc.progress
	if report == nil {
		j.runTasks(parts, process)
		return
	}
	sp := StageProgress{JobID: j.id, Stage: name, RDD: r.String(), Total: len(parts), Started: time.Now()}
	report(sp)
	var done atomic.Int64
	counters := &stageCounters{}
	snapshot := func() StageProgress {
		next := sp
		next.Done, next.Running = int(done.Load()), int(counters.running.Load())
		next.Records, next.Bytes = counters.records.Load(), counters.bytes.Load()
		return next
	}
	ended := make(chan struct{})
	ticked := make(chan struct{})
	go func() { // reports between tasks' ends
		defer close(ticked)
		ticker := time.NewTicker(ProgressInterval)
		defer ticker.Stop()
		for {
			select {
			case <-ended:
				return
			case <-ticker.C:
				report(snapshot())
			}
		}
	}()
	j.runTasks(parts, func(t *task, p int) {
		t.stage = counters
		counters.running.Add(1)
		completed := false
		defer func() {
			t.flush(true)
			counters.running.Add(-1)
			if completed {
				done.Add(1)
			}
			report(snapshot())
		}()
		process(t, p)
		// A task that returns after the job stopped may have stopped
		// early: it does not count as done.
		completed = !j.stop.Load()
	})
	close(ended)
	<-ticked
	sp = snapshot()
	sp.Ended = time.Now()
	sp.Finished, sp.Failed, sp.Cancelled = true, j.stop.Load(), j.stop.Load() && j.ctx.Err() != nil
	report(sp)
}

// runTasks runs process for every partition in parts on at most
// DefaultParallelism goroutines, each recovering its panics into the job's
// failure.
func (j *job) runTasks(parts []int, process func(t *task, p int)) {
	workers := min(j.sc.parallelism, len(parts))
	var next atomic.Int64
	var wg sync.WaitGroup
	wg.Add(workers)
	for range workers {
		go func() {
			defer wg.Done()
			for !j.stop.Load() {
				i := int(next.Add(1) - 1)
				if i >= len(parts) {
					return
				}
				j.runTask(parts[i], process)
			}
		}()
	}
	wg.Wait()
}

func (j *job) runTask(p int, process func(t *task, p int)) {
	defer func() {
		if r := recover(); r != nil {
			j.fail(p, taskPanicError(r))
		}
	}()
	process(&task{job: j, partition: p}, p)
}

// taskPanicError explains a value recovered in a task; a runtime error
// from hashing a non-comparable key gets a message that says so.
func taskPanicError(r any) error {
	if re, ok := r.(runtime.Error); ok && strings.Contains(re.Error(), "unhashable type") {
		return fmt.Errorf("a key is not comparable (%v): keys of shuffles must be comparable Go values, not slices, maps or funcs", re)
	}
	return recoveredError(r)
}

// allPartitions returns 0..n-1.
func allPartitions(n int) []int {
	parts := make([]int, n)
	for i := range parts {
		parts[i] = i
	}
	return parts
}
