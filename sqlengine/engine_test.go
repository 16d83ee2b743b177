//go:build duckdb_arrow

package sqlengine_test

import (
	"context"
	"errors"
	"fmt"
	"maps"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/gosparkling/gosparkling/rdd"
	"github.com/gosparkling/gosparkling/sqlengine"
)

// sampleIndex is the URL index of the notebooks' sample crawl, partitioned Hive-style by
// crawl= and subset=.
const sampleIndex = "../notebooks/data/cc-index/table/cc-main/warc/"

// newContext returns a Context with a DuckDB engine, both closed with the test.
func newContext(t *testing.T, opts ...rdd.Option) *rdd.Context {
	t.Helper()
	engine, err := sqlengine.New(sqlengine.MemoryLimit(256<<20), sqlengine.Threads(2))
	if err != nil {
		t.Fatal(err)
	}
	sc := rdd.NewContext(append([]rdd.Option{rdd.WithSQL(engine), rdd.WithParallelism(2)}, opts...)...)
	t.Cleanup(func() {
		sc.Stop()
		if err := engine.Close(); err != nil {
			t.Error(err)
		}
	})
	return sc
}

// counts returns the rows of a two-column query (a key and a count) as a map.
func counts(t *testing.T, r *rdd.RDD, key, count string) map[any]int {
	t.Helper()
	rows, err := rdd.Catch(r.Collect)
	if err != nil {
		t.Fatal(err)
	}
	out := map[any]int{}
	for _, row := range rows {
		m := row.(map[string]any)
		out[m[key]] = m[count].(int)
	}
	return out
}

// byValue counts the values of column in the sample index's rows, read by the RDD
// engine: what SQL's GROUP BY must agree with.
func byValue(t *testing.T, sc *rdd.Context, column string, opts ...rdd.ParquetOption) map[any]int {
	t.Helper()
	out := map[any]int{}
	for k, n := range sc.ReadParquet(sampleIndex, append(opts, rdd.Columns(column))...).
		Map(func(row map[string]any) any { return row[column] }).CountByValue() {
		out[k] = int(n)
	}
	return out
}

// TestSQLOverTheSampleIndex: GROUP BY queries over the sample index, read by DuckDB with
// its Hive partitions, agree with the same counts made by RDD methods, and Where on a
// partition column and bound parameters select the same rows.
func TestSQLOverTheSampleIndex(t *testing.T) {
	sc := newContext(t)
	files := sampleIndex + "**/*.parquet"
	tests := []struct {
		name, query string
		args        []any
		want        map[any]int
	}{
		{"subsets from the partition directories", `SELECT subset AS k, count(*) AS n FROM read_parquet($1, hive_partitioning = true) GROUP BY k`,
			[]any{files}, map[any]int{"warc": 669, "crawldiagnostics": 75}},
		{"pages per TLD", `SELECT url_host_tld AS k, count(*) AS n FROM read_parquet($1, hive_partitioning = true) GROUP BY k`,
			[]any{files}, byValue(t, sc, "url_host_tld")},
		{"languages of the successful fetches", `SELECT content_languages AS k, count(*) AS n FROM read_parquet($1, hive_partitioning = true)
			WHERE subset = $2 GROUP BY k`, []any{files, "warc"}, byValue(t, sc, "content_languages", rdd.Where("subset", "warc"))},
		{"statuses as integers", `SELECT fetch_status AS k, count(*) AS n FROM read_parquet($1, hive_partitioning = true) GROUP BY k`,
			[]any{files}, byValue(t, sc, "fetch_status")},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := counts(t, sc.SQL(tt.query, tt.args...), "k", "n"); !maps.Equal(got, tt.want) {
				t.Errorf("got %v, want %v", got, tt.want)
			}
		})
	}
}

// word is an element of the views of TestViews.
type word struct {
	Word  string
	Count int
}

