package interp

import (
	"fmt"
	"math"
	"reflect"
	"sort"
	"strconv"
	"strings"

	"github.com/gosparkling/gosparkling/rdd"
)

// Captured values travel to workers as Go source: a literal of plain data
// (numbers, strings, slices, arrays, maps and structs of those, pointers to
// structs, Pairs and broadcasts), typed so that the worker's variable has
// the notebook's type.

var (
	broadcastType = reflect.TypeOf((*rdd.Broadcast)(nil))
	rddType       = reflect.TypeOf((*rdd.RDD)(nil))
	contextType   = reflect.TypeOf((*rdd.Context)(nil))
)

// plainData names what goLiteral accepts, for its errors.
const plainData = "plain data (numbers, strings, slices, maps, structs of those, broadcasts)"

// goLiteral returns a Go expression whose value equals v, adding the
// import specs it needs to imports. It fails, saying what v is, when v is
// not plain data.
func goLiteral(v reflect.Value, imports map[string]bool) (string, error) {
	var b strings.Builder
	if err := writeLiteral(&b, v, imports); err != nil {
		if _, special := err.(specialValue); special {
			return "", err
		}
		return "", fmt.Errorf("a %s (%v), which is not %s", v.Type(), err, plainData)
	}
	return b.String(), nil
}

// specialValue is the error of a value that is never data: an RDD, a
// Context.
type specialValue string

func (e specialValue) Error() string { return string(e) }

func writeLiteral(b *strings.Builder, v reflect.Value, imports map[string]bool) error {
	if !v.IsValid() {
		b.WriteString("nil")
		return nil
	}
	t := v.Type()
	switch t {
	case rddType:
		return specialValue("an RDD, which a worker cannot use: collect it, or broadcast its elements")
	case contextType:
		return specialValue("a Context, which exists only in the notebook")
	case broadcastType:
		if v.IsNil() {
			b.WriteString("(*rdd.Broadcast)(nil)")
		} else {
			bc := v.Interface().(*rdd.Broadcast)
			b.WriteString("rdd.BroadcastOf(" + strconv.Itoa(bc.ID()) + ", ")
			if err := writeLiteral(b, reflect.ValueOf(bc.Value()), imports); err != nil {
				return fmt.Errorf("its broadcast value: %w", err)
			}
			b.WriteString(")")
		}
		imports[strconv.Quote("github.com/gosparkling/gosparkling/rdd")] = true
		return nil
	}
	typ, err := typeSource(t, imports)
	if err != nil {
		return err
	}
	switch t.Kind() {
	case reflect.Bool:
		fmt.Fprintf(b, "%s(%t)", typ, v.Bool())
	case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64:
		fmt.Fprintf(b, "%s(%d)", typ, v.Int())
	case reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64, reflect.Uintptr:
		fmt.Fprintf(b, "%s(%d)", typ, v.Uint())
	case reflect.Float32, reflect.Float64:
		fmt.Fprintf(b, "%s(%s)", typ, floatSource(v.Float(), imports))
	case reflect.Complex64, reflect.Complex128:
		c := v.Complex()
		fmt.Fprintf(b, "%s(complex(%s, %s))", typ, floatSource(real(c), imports), floatSource(imag(c), imports))
	case reflect.String:
		if typ == "string" {
			b.WriteString(strconv.Quote(v.String()))
		} else {
			fmt.Fprintf(b, "%s(%s)", typ, strconv.Quote(v.String()))
		}
	case reflect.Interface:
		if v.IsNil() {
			b.WriteString("nil")
			return nil
		}
		return writeLiteral(b, v.Elem(), imports)
	case reflect.Slice:
		if v.IsNil() {
			fmt.Fprintf(b, "%s(nil)", typ)
			return nil
		}
		if t.Elem().Kind() == reflect.Uint8 && t.Elem().PkgPath() == "" {
			fmt.Fprintf(b, "%s(%s)", typ, strconv.Quote(string(v.Bytes())))
			return nil
		}
		return writeElems(b, typ, v, imports)
	case reflect.Array:
		return writeElems(b, typ, v, imports)
	case reflect.Map:
		if v.IsNil() {
			fmt.Fprintf(b, "%s(nil)", typ)
			return nil
		}
		entries := make([]string, 0, v.Len())
		iter := v.MapRange()
		for iter.Next() {
			var e strings.Builder
			if err := writeLiteral(&e, iter.Key(), imports); err != nil {
				return err
			}
			e.WriteString(": ")
			if err := writeLiteral(&e, iter.Value(), imports); err != nil {
				return err
			}
			entries = append(entries, e.String())
		}
		sort.Strings(entries)
		b.WriteString(typ + "{" + strings.Join(entries, ", ") + "}")
	case reflect.Struct:
		b.WriteString(typ + "{")
		for i := 0; i < t.NumField(); i++ {
			f := t.Field(i)
			if !f.IsExported() {
				return fmt.Errorf("field %s of %s is not exported", f.Name, t)
			}
			if i > 0 {
				b.WriteString(", ")
			}
			b.WriteString(f.Name + ": ")
			if err := writeLiteral(b, v.Field(i), imports); err != nil {
				return err
			}
		}
		b.WriteString("}")
	case reflect.Pointer:
		if v.IsNil() {
			fmt.Fprintf(b, "(%s)(nil)", typ)
			return nil
		}
		if t.Elem().Kind() != reflect.Struct {
			return fmt.Errorf("%s is a pointer to a non-struct", t)
		}
		b.WriteString("&")
		return writeLiteral(b, v.Elem(), imports)
	default:
		return fmt.Errorf("%s is a %s", t, t.Kind())
	}
	return nil
}

