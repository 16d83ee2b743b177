package rdd

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"maps"
	"slices"

	"github.com/google/uuid"

	"github.com/gosparkling/gosparkling/fileio"
	"github.com/gosparkling/gosparkling/fileio/parquet"
)

// DefaultMaxSplitBytes is the most bytes of a Parquet file one partition of ReadParquet
// reads, as Spark's spark.sql.files.maxPartitionBytes: a larger file is cut into byte
// ranges, each reading the row groups whose middle falls in it.
const DefaultMaxSplitBytes = 128 << 20

// ParquetOption configures ReadParquet: which columns to read, which partitions and rows
// to keep, and what rows to make. Columns, Where, PartitionFilter, RowsAs and
// MaxSplitBytes make them.
type ParquetOption struct {
	name  string
	args  []any
	apply func(*parquetConfig)
}

// Name returns the name of the function that made the option, such as "Where": with Args,
// what a Runner needs to make the option again on its workers.
func (o ParquetOption) Name() string { return o.name }

// Args returns the arguments the option was made with, a variadic parameter as its slice.
func (o ParquetOption) Args() []any { return o.args }

type parquetConfig struct {
	columns    []string
	where      []parquet.Condition
	partitions []func(map[string]string) bool
	binder     *parquet.StructBinder
	splitBytes int64
}

// Columns reads only the named columns (all by default): columns of the files, by their
// names (a struct's leaves are "a.b"), and Hive partition columns such as "crawl".
func Columns(names ...string) ParquetOption {
	return ParquetOption{"Columns", []any{names}, func(c *parquetConfig) { c.columns = append(c.columns, names...) }}
}

// Where keeps the rows whose column equals one of values. On a Hive partition column
// ("subset" of .../subset=warc/), directories with other values are skipped whole: neither
// listed nor opened (values are compared as fmt.Sprint writes them). On a column of the
// files, row groups whose statistics show no match are skipped unread, and the other rows
// are filtered as they are read; numbers compare by value whatever their Go type, nil
// matches nulls. Several Where options must all hold.
//
//	sc.ReadParquet(index, rdd.Columns("url"), rdd.Where("subset", "warc"), rdd.Where("fetch_status", 200))
func Where(column string, values ...any) ParquetOption {
	return ParquetOption{"Where", []any{column, values}, func(c *parquetConfig) {
		c.where = append(c.where, parquet.Condition{Column: column, Values: values})
	}}
}

// PartitionFilter keeps the Hive partition directories for which keep returns true. keep
// is called for each directory named key=value before it is listed, with the partition
// values of its path so far (outer directories included), and once more for each file with
// all the values of its path; a directory it refuses is skipped whole. Since the inner
// keys are not known yet when outer directories are judged, keep must return true when a
// key it looks at is absent:
//
//	rdd.PartitionFilter(func(p map[string]string) bool {
//		crawl, ok := p["crawl"]
//		return !ok || crawl >= "CC-MAIN-2024"
//	})
func PartitionFilter(keep func(partition map[string]string) bool) ParquetOption {
	return ParquetOption{"PartitionFilter", []any{keep}, func(c *parquetConfig) { c.partitions = append(c.partitions, keep) }}
}

// RowsAs makes the rows values of the struct type of sample (a struct or a pointer to one)
// rather than maps: each exported field reads the column its tag parquet:"name" names, or
// else the column named like the field, compared without case and underscores (field
// WarcRecordOffset reads warc_record_offset); only those columns are read. Values are
// converted to the fields' types (an int column into an int16 field, say); nulls leave
// zero values, or nil pointers.
//
//	type page struct {
//		URL    string
//		Status int `parquet:"fetch_status"`
//	}
//	sc.ReadParquet(index, rdd.RowsAs(page{}))
func RowsAs(sample any) ParquetOption {
	b, err := parquet.NewStructBinder(sample)
	if err != nil {
		panic(fmt.Sprintf("rdd.RowsAs: %v", err))
	}
	return ParquetOption{"RowsAs", []any{sample}, func(c *parquetConfig) { c.binder = b }}
}

// MaxSplitBytes sets the most bytes of a file one partition reads (DefaultMaxSplitBytes by
// default).
func MaxSplitBytes(n int64) ParquetOption {
	if n < 1 {
		panic(fmt.Sprintf("rdd.MaxSplitBytes: must be at least 1 byte, got %d", n))
	}
	return ParquetOption{"MaxSplitBytes", []any{n}, func(c *parquetConfig) { c.splitBytes = n }}
}

