//go:build beam

package beam

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"reflect"
	"sort"
	"strings"
	"testing"
	"time"

	"github.com/gosparkling/gosparkling/rdd"
)

// sorted returns xs in rdd.Compare order: Beam gives no order.
func sorted(xs []any) []any {
	out := append([]any{}, xs...)
	sort.SliceStable(out, func(i, j int) bool { return rdd.Compare(out[i], out[j]) < 0 })
	return out
}

// onBoth runs job on the local engine and on Prism and compares.
func onBoth(t *testing.T, name string, job func(sc *rdd.Context) any) {
	t.Helper()
	local := job(rdd.NewContext(rdd.WithParallelism(2)))
	var onBeam any
	err := rdd.Try(func() {
		onBeam = job(rdd.NewContext(rdd.WithParallelism(2), rdd.WithRunner(New(Options{TempDir: t.TempDir()}))))
	})
	if err != nil {
		t.Fatalf("%s on Prism: %v", name, err)
	}
	if l, ok := local.([]any); ok {
		local, onBeam = sorted(l), sorted(onBeam.([]any))
	}
	if !reflect.DeepEqual(local, onBeam) {
		t.Errorf("%s: local %v, Prism %v", name, local, onBeam)
	}
}

func TestCompiledJobsOnPrism(t *testing.T) {
	lines := []string{"a b a", "c b a", "", "d"}
	words := func(sc *rdd.Context) *rdd.RDD {
		return sc.Parallelize(lines, 3).FlatMap(strings.Fields)
	}
	onBoth(t, "word count", func(sc *rdd.Context) any {
		return words(sc).Map(func(w string) rdd.Pair { return rdd.KV(w, 1) }).
			ReduceByKey(func(a, b int) int { return a + b }).Collect()
	})
	onBoth(t, "count", func(sc *rdd.Context) any { return words(sc).Count() })
	onBoth(t, "distinct", func(sc *rdd.Context) any { return words(sc).Distinct().Collect() })
	onBoth(t, "group", func(sc *rdd.Context) any {
		return words(sc).KeyBy(func(w string) int { return len(w) }).GroupByKey().MapValues(func(ws []any) int { return len(ws) }).Collect()
	})
	onBoth(t, "join", func(sc *rdd.Context) any {
		a := sc.Parallelize([]rdd.Pair{rdd.KV(1, "x"), rdd.KV(2, "y"), rdd.KV(2, "z")})
		b := sc.Parallelize([]rdd.Pair{rdd.KV(2, 1.5), rdd.KV(3, 2.5)})
		return a.Join(b).Union(a.LeftOuterJoin(b)).Union(a.FullOuterJoin(b)).Collect()
	})
	onBoth(t, "aggregate", func(sc *rdd.Context) any {
		return words(sc).Map(func(w string) rdd.Pair { return rdd.KV(w, len(w)) }).
			AggregateByKey([]int{}, func(acc []int, v int) []int { return append(acc, v) },
				func(a, b []int) []int { return append(a, b...) }).MapValues(func(v []int) int { return len(v) }).Collect()
	})
	onBoth(t, "sorted", func(sc *rdd.Context) any {
		return words(sc).Distinct().SortBy(func(w string) string { return w }, false).Collect()
	})
	onBoth(t, "take after sort", func(sc *rdd.Context) any { return words(sc).SortBy(func(w string) string { return w }, true).Take(2) })
	onBoth(t, "subtract", func(sc *rdd.Context) any { return words(sc).Subtract(sc.Parallelize([]string{"a"})).Collect() })
}

func TestTextFilesOnPrism(t *testing.T) {
	dir := t.TempDir()
	in := filepath.Join(dir, "in.txt")
	if err := os.WriteFile(in, []byte("one two\nthree\nfour five six\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	sc := rdd.NewContext(rdd.WithRunner(New(Options{TempDir: filepath.Join(dir, "tmp")})))
	out := filepath.Join(dir, "out")
	sc.TextFile(in).FlatMap(strings.Fields).Map(strings.ToUpper).SaveAsTextFile(out)
	got := rdd.NewContext().TextFile(out).Collect()
	if want := []any{"FIVE", "FOUR", "ONE", "SIX", "THREE", "TWO"}; !reflect.DeepEqual(sorted(got), want) {
		t.Errorf("saved %v, want %v", got, want)
	}
	if _, err := os.Stat(filepath.Join(out, "_SUCCESS")); err != nil {
		t.Errorf("no _SUCCESS marker: %v", err)
	}
	err := rdd.Try(func() { sc.TextFile(in).SaveAsTextFile(out) })
	if err == nil || !strings.Contains(err.Error(), "already exists") {
		t.Errorf("saving over %s: %v", out, err)
	}
	if n := sc.TextFile(in).Count(); n != 3 {
		t.Errorf("Count = %d", n)
	}
	if got := sc.TextFile(in).Take(2); len(got) != 2 {
		t.Errorf("Take(2) = %v", got)
	}
}

func TestFailuresNameTheMethod(t *testing.T) {
	sc := rdd.NewContext(rdd.WithRunner(New(Options{TempDir: t.TempDir()})))
	err := rdd.Try(func() {
		sc.Parallelize([]int{1, 2}).ReduceByKey(func(a, b int) int { return a + b }).Collect()
	})
	if err == nil || !strings.Contains(err.Error(), "is not an rdd.Pair") {
		t.Errorf("ReduceByKey of ints: %v", err)
	}
	err = rdd.Try(func() { sc.Parallelize([]int{1}).Zip(sc.Parallelize([]int{2})).Collect() })
	if err == nil || !strings.Contains(err.Error(), "Zip cannot run on Beam") {
		t.Errorf("Zip: %v", err)
	}
}

func TestCancelStopsTheJob(t *testing.T) {
	sc := rdd.NewContext(rdd.WithRunner(New(Options{TempDir: t.TempDir()})))
	ctx, cancel := context.WithCancel(context.Background())
	sc.SetJobContext(ctx)
	time.AfterFunc(500*time.Millisecond, cancel)
	start := time.Now()
	err := rdd.Try(func() {
		sc.Range(0, 1_000_000_000, 1, 2).Map(func(x int64) int64 { return x % 7 }).Count()
	})
	if !errors.Is(err, context.Canceled) {
		t.Fatalf("error = %v, want one wrapping context.Canceled", err)
	}
	if d := time.Since(start); d > 30*time.Second {
		t.Errorf("the job took %v to stop", d)
	}
	sc.SetJobContext(nil)
	if n := sc.Range(0, 10).Count(); n != 10 {
		t.Errorf("the next job counts %d, want 10", n)
	}
}
