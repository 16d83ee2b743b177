package warc

import (
	"context"
	"fmt"
	"io"

	"github.com/gosparkling/gosparkling/fileio"
	format "github.com/gosparkling/gosparkling/fileio/warc/format"
)

// Open opens the WARC file at path (any path fileio understands: a local path, file://,
// s3://, ...) for reading its records. The file's bytes are read as stored (fileio.OpenRaw),
// so that the records' Offset and Length are positions in the file. Files compressed other
// than with gzip are refused. Close the Reader to close the file.
func Open(ctx context.Context, path string) (*Reader, error) {
	if err := checkCodec(path); err != nil {
		return nil, err
	}
	f, err := fileio.OpenRaw(ctx, path)
	if err != nil {
		return nil, fmt.Errorf("warc: %w", err)
	}
	return format.NewFileReader(f, path, 0), nil
}

// ReadRecordAt reads the one record stored in the byte range [offset, offset+length) of the
// file at path: a Record's Offset and Length, or a Common Crawl index entry's
// warc_record_offset and warc_record_length. Only that range is fetched (a ranged GET on
// object stores). A negative length reads from offset to the end of the file, of which only
// the first record is parsed. The Record's Offset is offset.
func ReadRecordAt(ctx context.Context, path string, offset, length int64) (*Record, error) {
	if err := checkCodec(path); err != nil {
		return nil, err
	}
	fsys, err := fileio.For(path)
	if err != nil {
		return nil, fmt.Errorf("warc: %w", err)
	}
	f, err := fsys.OpenRange(ctx, path, offset, length)
	if err != nil {
		return nil, fmt.Errorf("warc: %w", err)
	}
	r := format.NewFileReader(f, path, offset)
	defer r.Close()
	rec, err := r.Next()
	if err == io.EOF {
		return nil, &Error{Path: path, Offset: offset, Err: fmt.Errorf("%w: no record in the %d bytes at this offset", ErrTruncated, length)}
	}
	return rec, err
}

// checkCodec refuses files that fileio would decode with a codec other than gzip.
func checkCodec(path string) error {
	if c := fileio.CodecFor(path); c != "" && c != fileio.Gzip {
		return fmt.Errorf("warc: %s: %s-compressed WARC files are not supported (only gzip, or no compression)", path, c)
	}
	return nil
}
