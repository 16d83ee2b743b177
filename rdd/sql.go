package rdd

import (
	"context"
	"errors"
	"fmt"
	"sync"

	"github.com/gosparkling/gosparkling/fileio/parquet"
)

// SQLEngine runs the SQL of a Context: SQL and CreateOrReplaceTempView hand their work to
// it. Package rdd links no SQL engine; package sqlengine implements this interface with
// DuckDB, and a Context gets one with WithSQL.
type SQLEngine interface {
	// Query runs query with args bound to its parameters ($1 or ?), stopping when ctx is
	// done, and calls row with the result's column names and each row's values until row
	// returns false. columns is the same slice for every row; values is the row's own.
	Query(ctx context.Context, query string, args []any, row func(columns []string, values []any) bool) error
	// CreateOrReplaceTempView makes name, in the queries that follow, a view of the
	// elements of view's RDD, read through view.Stream when a query reads the view.
	CreateOrReplaceTempView(name string, view *TempView) error
}

// ErrNoSQLEngine is the error of SQL and CreateOrReplaceTempView on a Context made
// without WithSQL.
var ErrNoSQLEngine = errors.New(`this Context has no SQL engine: make it with rdd.NewContext(rdd.WithSQL(engine)), ` +
	`engine from sqlengine.New() (import "github.com/gosparkling/gosparkling/sqlengine"); a notebook's sc has one`)

// WithSQL gives the Context an SQL engine, which SQL and CreateOrReplaceTempView use (see
// package sqlengine). The Context does not close it.
func WithSQL(engine SQLEngine) Option {
	return func(c *Context) { c.sqlEngine = engine }
}

// SQLEngine returns the Context's SQL engine (WithSQL), nil when it has none.
func (c *Context) SQLEngine() SQLEngine { return c.sqlEngine }

// SQL returns the rows of an SQL query run by the Context's engine (WithSQL; a notebook's
// sc has DuckDB): one partition whose elements are map[string]any, a column per entry,
// or structs when one of args is RowsAs (matching columns to fields as ReadParquet does).
// The other args are bound to the query's parameters ($1, $2... or ?), never pasted into
// its text. The query can read files (DuckDB's read_parquet, read_csv, read_json) and the
// views that CreateOrReplaceTempView made of RDDs.
//
// As every RDD it is lazy: the query runs, anew, when an action needs the rows, and stops
// when the job is interrupted or its context done. An error of the engine fails the
// job with the engine's message. SQL panics when the Context has no engine.
//
//	top := sc.SQL(`SELECT url_host_tld AS tld, count(*) AS n FROM read_parquet($1, hive_partitioning = true)
//		GROUP BY tld ORDER BY n DESC`, index+"/**/*.parquet")
func (c *Context) SQL(query string, args ...any) *RDD {
	if c.sqlEngine == nil {
		panic("rdd.SQL: " + ErrNoSQLEngine.Error())
	}
	var binder *parquet.StructBinder
	var params []any
	for _, a := range args {
		o, ok := a.(ParquetOption)
		if !ok {
			params = append(params, a)
			continue
		}
		if o.name != "RowsAs" {
			panic(fmt.Sprintf("rdd.SQL: option %s does not apply to a query: only RowsAs does", o.name))
		}
		var cfg parquetConfig
		o.apply(&cfg)
		binder = cfg.binder
	}
	r := c.newRDD("SQLRDD", "SQL", nil)
	r.partitions = fixedPartitions(1)
	engine := c.sqlEngine
	r.compute = func(t *task, _ int, emit func(any) bool) {
		var order []int // binder: the index of each field's column
		err := engine.Query(t.job.ctx, query, params, func(columns []string, values []any) bool {
			if t.stopped() {
				return false
			}
			if binder == nil {
				row := make(map[string]any, len(columns))
				for i, name := range columns {
					row[name] = values[i]
				}
				return emit(row)
			}
			if order == nil {
				order = bindOrder(binder, columns)
			}
			fields := make([]any, len(order))
			for i, j := range order {
				fields[i] = values[j]
			}
			v, err := binder.Bind(fields)
			if err != nil {
				failTaskf("rdd.SQL: %v", err)
			}
			return emit(v)
		})
		if err != nil && t.job.ctx.Err() == nil {
			failTaskf("rdd.SQL: %w", err)
		}
	}
	return record(r, "SQL", nil, query, args)
}

