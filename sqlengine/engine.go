//go:build duckdb_arrow

package sqlengine

import (
	"context"
	"database/sql"
	"database/sql/driver"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"sync"
	"sync/atomic"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/duckdb/duckdb-go/v2"

	"github.com/gosparkling/gosparkling/rdd"
)

// Engine is an in-memory DuckDB database with the views CreateOrReplaceTempView made of
// RDDs: the rdd.SQLEngine of package sqlengine. It is safe for use by several
// goroutines; each query runs on a connection of its own.
type Engine struct {
	db      *sql.DB
	tempDir string // made by New, removed by Close; "" when given by TempDir

	mu    sync.Mutex
	views map[string]*rdd.TempView // by lowercase name
}

var _ rdd.SQLEngine = (*Engine)(nil)

// New opens an in-memory DuckDB database configured by opts. Close releases it.
func New(opts ...Option) (*Engine, error) {
	var cfg config
	for _, o := range opts {
		o(&cfg)
	}
	e := &Engine{views: map[string]*rdd.TempView{}}
	tempDir := cfg.tempDir
	if tempDir == "" {
		// DuckDB makes it when it first spills.
		tempDir = filepath.Join(os.TempDir(), fmt.Sprintf("gosparkling-duckdb-%d-%d", os.Getpid(), engines.Add(1)))
		e.tempDir = tempDir
	}
	connector, err := duckdb.NewConnector("", nil)
	if err != nil {
		e.Close()
		return nil, fmt.Errorf("sqlengine: opening DuckDB: %w", err)
	}
	e.db = sql.OpenDB(connector)
	settings := []string{
		// Extensions come with the library (parquet, json, icu) or not at all: nothing is
		// downloaded, and s3:// or http:// data goes through gosparkling's file systems.
		"SET autoinstall_known_extensions = false",
		"SET temp_directory = " + quote(tempDir),
	}
	if cfg.memoryLimit > 0 {
		settings = append(settings, fmt.Sprintf("SET memory_limit = '%dB'", cfg.memoryLimit))
	}
	if cfg.threads > 0 {
		settings = append(settings, fmt.Sprintf("SET threads = %d", cfg.threads))
	}
	for _, s := range settings {
		if _, err := e.db.Exec(s); err != nil {
			e.Close()
			return nil, fmt.Errorf("sqlengine: %s: %w", s, err)
		}
	}
	return e, nil
}

// engines counts the engines made, to name their temporary directories.
var engines atomic.Int64

// quote returns s as an SQL string literal.
func quote(s string) string { return "'" + strings.ReplaceAll(s, "'", "''") + "'" }

// Close closes the database and removes its temporary directory. The views' RDDs are
// left as they are.
func (e *Engine) Close() error {
	var err error
	if e.db != nil {
		err = e.db.Close()
	}
	if e.tempDir != "" {
		err = errors.Join(err, os.RemoveAll(e.tempDir))
	}
	return err
}

// viewName is what CreateOrReplaceTempView accepts as a view's name: an identifier that
// needs no quoting.
var viewName = regexp.MustCompile(`^[A-Za-z_][A-Za-z0-9_]*$`)

// CreateOrReplaceTempView makes name a view of view's RDD in the queries that follow
// (rdd.RDD.CreateOrReplaceTempView calls it). Names are compared without case, as SQL's
// identifiers are; a view hides a table of the same name.
func (e *Engine) CreateOrReplaceTempView(name string, view *rdd.TempView) error {
	if !viewName.MatchString(name) {
		return fmt.Errorf("sqlengine: view name %q: want letters, digits and underscores, not starting with a digit", name)
	}
	e.mu.Lock()
	defer e.mu.Unlock()
	e.views[strings.ToLower(name)] = view
	return nil
}

// DropTempView forgets the view name, reporting an error when there is none.
func (e *Engine) DropTempView(name string) error {
	e.mu.Lock()
	defer e.mu.Unlock()
	key := strings.ToLower(name)
	if _, ok := e.views[key]; !ok {
		return fmt.Errorf("sqlengine: no view %q to drop", name)
	}
	delete(e.views, key)
	return nil
}

// TempViews returns the names of the views of RDDs, sorted.
func (e *Engine) TempViews() []string {
	e.mu.Lock()
	defer e.mu.Unlock()
	var names []string
	for _, v := range e.views {
		names = append(names, v.Name())
	}
	slices.Sort(names)
	return names
}

// viewsIn returns the views whose names query mentions: those it may read.
func (e *Engine) viewsIn(query string) []*rdd.TempView {
	words := map[string]bool{}
	for _, w := range identifier.FindAllString(strings.ToLower(query), -1) {
		words[w] = true
	}
	e.mu.Lock()
	defer e.mu.Unlock()
	var out []*rdd.TempView
	for key, v := range e.views {
		if words[key] {
			out = append(out, v)
		}
	}
	return out
}

var identifier = regexp.MustCompile(`[a-z_][a-z0-9_]*`)

