package elemcodec

import (
	"encoding"
	"encoding/gob"
	"errors"
	"fmt"
	"reflect"
	"sync"
)

// ErrNotEncodable marks a value that the encoding cannot carry faithfully. The errors
// wrapping it say which type and why.
var ErrNotEncodable = errors.New("value cannot leave memory faithfully")

// typeProblems caches the static verdict on a type: "" when every value of the type can be
// encoded, else why not; dynamic[t] says that values must be looked at too (the type holds
// interfaces, whose dynamic values the type does not tell).
var (
	typeProblems sync.Map // reflect.Type -> typeVerdict
)

type typeVerdict struct {
	problem string // "" if none
	dynamic bool   // holds interfaces somewhere
}

var (
	gobEncoder      = reflect.TypeFor[gob.GobEncoder]()
	binaryMarshaler = reflect.TypeFor[encoding.BinaryMarshaler]()
)

// selfEncoding reports whether t encodes itself (time.Time does): gob then uses its
// GobEncode or MarshalBinary, which carry what its unexported fields hold.
func selfEncoding(t reflect.Type) bool {
	return t.Implements(gobEncoder) || reflect.PointerTo(t).Implements(gobEncoder) ||
		t.Implements(binaryMarshaler) || reflect.PointerTo(t).Implements(binaryMarshaler)
}

// verdict returns the static verdict on t.
func verdict(t reflect.Type) typeVerdict {
	if v, ok := typeProblems.Load(t); ok {
		return v.(typeVerdict)
	}
	typeProblems.Store(t, typeVerdict{}) // a recursive type meets itself as "fine" while it is looked at
	v := inspect(t)
	typeProblems.Store(t, v)
	return v
}

func inspect(t reflect.Type) typeVerdict {
	if selfEncoding(t) {
		return typeVerdict{}
	}
	switch t.Kind() {
	case reflect.Chan, reflect.Func, reflect.UnsafePointer, reflect.Uintptr:
		return typeVerdict{problem: fmt.Sprintf("%s cannot be encoded (a %s is meaningful only in the process that made it)", t, t.Kind())}
	case reflect.Complex64, reflect.Complex128, reflect.Bool, reflect.String,
		reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64,
		reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64,
		reflect.Float32, reflect.Float64:
		return typeVerdict{}
	case reflect.Interface:
		return typeVerdict{dynamic: true}
	case reflect.Pointer, reflect.Slice, reflect.Array:
		return within(t, verdict(t.Elem()))
	case reflect.Map:
		k, e := verdict(t.Key()), verdict(t.Elem())
		if k.problem != "" {
			return within(t, k)
		}
		return within(t, typeVerdict{problem: e.problem, dynamic: k.dynamic || e.dynamic})
	case reflect.Struct:
		var out typeVerdict
		for i := range t.NumField() {
			f := t.Field(i)
			if !f.IsExported() {
				return typeVerdict{problem: fmt.Sprintf("%s has the unexported field %s, which would be lost", t, f.Name)}
			}
			v := verdict(f.Type)
			if v.problem != "" {
				return typeVerdict{problem: fmt.Sprintf("field %s of %s: %s", f.Name, t, v.problem)}
			}
			out.dynamic = out.dynamic || v.dynamic
		}
		return out
	}
	return typeVerdict{problem: fmt.Sprintf("%s cannot be encoded", t)}
}

// within returns the verdict on a composite type t made of a part with verdict v.
func within(t reflect.Type, v typeVerdict) typeVerdict {
	if v.problem != "" && t.Name() != "" {
		v.problem = fmt.Sprintf("%s: %s", t, v.problem)
	}
	return v
}

// Check returns an error wrapping ErrNotEncodable if Encoder.Value would refuse x: if it
// holds, anywhere inside, a struct with unexported fields (unless its type encodes itself,
// as time.Time does), a channel, a func or an unsafe pointer; a nil pointer of a type; a
// pointer held in an interface inside a value that gob encodes (a struct, map or typed
// slice). Types that hold interfaces are checked value by value.
func Check(x any) error {
	switch v := x.(type) {
	case nil, bool, string, int, int64, int32, uint64, float64, []byte:
		return nil
	case []any:
		for _, y := range v {
			if err := Check(y); err != nil {
				return err
			}
		}
		return nil
	}
	if Pairs.Split != nil {
		if k, v, ok := Pairs.Split(x); ok {
			if err := Check(k); err != nil {
				return err
			}
			return Check(v)
		}
	}
	if v := reflect.ValueOf(x); v.Kind() == reflect.Pointer {
		if v.IsNil() {
			return fmt.Errorf("%w: a nil %T (only an untyped nil can be encoded)", ErrNotEncodable, x)
		}
		return Check(v.Elem().Interface())
	}
	return checkValue(reflect.ValueOf(x), 0)
}

// maxDepth bounds the walk of a value (a cyclic structure would not end).
const maxDepth = 1000

func checkValue(v reflect.Value, depth int) error {
	if depth > maxDepth {
		return fmt.Errorf("%w: %s is nested more than %d levels deep (cyclic?)", ErrNotEncodable, v.Type(), maxDepth)
	}
	t := v.Type()
	vd := verdict(t)
	if vd.problem != "" {
		return fmt.Errorf("%w: %s", ErrNotEncodable, vd.problem)
	}
	if !vd.dynamic {
		return nil
	}
	switch t.Kind() {
	case reflect.Interface:
		if v.IsNil() {
			return nil
		}
		if v.Elem().Kind() == reflect.Pointer {
			return fmt.Errorf("%w: a pointer (%s) held in an interface inside a value of gob-encoded type cannot be encoded", ErrNotEncodable, v.Elem().Type())
		}
		return checkValue(v.Elem(), depth+1)
	case reflect.Pointer:
		if v.IsNil() {
			return nil
		}
		return checkValue(v.Elem(), depth+1)
	case reflect.Slice, reflect.Array:
		for i := range v.Len() {
			if err := checkValue(v.Index(i), depth+1); err != nil {
				return err
			}
		}
	case reflect.Map:
		for it := v.MapRange(); it.Next(); {
			if err := checkValue(it.Key(), depth+1); err != nil {
				return err
			}
			if err := checkValue(it.Value(), depth+1); err != nil {
				return err
			}
		}
	case reflect.Struct:
		for i := range v.NumField() {
			if err := checkValue(v.Field(i), depth+1); err != nil {
				return err
			}
		}
	}
	return nil
}
