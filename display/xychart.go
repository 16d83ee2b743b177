package display

import (
	"errors"
	"fmt"
	"html"
	"math"
	"reflect"
	"slices"
	"strings"
	"time"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/array"
	"github.com/apache/arrow-go/v18/arrow/memory"

	"github.com/gosparkling/gosparkling/rdd"
)

// Limits of line and scatter charts: a line is drawn through at most
// maxLinePoints points (beyond, the lowest and highest of each of a
// thousand slices of x are kept, so that peaks stay), a scatter plot
// draws at most maxScatterPoints points (an even sample beyond).
const (
	maxLinePoints    = 2000
	maxScatterPoints = 5000
	xyHeight         = 320
	xyLeft           = 64 // room for the y axis's numbers
	xyBottom         = 40 // room for the x axis's numbers and name
	xyTicks          = 6
)

// XY names the columns of a table that a chart draws: x for positions
// along the horizontal axis, y for those along the vertical one (or the
// label and the length of a bar). The data is then any value Table shows
// (a slice of structs, of maps, of pairs, a [][]any...), and the columns
// are named as in its header.
//
//	display.Line(rows, display.XY("date", "visits"))
//	display.Bar(rows, display.XY("host", "pages"))
func XY(x, y string) ChartOption {
	return func(o *chartOptions) { o.x, o.y = x, y }
}

// Line draws y against x as a line through the points in order of x,
// inline SVG 640 by 320 pixels with numbered axes, in the page's text
// colour and the charts' blue, readable in light and dark themes. data is
//
//   - a slice of numbers: y, at x 0, 1, 2...;
//   - a []rdd.Pair, or a []any of pairs: x the key (a number or a
//     time.Time), y the value;
//   - a map of numbers or times to numbers (the result of CountByKey on
//     numbers, say);
//   - with XY, any table and the names of its two columns.
//
// Points with NaN or infinite values are left out; more than 2,000
// points are thinned to the lowest and highest of each slice of x. Other
// data gives a Rendered whose Err says what was expected.
//
//	display.Line(counts, display.Title("Pages per hour"))
func Line(data any, opts ...ChartOption) Rendered {
	return xyChart("display.Line", data, opts, true)
}

// Scatter draws one dot per (x, y) point, as Line takes them (see Line),
// with at most 5,000 dots (an even sample of more points), each dot's
// values in its tooltip.
//
//	display.Scatter(rows, display.XY("length", "links"))
func Scatter(data any, opts ...ChartOption) Rendered {
	return xyChart("display.Scatter", data, opts, false)
}

// xyPoint is a point of a line or scatter chart.
type xyPoint struct{ x, y float64 }

// xySeries is what a line or scatter chart draws.
type xySeries struct {
	points       []xyPoint
	xName, yName string
	xTime        bool // x values are Unix microseconds
	dropped      int  // points with NaN or infinite values
}

func xyChart(name string, data any, opts []ChartOption, line bool) Rendered {
	var o chartOptions
	for _, opt := range opts {
		opt(&o)
	}
	s, err := seriesOf(data, o)
	if err != nil {
		return renderedError(fmt.Errorf("%s: %w", name, err))
	}
	slices.SortStableFunc(s.points, func(a, b xyPoint) int { return cmpFloat(a.x, b.x) })
	total := len(s.points)
	shown := s.points
	if line {
		shown = thinLine(shown, maxLinePoints)
	} else if len(shown) > maxScatterPoints {
		sample := make([]xyPoint, maxScatterPoints)
		for i := range sample {
			sample[i] = shown[int(int64(i)*int64(len(shown))/maxScatterPoints)]
		}
		shown = sample
	}
	var note string
	switch {
	case len(shown) < total && line:
		note = fmt.Sprintf("%s, thinned to %s", plural(int64(total), "point"), thousands(int64(len(shown))))
	case len(shown) < total:
		note = fmt.Sprintf("%s of %s shown (an even sample)", thousands(int64(len(shown))), plural(int64(total), "point"))
	default:
		note = plural(int64(total), "point")
	}
	if s.dropped > 0 {
		note += fmt.Sprintf("; %s without a finite value left out", plural(int64(s.dropped), "point"))
	}
	kind := "Scatter plot"
	if line {
		kind = "Line chart"
	}
	text := kind + " of " + s.yName + " against " + s.xName + ": " + note
	if len(s.points) > 0 {
		lo, hi := yRange(s.points)
		text += fmt.Sprintf("\nx from %s to %s, y from %s to %s", s.xText(s.points[0].x), s.xText(s.points[len(s.points)-1].x), readableFloat(lo), readableFloat(hi))
	}
	return Rendered{bundle: map[string]any{
		"text/html":     `<div style="max-width:100%;overflow-x:auto">` + s.svg(o.title, note, line, shown, "") + "</div>\n",
		"image/svg+xml": s.svg(o.title, note, line, shown, standaloneColour),
		"text/plain":    text,
	}}
}

