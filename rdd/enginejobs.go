package rdd

// Actions on a Context with a Runner bring back only what they need when
// the engine can compute the rest: counts, sums, extremes and statistics
// run there as a ReduceByKey under one key, with functions of this package
// that every worker has compiled in (FuncProgram.Builtin), so that a
// worker in another process runs them without their source.

// builtinFuncs are the functions of the package that the lineages of its
// actions on a Runner use, by name.
var builtinFuncs = map[string]any{
	// countOne pairs an element with the count 1.
	"countOne": func(x any) Pair { return Pair{Key: x, Value: int64(1)} },
	// addCounts adds two counts.
	"addCounts": func(a, b int64) int64 { return a + b },
	// sumOf pairs an element with its partial sum, under the key nil.
	"sumOf": func(x any) Pair {
		f, i, isInt := number("Sum", x)
		if isInt {
			return Pair{Value: []any{i, 0.0, true}}
		}
		return Pair{Value: []any{int64(0), f, false}}
	},
	// addSums adds two partial sums.
	"addSums": func(a, b []any) []any {
		return []any{a[0].(int64) + b[0].(int64), a[1].(float64) + b[1].(float64), a[2].(bool) && b[2].(bool)}
	},
	// statsOf pairs an element with its statistics, under the key nil.
	"statsOf": func(x any) Pair {
		f, _, _ := number("Stats", x)
		s := newStatCounter()
		s.add(f)
		return Pair{Value: s.fields()}
	},
	// mergeStats merges two statistics.
	"mergeStats": func(a, b []any) []any {
		s := statCounterOf(a)
		s.merge(statCounterOf(b))
		return s.fields()
	},
	// underNil pairs an element with the key nil.
	"underNil": func(x any) Pair { return Pair{Value: x} },
	// larger and smaller are the larger and the smaller of two elements
	// by Compare, the first on ties.
	"larger": func(a, b any) any {
		if Compare(b, a) > 0 {
			return b
		}
		return a
	},
	"smaller": func(a, b any) any {
		if Compare(b, a) < 0 {
			return b
		}
		return a
	},
}

// fields returns s as values that travel between processes.
func (s StatCounter) fields() []any { return []any{s.n, s.mu, s.m2, s.min, s.max} }

// statCounterOf makes again the StatCounter of fields.
func statCounterOf(f []any) StatCounter {
	return StatCounter{n: f[0].(int64), mu: f[1].(float64), m2: f[2].(float64), min: f[3].(float64), max: f[4].(float64)}
}

// BuiltinFunc returns the function of this package that a FuncProgram's
// Builtin names, for workers.
func BuiltinFunc(name string) (any, bool) {
	f, ok := builtinFuncs[name]
	return f, ok
}

// builtinSource is the FuncSource of a builtin function.
type builtinSource string

func (b builtinSource) Program() (*FuncProgram, error) {
	return &FuncProgram{Builtin: string(b), Origin: "rdd." + string(b)}, nil
}

// reducedOnRunner maps r's elements to Pairs with the builtin pairing and
// reduces their values by key with the builtin reducing, on the Runner's
// engine, for action; it returns the Pairs that come back.
func (r *RDD) reducedOnRunner(action, pairing, reducing string) []any {
	pairs := r.Map(builtinFuncs[pairing]).SetFuncSources(builtinSource(pairing)).
		ReduceByKey(builtinFuncs[reducing]).SetFuncSources(builtinSource(reducing))
	return pairs.onRunner(action, -1).Collect()
}

// countsOnRunner counts r's elements by value on the Runner's engine and
// brings back one Pair per distinct element.
func (r *RDD) countsOnRunner(action string) map[any]int64 {
	out := map[any]int64{}
	for _, x := range r.reducedOnRunner(action, "countOne", "addCounts") {
		kv := x.(Pair)
		out[kv.Key] = kv.Value.(int64)
	}
	return out
}

