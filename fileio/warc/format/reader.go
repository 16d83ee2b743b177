package warc

import (
	"bufio"
	"bytes"
	"errors"
	"fmt"
	"io"
	"slices"
	"strings"

	"github.com/klauspost/compress/gzip"
)

// DefaultMaxBodySize is the MaxBodySize of a new Reader: 64 MiB, far above the 1 MiB at
// which Common Crawl cuts payloads, so that in practice only runaway blocks (videos in other
// archives, a corrupt Content-Length) are cut.
const DefaultMaxBodySize = 64 << 20

const (
	maxHeaderBytes  = 1 << 20  // longest header block accepted
	maxVersionBytes = 64       // longest version line accepted
	bufferSize      = 64 << 10 // size of the raw and the decompressed read buffers
)

// Reader reads the records of a WARC file one at a time. It reads files with one gzip member
// per record (.warc.gz, .warc.wet.gz, .warc.wat.gz as Common Crawl and wget write them, and
// also .warc.gz files compressed as one stream) and uncompressed files (.warc), telling them
// apart by the gzip magic number. It streams: it holds one record (and buffers of 64 KiB) at
// a time.
//
//	r, err := warc.Open(ctx, "s3://commoncrawl/crawl-data/.../x.warc.wet.gz")
//	if err != nil { ... }
//	defer r.Close()
//	for {
//		rec, err := r.Next()
//		if err == io.EOF {
//			break
//		}
//		if err != nil { ... }
//		fmt.Println(rec.TargetURI(), rec.Languages())
//	}
type Reader struct {
	// Path names the file in error messages. Open sets it; set it after NewReader to have
	// errors name the stream's source.
	Path string
	// MaxBodySize is the largest block Next keeps in Record.Body (DefaultMaxBodySize unless
	// changed; zero or negative: no limit). Of a longer block Body keeps the first
	// MaxBodySize bytes, the rest is skipped and Record.BodyTruncated is set.
	MaxBodySize int64

	src     countingReader // the stream, counting the bytes it delivers
	raw     *bufio.Reader  // buffers src; gzip reads from it without going past a member's end
	gz      gzip.Reader    // decompresses the current member (gzip files)
	dec     *bufio.Reader  // the records' bytes: over gz for gzip files, raw itself otherwise
	base    int64          // file offset of the stream's first byte
	closer  io.Closer      // the file Open or NewFileReader was given
	started bool           // the stream's kind is known
	gzipped bool           // the stream is gzip-compressed

	inMember     bool  // a gzip member is open in gz
	memberStart  int64 // file offset of the open member
	memberShared bool  // a record ended inside the open member: it holds several records

	err error // the error that stopped reading, returned again by every later Next
}

// NewReader returns a Reader of the WARC stream r, whose first byte is taken to be at offset
// 0 of the file. The caller keeps ownership of r: Close does not close it.
func NewReader(r io.Reader) *Reader {
	rd := &Reader{MaxBodySize: DefaultMaxBodySize, src: countingReader{r: r}}
	rd.raw = bufio.NewReaderSize(&rd.src, bufferSize)
	return rd
}

// NewFileReader returns a Reader of f, a file's bytes as stored from file offset
// offset on, named path in errors (and in the records' error messages). Close closes f.
// warc.Open and warc.ReadRecordAt make their Readers so.
func NewFileReader(f io.ReadCloser, path string, offset int64) *Reader {
	r := NewReader(f)
	r.Path = path
	r.base = offset
	r.closer = f
	return r
}

// Close closes the file that Open (or NewFileReader) opened. For a Reader made by
// NewReader it does nothing.
func (r *Reader) Close() error {
	if r.closer == nil {
		return nil
	}
	c := r.closer
	r.closer = nil
	if r.err == nil {
		r.err = r.errorAt(r.pos(), errors.New("reader is closed"))
	}
	return c.Close()
}

// Next reads the next record. It returns io.EOF after the last record; any other error is an
// *Error naming the file and the offset of the record that could not be read, after which
// Next returns that same error again: reading does not resume past a damaged record.
func (r *Reader) Next() (*Record, error) {
	if r.err != nil {
		return nil, r.err
	}
	rec, err := r.next()
	if err != nil {
		r.err = err
		return nil, err
	}
	return rec, nil
}

// next finds the start of the next record and reads it.
func (r *Reader) next() (*Record, error) {
	if !r.started {
		if err := r.start(); err != nil {
			return nil, err
		}
	}
	found, err := r.seekRecord()
	if err != nil || !found {
		return nil, err
	}
	rec := &Record{Offset: r.pos(), Length: -1, path: r.Path}
	if r.gzipped {
		rec.Offset = r.memberStart
	}
	sharesMember := r.memberShared
	if err := r.readRecord(rec); err != nil {
		return nil, r.errorAt(rec.Offset, err)
	}
	// Consume the blank lines that end the record (CRLF CRLF, leniently any run of line
	// breaks); what follows is the next record, or the end of the member or of the file.
	switch err := skipLineBreaks(r.dec); {
	case err == nil && r.gzipped: // another record follows in this member
		r.memberShared = true
	case err == nil: // the next record of a plain file
		rec.Length = r.pos() - rec.Offset
	case err == io.EOF && r.gzipped: // the member ends (its checksum verified)
		r.inMember = false
		if !sharesMember {
			rec.Length = r.pos() - rec.Offset
		}
	case err == io.EOF: // the plain file ends
		rec.Length = r.pos() - rec.Offset
	default:
		return nil, r.errorAt(rec.Offset, r.cause(err, "after the block"))
	}
	return rec, nil
}

