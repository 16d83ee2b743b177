package warc

import (
	"errors"
	"slices"
	"strings"
	"testing"
)

// TestHTTPParsing covers HTTP messages the samples do not: bare LF line endings, folded and
// colon-less lines, a header cut short, bad start lines, chunked payloads good and bad.
func TestHTTPParsing(t *testing.T) {
	tests := []struct {
		name    string
		block   string
		status  int
		fields  []Field
		payload string
		wantErr bool
	}{
		{"bare LF", "HTTP/1.0 301 Moved\nLocation: /x\n\nbody", 301, []Field{{"Location", "/x"}}, "body", false},
		{"empty reason", "HTTP/1.1 204\r\nA: 1\r\n\r\n", 204, []Field{{"A", "1"}}, "", false},
		{"HTTP/2", "HTTP/2 200\r\n\r\nx", 200, nil, "x", false},
		{"folded line", "HTTP/1.1 200 OK\r\nA: one\r\n two\r\nB: 3\r\n\r\n", 200, []Field{{"A", "one two"}, {"B", "3"}}, "", false},
		{"line without colon skipped", "HTTP/1.1 200 OK\r\nnonsense\r\nB: 3\r\n\r\nz", 200, []Field{{"B", "3"}}, "z", false},
		{"header cut short", "HTTP/1.1 200 OK\r\nA: 1\r\nB: tru", 200, []Field{{"A", "1"}, {"B", "tru"}}, "", false},
		{"chunked", "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n5\r\nhello\r\n6\r\n world\r\n0\r\n\r\n", 200,
			[]Field{{"Transfer-Encoding", "chunked"}}, "hello world", false},
		{"chunked but not", "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\nhello", 200,
			[]Field{{"Transfer-Encoding", "chunked"}}, "hello", false},
		{"gzip, chunked", "HTTP/1.1 200 OK\r\nTransfer-Encoding: gzip, chunked\r\n\r\n1\r\nx\r\n0\r\n\r\n", 200,
			[]Field{{"Transfer-Encoding", "gzip, chunked"}}, "x", false},
		{"bad status", "HTTP/1.1 OK\r\n\r\n", 0, nil, "", true},
		{"not HTTP", "<html>hello</html>", 0, nil, "", true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			rec := &Record{
				Headers: []Field{{"WARC-Record-ID", "<urn:test>"}, {"Content-Type", "application/http; msgtype=response"}},
				Body:    []byte(tt.block),
				Offset:  42,
				path:    "x.warc",
			}
			m, err := rec.HTTP()
			if tt.wantErr {
				if !errors.Is(err, ErrNotHTTP) || !strings.Contains(err.Error(), "warc: x.warc at offset 42: record <urn:test>") {
					t.Errorf("HTTP() error %v, want ErrNotHTTP naming the file, offset and record", err)
				}
				if rec.HTTPStatus() != 0 || rec.HTTPHeaders() != nil || rec.Payload() != nil {
					t.Errorf("unparsable message: status %d, headers %v, payload %q", rec.HTTPStatus(), rec.HTTPHeaders(), rec.Payload())
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if m.StatusCode != tt.status || !slices.Equal(m.Fields, tt.fields) || string(m.Payload) != tt.payload {
				t.Errorf("got status %d fields %q payload %q, want %d %q %q", m.StatusCode, m.Fields, m.Payload, tt.status, tt.fields, tt.payload)
			}
			for _, f := range tt.fields {
				if got := m.Header.Get(f.Name); got != f.Value {
					t.Errorf("Header.Get(%s) = %q, want %q", f.Name, got, f.Value)
				}
			}
			if again, _ := rec.HTTP(); again != m {
				t.Error("HTTP() parsed the block again instead of returning its cached result")
			}
		})
	}
}
