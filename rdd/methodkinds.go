package rdd

// The finer classification of methods, beside StepKind: what an
// interpreter or a Runner needs to know of a method to adapt its user
// functions, redo it element by element, combine, group or read it,
// without spelling its name. MethodOf returns it; TestEveryMethodIsClassified
// checks that it agrees with the methods' signatures.

// FuncShape is the shape of a user function a method takes: which of the
// engine's adapters (unary, predicate, flat, binary...) calls it.
//
// Lineage description, for Runners and interpreters: notebook cells do
// not see it (it is left out of their symbol tables and completion).
type FuncShape uint8

// The shapes of user functions.
const (
	ShapeNone             FuncShape = iota // not a function
	ShapeUnary                             // one parameter, one result: Map's, KeyBy's, SortBy's key, CombineByKey's createCombiner
	ShapePredicate                         // one parameter, a bool: Filter
	ShapeFlat                              // one parameter, a slice or sequence of results: FlatMap, FlatMapValues
	ShapeBinary                            // two parameters, one result: ReduceByKey, Fold, CombineByKey's merges
	ShapePartition                         // a partition's elements: MapPartitions, ForeachPartition
	ShapeIndexedPartition                  // a partition's index and elements: MapPartitionsWithIndex
	ShapeEach                              // one parameter, no result: Foreach
)

var funcShapeNames = [...]string{"none", "unary", "predicate", "flat", "binary", "partition", "indexed partition", "each"}

// String names the shape: "unary", "predicate", ...
func (s FuncShape) String() string {
	if int(s) < len(funcShapeNames) {
		return funcShapeNames[s]
	}
	return "none"
}

// ElementOp is what an element-wise transformation makes of each element,
// alone: a Runner can apply it anywhere, after a shuffle too.
//
// Lineage description, for Runners and interpreters: notebook cells do
// not see it (it is left out of their symbol tables and completion).
type ElementOp uint8

// The element-wise transformations.
const (
	ElemNone          ElementOp = iota // not element-wise
	ElemMap                            // f(x) (Map)
	ElemFlatMap                        // each of f(x) (FlatMap)
	ElemFilter                         // x when f(x) (Filter)
	ElemKeyBy                          // Pair{f(x), x} (KeyBy; GroupBy keys its elements so first)
	ElemMapValues                      // Pair{k, f(v)} of Pair{k, v} (MapValues)
	ElemFlatMapValues                  // Pair{k, y} for each y of f(v) (FlatMapValues)
	ElemKeys                           // k of Pair{k, v} (Keys)
	ElemValues                         // v of Pair{k, v} (Values)
	ElemWarcRecords                    // the WARC records an index row points to (WarcRecords)
)

// SourceKind says where a source's elements come from.
//
// Lineage description, for Runners and interpreters: notebook cells do
// not see it (it is left out of their symbol tables and completion).
type SourceKind uint8

// The kinds of sources.
const (
	SourceNone    SourceKind = iota // not a source
	SourceData                      // values given to the method: Parallelize, Range, EmptyRDD
	SourceFiles                     // files the method's paths name: TextFile, WarcFile, ReadParquet...
	SourceQuery                     // a query of the Context's SQL engine: SQL
	SourceIndexed                   // records the rows of an RDD point to, read partition by partition: WarcRecords
)

// CombinerForm says how a combining shuffle makes a key's combined value.
//
// Lineage description, for Runners and interpreters: notebook cells do
// not see it (it is left out of their symbol tables and completion).
type CombinerForm uint8

// The forms of combiners.
const (
	CombineNone   CombinerForm = iota // not a combiner
	CombineReduce                     // one binary function both adds values and merges: ReduceByKey
	CombineZero                       // a zero value (Step.Options.Zero), then seqOp adds values and combOp merges (FoldByKey's one function does both): FoldByKey, AggregateByKey
	CombineCreate                     // createCombiner, mergeValue, mergeCombiners: CombineByKey
)

// Grouping says what a shuffle that gathers the values of each key makes
// of them.
//
// Lineage description, for Runners and interpreters: notebook cells do
// not see it (it is left out of their symbol tables and completion).
type Grouping uint8

// The groupings.
const (
	GroupNone      Grouping = iota // not a grouping
	GroupValues                    // Pair{key, the list of its values}: GroupByKey, GroupBy (which keys its elements by its function first)
	GroupCogroup                   // Pair{key, a list of values per input}: Cogroup, GroupWith
	GroupJoin                      // Pair{key, Pair{a, b}} for each a of the left and b of the right: the joins (see OuterLeft and OuterRight)
	GroupSubtract                  // the left's elements whose key the right lacks: SubtractByKey, Subtract
	GroupIntersect                 // the keys both inputs hold: Intersection
	GroupDistinct                  // each key once: Distinct
)

// Takes reports whether the method takes a user function of the shape.
func (m MethodInfo) Takes(shape FuncShape) bool {
	for _, s := range m.FuncShapes {
		if s == shape {
			return true
		}
	}
	return false
}
