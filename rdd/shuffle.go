package rdd

import (
	"fmt"
	"reflect"
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
	// intMerge, when set, is the merge of a ReduceByKey over ints
	// (func(int, int) int): combiners are then kept unboxed.
	intMerge func(a, b int) int
	// copyCombiner copies a combiner kept in a shuffle's output before the
	// reduce side merges into it or hands it on (nil: copyValue, a deep
	// copy that passes numbers and strings through).
	copyCombiner func(c any) any
	// safeMerge says that mergeCombiners neither changes nor keeps its
	// second argument, which then needs no copy.
	safeMerge bool
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

// combineMap holds one combiner per key, keeping keys in first-seen order
// so that shuffle output is deterministic. String keys, the common case,
// are indexed by a map[string]int, which hashes and compares them much
// faster than a map[any]int. While every combiner is an int of an
// intMerge aggregator, combiners stay unboxed in ints.
type combineMap struct {
	strIndex map[string]int
	index    map[any]int
	keys     []any
	vals     []any // combiners, unless intMode
	ints     []int // combiners in intMode
	intMode  bool
}

func newCombineMap() *combineMap {
	return &combineMap{strIndex: make(map[string]int), index: make(map[any]int)}
}

// newCombineMapFor returns a map for agg's combiners, unboxed when agg
// merges ints.
func newCombineMapFor(agg *aggregator) *combineMap {
	m := newCombineMap()
	m.intMode = agg.intMerge != nil
	return m
}

// find returns the position of key k, or -1.
func (m *combineMap) find(k any) int {
	if s, ok := k.(string); ok {
		if i, ok := m.strIndex[s]; ok {
			return i
		}
		return -1
	}
	if i, ok := m.index[k]; ok {
		return i
	}
	return -1
}

// insert appends key k with combiner c.
func (m *combineMap) insert(k, c any) {
	m.appendKey(k)
	if m.intMode {
		if n, ok := c.(int); ok {
			m.ints = append(m.ints, n)
			return
		}
		m.leaveIntMode()
	}
	m.vals = append(m.vals, c)
}

// appendKey indexes and appends the new key k.
func (m *combineMap) appendKey(k any) {
	if s, ok := k.(string); ok {
		m.strIndex[s] = len(m.keys)
	} else {
		m.index[k] = len(m.keys)
	}
	m.keys = append(m.keys, k)
}

// leaveIntMode boxes the combiners, when a value that is not an int comes.
func (m *combineMap) leaveIntMode() {
	m.vals = make([]any, len(m.ints), len(m.keys))
	for i, n := range m.ints {
		m.vals[i] = n
	}
	m.ints, m.intMode = nil, false
}

// value returns the combiner at position i.
func (m *combineMap) value(i int) any {
	if m.intMode {
		return m.ints[i]
	}
	return m.vals[i]
}

// addValue folds value v of key k into the map.
func (m *combineMap) addValue(method string, k, v any, agg *aggregator) {
	checkComparable(method, k)
	i := m.find(k)
	if i < 0 {
		m.insert(k, agg.createCombiner(v))
		return
	}
	if m.intMode {
		if n, ok := v.(int); ok {
			m.ints[i] = agg.intMerge(m.ints[i], n)
			return
		}
		m.leaveIntMode()
	}
	m.vals[i] = agg.mergeValue(m.vals[i], v)
}

// addCombiner merges combiner c of key k, read from a shuffle's output,
// into the map. c itself is never kept nor changed: the map keeps a copy
// of it when the key is new, and mergeCombiners, which may change its
// first argument, gets a copy unless agg.safeMerge.
func (m *combineMap) addCombiner(k, c any, agg *aggregator) {
	i := m.find(k)
	if i < 0 {
		m.insert(k, agg.copy(c))
		return
	}
	if m.intMode {
		if n, ok := c.(int); ok {
			m.ints[i] = agg.intMerge(m.ints[i], n)
			return
		}
		m.leaveIntMode()
	}
	if !agg.safeMerge {
		c = agg.copy(c)
	}
	m.vals[i] = agg.mergeCombiners(m.vals[i], c)
}

// addInt merges the unboxed combiner n of key k into a map in intMode.
func (m *combineMap) addInt(k any, n int, agg *aggregator) {
	if i := m.find(k); i >= 0 {
		m.ints[i] = agg.intMerge(m.ints[i], n)
		return
	}
	m.appendKey(k)
	m.ints = append(m.ints, n)
}

// checkComparable fails the task when k cannot be a map key.
func checkComparable(method string, k any) {
	switch k.(type) {
	case string, int, int64, nil, bool, float64, int32, uint64:
		return
	case Pair:
		p := k.(Pair)
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
// (agg set; elements must be Pairs) or routed whole by route. Buckets stay
// in memory for every later job.
type shuffleDep struct {
	method        string
	parent        *RDD
	numPartitions func() (int, error)
	agg           *aggregator // combine by key; nil routes records whole
	route         router      // where records go when agg is nil
	needsPairs    bool        // records must be Pairs (by-key routing)
	// prepare, when set, runs before the map stage (SortBy's sampling).
	prepare func(j *job) error

	mu      sync.Mutex
	done    bool
	outputs [][]*bucket // [map partition][reduce partition]
}

// bucket is one map task's output for one reduce partition.
type bucket struct {
	combined *combineMap // for combining shuffles
	records  []any       // for plain shuffles
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
	outputs := make([][]*bucket, nMap)
	j.runStage(s.parent, fmt.Sprintf("%s (shuffle write)", s.method), allPartitions(nMap), func(t *task, p int) {
		if s.agg != nil {
			outputs[p] = s.combinePartition(t, p, nReduce)
		} else {
			outputs[p] = s.routePartition(t, p, nReduce)
		}
	})
	if j.stop.Load() {
		if j.err == nil {
			return errStopped
		}
		return j.err
	}
	s.outputs, s.done = outputs, true
	return nil
}

// combinePartition combines partition p of the parent by key and splits
// the combiners into nReduce buckets by the hash of their keys.
func (s *shuffleDep) combinePartition(t *task, p, nReduce int) []*bucket {
	combined := newCombineMapFor(s.agg)
	s.parent.iterate(t, p, func(x any) bool {
		kv := asPair(s.method, x)
		combined.addValue(s.method, kv.Key, kv.Value, s.agg)
		return true
	})
	buckets := make([]*bucket, nReduce)
	for i := range buckets {
		buckets[i] = &bucket{combined: newCombineMapFor(s.agg)}
	}
	for i, k := range combined.keys {
		buckets[partitionOf(k, nReduce)].combined.insert(k, combined.value(i))
	}
	return buckets
}

// routePartition sends every record of partition p to its bucket.
func (s *shuffleDep) routePartition(t *task, p, nReduce int) []*bucket {
	buckets := make([]*bucket, nReduce)
	for i := range buckets {
		buckets[i] = &bucket{}
	}
	route := s.route.newRouter(p, nReduce)
	s.parent.iterate(t, p, func(x any) bool {
		if s.needsPairs {
			checkComparable(s.method, asPair(s.method, x).Key)
		}
		b := buckets[route(x)]
		b.records = append(b.records, x)
		return true
	})
	return buckets
}

// readCombined merges bucket p of every map output into one combineMap
// whose combiners are copies (agg.copy), not the stored ones: the stored
// outputs serve every later job, so neither mergeCombiners nor downstream
// functions may change them. Unboxed ints are copied as they are merged.
// With one map output the result shares its keys and has no index: it is
// for reading only.
func (s *shuffleDep) readCombined(p int) *combineMap {
	s.mu.Lock()
	outputs := s.outputs
	s.mu.Unlock()
	if len(outputs) == 1 {
		b := outputs[0][p].combined
		view := &combineMap{keys: b.keys, ints: b.ints, intMode: b.intMode}
		if !b.intMode {
			view.vals = make([]any, len(b.vals))
			for i, c := range b.vals {
				view.vals[i] = s.agg.copy(c)
			}
		}
		return view
	}
	merged := newCombineMapFor(s.agg)
	for _, out := range outputs {
		b := out[p].combined
		for i, k := range b.keys {
			if b.intMode && merged.intMode {
				merged.addInt(k, b.ints[i], s.agg)
			} else {
				merged.addCombiner(k, b.value(i), s.agg)
			}
		}
	}
	return merged
}

// readRecords pushes the records of bucket p of every map output to emit,
// in map partition order.
func (s *shuffleDep) readRecords(t *task, p int, emit func(any) bool) {
	s.mu.Lock()
	outputs := s.outputs
	s.mu.Unlock()
	for _, out := range outputs {
		for _, rec := range out[p].records {
			if t.stopped() || !emit(rec) {
				return
			}
		}
	}
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
	out.compute = func(t *task, p int, emit func(any) bool) {
		m := dep.readCombined(p)
		for i, k := range m.keys {
			if t.stopped() || !emit(Pair{Key: k, Value: m.value(i)}) {
				return
			}
		}
	}
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
