package interp

import "testing"

func TestGenericFunctionsOfSlicesMapsAndCmp(t *testing.T) {
	s := newSession(t)
	setup := `import (
	"cmp"
	"fmt"
	"maps"
	"slices"
)
type person struct {
	Name string
	Age  int
}
ints := []int{3, 1, 2}
strs := []string{"pear", "apple", "fig"}
floats := []float64{2.5, -1, 0.5}
people := []person{{"bo", 41}, {"al", 30}, {"cy", 30}}
ages := map[string]int{"bo": 41, "al": 30}`
	if got := execute(t, s, setup); got.err != nil {
		t.Fatal(got.err)
	}
	tests := []struct{ name, code, plain string }{
		{"Sort ints", "a := slices.Clone(ints)\nslices.Sort(a)\nfmt.Sprint(a)", "[1 2 3]"},
		{"Sort strings", "b := slices.Clone(strs)\nslices.Sort(b)\nfmt.Sprint(b)", "[apple fig pear]"},
		{"Sort floats", "c := slices.Clone(floats)\nslices.Sort(c)\nfmt.Sprint(c)", "[-1 0.5 2.5]"},
		{"IsSorted", "fmt.Sprint(slices.IsSorted(ints), slices.IsSorted([]string{\"a\", \"b\"}))", "false true"},
		{"SortFunc of a cell's struct", "p := slices.Clone(people)\nslices.SortFunc(p, func(x, y person) int { return cmp.Compare(x.Name, y.Name) })\nfmt.Sprint(p)",
			"[{al 30} {bo 41} {cy 30}]"},
		{"SortStableFunc keeps equal elements in order", "q := slices.Clone(people)\nslices.SortStableFunc(q, func(x, y person) int { return cmp.Compare(x.Age, y.Age) })\nfmt.Sprint(q)",
			"[{al 30} {cy 30} {bo 41}]"},
		{"Max of ints in a define", "top := slices.Max(ints)\ntop", "3"},
		{"Min of strings", "low := slices.Min(strs)\nlow", "apple"},
		{"Max of floats", "slices.Max(floats)", "2.5"},
		{"MaxFunc of structs", "oldest := slices.MaxFunc(people, func(x, y person) int { return x.Age - y.Age })\noldest.Name", "bo"},
		{"BinarySearch", "at, found := slices.BinarySearch([]int{1, 3, 5}, 3)\nfmt.Sprint(at, found)", "1 true"},
		{"BinarySearch of strings", "fmt.Sprint(slices.BinarySearch([]string{\"a\", \"c\"}, \"b\"))", "1 false"},
		{"BinarySearchFunc by a field", "fmt.Sprint(slices.BinarySearchFunc([]person{{\"al\", 30}, {\"bo\", 41}}, \"bo\", func(p person, name string) int { return cmp.Compare(p.Name, name) }))", "1 true"},
		{"BinarySearchFunc missing", "fmt.Sprint(slices.BinarySearchFunc([]int{10, 30}, 20, func(a, b int) int { return a - b }))", "1 false"},
		{"Reverse", "r := slices.Clone(strs)\nslices.Reverse(r)\nfmt.Sprint(r)", "[fig apple pear]"},
		{"Reverse of a []any in a cell's func", "func backwards(xs []any) []any {\n\tslices.Reverse(xs)\n\treturn xs\n}\nfmt.Sprint(backwards([]any{1, \"b\", 3.5}))", "[3.5 b 1]"},
		{"Compact", "d := slices.Compact([]int{1, 1, 2, 2, 1})\nfmt.Sprint(d)", "[1 2 1]"},
		{"Compact floats", "fmt.Sprint(slices.Compact([]float64{0.5, 0.5}))", "[0.5]"},
		{"Index", "fmt.Sprint(slices.Index(strs, \"fig\"), slices.Index(ints, 9))", "2 -1"},
		{"IndexFunc of structs", "slices.IndexFunc(people, func(p person) bool { return p.Age == 30 })", "1"},
		{"Contains", "fmt.Sprint(slices.Contains(floats, 0.5), slices.Contains(strs, \"kiwi\"))", "true false"},
		{"ContainsFunc", "slices.ContainsFunc(ints, func(v int) bool { return v > 2 })", "true"},
		{"Equal", "fmt.Sprint(slices.Equal(ints, []int{3, 1, 2}), slices.Equal(strs, nil))", "true false"},
		{"Collect of maps.Keys", "keys := slices.Collect(maps.Keys(ages))\nslices.Sort(keys)\nfmt.Sprint(keys)", "[al bo]"},
		{"Sorted of maps.Keys", "sortedKeys := slices.Sorted(maps.Keys(ages))\nfmt.Sprint(sortedKeys)", "[al bo]"},
		{"Sorted of maps.Values", "fmt.Sprint(slices.Sorted(maps.Values(ages)))", "[30 41]"},
		{"Collect of slices.Values", "fmt.Sprint(slices.Collect(slices.Values(floats)))", "[2.5 -1 0.5]"},
		{"maps.Clone", "ages2 := maps.Clone(ages)\nlen(ages2)", "2"},
		{"cmp.Compare", "fmt.Sprint(cmp.Compare(1, 2), cmp.Compare(\"b\", \"a\"), cmp.Compare(2.5, 2.5))", "-1 1 0"},
		{"cmp.Compare in a define", "order := cmp.Compare(ints[0], ints[1])\norder", "1"},
		{"cmp.Less of mixed constants", "cmp.Less(1.5, 2)", "true"},
		{"init of an if", "big := 0\nif top := slices.Max(ints); top > 2 { big = top }\nbig", "3"},
		{"range over Sorted keys", "joined := \"\"\nfor _, k := range slices.Sorted(maps.Keys(ages)) { joined += k }\njoined", "albo"},
		{"in a function", "func largest(xs []float64) float64 { return slices.Max(xs) }\nlargest(floats)", "2.5"},
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
		})
	}
}

