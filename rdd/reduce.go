package rdd

import (
	"errors"
	"fmt"
	"reflect"
)

// ErrEmptyRDD is the cause of the JobError of First, Reduce, Max and Min
// on an RDD without elements.
var ErrEmptyRDD = errors.New("RDD is empty")

// emptyError is the panic value of an action that needs an element.
func (r *RDD) emptyError(method string) *JobError {
	return &JobError{Message: fmt.Sprintf("rdd.%s: %v", method, ErrEmptyRDD), Partition: -1,
		Lineage: r.ToDebugString(), Cause: ErrEmptyRDD}
}

// First returns the first element. It panics with a *JobError ("RDD is
// empty") when there is none.
func (r *RDD) First() any {
	got := r.Take(1)
	if len(got) == 0 {
		panic(r.emptyError("First"))
	}
	return got[0]
}

// IsEmpty reports whether the RDD has no element, computing partitions
// only until it finds one.
func (r *RDD) IsEmpty() bool {
	return r.GetNumPartitions() == 0 || len(r.Take(1)) == 0
}

// partials runs fold over every partition (starting from start() in each)
// and returns the results of the non-empty ones, in partition order.
func (r *RDD) partials(action string, start func() any, fold func(acc, x any) any) []any {
	n := r.GetNumPartitions()
	results := make([]any, n)
	nonEmpty := make([]bool, n)
	r.sc.runJob(r, action, allPartitions(n), func(t *task, p int) {
		acc := start()
		r.iterate(t, p, func(x any) bool {
			acc = fold(acc, x)
			nonEmpty[p] = true
			return true
		})
		results[p] = acc
	})
	var out []any
	for p, ok := range nonEmpty {
		if ok {
			out = append(out, results[p])
		}
	}
	return out
}

// reduceWith reduces the elements with f; firstSeen marks "no element yet".
func (r *RDD) reduceWith(method string, f binaryFn) any {
	type none struct{}
	fold := func(acc, x any) any {
		if _, empty := acc.(none); empty {
			return x
		}
		return f(acc, x)
	}
	parts := r.partials(method, func() any { return none{} }, fold)
	if len(parts) == 0 {
		panic(r.emptyError(method))
	}
	return r.mergeOnDriver(method, func() any { return treeCombine(parts, f, 2) })
}

// mergeOnDriver runs merge, which applies the user's function to the
// partitions' results on the driver, and turns a panic there into a
// *JobError, as a panic in a task is, so that rdd.Try catches it.
func (r *RDD) mergeOnDriver(method string, merge func() any) any {
	defer func() {
		if v := recover(); v != nil {
			if je, ok := v.(*JobError); ok {
				panic(je)
			}
			panic(r.driverError(method, recoveredError(v)))
		}
	}()
	return merge()
}

// treeCombine merges partial results pairwise in levels, as Spark's
// treeReduce does; with depth 1 or few partials it merges them in order.
func treeCombine(parts []any, f binaryFn, depth int) any {
	for depth > 1 && len(parts) > 2 {
		next := make([]any, 0, (len(parts)+1)/2)
		for i := 0; i < len(parts); i += 2 {
			if i+1 < len(parts) {
				next = append(next, f(parts[i], parts[i+1]))
			} else {
				next = append(next, parts[i])
			}
		}
		parts = next
		depth--
	}
	acc := parts[0]
	for _, p := range parts[1:] {
		acc = f(acc, p)
	}
	return acc
}

// Reduce merges the elements with f, a func(T, T) T that must be
// commutative and associative. It panics with a *JobError when the RDD is
// empty.
func (r *RDD) Reduce(f any) any {
	if r.sc.runner != nil {
		if reduced, ok := r.reduceOnRunner("Reduce", f); ok {
			return reduced.Reduce(f)
		}
		return r.onRunner("Reduce", -1).Reduce(f)
	}
	return r.reduceWith("Reduce", adaptBinary("Reduce", f))
}

// TreeReduce is Reduce that merges the partitions' results in a tree of
// the given depth (default 2).
func (r *RDD) TreeReduce(f any, depth ...int) any {
	if r.sc.runner != nil {
		if reduced, ok := r.reduceOnRunner("TreeReduce", f); ok {
			return reduced.TreeReduce(f, depth...)
		}
		return r.onRunner("TreeReduce", -1).TreeReduce(f, depth...)
	}
	g := adaptBinary("TreeReduce", f)
	d := treeDepth("TreeReduce", depth)
	type none struct{}
	parts := r.partials("TreeReduce", func() any { return none{} }, func(acc, x any) any {
		if _, empty := acc.(none); empty {
			return x
		}
		return g(acc, x)
	})
	if len(parts) == 0 {
		panic(r.emptyError("TreeReduce"))
	}
	return r.mergeOnDriver("TreeReduce", func() any { return treeCombine(parts, g, d) })
}

