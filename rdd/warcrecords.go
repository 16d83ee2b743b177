package rdd

import (
	"context"
	"errors"
	"fmt"
	"io"
	"reflect"
	"strings"
	"sync"

	"github.com/gosparkling/gosparkling/fileio"
	"github.com/gosparkling/gosparkling/fileio/warc"
)

// warcFetchers is how many records of one partition WarcRecords fetches at once.
const warcFetchers = 8

// WarcRecords fetches the WARC records that the rows of index point to, as *warc.Record
// values in the order of the rows: each row (a map[string]any of ParquetFile, or a struct)
// gives a file and a byte range in its warc_filename, warc_record_offset and
// warc_record_length columns, as Common Crawl's URL index has them, and each record is read
// with one ranged read of exactly that range (a ranged GET on S3 and HTTP servers). Struct
// fields are found by their tag parquet:"warc_filename" and so on, or by their names
// (WarcFilename, WarcRecordOffset, WarcRecordLength).
//
// The index's file names are relative to the root of Common Crawl's bucket
// (crawl-data/CC-MAIN-2024-22/segments/...): root, when given, is put in front of each
// name that is not absolute ("s3://commoncrawl", "https://data.commoncrawl.org", or the
// directory above crawl-data/ of a local copy). Each partition of index is a partition of
// the result; it fetches up to 8 records at a time. A record that cannot be read fails the
// job with an error naming its file and offset.
//
//	pages := sc.WarcRecords(index.Filter(func(r map[string]any) bool {
//		return r["url_host_registered_domain"] == "example.com"
//	}), "s3://commoncrawl")
func (c *Context) WarcRecords(index *RDD, root ...string) *RDD {
	base := ""
	if len(root) > 0 {
		base = root[0]
	}
	out := index.narrow("WarcRecords", keepsCount, nil)
	out.kind = "WarcRecordsRDD"
	out.compute = func(t *task, p int, emit func(any) bool) {
		c.fetchWarcRecords(t, index, p, base, emit)
	}
	return record(out, "WarcRecords", []*RDD{index}, index, root).withOptions(StepOptions{Root: root})
}

// warcLocation is where one record is.
type warcLocation struct {
	path           string
	offset, length int64
}

// pendingRecord is a record being fetched.
type pendingRecord struct {
	done   chan struct{}
	rec    *warc.Record
	err    error
	length int64 // the bytes its ranged read fetches
}

// fetchWarcRecords fetches the records of partition p of index, several at once, and pushes
// them to emit in order.
func (c *Context) fetchWarcRecords(t *task, index *RDD, p int, base string, emit func(any) bool) {
	ctx, cancel := context.WithCancel(t.job.ctx)
	var wg sync.WaitGroup
	defer func() {
		cancel()
		wg.Wait()
	}()
	var queue []*pendingRecord
	// drain emits the fetched records at the head of the queue while more than keep are
	// queued, reporting false when the task is to stop.
	drain := func(keep int) bool {
		for len(queue) > keep {
			head := queue[0]
			<-head.done
			queue = queue[1:]
			if head.err != nil {
				failTask(head.err)
			}
			t.addBytes(head.length)
			if t.stopped() || !emit(head.rec) {
				return false
			}
		}
		return true
	}
	stopped := false
	index.iterate(t, p, func(x any) bool {
		loc, err := locateWarcRecord(x, base)
		if err != nil {
			failTask(err)
		}
		pr := &pendingRecord{done: make(chan struct{}), length: loc.length}
		queue = append(queue, pr)
		wg.Add(1)
		go func() {
			defer wg.Done()
			defer close(pr.done)
			defer func() {
				if r := recover(); r != nil {
					pr.err = fmt.Errorf("rdd.WarcRecords: reading %s at offset %d: panic: %v", loc.path, loc.offset, r)
				}
			}()
			pr.rec, pr.err = c.readWarcRecord(ctx, loc)
		}()
		if !drain(warcFetchers - 1) {
			stopped = true
			return false
		}
		return true
	})
	if !stopped {
		drain(0)
	}
}

