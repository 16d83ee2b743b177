package commoncrawl

import (
	"slices"
	"strings"
	"testing"

	"github.com/gosparkling/gosparkling/fileio/warc"
)

// watRecord is a WAT metadata record describing an HTML response, in the JSON layout of
// Common Crawl's WAT files (Container, Envelope, Payload-Metadata, HTML-Metadata).
func watRecord(json string) *warc.Record {
	return &warc.Record{Version: "WARC/1.0", Headers: []warc.Field{
		{Name: "WARC-Type", Value: "metadata"},
		{Name: "WARC-Target-URI", Value: "https://www.kalomi.de/news/"},
		{Name: "WARC-Record-ID", Value: "<urn:uuid:3d3f4785-c69a-4f8c-968c-d23302c55ef4>"},
		{Name: "Content-Type", Value: "application/json"},
	}, Body: []byte(json)}
}

const watResponse = `{"Container":{"Filename":"CC-MAIN-20240517233122-20240518023122-00000.warc.gz","Compressed":true,"Offset":"80610731",
"Gzip-Metadata":{"Deflate-Length":"17333"}},"Envelope":{"Format":"WARC/1.0","WARC-Header-Length":"520",
"WARC-Header-Metadata":{"WARC-Type":"response","WARC-Date":"2024-05-18T01:58:10Z","WARC-IP-Address":"208.80.154.224","WARC-Target-URI":"https://www.kalomi.de/news/"},
"Payload-Metadata":{"Actual-Content-Type":"application/http; msgtype=response","HTTP-Response-Metadata":{
"Response-Message":{"Version":"HTTP/1.1","Status":"200","Reason":"OK"},
"Headers":{"date":"Sat, 18 May 2024 01:58:10 GMT","server":"nginx/1.18.0 (Ubuntu)","Content-Type":"text/html; charset=UTF-8","Set-Cookie":["a=1","b=2"]},
"HTML-Metadata":{"Head":{"Title":"Neuigkeiten | Kalomi","Base":"https://www.kalomi.de/de/",
"Metas":[{"charset":"utf-8"},{"name":"description","content":"Alles Neue"},{"property":"og:url","content":"https://www.kalomi.de/news/"}],
"Link":[{"path":"LINK@/href","url":"/assets/site.css","rel":"stylesheet"}]},
"Links":[{"path":"A@/href","url":"/","text":"Start"},{"path":"A@/href","url":"ueber/","text":"Über uns"},
{"path":"A@/href","url":"https://other.example/x#frag","text":"Other"},{"path":"IMG@/src","url":"//cdn.example.net/logo.png","alt":"Logo"},
{"path":"A@/href","url":"mailto:info@kalomi.de"},{"path":"A@/href","url":"/","text":"Home again"}]}}}}}`

func TestParseWAT(t *testing.T) {
	w, err := ParseWAT(watRecord(watResponse))
	if err != nil {
		t.Fatal(err)
	}
	if w.TargetURI != "https://www.kalomi.de/news/" || w.Type != "response" || w.IP != "208.80.154.224" ||
		w.Status != 200 || w.Offset != 80610731 || w.Filename != "CC-MAIN-20240517233122-20240518023122-00000.warc.gz" {
		t.Errorf("record fields: %+v", w)
	}
	if w.Server != "nginx/1.18.0 (Ubuntu)" || w.Header("Content-Type") != "text/html; charset=UTF-8" || w.Header("set-cookie") != "a=1, b=2" {
		t.Errorf("server %q, headers %v", w.Server, w.Headers)
	}
	if w.Title != "Neuigkeiten | Kalomi" || len(w.Metas) != 3 || w.Metas[1]["content"] != "Alles Neue" {
		t.Errorf("title %q, metas %v", w.Title, w.Metas)
	}
	if len(w.Links) != 6 || w.Links[1] != (Link{Path: "A@/href", URL: "ueber/", Text: "Über uns"}) || w.Links[3].Alt != "Logo" {
		t.Errorf("links %+v", w.Links)
	}
	if len(w.HeadLinks) != 1 || w.HeadLinks[0].Rel != "stylesheet" {
		t.Errorf("head links %+v", w.HeadLinks)
	}
	want := []string{"https://www.kalomi.de/", "https://www.kalomi.de/de/ueber/", "https://other.example/x", "https://cdn.example.net/logo.png"}
	if got := w.Outlinks(); !slices.Equal(got, want) {
		t.Errorf("outlinks %q, want %q", got, want)
	}
}

func TestParseWATOfOtherRecords(t *testing.T) {
	// The WAT record of a request (from the whirlwind sample): no HTTP response, no HTML.
	request := `{"Container":{"Filename":"CC-MAIN-20240517233122-20240518023122-00000.warc.gz","Compressed":true,"Offset":"80610308"},
"Envelope":{"Payload-Metadata":{"Actual-Content-Type":"application/http; msgtype=request","HTTP-Request-Metadata":{"Request-Message":{"Method":"GET","Path":"/wiki/Escopete","Version":"HTTP/1.1"}}},
"Format":"WARC/1.0","WARC-Header-Metadata":{"WARC-Type":"request","WARC-IP-Address":"208.80.154.224","WARC-Target-URI":"https://an.wikipedia.org/wiki/Escopete"}}}`
	w, err := ParseWAT(watRecord(request))
	if err != nil {
		t.Fatal(err)
	}
	if w.Type != "request" || w.TargetURI != "https://an.wikipedia.org/wiki/Escopete" || w.Status != 0 || w.Server != "" ||
		w.Title != "" || w.Outlinks() != nil || w.Offset != 80610308 {
		t.Errorf("request: %+v", w)
	}

	bad := watRecord(`{"Envelope": [`)
	if _, err := ParseWAT(bad); err == nil || !strings.Contains(err.Error(), "c69a-4f8c") {
		t.Errorf("broken JSON: error %v, want one naming the record", err)
	}
	text := &warc.Record{Headers: []warc.Field{{Name: "WARC-Type", Value: "conversion"}, {Name: "Content-Type", Value: "text/plain"},
		{Name: "WARC-Target-URI", Value: "https://x.example/"}}, Body: []byte("text")}
	if _, err := ParseWAT(text); err == nil || !strings.Contains(err.Error(), "not a WAT metadata record") {
		t.Errorf("a WET record: error %v", err)
	}
}
