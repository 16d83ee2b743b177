package display

import (
	"cmp"
	"fmt"
	"html"
	"math"
	"math/bits"
	"math/rand/v2"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/array"
	"github.com/apache/arrow-go/v18/arrow/memory"

	"github.com/gosparkling/gosparkling/rdd"
)

// Profile limits: rows are converted into columns profileBatch at a time;
// at most profileSample numbers of a column are kept for its histogram,
// profileTop values of a text column are shown among profileTrack
// tracked, and distinct values are counted with a HyperLogLog sketch of
// 2^hllBits registers (about 1.6% standard error).
const (
	profileBatch      = 4096
	profileSample     = 10_000
	profileTop        = 3
	profileTrack      = 10_000
	hllBits           = 12
	profileHistBars   = 20
	profileValueWidth = 24 // characters of a most frequent value, quoted
)

// Profile computes, in one pass over v, a profile of each of its columns:
// its type, the values counted, nulls and empty strings, an approximate
// count of distinct values, for numbers their minimum, maximum and mean
// and a small histogram, for other values the most frequent ones. v is an
// *rdd.RDD, profiled by one job over all its partitions (the columns of
// its elements are inferred as a table's are, see ToRecord), or a
// collection that Table shows (a slice, array or map). A value that is not
// tabular gives a Rendered whose Err says so.
//
// Distinct counts of numbers, and of texts with more than 10,000
// distinct values in a partition, are estimates marked ≈ (HyperLogLog,
// about 2% off); the counts of the most frequent values are exact unless
// they are marked ≥ (lower bounds, for such texts); the
// histogram is drawn from a sample of up to 10,000 values.
//
//	display.Profile(sc.TextFile("logs/*.gz").Map(parse))
func Profile(v any) Rendered {
	var p *profile
	switch x := v.(type) {
	case *rdd.RDD:
		if x == nil {
			return renderedError(fmt.Errorf("display.Profile: a nil *rdd.RDD"))
		}
		err := rdd.Try(func() {
			parts := x.MapPartitions(func(rows []any) []any {
				return []any{profileRows(source{n: len(rows), anys: rows})}
			}).Collect()
			p = &profile{}
			for _, part := range parts {
				p.merge(part.(*profile))
			}
		})
		if err != nil {
			return renderedError(fmt.Errorf("display.Profile: %w", err))
		}
	default:
		src, ok := sourceOf(v, 0)
		if !ok {
			return renderedError(fmt.Errorf("display.Profile: a %T is %w", v, errNotTabular))
		}
		p = profileRows(src)
	}
	return Rendered{bundle: p.bundle()}
}

// profile is the profile of the rows seen so far.
type profile struct {
	rows int64
	cols []*columnProfile
}

// columnProfile is the profile of one column.
type columnProfile struct {
	name          string
	typ           string
	numeric       bool
	timed         bool // min and max are microseconds since the epoch
	count, nulls  int64
	empties       int64
	min, max, sum float64
	hll           [1 << hllBits]uint8
	sample        []float64 // reservoir of at most profileSample numbers
	seen          int64     // numbers offered to the reservoir
	top           map[string]int64
	pruned        bool // top lost counts: its counts are lower bounds
	shortened     bool // a value was cut to be tracked in top
}

// hashText hashes s for the distinct count: FNV-1a, its bits mixed
// (SplitMix64's finalizer) so that the high ones, which pick a register,
// are even. It is fixed, so that a profile is the same from run to run.
func hashText(s string) uint64 {
	h := uint64(14695981039346656037)
	for i := 0; i < len(s); i++ {
		h ^= uint64(s[i])
		h *= 1099511628211
	}
	h ^= h >> 30
	h *= 0xbf58476d1ce4e5b9
	h ^= h >> 27
	h *= 0x94d049bb133111eb
	return h ^ h>>31
}

// profileRows profiles the rows of src, a batch at a time.
func profileRows(src source) *profile {
	p := &profile{}
	mem := memory.DefaultAllocator
	for from := 0; from < src.n; from += profileBatch {
		n := min(profileBatch, src.n-from)
		batch := source{n: n, elem: src.elem, pair: src.pair}
		if src.anys != nil {
			batch.anys = src.anys[from : from+n]
		} else {
			at := src.at
			off := from
			batch.at = func(i int) any { return at(off + i) }
		}
		rec := inferTable(batch, n).build(mem, n, maxTitle)
		p.add(rec)
		rec.Release()
		p.countMissing()
	}
	if src.n == 0 {
		rec := inferTable(src, 0).build(mem, 0, maxTitle)
		p.add(rec)
		rec.Release()
	}
	return p
}