func treeDepth(method string, depth []int) int {
	if len(depth) == 0 {
		return 2
	}
	if depth[0] < 1 {
		panic(fmt.Sprintf("rdd.%s: depth must be at least 1, got %d", method, depth[0]))
	}
	return depth[0]
}

// Fold merges the elements with f (a func(T, T) T), starting each
// partition from a copy of zero and merging the partitions' results into
// another copy of zero, as Spark's fold does. On a Runner's engine the
// engine's groups of elements take the place of partitions, so zero must
// be neutral for f (0 for +, as Spark asks) for the results to agree.
func (r *RDD) Fold(zero any, f any) any {
	if r.sc.runner != nil {
		if folded, ok := r.foldOnRunner(zero, f); ok {
			return mergeResults("Fold", zero, f, folded.Collect())
		}
		return r.onRunner("Fold", -1).Fold(zero, f)
	}
	g := adaptBinary("Fold", f)
	n := r.GetNumPartitions()
	results := make([]any, n)
	r.sc.runJob(r, "Fold", allPartitions(n), func(t *task, p int) {
		acc := cloneValue(zero)
		r.iterate(t, p, func(x any) bool { acc = g(acc, x); return true })
		results[p] = acc
	})
	return r.mergeOnDriver("Fold", func() any {
		acc := cloneValue(zero)
		for _, res := range results {
			acc = g(acc, res)
		}
		return acc
	})
}

// Aggregate folds each partition's elements into a copy of zero with
// seqOp (func(U, T) U) and merges the partitions' results into another
// copy of zero with combOp (func(U, U) U), as Spark's aggregate does. On
// a Runner's engine its groups of elements take the place of partitions,
// so zero must be neutral for the results to agree.
func (r *RDD) Aggregate(zero any, seqOp, combOp any) any {
	if r.sc.runner != nil {
		if aggregated, ok := r.aggregateOnRunner("Aggregate", zero, seqOp, combOp); ok {
			return mergeResults("Aggregate", zero, combOp, aggregated.Collect())
		}
		return r.onRunner("Aggregate", -1).Aggregate(zero, seqOp, combOp)
	}
	return r.aggregate("Aggregate", zero, seqOp, combOp, 1)
}

// TreeAggregate is Aggregate merging the partitions' results in a tree of
// the given depth (default 2).
func (r *RDD) TreeAggregate(zero any, seqOp, combOp any, depth ...int) any {
	if r.sc.runner != nil {
		if aggregated, ok := r.aggregateOnRunner("TreeAggregate", zero, seqOp, combOp); ok {
			return mergeResults("TreeAggregate", zero, combOp, aggregated.Collect())
		}
		return r.onRunner("TreeAggregate", -1).TreeAggregate(zero, seqOp, combOp, depth...)
	}
	return r.aggregate("TreeAggregate", zero, seqOp, combOp, treeDepth("TreeAggregate", depth))
}

func (r *RDD) aggregate(method string, zero any, seqOp, combOp any, depth int) any {
	seq, comb := adaptBinary(method, seqOp), adaptBinary(method, combOp)
	n := r.GetNumPartitions()
	results := make([]any, n)
	r.sc.runJob(r, method, allPartitions(n), func(t *task, p int) {
		acc := cloneValue(zero)
		r.iterate(t, p, func(x any) bool { acc = seq(acc, x); return true })
		results[p] = acc
	})
	return r.mergeOnDriver(method, func() any { return treeCombine(append([]any{cloneValue(zero)}, results...), comb, depth) })
}

// Max returns the largest element by Compare, or by Compare of key(x)
// when a key func is given. It panics with a *JobError on an empty RDD.
func (r *RDD) Max(key ...any) any { return r.extreme("Max", 1, key) }

// Min returns the smallest element by Compare, or by Compare of key(x)
// when a key func is given. It panics with a *JobError on an empty RDD.
func (r *RDD) Min(key ...any) any { return r.extreme("Min", -1, key) }

