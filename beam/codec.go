//go:build beam

package beam

import (
	"reflect"

	"github.com/gosparkling/gosparkling/fileio/warc"
	"github.com/gosparkling/gosparkling/internal/elemcodec"
	"github.com/gosparkling/gosparkling/rdd"
)

// The element codec. RDD elements are Go values of any type; between the
// stages of a Beam pipeline they travel as bytes, in the portable form of
// the engine's one element encoding (package internal/elemcodec, which the
// cache's disk tier and the shuffle's spill use too). It is
// self-describing, so that a worker or the notebook decodes a value it
// never saw the type of; it refuses what it cannot carry faithfully
// (unexported fields, channels, funcs) with an error naming the type,
// rather than dropping it. Named types arrive as themselves when
// registered (RegisterType; rdd.Pair, warc.Record, warc.Field and
// time.Time are), else as their underlying type. Equal keys encode to
// equal bytes: map entries are written sorted and -0 as 0, so that Beam
// can group by the encoding.

func init() {
	RegisterType(reflect.TypeOf(rdd.Pair{}))
	RegisterType(reflect.TypeOf(warc.Record{}))
	RegisterType(reflect.TypeOf(warc.Field{}))
}

// RegisterType makes values of the named type t travel between workers and
// the notebook as values of t: call it in both, from an init function, for
// a compiled program's own element types. Unregistered named types arrive
// as their underlying type.
func RegisterType(t reflect.Type) { elemcodec.RegisterType(t) }

// encode returns the encoding of x.
func encode(x any) ([]byte, error) { return elemcodec.Marshal(x) }

// decode returns the value b encodes.
func decode(b []byte) (any, error) { return elemcodec.Unmarshal(b) }
