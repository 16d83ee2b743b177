package rdd

import (
	"math/rand/v2"
	"sort"
	"sync"
)

// SortBy sorts the elements by keyFunc(element) (a func(T) K), in
// ascending or descending Compare order. Elements with equal keys keep
// their order (the sort is stable). As in Spark, the keys are cut into
// ranges of about equal size, one per partition (numPartitions, by
// default as many as the RDD has), from a sample of them; the sample is
// drawn as each partition is sorted, so the lineage is computed once.
func (r *RDD) SortBy(keyFunc any, ascending bool, numPartitions ...int) *RDD {
	key := adaptUnary("SortBy", keyFunc)
	keyed := r.narrow("SortBy", keepsCount, func(emit func(any) bool) func(any) bool {
		return func(x any) bool { return emit(Pair{Key: key(x), Value: x}) }
	})
	// The shuffle reads r and calls keyFunc itself, keeping keys and
	// elements unboxed where it can; keyed stays in the lineage.
	sorted := keyed.sortByKey("SortBy", ascending, numPartitions, sortByFeed(r, keyFunc, key), false)
	values := sorted.Values()
	values.method = "SortBy"
	values.compute = sorted.compute
	return record(values, "SortBy", []*RDD{r}, keyFunc, ascending, numPartitions).withOptions(StepOptions{Ascending: ascending}.partitionsAt(2, numPartitions))
}

// SortByKey sorts an RDD of Pairs by key, stably, as SortBy does.
func (r *RDD) SortByKey(ascending bool, numPartitions ...int) *RDD {
	return record(r.sortByKey("SortByKey", ascending, numPartitions, pairsFeed("SortByKey", r), true), "SortByKey", []*RDD{r}, ascending, numPartitions).withOptions(StepOptions{Ascending: ascending}.partitionsAt(1, numPartitions))
}

// RepartitionAndSortWithinPartitions places the Pairs into numPartitions
// partitions by the hash of their key and sorts each partition by key
// (ascending unless ascending[0] is false).
func (r *RDD) RepartitionAndSortWithinPartitions(numPartitions int, ascending ...bool) *RDD {
	asc := len(ascending) == 0 || ascending[0]
	parts := shuffledParts("RepartitionAndSortWithinPartitions", r, []int{numPartitions})
	out := r.sortedShuffle("RepartitionAndSortWithinPartitions", hashRouter{}, parts, asc)
	out.partitioner = hashPartitioned
	return record(out, "RepartitionAndSortWithinPartitions", []*RDD{r}, numPartitions, ascending).withOptions(StepOptions{Ascending: asc, NumPartitions: []int{numPartitions}})
}

// sortByKey makes the ShuffledRDD of r sorted by key in ranges of keys,
// one per partition: feed gives each map task its keys and records
// (Pair values when keepKeys, which then emits Pairs; else elements).
func (r *RDD) sortByKey(method string, ascending bool, numPartitions []int, feed sortFeed, keepKeys bool) *RDD {
	parts := shuffledParts(method, r, numPartitions)
	sorter := &rangeSorter{method: method, ascending: ascending, feed: feed, keepKeys: keepKeys}
	sorter.sizeHint = sync.OnceValue(func() []float64 {
		if sizes, exact, err := r.partitionSizes(); err == nil && exact {
			return sizes
		}
		return nil
	})
	dep := &shuffleDep{method: method, parent: r, numPartitions: parts, sorter: sorter}
	out := r.sc.newRDD("ShuffledRDD", method, []dependency{{rdd: r, shuffle: dep}})
	out.partitions = parts
	out.compute = func(t *task, p int, emit func(any) bool) {
		dep.mu.Lock()
		outputs := dep.outputs
		dep.mu.Unlock()
		sorter.each(t, outputs, p, emit)
	}
	return out
}

// sortedShuffle routes the Pairs of r with route and sorts each reduce
// partition stably by key.
func (r *RDD) sortedShuffle(method string, route router, parts func() (int, error), ascending bool) *RDD {
	out := r.routed(method, route, true, parts)
	dep := out.deps[0].shuffle
	out.compute = func(t *task, p int, emit func(any) bool) {
		var recs []any
		var keys column
		dep.readRecords(t, p, func(x any) bool {
			recs = append(recs, x)
			keys.add(x.(Pair).Key)
			return true
		})
		for _, i := range keys.sortedOrder(ascending) {
			if t.stopped() || !emit(recs[i]) {
				return
			}
		}
	}
	return out
}

// sortFeed adds the keys and records of map partition p to keys and vals,
// calling added after each.
type sortFeed func(t *task, p int, keys, vals *column, added func())

// pairsFeed feeds the Pairs of r: their keys, and their values as
// records.
func pairsFeed(method string, r *RDD) sortFeed {
	return func(t *task, p int, keys, vals *column, added func()) {
		pairsOf(method, r)(t, p, func(kv Pair) bool {
			checkComparable(method, kv.Key)
			keys.add(kv.Key)
			vals.add(kv.Value)
			added()
			return true
		})
	}
}

