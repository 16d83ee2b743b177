package commoncrawl

import "testing"

// SURT keys as Common Crawl's index (url_surtkey, the first field of its CDX lines) and
// the Python surt package write them.
func TestSURT(t *testing.T) {
	tests := []struct{ url, want string }{
		// From the index.
		{"https://an.wikipedia.org/wiki/Escopete", "org,wikipedia,an)/wiki/escopete"},
		{"https://commoncrawl.org/", "org,commoncrawl)/"},
		{"https://www.bbc.co.uk/news", "uk,co,bbc)/news"},
		{"https://blog.kalomi.de/news/", "de,kalomi,blog)/news"},
		{"http://www.Example.com:80/a/b?z=1&a=2", "com,example)/a/b?a=2&z=1"},
		// From the surt package's tests.
		{"http://www.archive.org/", "org,archive)/"},
		{"http://archive.org/goo/?a=2&b&a=1", "org,archive)/goo?a=1&a=2&b"},
		{"http://archive.org/goo/", "org,archive)/goo"},
		{"http://archive.org/goo", "org,archive)/goo"},
		{"http://archive.org/", "org,archive)/"},
		{"http://archive.org", "org,archive)/"},
		{"http://www2.archive.org/", "org,archive)/"},
		{"http://www12.archive.org/", "org,archive)/"},
		{"http://archive.org:8080/", "org,archive:8080)/"},
		{"https://archive.org:443/", "org,archive)/"},
		{"http://archive.org:443/", "org,archive:443)/"},
		{"http://user:pass@archive.org/", "org,archive)/"},
		{"http://archive.org/index.html#fragment", "org,archive)/index.html"},
		{"http://archive.org/?", "org,archive)/"},
		{"http://ARCHIVE.ORG/PATH/File.HTML?Q=A", "org,archive)/path/file.html?q=a"},
		{"http://archive.org/a/./b/../c//d", "org,archive)/a/c/d"},
		{"http://archive.org/a%2520b/caf%C3%A9", "org,archive)/a%20b/caf%c3%a9"},
		{"http://archive.org/a b", "org,archive)/a%20b"},
		{"http://archive.org/x?jsessionid=0123456789abcdef&y=1", "org,archive)/x?y=1"},
		{"http://archive.org/x?PHPSESSID=0123456789abcdef0123&y=1", "org,archive)/x?y=1"},
		{"http://1.2.3.4/x", "4,3,2,1)/x"},
		{"http://bücher.de/", "de,xn--bcher-kva)/"},
		{"http://..example..com./", "com,example)/"},
		// Not URLs: returned as they are.
		{"filedesc:foo.arc.gz", "filedesc:foo.arc.gz"},
		{"not a url", "not a url"},
		{"", ""},
	}
	for _, tt := range tests {
		if got := SURT(tt.url); got != tt.want {
			t.Errorf("SURT(%q) = %q, want %q", tt.url, got, tt.want)
		}
	}
}
