package main

import (
	"bytes"
	"crypto/sha1"
	"fmt"
	"mime"
	"net/url"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/gosparkling/gosparkling/fileio/parquet"
	"github.com/gosparkling/gosparkling/fileio/warc"
)

// indexRow is a row of Common Crawl's columnar URL index (cc-index/table/cc-main/warc/),
// with the columns and types of the real one; the Hive partitions crawl= and subset= of its
// path add two more. Pointers are the columns that may be null.
type indexRow struct {
	URLSurtkey              string    `parquet:"url_surtkey"`
	URL                     string    `parquet:"url"`
	URLHostName             string    `parquet:"url_host_name"`
	URLHostTLD              string    `parquet:"url_host_tld"`
	URLHost2ndLastPart      *string   `parquet:"url_host_2nd_last_part"`
	URLHost3rdLastPart      *string   `parquet:"url_host_3rd_last_part"`
	URLHost4thLastPart      *string   `parquet:"url_host_4th_last_part"`
	URLHost5thLastPart      *string   `parquet:"url_host_5th_last_part"`
	URLHostRegistrySuffix   string    `parquet:"url_host_registry_suffix"`
	URLHostRegisteredDomain string    `parquet:"url_host_registered_domain"`
	URLHostPrivateSuffix    string    `parquet:"url_host_private_suffix"`
	URLHostPrivateDomain    string    `parquet:"url_host_private_domain"`
	URLHostNameReversed     string    `parquet:"url_host_name_reversed"`
	URLProtocol             string    `parquet:"url_protocol"`
	URLPort                 *int32    `parquet:"url_port"`
	URLPath                 string    `parquet:"url_path"`
	URLQuery                *string   `parquet:"url_query"`
	FetchTime               time.Time `parquet:"fetch_time"`
	FetchStatus             int16     `parquet:"fetch_status"`
	FetchRedirect           *string   `parquet:"fetch_redirect"`
	ContentDigest           string    `parquet:"content_digest"`
	ContentMimeType         string    `parquet:"content_mime_type"`
	ContentMimeDetected     string    `parquet:"content_mime_detected"`
	ContentCharset          *string   `parquet:"content_charset"`
	ContentLanguages        *string   `parquet:"content_languages"`
	ContentTruncated        *string   `parquet:"content_truncated"`
	WarcFilename            string    `parquet:"warc_filename"`
	WarcRecordOffset        int32     `parquet:"warc_record_offset"`
	WarcRecordLength        int32     `parquet:"warc_record_length"`
	WarcSegment             string    `parquet:"warc_segment"`
}

// The layout of the index sample: rows per row group, and files of the subset warc.
const (
	indexRowGroupRows = 100
	indexWarcFiles    = 3
)

// indexDir is where the index of the crawl goes under out.
func indexDir(out string) string {
	return filepath.Join(out, "cc-index", "table", "cc-main", "warc", "crawl="+crawlName)
}

func optional(s string) *string {
	if s == "" {
		return nil
	}
	return &s
}

// header returns the value of a field of an HTTP header, whatever its case.
func header(fs []warc.Field, name string) string {
	for _, f := range fs {
		if strings.EqualFold(f.Name, name) {
			return f.Value
		}
	}
	return ""
}

// surt returns the SURT form of a URL, as the index sorts by it: "de,kalomi,blog)/news/"
// (host labels reversed, "www." dropped, lower case).
func surt(u *url.URL) string {
	labels := strings.Split(strings.TrimPrefix(strings.ToLower(u.Hostname()), "www."), ".")
	slices.Reverse(labels)
	return strings.Join(labels, ",") + ")" + strings.ToLower(u.RequestURI())
}

