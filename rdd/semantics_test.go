package rdd_test

import (
	"errors"
	"math"
	"strings"
	"testing"
	"time"

	"github.com/gosparkling/gosparkling/rdd"
)

// TestStorageLevelDescribesItselfAsSpark: String is Spark's
// StorageLevel.description for every level.
func TestStorageLevelDescribesItselfAsSpark(t *testing.T) {
	tests := []struct {
		level rdd.StorageLevel
		want  string
	}{
		{rdd.None, "Serialized 1x Replicated"},
		{rdd.MemoryOnly, "Memory Deserialized 1x Replicated"},
		{rdd.MemoryAndDisk, "Disk Memory Deserialized 1x Replicated"},
		{rdd.DiskOnly, "Disk Serialized 1x Replicated"},
	}
	for _, tt := range tests {
		check(t, "StorageLevel("+tt.want+")", tt.level.String(), tt.want)
	}
}

// TestPersistLevelCannotChange: as in Spark, a persisted RDD keeps its
// level until Unpersist.
func TestPersistLevelCannotChange(t *testing.T) {
	sc := newContext(t)
	tests := []struct {
		name      string
		do        func(r *rdd.RDD)
		wantPanic string
		wantLevel rdd.StorageLevel
	}{
		{"another level panics", func(r *rdd.RDD) { r.Cache().Persist(rdd.DiskOnly) },
			"Cannot change storage level of an RDD after it was already assigned a level", rdd.MemoryOnly},
		{"None after a level panics", func(r *rdd.RDD) { r.Persist(rdd.DiskOnly).Persist(rdd.None) },
			"Cannot change storage level", rdd.DiskOnly},
		{"the same level again is fine", func(r *rdd.RDD) { r.Persist(rdd.MemoryAndDisk).Persist(rdd.MemoryAndDisk) }, "", rdd.MemoryAndDisk},
		{"Unpersist then another level is fine", func(r *rdd.RDD) { r.Cache().Unpersist().Persist(rdd.DiskOnly) }, "", rdd.DiskOnly},
		{"Unpersist of an RDD never persisted", func(r *rdd.RDD) { r.Unpersist() }, "", rdd.None},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := sc.Parallelize([]int{1, 2, 3})
			msg := panicText(func() { tt.do(r) })
			if tt.wantPanic == "" && msg != "" || !strings.Contains(msg, tt.wantPanic) {
				t.Errorf("panic %q, want one containing %q", msg, tt.wantPanic)
			}
			check(t, "level", r.StorageLevel(), tt.wantLevel)
			check(t, "Collect", r.Collect(), []any{1, 2, 3})
		})
	}
}

// TestTakeSampleSizes: TakeSample follows Spark for sizes at and past the
// count and fails clearly, without a huge allocation, for impossible ones.
func TestTakeSampleSizes(t *testing.T) {
	sc := newContext(t)
	exact := sc.Parallelize([]int{1, 2, 3, 4, 5}, 2)
	estimated := exact.Filter(func(int) bool { return true }) // sizes only estimated
	tests := []struct {
		name      string
		sample    func() []any
		wantLen   int
		wantPanic string
	}{
		{"without replacement, num = count: all", func() []any { return exact.TakeSample(false, 5, 1) }, 5, ""},
		{"without replacement, num > count: all", func() []any { return exact.TakeSample(false, 1<<40, 1) }, 5, ""},
		{"estimated sizes, huge num: all", func() []any { return estimated.TakeSample(false, 1<<40, 1) }, 5, ""},
		{"with replacement, num > count", func() []any { return estimated.TakeSample(true, 12, 1) }, 12, ""},
		{"math.MaxInt: Spark's bound", func() []any { return exact.TakeSample(true, math.MaxInt, 1) }, 0,
			"Cannot support a sample size > math.MaxInt - 10.0 * math.Sqrt(math.MaxInt)"},
		{"with replacement, in range but past the result size", func() []any { return exact.TakeSample(true, 1<<50, 1) }, 0,
			"maximum result size"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			start := time.Now()
			var got []any
			msg := panicText(func() { got = tt.sample() })
			if tt.wantPanic == "" && msg != "" || !strings.Contains(msg, tt.wantPanic) {
				t.Fatalf("panic %q, want one containing %q", msg, tt.wantPanic)
			}
			check(t, "len", len(got), tt.wantLen)
			if d := time.Since(start); d > 10*time.Second {
				t.Errorf("took %v", d)
			}
		})
	}
	check(t, "TakeSample(false, 100) sorted", sorted(exact.TakeSample(false, 100, 3)), []any{1, 2, 3, 4, 5})
}

