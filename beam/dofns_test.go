//go:build beam

package beam

import (
	"context"
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
