package rdd_test

import (
	"os/exec"
	"strings"
	"testing"
)

// TestRDDLinksNoSQLEngine: package rdd defines SQLEngine and links none, with or without
// the tag that gives DuckDB's binding its Arrow interface: rdd stays a plain Go library,
// and the plugins of compiled cell functions, which import it, stay light.
func TestRDDLinksNoSQLEngine(t *testing.T) {
	for _, tags := range []string{"", "duckdb_arrow"} {
		out, err := exec.Command("go", "list", "-tags", tags, "-deps", ".").Output()
		if err != nil {
			t.Fatalf("go list -tags %q: %v", tags, err)
		}
		for _, dep := range strings.Fields(string(out)) {
			if strings.HasPrefix(dep, "github.com/duckdb/") || dep == "github.com/gosparkling/gosparkling/sqlengine" {
				t.Errorf("with tags %q, package rdd depends on %s", tags, dep)
			}
		}
	}
}