// TestAccumulatorTypes: numbers of every kind add up, complex ones too;
// a zero that cannot be added to names its type.
func TestAccumulatorTypes(t *testing.T) {
	sc := newContext(t)
	tests := []struct {
		name  string
		zero  any
		adds  []any
		want  any
		panic string
	}{
		{"complex128", complex(0, 1), []any{complex(1, 1), 2, 0.5}, complex(3.5, 2), ""},
		{"complex64", complex64(1), []any{complex64(complex(0, 2))}, complex64(complex(1, 2)), ""},
		{"int", 0, []any{1, int64(2)}, 3, ""},
		{"string", "", []any{"a", "b"}, "ab", ""},
		{"unsupported zero", struct{ X int }{}, nil, nil, "a struct { X int } cannot be added to"},
		{"string to complex", complex(0, 0), []any{"x"}, nil, "cannot add string (value x) to an accumulator of complex128"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var got any
			msg := panicText(func() {
				a := sc.Accumulator(tt.zero)
				for _, x := range tt.adds {
					a.Add(x)
				}
				got = a.Value()
			})
			if tt.panic == "" && msg != "" || !strings.Contains(msg, tt.panic) {
				t.Fatalf("panic %q, want one containing %q", msg, tt.panic)
			}
			if tt.panic == "" {
				check(t, "Value", got, tt.want)
			}
		})
	}
}

// TestMaxResultSize: actions that bring elements back to the driver stop
// as soon as the result passes the Context's MaxResultSize, with an error
// that says how large it got and what to do instead.
func TestMaxResultSize(t *testing.T) {
	const limit = 4 << 20
	sc := rdd.NewContext(rdd.WithParallelism(4), rdd.WithMaxResultSize(limit))
	t.Cleanup(sc.Stop)
	huge := sc.Range(0, 1<<31, 1, 8) // 2^31 int64s: 16 GiB as []any
	words := sc.Range(0, 1<<20, 1, 4).Map(func(i int64) string { return strings.Repeat("w", 16) })
	tests := []struct {
		name   string
		action func()
	}{
		{"Collect of sc.Range(0, 1<<31)", func() { huge.Collect() }},
		{"Take of more than fits", func() { huge.Take(1 << 30) }},
		{"TakeOrdered with a huge n", func() { huge.TakeOrdered(1 << 30) }},
		{"Top with a huge n", func() { huge.Top(1 << 30) }},
		{"Glom().Collect", func() { words.Glom().Collect() }},
		{"CollectAsMap", func() { words.Map(func(s string) rdd.Pair { return rdd.KV(s, s) }).CollectAsMap() }},
		{"Lookup", func() { words.KeyBy(func(string) int { return 1 }).Lookup(1) }},
		{"TakeSample with replacement", func() { huge.TakeSample(true, 1<<30, 1) }},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			start := time.Now()
			err := rdd.Try(tt.action)
			var rs *rdd.ResultSizeError
			if !errors.As(err, &rs) {
				t.Fatalf("error %v, want a *rdd.ResultSizeError", err)
			}
			if rs.Limit != limit || rs.Size <= limit {
				t.Errorf("size %d, limit %d: want the size past the limit %d", rs.Size, rs.Limit, limit)
			}
			for _, want := range []string{"maximum result size", "4.0 MiB", "Take(n)", "SaveAsTextFile", "Sample"} {
				if !strings.Contains(err.Error(), want) {
					t.Errorf("error %q does not mention %q", err, want)
				}
			}
			if d := time.Since(start); d > 20*time.Second {
				t.Errorf("took %v: the job did not stop at the limit", d)
			}
		})
	}
	// Results within the limit, and any result once the limit is 0.
	check(t, "Collect within the limit", len(sc.Range(0, 1000).Collect()), 1000)
	check(t, "default", rdd.NewContext().MaxResultSize(), rdd.DefaultMaxResultSize)
	sc.SetMaxResultSize(0)
	check(t, "Collect without a limit", len(words.Collect()), 1<<20)
}
