package interp

import (
	"go/ast"
	"go/token"
	"path"
	"reflect"
	"strconv"
	"strings"
)

// yaegi v0.16.1 cannot infer the type parameters of a generic function
// from an argument whose type is compiled ("binary"): the slice that
// strings.Fields or an RDD's Collect returns. slices.Sort(ws), with ws
// from strings.Fields, panics in its compiler; slices.Sort([]string(ws))
// compiles, since the conversion's type is the interpreter's own. The
// binaryArgs pass finds, by the syntax and the session's symbol tables,
// the arguments of generic calls (the preamble's slices, maps and cmp
// functions and the generic functions cells declare) whose slice or map
// type is told, and converts them to that type, which changes no value.

// binaryArgs converts the slice and map arguments of a cell's generic
// calls to their types. It lives for one cell: what a top-level
// statement defines is known to the chunks after it.
type binaryArgs struct {
	s *Session
	// cell holds the types of the variables the cell's top level defined
	// (nil where not told).
	cell map[string]reflect.Type
	// shadowed reports whether a name is a variable of the cell or the
	// session other than a package.
	shadowed func(name string) bool
	globals  map[string]reflect.Value
	generic  map[string]bool // the session's declared functions, by whether generic
	// imports are the packages the conversions name that the session
	// must import under their aliases (importAlias), by alias.
	imports map[string]string
}

// importAlias is the name under which the session imports a package
// whose type a conversion names, one no cell uses.
func importAlias(path string) string {
	return "_gosparklingImport_" + strings.NewReplacer("/", "_", ".", "_", "-", "_").Replace(path)
}

// importSources returns the import declarations the conversions need.
func (b *binaryArgs) importSources() []chunk {
	var out []chunk
	for alias, path := range b.imports {
		out = append(out, chunk{kind: importChunk, src: "import " + alias + " " + strconv.Quote(path)})
	}
	return out
}

func (s *Session) newBinaryArgs(shadowed func(name string) bool) *binaryArgs {
	return &binaryArgs{s: s, cell: map[string]reflect.Type{}, shadowed: shadowed, generic: map[string]bool{}, imports: map[string]string{}}
}

// rewrite returns the chunk with its generic calls' arguments converted.
func (b *binaryArgs) rewrite(c chunk) chunk {
	if c.kind == importChunk {
		return c
	}
	fset, f, prefix, err := parseChunk(c, 0)
	if err != nil {
		return c
	}
	w := &typeWalk{b: b, offset: func(p token.Pos) int { return fset.Position(p).Offset - prefix }}
	for _, d := range f.Decls {
		switch d := d.(type) {
		case *ast.FuncDecl:
			if c.kind == stmtChunk {
				// The statements' wrapper: its body is the cell's top level.
				w.stmts(d.Body.List)
				continue
			}
			w.push()
			w.fields(d.Recv)
			w.funcType(d.Type)
			w.stmts(d.Body.List)
			w.pop()
		case *ast.GenDecl:
			w.genDecl(d)
		}
	}
	if len(w.edits) == 0 {
		return c
	}
	c.src = applyReplacements(c.src, w.edits, 0, len(c.src))
	return c
}

// typeWalk walks a chunk's syntax in order, keeping the scopes of the
// variables whose types it tells.
type typeWalk struct {
	b      *binaryArgs
	scopes []map[string]reflect.Type // innermost last; the cell's below them
	offset func(token.Pos) int
	edits  []replacement
}

func (w *typeWalk) push() { w.scopes = append(w.scopes, map[string]reflect.Type{}) }
func (w *typeWalk) pop()  { w.scopes = w.scopes[:len(w.scopes)-1] }

// define records a variable's type, nil when not told: a name defined
// with an unknown type hides the outer one.
func (w *typeWalk) define(name string, t reflect.Type) {
	if name == "_" {
		return
	}
	if len(w.scopes) == 0 {
		w.b.cell[name] = t
		return
	}
	w.scopes[len(w.scopes)-1][name] = t
}

