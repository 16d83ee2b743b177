package interp

import (
	"strings"
	"testing"
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
