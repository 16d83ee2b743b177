package interp

import (
	"errors"
	"fmt"
	"go/ast"
	"go/parser"
	"go/printer"
	"go/scanner"
	"go/token"
	"path"
	"strconv"
	"strings"
)

// predeclared are Go's universe-scope names.
var predeclared = map[string]bool{}

func init() {
	for _, name := range strings.Fields(`any bool byte comparable complex64 complex128 error float32 float64
		int int8 int16 int32 int64 rune string uint uint8 uint16 uint32 uint64 uintptr
		true false iota nil
		append cap clear close complex copy delete imag len make max min new panic print println real recover`) {
		predeclared[name] = true
	}
}

// cellSyntax is what the interpreter needs to know of a cell before
// evaluating it: the packages it uses without importing them and the
// top-level names it defines. (Names that nothing defines are an error.)
type cellSyntax struct {
	missingPackages []string          // import paths to import automatically
	defined         []string          // top-level names the cell declares
	types           map[string]string // type name -> its definition, as printed
}

// analyze checks each chunk's syntax, then parses the cell's
// declarations and statements as one file (the statements in a function
// body) and resolves its identifiers against the session's names. Errors
// are *CellErrors naming the cell's line.
func (s *Session) analyze(chunks []chunk) (cellSyntax, error) {
	for _, c := range chunks {
		if err := checkSyntax(c); err != nil {
			return cellSyntax{}, err
		}
	}
	var src strings.Builder
	cellLine := []int{0, 0} // cellLine[i] is the cell's line of line i of src
	add := func(text string, line int) {
		src.WriteString(text + "\n")
		for i := 0; i <= strings.Count(text, "\n"); i++ {
			cellLine = append(cellLine, line+i)
		}
	}
	src.WriteString("package main\n")
	for _, c := range chunks {
		if c.kind == declChunk {
			add(c.src, c.line)
		}
	}
	add("func _() {", 0)
	for _, c := range chunks {
		if c.kind == stmtChunk {
			add(c.src, c.line)
		}
	}
	add("}", 0)
	fset := token.NewFileSet()
	f, err := parser.ParseFile(fset, "cell", src.String(), 0)
	if err != nil {
		return cellSyntax{}, nil // each chunk parses: yaegi will judge the whole
	}
	var out cellSyntax
	out.defined = topLevelNames(f)
	out.types = typeDefinitions(fset, f)
	for name, def := range out.types {
		if prev, ok := s.typeDefs[name]; ok && prev != def {
			msg := fmt.Sprintf("type %s is already defined by an earlier cell, differently; the interpreter cannot redefine a type: give the new one another name, or restart the kernel", name)
			return out, &CellError{Name: "CompileError", Value: msg, Traceback: []string{msg}}
		}
	}
	unresolved := map[string]bool{}
	for _, id := range f.Unresolved {
		unresolved[id.Name] = true
	}
	// Keys of composite literals (struct field names) are never resolved
	// by the parser: they are not uses of undefined names.
	fieldKeys := map[*ast.Ident]bool{}
	ast.Inspect(f, func(n ast.Node) bool {
		if lit, ok := n.(*ast.CompositeLit); ok {
			for _, e := range lit.Elts {
				if kv, ok := e.(*ast.KeyValueExpr); ok {
					if id, ok := kv.Key.(*ast.Ident); ok {
						fieldKeys[id] = true
					}
				}
			}
		}
		return true
	})
	selectorOperands := map[*ast.Ident]bool{}
	ast.Inspect(f, func(n ast.Node) bool {
		if sel, ok := n.(*ast.SelectorExpr); ok {
			if id, ok := sel.X.(*ast.Ident); ok {
				selectorOperands[id] = true
			}
		}
		return true
	})
	// The names the cell's own imports declare.
	cellImports := map[string]bool{}
	for _, c := range chunks {
		if c.kind != importChunk {
			continue
		}
		f, err := parser.ParseFile(token.NewFileSet(), "", "package main;"+c.src, parser.ImportsOnly)
		if err != nil {
			continue
		}
		for _, spec := range f.Imports {
			p, _ := strconv.Unquote(spec.Path.Value)
			switch gi := s.goLoaded[p]; {
			case spec.Name != nil:
				cellImports[spec.Name.Name] = true
			case gi != nil:
				cellImports[gi.Name] = true
			default:
				cellImports[path.Base(p)] = true
			}
		}
	}
	seen := map[string]bool{}
	var undefined []string
	ast.Inspect(f, func(n ast.Node) bool {
		id, ok := n.(*ast.Ident)
		if !ok || !unresolved[id.Name] || fieldKeys[id] || seen[id.Name] {
			return true
		}
		name := id.Name
		if predeclared[name] || s.globals[name] || s.importedName(name) || cellImports[name] || name == "_" {
			return true
		}
		seen[name] = true
		if p, ok := s.packages[name]; ok {
			out.missingPackages = append(out.missingPackages, p)
		} else {
			line := cellLine[min(fset.Position(id.Pos()).Line, len(cellLine)-1)]
			msg := fmt.Sprintf("line %d: undefined: %s", line, name)
			switch p, ok := s.unavailable[name]; {
			case ok:
				msg += " (" + unavailablePackage(p) + ")"
			case selectorOperands[id]:
				msg += " (no variable or package of that name: import its package first; cells can import the standard library's and any module's packages)"
			}
			undefined = append(undefined, msg)
		}
		return true
	})
	if len(undefined) > 0 {
		return out, &CellError{Name: "CompileError", Value: strings.Join(undefined, "; "), Traceback: undefined}
	}
	return out, nil
}

