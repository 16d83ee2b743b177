package main

import (
	"bytes"
	"fmt"
	"math/rand/v2"
	"net/http"
	"os"
	"path"
	"path/filepath"
	"strconv"
	"strings"
	"time"

	"github.com/gosparkling/gosparkling/fileio/warc"
)

// sitemapServices host the sitemaps of some sites on their own domains, as sitemap
// generators and shop platforms do: their Sitemap lines point off the site.
var sitemapServices = []string{"https://sitemaps.tavumb-cdn.net", "https://static.korpel-hosting.com", "https://sitemap.lumquix.io"}

// writeRobots writes the robots.txt fetches of every host of the crawl to one WARC file per
// segment, segments/<segment>/robotstxt/<name>.warc.gz, as the real crawl keeps them, and
// returns their paths relative to out. It draws from a random source of its own, so that the
// WARC, WET and WAT files do not change with it.
func writeRobots(out string, cfg config, sites []*site, segments []string) ([]string, error) {
	rng := rand.New(rand.NewPCG(cfg.Seed^0x726f626f7473, cfg.Seed))
	type fetch struct {
		site *site
		host string
	}
	var fetches []fetch
	for _, s := range sites {
		for _, h := range s.Hosts {
			fetches = append(fetches, fetch{s, h})
		}
	}
	rng.Shuffle(len(fetches), func(i, j int) { fetches[i], fetches[j] = fetches[j], fetches[i] })
	var paths []string
	for n, segment := range segments {
		from := crawlStart.Add(time.Duration(n*cfg.FilesPerSegment) * 41 * time.Minute).Add(-20 * time.Minute)
		name := fmt.Sprintf("CC-MAIN-%s-%s-%05d", from.Format("20060102150405"), from.Add(3*time.Hour).Format("20060102150405"), n)
		rel := path.Join(segment, "robotstxt", name+".warc.gz")
		var b bytes.Buffer
		w := newWriter(&b, true)
		uuid := func() string {
			var u [16]byte
			for i := range u {
				u[i] = byte(rng.Uint32())
			}
			u[6] = u[6]&0x0f | 0x40
			u[8] = u[8]&0x3f | 0x80
			return fmt.Sprintf("<urn:uuid:%x-%x-%x-%x-%x>", u[0:4], u[4:6], u[6:8], u[8:10], u[10:])
		}
		info := fields([]warc.Field{
			{Name: "isPartOf", Value: crawlName},
			{Name: "publisher", Value: "Common Crawl"},
			{Name: "description", Value: "Wide crawl of the web for May 2024"},
			{Name: "operator", Value: "Common Crawl Admin (info@commoncrawl.org)"},
			{Name: "software", Value: "Apache Nutch 1.19 (modified, https://github.com/commoncrawl/nutch/)"},
			{Name: "format", Value: "WARC File Format 1.1"},
		})
		warcinfoID := uuid()
		if _, _, err := w.WriteRecord([]warc.Field{
			{Name: "WARC-Type", Value: "warcinfo"},
			{Name: "WARC-Date", Value: isoDate(from)},
			{Name: "WARC-Record-ID", Value: warcinfoID},
			{Name: "Content-Length"},
			{Name: "Content-Type", Value: "application/warc-fields"},
			{Name: "WARC-Filename", Value: name + ".warc.gz"},
		}, info); err != nil {
			return nil, err
		}
		part := fetches[n*len(fetches)/len(segments) : (n+1)*len(fetches)/len(segments)]
		for i, f := range part {
			date := from.Add(time.Duration(i+1) * 3 * time.Hour / time.Duration(len(part)+1)).Truncate(time.Second)
			url := "https://" + f.host + "/robots.txt"
			request := httpMessage("GET /robots.txt HTTP/1.1", []warc.Field{
				{Name: "User-Agent", Value: "CCBot/2.0 (https://commoncrawl.org/faq/)"},
				{Name: "Accept", Value: "text/plain,text/html;q=0.9,*/*;q=0.8"},
				{Name: "Host", Value: f.host},
				{Name: "Connection", Value: "Keep-Alive"},
			}, nil)
			requestID := uuid()
			status, body, contentType := robotsTxt(rng, f.site, f.host)
			response := httpMessage(fmt.Sprintf("HTTP/1.1 %d %s", status, http.StatusText(status)), []warc.Field{
				{Name: "Date", Value: date.Format(http.TimeFormat)},
				{Name: "Server", Value: f.site.Server},
				{Name: "Content-Type", Value: contentType},
				{Name: "Content-Length", Value: strconv.Itoa(len(body))},
			}, body)
			common := func(typ, id string) []warc.Field {
				return []warc.Field{{Name: "WARC-Type", Value: typ}, {Name: "WARC-Date", Value: isoDate(date)},
					{Name: "WARC-Record-ID", Value: id}, {Name: "Content-Length"}}
			}
			if _, _, err := w.WriteRecord(append(common("request", requestID),
				warc.Field{Name: "Content-Type", Value: "application/http; msgtype=request"},
				warc.Field{Name: "WARC-Warcinfo-ID", Value: warcinfoID},
				warc.Field{Name: "WARC-IP-Address", Value: f.site.IP},
				warc.Field{Name: "WARC-Target-URI", Value: url},
			), request); err != nil {
				return nil, err
			}
			if _, _, err := w.WriteRecord(append(common("response", uuid()),
				warc.Field{Name: "Content-Type", Value: "application/http; msgtype=response"},
				warc.Field{Name: "WARC-Warcinfo-ID", Value: warcinfoID},
				warc.Field{Name: "WARC-Concurrent-To", Value: requestID},
				warc.Field{Name: "WARC-IP-Address", Value: f.site.IP},
				warc.Field{Name: "WARC-Target-URI", Value: url},
				warc.Field{Name: "WARC-Payload-Digest", Value: warc.BlockDigest(body)},
				warc.Field{Name: "WARC-Block-Digest", Value: warc.BlockDigest(response)},
				warc.Field{Name: "WARC-Identified-Payload-Type", Value: strings.Split(contentType, ";")[0]},
			), response); err != nil {
				return nil, err
			}
		}
		file := filepath.Join(out, filepath.FromSlash(rel))
		if err := os.MkdirAll(filepath.Dir(file), 0o755); err != nil {
			return nil, err
		}
		if err := os.WriteFile(file, b.Bytes(), 0o644); err != nil {
			return nil, fmt.Errorf("writing %s: %w", rel, err)
		}
		paths = append(paths, rel)
	}
	return paths, nil
}

