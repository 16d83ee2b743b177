package interp

import (
	"fmt"
	"reflect"
	"strings"
)

// A cell's value crosses from interpreted to compiled code, where the
// display makes its bundle. A value of a type a cell declared with
// methods reaches compiled code as its bare fields, without them, unless
// yaegi wraps it: it does so for the arguments of the compiled functions
// listed in its MapTypes, giving them the String method of fmt.Stringer.
// So the cell's last expression E is captured as valueCall(E), and
// display.Show's values likewise, and E's String method shows it as
// fmt.Println would.

// valueCall is the call that captures a cell's value (see compileLast).
const valueCall = sessionPkgName + ".Value"

// sessionPkgName is the name of the session's package in cells.
const sessionPkgName = "_gosparklingSession"

// captureValue is the compiled function behind valueCall.
func captureValue(v any) []any { return []any{unboxed(v)} }

// unboxed returns v without yaegi's boxes (see concreteValue), also in
// the elements of a slice or the values of a map of interfaces ([]any
// rows, map[string]any records), which are copied when they hold one.
func unboxed(v any) any {
	v = concreteValue(v)
	rv := reflect.ValueOf(v)
	switch {
	case !rv.IsValid():
		return v
	case rv.Kind() == reflect.Slice && rv.Type().Elem().Kind() == reflect.Interface:
		var out reflect.Value
		for i := 0; i < rv.Len(); i++ {
			if e := rv.Index(i); isBox(e.Elem()) {
				if !out.IsValid() {
					out = reflect.MakeSlice(rv.Type(), rv.Len(), rv.Len())
					reflect.Copy(out, rv)
				}
				setBox(out.Index(i), e)
			}
		}
		if out.IsValid() {
			return out.Interface()
		}
	case rv.Kind() == reflect.Map && rv.Type().Elem().Kind() == reflect.Interface:
		var out reflect.Value
		for it := rv.MapRange(); it.Next(); {
			if isBox(it.Value().Elem()) {
				out = reflect.MakeMapWithSize(rv.Type(), rv.Len())
				break
			}
		}
		if out.IsValid() {
			for it := rv.MapRange(); it.Next(); {
				e := reflect.New(rv.Type().Elem()).Elem()
				setBox(e, it.Value())
				out.SetMapIndex(it.Key(), e)
			}
			return out.Interface()
		}
	}
	return v
}

// setBox sets dst, an interface, to the value e holds, unboxed.
func setBox(dst, e reflect.Value) {
	if inner := concreteValue(e.Interface()); inner != nil {
		dst.Set(reflect.ValueOf(inner))
	} else if e.IsValid() {
		dst.Set(e)
	}
}

// isBox reports whether rv is one of yaegi's boxes.
func isBox(rv reflect.Value) bool {
	return rv.IsValid() && rv.Kind() == reflect.Struct &&
		rv.Type().PkgPath() == yaegiPkgPath && rv.Type().Name() == yaegiValueInterface
}

// stringerWrap is what yaegi wraps the arguments of the functions of
// wrappedArgs in: fmt.Stringer when their type has a String method.
var stringerWrap = []reflect.Type{reflect.TypeOf((*error)(nil)).Elem(), reflect.TypeOf((*fmt.Stringer)(nil)).Elem()}

// mapTypes returns the yaegi MapTypes symbol that wraps the arguments of
// funcs as stringerWrap says.
func mapTypes(funcs ...reflect.Value) map[reflect.Value][]reflect.Type {
	m := map[reflect.Value][]reflect.Type{}
	for _, f := range funcs {
		m[f] = stringerWrap
	}
	return m
}

// yaegiValueInterface is the type of yaegi's own boxes of interpreted
// values held in interfaces: a struct of the value's type node and its
// reflect.Value.
const (
	yaegiPkgPath        = "github.com/traefik/yaegi/interp"
	yaegiValueInterface = "valueInterface"
)

// concreteValue returns v, or the value in v when v is one of yaegi's
// boxes, which would otherwise show the interpreter's internals.
func concreteValue(v any) any {
	rv := reflect.ValueOf(v)
	for i := 0; i < 8 && isBox(rv); i++ {
		box := reflect.New(rv.Type()).Elem()
		box.Set(rv)
		f := box.FieldByName("value")
		if !f.IsValid() || f.Type() != reflect.TypeOf(reflect.Value{}) {
			break
		}
		inner := *(*reflect.Value)(f.Addr().UnsafePointer())
		if !inner.IsValid() || !inner.CanInterface() {
			return nil
		}
		v, rv = inner.Interface(), inner
	}
	return v
}

// errorTypeName names the type of err for an error's ename: its Go type,
// or "error" for yaegi's wrapper of a cell-declared error type.
func errorTypeName(err error) string {
	t := reflect.TypeOf(err)
	for t.Kind() == reflect.Pointer {
		t = t.Elem()
	}
	if strings.HasPrefix(t.PkgPath(), "github.com/traefik/yaegi/") {
		return "error"
	}
	return fmt.Sprintf("%T", err)
}
