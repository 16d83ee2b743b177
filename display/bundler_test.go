package display

import (
	"bytes"
	"encoding/base64"
	"encoding/json"
	"image"
	"image/png"
	"os"
	"reflect"
	"strings"
	"testing"

	"github.com/gosparkling/gosparkling/rdd"
)

// tinyPNG encodes a w×h image.
func tinyPNG(t *testing.T, w, h int) []byte {
	t.Helper()
	var buf bytes.Buffer
	if err := png.Encode(&buf, image.NewGray(image.Rect(0, 0, w, h))); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

func TestValuesThatKnowTheirDisplay(t *testing.T) {
	pic := tinyPNG(t, 3, 2)
	tests := []struct {
		name string
		in   any
		want map[string]any
	}{
		{"HTML shows as HTML, its text as text",
			HTML("<b>hi</b> &amp; <i>bye</i>"),
			map[string]any{"text/html": "<b>hi</b> &amp; <i>bye</i>", "text/plain": "hi & bye"}},
		{"Markdown is its own text",
			Markdown("# Title\n*bold*"),
			map[string]any{"text/markdown": "# Title\n*bold*", "text/plain": "# Title\n*bold*"}},
		{"SVG is described by its size",
			SVG(`<svg xmlns="http://www.w3.org/2000/svg" width="64" height="32"><rect width="1" height="1"/></svg>`),
			map[string]any{"image/svg+xml": `<svg xmlns="http://www.w3.org/2000/svg" width="64" height="32"><rect width="1" height="1"/></svg>`,
				"text/plain": "SVG image 64×32"}},
		{"SVG without a size by its length",
			SVG(`<svg xmlns="http://www.w3.org/2000/svg"/>`),
			map[string]any{"image/svg+xml": `<svg xmlns="http://www.w3.org/2000/svg"/>`, "text/plain": "SVG image, 41 bytes"}},
		{"PNG is sent base64-encoded",
			PNG(pic),
			map[string]any{"image/png": base64.StdEncoding.EncodeToString(pic),
				"text/plain": "PNG image 3×2, " + plural(int64(len(pic)), "byte")}},
		{"bytes that are not a PNG are not sent as one",
			PNG("GIF89a, not a PNG file"),
			map[string]any{"text/plain": "display.PNG: 22 bytes is not a PNG image: png: invalid format: not a PNG file"}},
		{"Text is only text, even when it looks like HTML",
			Text("<b>not bold</b>"),
			map[string]any{"text/plain": "<b>not bold</b>"}},
		{"a user's MIMEBundler wins over the table its slice would make",
			customRows{1, 2},
			map[string]any{"text/latex": "$1 + 2$", "text/plain": "[1 2]"}},
		{"a MIMEBundle that panics is described",
			(*panicky)(nil),
			map[string]any{"text/plain": "display: (*display.panicky).MIMEBundle panicked: runtime error: invalid memory address or nil pointer dereference"}},
		{"a bundle without text gets the text of its HTML",
			htmlOnly{},
			map[string]any{"text/html": "<i>card</i>", "text/plain": "card"}},
		{"a nil bundle is the value's text",
			nilBundle("x"),
			map[string]any{"text/plain": "x"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := Bundle(tt.in); !reflect.DeepEqual(got, tt.want) {
				t.Errorf("Bundle(%T) =\n%#v\nwant\n%#v", tt.in, got, tt.want)
			}
		})
	}
}

// customRows would be a table, but shows itself as LaTeX.
type customRows []int

func (c customRows) MIMEBundle() map[string]any {
	return map[string]any{"text/latex": "$1 + 2$"}
}

type panicky struct{ html string }

func (p *panicky) MIMEBundle() map[string]any { return map[string]any{"text/html": p.html} }

type htmlOnly struct{}

func (htmlOnly) MIMEBundle() map[string]any { return map[string]any{"text/html": "<i>card</i>"} }

type nilBundle string

func (nilBundle) MIMEBundle() map[string]any { return nil }

func TestJSON(t *testing.T) {
	r := JSON(map[string]any{"name": "Ann", "tags": []string{"a", "<b>"}, "n": 1})
	if r.Err() != nil {
		t.Fatal(r.Err())
	}
	b := Bundle(r)
	raw, ok := b["application/json"].(json.RawMessage)
	if !ok {
		t.Fatalf("application/json is a %T, want a json.RawMessage", b["application/json"])
	}
	if want := `{"n":1,"name":"Ann","tags":["a","\u003cb\u003e"]}`; string(raw) != want {
		t.Errorf("application/json = %s, want %s", raw, want)
	}
	if want := "{\n  \"n\": 1,\n  \"name\": \"Ann\",\n  \"tags\": [\n    \"a\",\n    \"\\u003cb\\u003e\"\n  ]\n}"; b["text/plain"] != want {
		t.Errorf("text/plain =\n%s\nwant\n%s", b["text/plain"], want)
	}
	// The kernel marshals the bundle: the JSON goes in as itself.
	msg, err := json.Marshal(b)
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(string(msg), `"application/json":{"n":1,`) {
		t.Errorf("marshalled bundle does not embed the JSON: %s", msg)
	}

	bad := JSON(map[string]any{"f": func() {}})
	if bad.Err() == nil || bad.String() != "display.JSON: cannot encode a map[string]interface {}: json: unsupported type: func()" {
		t.Errorf("JSON of a func: err %v, text %q", bad.Err(), bad.String())
	}
	if _, ok := bad.MIMEBundle()["application/json"]; ok {
		t.Errorf("JSON of a func has application/json")
	}
}

func TestHTMLText(t *testing.T) {
	tests := []struct{ in, want string }{
		{"<p>one</p><p>two</p>", "one\ntwo"},
		{"a<br>b<br/>c", "a\nb\nc"},
		{"<style>p{color:red}</style><script>alert(1)</script><!-- note -->shown", "shown"},
		{"<table><tr><th>k</th><th>v</th></tr><tr><td>a</td><td>1</td></tr></table>", "k\tv\t\na\t1"},
		{"&lt;tag&gt; &amp; &#34;quote&#34;", `<tag> & "quote"`},
		{"<div>\n\n\n<b>x</b>\n\n</div>", "x"},
	}
	for _, tt := range tests {
		if got := htmlText(tt.in); got != tt.want {
			t.Errorf("htmlText(%q) = %q, want %q", tt.in, got, tt.want)
		}
	}
}

func TestRenderedIsASnapshot(t *testing.T) {
	rows := []int{1, 2, 3}
	r := Table(rows, Options{})
	rows[0] = 99
	if strings.Contains(r.String(), "99") {
		t.Errorf("a change to the data after Table shows:\n%s", r)
	}
	b := r.MIMEBundle()
	b["text/plain"] = "changed"
	if r.String() == "changed" {
		t.Errorf("changing the returned bundle changed the Rendered")
	}
	var zero Rendered
	if got := Bundle(zero); !reflect.DeepEqual(got, map[string]any{"text/plain": ""}) {
		t.Errorf("Bundle(Rendered{}) = %q", got)
	}
}

func TestTableOptions(t *testing.T) {
	rows := []any{rdd.KV("a", rdd.KV(1, "x")), rdd.KV("b", rdd.KV(2, "y")), rdd.KV("c", rdd.KV(3, "z"))}
	tests := []struct {
		name string
		in   any
		opts Options
		want string
	}{
		{"columns chosen and ordered", rows, Options{Columns: []string{"value.value", "key"}},
			"   value.value  key\n" +
				"0  x            a\n" +
				"1  y            b\n" +
				"2  z            c\n" +
				"3 rows × 2 columns"},
		{"columns with MaxRows", rows, Options{Columns: []string{"value.key"}, MaxRows: 1},
			"   value.key\n" +
				"0          1\n" +
				"… 2 more rows\n" +
				"3 rows × 1 column"},
		{"an empty list shows every column", rows, Options{Columns: []string{}},
			"   key  value.key  value.value\n" +
				"0  a            1  x\n" +
				"1  b            2  y\n" +
				"2  c            3  z\n" +
				"3 rows × 3 columns"},
		{"a StatCounter is a table too", rdd.NewContext().Parallelize([]int{1, 2, 3}).Stats(), Options{Columns: []string{"count", "max"}},
			"   count  max\n" +
				"0      3    3\n" +
				"1 row × 2 columns"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := Table(tt.in, tt.opts)
			if r.Err() != nil {
				t.Fatal(r.Err())
			}
			if got := r.String(); got != tt.want {
				t.Errorf("text =\n%s\nwant\n%s", got, tt.want)
			}
			if got := tt.opts.Bundle(tt.in)["text/plain"]; got != tt.want {
				t.Errorf("Options.Bundle text =\n%s\nwant\n%s", got, tt.want)
			}
			if _, ok := r.MIMEBundle()["text/html"]; !ok {
				t.Errorf("no text/html")
			}
		})
	}
}

