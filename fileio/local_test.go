package fileio

import (
	"context"
	"errors"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
)

func TestCreateIsAtomic(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "out", "part-00000")
	w, err := Create(context.Background(), path)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := io.WriteString(w, "half"); err != nil {
		t.Fatal(err)
	}
	if _, err := os.Stat(path); !errors.Is(err, fs.ErrNotExist) {
		t.Errorf("the file is visible before Close (stat: %v)", err)
	}
	files, err := Expand(context.Background(), filepath.Join(dir, "out"))
	if err != nil || len(files) != 0 {
		t.Errorf("Expand sees %q (%v) while the file is being written", paths(files), err)
	}
	io.WriteString(w, " and the rest\n")
	if err := w.Close(); err != nil {
		t.Fatal(err)
	}
	got, err := os.ReadFile(path)
	if err != nil || string(got) != "half and the rest\n" {
		t.Errorf("after Close: %q, %v", got, err)
	}
	if entries, _ := os.ReadDir(filepath.Dir(path)); len(entries) != 1 {
		t.Errorf("directory holds %d entries after Close, want 1 (no temporary file left)", len(entries))
	}
	if err := w.Close(); !errors.Is(err, fs.ErrClosed) {
		t.Errorf("second Close: %v, want fs.ErrClosed", err)
	}
	if _, err := w.Write([]byte("x")); !errors.Is(err, fs.ErrClosed) {
		t.Errorf("Write after Close: %v, want fs.ErrClosed", err)
	}
}

func TestCreateReplacesAndAbortDiscards(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "f.txt")
	writeFiles(t, dir, map[string]string{"f.txt": "old"})

	w, err := Create(context.Background(), path)
	if err != nil {
		t.Fatal(err)
	}
	io.WriteString(w, "new")
	if err := w.Abort(); err != nil {
		t.Fatal(err)
	}
	if got, _ := os.ReadFile(path); string(got) != "old" {
		t.Errorf("after Abort the file holds %q, want the old content", got)
	}
	if entries, _ := os.ReadDir(dir); len(entries) != 1 {
		t.Errorf("directory holds %d entries after Abort, want 1", len(entries))
	}

	w, err = Create(context.Background(), "file://"+path)
	if err != nil {
		t.Fatal(err)
	}
	io.WriteString(w, "new")
	if err := w.Close(); err != nil {
		t.Fatal(err)
	}
	if got, _ := os.ReadFile(path); string(got) != "new" {
		t.Errorf("after Close the file holds %q, want the new content", got)
	}
}

func TestCreateStopsWhenCancelled(t *testing.T) {
	path := filepath.Join(t.TempDir(), "f.txt")
	ctx, cancel := context.WithCancel(context.Background())
	w, err := Create(ctx, path)
	if err != nil {
		t.Fatal(err)
	}
	cancel()
	if _, err := io.WriteString(w, "x"); !errors.Is(err, context.Canceled) {
		t.Errorf("Write after cancel: %v, want context.Canceled", err)
	}
	if err := w.Close(); !errors.Is(err, context.Canceled) {
		t.Errorf("Close after a failed write: %v, want the write error", err)
	}
	if _, err := os.Stat(path); !errors.Is(err, fs.ErrNotExist) {
		t.Errorf("a failed file was committed (stat: %v)", err)
	}
}

func TestOpenRange(t *testing.T) {
	path := filepath.Join(t.TempDir(), "digits.txt")
	writeFiles(t, filepath.Dir(path), map[string]string{"digits.txt": "0123456789"})
	tests := []struct {
		offset, length int64
		want           string
	}{
		{0, -1, "0123456789"},
		{3, -1, "3456789"},
		{3, 4, "3456"},
		{8, 10, "89"},
		{10, -1, ""},
		{20, 5, ""},
		{0, 0, ""},
	}
	for _, tt := range tests {
		r, err := Local{}.OpenRange(context.Background(), path, tt.offset, tt.length)
		if err != nil {
			t.Fatal(err)
		}
		got, err := io.ReadAll(r)
		r.Close()
		if err != nil || string(got) != tt.want {
			t.Errorf("OpenRange(%d, %d) = %q, %v; want %q", tt.offset, tt.length, got, err, tt.want)
		}
	}
	if _, err := (Local{}).OpenRange(context.Background(), path, -1, 2); err == nil {
		t.Error("a negative offset gave no error")
	}
}

func TestReadStopsWhenCancelled(t *testing.T) {
	path := filepath.Join(t.TempDir(), "f.txt")
	writeFiles(t, filepath.Dir(path), map[string]string{"f.txt": sampleText(1000)})
	ctx, cancel := context.WithCancel(context.Background())
	r, err := Open(ctx, path)
	if err != nil {
		t.Fatal(err)
	}
	defer r.Close()
	buf := make([]byte, 10)
	if _, err := r.Read(buf); err != nil {
		t.Fatal(err)
	}
	cancel()
	_, err = r.Read(buf)
	if !errors.Is(err, context.Canceled) || !strings.Contains(err.Error(), path) {
		t.Errorf("Read after cancel: %v, want context.Canceled naming the file", err)
	}
}

func TestLocalStatAndList(t *testing.T) {
	dir := t.TempDir()
	writeFiles(t, dir, map[string]string{"a.txt": "aa", "ab/c.txt": "c", "ab/d/e.txt": "e", "b.txt": "b"})
	if err := os.Symlink(filepath.Join(dir, "a.txt"), filepath.Join(dir, "link.txt")); err != nil {
		t.Fatal(err)
	}
	if err := os.Symlink(filepath.Join(dir, "missing"), filepath.Join(dir, "dangling")); err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()
	info, err := Stat(ctx, dir+"/a.txt")
	if err != nil || info.Size != 2 || info.IsDir || info.Path != dir+"/a.txt" {
		t.Errorf("Stat(a.txt) = %+v, %v", info, err)
	}
	if info, err := Stat(ctx, "file://"+dir+"/ab"); err != nil || !info.IsDir {
		t.Errorf("Stat(ab) = %+v, %v", info, err)
	}
	tests := []struct {
		req   ListRequest
		files []string
		dirs  []string
	}{
		{ListRequest{Prefix: dir + "/a"}, []string{"a.txt"}, []string{"ab"}},
		{ListRequest{Prefix: dir + "/a", Recursive: true}, []string{"a.txt", "ab/c.txt", "ab/d/e.txt"}, nil},
		{ListRequest{Prefix: dir + "/"}, []string{"a.txt", "b.txt", "link.txt"}, []string{"ab"}},
		{ListRequest{Prefix: dir + "/ab/"}, []string{"ab/c.txt"}, []string{"ab/d"}},
		{ListRequest{Prefix: dir + "/zz"}, nil, nil},
		{ListRequest{Prefix: dir + "/missing/dir/"}, nil, nil},
		{ListRequest{Prefix: dir + "/a.txt/"}, nil, nil},
	}
	for _, tt := range tests {
		page, err := Local{}.List(ctx, tt.req)
		if err != nil {
			t.Fatalf("List(%+v): %v", tt.req, err)
		}
		var files, dirs []string
		for _, f := range page.Files {
			files = append(files, strings.TrimPrefix(f.Path, dir+"/"))
		}
		for _, d := range page.Dirs {
			dirs = append(dirs, strings.TrimPrefix(d, dir+"/"))
		}
		if !slices.Equal(files, tt.files) || !slices.Equal(dirs, tt.dirs) || page.Next != "" {
			t.Errorf("List(%+v) = files %q dirs %q next %q; want %q %q", tt.req, files, dirs, page.Next, tt.files, tt.dirs)
		}
	}
}
