package commoncrawl

import (
	"context"
	"errors"
	"io"
	"slices"
	"strings"
	"testing"

	"github.com/gosparkling/gosparkling/fileio/warc"
)

func TestTitle(t *testing.T) {
	tests := []struct{ name, html, want string }{
		{"plain", "<html><head><title>Hello</title></head></html>", "Hello"},
		{"entities", "<title>Caf&eacute; &amp; Bar &#8212; &lt;Home&gt;</title>", "Café & Bar — <Home>"},
		{"white space collapsed", "<title>\n  Two\n\tlines  </title>", "Two lines"},
		{"markup inside is text", "<title><b>bold</b></title>", "<b>bold</b>"},
		{"the first one", "<title>First</title><title>Second</title>", "First"},
		{"not an svg's", "<body><svg><title>Icon</title></svg><title>Real</title>", "Real"},
		{"upper case tag", "<TITLE>Shouting</TITLE>", "Shouting"},
		{"unclosed", "<title>Never closed", "Never closed"},
		{"none", "<p>No title here</p>", ""},
		{"empty document", "", ""},
	}
	for _, tt := range tests {
		if got := Title(tt.html); got != tt.want {
			t.Errorf("%s: Title(%q) = %q, want %q", tt.name, tt.html, got, tt.want)
		}
		if got := TitleBytes([]byte(tt.html)); got != tt.want {
			t.Errorf("%s: TitleBytes = %q, want %q", tt.name, got, tt.want)
		}
	}
}

func TestText(t *testing.T) {
	tests := []struct{ name, html, want string }{
		{"blocks on lines", "<h1>Title</h1><p>One</p><p>Two</p>", "Title\nOne\nTwo"},
		{"inline elements join words", "<p>One <b>bold</b>word and <i>it</i>alic.</p>", "One boldword and italic."},
		{"white space collapsed", "<p>  a \n\t b  </p>", "a b"},
		{"br breaks lines", "<p>line one<br>line two<br/>line three</p>", "line one\nline two\nline three"},
		{"entities", "<p>Fish &amp; chips &lt;3 &eacute;t&eacute; &#x263A;</p>", "Fish & chips <3 été ☺"},
		{"nbsp is a space", "<p>Hello&nbsp;world&nbsp; again</p>", "Hello world again"},
		{"scripts and styles left out", "<p>a</p><script>var s = '<p>no</p>';</script><style>p { color: red }</style><p>b</p>", "a\nb"},
		{"noscript and template left out", "<p>a</p><noscript>enable JS</noscript><template><p>tpl</p></template><p>b</p>", "a\nb"},
		{"head left out", "<html><head><title>T</title><meta name=x content=y></head><body><p>body</p></body></html>", "body"},
		{"svg left out", "<p>a<svg><text>icon</text></svg>b</p>", "ab"},
		{"unclosed paragraphs", "<p>one<p>two<div>three", "one\ntwo\nthree"},
		{"list items", "<ul><li>one<li>two</ul>", "one\ntwo"},
		{"table cells", "<table><tr><td>a</td><td>b</td></tr><tr><td>c</td></tr></table>", "a\nb\nc"},
		{"broken markup", "<p>a <b>b <i>c</p> d</b> e</i>", "a b c\nd e"},
		{"stray end tags", "</div></p>text</span>", "text"},
		{"comments left out", "<p>a<!-- hidden -->b</p>", "ab"},
		{"textarea shown", "<form><textarea>typed</textarea></form>", "typed"},
		{"no markup", "just text", "just text"},
		{"empty", "", ""},
	}
	for _, tt := range tests {
		if got := Text(tt.html); got != tt.want {
			t.Errorf("%s: Text(%q) = %q, want %q", tt.name, tt.html, got, tt.want)
		}
		if got := TextBytes([]byte(tt.html)); got != tt.want {
			t.Errorf("%s: TextBytes = %q, want %q", tt.name, got, tt.want)
		}
	}
}

