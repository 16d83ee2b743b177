package rdd

// StepKind classifies the methods of Context and RDD by what they do to a
// lineage: what an interpreter or a Runner must know of a method without
// spelling its name.
//
// Lineage description, for Runners and interpreters: notebook cells do
// not see it (it is left out of their symbol tables and completion).
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
	KindInfo                        // tells of an RDD or a Context, or makes a Context, without running a job or making an RDD
	KindEngine                      // engine plumbing, serving interpreters and Runners only (Step): completion leaves it out
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
//
// Lineage description, for Runners and interpreters: notebook cells do
// not see it (it is left out of their symbol tables and completion).
type MethodInfo struct {
	Kind StepKind
	// FuncArgs are the positions, among the method's arguments, of the
	// user functions it takes (a variadic parameter counts as one).
	FuncArgs []int
	// LocalFuncs says that those functions run where the action is
	// called, never on a Runner's engine (Foreach, ReduceByKeyLocally).
	LocalFuncs bool
	// FuncShapes are the shapes of those functions, one per FuncArgs
	// entry: which adapter calls each.
	FuncShapes []FuncShape
	// Element, for an element-wise transformation, is what it makes of
	// each element (a Runner can redo it after a shuffle too).
	Element ElementOp
	// Partitionwise says that each partition is computed from the same
	// partition of the one parent alone (Map, MapPartitions, Sample,
	// WarcRecords...): a worker holding that partition can redo it.
	Partitionwise bool
	// Concat says that the partitions are those of the parents, one after
	// another (Union).
	Concat bool
	// Source says where a source's elements come from.
	Source SourceKind
	// OptionFuncs says that the source's options hold functions
	// (ReadParquet's ParquetOption values, in Step.Options.Parquet),
	// which travel as their names and arguments (ParquetOption.Name, Args).
	OptionFuncs bool
	// Combiner, for a combining shuffle, is how it combines a key's values.
	Combiner CombinerForm
	// Grouping, for a shuffle that gathers a key's values, is what it makes
	// of them.
	Grouping Grouping
	// WholeElements says that the elements themselves, not Pairs, are the
	// keys (Distinct, Intersection, Subtract).
	WholeElements bool
	// OuterLeft and OuterRight say that a join keeps the keys of its left
	// (right) input that the other lacks, with nil for the missing side.
	OuterLeft, OuterRight bool
	// SortsAll says that a sort orders all the elements (SortBy,
	// SortByKey), not each partition alone.
	SortsAll bool
	// Identity says that the RDD holds its parent's elements in its
	// parent's partitions: a hint to the planner (Hint).
	Identity bool
}

// MethodOf returns what the package says of the method of RDD or Context
// named name, and whether there is one.
//
// Lineage description, for Runners and interpreters: notebook cells do
// not see it (it is left out of their symbol tables and completion).
func MethodOf(name string) (MethodInfo, bool) {
	m, ok := methods[name]
	return m, ok
}

