package fileio

import (
	"context"
	"fmt"
	"math/rand/v2"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
)

// splitLines reads a file through the splits that cut it at cuts (ascending, inside the file)
// and returns the lines of all splits in order.
func splitLines(t *testing.T, path string, size int64, cuts []int64) []string {
	t.Helper()
	bounds := append(append([]int64{0}, cuts...), size)
	var lines []string
	for i := 0; i+1 < len(bounds); i++ {
		lr, err := OpenSplit(context.Background(), path, bounds[i], bounds[i+1])
		if err != nil {
			t.Fatal(err)
		}
		lines = append(lines, readLines(t, lr)...)
		if err := lr.Close(); err != nil {
			t.Fatal(err)
		}
	}
	return lines
}

// evenCuts returns the cut points of splits of splitSize bytes.
func evenCuts(size, splitSize int64) []int64 {
	var cuts []int64
	for c := splitSize; c < size; c += splitSize {
		cuts = append(cuts, c)
	}
	return cuts
}

func writeTemp(t *testing.T, name, content string) string {
	t.Helper()
	path := filepath.Join(t.TempDir(), name)
	if err := os.WriteFile(path, []byte(content), 0o644); err != nil {
		t.Fatal(err)
	}
	return path
}

func TestOpenSplitEverySplitSizeOnSmallFiles(t *testing.T) {
	contents := []string{
		"",
		"x",
		"\n",
		"\r",
		"\r\n",
		"a\r\nb",
		"\r\n\r\n",
		"\r\r\n\n",
		"\n\r\n\r",
		"one\ntwo\r\nthree\rfour",
		"ab\r\ncd\r\nef\r\n",
		"\xff\xfe\r\n\xc3\n",
	}
	for _, content := range contents {
		path := writeTemp(t, "f.txt", content)
		want := referenceLines(content)
		size := int64(len(content))
		for splitSize := int64(1); splitSize <= size+1; splitSize++ {
			if got := splitLines(t, path, size, evenCuts(size, splitSize)); !slices.Equal(got, want) {
				t.Errorf("%q in splits of %d: got %q, want %q", content, splitSize, got, want)
			}
		}
	}
}

// randomText builds text of mixed line lengths and terminators ("\n", "\r\n", "\r"), empty
// lines, invalid UTF-8, and an optional missing final terminator.
func randomText(rng *rand.Rand, lines int, longLine int) string {
	var b strings.Builder
	terminators := []string{"\n", "\r\n", "\r"}
	for i := range lines {
		n := rng.IntN(40)
		switch rng.IntN(10) {
		case 0:
			n = 0
		case 1:
			n = rng.IntN(400)
		}
		if longLine > 0 && i == lines/2 {
			n = longLine
		}
		for range n {
			switch c := byte(rng.IntN(100)); {
			case c < 2:
				b.WriteByte(0xff) // invalid UTF-8
			default:
				b.WriteByte('a' + c%26)
			}
		}
		if i < lines-1 || rng.IntN(2) == 0 {
			b.WriteString(terminators[rng.IntN(len(terminators))])
		}
	}
	return b.String()
}

func TestOpenSplitPropertyAllSplitsYieldEachLineOnce(t *testing.T) {
	rng := rand.New(rand.NewPCG(20240601, 7))
	for file := range 40 {
		longLine := 0
		if file%10 == 9 {
			longLine = 3*lineBufferSize + 17 // a line longer than the reader's buffer
		}
		content := randomText(rng, 1+rng.IntN(600), longLine)
		path := writeTemp(t, fmt.Sprintf("f%d.txt", file), content)
		size := int64(len(content))
		want := referenceLines(content)

		whole, err := OpenLines(context.Background(), path)
		if err != nil {
			t.Fatal(err)
		}
		if got := readLines(t, whole); !slices.Equal(got, want) {
			t.Fatalf("file %d read whole: %d lines, want %d", file, len(got), len(want))
		}
		whole.Close()

		for trial := range 12 {
			var cuts []int64
			if trial%2 == 0 { // even splits, as Spark makes them
				cuts = evenCuts(size, 1+rng.Int64N(max(size/4, 8)))
			} else { // arbitrary cut points
				for range rng.IntN(30) {
					if size > 1 {
						cuts = append(cuts, 1+rng.Int64N(size-1))
					}
				}
				slices.Sort(cuts)
				cuts = slices.Compact(cuts)
			}
			if got := splitLines(t, path, size, cuts); !slices.Equal(got, want) {
				t.Fatalf("file %d (%d bytes) cut at %v: %d lines, want %d", file, size, cuts, len(got), len(want))
			}
		}
	}
}

func TestOpenSplitAssignsLinesByTheirStart(t *testing.T) {
	// Lines start at 0 ("ab"), 4 ("cd"), 7 ("ef"), 10 (nothing).
	path := writeTemp(t, "f.txt", "ab\r\ncd\ref\n")
	tests := []struct {
		start, end int64
		want       []string
	}{
		{0, 1, []string{"ab"}},
		{0, 4, []string{"ab", "cd"}}, // a line starting exactly at end belongs here
		{1, 4, []string{"cd"}},
		{3, 4, []string{"cd"}}, // start falls between "\r" and "\n"
		{4, 7, []string{"ef"}}, // the line starting at 4 was read by the previous split
		{4, 6, nil},
		{8, 10, nil},
		{0, 10, []string{"ab", "cd", "ef"}},
		{10, 10, nil},
		{12, 20, nil},
	}
	for _, tt := range tests {
		lr, err := OpenSplit(context.Background(), path, tt.start, tt.end)
		if err != nil {
			t.Fatal(err)
		}
		if got := readLines(t, lr); !slices.Equal(got, tt.want) {
			t.Errorf("split [%d, %d) = %q, want %q", tt.start, tt.end, got, tt.want)
		}
		lr.Close()
	}
}

func TestOpenSplitErrors(t *testing.T) {
	dir := t.TempDir()
	writeFiles(t, dir, map[string]string{"a.txt": "a\n", "a.gz": ""})
	tests := []struct {
		name, path string
		start, end int64
		want       string
	}{
		{"compressed file", dir + "/a.gz", 0, 10, "fileio: open " + dir + "/a.gz: gzip files cannot be split"},
		{"end before start", dir + "/a.txt", 5, 2, "invalid split [5, 2)"},
		{"negative start", dir + "/a.txt", -1, 2, "invalid split [-1, 2)"},
		{"missing file", dir + "/b.txt", 0, 2, "fileio: open " + dir + "/b.txt: no such file or directory"},
	}
	for _, tt := range tests {
		_, err := OpenSplit(context.Background(), tt.path, tt.start, tt.end)
		if err == nil || !strings.Contains(err.Error(), tt.want) {
			t.Errorf("%s: error %v, want it to contain %q", tt.name, err, tt.want)
		}
	}
}

func TestOpenLinesDecodes(t *testing.T) {
	dir := t.TempDir()
	content := "a\r\nb\rc\n"
	for _, codec := range []string{"", Gzip, Bzip2, Xz, Zstd} {
		suffix, _ := CodecSuffix(codec)
		path := filepath.Join(dir, "f.txt"+suffix)
		writeEncoded(t, path, codec, content)
		lr, err := OpenLines(context.Background(), path)
		if err != nil {
			t.Fatal(err)
		}
		if got := readLines(t, lr); !slices.Equal(got, []string{"a", "b", "c"}) {
			t.Errorf("%s: %q", codec, got)
		}
		if err := lr.Close(); err != nil {
			t.Errorf("%s: Close: %v", codec, err)
		}
	}
}
