package rdd

import (
	"cmp"
	"math/bits"
	"reflect"
	"slices"
	"unsafe"

	"github.com/zeebo/xxh3"
)

// A combine table holds one combiner per key of a partition, keys in
// first-seen order so that shuffle output is deterministic.
//
// Keys and combiners are kept unboxed where their types allow: a table of
// string, int, int64 or float64 keys keeps them in a []string, []int, ...
// indexed by a keyIndex (which hashes and compares much faster than a
// map[any]int, finds or inserts a key in one probe and keeps no interface
// box per key), and the combiners of a ReduceByKey, AggregateByKey or
// FoldByKey over ints, int64s or float64s (or of a count) stay in a
// []int, []int64 or []float64. The first key decides the key type; a key
// or value of another type widens the table to boxed keys or combiners,
// so any mix of types still works, as it did before.

// valueOps are an aggregator's funcs on combiners of type V, for the
// aggregators whose combiners can be kept unboxed. create and mergeValue
// report false, changing nothing, when v is not of the type they take.
type valueOps[V any] struct {
	create     func(v any) (V, bool)
	mergeValue func(c V, v any) (V, bool)
	mergeComb  func(a, b V) V
}

// reduceOps are the ops of a ReduceByKey with f: the first value is the
// combiner.
func reduceOps[V any](f func(V, V) V) *valueOps[V] {
	return &valueOps[V]{
		create: func(v any) (V, bool) { x, ok := v.(V); return x, ok },
		mergeValue: func(c V, v any) (V, bool) {
			x, ok := v.(V)
			if !ok {
				return c, false
			}
			return f(c, x), true
		},
		mergeComb: f,
	}
}

// foldOps are the ops of an AggregateByKey (or FoldByKey) whose zero is a
// V and whose funcs take and return Vs.
func foldOps[V any](zero V, seq, comb func(V, V) V) *valueOps[V] {
	return &valueOps[V]{
		create: func(v any) (V, bool) {
			x, ok := v.(V)
			if !ok {
				return x, false
			}
			return seq(zero, x), true
		},
		mergeValue: func(c V, v any) (V, bool) {
			x, ok := v.(V)
			if !ok {
				return c, false
			}
			return seq(c, x), true
		},
		mergeComb: comb,
	}
}

// unboxedReduce returns the ops of a ReduceByKey with f when f is one of
// the common typed merges, else nil.
func unboxedReduce(f any) any {
	switch g := f.(type) {
	case func(int, int) int:
		return reduceOps(g)
	case func(int64, int64) int64:
		return reduceOps(g)
	case func(float64, float64) float64:
		return reduceOps(g)
	}
	return nil
}

// unboxedFold returns the ops of an AggregateByKey or FoldByKey whose
// zero is an int, int64 or float64 and whose funcs take and return that
// type, else nil.
func unboxedFold(zero, seq, comb any) any {
	switch z := zero.(type) {
	case int:
		return foldOpsOf(z, seq, comb)
	case int64:
		return foldOpsOf(z, seq, comb)
	case float64:
		return foldOpsOf(z, seq, comb)
	}
	return nil
}

func foldOpsOf[V any](zero V, seq, comb any) any {
	s, ok1 := seq.(func(V, V) V)
	c, ok2 := comb.(func(V, V) V)
	if !ok1 || !ok2 {
		return nil
	}
	return foldOps(zero, s, c)
}

// noValues are the ops of an aggregator whose values and combiners are
// all nil (keysOnly): a table keeps none, in a []struct{}, and reads
// back nil.
var noValues = &valueOps[struct{}]{
	create:     func(any) (struct{}, bool) { return struct{}{}, true },
	mergeValue: func(struct{}, any) (struct{}, bool) { return struct{}{}, true },
	mergeComb:  func(struct{}, struct{}) struct{} { return struct{}{} },
}

// boxedOps are the ops of any aggregator, on boxed combiners.
func boxedOps(agg *aggregator) *valueOps[any] {
	return &valueOps[any]{
		create:     func(v any) (any, bool) { return agg.createCombiner(v), true },
		mergeValue: func(c, v any) (any, bool) { return agg.mergeValue(c, v), true },
		mergeComb:  agg.mergeCombiners,
	}
}

// misfit says why a table could not take a key and value.
type misfit uint8

