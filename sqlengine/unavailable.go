//go:build !duckdb_arrow

package sqlengine

import (
	"context"
	"errors"

	"github.com/apache/arrow-go/v18/arrow"

	"github.com/gosparkling/gosparkling/rdd"
)

// errUnavailable is New's error in a build without DuckDB's Arrow interface.
var errUnavailable = errors.New("sqlengine: this program was built without DuckDB: build it with -tags duckdb_arrow " +
	"(make build does; go install -tags duckdb_arrow github.com/gosparkling/gosparkling@latest)")

// Engine would run SQL with DuckDB; this build has none (see New).
type Engine struct{}

// New returns an error: this program was built without the duckdb_arrow tag.
func New(...Option) (*Engine, error) { return nil, errUnavailable }

// Query returns an error: there is no engine in this build.
func (e *Engine) Query(context.Context, string, []any, func([]string, []any) bool) error {
	return errUnavailable
}

// QueryArrow returns an error: there is no engine in this build.
func (e *Engine) QueryArrow(context.Context, string, []any, func(arrow.RecordBatch) error) error {
	return errUnavailable
}

// CreateOrReplaceTempView returns an error: there is no engine in this build.
func (e *Engine) CreateOrReplaceTempView(string, *rdd.TempView) error { return errUnavailable }

// DropTempView returns an error: there is no engine in this build.
func (e *Engine) DropTempView(string) error { return errUnavailable }

// TempViews returns nothing: there is no engine in this build.
func (e *Engine) TempViews() []string { return nil }

// Close does nothing: there is no engine in this build.
func (e *Engine) Close() error { return nil }
