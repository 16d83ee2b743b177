// Package display turns the value of a notebook cell into a Jupyter MIME
// bundle.
//
// Values that implement MIMEBundler show what their MIMEBundle method
// returns; the package's own HTML, Markdown, SVG, PNG and Text types and
// the Rendered values of Table, Bar, Histogram and JSON are such values.
// An *rdd.RDD shows its lineage without computing anything, an
// rdd.StatCounter a one-row table of its statistics.
//
// Tabular values (slices, arrays, maps and Arrow record batches) are
// converted into an Arrow record batch with an inferred schema (see
// ToRecord) and shown as an HTML table and an aligned text table of their
// first rows, numbers rounded to six significant digits; up to
// DefaultBrowserRows more travel with the HTML for a small inline script
// that pages, sorts, searches and summarizes them in the browser (see
// Options.BrowserRows), the output staying bounded whatever the size of
// the value. A collection of maps with string keys (the
// map[string]any rows of rdd's ParquetFile, parsed JSON objects) is a wide
// table, as pandas shows a DataFrame made from a list of dicts: a column
// per key, null where a row lacks it; a lone map is rows of its keys and
// values, and maps of integers (CountByValue, CountByKey) are counts,
// their rows sorted by count, largest first. A lone struct or
// pointer to one (the *warc.Record of records.First(), a user's struct) is
// a one-row table, as pandas shows a one-row frame. A *warc.Record, alone
// or in a collection, shows as a purpose-built row (type, target URI,
// date, status, media type, language, length, offset and a text preview
// of its payload), and any type may choose its row by implementing
// TableRower. Any other value (numbers, strings, bools, times, errors,
// pairs) is shown as text only.
//
// Show, ShowID and Update publish a value from the middle of a cell. In a
// compiled program they print its text; the gosparkling interpreter
// replaces them, in the notebook's symbol table, with functions that send
// the whole bundle to the running cell's output. JobProgress and
// ProgressBar render the progress of a job and of one of its stages for
// the interpreter to publish. Profile summarizes each column of an RDD
// or a collection; Bar, Line, Scatter and Histogram draw charts.
package display

import (
	"errors"
	"fmt"
	"reflect"
	"strconv"
	"strings"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/array"
	"github.com/apache/arrow-go/v18/arrow/memory"

	"github.com/gosparkling/gosparkling/rdd"
)

// DefaultMaxRows is the number of rows shown when Options.MaxRows is not
// set, as in Spark's DataFrame.show.
const DefaultMaxRows = 20

// DefaultBrowserRows is the number of rows that travel with a table's
// HTML when Options.BrowserRows is not set, for the browser to page, sort
// and search.
const DefaultBrowserRows = 10_000

// DefaultMaxCellWidth is the number of characters after which a cell is
// shortened when Options.MaxCellWidth is not set.
const DefaultMaxCellWidth = 100

// Options tune how tabular values are shown. The zero value uses the
// defaults.
type Options struct {
	// MaxRows is the number of rows shown; the rest are counted in a
	// "… N more rows" notice. In a browser running the table's script it
	// is the size of a page. Zero or less means DefaultMaxRows.
	MaxRows int
	// BrowserRows is the number of first rows that travel with the HTML
	// table, as JSON read by a small inline script, so that in the
	// browser (the live notebook, nbconvert's HTML export) they can be
	// paged, sorted by any column and searched without a round trip to
	// the kernel. Where scripts do not run the table shows its first
	// MaxRows rows only. Zero means DefaultBrowserRows; a negative number
	// means none: a static table. At most about 2 MB of rows travel,
	// whatever the number.
	BrowserRows int
	// MaxCellWidth is the number of characters after which a cell is
	// shortened with an ellipsis (the HTML keeps the full value in the
	// cell's title for hovering). Zero or less means DefaultMaxCellWidth.
	MaxCellWidth int
	// Columns, when set, are the only columns shown, in this order, by
	// their names in the table's header (dotted for nested pairs, structs
	// and maps: "value.key", "value.url"). A name the table lacks is an
	// error.
	Columns []string
}

// Bundle returns the MIME bundle for a cell's value with default Options.
// See Options.Bundle.
func Bundle(v any) map[string]any {
	return Options{}.Bundle(v)
}

