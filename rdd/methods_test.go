package rdd_test

import (
	"reflect"
	"testing"

	"github.com/gosparkling/gosparkling/rdd"
)

// TestEveryMethodIsClassified: every exported method of RDD and Context
// has a kind, and the positions of its user functions name parameters
// that take any, so that a new method cannot be left unshippable or
// unrunnable by a Runner without this test saying so.
func TestEveryMethodIsClassified(t *testing.T) {
	anyType := reflect.TypeFor[any]()
	for _, typ := range []reflect.Type{reflect.TypeFor[*rdd.RDD](), reflect.TypeFor[*rdd.Context]()} {
		for m := range typ.Methods() {
			info, ok := rdd.MethodOf(m.Name)
			if !ok || info.Kind == rdd.KindUnknown {
				t.Errorf("%s.%s has no kind in rdd's methods table", typ.Elem().Name(), m.Name)
				continue
			}
			params := m.Type.NumIn() - 1 // without the receiver
			for _, pos := range info.FuncArgs {
				if pos >= params {
					t.Errorf("%s.%s: function argument %d past its %d parameters", typ.Elem().Name(), m.Name, pos, params)
					continue
				}
				p := m.Type.In(pos + 1)
				if m.Type.IsVariadic() && pos == params-1 {
					p = p.Elem()
				}
				if p != anyType {
					t.Errorf("%s.%s: argument %d is a %s, not a function passed as any", typ.Elem().Name(), m.Name, pos, p)
				}
			}
			if info.LocalFuncs && (info.Kind != rdd.KindAction || len(info.FuncArgs) == 0) {
				t.Errorf("%s.%s: only actions taking functions run them locally", typ.Elem().Name(), m.Name)
			}
		}
	}
}

// TestStepsCarryTheirKind: a recorded step says what its method does.
func TestStepsCarryTheirKind(t *testing.T) {
	sc := rdd.NewContext()
	defer sc.Stop()
	nums := sc.Parallelize([]int{1, 2, 3})
	pairs := nums.Map(func(x int) rdd.Pair { return rdd.KV(x%2, x) })
	tests := []struct {
		r    *rdd.RDD
		want rdd.StepKind
	}{
		{nums, rdd.KindSource},
		{pairs, rdd.KindNarrow},
		{pairs.ReduceByKey(func(a, b int) int { return a + b }), rdd.KindCombine},
		{pairs.GroupByKey(), rdd.KindGroup},
		{pairs.Join(pairs), rdd.KindCogroup},
		{nums.SortBy(func(x int) int { return -x }, true), rdd.KindSort},
		{nums.Repartition(2), rdd.KindRepartition},
	}
	for _, tt := range tests {
		step := tt.r.Step()
		if step.Kind != tt.want {
			t.Errorf("%s: kind %s, want %s", step.Method, step.Kind, tt.want)
		}
		if tt.want.Shuffles() != (tt.want >= rdd.KindCombine && tt.want <= rdd.KindRepartition) {
			t.Errorf("%s: Shuffles() is %v", tt.want, tt.want.Shuffles())
		}
	}
}
