package fileio

import (
	"context"
	"errors"
	"io/fs"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
)

// expandTree returns the directory layout the Expand tests run in.
func expandTree() map[string]string {
	return map[string]string{
		"data/a.txt":            "a",
		"data/b.txt":            "bb",
		"data/c.log":            "ccc",
		"data/_SUCCESS":         "",
		"data/.hidden":          "h",
		"data/sub/d.txt":        "d",
		"data/sub/_tmp/e.txt":   "e",
		"data/sub/.git/f.txt":   "f",
		"data/sub/deep/g.txt":   "g",
		"data/2024-01/part-0":   "p",
		"data/2024-01/part-1":   "p",
		"data/2024-02/part-0":   "p",
		"data/2024-02/_SUCCESS": "",
		"logs/x.log":            "x",
		"empty/.keep":           "",
	}
}

func TestExpand(t *testing.T) {
	root := t.TempDir()
	writeFiles(t, root, expandTree())
	t.Chdir(root)
	abs := filepath.ToSlash(root)

	visibleData := []string{
		"data/2024-01/part-0", "data/2024-01/part-1", "data/2024-02/part-0",
		"data/a.txt", "data/b.txt", "data/c.log", "data/sub/d.txt", "data/sub/deep/g.txt",
	}
	tests := []struct {
		name  string
		paths string
		want  []string
	}{
		{"one file", "data/a.txt", []string{"data/a.txt"}},
		{"comma list keeps its order", "data/b.txt,data/a.txt,logs/x.log", []string{"data/b.txt", "data/a.txt", "logs/x.log"}},
		{"spaces around items are ignored", " data/b.txt , data/a.txt ", []string{"data/b.txt", "data/a.txt"}},
		{"duplicates are kept", "data/a.txt,data/a.txt", []string{"data/a.txt", "data/a.txt"}},
		{"a hidden file named explicitly is read", "data/_SUCCESS", []string{"data/_SUCCESS"}},
		{"directory: all files below, sorted, skipping _ and . names", "data", visibleData},
		{"directory with trailing slash", "data/sub/", []string{"data/sub/d.txt", "data/sub/deep/g.txt"}},
		{"directory without visible files is empty", "empty", nil},
		{"directory then file keeps list order", "data/sub,data/a.txt", []string{"data/sub/d.txt", "data/sub/deep/g.txt", "data/a.txt"}},
		{"? matches one character", "data/?.txt", []string{"data/a.txt", "data/b.txt"}},
		{"* matches within one component", "data/*.txt", []string{"data/a.txt", "data/b.txt"}},
		{"* alone matches files and directories, not hidden names", "data/*", visibleData},
		{"[...] set", "data/[ab].txt", []string{"data/a.txt", "data/b.txt"}},
		{"[...] range", "data/[a-b].*", []string{"data/a.txt", "data/b.txt"}},
		{"[!...] negated set", "data/[!a].txt", []string{"data/b.txt"}},
		{"[^...] negated set", "data/[^a].txt", []string{"data/b.txt"}},
		{"_* names hidden files explicitly", "data/_*", []string{"data/_SUCCESS"}},
		{".* names dot files explicitly", "data/.*", []string{"data/.hidden"}},
		{"wildcard directory then literal name", "data/*/part-0", []string{"data/2024-01/part-0", "data/2024-02/part-0"}},
		{"wildcard matching directories expands them", "data/2024-*", []string{"data/2024-01/part-0", "data/2024-01/part-1", "data/2024-02/part-0"}},
		{"wildcards at two levels", "data/2024-0[2-9]/part-*", []string{"data/2024-02/part-0"}},
		{"** matches zero directories", "data/**/a.txt", []string{"data/a.txt"}},
		{"** matches any depth", "data/**/*.txt", []string{"data/a.txt", "data/b.txt", "data/sub/d.txt", "data/sub/deep/g.txt"}},
		{"** does not enter hidden directories", "data/sub/**", []string{"data/sub/d.txt", "data/sub/deep/g.txt"}},
		{"** matching a directory expands it", "data/**/deep", []string{"data/sub/deep/g.txt"}},
		{"** at the start of a relative path", "**/*.log", []string{"data/c.log", "logs/x.log"}},
		{"{a,b} alternatives", "data/{a,c}.*", []string{"data/a.txt", "data/c.log"}},
		{"commas inside braces do not split the list", "logs/x.log,data/{b,a}.txt", []string{"logs/x.log", "data/a.txt", "data/b.txt"}},
		{"alternatives matching the same file list it once", "data/{a,?}.txt", []string{"data/a.txt", "data/b.txt"}},
		{"glob per item, sorted within each item", "data/sub/**,data/?.txt", []string{"data/sub/d.txt", "data/sub/deep/g.txt", "data/a.txt", "data/b.txt"}},
	}
	absTests := []struct {
		name  string
		paths string
		want  []string
	}{
		{"absolute path", abs + "/data/a.txt", []string{abs + "/data/a.txt"}},
		{"absolute glob", abs + "/data/*.txt", []string{abs + "/data/a.txt", abs + "/data/b.txt"}},
		{"file URL", "file://" + abs + "/data/a.txt", []string{"file://" + abs + "/data/a.txt"}},
		{"file URL directory", "file://" + abs + "/data/sub", []string{"file://" + abs + "/data/sub/d.txt", "file://" + abs + "/data/sub/deep/g.txt"}},
		{"file URL glob", "file://" + abs + "/data/**/d.txt", []string{"file://" + abs + "/data/sub/d.txt"}},
		{"Hadoop's file:/ spelling", "file:" + abs + "/data/?.txt", []string{"file:" + abs + "/data/a.txt", "file:" + abs + "/data/b.txt"}},
		{"file://localhost", "file://localhost" + abs + "/data/a.txt", []string{"file://localhost" + abs + "/data/a.txt"}},
	}
	tests = append(tests, absTests...)
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			files, err := Expand(context.Background(), tt.paths)
			if err != nil {
				t.Fatalf("Expand(%q): %v", tt.paths, err)
			}
			if got := paths(files); !slices.Equal(got, tt.want) {
				t.Errorf("Expand(%q)\n got %q\nwant %q", tt.paths, got, tt.want)
			}
		})
	}
}

