package fileio

import (
	"bufio"
	"bytes"
	"compress/gzip"
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"testing/iotest"
)

// referenceLines splits s by the Hadoop rule in the plainest way, as the oracle for tests.
func referenceLines(s string) []string {
	var lines []string
	var cur []byte
	for i := 0; i < len(s); i++ {
		switch s[i] {
		case '\n':
			lines, cur = append(lines, string(cur)), cur[:0]
		case '\r':
			lines, cur = append(lines, string(cur)), cur[:0]
			if i+1 < len(s) && s[i+1] == '\n' {
				i++
			}
		default:
			cur = append(cur, s[i])
		}
	}
	if len(cur) > 0 {
		lines = append(lines, string(cur))
	}
	return lines
}

// readLines drains a LineReader.
func readLines(t testing.TB, lr *LineReader) []string {
	t.Helper()
	var lines []string
	for lr.Next() {
		lines = append(lines, lr.Text())
	}
	if err := lr.Err(); err != nil {
		t.Fatal(err)
	}
	return lines
}

func TestLineReader(t *testing.T) {
	tests := []struct {
		name, in string
		want     []string
	}{
		{"empty stream", "", nil},
		{"\\n terminators", "a\nbb\nccc\n", []string{"a", "bb", "ccc"}},
		{"\\r\\n terminators", "a\r\nbb\r\n", []string{"a", "bb"}},
		{"lone \\r terminators", "a\rbb\r", []string{"a", "bb"}},
		{"mixed terminators", "a\nb\r\nc\rd", []string{"a", "b", "c", "d"}},
		{"no final newline", "a\nlast", []string{"a", "last"}},
		{"one newline is one empty line", "\n", []string{""}},
		{"empty lines", "\n\na\n\n", []string{"", "", "a", ""}},
		{"\\r\\r is two lines", "\r\r", []string{"", ""}},
		{"\\n\\r is two lines", "a\n\rb", []string{"a", "", "b"}},
		{"\\r\\n\\n is two lines", "a\r\n\nb", []string{"a", "", "b"}},
		{"final lone \\r", "a\r", []string{"a"}},
		{"invalid UTF-8 kept as is", "\xff\xfe\n\xc3(\r\n", []string{"\xff\xfe", "\xc3("}},
		{"NUL bytes kept", "a\x00b\n", []string{"a\x00b"}},
		{"lines around the initial buffer size", strings.Repeat("x", lineBufferSize-1) + "\r\n" + strings.Repeat("y", lineBufferSize+1) + "\r",
			[]string{strings.Repeat("x", lineBufferSize-1), strings.Repeat("y", lineBufferSize+1)}},
		{"\\r\\n across the buffer boundary", strings.Repeat("x", lineBufferSize-1) + "\r\nz",
			[]string{strings.Repeat("x", lineBufferSize-1), "z"}},
	}
	readers := []struct {
		name string
		wrap func(io.Reader) io.Reader
	}{
		{"whole", func(r io.Reader) io.Reader { return r }},
		{"one byte at a time", iotest.OneByteReader},
		{"half reads", iotest.HalfReader},
		{"data with EOF", iotest.DataErrReader},
	}
	for _, tt := range tests {
		if want := referenceLines(tt.in); !slices.Equal(want, tt.want) {
			t.Fatalf("%s: the reference gives %q; the table says %q", tt.name, want, tt.want)
		}
		for _, rd := range readers {
			t.Run(tt.name+"/"+rd.name, func(t *testing.T) {
				lr := NewLineReader(rd.wrap(strings.NewReader(tt.in)))
				if got := readLines(t, lr); !slices.Equal(got, tt.want) {
					t.Errorf("got %q, want %q", shorten(got), shorten(tt.want))
				}
				if lr.Offset() != int64(len(tt.in)) {
					t.Errorf("Offset() at the end = %d, want %d", lr.Offset(), len(tt.in))
				}
				if lr.Next() {
					t.Error("Next after the end returned true")
				}
			})
		}
	}
}

