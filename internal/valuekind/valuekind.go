// Package valuekind is the one classification of values by which
// display's tables and fileio/parquet's files infer the types of their
// columns from the values seen: the kinds of values, sets of them, and the
// kind a column of values of such kinds takes.
package valuekind

// Kind classifies a value for type inference.
type Kind uint8

// The kinds of values.
const (
	Null     Kind = iota // nil, or a nil pointer
	Int                  // an integer that fits int64
	Uint                 // an unsigned integer above math.MaxInt64
	Float32              // a float32
	Float64              // a float64
	String               // a string
	Bool                 // a bool
	Time                 // a time.Time
	Duration             // a time.Duration
	Bytes                // a []byte
	Other                // anything else: written as text
	Pair                 // an rdd.Pair, which display makes columns of
	Struct               // a struct, which display may make columns of
)

// Set is a set of kinds, one bit per kind.
type Set uint16

// Has reports whether k is in s.
func (s Set) Has(k Kind) bool { return s&(1<<k) != 0 }

// Numbers are the kinds of numbers.
const Numbers = Set(1<<Int | 1<<Uint | 1<<Float32 | 1<<Float64)

// Column returns the kind of a column whose values are of the kinds in s:
// Null when there are none; for numbers alone Int (Uint when some only
// fit unsigned), Float64 when integers and floats mix, Float32 only when
// all are; the kind itself when all values are strings, bools, times,
// durations or bytes; Other, text, for anything else. Integers above
// math.MaxInt64 beside negative ones (negative) fit no integer type:
// Column says Other, and a caller may choose Float64 instead.
func (s Set) Column(negative bool) Kind {
	switch {
	case s == 0:
		return Null
	case s&^Numbers == 0:
		switch {
		case s == 1<<Float32:
			return Float32
		case s.Has(Float32) || s.Has(Float64):
			return Float64
		case s.Has(Uint) && negative:
			return Other
		case s.Has(Uint):
			return Uint
		}
		return Int
	}
	for _, k := range []Kind{String, Bool, Time, Duration, Bytes} {
		if s == 1<<k {
			return k
		}
	}
	return Other
}
