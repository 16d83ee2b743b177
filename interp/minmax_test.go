package interp

import (
	"bytes"
	"log"
	"strings"
	"testing"
)

func TestMinMaxAndClearWorkInEveryPosition(t *testing.T) {
	s := newSession(t)
	setup := "a, b := 3, 4\nf := 2.5\nwords := []string{\"pear\", \"fig\"}\nimport \"fmt\""
	if got := execute(t, s, setup); got.err != nil {
		t.Fatal(got.err)
	}
	tests := []struct{ name, code, plain string }{
		{"define of constants", "shortest := min(3, 4)\nshortest", "3"},
		{"define of variables", "lo := min(a, b)\nlo", "3"},
		{"max of three", "x := max(a, b, 7)\nx", "7"},
		{"floats", "fl := min(f, 1.5)\nfl", "1.5"},
		{"untyped constant first", "fc := min(1, f)\nfc", "1"},
		{"mixed untyped constants are a float", "mixed := min(1, 2.5)\nfmt.Sprintf(\"%T %v\", mixed, mixed)", "float64 1"},
		{"strings", "first := min(\"b\", \"a\", \"c\")\nfirst", "a"},
		{"elements of a slice", "w := min(words[0], words[1])\nw", "fig"},
		{"in an expression", "y := max(a, b) + 1\ny", "5"},
		{"assignment", "z := 0\nz = max(a, 9)\nz", "9"},
		{"var declaration", "var v = max(a, b)\nv", "4"},
		{"typed var declaration", "var tv float64 = max(f, 1)\ntv", "2.5"},
		{"constant", "const c = max(1, 2.5)\nc", "2.5"},
		{"negative constants", "const neg = min(-1, -2)\nneg", "-2"},
		{"argument of a call", "fmt.Sprint(min(a, b), max(f, 1))", "3 2.5"},
		{"expression value", "min(a, b, 2)", "2"},
		{"in a function", "func smaller(p, q float64) float64 { return min(2, p, q) }\nsmaller(3, 4)", "2"},
		{"in a function literal", "func() int { return max(a, 10) }()", "10"},
		{"result of len", "n := min(len(words), 1)\nn", "1"},
		{"init of an if", "picked := 0\nif v := min(a, b); v > 2 { picked = v }\npicked", "3"},
		{"init of a switch", "said := \"\"\nswitch v := max(a, b); v {\ncase 4:\n\tsaid = \"four\"\n}\nsaid", "four"},
		{"condition of a loop", "count := 0\nfor i := 0; i < min(a, 10); i++ { count++ }\ncount", "3"},
		{"in a loop body", "total := 0\nfor _, w := range words { total += max(len(w), 4) }\ntotal", "8"},
		{"parenthesized var block", "var (\n\tlo2 = min(a, b)\n\thi2 = max(a, b)\n)\nfmt.Sprint(lo2, hi2)", "3 4"},
		{"a cell's named type", "type score int\nhigh, low := score(9), score(4)\nbest := max(high, low, 5)\nbest + high", "18"},
		{"clear a map", "m := map[string]int{\"a\": 1}\nclear(m)\nlen(m)", "0"},
		{"clear a slice", "sl := []int{1, 2}\nclear(sl)\nsl[1]", "0"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := execute(t, s, tt.code)
			if got.err != nil {
				t.Fatalf("cell failed: %v", got.err)
			}
			if got.plain != tt.plain {
				t.Errorf("value %q, want %q", got.plain, tt.plain)
			}
			if got.stderr != "" {
				t.Errorf("stderr %q", got.stderr)
			}
		})
	}
}

func TestYaegiLogLinesStayOutOfCells(t *testing.T) {
	var logged bytes.Buffer
	prev := log.Writer()
	log.SetOutput(&logged)
	defer log.SetOutput(prev)
	s := newSession(t)
	// The type of min's arguments cannot be told here: yaegi fails, and
	// log.Panics on the way.
	got := execute(t, s, "func n() int { return 3 }\nx := min(n(), 2)")
	if got.err == nil {
		t.Fatalf("cell succeeded with %q", got.plain)
	}
	if strings.Contains(logged.String(), "nil reflect type") {
		t.Errorf("yaegi's log line reached the log: %q", logged.String())
	}
	// Once the cell is compiled, the standard logger writes where it did.
	log.Print("after the cell")
	if !strings.Contains(logged.String(), "after the cell") {
		t.Errorf("the standard logger lost its output: %q", logged.String())
	}
}
