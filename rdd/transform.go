package rdd

// Map returns an RDD of f(x) for each element x. f is a func(T) R.
func (r *RDD) Map(f any) *RDD {
	g := adaptUnary("Map", f)
	return r.narrow("Map", func(emit func(any) bool) func(any) bool {
		return func(x any) bool { return emit(g(x)) }
	})
}

// FlatMap returns an RDD of the elements of f(x) for each element x. f is a
// func(T) S where S is any slice or array type, such as strings.Fields.
func (r *RDD) FlatMap(f any) *RDD {
	g := adaptFlat("FlatMap", f)
	return r.narrow("FlatMap", func(emit func(any) bool) func(any) bool {
		return func(x any) bool { return g(x, emit) }
	})
}

// Filter returns an RDD of the elements x for which f(x) is true. f is a
// func(T) bool.
func (r *RDD) Filter(f any) *RDD {
	g := adaptPredicate("Filter", f)
	return r.narrow("Filter", func(emit func(any) bool) func(any) bool {
		return func(x any) bool {
			if g(x) {
				return emit(x)
			}
			return true
		}
	})
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
	return r.shuffled("ReduceByKey", agg, numPartitions)
}
