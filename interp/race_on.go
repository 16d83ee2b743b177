//go:build race

package interp

// raceEnabled tells that this binary has the race detector, so compiled
// cells, which must match it, are built with -race too.
const raceEnabled = true
