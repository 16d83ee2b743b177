package display

import (
	"strings"
	"testing"
	"time"

	"github.com/gosparkling/gosparkling/rdd"
)

func TestProgressBarText(t *testing.T) {
	start := time.Date(2024, 5, 1, 12, 0, 0, 0, time.UTC)
	tests := []struct {
		name string
		p    rdd.StageProgress
		now  time.Time
		want string
	}{
		{"starting", rdd.StageProgress{Stage: "Count", Total: 40, Started: start}, start,
			"[>                             ] 0/40 tasks  Count  0.0s"},
		{"running", rdd.StageProgress{Stage: "Count", Done: 12, Total: 40, Started: start}, start.Add(3140 * time.Millisecond),
			"[=========>                    ] 12/40 tasks  Count  3.1s"},
		{"all tasks done, stage not yet finished", rdd.StageProgress{Stage: "Count", Done: 40, Total: 40, Started: start}, start.Add(time.Second),
			"[==============================] 40/40 tasks  Count  1.0s"},
		{"done stays done", rdd.StageProgress{Stage: "Count", Done: 40, Total: 40, Started: start, Finished: true}, start.Add(3200 * time.Millisecond),
			"[==============================] 40/40 tasks  Count  done in 3.2s"},
		{"failed or cancelled", rdd.StageProgress{Stage: "ReduceByKey (shuffle write)", Done: 3, Total: 8, Started: start, Finished: true, Failed: true},
			start.Add(2*time.Minute + 5*time.Second),
			"[===========!                  ] 3/8 tasks  ReduceByKey (shuffle write)  failed/cancelled after 2m05s"},
		{"hours", rdd.StageProgress{Stage: "Count", Done: 1, Total: 2, Started: start}, start.Add(time.Hour + 2*time.Minute + 3*time.Second),
			"[===============>              ] 1/2 tasks  Count  1h02m03s"},
		{"thousands of tasks", rdd.StageProgress{Stage: "Count", Done: 1234, Total: 50000, Started: start}, start,
			"[>                             ] 1,234/50,000 tasks  Count  0.0s"},
		{"no tasks, finished", rdd.StageProgress{Stage: "Count", Started: start, Finished: true}, start,
			"[==============================] 0/0 tasks  Count  done in 0.0s"},
		{"unknown start", rdd.StageProgress{Stage: "Count", Done: 1, Total: 4}, start,
			"[=======>                      ] 1/4 tasks  Count"},
		{"a clock going back counts no time", rdd.StageProgress{Stage: "Count", Done: 1, Total: 4, Started: start}, start.Add(-time.Second),
			"[=======>                      ] 1/4 tasks  Count  0.0s"},
		{"more done than total is full", rdd.StageProgress{Stage: "", Done: 5, Total: 4, Started: start}, start,
			"[==============================] 5/4 tasks  stage  0.0s"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			b := ProgressBar(tt.p, tt.now)
			if got := b["text/plain"]; got != tt.want {
				t.Errorf("text =\n%q\nwant\n%q", got, tt.want)
			}
		})
	}
}

func TestProgressBarHTML(t *testing.T) {
	start := time.Date(2024, 5, 1, 12, 0, 0, 0, time.UTC)
	tests := []struct {
		name     string
		p        rdd.StageProgress
		contains []string
	}{
		{"running is blue, a third of the way",
			rdd.StageProgress{JobID: 7, Stage: "Count", RDD: "<words>[2] at Map", Done: 1, Total: 3, Started: start},
			[]string{`width:33.3%`, `background:` + runningColour, `aria-valuenow="1"`, "job 7 · &lt;words&gt;[2] at Map", "1/3 tasks · 2.0 s"}},
		{"done is green and full",
			rdd.StageProgress{Stage: "Count", Done: 3, Total: 3, Started: start, Finished: true},
			[]string{`width:100.0%`, `background:` + doneColour, "3/3 tasks · done in 2.0 s"}},
		{"failed is red where it stopped",
			rdd.StageProgress{Stage: "Count", Done: 1, Total: 4, Started: start, Finished: true, Failed: true},
			[]string{`width:25.0%`, `background:` + failedColour, "1/4 tasks · failed or cancelled after 2.0 s"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			h := ProgressBar(tt.p, start.Add(2*time.Second))["text/html"].(string)
			for _, want := range tt.contains {
				if !strings.Contains(h, want) {
					t.Errorf("HTML lacks %q:\n%s", want, h)
				}
			}
			for _, bad := range []string{"<script", "<style", "<link", "url("} {
				if strings.Contains(h, bad) {
					t.Errorf("HTML has %q", bad)
				}
			}
			if len(h) > 1200 {
				t.Errorf("HTML is %d bytes, want it tiny", len(h))
			}
		})
	}
}
