package interp

import (
	"context"
	"strings"
	"testing"
)

// Values of types the cells declare show as Go shows them: through their
// String method when they have one (as fmt.Println prints them), else as
// the package's tables and texts show any value, never as the
// interpreter's internals.
func TestCellDeclaredTypesDisplayAsGo(t *testing.T) {
	s := newSession(t)
	for _, decl := range []string{
		"type site struct{ Host string; N int }",
		"func (s site) String() string { return s.Host + \"!\" }",
		"type point struct{ X, Y int }",
		"type count int",
		"var boxed any = site{\"boxed.org\", 4}",
		"func newSite(host string) site { return site{host, 1} }",
		"type failure struct{ Code int }\nfunc (f failure) Error() string { return fmt.Sprintf(\"failure %d\", f.Code) }",
	} {
		if got := execute(t, s, decl); got.err != nil {
			t.Fatalf("%s: %v", decl, got.err)
		}
	}
	tests := []struct {
		name, code string
		plain      string   // the whole text/plain, when set
		contains   []string // parts of it otherwise
	}{
		{"a String method", `site{"example.org", 3}`, "example.org!", nil},
		{"a pointer with a String method", `&site{"ptr.org", 3}`, "ptr.org!", nil},
		{"a call's result", `newSite("call.org")`, "call.org!", nil},
		{"as fmt.Sprint", `fmt.Sprint(site{"example.org", 3})`, "example.org!", nil},
		{"a slice of them: their fields", `[]site{{"a.org", 1}, {"b.org", 2}}`, "", []string{"Host", "a.org", "b.org", "2 rows"}},
		{"in a []any", `[]any{site{"c.org", 1}}`, "", []string{"c.org"}},
		{"in a map of any", `map[string]any{"k": site{"d.org", 1}}`, "", []string{"d.org"}},
		{"held in an interface", `boxed`, "", []string{"boxed.org", "4"}},
		{"collected from an RDD", `sc.Parallelize([]site{{"e.org", 5}}).Collect()`, "", []string{"e.org", "5"}},
		{"a struct without String", `point{1, 2}`, "", []string{"X", "Y", "1", "2"}},
		{"a named int", `count(3)`, "3", nil},
		{"a slice of named ints", `[]count{4, 5}`, "", []string{"4", "5", "2 rows"}},
		{"a slice of structs", `[]point{{1, 2}, {3, 4}}`, "", []string{"X", "3", "4", "2 rows"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := execute(t, s, tt.code)
			if got.err != nil {
				t.Fatalf("cell failed: %v", got.err)
			}
			if len(got.plain) > 1000 || strings.Contains(got.plain, "null") || strings.Contains(got.plain, "0x") {
				t.Fatalf("text/plain shows the interpreter's internals: %.300q", got.plain)
			}
			if tt.plain != "" && got.plain != tt.plain {
				t.Errorf("text/plain %q, want %q", got.plain, tt.plain)
			}
			for _, w := range tt.contains {
				if !strings.Contains(got.plain, w) {
					t.Errorf("text/plain %q lacks %q", got.plain, w)
				}
			}
		})
	}
	if got := execute(t, s, "failure{7}"); got.err == nil || got.err.Name != "error" || got.err.Value != "failure 7" {
		t.Errorf("a value of a cell-declared error type gave %+v, want the error \"failure 7\"", got.err)
	}
	out := &displayRecorder{}
	if _, err := s.Execute(context.Background(), `display.Show(site{"shown.org", 1})`, out); err != nil {
		t.Fatal(err)
	}
	if len(out.events) != 1 || out.events[0].data["text/plain"] != "shown.org!" {
		t.Errorf("display.Show of a Stringer published %+v, want its String", out.events)
	}
}
