package rdd

import (
	"fmt"
	"reflect"
)

// GroupByKey groups the values of each key of an RDD of Pairs into
// Pair{key, []any}. Values keep the RDD's order within each partition.
func (r *RDD) GroupByKey(numPartitions ...int) *RDD {
	return record(r.groupByKey("GroupByKey", numPartitions), "GroupByKey", []*RDD{r}, numPartitions).withOptions(StepOptions{}.partitionsAt(0, numPartitions))
}

// GroupBy groups the elements by f(element) into Pair{key, []any}. f is a
// func(T) K.
func (r *RDD) GroupBy(f any, numPartitions ...int) *RDD {
	keyed := r.KeyBy(f)
	keyed.method = "GroupBy"
	return record(keyed.groupByKey("GroupBy", numPartitions), "GroupBy", []*RDD{r}, f, numPartitions).withOptions(StepOptions{}.partitionsAt(1, numPartitions))
}

// CombineByKey combines the values of each key with three funcs, as
// Spark's combineByKey: createCombiner (func(V) C) turns a key's first
// value in a partition into a combiner, mergeValue (func(C, V) C) adds a
// value to it, mergeCombiners (func(C, C) C) merges the combiners of two
// partitions after the shuffle.
func (r *RDD) CombineByKey(createCombiner, mergeValue, mergeCombiners any, numPartitions ...int) *RDD {
	agg := &aggregator{
		createCombiner: adaptUnary("CombineByKey", createCombiner),
		mergeValue:     adaptBinary("CombineByKey", mergeValue),
		mergeCombiners: adaptBinary("CombineByKey", mergeCombiners),
	}
	return record(r.combineByKey("CombineByKey", agg, numPartitions), "CombineByKey", []*RDD{r}, createCombiner, mergeValue, mergeCombiners, numPartitions).withOptions(StepOptions{}.partitionsAt(3, numPartitions))
}

// AggregateByKey aggregates the values of each key: within a partition,
// seqFunc (func(U, V) U) folds the values into a copy of zero; across
// partitions, combFunc (func(U, U) U) merges the results. zero is applied
// once per key and partition, never again at the merge (unlike
// pysparkling); slices, maps and structs in zero are copied deeply.
func (r *RDD) AggregateByKey(zero any, seqFunc, combFunc any, numPartitions ...int) *RDD {
	seq := adaptBinary("AggregateByKey", seqFunc)
	agg := &aggregator{
		createCombiner: func(v any) any { return seq(cloneValue(zero), v) },
		mergeValue:     seq,
		mergeCombiners: adaptBinary("AggregateByKey", combFunc),
		unboxed:        unboxedFold(zero, guardMerge("AggregateByKey", seqFunc), guardMerge("AggregateByKey", combFunc)),
	}
	return record(r.combineByKey("AggregateByKey", agg, numPartitions), "AggregateByKey", []*RDD{r}, zero, seqFunc, combFunc, numPartitions).withOptions(StepOptions{Zero: zero}.partitionsAt(3, numPartitions))
}

// FoldByKey merges the values of each key with f (func(V, V) V), starting
// each key of each partition from a copy of zero.
func (r *RDD) FoldByKey(zero any, f any, numPartitions ...int) *RDD {
	g := adaptBinary("FoldByKey", f)
	agg := &aggregator{
		createCombiner: func(v any) any { return g(cloneValue(zero), v) },
		mergeValue:     g,
		mergeCombiners: g,
		unboxed:        unboxedFold(zero, guardMerge("FoldByKey", f), guardMerge("FoldByKey", f)),
	}
	return record(r.combineByKey("FoldByKey", agg, numPartitions), "FoldByKey", []*RDD{r}, zero, f, numPartitions).withOptions(StepOptions{Zero: zero}.partitionsAt(2, numPartitions))
}

// cloneValue deep-copies slices, maps, arrays, structs and pointers to
// them, so that a zero value is never shared between keys.
func cloneValue(v any) any {
	if v == nil {
		return nil
	}
	return cloneReflect(reflect.ValueOf(v)).Interface()
}

// copyValue is cloneValue passing the common immutable values (numbers,
// strings, bools) through without reflection.
func copyValue(v any) any {
	switch v.(type) {
	case nil, string, int, int64, float64, bool, int32, uint64, uint32, uint8, int16, int8, uint16, uint, float32:
		return v
	}
	return cloneValue(v)
}

