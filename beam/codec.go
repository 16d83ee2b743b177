//go:build beam

package beam

import (
	"bytes"
	"encoding/binary"
	"errors"
	"fmt"
	"math"
	"reflect"
	"sort"
	"sync"
	"time"

	"github.com/gosparkling/gosparkling/fileio/warc"
	"github.com/gosparkling/gosparkling/rdd"
)

// The element codec. RDD elements are Go values of any type; between the
// stages of a Beam pipeline they travel as bytes. The encoding is
// self-describing, so that a worker or the notebook decodes a value it
// never saw the type of: common values (nil, bools, numbers, strings,
// bytes, Pairs, []any) have tags of their own, other values carry a
// description of their type (slices, arrays, maps, structs with exported
// fields, pointers to those), rebuilt with reflect on decoding. Named types
// arrive as themselves when registered (RegisterType; rdd.Pair,
// warc.Record and time.Time are), else as their underlying type. Equal
// keys encode to equal bytes: map entries are written sorted and -0 as 0,
// so that Beam can group by the encoding.

const (
	tagNil byte = iota
	tagFalse
	tagTrue
	tagInt
	tagInt64
	tagFloat64
	tagString
	tagBytes
	tagPair
	tagList
	tagTime
	tagTyped // a type description, then the value in that type's layout
)

// Kinds of type descriptions.
const (
	descBool byte = iota
	descInt
	descInt8
	descInt16
	descInt32
	descInt64
	descUint
	descUint8
	descUint16
	descUint32
	descUint64
	descUintptr
	descFloat32
	descFloat64
	descComplex64
	descComplex128
	descString
	descInterface
	descSlice
	descArray
	descMap
	descStruct
	descPointer
	descNamed
)

var basicDescs = map[reflect.Kind]byte{
	reflect.Bool: descBool, reflect.Int: descInt, reflect.Int8: descInt8, reflect.Int16: descInt16,
	reflect.Int32: descInt32, reflect.Int64: descInt64, reflect.Uint: descUint, reflect.Uint8: descUint8,
	reflect.Uint16: descUint16, reflect.Uint32: descUint32, reflect.Uint64: descUint64,
	reflect.Uintptr: descUintptr, reflect.Float32: descFloat32, reflect.Float64: descFloat64,
	reflect.Complex64: descComplex64, reflect.Complex128: descComplex128, reflect.String: descString,
}

var basicTypes = map[byte]reflect.Type{}

var (
	anyType  = reflect.TypeOf((*any)(nil)).Elem()
	timeType = reflect.TypeOf(time.Time{})
)

func init() {
	for k, d := range basicDescs {
		basicTypes[d] = kindType(k)
	}
	RegisterType(reflect.TypeOf(rdd.Pair{}))
	RegisterType(reflect.TypeOf(warc.Record{}))
	RegisterType(reflect.TypeOf(warc.Field{}))
	RegisterType(timeType)
}

func kindType(k reflect.Kind) reflect.Type {
	return map[reflect.Kind]reflect.Type{
		reflect.Bool: reflect.TypeOf(false), reflect.Int: reflect.TypeOf(0), reflect.Int8: reflect.TypeOf(int8(0)),
		reflect.Int16: reflect.TypeOf(int16(0)), reflect.Int32: reflect.TypeOf(int32(0)), reflect.Int64: reflect.TypeOf(int64(0)),
		reflect.Uint: reflect.TypeOf(uint(0)), reflect.Uint8: reflect.TypeOf(uint8(0)), reflect.Uint16: reflect.TypeOf(uint16(0)),
		reflect.Uint32: reflect.TypeOf(uint32(0)), reflect.Uint64: reflect.TypeOf(uint64(0)), reflect.Uintptr: reflect.TypeOf(uintptr(0)),
		reflect.Float32: reflect.TypeOf(float32(0)), reflect.Float64: reflect.TypeOf(float64(0)),
		reflect.Complex64: reflect.TypeOf(complex64(0)), reflect.Complex128: reflect.TypeOf(complex128(0)),
		reflect.String: reflect.TypeOf(""),
	}[k]
}

