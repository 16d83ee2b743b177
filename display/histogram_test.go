package display

import (
	"fmt"
	"math"
	"reflect"
	"strings"
	"testing"
)

func TestIsHistogram(t *testing.T) {
	tests := []struct {
		name   string
		values []any
		want   bool
	}{
		{"Histogram's result", []any{[]float64{0, 1, 2}, []int64{3, 4}}, true},
		{"one bucket", []any{[]float64{5, 5}, []int64{7}}, true},
		{"as many edges as counts", []any{[]float64{0, 1}, []int64{3, 4}}, false},
		{"no buckets", []any{[]float64{0}, []int64{}}, false},
		{"counts of another type", []any{[]float64{0, 1, 2}, []int{3, 4}}, false},
		{"edges of another type", []any{[]int{0, 1, 2}, []int64{3, 4}}, false},
		{"one value", []any{[]float64{0, 1}}, false},
		{"three values", []any{[]float64{0, 1}, []int64{1}, nil}, false},
		{"nothing", nil, false},
	}
	for _, tt := range tests {
		if got := IsHistogram(tt.values); got != tt.want {
			t.Errorf("%s: IsHistogram(%v) = %v, want %v", tt.name, tt.values, got, tt.want)
		}
	}
}

func TestHistogramErrors(t *testing.T) {
	tests := []struct {
		edges  []float64
		counts []int64
		want   string
	}{
		{[]float64{0, 1}, []int64{1, 2}, "display.Histogram: 2 edges for 2 counts: want one more edge than counts, bucket i being [edges[i], edges[i+1])"},
		{[]float64{0}, nil, "display.Histogram: no buckets: 1 edges and no counts"},
		{[]float64{0, 2, 1}, []int64{1, 2}, "display.Histogram: edges are not sorted: edge 2 (1) is less than edge 1 (2)"},
		{[]float64{0, math.NaN()}, []int64{1}, "display.Histogram: edge 1 is NaN"},
	}
	for _, tt := range tests {
		r := Histogram(tt.edges, tt.counts)
		if r.Err() == nil || r.Err().Error() != tt.want {
			t.Errorf("Histogram(%v, %v).Err() = %v, want %q", tt.edges, tt.counts, r.Err(), tt.want)
		}
		if want := map[string]any{"text/plain": tt.want}; !reflect.DeepEqual(r.MIMEBundle(), want) {
			t.Errorf("bundle = %q, want the error only", r.MIMEBundle())
		}
	}
}

func TestBucketLabels(t *testing.T) {
	third := 1.0 / 3
	tests := []struct {
		name  string
		edges []float64
		want  []string
	}{
		{"integers", []float64{0, 5, 10}, []string{"[0, 5)", "[5, 10]"}},
		{"halves stay exact", []float64{0, 2.5, 5, 7.5, 10}, []string{"[0, 2.5)", "[2.5, 5)", "[5, 7.5)", "[7.5, 10]"}},
		{"rounding noise of even spacing goes",
			[]float64{0, 0.1, 0.2, 0.1 + 0.2, 0.4}, []string{"[0, 0.1)", "[0.1, 0.2)", "[0.2, 0.3)", "[0.3, 0.4]"}},
		{"thirds to a thousandth of a bucket", []float64{0, third, 2 * third, 1}, []string{"[0, 0.3333)", "[0.3333, 0.6667)", "[0.6667, 1]"}},
		{"large numbers without exponents", []float64{0, 1e6, 2e6}, []string{"[0, 1000000)", "[1000000, 2000000]"}},
		{"close edges keep their digits", []float64{1000.25, 1000.5, 1000.75}, []string{"[1000.25, 1000.5)", "[1000.5, 1000.75]"}},
		{"one bucket of one value", []float64{3.7, 3.7}, []string{"[3.7, 3.7]"}},
		{"infinite edges", []float64{math.Inf(-1), 0, math.Inf(1)}, []string{"[-Inf, 0)", "[0, +Inf]"}},
	}
	for _, tt := range tests {
		if got := bucketLabels(tt.edges); !reflect.DeepEqual(got, tt.want) {
			t.Errorf("%s: bucketLabels(%v) = %q, want %q", tt.name, tt.edges, got, tt.want)
		}
	}
}

func TestHistogramOfManyBucketsMergesBars(t *testing.T) {
	edges := make([]float64, 121)
	for i := range edges {
		edges[i] = float64(i)
	}
	counts := make([]int64, 120)
	for i := range counts {
		counts[i] = int64(i)
	}
	b := Histogram(edges, counts).MIMEBundle()
	svg := checkSVG(t, b["image/svg+xml"].(string))
	if n := strings.Count(svg, "<rect "); n != 40 {
		t.Errorf("%d bars for 120 buckets, want 40 of 3", n)
	}
	// The last bar is buckets 117, 118 and 119: [117, 120], 354 in all.
	if !strings.Contains(svg, "<title>[117, 120]: 354</title>") || !strings.Contains(svg, "<title>[0, 3): 3</title>") {
		t.Errorf("merged bars are not labelled with their range and sum:\n%s", svg)
	}
	if !strings.Contains(svg, ">120 buckets merged into 40 bars of 3</text>") {
		t.Errorf("SVG does not say buckets were merged")
	}
	if h := b["text/html"].(string); !strings.Contains(h, "… 100 more rows") || !strings.Contains(h, "<td>[0, 1)</td>") {
		t.Errorf("the table does not list the buckets themselves")
	}
	text := b["text/plain"].(string)
	if lines := strings.Count(text, "\n") + 1; lines != 41 {
		t.Errorf("text has %d lines, want 40 bars and the note:\n%s", lines, text)
	}
	if len(svg) > 20_000 {
		t.Errorf("SVG of 120 buckets is %d bytes", len(svg))
	}
	// A million buckets still make a small output.
	edges, counts = make([]float64, 1_000_001), make([]int64, 1_000_000)
	for i := range edges {
		edges[i] = float64(i)
	}
	b = Histogram(edges, counts).MIMEBundle()
	for mime, data := range b {
		if n := len(fmt.Sprint(data)); n > 30_000 {
			t.Errorf("%s of a million buckets is %d bytes", mime, n)
		}
	}
}