func cloneReflect(v reflect.Value) reflect.Value {
	switch v.Kind() {
	case reflect.Slice:
		if v.IsNil() {
			return v
		}
		c := reflect.MakeSlice(v.Type(), v.Len(), v.Cap())
		for i := 0; i < v.Len(); i++ {
			c.Index(i).Set(cloneReflect(v.Index(i)))
		}
		return c
	case reflect.Map:
		if v.IsNil() {
			return v
		}
		c := reflect.MakeMapWithSize(v.Type(), v.Len())
		iter := v.MapRange()
		for iter.Next() {
			c.SetMapIndex(iter.Key(), cloneReflect(iter.Value()))
		}
		return c
	case reflect.Array, reflect.Struct:
		c := reflect.New(v.Type()).Elem()
		c.Set(v)
		if v.Kind() == reflect.Array {
			for i := 0; i < v.Len(); i++ {
				c.Index(i).Set(cloneReflect(v.Index(i)))
			}
		} else {
			for i := 0; i < v.NumField(); i++ {
				if c.Field(i).CanSet() {
					c.Field(i).Set(cloneReflect(v.Field(i)))
				}
			}
		}
		return c
	case reflect.Pointer:
		if v.IsNil() {
			return v
		}
		c := reflect.New(v.Type().Elem())
		c.Elem().Set(cloneReflect(v.Elem()))
		return c
	case reflect.Interface:
		if v.IsNil() {
			return v
		}
		c := reflect.New(v.Type()).Elem()
		c.Set(cloneReflect(v.Elem()))
		return c
	}
	return v
}

// cogroup shuffles every RDD of Pairs by key into the same partitions and
// calls visit once per key with one []any of values per RDD (empty, not
// nil, where an RDD lacks the key). Keys come in first-seen order. There
// are numPartitions[0] partitions, else as many as the largest parent has.
func (c *Context) cogroup(method string, rdds []*RDD, numPartitions []int,
	visit func(key any, groups [][]any, emit func(any) bool) bool) *RDD {
	for _, r := range rdds {
		mustBeRDD(method, r)
	}
	return c.cogroupInto(method, rdds, cogroupParts(method, rdds, numPartitions), visit)
}

// cogroupParts returns the partition count of a shuffle of rdds by key:
// numPartitions[0] when given, else that of the largest.
func cogroupParts(method string, rdds []*RDD, numPartitions []int) func() (int, error) {
	parts := func() (int, error) {
		n := 0
		for _, r := range rdds {
			m, err := r.numPartitions()
			if err != nil {
				return 0, err
			}
			n = max(n, m)
		}
		return n, nil
	}
	if len(numPartitions) > 0 {
		parts = shuffledParts(method, rdds[0], numPartitions)
	}
	return parts
}

// cogroupInto is cogroup with the partition count given as a func.
func (c *Context) cogroupInto(method string, rdds []*RDD, parts func() (int, error),
	visit func(key any, groups [][]any, emit func(any) bool) bool) *RDD {
	deps := make([]dependency, len(rdds))
	shuffles := make([]*shuffleDep, len(rdds))
	for i, r := range rdds {
		shuffles[i] = &shuffleDep{method: method, parent: r, numPartitions: parts, agg: listAggregator}
		deps[i] = dependency{rdd: r, shuffle: shuffles[i]}
	}
	out := c.newRDD("CoGroupedRDD", method, deps)
	out.partitions = parts
	out.partitioner = hashPartitioned
	out.compute = func(t *task, p int, emit func(any) bool) {
		index := map[any]int{}
		var keys []any
		var groups [][][]any
		for i, s := range shuffles {
			s.eachCombined(t, p, func(k, c any) bool {
				g, ok := index[k]
				if !ok {
					g = len(keys)
					index[k] = g
					keys = append(keys, k)
					empty := make([][]any, len(rdds))
					for e := range empty {
						empty[e] = []any{}
					}
					groups = append(groups, empty)
				}
				groups[g][i] = c.([]any)
				return true
			})
		}
		for g, k := range keys {
			if t.stopped() || !visit(k, groups[g], emit) {
				return
			}
		}
	}
	return out
}

// Cogroup groups this RDD and other by key: Pair{key, [][]any{values in
// this, values in other}}, for every key of either.
func (r *RDD) Cogroup(other *RDD, numPartitions ...int) *RDD {
	return record(r.sc.cogroup("Cogroup", []*RDD{r, other}, numPartitions, emitGroups), "Cogroup", []*RDD{r, other}, other, numPartitions).withOptions(StepOptions{}.partitionsAt(1, numPartitions))
}

