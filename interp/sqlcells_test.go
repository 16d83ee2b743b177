//go:build duckdb_arrow

package interp

import (
	"context"
	"strings"
	"testing"
	"time"
)

// TestSQLCells: %%sql cells query files and RDD views, bind their results as RDDs that
// feed RDD methods, take Go variables as parameters, and fail with DuckDB's message.
func TestSQLCells(t *testing.T) {
	s := newSession(t)
	defer s.Close()
	cells := []struct {
		code    string
		want    []string // in the text shown
		wantErr string   // in the error's value; "" for none
	}{
		{code: `index := "../notebooks/data/cc-index/table/cc-main/warc/**/*.parquet"`},
		{code: "%%sql subsets\nSELECT subset, count(*) AS n FROM read_parquet($index, hive_partitioning = true)\nGROUP BY subset ORDER BY subset",
			want: []string{"crawldiagnostics", "75", "warc", "669"}},
		{code: `subsets.Map(func(row map[string]any) int { return row["n"].(int) }).Reduce(func(a, b int) int { return a + b })`,
			want: []string{"744"}},
		{code: `words := sc.Parallelize([]string{"to", "be", "or", "not", "to", "be"}).
	Map(func(w string) rdd.Pair { return rdd.KV(w, 1) }).
	ReduceByKey(func(a, b int) int { return a + b })
words.CreateOrReplaceTempView("words")`},
		{code: "%%sql\nSELECT key AS word, value AS n FROM words ORDER BY n DESC, word LIMIT 2", want: []string{"be", "to", "2"}},
		{code: `least := 2`},
		{code: "%%sql frequent\nSELECT key FROM words WHERE value >= {least} AND key <> '{least}' ORDER BY key", want: []string{"be", "to"}},
		{code: `frequent.Count()`, want: []string{"2"}},
		{code: "%%sql\nSELECT '{least}' AS kept", want: []string{"{least}"}},
		{code: "%%sql\nSELEC 1", wantErr: "syntax error"},
		{code: "%%sql\nSELECT * FROM no_such_table", wantErr: "no_such_table"},
		{code: "%%sql\nSELECT $nowhere", wantErr: "no variable nowhere"},
		{code: "%%sql 2x\nSELECT 1", wantErr: "must be a Go identifier"},
		{code: `import "github.com/gosparkling/gosparkling/sqlengine"

engine, err := sqlengine.New(sqlengine.Threads(1))
own := rdd.NewContext(rdd.WithSQL(engine))
own.SQL("SELECT 6 * 7 AS answer").First()`, want: []string{"answer", "42"}},
		{code: `own.Stop()
engine.Close()`},
	}
	for _, c := range cells {
		res := execute(t, s, c.code)
		switch {
		case c.wantErr != "":
			if res.err == nil || !strings.Contains(res.err.Value, c.wantErr) {
				t.Errorf("cell %q: error %v, want one containing %q", c.code, res.err, c.wantErr)
			}
			continue
		case res.err != nil:
			t.Fatalf("cell %q: %s: %s", c.code, res.err.Name, res.err.Value)
		}
		for _, w := range c.want {
			if !strings.Contains(res.plain, w) {
				t.Errorf("cell %q shows\n%s\nwant %q in it", c.code, res.plain, w)
			}
		}
	}
}

// TestSQLCellInterrupted: interrupting a %%sql cell interrupts DuckDB's query, and the
// session runs the next query.
func TestSQLCellInterrupted(t *testing.T) {
	s := newSession(t)
	defer s.Close()
	ctx, cancel := context.WithCancel(context.Background())
	stop := time.AfterFunc(200*time.Millisecond, cancel)
	defer stop.Stop()
	res := executeCtx(t, ctx, s, "%%sql\nSELECT count(*) FROM range(100000000) a, range(100000000) b WHERE a.range + b.range = 7")
	if res.err == nil || res.err.Name != "Interrupted" {
		t.Fatalf("interrupted query: %+v, want an Interrupted error", res.err)
	}
	if res := execute(t, s, "%%sql\nSELECT 40 + 2 AS answer"); res.err != nil || !strings.Contains(res.plain, "42") {
		t.Errorf("query after the interrupted one: %q, %v", res.plain, res.err)
	}
}