// session runs f on a connection of its own where the views query mentions are
// registered, streaming their RDDs as DuckDB reads them; their jobs stop when f returns.
func (e *Engine) session(ctx context.Context, query string, f func(conn *duckdb.Conn, ar *duckdb.Arrow) error) error {
	conn, err := e.db.Conn(ctx)
	if err != nil {
		return fmt.Errorf("sqlengine: %w", err)
	}
	defer conn.Close()
	return conn.Raw(func(raw any) (err error) {
		dc, ok := raw.(*duckdb.Conn)
		if !ok {
			return fmt.Errorf("sqlengine: a %T is not a DuckDB connection", raw)
		}
		ar, err := duckdb.NewArrowFromConn(dc)
		if err != nil {
			return fmt.Errorf("sqlengine: %w", err)
		}
		viewCtx, stop := context.WithCancel(ctx)
		defer stop()
		var drops []string // statements that remove what the session made
		defer func() {
			stop()
			for _, drop := range drops {
				if _, dropErr := dc.ExecContext(context.Background(), drop, nil); dropErr != nil && err == nil {
					err = fmt.Errorf("sqlengine: %s: %w", drop, dropErr)
				}
			}
		}()
		for _, v := range e.viewsIn(query) {
			// DuckDB 1.5.6 pushes filters and projections down into an Arrow scan of its C
			// API, whose stream cannot apply them: filters would be lost and columns read as
			// others. And a stream can be read once, where a query may read a view twice.
			// So the query reads a temporary table into which the stream is copied, batch
			// by batch as the job makes them, all columns: DuckDB holds it compressed and
			// spills it past its memory limit; Go holds one batch at a time.
			streamName := "gosparkling_stream_" + v.Name()
			reader, err := startView(viewCtx, v)
			if err != nil {
				return fmt.Errorf("view %s: %w", v.Name(), err)
			}
			release, err := ar.RegisterView(reader, streamName)
			reader.Release() // the stream holds it now
			if err != nil {
				return fmt.Errorf("sqlengine: view %s: %w", v.Name(), err)
			}
			defer release()
			drops = append(drops, "DROP VIEW IF EXISTS "+streamName)
			create := "CREATE OR REPLACE TEMP TABLE " + v.Name() + " AS SELECT * FROM " + streamName
			if _, err := dc.ExecContext(ctx, create, nil); err != nil {
				return fmt.Errorf("view %s: %w", v.Name(), err)
			}
			drops = append(drops, "DROP TABLE IF EXISTS "+v.Name())
		}
		return f(dc, ar)
	})
}

// Query runs query with args bound to its parameters and calls row with each row of its
// result, its values Go values (see the package's doc), until row returns false. It is
// the rdd.SQLEngine method behind sc.SQL.
func (e *Engine) Query(ctx context.Context, query string, args []any, row func(columns []string, values []any) bool) error {
	return e.session(ctx, query, func(conn *duckdb.Conn, _ *duckdb.Arrow) error {
		named := make([]driver.NamedValue, len(args))
		for i, a := range args {
			named[i] = driver.NamedValue{Ordinal: i + 1, Value: a}
		}
		rows, err := conn.QueryContext(ctx, query, named)
		if err != nil {
			return queryError(err)
		}
		defer rows.Close()
		columns := rows.Columns()
		for {
			values := make([]driver.Value, len(columns))
			if err := rows.Next(values); err != nil {
				if err == io.EOF {
					return nil
				}
				return queryError(err)
			}
			out := make([]any, len(values))
			for i, v := range values {
				out[i] = goValue(v)
			}
			if !row(columns, out) {
				return nil
			}
		}
	})
}

// QueryArrow runs query with args bound to its parameters and calls batch with each
// record batch of its result, as DuckDB makes them, until batch returns an error, which
// QueryArrow returns. A batch is valid during the call only (Retain it to keep it).
func (e *Engine) QueryArrow(ctx context.Context, query string, args []any, batch func(arrow.RecordBatch) error) error {
	return e.session(ctx, query, func(_ *duckdb.Conn, ar *duckdb.Arrow) error {
		reader, err := ar.QueryContext(ctx, query, args...)
		if err != nil {
			return queryError(err)
		}
		defer reader.Release()
		for reader.Next() {
			if err := batch(reader.RecordBatch()); err != nil {
				return err
			}
		}
		if err := reader.Err(); err != nil {
			return queryError(err)
		}
		return nil
	})
}

// queryError is DuckDB's error of a query, with a hint where gosparkling has one.
func queryError(err error) error {
	msg := err.Error()
	if strings.Contains(msg, "httpfs") || strings.Contains(msg, "autoinstall") && strings.Contains(msg, "s3") {
		return fmt.Errorf("%w\n(gosparkling reads s3:// and http(s):// data itself: make a view of it, "+
			"sc.ReadParquet(path).CreateOrReplaceTempView(\"name\"), and query name)", err)
	}
	return err
}
