package interp

import (
	"context"
	"strings"
	"testing"
	"time"
)

// TestCellsUseJobContextViews checks that a cell can make a view of sc
// with its own job context, and that interrupting the cell stops a view's
// job as it stops sc's.
func TestCellsUseJobContextViews(t *testing.T) {
	s := newSession(t)
	for _, code := range []string{
		`import "context"`,
		`cancelled, cancel := context.WithCancel(context.Background()); cancel()`,
		`running := sc.WithJobContext(context.Background())`,
	} {
		if r := execute(t, s, code); r.err != nil {
			t.Fatalf("%s: %+v", code, r.err)
		}
	}
	tests := []struct {
		name, code string
		interrupt  bool
		wantPlain  string // the cell's value, when it succeeds
		wantErr    string // the error's name, when it fails
		wantValue  string // in the error's text
	}{
		{"a view's job counts", `running.Range(0, 10).Count()`, false, "10", "", ""},
		{"a cancelled view's job fails", `sc.WithJobContext(cancelled).Range(0, 10).Count()`, false, "", "JobError", "context canceled"},
		{"the error form", `err := rdd.Try(func() { sc.WithJobContext(cancelled).Range(0, 10).Count() }); err != nil`, false, "true", "", ""},
		{"sc goes on", `sc.Range(0, 10).Count()`, false, "10", "", ""},
		{"an interrupt stops a view's job",
			`running.Range(0, 1<<40, 1, 2).Map(func(x int64) int64 { return x + 1 }).Count()`, true, "", "Interrupted", ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			ctx, cancel := context.WithCancel(context.Background())
			defer cancel()
			if tt.interrupt {
				time.AfterFunc(200*time.Millisecond, cancel)
			}
			got := executeCtx(t, ctx, s, tt.code)
			switch {
			case tt.wantErr == "" && (got.err != nil || got.plain != tt.wantPlain):
				t.Errorf("got %q %+v, want %q", got.plain, got.err, tt.wantPlain)
			case tt.wantErr != "" && (got.err == nil || got.err.Name != tt.wantErr || !strings.Contains(got.err.Value, tt.wantValue)):
				t.Errorf("got %q %+v, want a %s error with %q", got.plain, got.err, tt.wantErr, tt.wantValue)
			}
		})
	}
}
