package parquet

import (
	"context"
	"errors"
	"fmt"
	"io"
	"runtime/debug"
	"slices"
	"strings"

	"github.com/apache/arrow-go/v18/arrow/memory"
	"github.com/apache/arrow-go/v18/parquet"
	"github.com/apache/arrow-go/v18/parquet/file"
	"github.com/apache/arrow-go/v18/parquet/metadata"
	"github.com/apache/arrow-go/v18/parquet/schema"

	"github.com/gosparkling/gosparkling/fileio"
)

// batchSize is how many levels a column cursor decodes at a time.
const batchSize = 4096

// File is a Parquet file opened for reading over a fileio.FileSystem. Open reads its footer
// only; Rows reads the column chunks of one row group that a Projection needs, and nothing
// else. A File is used by one goroutine at a time.
type File struct {
	path   string
	ra     *ReaderAt
	rd     *file.Reader
	fields []*field
	byName map[string]*field
}

// field is one readable column: a primitive leaf, or a list of primitive values.
type field struct {
	name  string // "url"; a leaf of a struct is named by its dotted path, "a.b"
	top   string // the top-level field it belongs to ("a" for "a.b")
	leaf  int    // index of the leaf column
	list  bool   // each row holds a list of the leaf's values
	unsup string // why it cannot be read, if it cannot (a map, a list of lists...)

	maxDef, maxRep int16
	nullDef        int16 // lists: a definition level below this is a null list
	elemDef        int16 // lists: a definition level at or above this is an element
	conv           converter
	col            *schema.Column
}

// Condition keeps the rows whose Column equals one of Values (numbers compare by value
// whatever their Go type; nil matches nulls). It also skips the row groups whose
// statistics (the minimum and maximum of the column) show that no row can match.
type Condition struct {
	Column string
	Values []any
}

// Projection says what to read of a file: the columns, by their names as File.Columns
// lists them (a struct's name stands for all its leaves; nil means every column), and the
// conditions rows must meet. A condition's column is read even when Columns leaves it out.
type Projection struct {
	Columns []string
	Where   []Condition
}

// Open opens the Parquet file at path on fsys, reading its footer with one ranged read
// (two when the metadata is larger than DefaultFooterReadSize). size is the file's size if
// known (from a listing), else negative. Errors name the file.
func Open(ctx context.Context, fsys fileio.FileSystem, path string, size int64) (f *File, err error) {
	ra, err := NewReaderAt(ctx, fsys, path, size)
	if err != nil {
		return nil, err
	}
	defer recoverInto(&err, path)
	props := parquet.NewReaderProperties(memory.NewGoAllocator())
	rd, err := file.NewParquetReader(ra, file.WithReadProps(props))
	if err != nil {
		return nil, fmt.Errorf("parquet: %s: %w", path, err)
	}
	f = &File{path: path, ra: ra, rd: rd, byName: map[string]*field{}}
	if err := f.describe(); err != nil {
		return nil, err
	}
	return f, nil
}

// recoverInto turns a panic of the Parquet library (on a damaged file) into an error
// naming the file.
func recoverInto(err *error, path string) {
	if r := recover(); r != nil {
		*err = fmt.Errorf("parquet: %s: %v (the file is damaged or uses an unsupported feature)\n%s", path, r, debug.Stack())
	}
}

// Path returns the file's path.
func (f *File) Path() string { return f.path }

// Close releases the file. It makes no request.
func (f *File) Close() error {
	f.ra.Forget()
	return nil
}

// Stats returns the ranged reads made on the file so far and the bytes they fetched.
func (f *File) Stats() (requests, bytes int64) { return f.ra.Stats() }

// Size returns the size of the file in bytes.
func (f *File) Size() int64 { return f.ra.Size() }

// NumRows returns the number of rows of the file.
func (f *File) NumRows() int64 { return f.rd.NumRows() }

// NumRowGroups returns the number of row groups.
func (f *File) NumRowGroups() int { return f.rd.NumRowGroups() }

// RowGroupRows returns the number of rows of row group i.
func (f *File) RowGroupRows(i int) int64 { return f.rd.MetaData().RowGroup(i).NumRows() }

// RowGroupSpan returns the byte range of row group i: where its first column chunk
// starts and how many bytes its chunks take. A reader that splits a file into byte
// ranges gives each row group to the range holding its middle, as Spark does.
func (f *File) RowGroupSpan(i int) (offset, length int64) {
	rg := f.rd.MetaData().RowGroup(i)
	first, last := int64(-1), int64(0)
	for c := 0; c < rg.NumColumns(); c++ {
		off, n, err := chunkRange(rg, c)
		if err != nil {
			continue
		}
		if first < 0 || off < first {
			first = off
		}
		last = max(last, off+n)
	}
	if first < 0 {
		return 0, 0
	}
	return first, last - first
}

