package interp

import (
	"go/ast"
	"go/constant"
	"go/parser"
	"go/token"
	"reflect"
	"sort"
	"strings"
)

// min and max are generic functions of the session's preamble: yaegi
// v0.16.1 has no such built-ins; so are the generic functions of slices,
// maps and cmp (generics.go). yaegi's generics fall short in three
// places, which the cell's source is rewritten around:
//   - a top-level `x := min(a, b)` or `var x = min(a, b)` fails to compile
//     ("nil reflect type"): the global analysis types x before the call is
//     instantiated. Where the type T of the arguments can be told, the call
//     becomes T(min(a, b)), whose type the analysis knows;
//   - a top-level var declaration of such a call compiles to a zero
//     value, or fails: `var x = E` becomes `x := E` when E calls min or
//     max (`var x T = E` becomes `x := T(E)`);
//   - an untyped constant argument is not converted to the type of the
//     others (min(2, f) with f a float64 fails): it is converted to T,
//     and a call whose arguments are all constants is replaced by its
//     value, a constant as in Go (const c = max(1, 2.5)).
//
// The type T is told from the syntax: literals, conversions, variables
// whose type the session knows (from their values, or from the composite
// literals that defined them), arithmetic, and the result rules of the
// generic functions. Where it cannot be told, yaegi's error is translated
// into advice (errmsg.go).

// minMaxRewriter rewrites the generic calls (min, max, slices.Max, ...) of
// one cell's chunks.
type minMaxRewriter struct {
	// minMaxShadowed is set when the cell or the session defines a min or
	// max of its own: then only the preamble's generic functions of
	// slices, maps and cmp (generics.go) are typed.
	minMaxShadowed bool
	// globalType spells the type of a session global, or "".
	globalType func(name string) string
	// locals are the types of the variables the cell's earlier top-level
	// statements defined, as far as typeOf tells them ("" where not).
	locals map[string]string
	// isCellType reports whether a name is a type the cells defined.
	isCellType func(name string) bool
}

// newMinMaxRewriter returns the rewriter of a cell, given the names and
// the types it defines; it leaves min and max alone when the cell or the
// session defines a min or max of its own.
func (s *Session) newMinMaxRewriter(defined []string, cellTypes map[string]string) *minMaxRewriter {
	shadowed := s.globals["min"] || s.globals["max"]
	for _, name := range defined {
		shadowed = shadowed || name == "min" || name == "max"
	}
	var globals map[string]reflect.Value
	return &minMaxRewriter{
		minMaxShadowed: shadowed,
		isCellType: func(name string) bool {
			_, cell := cellTypes[name]
			_, session := s.typeDefs[name]
			return cell || session
		},
		locals: map[string]string{},
		globalType: func(name string) string {
			if !s.globals[name] {
				return ""
			}
			if t, ok := s.varTypes[name]; ok {
				return t
			}
			if globals == nil {
				globals = s.globalValues()
			}
			if v := globals[name]; v.IsValid() {
				return typeText(v.Type())
			}
			return ""
		},
	}
}

// typeText spells t as Go source does when t is a predeclared basic
// type, or a slice or map of them; "" otherwise.
func typeText(t reflect.Type) string {
	switch t.Kind() {
	case reflect.Slice:
		if e := typeText(t.Elem()); e != "" {
			return "[]" + e
		}
	case reflect.Map:
		if k, v := typeText(t.Key()), typeText(t.Elem()); k != "" && v != "" {
			return "map[" + k + "]" + v
		}
	default:
		if t.PkgPath() == "" && basicTypes[t.Name()] != "" {
			return t.Name()
		}
	}
	return ""
}

// typeExprText spells a type expression made of basic types, types the
// cells defined, slices and maps; "" for any other.
func (m *minMaxRewriter) typeExprText(e ast.Expr) string {
	switch e := e.(type) {
	case *ast.Ident:
		if m.isCellType(e.Name) {
			return e.Name
		}
		return basicTypes[e.Name]
	case *ast.ArrayType:
		if e.Len == nil {
			if elem := m.typeExprText(e.Elt); elem != "" {
				return "[]" + elem
			}
		}
	case *ast.MapType:
		if k, v := m.typeExprText(e.Key), m.typeExprText(e.Value); k != "" && v != "" {
			return "map[" + k + "]" + v
		}
	}
	return ""
}

