package parquet

import (
	"errors"
	"fmt"
	"io"
	"math"
	"reflect"
	"runtime/debug"
	"strings"
	"time"

	"github.com/apache/arrow-go/v18/parquet"
	"github.com/apache/arrow-go/v18/parquet/compress"
	"github.com/apache/arrow-go/v18/parquet/file"
)

// Defaults of WriterOptions.
const (
	DefaultCompression   = "snappy"
	DefaultRowGroupRows  = 1 << 20
	DefaultRowGroupBytes = 32 << 20 // estimated size of the buffered rows
)

// ErrNoRows is returned by Writer.Close when no row was written: without rows there is no
// schema to write.
var ErrNoRows = errors.New("parquet: no rows to write")

// WriterOptions configures a Writer. The zero value is usable.
type WriterOptions struct {
	// Compression is the codec of the column chunks: "snappy" (the default, as Spark's),
	// "zstd", "gzip" or "none".
	Compression string
	// RowGroupRows and RowGroupBytes bound a row group: it is written when it has that many
	// rows, or when its rows take about that many bytes in memory (DefaultRowGroupRows and
	// DefaultRowGroupBytes when zero).
	RowGroupRows  int
	RowGroupBytes int64
	// Split, when set, is asked about every value first: ok means the value is a group of
	// columns named names holding parts (rdd.Pair: "key" and "value").
	Split func(v any) (names []string, parts []any, ok bool)
}

// Writer writes rows into one Parquet file, inferring its schema from the rows of its
// first row group, the way package display infers a table's columns:
//
//   - a struct (or a pointer to one) makes a column per exported field, named by its tag
//     parquet:"name" (or display:"name"; "-" leaves it out) or its name, nested structs
//     dotted names ("a.b"); a map with string keys a column per key, sorted; a value that
//     WriterOptions.Split splits (a pair) a column per part; any other value one column,
//     "value";
//   - integers are int64 columns (uint64 when some only fit unsigned), numbers mixing
//     integers and floats float64, float32 only when all are; strings, bools and []byte
//     have their own types, time.Time is a timestamp (microseconds, UTC), time.Duration
//     int64 nanoseconds; a slice or array is a list of its elements' type; a column of
//     values of mixed kinds (or of other types) is text, as fmt writes them; a column of
//     nils only has Parquet's null type;
//   - a struct field's static type settles its column's type, narrow integers included
//     (an int16 field is a 16-bit integer column), even when all its values are nil.
//
// Every column is optional (nullable), as Spark writes them. Rows of later row groups
// must fit the schema: a value that does not (a float in an integer column, a map key
// that was never seen) fails with an error naming the column.
type Writer struct {
	out  io.Writer
	opts WriterOptions
	in   *inferrer

	buf      []any
	bufBytes int64
	cols     []*column
	fw       *file.Writer
	rows     int64
	err      error
}

// noCloser hides the Close of the destination from the Parquet library, which would
// close it: the caller commits or aborts it.
type noCloser struct{ io.Writer }

// NewWriter returns a Writer writing a Parquet file to w. Close writes the footer; it does
// not close w.
func NewWriter(w io.Writer, opts WriterOptions) *Writer {
	if opts.RowGroupRows <= 0 {
		opts.RowGroupRows = DefaultRowGroupRows
	}
	if opts.RowGroupBytes <= 0 {
		opts.RowGroupBytes = DefaultRowGroupBytes
	}
	return &Writer{out: noCloser{w}, opts: opts, in: &inferrer{split: opts.Split, root: &node{}}}
}

// CompressionSuffix returns the part of a file name Spark gives a codec: ".snappy" for
// "snappy", ".zstd", ".gz" and "" for "none". An unknown codec is an error.
func CompressionSuffix(codec string) (string, error) {
	c, err := codecOf(codec)
	if err != nil {
		return "", err
	}
	switch c {
	case compress.Codecs.Snappy:
		return ".snappy", nil
	case compress.Codecs.Zstd:
		return ".zstd", nil
	case compress.Codecs.Gzip:
		return ".gz", nil
	}
	return "", nil
}

func codecOf(name string) (compress.Compression, error) {
	switch strings.ToLower(name) {
	case "", "snappy":
		return compress.Codecs.Snappy, nil
	case "zstd":
		return compress.Codecs.Zstd, nil
	case "gzip", "gz":
		return compress.Codecs.Gzip, nil
	case "none", "uncompressed":
		return compress.Codecs.Uncompressed, nil
	}
	return 0, fmt.Errorf("parquet: unknown compression %q (want snappy, zstd, gzip or none)", name)
}