// Bundle returns the MIME bundle for a cell's value, "text/plain" always
// with richer renditions beside it:
//
//   - a MIMEBundler shows what its MIMEBundle method returns;
//   - an *rdd.RDD shows a card with its name, id, partition count,
//     storage level and lineage, computing nothing (no job runs; an RDD
//     of files lists them, once, to count its partitions);
//   - an rdd.StatCounter shows a one-row table of its statistics;
//   - tabular values (slices, arrays, maps and Arrow record batches) show
//     an HTML table and a text table of their first rows, a column per key
//     when the rows are maps with string keys (see ToRecord); the HTML
//     table of a slice, array or map of more rows than it shows is
//     followed by the Profile of all of them (up to 200,000 rows; a hint
//     of Profile beyond), folded under a link that the live table's
//     Profile button opens too;
//   - a TableRower, a *warc.Record, and a struct or pointer to one with
//     exported fields and no String or Error method show a one-row table;
//   - a string is shown as it is, bytes as their quoted beginning and
//     their length ("GET / HTTP/1.1\r\n" (16 bytes)), a value with a
//     String or Error method through it, any other value as fmt's %v
//     writes it but with pointers followed.
//
// A name in o.Columns that the table lacks gives a bundle of the error's
// message.
func (o Options) Bundle(v any) map[string]any {
	return o.bundle(v, memory.DefaultAllocator)
}

// bundle is Bundle with the allocator of the intermediate record batch.
func (o Options) bundle(v any, mem memory.Allocator) map[string]any {
	switch x := v.(type) {
	case MIMEBundler:
		return bundleOf(x)
	case *rdd.RDD:
		if x != nil {
			return rddBundle(x)
		}
	}
	b, err := o.table(v, mem)
	switch {
	case errors.Is(err, errNotTabular):
		return map[string]any{"text/plain": plainText(v)}
	case err != nil:
		return map[string]any{"text/plain": "display: " + err.Error()}
	}
	return b
}

// errNotTabular is the error of table for a value that is not tabular.
var errNotTabular = errors.New("not tabular: want a slice, array, map, Arrow record batch or rdd.StatCounter")

// table returns the bundle of v shown as a table, or an error wrapping
// errNotTabular when v is not tabular.
func (o Options) table(v any, mem memory.Allocator) (map[string]any, error) {
	o = o.withDefaults()
	switch x := v.(type) {
	case arrow.RecordBatch:
		return o.render(x, x.NumRows(), nil, false)
	case rdd.StatCounter:
		rec := statsRecord(mem, x)
		defer rec.Release()
		return o.render(rec, 1, nil, false)
	case *rdd.StatCounter:
		if x != nil {
			return o.table(*x, mem)
		}
	}
	built := max(o.MaxRows, o.BrowserRows)
	src, ok := sourceOf(v, built)
	if !ok && isLoneRow(v) {
		src, ok = source{n: 1, anys: []any{v}, elem: staticType(reflect.TypeOf(v))}, true
	}
	if !ok {
		return nil, fmt.Errorf("a %T is %w", v, errNotTabular)
	}
	built = min(src.n, built)
	t := inferTable(src, built)
	rec := t.build(mem, built, maxTitle)
	defer rec.Release()
	// A table of more rows than it shows offers their profile; one too
	// large to profile at once says how to (tooLarge).
	var p *profile
	tooLarge := false
	if src.n > o.MaxRows {
		cols := len(t.leaves)
		if src.n <= maxProfiledRows && cols <= maxProfiledColumns && src.n*cols <= maxProfiledCells {
			p = profileRows(src)
		} else {
			tooLarge = true
		}
	}
	return o.render(rec, int64(src.n), p, tooLarge)
}

// maxProfiledRows, maxProfiledColumns and maxProfiledCells bound a table
// whose profile travels with it: profiling 200,000 rows of three columns
// takes about 0.3 s, a million 3 s, which would delay the table; maps of
// many keys make a column of each (display.Profile still profiles them).
const (
	maxProfiledRows    = 200_000
	maxProfiledColumns = 100
	maxProfiledCells   = 1_000_000
)

// profileHint is what a table too large to profile at once says instead
// of its profile.
func profileHint(rows int64) string {
	return `<div class="gsp-profile-link" style="margin:.25em 0;font-size:13px;opacity:.85">display.Profile(…) profiles all ` +
		plural(rows, "row") + ": each column's type, nulls, distinct values, range and histogram, or most frequent values</div>\n"
}