func cmpFloat(a, b float64) int {
	switch {
	case a < b:
		return -1
	case a > b:
		return 1
	}
	return 0
}

// thinLine keeps at most about n of the points, sorted by x: the first
// and last, and in each of n/2 slices of x the lowest and the highest.
func thinLine(ps []xyPoint, n int) []xyPoint {
	if len(ps) <= n {
		return ps
	}
	buckets := n / 2
	out := make([]xyPoint, 0, n+2)
	for b := range buckets {
		from, to := b*len(ps)/buckets, (b+1)*len(ps)/buckets
		if from >= to {
			continue
		}
		lo, hi := from, from
		for i := from; i < to; i++ {
			if ps[i].y < ps[lo].y {
				lo = i
			}
			if ps[i].y > ps[hi].y {
				hi = i
			}
		}
		out = append(out, ps[min(lo, hi)])
		if lo != hi {
			out = append(out, ps[max(lo, hi)])
		}
	}
	return out
}

func yRange(ps []xyPoint) (lo, hi float64) {
	lo, hi = math.Inf(1), math.Inf(-1)
	for _, p := range ps {
		lo, hi = min(lo, p.y), max(hi, p.y)
	}
	return lo, hi
}

// errXY says what line and scatter charts take.
var errXY = errors.New("want a slice of numbers, a []rdd.Pair or []any of pairs of numbers (or times) and numbers, a map of numbers to numbers, or a table with XY naming two of its columns")

// seriesOf reads the points of data.
func seriesOf(data any, o chartOptions) (xySeries, error) {
	if o.x != "" || o.y != "" {
		return tableSeries(data, o.x, o.y)
	}
	s := xySeries{xName: "x", yName: "y"}
	add := func(x, y any) error {
		fx, isTime, okX := xValue(x)
		fy, okY := floatOf(y)
		if !okX || !okY {
			return fmt.Errorf("the point (%s, %s) is not a pair of numbers: %w", formatValue(x, 40), formatValue(y, 40), errXY)
		}
		s.xTime = s.xTime || isTime
		s.addPoint(fx, fy)
		return nil
	}
	rv := reflect.ValueOf(data)
	switch {
	case data == nil:
		return s, errXY
	case rv.Kind() == reflect.Map:
		s.xName, s.yName = "key", "value"
		for it := rv.MapRange(); it.Next(); {
			if err := add(it.Key().Interface(), it.Value().Interface()); err != nil {
				return s, err
			}
		}
		return s, nil
	case rv.Kind() != reflect.Slice && rv.Kind() != reflect.Array:
		return s, fmt.Errorf("a %T: %w", data, errXY)
	}
	for i := range rv.Len() {
		e := rv.Index(i).Interface()
		if p, ok := e.(rdd.Pair); ok {
			s.xName, s.yName = "key", "value"
			if err := add(p.Key, p.Value); err != nil {
				return s, err
			}
			continue
		}
		s.xName, s.yName = "index", "value"
		if err := add(i, e); err != nil {
			return s, err
		}
	}
	return s, nil
}

// addPoint adds a point, counting those it leaves out.
func (s *xySeries) addPoint(x, y float64) {
	if math.IsNaN(x) || math.IsInf(x, 0) || math.IsNaN(y) || math.IsInf(y, 0) {
		s.dropped++
		return
	}
	s.points = append(s.points, xyPoint{x, y})
}

// xValue reads an x value: a number, or a time as Unix microseconds.
func xValue(v any) (float64, bool, bool) {
	if t, ok := v.(time.Time); ok {
		return float64(t.UnixMicro()), true, true
	}
	f, ok := floatOf(v)
	return f, false, ok
}

