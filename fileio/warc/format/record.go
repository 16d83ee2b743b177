package warc

import (
	"encoding/json"
	"fmt"
	"net/http"
	"strconv"
	"strings"
	"time"
)

// Record types: the values of the WARC-Type field that WARC 1.1 defines.
const (
	TypeWarcinfo     = "warcinfo"     // describes the records that follow it (crawl, software)
	TypeResponse     = "response"     // a complete response, e.g. an HTTP response
	TypeResource     = "resource"     // a resource without its protocol envelope
	TypeRequest      = "request"      // the request that was sent, e.g. an HTTP request
	TypeMetadata     = "metadata"     // content about another record (WAT files: JSON)
	TypeRevisit      = "revisit"      // a revisit of content already archived
	TypeConversion   = "conversion"   // another record's content transformed (WET files: text)
	TypeContinuation = "continuation" // a segment of a record split over several records
)

// Field is one named field of a record's header (or of an HTTP message's header), with its
// name spelled as in the file and its value without surrounding white space.
type Field struct {
	Name  string
	Value string
}

// Record is one WARC record: its header fields in file order and its content block.
//
// The block is held in memory: a Reader materializes each block in Body, up to its
// MaxBodySize (records of web archives are small; Common Crawl cuts payloads at 1 MiB), and
// keeps only the first MaxBodySize bytes of a longer block, setting BodyTruncated. The
// methods that interpret the block (HTTP, HTTPStatus, HTTPHeaders, Payload) parse it on first
// use and cache the result in the Record, so a Record must not be shared between goroutines
// until one of them has called HTTP; reading its fields is always safe.
type Record struct {
	// Version is the record's version line, such as "WARC/1.0" or "WARC/1.1".
	Version string
	// Headers holds the named fields in file order, repeated ones (several
	// WARC-Concurrent-To, say) included. Look fields up with Header and Values.
	Headers []Field
	// Body is the content block, Content-Length bytes (or its first MaxBodySize bytes).
	Body []byte
	// BodyTruncated reports that the block was longer than the Reader's MaxBodySize and Body
	// holds only its beginning. (Not to be confused with the WARC-Truncated field, by which
	// a crawler says it stored less than it fetched.)
	BodyTruncated bool
	// Offset is where the record starts in its file. For a file with one gzip member per
	// record (.warc.gz as Common Crawl and wget write them) it is the offset of the member,
	// Common Crawl's warc_record_offset.
	Offset int64
	// Length is the number of bytes the record takes in its file, its trailing blank lines
	// included, so that the byte range [Offset, Offset+Length) holds this record and nothing
	// else. For a gzip-per-record file it is the compressed length of the member, Common
	// Crawl's warc_record_length. It is -1 when no such range exists: in a .warc.gz that was
	// compressed as one gzip stream rather than record by record, several records share a
	// member (Offset is then the start of the member holding the record's first byte).
	Length int64

	path     string       // the file, for error messages
	httpDone bool         // http and httpErr hold the result of parsing the block
	http     *HTTPMessage // parsed by HTTP
	httpErr  error
}

// Header returns the value of the first field named name (compared case-insensitively), or
// "" when the record has none.
func (r *Record) Header(name string) string {
	for _, f := range r.Headers {
		if strings.EqualFold(f.Name, name) {
			return f.Value
		}
	}
	return ""
}

// Values returns the values of every field named name (compared case-insensitively), in file
// order, or nil when the record has none.
func (r *Record) Values(name string) []string {
	var vs []string
	for _, f := range r.Headers {
		if strings.EqualFold(f.Name, name) {
			vs = append(vs, f.Value)
		}
	}
	return vs
}

// Type returns the WARC-Type field: "warcinfo", "response", "request", "metadata",
// "conversion", "resource", "revisit", ... (see the Type constants).
func (r *Record) Type() string { return r.Header("WARC-Type") }

// TargetURI returns the WARC-Target-URI field, without the angle brackets with which some
// writers (wget among them) enclose it.
func (r *Record) TargetURI() string {
	u := r.Header("WARC-Target-URI")
	if len(u) >= 2 && u[0] == '<' && u[len(u)-1] == '>' {
		u = u[1 : len(u)-1]
	}
	return u
}

// Date returns the WARC-Date field as a time, or the zero time when it is missing or not a
// W3C ISO 8601 date ("2024-05-18T01:58:10Z", fractions of seconds and lower precisions
// allowed).
func (r *Record) Date() time.Time {
	s := r.Header("WARC-Date")
	// The W3C profile of ISO 8601, most precise first (RFC3339Nano accepts no fraction too).
	layouts := [...]string{time.RFC3339Nano, "2006-01-02T15:04Z07:00", "2006-01-02", "2006-01", "2006"}
	for _, layout := range layouts {
		if t, err := time.Parse(layout, s); err == nil {
			return t
		}
	}
	return time.Time{}
}

// RecordID returns the WARC-Record-ID field as written, e.g.
// "<urn:uuid:2aabeff2-67f5-4608-8466-e87c6296e2b6>".
func (r *Record) RecordID() string { return r.Header("WARC-Record-ID") }

