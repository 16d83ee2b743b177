package rdd

import (
	"errors"
	"fmt"
	"os"
	"reflect"
	"runtime"
	"sync"
)

// aggregator combines the values of one key, as Spark's Aggregator does:
// createCombiner makes a combiner from a key's first value in a partition,
// mergeValue adds a value to it, and mergeCombiners joins two partitions'
// combiners after the shuffle.
type aggregator struct {
	createCombiner func(v any) any
	mergeValue     func(c, v any) any
	mergeCombiners func(c1, c2 any) any
	// unboxed, when set, is a *valueOps[V] (V int, int64 or float64):
	// the same funcs on unboxed combiners, which tables then keep so.
	unboxed any
	// copyCombiner copies a combiner kept in a shuffle's output before the
	// reduce side merges into it or hands it on (nil: copyValue, a deep
	// copy that passes numbers and strings through).
	copyCombiner func(c any) any
	// safeMerge says that mergeCombiners neither changes nor keeps its
	// second argument, which then needs no copy.
	safeMerge bool
	// keysOnly says that every value and combiner is nil (Distinct's):
	// tables of int64 or int keys are then intSets, others keep their
	// combiners in a []struct{} (unboxed is noValues), so none.
	keysOnly bool
}

// copy returns a copy of combiner c that the reduce side may change and
// hand on without changing the shuffle output c was read from.
func (a *aggregator) copy(c any) any {
	if a.copyCombiner != nil {
		return a.copyCombiner(c)
	}
	return copyValue(c)
}

// listAggregator gathers a key's values into a []any, for GroupByKey and
// Cogroup.
var listAggregator = &aggregator{
	createCombiner: func(v any) any { return []any{v} },
	mergeValue:     func(c, v any) any { return append(c.([]any), v) },
	mergeCombiners: func(c1, c2 any) any { return append(c1.([]any), c2.([]any)...) },
	// The lists are the package's; the values in them are not copied.
	copyCombiner: func(c any) any { return append([]any(nil), c.([]any)...) },
	safeMerge:    true,
}

// checkComparable fails the task when k cannot be a map key.
func checkComparable(method string, k any) {
	switch p := k.(type) {
	case string, int, int64, nil, bool, float64, int32, uint64:
		return
	case Pair:
		checkComparable(method, p.Key)
		checkComparable(method, p.Value)
		return
	}
	if !reflect.TypeOf(k).Comparable() {
		failTask(notComparableError(method, k))
	}
}

// notComparableError says that key k, given to method, is not comparable.
func notComparableError(method string, k any) error {
	return fmt.Errorf("rdd.%s: key of type %s (value %s) is not comparable: keys of shuffles must be comparable Go values, not slices, maps or funcs",
		method, typeName(k), shorten(fmt.Sprint(k), 80))
}

// asPair returns x as a Pair or fails the task naming the method.
func asPair(method string, x any) Pair {
	kv, ok := x.(Pair)
	if !ok {
		failTaskf("rdd.%s: element of type %s (value %s) is not an rdd.Pair",
			method, typeName(x), shorten(fmt.Sprint(x), 80))
	}
	return kv
}

// router picks the reduce partition of each record of one map partition.
// newRouter is called once per map task.
type router interface {
	newRouter(mapPartition, nReduce int) func(rec any) int
}

// hashRouter routes Pairs by the deterministic hash of their key.
type hashRouter struct{}

func (hashRouter) newRouter(_, n int) func(any) int {
	return func(rec any) int { return partitionOf(rec.(Pair).Key, n) }
}

// funcRouter routes Pairs by a user partition func of the key.
type funcRouter struct {
	method string
	f      unaryFn
}

func (r funcRouter) newRouter(_, n int) func(any) int {
	return func(rec any) int {
		v := r.f(rec.(Pair).Key)
		i, ok := convertValue(v, reflect.TypeOf(0))
		if !ok {
			failTaskf("rdd.%s: the partition func returned %s (value %v), not an int", r.method, typeName(v), v)
		}
		return nonNegativeMod(int(i.Int()), n)
	}
}

// roundRobinRouter spreads records evenly, each map partition starting at
// its own position, as Spark's repartition does.
type roundRobinRouter struct{}

