package isolate

import (
	"bytes"
	"fmt"
	"math"
	"os"
	"strconv"
	"strings"
)

// DefaultMemoryLimit is three quarters of the memory the kernel may use:
// the machine's, or its control group's limit when that is lower. It is 0
// (no limit) when neither can be read.
func DefaultMemoryLimit() int64 {
	total := machineMemory()
	if cg := cgroupMemoryLimit(); cg > 0 && (total == 0 || cg < total) {
		total = cg
	}
	return total / 4 * 3
}

// ParseMemoryLimit reads a memory limit as people write it: "8GiB",
// "512MiB", "2G", "1500000000", or a share of DefaultMemoryLimit's total
// such as "50%". "0", "none" and "off" mean no limit (-1).
func ParseMemoryLimit(s string) (int64, error) {
	t := strings.TrimSpace(s)
	switch strings.ToLower(t) {
	case "0", "none", "off", "unlimited":
		return -1, nil
	}
	if pct, ok := strings.CutSuffix(t, "%"); ok {
		p, err := strconv.ParseFloat(strings.TrimSpace(pct), 64)
		total := DefaultMemoryLimit() / 3 * 4
		if err != nil || p <= 0 || p > 100 || total == 0 {
			return 0, fmt.Errorf("memory limit %q: want a percentage in (0, 100] of the machine's memory", s)
		}
		return int64(float64(total) * p / 100), nil
	}
	units := []struct {
		suffix string
		scale  float64
	}{
		{"KiB", 1 << 10}, {"MiB", 1 << 20}, {"GiB", 1 << 30}, {"TiB", 1 << 40},
		{"KB", 1e3}, {"MB", 1e6}, {"GB", 1e9}, {"TB", 1e12},
		{"K", 1 << 10}, {"M", 1 << 20}, {"G", 1 << 30}, {"T", 1 << 40}, {"B", 1},
	}
	num, scale := t, 1.0
	for _, u := range units {
		if rest, ok := strings.CutSuffix(strings.ToUpper(t), strings.ToUpper(u.suffix)); ok {
			num, scale = strings.TrimSpace(t[:len(rest)]), u.scale
			break
		}
	}
	v, err := strconv.ParseFloat(num, 64)
	if err != nil || v <= 0 || math.IsInf(v, 0) || v*scale > math.MaxInt64/2 {
		return 0, fmt.Errorf("memory limit %q: want a size such as 8GiB, 512MiB or 50%%", s)
	}
	return int64(v * scale), nil
}

// formatBytes writes n in binary units: "1.5 GiB".
func formatBytes(n int64) string {
	const unit = 1 << 10
	if n < unit {
		return fmt.Sprintf("%d B", n)
	}
	v, i := float64(n), -1
	for v >= unit && i < 4 {
		v /= unit
		i++
	}
	return fmt.Sprintf("%.1f %ciB", v, "KMGTP"[i])
}

// machineMemory is MemTotal of /proc/meminfo in bytes, 0 if unknown.
func machineMemory() int64 {
	data, err := os.ReadFile("/proc/meminfo")
	if err != nil {
		return 0
	}
	for line := range strings.SplitSeq(string(data), "\n") {
		if rest, ok := strings.CutPrefix(line, "MemTotal:"); ok {
			f := strings.Fields(rest)
			if len(f) == 2 && f[1] == "kB" {
				kb, err := strconv.ParseInt(f[0], 10, 64)
				if err == nil {
					return kb << 10
				}
			}
		}
	}
	return 0
}

// cgroupMemoryLimit is the memory.max of the process's cgroup (v2), 0 if
// none is set or it cannot be read.
func cgroupMemoryLimit() int64 {
	data, err := os.ReadFile("/sys/fs/cgroup/memory.max")
	if err != nil {
		return 0
	}
	v, err := strconv.ParseInt(string(bytes.TrimSpace(data)), 10, 64)
	if err != nil {
		return 0 // "max"
	}
	return v
}

// residentSize is the resident set size of process pid in bytes.
func residentSize(pid int) (int64, error) {
	data, err := os.ReadFile("/proc/" + strconv.Itoa(pid) + "/statm")
	if err != nil {
		return 0, err
	}
	f := bytes.Fields(data)
	if len(f) < 2 {
		return 0, fmt.Errorf("isolate: unexpected statm %q", data)
	}
	pages, err := strconv.ParseInt(string(f[1]), 10, 64)
	if err != nil {
		return 0, fmt.Errorf("isolate: statm: %w", err)
	}
	return pages * int64(os.Getpagesize()), nil
}
