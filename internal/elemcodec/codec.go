// Package elemcodec is the one encoding of the elements that leave memory: the partitions
// that Persist keeps on disk (DiskOnly, and MemoryAndDisk over its budget), the records of
// the shuffle's spill files, and the elements Beam pipelines carry between their stages.
//
// A value is a tag byte and its bytes: nil, bools, strings, the int and float types the
// engine keeps unboxed, []byte, pairs, []any (nested at any depth) and time.Time directly;
// every other value as a description of its type followed by the value in that type's
// layout, written with reflect. Nothing goes through encoding/gob, so nothing is dropped
// on the way: what cannot be carried faithfully is refused with an error wrapping
// ErrNotEncodable that names the type and why, before anything is written:
//   - a struct with an unexported field anywhere inside (unless its type encodes itself
//     through encoding.BinaryMarshaler and BinaryUnmarshaler, as time.Time does);
//   - a channel, a func, an unsafe pointer or a uintptr;
//   - a value nested deeper than MaxDepth (a cyclic structure of pointers).
//
// Two modes share the format. An Encoder of a process's own files (the cache and the
// spill, read back by the process that wrote them) describes a type by a number that the
// process gives it, so every type comes back as itself: named types, types declared in a
// function, the interpreter's types. A Portable encoder (Beam's, whose elements are read
// by other processes) describes types by their structure, named types registered with
// RegisterType by their name; an unregistered named type then arrives as its underlying
// type. Portable encodings are canonical, so that a pipeline can group by them: map
// entries are written sorted by their encoding and -0 as 0.
//
// What is not kept, documented rather than refused: a time.Time comes back with its
// instant and its zone (a zone of the time zone database reloaded by its name, a fixed zone
// made again from its name and offset), without its monotonic clock reading; pointers to
// one value come back as distinct copies.
package elemcodec

import (
	"bufio"
	"bytes"
	"encoding"
	"encoding/binary"
	"errors"
	"fmt"
	"io"
	"math"
	"reflect"
	"sort"
	"sync"
	"time"
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
	TagTime
	TagTyped // a type's description, then the value in that type's layout
)

// MaxDepth bounds how deeply values nest inside one another (a cyclic structure of
// pointers would not end).
const MaxDepth = 10000

// ErrNotEncodable marks a value that the encoding cannot carry faithfully. The errors
// wrapping it say which type and why.
var ErrNotEncodable = errors.New("value cannot leave memory faithfully")

// Pairs tells the codec about the engine's pair type (which lives in package rdd, above
// this one): Split returns the key and value of a pair, Make builds one.
var Pairs struct {
	Split func(x any) (key, value any, ok bool)
	Make  func(key, value any) any
}

