package rdd

import (
	"context"

	"github.com/gosparkling/gosparkling/internal/engine"
)

// The engine plumbing. What only the interpreter of notebook cells and
// the Runners of this module use (the adapters of user functions, shipped
// and compiled forms of functions, computing one partition on a worker)
// is not part of the package's API: it is set here, in
// internal/engine, for them, and the package's own code uses the
// unexported names.
func init() {
	engine.UnaryFunc = func(method string, f any) func(any) any { return adaptUnary(method, f) }
	engine.BinaryFunc = func(method string, f any) func(any, any) any { return adaptBinary(method, f) }
	engine.PredicateFunc = func(method string, f any) func(any) bool { return adaptPredicate(method, f) }
	engine.FlatFunc = func(method string, f any) func(x any, emit func(any) bool) bool {
		return adaptFlat(method, f)
	}
	engine.CloneValue = cloneValue
	engine.GuardPanic = guardPanic
	engine.RecoveredError = workerError
	engine.BuiltinFunc = builtinFunc
	engine.SetRDDs(&engine.RDDs[*RDD, Step, *Broadcast]{
		RunPartition: func(r *RDD, ctx context.Context, p int, emit func(any) bool) error {
			return r.runPartition(ctx, p, emit)
		},
		SetFuncSources:    (*RDD).setFuncSources,
		Sources:           func(s Step) []funcSource { return s.sources },
		WithActionSources: (*RDD).withActionSources,
		SetFuncTier:       (*RDD).setFuncTier,
		TieredRuns:        (*RDD).tieredRuns,
		BroadcastOf:       func(id int, value any) *Broadcast { return &Broadcast{id: id, value: value} },
		ReleaseShufflesExcept: func(sc any, live []*RDD) engine.ReleasedShuffles {
			return sc.(*Context).releaseShufflesExcept(live)
		},
	})
}