func TestExpandReportsSizes(t *testing.T) {
	root := t.TempDir()
	writeFiles(t, root, expandTree())
	files, err := Expand(context.Background(), filepath.Join(root, "data", "[abc].*"))
	if err != nil {
		t.Fatal(err)
	}
	var sizes []int64
	for _, f := range files {
		sizes = append(sizes, f.Size)
		if f.IsDir || f.ModTime.IsZero() {
			t.Errorf("%s: IsDir %v, ModTime %v", f.Path, f.IsDir, f.ModTime)
		}
	}
	if want := []int64{1, 2, 3}; !slices.Equal(sizes, want) {
		t.Errorf("sizes %v, want %v", sizes, want)
	}
}

func TestExpandErrors(t *testing.T) {
	root := t.TempDir()
	writeFiles(t, root, expandTree())
	t.Chdir(root)
	tests := []struct {
		name     string
		paths    string
		wantMsg  []string // substrings of the message
		notExist bool     // errors.Is(err, fs.ErrNotExist)
	}{
		{"missing file", "data/nope.txt", []string{"fileio: stat data/nope.txt: no such file or directory"}, true},
		{"missing file after good ones", "data/a.txt,data/nope.txt", []string{"data/nope.txt", "no such file or directory"}, true},
		{"missing directory", "nodir/a.txt", []string{"nodir/a.txt", "no such file or directory"}, true},
		{"missing file URL", "file:///nodir/x.txt", []string{"file:///nodir/x.txt", "no such file or directory"}, true},
		{"glob matching nothing", "data/*.csv", []string{"fileio: glob data/*.csv: no files match"}, true},
		{"glob below a missing directory", "nodir/*.txt", []string{"nodir/*.txt", "no files match"}, true},
		{"** matching nothing", "data/**/*.csv", []string{"data/**/*.csv", "no files match"}, true},
		{"wildcards skip hidden names", "data/*SUCCESS", []string{"data/*SUCCESS", "no files match"}, true},
		{"bad pattern", "data/[a.txt", []string{"data/[a.txt", "bad pattern"}, false},
		{"unmatched brace", "data/{a,b.txt", []string{"data/{a,b.txt", "unmatched '{'"}, false},
		{"empty expression", " ", []string{"no path given"}, false},
		{"empty item", "data/a.txt,,data/b.txt", []string{"empty item"}, false},
		{"unknown scheme", "gs://bucket/key", []string{"gs://bucket/key", `no file system for scheme "gs"`}, false},
		{"file URL with a host", "file://otherhost/x", []string{"file://otherhost/x", "no host"}, false},
		{"relative file URL", "file:x/y", []string{"file:x/y", "absolute path"}, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			files, err := Expand(context.Background(), tt.paths)
			if err == nil {
				t.Fatalf("Expand(%q) = %q, want an error", tt.paths, paths(files))
			}
			for _, sub := range tt.wantMsg {
				if !strings.Contains(err.Error(), sub) {
					t.Errorf("error %q does not contain %q", err, sub)
				}
			}
			if got := errors.Is(err, fs.ErrNotExist); got != tt.notExist {
				t.Errorf("errors.Is(%q, fs.ErrNotExist) = %v, want %v", err, got, tt.notExist)
			}
		})
	}
}

