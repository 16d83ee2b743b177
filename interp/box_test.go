package interp

import (
	"os/exec"
	"strings"
	"testing"
)

// boxStructs boxes a struct the plugin does not name where it becomes an
// interface, and nowhere else.
func TestBoxStructs(t *testing.T) {
	const head = "package main\n\nimport \"fmt\"\n\ntype shape = struct{ N int }\n\nfunc take(s shape) {}\n\nfunc any1(x any) {}\n\n"
	tests := []struct {
		name, body string
		boxed      []string // the expressions boxed
	}{
		{"an argument of type any", `func f(s shape) { any1(s) }`, []string{"gsBox(s)"}},
		{"a variadic argument", `func f(s shape) string { return fmt.Sprint(s, 1) }`, []string{"gsBox(s)"}},
		{"a result of type any", `func f(s shape) any { return s }`, []string{"return gsBox(s)"}},
		{"a field of type any", `type pair struct{ K, V any }

func f(s shape) pair { return pair{K: s, V: 1} }`, []string{"K: gsBox(s)"}},
		{"an element of []any", `func f(s shape) []any { return []any{s, &s} }`, []string{"gsBox(s), gsBox(&s)"}},
		{"a key of a map[any]int", `func f(m map[any]int, s shape) int { return m[s] }`, []string{"m[gsBox(s)]"}},
		{"a comparison with an any", `func f(x any, s shape) bool { return x == s }`, []string{"x == gsBox(s)"}},
		{"a slice of structs", `func f(s []shape) any { return s }`, []string{"return gsBox(s)"}},
		{"a call of a function the check does not know", `func f(s shape) { unknown.Do(s) }`, []string{"unknown.Do(gsBox(s))"}},
		{"a parameter of the struct's type", `func f(s shape) { take(s) }`, nil},
		{"an assignment to a struct variable", `func f(s shape) shape { var t shape; t = s; return t }`, nil},
		{"an int to any", `func f(n int) any { return n }`, nil},
		{"a struct already an interface", `func f(x any) any { return x }`, nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			out, err := boxStructs(head + tt.body + "\n")
			if err != nil {
				t.Fatal(err)
			}
			got := strings.Count(out, "gsBox(")
			want := 0
			for _, b := range tt.boxed {
				want += strings.Count(b, "gsBox(")
				if !strings.Contains(out, b) {
					t.Errorf("no %q in\n%s", b, out)
				}
			}
			if got != want {
				t.Errorf("%d boxed, want %d:\n%s", got, want, out)
			}
		})
	}
}

// Keys of a cell's struct type that compiled and interpreted functions
// make are the same keys: a shuffle merges them, and a map the cell
// collects finds them by a key the cell makes.
func TestStructKeysAcrossTiers(t *testing.T) {
	if _, err := exec.LookPath("go"); err != nil {
		t.Skip("no Go toolchain")
	}
	if testing.Short() {
		t.Skip("builds plugins")
	}
	useCacheDir(t)
	cells := []string{
		`type shape struct {
	first byte
	n     int
}`,
		`var mu sync.Mutex
calls := 0
words := sc.Parallelize([]string{"ab", "cd", "ab"}, 2)
compiled := words.Map(func(w string) rdd.Pair { return rdd.KV(shape{w[0], len(w)}, 1) })
interpreted := words.Map(func(w string) rdd.Pair { mu.Lock(); calls++; mu.Unlock(); return rdd.KV(shape{w[0], len(w)}, 10) })
m := compiled.Union(interpreted).ReduceByKey(func(a, b int) int { return a + b }).CollectAsMap()
firsts := compiled.Keys().Map(func(k any) byte { return k.(shape).first }).Distinct().Count()
fmt.Sprint(len(m), " ", m[shape{'a', 2}], " ", m[shape{'c', 2}], " ", firsts)`,
	}
	var got [2]string
	for i, mode := range []compileMode{compileOff, compileWait} {
		s := tieredSession(t, mode)
		var res cellResult
		for _, c := range cells {
			if res = execute(t, s, c); res.err != nil {
				t.Fatalf("%s: %v", mode, res.err)
			}
		}
		got[i] = res.plain
		if mode == compileWait {
			if n := strings.Count(res.stderr, "stays interpreted"); n != 1 || !strings.Contains(res.stderr, "writes the captured variable calls") {
				t.Errorf("stderr %q, want one note, for the function that writes calls", res.stderr)
			}
			if isInterpreted(rddGlobal(t, s, "compiled").Step().Args[0]) {
				t.Errorf("compiled was handed its function interpreted")
			}
		}
	}
	const want = "2 22 11 2"
	if got[0] != want || got[1] != want {
		t.Errorf("interpreted %q, compiled %q, want %q", got[0], got[1], want)
	}
}

// A struct of a cell with fields of other structs of cells, in slices and
// maps too, passes between interpreted and compiled code: both give it the
// interpreter's descriptors where it is boxed.
func TestNestedCellStructsCompile(t *testing.T) {
	if _, err := exec.LookPath("go"); err != nil {
		t.Skip("no Go toolchain")
	}
	if testing.Short() {
		t.Skip("builds plugins")
	}
	useCacheDir(t)
	tests := []struct{ name, cell, want string }{
		{"collected and asserted", `r := sc.Parallelize([]int{1, 2, 3}, 2).Map(func(i int) outer { return outer{inner{i}, i * 10} }).Collect()
fmt.Sprint(r[2].(outer), r[0].(outer).In.A)`, "{{3} 30} 1"},
		{"a key of a cell's struct and reduced values", `m := sc.Parallelize([]int{1, 2, 3, 4}, 2).Map(func(i int) outer { return outer{inner{i % 2}, i} }).
	Map(func(o outer) rdd.Pair { return rdd.KV(o.In, o) }).
	ReduceByKey(func(a, b outer) outer { return outer{a.In, a.N + b.N} }).CollectAsMap()
fmt.Sprint(len(m), m[inner{1}].(outer).N, m[inner{0}])`, "2 4 {{0} 6}"},
		{"FlatMap and Filter", `fmt.Sprint(sc.Parallelize([]int{1, 2, 3}, 1).FlatMap(func(i int) []outer { return []outer{{inner{i}, i}} }).Filter(func(o outer) bool { return o.In.A > 1 }).Collect())`, "[{{2} 2} {{3} 3}]"},
		{"a captured value", `base := outer{inner{5}, 7}
fmt.Sprint(sc.Parallelize([]int{1, 2}, 1).Map(func(i int) int { return base.In.A + i }).Collect())`, "[6 7]"},
		{"slices and maps of structs in a struct", `fmt.Sprint(sc.Parallelize([]int{1, 2}, 2).Map(func(i int) wrap { return wrap{[]outer{{inner{i}, i}}, map[string]inner{"a": {i}}} }).
	Map(func(w wrap) int { return w.Items[0].In.A + w.Tags["a"].A }).Collect())`, "[2 4]"},
	}
	const types = `type inner struct{ A int }
type outer struct {
	In inner
	N  int
}
type wrap struct {
	Items []outer
	Tags  map[string]inner
}`
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			for _, mode := range []compileMode{compileOff, compileWait} {
				s := tieredSession(t, mode)
				execute(t, s, types)
				res := execute(t, s, tt.cell)
				if res.err != nil || res.plain != tt.want {
					t.Errorf("%s: %q (%v), want %q", mode, res.plain, res.err, tt.want)
				}
				if strings.Contains(res.stderr, "stays interpreted") {
					t.Errorf("%s: %s", mode, res.stderr)
				}
			}
		})
	}
}
