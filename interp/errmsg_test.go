package interp

import (
	"strings"
	"testing"
)

func TestCompileErrorsReadLikeGo(t *testing.T) {
	s := newSession(t)
	for _, setup := range []string{
		"import (\n\t\"slices\"\n\t\"strconv\"\n)\nnums := []int{1}",
		// yaegi places an error of sc's selector on the line where a cell
		// first used sc: here line 1, as in the cells below.
		"r := sc.Parallelize([]int{1, 2, 3}, 2)",
		"func add(a, b int) int { return a + b }",
		"type City struct{ Name string }\nfunc (c City) Rename(name string) City { return City{name} }",
		"double := func(n int) int { return 2 * n }\nhome := City{\"Oslo\"}",
	} {
		if got := execute(t, s, setup); got.err != nil {
			t.Fatal(got.err)
		}
	}
	tests := []struct{ name, code, want string }{
		{"compiled result returned as another type", "func label() int {\n\treturn strconv.Itoa(3)\n}",
			"line 2: cannot use strconv.Itoa(3) (value of type string) as int value in return statement"},
		{"constant returned as another type", "func word() int { return \"s\" }",
			`line 1: cannot use "s" (untyped string constant) as int value in return statement`},
		{"slice assigned to another slice type", "var names []string = []int{1}",
			"line 1: cannot use []int{1} (value of type []int) as []string value in variable declaration"},
		{"variable of another type", "var q float64 = 1\nvar r int = q",
			"line 2: cannot use q (value of type float64) as int value in variable declaration"},
		{"func of another type", "var fn func(int) string = func(a int) int { return a }",
			"line 1: cannot use func(a int) int { return a } (value of type func(int) int) as func(int) string value in variable declaration"},
		{"method of a compiled type", "n := sc.Nope()",
			"line 1: sc.Nope undefined (type *rdd.Context has no field or method Nope)"},
		{"method of a slice", "nums.Len()", "line 1: nums.Len undefined (type []int has no field or method Len)"},
		{"package without the function", "strconv.Nope(1)", "line 1: undefined: strconv.Nope"},
		{"standard package newer than the interpreter", "import \"iter\"",
			"line 1: package iter is not available in cells: the interpreter's standard library (yaegi v0.16.1, Go 1.22) lacks it; a %%compile cell can import it"},
		{"use of an unknown package", "yaml.Marshal(1)",
			"line 1: undefined: yaml (no variable or package of that name: import its package first"},
		{"generic result of unknown type", "func three() int { return 3 }\nlow := min(three(), 2)",
			"the interpreter cannot tell the type of a generic function's result at the top level of a cell"},
		{"func value as two", "a, b := strconv.Atoi", "line 1: assignment mismatch"},
		{"generic result in an expression", "y := slices.Max(nums) + \"a\"", `line 1: invalid operation: slices.Max(nums) + "a" (mismatched types int and untyped string)`},
		{"sort of a struct", "type thing struct{ Name string }\nslices.Sort([]thing{})",
			"line 2: thing does not satisfy cmp.Ordered (thing missing in ~int | ~int8 | ~int16 | ~int32 | ~int64 | ~uint | ~uint8 | ~uint16 | ~uint32 | ~uint64 | ~uintptr | ~float32 | ~float64 | ~string)"},
		{"max of a struct among other lines", "cities := []City{{\"Oslo\"}}\nfmt.Println(len(cities))\nbest := slices.Max(cities)",
			"line 3: City does not satisfy cmp.Ordered (City missing in ~int"},
		{"argument to a method that takes none", "r.Count(5)", "line 1: too many arguments in call to r.Count\n\thave (number)\n\twant ()"},
		{"too few arguments to a method", "first := r.Take()", "line 1: not enough arguments in call to r.Take\n\thave ()\n\twant (int)"},
		{"too few arguments to a cell's func", "n := add(1)", "line 1: not enough arguments in call to add\n\thave (number)\n\twant (int, int)"},
		{"too many arguments to a cell's func", "add(1, 2, 3)", "line 1: too many arguments in call to add\n\thave (number, number, number)\n\twant (int, int)"},
		{"too many arguments to a compiled func", "s := strconv.Itoa(1, 2)", "line 1: too many arguments in call to strconv.Itoa\n\thave (number, number)\n\twant (int)"},
		{"too many arguments to a func variable", "double(1, 2)", "line 1: too many arguments in call to double\n\thave (number, number)\n\twant (int)"},
		{"too few arguments to a cell type's method", "home.Rename()", "line 1: not enough arguments in call to home.Rename"},
		{"too many arguments to a cell type's method", "home.Rename(\"a\", \"b\")", "line 1: too many arguments in call to home.Rename"},
		{"folded max truncated in a declaration", "var k int = max(1, 2.5)",
			"line 1: cannot use max(1, 2.5) (untyped float constant 2.5) as int value in variable declaration (truncated)"},
		{"folded max truncated in an assignment", "k := 3\nk = max(1, 2.5)",
			"line 2: cannot use max(1, 2.5) (untyped float constant 2.5) as int value in assignment (truncated)"},
		{"float constant truncated", "var k int = 2.5", "line 1: cannot use 2.5 (untyped float constant) as int value in variable declaration (truncated)"},
		{"constant overflows", "var b int8 = 300", "line 1: cannot use 300 (untyped int constant) as int8 value in variable declaration (overflows)"},
		{"string argument to a cell's func", "add(1, \"x\")", `line 1: cannot use "x" (untyped string constant) as int value in argument to add`},
		{"string argument to a method", "r.Take(\"a\")", `line 1: cannot use "a" (untyped string constant) as int value in argument to r.Take`},
		{"string in a declaration", "var q int = \"s\"", `line 1: cannot use "s" (untyped string constant) as int value in variable declaration`},
		{"string appended to ints", "nums = append(nums, \"3\")", `line 1: cannot use "3" (untyped string constant) as int value in argument to append`},
		{"string in a slice literal", "ys := []int{1, \"a\"}", `line 1: cannot use "a" (untyped string constant) as int value in array or slice literal`},
		{"string in a map literal", "m := map[string]int{\"a\": \"b\"}", `line 1: cannot use "b" (untyped string constant) as int value in map literal`},
		{"string declared in a func body", "func g() { var x int = \"s\"; _ = x }", `line 1: cannot use "s" (untyped string constant) as int value in variable declaration`},
		{"string argument on the call's next line", "total := add(1,\n\t\"q\")", `line 2: cannot use "q" (untyped string constant) as int value in argument to add`},
		{"string converted to int", "x := int(\"s\")", `line 1: cannot convert "s" (untyped string constant) to type int`},
		{"float argument truncated", "add(1.5, 2)", "line 1: cannot use 1.5 (untyped float constant) as int value in argument to add (truncated)"},
		{"string assigned to an int", "var z int\nz = \"s\"", `line 2: cannot use "s" (untyped string constant) as int value in assignment`},
		{"string returned as an int", "func label() int {\n\treturn \"s\"\n}", `line 2: cannot use "s" (untyped string constant) as int value in return statement`},
		{"generic call with an argument of the wrong type", "slices.Sort(3)", "the interpreter failed to compile this cell, often the sign of a call whose arguments have the wrong types"},
		{"mismatched operands", "sum := len(nums) + \"a\"", `line 1: invalid operation: len(nums) + "a" (mismatched types int and untyped string)`},
		{"too many return values", "func two() int {\n\treturn 1, 2\n}", "line 2: too many return values"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := execute(t, s, tt.code)
			if got.err == nil {
				t.Fatalf("cell succeeded with %q", got.plain)
			}
			if got.err.Name != "CompileError" {
				t.Errorf("error name %q, want CompileError", got.err.Name)
			}
			if !strings.HasPrefix(got.err.Value, tt.want) {
				t.Errorf("error\n%q\nwant it to start with\n%q", got.err.Value, tt.want)
			}
			for _, yaegiWord := range []string{"valueT", "intT", "stringT", "GOPATH", "main."} {
				if strings.Contains(got.err.Value, yaegiWord) {
					t.Errorf("error %q speaks of yaegi's %q", got.err.Value, yaegiWord)
				}
			}
		})
	}
}

