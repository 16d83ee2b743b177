package parquet

import (
	"fmt"
	"math"
	"reflect"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/apache/arrow-go/v18/parquet"
	"github.com/apache/arrow-go/v18/parquet/schema"

	"github.com/gosparkling/gosparkling/internal/valuekind"
)

// maxDepth bounds the nesting of groups turned into columns.
const maxDepth = 6

var (
	timeType     = reflect.TypeFor[time.Time]()
	durationType = reflect.TypeFor[time.Duration]()
	bytesType    = reflect.TypeFor[[]byte]()
)

// shape is how a node of the column tree lays out its values.
type shape uint8

const (
	shapeNone  shape = iota // nothing but nils seen
	shapeLeaf               // one column
	shapeGroup              // columns named by the parts of the value (struct fields, map keys, Split)
	shapeList               // one column of lists of the element's values
)

// node is a column, or a group of columns, of the inferred schema; the root is the row.
type node struct {
	name     string // dotted column name; "" for the root
	depth    int
	shape    shape
	seen     valuekind.Set
	negative bool
	static   reflect.Type // the static Go type of a struct field, when not an interface

	// shapeGroup
	children []*node
	byName   map[string]*node
	// the kind of group: its values are of struct type typ (fields gives each child's field
	// index), maps (byKey), or split by Split (names)
	typ    reflect.Type
	fields []int
	isMap  bool

	elem *node // shapeList

	leaf int // index of the column, once the schema is built
}

// leafType is the Parquet type chosen for a leaf.
type leafType uint8

const (
	tNull leafType = iota
	tInt64
	tInt32 // with an Int(bits, signed) annotation
	tUint64
	tFloat32
	tFloat64
	tString
	tText // values of mixed or other kinds, formatted
	tBool
	tTimestamp
	tDuration
	tBytes
)

// inferrer builds the column tree from rows.
type inferrer struct {
	split func(any) ([]string, []any, bool)
	root  *node
}

func (n *node) child(name string) *node {
	if n.byName == nil {
		n.byName = map[string]*node{}
	}
	if c, ok := n.byName[name]; ok {
		return c
	}
	full := name
	if n.name != "" {
		full = n.name + "." + name
	}
	c := &node{name: full, depth: n.depth + 1}
	n.byName[name] = c
	n.children = append(n.children, c)
	return c
}

// fieldName returns the column name of a struct field, or "" to leave it out: its tag
// parquet:"name" (or display:"name", as tables show it), else its name.
func fieldName(f reflect.StructField) string {
	if !f.IsExported() {
		return ""
	}
	for _, key := range []string{"parquet", "display"} {
		if tag, ok := f.Tag.Lookup(key); ok {
			name, _, _ := strings.Cut(tag, ",")
			if name == "-" {
				return ""
			}
			if name != "" {
				return name
			}
		}
	}
	return f.Name
}

// degrade turns n into a leaf of text: its values are of mixed shapes.
func (n *node) degrade() {
	n.shape, n.children, n.byName, n.elem, n.typ, n.fields, n.isMap = shapeLeaf, nil, nil, nil, nil, nil, false
	n.seen |= 1 << valuekind.Other
}

// layoutStruct makes n a group of the fields of struct type t.
func (n *node) layoutStruct(t reflect.Type) {
	n.shape, n.typ = shapeGroup, t
	for i := 0; i < t.NumField(); i++ {
		f := t.Field(i)
		name := fieldName(f)
		if name == "" {
			continue
		}
		c := n.child(name)
		n.fields = append(n.fields, i)
		if f.Type.Kind() != reflect.Interface {
			c.static = f.Type
		}
	}
}

