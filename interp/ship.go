package interp

import (
	"fmt"
	"go/ast"
	"go/parser"
	"go/token"
	"reflect"
	"slices"
	"sort"
	"strconv"
	"strings"

	"github.com/gosparkling/gosparkling/internal/engine"
	"github.com/gosparkling/gosparkling/rdd"
)

// Shipping functions. A Runner that runs jobs in other processes (Beam
// workers) cannot call an interpreted closure: it sends the function's
// source instead, and the worker interprets it. The session rewrites each
// call of a transformation that takes functions,
//
//	words.Filter(func(w string) bool { return len(w) > n })
//
// into
//
//	_gosparklingSession.Ship(words.Filter(func(w string) bool { ... }),
//		_gosparklingSession.Src(7, &n))
//
// Ship records the sources on the RDD (engine.RDDs.SetFuncSources); site 7
// knows the literal's text, the packages and declarations it uses, and
// that it captures n, whose value Src reads through the pointer when the
// job runs. The RDD the call returns is unchanged, so that nothing but
// shipping depends on the rewrite, and a cell that the rewrite would keep
// from compiling is compiled without it.

// The RDD methods that take user functions, and the positions of those
// among their arguments, as package rdd classifies its methods
// (rdd.MethodOf): the transformations', the actions' whose functions can
// run on a Runner's engine, and the actions' whose functions never do
// (the rewrite records their sites, without wrapping the calls, for the
// reports of their panics).
func transformFuncs(method string) ([]int, bool) {
	m, ok := rdd.MethodOf(method)
	return m.FuncArgs, ok && len(m.FuncArgs) > 0 && m.Kind != rdd.KindAction
}

func actionFuncs(method string) ([]int, bool) {
	m, ok := rdd.MethodOf(method)
	return m.FuncArgs, ok && len(m.FuncArgs) > 0 && m.Kind == rdd.KindAction && !m.LocalFuncs
}

func localFuncs(method string) ([]int, bool) {
	m, ok := rdd.MethodOf(method)
	return m.FuncArgs, ok && m.LocalFuncs
}

// shipSite is what the rewrite learned of one function argument.
type shipSite struct {
	method   string
	origin   string            // "In [3], line 2"
	expr     string            // the function's source text
	imports  map[string]string // package name used -> import spec
	decls    []string          // session declarations it uses
	vars     []string          // the variables it captures, as Src's pointers
	problems []string          // why it cannot be shipped
}

// sessionDecl is a top-level declaration of a cell, kept so that a
// shipped function can take along the declarations it uses.
type sessionDecl struct {
	seq   int    // order of declaration
	src   string // its source, with the methods of a type
	kind  ast.ObjKind
	names []string // names it uses that it does not declare
	// funcValue marks a function value noted as a declaration (see
	// noteFuncValues).
	funcValue bool
}

// noteDecls records the declarations of a cell's declaration chunks.
func (s *Session) noteDecls(chunks []chunk) funcValueNotes {
	notes := s.noteFuncValues(chunks)
	for _, c := range chunks {
		if c.kind != declChunk {
			continue
		}
		_, f, _, err := parseChunk(c, 0)
		if err != nil {
			continue
		}
		var uses []string
		for _, id := range f.Unresolved {
			uses = append(uses, id.Name)
		}
		for _, d := range f.Decls {
			switch d := d.(type) {
			case *ast.FuncDecl:
				if d.Recv == nil {
					s.addDecl(d.Name.Name, c.src, ast.Fun, uses)
					continue
				}
				// A method travels with its type.
				if t := receiverType(d.Recv); t != "" {
					if td, ok := s.decls[t]; ok {
						td.src += "\n" + c.src
						td.names = append(td.names, uses...)
					}
				}
			case *ast.GenDecl:
				if name, _ := funcValueSpec(d); notes.add[name] != nil {
					continue // var clean = func(...) {...}: noted once it ran
				}
				kind := map[token.Token]ast.ObjKind{token.TYPE: ast.Typ, token.CONST: ast.Con, token.VAR: ast.Var}[d.Tok]
				for _, name := range genDeclNames(d) {
					s.addDecl(name, c.src, kind, uses)
				}
			}
		}
	}
	return notes
}

