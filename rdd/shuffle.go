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
}

// combineMap holds one combiner per key, keeping keys in first-seen order
// so that shuffle output is deterministic.
type combineMap struct {
	index map[any]int
	keys  []any
	vals  []any
}

func newCombineMap() *combineMap {
	return &combineMap{index: make(map[any]int)}
}

// addValue folds value v of key k into the map.
func (m *combineMap) addValue(method string, k, v any, agg *aggregator) {
	checkComparable(method, k)
	if i, ok := m.index[k]; ok {
		m.vals[i] = agg.mergeValue(m.vals[i], v)
		return
	}
	m.index[k] = len(m.keys)
	m.keys = append(m.keys, k)
	m.vals = append(m.vals, agg.createCombiner(v))
}

// addCombiner merges combiner c of key k into the map.
func (m *combineMap) addCombiner(k, c any, agg *aggregator) {
	if i, ok := m.index[k]; ok {
		m.vals[i] = agg.mergeCombiners(m.vals[i], c)
		return
	}
	m.index[k] = len(m.keys)
	m.keys = append(m.keys, k)
	m.vals = append(m.vals, c)
}

// checkComparable fails the task when k cannot be a map key.
func checkComparable(method string, k any) {
	switch k.(type) {
	case string, int, int64, nil, Pair, bool, float64, int32, uint64:
		return
	}
	if !reflect.TypeOf(k).Comparable() {
		failTaskf("rdd.%s: key of type %s (value %s) is not comparable: keys of shuffles must be comparable Go values, not slices, maps or funcs",
			method, typeName(k), shorten(fmt.Sprint(k), 80))
	}
}

// shuffleDep is the wide dependency of a ShuffledRDD on its parent: the
// parent's partitions are combined by key and hash-partitioned into
// numPartitions buckets, kept in memory for every later job.
type shuffleDep struct {
	method        string
	parent        *RDD
	numPartitions func() (int, error)
	agg           *aggregator

	mu      sync.Mutex
	done    bool
	outputs [][]*combineMap // [map partition][reduce partition]
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
	outputs := make([][]*combineMap, nMap)
	j.runTasks(allPartitions(nMap), func(t *task, p int) {
		outputs[p] = s.mapPartition(t, p, nReduce)
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

// mapPartition combines partition p of the parent by key and splits the
// combiners into nReduce buckets.
func (s *shuffleDep) mapPartition(t *task, p, nReduce int) []*combineMap {
	combined := newCombineMap()
	s.parent.iterate(t, p, func(x any) bool {
		kv, ok := x.(Pair)
		if !ok {
			failTaskf("rdd.%s: element of type %s (value %s) is not an rdd.Pair",
				s.method, typeName(x), shorten(fmt.Sprint(x), 80))
		}
		combined.addValue(s.method, kv.Key, kv.Value, s.agg)
		return true
	})
	buckets := make([]*combineMap, nReduce)
	for i := range buckets {
		buckets[i] = newCombineMap()
	}
	for i, k := range combined.keys {
		b := buckets[partitionOf(k, nReduce)]
		b.index[k] = len(b.keys)
		b.keys = append(b.keys, k)
		b.vals = append(b.vals, combined.vals[i])
	}
	return buckets
}

// reducePartition merges bucket p of every map output and pushes one Pair
// per key to emit.
func (s *shuffleDep) reducePartition(t *task, p int, emit func(any) bool) {
	s.mu.Lock()
	outputs := s.outputs
	s.mu.Unlock()
	merged := newCombineMap()
	for _, out := range outputs {
		b := out[p]
		for i, k := range b.keys {
			merged.addCombiner(k, b.vals[i], s.agg)
		}
	}
	for i, k := range merged.keys {
		if t.stopped() || !emit(Pair{Key: k, Value: merged.vals[i]}) {
			return
		}
	}
}

// shuffled makes the ShuffledRDD reading a shuffle of r combined by agg.
func (r *RDD) shuffled(method string, agg *aggregator, numPartitions []int) *RDD {
	parts := func() (int, error) { return r.numPartitions() }
	if len(numPartitions) > 0 {
		n := numPartitions[0]
		if n < 1 {
			panic(fmt.Sprintf("rdd.%s: numPartitions must be at least 1, got %d", method, n))
		}
		parts = fixedPartitions(n)
	}
	dep := &shuffleDep{method: method, parent: r, numPartitions: parts, agg: agg}
	out := r.sc.newRDD("ShuffledRDD", method, []dependency{{rdd: r, shuffle: dep}})
	out.partitions = parts
	out.compute = dep.reducePartition
	return out
}