// elemText returns the type of the elements of a slice, map or string
// type spelled by typeText.
func (m *minMaxRewriter) elemText(t string) string {
	if t == "string" {
		return "uint8"
	}
	x, err := parser.ParseExpr(t)
	if err != nil {
		return ""
	}
	switch x := x.(type) {
	case *ast.ArrayType:
		return m.typeExprText(x.Elt)
	case *ast.MapType:
		return m.typeExprText(x.Value)
	}
	return ""
}

// basicTypes are the type names whose conversions the rewriter types.
var basicTypes = map[string]string{
	"int": "int", "int8": "int8", "int16": "int16", "int32": "int32", "int64": "int64",
	"uint": "uint", "uint8": "uint8", "uint16": "uint16", "uint32": "uint32", "uint64": "uint64",
	"uintptr": "uintptr", "float32": "float32", "float64": "float64", "string": "string",
	"byte": "uint8", "rune": "int32", "bool": "bool",
}

// rewrite returns the chunk with its min and max calls rewritten, and
// remembers the types of the variables a top-level statement defines.
func (m *minMaxRewriter) rewrite(c chunk) chunk {
	if m == nil || c.kind == importChunk {
		return c
	}
	hasCall := strings.Contains(c.src, "min(") || strings.Contains(c.src, "max(") ||
		strings.Contains(c.src, "_slices_") || strings.Contains(c.src, "_maps_") || strings.Contains(c.src, "_cmp_")
	if !hasCall && c.kind != stmtChunk {
		return c
	}
	fset, f, prefix, err := parseChunk(c, 0)
	if err != nil {
		return c
	}
	offset := func(p token.Pos) int { return fset.Position(p).Offset - prefix }
	var edits []replacement
	typed := map[*ast.CallExpr]bool{}
	if hasCall {
		edits = m.foldConstants(f, offset)
	}
	var vars *ast.GenDecl
	for _, d := range f.Decls {
		switch d := d.(type) {
		case *ast.FuncDecl:
			if c.kind != stmtChunk {
				continue
			}
			for _, st := range d.Body.List {
				switch st := st.(type) {
				case *ast.AssignStmt, *ast.ExprStmt, *ast.DeclStmt:
					if hasCall {
						edits = append(edits, m.typeCalls(st, offset, typed)...)
					}
					m.noteLocals(st)
				case *ast.IfStmt, *ast.SwitchStmt:
					// yaegi's global analysis also types the variables
					// the init statement of a top-level if or switch defines.
					if init := initOf(st); init != nil && hasCall {
						edits = append(edits, m.typeCalls(init, offset, typed)...)
					}
				}
			}
		case *ast.GenDecl:
			if d.Tok == token.VAR {
				edits = append(edits, m.typeCalls(d, offset, typed)...)
				m.noteLocals(&ast.DeclStmt{Decl: d})
				vars = d
			}
		}
	}
	if !hasCall {
		return c
	}
	// Reordering comes last: it replaces what typeCalls converts.
	edits = append(edits, m.constantsLast(f, typed, c.src, offset)...)
	if vars != nil && len(f.Decls) == 1 {
		if stmt, ok := m.varAsDefine(c.src, vars, edits, offset); ok {
			c.kind, c.src = stmtChunk, stmt
			return c
		}
	}
	c.src = applyReplacements(c.src, edits, 0, len(c.src))
	return c
}

// replacement replaces src[start:end] by text; start == end inserts.
type replacement struct {
	start, end int
	text       string
}

// applyReplacements returns src[from:to] with the replacements inside it
// made; insertions at one offset go in the order given.
func applyReplacements(src string, edits []replacement, from, to int) string {
	var in []replacement
	for _, e := range edits {
		if e.start >= from && e.end <= to {
			in = append(in, e)
		}
	}
	sort.SliceStable(in, func(i, j int) bool { return in[i].start < in[j].start })
	var b strings.Builder
	last := from
	for _, e := range in {
		if e.start < last {
			continue // inside a replaced range
		}
		b.WriteString(src[last:e.start])
		b.WriteString(e.text)
		last = e.end
	}
	b.WriteString(src[last:to])
	return b.String()
}

// isMinMax reports whether call is a call of min or max.
func isMinMax(call *ast.CallExpr) bool {
	id, ok := call.Fun.(*ast.Ident)
	return ok && (id.Name == "min" || id.Name == "max") && len(call.Args) > 0 && !call.Ellipsis.IsValid()
}