// Encoder writes values to W.
type Encoder struct {
	W *bufio.Writer
	// Portable makes the encoding readable by other processes, and canonical (see the
	// package comment).
	Portable bool

	scratch  [binary.MaxVarintLen64]byte
	buf      []byte         // the value being encoded
	visiting []reflect.Type // struct types being described (portable), to refuse recursive ones
	depth    int
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
	if x == 0 && e.Portable {
		x = 0 // -0 and 0 are equal keys
	}
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

// Value writes any value, or returns an error wrapping ErrNotEncodable having written
// nothing.
func (e *Encoder) Value(x any) error {
	e.buf = e.buf[:0]
	e.visiting = e.visiting[:0]
	e.depth = 0
	if err := e.value(x); err != nil {
		return err
	}
	_, err := e.W.Write(e.buf)
	return err
}

var portableEncoders = sync.Pool{New: func() any { return &Encoder{Portable: true} }}

// Marshal returns the portable encoding of x.
func Marshal(x any) ([]byte, error) {
	e := portableEncoders.Get().(*Encoder)
	defer portableEncoders.Put(e)
	e.buf, e.visiting, e.depth = e.buf[:0], e.visiting[:0], 0
	if err := e.value(x); err != nil {
		return nil, err
	}
	return append([]byte(nil), e.buf...), nil
}

func (e *Encoder) byte(b byte)      { e.buf = append(e.buf, b) }
func (e *Encoder) uvarint(x uint64) { e.buf = binary.AppendUvarint(e.buf, x) }
func (e *Encoder) varint(x int64)   { e.buf = binary.AppendVarint(e.buf, x) }
func (e *Encoder) str(s string)     { e.uvarint(uint64(len(s))); e.buf = append(e.buf, s...) }
func (e *Encoder) float(f float64) {
	if f == 0 && e.Portable {
		f = 0
	}
	e.buf = binary.LittleEndian.AppendUint64(e.buf, math.Float64bits(f))
}

func notEncodable(format string, args ...any) error {
	return fmt.Errorf("%w: %s", ErrNotEncodable, fmt.Sprintf(format, args...))
}

// value appends x with its tag.
func (e *Encoder) value(x any) error {
	switch v := x.(type) {
	case nil:
		e.byte(TagNil)
	case bool:
		if v {
			e.byte(TagTrue)
		} else {
			e.byte(TagFalse)
		}
	case string:
		e.byte(TagString)
		e.str(v)
	case int:
		e.byte(TagInt)
		e.varint(int64(v))
	case int64:
		e.byte(TagInt64)
		e.varint(v)
	case int32:
		e.byte(TagInt32)
		e.varint(int64(v))
	case uint64:
		e.byte(TagUint64)
		e.uvarint(v)
	case float64:
		e.byte(TagFloat64)
		e.float(v)
	case []byte:
		if v == nil {
			return e.typed(reflect.ValueOf(x)) // keep nil apart from empty
		}
		e.byte(TagBytes)
		e.str(string(v))
	case []any:
		if v == nil {
			return e.typed(reflect.ValueOf(x))
		}
		return e.list(v)
	case time.Time:
		e.byte(TagTime)
		return e.time(v)
	default:
		if Pairs.Split != nil {
			if k, val, ok := Pairs.Split(x); ok {
				if err := e.enter(); err != nil {
					return err
				}
				defer e.leave()
				e.byte(TagPair)
				if err := e.value(k); err != nil {
					return err
				}
				return e.value(val)
			}
		}
		return e.typed(reflect.ValueOf(x))
	}
	return nil
}

// list appends a []any: without a deferred call (value is called for
// every element a shuffle spills, and a deferred call in it costs every
// list its run at return) and with int64 and string elements, the common
// ones of grouped values, appended in place.
func (e *Encoder) list(v []any) error {
	if err := e.enter(); err != nil {
		return err
	}
	e.byte(TagList)
	e.uvarint(uint64(len(v)))
	for _, y := range v {
		switch x := y.(type) {
		case int64:
			e.byte(TagInt64)
			e.varint(x)
		case string:
			e.byte(TagString)
			e.str(x)
		default:
			if err := e.value(y); err != nil {
				e.leave()
				return err
			}
		}
	}
	e.leave()
	return nil
}

func (e *Encoder) enter() error {
	e.depth++
	if e.depth > MaxDepth {
		return notEncodable("a value nested more than %d levels deep (a cycle of pointers?)", MaxDepth)
	}
	return nil
}

func (e *Encoder) leave() { e.depth-- }

// time appends a time's instant, offset and zone name.
func (e *Encoder) time(t time.Time) error {
	b, err := t.MarshalBinary()
	if err != nil {
		return notEncodable("time.Time %v: %v", t, err)
	}
	e.str(string(b))
	loc := t.Location()
	e.str(loc.String())
	if zoneByName(loc) {
		e.byte(1)
	} else {
		e.byte(0)
	}
	return nil
}

var zonesByName sync.Map // *time.Location -> bool

// zoneByName reports whether loc is the zone of the time zone database its name names
// (time.LoadLocation's), rather than a fixed zone that has a name (time.FixedZone's): the
// first is reloaded by name, the second made again from its name and offset.
func zoneByName(loc *time.Location) bool {
	name := loc.String()
	if name == "UTC" || name == "Local" || name == "" {
		return false
	}
	if v, ok := zonesByName.Load(loc); ok {
		return v.(bool)
	}
	same := false
	if l, err := loadLocation(name); err == nil {
		same = true
		for _, year := range []int{1970, 2000, 2024, 2040} {
			for _, month := range []time.Month{time.January, time.July} {
				at := time.Date(year, month, 1, 0, 0, 0, 0, time.UTC)
				n1, o1 := at.In(loc).Zone()
				n2, o2 := at.In(l).Zone()
				same = same && n1 == n2 && o1 == o2
			}
		}
	}
	zonesByName.Store(loc, same)
	return same
}

var locations sync.Map // zone name -> *time.Location, or an error

func loadLocation(name string) (*time.Location, error) {
	if l, ok := locations.Load(name); ok {
		if err, failed := l.(error); failed {
			return nil, err
		}
		return l.(*time.Location), nil
	}
	loc, err := time.LoadLocation(name)
	if err != nil {
		locations.Store(name, err)
		return nil, err
	}
	l, _ := locations.LoadOrStore(name, loc)
	return l.(*time.Location), nil
}

// typed appends a value with its type's description.
func (e *Encoder) typed(v reflect.Value) error {
	t := v.Type()
	if vd := verdict(t); vd.problem != "" {
		return notEncodable("%s", vd.problem)
	}
	e.byte(TagTyped)
	if err := e.desc(t); err != nil {
		return err
	}
	return e.payload(v)
}

// payload appends v in the layout of its type.
func (e *Encoder) payload(v reflect.Value) error {
	t := v.Type()
	if t == timeType {
		return e.time(v.Interface().(time.Time))
	}
	if marshals(t) {
		b, err := marshal(v)
		if err != nil {
			return notEncodable("%s: MarshalBinary: %v", t, err)
		}
		e.str(string(b))
		return nil
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
	case reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64:
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
			e.byte(TagNil)
			return nil
		}
		if err := e.enter(); err != nil {
			return err
		}
		defer e.leave()
		return e.value(v.Elem().Interface())
	case reflect.Slice:
		if v.IsNil() {
			e.byte(0)
			return nil
		}
		e.byte(1)
		e.uvarint(uint64(v.Len()))
		if t.Elem().Kind() == reflect.Uint8 && !marshals(t.Elem()) {
			e.buf = append(e.buf, v.Bytes()...)
			return nil
		}
		return e.elements(v)
	case reflect.Array:
		return e.elements(v)
	case reflect.Map:
		if v.IsNil() {
			e.byte(0)
			return nil
		}
		e.byte(1)
		e.uvarint(uint64(v.Len()))
		if err := e.enter(); err != nil {
			return err
		}
		defer e.leave()
		start := len(e.buf)
		type span struct{ k, v, end int }
		var spans []span // where each entry is, when they are to be sorted
		for it := v.MapRange(); it.Next(); {
			s := span{k: len(e.buf)}
			if err := e.payload(it.Key()); err != nil {
				return err
			}
			s.v = len(e.buf)
			if err := e.payload(it.Value()); err != nil {
				return err
			}
			s.end = len(e.buf)
			if e.Portable {
				spans = append(spans, s)
			}
		}
		if e.Portable && len(spans) > 1 {
			region := append([]byte(nil), e.buf[start:]...)
			sort.Slice(spans, func(i, j int) bool {
				a, b := spans[i], spans[j]
				return bytes.Compare(region[a.k-start:a.v-start], region[b.k-start:b.v-start]) < 0
			})
			e.buf = e.buf[:start]
			for _, s := range spans {
				e.buf = append(e.buf, region[s.k-start:s.end-start]...)
			}
		}
	case reflect.Pointer:
		if v.IsNil() {
			e.byte(0)
			return nil
		}
		e.byte(1)
		if err := e.enter(); err != nil {
			return err
		}
		defer e.leave()
		return e.payload(v.Elem())
	case reflect.Struct:
		for i := range t.NumField() {
			if err := e.payload(v.Field(i)); err != nil {
				return err
			}
		}
	default:
		return notEncodable("%s cannot be encoded", t)
	}
	return nil
}