func (roundRobinRouter) newRouter(p, n int) func(any) int {
	next := int(mix64(uint64(p)) % uint64(n))
	return func(any) int {
		i := next
		next = (next + 1) % n
		return i
	}
}

func nonNegativeMod(x, n int) int {
	m := x % n
	if m < 0 {
		m += n
	}
	return m
}

// shuffleDep is the wide dependency of an RDD on a parent: the parent's
// partitions are cut into numPartitions buckets, either combined by key
// (agg set; elements must be Pairs) or routed whole by route. The map
// outputs serve every later job. Combined outputs stay in memory while
// they fit the Context's shuffle memory (WithShuffleMemory), else they go
// to disk as sorted runs that the reduce side merges (spill.go); routed
// ones stay in memory.
type shuffleDep struct {
	method        string
	parent        *RDD
	numPartitions func() (int, error)
	agg           *aggregator // combine by key; nil routes records whole
	route         router      // where records go when agg is nil
	needsPairs    bool        // records must be Pairs (by-key routing)
	// keys, when set, is the RDD whose elements are the parent's keys, its
	// Pairs' values all nil (Distinct): the map side reads its int64s or
	// strings unboxed when it has them.
	keys *RDD
	// buffer says to keep the Pairs uncombined while they fit the shuffle
	// memory (bufferPartition), combining them by agg only beyond.
	buffer bool
	// sorter, when set, sorts the records into ranges (SortBy, SortByKey)
	// instead of combining or routing them.
	sorter *rangeSorter
	// prepare, when set, runs before the map stage (SortBy's sampling).
	prepare func(j *job) error

	mu      sync.Mutex
	done    bool
	outputs []*mapOutput // by map partition
	// hold is what outputs hold, given back when s is garbage or its
	// outputs are released (releaseOutputs).
	hold *shuffleHold
}

// mapOutput is one map task's output.
type mapOutput struct {
	// A combining shuffle's output: the runs on disk, oldest first, and
	// the combine table kept in memory (sealed; nil when empty or all on
	// disk), whose data came after the runs'. Its entries are grouped by
	// reduce partition in order and starts (see combineTable.byPartition).
	runs     []*spillRun
	table    combineTable
	order    []int32
	starts   []int
	reserved int64 // shuffle memory counted for table
	// entryBytes estimates what a key of table takes in a table being
	// merged into, index included.
	entryBytes int64

	records [][]any    // a routing shuffle's records, by reduce partition
	sorted  *sortedRun // a sorting shuffle's records
	// buffered are the Pairs of a shuffle that keeps them uncombined,
	// grouped by reduce partition as a table's entries are (order and
	// starts).
	buffered *bufferedPairs
}

// bucket returns the entries of table (or of buffered) for reduce
// partition p.
func (o *mapOutput) bucket(p int) []int32 {
	if o.starts == nil {
		return nil
	}
	return o.order[o.starts[p]:o.starts[p+1]]
}

// release gives back the output's shuffle memory and removes its runs.
func (o *mapOutput) release(sc *Context) {
	sc.releaseShuffle(o.reserved)
	o.reserved = 0
	for _, r := range o.runs {
		os.Remove(r.path)
	}
	o.runs = nil
}

// shuffleHold is what the outputs of a shuffle hold, given back when the
// shuffle is garbage (or by Stop, for the files).
type shuffleHold struct {
	sc       *Context
	reserved int64
	files    []string
	once     sync.Once // released once, by whichever comes first
}

func (h *shuffleHold) release() {
	h.once.Do(func() {
		h.sc.releaseShuffle(h.reserved)
		for _, f := range h.files {
			os.Remove(f)
		}
	})
}