// readWarcRecord reads the one record at loc with one ranged read.
func (c *Context) readWarcRecord(ctx context.Context, loc warcLocation) (*warc.Record, error) {
	if codec := fileio.CodecFor(loc.path); codec != "" && codec != fileio.Gzip {
		return nil, fmt.Errorf("rdd.WarcRecords: %s: %s-compressed WARC files are not supported", loc.path, codec)
	}
	fsys, err := c.fs.For(loc.path)
	if err != nil {
		return nil, fmt.Errorf("rdd.WarcRecords: %w", err)
	}
	rc, err := fsys.OpenRange(ctx, loc.path, loc.offset, loc.length)
	if err != nil {
		return nil, err
	}
	defer rc.Close()
	rd := warc.NewReader(rc)
	rd.Path = loc.path
	rec, err := rd.Next()
	if errors.Is(err, io.EOF) {
		return nil, fmt.Errorf("rdd.WarcRecords: %s: no record in the %d bytes at offset %d", loc.path, loc.length, loc.offset)
	}
	if err != nil {
		return nil, fmt.Errorf("rdd.WarcRecords: record at offset %d: %w", loc.offset, err)
	}
	rec.Offset = loc.offset
	if rec.Length >= 0 {
		rec.Length = loc.length
	}
	return rec, nil
}

// warcColumns are the index columns WarcRecords reads, with the struct field names that
// may hold them.
var warcColumns = [3][2]string{
	{"warc_filename", "WarcFilename"},
	{"warc_record_offset", "WarcRecordOffset"},
	{"warc_record_length", "WarcRecordLength"},
}

// locateWarcRecord reads the location of a record from an index row.
func locateWarcRecord(x any, base string) (warcLocation, error) {
	var vals [3]any
	switch row := x.(type) {
	case map[string]any:
		for i, col := range warcColumns {
			v, ok := row[col[0]]
			if !ok {
				return warcLocation{}, fmt.Errorf("rdd.WarcRecords: the index row %v has no %s column (read it from the index)", row, col[0])
			}
			vals[i] = v
		}
	default:
		rv := reflect.ValueOf(x)
		for rv.Kind() == reflect.Pointer && !rv.IsNil() {
			rv = rv.Elem()
		}
		if rv.Kind() != reflect.Struct {
			return warcLocation{}, fmt.Errorf("rdd.WarcRecords: an index row is a map[string]any or a struct, not %s", typeName(x))
		}
		for i, col := range warcColumns {
			f, ok := structColumn(rv, col[0], col[1])
			if !ok {
				return warcLocation{}, fmt.Errorf("rdd.WarcRecords: %s has no field %s (or tagged parquet:%q)", rv.Type(), col[1], col[0])
			}
			vals[i] = f.Interface()
		}
	}
	name, ok := vals[0].(string)
	if !ok || name == "" {
		return warcLocation{}, fmt.Errorf("rdd.WarcRecords: warc_filename is %v (%T), not a file name", vals[0], vals[0])
	}
	var loc warcLocation
	for i, dst := range []*int64{&loc.offset, &loc.length} {
		v := reflect.ValueOf(vals[i+1])
		switch v.Kind() {
		case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64:
			*dst = v.Int()
		case reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64:
			*dst = int64(v.Uint())
		default:
			return warcLocation{}, fmt.Errorf("rdd.WarcRecords: %s of %s is %v (%T), not an integer", warcColumns[i+1][0], name, vals[i+1], vals[i+1])
		}
	}
	if loc.offset < 0 || loc.length <= 0 {
		return warcLocation{}, fmt.Errorf("rdd.WarcRecords: %s: bad byte range: offset %d, length %d", name, loc.offset, loc.length)
	}
	loc.path = name
	if base != "" && !strings.Contains(name, "://") && !strings.HasPrefix(name, "/") {
		loc.path = strings.TrimSuffix(base, "/") + "/" + name
	}
	return loc, nil
}

// structColumn finds the field of a struct holding column: tagged parquet:"column", or
// named field.
func structColumn(rv reflect.Value, column, field string) (reflect.Value, bool) {
	t := rv.Type()
	for i := 0; i < t.NumField(); i++ {
		f := t.Field(i)
		if !f.IsExported() {
			continue
		}
		tag, _, _ := strings.Cut(f.Tag.Get("parquet"), ",")
		if tag == column || (tag == "" && strings.EqualFold(f.Name, field)) {
			return rv.Field(i), true
		}
	}
	return reflect.Value{}, false
}
