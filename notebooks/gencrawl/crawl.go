package main

import (
	"bytes"
	"compress/gzip"
	"fmt"
	"hash/crc32"
	"io"
	"net/http"
	"net/url"
	"os"
	"path"
	"path/filepath"
	"strconv"
	"strings"
	"time"

	"github.com/gosparkling/gosparkling/fileio/warc"
)

// crawlName is the crawl the sample imitates.
const crawlName = "CC-MAIN-2024-22"

// config sizes a sample crawl.
type config struct {
	Out             string // where -out defaults to
	Seed            uint64 // the same seed gives byte-identical files
	Sites           int    // registered domains
	Pages           int    // captures in all, about
	Segments        int    // directories under segments/
	FilesPerSegment int    // WARC files per segment (and as many WET and WAT files)
}

var (
	crawlStart   = time.Date(2024, 5, 17, 23, 31, 22, 0, time.UTC) // the first WARC file's start
	extractStart = time.Date(2024, 5, 31, 1, 16, 45, 0, time.UTC)  // when the WET and WAT files were made
)

// generate writes the sample crawl under out: out/crawl-data/CC-MAIN-2024-22/segments/...
// and the listings warc.paths.gz, wet.paths.gz and wat.paths.gz beside segments/. It
// replaces a crawl already there.
func generate(out string, cfg config) error {
	if err := os.RemoveAll(filepath.Join(out, "crawl-data", crawlName)); err != nil {
		return err
	}
	w := newWeb(cfg.Seed)
	sites := w.newSites(cfg.Sites)
	captures := w.newCaptures(sites, cfg.Pages)
	files := cfg.Segments * cfg.FilesPerSegment
	listings := map[string][]string{}
	var index []indexRow
	for n := 0; n < files; n++ {
		from := crawlStart.Add(time.Duration(n) * 41 * time.Minute)
		f := &crawlFile{
			web: w, sites: sites, from: from, extracted: extractStart.Add(time.Duration(n) * 7 * time.Minute),
			name: fmt.Sprintf("CC-MAIN-%s-%s-%05d", from.Format("20060102150405"), from.Add(3*time.Hour).Format("20060102150405"), n),
		}
		segment := path.Join("crawl-data", crawlName, "segments", fmt.Sprintf("1715971057216.%d", 39+n/cfg.FilesPerSegment))
		rel := map[string]string{ // paths relative to the bucket, as the listings have them
			"warc": path.Join(segment, "warc", f.name+".warc.gz"),
			"wet":  path.Join(segment, "wet", f.name+".warc.wet.gz"),
			"wat":  path.Join(segment, "wat", f.name+".warc.wat.gz"),
		}
		part := captures[n*len(captures)/files : (n+1)*len(captures)/files]
		f.warcPath, f.segment = rel["warc"], path.Base(segment)
		if err := f.write(out, rel, part); err != nil {
			return err
		}
		index = append(index, f.index...)
		for kind, p := range rel {
			listings[kind] = append(listings[kind], p)
		}
	}
	var segments []string
	for n := 0; n < cfg.Segments; n++ {
		segments = append(segments, path.Join("crawl-data", crawlName, "segments", fmt.Sprintf("1715971057216.%d", 39+n)))
	}
	robots, err := writeRobots(out, cfg, sites, segments)
	if err != nil {
		return err
	}
	listings["robotstxt"] = robots
	for _, kind := range []string{"warc", "wet", "wat", "robotstxt"} {
		if err := writeListing(filepath.Join(out, "crawl-data", crawlName, kind+".paths.gz"), listings[kind]); err != nil {
			return err
		}
	}
	return writeIndex(out, index)
}

// writeListing writes paths, one a line, gzipped, as Common Crawl's *.paths.gz.
func writeListing(name string, paths []string) error {
	var b bytes.Buffer
	zw := gzip.NewWriter(&b)
	for _, p := range paths {
		fmt.Fprintln(zw, p)
	}
	if err := zw.Close(); err != nil {
		return err
	}
	if err := os.WriteFile(name, b.Bytes(), 0o644); err != nil {
		return fmt.Errorf("writing listing: %w", err)
	}
	return nil
}

