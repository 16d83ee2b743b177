//go:build duckdb_arrow

package sqlengine_test

import (
	"testing"

	"github.com/gosparkling/gosparkling/rdd"
	"github.com/gosparkling/gosparkling/sqlengine"
)

const sampleIndex = "../notebooks/data/cc-index/table/cc-main/warc/"

// newContext returns a Context with a DuckDB engine, both closed with the test.
func newContext(t *testing.T, opts ...sqlengine.Option) *rdd.Context {
	t.Helper()
	engine, err := sqlengine.New(opts...)
	if err != nil {
		t.Fatal(err)
	}
	sc := rdd.NewContext(rdd.WithSQL(engine), rdd.WithParallelism(2))
	t.Cleanup(func() {
		sc.Stop()
		if err := engine.Close(); err != nil {
			t.Error(err)
		}
	})
	return sc
}

func TestSmoke(t *testing.T) {
	sc := newContext(t)
	rows := sc.SQL("SELECT subset, count(*) AS n FROM read_parquet($1, hive_partitioning = true) GROUP BY subset ORDER BY subset", sampleIndex+"**/*.parquet").Collect()
	t.Log(rows)
	type wc struct {
		Word string
		N    int
	}
	words := sc.Parallelize([]string{"a", "b", "a", "c", "a"}).Map(func(w string) rdd.Pair { return rdd.KV(w, 1) }).ReduceByKey(func(a, b int) int { return a + b })
	words.CreateOrReplaceTempView("words")
	t.Log(sc.SQL("SELECT key AS word, value AS n FROM words ORDER BY n DESC, word", rdd.RowsAs(wc{})).Collect())
	t.Log(sc.SQL("SELECT a.key, b.value FROM words a JOIN words b ON a.key = b.key").Collect())
}