// GroupWith groups this RDD and the others by key: Pair{key, [][]any{one
// slice of values per RDD}}.
func (r *RDD) GroupWith(others ...*RDD) *RDD {
	return record(r.sc.cogroup("GroupWith", append([]*RDD{r}, others...), nil, emitGroups), "GroupWith", append([]*RDD{r}, others...), others)
}

func emitGroups(k any, groups [][]any, emit func(any) bool) bool {
	return emit(Pair{Key: k, Value: groups})
}

// Join returns Pair{k, Pair{v, w}} for every pair of values v of this RDD
// and w of other under the same key k, duplicates included. It shuffles
// both RDDs by key, unless one is broadcast: marked Hint("broadcast"), or
// cached and known to be small (WithAutoBroadcastJoinThreshold); the
// result then has the other RDD's partitions, which are not shuffled.
func (r *RDD) Join(other *RDD, numPartitions ...int) *RDD {
	return record(r.join("Join", other, false, false, numPartitions), "Join", []*RDD{r, other}, other, numPartitions).withOptions(StepOptions{}.partitionsAt(1, numPartitions))
}

// LeftOuterJoin is Join that also keeps the keys of this RDD missing from
// other, as Pair{k, Pair{v, nil}}. Only other may be broadcast (see
// Join and Hint).
func (r *RDD) LeftOuterJoin(other *RDD, numPartitions ...int) *RDD {
	return record(r.join("LeftOuterJoin", other, true, false, numPartitions), "LeftOuterJoin", []*RDD{r, other}, other, numPartitions).withOptions(StepOptions{}.partitionsAt(1, numPartitions))
}

// RightOuterJoin is Join that also keeps the keys of other missing from
// this RDD, as Pair{k, Pair{nil, w}}. Only this RDD may be broadcast (see
// Join and Hint).
func (r *RDD) RightOuterJoin(other *RDD, numPartitions ...int) *RDD {
	return record(r.join("RightOuterJoin", other, false, true, numPartitions), "RightOuterJoin", []*RDD{r, other}, other, numPartitions).withOptions(StepOptions{}.partitionsAt(1, numPartitions))
}

// FullOuterJoin keeps the keys of both RDDs, with nil for the missing
// side. It always shuffles both: neither may be broadcast (see Hint).
func (r *RDD) FullOuterJoin(other *RDD, numPartitions ...int) *RDD {
	return record(r.join("FullOuterJoin", other, true, true, numPartitions), "FullOuterJoin", []*RDD{r, other}, other, numPartitions).withOptions(StepOptions{}.partitionsAt(1, numPartitions))
}

func (r *RDD) join(method string, other *RDD, keepLeft, keepRight bool, numPartitions []int) *RDD {
	return r.sc.joinByKey(method, r, other, numPartitions, keepLeft, keepRight, func(k any, left, right []any, emit func(any) bool) bool {
		if len(right) == 0 && keepLeft {
			right = []any{nil}
		}
		if len(left) == 0 && keepRight {
			left = []any{nil}
		}
		for _, v := range left {
			for _, w := range right {
				if !emit(Pair{Key: k, Value: Pair{Key: v, Value: w}}) {
					return false
				}
			}
		}
		return true
	})
}

// probeKeys calls record for the keys at positions idx that tbl has,
// and, with all, for the others too, without boxing the keys it skips.
func probeKeys[K comparable](tbl *table[K, any], keys []K, idx []int32, all bool, record func(i int32, k K) bool) bool {
	for _, i := range idx {
		k := keys[i]
		if !all {
			if _, _, found := tbl.find(k); !found {
				continue
			}
		}
		if !record(i, k) {
			return false
		}
	}
	return true
}

// joinAggregator gathers a key's values into a []any, as listAggregator
// does, but never changes a list the map side has made: merging two
// makes a new one. So the reduce side of a join reads the shuffle's lists
// without copying them (it hands on their elements, never the lists).
var joinAggregator = &aggregator{
	createCombiner: listAggregator.createCombiner,
	mergeValue:     listAggregator.mergeValue,
	mergeCombiners: func(c1, c2 any) any {
		a := c1.([]any)
		return append(a[:len(a):len(a)], c2.([]any)...)
	},
	copyCombiner: func(c any) any { return c },
	safeMerge:    true,
}

