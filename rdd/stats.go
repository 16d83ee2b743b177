package rdd

import (
	"fmt"
	"math"
	"math/bits"
	"reflect"
	"sort"
	"strconv"
	"strings"
)

// number reads x as a number: its float64 value, and its int64 value when
// x is an integer. Other elements fail the task naming method.
func number(method string, x any) (f float64, i int64, isInt bool) {
	switch v := x.(type) {
	case int:
		return float64(v), int64(v), true
	case int64:
		return float64(v), v, true
	case float64:
		return v, 0, false
	case int32:
		return float64(v), int64(v), true
	case float32:
		return float64(v), 0, false
	}
	rv := reflect.ValueOf(x)
	switch classify(rv.Kind()) {
	case signedInt:
		return float64(rv.Int()), rv.Int(), true
	case unsignedInt:
		if rv.Uint() <= math.MaxInt64 {
			return float64(rv.Uint()), int64(rv.Uint()), true
		}
		return float64(rv.Uint()), 0, false
	case floating:
		return rv.Float(), 0, false
	}
	failTaskf("rdd.%s: element of type %s (value %s) is not a number", method, typeName(x), shorten(fmt.Sprint(x), 80))
	return 0, 0, false
}

// Sum adds the elements: an int64 when every element is an integer, else
// a float64. An empty RDD sums to int64(0).
func (r *RDD) Sum() any {
	if r.sc.runner != nil {
		total := r.reducedValueOnRunner("Sum", "sumOf", "addSums").Collect()
		if len(total) == 0 {
			return int64(0)
		}
		t := total[0].([]any)
		if t[2].(bool) {
			return t[0].(int64)
		}
		return t[1].(float64) + float64(t[0].(int64))
	}
	type partial struct {
		ints   int64
		floats float64
		allInt bool
	}
	n := r.GetNumPartitions()
	parts := make([]partial, n)
	r.sc.runJob(r, "Sum", allPartitions(n), func(t *task, p int) {
		acc := partial{allInt: true}
		r.iterate(t, p, func(x any) bool {
			f, i, isInt := number("Sum", x)
			if isInt {
				acc.ints += i
			} else {
				acc.floats += f
				acc.allInt = false
			}
			return true
		})
		parts[p] = acc
	})
	total := partial{allInt: true}
	for _, p := range parts {
		total.ints += p.ints
		total.floats += p.floats
		total.allInt = total.allInt && p.allInt
	}
	if total.allInt {
		return total.ints
	}
	return total.floats + float64(total.ints)
}

// StatCounter holds the count, mean, variance, min and max of numbers,
// computed in one pass and merged across partitions, as Spark's.
type StatCounter struct {
	n        int64
	mu, m2   float64
	min, max float64
}

func newStatCounter() StatCounter { return StatCounter{min: math.Inf(1), max: math.Inf(-1)} }

func (s *StatCounter) add(x float64) {
	s.n++
	d := x - s.mu
	s.mu += d / float64(s.n)
	s.m2 += d * (x - s.mu)
	s.min = math.Min(s.min, x)
	s.max = math.Max(s.max, x)
}

func (s *StatCounter) merge(o StatCounter) {
	switch {
	case o.n == 0:
		return
	case s.n == 0:
		*s = o
		return
	}
	d := o.mu - s.mu
	n := s.n + o.n
	s.mu += d * float64(o.n) / float64(n)
	s.m2 += o.m2 + d*d*float64(s.n)*float64(o.n)/float64(n)
	s.n = n
	s.min = math.Min(s.min, o.min)
	s.max = math.Max(s.max, o.max)
}

// Count returns the number of values.
func (s StatCounter) Count() int64 { return s.n }

// Mean returns the mean, 0 for no values (as Spark's StatCounter).
func (s StatCounter) Mean() float64 { return s.mu }

// Sum returns the sum of the values.
func (s StatCounter) Sum() float64 { return float64(s.n) * s.mu }

// Min returns the smallest value (+Inf for none).
func (s StatCounter) Min() float64 { return s.min }

// Max returns the largest value (-Inf for none).
func (s StatCounter) Max() float64 { return s.max }

// Variance returns the population variance, NaN for no values.
func (s StatCounter) Variance() float64 {
	if s.n == 0 {
		return math.NaN()
	}
	return s.m2 / float64(s.n)
}

// SampleVariance returns the sample variance (dividing by n-1), NaN for
// fewer than two values.
func (s StatCounter) SampleVariance() float64 {
	if s.n <= 1 {
		return math.NaN()
	}
	return s.m2 / float64(s.n-1)
}

// Stdev returns the population standard deviation.
func (s StatCounter) Stdev() float64 { return math.Sqrt(s.Variance()) }

