package warc

import (
	"bytes"
	"compress/gzip" // the standard library's, to check member boundaries independently
	"context"
	"errors"
	"io"
	"io/fs"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/gosparkling/gosparkling/fileio"
)

// wantRecord is what a sample file's record must read as.
type wantRecord struct {
	typ, uri, id  string
	date          string // WARC-Date as written
	contentLength int64
	offset        int64 // of the gzip member, as measured with Python's zlib
	length        int64 // compressed length of the member
}

var samples = []struct {
	path    string
	version string
	records []wantRecord
}{
	{ccWARC, "WARC/1.0", []wantRecord{
		{"warcinfo", "", "<urn:uuid:668d88fc-4208-41fc-b327-1aa6cb783331>", "2024-05-17T23:31:22Z", 486, 0, 516},
		{"request", "https://an.wikipedia.org/wiki/Escopete", "<urn:uuid:292f457d-203c-42f2-a1b5-69a4dabefd4f>", "2024-05-18T01:58:10Z", 265, 516, 507},
		{"response", "https://an.wikipedia.org/wiki/Escopete", "<urn:uuid:2aabeff2-67f5-4608-8466-e87c6296e2b6>", "2024-05-18T01:58:10Z", 74581, 1023, 17351},
		{"metadata", "https://an.wikipedia.org/wiki/Escopete", "<urn:uuid:c9ede96e-7ed2-4d17-8b6b-fb3d240f4442>", "2024-05-18T01:58:10Z", 201, 18374, 483},
	}},
	{ccWET, "WARC/1.0", []wantRecord{
		{"warcinfo", "", "<urn:uuid:5327826b-b3d8-426e-938d-cf3318afe8e9>", "2024-05-31T01:16:46Z", 368, 0, 466},
		{"conversion", "https://an.wikipedia.org/wiki/Escopete", "<urn:uuid:ba729a40-ff84-4085-8d48-0a5b2ee0c42d>", "2024-05-18T01:58:10Z", 4456, 466, 2540},
	}},
	{ccWAT, "WARC/1.0", []wantRecord{
		{"warcinfo", "", "<urn:uuid:b4fe2291-40c2-4492-b4ab-7a7776be6c73>", "2024-05-31T01:16:45Z", 278, 0, 443},
		{"metadata", "https://an.wikipedia.org/wiki/Escopete", "<urn:uuid:3d3f4785-c69a-4f8c-968c-d23302c55ef4>", "2024-05-31T01:17:49Z", 1386, 443, 918},
	}},
	{wgetGZ, "WARC/1.0", []wantRecord{
		{"warcinfo", "", "<urn:uuid:fd626430-112b-42c0-ba1e-156f174939ac>", "2026-11-24T11:47:31Z", 291, 0, 441},
		{"request", "http://127.0.0.1:36315/", "<urn:uuid:e7906e9b-99e6-4c73-ad51-532af160fddd>", "2026-11-24T11:47:31Z", 130, 441, 395},
		{"response", "http://127.0.0.1:36315/", "<urn:uuid:27482136-20d2-4b73-9b1f-d083f2a294eb>", "2026-11-24T11:47:31Z", 322, 836, 583},
		{"request", "http://127.0.0.1:36315/robots.txt", "<urn:uuid:d90d29e9-18e6-4d7a-a414-fe01d8e66d78>", "2026-11-24T11:47:31Z", 140, 1419, 405},
		{"response", "http://127.0.0.1:36315/robots.txt", "<urn:uuid:82861187-338d-4b17-90b9-0290ecc5173d>", "2026-11-24T11:47:31Z", 176, 1824, 491},
		{"request", "http://127.0.0.1:36315/page2.html", "<urn:uuid:f4a6faa7-5ef1-4730-a587-5253f64a8260>", "2026-11-24T11:47:31Z", 174, 2315, 417},
		{"response", "http://127.0.0.1:36315/page2.html", "<urn:uuid:50357cac-567e-45fa-a7fe-aa810be49f2d>", "2026-11-24T11:47:31Z", 227, 2732, 543},
		{"request", "http://127.0.0.1:36315/chunked.txt", "<urn:uuid:254f2eee-61db-4358-8807-1f9659b45d5e>", "2026-11-24T11:47:31Z", 175, 3275, 419},
		{"response", "http://127.0.0.1:36315/chunked.txt", "<urn:uuid:9b244318-5461-4f2d-8dcb-bfde8a95cc94>", "2026-11-24T11:47:31Z", 184, 3694, 494},
		{"metadata", "metadata://gnu.org/software/wget/warc/MANIFEST.txt", "<urn:uuid:b2b282f8-eca0-4c14-9247-7bdf732cd617>", "2026-11-24T11:47:31Z", 48, 4188, 315},
		{"resource", "metadata://gnu.org/software/wget/warc/wget_arguments.txt", "<urn:uuid:225c350c-0243-4f83-ad0c-9f18e7e4d81c>", "2026-11-24T11:47:31Z", 111, 4503, 425},
		{"resource", "metadata://gnu.org/software/wget/warc/wget.log", "<urn:uuid:48ed4ae6-9bfc-4fd8-a4e6-6c397a5f5dfa>", "2026-11-24T11:47:31Z", 434, 4928, 533},
	}},
}

