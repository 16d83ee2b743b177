package rdd

import (
	"bufio"
	"context"
	"fmt"
	"io"

	"github.com/gosparkling/gosparkling/fileio"
)

// SaveAsTextFile writes the elements as text in Spark's layout:
// path/part-00000 ... (one file per partition, with the codec's suffix,
// such as .gz) and path/_SUCCESS, each element as fmt.Sprint(element) on
// its own line. codec is "gzip", "bzip2", "xz" or "zstd" (none by
// default). It fails if path exists. Readers never see half-written
// output, even of a killed process (see fileio.FileSystems.CreateDir): on
// a local disk the directory appears whole when the job ends; on S3 the
// parts stay invisible multipart uploads until the job commits, and
// _SUCCESS is written last.
func (r *RDD) SaveAsTextFile(path string, codec ...string) {
	c := ""
	if len(codec) > 0 {
		c = codec[0]
	}
	suffix, err := fileio.CodecSuffix(c)
	if err != nil {
		panic(fmt.Sprintf("rdd.SaveAsTextFile: %v", err))
	}
	if runner := r.sc.runner; runner != nil {
		r.sc.onEngine(r, "SaveAsTextFile", func(ctx context.Context) error {
			return runner.SaveAsTextFile(ctx, r, path, c)
		})
		return
	}
	ctx, release := r.sc.currentJobContext()
	defer release()
	n := r.GetNumPartitions()
	dir, err := r.sc.fs.CreateDir(ctx, path)
	if err != nil {
		panic(r.driverError("SaveAsTextFile", err))
	}
	committed := false
	defer func() {
		if !committed {
			dir.Abort(context.Background())
		}
	}()
	r.sc.runJob(r, "SaveAsTextFile", allPartitions(n), func(t *task, p int) {
		writePart(t, r, p, dir, fmt.Sprintf("part-%05d%s", p, suffix), c)
	})
	if err := dir.Commit(ctx); err != nil {
		panic(r.driverError("SaveAsTextFile", err))
	}
	committed = true
}

// writePart writes partition p of r as lines into the file name of dir.
func writePart(t *task, r *RDD, p int, dir fileio.OutputDir, name, codec string) {
	f, err := dir.Create(t.job.ctx, name)
	if err != nil {
		failTask(err)
	}
	w, err := fileio.NewEncoder(f, codec)
	if err != nil {
		f.Abort()
		failTask(err)
	}
	closed := false
	defer func() {
		if !closed {
			w.Abort()
		}
	}()
	bw := bufio.NewWriterSize(w, 64<<10)
	r.iterate(t, p, func(x any) bool {
		if err := fileio.WriteLine(bw, x); err != nil {
			failTask(err)
		}
		return true
	})
	if t.stopped() {
		return
	}
	if err := bw.Flush(); err != nil {
		failTask(err)
	}
	closed = true
	if err := w.Close(); err != nil {
		failTask(err)
	}
}

// wholeFileGroups cuts the files into about minPartitions groups of
// consecutive files of similar total size, as Spark's whole-file input
// formats do.
func wholeFileGroups(files []fileio.FileInfo, minPartitions int) [][]fileio.FileInfo {
	var total int64
	for _, f := range files {
		total += max(f.Size, 0)
	}
	goal := max(1, (total+int64(minPartitions)-1)/int64(minPartitions))
	var groups [][]fileio.FileInfo
	var cur []fileio.FileInfo
	var size int64
	for _, f := range files {
		cur = append(cur, f)
		size += max(f.Size, 0)
		if size >= goal {
			groups = append(groups, cur)
			cur, size = nil, 0
		}
	}
	if len(cur) > 0 {
		groups = append(groups, cur)
	}
	return groups
}