// lookup returns the type of a variable and whether the name is one.
func (w *typeWalk) lookup(name string) (reflect.Type, bool) {
	for i := len(w.scopes) - 1; i >= 0; i-- {
		if t, ok := w.scopes[i][name]; ok {
			return t, true
		}
	}
	if t, ok := w.b.cell[name]; ok {
		return t, true
	}
	if !w.b.s.globals[name] {
		return nil, false
	}
	if w.b.globals == nil {
		w.b.globals = w.b.s.globalValues()
	}
	if v := w.b.globals[name]; v.IsValid() && v.Kind() != reflect.Interface {
		return v.Type(), true
	}
	return nil, true
}

func (w *typeWalk) fields(l *ast.FieldList) {
	if l == nil {
		return
	}
	for _, f := range l.List {
		for _, n := range f.Names {
			w.define(n.Name, nil)
		}
	}
}

func (w *typeWalk) funcType(t *ast.FuncType) {
	w.fields(t.Params)
	w.fields(t.Results)
}

func (w *typeWalk) genDecl(d *ast.GenDecl) {
	if d.Tok != token.VAR {
		return
	}
	for _, spec := range d.Specs {
		vs, ok := spec.(*ast.ValueSpec)
		if !ok {
			continue
		}
		for _, v := range vs.Values {
			w.expr(v)
		}
		types := w.results(vs.Values, len(vs.Names))
		for i, n := range vs.Names {
			if vs.Type != nil {
				types[i] = nil // the declared type is the interpreter's
			}
			w.define(n.Name, types[i])
		}
	}
}

// results returns the types of n variables assigned the values.
func (w *typeWalk) results(values []ast.Expr, n int) []reflect.Type {
	types := make([]reflect.Type, n)
	switch {
	case len(values) == n:
		for i, v := range values {
			types[i] = w.typeOf(v)
		}
	case len(values) == 1:
		switch v := unparen(values[0]).(type) {
		case *ast.CallExpr:
			if ft := w.funcOf(v); ft != nil && ft.NumOut() == n {
				for i := range types {
					types[i] = ft.Out(i)
				}
			}
		case *ast.IndexExpr: // v, ok := m[k]
			if t := w.typeOf(v); t != nil && n == 2 {
				types[0] = t
			}
		}
	}
	return types
}

func (w *typeWalk) stmts(list []ast.Stmt) {
	for _, st := range list {
		w.stmt(st)
	}
}

func (w *typeWalk) block(list []ast.Stmt) {
	w.push()
	w.stmts(list)
	w.pop()
}

func (w *typeWalk) stmt(st ast.Stmt) {
	switch st := st.(type) {
	case *ast.AssignStmt:
		for _, e := range st.Rhs {
			w.expr(e)
		}
		for _, e := range st.Lhs {
			if _, ok := e.(*ast.Ident); !ok || st.Tok != token.DEFINE {
				w.expr(e)
			}
		}
		if st.Tok == token.DEFINE {
			types := w.results(st.Rhs, len(st.Lhs))
			for i, e := range st.Lhs {
				if id, ok := e.(*ast.Ident); ok {
					w.define(id.Name, types[i])
				}
			}
		}
	case *ast.DeclStmt:
		if d, ok := st.Decl.(*ast.GenDecl); ok {
			w.genDecl(d)
		}
	case *ast.ExprStmt:
		w.expr(st.X)
	case *ast.ReturnStmt:
		for _, e := range st.Results {
			w.expr(e)
		}
	case *ast.GoStmt:
		w.expr(st.Call)
	case *ast.DeferStmt:
		w.expr(st.Call)
	case *ast.SendStmt:
		w.expr(st.Chan)
		w.expr(st.Value)
	case *ast.IncDecStmt:
		w.expr(st.X)
	case *ast.LabeledStmt:
		w.stmt(st.Stmt)
	case *ast.BlockStmt:
		w.block(st.List)
	case *ast.IfStmt:
		w.push()
		if st.Init != nil {
			w.stmt(st.Init)
		}
		w.expr(st.Cond)
		w.block(st.Body.List)
		if st.Else != nil {
			w.stmt(st.Else)
		}
		w.pop()
	case *ast.ForStmt:
		w.push()
		if st.Init != nil {
			w.stmt(st.Init)
		}
		if st.Cond != nil {
			w.expr(st.Cond)
		}
		if st.Post != nil {
			w.stmt(st.Post)
		}
		w.block(st.Body.List)
		w.pop()
	case *ast.RangeStmt:
		w.expr(st.X)
		w.push()
		if st.Tok == token.DEFINE {
			key, value := rangeTypes(w.typeOf(st.X))
			if id, ok := st.Key.(*ast.Ident); ok {
				w.define(id.Name, key)
			}
			if id, ok := st.Value.(*ast.Ident); ok {
				w.define(id.Name, value)
			}
		}
		w.block(st.Body.List)
		w.pop()
	case *ast.SwitchStmt:
		w.push()
		if st.Init != nil {
			w.stmt(st.Init)
		}
		if st.Tag != nil {
			w.expr(st.Tag)
		}
		w.clauses(st.Body, "")
		w.pop()
	case *ast.TypeSwitchStmt:
		w.push()
		if st.Init != nil {
			w.stmt(st.Init)
		}
		bound := ""
		switch a := st.Assign.(type) {
		case *ast.AssignStmt:
			for _, e := range a.Rhs {
				w.expr(e)
			}
			if id, ok := a.Lhs[0].(*ast.Ident); ok {
				bound = id.Name
			}
		case *ast.ExprStmt:
			w.expr(a.X)
		}
		w.clauses(st.Body, bound)
		w.pop()
	case *ast.SelectStmt:
		for _, c := range st.Body.List {
			cc := c.(*ast.CommClause)
			w.push()
			if cc.Comm != nil {
				w.stmt(cc.Comm)
			}
			w.stmts(cc.Body)
			w.pop()
		}
	}
}

