// Package fileio finds and reads the files behind a path expression: comma-separated lists,
// directories and globs on any file system it knows (local paths and file:// URLs, s3://
// object stores, read-only http(s):// servers), decoding each file by its
// suffix (.gz, .bz2, .xz, .zst) and splitting text into lines the way Hadoop's
// LineRecordReader does, including reading one byte range ("split") of a large file.
//
// Everything streams: no file is ever read whole into memory. A FileSystem reports errors as
// *Error values that name the path, so a message reads like
//
//	fileio: open /data/x.txt: no such file or directory
//
// and errors.Is(err, fs.ErrNotExist) still works.
package fileio
