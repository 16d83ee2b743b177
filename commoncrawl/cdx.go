package commoncrawl

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"

	"github.com/gosparkling/gosparkling/rdd"
)

// DefaultCDXServer is Common Crawl's CDX server.
const DefaultCDXServer = "https://index.commoncrawl.org"

// CDX is a client of a CDX server (pywb's CDX API, as index.commoncrawl.org serves it): it
// looks up the captures of URLs in one crawl's index, page by page, retrying when the
// server is busy. Make one with NewCDX; its fields may be changed before use.
type CDX struct {
	// BaseURL is the server, DefaultCDXServer unless changed (a local stand-in in tests).
	BaseURL string
	// Index is the crawl's index: "CC-MAIN-2024-22-index". The API lives at
	// BaseURL/Index.
	Index string
	// Client makes the requests (a 2-minute timeout by default).
	Client *http.Client
	// Retries is how many times a request answered 503 or 429, or failing in transit, is
	// retried before the query fails (5 by default).
	Retries int
	// Backoff is the wait before the first retry, doubled before each next one (1s by
	// default); a Retry-After header, when longer, is honoured.
	Backoff time.Duration
	// UserAgent identifies the client to the server.
	UserAgent string
}

// NewCDX returns a client of Common Crawl's CDX server for one crawl, named as its index
// ("CC-MAIN-2024-22-index") or as the crawl ("CC-MAIN-2024-22").
func NewCDX(index string) *CDX {
	if !strings.HasSuffix(index, "-index") {
		index += "-index"
	}
	return &CDX{
		BaseURL:   DefaultCDXServer,
		Index:     index,
		Client:    &http.Client{Timeout: 2 * time.Minute},
		Retries:   5,
		Backoff:   time.Second,
		UserAgent: "gosparkling-commoncrawl/1 (+https://github.com/gosparkling/gosparkling)",
	}
}

// CDXQuery is a query of the CDX API.
type CDXQuery struct {
	// URL is the URL or pattern looked up: "commoncrawl.org/", "*.example.com".
	URL string
	// MatchType is "exact" (the default), "prefix", "host" or "domain".
	MatchType string
	// Limit caps the number of captures returned in all (0: no cap).
	Limit int
	// Filter holds the server's filters, each "field:regex" or "!field:regex", such as
	// "status:200" or "mime:text/html".
	Filter []string
	// From and To bound the capture times, as timestamps or their prefixes ("2024",
	// "20240518").
	From, To string
}

// Capture is one line of the CDX index: a fetch of a URL and where its record is. Its
// Filename, Offset and Length carry the tags of the URL index's columns, so that
// sc.WarcRecords(captures, "https://data.commoncrawl.org") fetches the records.
type Capture struct {
	// URLKey is the SURT key of the URL: "org,commoncrawl)/".
	URLKey string `json:"urlkey" parquet:"url_surtkey"`
	// Timestamp is the fetch time, 14 digits in UTC: "20240518015810".
	Timestamp string `json:"timestamp" parquet:"timestamp"`
	// URL is the address fetched.
	URL string `json:"url" parquet:"url"`
	// MIME is the Content-Type the server sent, without parameters.
	MIME string `json:"mime" parquet:"content_mime_type"`
	// MIMEDetected is the media type Common Crawl detected in the content.
	MIMEDetected string `json:"mime-detected" parquet:"content_mime_detected"`
	// Status is the HTTP status of the fetch (200, 301, 404...).
	Status int `json:"status" parquet:"fetch_status"`
	// Digest is the SHA-1 of the payload, in base 32.
	Digest string `json:"digest" parquet:"content_digest"`
	// Length and Offset are the byte range of the record's gzip member in Filename.
	Length int64 `json:"length" parquet:"warc_record_length"`
	Offset int64 `json:"offset" parquet:"warc_record_offset"`
	// Filename is the WARC file holding the record, relative to the root of the bucket.
	Filename string `json:"filename" parquet:"warc_filename"`
	// Languages are the page's languages, ISO 639-3 codes, most prominent first: "deu,eng".
	Languages string `json:"languages" parquet:"content_languages"`
	// Encoding is the page's character set: "UTF-8".
	Encoding string `json:"encoding" parquet:"content_charset"`
	// Redirect is the Location of a redirect.
	Redirect string `json:"redirect" parquet:"fetch_redirect"`
}

// Time returns the capture's Timestamp (14 digits, UTC) as a time, or the zero time.
func (c Capture) Time() time.Time {
	t, _ := time.Parse("20060102150405", c.Timestamp)
	return t
}

