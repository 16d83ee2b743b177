package rdd

import (
	"fmt"
	"sort"
)

// keyed is an element with its sort key and its position in the RDD, so
// that equal keys keep the elements' order.
type keyed struct {
	key  any
	elem any
	pos  int64
}

// TakeOrdered returns the n smallest elements in ascending order, by
// Compare of the elements or of key(element) when a key func is given.
// Equal keys keep the RDD's order. Each partition keeps only its n
// smallest, so memory stays proportional to n.
func (r *RDD) TakeOrdered(n int, key ...any) []any {
	if r.sc.runner != nil {
		if best, ok := r.bestOnRunner("TakeOrdered", n, false, key, 1); ok {
			return best
		}
		return r.onRunner("TakeOrdered", -1).TakeOrdered(n, key...)
	}
	return r.takeOrdered("TakeOrdered", n, false, key)
}

// Top returns the n largest elements in descending order, by Compare of
// the elements or of key(element) when a key func is given. Equal keys
// keep the RDD's order.
func (r *RDD) Top(n int, key ...any) []any {
	if r.sc.runner != nil {
		if best, ok := r.bestOnRunner("Top", n, true, key, 1); ok {
			return best
		}
		return r.onRunner("Top", -1).Top(n, key...)
	}
	return r.takeOrdered("Top", n, true, key)
}

func (r *RDD) takeOrdered(method string, n int, descending bool, key []any) []any {
	if n < 0 {
		panic(fmt.Sprintf("rdd.%s: n must not be negative, got %d", method, n))
	}
	keyOf := func(x any) any { return x }
	if len(key) > 0 && key[0] != nil {
		keyOf = adaptUnary(method, key[0])
	}
	less := func(a, b keyed) bool {
		c := Compare(a.key, b.key)
		if descending {
			c = -c
		}
		return c < 0 || c == 0 && a.pos < b.pos
	}
	if n == 0 {
		return []any{}
	}
	parts := r.GetNumPartitions()
	results := make([][]keyed, parts)
	guard := r.sc.newResultGuard(method)
	r.sc.runJob(r, method, allPartitions(parts), func(t *task, p int) {
		var best []keyed
		var pos int64
		// The partition's result grows with its first n elements.
		tally := guard.tally()
		r.iterate(t, p, func(x any) bool {
			if pos < int64(n) {
				tally.add(x)
			}
			best = append(best, keyed{keyOf(x), x, int64(p)<<40 | pos})
			pos++
			if len(best) >= 2*n+64 {
				sort.SliceStable(best, func(i, j int) bool { return less(best[i], best[j]) })
				best = best[:n]
			}
			return true
		})
		tally.flush()
		sort.SliceStable(best, func(i, j int) bool { return less(best[i], best[j]) })
		results[p] = best[:min(n, len(best))]
	})
	var all []keyed
	for _, res := range results {
		all = append(all, res...)
	}
	sort.SliceStable(all, func(i, j int) bool { return less(all[i], all[j]) })
	out := make([]any, 0, min(n, len(all)))
	for _, k := range all[:min(n, len(all))] {
		out = append(out, k.elem)
	}
	return out
}
