package rdd

import (
	"fmt"
	"math"
	"reflect"
	"slices"
	"testing"
)

func TestUnmix64UndoesMix64(t *testing.T) {
	for _, x := range []uint64{0, 1, 2, 42, 1 << 31, 1 << 32, 1<<63 - 1, 1 << 63, math.MaxUint64, 0x0123456789abcdef} {
		if got := unmix64(mix64(x)); got != x {
			t.Errorf("unmix64(mix64(%#x)) = %#x", x, got)
		}
	}
	for x := uint64(1); x != 0; x *= 3 { // the powers of 3 mod 2^64, a varied walk
		if unmix64(mix64(x)) != x {
			t.Fatalf("unmix64(mix64(%#x)) = %#x", x, unmix64(mix64(x)))
		}
		if x > 1<<60 {
			break
		}
	}
}

func TestDistinctOfCommonTypesGivesEachOnceUnderEveryBudget(t *testing.T) {
	// Distinct keeps int64 and int elements in an intSet, which stores
	// their hashes only, and strings and float64s unboxed in a table
	// without combiners; what comes out is every element once, of its
	// own type, whether the tables stay in memory, spill, or widen to
	// boxed keys when another type comes.
	inputs := []struct {
		name string
		data func(sc *Context) *RDD
		want []any
	}{
		{"int64s from Range, read unboxed, 0 and negatives among them", func(sc *Context) *RDD {
			return sc.Range(0, 6000, 1, 4).Map(func(x int64) int64 { return x%1501 - 700 })
		}, intsFrom(int64(-700), 1501)},
		{"ints", func(sc *Context) *RDD {
			xs := make([]int, 6000)
			for i := range xs {
				xs[i] = i * 7 % 1203
			}
			return sc.Parallelize(xs, 4)
		}, intsFrom(0, 1203)},
		{"strings, read unboxed", func(sc *Context) *RDD {
			return sc.Range(0, 6000, 1, 4).Map(func(x int64) string { return fmt.Sprint(x % 901) })
		}, func() []any {
			out := make([]any, 901)
			for i := range out {
				out[i] = fmt.Sprint(i)
			}
			return out
		}()},
		{"float64s, 0 and -0 one element", func(sc *Context) *RDD {
			xs := []float64{0.5, math.Copysign(0, -1), 0, 1e300, math.Inf(-1), 0.5, -2.25, math.Inf(-1), 0}
			return sc.Parallelize(append(append(xs, xs...), xs...), 3)
		}, []any{math.Inf(-1), -2.25, 0.0, 0.5, 1e300}},
		{"the extreme int64s", func(sc *Context) *RDD {
			return sc.Parallelize([]int64{math.MinInt64, 0, math.MaxInt64, -1, 0, math.MinInt64, 1, math.MaxInt64}, 3)
		}, []any{int64(math.MinInt64), int64(-1), int64(0), int64(1), int64(math.MaxInt64)}},
		{"int64s, then strings and ints from the middle of the third partition: its set widens", func(sc *Context) *RDD {
			xs := make([]any, 4000)
			for i := range xs {
				switch {
				case i < 2500:
					xs[i] = int64(i % 500)
				case i%2 == 0:
					xs[i] = fmt.Sprint(i % 7)
				default:
					xs[i] = i % 5
				}
			}
			return sc.Parallelize(xs, 4)
		}, append(append(intsFrom(int64(0), 500), intsFrom(0, 5)...), "0", "1", "2", "3", "4", "5", "6")},
	}
	budgets := []struct {
		name   string
		bytes  int64
		spills bool
	}{
		{"the default: every set in memory", DefaultShuffleMemory, false},
		{"nothing: every set spills", 0, true},
		{"8 KB: some sets spill", 8 << 10, false},
	}
	for _, in := range inputs {
		for _, b := range budgets {
			t.Run(in.name+", budget "+b.name, func(t *testing.T) {
				sc := NewContext(WithParallelism(2), WithShuffleMemory(b.bytes))
				defer sc.Stop()
				r := in.data(sc).Distinct(3)
				for run := range 2 { // the second job reads the shuffle again
					got := sortedAny(r.Collect())
					if !reflect.DeepEqual(got, sortedAny(in.want)) {
						t.Fatalf("job %d: got %d elements, want %d: %v...", run+1, len(got), len(in.want), head(got))
					}
				}
				if n := r.Count(); n != int64(len(in.want)) {
					t.Errorf("Count = %d, want %d", n, len(in.want))
				}
				if files := spillFiles(t, sc); b.spills && files == 0 {
					t.Errorf("no spill files")
				} else if b.bytes == DefaultShuffleMemory && files > 0 {
					t.Errorf("%d spill files within the default budget", files)
				}
			})
		}
	}
}

// intsFrom returns n consecutive integers of from's type from from.
func intsFrom[T int | int64](from T, n int) []any {
	out := make([]any, n)
	for i := range out {
		out[i] = from + T(i)
	}
	return out
}

// sortedAny sorts elements by Compare (types apart, then values).
func sortedAny(xs []any) []any {
	xs = slices.Clone(xs)
	slices.SortFunc(xs, func(a, b any) int {
		if c := Compare(fmt.Sprintf("%T", a), fmt.Sprintf("%T", b)); c != 0 {
			return c
		}
		return Compare(a, b)
	})
	return xs
}

func TestIntSetKeepsPositionsAndLooksUp(t *testing.T) {
	s := newIntSet[int64]("Distinct", &aggregator{keysOnly: true}, 0)
	for i := range int64(1000) {
		s.addKey(i % 300)
		s.addKey(-i % 300)
	}
	if s.len() != 599 {
		t.Fatalf("len = %d, want 599", s.len())
	}
	seen := map[any]bool{}
	for i := range s.len() {
		k := s.key(i)
		if seen[k] {
			t.Fatalf("key %v at two positions", k)
		}
		seen[k] = true
		if j, ok := s.lookup(k); !ok || j != i {
			t.Errorf("lookup(%v) = %d, %v; want %d, true", k, j, ok, i)
		}
		if s.hashAt(i) != hashKey(k) {
			t.Errorf("hashAt(%d) = %#x, hashKey(%v) = %#x", i, s.hashAt(i), k, hashKey(k))
		}
	}
	for _, k := range []any{int64(300), int64(-300), 5, "5"} {
		if _, ok := s.lookup(k); ok {
			t.Errorf("lookup(%#v) found it", k)
		}
	}
}
