package interp

// The types cells declare, with their methods, compile with the functions
// that use them (lower.go): these cells give the same results interpreted
// and compiled.

import (
	"os/exec"
	"strings"
	"testing"
)

// Each RDD has one partition: yaegi makes the reflect type of a method
// value the first time it calls the method, unguarded, so that
// interpreted tasks calling a method for the first time at once race
// (benignly: they store the same type), which the race detector reports.
func TestCompileCellTypesWithMethods(t *testing.T) {
	if _, err := exec.LookPath("go"); err != nil {
		t.Skip("no Go toolchain")
	}
	if testing.Short() {
		t.Skip("builds plugins")
	}
	useCacheDir(t)
	const page = `type page struct {
	url   string
	words int
}`
	tests := []struct {
		name  string
		cells []string // the last makes out and shows a value
		want  string
		// stays, when not "", is in the note of a function that stays
		// interpreted; otherwise every function compiles.
		stays string
	}{
		{
			name: "a value receiver, in Filter and Map",
			cells: []string{page, `func (p page) long() bool { return p.words > 1 }`,
				`func (p page) host() string { return strings.ToUpper(strings.TrimPrefix(p.url, "http://")) }`,
				`out := sc.Parallelize([]int{1, 2, 3}, 1).Map(func(i int) page { return page{fmt.Sprint("http://h", i), i} }).
	Filter(func(p page) bool { return p.long() }).Map(func(p page) string { return p.host() })
fmt.Sprint(out.Collect())`},
			want: "[H2 H3]",
		},
		{
			name: "a pointer receiver that changes a copy",
			cells: []string{page, `func (p *page) add(n int) { p.words += n }`,
				`out := sc.Parallelize([]int{1, 2, 3}, 1).Map(func(i int) page { p := page{"u", i}; p.add(10); return p })
fmt.Sprint(out.Collect())`},
			want: "[{u 11} {u 12} {u 13}]",
		},
		{
			name: "methods calling methods and a function of a cell",
			cells: []string{page, `func weight(n int) int { return n * 3 }`,
				`func (p page) score() int { return weight(p.words) + p.bonus() }
func (p page) bonus() int { if strings.HasSuffix(p.url, "org") { return 100 }; return 0 }`,
				`out := sc.Parallelize([]string{"a.org", "b.com", "c.org"}, 1).Map(func(u string) page { return page{u, len(u)} }).
	Map(func(p page) rdd.Pair { return rdd.KV(p.url[len(p.url)-3:], p.score()) }).ReduceByKey(func(a, b int) int { return a + b })
fmt.Sprint(out.SortByKey(true).Collect())`},
			want: "[(com, 15) (org, 230)]",
		},
		{
			name: "a value method through a pointer, over a slice",
			cells: []string{page, `func (p page) size() int { return p.words }`,
				`out := sc.Parallelize([]int{1, 2, 3}, 1).Map(func(i int) []*page { return []*page{{"a", i}, {"b", 2 * i}} }).
	Map(func(ps []*page) int { n := 0; for _, p := range ps { n += p.size() }; return n })
fmt.Sprint(out.Collect())`},
			want: "[3 6 9]",
		},
		{
			name: "a float type with a method",
			cells: []string{`type score float64
func (s score) half() score { return s / 2 }`,
				`out := sc.Parallelize([]int{1, 2, 3}, 1).Map(func(i int) score { return score(i).half() }).Filter(func(s score) bool { return s > 0.5 })
fmt.Sprint(out.Collect())`},
			want: "[1 1.5]",
		},
		{
			name: "a slice type without methods",
			cells: []string{`type words []string`, `out := sc.Parallelize([]string{"a b", "c d e"}, 1).Map(func(l string) words { return strings.Fields(l) }).Map(func(w words) int { return len(w) })
fmt.Sprint(out.Collect())`},
			want: "[2 3]",
		},
		{
			name: "a String method fmt uses stays interpreted",
			cells: []string{page, `func (p page) String() string { return "page " + p.url }`,
				`out := sc.Parallelize([]int{1, 2}, 1).Map(func(i int) string { return fmt.Sprint(page{"u", i}) })
fmt.Sprint(out.Collect())`},
			want:  "[page u page u]",
			stays: "whose methods fmt.Sprint would not find compiled",
		},
		{
			name: "a String method fmt does not see",
			cells: []string{page, `func (p page) String() string { return "page " + p.url }`,
				`out := sc.Parallelize([]int{1, 2}, 1).Map(func(i int) string { p := page{"u", i}; return fmt.Sprint(p.words) + p.String() })
fmt.Sprint(out.Collect())`},
			want: "[1page u 2page u]",
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var got [2]string
			for i, mode := range []compileMode{compileOff, compileWait} {
				s := tieredSession(t, mode)
				var res cellResult
				for _, cell := range tt.cells {
					if res = execute(t, s, cell); res.err != nil {
						t.Fatalf("%s: %q failed: %v", mode, cell, res.err)
					}
				}
				got[i] = res.plain
				if mode != compileWait {
					continue
				}
				stays := strings.Contains(res.stderr, "stays interpreted")
				switch {
				case tt.stays == "" && stays:
					t.Errorf("a function stays interpreted: %s", res.stderr)
				case tt.stays != "" && !strings.Contains(res.stderr, tt.stays):
					t.Errorf("stderr %q, want a note with %q", res.stderr, tt.stays)
				case tt.stays == "" && isInterpreted(rddGlobal(t, s, "out").Step().Args[0]):
					t.Errorf("out was handed its function interpreted (stderr %q)", res.stderr)
				}
			}
			if got[0] != tt.want || got[1] != tt.want {
				t.Errorf("interpreted %q, compiled %q, want %q", got[0], got[1], tt.want)
			}
		})
	}
}
