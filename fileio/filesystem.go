package fileio

import (
	"context"
	"fmt"
	"io"
	"maps"
	"slices"
	"strings"
	"time"
)

// FileInfo describes one file (or, from Stat only, one directory).
type FileInfo struct {
	Path    string    // the full path, spelled like the expression it came from ("data/a.txt", "file:///data/a.txt")
	Size    int64     // size in bytes as stored (the compressed size for .gz and the like)
	ModTime time.Time // last modification; zero when the file system does not tell
	IsDir   bool      // set by Stat for a directory; List and Expand return files only
}

// ListRequest asks a FileSystem for the entries whose full path starts with Prefix, the way an
// object store lists keys: Prefix "/data/2024-" finds "/data/2024-01.txt" and "/data/2024-02/".
type ListRequest struct {
	Prefix string
	// Recursive lists every file below Prefix at any depth. Otherwise the listing stops at the
	// next "/" after Prefix (an object store's delimiter "/"), reporting sub-directories in Dirs.
	Recursive bool
	// PageToken is "" for the first page and ListPage.Next of the previous page after that.
	PageToken string
}

// ListPage is one page of a listing.
type ListPage struct {
	Files []FileInfo // files, in no particular order
	Dirs  []string   // sub-directories (full paths, no trailing "/"); only when not Recursive
	Next  string     // token of the next page; "" on the last page
}

// FileWriter is a file being written. Close commits it: the file appears under its name
// complete or not at all. Abort discards everything written instead.
type FileWriter interface {
	io.WriteCloser
	Abort() error
}

// FileSystem is one kind of storage: the local disks, an object store, web servers. Paths
// are full paths as the user spells them, scheme included ("s3://bucket/key",
// "file:///tmp/x", "/tmp/x"); every FileInfo a FileSystem returns uses the same spelling, so
// its Path can be passed back to Open. Errors are *Error values naming the path.
type FileSystem interface {
	// Open streams the bytes of a file as stored (no decoding).
	Open(ctx context.Context, path string) (io.ReadCloser, error)
	// OpenRange streams length bytes from offset (length < 0: to the end of the file).
	// A range beyond the end of the file yields fewer bytes, or none.
	OpenRange(ctx context.Context, path string, offset, length int64) (io.ReadCloser, error)
	// Stat describes a file or a directory (on object stores: a prefix followed by "/" under
	// which objects exist). A missing path gives an error for which
	// errors.Is(err, fs.ErrNotExist) holds.
	Stat(ctx context.Context, path string) (FileInfo, error)
	// List returns one page of the entries under a prefix. A prefix under which nothing exists
	// gives an empty page, not an error. A file system that cannot list returns
	// ErrListingUnsupported.
	List(ctx context.Context, req ListRequest) (ListPage, error)
	// Create starts writing a file, replacing any file of that name when committed and
	// creating missing parent directories.
	Create(ctx context.Context, path string) (FileWriter, error)
}

// FileSystems maps a URL scheme ("file", "s3", "http", "https") to the FileSystem that
// serves it. A bare path (no scheme) belongs to "file". A program that needs a configured file
// system (credentials, an endpoint) builds its own FileSystems from Default and uses the
// methods; the package-level functions use Default.
type FileSystems map[string]FileSystem

// Default returns a new FileSystems with every file system this package provides: "file"
// (bare paths and file:// URLs) served by Local, "s3" by an S3 configured from the
// environment, "http" and "https" by an HTTP with default options. The S3 and HTTP file
// systems are shared by every FileSystems Default returns, so that the AWS configuration is
// read and credentials looked up once per process (at the first s3:// request, not here) and
// connections are reused.
func Default() FileSystems {
	return FileSystems{"file": Local{}, "s3": sharedS3, "http": sharedHTTP, "https": sharedHTTP}
}

