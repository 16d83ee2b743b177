package interp

import (
	"fmt"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/gosparkling/gosparkling/rdd"
)

// writeCorpus writes lines of words of a few initials to a file in dir and
// returns its path.
func writeCorpus(t *testing.T, dir string, lines int) string {
	t.Helper()
	var b strings.Builder
	for i := range lines {
		for j := range 8 {
			fmt.Fprintf(&b, "%c%dw ", 'a'+(i*7+j)%26, (i*31+j)%1000)
		}
		b.WriteString("\n")
	}
	path := filepath.Join(dir, "corpus.txt")
	if err := os.WriteFile(path, []byte(b.String()), 0o644); err != nil {
		t.Fatal(err)
	}
	return path
}

// byInitialChain is the chain of the cells below: words counted by their
// initial, through a GroupByKey and a SortByKey.
const byInitialChain = `sc.TextFile(%q).
	FlatMap(func(line string) []string { return strings.Fields(strings.ToLower(line)) }).
	KeyBy(func(w string) string { return w[:1] }).
	GroupByKey().
	MapValues(func(ws []any) int { return len(ws) }).
	SortByKey(true)`

// shuffleCounter counts the shuffle stages a Context's jobs ran.
type shuffleCounter struct {
	mu     sync.Mutex
	stages map[string]bool
}

func (c *shuffleCounter) report(p rdd.StageProgress) {
	if !strings.HasSuffix(p.Stage, "(shuffle write)") {
		return
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.stages == nil {
		c.stages = map[string]bool{}
	}
	c.stages[fmt.Sprintf("%d %s", p.JobID, p.Stage)] = true
}

func (c *shuffleCounter) count() int {
	c.mu.Lock()
	defer c.mu.Unlock()
	return len(c.stages)
}

// spillFilesUnder counts the files in the spill directories under dir.
func spillFilesUnder(t *testing.T, dir string) int {
	t.Helper()
	files, err := filepath.Glob(filepath.Join(dir, "gosparkling-spill-*", "*"))
	if err != nil {
		t.Fatal(err)
	}
	return len(files)
}

func TestCellsReleaseTheShufflesOfTheirTemporaries(t *testing.T) {
	tmp := t.TempDir()
	t.Setenv("TMPDIR", tmp)
	corpus := writeCorpus(t, t.TempDir(), 4000)
	chain := fmt.Sprintf(byInitialChain, corpus)
	// What the cells compute, with the chain in a function: no temporary
	// of it outlives the cell.
	want := fmt.Sprintf("func() []any { return %s.Collect() }()", chain)
	tests := []struct {
		name    string
		cell    string
		result  string // the expression whose value must match want's
		wantErr bool
	}{
		{"a chain at the top level, its result in a variable",
			"byInitial := " + chain + ".Collect()", "byInitial", false},
		{"a chain assigned in a loop",
			"var byLoop []any\nfor i := 0; i < 2; i++ { byLoop = " + chain + ".Collect() }", "byLoop", false},
		{"a cell that panics after its job",
			"byPanic := " + chain + ".Collect()\nif len(byPanic) > 0 { panic(\"after the job\") }", "byPanic", true},
	}
	// The shuffles spill everything: their files show what is kept.
	s, err := NewSession(WithRDDOptions(rdd.WithShuffleMemory(0)))
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	execute(t, s, `import "strings"`)
	// A variable larger than the walk looks through stops nothing.
	if r := execute(t, s, fmt.Sprintf("big := make([]any, %d)", 2*maxLiveWalk)); r.err != nil {
		t.Fatal(r.err)
	}
	wanted := execute(t, s, want)
	if wanted.err != nil || wanted.plain == "" {
		t.Fatalf("the reference cell: %v %q", wanted.err, wanted.plain)
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s.keepShuffles = true
			if r := execute(t, s, tt.cell); (r.err != nil) != tt.wantErr {
				t.Fatalf("cell error %v, want one: %v", r.err, tt.wantErr)
			}
			s.keepShuffles = false
			if spillFilesUnder(t, tmp) == 0 {
				t.Fatalf("the cell's shuffles wrote no spill files: the test shows nothing")
			}
			if r := execute(t, s, tt.cell); (r.err != nil) != tt.wantErr {
				t.Fatalf("cell error %v, want one: %v", r.err, tt.wantErr)
			}
			if n := spillFilesUnder(t, tmp); n != 0 {
				t.Errorf("%d spill files remain after the cell", n)
			}
			if got := execute(t, s, tt.result); got.plain != wanted.plain {
				t.Errorf("the cell computed\n%s\nwant\n%s", got.plain, wanted.plain)
			}
		})
	}
}

