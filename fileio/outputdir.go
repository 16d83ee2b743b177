package fileio

import (
	"context"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"syscall"
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

// dirCleaner is implemented by file systems whose output directories can
// leave debris behind when the process writing them dies.
type dirCleaner interface {
	cleanupDir(ctx context.Context, path string) error
}

// CreateDir starts writing the output directory path, which must not
// exist; it first removes what killed saves to path left (see CleanupDir).
// Readers never see part of the output. On a local disk the files go into
// a hidden sibling directory (named with the writer's process id) that
// Commit fsyncs and renames into place. On S3 every file goes up as a
// multipart upload that stays invisible until Commit completes them all
// and writes _SUCCESS last; a commit interrupted half-way leaves a
// manifest under _temporary/ that makes readers refuse the directory
// (ErrIncompleteOutput) and that CleanupDir uses to delete what it
// published.
func (m FileSystems) CreateDir(ctx context.Context, path string) (OutputDir, error) {
	fsys, err := m.For(path)
	if err != nil {
		return nil, err
	}
	if c, ok := fsys.(dirCleaner); ok {
		if err := c.cleanupDir(ctx, path); err != nil {
			return nil, err
		}
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

// CleanupDir removes what saves to the output directory path that were
// killed or failed left behind, and nothing else: on a local disk the
// hidden staging directories of processes that no longer run; on S3 the
// multipart uploads below path that were never completed (they are
// invisible but stored, and billed), and, when no _SUCCESS marks path
// committed, the objects an interrupted commit published (those its
// manifest under _temporary/ lists) and the manifest. A directory that was
// committed keeps its files. CreateDir calls it first.
func (m FileSystems) CleanupDir(ctx context.Context, path string) error {
	fsys, err := m.For(path)
	if err != nil {
		return err
	}
	if c, ok := fsys.(dirCleaner); ok {
		return c.cleanupDir(ctx, path)
	}
	return nil
}

// CleanupDir removes what killed saves to path left, with the Default file
// systems; see FileSystems.CleanupDir.
func CleanupDir(ctx context.Context, path string) error {
	return Default().CleanupDir(ctx, path)
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

// stagingPrefix starts the names of the hidden sibling directories where
// the output directory final is written: ".out.tmp-<pid>-".
func stagingPrefix(final string) string {
	return "." + filepath.Base(final) + ".tmp-"
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
	staging, err := os.MkdirTemp(parent, stagingPrefix(final)+strconv.Itoa(os.Getpid())+"-")
	if err != nil {
		return nil, wrapErr("create", path, err)
	}
	return &localStagedDir{path: path, final: final, staging: staging, note: noteStaging(staging)}, nil
}

// stagingNotesDir is where a process notes the staging directories it is writing
// (os.TempDir()/gosparkling-saves/<pid>-*, each holding one directory's path), so that
// RemoveOrphanStagingDirs finds those a killed process left wherever they are.
func stagingNotesDir() string { return filepath.Join(os.TempDir(), "gosparkling-saves") }

// noteStaging notes staging and returns the note's path, or "" when it could not be
// written (the next save to the same path still removes the directory).
func noteStaging(staging string) string {
	abs, err := filepath.Abs(staging)
	if err != nil {
		return ""
	}
	dir := stagingNotesDir()
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return ""
	}
	f, err := os.CreateTemp(dir, strconv.Itoa(os.Getpid())+"-*")
	if err != nil {
		return ""
	}
	_, err = f.WriteString(abs)
	if cerr := f.Close(); err != nil || cerr != nil {
		os.Remove(f.Name())
		return ""
	}
	return f.Name()
}

// RemoveOrphanStagingDirs removes the hidden staging directories (".out.tmp-<pid>-*",
// beside an output directory) that local saves of processes no longer running left,
// wherever they were: a save killed before its commit leaves one. rdd.NewContext calls
// it. A directory is removed only when its name is a staging directory's of the process
// that noted it.
func RemoveOrphanStagingDirs() {
	dir := stagingNotesDir()
	entries, err := os.ReadDir(dir)
	if err != nil {
		return
	}
	for _, e := range entries {
		pidText, _, ok := strings.Cut(e.Name(), "-")
		pid, err := strconv.Atoi(pidText)
		if !ok || err != nil || processAlive(pid) {
			continue
		}
		note := filepath.Join(dir, e.Name())
		b, err := os.ReadFile(note)
		if err != nil {
			continue
		}
		staging := string(b)
		if name := filepath.Base(staging); filepath.IsAbs(staging) && strings.HasPrefix(name, ".") &&
			strings.Contains(name, ".tmp-"+pidText+"-") {
			if err := os.RemoveAll(staging); err != nil {
				continue // keep the note, to try again
			}
		}
		os.Remove(note)
	}
}

// cleanupDir removes the staging directories of path whose process is gone.
func (Local) cleanupDir(ctx context.Context, path string) error {
	final, err := localPath("cleanup", path)
	if err != nil {
		return err
	}
	final = filepath.Clean(final)
	parent := filepath.Dir(final)
	entries, err := os.ReadDir(parent)
	if errors.Is(err, fs.ErrNotExist) {
		return nil
	}
	if err != nil {
		return wrapErr("cleanup", path, err)
	}
	var errs []error
	for _, e := range entries {
		rest, ok := strings.CutPrefix(e.Name(), stagingPrefix(final))
		if !ok || !e.IsDir() {
			continue
		}
		pidText, _, ok := strings.Cut(rest, "-")
		pid, err := strconv.Atoi(pidText)
		if !ok || err != nil || processAlive(pid) {
			continue
		}
		if err := os.RemoveAll(filepath.Join(parent, e.Name())); err != nil {
			errs = append(errs, wrapErr("cleanup", path, err))
		}
	}
	return errors.Join(errs...)
}

// processAlive reports whether a process with this id runs (or may run:
// one that we may not signal counts as running).
func processAlive(pid int) bool {
	if pid <= 0 {
		return false
	}
	if pid == os.Getpid() {
		return true
	}
	err := syscall.Kill(pid, 0)
	return err == nil || errors.Is(err, syscall.EPERM)
}

// localStagedDir writes into a hidden sibling directory and renames it.
type localStagedDir struct {
	path, final, staging string
	note                 string // the path of its note in stagingNotesDir, "" if none
}

func (d *localStagedDir) Create(ctx context.Context, name string) (FileWriter, error) {
	return Local{}.Create(ctx, filepath.Join(d.staging, name))
}

// Commit writes _SUCCESS, flushes the staging directory to the disk (its
// files were flushed by their Close) and renames it into place, then
// flushes the parent directory, so that a crash leaves either no output
// or all of it.
func (d *localStagedDir) Commit(ctx context.Context) error {
	marker, err := os.Create(filepath.Join(d.staging, SuccessMarker))
	if err == nil {
		err = marker.Sync()
		if closeErr := marker.Close(); err == nil {
			err = closeErr
		}
	}
	if err == nil {
		err = os.Chmod(d.staging, 0o755)
	}
	if err == nil {
		err = syncDir(d.staging)
	}
	if err != nil {
		return wrapErr("create", d.path, err)
	}
	if _, err := os.Stat(d.final); err == nil {
		return &Error{Op: "create", Path: d.path, Err: fmt.Errorf("output path already exists: %w", fs.ErrExist)}
	}
	if err := os.Rename(d.staging, d.final); err != nil {
		return wrapErr("create", d.path, err)
	}
	d.forget()
	return wrapErr("create", d.path, syncDir(filepath.Dir(d.final)))
}

func (d *localStagedDir) Abort(context.Context) error {
	err := os.RemoveAll(d.staging)
	if err == nil {
		d.forget()
	}
	return wrapErr("abort", d.path, err)
}

// forget removes the directory's note: it was committed or removed.
func (d *localStagedDir) forget() {
	if d.note != "" {
		os.Remove(d.note)
		d.note = ""
	}
}