const (
	fits        misfit = iota
	keyMisfit          // the key is not of the table's key type
	valueMisfit        // the value (or combiner) is not of its combiner type
)

// combineTable is a table of one key type and one combiner type; see
// table. combineMap wraps it and widens it when needed.
type combineTable interface {
	len() int
	key(i int) any
	// value returns combiner i as it is stored.
	value(i int) any
	// hashAt returns the hash of key i (hashKey's).
	hashAt(i int) uint64
	// addValue folds value v of key k in, as createCombiner or mergeValue.
	addValue(k, v any) misfit
	// addCombiner merges combiner c of key k in; owned says c is the
	// caller's to keep or change, else it is copied as agg.copy says.
	addCombiner(k, c any, owned bool) misfit
	// lookup returns the position of key k, if the table has it (its
	// index is not dropped).
	lookup(k any) (int, bool)
	// mergeFrom merges entries idx of src in, when src has the same types,
	// and reports whether it did.
	mergeFrom(src combineTable, idx []int32, owned bool) bool
	// widen returns a copy of the table that takes keys or values of any
	// type.
	widen(m misfit) combineTable
	// empty returns a new, empty table of the same types.
	empty(sizeHint int) combineTable
	// seal drops the index: the table is read only from now on.
	seal()
	// memory estimates the bytes the table takes.
	memory() int64
	// indexBytes estimates what the index takes per key.
	indexBytes() int64
	// byPartition returns the entries grouped by the reduce partition of
	// their keys (of n), first-seen order within each: partition p's are
	// order[starts[p]:starts[p+1]].
	byPartition(n int) (order []int32, starts []int)
	// sortedForSpill returns the entries as runEntry values, sorted by
	// reduce partition (of n), runKey and first-seen order: partition p's
	// are ents[starts[p]:starts[p+1]].
	sortedForSpill(n int) (ents []uint64, starts []int)
	// encode writes key and combiner i.
	encode(e *encoder, i int) error
	// boxedValues reports whether the combiners are the aggregator's boxed
	// values (whose memory() is sampled, and which are copied on reads).
	boxedValues() bool
}

// Runs and merges order keys by their runKey, the top 32 bits of their
// hash: any function of the key would serve, as long as every source uses
// the same, since equal keys then meet and keys of equal runKey are told
// apart by ==. An entry being sorted is a runEntry: its runKey above its
// position.
func runEntry(h uint64, i int) uint64 { return h&^slotPosition | uint64(i) }

func entryKey(e uint64) uint32 { return uint32(e >> 32) }
func entryPos(e uint64) int    { return int(e & slotPosition) }

// table is a combineTable with keys of type K (string, int, int64,
// float64 or any) and combiners of type V (int, int64, float64, any, or
// struct{} for a keysOnly aggregator's nil combiners).
type table[K comparable, V any] struct {
	method  string
	agg     *aggregator
	ops     *valueOps[V]
	boxed   bool // V is any
	anyKeys bool // K is any: keys are checked comparable as they come
	encK    func(*encoder, K) error
	encV    func(*encoder, V) error
	hash    func(K) uint64
	extra   func(K) int64 // bytes a key refers to, or nil
	// The index of the keys' positions: open for string, int, int64 and
	// float64 keys, index for others; both nil once sealed.
	open  *keyIndex
	index map[K]int32
	keys  []K
	vals  []V
	// keyBytes is what the keys refer to (string bytes, boxes), summed
	// as they come.
	keyBytes int64
	// own, for string keys, copies a new key into the table's blocks
	// (stringArena.own), else nil.
	own func(K) K
}

func hashInt(k int) uint64     { return mix64(uint64(k)) }
func hashInt64(k int64) uint64 { return mix64(uint64(k)) }
func hashFloat64(k float64) uint64 {
	return mix64(floatBits(k))
}
func stringBytes(k string) int64 {
	return int64(len(k))
}

// newTableFor returns an empty table for agg's combiners whose key type
// is that of k.
func newTableFor(method string, agg *aggregator, k any, sizeHint int) combineTable {
	if agg.keysOnly {
		switch k.(type) {
		case int64:
			return newIntSet[int64](method, agg, sizeHint)
		case int:
			return newIntSet[int](method, agg, sizeHint)
		}
	}
	switch agg.unboxed.(type) {
	case *valueOps[int]:
		return newTableOf[int](method, agg, k, sizeHint)
	case *valueOps[int64]:
		return newTableOf[int64](method, agg, k, sizeHint)
	case *valueOps[float64]:
		return newTableOf[float64](method, agg, k, sizeHint)
	case *valueOps[struct{}]:
		return newTableOf[struct{}](method, agg, k, sizeHint)
	}
	return newTableOf[any](method, agg, k, sizeHint)
}