var (
	namedMu    sync.RWMutex
	namedTypes = map[string]reflect.Type{} // "pkgpath.Name" -> type
	descCache  sync.Map                    // description bytes -> reflect.Type
)

// RegisterType makes values of the named type t travel between workers and
// the notebook as values of t (only its exported fields, for a struct):
// call it in both, from an init function, for a compiled program's own
// element types. Unregistered named types arrive as their underlying
// type.
func RegisterType(t reflect.Type) {
	namedMu.Lock()
	defer namedMu.Unlock()
	namedTypes[t.PkgPath()+"."+t.Name()] = t
}

func registered(t reflect.Type) bool {
	if t.Name() == "" || t.PkgPath() == "" {
		return false
	}
	namedMu.RLock()
	defer namedMu.RUnlock()
	return namedTypes[t.PkgPath()+"."+t.Name()] == t
}

// encoder appends encodings to a buffer.
type encoder struct {
	buf      []byte
	visiting []reflect.Type // struct types being described, to refuse recursive ones
}

func (e *encoder) byte(b byte)      { e.buf = append(e.buf, b) }
func (e *encoder) uvarint(x uint64) { e.buf = binary.AppendUvarint(e.buf, x) }
func (e *encoder) varint(x int64)   { e.buf = binary.AppendVarint(e.buf, x) }
func (e *encoder) str(s string)     { e.uvarint(uint64(len(s))); e.buf = append(e.buf, s...) }
func (e *encoder) float(f float64) {
	if f == 0 {
		f = 0 // -0 and 0 are equal keys
	}
	e.buf = binary.LittleEndian.AppendUint64(e.buf, math.Float64bits(f))
}

// encode returns the encoding of x.
func encode(x any) ([]byte, error) {
	var e encoder
	if err := e.value(x); err != nil {
		return nil, err
	}
	return e.buf, nil
}

// value appends any value, with its tag.
func (e *encoder) value(x any) error {
	switch v := x.(type) {
	case nil:
		e.byte(tagNil)
	case bool:
		if v {
			e.byte(tagTrue)
		} else {
			e.byte(tagFalse)
		}
	case int:
		e.byte(tagInt)
		e.varint(int64(v))
	case int64:
		e.byte(tagInt64)
		e.varint(v)
	case float64:
		e.byte(tagFloat64)
		e.float(v)
	case string:
		e.byte(tagString)
		e.str(v)
	case []byte:
		if v == nil {
			return e.typed(reflect.ValueOf(v))
		}
		e.byte(tagBytes)
		e.str(string(v))
	case rdd.Pair:
		e.byte(tagPair)
		if err := e.value(v.Key); err != nil {
			return err
		}
		return e.value(v.Value)
	case []any:
		if v == nil {
			return e.typed(reflect.ValueOf(v))
		}
		e.byte(tagList)
		e.uvarint(uint64(len(v)))
		for _, y := range v {
			if err := e.value(y); err != nil {
				return err
			}
		}
	case time.Time:
		b, err := v.MarshalBinary()
		if err != nil {
			return err
		}
		e.byte(tagTime)
		e.str(string(b))
	default:
		return e.typed(reflect.ValueOf(x))
	}
	return nil
}

// typed appends a value with its type's description.
func (e *encoder) typed(v reflect.Value) error {
	e.byte(tagTyped)
	if err := e.desc(v.Type()); err != nil {
		return err
	}
	return e.payload(v)
}

