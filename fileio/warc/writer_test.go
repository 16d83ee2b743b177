package warc

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"math/rand/v2"
	"slices"
	"strings"
	"testing"
)

// writtenRecord is one record given to a Writer in the round-trip tests.
type writtenRecord struct {
	headers []Field
	block   []byte
}

// roundTripRecords returns records of every shape: empty, binary and large blocks, repeated
// fields, a Content-Length to be corrected, a digest given by the caller.
func roundTripRecords() []writtenRecord {
	rng := rand.New(rand.NewPCG(1, 2))
	binary := make([]byte, 300<<10)
	for i := range binary {
		binary[i] = byte(rng.UintN(256))
	}
	return []writtenRecord{
		{[]Field{{Name: "WARC-Type", Value: "warcinfo"}, {Name: "WARC-Record-ID", Value: "<urn:uuid:0>"}, {Name: "Content-Type", Value: "application/warc-fields"}}, []byte("software: gosparkling\r\n")},
		{[]Field{{Name: "WARC-Type", Value: "request"}, {Name: "WARC-Target-URI", Value: "http://example.com/"}, {Name: "Content-Type", Value: "application/http; msgtype=request"}},
			[]byte("GET / HTTP/1.1\r\nHost: example.com\r\n\r\n")},
		{[]Field{{Name: "WARC-Type", Value: "response"}, {Name: "WARC-Concurrent-To", Value: "<urn:uuid:1>"}, {Name: "WARC-Concurrent-To", Value: "<urn:uuid:2>"}, {Name: "Content-Type", Value: "application/http; msgtype=response"}},
			[]byte("HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\n\r\nhello\r\n\r\n")}, // a block ending in blank lines
		{[]Field{{Name: "WARC-Type", Value: "resource"}, {Name: "Content-Length", Value: "999"}, {Name: "WARC-Date", Value: "2024-01-02T03:04:05Z"}}, nil},
		{[]Field{{Name: "WARC-Type", Value: "resource"}, {Name: "WARC-Block-Digest", Value: "sha1:GIVEN"}}, binary},
		{[]Field{{Name: "WARC-Type", Value: "conversion"}, {Name: "WARC-Identified-Content-Language", Value: "eng,fra"}}, []byte("\r\n\n starts and ends with line breaks\n\r\n")},
	}
}

// wantHeaders returns the fields a Writer writes for a record: the given ones with
// Content-Length set (in place or at the end), plus the block digest when asked.
func wantHeaders(rec writtenRecord, digest bool) []Field {
	var fs []Field
	hasLength, hasDigest := false, false
	for _, f := range rec.headers {
		switch f.Name {
		case "Content-Length":
			f.Value, hasLength = fmt.Sprint(len(rec.block)), true
		case "WARC-Block-Digest":
			hasDigest = true
		}
		fs = append(fs, f)
	}
	if !hasLength {
		fs = append(fs, Field{Name: "Content-Length", Value: fmt.Sprint(len(rec.block))})
	}
	if digest && !hasDigest {
		fs = append(fs, Field{Name: "WARC-Block-Digest", Value: BlockDigest(rec.block)})
	}
	return fs
}

// TestWriterRoundTrip writes records plain and gzip-per-record, with and without digests,
// and reads them back: same fields, same blocks, at the offsets and lengths WriteRecord
// reported, each readable alone from its range. The gzip file must also decompress (with
// the standard library) to exactly the plain file.
func TestWriterRoundTrip(t *testing.T) {
	records := roundTripRecords()
	outputs := map[bool][]byte{}
	for _, gz := range []bool{false, true} {
		for _, digest := range []bool{false, true} {
			t.Run(fmt.Sprintf("gzip=%v,digest=%v", gz, digest), func(t *testing.T) {
				var b bytes.Buffer
				w := NewWriter(&b, gz)
				w.BlockDigest = digest
				var places [][2]int64
				for _, rec := range records {
					off, n, err := w.WriteRecord(rec.headers, rec.block)
					if err != nil {
						t.Fatal(err)
					}
					places = append(places, [2]int64{off, n})
				}
				if !digest {
					outputs[gz] = b.Bytes()
				}
				name := "rt.warc"
				if gz {
					name += ".gz"
				}
				path := writeTemp(t, name, b.Bytes())
				got := readFile(t, path)
				if len(got) != len(records) {
					t.Fatalf("read %d records, want %d", len(got), len(records))
				}
				for i, rec := range got {
					if rec.Version != "WARC/1.1" || !slices.Equal(rec.Headers, wantHeaders(records[i], digest)) || !bytes.Equal(rec.Body, records[i].block) {
						t.Errorf("record %d: %s %q with %d bytes, want %q with %d", i, rec.Version, rec.Headers, len(rec.Body), wantHeaders(records[i], digest), len(records[i].block))
					}
					if [2]int64{rec.Offset, rec.Length} != places[i] {
						t.Errorf("record %d read at %d+%d, written at %v", i, rec.Offset, rec.Length, places[i])
					}
					alone, err := ReadRecordAt(context.Background(), path, rec.Offset, rec.Length)
					if err != nil || !bytes.Equal(alone.Body, rec.Body) || !slices.Equal(alone.Headers, rec.Headers) {
						t.Errorf("record %d: ReadRecordAt: %v", i, err)
					}
				}
				if end := places[len(places)-1]; end[0]+end[1] != int64(b.Len()) {
					t.Errorf("the last record ends at %d, the output at %d", end[0]+end[1], b.Len())
				}
			})
		}
	}
	if plain, gz := outputs[false], outputs[true]; !bytes.Equal(gunzipAll(t, gz), plain) {
		t.Error("the gzip-per-record output does not decompress to the plain output")
	}
}

