// Package elemcodec is the one encoding of the elements that leave memory: the partitions
// that Persist keeps on disk (DiskOnly, and MemoryAndDisk over its budget) and the records of
// the shuffle's spill files. A value is a tag byte and its bytes: nil, bools, strings, the
// int and float types the engine keeps unboxed, []byte, pairs and []any directly (nested at
// any depth), every other value by encoding/gob. What gob would not carry faithfully is
// refused with an error wrapping ErrNotEncodable instead of being changed: a struct with
// unexported fields anywhere inside (unless its type encodes itself, as time.Time does), a
// channel, a func, an unsafe pointer; Check tells in advance.
//
// What gob changes without being wrong is documented rather than refused: a time.Time
// comes back with its instant and offset (its Location a fixed zone of that offset, its
// monotonic reading gone); inside a gob-encoded value an empty slice or map may come back
// nil, and pointers to the same value come back as distinct copies.
package elemcodec

import (
	"bufio"
	"bytes"
	"encoding/binary"
	"encoding/gob"
	"errors"
	"fmt"
	"io"
	"math"
	"reflect"
	"sync"
)

// Tags of the encoding.
const (
	TagNil byte = iota
	TagFalse
	TagTrue
	TagString
	TagInt
	TagInt64
	TagInt32
	TagUint64
	TagFloat64
	TagBytes
	TagPair
	TagList
	TagGob
	TagPointer // a non-nil pointer: the value it points to follows
)

// Pairs tells the codec about the engine's pair type (which lives in package rdd, above
// this one): Split returns the key and value of a pair, Make builds one.
var Pairs struct {
	Split func(x any) (key, value any, ok bool)
	Make  func(key, value any) any
}

// Encoder writes values to W.
type Encoder struct {
	W       *bufio.Writer
	scratch [binary.MaxVarintLen64]byte
	gobBuf  bytes.Buffer
}

// NewEncoder returns an Encoder writing to w.
func NewEncoder(w *bufio.Writer) *Encoder { return &Encoder{W: w} }

// Tag writes one tag byte.
func (e *Encoder) Tag(b byte) { e.W.WriteByte(b) }

// Uvarint writes x as an unsigned varint.
func (e *Encoder) Uvarint(x uint64) {
	n := binary.PutUvarint(e.scratch[:], x)
	e.W.Write(e.scratch[:n])
}

// Varint writes a tag and x as a signed varint.
func (e *Encoder) Varint(tag byte, x int64) {
	e.Tag(tag)
	n := binary.PutVarint(e.scratch[:], x)
	e.W.Write(e.scratch[:n])
}

// String writes a string value.
func (e *Encoder) String(s string) {
	e.Tag(TagString)
	e.Uvarint(uint64(len(s)))
	e.W.WriteString(s)
}

// Float64 writes a float64 value.
func (e *Encoder) Float64(x float64) {
	e.Tag(TagFloat64)
	e.Fixed64(math.Float64bits(x))
}

// Fixed64 writes 8 bytes, little endian.
func (e *Encoder) Fixed64(x uint64) {
	binary.LittleEndian.PutUint64(e.scratch[:8], x)
	e.W.Write(e.scratch[:8])
}

// Fixed32 writes 4 bytes, little endian.
func (e *Encoder) Fixed32(x uint32) {
	binary.LittleEndian.PutUint32(e.scratch[:4], x)
	e.W.Write(e.scratch[:4])
}

// Value writes any value, or returns an error wrapping ErrNotEncodable (having written
// part of it: the stream is then to be discarded).
func (e *Encoder) Value(x any) error {
	switch v := x.(type) {
	case nil:
		e.Tag(TagNil)
	case bool:
		if v {
			e.Tag(TagTrue)
		} else {
			e.Tag(TagFalse)
		}
	case string:
		e.String(v)
	case int:
		e.Varint(TagInt, int64(v))
	case int64:
		e.Varint(TagInt64, v)
	case int32:
		e.Varint(TagInt32, int64(v))
	case uint64:
		e.Tag(TagUint64)
		e.Uvarint(v)
	case float64:
		e.Float64(v)
	case []byte:
		if v == nil {
			return e.gob(x) // keep nil apart from empty
		}
		e.Tag(TagBytes)
		e.Uvarint(uint64(len(v)))
		e.W.Write(v)
	case []any:
		if v == nil {
			return e.gob(x)
		}
		e.Tag(TagList)
		e.Uvarint(uint64(len(v)))
		for _, y := range v {
			if err := e.Value(y); err != nil {
				return err
			}
		}
	default:
		if Pairs.Split != nil {
			if k, val, ok := Pairs.Split(x); ok {
				e.Tag(TagPair)
				if err := e.Value(k); err != nil {
					return err
				}
				return e.Value(val)
			}
		}
		if v := reflect.ValueOf(x); v.Kind() == reflect.Pointer {
			if v.IsNil() {
				return fmt.Errorf("%w: a nil %T (only an untyped nil can be encoded)", ErrNotEncodable, x)
			}
			e.Tag(TagPointer)
			return e.Value(v.Elem().Interface())
		}
		return e.gob(x)
	}
	return nil
}