func (e *Encoder) elements(v reflect.Value) error {
	if err := e.enter(); err != nil {
		return err
	}
	defer e.leave()
	for i := range v.Len() {
		if err := e.payload(v.Index(i)); err != nil {
			return err
		}
	}
	return nil
}

// Decoder reads values from R.
type Decoder struct {
	R *bufio.Reader
	// Portable refuses the descriptions only the writing process can read.
	Portable bool

	buf     []byte
	desc    []byte // the description being read, as the key of descCache
	inDesc  bool
	err     error
	depth   int
	scratch [8]byte
}

// NewDecoder returns a Decoder reading r.
func NewDecoder(r *bufio.Reader) *Decoder { return &Decoder{R: r} }

// portableDecoder is a Decoder of Unmarshal's, kept for the next call.
type portableDecoder struct {
	Decoder
	src bytes.Reader
}

var portableDecoders = sync.Pool{New: func() any {
	d := &portableDecoder{}
	d.Portable = true
	d.R = bufio.NewReaderSize(&d.src, 4096)
	return d
}}

// Unmarshal returns the value of a portable encoding.
func Unmarshal(b []byte) (any, error) {
	d := portableDecoders.Get().(*portableDecoder)
	defer portableDecoders.Put(d)
	d.src.Reset(b)
	d.R.Reset(&d.src)
	x, err := d.Value()
	if err != nil {
		return nil, err
	}
	if _, err := d.R.ReadByte(); err != io.EOF {
		return nil, errors.New("elemcodec: bytes left after a value's encoding")
	}
	return x, nil
}