// For returns the FileSystem that serves path, chosen by its scheme.
func (m FileSystems) For(path string) (FileSystem, error) {
	scheme := schemeOf(path)
	if scheme == "" {
		scheme = "file"
	}
	if fsys, ok := m[scheme]; ok {
		return fsys, nil
	}
	known := slices.Sorted(maps.Keys(m))
	return nil, &Error{Op: "resolve", Path: path,
		Err: fmt.Errorf("no file system for scheme %q (known: %s)", scheme, strings.Join(known, ", "))}
}

// Stat describes the file or directory at path.
func (m FileSystems) Stat(ctx context.Context, path string) (FileInfo, error) {
	fsys, err := m.For(path)
	if err != nil {
		return FileInfo{}, err
	}
	return fsys.Stat(ctx, path)
}

// OpenRaw streams the bytes of a file as stored, without decoding.
func (m FileSystems) OpenRaw(ctx context.Context, path string) (io.ReadCloser, error) {
	fsys, err := m.For(path)
	if err != nil {
		return nil, err
	}
	return fsys.Open(ctx, path)
}

// Create starts writing the file at path; see FileSystem.Create and FileWriter.
func (m FileSystems) Create(ctx context.Context, path string) (FileWriter, error) {
	fsys, err := m.For(path)
	if err != nil {
		return nil, err
	}
	return fsys.Create(ctx, path)
}

// For returns the FileSystem of Default that serves path.
func For(path string) (FileSystem, error) { return Default().For(path) }

// Stat describes the file or directory at path, using Default.
func Stat(ctx context.Context, path string) (FileInfo, error) { return Default().Stat(ctx, path) }

// OpenRaw streams the bytes of a file as stored, without decoding, using Default.
func OpenRaw(ctx context.Context, path string) (io.ReadCloser, error) {
	return Default().OpenRaw(ctx, path)
}

// Create starts writing the file at path, using Default; see FileSystem.Create.
func Create(ctx context.Context, path string) (FileWriter, error) {
	return Default().Create(ctx, path)
}

// schemeOf returns the lower-cased URL scheme of path, or "" for a bare path. Besides
// "scheme://", Hadoop's "file:/path" spelling is recognised.
func schemeOf(path string) string {
	if strings.HasPrefix(path, "file:") {
		return "file"
	}
	i := strings.Index(path, "://")
	if i <= 0 {
		return ""
	}
	for j, c := range path[:i] {
		letter := 'a' <= c && c <= 'z' || 'A' <= c && c <= 'Z'
		if !letter && (j == 0 || !('0' <= c && c <= '9' || c == '+' || c == '-' || c == '.')) {
			return ""
		}
	}
	return strings.ToLower(path[:i])
}

// splitRoot splits path into its root and the rest: "s3://bucket/a/b" gives "s3://bucket/"
// and "a/b"; "file:///a/b" gives "file:///" and "a/b"; "/a/b" gives "/" and "a/b"; a relative
// "a/b" gives "" and "a/b".
func splitRoot(path string) (root, rest string) {
	if i := strings.Index(path, "://"); i > 0 && schemeOf(path) != "" {
		j := strings.IndexByte(path[i+3:], '/')
		if j < 0 {
			return path + "/", ""
		}
		cut := i + 3 + j + 1
		return path[:cut], path[cut:]
	}
	if strings.HasPrefix(path, "file:/") {
		return "file:/", path[len("file:/"):]
	}
	if strings.HasPrefix(path, "/") {
		return "/", path[1:]
	}
	return "", path
}

// joinPath appends a name to a directory path of any scheme.
func joinPath(dir, name string) string {
	if dir == "" || strings.HasSuffix(dir, "/") {
		return dir + name
	}
	return dir + "/" + name
}

// checkContext returns an *Error naming path if ctx is done.
func checkContext(ctx context.Context, op, path string) error {
	if err := ctx.Err(); err != nil {
		return &Error{Op: op, Path: path, Err: err}
	}
	return nil
}