// gob writes x as a gob stream of its own, for the types the tags do not cover.
func (e *Encoder) gob(x any) (err error) {
	defer func() {
		if r := recover(); r != nil { // gob.Register panics on name clashes
			err = fmt.Errorf("%w: %T: %v", ErrNotEncodable, x, r)
		}
	}()
	if err := Check(x); err != nil {
		return err
	}
	if err := register(reflect.ValueOf(x), 0); err != nil {
		return fmt.Errorf("%w: %T: %v", ErrNotEncodable, x, err)
	}
	e.gobBuf.Reset()
	if err := gob.NewEncoder(&e.gobBuf).Encode(&x); err != nil {
		return fmt.Errorf("%w: %T: %v", ErrNotEncodable, x, err)
	}
	e.Tag(TagGob)
	e.Uvarint(uint64(e.gobBuf.Len()))
	e.W.Write(e.gobBuf.Bytes())
	return nil
}

var registered sync.Map // reflect.Type -> struct{}

// register registers with gob the dynamic types of v and of the interfaces inside it, which
// gob needs to decode values held in interfaces. A pointer held in an interface inside v is
// refused: gob sends the value it points to under a name that cannot tell T from *T.
func register(v reflect.Value, depth int) error {
	if !v.IsValid() || depth > maxDepth {
		return nil
	}
	t := v.Type()
	if t.Kind() != reflect.Interface {
		if _, done := registered.LoadOrStore(t, struct{}{}); !done {
			gob.Register(v.Interface())
		}
	}
	if !verdict(t).dynamic {
		return nil
	}
	switch t.Kind() {
	case reflect.Interface:
		if !v.IsNil() {
			if v.Elem().Kind() == reflect.Pointer {
				return fmt.Errorf("a pointer (%s) held in an interface inside it cannot be encoded", v.Elem().Type())
			}
			return register(v.Elem(), depth+1)
		}
	case reflect.Pointer:
		if !v.IsNil() {
			return register(v.Elem(), depth+1)
		}
	case reflect.Slice, reflect.Array:
		for i := range v.Len() {
			if err := register(v.Index(i), depth+1); err != nil {
				return err
			}
		}
	case reflect.Map:
		for it := v.MapRange(); it.Next(); {
			if err := register(it.Key(), depth+1); err != nil {
				return err
			}
			if err := register(it.Value(), depth+1); err != nil {
				return err
			}
		}
	case reflect.Struct:
		for i := range v.NumField() {
			if err := register(v.Field(i), depth+1); err != nil {
				return err
			}
		}
	}
	return nil
}

// Decoder reads values from R.
type Decoder struct {
	R   *bufio.Reader
	buf []byte
}

// NewDecoder returns a Decoder reading r.
func NewDecoder(r *bufio.Reader) *Decoder { return &Decoder{R: r} }

// Uvarint reads an unsigned varint.
func (d *Decoder) Uvarint() (uint64, error) {
	x, err := binary.ReadUvarint(d.R)
	return x, unexpectedEOF(err)
}

// Bytes reads n bytes into a buffer that the next call reuses.
func (d *Decoder) Bytes(n uint64) ([]byte, error) {
	if uint64(cap(d.buf)) < n {
		d.buf = make([]byte, n)
	}
	b := d.buf[:n]
	_, err := io.ReadFull(d.R, b)
	return b, unexpectedEOF(err)
}

func unexpectedEOF(err error) error {
	if err == io.EOF {
		return io.ErrUnexpectedEOF
	}
	return err
}

// Value reads one value.
func (d *Decoder) Value() (any, error) {
	tag, err := d.R.ReadByte()
	if err != nil {
		return nil, unexpectedEOF(err)
	}
	switch tag {
	case TagNil:
		return nil, nil
	case TagFalse:
		return false, nil
	case TagTrue:
		return true, nil
	case TagString, TagBytes, TagGob:
		n, err := d.Uvarint()
		if err != nil {
			return nil, err
		}
		b, err := d.Bytes(n)
		if err != nil {
			return nil, err
		}
		switch tag {
		case TagString:
			return string(b), nil
		case TagBytes:
			return append(make([]byte, 0, len(b)), b...), nil
		}
		var x any
		if err := gob.NewDecoder(bytes.NewReader(b)).Decode(&x); err != nil {
			return nil, err
		}
		return x, nil
	case TagInt, TagInt64, TagInt32:
		x, err := binary.ReadVarint(d.R)
		if err != nil {
			return nil, unexpectedEOF(err)
		}
		switch tag {
		case TagInt:
			return int(x), nil
		case TagInt32:
			return int32(x), nil
		}
		return x, nil
	case TagUint64:
		return d.Uvarint()
	case TagFloat64:
		b, err := d.Bytes(8)
		if err != nil {
			return nil, err
		}
		return math.Float64frombits(binary.LittleEndian.Uint64(b)), nil
	case TagPair:
		k, err := d.Value()
		if err != nil {
			return nil, err
		}
		v, err := d.Value()
		if err != nil {
			return nil, err
		}
		return Pairs.Make(k, v), nil
	case TagPointer:
		x, err := d.Value()
		if err != nil {
			return nil, err
		}
		if x == nil {
			return nil, errors.New("a pointer to nil")
		}
		p := reflect.New(reflect.TypeOf(x))
		p.Elem().Set(reflect.ValueOf(x))
		return p.Interface(), nil
	case TagList:
		n, err := d.Uvarint()
		if err != nil {
			return nil, err
		}
		list := make([]any, 0, min(n, 1<<16))
		for range n {
			x, err := d.Value()
			if err != nil {
				return nil, err
			}
			list = append(list, x)
		}
		return list, nil
	}
	return nil, fmt.Errorf("unknown tag %d", tag)
}
