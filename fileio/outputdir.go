package fileio

import (
	"context"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"sync"
)

// SuccessMarker is the empty file Commit writes last into an output
// directory, as Hadoop and Spark do.
const SuccessMarker = "_SUCCESS"

// OutputDir is a directory of files being written, such as the part files
// of SaveAsTextFile. Readers see it only complete: Commit publishes it
// with a _SUCCESS marker, Abort discards it.
type OutputDir interface {
	// Create starts writing the file name (a base name) in the directory.
	Create(ctx context.Context, name string) (FileWriter, error)
	// Commit publishes the directory with every file whose writer was
	// closed.
	Commit(ctx context.Context) error
	// Abort discards what was written.
	Abort(ctx context.Context) error
}

// dirStager is implemented by file systems that can publish a whole
// directory at once (local disks: a rename).
type dirStager interface {
	stageDir(ctx context.Context, path string) (OutputDir, error)
}

// CreateDir starts writing the output directory path, which must not
// exist. On a local disk the files go into a hidden sibling directory that
// Commit renames into place, so readers never see part of it. On object
// stores the files are written in place and the _SUCCESS marker last;
// readers that want complete output wait for the marker.
func (m FileSystems) CreateDir(ctx context.Context, path string) (OutputDir, error) {
	fsys, err := m.For(path)
	if err != nil {
		return nil, err
	}
	if _, err := fsys.Stat(ctx, path); err == nil {
		return nil, &Error{Op: "create", Path: path, Err: fmt.Errorf("output path already exists: %w", fs.ErrExist)}
	} else if !errors.Is(err, fs.ErrNotExist) {
		return nil, err
	}
	if s, ok := fsys.(dirStager); ok {
		return s.stageDir(ctx, path)
	}
	return &inPlaceDir{fsys: fsys, path: path}, nil
}

// CreateDir starts writing an output directory with the Default file
// systems.
func CreateDir(ctx context.Context, path string) (OutputDir, error) {
	return Default().CreateDir(ctx, path)
}

// remover is implemented by file systems that can delete a file (S3).
type remover interface {
	Remove(ctx context.Context, path string) error
}

// inPlaceDir writes files at their final names and the marker last.
type inPlaceDir struct {
	fsys FileSystem
	path string

	mu      sync.Mutex
	created []string // paths of the files started, for Abort
}

func (d *inPlaceDir) Create(ctx context.Context, name string) (FileWriter, error) {
	path := joinPath(d.path, name)
	w, err := d.fsys.Create(ctx, path)
	if err == nil {
		d.mu.Lock()
		d.created = append(d.created, path)
		d.mu.Unlock()
	}
	return w, err
}

func (d *inPlaceDir) Commit(ctx context.Context) error {
	w, err := d.fsys.Create(ctx, joinPath(d.path, SuccessMarker))
	if err != nil {
		return err
	}
	return w.Close()
}

// Abort deletes the files written, where the file system can delete
// (S3), even when ctx is cancelled; elsewhere the missing marker tells
// readers the output is incomplete.
func (d *inPlaceDir) Abort(ctx context.Context) error {
	r, ok := d.fsys.(remover)
	if !ok {
		return nil
	}
	ctx = context.WithoutCancel(ctx)
	d.mu.Lock()
	created := d.created
	d.created = nil
	d.mu.Unlock()
	var errs []error
	for _, path := range created {
		errs = append(errs, r.Remove(ctx, path))
	}
	return errors.Join(errs...)
}

func (Local) stageDir(ctx context.Context, path string) (OutputDir, error) {
	final, err := localPath("create", path)
	if err != nil {
		return nil, err
	}
	parent := filepath.Dir(filepath.Clean(final))
	if err := os.MkdirAll(parent, 0o755); err != nil {
		return nil, wrapErr("create", path, err)
	}
	staging, err := os.MkdirTemp(parent, "."+filepath.Base(final)+".tmp-")
	if err != nil {
		return nil, wrapErr("create", path, err)
	}
	return &localStagedDir{path: path, final: final, staging: staging}, nil
}

// localStagedDir writes into a hidden sibling directory and renames it.
type localStagedDir struct {
	path, final, staging string
}

func (d *localStagedDir) Create(ctx context.Context, name string) (FileWriter, error) {
	return Local{}.Create(ctx, filepath.Join(d.staging, name))
}

func (d *localStagedDir) Commit(ctx context.Context) error {
	if err := os.WriteFile(filepath.Join(d.staging, SuccessMarker), nil, 0o644); err != nil {
		return wrapErr("create", d.path, err)
	}
	if err := os.Chmod(d.staging, 0o755); err != nil {
		return wrapErr("create", d.path, err)
	}
	if _, err := os.Stat(d.final); err == nil {
		return &Error{Op: "create", Path: d.path, Err: fmt.Errorf("output path already exists: %w", fs.ErrExist)}
	}
	if err := os.Rename(d.staging, d.final); err != nil {
		return wrapErr("create", d.path, err)
	}
	return nil
}

func (d *localStagedDir) Abort(context.Context) error {
	return wrapErr("abort", d.path, os.RemoveAll(d.staging))
}