// TestWriterVersion checks the version line: WARC/1.1 by default, changeable, validated.
func TestWriterVersion(t *testing.T) {
	var b bytes.Buffer
	w := NewWriter(&b, false)
	w.Version = "WARC/1.0"
	if _, _, err := w.WriteRecord([]Field{{Name: "WARC-Type", Value: "resource"}}, []byte("x")); err != nil {
		t.Fatal(err)
	}
	if want := "WARC/1.0\r\nWARC-Type: resource\r\nContent-Length: 1\r\n\r\nx\r\n\r\n"; b.String() != want {
		t.Errorf("wrote %q, want %q", b.String(), want)
	}
	w.Version = "WARC 1.0"
	if _, _, err := w.WriteRecord(nil, nil); err == nil || !strings.Contains(err.Error(), `"WARC 1.0"`) {
		t.Errorf("bad version: %v", err)
	}
}

// TestWriterRefusesBadFields checks that fields that would not read back are refused before
// anything is written, and that the Writer stays usable.
func TestWriterRefusesBadFields(t *testing.T) {
	tests := []struct {
		field Field
		want  string
	}{
		{Field{Name: "", Value: "x"}, `header field name ""`},
		{Field{Name: "Bad Name", Value: "x"}, `header field name "Bad Name"`},
		{Field{Name: "Bad:Name", Value: "x"}, `header field name "Bad:Name"`},
		{Field{Name: "X-Control\x01", Value: "x"}, `header field name "X-Control\x01"`},
		{Field{Name: "X-Injected", Value: "x\r\nWARC-Type: evil"}, "value of header field X-Injected holds a line break"},
		{Field{Name: "X-Injected", Value: "x\nmore"}, "value of header field X-Injected holds a line break"},
	}
	var b bytes.Buffer
	w := NewWriter(&b, true)
	for _, tt := range tests {
		if _, _, err := w.WriteRecord([]Field{{Name: "WARC-Type", Value: "resource"}, tt.field}, []byte("x")); err == nil || !strings.Contains(err.Error(), tt.want) {
			t.Errorf("field %q: error %v, want it to contain %q", tt.field, err, tt.want)
		}
	}
	if b.Len() != 0 {
		t.Errorf("refused records wrote %d bytes", b.Len())
	}
	if off, _, err := w.WriteRecord([]Field{{Name: "WARC-Type", Value: "resource"}}, []byte("x")); err != nil || off != 0 {
		t.Errorf("after refusals: offset %d, error %v", off, err)
	}
}

// TestWriterWriteError checks that a failing output stops the Writer with an error naming
// the record's offset.
func TestWriterWriteError(t *testing.T) {
	for _, gz := range []bool{false, true} {
		out := &limitedWriter{room: 400}
		w := NewWriter(out, gz)
		block := bytes.Repeat([]byte("all work and no play "), 10)
		_, n, err := w.WriteRecord([]Field{{Name: "WARC-Type", Value: "resource"}}, block)
		if err != nil {
			t.Fatalf("gzip %v: first record: %v", gz, err)
		}
		_, _, err = w.WriteRecord([]Field{{Name: "WARC-Type", Value: "resource"}}, roundTripRecords()[4].block) // 300 KiB of random bytes
		if want := fmt.Sprintf("warc: writing the record at offset %d: ", n); !errors.Is(err, errDiskFull) || !strings.HasPrefix(err.Error(), want) {
			t.Errorf("gzip %v: error %v, want %q and disk full", gz, err, want)
		}
		if _, _, again := w.WriteRecord(nil, nil); again != err {
			t.Errorf("gzip %v: after a write error WriteRecord returned %v", gz, again)
		}
	}
}

var errDiskFull = errors.New("disk full")

// limitedWriter accepts room bytes, then fails.
type limitedWriter struct{ room int }

func (l *limitedWriter) Write(p []byte) (int, error) {
	if len(p) > l.room {
		n := l.room
		l.room = 0
		return n, errDiskFull
	}
	l.room -= len(p)
	return len(p), nil
}

// TestBlockDigest checks the digest against one Common Crawl computed.
func TestBlockDigest(t *testing.T) {
	rec := recordOf(t, ccWARC, TypeResponse)
	if got, want := BlockDigest(rec.Body), "sha1:35FTUGFVNWRVTZQGCWIX2MQA3LMYC7X7"; got != want {
		t.Errorf("BlockDigest = %s, want %s", got, want)
	}
	if got, want := BlockDigest(nil), "sha1:3I42H3S6NNFQ2MSVX7XZKYAYSCX5QBYJ"; got != want {
		t.Errorf("BlockDigest(empty) = %s, want %s", got, want)
	}
}
