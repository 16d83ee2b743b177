package display

import (
	"fmt"
	"math"
	"strings"
	"testing"
)

func TestReadableNumbers(t *testing.T) {
	tests := []struct {
		in   float64
		want string
	}{
		{1888.340909090909, "1888.34"},
		{1234567.891, "1,234,568"},
		{12345.678, "12,345.7"},
		{2024, "2024"},
		{0.5, "0.5"},
		{0.1 + 0.2, "0.3"},
		{-3.14159265, "-3.14159"},
		{0.000123456789, "0.000123457"},
		{0.0000123456, "1.23456e-05"},
		{1e20, "1e+20"},
		{999999.7, "1,000,000"},
		{-0.0000001, "-1e-07"},
		{0, "0"},
		{math.Copysign(0, -1), "0"},
		{math.NaN(), "NaN"},
		{math.Inf(-1), "-Inf"},
	}
	for _, tt := range tests {
		if got := readableFloat(tt.in); got != tt.want {
			t.Errorf("readableFloat(%v) = %q, want %q", tt.in, got, tt.want)
		}
	}
	ints := map[string]string{"7": "7", "2024": "2024", "-8080": "-8080", "12345": "12,345", "-1234567": "-1,234,567"}
	for in, want := range ints {
		if got := readableInt(in); got != want {
			t.Errorf("readableInt(%s) = %q, want %q", in, got, want)
		}
	}
}

// TestTableNumbers checks that a table shows numbers rounded for reading
// with the exact value in the cell's title, in the HTML and the text.
func TestTableNumbers(t *testing.T) {
	type row struct {
		Host  string
		Mean  float64
		Bytes int64
	}
	b := Bundle([]row{{"a.org", 1888.340909090909, 123456789}, {"b.org", 2.5, 2024}})
	h, text := b["text/html"].(string), b["text/plain"].(string)
	for _, want := range []string{
		`<td class="num" title="1888.340909090909">1888.34</td>`,
		`<td class="num" title="123456789">123,456,789</td>`,
		`<td class="num">2.5</td>`,
		`<td class="num">2024</td>`,
	} {
		if !strings.Contains(h, want) {
			t.Errorf("HTML lacks %s", want)
		}
	}
	if !strings.Contains(text, "a.org  1888.34  123,456,789") {
		t.Errorf("text table:\n%s", text)
	}
}

// TestListRowsMakeColumns checks that rows which are slices or arrays
// make a column per index, as pandas makes a DataFrame of a list of lists.
func TestListRowsMakeColumns(t *testing.T) {
	long := make([]int, maxListColumns+1)
	longText, _ := cut(fmt.Sprint(long), DefaultMaxCellWidth)
	tests := []struct {
		name string
		in   any
		want string
	}{
		{"strings", [][]string{{"a.org", "200"}, {"b.org", "404", "extra"}},
			"   0      1    2\n0  a.org  200  null\n1  b.org  404  extra\n2 rows × 3 columns"},
		{"anys", [][]any{{"a", 1, 2.5}, {"b", 2, nil}},
			"   0  1     2\n0  a  1   2.5\n1  b  2  null\n2 rows × 3 columns"},
		{"arrays", [][2]int{{1, 2}, {3, 4}},
			"   0  1\n0  1  2\n1  3  4\n2 rows × 2 columns"},
		{"any rows", []any{[]string{"x", "y"}, []string{"z"}},
			"   0  1\n0  x  y\n1  z  null\n2 rows × 2 columns"},
		{"rows mixing lists and scalars are text", []any{[]string{"x"}, "y"},
			"   value\n0  [x]\n1  y\n2 rows × 1 column"},
		{"too long rows are text", [][]int{long[:2], long},
			"   value\n0  [0 0]\n1  " + longText + "\n2 rows × 1 column"},
		{"bytes stay bytes", [][]byte{[]byte("hi")},
			"   value\n0  \"hi\"\n1 row × 1 column"},
		{"no rows", [][]string{},
			"  value\n0 rows × 1 column"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := Bundle(tt.in)["text/plain"]; got != tt.want {
				t.Errorf("text =\n%s\nwant\n%s", got, tt.want)
			}
		})
	}
}

// TestExactNumbers: the exact forms of charts and histograms read back as
// the number; formatNumber groups the digits of shortFloat's fixed form.
func TestExactNumbers(t *testing.T) {
	tests := []struct {
		in           float64
		short, group string
	}{
		{1234567.25, "1234567.25", "1,234,567.25"},
		{-9876543, "-9876543", "-9,876,543"},
		{1.0 / 3, "0.3333333333333333", "0.3333333333333333"},
		{0.00001, "1e-05", "1e-05"},
		{2e15, "2e+15", "2e+15"},
		{0, "0", "0"},
		{math.NaN(), "NaN", "NaN"},
		{math.Inf(1), "+Inf", "+Inf"},
		{math.Inf(-1), "-Inf", "-Inf"},
	}
	for _, tt := range tests {
		if got := shortFloat(tt.in); got != tt.short {
			t.Errorf("shortFloat(%v) = %q, want %q", tt.in, got, tt.short)
		}
		if got := formatNumber(tt.in); got != tt.group {
			t.Errorf("formatNumber(%v) = %q, want %q", tt.in, got, tt.group)
		}
	}
}
