// Package display turns the value of a notebook cell into a Jupyter MIME
// bundle.
//
// Tabular values (slices, arrays, maps and Arrow record batches) are
// converted into an Arrow record batch with an inferred schema (see
// ToRecord) and shown as an HTML table and an aligned text table, both
// limited to the first rows so that the output stays small whatever the
// size of the value. Any other value is shown as text only.
package display

import (
	"fmt"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/memory"
)

// DefaultMaxRows is the number of rows shown when Options.MaxRows is not
// set, as in Spark's DataFrame.show.
const DefaultMaxRows = 20

// DefaultMaxCellWidth is the number of characters after which a cell is
// shortened when Options.MaxCellWidth is not set.
const DefaultMaxCellWidth = 100

// Options tune how tabular values are shown. The zero value uses the
// defaults.
type Options struct {
	// MaxRows is the number of rows shown; the rest are counted in a
	// "… N more rows" notice. Zero or less means DefaultMaxRows.
	MaxRows int
	// MaxCellWidth is the number of characters after which a cell is
	// shortened with an ellipsis (the HTML keeps the full value in the
	// cell's title for hovering). Zero or less means DefaultMaxCellWidth.
	MaxCellWidth int
}

// Bundle returns the MIME bundle for a cell's value with default Options:
// "text/plain" always, and "text/html" for tabular values.
func Bundle(v any) map[string]any {
	return Options{}.Bundle(v)
}

// Bundle returns the MIME bundle for a cell's value: "text/plain" always,
// and "text/html" for tabular values (slices, arrays, maps and Arrow record
// batches). A string is shown as it is, any other value with fmt's %v.
func (o Options) Bundle(v any) map[string]any {
	return o.bundle(v, memory.DefaultAllocator)
}

// bundle is Bundle with the allocator of the intermediate record batch.
func (o Options) bundle(v any, mem memory.Allocator) map[string]any {
	o = o.withDefaults()
	if rec, ok := v.(arrow.RecordBatch); ok {
		return o.render(rec, rec.NumRows())
	}
	src, ok := sourceOf(v)
	if !ok {
		return map[string]any{"text/plain": plainText(v)}
	}
	t := inferTable(src)
	rec := t.build(mem, min(src.n, o.MaxRows))
	defer rec.Release()
	return o.render(rec, int64(src.n))
}

// render shows the first rows of rec, a prefix of a value of total rows.
func (o Options) render(rec arrow.RecordBatch, total int64) map[string]any {
	g := newGrid(rec, min(rec.NumRows(), int64(o.MaxRows)), total, o.MaxCellWidth)
	return map[string]any{
		"text/plain": g.text(o.MaxCellWidth),
		"text/html":  g.html(o.MaxCellWidth),
	}
}

func (o Options) withDefaults() Options {
	if o.MaxRows <= 0 {
		o.MaxRows = DefaultMaxRows
	}
	if o.MaxCellWidth <= 0 {
		o.MaxCellWidth = DefaultMaxCellWidth
	}
	return o
}

// plainText is the text/plain form of a value that is not tabular.
func plainText(v any) string {
	if s, ok := v.(string); ok {
		return s
	}
	return fmt.Sprintf("%v", v)
}