// Function values. A variable a cell sets, at its top level and once, to a
// function literal (clean := func(s string) string {...}, or var clean =
// func...) is noted, once the cell has run to its end, as if the cell had
// declared func clean(s string) string {...}: a function passed to the
// engine that calls it, or the variable passed itself, then takes it
// along, compiled with it, where it would otherwise call the interpreter's
// closure through the variable (or not be compiled at all). A cell that
// sets the variable any other way drops the note before it runs, and the
// compiled functions that took the literal along turn back to the
// interpreted ones (tiered.go staleFuncValues). A variable written inside
// a function, or whose address is taken, can change without a cell saying
// so: it is never noted again.

// funcValueNotes are the changes a cell makes to the notes.
type funcValueNotes struct {
	drop []string                // dropped before the cell runs
	add  map[string]*sessionDecl // noted once it has run to its end
}

// noteFuncValues returns the changes the cell of chunks makes to the
// notes of function values, and drops at once those it must.
func (s *Session) noteFuncValues(chunks []chunk) funcValueNotes {
	notes := funcValueNotes{add: map[string]*sessionDecl{}}
	writes := map[string]int{}
	type candidate struct {
		lit    *ast.FuncLit
		src    string
		prefix int
	}
	candidates := map[string]candidate{}
	for _, c := range chunks {
		if c.kind != stmtChunk && c.kind != declChunk {
			continue
		}
		_, f, prefix, err := parseChunk(c, 0)
		if err != nil {
			continue
		}
		// The writes of the chunk: those inside functions (and a
		// statement chunk's own body, the wrapper func _, is not one).
		var top *ast.BlockStmt
		if c.kind == stmtChunk && len(f.Decls) == 1 {
			top = f.Decls[0].(*ast.FuncDecl).Body
		}
		depth := 0
		var walk func(n ast.Node) bool
		walk = func(n ast.Node) bool {
			switch n := n.(type) {
			case *ast.FuncLit:
				depth++
				ast.Inspect(n.Body, walk)
				depth--
				return false
			case *ast.FuncDecl:
				if n.Body != nil && n.Body != top {
					depth++
					ast.Inspect(n.Body, walk)
					depth--
					return false
				}
			case *ast.AssignStmt:
				for _, l := range n.Lhs {
					if id, ok := l.(*ast.Ident); ok {
						writes[id.Name]++
						if depth > 0 && n.Tok != token.DEFINE {
							s.unnotable[id.Name] = true
						}
					}
				}
			case *ast.UnaryExpr:
				if id, ok := n.X.(*ast.Ident); ok && n.Op == token.AND {
					s.unnotable[id.Name] = true
				}
			case *ast.GenDecl:
				for _, name := range genDeclNames(n) {
					writes[name]++
				}
			}
			return true
		}
		ast.Inspect(f, walk)
		// The candidates: top-level name := func..., name = func...,
		// var name = func...
		if top != nil {
			for _, st := range top.List {
				if a, ok := st.(*ast.AssignStmt); ok && len(a.Lhs) == 1 && len(a.Rhs) == 1 {
					id, ok := a.Lhs[0].(*ast.Ident)
					if lit, isLit := a.Rhs[0].(*ast.FuncLit); ok && isLit {
						candidates[id.Name] = candidate{lit, c.src, prefix}
					}
				}
			}
		}
		for _, d := range f.Decls {
			if g, ok := d.(*ast.GenDecl); ok {
				if name, lit := funcValueSpec(g); lit != nil {
					candidates[name] = candidate{lit, c.src, prefix}
				}
			}
		}
	}
	for name := range writes {
		if d := s.decls[name]; d != nil && d.funcValue {
			delete(s.decls, name)
			notes.drop = append(notes.drop, name)
		}
	}
	for name, c := range candidates {
		if writes[name] != 1 || s.unnotable[name] {
			continue
		}
		if d := funcValueDecl(name, c.lit, c.src, c.prefix); d != nil {
			notes.add[name] = d
		}
	}
	return notes
}

// redo drops again what notes drop (after a rollback of the session's
// declarations).
func (notes funcValueNotes) redo(s *Session) {
	for _, name := range notes.drop {
		if d := s.decls[name]; d != nil && d.funcValue {
			delete(s.decls, name)
		}
	}
}

// noteFuncValue notes the function value name, which the running cell
// has just set (a call the shipping rewrite puts after the statement that
// sets it), so that the functions of the cell's statements after it take
// it along compiled.
func (s *Session) noteFuncValue(name string) {
	if d := s.pendingFuncValues[name]; d != nil {
		funcValueNotes{add: map[string]*sessionDecl{name: d}}.apply(s)
	}
}

