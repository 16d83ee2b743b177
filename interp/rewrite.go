package interp

import (
	"bytes"
	"go/ast"
	"go/format"
	"go/parser"
	"go/token"
	"reflect"
	"sort"
	"strings"
)

// yaegi v0.16 lacks some Go syntax. Cells are rewritten, on the syntax
// tree, into equivalent code it runs:
//   - `for i := range n` over an integer becomes a counting loop;
//   - a top-level `v, ok := x.(T)` becomes declarations and an assignment,
//     and a top-level if or switch whose init does such an assertion runs
//     in a function literal;
//   - `go f(args)` evaluates f and args, then runs the call in a goroutine
//     that recovers a panic and reports it to the cell instead of letting
//     it kill the kernel.
// min, max and clear are defined by the session's preamble.

// goStartFunc registers a goroutine a cell starts and returns its token;
// goDoneFunc, deferred in the goroutine, reports its end and the panic it
// recovered, if any.
const (
	goStartFunc   = "_gosparklingSession.GoStart"
	goDoneFunc    = "_gosparklingSession.GoDone"
	goFunc        = "_gosparklingSession.Go"
	goEnteredFunc = "_gosparklingSession.GoEntered"
)

// newRewriter returns a rewriter for the chunks of one cell. intVar
// reports whether a global variable holds an integer, for `range v`.
func newRewriter(intVar func(name string) bool) *rewriter {
	return &rewriter{intVar: intVar, localInts: map[string]bool{}}
}

// rewriteChunk returns the chunk's source rewritten for yaegi, and whether
// anything changed. Integer variables the cell defines are remembered for
// its later chunks.
func (r *rewriter) rewriteChunk(c chunk) (string, bool) {
	if c.kind == importChunk {
		return c.src, false
	}
	c.src = replaceStdin(c)
	if !needsRewrite(c.src) {
		r.noteInts(c.src)
		return c.src, false
	}
	fset, f, _, err := parseChunk(c, parser.ParseComments)
	if err != nil {
		return c.src, false
	}
	r.changed = false
	for _, d := range f.Decls {
		if fd, ok := d.(*ast.FuncDecl); ok && fd.Body != nil {
			r.topLevel = c.kind == stmtChunk && fd.Name.Name == "_"
			fd.Body.List = r.stmts(fd.Body.List, r.topLevel)
		}
	}
	ast.Inspect(f, func(n ast.Node) bool {
		if lit, ok := n.(*ast.FuncLit); ok {
			lit.Body.List = r.stmts(lit.Body.List, false)
		}
		return true
	})
	if !r.changed {
		return c.src, false
	}
	var buf bytes.Buffer
	if c.kind == stmtChunk {
		body := f.Decls[0].(*ast.FuncDecl).Body
		for i, st := range body.List {
			if i > 0 {
				buf.WriteString("\n")
			}
			if err := format.Node(&buf, fset, st); err != nil {
				return c.src, false
			}
		}
	} else {
		for i, d := range f.Decls {
			if i > 0 {
				buf.WriteString("\n")
			}
			if err := format.Node(&buf, fset, d); err != nil {
				return c.src, false
			}
		}
	}
	return buf.String(), true
}

// parseChunk parses a declaration or statement chunk as a file, the
// statements as the body of a func _, and returns the length of what
// precedes the chunk's source in that file, so that offsets map back.
func parseChunk(c chunk, mode parser.Mode) (fset *token.FileSet, f *ast.File, prefix int, err error) {
	head, tail := "package main\n", ""
	if c.kind == stmtChunk {
		head, tail = "package main\nfunc _() {\n", "\n}"
	}
	fset = token.NewFileSet()
	f, err = parser.ParseFile(fset, "cell", head+c.src+tail, mode)
	return fset, f, len(head), err
}

// textEdit inserts text at a byte offset of a chunk's source.
type textEdit struct {
	at   int
	text string
}

// applyEdits returns src with the edits inserted; edits at one offset go
// in the order given.
func applyEdits(src string, edits []textEdit) string {
	sort.SliceStable(edits, func(i, j int) bool { return edits[i].at < edits[j].at })
	for i := len(edits) - 1; i >= 0; i-- {
		src = src[:edits[i].at] + edits[i].text + src[edits[i].at:]
	}
	return src
}

