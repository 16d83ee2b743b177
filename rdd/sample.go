package rdd

import (
	"fmt"
	"math"
	"math/rand/v2"
	"reflect"
	"sort"
)

// seedOf returns seed[0], or a random seed fixed now, so that an RDD made
// without a seed still samples the same way in every action.
func seedOf(seed []int64) uint64 {
	if len(seed) > 0 {
		return uint64(seed[0])
	}
	return rand.Uint64()
}

// partitionRand is the random source of partition p under seed: the same
// seed gives the same draws in every job and process.
func partitionRand(seed uint64, p int) *rand.Rand {
	return rand.New(rand.NewPCG(seed, mix64(uint64(p)+0x9e3779b97f4a7c15)))
}

// poisson draws from a Poisson distribution of mean lambda (Knuth's method
// for small means, a normal approximation for large ones).
func poisson(rng *rand.Rand, lambda float64) int {
	if lambda <= 0 {
		return 0
	}
	if lambda > 30 {
		return max(0, int(math.Round(lambda+math.Sqrt(lambda)*rng.NormFloat64())))
	}
	l, k, p := math.Exp(-lambda), 0, 1.0
	for {
		p *= rng.Float64()
		if p <= l {
			return k
		}
		k++
	}
}

// Sample returns a random sample of the elements: each element is kept
// with probability fraction (in [0, 1]) without replacement, or appears a
// Poisson(fraction) number of times with replacement (fraction >= 0). The
// same seed gives the same sample.
func (r *RDD) Sample(withReplacement bool, fraction float64, seed ...int64) *RDD {
	checkFraction("Sample", withReplacement, fraction)
	s := seedOf(seed)
	return record(r.sampled("Sample", s, func(rng *rand.Rand, x any) float64 { return fraction }, withReplacement), "Sample", []*RDD{r}, withReplacement, fraction, seed)
}

// SampleByKey samples an RDD of Pairs with a fraction per key, as Sample
// does; every key must have a fraction. fractions is a map from keys to
// numbers of any types: map[any]float64, map[string]float64, ...
func (r *RDD) SampleByKey(withReplacement bool, fractionsByKey any, seed ...int64) *RDD {
	fractions := fractionsOf(fractionsByKey)
	for k, f := range fractions {
		checkFraction(fmt.Sprintf("SampleByKey (key %v)", k), withReplacement, f)
	}
	s := seedOf(seed)
	out := r.sampled("SampleByKey", s, func(_ *rand.Rand, x any) float64 {
		kv := asPair("SampleByKey", x)
		f, ok := fractions[kv.Key]
		if !ok {
			failTaskf("rdd.SampleByKey: no fraction for key %v", kv.Key)
		}
		return f
	}, withReplacement)
	return record(out, "SampleByKey", []*RDD{r}, withReplacement, fractionsByKey, seed)
}

// fractionsOf converts SampleByKey's map of fractions to map[any]float64.
func fractionsOf(x any) map[any]float64 {
	if m, ok := x.(map[any]float64); ok {
		return m
	}
	v := reflect.ValueOf(x)
	if x == nil || v.Kind() != reflect.Map {
		panic(fmt.Sprintf("rdd.SampleByKey: fractions must be a map from keys to numbers, got %s", typeName(x)))
	}
	out := make(map[any]float64, v.Len())
	for it := v.MapRange(); it.Next(); {
		f, ok := convertValue(it.Value().Interface(), reflect.TypeOf(0.0))
		if !ok {
			panic(fmt.Sprintf("rdd.SampleByKey: the fraction of key %v is a %s, not a number", it.Key(), typeName(it.Value().Interface())))
		}
		out[it.Key().Interface()] = f.Float()
	}
	return out
}

func checkFraction(method string, withReplacement bool, fraction float64) {
	if math.IsNaN(fraction) || fraction < 0 || !withReplacement && fraction > 1 {
		panic(fmt.Sprintf("rdd.%s: fraction must be in [0, 1] without replacement and >= 0 with it, got %v", method, fraction))
	}
}

func (r *RDD) sampled(method string, seed uint64, fractionOf func(*rand.Rand, any) float64, withReplacement bool) *RDD {
	out := r.sc.newRDD("PartitionwiseSampledRDD", method, []dependency{{rdd: r}})
	out.partitions = r.numPartitions
	out.sizes = r.derivedSizes(false)
	out.partitioner = r.partitioner
	out.compute = func(t *task, p int, emit func(any) bool) {
		rng := partitionRand(seed, p)
		r.iterate(t, p, func(x any) bool {
			f := fractionOf(rng, x)
			if !withReplacement {
				if rng.Float64() < f {
					return emit(x)
				}
				return true
			}
			for range poisson(rng, f) {
				if !emit(x) {
					return false
				}
			}
			return true
		})
	}
	return out
}

