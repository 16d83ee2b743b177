//go:build duckdb_arrow

package sqlengine

import (
	"context"
	"errors"
	"fmt"
	"sync/atomic"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/array"
	"github.com/apache/arrow-go/v18/arrow/memory"

	"github.com/gosparkling/gosparkling/display"
	"github.com/gosparkling/gosparkling/rdd"
)

// viewBatchRows is how many elements of a view's RDD make one Arrow record batch: about
// DuckDB's vector size, twice.
const viewBatchRows = 4096

// viewReader is the Arrow record reader DuckDB scans a view of an RDD through: the
// batches of a job (rdd.TempView.Stream) running while DuckDB reads, each converted to
// Arrow as display.ToRecord converts values, with the columns of the first batch.
type viewReader struct {
	name    string
	refs    atomic.Int64
	stop    context.CancelFunc
	batches chan []any // the job's batches; closed when the job has ended
	jobErr  error      // the job's error, set before batches is closed
	schema  *arrow.Schema
	first   arrow.RecordBatch // the first batch, converted to fix the schema, until Next takes it
	cur     arrow.RecordBatch
	err     error
}

// startView starts the job of view and returns its reader once the first batch has
// fixed the columns. ctx stops the job.
func startView(ctx context.Context, view *rdd.TempView) (*viewReader, error) {
	ctx, stop := context.WithCancel(ctx)
	r := &viewReader{name: view.Name(), stop: stop, batches: make(chan []any, 1)}
	r.refs.Store(1)
	go func() {
		defer close(r.batches)
		defer func() {
			if p := recover(); p != nil {
				r.jobErr = fmt.Errorf("view %s: %v", r.name, p)
			}
		}()
		r.jobErr = view.Stream(ctx, viewBatchRows, func(b []any) error {
			select {
			case r.batches <- b:
				return nil
			case <-ctx.Done():
				return ctx.Err()
			}
		})
	}()
	b, ok := <-r.batches
	if !ok {
		stop()
		if r.jobErr != nil {
			return nil, r.jobErr
		}
		return nil, errors.New("its RDD has no elements, so its columns are unknown")
	}
	rec, err := display.ToRecord(b, memory.DefaultAllocator)
	if err != nil {
		r.Release()
		return nil, err
	}
	r.schema, r.first = rec.Schema(), rec
	return r, nil
}

// Retain adds a reference.
func (r *viewReader) Retain() { r.refs.Add(1) }

// Release drops a reference; the last stops the job and waits for it to end.
func (r *viewReader) Release() {
	if r.refs.Add(-1) != 0 {
		return
	}
	r.stop()
	for range r.batches {
	}
	for _, rec := range []arrow.RecordBatch{r.first, r.cur} {
		if rec != nil {
			rec.Release()
		}
	}
	r.first, r.cur = nil, nil
}

// Schema returns the columns of the first batch.
func (r *viewReader) Schema() *arrow.Schema { return r.schema }

// Next moves to the next batch, waiting for the job to make it.
func (r *viewReader) Next() bool {
	if r.cur != nil {
		r.cur.Release()
		r.cur = nil
	}
	if r.first != nil {
		r.cur, r.first = r.first, nil
		return true
	}
	if r.err != nil {
		return false
	}
	b, ok := <-r.batches
	if !ok {
		r.err = r.jobErr
		return false
	}
	rec, err := display.ToRecord(b, memory.DefaultAllocator)
	if err == nil {
		rec, err = conform(rec, r.schema)
	}
	if err != nil {
		r.err = fmt.Errorf("view %s: %w", r.name, err)
		return false
	}
	r.cur = rec
	return true
}

// RecordBatch returns the current batch.
func (r *viewReader) RecordBatch() arrow.RecordBatch { return r.cur }

// Record returns the current batch.
//
// Deprecated: use RecordBatch, as array.RecordReader says.
func (r *viewReader) Record() arrow.RecordBatch { return r.cur }

// Err returns the error that ended the batches, nil at their end.
func (r *viewReader) Err() error { return r.err }

// conform returns rec with the columns of schema, taking rec's reference: a column rec
// lacks, or whose values were all nil, is nulls; integers become floats where the first
// batch had floats. Any other difference is an error, since DuckDB's view has the first
// batch's columns.
func conform(rec arrow.RecordBatch, schema *arrow.Schema) (arrow.RecordBatch, error) {
	defer rec.Release()
	have := rec.Schema()
	for _, f := range have.Fields() {
		if !schema.HasField(f.Name) {
			return nil, fmt.Errorf("column %q appears in later rows only; make the RDD's elements structs to fix its columns", f.Name)
		}
	}
	n := int(rec.NumRows())
	cols := make([]arrow.Array, schema.NumFields())
	defer func() {
		for _, c := range cols {
			if c != nil {
				c.Release()
			}
		}
	}()
	for i, f := range schema.Fields() {
		idx := have.FieldIndices(f.Name)
		var col arrow.Array
		if len(idx) > 0 {
			col = rec.Column(idx[0])
		}
		switch {
		case col == nil || col.DataType().ID() == arrow.NULL:
			cols[i] = array.MakeArrayOfNull(memory.DefaultAllocator, f.Type, n)
		case arrow.TypeEqual(col.DataType(), f.Type):
			col.Retain()
			cols[i] = col
		case col.DataType().ID() == arrow.INT64 && f.Type.ID() == arrow.FLOAT64:
			cols[i] = intsToFloats(col.(*array.Int64))
		default:
			return nil, fmt.Errorf("column %q is %s in the first rows and %s in later ones; make the RDD's elements structs to fix its type",
				f.Name, f.Type, col.DataType())
		}
	}
	return array.NewRecordBatch(schema, cols, int64(n)), nil
}

// intsToFloats returns the values of ints as float64s.
func intsToFloats(ints *array.Int64) arrow.Array {
	b := array.NewFloat64Builder(memory.DefaultAllocator)
	defer b.Release()
	for i := 0; i < ints.Len(); i++ {
		if ints.IsNull(i) {
			b.AppendNull()
		} else {
			b.Append(float64(ints.Value(i)))
		}
	}
	return b.NewArray()
}
