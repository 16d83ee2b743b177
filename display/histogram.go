package display

import (
	"fmt"
	"math"
	"strconv"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/array"
	"github.com/apache/arrow-go/v18/arrow/memory"
)

// maxHistogramBars bounds the bars of a histogram's chart: more buckets
// are merged, neighbours together, into at most this many bars.
const maxHistogramBars = 50

// IsHistogram reports whether values, the results of a cell's last
// expression, are those of rdd.RDD.Histogram: exactly an []float64 of
// edges and an []int64 of counts, with one more edge than counts. The
// interpreter shows such a result as Histogram(edges, counts) rather than
// as two values:
//
//	if display.IsHistogram(values) {
//		bundle = display.Histogram(values[0].([]float64), values[1].([]int64)).MIMEBundle()
//	}
func IsHistogram(values []any) bool {
	if len(values) != 2 {
		return false
	}
	edges, ok1 := values[0].([]float64)
	counts, ok2 := values[1].([]int64)
	return ok1 && ok2 && len(counts) > 0 && len(edges) == len(counts)+1
}

// Histogram shows the result of rdd.RDD.Histogram: a table of the buckets
// ("[lo, hi)", the last one closed "[lo, hi]") with their counts, beside a
// bar chart of the counts, and the chart in text. edges must be sorted and
// have one more element than counts; otherwise the Rendered's Err says
// what is wrong. More than 50 buckets are merged, neighbours together,
// into 50 bars for the chart; the table lists them all (its first
// DefaultMaxRows rows).
//
//	display.Histogram(lengths.Histogram(10))
func Histogram(edges []float64, counts []int64) Rendered {
	if err := checkHistogram(edges, counts); err != nil {
		return renderedError(fmt.Errorf("display.Histogram: %w", err))
	}
	labels := bucketLabels(edges)

	rec := histogramRecord(memory.DefaultAllocator, labels, counts)
	defer rec.Release()
	table, err := Options{BrowserRows: -1}.withDefaults().render(rec, rec.NumRows(), nil, false)
	if err != nil {
		return renderedError(fmt.Errorf("display.Histogram: %w", err))
	}

	c := histogramChart(edges, counts, labels)
	return Rendered{bundle: map[string]any{
		"text/html": `<div style="display:flex;flex-wrap:wrap;gap:1em 2em;align-items:flex-start">` + "\n" +
			table["text/html"].(string) + c.svg("") + "</div>\n",
		"image/svg+xml": c.svg(standaloneColour),
		"text/plain":    c.text(),
	}}
}

// checkHistogram says what is wrong with edges and counts, if anything.
func checkHistogram(edges []float64, counts []int64) error {
	if len(counts) == 0 {
		return fmt.Errorf("no buckets: %d edges and no counts", len(edges))
	}
	if len(edges) != len(counts)+1 {
		return fmt.Errorf("%d edges for %d counts: want one more edge than counts, bucket i being [edges[i], edges[i+1])",
			len(edges), len(counts))
	}
	for i, e := range edges {
		if math.IsNaN(e) {
			return fmt.Errorf("edge %d is NaN", i)
		}
		if i > 0 && e < edges[i-1] {
			return fmt.Errorf("edges are not sorted: edge %d (%v) is less than edge %d (%v)", i, e, i-1, edges[i-1])
		}
	}
	return nil
}

// histogramChart makes the chart of the buckets, merging neighbours into
// at most maxHistogramBars bars, thinner when there are many.
func histogramChart(edges []float64, counts []int64, labels []string) chart {
	per := (len(counts) + maxHistogramBars - 1) / maxHistogramBars
	c := chart{pitch: barPitch, labelEvery: 1}
	for i := 0; i < len(counts); i += per {
		end := min(i+per, len(counts))
		var n int64
		for _, x := range counts[i:end] {
			n += x
		}
		label := labels[i]
		if end > i+1 {
			label = bucketLabel(labels, i, end)
		}
		c.bars = append(c.bars, bar{label: label, value: float64(n), text: thousands(n)})
	}
	if per > 1 {
		c.note = fmt.Sprintf("%s merged into %s of %d", plural(int64(len(counts)), "bucket"), plural(int64(len(c.bars)), "bar"), per)
	}
	if n := len(c.bars); n > 30 {
		c.pitch = math.Floor(30 * barPitch / float64(n))
		c.labelEvery = int(math.Ceil(14 / c.pitch))
	}
	return c
}