// desc appends the description of t.
func (e *encoder) desc(t reflect.Type) error {
	if registered(t) {
		e.byte(descNamed)
		e.str(t.PkgPath() + "." + t.Name())
		return nil
	}
	if d, ok := basicDescs[t.Kind()]; ok {
		e.byte(d)
		return nil
	}
	switch t.Kind() {
	case reflect.Interface:
		if t.NumMethod() > 0 {
			return fmt.Errorf("values of interface type %s cannot travel (only any)", t)
		}
		e.byte(descInterface)
	case reflect.Slice:
		e.byte(descSlice)
		return e.desc(t.Elem())
	case reflect.Array:
		e.byte(descArray)
		e.uvarint(uint64(t.Len()))
		return e.desc(t.Elem())
	case reflect.Map:
		e.byte(descMap)
		if err := e.desc(t.Key()); err != nil {
			return err
		}
		return e.desc(t.Elem())
	case reflect.Pointer:
		e.byte(descPointer)
		return e.desc(t.Elem())
	case reflect.Struct:
		for _, v := range e.visiting {
			if v == t {
				return fmt.Errorf("a %s cannot travel: its type is recursive (register it with RegisterType)", t)
			}
		}
		e.visiting = append(e.visiting, t)
		defer func() { e.visiting = e.visiting[:len(e.visiting)-1] }()
		e.byte(descStruct)
		var fields []reflect.StructField
		for i := 0; i < t.NumField(); i++ {
			if f := t.Field(i); f.IsExported() {
				fields = append(fields, f)
			} else if !registered(t) && !isNamedStruct(t) {
				return fmt.Errorf("a %s cannot travel: its field %s is not exported", t, f.Name)
			}
		}
		e.uvarint(uint64(len(fields)))
		for _, f := range fields {
			e.str(f.Name)
			e.str(string(f.Tag))
			if err := e.desc(f.Type); err != nil {
				return err
			}
		}
	default:
		return fmt.Errorf("a %s cannot travel between Beam workers and the notebook (it is a %s)", t, t.Kind())
	}
	return nil
}

// isNamedStruct reports whether t is a compiled named struct, whose
// unexported fields are left behind.
func isNamedStruct(t reflect.Type) bool { return t.Name() != "" && t.PkgPath() != "" }

// payload appends v in the layout of its type's description.
func (e *encoder) payload(v reflect.Value) error {
	t := v.Type()
	if t == timeType {
		b, err := v.Interface().(time.Time).MarshalBinary()
		e.str(string(b))
		return err
	}
	switch t.Kind() {
	case reflect.Bool:
		if v.Bool() {
			e.byte(1)
		} else {
			e.byte(0)
		}
	case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64:
		e.varint(v.Int())
	case reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64, reflect.Uintptr:
		e.uvarint(v.Uint())
	case reflect.Float32, reflect.Float64:
		e.float(v.Float())
	case reflect.Complex64, reflect.Complex128:
		e.float(real(v.Complex()))
		e.float(imag(v.Complex()))
	case reflect.String:
		e.str(v.String())
	case reflect.Interface:
		if v.IsNil() {
			e.byte(tagNil)
			return nil
		}
		return e.value(v.Elem().Interface())
	case reflect.Slice:
		if v.IsNil() {
			e.byte(0)
			return nil
		}
		e.byte(1)
		e.uvarint(uint64(v.Len()))
		fallthrough
	case reflect.Array:
		for i := 0; i < v.Len(); i++ {
			if err := e.payload(v.Index(i)); err != nil {
				return err
			}
		}
	case reflect.Map:
		if v.IsNil() {
			e.byte(0)
			return nil
		}
		e.byte(1)
		e.uvarint(uint64(v.Len()))
		type entry struct{ k, v []byte }
		entries := make([]entry, 0, v.Len())
		iter := v.MapRange()
		for iter.Next() {
			var ke, ve encoder
			if err := ke.payload(iter.Key()); err != nil {
				return err
			}
			if err := ve.payload(iter.Value()); err != nil {
				return err
			}
			entries = append(entries, entry{ke.buf, ve.buf})
		}
		sort.Slice(entries, func(i, j int) bool { return bytes.Compare(entries[i].k, entries[j].k) < 0 })
		for _, en := range entries {
			e.buf = append(e.buf, en.k...)
			e.buf = append(e.buf, en.v...)
		}
	case reflect.Pointer:
		if v.IsNil() {
			e.byte(0)
			return nil
		}
		e.byte(1)
		return e.payload(v.Elem())
	case reflect.Struct:
		for i := 0; i < t.NumField(); i++ {
			if t.Field(i).IsExported() {
				if err := e.payload(v.Field(i)); err != nil {
					return err
				}
			}
		}
	default:
		return fmt.Errorf("a %s cannot travel", t)
	}
	return nil
}

