package rdd

import (
	"context"
	"fmt"
)

// Collect returns every element, in partition order.
func (r *RDD) Collect() []any {
	if l := r.onRunner("Collect", -1); l != nil {
		return l.Collect()
	}
	return r.collect("Collect")
}

// collect runs the job of Collect for method, bounded by the Context's
// MaxResultSize.
func (r *RDD) collect(method string) []any {
	n := r.GetNumPartitions()
	results := make([][]any, n)
	guard := r.sc.newResultGuard(method)
	r.sc.runJob(r, method, allPartitions(n), func(t *task, p int) {
		var buf []any
		tally := guard.tally()
		r.iterate(t, p, func(x any) bool {
			tally.add(x)
			buf = append(buf, x)
			return true
		})
		tally.flush()
		results[p] = buf
	})
	return concat(results)
}

func concat(parts [][]any) []any {
	total := 0
	for _, p := range parts {
		total += len(p)
	}
	out := make([]any, 0, total)
	for _, p := range parts {
		out = append(out, p...)
	}
	return out
}

// Count returns the number of elements.
func (r *RDD) Count() int64 {
	if runner := r.sc.runner; runner != nil {
		var n int64
		r.sc.onEngine(r, "Count", func(ctx context.Context) (err error) {
			n, err = runner.Count(ctx, r)
			return err
		})
		return n
	}
	n := r.GetNumPartitions()
	counts := make([]int64, n)
	r.sc.runJob(r, "Count", allPartitions(n), func(t *task, p int) {
		counts[p] = r.countPartition(t, p)
	})
	var total int64
	for _, c := range counts {
		total += c
	}
	return total
}

// countPartition counts the elements of partition p, from r's typed
// source when it has one, so that they are not boxed only to be counted.
func (r *RDD) countPartition(t *task, p int) int64 {
	var c int64
	switch {
	case r.pairs != nil:
		typedOf[Pair](r)(t, p, func(Pair) bool { c++; return true })
	case r.strs != nil:
		typedOf[string](r)(t, p, func(string) bool { c++; return true })
	case r.int64s != nil:
		typedOf[int64](r)(t, p, func(int64) bool { c++; return true })
	default:
		r.iterate(t, p, func(any) bool { c++; return true })
	}
	return c
}

// Take returns the first n elements. It computes partitions in order, one
// wave at a time, and stops as soon as it has n: the first wave is one
// partition, and each later wave is sized from the yield of the ones
// before, at most four times as many, as Spark's take does.
func (r *RDD) Take(n int) []any {
	if n < 0 {
		panic(fmt.Sprintf("rdd.Take: n must not be negative, got %d", n))
	}
	if l := r.onRunner("Take", n); l != nil {
		return l.Take(n)
	}
	out := make([]any, 0, min(n, 1024))
	guard := r.sc.newResultGuard("Take")
	total := r.GetNumPartitions()
	scanned := 0
	for len(out) < n && scanned < total {
		wave := 1
		if scanned > 0 {
			if len(out) == 0 {
				wave = scanned * 4
			} else {
				// Estimate the partitions still needed from the yield so
				// far, with 50% to spare, between 1 and 4x scanned.
				wave = max(1, min(int(1.5*float64(n)*float64(scanned)/float64(len(out)))-scanned, scanned*4))
			}
		}
		parts := make([]int, 0, wave)
		for p := scanned; p < total && len(parts) < wave; p++ {
			parts = append(parts, p)
		}
		left := n - len(out)
		results := make([][]any, len(parts))
		r.sc.runJob(r, "Take", parts, func(t *task, p int) {
			var buf []any
			tally := guard.tally()
			r.iterate(t, p, func(x any) bool {
				tally.add(x)
				buf = append(buf, x)
				return len(buf) < left
			})
			tally.flush()
			results[p-parts[0]] = buf
		})
		for _, res := range results {
			out = append(out, res[:min(len(res), n-len(out))]...)
		}
		scanned += len(parts)
	}
	return out
}
