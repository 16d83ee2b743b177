package display

import (
	"fmt"
	"html"
	"strconv"
	"strings"
	"time"

	"github.com/gosparkling/gosparkling/rdd"
)

// Colours of a progress bar's fill: running, done and failed, mid-tones
// that read on light and dark backgrounds.
const (
	runningColour = barFill
	doneColour    = "#59a14f"
	failedColour  = errorColour
)

// progressTextWidth is the number of characters inside the brackets of a
// text progress bar.
const progressTextWidth = 30

// ProgressBar renders the progress of a stage of a job, as the rdd
// Context reports it to the func given to rdd.WithProgress: an HTML bar
// with the stage's name, tasks done of total and elapsed time, and a text
// line such as
//
//	[=========>                    ] 12/40 tasks  Count  3.1s
//
// now is the time of the report, from which the elapsed time since
// p.Started is counted.
//
// A finished stage says "done in 3.2 s", or "failed or cancelled after
// 3.2 s" when p.Failed; that state is meant to stay, so render it once,
// with the time the final report came. The HTML is small, styled inline,
// without scripts. It is a pure function of p and now: the interpreter
// publishes it as display_data and then update_display_data under one
// display ID, throttling updates, for actions that last more than about a
// second.
func ProgressBar(p rdd.StageProgress, now time.Time) map[string]any {
	fraction := 0.0
	switch {
	case p.Total > 0:
		fraction = min(max(float64(p.Done)/float64(p.Total), 0), 1)
	case p.Finished && !p.Failed:
		fraction = 1
	}
	tasks := fmt.Sprintf("%s/%s tasks", thousands(int64(p.Done)), thousands(int64(p.Total)))
	var elapsed *time.Duration
	if !p.Started.IsZero() {
		d := max(now.Sub(p.Started), 0)
		elapsed = &d
	}
	colour := runningColour
	switch {
	case p.Finished && p.Failed:
		colour = failedColour
	case p.Finished:
		colour = doneColour
	}
	status := progressStatus(p, elapsed, " ", "failed or cancelled")
	textStatus := progressStatus(p, elapsed, "", "failed/cancelled")

	stage := p.Stage
	if stage == "" {
		stage = "stage"
	}
	var h strings.Builder
	h.WriteString(`<div style="font-size:12px;line-height:1.5;max-width:520px;margin:2px 0">` + "\n")
	h.WriteString(`<div style="display:flex;gap:1em;justify-content:space-between;white-space:nowrap"><span style="overflow:hidden;text-overflow:ellipsis"><strong>` +
		html.EscapeString(stage) + "</strong>")
	if p.RDD != "" {
		h.WriteString(` <span style="opacity:.65">job ` + strconv.Itoa(p.JobID) + " · " + html.EscapeString(p.RDD) + "</span>")
	}
	h.WriteString(`</span><span style="font-variant-numeric:tabular-nums">` + tasks)
	if status != "" {
		h.WriteString(" · " + html.EscapeString(status))
	}
	h.WriteString("</span></div>\n")
	fmt.Fprintf(&h, `<div role="progressbar" aria-valuemin="0" aria-valuemax="%d" aria-valuenow="%d" style="height:6px;border-radius:3px;background:rgba(127,127,127,.25);overflow:hidden">`+
		`<div style="width:%s%%;height:100%%;background:%s"></div></div>`+"\n", p.Total, p.Done, strconv.FormatFloat(fraction*100, 'f', 1, 64), colour)
	h.WriteString("</div>\n")

	return map[string]any{
		"text/html":  h.String(),
		"text/plain": textProgress(fraction, p) + " " + tasks + "  " + stage + strings.TrimRight("  "+textStatus, " "),
	}
}

// progressStatus says how the stage is going: the elapsed time while it
// runs, "done in 3.2 s" or "<failed> after 3.2 s" when it has finished;
// sep goes between seconds and their unit. elapsed is nil when the stage's
// start is unknown.
func progressStatus(p rdd.StageProgress, elapsed *time.Duration, sep, failed string) string {
	switch {
	case elapsed == nil && p.Finished && p.Failed:
		return failed
	case elapsed == nil && p.Finished:
		return "done"
	case elapsed == nil:
		return ""
	case p.Finished && p.Failed:
		return failed + " after " + seconds(*elapsed, sep)
	case p.Finished:
		return "done in " + seconds(*elapsed, sep)
	}
	return seconds(*elapsed, sep)
}

// textProgress draws "[=========>          ]": '=' for the tasks done, '>'
// at the head while running, '!' there when the stage failed.
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