// apply notes what the cell, which has run to its end, set.
func (notes funcValueNotes) apply(s *Session) {
	for name, d := range notes.add {
		if old := s.decls[name]; old != nil && old.funcValue && old.src == d.src {
			continue // the same literal again (its cell ran again)
		}
		if old := s.decls[name]; old != nil && !old.funcValue && old.kind != ast.Var {
			continue // a declaration of the cell's has the name
		}
		s.declSeq++
		d.seq = s.declSeq
		s.decls[name] = d
	}
	s.staleFuncValues()
}

// funcValueSpec returns the name and literal of var name = func...,
// or nil.
func funcValueSpec(d *ast.GenDecl) (string, *ast.FuncLit) {
	if d.Tok != token.VAR || len(d.Specs) != 1 {
		return "", nil
	}
	sp, ok := d.Specs[0].(*ast.ValueSpec)
	if !ok || len(sp.Names) != 1 || len(sp.Values) != 1 || sp.Type != nil {
		return "", nil
	}
	lit, ok := sp.Values[0].(*ast.FuncLit)
	if !ok {
		return "", nil
	}
	return sp.Names[0].Name, lit
}

// funcValueDecl returns the declaration of a function name doing what
// lit, in a chunk of source src (parsed after prefix bytes), does; nil
// when there is none.
func funcValueDecl(name string, lit *ast.FuncLit, src string, prefix int) *sessionDecl {
	start, end := int(lit.Pos())-1-prefix, int(lit.End())-1-prefix
	if start < 0 || end > len(src) || !strings.HasPrefix(src[start:end], "func") {
		return nil
	}
	decl := "func " + name + src[start+len("func"):end]
	// What it uses from outside itself, as for a declared function: the
	// names the declaration alone leaves unresolved (not its fields, keys
	// or locals).
	f, err := parser.ParseFile(token.NewFileSet(), "value", "package p\n"+decl, 0)
	if err != nil {
		return nil
	}
	var uses []string
	for _, id := range f.Unresolved {
		uses = append(uses, id.Name)
	}
	return &sessionDecl{src: decl, kind: ast.Fun, names: uses, funcValue: true}
}

func (s *Session) addDecl(name, src string, kind ast.ObjKind, uses []string) {
	s.declSeq++
	s.decls[name] = &sessionDecl{seq: s.declSeq, src: src, kind: kind, names: uses}
}

// receiverType names the type of a method's receiver.
func receiverType(recv *ast.FieldList) string {
	if recv == nil || len(recv.List) != 1 {
		return ""
	}
	t := recv.List[0].Type
	if star, ok := t.(*ast.StarExpr); ok {
		t = star.X
	}
	if id, ok := t.(*ast.Ident); ok {
		return id.Name
	}
	return ""
}

// shipRewriter wraps a chunk's transformations in Ship calls.
type shipRewriter struct {
	s        *Session
	fast     *fastRewriter // knows which expressions are RDDs
	cellVars map[string]bool
	// pending are the function values the cell sets (noteFuncValues):
	// the functions that call one take it along as a declaration, which
	// the session has once the statement that sets it has run
	// (noteFuncValue), and reach the variable through a pointer before.
	pending map[string]*sessionDecl
	// setting are the statements of the chunk being rewritten that set
	// a pending function value.
	setting map[*ast.AssignStmt]bool
}

