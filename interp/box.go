package interp

import (
	"bytes"
	"fmt"
	"go/ast"
	"go/format"
	"go/token"
	"go/types"
	"strings"

	"golang.org/x/tools/go/ast/astutil"
)

// Boxing struct values. yaegi makes the struct types of cells with
// reflect.StructOf; a plugin has its own descriptors of the same types.
// A value boxed in an interface carries its descriptor, and Go compares
// boxed values, and the engine's and the interpreter's maps key them, by
// descriptor too: a key a compiled function made (rdd.KV(shape{...}, 1))
// would not equal the same key the interpreter made, and a job that
// switches tiers in its middle would count it twice. A plugin whose source
// has a boxDirective is rewritten by its build (boxStructs) so that every
// value whose type has a struct it does not name (a cell's, or a literal
// struct type) is boxed through gsBox, which gives it the descriptor
// reflect's constructors give that type (gsCanonType): the interpreter's,
// which made it with them first.

// boxDirective marks a plugin's source for boxStructs.
const boxDirective = "//gosparkling:box"

// structHelpers are the functions through which a plugin that uses
// structs it does not name boxes them (gsBox, which boxStructs puts where
// they convert to interfaces) and asserts them (gsAs, gsAs2: its own
// assertions to cells' types, and its fast forms', see fastShape). A value
// yaegi or gsBox boxed has the canonical descriptor of its type, which
// Go's assertions to the plugin's own type reject: the types being
// identical, the helpers give the interface value the other descriptor,
// which changes nothing else (the layout, the pointers the collector
// scans, equality and hashing are those of the same type).
const structHelpers = `// gsEface is an interface value as Go lays it out.
type gsEface struct{ typ, data unsafe.Pointer }

// gsWordPair is the type word of a plugin's type, with that of the
// canonical type reflect's constructors make of it.
type gsWordPair struct{ own, canon unsafe.Pointer }

// gsPairs are the pairs the plugin met, searched without a lock;
// gsMorePairs those beyond. The array is on the heap: built with -race,
// a plugin whose atomics worked on an array of its own variables crashed
// the race detector ("failed to restore address").
var (
	gsPairs     = new([32]atomic.Pointer[gsWordPair])
	gsMorePairs sync.Map
)

// gsPairOf returns the pair whose own (or, canon, canonical) word is w,
// making it of t when it is not known yet.
func gsPairOf(w unsafe.Pointer, canon bool, t func() reflect.Type) (gsWordPair, bool) {
	for i := range gsPairs {
		p := gsPairs[i].Load()
		if p == nil {
			break
		}
		if !canon && p.own == w || canon && p.canon == w {
			return *p, true
		}
	}
	if p, ok := gsMorePairs.Load(w); ok {
		return p.(gsWordPair), true
	}
	if t == nil {
		return gsWordPair{}, false
	}
	own, c := reflect.New(t()).Elem().Interface(), reflect.New(gsCanonType(t())).Elem().Interface()
	p := &gsWordPair{(*gsEface)(unsafe.Pointer(&own)).typ, (*gsEface)(unsafe.Pointer(&c)).typ}
	if !canon && p.own != w || canon && p.canon != w {
		return gsWordPair{}, false
	}
	for i := range gsPairs {
		if gsPairs[i].CompareAndSwap(nil, p) {
			return *p, true
		}
		if q := gsPairs[i].Load(); q.own == p.own {
			return *q, true
		}
	}
	gsMorePairs.Store(w, *p)
	return *p, true
}

// gsBox boxes v with the canonical descriptor of its type.
func gsBox[T any](v T) any {
	x := any(v)
	e := (*gsEface)(unsafe.Pointer(&x))
	if e.typ != nil {
		if p, ok := gsPairOf(e.typ, false, reflect.TypeFor[T]); ok {
			e.typ = p.canon
		}
	}
	return x
}

func gsAs[T any](x any) T {
	if v, ok := gsAs2[T](x); ok {
		return v
	}
	return x.(T)
}

func gsAs2[T any](x any) (T, bool) {
	if v, ok := x.(T); ok {
		return v, true
	}
	e := (*gsEface)(unsafe.Pointer(&x))
	if e.typ != nil {
		if p, ok := gsPairOf(e.typ, true, reflect.TypeFor[T]); ok {
			e.typ = p.own
			v, ok := x.(T)
			return v, ok
		}
	}
	var zero T
	return zero, false
}

// gsCanonType returns the type reflect's constructors make of t: the
// interpreter's, which made its types with them.
func gsCanonType(t reflect.Type) reflect.Type {
	if t.Name() != "" {
		return t
	}
	switch t.Kind() {
	case reflect.Struct:
		fields := make([]reflect.StructField, t.NumField())
		for i := range fields {
			f := t.Field(i)
			fields[i] = reflect.StructField{Name: f.Name, PkgPath: f.PkgPath, Type: gsCanonType(f.Type), Tag: f.Tag, Anonymous: f.Anonymous}
		}
		return reflect.StructOf(fields)
	case reflect.Slice:
		return reflect.SliceOf(gsCanonType(t.Elem()))
	case reflect.Array:
		return reflect.ArrayOf(t.Len(), gsCanonType(t.Elem()))
	case reflect.Pointer:
		return reflect.PointerTo(gsCanonType(t.Elem()))
	case reflect.Map:
		return reflect.MapOf(gsCanonType(t.Key()), gsCanonType(t.Elem()))
	}
	return t
}`

