package display

import (
	"cmp"
	"encoding/xml"
	"fmt"
	"io"
	"math"
	"math/rand/v2"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"testing"

	"github.com/gosparkling/gosparkling/rdd"
)

func TestBarText(t *testing.T) {
	tests := []struct {
		name string
		data any
		opts []ChartOption
		want string
	}{
		{"pairs in their order, numbers with thousands separators",
			[]rdd.Pair{rdd.KV("the", 1_234_567), rdd.KV("a", 617_284), rdd.KV("gosparkling", 3)}, nil,
			"the          ██████████████████████████████  1,234,567\n" +
				"a            ███████████████                   617,284\n" +
				"gosparkling  ▏                                       3"},
		{"Top's []any of pairs, with a title",
			[]any{rdd.KV(2024, 8.5), rdd.KV(2023, 2.125)}, []ChartOption{Title("Rain (mm)")},
			"Rain (mm)\n" +
				"2024  ██████████████████████████████    8.5\n" +
				"2023  ███████▌                        2.125"},
		{"CountByValue's map, largest count first, then key",
			map[any]int64{"b": 2, "a": 2, "c": 8, 7: 4}, nil,
			"c  ██████████████████████████████  8\n" +
				"7  ███████████████                 4\n" +
				"a  ███████▌                        2\n" +
				"b  ███████▌                        2"},
		{"maps of any number type",
			map[string]float32{"x": 0.5, "y": 1}, nil,
			"y  ██████████████████████████████    1\n" +
				"x  ███████████████                 0.5"},
		{"bars beyond MaxBars are counted",
			map[string]int{"a": 1, "b": 2, "c": 3, "d": 4}, []ChartOption{MaxBars(2)},
			"d  ██████████████████████████████  4\n" +
				"c  ██████████████████████▌         3\n" +
				"… 2 more bars"},
		{"negative numbers are as long as their magnitude",
			[]rdd.Pair{rdd.KV("up", 10), rdd.KV("down", -5)}, nil,
			"up    ██████████████████████████████  10\n" +
				"down  ███████████████                 -5"},
		{"NaN and infinities draw no bar",
			[]rdd.Pair{rdd.KV("x", 2.0), rdd.KV("nan", math.NaN()), rdd.KV("inf", math.Inf(1))}, nil,
			"x    ██████████████████████████████     2\n" +
				"nan                                   NaN\n" +
				"inf                                  +Inf"},
		{"nil keys and line breaks in labels",
			[]rdd.Pair{rdd.KV(nil, 1), rdd.KV("two\nlines", 1)}, nil,
			"null        ██████████████████████████████  1\n" +
				`two\nlines  ██████████████████████████████  1`},
		{"no data", map[string]int{}, []ChartOption{Title("Nothing")}, "Nothing\n(no data)"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := Bar(tt.data, tt.opts...)
			if r.Err() != nil {
				t.Fatal(r.Err())
			}
			if got := r.String(); got != tt.want {
				t.Errorf("text =\n%s\nwant\n%s", got, tt.want)
			}
			checkSVG(t, r.MIMEBundle()["image/svg+xml"].(string))
		})
	}
}

func TestBarErrors(t *testing.T) {
	tests := []struct {
		data any
		want string
	}{
		{42, "display.Bar: cannot chart a int: want a []rdd.Pair, a []any of rdd.Pair (Top, TakeOrdered) or a map of numbers (CountByValue)"},
		{nil, "display.Bar: cannot chart nil: want a []rdd.Pair"},
		{[]any{rdd.KV("a", 1), "b"}, "display.Bar: element 1 of the []interface {} is a string, want an rdd.Pair of a label and a number"},
		{[]rdd.Pair{rdd.KV("a", "many")}, `display.Bar: the value of element 0 (key "a") is a string, want a number`},
		{map[string]any{"k": true}, `display.Bar: the value of key "k" is a bool, want a number`},
	}
	for _, tt := range tests {
		r := Bar(tt.data)
		if r.Err() == nil || !strings.HasPrefix(r.Err().Error(), tt.want) {
			t.Errorf("Bar(%#v).Err() = %v, want %q", tt.data, r.Err(), tt.want)
		}
		if len(r.MIMEBundle()) != 1 {
			t.Errorf("Bar(%#v) bundle = %q, want the error's text only", tt.data, r.MIMEBundle())
		}
	}
}