// clauses walks a switch's clauses; bound names a type switch's variable,
// whose type each clause changes.
func (w *typeWalk) clauses(body *ast.BlockStmt, bound string) {
	for _, c := range body.List {
		cc := c.(*ast.CaseClause)
		if bound == "" {
			for _, e := range cc.List {
				w.expr(e)
			}
		}
		w.push()
		if bound != "" {
			w.define(bound, nil)
		}
		w.stmts(cc.Body)
		w.pop()
	}
}

// expr walks an expression: its function literals in their own scopes,
// and its generic calls, whose arguments it converts.
func (w *typeWalk) expr(e ast.Expr) {
	if e == nil {
		return
	}
	ast.Inspect(e, func(n ast.Node) bool {
		switch n := n.(type) {
		case *ast.FuncLit:
			w.push()
			w.funcType(n.Type)
			w.stmts(n.Body.List)
			w.pop()
			return false
		case *ast.CallExpr:
			if w.isGeneric(n.Fun) {
				w.convertArgs(n)
			}
		}
		return true
	})
}

// isGeneric reports whether fun names a generic function: one of the
// preamble's (generics.go) or one the cells declared.
func (w *typeWalk) isGeneric(fun ast.Expr) bool {
	id, ok := fun.(*ast.Ident) // not pkg.F, nor an explicit instantiation F[T]
	if !ok {
		return false
	}
	if strings.HasPrefix(id.Name, "_slices_") || strings.HasPrefix(id.Name, "_maps_") || strings.HasPrefix(id.Name, "_cmp_") {
		return true
	}
	if _, isVar := w.lookup(id.Name); isVar {
		return false
	}
	return w.b.isGenericFunc(id.Name)
}

// isGenericFunc reports whether a function the cells declared has type
// parameters.
func (b *binaryArgs) isGenericFunc(name string) bool {
	if g, ok := b.generic[name]; ok {
		return g
	}
	g := false
	if d, ok := b.s.decls[name]; ok && d.kind == ast.Fun {
		if _, f, _, err := parseChunk(chunk{kind: declChunk, src: d.src}, 0); err == nil {
			for _, decl := range f.Decls {
				if fd, ok := decl.(*ast.FuncDecl); ok && fd.Name.Name == name && fd.Recv == nil {
					g = fd.Type.TypeParams != nil && len(fd.Type.TypeParams.List) > 0
				}
			}
		}
	}
	b.generic[name] = g
	return g
}

