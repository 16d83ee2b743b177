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
			"[=========>                    ] 12/40 tasks  Count  3.1s · ~7.3s left"},
		{"all tasks done, stage not yet finished", rdd.StageProgress{Stage: "Count", Done: 40, Total: 40, Started: start}, start.Add(time.Second),
			"[==============================] 40/40 tasks  Count  1.0s"},
		{"done stays done", rdd.StageProgress{Stage: "Count", Done: 40, Total: 40, Started: start, Finished: true}, start.Add(3200 * time.Millisecond),
			"[==============================] 40/40 tasks  Count  done in 3.2s"},
		{"failed", rdd.StageProgress{Stage: "ReduceByKey (shuffle write)", Done: 3, Total: 8, Started: start, Finished: true, Failed: true},
			start.Add(2*time.Minute + 5*time.Second),
			"[===========!                  ] 3/8 tasks  ReduceByKey (shuffle write)  failed after 2m05s"},
		{"interrupted before a task ended is empty, never complete", rdd.StageProgress{Stage: "Count", Done: 0, Total: 2, Started: start, Finished: true, Failed: true, Cancelled: true},
			start.Add(4 * time.Second),
			"[!                             ] 0/2 tasks  Count  interrupted after 4.0s"},
		{"the end time, when known, stops the clock", rdd.StageProgress{Stage: "Count", Done: 2, Total: 2, Started: start, Ended: start.Add(1500 * time.Millisecond), Finished: true},
			start.Add(time.Hour),
			"[==============================] 2/2 tasks  Count  done in 1.5s"},
		{"running tasks, records, rate and time left", rdd.StageProgress{Stage: "Count", Done: 1, Running: 2, Total: 4, Records: 120_000, Started: start},
			start.Add(3 * time.Second),
			"[=======>                      ] 1/4 tasks, 2 running  Count  3.0s · 120,000 records · 40,000 records/s · ~9.0s left"},
		{"bytes of text read", rdd.StageProgress{Stage: "Count", Done: 0, Running: 2, Total: 2, Records: 1000, Bytes: 45_200_000, Started: start},
			start.Add(200 * time.Millisecond),
			"[>                             ] 0/2 tasks, 2 running  Count  0.2s · 1,000 records · 45.2 MB"},
		{"hours", rdd.StageProgress{Stage: "Count", Done: 1, Total: 2, Started: start}, start.Add(time.Hour + 2*time.Minute + 3*time.Second),
			"[===============>              ] 1/2 tasks  Count  1h02m03s · ~1h02m03s left"},
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
			[]string{`width:25.0%`, `background:` + failedColour, "1/4 tasks · failed after 2.0 s"}},
		{"interrupted is orange where it stopped",
			rdd.StageProgress{Stage: "Count", Done: 0, Total: 2, Started: start, Finished: true, Failed: true, Cancelled: true},
			[]string{`width:0.0%`, `background:` + interruptedColour, "0/2 tasks · interrupted after 2.0 s"}},
		{"a long RDD name is whole",
			rdd.StageProgress{JobID: 2, Stage: "Count", RDD: "MapPartitionsRDD[12] at Map at In [4]:3 <- ParallelCollectionRDD[11]", Total: 2, Started: start},
			[]string{"MapPartitionsRDD[12] at Map at In [4]:3 &lt;- ParallelCollectionRDD[11]", "overflow-wrap:anywhere"}},
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

func TestJobProgress(t *testing.T) {
	start := time.Date(2024, 5, 1, 12, 0, 0, 0, time.UTC)
	write := rdd.StageProgress{JobID: 3, Stage: "ReduceByKey (shuffle write)", RDD: "MapPartitionsRDD[2] at Map", Done: 4, Total: 4,
		Records: 1000, Started: start, Ended: start.Add(time.Second), Finished: true}
	read := rdd.StageProgress{JobID: 3, Stage: "Collect", RDD: "ShuffledRDD[3] at ReduceByKey", Done: 1, Running: 1, Total: 2, Records: 10, Started: start.Add(time.Second)}
	tests := []struct {
		name   string
		stages []rdd.StageProgress
		now    time.Time
		want   string
		state  string
	}{
		{"running: the clock ticks from the first stage's start", []rdd.StageProgress{read, write}, start.Add(2500 * time.Millisecond),
			"Job 3 · ShuffledRDD[3] at ReduceByKey · running · 2.5s\n" +
				"[==============================] 4/4 tasks  ReduceByKey (shuffle write)  done in 1.0s · 1,000 records · 1,000 records/s\n" +
				"[===============>              ] 1/2 tasks, 1 running  Collect  1.5s · 10 records · 7 records/s · ~1.5s left",
			`data-state="running"`},
		{"done: the clock stops at the last end", []rdd.StageProgress{write, finished(read, start.Add(3*time.Second), false, false)}, start.Add(time.Hour),
			"Job 3 · ShuffledRDD[3] at ReduceByKey · done in 3.0s\n" +
				"[==============================] 4/4 tasks  ReduceByKey (shuffle write)  done in 1.0s · 1,000 records · 1,000 records/s\n" +
				"[==============================] 2/2 tasks  Collect  done in 2.0s · 10 records · 5 records/s",
			`data-state="done"`},
		{"interrupted, never complete", []rdd.StageProgress{write, finished(read, start.Add(3*time.Second), true, true)}, start.Add(time.Hour),
			"Job 3 · ShuffledRDD[3] at ReduceByKey · interrupted after 3.0s\n" +
				"[==============================] 4/4 tasks  ReduceByKey (shuffle write)  done in 1.0s · 1,000 records · 1,000 records/s\n" +
				"[===============!              ] 1/2 tasks  Collect  interrupted after 2.0s · 10 records · 5 records/s",
			`data-state="interrupted"`},
		{"failed", []rdd.StageProgress{write, finished(read, start.Add(3*time.Second), true, false)}, start.Add(time.Hour),
			"Job 3 · ShuffledRDD[3] at ReduceByKey · failed after 3.0s\n" +
				"[==============================] 4/4 tasks  ReduceByKey (shuffle write)  done in 1.0s · 1,000 records · 1,000 records/s\n" +
				"[===============!              ] 1/2 tasks  Collect  failed after 2.0s · 10 records · 5 records/s",
			`data-state="failed"`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			b := JobProgress(tt.stages, tt.now)
			if got := b["text/plain"]; got != tt.want {
				t.Errorf("text =\n%s\nwant\n%s", got, tt.want)
			}
			h := b["text/html"].(string)
			if !strings.HasPrefix(h, `<div class="gsp-job" `+tt.state) {
				t.Errorf("HTML does not start with the job's state %s:\n%s", tt.state, h)
			}
			if strings.Count(h, `role="progressbar"`) != 2 || strings.Contains(h, "<script") {
				t.Errorf("HTML has not the two stages' bars, or has a script:\n%s", h)
			}
		})
	}
}

// finished returns p as reported when it ends at end: its running tasks
// done unless it failed.
func finished(p rdd.StageProgress, end time.Time, failed, cancelled bool) rdd.StageProgress {
	p.Finished, p.Ended, p.Failed, p.Cancelled = true, end, failed, cancelled
	if !failed {
		p.Done += p.Running
	}
	p.Running = 0
	return p
}