// materialize runs the map stage of the shuffle unless an earlier job did.
func (s *shuffleDep) materialize(j *job) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.done {
		return nil
	}
	nMap, err := s.parent.numPartitions()
	if err != nil {
		j.fail(-1, err)
		return err
	}
	nReduce, err := s.numPartitions()
	if err != nil {
		j.fail(-1, err)
		return err
	}
	if s.prepare != nil {
		if err := s.prepare(j); err != nil {
			j.fail(-1, err)
			return err
		}
	}
	outputs := make([]*mapOutput, nMap)
	j.runStage(s.parent, fmt.Sprintf("%s (shuffle write)", s.method), allPartitions(nMap), func(t *task, p int) {
		switch {
		case s.sorter != nil:
			outputs[p] = s.sorter.sortPartition(t, p, nMap, nReduce)
		case s.agg != nil && s.buffer:
			outputs[p] = s.bufferPartition(t, p, nReduce)
		case s.agg != nil:
			outputs[p] = s.combinePartition(t, p, nReduce)
		default:
			outputs[p] = s.routePartition(t, p, nReduce)
		}
	})
	sc := s.parent.sc
	if j.stop.Load() {
		for _, o := range outputs {
			if o != nil {
				o.release(sc)
			}
		}
		if j.err == nil {
			return errStopped
		}
		return j.err
	}
	if s.sorter != nil {
		s.sorter.setBounds(outputs, nReduce)
	}
	hold := &shuffleHold{sc: sc}
	for _, o := range outputs {
		hold.reserved += o.reserved
		for _, r := range o.runs {
			hold.files = append(hold.files, r.path)
		}
	}
	if hold.reserved > 0 || len(hold.files) > 0 {
		runtime.AddCleanup(s, (*shuffleHold).release, hold)
	}
	s.outputs, s.done, s.hold = outputs, true, hold
	sc.shuffles.holding(s)
	return nil
}

// maxRuns is how many runs a map task keeps before merging them into one.
const maxRuns = 16

// maxMergeWidth is how many sources a reduce task merges at once; more
// are merged in steps through temporary runs.
const maxMergeWidth = 64

// combinePartition combines partition p of the parent by key. When its
// table outgrows what the task may hold of the shuffle memory, it spills
// the table as a sorted run and goes on with an empty one.
func (s *shuffleDep) combinePartition(t *task, p, nReduce int) *mapOutput {
	c := s.newMapCombiner(t, p, nReduce, s.parent.sc.newSpillGuard())
	defer c.cleanup()
	if s.keys != nil {
		if in := typedOf[int64](s.keys); in != nil {
			in(t, p, func(k int64) bool { addIntKey(c, k); return true })
			return c.finish()
		}
		if in := typedOf[string](s.keys); in != nil {
			in(t, p, func(k string) bool { addKey(c, k); return true })
			return c.finish()
		}
	}
	pairsOf(s.method, s.parent)(t, p, func(kv Pair) bool {
		c.add(kv.Key, kv.Value)
		return true
	})
	return c.finish()
}

// addKey adds key k with a nil value (Distinct's map side), unboxed while
// the table's keys are Ks (and it keeps no combiners, as keysOnly says).
func addKey[K comparable](c *mapCombiner, k K) {
	tbl, ok := c.m.t.(*table[K, struct{}])
	if !ok {
		c.add(k, nil)
		return
	}
	i, at, found := tbl.find(k)
	if !found {
		v, _ := tbl.ops.create(nil)
		tbl.insert(k, v, at)
	} else {
		tbl.vals[i], _ = tbl.ops.mergeValue(tbl.vals[i], nil)
	}
	if c.g.tick() && !c.g.fits(tbl.memory(), false) {
		c.s.spill(c.t, c.m, c.out, c.g, c.name, c.nReduce)
	}
}

// addIntKey adds key k with a nil value (Distinct's map side), straight
// into the table while it is an intSet of Ks.
func addIntKey[K int | int64](c *mapCombiner, k K) {
	set, ok := c.m.t.(*intSet[K])
	if !ok {
		c.add(k, nil)
		return
	}
	// Spill before the slots double rather than after, when the doubled
	// set would not fit.
	if set.full() && !c.g.fits(2*set.memory(), false) {
		c.s.spill(c.t, c.m, c.out, c.g, c.name, c.nReduce)
		set = c.m.t.(*intSet[K]) // empty (or, when it could not spill, the same)
	}
	set.addKey(k)
	if c.g.tick() && !c.g.fits(set.memory(), false) {
		c.s.spill(c.t, c.m, c.out, c.g, c.name, c.nReduce)
	}
}

// mapCombiner is a map task combining by key: its table, the runs it
// spilled, and what it holds of the shuffle memory.
type mapCombiner struct {
	s       *shuffleDep
	t       *task
	out     *mapOutput
	m       *combineMap
	g       *spillGuard
	name    string
	nReduce int
	done    bool
}