// chunkRange returns the byte range of column chunk c of a row group.
func chunkRange(rg *metadata.RowGroupMetaData, c int) (offset, length int64, err error) {
	col, err := rg.ColumnChunk(c)
	if err != nil {
		return 0, 0, err
	}
	start := col.DataPageOffset()
	if col.HasDictionaryPage() && col.DictionaryPageOffset() > 0 && col.DictionaryPageOffset() < start {
		start = col.DictionaryPageOffset()
	}
	return start, col.TotalCompressedSize(), nil
}

// Columns returns the names of the file's columns, in schema order: top-level fields, and
// the leaves of structs by their dotted paths ("a.b").
func (f *File) Columns() []string {
	names := make([]string, len(f.fields))
	for i, fl := range f.fields {
		names[i] = fl.name
	}
	return names
}

// Has reports whether the file has the column name (a name Columns returns, or a
// top-level struct's).
func (f *File) Has(name string) bool {
	_, err := f.resolve(name)
	return err == nil
}

// Schema returns the file's Parquet schema, printed.
func (f *File) Schema() string {
	var b strings.Builder
	schema.PrintSchema(f.rd.MetaData().Schema.Root(), &b, 2)
	return b.String()
}

// describe lists the readable fields of the schema.
func (f *File) describe() error {
	sc := f.rd.MetaData().Schema
	root := sc.Root()
	for i := 0; i < root.NumFields(); i++ {
		f.addNode(sc, root.Field(i), "", root.Field(i).Name(), 0)
	}
	for _, fl := range f.fields {
		f.byName[fl.name] = fl
	}
	return nil
}

// defOf returns the definition level of a node whose parent has level parent.
func defOf(n schema.Node, parent int16) int16 {
	if n.RepetitionType() != parquet.Repetitions.Required {
		return parent + 1
	}
	return parent
}

func isList(n schema.Node) bool {
	_, ok := n.LogicalType().(schema.ListLogicalType)
	return ok || n.ConvertedType() == schema.ConvertedTypes.List
}

func (f *File) addNode(sc *schema.Schema, n schema.Node, prefix, top string, parentDef int16) {
	name := prefix + n.Name()
	def := defOf(n, parentDef)
	unsupported := func(why string) {
		f.fields = append(f.fields, &field{name: name, top: top, leaf: -1, unsup: why})
	}
	switch {
	case n.Type() == schema.Primitive && n.RepetitionType() == parquet.Repetitions.Repeated:
		// A repeated primitive: a list in Parquet's oldest layout.
		f.addList(sc, n, name, top, parentDef, def)
	case n.Type() == schema.Primitive:
		f.addLeaf(sc, n, &field{name: name, top: top})
	case n.RepetitionType() == parquet.Repetitions.Repeated:
		unsupported("a repeated group (list of structs)")
	case isList(n):
		g := n.(*schema.GroupNode)
		if g.NumFields() != 1 || g.Field(0).RepetitionType() != parquet.Repetitions.Repeated {
			unsupported("a list whose layout is not a repeated child")
			return
		}
		rep := g.Field(0)
		switch {
		case rep.Type() == schema.Primitive: // two-level list
			f.addList(sc, rep, name, top, def, defOf(rep, def))
		case rep.(*schema.GroupNode).NumFields() == 1 && rep.(*schema.GroupNode).Field(0).Type() == schema.Primitive &&
			rep.(*schema.GroupNode).Field(0).RepetitionType() != parquet.Repetitions.Repeated: // three-level list
			elem := rep.(*schema.GroupNode).Field(0)
			fl := &field{name: name, top: top, list: true, nullDef: def, elemDef: defOf(rep, def)}
			f.addLeaf(sc, elem, fl)
		default:
			unsupported("a list of structs or of lists")
		}
	case n.LogicalType().IsNested() || n.ConvertedType() == schema.ConvertedTypes.Map || n.ConvertedType() == schema.ConvertedTypes.MapKeyValue:
		unsupported("a map")
	default: // a struct: its leaves, by dotted names
		g := n.(*schema.GroupNode)
		for i := 0; i < g.NumFields(); i++ {
			f.addNode(sc, g.Field(i), name+".", top, def)
		}
	}
}