func (r *RDD) extreme(method string, sign int, key []any) any {
	if r.sc.runner != nil {
		if len(key) == 0 || key[0] == nil {
			reducing := map[int]string{1: "larger", -1: "smaller"}[sign]
			return r.reducedValueOnRunner(method, "underNil", reducing).extreme(method, sign, nil)
		}
		if best, ok := r.bestOnRunner(method, 1, sign > 0, key, 0); ok {
			return r.sc.Local().Parallelize(best, 1).extreme(method, sign, key)
		}
		return r.onRunner(method, -1).extreme(method, sign, key)
	}
	keyOf := func(x any) any { return x }
	if len(key) > 0 && key[0] != nil {
		keyOf = adaptUnary(method, key[0])
	}
	pick := func(a, b any) any {
		if Compare(keyOf(b), keyOf(a))*sign > 0 {
			return b
		}
		return a
	}
	return r.reduceWith(method, pick)
}

// ReduceByKeyLocally merges the values of each key with f (func(V, V) V)
// and returns the result as a map, without a shuffle.
func (r *RDD) ReduceByKeyLocally(f any) map[any]any {
	if l := r.onRunner("ReduceByKeyLocally", -1); l != nil {
		return l.ReduceByKeyLocally(f)
	}
	g := adaptBinary("ReduceByKeyLocally", f)
	agg := &aggregator{createCombiner: func(v any) any { return v }, mergeValue: g, mergeCombiners: g}
	out := map[any]any{}
	agg.unboxed = unboxedReduce(guardMerge("ReduceByKeyLocally", f))
	for _, m := range r.combinePartitions("ReduceByKeyLocally", agg) {
		for i := range m.len() {
			k := m.key(i)
			if prev, ok := out[k]; ok {
				out[k] = g(prev, m.value(i))
			} else {
				out[k] = m.value(i)
			}
		}
	}
	return out
}

// combinePartitions combines each partition by key with agg.
func (r *RDD) combinePartitions(method string, agg *aggregator) []*combineMap {
	n := r.GetNumPartitions()
	maps := make([]*combineMap, n)
	r.sc.runJob(r, method, allPartitions(n), func(t *task, p int) {
		m := newCombineMap(method, agg)
		pairsOf(method, r)(t, p, func(kv Pair) bool {
			m.addValue(kv.Key, kv.Value)
			return true
		})
		maps[p] = m
	})
	return maps
}

var countAggregator = &aggregator{
	createCombiner: func(any) any { return int64(1) },
	mergeValue:     func(c, _ any) any { return c.(int64) + 1 },
	mergeCombiners: func(a, b any) any { return a.(int64) + b.(int64) },
	unboxed: &valueOps[int64]{
		create:     func(any) (int64, bool) { return 1, true },
		mergeValue: func(c int64, _ any) (int64, bool) { return c + 1, true },
		mergeComb:  func(a, b int64) int64 { return a + b },
	},
}

// CountByKey counts the Pairs of each key.
func (r *RDD) CountByKey() map[any]int64 {
	if r.sc.runner != nil {
		return r.Keys().countsOnRunner("CountByKey")
	}
	return r.countBy("CountByKey", r)
}

// CountByValue counts the occurrences of each distinct element. Elements
// must be comparable. On a Runner the counting happens on its engine,
// and only the counts come back.
func (r *RDD) CountByValue() map[any]int64 {
	if r.sc.runner != nil {
		return r.countsOnRunner("CountByValue")
	}
	return r.countBy("CountByValue", r.withNilValues("CountByValue"))
}

func (r *RDD) countBy(method string, pairs *RDD) map[any]int64 {
	out := map[any]int64{}
	for _, m := range pairs.combinePartitions(method, countAggregator) {
		for i := range m.len() {
			out[m.key(i)] += m.value(i).(int64)
		}
	}
	return out
}

// CollectAsMap returns the Pairs as a map; of duplicate keys, the last one
// in the RDD's order wins. Keys must be comparable.
func (r *RDD) CollectAsMap() map[any]any {
	if l := r.onRunner("CollectAsMap", -1); l != nil {
		return l.CollectAsMap()
	}
	out := map[any]any{}
	for _, x := range r.collect("CollectAsMap") {
		kv, ok := x.(Pair)
		switch {
		case !ok:
			panic(r.driverError("CollectAsMap", fmt.Errorf("element of type %s is not an rdd.Pair", typeName(x))))
		case kv.Key != nil && !reflect.TypeOf(kv.Key).Comparable():
			panic(r.driverError("CollectAsMap", fmt.Errorf("key of type %s is not comparable", typeName(kv.Key))))
		}
		out[kv.Key] = kv.Value
	}
	return out
}

