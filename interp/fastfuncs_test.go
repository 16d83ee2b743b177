package interp

import (
	"reflect"
	"strings"
	"testing"

	"github.com/gosparkling/gosparkling/rdd"
)

func TestFastRewriterWrapsLiteralsOfKnownShapes(t *testing.T) {
	const h = "_gosparklingSession."
	tests := []struct{ name, src, want string }{
		{"the word count",
			"sc.TextFile(p).FlatMap(func(l string) []string { return strings.Fields(l) }).Map(func(w string) rdd.Pair { return rdd.KV(w, 1) }).ReduceByKey(func(a, b int) int { return a + b })",
			"sc.TextFile(p).FlatMap(" + h + "FastEta(func(l string) []string { return strings.Fields(l) }, strings.Fields)).Map(" + h + `FastPairWith(func(w string) rdd.Pair { return rdd.KV(w, 1) }, 1)).ReduceByKey(` + h + `FastBinary(func(a, b int) int { return a + b }, "+"))`},
		{"a composition", "sc.Parallelize(xs).FlatMap(func(l string) []string { return strings.Fields(strings.ToLower(l)) })",
			"sc.Parallelize(xs).FlatMap(" + h + "FastCompose(func(l string) []string { return strings.Fields(strings.ToLower(l)) }, strings.Fields, strings.ToLower))"},
		{"a pair's value as an int", "counts.Top(3, func(p rdd.Pair) int { return p.Value.(int) })",
			"counts.Top(3, " + h + `FastPairField(func(p rdd.Pair) int { return p.Value.(int) }, "Value"))`},
		{"a variable of the cell holding an RDD", "w := sc.Parallelize(xs)\nw.Reduce(func(a, b float64) float64 { return a * b })",
			"w := sc.Parallelize(xs)\nw.Reduce(" + h + `FastBinary(func(a, b float64) float64 { return a * b }, "*"))`},
		{"a captured variable is left alone", "sc.Parallelize(xs).Map(func(w string) rdd.Pair { return rdd.KV(w, n) })", ""},
		{"parameters in another order are left alone", "sc.Parallelize(xs).Reduce(func(a, b string) string { return b + a })", ""},
		{"a method of something else is left alone", "other.Map(func(a, b int) int { return a + b })", ""},
		{"a name of an RDD reassigned in the cell is left alone", "sc := other\nsc.Map(func(a, b int) int { return a + b })", ""},
		{"calls inside a function literal are left alone (its parameters may shadow)",
			"f := func(sc T) int { return sc.Apply(func(a, b int) int { return a + b }) }", ""},
		{"a shadowed package is left alone", "sc.Parallelize(xs).Map(func(s string) string { return mine.Trim(s) })", ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := &fastRewriter{
				isPackage: func(name string) bool { return name == "strings" || name == "rdd" },
				isRDDVar:  func(name string) bool { return name == "sc" || name == "counts" },
				locals:    map[string]bool{},
				assigned:  map[string]bool{},
			}
			got := r.rewrite(chunk{kind: stmtChunk, src: tt.src})
			want := tt.want
			if want == "" {
				want = tt.src
			}
			if got != want {
				t.Errorf("rewrite(%q)\n = %q\nwant %q", tt.src, got, want)
			}
		})
	}
}

func TestFastRewriterKnowsTheRDDsOfTheCellsEarlierChunks(t *testing.T) {
	r := &fastRewriter{
		isPackage: func(string) bool { return false },
		isRDDVar:  func(name string) bool { return name == "sc" },
		locals:    map[string]bool{},
		assigned:  map[string]bool{},
	}
	r.rewrite(chunk{kind: stmtChunk, src: "paths := sc.TextFile(p)"})
	got := r.rewrite(chunk{kind: stmtChunk, src: "paths.Reduce(func(a, b int) int { return a + b })"})
	if want := `paths.Reduce(_gosparklingSession.FastBinary(func(a, b int) int { return a + b }, "+"))`; got != want {
		t.Errorf("the second chunk became %q, want %q", got, want)
	}
}

func TestFastHelpersKeepTheLiteralWhenTheyHaveNoCompiledFunction(t *testing.T) {
	same := func(a, b any) bool { return reflect.ValueOf(a).Pointer() == reflect.ValueOf(b).Pointer() }
	addUint := func(a, b uint) uint { return a + b }
	minusOne := func(p rdd.Pair) uint8 { return 1 }
	if !same(fastBinary(addUint, "+"), addUint) {
		t.Error("fastBinary replaced a func(uint, uint) uint it has no compiled function for")
	}
	if !same(fastPairField(minusOne, "Value"), minusOne) {
		t.Error("fastPairField replaced a func(rdd.Pair) uint8")
	}
	trim := func(s string) string { return s }
	if !same(fastEta(trim, strings.Fields), trim) {
		t.Error("fastEta replaced a literal by a function of another type")
	}
	lit := func(s string) []string { return nil }
	if !same(fastEta(lit, strings.Fields), strings.Fields) {
		t.Error("fastEta did not replace a literal of strings.Fields' type by it")
	}
}

// TestFastFunctionsComputeWhatTheLiteralsDo runs each shape in a cell
// and checks the result against Go's own.
func TestFastFunctionsComputeWhatTheLiteralsDo(t *testing.T) {
	s := newSession(t)
	tests := []struct{ name, cell, plain string }{
		{"sum of ints", "sc.Parallelize([]int{1, 2, 3, 4}, 2).Reduce(func(a, b int) int { return a + b })", "10"},
		{"product of floats", "sc.Parallelize([]float64{1.5, 2, 4}, 2).Reduce(func(a, b float64) float64 { return a * b })", "12"},
		{"concatenation keeps its order", `sc.Parallelize([]string{"a", "b", "c"}, 1).Reduce(func(a, b string) string { return a + b })`, "abc"},
		{"word count", `sc.Parallelize([]string{"a b", "b c b"}, 2).FlatMap(func(l string) []string { return strings.Fields(l) }).Map(func(w string) rdd.Pair { return rdd.KV(w, 1) }).ReduceByKey(func(a, b int) int { return a + b }).Lookup("b")[0]`, "3"},
		{"a float constant", `sc.Parallelize([]string{"x"}).Map(func(w string) rdd.Pair { return rdd.KV(w, 0.5) }).First().(rdd.Pair).Value`, "0.5"},
		{"composition", `sc.Parallelize([]string{"A B"}).FlatMap(func(l string) []string { return strings.Fields(strings.ToLower(l)) }).Collect()[1]`, "b"},
		{"a pair's value", `sc.Parallelize([]rdd.Pair{rdd.KV("x", 2), rdd.KV("y", 5)}).Top(1, func(p rdd.Pair) int { return p.Value.(int) })[0].(rdd.Pair).Key`, "y"},
		{"an unknown type keeps the literal", "sc.Parallelize([]uint{1, 2}).Reduce(func(a, b uint) uint { return a + b })", "3"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := execute(t, s, tt.cell)
			if got.err != nil || got.plain != tt.plain {
				t.Errorf("%s shows %q (%v), want %q", tt.cell, got.plain, got.err, tt.plain)
			}
		})
	}
}