// addList adds a list whose repeated node is the primitive leaf n.
func (f *File) addList(sc *schema.Schema, n schema.Node, name, top string, listDef, elemDef int16) {
	f.addLeaf(sc, n, &field{name: name, top: top, list: true, nullDef: listDef, elemDef: elemDef})
}

func (f *File) addLeaf(sc *schema.Schema, n schema.Node, fl *field) {
	fl.leaf = sc.ColumnIndexByNode(n)
	if fl.leaf < 0 {
		fl.unsup = "a column the schema does not index"
		f.fields = append(f.fields, fl)
		return
	}
	fl.col = sc.Column(fl.leaf)
	fl.maxDef, fl.maxRep = fl.col.MaxDefinitionLevel(), fl.col.MaxRepetitionLevel()
	switch {
	case fl.list && fl.maxRep != 1:
		fl.unsup = "a list inside a list"
	case !fl.list && fl.maxRep != 0:
		fl.unsup = "a column inside a list"
	}
	fl.conv = converterFor(fl.col)
	f.fields = append(f.fields, fl)
}

// resolve returns the fields a name selects: one column, or the leaves of a struct.
func (f *File) resolve(name string) ([]*field, error) {
	if fl, ok := f.byName[name]; ok {
		return []*field{fl}, nil
	}
	var out []*field
	for _, fl := range f.fields {
		if fl.top == name || strings.HasPrefix(fl.name, name+".") {
			out = append(out, fl)
		}
	}
	if len(out) == 0 {
		return nil, fmt.Errorf("parquet: %s has no column %q (it has %s)", f.path, name, strings.Join(f.Columns(), ", "))
	}
	return out, nil
}

// RowGroupMayMatch reports whether row group i may hold rows meeting every condition,
// judging by the statistics of its column chunks: false only when they prove that none
// does. Conditions on columns the file lacks are errors.
func (f *File) RowGroupMayMatch(i int, where []Condition) (bool, error) {
	rg := f.rd.MetaData().RowGroup(i)
	for _, cond := range where {
		fls, err := f.resolve(cond.Column)
		if err != nil {
			return false, err
		}
		if len(fls) != 1 || fls[0].list || fls[0].unsup != "" {
			return false, fmt.Errorf("parquet: %s: cannot filter on column %q: only on columns of single values", f.path, cond.Column)
		}
		if !chunkMayMatch(rg, fls[0], cond.Values) {
			return false, nil
		}
	}
	return true, nil
}

// chunkMayMatch reports whether the column chunk of fl in rg may hold one of values.
func chunkMayMatch(rg *metadata.RowGroupMetaData, fl *field, values []any) bool {
	chunk, err := rg.ColumnChunk(fl.leaf)
	if err != nil {
		return true
	}
	if set, err := chunk.StatsSet(); err != nil || !set {
		return true
	}
	stats, err := chunk.Statistics()
	if err != nil || stats == nil {
		return true
	}
	allNull := stats.HasNullCount() && stats.NullCount() == rg.NumRows()
	lo, hi, ok := minMax(stats, fl)
	for _, v := range values {
		switch {
		case v == nil:
			if !stats.HasNullCount() || stats.NullCount() > 0 {
				return true
			}
		case allNull:
		case !ok:
			return true
		default:
			c1, ok1 := compareValues(v, lo)
			c2, ok2 := compareValues(v, hi)
			if !ok1 || !ok2 || (c1 >= 0 && c2 <= 0) {
				return true
			}
		}
	}
	return false
}

// minMax returns the statistics' minimum and maximum as Go values, when they can be
// trusted for ordering.
func minMax(stats metadata.TypedStatistics, fl *field) (lo, hi any, ok bool) {
	if !stats.HasMinMax() || fl.col.SortOrder() == schema.SortUNKNOWN {
		return nil, nil, false
	}
	c := fl.conv
	switch s := stats.(type) {
	case *metadata.BooleanStatistics:
		return c.boolean(s.Min()), c.boolean(s.Max()), c.boolean != nil
	case *metadata.Int32Statistics:
		return c.int32(s.Min()), c.int32(s.Max()), c.int32 != nil
	case *metadata.Int64Statistics:
		return c.int64(s.Min()), c.int64(s.Max()), c.int64 != nil
	case *metadata.Float32Statistics:
		return c.float32(s.Min()), c.float32(s.Max()), c.float32 != nil
	case *metadata.Float64Statistics:
		return c.float64(s.Min()), c.float64(s.Max()), c.float64 != nil
	case *metadata.ByteArrayStatistics:
		return c.bytes(s.Min()), c.bytes(s.Max()), c.bytes != nil
	case *metadata.FixedLenByteArrayStatistics:
		return c.bytes(s.Min()), c.bytes(s.Max()), c.bytes != nil
	}
	return nil, nil, false
}

