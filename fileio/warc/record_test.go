package warc

import (
	"errors"
	"net/http"
	"slices"
	"strings"
	"testing"
)

// TestHTTPResponses checks the HTTP messages of the response records: status, header, payload.
func TestHTTPResponses(t *testing.T) {
	wget := readFile(t, wgetGZ)
	byURI := func(uri string) *Record {
		for _, rec := range wget {
			if rec.Type() == TypeResponse && rec.TargetURI() == uri {
				return rec
			}
		}
		t.Fatalf("no response for %s", uri)
		return nil
	}
	tests := []struct {
		name        string
		rec         *Record
		status      int
		contentType string
		payloadLen  int
		payloadHead string // the payload's first bytes
		payloadTail string // its last bytes
	}{
		{"Common Crawl", recordOf(t, ccWARC, TypeResponse), 200, "text/html; charset=UTF-8", 72848, "<!DOCTYPE html>\n<html class=", "</body>\n</html>"},
		{"wget index", byURI("http://127.0.0.1:36315/"), 200, "text/html; charset=utf-8", 205, "<!DOCTYPE html>\n<html><head><title>gosparkling", "</body></html>\n"},
		{"wget 404", byURI("http://127.0.0.1:36315/robots.txt"), 404, "text/plain; charset=utf-8", 19, "404 page not found\n", "404 page not found\n"},
		{"wget UTF-8", byURI("http://127.0.0.1:36315/page2.html"), 200, "text/html; charset=utf-8", 110, "<!DOCTYPE html>", "café ☕.</p></body></html>\n"},
		{"wget chunked, de-chunked", byURI("http://127.0.0.1:36315/chunked.txt"), 200, "text/plain; charset=utf-8", 39, "chunk 1 of 3\nchunk 2 of 3\n", "chunk 3 of 3\n"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := tt.rec.HTTPStatus(); got != tt.status {
				t.Errorf("HTTPStatus() = %d, want %d", got, tt.status)
			}
			if got := tt.rec.HTTPHeaders().Get("Content-Type"); got != tt.contentType {
				t.Errorf("Content-Type = %q, want %q", got, tt.contentType)
			}
			p := string(tt.rec.Payload())
			if len(p) != tt.payloadLen || !strings.HasPrefix(p, tt.payloadHead) || !strings.HasSuffix(p, tt.payloadTail) {
				t.Errorf("Payload() = %d bytes %.30q...%.30q, want %d bytes %q...%q", len(p), p, p[max(0, len(p)-30):], tt.payloadLen, tt.payloadHead, tt.payloadTail)
			}
			m, err := tt.rec.HTTP()
			if err != nil {
				t.Fatal(err)
			}
			if m.Proto != "HTTP/1.1" || m.Method != "" || !strings.HasPrefix(m.StartLine, "HTTP/1.1 ") {
				t.Errorf("HTTP() = proto %q method %q start %q, want a HTTP/1.1 response", m.Proto, m.Method, m.StartLine)
			}
		})
	}
}

// TestHTTPHeaderDetails checks order, spelling and repeats of a crawled response's header.
func TestHTTPHeaderDetails(t *testing.T) {
	m, err := recordOf(t, ccWARC, TypeResponse).HTTP()
	if err != nil {
		t.Fatal(err)
	}
	if m.StartLine != "HTTP/1.1 200 OK" || m.StatusCode != 200 {
		t.Errorf("start line %q status %d", m.StartLine, m.StatusCode)
	}
	if len(m.Fields) != 27 || m.Fields[0] != (Field{Name: "date", Value: "Sat, 18 May 2024 01:58:10 GMT"}) || m.Fields[26] != (Field{Name: "Content-Length", Value: "72848"}) {
		t.Errorf("Fields: %d, first %q, last %q; want 27 from date to Content-Length", len(m.Fields), m.Fields[0], m.Fields[len(m.Fields)-1])
	}
	if cookies := m.Header.Values("Set-Cookie"); len(cookies) != 5 || !strings.HasPrefix(cookies[0], "WMF-Last-Access=") || !strings.HasPrefix(cookies[4], "NetworkProbeLimit=") {
		t.Errorf("Set-Cookie values %q, want 5 in order", cookies)
	}
	if got := m.Header.Get("Accept-Ch"); got != "" || len(m.Header.Values("Accept-Ch")) != 1 {
		t.Errorf("empty field accept-ch: %q", m.Header.Values("Accept-Ch"))
	}
	if got := m.Header.Get("X-Crawler-Transfer-Encoding"); got != "chunked" {
		t.Errorf("X-Crawler-Transfer-Encoding = %q", got)
	}
}

