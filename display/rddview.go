package display

import (
	"html"
	"strconv"
	"strings"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/array"
	"github.com/apache/arrow-go/v18/arrow/memory"

	"github.com/gosparkling/gosparkling/rdd"
)

// maxLineageLines bounds the lineage an RDD's card shows, so that the
// union of thousands of RDDs still makes a small output.
const maxLineageLines = 200

// errorColour is the colour of error text: a red readable on light and
// dark backgrounds.
const errorColour = "#e15759"

// rddBundle shows an RDD without computing it: its one-line description,
// name, id, partition count and storage level, and its lineage
// (ToDebugString). No job runs. Counting the partitions of an RDD of files
// lists the files, once (the RDD keeps the count, so its first action does
// not list them again); a listing error is shown in the card instead of
// the count.
func rddBundle(r *rdd.RDD) map[string]any {
	parts, lineage, err := rddPartitions(r)
	facts := []string{"id " + strconv.Itoa(r.ID())}
	if name := r.Name(); name != "" {
		facts = append(facts, "name "+strconv.Quote(name))
	}
	if err == nil {
		facts = append(facts, plural(int64(parts), "partition"))
	}
	if level := r.StorageLevel(); level == rdd.None {
		facts = append(facts, "not persisted")
	} else {
		facts = append(facts, "persisted: "+level.String())
	}
	lines := strings.Split(lineage, "\n")
	more := ""
	if len(lines) > maxLineageLines {
		more = "… " + plural(int64(len(lines)-maxLineageLines), "more line")
		lines = lines[:maxLineageLines]
	}
	lineage = strings.Join(lines, "\n")

	var t strings.Builder
	t.WriteString(r.String() + "\n")
	t.WriteString(strings.Join(facts, " · ") + "\n")
	if err != nil {
		t.WriteString("partitions unknown: " + err.Error() + "\n")
	}
	t.WriteString(lineage)
	if more != "" {
		t.WriteString("\n" + more)
	}

	var h strings.Builder
	h.WriteString(`<div style="display:inline-block;max-width:100%;box-sizing:border-box;border:1px solid rgba(127,127,127,.35);border-radius:4px;padding:.4em .75em;font-size:13px;line-height:1.4">` + "\n")
	h.WriteString(`<div><strong>` + html.EscapeString(r.String()) + "</strong></div>\n")
	h.WriteString(`<div style="opacity:.75">` + html.EscapeString(strings.Join(facts, " · ")) + "</div>\n")
	if err != nil {
		h.WriteString(`<div style="color:` + errorColour + `">partitions unknown: ` + html.EscapeString(err.Error()) + "</div>\n")
	}
	h.WriteString(`<pre style="margin:.4em 0 0;padding:0;font-size:12px;line-height:1.35;overflow-x:auto;white-space:pre;color:inherit;background:transparent">`)
	h.WriteString(html.EscapeString(lineage))
	h.WriteString("</pre>\n")
	if more != "" {
		h.WriteString(`<div style="opacity:.7;font-size:.9em">` + more + "</div>\n")
	}
	h.WriteString("</div>\n")
	return map[string]any{"text/plain": t.String(), "text/html": h.String()}
}

// rddPartitions returns the partition count and lineage of r, or the
// error of listing its files, with the lineage the error carries.
func rddPartitions(r *rdd.RDD) (n int, lineage string, err error) {
	defer func() {
		if p := recover(); p != nil {
			je, ok := p.(*rdd.JobError)
			if !ok {
				panic(p)
			}
			n, lineage, err = 0, je.Lineage, je
		}
	}()
	n = r.GetNumPartitions()
	return n, r.ToDebugString(), nil
}

// statsRecord makes the one-row record of a StatCounter's statistics,
// named as Spark's StatCounter methods.
func statsRecord(mem memory.Allocator, s rdd.StatCounter) arrow.RecordBatch {
	count := array.NewInt64Builder(mem)
	defer count.Release()
	count.Append(s.Count())
	cols := []arrow.Array{count.NewArray()}
	fields := []arrow.Field{{Name: "count", Type: arrow.PrimitiveTypes.Int64}}
	for _, stat := range []struct {
		name  string
		value float64
	}{
		{"mean", s.Mean()},
		{"stdev", s.Stdev()},
		{"max", s.Max()},
		{"min", s.Min()},
		{"sum", s.Sum()},
		{"variance", s.Variance()},
		{"sampleStdev", s.SampleStdev()},
		{"sampleVariance", s.SampleVariance()},
	} {
		b := array.NewFloat64Builder(mem)
		b.Append(stat.value)
		cols = append(cols, b.NewArray())
		b.Release()
		fields = append(fields, arrow.Field{Name: stat.name, Type: arrow.PrimitiveTypes.Float64})
	}
	rec := array.NewRecordBatch(arrow.NewSchema(fields, nil), cols, 1)
	for _, c := range cols {
		c.Release()
	}
	return rec
}