// ContentType returns the Content-Type field, the media type of the block, e.g.
// "application/http; msgtype=response" or "text/plain".
func (r *Record) ContentType() string { return r.Header("Content-Type") }

// RefersTo returns the WARC-Refers-To field: the record ID of the record this one was
// derived from (for a WET conversion or WAT metadata record: the WARC response).
func (r *Record) RefersTo() string { return r.Header("WARC-Refers-To") }

// IdentifiedLanguage returns the WARC-Identified-Content-Language field, which Common Crawl's
// WET records carry: ISO 639-3 codes separated by commas, most prominent first ("spa",
// "eng,fra").
func (r *Record) IdentifiedLanguage() string { return r.Header("WARC-Identified-Content-Language") }

// Languages returns the codes of IdentifiedLanguage as a list (nil when there are none).
func (r *Record) Languages() []string {
	var langs []string
	for l := range strings.SplitSeq(r.IdentifiedLanguage(), ",") {
		if l = strings.TrimSpace(l); l != "" {
			langs = append(langs, l)
		}
	}
	return langs
}

// ContentLength returns the Content-Length field: the length of the block in the file
// (which Body may hold only in part, see BodyTruncated), or -1 when it is missing or not a
// non-negative integer (never for a record a Reader returned).
func (r *Record) ContentLength() int64 {
	n, err := parseContentLength(r.Header("Content-Length"))
	if err != nil {
		return -1
	}
	return n
}

// Text returns the block as a string: the extracted plain text of a WET conversion record.
func (r *Record) Text() string { return string(r.Body) }

// JSON decodes the block as a JSON object, as in the metadata records of WAT files (whose
// Content-Type is application/json). Numbers become float64, as with encoding/json.
func (r *Record) JSON() (map[string]any, error) {
	var m map[string]any
	if err := json.Unmarshal(r.Body, &m); err != nil {
		return nil, r.errorf("JSON block: %w", err)
	}
	return m, nil
}

// HTTPStatus returns the status code of the HTTP response in the block (200, 404, ...), or 0
// when the record holds no HTTP response (see HTTP for the reason).
func (r *Record) HTTPStatus() int {
	m, err := r.HTTP()
	if err != nil {
		return 0
	}
	return m.StatusCode
}

// HTTPHeaders returns the header of the HTTP message in the block, or nil when the record
// holds none (see HTTP for the reason). HTTP's Fields keeps the original order and spelling.
func (r *Record) HTTPHeaders() http.Header {
	m, err := r.HTTP()
	if err != nil {
		return nil
	}
	return m.Header
}

// Payload returns the record's payload in the sense of WARC-Payload-Digest: for a record
// holding an HTTP message (Content-Type application/http) the entity after the HTTP header,
// de-chunked when it was stored with chunked transfer coding (nil when the message cannot
// be parsed, see HTTP); for any other record the whole block.
func (r *Record) Payload() []byte {
	if !r.IsHTTP() {
		return r.Body
	}
	m, err := r.HTTP()
	if err != nil {
		return nil
	}
	return m.Payload
}

// IsHTTP reports whether the block holds an HTTP message: whether the record's Content-Type
// is application/http (as for the request and response records of web crawls).
func (r *Record) IsHTTP() bool {
	return mediaType(r.ContentType()) == "application/http"
}

// HTTP parses the block as an HTTP request or response and returns it. The result is cached
// in the record. It fails with ErrNotHTTP when the record's Content-Type is not
// application/http, or when the block does not start with an HTTP request or status line.
func (r *Record) HTTP() (*HTTPMessage, error) {
	if !r.httpDone {
		r.httpDone = true
		if !r.IsHTTP() {
			r.httpErr = r.errorf("%w (Content-Type %q)", ErrNotHTTP, r.ContentType())
		} else if r.http, r.httpErr = parseHTTP(r.Body); r.httpErr != nil {
			r.httpErr = r.errorf("%w: %w", ErrNotHTTP, r.httpErr)
		}
	}
	return r.http, r.httpErr
}

// errorf returns an *Error for this record: its file, its offset and its record ID.
func (r *Record) errorf(format string, args ...any) error {
	cause := fmt.Errorf(format, args...)
	if id := r.RecordID(); id != "" {
		cause = fmt.Errorf("record %s: %w", id, cause)
	}
	return &Error{Path: r.path, Offset: r.Offset, Err: cause}
}

// mediaType returns the media type of a Content-Type value in lower case, without parameters.
func mediaType(contentType string) string {
	t, _, _ := strings.Cut(contentType, ";")
	return strings.ToLower(strings.TrimSpace(t))
}

// parseContentLength parses a Content-Length value: a non-negative decimal integer.
func parseContentLength(s string) (int64, error) {
	n, err := strconv.ParseInt(strings.TrimSpace(s), 10, 64)
	if err != nil || n < 0 {
		return 0, fmt.Errorf("%w: Content-Length %q is not a non-negative integer", ErrBadHeader, s)
	}
	return n, nil
}
