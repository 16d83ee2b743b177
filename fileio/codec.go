package fileio

import (
	"bufio"
	stdbzip2 "compress/bzip2"
	"context"
	"errors"
	"fmt"
	"io"
	"strings"

	dsbzip2 "github.com/dsnet/compress/bzip2"
	"github.com/klauspost/compress/gzip"
	"github.com/klauspost/compress/zstd"
	"github.com/ulikunitz/xz"
)

// Codec names accepted by NewDecoder, NewEncoder and CodecSuffix. The empty name means no
// compression.
const (
	Gzip  = "gzip"  // suffix .gz; concatenated members are read as one stream
	Bzip2 = "bzip2" // suffix .bz2
	Xz    = "xz"    // suffix .xz
	Zstd  = "zstd"  // suffix .zst
)

// decodeBufferSize is the read-ahead buffer between a file and its decoder.
const decodeBufferSize = 64 << 10

// CodecFor returns the name of the codec a file is compressed with, judged by the suffix of
// its name (".gz", ".bz2", ".xz", ".zst", as Hadoop does: case matters), or "" for none. The
// query of an http(s) URL is ignored.
func CodecFor(path string) string {
	if s := schemeOf(path); s == "http" || s == "https" {
		if i := strings.IndexAny(path, "?#"); i >= 0 {
			path = path[:i]
		}
	}
	switch {
	case strings.HasSuffix(path, ".gz"):
		return Gzip
	case strings.HasSuffix(path, ".bz2"):
		return Bzip2
	case strings.HasSuffix(path, ".xz"):
		return Xz
	case strings.HasSuffix(path, ".zst"):
		return Zstd
	}
	return ""
}

// Splittable reports whether a file can be read in independent byte ranges (see OpenSplit):
// true unless its name says it is compressed.
func Splittable(path string) bool { return CodecFor(path) == "" }

// CodecSuffix returns the file-name suffix a codec adds (".gz" for "gzip", "" for "" and
// "none").
func CodecSuffix(codec string) (string, error) {
	switch normalizeCodec(codec) {
	case "":
		return "", nil
	case Gzip:
		return ".gz", nil
	case Bzip2:
		return ".bz2", nil
	case Xz:
		return ".xz", nil
	case Zstd:
		return ".zst", nil
	}
	return "", unknownCodec(codec)
}

func normalizeCodec(codec string) string {
	codec = strings.ToLower(strings.TrimSpace(codec))
	if codec == "none" {
		return ""
	}
	return codec
}

func unknownCodec(codec string) error {
	return fmt.Errorf("fileio: unknown codec %q (known: gzip, bzip2, xz, zstd, none)", codec)
}

// Open opens a file for reading and decodes it by its suffix (see CodecFor); other files are
// read as they are. Read errors, a corrupt or a truncated compressed stream included, name
// the file. An empty (zero-byte) compressed file reads as empty.
func (m FileSystems) Open(ctx context.Context, path string) (io.ReadCloser, error) {
	raw, err := m.OpenRaw(ctx, path)
	if err != nil {
		return nil, err
	}
	codec := CodecFor(path)
	if codec == "" {
		return raw, nil
	}
	dec, err := NewDecoder(raw, codec)
	if err != nil {
		raw.Close()
		return nil, wrapErr("open", path, err)
	}
	return &decodedFile{path: path, dec: dec, raw: raw}, nil
}

// Open opens a file for reading, decoded by its suffix, using Default; see FileSystems.Open.
func Open(ctx context.Context, path string) (io.ReadCloser, error) {
	return Default().Open(ctx, path)
}

// decodedFile is a decoder over a file; it names the file in errors and closes both.
type decodedFile struct {
	path string
	dec  io.ReadCloser
	raw  io.ReadCloser
}

func (f *decodedFile) Read(p []byte) (int, error) {
	n, err := f.dec.Read(p)
	if err != nil && err != io.EOF {
		err = wrapErr("read", f.path, err)
	}
	return n, err
}

func (f *decodedFile) Close() error {
	err := f.dec.Close()
	if rawErr := f.raw.Close(); err == nil {
		err = rawErr
	}
	return wrapErr("close", f.path, err)
}

