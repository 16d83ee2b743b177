package display

import (
	"fmt"
	"reflect"

	"github.com/gosparkling/gosparkling/fileio/warc"
)

// TableRower is implemented by values that choose how they show as a row
// of a table, alone or as elements of a slice, a map or a pair: TableRow
// returns the value shown in their place, usually a struct whose exported
// fields make the columns (see ToRecord for how values make columns, and
// for the struct tags that name columns or leave them out). A row that is
// itself a TableRower is shown as a plain value.
//
//	type page struct{ url string; body []byte }
//
//	func (p page) TableRow() any {
//		return struct {
//			URL  string `display:"url"`
//			Size int    `display:"size"`
//		}{p.url, len(p.body)}
//	}
//
// TableRow is called for every element when the columns are inferred, and
// again for the rows shown, so it should be cheap and return the same for
// the same value. It is not called on nil pointers, which show as nulls;
// a TableRow that panics shows the panic's message in place of the row.
//
// A *warc.Record shows as such a row, made by display since package warc
// does not depend on it: its type, target URI, date, HTTP status, media
// type, identified language, length and offset in its file and a preview
// of its payload as text.
type TableRower interface {
	TableRow() any
}

var tableRowerType = reflect.TypeFor[TableRower]()

// rowAdapter makes the rows of a type that display knows but that cannot
// implement TableRower, such as *warc.Record.
type rowAdapter struct {
	typ  reflect.Type    // the type of the rows
	make func(v any) any // the row of a value (never a nil pointer)
}

// rowAdapters are the row adapters by the type of the values they show.
var rowAdapters = map[reflect.Type]rowAdapter{
	reflect.TypeFor[*warc.Record](): {reflect.TypeFor[warcRow](), func(v any) any { return newWarcRow(v.(*warc.Record)) }},
	reflect.TypeFor[warc.Record](): {reflect.TypeFor[warcRow](), func(v any) any {
		r := v.(warc.Record)
		return newWarcRow(&r)
	}},
}

// rowOf returns the row shown for v, when v is a TableRower or a value of a
// type with a row adapter: the TableRower's row, then the adapter's row
// of that if there is one. A nil pointer's row is nil.
func rowOf(v any) (any, bool) {
	rowed := false
	if r, ok := v.(TableRower); ok {
		v, rowed = tableRow(r), true
	}
	if a, ok := rowAdapters[reflect.TypeOf(v)]; ok {
		if isNilPointer(v) {
			return nil, true
		}
		return a.make(v), true
	}
	return v, rowed
}

// rowValue returns the row shown for v (see rowOf), or v itself.
func rowValue(v any) any {
	row, _ := rowOf(v)
	return row
}

// tableRow calls r.TableRow: nil for a nil pointer, the panic as an error
// when TableRow panics.
func tableRow(r TableRower) (row any) {
	if isNilPointer(r) {
		return nil
	}
	defer func() {
		if p := recover(); p != nil {
			row = fmt.Errorf("display: (%T).TableRow panicked: %v", r, p)
		}
	}()
	return r.TableRow()
}

// isNilPointer reports whether v is a nil pointer of some type.
func isNilPointer(v any) bool {
	rv := reflect.ValueOf(v)
	return rv.Kind() == reflect.Pointer && rv.IsNil()
}

// isZero reports whether v is nil or the zero value of its type.
func isZero(v any) bool {
	return v == nil || reflect.ValueOf(v).IsZero()
}

// isLoneRow reports whether v, a value that is not tabular, shows as a
// one-row table, as pandas shows a one-row frame: a TableRower, a value
// with a row adapter, or a struct or pointer to one with exported fields
// and no String or Error method. Pairs, times and nil pointers do not.
func isLoneRow(v any) bool {
	if v == nil || isNilPointer(v) {
		return false
	}
	if _, ok := v.(TableRower); ok {
		return true
	}
	if _, ok := rowAdapters[reflect.TypeOf(v)]; ok {
		return true
	}
	switch v.(type) {
	case fmt.Stringer, error:
		return false
	}
	k, rv := inspect(v)
	if k != kStruct {
		return false
	}
	for i := range rv.NumField() {
		if rv.Type().Field(i).IsExported() {
			return true
		}
	}
	return false
}
