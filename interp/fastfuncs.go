package interp

import (
	"go/ast"
	"go/token"
	"reflect"
	"strings"

	"github.com/gosparkling/gosparkling/rdd"
)

// Fast functions. An interpreted closure costs a microsecond or more per
// call from compiled code, and the natural notebook pipeline
//
//	FlatMap(func(line string) []string { return strings.Fields(line) }).
//	Map(func(w string) rdd.Pair { return rdd.KV(w, 1) }).
//	ReduceByKey(func(a, b int) int { return a + b })
//
// calls its closures tens of millions of times. Function literals of a
// few such shapes, passed to a method of an RDD or of a Context, are
// handed to a compiled helper along with the literal itself; at run time
// the helper returns a compiled function doing exactly what the literal
// does when the literal's type is one it has a compiled function for, and
// the literal otherwise. The shapes, where a and b are the literal's
// parameters:
//
//	func(a, b T) T { return a + b }            (also *; T a number or string)
//	func(a T) rdd.Pair { return rdd.KV(a, C) } (C a literal constant)
//	func(a T) R { return pkg.F(a) }            (pkg a compiled package, F of the same type)
//	func(a T) R { return pkg.F(pkg2.G(a)) }    (strings to strings, or to []string)
//	func(p rdd.Pair) T { return p.Key }        (also p.Value, p.Value.(int), ...)
//
// The RDD methods' function parameters are all of type any, so the
// helper's result fits where the literal stood.

// fastHelpers are the compiled helpers, bound in the session package.
var fastHelpers = map[string]reflect.Value{
	"FastBinary":    reflect.ValueOf(fastBinary),
	"FastPairWith":  reflect.ValueOf(fastPairWith),
	"FastEta":       reflect.ValueOf(fastEta),
	"FastCompose":   reflect.ValueOf(fastCompose),
	"FastPairField": reflect.ValueOf(fastPairField),
}

// fastBinary returns a compiled a op b for the literal's type, or lit.
func fastBinary(lit any, op string) any {
	switch op {
	case "+":
		switch lit.(type) {
		case func(int, int) int:
			return func(a, b int) int { return a + b }
		case func(int64, int64) int64:
			return func(a, b int64) int64 { return a + b }
		case func(float64, float64) float64:
			return func(a, b float64) float64 { return a + b }
		case func(string, string) string:
			return func(a, b string) string { return a + b }
		}
	case "*":
		switch lit.(type) {
		case func(int, int) int:
			return func(a, b int) int { return a * b }
		case func(int64, int64) int64:
			return func(a, b int64) int64 { return a * b }
		case func(float64, float64) float64:
			return func(a, b float64) float64 { return a * b }
		}
	}
	return lit
}

// fastPairWith returns a compiled func(a T) rdd.Pair { return rdd.KV(a, v) }
// for the literal's type, or lit.
func fastPairWith(lit any, v any) any {
	switch lit.(type) {
	case func(string) rdd.Pair:
		return func(a string) rdd.Pair { return rdd.KV(a, v) }
	case func(int) rdd.Pair:
		return func(a int) rdd.Pair { return rdd.KV(a, v) }
	case func(int64) rdd.Pair:
		return func(a int64) rdd.Pair { return rdd.KV(a, v) }
	case func(float64) rdd.Pair:
		return func(a float64) rdd.Pair { return rdd.KV(a, v) }
	case func(any) rdd.Pair:
		return func(a any) rdd.Pair { return rdd.KV(a, v) }
	}
	return lit
}

// fastEta returns f, a compiled function, when the literal (which calls f
// with its parameters and returns its result) has f's very type, or lit.
func fastEta(lit, f any) any {
	if ft := reflect.TypeOf(f); ft != nil && ft.Kind() == reflect.Func && ft == reflect.TypeOf(lit) {
		return f
	}
	return lit
}

// fastCompose returns a compiled func(a) { return f(g(a)) } for the types
// it knows, or lit.
func fastCompose(lit, f, g any) any {
	gs, ok := g.(func(string) string)
	if !ok {
		return lit
	}
	switch lit.(type) {
	case func(string) []string:
		if fs, ok := f.(func(string) []string); ok {
			return func(a string) []string { return fs(gs(a)) }
		}
	case func(string) string:
		if fs, ok := f.(func(string) string); ok {
			return func(a string) string { return fs(gs(a)) }
		}
	}
	return lit
}