func writeElems(b *strings.Builder, typ string, v reflect.Value, imports map[string]bool) error {
	b.WriteString(typ + "{")
	for i := 0; i < v.Len(); i++ {
		if i > 0 {
			b.WriteString(", ")
		}
		if err := writeLiteral(b, v.Index(i), imports); err != nil {
			return err
		}
	}
	b.WriteString("}")
	return nil
}

// floatSource writes f exactly, NaN and infinities included.
func floatSource(f float64, imports map[string]bool) string {
	switch {
	case math.IsNaN(f):
		imports[`"math"`] = true
		return "math.NaN()"
	case math.IsInf(f, 1):
		imports[`"math"`] = true
		return "math.Inf(1)"
	case math.IsInf(f, -1):
		imports[`"math"`] = true
		return "math.Inf(-1)"
	}
	return strconv.FormatFloat(f, 'g', -1, 64)
}

// rddPath and warcPath are the paths of packages rdd and fileio/warc.
const (
	rddPath  = "github.com/gosparkling/gosparkling/rdd"
	warcPath = "github.com/gosparkling/gosparkling/fileio/warc"
)

// leafPackage is a package that declares, under the name of a larger
// one, some of its names (the larger one declares them as aliases), and
// links little: rdd/kv declares rdd.Pair and rdd.KV without the engine,
// fileio/warc/format the records, readers and writers of fileio/warc
// without the file systems and their SDKs.
type leafPackage struct {
	path  string          // the leaf's import path
	names map[string]bool // what it declares of the larger package
}

// leafPackages are the leaves, by the paths of the packages they serve.
var leafPackages = map[string]leafPackage{
	rddPath: {rddPath + "/kv", map[string]bool{"Pair": true, "KV": true}},
	warcPath: {warcPath + "/format", map[string]bool{
		"Record": true, "Field": true, "HTTPMessage": true, "Error": true, "Reader": true, "Writer": true,
		"TypeWarcinfo": true, "TypeResponse": true, "TypeResource": true, "TypeRequest": true, "TypeMetadata": true,
		"TypeRevisit": true, "TypeConversion": true, "TypeContinuation": true, "DefaultMaxBodySize": true,
		"ErrBadVersion": true, "ErrBadHeader": true, "ErrMissingContentLength": true, "ErrTruncated": true,
		"ErrNotHTTP": true, "NewReader": true, "NewWriter": true, "NewFileReader": true, "BlockDigest": true,
	}},
}

// sourcePkgPath returns the path of the package source imports to name
// t: its own, or the larger one's for a type a leaf package declares
// (rdd.Pair, declared in rdd/kv, is imported from rdd).
func sourcePkgPath(t reflect.Type) string {
	for path, leaf := range leafPackages {
		if t.PkgPath() == leaf.path {
			return path
		}
	}
	return t.PkgPath()
}

// typeSource returns Go source naming t, adding the imports of the named
// types in it.
func typeSource(t reflect.Type, imports map[string]bool) (string, error) {
	if t.Name() != "" {
		if path := sourcePkgPath(t); path != "" {
			if strings.Contains(path, "internal") || path == "main" {
				return "", fmt.Errorf("a worker cannot name type %s", t)
			}
			imports[strconv.Quote(path)] = true
		}
		return t.String(), nil
	}
	elem := func(e reflect.Type) (string, error) { return typeSource(e, imports) }
	switch t.Kind() {
	case reflect.Slice:
		e, err := elem(t.Elem())
		return "[]" + e, err
	case reflect.Array:
		e, err := elem(t.Elem())
		return "[" + strconv.Itoa(t.Len()) + "]" + e, err
	case reflect.Pointer:
		e, err := elem(t.Elem())
		return "*" + e, err
	case reflect.Map:
		k, err := elem(t.Key())
		if err != nil {
			return "", err
		}
		e, err := elem(t.Elem())
		return "map[" + k + "]" + e, err
	case reflect.Interface:
		if t.NumMethod() == 0 {
			return "interface{}", nil
		}
	case reflect.Struct:
		var fields []string
		for i := 0; i < t.NumField(); i++ {
			f := t.Field(i)
			ft, err := elem(f.Type)
			if err != nil {
				return "", err
			}
			field := f.Name + " " + ft
			if f.Tag != "" {
				field += " " + strconv.Quote(string(f.Tag))
			}
			fields = append(fields, field)
		}
		return "struct{" + strings.Join(fields, "; ") + "}", nil
	}
	return "", fmt.Errorf("%s is a %s", t, t.Kind())
}
