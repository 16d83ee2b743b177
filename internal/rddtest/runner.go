// Package rddtest holds test helpers shared by the tests of several
// packages that run RDDs: a Runner that runs lineages in this process.
package rddtest

import (
	"context"
	"errors"
	"sync"

	"github.com/gosparkling/gosparkling/internal/engine"
	"github.com/gosparkling/gosparkling/rdd"
)

// rdds is what runners do to RDDs.
var rdds = engine.For[*rdd.RDD, rdd.Step, *rdd.Broadcast]()

// InProcessRunner is an rdd.Runner that runs the lineage it is given in
// this process, partition by partition, as a Runner's workers would, and
// notes the method of each RDD it runs. It saves nothing.
type InProcessRunner struct {
	mu  sync.Mutex
	ran []string
}

// Name names the runner in messages.
func (e *InProcessRunner) Name() string { return "in-process" }

// Ran returns the methods of the RDDs it ran, in order.
func (e *InProcessRunner) Ran() []string {
	e.mu.Lock()
	defer e.mu.Unlock()
	return append([]string(nil), e.ran...)
}

// Run computes r's elements with engine.RDDs.RunPartition, every partition
// in order; limit is not applied.
func (e *InProcessRunner) Run(ctx context.Context, r *rdd.RDD, limit int) ([]any, error) {
	e.mu.Lock()
	e.ran = append(e.ran, r.Step().Method)
	e.mu.Unlock()
	var out []any
	for p := range r.GetNumPartitions() {
		if err := rdds.RunPartition(r, ctx, p, func(x any) bool { out = append(out, x); return true }); err != nil {
			return nil, err
		}
	}
	return out, nil
}

// Count counts the elements Run computes.
func (e *InProcessRunner) Count(ctx context.Context, r *rdd.RDD) (int64, error) {
	elems, err := e.Run(ctx, r, -1)
	return int64(len(elems)), err
}

// SaveAsTextFile fails: the runner saves nothing.
func (e *InProcessRunner) SaveAsTextFile(context.Context, *rdd.RDD, string, string) error {
	return errors.New("rddtest.InProcessRunner saves nothing")
}

// Reset forgets the methods it ran.
func (e *InProcessRunner) Reset() {
	e.mu.Lock()
	defer e.mu.Unlock()
	e.ran = nil
}
