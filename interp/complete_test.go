package interp

import (
	"slices"
	"strings"
	"testing"
)

func TestIsComplete(t *testing.T) {
	s := newSession(t)
	tests := []struct{ code, status, indent string }{
		{"x := 1", "complete", ""},
		{"", "complete", ""},
		{"func f() {", "incomplete", "\t"},
		{"for i := 0; i < 3; i++ {\n\tif i > 1 {", "incomplete", "\t\t"},
		{"x := 1 +", "incomplete", "\t"},
		{"s := `raw", "incomplete", ""},
		{"x := )", "invalid", ""},
		{"x := 1 1", "invalid", ""},
	}
	for _, tt := range tests {
		status, indent := s.IsComplete(tt.code)
		if status != tt.status || indent != tt.indent {
			t.Errorf("IsComplete(%q) = %q, %q; want %q, %q", tt.code, status, indent, tt.status, tt.indent)
		}
	}
}

func TestComplete(t *testing.T) {
	s := newSession(t)
	execute(t, s, "lines := sc.Parallelize([]string{\"a\"})\ncounter := 3\ntype point struct{ X, Y int }\npt := point{1, 2}\nvar b strings.Builder")
	tests := []struct {
		name, code string
		cursor     int // -1: end of code
		want       []string
		start      int
		not        []string // engine plumbing, which completion leaves out
	}{
		{"package exports", "strings.Fie", -1, []string{"Fields", "FieldsFunc"}, 8, nil},
		{"methods of sc", "sc.TextF", -1, []string{"TextFile"}, 3, nil},
		{"methods of an RDD variable", "lines.ReduceBy", -1, []string{"ReduceByKey", "ReduceByKeyLocally"}, 6, nil},
		{"fields of a value", "pt.", -1, []string{"X", "Y"}, 3, nil},
		{"methods of a standard library value", "b.Wri", -1, []string{"WriteString", "WriteByte"}, 2, nil},
		{"session names", "coun", -1, []string{"counter"}, 0, nil},
		{"rdd package", "rdd.K", -1, []string{"KV"}, 4, nil},
		{"cursor inside, non-ASCII before", "s := \"héllo\"; strings.ToUp", -1, []string{"ToUpper"}, 22, nil},
		{"keyword", "retu", -1, []string{"return"}, 0, nil},
		{"no engine plumbing among an RDD's methods", "lines.", -1, []string{"Map", "SetName"}, 6,
			[]string{"RunPartition", "SetFuncSources", "SetFuncTier", "WithActionSources", "Step", "TieredRuns"}},
		{"no engine plumbing in package rdd", "rdd.", -1, []string{"KV", "NewContext"}, 4,
			[]string{"UnaryFunc", "BinaryFunc", "PredicateFunc", "FlatFunc", "GuardPanic", "RecoveredError", "BuiltinFunc", "CloneValue", "FuncProgram", "BroadcastOf", "MethodOf", "StepOptions"}},
	}
	for _, tt := range tests {
		cursor := tt.cursor
		if cursor < 0 {
			cursor = len([]rune(tt.code))
		}
		matches, start, end, _ := s.Complete(tt.code, cursor)
		for _, w := range tt.want {
			if !slices.Contains(matches, w) {
				t.Errorf("%s: Complete(%q) = %v, lacks %q", tt.name, tt.code, matches, w)
			}
		}
		for _, n := range tt.not {
			if slices.Contains(matches, n) {
				t.Errorf("%s: Complete(%q) offers %q, which is engine plumbing", tt.name, tt.code, n)
			}
		}
		if start != tt.start || end != cursor {
			t.Errorf("%s: range [%d, %d), want [%d, %d)", tt.name, start, end, tt.start, cursor)
		}
	}
}

func TestInspect(t *testing.T) {
	s := newSession(t)
	execute(t, s, "nums := sc.Parallelize([]int{1, 2, 3})\nanswer := 42")
	tests := []struct {
		name, code string
		cursor     int
		want       []string
	}{
		{"rdd method on a variable", "nums.Map", 7, []string{"func (r *RDD) Map(f any) *RDD", "f(x) for each element"}},
		{"rdd function", "rdd.KV(", 5, []string{"func KV(key, value any) Pair"}},
		{"cursor after the call's paren", "rdd.KV(", 7, []string{"func KV"}},
		{"variable", "answer", 3, []string{"answer: int", "42"}},
		{"Context method", "sc.TextFile", 5, []string{"TextFile(paths string", "comma-separated"}},
	}
	for _, tt := range tests {
		data, found := s.Inspect(tt.code, tt.cursor, 0)
		if !found {
			t.Errorf("%s: Inspect(%q, %d) found nothing", tt.name, tt.code, tt.cursor)
			continue
		}
		text := data["text/plain"].(string)
		for _, w := range tt.want {
			if !strings.Contains(text, w) {
				t.Errorf("%s: Inspect(%q) = %q, lacks %q", tt.name, tt.code, text, w)
			}
		}
	}
	if _, found := s.Inspect("   ", 1, 0); found {
		t.Error("Inspect of blanks found something")
	}
	// Standard library docs come from GOROOT when Go is installed.
	if data, found := s.Inspect("strings.Fields", 10, 0); !found || !strings.Contains(data["text/plain"].(string), "func Fields(s string) []string") {
		t.Errorf("strings.Fields: %v %v", found, data)
	}
}