func (s *shuffleDep) newMapCombiner(t *task, p, nReduce int, g *spillGuard) *mapCombiner {
	return &mapCombiner{s: s, t: t, out: &mapOutput{}, m: newCombineMap(s.method, s.agg), g: g,
		name: fmt.Sprintf("shuffle-%d-map-%05d", s.parent.id, p), nReduce: nReduce}
}

// add folds value v of key k in, spilling the table when it outgrows
// the memory the task may hold.
func (c *mapCombiner) add(k, v any) {
	c.m.addValue(k, v)
	if c.g.tick() && !c.g.fits(c.m.t.memory(), c.m.t.boxedValues()) {
		c.s.spill(c.t, c.m, c.out, c.g, c.name, c.nReduce)
	}
}

// cleanup drops the output of a task that failed or stopped.
func (c *mapCombiner) cleanup() {
	if !c.done {
		c.g.release()
		c.out.release(c.s.parent.sc)
	}
}

// finish returns the task's output: its runs, and its table when that
// may stay in memory.
func (c *mapCombiner) finish() *mapOutput {
	s, t, m, g, out := c.s, c.t, c.m, c.g, c.out
	if t.stopped() {
		return out // the deferred cleanup drops it
	}
	if m.len() > 0 && len(out.runs) > 0 && !g.disabled {
		s.spill(t, m, out, g, c.name, c.nReduce) // all on disk, then
	}
	var size int64
	if m.len() > 0 {
		m.t.seal()
		size = m.t.memory()
		if !g.hold(size+4*int64(m.len())) && !g.disabled {
			s.spill(t, m, out, g, c.name, c.nReduce) // no room to keep it
		}
	}
	if m.len() > 0 {
		out.table = m.t
		out.order, out.starts = m.t.byPartition(c.nReduce)
		out.reserved, g.reserved = g.reserved, 0
		out.entryBytes = size/int64(m.len()) + m.t.indexBytes()
	}
	g.release()
	c.done = true
	return out
}

// bufferPartition keeps the Pairs of partition p as they are, keys and
// values in columns (unboxed where they are of one common type), grouped
// by reduce partition: a join's side that combining would not shrink.
// When they outgrow what the task may hold of the shuffle memory, it
// combines them and the rest by key instead, spilling as combinePartition
// does.
func (s *shuffleDep) bufferPartition(t *task, p, nReduce int) *mapOutput {
	g := s.parent.sc.newSpillGuard()
	var c *mapCombiner
	done := false
	defer func() {
		if c != nil {
			c.cleanup()
		} else if !done {
			g.release()
		}
	}()
	var keys, vals columnChunks
	overflow := func() {
		c = s.newMapCombiner(t, p, nReduce, g)
		recs := bufferedPairs{keys: keys.column(), vals: vals.column()}
		for i := range recs.keys.len() {
			c.add(recs.keys.at(i), recs.vals.at(i))
		}
	}
	if in := keyedStringsOf(s.parent); in != nil {
		in(t, p, func(kv keyedString) bool {
			if c != nil {
				c.add(kv.key, kv.value)
				return true
			}
			keys.addString(kv.key)
			vals.addString(kv.value)
			if g.tick() && !g.fits(keys.memory()+vals.memory(), true) {
				overflow()
			}
			return true
		})
	} else {
		pairsOf(s.method, s.parent)(t, p, func(kv Pair) bool {
			if c != nil {
				c.add(kv.Key, kv.Value)
				return true
			}
			checkComparable(s.method, kv.Key)
			keys.add(kv.Key)
			vals.add(kv.Value)
			if g.tick() && !g.fits(keys.memory()+vals.memory(), true) {
				overflow()
			}
			return true
		})
	}
	if c == nil && !t.stopped() && !g.hold(keys.memory()+vals.memory()+4*int64(keys.len())) {
		overflow()
	}
	if c != nil {
		return c.finish()
	}
	out := &mapOutput{}
	if t.stopped() {
		return out
	}
	recs := &bufferedPairs{keys: keys.column(), vals: vals.column()}
	if recs.keys.len() > 0 {
		out.buffered = recs
		out.order, out.starts = recs.keys.byPartition(nReduce)
		out.reserved, g.reserved = g.reserved, 0
	}
	g.release()
	done = true
	return out
}

