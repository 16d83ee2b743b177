package parquet

import (
	"bytes"
	"encoding/binary"
	"fmt"
	"math"
	"math/big"
	"time"

	"github.com/apache/arrow-go/v18/parquet"
	"github.com/apache/arrow-go/v18/parquet/schema"
)

// converter turns the physical values of one column into Go values (see the package doc).
type converter struct {
	boolean func(bool) any
	int32   func(int32) any
	int64   func(int64) any
	int96   func(parquet.Int96) any
	float32 func(float32) any
	float64 func(float64) any
	bytes   func([]byte) any // BYTE_ARRAY and FIXED_LEN_BYTE_ARRAY
}

// converterFor returns the converter of a leaf column by its physical and logical types.
func converterFor(col *schema.Column) converter {
	lt := col.LogicalType()
	var c converter
	switch col.PhysicalType() {
	case parquet.Types.Boolean:
		c.boolean = func(v bool) any { return v }
	case parquet.Types.Int32:
		c.int32 = int32Converter(lt)
	case parquet.Types.Int64:
		c.int64 = int64Converter(lt)
	case parquet.Types.Int96:
		c.int96 = func(v parquet.Int96) any { return v.ToTime().UTC() }
	case parquet.Types.Float:
		c.float32 = func(v float32) any { return float64(v) }
	case parquet.Types.Double:
		c.float64 = func(v float64) any { return v }
	case parquet.Types.ByteArray, parquet.Types.FixedLenByteArray:
		c.bytes = bytesConverter(lt)
	}
	if _, null := lt.(schema.NullLogicalType); null {
		c = converter{
			boolean: func(bool) any { return nil }, int32: func(int32) any { return nil },
			int64: func(int64) any { return nil }, int96: func(parquet.Int96) any { return nil },
			float32: func(float32) any { return nil }, float64: func(float64) any { return nil },
			bytes: func([]byte) any { return nil },
		}
	}
	return c
}

func int32Converter(lt schema.LogicalType) func(int32) any {
	switch t := lt.(type) {
	case schema.IntLogicalType:
		if !t.IsSigned() {
			return func(v int32) any { return int(uint32(v)) }
		}
	case schema.DateLogicalType:
		return func(v int32) any { return time.Unix(int64(v)*86400, 0).UTC() }
	case schema.TimeLogicalType:
		return func(v int32) any { return time.Duration(v) * time.Millisecond }
	case schema.DecimalLogicalType:
		scale := math.Pow10(int(t.Scale()))
		return func(v int32) any { return float64(v) / scale }
	}
	return func(v int32) any { return int(v) }
}

func int64Converter(lt schema.LogicalType) func(int64) any {
	switch t := lt.(type) {
	case schema.IntLogicalType:
		if !t.IsSigned() {
			return func(v int64) any { return uint64(v) }
		}
	case schema.TimestampLogicalType:
		switch t.TimeUnit() {
		case schema.TimeUnitMillis:
			return func(v int64) any { return time.UnixMilli(v).UTC() }
		case schema.TimeUnitMicros:
			return func(v int64) any { return time.UnixMicro(v).UTC() }
		default:
			return func(v int64) any { return time.Unix(0, v).UTC() }
		}
	case schema.TimeLogicalType:
		unit := time.Nanosecond
		if t.TimeUnit() == schema.TimeUnitMicros {
			unit = time.Microsecond
		}
		return func(v int64) any { return time.Duration(v) * unit }
	case schema.DecimalLogicalType:
		scale := math.Pow10(int(t.Scale()))
		return func(v int64) any { return float64(v) / scale }
	}
	return func(v int64) any { return int(v) }
}

func bytesConverter(lt schema.LogicalType) func([]byte) any {
	switch t := lt.(type) {
	case schema.StringLogicalType, schema.EnumLogicalType, schema.JSONLogicalType:
		return func(v []byte) any { return string(v) }
	case schema.UUIDLogicalType:
		return func(v []byte) any {
			if len(v) != 16 {
				return bytes.Clone(v)
			}
			return fmt.Sprintf("%x-%x-%x-%x-%x", v[0:4], v[4:6], v[6:8], v[8:10], v[10:16])
		}
	case schema.DecimalLogicalType:
		scale := int(t.Scale())
		return func(v []byte) any { return decimalFloat(v, scale) }
	case schema.Float16LogicalType:
		return func(v []byte) any {
			if len(v) != 2 {
				return bytes.Clone(v)
			}
			return float16(binary.LittleEndian.Uint16(v))
		}
	}
	return func(v []byte) any { return bytes.Clone(v) }
}

// decimalFloat converts a big-endian two's complement unscaled decimal into a float64.
func decimalFloat(v []byte, scale int) float64 {
	n := new(big.Int).SetBytes(v)
	if len(v) > 0 && v[0]&0x80 != 0 {
		n.Sub(n, new(big.Int).Lsh(big.NewInt(1), uint(8*len(v))))
	}
	f, _ := new(big.Float).SetInt(n).Float64()
	return f / math.Pow10(scale)
}

// float16 converts an IEEE 754 half-precision number.
func float16(h uint16) float64 {
	sign := 1.0
	if h&0x8000 != 0 {
		sign = -1
	}
	exp := int(h>>10) & 0x1f
	frac := float64(h & 0x3ff)
	switch exp {
	case 0:
		return sign * frac * math.Pow(2, -24)
	case 0x1f:
		if frac != 0 {
			return math.NaN()
		}
		return sign * math.Inf(1)
	}
	return sign * (1 + frac/1024) * math.Pow(2, float64(exp-15))
}