// NewDecoder returns a reader of the data that r holds compressed with codec ("" or "none":
// r's bytes as they are). Concatenated streams (gzip members, bzip2 or xz streams, zstd
// frames) are read one after the other; an empty r reads as empty. Closing the decoder
// releases its memory but does not close r. Decoding errors start with the codec's name.
func NewDecoder(r io.Reader, codec string) (io.ReadCloser, error) {
	codec = normalizeCodec(codec)
	switch codec {
	case "":
		return io.NopCloser(r), nil
	case Gzip, Bzip2, Xz, Zstd:
		return &decoder{codec: codec, src: bufio.NewReaderSize(r, decodeBufferSize)}, nil
	}
	return nil, unknownCodec(codec)
}

// decoder decodes one codec, starting the decompressor at the first Read.
type decoder struct {
	codec string
	src   *bufio.Reader
	dec   io.Reader
	close func() error
	err   error // sticky error (io.EOF included)
}

func (d *decoder) Read(p []byte) (int, error) {
	if d.err != nil {
		return 0, d.err
	}
	if d.dec == nil {
		if err := d.start(); err != nil {
			d.err = err
			return 0, err
		}
	}
	n, err := d.dec.Read(p)
	if err != nil && err != io.EOF {
		err = d.wrap(err)
		d.err = err
	}
	return n, err
}

func (d *decoder) start() error {
	if _, err := d.src.Peek(1); err != nil {
		if err == io.EOF {
			return io.EOF // an empty file holds no data
		}
		return err
	}
	switch d.codec {
	case Gzip:
		zr, err := gzip.NewReader(d.src)
		if err != nil {
			return d.wrap(err)
		}
		d.dec, d.close = zr, zr.Close
	case Bzip2:
		d.dec = stdbzip2.NewReader(d.src)
	case Xz:
		xr, err := xz.NewReader(d.src)
		if err != nil {
			return d.wrap(err)
		}
		d.dec = xr
	case Zstd:
		zr, err := zstd.NewReader(d.src, zstd.WithDecoderConcurrency(1))
		if err != nil {
			return d.wrap(err)
		}
		d.dec, d.close = zr, func() error { zr.Close(); return nil }
	}
	return nil
}

// wrap prefixes a decoding error with the codec's name; errors of the underlying reader
// (which already name their file) pass unchanged.
func (d *decoder) wrap(err error) error {
	var fe *Error
	if errors.As(err, &fe) {
		return err
	}
	if err == io.EOF {
		err = io.ErrUnexpectedEOF // a stream cut off inside its header
	}
	if strings.HasPrefix(err.Error(), d.codec) {
		return err
	}
	return fmt.Errorf("%s: %w", d.codec, err)
}

func (d *decoder) Close() error {
	d.err = errors.New("read after Close")
	if d.close != nil {
		c := d.close
		d.close = nil
		return c()
	}
	return nil
}

// NewEncoder returns a writer that compresses into w with codec ("gzip", "bzip2", "xz",
// "zstd"; "" or "none" passes bytes through). Its Close finishes the compressed stream and
// then closes w; if finishing fails, w is aborted instead when it is a FileWriter. Its Abort
// aborts w (or just closes it when w is not a FileWriter).
func NewEncoder(w io.WriteCloser, codec string) (FileWriter, error) {
	var enc io.WriteCloser
	var err error
	switch normalizeCodec(codec) {
	case "":
	case Gzip:
		enc = gzip.NewWriter(w)
	case Bzip2:
		enc, err = dsbzip2.NewWriter(w, &dsbzip2.WriterConfig{Level: dsbzip2.DefaultCompression})
	case Xz:
		enc, err = xz.NewWriter(w)
	case Zstd:
		enc, err = zstd.NewWriter(w, zstd.WithEncoderConcurrency(1))
	default:
		return nil, unknownCodec(codec)
	}
	if err != nil {
		return nil, fmt.Errorf("fileio: start %s encoder: %w", codec, err)
	}
	return &encoder{enc: enc, dst: w}, nil
}

// encoder is the FileWriter of NewEncoder; enc is nil for no compression.
type encoder struct {
	enc io.WriteCloser
	dst io.WriteCloser
}

func (e *encoder) Write(p []byte) (int, error) {
	if e.enc == nil {
		return e.dst.Write(p)
	}
	return e.enc.Write(p)
}

func (e *encoder) Close() error {
	if e.enc != nil {
		if err := e.enc.Close(); err != nil {
			e.Abort()
			return err
		}
	}
	return e.dst.Close()
}

func (e *encoder) Abort() error {
	if a, ok := e.dst.(FileWriter); ok {
		return a.Abort()
	}
	return e.dst.Close()
}
