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
	"syscall"
)

// Local is the FileSystem of this machine's disks. It serves bare paths ("data/x.txt",
// "/tmp/x") and file URLs ("file:///tmp/x", "file://localhost/tmp/x" and Hadoop's
// "file:/tmp/x"); URL paths are taken literally (no %-decoding). Symbolic links to files and
// directories are followed, except that a recursive listing does not descend into linked
// directories (which could form cycles).
type Local struct{}

// localPath converts a bare path or file URL into an operating-system path.
func localPath(op, path string) (string, error) {
	if !strings.HasPrefix(path, "file:") {
		if path == "" {
			return ".", nil
		}
		return filepath.FromSlash(path), nil
	}
	rest := strings.TrimPrefix(path, "file:")
	if strings.HasPrefix(rest, "//") {
		rest = rest[2:]
		if strings.HasPrefix(rest, "localhost/") {
			rest = rest[len("localhost"):]
		}
		if !strings.HasPrefix(rest, "/") {
			return "", &Error{Op: op, Path: path, Err: errors.New(`a file URL must be "file:///absolute/path" (no host)`)}
		}
	}
	if !strings.HasPrefix(rest, "/") {
		return "", &Error{Op: op, Path: path, Err: errors.New("a file URL needs an absolute path")}
	}
	return filepath.FromSlash(rest), nil
}

// Open streams the bytes of a local file.
func (Local) Open(ctx context.Context, path string) (io.ReadCloser, error) {
	return openLocal(ctx, path, 0, -1)
}

// OpenRange streams length bytes of a local file from offset (length < 0: to the end).
func (Local) OpenRange(ctx context.Context, path string, offset, length int64) (io.ReadCloser, error) {
	if offset < 0 {
		return nil, &Error{Op: "open", Path: path, Err: errors.New("negative offset")}
	}
	return openLocal(ctx, path, offset, length)
}

func openLocal(ctx context.Context, path string, offset, length int64) (io.ReadCloser, error) {
	if err := checkContext(ctx, "open", path); err != nil {
		return nil, err
	}
	osPath, err := localPath("open", path)
	if err != nil {
		return nil, err
	}
	f, err := os.Open(osPath)
	if err != nil {
		return nil, wrapErr("open", path, err)
	}
	info, err := f.Stat()
	if err == nil && info.IsDir() {
		err = syscall.EISDIR
	}
	if err == nil && offset > 0 {
		_, err = f.Seek(offset, io.SeekStart)
	}
	if err != nil {
		f.Close()
		return nil, wrapErr("open", path, err)
	}
	var r io.Reader = f
	if length >= 0 {
		r = io.LimitReader(f, length)
	}
	return &localReader{ctx: ctx, done: ctx.Done(), path: path, r: r, f: f}, nil
}

// localReader reads a local file, naming the path in its errors and stopping when its
// context is cancelled.
type localReader struct {
	ctx  context.Context
	done <-chan struct{}
	path string
	r    io.Reader
	f    *os.File
}

func (r *localReader) Read(p []byte) (int, error) {
	if r.done != nil {
		select {
		case <-r.done:
			return 0, &Error{Op: "read", Path: r.path, Err: r.ctx.Err()}
		default:
		}
	}
	n, err := r.r.Read(p)
	if err != nil && err != io.EOF {
		err = wrapErr("read", r.path, err)
	}
	return n, err
}

func (r *localReader) Close() error { return wrapErr("close", r.path, r.f.Close()) }

// Stat describes a local file or directory, following symbolic links.
func (Local) Stat(ctx context.Context, path string) (FileInfo, error) {
	if err := checkContext(ctx, "stat", path); err != nil {
		return FileInfo{}, err
	}
	osPath, err := localPath("stat", path)
	if err != nil {
		return FileInfo{}, err
	}
	info, err := os.Stat(osPath)
	if err != nil {
		return FileInfo{}, wrapErr("stat", path, err)
	}
	return fileInfo(path, info), nil
}

func fileInfo(path string, info fs.FileInfo) FileInfo {
	return FileInfo{Path: path, Size: info.Size(), ModTime: info.ModTime(), IsDir: info.IsDir()}
}

// List lists a local directory level (or, if req.Recursive, the whole tree below it) in one
// page. Entries are sorted by path.
func (Local) List(ctx context.Context, req ListRequest) (ListPage, error) {
	if err := checkContext(ctx, "list", req.Prefix); err != nil {
		return ListPage{}, err
	}
	if req.PageToken != "" {
		return ListPage{}, &Error{Op: "list", Path: req.Prefix, Err: errors.New("invalid page token")}
	}
	cut := strings.LastIndexByte(req.Prefix, '/') + 1
	dir, namePrefix := req.Prefix[:cut], req.Prefix[cut:]
	osDir, err := localPath("list", dir)
	if err != nil {
		return ListPage{}, err
	}
	var page ListPage
	if err := listLocalDir(ctx, &page, req.Prefix, dir, osDir, namePrefix, req.Recursive); err != nil {
		return ListPage{}, err
	}
	slices.SortFunc(page.Files, func(a, b FileInfo) int { return strings.Compare(a.Path, b.Path) })
	slices.Sort(page.Dirs)
	return page, nil
}

