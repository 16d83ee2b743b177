package elemcodec

import (
	"encoding"
	"fmt"
	"reflect"
	"sync"
	"sync/atomic"
	"time"
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
	descFloat32
	descFloat64
	descComplex64
	descComplex128
	descString
	descInterface // any
	descSlice
	descArray
	descMap
	descPointer
	descStruct
	descNamed // a type registered with RegisterType, by name
	descLocal // a type by the number the writing process gave it
)

var basicTypes = [...]reflect.Type{
	descBool: reflect.TypeFor[bool](), descInt: reflect.TypeFor[int](), descInt8: reflect.TypeFor[int8](),
	descInt16: reflect.TypeFor[int16](), descInt32: reflect.TypeFor[int32](), descInt64: reflect.TypeFor[int64](),
	descUint: reflect.TypeFor[uint](), descUint8: reflect.TypeFor[uint8](), descUint16: reflect.TypeFor[uint16](),
	descUint32: reflect.TypeFor[uint32](), descUint64: reflect.TypeFor[uint64](), descFloat32: reflect.TypeFor[float32](),
	descFloat64: reflect.TypeFor[float64](), descComplex64: reflect.TypeFor[complex64](),
	descComplex128: reflect.TypeFor[complex128](), descString: reflect.TypeFor[string](),
}

var basicDescs = map[reflect.Kind]byte{}

var (
	anyType         = reflect.TypeFor[any]()
	timeType        = reflect.TypeFor[time.Time]()
	marshalerType   = reflect.TypeFor[encoding.BinaryMarshaler]()
	unmarshalerType = reflect.TypeFor[encoding.BinaryUnmarshaler]()
)

func init() {
	for d, t := range basicTypes {
		basicDescs[t.Kind()] = byte(d)
	}
	RegisterType(timeType)
}

// Named types registered for portable encodings.
var (
	namedMu    sync.RWMutex
	namedTypes = map[string]reflect.Type{} // "pkgpath.Name" -> type
	descCache  sync.Map                    // portable description -> reflect.Type
)

// RegisterType makes values of the named type t travel in portable encodings as values
// of t rather than of its underlying type: register it in every process that reads or
// writes them, from an init function.
func RegisterType(t reflect.Type) {
	namedMu.Lock()
	defer namedMu.Unlock()
	namedTypes[typeName(t)] = t
}

func typeName(t reflect.Type) string { return t.PkgPath() + "." + t.Name() }

func registered(t reflect.Type) bool {
	if t.Name() == "" || t.PkgPath() == "" {
		return false
	}
	namedMu.RLock()
	defer namedMu.RUnlock()
	return namedTypes[typeName(t)] == t
}

// The types of local descriptions: the number of a type is its index in localTypes.
var (
	localMu    sync.Mutex
	localIDs   sync.Map                       // reflect.Type -> uint64
	localTypes atomic.Pointer[[]reflect.Type] // copied on write
)

func localID(t reflect.Type) uint64 {
	if id, ok := localIDs.Load(t); ok {
		return id.(uint64)
	}
	localMu.Lock()
	defer localMu.Unlock()
	if id, ok := localIDs.Load(t); ok {
		return id.(uint64)
	}
	var types []reflect.Type
	if p := localTypes.Load(); p != nil {
		types = *p
	}
	types = append(types[:len(types):len(types)], t)
	localTypes.Store(&types)
	id := uint64(len(types) - 1)
	localIDs.Store(t, id)
	return id
}

func localType(id uint64) reflect.Type {
	if p := localTypes.Load(); p != nil && id < uint64(len(*p)) {
		return (*p)[id]
	}
	return nil
}

// marshals reports whether values of t are encoded by their MarshalBinary and decoded by
// UnmarshalBinary. Only types that need it do: a struct whose fields are all exported is
// encoded field by field, and one that embeds a field with these methods is refused
// rather than trusted, since the methods may be the embedded field's, which would leave
// the other fields behind.
func marshals(t reflect.Type) bool {
	if t.Kind() == reflect.Interface || t.Kind() == reflect.Pointer || t.Name() == "" {
		return false
	}
	if !(t.Implements(marshalerType) || reflect.PointerTo(t).Implements(marshalerType)) ||
		!reflect.PointerTo(t).Implements(unmarshalerType) {
		return false
	}
	if t.Kind() != reflect.Struct {
		return true
	}
	unexported := false
	for i := range t.NumField() {
		f := t.Field(i)
		if !f.IsExported() {
			unexported = true
		}
		if f.Anonymous && (f.Type.Implements(marshalerType) || reflect.PointerTo(f.Type).Implements(marshalerType)) {
			return false
		}
	}
	return unexported
}