// Rows starts reading row group i: the column chunks that p needs are planned (see
// ReaderAt.Plan) and fetched on first use. Close the Rows when done with them.
func (f *File) Rows(i int, p Projection) (rows *Rows, err error) {
	defer recoverInto(&err, f.path)
	if i < 0 || i >= f.NumRowGroups() {
		return nil, fmt.Errorf("parquet: %s has no row group %d", f.path, i)
	}
	var out []*field
	if p.Columns == nil {
		out = f.fields
	} else {
		for _, name := range p.Columns {
			fls, err := f.resolve(name)
			if err != nil {
				return nil, err
			}
			out = append(out, fls...)
		}
	}
	rows = &Rows{f: f, group: i, n: f.RowGroupRows(i)}
	index := map[*field]int{} // cursor of each field
	cursorOf := func(fl *field) (int, error) {
		if fl.unsup != "" {
			return 0, fmt.Errorf("parquet: %s: column %q is %s, which gosparkling does not read: leave it out of the columns", f.path, fl.name, fl.unsup)
		}
		if k, ok := index[fl]; ok {
			return k, nil
		}
		index[fl] = len(rows.cursors)
		rows.cursors = append(rows.cursors, &cursor{fl: fl})
		return index[fl], nil
	}
	for _, fl := range out {
		k, err := cursorOf(fl)
		if err != nil {
			return nil, err
		}
		rows.names = append(rows.names, fl.name)
		rows.out = append(rows.out, k)
	}
	for _, cond := range p.Where {
		fls, err := f.resolve(cond.Column)
		if err != nil {
			return nil, err
		}
		if len(fls) != 1 || fls[0].list {
			return nil, fmt.Errorf("parquet: %s: cannot filter on column %q: only on columns of single values", f.path, cond.Column)
		}
		k, err := cursorOf(fls[0])
		if err != nil {
			return nil, err
		}
		rows.conds = append(rows.conds, rowCondition{cursor: k, values: cond.Values})
	}
	rg := f.rd.MetaData().RowGroup(i)
	var plan []Range
	for _, c := range rows.cursors {
		off, n, err := chunkRange(rg, c.fl.leaf)
		if err != nil {
			return nil, fmt.Errorf("parquet: %s: %w", f.path, err)
		}
		plan = append(plan, Range{off, n})
	}
	f.ra.Plan(plan...)
	reader := f.rd.RowGroup(i)
	for _, c := range rows.cursors {
		if err := c.open(reader); err != nil {
			return nil, fmt.Errorf("parquet: %s: column %q of row group %d: %w", f.path, c.fl.name, i, err)
		}
	}
	rows.values = make([]any, len(rows.out))
	rows.scratch = make([]any, len(rows.cursors))
	return rows, nil
}

// Rows iterates over the rows of one row group:
//
//	for rows.Next() {
//		use(rows.Values())
//	}
//	if err := rows.Err(); err != nil { ... }
type Rows struct {
	f       *File
	group   int
	n, read int64
	names   []string
	cursors []*cursor
	out     []int // cursor of each output column
	conds   []rowCondition
	values  []any
	scratch []any
	err     error
}

type rowCondition struct {
	cursor int
	values []any
}

// Columns returns the names of the values of each row, in order.
func (r *Rows) Columns() []string { return r.names }

// Values returns the current row's values, one per column of Columns. The slice is reused
// by the next call to Next; the values themselves are not.
func (r *Rows) Values() []any { return r.values }

// Err returns the error that ended the iteration, if any.
func (r *Rows) Err() error { return r.err }

// Close releases the row group's fetched bytes.
func (r *Rows) Close() error {
	r.f.ra.Forget()
	return nil
}

// Next advances to the next row that meets the conditions, and reports whether there is one.
func (r *Rows) Next() (ok bool) {
	defer func() {
		if p := recover(); p != nil {
			r.err = fmt.Errorf("parquet: %s: row group %d: %v (the file is damaged?)\n%s", r.f.path, r.group, p, debug.Stack())
			ok = false
		}
	}()
	for r.err == nil && r.read < r.n {
		r.read++
		for k, c := range r.cursors {
			v, err := c.next()
			if err != nil {
				r.err = fmt.Errorf("parquet: %s: column %q of row group %d: %w", r.f.path, c.fl.name, r.group, err)
				return false
			}
			r.scratch[k] = v
		}
		if !r.meets() {
			continue
		}
		for i, k := range r.out {
			r.values[i] = r.scratch[k]
		}
		return true
	}
	return false
}

