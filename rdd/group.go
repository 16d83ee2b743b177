package rdd

import (
	"strings"
	"unsafe"

	"github.com/zeebo/xxh3"
)

// GroupByKey and GroupBy shuffle as Spark does: no map-side combine (it
// cannot shrink the data), the map tasks keep their Pairs as they are, in
// columns (keys and values unboxed where they are of one common type),
// grouped by reduce partition (shuffleDep.bufferPartition), and combine
// them into lists only beyond the shuffle memory, to spill them. The
// reduce side groups a partition's Pairs once into per-key slices cut
// from one array: it counts each key's values, then places them.

// groupByKey makes the ShuffledRDD of Pair{key, []any of its values} of
// r's Pairs, hash-partitioned.
func (r *RDD) groupByKey(method string, numPartitions []int) *RDD {
	parts := shuffledParts(method, r, numPartitions)
	dep := &shuffleDep{method: method, parent: r, numPartitions: parts, agg: listAggregator, buffer: true}
	out := r.sc.newRDD("ShuffledRDD", method, []dependency{{rdd: r, shuffle: dep}})
	out.partitions = parts
	out.partitioner = hashPartitioned
	setSource(out, func(t *task, p int, emit func(Pair) bool) {
		dep.eachGroup(t, p, func(k any, vs []any) bool { return emit(Pair{Key: k, Value: vs}) })
	})
	return out
}

// groupEntryBytes estimates what the grouping of a reduce task takes per
// Pair beyond the map outputs: its slot in the values' array, its key's
// group number, and a share of the keys' table.
const groupEntryBytes = 16 + 4 + 8

// eachGroup pushes every key of reduce partition p with its values, in
// the order eachCombined gives them: when everything is in memory, keys
// in first-seen order (map partition by map partition), else in hash
// order, merged with the runs on disk. Values come in map partition order, each partition's in its
// order. The lists are the caller's.
func (s *shuffleDep) eachGroup(t *task, p int, emit func(k any, vs []any) bool) {
	s.mu.Lock()
	outputs := s.outputs
	s.mu.Unlock()
	t.addBytes(shuffleReadBytes(outputs, p))
	sc := s.parent.sc
	spilled, onlyBuffered := false, true
	kind, kinds := colEmpty, 0
	var size int64
	for _, o := range outputs {
		spilled = spilled || len(o.runs) > 0
		b := o.bucket(p)
		if len(b) == 0 {
			continue
		}
		if o.buffered == nil {
			onlyBuffered = false
			size += int64(len(b)) * o.entryBytes
			continue
		}
		size += int64(len(b)) * groupEntryBytes
		if k := o.buffered.keys.kind; k != kind {
			kind, kinds = k, kinds+1
		}
	}
	if spilled {
		s.mergeOutputs(t, outputs, p, func(k, c any) bool { return emit(k, c.([]any)) })
		return
	}
	// With every output in memory, the grouping holds less than merging
	// them by hash would (which combines each output's Pairs into lists
	// first, then the lists): it goes ahead even when the shuffle memory
	// has no room left for it, counting in it only when it has.
	if sc.reserveShuffle(size) {
		defer sc.releaseShuffle(size)
	}
	if onlyBuffered && kinds == 1 {
		switch kind {
		case colInt64:
			groupBuckets(t, outputs, p, hashInt64, func(c *column) []int64 { return c.i64 }, emit)
			return
		case colInt:
			groupBuckets(t, outputs, p, hashInt, func(c *column) []int { return c.ints }, emit)
			return
		case colString:
			groupBuckets(t, outputs, p, xxh3.HashString, func(c *column) []string { return c.strs }, emit)
			return
		}
	}
	groupBuckets[any](t, outputs, p, hashKey, nil, emit)
}

// groupBuckets groups bucket p of every output by key: keys of type K,
// read from the buffered Pairs' key columns by keysOf (nil: boxed, by
// column.at, and the combined outputs' lists too).
func groupBuckets[K comparable](t *task, outputs []*mapOutput, p int, hash func(K) uint64, keysOf func(*column) []K,
	emit func(k any, vs []any) bool) {
	total := 0
	for _, o := range outputs {
		total += len(o.bucket(p))
	}
	if total == 0 {
		return
	}
	// The keys' table: each key's group number is its position, the
	// count of its values its combiner.
	g := &table[K, int32]{hash: hash}
	var zero K
	_, g.anyKeys = any(&zero).(*any)
	g.makeIndex(0)
	gids := make([]int32, 0, total)
	group := func(k K, n int32) {
		i, at, found := g.find(k)
		if !found {
			i = int32(len(g.keys))
			g.insert(k, 0, at)
		}
		g.vals[i] += n
		gids = append(gids, i)
	}
	for _, o := range outputs {
		b := o.bucket(p)
		if len(b) == 0 || t.stopped() {
			continue
		}
		switch {
		case o.buffered == nil: // combined lists (any keys only)
			for _, i := range b {
				group(as[K](o.table.key(int(i))), int32(len(o.table.value(int(i)).([]any))))
			}
		case keysOf != nil:
			keys := keysOf(&o.buffered.keys)
			for _, i := range b {
				group(keys[i], 1)
			}
		default:
			for _, i := range b {
				group(as[K](o.buffered.keys.at(int(i))), 1)
			}
		}
	}
	if t.stopped() {
		return
	}
	// Cut each key's slice from one array, then place the values.
	next := make([]int, len(g.keys)+1)
	for i, n := range g.vals {
		next[i+1] = next[i] + int(n)
	}
	values := make([]any, next[len(g.keys)])
	var boxes valueBoxers
	if len(values) >= minGroupedCopy*len(g.keys) && groupsOfStrings(outputs, p) {
		// Groups of many string values: their bytes are copied, as the
		// map outputs hand them out, into blocks of their group, then
		// boxed group by group. A group's values and their bytes lie one
		// after another, not wherever their lines were read, for the
		// consumer that walks the group (counting, hashing, comparing).
		boxes.placed = make([]string, len(values))
		boxes.groups = groupArenas(outputs, p, gids, len(g.keys))
	}
	j := 0
	for _, o := range outputs {
		b := o.bucket(p)
		if len(b) == 0 {
			continue
		}
		if o.buffered == nil {
			for _, i := range b {
				gid := gids[j]
				next[gid] += copy(values[next[gid]:], o.table.value(int(i)).([]any))
				j++
			}
			continue
		}
		j = placeValues(&o.buffered.vals, b, gids, j, next, values, &boxes)
	}
	if boxes.placed != nil {
		boxPlaced(boxes.placed, values, &boxes)
	}
	start := 0
	for i, k := range g.keys {
		end := next[i]
		if t.stopped() || !emit(any(k), values[start:end:end]) {
			return
		}
		start = end
	}
}

