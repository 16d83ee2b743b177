package fileio

import (
	"context"
	"errors"
	"fmt"
)

// OpenLines opens a file, decoded by its suffix, as a LineReader; Close closes the file.
func (m FileSystems) OpenLines(ctx context.Context, path string) (*LineReader, error) {
	rc, err := m.Open(ctx, path)
	if err != nil {
		return nil, err
	}
	lr := NewLineReader(rc)
	lr.closer, lr.path = rc, path
	return lr, nil
}

// OpenLines opens a file, decoded by its suffix, as a LineReader, using Default.
func OpenLines(ctx context.Context, path string) (*LineReader, error) {
	return Default().OpenLines(ctx, path)
}

// OpenSplit opens the byte range [start, end) of an uncompressed file as a LineReader that
// yields exactly the lines belonging to that range under Hadoop's rule: a line belongs to the
// split in which it starts, except that a line starting exactly at a split's start belongs to
// the previous split. So a split that does not begin at 0 skips everything up to and including
// the first line terminator at or after start, and every split reads past end to finish its
// last line. Splits that tile a file ([0, a), [a, b), ..., [z, size)) therefore yield each
// line of the file exactly once, "\r\n" straddling a boundary included. Offset reports
// positions in the file. Close closes the file.
func (m FileSystems) OpenSplit(ctx context.Context, path string, start, end int64) (*LineReader, error) {
	if start < 0 || end < start {
		return nil, &Error{Op: "open", Path: path, Err: fmt.Errorf("invalid split [%d, %d)", start, end)}
	}
	if codec := CodecFor(path); codec != "" {
		return nil, &Error{Op: "open", Path: path,
			Err: errors.New(codec + " files cannot be split; read them whole with OpenLines")}
	}
	fsys, err := m.For(path)
	if err != nil {
		return nil, err
	}
	rc, err := fsys.OpenRange(ctx, path, start, -1)
	if err != nil {
		return nil, err
	}
	lr := NewLineReader(rc)
	lr.closer, lr.base, lr.path = rc, start, path
	if start != 0 {
		// The first (partial) line belongs to the previous split.
		if !lr.readLine() {
			lr.done = true
		}
		lr.line = nil
	}
	lr.limit = end - start
	return lr, nil
}

// OpenSplit opens the byte range [start, end) of an uncompressed file as a LineReader, using
// Default; see FileSystems.OpenSplit.
func OpenSplit(ctx context.Context, path string, start, end int64) (*LineReader, error) {
	return Default().OpenSplit(ctx, path, start, end)
}
