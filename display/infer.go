package display

import (
	"math"
	"reflect"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/array"
	"github.com/apache/arrow-go/v18/arrow/memory"

	"github.com/gosparkling/gosparkling/internal/valuekind"
	"github.com/gosparkling/gosparkling/rdd"
)

// kind classifies a value for type inference, as fileio/parquet does too
// (package valuekind): the short names of its kinds follow.
type kind = valuekind.Kind

const (
	kNull     = valuekind.Null     // nil, or a nil pointer
	kInt      = valuekind.Int      // an integer that fits int64
	kUint     = valuekind.Uint     // an unsigned integer (above math.MaxInt64 once observed)
	kFloat32  = valuekind.Float32  // a float32
	kFloat64  = valuekind.Float64  // a float64
	kString   = valuekind.String   // a string
	kBool     = valuekind.Bool     // a bool
	kTime     = valuekind.Time     // a time.Time
	kDuration = valuekind.Duration // a time.Duration
	kBytes    = valuekind.Bytes    // a []byte
	kOther    = valuekind.Other    // anything else, rendered with fmt
	kPair     = valuekind.Pair     // an rdd.Pair: makes columns
	kStruct   = valuekind.Struct   // a struct: may make columns
)

// kindSet is a set of kinds, one bit per kind.
type kindSet = valuekind.Set

const numberKinds = valuekind.Numbers

// maxDepth bounds the nesting of pairs and structs turned into columns, so
// that self-referencing values end.
const maxDepth = 6

// mapSampleRows bounds the rows, beyond those built, whose maps are looked
// at to infer the columns of rows that are maps with string keys (see
// inferTable).
const mapSampleRows = 1000

// shape is how a node of the column tree lays out its values.
type shape uint8

const (
	shapeNone   shape = iota // no value seen yet: a leaf
	shapeLeaf                // one column
	shapePair                // two children: key and value
	shapeStruct              // one child per exported field
	shapeMap                 // one child per key of maps with string keys
	shapeList                // one child per index of rows that are slices or arrays
)

// maxListColumns bounds the columns that rows which are slices or arrays
// make; rows longer than that are shown as text in one column.
const maxListColumns = 100

// node is a column, or a group of columns, of the inferred schema. The root
// stands for the whole row.
type node struct {
	name       string // dotted column name; "" for the root
	depth      int
	shape      shape
	structured bool    // a pair or struct was observed here
	seen       kindSet // leaves: kinds of the observed values
	negative   bool    // leaves: a negative integer was observed
	hint       kind    // leaves: kind of the static type, used when no value was seen

	typ      reflect.Type // shapeStruct: the struct type
	fields   []int        // shapeStruct: field index of each child
	children []*node

	// mapOK reports that maps with string keys may make columns here:
	// true at the root and at the children of pairs where it is true, so
	// that rows, and the values of pairs, that are such maps make a column
	// per key, while maps inside them are text.
	mapOK bool
	// listOK reports that slices and arrays (bytes excepted) make a
	// column per index here: true at the root only, so that a [][]string
	// or [][]any of rows is a table of columns "0", "1"..., as pandas
	// makes a DataFrame from a list of lists.
	listOK bool
	key    string           // children of shapeMap: the map key of the column
	byKey  map[string]*node // shapeMap: the child of each key
	// elemType (shapeMap) is the static type of the map's values, seeding
	// each new child; nil if unknown or an interface.
	elemType reflect.Type

	// fixed (shapeStruct) reports that the static types of the fields
	// settle every column under n, so that values of typ need not be
	// looked at to infer them.
	fixed bool
	// rowed reports that values at n were replaced by their rows (see
	// rowOf): a TableRower or a value with a row adapter was seen, or is
	// the static type.
	rowed bool
	// omitEmpty (leaves) reports that the column is left out when all its
	// values are zero, as the struct tag option omitempty asks; nonEmpty
	// that a value that is not was appended.
	omitEmpty, nonEmpty bool

	col *column // leaves, while building a record
}

func (n *node) child(name string) *node {
	if n.name != "" {
		name = n.name + "." + name
	}
	return &node{name: name, depth: n.depth + 1, omitEmpty: n.omitEmpty}
}

