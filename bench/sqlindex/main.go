// Command sqlindex measures SQL over a Common Crawl index: a GROUP BY (pages per
// top-level domain) over the sample index of notebooks/data and over a generated index of
// a million rows, read by DuckDB from local Parquet files, through an RDD view
// (sc.ReadParquet made a view, as the index on S3 is read), and by RDD methods alone
// (ReadParquet and CountByValue) for comparison. It prints a Markdown table of the
// median of -runs runs of each:
//
//	go run -tags duckdb_arrow ./bench/sqlindex
//
// The generated index is written by DuckDB, once, under -data: rows of the real index's
// columns that the query reads (url_host_tld, content_languages, content_mime_detected,
// fetch_status, url), partitioned Hive-style by crawl= and subset=, in row groups of
// 100,000 rows.
package main

import (
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"time"

	"github.com/gosparkling/gosparkling/rdd"
	"github.com/gosparkling/gosparkling/sqlengine"
)

func main() {
	sample := flag.String("sample", "notebooks/data/cc-index/table/cc-main/warc/", "the sample index")
	data := flag.String("data", "bench/data/sqlindex", "where the generated index is written, once")
	rows := flag.Int("rows", 1_000_000, "rows of the generated index")
	runs := flag.Int("runs", 5, "runs of each measurement; the median is shown")
	flag.Parse()
	if err := run(*sample, *data, *rows, *runs); err != nil {
		fmt.Fprintln(os.Stderr, "sqlindex:", err)
		os.Exit(1)
	}
}

func run(sample, data string, rows, runs int) error {
	engine, err := sqlengine.New()
	if err != nil {
		return err
	}
	defer engine.Close()
	sc := rdd.NewContext(rdd.WithSQL(engine))
	defer sc.Stop()
	generated := filepath.Join(data, fmt.Sprintf("rows=%d", rows))
	if _, err := os.Stat(generated); err != nil {
		if err := generate(sc, generated, rows); err != nil {
			return err
		}
	}
	fmt.Printf("GROUP BY url_host_tld, count(*): median of %d runs, after one warm-up run.\n\n", runs)
	fmt.Println("| index | rows | DuckDB reads the files | RDD view (ReadParquet) | RDD methods (ReadParquet, CountByValue) |")
	fmt.Println("|---|---:|---:|---:|---:|")
	for _, idx := range []struct{ name, dir string }{{"sample (notebooks/data)", sample}, {"generated", generated}} {
		n := sc.SQL("SELECT count(*) AS n FROM read_parquet($1, hive_partitioning = true)", idx.dir+"/**/*.parquet").First().(map[string]any)["n"]
		files := func() {
			sc.SQL(groupBy("read_parquet($1, hive_partitioning = true) WHERE subset = 'warc'"), idx.dir+"/**/*.parquet").Collect()
		}
		view := func() {
			sc.ReadParquet(idx.dir, rdd.Where("subset", "warc"), rdd.Columns("url_host_tld")).CreateOrReplaceTempView("ccindex")
			sc.SQL(groupBy("ccindex")).Collect()
		}
		methods := func() {
			sc.ReadParquet(idx.dir, rdd.Where("subset", "warc"), rdd.Columns("url_host_tld")).
				Map(func(row map[string]any) any { return row["url_host_tld"] }).CountByValue()
		}
		fmt.Printf("| %s | %v | %s | %s | %s |\n", idx.name, n, median(runs, files), median(runs, view), median(runs, methods))
	}
	return nil
}

// groupBy is the measured query over from (the view has the successful fetches only).
func groupBy(from string) string {
	return "SELECT url_host_tld AS tld, count(*) AS pages FROM " + from + " GROUP BY tld ORDER BY pages DESC"
}

// median runs f once to warm up, then runs times, and returns the median time.
func median(runs int, f func()) string {
	f()
	times := make([]time.Duration, runs)
	for i := range times {
		start := time.Now()
		f()
		times[i] = time.Since(start)
	}
	slices.Sort(times)
	d := times[runs/2]
	if d < time.Second {
		return fmt.Sprintf("%.1f ms", float64(d.Microseconds())/1000)
	}
	return fmt.Sprintf("%.2f s", d.Seconds())
}

// generate writes an index of n rows under dir, partitioned as the real one.
func generate(sc *rdd.Context, dir string, n int) error {
	if err := os.MkdirAll(filepath.Dir(dir), 0o755); err != nil {
		return err
	}
	tmp := dir + ".tmp"
	os.RemoveAll(tmp)
	query := `COPY (
		SELECT 'CC-MAIN-2024-22' AS crawl,
			CASE WHEN i % 10 = 0 THEN 'crawldiagnostics' ELSE 'warc' END AS subset,
			'https://host' || (i % 50000) || '.' || tld || '/page/' || i AS url,
			tld AS url_host_tld,
			['eng', 'deu', 'fra', 'spa', 'jpn', 'ita', 'eng,fra'][1 + i % 7] AS content_languages,
			['text/html', 'application/xhtml+xml', 'application/pdf', 'text/plain'][1 + (i * 7) % 4] AS content_mime_detected,
			CASE WHEN i % 10 = 0 THEN 301 ELSE 200 END::SMALLINT AS fetch_status
		FROM (SELECT range AS i, ['com', 'org', 'net', 'de', 'io', 'fr', 'jp', 'es', 'it', 'uk', 'nl', 'ru'][1 + (hash(range) % 12)::INTEGER] AS tld
			FROM range(` + fmt.Sprint(n) + `))
	) TO '` + tmp + `' (FORMAT parquet, PARTITION_BY (crawl, subset), ROW_GROUP_SIZE 100000)`
	if _, err := rdd.Catch(sc.SQL(query).Collect); err != nil {
		return fmt.Errorf("generating the index: %w", err)
	}
	return os.Rename(tmp, dir)
}