func (in *inferrer) observe(n *node, v any) {
	if v == nil {
		return
	}
	if n.shape == shapeLeaf && n.seen.Has(valuekind.Other) {
		return // text already: anything goes
	}
	if in.split != nil {
		if names, parts, ok := in.split(v); ok {
			switch {
			case n.shape == shapeNone && n.depth < maxDepth:
				n.shape = shapeGroup
			case n.shape == shapeGroup && n.typ == nil && !n.isMap:
			default:
				n.degrade()
				return
			}
			for i, name := range names {
				in.observe(n.child(name), parts[i])
			}
			return
		}
	}
	rv := reflect.ValueOf(v)
	for rv.Kind() == reflect.Pointer {
		if rv.IsNil() {
			return
		}
		rv = rv.Elem()
	}
	t := rv.Type()
	switch {
	case t == timeType:
		n.see(valuekind.Time)
	case t == durationType:
		n.see(valuekind.Duration)
	case t == bytesType || (t.Kind() == reflect.Slice && t.Elem().Kind() == reflect.Uint8):
		n.see(valuekind.Bytes)
	case t.Kind() == reflect.Struct:
		switch {
		case n.shape == shapeNone && n.depth < maxDepth:
			n.layoutStruct(t)
		case n.shape == shapeGroup && n.typ == t:
		default:
			n.degrade()
			return
		}
		for i, c := range n.children {
			in.observe(c, rv.Field(n.fields[i]).Interface())
		}
	case t.Kind() == reflect.Map && t.Key().Kind() == reflect.String:
		switch {
		case n.shape == shapeNone && n.depth < maxDepth:
			n.shape, n.isMap = shapeGroup, true
		case n.shape == shapeGroup && n.isMap:
		default:
			n.degrade()
			return
		}
		iter := rv.MapRange()
		for iter.Next() {
			in.observe(n.child(iter.Key().String()), iter.Value().Interface())
		}
	case t.Kind() == reflect.Slice || t.Kind() == reflect.Array:
		switch {
		case n.shape == shapeNone && n.depth < maxDepth:
			n.shape = shapeList
			n.elem = &node{name: n.name, depth: maxDepth} // elements are leaves
			if e := t.Elem(); e.Kind() != reflect.Interface {
				n.elem.static = e
			}
		case n.shape == shapeList:
		default:
			n.degrade()
			return
		}
		for i := 0; i < rv.Len(); i++ {
			in.observe(n.elem, rv.Index(i).Interface())
		}
	default:
		switch rv.Kind() {
		case reflect.String:
			n.see(valuekind.String)
		case reflect.Bool:
			n.see(valuekind.Bool)
		case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64:
			n.see(valuekind.Int)
			if rv.Int() < 0 {
				n.negative = true
			}
		case reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64, reflect.Uintptr:
			if rv.Uint() > math.MaxInt64 {
				n.see(valuekind.Uint)
			} else {
				n.see(valuekind.Int)
			}
		case reflect.Float32:
			n.see(valuekind.Float32)
		case reflect.Float64:
			n.see(valuekind.Float64)
		default:
			n.see(valuekind.Other)
		}
	}
}

// see records a scalar of kind k at n.
func (n *node) see(k valuekind.Kind) {
	switch n.shape {
	case shapeNone:
		n.shape = shapeLeaf
	case shapeLeaf:
	default:
		n.degrade()
		return
	}
	n.seen |= 1 << k
}

// staticLeaf returns the leaf type a static Go type gives, if it settles it.
func staticLeaf(t reflect.Type) (leafType, int8, bool) {
	for t != nil && t.Kind() == reflect.Pointer {
		t = t.Elem()
	}
	switch {
	case t == nil:
		return 0, 0, false
	case t == timeType:
		return tTimestamp, 0, true
	case t == durationType:
		return tDuration, 0, true
	case t.Kind() == reflect.Slice && t.Elem().Kind() == reflect.Uint8:
		return tBytes, 0, true
	}
	switch t.Kind() {
	case reflect.String:
		return tString, 0, true
	case reflect.Bool:
		return tBool, 0, true
	case reflect.Int8:
		return tInt32, 8, true
	case reflect.Int16:
		return tInt32, 16, true
	case reflect.Int32:
		return tInt32, 32, true
	case reflect.Int, reflect.Int64:
		return tInt64, 0, true
	case reflect.Uint8:
		return tInt32, -8, true
	case reflect.Uint16:
		return tInt32, -16, true
	case reflect.Uint32:
		return tInt32, -32, true
	case reflect.Uint, reflect.Uint64, reflect.Uintptr:
		return tUint64, 0, true
	case reflect.Float32:
		return tFloat32, 0, true
	case reflect.Float64:
		return tFloat64, 0, true
	}
	return 0, 0, false
}

