package warc

import (
	"bytes"
	"compress/gzip"
	"context"
	"errors"
	"fmt"
	"strings"
	"testing"

	kgzip "github.com/klauspost/compress/gzip"
)

// record returns a well-formed plain WARC record with the given ID and block.
func record(id, block string) string {
	return fmt.Sprintf("WARC/1.0\r\nWARC-Type: resource\r\nWARC-Record-ID: <%s>\r\nContent-Length: %d\r\n\r\n%s\r\n\r\n", id, len(block), block)
}

// TestReadErrors feeds damaged files to a Reader: each yields its good records, then an
// error that names the file and the offset of the damaged record (or gzip member), with a
// cause errors.Is can test, and then the same error again.
func TestReadErrors(t *testing.T) {
	good := record("urn:good", "hello")
	goodGz := gzipMember(t, good)
	cc := readTestFile(t, ccWARC)

	checksumBroken := bytes.Clone(cc)
	checksumBroken[18374-8] ^= 0xff // the CRC-32 in the trailer of the response's member
	deflateBroken := bytes.Clone(cc)
	for i := 1023 + 100; i < 1023+140; i++ { // garble the response's compressed data
		deflateBroken[i] ^= 0x55
	}

	tests := []struct {
		name     string
		file     string // name of the file written, its suffix as real files have it
		data     []byte
		goodRecs int    // records read before the error
		offset   int64  // in the error
		cause    error  // errors.Is(err, cause)
		message  string // in the error's message
	}{
		{"garbage", "junk.warc", []byte("this is not a WARC file\nat all\n"), 0, 0, ErrBadVersion,
			`bad version line "this is not a WARC file": not the start of a WARC record`},
		{"garbage compressed", "junk.warc.gz", gzipMember(t, "<html>no</html>"), 0, 0, ErrBadVersion, `"<html>no</html>"`},
		{"bad version number", "v.warc", []byte(good + "WARC/one\r\nContent-Length: 0\r\n\r\n\r\n\r\n"), 1, int64(len(good)), ErrBadVersion, `"WARC/one"`},
		{"endless version line", "v.warc", []byte("WARC/1.0" + strings.Repeat("0", 100)), 0, 0, ErrBadVersion, "longer than 64 bytes"},
		{"missing Content-Length", "nocl.warc", []byte(good + "WARC/1.0\r\nWARC-Type: resource\r\n\r\nblock\r\n\r\n"), 1, int64(len(good)),
			ErrMissingContentLength, "record has no Content-Length"},
		{"missing Content-Length in a member", "nocl.warc.gz", append(bytes.Clone(goodGz), gzipMember(t, "WARC/1.0\r\nWARC-Type: resource\r\n\r\n\r\n\r\n")...), 1,
			int64(len(goodGz)), ErrMissingContentLength, "record has no Content-Length"},
		{"bad Content-Length", "cl.warc", []byte("WARC/1.0\r\nContent-Length: 12abc\r\n\r\n"), 0, 0, ErrBadHeader, `Content-Length "12abc"`},
		{"negative Content-Length", "cl.warc", []byte("WARC/1.0\r\nContent-Length: -1\r\n\r\n"), 0, 0, ErrBadHeader, `Content-Length "-1"`},
		{"header line without colon", "h.warc", []byte(good + "WARC/1.0\r\nWARC-Type resource\r\nContent-Length: 0\r\n\r\n"), 1, int64(len(good)),
			ErrBadHeader, `header line "WARC-Type resource" is not "Name: value"`},
		{"header block too long", "h.warc", []byte("WARC/1.0\r\nX: " + strings.Repeat("x", maxHeaderBytes) + "\r\n"), 0, 0, ErrBadHeader, "header block longer than"},
		{"file ends in the header", "h.warc", []byte(good + "WARC/1.0\r\nWARC-Type: resource\r\n"), 1, int64(len(good)), ErrTruncated, "file ends inside the record header"},
		{"member ends in the header", "h.warc.gz", append(bytes.Clone(goodGz), gzipMember(t, "WARC/1.0\r\nWARC-Type: res")...), 1, int64(len(goodGz)),
			ErrTruncated, "gzip member ends inside the record header"},
		{"file ends in the block", "short.warc", []byte(good + "WARC/1.0\r\nContent-Length: 100\r\n\r\nonly this"), 1, int64(len(good)), ErrTruncated,
			"file ends after 9 of the block's 100 bytes (Content-Length)"},
		{"member ends in the block", "short.warc.gz", append(bytes.Clone(goodGz), gzipMember(t, "WARC/1.0\r\nContent-Length: 100\r\n\r\nonly this")...), 1, int64(len(goodGz)),
			ErrTruncated, "gzip member ends after 9 of the block's 100 bytes"},
		{"member cut off in the block", "cut.warc.gz", cc[:10000], 2, 1023, ErrTruncated, "gzip member cut off after"},
		{"member cut off in its gzip header", "cut.warc.gz", cc[:1023+5], 2, 1023, ErrTruncated, "gzip member cut off in the gzip header"},
		{"member cut off in its trailer", "cut.warc.gz", cc[:18374-3], 2, 1023, ErrTruncated, "gzip member cut off"},
		{"bad checksum", "crc.warc.gz", checksumBroken, 2, 1023, kgzip.ErrChecksum, "corrupt gzip member"},
		{"corrupt deflate data", "bad.warc.gz", deflateBroken, 2, 1023, nil, "corrupt gzip member"},
		{"garbage after the last member", "tail.warc.gz", append(bytes.Clone(cc), "trailing junk"...), 4, 18857, kgzip.ErrHeader,
			"corrupt gzip member (in the gzip header)"},
		{"plain record after the members", "mixed.warc.gz", append(bytes.Clone(goodGz), good...), 1, int64(len(goodGz)), kgzip.ErrHeader, "corrupt gzip member"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			path := writeTemp(t, tt.file, tt.data)
			r, err := Open(context.Background(), path)
			if err != nil {
				t.Fatal(err)
			}
			defer r.Close()
			recs, err := readAll(r)
			if err == nil {
				t.Fatalf("read %d records without error", len(recs))
			}
			if len(recs) != tt.goodRecs {
				t.Errorf("read %d good records before the error, want %d", len(recs), tt.goodRecs)
			}
			want := fmt.Sprintf("warc: %s at offset %d: ", path, tt.offset)
			if !strings.HasPrefix(err.Error(), want) || !strings.Contains(err.Error(), tt.message) {
				t.Errorf("error %q\nwant it to start with %q and contain %q", err, want, tt.message)
			}
			var e *Error
			if !errors.As(err, &e) || e.Path != path || e.Offset != tt.offset {
				t.Errorf("error %#v is not an *Error with Path %s and Offset %d", err, path, tt.offset)
			}
			if tt.cause != nil && !errors.Is(err, tt.cause) {
				t.Errorf("error %q does not wrap %q", err, tt.cause)
			}
			if _, again := r.Next(); again != err {
				t.Errorf("Next after the error returned %v, want the same error", again)
			}
		})
	}
}

