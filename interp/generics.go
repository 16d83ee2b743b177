package interp

import (
	"cmp"
	"go/ast"
	"reflect"
	"slices"
	"sort"
	"strings"
)

// The generic functions of slices, maps and cmp (Go 1.21+) are missing
// from yaegi v0.16.1's symbol tables (a compiled generic function cannot
// be handed to an interpreter), and yaegi resolves no generic function of
// an imported source package. They are interpreted generic functions of
// the session's preamble, in the main package where yaegi instantiates
// them, named _slices_Sort and so on; a cell's slices.Sort(...) is
// rewritten to call them. maps.Keys and maps.Values return the function
// an iter.Seq is, which slices.Collect and slices.Sorted take.
//
// Sorting slices of Go's ordered basic types is done by compiled code
// (sortOrdered); other sorts call the cell's comparison through
// sort.Slice.

// genericPackages lists, for each package, the functions the preamble
// defines for it.
var genericPackages = map[string]map[string]bool{
	"slices": setOf("Sort", "SortFunc", "SortStableFunc", "IsSorted", "Max", "Min", "MaxFunc", "MinFunc",
		"BinarySearch", "BinarySearchFunc", "Reverse", "Compact", "Index", "IndexFunc", "Contains", "ContainsFunc", "Equal",
		"Clone", "Collect", "Sorted", "Values"),
	"maps": setOf("Keys", "Values", "Clone"),
	"cmp":  setOf("Compare", "Less"),
}

func setOf(names ...string) map[string]bool {
	set := make(map[string]bool, len(names))
	for _, n := range names {
		set[n] = true
	}
	return set
}

// genericName is the preamble's name of pkg.name.
func genericName(pkg, name string) string { return "_" + pkg + "_" + name }

// orderedConstraint is the preamble's cmp.Ordered.
const orderedConstraint = "_cmpOrdered"

