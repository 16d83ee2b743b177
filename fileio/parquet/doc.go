// Package parquet reads and writes Apache Parquet files over fileio's file systems (local
// disks, S3, HTTP), on top of arrow-go's Parquet implementation.
//
// Reading fetches only what a query needs, by ranged reads (see ReaderAt): Open reads the
// footer (the last 64 KiB of the file, in one request, which holds the metadata of most
// files), and Rows reads the column chunks of one row group that a Projection names,
// neighbouring chunks coalesced into one request. Reading two of the thirty columns of
// Common Crawl's URL index thus fetches the footer and those two columns' chunks: a small
// fraction of the file. Row groups whose statistics rule out a Condition are skipped
// without being read (RowGroupMayMatch).
//
//	f, err := parquet.Open(ctx, fsys, "s3://commoncrawl/cc-index/table/cc-main/warc/crawl=CC-MAIN-2024-22/subset=warc/part-00000-….parquet", -1)
//	if err != nil { ... }
//	for g := range f.NumRowGroups() {
//		rows, err := f.Rows(g, parquet.Projection{Columns: []string{"url", "fetch_status"}})
//		if err != nil { ... }
//		for rows.Next() {
//			fmt.Println(rows.Values()...)
//		}
//		rows.Close()
//	}
//
// Values come as Go values: integers as int (unsigned 64-bit ones as uint64), floats as
// float64, strings (and enums and JSON) as string, other byte arrays as []byte, booleans as
// bool, timestamps and dates (and legacy INT96 timestamps) as time.Time in UTC, times of day
// as time.Duration, decimals as float64, UUIDs as their usual text, lists as []any, nulls
// as nil. Columns of a struct are read as separate columns named by their dotted paths
// ("a.b"); maps and nested lists are not read (leave them out of the columns).
//
// Writer writes rows of Go values (structs, maps with string keys, pairs, scalars) with a
// schema inferred from them as package display infers a table's columns.
//
// Hive-style partition directories (crawl=CC-MAIN-2024-22/) are parsed by Partitions and
// PartitionOf; fileio.FileSystems.ExpandPruned skips the directories a filter refuses
// without listing them.
package parquet