func TestLinks(t *testing.T) {
	tests := []struct {
		name, base, html string
		want             []string
	}{
		{"relative", "https://example.com/dir/page.html", `<a href="other.html">x</a><a href="/root">y</a><a href="../up">z</a>`,
			[]string{"https://example.com/dir/other.html", "https://example.com/root", "https://example.com/up"}},
		{"absolute and scheme-relative", "https://example.com/", `<a href="http://other.org/x">x</a><a href="//cdn.example.net/y">y</a>`,
			[]string{"http://other.org/x", "https://cdn.example.net/y"}},
		{"base href", "https://example.com/dir/page.html", `<head><base href="https://mirror.example.org/sub/"></head><a href="a.html">a</a>`,
			[]string{"https://mirror.example.org/sub/a.html"}},
		{"relative base href", "https://example.com/dir/page.html", `<base href="/other/"><a href="a.html">a</a>`,
			[]string{"https://example.com/other/a.html"}},
		{"base after the links applies too", "https://example.com/", `<a href="a">a</a><base href="https://b.example/x/">`,
			[]string{"https://b.example/x/a"}},
		{"only the first base", "https://example.com/", `<base href="https://one.example/"><base href="https://two.example/"><a href="a">a</a>`,
			[]string{"https://one.example/a"}},
		{"fragments dropped, duplicates once", "https://example.com/", `<a href="/a#top">1</a><a href="/a">2</a><a href="#self">3</a>`,
			[]string{"https://example.com/a", "https://example.com/"}},
		{"not http", "https://example.com/", `<a href="mailto:x@example.com">m</a><a href="javascript:void(0)">j</a><a href="tel:+1">t</a><a href="ftp://f.example/">f</a>`,
			nil},
		{"white space in href", "https://example.com/", "<a href=\"  /a\n/b\t \">x</a><a href=' https://x.example/with space '>y</a>",
			[]string{"https://example.com/a/b", "https://x.example/with%20space"}},
		{"entities in href", "https://example.com/", `<a href="/search?q=1&amp;page=2">x</a>`,
			[]string{"https://example.com/search?q=1&page=2"}},
		{"area and unquoted", "https://example.com/", `<map><area href=/map shape=rect></map><A HREF=/upper>u</A>`,
			[]string{"https://example.com/map", "https://example.com/upper"}},
		{"anchors without href and bad URLs", "https://example.com/", `<a name="x">n</a><a href="http://[::1">bad</a><a href="">empty</a>`,
			[]string{"https://example.com/"}},
		{"no base URL: relative left out", "", `<a href="/rel">r</a><a href="https://abs.example/">a</a>`,
			[]string{"https://abs.example/"}},
		{"links in scripts are not links", "https://example.com/", `<script>document.write('<a href="/no">')</script><a href="/yes">y</a>`,
			[]string{"https://example.com/yes"}},
	}
	for _, tt := range tests {
		if got := Links(tt.base, tt.html); !slices.Equal(got, tt.want) {
			t.Errorf("%s: Links(%q, %q) = %q, want %q", tt.name, tt.base, tt.html, got, tt.want)
		}
		if got := LinksBytes(tt.base, []byte(tt.html)); !slices.Equal(got, tt.want) {
			t.Errorf("%s: LinksBytes = %q, want %q", tt.name, got, tt.want)
		}
	}
}

// readRecords reads the records of a WARC file of testdata.
func readRecords(t *testing.T, name string) []*warc.Record {
	t.Helper()
	r, err := warc.Open(context.Background(), "testdata/"+name)
	if err != nil {
		t.Fatal(err)
	}
	defer r.Close()
	var recs []*warc.Record
	for {
		rec, err := r.Next()
		if errors.Is(err, io.EOF) {
			return recs
		}
		if err != nil {
			t.Fatal(err)
		}
		recs = append(recs, rec)
	}
}

// The page of Common Crawl's whirlwind sample: its title is the first line of the text
// Common Crawl extracted (WET), and the lines of its visible text are lines of that text.
func TestPageOfARealCapture(t *testing.T) {
	var page Page
	var server string
	for _, r := range readRecords(t, "whirlwind.warc.gz") {
		if IsHTML(r) != (r.Type() == warc.TypeResponse) {
			t.Errorf("IsHTML of the %s record = %v", r.Type(), IsHTML(r))
		}
		if r.Type() == warc.TypeResponse {
			page, server = PageOf(r), Server(r)
		}
	}
	var wet string
	for _, r := range readRecords(t, "whirlwind.warc.wet.gz") {
		if r.Type() == warc.TypeConversion {
			wet = r.Text()
		}
	}
	firstLine, _, _ := strings.Cut(wet, "\n")
	if page.Title != firstLine || page.Title != "Escopete - Biquipedia, a enciclopedia libre" {
		t.Errorf("title %q, want the WET text's first line %q", page.Title, firstLine)
	}
	if page.URL != "https://an.wikipedia.org/wiki/Escopete" || server != "mw-web.eqiad.canary-bb67b76b8-jtwdb" {
		t.Errorf("URL %q, server %q", page.URL, server)
	}
	lines := strings.Split(page.Text, "\n")
	found := 0
	for _, l := range lines {
		if strings.Contains(wet, l) {
			found++
		}
	}
	if len(lines) < 100 || found < len(lines)*9/10 {
		t.Errorf("%d of the %d lines of the text are in the WET text, want 90%%:\n%s", found, len(lines), page.Text)
	}
	for _, want := range []string{"https://an.wikipedia.org/wiki/Portalada", "https://an.wikipedia.org/wiki/Poblaci%C3%B3n_humana",
		"https://web.archive.org/web/20070205133452/http://www.dguadalajara.es/municipios/escopete.htm"} {
		if !slices.Contains(page.Links, want) {
			t.Errorf("the links lack %s", want)
		}
	}
	if len(page.Links) != 158 {
		t.Errorf("%d links, want the page's 158 distinct http(s) links", len(page.Links))
	}
	for _, l := range page.Links {
		if !strings.HasPrefix(l, "http://") && !strings.HasPrefix(l, "https://") || strings.Contains(l, "#") {
			t.Errorf("link %q is not an absolute http(s) URL without fragment", l)
		}
	}
}
