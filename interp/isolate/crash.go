package isolate

import (
	"errors"
	"fmt"
	"math"
	"os/exec"
	"regexp"
	"strings"
	"syscall"
	"time"

	"github.com/gosparkling/gosparkling/interp"
)

// lostState is what every crash error says about the session.
const lostState = "The session's state was lost: its variables, imports and cached RDDs are gone. " +
	"A new session has started; run the cells it needs again."

// crashKinds name the Go runtime's fatal errors, by a phrase of their
// message, and say what usually causes them.
var crashKinds = []struct {
	phrase, ename, hint string
}{
	{"concurrent map", "ConcurrentMapAccess", "A map was used by several goroutines at once, at least one of them writing: " +
		"an RDD function or goroutines of a cell writing one map. Collect results with an action " +
		"(CountByValue, ReduceByKey, Collect) or sc.Accumulator, or guard the map with a sync.Mutex."},
	{"stack overflow", "StackOverflow", "A function called itself without end (or too deeply): check the recursion's base case."},
	{"stack exceeds", "StackOverflow", "A function called itself without end (or too deeply): check the recursion's base case."},
	{"out of memory", "OutOfMemory", "The session could not get more memory from the system."},
}

// diedError describes the death of child c while cell (may be "") ran,
// logs the runtime's report and returns the cell's error.
func (e *Executor) diedError(c *child, cell string) *interp.CellError {
	select {
	case <-c.logDone:
	case <-time.After(crashReportWait):
	}
	// Deliver what the cell wrote before the end, before its error.
	c.stdout.WaitFor(math.MaxUint64, crashReportWait/4)
	c.stderr.WaitFor(math.MaxUint64, crashReportWait/4)
	c.mu.Lock()
	report := crashReport(string(c.logTail))
	c.mu.Unlock()
	if report != "" {
		e.log.Printf("isolate: the session process %d crashed; the Go runtime's report:\n%s", c.cmd.Process.Pid, report)
	}
	var ce *interp.CellError
	if c.endedByUser.Load() {
		ce = endedError()
	} else {
		ce = describeDeath(report, c.exitErr, c.memUsed.Load(), e.limit, e.readyBefore(c))
	}
	where := "while no cell was running (a goroutine or callback a cell left behind, or the system)"
	if cell != "" {
		where = "in " + cell
	}
	ce.Traceback = append(ce.Traceback[:1], append([]string{where}, ce.Traceback[1:]...)...)
	return ce
}

func (e *Executor) readyBefore(c *child) bool {
	select {
	case <-c.ready:
		return true
	default:
		return false
	}
}

// endedError is the error of a cell whose session the user ended.
func endedError() *interp.CellError {
	const msg = "the session was ended by a second interrupt, to stop a cell that ignored the first"
	return &interp.CellError{Name: "SessionEnded", Value: msg,
		Traceback: []string{red("SessionEnded") + ": " + msg, "", lostState}}
}

// crashReport finds the Go runtime's report of a fatal error or an
// unrecovered panic at the end of a log: from the last line that starts
// one ("fatal error: ", "panic: ", with the "runtime: " lines just before
// it) to the end. It is "" when the log ends otherwise.
func crashReport(log string) string {
	lines := strings.SplitAfter(log, "\n")
	start := -1
	for i := len(lines) - 1; i >= 0; i-- {
		if strings.HasPrefix(lines[i], "fatal error: ") || strings.HasPrefix(lines[i], "panic: ") {
			start = i
			break
		}
	}
	if start < 0 {
		return ""
	}
	for start > 0 && strings.HasPrefix(lines[start-1], "runtime: ") {
		start--
	}
	return strings.Join(lines[start:], "")
}

// describeDeath builds the error of a session that ended: from the crash
// report when the runtime wrote one, else from how the process ended.
// memUsed is the resident size at which the kernel ended it for its
// memory (0 when it did not); ready tells whether it had started.
func describeDeath(report string, exitErr error, memUsed, limit int64, ready bool) *interp.CellError {
	var ename, evalue, hint string
	var frames []string
	switch {
	case memUsed > 0:
		ename = "MemoryLimitExceeded"
		evalue = fmt.Sprintf("the session used %s of memory, over its limit of %s, and was ended", formatBytes(memUsed), formatBytes(limit))
		hint = "Work on less data at once (Take, Sample, a narrower filter), save large results " +
			"(SaveAsTextFile) instead of collecting them, or start the kernel with a larger limit " +
			"(GOSPARKLING_MEMORY_LIMIT, e.g. 16GiB)."
	case report != "":
		ename, evalue, hint, frames = parseCrashReport(report)
	default:
		ename, evalue, hint = describeExit(exitErr)
	}
	if !ready {
		evalue = "the session could not start: " + evalue
	} else {
		evalue += "; the session ended and its variables were lost"
	}
	tb := []string{red(ename) + ": " + evalue}
	if len(frames) > 0 {
		tb = append(tb, "", "Frames of your code, innermost first:")
		tb = append(tb, frames...)
	}
	if hint != "" {
		tb = append(tb, "", hint)
	}
	tb = append(tb, "", lostState)
	if report != "" {
		tb = append(tb, "The Go runtime's full report is in the kernel's log.")
	}
	return &interp.CellError{Name: ename, Value: evalue, Traceback: tb}
}