// crawlFile writes one WARC file of a segment and the WET and WAT files derived from it.
type crawlFile struct {
	*web
	sites     []*site
	name      string    // "CC-MAIN-20240517233122-20240518023122-00000"
	from      time.Time // when the crawl of its captures started
	extracted time.Time // when its WET and WAT files were made

	warc, wet, wat *warc.Writer
	raw            bytes.Buffer // the last WARC record uncompressed, for the WAT's gzip metadata
	rawWriter      *warc.Writer
	warcinfoID     string
	err            error // the first error; later writes do nothing

	warcPath, segment string     // of the WARC file, for the index: crawl-data/..., "1715971057216.39"
	index             []indexRow // a row of the URL index per response
}

// written is a WARC record as written, for the WAT record that describes it.
type written struct {
	Headers        []warc.Field
	Block          []byte
	Offset, Length int64  // of its gzip member
	Raw            []byte // the uncompressed record
}

// write writes the records of captures to the WARC, WET and WAT files whose paths under
// out rel gives by kind.
func (f *crawlFile) write(out string, rel map[string]string, captures []capture) error {
	files := map[string]*bytes.Buffer{"warc": {}, "wet": {}, "wat": {}}
	f.warc, f.wet, f.wat = newWriter(files["warc"], true), newWriter(files["wet"], true), newWriter(files["wat"], true)
	f.rawWriter = newWriter(&f.raw, false)
	f.writeWarcinfos()
	step := 3 * time.Hour / time.Duration(len(captures)+1)
	for i, c := range captures {
		f.writeCapture(c, f.from.Add(time.Duration(i+1)*step+time.Duration(f.rng.IntN(1000))*time.Millisecond).Truncate(time.Second))
	}
	if f.err != nil {
		return fmt.Errorf("writing %s: %w", f.name, f.err)
	}
	for kind, data := range files {
		name := filepath.Join(out, filepath.FromSlash(rel[kind]))
		if err := os.MkdirAll(filepath.Dir(name), 0o755); err != nil {
			return err
		}
		if err := os.WriteFile(name, data.Bytes(), 0o644); err != nil {
			return err
		}
	}
	return nil
}

// newWriter returns a WARC writer writing WARC/1.0 records, as Common Crawl does.
func newWriter(w io.Writer, gzipPerRecord bool) *warc.Writer {
	ww := warc.NewWriter(w, gzipPerRecord)
	ww.Version = "WARC/1.0"
	return ww
}

func (f *crawlFile) fail(err error) {
	if f.err == nil {
		f.err = err
	}
}

// record writes one record with w and returns where it went.
func (f *crawlFile) record(w *warc.Writer, headers []warc.Field, block []byte) (offset, length int64) {
	offset, length, err := w.WriteRecord(headers, block)
	f.fail(err)
	return offset, length
}

// writeWARC writes a record of the WARC file and describes it in the WAT file. It returns
// where the record went in the WARC file.
func (f *crawlFile) writeWARC(headers []warc.Field, block []byte, payloadMetadata object) (offset, length int64) {
	rec := written{Headers: headers, Block: block}
	rec.Offset, rec.Length = f.record(f.warc, headers, block)
	f.raw.Reset()
	f.record(f.rawWriter, headers, block)
	rec.Raw = f.raw.Bytes()
	f.writeWAT(rec, payloadMetadata)
	return rec.Offset, rec.Length
}

func (f *crawlFile) uuid() string {
	var b [16]byte
	for i := range b {
		b[i] = byte(f.rng.Uint32())
	}
	b[6] = b[6]&0x0f | 0x40 // version 4
	b[8] = b[8]&0x3f | 0x80 // RFC 4122 variant
	return fmt.Sprintf("<urn:uuid:%x-%x-%x-%x-%x>", b[0:4], b[4:6], b[6:8], b[8:10], b[10:])
}

func isoDate(t time.Time) string { return t.UTC().Format("2006-01-02T15:04:05Z") }

// fields formats name: value lines, each ending with CRLF, as application/warc-fields.
func fields(fs []warc.Field) []byte {
	var b bytes.Buffer
	for _, f := range fs {
		b.WriteString(f.Name + ": " + f.Value + "\r\n")
	}
	return b.Bytes()
}