func (r *Rows) meets() bool {
	for _, c := range r.conds {
		v := r.scratch[c.cursor]
		if !slices.ContainsFunc(c.values, func(w any) bool { return equalValues(v, w) }) {
			return false
		}
	}
	return true
}

// cursor reads the values of one leaf column, row by row.
type cursor struct {
	fl         *field
	defs, reps []int16
	levels, li int // levels buffered, next level
	vi         int // next value
	fill       func(defs, reps []int16) (levels int64, values int, err error)
	value      func(i int) any
	hasNext    func() bool
}

// typedReader is the ReadBatch of the typed column chunk readers.
type typedReader[T any] interface {
	ReadBatch(batchSize int64, values []T, defLvls, repLvls []int16) (int64, int, error)
	HasNext() bool
}

func bind[T any](c *cursor, rd typedReader[T], conv func(T) any) {
	buf := make([]T, batchSize)
	c.fill = func(defs, reps []int16) (int64, int, error) { return rd.ReadBatch(batchSize, buf, defs, reps) }
	c.value = func(i int) any { return conv(buf[i]) }
	c.hasNext = rd.HasNext
}

func (c *cursor) open(rg *file.RowGroupReader) error {
	cr, err := rg.Column(c.fl.leaf)
	if err != nil {
		return err
	}
	conv := c.fl.conv
	switch rd := cr.(type) {
	case *file.BooleanColumnChunkReader:
		bind(c, rd, conv.boolean)
	case *file.Int32ColumnChunkReader:
		bind(c, rd, conv.int32)
	case *file.Int64ColumnChunkReader:
		bind(c, rd, conv.int64)
	case *file.Int96ColumnChunkReader:
		bind(c, rd, conv.int96)
	case *file.Float32ColumnChunkReader:
		bind(c, rd, conv.float32)
	case *file.Float64ColumnChunkReader:
		bind(c, rd, conv.float64)
	case *file.ByteArrayColumnChunkReader:
		bind(c, rd, func(v parquet.ByteArray) any { return conv.bytes(v) })
	case *file.FixedLenByteArrayColumnChunkReader:
		bind(c, rd, func(v parquet.FixedLenByteArray) any { return conv.bytes(v) })
	default:
		return fmt.Errorf("unsupported column reader %T", cr)
	}
	if c.fl.maxDef > 0 {
		c.defs = make([]int16, batchSize)
	}
	if c.fl.maxRep > 0 {
		c.reps = make([]int16, batchSize)
	}
	return nil
}

// more makes sure a level is buffered, reporting false at the end of the column chunk.
func (c *cursor) more() (bool, error) {
	if c.li < c.levels {
		return true, nil
	}
	c.li, c.vi, c.levels = 0, 0, 0
	n, _, err := c.fill(c.defs, c.reps)
	if err != nil {
		return false, err
	}
	c.levels = int(n)
	return c.levels > 0, nil
}

// take consumes the buffered level and returns its definition level and, if it holds a
// value, the value.
func (c *cursor) take() (def int16, v any) {
	def = c.fl.maxDef
	if c.defs != nil {
		def = c.defs[c.li]
	}
	c.li++
	if def == c.fl.maxDef {
		v = c.value(c.vi)
		c.vi++
	}
	return def, v
}

// next returns the value of the next row.
func (c *cursor) next() (any, error) {
	ok, err := c.more()
	if err != nil {
		return nil, err
	}
	if !ok {
		return nil, errors.New("the column chunk has fewer rows than the row group")
	}
	def, v := c.take()
	if !c.fl.list {
		return v, nil
	}
	if def < c.fl.nullDef {
		return nil, c.skipRest()
	}
	list := []any{}
	if def >= c.fl.elemDef {
		list = append(list, v)
	}
	for {
		ok, err := c.more()
		if err != nil {
			return nil, err
		}
		if !ok || c.reps[c.li] == 0 {
			return list, nil
		}
		_, v := c.take()
		list = append(list, v)
	}
}

// skipRest consumes the levels that continue the current row (none for a valid file).
func (c *cursor) skipRest() error {
	for {
		ok, err := c.more()
		if err != nil || !ok || c.reps[c.li] == 0 {
			return err
		}
		c.take()
	}
}

var _ io.ReaderAt = (*ReaderAt)(nil)