// TestHTTPRequests checks the request records: method, target, header; no status.
func TestHTTPRequests(t *testing.T) {
	tests := []struct {
		rec                  *Record
		method, target, host string
	}{
		{recordOf(t, ccWARC, TypeRequest), "GET", "/wiki/Escopete", "an.wikipedia.org"},
		{readFile(t, wgetGZ)[1], "GET", "/", "127.0.0.1:36315"},
	}
	for _, tt := range tests {
		m, err := tt.rec.HTTP()
		if err != nil {
			t.Fatal(err)
		}
		if m.Method != tt.method || m.Target != tt.target || m.Proto != "HTTP/1.1" || m.StatusCode != 0 || tt.rec.HTTPStatus() != 0 {
			t.Errorf("%s: %s %s %s status %d", tt.rec.RecordID(), m.Method, m.Target, m.Proto, m.StatusCode)
		}
		if got := tt.rec.HTTPHeaders().Get("Host"); got != tt.host {
			t.Errorf("%s: Host %q, want %q", tt.rec.RecordID(), got, tt.host)
		}
		if len(tt.rec.Payload()) != 0 {
			t.Errorf("%s: a GET has payload %q", tt.rec.RecordID(), tt.rec.Payload())
		}
	}
}

// TestNotHTTP checks records whose block is not an HTTP message: HTTP fails, the payload is
// the whole block.
func TestNotHTTP(t *testing.T) {
	for _, path := range []string{ccWARC, ccWET, ccWAT} {
		rec := recordOf(t, path, TypeWarcinfo)
		if _, err := rec.HTTP(); !errors.Is(err, ErrNotHTTP) || !strings.Contains(err.Error(), path+" at offset 0") || !strings.Contains(err.Error(), "application/warc-fields") {
			t.Errorf("%s: HTTP() error %v, want ErrNotHTTP naming the file, offset and Content-Type", path, err)
		}
		if rec.IsHTTP() || rec.HTTPStatus() != 0 || rec.HTTPHeaders() != nil || string(rec.Payload()) != string(rec.Body) {
			t.Errorf("%s: a warcinfo record reads as HTTP", path)
		}
	}
}

// TestWET checks the conversion record of the WET sample: its text, language and the link to
// the WARC response it was extracted from.
func TestWET(t *testing.T) {
	rec := recordOf(t, ccWET, TypeConversion)
	text := rec.Text()
	if len(text) != 4456 || !strings.HasPrefix(text, "Escopete - Biquipedia, a enciclopedia libre\nIr al contenido\n") || !strings.Contains(text, "閩南語 / Bân-lâm-gú\n") {
		t.Errorf("Text() = %d bytes %.60q", len(text), text)
	}
	if rec.ContentType() != "text/plain" || rec.IdentifiedLanguage() != "spa" || !slices.Equal(rec.Languages(), []string{"spa"}) {
		t.Errorf("Content-Type %q, language %q, languages %q", rec.ContentType(), rec.IdentifiedLanguage(), rec.Languages())
	}
	if response := recordOf(t, ccWARC, TypeResponse); rec.RefersTo() != response.RecordID() {
		t.Errorf("RefersTo() = %q, want the WARC response's ID %q", rec.RefersTo(), response.RecordID())
	}
}