func TestExpandNoMatchIsErrNoMatch(t *testing.T) {
	_, err := Expand(context.Background(), filepath.Join(t.TempDir(), "*.txt"))
	if !errors.Is(err, ErrNoMatch) {
		t.Fatalf("error %v is not ErrNoMatch", err)
	}
}

func TestExpandPermissionDenied(t *testing.T) {
	if os.Geteuid() == 0 {
		t.Skip("root ignores file permissions")
	}
	root := t.TempDir()
	writeFiles(t, root, map[string]string{"locked/a.txt": "a"})
	locked := filepath.Join(root, "locked")
	if err := os.Chmod(locked, 0); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { os.Chmod(locked, 0o755) })
	for _, p := range []string{locked, locked + "/*.txt", locked + "/a.txt"} {
		_, err := Expand(context.Background(), p)
		if err == nil || !errors.Is(err, fs.ErrPermission) || !strings.Contains(err.Error(), "locked") {
			t.Errorf("Expand(%q) error = %v, want a permission error naming the path", p, err)
		}
	}
}

func TestExpandCancelled(t *testing.T) {
	root := t.TempDir()
	writeFiles(t, root, expandTree())
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	for _, p := range []string{root + "/data/a.txt", root + "/data", root + "/data/*"} {
		if _, err := Expand(ctx, p); !errors.Is(err, context.Canceled) {
			t.Errorf("Expand(%q) with a cancelled context: error %v, want context.Canceled", p, err)
		}
	}
}

func TestSplitList(t *testing.T) {
	tests := []struct {
		in   string
		want []string
	}{
		{"a", []string{"a"}},
		{"a,b", []string{"a", "b"}},
		{" a , b ", []string{"a", "b"}},
		{"x/{a,b}/c,d", []string{"x/{a,b}/c", "d"}},
		{"x/{a,{b,c}},d", []string{"x/{a,{b,c}}", "d"}},
	}
	for _, tt := range tests {
		got, err := splitList(tt.in)
		if err != nil || !slices.Equal(got, tt.want) {
			t.Errorf("splitList(%q) = %q, %v; want %q", tt.in, got, err, tt.want)
		}
	}
}

func TestExpandBraces(t *testing.T) {
	tests := []struct {
		in   string
		want []string
	}{
		{"plain", []string{"plain"}},
		{"a{b,c}d", []string{"abd", "acd"}},
		{"{a,b}{1,2}", []string{"a1", "a2", "b1", "b2"}},
		{"x{a,{b,c}}", []string{"xa", "xb", "xc"}},
		{"x{,y}", []string{"x", "xy"}},
		{`a\{b,c\}`, []string{`a\{b,c\}`}},
	}
	for _, tt := range tests {
		got, err := expandBraces(tt.in)
		if err != nil || !slices.Equal(got, tt.want) {
			t.Errorf("expandBraces(%q) = %q, %v; want %q", tt.in, got, err, tt.want)
		}
	}
	for _, bad := range []string{"a{b", "a}b", "{{a}"} {
		if _, err := expandBraces(bad); err == nil {
			t.Errorf("expandBraces(%q) gave no error", bad)
		}
	}
}

func TestMatchSegments(t *testing.T) {
	tests := []struct {
		pattern, path string
		want          bool
	}{
		{"**", "", true},
		{"**", "a/b/c", true},
		{"**/c", "c", true},
		{"**/c", "a/b/c", true},
		{"**/c", "a/_b/c", false},
		{"**/c", "a/.b/c", false},
		{"a/**/b/**/c", "a/b/c", true},
		{"a/**/b/**/c", "a/x/b/y/z/c", true},
		{"a/**/b", "a/x/c", false},
		{"*", "_x", false},
		{"_*", "_x", true},
		{"?x", ".x", false},
		{"[!a]", "b", true},
		{"[!a]", "a", false},
	}
	for _, tt := range tests {
		var pat []string
		for _, seg := range strings.Split(tt.pattern, "/") {
			pat = append(pat, translateClasses(seg))
		}
		var names []string
		if tt.path != "" {
			names = strings.Split(tt.path, "/")
		}
		if got := matchSegments(pat, names); got != tt.want {
			t.Errorf("matchSegments(%q, %q) = %v, want %v", tt.pattern, tt.path, got, tt.want)
		}
	}
}