// writeWarcinfos starts each of the three files with its warcinfo record.
func (f *crawlFile) writeWarcinfos() {
	info := []warc.Field{
		{Name: "isPartOf", Value: crawlName},
		{Name: "publisher", Value: "Common Crawl"},
		{Name: "description", Value: "Wide crawl of the web for May 2024"},
		{Name: "operator", Value: "Common Crawl Admin (info@commoncrawl.org)"},
		{Name: "hostname", Value: fmt.Sprintf("ip-10-67-%d-%d", 64+f.rng.IntN(8), f.rng.IntN(256))},
		{Name: "software", Value: "Apache Nutch 1.19 (modified, https://github.com/commoncrawl/nutch/)"},
		{Name: "robots", Value: "checked via crawler-commons 1.5-SNAPSHOT (https://github.com/crawler-commons/crawler-commons)"},
		{Name: "format", Value: "WARC File Format 1.1"},
		{Name: "conformsTo", Value: "https://iipc.github.io/warc-specifications/specifications/warc-format/warc-1.1/"},
	}
	block := fields(info)
	f.warcinfoID = f.uuid()
	headers := []warc.Field{
		{Name: "WARC-Type", Value: "warcinfo"},
		{Name: "WARC-Date", Value: isoDate(f.from)},
		{Name: "WARC-Record-ID", Value: f.warcinfoID},
		{Name: "Content-Length"},
		{Name: "Content-Type", Value: "application/warc-fields"},
		{Name: "WARC-Filename", Value: f.name + ".warc.gz"},
		{Name: "WARC-Block-Digest", Value: warc.BlockDigest(block)},
	}
	infoMetadata := object{}
	for _, field := range info {
		infoMetadata = append(infoMetadata, member{field.Name, field.Value})
	}
	derived := func(w *warc.Writer, suffix string, fs []warc.Field) {
		block := fields(append([]warc.Field{
			{Name: "Software-Info", Value: "ia-web-commons.1.1.10-SNAPSHOT-20240513074037"},
			{Name: "Extracted-Date", Value: f.extracted.Format(http.TimeFormat)},
		}, fs...))
		f.record(w, []warc.Field{
			{Name: "WARC-Type", Value: "warcinfo"},
			{Name: "WARC-Date", Value: isoDate(f.extracted)},
			{Name: "WARC-Filename", Value: f.name + suffix},
			{Name: "WARC-Record-ID", Value: f.uuid()},
			{Name: "Content-Type", Value: "application/warc-fields"},
			{Name: "Content-Length"},
			{Name: "WARC-Block-Digest", Value: warc.BlockDigest(block)},
		}, block)
	}
	// robots, isPartOf, operator, description, publisher: the fields and order of Common Crawl's WET files.
	derived(f.wet, ".warc.wet.gz", []warc.Field{info[6], info[0], info[3], info[2], info[1]})
	derived(f.wat, ".warc.wat.gz", []warc.Field{
		{Name: "hostname", Value: info[4].Value + ".ec2.internal"},
		{Name: "format", Value: "WARC File Format 1.0"},
		{Name: "conformsTo", Value: "http://bibnum.bnf.fr/WARC/WARC_ISO_28500_version1_latestdraft.pdf"},
	})
	f.writeWARC(headers, block, object{
		{"Actual-Content-Type", "application/warc-fields"},
		{"WARC-Info-Metadata", infoMetadata},
	})
}