// observe records v, one row's value at n.
func (n *node) observe(v any) {
	switch x := v.(type) {
	case nil:
	case rdd.Pair:
		n.observePair(x)
	case string:
		n.see(kString)
	case int:
		n.seeInt(int64(x))
	case int64:
		n.seeInt(x)
	case int32:
		n.seeInt(int64(x))
	case int16:
		n.seeInt(int64(x))
	case int8:
		n.seeInt(int64(x))
	case uint8, uint16, uint32:
		n.see(kInt)
	case uint:
		n.seeUint(uint64(x))
	case uint64:
		n.seeUint(x)
	case float64:
		n.see(kFloat64)
	case float32:
		n.see(kFloat32)
	case bool:
		n.see(kBool)
	case time.Time:
		n.see(kTime)
	case time.Duration:
		n.see(kDuration)
	case []byte:
		n.see(kBytes)
	default:
		n.observeOther(v)
	}
}

// observeOther is observe for values of the less common types, which it
// classifies with reflection; TableRowers and values with a row adapter
// are replaced by their rows.
func (n *node) observeOther(v any) {
	if r, ok := v.(TableRower); ok {
		n.rowed = true
		v = tableRow(r)
	}
	if a, ok := rowAdapters[reflect.TypeOf(v)]; ok {
		n.rowed = true
		if isNilPointer(v) {
			return
		}
		if n.shape == shapeNone {
			n.seed(a.typ)
		}
		if n.shape == shapeStruct && n.typ == a.typ && n.fixed {
			n.structured = true
			return // the row's static type settles its columns: no need to make it
		}
		v = a.make(v)
	}
	if n.mapOK {
		if m, ok := v.(map[string]any); ok {
			n.observeAnyMap(m)
			return
		}
		if v != nil && isKeyedMap(reflect.TypeOf(v)) {
			if _, rv := inspect(v); rv.Kind() == reflect.Map {
				n.observeMap(rv)
			}
			return
		}
	}
	if n.listOK && v != nil && isListType(reflect.TypeOf(v)) {
		n.observeList(reflect.ValueOf(v))
		return
	}
	switch k, rv := inspect(v); k {
	case kNull:
	case kPair:
		n.observePair(rv.Interface().(rdd.Pair))
	case kStruct:
		n.observeStruct(rv)
	case kInt:
		n.seeInt(rv.Int())
	case kUint:
		n.seeUint(rv.Uint())
	default:
		n.see(k)
	}
}

func (n *node) observePair(p rdd.Pair) {
	switch {
	case n.shape == shapeNone && n.depth < maxDepth:
		n.makePair()
	case n.shape == shapePair:
	default:
		n.see(kOther)
		return
	}
	n.structured = true
	n.children[0].observe(p.Key)
	n.children[1].observe(p.Value)
}

func (n *node) observeStruct(rv reflect.Value) {
	switch {
	case n.shape == shapeNone && n.depth < maxDepth && n.layoutStruct(rv.Type()):
	case n.shape == shapeStruct && n.typ == rv.Type():
	default:
		n.see(kOther)
		return
	}
	n.structured = true
	if n.fixed {
		return
	}
	for i, c := range n.children {
		c.observe(rv.Field(n.fields[i]).Interface())
	}
}

// isKeyedMap reports whether values of type t are maps with string keys
// that make a column per key where a row or a pair's value is expected:
// maps, or pointers to maps, whose keys are of kind string and that have
// no String or Error method.
func isKeyedMap(t reflect.Type) bool {
	if t.Implements(stringerType) || t.Implements(errorType) {
		return false
	}
	for t.Kind() == reflect.Pointer {
		t = t.Elem()
	}
	return t.Kind() == reflect.Map && t.Key().Kind() == reflect.String
}

// isListType reports whether values of type t are slices or arrays that
// make a column per index where a row is expected: not bytes, and with no
// String or Error method.
func isListType(t reflect.Type) bool {
	if t.Implements(stringerType) || t.Implements(errorType) {
		return false
	}
	return (t.Kind() == reflect.Slice || t.Kind() == reflect.Array) && t.Elem().Kind() != reflect.Uint8
}