// leafTypeOf chooses the type of a leaf from what was seen: as display does, integers are
// int64 (uint64 when some only fit unsigned), numbers mixing integers and floats float64,
// float32 only when all are; mixed kinds and other values are text; a static type settles it.
func leafTypeOf(n *node) (leafType, int8) {
	if t, bits, ok := staticLeaf(n.static); ok {
		return t, bits
	}
	if t, ok := columnLeafTypes[n.seen.Column(n.negative)]; ok {
		return t, 0
	}
	return tText, 0
}

// columnLeafTypes are the leaf types of the kinds a column of values takes
// (valuekind.Set.Column); values of any other kind are text.
var columnLeafTypes = map[valuekind.Kind]leafType{
	valuekind.Null: tNull, valuekind.Int: tInt64, valuekind.Uint: tUint64, valuekind.Float32: tFloat32,
	valuekind.Float64: tFloat64, valuekind.String: tString, valuekind.Bool: tBool, valuekind.Time: tTimestamp,
	valuekind.Duration: tDuration, valuekind.Bytes: tBytes,
}

// column is one leaf of the built schema.
type column struct {
	name  string
	node  *node
	typ   leafType
	bits  int8 // tInt32: the annotation's width, negative for unsigned
	list  bool
	pnode schema.Node
}

// build turns the column tree into a Parquet schema: one optional column per leaf, named
// by its dotted path, children of maps sorted by key.
func (in *inferrer) build() (*schema.GroupNode, []*column, error) {
	var cols []*column
	var walk func(n *node, name string)
	walk = func(n *node, name string) {
		switch n.shape {
		case shapeGroup:
			if n.isMap {
				slices.SortFunc(n.children, func(a, b *node) int { return strings.Compare(a.name, b.name) })
			}
			for _, c := range n.children {
				walk(c, c.name)
			}
			return
		case shapeNone:
			if n.static != nil {
				t := deref(n.static)
				switch {
				case t.Kind() == reflect.Struct && t != timeType && n.depth < maxDepth:
					n.layoutStruct(t)
					walk(n, name)
					return
				case (t.Kind() == reflect.Slice || t.Kind() == reflect.Array) && t.Elem().Kind() != reflect.Uint8:
					n.shape = shapeList
					n.elem = &node{name: n.name, depth: maxDepth, static: t.Elem()}
					if t.Elem().Kind() == reflect.Interface {
						n.elem.static = nil
					}
				}
			}
		}
		if name == "" {
			name = "value"
		}
		c := &column{name: name, node: n}
		if n.shape == shapeList {
			c.list = true
			c.typ, c.bits = leafTypeOf(n.elem)
		} else {
			c.typ, c.bits = leafTypeOf(n)
		}
		n.leaf = len(cols)
		cols = append(cols, c)
	}
	walk(in.root, "")
	seen := map[string]bool{}
	var fields schema.FieldList
	for _, c := range cols {
		if seen[c.name] {
			return nil, nil, fmt.Errorf("two columns are named %q", c.name)
		}
		seen[c.name] = true
		rep := parquet.Repetitions.Optional
		leafName := c.name
		if c.list {
			leafName = "element"
		}
		pn, err := primitiveNode(leafName, rep, c.typ, c.bits)
		if err != nil {
			return nil, nil, fmt.Errorf("column %q: %w", c.name, err)
		}
		var field schema.Node = pn
		if c.list {
			g, err := schema.ListOf(pn, parquet.Repetitions.Optional, -1)
			if err != nil {
				return nil, nil, fmt.Errorf("column %q: %w", c.name, err)
			}
			g, err = renameList(g, c.name)
			if err != nil {
				return nil, nil, fmt.Errorf("column %q: %w", c.name, err)
			}
			field = g
		}
		c.pnode = field
		fields = append(fields, field)
	}
	root, err := schema.NewGroupNode("schema", parquet.Repetitions.Required, fields, -1)
	if err != nil {
		return nil, nil, err
	}
	return root, cols, nil
}