func TestAVariableNamedLikeAPackageIsNotRewritten(t *testing.T) {
	s := newSession(t)
	tests := []struct{ name, code, plain string }{
		{"global", "type box struct{ Max int }\nslices := box{Max: 7}\nslices.Max", "7"},
		{"parameter", "type order struct{}\nfunc (order) Compare(a, b int) int { return 9 }\nfunc use(cmp order) int { return cmp.Compare(1, 2) }\nuse(order{})", "9"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := execute(t, s, tt.code); got.err != nil || got.plain != tt.plain {
				t.Fatalf("got %+v, want %s", got, tt.plain)
			}
		})
	}
}

// yaegi infers no type parameter from a compiled value (what strings.Fields
// or an RDD's Collect returns): the session converts such arguments to
// their own types (bintypes.go), so these read as they do in Go.
func TestGenericFunctionsTakeCompiledValues(t *testing.T) {
	s := newSession(t)
	if got := execute(t, s, "import (\n\t\"fmt\"\n\t\"maps\"\n\t\"net/url\"\n\t\"os\"\n\t\"slices\"\n\t\"strings\"\n)\nglobalWords := strings.Fields(\"b c a\")"); got.err != nil {
		t.Fatal(got.err)
	}
	tests := []struct{ name, code, plain string }{
		{"Sort a package function's result", "ws := strings.Fields(\"pear apple fig\")\nslices.Sort(ws)\nfmt.Sprint(ws)", "[apple fig pear]"},
		{"Sort a global of an earlier cell", "slices.Sort(globalWords)\nfmt.Sprint(globalWords)", "[a b c]"},
		{"SortFunc of Collect", "top := sc.Parallelize([]any{3, 1, 2}).Collect()\nslices.SortFunc(top, func(a, b any) int { return a.(int) - b.(int) })\nfmt.Sprint(top)", "[1 2 3]"},
		{"MaxFunc of a chain's result", "slices.MaxFunc(sc.Parallelize([]any{\"x\", \"z\", \"y\"}).Map(func(v any) any { return v }).Collect(), func(a, b any) int { return strings.Compare(a.(string), b.(string)) }) == \"z\"", "true"},
		{"a compiled global in || inside a func", "func() bool { return slices.Contains(globalWords, \"a\") || false }()", "true"},
		{"inside a cell's func", "func sortedWords(s string) []string {\n\tws := strings.Fields(s)\n\tslices.Sort(ws)\n\treturn ws\n}\nfmt.Sprint(sortedWords(\"b a\"))", "[a b]"},
		{"inside a func literal, through a range", "count := 0\nfor _, line := range []string{\"b a\", \"d c\"} {\n\tfunc() {\n\t\tparts := strings.Split(line, \" \")\n\t\tif slices.Contains(parts, \"a\") || slices.Index(parts, \"c\") == 1 {\n\t\t\tcount++\n\t\t}\n\t}()\n}\ncount", "2"},
		{"in an RDD function", "sc.Parallelize([]any{\"b a\", \"d c\"}).Map(func(v any) any {\n\tws := strings.Fields(v.(string))\n\tslices.Sort(ws)\n\treturn strings.Join(ws, \"+\")\n}).Collect()[1]", "c+d"},
		{"maps.Keys of a compiled named map", "query, _ := url.ParseQuery(\"b=1&a=2\")\nfmt.Sprint(slices.Sorted(maps.Keys(query)))", "[a b]"},
		{"a cell's generic function", "func first[T any](xs []T) T { return xs[0] }\nfirst(strings.Fields(\"x y\"))", "x"},
		{"a named compiled element type", "entries, _ := os.ReadDir(\".\")\nslices.SortFunc(entries, func(a, b os.DirEntry) int { return strings.Compare(b.Name(), a.Name()) })\nlen(entries) > 0 && entries[0].Name() >= entries[len(entries)-1].Name()", "true"},
		{"a shadowing parameter keeps its own type", "func n(ws []int) int { slices.Sort(ws); return ws[0] }\nws := strings.Fields(\"q\")\nfmt.Sprint(n([]int{2, 1}), ws)", "1 [q]"},
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
		})
	}
}