// joinByKey shuffles left and right by key into the same partitions,
// both sides' Pairs kept uncombined in columns while they fit the shuffle
// memory (combining them would not shrink them). In each partition it
// builds a hash table on the side with fewer Pairs there (right when they
// tie), each key with its values (eachGroup), as Spark's shuffled hash
// join builds on the smaller side, and walks the other side's Pairs as
// its map outputs hold them, probing the table with their keys (unboxed
// when both are of one common type): visit gets every walked Pair (or,
// beyond the memory, every key with its values in one map output) with
// the table's values for its key (nil when the table lacks it; only
// when the walked side's unmatched keys are kept), left's values first;
// then, when the table's side's unmatched keys are kept, every key of
// the table that no Pair matched, with nil for the other side.
//
// A side that Hint marks for broadcast, or that is known to be small
// (WithAutoBroadcastJoinThreshold), is broadcast instead (broadcastJoin).
func (c *Context) joinByKey(method string, left, right *RDD, numPartitions []int, keepLeft, keepRight bool,
	visit func(key any, left, right []any, emit func(any) bool) bool) *RDD {
	rdds := []*RDD{left, right}
	for _, r := range rdds {
		mustBeRDD(method, r)
	}
	parts := cogroupParts(method, rdds, numPartitions)
	if small := c.broadcastSide(left, right, keepLeft, keepRight, numPartitions); small >= 0 {
		return c.broadcastJoin(method, left, right, small, keepLeft, keepRight, visit)
	}
	return c.shuffledJoin(method, left, right, parts, keepLeft, keepRight, visit)
}

// shuffledJoin is joinByKey's shuffled hash join, into parts partitions.
func (c *Context) shuffledJoin(method string, left, right *RDD, parts func() (int, error), keepLeft, keepRight bool,
	visit func(key any, left, right []any, emit func(any) bool) bool) *RDD {
	rdds := []*RDD{left, right}
	deps := make([]dependency, len(rdds))
	shuffles := make([]*shuffleDep, len(rdds))
	for i, r := range rdds {
		shuffles[i] = &shuffleDep{method: method, parent: r, numPartitions: parts, agg: joinAggregator, buffer: true}
		deps[i] = dependency{rdd: r, shuffle: shuffles[i]}
	}
	keep := [2]bool{keepLeft, keepRight}
	out := c.newRDD("CoGroupedRDD", method, deps)
	out.partitions = parts
	out.partitioner = hashPartitioned
	out.compute = func(t *task, p int, emit func(any) bool) {
		built, walked := 1, 0
		if shuffles[0].smallerThan(shuffles[1], p) {
			built, walked = 0, 1
		}
		// visitAs calls visit with the walked side's values and the
		// table's in their places.
		visitAs := func(k any, walkedVals, builtVals []any) bool {
			if built == 1 {
				return visit(k, walkedVals, builtVals, emit)
			}
			return visit(k, builtVals, walkedVals, emit)
		}
		index := newCombineMap(method, joinAggregator)
		shuffles[built].eachGroup(t, p, func(k any, vs []any) bool {
			index.addCombiner(k, vs, true)
			return true
		})
		if t.stopped() {
			return
		}
		var matched []bool
		if keep[built] {
			matched = make([]bool, index.len())
		}
		more := true
		probe := func(k any, values []any) bool {
			var others []any
			if i, found := index.lookup(k); found {
				others = index.value(i).([]any)
				if matched != nil {
					matched[i] = true
				}
			}
			more = visitAs(k, values, others)
			return more
		}
		one := []any{nil} // visit keeps no list it is given
		record := func(b *bufferedPairs, i int32, k any) bool {
			one[0] = b.vals.at(int(i))
			return probe(k, one)
		}
		all := keep[walked]
		shuffles[walked].eachPartial(t, p,
			func(b *bufferedPairs, idx []int32) bool {
				switch tbl := index.t.(type) {
				case *table[int64, any]:
					if b.keys.kind == colInt64 {
						return probeKeys(tbl, b.keys.i64, idx, all, func(i int32, k int64) bool { return record(b, i, k) })
					}
				case *table[string, any]:
					if b.keys.kind == colString {
						return probeKeys(tbl, b.keys.strs, idx, all, func(i int32, k string) bool { return record(b, i, k) })
					}
				}
				for _, i := range idx {
					if !record(b, i, b.keys.at(int(i))) {
						return false
					}
				}
				return true
			},
			func(k, c any) bool { return probe(k, c.([]any)) })
		for i := range matched {
			if !more || t.stopped() {
				return
			}
			if !matched[i] {
				more = visitAs(index.key(i), nil, index.value(i).([]any))
			}
		}
	}
	return out
}