// Rows returns the number of rows written so far.
func (w *Writer) Rows() int64 { return w.rows + int64(len(w.buf)) }

// Columns returns the names of the columns, once the first row group is written (after
// Close for a file of one row group).
func (w *Writer) Columns() []string {
	names := make([]string, len(w.cols))
	for i, c := range w.cols {
		names[i] = c.name
	}
	return names
}

// Write adds a row.
func (w *Writer) Write(row any) error {
	if w.err != nil {
		return w.err
	}
	w.buf = append(w.buf, row)
	w.bufBytes += estimateSize(row, 0)
	if len(w.buf) >= w.opts.RowGroupRows || w.bufBytes >= w.opts.RowGroupBytes {
		return w.flush()
	}
	return nil
}

// Close writes the buffered rows and the footer. With no rows it writes nothing and
// returns ErrNoRows.
func (w *Writer) Close() error {
	if w.err != nil {
		return w.err
	}
	if w.Rows() == 0 {
		return ErrNoRows
	}
	if err := w.flush(); err != nil {
		return err
	}
	if err := w.fw.Close(); err != nil {
		w.err = fmt.Errorf("parquet: writing the footer: %w", err)
		return w.err
	}
	w.err = errors.New("parquet: the writer is closed")
	return nil
}

// flush writes the buffered rows as a row group, inferring the schema first if need be.
func (w *Writer) flush() (err error) {
	if len(w.buf) == 0 {
		return nil
	}
	defer func() {
		if r := recover(); r != nil {
			err = fmt.Errorf("parquet: writing a row group: %v\n%s", r, debug.Stack())
		}
		if err != nil {
			w.err = err
		}
	}()
	if w.fw == nil {
		for _, row := range w.buf {
			w.in.observe(w.in.root, row)
		}
		root, cols, err := w.in.build()
		if err != nil {
			return fmt.Errorf("parquet: inferring the schema: %w", err)
		}
		codec, err := codecOf(w.opts.Compression)
		if err != nil {
			return err
		}
		props := parquet.NewWriterProperties(parquet.WithCompression(codec), parquet.WithStats(true),
			parquet.WithDictionaryDefault(true), parquet.WithCreatedBy("gosparkling (parquet-go 18)"))
		fw, err := file.NewParquetWriterWithError(w.out, root, file.WithWriterProps(props))
		if err != nil {
			return fmt.Errorf("parquet: %w", err)
		}
		w.fw, w.cols = fw, cols
	}
	values := make([][]any, len(w.cols))
	for i := range values {
		values[i] = make([]any, len(w.buf))
	}
	for r, row := range w.buf {
		if err := w.flatten(w.in.root, row, values, r); err != nil {
			return fmt.Errorf("parquet: row %d: %w", w.rows+int64(r), err)
		}
	}
	rg, err := w.fw.AppendRowGroupChecked()
	if err != nil {
		return fmt.Errorf("parquet: %w", err)
	}
	for i, c := range w.cols {
		cw, err := rg.NextColumn()
		if err != nil {
			return fmt.Errorf("parquet: column %q: %w", c.name, err)
		}
		if err := writeColumn(cw, c, values[i]); err != nil {
			return fmt.Errorf("parquet: column %q: %w", c.name, err)
		}
		if err := cw.Close(); err != nil {
			return fmt.Errorf("parquet: column %q: %w", c.name, err)
		}
	}
	if err := rg.Close(); err != nil {
		return fmt.Errorf("parquet: %w", err)
	}
	w.rows += int64(len(w.buf))
	clear(w.buf)
	w.buf, w.bufBytes = w.buf[:0], 0
	return nil
}

// flatten stores the leaf values of v, the value at n of row r, in values.
func (w *Writer) flatten(n *node, v any, values [][]any, r int) error {
	if v == nil {
		return nil
	}
	if n.shape != shapeGroup {
		values[n.leaf][r] = v
		return nil
	}
	if w.opts.Split != nil {
		if names, parts, ok := w.opts.Split(v); ok {
			if n.typ != nil || n.isMap {
				return fmt.Errorf("column group %q holds %T values, and now a %T", n.name, n.typ, v)
			}
			for i, name := range names {
				c := n.byName[name]
				if c == nil {
					return unknownColumn(n, name)
				}
				if err := w.flatten(c, parts[i], values, r); err != nil {
					return err
				}
			}
			return nil
		}
	}
	rv := reflect.ValueOf(v)
	for rv.Kind() == reflect.Pointer {
		if rv.IsNil() {
			return nil
		}
		rv = rv.Elem()
	}
	switch {
	case n.typ != nil:
		if rv.Type() != n.typ {
			return fmt.Errorf("the columns of %s were made for %v values, not %v", groupName(n), n.typ, rv.Type())
		}
		for i, c := range n.children {
			if err := w.flatten(c, rv.Field(n.fields[i]).Interface(), values, r); err != nil {
				return err
			}
		}
	case n.isMap && rv.Kind() == reflect.Map && rv.Type().Key().Kind() == reflect.String:
		iter := rv.MapRange()
		for iter.Next() {
			c := n.byName[iter.Key().String()]
			if c == nil {
				return unknownColumn(n, iter.Key().String())
			}
			if err := w.flatten(c, iter.Value().Interface(), values, r); err != nil {
				return err
			}
		}
	default:
		return fmt.Errorf("the columns of %s were made for values split into parts, not %T", groupName(n), v)
	}
	return nil
}

