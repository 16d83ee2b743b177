// Package procstat reads what the benchmarks measure of their own process.
package procstat

import (
	"errors"
	"os"
	"strconv"
	"strings"
)

// PeakRSSKB is the process's peak resident memory in kB (VmHWM of
// /proc/self/status), which, unlike the rusage of a child, starts anew at
// exec.
func PeakRSSKB() (float64, error) {
	status, err := os.ReadFile("/proc/self/status")
	if err != nil {
		return 0, err
	}
	for _, line := range strings.Split(string(status), "\n") {
		if rest, ok := strings.CutPrefix(line, "VmHWM:"); ok {
			return strconv.ParseFloat(strings.TrimSuffix(strings.TrimSpace(rest), " kB"), 64)
		}
	}
	return 0, errors.New("no VmHWM in /proc/self/status")
}
