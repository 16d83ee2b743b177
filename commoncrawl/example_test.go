package commoncrawl_test

import (
	"fmt"

	"github.com/gosparkling/gosparkling/commoncrawl"
)

func ExampleRegisteredDomain() {
	for _, host := range []string{"foo.blogspot.com", "www.city.kawasaki.jp", "https://news.bbc.co.uk/sport"} {
		fmt.Println(commoncrawl.RegisteredDomain(host), commoncrawl.PrivateDomain(host))
	}
	// Output:
	// blogspot.com foo.blogspot.com
	// city.kawasaki.jp city.kawasaki.jp
	// bbc.co.uk bbc.co.uk
}

func ExampleSURT() {
	fmt.Println(commoncrawl.SURT("http://www.Example.com:80/a/b?z=1&a=2"))
	fmt.Println(commoncrawl.SURT("https://blog.kalomi.de/news/"))
	// Output:
	// com,example)/a/b?a=2&z=1
	// de,kalomi,blog)/news
}

func ExampleParsePage() {
	page := commoncrawl.ParsePage("https://www.kalomi.de/news/", []byte(`<html><head>
<title>News &amp; more</title><script>track()</script></head>
<body><h1>News</h1><p>Read <a href="2024/">this year's</a> and <a href="https://other.example/#top">others'</a>.</p></body></html>`))
	fmt.Println(page.Title)
	fmt.Println(page.Text)
	fmt.Println(page.Links)
	// Output:
	// News & more
	// News
	// Read this year's and others'.
	// [https://www.kalomi.de/news/2024/ https://other.example/]
}

func ExampleParseRobots() {
	robots := commoncrawl.ParseRobots("User-agent: *\nDisallow: /private/\nSitemap: https://www.kalomi.de/sitemap.xml\n")
	fmt.Println(robots.Sitemaps)
	fmt.Println(robots.Allowed("CCBot/2.0", "/private/page"), robots.Allowed("CCBot/2.0", "/news/"))
	// Output:
	// [https://www.kalomi.de/sitemap.xml]
	// false true
}

func ExampleCDX() {
	cdx := commoncrawl.NewCDX("CC-MAIN-2024-22")
	query := commoncrawl.CDXQuery{URL: "commoncrawl.org/", MatchType: "prefix", Limit: 10, Filter: []string{"status:200"}}
	fmt.Println(cdx.BaseURL+"/"+cdx.Index, query.URL)
	// With a Context sc, in a notebook:
	//
	//	captures, err := cdx.RDD(sc, query)
	//	pages := sc.WarcRecords(captures, "https://data.commoncrawl.org")
	// Output:
	// https://index.commoncrawl.org/CC-MAIN-2024-22-index commoncrawl.org/
}
