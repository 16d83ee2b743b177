package warc

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/http/httputil"
	"strconv"
	"strings"
)

// HTTPMessage is the HTTP request or response that a request or response record holds, as
// Record.HTTP parses it. Parsing is lenient, as crawled headers often are not well formed:
// header lines without a colon are skipped, and a block that ends inside the header yields
// the fields read so far and an empty payload.
type HTTPMessage struct {
	// StartLine is the first line: "HTTP/1.1 200 OK" or "GET /wiki/Escopete HTTP/1.1".
	StartLine string
	// Proto is the protocol version, such as "HTTP/1.1".
	Proto string
	// StatusCode is the status of a response (200, 404, ...); 0 for a request.
	StatusCode int
	// Method and Target are the method and request target of a request; "" for a response.
	Method, Target string
	// Fields holds the header fields in order, with names spelled as recorded.
	Fields []Field
	// Header holds the same fields keyed by canonical name, as net/http does.
	Header http.Header
	// Payload is the entity after the header: de-chunked when the header says
	// "Transfer-Encoding: chunked" and the entity decodes as such (Common Crawl stores
	// payloads already de-chunked and renames the field X-Crawler-Transfer-Encoding); as
	// recorded otherwise. Content-Encoding (gzip, br, ...) is not undone.
	Payload []byte
}

// parseHTTP parses an HTTP message: start line, header fields up to an empty line, payload.
func parseHTTP(block []byte) (*HTTPMessage, error) {
	head, payload, found := cutHeader(block)
	lines := strings.Split(string(head), "\n")
	m := &HTTPMessage{StartLine: strings.TrimRight(lines[0], "\r"), Header: http.Header{}}
	if err := m.parseStartLine(); err != nil {
		return nil, err
	}
	for _, line := range lines[1:] {
		line = strings.TrimRight(line, "\r")
		if line == "" {
			continue
		}
		if (line[0] == ' ' || line[0] == '\t') && len(m.Fields) > 0 { // obsolete line folding
			last := &m.Fields[len(m.Fields)-1]
			last.Value = strings.TrimSpace(last.Value + " " + strings.TrimSpace(line))
			continue
		}
		name, value, ok := strings.Cut(line, ":")
		name = strings.TrimSpace(name)
		if !ok || name == "" {
			continue
		}
		m.Fields = append(m.Fields, Field{Name: name, Value: strings.TrimSpace(value)})
	}
	for _, f := range m.Fields {
		m.Header.Add(f.Name, f.Value)
	}
	if found {
		m.Payload = payload
		if isChunked(m.Header) {
			if dechunked, err := io.ReadAll(httputil.NewChunkedReader(bytes.NewReader(payload))); err == nil {
				m.Payload = dechunked
			}
		}
	}
	return m, nil
}

// cutHeader splits an HTTP message at the first empty line (CRLF or bare LF line endings);
// found is false when there is none, and then the whole block is header.
func cutHeader(block []byte) (head, payload []byte, found bool) {
	for i := 0; i < len(block); i++ {
		if block[i] != '\n' {
			continue
		}
		switch {
		case i+1 < len(block) && block[i+1] == '\n':
			return block[:i], block[i+2:], true
		case i+2 < len(block) && block[i+1] == '\r' && block[i+2] == '\n':
			return block[:i], block[i+3:], true
		}
	}
	return block, nil, false
}

// parseStartLine fills Proto and StatusCode (responses) or Method and Target (requests) from
// StartLine.
func (m *HTTPMessage) parseStartLine() error {
	if strings.HasPrefix(m.StartLine, "HTTP/") { // "HTTP/1.1 200 OK", the reason may be empty
		proto, rest, _ := strings.Cut(m.StartLine, " ")
		code, _, _ := strings.Cut(strings.TrimLeft(rest, " "), " ")
		status, err := strconv.Atoi(code)
		if err != nil || len(code) != 3 {
			return fmt.Errorf("bad HTTP status line %q", shorten(m.StartLine))
		}
		m.Proto, m.StatusCode = proto, status
		return nil
	}
	parts := strings.Fields(m.StartLine) // "GET /path HTTP/1.1"
	if len(parts) != 3 || !strings.HasPrefix(parts[2], "HTTP/") {
		return errors.New("block does not start with an HTTP request or status line: " + strconv.Quote(shorten(m.StartLine)))
	}
	m.Method, m.Target, m.Proto = parts[0], parts[1], parts[2]
	return nil
}

// isChunked reports whether the last transfer coding named by the header is chunked.
func isChunked(h http.Header) bool {
	codings := h.Values("Transfer-Encoding")
	if len(codings) == 0 {
		return false
	}
	last := codings[len(codings)-1]
	if i := strings.LastIndexByte(last, ','); i >= 0 {
		last = last[i+1:]
	}
	return strings.EqualFold(strings.TrimSpace(last), "chunked")
}

// shorten cuts a string for quoting in an error message.
func shorten(s string) string {
	const max = 60
	if len(s) <= max {
		return s
	}
	return s[:max] + "..."
}