// ParquetFile returns the rows of the Parquet files that paths names (a comma-separated
// list of files, directories and globs, as TextFile takes) as map[string]any values, one
// entry per column. columns names the columns to read (all by default); only their column
// chunks are fetched, by ranged reads, with the footer of each file: reading two columns of
// a file of thirty fetches a small part of it, from S3 and HTTP servers too. Directories
// named key=value (Hive partitions: crawl=CC-MAIN-2024-22/subset=warc/) make columns of
// their string values. ReadParquet takes options: filters that skip whole partition
// directories, struct rows.
//
// Nothing is listed or read until an action runs. Each file is one partition, or several
// for files over DefaultMaxSplitBytes (each reading the row groups whose middle falls in
// its byte range). Values are Go values: integers int (unsigned 64-bit ones uint64),
// floats float64, strings string, other byte arrays []byte, timestamps and dates time.Time
// in UTC, lists []any, nulls nil (see package fileio/parquet). Errors name the file.
//
//	index := sc.ParquetFile("s3://commoncrawl/cc-index/table/cc-main/warc/crawl=CC-MAIN-2024-22/subset=warc/",
//		"url_host_registered_domain", "content_languages")
func (c *Context) ParquetFile(paths string, columns ...string) *RDD {
	return record(c.readParquet("ParquetFile", paths, []ParquetOption{Columns(columns...)}), "ParquetFile", nil, paths, columns).withOptions(StepOptions{Paths: paths})
}

// ReadParquet is ParquetFile with options: Columns, Where, PartitionFilter, RowsAs and
// MaxSplitBytes. With RowsAs the rows are structs, else map[string]any.
//
//	sc.ReadParquet(base+"/cc-index/table/cc-main/warc/",
//		rdd.Columns("url", "content_mime_detected"), rdd.Where("crawl", "CC-MAIN-2024-22"), rdd.Where("subset", "warc"))
func (c *Context) ReadParquet(paths string, opts ...ParquetOption) *RDD {
	return record(c.readParquet("ReadParquet", paths, opts), "ReadParquet", nil, paths, opts).withOptions(StepOptions{Paths: paths, Parquet: opts})
}

// parquetSplit is one partition of a Parquet RDD: a file, or a byte range of one.
type parquetSplit struct {
	file       fileio.FileInfo
	partitions map[string]string
	start, end int64 // end < 0: the whole file
	where      []parquet.Condition
}

func (c *Context) readParquet(method, paths string, opts []ParquetOption) *RDD {
	cfg := &parquetConfig{splitBytes: DefaultMaxSplitBytes}
	for _, o := range opts {
		if o.apply != nil {
			o.apply(cfg)
		}
	}
	if cfg.binder != nil && len(cfg.columns) > 0 {
		panic(fmt.Sprintf("rdd.%s: RowsAs chooses the columns: do not give Columns too", method))
	}
	var splits []parquetSplit
	r := c.newRDD("ParquetRDD", method, nil)
	r.partitions = func() (int, error) {
		ctx, release := c.currentJobContext()
		files, err := c.fs.ExpandPruned(ctx, paths, cfg.keepDir)
		release()
		if err != nil {
			return 0, fmt.Errorf("rdd.%s(%q): %w", method, paths, err)
		}
		splits = cfg.plan(files)
		return len(splits), nil
	}
	r.compute = func(t *task, p int, emit func(any) bool) {
		c.readParquetSplit(t, method, cfg, splits[p], emit)
	}
	r.sizes = func() ([]float64, bool, error) {
		if _, err := r.numPartitions(); err != nil {
			return nil, false, err
		}
		w := make([]float64, len(splits))
		for i, s := range splits {
			size := s.file.Size
			if s.end >= 0 {
				size = s.end - s.start
			}
			w[i] = float64(max(size, 1))
		}
		return w, false, nil
	}
	return r
}

// matches reports whether a partition value is one of a condition's values.
func matches(cond parquet.Condition, value string) bool {
	return slices.ContainsFunc(cond.Values, func(v any) bool { return v != nil && fmt.Sprint(v) == value })
}

// keepDir tells the listing whether to walk a directory.
func (cfg *parquetConfig) keepDir(dir string) bool {
	p, ok := parquet.PartitionOf(dir)
	if !ok {
		return true
	}
	for _, cond := range cfg.where {
		if cond.Column == p.Key && !matches(cond, p.Value) {
			return false
		}
	}
	if len(cfg.partitions) > 0 {
		values := partitionMap(dir + "/-")
		for _, keep := range cfg.partitions {
			if !keep(maps.Clone(values)) {
				return false
			}
		}
	}
	return true
}

