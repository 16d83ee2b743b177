package interp

import (
	"fmt"
	"reflect"
	"strings"
	"testing"

	"github.com/traefik/yaegi/interp"

	"github.com/gosparkling/gosparkling/internal/engine"
	"github.com/gosparkling/gosparkling/internal/rddtest"
	"github.com/gosparkling/gosparkling/rdd"
)

// shippedFunc runs cells, then ships the function at argument arg of the
// transformation that made the RDD in the global "r", as a Runner would,
// and compiles it as a worker would.
func shippedFunc(t *testing.T, cells []string, arg int) (any, *engine.FuncProgram, error) {
	t.Helper()
	s := newSession(t)
	defer s.Close()
	for _, cell := range cells {
		if res := execute(t, s, cell); res.err != nil {
			t.Fatalf("cell %q: %v", cell, res.err)
		}
	}
	r, ok := s.globalValues()["r"].Interface().(*rdd.RDD)
	if !ok {
		t.Fatal("the cells made no RDD r")
	}
	step := r.Step()
	srcs := rdds.Sources(step)
	if arg >= len(srcs) || srcs[arg] == nil {
		t.Fatalf("%s has no source for argument %d: %v", step.Method, arg, srcs)
	}
	prog, err := srcs[arg].Program()
	if err != nil {
		return nil, nil, err
	}
	fn, err := CompileFunc(prog)
	if err != nil {
		t.Fatalf("compiling %+v: %v", prog, err)
	}
	return fn, prog, nil
}

func TestShippedFunctionsRunAsInTheNotebook(t *testing.T) {
	tests := []struct {
		name  string
		cells []string
		arg   int
		in    []any
		want  any
	}{
		{"a literal capturing a variable",
			[]string{"n := 3\nr := sc.Parallelize([]int{1, 2}).Map(func(x int) int { return x * n })"},
			0, []any{2}, 6},
		{"a declared function using a package",
			[]string{"import \"strings\"\nfunc tokenize(s string) []string { return strings.Fields(strings.ToLower(s)) }",
				"r := sc.Parallelize([]string{\"A b\"}).FlatMap(tokenize)"},
			0, []any{"A b"}, []string{"a", "b"}},
		{"a declared function using a global map",
			[]string{"var stop = map[string]bool{\"the\": true}\nfunc keep(w string) bool { return !stop[w] }",
				"r := sc.Parallelize([]string{\"the\"}).Filter(keep)"},
			0, []any{"the"}, false},
		{"a function value set to a literal",
			[]string{"n := 3\ntimes := func(x int) int { return x * n }", "r := sc.Parallelize([]int{1, 2}).Map(times)"},
			0, []any{2}, 6},
		{"a function value set again",
			[]string{"double := func(x int) int { return 2 * x }", "double = func(x int) int { return 3 * x }", "r := sc.Parallelize([]int{1}).Map(double)"},
			0, []any{2}, 6},
		{"a literal calling a function value",
			[]string{"var suffix = \"!\"\nvar shout = func(s string) string { return strings.ToUpper(s) + suffix }",
				"r := sc.Parallelize([]string{\"a\"}).Map(func(s string) string { return shout(s) })"},
			0, []any{"a"}, "A!"},
		{"a fast function",
			[]string{"r := sc.Parallelize([]rdd.Pair{rdd.KV(\"a\", 1)}).ReduceByKey(func(a, b int) int { return a + b })"},
			0, []any{2, 3}, 5},
		{"a broadcast",
			[]string{"b := sc.Broadcast(map[string]int{\"x\": 7})\nr := sc.Parallelize([]string{\"x\"}).Map(func(s string) int { return b.Value().(map[string]int)[s] })"},
			0, []any{"x"}, 7},
		{"a struct type of a cell",
			[]string{"type Doc struct { URL string; Words int }",
				"min := 2\nr := sc.Parallelize([]string{\"u\"}).Map(func(u string) Doc { return Doc{URL: u, Words: min} })"},
			0, []any{"u"}, "{u 2}"},
		{"a loop variable",
			[]string{"var rs []*rdd.RDD\nfor _, k := range []int{10, 20} { rs = append(rs, sc.Parallelize([]int{1}).Map(func(x int) int { return x + k })) }\nr := rs[0]"},
			0, []any{1}, 21},
		{"the second function of AggregateByKey",
			[]string{"r := sc.Parallelize([]rdd.Pair{}).AggregateByKey(0, func(a int, v string) int { return a + len(v) }, func(a, b int) int { return a * b })"},
			2, []any{4, 5}, 20},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			fn, prog, err := shippedFunc(t, tt.cells, tt.arg)
			if err != nil {
				t.Fatal(err)
			}
			in := make([]reflect.Value, len(tt.in))
			for i, x := range tt.in {
				in[i] = reflect.ValueOf(x)
			}
			out := reflect.ValueOf(fn).Call(in)[0].Interface()
			if want, ok := tt.want.(string); ok && reflect.TypeOf(out).Kind() == reflect.Struct {
				if got := fmt.Sprint(out); got != want {
					t.Errorf("got %v, want %v; program %+v", got, want, prog)
				}
				return
			}
			if !reflect.DeepEqual(out, tt.want) {
				t.Errorf("got %#v, want %#v; program %+v", out, tt.want, prog)
			}
		})
	}
}

