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