func partitionMap(path string) map[string]string {
	m := map[string]string{}
	for _, p := range parquet.Partitions(path) {
		m[p.Key] = p.Value
	}
	return m
}

// plan drops the files of refused partitions and cuts the others into splits.
func (cfg *parquetConfig) plan(files []fileio.FileInfo) []parquetSplit {
	var splits []parquetSplit
files:
	for _, f := range files {
		parts := partitionMap(f.Path)
		var where []parquet.Condition
		for _, cond := range cfg.where {
			value, isPartition := parts[cond.Column]
			switch {
			case !isPartition:
				where = append(where, cond)
			case !matches(cond, value):
				continue files
			}
		}
		for _, keep := range cfg.partitions {
			if !keep(maps.Clone(parts)) {
				continue files
			}
		}
		s := parquetSplit{file: f, partitions: parts, end: -1, where: where}
		if f.Size <= 0 || float64(f.Size) <= float64(cfg.splitBytes)*1.1 {
			splits = append(splits, s)
			continue
		}
		for start := int64(0); start < f.Size; start += cfg.splitBytes {
			s.start, s.end = start, min(start+cfg.splitBytes, f.Size)
			if f.Size-s.end < cfg.splitBytes/10 { // a short tail joins the last split
				s.end = f.Size
			}
			splits = append(splits, s)
			if s.end == f.Size {
				break
			}
		}
	}
	return splits
}

// readParquetSplit pushes the rows of one split to emit.
func (c *Context) readParquetSplit(t *task, method string, cfg *parquetConfig, s parquetSplit, emit func(any) bool) {
	fsys, err := c.fs.For(s.file.Path)
	if err != nil {
		failTask(err)
	}
	size := s.file.Size
	if size <= 0 {
		size = -1 // unknown (an HTTP server that did not tell): Stat
	}
	f, err := parquet.Open(t.job.ctx, fsys, s.file.Path, size)
	if err != nil {
		failTask(err)
	}
	defer f.Close()
	// The bytes its ranged reads fetched count as the task's.
	var counted int64
	fetched := func() {
		if _, n := f.Stats(); n > counted {
			t.addBytes(n - counted)
			counted = n
		}
	}
	defer fetched()

	// The columns of the rows, and where each value comes from: the file or the path.
	var names []string
	switch {
	case cfg.binder != nil:
		available := append(f.Columns(), slices.Sorted(maps.Keys(s.partitions))...)
		names, err = cfg.binder.Match(available)
		if err != nil {
			failTaskf("rdd.%s: %s: %v", method, s.file.Path, err)
		}
	case len(cfg.columns) > 0:
		names = cfg.columns
	}
	var fileColumns []string // nil: all of them
	var partitionNames []string
	if names == nil {
		partitionNames = slices.Sorted(maps.Keys(s.partitions))
	} else {
		fileColumns = []string{}
		for _, name := range names {
			if _, ok := s.partitions[name]; ok && !f.Has(name) {
				partitionNames = append(partitionNames, name)
			} else {
				fileColumns = append(fileColumns, name)
			}
		}
	}
	proj := parquet.Projection{Columns: fileColumns, Where: s.where}
	for g := 0; g < f.NumRowGroups(); g++ {
		if s.end >= 0 {
			off, n := f.RowGroupSpan(g)
			if mid := off + n/2; mid < s.start || mid >= s.end {
				continue
			}
		}
		ok, err := f.RowGroupMayMatch(g, s.where)
		if err != nil {
			failTask(err)
		}
		if !ok {
			continue
		}
		if !c.emitRowGroup(t, f, g, proj, cfg.binder, names, partitionNames, s.partitions, fetched, emit) {
			return
		}
	}
}

// emitRowGroup pushes the rows of row group g to emit, reporting false when it should stop;
// it calls fetched every 1024 rows, to count the bytes read.
func (c *Context) emitRowGroup(t *task, f *parquet.File, g int, proj parquet.Projection, binder *parquet.StructBinder,
	names, partitionNames []string, partitions map[string]string, fetched func(), emit func(any) bool) bool {
	rows, err := f.Rows(g, proj)
	if err != nil {
		failTask(err)
	}
	defer rows.Close()
	cols := rows.Columns()
	var order []int // binder: where each field's value is, in cols then partitionNames
	if binder != nil {
		pos := map[string]int{}
		for i, name := range cols {
			pos[name] = i
		}
		for i, name := range partitionNames {
			pos[name] = len(cols) + i
		}
		for _, name := range names {
			order = append(order, pos[name])
		}
	}
	all := make([]any, len(cols)+len(partitionNames))
	for i, name := range partitionNames {
		all[len(cols)+i] = partitions[name]
	}
	fields := make([]any, len(order))
	for n := 1; rows.Next(); n++ {
		if n&1023 == 0 {
			fetched()
		}
		if t.stopped() {
			return false
		}
		values := rows.Values()
		var row any
		if binder != nil {
			copy(all, values)
			for i, k := range order {
				fields[i] = all[k]
			}
			v, err := binder.Bind(fields)
			if err != nil {
				failTaskf("rdd.ReadParquet: %s: %v", f.Path(), err)
			}
			row = v
		} else {
			m := make(map[string]any, len(cols)+len(partitionNames))
			for i, name := range cols {
				m[name] = values[i]
			}
			for _, name := range partitionNames {
				m[name] = partitions[name]
			}
			row = m
		}
		if !emit(row) {
			return false
		}
	}
	if err := rows.Err(); err != nil {
		failTask(err)
	}
	return true
}