// wholeFiles makes an RDD of one Pair{path, read(file)} per file.
func (c *Context) wholeFiles(method, paths string, minPartitions []int, read func(ctx context.Context, path string) (any, error)) *RDD {
	minParts := min(c.parallelism, 2)
	if len(minPartitions) > 0 {
		minParts = max(minPartitions[0], 1)
	}
	var groups [][]fileio.FileInfo
	r := c.newRDD("WholeFileRDD", method, nil)
	r.partitions = func() (int, error) {
		ctx, release := c.currentJobContext()
		files, err := c.fs.Expand(ctx, paths)
		release()
		if err != nil {
			return 0, fmt.Errorf("rdd.%s(%q): %w", method, paths, err)
		}
		groups = wholeFileGroups(files, minParts)
		return len(groups), nil
	}
	r.compute = func(t *task, p int, emit func(any) bool) {
		for _, f := range groups[p] {
			content, err := read(t.job.ctx, f.Path)
			if err != nil {
				failTask(err)
			}
			if t.stopped() || !emit(Pair{Key: f.Path, Value: content}) {
				return
			}
		}
	}
	r.sizes = func() ([]float64, bool, error) {
		if _, err := r.numPartitions(); err != nil {
			return nil, false, err
		}
		w := make([]float64, len(groups))
		for i, g := range groups {
			w[i] = float64(len(g))
		}
		return w, true, nil
	}
	return r
}

// WholeTextFiles returns one Pair{path, content string} per file that
// paths names, each file decoded by its suffix and read whole.
func (c *Context) WholeTextFiles(paths string, minPartitions ...int) *RDD {
	out := c.wholeFiles("WholeTextFiles", paths, minPartitions, func(ctx context.Context, path string) (any, error) {
		b, err := readAll(ctx, path, c.fs.Open)
		return string(b), err
	})
	return record(out, "WholeTextFiles", nil, paths, minPartitions).withOptions(StepOptions{Paths: paths}.partitionsAt(1, minPartitions))
}

// BinaryFiles returns one Pair{path, content []byte} per file that paths
// names, with the bytes as stored (no codec).
func (c *Context) BinaryFiles(paths string, minPartitions ...int) *RDD {
	out := c.wholeFiles("BinaryFiles", paths, minPartitions, func(ctx context.Context, path string) (any, error) {
		return readAll(ctx, path, c.fs.OpenRaw)
	})
	return record(out, "BinaryFiles", nil, paths, minPartitions).withOptions(StepOptions{Paths: paths}.partitionsAt(1, minPartitions))
}

func readAll(ctx context.Context, path string, open func(context.Context, string) (io.ReadCloser, error)) ([]byte, error) {
	rc, err := open(ctx, path)
	if err != nil {
		return nil, err
	}
	defer rc.Close()
	return io.ReadAll(rc)
}

// BinaryRecords returns the fixed-length records of recordLength bytes of
// the files that paths names (decoded by suffix), one partition per file.
// A file whose length is not a multiple of recordLength fails the job.
func (c *Context) BinaryRecords(paths string, recordLength int) *RDD {
	if recordLength < 1 {
		panic(fmt.Sprintf("rdd.BinaryRecords: recordLength must be at least 1, got %d", recordLength))
	}
	var files []fileio.FileInfo
	r := c.newRDD("BinaryRecordsRDD", "BinaryRecords", nil)
	r.partitions = func() (int, error) {
		var err error
		ctx, release := c.currentJobContext()
		files, err = c.fs.Expand(ctx, paths)
		release()
		if err != nil {
			return 0, fmt.Errorf("rdd.BinaryRecords(%q): %w", paths, err)
		}
		return len(files), nil
	}
	r.compute = func(t *task, p int, emit func(any) bool) {
		rc, err := c.fs.Open(t.job.ctx, files[p].Path)
		if err != nil {
			failTask(err)
		}
		defer rc.Close()
		br := bufio.NewReaderSize(rc, 256<<10)
		for n := int64(0); ; n++ {
			rec := make([]byte, recordLength)
			got, err := io.ReadFull(br, rec)
			if err == io.EOF {
				return
			}
			if err == io.ErrUnexpectedEOF {
				failTaskf("rdd.BinaryRecords: %s ends with a partial record of %d bytes after %d records of %d bytes",
					files[p].Path, got, n, recordLength)
			}
			if err != nil {
				failTask(err)
			}
			if t.stopped() || !emit(rec) {
				return
			}
		}
	}
	return record(r, "BinaryRecords", nil, paths, recordLength).withOptions(StepOptions{Paths: paths})
}