// observeList records rv, a slice or array that is one row: a column per
// index, as many as the longest row has (at most maxListColumns: longer
// rows make n one column of text).
func (n *node) observeList(rv reflect.Value) {
	switch {
	case n.shape == shapeNone && n.depth < maxDepth:
		n.shape = shapeList
	case n.shape == shapeList:
	default:
		n.see(kOther)
		return
	}
	if rv.Len() > maxListColumns {
		n.see(kOther)
		return
	}
	n.structured = true
	for i := range rv.Len() {
		if i == len(n.children) {
			c := n.child(strconv.Itoa(i))
			c.seed(n.elemType)
			n.children = append(n.children, c)
		}
		n.children[i].observe(rv.Index(i).Interface())
	}
}

// startMap makes n a group of the keys of maps, or reports false, turning
// n into a leaf of text, if values of another shape were seen there.
func (n *node) startMap() bool {
	switch {
	case n.shape == shapeNone && n.depth < maxDepth:
		n.shape = shapeMap
	case n.shape == shapeMap:
	default:
		n.see(kOther)
		return false
	}
	n.structured = true
	return true
}

// keyedValue is an entry of a map, while its new keys are sorted.
type keyedValue struct {
	key string
	v   any
}

// observeAnyMap is observeMap for the map[string]any of ParquetFile and of
// parsed JSON, without reflection.
func (n *node) observeAnyMap(m map[string]any) {
	if !n.startMap() {
		return
	}
	var added []keyedValue
	for k, v := range m {
		if c := n.byKey[k]; c != nil {
			c.observe(v)
		} else {
			added = append(added, keyedValue{k, v})
		}
	}
	n.addKeys(added)
}

// observeMap records rv, a map with string keys (see isKeyedMap), one
// row's value at n: a column per key, the union of the keys of the maps
// seen in the order they are first seen (those new in one map sorted,
// since maps have no order).
func (n *node) observeMap(rv reflect.Value) {
	if !n.startMap() {
		return
	}
	var added []keyedValue
	for it := rv.MapRange(); it.Next(); {
		k, v := it.Key().String(), it.Value().Interface()
		if c := n.byKey[k]; c != nil {
			c.observe(v)
		} else {
			added = append(added, keyedValue{k, v})
		}
	}
	n.addKeys(added)
}

// addKeys makes a column of each of the new keys of a map, in sorted
// order, and records their values.
func (n *node) addKeys(added []keyedValue) {
	if len(added) == 0 {
		return
	}
	slices.SortFunc(added, func(a, b keyedValue) int { return strings.Compare(a.key, b.key) })
	if n.byKey == nil {
		n.byKey = make(map[string]*node, len(added))
	}
	for _, e := range added {
		c := n.child(e.key)
		c.key = e.key
		c.seed(n.elemType)
		n.byKey[e.key] = c
		n.children = append(n.children, c)
		c.observe(e.v)
	}
}

// see records a value of kind k, turning n into a leaf: values of several
// shapes in one place make a single column rendered with fmt.
func (n *node) see(k kind) {
	if n.shape != shapeLeaf {
		n.makeLeaf()
	}
	n.seen |= 1 << k
}

// makeLeaf turns n into a leaf, of text if pairs, structs or maps were
// seen there.
func (n *node) makeLeaf() {
	if n.structured {
		n.seen |= 1 << kOther
	}
	n.shape, n.typ, n.fields, n.children = shapeLeaf, nil, nil, nil
	n.byKey, n.elemType = nil, nil
}

func (n *node) seeInt(x int64) {
	n.see(kInt)
	if x < 0 {
		n.negative = true
	}
}

func (n *node) seeUint(x uint64) {
	if x > math.MaxInt64 {
		n.see(kUint)
	} else {
		n.see(kInt)
	}
}

func (n *node) makePair() {
	n.shape = shapePair
	key, value := n.child("key"), n.child("value")
	key.mapOK, value.mapOK = n.mapOK, n.mapOK
	n.children = []*node{key, value}
}

