package rdd

import (
	"fmt"
	"sync"
)

// Map returns an RDD of f(x) for each element x. f is a func(T) R.
func (r *RDD) Map(f any) *RDD {
	g := adaptUnary("Map", f)
	out := r.narrow("Map", keepsCount, func(emit func(any) bool) func(any) bool {
		return func(x any) bool { return emit(g(x)) }
	})
	typedMap(out, r, f, g)
	return record(out, "Map", []*RDD{r}, f)
}

// FlatMap returns an RDD of the elements of f(x) for each element x. f is a
// func(T) S where S is any slice or array type, such as strings.Fields.
func (r *RDD) FlatMap(f any) *RDD {
	g := adaptFlat("FlatMap", f)
	out := r.narrow("FlatMap", changesElements, func(emit func(any) bool) func(any) bool {
		return func(x any) bool { return g(x, emit) }
	})
	typedFlatMap(out, r, f, g)
	return record(out, "FlatMap", []*RDD{r}, f)
}

// Filter returns an RDD of the elements x for which f(x) is true. f is a
// func(T) bool.
func (r *RDD) Filter(f any) *RDD {
	g := adaptPredicate("Filter", f)
	out := r.narrow("Filter", dropsPlacement, func(emit func(any) bool) func(any) bool {
		return func(x any) bool {
			if g(x) {
				return emit(x)
			}
			return true
		}
	})
	typedFilter(out, r, f, g)
	return record(out, "Filter", []*RDD{r}, f)
}

// ReduceByKey merges the values of each key of an RDD of Pair with f, a
// func(V, V) V that must be associative and commutative. Values are
// combined within each partition before the shuffle, so only one value per
// key and partition crosses it. The result has numPartitions partitions,
// by default as many as r.
func (r *RDD) ReduceByKey(f any, numPartitions ...int) *RDD {
	g := adaptBinary("ReduceByKey", f)
	agg := &aggregator{
		createCombiner: func(v any) any { return v },
		mergeValue:     g,
		mergeCombiners: g,
	}
	agg.unboxed = unboxedReduce(guardMerge("ReduceByKey", f))
	return record(r.combineByKey("ReduceByKey", agg, numPartitions), "ReduceByKey", []*RDD{r}, f, numPartitions).withOptions(StepOptions{}.partitionsAt(1, numPartitions))
}

// MapValues applies f to the value of each Pair, keeping its key (and so
// the RDD's partitioning). f is a func(V) R.
func (r *RDD) MapValues(f any) *RDD {
	g := adaptUnary("MapValues", f)
	out := r.narrow("MapValues", keepsPlacement, nil)
	in := pairsOf("MapValues", r)
	setSource(out, func(t *task, p int, emit func(Pair) bool) {
		in(t, p, func(kv Pair) bool { return emit(Pair{Key: kv.Key, Value: g(kv.Value)}) })
	})
	return record(out, "MapValues", []*RDD{r}, f)
}

// FlatMapValues pairs the key of each Pair with every element of f(value).
// f is a func(V) S where S is a slice or array type.
func (r *RDD) FlatMapValues(f any) *RDD {
	g := adaptFlat("FlatMapValues", f)
	out := r.narrow("FlatMapValues", dropsPlacement, func(emit func(any) bool) func(any) bool {
		return func(x any) bool {
			kv := asPair("FlatMapValues", x)
			return g(kv.Value, func(v any) bool { return emit(Pair{Key: kv.Key, Value: v}) })
		}
	})
	return record(out, "FlatMapValues", []*RDD{r}, f)
}

// Keys returns the keys of an RDD of Pairs.
func (r *RDD) Keys() *RDD {
	out := r.narrow("Keys", keepsCount, nil)
	in := pairsOf("Keys", r)
	out.compute = func(t *task, p int, emit func(any) bool) {
		in(t, p, func(kv Pair) bool { return emit(kv.Key) })
	}
	return record(out, "Keys", []*RDD{r})
}

// Values returns the values of an RDD of Pairs.
func (r *RDD) Values() *RDD {
	out := r.narrow("Values", keepsCount, nil)
	in := pairsOf("Values", r)
	out.compute = func(t *task, p int, emit func(any) bool) {
		in(t, p, func(kv Pair) bool { return emit(kv.Value) })
	}
	return record(out, "Values", []*RDD{r})
}

// KeyBy returns Pair{f(x), x} for each element x. f is a func(T) K.
func (r *RDD) KeyBy(f any) *RDD {
	g := adaptUnary("KeyBy", f)
	out := r.narrow("KeyBy", keepsCount, nil)
	setSource(out, func(t *task, p int, emit func(Pair) bool) {
		r.iterate(t, p, func(x any) bool { return emit(Pair{Key: g(x), Value: x}) })
	})
	// Strings keyed by strings go to the shuffles that keep Pairs as they
	// are (GroupBy, GroupByKey, joins) without being boxed.
	if key, ok := f.(func(string) string); ok && r.strs != nil {
		key = guard1("KeyBy", f, key)
		in := typedOf[string](r)
		out.keyedStrs = func(t *task, p int, emit func(keyedString) bool) {
			in(t, p, func(x string) bool { return emit(keyedString{key(x), x}) })
		}
	}
	return record(out, "KeyBy", []*RDD{r}, f)
}