// convertArgs converts the call's slice and map arguments whose compiled
// types are told.
func (w *typeWalk) convertArgs(call *ast.CallExpr) {
	for _, a := range call.Args {
		t := w.typeOf(a)
		if t == nil || (t.Kind() != reflect.Slice && t.Kind() != reflect.Map) {
			continue
		}
		// A named type converts to its structure: the conversion's type
		// must be the interpreter's own, not the compiled named type.
		// []T(x), not ([]T)(x), which yaegi miscompiles inside || and &&.
		text := w.b.spell(structureOf(t))
		if text == "" {
			continue
		}
		start, end := w.offset(a.Pos()), w.offset(a.End())
		w.edits = append(w.edits, replacement{start, start, text + "("}, replacement{end, end, ")"})
	}
}

// spell writes t as the cell's source can: Go's basic types, any, the
// exported types of the packages the session imported, and slices,
// maps, arrays and pointers of them; "" for any other.
func (b *binaryArgs) spell(t reflect.Type) string {
	if t.Name() != "" {
		if t.PkgPath() == "" {
			if basicTypes[t.Name()] != "" && t.Name() != "byte" && t.Name() != "rune" {
				return t.Name()
			}
			if t.Name() == "error" {
				return "error"
			}
			return ""
		}
		path := sourcePkgPath(t)
		if !token.IsExported(t.Name()) || strings.ContainsAny(t.Name(), "[]") || !b.s.exports(path)[t.Name()].IsValid() {
			return ""
		}
		name := b.packageName(path)
		if name == "" {
			// The session imports the package under a name of its own.
			name = importAlias(path)
			b.imports[name] = path
		}
		return name + "." + t.Name()
	}
	switch t.Kind() {
	case reflect.Slice:
		if e := b.spell(t.Elem()); e != "" {
			return "[]" + e
		}
	case reflect.Map:
		if k, v := b.spell(t.Key()), b.spell(t.Elem()); k != "" && v != "" {
			return "map[" + k + "]" + v
		}
	case reflect.Pointer:
		if e := b.spell(t.Elem()); e != "" {
			return "*" + e
		}
	case reflect.Interface:
		if t.NumMethod() == 0 {
			return "any"
		}
	}
	return ""
}

// packageName returns the name by which cells call the imported package
// of a path, "" when the session has not imported it under its own name.
func (b *binaryArgs) packageName(path string) string {
	name := path[strings.LastIndex(path, "/")+1:]
	if b.importPath(name) != path {
		return ""
	}
	return name
}

// importPath returns the path of the compiled package the session
// imported under a name, "" when it imported none or a name is
// ambiguous.
func (b *binaryArgs) importPath(name string) string {
	if b.shadowed(name) {
		return ""
	}
	found := ""
	for key := range b.s.imported {
		alias, quoted, ok := strings.Cut(key, " ")
		if !ok {
			alias, quoted = "", key
		}
		p, err := strconv.Unquote(quoted)
		if err != nil || alias == "_" || alias == "." {
			continue
		}
		if alias == name || alias == "" && path.Base(p) == name {
			if found != "" && found != p {
				return ""
			}
			found = p
		}
	}
	if found == "" || b.s.exports(found) == nil {
		return ""
	}
	return found
}

