package display

import (
	"fmt"
	"html"
	"math"
	"reflect"
	"slices"
	"strconv"
	"strings"
	"unicode/utf8"

	"github.com/gosparkling/gosparkling/rdd"
)

// DefaultMaxBars is the number of bars Bar draws when MaxBars is not
// given; the others are counted under the chart.
const DefaultMaxBars = 20

// Chart geometry, in pixels, and colours. The fill is a mid-tone blue that
// reads on light and dark backgrounds; text takes the page's colour.
const (
	chartWidth    = 640
	barPitch      = 22 // from one bar to the next
	chartPad      = 8
	charWidth     = 7 // estimated width of a character of 12 px sans-serif
	maxLabelChars = 32
	titleHeight   = 26
	noteHeight    = 20
	barFill       = "#4e79a7"
	textBarWidth  = 30 // characters of the longest bar of a text chart
	// standaloneColour is the text colour of the image/svg+xml rendition,
	// shown by frontends as an image that cannot inherit the page's
	// colour: a grey readable on white and on black.
	standaloneColour = "#777"
)

// ChartOption tunes a chart made by Bar, Line or Scatter.
type ChartOption func(*chartOptions)

type chartOptions struct {
	title   string
	maxBars int
	x, y    string // columns of a table, set by XY
}

// Title sets the title drawn above a chart's bars.
func Title(title string) ChartOption {
	return func(o *chartOptions) { o.title = title }
}

// MaxBars sets how many bars a chart draws, the first in order; the
// others are counted under it. Zero or less means DefaultMaxBars.
func MaxBars(n int) ChartOption {
	return func(o *chartOptions) { o.maxBars = n }
}

// Bar draws a horizontal bar chart of labelled numbers as inline SVG, with
// a text rendition of bars made of block characters. data is
//
//   - a []rdd.Pair, or a []any of rdd.Pair as Top and TakeOrdered return
//     them: one bar per pair, the key as label and the value (any Go
//     number) as length, in the slice's order;
//   - a map with number values, such as the map[any]int64 of CountByValue
//     and CountByKey or a map[string]int: one bar per entry, largest value
//     first (then by key).
//
// With XY, data is any table (see Table) and the bars are those of its
// rows: the x column's values as labels, the y column's numbers as
// lengths, in the table's order.
//
// The first DefaultMaxBars bars are drawn (see MaxBars), 640 pixels wide
// and 22 per bar, with numbers written with thousands separators. Other
// data gives a Rendered whose Err says what was expected.
//
//	display.Bar(words.CountByValue(), display.Title("Top words"))
func Bar(data any, opts ...ChartOption) Rendered {
	o := chartOptions{maxBars: DefaultMaxBars}
	for _, opt := range opts {
		opt(&o)
	}
	if o.maxBars <= 0 {
		o.maxBars = DefaultMaxBars
	}
	if o.x != "" || o.y != "" {
		pairs, err := tablePairs(data, o.x, o.y)
		if err != nil {
			return renderedError(fmt.Errorf("display.Bar: %w", err))
		}
		data = pairs
	}
	bars, total, err := barsOf(data, o.maxBars)
	if err != nil {
		return renderedError(fmt.Errorf("display.Bar: %w", err))
	}
	c := chart{title: o.title, bars: bars, pitch: barPitch, labelEvery: 1}
	if more := total - len(bars); more > 0 {
		c.note = "… " + plural(int64(more), "more bar")
	}
	return Rendered{bundle: map[string]any{
		"text/html":     `<div style="max-width:100%;overflow-x:auto">` + c.svg("") + "</div>\n",
		"image/svg+xml": c.svg(standaloneColour),
		"text/plain":    c.text(),
	}}
}

// bar is one labelled number of a chart.
type bar struct {
	label  string  // the whole label, safe in XML
	value  float64 // NaN and infinities draw no bar
	text   string  // the number as written
	key    any     // the label's value, to order maps
	number any     // the value, to write it once chosen
}

