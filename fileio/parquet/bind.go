package parquet

import (
	"fmt"
	"math"
	"reflect"
	"strings"
)

// StructBinder makes values of a struct type out of rows: each exported field reads the
// column named by its tag parquet:"name" ("-" leaves the field out), else the column whose
// name is the field's name, compared without case and underscores (field WarcRecordOffset
// reads column warc_record_offset, URL reads url). Nested structs are not looked into.
type StructBinder struct {
	typ    reflect.Type
	fields []bindField
}

type bindField struct {
	index int
	name  string // the Go field name
	tag   string // the column the tag names, or ""
}

// NewStructBinder returns the binder of the type of sample, a struct or a pointer to one.
func NewStructBinder(sample any) (*StructBinder, error) {
	t := reflect.TypeOf(sample)
	for t != nil && t.Kind() == reflect.Pointer {
		t = t.Elem()
	}
	if t == nil || t.Kind() != reflect.Struct {
		return nil, fmt.Errorf("parquet: rows can be made of structs only, not %v", reflect.TypeOf(sample))
	}
	b := &StructBinder{typ: t}
	for i := 0; i < t.NumField(); i++ {
		f := t.Field(i)
		if !f.IsExported() {
			continue
		}
		tag, _, _ := strings.Cut(f.Tag.Get("parquet"), ",")
		if tag == "-" {
			continue
		}
		b.fields = append(b.fields, bindField{index: i, name: f.Name, tag: tag})
	}
	if len(b.fields) == 0 {
		return nil, fmt.Errorf("parquet: %v has no exported field to read a column into", t)
	}
	return b, nil
}

// Type returns the struct type.
func (b *StructBinder) Type() reflect.Type { return b.typ }

func fold(name string) string { return strings.ToLower(strings.ReplaceAll(name, "_", "")) }

// Match returns, for each field, the column of available that it reads.
func (b *StructBinder) Match(available []string) ([]string, error) {
	exact := map[string]bool{}
	folded := map[string]string{}
	for _, a := range available {
		exact[a] = true
		if _, dup := folded[fold(a)]; !dup {
			folded[fold(a)] = a
		}
	}
	out := make([]string, len(b.fields))
	for i, f := range b.fields {
		switch {
		case f.tag != "":
			if !exact[f.tag] {
				return nil, fmt.Errorf("no column %q for field %s of %v (columns: %s)", f.tag, f.name, b.typ, strings.Join(available, ", "))
			}
			out[i] = f.tag
		case exact[f.name]:
			out[i] = f.name
		case folded[fold(f.name)] != "":
			out[i] = folded[fold(f.name)]
		default:
			return nil, fmt.Errorf("no column for field %s of %v (columns: %s; name one with a tag parquet:\"column\")", f.name, b.typ, strings.Join(available, ", "))
		}
	}
	return out, nil
}

// Bind returns a struct value whose fields hold values, one per field in the order of
// Match. A nil value leaves the field's zero value.
func (b *StructBinder) Bind(values []any) (any, error) {
	v := reflect.New(b.typ).Elem()
	for i, f := range b.fields {
		if err := assign(v.Field(f.index), values[i]); err != nil {
			return nil, fmt.Errorf("field %s of %v: %w", f.name, b.typ, err)
		}
	}
	return v.Interface(), nil
}

// assign stores x into dst, converting numbers, strings and lists to dst's type.
func assign(dst reflect.Value, x any) error {
	if x == nil {
		dst.SetZero()
		return nil
	}
	xv := reflect.ValueOf(x)
	t := dst.Type()
	if xv.Type().AssignableTo(t) {
		dst.Set(xv)
		return nil
	}
	if t.Kind() == reflect.Pointer {
		p := reflect.New(t.Elem())
		if err := assign(p.Elem(), x); err != nil {
			return err
		}
		dst.Set(p)
		return nil
	}
	mismatch := func() error { return fmt.Errorf("cannot store %v (%T) in a %v", x, x, t) }
	if t == timeType || t == durationType {
		if xv.Type().ConvertibleTo(t) && xv.Kind() == t.Kind() {
			dst.Set(xv.Convert(t))
			return nil
		}
		if t == durationType {
			if n, ok := toNumber(x); ok && n.isInt {
				dst.SetInt(n.i)
				return nil
			}
		}
		return mismatch()
	}
	switch t.Kind() {
	case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64:
		n, ok := toNumber(x)
		if !ok || !n.isInt || dst.OverflowInt(n.i) {
			if ok && !n.isInt && n.f == math.Trunc(n.f) && n.f >= math.MinInt64 && n.f < math.MaxInt64 && !dst.OverflowInt(int64(n.f)) {
				dst.SetInt(int64(n.f))
				return nil
			}
			return mismatch()
		}
		dst.SetInt(n.i)
	case reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64, reflect.Uintptr:
		if u, ok := x.(uint64); ok && !dst.OverflowUint(u) {
			dst.SetUint(u)
			return nil
		}
		n, ok := toNumber(x)
		if !ok || !n.isInt || n.i < 0 || dst.OverflowUint(uint64(n.i)) {
			return mismatch()
		}
		dst.SetUint(uint64(n.i))
	case reflect.Float32, reflect.Float64:
		n, ok := toNumber(x)
		if !ok {
			return mismatch()
		}
		dst.SetFloat(n.float())
	case reflect.String:
		switch s := x.(type) {
		case string:
			dst.SetString(s)
		case []byte:
			dst.SetString(string(s))
		default:
			return mismatch()
		}
	case reflect.Bool:
		bv, ok := x.(bool)
		if !ok {
			return mismatch()
		}
		dst.SetBool(bv)
	case reflect.Slice:
		if s, ok := x.(string); ok && t.Elem().Kind() == reflect.Uint8 {
			dst.SetBytes([]byte(s))
			return nil
		}
		if xv.Kind() != reflect.Slice {
			return mismatch()
		}
		out := reflect.MakeSlice(t, xv.Len(), xv.Len())
		for i := 0; i < xv.Len(); i++ {
			if err := assign(out.Index(i), xv.Index(i).Interface()); err != nil {
				return err
			}
		}
		dst.Set(out)
	case reflect.Interface:
		if !xv.Type().Implements(t) {
			return mismatch()
		}
		dst.Set(xv)
	default:
		return mismatch()
	}
	return nil
}
