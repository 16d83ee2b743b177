package rdd

import (
	"os"
	"runtime/debug"
	"sync"
)

// The Go collector runs when the heap has grown by GOGC percent (100 by
// default) of what was live after the last collection. A job that
// streams elements through small live data (a word count's table, a
// filter) allocates a great deal and keeps little: with 10 MB live it
// collects every 10 MB allocated, hundreds of times in a few seconds,
// and the collector takes a fifth of the job's CPU. So, while the
// process leaves the collector at its defaults, the engine keeps a heap
// floor: a block of pointer-free memory, allocated as a job starts and
// never written, which the collector counts as live (and marks at once,
// having no pointers to follow). It adds gcFloorBytes to the live heap
// the collector paces by: a job of small live data collects about every
// gcFloorBytes allocated instead, one of large live data about as
// before. The heap grows by at most gcFloorBytes more than it would; the
// floor itself takes address space, not memory, its pages never being
// written. There is no floor when the process chose how to collect (GOGC
// set in its environment), or under a memory limit (GOMEMLIMIT,
// debug.SetMemoryLimit) small enough for the floor to matter, under
// minFloorLimit; a job that starts after such a limit was set lets the
// floor go. (A kernel's session runs under a limit of most of the
// machine's memory, where the floor is a rounding error.)

// gcFloorBytes is the size of the heap floor.
const gcFloorBytes = 64 << 20

// minFloorLimit is the smallest memory limit the floor is kept under.
const minFloorLimit = 32 * gcFloorBytes

var (
	gcFloorMu sync.Mutex
	// gcFloor is the heap floor, nil when the process has none.
	gcFloor []byte
)

// keepGCFloor keeps the heap floor while the collector is at its
// defaults, and lets it go otherwise. Jobs call it as they start.
func keepGCFloor() {
	wanted := os.Getenv("GOGC") == "" && debug.SetMemoryLimit(-1) >= minFloorLimit
	gcFloorMu.Lock()
	defer gcFloorMu.Unlock()
	switch {
	case wanted && gcFloor == nil:
		gcFloor = make([]byte, gcFloorBytes)
	case !wanted:
		gcFloor = nil
	}
}

// gcFloorHeld reports whether the process holds the heap floor.
func gcFloorHeld() bool {
	gcFloorMu.Lock()
	defer gcFloorMu.Unlock()
	return gcFloor != nil
}