// TestYaegiMessagesAreTranslated lists the yaegi v0.16.1 messages the
// session rewrites (its cfgErrorf formats, found by grepping its source)
// and what each becomes.
func TestYaegiMessagesAreTranslated(t *testing.T) {
	s := newSession(t)
	s.globals["count"] = true
	if got := execute(t, s, "count := 3"); got.err != nil {
		t.Fatal(got.err)
	}
	tests := []struct {
		yaegi     string
		cell      string
		line, col int
		want      string
	}{
		{"cannot use x (type stringT) as type intT in return argument", "", 0, 0,
			"cannot use x (value of type string) as int value in return statement"},
		{"cannot use  (type valueT) as type float64T in return argument", "func f() float64 {\n\treturn count\n}", 2, 9,
			"cannot use count (value of type int) as float64 value in return statement"},
		{"cannot use  (type sliceT) as type mapT in return argument", "", 0, 0,
			"cannot use a value of type slice as map value in return statement"},
		{"cannot use type []int as type []string in assignment", "", 0, 0,
			"cannot use a value of type []int as []string value in assignment"},
		{"cannot use type main.point as type int", "", 0, 0, "cannot use a value of type point as int value"},
		{`import "example.com/x" error: unable to find source related to: "example.com/x". Either the GOPATH environment variable, or the Interpreter.Options.GoPath needs to be set`, "", 0, 0,
			"package example.com/x " + notInCells},
		{"undefined selector: strings.Nope", "", 0, 0, "undefined: strings.Nope"},
		{`package strings "strings" has no symbol Nope`, "", 0, 0, "undefined: strings.Nope"},
		{"undefined selector Nope", "x := count.Nope()", 1, 0, "count.Nope undefined (type int has no field or method Nope)"},
		{"undefined method: Cont", "pages.Cont()", 1, 0, "pages.Cont undefined (no field or method Cont)"},
		{"undefined selector Nope", "x := 1\nn := count.Nope()", 3, 6, "count.Nope undefined (type int has no field or method Nope)"},
		{"the interpreter cannot compile this cell: nil reflect type", "", 0, 0,
			"the interpreter cannot tell the type of a generic function's result at the top level of a cell"},
		{"variable definition loop", "", 0, 0, "the interpreter cannot initialize this declaration"},
		{"unsupported assign expression", "", 0, 0, "assignment mismatch"},
		{"use of builtin len not in function call", "", 0, 0, "len (built-in function) must be called"},
		{"invalid operation: mismatched types intT and stringT", "", 0, 0, "invalid operation: mismatched types int and string"},
		{"invalid operation: mismatched types int and string", "x := 1\ntotal := count + \"s\"", 2, 10, "invalid operation: count + \"s\" (mismatched types int and string)"},
		{"non-bool used as if condition", "", 0, 0, "non-boolean condition in if statement"},
		{"too many arguments to return", "", 0, 0, "too many return values"},
		{"not enough arguments to return", "", 0, 0, "not enough return values"},
		{"type not found: main.thing", "", 0, 0, "undefined: thing"},
		{"undefined type for x", "", 0, 0, "undefined: x"},
		{"missing support for type complex64", "", 0, 0, "the interpreter (yaegi v0.16.1) does not support complex64"},
		{"invalid operation: mismatched types valueT and intT", "", 0, 0, "invalid operation: mismatched types compiled type and int"},
		{"cannot convert untyped int to main.P", "", 0, 0, "cannot convert untyped int to P"},
		{"undefined: x", "", 0, 0, "undefined: x"},
		{"untyped float does not implement main._cmpOrdered", "", 0, 0, "untyped float does not satisfy cmp.Ordered"},
		{"5/2 truncated to int", "", 0, 0, "cannot use 2.5 (untyped float constant) as int value (truncated)"},
		{"300 overflows int8", "", 0, 0, "cannot use 300 (untyped int constant) as int8 value (overflows)"},
		{`cannot convert "x" to int`, "", 0, 0, `cannot use "x" (untyped string constant) as int value`},
		{"constant 5/2 overflows int64", "", 0, 0, "constant 2.5 overflows int64"},
		{"constant -1/3 overflows int64", "", 0, 0, "constant -0.333333 overflows int64"},
	}
	for _, tt := range tests {
		s.cellSource = tt.cell
		if got := s.translateCompileError(tt.yaegi, tt.line, tt.col, startedCall+tt.cell); !strings.HasPrefix(got, tt.want) {
			t.Errorf("%q\nbecomes %q\nwant    %q", tt.yaegi, got, tt.want)
		}
	}
}

