package commoncrawl

import (
	"slices"
	"testing"
)

const robotsTxt = "\uFEFFUser-agent: *\r\n" +
	"Disallow: /private/\r\n" +
	"Allow: /private/open.html\r\n" +
	"Disallow: /*.pdf$\r\n" +
	"Disallow: /search\r\n" +
	"Crawl-delay: 2.5\r\n" +
	"\r\n" +
	"# CCBot may go everywhere but /tmp\r\n" +
	"User-agent: CCBot\r\n" +
	"user-agent: OtherBot\r\n" +
	"Disallow: /tmp  # temporary\r\n" +
	"\r\n" +
	"User-agent: BadBot\r\n" +
	"Disallow: /\r\n" +
	"\r\n" +
	"Sitemap: https://www.kalomi.de/sitemap.xml\r\n" +
	"SITEMAP:https://www.kalomi.de/news-sitemap.xml\r\n" +
	"Sitemap: https://www.kalomi.de/sitemap.xml\r\n" +
	"this line is not a rule\r\n" +
	"Disallow /no-colon\r\n"

func TestParseRobots(t *testing.T) {
	rb := ParseRobots(robotsTxt)
	if want := []string{"https://www.kalomi.de/sitemap.xml", "https://www.kalomi.de/news-sitemap.xml"}; !slices.Equal(rb.Sitemaps, want) {
		t.Errorf("sitemaps %q, want %q", rb.Sitemaps, want)
	}
	if len(rb.Groups) != 3 || !slices.Equal(rb.Groups[1].UserAgents, []string{"ccbot", "otherbot"}) ||
		rb.Groups[0].CrawlDelay != 2.5 || len(rb.Groups[0].Rules) != 4 || rb.Groups[1].Rules[0] != (RobotsRule{Path: "/tmp"}) {
		t.Errorf("groups %+v", rb.Groups)
	}
	tests := []struct {
		agent, path string
		want        bool
	}{
		{"Mozilla/5.0", "/", true},
		{"Mozilla/5.0", "/private/x", false},
		{"Mozilla/5.0", "/private/open.html", true}, // the longer Allow wins
		{"Mozilla/5.0", "/docs/a.pdf", false},
		{"Mozilla/5.0", "/docs/a.pdf?download=1", true}, // $ anchors the end
		{"Mozilla/5.0", "/search?q=x", false},
		{"Mozilla/5.0", "/robots.txt", true},
		{"CCBot/2.0 (https://commoncrawl.org/faq/)", "/private/x", true}, // its own group only
		{"ccbot", "/tmp/file", false},
		{"OtherBot", "/tmpfile", false},
		{"BadBot", "/anything", false},
		{"BadBot", "/robots.txt", true},
	}
	for _, tt := range tests {
		if got := rb.Allowed(tt.agent, tt.path); got != tt.want {
			t.Errorf("Allowed(%q, %q) = %v, want %v", tt.agent, tt.path, got, tt.want)
		}
	}
}

func TestParseRobotsEdgeCases(t *testing.T) {
	tests := []struct {
		name, txt string
		path      string
		allowed   bool
		sitemaps  int
	}{
		{"empty file allows all", "", "/x", true, 0},
		{"empty Disallow allows all", "User-agent: *\nDisallow:\n", "/x", true, 0},
		{"rules before any User-agent are ignored", "Disallow: /\nSitemap: https://a.example/s.xml\n", "/x", true, 1},
		{"no group for the agent", "User-agent: SomeBot\nDisallow: /\n", "/x", true, 0},
		{"wildcard in the middle", "User-agent: *\nDisallow: /a*/c\n", "/a/b/c/d", false, 0},
		{"equal length: Allow wins", "User-agent: *\nDisallow: /page\nAllow: /page\n", "/page", true, 0},
		{"an HTML error page", "<html><body>Not Found</body></html>", "/x", true, 0},
	}
	for _, tt := range tests {
		rb := ParseRobots(tt.txt)
		if got := rb.Allowed("TestBot", tt.path); got != tt.allowed || len(rb.Sitemaps) != tt.sitemaps {
			t.Errorf("%s: Allowed = %v, sitemaps %q; want %v, %d", tt.name, got, rb.Sitemaps, tt.allowed, tt.sitemaps)
		}
	}
}