// SaveAsParquet writes the elements as Parquet files in Spark's layout:
// path/part-00000-<job uuid>-c000.snappy.parquet ... (one file per partition that has
// elements) and path/_SUCCESS. Each file's schema is inferred from the elements of its
// first row group as package display infers a table's columns: a struct makes a column per
// exported field (its tag parquet:"name" or display:"name" names it), a map with string
// keys (the rows of ParquetFile) a column per key, an rdd.Pair columns "key" and "value"
// (nested pairs and structs dotted names such as "value.key"), any other value one column
// "value"; integers are int64, numbers mixing integers and floats float64, strings, bools,
// times (timestamps) and bytes their own types, slices lists, other values and mixed kinds
// text, as fmt writes them (see package fileio/parquet). ParquetFile reads the output back.
// It fails if path exists; readers never see half-written output, even of a killed
// process (see fileio.FileSystems.CreateDir: on a local disk the directory appears whole
// when the job ends; on S3 the parts stay invisible multipart uploads until the job
// commits, and _SUCCESS is written last).
func (r *RDD) SaveAsParquet(path string) {
	if l := r.onRunner("SaveAsParquet", -1); l != nil {
		l.SaveAsParquet(path)
		return
	}
	ctx, release := r.sc.currentJobContext()
	defer release()
	n := r.GetNumPartitions()
	suffix, _ := parquet.CompressionSuffix(parquet.DefaultCompression)
	dir, err := r.sc.fs.CreateDir(ctx, path)
	if err != nil {
		panic(r.driverError("SaveAsParquet", err))
	}
	committed := false
	defer func() {
		if !committed {
			dir.Abort(context.Background())
		}
	}()
	job := uuid.NewString()
	r.sc.runJob(r, "SaveAsParquet", allPartitions(n), func(t *task, p int) {
		writeParquetPart(t, r, p, dir, fmt.Sprintf("part-%05d-%s-c000%s.parquet", p, job, suffix), path)
	})
	if err := dir.Commit(ctx); err != nil {
		panic(r.driverError("SaveAsParquet", err))
	}
	committed = true
}

// splitPair makes columns "key" and "value" of a Pair.
func splitPair(v any) ([]string, []any, bool) {
	if p, ok := v.(Pair); ok {
		return []string{"key", "value"}, []any{p.Key, p.Value}, true
	}
	return nil, nil, false
}

// writeParquetPart writes partition p of r into the file name of dir, created when the
// first element comes: an empty partition writes no file.
func writeParquetPart(t *task, r *RDD, p int, dir fileio.OutputDir, name, path string) {
	var f fileio.FileWriter
	var bw *bufio.Writer
	var pw *parquet.Writer
	done := false
	defer func() {
		if f != nil && !done {
			f.Abort()
		}
	}()
	fail := func(err error) {
		failTaskf("rdd.SaveAsParquet: %s/%s: %w", path, name, err)
	}
	r.iterate(t, p, func(x any) bool {
		if pw == nil {
			var err error
			if f, err = dir.Create(t.job.ctx, name); err != nil {
				failTask(err)
			}
			bw = bufio.NewWriterSize(f, 256<<10)
			pw = parquet.NewWriter(bw, parquet.WriterOptions{Split: splitPair})
		}
		if err := pw.Write(x); err != nil {
			fail(err)
		}
		return !t.stopped()
	})
	if pw == nil || t.stopped() {
		return
	}
	if err := pw.Close(); err != nil && !errors.Is(err, parquet.ErrNoRows) {
		fail(err)
	}
	if err := bw.Flush(); err != nil {
		fail(err)
	}
	done = true
	if err := f.Close(); err != nil {
		failTask(err)
	}
}