// genericPreamble declares the generic functions, each an evaluation of
// its own.
var genericPreamble = []string{
	`type _cmpOrdered interface { ~int | ~int8 | ~int16 | ~int32 | ~int64 | ~uint | ~uint8 | ~uint16 | ~uint32 | ~uint64 | ~uintptr | ~float32 | ~float64 | ~string }`,
	`func _cmp_Compare[T _cmpOrdered](x, y T) int {
	xNaN, yNaN := x != x, y != y
	switch {
	case xNaN && yNaN:
		return 0
	case xNaN || x < y:
		return -1
	case yNaN || x > y:
		return 1
	}
	return 0
}`,
	`func _cmp_Less[T _cmpOrdered](x, y T) bool { return (x != x && y == y) || x < y }`,
	`func _slices_Sort[E _cmpOrdered](x []E) {
	if !_gosparklingSession.SortOrdered(x) {
		_gosparklingSession.SortSlice(x, func(i, j int) bool { return x[i] < x[j] })
	}
}`,
	`func _slices_SortFunc[E any](x []E, cmp func(a, b E) int) {
	_gosparklingSession.SortSlice(x, func(i, j int) bool { return cmp(x[i], x[j]) < 0 })
}`,
	`func _slices_SortStableFunc[E any](x []E, cmp func(a, b E) int) {
	_gosparklingSession.SortStable(x, func(i, j int) bool { return cmp(x[i], x[j]) < 0 })
}`,
	`func _slices_IsSorted[E _cmpOrdered](x []E) bool {
	for i := len(x) - 1; i > 0; i-- {
		if x[i] < x[i-1] {
			return false
		}
	}
	return true
}`,
	`func _slices_Max[E _cmpOrdered](x []E) E {
	if len(x) < 1 {
		panic("slices.Max: empty list")
	}
	m := x[0]
	for i := 1; i < len(x); i++ {
		if x[i] > m {
			m = x[i]
		}
	}
	return m
}`,
	`func _slices_Min[E _cmpOrdered](x []E) E {
	if len(x) < 1 {
		panic("slices.Min: empty list")
	}
	m := x[0]
	for i := 1; i < len(x); i++ {
		if x[i] < m {
			m = x[i]
		}
	}
	return m
}`,
	`func _slices_MaxFunc[E any](x []E, cmp func(a, b E) int) E {
	if len(x) < 1 {
		panic("slices.MaxFunc: empty list")
	}
	m := x[0]
	for i := 1; i < len(x); i++ {
		if cmp(x[i], m) > 0 {
			m = x[i]
		}
	}
	return m
}`,
	`func _slices_MinFunc[E any](x []E, cmp func(a, b E) int) E {
	if len(x) < 1 {
		panic("slices.MinFunc: empty list")
	}
	m := x[0]
	for i := 1; i < len(x); i++ {
		if cmp(x[i], m) < 0 {
			m = x[i]
		}
	}
	return m
}`,
	`func _slices_BinarySearch[E _cmpOrdered](x []E, target E) (int, bool) {
	lo, hi := 0, len(x)
	for lo < hi {
		h := int(uint(lo+hi) >> 1)
		if x[h] < target {
			lo = h + 1
		} else {
			hi = h
		}
	}
	return lo, lo < len(x) && x[lo] == target
}`,
	`func _slices_BinarySearchFunc[E, T any](x []E, target T, cmp func(E, T) int) (int, bool) {
	lo, hi := 0, len(x)
	for lo < hi {
		h := int(uint(lo+hi) >> 1)
		if cmp(x[h], target) < 0 {
			lo = h + 1
		} else {
			hi = h
		}
	}
	return lo, lo < len(x) && cmp(x[lo], target) == 0
}`,
	`func _slices_Reverse[E any](s []E) { _gosparklingSession.ReverseSlice(s) }`,
	`func _slices_Compact[E comparable](s []E) []E {
	if len(s) < 2 {
		return s
	}
	n := 1
	for k := 1; k < len(s); k++ {
		if s[k] != s[k-1] {
			s[n] = s[k]
			n++
		}
	}
	var zero E
	for k := n; k < len(s); k++ {
		s[k] = zero
	}
	return s[:n]
}`,
	`func _slices_Index[E comparable](s []E, v E) int {
	for i := range s {
		if s[i] == v {
			return i
		}
	}
	return -1
}`,
	`func _slices_IndexFunc[E any](s []E, f func(E) bool) int {
	for i := range s {
		if f(s[i]) {
			return i
		}
	}
	return -1
}`,
	`func _slices_Contains[E comparable](s []E, v E) bool {
	for i := range s {
		if s[i] == v {
			return true
		}
	}
	return false
}`,
	`func _slices_ContainsFunc[E any](s []E, f func(E) bool) bool {
	for i := range s {
		if f(s[i]) {
			return true
		}
	}
	return false
}`,
	`func _slices_Equal[E comparable](s1, s2 []E) bool {
	if len(s1) != len(s2) {
		return false
	}
	for i := range s1 {
		if s1[i] != s2[i] {
			return false
		}
	}
	return true
}`,
	`func _slices_Clone[E any](s []E) []E {
	if s == nil {
		return nil
	}
	return append([]E{}, s...)
}`,
	`func _slices_Values[E any](s []E) func(yield func(E) bool) {
	return func(yield func(E) bool) {
		for _, v := range s {
			if !yield(v) {
				return
			}
		}
	}
}`,
	`func _slices_Collect[E any](seq func(yield func(E) bool)) []E {
	var out []E
	seq(func(v E) bool {
		out = append(out, v)
		return true
	})
	return out
}`,
	`func _slices_Sorted[E _cmpOrdered](seq func(yield func(E) bool)) []E {
	var out []E
	seq(func(v E) bool {
		out = append(out, v)
		return true
	})
	if !_gosparklingSession.SortOrdered(out) {
		_gosparklingSession.SortSlice(out, func(i, j int) bool { return out[i] < out[j] })
	}
	return out
}`,
	`func _maps_Keys[K comparable, V any](m map[K]V) func(yield func(K) bool) {
	return func(yield func(K) bool) {
		for k := range m {
			if !yield(k) {
				return
			}
		}
	}
}`,
	`func _maps_Values[K comparable, V any](m map[K]V) func(yield func(V) bool) {
	return func(yield func(V) bool) {
		for _, v := range m {
			if !yield(v) {
				return
			}
		}
	}
}`,
	`func _maps_Clone[K comparable, V any](m map[K]V) map[K]V {
	if m == nil {
		return nil
	}
	out := make(map[K]V, len(m))
	for k, v := range m {
		out[k] = v
	}
	return out
}`,
}

