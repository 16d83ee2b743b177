package parquet

import (
	"bytes"
	"math"
	"reflect"
	"strings"
	"time"
)

// number is a Go number normalized for comparison.
type number struct {
	isInt bool
	i     int64   // isInt
	f     float64 // !isInt, or an unsigned integer above math.MaxInt64
}

func toNumber(v any) (number, bool) {
	rv := reflect.ValueOf(v)
	switch rv.Kind() {
	case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64:
		return number{isInt: true, i: rv.Int()}, true
	case reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64, reflect.Uintptr:
		u := rv.Uint()
		if u > math.MaxInt64 {
			return number{f: float64(u)}, true
		}
		return number{isInt: true, i: int64(u)}, true
	case reflect.Float32, reflect.Float64:
		return number{f: rv.Float()}, true
	}
	return number{}, false
}

func (n number) float() float64 {
	if n.isInt {
		return float64(n.i)
	}
	return n.f
}

func cmp[T int64 | float64 | string](a, b T) int {
	switch {
	case a < b:
		return -1
	case a > b:
		return 1
	}
	return 0
}

// compareValues orders two values of comparable kinds: numbers of any Go type by value,
// strings, []byte, bools (false first) and times. ok is false for other pairs.
func compareValues(a, b any) (c int, ok bool) {
	if x, ok := toNumber(a); ok {
		y, ok := toNumber(b)
		if !ok {
			return 0, false
		}
		if x.isInt && y.isInt {
			return cmp(x.i, y.i), true
		}
		return cmp(x.float(), y.float()), true
	}
	switch x := a.(type) {
	case string:
		switch y := b.(type) {
		case string:
			return strings.Compare(x, y), true
		case []byte:
			return strings.Compare(x, string(y)), true
		}
	case []byte:
		switch y := b.(type) {
		case []byte:
			return bytes.Compare(x, y), true
		case string:
			return strings.Compare(string(x), y), true
		}
	case bool:
		if y, ok := b.(bool); ok {
			switch {
			case x == y:
				return 0, true
			case !x:
				return -1, true
			}
			return 1, true
		}
	case time.Time:
		if y, ok := b.(time.Time); ok {
			return x.Compare(y), true
		}
	}
	return 0, false
}

// equalValues reports whether a column's value equals a condition's: by compareValues,
// or with == for other comparable values; nil equals nil only.
func equalValues(v, w any) bool {
	if v == nil || w == nil {
		return v == nil && w == nil
	}
	if c, ok := compareValues(v, w); ok {
		return c == 0
	}
	tv, tw := reflect.TypeOf(v), reflect.TypeOf(w)
	return tv == tw && tv.Comparable() && v == w
}
