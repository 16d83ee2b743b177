package rdd

import (
	"cmp"
	"math"
	"slices"
	"strings"

	"github.com/zeebo/xxh3"
)

// Sorting extracts the keys into a column, unboxed when they are all
// int64s, ints, float64s, strings or []bytes (the first key decides; a key of
// another type turns the column into a []any), and sorts positions by key:
// numbers by an LSD radix sort of their order-preserving bits, which is
// stable by construction, strings and other keys by a comparison sort
// that breaks ties by position. Either way equal keys keep their order, as
// Compare's stable sort would, without sort.SliceStable's cost.

// colKind is the type a column holds its elements as.
type colKind uint8

const (
	colEmpty colKind = iota
	colInt64
	colInt
	colFloat64
	colString
	colBytes
	colAny
)

// column is a sequence of elements kept unboxed while they are all of one
// common type.
type column struct {
	kind colKind
	hint int // the capacity to make for the first element
	i64  []int64
	ints []int
	f64  []float64
	strs []string
	byts [][]byte
	anys []any
}

func (c *column) len() int {
	switch c.kind {
	case colInt64:
		return len(c.i64)
	case colInt:
		return len(c.ints)
	case colFloat64:
		return len(c.f64)
	case colString:
		return len(c.strs)
	case colBytes:
		return len(c.byts)
	}
	return len(c.anys)
}

// at returns element i, boxed.
func (c *column) at(i int) any {
	switch c.kind {
	case colInt64:
		return c.i64[i]
	case colInt:
		return c.ints[i]
	case colFloat64:
		return c.f64[i]
	case colString:
		return c.strs[i]
	case colBytes:
		return c.byts[i]
	}
	return c.anys[i]
}

// add appends x.
func (c *column) add(x any) {
	switch c.kind {
	case colInt64:
		if v, ok := x.(int64); ok {
			c.i64 = append(c.i64, v)
			return
		}
	case colInt:
		if v, ok := x.(int); ok {
			c.ints = append(c.ints, v)
			return
		}
	case colFloat64:
		if v, ok := x.(float64); ok {
			c.f64 = append(c.f64, v)
			return
		}
	case colString:
		if v, ok := x.(string); ok {
			c.strs = append(c.strs, v)
			return
		}
	case colBytes:
		if v, ok := x.([]byte); ok {
			c.byts = append(c.byts, v)
			return
		}
	case colAny:
		c.anys = append(c.anys, x)
		return
	case colEmpty:
		n := max(c.hint, 1)
		switch v := x.(type) {
		case int64:
			c.kind, c.i64 = colInt64, append(make([]int64, 0, n), v)
		case int:
			c.kind, c.ints = colInt, append(make([]int, 0, n), v)
		case float64:
			c.kind, c.f64 = colFloat64, append(make([]float64, 0, n), v)
		case string:
			c.kind, c.strs = colString, append(make([]string, 0, n), v)
		case []byte:
			c.kind, c.byts = colBytes, append(make([][]byte, 0, n), v)
		default:
			c.kind, c.anys = colAny, append(make([]any, 0, n), x)
		}
		return
	}
	c.widen()
	c.anys = append(c.anys, x)
}

// addInt64 appends v without boxing it while the column holds int64s.
func (c *column) addInt64(v int64) {
	if c.kind == colInt64 {
		c.i64 = append(c.i64, v)
		return
	}
	c.add(v)
}

// addString appends v without boxing it while the column holds strings.
func (c *column) addString(v string) {
	if c.kind == colString {
		c.strs = append(c.strs, v)
		return
	}
	c.add(v)
}

// widen turns the column into a []any.
func (c *column) widen() {
	n := c.len()
	anys := make([]any, n, max(n+n/4, 8))
	for i := range n {
		anys[i] = c.at(i)
	}
	*c = column{kind: colAny, anys: anys}
}

// memory estimates the bytes the column takes.
func (c *column) memory() int64 {
	switch c.kind {
	case colInt64:
		return 8 * int64(cap(c.i64))
	case colInt:
		return 8 * int64(cap(c.ints))
	case colFloat64:
		return 8 * int64(cap(c.f64))
	case colString:
		return 16*int64(cap(c.strs)) + sampledSum(len(c.strs), func(i int) int64 { return int64(len(c.strs[i])) })
	case colBytes:
		return 24*int64(cap(c.byts)) + sampledSum(len(c.byts), func(i int) int64 { return int64(cap(c.byts[i])) })
	}
	return 16*int64(cap(c.anys)) + sampledSum(len(c.anys), func(i int) int64 { return boxedSize(c.anys[i]) })
}

// hashAt returns hashKey of element i.
func (c *column) hashAt(i int) uint64 {
	switch c.kind {
	case colInt64:
		return hashInt64(c.i64[i])
	case colInt:
		return hashInt(c.ints[i])
	case colString:
		return xxh3.HashString(c.strs[i])
	}
	return hashKey(c.at(i))
}

