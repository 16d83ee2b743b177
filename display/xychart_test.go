package display

import (
	"math"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/gosparkling/gosparkling/rdd"
)

func TestLineAndScatter(t *testing.T) {
	type hour struct {
		At     time.Time `display:"at"`
		Visits int       `display:"visits"`
		Bytes  float64   `display:"bytes"`
		Host   string    `display:"host"`
	}
	start := time.Date(2024, 5, 1, 0, 0, 0, 0, time.UTC)
	hours := make([]hour, 24)
	for i := range hours {
		hours[i] = hour{start.Add(time.Duration(i) * time.Hour), i * i, float64(i) / 2, "h"}
	}
	tests := []struct {
		name   string
		chart  func(any, ...ChartOption) Rendered
		data   any
		opts   []ChartOption
		points int // drawn: vertices of the line, or dots
		text   string
	}{
		{"line of numbers by index", Line, []float64{3, 1, 4, 1, 5}, nil, 5,
			"Line chart of value against index: 5 points\nx from 0 to 4, y from 1 to 5"},
		{"line of pairs, sorted by key", Line, []rdd.Pair{rdd.KV(3, 9), rdd.KV(1, 1), rdd.KV(2, 4)}, []ChartOption{Title("Squares")}, 3,
			"Line chart of value against key: 3 points\nx from 1 to 3, y from 1 to 9"},
		{"line of a map", Line, map[int]int64{10: 1, 20: 3}, nil, 2,
			"Line chart of value against key: 2 points\nx from 10 to 20, y from 1 to 3"},
		{"line of a table's two columns, times on x", Line, hours, []ChartOption{XY("at", "visits")}, 24,
			"Line chart of visits against at: 24 points\nx from 2024-05-01T00:00:00Z to 2024-05-01T23:00:00Z, y from 0 to 529"},
		{"scatter of a table's two columns", Scatter, hours, []ChartOption{XY("bytes", "visits")}, 24,
			"Scatter plot of visits against bytes: 24 points\nx from 0 to 11.5, y from 0 to 529"},
		{"NaN points are left out", Scatter, []any{rdd.KV(1, 2.0), rdd.KV(2, math.NaN()), rdd.KV(3, 1)}, nil, 2,
			"Scatter plot of value against key: 2 points; 1 point without a finite value left out\nx from 1 to 3, y from 1 to 2"},
		{"no points", Line, []int{}, nil, 0, "Line chart of y against x: 0 points"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := tt.chart(tt.data, tt.opts...)
			if r.Err() != nil {
				t.Fatal(r.Err())
			}
			b := r.MIMEBundle()
			if got := b["text/plain"]; got != tt.text {
				t.Errorf("text = %q\nwant   %q", got, tt.text)
			}
			h := b["text/html"].(string)
			drawn := strings.Count(h, "<circle")
			if m := strings.Index(h, `class="gsp-line" d="`); m >= 0 {
				d := h[m+len(`class="gsp-line" d="`):]
				d = d[:strings.IndexByte(d, '"')]
				drawn = strings.Count(d, "M") + strings.Count(d, "L")
			}
			if drawn != tt.points {
				t.Errorf("%d points drawn, want %d:\n%s", drawn, tt.points, h)
			}
			if !strings.Contains(h, `fill="currentColor"`) || strings.Contains(h, "<script") {
				t.Errorf("the chart's text does not take the page's colour, or it has a script")
			}
			if svg := b["image/svg+xml"].(string); !strings.Contains(svg, "color:"+standaloneColour) {
				t.Errorf("the standalone SVG has no fixed colour")
			}
		})
	}
}

func TestLineThinsManyPoints(t *testing.T) {
	ys := make([]float64, 100_000)
	for i := range ys {
		ys[i] = math.Sin(float64(i) / 1000)
	}
	ys[54_321] = 7 // a peak that must stay
	b := Line(ys).MIMEBundle()
	h := b["text/html"].(string)
	if len(h) > 60_000 || !strings.Contains(b["text/plain"].(string), "100,000 points, thinned to") {
		t.Errorf("a line of 100,000 points is %d bytes: %q", len(h), b["text/plain"])
	}
	points := make([]xyPoint, len(ys))
	for i, y := range ys {
		points[i] = xyPoint{float64(i), y}
	}
	thin := thinLine(points, maxLinePoints)
	if len(thin) > maxLinePoints || !slices.Contains(thin, xyPoint{54_321, 7}) || thin[0] != points[0] {
		t.Errorf("thinned to %d points, the peak kept: %v, the first kept: %v", len(thin), slices.Contains(thin, xyPoint{54_321, 7}), thin[0] == points[0])
	}
	s := Scatter(ys).MIMEBundle()
	if n := strings.Count(s["text/html"].(string), "<circle"); n != maxScatterPoints {
		t.Errorf("a scatter of 100,000 points draws %d", n)
	}
}

func TestChartErrors(t *testing.T) {
	type row struct {
		Name  string
		Count int
	}
	rows := []row{{"a", 1}, {"b", 2}}
	tests := []struct {
		name string
		r    Rendered
		want string
	}{
		{"not numbers", Line([]string{"a"}), "display.Line: the point (0, a) is not a pair of numbers"},
		{"not a collection", Scatter(42), "display.Scatter: a int: want a slice of numbers"},
		{"missing column", Line(rows, XY("Name", "Total")), `display.Line: no column "Total" to show; the columns are "Name", "Count"`},
		{"text on y", Scatter(rows, XY("Count", "Name")), `display.Scatter: column "Name" is utf8, not numbers`},
		{"text on x of a line", Line(rows, XY("Name", "Count")), `display.Line: column "Name" is utf8, not numbers or times`},
		{"one column named", Bar(rows, XY("Name", "")), `display.Bar: XY("Name", ""): name both columns`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if err := tt.r.Err(); err == nil || !strings.HasPrefix(err.Error(), tt.want) {
				t.Errorf("error %v, want %q", err, tt.want)
			}
		})
	}
	// Bar charts a table's label and number columns.
	b := Bar(rows, XY("Name", "Count")).MIMEBundle()
	if text := b["text/plain"].(string); !strings.Contains(text, "a") || !strings.Contains(text, "b") || strings.Count(text, "\n") != 1 {
		t.Errorf("bar chart of a table:\n%s", text)
	}
}
