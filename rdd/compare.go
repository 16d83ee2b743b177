package rdd

import (
	"bytes"
	"cmp"
	"math"
	"reflect"
	"strings"
	"time"
)

// Compare is the natural order of elements, used by sorting, Max, Min, Top
// and TakeOrdered. It returns -1, 0 or +1. Numbers of any Go numeric type
// compare by value with each other, strings bytewise, bools false < true,
// nil first, Pair by Key then Value, slices and arrays lexicographically,
// time.Time by time; values of unrelated kinds order by kind name so that
// sorting a mixed RDD never panics.
func Compare(a, b any) int {
	if a == nil || b == nil {
		switch {
		case a == nil && b == nil:
			return 0
		case a == nil:
			return -1
		default:
			return 1
		}
	}
	// Fast paths for the common element types.
	switch x := a.(type) {
	case string:
		if y, ok := b.(string); ok {
			return strings.Compare(x, y)
		}
	case int:
		if y, ok := b.(int); ok {
			return cmp.Compare(x, y)
		}
	case int64:
		if y, ok := b.(int64); ok {
			return cmp.Compare(x, y)
		}
	case float64:
		if y, ok := b.(float64); ok {
			return compareFloats(x, y)
		}
	case Pair:
		if y, ok := b.(Pair); ok {
			if c := Compare(x.Key, y.Key); c != 0 {
				return c
			}
			return Compare(x.Value, y.Value)
		}
	case time.Time:
		if y, ok := b.(time.Time); ok {
			return x.Compare(y)
		}
	case []byte:
		if y, ok := b.([]byte); ok {
			return bytes.Compare(x, y)
		}
	}
	return compareValues(reflect.ValueOf(a), reflect.ValueOf(b))
}

// compareFloats orders NaN before every other number, as Spark's sort does
// not define NaN and a total order is needed.
func compareFloats(x, y float64) int {
	xn, yn := math.IsNaN(x), math.IsNaN(y)
	switch {
	case xn && yn:
		return 0
	case xn:
		return -1
	case yn:
		return 1
	}
	return cmp.Compare(x, y)
}

type numClass int

const (
	notNumber numClass = iota
	signedInt
	unsignedInt
	floating
)

func classify(k reflect.Kind) numClass {
	switch k {
	case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64:
		return signedInt
	case reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64, reflect.Uintptr:
		return unsignedInt
	case reflect.Float32, reflect.Float64:
		return floating
	}
	return notNumber
}

func compareNumbers(a, b reflect.Value, ca, cb numClass) int {
	switch {
	case ca == signedInt && cb == signedInt:
		return cmp.Compare(a.Int(), b.Int())
	case ca == unsignedInt && cb == unsignedInt:
		return cmp.Compare(a.Uint(), b.Uint())
	case ca == signedInt && cb == unsignedInt:
		if a.Int() < 0 {
			return -1
		}
		return cmp.Compare(uint64(a.Int()), b.Uint())
	case ca == unsignedInt && cb == signedInt:
		return -compareNumbers(b, a, cb, ca)
	}
	return compareFloats(toFloat(a, ca), toFloat(b, cb))
}

func toFloat(v reflect.Value, c numClass) float64 {
	switch c {
	case signedInt:
		return float64(v.Int())
	case unsignedInt:
		return float64(v.Uint())
	}
	return v.Float()
}

func compareValues(a, b reflect.Value) int {
	// Unwrap interfaces and pointers so that *T compares by its target.
	for a.Kind() == reflect.Interface || a.Kind() == reflect.Pointer {
		if a.IsNil() {
			break
		}
		a = a.Elem()
	}
	for b.Kind() == reflect.Interface || b.Kind() == reflect.Pointer {
		if b.IsNil() {
			break
		}
		b = b.Elem()
	}
	ka, kb := a.Kind(), b.Kind()
	if ca, cb := classify(ka), classify(kb); ca != notNumber && cb != notNumber {
		return compareNumbers(a, b, ca, cb)
	}
	if ka != kb {
		return strings.Compare(kindName(a), kindName(b))
	}
	switch ka {
	case reflect.String:
		return strings.Compare(a.String(), b.String())
	case reflect.Bool:
		return cmp.Compare(boolInt(a.Bool()), boolInt(b.Bool()))
	case reflect.Slice, reflect.Array:
		n := min(a.Len(), b.Len())
		for i := 0; i < n; i++ {
			if c := Compare(a.Index(i).Interface(), b.Index(i).Interface()); c != 0 {
				return c
			}
		}
		return cmp.Compare(a.Len(), b.Len())
	case reflect.Struct:
		if a.Type() != b.Type() {
			return strings.Compare(a.Type().String(), b.Type().String())
		}
		if t, ok := a.Interface().(time.Time); ok {
			return t.Compare(b.Interface().(time.Time))
		}
		for i := 0; i < a.NumField(); i++ {
			if !a.Type().Field(i).IsExported() {
				continue
			}
			if c := Compare(a.Field(i).Interface(), b.Field(i).Interface()); c != 0 {
				return c
			}
		}
		return 0
	case reflect.Pointer, reflect.Interface, reflect.Map, reflect.Func, reflect.Chan:
		// Only nil pointers and unordered kinds reach here: nil first.
		an, bn := a.IsNil(), b.IsNil()
		switch {
		case an && bn:
			return 0
		case an:
			return -1
		case bn:
			return 1
		}
		return 0
	}
	return 0
}

// kindName names the kind for ordering values of unrelated kinds; all
// numbers share one name so they sort together.
func kindName(v reflect.Value) string {
	if classify(v.Kind()) != notNumber {
		return "number"
	}
	return v.Kind().String()
}

func boolInt(b bool) int {
	if b {
		return 1
	}
	return 0
}