// stdinVar is the session's standard input, an io.Reader that asks the
// frontend for a line when read.
const stdinVar = "_gosparklingSession.Stdin"

// replaceStdin replaces the cell's uses of os.Stdin with stdinVar: yaegi
// keeps os.Stdin the process's file, which a kernel does not read, since
// the session's input is no file. Code that needs the *os.File (Stat, Fd)
// then fails to compile, saying so.
func replaceStdin(c chunk) string {
	if !strings.Contains(c.src, "os.Stdin") {
		return c.src
	}
	fset, f, prefix, err := parseChunk(c, 0)
	if err != nil {
		return c.src
	}
	var at []int // offsets in c.src of each os.Stdin
	ast.Inspect(f, func(n ast.Node) bool {
		if sel, ok := n.(*ast.SelectorExpr); ok && sel.Sel.Name == "Stdin" {
			if id, ok := sel.X.(*ast.Ident); ok && id.Name == "os" && id.Obj == nil {
				at = append(at, fset.Position(sel.Pos()).Offset-prefix)
			}
		}
		return true
	})
	src := c.src
	for i := len(at) - 1; i >= 0; i-- {
		src = src[:at[i]] + stdinVar + src[at[i]+len("os.Stdin"):]
	}
	return src
}

// needsRewrite is a cheap test on the text, so that most cells are never
// parsed twice.
func needsRewrite(src string) bool {
	return strings.Contains(src, "range") || strings.Contains(src, ".(") || strings.Contains(src, "go ")
}

type rewriter struct {
	intVar    func(string) bool
	localInts map[string]bool // integer variables defined earlier in the cell
	topLevel  bool
	changed   bool
	counter   int
}

// noteInts remembers the integer variables a chunk without anything to
// rewrite defines (`n := 10`, `var n int`).
func (r *rewriter) noteInts(src string) {
	if !strings.Contains(src, ":=") && !strings.HasPrefix(src, "var") {
		return
	}
	f, err := parser.ParseFile(token.NewFileSet(), "cell", "package main\nfunc _() {\n"+src+"\n}", 0)
	if err != nil {
		return
	}
	for _, st := range f.Decls[0].(*ast.FuncDecl).Body.List {
		r.noteStmtInts(st)
	}
}

func (r *rewriter) noteStmtInts(st ast.Stmt) {
	switch s := st.(type) {
	case *ast.AssignStmt:
		if s.Tok == token.DEFINE && len(s.Lhs) == len(s.Rhs) {
			for i, lhs := range s.Lhs {
				if id, ok := lhs.(*ast.Ident); ok && r.isInteger(s.Rhs[i]) {
					r.localInts[id.Name] = true
				}
			}
		}
	case *ast.DeclStmt:
		if gd, ok := s.Decl.(*ast.GenDecl); ok && gd.Tok == token.VAR {
			for _, spec := range gd.Specs {
				vs := spec.(*ast.ValueSpec)
				isInt := vs.Type != nil && r.isInteger(&ast.CallExpr{Fun: vs.Type})
				for i, id := range vs.Names {
					if isInt || vs.Type == nil && i < len(vs.Values) && r.isInteger(vs.Values[i]) {
						r.localInts[id.Name] = true
					}
				}
			}
		}
	}
}

func (r *rewriter) tmp(name string) string {
	r.counter++
	return "_gs" + name + strings.Repeat("_", r.counter)
}

// stmts rewrites a statement list, recursing into nested blocks.
func (r *rewriter) stmts(list []ast.Stmt, top bool) []ast.Stmt {
	var out []ast.Stmt
	for _, st := range list {
		out = append(out, r.stmt(st, top)...)
	}
	return out
}

func (r *rewriter) block(b *ast.BlockStmt) {
	if b != nil {
		b.List = r.stmts(b.List, false)
	}
}

