package interp

import (
	"strings"
	"testing"
)

// setupWorkerWrites is the state the cases of the worker-write check use.
var setupWorkerWrites = []string{
	`import ("sync"; "sync/atomic"; "strings")`,
	`words := sc.Parallelize(strings.Fields("a b a c b a d e f g h"), 8)`,
	`counts := map[string]int{}`,
	`seen := make([]string, 11)`,
	`total := 0`,
	`var mu sync.Mutex`,
	`type stats struct{ n int }`,
	`st := &stats{}`,
	`global := map[string]bool{}`,
	`func record(w string) { global[w] = true }`,
	`func viaRecord(w string) { record(w) }`,
	`func pure(w string) int { m := map[string]int{}; m[w]++; return m[w] }`,
}

func TestWorkerFunctionsThatWriteOutsideThemselvesAreRefused(t *testing.T) {
	s := newSession(t)
	for _, code := range setupWorkerWrites {
		if got := execute(t, s, code); got.err != nil {
			t.Fatalf("%s: %v", code, got.err)
		}
	}
	refused := []struct {
		name, code string
		want       []string // in the message, besides Accumulator
	}{
		{"map write", `words.Foreach(func(w string) { counts[w]++ })`, []string{"line 1", "Foreach", "counts", "counts[w]++"}},
		{"map write on a later line", "n := 1\nwords.Foreach(func(w string) {\n\tcounts[w] += n\n})", []string{"line 3", "counts"}},
		{"map delete", `words.Foreach(func(w string) { delete(counts, w) })`, []string{"counts", "delete(counts, w)"}},
		{"slice element", `words.MapPartitionsWithIndex(func(i int, ws []string) []string { seen[i] = ws[0]; return ws }).Count()`, []string{"MapPartitionsWithIndex", "seen"}},
		{"captured int", `words.Filter(func(w string) bool { total++; return true }).Count()`, []string{"Filter", "total++"}},
		{"append to a captured slice", `words.ForeachPartition(func(ws []string) { seen = append(seen, ws...) })`, []string{"ForeachPartition", "seen"}},
		{"field of a captured pointer", `words.Foreach(func(w string) { st.n++ })`, []string{"st", "st.n++"}},
		{"variable of this cell", "local := 0\nwords.Map(func(w string) int { local = len(w); return local }).Count()", []string{"line 2", "local"}},
		{"RDD assigned in this cell", "ws := words.Map(strings.ToUpper)\nws.Foreach(func(w string) { counts[w] = 1 })", []string{"line 2", "counts"}},
		{"an action's function", `words.Map(func(w string) int { return len(w) }).Reduce(func(a, b int) int { total = a; return a + b })`, []string{"Reduce", "total"}},
		{"a called cell function writing a global", `words.Foreach(func(w string) { record(w) })`, []string{"calls record", "global"}},
		{"through two cell functions", `words.Foreach(func(w string) { viaRecord(w) })`, []string{"calls viaRecord, which calls record", "global"}},
		{"a cell function passed by name", `words.Foreach(record)`, []string{"record", "global"}},
		{"a function of the same cell", "func mark(w string) { counts[w] = 2 }\nwords.Foreach(func(w string) { mark(w) })", []string{"mark", "counts"}},
		{"range assigning a captured variable", `words.Foreach(func(w string) { for total = range w {} })`, []string{"total"}},
	}
	for _, tt := range refused {
		t.Run("refused/"+tt.name, func(t *testing.T) {
			got := execute(t, s, tt.code)
			if got.err == nil {
				t.Fatalf("cell ran, want it refused")
			}
			text := got.err.Value
			for _, w := range append(tt.want, "sc.Accumulator", "CountByValue", "ReduceByKey", "sync.Mutex") {
				if !strings.Contains(text, w) {
					t.Errorf("error %q does not mention %q", text, w)
				}
			}
		})
	}
	allowed := []struct{ name, code, plain string }{
		{"locals", `words.Map(func(w string) int { n := 0; for range w { n++ }; m := map[string]int{}; m[w]++; return n + m[w] - 1 }).Reduce(func(a, b int) int { return a + b })`, "11"},
		{"parameters", `words.Map(func(w string) string { w = w + "!"; return w }).First()`, "a!"},
		{"a locked write", `words.Foreach(func(w string) { mu.Lock(); defer mu.Unlock(); counts[w]++ })` + "\ncounts[\"a\"]", "3"},
		{"an accumulator", "acc := sc.Accumulator(0)\nwords.Foreach(func(w string) { acc.Add(1) })\nacc.Value()", "11"},
		{"sync/atomic", "var n int64\nwords.Foreach(func(w string) { atomic.AddInt64(&n, 1) })\nn", "11"},
		{"reading captured values", `words.Filter(func(w string) bool { return counts[w] > 1 && total == 0 }).Count()`, "5"},
		{"a cell function writing its own locals", `words.Map(pure).Reduce(func(a, b int) int { return a + b })`, "11"},
		{"writes outside RDD functions", "counts[\"z\"] = 9\nfunc() { total = 1 }()\ntotal", "1"},
	}
	for _, tt := range allowed {
		t.Run("allowed/"+tt.name, func(t *testing.T) {
			got := execute(t, s, tt.code)
			if got.err != nil {
				t.Fatalf("cell refused: %v", got.err)
			}
			if got.plain != tt.plain {
				t.Errorf("value %q, want %q", got.plain, tt.plain)
			}
		})
	}
}

func TestARefusedCellKeepsTheSessionsState(t *testing.T) {
	s := newSession(t)
	for _, code := range []string{
		`words := sc.Parallelize([]string{"a", "b", "a"}, 8)`,
		`counts := map[string]int{"kept": 1}`,
		`n := 41`,
	} {
		if got := execute(t, s, code); got.err != nil {
			t.Fatalf("%s: %v", code, got.err)
		}
	}
	// The first statement of the refused cell does not run either.
	got := execute(t, s, "n++\nwords.Foreach(func(w string) { counts[w]++ })")
	if got.err == nil || got.err.Name != "CompileError" {
		t.Fatalf("cell not refused: %+v", got)
	}
	if got := execute(t, s, `fmt.Sprint(n+1, counts)`); got.err != nil || got.plain != "42 map[kept:1]" {
		t.Errorf("after the refused cell: %+v", got)
	}
	if got := execute(t, s, `words.CountByValue()["a"]`); got.err != nil || got.plain != "2" {
		t.Errorf("the Spark way: %+v", got)
	}
}
