// Package godoc extracts signatures and doc comments from Go sources, for
// the kernel's inspection: at build time for the project's own packages,
// at run time for the standard library.
package godoc

import (
	"bytes"
	"fmt"
	"go/ast"
	"go/build"
	"go/doc"
	"go/parser"
	"go/printer"
	"go/token"
	"os"
	"path/filepath"
	"strings"
)

// Dir returns the documentation of the package in dir, keyed by
// declaration: "" for the package, "Name" for functions, types, constants
// and variables, "Type.Method" for methods. Each entry is the declaration
// without its body, a blank line and the doc comment.
func Dir(dir, importPath string) (map[string]string, error) {
	fset := token.NewFileSet()
	pkgs, err := parsePackages(fset, dir)
	if err != nil {
		return nil, err
	}
	docs := map[string]string{}
	for name, files := range pkgs {
		if strings.HasSuffix(name, "_test") || name == "main" {
			continue
		}
		d, err := doc.NewFromFiles(fset, files, importPath)
		if err != nil {
			return nil, fmt.Errorf("documentation of %s: %w", dir, err)
		}
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

// parsePackages parses the Go files of dir that are not tests, with their
// comments, grouped by package name, in the order of their file names.
func parsePackages(fset *token.FileSet, dir string) (map[string][]*ast.File, error) {
	entries, err := os.ReadDir(dir)
	if err != nil {
		return nil, err
	}
	pkgs := map[string][]*ast.File{}
	for _, e := range entries {
		name := e.Name()
		if e.IsDir() || !strings.HasSuffix(name, ".go") || strings.HasSuffix(name, "_test.go") {
			continue
		}
		if ok, err := kernelBuild.MatchFile(dir, name); err != nil || !ok {
			continue // left out of the kernel's build (the stand-ins of a build without DuckDB)
		}
		f, err := parser.ParseFile(fset, filepath.Join(dir, name), nil, parser.ParseComments)
		if err != nil {
			return nil, err
		}
		pkgs[f.Name.Name] = append(pkgs[f.Name.Name], f)
	}
	return pkgs, nil
}

// kernelBuild is the build the kernel is made with: the documented files are its files.
var kernelBuild = func() build.Context {
	c := build.Default
	c.BuildTags = append(c.BuildTags, "duckdb_arrow")
	return c
}()

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
