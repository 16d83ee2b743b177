package display

import (
	"time"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/array"
	"github.com/apache/arrow-go/v18/arrow/memory"
)

// column builds the Arrow array of one leaf of the column tree.
type column struct {
	out   kind
	limit int // of the text of values formatted for a utf8 column, in bytes
	b     array.Builder
	i64   *array.Int64Builder
	u64   *array.Uint64Builder
	f64   *array.Float64Builder
	f32   *array.Float32Builder
	str   *array.StringBuilder
	bln   *array.BooleanBuilder
	ts    *array.TimestampBuilder
	dur   *array.DurationBuilder
	bin   *array.BinaryBuilder
}

// newColumn returns a builder for out, a kind returned by node.resolve,
// with room for rows values, formatting values for a utf8 column to about
// limit bytes.
func newColumn(mem memory.Allocator, out kind, rows, limit int) *column {
	c := &column{out: out, limit: limit}
	switch out {
	case kNull:
		c.b = array.NewNullBuilder(mem)
	case kInt:
		c.i64 = array.NewInt64Builder(mem)
		c.b = c.i64
	case kUint:
		c.u64 = array.NewUint64Builder(mem)
		c.b = c.u64
	case kFloat64:
		c.f64 = array.NewFloat64Builder(mem)
		c.b = c.f64
	case kFloat32:
		c.f32 = array.NewFloat32Builder(mem)
		c.b = c.f32
	case kBool:
		c.bln = array.NewBooleanBuilder(mem)
		c.b = c.bln
	case kTime:
		c.ts = array.NewTimestampBuilder(mem, &arrow.TimestampType{Unit: arrow.Microsecond, TimeZone: "UTC"})
		c.b = c.ts
	case kDuration:
		c.dur = array.NewDurationBuilder(mem, &arrow.DurationType{Unit: arrow.Nanosecond})
		c.b = c.dur
	case kBytes:
		c.bin = array.NewBinaryBuilder(mem, arrow.BinaryTypes.Binary)
		c.b = c.bin
	default:
		c.out = kString
		c.str = array.NewStringBuilder(mem)
		c.b = c.str
	}
	c.b.Reserve(rows)
	return c
}

// append appends v, converted to the column's type; nil and nil pointers
// become nulls.
func (c *column) append(v any) {
	ok := false
	switch c.out {
	case kInt:
		var x int64
		if x, ok = toInt64(v); ok {
			c.i64.Append(x)
		}
	case kUint:
		var x uint64
		if x, ok = toUint64(v); ok {
			c.u64.Append(x)
		}
	case kFloat64:
		var x float64
		if x, ok = toFloat64(v); ok {
			c.f64.Append(x)
		}
	case kFloat32:
		var x float64
		if x, ok = toFloat64(v); ok {
			c.f32.Append(float32(x))
		}
	case kString:
		var s string
		if s, ok = toString(v, c.limit); ok {
			c.str.Append(s)
		}
	case kBool:
		var x bool
		if x, ok = toBool(v); ok {
			c.bln.Append(x)
		}
	case kTime:
		var t time.Time
		if t, ok = toTime(v); ok {
			c.ts.Append(arrow.Timestamp(t.UnixMicro()))
		}
	case kDuration:
		var d time.Duration
		if d, ok = toDuration(v); ok {
			c.dur.Append(arrow.Duration(d))
		}
	case kBytes:
		var b []byte
		if b, ok = toBytes(v); ok {
			c.bin.Append(b)
		}
	}
	if !ok {
		c.b.AppendNull()
	}
}

// The to* functions convert a value of a kind the column's type was
// inferred from; they report false for nil, nil pointers and (never
// expected) values of other kinds.

func toInt64(v any) (int64, bool) {
	switch x := v.(type) {
	case int:
		return int64(x), true
	case int64:
		return x, true
	case int32:
		return int64(x), true
	case int16:
		return int64(x), true
	case int8:
		return int64(x), true
	case uint8:
		return int64(x), true
	case uint16:
		return int64(x), true
	case uint32:
		return int64(x), true
	case uint:
		return int64(x), true
	case uint64:
		return int64(x), true
	}
	switch k, rv := inspect(v); k {
	case kInt:
		return rv.Int(), true
	case kUint:
		return int64(rv.Uint()), true
	}
	return 0, false
}

func toUint64(v any) (uint64, bool) {
	switch x := v.(type) {
	case uint64:
		return x, true
	case uint:
		return uint64(x), true
	case int:
		return uint64(x), true
	case int64:
		return uint64(x), true
	}
	switch k, rv := inspect(v); k {
	case kInt:
		return uint64(rv.Int()), true
	case kUint:
		return rv.Uint(), true
	}
	return 0, false
}

func toFloat64(v any) (float64, bool) {
	switch x := v.(type) {
	case float64:
		return x, true
	case float32:
		return float64(x), true
	case int:
		return float64(x), true
	case int64:
		return float64(x), true
	}
	switch k, rv := inspect(v); k {
	case kInt:
		return float64(rv.Int()), true
	case kUint:
		return float64(rv.Uint()), true
	case kFloat32, kFloat64:
		return rv.Float(), true
	}
	return 0, false
}

func toBool(v any) (bool, bool) {
	if x, ok := v.(bool); ok {
		return x, true
	}
	if k, rv := inspect(v); k == kBool {
		return rv.Bool(), true
	}
	return false, false
}

func toTime(v any) (time.Time, bool) {
	if x, ok := v.(time.Time); ok {
		return x, true
	}
	if k, rv := inspect(v); k == kTime {
		return rv.Interface().(time.Time), true
	}
	return time.Time{}, false
}

func toDuration(v any) (time.Duration, bool) {
	if x, ok := v.(time.Duration); ok {
		return x, true
	}
	if k, rv := inspect(v); k == kDuration {
		return rv.Interface().(time.Duration), true
	}
	return 0, false
}

func toBytes(v any) ([]byte, bool) {
	if x, ok := v.([]byte); ok {
		return x, x != nil
	}
	if k, rv := inspect(v); k == kBytes && !rv.IsNil() {
		return rv.Bytes(), true
	}
	return nil, false
}

// toString renders any value for a utf8 column: strings as they are,
// others as formatValue writes them (values with a String or Error method
// through it, pointers followed), to about limit bytes. It reports false
// for nil and nil pointers, which are nulls.
func toString(v any, limit int) (string, bool) {
	switch x := v.(type) {
	case string:
		return x, true
	case nil:
		return "", false
	}
	k, rv := inspect(v)
	switch k {
	case kNull:
		return "", false
	case kString:
		return rv.String(), true
	}
	return formatValue(v, limit), true
}
