package commoncrawl

import (
	"encoding/json"
	"fmt"
	"net/http"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"time"
)

// CDXHandler serves captures through the CDX API as index.commoncrawl.org does, for a local
// stand-in of the server (in tests, or in a notebook working offline): any path is the
// index, and the parameters url (with matchType exact, prefix, host or domain, or a "*"
// in the URL), filter ("field:regex" anchored at the start, "=field:value", "~field:part",
// each negated by a leading "!"), from, to, limit, page, showNumPages and output=json
// work. The captures are sorted by URLKey and Timestamp and split into pages of pageSize.
// A query matching nothing is answered 404 "No Captures found", as the real server does.
func CDXHandler(captures []Capture, pageSize int) http.Handler {
	caps := slices.Clone(captures)
	for i := range caps {
		if caps[i].URLKey == "" {
			caps[i].URLKey = SURT(caps[i].URL)
		}
	}
	slices.SortStableFunc(caps, func(a, b Capture) int {
		if c := strings.Compare(a.URLKey, b.URLKey); c != 0 {
			return c
		}
		return strings.Compare(a.Timestamp, b.Timestamp)
	})
	if pageSize < 1 {
		pageSize = 1
	}
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		q := r.URL.Query()
		matches, err := matchCaptures(caps, q)
		if err != nil {
			http.Error(w, err.Error(), http.StatusBadRequest)
			return
		}
		pages := (len(matches) + pageSize - 1) / pageSize
		if q.Get("showNumPages") == "true" {
			w.Header().Set("Content-Type", "application/json")
			fmt.Fprintf(w, `{"pages": %d, "pageSize": %d, "blocks": %d}`+"\n", pages, pageSize, len(matches))
			return
		}
		if len(matches) == 0 {
			http.Error(w, "No Captures found for: "+q.Get("url"), http.StatusNotFound)
			return
		}
		if p := q.Get("page"); p != "" {
			n, err := strconv.Atoi(p)
			if err != nil || n < 0 || n >= pages {
				http.Error(w, fmt.Sprintf("bad page %q (the query has %d)", p, pages), http.StatusBadRequest)
				return
			}
			matches = matches[n*pageSize : min(len(matches), (n+1)*pageSize)]
		}
		if l := q.Get("limit"); l != "" {
			n, err := strconv.Atoi(l)
			if err != nil || n < 0 {
				http.Error(w, fmt.Sprintf("bad limit %q", l), http.StatusBadRequest)
				return
			}
			matches = matches[:min(n, len(matches))]
		}
		w.Header().Set("Content-Type", "text/x-ndjson")
		enc := json.NewEncoder(w)
		for _, c := range matches {
			enc.Encode(captureFields(c))
		}
	})
}

// captureFields is a capture as the server writes it: every value a string, empty ones left
// out.
func captureFields(c Capture) map[string]string {
	m := map[string]string{"urlkey": c.URLKey, "timestamp": c.Timestamp, "url": c.URL, "mime": c.MIME,
		"mime-detected": c.MIMEDetected, "digest": c.Digest, "filename": c.Filename, "languages": c.Languages,
		"encoding": c.Encoding, "redirect": c.Redirect, "status": strconv.Itoa(c.Status),
		"length": strconv.FormatInt(c.Length, 10), "offset": strconv.FormatInt(c.Offset, 10)}
	for k, v := range m {
		if v == "" {
			delete(m, k)
		}
	}
	return m
}