// makeStruct makes n a group of the exported fields of struct type t, and
// reports false, leaving n alone, if t has none. A field's tag
// display:"name" names its column, display:"-" leaves it out, and the
// option omitempty (display:"name,omitempty" or display:",omitempty")
// leaves its columns out when all their values are zero.
func (n *node) makeStruct(t reflect.Type) bool {
	var fields []int
	var children []*node
	for i := range t.NumField() {
		f := t.Field(i)
		if !f.IsExported() {
			continue
		}
		name, omit := f.Name, false
		if tag, ok := f.Tag.Lookup("display"); ok {
			tagName, opts, _ := strings.Cut(tag, ",")
			if tagName == "-" && opts == "" {
				continue
			}
			if tagName != "" {
				name = tagName
			}
			for opt := range strings.SplitSeq(opts, ",") {
				omit = omit || opt == "omitempty"
			}
		}
		c := n.child(name)
		c.omitEmpty = c.omitEmpty || omit
		fields = append(fields, i)
		children = append(children, c)
	}
	if len(fields) == 0 {
		return false
	}
	n.shape, n.typ, n.fields, n.children = shapeStruct, t, fields, children
	return true
}

// layoutStruct makes n a group of the fields of struct type t (see
// makeStruct), each laid out from its static type (see seed), and reports
// false, leaving n alone, if t has no exported fields. It notes whether
// the static types settle all columns under n (see node.fixed).
func (n *node) layoutStruct(t reflect.Type) bool {
	if !n.makeStruct(t) {
		return false
	}
	n.fixed = true
	for i, c := range n.children {
		c.seed(staticType(t.Field(n.fields[i]).Type))
		n.fixed = n.fixed && c.settled()
	}
	return true
}

// settled reports whether the static type n was seeded with settles the
// columns under n: values of that type are always of one kind, and so
// observing them would change nothing. Interfaces, pairs (whose key and
// value are interfaces) and unsigned integers (whose column depends on
// their size) are not settled, nor are TableRowers, known only by their
// rows.
func (n *node) settled() bool {
	switch n.shape {
	case shapeStruct:
		return n.fixed
	case shapePair, shapeLeaf, shapeMap, shapeList:
		return false
	}
	return n.hint != kNull && n.hint != kUint
}

// seed lays out n from the static type of its values, so that a column
// keeps its type, and a struct its columns, when there are no values.
func (n *node) seed(t reflect.Type) {
	if t == nil {
		return
	}
	if a, ok := rowAdapters[t]; ok {
		n.rowed = true
		t = a.typ
	} else if t.Implements(tableRowerType) {
		return // known by its rows only
	}
	if n.mapOK && n.depth < maxDepth && isKeyedMap(t) {
		for t.Kind() == reflect.Pointer {
			t = t.Elem()
		}
		// Its columns are the keys of its values; with none, it is text.
		n.shape, n.hint, n.elemType = shapeMap, kOther, staticType(t.Elem())
		return
	}
	if n.listOK && isListType(t) {
		// Its columns are the indices of its values; with none, it is text.
		n.shape, n.hint, n.elemType = shapeList, kOther, staticType(t.Elem())
		return
	}
	k := typeKind(t)
	for t.Kind() == reflect.Pointer {
		t = t.Elem()
	}
	switch {
	case k == kPair && n.depth < maxDepth:
		n.makePair()
	case k == kStruct && n.depth < maxDepth && n.layoutStruct(t):
	case k == kPair || k == kStruct:
		n.hint = kOther
	default:
		n.hint = k
	}
}

// noMaps makes maps with string keys text under n, as other maps are.
func (n *node) noMaps() {
	n.mapOK = false
	for _, c := range n.children {
		c.noMaps()
	}
}

// hasMaps reports whether maps make columns under n.
func (n *node) hasMaps() bool {
	if n.shape == shapeMap {
		return true
	}
	for _, c := range n.children {
		if c.hasMaps() {
			return true
		}
	}
	return false
}

// finish turns the groups of map keys without keys under n (only empty
// maps were seen, or none) into leaves, whose values are text.
func (n *node) finish() {
	if (n.shape == shapeMap || n.shape == shapeList) && len(n.children) == 0 {
		n.makeLeaf()
		return
	}
	for _, c := range n.children {
		c.finish()
	}
}