// describeExit explains a session process that ended without a report.
func describeExit(err error) (ename, evalue, hint string) {
	var exit *exec.ExitError
	if !errors.As(err, &exit) {
		if err == nil {
			return "SessionExited", "the session process exited", "A cell may have called os.Exit."
		}
		return "SessionExited", fmt.Sprintf("the session process ended: %v", err), ""
	}
	if ws, ok := exit.Sys().(syscall.WaitStatus); ok && ws.Signaled() {
		sig := ws.Signal()
		hint := ""
		if sig == syscall.SIGKILL {
			hint = "SIGKILL usually comes from the system's out-of-memory killer, when the machine runs out of memory."
		}
		return "SessionKilled", fmt.Sprintf("the session process was killed by signal %s", signalName(sig)), hint
	}
	return "SessionExited", fmt.Sprintf("the session process exited with status %d", exit.ExitCode()),
		"A cell may have called os.Exit, or code it called may have ended the process."
}

func signalName(sig syscall.Signal) string {
	names := map[syscall.Signal]string{syscall.SIGKILL: "SIGKILL", syscall.SIGTERM: "SIGTERM",
		syscall.SIGSEGV: "SIGSEGV", syscall.SIGABRT: "SIGABRT", syscall.SIGBUS: "SIGBUS"}
	if n, ok := names[sig]; ok {
		return n
	}
	return sig.String()
}

// parseCrashReport reads the Go runtime's report of a fatal error or an
// unrecovered panic: its message, a name for it, what usually causes it,
// and the frames of the failing goroutine that belong to the user's code.
func parseCrashReport(report string) (ename, evalue, hint string, frames []string) {
	lines := strings.Split(report, "\n")
	ename = "FatalError"
	for _, line := range lines {
		if msg, ok := strings.CutPrefix(line, "fatal error: "); ok {
			evalue = msg
			break
		}
		if msg, ok := strings.CutPrefix(line, "panic: "); ok && evalue == "" {
			ename, evalue = "GoroutinePanic", recoveredNote.ReplaceAllString(msg, "")
			hint = "A goroutine that nothing recovers panicked: one started by compiled code, or a " +
				"callback such as a timer's. Recover in the function it runs, or return an error instead."
			break
		}
	}
	if evalue == "" {
		evalue = strings.TrimSpace(lines[0])
	}
	for _, k := range crashKinds {
		if strings.Contains(evalue, k.phrase) {
			ename, hint = k.ename, k.hint
			break
		}
	}
	return ename, evalue, hint, userFrames(lines)
}

// recoveredNote is what the runtime adds to a panic that was recovered
// and raised again on its way up.
var recoveredNote = regexp.MustCompile(` \[recovered[^\]]*\]$`)

// internalFrames are the packages whose frames are the engine's, the
// interpreter's or the runtime's, not the user's.
var internalFrames = []string{
	"runtime.", "runtime/", "panic(", "reflect.", "sync.", "sync/", "internal/", "testing.", "created by ",
	"github.com/traefik/yaegi", "github.com/gosparkling/gosparkling/", "main.", "golang.org/x/sync",
}

// userFrames returns the frames of the first goroutine in a crash report
// that are not internal, as "function (file:line)", at most eight.
func userFrames(lines []string) []string {
	var frames []string
	inGoroutine := false
	for i := 0; i < len(lines); i++ {
		line := lines[i]
		switch {
		case strings.HasPrefix(line, "goroutine "):
			if inGoroutine {
				return frames
			}
			inGoroutine = true
			continue
		case !inGoroutine || line == "" || strings.HasPrefix(line, "\t"):
			if inGoroutine && line == "" && len(frames) > 0 {
				return frames
			}
			continue
		}
		internal := strings.HasPrefix(line, "...")
		for _, p := range internalFrames {
			if strings.HasPrefix(line, p) {
				internal = true
				break
			}
		}
		if internal {
			continue
		}
		fn := line
		if j := strings.LastIndex(fn, "("); j > 0 {
			fn = fn[:j]
		}
		where := ""
		if i+1 < len(lines) && strings.HasPrefix(lines[i+1], "\t") {
			where = strings.TrimSpace(lines[i+1])
			if j := strings.LastIndex(where, " +0x"); j > 0 {
				where = where[:j]
			}
		}
		frames = append(frames, fmt.Sprintf("  %s (%s)", fn, where))
		if len(frames) == 8 {
			return frames
		}
	}
	return frames
}

// red colours an error name as ipykernel's tracebacks do.
func red(s string) string { return "\x1b[0;31m" + s + "\x1b[0m" }