// profileLink is the HTML of p, the profile of a table's value, folded
// under a "Profile" link that opens it: a details element, so that it
// opens with or without scripts (in the live notebook, nbconvert's HTML,
// GitHub's renderer). The live table's Profile button opens it too.
func profileLink(p *profile) string {
	return `<details class="gsp-profile-link" style="margin:.25em 0;font-size:13px">` +
		`<summary style="cursor:pointer;opacity:.85">Profile of all ` + plural(p.rows, "row") + `: each column's type, nulls, distinct values, range and histogram, or most frequent values</summary>` + "\n" +
		p.bundle()["text/html"].(string) + "</details>\n"
}

// render shows the first rows of rec, a prefix of a value of total rows,
// keeping only o.Columns if set. A table of more rows than it shows is
// followed by p, the profile of all of them, folded under a link; one too
// large to profile at once (tooLarge), by a hint of display.Profile.
func (o Options) render(rec arrow.RecordBatch, total int64, p *profile, tooLarge bool) (map[string]any, error) {
	if len(o.Columns) > 0 {
		projected, err := project(rec, o.Columns)
		if err != nil {
			return nil, err
		}
		defer projected.Release()
		rec = projected
	}
	built := min(rec.NumRows(), int64(max(o.MaxRows, o.BrowserRows)))
	g := newGrid(rec, min(rec.NumRows(), int64(o.MaxRows)), built, total, o.MaxCellWidth)
	g.live = o.BrowserRows > 0
	switch {
	case p != nil:
		g.after, g.profiled = profileLink(p), true
	case tooLarge:
		g.after = profileHint(total)
	}
	return map[string]any{
		"text/plain": g.text(o.MaxCellWidth),
		"text/html":  g.html(o.MaxCellWidth),
	}, nil
}

// project returns the columns of rec named by names, in that order.
func project(rec arrow.RecordBatch, names []string) (arrow.RecordBatch, error) {
	schema := rec.Schema()
	fields := make([]arrow.Field, len(names))
	cols := make([]arrow.Array, len(names))
	for i, name := range names {
		j := schema.FieldIndices(name)
		if len(j) == 0 {
			have := make([]string, schema.NumFields())
			for k, f := range schema.Fields() {
				have[k] = strconv.Quote(f.Name)
			}
			return nil, fmt.Errorf("no column %q to show; the columns are %s", name, strings.Join(have, ", "))
		}
		fields[i], cols[i] = schema.Field(j[0]), rec.Column(j[0])
	}
	return array.NewRecordBatch(arrow.NewSchema(fields, nil), cols, rec.NumRows()), nil
}

// Table returns v shown as a table with opts: the first opts.MaxRows rows,
// only opts.Columns if set. v is a slice, array, map, Arrow record batch
// or rdd.StatCounter, or a value shown as a one-row table (a struct, a
// *warc.Record, a TableRower; see Options.Bundle), rendered at once. A value that is not tabular, or a
// column it lacks, gives a Rendered whose Err says so.
//
//	display.Table(counts, display.Options{MaxRows: 50, Columns: []string{"value", "key"}})
func Table(v any, opts Options) Rendered {
	b, err := opts.table(v, memory.DefaultAllocator)
	if err != nil {
		return renderedError(fmt.Errorf("display.Table: %w", err))
	}
	return Rendered{bundle: b}
}

// RecordTable returns the first rows of a longer Arrow result shown as a table with opts,
// as the notebook's %%sql cells show a query's result: rec holds at least the rows shown
// (opts.MaxRows, and opts.BrowserRows for the browser), total counts the rows of the whole
// result, for the "… N more rows" notice. A column of opts.Columns that rec lacks gives a
// Rendered whose Err says so.
func RecordTable(rec arrow.RecordBatch, total int64, opts Options) Rendered {
	b, err := opts.withDefaults().render(rec, max(total, rec.NumRows()), nil, false)
	if err != nil {
		return renderedError(fmt.Errorf("display.RecordTable: %w", err))
	}
	return Rendered{bundle: b}
}

func (o Options) withDefaults() Options {
	if o.MaxRows <= 0 {
		o.MaxRows = DefaultMaxRows
	}
	switch {
	case o.BrowserRows == 0:
		o.BrowserRows = DefaultBrowserRows
	case o.BrowserRows < 0:
		o.BrowserRows = 0
	}
	if o.MaxCellWidth <= 0 {
		o.MaxCellWidth = DefaultMaxCellWidth
	}
	return o
}