// fastPairField returns a compiled func(p rdd.Pair) T { return p.Key } (or
// p.Value, asserted to T unless T is any) for the literal's type, or lit.
func fastPairField(lit any, field string) any {
	get := func(p rdd.Pair) any { return p.Key }
	if field == "Value" {
		get = func(p rdd.Pair) any { return p.Value }
	}
	switch lit.(type) {
	case func(rdd.Pair) any:
		return get
	case func(rdd.Pair) int:
		return func(p rdd.Pair) int { return get(p).(int) }
	case func(rdd.Pair) int64:
		return func(p rdd.Pair) int64 { return get(p).(int64) }
	case func(rdd.Pair) float64:
		return func(p rdd.Pair) float64 { return get(p).(float64) }
	case func(rdd.Pair) string:
		return func(p rdd.Pair) string { return get(p).(string) }
	}
	return lit
}

// fastRewriter finds the function literals of a chunk that the fast
// helpers may replace.
type fastRewriter struct {
	isPackage func(name string) bool // a compiled package of the session, not shadowed
	isRDDVar  func(name string) bool // a global holding an *rdd.RDD or *rdd.Context
	locals    map[string]bool        // variables of the cell assigned an RDD chain
	assigned  map[string]bool        // variables the cell assigns, RDD chains or not
}

// rewrite returns src with the literals wrapped in their helpers.
func (r *fastRewriter) rewrite(c chunk) string {
	// A chunk without literals is still read for the RDDs it assigns,
	// which the next chunks of the cell may use.
	if c.kind == importChunk || !strings.Contains(c.src, "=") && !strings.Contains(c.src, "func(") {
		return c.src
	}
	fset, f, prefix, err := parseChunk(c, 0)
	if err != nil {
		return c.src
	}
	var edits []textEdit
	offset := func(p token.Pos) int { return fset.Position(p).Offset - prefix }
	r.inspectRDDCalls(f, c, func(call *ast.CallExpr, _ string) bool {
		for _, arg := range call.Args {
			lit, ok := arg.(*ast.FuncLit)
			if !ok {
				continue
			}
			if open, close, ok := r.helperFor(lit, c.src, offset); ok {
				edits = append(edits, textEdit{offset(lit.Pos()), open}, textEdit{offset(lit.End()), close})
			}
		}
		return true
	})
	if len(edits) == 0 {
		return c.src
	}
	return applyEdits(c.src, edits)
}

// inspectRDDCalls walks the statements of chunk c, parsed as f, noting the
// RDDs they assign, and calls visit with each call of an RDD method and
// the method's name, until visit returns false. Only the cell's own
// statements are looked at: inside a function, parameters and locals may
// shadow the names of RDDs.
func (r *fastRewriter) inspectRDDCalls(f *ast.File, c chunk, visit func(call *ast.CallExpr, method string) bool) {
	done := false
	ast.Inspect(f, func(n ast.Node) bool {
		if done {
			return false
		}
		switch n := n.(type) {
		case *ast.FuncDecl:
			return n.Name.Name == "_" && c.kind == stmtChunk
		case *ast.FuncLit:
			return false
		case *ast.AssignStmt, *ast.ValueSpec:
			r.noteAssignment(n)
		case *ast.CallExpr:
			if sel, ok := n.Fun.(*ast.SelectorExpr); ok && r.rddChain(sel.X) && !visit(n, sel.Sel.Name) {
				done = true
				return false
			}
		}
		return true
	})
}

// noteAssignment records which names an assignment or a var spec of the
// cell's statements leaves holding an RDD chain.
func (r *fastRewriter) noteAssignment(n ast.Node) {
	switch n := n.(type) {
	case *ast.AssignStmt:
		for i, lhs := range n.Lhs {
			id, ok := lhs.(*ast.Ident)
			if !ok {
				continue
			}
			// A name assigned anything but an RDD chain no longer is one.
			r.locals[id.Name] = len(n.Lhs) == len(n.Rhs) && r.rddChain(n.Rhs[i])
			r.assigned[id.Name] = true
		}
	case *ast.ValueSpec:
		for _, id := range n.Names {
			r.locals[id.Name], r.assigned[id.Name] = false, true
		}
	}
}

// rddChain reports whether e is an RDD or Context: a chain of method
// calls and selections rooted at sc, at a global RDD, or at a variable
// this cell assigned such a chain.
func (r *fastRewriter) rddChain(e ast.Expr) bool {
	for {
		switch x := e.(type) {
		case *ast.CallExpr:
			e = x.Fun
		case *ast.SelectorExpr:
			e = x.X
		case *ast.ParenExpr:
			e = x.X
		case *ast.Ident:
			if r.assigned[x.Name] {
				return r.locals[x.Name]
			}
			return r.isRDDVar(x.Name)
		default:
			return false
		}
	}
}

