package interp

// A hostile review of lower.go: cells whose functions use the types cells
// declare, with and without methods, run interpreted and compiled; each
// must give the same result both ways, and a function that cannot be
// compiled must say so in one line on the cell's standard error.
//
// What stays interpreted says why: a method named like an unexported field
// of a cell's struct (yaegi exports those as X<name>, and the plugin renames
// their selections), a method reading a session variable, a method called on
// a captured variable (the plugin knows its type as yaegi made it, without
// methods), and a method whose type's cell ran again without it. Cells where yaegi itself departs from
// Go are left out: a value with methods handed to fmt through an any (it
// prints <nil> or its own internals), method expressions T.m and (*T).m,
// the methods of an array type (it panics); and so is the text of a panic,
// which reads "panic: ..." interpreted and "JobError: ... user function
// panicked: ..." compiled.

import (
	"os"
	"os/exec"
	"strings"
	"testing"
)

// lowerCase is one sequence of cells.
type lowerCase struct {
	name  string
	cells []string // the last shows the value compared
	want  string   // what Go's semantics give (the interpreter's result)
	// stays, when not "", is in the note of a function that stays
	// interpreted; otherwise every function must compile.
	stays string
	// ranOnly: the last function switches by itself (its RDD's tier), so
	// that the count of compiled functions handed over does not show it.
	ranOnly bool
	// noRun: the cells fail alike in both modes before any function runs.
	noRun bool
}

const reviewPage = `type page struct {
	url   string
	words int
}`

const reviewAcc = `type acc struct{ n int }
func (a *acc) add(k int) { a.n += k }
func (a acc) get() int { return a.n }`

