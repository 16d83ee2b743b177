// Package rdd is Spark's RDD programming model in Go: a Context makes
// RDDs from data, files and crawls; transformations describe new RDDs
// lazily; actions run a job over the partitions, on this process's
// goroutines or, through a Runner, on another engine.
//
//	sc := rdd.NewContext()
//	defer sc.Stop()
//	counts := sc.TextFile("corpus/*.txt.gz").
//		FlatMap(strings.Fields).
//		Map(func(w string) rdd.Pair { return rdd.KV(w, 1) }).
//		ReduceByKey(func(a, b int) int { return a + b })
//	top := counts.Top(10, func(p rdd.Pair) int { return p.Value.(int) })
//
// User functions are passed as any and checked against what the method
// needs when the RDD is made: Map takes a func(T) R, Filter a
// func(T) bool, ReduceByKey a func(V, V) V. Elements are any; pairs of
// pair RDDs are [Pair]. As in Spark, actions fail by panicking, with a
// *[JobError] that names the method, the partition and the element.
// Programs that prefer errors call actions through [Catch] (or [Try]):
// n, err := rdd.Catch(words.Count). [Context.WithJobContext] gives a view
// of the Context whose jobs stop with a context, such as a request's;
// [Context.SetJobContext] stops the jobs of the whole Context.
//
// # Where things are
//
// The API, by file:
//   - context.go, resultsize.go, memory.go: the Context and its options
//     (parallelism, file systems, cache and shuffle memory, result size).
//   - textfile.go, warcfile.go, warcrecords.go, parquet.go, extras.go:
//     sources (text, WARC, Common Crawl index rows, Parquet, Range,
//     Parallelize) and Broadcast, Accumulator and Pipe.
//   - transform.go, sample.go: narrow transformations (Map, Filter,
//     FlatMap, MapPartitions, Sample, Zip...).
//   - pairs.go, combine.go, sort.go: wide ones (ReduceByKey and the other
//     combiners, GroupByKey, joins and Cogroup, Distinct, SortBy).
//   - broadcastjoin.go: Hint and the broadcast joins it (or a side known
//     small, WithAutoBroadcastJoinThreshold) asks for.
//   - actions.go, reduce.go, ordered.go, stats.go, files.go: actions
//     (Collect, Count, Reduce, Top, Stats, SaveAsTextFile...).
//   - cache.go: Cache, Persist and the storage levels.
//   - errors.go: JobError, Try and the errors actions report.
//
// The engine, by file:
//   - rdd.go: the RDD, its lineage and ToDebugString.
//   - scheduler.go: jobs and tasks, run partition by partition.
//   - shuffle.go, combine.go, intset.go, group.go, spill.go, hash.go,
//     compare.go: shuffles, the tables they combine into (unboxed for
//     common key and value types; Distinct's sets of int64s and ints),
//     their spills to disk under the memory budget, key hashing and
//     element order.
//   - columnchunks.go, box.go: the columns a buffering shuffle builds a
//     chunk at a time; values boxed in blocks (a reduce task's groups)
//     and the string keys tables copy into blocks of their own.
//   - typed.go: unboxed strings, int64s and Pairs through fused stages
//     (and strings keyed by strings, from KeyBy to the buffering
//     shuffles).
//   - funcs.go, guard.go, tier.go: user functions (adapting their types,
//     guarding interpreted ones, swapping in compiled forms).
//   - runner.go, enginejobs.go: Runners (another engine, such as Beam)
//     and the Steps they read.
//   - engine.go: the engine plumbing, which is no part of the API: it
//     sets, at init, what the notebook's interpreter and the Beam runner
//     use (../internal/engine: the adapters of user functions, shipped and
//     compiled forms of functions, computing one partition on a worker).
//
// Adding a method: write it beside its kind (a narrow transformation in
// transform.go, a shuffle in pairs.go), record its Step as its neighbours
// do, and add it to the conformance tests; ../ARCHITECTURE.md has the
// rest of the walk.
package rdd