// bufferedPairs are the Pairs of a map partition, key i with value i.
type bufferedPairs struct {
	keys, vals column
}

// memory estimates the bytes the Pairs take.
func (b *bufferedPairs) memory() int64 {
	return b.keys.memory() + b.vals.memory()
}

// spill writes m's table as a run of out and empties it. A table that
// cannot be encoded stays in memory (over the budget) and the task stops
// trying; a failing disk fails the task.
func (s *shuffleDep) spill(t *task, m *combineMap, out *mapOutput, g *spillGuard, name string, n int) {
	run, err := writeTableRun(s.parent.sc, name, m.t, n)
	if errors.Is(err, errNotEncodable) {
		g.disabled = true
		return
	}
	if err != nil {
		failTask(fmt.Errorf("rdd.%s: spilling the shuffle: %w", s.method, err))
	}
	out.runs = append(out.runs, run)
	m.t = m.t.empty(0)
	g.spilled()
	if len(out.runs) >= maxRuns {
		s.compact(t, out, name, n)
	}
}

// compact merges the runs of out into one.
func (s *shuffleDep) compact(t *task, out *mapOutput, name string, n int) {
	w, err := newRunWriter(s.parent.sc, name, n)
	if err != nil {
		failTask(fmt.Errorf("rdd.%s: spilling the shuffle: %w", s.method, err))
	}
	for p := range n {
		w.partition(p)
		var sources []mergeSource
		for _, r := range out.runs {
			if r.offsets[p] < r.offsets[p+1] {
				sources = append(sources, openRunSegment(r, p))
			}
		}
		err := mergeInto(t, s.agg, sources, w)
		if err == nil && t.stopped() {
			err = errStopped
		}
		if err != nil {
			w.abort()
			failTask(err)
		}
	}
	run, err := w.finish()
	if err != nil {
		failTask(fmt.Errorf("rdd.%s: spilling the shuffle: %w", s.method, err))
	}
	for _, r := range out.runs {
		os.Remove(r.path)
	}
	out.runs = []*spillRun{run}
}

// routePartition sends every record of partition p to its bucket.
func (s *shuffleDep) routePartition(t *task, p, nReduce int) *mapOutput {
	out := &mapOutput{records: make([][]any, nReduce)}
	route := s.route.newRouter(p, nReduce)
	s.parent.iterate(t, p, func(x any) bool {
		if s.needsPairs {
			checkComparable(s.method, asPair(s.method, x).Key)
		}
		i := route(x)
		out.records[i] = append(out.records[i], x)
		return true
	})
	return out
}

// eachCombined pushes every key of reduce partition p with its combiner,
// merged over all map outputs. The combiners are the caller's: copies of
// the stored ones (agg.copy) or fresh from disk, since the outputs serve
// every later job and neither mergeCombiners nor downstream functions may
// change them.
//
// When everything is in memory, keys come in first-seen order (map
// partition by map partition), merged in a table that counts in the
// shuffle memory; when some output is on disk, or that table does not
// fit, the buckets and runs are merged by key hash instead, and keys come
// in hash order.
func (s *shuffleDep) eachCombined(t *task, p int, emit func(k, c any) bool) {
	s.mu.Lock()
	outputs := s.outputs
	s.mu.Unlock()
	t.addBytes(shuffleReadBytes(outputs, p))
	sc := s.parent.sc
	spilled, filled, total, longest := false, 0, 0, 0
	var only *mapOutput
	var size int64
	for _, o := range outputs {
		spilled = spilled || len(o.runs) > 0
		if b := o.bucket(p); len(b) > 0 {
			filled, only, total, longest = filled+1, o, total+len(b), max(longest, len(b))
			size += int64(len(b)) * o.entryBytes
		}
	}
	// The merged table has at least the longest bucket's keys and at most
	// all of them: size it for the sum, but not beyond twice the longest,
	// for outputs that share most keys (words).
	hint := min(total, 2*longest)
	switch {
	case !spilled && filled <= 1: // one bucket: read it as it is
		if only == nil {
			return
		}
		tbl, copies := only.table, only.table.boxedValues()
		for _, i := range only.bucket(p) {
			c := tbl.value(int(i))
			if copies {
				c = s.agg.copy(c)
			}
			if t.stopped() || !emit(tbl.key(int(i)), c) {
				return
			}
		}
	case !spilled && sc.reserveShuffle(size):
		defer sc.releaseShuffle(size)
		m := newCombineMap(s.method, s.agg)
		for _, o := range outputs {
			if b := o.bucket(p); len(b) > 0 {
				if m.t == nil {
					m.t = o.table.empty(hint)
				}
				m.mergeFrom(o.table, b, false)
			}
		}
		for i := range m.len() {
			if t.stopped() || !emit(m.t.key(i), m.t.value(i)) {
				return
			}
		}
	default:
		s.mergeOutputs(t, outputs, p, emit)
	}
}

