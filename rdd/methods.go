package rdd

// StepKind classifies the methods of Context and RDD by what they do to a
// lineage: what an interpreter or a Runner must know of a method without
// spelling its name.
type StepKind uint8

// The kinds of methods.
const (
	KindUnknown     StepKind = iota // not a method of the package
	KindSource                      // makes an RDD from data or files (TextFile, Parallelize, Range...)
	KindNarrow                      // computes each partition from its parents' (Map, Filter, Union, Zip...)
	KindCombine                     // shuffles, combining the values of a key on both sides (ReduceByKey, Distinct...)
	KindGroup                       // shuffles, gathering the values of a key (GroupByKey, GroupBy)
	KindCogroup                     // shuffles several RDDs by key (Join, Cogroup, Subtract...)
	KindSort                        // shuffles into ordered ranges (SortBy, SortByKey...)
	KindRepartition                 // moves elements between partitions without a key order (Repartition, PartitionBy, Coalesce)
	KindAction                      // runs a job and returns a value (Count, Collect, Reduce...)
	KindSink                        // runs a job that writes output (SaveAsTextFile, SaveAsParquet)
	KindPersist                     // marks an RDD's partitions to be kept (Cache, Persist, Unpersist)
	KindInfo                        // tells of an RDD or a Context without running a job or making an RDD
	KindEngine                      // serves interpreters and Runners (RunPartition, SetFuncTier...)
)

var stepKindNames = [...]string{"unknown", "source", "narrow", "combine", "group", "cogroup", "sort",
	"repartition", "action", "sink", "persist", "info", "engine"}

// String names the kind: "narrow", "combine", ...
func (k StepKind) String() string {
	if int(k) < len(stepKindNames) {
		return stepKindNames[k]
	}
	return "unknown"
}

// Shuffles reports whether the kind moves elements between partitions by
// key or order (combine, group, cogroup, sort, repartition).
func (k StepKind) Shuffles() bool { return k >= KindCombine && k <= KindRepartition }

// MethodInfo is what the package says of one of its methods.
type MethodInfo struct {
	Kind StepKind
	// FuncArgs are the positions, among the method's arguments, of the
	// user functions it takes (a variadic parameter counts as one).
	FuncArgs []int
	// LocalFuncs says that those functions run where the action is
	// called, never on a Runner's engine (Foreach, ReduceByKeyLocally).
	LocalFuncs bool
}

// MethodOf returns what the package says of the method of RDD or Context
// named name, and whether there is one.
func MethodOf(name string) (MethodInfo, bool) {
	m, ok := methods[name]
	return m, ok
}