// isGenericCall reports whether call is one whose result type yaegi
// cannot tell at the top level of a cell: min, max, or a generic
// function of the preamble (generics.go).
func (m *minMaxRewriter) isGenericCall(call *ast.CallExpr) bool {
	if !m.minMaxShadowed && isMinMax(call) {
		return true
	}
	id, ok := call.Fun.(*ast.Ident)
	return ok && (strings.HasPrefix(id.Name, "_slices_") || strings.HasPrefix(id.Name, "_maps_"))
}

// foldConstants replaces each min or max call whose arguments are all
// constant literals by the literal of its value.
func (m *minMaxRewriter) foldConstants(f *ast.File, offset func(token.Pos) int) []replacement {
	if m.minMaxShadowed {
		return nil
	}
	var edits []replacement
	ast.Inspect(f, func(n ast.Node) bool {
		call, ok := n.(*ast.CallExpr)
		if !ok || !isMinMax(call) {
			return true
		}
		if folded, ok := foldCall(call); ok {
			edits = append(edits, replacement{offset(call.Pos()), offset(call.End()), folded.text})
			return false
		}
		return true
	})
	return edits
}

// constArg is a constant argument of min or max: its value and the
// literal text that stands for it.
type constArg struct {
	val  constant.Value
	kind token.Token // INT, CHAR, FLOAT or STRING
	text string
}

// constantOf returns the value of a constant literal expression: a
// literal, negated or parenthesized, or a min or max call of such.
func constantOf(e ast.Expr) (constArg, bool) {
	switch e := e.(type) {
	case *ast.BasicLit:
		if e.Kind == token.IMAG {
			return constArg{}, false
		}
		v := constant.MakeFromLiteral(e.Value, e.Kind, 0)
		return constArg{v, e.Kind, e.Value}, v.Kind() != constant.Unknown
	case *ast.ParenExpr:
		return constantOf(e.X)
	case *ast.UnaryExpr:
		x, ok := constantOf(e.X)
		if !ok || x.kind == token.STRING || (e.Op != token.SUB && e.Op != token.ADD) {
			return constArg{}, false
		}
		return constArg{constant.UnaryOp(e.Op, x.val, 0), x.kind, "(" + e.Op.String() + x.text + ")"}, true
	case *ast.CallExpr:
		if !isMinMax(e) {
			return constArg{}, false
		}
		return foldCall(e)
	}
	return constArg{}, false
}

// foldCall returns the constant a min or max call of constant literals
// yields, an untyped constant of the kind Go gives it.
func foldCall(call *ast.CallExpr) (constArg, bool) {
	isMax := call.Fun.(*ast.Ident).Name == "max"
	var best constArg
	kind := token.INT
	for i, a := range call.Args {
		x, ok := constantOf(a)
		if !ok {
			return constArg{}, false
		}
		if i > 0 && (x.kind == token.STRING) != (best.kind == token.STRING) {
			return constArg{}, false
		}
		if kindRank(x.kind) > kindRank(kind) {
			kind = x.kind
		}
		op := token.LSS
		if isMax {
			op = token.GTR
		}
		if i == 0 || constant.Compare(x.val, op, best.val) {
			best = x
		}
	}
	if kind == token.FLOAT && best.kind != token.FLOAT {
		best = constArg{constant.ToFloat(best.val), token.FLOAT, "(" + best.text + " + 0.0)"}
	}
	return best, true
}

// kindRank orders the kinds of untyped constants as Go's rules for
// constant expressions do: int < rune < float.
func kindRank(k token.Token) int {
	switch k {
	case token.CHAR:
		return 1
	case token.FLOAT:
		return 2
	case token.STRING:
		return 3
	}
	return 0
}

