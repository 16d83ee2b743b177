package rdd_test

import (
	"fmt"
	"math"
	"reflect"
	"sort"
	"strconv"
	"strings"
	"testing"

	"github.com/gosparkling/gosparkling/rdd"
)

// doctest is one example of PySpark's rdd.py (or context.py) docstrings,
// translated: the PySpark lines, the Go that does the same, and what both
// give. A note says why the Go result differs, when it is meant to.
type doctest struct {
	method  string // the PySpark method whose docstring holds the example
	pyspark string
	got     func(sc *rdd.Context) any
	want    any
	note    string
}

// panicText runs f and returns what it panicked with, "" when it did not.
func panicText(f func()) (msg string) {
	defer func() {
		if r := recover(); r != nil {
			msg = fmt.Sprint(r)
		}
	}()
	f()
	return ""
}

func sortedInts(xs []any) []any {
	out := append([]any{}, xs...)
	sort.Slice(out, func(i, j int) bool { return rdd.Compare(out[i], out[j]) < 0 })
	return out
}

func add(a, b int) int { return a + b }

// pyStr is Python's str of a number, as key=str sees it.
func pyStr(x float64) string { return strconv.FormatFloat(x, 'f', 1, 64) }

func TestPySparkDoctests(t *testing.T) {
	tests := []doctest{
		{"SparkContext.parallelize", "sc.parallelize([0, 2, 3, 4, 6], 5).glom().collect()",
			func(sc *rdd.Context) any { return sc.Parallelize([]int{0, 2, 3, 4, 6}, 5).Glom().Collect() },
			[]any{[]any{0}, []any{2}, []any{3}, []any{4}, []any{6}}, ""},
		{"SparkContext.parallelize", "sc.parallelize(range(0, 6, 2), 5).glom().collect()",
			func(sc *rdd.Context) any { return sc.Parallelize([]int{0, 2, 4}, 5).Glom().Collect() },
			[]any{[]any{}, []any{0}, []any{}, []any{2}, []any{4}}, ""},
		{"SparkContext.range", "sc.range(1, 7, 2).collect()",
			func(sc *rdd.Context) any { return sc.Range(1, 7, 2).Collect() }, []any{int64(1), int64(3), int64(5)}, ""},
		{"SparkContext.union", "rdd = sc.parallelize([1, 1, 2, 3]); rdd.union(rdd).collect()",
			func(sc *rdd.Context) any { r := sc.Parallelize([]int{1, 1, 2, 3}); return r.Union(r).Collect() },
			[]any{1, 1, 2, 3, 1, 1, 2, 3}, ""},
		{"SparkContext.broadcast", "b = sc.broadcast([1, 2, 3, 4, 5]); sc.parallelize([0, 0]).flatMap(lambda x: b.value).collect()",
			func(sc *rdd.Context) any {
				b := sc.Broadcast([]int{1, 2, 3, 4, 5})
				return sc.Parallelize([]int{0, 0}).FlatMap(func(int) []int { return b.Value().([]int) }).Collect()
			}, []any{1, 2, 3, 4, 5, 1, 2, 3, 4, 5}, ""},
		{"SparkContext.accumulator", "a = sc.accumulator(1); sc.parallelize([1, 2, 3]).foreach(lambda x: a.add(x)); a.value",
			func(sc *rdd.Context) any {
				a := sc.Accumulator(1)
				sc.Parallelize([]int{1, 2, 3}).Foreach(func(x int) { a.Add(x) })
				return a.Value()
			}, 7, ""},
		{"SparkContext.accumulator", "a = sc.accumulator(complex(0, 1)); a.add(2); a.add(complex(1, 1)); a.value",
			func(sc *rdd.Context) any {
				a := sc.Accumulator(complex(0, 1))
				a.Add(2)
				a.Add(complex(1, 1))
				return a.Value()
			},
			complex(3, 2), "Python's accumulators add any numbers, complex ones too"},
		{"RDD.cache", "rdd = sc.range(5); rdd2 = rdd.cache(); rdd2.is_cached",
			func(sc *rdd.Context) any { return sc.Range(0, 5).Cache().IsCached() }, true, ""},
		{"RDD.cache", "str(rdd.cache().getStorageLevel())",
			func(sc *rdd.Context) any { return sc.Range(0, 5).Cache().StorageLevel().String() },
			"Memory Deserialized 1x Replicated", "PySpark prints 'Memory Serialized 1x Replicated': Python pickles what it caches; Go keeps values, as Scala's MEMORY_ONLY"},
		{"RDD.persist", "rdd2 = sc.range(5).persist(StorageLevel.DISK_ONLY); str(rdd2.getStorageLevel())",
			func(sc *rdd.Context) any { return sc.Range(0, 5).Persist(rdd.DiskOnly).StorageLevel().String() },
			"Disk Serialized 1x Replicated", ""},
		{"RDD.persist", "rdd.persist(DISK_ONLY); rdd.persist(MEMORY_ONLY)  # Cannot change storage level",
			func(sc *rdd.Context) any {
				r := sc.Range(0, 5).Persist(rdd.DiskOnly)
				return strings.Contains(panicText(func() { r.Persist(rdd.MemoryOnly) }), "Cannot change storage level of an RDD after it was already assigned a level")
			}, true, ""},
		{"RDD.persist", "rdd.cache(); rdd.persist()  # the same level again is fine",
			func(sc *rdd.Context) any { return sc.Range(0, 5).Cache().Persist().StorageLevel() }, rdd.MemoryOnly, ""},
		{"RDD.persist", "rdd.persist(DISK_ONLY); rdd.unpersist(); rdd.persist(MEMORY_AND_DISK)",
			func(sc *rdd.Context) any {
				return sc.Range(0, 5).Persist(rdd.DiskOnly).Unpersist().Persist(rdd.MemoryAndDisk).StorageLevel()
			}, rdd.MemoryAndDisk, ""},
		{"RDD.unpersist", "rdd = sc.range(5); _ = rdd.cache(); _ = rdd.unpersist(); rdd.is_cached",
			func(sc *rdd.Context) any { return sc.Range(0, 5).Cache().Unpersist().IsCached() }, false, ""},
		{"RDD.getStorageLevel", "print(sc.parallelize([1, 2]).getStorageLevel())",
			func(sc *rdd.Context) any { return sc.Parallelize([]int{1, 2}).StorageLevel().String() }, "Serialized 1x Replicated", ""},
		{"RDD.getNumPartitions", "sc.parallelize([1, 2, 3, 4], 2).getNumPartitions()",
			func(sc *rdd.Context) any { return sc.Parallelize([]int{1, 2, 3, 4}, 2).GetNumPartitions() }, 2, ""},
		{"RDD.map", `sorted(sc.parallelize(["b", "a", "c"]).map(lambda x: (x, 1)).collect())`,
			func(sc *rdd.Context) any {
				return sorted(sc.Parallelize([]string{"b", "a", "c"}).Map(func(x string) rdd.Pair { return rdd.KV(x, 1) }).Collect())
			}, []any{rdd.KV("a", 1), rdd.KV("b", 1), rdd.KV("c", 1)}, ""},
		{"RDD.flatMap", "sorted(sc.parallelize([2, 3, 4]).flatMap(lambda x: range(1, x)).collect())",
			func(sc *rdd.Context) any {
				return sortedInts(sc.Parallelize([]int{2, 3, 4}).FlatMap(func(x int) []int {
					var out []int
					for i := 1; i < x; i++ {
						out = append(out, i)
					}
					return out
				}).Collect())
			}, []any{1, 1, 1, 2, 2, 3}, ""},
		{"RDD.mapPartitions", "sc.parallelize([1, 2, 3, 4], 2).mapPartitions(lambda it: [sum(it)]).collect()",
			func(sc *rdd.Context) any {
				return sc.Parallelize([]int{1, 2, 3, 4}, 2).MapPartitions(func(it []int) []int { return []int{it[0] + it[1]} }).Collect()
			}, []any{3, 7}, ""},
		{"RDD.mapPartitionsWithIndex", "sc.parallelize([1, 2, 3, 4], 4).mapPartitionsWithIndex(lambda i, it: [i]).sum()",
			func(sc *rdd.Context) any {
				return sc.Parallelize([]int{1, 2, 3, 4}, 4).MapPartitionsWithIndex(func(i int, _ []any) []int { return []int{i} }).Sum()
			}, int64(6), ""},
		{"RDD.filter", "sc.parallelize([1, 2, 3, 4, 5]).filter(lambda x: x % 2 == 0).collect()",
			func(sc *rdd.Context) any {
				return sc.Parallelize([]int{1, 2, 3, 4, 5}).Filter(func(x int) bool { return x%2 == 0 }).Collect()
			}, []any{2, 4}, ""},
		{"RDD.distinct", "sorted(sc.parallelize([1, 1, 2, 3]).distinct().collect())",
			func(sc *rdd.Context) any { return sortedInts(sc.Parallelize([]int{1, 1, 2, 3}).Distinct().Collect()) }, []any{1, 2, 3}, ""},
		{"RDD.sample", "6 <= sc.parallelize(range(100), 4).sample(False, 0.1, 81).count() <= 14",
			func(sc *rdd.Context) any {
				n := sc.Range(0, 100, 1, 4).Sample(false, 0.1, 81).Count()
				return 6 <= n && n <= 14
			}, true, ""},
		{"RDD.randomSplit", "rdd1, rdd2 = sc.parallelize(range(500), 1).randomSplit([2, 3], 17); (len(rdd1.collect() + rdd2.collect()), 150 < rdd1.count() < 250)",
			func(sc *rdd.Context) any {
				s := sc.Range(0, 500, 1, 1).RandomSplit([]int{2, 3}, 17)
				n := s[0].Count()
				return []any{len(s[0].Collect()) + len(s[1].Collect()), 150 < n && n < 250}
			}, []any{500, true}, ""},
		{"RDD.takeSample", "len(sc.parallelize(range(0, 10)).takeSample(True, 20, 1))",
			func(sc *rdd.Context) any { return len(sc.Range(0, 10).TakeSample(true, 20, 1)) }, 20, ""},
		{"RDD.takeSample", "len(sc.parallelize(range(0, 10)).takeSample(False, 5, 2))",
			func(sc *rdd.Context) any { return len(sc.Range(0, 10).TakeSample(false, 5, 2)) }, 5, ""},
		{"RDD.takeSample", "sorted(sc.parallelize(range(0, 10)).takeSample(False, 15, 3))  # the whole RDD, shuffled",
			func(sc *rdd.Context) any {
				return sortedInts(sc.Parallelize([]int{0, 1, 2, 3, 4, 5, 6, 7, 8, 9}).TakeSample(false, 15, 3))
			},
			[]any{0, 1, 2, 3, 4, 5, 6, 7, 8, 9}, ""},
		{"RDD.takeSample", "sc.range(0, 10).takeSample(False, -1)  # ValueError",
			func(sc *rdd.Context) any { return panicText(func() { sc.Range(0, 10).TakeSample(false, -1) }) != "" }, true, ""},
		{"RDD.takeSample", "sc.range(0, 10).takeSample(True, sys.maxsize)  # ValueError: Sample size cannot be greater than ...",
			func(sc *rdd.Context) any {
				return strings.Contains(panicText(func() { sc.Range(0, 10).TakeSample(true, math.MaxInt) }), "Cannot support a sample size > math.MaxInt - 10.0 * math.Sqrt(math.MaxInt)")
			}, true, "Spark's own wording (RDD.scala), with Go's int in place of Int.MaxValue"},
		{"RDD.union", "rdd = sc.parallelize([1, 1, 2, 3]); rdd.union(rdd).collect()",
			func(sc *rdd.Context) any { r := sc.Parallelize([]int{1, 1, 2, 3}); return r.Union(r).Collect() }, []any{1, 1, 2, 3, 1, 1, 2, 3}, ""},
		{"RDD.intersection", "sorted(sc.parallelize([1, 10, 2, 3, 4, 5]).intersection(sc.parallelize([1, 6, 2, 3, 7, 8])).collect())",
			func(sc *rdd.Context) any {
				return sortedInts(sc.Parallelize([]int{1, 10, 2, 3, 4, 5}).Intersection(sc.Parallelize([]int{1, 6, 2, 3, 7, 8})).Collect())
			}, []any{1, 2, 3}, ""},
		{"RDD.sortByKey", "sc.parallelize(tmp).sortByKey(True, 2).collect()",
			func(sc *rdd.Context) any {
				return sc.Parallelize(pairs("a", 1, "b", 2, "1", 3, "d", 4, "2", 5)).SortByKey(true, 2).Collect()
			}, []any{rdd.KV("1", 3), rdd.KV("2", 5), rdd.KV("a", 1), rdd.KV("b", 2), rdd.KV("d", 4)}, ""},
		{"RDD.sortBy", "sc.parallelize(tmp).sortBy(lambda x: x[1]).collect()",
			func(sc *rdd.Context) any {
				return sc.Parallelize(pairs("a", 1, "b", 2, "1", 3, "d", 4, "2", 5)).SortBy(func(p rdd.Pair) any { return p.Value }, true).Collect()
			}, []any{rdd.KV("a", 1), rdd.KV("b", 2), rdd.KV("1", 3), rdd.KV("d", 4), rdd.KV("2", 5)}, ""},
		{"RDD.glom", "sorted(sc.parallelize([1, 2, 3, 4], 2).glom().collect())",
			func(sc *rdd.Context) any { return sc.Parallelize([]int{1, 2, 3, 4}, 2).Glom().Collect() }, []any{[]any{1, 2}, []any{3, 4}}, ""},
		{"RDD.cartesian", "sorted(rdd.cartesian(rdd).collect())",
			func(sc *rdd.Context) any { r := sc.Parallelize([]int{1, 2}); return sorted(r.Cartesian(r).Collect()) },
			[]any{rdd.KV(1, 1), rdd.KV(1, 2), rdd.KV(2, 1), rdd.KV(2, 2)}, ""},
		{"RDD.groupBy", "sorted([(x, sorted(y)) for (x, y) in sc.parallelize([1, 1, 2, 3, 5, 8]).groupBy(lambda x: x % 2).collect()])",
			func(sc *rdd.Context) any {
				return sorted(sc.Parallelize([]int{1, 1, 2, 3, 5, 8}).GroupBy(func(x int) int { return x % 2 }).MapValues(func(vs []int) []int { sort.Ints(vs); return vs }).Collect())
			}, []any{rdd.KV(0, []int{2, 8}), rdd.KV(1, []int{1, 1, 3, 5})}, ""},
		{"RDD.pipe", "sc.parallelize(['1', '2', '', '3']).pipe('cat').collect()",
			func(sc *rdd.Context) any { return sc.Parallelize([]string{"1", "2", "", "3"}).Pipe("cat").Collect() }, []any{"1", "2", "", "3"}, ""},
		{"RDD.reduce", "sc.parallelize([1, 2, 3, 4, 5]).reduce(add)",
			func(sc *rdd.Context) any { return sc.Parallelize([]int{1, 2, 3, 4, 5}).Reduce(add) }, 15, ""},
		{"RDD.reduce", "sc.parallelize([]).reduce(add)  # ValueError: Can not reduce() empty RDD",
			func(sc *rdd.Context) any {
				return strings.Contains(panicText(func() { sc.Parallelize([]int{}).Reduce(add) }), "empty")
			}, true, ""},
		{"RDD.treeReduce", "sc.parallelize([-5, -4, -3, -2, -1, 1, 2, 3, 4], 10).treeReduce(add, 5)",
			func(sc *rdd.Context) any {
				return sc.Parallelize([]int{-5, -4, -3, -2, -1, 1, 2, 3, 4}, 10).TreeReduce(add, 5)
			}, -5, ""},
		{"RDD.fold", "sc.parallelize([1, 2, 3, 4, 5]).fold(0, add)",
			func(sc *rdd.Context) any { return sc.Parallelize([]int{1, 2, 3, 4, 5}).Fold(0, add) }, 15, ""},
		{"RDD.aggregate", "sc.parallelize([1, 2, 3, 4]).aggregate((0, 0), seqOp, combOp)",
			func(sc *rdd.Context) any {
				seq := func(acc rdd.Pair, y int) rdd.Pair { return rdd.KV(acc.Key.(int)+y, acc.Value.(int)+1) }
				comb := func(a, b rdd.Pair) rdd.Pair { return rdd.KV(a.Key.(int)+b.Key.(int), a.Value.(int)+b.Value.(int)) }
				return []any{sc.Parallelize([]int{1, 2, 3, 4}).Aggregate(rdd.KV(0, 0), seq, comb), sc.Parallelize([]int{}).Aggregate(rdd.KV(0, 0), seq, comb)}
			}, []any{rdd.KV(10, 4), rdd.KV(0, 0)}, "a Pair stands for the tuple"},
		{"RDD.treeAggregate", "sc.parallelize([-5, -4, -3, -2, -1, 1, 2, 3, 4], 10).treeAggregate(0, add, add, 2)",
			func(sc *rdd.Context) any {
				return sc.Parallelize([]int{-5, -4, -3, -2, -1, 1, 2, 3, 4}, 10).TreeAggregate(0, add, add, 2)
			}, -5, ""},
		{"RDD.max", "rdd = sc.parallelize([1.0, 5.0, 43.0, 10.0]); (rdd.max(), rdd.max(key=str))",
			func(sc *rdd.Context) any {
				r := sc.Parallelize([]float64{1, 5, 43, 10})
				return []any{r.Max(), r.Max(pyStr)}
			}, []any{43.0, 5.0}, ""},
		{"RDD.min", "rdd = sc.parallelize([2.0, 5.0, 43.0, 10.0]); (rdd.min(), rdd.min(key=str))",
			func(sc *rdd.Context) any {
				r := sc.Parallelize([]float64{2, 5, 43, 10})
				return []any{r.Min(), r.Min(pyStr)}
			}, []any{2.0, 10.0}, ""},
		{"RDD.sum", "sc.parallelize([1.0, 2.0, 3.0]).sum()",
			func(sc *rdd.Context) any { return sc.Parallelize([]float64{1, 2, 3}).Sum() }, 6.0, ""},
		{"RDD.count", "sc.parallelize([2, 3, 4]).count()", func(sc *rdd.Context) any { return sc.Parallelize([]int{2, 3, 4}).Count() }, int64(3), ""},
		{"RDD.stats", "sc.parallelize([]).stats()  # StatCounter: mean 0.0, stdev nan, max -inf, min inf",
			func(sc *rdd.Context) any { return sc.Parallelize([]int{}, 2).Stats().String() }, "(count: 0, mean: 0.0, stdev: nan, max: -inf, min: inf)", ""},
		{"RDD.mean", "sc.parallelize([1, 2, 3]).mean()", func(sc *rdd.Context) any { return sc.Parallelize([]int{1, 2, 3}).Mean() }, 2.0, ""},
		{"RDD.mean", "sc.parallelize([], 2).mean()  # StatCounter().mean",
			func(sc *rdd.Context) any { return sc.Parallelize([]int{}, 2).Mean() }, 0.0, ""},
		{"RDD.variance", "round(sc.parallelize([1, 2, 3]).variance(), 6)",
			func(sc *rdd.Context) any { return math.Round(sc.Parallelize([]int{1, 2, 3}).Variance()*1e6) / 1e6 }, 0.666667, ""},
		{"RDD.stdev", "round(sc.parallelize([1, 2, 3]).stdev(), 6)",
			func(sc *rdd.Context) any { return math.Round(sc.Parallelize([]int{1, 2, 3}).Stdev()*1e6) / 1e6 }, 0.816497, ""},
		{"RDD.sampleStdev", "sc.parallelize([1, 2, 3]).sampleStdev()",
			func(sc *rdd.Context) any { return sc.Parallelize([]int{1, 2, 3}).SampleStdev() }, 1.0, ""},
		{"RDD.sampleVariance", "sc.parallelize([1, 2, 3]).sampleVariance()",
			func(sc *rdd.Context) any { return sc.Parallelize([]int{1, 2, 3}).SampleVariance() }, 1.0, ""},
		{"RDD.histogram", "sc.parallelize(range(51)).histogram(2)",
			func(sc *rdd.Context) any { e, c := sc.Range(0, 51).Histogram(2); return []any{e, c} },
			[]any{[]float64{0, 25, 50}, []int64{25, 26}}, "edges are float64 in Go"},
		{"RDD.histogram", "sc.parallelize(range(51)).histogram([0, 15, 30, 45, 60])",
			func(sc *rdd.Context) any {
				e, c := sc.Range(0, 51).Histogram([]int{0, 15, 30, 45, 60})
				return []any{e, c}
			},
			[]any{[]float64{0, 15, 30, 45, 60}, []int64{15, 15, 15, 6}}, ""},
		{"RDD.histogram", `sc.parallelize(["ab", "ac", "b", "bd", "ef"]).histogram(("a", "b", "c"))`,
			func(sc *rdd.Context) any {
				return panicText(func() { sc.Parallelize([]string{"ab"}).Histogram([]string{"a", "b", "c"}) }) != ""
			}, true, "intended: the contract's Histogram counts numbers only; string buckets are refused"},
		{"RDD.countByValue", "sorted(sc.parallelize([1, 2, 1, 2, 2], 2).countByValue().items())",
			func(sc *rdd.Context) any { return sc.Parallelize([]int{1, 2, 1, 2, 2}, 2).CountByValue() }, map[any]int64{1: 2, 2: 3}, ""},
		{"RDD.top", "sc.parallelize([10, 4, 2, 12, 3]).top(3, key=str)",
			func(sc *rdd.Context) any { return sc.Parallelize([]int{10, 4, 2, 12, 3}).Top(3, strconv.Itoa) }, []any{4, 3, 2}, ""},
		{"RDD.top", "sc.parallelize([2, 3, 4, 5, 6], 2).top(2)",
			func(sc *rdd.Context) any { return sc.Parallelize([]int{2, 3, 4, 5, 6}, 2).Top(2) }, []any{6, 5}, ""},
		{"RDD.takeOrdered", "sc.parallelize([10, 1, 2, 9, 3, 4, 5, 6, 7], 2).takeOrdered(6, key=lambda x: -x)",
			func(sc *rdd.Context) any {
				return sc.Parallelize([]int{10, 1, 2, 9, 3, 4, 5, 6, 7}, 2).TakeOrdered(6, func(x int) int { return -x })
			}, []any{10, 9, 7, 6, 5, 4}, ""},
		{"RDD.take", "sc.parallelize(range(100), 100).filter(lambda x: x > 90).take(3)",
			func(sc *rdd.Context) any {
				return sc.Range(0, 100, 1, 100).Filter(func(x int64) bool { return x > 90 }).Take(3)
			}, []any{int64(91), int64(92), int64(93)}, ""},
		{"RDD.first", "sc.parallelize([]).first()  # ValueError: RDD is empty",
			func(sc *rdd.Context) any {
				return strings.Contains(panicText(func() { sc.Parallelize([]int{}).First() }), "RDD is empty")
			}, true, ""},
		{"RDD.isEmpty", "(sc.parallelize([]).isEmpty(), sc.parallelize([1]).isEmpty())",
			func(sc *rdd.Context) any {
				return []any{sc.Parallelize([]int{}).IsEmpty(), sc.Parallelize([]int{1}).IsEmpty()}
			}, []any{true, false}, ""},
		{"RDD.collectAsMap", "sc.parallelize([(1, 2), (3, 4)]).collectAsMap()",
			func(sc *rdd.Context) any { return sc.Parallelize(pairs(1, 2, 3, 4)).CollectAsMap() }, map[any]any{1: 2, 3: 4}, ""},
		{"RDD.keys", "sc.parallelize([(1, 2), (3, 4)]).keys().collect()",
			func(sc *rdd.Context) any { return sc.Parallelize(pairs(1, 2, 3, 4)).Keys().Collect() }, []any{1, 3}, ""},
		{"RDD.values", "sc.parallelize([(1, 2), (3, 4)]).values().collect()",
			func(sc *rdd.Context) any { return sc.Parallelize(pairs(1, 2, 3, 4)).Values().Collect() }, []any{2, 4}, ""},
		{"RDD.reduceByKey", `sorted(sc.parallelize([("a", 1), ("b", 1), ("a", 1)]).reduceByKey(add).collect())`,
			func(sc *rdd.Context) any {
				return sorted(sc.Parallelize(pairs("a", 1, "b", 1, "a", 1)).ReduceByKey(add).Collect())
			},
			[]any{rdd.KV("a", 2), rdd.KV("b", 1)}, ""},
		{"RDD.reduceByKeyLocally", `sorted(rdd.reduceByKeyLocally(add).items())`,
			func(sc *rdd.Context) any {
				return sc.Parallelize(pairs("a", 1, "b", 1, "a", 1)).ReduceByKeyLocally(add)
			},
			map[any]any{"a": 2, "b": 1}, ""},
		{"RDD.countByKey", `sorted(rdd.countByKey().items())`,
			func(sc *rdd.Context) any { return sc.Parallelize(pairs("a", 1, "b", 1, "a", 1)).CountByKey() }, map[any]int64{"a": 2, "b": 1}, ""},
		{"RDD.join", `sorted(x.join(y).collect())`,
			func(sc *rdd.Context) any {
				return sorted(sc.Parallelize(pairs("a", 1, "b", 4)).Join(sc.Parallelize(pairs("a", 2, "a", 3))).Collect())
			}, []any{rdd.KV("a", rdd.KV(1, 2)), rdd.KV("a", rdd.KV(1, 3))}, ""},
		{"RDD.leftOuterJoin", `sorted(x.leftOuterJoin(y).collect())`,
			func(sc *rdd.Context) any {
				return sorted(sc.Parallelize(pairs("a", 1, "b", 4)).LeftOuterJoin(sc.Parallelize(pairs("a", 2))).Collect())
			}, []any{rdd.KV("a", rdd.KV(1, 2)), rdd.KV("b", rdd.KV(4, nil))}, ""},
		{"RDD.rightOuterJoin", `sorted(y.rightOuterJoin(x).collect())`,
			func(sc *rdd.Context) any {
				return sorted(sc.Parallelize(pairs("a", 2)).RightOuterJoin(sc.Parallelize(pairs("a", 1, "b", 4))).Collect())
			}, []any{rdd.KV("a", rdd.KV(2, 1)), rdd.KV("b", rdd.KV(nil, 4))}, ""},
		{"RDD.fullOuterJoin", `sorted(x.fullOuterJoin(y).collect())`,
			func(sc *rdd.Context) any {
				return sorted(sc.Parallelize(pairs("a", 1, "b", 4)).FullOuterJoin(sc.Parallelize(pairs("a", 2, "c", 8))).Collect())
			}, []any{rdd.KV("a", rdd.KV(1, 2)), rdd.KV("b", rdd.KV(4, nil)), rdd.KV("c", rdd.KV(nil, 8))}, ""},
		{"RDD.partitionBy", "sets = pairs.partitionBy(2).glom().collect(); len(set(sets[0]).intersection(set(sets[1])))",
			func(sc *rdd.Context) any {
				g := sc.Parallelize([]int{1, 2, 3, 4, 2, 4, 1}).Map(func(x int) rdd.Pair { return rdd.KV(x, x) }).PartitionBy(2).Glom().Collect()
				common := 0
				for _, a := range g[0].([]any) {
					for _, b := range g[1].([]any) {
						if a == b {
							common++
						}
					}
				}
				return common
			}, 0, ""},
		{"RDD.combineByKey", "sorted(x.combineByKey(to_list, append, extend).collect())",
			func(sc *rdd.Context) any {
				return sorted(sc.Parallelize(pairs("a", 1, "b", 1, "a", 2)).CombineByKey(
					func(v int) []int { return []int{v} },
					func(a []int, v int) []int { return append(a, v) },
					func(a, b []int) []int { return append(a, b...) }).Collect())
			}, []any{rdd.KV("a", []int{1, 2}), rdd.KV("b", []int{1})}, ""},
		{"RDD.foldByKey", `sorted(rdd.foldByKey(0, add).collect())`,
			func(sc *rdd.Context) any {
				return sorted(sc.Parallelize(pairs("a", 1, "b", 1, "a", 1)).FoldByKey(0, add).Collect())
			},
			[]any{rdd.KV("a", 2), rdd.KV("b", 1)}, ""},
		{"RDD.groupByKey", `sorted(rdd.groupByKey().mapValues(len).collect())`,
			func(sc *rdd.Context) any {
				return sorted(sc.Parallelize(pairs("a", 1, "b", 1, "a", 1)).GroupByKey().MapValues(func(vs []int) int { return len(vs) }).Collect())
			}, []any{rdd.KV("a", 2), rdd.KV("b", 1)}, ""},
		{"RDD.flatMapValues", `x.flatMapValues(lambda x: x).collect()`,
			func(sc *rdd.Context) any {
				return sc.Parallelize(pairs("a", []string{"x", "y", "z"}, "b", []string{"p", "r"})).FlatMapValues(func(v []string) []string { return v }).Collect()
			}, []any{rdd.KV("a", "x"), rdd.KV("a", "y"), rdd.KV("a", "z"), rdd.KV("b", "p"), rdd.KV("b", "r")}, ""},
		{"RDD.mapValues", `x.mapValues(len).collect()`,
			func(sc *rdd.Context) any {
				return sc.Parallelize(pairs("a", []string{"apple", "banana", "lemon"}, "b", []string{"grapes"})).MapValues(func(v []string) int { return len(v) }).Collect()
			}, []any{rdd.KV("a", 3), rdd.KV("b", 1)}, ""},
		{"RDD.groupWith", "sorted(w.groupWith(x, y, z).collect())",
			func(sc *rdd.Context) any {
				w, x := sc.Parallelize(pairs("a", 5, "b", 6)), sc.Parallelize(pairs("a", 1, "b", 4))
				y, z := sc.Parallelize(pairs("a", 2)), sc.Parallelize(pairs("b", 42))
				return sorted(w.GroupWith(x, y, z).Collect())
			}, []any{rdd.KV("a", [][]any{{5}, {1}, {2}, {}}), rdd.KV("b", [][]any{{6}, {4}, {}, {42}})}, ""},
		{"RDD.cogroup", "sorted(x.cogroup(y).collect())",
			func(sc *rdd.Context) any {
				return sorted(sc.Parallelize(pairs("a", 1, "b", 4)).Cogroup(sc.Parallelize(pairs("a", 2))).Collect())
			}, []any{rdd.KV("a", [][]any{{1}, {2}}), rdd.KV("b", [][]any{{4}, {}})}, ""},
		{"RDD.sampleByKey", `sample = dict(rdd.sampleByKey(False, {"a": 0.2, "b": 0.1}, 2).groupByKey().collect()); 100 < len(sample["a"]) < 300 and 50 < len(sample["b"]) < 150`,
			func(sc *rdd.Context) any {
				r := sc.Parallelize([]string{"a", "b"}).Cartesian(sc.Range(0, 1000))
				m := r.SampleByKey(false, map[string]float64{"a": 0.2, "b": 0.1}, 2).GroupByKey().CollectAsMap()
				a, b := len(m["a"].([]any)), len(m["b"].([]any))
				return 100 < a && a < 300 && 50 < b && b < 150
			}, true, ""},
		{"RDD.subtractByKey", "sorted(x.subtractByKey(y).collect())",
			func(sc *rdd.Context) any {
				return sorted(sc.Parallelize(pairs("a", 1, "b", 4, "b", 5, "a", 2)).SubtractByKey(sc.Parallelize(pairs("a", 3, "c", nil))).Collect())
			}, []any{rdd.KV("b", 4), rdd.KV("b", 5)}, ""},
		{"RDD.subtract", "sorted(x.subtract(y).collect())",
			func(sc *rdd.Context) any {
				return sorted(sc.Parallelize(pairs("a", 1, "b", 4, "b", 5, "a", 3)).Subtract(sc.Parallelize(pairs("a", 3, "c", nil))).Collect())
			}, []any{rdd.KV("a", 1), rdd.KV("b", 4), rdd.KV("b", 5)}, ""},
		{"RDD.keyBy", "sorted(sc.parallelize(range(0, 3)).keyBy(lambda x: x*x).cogroup(y).collect())",
			func(sc *rdd.Context) any {
				x := sc.Parallelize([]int{0, 1, 2}).KeyBy(func(x int) int { return x * x })
				return sorted(x.Cogroup(sc.Parallelize(pairs(0, 0, 1, 1, 2, 2, 3, 3, 4, 4))).Collect())
			}, []any{rdd.KV(0, [][]any{{0}, {0}}), rdd.KV(1, [][]any{{1}, {1}}), rdd.KV(2, [][]any{{}, {2}}),
				rdd.KV(3, [][]any{{}, {3}}), rdd.KV(4, [][]any{{2}, {4}})}, ""},
		{"RDD.repartition", "rdd = sc.parallelize([1, 2, 3, 4, 5, 6, 7], 4); (rdd.glom().collect(), len(rdd.repartition(10).glom().collect()))",
			func(sc *rdd.Context) any {
				r := sc.Parallelize([]int{1, 2, 3, 4, 5, 6, 7}, 4)
				return []any{r.Glom().Collect(), len(r.Repartition(10).Glom().Collect())}
			}, []any{[]any{[]any{1}, []any{2, 3}, []any{4, 5}, []any{6, 7}}, 10}, ""},
		{"RDD.coalesce", "sc.parallelize([1, 2, 3, 4, 5], 3).coalesce(1).glom().collect()",
			func(sc *rdd.Context) any { return sc.Parallelize([]int{1, 2, 3, 4, 5}, 3).Coalesce(1).Glom().Collect() },
			[]any{[]any{1, 2, 3, 4, 5}}, ""},
		{"RDD.zip", "sc.parallelize(range(0, 5)).zip(sc.parallelize(range(1000, 1005))).collect()",
			func(sc *rdd.Context) any { return sc.Range(0, 3).Zip(sc.Range(1000, 1003)).Collect() },
			[]any{rdd.KV(int64(0), int64(1000)), rdd.KV(int64(1), int64(1001)), rdd.KV(int64(2), int64(1002))}, ""},
		{"RDD.zipWithIndex", `sc.parallelize(["a", "b", "c", "d"], 3).zipWithIndex().collect()`,
			func(sc *rdd.Context) any {
				return sc.Parallelize([]string{"a", "b", "c", "d"}, 3).ZipWithIndex().Collect()
			},
			[]any{rdd.KV("a", int64(0)), rdd.KV("b", int64(1)), rdd.KV("c", int64(2)), rdd.KV("d", int64(3))}, ""},
		{"RDD.zipWithUniqueId", `sc.parallelize(["a", "b", "c", "d", "e"], 3).zipWithUniqueId().collect()`,
			func(sc *rdd.Context) any {
				return sc.Parallelize([]string{"a", "b", "c", "d", "e"}, 3).ZipWithUniqueID().Collect()
			},
			[]any{rdd.KV("a", int64(0)), rdd.KV("b", int64(1)), rdd.KV("c", int64(4)), rdd.KV("d", int64(2)), rdd.KV("e", int64(5))}, ""},
		{"RDD.setName", "sc.parallelize([1, 2]).setName('RDD1').name()",
			func(sc *rdd.Context) any { return sc.Parallelize([]int{1, 2}).SetName("RDD1").Name() }, "RDD1", ""},
		{"RDD.lookup", "rdd = sc.parallelize(zip(l, l), 10); (rdd.lookup(42), rdd.sortByKey().lookup(1024))",
			func(sc *rdd.Context) any {
				var kv []rdd.Pair
				for i := range 1000 {
					kv = append(kv, rdd.KV(i, i))
				}
				r := sc.Parallelize(kv, 10)
				return []any{r.Lookup(42), r.SortByKey(true).Lookup(1024)}
			}, []any{[]any{42}, []any{}}, ""},
		{"RDD.lookup", "sc.parallelize([(('a', 'b'), 'c')]).groupByKey().lookup(('a', 'b'))",
			func(sc *rdd.Context) any {
				return sc.Parallelize([]rdd.Pair{rdd.KV([2]string{"a", "b"}, "c")}).GroupByKey().Lookup([2]string{"a", "b"})
			}, []any{[]any{"c"}}, "an array stands for the tuple key"},
		{"RDD.countApproxDistinct", "900 < sc.parallelize(range(1000)).map(str).countApproxDistinct() < 1100",
			func(sc *rdd.Context) any {
				n := sc.Range(0, 1000).Map(func(x int64) string { return strconv.FormatInt(x, 10) }).CountApproxDistinct()
				return 900 < n && n < 1100
			}, true, ""},
		{"RDD.toLocalIterator", "[x for x in sc.parallelize(range(10)).toLocalIterator()]",
			func(sc *rdd.Context) any {
				var out []any
				for it := sc.Range(0, 4, 1, 3).ToLocalIterator(); it.Next(); {
					out = append(out, it.Value())
				}
				return out
			}, []any{int64(0), int64(1), int64(2), int64(3)}, ""},
	}
	for _, tt := range tests {
		t.Run(tt.method+": "+tt.pyspark, func(t *testing.T) {
			sc := newContext(t)
			var got any
			if err := rdd.Try(func() { got = tt.got(sc) }); err != nil {
				t.Fatalf("failed: %v", err)
			}
			if !reflect.DeepEqual(got, tt.want) {
				t.Errorf("%s\n  gave %#v\n  want %#v", tt.pyspark, got, tt.want)
			}
		})
	}
}
