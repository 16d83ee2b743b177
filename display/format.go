package display

import (
	"fmt"
	"reflect"
	"slices"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/gosparkling/gosparkling/rdd"
)

// maxPlainText bounds, in bytes, the text of a composite value shown on its
// own (a Pair holding a large group, say), so that the output stays small.
const maxPlainText = 10_000

// maxFormatDepth bounds the pointers and containers formatValue follows, so
// that self-referencing values end.
const maxFormatDepth = 10

// byteCellChars is the length, in characters of Go-quoted text, of the
// preview of a byte slice in a table cell; byteTextChars that of a byte
// slice shown on its own.
const (
	byteCellChars = 60
	byteTextChars = 2000
)

// plainText is the text/plain form of a value that is not shown as a
// table: a string as it is, nil as "<nil>", bytes as a quoted preview with
// their length, a value with a String or Error method through it, anything
// else as formatValue writes it (numbers and bools as fmt does, pointers
// followed).
func plainText(v any) string {
	switch x := v.(type) {
	case string:
		return x
	case nil:
		return "<nil>"
	case []byte:
		return bytesText(x)
	case rdd.Pair:
		return formatValue(x, maxPlainText)
	case fmt.Stringer, error:
		return fmt.Sprint(x)
	}
	if isNilPointer(v) {
		return "<nil>"
	}
	if rv := reflect.ValueOf(v); isByteSlice(rv.Type()) {
		return bytesText(rv.Bytes())
	}
	return formatValue(v, maxPlainText)
}

// bytesText shows a byte slice on its own: its beginning quoted as Go
// does, and its length, e.g. "GET / HTTP/1.1\r\n"… (1,234 bytes).
func bytesText(b []byte) string {
	q, _ := quoteBytes(b, byteTextChars)
	return q + " (" + plural(int64(len(b)), "byte") + ")"
}

// bytesCell shows a byte slice in a table cell: quoted as Go does, and,
// when it is too long to show whole, its beginning and its length:
// "\x89PNG\r\n\x1a\n\x00\x00"… (5,120 bytes).
func bytesCell(b []byte) string {
	q, cut := quoteBytes(b, byteCellChars)
	if !cut {
		return q
	}
	return q + " (" + plural(int64(len(b)), "byte") + ")"
}

// quoteBytes quotes b as strconv.Quote does (invalid UTF-8 as \x escapes),
// stopping before the quoted text exceeds n characters; it reports whether
// it stopped early, which an ellipsis after the closing quote shows.
func quoteBytes(b []byte, n int) (string, bool) {
	if len(b) <= n/4 { // short enough: even all escaped it fits
		return strconv.Quote(string(b)), false
	}
	out := make([]byte, 0, n+8)
	out = append(out, '"')
	for i := 0; i < len(b); {
		_, size := utf8.DecodeRune(b[i:])
		q := strconv.AppendQuote(nil, string(b[i:i+size]))
		q = q[1 : len(q)-1]
		if len(out)+len(q) > n {
			return string(append(out, `"…`...)), true
		}
		out = append(out, q...)
		i += size
	}
	return string(append(out, '"')), false
}

// formatValue writes v as text, as fmt's %v would but more readably:
// pointers are followed, nil pointers and interfaces are "null", an
// rdd.Pair is "(key, value)", a time.Time is RFC 3339 in UTC, byte slices
// are quoted (see bytesCell), maps are sorted by key with rdd.Compare,
// *warc.Record values and TableRowers are their rows, and values with a
// String or Error method use it. The text stops after about limit bytes,
// with an ellipsis.
func formatValue(v any, limit int) string {
	f := formatter{limit: limit}
	f.value(reflect.ValueOf(v), 0)
	s := f.b.String()
	if !f.cut && len(s) <= limit {
		return s
	}
	if len(s) > limit {
		i := limit
		for i > 0 && !utf8.RuneStart(s[i]) {
			i--
		}
		s = s[:i]
	}
	return s + "…"
}

// formatter is formatValue's buffer.
type formatter struct {
	b     strings.Builder
	limit int
	cut   bool // something was left out
}

// full reports whether the limit is reached, noting that what follows is
// left out.
func (f *formatter) full() bool {
	if f.b.Len() >= f.limit {
		f.cut = true
		return true
	}
	return false
}

