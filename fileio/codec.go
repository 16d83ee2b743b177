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

// A codec is one compression format: its name, the suffix of the files it
// compresses, and how to start its decoder and its encoder.
type codec struct {
	name   string
	suffix string
	// decode starts a decompressor over r; close, when not nil, releases it.
	decode func(r io.Reader) (dec io.Reader, close func() error, err error)
	encode func(w io.Writer) (io.WriteCloser, error)
}

// codecs is every codec this package reads and writes: adding one here
// adds it to CodecFor, CodecSuffix, NewDecoder and NewEncoder.
var codecs = []codec{
	{name: Gzip, suffix: ".gz",
		decode: func(r io.Reader) (io.Reader, func() error, error) {
			zr, err := gzip.NewReader(r)
			if err != nil {
				return nil, nil, err
			}
			return zr, zr.Close, nil
		},
		encode: func(w io.Writer) (io.WriteCloser, error) { return gzip.NewWriter(w), nil }},
	{name: Bzip2, suffix: ".bz2",
		decode: func(r io.Reader) (io.Reader, func() error, error) { return stdbzip2.NewReader(r), nil, nil },
		encode: func(w io.Writer) (io.WriteCloser, error) {
			return dsbzip2.NewWriter(w, &dsbzip2.WriterConfig{Level: dsbzip2.DefaultCompression})
		}},
	{name: Xz, suffix: ".xz",
		decode: func(r io.Reader) (io.Reader, func() error, error) {
			xr, err := xz.NewReader(r)
			return xr, nil, err
		},
		encode: func(w io.Writer) (io.WriteCloser, error) { return xz.NewWriter(w) }},
	{name: Zstd, suffix: ".zst",
		decode: func(r io.Reader) (io.Reader, func() error, error) {
			zr, err := zstd.NewReader(r, zstd.WithDecoderConcurrency(1))
			if err != nil {
				return nil, nil, err
			}
			return zr, func() error { zr.Close(); return nil }, nil
		},
		encode: func(w io.Writer) (io.WriteCloser, error) { return zstd.NewWriter(w, zstd.WithEncoderConcurrency(1)) }},
}

// codecNamed returns the codec of a name CodecFor gives or a user passes
// ("" and "none": no codec, ok).
func codecNamed(name string) (c *codec, ok bool) {
	name = normalizeCodec(name)
	if name == "" {
		return nil, true
	}
	for i := range codecs {
		if codecs[i].name == name {
			return &codecs[i], true
		}
	}
	return nil, false
}

// CodecFor returns the name of the codec a file is compressed with, judged by the suffix of
// its name (".gz", ".bz2", ".xz", ".zst", as Hadoop does: case matters), or "" for none. The
// query of an http(s) URL is ignored.
func CodecFor(path string) string {
	if s := schemeOf(path); s == "http" || s == "https" {
		if i := strings.IndexAny(path, "?#"); i >= 0 {
			path = path[:i]
		}
	}
	for _, c := range codecs {
		if strings.HasSuffix(path, c.suffix) {
			return c.name
		}
	}
	return ""
}

// Splittable reports whether a file can be read in independent byte ranges (see OpenSplit):
// true unless its name says it is compressed.
func Splittable(path string) bool { return CodecFor(path) == "" }

// CodecSuffix returns the file-name suffix a codec adds (".gz" for "gzip", "" for "" and
// "none").
func CodecSuffix(codec string) (string, error) {
	c, ok := codecNamed(codec)
	switch {
	case !ok:
		return "", unknownCodec(codec)
	case c == nil:
		return "", nil
	}
	return c.suffix, nil
}

func normalizeCodec(codec string) string {
	codec = strings.ToLower(strings.TrimSpace(codec))
	if codec == "none" {
		return ""
	}
	return codec
}

func unknownCodec(codec string) error {
	known := make([]string, 0, len(codecs)+1)
	for _, c := range codecs {
		known = append(known, c.name)
	}
	return fmt.Errorf("fileio: unknown codec %q (known: %s, none)", codec, strings.Join(known, ", "))
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
	c, ok := codecNamed(codec)
	switch {
	case !ok:
		return nil, unknownCodec(codec)
	case c == nil:
		return io.NopCloser(r), nil
	}
	return &decoder{codec: c, src: bufio.NewReaderSize(r, decodeBufferSize)}, nil
}

// decoder decodes one codec, starting the decompressor at the first Read.
type decoder struct {
	codec *codec
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
	dec, closeDec, err := d.codec.decode(d.src)
	if err != nil {
		return d.wrap(err)
	}
	d.dec, d.close = dec, closeDec
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
	if strings.HasPrefix(err.Error(), d.codec.name) {
		return err
	}
	return fmt.Errorf("%s: %w", d.codec.name, err)
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
	c, ok := codecNamed(codec)
	if !ok {
		return nil, unknownCodec(codec)
	}
	var enc io.WriteCloser
	if c != nil {
		var err error
		if enc, err = c.encode(w); err != nil {
			return nil, fmt.Errorf("fileio: start %s encoder: %w", c.name, err)
		}
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