// typeCalls converts the min and max calls of a top-level statement or
// declaration, outside function literals, to the type of their arguments
// when it can be told: T(min(a, T(2))).
func (m *minMaxRewriter) typeCalls(n ast.Node, offset func(token.Pos) int, typed map[*ast.CallExpr]bool) []replacement {
	var edits []replacement
	ast.Inspect(n, func(n ast.Node) bool {
		switch n := n.(type) {
		case *ast.FuncLit, *ast.BlockStmt:
			return false
		case *ast.CallExpr:
			if id, ok := n.Fun.(*ast.Ident); ok && strings.HasPrefix(id.Name, "_cmp_") {
				// cmp.Compare(1.5, 2): the constants take the type of the
				// arguments, as the call's type parameter.
				if typ, _ := unifyTypes(n.Args, m); basicTypes[typ] != "" {
					for _, a := range n.Args {
						if _, ok := constantOf(a); ok {
							edits = append(edits, replacement{offset(a.Pos()), offset(a.Pos()), typ + "("},
								replacement{offset(a.End()), offset(a.End()), ")"})
						}
					}
				}
				return true
			}
			if !m.isGenericCall(n) {
				return true
			}
			if _, ok := constantOf(n); ok && isMinMax(n) {
				return false // folded
			}
			typ, _ := m.typeOf(n)
			if typ == "" {
				return true
			}
			typed[n] = true
			edits = append(edits, replacement{offset(n.Pos()), offset(n.Pos()), typ + "("})
			for _, a := range n.Args {
				if !isMinMax(n) {
					break
				}
				if _, ok := constantOf(a); ok {
					edits = append(edits, replacement{offset(a.Pos()), offset(a.Pos()), typ + "("},
						replacement{offset(a.End()), offset(a.End()), ")"})
				}
			}
			edits = append(edits, replacement{offset(n.End()), offset(n.End()), ")"})
		}
		return true
	})
	return edits
}

// typeOf tells the type of a top-level expression, as far as it is made
// of literals, conversions to basic types, variables of basic types and
// arithmetic: its name, and whether it is an untyped constant ("" when
// it cannot be told).
func (m *minMaxRewriter) typeOf(e ast.Expr) (string, bool) {
	switch e := e.(type) {
	case *ast.BasicLit:
		switch e.Kind {
		case token.INT:
			return "int", true
		case token.FLOAT:
			return "float64", true
		case token.CHAR:
			return "int32", true
		case token.STRING:
			return "string", true
		}
	case *ast.ParenExpr:
		return m.typeOf(e.X)
	case *ast.CompositeLit:
		if e.Type != nil {
			return m.typeExprText(e.Type), false
		}
	case *ast.IndexExpr:
		if t, _ := m.typeOf(e.X); t != "" {
			return m.elemText(t), false
		}
	case *ast.UnaryExpr:
		if e.Op == token.SUB || e.Op == token.ADD || e.Op == token.XOR {
			return m.typeOf(e.X)
		}
	case *ast.BinaryExpr:
		switch e.Op {
		case token.ADD, token.SUB, token.MUL, token.QUO, token.REM, token.AND, token.OR, token.XOR, token.AND_NOT:
			return unifyTypes([]ast.Expr{e.X, e.Y}, m)
		case token.SHL, token.SHR:
			return m.typeOf(e.X)
		}
	case *ast.Ident:
		if t := m.locals[e.Name]; t != "" {
			return t, false
		}
		if t := m.globalType(e.Name); t != "" {
			return t, false
		}
	case *ast.CallExpr:
		if id, ok := e.Fun.(*ast.Ident); ok {
			switch {
			case id.Name == "len" || id.Name == "cap":
				return "int", false
			case isMinMax(e) && !m.minMaxShadowed:
				return unifyTypes(e.Args, m)
			case m.isGenericCall(e):
				return m.genericResultType(id.Name, e.Args), false
			case basicTypes[id.Name] != "" && len(e.Args) == 1:
				return basicTypes[id.Name], false
			case m.isCellType(id.Name) && len(e.Args) == 1:
				return id.Name, false
			}
		}
	}
	return "", false
}

// unifyTypes returns the type of operands that Go's rules make one type:
// that of a typed operand, or the largest kind of untyped ones; "" when
// an operand's type cannot be told and no other is typed.
func unifyTypes(exprs []ast.Expr, m *minMaxRewriter) (string, bool) {
	untyped, unknown := "", false
	rank := map[string]int{"int": 0, "int32": 1, "float64": 2, "string": 3}
	for _, x := range exprs {
		t, isUntyped := m.typeOf(x)
		switch {
		case t == "":
			unknown = true
		case !isUntyped:
			return t, false
		case untyped == "" || rank[t] > rank[untyped]:
			untyped = t
		}
	}
	if unknown {
		return "", false
	}
	return untyped, untyped != ""
}

