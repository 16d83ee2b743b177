package commoncrawl

import (
	"context"
	"fmt"
	"net/http"
	"net/http/httptest"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/gosparkling/gosparkling/fileio/warc"
	"github.com/gosparkling/gosparkling/rdd"
)

// cdxLine is a line of the CDX API's JSON output, as index.commoncrawl.org writes it: every
// value a string.
func cdxLine(i int) string {
	return fmt.Sprintf(`{"urlkey": "org,wikipedia,an)/wiki/escopete", "timestamp": "2024051801581%d", "url": "https://an.wikipedia.org/wiki/Escopete", `+
		`"mime": "text/html", "mime-detected": "text/html", "status": "200", "digest": "RY7PLBUFQNI2FFV5FTUQK72W6SNPXLQU", "length": "17351", `+
		`"offset": "1023", "filename": "whirlwind.warc.gz", "languages": "spa", "encoding": "UTF-8"}`, i%10)
}

// cdxServer is a stand-in for index.commoncrawl.org: it answers 503 to the first
// failures requests, then serves pages of pageLines captures each.
type cdxServer struct {
	failures, pages, pageLines int
	mu                         sync.Mutex
	requests                   []string
}

func (s *cdxServer) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	s.mu.Lock()
	s.requests = append(s.requests, r.URL.RequestURI())
	n := len(s.requests)
	s.mu.Unlock()
	if r.URL.Path != "/CC-MAIN-2024-22-index" {
		http.Error(w, "no such index", http.StatusNotFound)
		return
	}
	if n <= s.failures {
		http.Error(w, "Service Temporarily Unavailable", http.StatusServiceUnavailable)
		return
	}
	q := r.URL.Query()
	if q.Get("url") == "nothing.example/" {
		http.Error(w, "No Captures found for: nothing.example/", http.StatusNotFound)
		return
	}
	if q.Get("showNumPages") == "true" {
		fmt.Fprintf(w, `{"pages": %d, "pageSize": 5, "blocks": %d}`, s.pages, s.pages*5)
		return
	}
	var page int
	fmt.Sscan(q.Get("page"), &page)
	lines := s.pageLines
	if limit := q.Get("limit"); limit != "" {
		fmt.Sscan(limit, &lines)
		lines = min(lines, s.pageLines)
	}
	for i := 0; i < lines; i++ {
		fmt.Fprintln(w, cdxLine(page*s.pageLines+i))
	}
}

func (s *cdxServer) client(t *testing.T) *CDX {
	srv := httptest.NewServer(s)
	t.Cleanup(srv.Close)
	c := NewCDX("CC-MAIN-2024-22")
	c.BaseURL, c.Backoff = srv.URL, time.Millisecond
	return c
}

func TestCDXRetriesThenPages(t *testing.T) {
	s := &cdxServer{failures: 2, pages: 3, pageLines: 4}
	c := s.client(t)
	caps, err := c.Captures(context.Background(), CDXQuery{URL: "an.wikipedia.org/wiki/Escopete", Filter: []string{"status:200"}})
	if err != nil {
		t.Fatal(err)
	}
	if len(caps) != 12 {
		t.Fatalf("%d captures, want the 3 pages of 4", len(caps))
	}
	want := Capture{URLKey: "org,wikipedia,an)/wiki/escopete", Timestamp: "20240518015810", URL: "https://an.wikipedia.org/wiki/Escopete",
		MIME: "text/html", MIMEDetected: "text/html", Status: 200, Digest: "RY7PLBUFQNI2FFV5FTUQK72W6SNPXLQU", Length: 17351,
		Offset: 1023, Filename: "whirlwind.warc.gz", Languages: "spa", Encoding: "UTF-8"}
	if caps[0] != want || !caps[0].Time().Equal(time.Date(2024, 5, 18, 1, 58, 10, 0, time.UTC)) {
		t.Errorf("first capture %+v, want %+v", caps[0], want)
	}
	// Two 503s, retried; the number of pages; then each page.
	if len(s.requests) != 6 || !strings.Contains(s.requests[2], "showNumPages=true") ||
		!strings.Contains(s.requests[5], "page=2") || !strings.Contains(s.requests[5], "filter=status%3A200") ||
		!strings.Contains(s.requests[5], "output=json") {
		t.Errorf("requests:\n%s", strings.Join(s.requests, "\n"))
	}
}