// driverError is the JobError of a failure outside the tasks, in the
// action's own code.
func (r *RDD) driverError(method string, err error) *JobError {
	return &JobError{Message: fmt.Sprintf("rdd.%s: %v", method, err), Partition: -1, Lineage: r.ToDebugString(), Cause: err}
}

// Lookup returns the values of key in an RDD of Pairs. When the RDD is
// hash-partitioned by a shuffle, only the key's partition is read. A key
// that is not comparable (a slice, a map, or a value holding one) panics
// with a *JobError that says so.
func (r *RDD) Lookup(key any) []any {
	if l := r.onRunner("Lookup", -1); l != nil {
		return l.Lookup(key)
	}
	if key != nil && !reflect.ValueOf(key).Comparable() {
		err := notComparableError("Lookup", key)
		panic(&JobError{Message: err.Error(), Partition: -1, Lineage: r.ToDebugString(), Cause: err})
	}
	n := r.GetNumPartitions()
	parts := allPartitions(n)
	if r.partitioner == hashPartitioned && n > 0 {
		parts = []int{partitionOf(key, n)}
	}
	results := make([][]any, n)
	guard := r.sc.newResultGuard("Lookup")
	r.sc.runJob(r, "Lookup", parts, func(t *task, p int) {
		var vals []any
		tally := guard.tally()
		r.iterate(t, p, func(x any) bool {
			if kv := asPair("Lookup", x); kv.Key == key {
				tally.add(kv.Value)
				vals = append(vals, kv.Value)
			}
			return true
		})
		tally.flush()
		results[p] = vals
	})
	out := concat(results)
	return out
}

// Foreach calls f (a func(T), or any func of one parameter) on every
// element, on the worker goroutines.
func (r *RDD) Foreach(f any) {
	if l := r.onRunner("Foreach", -1); l != nil {
		l.Foreach(f)
		return
	}
	g := adaptConsumer("Foreach", f)
	n := r.GetNumPartitions()
	r.sc.runJob(r, "Foreach", allPartitions(n), func(t *task, p int) {
		r.iterate(t, p, func(x any) bool { g(x); return true })
	})
}

// ForeachPartition calls f once per partition with its elements: f is a
// func([]T) ([]any or a typed slice).
func (r *RDD) ForeachPartition(f any) {
	if l := r.onRunner("ForeachPartition", -1); l != nil {
		l.ForeachPartition(f)
		return
	}
	fv := funcOf("ForeachPartition", "func([]T)", f, 1, 0)
	in := fv.Type().In(0)
	if in.Kind() != reflect.Slice {
		panic(fmt.Sprintf("rdd.ForeachPartition: expected a func of shape func([]T), got %s", fv.Type()))
	}
	n := r.GetNumPartitions()
	r.sc.runJob(r, "ForeachPartition", allPartitions(n), func(t *task, p int) {
		var elems []any
		r.iterate(t, p, func(x any) bool { elems = append(elems, x); return true })
		if g, ok := f.(func([]any)); ok {
			g(elems)
			return
		}
		fv.Call([]reflect.Value{convertArg("ForeachPartition", fv, in, elems)})
	})
}

// Iterator walks the elements of an RDD one partition at a time; see
// ToLocalIterator.
type Iterator struct {
	r     *RDD
	parts int
	next  int   // next partition to compute
	buf   []any // current partition
	i     int
	value any
}

// ToLocalIterator returns an Iterator over the elements that computes one
// partition at a time, when Next needs it, so memory holds at most one
// partition.
func (r *RDD) ToLocalIterator() *Iterator {
	if l := r.onRunner("ToLocalIterator", -1); l != nil {
		return l.ToLocalIterator()
	}
	return &Iterator{r: r, parts: -1}
}

// Next advances to the next element and reports whether there is one. A
// failed job panics with a *JobError, as actions do.
func (it *Iterator) Next() bool {
	if it.parts < 0 {
		it.parts = it.r.GetNumPartitions()
	}
	for it.i >= len(it.buf) {
		if it.next >= it.parts {
			it.value = nil
			return false
		}
		p := it.next
		it.next++
		var buf []any
		it.r.sc.runJob(it.r, "ToLocalIterator", []int{p}, func(t *task, p int) {
			it.r.iterate(t, p, func(x any) bool { buf = append(buf, x); return true })
		})
		it.buf, it.i = buf, 0
	}
	it.value = it.buf[it.i]
	it.i++
	return true
}

// Value returns the element Next moved to.
func (it *Iterator) Value() any { return it.value }
