package interp

import (
	"context"
	"fmt"
	"strings"
	"testing"
)

// cellStep is one cell of a scenario and what it must show: its value,
// or an error whose text holds each of errWants.
type cellStep struct {
	code     string
	plain    string
	errWants []string
}

// runSteps executes the cells of a scenario in one session.
func runSteps(t *testing.T, steps []cellStep) {
	t.Helper()
	s := newSession(t)
	for _, st := range steps {
		got := execute(t, s, st.code)
		if len(st.errWants) == 0 {
			if got.err != nil {
				t.Fatalf("cell %q failed: %v", st.code, got.err)
			}
			if got.plain != st.plain {
				t.Fatalf("cell %q shows %q, want %q", st.code, got.plain, st.plain)
			}
			continue
		}
		if got.err == nil {
			t.Fatalf("cell %q succeeded with %q, want an error", st.code, got.plain)
		}
		text := got.err.Value + "\n" + strings.Join(got.err.Traceback, "\n")
		for _, w := range st.errWants {
			if !strings.Contains(text, w) {
				t.Errorf("cell %q: error %q does not mention %q", st.code, text, w)
			}
		}
	}
}

func TestACellThatDoesNotCompileDefinesNothing(t *testing.T) {
	tests := []struct {
		name  string
		steps []cellStep
	}{
		{"redefinition and new name before a type error", []cellStep{
			{code: "limit := 100"},
			{code: "limit := 7\nfresh := 5\nvar label int = \"text\"", errWants: []string{"line 3"}},
			{code: "limit", plain: "100"},
			{code: "fresh", errWants: []string{"undefined: fresh"}},
			{code: "label", errWants: []string{"undefined: label"}},
		}},
		{"an RDD assigned before a typo", []cellStep{
			{code: "pages := sc.Parallelize([]int{1, 2, 3}, 2)\npages.Cont()", errWants: []string{"line 2", "Cont"}},
			{code: "pages.Count()", errWants: []string{"undefined: pages"}},
			{code: "pages := sc.Parallelize([]int{1, 2, 3}, 2)\npages.Count()", plain: "3"},
		}},
		{"an RDD reassigned before a typo keeps the old one", []cellStep{
			{code: "pages := sc.Parallelize([]int{1, 2, 3}, 2)"},
			{code: "pages = sc.Parallelize([]int{1}, 1)\npages.Cont()", errWants: []string{"Cont"}},
			{code: "pages.Count()", plain: "3"},
		}},
		{"types, funcs and methods of a failed cell", []cellStep{
			{code: "type point struct{ X int }\nfunc (p point) Twice() int { return 2 * p.X }\nfunc origin() point { return point{} }\nvar p point = 3", errWants: []string{"line 4"}},
			{code: "origin()", errWants: []string{"undefined: origin"}},
			{code: "type point struct{ X, Y int }\nsum := point{1, 2}\nsum.X + sum.Y", plain: "3"},
		}},
		{"a function redeclared before an error keeps its body", []cellStep{
			{code: "func answer() int { return 42 }"},
			{code: "func answer() int { return 0 }\nvar broken int = \"x\"", errWants: []string{"line 2"}},
			{code: "answer()", plain: "42"},
		}},
		{"a declaration before an import that fails", []cellStep{
			{code: "func helper() int { return 1 }\nimport \"example.com/nothere\"", errWants: []string{"example.com/nothere"}},
			{code: "helper()", errWants: []string{"undefined: helper"}},
		}},
		{"a generic instance made for a type of a failed cell", []cellStep{
			{code: "type item struct{ A int }\nits := []item{{2}, {1}}\nslices.SortFunc(its, func(a, b item) int { return a.A - b.A })\nvar bad int = \"x\"", errWants: []string{"line 4"}},
			{code: "type item struct {\n\tName string\n\tA    int\n}\nits := []item{{\"b\", 2}, {\"a\", 1}}\nslices.SortFunc(its, func(a, b item) int { return a.A - b.A })\nits[0].Name", plain: "a"},
		}},
		{"statements before a panic have run", []cellStep{
			{code: "count := 1"},
			{code: "count = 2\nbefore := 3\nvar none []int\nnone[5] = 1\ncount = 4", errWants: []string{"range"}},
			{code: "count", plain: "2"},
			{code: "before", plain: "3"},
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) { runSteps(t, tt.steps) })
	}
}

// BenchmarkGlobalsSnapshot measures what saving the interpreter's globals
// adds to each cell, in sessions whose cells defined 0 and 300 names, and
// what a cell costs there.
func BenchmarkGlobalsSnapshot(b *testing.B) {
	for _, globals := range []int{0, 300} {
		s, err := NewSession()
		if err != nil {
			b.Fatal(err)
		}
		for i := range globals {
			if _, err := s.Execute(context.Background(), fmt.Sprintf("v%d := %d", i, i), &recorder{}); err != nil {
				b.Fatal(err)
			}
		}
		b.Run(fmt.Sprintf("snapshot/%d", globals), func(b *testing.B) {
			for range b.N {
				s.saveState([]string{"v1"})
			}
		})
		b.Run(fmt.Sprintf("cell/%d", globals), func(b *testing.B) {
			for range b.N {
				if _, err := s.Execute(context.Background(), "1 + 2", &recorder{}); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}