var lowerCases = []lowerCase{
	// Receivers and the values they change.
	{
		name: "pointer receiver on slice elements",
		cells: []string{reviewAcc, `out := sc.Parallelize([]int{1, 2, 3}, 2).Map(func(i int) int { as := make([]acc, 3); for j := range as { as[j].add(i * j) }; return as[2].get() + as[1].n })
fmt.Sprint(out.Collect())`},
		want: "[3 6 9]",
	},
	{
		name: "pointer receiver on a range variable changes the copy only",
		cells: []string{reviewAcc, `out := sc.Parallelize([]int{1, 2, 3}, 2).Map(func(i int) int { as := []acc{{1}, {2}}; for _, a := range as { a.add(i) }; return as[0].n + as[1].n })
fmt.Sprint(out.Collect())`},
		want: "[3 3 3]",
	},
	{
		name: "a map of structs, read, changed and stored back",
		cells: []string{reviewAcc, `out := sc.Parallelize([]int{1, 2, 3}, 2).Map(func(i int) int { m := map[string]acc{}; a := m["x"]; a.add(i); m["x"] = a; a.add(100); return m["x"].get() })
fmt.Sprint(out.Collect())`},
		want: "[1 2 3]",
	},
	{
		name: "a map of pointers changed through the method",
		cells: []string{reviewAcc, `out := sc.Parallelize([]int{1, 2, 3}, 2).Map(func(i int) int { m := map[string]*acc{"x": {10}}; m["x"].add(i); m["x"].add(i); return m["x"].get() })
fmt.Sprint(out.Collect())`},
		want: "[12 14 16]",
	},
	{
		name: "pointers in an RDD changed by a pointer method",
		cells: []string{reviewAcc, `out := sc.Parallelize([]int{1, 2, 3}, 1).Map(func(i int) *acc { return &acc{i} }).Map(func(a *acc) int { a.add(1); (*a).add(1); return a.get() })
fmt.Sprint(out.Collect())`},
		want: "[3 4 5]",
	},
	{
		name: "a composite literal's address as the receiver",
		cells: []string{reviewAcc, `out := sc.Parallelize([]int{1, 2}, 1).Map(func(i int) int { p := &acc{i}; (&acc{5}).add(i); p.add(2); return p.n })
fmt.Sprint(out.Collect())`},
		want: "[3 4]",
	},
	{
		name: "a value method returning a changed copy",
		cells: []string{reviewPage, `func (p page) grow() page { p.words *= 10; return p }`,
			`out := sc.Parallelize([]int{1, 2}, 1).Map(func(i int) int { p := page{"u", i}; q := p.grow().grow(); return p.words + q.words })
fmt.Sprint(out.Collect())`},
		want: "[101 202]",
	},
	{
		name: "defer of a pointer method",
		cells: []string{reviewAcc, `func run(i int) (a acc) { defer a.add(100); a.add(i); return a }`,
			`out := sc.Parallelize([]int{1, 2}, 1).Map(func(i int) int { return run(i).n })
fmt.Sprint(out.Collect())`},
		want: "[101 102]",
	},
	{
		name: "a variadic method",
		cells: []string{reviewPage, `func (p page) sum(xs ...int) int { n := p.words; for _, x := range xs { n += x }; return n }`,
			`out := sc.Parallelize([]int{1, 2}, 1).Map(func(i int) int { xs := []int{i, i}; p := page{"", 1}; return p.sum(xs...) + p.sum() + p.sum(1, 2) })
fmt.Sprint(out.Collect())`},
		want: "[8 10]",
	},
	{
		name: "an unnamed receiver",
		cells: []string{reviewPage, `func (page) kind() string { return "page" }
func (*page) pkind() string { return "*page" }`,
			`out := sc.Parallelize([]int{1}, 1).Map(func(i int) string { var p page; return p.kind() + p.pkind() })
fmt.Sprint(out.Collect())`},
		want: "[page*page]",
	},
	// Methods calling methods, names that clash.
	{
		name: "the same method name on two types",
		cells: []string{`type a struct{ x int }
type b struct{ y int }
func (v a) val() int { return v.x }
func (v b) val() int { return v.y * 10 }`,
			`out := sc.Parallelize([]int{1, 2}, 1).Map(func(i int) int { return a{i}.val() + b{i}.val() })
fmt.Sprint(out.Collect())`},
		want: "[11 22]",
	},
	{
		name: "a method named like a field of another cell struct",
		cells: []string{`type box struct{ size int }
type bag struct{ v int }
func (x bag) size() int { return x.v * 2 }`,
			`out := sc.Parallelize([]int{1, 2}, 1).Map(func(i int) int { return box{i}.size + bag{i}.size() })
fmt.Sprint(out.Collect())`},
		want:  "[3 6]",
		stays: "named like an unexported field",
	},
	{
		name: "a method named like a field of its own struct's other values",
		cells: []string{`type item struct{ count int }
func (it item) double() int { return it.count * 2 }`, `type tally struct{ n int }
func (t tally) count() int { return t.n + 1 }`,
			`out := sc.Parallelize([]int{1, 2}, 1).Map(func(i int) int { return item{i}.double() + tally{i}.count() })
fmt.Sprint(out.Collect())`},
		want:  "[4 7]",
		stays: "named like an unexported field",
	},
	{
		name: "lowered names that collide: a_b.c and a.b_c",
		cells: []string{`type a_b struct{ v int }
func (x a_b) c() int { return x.v }
type a struct{ v int }
func (x a) b_c() int { return x.v * 100 }`,
			`out := sc.Parallelize([]int{1, 2}, 1).Map(func(i int) int { return a_b{i}.c() + a{i}.b_c() })
fmt.Sprint(out.Collect())`},
		want: "[101 202]",
	},
	{
		name: "a method named Len, Less, Swap, not used by sort",
		cells: []string{`type row struct{ cells []string }
func (r row) Len() int { return len(r.cells) }`,
			`out := sc.Parallelize([]string{"a b", "c d e"}, 2).Map(func(l string) int { var sb strings.Builder; sb.WriteString(l); r := row{strings.Fields(sb.String())}; return r.Len() + sb.Len() })
fmt.Sprint(out.Collect())`},
		want: "[5 8]",
	},
	{
		name: "a recursive method",
		cells: []string{reviewPage, `func (p page) depth(k int) int { if k == 0 { return p.words }; return 1 + p.depth(k-1) }`,
			`out := sc.Parallelize([]int{1, 2}, 1).Map(func(i int) int { return page{"", i}.depth(3) })
fmt.Sprint(out.Collect())`},
		want: "[4 5]",
	},
	{
		name: "mutually calling methods of two types",
		cells: []string{`type even struct{}
type odd struct{}
func (even) is(n int) bool { if n == 0 { return true }; return odd{}.is(n - 1) }
func (odd) is(n int) bool { if n == 0 { return false }; return even{}.is(n - 1) }`,
			`out := sc.Parallelize([]int{1, 2, 3}, 1).Filter(func(i int) bool { return even{}.is(i) })
fmt.Sprint(out.Collect())`},
		want: "[2]",
	},
	// RDD methods.
	{
		name: "methods as keys of SortBy, Top and in ReduceByKey, Aggregate",
		cells: []string{reviewPage, `func (p page) key() string { return p.url[:1] }
func (p page) weight() int { return p.words * 2 }
func (p *page) merge(q page) { p.words += q.words }`,
			`pages := sc.Parallelize([]string{"a1", "b22", "a333", "c4444"}, 2).Map(func(u string) page { return page{u, len(u)} })
byKey := pages.Map(func(p page) rdd.Pair { return rdd.KV(p.key(), p) }).ReduceByKey(func(x, y page) page { x.merge(y); return x }).SortByKey(true)
sorted := pages.SortBy(func(p page) int { return -p.weight() }, true)
top := pages.Top(2, func(p page) int { return p.weight() })
agg := pages.Aggregate(0, func(n int, p page) int { return n + p.weight() }, func(a, b int) int { return a + b })
fmt.Sprint(byKey.Collect(), sorted.Collect(), top, agg)`},
		want: "[(a, {a1 6}) (b, {b22 3}) (c, {c4444 5})] [{c4444 5} {a333 4} {b22 3} {a1 2}] [{c4444 5} {a333 4}] 28",
	},
	// Non-struct named types.
	{
		name: "a float type without methods, converted both ways",
		cells: []string{`type temp float64`, `out := sc.Parallelize([]float64{1, 2.5}, 1).Map(func(f float64) temp { return temp(f) * 2 }).Map(func(t temp) float64 { return float64(t) + 0.25 })
fmt.Sprint(out.Collect())`},
		want: "[2.25 5.25]",
	},
	{
		name: "two float types, a method converting between them",
		cells: []string{`type celsius float64
type fahr float64
func (c celsius) toF() fahr { return fahr(c*9/5 + 32) }
func (f fahr) toC() celsius { return celsius((f - 32) * 5 / 9) }`,
			`out := sc.Parallelize([]float64{0, 100}, 1).Map(func(f float64) fahr { return celsius(f).toF() }).Map(func(f fahr) float64 { return float64(f.toC().toF()) })
fmt.Sprint(out.Collect())`},
		want: "[32 212]",
	},
	{
		name: "a type switch telling two float types apart",
		cells: []string{`type celsius float64
type fahr float64`,
			`out := sc.Parallelize([]int{1, 2}, 1).Map(func(i int) string { var x any = celsius(i); if i == 2 { x = fahr(i) }; switch x.(type) { case celsius: return "c"; case fahr: return "f" }; return "?" })
fmt.Sprint(out.Collect())`},
		want:  "[? ?]", // yaegi's answer, not Go's "[c f]"
		stays: "it switches on types with celsius",
	},
	{
		name: "an assertion to a float type of a plain float64",
		cells: []string{`type celsius float64`,
			`out := sc.Parallelize([]int{1, 2}, 1).Map(func(i int) string { var x any = float64(i); _, ok := x.(celsius); return fmt.Sprint(ok) })
fmt.Sprint(out.Collect())`},
		want: "[true true]", // yaegi's answer, not Go's "[false false]"
	},
	{
		name: "an assertion to a float type of an RDD's element",
		cells: []string{`type celsius float64`,
			`out := sc.Parallelize([]float64{1, 2}, 1).Map(func(x any) bool { _, ok := x.(celsius); return ok })
fmt.Sprint(out.Collect())`},
		want: "[true true]", // yaegi's answer, not Go's "[false false]"
	},
	{
		name: "%T of a float type",
		cells: []string{`type celsius float64
func (c celsius) half() celsius { return c / 2 }`,
			`out := sc.Parallelize([]int{1}, 1).Map(func(i int) string { return fmt.Sprintf("%T %v", celsius(i).half(), celsius(i)) })
fmt.Sprint(out.Collect())`},
		want: "[float64 1]", // yaegi's answer: values of cell types have the underlying type
	},
	{
		name: "a slice type with a pointer method that appends",
		cells: []string{`type words []string
func (w *words) push(s string) { *w = append(*w, s) }
func (w words) last() string { return w[len(w)-1] }`,
			`out := sc.Parallelize([]string{"a b", "c"}, 2).Map(func(l string) words { var w words; for _, f := range strings.Fields(l) { w.push(f + "!") }; return w }).Map(func(w words) string { return w.last() + fmt.Sprint(len(w)) })
fmt.Sprint(out.Collect())`},
		want: "[b!2 c!1]",
	},
	{
		name: "a map type with a method, a map as key type",
		cells: []string{`type counts map[string]int
func (c counts) add(w string) { c[w]++ }
type key struct{ a string; b int }
func (k key) String2() string { return fmt.Sprint(k.a, k.b) }`,
			`out := sc.Parallelize([]string{"a b a", "b"}, 2).Map(func(l string) int { c := counts{}; m := map[key]int{}; for _, f := range strings.Fields(l) { c.add(f); m[key{f, 1}]++ }; return c["a"]*10 + m[key{"b", 1}] })
fmt.Sprint(out.Collect())`},
		want: "[21 1]",
	},
	{
		name: "a struct type with methods as the key of ReduceByKey",
		cells: []string{`type key struct{ a string; b int }
func (k key) next() key { k.b++; return k }`,
			`out := sc.Parallelize([]string{"x", "y", "x"}, 2).Map(func(s string) rdd.Pair { return rdd.KV(key{s, 0}.next(), 1) }).ReduceByKey(func(a, b int) int { return a + b }).Map(func(p rdd.Pair) string { return p.Key.(key).a + fmt.Sprint(p.Key.(key).next().b, p.Value) })
fmt.Sprint(out.SortBy(func(s string) string { return s }, true).Collect())`},
		want: "[x2 2 y2 1]",
	},
	{
		name: "a pointer method on an int type",
		cells: []string{`type counter int
func (c *counter) inc() { *c++ }`,
			`out := sc.Parallelize([]int{3, 4}, 2).Map(func(n int) counter { var c counter; for j := 0; j < n; j++ { c.inc() }; return c })
fmt.Sprint(out.Collect())`},
		want: "[3 4]",
	},
	// Later cells.
	{
		name: "a method declared in a later cell, next to a function",
		cells: []string{reviewPage, `func bonus() int { return 7 }
func (p page) h() int { return bonus() + p.words }`,
			`out := sc.Parallelize([]int{1, 2}, 1).Map(func(i int) int { return page{"", i}.h() })
fmt.Sprint(out.Collect())`},
		want: "[8 9]",
	},
	{
		name: "a method redeclared with a different body",
		cells: []string{reviewPage, `func (p page) n() int { return 1 }`, `func (p page) n() int { return 2 }`,
			`out := sc.Parallelize([]int{1}, 1).Map(func(i int) int { return page{}.n() })
fmt.Sprint(out.Collect())`},
		want:  "[1]", // the interpreter keeps the first body, silently
		stays: "declares its method n twice",
	},
	{
		name: "a type redefined in a later cell without its method",
		cells: []string{reviewPage, `func (p page) n() int { return 1 }`, `type page struct { url string; words, links int }`,
			`func (p page) n() int { return 3 + p.links }`,
			`out := sc.Parallelize([]int{1}, 1).Map(func(i int) int { return page{links: i}.n() })
fmt.Sprint(out.Collect())`},
		want:  "ERROR: CompileError: type page is already defined by an earlier cell, differently; the interpreter cannot redefine a type: give the new one another name, or restart the kernel",
		noRun: true,
	},
	{
		name: "a type redefined as a float",
		cells: []string{reviewPage, `func (p page) n() int { return 1 }`, `type page float64`, `func (p page) n() int { return int(p) * 2 }`,
			`out := sc.Parallelize([]int{1}, 1).Map(func(i int) int { return page(i).n() })
fmt.Sprint(out.Collect())`},
		want:  "ERROR: CompileError: type page is already defined by an earlier cell, differently; the interpreter cannot redefine a type: give the new one another name, or restart the kernel",
		noRun: true,
	},
	{
		name: "a method using a session variable that a later cell changes",
		cells: []string{reviewPage, `factor := 3`, `func (p page) scaled() int { return p.words * factor }`,
			`out := sc.Parallelize([]int{1, 2}, 1).Map(func(i int) int { return page{"", i}.scaled() })
a := fmt.Sprint(out.Collect())`, `factor = 10`, `fmt.Sprint(a, out.Collect())`},
		want:  "[3 6][10 20]",
		stays: "with a variable of the session",
	},
	// Captured values.
	{
		name: "a captured value with a value method",
		cells: []string{reviewPage, `func (p page) size() int { return p.words }`, `base := page{"b", 5}`,
			`out := sc.Parallelize([]int{1, 2}, 1).Map(func(i int) int { return base.size() + i })
fmt.Sprint(out.Collect())`},
		want:  "[6 7]",
		stays: "undefined",
	},
	{
		name: "a captured value changed by a pointer method",
		cells: []string{reviewAcc, `total := acc{}`,
			`out := sc.Parallelize([]int{1, 2, 3}, 1).Map(func(i int) int { total.add(i); return i })
n := len(out.Collect())`, `fmt.Sprint(n, total.n)`},
		want:  "3 6",
		stays: "stays interpreted",
	},
	{
		name: "a captured map type changed by its method",
		cells: []string{`type counts map[string]int
func (c counts) add(w string) { c[w]++ }`, `seen := counts{}`,
			`out := sc.Parallelize([]string{"a", "b", "a"}, 1).Map(func(w string) string { seen.add(w); return w })
n := len(out.Collect())`, `fmt.Sprint(n, seen["a"])`},
		want:  "3 2",
		stays: "undefined",
	},
	// Method values and expressions, generics.
	{
		name: "a method value",
		cells: []string{reviewPage, `func (p page) size() int { return p.words }`,
			`out := sc.Parallelize([]int{1, 2}, 1).Map(func(i int) int { f := page{"", i}.size; return f() })
fmt.Sprint(out.Collect())`},
		want:  "[1 2]",
		stays: "method value",
	},
	// What the interpreter's fmt, sort, errors find.
	{
		name: "a String method fmt finds through a local any",
		cells: []string{reviewPage, `func (p page) String() string { return "page " + p.url }`,
			`out := sc.Parallelize([]int{1, 2}, 1).Map(func(i int) string { var v any = page{"u", i}; return fmt.Sprint(v) })
fmt.Sprint(out.Collect())`},
		want: "[{u 1} {u 2}]", // yaegi's fmt does not find String through any either
	},
	{
		name: "a String method fmt finds on the elements of a slice",
		cells: []string{reviewPage, `func (p page) String() string { return "page " + p.url }`,
			`out := sc.Parallelize([]int{1}, 1).Map(func(i int) string { return fmt.Sprint([]page{{"u", i}}) })
fmt.Sprint(out.Collect())`},
		want: "[[{u 1}]]", // yaegi's fmt does not find String on the elements either
	},
	{
		name: "a String method fmt finds through a pointer",
		cells: []string{reviewPage, `func (p *page) String() string { return "ptr " + p.url }`,
			`out := sc.Parallelize([]int{1}, 1).Map(func(i int) string { p := &page{"u", i}; return fmt.Sprintf("%v|%s", p, *p) })
fmt.Sprint(out.Collect())`},
		want:  "[ptr u|ptr u]", // yaegi's answer: Go's is "[ptr u|{u %!s(int=1)}]"
		stays: "fmt",
	},
	{
		name: "a String method of another type used inside a method",
		cells: []string{`type tag struct{ s string }
func (t tag) String() string { return "#" + t.s }`, reviewPage, `func (p page) label() string { return fmt.Sprint(tag{p.url}) }`,
			`out := sc.Parallelize([]int{1}, 1).Map(func(i int) string { return page{"u", i}.label() })
fmt.Sprint(out.Collect())`},
		want:  "[#u]",
		stays: "fmt",
	},
	{
		name: "a method named String on a float type, fmt does not see it",
		cells: []string{`type celsius float64
func (c celsius) String() string { return fmt.Sprintf("%.1fC", float64(c)) }`,
			`out := sc.Parallelize([]float64{1, 2}, 1).Map(func(f float64) string { return celsius(f).String() })
fmt.Sprint(out.Collect())`},
		want: "[1.0C 2.0C]",
	},
	{
		name: "an Error method called directly",
		cells: []string{`type badRow struct{ line int }
func (e badRow) Error() string { return fmt.Sprintf("bad row %d", e.line) }`,
			`out := sc.Parallelize([]int{1, 2}, 1).Map(func(i int) string { return badRow{i}.Error() })
fmt.Sprint(out.Collect())`},
		want: "[bad row 1 bad row 2]",
	},
	{
		name: "a value of a type with an Error method as an error",
		cells: []string{`type badRow struct{ line int }
func (e badRow) Error() string { return fmt.Sprintf("bad row %d", e.line) }`,
			`out := sc.Parallelize([]int{1, 2}, 1).Map(func(i int) string { var err error = badRow{i}; return err.Error() })
fmt.Sprint(out.Collect())`},
		want:  "ERROR: panic: reflect: Method index out of range", // yaegi's
		stays: "stays interpreted",
	},
	{
		name: "an error wrapped with fmt.Errorf and errors.As",
		cells: []string{`type badRow struct{ line int }
func (e badRow) Error() string { return fmt.Sprintf("bad row %d", e.line) }`,
			`out := sc.Parallelize([]int{1, 2}, 1).Map(func(i int) string { err := fmt.Errorf("w: %w", badRow{i}); return err.Error() })
fmt.Sprint(out.Collect())`},
		want:  "[w: %!w(struct { Xline int }={1}) w: %!w(struct { Xline int }={2})]", // yaegi's
		stays: "fmt",
	},
	{
		name: "sort.Sort of a slice type with Len, Less, Swap",
		cells: []string{`type byLen []string
func (b byLen) Len() int { return len(b) }
func (b byLen) Less(i, j int) bool { return len(b[i]) < len(b[j]) }
func (b byLen) Swap(i, j int) { b[i], b[j] = b[j], b[i] }`,
			`out := sc.Parallelize([]string{"ccc a bb"}, 1).Map(func(l string) string { w := strings.Fields(l); sort.Sort(byLen(w)); return strings.Join(w, ",") })
fmt.Sprint(out.Collect())`},
		want:  "[a,bb,ccc]",
		stays: "stays interpreted",
	},
	{
		name: "a value of a cell type as a fmt.Stringer",
		cells: []string{reviewPage, `func (p page) String() string { return "page " + p.url }`,
			`out := sc.Parallelize([]int{1}, 1).Map(func(i int) string { var s fmt.Stringer = page{"u", i}; return s.String() })
fmt.Sprint(out.Collect())`},
		want:  "[page u]",
		stays: "stays interpreted",
	},
	{
		name: "json.Marshal of a type with a MarshalJSON method",
		cells: []string{`type money struct{ cents int }
func (m money) MarshalJSON() ([]byte, error) { return []byte(fmt.Sprintf("\"%d.%02d\"", m.cents/100, m.cents%100)), nil }`,
			`out := sc.Parallelize([]int{150}, 1).Map(func(i int) string { b, _ := json.Marshal(money{i}); return string(b) })
fmt.Sprint(out.Collect())`},
		want:  `["1.50"]`,
		stays: "json",
	},
	{
		name: "json.Marshal of a map holding a type with a MarshalJSON method",
		cells: []string{`type money struct{ cents int }
func (m money) MarshalJSON() ([]byte, error) { return []byte(fmt.Sprintf("\"%d.%02d\"", m.cents/100, m.cents%100)), nil }`,
			`out := sc.Parallelize([]int{150}, 1).Map(func(i int) string { b, _ := json.Marshal(map[string]money{"p": {i}}); return string(b) })
fmt.Sprint(out.Collect())`},
		want: `[{"p":{"Xcents":150}}]`, // yaegi's json does not find the method in a map either
	},
	// Batch 2.
	{
		name: "b2 a cell function taking any, without a String method",
		cells: []string{reviewPage, `func show(v any) string { return fmt.Sprint(v) }`,
			`out := sc.Parallelize([]int{1, 2}, 1).Map(func(i int) string { return show(page{"u", i}) })
fmt.Sprint(out.Collect())`},
		want: "[{u 1} {u 2}]",
	},
	{
		name: "b2 a cell function taking page, with a String method",
		cells: []string{reviewPage, `func (p page) String() string { return "page " + p.url }`, `func show(p page) string { return fmt.Sprint(p) }`,
			`out := sc.Parallelize([]int{1, 2}, 1).Map(func(i int) string { return show(page{"u", i}) })
fmt.Sprint(out.Collect())`},
		want:  "[page u page u]",
		stays: "fmt",
	},
	{
		name: "b2 two struct types alike as keys of a map of any",
		cells: []string{`type a struct{ x int }
type b struct{ x int }
func (v a) get() int { return v.x }`,
			`out := sc.Parallelize([]int{1}, 1).Map(func(i int) int { m := map[any]int{}; m[a{i}]++; m[b{i}]++; return len(m) * a{i}.get() })
fmt.Sprint(out.Collect())`},
		want: "[1]", // yaegi's answer: the two types are one struct type
	},
	{
		name: "b2 two float types and float64 as keys of a map of any",
		cells: []string{`type celsius float64
type fahr float64
func (c celsius) toF() fahr { return fahr(c*9/5 + 32) }`,
			`out := sc.Parallelize([]int{1}, 1).Map(func(i int) int { m := map[any]int{}; m[celsius(i)]++; m[fahr(i)]++; m[float64(i)]++; _ = celsius(1).toF(); return len(m) })
fmt.Sprint(out.Collect())`},
		want: "[1]", // yaegi's answer: the types are float64
	},
	{
		name: "b2 an assertion to another struct type alike",
		cells: []string{`type a struct{ x int }
type b struct{ x int }
func (v b) get() int { return v.x }`,
			`out := sc.Parallelize([]int{1}, 1).Map(func(i int) bool { var v any = a{i}; _, ok := v.(b); return ok && b{}.get() == 0 })
fmt.Sprint(out.Collect())`},
		want: "[true]", // yaegi's answer
	},
	{
		name: "b2 a named type of another named type",
		cells: []string{`type score float64
type bonus score`,
			`out := sc.Parallelize([]float64{1, 2}, 1).Map(func(f float64) bonus { return bonus(f) * 2 })
fmt.Sprint(out.Collect())`},
		want: "[2 4]",
	},
	{
		name: "b2 a method call in an rdd.Pair literal",
		cells: []string{reviewPage, `func (p page) key() string { return p.url[:1] }`,
			`out := sc.Parallelize([]string{"ab", "cd"}, 1).Map(func(u string) rdd.Pair { p := page{u, 1}; return rdd.Pair{Key: p.key(), Value: p.words} })
fmt.Sprint(out.Collect())`},
		want: "[(a, 1) (c, 1)]",
	},
	{
		name: "b2 a method called on a value of an rdd.Pair",
		cells: []string{reviewPage, `func (p page) key() string { return p.url[:1] }`,
			`out := sc.Parallelize([]string{"ab", "cd"}, 1).Map(func(u string) rdd.Pair { return rdd.KV(u, page{u, 1}) }).Map(func(kv rdd.Pair) string { p, _ := kv.Value.(page); return p.key() + kv.Value.(page).key() })
fmt.Sprint(out.Collect())`},
		want: "[aa cc]",
	},
	{
		name: "b2 a method value passed to slices.SortFunc",
		cells: []string{reviewPage, `func (p page) cmp(q page) int { return q.words - p.words }`,
			`out := sc.Parallelize([]int{1, 2}, 1).Map(func(i int) string { ps := []page{{"a", 1}, {"b", 3 * i}, {"c", 2}}; slices.SortFunc(ps, func(x, y page) int { return x.cmp(y) }); return ps[0].url + ps[2].url })
fmt.Sprint(out.Collect())`},
		want:  "[ba ba]",
		stays: "it uses _slices_SortFunc, which the session does not know",
	},
	{
		name: "b2 a method expression passed to slices.SortFunc",
		cells: []string{reviewPage, `func (p page) cmp(q page) int { return q.words - p.words }`,
			`out := sc.Parallelize([]int{1, 2}, 1).Map(func(i int) string { ps := []page{{"a", 1}, {"b", 3 * i}, {"c", 2}}; f := page.cmp; slices.SortFunc(ps, f); return ps[0].url + ps[2].url })
fmt.Sprint(out.Collect())`},
		want:  "ERROR: panic: reflect.Set: value of type func(struct { Xurl string; Xwords int }) int is not assignable to type func(struct { Xurl string; Xwords int }, struct { Xurl string; Xwords int }) int", // yaegi's
		stays: "it uses _slices_SortFunc, which the session does not know",
	},
	{
		name: "b2 a float type's String method formatting its float64",
		cells: []string{`type celsius float64
func (c celsius) String() string { return fmt.Sprintf("%.1fC", float64(c)) }`,
			`out := sc.Parallelize([]float64{1, 2}, 1).Map(func(f float64) string { return celsius(f).String() + fmt.Sprint(f) })
fmt.Sprint(out.Collect())`},
		want: "[1.0C1 2.0C2]",
	},
	{
		name: "b2 a struct type's String method formatting a field",
		cells: []string{reviewPage, `func (p page) String() string { return fmt.Sprintf("%s:%d", p.url, p.words) }`,
			`out := sc.Parallelize([]int{1, 2}, 1).Map(func(i int) string { return page{"u", i}.String() })
fmt.Sprint(out.Collect())`},
		want: "[u:1 u:2]",
	},
	{
		name: "b2 a method of a type with a json tag",
		cells: []string{`type rec struct {
	Name  string ` + "`json:\"name\"`" + `
	count int
}
func (r rec) twice() rec { r.count *= 2; return r }`,
			`out := sc.Parallelize([]int{1}, 1).Map(func(i int) string { b, _ := json.Marshal(rec{"n", i}.twice()); return string(b) + fmt.Sprint(rec{"n", i}.twice().count) })
fmt.Sprint(out.Collect())`},
		want: `[{"name":"n","Xcount":2}2]`,
	},
	{
		name: "b2 a method shadowed by a local variable of the same name",
		cells: []string{reviewPage, `func (p page) size() int { return p.words }`,
			`out := sc.Parallelize([]int{1, 2}, 1).Map(func(i int) int { size := 10; p := page{"", i}; return size + p.size() })
fmt.Sprint(out.Collect())`},
		want: "[11 12]",
	},
	{
		name: "b2 a local variable named like the type",
		cells: []string{reviewPage, `func (p page) size() int { return p.words }`,
			`out := sc.Parallelize([]int{1, 2}, 1).Map(func(i int) int { x := page{"", i}; page := 5; return page + x.size() })
fmt.Sprint(out.Collect())`},
		want: "[6 7]",
	},
	{
		name: "b2 a chain of pointer methods returning the receiver",
		cells: []string{reviewAcc, `func (a *acc) plus(k int) *acc { a.n += k; return a }`,
			`out := sc.Parallelize([]int{1, 2}, 1).Map(func(i int) int { var a acc; a.plus(i).plus(10).add(100); return a.get() })
fmt.Sprint(out.Collect())`},
		want: "[111 112]",
	},
	{
		name: "b2 a method in a nested closure",
		cells: []string{reviewAcc,
			`out := sc.Parallelize([]int{1, 2}, 1).Map(func(i int) int { var a acc; inc := func() { a.add(i) }; inc(); inc(); return a.get() })
fmt.Sprint(out.Collect())`},
		want: "[2 4]",
	},
	{
		name: "b2 a method through an interface the cell declares",
		cells: []string{reviewPage, `func (p page) size() int { return p.words }`, `type sized interface{ size() int }`,
			`out := sc.Parallelize([]int{1, 2}, 1).Map(func(i int) int { var s sized = page{"", i}; return s.size() })
fmt.Sprint(out.Collect())`},
		want:  "[1 2]",
		stays: "stays interpreted",
	},
	{
		name: "b2 the method of a type declared in the same cell as the function's caller",
		cells: []string{`type span struct{ a, b int }
func (s span) len() int { return s.b - s.a }
func total(ss []span) int { n := 0; for _, s := range ss { n += s.len() }; return n }`,
			`out := sc.Parallelize([]int{1, 2}, 1).Map(func(i int) int { return total([]span{{0, i}, {i, 3 * i}}) })
fmt.Sprint(out.Collect())`},
		want: "[3 6]",
	},
	{
		name: "b2 Sprint of a value of a type whose String is in a later cell",
		cells: []string{reviewPage, `out := sc.Parallelize([]int{1}, 1).Map(func(i int) string { return fmt.Sprint(page{"u", i}) })
a := fmt.Sprint(out.Collect())`, `func (p page) String() string { return "page " + p.url }`,
			`out2 := sc.Parallelize([]int{1}, 1).Map(func(i int) string { return fmt.Sprint(page{"u", i}) })
fmt.Sprint(a, out.Collect(), out2.Collect())`},
		want:  "[{u 1}][{u 1}] [page u]", // out keeps the function it was given
		stays: "fmt",
	},
	{
		name: "b2 Printf of a value whose String method fmt finds, to stdout",
		cells: []string{reviewPage, `func (p page) String() string { return "page " + p.url }`,
			`out := sc.Parallelize([]int{1}, 1).Map(func(i int) string { return fmt.Sprintf("%v/%s/%d", page{"u", i}, page{"v", i}, i) })
fmt.Sprint(out.Collect())`},
		want:  "[page u/page v/1]",
		stays: "fmt",
	},
	{
		name: "b2 a Len method with sort.Slice",
		cells: []string{`type bag struct{ items []int }
func (b bag) Len() int { return len(b.items) }
func (b *bag) Sort() { sort.Slice(b.items, func(i, j int) bool { return b.items[i] < b.items[j] }) }`,
			`out := sc.Parallelize([]int{1, 2}, 1).Map(func(i int) string { b := bag{[]int{3, i, 0}}; b.Sort(); return fmt.Sprint(b.items, b.Len()) })
fmt.Sprint(out.Collect())`},
		want: "[[0 1 3] 3 [0 2 3] 3]",
	},
	// Batch 3.
	{
		name: "b3 a captured value of a type with a String method, formatted",
		cells: []string{reviewPage, `func (p page) String() string { return "page " + p.url }`, `base := page{"b", 5}`,
			`out := sc.Parallelize([]int{1}, 1).Map(func(i int) string { return fmt.Sprint(base, i) })
fmt.Sprint(out.Collect())`},
		want:  "[page b 1]",
		stays: "fmt",
	},
	{
		name: "b3 a captured float of a type with a String method, formatted",
		cells: []string{`type celsius float64
func (c celsius) String() string { return "C" }`, `base := celsius(5)`,
			`out := sc.Parallelize([]int{1}, 1).Map(func(i int) string { return fmt.Sprint(base, i) })
fmt.Sprint(out.Collect())`},
		want:  "[C 1]",
		stays: "fmt",
	},
	{
		name: "b3 a session variable of a type with a String method, formatted by a cell function",
		cells: []string{reviewPage, `func (p page) String() string { return "page " + p.url }`, `var home = page{"h", 1}`,
			`func label(i int) string { return fmt.Sprint(home, i) }`,
			`out := sc.Parallelize([]int{1}, 1).Map(func(i int) string { return label(i) })
fmt.Sprint(out.Collect())`},
		want:  "[page h 1]",
		stays: "fmt",
	},
	{
		name: "b3 a pair's value of a type with a String method, formatted by the next function",
		cells: []string{reviewPage, `func (p page) String() string { return "page " + p.url }`,
			`out := sc.Parallelize([]string{"a"}, 1).Map(func(u string) rdd.Pair { return rdd.KV(u, page{u, 1}) }).Map(func(kv rdd.Pair) string { return fmt.Sprint(kv.Value) })
fmt.Sprint(out.Collect())`},
		want: "[{a 1}]",
	},
	{
		name: "b3 elements of a type with a String method, formatted by the next function",
		cells: []string{reviewPage, `func (p page) String() string { return "page " + p.url }`,
			`out := sc.Parallelize([]string{"a"}, 1).Map(func(u string) page { return page{u, 1} }).Map(func(p page) string { return fmt.Sprint(p) })
fmt.Sprint(out.Collect())`},
		want:  "[page a]",
		stays: "fmt",
	},
	{
		name: "b3 elements of a type with a String method, formatted by the cell",
		cells: []string{reviewPage, `func (p page) String() string { return "page " + p.url }`,
			`out := sc.Parallelize([]string{"a"}, 1).Map(func(u string) page { return page{u, 1} })
ps := out.Collect()
fmt.Sprint(ps, ps[0].(page), ps[0].(page).String())`},
		want: "[{a 1}] page apage a",
	},
	{
		name: "b3 the type's cell run again, then the method's",
		cells: []string{reviewPage, `func (p page) size() int { return p.words }`, reviewPage, `func (p page) size() int { return p.words }`,
			`out := sc.Parallelize([]int{1, 2}, 1).Map(func(i int) int { return page{"", i}.size() })
fmt.Sprint(out.Collect())`},
		want: "[1 2]",
	},
	{
		name: "b3 the type's cell run again, not the method's",
		cells: []string{reviewPage, `func (p page) size() int { return p.words }`, reviewPage,
			`out := sc.Parallelize([]int{1, 2}, 1).Map(func(i int) int { return page{"", i}.size() })
fmt.Sprint(out.Collect())`},
		want:  "[1 2]",
		stays: "undefined",
	},
	{
		name: "b3 the method's cell run twice",
		cells: []string{reviewPage, `func (p page) size() int { return p.words }`, `func (p page) size() int { return p.words }`,
			`out := sc.Parallelize([]int{1, 2}, 1).Map(func(i int) int { return page{"", i}.size() })
fmt.Sprint(out.Collect())`},
		want: "[1 2]",
	},
	{
		name: "b3 a type and its method in the cell that uses them",
		cells: []string{reviewPage + `
func (p page) size() int { return p.words }
out := sc.Parallelize([]int{1, 2}, 1).Map(func(i int) int { return page{"", i}.size() })
fmt.Sprint(out.Collect())`},
		want: "[1 2]",
	},
	{
		name: "b3 a method declared before its type in one cell",
		cells: []string{`func (p page) size() int { return p.words }
` + reviewPage,
			`out := sc.Parallelize([]int{1, 2}, 1).Map(func(i int) int { return page{"", i}.size() })
fmt.Sprint(out.Collect())`},
		want:  "[1 2]",
		stays: "undefined",
	},
	{
		name: "b3 methods of one type in two cells, calling each other",
		cells: []string{reviewPage, `func (p page) a() int { return p.words + 1 }`, `func (p page) b() int { return p.a() * 10 }`,
			`out := sc.Parallelize([]int{1, 2}, 1).Map(func(i int) int { return page{"", i}.b() })
fmt.Sprint(out.Collect())`},
		want: "[20 30]",
	},
	{
		name: "b3 a method in the same cell as another type's declaration",
		cells: []string{reviewPage, `type other struct{ v int }
func (p page) a() int { return p.words + other{2}.v }`,
			`out := sc.Parallelize([]int{1, 2}, 1).Map(func(i int) int { return page{"", i}.a() })
fmt.Sprint(out.Collect())`},
		want: "[3 4]",
	},
	{
		name: "b3 a method that calls a function value of the session",
		cells: []string{reviewPage, `clean := func(s string) string { return strings.ToUpper(s) }`, `func (p page) host() string { return clean(p.url) }`,
			`out := sc.Parallelize([]string{"a", "b"}, 1).Map(func(u string) string { return page{u, 1}.host() })
fmt.Sprint(out.Collect())`},
		want:    "[A B]",
		ranOnly: true,
	},
	{
		name: "b3 a method of a type whose name starts with gsM",
		cells: []string{`type gsM_x struct{ v int }
func (g gsM_x) y() int { return g.v }
type gsM struct{ v int }
func (g gsM) x_y() int { return g.v * 3 }`,
			`out := sc.Parallelize([]int{1, 2}, 1).Map(func(i int) int { return gsM_x{i}.y() + gsM{i}.x_y() })
fmt.Sprint(out.Collect())`},
		want: "[4 8]",
	},
	{
		name: "b3 a function named like a lowered method",
		cells: []string{reviewPage, `func (p page) size() int { return p.words }`, `func gsM_page_size(p page) int { return 100 }`,
			`out := sc.Parallelize([]int{1, 2}, 1).Map(func(i int) int { p := page{"", i}; return p.size() + gsM_page_size(p) })
fmt.Sprint(out.Collect())`},
		want: "[101 102]",
	},
	{
		name: "b3 a method with a named result and a bare return",
		cells: []string{reviewPage, `func (p *page) split() (head, tail string) { head, tail, _ = strings.Cut(p.url, "/"); p.words = len(tail); return }`,
			`out := sc.Parallelize([]string{"a/bc", "d/e"}, 1).Map(func(u string) string { p := page{u, 0}; h, t := p.split(); return h + t + fmt.Sprint(p.words) })
fmt.Sprint(out.Collect())`},
		want: "[abc2 de1]",
	},
	{
		name: "b3 a method with a generic function inside",
		cells: []string{`type nums []int
func (n nums) max() int { return slices.Max(n) }`,
			`out := sc.Parallelize([]int{1, 2}, 1).Map(func(i int) int { return nums{i, 5 * i, 3}.max() })
fmt.Sprint(out.Collect())`},
		want: "[5 10]",
	},
	{
		name: "b3 a method in a Filter, KeyBy and MapValues",
		cells: []string{reviewPage, `func (p page) big() bool { return p.words > 2 }
func (p page) key() string { return p.url[:1] }
func (p page) half() int { return p.words / 2 }`,
			`ps := sc.Parallelize([]string{"ab", "abcd", "cdef"}, 2).Map(func(u string) page { return page{u, len(u)} })
out := ps.Filter(func(p page) bool { return p.big() }).KeyBy(func(p page) string { return p.key() }).MapValues(func(p page) int { return p.half() })
fmt.Sprint(out.SortByKey(true).Collect())`},
		want: "[(a, 2) (c, 2)]",
	},
	{
		name: "b3 a method of a type from a FlatMap and a Reduce",
		cells: []string{`type counts map[string]int
func (c counts) add(o counts) counts { r := counts{}; for k, v := range c { r[k] += v }; for k, v := range o { r[k] += v }; return r }`,
			`out := sc.Parallelize([]string{"a b", "b c"}, 2).Map(func(l string) counts { c := counts{}; for _, w := range strings.Fields(l) { c[w]++ }; return c }).Reduce(func(x, y counts) counts { return x.add(y) })
fmt.Sprint(out)`},
		want: "map[a:1 b:2 c:1]",
	},
	// Batch 4.
	{
		name: "b4 a captured pointer to a value of a type with a String method, formatted",
		cells: []string{reviewPage, `func (p *page) String() string { return "page " + p.url }`, `bp := &page{"b", 5}`,
			`out := sc.Parallelize([]int{1}, 1).Map(func(i int) string { return fmt.Sprint(bp, i) })
fmt.Sprint(out.Collect())`},
		want:  "[page b 1]",
		stays: "fmt",
	},
	{
		name: "b4 a captured value of a type with a MarshalJSON method",
		cells: []string{`type money int
func (m money) MarshalJSON() ([]byte, error) { return []byte(fmt.Sprintf("\"%d.%02d\"", m/100, m%100)), nil }`, `price := money(150)`,
			`out := sc.Parallelize([]int{1}, 1).Map(func(i int) string { b, _ := json.Marshal(price); return string(b) })
fmt.Sprint(out.Collect())`},
		want:  `["1.50"]`,
		stays: "json",
	},
	{
		name: "b4 a String method added after a function that formats the type ran, the same cell again",
		cells: []string{reviewPage, `out := sc.Parallelize([]int{1}, 1).Map(func(i int) string { return fmt.Sprint(page{"u", i}) })
a := fmt.Sprint(out.Collect())`, `func (p page) String() string { return "page " + p.url }`,
			`out := sc.Parallelize([]int{1}, 1).Map(func(i int) string { return fmt.Sprint(page{"u", i}) })
fmt.Sprint(a, out.Collect())`},
		want:  "[{u 1}][page u]",
		stays: "fmt",
	},
	{
		name: "b4 a struct with a func field called by a method",
		cells: []string{`type op struct {
	name string
	f    func(int) int
}
func (o op) apply(x int) int { return o.f(x) + len(o.name) }`,
			`out := sc.Parallelize([]int{1, 2}, 1).Map(func(i int) int { o := op{"d", func(x int) int { return x * 2 }}; return o.apply(i) })
fmt.Sprint(out.Collect())`},
		want: "[3 5]",
	},
	{
		name: "b4 a method and a cell function with the same name",
		cells: []string{reviewPage, `func (p page) size() int { return p.words }`, `func size(p page) int { return 100 }`,
			`out := sc.Parallelize([]int{1, 2}, 1).Map(func(i int) int { p := page{"", i}; return p.size() + size(p) })
fmt.Sprint(out.Collect())`},
		want: "[101 102]",
	},
	{
		name: "b4 methods named len and string",
		cells: []string{`type words []string
func (w words) len() int { return len(w) }
func (w words) string() string { return strings.Join(w, "+") }`,
			`out := sc.Parallelize([]string{"a b", "c"}, 1).Map(func(l string) string { w := words(strings.Fields(l)); return w.string() + fmt.Sprint(w.len()) })
fmt.Sprint(out.Collect())`},
		want: "[a+b2 c1]",
	},
	{
		name: "b4 a receiver named like its type",
		cells: []string{reviewPage, `func (page page) size() int { return page.words }`,
			`out := sc.Parallelize([]int{1, 2}, 1).Map(func(i int) int { return page{"", i}.size() })
fmt.Sprint(out.Collect())`},
		want: "[1 2]",
	},
	{
		name: "b4 a receiver whose index has a side effect",
		cells: []string{reviewAcc,
			`out := sc.Parallelize([]int{1, 2}, 1).Map(func(i int) int { as := make([]acc, 3); k := 0; next := func() int { k++; return k }; as[next()].add(i); as[next()].add(as[1].get()); return as[2].get()*10 + k })
fmt.Sprint(out.Collect())`},
		want: "[12 22]",
	},
	{
		name: "b4 a Format method fmt finds",
		cells: []string{`type pct float64
func (p pct) Format(f fmt.State, verb rune) { fmt.Fprintf(f, "%.0f%%", float64(p)*100) }`,
			`out := sc.Parallelize([]float64{0.5}, 1).Map(func(x float64) string { return fmt.Sprintf("%v", pct(x)) })
fmt.Sprint(out.Collect())`},
		want:  "[50%]",
		stays: "fmt",
	},
	{
		name: "b4 a method of a type used as a map key, on the key",
		cells: []string{`type cell struct{ r, c int }
func (k cell) up() cell { return cell{k.r - 1, k.c} }`,
			`out := sc.Parallelize([]int{1, 2}, 1).Map(func(i int) int { g := map[cell]int{{0, i}: 7}; return g[cell{1, i}.up()] + len(g) })
fmt.Sprint(out.Collect())`},
		want: "[8 8]",
	},
	{
		name: "b4 a method of a cell type in a Top key and TakeOrdered key",
		cells: []string{`type score float64
func (s score) neg() float64 { return -float64(s) }`,
			`r := sc.Parallelize([]float64{3, 1, 2}, 2).Map(func(f float64) score { return score(f) })
fmt.Sprint(r.Top(2, func(s score) float64 { return s.neg() }), r.TakeOrdered(2, func(s score) float64 { return s.neg() }))`},
		want: "[1 2] [3 2]",
	},
	{
		name: "b4 conversion between a struct type with methods and one without",
		cells: []string{`type raw struct{ a string; n int }
type rec struct{ a string; n int }
func (r rec) twice() rec { r.n *= 2; return r }`,
			`out := sc.Parallelize([]int{1, 2}, 1).Map(func(i int) raw { return raw(rec(raw{"x", i}).twice()) }).Map(func(r raw) int { return r.n })
fmt.Sprint(out.Collect())`},
		want: "[2 4]",
	},
	// Batch 5: what seenMethods looks at.
	{
		name: "b5 fmt.Sprint as a function value",
		cells: []string{reviewPage, `func (p page) String() string { return "page " + p.url }`,
			`out := sc.Parallelize([]int{1}, 1).Map(func(i int) string { f := fmt.Sprint; return f(page{"u", i}) })
fmt.Sprint(out.Collect())`},
		want: "[{u 1}]", // yaegi's fmt does not find String through a function value
	},
	{
		name: "b5 fmt.Sprint in parentheses",
		cells: []string{reviewPage, `func (p page) String() string { return "page " + p.url }`,
			`out := sc.Parallelize([]int{1}, 1).Map(func(i int) string { return (fmt.Sprint)(page{"u", i}) })
fmt.Sprint(out.Collect())`},
		want:  "[page u]",
		stays: "fmt",
	},
	{
		name: "b5 fmt imported under another name",
		cells: []string{`import f "fmt"`, reviewPage, `func (p page) String() string { return "page " + p.url }`,
			`out := sc.Parallelize([]int{1}, 1).Map(func(i int) string { return f.Sprint(page{"u", i}) })
f.Sprint(out.Collect())`},
		want:  "[page u]",
		stays: "whose methods f.Sprint would not find compiled",
	},
	{
		name: "b5 a type with an unused method that starts a goroutine",
		cells: []string{reviewPage, `func (p page) size() int { return p.words }
func (p page) bg() { go func() {}() }`,
			`out := sc.Parallelize([]int{1, 2}, 1).Map(func(i int) int { return page{"", i}.size() })
fmt.Sprint(out.Collect())`},
		want: "[1 2]",
	},
	{
		name: "b5 a local struct embedding a cell type with methods",
		cells: []string{reviewPage, `func (p page) size() int { return p.words }`,
			`out := sc.Parallelize([]int{1, 2}, 1).Map(func(i int) int { type wrap struct{ page; n int }; w := wrap{page{"", i}, 1}; return w.size() + w.n })
fmt.Sprint(out.Collect())`},
		want:  "[2 3]",
		stays: "promoted",
	},
	{
		name: "b5 fmt imported with a dot",
		cells: []string{`import . "fmt"`, reviewPage, `func (p page) String() string { return "page " + p.url }`,
			`out := sc.Parallelize([]int{1}, 1).Map(func(i int) string { return Sprint(page{"u", i}) })
Sprint(out.Collect())`},
		want:  "ERROR: CompileError: line 1: undefined: Sprint", // the session has no dot imports
		noRun: true,
	},
	{
		name: "b5 log.Printf of a value with a String method",
		cells: []string{reviewPage, `func (p page) String() string { return "page " + p.url }`,
			`out := sc.Parallelize([]int{1}, 1).Map(func(i int) string { var b strings.Builder; l := log.New(&b, "", 0); l.Print(page{"u", i}); return b.String() })
fmt.Sprint(out.Collect())`},
		want: "[{u 1}\n]", // yaegi does not wrap the values handed to a Logger's methods
	},
	{
		name: "b5 a method named like an exported func field without its X",
		cells: []string{`type hook struct{ Xrun func() int }
func (h hook) run() int { return 1 }`,
			`out := sc.Parallelize([]int{1}, 1).Map(func(i int) int { h := hook{func() int { return 2 }}; return h.run()*10 + h.Xrun() })
fmt.Sprint(out.Collect())`},
		want:  "[12]",
		stays: "named like an unexported field",
	},
	{
		name: "b5 a method named like another struct's exported func field without its X",
		cells: []string{`type hook struct{ Xrun func() int }`, `type job struct{ n int }
func (j job) run() int { return j.n }`,
			`out := sc.Parallelize([]int{1}, 1).Map(func(i int) int { h := hook{func() int { return 2 }}; return job{i}.run()*10 + h.Xrun() })
fmt.Sprint(out.Collect())`},
		want:  "[12]",
		stays: "named like an unexported field",
	},
}