// marshal returns MarshalBinary's encoding of v.
func marshal(v reflect.Value) ([]byte, error) {
	if m, ok := v.Interface().(encoding.BinaryMarshaler); ok {
		return m.MarshalBinary()
	}
	p := reflect.New(v.Type())
	p.Elem().Set(v)
	return p.Interface().(encoding.BinaryMarshaler).MarshalBinary()
}

// desc appends the description of t.
func (e *Encoder) desc(t reflect.Type) error {
	if t.Name() == "" || t.PkgPath() == "" { // unnamed, or predeclared
		if d, ok := basicDescs[t.Kind()]; ok && basicTypes[d] == t {
			e.byte(d)
			return nil
		}
	}
	if !e.Portable {
		e.byte(descLocal)
		e.uvarint(localID(t))
		return nil
	}
	if registered(t) {
		e.byte(descNamed)
		e.str(typeName(t))
		return nil
	}
	if t == timeType || marshals(t) {
		return notEncodable("a %s cannot travel to another process unless its type is registered (RegisterType)", t)
	}
	if d, ok := basicDescs[t.Kind()]; ok {
		e.byte(d) // an unregistered named type travels as its underlying type
		return nil
	}
	switch t.Kind() {
	case reflect.Interface:
		if t.NumMethod() > 0 {
			return notEncodable("values of the interface type %s cannot travel to another process (only any's)", t)
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
				return notEncodable("a %s cannot travel to another process: its type is recursive (register it with RegisterType)", t)
			}
		}
		e.visiting = append(e.visiting, t)
		defer func() { e.visiting = e.visiting[:len(e.visiting)-1] }()
		e.byte(descStruct)
		e.uvarint(uint64(t.NumField()))
		for i := range t.NumField() {
			f := t.Field(i)
			e.str(f.Name)
			e.str(string(f.Tag))
			if err := e.desc(f.Type); err != nil {
				return err
			}
		}
	default:
		return notEncodable("%s cannot be encoded", t)
	}
	return nil
}

// typeDesc reads a type's description.
func (d *Decoder) typeDesc() reflect.Type {
	d.inDesc, d.desc = true, d.desc[:0]
	t := d.descUncached()
	d.inDesc = false
	if d.err != nil || t == nil || len(d.desc) < 2 || d.desc[0] == descLocal || d.desc[0] == descNamed {
		return t
	}
	key := string(d.desc)
	if cached, ok := descCache.Load(key); ok {
		return cached.(reflect.Type)
	}
	descCache.Store(key, t)
	return t
}

func (d *Decoder) descUncached() reflect.Type {
	k := d.byte()
	if d.err != nil {
		return nil
	}
	if int(k) < len(basicTypes) && basicTypes[k] != nil {
		return basicTypes[k]
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
			if n > 1<<32 {
				d.fail(fmt.Errorf("elemcodec: an array of %d elements (corrupt data?)", n))
				return nil
			}
			return reflect.ArrayOf(int(n), e)
		}
	case descMap:
		key := d.descUncached()
		if e := d.descUncached(); e != nil && key != nil {
			if !key.Comparable() {
				d.fail(fmt.Errorf("elemcodec: the map key type %s is not comparable (corrupt data?)", key))
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
		if n > 1<<16 {
			d.fail(fmt.Errorf("elemcodec: a struct of %d fields (corrupt data?)", n))
			return nil
		}
		fields := make([]reflect.StructField, n)
		for i := range fields {
			fields[i].Name = string(d.bytes())
			fields[i].Tag = reflect.StructTag(d.bytes())
			if fields[i].Type = d.descUncached(); fields[i].Type == nil {
				return nil
			}
		}
		var t reflect.Type
		func() {
			defer func() {
				if r := recover(); r != nil {
					d.fail(fmt.Errorf("elemcodec: rebuilding a struct type: %v", r))
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
		if t == nil && d.err == nil {
			d.fail(fmt.Errorf("elemcodec: the type %s is not registered in this process (RegisterType)", name))
		}
		return t
	case descLocal:
		id := d.uvarint()
		if d.Portable {
			d.fail(fmt.Errorf("elemcodec: a type only the process that wrote it knows (not a portable encoding)"))
			return nil
		}
		t := localType(id)
		if t == nil && d.err == nil {
			d.fail(fmt.Errorf("elemcodec: type number %d is unknown to this process (data written by another one?)", id))
		}
		return t
	default:
		d.fail(fmt.Errorf("elemcodec: unknown type description %d (corrupt data?)", k))
	}
	return nil
}