// writeCapture writes the request, response and metadata records of c to the WARC file,
// their descriptions to the WAT file and, for a page with text, its text to the WET file.
func (f *crawlFile) writeCapture(c capture, date time.Time) {
	u, err := url.Parse(c.URL)
	if err != nil {
		f.fail(err)
		return
	}
	requestFields := []warc.Field{
		{Name: "User-Agent", Value: "CCBot/2.0 (https://commoncrawl.org/faq/)"},
		{Name: "Accept", Value: "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8"},
		{Name: "Accept-Language", Value: "en-US,en;q=0.5"},
		{Name: "Accept-Encoding", Value: "br,gzip"},
		{Name: "Host", Value: u.Host},
		{Name: "Connection", Value: "Keep-Alive"},
	}
	request := httpMessage("GET "+u.RequestURI()+" HTTP/1.1", requestFields, nil)
	requestID := f.uuid()
	common := func(typ, id string) []warc.Field {
		return []warc.Field{
			{Name: "WARC-Type", Value: typ},
			{Name: "WARC-Date", Value: isoDate(date)},
			{Name: "WARC-Record-ID", Value: id},
			{Name: "Content-Length"},
		}
	}
	f.writeWARC(append(common("request", requestID),
		warc.Field{Name: "Content-Type", Value: "application/http; msgtype=request"},
		warc.Field{Name: "WARC-Warcinfo-ID", Value: f.warcinfoID},
		warc.Field{Name: "WARC-IP-Address", Value: c.Site.IP},
		warc.Field{Name: "WARC-Target-URI", Value: c.URL},
		warc.Field{Name: "WARC-Payload-Digest", Value: warc.BlockDigest(nil)},
		warc.Field{Name: "WARC-Block-Digest", Value: warc.BlockDigest(request)},
	), request, object{
		{"Actual-Content-Type", "application/http; msgtype=request"},
		{"HTTP-Request-Metadata", object{
			{"Request-Message", object{{"Method", "GET"}, {"Path", u.RequestURI()}, {"Version", "HTTP/1.1"}}},
			{"Headers-Length", strconv.Itoa(len(request) - 2)},
			{"Headers", headersObject(requestFields)},
			{"Entity-Length", "0"},
			{"Entity-Digest", warc.BlockDigest(nil)},
			{"Entity-Trailing-Slop-Length", "0"},
		}},
	})

	var p *page
	if c.Status == 200 && c.MIME != "application/pdf" {
		pg := f.newPage(c, f.sites)
		p = &pg
	}
	payload, contentType := f.payload(c, p)
	responseFields := f.responseHeaders(c, u, date, payload, contentType)
	status := fmt.Sprintf("%d %s", c.Status, http.StatusText(c.Status))
	response := httpMessage("HTTP/1.1 "+status, responseFields, payload)
	responseID := f.uuid()
	payloadType := c.MIME
	if c.Status != 200 {
		payloadType = "text/html"
	}
	responseMetadata := object{
		{"Response-Message", object{{"Version", "HTTP/1.1"}, {"Status", strconv.Itoa(c.Status)}, {"Reason", http.StatusText(c.Status)}}},
		{"Headers-Length", strconv.Itoa(len(response) - len(payload) - 2)},
		{"Headers", headersObject(responseFields)},
		{"Entity-Length", strconv.Itoa(len(payload))},
		{"Entity-Digest", warc.BlockDigest(payload)},
		{"Entity-Trailing-Slop-Length", "0"},
	}
	if p != nil && strings.Contains(payloadType, "html") {
		responseMetadata = append(responseMetadata, member{"HTML-Metadata", p.htmlMetadata()})
	}
	offset, length := f.writeWARC(append(common("response", responseID),
		warc.Field{Name: "Content-Type", Value: "application/http; msgtype=response"},
		warc.Field{Name: "WARC-Warcinfo-ID", Value: f.warcinfoID},
		warc.Field{Name: "WARC-Concurrent-To", Value: requestID},
		warc.Field{Name: "WARC-IP-Address", Value: c.Site.IP},
		warc.Field{Name: "WARC-Target-URI", Value: c.URL},
		warc.Field{Name: "WARC-Payload-Digest", Value: warc.BlockDigest(payload)},
		warc.Field{Name: "WARC-Block-Digest", Value: warc.BlockDigest(response)},
		warc.Field{Name: "WARC-Identified-Payload-Type", Value: payloadType},
	), response, object{
		{"Actual-Content-Type", "application/http; msgtype=response"},
		{"HTTP-Response-Metadata", responseMetadata},
	})
	f.index = append(f.index, f.indexRow(c, u, date, responseFields, payload, payloadType, p, offset, length))

	meta := []warc.Field{{Name: "fetchTimeMs", Value: strconv.Itoa(40 + f.rng.IntN(1500))}}
	if p != nil {
		meta = append(meta, warc.Field{Name: "charset-detected", Value: "UTF-8"},
			warc.Field{Name: "languages-cld2", Value: f.cld2(*p)})
	}
	metaBlock := append(fields(meta), "\r\n"...)
	records := []object{}
	for _, m := range meta {
		records = append(records, object{{"Name", m.Name}, {"Value", m.Value}})
	}
	f.writeWARC(append(common("metadata", f.uuid()),
		warc.Field{Name: "Content-Type", Value: "application/warc-fields"},
		warc.Field{Name: "WARC-Warcinfo-ID", Value: f.warcinfoID},
		warc.Field{Name: "WARC-Concurrent-To", Value: responseID},
		warc.Field{Name: "WARC-Target-URI", Value: c.URL},
		warc.Field{Name: "WARC-Payload-Digest", Value: warc.BlockDigest(metaBlock)},
		warc.Field{Name: "WARC-Block-Digest", Value: warc.BlockDigest(metaBlock)},
	), metaBlock, object{
		{"Actual-Content-Type", "application/warc-fields"},
		{"WARC-Metadata-Metadata", object{{"Metadata-Records", records}}},
	})

	if p != nil && c.MIME != "application/rss+xml" && c.MIME != "application/json" {
		f.writeWET(c, date, responseID, *p)
	}
}