// byPartition groups the positions of the elements, as keys, by their
// reduce partition (of n), in order within each: partition p's are
// order[starts[p]:starts[p+1]].
func (c *column) byPartition(n int) ([]int32, []int) {
	size := c.len()
	starts := make([]int, n+1)
	parts := make([]int32, size)
	for i := range size {
		p := int32(c.hashAt(i) % uint64(n))
		parts[i] = p
		starts[p+1]++
	}
	for p := range n {
		starts[p+1] += starts[p]
	}
	next := append([]int(nil), starts[:n]...)
	order := make([]int32, size)
	for i, p := range parts {
		order[next[p]] = int32(i)
		next[p]++
	}
	return order, starts
}

// permute puts the column's elements in the order of perm: element i
// becomes the old element perm[i]. It copies them (walking the cycles in
// place would save the copy but misses the cache on every element).
func (c *column) permute(perm []int32) {
	switch c.kind {
	case colInt64:
		c.i64 = permuted(c.i64, perm)
	case colInt:
		c.ints = permuted(c.ints, perm)
	case colFloat64:
		c.f64 = permuted(c.f64, perm)
	case colString:
		c.strs = permuted(c.strs, perm)
	case colBytes:
		c.byts = permuted(c.byts, perm)
	default:
		c.anys = permuted(c.anys, perm)
	}
}

func permuted[T any](xs []T, perm []int32) []T {
	out := make([]T, len(perm))
	for i, j := range perm {
		out[i] = xs[j]
	}
	return out
}

// sortedOrder returns the positions of the column's elements in Compare
// order (reversed unless ascending), equal elements in their order.
func (c *column) sortedOrder(ascending bool) []int32 {
	switch c.kind {
	case colInt64:
		return radixOrder(len(c.i64), func(i int) uint64 { return uint64(c.i64[i]) ^ 1<<63 }, ascending)
	case colInt:
		return radixOrder(len(c.ints), func(i int) uint64 { return uint64(c.ints[i]) ^ 1<<63 }, ascending)
	case colFloat64:
		return radixOrder(len(c.f64), func(i int) uint64 { return floatOrderBits(c.f64[i]) }, ascending)
	case colString:
		return compareOrder(c.strs, strings.Compare, ascending)
	case colBytes:
		return compareOrder(c.byts, func(a, b []byte) int { return Compare(a, b) }, ascending)
	}
	return compareOrder(c.anys, Compare, ascending)
}

// floatOrderBits maps f to bits that order as compareFloats orders
// numbers: NaN first, -0 equal to 0.
func floatOrderBits(f float64) uint64 {
	if f != f {
		return 0
	}
	if f == 0 {
		f = 0
	}
	b := math.Float64bits(f)
	if b&(1<<63) != 0 {
		return ^b
	}
	return b | 1<<63
}

// radixOrder sorts the positions 0..n-1 by key(i) (descending when not
// ascending), stably: an LSD radix sort of bytes, skipping the bytes all
// keys share.
func radixOrder(n int, key func(i int) uint64, ascending bool) []int32 {
	keys, idx := make([]uint64, n), make([]int32, n)
	for i := range n {
		k := key(i)
		if !ascending {
			k = ^k
		}
		keys[i], idx[i] = k, int32(i)
	}
	if n < 64 {
		// Insertion sort: stable, and cheaper than counting for few keys.
		for i := 1; i < n; i++ {
			for j := i; j > 0 && keys[j] < keys[j-1]; j-- {
				keys[j], keys[j-1] = keys[j-1], keys[j]
				idx[j], idx[j-1] = idx[j-1], idx[j]
			}
		}
		return idx
	}
	keys2, idx2 := make([]uint64, n), make([]int32, n)
	for shift := 0; shift < 64; shift += 8 {
		var count [256]int
		for _, k := range keys {
			count[k>>shift&0xff]++
		}
		if count[keys[0]>>shift&0xff] == n {
			continue // a byte all keys share
		}
		pos := 0
		for d, c := range count {
			count[d] = pos
			pos += c
		}
		for i, k := range keys {
			d := k >> shift & 0xff
			keys2[count[d]], idx2[count[d]] = k, idx[i]
			count[d]++
		}
		keys, keys2 = keys2, keys
		idx, idx2 = idx2, idx
	}
	return idx
}

// sortInt64Keys sorts the column of int64 keys and vals, an element of
// vals per key, by key (descending unless ascending), stably, moving the
// elements along: an LSD radix sort of the keys' bytes, skipping those all
// keys share, without positions to permute by afterwards.
func sortInt64Keys(keys []int64, vals *column, ascending bool) []int64 {
	switch vals.kind {
	case colInt64:
		keys, vals.i64 = radixSortWith(keys, vals.i64, ascending)
	case colInt:
		keys, vals.ints = radixSortWith(keys, vals.ints, ascending)
	case colFloat64:
		keys, vals.f64 = radixSortWith(keys, vals.f64, ascending)
	case colString:
		keys, vals.strs = radixSortWith(keys, vals.strs, ascending)
	case colBytes:
		keys, vals.byts = radixSortWith(keys, vals.byts, ascending)
	default:
		keys, vals.anys = radixSortWith(keys, vals.anys, ascending)
	}
	return keys
}