func newTableOf[V any](method string, agg *aggregator, k any, sizeHint int) combineTable {
	switch k.(type) {
	case string:
		return newTable[string, V](method, agg, sizeHint, xxh3.HashString, stringBytes)
	case int:
		return newTable[int, V](method, agg, sizeHint, hashInt, nil)
	case int64:
		return newTable[int64, V](method, agg, sizeHint, hashInt64, nil)
	case float64:
		return newTable[float64, V](method, agg, sizeHint, hashFloat64, nil)
	}
	return newTable[any, V](method, agg, sizeHint, hashKey, boxedSize)
}

func newTable[K comparable, V any](method string, agg *aggregator, sizeHint int, hash func(K) uint64, extra func(K) int64) *table[K, V] {
	t := &table[K, V]{method: method, agg: agg, hash: hash, extra: extra}
	t.init()
	t.makeIndex(sizeHint)
	if ops, ok := agg.unboxed.(*valueOps[V]); ok {
		t.ops = ops
	} else {
		t.ops = any(boxedOps(agg)).(*valueOps[V])
		t.boxed = true
	}
	if sizeHint > 0 {
		t.keys, t.vals = make([]K, 0, sizeHint), make([]V, 0, sizeHint)
	}
	return t
}

// typedAs returns x as T, reporting whether it is one; a nil x is the
// zero value of an interface T.
func typedAs[T any](x any) (T, bool) {
	if v, ok := x.(T); ok {
		return v, true
	}
	var zero T
	if x == nil {
		_, isInterface := any(&zero).(*any)
		return zero, isInterface
	}
	return zero, false
}

// init sets the fields that follow from K and V.
func (t *table[K, V]) init() {
	var k K
	_, t.anyKeys = any(&k).(*any)
	t.encK, t.encV = encoderFor[K](), encoderFor[V]()
	if t.anyKeys {
		t.encK = func(e *encoder, k K) error { return e.key(any(k)) }
	}
	t.ownKeys()
}

// ownKeys makes a table of string keys copy each new key into blocks of
// its own: a key is most often a piece of a line or a record, which it
// would keep alive, and whose bytes lie anywhere in memory, so that
// every lookup that finds it would miss the cache comparing them.
func (t *table[K, V]) ownKeys() {
	if own, ok := any((&stringArena{}).own).(func(K) K); ok {
		t.own = own
	}
}

func (t *table[K, V]) len() int      { return len(t.keys) }
func (t *table[K, V]) key(i int) any { return t.keys[i] }
func (t *table[K, V]) value(i int) any {
	if t.agg != nil && t.agg.keysOnly { // its []struct{} reads back nil
		return nil
	}
	return t.vals[i]
}
func (t *table[K, V]) hashAt(i int) uint64 { return t.hash(t.keys[i]) }
func (t *table[K, V]) boxedValues() bool   { return t.boxed }
func (t *table[K, V]) seal()               { t.open, t.index = nil, nil }

func (t *table[K, V]) makeIndex(sizeHint int) {
	if t.anyKeys {
		t.index = make(map[K]int32, sizeHint)
	} else {
		t.open = newKeyIndex(sizeHint)
	}
}

// find returns the position of key k and true, or false and where to
// insert it: the slot of the open index and the tag of the key's hash.
func (t *table[K, V]) find(k K) (i int32, at slotAt, found bool) {
	if t.open == nil {
		i, found = t.index[k]
		return i, at, found
	}
	x := t.open
	h := t.hash(k)
	tag := h &^ slotPosition
	mask := len(x.slots) - 1
	for s := int(h >> x.shift); ; s = (s + 1) & mask {
		v := x.slots[s]
		if v == 0 {
			return 0, slotAt{s, tag}, false
		}
		if v&^slotPosition == tag {
			if i := int32(v&slotPosition) - 1; t.keys[i] == k {
				return i, at, true
			}
		}
	}
}

// slotAt is where find would insert a key.
type slotAt struct {
	slot int
	tag  uint64
}

