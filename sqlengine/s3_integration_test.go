//go:build duckdb_arrow

package sqlengine_test

// SQL over a real S3 server: versitygw, built by `make test` and named by the VERSITYGW
// environment variable, serving a copy of the sample index.

import (
	"maps"
	"os"
	"path/filepath"
	"testing"

	"github.com/gosparkling/gosparkling/fileio"
	"github.com/gosparkling/gosparkling/internal/s3test"
	"github.com/gosparkling/gosparkling/rdd"
)

// serveS3 serves root (each directory a bucket) with versitygw and returns the file
// systems that read it as s3://.
func serveS3(t *testing.T, root string) fileio.FileSystems {
	t.Helper()
	return s3test.Start(t, root).FileSystems(t)
}

// copyTree copies the files under src to dst.
func copyTree(t *testing.T, src, dst string) {
	t.Helper()
	err := filepath.Walk(src, func(path string, info os.FileInfo, err error) error {
		if err != nil || info.IsDir() {
			return err
		}
		rel, _ := filepath.Rel(src, path)
		data, err := os.ReadFile(path)
		if err != nil {
			return err
		}
		if err := os.MkdirAll(filepath.Join(dst, filepath.Dir(rel)), 0o755); err != nil {
			return err
		}
		return os.WriteFile(filepath.Join(dst, rel), data, 0o644)
	})
	if err != nil {
		t.Fatal(err)
	}
}

// TestSQLOverS3: the sample index, served by a real S3 server, is queried through a
// ReadParquet view (gosparkling's S3 file system, its partition pruning), as the real
// index is: the counts are those of the local files read by DuckDB.
func TestSQLOverS3(t *testing.T) {
	root := t.TempDir()
	copyTree(t, "../notebooks/data/cc-index", filepath.Join(root, "commoncrawl", "cc-index"))
	sc := newContext(t, rdd.WithFileSystems(serveS3(t, root)))
	sc.ReadParquet("s3://commoncrawl/cc-index/table/cc-main/warc/",
		rdd.Where("crawl", "CC-MAIN-2024-22"), rdd.Where("subset", "warc"),
		rdd.Columns("url_host_tld", "content_languages")).CreateOrReplaceTempView("ccindex")
	local := "read_parquet('" + sampleIndex + "**/*.parquet', hive_partitioning = true) WHERE subset = 'warc'"
	tests := []struct{ name, s3, local string }{
		{"pages per TLD", "SELECT url_host_tld AS k, count(*) AS n FROM ccindex GROUP BY k",
			"SELECT url_host_tld AS k, count(*) AS n FROM " + local + " GROUP BY k"},
		{"languages", "SELECT content_languages AS k, count(*) AS n FROM ccindex GROUP BY k",
			"SELECT content_languages AS k, count(*) AS n FROM " + local + " GROUP BY k"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, want := counts(t, sc.SQL(tt.s3), "k", "n"), counts(t, sc.SQL(tt.local), "k", "n")
			if len(want) == 0 || !maps.Equal(got, want) {
				t.Errorf("over S3 %v, over the local files %v", got, want)
			}
		})
	}
}
