//go:build duckdb_arrow

package sqlengine

import (
	"math"
	"math/big"
	"time"

	"github.com/duckdb/duckdb-go/v2"
)

// goValue returns a value of a DuckDB row as sc.SQL's rows hold it, the Go types of
// rdd.ReadParquet's rows: integers int (uint64 past int64's range, *big.Int past that),
// floats and decimals float64, times in UTC, lists []any, structs map[string]any, maps
// map[any]any, UUIDs their text; other values as the driver gives them.
func goValue(v any) any {
	switch x := v.(type) {
	case int8:
		return int(x)
	case int16:
		return int(x)
	case int32:
		return int(x)
	case int64:
		return int(x)
	case uint8:
		return int(x)
	case uint16:
		return int(x)
	case uint32:
		return int(x)
	case uint64:
		if x <= math.MaxInt64 {
			return int(x)
		}
		return x
	case *big.Int:
		if x.IsInt64() {
			return int(x.Int64())
		}
		if x.IsUint64() {
			return x.Uint64()
		}
		return x
	case float32:
		return float64(x)
	case duckdb.Decimal:
		return x.Float64()
	case time.Time:
		return x.UTC()
	case duckdb.UUID:
		return x.String()
	case *duckdb.UUID:
		return x.String()
	case []any:
		out := make([]any, len(x))
		for i, e := range x {
			out[i] = goValue(e)
		}
		return out
	case map[string]any:
		out := make(map[string]any, len(x))
		for k, e := range x {
			out[k] = goValue(e)
		}
		return out
	case duckdb.Map:
		out := make(map[any]any, len(x))
		for k, e := range x {
			out[goValue(k)] = goValue(e)
		}
		return out
	}
	return v
}