// insert appends key k with combiner c, where find said.
func (t *table[K, V]) insert(k K, c V, at slotAt) {
	if t.own != nil {
		k = t.own(k)
	}
	i := len(t.keys)
	t.keys = append(t.keys, k)
	t.vals = append(t.vals, c)
	if t.extra != nil {
		t.keyBytes += t.extra(k)
	}
	if t.open == nil {
		t.index[k] = int32(i)
		return
	}
	x := t.open
	x.slots[at.slot] = at.tag | uint64(i+1)
	if x.n++; x.n*4 > len(x.slots)*3 {
		t.grow()
	}
}

// grow doubles the open index. The slots hold the top bits of the hashes,
// which say where each goes: walking the old slots in order, it fills the
// new ones in about the same order, without touching the keys.
func (t *table[K, V]) grow() {
	old := t.open
	x := newKeyIndex(len(old.slots))
	for _, v := range old.slots {
		if v != 0 {
			x.put(v)
		}
	}
	x.n = old.n
	t.open = x
}

// reindex puts every key into the empty open index.
func (t *table[K, V]) reindex() {
	x := t.open
	for i, k := range t.keys {
		x.put(t.hash(k)&^slotPosition | uint64(i+1))
	}
	x.n = len(t.keys)
}

// keyIndex is an open-addressing hash index, probed linearly from the top
// bits of the key's hash (the bottom ones pick the reduce partition, so
// all the keys of a reduce task's table share them). A slot holds the top
// 32 bits of the hash above the key's position plus one; 0 is empty.
type keyIndex struct {
	slots []uint64
	shift uint // 64 - log2(len(slots)), at least 32
	n     int
}

// put stores slot value v at the first free slot from its home.
func (x *keyIndex) put(v uint64) {
	mask := len(x.slots) - 1
	s := int(v >> x.shift)
	for x.slots[s] != 0 {
		s = (s + 1) & mask
	}
	x.slots[s] = v
}

const slotPosition = 1<<32 - 1

// newKeyIndex returns an index with room for more than hint keys.
func newKeyIndex(hint int) *keyIndex {
	size := 64
	for size*3/4 <= hint {
		size *= 2
	}
	return &keyIndex{slots: make([]uint64, size), shift: uint(64 - bits.TrailingZeros(uint(size)))}
}

func (t *table[K, V]) addValue(k, v any) misfit {
	kk, ok := typedAs[K](k)
	if !ok {
		return keyMisfit
	}
	if t.anyKeys {
		checkComparable(t.method, k)
	}
	i, at, found := t.find(kk)
	if !found {
		c, ok := t.ops.create(v)
		if !ok {
			return valueMisfit
		}
		t.insert(kk, c, at)
		return fits
	}
	c, ok := t.ops.mergeValue(t.vals[i], v)
	if !ok {
		return valueMisfit
	}
	t.vals[i] = c
	return fits
}

func (t *table[K, V]) addCombiner(k, c any, owned bool) misfit {
	kk, ok := typedAs[K](k)
	if !ok {
		return keyMisfit
	}
	cc, ok := typedAs[V](c)
	if !ok && !t.agg.keysOnly { // a keysOnly table takes any nil combiner
		return valueMisfit
	}
	t.combine(kk, cc, owned)
	return fits
}

// combine merges combiner c of key k in. Boxed combiners that are not the
// caller's are copied: when new (the table will hand them on), and when
// merged unless mergeCombiners neither changes nor keeps its second
// argument.
func (t *table[K, V]) combine(k K, c V, owned bool) {
	i, at, found := t.find(k)
	if t.boxed && !owned && (!found || !t.agg.safeMerge) {
		c = as[V](t.agg.copy(any(c)))
	}
	if !found {
		t.insert(k, c, at)
		return
	}
	t.vals[i] = t.ops.mergeComb(t.vals[i], c)
}

func (t *table[K, V]) lookup(k any) (int, bool) {
	kk, ok := typedAs[K](k)
	if !ok {
		return 0, false
	}
	i, _, found := t.find(kk)
	return int(i), found
}

func (t *table[K, V]) mergeFrom(src combineTable, idx []int32, owned bool) bool {
	s, ok := src.(*table[K, V])
	if !ok {
		return false
	}
	for _, i := range idx {
		t.combine(s.keys[i], s.vals[i], owned)
	}
	return true
}