// decoder reads encodings.
type decoder struct {
	buf []byte
	err error
}

var errShort = errors.New("beam: truncated element encoding")

func (d *decoder) fail(err error) {
	if d.err == nil {
		d.err = err
	}
}

func (d *decoder) byte() byte {
	if len(d.buf) == 0 {
		d.fail(errShort)
		return 0
	}
	b := d.buf[0]
	d.buf = d.buf[1:]
	return b
}

func (d *decoder) uvarint() uint64 {
	x, n := binary.Uvarint(d.buf)
	if n <= 0 {
		d.fail(errShort)
		return 0
	}
	d.buf = d.buf[n:]
	return x
}

func (d *decoder) varint() int64 {
	x, n := binary.Varint(d.buf)
	if n <= 0 {
		d.fail(errShort)
		return 0
	}
	d.buf = d.buf[n:]
	return x
}

func (d *decoder) bytes() []byte {
	n := d.uvarint()
	if uint64(len(d.buf)) < n {
		d.fail(errShort)
		return nil
	}
	b := d.buf[:n:n]
	d.buf = d.buf[n:]
	return b
}

func (d *decoder) float() float64 {
	if len(d.buf) < 8 {
		d.fail(errShort)
		return 0
	}
	f := math.Float64frombits(binary.LittleEndian.Uint64(d.buf))
	d.buf = d.buf[8:]
	return f
}

// decode returns the value b encodes.
func decode(b []byte) (any, error) {
	d := decoder{buf: b}
	x := d.value()
	if d.err == nil && len(d.buf) > 0 {
		d.err = errors.New("beam: bytes left after an element's encoding")
	}
	return x, d.err
}

func (d *decoder) value() any {
	switch tag := d.byte(); tag {
	case tagNil:
		return nil
	case tagFalse:
		return false
	case tagTrue:
		return true
	case tagInt:
		return int(d.varint())
	case tagInt64:
		return d.varint()
	case tagFloat64:
		return d.float()
	case tagString:
		return string(d.bytes())
	case tagBytes:
		return append([]byte{}, d.bytes()...)
	case tagPair:
		k := d.value()
		return rdd.Pair{Key: k, Value: d.value()}
	case tagList:
		n := d.uvarint()
		if n > uint64(len(d.buf)) {
			d.fail(errShort)
			return nil
		}
		out := make([]any, n)
		for i := range out {
			out[i] = d.value()
		}
		return out
	case tagTime:
		var t time.Time
		if err := t.UnmarshalBinary(d.bytes()); err != nil {
			d.fail(err)
		}
		return t
	case tagTyped:
		t := d.desc()
		if d.err != nil {
			return nil
		}
		v := reflect.New(t).Elem()
		d.payload(v)
		return v.Interface()
	default:
		d.fail(fmt.Errorf("beam: unknown element tag %d", tag))
		return nil
	}
}

// desc reads a type description.
func (d *decoder) desc() reflect.Type {
	start := d.buf
	t := d.descUncached()
	if d.err != nil {
		return nil
	}
	key := string(start[:len(start)-len(d.buf)])
	if cached, ok := descCache.Load(key); ok {
		return cached.(reflect.Type)
	}
	descCache.Store(key, t)
	return t
}