// TestUseOfAValue lists how the session tells, from a cell's source, the
// use Go's compiler names for a value (marked «) it cannot use.
func TestUseOfAValue(t *testing.T) {
	tests := []struct{ src, want string }{
		{`add(1, «"x")`, "argument to add"},
		{`r.Take(«"a")`, "argument to r.Take"},
		{`xs = append(xs, «"3")`, "argument to append"},
		{`total := add(1,` + "\n\t" + `«"q")`, "argument to add"},
		{`var q int = «"s"`, "variable declaration"},
		{`func g() { var x int = «"s"; _ = x }`, "variable declaration"},
		{`z = «"s"`, "assignment"},
		{"func f() int {\n\tx := 1\n\treturn «\"s\"\n}", "return statement"},
		{`ys := []int{1, «"a"}`, "array or slice literal"},
		{`m := map[string]int{"a": «"b"}`, "map literal"},
		{`p := point{«"a"}`, ""},
		{`x := ys[«"a"]`, ""},
	}
	for _, tt := range tests {
		at := strings.Index(tt.src, "«")
		src := strings.Replace(tt.src, "«", "", 1)
		if got := useOf(src, at); got != tt.want {
			t.Errorf("%q: use %q, want %q", tt.src, got, tt.want)
		}
	}
}