// RandomSplit splits the RDD randomly into one RDD per weight, each
// element going to exactly one of them with probability proportional to
// its weight. weights is a slice of numbers of any type ([]float64,
// []int, ...). The same seed gives the same split.
func (r *RDD) RandomSplit(weightList any, seed ...int64) []*RDD {
	weights := numbersOf("RandomSplit", "weight", weightList)
	total := 0.0
	for _, w := range weights {
		if w < 0 || math.IsNaN(w) {
			panic(fmt.Sprintf("rdd.RandomSplit: weights must not be negative, got %v", weights))
		}
		total += w
	}
	if len(weights) == 0 || total <= 0 {
		panic(fmt.Sprintf("rdd.RandomSplit: weights must sum to more than 0, got %v", weights))
	}
	s := seedOf(seed)
	out := make([]*RDD, len(weights))
	lo := 0.0
	for i, w := range weights {
		lb, ub := lo/total, (lo+w)/total
		if i == len(weights)-1 {
			ub = 1
		}
		lo += w
		split := r.sc.newRDD("PartitionwiseSampledRDD", "RandomSplit", []dependency{{rdd: r}})
		split.partitions = r.numPartitions
		split.sizes = r.derivedSizes(false)
		split.compute = func(t *task, p int, emit func(any) bool) {
			rng := partitionRand(s, p)
			r.iterate(t, p, func(x any) bool {
				if u := rng.Float64(); u >= lb && u < ub {
					return emit(x)
				}
				return true
			})
		}
		out[i] = split
	}
	return out
}

// TakeSample returns num elements drawn at random, with or without
// replacement, in random order; a seed makes it reproducible. It reads
// only the partitions it needs. When the partitions' element counts are
// known (Parallelize, and Map-like transformations of it) the sample is
// exactly uniform: it draws positions first and computes only the
// partitions holding them. Otherwise it draws partitions weighted by
// their estimated size (bytes, for files) and samples within them, which
// is approximately uniform: TakeSample(false, 1) over 50,000 files opens
// about one file.
func (r *RDD) TakeSample(withReplacement bool, num int, seed ...int64) []any {
	if l := r.onRunner("TakeSample", -1); l != nil {
		return l.TakeSample(withReplacement, num, seed...)
	}
	if num < 0 {
		panic(fmt.Sprintf("rdd.TakeSample: num must not be negative, got %d", num))
	}
	if num > maxSampleSize {
		panic(fmt.Sprintf("rdd.TakeSample: Cannot support a sample size > math.MaxInt - 10.0 * math.Sqrt(math.MaxInt) (%d), got %d", maxSampleSize, num))
	}
	rng := rand.New(rand.NewPCG(seedOf(seed), 0x7a4e))
	if num == 0 {
		return []any{}
	}
	weights, exact, err := r.partitionSizes()
	if err != nil {
		panic(r.driverError("TakeSample", err))
	}
	if !exact && num > maxWeightedSample {
		// Like Spark, which counts first: draws by estimated weight would
		// take num rounds.
		weights, exact = r.partitionCounts(), true
	}
	var out []any
	if exact {
		out = r.sampleExact(withReplacement, num, weights, rng)
	} else {
		out = r.sampleWeighted(withReplacement, num, weights, rng)
	}
	rng.Shuffle(len(out), func(i, j int) { out[i], out[j] = out[j], out[i] })
	if out == nil {
		out = []any{}
	}
	return out
}

// maxSampleSize is the largest num TakeSample takes: PySpark's
// sys.maxsize - int(10 * sqrt(sys.maxsize)), as Spark's bound on a 32-bit
// Int, so that a sample with replacement still has room to grow.
var maxSampleSize = math.MaxInt - int(10*math.Sqrt(math.MaxInt))

// maxWeightedSample is the largest num drawn by estimated partition
// weights; a larger one counts the partitions first.
const maxWeightedSample = 1 << 16

// partitionCounts counts the elements of every partition in one job.
func (r *RDD) partitionCounts() []float64 {
	n := r.GetNumPartitions()
	counts := make([]float64, n)
	r.sc.runJob(r, "TakeSample", allPartitions(n), func(t *task, p int) {
		c := 0
		r.iterate(t, p, func(any) bool { c++; return true })
		counts[p] = float64(c)
	})
	return counts
}