// column returns the profile of the column name, made with type typ if
// new; a column seen with two types has type "mixed".
func (p *profile) column(name, typ string, numeric, timed bool) *columnProfile {
	for _, c := range p.cols {
		if c.name == name {
			if c.typ != typ && typ != "null" {
				if c.typ == "null" {
					c.typ, c.numeric, c.timed = typ, numeric, timed
				} else if !(c.numeric && numeric) {
					c.typ, c.numeric, c.timed = "mixed", false, false
				} else {
					c.typ = "float64"
				}
			}
			return c
		}
	}
	c := &columnProfile{name: name, typ: typ, numeric: numeric, timed: timed,
		min: math.Inf(1), max: math.Inf(-1), top: map[string]int64{}}
	p.cols = append(p.cols, c)
	return c
}

// add profiles the rows of rec.
func (p *profile) add(rec arrow.RecordBatch) {
	p.rows += rec.NumRows()
	for j, f := range rec.Schema().Fields() {
		arr := rec.Column(j)
		id := f.Type.ID()
		numeric := arrow.IsInteger(id) || arrow.IsFloating(id)
		timed := id == arrow.TIMESTAMP
		c := p.column(f.Name, f.Type.String(), numeric, timed)
		for i := range arr.Len() {
			if isNull(arr, i) {
				c.nulls++
				continue
			}
			c.count++
			text := cellText(arr, i)
			c.hllAdd(hashText(text))
			switch {
			case numeric:
				x, _ := numberAt(arr, i)
				c.addNumber(x)
			case timed:
				c.addNumber(float64(arr.(*array.Timestamp).Value(i)))
				c.addTop(text)
			default:
				if text == "" {
					c.empties++
				}
				c.addTop(text)
			}
		}
	}
}

// numberAt returns value i of a numeric array as a float64.
func numberAt(arr arrow.Array, i int) (float64, bool) {
	switch a := arr.(type) {
	case *array.Float64:
		return a.Value(i), true
	case *array.Float32:
		return float64(a.Value(i)), true
	case *array.Int64:
		return float64(a.Value(i)), true
	case *array.Uint64:
		return float64(a.Value(i)), true
	}
	f, err := strconv.ParseFloat(cellText(arr, i), 64)
	return f, err == nil
}

func (c *columnProfile) addNumber(x float64) {
	if math.IsNaN(x) {
		return
	}
	c.min, c.max = min(c.min, x), max(c.max, x)
	c.sum += x
	c.seen++
	if len(c.sample) < profileSample {
		c.sample = append(c.sample, x)
	} else if k := rand.Int64N(c.seen); k < profileSample {
		c.sample[k] = x
	}
}

func (c *columnProfile) addTop(s string) {
	s, isCut := cut(s, 200)
	c.shortened = c.shortened || isCut
	c.top[s]++
	if len(c.top) > profileTrack {
		c.prune()
	}
}

// prune halves the values tracked for the most frequent, dropping those
// seen least.
func (c *columnProfile) prune() {
	counts := make([]int64, 0, len(c.top))
	for _, n := range c.top {
		counts = append(counts, n)
	}
	slices.Sort(counts)
	cutoff := counts[len(counts)/2]
	for k, n := range c.top {
		if n <= cutoff {
			delete(c.top, k)
		}
	}
	c.pruned = true
}

// hllAdd adds a hashed value to the HyperLogLog sketch.
func (c *columnProfile) hllAdd(h uint64) {
	idx := h >> (64 - hllBits)
	rank := uint8(bits.LeadingZeros64(h<<hllBits|1<<(hllBits-1)) + 1)
	c.hll[idx] = max(c.hll[idx], rank)
}

// distinctText writes the number of distinct values: exact for text
// columns whose values are all tracked, else an estimate marked "≈".
func (c *columnProfile) distinctText() string {
	if !c.numeric && !c.timed && !c.pruned && !c.shortened {
		return thousands(int64(len(c.top)))
	}
	return "≈" + thousands(c.distinct())
}