// eachPartial pushes the data of reduce partition p as the map outputs
// hold it, output by output, without merging the combiners of a key that
// several outputs have (such a key comes once per output): the combined
// outputs' keys and combiners to combined (those on disk merged as
// eachCombined merges them), the buffered outputs' Pairs to records, a
// bucket at a time: b's Pairs at positions idx.
func (s *shuffleDep) eachPartial(t *task, p int, records func(b *bufferedPairs, idx []int32) bool, combined func(k, c any) bool) {
	s.mu.Lock()
	outputs := s.outputs
	s.mu.Unlock()
	t.addBytes(shuffleReadBytes(outputs, p))
	var tables []*mapOutput
	spilled := false
	for _, o := range outputs {
		if o.buffered == nil {
			tables = append(tables, o)
			spilled = spilled || len(o.runs) > 0
		}
	}
	if spilled {
		more := true
		s.mergeOutputs(t, tables, p, func(k, c any) bool { more = combined(k, c); return more })
		if !more {
			return
		}
	} else {
		for _, o := range tables {
			tbl := o.table
			if tbl == nil {
				continue
			}
			copies := tbl.boxedValues()
			for _, i := range o.bucket(p) {
				c := tbl.value(int(i))
				if copies {
					c = s.agg.copy(c)
				}
				if t.stopped() || !combined(tbl.key(int(i)), c) {
					return
				}
			}
		}
	}
	for _, o := range outputs {
		if b := o.buffered; b != nil {
			if t.stopped() || !records(b, o.bucket(p)) {
				return
			}
		}
	}
}

// smallerThan reports whether reduce partition p holds fewer records of
// s than of o (a key and its combiner counting as one record), an output
// spilled to disk counting as larger than any in memory.
func (s *shuffleDep) smallerThan(o *shuffleDep, p int) bool {
	a, aSpilled := s.recordsIn(p)
	b, bSpilled := o.recordsIn(p)
	if aSpilled != bSpilled {
		return bSpilled
	}
	return a < b
}

// recordsIn returns how many records (or keys, for combined outputs) the
// map outputs hold for reduce partition p in memory, and whether some
// are on disk.
func (s *shuffleDep) recordsIn(p int) (n int, spilled bool) {
	s.mu.Lock()
	outputs := s.outputs
	s.mu.Unlock()
	for _, o := range outputs {
		n += len(o.bucket(p))
		spilled = spilled || len(o.runs) > 0
	}
	return n, spilled
}

// mergeOutputs merges partition p of every output's runs and table (or
// buffered Pairs, combined) by key hash.
func (s *shuffleDep) mergeOutputs(t *task, outputs []*mapOutput, p int, emit func(k, c any) bool) {
	var open []func() mergeSource
	for _, o := range outputs {
		for _, r := range o.runs {
			if r.offsets[p] < r.offsets[p+1] {
				open = append(open, func() mergeSource { return openRunSegment(r, p) })
			}
		}
		if b := o.bucket(p); len(b) > 0 {
			if o.buffered != nil {
				recs := o.buffered
				open = append(open, func() mergeSource { return s.bufferedSource(recs, b) })
				continue
			}
			tbl := o.table
			open = append(open, func() mergeSource { return newTableSource(tbl, b) })
		}
	}
	// Too many sources to open at once: merge the first ones into a
	// temporary run, until few enough are left.
	for len(open) > maxMergeWidth {
		w, err := newRunWriter(s.parent.sc, fmt.Sprintf("shuffle-%d-reduce-%05d", s.parent.id, p), 1)
		if err != nil {
			failTask(fmt.Errorf("rdd.%s: merging the shuffle: %w", s.method, err))
		}
		sources := make([]mergeSource, maxMergeWidth)
		for i, f := range open[:maxMergeWidth] {
			sources[i] = f()
		}
		err = mergeInto(t, s.agg, sources, w)
		if err == nil && t.stopped() {
			err = errStopped
		}
		if err != nil {
			w.abort()
			failTask(err)
		}
		run, err := w.finish()
		if err != nil {
			failTask(fmt.Errorf("rdd.%s: merging the shuffle: %w", s.method, err))
		}
		defer os.Remove(run.path)
		merged := func() mergeSource { return openRunSegment(run, 0) }
		open = append([]func() mergeSource{merged}, open[maxMergeWidth:]...)
	}
	sources := make([]mergeSource, len(open))
	for i, f := range open {
		sources[i] = f()
	}
	mergeSources(t, s.agg, sources, func(_ uint32, k, c any) bool { return emit(k, c) })
}