// indexRow describes the response to c, stored at [offset, offset+length) of the WARC file.
// It draws no random numbers, so that the WARC, WET and WAT files stay as they were.
func (f *crawlFile) indexRow(c capture, u *url.URL, date time.Time, fields []warc.Field, payload []byte,
	detected string, p *page, offset, length int64) indexRow {
	host := strings.ToLower(u.Hostname())
	labels := strings.Split(host, ".")
	part := func(k int) *string { // the k-th label from the end, 1 being the TLD
		if k > len(labels) {
			return nil
		}
		return &labels[len(labels)-k]
	}
	reversed := slices.Clone(labels)
	slices.Reverse(reversed)
	mediaType, params, _ := mime.ParseMediaType(header(fields, "Content-Type"))
	row := indexRow{
		URLSurtkey: surt(u), URL: c.URL, URLHostName: host, URLHostTLD: labels[len(labels)-1],
		URLHost2ndLastPart: part(2), URLHost3rdLastPart: part(3), URLHost4thLastPart: part(4), URLHost5thLastPart: part(5),
		URLHostRegistrySuffix: labels[len(labels)-1], URLHostRegisteredDomain: c.Site.Domain,
		URLHostPrivateSuffix: labels[len(labels)-1], URLHostPrivateDomain: c.Site.Domain,
		URLHostNameReversed: strings.Join(reversed, "."), URLProtocol: u.Scheme, URLPath: u.EscapedPath(),
		URLQuery: optional(u.RawQuery), FetchTime: date, FetchStatus: int16(c.Status),
		FetchRedirect:   optional(header(fields, "Location")),
		ContentDigest:   strings.TrimPrefix(warc.BlockDigest(payload), "sha1:"),
		ContentMimeType: mediaType, ContentMimeDetected: detected,
		WarcFilename: f.warcPath, WarcRecordOffset: int32(offset), WarcRecordLength: int32(length), WarcSegment: f.segment,
	}
	if port := u.Port(); port != "" {
		n, _ := strconv.Atoi(port)
		port32 := int32(n)
		row.URLPort = &port32
	}
	if p != nil {
		charset := "UTF-8"
		row.ContentCharset = &charset
		codes := make([]string, len(p.Langs))
		for i, l := range p.Langs {
			codes[i] = l.Code3
		}
		row.ContentLanguages = optional(strings.Join(codes, ","))
	} else if cs := params["charset"]; cs != "" {
		row.ContentCharset = optional(strings.ToUpper(cs))
	}
	return row
}

// writeIndex writes the URL index of the responses: sorted by SURT as the real index is,
// the successful fetches in subset=warc (indexWarcFiles files), the redirects and errors in
// subset=crawldiagnostics (one file). The real index puts those in crawldiagnostics/ WARC
// files; the sample keeps them in the warc/ files, where its rows point.
func writeIndex(out string, rows []indexRow) error {
	dir := indexDir(out)
	if err := os.RemoveAll(dir); err != nil {
		return err
	}
	slices.SortStableFunc(rows, func(a, b indexRow) int {
		if c := strings.Compare(a.URLSurtkey, b.URLSurtkey); c != 0 {
			return c
		}
		return a.FetchTime.Compare(b.FetchTime)
	})
	var ok, diagnostics []indexRow
	for _, r := range rows {
		if r.FetchStatus == 200 {
			ok = append(ok, r)
		} else {
			diagnostics = append(diagnostics, r)
		}
	}
	sum := sha1.Sum([]byte("cc-index " + crawlName)) // a UUID of the job that wrote the files, as Spark names them
	sum[6] = sum[6]&0x0f | 0x40
	sum[8] = sum[8]&0x3f | 0x80
	job := fmt.Sprintf("%x-%x-%x-%x-%x", sum[0:4], sum[4:6], sum[6:8], sum[8:10], sum[10:16])
	for subset, parts := range map[string][][]indexRow{
		"warc":             chunks(ok, indexWarcFiles),
		"crawldiagnostics": chunks(diagnostics, 1),
	} {
		for i, part := range parts {
			if len(part) == 0 {
				continue
			}
			name := filepath.Join(dir, "subset="+subset, fmt.Sprintf("part-%05d-%s.c000.gz.parquet", i, job))
			if err := writeIndexFile(name, part); err != nil {
				return err
			}
		}
	}
	return nil
}

// chunks cuts rows into n runs of about the same length.
func chunks(rows []indexRow, n int) [][]indexRow {
	var out [][]indexRow
	for i := 0; i < n; i++ {
		out = append(out, rows[i*len(rows)/n:(i+1)*len(rows)/n])
	}
	return out
}

func writeIndexFile(name string, rows []indexRow) error {
	var b bytes.Buffer
	w := parquet.NewWriter(&b, parquet.WriterOptions{Compression: "gzip", RowGroupRows: indexRowGroupRows})
	for _, r := range rows {
		if err := w.Write(r); err != nil {
			return fmt.Errorf("writing %s: %w", name, err)
		}
	}
	if err := w.Close(); err != nil {
		return fmt.Errorf("writing %s: %w", name, err)
	}
	if err := os.MkdirAll(filepath.Dir(name), 0o755); err != nil {
		return err
	}
	return os.WriteFile(name, b.Bytes(), 0o644)
}
