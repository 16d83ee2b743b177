package commoncrawl

import (
	"bytes"
	"io"
	"net/url"
	"strings"
	"unicode"
	"unicode/utf8"

	"golang.org/x/net/html"
	"golang.org/x/net/html/atom"
)

// Page is what ParsePage reads from an HTML document in one pass.
type Page struct {
	// URL is the address the page was fetched from, as given to ParsePage.
	URL string
	// Title is the text of the first <title>, white space collapsed (see Title).
	Title string
	// Text is the visible text (see Text).
	Text string
	// Links are the page's hyperlinks, absolute (see Links).
	Links []string
}

// Title returns the title of an HTML document as a browser shows it: the text of its first
// <title> element (not one inside <svg>), entities decoded, runs of white space collapsed to
// one space and trimmed; "" when there is none.
func Title(htmlDoc string) string { return scan(strings.NewReader(htmlDoc), "", wantTitle).Title }

// TitleBytes is Title for a document held in bytes, such as the payload of a record.
func TitleBytes(htmlDoc []byte) string { return scan(bytes.NewReader(htmlDoc), "", wantTitle).Title }

// Text returns the visible text of an HTML document: the text of its elements with scripts,
// styles, <noscript>, <template>, the <title> and the rest of the <head> left out, entities
// decoded, runs of white space (non-breaking spaces included) collapsed to one space, and
// each block element (paragraphs, headings, list items, table rows, <br>...) on a line of
// its own. Empty lines are dropped. Broken markup is read as browsers read it.
func Text(htmlDoc string) string { return scan(strings.NewReader(htmlDoc), "", wantText).Text }

// TextBytes is Text for a document held in bytes.
func TextBytes(htmlDoc []byte) string { return scan(bytes.NewReader(htmlDoc), "", wantText).Text }

// Links returns the hyperlinks of an HTML document (the href of its <a> and <area>
// elements) as absolute http and https URLs, in document order, each once: relative links
// are resolved against the document's first <base href>, itself resolved against baseURL
// (the address the document was fetched from). Fragments are dropped; links that are not
// http or https (mailto:, javascript:, tel:) and links that do not parse are left out.
// With an empty baseURL and no <base>, relative links are left out too.
func Links(baseURL, htmlDoc string) []string {
	return scan(strings.NewReader(htmlDoc), baseURL, wantLinks).Links
}

// LinksBytes is Links for a document held in bytes.
func LinksBytes(baseURL string, htmlDoc []byte) []string {
	return scan(bytes.NewReader(htmlDoc), baseURL, wantLinks).Links
}

// ParsePage reads the title, the visible text and the links of an HTML document fetched
// from pageURL, in one pass: cheaper than calling Title, Text and Links in turn.
func ParsePage(pageURL string, htmlDoc []byte) Page {
	return scan(bytes.NewReader(htmlDoc), pageURL, wantTitle|wantText|wantLinks)
}

// What scan extracts.
const (
	wantTitle = 1 << iota
	wantText
	wantLinks
)

// blockElements start a new line of text where they start or end.
var blockElements = map[atom.Atom]bool{
	atom.Address: true, atom.Article: true, atom.Aside: true, atom.Blockquote: true, atom.Br: true,
	atom.Caption: true, atom.Dd: true, atom.Details: true, atom.Dialog: true, atom.Div: true,
	atom.Dl: true, atom.Dt: true, atom.Fieldset: true, atom.Figcaption: true, atom.Figure: true,
	atom.Footer: true, atom.Form: true, atom.H1: true, atom.H2: true, atom.H3: true, atom.H4: true,
	atom.H5: true, atom.H6: true, atom.Header: true, atom.Hgroup: true, atom.Hr: true, atom.Legend: true,
	atom.Li: true, atom.Main: true, atom.Menu: true, atom.Nav: true, atom.Ol: true, atom.Option: true,
	atom.P: true, atom.Pre: true, atom.Section: true, atom.Summary: true, atom.Table: true,
	atom.Tbody: true, atom.Td: true, atom.Tfoot: true, atom.Th: true, atom.Thead: true, atom.Tr: true,
	atom.Ul: true, atom.Body: true, atom.Html: true, atom.Textarea: true, atom.Select: true,
}

// hiddenElements hold no visible text. (The tokenizer reads the content of script, style,
// noscript, title and the like as one raw text token.)
var hiddenElements = map[atom.Atom]bool{
	atom.Script: true, atom.Style: true, atom.Noscript: true, atom.Template: true, atom.Title: true,
	atom.Head: true, atom.Iframe: true, atom.Noembed: true, atom.Noframes: true, atom.Object: true,
	atom.Svg: true, atom.Math: true,
}