func TestUnshippableFunctionsAreRefusedByName(t *testing.T) {
	tests := []struct {
		name  string
		cells []string
		want  string
	}{
		{"a file", []string{"f, _ := os.Open(\"/dev/null\")\nr := sc.Parallelize([]int{1}).Filter(func(x int) bool { return f != nil })"},
			"it captures f, a *os.File (field file of os.File is not exported)"},
		{"a channel", []string{"ch := make(chan int)\nr := sc.Parallelize([]int{1}).Map(func(x int) int { ch <- x; return x })"},
			"it captures ch, a chan int (chan int is a chan)"},
		{"an RDD", []string{"other := sc.Parallelize([]int{1})\nr := sc.Parallelize([]int{1}).Map(func(x int) int64 { return other.Count() })"},
			"it captures other, an RDD"},
		{"sc", []string{"r := sc.Parallelize([]int{1}).Map(func(x int) int { return sc.DefaultParallelism() })"},
			"it uses sc, the notebook's Context"},
		{"a function variable set by a call", []string{"func makeDouble() func(int) int { return func(x int) int { return 2 * x } }",
			"double := makeDouble()\nr := sc.Parallelize([]int{1}).Map(double)"},
			"the function is the variable double"},
		{"a function value set twice in a cell", []string{"double := func(x int) int { return 2 * x }\ndouble = func(x int) int { return 3 * x }", "r := sc.Parallelize([]int{1}).Map(double)"},
			"the function is the variable double"},
		{"a function variable set in a block", []string{"double := func(x int) int { return 2 * x }\nif len(os.Args) >= 0 {\n\tdouble = func(x int) int { return 3 * x }\n}\nr := sc.Parallelize([]int{1}).Map(double)"},
			"the function is the variable double"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, _, err := shippedFunc(t, tt.cells, 0)
			if err == nil || !strings.Contains(err.Error(), tt.want) || !strings.Contains(err.Error(), "cannot ship the function passed to") {
				t.Fatalf("error = %v, want one saying %q", err, tt.want)
			}
		})
	}
}

func TestWorkersKeepPanicFramesOutOfTheirOutput(t *testing.T) {
	tests := []struct {
		write string
		kept  bool
	}{
		{"1:60: panic: main.func(...)\n", false},
		{"12:3: panic\n", true},
		{"worker says 1:2: panic: no\n", true},
		{"hello\n", true},
	}
	for _, tt := range tests {
		var out strings.Builder
		n, err := withoutPanicFrames{&out}.Write([]byte(tt.write))
		if err != nil || n != len(tt.write) {
			t.Errorf("Write(%q) = %d, %v", tt.write, n, err)
		}
		if kept := out.String() == tt.write; kept != tt.kept {
			t.Errorf("Write(%q) kept it: %v, want %v", tt.write, kept, tt.kept)
		}
	}
}