// values returns the query parameters of q.
func (q CDXQuery) values() (url.Values, error) {
	if strings.TrimSpace(q.URL) == "" {
		return nil, errors.New("the query has no URL")
	}
	v := url.Values{"url": {q.URL}, "output": {"json"}}
	switch q.MatchType {
	case "", "exact", "prefix", "host", "domain":
		if q.MatchType != "" {
			v.Set("matchType", q.MatchType)
		}
	default:
		return nil, fmt.Errorf("bad MatchType %q (want exact, prefix, host or domain)", q.MatchType)
	}
	if q.Limit < 0 {
		return nil, fmt.Errorf("bad Limit %d", q.Limit)
	}
	if q.Limit > 0 {
		v.Set("limit", strconv.Itoa(q.Limit))
	}
	for _, f := range q.Filter {
		v.Add("filter", f)
	}
	if q.From != "" {
		v.Set("from", q.From)
	}
	if q.To != "" {
		v.Set("to", q.To)
	}
	return v, nil
}

// endpoint returns the URL of the index's API with the parameters v.
func (c *CDX) endpoint(v url.Values) string {
	return strings.TrimSuffix(c.BaseURL, "/") + "/" + strings.Trim(c.Index, "/") + "?" + v.Encode()
}

// errNoCaptures is the server's answer (404) when nothing matches.
var errNoCaptures = errors.New("no captures")

// get fetches one URL of the API, retrying 503, 429 and failures in transit with
// exponential backoff.
func (c *CDX) get(ctx context.Context, u string) ([]byte, error) {
	client := c.Client
	if client == nil {
		client = http.DefaultClient
	}
	wait := c.Backoff
	if wait <= 0 {
		wait = time.Second
	}
	for attempt := 0; ; attempt++ {
		req, err := http.NewRequestWithContext(ctx, http.MethodGet, u, nil)
		if err != nil {
			return nil, err
		}
		if c.UserAgent != "" {
			req.Header.Set("User-Agent", c.UserAgent)
		}
		resp, err := client.Do(req)
		var retryable error
		if err != nil {
			if ctx.Err() != nil {
				return nil, ctx.Err()
			}
			retryable = err
		} else {
			body, readErr := io.ReadAll(resp.Body)
			resp.Body.Close()
			switch {
			case resp.StatusCode == http.StatusServiceUnavailable || resp.StatusCode == http.StatusTooManyRequests:
				retryable = fmt.Errorf("%s", resp.Status)
				if s, err := strconv.Atoi(resp.Header.Get("Retry-After")); err == nil && time.Duration(s)*time.Second > wait {
					wait = time.Duration(s) * time.Second
				}
			case resp.StatusCode == http.StatusNotFound && bytes.Contains(body, []byte("No Captures found")):
				return nil, errNoCaptures
			case resp.StatusCode != http.StatusOK:
				return nil, fmt.Errorf("%s: %s", resp.Status, shortBody(body))
			case readErr != nil:
				retryable = readErr
			default:
				return body, nil
			}
		}
		if attempt >= c.Retries {
			return nil, fmt.Errorf("%w (gave up after %d attempts)", retryable, attempt+1)
		}
		select {
		case <-time.After(wait):
		case <-ctx.Done():
			return nil, ctx.Err()
		}
		wait *= 2
	}
}

// shortBody cuts a server's error message for quoting.
func shortBody(b []byte) string {
	s := strings.TrimSpace(string(b))
	if len(s) > 200 {
		s = s[:200] + "..."
	}
	return s
}

// NumPages returns how many pages the server splits the query's captures into (the API's
// showNumPages).
func (c *CDX) NumPages(ctx context.Context, q CDXQuery) (int, error) {
	v, err := q.values()
	if err != nil {
		return 0, c.errorf(q, "%w", err)
	}
	v.Del("output")
	v.Del("limit")
	v.Set("showNumPages", "true")
	body, err := c.get(ctx, c.endpoint(v))
	if errors.Is(err, errNoCaptures) {
		return 0, nil
	}
	if err != nil {
		return 0, c.errorf(q, "number of pages: %w", err)
	}
	var n struct {
		Pages *int `json:"pages"`
	}
	if err := json.Unmarshal(body, &n); err != nil || n.Pages == nil {
		// Older servers answer a bare number.
		if p, err2 := strconv.Atoi(strings.TrimSpace(string(body))); err2 == nil {
			return p, nil
		}
		return 0, c.errorf(q, "number of pages: unexpected answer %q", shortBody(body))
	}
	return *n.Pages, nil
}

