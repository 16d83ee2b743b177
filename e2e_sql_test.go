package main

import (
	"context"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"

	"github.com/gosparkling/gosparkling/fileio"
	"github.com/gosparkling/gosparkling/fileio/parquet"
)

// sampleIndexColumn counts the values of a column of the sample index's successful
// fetches (subset=warc), read with fileio/parquet rather than DuckDB or rdd.
func sampleIndexColumn(t *testing.T, column string) map[string]int {
	t.Helper()
	files, err := filepath.Glob("notebooks/data/cc-index/table/cc-main/warc/crawl=CC-MAIN-2024-22/subset=warc/*.parquet")
	if err != nil || len(files) == 0 {
		t.Fatalf("the sample index: %v (%d files)", err, len(files))
	}
	counts := map[string]int{}
	for _, path := range files {
		f, err := parquet.Open(context.Background(), fileio.Local{}, path, -1)
		if err != nil {
			t.Fatal(err)
		}
		for g := 0; g < f.NumRowGroups(); g++ {
			rows, err := f.Rows(g, parquet.Projection{Columns: []string{column}})
			if err != nil {
				t.Fatal(err)
			}
			for rows.Next() {
				v, _ := rows.Values()[0].(string)
				counts[v]++
			}
			if err := rows.Err(); err != nil {
				t.Fatal(err)
			}
			rows.Close()
		}
		f.Close()
	}
	return counts
}

// TestSQLNotebook executes sql.ipynb: its %%sql cells show the index queries' tables,
// bind their results as RDDs that RDD methods process, and read RDD views, with the
// counts the sample index has.
func TestSQLNotebook(t *testing.T) {
	nb := runNotebook(t, "notebooks/sql.ipynb")

	plain, html := nb.result("%%sql tlds")
	tlds := sampleIndexColumn(t, "url_host_tld")
	rows := tableRows(plain)
	if len(rows) == 0 || len(rows) != min(len(tlds), 20) || html == "" {
		t.Fatalf("pages per TLD: %d rows (want %d) in\n%s", len(rows), min(len(tlds), 20), plain)
	}
	generic, country := 0, 0
	for tld, n := range tlds {
		if map[string]bool{"com": true, "org": true, "net": true, "io": true, "info": true}[tld] {
			generic += n
		} else {
			country += n
		}
	}
	for _, r := range rows {
		if len(r) != 2 || strconv.Itoa(tlds[r[0]]) != r[1] {
			t.Errorf("pages per TLD: row %q, want %s %d", r, r[0], tlds[r[0]])
		}
	}
	kinds, _ := nb.result("generic := map[string]bool")
	for _, want := range [][]string{{"generic", strconv.Itoa(generic)}, {"country code", strconv.Itoa(country)}} {
		found := false
		for _, r := range tableRows(kinds) {
			found = found || len(r) == 2 && r[0] == want[0] && r[1] == want[1]
		}
		if !found {
			t.Errorf("the RDD of the SQL result: no row %q in\n%s", want, kinds)
		}
	}

	mimes, _ := nb.result("AS mean_record_bytes")
	wantMimes := sampleIndexColumn(t, "content_mime_detected")
	for _, r := range tableRows(mimes) {
		if len(r) != 3 || strconv.Itoa(wantMimes[r[0]]) != r[1] {
			t.Errorf("media types: row %q, want %s with %d pages", r, r[0], wantMimes[r[0]])
		}
	}

	chosen, _ := nb.result("%%sql chosen")
	m := regexp.MustCompile(`([0-9,]+) rows? × 4 columns`).FindStringSubmatch(chosen)
	if m == nil {
		t.Fatalf("the chosen pages: no size line in\n%s", chosen)
	}
	german, _ := strconv.Atoi(strings.ReplaceAll(m[1], ",", ""))
	if german == 0 {
		t.Fatalf("the chosen pages: none in\n%s", chosen)
	}
	joined, _ := nb.result("FROM page_sizes s")
	pages := 0
	for _, r := range tableRows(joined) {
		n, err := strconv.Atoi(r[1])
		if err != nil {
			t.Fatalf("the view joined with the index: row %q", r)
		}
		pages += n
	}
	if pages != german {
		t.Errorf("the view joined with the index counts %d pages, want the %d chosen", pages, german)
	}
	if top, _ := nb.result("FROM ccindex"); len(tableRows(top)) != 10 {
		t.Errorf("the ReadParquet view: want 10 domains in\n%s", top)
	}
}