// distinct estimates the number of distinct values added.
func (c *columnProfile) distinct() int64 {
	const m = 1 << hllBits
	sum, zeros := 0.0, 0
	for _, r := range c.hll {
		sum += math.Ldexp(1, -int(r))
		if r == 0 {
			zeros++
		}
	}
	e := 0.7213 / (1 + 1.079/m) * m * m / sum
	if e <= 2.5*m && zeros > 0 {
		e = m * math.Log(float64(m)/float64(zeros))
	}
	return min(int64(e+0.5), c.count)
}

// merge adds the profile of other rows.
func (p *profile) merge(o *profile) {
	p.rows += o.rows
	for _, oc := range o.cols {
		c := p.column(oc.name, oc.typ, oc.numeric, oc.timed)
		c.count += oc.count
		c.nulls += oc.nulls
		c.empties += oc.empties
		c.min, c.max, c.sum = min(c.min, oc.min), max(c.max, oc.max), c.sum+oc.sum
		for i, r := range oc.hll {
			c.hll[i] = max(c.hll[i], r)
		}
		c.mergeSample(oc)
		for k, n := range oc.top {
			c.top[k] += n
		}
		c.pruned = c.pruned || oc.pruned
		c.shortened = c.shortened || oc.shortened
		if len(c.top) > profileTrack {
			c.prune()
		}
	}
	p.countMissing()
}

// countMissing counts as nulls of a column the rows of batches or
// partitions that lacked it (rows that are maps without its key).
func (p *profile) countMissing() {
	for _, c := range p.cols {
		if missing := p.rows - c.count - c.nulls; missing > 0 {
			c.nulls += missing
		}
	}
}

// mergeSample merges the reservoir of o into c's, each value kept with a
// chance in proportion to the numbers its reservoir stands for.
func (c *columnProfile) mergeSample(o *columnProfile) {
	total := c.seen + o.seen
	if total == 0 {
		return
	}
	if len(c.sample)+len(o.sample) <= profileSample {
		c.sample = append(c.sample, o.sample...)
		c.seen = total
		return
	}
	merged := make([]float64, 0, profileSample)
	for range profileSample {
		if rand.Int64N(total) < c.seen {
			merged = append(merged, c.sample[rand.IntN(len(c.sample))])
		} else {
			merged = append(merged, o.sample[rand.IntN(len(o.sample))])
		}
	}
	c.sample, c.seen = merged, total
}

// topValues returns the most frequent values, most frequent first, ties
// by value.
func (c *columnProfile) topValues() []valueCount {
	out := make([]valueCount, 0, len(c.top))
	for k, n := range c.top {
		out = append(out, valueCount{k, n})
	}
	slices.SortFunc(out, func(a, b valueCount) int {
		return cmp.Or(cmp.Compare(b.n, a.n), strings.Compare(a.v, b.v))
	})
	return out[:min(len(out), profileTop)]
}

type valueCount struct {
	v string
	n int64
}

// histogram counts the sampled numbers in profileHistBars equal buckets
// between min and max.
func (c *columnProfile) histogram() []int {
	if len(c.sample) == 0 || !(c.max > c.min) || math.IsInf(c.max-c.min, 0) {
		return nil
	}
	counts := make([]int, profileHistBars)
	width := (c.max - c.min) / profileHistBars
	for _, x := range c.sample {
		i := min(int((x-c.min)/width), profileHistBars-1)
		counts[max(i, 0)]++
	}
	return counts
}

// numberText writes a number of the column as its table cells do.
func (c *columnProfile) numberText(x float64) string {
	if c.timed {
		return time.UnixMicro(int64(x)).UTC().Format(time.RFC3339)
	}
	return readableFloat(x)
}

// profileRow is a column's line of the profile, as text.
type profileRow struct {
	Column   string `display:"column"`
	Type     string `display:"type"`
	Count    int64  `display:"count"`
	Nulls    int64  `display:"nulls"`
	Empty    int64  `display:"empty"`
	Distinct string `display:"distinct"`
	Min      string `display:"min"`
	Max      string `display:"max"`
	Mean     string `display:"mean"`
	Top      string `display:"top values"`
}

func (c *columnProfile) row() profileRow {
	r := profileRow{Column: c.name, Type: c.typ, Count: c.count, Nulls: c.nulls, Empty: c.empties,
		Distinct: c.distinctText()}
	if c.count > 0 && (c.numeric || c.timed) && c.seen > 0 {
		r.Min, r.Max = c.numberText(c.min), c.numberText(c.max)
		if c.numeric {
			r.Mean = readableFloat(c.sum / float64(c.seen))
		}
	}
	if !c.numeric {
		var parts []string
		for _, vc := range c.topValues() {
			v, _ := cut(strconv.Quote(vc.v), profileValueWidth)
			n := thousands(vc.n)
			if c.pruned {
				n = "≥" + n
			}
			parts = append(parts, v+" ("+n+")")
		}
		r.Top = strings.Join(parts, ", ")
	}
	return r
}