func groupName(n *node) string {
	if n.name == "" {
		return "the rows"
	}
	return fmt.Sprintf("%q", n.name)
}

func unknownColumn(n *node, name string) error {
	full := name
	if n.name != "" {
		full = n.name + "." + name
	}
	return fmt.Errorf("no column %q in the schema inferred from the first row group: every key must appear in the first rows", full)
}

// estimateSize guesses the bytes a buffered value takes.
func estimateSize(v any, depth int) int64 {
	switch x := v.(type) {
	case nil:
		return 8
	case string:
		return 16 + int64(len(x))
	case []byte:
		return 24 + int64(len(x))
	case map[string]any:
		size := int64(48)
		for k, e := range x {
			size += 32 + int64(len(k)) + estimateSize(e, depth+1)
		}
		return size
	case []any:
		size := int64(24)
		for _, e := range x {
			size += estimateSize(e, depth+1)
		}
		return size
	}
	if depth > 2 {
		return 16
	}
	rv := reflect.ValueOf(v)
	switch rv.Kind() {
	case reflect.Struct:
		size := int64(rv.Type().Size())
		for i := 0; i < rv.NumField(); i++ {
			if f := rv.Field(i); f.Kind() == reflect.String {
				size += int64(f.Len())
			}
		}
		return size
	case reflect.Pointer:
		if rv.IsNil() {
			return 8
		}
		return 8 + estimateSize(rv.Elem().Interface(), depth+1)
	}
	return 16
}

// levels builds the definition and repetition levels of a column and the non-null values
// in order.
func levels(c *column, values []any) (defs, reps []int16, flat []any, err error) {
	defs = make([]int16, 0, len(values))
	if !c.list {
		for _, v := range values {
			v = derefValue(v)
			if v == nil {
				defs = append(defs, 0)
				continue
			}
			defs = append(defs, 1)
			flat = append(flat, v)
		}
		return defs, nil, flat, nil
	}
	reps = make([]int16, 0, len(values))
	for _, v := range values {
		v = derefValue(v)
		if v == nil {
			defs, reps = append(defs, 0), append(reps, 0)
			continue
		}
		rv := reflect.ValueOf(v)
		if k := rv.Kind(); k != reflect.Slice && k != reflect.Array {
			return nil, nil, nil, fmt.Errorf("a list column holds a %T", v)
		}
		if rv.Len() == 0 {
			defs, reps = append(defs, 1), append(reps, 0)
			continue
		}
		for j := 0; j < rv.Len(); j++ {
			rep := int16(1)
			if j == 0 {
				rep = 0
			}
			e := derefValue(rv.Index(j).Interface())
			if e == nil {
				defs, reps = append(defs, 2), append(reps, rep)
				continue
			}
			defs, reps = append(defs, 3), append(reps, rep)
			flat = append(flat, e)
		}
	}
	return defs, reps, flat, nil
}

// derefValue follows pointers, returning nil for a nil pointer, slice or map.
func derefValue(v any) any {
	if v == nil {
		return nil
	}
	rv := reflect.ValueOf(v)
	switch rv.Kind() {
	case reflect.Slice, reflect.Map:
		if rv.IsNil() {
			return nil // a nil slice is a null, an empty one is empty
		}
		return v
	case reflect.Pointer:
	default:
		return v
	}
	for rv.Kind() == reflect.Pointer {
		if rv.IsNil() {
			return nil
		}
		rv = rv.Elem()
	}
	return rv.Interface()
}