// TestSamples reads every record of the Common Crawl and wget samples and checks its type,
// target URI, ID, date, block length and place in the file.
func TestSamples(t *testing.T) {
	for _, s := range samples {
		t.Run(s.path, func(t *testing.T) {
			recs := readFile(t, s.path)
			if len(recs) != len(s.records) {
				t.Fatalf("got %d records, want %d", len(recs), len(s.records))
			}
			for i, want := range s.records {
				rec := recs[i]
				wantDate, err := time.Parse(time.RFC3339, want.date)
				if err != nil {
					t.Fatal(err)
				}
				got := wantRecord{rec.Type(), rec.TargetURI(), rec.RecordID(), rec.Header("WARC-Date"), rec.ContentLength(), rec.Offset, rec.Length}
				if got != want {
					t.Errorf("record %d:\n got %+v\nwant %+v", i, got, want)
				}
				if rec.Version != s.version {
					t.Errorf("record %d: Version %q, want %q", i, rec.Version, s.version)
				}
				if !rec.Date().Equal(wantDate) {
					t.Errorf("record %d: Date() = %v, want %v", i, rec.Date(), wantDate)
				}
				if int64(len(rec.Body)) != want.contentLength || rec.BodyTruncated {
					t.Errorf("record %d: Body has %d bytes (truncated %v), want %d", i, len(rec.Body), rec.BodyTruncated, want.contentLength)
				}
			}
		})
	}
}

// TestSampleDigests recomputes the SHA-1 digests the writers stored: every block must match
// its WARC-Block-Digest, every payload its WARC-Payload-Digest. wget digests the payload of a
// chunked response as recorded, before de-chunking, so that one is checked on the raw entity.
func TestSampleDigests(t *testing.T) {
	for _, s := range samples {
		blocks, payloads := 0, 0
		for _, rec := range readFile(t, s.path) {
			if want := rec.Header("WARC-Block-Digest"); want != "" {
				blocks++
				if got := BlockDigest(rec.Body); got != want {
					t.Errorf("%s %s: block digest %s, want %s", s.path, rec.RecordID(), got, want)
				}
			}
			if want := rec.Header("WARC-Payload-Digest"); want != "" {
				payloads++
				payload := rec.Payload()
				if m, err := rec.HTTP(); err == nil && m.Header.Get("Transfer-Encoding") == "chunked" {
					_, payload, _ = bytes.Cut(rec.Body, []byte("\r\n\r\n"))
				}
				if got := BlockDigest(payload); got != want {
					t.Errorf("%s %s: payload digest %s, want %s", s.path, rec.RecordID(), got, want)
				}
			}
		}
		if blocks != len(s.records) || payloads == 0 {
			t.Errorf("%s: %d block digests and %d payload digests checked; want one per record and some payloads", s.path, blocks, payloads)
		}
	}
}

