package interp

import (
	"bytes"
	"strings"
	"testing"
)

// Panics that the first reports left without a cell or a line: in the
// functions passed to actions, on lines that index a nil map or
// dereference a nil pointer, in methods of earlier cells called from the
// cell, and the rdd errors raised by a call in the cell. Each case runs
// its cells in one session; the last one panics.
func TestPanicsOfActionsAndNilsHaveTheirCellAndLine(t *testing.T) {
	tests := []struct {
		name  string
		cells []string
		value string
		want  []string // lines of the traceback, colours removed, that must be there
	}{
		{"panic in a Foreach func",
			[]string{"words := sc.Parallelize([]string{\"ok\", \"BAD\"})",
				"n := 0\nwords.Foreach(func(w string) {\n\tif w == \"BAD\" {\n\t\tpanic(\"found \" + w)\n\t}\n})\n_ = n"},
			"found BAD",
			[]string{`Cell In [2], line 4, in the function passed to Foreach, on element "BAD"`, `----> 4 		panic("found " + w)`}},
		{"the one of two Foreach funcs of a cell that can fail that way",
			[]string{"words := sc.Parallelize([]string{\"a\", \"\"})\nwords.Foreach(func(w string) { _ = len(w) })\nwords.Foreach(func(w string) {\n\t_ = w[0]\n})"},
			"runtime error: index out of range",
			[]string{`Cell In [1], line 4, in the function passed to Foreach, on element ""`, "----> 4 \t_ = w[0]"}},
		{"a Top key func",
			[]string{"var none []int\nnums := sc.Parallelize([]int{3, 1})\ntop := nums.Top(1, func(x int) int { return none[x] })\n_ = top"},
			"runtime error: index out of range",
			[]string{"Cell In [1], line 3, in the function passed to Top, on element"}},
		{"a key that cannot be looked up",
			[]string{"pairs := sc.Parallelize([]rdd.Pair{rdd.KV(1, 2)})\nn := pairs.Count()\n_ = pairs.Lookup([]int64{n})"},
			"",
			[]string{"Cell In [1], line 3\n", "----> 3 _ = pairs.Lookup([]int64{n})"}},
		{"division in a Reduce func",
			[]string{"nums := sc.Parallelize([]int{5, 0})\ntotal := nums.Reduce(func(a, b int) int { return a / b })\n_ = total"},
			"runtime error: integer divide by zero",
			[]string{"Cell In [1], line 2, in the function passed to Reduce, on element 5, 0", "----> 2 total := nums.Reduce("}},
		{"nil map in a Fold func",
			[]string{"nums := sc.Parallelize([]int{1, 2})",
				"got := nums.Fold(0, func(a, b int) int {\n\tvar seen map[int]bool\n\tseen[b] = true\n\treturn a + b\n})\n_ = got"},
			"assignment to entry in nil map",
			[]string{"Cell In [2], line 3, in the function passed to Fold, on element", "----> 3 \tseen[b] = true"}},
		{"the one of two Map funcs of a cell that can fail that way",
			[]string{"a := sc.Parallelize([]int{1, 2}).Map(func(x int) int { return x + 1 })\nb := a.Map(func(x int) int {\n\treturn 10 / (x - 2)\n})\nb.Collect()"},
			"runtime error: integer divide by zero",
			[]string{"Cell In [1], line 3, in the function passed to Map, on element 2", "----> 3 \treturn 10 / (x - 2)"}},
		{"a panic of an rdd method called in the cell",
			[]string{"r := sc.Parallelize([]int{1}).Persist(rdd.MemoryOnly)", "n := r.Count()\nm := n + 1\nr.Persist(rdd.DiskOnly)\n_ = m"},
			"rdd.Persist: Cannot change storage level of an RDD after it was already assigned a level (it is MemoryOnly, asked for DiskOnly); call Unpersist first",
			[]string{"Cell In [2], line 3\n", "----> 3 r.Persist(rdd.DiskOnly)"}},
		{"a sample too big",
			[]string{"import \"math\"", "r := sc.Parallelize([]int{1})\nn := r.Count()\n_ = r.TakeSample(true, math.MaxInt)\n_ = n"},
			"",
			[]string{"Cell In [2], line 3\n", "----> 3 _ = r.TakeSample(true, math.MaxInt)"}},
		{"a type assertion to a slice type of a grouped value",
			[]string{"a := sc.Parallelize([]rdd.Pair{rdd.KV(\"k\", 1)})\nn := a.GroupByKey().Map(func(p rdd.Pair) int { return len(p.Value.([]int)) })\nn.Collect()"},
			"interface conversion: interface {} is []interface {}, not []int",
			[]string{"Cell In [1], line 2, in the function passed to Map, on element"}},
		{"nil map write in the cell",
			[]string{"var mp map[string]int\nmp[\"x\"] = 1"},
			"assignment to entry in nil map",
			[]string{"Cell In [1], line 2\n", `----> 2 mp["x"] = 1`}},
		{"nil pointer on line 4 of the cell",
			[]string{"type node struct{ next *node; v int }\nvar head *node\nn := 1\nn += head.v\n_ = n"},
			"runtime error: invalid memory address or nil pointer dereference",
			[]string{"Cell In [1], line 4\n", "----> 4 n += head.v"}},
		{"nil receiver in a method of an earlier cell",
			[]string{"type Acct struct{ Balance int }\n\nfunc (a *Acct) Withdraw(n int) {\n\ta.Balance -= n\n}",
				"var acct *Acct\nk := 5\nacct.Withdraw(k)"},
			"runtime error: invalid memory address or nil pointer dereference",
			[]string{"Cell In [1], line 4, in Withdraw", "----> 4 \ta.Balance -= n", "called from Cell In [2], line 3", "----> 3 acct.Withdraw(k)"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s := newSession(t)
			var log bytes.Buffer
			s.log = &log
			var got cellResult
			for i, code := range tt.cells {
				got = execute(t, s, code)
				if i < len(tt.cells)-1 && got.err != nil {
					t.Fatalf("cell %d failed: %v", i+1, got.err.Traceback)
				}
			}
			if got.err == nil {
				t.Fatalf("cell succeeded with %q", got.plain)
			}
			if tt.value != "" && got.err.Value != tt.value {
				t.Errorf("ename %q, evalue %q; want %q", got.err.Name, got.err.Value, tt.value)
			}
			plain := stripANSI(strings.Join(got.err.Traceback, "\n")) + "\n"
			for _, w := range tt.want {
				if !strings.Contains(plain, w) {
					t.Errorf("traceback\n%s\ndoes not have %q", plain, w)
				}
			}
		})
	}
}