// methods is every exported method of RDD and Context (the names they
// share, Union, mean the same), as TestEveryMethodIsClassified checks.
var methods = map[string]MethodInfo{
	// Context: sources.
	"TextFile": {Kind: KindSource, Source: SourceFiles}, "WholeTextFiles": {Kind: KindSource, Source: SourceFiles}, "BinaryFiles": {Kind: KindSource, Source: SourceFiles},
	"BinaryRecords": {Kind: KindSource, Source: SourceFiles}, "WarcFile": {Kind: KindSource, Source: SourceFiles}, "WarcRecords": {Kind: KindSource, Source: SourceIndexed, Element: ElemWarcRecords, Partitionwise: true},
	"ParquetFile": {Kind: KindSource, Source: SourceFiles}, "ReadParquet": {Kind: KindSource, Source: SourceFiles, OptionFuncs: true}, "Parallelize": {Kind: KindSource, Source: SourceData},
	"Range": {Kind: KindSource, Source: SourceData}, "EmptyRDD": {Kind: KindSource, Source: SourceData}, "SQL": {Kind: KindSource, Source: SourceQuery},
	// Context: the rest.
	"Accumulator": {Kind: KindInfo}, "Broadcast": {Kind: KindInfo}, "ActiveJobs": {Kind: KindInfo},
	"DefaultParallelism": {Kind: KindInfo}, "MaxResultSize": {Kind: KindInfo}, "SetMaxResultSize": {Kind: KindInfo},
	"SetJobContext": {Kind: KindInfo}, "WithJobContext": {Kind: KindInfo}, "Stop": {Kind: KindInfo},
	"Local": {Kind: KindInfo}, "Runner": {Kind: KindInfo}, "WithRunner": {Kind: KindInfo},

	// Narrow transformations.
	"Map": {Kind: KindNarrow, FuncArgs: []int{0}, FuncShapes: []FuncShape{ShapeUnary}, Element: ElemMap, Partitionwise: true}, "FlatMap": {Kind: KindNarrow, FuncArgs: []int{0}, FuncShapes: []FuncShape{ShapeFlat}, Element: ElemFlatMap, Partitionwise: true},
	"Filter": {Kind: KindNarrow, FuncArgs: []int{0}, FuncShapes: []FuncShape{ShapePredicate}, Element: ElemFilter, Partitionwise: true}, "MapValues": {Kind: KindNarrow, FuncArgs: []int{0}, FuncShapes: []FuncShape{ShapeUnary}, Element: ElemMapValues, Partitionwise: true},
	"FlatMapValues": {Kind: KindNarrow, FuncArgs: []int{0}, FuncShapes: []FuncShape{ShapeFlat}, Element: ElemFlatMapValues, Partitionwise: true}, "KeyBy": {Kind: KindNarrow, FuncArgs: []int{0}, FuncShapes: []FuncShape{ShapeUnary}, Element: ElemKeyBy, Partitionwise: true},
	"MapPartitions":          {Kind: KindNarrow, FuncArgs: []int{0}, FuncShapes: []FuncShape{ShapePartition}, Partitionwise: true},
	"MapPartitionsWithIndex": {Kind: KindNarrow, FuncArgs: []int{0}, FuncShapes: []FuncShape{ShapeIndexedPartition}, Partitionwise: true},
	"Glom":                   {Kind: KindNarrow, Partitionwise: true}, "Keys": {Kind: KindNarrow, Element: ElemKeys, Partitionwise: true}, "Values": {Kind: KindNarrow, Element: ElemValues, Partitionwise: true},
	"Sample": {Kind: KindNarrow, Partitionwise: true}, "SampleByKey": {Kind: KindNarrow, Partitionwise: true}, "RandomSplit": {Kind: KindNarrow},
	"Union": {Kind: KindNarrow, Concat: true}, "Cartesian": {Kind: KindNarrow}, "Pipe": {Kind: KindNarrow, Partitionwise: true},
	"Zip": {Kind: KindNarrow}, "ZipWithIndex": {Kind: KindNarrow}, "ZipWithUniqueID": {Kind: KindNarrow, Partitionwise: true},
	"Hint": {Kind: KindNarrow, Identity: true},

	// Shuffles.
	"ReduceByKey":    {Kind: KindCombine, FuncArgs: []int{0}, FuncShapes: []FuncShape{ShapeBinary}, Combiner: CombineReduce},
	"CombineByKey":   {Kind: KindCombine, FuncArgs: []int{0, 1, 2}, FuncShapes: []FuncShape{ShapeUnary, ShapeBinary, ShapeBinary}, Combiner: CombineCreate},
	"AggregateByKey": {Kind: KindCombine, FuncArgs: []int{1, 2}, FuncShapes: []FuncShape{ShapeBinary, ShapeBinary}, Combiner: CombineZero},
	"FoldByKey":      {Kind: KindCombine, FuncArgs: []int{1}, FuncShapes: []FuncShape{ShapeBinary}, Combiner: CombineZero},
	"Distinct":       {Kind: KindCombine, Grouping: GroupDistinct, WholeElements: true},
	"GroupByKey":     {Kind: KindGroup, Grouping: GroupValues}, "GroupBy": {Kind: KindGroup, FuncArgs: []int{0}, FuncShapes: []FuncShape{ShapeUnary}, Grouping: GroupValues},
	"Cogroup": {Kind: KindCogroup, Grouping: GroupCogroup}, "GroupWith": {Kind: KindCogroup, Grouping: GroupCogroup}, "Join": {Kind: KindCogroup, Grouping: GroupJoin},
	"LeftOuterJoin": {Kind: KindCogroup, Grouping: GroupJoin, OuterLeft: true}, "RightOuterJoin": {Kind: KindCogroup, Grouping: GroupJoin, OuterRight: true}, "FullOuterJoin": {Kind: KindCogroup, Grouping: GroupJoin, OuterLeft: true, OuterRight: true},
	"Subtract": {Kind: KindCogroup, Grouping: GroupSubtract, WholeElements: true}, "SubtractByKey": {Kind: KindCogroup, Grouping: GroupSubtract}, "Intersection": {Kind: KindCogroup, Grouping: GroupIntersect, WholeElements: true},
	"SortBy": {Kind: KindSort, FuncArgs: []int{0}, FuncShapes: []FuncShape{ShapeUnary}, SortsAll: true}, "SortByKey": {Kind: KindSort, SortsAll: true},
	"RepartitionAndSortWithinPartitions": {Kind: KindSort},
	"Repartition":                        {Kind: KindRepartition}, "Coalesce": {Kind: KindRepartition},
	"PartitionBy": {Kind: KindRepartition, FuncArgs: []int{1}, FuncShapes: []FuncShape{ShapeUnary}},

	// Actions.
	"Reduce": {Kind: KindAction, FuncArgs: []int{0}, FuncShapes: []FuncShape{ShapeBinary}}, "TreeReduce": {Kind: KindAction, FuncArgs: []int{0}, FuncShapes: []FuncShape{ShapeBinary}},
	"Fold": {Kind: KindAction, FuncArgs: []int{1}, FuncShapes: []FuncShape{ShapeBinary}}, "Aggregate": {Kind: KindAction, FuncArgs: []int{1, 2}, FuncShapes: []FuncShape{ShapeBinary, ShapeBinary}},
	"TreeAggregate": {Kind: KindAction, FuncArgs: []int{1, 2}, FuncShapes: []FuncShape{ShapeBinary, ShapeBinary}},
	"Top":           {Kind: KindAction, FuncArgs: []int{1}, FuncShapes: []FuncShape{ShapeUnary}}, "TakeOrdered": {Kind: KindAction, FuncArgs: []int{1}, FuncShapes: []FuncShape{ShapeUnary}},
	"Max": {Kind: KindAction, FuncArgs: []int{0}, FuncShapes: []FuncShape{ShapeUnary}}, "Min": {Kind: KindAction, FuncArgs: []int{0}, FuncShapes: []FuncShape{ShapeUnary}},
	"Foreach":            {Kind: KindAction, FuncArgs: []int{0}, LocalFuncs: true, FuncShapes: []FuncShape{ShapeEach}},
	"ForeachPartition":   {Kind: KindAction, FuncArgs: []int{0}, LocalFuncs: true, FuncShapes: []FuncShape{ShapePartition}},
	"ReduceByKeyLocally": {Kind: KindAction, FuncArgs: []int{0}, LocalFuncs: true, FuncShapes: []FuncShape{ShapeBinary}},
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
	"CreateOrReplaceTempView": {Kind: KindInfo}, "SQLEngine": {Kind: KindInfo},
	"Step": {Kind: KindEngine},
}