// rewrite returns c's source with its transformations wrapped.
func (w *shipRewriter) rewrite(c chunk) string {
	if c.kind == importChunk || !strings.Contains(c.src, "(") {
		return c.src
	}
	fset, f, prefix, err := parseChunk(c, 0)
	if err != nil {
		return c.src
	}
	unresolved := map[*ast.Ident]bool{}
	for _, id := range f.Unresolved {
		unresolved[id] = true
	}
	offset := func(p token.Pos) int { return fset.Position(p).Offset - prefix }
	text := func(n ast.Node) string { return c.src[offset(n.Pos()):offset(n.End())] }
	var edits, closings []textEdit
	// The statements that set a function value of pending note it once
	// they have run.
	w.setting = map[*ast.AssignStmt]bool{}
	if c.kind == stmtChunk && len(f.Decls) == 1 && len(w.pending) > 0 {
		for _, st := range f.Decls[0].(*ast.FuncDecl).Body.List {
			a, ok := st.(*ast.AssignStmt)
			if !ok || len(a.Lhs) != 1 || len(a.Rhs) != 1 {
				continue
			}
			id, ok := a.Lhs[0].(*ast.Ident)
			if _, lit := a.Rhs[0].(*ast.FuncLit); !ok || !lit || w.pending[id.Name] == nil {
				continue
			}
			w.setting[a] = true
			edits = append(edits, textEdit{offset(a.End()), "; _gosparklingSession.NoteFuncValue(" + strconv.Quote(id.Name) + ")"})
		}
	}
	// sources returns the Src calls of the function arguments of call at
	// positions, nil elsewhere; none when it has no function there. It
	// wraps each of those arguments in a Tier call, which hands the
	// method the function's compiled form when there is one (tiered.go).
	sources := func(call *ast.CallExpr, method string, positions []int) []string {
		srcs := make([]string, 0, len(call.Args))
		found := false
		for i, arg := range call.Args {
			if !slices.Contains(positions, i) {
				srcs = append(srcs, "nil")
				continue
			}
			found = true
			site := w.site(method, c, fset, arg, unresolved, text)
			w.s.shipSites = append(w.s.shipSites, site)
			id := len(w.s.shipSites) - 1
			ptrs := ""
			for _, v := range site.vars {
				ptrs += ", &" + v
			}
			srcs = append(srcs, "_gosparklingSession.Src("+strconv.Itoa(id)+ptrs+")")
			edits = append(edits, textEdit{offset(arg.Pos()), "_gosparklingSession.Tier("},
				textEdit{offset(arg.End()), ", " + strconv.Itoa(id) + ptrs + ")"})
		}
		if !found {
			return nil
		}
		return srcs
	}
	// An action's receiver is wrapped: ShipAction(r, srcs...).Reduce(f).
	// Its closing goes after those of the receiver's own Ship calls,
	// which end at the same offset.
	ast.Inspect(f, func(n ast.Node) bool {
		if fd, ok := n.(*ast.FuncDecl); ok {
			return fd.Name.Name == "_" && c.kind == stmtChunk
		}
		call, ok := n.(*ast.CallExpr)
		if !ok || call.Ellipsis.IsValid() {
			return true
		}
		sel, ok := call.Fun.(*ast.SelectorExpr)
		if !ok || !w.fast.rddChain(sel.X) {
			return true
		}
		method := sel.Sel.Name
		if positions, ok := transformFuncs(method); ok {
			if srcs := sources(call, method, positions); srcs != nil {
				edits = append(edits, textEdit{offset(call.Pos()), "_gosparklingSession.Ship("},
					textEdit{offset(call.End()), ", " + strings.Join(srcs, ", ") + ")"})
			}
		} else if positions, ok := actionFuncs(method); ok {
			if srcs := sources(call, method, positions); srcs != nil {
				edits = append(edits, textEdit{offset(sel.X.Pos()), "_gosparklingSession.ShipAction("})
				closings = append(closings, textEdit{offset(sel.X.End()), ", " + strings.Join(srcs, ", ") + ")"})
			}
		} else if positions, ok := localFuncs(method); ok {
			sources(call, method, positions)
		}
		return true
	})
	edits = append(edits, closings...)
	if len(edits) == 0 {
		return c.src
	}
	return applyEdits(c.src, edits)
}

// site analyses one function argument of method.
func (w *shipRewriter) site(method string, c chunk, fset *token.FileSet, arg ast.Expr,
	unresolved map[*ast.Ident]bool, text func(ast.Node) string) *shipSite {
	line := c.line + fset.Position(arg.Pos()).Line - 2
	if c.kind == stmtChunk {
		line-- // the func _() { line
	}
	site := &shipSite{method: method, imports: map[string]string{},
		origin: fmt.Sprintf("%s, line %d", w.s.currentCell(), line)}
	if w.s.currentCell() == "" {
		site.origin = fmt.Sprintf("line %d of the cell", line)
	}
	// A fast function's helper wraps the literal: ship the literal.
	if call, ok := arg.(*ast.CallExpr); ok && len(call.Args) > 0 {
		if sel, ok := call.Fun.(*ast.SelectorExpr); ok {
			if id, ok := sel.X.(*ast.Ident); ok && id.Name == "_gosparklingSession" {
				arg = call.Args[0]
			}
		}
	}
	site.expr = text(arg)
	switch a := arg.(type) {
	case *ast.FuncLit:
		w.freeNames(site, a, unresolved)
	case *ast.Ident:
		if a.Obj != nil {
			if as, ok := a.Obj.Decl.(*ast.AssignStmt); ok && w.setting[as] {
				site.decls = append(site.decls, a.Name) // a function value the cell sets
				break
			}
			// A variable of the cell's statements (a loop's, a
			// parameter), which may shadow a name of the session.
			site.problems = append(site.problems, fmt.Sprintf("the function is the variable %s, whose source is not known: pass a function literal or a declared function", a.Name))
			break
		}
		w.useName(site, a.Name, true)
	case *ast.SelectorExpr:
		if id, ok := a.X.(*ast.Ident); ok && unresolved[id] && w.fast.isPackage(id.Name) {
			w.usePackage(site, id.Name)
			break
		}
		site.problems = append(site.problems, fmt.Sprintf("the function %s is not a literal, a declared function or a package's function", site.expr))
	default:
		site.problems = append(site.problems, fmt.Sprintf("the function %s is not a literal, a declared function or a package's function", site.expr))
	}
	return site
}