func shorten(lines []string) []string {
	out := make([]string, len(lines))
	for i, l := range lines {
		if len(l) > 20 {
			l = l[:20] + "..."
		}
		out[i] = l
	}
	return out
}

func TestLineReaderBytesAndOffset(t *testing.T) {
	lr := NewLineReader(strings.NewReader("ab\r\ncd\ref\n"))
	var offsets []int64
	var lines [][]byte
	for lr.Next() {
		lines = append(lines, bytes.Clone(lr.Bytes()))
		offsets = append(offsets, lr.Offset())
	}
	if want := []int64{4, 7, 10}; !slices.Equal(offsets, want) {
		t.Errorf("offsets %v, want %v", offsets, want)
	}
	if want := [][]byte{[]byte("ab"), []byte("cd"), []byte("ef")}; !slices.EqualFunc(lines, want, bytes.Equal) {
		t.Errorf("lines %q, want %q", lines, want)
	}
}

// repeatReader yields n copies of b.
type repeatReader struct {
	b byte
	n int64
}

func (r *repeatReader) Read(p []byte) (int, error) {
	if r.n == 0 {
		return 0, io.EOF
	}
	k := min(int64(len(p)), r.n)
	for i := range k {
		p[i] = r.b
	}
	r.n -= k
	return int(k), nil
}

func TestLineReaderVeryLongLine(t *testing.T) {
	const size = 100 << 20
	in := io.MultiReader(strings.NewReader("first\r"), &repeatReader{'x', size}, strings.NewReader("\r\nlast"))
	lr := NewLineReader(in)
	lr.SetMaxLineLength(size) // over the default limit
	var lengths []int
	allX := true
	for lr.Next() {
		lengths = append(lengths, len(lr.Bytes()))
		if len(lr.Bytes()) == size {
			allX = bytes.Count(lr.Bytes(), []byte{'x'}) == size
		}
	}
	if err := lr.Err(); err != nil {
		t.Fatal(err)
	}
	if want := []int{5, size, 4}; !slices.Equal(lengths, want) || !allX {
		t.Errorf("line lengths %v (long line intact: %v), want %v", lengths, allX, want)
	}
}

func TestLineReaderReportsReadErrors(t *testing.T) {
	boom := errors.New("boom")
	lr := NewLineReader(io.MultiReader(strings.NewReader("a\nb\npartial"), iotest.ErrReader(boom)))
	var got []string
	for lr.Next() {
		got = append(got, lr.Text())
	}
	if want := []string{"a", "b"}; !slices.Equal(got, want) {
		t.Errorf("lines before the error %q, want %q", got, want)
	}
	if !errors.Is(lr.Err(), boom) {
		t.Errorf("Err() = %v, want %v", lr.Err(), boom)
	}
	if lr.Next() {
		t.Error("Next after an error returned true")
	}
}

// stuckReader never yields data nor an error.
type stuckReader struct{}

func (stuckReader) Read([]byte) (int, error) { return 0, nil }

func TestLineReaderGivesUpOnAStuckReader(t *testing.T) {
	lr := NewLineReader(stuckReader{})
	if lr.Next() || !errors.Is(lr.Err(), io.ErrNoProgress) {
		t.Errorf("Err() = %v, want io.ErrNoProgress", lr.Err())
	}
}

func TestLineReaderTextAllocatesOncePerLine(t *testing.T) {
	data := strings.Repeat("some line of text\n", 1000)
	var total int
	var last string
	textAllocs := testing.AllocsPerRun(5, func() {
		lr := NewLineReader(strings.NewReader(data))
		for lr.Next() {
			last = lr.Text()
			total += len(last)
		}
	})
	bytesAllocs := testing.AllocsPerRun(5, func() {
		lr := NewLineReader(strings.NewReader(data))
		for lr.Next() {
			total += len(lr.Bytes())
		}
	})
	// A reader costs a few allocations (itself, its buffer, the strings.Reader).
	if bytesAllocs > 5 {
		t.Errorf("Bytes: %.0f allocations for 1000 lines, want none per line", bytesAllocs)
	}
	if perLine := (textAllocs - bytesAllocs) / 1000; perLine != 1 {
		t.Errorf("Text: %.3f allocations per line, want 1", perLine)
	}
	if total == 0 {
		t.Error("no lines read")
	}
}

