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