// start tells a gzip stream from a plain one by its first two bytes.
func (r *Reader) start() error {
	r.started = true
	magic, err := r.raw.Peek(2)
	if err != nil && err != io.EOF {
		return r.errorAt(r.base, err)
	}
	r.gzipped = len(magic) == 2 && magic[0] == 0x1f && magic[1] == 0x8b
	if r.gzipped {
		r.dec = bufio.NewReaderSize(&r.gz, bufferSize)
	} else {
		r.dec = r.raw
	}
	return nil
}

// seekRecord skips the line breaks before the next record, opening the next gzip member
// where one ends. It returns false at the end of the stream.
func (r *Reader) seekRecord() (found bool, err error) {
	if !r.gzipped {
		switch err := skipLineBreaks(r.dec); err {
		case nil:
			return true, nil
		case io.EOF:
			return false, io.EOF
		default:
			return false, r.errorAt(r.pos(), err)
		}
	}
	for {
		if r.inMember {
			switch err := skipLineBreaks(r.dec); err {
			case nil:
				return true, nil
			case io.EOF:
				r.inMember = false
			default:
				return false, r.errorAt(r.memberStart, r.cause(err, "at the start of a record"))
			}
		}
		if _, err := r.raw.Peek(1); err == io.EOF {
			return false, io.EOF
		} else if err != nil {
			return false, r.errorAt(r.pos(), err)
		}
		r.memberStart = r.pos()
		r.memberShared = false
		if err := r.gz.Reset(r.raw); err != nil {
			return false, r.errorAt(r.memberStart, r.cause(err, "in the gzip header"))
		}
		r.gz.Multistream(false)
		r.dec.Reset(&r.gz)
		r.inMember = true
	}
}

// readRecord reads the version line, the header fields and the block of a record.
func (r *Reader) readRecord(rec *Record) error {
	version, err := r.readVersion()
	if err != nil {
		return err
	}
	rec.Version = version
	budget := maxHeaderBytes
	for {
		line, err := r.readLine(&budget)
		if err != nil {
			return err
		}
		if line == "" {
			break
		}
		if (line[0] == ' ' || line[0] == '\t') && len(rec.Headers) > 0 { // continuation line
			last := &rec.Headers[len(rec.Headers)-1]
			last.Value = strings.TrimSpace(last.Value + " " + strings.TrimSpace(line))
			continue
		}
		name, value, ok := strings.Cut(line, ":")
		if !ok || strings.TrimSpace(name) == "" {
			return fmt.Errorf("%w: header line %q is not \"Name: value\"", ErrBadHeader, shorten(line))
		}
		rec.Headers = append(rec.Headers, Field{Name: strings.TrimSpace(name), Value: strings.TrimSpace(value)})
	}
	var length int64
	if cl := rec.Values("Content-Length"); len(cl) == 0 {
		return ErrMissingContentLength
	} else if length, err = parseContentLength(cl[0]); err != nil {
		return err
	}
	return r.readBlock(rec, length)
}

// readVersion reads the version line ("WARC/1.0"), looking at its first bytes before reading
// a line so that a stream of garbage fails fast.
func (r *Reader) readVersion() (string, error) {
	const prefix = "WARC/"
	head, err := r.dec.Peek(len(prefix))
	if !bytes.Equal(head, []byte(prefix)) {
		if err != nil && err != io.EOF {
			return "", r.cause(err, "in the version line")
		}
		more, _ := r.dec.Peek(maxVersionBytes)
		if len(more) < len(head) {
			more = head
		}
		line, _, _ := bytes.Cut(more, []byte("\n"))
		return "", fmt.Errorf("%w %q: not the start of a WARC record", ErrBadVersion, bytes.TrimRight(line, "\r"))
	}
	budget := maxVersionBytes
	line, err := r.readLine(&budget)
	if err != nil {
		if errors.Is(err, ErrBadHeader) {
			return "", fmt.Errorf("%w: longer than %d bytes", ErrBadVersion, maxVersionBytes)
		}
		return "", err
	}
	if !validVersion(line) {
		return "", fmt.Errorf("%w %q", ErrBadVersion, shorten(line))
	}
	return line, nil
}

// validVersion reports whether a version line reads "WARC/<digits>.<digits>".
func validVersion(line string) bool {
	major, minor, ok := strings.Cut(strings.TrimPrefix(line, "WARC/"), ".")
	return ok && isDigits(major) && isDigits(minor)
}

