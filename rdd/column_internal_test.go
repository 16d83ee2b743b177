package rdd

import (
	"fmt"
	"reflect"
	"testing"
)

func TestColumnsKeepBytesUnboxedAndWidenWhenAnotherTypeComes(t *testing.T) {
	tests := []struct {
		name  string
		elems []any
		kind  colKind
	}{
		{"[]bytes, nil and empty ones among them", []any{[]byte("a"), []byte(nil), []byte{}, []byte("bc")}, colBytes},
		{"[]bytes, then a string", []any{[]byte("a"), []byte("b"), "c"}, colAny},
		{"a string, then []bytes", []any{"c", []byte("a")}, colAny},
	}
	for _, tt := range tests {
		var c column
		for _, x := range tt.elems {
			c.add(x)
		}
		if c.kind != tt.kind {
			t.Errorf("%s: kind %d, want %d", tt.name, c.kind, tt.kind)
		}
		var got []any
		for i := range c.len() {
			got = append(got, c.at(i))
		}
		if !reflect.DeepEqual(got, tt.elems) {
			t.Errorf("%s: the column gives back %#v, want %#v", tt.name, got, tt.elems)
		}
		if c.memory() < int64(16*len(tt.elems)) {
			t.Errorf("%s: memory %d, less than the elements' headers", tt.name, c.memory())
		}
	}
}

func TestShufflesCarryBytesValues(t *testing.T) {
	// GroupByKey, joins and sorts keep []byte values in a column of their own;
	// they come out as they went in, under every budget.
	data := make([]Pair, 600)
	for i := range data {
		data[i] = KV(i%37, []byte(fmt.Sprint("v", i)))
	}
	for _, budget := range []int64{DefaultShuffleMemory, 0, 4 << 10} {
		sc := NewContext(WithParallelism(2), WithShuffleMemory(budget))
		pairs := sc.Parallelize(data, 4)
		groups := pairs.GroupByKey(3).Collect()
		n := 0
		for _, g := range groups {
			for _, v := range g.(Pair).Value.([]any) {
				if _, ok := v.([]byte); !ok {
					t.Fatalf("budget %d: GroupByKey gave a %T value", budget, v)
				}
				n++
			}
		}
		if n != len(data) || len(groups) != 37 {
			t.Errorf("budget %d: GroupByKey gave %d groups of %d values, want 37 of %d", budget, len(groups), n, len(data))
		}
		joined := pairs.Join(sc.Parallelize([]Pair{KV(5, "five")}), 3).Collect()
		want := 0
		for _, p := range data {
			if p.Key == 5 {
				want++
			}
		}
		if len(joined) != want {
			t.Errorf("budget %d: Join gave %d Pairs, want %d", budget, len(joined), want)
		}
		for _, j := range joined {
			v := j.(Pair).Value.(Pair)
			if b, ok := v.Key.([]byte); !ok || len(b) < 2 || v.Value != "five" {
				t.Errorf("budget %d: Join gave %v", budget, j)
			}
		}
		sorted := pairs.SortByKey(false, 3).Collect()
		if len(sorted) != len(data) {
			t.Fatalf("budget %d: SortByKey gave %d Pairs, want %d", budget, len(sorted), len(data))
		}
		for i, p := range sorted {
			if _, ok := p.(Pair).Value.([]byte); !ok || i > 0 && p.(Pair).Key.(int) > sorted[i-1].(Pair).Key.(int) {
				t.Fatalf("budget %d: SortByKey gave %v after %v", budget, p, sorted[max(i-1, 0)])
			}
		}
		sc.Stop()
	}
}
