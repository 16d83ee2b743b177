package display

import (
	"fmt"
	"html"
	"strconv"
	"strings"
	"time"

	"github.com/gosparkling/gosparkling/rdd"
)

// Colours of a progress bar's fill: running, done, failed and
// interrupted, mid-tones that read on light and dark backgrounds.
const (
	runningColour     = barFill
	doneColour        = "#59a14f"
	failedColour      = errorColour
	interruptedColour = "#f28e2b"
)

// progressTextWidth is the number of characters inside the brackets of a
// text progress bar.
const progressTextWidth = 30

// stageState is how a stage stands, as its bar says.
type stageState int

const (
	stageRunning stageState = iota
	stageDone
	stageFailed
	stageInterrupted
)

func stateOf(p rdd.StageProgress) stageState {
	switch {
	case !p.Finished:
		return stageRunning
	case p.Cancelled:
		return stageInterrupted
	case p.Failed:
		return stageFailed
	}
	return stageDone
}

// ProgressBar renders the progress of a stage of a job, as the rdd
// Context reports it to the func given to rdd.WithProgress: an HTML bar
// with the stage's name, the job and the whole name of the RDD it
// computes, tasks done of total and running, elapsed time, the records
// and bytes read, their rate and an estimate of the time left once a task
// has ended, and a text line such as
//
//	[=========>                    ] 12/40 tasks, 4 running  Count  3.1s · 120,000 records · 38,710 records/s · ~7s left
//
// now is the time of the report, from which the elapsed time since
// p.Started is counted, unless p.Ended is set.
//
// A finished stage says "done in 3.2 s", "failed after 3.2 s" when
// p.Failed, or "interrupted after 3.2 s" when p.Cancelled; the bar of a
// stage that ended early stops where its tasks did, never full. The HTML
// is small, styled inline, without scripts. It is a pure function of p
// and now. The interpreter publishes JobProgress, which shows every
// stage of a job this way.
func ProgressBar(p rdd.StageProgress, now time.Time) map[string]any {
	var h strings.Builder
	h.WriteString(`<div style="font-size:12px;line-height:1.5;max-width:720px;margin:2px 0">` + "\n")
	writeStageHTML(&h, p, now, true)
	h.WriteString("</div>\n")
	return map[string]any{
		"text/html":  h.String(),
		"text/plain": stageText(p, now),
	}
}

// JobProgress renders the progress of one job from the last reports of
// its stages (shuffle writes, then the action's stage; in any order, the
// earliest started first), as rdd.WithProgress reports them: a header
// with the job's id, the whole name of the RDD its last stage computes
// and how the job stands (running for 4.2 s, done, failed or
// interrupted), then a bar per stage as ProgressBar draws it. now is the
// time of the report. The HTML has no scripts; the interpreter publishes
// it with display_data and then update_display_data under one display
// ID, a few times a second, so that its clock ticks while tasks run.
func JobProgress(stages []rdd.StageProgress, now time.Time) map[string]any {
	if len(stages) == 0 {
		return map[string]any{"text/plain": "no stages"}
	}
	sorted := append([]rdd.StageProgress(nil), stages...)
	for i := 1; i < len(sorted); i++ { // few stages: insertion sort by start
		for j := i; j > 0 && sorted[j].Started.Before(sorted[j-1].Started); j-- {
			sorted[j], sorted[j-1] = sorted[j-1], sorted[j]
		}
	}
	last := sorted[len(sorted)-1]
	state, start, end := stageDone, sorted[0].Started, time.Time{}
	for _, p := range sorted {
		switch s := stateOf(p); {
		case s == stageInterrupted || state == stageInterrupted:
			state = stageInterrupted
		case s == stageFailed || state == stageFailed:
			state = stageFailed
		case s == stageRunning || state == stageRunning:
			state = stageRunning
		}
		if p.Ended.After(end) {
			end = p.Ended
		}
	}
	if state == stageRunning || end.IsZero() {
		end = now
	}
	elapsed := seconds(max(end.Sub(start), 0), " ")
	var status string
	switch state {
	case stageRunning:
		status = "running · " + elapsed
	case stageDone:
		status = "done in " + elapsed
	case stageFailed:
		status = "failed after " + elapsed
	case stageInterrupted:
		status = "interrupted after " + elapsed
	}

	var h strings.Builder
	fmt.Fprintf(&h, `<div class="gsp-job" data-state="%s" style="font-size:12px;line-height:1.5;max-width:720px;margin:2px 0;padding:4px 8px;border-left:3px solid %s">`+"\n",
		[]string{"running", "done", "failed", "interrupted"}[state], []string{runningColour, doneColour, failedColour, interruptedColour}[state])
	h.WriteString(`<div style="display:flex;gap:1em;justify-content:space-between"><span style="overflow-wrap:anywhere"><strong>Job ` +
		strconv.Itoa(last.JobID) + "</strong>")
	if last.RDD != "" {
		h.WriteString(` <span style="opacity:.7">` + html.EscapeString(last.RDD) + "</span>")
	}
	h.WriteString(`</span><span class="gsp-job-status" style="white-space:nowrap;font-variant-numeric:tabular-nums">` + html.EscapeString(status) + "</span></div>\n")
	var text strings.Builder
	text.WriteString("Job " + strconv.Itoa(last.JobID))
	if last.RDD != "" {
		text.WriteString(" · " + last.RDD)
	}
	text.WriteString(" · " + strings.ReplaceAll(status, " s", "s"))
	for _, p := range sorted {
		writeStageHTML(&h, p, now, false)
		text.WriteString("\n" + stageText(p, now))
	}
	h.WriteString("</div>\n")
	return map[string]any{"text/html": h.String(), "text/plain": text.String()}
}