// freeNames notes what the literal lit uses from outside itself.
func (w *shipRewriter) freeNames(site *shipSite, lit *ast.FuncLit, unresolved map[*ast.Ident]bool) {
	keys := map[*ast.Ident]bool{}
	ast.Inspect(lit, func(n ast.Node) bool {
		if kv, ok := n.(*ast.KeyValueExpr); ok {
			if id, ok := kv.Key.(*ast.Ident); ok {
				keys[id] = true
			}
		}
		return true
	})
	seen := map[string]bool{}
	ast.Inspect(lit, func(n ast.Node) bool {
		id, ok := n.(*ast.Ident)
		if !ok || id.Name == "_" || seen[id.Name] {
			return true
		}
		switch {
		case id.Obj != nil:
			// Declared in the chunk: inside the literal, or in an
			// enclosing scope of the cell's statements.
			if d, ok := id.Obj.Decl.(ast.Node); ok && d.Pos() >= lit.Pos() && d.End() <= lit.End() {
				return true
			}
			seen[id.Name] = true
			if a, ok := id.Obj.Decl.(*ast.AssignStmt); ok && w.setting[a] {
				// A function value the cell sets at its top level.
				site.decls = append(site.decls, id.Name)
				return true
			}
			switch id.Obj.Kind {
			case ast.Var:
				site.vars = append(site.vars, id.Name)
			case ast.Con, ast.Typ:
				site.problems = append(site.problems, fmt.Sprintf("it uses %s, declared inside a block: declare it at the top level of a cell", id.Name))
			}
		case unresolved[id] && !keys[id]:
			seen[id.Name] = true
			w.useName(site, id.Name, false)
		}
		return true
	})
}

// useName notes a use of a name from outside the function: a package, a
// declaration of the session, or a variable whose value is captured.
func (w *shipRewriter) useName(site *shipSite, name string, asFunc bool) {
	s := w.s
	switch {
	case name == "sc":
		site.problems = append(site.problems, "it uses sc, the notebook's Context, which exists only in the notebook")
	case s.decls[name] != nil && s.decls[name].kind != ast.Var, w.pending[name] != nil:
		site.decls = append(site.decls, name)
	case s.globals[name] || w.cellVars[name] || s.decls[name] != nil:
		if asFunc {
			site.problems = append(site.problems, fmt.Sprintf("the function is the variable %s, whose source is not known: pass a function literal or a declared function", name))
			return
		}
		site.vars = append(site.vars, name)
	case w.fast.isPackage(name) || s.importedName(name):
		w.usePackage(site, name)
	case predeclared[name]:
	default:
		site.problems = append(site.problems, fmt.Sprintf("it uses %s, which the session does not know", name))
	}
}

// usePackage notes the import spec of the package known by name.
func (w *shipRewriter) usePackage(site *shipSite, name string) {
	if spec := w.s.importSpec(name); spec != "" {
		site.imports[name] = spec
		return
	}
	if p, ok := w.s.packages[name]; ok {
		site.imports[name] = strconv.Quote(p)
	}
}

// shippedSource is a site with the pointers to its captured variables: an
// engine.FuncSource.
type shippedSource struct {
	s    *Session
	site *shipSite
	ptrs []any
}