// sortByFeed feeds the elements of r as records and key(element) as
// keys, unboxed when r's elements are int64s or strings and keyFunc takes
// and returns their type.
func sortByFeed(r *RDD, keyFunc any, key unaryFn) sortFeed {
	boxedKey := func(keys *column, x any) {
		k := key(x)
		checkComparable("SortBy", k)
		keys.add(k)
	}
	if in := typedOf[int64](r); in != nil {
		g, direct := keyFunc.(func(int64) int64)
		if direct {
			g = guard1("SortBy", keyFunc, g)
		}
		return func(t *task, p int, keys, vals *column, added func()) {
			in(t, p, func(x int64) bool {
				vals.addInt64(x)
				if direct {
					keys.addInt64(g(x))
				} else {
					boxedKey(keys, x)
				}
				added()
				return true
			})
		}
	}
	if in := typedOf[string](r); in != nil {
		g, direct := keyFunc.(func(string) string)
		if direct {
			g = guard1("SortBy", keyFunc, g)
		}
		return func(t *task, p int, keys, vals *column, added func()) {
			in(t, p, func(x string) bool {
				vals.addString(x)
				if direct {
					keys.addString(g(x))
				} else {
					boxedKey(keys, x)
				}
				added()
				return true
			})
		}
	}
	return func(t *task, p int, keys, vals *column, added func()) {
		r.iterate(t, p, func(x any) bool {
			vals.add(x)
			boxedKey(keys, x)
			added()
			return true
		})
	}
}

// rangeSorter is the map and reduce side of a sort. Each map task sorts
// its partition's records by key and samples its keys; the samples give
// the upper bounds of the key ranges, one per reduce partition, cutting
// every sorted run into consecutive pieces; a reduce task merges its
// pieces of the runs. The lineage is computed once.
type rangeSorter struct {
	method    string // SortBy or SortByKey, for errors
	ascending bool
	feed      sortFeed
	keepKeys  bool
	// sizeHint returns the exact sizes of the map partitions when they
	// are known, else nil.
	sizeHint func() []float64

	mu     sync.Mutex
	bounds []any // sorted; partition i holds keys <= bounds[i]
}

// sortPartition sorts map partition p (of nMap) into a run, sampling up
// to about 60 keys per output partition in all, drawn evenly from every
// map partition with a fixed seed, so that the same data always sorts
// into the same partitions.
func (rs *rangeSorter) sortPartition(t *task, p, nMap, nReduce int) *mapOutput {
	run := &sortedRun{}
	var keys, vals column
	added := func() {}
	if nReduce > 1 {
		perPartition := max(1, (3*20*nReduce+nMap-1)/nMap)
		rng := rand.New(rand.NewPCG(uint64(p), 0x5eed))
		reservoir := make([]any, 0, perPartition)
		seen := 0
		added = func() {
			if len(reservoir) < perPartition {
				reservoir = append(reservoir, keys.at(keys.len()-1))
			} else if i := rng.IntN(seen + 1); i < perPartition {
				reservoir[i] = keys.at(keys.len() - 1)
			}
			seen++
		}
		defer func() { run.sample = reservoir }()
	}
	if sizes := rs.sizeHint(); p < len(sizes) {
		keys.hint, vals.hint = int(sizes[p]), int(sizes[p])
	}
	rs.feed(t, p, &keys, &vals, added)
	if keys.kind == colInt64 {
		keys.i64 = sortInt64Keys(keys.i64, &vals, rs.ascending)
	} else {
		perm := keys.sortedOrder(rs.ascending)
		keys.permute(perm)
		vals.permute(perm)
	}
	run.keys, run.vals = keys, vals
	return &mapOutput{sorted: run}
}

// setBounds computes the ranges' bounds from the runs' samples and cuts
// the runs into the n reduce partitions.
func (rs *rangeSorter) setBounds(outputs []*mapOutput, n int) {
	var keys []any
	for _, o := range outputs {
		keys = append(keys, o.sorted.sample...)
	}
	sort.SliceStable(keys, func(a, b int) bool { return Compare(keys[a], keys[b]) < 0 })
	var bounds []any
	for i := 1; i < n && len(keys) > 0; i++ {
		b := keys[min(len(keys)-1, i*len(keys)/n)]
		if len(bounds) == 0 || Compare(bounds[len(bounds)-1], b) < 0 {
			bounds = append(bounds, b)
		}
	}
	rs.mu.Lock()
	rs.bounds = bounds
	rs.mu.Unlock()
	route := func(k any) int {
		i := sort.Search(len(bounds), func(i int) bool { return Compare(k, bounds[i]) <= 0 })
		if !rs.ascending {
			i = n - 1 - i
		}
		return i
	}
	for _, o := range outputs {
		run := o.sorted
		size := run.keys.len()
		run.cuts = make([]int, n+1)
		run.cuts[n] = size
		// The partitions of a run's keys, in the run's order, only grow.
		for p := 1; p < n; p++ {
			run.cuts[p] = sort.Search(size, func(i int) bool { return route(run.keys.at(i)) >= p })
		}
	}
}

// each pushes the records of reduce partition p in order: Pairs when
// keepKeys, else the records themselves.
func (rs *rangeSorter) each(t *task, outputs []*mapOutput, p int, emit func(any) bool) {
	var cursors []*runCursor
	for m, o := range outputs {
		run := o.sorted
		if lo, hi := run.cuts[p], run.cuts[p+1]; lo < hi {
			cursors = append(cursors, &runCursor{run: run, i: lo, end: hi, order: m})
		}
	}
	push := func(run *sortedRun, i int) bool { return emit(run.vals.at(i)) }
	if rs.keepKeys {
		push = func(run *sortedRun, i int) bool { return emit(Pair{Key: run.keys.at(i), Value: run.vals.at(i)}) }
	}
	if len(cursors) == 1 {
		c := cursors[0]
		for i := c.i; i < c.end; i++ {
			if t.stopped() || !push(c.run, i) {
				return
			}
		}
		return
	}
	mergeRuns(t, cursors, rs.ascending, push)
}