// TestRecordRanges checks that [Offset, Offset+Length) of every record is exactly one gzip
// member (decoded by the standard library, which stops at the member's end) holding that
// record alone, and that ReadRecordAt reads the same record from that range.
func TestRecordRanges(t *testing.T) {
	ctx := context.Background()
	for _, s := range samples {
		fsys, err := fileio.For(s.path)
		if err != nil {
			t.Fatal(err)
		}
		for _, rec := range readFile(t, s.path) {
			f, err := fsys.OpenRange(ctx, s.path, rec.Offset, rec.Length)
			if err != nil {
				t.Fatal(err)
			}
			raw, err := io.ReadAll(f)
			f.Close()
			if err != nil {
				t.Fatal(err)
			}
			if int64(len(raw)) != rec.Length {
				t.Fatalf("%s at %d: range holds %d bytes, want %d", s.path, rec.Offset, len(raw), rec.Length)
			}
			src := bytes.NewReader(raw)
			zr, err := gzip.NewReader(src)
			if err != nil {
				t.Fatalf("%s at %d: range does not start with a gzip member: %v", s.path, rec.Offset, err)
			}
			zr.Multistream(false)
			member, err := io.ReadAll(zr)
			if err != nil {
				t.Fatalf("%s at %d: %v", s.path, rec.Offset, err)
			}
			if src.Len() != 0 {
				t.Errorf("%s at %d: the member ends %d bytes before the range", s.path, rec.Offset, src.Len())
			}
			alone, err := readAll(NewReader(bytes.NewReader(member)))
			if err != nil || len(alone) != 1 || alone[0].RecordID() != rec.RecordID() || !bytes.Equal(alone[0].Body, rec.Body) {
				t.Errorf("%s at %d: the member holds %d records (err %v), want only %s", s.path, rec.Offset, len(alone), err, rec.RecordID())
			}

			again, err := ReadRecordAt(ctx, s.path, rec.Offset, rec.Length)
			if err != nil {
				t.Fatal(err)
			}
			if again.Offset != rec.Offset || again.Length != rec.Length || again.RecordID() != rec.RecordID() || !bytes.Equal(again.Body, rec.Body) {
				t.Errorf("ReadRecordAt(%s, %d, %d) read %s at %d+%d, want %s", s.path, rec.Offset, rec.Length, again.RecordID(), again.Offset, again.Length, rec.RecordID())
			}
		}
	}
}

// TestPlainWARC reads the Common Crawl sample decompressed (a .warc file): the same records,
// at the offsets of the uncompressed records (Python-measured member sizes 807, 744, 75174
// and 707 bytes), each readable alone from its byte range.
func TestPlainWARC(t *testing.T) {
	plain := writeTemp(t, "whirlwind.warc", gunzipAll(t, readTestFile(t, ccWARC)))
	compressed := readFile(t, ccWARC)
	recs := readFile(t, plain)
	wantPlaces := [][2]int64{{0, 807}, {807, 744}, {1551, 75174}, {76725, 707}}
	if len(recs) != len(wantPlaces) {
		t.Fatalf("got %d records, want %d", len(recs), len(wantPlaces))
	}
	for i, rec := range recs {
		if got := [2]int64{rec.Offset, rec.Length}; got != wantPlaces[i] {
			t.Errorf("record %d at %v, want %v", i, got, wantPlaces[i])
		}
		if rec.RecordID() != compressed[i].RecordID() || !bytes.Equal(rec.Body, compressed[i].Body) || len(rec.Headers) != len(compressed[i].Headers) {
			t.Errorf("record %d differs from the compressed file's", i)
		}
		alone, err := ReadRecordAt(context.Background(), plain, rec.Offset, rec.Length)
		if err != nil {
			t.Fatal(err)
		}
		if alone.RecordID() != rec.RecordID() || alone.Length != rec.Length {
			t.Errorf("ReadRecordAt(%d, %d) read %s of length %d, want %s", rec.Offset, rec.Length, alone.RecordID(), alone.Length, rec.RecordID())
		}
	}
}