// TestViews: RDDs made views are read by queries as tables: filtered and projected
// (DuckDB pushes filters and projections into Arrow scans that cannot apply them: the
// engine copies the stream whole), joined with Parquet files and with themselves, their rows as maps or structs (RowsAs), and
// the results feed RDD methods.
func TestViews(t *testing.T) {
	sc := newContext(t)
	text := strings.Fields("to be or not to be that is the question to ask")
	sc.Parallelize(text, 3).Map(func(w string) rdd.Pair { return rdd.KV(w, 1) }).
		ReduceByKey(func(a, b int) int { return a + b }).CreateOrReplaceTempView("pairs")
	sc.Parallelize([]word{{"to", 3}, {"be", 2}, {"question", 1}}).CreateOrReplaceTempView("Structs")
	// Enough rows for several batches of several partitions.
	sc.Range(0, 100_000, 1, 4).Map(func(i int64) rdd.Pair { return rdd.KV(i%7, i) }).CreateOrReplaceTempView("numbers")
	domains := sc.ReadParquet(sampleIndex, rdd.Columns("url_host_registered_domain"), rdd.Where("subset", "warc")).
		Map(func(row map[string]any) any { return row["url_host_registered_domain"] }).Distinct().Take(3)
	sc.Parallelize(domains).Map(func(d string) rdd.Pair { return rdd.KV(d, "chosen") }).CreateOrReplaceTempView("chosen")
	pages := byValue(t, sc, "url_host_registered_domain", rdd.Where("subset", "warc"))
	sc.ReadParquet(sampleIndex, rdd.Where("subset", "warc"),
		rdd.Columns("url_host_registered_domain", "fetch_status", "content_languages")).CreateOrReplaceTempView("ccindex")

	tests := []struct {
		name  string
		query string
		want  map[any]int
	}{
		{"a pair RDD", "SELECT key AS k, value AS n FROM pairs", map[any]int{"to": 3, "be": 2, "or": 1, "not": 1, "that": 1, "is": 1, "the": 1, "question": 1, "ask": 1}},
		{"a filter on a value", "SELECT key AS k, value AS n FROM pairs WHERE value >= 2", map[any]int{"to": 3, "be": 2}},
		{"a filter on a key", "SELECT key AS k, value AS n FROM pairs WHERE key LIKE 't%'", map[any]int{"to": 3, "that": 1, "the": 1}},
		{"structs, the view's name in other case", "SELECT word AS k, count AS n FROM structs WHERE count < 3", map[any]int{"be": 2, "question": 1}},
		{"a self-join", "SELECT a.key AS k, b.value AS n FROM pairs a JOIN pairs b ON a.key = b.key WHERE a.value > 1", map[any]int{"to": 3, "be": 2}},
		{"two views joined", "SELECT p.key AS k, p.value + s.count AS n FROM pairs p JOIN structs s ON p.key = s.word", map[any]int{"to": 6, "be": 4, "question": 2}},
		{"a large view grouped", "SELECT key AS k, CAST(count(*) AS INTEGER) AS n FROM numbers GROUP BY key",
			map[any]int{0: 14286, 1: 14286, 2: 14286, 3: 14286, 4: 14286, 5: 14285, 6: 14285}},
		{"one column of a ReadParquet view", "SELECT fetch_status AS k, count(*) AS n FROM ccindex GROUP BY k",
			byValue(t, sc, "fetch_status", rdd.Where("subset", "warc"))},
		{"another, counting a third", "SELECT content_languages AS k, count(fetch_status) AS n FROM ccindex GROUP BY k",
			byValue(t, sc, "content_languages", rdd.Where("subset", "warc"))},
		{"a view joined with Parquet files", `SELECT i.url_host_registered_domain AS k, count(*) AS n
			FROM read_parquet('` + sampleIndex + `**/*.parquet', hive_partitioning = true) i JOIN chosen c ON i.url_host_registered_domain = c.key
			WHERE i.subset = 'warc' GROUP BY k`,
			map[any]int{domains[0]: pages[domains[0]], domains[1]: pages[domains[1]], domains[2]: pages[domains[2]]}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := counts(t, sc.SQL(tt.query), "k", "n"); !maps.Equal(got, tt.want) {
				t.Errorf("got %v, want %v", got, tt.want)
			}
		})
	}

	t.Run("results feed Map and ReduceByKey", func(t *testing.T) {
		// Words by their first letter, counted by SQL, summed by RDD methods.
		got := sc.SQL("SELECT key, value FROM pairs", rdd.RowsAs(struct {
			Key   string
			Value int
		}{})).Map(func(w struct {
			Key   string
			Value int
		}) rdd.Pair {
			return rdd.KV(w.Key[:1], w.Value)
		}).ReduceByKey(func(a, b int) int { return a + b }).CollectAsMap()
		want := map[any]any{"t": 5, "b": 2, "o": 1, "n": 1, "i": 1, "q": 1, "a": 1}
		if !maps.Equal(got, want) {
			t.Errorf("got %v, want %v", got, want)
		}
	})
	t.Run("RowsAs", func(t *testing.T) {
		got := sc.SQL("SELECT word, count FROM structs ORDER BY count DESC", rdd.RowsAs(word{})).Collect()
		want := []any{word{"to", 3}, word{"be", 2}, word{"question", 1}}
		if !slices.Equal(got, want) {
			t.Errorf("got %v, want %v", got, want)
		}
	})
}

