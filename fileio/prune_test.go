package fileio

import (
	"context"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"testing"
)

// listCounter is a FileSystem that records the prefixes it lists.
type listCounter struct {
	FileSystem
	mu       sync.Mutex
	prefixes []string
}

func (l *listCounter) List(ctx context.Context, req ListRequest) (ListPage, error) {
	l.mu.Lock()
	l.prefixes = append(l.prefixes, req.Prefix)
	l.mu.Unlock()
	return l.FileSystem.List(ctx, req)
}

func TestExpandPrunedSkipsRefusedDirectoriesUnlisted(t *testing.T) {
	root := t.TempDir()
	writeFiles(t, root, map[string]string{
		"idx/crawl=A/subset=warc/part-0":             "x",
		"idx/crawl=A/subset=warc/part-1":             "x",
		"idx/crawl=A/subset=crawldiagnostics/part-0": "x",
		"idx/crawl=A/subset=robotstxt/deep/part-0":   "x",
		"idx/crawl=B/subset=warc/part-0":             "x",
		"idx/crawl=B/subset=robotstxt/part-0":        "x",
		"idx/crawl=B/_SUCCESS":                       "",
	})
	t.Chdir(root)
	onlyWarc := func(dir string) bool {
		name := dir[strings.LastIndexByte(dir, '/')+1:]
		return !strings.HasPrefix(name, "subset=") || name == "subset=warc"
	}
	tests := []struct {
		name, paths string
		want        []string
	}{
		{"a directory", "idx", []string{"idx/crawl=A/subset=warc/part-0", "idx/crawl=A/subset=warc/part-1", "idx/crawl=B/subset=warc/part-0"}},
		{"a glob", "idx/crawl=*", []string{"idx/crawl=A/subset=warc/part-0", "idx/crawl=A/subset=warc/part-1", "idx/crawl=B/subset=warc/part-0"}},
		{"a glob below the partitions", "idx/*/*/part-0", []string{"idx/crawl=A/subset=warc/part-0", "idx/crawl=B/subset=warc/part-0"}},
		{"a literal refused directory inside a glob", "idx/*/subset=robotstxt", nil},
		{"**", "idx/**/part-0", []string{"idx/crawl=A/subset=warc/part-0", "idx/crawl=B/subset=warc/part-0"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			lc := &listCounter{FileSystem: Local{}}
			got, err := FileSystems{"file": lc}.ExpandPruned(context.Background(), tt.paths, onlyWarc)
			if err != nil {
				t.Fatal(err)
			}
			if !slices.Equal(paths(got), tt.want) {
				t.Errorf("ExpandPruned(%q) = %v, want %v", tt.paths, paths(got), tt.want)
			}
			if tt.paths == "idx/**/part-0" {
				return // ** lists everything at once, then drops what is pruned
			}
			for _, p := range lc.prefixes {
				if strings.Contains(p, "robotstxt") || strings.Contains(p, "crawldiagnostics") {
					t.Errorf("listed %q, below a refused directory (listings: %v)", p, lc.prefixes)
				}
			}
		})
	}
	// Without a filter, the same as Expand.
	all, err := FileSystems{"file": Local{}}.ExpandPruned(context.Background(), filepath.Join(root, "idx"), nil)
	if err != nil || len(all) != 6 {
		t.Errorf("ExpandPruned without a filter: %d files, %v; want 6", len(all), err)
	}
}