// methods is every exported method of RDD and Context (the names they
// share, Union, mean the same), as TestEveryMethodIsClassified checks.
var methods = map[string]MethodInfo{
	// Context: sources.
	"TextFile": {Kind: KindSource}, "WholeTextFiles": {Kind: KindSource}, "BinaryFiles": {Kind: KindSource},
	"BinaryRecords": {Kind: KindSource}, "WarcFile": {Kind: KindSource}, "WarcRecords": {Kind: KindSource},
	"ParquetFile": {Kind: KindSource}, "ReadParquet": {Kind: KindSource}, "Parallelize": {Kind: KindSource},
	"Range": {Kind: KindSource}, "EmptyRDD": {Kind: KindSource}, "SQL": {Kind: KindSource},
	// Context: the rest.
	"Accumulator": {Kind: KindInfo}, "Broadcast": {Kind: KindInfo}, "ActiveJobs": {Kind: KindInfo},
	"DefaultParallelism": {Kind: KindInfo}, "MaxResultSize": {Kind: KindInfo}, "SetMaxResultSize": {Kind: KindInfo},
	"SetJobContext": {Kind: KindInfo}, "WithJobContext": {Kind: KindInfo}, "Stop": {Kind: KindInfo},
	"Local": {Kind: KindEngine}, "Runner": {Kind: KindEngine}, "WithRunner": {Kind: KindEngine},

	// Narrow transformations.
	"Map": {Kind: KindNarrow, FuncArgs: []int{0}}, "FlatMap": {Kind: KindNarrow, FuncArgs: []int{0}},
	"Filter": {Kind: KindNarrow, FuncArgs: []int{0}}, "MapValues": {Kind: KindNarrow, FuncArgs: []int{0}},
	"FlatMapValues": {Kind: KindNarrow, FuncArgs: []int{0}}, "KeyBy": {Kind: KindNarrow, FuncArgs: []int{0}},
	"MapPartitions":          {Kind: KindNarrow, FuncArgs: []int{0}},
	"MapPartitionsWithIndex": {Kind: KindNarrow, FuncArgs: []int{0}},
	"Glom":                   {Kind: KindNarrow}, "Keys": {Kind: KindNarrow}, "Values": {Kind: KindNarrow},
	"Sample": {Kind: KindNarrow}, "SampleByKey": {Kind: KindNarrow}, "RandomSplit": {Kind: KindNarrow},
	"Union": {Kind: KindNarrow}, "Cartesian": {Kind: KindNarrow}, "Pipe": {Kind: KindNarrow},
	"Zip": {Kind: KindNarrow}, "ZipWithIndex": {Kind: KindNarrow}, "ZipWithUniqueID": {Kind: KindNarrow},
	"Hint": {Kind: KindNarrow},

	// Shuffles.
	"ReduceByKey":    {Kind: KindCombine, FuncArgs: []int{0}},
	"CombineByKey":   {Kind: KindCombine, FuncArgs: []int{0, 1, 2}},
	"AggregateByKey": {Kind: KindCombine, FuncArgs: []int{1, 2}},
	"FoldByKey":      {Kind: KindCombine, FuncArgs: []int{1}},
	"Distinct":       {Kind: KindCombine},
	"GroupByKey":     {Kind: KindGroup}, "GroupBy": {Kind: KindGroup, FuncArgs: []int{0}},
	"Cogroup": {Kind: KindCogroup}, "GroupWith": {Kind: KindCogroup}, "Join": {Kind: KindCogroup},
	"LeftOuterJoin": {Kind: KindCogroup}, "RightOuterJoin": {Kind: KindCogroup}, "FullOuterJoin": {Kind: KindCogroup},
	"Subtract": {Kind: KindCogroup}, "SubtractByKey": {Kind: KindCogroup}, "Intersection": {Kind: KindCogroup},
	"SortBy": {Kind: KindSort, FuncArgs: []int{0}}, "SortByKey": {Kind: KindSort},
	"RepartitionAndSortWithinPartitions": {Kind: KindSort},
	"Repartition":                        {Kind: KindRepartition}, "Coalesce": {Kind: KindRepartition},
	"PartitionBy": {Kind: KindRepartition, FuncArgs: []int{1}},

	// Actions.
	"Reduce": {Kind: KindAction, FuncArgs: []int{0}}, "TreeReduce": {Kind: KindAction, FuncArgs: []int{0}},
	"Fold": {Kind: KindAction, FuncArgs: []int{1}}, "Aggregate": {Kind: KindAction, FuncArgs: []int{1, 2}},
	"TreeAggregate": {Kind: KindAction, FuncArgs: []int{1, 2}},
	"Top":           {Kind: KindAction, FuncArgs: []int{1}}, "TakeOrdered": {Kind: KindAction, FuncArgs: []int{1}},
	"Max": {Kind: KindAction, FuncArgs: []int{0}}, "Min": {Kind: KindAction, FuncArgs: []int{0}},
	"Foreach":            {Kind: KindAction, FuncArgs: []int{0}, LocalFuncs: true},
	"ForeachPartition":   {Kind: KindAction, FuncArgs: []int{0}, LocalFuncs: true},
	"ReduceByKeyLocally": {Kind: KindAction, FuncArgs: []int{0}, LocalFuncs: true},
	"Collect":            {Kind: KindAction}, "CollectAsMap": {Kind: KindAction}, "Count": {Kind: KindAction},
	"CountApproxDistinct": {Kind: KindAction}, "CountByKey": {Kind: KindAction}, "CountByValue": {Kind: KindAction},
	"First": {Kind: KindAction}, "Histogram": {Kind: KindAction}, "IsEmpty": {Kind: KindAction},
	"Lookup": {Kind: KindAction}, "Mean": {Kind: KindAction}, "SampleStdev": {Kind: KindAction},
	"SampleVariance": {Kind: KindAction}, "Stats": {Kind: KindAction}, "Stdev": {Kind: KindAction},
	"Sum": {Kind: KindAction}, "Take": {Kind: KindAction}, "TakeSample": {Kind: KindAction},
	"ToLocalIterator": {Kind: KindAction}, "Variance": {Kind: KindAction},
	"SaveAsTextFile": {Kind: KindSink}, "SaveAsParquet": {Kind: KindSink},

	// Persistence, information, plumbing.
	"Cache": {Kind: KindPersist}, "Persist": {Kind: KindPersist}, "Unpersist": {Kind: KindPersist},
	"Context": {Kind: KindInfo}, "GetNumPartitions": {Kind: KindInfo}, "ID": {Kind: KindInfo},
	"IsCached": {Kind: KindInfo}, "Name": {Kind: KindInfo}, "SetName": {Kind: KindInfo},
	"StorageLevel": {Kind: KindInfo}, "String": {Kind: KindInfo}, "ToDebugString": {Kind: KindInfo},
	"Step": {Kind: KindInfo}, "TieredRuns": {Kind: KindInfo},
	"CreateOrReplaceTempView": {Kind: KindInfo}, "SQLEngine": {Kind: KindInfo},
	"RunPartition": {Kind: KindEngine}, "SetFuncSources": {Kind: KindEngine}, "SetFuncTier": {Kind: KindEngine},
	"WithActionSources": {Kind: KindEngine},
}