// httpMessage formats an HTTP message as a WARC record's block holds it.
func httpMessage(startLine string, fs []warc.Field, payload []byte) []byte {
	var b bytes.Buffer
	b.WriteString(startLine + "\r\n")
	b.Write(fields(fs))
	b.WriteString("\r\n")
	b.Write(payload)
	return b.Bytes()
}

func headersObject(fs []warc.Field) object {
	o := object{}
	for _, f := range fs {
		o = append(o, member{f.Name, f.Value})
	}
	return o
}

// payload returns the body of the response to c and its Content-Type.
func (f *crawlFile) payload(c capture, p *page) ([]byte, string) {
	switch c.Status {
	case 301, 302:
		text := http.StatusText(c.Status)
		return []byte(fmt.Sprintf("<html>\r\n<head><title>%d %s</title></head>\r\n<body>\r\n<center><h1>%d %s</h1></center>\r\n<hr><center>%s</center>\r\n</body>\r\n</html>\r\n",
			c.Status, text, c.Status, text, c.Site.Server)), "text/html"
	case 200:
	default:
		text := http.StatusText(c.Status)
		return []byte(fmt.Sprintf("<!DOCTYPE html>\n<html><head><title>%d %s</title></head><body><h1>%s</h1><p>%s</p></body></html>\n",
			c.Status, text, text, c.URL)), "text/html; charset=UTF-8"
	}
	switch c.MIME {
	case "application/xhtml+xml":
		return []byte(`<?xml version="1.0" encoding="UTF-8"?>` + "\n" + p.HTML()), "application/xhtml+xml; charset=utf-8"
	case "text/plain":
		return []byte(p.Text() + "\n"), "text/plain; charset=utf-8"
	case "application/pdf":
		title := f.title(c.Site.Lang)
		return []byte(fmt.Sprintf("%%PDF-1.4\n1 0 obj\n<< /Title (%s) /Producer (LibreOffice 7.4) >>\nendobj\n2 0 obj\n<< /Length %d >>\nstream\n%s\nendstream\nendobj\ntrailer\n<< /Info 1 0 R >>\n%%%%EOF\n",
			c.Site.Name, len(title), title)), "application/pdf"
	case "application/rss+xml":
		var b strings.Builder
		fmt.Fprintf(&b, "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<rss version=\"2.0\"><channel><title>%s</title><link>https://%s/</link>\n", c.Site.Name, c.Site.Hosts[0])
		for _, r := range p.Related {
			fmt.Fprintf(&b, "<item><title>%s</title><link>%s</link></item>\n", linkTitle(r), r.URL)
		}
		b.WriteString("</channel></rss>\n")
		return []byte(b.String()), "application/rss+xml; charset=UTF-8"
	case "application/json":
		items := []object{}
		for _, r := range p.Related {
			items = append(items, object{{"title", linkTitle(r)}, {"url", r.URL}})
		}
		var b bytes.Buffer
		appendJSON(&b, object{{"site", c.Site.Name}, {"items", items}})
		return b.Bytes(), "application/json"
	}
	charset := []string{"text/html; charset=UTF-8", "text/html; charset=utf-8", "text/html"}[hashString(c.Site.Domain)%3]
	return []byte(p.HTML()), charset
}