// SampleStdev returns the sample standard deviation.
func (s StatCounter) SampleStdev() float64 { return math.Sqrt(s.SampleVariance()) }

// String formats the counter as PySpark does:
// "(count: 4, mean: 2.5, stdev: 1.118033988749895, max: 4.0, min: 1.0)".
func (s StatCounter) String() string {
	return fmt.Sprintf("(count: %d, mean: %s, stdev: %s, max: %s, min: %s)",
		s.n, pyFloat(s.Mean()), pyFloat(s.Stdev()), pyFloat(s.max), pyFloat(s.min))
}

// pyFloat formats f as Python's repr does: "4.0", "0.1", "1e+16", "nan".
func pyFloat(f float64) string {
	switch {
	case math.IsNaN(f):
		return "nan"
	case math.IsInf(f, 1):
		return "inf"
	case math.IsInf(f, -1):
		return "-inf"
	}
	if a := math.Abs(f); a != 0 && (a < 1e-4 || a >= 1e16) {
		return strconv.FormatFloat(f, 'e', -1, 64) // like Python: 1e+16, 1e-05
	}
	s := strconv.FormatFloat(f, 'f', -1, 64)
	if !strings.Contains(s, ".") {
		s += ".0"
	}
	return s
}

// Stats computes the count, mean, variance, min and max of the elements,
// which must be numbers, in one pass.
func (r *RDD) Stats() StatCounter {
	if r.sc.runner != nil {
		total := newStatCounter()
		for _, s := range r.reducedValueOnRunner("Stats", "statsOf", "mergeStats").Collect() {
			total.merge(statCounterOf(s.([]any)))
		}
		return total
	}
	n := r.GetNumPartitions()
	parts := make([]StatCounter, n)
	r.sc.runJob(r, "Stats", allPartitions(n), func(t *task, p int) {
		s := newStatCounter()
		r.iterate(t, p, func(x any) bool {
			f, _, _ := number("Stats", x)
			s.add(f)
			return true
		})
		parts[p] = s
	})
	total := newStatCounter()
	for _, s := range parts {
		total.merge(s)
	}
	return total
}

// Mean returns the mean of the elements (0 for none, as in Spark).
func (r *RDD) Mean() float64 { return r.Stats().Mean() }

// Variance returns the population variance of the elements.
func (r *RDD) Variance() float64 { return r.Stats().Variance() }

// Stdev returns the population standard deviation of the elements.
func (r *RDD) Stdev() float64 { return r.Stats().Stdev() }

// SampleVariance returns the sample variance of the elements.
func (r *RDD) SampleVariance() float64 { return r.Stats().SampleVariance() }

// SampleStdev returns the sample standard deviation of the elements.
func (r *RDD) SampleStdev() float64 { return r.Stats().SampleStdev() }

// Histogram counts the elements (numbers) per bucket. buckets is either
// an int n, for n evenly spaced buckets between the smallest and largest
// element, or a sorted slice of at least two edges ([]float64, []int, ...).
// Buckets are [edge[i], edge[i+1]) except the last, which is closed.
// NaNs and, with given edges, values outside them are not counted.
func (r *RDD) Histogram(buckets any) (edges []float64, counts []int64) {
	if l := r.onRunner("Histogram", -1); l != nil {
		return l.Histogram(buckets)
	}
	even := false
	if n, ok := buckets.(int); ok {
		if n < 1 {
			panic(fmt.Sprintf("rdd.Histogram: the number of buckets must be at least 1, got %d", n))
		}
		edges, even = r.evenBuckets(n)
	} else {
		edges = toEdges(buckets)
	}
	nb := len(edges) - 1
	lo, hi := edges[0], edges[nb]
	width := (hi - lo) / float64(nb)
	bucketOf := func(x float64) int {
		if math.IsNaN(x) || x < lo || x > hi {
			return -1
		}
		if x == hi {
			return nb - 1
		}
		if even {
			return min(int((x-lo)/width), nb-1)
		}
		return sort.Search(nb, func(i int) bool { return edges[i+1] > x })
	}
	n := r.GetNumPartitions()
	parts := make([][]int64, n)
	r.sc.runJob(r, "Histogram", allPartitions(n), func(t *task, p int) {
		c := make([]int64, nb)
		r.iterate(t, p, func(x any) bool {
			f, _, _ := number("Histogram", x)
			if b := bucketOf(f); b >= 0 {
				c[b]++
			}
			return true
		})
		parts[p] = c
	})
	counts = make([]int64, nb)
	for _, c := range parts {
		for i, v := range c {
			counts[i] += v
		}
	}
	return edges, counts
}