// noteLocals remembers the basic types of the variables a top-level
// statement defines.
func (m *minMaxRewriter) noteLocals(st ast.Stmt) {
	switch st := st.(type) {
	case *ast.AssignStmt:
		if st.Tok != token.DEFINE || len(st.Lhs) != len(st.Rhs) {
			return
		}
		for i, lhs := range st.Lhs {
			if id, ok := lhs.(*ast.Ident); ok {
				m.locals[id.Name], _ = m.typeOf(st.Rhs[i])
			}
		}
	case *ast.DeclStmt:
		if gd, ok := st.Decl.(*ast.GenDecl); ok && gd.Tok == token.VAR {
			for _, spec := range gd.Specs {
				vs := spec.(*ast.ValueSpec)
				for i, id := range vs.Names {
					switch {
					case vs.Type != nil:
						m.locals[id.Name] = m.typeExprText(vs.Type)
					case i < len(vs.Values):
						m.locals[id.Name], _ = m.typeOf(vs.Values[i])
					}
				}
			}
		}
	}
}

// varAsDefine returns a top-level var declaration whose values call min
// or max as the statements that define its variables, which yaegi
// compiles: `var x T = E` as `x := T(E)`, `var x = E` as `x := E`.
func (m *minMaxRewriter) varAsDefine(src string, gd *ast.GenDecl, edits []replacement, offset func(token.Pos) int) (string, bool) {
	calls := false
	ast.Inspect(gd, func(n ast.Node) bool {
		if call, ok := n.(*ast.CallExpr); ok && m.isGenericCall(call) {
			if _, folded := constantOf(call); !folded || !isMinMax(call) {
				calls = true
			}
		}
		return !calls
	})
	if !calls {
		return "", false
	}
	var stmts []string
	for _, spec := range gd.Specs {
		vs := spec.(*ast.ValueSpec)
		if len(vs.Values) != len(vs.Names) {
			return "", false
		}
		var names, values []string
		for i, id := range vs.Names {
			names = append(names, id.Name)
			v := applyReplacements(src, edits, offset(vs.Values[i].Pos()), offset(vs.Values[i].End()))
			if vs.Type != nil {
				v = src[offset(vs.Type.Pos()):offset(vs.Type.End())] + "(" + v + ")"
			}
			values = append(values, v)
		}
		stmts = append(stmts, strings.Join(names, ", ")+" := "+strings.Join(values, ", "))
	}
	return strings.Join(stmts, "; "), true
}

// constantsLast moves the constant arguments of the min and max calls the
// rewriter could not type after the others: yaegi infers the type of the
// call from its first argument, and converts constants that follow to it
// (min(2, f) with f a float64 becomes min(f, 2)).
func (m *minMaxRewriter) constantsLast(f *ast.File, typed map[*ast.CallExpr]bool, src string, offset func(token.Pos) int) []replacement {
	var edits []replacement
	ast.Inspect(f, func(n ast.Node) bool {
		call, ok := n.(*ast.CallExpr)
		if !ok || !isMinMax(call) || typed[call] || m.minMaxShadowed {
			return true
		}
		if _, ok := constantOf(call.Args[0]); !ok {
			return true
		}
		var vars, consts []string
		for _, a := range call.Args {
			text := src[offset(a.Pos()):offset(a.End())]
			if _, ok := constantOf(a); ok {
				consts = append(consts, text)
			} else {
				vars = append(vars, text)
			}
		}
		if len(vars) == 0 {
			return true
		}
		first, last := call.Args[0], call.Args[len(call.Args)-1]
		edits = append(edits, replacement{offset(first.Pos()), offset(last.End()), strings.Join(append(vars, consts...), ", ")})
		return false
	})
	return edits
}

// noteVarTypes keeps, once the cell compiled, the types of the variables
// it defined that typeOf told from their definitions (a composite literal
// of a cell's type, which the value's reflect type does not name), for
// later cells.
func (m *minMaxRewriter) noteVarTypes(s *Session) {
	for name, t := range m.locals {
		if t == "" {
			delete(s.varTypes, name)
		} else {
			s.varTypes[name] = t
		}
	}
}

// initOf returns the init statement of an if or switch statement.
func initOf(st ast.Stmt) ast.Stmt {
	switch st := st.(type) {
	case *ast.IfStmt:
		return st.Init
	case *ast.SwitchStmt:
		return st.Init
	}
	return nil
}
