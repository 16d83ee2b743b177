package main

import (
	"fmt"
	"html"
	"math"
	"math/rand/v2"
	"sort"
	"strings"
	"unicode"
	"unicode/utf8"
)

// site is one registered domain of the sample crawl.
type site struct {
	Domain string   // registered domain: "kalomi.de"
	Name   string   // shown in titles: "Kalomi"
	Hosts  []string // the host names its pages live on: "www.kalomi.de", "blog.kalomi.de"
	Lang   *language
	Server string // the Server header of its responses
	IP     string
	Lower  bool      // its server spells header names in lower case
	Gzip   bool      // its server compresses responses (Common Crawl stores them decoded)
	Pages  []capture // filled by newCaptures
}

// capture is one URL the crawler fetched.
type capture struct {
	Site   *site
	URL    string
	Status int    // HTTP status of the response
	MIME   string // media type of the payload
}

// web makes the synthetic web: sites, their pages and their text, all drawn from one
// seeded random source so that the same seed always gives the same web.
type web struct {
	rng   *rand.Rand
	zipfs map[*language][]float64 // cumulative word probabilities, per language
}

func newWeb(seed uint64) *web {
	return &web{rng: rand.New(rand.NewPCG(seed, seed^0x9e3779b97f4a7c15)), zipfs: map[*language][]float64{}}
}

// pick returns one of choices, drawn with the weights given (which sum to any total).
func pick[T any](rng *rand.Rand, choices []T, weights []int) T {
	total := 0
	for _, w := range weights {
		total += w
	}
	n := rng.IntN(total)
	for i, w := range weights {
		if n < w {
			return choices[i]
		}
		n -= w
	}
	panic("unreachable")
}

var servers = []string{"nginx", "Apache", "cloudflare", "Apache/2.4.41 (Ubuntu)", "nginx/1.18.0 (Ubuntu)",
	"LiteSpeed", "Microsoft-IIS/10.0", "openresty", "Apache/2.4.58 (Debian)", "Vercel", "GitHub.com", "AmazonS3"}
var serverWeights = []int{22, 14, 18, 7, 6, 6, 5, 4, 4, 3, 3, 2}

// newSites makes n sites with distinct domains across the TLDs.
func (w *web) newSites(n int) []*site {
	weights := make([]int, len(tlds))
	for i, t := range tlds {
		weights[i] = t.Weight
	}
	taken := map[string]bool{}
	sites := make([]*site, 0, n)
	for len(sites) < n {
		t := pick(w.rng, tlds, weights)
		label := w.domainLabel()
		domain := label + "." + t.Name
		if taken[domain] {
			continue
		}
		taken[domain] = true
		s := &site{
			Domain: domain,
			Name:   strings.ToUpper(label[:1]) + label[1:],
			Hosts:  []string{"www." + domain},
			Lang:   t.Langs[w.rng.IntN(len(t.Langs))],
			Server: pick(w.rng, servers, serverWeights),
			IP:     fmt.Sprintf("%d.%d.%d.%d", 23+w.rng.IntN(190), w.rng.IntN(256), w.rng.IntN(256), 1+w.rng.IntN(254)),
			Gzip:   w.rng.IntN(3) > 0,
		}
		s.Lower = s.Server == "cloudflare" || s.Server == "Vercel" || s.Server == "GitHub.com"
		switch w.rng.IntN(6) {
		case 0:
			s.Hosts = []string{domain} // no www.
		case 1:
			s.Hosts = append(s.Hosts, []string{"blog.", "shop.", "docs.", "news."}[w.rng.IntN(4)]+domain)
		}
		sites = append(sites, s)
	}
	return sites
}

var syllables = strings.Fields("ka lo mi ne ru ta vo zen bel dor fi gra hel ix jun kor lum mar nor pel qui ros sol tav umb ver wil xen yar zu")

func (w *web) domainLabel() string {
	var b strings.Builder
	for i := 2 + w.rng.IntN(2); i > 0; i-- {
		b.WriteString(syllables[w.rng.IntN(len(syllables))])
	}
	if w.rng.IntN(8) == 0 {
		b.WriteString("-" + []string{"online", "shop", "media", "labs", "group", "verlag", "studio"}[w.rng.IntN(7)])
	}
	return b.String()
}

// Statuses and media types of the captures, with weights close to a real crawl's.
var (
	statuses      = []int{200, 301, 302, 404, 403, 500}
	statusWeights = []int{845, 70, 20, 45, 10, 10}
	mimes         = []string{"text/html", "application/xhtml+xml", "application/pdf", "application/rss+xml", "text/plain", "application/json"}
	mimeWeights   = []int{880, 30, 30, 25, 20, 15}
)