// tableSeries reads the points of columns x and y of a table.
func tableSeries(data any, x, y string) (xySeries, error) {
	s := xySeries{xName: x, yName: y}
	if x == "" || y == "" {
		return s, fmt.Errorf("XY(%q, %q): name both columns", x, y)
	}
	rec, err := ToRecord(data, memory.DefaultAllocator)
	if err != nil {
		return s, err
	}
	defer rec.Release()
	cols, err := project(rec, []string{x, y})
	if err != nil {
		return s, err
	}
	defer cols.Release()
	xs, ys := cols.Column(0), cols.Column(1)
	if !isNumeric(ys.DataType().ID()) || ys.DataType().ID() == arrow.DURATION {
		return s, fmt.Errorf("column %q is %s, not numbers", y, ys.DataType())
	}
	xID := xs.DataType().ID()
	s.xTime = xID == arrow.TIMESTAMP
	if !s.xTime && (!isNumeric(xID) || xID == arrow.DURATION) {
		return s, fmt.Errorf("column %q is %s, not numbers or times", x, xs.DataType())
	}
	for i := range int(cols.NumRows()) {
		if xs.IsNull(i) || ys.IsNull(i) {
			s.dropped++
			continue
		}
		fy, _ := numberAt(ys, i)
		var fx float64
		if s.xTime {
			ts := xs.(*array.Timestamp)
			fx = float64(ts.Value(i).ToTime(ts.DataType().(*arrow.TimestampType).Unit).UnixMicro())
		} else {
			fx, _ = numberAt(xs, i)
		}
		s.addPoint(fx, fy)
	}
	return s, nil
}

// xText writes an x value: a time in RFC 3339 or a number.
func (s *xySeries) xText(x float64) string {
	if s.xTime {
		return time.UnixMicro(int64(x)).UTC().Format(time.RFC3339)
	}
	return readableFloat(x)
}

// niceTicks returns about n round values spanning lo to hi.
func niceTicks(lo, hi float64, n int) []float64 {
	if !(hi > lo) {
		lo, hi = lo-1, hi+1
	}
	raw := (hi - lo) / float64(n)
	mag := math.Pow(10, math.Floor(math.Log10(raw)))
	step := mag
	for _, m := range []float64{1, 2, 2.5, 5, 10} {
		if m*mag >= raw {
			step = m * mag
			break
		}
	}
	var out []float64
	for v := math.Ceil(lo/step) * step; v <= hi+step*1e-9; v += step {
		out = append(out, math.Round(v/step)*step)
	}
	return out
}

