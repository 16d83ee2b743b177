package commoncrawl

import (
	"strconv"
	"strings"
)

// Robots is a parsed robots.txt (RFC 9309): its Sitemap lines and its groups of rules.
type Robots struct {
	// Sitemaps are the URLs of the Sitemap lines, in file order, each once.
	Sitemaps []string
	// Groups are the groups of rules, each for the user agents its User-agent lines name.
	Groups []RobotsGroup
}

// RobotsGroup is a group of rules: the lines after one or more User-agent lines.
type RobotsGroup struct {
	// UserAgents are the product tokens the group applies to, lower case ("*", "ccbot").
	UserAgents []string
	// Rules are the group's Allow and Disallow lines, in file order.
	Rules []RobotsRule
	// CrawlDelay is the Crawl-delay line's value in seconds, or 0.
	CrawlDelay float64
}

// RobotsRule is one Allow or Disallow line: a path pattern in which "*" matches any
// characters and a final "$" anchors the end.
type RobotsRule struct {
	// Allow is true for an Allow line, false for a Disallow line.
	Allow bool
	// Path is the line's path pattern: "/private/", "/*.pdf$".
	Path string
}

// ParseRobots parses the text of a robots.txt file as crawlers do, leniently: comments
// (after "#") and lines that are not "field: value" are skipped, field names are compared
// case-insensitively, and rules before any User-agent line are ignored. The payload of a
// robots.txt WARC record (Common Crawl's robotstxt/ files) parses with
// ParseRobots(string(r.Payload())).
func ParseRobots(text string) *Robots {
	rb := &Robots{}
	seen := map[string]bool{}
	var current *RobotsGroup
	lastWasAgent := false
	for line := range strings.SplitSeq(strings.TrimPrefix(text, "\uFEFF"), "\n") {
		if i := strings.IndexByte(line, '#'); i >= 0 {
			line = line[:i]
		}
		field, value, ok := strings.Cut(line, ":")
		if !ok {
			continue
		}
		field = strings.ToLower(strings.TrimSpace(field))
		value = strings.TrimSpace(value)
		switch field {
		case "user-agent", "useragent", "user agent":
			if !lastWasAgent || current == nil {
				rb.Groups = append(rb.Groups, RobotsGroup{})
				current = &rb.Groups[len(rb.Groups)-1]
			}
			current.UserAgents = append(current.UserAgents, strings.ToLower(value))
			lastWasAgent = true
			continue
		case "allow", "disallow":
			if current != nil {
				current.Rules = append(current.Rules, RobotsRule{Allow: field == "allow", Path: value})
			}
		case "crawl-delay":
			if current != nil {
				if d, err := strconv.ParseFloat(value, 64); err == nil && d >= 0 {
					current.CrawlDelay = d
				}
			}
		case "sitemap", "site-map":
			if value != "" && !seen[value] {
				seen[value] = true
				rb.Sitemaps = append(rb.Sitemaps, value)
			}
		}
		lastWasAgent = false
	}
	return rb
}

// Group returns the rules that apply to a crawler: the groups naming its product token
// (case-insensitively; "CCBot" for "CCBot/2.0 (https://commoncrawl.org/faq/)"), merged,
// or else the groups for "*". It returns nil when no group applies.
func (rb *Robots) Group(userAgent string) *RobotsGroup {
	token := strings.ToLower(strings.TrimSpace(userAgent))
	if i := strings.IndexAny(token, "/ "); i >= 0 {
		token = token[:i]
	}
	var own, any *RobotsGroup
	merge := func(into **RobotsGroup, g RobotsGroup) {
		if *into == nil {
			*into = &RobotsGroup{UserAgents: []string{}, CrawlDelay: g.CrawlDelay}
		}
		(*into).UserAgents = append((*into).UserAgents, g.UserAgents...)
		(*into).Rules = append((*into).Rules, g.Rules...)
	}
	for _, g := range rb.Groups {
		for _, ua := range g.UserAgents {
			if ua == token && token != "" {
				merge(&own, g)
				break
			}
			if ua == "*" {
				merge(&any, g)
				break
			}
		}
	}
	if own != nil {
		return own
	}
	return any
}

// Allowed reports whether a crawler may fetch a path (with its query, "/search?q=x") under
// RFC 9309: the rule of its group (see Group) with the longest matching pattern decides,
// Allow winning a tie; no matching rule, or no group, allows. "/robots.txt" is always
// allowed.
func (rb *Robots) Allowed(userAgent, path string) bool {
	if path == "" {
		path = "/"
	}
	if path == "/robots.txt" {
		return true
	}
	g := rb.Group(userAgent)
	if g == nil {
		return true
	}
	best, allowed := -1, true
	for _, r := range g.Rules {
		if r.Path == "" { // "Disallow:" with no path allows everything
			continue
		}
		if matchRobots(r.Path, path) {
			if n := len(r.Path); n > best || (n == best && r.Allow) {
				best, allowed = n, r.Allow
			}
		}
	}
	return allowed
}

// matchRobots reports whether a robots.txt path pattern matches path: "*" matches any
// characters, a final "$" anchors the end, anything else must match as a prefix.
func matchRobots(pattern, path string) bool {
	anchored := strings.HasSuffix(pattern, "$")
	pattern = strings.TrimSuffix(pattern, "$")
	parts := strings.Split(pattern, "*")
	if !strings.HasPrefix(path, parts[0]) {
		return false
	}
	pos := len(parts[0])
	for i, part := range parts[1:] {
		if i == len(parts)-2 && anchored {
			return strings.HasSuffix(path[pos:], part)
		}
		j := strings.Index(path[pos:], part)
		if j < 0 {
			return false
		}
		pos += j + len(part)
	}
	return !anchored || pos == len(path)
}
