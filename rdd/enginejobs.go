package rdd

import (
	"fmt"
	"sort"
)

// Actions on a Context with a Runner bring back only what they need when
// the engine can compute the rest: counts, sums, extremes and statistics
// run there as a ReduceByKey under one key, with functions of this package
// that every worker has compiled in (funcProgram.Builtin), so that a
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

// builtinMakers make the builtin functions that take parameters: ints
// are funcProgram.Ints, key the function of its program (nil when none);
// method is the action they serve, for messages.
var builtinMakers = map[string]func(method string, ints []int, key any) any{
	// bestOf, bestAdd and bestMerge keep the best ints[0] elements, the
	// largest when ints[1] is 1, by Compare of key (of the element when
	// nil): a CombineByKey of lists of Pair{key, element}, as Top and
	// TakeOrdered run on an engine.
	"bestOf": func(method string, ints []int, key any) any {
		keyOf := keyFunc(method, key)
		return func(x any) []any { return []any{Pair{Key: keyOf(x), Value: x}} }
	},
	"bestAdd": func(method string, ints []int, key any) any {
		keyOf := keyFunc(method, key)
		return func(best []any, x any) []any {
			return trimBest(append(best, Pair{Key: keyOf(x), Value: x}), ints[0], ints[1] == 1, false)
		}
	},
	"bestMerge": func(_ string, ints []int, _ any) any {
		return func(a, b []any) []any { return trimBest(append(a, b...), ints[0], ints[1] == 1, false) }
	},
}

// keyFunc returns key adapted for method, or the identity when it is nil.
func keyFunc(method string, key any) func(any) any {
	if key != nil {
		return adaptUnary(method, key)
	}
	return func(x any) any { return x }
}

// trimBest keeps the best n of Pairs of sort keys and elements when they
// are many (always with now): it sorts them, largest first when
// descending, and drops the others.
func trimBest(best []any, n int, descending, now bool) []any {
	if !now && len(best) < 2*n+64 {
		return best
	}
	sort.SliceStable(best, func(i, j int) bool {
		c := Compare(best[i].(Pair).Key, best[j].(Pair).Key)
		if descending {
			return c > 0
		}
		return c < 0
	})
	return best[:min(n, len(best))]
}

// builtinFunc returns the function of this package that p, a Builtin
// program, names, for workers; method is the action it serves (the
// Step's Action), which its errors name, and resolve turns the program of
// its function parameter, when it has one, into the function.
func builtinFunc(p *funcProgram, method string, resolve func(*funcProgram) (any, error)) (any, error) {
	if f, ok := builtinFuncs[p.Builtin]; ok {
		return f, nil
	}
	mk, ok := builtinMakers[p.Builtin]
	if !ok {
		return nil, fmt.Errorf("this worker's rdd package has no function %s: run the notebook's gosparkling version", p.Builtin)
	}
	var key any
	if p.Expr != "" {
		var err error
		if key, err = resolve(&funcProgram{Imports: p.Imports, Decls: p.Decls, Expr: p.Expr, Origin: p.Origin}); err != nil {
			return nil, err
		}
	}
	return mk(method, p.Ints, key), nil
}

// builtinSource is the funcSource of a builtin function with its
// parameters: key is the source of its function parameter, if any.
type builtinSource struct {
	name string
	ints []int
	key  funcSource
}

// builtin returns the source of the builtin function name.
func builtin(name string) builtinSource { return builtinSource{name: name} }

func (b builtinSource) Program() (*funcProgram, error) {
	p := &funcProgram{Builtin: b.name, Origin: "rdd." + b.name, Ints: b.ints}
	if b.key != nil {
		key, err := b.key.Program()
		if err != nil {
			return nil, err
		}
		p.Imports, p.Decls, p.Expr, p.Origin = key.Imports, key.Decls, key.Expr, key.Origin
	}
	return p, nil
}

// fn returns the function b names, made here for method with key, and b
// itself.
func (b builtinSource) fn(method string, key any) (any, funcSource) {
	if f, ok := builtinFuncs[b.name]; ok {
		return f, b
	}
	return builtinMakers[b.name](method, b.ints, key), b
}

// reducedPairs maps r's elements to Pairs with the builtin pairing and
// reduces their values by key with the builtin reducing: a lineage for
// the Runner's engine.
func (r *RDD) reducedPairs(pairing, reducing string) *RDD {
	return r.Map(builtinFuncs[pairing]).setFuncSources(builtin(pairing)).
		ReduceByKey(builtinFuncs[reducing]).setFuncSources(builtin(reducing))
}

// countsOnRunner counts r's elements by value on the Runner's engine and
// brings back one Pair per distinct element.
func (r *RDD) countsOnRunner(action string) map[any]int64 {
	out := map[any]int64{}
	for _, x := range r.reducedPairs("countOne", "addCounts").onRunner(action, -1).Collect() {
		kv := x.(Pair)
		out[kv.Key] = kv.Value.(int64)
	}
	return out
}

