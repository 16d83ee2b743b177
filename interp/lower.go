package interp

import (
	"bytes"
	"fmt"
	"go/ast"
	"go/format"
	"go/importer"
	"go/parser"
	"go/token"
	"go/types"
	"slices"
	"sort"
	"strings"
	"sync"

	"golang.org/x/tools/go/ast/astutil"
)

// Methods of cells' types. yaegi gives a value of a cell's type the
// type's underlying type (a struct it makes with reflect, a float64...),
// so that a plugin declares the type as an alias of that to take the
// values as they are (cellTypeDecl). An alias has no methods: a plugin
// that uses a type with methods is written with the type defined, as the
// cell declared it, and marked with a lowerDirective; its build type-checks
// it and lowers it (lowerMethods): the type becomes the alias, each method
// a function taking the receiver first, and each call of a method a call
// of that function,
//
//	type page struct{ Xurl string }           type page = struct{ Xurl string }
//	func (p page) host() string {...}    =>   func gsM_page_host(p page) string {...}
//	... p.host() ...                          ... gsM_page_host(p) ...
//
// The Go compiler then checks the result. A value of such a type passed
// to fmt, log or encoding/json or xml keeps its methods in the
// interpreter, which wraps it, and would lose them compiled: such a
// function stays interpreted.

// keptInterpreted is why a build leaves a function interpreted when it is
// not a compiler's error: the session says it as it is.
type keptInterpreted struct{ why string }

func (k keptInterpreted) Error() string { return k.why }

// lowerPrefix starts the line of a plugin's source that names the types
// its build lowers.
const lowerPrefix = "//gosparkling:lower "

// lowerDirective returns the line that marks a plugin's source for
// lowerMethods, naming the types to lower.
func lowerDirective(types map[string]bool) string {
	names := make([]string, 0, len(types))
	for name := range types {
		names = append(names, name)
	}
	sort.Strings(names)
	return lowerPrefix + strings.Join(names, " ")
}

// loweredName is the function a method becomes.
func loweredName(typeName, method string) string {
	return fmt.Sprintf("gsM%d_%s_%s", len(typeName), typeName, method)
}

// methodsSeen are the packages whose functions find the methods of the
// values they are handed, which yaegi wraps for them (its MapTypes).
var methodsSeen = map[string]bool{"fmt": true, "log": true, "encoding/json": true, "encoding/xml": true}

