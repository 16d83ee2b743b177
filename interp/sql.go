package interp

import (
	"context"
	"fmt"
	"math"
	"runtime/debug"
	"strconv"
	"strings"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/array"
	"github.com/apache/arrow-go/v18/arrow/memory"

	"github.com/gosparkling/gosparkling/display"
	"github.com/gosparkling/gosparkling/rdd"
	"github.com/gosparkling/gosparkling/sqlengine"
)

// sqlMagic starts a cell whose body is an SQL query, run by the session's DuckDB and
// shown as a table:
//
//	%%sql langs
//	SELECT content_languages, count(*) AS n
//	FROM read_parquet({index}, hive_partitioning = true)
//	GROUP BY ALL ORDER BY n DESC
//
// A name after the magic binds the result to a variable of that name, an *rdd.RDD of
// map[string]any rows (sc.SQL's). $var and {var} pass the Go variable var to the query
// as a bound parameter, never pasted into its text (in quotes and comments they are left
// as they are).
const sqlMagic = "%%sql"

// sessionSQL is what the session's SQL runs on: its engine, or the error that there is
// none.
type sessionSQL struct {
	engine *sqlengine.Engine
	err    error
}

// newSessionSQL opens the session's DuckDB, its memory a third of the Go memory limit
// when one is set (the session's process gives Go three quarters of its limit: DuckDB
// gets a quarter of the process's), else DuckDB's default.
func newSessionSQL() sessionSQL {
	var opts []sqlengine.Option
	if limit := debug.SetMemoryLimit(-1); limit != math.MaxInt64 {
		opts = append(opts, sqlengine.MemoryLimit(limit/3))
	}
	engine, err := sqlengine.New(opts...)
	return sessionSQL{engine: engine, err: err}
}

// option returns the rdd option that gives sc the engine, or an engine that says why
// there is none.
func (q sessionSQL) option() rdd.Option {
	if q.err != nil {
		return rdd.WithSQL(missingEngine{q.err})
	}
	return rdd.WithSQL(q.engine)
}

func (q sessionSQL) close() error {
	if q.engine == nil {
		return nil
	}
	return q.engine.Close()
}

// missingEngine is the SQL engine of a session without DuckDB: every call says why.
type missingEngine struct{ err error }

func (m missingEngine) Query(context.Context, string, []any, func([]string, []any) bool) error {
	return m.err
}

func (m missingEngine) CreateOrReplaceTempView(string, *rdd.TempView) error { return m.err }

// sqlCell runs a %%sql cell: header is the rest of its first line, query the lines after.
func (s *Session) sqlCell(ctx context.Context, header, query string) (MIMEBundle, error) {
	name := strings.TrimSpace(header)
	if name != "" && !isIdentifier(name) {
		return nil, sqlCellError(fmt.Sprintf("%s %s: the name to bind the result to must be a Go identifier", sqlMagic, name))
	}
	if strings.TrimSpace(query) == "" {
		return nil, sqlCellError("a " + sqlMagic + " cell needs a query on the lines after " + sqlMagic)
	}
	if s.sql.err != nil {
		return nil, sqlCellError(s.sql.err.Error())
	}
	text, vars := sqlParameters(query)
	globals := s.globalValues()
	args := make([]any, len(vars))
	for i, v := range vars {
		g, ok := globals[v]
		if !ok {
			return nil, sqlCellError(fmt.Sprintf("no variable %s for the query's $%s (or {%s}): define it in a cell first", v, v, v))
		}
		args[i] = g.Interface()
	}
	bundle, err := s.showQuery(ctx, text, args)
	if err != nil {
		if ctx.Err() != nil {
			return nil, s.cellError(ctx, ctx.Err())
		}
		return nil, sqlCellError(err.Error())
	}
	if name != "" {
		code := name + " := sc.SQL(" + strconv.Quote(text)
		for _, v := range vars {
			code += ", " + v
		}
		code += ")"
		s.cellSource = code
		chunks, err := splitCell(code)
		if err == nil {
			_, err = s.run(ctx, chunks)
		}
		if err != nil {
			return nil, s.cellError(ctx, err)
		}
	}
	return bundle, nil
}

// sqlCellError is the error of a %%sql cell: the query's, as DuckDB words it.
func sqlCellError(msg string) *CellError {
	return &CellError{Name: "SQLError", Value: msg, Traceback: []string{"SQLError: " + msg}}
}

