package fileio

import (
	"bufio"
	"bytes"
	"errors"
	"fmt"
	"io"
	"os"
	"strconv"
	"strings"
)

// DefaultMaxLineLength is the longest line a LineReader accepts unless told otherwise
// (SetMaxLineLength, or the environment variable GOSPARKLING_MAX_LINE_LENGTH in bytes): a
// longer line is an error naming the file and the line's offset, not a memory exhaustion.
const DefaultMaxLineLength = 64 << 20

// EnvMaxLineLength overrides DefaultMaxLineLength for every LineReader (a number of bytes).
const EnvMaxLineLength = "GOSPARKLING_MAX_LINE_LENGTH"

// ErrLineTooLong is the cause of the error of a LineReader that met a line longer than its
// limit.
var ErrLineTooLong = errors.New("line too long")

// defaultMaxLine returns the limit of new LineReaders.
func defaultMaxLine() int {
	if v := strings.TrimSpace(os.Getenv(EnvMaxLineLength)); v != "" {
		if n, err := strconv.Atoi(v); err == nil && n > 0 {
			return n
		}
	}
	return DefaultMaxLineLength
}

const (
	// lineBufferSize is the initial buffer of a LineReader; it doubles for longer lines.
	lineBufferSize = 64 << 10
	// maxEmptyReads is how many (0, nil) reads in a row a LineReader tolerates.
	maxEmptyReads = 100
)

// LineReader splits a byte stream into lines the way Hadoop's LineRecordReader does: a line
// ends at "\n", "\r\n" or a lone "\r", and the terminator is not part of the line. A stream
// ending without a terminator still yields its last line; an empty stream yields none. Bytes
// are kept as they are (invalid UTF-8 included) and lines may be of any length. Use it like
// bufio.Scanner:
//
//	for lr.Next() {
//		use(lr.Text())
//	}
//	if err := lr.Err(); err != nil { ... }
type LineReader struct {
	r      io.Reader
	buf    []byte
	start  int // the unread data is buf[start:end]
	end    int
	line   []byte
	offset int64 // stream offset of buf[start], counted from base
	base   int64 // stream offset of the first byte r yields
	limit  int64 // Next stops before a line starting after limit; < 0: no limit
	err    error // error of the underlying reader (io.EOF at the end)
	done   bool  // Next has returned false
	closer io.Closer
	// maxLine is the longest line accepted; path names the file in errors.
	maxLine int
	path    string
}

// SetMaxLineLength sets the longest line the reader accepts (n > 0): at a longer one Next
// returns false and Err an error wrapping ErrLineTooLong that names the file and the
// line's offset. The buffer never grows beyond about n bytes.
func (lr *LineReader) SetMaxLineLength(n int) {
	if n > 0 {
		lr.maxLine = n
	}
}

// NewLineReader returns a LineReader reading r. The caller keeps ownership of r: Close does
// not close it.
func NewLineReader(r io.Reader) *LineReader {
	return &LineReader{r: r, buf: make([]byte, lineBufferSize), limit: -1, maxLine: defaultMaxLine()}
}

// Next advances to the next line and reports whether there is one. It returns false at the
// end of the stream (or of the split, see OpenSplit) and on an error, which Err then returns.
func (lr *LineReader) Next() bool {
	if lr.done {
		return false
	}
	if lr.limit >= 0 && lr.offset > lr.limit {
		lr.done, lr.line = true, nil
		return false
	}
	if !lr.readLine() {
		lr.done, lr.line = true, nil
		return false
	}
	return true
}

// readLine reads the next line into lr.line, reporting false at the end or on an error.
func (lr *LineReader) readLine() bool {
	scanned := 0 // lr.buf[lr.start:lr.start+scanned] holds neither '\n' nor '\r'
	for {
		data := lr.buf[lr.start:lr.end]
		if i := scanTerminator(data, scanned); i >= 0 {
			size := 1
			if data[i] == '\r' {
				if i+1 == len(data) && lr.err == nil {
					scanned = i // a "\n" may follow: read on before deciding
					if !lr.fill() {
						return false
					}
					continue
				}
				if i+1 < len(data) && data[i+1] == '\n' {
					size = 2
				}
			}
			if i > lr.maxLine {
				lr.err = lr.tooLong()
				return false
			}
			lr.consume(data[:i], i+size)
			return true
		}
		scanned = len(data)
		if lr.err != nil { // end of the stream, or a read error
			if lr.err != io.EOF || len(data) == 0 {
				return false
			}
			if len(data) > lr.maxLine {
				lr.err = lr.tooLong()
				return false
			}
			lr.consume(data, len(data))
			return true
		}
		if !lr.fill() {
			return false
		}
	}
}