// rewritePlugin returns src, a plugin's source, as its build compiles
// it: its methods lowered (lowerMethods), its structs boxed (boxStructs)
// when its directives say so.
func rewritePlugin(src string) (string, error) {
	box := strings.Contains(src, "\n"+boxDirective+"\n")
	src, err := lowerMethods(src)
	if err != nil || !box {
		return src, err
	}
	return boxStructs(src)
}

// boxStructs returns src, a plugin's source with structHelpers, with each
// conversion of a value whose type has an unnamed struct to an interface
// (an argument, a result, an assignment, an element of a composite
// literal, a map key, a comparison, a send) made through gsBox.
func boxStructs(src string) (string, error) {
	fset, f, info, _, err := checkPlugin(src)
	if err != nil {
		return "", fmt.Errorf("boxing structs: %v", err)
	}
	box := map[ast.Expr]bool{}
	// to marks e for boxing when it converts to target. A target the
	// check could not tell (of a package other than the standard
	// library's, which the importer does not have) counts as an
	// interface: a struct of a cell can go nowhere else there.
	to := func(e ast.Expr, target types.Type) {
		unknown := target == nil || target == types.Typ[types.Invalid]
		if e == nil || !unknown && !types.IsInterface(target) {
			return
		}
		tv, ok := info.Types[e]
		if !ok || tv.Type == nil || types.IsInterface(tv.Type) || !tv.IsValue() {
			return
		}
		if hasUnnamedStruct(tv.Type, map[types.Type]bool{}) {
			box[e] = true
		}
	}
	var results []*types.Tuple // of the functions around the node
	var visit func(n ast.Node) bool
	visit = func(n ast.Node) bool {
		switch n := n.(type) {
		case *ast.FuncDecl:
			if obj, ok := info.Defs[n.Name].(*types.Func); ok && n.Body != nil {
				results = append(results, obj.Type().(*types.Signature).Results())
				ast.Inspect(n.Body, visit)
				results = results[:len(results)-1]
			}
			return false
		case *ast.FuncLit:
			if sig, ok := info.TypeOf(n).(*types.Signature); ok {
				results = append(results, sig.Results())
				ast.Inspect(n.Body, visit)
				results = results[:len(results)-1]
			}
			return false
		case *ast.ReturnStmt:
			if len(results) > 0 {
				if r := results[len(results)-1]; r.Len() == len(n.Results) {
					for i, e := range n.Results {
						to(e, r.At(i).Type())
					}
				}
			}
		case *ast.CallExpr:
			tv := info.Types[n.Fun]
			switch {
			case tv.IsType():
				if len(n.Args) == 1 {
					to(n.Args[0], tv.Type)
				}
			case tv.IsBuiltin():
				if id, ok := ast.Unparen(n.Fun).(*ast.Ident); ok && id.Name == "append" && len(n.Args) > 1 && !n.Ellipsis.IsValid() {
					if s, ok := info.TypeOf(n.Args[0]).Underlying().(*types.Slice); ok {
						for _, a := range n.Args[1:] {
							to(a, s.Elem())
						}
					}
				}
			default:
				sig, ok := info.TypeOf(n.Fun).(*types.Signature)
				if !ok {
					for _, a := range n.Args {
						to(a, nil)
					}
					break
				}
				for i, a := range n.Args {
					switch {
					case sig.Variadic() && i >= sig.Params().Len()-1:
						if !n.Ellipsis.IsValid() {
							to(a, sig.Params().At(sig.Params().Len()-1).Type().(*types.Slice).Elem())
						}
					case i < sig.Params().Len():
						to(a, sig.Params().At(i).Type())
					}
				}
			}
		case *ast.AssignStmt:
			if n.Tok == token.ASSIGN && len(n.Lhs) == len(n.Rhs) {
				for i, l := range n.Lhs {
					to(n.Rhs[i], info.TypeOf(l))
				}
			}
		case *ast.ValueSpec:
			if n.Type != nil {
				for _, v := range n.Values {
					to(v, info.TypeOf(n.Type))
				}
			}
		case *ast.CompositeLit:
			t := info.TypeOf(n)
			if t == nil || t == types.Typ[types.Invalid] {
				for _, e := range n.Elts {
					if kv, ok := e.(*ast.KeyValueExpr); ok {
						e = kv.Value
					}
					to(e, nil)
				}
				break
			}
			switch u := t.Underlying().(type) {
			case *types.Struct:
				for i, e := range n.Elts {
					if kv, ok := e.(*ast.KeyValueExpr); ok {
						if id, ok := kv.Key.(*ast.Ident); ok {
							for j := range u.NumFields() {
								if u.Field(j).Name() == id.Name {
									to(kv.Value, u.Field(j).Type())
								}
							}
						}
					} else if i < u.NumFields() {
						to(e, u.Field(i).Type())
					}
				}
			case *types.Slice, *types.Array:
				elem := u.(interface{ Elem() types.Type }).Elem()
				for _, e := range n.Elts {
					if kv, ok := e.(*ast.KeyValueExpr); ok {
						e = kv.Value
					}
					to(e, elem)
				}
			case *types.Map:
				for _, e := range n.Elts {
					if kv, ok := e.(*ast.KeyValueExpr); ok {
						to(kv.Key, u.Key())
						to(kv.Value, u.Elem())
					}
				}
			}
		case *ast.IndexExpr:
			if m, ok := info.TypeOf(n.X).Underlying().(*types.Map); ok {
				to(n.Index, m.Key())
			}
		case *ast.SendStmt:
			if c, ok := info.TypeOf(n.Chan).Underlying().(*types.Chan); ok {
				to(n.Value, c.Elem())
			}
		case *ast.BinaryExpr:
			if n.Op == token.EQL || n.Op == token.NEQ {
				to(n.X, info.TypeOf(n.Y))
				to(n.Y, info.TypeOf(n.X))
			}
		}
		return true
	}
	ast.Inspect(f, visit)
	if len(box) == 0 {
		return src, nil
	}
	astutil.Apply(f, nil, func(c *astutil.Cursor) bool {
		if e, ok := c.Node().(ast.Expr); ok && box[e] {
			c.Replace(&ast.CallExpr{Fun: ast.NewIdent("gsBox"), Args: []ast.Expr{e}})
		}
		return true
	})
	var out bytes.Buffer
	if err := format.Node(&out, fset, f); err != nil {
		return "", fmt.Errorf("boxing structs: %v", err)
	}
	return out.String(), nil
}

// hasUnnamedStruct reports whether a value of t holds a struct of a type
// without a name (other than through a named type of a package).
func hasUnnamedStruct(t types.Type, seen map[types.Type]bool) bool {
	t = types.Unalias(t)
	if seen[t] {
		return false
	}
	seen[t] = true
	switch u := t.(type) {
	case *types.Named:
		return false
	case *types.Struct:
		return true
	case *types.Pointer:
		return hasUnnamedStruct(u.Elem(), seen)
	case *types.Slice:
		return hasUnnamedStruct(u.Elem(), seen)
	case *types.Array:
		return hasUnnamedStruct(u.Elem(), seen)
	case *types.Map:
		return hasUnnamedStruct(u.Key(), seen) || hasUnnamedStruct(u.Elem(), seen)
	}
	return false
}

// mentionsStruct reports whether the Go source of a type has a struct
// type written out (a plugin names a cell's struct so).
func mentionsStruct(typ string) bool {
	return strings.Contains(typ, "struct{") || strings.Contains(typ, "struct {")
}
