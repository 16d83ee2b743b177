package commoncrawl

import (
	"context"
	"net/http/httptest"
	"testing"
	"time"
)

// The stand-in server answers the client's queries as index.commoncrawl.org would.
func TestCDXHandlerAnswersQueries(t *testing.T) {
	caps := []Capture{
		{URL: "https://www.kalomi.de/", Timestamp: "20240518010000", Status: 200, MIME: "text/html", Filename: "a.warc.gz", Offset: 1, Length: 10},
		{URL: "https://www.kalomi.de/news/", Timestamp: "20240518020000", Status: 200, MIME: "text/html", Filename: "a.warc.gz", Offset: 11, Length: 10},
		{URL: "https://www.kalomi.de/news/2024", Timestamp: "20240519020000", Status: 404, MIME: "text/html", Filename: "a.warc.gz", Offset: 21, Length: 10},
		{URL: "https://blog.kalomi.de/post", Timestamp: "20240518030000", Status: 200, MIME: "application/pdf", Filename: "b.warc.gz", Offset: 1, Length: 10},
		{URL: "https://www.kalomi.de/news/", Timestamp: "20240517020000", Status: 301, MIME: "text/html", Filename: "b.warc.gz", Offset: 11, Length: 10, Redirect: "https://www.kalomi.de/news"},
		{URL: "https://other.example/", Timestamp: "20240518040000", Status: 200, MIME: "text/html", Filename: "b.warc.gz", Offset: 21, Length: 10},
	}
	srv := httptest.NewServer(CDXHandler(caps, 2))
	defer srv.Close()
	c := NewCDX("CC-MAIN-2024-22")
	c.BaseURL, c.Backoff = srv.URL, time.Millisecond
	tests := []struct {
		name  string
		q     CDXQuery
		pages int
		want  []string // URL and timestamp of each capture, in order
	}{
		{"exact, both captures, oldest first", CDXQuery{URL: "www.kalomi.de/news/"}, 1,
			[]string{"https://www.kalomi.de/news/ 20240517020000", "https://www.kalomi.de/news/ 20240518020000"}},
		{"exact ignores www. and the scheme", CDXQuery{URL: "http://kalomi.de/"}, 1, []string{"https://www.kalomi.de/ 20240518010000"}},
		{"prefix", CDXQuery{URL: "kalomi.de/news", MatchType: "prefix"}, 2,
			[]string{"https://www.kalomi.de/news/ 20240517020000", "https://www.kalomi.de/news/ 20240518020000", "https://www.kalomi.de/news/2024 20240519020000"}},
		{"prefix by a star", CDXQuery{URL: "kalomi.de/news/*"}, 2,
			[]string{"https://www.kalomi.de/news/ 20240517020000", "https://www.kalomi.de/news/ 20240518020000", "https://www.kalomi.de/news/2024 20240519020000"}},
		{"host", CDXQuery{URL: "blog.kalomi.de", MatchType: "host"}, 1, []string{"https://blog.kalomi.de/post 20240518030000"}},
		// SURT order: "de,kalomi)/..." before "de,kalomi,blog)/...".
		{"domain, by a star", CDXQuery{URL: "*.kalomi.de"}, 3, []string{
			"https://www.kalomi.de/ 20240518010000", "https://www.kalomi.de/news/ 20240517020000", "https://www.kalomi.de/news/ 20240518020000",
			"https://www.kalomi.de/news/2024 20240519020000", "https://blog.kalomi.de/post 20240518030000"}},
		{"filters", CDXQuery{URL: "kalomi.de", MatchType: "domain", Filter: []string{"status:200", "!mime:application/"}}, 1,
			[]string{"https://www.kalomi.de/ 20240518010000", "https://www.kalomi.de/news/ 20240518020000"}},
		{"from and to", CDXQuery{URL: "kalomi.de", MatchType: "domain", From: "20240518", To: "20240518"}, 2,
			[]string{"https://www.kalomi.de/ 20240518010000", "https://www.kalomi.de/news/ 20240518020000", "https://blog.kalomi.de/post 20240518030000"}},
		{"limit", CDXQuery{URL: "kalomi.de", MatchType: "domain", Limit: 3}, 3,
			[]string{"https://www.kalomi.de/ 20240518010000", "https://www.kalomi.de/news/ 20240517020000", "https://www.kalomi.de/news/ 20240518020000"}},
		{"nothing", CDXQuery{URL: "nothing.example/"}, 0, nil},
	}
	for _, tt := range tests {
		pages, err := c.NumPages(context.Background(), tt.q)
		if err != nil || pages != tt.pages {
			t.Errorf("%s: %d pages (%v), want %d", tt.name, pages, err, tt.pages)
		}
		got, err := c.Captures(context.Background(), tt.q)
		if err != nil {
			t.Errorf("%s: %v", tt.name, err)
			continue
		}
		var keys []string
		for _, g := range got {
			keys = append(keys, g.URL+" "+g.Timestamp)
		}
		if len(keys) != len(tt.want) {
			t.Errorf("%s: got %q, want %q", tt.name, keys, tt.want)
			continue
		}
		for i := range keys {
			if keys[i] != tt.want[i] {
				t.Errorf("%s: got %q, want %q", tt.name, keys, tt.want)
				break
			}
		}
	}
	got, _ := c.Captures(context.Background(), CDXQuery{URL: "www.kalomi.de/news/"})
	if got[0].Redirect != "https://www.kalomi.de/news" || got[0].URLKey != "de,kalomi)/news" || got[0].Filename != "b.warc.gz" || got[0].Offset != 11 {
		t.Errorf("a capture read back as %+v", got[0])
	}
	if _, err := c.Captures(context.Background(), CDXQuery{URL: "kalomi.de", Filter: []string{"status:("}}); err == nil {
		t.Error("a bad filter regex: no error")
	}
}

func TestCaptureOfAnIndexRow(t *testing.T) {
	lang := "deu,eng"
	row := map[string]any{"url_surtkey": "de,kalomi)/news", "url": "https://www.kalomi.de/news/",
		"fetch_time": time.Date(2024, 5, 18, 1, 58, 10, 0, time.UTC), "fetch_status": int16(200), "content_mime_type": "text/html",
		"content_languages": &lang, "content_charset": (*string)(nil), "warc_filename": "crawl-data/x.warc.gz",
		"warc_record_offset": int32(1023), "warc_record_length": int32(17351)}
	want := Capture{URLKey: "de,kalomi)/news", Timestamp: "20240518015810", URL: "https://www.kalomi.de/news/", MIME: "text/html",
		Status: 200, Languages: "deu,eng", Filename: "crawl-data/x.warc.gz", Offset: 1023, Length: 17351}
	if got := CaptureOf(row); got != want {
		t.Errorf("CaptureOf = %+v, want %+v", got, want)
	}
}