// Glom returns one []any per partition, holding its elements.
func (r *RDD) Glom() *RDD {
	out := r.partitionwise("Glom", func(_ *task, _ int, elems []any, emit func(any) bool) {
		if elems == nil {
			elems = []any{}
		}
		emit(elems)
	})
	return record(out, "Glom", []*RDD{r})
}

// MapPartitions applies f to the elements of each partition at once. f is
// a func([]T) S: it receives the partition as a slice ([]any, or a typed
// slice such as []string whose elements are converted) and returns a
// slice of any type whose elements form the new partition.
func (r *RDD) MapPartitions(f any) *RDD {
	call := adaptPartitionFunc("MapPartitions", f, false)
	return record(r.partitionwise("MapPartitions", call), "MapPartitions", []*RDD{r}, f)
}

// MapPartitionsWithIndex is MapPartitions with the partition's index: f is
// a func(int, []T) S.
func (r *RDD) MapPartitionsWithIndex(f any) *RDD {
	call := adaptPartitionFunc("MapPartitionsWithIndex", f, true)
	return record(r.partitionwise("MapPartitionsWithIndex", call), "MapPartitionsWithIndex", []*RDD{r}, f)
}

// partitionwise makes an RDD whose partition p is computed from all of
// partition p of r at once.
func (r *RDD) partitionwise(method string, f func(t *task, p int, elems []any, emit func(any) bool)) *RDD {
	out := r.sc.newRDD("MapPartitionsRDD", method, []dependency{{rdd: r}})
	out.partitions = r.numPartitions
	out.sizes = r.derivedSizes(false)
	out.compute = func(t *task, p int, emit func(any) bool) {
		var elems []any
		r.iterate(t, p, func(x any) bool {
			elems = append(elems, x)
			return true
		})
		if t.stopped() {
			return
		}
		f(t, p, elems, emit)
	}
	return out
}

// ZipWithUniqueID pairs each element with a unique int64 id: the i-th
// element of partition k of n gets i*n + k, as Spark computes it. No job
// runs; ids have gaps when partitions differ in size.
func (r *RDD) ZipWithUniqueID() *RDD {
	out := r.sc.newRDD("MapPartitionsRDD", "ZipWithUniqueID", []dependency{{rdd: r}})
	out.partitions = r.numPartitions
	out.sizes = r.derivedSizes(true)
	out.compute = func(t *task, p int, emit func(any) bool) {
		n, _ := r.numPartitions()
		i := int64(0)
		r.iterate(t, p, func(x any) bool {
			id := i*int64(n) + int64(p)
			i++
			return emit(Pair{Key: x, Value: id})
		})
	}
	return record(out, "ZipWithUniqueID", []*RDD{r})
}

// ZipWithIndex pairs each element with its int64 index in the RDD's order.
// As in Spark, it runs a job counting the elements of all partitions but
// the last, the first time it is computed.
func (r *RDD) ZipWithIndex() *RDD {
	out := r.sc.newRDD("MapPartitionsRDD", "ZipWithIndex", []dependency{{rdd: r}})
	out.partitions = r.numPartitions
	out.sizes = r.derivedSizes(true)
	var mu sync.Mutex
	var starts []int64
	out.prepare = func(j *job) error {
		mu.Lock()
		defer mu.Unlock()
		if starts != nil {
			return nil
		}
		n, _ := r.numPartitions()
		counts := make([]int64, n)
		if n > 1 {
			j.runStage(r, "ZipWithIndex (count)", allPartitions(n-1), func(t *task, p int) {
				r.iterate(t, p, func(any) bool { counts[p]++; return true })
			})
			if j.stop.Load() {
				return errStopped
			}
		}
		s := make([]int64, n)
		for p := 1; p < n; p++ {
			s[p] = s[p-1] + counts[p-1]
		}
		starts = s
		return nil
	}
	out.compute = func(t *task, p int, emit func(any) bool) {
		mu.Lock()
		i := starts[p]
		mu.Unlock()
		r.iterate(t, p, func(x any) bool {
			idx := i
			i++
			return emit(Pair{Key: x, Value: idx})
		})
	}
	return record(out, "ZipWithIndex", []*RDD{r})
}