// bucketLabels writes bucket i as "[lo, hi)", the last one "[lo, hi]",
// with edges written as shortly as their spacing allows.
func bucketLabels(edges []float64) []string {
	texts := edgeTexts(edges)
	labels := make([]string, len(edges)-1)
	for i := range labels {
		labels[i] = "[" + texts[i] + ", " + texts[i+1] + ")"
	}
	labels[len(labels)-1] = labels[len(labels)-1][:len(labels[len(labels)-1])-1] + "]"
	return labels
}

// bucketLabel writes the bucket made of buckets i to end-1 from their
// labels.
func bucketLabel(labels []string, i, end int) string {
	lo, hi := labels[i], labels[end-1]
	for j := 0; j < len(lo); j++ {
		if lo[j] == ',' {
			lo = lo[:j]
			break
		}
	}
	for j := len(hi) - 1; j >= 0; j-- {
		if hi[j] == ',' {
			hi = hi[j:]
			break
		}
	}
	return lo + hi
}

// edgeTexts writes the edges with the fewest significant digits that keep
// each within a thousandth of the narrowest bucket of its value: evenly
// spaced edges such as 0.30000000000000004 read 0.3, and 2.5 stays 2.5.
func edgeTexts(edges []float64) []string {
	gap := math.Inf(1)
	for i := 1; i < len(edges); i++ {
		if d := edges[i] - edges[i-1]; d > 0 {
			gap = min(gap, d)
		}
	}
	texts := make([]string, len(edges))
	for p := 1; p <= 17; p++ {
		ok := true
		for i, e := range edges {
			r := e
			if !math.IsInf(e, 0) {
				r, _ = strconv.ParseFloat(strconv.FormatFloat(e, 'g', p, 64), 64)
			}
			if math.Abs(r-e) > gap/1000 || (math.IsInf(gap, 1) && r != e) {
				ok = false
				break
			}
			texts[i] = shortFloat(r)
		}
		if ok {
			return texts
		}
	}
	for i, e := range edges {
		texts[i] = shortFloat(e)
	}
	return texts
}

// shortFloat writes f in the shortest form that reads back as f, without
// an exponent unless it is very large or very small (below 1e-4 or from
// 1e15); NaN, +Inf and -Inf as words.
func shortFloat(f float64) string {
	switch {
	case math.IsNaN(f):
		return "NaN"
	case math.IsInf(f, 1):
		return "+Inf"
	case math.IsInf(f, -1):
		return "-Inf"
	}
	if a := math.Abs(f); a != 0 && (a < 1e-4 || a >= 1e15) {
		return strconv.FormatFloat(f, 'g', -1, 64)
	}
	return strconv.FormatFloat(f, 'f', -1, 64)
}

// histogramRecord makes the table of buckets: their labels and counts.
func histogramRecord(mem memory.Allocator, labels []string, counts []int64) arrow.RecordBatch {
	lb := array.NewStringBuilder(mem)
	defer lb.Release()
	lb.AppendValues(labels, nil)
	cb := array.NewInt64Builder(mem)
	defer cb.Release()
	cb.AppendValues(counts, nil)
	cols := []arrow.Array{lb.NewArray(), cb.NewArray()}
	defer cols[0].Release()
	defer cols[1].Release()
	schema := arrow.NewSchema([]arrow.Field{
		{Name: "bucket", Type: arrow.BinaryTypes.String},
		{Name: "count", Type: arrow.PrimitiveTypes.Int64},
	}, nil)
	return array.NewRecordBatch(schema, cols, int64(len(counts)))
}