// reducedValueOnRunner returns, as an RDD of the local Context, the one
// value r's elements reduce to on the Runner's engine under the key nil,
// or none when r has no elements.
func (r *RDD) reducedValueOnRunner(action, pairing, reducing string) *RDD {
	return r.valuesOnRunner(action, r.reducedPairs(pairing, reducing))
}

// withActionSources returns an RDD of r's elements, with r's lineage,
// whose first action is given functions of the sources srcs, in argument
// order, as setFuncSources tells those of transformations. Interpreters
// call the action on it, withActionSources(r, srcs...).Reduce(f), so that
// on a Runner Reduce, Fold, Aggregate, Top, TakeOrdered, Max, Min and
// their Tree forms run on the engine.
func (r *RDD) withActionSources(srcs ...funcSource) *RDD {
	twin := r.sc.newRDD(r.kind, r.method, []dependency{{rdd: r}})
	twin.name, twin.callSite, twin.step, twin.partitioner = r.name, r.callSite, r.step, r.partitioner
	twin.partitions = r.numPartitions
	twin.compute = func(t *task, p int, emit func(any) bool) { r.iterate(t, p, emit) }
	twin.actionSources.Store(&srcs)
	return twin
}

// takeActionSources returns the sources withActionSources recorded for
// this action, at the positions of its function arguments, and forgets
// them; nil when any is missing or cannot be shipped (the action then
// brings the elements back and runs here).
func (r *RDD) takeActionSources(positions ...int) []funcSource {
	p := r.actionSources.Swap(nil)
	if p == nil {
		return nil
	}
	srcs := *p
	out := make([]funcSource, len(positions))
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

// forAction records on r's step that it computes action on a Runner's
// engine (a Reduce as a ReduceByKey), for the engine's messages.
func (r *RDD) forAction(action string) *RDD {
	if r.step != nil {
		r.step.Action = action
	}
	return r
}

// underNilOnRunner returns r's elements as Pairs under the key nil, for an
// action that reduces them on the Runner's engine.
func (r *RDD) underNilOnRunner() *RDD {
	return r.Map(builtinFuncs["underNil"]).setFuncSources(builtin("underNil"))
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
	return r.valuesOnRunner(action, r.underNilOnRunner().ReduceByKey(f).setFuncSources(srcs...).forAction(action)), true
}

// foldOnRunner is Fold on a Runner's engine when f has a source: a
// FoldByKey under one key, whose result is then folded into zero here.
func (r *RDD) foldOnRunner(zero, f any) (_ *RDD, ok bool) {
	srcs := r.takeActionSources(1)
	if srcs == nil {
		return nil, false
	}
	return r.valuesOnRunner("Fold", r.underNilOnRunner().FoldByKey(zero, f).setFuncSources(nil, srcs[0]).forAction("Fold")), true
}

// aggregateOnRunner is Aggregate and TreeAggregate on a Runner's engine
// when seqOp and combOp have sources: an AggregateByKey under one key,
// whose result is then combined into zero here.
func (r *RDD) aggregateOnRunner(action string, zero, seqOp, combOp any) (_ *RDD, ok bool) {
	srcs := r.takeActionSources(1, 2)
	if srcs == nil {
		return nil, false
	}
	pairs := r.underNilOnRunner().AggregateByKey(zero, seqOp, combOp).setFuncSources(nil, srcs[0], srcs[1]).forAction(action)
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

// bestOnRunner is Top (descending) and TakeOrdered on a Runner's engine: a
// CombineByKey under one key that keeps the best n of each bundle and
// partition, so that only about n elements come back. A key func, the
// action's argument at keyAt, must have a source (withActionSources); ok
// is false when it has none.
func (r *RDD) bestOnRunner(method string, n int, descending bool, key []any, keyAt int) (_ []any, ok bool) {
	var keySrc funcSource
	var keyFn any
	if len(key) > 0 && key[0] != nil {
		srcs := r.takeActionSources(keyAt)
		if srcs == nil {
			return nil, false
		}
		keySrc, keyFn = srcs[0], key[0]
	}
	if n <= 0 {
		return r.sc.Local().EmptyRDD().takeOrdered(method, n, descending, key), true
	}
	order := 0
	if descending {
		order = 1
	}
	params := []int{n, order}
	create, createSrc := builtinSource{name: "bestOf", ints: params, key: keySrc}.fn(method, keyFn)
	add, addSrc := builtinSource{name: "bestAdd", ints: params, key: keySrc}.fn(method, keyFn)
	merge, mergeSrc := builtinSource{name: "bestMerge", ints: params}.fn(method, nil)
	pairs := r.underNilOnRunner().CombineByKey(create, add, merge).setFuncSources(createSrc, addSrc, mergeSrc).forAction(method)
	var best []any
	for _, list := range r.valuesOnRunner(method, pairs).Collect() {
		best = append(best, list.([]any)...)
	}
	best = trimBest(best, n, descending, true)
	out := make([]any, len(best))
	for i, kv := range best {
		out[i] = kv.(Pair).Value
	}
	return out, true
}
