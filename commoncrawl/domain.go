package commoncrawl

import (
	"net"
	"net/url"
	"strings"

	"golang.org/x/net/idna"
	"golang.org/x/net/publicsuffix"
)

// Host returns the host name of a URL (or of a bare host name, with or without a port) as
// Common Crawl's index writes url_host_name: lower case, in its ASCII (punycode) form,
// without port, user info or trailing dot. It returns "" when there is no host.
//
//	Host("https://Blog.Kalomi.de:8443/news/") == "blog.kalomi.de"
//	Host("http://bücher.example/") == "xn--bcher-kva.example"
func Host(urlOrHost string) string {
	h := urlOrHost
	if strings.Contains(h, "://") || strings.HasPrefix(h, "//") {
		u, err := url.Parse(strings.TrimSpace(h))
		if err != nil {
			return ""
		}
		h = u.Hostname()
	} else {
		if i := strings.IndexAny(h, "/?#"); i >= 0 {
			h = h[:i]
		}
		if at := strings.LastIndexByte(h, '@'); at >= 0 {
			h = h[at+1:]
		}
		if host, _, err := net.SplitHostPort(h); err == nil {
			h = host
		}
	}
	h = strings.Trim(strings.ToLower(strings.TrimSpace(h)), ".[]")
	if h == "" {
		return ""
	}
	if net.ParseIP(h) != nil {
		return h
	}
	if ascii, err := idna.Lookup.ToASCII(h); err == nil {
		return ascii
	}
	if ascii, err := idna.Punycode.ToASCII(h); err == nil {
		return ascii
	}
	return ""
}

// RegistrySuffix returns the public suffix of a host (or of the host of a URL) under the
// ICANN section of the public suffix list, as the index's url_host_registry_suffix:
// "co.uk" for "news.bbc.co.uk", "com" for "foo.blogspot.com". It returns "" for IP
// addresses and empty hosts.
func RegistrySuffix(urlOrHost string) string {
	s, _ := suffixes(Host(urlOrHost))
	return s
}

// PrivateSuffix returns the public suffix of a host under the whole public suffix list,
// its private section (blogspot.com, github.io, ...) included, as the index's
// url_host_private_suffix: "blogspot.com" for "foo.blogspot.com".
func PrivateSuffix(urlOrHost string) string {
	_, s := suffixes(Host(urlOrHost))
	return s
}

// RegisteredDomain returns the registered domain of a host (or of the host of a URL) as
// Common Crawl's index computes url_host_registered_domain: its public suffix under the
// ICANN section of the public suffix list and the one label before it, in lower case and
// in ASCII (IDNA) form. Private suffixes such as blogspot.com count as domains:
//
//	RegisteredDomain("foo.blogspot.com") == "blogspot.com"
//	RegisteredDomain("www.city.kawasaki.jp") == "city.kawasaki.jp"
//	RegisteredDomain("https://news.bbc.co.uk/sport") == "bbc.co.uk"
//
// It returns "" for a host that is itself a public suffix ("co.uk"), for IP addresses and
// for URLs without a host.
func RegisteredDomain(urlOrHost string) string {
	host := Host(urlOrHost)
	icann, _ := suffixes(host)
	return plusOne(host, icann)
}

// PrivateDomain returns the domain of a host under the whole public suffix list, private
// section included, as the index's url_host_private_domain: "foo.blogspot.com" for
// "www.foo.blogspot.com", "bbc.co.uk" for "news.bbc.co.uk". It returns "" where
// RegisteredDomain does, and for a host that is a private suffix ("blogspot.com").
func PrivateDomain(urlOrHost string) string {
	host := Host(urlOrHost)
	_, private := suffixes(host)
	return plusOne(host, private)
}

// suffixes returns the ICANN and the private public suffix of a normalized host.
func suffixes(host string) (icann, private string) {
	if host == "" || net.ParseIP(host) != nil {
		return "", ""
	}
	private, isICANN := publicsuffix.PublicSuffix(host)
	icann = private
	for !isICANN {
		// A private rule (blogspot.com), or no rule at all (the default rule "*" gives
		// the last label): the ICANN suffix is the longest ICANN rule below it.
		dot := strings.IndexByte(icann, '.')
		if dot < 0 {
			break
		}
		icann, isICANN = publicsuffix.PublicSuffix(icann[dot+1:])
	}
	return icann, private
}

// plusOne returns suffix and the label of host before it, or "" when host is the suffix.
func plusOne(host, suffix string) string {
	if suffix == "" || len(host) <= len(suffix) || host[len(host)-len(suffix)-1] != '.' {
		return ""
	}
	rest := host[:len(host)-len(suffix)-1]
	return rest[strings.LastIndexByte(rest, '.')+1:] + "." + suffix
}
