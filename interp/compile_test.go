package interp

import (
	"os/exec"
	"strings"
	"testing"
)

func TestCompileCells(t *testing.T) {
	if _, err := exec.LookPath("go"); err != nil {
		t.Skip("no Go toolchain")
	}
	if testing.Short() {
		t.Skip("builds a plugin: a minute or more the first time")
	}
	s := newSession(t)
	got := execute(t, s, compileMagic+`
import "strings"

func words(line string) []string { return strings.Fields(strings.ToLower(line)) }

// Pairs pairs a word with 1.
func Pairs(w string) rdd.Pair { return rdd.KV(w, len(unused)) }

var unused = []int{0}`)
	if got.err != nil {
		t.Fatalf("the compile cell failed: %v", got.err)
	}
	if !strings.Contains(got.stdout, "compiled Pairs, words in") {
		t.Errorf("the compile cell printed %q", got.stdout)
	}
	tests := []struct{ name, cell, plain string }{
		{"a compiled function called", `len(words("A b C"))`, "3"},
		{"compiled functions passed to RDD methods", `sc.Parallelize([]string{"a B", "b"}).FlatMap(words).Map(Pairs).CountByKey()["b"]`, "2"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := execute(t, s, tt.cell); got.err != nil || got.plain != tt.plain {
				t.Errorf("%s shows %q (%v), want %q", tt.cell, got.plain, got.err, tt.plain)
			}
		})
	}
	bad := execute(t, s, compileMagic+"\nfunc broken() int {\n\treturn \"text\"\n}")
	if bad.err == nil || bad.err.Name != "CompileError" || !strings.Contains(bad.err.Value, "line 3:") {
		t.Errorf("a cell that does not build gave %+v, want a CompileError at its line 3", bad.err)
	}
	if none := execute(t, s, compileMagic+"\nvar x = 1"); none.err == nil || !strings.Contains(none.err.Value, "declares no function") {
		t.Errorf("a compile cell without functions gave %+v", none.err)
	}
}
