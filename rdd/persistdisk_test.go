package rdd_test

import (
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/gosparkling/gosparkling/fileio/warc"
	"github.com/gosparkling/gosparkling/rdd"
)

type (
	diskRec struct {
		Name string
		N    int
	}
	secretRec struct {
		Name   string
		secret int
	}
	diskHolder struct{ V any }
	diskLists  struct {
		Empty, Nil []int
		M          map[string]int
	}
)

func TestPersistedPartitionsLeaveMemoryFaithfullyOrNotAtAll(t *testing.T) {
	type inFunc struct{ S []string }
	at := time.Date(2024, 5, 17, 10, 30, 0, 5, time.UTC)
	zoned := time.Date(2024, 5, 17, 10, 30, 0, 5, time.FixedZone("CEST", 2*3600))
	n := 3
	faithful := []any{nil, 1, "two", 3.5, []byte("b"), rdd.KV("k", []any{1, rdd.KV(2, nil)}),
		diskRec{"a", 1}, &diskRec{"p", 2}, &n, []diskRec{{"x", 1}}, map[string][]int{"m": {1}}, at, zoned,
		diskHolder{diskRec{"h", 3}}, [][]any{{1, "x"}}, (*diskRec)(nil), diskLists{[]int{}, nil, map[string]int{}},
		inFunc{[]string{"local"}}, diskHolder{&diskRec{"ptr", 4}}, int8(-1), float32(0.5), map[any]any{1: "a", "b": []any{}},
		&warc.Record{Version: "WARC/1.1", Headers: []warc.Field{{Name: "WARC-Type", Value: "response"}}, Body: []byte("body"), Offset: 7, Length: 9}}
	tests := []struct {
		name    string
		level   rdd.StorageLevel
		budget  int64 // cache memory: 1 sends MemoryAndDisk's partitions to disk
		elems   []any
		refused string // a word of the job's error when DiskOnly must refuse
	}{
		{"DiskOnly round trip", rdd.DiskOnly, 0, faithful, ""},
		{"MemoryAndDisk over its budget round trip", rdd.MemoryAndDisk, 1, faithful, ""},
		{"DiskOnly refuses unexported fields", rdd.DiskOnly, 0, []any{secretRec{"a", 1}}, "secret"},
		{"DiskOnly refuses them inside an interface", rdd.DiskOnly, 0, []any{diskHolder{secretRec{"a", 1}}}, "secret"},
		{"DiskOnly refuses channels", rdd.DiskOnly, 0, []any{make(chan int)}, "chan"},
		{"MemoryAndDisk keeps what it cannot write in memory, unchanged", rdd.MemoryAndDisk, 1, []any{secretRec{"a", 1}}, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			opts := []rdd.Option{rdd.WithParallelism(2)}
			if tt.budget > 0 {
				opts = append(opts, rdd.WithCacheMemory(tt.budget))
			}
			sc := rdd.NewContext(opts...)
			defer sc.Stop()
			r := sc.Parallelize(tt.elems, 2).Persist(tt.level)
			if tt.refused != "" {
				je := jobError(t, func() { r.Count() })
				if !strings.Contains(je.Error(), tt.refused) {
					t.Errorf("error %q does not say why (%q)", je.Error(), tt.refused)
				}
				return
			}
			if got := r.Count(); got != int64(len(tt.elems)) {
				t.Fatalf("Count = %d", got)
			}
			got := r.Collect() // read back from disk
			if len(got) != len(tt.elems) {
				t.Fatalf("collected %d elements, want %d", len(got), len(tt.elems))
			}
			for i, want := range tt.elems {
				if tm, ok := want.(time.Time); ok {
					if g, ok := got[i].(time.Time); !ok || !g.Equal(tm) || g.String() != tm.String() {
						t.Errorf("element %d = %#v, want %v", i, got[i], tm)
					}
					continue
				}
				if !reflect.DeepEqual(got[i], want) {
					t.Errorf("element %d = %#v, want %#v", i, got[i], want)
				}
			}
		})
	}
}