func TestNothingIsReleasedWhileGoroutinesOfCellsRun(t *testing.T) {
	tmp := t.TempDir()
	t.Setenv("TMPDIR", tmp)
	corpus := writeCorpus(t, t.TempDir(), 1000)
	s, err := NewSession(WithRDDOptions(rdd.WithShuffleMemory(0)))
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	execute(t, s, `import "strings"`)
	// The goroutine reads no global: yaegi's frame of globals grows as
	// later cells run, which a goroutine reading one races with.
	cell := "stop := make(chan bool)\ngo func(stop chan bool) { <-stop }(stop)\nn := " + fmt.Sprintf(byInitialChain, corpus) + ".Count()"
	if r := execute(t, s, cell); r.err != nil {
		t.Fatal(r.err)
	}
	if spillFilesUnder(t, tmp) == 0 {
		t.Fatal("the shuffles were released while a goroutine of the cell ran")
	}
	if r := execute(t, s, "close(stop)"); r.err != nil {
		t.Fatal(r.err)
	}
	// Once the goroutine has ended, the cell after releases them.
	for i := 0; spillFilesUnder(t, tmp) > 0; i++ {
		if i == 100 {
			t.Fatal("the shuffles were not released once the goroutine ended")
		}
		time.Sleep(20 * time.Millisecond)
		execute(t, s, "n")
	}
}

func TestACellsReleaseGivesItsMemoryBack(t *testing.T) {
	corpus := writeCorpus(t, t.TempDir(), 40000)
	s := newSession(t)
	defer s.Close()
	execute(t, s, `import "strings"`)
	execute(t, s, `import "fmt"`)
	base := liveHeap()
	s.keepShuffles = true
	cell := "byInitial := " + fmt.Sprintf(byInitialChain, corpus) + ".Collect()\nfmt.Sprintf(\"%d initials\", len(byInitial))"
	r := execute(t, s, cell)
	if r.err != nil || r.plain != "26 initials" {
		t.Fatalf("cell: %v %q", r.err, r.plain)
	}
	s.keepShuffles = false
	held := liveHeap()
	s.releaseShuffles()
	after := liveHeap()
	t.Logf("live heap over the base: %d KB after the cell, %d KB after the release", (held-base)>>10, (after-base)>>10)
	if held-base < 4<<20 {
		t.Fatalf("the cell kept only %d KB: the test shows nothing", (held-base)>>10)
	}
	if after-base >= (held-base)/2 {
		t.Errorf("the release gave back less than half of the %d KB the cell kept: %d KB remain", (held-base)>>10, (after-base)>>10)
	}
}