// checkSyntax parses one chunk the way yaegi will wrap it and reports a
// syntax error at the cell's line.
func checkSyntax(c chunk) error {
	prefix, suffix := "package main;", ""
	if c.kind == stmtChunk {
		prefix, suffix = "package main; func _() {", "\n}"
	}
	_, err := parser.ParseFile(token.NewFileSet(), "cell", prefix+c.src+suffix, 0)
	if err == nil {
		return nil
	}
	var list scanner.ErrorList
	if errors.As(err, &list) && len(list) > 0 {
		e := list[0]
		line, col, text := e.Pos.Line, e.Pos.Column, e.Msg
		if line == 1 {
			col -= len(prefix)
		}
		if last := 1 + strings.Count(c.src, "\n"); line > last {
			// The error is at the end of the wrapping: the statement is cut short.
			line, col = last, len(c.src)-strings.LastIndex(c.src, "\n")
			text = strings.ReplaceAll(text, "found '}'", "found the end of the statement")
		}
		msg := fmt.Sprintf("line %d:%d: %s", c.line+line-1, max(col, 1), text)
		return &CellError{Name: "SyntaxError", Value: msg, Traceback: []string{msg}}
	}
	return &CellError{Name: "SyntaxError", Value: err.Error(), Traceback: []string{err.Error()}}
}

// typeDefinitions returns the cell's top-level type declarations, printed
// without comments, so that a cell run again is told from a redefinition.
func typeDefinitions(fset *token.FileSet, f *ast.File) map[string]string {
	defs := map[string]string{}
	for _, d := range f.Decls {
		gd, ok := d.(*ast.GenDecl)
		if !ok || gd.Tok != token.TYPE {
			continue
		}
		for _, spec := range gd.Specs {
			ts := spec.(*ast.TypeSpec)
			var b strings.Builder
			if err := printer.Fprint(&b, fset, ts.Type); err == nil {
				defs[ts.Name.Name] = tokenText(b.String())
			}
		}
	}
	return defs
}

// tokenText returns src's tokens separated by single spaces, without
// semicolons, so that layout and comments do not matter when comparing
// type definitions.
func tokenText(src string) string {
	fset := token.NewFileSet()
	file := fset.AddFile("", -1, len(src))
	var sc scanner.Scanner
	sc.Init(file, []byte(src), nil, 0)
	var toks []string
	for {
		_, tok, lit := sc.Scan()
		if tok == token.EOF {
			break
		}
		if tok == token.SEMICOLON {
			continue
		}
		if lit == "" {
			lit = tok.String()
		}
		toks = append(toks, lit)
	}
	return strings.Join(toks, " ")
}

// topLevelNames returns the names a cell defines for later cells: its
// declarations, and the variables its top-level statements define.
func topLevelNames(f *ast.File) []string {
	var names []string
	for _, d := range f.Decls {
		switch d := d.(type) {
		case *ast.FuncDecl:
			if d.Recv == nil && d.Name.Name != "_" {
				names = append(names, d.Name.Name)
				continue
			}
			if d.Name.Name == "_" && d.Recv == nil { // the statements' wrapper
				for _, stmt := range d.Body.List {
					names = append(names, stmtNames(stmt)...)
				}
			}
		case *ast.GenDecl:
			names = append(names, genDeclNames(d)...)
		}
	}
	return names
}

func stmtNames(stmt ast.Stmt) []string {
	var names []string
	switch st := stmt.(type) {
	case *ast.AssignStmt:
		if st.Tok == token.DEFINE {
			for _, lhs := range st.Lhs {
				if id, ok := lhs.(*ast.Ident); ok {
					names = append(names, id.Name)
				}
			}
		}
	case *ast.DeclStmt:
		if gd, ok := st.Decl.(*ast.GenDecl); ok {
			names = append(names, genDeclNames(gd)...)
		}
	}
	return names
}

func genDeclNames(d *ast.GenDecl) []string {
	var names []string
	for _, spec := range d.Specs {
		switch sp := spec.(type) {
		case *ast.ValueSpec:
			for _, id := range sp.Names {
				names = append(names, id.Name)
			}
		case *ast.TypeSpec:
			names = append(names, sp.Name.Name)
		}
	}
	return names
}