// svg draws the points.
func (s *xySeries) svg(title, note string, line bool, ps []xyPoint, colour string) string {
	top := float64(chartPad + 4)
	if title != "" {
		top = titleHeight + 4
	}
	plotW, plotH := float64(chartWidth-xyLeft-chartPad*2), float64(xyHeight)-top-xyBottom
	var b strings.Builder
	fmt.Fprintf(&b, `<svg xmlns="http://www.w3.org/2000/svg" width="%d" height="%d" viewBox="0 0 %d %d" font-family="sans-serif" font-size="12" fill="currentColor" role="img"`,
		chartWidth, xyHeight, chartWidth, xyHeight)
	if title != "" {
		b.WriteString(` aria-label="` + html.EscapeString(xmlSafe(title)) + `"`)
	}
	if colour != "" {
		b.WriteString(` style="color:` + colour + `"`)
	}
	b.WriteString(">\n")
	if title != "" {
		fmt.Fprintf(&b, `<text x="%d" y="17" font-size="14" font-weight="bold">%s</text>`+"\n", chartPad, html.EscapeString(xmlSafe(title)))
	}
	if len(ps) == 0 {
		fmt.Fprintf(&b, `<text x="%d" y="%s" opacity=".7">(no data)</text>`+"\n</svg>\n", xyLeft, px(top+plotH/2))
		return b.String()
	}
	xlo, xhi := ps[0].x, ps[len(ps)-1].x
	ylo, yhi := yRange(ps)
	xt, yt := niceTicks(xlo, xhi, xyTicks), niceTicks(ylo, yhi, xyTicks)
	if s.xTime {
		xt = nil
	}
	xlo, xhi = spanOf(xlo, xhi, xt)
	ylo, yhi = spanOf(ylo, yhi, yt)
	x0, y0 := float64(xyLeft), top+plotH
	X := func(v float64) float64 { return x0 + (v-xlo)/(xhi-xlo)*plotW }
	Y := func(v float64) float64 { return y0 - (v-ylo)/(yhi-ylo)*plotH }
	// Grid lines and the axes' numbers.
	for _, v := range yt {
		fmt.Fprintf(&b, `<line x1="%s" y1="%s" x2="%s" y2="%s" stroke="currentColor" stroke-opacity=".15"/><text x="%s" y="%s" dy=".35em" text-anchor="end">%s</text>`+"\n",
			px(x0), px(Y(v)), px(x0+plotW), px(Y(v)), px(x0-6), px(Y(v)), html.EscapeString(readableFloat(v)))
	}
	if s.xTime {
		for i := range 3 {
			v := xlo + (xhi-xlo)*float64(i)/2
			anchor := []string{"start", "middle", "end"}[i]
			fmt.Fprintf(&b, `<text x="%s" y="%s" text-anchor="%s">%s</text>`+"\n", px(X(v)), px(y0+16), anchor, html.EscapeString(s.xText(v)))
		}
	} else {
		for _, v := range xt {
			fmt.Fprintf(&b, `<line x1="%s" y1="%s" x2="%s" y2="%s" stroke="currentColor" stroke-opacity=".15"/><text x="%s" y="%s" text-anchor="middle">%s</text>`+"\n",
				px(X(v)), px(top), px(X(v)), px(y0), px(X(v)), px(y0+16), html.EscapeString(readableFloat(v)))
		}
	}
	fmt.Fprintf(&b, `<path d="M%s %sH%s" stroke="currentColor" stroke-opacity=".5" fill="none"/>`+"\n", px(x0), px(y0), px(x0+plotW))
	fmt.Fprintf(&b, `<text x="%s" y="%d" text-anchor="middle" opacity=".8">%s</text>`+"\n", px(x0+plotW/2), xyHeight-6, html.EscapeString(xmlSafe(s.xName)))
	fmt.Fprintf(&b, `<text x="%d" y="%s" text-anchor="middle" opacity=".8" transform="rotate(-90 %d %s)">%s</text>`+"\n",
		12, px(top+plotH/2), 12, px(top+plotH/2), html.EscapeString(xmlSafe(s.yName)))
	if line {
		var d strings.Builder
		for i, p := range ps {
			if i == 0 {
				d.WriteString("M")
			} else {
				d.WriteString("L")
			}
			d.WriteString(px(X(p.x)) + " " + px(Y(p.y)))
		}
		fmt.Fprintf(&b, `<path class="gsp-line" d="%s" stroke="%s" stroke-width="2" fill="none" stroke-linejoin="round"/>`+"\n", d.String(), barFill)
	} else {
		b.WriteString(`<g class="gsp-dots" fill="` + barFill + `" fill-opacity=".7">` + "\n")
		for _, p := range ps {
			fmt.Fprintf(&b, `<circle cx="%s" cy="%s" r="3"><title>%s, %s</title></circle>`, px(X(p.x)), px(Y(p.y)), html.EscapeString(s.xText(p.x)), html.EscapeString(readableFloat(p.y)))
		}
		b.WriteString("\n</g>\n")
	}
	fmt.Fprintf(&b, `<text x="%s" y="%d" text-anchor="end" opacity=".6" font-size="11">%s</text>`+"\n", px(x0+plotW), xyHeight-6, html.EscapeString(note))
	b.WriteString("</svg>\n")
	return b.String()
}

// spanOf widens lo..hi to the ticks, and to a non-empty span.
func spanOf(lo, hi float64, ticks []float64) (float64, float64) {
	if len(ticks) > 0 {
		lo, hi = min(lo, ticks[0]), max(hi, ticks[len(ticks)-1])
	}
	if !(hi > lo) {
		lo, hi = lo-1, hi+1
	}
	return lo, hi
}

// tablePairs reads columns x (labels) and y (numbers) of a table as
// pairs, for a bar chart.
func tablePairs(data any, x, y string) ([]rdd.Pair, error) {
	if x == "" || y == "" {
		return nil, fmt.Errorf("XY(%q, %q): name both columns", x, y)
	}
	rec, err := ToRecord(data, memory.DefaultAllocator)
	if err != nil {
		return nil, err
	}
	defer rec.Release()
	cols, err := project(rec, []string{x, y})
	if err != nil {
		return nil, err
	}
	defer cols.Release()
	xs, ys := cols.Column(0), cols.Column(1)
	if !isNumeric(ys.DataType().ID()) || ys.DataType().ID() == arrow.DURATION {
		return nil, fmt.Errorf("column %q is %s, not numbers", y, ys.DataType())
	}
	pairs := make([]rdd.Pair, 0, cols.NumRows())
	for i := range int(cols.NumRows()) {
		label := "null"
		if !isNull(xs, i) {
			label = cellText(xs, i)
		}
		v := math.NaN()
		if !ys.IsNull(i) {
			v, _ = numberAt(ys, i)
		}
		pairs = append(pairs, rdd.KV(label, v))
	}
	return pairs, nil
}