func (f *formatter) value(rv reflect.Value, depth int) {
	if f.full() {
		return
	}
	if !rv.IsValid() {
		f.b.WriteString("null")
		return
	}
	switch rv.Kind() {
	case reflect.Pointer, reflect.Interface, reflect.Map, reflect.Slice, reflect.Func, reflect.Chan:
		if rv.IsNil() && rv.Kind() != reflect.Map && rv.Kind() != reflect.Slice {
			f.b.WriteString("null")
			return
		}
	}
	if rv.Kind() == reflect.Interface {
		f.value(rv.Elem(), depth)
		return
	}
	if depth > 2*maxFormatDepth { // rows of rows of rows...
		f.b.WriteString("…")
		return
	}
	if rv.CanInterface() && f.special(rv, depth) {
		return
	}
	switch rv.Kind() {
	case reflect.Pointer, reflect.Slice, reflect.Array, reflect.Map, reflect.Struct:
		if depth > maxFormatDepth {
			f.b.WriteString("…")
			return
		}
	}
	switch rv.Kind() {
	case reflect.Pointer:
		f.value(rv.Elem(), depth+1)
	case reflect.String:
		f.b.WriteString(rv.String())
	case reflect.Bool:
		f.b.WriteString(strconv.FormatBool(rv.Bool()))
	case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64:
		f.b.WriteString(strconv.FormatInt(rv.Int(), 10))
	case reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64, reflect.Uintptr:
		f.b.WriteString(strconv.FormatUint(rv.Uint(), 10))
	case reflect.Float32:
		f.b.WriteString(strconv.FormatFloat(rv.Float(), 'g', -1, 32))
	case reflect.Float64:
		f.b.WriteString(strconv.FormatFloat(rv.Float(), 'g', -1, 64))
	case reflect.Complex64:
		f.b.WriteString(strconv.FormatComplex(rv.Complex(), 'g', -1, 64))
	case reflect.Complex128:
		f.b.WriteString(strconv.FormatComplex(rv.Complex(), 'g', -1, 128))
	case reflect.Slice, reflect.Array:
		if isByteSlice(rv.Type()) || rv.Kind() == reflect.Array && rv.Type().Elem().Kind() == reflect.Uint8 {
			b := make([]byte, rv.Len())
			reflect.Copy(reflect.ValueOf(b), rv)
			f.b.WriteString(bytesCell(b))
			return
		}
		f.b.WriteByte('[')
		for i := range rv.Len() {
			if i > 0 {
				f.b.WriteByte(' ')
			}
			if f.full() {
				break
			}
			f.value(rv.Index(i), depth+1)
		}
		f.b.WriteByte(']')
	case reflect.Map:
		f.b.WriteString("map[")
		for i, k := range sortedKeys(rv) {
			if i > 0 {
				f.b.WriteByte(' ')
			}
			if f.full() {
				break
			}
			f.value(k, depth+1)
			f.b.WriteByte(':')
			f.value(rv.MapIndex(k), depth+1)
		}
		f.b.WriteByte(']')
	case reflect.Struct:
		f.b.WriteByte('{')
		for i := range rv.NumField() {
			if i > 0 {
				f.b.WriteByte(' ')
			}
			if f.full() {
				break
			}
			f.value(rv.Field(i), depth+1)
		}
		f.b.WriteByte('}')
	default: // funcs, channels, unsafe pointers: their address, as fmt writes it
		fmt.Fprint(&f.b, rv)
	}
}

// special writes the values that have their own form (pairs, times, rows,
// values with a String or Error method) and reports whether rv was one.
func (f *formatter) special(rv reflect.Value, depth int) bool {
	if rv.Kind() == reflect.Pointer {
		if t := rv.Type().Elem(); t == timeType || t == pairType {
			return false // followed, then written as a time or a pair, not with the String method
		}
	}
	v := rv.Interface()
	switch x := v.(type) {
	case rdd.Pair:
		f.b.WriteByte('(')
		f.value(reflect.ValueOf(x.Key), depth+1)
		f.b.WriteString(", ")
		f.value(reflect.ValueOf(x.Value), depth+1)
		f.b.WriteByte(')')
		return true
	case time.Time:
		f.b.WriteString(x.UTC().Format(time.RFC3339Nano))
		return true
	case []byte:
		f.b.WriteString(bytesCell(x))
		return true
	}
	if row, ok := rowOf(v); ok {
		if rrv := reflect.ValueOf(row); !rrv.IsValid() || rrv.Type() != rv.Type() { // a row of its own type is formatted as a value
			f.value(rrv, depth+1)
			return true
		}
	}
	switch x := v.(type) {
	case error:
		f.b.WriteString(x.Error())
		return true
	case fmt.Stringer:
		f.b.WriteString(fmt.Sprint(x)) // fmt recovers from a panicking String method
		return true
	}
	return false
}

// sortedKeys returns the keys of the map rv ordered with rdd.Compare, or by
// their text when they cannot be taken out of the map's value (unexported
// fields).
func sortedKeys(rv reflect.Value) []reflect.Value {
	keys := rv.MapKeys()
	if len(keys) > 0 && keys[0].CanInterface() {
		slices.SortStableFunc(keys, func(a, b reflect.Value) int { return rdd.Compare(a.Interface(), b.Interface()) })
		return keys
	}
	slices.SortStableFunc(keys, func(a, b reflect.Value) int {
		return strings.Compare(fmt.Sprint(a), fmt.Sprint(b))
	})
	return keys
}

// isByteSlice reports whether t is a slice of bytes, named or not.
func isByteSlice(t reflect.Type) bool {
	return t.Kind() == reflect.Slice && t.Elem().Kind() == reflect.Uint8
}
