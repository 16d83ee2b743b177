package rdd

import (
	"math/rand/v2"
	"sort"
	"sync"
)

// SortBy sorts the elements by keyFunc(element) (a func(T) K), in
// ascending or descending Compare order. Elements with equal keys keep
// their order (the sort is stable). As in Spark, it runs a job sampling
// the keys to cut them into ranges of about equal size, one per partition
// (numPartitions, by default as many as the RDD has).
func (r *RDD) SortBy(keyFunc any, ascending bool, numPartitions ...int) *RDD {
	key := adaptUnary("SortBy", keyFunc)
	keyed := r.narrow("SortBy", keepsCount, func(emit func(any) bool) func(any) bool {
		return func(x any) bool { return emit(Pair{Key: key(x), Value: x}) }
	})
	sorted := keyed.sortByKey("SortBy", ascending, numPartitions)
	values := sorted.Values()
	values.method = "SortBy"
	return record(values, "SortBy", []*RDD{r}, keyFunc, ascending, numPartitions)
}

// SortByKey sorts an RDD of Pairs by key, stably, as SortBy does.
func (r *RDD) SortByKey(ascending bool, numPartitions ...int) *RDD {
	return record(r.sortByKey("SortByKey", ascending, numPartitions), "SortByKey", []*RDD{r}, ascending, numPartitions)
}

// RepartitionAndSortWithinPartitions places the Pairs into numPartitions
// partitions by the hash of their key and sorts each partition by key
// (ascending unless ascending[0] is false).
func (r *RDD) RepartitionAndSortWithinPartitions(numPartitions int, ascending ...bool) *RDD {
	asc := len(ascending) == 0 || ascending[0]
	parts := shuffledParts("RepartitionAndSortWithinPartitions", r, []int{numPartitions})
	out := r.sortedShuffle("RepartitionAndSortWithinPartitions", hashRouter{}, parts, asc)
	out.partitioner = hashPartitioned
	return record(out, "RepartitionAndSortWithinPartitions", []*RDD{r}, numPartitions, ascending)
}

func (r *RDD) sortByKey(method string, ascending bool, numPartitions []int) *RDD {
	parts := shuffledParts(method, r, numPartitions)
	ranges := &rangeRouter{method: method, parent: r, parts: parts, ascending: ascending}
	out := r.sortedShuffle(method, ranges, parts, ascending)
	out.deps[0].shuffle.prepare = ranges.sampleBounds
	return out
}

// sortedShuffle routes the Pairs of r with route and sorts each reduce
// partition stably by key.
func (r *RDD) sortedShuffle(method string, route router, parts func() (int, error), ascending bool) *RDD {
	out := r.routed(method, route, true, parts)
	dep := out.deps[0].shuffle
	out.compute = func(t *task, p int, emit func(any) bool) {
		var recs []any
		dep.readRecords(t, p, func(x any) bool { recs = append(recs, x); return true })
		sort.SliceStable(recs, func(i, j int) bool {
			c := Compare(recs[i].(Pair).Key, recs[j].(Pair).Key)
			if !ascending {
				c = -c
			}
			return c < 0
		})
		emitAll(t, recs, emit)
	}
	return out
}

// rangeRouter sends a key to the partition of its range; the ranges'
// upper bounds come from a sample of the keys, taken by a job the first
// time the shuffle is computed.
type rangeRouter struct {
	method    string // SortBy or SortByKey, for errors
	parent    *RDD
	parts     func() (int, error)
	ascending bool

	mu     sync.Mutex
	bounds []any // sorted; partition i holds keys <= bounds[i]
}

// sampleBounds runs the sampling job: up to about 60 keys per output
// partition in all, drawn evenly from every parent partition with a fixed
// seed, so the same data always sorts into the same partitions.
func (rr *rangeRouter) sampleBounds(j *job) error {
	n, err := rr.parts()
	if err != nil || n <= 1 {
		return err
	}
	nIn, err := rr.parent.numPartitions()
	if err != nil || nIn == 0 {
		return err
	}
	perPartition := max(1, (3*20*n+nIn-1)/nIn)
	samples := make([][]any, nIn)
	j.runStage(rr.parent, rr.method+" (sample)", allPartitions(nIn), func(t *task, p int) {
		rng := rand.New(rand.NewPCG(uint64(p), 0x5eed))
		reservoir := make([]any, 0, perPartition)
		seen := 0
		rr.parent.iterate(t, p, func(x any) bool {
			k := asPair(rr.method, x).Key
			if len(reservoir) < perPartition {
				reservoir = append(reservoir, k)
			} else if i := rng.IntN(seen + 1); i < perPartition {
				reservoir[i] = k
			}
			seen++
			return true
		})
		samples[p] = reservoir
	})
	if j.stop.Load() {
		return errStopped
	}
	var keys []any
	for _, s := range samples {
		keys = append(keys, s...)
	}
	sort.SliceStable(keys, func(a, b int) bool { return Compare(keys[a], keys[b]) < 0 })
	var bounds []any
	for i := 1; i < n && len(keys) > 0; i++ {
		b := keys[min(len(keys)-1, i*len(keys)/n)]
		if len(bounds) == 0 || Compare(bounds[len(bounds)-1], b) < 0 {
			bounds = append(bounds, b)
		}
	}
	rr.mu.Lock()
	rr.bounds = bounds
	rr.mu.Unlock()
	return nil
}

func (rr *rangeRouter) newRouter(_, n int) func(any) int {
	rr.mu.Lock()
	bounds := rr.bounds
	rr.mu.Unlock()
	return func(rec any) int {
		k := rec.(Pair).Key
		i := sort.Search(len(bounds), func(i int) bool { return Compare(k, bounds[i]) <= 0 })
		if !rr.ascending {
			i = n - 1 - i
		}
		return i
	}
}