func TestCDXLimitStopsPaging(t *testing.T) {
	s := &cdxServer{pages: 5, pageLines: 4}
	c := s.client(t)
	caps, err := c.Captures(context.Background(), CDXQuery{URL: "an.wikipedia.org/", MatchType: "prefix", Limit: 6})
	if err != nil {
		t.Fatal(err)
	}
	if len(caps) != 6 || len(s.requests) != 3 {
		t.Errorf("%d captures in %d requests, want 6 in 3 (the count, two pages):\n%s", len(caps), len(s.requests), strings.Join(s.requests, "\n"))
	}
	if !strings.Contains(s.requests[1], "limit=6") || !strings.Contains(s.requests[1], "matchType=prefix") {
		t.Errorf("the page request %q does not pass the limit and match type", s.requests[1])
	}
}

func TestCDXErrors(t *testing.T) {
	s := &cdxServer{failures: 100, pages: 1, pageLines: 1}
	c := s.client(t)
	c.Retries = 3
	_, err := c.Captures(context.Background(), CDXQuery{URL: "an.wikipedia.org/"})
	if err == nil || !strings.Contains(err.Error(), "503") || !strings.Contains(err.Error(), "4 attempts") || !strings.Contains(err.Error(), "an.wikipedia.org/") {
		t.Errorf("a server that stays busy: error %v", err)
	}

	ok := &cdxServer{pages: 1, pageLines: 1}
	c = ok.client(t)
	if caps, err := c.Captures(context.Background(), CDXQuery{URL: "nothing.example/"}); err != nil || len(caps) != 0 {
		t.Errorf("no captures: %v, %v", caps, err)
	}
	for _, q := range []CDXQuery{{}, {URL: "x.example", MatchType: "fuzzy"}, {URL: "x.example", Limit: -1}} {
		if _, err := c.Captures(context.Background(), q); err == nil {
			t.Errorf("query %+v: no error", q)
		}
	}
	c.Index = "CC-MAIN-1999-01-index"
	if _, err := c.Captures(context.Background(), CDXQuery{URL: "x.example"}); err == nil || !strings.Contains(err.Error(), "404") {
		t.Errorf("an unknown index: error %v", err)
	}
}

// The captures, as an RDD, are what WarcRecords fetches: here from the whirlwind sample,
// where the stand-in's captures point.
func TestCDXRDDFeedsWarcRecords(t *testing.T) {
	sc := rdd.NewContext()
	defer sc.Stop()
	for _, limit := range []int{0, 5} {
		s := &cdxServer{failures: 1, pages: 3, pageLines: 2}
		c := s.client(t)
		captures, err := c.RDD(sc, CDXQuery{URL: "an.wikipedia.org/wiki/Escopete", Limit: limit})
		if err != nil {
			t.Fatal(err)
		}
		want := 6
		if limit > 0 {
			want = limit
		} else if captures.GetNumPartitions() != 3 {
			t.Errorf("%d partitions, want one per page", captures.GetNumPartitions())
		}
		abs, _ := filepath.Abs("testdata")
		records := sc.WarcRecords(captures, abs).Collect()
		if len(records) != want {
			t.Fatalf("limit %d: %d records, want %d", limit, len(records), want)
		}
		for _, x := range records {
			r := x.(*warc.Record)
			if r.Type() != warc.TypeResponse || TitleBytes(r.Payload()) != "Escopete - Biquipedia, a enciclopedia libre" {
				t.Errorf("fetched a %s record titled %q", r.Type(), TitleBytes(r.Payload()))
			}
		}
	}
}
