package commoncrawl

import (
	"encoding/json"
	"fmt"
	"net/url"
	"strconv"
	"strings"

	"github.com/gosparkling/gosparkling/fileio/warc"
)

// WAT is what a metadata record of a WAT file says about the WARC record it describes, as
// typed values. WAT files hold one such record per record of the WARC file (request,
// response, metadata), with Common Crawl's JSON envelope; the HTML fields are set only for
// the responses holding HTML.
type WAT struct {
	// TargetURI is the described record's WARC-Target-URI (for a warcinfo record, its
	// WARC-Filename).
	TargetURI string
	// Type is the described record's WARC-Type: "request", "response", "metadata".
	Type string
	// IP is the WARC-IP-Address of the server.
	IP string
	// ContentType is the block's Actual-Content-Type ("application/http; msgtype=response").
	ContentType string
	// Filename and Offset locate the described record: its WARC file and the offset of its
	// gzip member.
	Filename string
	Offset   int64
	// Status is the HTTP status of a response (0 for other records).
	Status int
	// Headers are the HTTP response's header fields as recorded, spelled as the server
	// spelled them (look them up with Header).
	Headers map[string]string
	// Server is the response's Server header.
	Server string
	// Title is the HTML page's <title>.
	Title string
	// Base is the page's <base href>, if any.
	Base string
	// Metas are the page's <meta> elements, each as its attributes (name, content,
	// property, http-equiv, charset).
	Metas []map[string]string
	// Links are the links of the page's body (<a href>, <img src>, <form action>...), as
	// written in the page.
	Links []Link
	// HeadLinks are the <link> elements of the page's head (stylesheets, canonical,
	// alternate...).
	HeadLinks []Link
}

// Link is a link of a WAT record: where it was found (Path, such as "A@/href" or
// "IMG@/src"), its URL as written, and its text, rel, title or alt when it has them.
type Link struct {
	// Path is the element and attribute the link was found in: "A@/href", "IMG@/src".
	Path string `json:"path"`
	// URL is the link's target as written in the page, relative or absolute.
	URL string `json:"url"`
	// Text is the link's text, Rel its rel attribute, Title its title, Alt an image's alt.
	Text  string `json:"text,omitempty"`
	Rel   string `json:"rel,omitempty"`
	Title string `json:"title,omitempty"`
	Alt   string `json:"alt,omitempty"`
}

// Header returns the HTTP header field named name, compared case-insensitively.
func (w *WAT) Header(name string) string {
	for k, v := range w.Headers {
		if strings.EqualFold(k, name) {
			return v
		}
	}
	return ""
}

// Outlinks returns the targets of the page's links (Links) as absolute http and https
// URLs, resolved against Base and TargetURI, without fragments, each once, in page order:
// what cc-pyspark's link extraction jobs take from a WAT record.
func (w *WAT) Outlinks() []string {
	hrefs := make([]string, len(w.Links))
	for i, l := range w.Links {
		hrefs[i] = l.URL
	}
	return resolveLinks(w.TargetURI, w.Base, hrefs)
}

// watEnvelope is the part of a WAT record's JSON that ParseWAT reads.
type watEnvelope struct {
	Container struct {
		Filename string `json:"Filename"`
		Offset   string `json:"Offset"`
	} `json:"Container"`
	Envelope struct {
		WARCHeaderMetadata map[string]string `json:"WARC-Header-Metadata"`
		PayloadMetadata    struct {
			ActualContentType    string `json:"Actual-Content-Type"`
			HTTPResponseMetadata struct {
				ResponseMessage struct {
					Status string `json:"Status"`
				} `json:"Response-Message"`
				Headers      map[string]any `json:"Headers"`
				HTMLMetadata struct {
					Head struct {
						Title string              `json:"Title"`
						Base  string              `json:"Base"`
						Metas []map[string]string `json:"Metas"`
						Link  []Link              `json:"Link"`
					} `json:"Head"`
					Links []Link `json:"Links"`
				} `json:"HTML-Metadata"`
			} `json:"HTTP-Response-Metadata"`
		} `json:"Payload-Metadata"`
	} `json:"Envelope"`
}

// ParseWAT reads a metadata record of a WAT file. It fails, naming the record, when the
// record is not a WAT metadata record (its Content-Type is not application/json) or its
// JSON does not parse.
func ParseWAT(r *warc.Record) (*WAT, error) {
	if mt, _, _ := strings.Cut(r.ContentType(), ";"); !strings.EqualFold(strings.TrimSpace(mt), "application/json") {
		return nil, fmt.Errorf("commoncrawl.ParseWAT: record %s (%s) is not a WAT metadata record: Content-Type %q",
			r.RecordID(), r.TargetURI(), r.ContentType())
	}
	var env watEnvelope
	if err := json.Unmarshal(r.Body, &env); err != nil {
		return nil, fmt.Errorf("commoncrawl.ParseWAT: record %s (%s): %w", r.RecordID(), r.TargetURI(), err)
	}
	h := env.Envelope.WARCHeaderMetadata
	p := env.Envelope.PayloadMetadata
	resp := p.HTTPResponseMetadata
	w := &WAT{
		TargetURI:   h["WARC-Target-URI"],
		Type:        h["WARC-Type"],
		IP:          h["WARC-IP-Address"],
		ContentType: p.ActualContentType,
		Filename:    env.Container.Filename,
		Title:       resp.HTMLMetadata.Head.Title,
		Base:        resp.HTMLMetadata.Head.Base,
		Metas:       resp.HTMLMetadata.Head.Metas,
		Links:       resp.HTMLMetadata.Links,
		HeadLinks:   resp.HTMLMetadata.Head.Link,
	}
	if w.TargetURI == "" {
		w.TargetURI = h["WARC-Filename"]
	}
	if w.TargetURI == "" {
		w.TargetURI = r.TargetURI()
	}
	w.Offset, _ = strconv.ParseInt(env.Container.Offset, 10, 64)
	w.Status, _ = strconv.Atoi(resp.ResponseMessage.Status)
	if len(resp.Headers) > 0 {
		w.Headers = map[string]string{}
		for k, v := range resp.Headers {
			switch v := v.(type) {
			case string:
				w.Headers[k] = v
			case []any: // a repeated field
				var vs []string
				for _, x := range v {
					vs = append(vs, fmt.Sprint(x))
				}
				w.Headers[k] = strings.Join(vs, ", ")
			default:
				w.Headers[k] = fmt.Sprint(v)
			}
		}
		w.Server = w.Header("Server")
	}
	if w.Base != "" {
		if _, err := url.Parse(w.Base); err != nil {
			w.Base = ""
		}
	}
	return w, nil
}
