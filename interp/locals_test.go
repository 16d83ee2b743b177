package interp

import (
	"slices"
	"strings"
	"testing"
)

// Completion knows the names declared in the code being typed: the
// parameters of the function literal the cursor is in, and vars with a
// type; and it never offers internal names.
func TestCompleteLocalsOfTheCodeBeingTyped(t *testing.T) {
	s := newSession(t)
	execute(t, s, "type point struct{ X, Y int }\nxs := []string{\"a\"}\np := 3")
	tests := []struct {
		name, code string
		want       []string
		not        []string
	}{
		{"parameter of a func literal", "sc.Parallelize(xs).Map(func(p rdd.Pair) any { return p.Ke", []string{"Key"}, nil},
		{"parameter shadowing a global", "sc.Parallelize(xs).Map(func(p rdd.Pair) any {\n\treturn p.", []string{"Key", "Value"}, nil},
		{"pointer parameter of a package type", "f := func(b *strings.Builder) { b.Wri", []string{"WriteString", "WriteByte"}, nil},
		{"parameter of a cell-declared type", "sc.Parallelize(xs).Map(func(pt point) int { return pt.", []string{"X", "Y"}, nil},
		{"second of grouped parameters", "g := func(a, b rdd.Pair) any { return b.Va", []string{"Value"}, nil},
		{"a string parameter has no members", "sc.Parallelize(xs).Map(func(s string) int { return len(s.", nil, []string{"Key", "X"}},
		{"a var with a type", "var kv rdd.Pair\nkv.K", []string{"Key"}, nil},
		{"no internal names of a package", "display.", []string{"Show", "Table"}, []string{"_MIMEBundler", "_TableRower"}},
		{"no internal names at the top", "_", nil, []string{"_gosparklingValue", "_gosparklingSession"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			matches, _, _, _ := s.Complete(tt.code, len([]rune(tt.code)))
			for _, w := range tt.want {
				if !slices.Contains(matches, w) {
					t.Errorf("Complete(%q) = %v, lacks %q", tt.code, matches, w)
				}
			}
			for _, m := range matches {
				if slices.Contains(tt.not, m) || strings.HasPrefix(m, "_") {
					t.Errorf("Complete(%q) offers %q", tt.code, m)
				}
			}
		})
	}
	for _, code := range []string{"display._MIMEBundler", "display._TableRower", "_gosparklingValue"} {
		if data, found := s.Inspect(code, len(code), 0); found {
			t.Errorf("Inspect(%q) describes an internal name: %v", code, data)
		}
	}
}
