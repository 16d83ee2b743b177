package warc

import (
	"bytes"
	"crypto/sha1"
	"encoding/base32"
	"fmt"
	"io"
	"strconv"
	"strings"

	"github.com/klauspost/compress/gzip"
)

// Writer writes WARC records, uncompressed or each in its own gzip member (the .warc.gz
// layout that Common Crawl and wget use, which lets a reader fetch one record by its byte
// range). It does not buffer across records: once WriteRecord returns, the whole record has
// been written to the underlying writer, so there is nothing to flush or close.
type Writer struct {
	// Version is the version line written at the start of each record; "WARC/1.1" unless
	// changed (Common Crawl writes "WARC/1.0").
	Version string
	// BlockDigest makes WriteRecord add a WARC-Block-Digest field, the SHA-1 of the block in
	// base 32 ("sha1:35FTUGFVNWRVTZQGCWIX2MQA3LMYC7X7"), as Common Crawl does, unless the
	// headers given have one.
	BlockDigest bool

	out           countingWriter
	gzipPerRecord bool
	zw            *gzip.Writer
	head          bytes.Buffer
	err           error
}

// NewWriter returns a Writer writing to w, each record in its own gzip member when
// gzipPerRecord is set. The offsets it reports count from w's current position as 0.
func NewWriter(w io.Writer, gzipPerRecord bool) *Writer {
	return &Writer{Version: "WARC/1.1", out: countingWriter{w: w}, gzipPerRecord: gzipPerRecord}
}

// WriteRecord writes one record made of the header fields, in the given order, and the
// block. It sets Content-Length to the block's length (replacing a Content-Length among the
// headers, or adding one after them) and adds WARC-Block-Digest if BlockDigest is set; the
// other mandatory WARC fields (WARC-Type, WARC-Record-ID, WARC-Date) are the caller's to
// give. It returns where the record starts in the output and how many bytes it takes there
// (for gzip: the member's offset and compressed length), the values a Reader reports as
// Record.Offset and Record.Length. Field names must be non-empty and free of colons, white
// space and control characters, values free of line breaks. After a write error every call
// fails with that error.
func (w *Writer) WriteRecord(headers []Field, block []byte) (offset, length int64, err error) {
	if w.err != nil {
		return 0, 0, w.err
	}
	if err := w.formatHeader(headers, block); err != nil {
		return 0, 0, err // the output is untouched: later records may still be written
	}
	offset = w.out.n
	if w.gzipPerRecord {
		err = w.writeGzip(block)
	} else {
		err = w.writeAll(w.head.Bytes(), block, []byte("\r\n\r\n"))
	}
	if err != nil {
		w.err = fmt.Errorf("warc: writing the record at offset %d: %w", offset, err)
		return 0, 0, w.err
	}
	return offset, w.out.n - offset, nil
}

// formatHeader writes the version line and the header fields into w.head.
func (w *Writer) formatHeader(headers []Field, block []byte) error {
	if !validVersion(w.Version) {
		return fmt.Errorf("warc: version line %q is not WARC/<major>.<minor>", w.Version)
	}
	w.head.Reset()
	w.head.WriteString(w.Version)
	w.head.WriteString("\r\n")
	contentLength := strconv.Itoa(len(block))
	wroteLength, hasDigest := false, false
	for _, f := range headers {
		if err := checkField(f); err != nil {
			return err
		}
		switch {
		case strings.EqualFold(f.Name, "Content-Length"):
			if wroteLength {
				continue
			}
			f.Value, wroteLength = contentLength, true
		case strings.EqualFold(f.Name, "WARC-Block-Digest"):
			hasDigest = true
		}
		writeField(&w.head, f)
	}
	if !wroteLength {
		writeField(&w.head, Field{Name: "Content-Length", Value: contentLength})
	}
	if w.BlockDigest && !hasDigest {
		writeField(&w.head, Field{Name: "WARC-Block-Digest", Value: BlockDigest(block)})
	}
	w.head.WriteString("\r\n")
	return nil
}

func writeField(b *bytes.Buffer, f Field) {
	b.WriteString(f.Name)
	b.WriteString(": ")
	b.WriteString(f.Value)
	b.WriteString("\r\n")
}

// checkField refuses a field that would not read back as written.
func checkField(f Field) error {
	if f.Name == "" || strings.ContainsFunc(f.Name, func(c rune) bool { return c <= ' ' || c == ':' || c == 0x7f }) {
		return fmt.Errorf("warc: header field name %q is empty or holds a colon, white space or a control character", f.Name)
	}
	if strings.ContainsAny(f.Value, "\r\n") {
		return fmt.Errorf("warc: value of header field %s holds a line break", f.Name)
	}
	return nil
}

// writeGzip writes the header in w.head, the block and the record's end as one gzip member.
func (w *Writer) writeGzip(block []byte) error {
	if w.zw == nil {
		w.zw = gzip.NewWriter(&w.out)
	} else {
		w.zw.Reset(&w.out)
	}
	if err := w.writeAll(w.head.Bytes(), block, []byte("\r\n\r\n")); err != nil {
		return err
	}
	return w.zw.Close()
}

// writeAll writes parts to the gzip member being written, or to the output.
func (w *Writer) writeAll(parts ...[]byte) error {
	var dst io.Writer = &w.out
	if w.gzipPerRecord {
		dst = w.zw
	}
	for _, p := range parts {
		if _, err := dst.Write(p); err != nil {
			return err
		}
	}
	return nil
}

// BlockDigest returns the WARC-Block-Digest value of a block the way Common Crawl writes it:
// "sha1:" and the SHA-1 of the block in base 32.
func BlockDigest(block []byte) string {
	sum := sha1.Sum(block)
	return "sha1:" + base32.StdEncoding.EncodeToString(sum[:])
}

// countingWriter counts the bytes written to w.
type countingWriter struct {
	w io.Writer
	n int64
}

func (c *countingWriter) Write(p []byte) (int, error) {
	n, err := c.w.Write(p)
	c.n += int64(n)
	return n, err
}
