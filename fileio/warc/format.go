package warc

import (
	"io"

	format "github.com/gosparkling/gosparkling/fileio/warc/format"
)

// The format itself is declared in fileio/warc/format, which links no file system (the
// functions a notebook cell passes to RDD methods are compiled into plugins that import it
// when they use no more than records); these are the same types, constants and functions.

// Record is one WARC record: its version, its header fields in order, its content block,
// and where it is in its file. Its methods read fields (Type, TargetURI, Date, RecordID,
// Languages...) and interpret the block (Text, JSON, HTTP, HTTPStatus, HTTPHeaders,
// Payload).
type Record = format.Record

// Field is one named field of a record's header (or of an HTTP message's header), with its
// name spelled as in the file and its value without surrounding white space.
type Field = format.Field

// HTTPMessage is the HTTP request or response a record's block holds (Record.HTTP).
type HTTPMessage = format.HTTPMessage

// Error is the error a Reader returns for a record it cannot read: the file (when known),
// the offset at which the record starts in it and the cause.
type Error = format.Error

// Reader reads the records of a WARC file one at a time (Open, NewReader).
type Reader = format.Reader

// Writer writes WARC records, uncompressed or one gzip member each (NewWriter).
type Writer = format.Writer

// Record types: the values of the WARC-Type field that WARC 1.1 defines.
const (
	TypeWarcinfo     = format.TypeWarcinfo     // describes the records that follow it (crawl, software)
	TypeResponse     = format.TypeResponse     // a complete response, e.g. an HTTP response
	TypeResource     = format.TypeResource     // a resource without its protocol envelope
	TypeRequest      = format.TypeRequest      // the request that was sent, e.g. an HTTP request
	TypeMetadata     = format.TypeMetadata     // content about another record (WAT files: JSON)
	TypeRevisit      = format.TypeRevisit      // a revisit of content already archived
	TypeConversion   = format.TypeConversion   // another record's content transformed (WET files: text)
	TypeContinuation = format.TypeContinuation // a segment of a record split over several records
)

// DefaultMaxBodySize is the MaxBodySize of a new Reader: 64 MiB, far above the 1 MiB at
// which Common Crawl cuts payloads.
const DefaultMaxBodySize = format.DefaultMaxBodySize

// Causes of the errors a Reader reports, to be tested with errors.Is.
var (
	// ErrBadVersion: a record does not start with a version line such as "WARC/1.0".
	ErrBadVersion = format.ErrBadVersion
	// ErrBadHeader: a header line without a colon, a header block that does not end or is
	// too long, or a Content-Length that is not a non-negative integer.
	ErrBadHeader = format.ErrBadHeader
	// ErrMissingContentLength: a record has no Content-Length field.
	ErrMissingContentLength = format.ErrMissingContentLength
	// ErrTruncated: the file, or the record's gzip member, ends inside a record.
	ErrTruncated = format.ErrTruncated
	// ErrNotHTTP: Record.HTTP was called on a record whose Content-Type is not
	// application/http.
	ErrNotHTTP = format.ErrNotHTTP
)

// NewReader returns a Reader of the WARC stream r, whose first byte is taken to be at offset
// 0 of the file. The caller keeps ownership of r: Close does not close it.
func NewReader(r io.Reader) *Reader { return format.NewReader(r) }

// NewWriter returns a Writer writing to w, each record in its own gzip member when
// gzipPerRecord is set. The offsets it reports count from w's current position as 0.
func NewWriter(w io.Writer, gzipPerRecord bool) *Writer { return format.NewWriter(w, gzipPerRecord) }

// BlockDigest returns the WARC-Block-Digest value of a block the way Common Crawl writes it:
// "sha1:" and the SHA-1 of the block in base 32.
func BlockDigest(block []byte) string { return format.BlockDigest(block) }
