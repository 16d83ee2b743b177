package fileio

import (
	"errors"
	"io/fs"
)

// Error is the error returned by this package: the operation that failed, the path it was
// applied to (as the caller spelled it) and the cause.
type Error struct {
	Op   string // "open", "read", "stat", "list", "glob", "create", "write", ...
	Path string // the path as given by the caller, e.g. "file:///data/x.txt"
	Err  error  // the cause
}

// Error formats the error as "fileio: <op> <path>: <cause>".
func (e *Error) Error() string {
	return "fileio: " + e.Op + " " + e.Path + ": " + e.Err.Error()
}

// Unwrap returns the cause, so that errors.Is(err, fs.ErrNotExist) works.
func (e *Error) Unwrap() error { return e.Err }

// ErrNoMatch is the cause reported when a glob matches no file. errors.Is(ErrNoMatch,
// fs.ErrNotExist) is true, so callers can treat it like a missing file.
var ErrNoMatch error = noMatchError{}

type noMatchError struct{}

func (noMatchError) Error() string { return "no files match" }

func (noMatchError) Is(target error) bool { return target == fs.ErrNotExist }

// ErrIncompleteOutput is the cause reported when a directory to be read is the output of a
// job that did not finish committing: it has entries under _temporary/ (where Hadoop's jobs
// and gosparkling's S3 commits keep what is not committed yet) but no _SUCCESS marker.
// Reading it would give part of the output as if it were all of it.
var ErrIncompleteOutput = errors.New("incomplete output: the job writing this directory did not commit " +
	"(it failed or was killed; _temporary/ exists but no _SUCCESS); rerun it, or remove the directory (fileio.CleanupDir removes what the job left)")

// ErrListingUnsupported is returned by FileSystem.List on a file system that cannot list
// (plain HTTP servers, for example). Expand then treats every path on it literally.
var ErrListingUnsupported = errors.New("listing is not supported on this file system")

// wrapErr attaches op and path to err. An error that already names its path (an *Error) is
// returned as is; an *fs.PathError is replaced by its cause so that the operating system's spelling of the path does not appear twice.
func wrapErr(op, path string, err error) error {
	if err == nil {
		return nil
	}
	var fe *Error
	if errors.As(err, &fe) {
		return err
	}
	var pe *fs.PathError
	if errors.As(err, &pe) {
		err = pe.Err
	}
	return &Error{Op: op, Path: path, Err: err}
}
