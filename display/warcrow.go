package display

import (
	"bytes"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"

	"github.com/gosparkling/gosparkling/fileio/warc"
)

// warcPreviewChars is the length, in characters, of the preview of a WARC
// record's payload.
const warcPreviewChars = 300

// warcRow is the row of a *warc.Record in a table. Its columns hold what a
// reader of a crawl looks at first, as Common Crawl's index names them
// where it can; a value a record lacks is null.
type warcRow struct {
	// Type is the WARC-Type: response, request, metadata, conversion, ...
	Type string `display:"type"`
	// TargetURI is the WARC-Target-URI, "" for warcinfo records.
	TargetURI string `display:"target_uri"`
	// Date is the WARC-Date; null when missing or malformed.
	Date *time.Time `display:"date"`
	// Status is the HTTP status of a response; left out when no record
	// shown has one.
	Status *int `display:"status,omitempty"`
	// ContentType is the media type of the payload: the HTTP Content-Type
	// of a record holding an HTTP message that has one, the record's
	// Content-Type otherwise.
	ContentType string `display:"content_type"`
	// Language is WARC-Identified-Content-Language, which Common Crawl's WET
	// records carry ("spa,eng"); left out when no record shown has one.
	Language string `display:"language,omitempty"`
	// Length and Offset locate the record in its file (Record.Length and
	// Offset); Length is null when no byte range holds the record alone.
	Length *int64 `display:"length"`
	Offset int64  `display:"offset"`
	// Preview is the beginning of the payload as text (see textPreview):
	// the entity of an HTTP message, the block of other records, the whole
	// block when the entity is empty (requests, redirects, revisits).
	Preview string `display:"preview"`
}

// newWarcRow makes the row of r. It parses the HTTP message of a request
// or response record, as HTTPStatus does, which caches it in r.
func newWarcRow(r *warc.Record) warcRow {
	row := warcRow{
		Type:        r.Type(),
		TargetURI:   r.TargetURI(),
		ContentType: r.ContentType(),
		Language:    r.IdentifiedLanguage(),
		Offset:      r.Offset,
	}
	if d := r.Date(); !d.IsZero() {
		row.Date = &d
	}
	if r.Length >= 0 {
		n := r.Length
		row.Length = &n
	}
	payload := r.Body
	if r.IsHTTP() {
		if status := r.HTTPStatus(); status != 0 {
			row.Status = &status
		}
		if ct := r.HTTPHeaders().Get("Content-Type"); ct != "" {
			row.ContentType = ct
		}
		if p := r.Payload(); len(p) > 0 {
			payload = p
		}
	}
	row.Preview = textPreview(payload, warcPreviewChars)
	if r.BodyTruncated && !strings.HasSuffix(row.Preview, "…") && !strings.HasPrefix(row.Preview, "binary") {
		row.Preview += "…"
	}
	return row
}

// textPreview returns the first n characters of b read as text, with runs
// of white space made single spaces and an ellipsis when b holds more.
// Bytes that are not UTF-8 are read as Windows-1252 (which browsers take
// ISO 8859-1 to mean), as pages that are not UTF-8 mostly are; control
// characters become U+FFFD. Bytes that
// do not look like text at all (NUL bytes, many control characters:
// images, compressed data) are described by their size instead:
// "binary, 5,120 bytes".
func textPreview(b []byte, n int) string {
	if looksBinary(b) {
		return "binary, " + plural(int64(len(b)), "byte")
	}
	var out strings.Builder
	count, space := 0, false
	for i := 0; i < len(b); {
		r, size := utf8.DecodeRune(b[i:])
		if r == utf8.RuneError && size == 1 {
			r = windows1252(b[i])
		}
		i += size
		switch {
		case unicode.IsSpace(r):
			space = count > 0
			continue
		case unicode.IsControl(r):
			r = utf8.RuneError
		}
		if count == n {
			return out.String() + "…"
		}
		if space {
			out.WriteByte(' ')
			count++
			space = false
			if count == n {
				return out.String() + "…"
			}
		}
		out.WriteRune(r)
		count++
	}
	return out.String()
}

// looksBinary reports whether the beginning of b is not text: it holds a
// NUL byte, or more than one in sixteen of its characters are control
// characters other than white space.
func looksBinary(b []byte) bool {
	sample := b[:min(len(b), 1024)]
	if bytes.IndexByte(sample, 0) >= 0 {
		return true
	}
	control, total := 0, 0
	for i := 0; i < len(sample); {
		r, size := utf8.DecodeRune(sample[i:])
		i += size
		total++
		if r < 0x20 && r != '\t' && r != '\n' && r != '\r' && r != '\f' || r == 0x7f {
			control++
		}
	}
	return control*16 > total
}

// cp1252 holds the characters of Windows-1252 for the bytes 0x80 to 0x9f,
// which Latin-1 leaves to control characters; the five bytes it does not
// define are U+FFFD.
var cp1252 = []rune("€\uFFFD‚ƒ„…†‡ˆ‰Š‹Œ\uFFFDŽ\uFFFD\uFFFD‘’“”•–—˜™š›œ\uFFFDžŸ")

// windows1252 returns the character of byte c in Windows-1252.
func windows1252(c byte) rune {
	if c < 0x80 || c > 0x9f {
		return rune(c)
	}
	return cp1252[c-0x80]
}