// bindOrder returns where in columns each field of binder finds its value, failing the
// task when a field has no column.
func bindOrder(binder *parquet.StructBinder, columns []string) []int {
	names, err := binder.Match(columns)
	if err != nil {
		failTaskf("rdd.SQL: %v", err)
	}
	pos := make(map[string]int, len(columns))
	for i, name := range columns {
		if _, dup := pos[name]; !dup {
			pos[name] = i
		}
	}
	order := make([]int, len(names))
	for i, name := range names {
		order[i] = pos[name]
	}
	return order
}

// CreateOrReplaceTempView makes name a view of r's elements in the SQL of r's Context
// (its engine, WithSQL), replacing a view of that name, as Spark's
// DataFrame.createOrReplaceTempView: SQL can then join RDD results with files and other
// views. Nothing is computed now: each query that reads the view runs a job computing r,
// its elements streamed to the engine in batches as the tasks make them (Cache r to
// compute it once). Elements make columns as display.ToRecord makes them: a struct's
// exported fields, a map's string keys, a Pair's "key" and "value" (nested pairs, structs
// and maps dotted: "value.url"), a scalar "value". It panics when the Context has no
// engine or the engine refuses the name.
//
//	counts.CreateOrReplaceTempView("counts")
//	sc.SQL("SELECT key AS word, value AS n FROM counts ORDER BY n DESC LIMIT 10")
func (r *RDD) CreateOrReplaceTempView(name string) {
	if r.sc.sqlEngine == nil {
		panic("rdd.CreateOrReplaceTempView: " + ErrNoSQLEngine.Error())
	}
	if err := r.sc.sqlEngine.CreateOrReplaceTempView(name, &TempView{name: name, r: r}); err != nil {
		panic(fmt.Sprintf("rdd.CreateOrReplaceTempView(%q): %v", name, err))
	}
	r.sc.shuffles.viewMade(name, r)
}

// TempView is an RDD made a view of SQL by CreateOrReplaceTempView, as its SQLEngine sees
// it.
type TempView struct {
	name string
	r    *RDD
}

// Name returns the view's name.
func (v *TempView) Name() string { return v.name }

// RDD returns the RDD whose elements are the view's rows.
func (v *TempView) RDD() *RDD { return v.r }

// Stream runs a job computing the view's RDD, its partitions in parallel as every job's,
// and calls batch with their elements, at most size at a time (a partition's elements
// in order, partitions interleaved). batch is called by one task at a time and may keep
// the slice. The job stops when ctx is done, when the RDD's own job context is (an
// interrupted cell), or when batch returns an error, which Stream returns; a failed job's
// error is a *JobError.
func (v *TempView) Stream(ctx context.Context, size int, batch func([]any) error) (err error) {
	if size < 1 {
		return fmt.Errorf("rdd.TempView.Stream: batch size must be at least 1, got %d", size)
	}
	r := v.r
	jobCtx, release := r.sc.currentJobContext()
	defer release()
	ctx, stop := eitherContext(ctx, jobCtx)
	defer stop()
	var (
		mu     sync.Mutex
		failed error
	)
	defer func() {
		if p := recover(); p != nil {
			je, ok := p.(*JobError)
			switch {
			case failed != nil:
				err = failed
			case ok:
				err = je
			default:
				panic(p)
			}
		}
	}()
	n, err := r.numPartitions()
	if err != nil {
		return err
	}
	r.sc.runJobWith(ctx, r, "SQL view "+v.name, allPartitions(n), func(t *task, p int) {
		buf := make([]any, 0, size)
		flush := func() bool {
			mu.Lock()
			defer mu.Unlock()
			if failed != nil {
				return false
			}
			if err := batch(buf); err != nil {
				failed = err
				stop()
				return false
			}
			buf = make([]any, 0, size)
			return true
		}
		r.iterate(t, p, func(x any) bool {
			buf = append(buf, x)
			return len(buf) < size || flush()
		})
		if len(buf) > 0 && !t.job.stop.Load() {
			flush()
		}
	})
	return failed
}