// scanTerminator returns the index of the first '\n' or '\r' in data at or after from, or -1.
func scanTerminator(data []byte, from int) int {
	rest := data[from:]
	n := bytes.IndexByte(rest, '\n')
	if n < 0 {
		n = len(rest)
	}
	if r := bytes.IndexByte(rest[:n], '\r'); r >= 0 {
		return from + r
	}
	if n < len(rest) {
		return from + n
	}
	return -1
}

// tooLong returns the error of a line longer than the limit, which starts at the current
// offset.
func (lr *LineReader) tooLong() error {
	what := "the stream"
	if lr.path != "" {
		what = lr.path
	}
	return &Error{Op: "read", Path: what, Err: fmt.Errorf("%w: the line at byte offset %d is longer than %d bytes "+
		"(the limit; set %s or LineReader.SetMaxLineLength)", ErrLineTooLong, lr.base+lr.offset, lr.maxLine, EnvMaxLineLength)}
}

// consume makes line the current line and drops size bytes (line and terminator).
func (lr *LineReader) consume(line []byte, size int) {
	lr.line = line
	lr.start += size
	lr.offset += int64(size)
}

// fill reads more data after lr.end, first moving unread data to the front of the buffer or
// doubling the buffer when it is full. It reports false when a read error (not io.EOF) ends
// the stream. At io.EOF it sets lr.err and reports true so that the last line is delivered.
func (lr *LineReader) fill() bool {
	if lr.start > 0 {
		lr.end = copy(lr.buf, lr.buf[lr.start:lr.end])
		lr.start = 0
	}
	if lr.end == len(lr.buf) {
		// A line and its terminator ("\r\n" needs a look past "\r") fit in maxLine+2.
		limit := lr.maxLine + 2
		if len(lr.buf) >= limit {
			lr.err = lr.tooLong()
			return false
		}
		grown := make([]byte, min(2*len(lr.buf), limit))
		copy(grown, lr.buf[:lr.end])
		lr.buf = grown
	}
	for empty := 0; ; empty++ {
		n, err := lr.r.Read(lr.buf[lr.end:])
		if n < 0 || n > len(lr.buf)-lr.end {
			lr.err = errors.New("fileio: reader returned an invalid count")
			return false
		}
		lr.end += n
		if err != nil {
			lr.err = err
			return err == io.EOF
		}
		if n > 0 {
			return true
		}
		if empty == maxEmptyReads {
			lr.err = io.ErrNoProgress
			return false
		}
	}
}

// Bytes returns the current line without its terminator. The slice is valid until the next
// call to Next.
func (lr *LineReader) Bytes() []byte { return lr.line }

// Text returns the current line without its terminator as a new string.
func (lr *LineReader) Text() string { return string(lr.line) }

// Offset returns the position in the stream just after the current line's terminator (for a
// LineReader from OpenSplit: the position in the file), that is, where the next line starts.
func (lr *LineReader) Offset() int64 { return lr.base + lr.offset }

// Err returns the first error other than io.EOF met while reading.
func (lr *LineReader) Err() error {
	if lr.err == io.EOF {
		return nil
	}
	return lr.err
}

// Close releases the file that OpenLines or OpenSplit opened. For a LineReader made by
// NewLineReader it does nothing: the caller owns the reader.
func (lr *LineReader) Close() error {
	lr.done, lr.line = true, nil
	if lr.closer == nil {
		return nil
	}
	c := lr.closer
	lr.closer = nil
	return c.Close()
}

// WriteLine writes x as SaveAsTextFile writes an element: a string as it
// is, anything else as fmt.Sprint writes it, then a newline.
func WriteLine(w *bufio.Writer, x any) error {
	var err error
	if s, ok := x.(string); ok {
		_, err = w.WriteString(s)
	} else {
		_, err = fmt.Fprint(w, x)
	}
	if err == nil {
		err = w.WriteByte('\n')
	}
	return err
}