// leaves appends the columns under n in order.
func (n *node) leaves(out []*node) []*node {
	if n.shape == shapePair || n.shape == shapeStruct || n.shape == shapeMap || n.shape == shapeList {
		for _, c := range n.children {
			out = c.leaves(out)
		}
		return out
	}
	return append(out, n)
}

// resolve returns the kind of the column's Arrow type: kNull, kInt (int64),
// kUint (uint64), kFloat32, kFloat64, kString, kBool, kTime, kDuration or
// kBytes.
func (n *node) resolve() kind {
	seen := n.seen
	if seen == 0 && n.hint != kNull {
		seen = 1 << n.hint
	}
	switch k := seen.Column(n.negative); {
	case k == kOther && seen&^numberKinds == 0:
		return kFloat64 // integers above math.MaxInt64 beside negative ones
	case k == kOther:
		return kString
	default:
		return k
	}
}

// inspect classifies a value that is not one of the common types, and
// returns it with pointers followed.
func inspect(v any) (kind, reflect.Value) {
	if v == nil {
		return kNull, reflect.Value{}
	}
	rv := reflect.ValueOf(v)
	k := typeKind(rv.Type())
	for rv.Kind() == reflect.Pointer {
		if rv.IsNil() {
			return kNull, rv
		}
		rv = rv.Elem()
	}
	return k, rv
}

// typeKind classifies the values of type t. Pointers count as what they
// point to; a type with a String or Error method, a struct excepted, is
// rendered with fmt.
func typeKind(t reflect.Type) kind {
	if t.Kind() == reflect.Interface {
		return kNull
	}
	formatted := t.Implements(stringerType) || t.Implements(errorType)
	for t.Kind() == reflect.Pointer {
		t = t.Elem()
	}
	switch t {
	case pairType:
		return kPair
	case timeType:
		return kTime
	case durationType:
		return kDuration
	}
	switch t.Kind() {
	case reflect.Struct:
		return kStruct
	case reflect.Interface:
		return kOther
	}
	if formatted {
		return kOther
	}
	switch t.Kind() {
	case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64:
		return kInt
	case reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64, reflect.Uintptr:
		return kUint
	case reflect.Float32:
		return kFloat32
	case reflect.Float64:
		return kFloat64
	case reflect.String:
		return kString
	case reflect.Bool:
		return kBool
	case reflect.Slice:
		if t.Elem().Kind() == reflect.Uint8 {
			return kBytes
		}
	}
	return kOther
}

// table is a tabular value with its inferred columns.
type table struct {
	src    source
	root   *node
	leaves []*node
}

// inferTable infers the columns of src from its static type and its rows,
// of which the first built are to be built into a record. It looks at all
// rows, unless maps with string keys make columns (see observeMap) in
// those built: then the columns are inferred from the rows built and an
// evenly spaced sample of at most mapSampleRows of the others, so that
// showing a million maps does not look at a million. When they make none,
// maps met after the rows built are text, as any map is in a column that
// is not made of maps.
func inferTable(src source, built int) *table {
	root := &node{mapOK: true, listOK: true}
	if src.pair != nil {
		root.makePair()
		root.children[0].seed(src.pair[0])
		root.children[1].seed(src.pair[1])
	} else {
		root.seed(src.elem)
	}
	built = max(0, min(built, src.n))
	root.observeRows(src, 0, built)
	if rest := src.n - built; root.hasMaps() {
		m := min(rest, mapSampleRows)
		for j := range m {
			root.observe(src.row(built + int(int64(j)*int64(rest)/int64(m))))
		}
	} else {
		root.noMaps()
		root.observeRows(src, built, src.n)
	}
	root.finish()
	t := &table{src: src, root: root, leaves: root.leaves(nil)}
	if root.shape == shapeNone || root.shape == shapeLeaf {
		root.name = "value"
	}
	return t
}