func TestVariablesKeepTheirShuffles(t *testing.T) {
	corpus := writeCorpus(t, t.TempDir(), 2000)
	counts := fmt.Sprintf(`sc.TextFile(%q).
	FlatMap(func(line string) []string { return strings.Fields(line) }).
	Map(func(w string) rdd.Pair { return rdd.KV(w, 1) }).
	ReduceByKey(func(a, b int) int { return a + b })`, corpus)
	tests := []struct {
		name string
		hold string // a cell keeping the RDD counts in a variable
		use  string // an expression of the RDD through it
	}{
		{"a variable", "v := " + counts, "v"},
		{"a slice", "sl := []*rdd.RDD{nil, " + counts + "}", "sl[1]"},
		{"an array", "ar := [2]*rdd.RDD{" + counts + "}", "ar[0]"},
		{"a map", "mp := map[string]*rdd.RDD{\"words\": " + counts + "}", `mp["words"]`},
		{"an interface", "var ifc any\nifc = " + counts, "ifc.(*rdd.RDD)"},
		{"a struct", "type holder struct { name string; r *rdd.RDD }\nst := holder{\"words\", " + counts + "}", "st.r"},
		{"a pointer to a struct", "type pholder struct { r *rdd.RDD }\npt := &pholder{" + counts + "}", "pt.r"},
		{"a Pair in a []any", "pairs := []any{rdd.KV(\"words\", " + counts + ")}", "pairs[0].(rdd.Pair).Value.(*rdd.RDD)"},
	}
	var shuffles shuffleCounter
	s, err := NewSession(WithRDDOptions(rdd.WithProgress(shuffles.report)))
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	execute(t, s, `import "strings"`)
	// A variable larger than the walk looks through hides no other.
	if r := execute(t, s, fmt.Sprintf("big := make([]any, %d)", 2*maxLiveWalk)); r.err != nil {
		t.Fatal(r.err)
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if r := execute(t, s, tt.hold); r.err != nil {
				t.Fatalf("holding cell: %v", r.err)
			}
			first := execute(t, s, tt.use+".Count()")
			if first.err != nil {
				t.Fatalf("first count: %v", first.err)
			}
			// Another cell's temporaries are released meanwhile.
			if r := execute(t, s, "other := "+counts+".Count()\nother"); r.err != nil || r.plain != first.plain {
				t.Fatalf("a temporary's count: %v %q, want %q", r.err, r.plain, first.plain)
			}
			ran := shuffles.count()
			again := execute(t, s, tt.use+".Count()")
			if again.err != nil || again.plain != first.plain {
				t.Fatalf("second count: %v %q, want %q", again.err, again.plain, first.plain)
			}
			if n := shuffles.count() - ran; n != 0 {
				t.Errorf("the second count ran %d shuffle stages: the variable's shuffle was not kept", n)
			}
		})
	}
}

func TestLiveWalkFindsRDDs(t *testing.T) {
	sc := rdd.NewContext()
	a, b := sc.Parallelize([]int{1}), sc.Parallelize([]int{2})
	type node struct {
		Next *node
		R    *rdd.RDD
	}
	type plain struct {
		N    int
		Next *plain
	}
	loop := &node{R: b}
	loop.Next = loop
	// outer reaches an RDD through inner, whose type refers back to
	// outer's: asked first, inner's type must still be known to hold RDDs.
	type outer struct {
		Inner *struct{ Back *outer }
		R     *rdd.RDD
	}
	in := &struct{ Back *outer }{Back: &outer{R: a}}
	in.Back.Inner = in
	tests := []struct {
		name  string
		value any
		want  []*rdd.RDD
	}{
		{"nil", nil, nil},
		{"an RDD", a, []*rdd.RDD{a}},
		{"no RDD can be in it", []string{"x"}, nil},
		{"a cycle of pointers", loop, []*rdd.RDD{b}},
		{"a recursive type without RDDs", &plain{N: 1, Next: &plain{}}, nil},
		{"types referring to each other", in, []*rdd.RDD{a}},
		{"a map's keys and values", map[any]any{a: 1, 2: b}, []*rdd.RDD{a, b}},
		{"the Context", sc, nil},
		{"exported fields", struct{ R *rdd.RDD }{a}, []*rdd.RDD{a}},
		{"unexported fields, a compiled package's state", struct{ r *rdd.RDD }{a}, nil},
		{"a func", func() *rdd.RDD { return a }, nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			w := newLiveWalk(1000)
			if !w.value(reflect.ValueOf(tt.value)) {
				t.Fatal("over budget")
			}
			want := map[*rdd.RDD]bool{}
			for _, r := range tt.want {
				want[r] = true
			}
			if !reflect.DeepEqual(w.found, want) {
				t.Errorf("found %v, want %v", w.found, want)
			}
		})
	}
	if newLiveWalk(10).value(reflect.ValueOf(make([]any, 100))) {
		t.Error("a walk over its budget reported success")
	}
}