// TestWholeFileGzip reads a .warc.gz compressed as one gzip stream (gzip file.warc): the
// records are all there, but no byte range holds one alone, so Offset is the member's start
// (0) and Length is -1.
func TestWholeFileGzip(t *testing.T) {
	plain := gunzipAll(t, readTestFile(t, ccWARC))
	path := writeTemp(t, "whole.warc.gz", gzipMember(t, string(plain)))
	recs := readFile(t, path)
	want := samples[0].records
	if len(recs) != len(want) {
		t.Fatalf("got %d records, want %d", len(recs), len(want))
	}
	for i, rec := range recs {
		if rec.RecordID() != want[i].id || rec.Offset != 0 || rec.Length != -1 || int64(len(rec.Body)) != want[i].contentLength {
			t.Errorf("record %d: %s at %d+%d with %d bytes, want %s at 0+-1 with %d", i, rec.RecordID(), rec.Offset, rec.Length, len(rec.Body), want[i].id, want[i].contentLength)
		}
	}
}

// TestMixedMembers reads a file whose first member holds two records and whose second holds
// one: only the last record has a byte range of its own.
func TestMixedMembers(t *testing.T) {
	rec := func(id string) string {
		return "WARC/1.1\r\nWARC-Type: resource\r\nWARC-Record-ID: " + id + "\r\nContent-Length: 5\r\n\r\nhello\r\n\r\n"
	}
	first := gzipMember(t, rec("<a>")+rec("<b>"))
	data := append(first, gzipMember(t, rec("<c>"))...)
	recs, err := readAll(NewReader(bytes.NewReader(data)))
	if err != nil {
		t.Fatal(err)
	}
	want := []struct {
		id             string
		offset, length int64
	}{{"<a>", 0, -1}, {"<b>", 0, -1}, {"<c>", int64(len(first)), int64(len(data) - len(first))}}
	if len(recs) != len(want) {
		t.Fatalf("got %d records, want %d", len(recs), len(want))
	}
	for i, w := range want {
		if recs[i].RecordID() != w.id || recs[i].Offset != w.offset || recs[i].Length != w.length {
			t.Errorf("record %d: %s at %d+%d, want %s at %d+%d", i, recs[i].RecordID(), recs[i].Offset, recs[i].Length, w.id, w.offset, w.length)
		}
	}
}

// TestMaxBodySize cuts a block longer than MaxBodySize and still reads the records after it
// at their right places.
func TestMaxBodySize(t *testing.T) {
	r, err := Open(context.Background(), ccWARC)
	if err != nil {
		t.Fatal(err)
	}
	defer r.Close()
	r.MaxBodySize = 1000
	recs, err := readAll(r)
	if err != nil {
		t.Fatal(err)
	}
	want := samples[0].records
	if len(recs) != len(want) {
		t.Fatalf("got %d records, want %d", len(recs), len(want))
	}
	for i, rec := range recs {
		wantLen, wantCut := want[i].contentLength, false
		if wantLen > 1000 {
			wantLen, wantCut = 1000, true
		}
		if int64(len(rec.Body)) != wantLen || rec.BodyTruncated != wantCut || rec.Offset != want[i].offset || rec.Length != want[i].length {
			t.Errorf("record %d: %d bytes (truncated %v) at %d+%d, want %d (truncated %v) at %d+%d",
				i, len(rec.Body), rec.BodyTruncated, rec.Offset, rec.Length, wantLen, wantCut, want[i].offset, want[i].length)
		}
	}
	if !bytes.HasPrefix(recs[2].Body, []byte("HTTP/1.1 200 OK\r\n")) || recs[2].HTTPStatus() != 200 {
		t.Errorf("the cut response block does not start with its status line: %.40q", recs[2].Body)
	}
}

