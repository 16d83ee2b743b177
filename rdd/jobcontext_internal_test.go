package rdd

import (
	"context"
	"errors"
	"testing"
	"time"
)

// TestEitherContext checks the context a view's job runs under when the
// Context has a job context too: done when either is, with the earlier
// deadline and the Err of the one that ended it.
func TestEitherContext(t *testing.T) {
	now := time.Now()
	soon, later := now.Add(time.Hour), now.Add(2*time.Hour)
	tests := []struct {
		name         string
		view, shared time.Time // deadlines; zero for none
		cancel       string    // "view", "shared" or ""
		wantDeadline time.Time
		wantErr      error
	}{
		{"no deadline, running", time.Time{}, time.Time{}, "", time.Time{}, nil},
		{"the view's deadline", soon, time.Time{}, "", soon, nil},
		{"the Context's deadline", time.Time{}, soon, "", soon, nil},
		{"the earlier of both, the Context's", later, soon, "", soon, nil},
		{"the earlier of both, the view's", soon, later, "", soon, nil},
		{"the view cancelled", time.Time{}, time.Time{}, "view", time.Time{}, context.Canceled},
		{"the Context cancelled", time.Time{}, time.Time{}, "shared", time.Time{}, context.Canceled},
		{"a deadline passed", now.Add(-time.Second), time.Time{}, "", now.Add(-time.Second), context.DeadlineExceeded},
	}
	ctxWith := func(deadline time.Time) (context.Context, context.CancelFunc) {
		if deadline.IsZero() {
			return context.WithCancel(context.Background())
		}
		return context.WithDeadline(context.Background(), deadline)
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			view, cancelView := ctxWith(tt.view)
			defer cancelView()
			shared, cancelShared := ctxWith(tt.shared)
			defer cancelShared()
			sc := NewContext()
			defer sc.Stop()
			sc.SetJobContext(shared)
			ctx, release := sc.WithJobContext(view).currentJobContext()
			defer release()
			switch tt.cancel {
			case "view":
				cancelView()
			case "shared":
				cancelShared()
			}
			if tt.wantErr != nil {
				select {
				case <-ctx.Done():
				case <-time.After(10 * time.Second):
					t.Fatal("not done")
				}
			}
			if d, ok := ctx.Deadline(); ok != !tt.wantDeadline.IsZero() || !d.Equal(tt.wantDeadline) {
				t.Errorf("Deadline() = %v, %v; want %v", d, ok, tt.wantDeadline)
			}
			if err := ctx.Err(); !errors.Is(err, tt.wantErr) || (tt.wantErr == nil) != (err == nil) {
				t.Errorf("Err() = %v, want %v", err, tt.wantErr)
			}
		})
	}
}
