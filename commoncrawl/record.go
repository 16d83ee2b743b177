package commoncrawl

import (
	"strings"

	"github.com/gosparkling/gosparkling/fileio/warc"
)

// IsHTML reports whether a WARC record holds an HTML page: a response whose HTTP
// Content-Type, or failing that its WARC-Identified-Payload-Type, is text/html or
// application/xhtml+xml.
func IsHTML(r *warc.Record) bool {
	t := r.Header("WARC-Identified-Payload-Type")
	if r.IsHTTP() {
		if h := r.HTTPHeaders(); h != nil && h.Get("Content-Type") != "" {
			t = h.Get("Content-Type")
		}
	}
	t, _, _ = strings.Cut(t, ";")
	t = strings.ToLower(strings.TrimSpace(t))
	return t == "text/html" || t == "application/xhtml+xml"
}

// PageOf parses the payload of a WARC record (a response's HTML, de-chunked) as an HTML
// page fetched from the record's WARC-Target-URI: its title, visible text and absolute
// links. The payload is read as UTF-8. Use IsHTML to keep the records that hold HTML.
//
//	pages := sc.WarcFile(files).Filter(commoncrawl.IsHTML).Map(commoncrawl.PageOf)
func PageOf(r *warc.Record) Page {
	return ParsePage(r.TargetURI(), r.Payload())
}

// Server returns the Server header of the HTTP response a WARC record holds ("nginx/1.18.0
// (Ubuntu)"), or "" when it has none.
func Server(r *warc.Record) string {
	if !r.IsHTTP() {
		return ""
	}
	return r.HTTPHeaders().Get("Server")
}
