package interp

import (
	"go/ast"
	"go/parser"
	"go/scanner"
	"go/token"
	"reflect"
	"regexp"
	"strings"
)

// Completion of names a cell declares in the code being typed: the
// parameters of the function literal the cursor is in (`func(p rdd.Pair)
// any { return p.Ke`) and variables declared with a type (`var b
// strings.Builder`). The code is unfinished, so it is not parsed whole:
// each func's parameter list is parsed alone, and the last declaration of
// the name before the cursor is taken.

// localType returns the type of the local name x as declared in code, the
// text before the cursor, or nil when code declares no x with a type the
// session knows.
func (s *Session) localType(code, x string) reflect.Type {
	typ := lastDeclaredType(code, x)
	if typ == nil {
		return nil
	}
	return s.resolveType(typ)
}

// lastDeclaredType returns the type expression of the last declaration of
// x in code: a parameter of a func, or a var with a type.
func lastDeclaredType(code, x string) ast.Expr {
	var found ast.Expr
	foundAt := -1
	for _, params := range paramLists(code) {
		ft, err := parser.ParseExpr("func(" + params.text + ")")
		if err != nil {
			continue
		}
		for _, field := range ft.(*ast.FuncType).Params.List {
			for _, name := range field.Names {
				if name.Name == x && params.at > foundAt {
					found, foundAt = field.Type, params.at
				}
			}
		}
	}
	re := regexp.MustCompile(`\bvar\s+` + regexp.QuoteMeta(x) + `\s+([\w.*\[\]]+)`)
	for _, m := range re.FindAllStringSubmatchIndex(code, -1) {
		if m[0] > foundAt {
			if t, err := parser.ParseExpr(code[m[2]:m[3]]); err == nil {
				found, foundAt = t, m[0]
			}
		}
	}
	return found
}

// paramList is the text of a func's parameters, at a byte offset.
type paramList struct {
	text string
	at   int
}

// paramLists returns the parameter lists of the funcs of code: the text
// between the parentheses after each func keyword (a func literal or a
// declaration; a method's receiver counts as its first list).
func paramLists(code string) []paramList {
	fset := token.NewFileSet()
	file := fset.AddFile("cell", -1, len(code))
	var sc scanner.Scanner
	sc.Init(file, []byte(code), func(token.Position, string) {}, 0)
	type tok struct {
		pos int
		t   token.Token
	}
	var toks []tok
	for {
		p, t, _ := sc.Scan()
		if t == token.EOF {
			break
		}
		toks = append(toks, tok{file.Offset(p), t})
	}
	var out []paramList
	for i, tk := range toks {
		if tk.t != token.FUNC {
			continue
		}
		j := i + 1
		if j < len(toks) && toks[j].t == token.IDENT { // a declaration's name
			j++
		}
		if j >= len(toks) || toks[j].t != token.LPAREN {
			continue
		}
		depth := 0
		for k := j; k < len(toks); k++ {
			switch toks[k].t {
			case token.LPAREN, token.LBRACK, token.LBRACE:
				depth++
			case token.RPAREN, token.RBRACK, token.RBRACE:
				depth--
			}
			if depth == 0 {
				out = append(out, paramList{code[toks[j].pos+1 : toks[k].pos], toks[j].pos})
				break
			}
		}
	}
	return out
}

// resolveType returns the type a type expression of a cell stands for: a
// package's type from the symbol tables, else what the interpreter makes
// of it (basic and cell-declared types).
func (s *Session) resolveType(e ast.Expr) (t reflect.Type) {
	switch x := e.(type) {
	case *ast.StarExpr:
		if elem := s.resolveType(x.X); elem != nil {
			return reflect.PointerTo(elem)
		}
		return nil
	case *ast.SelectorExpr:
		pkg, ok := x.X.(*ast.Ident)
		if !ok {
			return nil
		}
		path, ok := s.packagePath(pkg.Name)
		if !ok {
			return nil
		}
		if v, ok := s.exports(path)[x.Sel.Name]; ok && v.Kind() == reflect.Pointer && v.IsNil() {
			return v.Type().Elem()
		}
		return nil
	case *ast.Ident:
		if _, declared := s.typeDefs[x.Name]; !declared && !isBasicType(x.Name) {
			return nil
		}
		defer func() {
			if recover() != nil {
				t = nil
			}
		}()
		v, err := s.yaegi.Eval("*new(" + x.Name + ")")
		if err != nil || !v.IsValid() {
			return nil
		}
		return v.Type()
	}
	return nil
}

// isBasicType reports whether name is one of Go's predeclared types.
func isBasicType(name string) bool {
	switch name {
	case "bool", "string", "int", "int8", "int16", "int32", "int64", "uint", "uint8", "uint16", "uint32",
		"uint64", "uintptr", "float32", "float64", "complex64", "complex128", "byte", "rune", "error", "any":
		return true
	}
	return false
}

// visibleName reports whether completion and inspection show name: not
// the session's own names, nor yaegi's wrapper types, nor any other name
// starting with "_".
func visibleName(name string) bool { return !strings.HasPrefix(name, "_") }
