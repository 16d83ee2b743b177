package commoncrawl

import (
	"net"
	"regexp"
	"slices"
	"strings"
)

// SURT returns the SURT key of a URL (Sort-friendly URI Reordering Transform) as Common
// Crawl's index writes url_surtkey and the first field of its CDX lines, following the
// Python surt package's default canonicalization: the scheme, user info, "www." prefix,
// default port and fragment dropped; the host's labels reversed and joined by commas; the
// path normalized ("/./", "/../", repeated slashes), its trailing slash dropped; the query's
// arguments sorted and session ids removed; percent-escapes normalized; all in lower case.
//
//	SURT("http://www.Example.com:80/a/b?z=1&a=2") == "com,example)/a/b?a=2&z=1"
//	SURT("https://blog.kalomi.de/news/") == "de,kalomi,blog)/news"
//
// A string that is not a URL with a host is returned as it is, as surt does.
func SURT(rawURL string) string {
	s := strings.Map(func(r rune) rune {
		if r == '\t' || r == '\r' || r == '\n' {
			return -1
		}
		return r
	}, strings.TrimSpace(rawURL))
	scheme, rest, ok := strings.Cut(s, "://")
	if !ok || scheme == "" || strings.ContainsAny(scheme, "/?#") {
		if strings.HasPrefix(s, "//") {
			scheme, rest = "", s[2:]
		} else {
			return rawURL
		}
	}
	scheme = strings.ToLower(scheme)
	if i := strings.IndexByte(rest, '#'); i >= 0 {
		rest = rest[:i]
	}
	authority, pathQuery := rest, ""
	if i := strings.IndexAny(rest, "/?"); i >= 0 {
		authority, pathQuery = rest[:i], rest[i:]
	}
	path, query, hasQuery := strings.Cut(pathQuery, "?")
	if at := strings.LastIndexByte(authority, '@'); at >= 0 {
		authority = authority[at+1:]
	}
	host, port := authority, ""
	if h, p, err := net.SplitHostPort(authority); err == nil {
		host, port = h, p
	} else if i := strings.LastIndexByte(authority, ':'); i >= 0 && !strings.Contains(authority, "]") {
		host, port = authority[:i], authority[i+1:]
	}
	host = surtHost(host)
	if host == "" {
		return rawURL
	}
	if (port == "80" && scheme == "http") || (port == "443" && scheme == "https") || port == "" {
		port = ""
	} else {
		port = ":" + port
	}

	path = minimalEscape(normalizePath(unescapeRepeatedly(path)))
	path = sessionInPath.ReplaceAllString(path, "$1")
	if len(path) > 1 {
		path = strings.TrimSuffix(path, "/")
	}
	key := host + port + ")" + strings.ToLower(path)
	if hasQuery {
		query = strings.ToLower(minimalEscape(unescapeRepeatedly(query)))
		var args []string
		for arg := range strings.SplitSeq(query, "&") {
			if arg != "" && !isSessionArg(arg) {
				args = append(args, arg)
			}
		}
		slices.Sort(args)
		if len(args) > 0 {
			key += "?" + strings.Join(args, "&")
		}
	}
	return key
}

// surtHost returns the SURT form of a host: lower case, ASCII, "www." (or "www2." ...) and
// stray dots dropped, labels reversed and joined by commas ("com,example").
func surtHost(host string) string {
	host = unescapeRepeatedly(host)
	for strings.Contains(host, "..") {
		host = strings.ReplaceAll(host, "..", ".")
	}
	host = Host(strings.Trim(host, "."))
	if host == "" {
		return ""
	}
	if strings.Contains(host, ":") { // IPv6
		return "[" + host + "]"
	}
	host = wwwPrefix.ReplaceAllString(host, "")
	labels := strings.Split(host, ".")
	slices.Reverse(labels)
	return strings.Join(labels, ",")
}

var (
	wwwPrefix     = regexp.MustCompile(`^www\d*\.`)
	sessionInPath = regexp.MustCompile(`(?i)^(.*/)(?:\((?:[a-z]\([0-9a-z]{24}\))+\)/)`)
	sessionArgs   = regexp.MustCompile(`^(?:jsessionid=[0-9a-z$]{10,}|phpsessid=[0-9a-z]{16,}|sid=[0-9a-z]{32}|aspsessionid[a-z]{8}=[a-z]{24}|cfid=\d+|cftoken=[0-9a-z-]+)$`)
)

// isSessionArg reports whether a lower-case query argument is a session id that surt strips.
func isSessionArg(arg string) bool { return sessionArgs.MatchString(arg) }

// normalizePath resolves "." and ".." segments and collapses repeated slashes, as surt's
// Google canonicalizer does. An empty path becomes "/".
func normalizePath(path string) string {
	if path == "" {
		return "/"
	}
	var kept []string
	segments := strings.Split(path, "/")
	for i, seg := range segments {
		switch seg {
		case ".":
			if i == len(segments)-1 {
				kept = append(kept, "")
			}
		case "..":
			if len(kept) > 1 {
				kept = kept[:len(kept)-1]
			}
			if i == len(segments)-1 {
				kept = append(kept, "")
			}
		default:
			kept = append(kept, seg)
		}
	}
	out := strings.Join(kept, "/")
	for strings.Contains(out, "//") {
		out = strings.ReplaceAll(out, "//", "/")
	}
	if !strings.HasPrefix(out, "/") {
		out = "/" + out
	}
	return out
}

// unescapeRepeatedly decodes percent-escapes until none is left; a '%' not followed by two
// hex digits stays as it is.
func unescapeRepeatedly(s string) string {
	for strings.IndexByte(s, '%') >= 0 {
		var b strings.Builder
		changed := false
		for i := 0; i < len(s); i++ {
			if s[i] == '%' && i+2 < len(s) && isHex(s[i+1]) && isHex(s[i+2]) {
				b.WriteByte(unhex(s[i+1])<<4 | unhex(s[i+2]))
				i += 2
				changed = true
				continue
			}
			b.WriteByte(s[i])
		}
		if !changed {
			break
		}
		s = b.String()
	}
	return s
}

// minimalEscape percent-escapes the bytes that may not stand in a URL as they are: control
// characters, space, '%', '#' and every byte of non-ASCII characters.
func minimalEscape(s string) string {
	const hex = "0123456789ABCDEF"
	var b strings.Builder
	for i := 0; i < len(s); i++ {
		c := s[i]
		if c <= 0x20 || c >= 0x7f || c == '%' || c == '#' {
			b.WriteByte('%')
			b.WriteByte(hex[c>>4])
			b.WriteByte(hex[c&15])
			continue
		}
		b.WriteByte(c)
	}
	return b.String()
}

func isHex(c byte) bool {
	return '0' <= c && c <= '9' || 'a' <= c && c <= 'f' || 'A' <= c && c <= 'F'
}

func unhex(c byte) byte {
	switch {
	case '0' <= c && c <= '9':
		return c - '0'
	case 'a' <= c && c <= 'f':
		return c - 'a' + 10
	default:
		return c - 'A' + 10
	}
}