func TestBarSVG(t *testing.T) {
	counts := map[any]int64{`<script>alert("x")</script> & co`: 1_234_567, "bad\x00byte\xff": 999}
	for i := range 30 {
		counts[fmt.Sprintf("word%02d", i)] = int64(100 - i)
	}
	b := Bar(counts, Title("Top <words>")).MIMEBundle()
	inline, standalone := b["text/html"].(string), b["image/svg+xml"].(string)

	svg := checkSVG(t, standalone)
	if n := strings.Count(svg, "<rect "); n != DefaultMaxBars {
		t.Errorf("%d bars drawn, want %d", n, DefaultMaxBars)
	}
	for _, want := range []string{
		`xmlns="http://www.w3.org/2000/svg"`,
		`width="640" height="` + fmt.Sprint(titleHeight+DefaultMaxBars*barPitch+chartPad+noteHeight) + `"`,
		`fill="currentColor"`, `fill="` + barFill + `"`,
		`>Top &lt;words&gt;</text>`,
		`&lt;script&gt;alert(&#34;x&#34;)&lt;/script&gt; &amp; co`,
		`>1,234,567</text>`,
		"bad\uFFFDbyte\uFFFD",
		`>… 12 more bars</text>`,
	} {
		if !strings.Contains(svg, want) {
			t.Errorf("SVG lacks %q", want)
		}
	}
	if strings.Contains(svg, "<script") {
		t.Errorf("a label made a script element")
	}
	// The first bar is the largest, 640 pixels wide at most.
	var widths []float64
	for _, m := range regexp.MustCompile(`<rect x="[0-9.]+" y="[0-9.]+" width="([0-9.]+)"`).FindAllStringSubmatch(svg, -1) {
		w, _ := strconv.ParseFloat(m[1], 64)
		widths = append(widths, w)
	}
	if len(widths) == 0 || slices.Max(widths) != widths[0] || widths[0] > chartWidth-2*chartPad {
		t.Errorf("bar widths %v: the largest count is not first, or too wide", widths)
	}
	if !slices.IsSortedFunc(widths, func(a, b float64) int { return cmp.Compare(b, a) }) {
		t.Errorf("bar widths %v are not in decreasing order", widths)
	}
	// Inline, the text takes the page's colour; as an image, a grey.
	if !strings.Contains(inline, "<svg ") || strings.Contains(inline, "style=\"color:") {
		t.Errorf("inline SVG fixes its colour or is missing:\n%s", inline)
	}
	if !strings.Contains(standalone, `style="color:`+standaloneColour+`"`) {
		t.Errorf("standalone SVG has no colour of its own")
	}
}

func TestBarOfHugeLabelsIsBounded(t *testing.T) {
	counts := map[string]int{}
	for i := range 30 {
		counts[strings.Repeat(string(rune('a'+i%26)), 1_000_000)+fmt.Sprint(i)] = i
	}
	for mime, data := range Bar(counts).MIMEBundle() {
		if n := len(data.(string)); n > DefaultMaxBars*(maxTitle+1000) {
			t.Errorf("%s of 30 labels of a million characters is %d bytes", mime, n)
		}
	}
}

// checkSVG checks that s is well-formed XML with an <svg> root in the SVG
// namespace, and returns it.
func checkSVG(t *testing.T, s string) string {
	t.Helper()
	d := xml.NewDecoder(strings.NewReader(s))
	root := ""
	for {
		tok, err := d.Token()
		if err == io.EOF {
			break
		}
		if err != nil {
			t.Fatalf("SVG is not well-formed XML: %v\n%s", err, s)
		}
		if se, ok := tok.(xml.StartElement); ok && root == "" {
			root = se.Name.Space + " " + se.Name.Local
		}
	}
	if root != "http://www.w3.org/2000/svg svg" {
		t.Errorf("SVG root is %q", root)
	}
	return s
}

func TestSortPrefix(t *testing.T) {
	rng := rand.New(rand.NewPCG(1, 2))
	for _, size := range []int{0, 1, 5, 100, 10_000} {
		for _, n := range []int{1, 3, 20, size} {
			xs := make([]int, size)
			for i := range xs {
				xs[i] = rng.IntN(50) // many equal values
			}
			want := slices.Clone(xs)
			slices.Sort(want)
			got := slices.Clone(xs)
			sortPrefix(got, n, func(a, b int) int { return a - b })
			k := min(n, size)
			if !slices.Equal(got[:k], want[:k]) {
				t.Errorf("size %d, n %d: prefix %v, want %v", size, n, got[:k], want[:k])
			}
			rest := slices.Clone(got)
			slices.Sort(rest)
			if !slices.Equal(rest, want) {
				t.Errorf("size %d, n %d: elements lost or duplicated", size, n)
			}
		}
	}
}

func TestFormatNumber(t *testing.T) {
	tenth := 0.1
	tests := []struct {
		in   any
		want string
	}{
		{int64(1234567), "1,234,567"},
		{-1234, "-1,234"},
		{uint64(math.MaxUint64), "18,446,744,073,709,551,615"},
		{1234567.25, "1,234,567.25"},
		{tenth + 2*tenth, "0.30000000000000004"},
		{float32(0.5), "0.5"},
		{1e20, "1e+20"},
		{0.00001, "1e-05"},
		{-999.5, "-999.5"},
		{math.NaN(), "NaN"},
		{math.Inf(-1), "-Inf"},
	}
	for _, tt := range tests {
		if _, got, ok := numberOf(tt.in); !ok || got != tt.want {
			t.Errorf("numberOf(%v) = %q, %v; want %q", tt.in, got, ok, tt.want)
		}
	}
	for _, v := range []any{"1", nil, true, []int{1}} {
		if _, _, ok := numberOf(v); ok {
			t.Errorf("numberOf(%#v) is a number", v)
		}
	}
}

func BenchmarkBarMillionCounts(b *testing.B) {
	counts := millionCounts()
	b.ResetTimer()
	for b.Loop() {
		if r := Bar(counts); r.Err() != nil {
			b.Fatal(r.Err())
		}
	}
}

func BenchmarkBundleMillionCounts(b *testing.B) {
	counts := millionCounts()
	b.ResetTimer()
	for b.Loop() {
		if _, ok := Bundle(counts)["text/html"]; !ok {
			b.Fatal("no HTML")
		}
	}
}

// millionCounts is what CountByValue returns for a million distinct words.
func millionCounts() map[any]int64 {
	counts := make(map[any]int64, 1_000_000)
	for i := range 1_000_000 {
		counts[fmt.Sprintf("word%d", i)] = int64(i % 5_000)
	}
	return counts
}
