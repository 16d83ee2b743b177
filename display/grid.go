package display

import (
	"math"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/array"
)

// maxTitle bounds, in characters, the full value kept for a shortened cell,
// so that one huge value (a whole web page) cannot bloat the output.
const maxTitle = 4000

// grid is the rendered text of the shown rows of a record batch, ready to
// lay out as HTML or plain text.
type grid struct {
	names    []string
	types    []string
	numeric  []bool     // per column: right-aligned
	cells    [][]string // cells[col][row], at most maxTitle characters
	full     [][]string // full[col][row]: the exact value when the cell rounds it (numbers), else ""
	nulls    [][]bool   // nulls[col][row]
	rows     int        // rows shown in the static table
	built    int        // rows rendered (cells' length): those the browser may page through
	total    int64      // rows in the whole value
	live     bool       // the built rows travel with the HTML for the browser's script
	after    string     // HTML after the table's element: its profile (profileLink) or a hint of it
	profiled bool       // after is the profile
}

// newGrid renders the first built rows of rec, a prefix of a value of
// total rows, of which the first rows are shown in the static table.
func newGrid(rec arrow.RecordBatch, rows, built, total int64, width int) *grid {
	schema := rec.Schema()
	ncol := int(rec.NumCols())
	g := &grid{
		names:   make([]string, ncol),
		types:   make([]string, ncol),
		numeric: make([]bool, ncol),
		cells:   make([][]string, ncol),
		full:    make([][]string, ncol),
		nulls:   make([][]bool, ncol),
		rows:    int(min(rows, built)),
		built:   int(built),
		total:   total,
	}
	for j := range ncol {
		f := schema.Field(j)
		g.names[j] = f.Name
		g.types[j] = f.Type.String()
		g.numeric[j] = isNumeric(f.Type.ID())
		arr := rec.Column(j)
		g.cells[j] = make([]string, built)
		g.full[j] = make([]string, built)
		g.nulls[j] = make([]bool, built)
		for i := range int(built) {
			if isNull(arr, i) {
				g.cells[j][i], g.nulls[j][i] = "null", true
				continue
			}
			if shown, exact, ok := numberCell(arr, i); ok {
				g.cells[j][i] = shown
				if shown != exact {
					g.full[j][i] = exact
				}
				continue
			}
			s, _ := cut(cellText(arr, i), maxTitle)
			g.cells[j][i] = s
		}
	}
	return g
}

// isNull reports whether value i of arr is null; all values of the null
// type are, though they have no validity bitmap.
func isNull(arr arrow.Array, i int) bool {
	return arr.DataType().ID() == arrow.NULL || arr.IsNull(i)
}

// isNumeric reports whether columns of type id are right-aligned.
func isNumeric(id arrow.Type) bool {
	return arrow.IsInteger(id) || arrow.IsFloating(id) || arrow.IsDecimal(id) || id == arrow.DURATION
}

// cellText renders the valid value i of arr: numbers as fmt's %v would,
// times in RFC 3339, bytes quoted as Go does (the beginning and the length
// of long ones, see bytesCell).
func cellText(arr arrow.Array, i int) string {
	switch a := arr.(type) {
	case *array.String:
		return a.Value(i)
	case *array.LargeString:
		return a.Value(i)
	case *array.Int64:
		return strconv.FormatInt(a.Value(i), 10)
	case *array.Int32:
		return strconv.FormatInt(int64(a.Value(i)), 10)
	case *array.Int16:
		return strconv.FormatInt(int64(a.Value(i)), 10)
	case *array.Int8:
		return strconv.FormatInt(int64(a.Value(i)), 10)
	case *array.Uint64:
		return strconv.FormatUint(a.Value(i), 10)
	case *array.Uint32:
		return strconv.FormatUint(uint64(a.Value(i)), 10)
	case *array.Uint16:
		return strconv.FormatUint(uint64(a.Value(i)), 10)
	case *array.Uint8:
		return strconv.FormatUint(uint64(a.Value(i)), 10)
	case *array.Float64:
		return strconv.FormatFloat(a.Value(i), 'g', -1, 64)
	case *array.Float32:
		return strconv.FormatFloat(float64(a.Value(i)), 'g', -1, 32)
	case *array.Boolean:
		return strconv.FormatBool(a.Value(i))
	case *array.Timestamp:
		dt := a.DataType().(*arrow.TimestampType)
		t := a.Value(i).ToTime(dt.Unit)
		if loc, err := dt.GetZone(); err == nil {
			t = t.In(loc)
		}
		return t.Format(time.RFC3339Nano)
	case *array.Duration:
		unit := a.DataType().(*arrow.DurationType).Unit
		return (time.Duration(a.Value(i)) * unit.Multiplier()).String()
	case *array.Binary:
		return bytesCell(a.Value(i))
	}
	return arr.ValueStr(i)
}