// stageFacts are the figures of a stage's report, ready to write.
type stageFacts struct {
	fraction float64
	tasks    string // "12/40 tasks, 4 running"
	status   string // "3.1 s", "done in 3.2 s"... ("" when the start is unknown)
	details  []string
}

// factsOf works out a stage's figures; sep goes between a number of
// seconds and its unit.
func factsOf(p rdd.StageProgress, now time.Time, sep string) stageFacts {
	var f stageFacts
	switch {
	case p.Total > 0:
		f.fraction = min(max(float64(p.Done)/float64(p.Total), 0), 1)
	case stateOf(p) == stageDone:
		f.fraction = 1
	}
	f.tasks = fmt.Sprintf("%s/%s tasks", thousands(int64(p.Done)), thousands(int64(p.Total)))
	if p.Running > 0 && !p.Finished {
		f.tasks += ", " + thousands(int64(p.Running)) + " running"
	}
	var elapsed time.Duration
	known := !p.Started.IsZero()
	if known {
		end := now
		if p.Finished && !p.Ended.IsZero() {
			end = p.Ended
		}
		elapsed = max(end.Sub(p.Started), 0)
	}
	state := stateOf(p)
	verb := []string{"", "done", "failed", "interrupted"}[state]
	switch {
	case !known:
		f.status = verb
	case state == stageRunning:
		f.status = seconds(elapsed, sep)
	case state == stageDone:
		f.status = "done in " + seconds(elapsed, sep)
	default:
		f.status = verb + " after " + seconds(elapsed, sep)
	}
	if p.Records > 0 {
		f.details = append(f.details, plural(p.Records, "record"))
	}
	if p.Bytes > 0 {
		f.details = append(f.details, byteSize(p.Bytes))
	}
	if known && elapsed >= 500*time.Millisecond && p.Records > 0 {
		rate := float64(p.Records) / elapsed.Seconds()
		f.details = append(f.details, thousands(int64(rate+0.5))+" records/s")
	}
	if state == stageRunning && known && elapsed >= 500*time.Millisecond && p.Done > 0 && p.Done < p.Total {
		left := time.Duration(float64(elapsed) / float64(p.Done) * float64(p.Total-p.Done))
		f.details = append(f.details, "~"+seconds(left, sep)+" left")
	}
	return f
}

