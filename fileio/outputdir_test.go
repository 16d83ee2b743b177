package fileio

import (
	"context"
	"errors"
	"io/fs"
	"os"
	"path/filepath"
	"testing"
)

func TestCreateDirPublishesOnlyOnCommit(t *testing.T) {
	ctx := context.Background()
	out := filepath.Join(t.TempDir(), "nested", "out")
	dir, err := CreateDir(ctx, out)
	if err != nil {
		t.Fatal(err)
	}
	for _, name := range []string{"part-00000", "part-00001"} {
		w, err := dir.Create(ctx, name)
		if err != nil {
			t.Fatal(err)
		}
		w.Write([]byte(name + "\n"))
		if err := w.Close(); err != nil {
			t.Fatal(err)
		}
	}
	if _, err := os.Stat(out); !errors.Is(err, fs.ErrNotExist) {
		t.Fatalf("output visible before Commit: %v", err)
	}
	if err := dir.Commit(ctx); err != nil {
		t.Fatal(err)
	}
	entries, _ := os.ReadDir(out)
	var names []string
	for _, e := range entries {
		names = append(names, e.Name())
	}
	if len(names) != 3 || names[0] != "_SUCCESS" || names[1] != "part-00000" || names[2] != "part-00001" {
		t.Errorf("committed files = %v", names)
	}
	siblings, _ := os.ReadDir(filepath.Dir(out))
	if len(siblings) != 1 {
		t.Errorf("staging directory left behind: %v", siblings)
	}
	if _, err := CreateDir(ctx, out); !errors.Is(err, fs.ErrExist) {
		t.Errorf("CreateDir over an existing path: %v, want fs.ErrExist", err)
	}
}

func TestCreateDirAbortLeavesNothing(t *testing.T) {
	ctx := context.Background()
	parent := t.TempDir()
	dir, err := CreateDir(ctx, filepath.Join(parent, "out"))
	if err != nil {
		t.Fatal(err)
	}
	w, _ := dir.Create(ctx, "part-00000")
	w.Write([]byte("x"))
	w.Close()
	if err := dir.Abort(ctx); err != nil {
		t.Fatal(err)
	}
	if entries, _ := os.ReadDir(parent); len(entries) != 0 {
		t.Errorf("abort left %v", entries)
	}
}
