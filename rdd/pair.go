package rdd

import kv "github.com/gosparkling/gosparkling/rdd/kv"

// Pair is a key/value record, the element type of every by-key operation
// (ReduceByKey, GroupByKey, Join, ...), like a 2-tuple in PySpark. Its
// String method formats it as "(key, value)", the way PySpark prints a
// tuple. (It is declared in rdd/kv, which compiled cell functions link
// instead of the whole engine.)
type Pair = kv.Pair

// KV makes a Pair of key and value.
func KV(key, value any) Pair { return Pair{Key: key, Value: value} }