// writeColumn writes the values of one column of a row group.
func writeColumn(cw file.ColumnChunkWriter, c *column, values []any) error {
	defs, reps, flat, err := levels(c, values)
	if err != nil {
		return err
	}
	switch c.typ {
	case tNull:
		if len(flat) > 0 {
			return fmt.Errorf("a column of nils holds a %T", flat[0])
		}
		_, err = cw.(*file.Int32ColumnChunkWriter).WriteBatch(nil, defs, reps)
	case tInt64, tDuration, tUint64:
		out := make([]int64, len(flat))
		for i, v := range flat {
			if out[i], err = toInt64(v, c.typ == tUint64); err != nil {
				return err
			}
		}
		_, err = cw.(*file.Int64ColumnChunkWriter).WriteBatch(out, defs, reps)
	case tInt32:
		out := make([]int32, len(flat))
		for i, v := range flat {
			if out[i], err = toInt32(v, c.bits); err != nil {
				return err
			}
		}
		_, err = cw.(*file.Int32ColumnChunkWriter).WriteBatch(out, defs, reps)
	case tFloat32:
		out := make([]float32, len(flat))
		for i, v := range flat {
			n, ok := toNumber(v)
			if !ok {
				return fmt.Errorf("a number column holds a %T", v)
			}
			out[i] = float32(n.float())
		}
		_, err = cw.(*file.Float32ColumnChunkWriter).WriteBatch(out, defs, reps)
	case tFloat64:
		out := make([]float64, len(flat))
		for i, v := range flat {
			n, ok := toNumber(v)
			if !ok {
				return fmt.Errorf("a number column holds a %T", v)
			}
			out[i] = n.float()
		}
		_, err = cw.(*file.Float64ColumnChunkWriter).WriteBatch(out, defs, reps)
	case tBool:
		out := make([]bool, len(flat))
		for i, v := range flat {
			rv := reflect.ValueOf(v)
			if rv.Kind() != reflect.Bool {
				return fmt.Errorf("a bool column holds a %T", v)
			}
			out[i] = rv.Bool()
		}
		_, err = cw.(*file.BooleanColumnChunkWriter).WriteBatch(out, defs, reps)
	case tTimestamp:
		out := make([]int64, len(flat))
		for i, v := range flat {
			t, ok := v.(time.Time)
			if !ok {
				return fmt.Errorf("a time column holds a %T", v)
			}
			out[i] = t.UnixMicro()
		}
		_, err = cw.(*file.Int64ColumnChunkWriter).WriteBatch(out, defs, reps)
	case tString, tText, tBytes:
		out := make([]parquet.ByteArray, len(flat))
		for i, v := range flat {
			switch x := v.(type) {
			case string:
				out[i] = parquet.ByteArray(x)
			case []byte:
				if c.typ == tBytes {
					out[i] = x
				} else {
					out[i] = parquet.ByteArray(formatText(x))
				}
			default:
				rv := reflect.ValueOf(v)
				switch {
				case rv.Kind() == reflect.String:
					out[i] = parquet.ByteArray(rv.String())
				case c.typ == tBytes && rv.Kind() == reflect.Slice && rv.Type().Elem().Kind() == reflect.Uint8:
					out[i] = rv.Bytes()
				case c.typ == tBytes:
					return fmt.Errorf("a bytes column holds a %T", v)
				default:
					out[i] = parquet.ByteArray(formatText(v))
				}
			}
		}
		_, err = cw.(*file.ByteArrayColumnChunkWriter).WriteBatch(out, defs, reps)
	default:
		return fmt.Errorf("unknown column type %d", c.typ)
	}
	return err
}

func toInt64(v any, unsigned bool) (int64, error) {
	rv := reflect.ValueOf(v)
	switch rv.Kind() {
	case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64:
		i := rv.Int()
		if unsigned && i < 0 {
			return 0, fmt.Errorf("an unsigned column holds %d", i)
		}
		return i, nil
	case reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64, reflect.Uintptr:
		u := rv.Uint()
		if !unsigned && u > math.MaxInt64 {
			return 0, fmt.Errorf("an int64 column holds %d", u)
		}
		return int64(u), nil
	}
	return 0, fmt.Errorf("an integer column holds %v (%T)", v, v)
}

func toInt32(v any, bits int8) (int32, error) {
	unsigned := bits < 0
	if unsigned {
		bits = -bits
	}
	i, err := toInt64(v, unsigned)
	if err != nil {
		return 0, err
	}
	var lo, hi int64
	if unsigned {
		lo, hi = 0, 1<<bits-1
	} else {
		lo, hi = -1<<(bits-1), 1<<(bits-1)-1
	}
	if i < lo || i > hi {
		return 0, fmt.Errorf("%d does not fit a %d-bit column", i, bits)
	}
	return int32(uint32(i)), nil
}