// lowerMethods returns src, a plugin's source, with the types its
// lowerDirective names lowered to aliases and their methods to functions,
// or why it cannot be. A source without the directive comes back as it
// is.
func lowerMethods(src string) (string, error) {
	var names []string
	for _, line := range strings.Split(src, "\n") {
		if rest, ok := strings.CutPrefix(line, lowerPrefix); ok {
			names = strings.Fields(rest)
			break
		}
	}
	if len(names) == 0 {
		return src, nil
	}
	// The source is checked as the cell wrote it: the constructor, which
	// names the types as the aliases they become, does not check, and
	// neither does what uses a package the importer does not have. What
	// did check is lowered; the compiler checks the result.
	fset, f, info, pkg, err := checkPlugin(src)
	if err != nil {
		return "", fmt.Errorf("lowering methods: %v", err)
	}
	lowered := map[*types.TypeName]string{}
	for _, name := range names {
		tn, ok := pkg.Scope().Lookup(name).(*types.TypeName)
		if !ok {
			return "", fmt.Errorf("lowering methods: no type %s", name)
		}
		lowered[tn] = name
	}
	// loweredOf returns the lowered type t is, or points to.
	loweredOf := func(t types.Type) (*types.Named, bool) {
		if p, ok := t.(*types.Pointer); ok {
			t = p.Elem()
		}
		n, ok := t.(*types.Named)
		if !ok {
			return nil, false
		}
		_, ok = lowered[n.Obj()]
		return n, ok
	}
	// methodOf returns the lowered function sel calls, if it selects a
	// method of a lowered type, and whether its receiver is a pointer.
	methodOf := func(sel *ast.SelectorExpr) (string, bool, bool) {
		s := info.Selections[sel]
		if s == nil || (s.Kind() != types.MethodVal && s.Kind() != types.MethodExpr) {
			return "", false, false
		}
		fn := s.Obj().(*types.Func)
		recv := fn.Type().(*types.Signature).Recv()
		if recv == nil {
			return "", false, false
		}
		n, ok := loweredOf(recv.Type())
		if !ok {
			return "", false, false
		}
		_, ptr := recv.Type().(*types.Pointer)
		return loweredName(n.Obj().Name(), fn.Name()), ptr, true
	}
	if why := seenMethods(f, info, lowered); why != "" {
		return "", keptInterpreted{why}
	}
	var why string
	fail := func(format string, args ...any) {
		if why == "" {
			why = fmt.Sprintf(format, args...)
		}
	}
	astutil.Apply(f, func(c *astutil.Cursor) bool {
		switch n := c.Node().(type) {
		case *ast.FuncDecl:
			name := receiverType(n.Recv)
			if name == "" || !slices.Contains(names, name) {
				return true
			}
			recv := n.Recv.List[0]
			if len(recv.Names) == 0 {
				recv.Names = []*ast.Ident{ast.NewIdent("_")}
			}
			n.Type.Params.List = append([]*ast.Field{recv}, n.Type.Params.List...)
			n.Recv = nil
			n.Name = ast.NewIdent(loweredName(name, n.Name.Name))
		case *ast.TypeSpec:
			if slices.Contains(names, n.Name.Name) {
				n.Assign = n.Name.End()
			}
		case *ast.CallExpr:
			sel, ok := ast.Unparen(n.Fun).(*ast.SelectorExpr)
			if !ok {
				return true
			}
			s := info.Selections[sel]
			fn, ptr, ok := methodOf(sel)
			if !ok || s.Kind() != types.MethodVal {
				return true
			}
			if len(s.Index()) != 1 {
				fail("it calls %s, a method promoted from an embedded field", sel.Sel.Name)
				return false
			}
			recv := sel.X
			_, isPtr := info.TypeOf(sel.X).(*types.Pointer)
			switch {
			case ptr && !isPtr:
				recv = &ast.UnaryExpr{Op: token.AND, X: recv}
			case !ptr && isPtr:
				recv = &ast.StarExpr{X: recv}
			}
			n.Fun = ast.NewIdent(fn)
			n.Args = append([]ast.Expr{recv}, n.Args...)
		case *ast.SelectorExpr:
			fn, ptr, ok := methodOf(n)
			if !ok {
				return true
			}
			s := info.Selections[n]
			if s.Kind() == types.MethodVal {
				fail("it uses the method value %s.%s other than to call it", types.ExprString(n.X), n.Sel.Name)
				return false
			}
			// A method expression: T.m is the function, as (*T).m is
			// when m takes a pointer.
			_, exprPtr := s.Recv().(*types.Pointer)
			if exprPtr != ptr {
				fail("it uses the method expression %s", types.ExprString(n))
				return false
			}
			c.Replace(ast.NewIdent(fn))
			return false
		}
		return true
	}, nil)
	if why != "" {
		return "", keptInterpreted{why}
	}
	var out bytes.Buffer
	if err := format.Node(&out, fset, f); err != nil {
		return "", fmt.Errorf("lowering methods: %v", err)
	}
	return out.String(), nil
}