func (r *rewriter) stmt(st ast.Stmt, top bool) []ast.Stmt {
	if top {
		r.noteStmtInts(st)
	}
	switch s := st.(type) {
	case *ast.RangeStmt:
		r.block(s.Body)
		if loop := r.rangeOverInt(s, nil); loop != nil {
			return []ast.Stmt{loop}
		}
	case *ast.LabeledStmt:
		if rs, ok := s.Stmt.(*ast.RangeStmt); ok {
			r.block(rs.Body)
			if loop := r.rangeOverInt(rs, s.Label); loop != nil {
				return []ast.Stmt{loop}
			}
			return []ast.Stmt{s}
		}
		s.Stmt = r.stmt(s.Stmt, false)[0]
	case *ast.ForStmt:
		r.block(s.Body)
	case *ast.IfStmt:
		r.block(s.Body)
		if s.Else != nil {
			s.Else = r.stmt(s.Else, false)[0]
		}
		if top && isCommaOkAssert(s.Init) {
			return []ast.Stmt{r.inFuncLit(s)}
		}
	case *ast.SwitchStmt:
		r.caseBodies(s.Body)
		if top && isCommaOkAssert(s.Init) {
			return []ast.Stmt{r.inFuncLit(s)}
		}
	case *ast.TypeSwitchStmt:
		r.caseBodies(s.Body)
	case *ast.SelectStmt:
		r.caseBodies(s.Body)
	case *ast.BlockStmt:
		r.block(s)
	case *ast.AssignStmt:
		if top && isCommaOkAssert(s) {
			return r.splitCommaOk(s)
		}
	case *ast.GoStmt:
		return []ast.Stmt{r.recoveringGo(s)}
	}
	return []ast.Stmt{st}
}

func (r *rewriter) caseBodies(b *ast.BlockStmt) {
	for _, c := range b.List {
		switch cc := c.(type) {
		case *ast.CaseClause:
			cc.Body = r.stmts(cc.Body, false)
		case *ast.CommClause:
			cc.Body = r.stmts(cc.Body, false)
		}
	}
}

// rangeOverInt turns `for i := range n` into
// `{ _gsN := n; for i := _gsN - _gsN; i < _gsN; i++ { ... } }` when n is
// an integer, keeping n's type and evaluating it once.
func (r *rewriter) rangeOverInt(s *ast.RangeStmt, label *ast.Ident) ast.Stmt {
	if s.Value != nil || !r.isInteger(s.X) {
		return nil
	}
	r.changed = true
	n := ast.NewIdent(r.tmp("N"))
	key := ast.NewIdent(r.tmp("I"))
	tok := token.DEFINE
	if id, ok := s.Key.(*ast.Ident); ok && id.Name != "_" {
		key, tok = id, s.Tok
	}
	if tok == 0 || tok == token.ILLEGAL {
		tok = token.DEFINE
	}
	loop := &ast.ForStmt{
		Init: &ast.AssignStmt{Lhs: []ast.Expr{key}, Tok: tok,
			Rhs: []ast.Expr{&ast.BinaryExpr{X: n, Op: token.SUB, Y: n}}},
		Cond: &ast.BinaryExpr{X: key, Op: token.LSS, Y: n},
		Post: &ast.IncDecStmt{X: key, Tok: token.INC},
		Body: s.Body,
	}
	var inner ast.Stmt = loop
	if label != nil {
		inner = &ast.LabeledStmt{Label: label, Stmt: loop}
	}
	return &ast.BlockStmt{List: []ast.Stmt{
		&ast.AssignStmt{Lhs: []ast.Expr{n}, Tok: token.DEFINE, Rhs: []ast.Expr{s.X}},
		inner,
	}}
}

// isInteger reports whether e is surely an integer: a literal, an integer
// conversion, len or cap, arithmetic on integers, or a global variable
// holding one.
func (r *rewriter) isInteger(e ast.Expr) bool {
	switch x := e.(type) {
	case *ast.BasicLit:
		return x.Kind == token.INT
	case *ast.ParenExpr:
		return r.isInteger(x.X)
	case *ast.CallExpr:
		if id, ok := x.Fun.(*ast.Ident); ok {
			switch id.Name {
			case "len", "cap", "int", "int8", "int16", "int32", "int64", "uint", "uint8", "uint16", "uint32", "uint64", "uintptr":
				return true
			}
		}
	case *ast.BinaryExpr:
		switch x.Op {
		case token.ADD, token.SUB, token.MUL, token.QUO, token.REM, token.SHL, token.SHR, token.AND, token.OR, token.XOR:
			return r.isInteger(x.X) || r.isInteger(x.Y)
		}
	case *ast.UnaryExpr:
		return x.Op == token.SUB && r.isInteger(x.X)
	case *ast.Ident:
		return r.localInts[x.Name] || r.intVar != nil && r.intVar(x.Name)
	}
	return false
}