// numberCell renders the valid value i of arr, when it is a number, as
// people read it (see readableFloat, readableInt) and exactly, as
// strconv writes it; ok is false for other values.
func numberCell(arr arrow.Array, i int) (shown, exact string, ok bool) {
	switch a := arr.(type) {
	case *array.Float64:
		f := a.Value(i)
		return readableFloat(f), strconv.FormatFloat(f, 'g', -1, 64), true
	case *array.Float32:
		f := float64(a.Value(i))
		return readableFloat(f), strconv.FormatFloat(f, 'g', -1, 32), true
	case *array.Int64, *array.Int32, *array.Int16, *array.Int8,
		*array.Uint64, *array.Uint32, *array.Uint16, *array.Uint8:
		exact = cellText(arr, i)
		return readableInt(exact), exact, true
	}
	return "", "", false
}

// readableDigits is the number of significant digits of a float in a
// table, as pandas shows about six.
const readableDigits = 6

// readableFloat writes f for a table cell: rounded to six significant
// digits, in fixed notation with trailing zeros dropped and thousands
// separators in integer parts of five digits or more (1888.340909090909
// is "1888.34", 1234567.891 "1,234,568"); in exponent notation when very
// small or very large (1.23457e-05, 1e+20); NaN and ±Inf as strconv
// writes them.
func readableFloat(f float64) string {
	a := math.Abs(f)
	switch {
	case math.IsNaN(f) || math.IsInf(f, 0):
		return strconv.FormatFloat(f, 'g', -1, 64)
	case a == 0:
		return "0"
	case a < 1e-4 || a >= 1e15:
		return strconv.FormatFloat(f, 'g', readableDigits, 64)
	}
	decimals := max(0, readableDigits-1-int(math.Floor(math.Log10(a))))
	s := strconv.FormatFloat(f, 'f', decimals, 64)
	if strings.Contains(s, ".") {
		s = strings.TrimRight(strings.TrimRight(s, "0"), ".")
	}
	if s == "-0" {
		s = "0"
	}
	whole, frac, hasFrac := strings.Cut(s, ".")
	whole = readableInt(whole)
	if hasFrac {
		return whole + "." + frac
	}
	return whole
}

// readableInt puts thousands separators in s, an integer in decimal, when
// it has five digits or more, so that 12345678 reads "12,345,678" while a
// year (2024) or a port (8080) stays as it is.
func readableInt(s string) string {
	digits := len(strings.TrimLeft(s, "-+"))
	if digits < 5 {
		return s
	}
	return groupDigits(s)
}

// cut returns s shortened to at most n characters, the last being an
// ellipsis, and whether it was shortened.
func cut(s string, n int) (string, bool) {
	if len(s) <= n {
		return s, false // fewer bytes than n: fewer characters too
	}
	count := 0
	for i := range s {
		if count == n-1 {
			if _, size := utf8.DecodeRuneInString(s[i:]); i+size == len(s) {
				return s, false
			}
			return s[:i] + "…", true
		}
		count++
	}
	return s, false
}

// shape is the size line under a table: "1,000,000 rows × 2 columns".
func (g *grid) shape() string {
	return plural(g.total, "row") + " × " + plural(int64(len(g.names)), "column")
}

// more is the notice of rows not shown, or "" when all are.
func (g *grid) more() string {
	if n := g.total - int64(g.rows); n > 0 {
		return "… " + plural(n, "more row")
	}
	return ""
}

// plural writes n with thousands separators and the noun, plural unless n is 1.
func plural(n int64, noun string) string {
	if n == 1 {
		return "1 " + noun
	}
	return thousands(n) + " " + noun + "s"
}

// thousands writes n with commas between groups of three digits.
func thousands(n int64) string {
	return groupDigits(strconv.FormatInt(n, 10))
}

// groupDigits puts commas between groups of three digits of s, an integer
// written in decimal with an optional sign.
func groupDigits(s string) string {
	sign := ""
	if s != "" && (s[0] == '-' || s[0] == '+') {
		sign, s = s[:1], s[1:]
	}
	var b strings.Builder
	b.WriteString(sign)
	for i, c := range s {
		if i > 0 && (len(s)-i)%3 == 0 {
			b.WriteByte(',')
		}
		b.WriteRune(c)
	}
	return b.String()
}