// barsOf returns the first n bars of data in order, and how many there
// are in all.
func barsOf(data any, n int) ([]bar, int, error) {
	switch x := data.(type) {
	case []rdd.Pair:
		bars := make([]bar, 0, min(n, len(x)))
		for i, p := range x[:min(n, len(x))] {
			b, err := pairBar(i, p)
			if err != nil {
				return nil, 0, err
			}
			bars = append(bars, b)
		}
		return bars, len(x), nil
	case nil:
		return nil, 0, fmt.Errorf("cannot chart nil: %s", wantBars)
	case map[any]int64: // CountByValue, CountByKey
		bars := make([]bar, 0, len(x))
		for k, v := range x {
			bars = append(bars, bar{value: float64(v), key: k, number: v})
		}
		return firstBars(bars, n), len(x), nil
	}
	rv := reflect.ValueOf(data)
	switch rv.Kind() {
	case reflect.Slice, reflect.Array:
		bars := make([]bar, 0, min(n, rv.Len()))
		for i := range min(n, rv.Len()) {
			e := rv.Index(i).Interface()
			p, ok := e.(rdd.Pair)
			if pp, isPtr := e.(*rdd.Pair); isPtr && pp != nil {
				p, ok = *pp, true
			}
			if !ok {
				return nil, 0, fmt.Errorf("element %d of the %T is a %T, want an rdd.Pair of a label and a number", i, data, e)
			}
			b, err := pairBar(i, p)
			if err != nil {
				return nil, 0, err
			}
			bars = append(bars, b)
		}
		return bars, rv.Len(), nil
	case reflect.Map:
		bars := make([]bar, 0, rv.Len())
		for it := rv.MapRange(); it.Next(); {
			k, v := it.Key().Interface(), it.Value().Interface()
			f, ok := floatOf(v)
			if !ok {
				return nil, 0, fmt.Errorf("the value of key %s is a %T, want a number", quoteLabel(k), v)
			}
			bars = append(bars, bar{value: f, key: k, number: v})
		}
		return firstBars(bars, n), rv.Len(), nil
	}
	return nil, 0, fmt.Errorf("cannot chart a %T: %s", data, wantBars)
}

const wantBars = "want a []rdd.Pair, a []any of rdd.Pair (Top, TakeOrdered) or a map of numbers (CountByValue)"

// pairBar makes the bar of element i, a pair of a label and a number.
func pairBar(i int, p rdd.Pair) (bar, error) {
	f, text, ok := numberOf(p.Value)
	if !ok {
		return bar{}, fmt.Errorf("the value of element %d (key %s) is a %T, want a number", i, quoteLabel(p.Key), p.Value)
	}
	return bar{label: labelOf(p.Key), value: f, text: text, key: p.Key}, nil
}

// firstBars returns the n first of a map's bars in order, labelled.
func firstBars(bars []bar, n int) []bar {
	sortPrefix(bars, n, compareBars)
	bars = bars[:min(n, len(bars))]
	for i := range bars {
		bars[i].label = labelOf(bars[i].key)
		_, bars[i].text, _ = numberOf(bars[i].number)
	}
	return bars
}

// compareBars orders a map's bars: largest value first, NaN last, then by
// key.
func compareBars(a, b bar) int {
	switch an, bn := math.IsNaN(a.value), math.IsNaN(b.value); {
	case an && !bn:
		return 1
	case bn && !an:
		return -1
	case !an && a.value > b.value:
		return -1
	case !an && a.value < b.value:
		return 1
	}
	return rdd.Compare(a.key, b.key)
}

// sortPrefix orders xs by cmp so that its first n elements are the n
// first in order, sorted; the others follow in no particular order. When n
// is small against len(xs) it costs one pass rather than a sort: a
// million counts shown 20 at a time.
func sortPrefix[T any](xs []T, n int, cmp func(a, b T) int) {
	if n >= len(xs)/4 {
		slices.SortFunc(xs, cmp)
		return
	}
	top := make([]int, 0, n+1) // indices of the n first so far, in order
	for i := range xs {
		if len(top) == n && cmp(xs[i], xs[top[n-1]]) >= 0 {
			continue
		}
		j, _ := slices.BinarySearchFunc(top, i, func(t, i int) int { return cmp(xs[t], xs[i]) })
		for j < len(top) && cmp(xs[top[j]], xs[i]) == 0 {
			j++ // after equal ones, as a stable sort would
		}
		top = slices.Insert(top, j, i)
		if len(top) > n {
			top = top[:n]
		}
	}
	chosen := make([]bool, len(xs))
	out := make([]T, 0, len(xs))
	for _, i := range top {
		chosen[i] = true
		out = append(out, xs[i])
	}
	for i, x := range xs {
		if !chosen[i] {
			out = append(out, x)
		}
	}
	copy(xs, out)
}

// floatOf returns v as a float, or false when v is not a Go number.
func floatOf(v any) (float64, bool) {
	switch x := v.(type) {
	case int64:
		return float64(x), true
	case int:
		return float64(x), true
	case float64:
		return x, true
	}
	f, _, ok := numberOf(v)
	return f, ok
}