// sampleExact draws global positions uniformly and fetches them. Without
// replacement and num at least the count, it is every element, as in
// Spark; with replacement the draws are counted per position as they are
// made, so nothing of num's size is allocated before the result grows.
func (r *RDD) sampleExact(withReplacement bool, num int, counts []float64, rng *rand.Rand) []any {
	// starts[p] is the position of partition p's first element.
	starts := make([]int, len(counts)+1)
	for p, c := range counts {
		starts[p+1] = starts[p] + int(c)
	}
	total := starts[len(counts)]
	if total == 0 {
		return []any{}
	}
	// wanted[p][i] is how many times element i of partition p is drawn.
	wanted := map[int]map[int]int{}
	draw := func(pos int) {
		p := sort.SearchInts(starts, pos+1) - 1
		if wanted[p] == nil {
			wanted[p] = map[int]int{}
		}
		wanted[p][pos-starts[p]]++
	}
	switch {
	case withReplacement:
		r.checkResultCount("TakeSample", num)
		for range num {
			draw(rng.IntN(total))
		}
	case num >= total:
		for pos := range total {
			draw(pos)
		}
	default: // Floyd's algorithm: num distinct positions
		chosen := make(map[int]bool, num)
		for j := total - num; j < total; j++ {
			x := rng.IntN(j + 1)
			if chosen[x] {
				x = j
			}
			chosen[x] = true
			draw(x)
		}
	}
	var parts []int
	for p := range counts {
		if wanted[p] != nil {
			parts = append(parts, p)
		}
	}
	results := make([][]any, len(counts))
	guard := r.sc.newResultGuard("TakeSample")
	r.sc.runJob(r, "TakeSample", parts, func(t *task, p int) {
		i := 0
		var got []any
		tally := guard.tally()
		r.iterate(t, p, func(x any) bool {
			for range wanted[p][i] {
				tally.add(x)
				got = append(got, x)
			}
			i++
			return true
		})
		tally.flush()
		results[p] = got
	})
	return concat(results)
}

// sampleWeighted draws partitions by estimated size, then elements within
// them by reservoir sampling, until it has num elements or has read every
// partition.
func (r *RDD) sampleWeighted(withReplacement bool, num int, weights []float64, rng *rand.Rand) []any {
	visited := make([]bool, len(weights))
	var out []any
	for len(out) < num {
		var open []int
		totalW := 0.0
		for p, w := range weights {
			if !visited[p] {
				open = append(open, p)
				totalW += w
			}
		}
		if len(open) == 0 {
			break
		}
		need := num - len(out)
		// k[p] draws go to partition p, chosen in proportion to weight.
		k := map[int]int{}
		for range need {
			u := rng.Float64() * totalW
			pick := open[len(open)-1]
			for _, p := range open {
				if u < weights[p] {
					pick = p
					break
				}
				u -= weights[p]
			}
			k[pick]++
		}
		var parts []int
		for _, p := range open {
			if k[p] > 0 {
				parts = append(parts, p)
				visited[p] = true
			}
		}
		seeds := make(map[int]uint64, len(parts))
		for _, p := range parts {
			seeds[p] = rng.Uint64()
		}
		results := make([][]any, len(weights))
		r.sc.runJob(r, "TakeSample", parts, func(t *task, p int) {
			prng := rand.New(rand.NewPCG(seeds[p], uint64(p)))
			results[p] = reservoir(t, r, p, k[p], withReplacement, prng)
		})
		for _, p := range parts {
			out = append(out, results[p]...)
		}
	}
	if len(out) > num {
		out = out[:num]
	}
	return out
}

// reservoir samples k elements of partition p of r uniformly (Algorithm R);
// with replacement it then draws k of those with replacement.
func reservoir(t *task, r *RDD, p, k int, withReplacement bool, rng *rand.Rand) []any {
	res := make([]any, 0, k)
	seen := 0
	r.iterate(t, p, func(x any) bool {
		if len(res) < k {
			res = append(res, x)
		} else if i := rng.IntN(seen + 1); i < k {
			res[i] = x
		}
		seen++
		return true
	})
	if !withReplacement || len(res) == 0 {
		return res
	}
	out := make([]any, k)
	for i := range out {
		out[i] = res[rng.IntN(len(res))]
	}
	return out
}