func TestTableErrors(t *testing.T) {
	tests := []struct {
		name string
		in   any
		opts Options
		want string
	}{
		{"unknown column", []any{rdd.KV("a", 1)}, Options{Columns: []string{"value", "kye"}},
			`display.Table: no column "kye" to show; the columns are "key", "value"`},
		{"not tabular", 42, Options{},
			"display.Table: a int is not tabular: want a slice, array, map, Arrow record batch or rdd.StatCounter"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := Table(tt.in, tt.opts)
			if r.Err() == nil || r.Err().Error() != tt.want {
				t.Errorf("Err() = %v, want %q", r.Err(), tt.want)
			}
			if want := map[string]any{"text/plain": tt.want}; !reflect.DeepEqual(r.MIMEBundle(), want) {
				t.Errorf("bundle = %q, want %q", r.MIMEBundle(), want)
			}
		})
	}
	// Bundle shows the error of a column as the value's text.
	got := Options{Columns: []string{"nope"}}.Bundle([]int{1})
	if want := `display: no column "nope" to show; the columns are "value"`; got["text/plain"] != want || len(got) != 1 {
		t.Errorf("Bundle = %q, want text %q", got, want)
	}
}

func TestShowPrintsText(t *testing.T) {
	tests := []struct {
		name string
		show func()
		want string
	}{
		{"Show", func() { Show(HTML("<b>hi</b>")) }, "hi\n"},
		{"ShowID", func() { ShowID("x", []int{7}) }, "   value\n0      7\n1 row × 1 column\n"},
		{"Update", func() { Update("x", "plain") }, "plain\n"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := captureStdout(t, tt.show); got != tt.want {
				t.Errorf("printed %q, want %q", got, tt.want)
			}
		})
	}
}

// captureStdout returns what f writes to os.Stdout.
func captureStdout(t *testing.T, f func()) string {
	t.Helper()
	r, w, err := os.Pipe()
	if err != nil {
		t.Fatal(err)
	}
	saved := os.Stdout
	os.Stdout = w
	defer func() { os.Stdout = saved }()
	f()
	w.Close()
	var buf bytes.Buffer
	if _, err := buf.ReadFrom(r); err != nil {
		t.Fatal(err)
	}
	r.Close()
	return buf.String()
}
