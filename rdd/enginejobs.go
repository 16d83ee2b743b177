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
