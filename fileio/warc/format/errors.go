package warc

import (
	"errors"
	"fmt"
)

// Causes of the errors a Reader reports, to be tested with errors.Is. A corrupt gzip member
// is reported with the decompressor's own error (gzip.ErrChecksum, gzip.ErrHeader,
// flate.CorruptInputError) as the cause.
var (
	// ErrBadVersion: a record does not start with a version line such as "WARC/1.0".
	ErrBadVersion = errors.New("bad version line")
	// ErrBadHeader: a header line without a colon, a header block that does not end or is
	// too long, or a Content-Length that is not a non-negative integer.
	ErrBadHeader = errors.New("malformed header")
	// ErrMissingContentLength: a record has no Content-Length field.
	ErrMissingContentLength = errors.New("record has no Content-Length")
	// ErrTruncated: the file, or the record's gzip member, ends inside a record (a block
	// shorter than its Content-Length, a cut-off header or gzip member).
	ErrTruncated = errors.New("truncated record")
	// ErrNotHTTP: Record.HTTP was called on a record whose Content-Type is not
	// application/http.
	ErrNotHTTP = errors.New("record does not hold an HTTP message")
)

// Error is the error a Reader returns for a record it cannot read: the file (when known),
// the offset at which the record starts in it (for a gzip-per-record file: the offset of the
// gzip member that holds the record) and the cause. Its message reads like
//
//	warc: crawl/x.warc.gz at offset 18374: record has no Content-Length
type Error struct {
	Path   string // the file as the caller named it; "" when the Reader was not told
	Offset int64  // file offset of the record or of its gzip member
	Err    error  // the cause
}

// Error formats the error as "warc: <path> at offset <offset>: <cause>".
func (e *Error) Error() string {
	if e.Path == "" {
		return fmt.Sprintf("warc: at offset %d: %v", e.Offset, e.Err)
	}
	return fmt.Sprintf("warc: %s at offset %d: %v", e.Path, e.Offset, e.Err)
}

// Unwrap returns the cause, so that errors.Is(err, ErrTruncated) works.
func (e *Error) Unwrap() error { return e.Err }
