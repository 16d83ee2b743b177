package rdd_test

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/gosparkling/gosparkling/rdd"
)

// progressLog keeps the stage reports of a Context.
type progressLog struct {
	mu      sync.Mutex
	reports []rdd.StageProgress
}

func (l *progressLog) report(p rdd.StageProgress) {
	l.mu.Lock()
	defer l.mu.Unlock()
	l.reports = append(l.reports, p)
}

// final returns the final report of the stage named stage.
func (l *progressLog) final(t *testing.T, stage string) rdd.StageProgress {
	t.Helper()
	l.mu.Lock()
	defer l.mu.Unlock()
	for _, p := range l.reports {
		if p.Stage == stage && p.Finished {
			return p
		}
	}
	t.Fatalf("no final report of stage %q in %+v", stage, l.reports)
	return rdd.StageProgress{}
}

func TestProgressReports(t *testing.T) {
	dir := t.TempDir()
	writeFile(t, filepath.Join(dir, "a.txt"), strings.Repeat("hello world\n", 3000))
	tests := []struct {
		name    string
		run     func(sc *rdd.Context)
		stage   string
		done    int
		records [2]int64 // at least, at most: the count is of elements sources read, and some check more often
		bytes   int64
	}{
		{"a collection's elements are records", func(sc *rdd.Context) {
			sc.Parallelize(make([]int, 5000), 4).Count()
		}, "Count", 4, [2]int64{5000, 5000}, 0},
		{"a text file's lines are records, their bytes counted", func(sc *rdd.Context) {
			sc.TextFile(filepath.Join(dir, "a.txt")).Count()
		}, "Count", 2, [2]int64{3000, 3000}, 3000 * 12},
		{"a shuffle write reports its stage", func(sc *rdd.Context) {
			sc.Parallelize([]string{"a", "b", "a"}, 2).Map(func(w string) rdd.Pair { return rdd.KV(w, 1) }).
				ReduceByKey(func(a, b int) int { return a + b }).Collect()
		}, "ReduceByKey (shuffle write)", 2, [2]int64{3, 6}, 0},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			log := &progressLog{}
			sc := rdd.NewContext(rdd.WithProgress(log.report), rdd.WithParallelism(2))
			tt.run(sc)
			p := log.final(t, tt.stage)
			if p.Done != tt.done || p.Running != 0 || p.Records < tt.records[0] || p.Records > tt.records[1] || p.Bytes != tt.bytes || p.Failed || p.Cancelled || p.Ended.Before(p.Started) {
				t.Errorf("final report %+v; want %d done, %d records, %d bytes, ended after it started", p, tt.done, tt.records, tt.bytes)
			}
		})
	}
}

// TestProgressWhileTasksRun checks that a stage is reported while its
// tasks run, before any ends, and that a cancelled job's stage is
// reported cancelled with no task done.
func TestProgressWhileTasksRun(t *testing.T) {
	log := &progressLog{}
	sc := rdd.NewContext(rdd.WithProgress(log.report), rdd.WithParallelism(2))
	ctx, cancel := context.WithCancel(context.Background())
	sc.SetJobContext(ctx)
	go func() {
		time.Sleep(4 * rdd.ProgressInterval)
		cancel()
	}()
	func() {
		defer func() { recover() }() // the cancelled job panics with its error
		sc.Parallelize([]int{1, 2}, 2).Map(func(x int) int { time.Sleep(8 * rdd.ProgressInterval); return x }).Count()
	}()
	p := log.final(t, "Count")
	if !p.Failed || !p.Cancelled || p.Done != 0 {
		t.Errorf("final report of the cancelled job %+v: want failed, cancelled, no task done", p)
	}
	log.mu.Lock()
	defer log.mu.Unlock()
	running := 0
	for _, r := range log.reports {
		if !r.Finished && r.Running == 2 && r.Done == 0 {
			running++
		}
	}
	if running < 2 {
		t.Errorf("%d reports of 2 running tasks before any ended, want some: %+v", running, log.reports)
	}
}

// TestProgressCountsTheBytesRead checks the bytes a stage reports read,
// by source: a WARC file's bytes as stored, the ranged reads of
// WarcRecords, those of a Parquet file's footer and column chunks, and a
// reduce stage's shuffle data.
func TestProgressCountsTheBytesRead(t *testing.T) {
	warcPath := filepath.Join("..", "fileio", "warc", "testdata", "commoncrawl", "whirlwind.warc.gz")
	indexFiles, err := filepath.Glob(filepath.Join(sampleIndex, "*", "*", "*.parquet"))
	if err != nil || len(indexFiles) == 0 {
		t.Fatalf("no Parquet files under %s (%v)", sampleIndex, err)
	}
	var indexSize int64
	for _, f := range indexFiles {
		indexSize += fileSize(t, f)
	}
	// The rows WarcRecords reads, and the bytes of their records.
	var rows []any
	var recordBytes int64
	for _, r := range rdd.NewContext().ParquetFile(sampleIndex, "warc_filename", "warc_record_offset", "warc_record_length", "fetch_status").
		Filter(func(r map[string]any) bool { return r["fetch_status"] == 404 }).Collect() {
		rows = append(rows, r)
		recordBytes += int64(r.(map[string]any)["warc_record_length"].(int))
	}
	if recordBytes == 0 {
		t.Fatal("the sample index has no row of status 404")
	}
	tests := []struct {
		name  string
		run   func(sc *rdd.Context)
		stage string
		bytes [2]int64 // at least, at most
	}{
		{"a WARC file's bytes as stored", func(sc *rdd.Context) { sc.WarcFile(warcPath).Count() },
			"Count", [2]int64{fileSize(t, warcPath), fileSize(t, warcPath)}},
		{"the records WarcRecords fetches", func(sc *rdd.Context) { sc.WarcRecords(sc.Parallelize(rows, 2), sampleRoot).Count() },
			"Count", [2]int64{recordBytes, recordBytes}},
		{"the parts of Parquet files read", func(sc *rdd.Context) { sc.ParquetFile(sampleIndex, "url").Count() },
			"Count", [2]int64{1, indexSize}},
		{"a reduce stage's shuffle data", func(sc *rdd.Context) {
			sc.Parallelize(strings.Fields(strings.Repeat("a b c d ", 1000)), 4).Map(func(w string) rdd.Pair { return rdd.KV(w, 1) }).
				ReduceByKey(func(a, b int) int { return a + b }, 2).Collect()
		}, "Collect", [2]int64{1, 1 << 20}},
		{"a grouping's shuffle data", func(sc *rdd.Context) {
			sc.Parallelize(strings.Fields(strings.Repeat("a b c d ", 1000)), 4).Map(func(w string) rdd.Pair { return rdd.KV(w, 1) }).
				GroupByKey(2).Collect()
		}, "Collect", [2]int64{1, 1 << 20}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			log := &progressLog{}
			sc := rdd.NewContext(rdd.WithProgress(log.report), rdd.WithParallelism(2))
			tt.run(sc)
			if p := log.final(t, tt.stage); p.Bytes < tt.bytes[0] || p.Bytes > tt.bytes[1] {
				t.Errorf("%d bytes read, want %d to %d", p.Bytes, tt.bytes[0], tt.bytes[1])
			}
		})
	}
}

func fileSize(t *testing.T, path string) int64 {
	t.Helper()
	info, err := os.Stat(path)
	if err != nil {
		t.Fatal(err)
	}
	return info.Size()
}
