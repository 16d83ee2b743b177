package rdd_test

import (
	"context"
	"errors"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/gosparkling/gosparkling/rdd"
)

// TestWithJobContext runs two jobs at once, each from its own view of one
// Context, and stops one view, the Context or a view's deadline: a view's
// context stops its own jobs only, the Context's stops every view's.
func TestWithJobContext(t *testing.T) {
	tests := []struct {
		name string
		// viewA returns the context of the first view.
		viewA func() (context.Context, context.CancelFunc)
		// stop, called once the second job is running, ends the first
		// job: it cancels the first view or the whole Context, or waits
		// for the first view's deadline.
		stop         func(ctxA context.Context, cancelA, cancelShared context.CancelFunc)
		wantA, wantB error // the cause each job fails with; nil when it completes
	}{
		{"the view's context stops the view's job only",
			func() (context.Context, context.CancelFunc) { return context.WithCancel(context.Background()) },
			func(_ context.Context, cancelA, _ context.CancelFunc) { cancelA() },
			context.Canceled, nil},
		{"the view's deadline stops the view's job only",
			func() (context.Context, context.CancelFunc) {
				return context.WithTimeout(context.Background(), 50*time.Millisecond)
			},
			func(ctxA context.Context, _, _ context.CancelFunc) { <-ctxA.Done() },
			context.DeadlineExceeded, nil},
		{"the Context's job context stops every view's job",
			func() (context.Context, context.CancelFunc) { return context.WithCancel(context.Background()) },
			func(_ context.Context, _, cancelShared context.CancelFunc) { cancelShared() },
			context.Canceled, context.Canceled},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			sc := newContext(t)
			shared, cancelShared := context.WithCancel(context.Background())
			defer cancelShared()
			sc.SetJobContext(shared)
			ctxA, cancelA := tt.viewA()
			defer cancelA()
			viewA := sc.WithJobContext(ctxA)
			viewB := sc.WithJobContext(context.Background())

			bStarted, aDone := make(chan struct{}), make(chan struct{})
			var startB sync.Once
			var errB error
			var countB int64
			var wg sync.WaitGroup
			wg.Add(1)
			go func() {
				defer wg.Done()
				// The second job waits, once running, for the first to end.
				countB, errB = rdd.Catch(viewB.Parallelize(make([]int, 100), 2).Map(func(x int) int {
					startB.Do(func() { close(bStarted) })
					<-aDone
					return x
				}).Count)
			}()

			// The first job stops inside its shuffle's map stage, on an RDD
			// derived from the view's source.
			var seen atomic.Int64
			var stopA sync.Once
			// Its 20 million elements take long enough that a stop seen
			// late (AfterFunc runs on a goroutine of its own) still
			// leaves most of them.
			countA, errA := rdd.Catch(viewA.Range(0, 20_000_000, 1, 2).
				Map(func(x int64) rdd.Pair {
					seen.Add(1)
					stopA.Do(func() {
						<-bStarted
						tt.stop(ctxA, cancelA, cancelShared)
					})
					return rdd.KV(x%10, 1)
				}).
				ReduceByKey(func(a, b int) int { return a + b }).Count)
			close(aDone)
			wg.Wait()

			for _, job := range []struct {
				name  string
				count int64
				err   error
				want  error
				total int64
			}{{"first", countA, errA, tt.wantA, 1}, {"second", countB, errB, tt.wantB, 100}} {
				var je *rdd.JobError
				switch {
				case job.want == nil && job.err != nil:
					t.Errorf("%s job: %v, want it to complete", job.name, job.err)
				case job.want == nil && job.count != job.total:
					t.Errorf("%s job counted %d, want %d", job.name, job.count, job.total)
				case job.want != nil && !errors.As(job.err, &je):
					t.Errorf("%s job: error %v, want a *JobError", job.name, job.err)
				case job.want != nil && !errors.Is(job.err, job.want):
					t.Errorf("%s job: error %v, want cause %v", job.name, job.err, job.want)
				}
			}
			if n := seen.Load(); n > 10_000_000 {
				t.Errorf("the first job went on for %d elements after it was stopped", n)
			}
			if n := sc.ActiveJobs(); n != 0 {
				t.Errorf("ActiveJobs() = %d after both jobs ended", n)
			}
		})
	}
}

// TestJobContextViewSharesTheContext checks that a view is the same
// Context but for its job context.
func TestJobContextViewSharesTheContext(t *testing.T) {
	sc := rdd.NewContext(rdd.WithParallelism(3))
	view := sc.WithJobContext(context.Background())
	a, b, c := sc.EmptyRDD(), view.EmptyRDD(), view.WithJobContext(context.TODO()).EmptyRDD()
	tests := []struct {
		name string
		ok   bool
	}{
		{"same parallelism", view.DefaultParallelism() == 3},
		{"one RDD id sequence", a.ID() != b.ID() && b.ID() != c.ID() && a.ID() != c.ID()},
		{"Local of a view without runner is the view", view.Local() == view},
		{"one MaxResultSize", func() bool { view.SetMaxResultSize(1 << 20); return sc.MaxResultSize() == 1<<20 }()},
		{"Stop on a view stops the Context", func() bool {
			view.Stop()
			return rdd.Try(func() { sc.Parallelize([]int{1}).Count() }) != nil
		}()},
	}
	for _, tt := range tests {
		if !tt.ok {
			t.Errorf("%s: no", tt.name)
		}
	}
	func() {
		defer func() {
			if r := recover(); r == nil {
				t.Errorf("WithJobContext(nil) did not panic")
			}
		}()
		var nilCtx context.Context
		sc.WithJobContext(nilCtx)
	}()
}

// TestCatch checks that Catch returns an action's result, or its job's
// error, and lets other panics through.
func TestCatch(t *testing.T) {
	sc := newContext(t)
	cancelled, cancel := context.WithCancel(context.Background())
	cancel()
	words := sc.Parallelize([]string{"a", "b", "a"}, 2)
	tests := []struct {
		name      string
		action    func() int64
		want      int64
		wantCause error // nil: no error; errAny: any JobError
	}{
		{"a succeeding action returns its value", words.Count, 3, nil},
		{"a failing user function returns the JobError",
			words.Map(func(string) string { panic("bad word") }).Count, 0, errAny},
		{"a cancelled view returns the JobError of context.Canceled",
			sc.WithJobContext(cancelled).Parallelize([]int{1, 2}).Count, 0, context.Canceled},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := rdd.Catch(tt.action)
			if got != tt.want {
				t.Errorf("result %d, want %d", got, tt.want)
			}
			var je *rdd.JobError
			switch {
			case tt.wantCause == nil && err != nil:
				t.Errorf("error %v, want none", err)
			case tt.wantCause != nil && !errors.As(err, &je):
				t.Errorf("error %v, want a *JobError", err)
			case tt.wantCause != nil && tt.wantCause != errAny && !errors.Is(err, tt.wantCause):
				t.Errorf("error %v, want cause %v", err, tt.wantCause)
			}
		})
	}

	t.Run("other panics propagate", func(t *testing.T) {
		defer func() {
			if r := recover(); r != "not a job" {
				t.Errorf("recovered %v, want the action's own panic", r)
			}
		}()
		rdd.Catch(func() int { panic("not a job") })
	})
}

// errAny stands for any *JobError in TestCatch.
var errAny = errors.New("any job error")