// Page returns the captures of one page of the query (pages count from 0), at most
// q.Limit of them when it is set.
func (c *CDX) Page(ctx context.Context, q CDXQuery, page int) ([]Capture, error) {
	v, err := q.values()
	if err != nil {
		return nil, c.errorf(q, "%w", err)
	}
	if page < 0 {
		return nil, c.errorf(q, "bad page %d", page)
	}
	v.Set("page", strconv.Itoa(page))
	body, err := c.get(ctx, c.endpoint(v))
	if errors.Is(err, errNoCaptures) {
		return nil, nil
	}
	if err != nil {
		return nil, c.errorf(q, "page %d: %w", page, err)
	}
	caps, err := parseCaptures(body)
	if err != nil {
		return nil, c.errorf(q, "page %d: %w", page, err)
	}
	return caps, nil
}

// Captures returns every capture of the query, page after page, stopping at q.Limit.
func (c *CDX) Captures(ctx context.Context, q CDXQuery) ([]Capture, error) {
	pages, err := c.NumPages(ctx, q)
	if err != nil {
		return nil, err
	}
	var all []Capture
	for p := 0; p < pages; p++ {
		caps, err := c.Page(ctx, q, p)
		if err != nil {
			return nil, err
		}
		all = append(all, caps...)
		if q.Limit > 0 && len(all) >= q.Limit {
			return all[:q.Limit], nil
		}
	}
	return all, nil
}

// RDD returns the captures of the query as an RDD of Capture values, which
// sc.WarcRecords(captures, "https://data.commoncrawl.org") turns into the records. Without a
// Limit, each page of the query is a partition, fetched by its task when a job runs (the
// number of pages is asked for now); with one, the captures are fetched now, page after
// page up to the Limit, and distributed.
func (c *CDX) RDD(sc *rdd.Context, q CDXQuery) (*rdd.RDD, error) {
	ctx := context.Background()
	if q.Limit > 0 {
		caps, err := c.Captures(ctx, q)
		if err != nil {
			return nil, err
		}
		if len(caps) == 0 {
			return sc.Parallelize([]Capture{}, 1), nil
		}
		return sc.Parallelize(caps, min(len(caps), sc.DefaultParallelism())), nil
	}
	pages, err := c.NumPages(ctx, q)
	if err != nil {
		return nil, err
	}
	if pages == 0 {
		return sc.Parallelize([]Capture{}, 1), nil
	}
	numbers := make([]int, pages)
	for i := range numbers {
		numbers[i] = i
	}
	return sc.Parallelize(numbers, pages).FlatMap(func(page int) []Capture {
		caps, err := c.Page(ctx, q, page)
		if err != nil {
			panic(err)
		}
		return caps
	}), nil
}

// errorf returns an error naming the client's index and the query.
func (c *CDX) errorf(q CDXQuery, format string, args ...any) error {
	return fmt.Errorf("commoncrawl: CDX query %q of %s/%s: %w", q.URL, c.BaseURL, c.Index, fmt.Errorf(format, args...))
}

// parseCaptures reads the server's JSON lines, one capture each.
func parseCaptures(body []byte) ([]Capture, error) {
	var caps []Capture
	sc := bufio.NewScanner(bytes.NewReader(body))
	sc.Buffer(make([]byte, 64*1024), 16*1024*1024)
	for n := 1; sc.Scan(); n++ {
		line := bytes.TrimSpace(sc.Bytes())
		if len(line) == 0 {
			continue
		}
		var m map[string]any
		if err := json.Unmarshal(line, &m); err != nil {
			return nil, fmt.Errorf("line %d is not JSON: %w", n, err)
		}
		str := func(k string) string {
			switch v := m[k].(type) {
			case string:
				return v
			case float64:
				return strconv.FormatFloat(v, 'f', -1, 64)
			}
			return ""
		}
		num := func(k string) (int64, error) {
			s := str(k)
			if s == "" || s == "-" {
				return 0, nil
			}
			v, err := strconv.ParseInt(s, 10, 64)
			if err != nil {
				return 0, fmt.Errorf("line %d: %s %q is not a number", n, k, s)
			}
			return v, nil
		}
		c := Capture{URLKey: str("urlkey"), Timestamp: str("timestamp"), URL: str("url"), MIME: str("mime"),
			MIMEDetected: str("mime-detected"), Digest: str("digest"), Filename: str("filename"),
			Languages: str("languages"), Encoding: str("encoding"), Redirect: str("redirect")}
		status, err := num("status")
		if err != nil {
			return nil, err
		}
		c.Status = int(status)
		if c.Length, err = num("length"); err != nil {
			return nil, err
		}
		if c.Offset, err = num("offset"); err != nil {
			return nil, err
		}
		caps = append(caps, c)
	}
	return caps, sc.Err()
}