func (t *table[K, V]) widen(m misfit) combineTable {
	if m == keyMisfit {
		return rebuild[any](t, hashKey, boxedSize, t.ops, t.boxed)
	}
	return rebuild[K](t, t.hash, t.extra, boxedOps(t.agg), true)
}

// rebuild copies t into a table of keys K2 and combiners V2, one of them
// any.
func rebuild[K2 comparable, V2 any, K comparable, V any](t *table[K, V], hash func(K2) uint64, extra func(K2) int64, ops *valueOps[V2], boxed bool) *table[K2, V2] {
	n := len(t.keys)
	w := &table[K2, V2]{method: t.method, agg: t.agg, ops: ops, boxed: boxed, hash: hash, extra: extra,
		keys: make([]K2, n, max(n, 8)), vals: make([]V2, n, max(n, 8))}
	w.init()
	for i := range n {
		w.keys[i], w.vals[i] = as[K2](any(t.keys[i])), as[V2](any(t.vals[i]))
		if extra != nil {
			w.keyBytes += extra(w.keys[i])
		}
	}
	if t.open != nil || t.index != nil { // not sealed
		w.makeIndex(n)
		if w.open != nil {
			w.reindex()
		} else {
			for i, k := range w.keys {
				w.index[k] = int32(i)
			}
		}
	}
	return w
}

func (t *table[K, V]) empty(sizeHint int) combineTable {
	w := &table[K, V]{method: t.method, agg: t.agg, ops: t.ops, boxed: t.boxed, anyKeys: t.anyKeys,
		hash: t.hash, extra: t.extra, encK: t.encK, encV: t.encV}
	w.ownKeys()
	w.makeIndex(sizeHint)
	if sizeHint > 0 {
		w.keys, w.vals = make([]K, 0, sizeHint), make([]V, 0, sizeHint)
	}
	return w
}

// indexBytes estimates a key's share of the index: an 8-byte slot of a
// keyIndex at its average load (it doubles when 3/4 full), or a slot and
// control byte of a Go map[K]int32 (which doubles when 7/8 full).
func (t *table[K, V]) indexBytes() int64 {
	if !t.anyKeys {
		return 8 * 16 / 9
	}
	var k K
	slot := (int64(unsafe.Sizeof(k)) + 4 + 7) &^ 7
	return (slot + 1) * 3 / 2
}

func (t *table[K, V]) memory() int64 {
	var k K
	var v V
	total := int64(cap(t.keys))*int64(unsafe.Sizeof(k)) + int64(cap(t.vals))*int64(unsafe.Sizeof(v)) + t.keyBytes
	if t.open != nil {
		total += int64(len(t.open.slots)) * 8
	} else if t.index != nil {
		total += int64(len(t.keys)) * t.indexBytes()
	}
	if t.boxed {
		total += sampledSum(len(t.vals), func(i int) int64 { return boxedSize(any(t.vals[i])) })
	}
	return total
}

func (t *table[K, V]) byPartition(n int) ([]int32, []int) {
	starts := make([]int, n+1)
	if n == 1 {
		order := make([]int32, len(t.keys))
		for i := range order {
			order[i] = int32(i)
		}
		starts[1] = len(order)
		return order, starts
	}
	parts := make([]int32, len(t.keys))
	for i, k := range t.keys {
		p := int32(t.hash(k) % uint64(n))
		parts[i] = p
		starts[p+1]++
	}
	for p := range n {
		starts[p+1] += starts[p]
	}
	next := append([]int(nil), starts[:n]...)
	order := make([]int32, len(t.keys))
	for i, p := range parts {
		order[next[p]] = int32(i)
		next[p]++
	}
	return order, starts
}

func (t *table[K, V]) sortedForSpill(n int) ([]uint64, []int) {
	starts := make([]int, n+1)
	for _, k := range t.keys {
		starts[t.hash(k)%uint64(n)+1]++
	}
	longest := 0
	for p := range n {
		longest = max(longest, starts[p+1])
		starts[p+1] += starts[p]
	}
	// Place the entries by partition, in first-seen order (a counting
	// sort), then sort each partition's by runKey, stably.
	ents := make([]uint64, len(t.keys))
	next := append([]int(nil), starts[:n]...)
	for i, k := range t.keys {
		h := t.hash(k)
		p := h % uint64(n)
		ents[next[p]] = runEntry(h, i)
		next[p]++
	}
	tmp := make([]uint64, longest)
	for p := range n {
		sortByRunKey(ents[starts[p]:starts[p+1]], tmp)
	}
	return ents, starts
}