// reducedValueOnRunner returns, as an RDD of the local Context, the one
// value r's elements reduce to on the Runner's engine, or none when r has
// no elements.
func (r *RDD) reducedValueOnRunner(action, pairing, reducing string) *RDD {
	var values []any
	for _, x := range r.reducedOnRunner(action, pairing, reducing) {
		values = append(values, x.(Pair).Value)
	}
	return r.sc.Local().Parallelize(values, 1)
}

// SetActionSources records the sources of the user functions that the
// next action called on r is given, in argument order, as SetFuncSources
// does for transformations: interpreters call it just before Reduce,
// Fold, Aggregate and their Tree forms, so that on a Runner the action
// runs on the engine. It returns r.
func (r *RDD) SetActionSources(srcs ...FuncSource) *RDD {
	r.actionSources.Store(&srcs)
	return r
}

// takeActionSources returns the sources SetActionSources recorded for
// this action, at the positions of its function arguments, and forgets
// them; nil when any is missing or cannot be shipped (the action then
// brings the elements back and runs here).
func (r *RDD) takeActionSources(positions ...int) []FuncSource {
	p := r.actionSources.Swap(nil)
	if p == nil {
		return nil
	}
	srcs := *p
	out := make([]FuncSource, len(positions))
	for i, at := range positions {
		if at >= len(srcs) || srcs[at] == nil {
			return nil
		}
		if _, err := srcs[at].Program(); err != nil {
			return nil
		}
		out[i] = srcs[at]
	}
	return out
}

// underNilOnRunner returns r's elements as Pairs under the key nil, for an
// action that reduces them on the Runner's engine.
func (r *RDD) underNilOnRunner() *RDD {
	return r.Map(builtinFuncs["underNil"]).SetFuncSources(builtinSource("underNil"))
}

// valuesOnRunner runs pairs, Pairs under the key nil, on the Runner's
// engine for action and returns their values as an RDD of the local
// Context: one, or none when the RDD had no elements.
func (r *RDD) valuesOnRunner(action string, pairs *RDD) *RDD {
	var values []any
	for _, x := range pairs.onRunner(action, -1).Collect() {
		values = append(values, x.(Pair).Value)
	}
	return r.sc.Local().Parallelize(values, 1)
}

// reduceOnRunner is Reduce and TreeReduce on a Runner's engine when f has
// a source: a ReduceByKey under one key; ok is false otherwise.
func (r *RDD) reduceOnRunner(action string, f any) (_ *RDD, ok bool) {
	srcs := r.takeActionSources(0)
	if srcs == nil {
		return nil, false
	}
	return r.valuesOnRunner(action, r.underNilOnRunner().ReduceByKey(f).SetFuncSources(srcs...)), true
}

// foldOnRunner is Fold on a Runner's engine when f has a source: a
// FoldByKey under one key, whose result is then folded into zero here.
func (r *RDD) foldOnRunner(zero, f any) (_ *RDD, ok bool) {
	srcs := r.takeActionSources(1)
	if srcs == nil {
		return nil, false
	}
	return r.valuesOnRunner("Fold", r.underNilOnRunner().FoldByKey(zero, f).SetFuncSources(nil, srcs[0])), true
}

// aggregateOnRunner is Aggregate and TreeAggregate on a Runner's engine
// when seqOp and combOp have sources: an AggregateByKey under one key,
// whose result is then combined into zero here.
func (r *RDD) aggregateOnRunner(action string, zero, seqOp, combOp any) (_ *RDD, ok bool) {
	srcs := r.takeActionSources(1, 2)
	if srcs == nil {
		return nil, false
	}
	pairs := r.underNilOnRunner().AggregateByKey(zero, seqOp, combOp).SetFuncSources(nil, srcs[0], srcs[1])
	return r.valuesOnRunner(action, pairs), true
}

// mergeResults merges the results an engine computed into a copy of zero with
// merge, as Fold and Aggregate merge their partitions' results.
func mergeResults(method string, zero, merge any, results []any) any {
	g := adaptBinary(method, merge)
	acc := cloneValue(zero)
	for _, x := range results {
		acc = g(acc, x)
	}
	return acc
}
