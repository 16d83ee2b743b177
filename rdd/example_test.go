package rdd_test

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"sort"
	"strings"

	"github.com/gosparkling/gosparkling/fileio/warc"
	"github.com/gosparkling/gosparkling/rdd"
)

// A Context makes RDDs; transformations describe new ones and actions run
// jobs over their partitions.
func ExampleNewContext() {
	sc := rdd.NewContext(rdd.WithParallelism(2))
	defer sc.Stop()

	squares := sc.Parallelize([]int{1, 2, 3, 4, 5}, 2).
		Map(func(x int) int { return x * x }).
		Filter(func(x int) bool { return x%2 == 1 })
	fmt.Println(squares.Collect(), squares.Count())
	// Output: [1 9 25] 3
}

// TextFile reads lines from local files, S3 or HTTP, with globs and
// compressed files; SaveAsTextFile writes a directory of part files that
// appears whole when the job commits.
func ExampleContext_TextFile() {
	dir, err := os.MkdirTemp("", "textfile")
	if err != nil {
		panic(err)
	}
	defer os.RemoveAll(dir)
	input := filepath.Join(dir, "in.txt")
	if err := os.WriteFile(input, []byte("to be or\nnot to be\n"), 0o644); err != nil {
		panic(err)
	}

	sc := rdd.NewContext()
	defer sc.Stop()
	words := sc.TextFile(input).FlatMap(strings.Fields)
	fmt.Println(words.Count(), "words,", words.Distinct().Count(), "distinct")
	// Output: 6 words, 4 distinct
}

// WarcFile reads WARC, WET and WAT files record by record, as
// *warc.Record.
func ExampleContext_WarcFile() {
	sc := rdd.NewContext()
	defer sc.Stop()

	types := sc.WarcFile("../fileio/warc/testdata/commoncrawl/whirlwind.warc.gz").
		Map(func(r *warc.Record) string { return r.Type() }).
		CountByValue()
	fmt.Println(types)
	// Output: map[metadata:1 request:1 response:1 warcinfo:1]
}

// ReduceByKey merges the values of each key with an associative function,
// first within each partition and then across them.
func ExampleRDD_ReduceByKey() {
	sc := rdd.NewContext()
	defer sc.Stop()

	counts := sc.Parallelize([]string{"a", "b", "a", "c", "a", "b"}, 3).
		Map(func(w string) rdd.Pair { return rdd.KV(w, 1) }).
		ReduceByKey(func(a, b int) int { return a + b }).
		SortByKey(true)
	fmt.Println(counts.Collect())
	// Output: [(a, 3) (b, 2) (c, 1)]
}

// Join pairs the values of the keys both RDDs have.
func ExampleRDD_Join() {
	sc := rdd.NewContext()
	defer sc.Stop()

	hosts := sc.Parallelize([]rdd.Pair{rdd.KV("example.com", 120), rdd.KV("example.org", 7)})
	langs := sc.Parallelize([]rdd.Pair{rdd.KV("example.com", "en"), rdd.KV("example.net", "de")})
	for _, p := range hosts.Join(langs).Collect() {
		fmt.Println(p)
	}
	// Output: (example.com, (120, en))
}

// SaveAsTextFile writes one part file per partition and _SUCCESS; the
// output directory appears only once the job has committed it.
func ExampleRDD_SaveAsTextFile() {
	dir, err := os.MkdirTemp("", "save")
	if err != nil {
		panic(err)
	}
	defer os.RemoveAll(dir)
	out := filepath.Join(dir, "out")

	sc := rdd.NewContext()
	defer sc.Stop()
	sc.Parallelize([]int{1, 2, 3, 4}, 2).SaveAsTextFile(out)

	entries, err := os.ReadDir(out)
	if err != nil {
		panic(err)
	}
	var names []string
	for _, e := range entries {
		names = append(names, e.Name())
	}
	sort.Strings(names)
	fmt.Println(names, sc.TextFile(out).Count())
	// Output: [_SUCCESS part-00000 part-00001] 4
}

// ParquetFile reads Parquet files as rows; SaveAsParquet writes them.
func ExampleContext_ParquetFile() {
	dir, err := os.MkdirTemp("", "parquet")
	if err != nil {
		panic(err)
	}
	defer os.RemoveAll(dir)
	out := filepath.Join(dir, "hosts")

	sc := rdd.NewContext()
	defer sc.Stop()
	sc.Parallelize([]rdd.Pair{rdd.KV("example.com", 120), rdd.KV("example.org", 7)}, 1).
		SaveAsParquet(out)

	for _, row := range sc.ParquetFile(out, "key", "value").Collect() {
		fmt.Println(row)
	}
	// Output:
	// map[key:example.com value:120]
	// map[key:example.org value:7]
}

// Try turns an action's *JobError panic into an error, for programs that
// prefer errors to panics.
func ExampleTry() {
	sc := rdd.NewContext()
	defer sc.Stop()

	var sum int
	err := rdd.Try(func() {
		sum = sc.EmptyRDD().Reduce(func(a, b int) int { return a + b }).(int)
	})
	fmt.Println(sum, err != nil)
	// Output: 0 true
}

// WithJobContext gives a view of the Context whose jobs stop when a
// context is done, such as an HTTP request's; the Context and its other
// views go on.
func ExampleContext_WithJobContext() {
	sc := rdd.NewContext()
	defer sc.Stop()

	ctx, cancel := context.WithCancel(context.Background())
	cancel() // the client went away
	request := sc.WithJobContext(ctx)
	_, err := rdd.Catch(request.Parallelize([]int{1, 2, 3}).Count)
	fmt.Println(errors.Is(err, context.Canceled))

	n, err := rdd.Catch(sc.Parallelize([]int{1, 2, 3}).Count)
	fmt.Println(n, err)
	// Output:
	// true
	// 3 <nil>
}

// Catch calls an action, a method value or a closure, and returns its
// result or its job's error.
func ExampleCatch() {
	sc := rdd.NewContext()
	defer sc.Stop()

	words := sc.Parallelize([]string{"to", "be", "or", "not", "to", "be"})
	n, err := rdd.Catch(words.Count)
	fmt.Println(n, err)

	first, err := rdd.Catch(func() []any { return words.Take(2) })
	fmt.Println(first, err)

	lengths := words.Map(func(w string) int {
		if w == "not" {
			panic("no negation here")
		}
		return len(w)
	})
	_, err = rdd.Catch(lengths.Count)
	var je *rdd.JobError
	fmt.Println(errors.As(err, &je))
	// Output:
	// 6 <nil>
	// [to be] <nil>
	// true
}
