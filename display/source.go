package display

import (
	"fmt"
	"math"
	"reflect"
	"time"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/memory"

	"github.com/gosparkling/gosparkling/rdd"
)

// ToRecord converts a tabular value into an Arrow record batch with an
// inferred schema. The caller must Release the result.
//
// Tabular values are slices and arrays (one row per element, []byte
// excepted), maps (columns "key" and "value") and Arrow record batches
// (returned retained). The rows of a map are sorted by key with
// rdd.Compare, except those of counters, maps whose values are integers
// such as the map[any]int64 of CountByValue: they are sorted by count,
// largest first, then by key, as pandas' value_counts. Elements make
// columns by their shape:
//
//   - a scalar makes one column "value";
//   - an rdd.Pair makes columns "key" and "value", and nested pairs dotted
//     names such as "value.key" (a join's Pair{k, Pair{v, w}});
//   - a struct, or a pointer to one, makes one column per exported field
//     (nested structs make dotted names); a field's tag display:"name"
//     names its column, display:"-" leaves it out, and the option
//     omitempty (display:"name,omitempty") leaves its columns out when
//     all their values are zero;
//   - a map with string keys (the map[string]any of ParquetFile and of
//     parsed JSON, a map[string]string...), as an element or as the value
//     of a pair or of a map's entry, makes one column per key, as pandas
//     makes a DataFrame from a list of dicts: the union of the keys of the
//     rows, in the order they are first seen (the new keys of one row
//     sorted, since maps have no order), null where a row lacks the key
//     (dotted names such as "value.url" in pairs); maps inside those rows,
//     in struct fields, mixed with other values, with a String method or
//     with no keys at all are text;
//   - a TableRower makes the columns of its TableRow, and a *warc.Record
//     those of its row: type, target_uri, date, status, content_type,
//     language, length, offset and preview (status and language left out
//     when no record has one).
//
// When maps make columns, the columns and their types are inferred from
// the rows converted (all of them by ToRecord, the rows shown in a table) and an
// evenly spaced sample of at most 1,000 of the others, so that showing a
// million maps looks at a bounded number of them. Otherwise column types
// are inferred from all values: int64 for integers that fit
// (uint64 when some only fit unsigned), float64 when numbers mix integers
// and floats (float32 when all are float32), utf8, bool, timestamp[us,
// tz=UTC] for time.Time, duration[ns] for time.Duration, binary for []byte.
// A struct field's static type gives its column's type, even when the
// values are all nil. Other values (slices, maps, values with a String
// method) and columns whose values mix kinds become utf8 columns written
// as fmt's %v would, but with pointers followed (nil ones are "null"),
// times in RFC 3339, bytes quoted and pairs as "(key, value)"; nil values
// become nulls, and a column of nils only has the null type.
func ToRecord(v any, mem memory.Allocator) (arrow.RecordBatch, error) {
	if mem == nil {
		mem = memory.DefaultAllocator
	}
	if rec, ok := v.(arrow.RecordBatch); ok {
		rec.Retain()
		return rec, nil
	}
	src, ok := sourceOf(v, math.MaxInt)
	if !ok {
		return nil, fmt.Errorf("display: cannot convert a %T to a record batch: want a slice, array, map or Arrow record batch", v)
	}
	return inferTable(src, src.n).build(mem, src.n, math.MaxInt), nil
}

// source is the sequence of rows of a tabular value.
type source struct {
	n    int
	anys []any            // the rows, when the value is a []any
	at   func(i int) any  // row i, when anys is nil
	elem reflect.Type     // static type of the rows; nil if unknown or an interface
	pair *[2]reflect.Type // static key and value types, for maps
}

// row returns row i.
func (s *source) row(i int) any {
	if s.anys != nil {
		return s.anys[i]
	}
	return s.at(i)
}

var (
	pairType     = reflect.TypeFor[rdd.Pair]()
	timeType     = reflect.TypeFor[time.Time]()
	durationType = reflect.TypeFor[time.Duration]()
	stringerType = reflect.TypeFor[fmt.Stringer]()
	errorType    = reflect.TypeFor[error]()
)