func TestActionFunctionsTravelWithTheirSource(t *testing.T) {
	tests := []struct {
		cell string
		want string
		ran  string
	}{
		{"nums.Reduce(func(a, b int) int { return a + b })", "15", "ReduceByKey"},
		{"nums.Map(func(x int) int { return x * 2 }).TreeReduce(func(a, b int) int { return a + b })", "30", "ReduceByKey"},
		{"nums.Fold(0, func(a, b int) int { if b > a && b < limit { return b }; return a })", "4", "FoldByKey"},
		{"nums.Aggregate(0, func(acc, x int) int { return acc + x }, add)", "15", "AggregateByKey"},
		{"nums.Reduce(add)", "15", "ReduceByKey"},
		{"nums.Top(2, func(x int) int { return x % limit })", "   value\n0      4\n1      3\n2 rows × 1 column", "CombineByKey"},
		{"nums.Max(func(x int) int { return -x })", "1", "CombineByKey"},
		// A function that cannot travel runs here on the elements.
		{"nums.Reduce(func(a, b int) int { logFile.Name(); return a + b })", "15", "Parallelize"},
	}
	s := newSession(t)
	defer s.Close()
	engine := &rddtest.InProcessRunner{}
	if err := s.yaegi.Use(interp.Exports{"enginetest/enginetest": {"Engine": reflect.ValueOf(engine)}}); err != nil {
		t.Fatal(err)
	}
	for _, cell := range []string{`import "enginetest"`, `import "os"`,
		`func add(a, b int) int { return a + b }`,
		"sc = sc.WithRunner(enginetest.Engine)\nnums := sc.Parallelize([]int{1, 2, 3, 4, 5}, 2)\nlimit := 5\nlogFile := os.Stdout"} {
		if res := execute(t, s, cell); res.err != nil {
			t.Fatalf("cell %q: %v", cell, res.err)
		}
	}
	for _, tt := range tests {
		engine.Reset()
		res := execute(t, s, tt.cell)
		if res.err != nil || res.plain != tt.want {
			t.Errorf("%s = %q, %v; want %s", tt.cell, res.plain, res.err, tt.want)
		}
		if len(engine.Ran()) != 1 || engine.Ran()[0] != tt.ran {
			t.Errorf("%s: the engine ran %v, want %s", tt.cell, engine.Ran(), tt.ran)
		}
	}
}

func TestAReassignmentLaterInTheCellKeepsEarlierCallsShipped(t *testing.T) {
	s := newSession(t)
	defer s.Close()
	engine := &rddtest.InProcessRunner{}
	if err := s.yaegi.Use(interp.Exports{"enginetest/enginetest": {"Engine": reflect.ValueOf(engine)}}); err != nil {
		t.Fatal(err)
	}
	execute(t, s, `import "enginetest"`)
	execute(t, s, `sc = sc.WithRunner(enginetest.Engine)`)
	res := execute(t, s, "nums := sc.Parallelize([]int{1, 2, 3}, 2)\nbest := nums.Top(1, func(x int) int { return -x })\nnums = nil\nbest")
	if res.err != nil || len(engine.Ran()) != 1 || engine.Ran()[0] != "CombineByKey" {
		t.Errorf("Top before nums = nil: %v, %q; the engine ran %v, want CombineByKey", res.err, res.plain, engine.Ran())
	}
}

// A function value set at a cell's top level ships with the statements
// of the same cell after it, as it does with later cells.
func TestFunctionValueOfTheSameCellShips(t *testing.T) {
	fn, prog, err := shippedFunc(t, []string{"double := func(x int) int { return 2 * x }\nr := sc.Parallelize([]int{1}).Map(double)"}, 0)
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(strings.Join(prog.Decls, "\n"), "func double(x int) int") {
		t.Errorf("the program does not declare double: %+v", prog)
	}
	if got := fn.(func(int) int)(21); got != 42 {
		t.Errorf("the shipped double(21) = %d", got)
	}
}