// isCommaOkAssert reports whether st is `v, ok := x.(T)`.
func isCommaOkAssert(st ast.Stmt) bool {
	as, ok := st.(*ast.AssignStmt)
	if !ok || as.Tok != token.DEFINE || len(as.Lhs) != 2 || len(as.Rhs) != 1 {
		return false
	}
	ta, ok := as.Rhs[0].(*ast.TypeAssertExpr)
	return ok && ta.Type != nil
}

// splitCommaOk turns `v, ok := x.(T)` into `var v T; var ok bool;
// v, ok = x.(T)`.
func (r *rewriter) splitCommaOk(s *ast.AssignStmt) []ast.Stmt {
	r.changed = true
	ta := s.Rhs[0].(*ast.TypeAssertExpr)
	var out []ast.Stmt
	for i, typ := range []ast.Expr{ta.Type, ast.NewIdent("bool")} {
		if id, ok := s.Lhs[i].(*ast.Ident); ok && id.Name != "_" {
			out = append(out, &ast.DeclStmt{Decl: &ast.GenDecl{Tok: token.VAR, Specs: []ast.Spec{
				&ast.ValueSpec{Names: []*ast.Ident{ast.NewIdent(id.Name)}, Type: typ}}}})
		}
	}
	return append(out, &ast.AssignStmt{Lhs: s.Lhs, Tok: token.ASSIGN, Rhs: s.Rhs})
}

// inFuncLit runs st inside `func() { st }()`.
func (r *rewriter) inFuncLit(st ast.Stmt) ast.Stmt {
	r.changed = true
	return &ast.ExprStmt{X: &ast.CallExpr{Fun: &ast.FuncLit{
		Type: &ast.FuncType{Params: &ast.FieldList{}},
		Body: &ast.BlockStmt{List: []ast.Stmt{st}},
	}}}
}