func TestLineReaderRefusesLinesOverItsLimit(t *testing.T) {
	tests := []struct {
		name   string
		input  string
		limit  int
		lines  int   // lines delivered before the error
		offset int64 // offset named by the error; -1: no error
	}{
		{"lines at the limit pass", "12345\n123\n", 5, 2, -1},
		{"a longer line is an error at its offset", "12345\n123456\nxx\n", 5, 1, 6},
		{"an unterminated last line too", "12\n123456", 5, 1, 3},
		{"a line longer than the buffer grows it no further than the limit", "ab\n" + strings.Repeat("x", 300<<10), 100 << 10, 1, 3},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			lr := NewLineReader(strings.NewReader(tt.input))
			lr.path = "s3://bkt/huge.txt"
			lr.SetMaxLineLength(tt.limit)
			n := 0
			for lr.Next() {
				n++
			}
			err := lr.Err()
			if n != tt.lines {
				t.Errorf("%d lines before the end, want %d", n, tt.lines)
			}
			if tt.offset < 0 {
				if err != nil {
					t.Fatal(err)
				}
				return
			}
			if !errors.Is(err, ErrLineTooLong) || !strings.Contains(err.Error(), "s3://bkt/huge.txt") ||
				!strings.Contains(err.Error(), fmt.Sprintf("offset %d ", tt.offset)) {
				t.Errorf("error %v, want ErrLineTooLong naming the file and offset %d", err, tt.offset)
			}
			if len(lr.buf) > tt.limit+2 && len(lr.buf) > lineBufferSize {
				t.Errorf("the buffer grew to %d bytes", len(lr.buf))
			}
		})
	}
}

func TestOpenLinesOfAGzipOfOneHugeLineStopsAtTheLimit(t *testing.T) {
	t.Setenv(EnvMaxLineLength, "1000000")
	path := filepath.Join(t.TempDir(), "one-line.txt.gz")
	var buf bytes.Buffer
	zw := gzip.NewWriter(&buf)
	io.Copy(zw, &repeatReader{'x', 50 << 20}) // 50 MB of one line, 50 kB compressed
	zw.Close()
	if err := os.WriteFile(path, buf.Bytes(), 0o644); err != nil {
		t.Fatal(err)
	}
	lr, err := OpenLines(context.Background(), path)
	if err != nil {
		t.Fatal(err)
	}
	defer lr.Close()
	for lr.Next() {
		t.Fatal("a line came out")
	}
	if err := lr.Err(); !errors.Is(err, ErrLineTooLong) || !strings.Contains(err.Error(), path) || !strings.Contains(err.Error(), "offset 0 ") {
		t.Errorf("error %v, want ErrLineTooLong naming %s at offset 0", err, path)
	}
	if len(lr.buf) > 1000002 {
		t.Errorf("the buffer grew to %d bytes", len(lr.buf))
	}
}

// TestWriteLine: an element is a line of its text, strings as they are.
func TestWriteLine(t *testing.T) {
	var b strings.Builder
	w := bufio.NewWriter(&b)
	for _, x := range []any{"a b", 42, 1.5, nil, []int{1, 2}, ""} {
		if err := WriteLine(w, x); err != nil {
			t.Fatalf("WriteLine(%v): %v", x, err)
		}
	}
	if err := w.Flush(); err != nil {
		t.Fatal(err)
	}
	if want := "a b\n42\n1.5\n<nil>\n[1 2]\n\n"; b.String() != want {
		t.Errorf("lines %q, want %q", b.String(), want)
	}
}
