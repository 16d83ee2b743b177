package rdd

import (
	"errors"
	"fmt"
	"io"

	"github.com/gosparkling/gosparkling/fileio"
	"github.com/gosparkling/gosparkling/fileio/warc"
)

// WarcFile returns the records of the WARC, WET or WAT files that paths
// names (gzip-per-record .warc.gz as Common Crawl writes them, or plain
// .warc) as *warc.Record values, streamed one record at a time. Each file
// is one partition: record boundaries inside a file are known only by
// reading it. minPartitions is accepted for symmetry with TextFile.
func (c *Context) WarcFile(paths string, minPartitions ...int) *RDD {
	var files []fileio.FileInfo
	r := c.newRDD("WarcRDD", "WarcFile", nil)
	r.partitions = func() (int, error) {
		var err error
		ctx, release := c.currentJobContext()
		files, err = c.fs.Expand(ctx, paths)
		release()
		if err != nil {
			return 0, fmt.Errorf("rdd.WarcFile(%q): %w", paths, err)
		}
		return len(files), nil
	}
	r.compute = func(t *task, p int, emit func(any) bool) {
		raw, err := c.fs.OpenRaw(t.job.ctx, files[p].Path)
		if err != nil {
			failTask(err)
		}
		defer raw.Close()
		rd := warc.NewReader(taskReader{raw, t})
		rd.Path = files[p].Path
		for !t.stopped() {
			rec, err := rd.Next()
			if errors.Is(err, io.EOF) {
				return
			}
			if err != nil {
				failTask(err)
			}
			if !emit(rec) {
				return
			}
		}
	}
	r.sizes = func() ([]float64, bool, error) {
		if _, err := r.numPartitions(); err != nil {
			return nil, false, err
		}
		w := make([]float64, len(files))
		for i, f := range files {
			w[i] = float64(max(f.Size, 1))
		}
		return w, false, nil
	}
	return record(r, "WarcFile", nil, paths, minPartitions).withOptions(StepOptions{Paths: paths}.partitionsAt(1, minPartitions))
}

// taskReader counts the bytes read through it as its task's, for the
// stage's progress; only the task's goroutine may read.
type taskReader struct {
	r io.Reader
	t *task
}

func (r taskReader) Read(p []byte) (int, error) {
	n, err := r.r.Read(p)
	r.t.addBytes(int64(n))
	return n, err
}