// numberOf returns v as a float and as written with thousands separators,
// or false when v is not a Go number.
func numberOf(v any) (float64, string, bool) {
	switch x := v.(type) {
	case int64:
		return float64(x), thousands(x), true
	case int:
		return float64(x), thousands(int64(x)), true
	case float64:
		return x, formatNumber(x), true
	case nil:
		return 0, "", false
	}
	switch k, rv := inspect(v); k {
	case kInt:
		return float64(rv.Int()), thousands(rv.Int()), true
	case kUint:
		return float64(rv.Uint()), groupDigits(strconv.FormatUint(rv.Uint(), 10)), true
	case kFloat32:
		f := rv.Float()
		return f, formatNumber(f), true
	case kFloat64:
		f := rv.Float()
		return f, formatNumber(f), true
	}
	return 0, "", false
}

// formatNumber writes f as shortFloat does, with thousands separators in
// its integer part unless it is in exponent form.
func formatNumber(f float64) string {
	s := shortFloat(f)
	if math.IsNaN(f) || math.IsInf(f, 0) || strings.ContainsRune(s, 'e') {
		return s
	}
	whole, frac, hasFrac := strings.Cut(s, ".")
	if hasFrac {
		return groupDigits(whole) + "." + frac
	}
	return groupDigits(whole)
}

// labelOf writes a chart label: strings as they are, nil as "null",
// others with fmt, made safe for XML and kept to maxTitle characters (the
// whole label is the bar's tooltip).
func labelOf(v any) string {
	s, ok := toString(v, maxTitle)
	if !ok {
		s = "null"
	}
	s, _ = cut(s, maxTitle)
	return xmlSafe(s)
}

// quoteLabel writes a key for an error message.
func quoteLabel(v any) string {
	if s, ok := v.(string); ok {
		return strconv.Quote(s)
	}
	return fmt.Sprintf("%v", v)
}

// xmlSafe returns s with what XML 1.0 cannot hold replaced: invalid UTF-8
// and control characters by U+FFFD, line breaks and tabs by their Go
// escapes so that a label stays on one line.
func xmlSafe(s string) string {
	s = controlEscapes.Replace(strings.ToValidUTF8(s, "\uFFFD"))
	return strings.Map(func(r rune) rune {
		if r < 0x20 || r == 0x7f || r == 0xfffe || r == 0xffff {
			return '\uFFFD'
		}
		return r
	}, s)
}

// chart is a horizontal bar chart ready to draw.
type chart struct {
	title      string
	bars       []bar
	note       string  // under the bars: bars not drawn, buckets merged
	pitch      float64 // pixels from one bar to the next
	labelEvery int     // draw every labelEvery-th label, for thin bars
}

// scale maps values to x positions: the bars start at x0 and span width
// pixels between the smallest and largest of zero and the finite values.
type scale struct {
	x0, width, lo, hi float64
}

func (s scale) x(v float64) float64 {
	return s.x0 + (v-s.lo)/(s.hi-s.lo)*s.width
}

// layout returns the labels as drawn (shortened), the scale, and where
// the bars' first row starts.
func (c *chart) layout() (labels []string, sc scale, top float64) {
	labelChars, valueChars := 1, 1
	labels = make([]string, len(c.bars))
	sc.lo, sc.hi = 0, 0
	for i, b := range c.bars {
		labels[i], _ = cut(b.label, maxLabelChars)
		labelChars = max(labelChars, utf8.RuneCountInString(labels[i]))
		valueChars = max(valueChars, utf8.RuneCountInString(b.text))
		if !math.IsNaN(b.value) && !math.IsInf(b.value, 0) {
			sc.lo, sc.hi = min(sc.lo, b.value), max(sc.hi, b.value)
		}
	}
	if sc.hi == sc.lo {
		sc.hi = sc.lo + 1
	}
	sc.x0 = float64(chartPad + labelChars*charWidth + 6)
	sc.width = max(float64(chartWidth-chartPad-valueChars*charWidth-6)-sc.x0, 100)
	top = chartPad
	if c.title != "" {
		top = titleHeight
	}
	return labels, sc, top
}

// height is the height of the drawn chart.
func (c *chart) height(top float64) int {
	h := top + float64(max(len(c.bars), 1))*c.pitch + chartPad
	if c.note != "" {
		h += noteHeight
	}
	return int(math.Ceil(h))
}