// recoveringGo turns `go f(a, b)` into
//
//	{ _gsF, _gsA, _gsB := f, a, b  (for go func(x, y T) {...}(g()): _gsA, _gsB := g())
//	  _gsT := GoStart()
//	  go func(g int) { defer func() { GoDone(g, recover()) }(); _gsF(_gsA, _gsB) }(_gsT) }
//
// keeping Go's order: f and its arguments are evaluated by the go
// statement, the call runs in the goroutine. GoStart and GoDone let the
// session know which goroutines of a cell still run, and report a panic
// instead of letting it kill the kernel.
func (r *rewriter) recoveringGo(s *ast.GoStmt) ast.Stmt {
	r.changed = true
	call := s.Call
	var lhs, rhs []ast.Expr
	fun := call.Fun
	if id, ok := fun.(*ast.Ident); !ok || !predeclared[id.Name] {
		if _, isLit := fun.(*ast.FuncLit); !isLit {
			tmp := ast.NewIdent(r.tmp("F"))
			lhs, rhs = append(lhs, tmp), append(rhs, fun)
			fun = tmp
		}
	}
	args := make([]ast.Expr, len(call.Args))
	// A lone call argument g() may have several values: their number is
	// known when f is a literal (its parameters), and then g() is called
	// here as Go calls it; otherwise it is left in the call, and runs on
	// the goroutine.
	singleCall := len(call.Args) == 1 && isCall(call.Args[0])
	var pre []ast.Stmt // statements before the go statement
	lit, isLit := call.Fun.(*ast.FuncLit)
	if n := 0; isLit && singleCall && !call.Ellipsis.IsValid() && !variadic(lit.Type) {
		if n = lit.Type.Params.NumFields(); n > 0 {
			// var _gsA T1; var _gsB T2; _gsA, _gsB = g(): yaegi v0.16.1 loses
			// variables that a, b := g() defines in a block from closures.
			args = args[:0]
			for _, field := range lit.Type.Params.List {
				names := max(len(field.Names), 1)
				for range names {
					tmp := ast.NewIdent(r.tmp("A"))
					args = append(args, tmp)
					pre = append(pre, &ast.DeclStmt{Decl: &ast.GenDecl{Tok: token.VAR,
						Specs: []ast.Spec{&ast.ValueSpec{Names: []*ast.Ident{tmp}, Type: field.Type}}}})
				}
			}
			pre = append(pre, &ast.AssignStmt{Lhs: args, Tok: token.ASSIGN, Rhs: []ast.Expr{call.Args[0]}})
			singleCall = false
		}
	}
	for i, a := range call.Args {
		if len(pre) > 0 {
			break
		}
		if singleCall || isConstant(a) {
			args[i] = a
			continue
		}
		tmp := ast.NewIdent(r.tmp("A"))
		lhs, rhs = append(lhs, tmp), append(rhs, a)
		args[i] = tmp
	}
	id, isIdent := fun.(*ast.Ident)
	if builtin := isIdent && predeclared[id.Name]; !call.Ellipsis.IsValid() && !builtin && !(singleCall && len(call.Args) == 1) {
		return r.compiledGo(fun, args, lhs, rhs, pre)
	}
	cellVar := r.tmp("G")
	done := &ast.DeferStmt{Call: &ast.CallExpr{Fun: &ast.FuncLit{
		Type: &ast.FuncType{Params: &ast.FieldList{}},
		Body: &ast.BlockStmt{List: []ast.Stmt{&ast.ExprStmt{X: &ast.CallExpr{
			Fun:  parseExpr(goDoneFunc),
			Args: []ast.Expr{ast.NewIdent(cellVar), &ast.CallExpr{Fun: ast.NewIdent("recover")}},
		}}}},
	}}}
	body := &ast.BlockStmt{List: []ast.Stmt{done,
		&ast.ExprStmt{X: &ast.CallExpr{Fun: fun, Args: args, Ellipsis: call.Ellipsis}}}}
	params := &ast.FieldList{List: []*ast.Field{{Names: []*ast.Ident{ast.NewIdent(cellVar)}, Type: ast.NewIdent("int")}}}
	// GoStart is called before the go statement, not as its argument:
	// yaegi v0.16.1 sometimes starts a goroutine whose argument is a
	// call of a compiled function with a nil function ("reflect.Value.Call:
	// call of nil function" on the new goroutine, which kills the process:
	// 5 times in 8 runs of 500 cells that start 20 goroutines each).
	startToken := ast.NewIdent(r.tmp("T"))
	start := &ast.AssignStmt{Lhs: []ast.Expr{startToken}, Tok: token.DEFINE,
		Rhs: []ast.Expr{&ast.CallExpr{Fun: parseExpr(goStartFunc)}}}
	goStmt := &ast.GoStmt{Call: &ast.CallExpr{
		Fun:  &ast.FuncLit{Type: &ast.FuncType{Params: params}, Body: body},
		Args: []ast.Expr{ast.NewIdent(startToken.Name)},
	}}
	var stmts []ast.Stmt
	if len(lhs) > 0 {
		stmts = append(stmts, &ast.AssignStmt{Lhs: lhs, Tok: token.DEFINE, Rhs: rhs})
	}
	stmts = append(append(stmts, pre...), start, goStmt)
	return &ast.BlockStmt{List: stmts}
}

