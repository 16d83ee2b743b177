package elemcodec

import (
	"fmt"
	"reflect"
	"sync"
)

// typeVerdicts caches the static verdict on a type.
var typeVerdicts sync.Map // reflect.Type -> typeVerdict

type typeVerdict struct {
	problem string // why values of the type cannot be encoded; "" if they can
	dynamic bool   // the type holds interfaces, whose dynamic values it does not tell, or pointers, which may make a cycle
}

// verdict returns the static verdict on t.
func verdict(t reflect.Type) typeVerdict {
	if v, ok := typeVerdicts.Load(t); ok {
		return v.(typeVerdict)
	}
	typeVerdicts.Store(t, typeVerdict{dynamic: true}) // a recursive type meets itself as "fine, to walk" while it is looked at
	v := inspect(t)
	typeVerdicts.Store(t, v)
	return v
}

func inspect(t reflect.Type) typeVerdict {
	if t == timeType || marshals(t) {
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
	case reflect.Pointer:
		v := within(t, verdict(t.Elem()))
		v.dynamic = true
		return v
	case reflect.Slice, reflect.Array:
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

// Check returns the error wrapping ErrNotEncodable that Encoder.Value would return for x,
// or nil: it tells in advance whether x can leave memory, without encoding it. Types that
// hold interfaces are checked value by value.
func Check(x any) error {
	switch v := x.(type) {
	case nil, bool, string, int, int64, int32, uint64, float64, []byte:
		return nil
	case []any:
		return checkValue(reflect.ValueOf(v), 0)
	}
	if Pairs.Split != nil {
		if k, v, ok := Pairs.Split(x); ok {
			if err := Check(k); err != nil {
				return err
			}
			return Check(v)
		}
	}
	return checkValue(reflect.ValueOf(x), 0)
}

func checkValue(v reflect.Value, depth int) error {
	if depth > MaxDepth {
		return notEncodable("a value nested more than %d levels deep (a cycle of pointers?)", MaxDepth)
	}
	t := v.Type()
	vd := verdict(t)
	if vd.problem != "" {
		return notEncodable("%s", vd.problem)
	}
	if !vd.dynamic {
		return nil
	}
	switch t.Kind() {
	case reflect.Interface:
		if v.IsNil() {
			return nil
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