// sortByRunKey sorts runEntry values by runKey, stably, with tmp (at
// least as long) as scratch: an LSD radix sort of 11-bit digits.
func sortByRunKey(ents, tmp []uint64) {
	if len(ents) < 256 {
		slices.SortStableFunc(ents, func(a, b uint64) int { return cmp.Compare(entryKey(a), entryKey(b)) })
		return
	}
	const bits = 11
	src, dst := ents, tmp[:len(ents)]
	for shift := 32; shift < 64; shift += bits {
		var count [1 << bits]int
		for _, e := range src {
			count[e>>shift&(1<<bits-1)]++
		}
		if count[src[0]>>shift&(1<<bits-1)] == len(src) {
			continue // a digit all share
		}
		pos := 0
		for d, c := range count {
			count[d] = pos
			pos += c
		}
		for _, e := range src {
			d := e >> shift & (1<<bits - 1)
			dst[count[d]] = e
			count[d]++
		}
		src, dst = dst, src
	}
	if &src[0] != &ents[0] {
		copy(ents, src)
	}
}

func (t *table[K, V]) encode(e *encoder, i int) error {
	if err := t.encK(e, t.keys[i]); err != nil {
		return err
	}
	return t.encV(e, t.vals[i])
}

// boxedSize estimates the bytes an interface value refers to: the box of
// a value that is not pointer-shaped and what the value refers to.
func boxedSize(x any) int64 {
	switch v := x.(type) {
	case nil, bool:
		return 0
	case string:
		return 16 + int64(len(v))
	case []byte:
		return 24 + int64(cap(v))
	case int, int64, float64, uint64:
		return 8
	case []any:
		return 24 + int64(cap(v))*16 + sampledSum(len(v), func(i int) int64 { return boxedSize(v[i]) })
	}
	rv := reflect.ValueOf(x)
	size := referencedBytes(rv, 0)
	switch rv.Kind() {
	case reflect.Pointer, reflect.Map, reflect.Chan, reflect.Func, reflect.UnsafePointer:
		// held in the interface itself
	default:
		size += int64(rv.Type().Size())
	}
	return size
}

// combineMap combines keys and values into a combineTable made on the
// first key and widened as keys and values of other types come.
type combineMap struct {
	method string
	agg    *aggregator
	t      combineTable // nil until the first key
}

func newCombineMap(method string, agg *aggregator) *combineMap {
	return &combineMap{method: method, agg: agg}
}

func (m *combineMap) len() int {
	if m.t == nil {
		return 0
	}
	return m.t.len()
}

func (m *combineMap) key(i int) any { return m.t.key(i) }

// lookup returns the position of key k, if the map has it.
func (m *combineMap) lookup(k any) (int, bool) {
	if m.t == nil {
		return 0, false
	}
	return m.t.lookup(k)
}

func (m *combineMap) value(i int) any { return m.t.value(i) }

// addValue folds value v of key k in (map side).
func (m *combineMap) addValue(k, v any) {
	if m.t == nil {
		m.t = newTableFor(m.method, m.agg, k, 0)
	}
	for {
		f := m.t.addValue(k, v)
		if f == fits {
			return
		}
		m.t = m.t.widen(f)
	}
}

// addCombiner merges combiner c of key k in (reduce side); see
// combineTable.addCombiner.
func (m *combineMap) addCombiner(k, c any, owned bool) {
	if m.t == nil {
		m.t = newTableFor(m.method, m.agg, k, 0)
	}
	for {
		f := m.t.addCombiner(k, c, owned)
		if f == fits {
			return
		}
		m.t = m.t.widen(f)
	}
}

// mergeFrom merges entries idx of src in, unboxed when the types agree.
func (m *combineMap) mergeFrom(src combineTable, idx []int32, owned bool) {
	if len(idx) == 0 {
		return
	}
	if m.t == nil {
		m.t = src.empty(len(idx))
	}
	if m.t.mergeFrom(src, idx, owned) {
		return
	}
	for _, i := range idx {
		m.addCombiner(src.key(int(i)), src.value(int(i)), owned)
	}
}