// responseHeaders returns the header of the response to c, as its site's server writes it.
// Common Crawl stores payloads decoded, renaming Content-Encoding to
// X-Crawler-Content-Encoding.
func (f *crawlFile) responseHeaders(c capture, u *url.URL, date time.Time, payload []byte, contentType string) []warc.Field {
	s := c.Site
	fs := []warc.Field{
		{Name: "Date", Value: date.Format(http.TimeFormat)},
		{Name: "Server", Value: s.Server},
		{Name: "Content-Type", Value: contentType},
	}
	switch c.Status {
	case 301:
		fs = append(fs, warc.Field{Name: "Location", Value: "https://" + s.Hosts[0] + u.RequestURI()})
	case 302:
		fs = append(fs, warc.Field{Name: "Location", Value: "https://" + u.Host + "/" + s.Lang.Code2 + u.RequestURI()})
	case 200:
		modified := date.Add(-time.Duration(1+f.rng.IntN(900)) * time.Hour)
		fs = append(fs, warc.Field{Name: "Last-Modified", Value: modified.Format(http.TimeFormat)},
			warc.Field{Name: "Cache-Control", Value: []string{"max-age=600", "no-cache", "public, max-age=3600"}[f.rng.IntN(3)]},
			warc.Field{Name: "Vary", Value: "Accept-Encoding"})
	}
	if s.Server == "cloudflare" {
		fs = append(fs, warc.Field{Name: "CF-Cache-Status", Value: "DYNAMIC"},
			warc.Field{Name: "CF-RAY", Value: fmt.Sprintf("%016x-IAD", f.rng.Uint64())})
	}
	if c.Status == 200 && strings.HasPrefix(contentType, "text/html") && f.rng.IntN(4) == 0 {
		fs = append(fs, warc.Field{Name: "Set-Cookie", Value: fmt.Sprintf("session=%x; Path=/; HttpOnly; Secure", f.rng.Uint64())})
	}
	if s.Gzip && len(payload) > 1024 {
		fs = append(fs, warc.Field{Name: "X-Crawler-Content-Encoding", Value: "gzip"})
	}
	fs = append(fs, warc.Field{Name: "Content-Length", Value: strconv.Itoa(len(payload))})
	if s.Lower {
		for i := range fs {
			fs[i].Name = strings.ToLower(fs[i].Name)
		}
	}
	return fs
}

// cld2 is the languages-cld2 field of a page's metadata record: the languages Common
// Crawl's language detector found in its text.
func (f *crawlFile) cld2(p page) string {
	text := p.Text()
	covered := 0.9 + float64(f.rng.IntN(9))/100
	var langs []object
	for i, l := range p.Langs {
		share := covered
		if i > 0 {
			share = 1 - covered
		}
		langs = append(langs, object{{"code", l.Code2}, {"code-iso-639-3", l.Code3},
			{"text-covered", share}, {"score", float64(400 + f.rng.IntN(600))}, {"name", l.Name}})
	}
	var b bytes.Buffer
	appendJSON(&b, object{{"reliable", true}, {"text-bytes", len(text)}, {"languages", langs}})
	return b.String()
}

// writeWET writes the text of p, extracted from the response responseID, to the WET file.
func (f *crawlFile) writeWET(c capture, date time.Time, responseID string, p page) {
	text := []byte(p.Text())
	langs := make([]string, len(p.Langs))
	for i, l := range p.Langs {
		langs[i] = l.Code3
	}
	digest := warc.BlockDigest(text)
	f.record(f.wet, []warc.Field{
		{Name: "WARC-Type", Value: "conversion"},
		{Name: "WARC-Target-URI", Value: c.URL},
		{Name: "WARC-Date", Value: isoDate(date)},
		{Name: "WARC-Record-ID", Value: f.uuid()},
		{Name: "WARC-Refers-To", Value: responseID},
		{Name: "WARC-Block-Digest", Value: digest},
		{Name: "WARC-Identified-Content-Language", Value: strings.Join(langs, ",")},
		{Name: "Content-Type", Value: "text/plain"},
		{Name: "Content-Length"},
		{Name: "WARC-Payload-Digest", Value: digest},
	}, text)
}