// radixSortWith sorts keys and vals (as long) by key, stably, and returns
// them sorted (in the arrays given or in new ones).
func radixSortWith[V any](keys []int64, vals []V, ascending bool) ([]int64, []V) {
	n := len(keys)
	// Sorting by the keys' bits with the sign flipped orders them
	// ascending; with the other bits flipped, descending.
	flip := uint64(1) << 63
	if !ascending {
		flip = ^flip
	}
	if n < 64 {
		for i := 1; i < n; i++ {
			for j := i; j > 0 && uint64(keys[j])^flip < uint64(keys[j-1])^flip; j-- {
				keys[j], keys[j-1] = keys[j-1], keys[j]
				vals[j], vals[j-1] = vals[j-1], vals[j]
			}
		}
		return keys, vals
	}
	keys2, vals2 := make([]int64, n), make([]V, n)
	for shift := 0; shift < 64; shift += 8 {
		var count [256]int
		for _, k := range keys {
			count[(uint64(k)^flip)>>shift&0xff]++
		}
		if count[(uint64(keys[0])^flip)>>shift&0xff] == n {
			continue // a byte all keys share
		}
		pos := 0
		for d, c := range count {
			count[d] = pos
			pos += c
		}
		for i, k := range keys {
			d := (uint64(k) ^ flip) >> shift & 0xff
			keys2[count[d]], vals2[count[d]] = k, vals[i]
			count[d]++
		}
		keys, keys2 = keys2, keys
		vals, vals2 = vals2, vals
	}
	return keys, vals
}

// keyAt is a key and its position, sorted by compareOrder.
type keyAt[K any] struct {
	k K
	i int32
}

// compareOrder sorts the positions of keys by compare (reversed unless
// ascending), breaking ties by position, which makes the sort stable.
func compareOrder[K any](keys []K, compare func(a, b K) int, ascending bool) []int32 {
	items := make([]keyAt[K], len(keys))
	for i, k := range keys {
		items[i] = keyAt[K]{k, int32(i)}
	}
	if ascending {
		slices.SortFunc(items, func(a, b keyAt[K]) int {
			if c := compare(a.k, b.k); c != 0 {
				return c
			}
			return cmp.Compare(a.i, b.i)
		})
	} else {
		slices.SortFunc(items, func(a, b keyAt[K]) int {
			if c := compare(b.k, a.k); c != 0 {
				return c
			}
			return cmp.Compare(a.i, b.i)
		})
	}
	perm := make([]int32, len(items))
	for i, it := range items {
		perm[i] = it.i
	}
	return perm
}

// compareAt compares element i of a with element j of b as Compare does,
// unboxed when the columns are of the same type.
func compareAt(a *column, i int, b *column, j int) int {
	if a.kind == b.kind {
		switch a.kind {
		case colInt64:
			return cmp.Compare(a.i64[i], b.i64[j])
		case colInt:
			return cmp.Compare(a.ints[i], b.ints[j])
		case colFloat64:
			return compareFloats(a.f64[i], b.f64[j])
		case colString:
			return strings.Compare(a.strs[i], b.strs[j])
		}
	}
	return Compare(a.at(i), b.at(j))
}

// sortedRun is one map task's records of a sort, sorted by key: keys[i]
// is the key of vals[i]. Partition p's records are [cuts[p], cuts[p+1]).
type sortedRun struct {
	keys, vals column
	sample     []any // the reservoir sample of the keys
	cuts       []int
}

// runCursor walks a run's records of one reduce partition.
type runCursor struct {
	run    *sortedRun
	i, end int
	order  int // the map partition: the first wins ties
}

// mergeRuns pushes the records of the cursors in key order (descending
// unless ascending), ties in cursor order, to emit.
func mergeRuns(t *task, cursors []*runCursor, ascending bool, emit func(run *sortedRun, i int) bool) {
	less := func(a, b *runCursor) bool {
		c := compareAt(&a.run.keys, a.i, &b.run.keys, b.i)
		if !ascending {
			c = -c
		}
		return c < 0 || c == 0 && a.order < b.order
	}
	// A binary heap of the cursors, the least at the top.
	h := cursors
	down := func(i int) {
		for {
			l := 2*i + 1
			if l >= len(h) {
				return
			}
			m := l
			if r := l + 1; r < len(h) && less(h[r], h[l]) {
				m = r
			}
			if !less(h[m], h[i]) {
				return
			}
			h[i], h[m] = h[m], h[i]
			i = m
		}
	}
	for i := len(h)/2 - 1; i >= 0; i-- {
		down(i)
	}
	for len(h) > 0 {
		c := h[0]
		if t.stopped() || !emit(c.run, c.i) {
			return
		}
		if c.i++; c.i == c.end {
			h[0] = h[len(h)-1]
			h = h[:len(h)-1]
		}
		down(0)
	}
}