func TestLowerReview(t *testing.T) {
	if _, err := exec.LookPath("go"); err != nil {
		t.Skip("no Go toolchain")
	}
	if testing.Short() {
		t.Skip("builds plugins")
	}
	useCacheDir(t)
	explore := os.Getenv("LOWER_REVIEW_EXPLORE") != ""
	for _, tt := range lowerCases {
		t.Run(tt.name, func(t *testing.T) {
			var got, stderr [2]string
			var failed [2]bool
			var handed int64
			for i, mode := range []compileMode{compileOff, compileWait} {
				s := tieredSession(t, mode)
				var res cellResult
				for _, cell := range tt.cells {
					res = execute(t, s, cell)
					stderr[i] += res.stderr
					if res.err != nil {
						got[i] = "ERROR: " + res.err.Error()
						failed[i] = true
						break
					}
				}
				if !failed[i] {
					got[i] = res.plain
				}
				if mode == compileWait {
					handed = s.tiers.handed.Load()
				}
			}
			if explore {
				t.Logf("\n off: %q\nwait: %q\nstderr off: %q\nstderr wait: %q\nhanded %d", got[0], got[1], stderr[0], stderr[1], handed)
			}
			if got[0] != tt.want || got[1] != tt.want {
				t.Errorf("interpreted %q, compiled %q, want %q", got[0], got[1], tt.want)
			}
			if tt.noRun {
				return
			}
			notes := strings.Count(stderr[1], "stays interpreted")
			switch {
			case tt.stays == "" && notes > 0:
				t.Errorf("a function stays interpreted: %s", stderr[1])
			case tt.stays == "" && handed == 0 && !tt.ranOnly:
				t.Errorf("no compiled function was handed to a method, and no note says why")
			case tt.stays != "" && (notes == 0 || !strings.Contains(stderr[1], tt.stays)):
				t.Errorf("stderr %q, want a note with %q", stderr[1], tt.stays)
			}
			for _, line := range strings.Split(stderr[1], "\n") {
				if strings.Contains(line, "stays interpreted") && strings.Count(line, "stays interpreted") > 1 {
					t.Errorf("a note runs into another: %q", line)
				}
			}
		})
	}
}
