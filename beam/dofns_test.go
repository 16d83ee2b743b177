//go:build beam

package beam

import (
	"context"
	"math"
	"reflect"
	"testing"

	"github.com/gosparkling/gosparkling/rdd"
)

func TestPartitionCombiningHoldsAtMostMaxKeys(t *testing.T) {
	sum := func(a, b int) int { return a + b }
	id := nextLocal.Add(1)
	localFuncs.Store(id, sum)
	defer localFuncs.Delete(id)
	words := []any{"a", "b", "a", "c", "b", "d", "a"}
	var pairs []rdd.Pair
	for _, w := range words {
		pairs = append(pairs, rdd.KV(w, 1))
	}
	tests := []struct {
		maxKeys int
		emitted int // Pairs sent on
	}{
		{0, 4}, // precombineKeys: one per key
		{4, 4}, // as many as the keys
		{2, 6}, // (a b a) | (c b) | (d a): sent on when a third key comes
		{1, 7}, // a | b | a | c | b | d | a
	}
	for _, tt := range tests {
		f := &sourceFn{Combine: &combineFn{Method: "ReduceByKey", Funcs: []funcRef{{Local: id, Method: "ReduceByKey"}}, MaxKeys: tt.maxKeys}}
		f.r = rdd.NewContext().Parallelize(pairs, 1)
		var out []rdd.Pair
		if err := f.combinePartition(context.Background(), 0, func(e Elem) { out = append(out, e.V.(rdd.Pair)) }); err != nil {
			t.Fatalf("MaxKeys %d: %v", tt.maxKeys, err)
		}
		if len(out) != tt.emitted {
			t.Errorf("MaxKeys %d: %d Pairs sent on (%v), want %d", tt.maxKeys, len(out), out, tt.emitted)
		}
		totals := map[any]int{}
		for _, kv := range out {
			totals[kv.Key] += kv.Value.(int)
		}
		if want := map[any]int{"a": 3, "b": 2, "c": 1, "d": 1}; !reflect.DeepEqual(totals, want) {
			t.Errorf("MaxKeys %d: merged %v, want %v", tt.maxKeys, totals, want)
		}
	}
}

func TestPartitionCombiningKeepsTheValuesOfNaNKeys(t *testing.T) {
	sum := func(a, b int) int { return a + b }
	id := nextLocal.Add(1)
	localFuncs.Store(id, sum)
	defer localFuncs.Delete(id)
	nan := math.NaN()
	f := &sourceFn{Combine: &combineFn{Method: "ReduceByKey", Funcs: []funcRef{{Local: id, Method: "ReduceByKey"}}}}
	f.r = rdd.NewContext().Parallelize([]rdd.Pair{rdd.KV(nan, 1), rdd.KV(1.0, 2), rdd.KV(nan, 3), rdd.KV(1.0, 4)}, 1)
	var out []any
	if err := f.combinePartition(context.Background(), 0, func(e Elem) { out = append(out, e.V.(rdd.Pair).Value) }); err != nil {
		t.Fatal(err)
	}
	// A NaN key equals no other, as in a Go map and on the local engine.
	if want := []any{1, 6, 3}; !reflect.DeepEqual(out, want) {
		t.Errorf("values sent on %v, want %v", out, want)
	}
}