func (d *decoder) descUncached() reflect.Type {
	k := d.byte()
	if t, ok := basicTypes[k]; ok {
		return t
	}
	switch k {
	case descInterface:
		return anyType
	case descSlice:
		if e := d.descUncached(); e != nil {
			return reflect.SliceOf(e)
		}
	case descArray:
		n := d.uvarint()
		if e := d.descUncached(); e != nil {
			return reflect.ArrayOf(int(n), e)
		}
	case descMap:
		key := d.descUncached()
		if e := d.descUncached(); e != nil && key != nil {
			if !key.Comparable() {
				d.fail(fmt.Errorf("beam: map key type %s is not comparable", key))
				return nil
			}
			return reflect.MapOf(key, e)
		}
	case descPointer:
		if e := d.descUncached(); e != nil {
			return reflect.PointerTo(e)
		}
	case descStruct:
		n := d.uvarint()
		if n > uint64(len(d.buf)) {
			d.fail(errShort)
			return nil
		}
		fields := make([]reflect.StructField, n)
		for i := range fields {
			fields[i].Name = string(d.bytes())
			fields[i].Tag = reflect.StructTag(d.bytes())
			fields[i].Type = d.descUncached()
			if fields[i].Type == nil {
				return nil
			}
		}
		var t reflect.Type
		func() {
			defer func() {
				if r := recover(); r != nil {
					d.fail(fmt.Errorf("beam: rebuilding a struct type: %v", r))
				}
			}()
			t = reflect.StructOf(fields)
		}()
		return t
	case descNamed:
		name := string(d.bytes())
		namedMu.RLock()
		t := namedTypes[name]
		namedMu.RUnlock()
		if t == nil {
			d.fail(fmt.Errorf("beam: type %s is not registered here (RegisterType)", name))
		}
		return t
	default:
		d.fail(fmt.Errorf("beam: unknown type description %d", k))
	}
	return nil
}

// payload reads a value of v's type into v.
func (d *decoder) payload(v reflect.Value) {
	if d.err != nil {
		return
	}
	t := v.Type()
	if t == timeType {
		var tm time.Time
		if err := tm.UnmarshalBinary(d.bytes()); err != nil {
			d.fail(err)
		}
		v.Set(reflect.ValueOf(tm))
		return
	}
	switch t.Kind() {
	case reflect.Bool:
		v.SetBool(d.byte() == 1)
	case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64:
		v.SetInt(d.varint())
	case reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64, reflect.Uintptr:
		v.SetUint(d.uvarint())
	case reflect.Float32, reflect.Float64:
		v.SetFloat(d.float())
	case reflect.Complex64, reflect.Complex128:
		re := d.float()
		v.SetComplex(complex(re, d.float()))
	case reflect.String:
		v.SetString(string(d.bytes()))
	case reflect.Interface:
		if x := d.value(); x != nil {
			v.Set(reflect.ValueOf(x))
		}
	case reflect.Slice:
		if d.byte() == 0 {
			return
		}
		n := d.uvarint()
		if n > uint64(len(d.buf))+1 && t.Elem().Size() > 0 {
			d.fail(errShort)
			return
		}
		v.Set(reflect.MakeSlice(t, int(n), int(n)))
		for i := 0; i < int(n) && d.err == nil; i++ {
			d.payload(v.Index(i))
		}
	case reflect.Array:
		for i := 0; i < v.Len() && d.err == nil; i++ {
			d.payload(v.Index(i))
		}
	case reflect.Map:
		if d.byte() == 0 {
			return
		}
		n := d.uvarint()
		m := reflect.MakeMapWithSize(t, int(min(n, 1<<16)))
		for i := uint64(0); i < n && d.err == nil; i++ {
			k := reflect.New(t.Key()).Elem()
			d.payload(k)
			e := reflect.New(t.Elem()).Elem()
			d.payload(e)
			m.SetMapIndex(k, e)
		}
		v.Set(m)
	case reflect.Pointer:
		if d.byte() == 0 {
			return
		}
		p := reflect.New(t.Elem())
		d.payload(p.Elem())
		v.Set(p)
	case reflect.Struct:
		for i := 0; i < t.NumField() && d.err == nil; i++ {
			if t.Field(i).IsExported() {
				d.payload(v.Field(i))
			}
		}
	}
}
