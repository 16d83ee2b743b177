// Package godoc extracts signatures and doc comments from Go sources, for
// the kernel's inspection: at build time for the project's own packages,
// at run time for the standard library.
package godoc

import (
	"bytes"
	"go/ast"
	"go/doc"
	"go/parser"
	"go/printer"
	"go/token"
	"os"
	"strings"
)

// Dir returns the documentation of the package in dir, keyed by
// declaration: "" for the package, "Name" for functions, types, constants
// and variables, "Type.Method" for methods. Each entry is the declaration
// without its body, a blank line and the doc comment.
func Dir(dir, importPath string) (map[string]string, error) {
	fset := token.NewFileSet()
	pkgs, err := parser.ParseDir(fset, dir, func(fi os.FileInfo) bool {
		return !strings.HasSuffix(fi.Name(), "_test.go")
	}, parser.ParseComments)
	if err != nil {
		return nil, err
	}
	docs := map[string]string{}
	for _, p := range pkgs {
		if strings.HasSuffix(p.Name, "_test") || p.Name == "main" {
			continue
		}
		d := doc.New(p, importPath, 0)
		docs[""] = "package " + d.Name + "\n\n" + strings.TrimSpace(d.Doc)
		add := func(key string, decl ast.Node, text string) {
			docs[key] = Signature(fset, decl) + "\n\n" + strings.TrimSpace(text)
		}
		for _, f := range d.Funcs {
			add(f.Name, f.Decl, f.Doc)
		}
		for _, t := range d.Types {
			add(t.Name, t.Decl, t.Doc)
			for _, f := range t.Funcs {
				add(f.Name, f.Decl, f.Doc)
			}
			for _, m := range t.Methods {
				add(t.Name+"."+m.Name, m.Decl, m.Doc)
			}
		}
		for _, v := range append(d.Consts, d.Vars...) {
			for _, n := range v.Names {
				add(n, v.Decl, v.Doc)
			}
		}
	}
	return docs, nil
}

// Signature prints a declaration without its body or doc comment.
func Signature(fset *token.FileSet, decl ast.Node) string {
	switch n := decl.(type) {
	case *ast.FuncDecl:
		c := *n
		c.Body, c.Doc = nil, nil
		decl = &c
	case *ast.GenDecl:
		c := *n
		c.Doc = nil
		decl = &c
	}
	var b bytes.Buffer
	if err := (&printer.Config{Mode: printer.UseSpaces | printer.TabIndent, Tabwidth: 4}).Fprint(&b, fset, decl); err != nil {
		return ""
	}
	return b.String()
}