// scan tokenizes an HTML document once and extracts what want asks for.
func scan(r io.Reader, pageURL string, want int) Page {
	p := Page{URL: pageURL}
	z := html.NewTokenizer(r)
	var (
		text       strings.Builder // the finished lines
		line       strings.Builder // the line being built, white space collapsed
		space      bool            // white space is pending before the next word
		hidden     []atom.Atom     // the open hidden elements
		inTitle    bool
		titleDone  bool
		svgDepth   int
		title      strings.Builder
		base       string
		hrefs      []string
		headClosed bool
	)
	endLine := func() {
		if line.Len() > 0 {
			if text.Len() > 0 {
				text.WriteByte('\n')
			}
			text.WriteString(line.String())
			line.Reset()
		}
		space = false
	}
	addText := func(s string) {
		if s == "" {
			return
		}
		words := strings.Fields(s)
		first, _ := utf8.DecodeRuneInString(s)
		last, _ := utf8.DecodeLastRuneInString(s)
		if unicode.IsSpace(first) || len(words) == 0 {
			space = true
		}
		for i, w := range words {
			if line.Len() > 0 && (space || i > 0) {
				line.WriteByte(' ')
			}
			line.WriteString(w)
			space = false
		}
		if unicode.IsSpace(last) {
			space = true
		}
	}
	closeHidden := func(a atom.Atom) {
		for i := len(hidden) - 1; i >= 0; i-- {
			if hidden[i] == a {
				hidden = hidden[:i]
				return
			}
		}
	}
	for {
		tt := z.Next()
		switch tt {
		case html.ErrorToken:
			endLine()
			p.Text = text.String()
			p.Title = strings.Join(strings.Fields(title.String()), " ")
			if want&wantLinks != 0 {
				p.Links = resolveLinks(pageURL, base, hrefs)
			}
			return p
		case html.TextToken:
			if inTitle && !titleDone && want&wantTitle != 0 {
				title.Write(z.Text())
			}
			if want&wantText != 0 && len(hidden) == 0 {
				addText(string(z.Text()))
			}
		case html.StartTagToken, html.SelfClosingTagToken, html.EndTagToken:
			name, hasAttr := z.TagName()
			a := atom.Lookup(name)
			start := tt != html.EndTagToken
			if a == atom.Svg || a == atom.Math {
				if start && tt == html.StartTagToken {
					svgDepth++
				} else if !start && svgDepth > 0 {
					svgDepth--
				}
			}
			if a == atom.Title {
				if start && svgDepth == 0 {
					inTitle = tt == html.StartTagToken
				} else if inTitle {
					inTitle, titleDone = false, true
				}
			}
			if start && hasAttr && want&wantLinks != 0 && (a == atom.A || a == atom.Area || a == atom.Base) {
				for {
					key, val, more := z.TagAttr()
					if string(key) == "href" {
						if a == atom.Base {
							if base == "" {
								base = strings.TrimSpace(string(val))
							}
						} else {
							hrefs = append(hrefs, string(val))
						}
						break
					}
					if !more {
						break
					}
				}
			}
			if want&wantText == 0 {
				continue
			}
			// The body starts where the head ends, or where its content shows.
			if a == atom.Head && !start || a == atom.Body && start {
				if !headClosed {
					headClosed = true
					closeHidden(atom.Head)
				}
			}
			if hiddenElements[a] {
				if tt == html.StartTagToken && (a != atom.Head || !headClosed) {
					hidden = append(hidden, a)
				} else if !start {
					closeHidden(a)
				}
				continue
			}
			if blockElements[a] {
				endLine()
			} else if a == atom.Img || a == atom.Input {
				space = true
			}
		}
	}
}

// resolveLinks resolves hrefs against base (resolved against pageURL), keeping each
// absolute http(s) URL once, without its fragment.
func resolveLinks(pageURL, base string, hrefs []string) []string {
	var baseURL *url.URL
	if u, err := url.Parse(cleanHref(pageURL)); err == nil {
		baseURL = u
	}
	if base != "" {
		if b, err := url.Parse(cleanHref(base)); err == nil {
			if baseURL != nil {
				b = baseURL.ResolveReference(b)
			}
			baseURL = b
		}
	}
	var links []string
	seen := map[string]bool{}
	for _, h := range hrefs {
		u, err := url.Parse(cleanHref(h))
		if err != nil {
			continue
		}
		if baseURL != nil {
			u = baseURL.ResolveReference(u)
		}
		if (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
			continue
		}
		u.Fragment, u.RawFragment = "", ""
		s := u.String()
		if !seen[s] {
			seen[s] = true
			links = append(links, s)
		}
	}
	return links
}

// cleanHref strips an attribute's URL as browsers do: surrounding white space trimmed, tabs
// and line breaks inside it removed, spaces escaped.
func cleanHref(h string) string {
	h = strings.Map(func(r rune) rune {
		if r == '\t' || r == '\n' || r == '\r' {
			return -1
		}
		return r
	}, strings.TrimSpace(h))
	return strings.ReplaceAll(h, " ", "%20")
}
