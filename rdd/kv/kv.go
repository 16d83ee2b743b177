// Package rdd, in rdd/kv, holds rdd.Pair and rdd.KV alone, so that code
// which needs pairs but not the engine links a package of a few kilobytes
// instead of the engine's hundreds: the kernel compiles the functions a
// cell passes to RDD methods into plugins, and a plugin whose functions use
// only Pair and KV imports this package under rdd's name, builds in a
// second and loads in milliseconds. Package rdd declares its Pair as an
// alias of this one, so that both name the same type, which prints as
// rdd.Pair everywhere. Programs import package rdd, not this one.
package rdd

import "fmt"

// Pair is a key/value record, the element type of every by-key operation
// (ReduceByKey, GroupByKey, Join, ...), like a 2-tuple in PySpark.
type Pair struct {
	Key, Value any
}

// KV makes a Pair of key and value.
func KV(key, value any) Pair { return Pair{Key: key, Value: value} }

// String formats the pair as "(key, value)", the way PySpark prints a tuple.
func (p Pair) String() string { return fmt.Sprintf("(%v, %v)", p.Key, p.Value) }