// Program returns the site's function as a program for a worker, with the
// captured values as they are now.
func (f *shippedSource) Program() (*engine.FuncProgram, error) {
	site := f.site
	fail := func(why string) error {
		return fmt.Errorf("cannot ship the function passed to %s (%s) to the workers: %s", site.method, site.origin, why)
	}
	if len(site.problems) > 0 {
		return nil, fail(site.problems[0])
	}
	p := &engine.FuncProgram{Expr: site.expr, Origin: site.origin}
	imports := map[string]bool{}
	for _, spec := range site.imports {
		imports[spec] = true
	}
	var values []string
	addVar := func(name string, v reflect.Value) error {
		lit, err := goLiteral(v, imports)
		if err != nil {
			return fail(fmt.Sprintf("it captures %s, %s", name, err))
		}
		values = append(values, "var "+name+" = "+lit)
		return nil
	}
	for i, name := range site.vars {
		if err := addVar(name, reflect.ValueOf(f.ptrs[i]).Elem()); err != nil {
			return nil, err
		}
	}
	// The declarations it uses, with what they use in turn.
	used := map[string]bool{}
	var decls []*sessionDecl
	globals := f.s.globalValues()
	var visit func(name string) error
	visit = func(name string) error {
		if used[name] {
			return nil
		}
		used[name] = true
		d := f.s.decls[name]
		switch {
		case d != nil && d.kind != ast.Var:
			decls = append(decls, d)
			for _, n := range d.names {
				if err := visit(n); err != nil {
					return err
				}
			}
		case name == "sc":
			return fail("a function it uses refers to sc, the notebook's Context, which exists only in the notebook")
		case f.s.globals[name] || d != nil:
			if v, ok := globals[name]; ok && !slices.Contains(site.vars, name) {
				return addVar(name, v)
			}
		default:
			if spec := packageSpec(f.s, name); spec != "" {
				imports[spec] = true
			}
		}
		return nil
	}
	for _, name := range site.decls {
		if err := visit(name); err != nil {
			return nil, err
		}
	}
	sort.Slice(decls, func(i, j int) bool { return decls[i].seq < decls[j].seq })
	seen := map[string]bool{}
	for _, d := range decls {
		if !seen[d.src] {
			seen[d.src] = true
			p.Decls = append(p.Decls, d.src)
		}
	}
	p.Decls = append(values, p.Decls...)
	for spec := range imports {
		p.Imports = append(p.Imports, spec)
	}
	sort.Strings(p.Imports)
	return p, nil
}

// packageSpec returns the import spec of the package a declaration knows
// by name, or "".
func packageSpec(s *Session, name string) string {
	if spec := s.importSpec(name); spec != "" && !s.globals[name] {
		return spec
	}
	if p, ok := s.packages[name]; ok && !s.globals[name] && !predeclared[name] {
		return strconv.Quote(p)
	}
	return ""
}

// globalValues returns the session's global variables. yaegi's Globals
// can panic after a failed compile: then there are none.
func (s *Session) globalValues() (values map[string]reflect.Value) {
	defer func() {
		if recover() != nil {
			values = map[string]reflect.Value{}
		}
	}()
	return s.yaegi.Globals()
}

// rdds is what an interpreter does to RDDs (internal/engine): record the
// sources of their functions, give them compiled forms.
var rdds = engine.For[*rdd.RDD, rdd.Step, *rdd.Broadcast]()

// ship and src are the session's Ship and Src.
func (s *Session) ship(r *rdd.RDD, srcs ...*shippedSource) *rdd.RDD {
	s.tierShipped(r, srcs)
	return rdds.SetFuncSources(r, funcSources(srcs)...)
}

// shipAction returns, for a Runner's RDD, one that carries the sources
// of the functions of the action called on it: ShipAction(r, srcs...).Reduce(f).
func (s *Session) shipAction(r *rdd.RDD, srcs ...*shippedSource) *rdd.RDD {
	if r == nil || r.Context().Runner() == nil {
		return r
	}
	return rdds.WithActionSources(r, funcSources(srcs)...)
}

// funcSources returns srcs as FuncSources, nil ones nil.
func funcSources(srcs []*shippedSource) []engine.FuncSource {
	out := make([]engine.FuncSource, len(srcs))
	for i, src := range srcs {
		if src != nil {
			out[i] = src
		}
	}
	return out
}

func (s *Session) src(id int, ptrs ...any) *shippedSource {
	return &shippedSource{s: s, site: s.shipSites[id], ptrs: ptrs}
}