// compiledGo returns the statements that evaluate the go statement's
// function and arguments into the temporaries lhs (rhs, then pre) and
// start the call on a goroutine of compiled code:
//
//	_gosparklingSession.Go(func(_gsE int, x T) { GoEntered(_gsE); ... }, a)  (for a literal)
//	{ _gsF, _gsA := f, a
//	  if false { _gsF(_gsA) }
//	  _gosparklingSession.Go(func(_gsE int) { f, a := _gsF, _gsA; GoEntered(_gsE); f(a) }) }
//
// `if false` has the interpreter check the call's types. Go returns once
// the function has entered (GoEntered), so that yaegi has made its frame
// before the cell goes on: yaegi reads, making a frame, what it writes
// when it starts a program (the cell's next one, say its last
// expression). A go statement of yaegi v0.16.1 that calls a function
// literal now and then starts a goroutine that calls a nil function
// ("reflect.Value.Call: call of nil function", which kills the process:
// 5 times in 10 runs of 500 cells starting 20 goroutines each); one
// started by compiled code, as RDD jobs start theirs, does not.
func (r *rewriter) compiledGo(fun ast.Expr, args, lhs, rhs []ast.Expr, pre []ast.Stmt) ast.Stmt {
	entry := ast.NewIdent(r.tmp("E"))
	entered := &ast.ExprStmt{X: &ast.CallExpr{Fun: parseExpr(goEnteredFunc), Args: []ast.Expr{ast.NewIdent(entry.Name)}}}
	entryParam := &ast.Field{Names: []*ast.Ident{entry}, Type: ast.NewIdent("int")}
	if lit, isLit := fun.(*ast.FuncLit); isLit {
		lit.Type.Params.List = append([]*ast.Field{entryParam}, lit.Type.Params.List...)
		lit.Body.List = append([]ast.Stmt{entered}, lit.Body.List...)
		start := &ast.ExprStmt{X: &ast.CallExpr{Fun: parseExpr(goFunc), Args: append([]ast.Expr{lit}, args...)}}
		if len(lhs) == 0 && len(pre) == 0 {
			return start
		}
		var stmts []ast.Stmt
		if len(lhs) > 0 {
			stmts = append(stmts, &ast.AssignStmt{Lhs: lhs, Tok: token.DEFINE, Rhs: rhs})
		}
		return &ast.BlockStmt{List: append(append(stmts, pre...), start)}
	}
	var stmts []ast.Stmt
	if len(lhs) > 0 {
		stmts = append(stmts, &ast.AssignStmt{Lhs: lhs, Tok: token.DEFINE, Rhs: rhs})
	}
	stmts = append(stmts, pre...)
	stmts = append(stmts, &ast.IfStmt{Cond: ast.NewIdent("false"), Body: &ast.BlockStmt{List: []ast.Stmt{
		&ast.ExprStmt{X: &ast.CallExpr{Fun: fun, Args: args}}}}})
	// The goroutine copies the temporaries before it tells it entered:
	// in a loop, the next iteration sets them again.
	var copies, sources []ast.Expr
	copyOf := func(e ast.Expr) ast.Expr {
		id, ok := e.(*ast.Ident)
		if !ok || !strings.HasPrefix(id.Name, "_gs") {
			return e // a constant, or a call left for the goroutine
		}
		c := ast.NewIdent(r.tmp("C"))
		copies, sources = append(copies, c), append(sources, ast.NewIdent(id.Name))
		return ast.NewIdent(c.Name)
	}
	callee := copyOf(fun)
	callArgs := make([]ast.Expr, len(args))
	for i, a := range args {
		callArgs[i] = copyOf(a)
	}
	var body []ast.Stmt
	if len(copies) > 0 {
		body = append(body, &ast.AssignStmt{Lhs: copies, Tok: token.DEFINE, Rhs: sources})
	}
	body = append(body, entered, &ast.ExprStmt{X: &ast.CallExpr{Fun: callee, Args: callArgs}})
	wrapper := &ast.FuncLit{Type: &ast.FuncType{Params: &ast.FieldList{List: []*ast.Field{entryParam}}},
		Body: &ast.BlockStmt{List: body}}
	stmts = append(stmts, &ast.ExprStmt{X: &ast.CallExpr{Fun: parseExpr(goFunc), Args: []ast.Expr{wrapper}}})
	return &ast.BlockStmt{List: stmts}
}

// variadic reports whether a func type's last parameter is ...T.
func variadic(ft *ast.FuncType) bool {
	params := ft.Params.List
	if len(params) == 0 {
		return false
	}
	_, ok := params[len(params)-1].Type.(*ast.Ellipsis)
	return ok
}

func isCall(e ast.Expr) bool {
	_, ok := e.(*ast.CallExpr)
	return ok
}

func isConstant(e ast.Expr) bool {
	_, ok := e.(*ast.BasicLit)
	return ok
}

func parseExpr(s string) ast.Expr {
	e, err := parser.ParseExpr(s)
	if err != nil {
		panic(err)
	}
	return e
}

// isIntegerValue reports whether v holds a Go integer.
func isIntegerValue(v reflect.Value) bool {
	for v.IsValid() && v.Kind() == reflect.Interface {
		v = v.Elem()
	}
	if !v.IsValid() {
		return false
	}
	switch v.Kind() {
	case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64,
		reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64, reflect.Uintptr:
		return true
	}
	return false
}