// observeRows observes the rows of src from from to to.
func (n *node) observeRows(src source, from, to int) {
	if src.anys != nil {
		for _, v := range src.anys[from:to] {
			if p, ok := v.(rdd.Pair); ok && n.shape == shapePair {
				// observePair, without its calls, for what Collect returns
				// after a word count
				n.structured = true
				n.children[0].observe(p.Key)
				n.children[1].observe(p.Value)
				continue
			}
			n.observe(v)
		}
		return
	}
	for i := from; i < to; i++ {
		n.observe(src.at(i))
	}
}

// build makes a record batch of the first rows of the table. Values of utf8
// columns made with formatValue are kept to about limit bytes. Columns
// whose values are all zero are left out when their leaf asks so
// (omitEmpty).
func (t *table) build(mem memory.Allocator, rows, limit int) arrow.RecordBatch {
	for _, leaf := range t.leaves {
		leaf.col = newColumn(mem, leaf.resolve(), rows, limit)
		leaf.nonEmpty = false
	}
	for i := range rows {
		t.root.fill(t.src.row(i))
	}
	fields := make([]arrow.Field, 0, len(t.leaves))
	cols := make([]arrow.Array, 0, len(t.leaves))
	for _, leaf := range t.leaves {
		if !leaf.omitEmpty || leaf.nonEmpty {
			fields = append(fields, arrow.Field{Name: leaf.name, Type: leaf.col.b.Type(), Nullable: true})
			cols = append(cols, leaf.col.b.NewArray())
		}
		leaf.col.b.Release()
		leaf.col = nil
	}
	rec := array.NewRecordBatch(arrow.NewSchema(fields, nil), cols, int64(rows))
	for _, c := range cols {
		c.Release()
	}
	return rec
}

// fill appends v, one row's value at n, to the columns under n.
func (n *node) fill(v any) {
	if n.rowed {
		v = rowValue(v)
	}
	switch n.shape {
	case shapeNone, shapeLeaf:
		if n.omitEmpty && !n.nonEmpty && !isZero(v) {
			n.nonEmpty = true
		}
		n.col.append(v)
	case shapePair:
		p, ok := v.(rdd.Pair)
		if !ok {
			k, rv := inspect(v)
			if k != kPair {
				n.fillNull()
				return
			}
			p = rv.Interface().(rdd.Pair)
		}
		n.children[0].fill(p.Key)
		n.children[1].fill(p.Value)
	case shapeStruct:
		if v == nil {
			n.fillNull()
			return
		}
		k, rv := inspect(v)
		if k != kStruct || rv.Type() != n.typ {
			n.fillNull()
			return
		}
		for i, c := range n.children {
			c.fill(rv.Field(n.fields[i]).Interface())
		}
	case shapeMap:
		n.fillMap(v)
	case shapeList:
		if v == nil || !isListType(reflect.TypeOf(v)) {
			n.fillNull()
			return
		}
		rv := reflect.ValueOf(v)
		if rv.Len() > len(n.children) { // never expected: longer rows made text
			n.fillNull()
			return
		}
		for i, c := range n.children {
			if i < rv.Len() {
				c.fill(rv.Index(i).Interface())
			} else {
				c.fill(nil)
			}
		}
	}
}

// fillMap appends v, a map with string keys or nil, to the columns of its
// keys; keys it lacks are nulls.
func (n *node) fillMap(v any) {
	if m, ok := v.(map[string]any); ok {
		for _, c := range n.children {
			c.fill(m[c.key])
		}
		return
	}
	if v == nil || !isKeyedMap(reflect.TypeOf(v)) {
		n.fillNull()
		return
	}
	_, rv := inspect(v)
	if rv.Kind() != reflect.Map {
		n.fillNull()
		return
	}
	keyType := rv.Type().Key()
	for _, c := range n.children {
		if e := rv.MapIndex(reflect.ValueOf(c.key).Convert(keyType)); e.IsValid() {
			c.fill(e.Interface())
		} else {
			c.fill(nil)
		}
	}
}

// fillNull appends a null to every column under n.
func (n *node) fillNull() {
	if n.col != nil {
		n.col.b.AppendNull()
		return
	}
	for _, c := range n.children {
		c.fillNull()
	}
}