// TestLanguages covers the comma-separated lists of WARC-Identified-Content-Language.
func TestLanguages(t *testing.T) {
	tests := []struct {
		value string
		want  []string
	}{
		{"spa", []string{"spa"}},
		{"eng,fra,deu", []string{"eng", "fra", "deu"}},
		{" eng , fra,,", []string{"eng", "fra"}},
		{"", nil},
	}
	for _, tt := range tests {
		rec := &Record{Headers: []Field{{Name: "WARC-Identified-Content-Language", Value: tt.value}}}
		if got := rec.Languages(); !slices.Equal(got, tt.want) {
			t.Errorf("Languages() of %q = %q, want %q", tt.value, got, tt.want)
		}
	}
}

// TestWAT decodes the JSON of the WAT sample's metadata record.
func TestWAT(t *testing.T) {
	rec := recordOf(t, ccWAT, TypeMetadata)
	if rec.ContentType() != "application/json" {
		t.Errorf("Content-Type %q", rec.ContentType())
	}
	doc, err := rec.JSON()
	if err != nil {
		t.Fatal(err)
	}
	path := func(keys ...string) any {
		var v any = doc
		for _, k := range keys {
			m, ok := v.(map[string]any)
			if !ok {
				return nil
			}
			v = m[k]
		}
		return v
	}
	request := recordOf(t, ccWARC, TypeRequest)
	tests := []struct {
		keys []string
		want any
	}{
		{[]string{"Envelope", "WARC-Header-Metadata", "WARC-Target-URI"}, "https://an.wikipedia.org/wiki/Escopete"},
		{[]string{"Envelope", "WARC-Header-Metadata", "WARC-Type"}, "request"},
		{[]string{"Envelope", "WARC-Header-Metadata", "WARC-Record-ID"}, request.RecordID()},
		{[]string{"Envelope", "Payload-Metadata", "HTTP-Request-Metadata", "Request-Message", "Method"}, "GET"},
		{[]string{"Container", "Compressed"}, true},
		{[]string{"Container", "Offset"}, "80610308"},
	}
	for _, tt := range tests {
		if got := path(tt.keys...); got != tt.want {
			t.Errorf("%s = %v, want %v", strings.Join(tt.keys, " → "), got, tt.want)
		}
	}
	if rec.RefersTo() != request.RecordID() {
		t.Errorf("RefersTo() = %q, want the request's ID %q", rec.RefersTo(), request.RecordID())
	}
	if _, err := recordOf(t, ccWAT, TypeWarcinfo).JSON(); err == nil || !strings.Contains(err.Error(), ccWAT+" at offset 0: record <urn:uuid:b4fe2291-40c2-4492-b4ab-7a7776be6c73>: JSON block") {
		t.Errorf("JSON() of a warcinfo record: %v, want an error naming the file, offset and record", err)
	}
}

// TestAccessorsOnMissingFields checks what the accessors return for a record without fields.
func TestAccessorsOnMissingFields(t *testing.T) {
	rec := &Record{}
	if rec.Type() != "" || rec.TargetURI() != "" || rec.RecordID() != "" || rec.ContentType() != "" ||
		rec.RefersTo() != "" || rec.IdentifiedLanguage() != "" || rec.Languages() != nil ||
		!rec.Date().IsZero() || rec.ContentLength() != -1 || rec.IsHTTP() {
		t.Error("an empty record has field values")
	}
	bad := &Record{Headers: []Field{{Name: "Content-Length", Value: "-3"}}}
	if bad.ContentLength() != -1 {
		t.Errorf("ContentLength() of -3 = %d, want -1", bad.ContentLength())
	}
	var h http.Header = rec.HTTPHeaders()
	if h != nil {
		t.Errorf("HTTPHeaders() of a record without block = %v", h)
	}
}