// writeWAT describes a record of the WARC file in a metadata record of the WAT file, with
// Common Crawl's JSON envelope: where the record is (Container) and what it holds
// (Envelope: its WARC header, and payloadMetadata about its block).
func (f *crawlFile) writeWAT(rec written, payloadMetadata object) {
	headerLength := bytes.Index(rec.Raw, []byte("\r\n\r\n")) + 4
	warcHeaders := object{}
	var target, id string
	for _, h := range rec.Headers {
		switch h.Name {
		case "WARC-Block-Digest", "WARC-Payload-Digest":
			continue
		case "Content-Length":
			h.Value = strconv.Itoa(len(rec.Block))
		case "WARC-Target-URI":
			target = h.Value
		case "WARC-Record-ID":
			id = h.Value
		case "WARC-Filename":
			target = h.Value
		}
		warcHeaders = append(warcHeaders, member{h.Name, h.Value})
	}
	envelope := object{
		{"Container", object{
			{"Filename", f.name + ".warc.gz"},
			{"Compressed", true},
			{"Offset", strconv.FormatInt(rec.Offset, 10)},
			{"Gzip-Metadata", object{
				{"Deflate-Length", strconv.FormatInt(rec.Length-18, 10)},
				{"Header-Length", "10"},
				{"Footer-Length", "8"},
				{"Inflated-CRC", strconv.FormatUint(uint64(crc32.ChecksumIEEE(rec.Raw)), 10)},
				{"Inflated-Length", strconv.Itoa(len(rec.Raw))},
			}},
		}},
		{"Envelope", object{
			{"Payload-Metadata", append(payloadMetadata,
				member{"Actual-Content-Length", strconv.Itoa(len(rec.Block))},
				member{"Trailing-Slop-Length", "4"},
				member{"Block-Digest", warc.BlockDigest(rec.Block)})},
			{"Format", "WARC/1.0"},
			{"WARC-Header-Length", strconv.Itoa(headerLength)},
			{"WARC-Header-Metadata", warcHeaders},
		}},
	}
	var b bytes.Buffer
	appendJSON(&b, envelope)
	block := b.Bytes()
	digest := warc.BlockDigest(block)
	f.record(f.wat, []warc.Field{
		{Name: "WARC-Type", Value: "metadata"},
		{Name: "WARC-Target-URI", Value: target},
		{Name: "WARC-Date", Value: isoDate(f.extracted.Add(time.Duration(rec.Offset/4096) * time.Millisecond))},
		{Name: "WARC-Record-ID", Value: f.uuid()},
		{Name: "WARC-Refers-To", Value: id},
		{Name: "Content-Type", Value: "application/json"},
		{Name: "Content-Length"},
		{Name: "WARC-Payload-Digest", Value: digest},
		{Name: "WARC-Block-Digest", Value: digest},
	}, block)
}

// htmlMetadata is what a WAT file tells of an HTML page: its head and its links.
func (p page) htmlMetadata() object {
	links := []object{}
	for i, label := range p.Langs[0].Nav {
		links = append(links, object{{"path", "A@/href"}, {"url", p.Langs[0].navHref(i)}, {"text", label}})
	}
	for _, c := range p.Related {
		links = append(links, object{{"path", "A@/href"}, {"url", c.URL}, {"text", linkTitle(c)}})
	}
	return object{
		{"Head", object{
			{"Title", p.Title + " | " + p.Site.Name},
			{"Metas", []object{
				{{"charset", "utf-8"}},
				{{"name", "description"}, {"content", firstSentence(p.Paras[0], p.Langs[0])}},
				{{"name", "viewport"}, {"content", "width=device-width, initial-scale=1"}},
			}},
			{"Link", []object{
				{{"path", "LINK@/href"}, {"url", "/assets/site.css"}, {"rel", "stylesheet"}},
				{{"path", "LINK@/href"}, {"url", p.URL}, {"rel", "canonical"}},
			}},
			{"Scripts", []object{{{"path", "SCRIPT@/src"}, {"url", "/assets/app.js"}}}},
		}},
		{"Links", links},
	}
}
