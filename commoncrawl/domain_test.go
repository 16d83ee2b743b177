package commoncrawl

import "testing"

// The values of Common Crawl's URL index (columns url_host_name,
// url_host_registry_suffix, url_host_registered_domain, url_host_private_suffix,
// url_host_private_domain) for these hosts, which follow the public suffix list.
func TestDomainsAsTheIndexHasThem(t *testing.T) {
	tests := []struct {
		in                               string
		host, registrySuffix, registered string
		privateSuffix, privateDomain     string
	}{
		{"an.wikipedia.org", "an.wikipedia.org", "org", "wikipedia.org", "org", "wikipedia.org"},
		{"https://an.wikipedia.org/wiki/Escopete", "an.wikipedia.org", "org", "wikipedia.org", "org", "wikipedia.org"},
		{"foo.blogspot.com", "foo.blogspot.com", "com", "blogspot.com", "blogspot.com", "foo.blogspot.com"},
		{"www.city.kawasaki.jp", "www.city.kawasaki.jp", "kawasaki.jp", "city.kawasaki.jp", "kawasaki.jp", "city.kawasaki.jp"},
		{"news.bbc.co.uk", "news.bbc.co.uk", "co.uk", "bbc.co.uk", "co.uk", "bbc.co.uk"},
		{"https://blog.kalomi.de/news/", "blog.kalomi.de", "de", "kalomi.de", "de", "kalomi.de"},
		{"user.github.io", "user.github.io", "io", "github.io", "github.io", "user.github.io"},
		{"WWW.Example.COM.", "www.example.com", "com", "example.com", "com", "example.com"},
		{"http://www.Example.com:8080/x", "www.example.com", "com", "example.com", "com", "example.com"},
		{"//cdn.example.net/lib.js", "cdn.example.net", "net", "example.net", "net", "example.net"},
		{"example.com:443", "example.com", "com", "example.com", "com", "example.com"},
		// IDNA: hosts in their ASCII form, as the index has them.
		{"www.bücher.de", "www.xn--bcher-kva.de", "de", "xn--bcher-kva.de", "de", "xn--bcher-kva.de"},
		{"http://例え.テスト/", "xn--r8jz45g.xn--zckzah", "xn--zckzah", "xn--r8jz45g.xn--zckzah", "xn--zckzah", "xn--r8jz45g.xn--zckzah"},
		{"www.xn--bcher-kva.de", "www.xn--bcher-kva.de", "de", "xn--bcher-kva.de", "de", "xn--bcher-kva.de"},
		// A public suffix itself has no registered domain; nor has an IP address.
		{"co.uk", "co.uk", "co.uk", "", "co.uk", ""},
		{"blogspot.com", "blogspot.com", "com", "blogspot.com", "blogspot.com", ""},
		{"192.168.1.20", "192.168.1.20", "", "", "", ""},
		{"http://[2001:db8::1]:8080/", "2001:db8::1", "", "", "", ""},
		{"", "", "", "", "", ""},
	}
	for _, tt := range tests {
		got := [5]string{Host(tt.in), RegistrySuffix(tt.in), RegisteredDomain(tt.in), PrivateSuffix(tt.in), PrivateDomain(tt.in)}
		want := [5]string{tt.host, tt.registrySuffix, tt.registered, tt.privateSuffix, tt.privateDomain}
		if got != want {
			t.Errorf("%q: host, registry suffix, registered domain, private suffix, private domain = %q, want %q", tt.in, got, want)
		}
	}
}