// sortOrdered sorts, in compiled code, a slice of one of Go's ordered
// basic types, and reports whether x was one.
func sortOrdered(x any) bool {
	switch v := x.(type) {
	case []int:
		slices.Sort(v)
	case []int8:
		slices.Sort(v)
	case []int16:
		slices.Sort(v)
	case []int32:
		slices.Sort(v)
	case []int64:
		slices.Sort(v)
	case []uint:
		slices.Sort(v)
	case []uint8:
		slices.Sort(v)
	case []uint16:
		slices.Sort(v)
	case []uint32:
		slices.Sort(v)
	case []uint64:
		slices.Sort(v)
	case []float32:
		slices.SortFunc(v, cmp.Compare[float32])
	case []float64:
		slices.Sort(v)
	case []string:
		slices.Sort(v)
	default:
		return false
	}
	return true
}

// genericHelpers are the compiled helpers of the preamble's functions,
// in the session's package.
var genericHelpers = map[string]reflect.Value{
	"SortOrdered": reflect.ValueOf(sortOrdered),
	"SortSlice":   reflect.ValueOf(func(x any, less func(i, j int) bool) { sort.Slice(x, less) }),
	"SortStable":  reflect.ValueOf(func(x any, less func(i, j int) bool) { sort.SliceStable(x, less) }),
	// An interpreted swap of two elements of a []any fails in yaegi
	// (reflect.Set of an interface into its valueInterface).
	"ReverseSlice": reflect.ValueOf(func(x any) {
		swap := reflect.Swapper(x)
		for i, j := 0, reflect.ValueOf(x).Len()-1; i < j; i, j = i+1, j-1 {
			swap(i, j)
		}
	}),
}

// rewriteGenericCalls replaces, in a chunk, the selectors of the generic
// functions of slices, maps and cmp by the names of the preamble's, where
// the package's name is not a variable of the cell or the session.
func rewriteGenericCalls(c chunk, isVariable func(name string) bool) chunk {
	if c.kind == importChunk || !strings.Contains(c.src, "slices.") && !strings.Contains(c.src, "maps.") && !strings.Contains(c.src, "cmp.") {
		return c
	}
	fset, f, prefix, err := parseChunk(c, 0)
	if err != nil {
		return c
	}
	var edits []replacement
	ast.Inspect(f, func(n ast.Node) bool {
		sel, ok := n.(*ast.SelectorExpr)
		if !ok {
			return true
		}
		pkg, ok := sel.X.(*ast.Ident)
		// pkg.Obj is set where the chunk itself declares the name (a
		// parameter called cmp).
		if !ok || pkg.Obj != nil || !genericPackages[pkg.Name][sel.Sel.Name] || isVariable(pkg.Name) {
			return true
		}
		start, end := fset.Position(sel.Pos()).Offset-prefix, fset.Position(sel.End()).Offset-prefix
		edits = append(edits, replacement{start, end, genericName(pkg.Name, sel.Sel.Name)})
		return false
	})
	if len(edits) > 0 {
		c.src = applyReplacements(c.src, edits, 0, len(c.src))
	}
	return c
}

// genericResultType tells the type of a call of a preamble function whose
// result type is a type parameter, from the types of its arguments, for
// the minMaxRewriter ("" when it cannot be told).
func (m *minMaxRewriter) genericResultType(name string, args []ast.Expr) string {
	if len(args) == 0 {
		return ""
	}
	argType := func() string { t, _ := m.typeOf(args[0]); return t }
	switch name {
	case "_slices_Max", "_slices_Min", "_slices_MaxFunc", "_slices_MinFunc":
		return m.elemText(argType())
	case "_slices_Compact", "_slices_Clone", "_maps_Clone":
		return argType()
	case "_slices_Collect", "_slices_Sorted":
		seq, ok := args[0].(*ast.CallExpr)
		if !ok || len(seq.Args) != 1 {
			return ""
		}
		id, ok := seq.Fun.(*ast.Ident)
		if !ok {
			return ""
		}
		t, _ := m.typeOf(seq.Args[0])
		var elem string
		switch id.Name {
		case "_maps_Keys":
			elem = keyText(t)
		case "_maps_Values", "_slices_Values":
			elem = m.elemText(t)
		}
		if elem == "" {
			return ""
		}
		return "[]" + elem
	}
	return ""
}

// keyText returns the key type of a map type spelled by typeText.
func keyText(t string) string {
	if !strings.HasPrefix(t, "map[") {
		return ""
	}
	depth := 0
	for i := len("map"); i < len(t); i++ {
		switch t[i] {
		case '[':
			depth++
		case ']':
			if depth--; depth == 0 {
				return t[len("map["):i]
			}
		}
	}
	return ""
}