// typeOf returns the type of an expression where the syntax and the
// compiled symbols tell it, nil otherwise.
func (w *typeWalk) typeOf(e ast.Expr) reflect.Type {
	switch e := e.(type) {
	case *ast.ParenExpr:
		return w.typeOf(e.X)
	case *ast.Ident:
		t, _ := w.lookup(e.Name)
		return t
	case *ast.CallExpr:
		if ft := w.funcOf(e); ft != nil && ft.NumOut() == 1 {
			return ft.Out(0)
		}
		if sel, ok := e.Fun.(*ast.SelectorExpr); ok && len(e.Args) == 1 {
			if v, ok := w.packageSymbol(sel); ok && v.Kind() == reflect.Pointer && v.IsNil() {
				return v.Type().Elem() // a conversion to the package's type
			}
		}
	case *ast.SelectorExpr:
		if v, ok := w.packageSymbol(e); ok {
			if v.Kind() == reflect.Pointer && !v.IsNil() {
				return v.Type().Elem() // the package's variable
			}
			return nil
		}
		t := w.typeOf(e.X)
		if t == nil {
			return nil
		}
		if t.Kind() == reflect.Pointer {
			t = t.Elem()
		}
		if t.Kind() == reflect.Struct {
			if f, ok := t.FieldByName(e.Sel.Name); ok {
				return f.Type
			}
		}
	case *ast.IndexExpr:
		t := w.typeOf(e.X)
		if t == nil {
			return nil
		}
		switch t.Kind() {
		case reflect.Slice, reflect.Array, reflect.Map:
			return t.Elem()
		case reflect.Pointer:
			if t.Elem().Kind() == reflect.Array {
				return t.Elem().Elem()
			}
		}
	case *ast.SliceExpr:
		t := w.typeOf(e.X)
		if t != nil && t.Kind() == reflect.Array {
			return reflect.SliceOf(t.Elem())
		}
		return t
	case *ast.StarExpr:
		if t := w.typeOf(e.X); t != nil && t.Kind() == reflect.Pointer {
			return t.Elem()
		}
	}
	return nil
}

// funcOf returns the type of the function or method a call calls, when
// it is compiled: a package's function, or a method of a value whose
// type is told.
func (w *typeWalk) funcOf(call *ast.CallExpr) reflect.Type {
	sel, ok := call.Fun.(*ast.SelectorExpr)
	if !ok {
		return nil
	}
	if v, ok := w.packageSymbol(sel); ok {
		if v.Kind() == reflect.Func {
			return v.Type()
		}
		return nil
	}
	t := w.typeOf(sel.X)
	if t == nil {
		return nil
	}
	// A concrete type's method has its receiver as first parameter; only
	// the results matter here.
	if m, ok := t.MethodByName(sel.Sel.Name); ok {
		return m.Type
	}
	if t.Kind() != reflect.Pointer && t.Kind() != reflect.Interface {
		if m, ok := reflect.PointerTo(t).MethodByName(sel.Sel.Name); ok {
			return m.Type
		}
	}
	return nil
}

// packageSymbol returns the compiled symbol pkg.Name a selector names,
// when pkg is an imported package the cell does not hide.
func (w *typeWalk) packageSymbol(sel *ast.SelectorExpr) (reflect.Value, bool) {
	pkg, ok := sel.X.(*ast.Ident)
	if !ok {
		return reflect.Value{}, false
	}
	if _, isVar := w.lookup(pkg.Name); isVar || w.b.shadowed(pkg.Name) {
		return reflect.Value{}, false
	}
	path := w.b.importPath(pkg.Name)
	if path == "" {
		return reflect.Value{}, false
	}
	v, ok := w.b.s.exports(path)[sel.Sel.Name]
	return v, ok
}

// structureOf returns the unnamed slice or map type of a named one's
// structure.
func structureOf(t reflect.Type) reflect.Type {
	if t.Name() == "" {
		return t
	}
	switch t.Kind() {
	case reflect.Slice:
		return reflect.SliceOf(t.Elem())
	case reflect.Map:
		return reflect.MapOf(t.Key(), t.Elem())
	}
	return t
}

// rangeTypes returns the types of a range loop's key and value over a
// value of type t.
func rangeTypes(t reflect.Type) (key, value reflect.Type) {
	if t == nil {
		return nil, nil
	}
	if t.Kind() == reflect.Pointer && t.Elem().Kind() == reflect.Array {
		t = t.Elem()
	}
	switch t.Kind() {
	case reflect.Slice, reflect.Array:
		return reflect.TypeFor[int](), t.Elem()
	case reflect.Map:
		return t.Key(), t.Elem()
	case reflect.String:
		return reflect.TypeFor[int](), reflect.TypeFor[rune]()
	}
	return nil, nil
}

// unparen returns e without its parentheses.
func unparen(e ast.Expr) ast.Expr {
	for {
		p, ok := e.(*ast.ParenExpr)
		if !ok {
			return e
		}
		e = p.X
	}
}