// TestStreamErrors checks errors of a Reader made by NewReader: without a Path the message
// gives the offset alone, with one it names it; a failing stream's own error is the cause.
func TestStreamErrors(t *testing.T) {
	good := record("urn:good", "hello")
	r := NewReader(strings.NewReader(good + "garbage\n"))
	_, err := readAll(r)
	if want := fmt.Sprintf("warc: at offset %d: bad version line", len(good)); err == nil || !strings.HasPrefix(err.Error(), want) {
		t.Errorf("error %v, want it to start with %q", err, want)
	}

	r = NewReader(&failingReader{data: []byte(good + "WARC/1.0\r\nContent-Len"), err: errNetwork})
	r.Path = "http://example.com/x.warc"
	recs, err := readAll(r)
	if want := fmt.Sprintf("warc: http://example.com/x.warc at offset %d: ", len(good)); len(recs) != 1 || !errors.Is(err, errNetwork) || !strings.HasPrefix(err.Error(), want) {
		t.Errorf("read %d records, error %v; want 1 and the stream's error prefixed by %q", len(recs), err, want)
	}

	var gz bytes.Buffer
	zw := gzip.NewWriter(&gz)
	zw.Write([]byte(good + good))
	zw.Close()
	r = NewReader(&failingReader{data: gz.Bytes()[:gz.Len()/2], err: errNetwork})
	if _, err := readAll(r); !errors.Is(err, errNetwork) || !strings.HasPrefix(err.Error(), "warc: at offset 0: ") {
		t.Errorf("gzip stream failing: %v, want the stream's error at offset 0", err)
	}
}