func isDigits(s string) bool {
	for _, c := range []byte(s) {
		if c < '0' || c > '9' {
			return false
		}
	}
	return s != ""
}

// readLine reads one header line and returns it without its line break (CRLF or a bare LF),
// charging its length to *budget; a line that does not fit is ErrBadHeader.
func (r *Reader) readLine(budget *int) (string, error) {
	var long []byte // the line so far, when it spans several buffers
	for {
		chunk, err := r.dec.ReadSlice('\n')
		*budget -= len(chunk)
		if *budget < 0 {
			return "", fmt.Errorf("%w: header block longer than %d bytes", ErrBadHeader, maxHeaderBytes)
		}
		switch {
		case err == nil && long == nil:
			return string(trimLineBreak(chunk)), nil
		case err == nil:
			return string(trimLineBreak(append(long, chunk...))), nil
		case errors.Is(err, bufio.ErrBufferFull):
			long = append(long, chunk...)
		case err == io.EOF:
			return "", fmt.Errorf("%w: %s ends inside the record header", ErrTruncated, r.container())
		default:
			return "", r.cause(err, "in the record header")
		}
	}
}

func trimLineBreak(line []byte) []byte {
	line = bytes.TrimSuffix(line, []byte("\n"))
	return bytes.TrimSuffix(line, []byte("\r"))
}

// readBlock reads a block of length bytes into rec.Body, keeping at most MaxBodySize of
// them. Memory grows with the bytes actually read, so that a corrupt huge Content-Length
// fails with ErrTruncated rather than a huge allocation.
func (r *Reader) readBlock(rec *Record, length int64) error {
	keep := length
	if r.MaxBodySize > 0 && keep > r.MaxBodySize {
		keep = r.MaxBodySize
		rec.BodyTruncated = true
	}
	const firstAlloc = 1 << 20
	body := make([]byte, 0, min(keep, firstAlloc))
	for int64(len(body)) < keep {
		if len(body) == cap(body) {
			body = slices.Grow(body, len(body)) // double
		}
		end := min(int64(cap(body)), keep)
		n, err := r.dec.Read(body[len(body):end])
		body = body[:len(body)+n]
		if err != nil && int64(len(body)) < keep {
			return r.blockError(err, int64(len(body)), length)
		}
	}
	rec.Body = body
	if skipped, err := io.CopyN(io.Discard, r.dec, length-keep); err != nil {
		return r.blockError(err, keep+skipped, length)
	}
	return nil
}

// blockError describes a failure to read a block after got of its want bytes.
func (r *Reader) blockError(err error, got, want int64) error {
	if err == io.EOF {
		return fmt.Errorf("%w: %s ends after %d of the block's %d bytes (Content-Length)", ErrTruncated, r.container(), got, want)
	}
	return r.cause(err, fmt.Sprintf("after %d of the block's %d bytes", got, want))
}

// container names what a record lives in, for messages about its end.
func (r *Reader) container() string {
	if r.gzipped {
		return "gzip member"
	}
	return "file"
}

// cause turns an error met while reading the records' bytes into the cause of an *Error: the
// stream's own read errors as they are, a gzip member cut short as ErrTruncated, other
// decompression errors as a corrupt member.
func (r *Reader) cause(err error, where string) error {
	switch {
	case r.src.err != nil && r.src.err != io.EOF:
		return err // the stream failed; fileio's errors name the file already
	case errors.Is(err, io.ErrUnexpectedEOF):
		return fmt.Errorf("%w: gzip member cut off %s", ErrTruncated, where)
	case r.gzipped:
		return fmt.Errorf("corrupt gzip member (%s): %w", where, err)
	default:
		return err
	}
}

// errorAt wraps a cause into an *Error at a file offset (kept as it is when it is one).
func (r *Reader) errorAt(offset int64, err error) error {
	var e *Error
	if errors.As(err, &e) {
		return err
	}
	return &Error{Path: r.Path, Offset: offset, Err: err}
}

// pos returns the file offset of the next byte of the stream not yet consumed.
func (r *Reader) pos() int64 {
	return r.base + r.src.n - int64(r.raw.Buffered())
}

// skipLineBreaks consumes CR and LF bytes. It returns nil when another byte follows, io.EOF
// at the end of the stream (or gzip member) and other errors as they come.
func skipLineBreaks(br *bufio.Reader) error {
	for {
		b, err := br.ReadByte()
		if err != nil {
			return err
		}
		if b != '\r' && b != '\n' {
			return br.UnreadByte()
		}
	}
}

// countingReader counts the bytes read from r and remembers r's last error.
type countingReader struct {
	r   io.Reader
	n   int64
	err error
}

func (c *countingReader) Read(p []byte) (int, error) {
	n, err := c.r.Read(p)
	c.n += int64(n)
	if err != nil {
		c.err = err
	}
	return n, err
}