// bufferedSource combines the Pairs of recs at positions idx by key, to
// merge them with combined outputs and runs.
func (s *shuffleDep) bufferedSource(recs *bufferedPairs, idx []int32) mergeSource {
	m := newCombineMap(s.method, s.agg)
	for _, i := range idx {
		m.addValue(recs.keys.at(int(i)), recs.vals.at(int(i)))
	}
	all := make([]int32, m.len())
	for i := range all {
		all[i] = int32(i)
	}
	return newTableSource(m.t, all)
}

// readRecords pushes the records of bucket p of every map output to emit,
// in map partition order.
func (s *shuffleDep) readRecords(t *task, p int, emit func(any) bool) {
	s.mu.Lock()
	outputs := s.outputs
	s.mu.Unlock()
	for _, out := range outputs {
		for _, rec := range out.records[p] {
			if t.stopped() || !emit(rec) {
				return
			}
		}
	}
}

// shuffleReadBytes is about the bytes of reduce partition p in outputs,
// which a reduce task counts as read: those of its runs on disk exactly,
// those of its combined or buffered entries in memory as the shuffle
// memory estimates them. The records a routing or sorting shuffle keeps
// as they are count none.
func shuffleReadBytes(outputs []*mapOutput, p int) int64 {
	var n int64
	for _, o := range outputs {
		for _, r := range o.runs {
			n += r.offsets[p+1] - r.offsets[p]
		}
		entries := int64(len(o.bucket(p)))
		if b := o.buffered; b != nil {
			if k := int64(b.keys.len()); k > 0 {
				n += entries * b.memory() / k
			}
			continue
		}
		n += entries * o.entryBytes
	}
	return n
}

// shuffledParts returns the partition count of a shuffle: numPartitions[0]
// when given, else that of r.
func shuffledParts(method string, r *RDD, numPartitions []int) func() (int, error) {
	if len(numPartitions) > 0 {
		n := numPartitions[0]
		if n < 1 {
			panic(fmt.Sprintf("rdd.%s: numPartitions must be at least 1, got %d", method, n))
		}
		return fixedPartitions(n)
	}
	return r.numPartitions
}

// combineByKey makes the ShuffledRDD reading a shuffle of r combined by
// agg, one Pair{key, combiner} per key, hash-partitioned.
func (r *RDD) combineByKey(method string, agg *aggregator, numPartitions []int) *RDD {
	parts := shuffledParts(method, r, numPartitions)
	dep := &shuffleDep{method: method, parent: r, numPartitions: parts, agg: agg}
	out := r.sc.newRDD("ShuffledRDD", method, []dependency{{rdd: r, shuffle: dep}})
	out.partitions = parts
	out.partitioner = hashPartitioned
	setSource(out, func(t *task, p int, emit func(Pair) bool) {
		dep.eachCombined(t, p, func(k, c any) bool { return emit(Pair{Key: k, Value: c}) })
	})
	return out
}

// routed makes the ShuffledRDD of r's records moved whole by route.
func (r *RDD) routed(method string, route router, needsPairs bool, parts func() (int, error)) *RDD {
	dep := &shuffleDep{method: method, parent: r, numPartitions: parts, route: route, needsPairs: needsPairs}
	out := r.sc.newRDD("ShuffledRDD", method, []dependency{{rdd: r, shuffle: dep}})
	out.partitions = parts
	out.compute = dep.readRecords
	return out
}