// Zip pairs the i-th element of this RDD with the i-th of other:
// Pair{a, b}. Both must have the same number of partitions and the same
// number of elements in each partition, as Spark requires; otherwise the
// job fails.
func (r *RDD) Zip(other *RDD) *RDD {
	mustBeRDD("Zip", other)
	out := r.sc.newRDD("ZippedPartitionsRDD2", "Zip", []dependency{{rdd: r}, {rdd: other}})
	out.partitions = func() (int, error) {
		a, err := r.numPartitions()
		if err != nil {
			return 0, err
		}
		b, err := other.numPartitions()
		if err != nil {
			return 0, err
		}
		if a != b {
			return 0, fmt.Errorf("rdd.Zip: can only zip RDDs with the same number of partitions, got %d and %d", a, b)
		}
		return a, nil
	}
	out.sizes = r.derivedSizes(true)
	out.compute = func(t *task, p int, emit func(any) bool) {
		var right []any
		other.iterate(t, p, func(x any) bool { right = append(right, x); return true })
		i, consumerStopped := 0, false
		r.iterate(t, p, func(x any) bool {
			if i >= len(right) {
				failTaskf("rdd.Zip: can only zip RDDs with the same number of elements in each partition: partition %d has more elements on the left than the %d on the right", p, len(right))
			}
			if !emit(Pair{Key: x, Value: right[i]}) {
				consumerStopped = true
				return false
			}
			i++
			return true
		})
		if !consumerStopped && !t.stopped() && i < len(right) {
			failTaskf("rdd.Zip: can only zip RDDs with the same number of elements in each partition: partition %d has %d elements on the left and %d on the right", p, i, len(right))
		}
	}
	return record(out, "Zip", []*RDD{r, other}, other)
}

// Union returns the elements of this RDD followed by those of other; the
// partitions are concatenated, as in Spark.
func (r *RDD) Union(other *RDD) *RDD { return r.sc.Union(r, other) }

// Coalesce reduces the number of partitions to numPartitions by joining
// neighbouring ones, without a shuffle. With shuffle set to true it
// redistributes the elements evenly instead (Repartition), which can also
// increase the count.
func (r *RDD) Coalesce(numPartitions int, shuffle ...bool) *RDD {
	if numPartitions < 1 {
		panic(fmt.Sprintf("rdd.Coalesce: numPartitions must be at least 1, got %d", numPartitions))
	}
	if len(shuffle) > 0 && shuffle[0] {
		return r.Repartition(numPartitions)
	}
	out := r.sc.newRDD("CoalescedRDD", "Coalesce", []dependency{{rdd: r}})
	groups := func() (int, error) {
		n, err := r.numPartitions()
		return min(n, numPartitions), err
	}
	out.partitions = groups
	out.compute = func(t *task, p int, emit func(any) bool) {
		n, _ := r.numPartitions()
		k, _ := groups()
		for q := p * n / k; q < (p+1)*n/k; q++ {
			stopped := false
			r.iterate(t, q, func(x any) bool {
				if !emit(x) {
					stopped = true
					return false
				}
				return true
			})
			if stopped || t.stopped() {
				return
			}
		}
	}
	out.sizes = func() ([]float64, bool, error) {
		w, exact, err := r.partitionSizes()
		if err != nil {
			return nil, false, err
		}
		n, k := len(w), min(len(w), numPartitions)
		out := make([]float64, k)
		for p := range out {
			for q := p * n / k; q < (p+1)*n/k; q++ {
				out[p] += w[q]
			}
		}
		return out, exact, nil
	}
	return record(out, "Coalesce", []*RDD{r}, numPartitions, shuffle).withOptions(StepOptions{NumPartitions: []int{numPartitions}, Shuffle: len(shuffle) > 0 && shuffle[0]})
}

// Repartition redistributes the elements evenly into numPartitions
// partitions with a shuffle, as Spark's repartition does.
func (r *RDD) Repartition(numPartitions int) *RDD {
	if numPartitions < 1 {
		panic(fmt.Sprintf("rdd.Repartition: numPartitions must be at least 1, got %d", numPartitions))
	}
	return record(r.routed("Repartition", roundRobinRouter{}, false, fixedPartitions(numPartitions)), "Repartition", []*RDD{r}, numPartitions).withOptions(StepOptions{NumPartitions: []int{numPartitions}, Shuffle: true})
}

// PartitionBy places the Pairs of the RDD into numPartitions partitions by
// key: by the deterministic hash of the key, or by partitionFunc(key) (a
// func(K) int, taken modulo numPartitions) when given.
func (r *RDD) PartitionBy(numPartitions int, partitionFunc ...any) *RDD {
	if numPartitions < 1 {
		panic(fmt.Sprintf("rdd.PartitionBy: numPartitions must be at least 1, got %d", numPartitions))
	}
	var route router = hashRouter{}
	if len(partitionFunc) > 0 && partitionFunc[0] != nil {
		route = funcRouter{method: "PartitionBy", f: adaptUnary("PartitionBy", partitionFunc[0])}
	}
	out := r.routed("PartitionBy", route, true, fixedPartitions(numPartitions))
	if _, isHash := route.(hashRouter); isHash {
		out.partitioner = hashPartitioned
	}
	return record(out, "PartitionBy", []*RDD{r}, numPartitions, partitionFunc).withOptions(StepOptions{NumPartitions: []int{numPartitions}})
}
