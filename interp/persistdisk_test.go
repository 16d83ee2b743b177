package interp

import (
	"path/filepath"
	"runtime"
	"strings"
	"testing"
	"time"
)

// Values of the cells' own types leave memory (Persist(DiskOnly)) and come back as themselves: an interpreted struct with an unexported field
// comes back with it (the interpreter makes such fields exported ones, Xname, which the
// element encoding carries), never with it zeroed. (A compiled type's unexported field is
// refused instead; rdd's tests cover that.)
func TestCellTypesPersistOnDiskFaithfullyOrNotAtAll(t *testing.T) {
	s := newSession(t)
	defer s.Close()
	cells := []struct {
		code  string
		plain string // want, the cell's value
		err   string // or a word of its error
	}{
		{code: "import \"reflect\""},
		{code: "type rec struct {\n\tName string\n\tN    int\n}\ntype secretRec struct {\n\tName   string\n\tsecret int\n}"},
		{code: "r := sc.Parallelize([]rec{{\"a\", 1}, {\"b\", 2}}).Persist(rdd.DiskOnly)\nr.Count()", plain: "2"},
		{code: "got := r.Collect()\nfmt.Sprintf(\"%v %v\", got, reflect.TypeOf(got[1]) == reflect.TypeOf(rec{}))", plain: "[{a 1} {b 2}] true"},
		{code: "h := sc.Parallelize([]secretRec{{\"a\", 1}}).Persist(rdd.DiskOnly)\nh.Count()", plain: "1"},
		{code: "kept := h.Collect()\nfmt.Sprint(kept, reflect.TypeOf(kept[0]) == reflect.TypeOf(secretRec{}))", plain: "[{a 1}] true"},
	}
	for i, c := range cells {
		res := execute(t, s, c.code)
		if c.err != "" {
			if res.err == nil || !strings.Contains(res.err.Error(), c.err) {
				t.Fatalf("cell %d: error %v, want one naming %q (value %q)", i, res.err, c.err, res.plain)
			}
			continue
		}
		if res.err != nil {
			t.Fatalf("cell %d: %v", i, res.err)
		}
		if res.plain != c.plain {
			t.Errorf("cell %d shows %q, want %q", i, res.plain, c.plain)
		}
	}
}

// A notebook that assigns sc a new Context drops the old one: its spill directory goes once
// no RDD of a cell uses it (when the garbage collector finds it unused), not when the
// kernel ends. (A value a cell defined with := at its top level stays referenced by the
// interpreter after the variable is reassigned, so the test declares r with var.)
func TestAReplacedContextGivesItsSpillDirectoryBack(t *testing.T) {
	tmp := t.TempDir()
	t.Setenv("TMPDIR", tmp)
	s := newSession(t)
	defer s.Close()
	spillDirs := func() []string {
		m, err := filepath.Glob(filepath.Join(tmp, "gosparkling-spill-*"))
		if err != nil {
			t.Fatal(err)
		}
		return m
	}
	steps := []struct {
		code string
		dirs int // spill directories once the garbage collector has run
	}{
		{"var r *rdd.RDD", 0},
		{"r = sc.Parallelize([]int{1, 2, 3}).Persist(rdd.DiskOnly)\nr.Count()", 1},
		{"sc = rdd.NewContext()\nsc.Parallelize([]int{4}).Persist(rdd.DiskOnly).Count()", 2}, // r still uses the old one
		{"r.Collect()", 2},
		{"r = nil", 1},
	}
	for _, st := range steps {
		if res := execute(t, s, st.code); res.err != nil {
			t.Fatalf("%q: %v", st.code, res.err)
		}
		deadline := time.Now().Add(5 * time.Second)
		for len(spillDirs()) != st.dirs && time.Now().Before(deadline) {
			runtime.GC()
			time.Sleep(10 * time.Millisecond)
		}
		if got := spillDirs(); len(got) != st.dirs {
			t.Fatalf("after %q: spill directories %v, want %d", st.code, got, st.dirs)
		}
	}
	s.Close()
	if got := spillDirs(); len(got) != 0 {
		t.Errorf("after Close: spill directories %v", got)
	}
}