// SubtractByKey keeps the Pairs of this RDD whose key is not in other.
// Like every shuffle, it has numPartitions partitions, else as many as the
// larger of the two RDDs (the contract; Scala Spark keeps this RDD's count).
// When other is broadcast (see Join and Hint), it has this RDD's
// partitions, which are not shuffled.
func (r *RDD) SubtractByKey(other *RDD, numPartitions ...int) *RDD {
	mustBeRDD("SubtractByKey", other)
	out := r.sc.joinByKey("SubtractByKey", r, other, numPartitions, true, false, func(k any, left, right []any, emit func(any) bool) bool {
		if len(right) > 0 {
			return true
		}
		for _, v := range left {
			if !emit(Pair{Key: k, Value: v}) {
				return false
			}
		}
		return true
	})
	return record(out, "SubtractByKey", []*RDD{r, other}, other, numPartitions).withOptions(StepOptions{}.partitionsAt(1, numPartitions))
}

// withNilValues pairs every element with nil, to shuffle elements as keys.
func (r *RDD) withNilValues(method string) *RDD {
	out := r.narrow(method, keepsCount, nil)
	setSource(out, func(t *task, p int, emit func(Pair) bool) {
		r.iterate(t, p, func(x any) bool { return emit(Pair{Key: x}) })
	})
	return out
}

// Distinct returns each distinct element once. Elements must be
// comparable.
func (r *RDD) Distinct(numPartitions ...int) *RDD {
	first := func(a, _ any) any { return a }
	agg := &aggregator{createCombiner: func(v any) any { return v }, mergeValue: first, mergeCombiners: first,
		safeMerge: true, keysOnly: true, unboxed: noValues}
	distinct := r.withNilValues("Distinct").combineByKey("Distinct", agg, numPartitions)
	distinct.deps[0].shuffle.keys = r
	return record(distinct.Keys(), "Distinct", []*RDD{r}, numPartitions).withOptions(StepOptions{}.partitionsAt(0, numPartitions))
}

// Intersection returns the distinct elements found in both RDDs.
func (r *RDD) Intersection(other *RDD) *RDD {
	mustBeRDD("Intersection", other)
	out := r.sc.cogroup("Intersection", []*RDD{r.withNilValues("Intersection"), other.withNilValues("Intersection")}, nil,
		func(k any, g [][]any, emit func(any) bool) bool {
			if len(g[0]) > 0 && len(g[1]) > 0 {
				return emit(k)
			}
			return true
		})
	return record(out, "Intersection", []*RDD{r, other}, other)
}

// Subtract returns the elements of this RDD not found in other,
// duplicates kept, as Spark's subtract.
func (r *RDD) Subtract(other *RDD, numPartitions ...int) *RDD {
	mustBeRDD("Subtract", other)
	return record(r.withNilValues("Subtract").SubtractByKey(other.withNilValues("Subtract"), numPartitions...).Keys(), "Subtract", []*RDD{r, other}, other, numPartitions).withOptions(StepOptions{}.partitionsAt(1, numPartitions))
}

// Cartesian returns Pair{a, b} for every element a of this RDD and b of
// other; partition i*m+j pairs partition i of this RDD with partition j of
// other (m partitions).
func (r *RDD) Cartesian(other *RDD) *RDD {
	mustBeRDD("Cartesian", other)
	out := r.sc.newRDD("CartesianRDD", "Cartesian", []dependency{{rdd: r}, {rdd: other}})
	out.partitions = func() (int, error) {
		a, err := r.numPartitions()
		if err != nil {
			return 0, err
		}
		b, err := other.numPartitions()
		return a * b, err
	}
	out.compute = func(t *task, p int, emit func(any) bool) {
		m, _ := other.numPartitions()
		var right []any
		other.iterate(t, p%m, func(y any) bool { right = append(right, y); return true })
		r.iterate(t, p/m, func(x any) bool {
			for _, y := range right {
				if !emit(Pair{Key: x, Value: y}) {
					return false
				}
			}
			return true
		})
	}
	return record(out, "Cartesian", []*RDD{r, other}, other)
}

// mustBeRDD panics naming method when r is nil.
func mustBeRDD(method string, r *RDD) {
	if r == nil {
		panic(fmt.Sprintf("rdd.%s: the other RDD is nil", method))
	}
}