// svg draws the chart as a standalone SVG element. Text is drawn in
// currentColor, the colour of the page around an inline SVG; colour, when
// set, fixes it for frontends that show the SVG as an image.
func (c *chart) svg(colour string) string {
	labels, sc, top := c.layout()
	h := c.height(top)
	var b strings.Builder
	fmt.Fprintf(&b, `<svg xmlns="http://www.w3.org/2000/svg" width="%d" height="%d" viewBox="0 0 %d %d" font-family="sans-serif" font-size="12" fill="currentColor" role="img"`,
		chartWidth, h, chartWidth, h)
	if c.title != "" {
		b.WriteString(` aria-label="` + html.EscapeString(xmlSafe(c.title)) + `"`)
	}
	if colour != "" {
		b.WriteString(` style="color:` + colour + `"`)
	}
	b.WriteString(">\n")
	if c.title != "" {
		fmt.Fprintf(&b, `<text x="%d" y="17" font-size="14" font-weight="bold">%s</text>`+"\n", chartPad, html.EscapeString(xmlSafe(c.title)))
	}
	thick := math.Max(c.pitch*16/22, 2)
	zero := sc.x(0)
	fmt.Fprintf(&b, `<line x1="%s" y1="%s" x2="%s" y2="%s" stroke="currentColor" stroke-opacity=".4"/>`+"\n",
		px(zero), px(top-2), px(zero), px(top+float64(max(len(c.bars), 1))*c.pitch-c.pitch+thick+2))
	if len(c.bars) == 0 {
		fmt.Fprintf(&b, `<text x="%s" y="%s" dy=".35em" opacity=".7">(no data)</text>`+"\n", px(zero+6), px(top+thick/2))
	}
	for i, bar := range c.bars {
		y := top + float64(i)*c.pitch
		mid := px(y + thick/2)
		b.WriteString("<g><title>" + html.EscapeString(bar.label+": "+bar.text) + "</title>")
		if i%c.labelEvery == 0 {
			fmt.Fprintf(&b, `<text x="%s" y="%s" dy=".35em" text-anchor="end">%s</text>`, px(sc.x0-6), mid, html.EscapeString(labels[i]))
		}
		end := zero
		if !math.IsNaN(bar.value) && !math.IsInf(bar.value, 0) {
			x := sc.x(bar.value)
			fmt.Fprintf(&b, `<rect x="%s" y="%s" width="%s" height="%s" fill="%s"/>`,
				px(min(x, zero)), px(y), px(math.Abs(x-zero)), px(thick), barFill)
			end = max(x, zero)
		}
		if c.labelEvery == 1 {
			fmt.Fprintf(&b, `<text x="%s" y="%s" dy=".35em">%s</text>`, px(end+4), mid, html.EscapeString(bar.text))
		}
		b.WriteString("</g>\n")
	}
	if c.note != "" {
		fmt.Fprintf(&b, `<text x="%d" y="%s" opacity=".7">%s</text>`+"\n", chartPad, px(float64(h)-chartPad-4), html.EscapeString(c.note))
	}
	b.WriteString("</svg>\n")
	return b.String()
}

// px writes a coordinate with at most one decimal.
func px(x float64) string {
	return strconv.FormatFloat(math.Round(x*10)/10, 'f', -1, 64)
}

// eighths are the block characters of a text bar's last, partial cell.
var eighths = []string{"", "▏", "▎", "▍", "▌", "▋", "▊", "▉"}

// text draws the chart with block characters: one line per bar, the label,
// the bar (its length proportional to the value's magnitude) and the
// number.
func (c *chart) text() string {
	var b strings.Builder
	if c.title != "" {
		b.WriteString(c.title + "\n")
	}
	if len(c.bars) == 0 {
		b.WriteString("(no data)")
	}
	labels := make([]string, len(c.bars))
	labelChars, valueChars, biggest := 0, 0, 0.0
	for i, bar := range c.bars {
		labels[i], _ = cut(bar.label, maxLabelChars)
		labelChars = max(labelChars, utf8.RuneCountInString(labels[i]))
		valueChars = max(valueChars, utf8.RuneCountInString(bar.text))
		if !math.IsNaN(bar.value) && !math.IsInf(bar.value, 0) {
			biggest = max(biggest, math.Abs(bar.value))
		}
	}
	for i, bar := range c.bars {
		cells := 0
		if biggest > 0 && !math.IsNaN(bar.value) && !math.IsInf(bar.value, 0) {
			cells = int(math.Round(math.Abs(bar.value) / biggest * textBarWidth * 8))
			if cells == 0 && bar.value != 0 {
				cells = 1 // a sliver: not nothing
			}
		}
		drawn := strings.Repeat("█", cells/8) + eighths[cells%8]
		line := labels[i] + strings.Repeat(" ", labelChars-utf8.RuneCountInString(labels[i])) + "  " +
			drawn + strings.Repeat(" ", textBarWidth+1-utf8.RuneCountInString(drawn)) + " " +
			strings.Repeat(" ", valueChars-utf8.RuneCountInString(bar.text)) + bar.text
		b.WriteString(line)
		if i < len(c.bars)-1 {
			b.WriteByte('\n')
		}
	}
	if c.note != "" {
		b.WriteString("\n" + c.note)
	}
	return b.String()
}