// Uvarint reads an unsigned varint.
func (d *Decoder) Uvarint() (uint64, error) {
	x, err := binary.ReadUvarint(d.R)
	return x, unexpectedEOF(err)
}

// Bytes reads n bytes into a buffer that the next call reuses.
func (d *Decoder) Bytes(n uint64) ([]byte, error) {
	if n > 1<<40 {
		return nil, fmt.Errorf("elemcodec: a length of %d bytes (corrupt data?)", n)
	}
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
	d.err = nil
	d.depth = 0
	x := d.value()
	if d.err != nil {
		return nil, d.err
	}
	return x, nil
}

func (d *Decoder) fail(err error) {
	if d.err == nil {
		d.err = unexpectedEOF(err)
	}
}

func (d *Decoder) byte() byte {
	b, err := d.R.ReadByte()
	if err != nil {
		d.fail(err)
		return 0
	}
	if d.inDesc {
		d.desc = append(d.desc, b)
	}
	return b
}

func (d *Decoder) uvarint() uint64 {
	x, err := binary.ReadUvarint(byteReader{d})
	if err != nil {
		d.fail(err)
	}
	return x
}

func (d *Decoder) varint() int64 {
	x, err := binary.ReadVarint(byteReader{d})
	if err != nil {
		d.fail(err)
	}
	return x
}

// byteReader reads through Decoder.byte, so that descriptions are recorded.
type byteReader struct{ d *Decoder }

func (r byteReader) ReadByte() (byte, error) {
	b := r.d.byte()
	return b, r.d.err
}

// bytes reads a length and that many bytes into a buffer that the next call reuses.
func (d *Decoder) bytes() []byte {
	n := d.uvarint()
	if d.err != nil {
		return nil
	}
	b, err := d.Bytes(n)
	if err != nil {
		d.fail(err)
		return nil
	}
	if d.inDesc {
		d.desc = append(d.desc, b...)
	}
	return b
}

func (d *Decoder) float() float64 {
	if _, err := io.ReadFull(d.R, d.scratch[:8]); err != nil {
		d.fail(err)
		return 0
	}
	return math.Float64frombits(binary.LittleEndian.Uint64(d.scratch[:8]))
}

func (d *Decoder) enter() bool {
	d.depth++
	if d.depth > MaxDepth {
		d.fail(fmt.Errorf("elemcodec: values nested more than %d levels deep (corrupt data?)", MaxDepth))
		return false
	}
	return true
}

// list reads the rest of a []any (its tag read), without a deferred call
// (see Encoder.list).
func (d *Decoder) list() any {
	if !d.enter() {
		return nil
	}
	n := d.uvarint()
	list := make([]any, 0, min(n, 1<<16))
	for i := uint64(0); i < n && d.err == nil; i++ {
		list = append(list, d.value())
	}
	d.depth--
	return list
}

func (d *Decoder) value() any {
	if d.err != nil {
		return nil
	}
	switch tag := d.byte(); tag {
	case TagNil:
		return nil
	case TagFalse:
		return false
	case TagTrue:
		return true
	case TagString:
		return string(d.bytes())
	case TagBytes:
		return append([]byte{}, d.bytes()...)
	case TagInt:
		return int(d.varint())
	case TagInt64:
		return d.varint()
	case TagInt32:
		return int32(d.varint())
	case TagUint64:
		return d.uvarint()
	case TagFloat64:
		return d.float()
	case TagPair:
		if !d.enter() {
			return nil
		}
		defer func() { d.depth-- }()
		k := d.value()
		v := d.value()
		if d.err != nil {
			return nil
		}
		return Pairs.Make(k, v)
	case TagList:
		return d.list()
	case TagTime:
		return d.time()
	case TagTyped:
		t := d.typeDesc()
		if d.err != nil {
			return nil
		}
		v := reflect.New(t).Elem()
		d.payload(v)
		return v.Interface()
	default:
		if d.err == nil {
			d.fail(fmt.Errorf("elemcodec: unknown tag %d (corrupt data?)", tag))
		}
		return nil
	}
}