func deref(t reflect.Type) reflect.Type {
	for t.Kind() == reflect.Pointer {
		t = t.Elem()
	}
	return t
}

// renameList names a list made by schema.ListOf (which names it after its element).
func renameList(g *schema.GroupNode, name string) (*schema.GroupNode, error) {
	inner := g.Field(0).(*schema.GroupNode)
	elem := inner.Field(0)
	repeated, err := schema.NewGroupNode("list", parquet.Repetitions.Repeated, schema.FieldList{elem}, -1)
	if err != nil {
		return nil, err
	}
	return schema.NewGroupNodeLogical(name, parquet.Repetitions.Optional, schema.FieldList{repeated}, schema.NewListLogicalType(), -1)
}

// primitiveNode returns the Parquet column of a leaf type.
func primitiveNode(name string, rep parquet.Repetition, t leafType, bits int8) (*schema.PrimitiveNode, error) {
	logical := func(lt schema.LogicalType, pt parquet.Type) (*schema.PrimitiveNode, error) {
		return schema.NewPrimitiveNodeLogical(name, rep, lt, pt, -1, -1)
	}
	switch t {
	case tNull:
		return logical(schema.NullLogicalType{}, parquet.Types.Int32)
	case tInt64, tDuration:
		return schema.NewPrimitiveNode(name, rep, parquet.Types.Int64, -1, -1)
	case tInt32:
		if bits < 0 {
			return logical(schema.NewIntLogicalType(-bits, false), parquet.Types.Int32)
		}
		return logical(schema.NewIntLogicalType(bits, true), parquet.Types.Int32)
	case tUint64:
		return logical(schema.NewIntLogicalType(64, false), parquet.Types.Int64)
	case tFloat32:
		return schema.NewPrimitiveNode(name, rep, parquet.Types.Float, -1, -1)
	case tFloat64:
		return schema.NewPrimitiveNode(name, rep, parquet.Types.Double, -1, -1)
	case tString, tText:
		return logical(schema.StringLogicalType{}, parquet.Types.ByteArray)
	case tBool:
		return schema.NewPrimitiveNode(name, rep, parquet.Types.Boolean, -1, -1)
	case tTimestamp:
		return logical(schema.NewTimestampLogicalType(true, schema.TimeUnitMicros), parquet.Types.Int64)
	case tBytes:
		return schema.NewPrimitiveNode(name, rep, parquet.Types.ByteArray, -1, -1)
	}
	return nil, fmt.Errorf("unknown leaf type %d", t)
}

// formatText writes a value of a text column, as display's tables show it: strings as they
// are, times in RFC 3339, pointers followed, nil pointers as "null".
func formatText(v any) string {
	switch x := v.(type) {
	case string:
		return x
	case time.Time:
		return x.Format(time.RFC3339Nano)
	case []byte:
		return strconv.Quote(string(x))
	case fmt.Stringer:
		return x.String()
	}
	rv := reflect.ValueOf(v)
	for rv.Kind() == reflect.Pointer {
		if rv.IsNil() {
			return "null"
		}
		rv = rv.Elem()
	}
	return fmt.Sprint(rv.Interface())
}
