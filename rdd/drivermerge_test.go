package rdd_test

import (
	"errors"
	"testing"

	"github.com/gosparkling/gosparkling/rdd"
)

// A user function that panics while the driver merges the partitions'
// results fails the action with a *JobError, as a panic in a task does.
func TestPanicsWhileMergingOnTheDriverAreJobErrors(t *testing.T) {
	sc := rdd.NewContext()
	// Each partition holds one element, so only the driver's merges call
	// the function with two values.
	failOnMerge := func(a, b int) int {
		if b == 0 {
			panic("division by zero")
		}
		return a / b
	}
	cases := []struct {
		name   string
		action func(r *rdd.RDD) any
	}{
		{"Reduce", func(r *rdd.RDD) any { return r.Reduce(failOnMerge) }},
		{"TreeReduce", func(r *rdd.RDD) any { return r.TreeReduce(failOnMerge) }},
		{"Fold", func(r *rdd.RDD) any { return r.Fold(1, failOnMerge) }},
		{"Aggregate", func(r *rdd.RDD) any { return r.Aggregate(1, func(a, x int) int { return a * x }, failOnMerge) }},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			r := sc.Parallelize([]int{5, 0}, 2)
			err := rdd.Try(func() { tc.action(r) })
			var je *rdd.JobError
			if !errors.As(err, &je) {
				t.Fatalf("error %v (%T), want a *rdd.JobError", err, err)
			}
			var up *rdd.UserPanicError
			if !errors.As(err, &up) || up.Value != "division by zero" {
				t.Errorf("error %v does not carry the user's panic", err)
			}
		})
	}
}