// newCaptures gives the sites about total pages in all, their counts following a Zipf law
// by the sites' order (at least one each), and returns them shuffled as a crawler meets them.
func (w *web) newCaptures(sites []*site, total int) []capture {
	var sum float64
	for i := range sites {
		sum += 1 / math.Pow(float64(i+1), 0.95)
	}
	var all []capture
	for i, s := range sites {
		n := 1 + int(float64(total-len(sites))/math.Pow(float64(i+1), 0.95)/sum)
		seen := map[string]bool{}
		for j := 0; j < n; j++ {
			c := capture{Site: s, Status: 200, MIME: "text/html"}
			if j > 0 {
				c.Status = pick(w.rng, statuses, statusWeights)
				if c.Status == 200 {
					c.MIME = pick(w.rng, mimes, mimeWeights)
				}
			}
			c.URL = w.url(s, c, j)
			if seen[c.URL] {
				continue
			}
			seen[c.URL] = true
			s.Pages = append(s.Pages, c)
			all = append(all, c)
		}
	}
	w.rng.Shuffle(len(all), func(i, j int) { all[i], all[j] = all[j], all[i] })
	return all
}

// url makes the address of the j-th page of s: its home page first, then pages in its
// sections named after their title, with a suffix telling the media type.
func (w *web) url(s *site, c capture, j int) string {
	host := s.Hosts[w.rng.IntN(len(s.Hosts))]
	if j == 0 {
		return "https://" + host + "/"
	}
	path := "/" + s.Lang.Sections[w.rng.IntN(len(s.Lang.Sections))] + "/" + w.slug(s.Lang, j)
	switch c.MIME {
	case "application/pdf":
		path += ".pdf"
	case "application/rss+xml":
		path += "/feed/"
	case "text/plain":
		path += ".txt"
	case "application/json":
		path = "/api/v1" + path + ".json"
	default:
		path += []string{"", "/", ".html", ".php?id=" + fmt.Sprint(100+j)}[w.rng.IntN(4)]
	}
	if c.Status == 301 { // an old address, redirected to the https one
		return "http://" + strings.TrimPrefix(host, "www.") + path
	}
	return "https://" + host + path
}

// slug names a page after words of its language, or by number when they are not ASCII.
func (w *web) slug(l *language, j int) string {
	var parts []string
	for i := 0; i < 6 && len(parts) < 3; i++ {
		word := strings.ToLower(w.word(l))
		if utf8.RuneCountInString(word) > 2 && isASCII(word) {
			parts = append(parts, word)
		}
	}
	if len(parts) == 0 {
		return fmt.Sprintf("%d", 1000+j)
	}
	return strings.Join(parts, "-")
}

func isASCII(s string) bool {
	for _, r := range s {
		if r > unicode.MaxASCII {
			return false
		}
	}
	return true
}

// word draws a word of l, the i-th most frequent with a probability proportional to
// 1/(i+3): Zipf's law, flattened at the top as a small vocabulary needs to make "the"
// about as frequent as in real English text (7%).
func (w *web) word(l *language) string {
	cum, ok := w.zipfs[l]
	if !ok {
		var total float64
		for i := range l.Words {
			total += 1 / float64(i+4)
			cum = append(cum, total)
		}
		w.zipfs[l] = cum
	}
	x := w.rng.Float64() * cum[len(cum)-1]
	return l.Words[sort.SearchFloat64s(cum, x)]
}

func capitalize(s string) string {
	r, n := utf8.DecodeRuneInString(s)
	return string(unicode.ToUpper(r)) + s[n:]
}

// words returns n words of l joined as the language writes them.
func (w *web) words(l *language, n int) string {
	ws := make([]string, n)
	for i := range ws {
		ws[i] = w.word(l)
	}
	return strings.Join(ws, l.Joiner)
}

func (w *web) title(l *language) string { return capitalize(w.words(l, 3+w.rng.IntN(5))) }

func (w *web) paragraph(l *language) string {
	sentences := make([]string, 2+w.rng.IntN(4))
	for i := range sentences {
		sentences[i] = capitalize(w.words(l, 6+w.rng.IntN(11))) + l.Stop
	}
	return strings.Join(sentences, l.Joiner)
}

// page is the content of an HTML page; both its HTML and its extracted text (the WET
// record) are made from it.
type page struct {
	Site      *site
	URL       string
	Title     string
	Langs     []*language // the languages of its text, most prominent first
	Paras     []string    // in Langs[0]
	English   string      // a paragraph in English on a page in another language, or ""
	Related   []capture   // links to other pages, of this site or others
	Copyright string
}