// TestStreaming checks that the Reader holds one record at a time: after the first record of
// a 4 MB file, it has read no more than its buffers' worth from the file.
func TestStreaming(t *testing.T) {
	for _, gz := range []bool{false, true} {
		var b bytes.Buffer
		w := NewWriter(&b, gz)
		block := bytes.Repeat([]byte("0123456789abcdef"), 4096) // 64 KiB
		for range 64 {
			if _, _, err := w.WriteRecord([]Field{{Name: "WARC-Type", Value: "resource"}}, block); err != nil {
				t.Fatal(err)
			}
		}
		src := bytes.NewReader(b.Bytes())
		r := NewReader(src)
		if _, err := r.Next(); err != nil {
			t.Fatal(err)
		}
		if read, limit := int64(b.Len()-src.Len()), int64(3*bufferSize); read > limit {
			t.Errorf("gzip %v: read %d of %d bytes for the first record, want at most %d", gz, read, b.Len(), limit)
		}
	}
}

// TestHeaderSyntax covers header details: repeated fields, case-insensitive lookup,
// continuation lines, bare LF line endings, WARC/1.1 and the angle brackets around URIs.
func TestHeaderSyntax(t *testing.T) {
	data := "WARC/1.1\n" +
		"WARC-Type: response\n" +
		"warc-target-uri: <http://example.com/>\n" +
		"WARC-Concurrent-To: <urn:uuid:1>\n" +
		"WARC-Concurrent-To: <urn:uuid:2>\n" +
		"X-Folded: first part\n" +
		"\tsecond part\n" +
		"WARC-Date: 2024-05-18T01:58:10.250Z\n" +
		"Content-Length: 2\n" +
		"\n" +
		"ok\n\n"
	recs, err := readAll(NewReader(strings.NewReader(data)))
	if err != nil {
		t.Fatal(err)
	}
	if len(recs) != 1 {
		t.Fatalf("got %d records, want 1", len(recs))
	}
	rec := recs[0]
	checks := []struct{ what, got, want string }{
		{"Version", rec.Version, "WARC/1.1"},
		{"TargetURI", rec.TargetURI(), "http://example.com/"},
		{"Header(WARC-TARGET-URI)", rec.Header("WARC-TARGET-URI"), "<http://example.com/>"},
		{"Values(warc-concurrent-to)", strings.Join(rec.Values("warc-concurrent-to"), " "), "<urn:uuid:1> <urn:uuid:2>"},
		{"Header(X-Folded)", rec.Header("X-Folded"), "first part second part"},
		{"Header(Missing)", rec.Header("Missing"), ""},
		{"Body", string(rec.Body), "ok"},
		{"Date", rec.Date().Format(time.RFC3339Nano), "2024-05-18T01:58:10.25Z"},
		{"Length", strconv.FormatInt(rec.Length, 10), strconv.Itoa(len(data))},
	}
	for _, c := range checks {
		if c.got != c.want {
			t.Errorf("%s = %q, want %q", c.what, c.got, c.want)
		}
	}
	if rec.Values("Missing") != nil {
		t.Errorf("Values(Missing) = %q, want nil", rec.Values("Missing"))
	}
	wantOrder := []string{"WARC-Type", "warc-target-uri", "WARC-Concurrent-To", "WARC-Concurrent-To", "X-Folded", "WARC-Date", "Content-Length"}
	for i, f := range rec.Headers {
		if i >= len(wantOrder) || f.Name != wantOrder[i] {
			t.Errorf("Headers[%d] = %q, want order %q", i, f.Name, wantOrder)
		}
	}
}