// robotsTxt returns the answer of a site's host to a request for /robots.txt: most have
// one, with rules for all crawlers, sometimes some for CCBot, and Sitemap lines pointing at
// the host's sitemaps, at its main host's or at a sitemap service's; some answer 404.
func robotsTxt(rng *rand.Rand, s *site, host string) (int, []byte, string) {
	if rng.IntN(10) == 0 {
		return 404, []byte("<!DOCTYPE html>\n<html><head><title>404 Not Found</title></head><body><h1>Not Found</h1></body></html>\n"),
			"text/html; charset=UTF-8"
	}
	var b strings.Builder
	b.WriteString("User-agent: *\n")
	rules := [][]string{
		{"Disallow: /admin/"},
		{"Disallow: /wp-admin/", "Allow: /wp-admin/admin-ajax.php"},
		{"Disallow: /search"},
		{"Disallow: /*?sessionid="},
		{"Disallow: /cart/", "Disallow: /checkout/"},
		{"Disallow: /*.pdf$"},
	}
	for i := 1 + rng.IntN(3); i > 0; i-- {
		for _, line := range rules[rng.IntN(len(rules))] {
			b.WriteString(line + "\n")
		}
	}
	if rng.IntN(5) == 0 {
		fmt.Fprintf(&b, "Crawl-delay: %d\n", 1+rng.IntN(10))
	}
	if rng.IntN(12) == 0 {
		b.WriteString("\n# No AI training crawlers\nUser-agent: CCBot\nDisallow: /\n")
	}
	b.WriteString("\n")
	// How a site announces its sitemaps is the site's choice, the same for all its hosts.
	switch h := hashString(s.Domain); h % 20 {
	case 0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11: // each host its own
		fmt.Fprintf(&b, "Sitemap: https://%s/sitemap.xml\n", host)
		if rng.IntN(3) == 0 {
			fmt.Fprintf(&b, "Sitemap: https://%s/sitemap-%s.xml\n", host, s.Lang.Sections[rng.IntN(len(s.Lang.Sections))])
		}
	case 12, 13, 14: // the main host's, for every host of the site
		fmt.Fprintf(&b, "Sitemap: https://%s/sitemap_index.xml\n", s.Hosts[0])
	case 15, 16, 17: // a sitemap service's
		fmt.Fprintf(&b, "Sitemap: %s/%s/sitemap.xml\n", sitemapServices[(h/20)%uint32(len(sitemapServices))], s.Domain)
	default: // none
	}
	return 200, []byte(b.String()), "text/plain"
}