// writeStageHTML writes a stage's line and bar; withJob adds the job and
// the RDD to the line, for a stage shown on its own.
func writeStageHTML(h *strings.Builder, p rdd.StageProgress, now time.Time, withJob bool) {
	f := factsOf(p, now, " ")
	stage := p.Stage
	if stage == "" {
		stage = "stage"
	}
	state := stateOf(p)
	colour := []string{runningColour, doneColour, failedColour, interruptedColour}[state]
	fmt.Fprintf(h, `<div class="gsp-stage" data-state="%s" style="margin-top:2px">`, []string{"running", "done", "failed", "interrupted"}[state])
	h.WriteString(`<div style="display:flex;flex-wrap:wrap;gap:0 1em;justify-content:space-between"><span style="overflow-wrap:anywhere"><strong>` +
		html.EscapeString(stage) + "</strong>")
	if withJob && p.RDD != "" {
		h.WriteString(` <span style="opacity:.65">job ` + strconv.Itoa(p.JobID) + " · " + html.EscapeString(p.RDD) + "</span>")
	}
	h.WriteString(`</span><span style="font-variant-numeric:tabular-nums;white-space:nowrap">` + f.tasks)
	if f.status != "" {
		h.WriteString(" · " + html.EscapeString(f.status))
	}
	h.WriteString("</span></div>\n")
	fmt.Fprintf(h, `<div role="progressbar" aria-valuemin="0" aria-valuemax="%d" aria-valuenow="%d" style="height:6px;border-radius:3px;background:rgba(127,127,127,.25);overflow:hidden">`+
		`<div style="width:%s%%;height:100%%;background:%s"></div></div>`+"\n", p.Total, p.Done, strconv.FormatFloat(f.fraction*100, 'f', 1, 64), colour)
	if len(f.details) > 0 {
		h.WriteString(`<div style="opacity:.7;font-variant-numeric:tabular-nums">` + html.EscapeString(strings.Join(f.details, " · ")) + "</div>\n")
	}
	h.WriteString("</div>\n")
}

// stageText is a stage's line of text: its bar, tasks, name, status and
// figures.
func stageText(p rdd.StageProgress, now time.Time) string {
	f := factsOf(p, now, "")
	stage := p.Stage
	if stage == "" {
		stage = "stage"
	}
	line := textProgress(f.fraction, p) + " " + f.tasks + "  " + stage
	if f.status != "" {
		line += "  " + f.status
	}
	if len(f.details) > 0 {
		line += " · " + strings.Join(f.details, " · ")
	}
	return line
}

// byteSize writes n bytes for people: "512 B", "1.5 kB", "45.2 MB".
func byteSize(n int64) string {
	const unit = 1000
	if n < unit {
		return strconv.FormatInt(n, 10) + " B"
	}
	f, i := float64(n), 0
	for f >= unit && i < 5 {
		f /= unit
		i++
	}
	return strconv.FormatFloat(f, 'f', 1, 64) + " " + []string{"", "kB", "MB", "GB", "TB", "PB"}[i]
}

// textProgress draws "[=========>          ]": '=' for the tasks done, '>'
// at the head while running, '!' there when the stage failed or was
// interrupted.
func textProgress(fraction float64, p rdd.StageProgress) string {
	n := int(fraction * progressTextWidth)
	head := ""
	switch {
	case p.Finished && p.Failed:
		head = "!"
	case n < progressTextWidth && !p.Finished:
		head = ">"
	}
	if head != "" && n == progressTextWidth {
		n--
	}
	bar := strings.Repeat("=", n) + head
	return "[" + bar + strings.Repeat(" ", progressTextWidth-len(bar)) + "]"
}

// seconds writes an elapsed time for people: "3.1s" under a minute,
// "2m05s" under an hour, "1h02m03s" beyond; sep goes between a number of
// seconds and its unit.
func seconds(d time.Duration, sep string) string {
	switch {
	case d < time.Minute:
		return strconv.FormatFloat(d.Seconds(), 'f', 1, 64) + sep + "s"
	case d < time.Hour:
		d = d.Round(time.Second)
		return fmt.Sprintf("%dm%02ds", int(d.Minutes()), int(d.Seconds())%60)
	}
	d = d.Round(time.Second)
	return fmt.Sprintf("%dh%02dm%02ds", int(d.Hours()), int(d.Minutes())%60, int(d.Seconds())%60)
}