// seenMethods says why f cannot be lowered when it hands a value of a
// lowered type to a function of methodsSeen that would find one of its
// methods (a String method, which the interpreter calls), or "". A value
// whose type the check could not tell, of the same struct as such a type,
// counts too: it may be a captured variable of the type.
func seenMethods(f *ast.File, info *types.Info, lowered map[*types.TypeName]string) string {
	found := map[*types.TypeName]bool{}
	for tn := range lowered {
		ms := types.NewMethodSet(types.NewPointer(tn.Type()))
		for i := range ms.Len() {
			if foundMethods[ms.At(i).Obj().Name()] {
				found[tn] = true
			}
		}
	}
	if len(found) == 0 {
		return ""
	}
	seen := func(t types.Type) (string, bool) {
		if p, ok := t.(*types.Pointer); ok {
			t = p.Elem()
		}
		for tn := range found {
			// A struct of the type's fields may be a captured variable of
			// it; a float64 is just a float64 (String methods format them).
			_, isStruct := t.(*types.Struct)
			if types.Identical(tn.Type(), t) || isStruct && types.Identical(tn.Type().Underlying(), t) {
				return lowered[tn], true
			}
		}
		return "", false
	}
	why := ""
	ast.Inspect(f, func(n ast.Node) bool {
		call, ok := n.(*ast.CallExpr)
		if !ok || why != "" {
			return why == ""
		}
		sel, ok := ast.Unparen(call.Fun).(*ast.SelectorExpr)
		if !ok {
			return true
		}
		id, ok := sel.X.(*ast.Ident)
		if !ok {
			return true
		}
		pkg, ok := info.Uses[id].(*types.PkgName)
		if !ok || !methodsSeen[pkg.Imported().Path()] {
			return true
		}
		for _, arg := range call.Args {
			if t := info.TypeOf(arg); t != nil {
				if name, ok := seen(t); ok {
					why = fmt.Sprintf("it hands %s, of %s, whose methods %s.%s would not find compiled, to %s.%s", types.ExprString(arg), name, id.Name, sel.Sel.Name, id.Name, sel.Sel.Name)
					return false
				}
			}
		}
		return true
	})
	return why
}

// foundMethods are the methods the functions of methodsSeen look for.
var foundMethods = map[string]bool{
	"String": true, "GoString": true, "Format": true, "Error": true,
	"MarshalJSON": true, "UnmarshalJSON": true, "MarshalText": true, "UnmarshalText": true,
	"MarshalXML": true, "UnmarshalXML": true,
}

// checkPlugin parses and type-checks a plugin's source, errors aside:
// what checks is in info, with the types, uses, definitions and
// selections of its expressions.
func checkPlugin(src string) (*token.FileSet, *ast.File, *types.Info, *types.Package, error) {
	fset := token.NewFileSet()
	f, err := parser.ParseFile(fset, "fn.go", src, parser.SkipObjectResolution)
	if err != nil {
		return nil, nil, nil, nil, err
	}
	info := &types.Info{
		Types:      map[ast.Expr]types.TypeAndValue{},
		Uses:       map[*ast.Ident]types.Object{},
		Defs:       map[*ast.Ident]types.Object{},
		Selections: map[*ast.SelectorExpr]*types.Selection{},
	}
	conf := types.Config{Importer: stdImporter(), Error: func(error) {}}
	pkg, _ := conf.Check(f.Name.Name, fset, []*ast.File{f}, info)
	return fset, f, info, pkg, nil
}

var (
	stdImporterOnce sync.Once
	stdImports      types.Importer
	stdImportsMu    sync.Mutex
)

// stdImporter returns the importer lowerMethods checks with: the standard
// library's packages, from their source, made once per process; other
// packages are left unchecked.
func stdImporter() types.Importer {
	stdImporterOnce.Do(func() {
		stdImports = importer.ForCompiler(token.NewFileSet(), "source", nil)
	})
	return importerFunc(func(path string) (*types.Package, error) {
		if first, _, _ := strings.Cut(path, "/"); strings.Contains(first, ".") {
			return nil, fmt.Errorf("%s is not checked", path)
		}
		stdImportsMu.Lock()
		defer stdImportsMu.Unlock()
		return stdImports.Import(path)
	})
}

// importerFunc is a function as a types.Importer.
type importerFunc func(path string) (*types.Package, error)

func (f importerFunc) Import(path string) (*types.Package, error) { return f(path) }