// helperFor returns the text that wraps lit in its helper, if lit has
// one of the shapes.
func (r *fastRewriter) helperFor(lit *ast.FuncLit, src string, offset func(token.Pos) int) (open, close string, ok bool) {
	var params []string
	for _, field := range lit.Type.Params.List {
		for _, name := range field.Names {
			params = append(params, name.Name)
		}
	}
	results := lit.Type.Results
	if results == nil || len(results.List) != 1 || len(results.List[0].Names) > 0 || len(lit.Body.List) != 1 {
		return "", "", false
	}
	ret, isReturn := lit.Body.List[0].(*ast.ReturnStmt)
	if !isReturn || len(ret.Results) != 1 {
		return "", "", false
	}
	text := func(e ast.Expr) string { return src[offset(e.Pos()):offset(e.End())] }
	isParam := func(e ast.Expr, i int) bool {
		id, ok := e.(*ast.Ident)
		return ok && i < len(params) && id.Name == params[i]
	}
	const pkg = "_gosparklingSession."
	switch e := ret.Results[0].(type) {
	case *ast.BinaryExpr:
		if len(params) == 2 && (e.Op == token.ADD || e.Op == token.MUL) && isParam(e.X, 0) && isParam(e.Y, 1) {
			return pkg + "FastBinary(", ", \"" + e.Op.String() + "\")", true
		}
	case *ast.CallExpr:
		if e.Ellipsis.IsValid() || len(e.Args) == 0 {
			return "", "", false
		}
		if r.isFunc(e.Fun, "rdd", "KV") && len(params) == 1 && len(e.Args) == 2 && isParam(e.Args[0], 0) {
			if c, ok := e.Args[1].(*ast.BasicLit); ok {
				return pkg + "FastPairWith(", ", " + c.Value + ")", true
			}
			return "", "", false
		}
		if !r.isPackageFunc(e.Fun) {
			return "", "", false
		}
		if len(e.Args) == len(params) {
			all := true
			for i, a := range e.Args {
				all = all && isParam(a, i)
			}
			if all {
				return pkg + "FastEta(", ", " + text(e.Fun) + ")", true
			}
		}
		if inner, ok := e.Args[0].(*ast.CallExpr); ok && len(e.Args) == 1 && len(params) == 1 &&
			r.isPackageFunc(inner.Fun) && len(inner.Args) == 1 && isParam(inner.Args[0], 0) && !inner.Ellipsis.IsValid() {
			return pkg + "FastCompose(", ", " + text(e.Fun) + ", " + text(inner.Fun) + ")", true
		}
	case *ast.SelectorExpr:
		if field, ok := pairField(e, params); ok {
			return pkg + "FastPairField(", ", \"" + field + "\")", true
		}
	case *ast.TypeAssertExpr:
		if sel, ok := e.X.(*ast.SelectorExpr); ok {
			if field, ok := pairField(sel, params); ok && text(e.Type) == text(results.List[0].Type) {
				return pkg + "FastPairField(", ", \"" + field + "\")", true
			}
		}
	}
	return "", "", false
}

// pairField reports which field of its one parameter e selects.
func pairField(e *ast.SelectorExpr, params []string) (string, bool) {
	id, ok := e.X.(*ast.Ident)
	if !ok || len(params) != 1 || id.Name != params[0] || (e.Sel.Name != "Key" && e.Sel.Name != "Value") {
		return "", false
	}
	return e.Sel.Name, true
}

// isPackageFunc reports whether e is pkg.Name of a compiled package.
func (r *fastRewriter) isPackageFunc(e ast.Expr) bool {
	sel, ok := e.(*ast.SelectorExpr)
	if !ok {
		return false
	}
	id, ok := sel.X.(*ast.Ident)
	return ok && r.isPackage(id.Name)
}

// isFunc reports whether e is pkg.name.
func (r *fastRewriter) isFunc(e ast.Expr, pkg, name string) bool {
	sel, ok := e.(*ast.SelectorExpr)
	if !ok || sel.Sel.Name != name {
		return false
	}
	id, ok := sel.X.(*ast.Ident)
	return ok && id.Name == pkg && r.isPackage(pkg)
}
