// Package sqlengine is gosparkling's SQL: DuckDB, embedded, as the rdd.SQLEngine of a
// Context (rdd.WithSQL), so that sc.SQL runs queries over files and over RDDs made views
// with CreateOrReplaceTempView. A notebook's sc has one; a program makes its own:
//
//	engine, err := sqlengine.New(sqlengine.MemoryLimit(4 << 30))
//	if err != nil { ... }
//	defer engine.Close()
//	sc := rdd.NewContext(rdd.WithSQL(engine))
//	sc.ReadParquet("s3://commoncrawl/cc-index/table/cc-main/warc/", rdd.Where("crawl", "CC-MAIN-2024-22"),
//		rdd.Where("subset", "warc")).CreateOrReplaceTempView("ccindex")
//	langs := sc.SQL("SELECT content_languages, count(*) AS n FROM ccindex GROUP BY ALL ORDER BY n DESC")
//
// DuckDB reads local files itself (read_parquet('dir/**/*.parquet', hive_partitioning =
// true), read_csv, read_json); s3:// and http(s):// data goes through gosparkling's own
// file systems, as an RDD made a view (sc.ReadParquet with its partition pruning), since
// the engine installs no DuckDB extension from the network. A view is streamed to DuckDB
// as Arrow record batches while its job runs, computed anew by each query that reads it.
// Results come back as Arrow record batches (QueryArrow, which the notebook's %%sql cells
// show) or as Go values (Query, which sc.SQL's rows hold): integers int (uint64 past
// int64), floats and decimals float64, strings string, blobs []byte, dates and timestamps
// time.Time, lists []any, structs map[string]any, nulls nil.
//
// Queries stop when their context is done (DuckDB is interrupted); DuckDB's memory is
// bounded by MemoryLimit, beyond which it spills to a temporary directory of its own.
//
// DuckDB is linked through github.com/duckdb/duckdb-go with its Arrow interface, which
// needs the build tag duckdb_arrow (the Makefile sets it; go install -tags duckdb_arrow).
// Built without it the package compiles, and New returns an error saying so.
package sqlengine
