package interp

import (
	"go/ast"
	"go/parser"
	"go/token"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"testing"
)

// A plugin whose functions use of rdd and fileio/warc only what their leaf
// packages declare imports the leaves, which link little, instead.
func TestLeavesOnlyImportTheLeafPackages(t *testing.T) {
	const (
		rddImport    = "import \"github.com/gosparkling/gosparkling/rdd\"\n"
		kvImport     = "import rdd \"github.com/gosparkling/gosparkling/rdd/kv\"\n"
		warcImport   = "import \"github.com/gosparkling/gosparkling/fileio/warc\"\n"
		formatImport = "import warc \"github.com/gosparkling/gosparkling/fileio/warc/format\"\n"
	)
	tests := []struct {
		name, imports, body string
		leaves              []string // the leaf imports the source should end with
	}{
		{"KV in a literal", rddImport, "func Make() func(string) rdd.Pair { return func(w string) rdd.Pair { return rdd.KV(w, 1) } }", []string{kvImport}},
		{"Pair's fields", rddImport, "func Make() func(rdd.Pair) any { return func(p rdd.Pair) any { return p.Value } }", []string{kvImport}},
		{"a Pair literal", rddImport, "func Make() func(string) rdd.Pair { return func(w string) rdd.Pair { return rdd.Pair{Key: w} } }", []string{kvImport}},
		{"Compare is the engine's", rddImport, "func Make() func(any, any) int { return func(a, b any) int { return rdd.Compare(a, b) } }", nil},
		{"a Context", rddImport, "func Make() func(*rdd.Context) int { return func(sc *rdd.Context) int { return 1 } }", nil},
		{"a local named rdd is not the package", rddImport, "func Make() func(string) rdd.Pair { return func(w string) rdd.Pair { p := rdd.KV(w, 1); { rdd := struct{ Compare string }{w}; _ = rdd.Compare }; return p } }", []string{kvImport}},
		{"a record's methods", warcImport, "func Make() func(*warc.Record) bool { return func(r *warc.Record) bool { return r.Type() == warc.TypeConversion } }", []string{formatImport}},
		{"records to pairs", rddImport + warcImport, "func Make() func(*warc.Record) rdd.Pair { return func(r *warc.Record) rdd.Pair { return rdd.KV(r.TargetURI(), r.HTTPStatus()) } }", []string{kvImport, formatImport}},
		{"opening a file needs the file systems", rddImport + warcImport, "func Make() func(string) rdd.Pair { return func(p string) rdd.Pair { r, _ := warc.Open(nil, p); return rdd.KV(p, r) } }", []string{kvImport}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			src := "package main\n\n" + tt.imports + "\n" + tt.body + "\n"
			got := leavesOnly(src)
			for _, imp := range []string{kvImport, formatImport} {
				want := false
				for _, l := range tt.leaves {
					want = want || l == imp
				}
				if strings.Contains(got, imp) != want {
					t.Errorf("imports %q: %v, want %v:\n%s", imp, !want, want, got)
				}
			}
			if _, err := parser.ParseFile(token.NewFileSet(), "p.go", got, 0); err != nil {
				t.Errorf("the source does not parse: %v\n%s", err, got)
			}
		})
	}
	if src := "package main\n\nimport \"strings\"\n\nfunc Make() func(string) string { return strings.ToLower }\n"; leavesOnly(src) != src {
		t.Errorf("leavesOnly changed a source that imports neither package")
	}
}

// The names of each leaf package are those it declares: a name the leaf
// lacks would fail a plugin's build, a name it has but the list lacks
// would link the larger package for nothing.
func TestLeafPackagesListWhatTheyDeclare(t *testing.T) {
	for path, leaf := range leafPackages {
		dir := "../" + strings.TrimPrefix(leaf.path, "github.com/gosparkling/gosparkling/")
		entries, err := os.ReadDir(dir)
		if err != nil {
			t.Fatal(err)
		}
		var declared, listed []string
		for _, e := range entries {
			if !strings.HasSuffix(e.Name(), ".go") || strings.HasSuffix(e.Name(), "_test.go") {
				continue
			}
			f, err := parser.ParseFile(token.NewFileSet(), filepath.Join(dir, e.Name()), nil, 0)
			if err != nil {
				t.Fatal(err)
			}
			for name := range f.Scope.Objects {
				if ast.IsExported(name) {
					declared = append(declared, name)
				}
			}
		}
		for name := range leaf.names {
			listed = append(listed, name)
		}
		sort.Strings(declared)
		sort.Strings(listed)
		if strings.Join(declared, " ") != strings.Join(listed, " ") {
			t.Errorf("%s's leaf %s declares %v, the list says %v", path, leaf.path, declared, listed)
		}
	}
}
