package rdd

import (
	"math"
	"os"
	"runtime/debug"
	"testing"
)

func TestJobsKeepAHeapFloorWhileTheCollectorIsAtItsDefaults(t *testing.T) {
	// A job holds the heap floor when GOGC is not set and no memory limit
	// under 2 GiB is, and lets it go when either is: the process chose how
	// to collect, or the floor would take much of its memory.
	limit := debug.SetMemoryLimit(-1)
	defer debug.SetMemoryLimit(limit)
	gogc, hadGOGC := os.LookupEnv("GOGC")
	defer func() {
		if hadGOGC {
			os.Setenv("GOGC", gogc)
		} else {
			os.Unsetenv("GOGC")
		}
	}()
	tests := []struct {
		name  string
		gogc  string // "" for unset
		limit int64
		want  bool
	}{
		{"defaults", "", math.MaxInt64, true},
		{"GOGC set", "200", math.MaxInt64, false},
		{"back to the defaults", "", math.MaxInt64, true},
		{"a memory limit of most of a machine", "", 16 << 30, true},
		{"a small memory limit", "", 1 << 30, false},
	}
	sc := NewContext()
	defer sc.Stop()
	for _, tt := range tests {
		if tt.gogc == "" {
			os.Unsetenv("GOGC")
		} else {
			os.Setenv("GOGC", tt.gogc)
		}
		debug.SetMemoryLimit(tt.limit)
		if n := sc.Parallelize([]any{1, 2, 3}, 2).Count(); n != 3 {
			t.Fatalf("%s: Count() = %d, want 3", tt.name, n)
		}
		if got := gcFloorHeld(); got != tt.want {
			t.Errorf("%s: floor held %v after a job, want %v", tt.name, got, tt.want)
		}
	}
}
