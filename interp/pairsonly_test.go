package interp

import (
	"strings"
	"testing"
)

// A plugin whose functions use only rdd.Pair and rdd.KV links rdd/kv, a
// leaf package, instead of the engine.
func TestPairsOnlyImportsTheLeafPackage(t *testing.T) {
	const rddImport = "import \"github.com/gosparkling/gosparkling/rdd\"\n"
	const kvImport = "import rdd \"github.com/gosparkling/gosparkling/rdd/kv\"\n"
	tests := []struct {
		name, body string
		leaf       bool
	}{
		{"KV in a literal", "func Make() func(string) rdd.Pair { return func(w string) rdd.Pair { return rdd.KV(w, 1) } }", true},
		{"Pair's fields", "func Make() func(rdd.Pair) any { return func(p rdd.Pair) any { return p.Value } }", true},
		{"a Pair literal", "func Make() func(string) rdd.Pair { return func(w string) rdd.Pair { return rdd.Pair{Key: w} } }", true},
		{"Compare is the engine's", "func Make() func(any, any) int { return func(a, b any) int { return rdd.Compare(a, b) } }", false},
		{"a Context", "func Make() func(*rdd.Context) int { return func(sc *rdd.Context) int { return 1 } }", false},
		{"a local named rdd is not the package", "func Make() func(string) rdd.Pair { return func(w string) rdd.Pair { p := rdd.KV(w, 1); { rdd := struct{ Compare string }{w}; _ = rdd.Compare }; return p } }", true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			src := "package main\n\n" + rddImport + "\n" + tt.body + "\n"
			got := pairsOnly(src)
			if leaf := strings.Contains(got, kvImport) && !strings.Contains(got, rddImport); leaf != tt.leaf {
				t.Errorf("pairsOnly imports rdd/kv: %v, want %v:\n%s", leaf, tt.leaf, got)
			}
		})
	}
	if src := "package main\n\nimport \"strings\"\n\nfunc Make() func(string) string { return strings.ToLower }\n"; pairsOnly(src) != src {
		t.Errorf("pairsOnly changed a source that does not import rdd")
	}
}