// TestErrors: DuckDB's errors reach the action with DuckDB's message; views that cannot
// be made say why.
func TestErrors(t *testing.T) {
	sc := newContext(t)
	sc.EmptyRDD().CreateOrReplaceTempView("nothing")
	sc.Parallelize([]any{1, 2, "three"}, 1).CreateOrReplaceTempView("mixed")
	tests := []struct {
		name, query string
		args        []any
		want        string
	}{
		{"a syntax error", "SELEC 1", nil, "syntax error at or near \"SELEC\""},
		{"a missing table", "SELECT * FROM missing_table", nil, "Table with name missing_table does not exist"},
		{"a missing file", "SELECT * FROM read_parquet('no/such/file.parquet')", nil, "no/such/file.parquet"},
		{"a parameter short", "SELECT $1 + $2", []any{1}, "incorrect argument count"},
		{"an s3:// path", "SELECT * FROM read_parquet('s3://commoncrawl/x.parquet')", nil, "sc.ReadParquet(path).CreateOrReplaceTempView"},
		{"an empty view", "SELECT * FROM nothing", nil, "its RDD has no elements"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := rdd.Catch(sc.SQL(tt.query, tt.args...).Collect)
			if err == nil || !strings.Contains(err.Error(), tt.want) {
				t.Errorf("error %v, want one containing %q", err, tt.want)
			}
		})
	}
	t.Run("a view name that is no identifier", func(t *testing.T) {
		defer func() {
			if p := recover(); p == nil || !strings.Contains(fmt.Sprint(p), `view name "my view"`) {
				t.Errorf("panic %v, want one naming the view", p)
			}
		}()
		sc.EmptyRDD().CreateOrReplaceTempView("my view")
	})
	t.Run("a Context without an engine", func(t *testing.T) {
		plain := rdd.NewContext()
		defer plain.Stop()
		defer func() {
			if p := recover(); p == nil || !strings.Contains(fmt.Sprint(p), "sqlengine.New()") {
				t.Errorf("panic %v, want one saying how to get an engine", p)
			}
		}()
		plain.SQL("SELECT 1")
	})
}

// TestInterrupted: a job's context stops its query (DuckDB is interrupted) and the jobs
// of the views the query reads; the engine then runs the next query.
func TestInterrupted(t *testing.T) {
	sc := newContext(t)
	sc.Range(0, 1<<40, 1, 2).CreateOrReplaceTempView("endless")
	tests := []struct{ name, query string }{
		{"a long query", "SELECT count(*) FROM range(100000000) a, range(100000000) b WHERE a.range + b.range = 7"},
		{"a query reading an endless view", "SELECT sum(value) FROM endless"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			ctx, cancel := context.WithCancel(context.Background())
			stop := time.AfterFunc(300*time.Millisecond, cancel)
			defer stop.Stop()
			_, err := rdd.Catch(sc.WithJobContext(ctx).SQL(tt.query).Count)
			if !errors.Is(err, context.Canceled) {
				t.Fatalf("error %v, want one caused by context.Canceled", err)
			}
			if n := sc.ActiveJobs(); n != 0 {
				t.Errorf("%d jobs still running after the query stopped", n)
			}
		})
	}
	if got := sc.SQL("SELECT 42 AS answer").First(); got.(map[string]any)["answer"] != 42 {
		t.Errorf("the query after: %v", got)
	}
}
