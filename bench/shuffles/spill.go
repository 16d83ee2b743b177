package main

import (
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"runtime/debug"
	"strconv"
	"strings"

	"github.com/gosparkling/gosparkling/rdd"
)

// The spill table: shuffles whose data is several times the shuffle
// memory, in a process bounded as WithShuffleMemory says to bound one:
// GOMEMLIMIT set, the budget its default quarter. Each must spill (its
// map tasks write runs to the spill directory) and keep its peak
// resident memory within the memory limit plus the resident memory of
// the same input made and counted without a shuffle (the runtime, the
// binary, the input's stage).

// spillWorkload is one row of the spill table.
type spillWorkload struct {
	name string
	what string
	run  func(sc *rdd.Context, s int64) int64
	unit string
}

var spillWorkloads = []spillWorkload{
	{"spill-reduce", "ReduceByKey of 10M pairs with distinct int64 keys", func(sc *rdd.Context, s int64) int64 {
		return sc.Range(0, scaled(10_000_000, s), 1, shuffleSlices).
			Map(func(x int64) rdd.Pair { return rdd.KV(x, 1) }).
			ReduceByKey(func(a, b int) int { return a + b }).Count()
	}, "keys"},
	{"spill-group", "GroupByKey of 10M pairs into 1M int64 keys", func(sc *rdd.Context, s int64) int64 {
		keys := scaled(1_000_000, s)
		return sc.Range(0, scaled(10_000_000, s), 1, shuffleSlices).
			Map(func(x int64) rdd.Pair { return rdd.KV(x%keys, x) }).
			GroupByKey().Count()
	}, "keys"},
	{"spill-distinct", "Distinct of 10M int64 numbers into 5M", func(sc *rdd.Context, s int64) int64 {
		n := scaled(5_000_000, s)
		return sc.Range(0, scaled(10_000_000, s), 1, shuffleSlices).
			Map(func(x int64) int64 { return x * 7919 % n }).
			Distinct().Count()
	}, "distinct numbers"},
}

// spillBase is the spill table's baseline: the input of the workloads,
// made and counted with no shuffle.
var spillBase = spillWorkload{"spill-base", "the input alone: 10M pairs made and counted", func(sc *rdd.Context, s int64) int64 {
	return sc.Range(0, scaled(10_000_000, s), 1, shuffleSlices).
		Map(func(x int64) rdd.Pair { return rdd.KV(x, 1) }).Count()
}, "pairs"}

// runSpillChild runs spill workload w in this process and returns its
// count and note: the count and the run files its shuffle left in this
// process's spill directory.
func runSpillChild(w spillWorkload, scale int64) (int64, string) {
	sc := rdd.NewContext()
	defer sc.Stop()
	n := w.run(sc, scale)
	runs, _ := filepath.Glob(filepath.Join(os.TempDir(), fmt.Sprintf("gosparkling-spill-%d-*", os.Getpid()), "*.run"))
	return n, fmt.Sprintf("%d %s, %d runs spilled, GOMEMLIMIT %d MB", n, w.unit, len(runs), debug.SetMemoryLimit(-1)>>20)
}

// runSpills measures every spill workload with GOMEMLIMIT limitMB and
// returns the Markdown table, or an error naming each workload that did
// not spill or went over its bound.
func runSpills(scale, limitMB int64) (string, error) {
	measure := func(w spillWorkload) (shuffleCell, int, error) {
		exe, err := os.Executable()
		if err != nil {
			return shuffleCell{}, 0, err
		}
		cmd := exec.Command(exe, "-scale", strconv.FormatInt(scale, 10), "-shuffle", w.name+"/engine")
		cmd.Env = append(os.Environ(), fmt.Sprintf("GOMEMLIMIT=%dMiB", limitMB))
		c := runCell(cmd, w.name)
		if c.err != nil {
			return c, 0, c.err
		}
		_, rest, _ := strings.Cut(c.note, ", ")
		runs, _ := strconv.Atoi(strings.Fields(rest)[0])
		return c, runs, nil
	}
	base, _, err := measure(spillBase)
	if err != nil {
		return "", err
	}
	bound := float64(limitMB) + base.peakMB
	var b strings.Builder
	fmt.Fprintf(&b, "Measured by `go run ./bench/shuffles -spill %d -scale %d` (the sizes below are of scale 10, the counts of this scale): GOMEMLIMIT %d MiB, so a shuffle memory of %d MiB (its default quarter); bound: the limit plus the %.0f MB of the input alone (%s).\n\n",
		limitMB, scale, limitMB, limitMB/4, base.peakMB, base)
	fmt.Fprintf(&b, "| workload | wall / CPU / peak memory | count | runs spilled | peak within %.0f MB |\n|---|---:|---:|---:|---|\n", bound)
	var failed []string
	for _, w := range spillWorkloads {
		c, runs, err := measure(w)
		if err != nil {
			return "", err
		}
		fmt.Fprintf(os.Stderr, "shuffles: %s: %s; %s\n", w.name, c, c.note)
		within := c.peakMB <= bound
		count, _, _ := strings.Cut(c.note, ",")
		fmt.Fprintf(&b, "| %s | %s | %s | %d | %v |\n", w.what, c, count, runs, within)
		if runs == 0 {
			failed = append(failed, w.name+" did not spill")
		}
		if !within {
			failed = append(failed, fmt.Sprintf("%s peaked at %.0f MB, over %.0f MB", w.name, c.peakMB, bound))
		}
	}
	if len(failed) > 0 {
		return b.String(), fmt.Errorf("%s", strings.Join(failed, "; "))
	}
	return b.String(), nil
}