// evenBuckets makes n evenly spaced buckets between the extremes, as
// PySpark does: one bucket when all elements are equal.
func (r *RDD) evenBuckets(n int) ([]float64, bool) {
	s := r.Filter(func(x any) bool {
		f, _, _ := number("Histogram", x)
		return !math.IsNaN(f)
	}).Stats()
	if s.n == 0 {
		panic(r.driverError("Histogram", fmt.Errorf("cannot make buckets: %w", ErrEmptyRDD)))
	}
	if math.IsInf(s.min, 0) || math.IsInf(s.max, 0) {
		panic(r.driverError("Histogram", fmt.Errorf("cannot make buckets with an infinite value")))
	}
	if s.min == s.max || n == 1 {
		return []float64{s.min, s.max}, false
	}
	inc := (s.max - s.min) / float64(n)
	edges := make([]float64, n+1)
	for i := range n {
		edges[i] = s.min + float64(i)*inc
	}
	edges[n] = s.max
	return edges, true
}

// toEdges reads the bucket edges given to Histogram.
func toEdges(buckets any) []float64 {
	if v := reflect.ValueOf(buckets); buckets == nil || v.Kind() != reflect.Slice && v.Kind() != reflect.Array {
		panic(fmt.Sprintf("rdd.Histogram: buckets must be an int or a slice of numbers, got %s", typeName(buckets)))
	}
	edges := numbersOf("Histogram", "bucket edge", buckets)
	if len(edges) < 2 {
		panic("rdd.Histogram: buckets must have at least two edges")
	}
	for i := 1; i < len(edges); i++ {
		if !(edges[i-1] < edges[i]) {
			panic(fmt.Sprintf("rdd.Histogram: bucket edges must be sorted and distinct, got %v", edges))
		}
	}
	return edges
}

// CountApproxDistinct estimates the number of distinct elements with
// HyperLogLog, to within about relativeSD (default 0.05) relative error.
// Elements are hashed as shuffle keys are, so they must be comparable.
func (r *RDD) CountApproxDistinct(relativeSD ...float64) int64 {
	if l := r.onRunner("CountApproxDistinct", -1); l != nil {
		return l.CountApproxDistinct(relativeSD...)
	}
	sd := 0.05
	if len(relativeSD) > 0 {
		sd = relativeSD[0]
	}
	if !(sd > 0.000017) {
		panic(fmt.Sprintf("rdd.CountApproxDistinct: relativeSD must be greater than 0.000017, got %v", sd))
	}
	p := int(math.Ceil(2 * math.Log2(1.054/sd)))
	p = max(4, min(p, 18))
	m := 1 << p
	n := r.GetNumPartitions()
	parts := make([][]uint8, n)
	r.sc.runJob(r, "CountApproxDistinct", allPartitions(n), func(t *task, part int) {
		reg := make([]uint8, m)
		r.iterate(t, part, func(x any) bool {
			checkComparable("CountApproxDistinct", x)
			h := mix64(hashKey(x) ^ 0x9e3779b97f4a7c15)
			idx := h >> (64 - p)
			rho := uint8(bits.LeadingZeros64(h<<p|1<<(p-1)) + 1)
			reg[idx] = max(reg[idx], rho)
			return true
		})
		parts[part] = reg
	})
	reg := make([]uint8, m)
	for _, pr := range parts {
		for i, v := range pr {
			reg[i] = max(reg[i], v)
		}
	}
	sum, zeros := 0.0, 0
	for _, v := range reg {
		sum += math.Ldexp(1, -int(v))
		if v == 0 {
			zeros++
		}
	}
	alpha := 0.7213 / (1 + 1.079/float64(m))
	est := alpha * float64(m) * float64(m) / sum
	if est <= 2.5*float64(m) && zeros > 0 {
		est = float64(m) * math.Log(float64(m)/float64(zeros))
	}
	return int64(math.Round(est))
}

// numbersOf returns the numbers of x, a slice or array of any numeric
// type ([]float64, []int, []any of numbers), as float64s; anything else
// panics naming method and what the numbers are.
func numbersOf(method, what string, x any) []float64 {
	if f, ok := x.([]float64); ok {
		return f
	}
	v := reflect.ValueOf(x)
	if x == nil || v.Kind() != reflect.Slice && v.Kind() != reflect.Array {
		panic(fmt.Sprintf("rdd.%s: expected a slice of numbers, got %s", method, typeName(x)))
	}
	out := make([]float64, v.Len())
	for i := range out {
		e := v.Index(i)
		for e.Kind() == reflect.Interface && !e.IsNil() {
			e = e.Elem()
		}
		switch classify(e.Kind()) {
		case signedInt:
			out[i] = float64(e.Int())
		case unsignedInt:
			out[i] = float64(e.Uint())
		case floating:
			out[i] = e.Float()
		default:
			panic(fmt.Sprintf("rdd.%s: %s %d is a %s, not a number", method, what, i, e.Type()))
		}
	}
	return out
}