// newPage writes the content of c: a few paragraphs in its site's language, sometimes one
// in English too, and links to other pages.
func (w *web) newPage(c capture, sites []*site) page {
	l := c.Site.Lang
	p := page{Site: c.Site, URL: c.URL, Title: w.title(l), Langs: []*language{l}, Copyright: "© 2024 " + c.Site.Name}
	for i := 3 + w.rng.IntN(5); i > 0; i-- {
		p.Paras = append(p.Paras, w.paragraph(l))
	}
	if l != english && w.rng.IntN(8) == 0 {
		p.English = w.paragraph(english)
		p.Langs = append(p.Langs, english)
	}
	linked := map[string]bool{c.URL: true}
	for i := 2 + w.rng.IntN(4); i > 0; i-- {
		other := c.Site
		if w.rng.IntN(3) == 0 { // another site, the big ones more often
			other = sites[int(float64(len(sites))*math.Pow(w.rng.Float64(), 3))]
		}
		if to := other.Pages[w.rng.IntN(len(other.Pages))]; !linked[to.URL] {
			linked[to.URL] = true
			p.Related = append(p.Related, to)
		}
	}
	return p
}

// linkTitle is the text of a link to c, the same wherever the link appears.
func linkTitle(c capture) string {
	rng := rand.New(rand.NewPCG(uint64(len(c.URL)), uint64(hashString(c.URL))))
	w := &web{rng: rng, zipfs: map[*language][]float64{}}
	return w.title(c.Site.Lang)
}

func hashString(s string) uint32 {
	h := uint32(2166136261) // FNV-1a
	for i := 0; i < len(s); i++ {
		h = (h ^ uint32(s[i])) * 16777619
	}
	return h
}

// HTML renders p as a web page.
func (p page) HTML() string {
	var b strings.Builder
	esc := html.EscapeString
	fmt.Fprintf(&b, "<!DOCTYPE html>\n<html lang=\"%s\">\n<head>\n<meta charset=\"utf-8\">\n", p.Langs[0].Code2)
	fmt.Fprintf(&b, "<title>%s | %s</title>\n", esc(p.Title), esc(p.Site.Name))
	fmt.Fprintf(&b, "<meta name=\"description\" content=\"%s\">\n", esc(firstSentence(p.Paras[0], p.Langs[0])))
	b.WriteString("<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n")
	b.WriteString("<link rel=\"stylesheet\" href=\"/assets/site.css\">\n")
	fmt.Fprintf(&b, "<link rel=\"canonical\" href=\"%s\">\n", esc(p.URL))
	b.WriteString("<script src=\"/assets/app.js\" defer></script>\n</head>\n<body>\n")
	fmt.Fprintf(&b, "<header><a class=\"logo\" href=\"/\">%s</a>\n<nav><ul>\n", esc(p.Site.Name))
	for i, label := range p.Langs[0].Nav {
		fmt.Fprintf(&b, "<li><a href=\"%s\">%s</a></li>\n", p.Langs[0].navHref(i), esc(label))
	}
	fmt.Fprintf(&b, "</ul></nav></header>\n<main>\n<article>\n<h1>%s</h1>\n", esc(p.Title))
	for _, para := range p.Paras {
		fmt.Fprintf(&b, "<p>%s</p>\n", esc(para))
	}
	if p.English != "" {
		fmt.Fprintf(&b, "<p lang=\"en\">%s</p>\n", esc(p.English))
	}
	fmt.Fprintf(&b, "</article>\n<aside>\n<h2>%s</h2>\n<ul>\n", esc(p.Langs[0].Related))
	for _, c := range p.Related {
		fmt.Fprintf(&b, "<li><a href=\"%s\">%s</a></li>\n", esc(c.URL), esc(linkTitle(c)))
	}
	fmt.Fprintf(&b, "</ul>\n</aside>\n</main>\n<footer><p>%s</p></footer>\n</body>\n</html>\n", esc(p.Copyright))
	return b.String()
}

// Text is the page's text as Common Crawl extracts it for WET files: the title, then each
// block of the page on a line of its own.
func (p page) Text() string {
	lines := []string{p.Title + " | " + p.Site.Name, p.Site.Name}
	lines = append(lines, p.Langs[0].Nav...)
	lines = append(lines, p.Title)
	lines = append(lines, p.Paras...)
	if p.English != "" {
		lines = append(lines, p.English)
	}
	lines = append(lines, p.Langs[0].Related)
	for _, c := range p.Related {
		lines = append(lines, linkTitle(c))
	}
	return strings.Join(append(lines, p.Copyright), "\n")
}

func firstSentence(para string, l *language) string {
	if i := strings.Index(para, l.Stop); i >= 0 {
		return para[:i+len(l.Stop)]
	}
	return para
}