// sourceOf returns the rows of v, or false if v is not tabular. The rows
// of a map are in order (see sortMapRows) up to row ordered at least; the
// others follow in no particular order.
func sourceOf(v any, ordered int) (source, bool) {
	// Fast paths for what rdd actions return and common literals.
	switch x := v.(type) {
	case []any:
		if x == nil {
			x = []any{}
		}
		return source{n: len(x), anys: x}, true
	case []rdd.Pair:
		return source{n: len(x), at: func(i int) any { return x[i] }, elem: pairType}, true
	case []string:
		return source{n: len(x), at: func(i int) any { return x[i] }, elem: reflect.TypeFor[string]()}, true
	case []int:
		return source{n: len(x), at: func(i int) any { return x[i] }, elem: reflect.TypeFor[int]()}, true
	case []int64:
		return source{n: len(x), at: func(i int) any { return x[i] }, elem: reflect.TypeFor[int64]()}, true
	case []float64:
		return source{n: len(x), at: func(i int) any { return x[i] }, elem: reflect.TypeFor[float64]()}, true
	case map[any]int64: // CountByValue, CountByKey
		pairs := make([]rdd.Pair, 0, len(x))
		for k, v := range x {
			pairs = append(pairs, rdd.Pair{Key: k, Value: v})
		}
		return mapSource(pairs, reflect.TypeFor[any](), reflect.TypeFor[int64](), ordered), true
	case nil, []byte:
		return source{}, false
	}
	rv := reflect.ValueOf(v)
	for rv.Kind() == reflect.Pointer && !rv.IsNil() {
		rv = rv.Elem()
	}
	switch rv.Kind() {
	case reflect.Slice, reflect.Array:
		if rv.Type().Elem().Kind() == reflect.Uint8 {
			return source{}, false // bytes are a scalar
		}
		return source{n: rv.Len(), at: func(i int) any { return rv.Index(i).Interface() }, elem: staticType(rv.Type().Elem())}, true
	case reflect.Map:
		pairs := make([]rdd.Pair, 0, rv.Len())
		for it := rv.MapRange(); it.Next(); {
			pairs = append(pairs, rdd.Pair{Key: it.Key().Interface(), Value: it.Value().Interface()})
		}
		t := rv.Type()
		return mapSource(pairs, t.Key(), t.Elem(), ordered), true
	}
	return source{}, false
}

// staticType returns t, or nil when t is an interface and says nothing
// about the values.
func staticType(t reflect.Type) reflect.Type {
	if t.Kind() == reflect.Interface {
		return nil
	}
	return t
}

// mapSource returns the rows of a map, its entries as pairs, ordered up
// to row ordered at least; key and elem are the map's static types.
func mapSource(pairs []rdd.Pair, key, elem reflect.Type, ordered int) source {
	sortMapRows(pairs, isCounter(elem, pairs), ordered)
	return source{
		n:    len(pairs),
		at:   func(i int) any { return pairs[i] },
		elem: pairType,
		pair: &[2]reflect.Type{staticType(key), staticType(elem)},
	}
}

// isCounter reports whether a map whose value type is elem and whose
// entries are pairs counts things: its values are integers by static type
// (map[any]int64 of CountByValue, map[string]int), or all integers when
// the value type is an interface (map[any]any of ReduceByKeyLocally). Named
// integer types with a String method, such as time.Duration, do not count.
func isCounter(elem reflect.Type, pairs []rdd.Pair) bool {
	switch k := typeKind(elem); k {
	case kInt, kUint:
		return true
	case kNull: // an interface: look at the values
		if len(pairs) == 0 {
			return false
		}
		for _, p := range pairs {
			if _, ok := integerValue(p.Value); !ok {
				return false
			}
		}
		return true
	}
	return false
}

// integerValue returns v as a number when it is an integer of any type
// (named ones included, unless they have a String method).
func integerValue(v any) (float64, bool) {
	switch x := v.(type) {
	case int:
		return float64(x), true
	case int64:
		return float64(x), true
	case int32:
		return float64(x), true
	case nil:
		return 0, false
	}
	switch k, rv := inspect(v); k {
	case kInt:
		return float64(rv.Int()), true
	case kUint:
		return float64(rv.Uint()), true
	}
	return 0, false
}

// sortMapRows orders the entries of a map, the first n of them at least:
// counters by value descending, then key, as pandas' value_counts; other
// maps by key. Keys and values compare with rdd.Compare.
func sortMapRows(pairs []rdd.Pair, counter bool, n int) {
	if !counter {
		sortPrefix(pairs, n, func(a, b rdd.Pair) int { return rdd.Compare(a.Key, b.Key) })
		return
	}
	sortPrefix(pairs, n, func(a, b rdd.Pair) int {
		if c := rdd.Compare(b.Value, a.Value); c != 0 {
			return c
		}
		return rdd.Compare(a.Key, b.Key)
	})
}