// matchCaptures returns the captures the query's url, matchType, filter, from and to select.
func matchCaptures(caps []Capture, q map[string][]string) ([]Capture, error) {
	get := func(k string) string {
		if v := q[k]; len(v) > 0 {
			return v[0]
		}
		return ""
	}
	target, matchType := get("url"), get("matchType")
	if target == "" {
		return nil, fmt.Errorf("no url given")
	}
	switch {
	case strings.HasPrefix(target, "*."):
		target, matchType = target[2:], "domain"
	case strings.HasSuffix(target, "*"):
		target, matchType = strings.TrimSuffix(target, "*"), "prefix"
	}
	if !strings.Contains(target, "://") {
		target = "http://" + target
	}
	key := SURT(target)
	host, _, _ := strings.Cut(key, ")")
	var match func(string) bool
	switch matchType {
	case "", "exact":
		match = func(k string) bool { return k == key }
	case "prefix":
		prefix := strings.TrimSuffix(key, "/")
		if strings.HasSuffix(key, ")/") {
			prefix = key
		}
		match = func(k string) bool { return strings.HasPrefix(k, prefix) }
	case "host":
		match = func(k string) bool { return strings.HasPrefix(k, host+")") }
	case "domain":
		match = func(k string) bool { return strings.HasPrefix(k, host+")") || strings.HasPrefix(k, host+",") }
	default:
		return nil, fmt.Errorf("bad matchType %q", matchType)
	}
	type filter struct {
		negate bool
		field  string
		test   func(string) bool
	}
	var filters []filter
	for _, f := range q["filter"] {
		var ft filter
		if strings.HasPrefix(f, "!") {
			ft.negate, f = true, f[1:]
		}
		mode := byte(0)
		if f != "" && (f[0] == '=' || f[0] == '~') {
			mode, f = f[0], f[1:]
		}
		field, value, ok := strings.Cut(f, ":")
		if !ok || field == "" {
			return nil, fmt.Errorf("bad filter %q (want field:regex)", f)
		}
		ft.field = field
		switch mode {
		case '=':
			ft.test = func(s string) bool { return s == value }
		case '~':
			ft.test = func(s string) bool { return strings.Contains(s, value) }
		default:
			re, err := regexp.Compile("^(?:" + value + ")")
			if err != nil {
				return nil, fmt.Errorf("bad filter %q: %w", f, err)
			}
			ft.test = re.MatchString
		}
		filters = append(filters, ft)
	}
	from, to := get("from"), get("to")
	var out []Capture
	for _, c := range caps {
		if !match(c.URLKey) || (from != "" && c.Timestamp < from) || (to != "" && c.Timestamp[:min(len(to), len(c.Timestamp))] > to) {
			continue
		}
		fields := captureFields(c)
		ok := true
		for _, f := range filters {
			if f.test(fields[f.field]) == f.negate {
				ok = false
				break
			}
		}
		if ok {
			out = append(out, c)
		}
	}
	return out, nil
}

// CaptureOf converts a row of Common Crawl's columnar URL index (a map from column name to
// value, as sc.ParquetFile reads it) into a Capture: url_surtkey, url, fetch_time,
// content_mime_type, content_mime_detected, fetch_status, content_digest, content_languages,
// content_charset, fetch_redirect and the warc_ columns, those present.
func CaptureOf(row map[string]any) Capture {
	str := func(k string) string {
		switch v := row[k].(type) {
		case string:
			return v
		case *string:
			if v != nil {
				return *v
			}
		}
		return ""
	}
	num := func(k string) int64 {
		switch v := row[k].(type) {
		case int:
			return int64(v)
		case int16:
			return int64(v)
		case int32:
			return int64(v)
		case int64:
			return v
		case float64:
			return int64(v)
		}
		return 0
	}
	c := Capture{URLKey: str("url_surtkey"), URL: str("url"), MIME: str("content_mime_type"),
		MIMEDetected: str("content_mime_detected"), Status: int(num("fetch_status")), Digest: str("content_digest"),
		Length: num("warc_record_length"), Offset: num("warc_record_offset"), Filename: str("warc_filename"),
		Languages: str("content_languages"), Encoding: str("content_charset"), Redirect: str("fetch_redirect")}
	if t, ok := row["fetch_time"].(time.Time); ok {
		c.Timestamp = t.UTC().Format("20060102150405")
	}
	return c
}
