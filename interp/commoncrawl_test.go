package interp

import (
	"strings"
	"testing"
)

// A cell imports the commoncrawl package and uses it as a compiled program would: its
// functions called, passed to RDD methods, its types declared and inspected.
func TestCellsUseTheCommoncrawlPackage(t *testing.T) {
	s := newSession(t)
	if got := execute(t, s, `import "github.com/gosparkling/gosparkling/commoncrawl"`); got.err != nil {
		t.Fatal(got.err)
	}
	tests := []struct{ name, code, plain string }{
		{"RegisteredDomain", `commoncrawl.RegisteredDomain("foo.blogspot.com") + " " + commoncrawl.RegisteredDomain("https://news.bbc.co.uk/x")`, "blogspot.com bbc.co.uk"},
		{"SURT", `commoncrawl.SURT("http://www.Example.com:80/a/b?z=1&a=2")`, "com,example)/a/b?a=2&z=1"},
		{"Title of a string", `commoncrawl.Title("<title>Caf&eacute;</title>")`, "Café"},
		{"Text of bytes", `commoncrawl.TextBytes([]byte("<p>a</p><script>x()</script><p>b</p>"))`, "a\nb"},
		{"ParsePage", `page := commoncrawl.ParsePage("https://x.example/dir/", []byte("<a href=\"p.html\">p</a>"))
page.Links[0]`, "https://x.example/dir/p.html"},
		{"a function as Map's argument", `fmt.Sprint(sc.Parallelize([]string{"https://a.kalomi.de/", "http://www.city.kawasaki.jp/"}).Map(commoncrawl.RegisteredDomain).Collect())`,
			"[kalomi.de city.kawasaki.jp]"},
		{"in an interpreted closure", `sc.Parallelize([]string{"<title>One</title>", "<title>Two</title>"}).Map(func(h string) string { return commoncrawl.Title(h) }).Collect()[1]`, "Two"},
		{"robots", `robots := commoncrawl.ParseRobots("User-agent: *\nDisallow: /p\nSitemap: https://x.example/s.xml\n")
fmt.Sprint(robots.Sitemaps, robots.Allowed("CCBot", "/p/q"))`, "[https://x.example/s.xml] false"},
		{"a CDX client's fields", `cdx := commoncrawl.NewCDX("CC-MAIN-2024-22")
cdx.Index`, "CC-MAIN-2024-22-index"},
		{"a typed value", `q := commoncrawl.CDXQuery{URL: "commoncrawl.org/", Limit: 3}
q.Limit`, "3"},
	}
	for _, tt := range tests {
		got := execute(t, s, tt.code)
		if got.err != nil {
			t.Errorf("%s: %v", tt.name, got.err)
			continue
		}
		if got.plain != tt.plain && got.plain != `"`+tt.plain+`"` {
			t.Errorf("%s: %q shows %q, want %q", tt.name, tt.code, got.plain, tt.plain)
		}
	}
	if data, found := s.Inspect("commoncrawl.RegisteredDomain", 15, 0); !found || !strings.Contains(data["text/plain"].(string), "url_host_registered_domain") {
		t.Errorf("Inspect of commoncrawl.RegisteredDomain: %v %v", found, data)
	}
}