// listLocalDir adds the entries of osDir whose names start with namePrefix to page; dir is
// the caller's spelling of osDir (empty or ending in "/").
func listLocalDir(ctx context.Context, page *ListPage, prefix, dir, osDir, namePrefix string, recursive bool) error {
	if err := checkContext(ctx, "list", prefix); err != nil {
		return err
	}
	entries, err := os.ReadDir(osDir)
	if err != nil {
		if errors.Is(err, fs.ErrNotExist) || errors.Is(err, syscall.ENOTDIR) {
			return nil // nothing under this prefix
		}
		return wrapErr("list", dir, err)
	}
	for _, entry := range entries {
		name := entry.Name()
		if !strings.HasPrefix(name, namePrefix) {
			continue
		}
		full, osFull := dir+name, filepath.Join(osDir, name)
		linked := entry.Type()&fs.ModeSymlink != 0
		var info fs.FileInfo
		if linked {
			info, err = os.Stat(osFull)
		} else {
			info, err = entry.Info()
		}
		if errors.Is(err, fs.ErrNotExist) {
			continue // deleted meanwhile, or a dangling link
		}
		if err != nil {
			return wrapErr("list", full, err)
		}
		switch {
		case !info.IsDir():
			page.Files = append(page.Files, fileInfo(full, info))
		case !recursive:
			page.Dirs = append(page.Dirs, full)
		case !linked:
			if err := listLocalDir(ctx, page, prefix, full+"/", osFull, "", true); err != nil {
				return err
			}
		}
	}
	return nil
}

// Create writes a local file atomically: the bytes go to a hidden temporary file in the same
// directory, which Close renames to path (replacing an existing file) and Abort removes.
// Missing parent directories are created.
func (Local) Create(ctx context.Context, path string) (FileWriter, error) {
	if err := checkContext(ctx, "create", path); err != nil {
		return nil, err
	}
	osPath, err := localPath("create", path)
	if err != nil {
		return nil, err
	}
	if strings.HasSuffix(path, "/") {
		return nil, &Error{Op: "create", Path: path, Err: syscall.EISDIR}
	}
	dir := filepath.Dir(osPath)
	if err := os.MkdirAll(dir, 0o777); err != nil {
		return nil, wrapErr("create", path, err)
	}
	f, err := os.CreateTemp(dir, "."+filepath.Base(osPath)+".tmp-*")
	if err != nil {
		return nil, wrapErr("create", path, err)
	}
	return &localWriter{ctx: ctx, done: ctx.Done(), path: path, osPath: osPath, f: f}, nil
}

// localWriter is the FileWriter of Local.Create.
type localWriter struct {
	ctx    context.Context
	done   <-chan struct{}
	path   string
	osPath string
	f      *os.File
	err    error // first write error; Close then discards the file
	closed bool
}

func (w *localWriter) Write(p []byte) (int, error) {
	if w.closed {
		return 0, &Error{Op: "write", Path: w.path, Err: fs.ErrClosed}
	}
	if w.err != nil {
		return 0, w.err
	}
	if w.done != nil {
		select {
		case <-w.done:
			w.err = &Error{Op: "write", Path: w.path, Err: w.ctx.Err()}
			return 0, w.err
		default:
		}
	}
	n, err := w.f.Write(p)
	if err != nil {
		w.err = wrapErr("write", w.path, err)
	}
	return n, w.err
}

// Close commits the file under its name, unless a write failed: then it discards the file and
// returns the write error.
func (w *localWriter) Close() error {
	if w.closed {
		return &Error{Op: "close", Path: w.path, Err: fs.ErrClosed}
	}
	if w.err != nil {
		w.Abort()
		return w.err
	}
	w.closed = true
	tmp := w.f.Name()
	err := w.f.Chmod(0o644)
	if err == nil {
		// The bytes reach the disk before the name does: a crash after the rename cannot
		// leave the file under its name, empty or short.
		err = w.f.Sync()
	}
	if closeErr := w.f.Close(); err == nil {
		err = closeErr
	}
	if err == nil {
		err = os.Rename(tmp, w.osPath)
	}
	if err == nil {
		err = syncDir(filepath.Dir(w.osPath))
	}
	if err != nil {
		os.Remove(tmp)
		return wrapErr("create", w.path, err)
	}
	return nil
}

// syncDir flushes a directory's entries (a rename into it) to the disk.
func syncDir(dir string) error {
	d, err := os.Open(dir)
	if err != nil {
		return err
	}
	err = d.Sync()
	if closeErr := d.Close(); err == nil {
		err = closeErr
	}
	return err
}

// Abort discards the file; nothing appears under its name.
func (w *localWriter) Abort() error {
	if w.closed {
		return nil
	}
	w.closed = true
	w.f.Close()
	if err := os.Remove(w.f.Name()); err != nil {
		return wrapErr("abort", w.path, err)
	}
	return nil
}