// bundle renders the profile: an HTML table with a histogram per numeric
// column, and a text table.
func (p *profile) bundle() map[string]any {
	rows := make([]profileRow, len(p.cols))
	for i, c := range p.cols {
		rows[i] = c.row()
	}
	text := Options{MaxRows: len(rows) + 1, MaxCellWidth: 200, BrowserRows: -1}.Bundle(rows)["text/plain"].(string)
	text = "Profile of " + plural(p.rows, "row") + "\n" + text

	var b strings.Builder
	b.WriteString(`<div class="gsp-profile" style="overflow-x:auto;max-width:100%;font-variant-numeric:tabular-nums">` + "\n")
	b.WriteString(`<div style="font-weight:bold;margin:.25em 0">Profile of ` + plural(p.rows, "row") + " × " + plural(int64(len(p.cols)), "column") + "</div>\n")
	b.WriteString(`<table style="border-collapse:collapse;border:none;margin:0;color:inherit;background:transparent">` + "\n<thead><tr>")
	heads := []string{"column", "type", "count", "nulls", "empty", "distinct", "min", "max", "mean", "histogram / top values"}
	for i, h := range heads {
		align := "left"
		if i >= 2 && i <= 8 {
			align = "right"
		}
		fmt.Fprintf(&b, `<th style="%s;text-align:%s;border-bottom:1px solid rgba(127,127,127,.6)">%s</th>`, profileCell, align, h)
	}
	b.WriteString("</tr></thead>\n<tbody>\n")
	for i, c := range p.cols {
		r := rows[i]
		b.WriteString("<tr>")
		fmt.Fprintf(&b, `<td style="%s;text-align:left;font-weight:bold">%s</td>`, profileCell, html.EscapeString(r.Column))
		fmt.Fprintf(&b, `<td style="%s;text-align:left;opacity:.7">%s</td>`, profileCell, html.EscapeString(r.Type))
		for _, v := range []string{thousands(r.Count), thousands(r.Nulls), thousands(r.Empty), r.Distinct, r.Min, r.Max, r.Mean} {
			fmt.Fprintf(&b, `<td style="%s;text-align:right">%s</td>`, profileCell, html.EscapeString(v))
		}
		fmt.Fprintf(&b, `<td style="%s;text-align:left">`, profileCell)
		if counts := c.histogram(); counts != nil {
			b.WriteString(sparkline(counts, c.numberText(c.min), c.numberText(c.max)))
		} else {
			b.WriteString(html.EscapeString(r.Top))
		}
		b.WriteString("</td></tr>\n")
	}
	b.WriteString("</tbody></table>\n</div>\n")
	return map[string]any{"text/plain": text, "text/html": b.String()}
}

// profileCell is the inline style of a profile's cells.
const profileCell = "padding:.2em .6em;border:none;border-bottom:1px solid rgba(127,127,127,.25);white-space:nowrap;vertical-align:middle;color:inherit;background:transparent"

// sparkline draws counts as a small inline SVG bar chart from lo to hi,
// each bar's count in its tooltip.
func sparkline(counts []int, lo, hi string) string {
	const w, h = 120, 24
	top := slices.Max(counts)
	var b strings.Builder
	fmt.Fprintf(&b, `<svg xmlns="http://www.w3.org/2000/svg" class="gsp-spark" width="%d" height="%d" viewBox="0 0 %d %d" role="img" style="vertical-align:middle"><title>%s to %s</title>`,
		w, h, w, h, xmlSafe(lo), xmlSafe(hi))
	bw := float64(w) / float64(len(counts))
	for i, n := range counts {
		bh := 0.0
		if top > 0 {
			bh = float64(n) / float64(top) * (h - 2)
		}
		if n > 0 {
			bh = max(bh, 1)
		}
		fmt.Fprintf(&b, `<rect x="%s" y="%s" width="%s" height="%s" fill="%s"><title>%d</title></rect>`,
			px(float64(i)*bw+0.5), px(h-bh), px(bw-1), px(bh), barFill, n)
	}
	b.WriteString("</svg>")
	return b.String()
}
