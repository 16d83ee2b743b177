package rdd

import (
	"context"
	"fmt"

	"github.com/gosparkling/gosparkling/fileio"
)

// Hadoop's split rules for text input: a splittable file is cut into
// pieces of splitSize bytes, where splitSize is the total size divided by
// minPartitions, capped by the block size, and a last piece up to 10%
// over splitSize is not cut again.
const (
	blockSize = 32 << 20 // Hadoop's fs.local.block.size and fs.s3a.block.size
	splitSlop = 1.1
)

// splitWeights estimates the size of each split by its bytes (a whole
// compressed file counts as its compressed size).
func splitWeights(splits []fileSplit) []float64 {
	w := make([]float64, len(splits))
	for i, s := range splits {
		w[i] = float64(max(s.size, 1))
	}
	return w
}

// fileSplit is one partition of a file-based RDD: a whole file, or a byte
// range of an uncompressed one.
type fileSplit struct {
	path       string
	start, end int64 // end < 0: the whole file, decoded by its suffix
	size       int64 // bytes of the range, or of the whole file as stored
}

// TextFile returns an RDD of the lines of the files that paths names: a
// comma-separated list of files, directories and globs on any file system
// fileio knows, each file decoded by its suffix. Lines end at "\n", "\r\n"
// or a lone "\r" and do not include the terminator. Nothing is listed or
// read until an action runs. Compressed files are one partition each;
// uncompressed ones are split into byte ranges so that there are at least
// minPartitions partitions (default min(DefaultParallelism, 2)).
func (c *Context) TextFile(paths string, minPartitions ...int) *RDD {
	minParts := min(c.parallelism, 2)
	if len(minPartitions) > 0 {
		minParts = max(minPartitions[0], 1)
	}
	var splits []fileSplit
	r := c.newRDD("MapPartitionsRDD", "TextFile", nil)
	r.partitions = func() (int, error) {
		ctx, release := c.currentJobContext()
		files, err := c.fs.Expand(ctx, paths)
		release()
		if err != nil {
			return 0, fmt.Errorf("rdd.TextFile(%q): %w", paths, err)
		}
		splits = planSplits(files, minParts)
		return len(splits), nil
	}
	setSource(r, func(t *task, p int, emit func(string) bool) {
		readLines(t.job.ctx, c.fs, splits[p], t, emit)
	})
	r.sizes = func() ([]float64, bool, error) {
		if _, err := r.numPartitions(); err != nil {
			return nil, false, err
		}
		return splitWeights(splits), false, nil
	}
	return record(r, "TextFile", nil, paths, minPartitions).withOptions(StepOptions{Paths: paths}.partitionsAt(1, minPartitions))
}

// planSplits cuts files into partitions with Hadoop's FileInputFormat rule.
func planSplits(files []fileio.FileInfo, minPartitions int) []fileSplit {
	var total int64
	for _, f := range files {
		if fileio.Splittable(f.Path) && f.Size > 0 {
			total += f.Size
		}
	}
	goal := total / int64(minPartitions)
	splitSize := max(min(goal, blockSize), 1)
	var splits []fileSplit
	for _, f := range files {
		// Compressed files, empty ones and ones of unknown size (an HTTP
		// server that does not tell) are read whole.
		if !fileio.Splittable(f.Path) || f.Size <= 0 {
			splits = append(splits, fileSplit{path: f.Path, end: -1, size: f.Size})
			continue
		}
		var start int64
		for float64(f.Size-start)/float64(splitSize) > splitSlop {
			splits = append(splits, fileSplit{path: f.Path, start: start, end: start + splitSize, size: splitSize})
			start += splitSize
		}
		splits = append(splits, fileSplit{path: f.Path, start: start, end: f.Size, size: f.Size - start})
	}
	return splits
}

// readLines pushes the lines of one split to emit.
func readLines(ctx context.Context, fs fileio.FileSystems, s fileSplit, t *task, emit func(string) bool) {
	var lines *fileio.LineReader
	var err error
	if s.end < 0 {
		lines, err = fs.OpenLines(ctx, s.path)
	} else {
		lines, err = fs.OpenSplit(ctx, s.path, s.start, s.end)
	}
	if err != nil {
		failTask(err)
	}
	defer lines.Close()
	for lines.Next() {
		line := lines.Text()
		t.addBytes(int64(len(line)) + 1)
		if t.stopped() || !emit(line) {
			return
		}
	}
	if err := lines.Err(); err != nil {
		failTask(err)
	}
}
