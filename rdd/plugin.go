package rdd

// The adapters below are for the generated Go code of the plugins that the
// notebook's interpreter compiles from cell functions. A plugin is a module
// of its own, which cannot import this module's internal/engine, where the
// rest of the engine plumbing lives; it calls these. They are left out of
// the cells' symbol tables and completion, and a program has no use for
// them: RDD methods take user functions as they are.

// PredicateFunc adapts a user function returning bool, as Filter takes it,
// to func(any) bool, with the conversions and messages of method.
//
// For generated plugin code only (see above).
func PredicateFunc(method string, f any) func(any) bool { return adaptPredicate(method, f) }

// UnaryFunc adapts a user function of one parameter, as Map takes it, to
// func(any) any, with the conversions and messages of method.
//
// For generated plugin code only (see above).
func UnaryFunc(method string, f any) func(any) any { return adaptUnary(method, f) }

// BinaryFunc adapts a user function of two parameters, as ReduceByKey
// takes it, to func(any, any) any, with the conversions and messages of
// method.
//
// For generated plugin code only (see above).
func BinaryFunc(method string, f any) func(any, any) any { return adaptBinary(method, f) }