// showQuery runs query and returns its result as a table, built from DuckDB's Arrow
// batches: the rows the table shows are kept, the others counted.
func (s *Session) showQuery(ctx context.Context, query string, args []any) (MIMEBundle, error) {
	keep := int64(max(display.DefaultMaxRows, display.DefaultBrowserRows))
	var kept []arrow.RecordBatch
	defer func() {
		for _, b := range kept {
			b.Release()
		}
	}()
	var keptRows, total int64
	err := s.sql.engine.QueryArrow(ctx, query, args, func(b arrow.RecordBatch) error {
		total += b.NumRows()
		if keptRows < keep {
			n := min(b.NumRows(), keep-keptRows)
			kept = append(kept, b.NewSlice(0, n))
			keptRows += n
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	if len(kept) == 0 {
		return MIMEBundle{"text/plain": "(no rows)"}, nil
	}
	rec, err := concatBatches(kept)
	if err != nil {
		return nil, err
	}
	defer rec.Release()
	return display.RecordTable(rec, total, display.Options{}).MIMEBundle(), nil
}

// concatBatches returns the rows of batches, which share a schema, as one batch.
func concatBatches(batches []arrow.RecordBatch) (arrow.RecordBatch, error) {
	if len(batches) == 1 {
		batches[0].Retain()
		return batches[0], nil
	}
	schema := batches[0].Schema()
	cols := make([]arrow.Array, schema.NumFields())
	defer func() {
		for _, c := range cols {
			if c != nil {
				c.Release()
			}
		}
	}()
	var rows int64
	for _, b := range batches {
		rows += b.NumRows()
	}
	for i := range cols {
		parts := make([]arrow.Array, len(batches))
		for j, b := range batches {
			parts[j] = b.Column(i)
		}
		col, err := array.Concatenate(parts, memory.DefaultAllocator)
		if err != nil {
			return nil, fmt.Errorf("joining the result's batches: column %s: %w", schema.Field(i).Name, err)
		}
		cols[i] = col
	}
	return array.NewRecordBatch(schema, cols, rows), nil
}

// sqlParameters returns query with each $var and {var} outside quotes and comments
// replaced by a numbered parameter ($1, $2...), and the variables in their parameters'
// order (a variable used twice is one parameter). DuckDB's own $1 and $$quoted$$ text
// stay as they are.
func sqlParameters(query string) (string, []string) {
	var b strings.Builder
	var vars []string
	param := func(name string) {
		n := 0
		for i, v := range vars {
			if v == name {
				n = i + 1
			}
		}
		if n == 0 {
			vars = append(vars, name)
			n = len(vars)
		}
		fmt.Fprintf(&b, "$%d", n)
	}
	for i := 0; i < len(query); {
		rest := query[i:]
		switch c := query[i]; {
		case c == '\'' || c == '"':
			end := strings.IndexByte(rest[1:], c)
			if end < 0 {
				end = len(rest) - 2
			}
			b.WriteString(rest[:end+2])
			i += end + 2
		case strings.HasPrefix(rest, "--"):
			end := strings.IndexByte(rest, '\n')
			if end < 0 {
				end = len(rest) - 1
			}
			b.WriteString(rest[:end+1])
			i += end + 1
		case strings.HasPrefix(rest, "/*"):
			end := strings.Index(rest, "*/")
			if end < 0 {
				end = len(rest) - 2
			}
			b.WriteString(rest[:end+2])
			i += end + 2
		case c == '$' && len(rest) > 1 && isIdentStart(rest[1]):
			n := identLen(rest[1:])
			param(rest[1 : 1+n])
			i += 1 + n
		case c == '{' && len(rest) > 1 && isIdentStart(rest[1]) && strings.HasPrefix(rest[1+identLen(rest[1:]):], "}"):
			n := identLen(rest[1:])
			param(rest[1 : 1+n])
			i += n + 2
		default:
			b.WriteByte(c)
			i++
		}
	}
	return b.String(), vars
}

func isIdentStart(c byte) bool { return c == '_' || 'a' <= c && c <= 'z' || 'A' <= c && c <= 'Z' }

// identLen returns the length of the identifier at the start of s.
func identLen(s string) int {
	n := 0
	for n < len(s) && (isIdentStart(s[n]) || '0' <= s[n] && s[n] <= '9') {
		n++
	}
	return n
}

func isIdentifier(s string) bool { return s != "" && isIdentStart(s[0]) && identLen(s) == len(s) }