// time reads a time's instant, offset and zone.
func (d *Decoder) time() time.Time {
	var t time.Time
	if err := t.UnmarshalBinary(d.bytes()); err != nil {
		d.fail(fmt.Errorf("elemcodec: a time: %w", err))
		return t
	}
	name := string(d.bytes())
	byName := d.byte() == 1
	if d.err != nil || name == "UTC" || name == "Local" || name == "" {
		return t
	}
	_, offset := t.Zone()
	if byName {
		if loc, err := loadLocation(name); err == nil {
			if _, off := t.In(loc).Zone(); off == offset {
				return t.In(loc)
			}
		}
	}
	type fixed struct {
		name   string
		offset int
	}
	z, ok := fixedZones.Load(fixed{name, offset})
	if !ok {
		z, _ = fixedZones.LoadOrStore(fixed{name, offset}, time.FixedZone(name, offset))
	}
	return t.In(z.(*time.Location))
}

var fixedZones sync.Map // {name, offset} -> *time.Location

// payload reads a value of v's type into v.
func (d *Decoder) payload(v reflect.Value) {
	if d.err != nil {
		return
	}
	t := v.Type()
	if t == timeType {
		v.Set(reflect.ValueOf(d.time()))
		return
	}
	if marshals(t) {
		b := d.bytes()
		if d.err != nil {
			return
		}
		if err := v.Addr().Interface().(encoding.BinaryUnmarshaler).UnmarshalBinary(b); err != nil {
			d.fail(fmt.Errorf("elemcodec: %s: UnmarshalBinary: %w", t, err))
		}
		return
	}
	switch t.Kind() {
	case reflect.Bool:
		v.SetBool(d.byte() == 1)
	case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64:
		v.SetInt(d.varint())
	case reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64:
		v.SetUint(d.uvarint())
	case reflect.Float32, reflect.Float64:
		v.SetFloat(d.float())
	case reflect.Complex64, reflect.Complex128:
		re := d.float()
		v.SetComplex(complex(re, d.float()))
	case reflect.String:
		v.SetString(string(d.bytes()))
	case reflect.Interface:
		if !d.enter() {
			return
		}
		defer func() { d.depth-- }()
		x := d.value()
		if x == nil || d.err != nil {
			return
		}
		xv := reflect.ValueOf(x)
		if !xv.Type().AssignableTo(t) {
			d.fail(fmt.Errorf("elemcodec: a %s read where a %s was written (corrupt data?)", xv.Type(), t))
			return
		}
		v.Set(xv)
	case reflect.Slice:
		if d.byte() == 0 {
			return
		}
		n := d.uvarint()
		if d.err != nil {
			return
		}
		if t.Elem().Kind() == reflect.Uint8 && !marshals(t.Elem()) {
			b, err := d.Bytes(n)
			if err != nil {
				d.fail(err)
				return
			}
			s := reflect.MakeSlice(t, int(n), int(n))
			reflect.Copy(s, reflect.ValueOf(b))
			v.Set(s)
			return
		}
		if n > 1<<32 {
			d.fail(fmt.Errorf("elemcodec: a slice of %d elements (corrupt data?)", n))
			return
		}
		if !d.enter() {
			return
		}
		defer func() { d.depth-- }()
		if n <= 1<<12 {
			s := reflect.MakeSlice(t, int(n), int(n))
			for i := 0; i < int(n) && d.err == nil; i++ {
				d.payload(s.Index(i))
			}
			v.Set(s)
			return
		}
		// Grow as elements arrive, so that a corrupt length cannot allocate much.
		s := reflect.MakeSlice(t, 0, 1<<12)
		zero := reflect.Zero(t.Elem())
		for i := uint64(0); i < n && d.err == nil; i++ {
			s = reflect.Append(s, zero)
			d.payload(s.Index(int(i)))
		}
		v.Set(s)
	case reflect.Array:
		if !d.enter() {
			return
		}
		defer func() { d.depth-- }()
		for i := 0; i < v.Len() && d.err == nil; i++ {
			d.payload(v.Index(i))
		}
	case reflect.Map:
		if d.byte() == 0 {
			return
		}
		n := d.uvarint()
		if !d.enter() {
			return
		}
		defer func() { d.depth-- }()
		m := reflect.MakeMapWithSize(t, int(min(n, 1<<12)))
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
		if !d.enter() {
			return
		}
		defer func() { d.depth-- }()
		p := reflect.New(t.Elem())
		d.payload(p.Elem())
		v.Set(p)
	case reflect.Struct:
		for i := 0; i < t.NumField() && d.err == nil; i++ {
			d.payload(v.Field(i))
		}
	default:
		d.fail(fmt.Errorf("elemcodec: cannot decode a %s", t))
	}
}