// valueBoxers box the values of unboxed columns in blocks, the values of
// all groups of a reduce task living as long as their array.
type valueBoxers struct {
	// placed, when set, holds the string values at their places, their
	// bytes copied into groups, for boxPlaced to box in order; their
	// places in values stay nil until then.
	placed []string
	groups *groupArena
	strs   *boxer[string]
	ints   *boxer[int]
	i64    *boxer[int64]
	f64    *boxer[float64]
}

// placeValues places the values of vals at positions b, the Pairs from
// the j-th on, in their groups' slices of values: the Pair's group is
// gids[j], its next free position next[gid]. It returns the j after
// them.
func placeValues(vals *column, b []int32, gids []int32, j int, next []int, values []any, boxes *valueBoxers) int {
	switch vals.kind {
	case colString:
		if boxes.placed != nil {
			for _, i := range b {
				gid := gids[j]
				boxes.placed[next[gid]] = boxes.groups.own(gid, vals.strs[i])
				next[gid]++
				j++
			}
			return j
		}
		if boxes.strs == nil {
			boxes.strs = newBoxer[string]()
		}
		return placeBoxed(vals.strs, b, gids, j, next, values, boxes.strs)
	case colInt:
		if boxes.ints == nil {
			boxes.ints = newBoxer[int]()
		}
		return placeBoxed(vals.ints, b, gids, j, next, values, boxes.ints)
	case colInt64:
		if boxes.i64 == nil {
			boxes.i64 = newBoxer[int64]()
		}
		return placeBoxed(vals.i64, b, gids, j, next, values, boxes.i64)
	case colFloat64:
		if boxes.f64 == nil {
			boxes.f64 = newBoxer[float64]()
		}
		return placeBoxed(vals.f64, b, gids, j, next, values, boxes.f64)
	}
	for _, i := range b {
		gid := gids[j]
		values[next[gid]] = vals.at(int(i))
		next[gid]++
		j++
	}
	return j
}

func placeBoxed[T string | int | int64 | float64](col []T, b []int32, gids []int32, j int, next []int, values []any, boxes *boxer[T]) int {
	for _, i := range b {
		gid := gids[j]
		values[next[gid]] = boxes.box(col[i])
		next[gid]++
		j++
	}
	return j
}

// groupsOfStrings reports whether the values of bucket p of outputs are
// all in string columns (so placeValues places them in boxes.placed).
func groupsOfStrings(outputs []*mapOutput, p int) bool {
	some := false
	for _, o := range outputs {
		if len(o.bucket(p)) == 0 {
			continue
		}
		if o.buffered == nil || o.buffered.vals.kind != colString {
			return false
		}
		some = true
	}
	return some
}

// minGroupedCopy is the fewest values a reduce task's groups must have
// on average for their string values to be copied group by group: fewer,
// and a group's values are too few for where they lie to matter.
const minGroupedCopy = 16

// groupArena copies strings into blocks of their group: a group's bytes
// come one after another. A block holds up to arenaBlockLen bytes, and
// no more than the group has still to come, so a value keeps little
// alive but the bytes of its own group.
type groupArena struct {
	blocks [][]byte
	left   []int // bytes of each group still to come
}

// groupArenas sizes the groups' arenas for the string values of bucket p
// of outputs, the j-th of which is in group gids[j].
func groupArenas(outputs []*mapOutput, p int, gids []int32, groups int) *groupArena {
	a := &groupArena{blocks: make([][]byte, groups), left: make([]int, groups)}
	j := 0
	for _, o := range outputs {
		strs := o.buffered.vals.strs
		for _, i := range o.bucket(p) {
			if n := len(strs[i]); n <= arenaMaxString {
				a.left[gids[j]] += n
			}
			j++
		}
	}
	return a
}

// own returns a copy of s in group gid's blocks.
func (a *groupArena) own(gid int32, s string) string {
	n := len(s)
	switch {
	case n == 0:
		return ""
	case n > arenaMaxString:
		return strings.Clone(s)
	}
	b := a.blocks[gid]
	if cap(b)-len(b) < n {
		b = make([]byte, 0, max(min(a.left[gid], arenaBlockLen), n))
	}
	start := len(b)
	b = append(b, s...)
	a.blocks[gid] = b
	a.left[gid] -= n
	return unsafe.String(&b[start], n)
}

// boxPlaced boxes the strings of placed into values at the same places,
// in order: a group's values lie one after another in the boxer's
// blocks.
func boxPlaced(placed []string, values []any, boxes *valueBoxers) {
	if boxes.strs == nil {
		boxes.strs = newBoxer[string]()
	}
	for i, s := range placed {
		values[i] = boxes.strs.box(s)
		placed[i] = ""
	}
}
