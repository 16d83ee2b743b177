package rdd

import (
	"fmt"
	"os"
	"reflect"
	"runtime"
	"testing"
	"time"

	"github.com/gosparkling/gosparkling/fileio/warc"
)

type (
	kindRec struct {
		Name string
		Day  time.Time
	}
	kindVal struct {
		Tags  []string
		Attrs map[string][]int
		Next  *kindVal
	}
	kindSecret struct {
		Name   string
		hidden int
	}
)

// Every kind of element a shuffle carries comes out of a spilled shuffle as it went in: the
// same groups, in the same order, as a shuffle kept in memory. What the element encoding
// cannot carry (an unexported field) keeps the shuffle in memory, unchanged.
func TestEveryKindOfElementSurvivesASpilledShuffle(t *testing.T) {
	day := time.Date(2024, 3, 1, 0, 0, 0, 0, time.FixedZone("CET", 3600))
	values := []struct {
		name   string
		value  func(i int) any
		spills bool
	}{
		{"struct with a time", func(i int) any { return kindRec{fmt.Sprint("n", i%7), day.AddDate(0, 0, i%3)} }, true},
		{"nested struct with slices, maps and pointers", func(i int) any {
			return kindVal{[]string{"a", fmt.Sprint(i)}, map[string][]int{"x": {i, i + 1}, "e": {}}, &kindVal{Tags: []string{}}}
		}, true},
		{"pairs", func(i int) any { return KV(i%5, KV("v", []any{i, nil})) }, true},
		{"nested slices", func(i int) any { return [][]any{{i, "x"}, {}, nil} }, true},
		{"maps", func(i int) any { return map[any]any{"i": i, 2.5: []byte{byte(i)}} }, true},
		{"time values", func(i int) any { return day.Add(time.Duration(i) * time.Nanosecond) }, true},
		{"typed nil pointers", func(i int) any { return (*kindVal)(nil) }, true},
		{"WARC records", func(i int) any {
			return &warc.Record{Version: "WARC/1.0", Headers: []warc.Field{{Name: "WARC-Type", Value: "response"}}, Body: []byte(fmt.Sprint(i)), Offset: int64(i)}
		}, true},
		{"a struct with an unexported field", func(i int) any { return kindSecret{"s", i} }, false},
	}
	for _, v := range values {
		t.Run(v.name, func(t *testing.T) {
			data := make([]any, 2000)
			for i := range data {
				data[i] = KV(fmt.Sprint("k", i%50), v.value(i))
			}
			run := func(opts ...Option) ([]any, int) {
				sc := NewContext(append([]Option{WithParallelism(2)}, opts...)...)
				defer sc.Stop()
				r := sc.Parallelize(data, 4).GroupByKey(3).SortByKey(true, 1)
				got := r.Collect()
				files := 0
				if dir := sc.spillDir; dir != "" {
					entries, _ := os.ReadDir(dir)
					files = len(entries)
				}
				runtime.KeepAlive(r)
				return got, files
			}
			want, _ := run()
			got, files := run(WithShuffleMemory(0))
			if (files > 0) != v.spills {
				t.Errorf("%d spill files, want spilled %v", files, v.spills)
			}
			if !reflect.DeepEqual(got, want) {
				t.Errorf("after spilling:\n%#v\nin memory:\n%#v", got[:1], want[:1])
			}
		})
	}
}