// TestDates covers the W3C ISO 8601 forms of WARC-Date.
func TestDates(t *testing.T) {
	tests := []struct {
		value string
		want  time.Time
	}{
		{"2024-05-18T01:58:10Z", time.Date(2024, 5, 18, 1, 58, 10, 0, time.UTC)},
		{"2024-05-18T01:58:10.123456Z", time.Date(2024, 5, 18, 1, 58, 10, 123456000, time.UTC)},
		{"2024-05-18T03:58:10+02:00", time.Date(2024, 5, 18, 1, 58, 10, 0, time.UTC)},
		{"2024-05-18T01:58Z", time.Date(2024, 5, 18, 1, 58, 0, 0, time.UTC)},
		{"2024-05-18", time.Date(2024, 5, 18, 0, 0, 0, 0, time.UTC)},
		{"2024", time.Date(2024, 1, 1, 0, 0, 0, 0, time.UTC)},
		{"yesterday", time.Time{}},
		{"", time.Time{}},
	}
	for _, tt := range tests {
		rec := &Record{Headers: []Field{{Name: "WARC-Date", Value: tt.value}}}
		if got := rec.Date(); !got.Equal(tt.want) {
			t.Errorf("Date() of %q = %v, want %v", tt.value, got, tt.want)
		}
	}
}

// TestOpenErrors covers the failures of Open and ReadRecordAt before any record is read.
func TestOpenErrors(t *testing.T) {
	ctx := context.Background()
	if _, err := Open(ctx, "testdata/no-such.warc.gz"); !errors.Is(err, fs.ErrNotExist) || !strings.Contains(err.Error(), "testdata/no-such.warc.gz") {
		t.Errorf("Open of a missing file: %v, want a not-exist error naming it", err)
	}
	for _, path := range []string{"x.warc.bz2", "x.warc.zst", "x.warc.xz"} {
		if _, err := Open(ctx, path); err == nil || !strings.Contains(err.Error(), path) || !strings.Contains(err.Error(), "not supported") {
			t.Errorf("Open(%s): %v, want a refusal naming the file", path, err)
		}
	}
	_, err := ReadRecordAt(ctx, ccWARC, 18857, 10) // the end of the file: nothing there
	if !errors.Is(err, ErrTruncated) || !strings.Contains(err.Error(), ccWARC+" at offset 18857") {
		t.Errorf("ReadRecordAt past the last record: %v", err)
	}
	_, err = ReadRecordAt(ctx, ccWARC, 1023, 1000) // the first 1000 bytes of a 17351-byte member
	if !errors.Is(err, ErrTruncated) || !strings.Contains(err.Error(), ccWARC+" at offset 1023") {
		t.Errorf("ReadRecordAt of a cut member: %v", err)
	}
}

// TestClose checks that a closed Reader reads no more and that Close of a NewReader is a
// no-op.
func TestClose(t *testing.T) {
	r, err := Open(context.Background(), ccWARC)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := r.Next(); err != nil {
		t.Fatal(err)
	}
	if err := r.Close(); err != nil {
		t.Fatal(err)
	}
	if _, err := r.Next(); err == nil || !strings.Contains(err.Error(), "closed") {
		t.Errorf("Next after Close: %v, want an error saying the reader is closed", err)
	}
	if err := NewReader(strings.NewReader("")).Close(); err != nil {
		t.Errorf("Close of a NewReader: %v", err)
	}
}

// TestEmpty reads no record from an empty stream or one of blank lines.
func TestEmpty(t *testing.T) {
	for _, data := range []string{"", "\r\n\r\n", string(gzipMember(t, ""))} {
		recs, err := readAll(NewReader(strings.NewReader(data)))
		if err != nil || len(recs) != 0 {
			t.Errorf("%q: %d records, error %v; want none", data, len(recs), err)
		}
	}
}
