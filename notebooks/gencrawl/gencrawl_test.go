package main

import (
	"bytes"
	"compress/gzip"
	"context"
	"errors"
	"io"
	"io/fs"
	"net/url"
	"os"
	"path/filepath"
	"sort"
	"strconv"
	"strings"
	"testing"

	"github.com/gosparkling/gosparkling/commoncrawl"
	"github.com/gosparkling/gosparkling/fileio"
	"github.com/gosparkling/gosparkling/fileio/parquet"
	"github.com/gosparkling/gosparkling/fileio/warc"
)

// tiny is a crawl small enough to generate in every test.
var tiny = config{Seed: 7, Sites: 25, Pages: 120, Segments: 2, FilesPerSegment: 2}

// files returns the contents of the files under dir by their slash-separated relative path.
func files(t *testing.T, dir string) map[string][]byte {
	t.Helper()
	out := map[string][]byte{}
	err := filepath.WalkDir(dir, func(path string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		data, err := os.ReadFile(path)
		rel, _ := filepath.Rel(dir, path)
		out[filepath.ToSlash(rel)] = data
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	return out
}

func generated(t *testing.T, cfg config) (string, map[string][]byte) {
	t.Helper()
	dir := t.TempDir()
	if err := generate(dir, cfg); err != nil {
		t.Fatalf("generate: %v", err)
	}
	return dir, files(t, dir)
}

// sameFiles reports the first difference between two trees of files, or "".
func sameFiles(a, b map[string][]byte) string {
	for name, data := range a {
		other, ok := b[name]
		if !ok {
			return name + " is missing from the second"
		}
		if !bytes.Equal(data, other) {
			return name + " differs"
		}
	}
	for name := range b {
		if _, ok := a[name]; !ok {
			return name + " is missing from the first"
		}
	}
	return ""
}

func TestTheSameSeedGivesTheSameBytes(t *testing.T) {
	_, first := generated(t, tiny)
	_, second := generated(t, tiny)
	if diff := sameFiles(first, second); diff != "" {
		t.Errorf("two runs with seed %d differ: %s", tiny.Seed, diff)
	}
	other := tiny
	other.Seed++
	_, third := generated(t, other)
	if sameFiles(first, third) == "" {
		t.Errorf("seeds %d and %d gave the same crawl", tiny.Seed, other.Seed)
	}
}

// TestCommittedSampleIsUpToDate checks that notebooks/data holds exactly what
// `go run ./notebooks/gencrawl -out notebooks/data -size small` writes.
func TestCommittedSampleIsUpToDate(t *testing.T) {
	if testing.Short() {
		t.Skip("generates the whole small sample")
	}
	_, want := generated(t, sizes["small"])
	got := files(t, filepath.Join("..", "data"))
	for name := range got {
		if !strings.HasPrefix(name, "crawl-data/") && !strings.HasPrefix(name, "cc-index/") {
			delete(got, name) // README.md
		}
	}
	if diff := sameFiles(want, got); diff != "" {
		t.Errorf("notebooks/data is not what -size small generates (%s): run go run ./notebooks/gencrawl -out notebooks/data -size small", diff)
	}
}

// readRecords reads every record of a WARC, WET or WAT file.
func readRecords(t *testing.T, path string) []*warc.Record {
	t.Helper()
	r, err := warc.Open(context.Background(), path)
	if err != nil {
		t.Fatal(err)
	}
	defer r.Close()
	var recs []*warc.Record
	for {
		rec, err := r.Next()
		if errors.Is(err, io.EOF) {
			return recs
		}
		if err != nil {
			t.Fatalf("reading %s: %v", path, err)
		}
		recs = append(recs, rec)
	}
}

func listing(t *testing.T, data []byte) []string {
	t.Helper()
	zr, err := gzip.NewReader(bytes.NewReader(data))
	if err != nil {
		t.Fatal(err)
	}
	text, err := io.ReadAll(zr)
	if err != nil {
		t.Fatal(err)
	}
	return strings.Fields(string(text))
}

func TestTheCrawlIsLaidOutAndLinkedAsCommonCrawls(t *testing.T) {
	dir, all := generated(t, tiny)
	base := "crawl-data/CC-MAIN-2024-22/"
	lists := map[string][]string{}
	for _, kind := range []string{"warc", "wet", "wat", "robotstxt"} {
		lists[kind] = listing(t, all[base+kind+".paths.gz"])
		want := tiny.Segments * tiny.FilesPerSegment
		if kind == "robotstxt" {
			want = tiny.Segments
		}
		if len(lists[kind]) != want {
			t.Fatalf("%s.paths.gz lists %d files, want %d", kind, len(lists[kind]), want)
		}
	}
	var listed []string
	for _, l := range lists {
		listed = append(listed, l...)
	}
	var present []string
	for name := range all {
		if !strings.HasSuffix(name, ".paths.gz") && !strings.HasPrefix(name, "cc-index/") { // the index: TestTheIndexPointsAtTheResponses
			present = append(present, name)
		}
	}
	sort.Strings(listed)
	sort.Strings(present)
	if strings.Join(listed, "\n") != strings.Join(present, "\n") {
		t.Fatalf("the listings name\n%s\nthe files are\n%s", strings.Join(listed, "\n"), strings.Join(present, "\n"))
	}

	types, statuses, languages, tlds := map[string]int{}, map[int]int{}, map[string]int{}, map[string]bool{}
	for i, warcPath := range lists["warc"] {
		wantSuffix := map[string]string{"warc": ".warc.gz", "wet": ".warc.wet.gz", "wat": ".warc.wat.gz"}
		for kind, suffix := range wantSuffix {
			if p := lists[kind][i]; !strings.Contains(p, "/segments/") || !strings.Contains(p, "/"+kind+"/") || !strings.HasSuffix(p, suffix) {
				t.Errorf("listed %s file %q is not segments/<id>/%s/<name>%s", kind, p, kind, suffix)
			}
		}
		warcRecs := readRecords(t, filepath.Join(dir, warcPath))
		byID := map[string]*warc.Record{}
		for _, r := range warcRecs {
			byID[r.RecordID()] = r
			types[r.Type()]++
			if r.Type() == warc.TypeResponse {
				statuses[r.HTTPStatus()]++
				u, err := url.Parse(r.TargetURI())
				if err != nil {
					t.Fatal(err)
				}
				tlds[u.Hostname()[strings.LastIndex(u.Hostname(), ".")+1:]] = true
			}
		}
		if warcRecs[0].Type() != warc.TypeWarcinfo {
			t.Errorf("%s starts with a %s record", warcPath, warcRecs[0].Type())
		}

		wet := readRecords(t, filepath.Join(dir, lists["wet"][i]))
		for _, r := range wet[1:] {
			resp := byID[r.RefersTo()]
			switch {
			case r.Type() != warc.TypeConversion:
				t.Errorf("WET record of type %s", r.Type())
			case resp == nil || resp.Type() != warc.TypeResponse:
				t.Errorf("WET record %s refers to %s, not a response of %s", r.RecordID(), r.RefersTo(), warcPath)
			case resp.TargetURI() != r.TargetURI() || resp.HTTPStatus() != 200:
				t.Errorf("WET record of %s derives from the %d response of %s", r.TargetURI(), resp.HTTPStatus(), resp.TargetURI())
			case len(r.Languages()) == 0 || r.Text() == "":
				t.Errorf("WET record of %s has languages %v and %d bytes of text", r.TargetURI(), r.Languages(), len(r.Text()))
			case !strings.Contains(string(resp.Payload()), strings.SplitN(r.Text(), "\n", 2)[0][:10]):
				t.Errorf("the text of %s does not start with words of its HTML", r.TargetURI())
			}
			for _, l := range r.Languages() {
				languages[l]++
			}
		}

		wat := readRecords(t, filepath.Join(dir, lists["wat"][i]))
		if len(wat)-1 != len(warcRecs) {
			t.Errorf("%d WAT metadata records for %d WARC records", len(wat)-1, len(warcRecs))
		}
		for _, r := range wat[1:] {
			described := byID[r.RefersTo()]
			doc, err := r.JSON()
			if described == nil || err != nil {
				t.Fatalf("WAT record %s refers to %s (found: %v), JSON error %v", r.RecordID(), r.RefersTo(), described != nil, err)
			}
			container := doc["Container"].(map[string]any)
			envelope := doc["Envelope"].(map[string]any)
			header := envelope["WARC-Header-Metadata"].(map[string]any)
			if container["Offset"] != strconv.FormatInt(described.Offset, 10) || header["WARC-Type"] != described.Type() {
				t.Errorf("WAT record for %s describes a %v record at offset %v, want %s at %d",
					described.RecordID(), header["WARC-Type"], container["Offset"], described.Type(), described.Offset)
			}
		}
	}

	// A crawl that the notebooks can tell stories about.
	for _, typ := range []string{"warcinfo", "request", "response", "metadata"} {
		if types[typ] == 0 {
			t.Errorf("no %s records: %v", typ, types)
		}
	}
	for _, code := range []int{200, 301, 404} {
		if statuses[code] == 0 {
			t.Errorf("no responses with status %d: %v", code, statuses)
		}
	}
	if statuses[200] < types["response"]*3/4 {
		t.Errorf("only %d of %d responses are 200 OK", statuses[200], types["response"])
	}
	if len(languages) < 4 || len(tlds) < 5 {
		t.Errorf("languages %v and TLDs %v: too few for the notebooks", languages, tlds)
	}
}

// TestTheIndexPointsAtTheResponses reads the generated URL index back and fetches the record
// each row points to: the response to its URL, with its status.
func TestTheIndexPointsAtTheResponses(t *testing.T) {
	dir, all := generated(t, tiny)
	responses := 0
	for name := range all {
		if strings.HasSuffix(name, "/warc/"+filepath.Base(name)) && strings.HasSuffix(name, ".warc.gz") {
			for _, r := range readRecords(t, filepath.Join(dir, name)) {
				if r.Type() == warc.TypeResponse {
					responses++
				}
			}
		}
	}
	ctx := context.Background()
	rows, subsets := 0, map[string]int{}
	for name := range all {
		if !strings.HasPrefix(name, "cc-index/") {
			continue
		}
		subset := parquet.Partitions(name)
		if len(subset) != 2 || subset[0] != (parquet.Partition{Key: "crawl", Value: crawlName}) || !strings.HasSuffix(name, ".c000.gz.parquet") {
			t.Fatalf("index file %s is not under crawl=%s/subset=.../ as part-*.c000.gz.parquet", name, crawlName)
		}
		f, err := parquet.Open(ctx, fileio.Local{}, filepath.Join(dir, name), -1)
		if err != nil {
			t.Fatal(err)
		}
		if cols := f.Columns(); len(cols) != 30 || cols[1] != "url" || cols[29] != "warc_segment" {
			t.Errorf("%s has columns %v, want the index's 30", name, cols)
		}
		last := ""
		for g := 0; g < f.NumRowGroups(); g++ {
			rs, err := f.Rows(g, parquet.Projection{Columns: []string{"url_surtkey", "url", "fetch_status", "warc_filename", "warc_record_offset", "warc_record_length"}})
			if err != nil {
				t.Fatal(err)
			}
			for rs.Next() {
				v := rs.Values()
				rows++
				subsets[subset[1].Value]++
				if key := v[0].(string); key < last {
					t.Errorf("%s is not sorted by SURT: %q after %q", name, key, last)
				} else {
					last = key
				}
				rec, err := warc.ReadRecordAt(ctx, filepath.Join(dir, v[3].(string)), int64(v[4].(int)), int64(v[5].(int)))
				if err != nil {
					t.Fatalf("the record of %v: %v", v[1], err)
				}
				if rec.Type() != warc.TypeResponse || rec.TargetURI() != v[1] || rec.HTTPStatus() != v[2] {
					t.Errorf("the row of %v (status %v) points at a %s record of %s with status %d", v[1], v[2], rec.Type(), rec.TargetURI(), rec.HTTPStatus())
				}
				if (v[2] == 200) != (subset[1].Value == "warc") {
					t.Errorf("the %v response of %v is in subset %s", v[2], v[1], subset[1].Value)
				}
			}
			if err := rs.Err(); err != nil {
				t.Fatal(err)
			}
			rs.Close()
		}
	}
	if rows != responses || subsets["warc"] == 0 || subsets["crawldiagnostics"] == 0 {
		t.Errorf("the index has %d rows (%v) for %d responses", rows, subsets, responses)
	}
}

// TestRobotsTxtFetches reads the robotstxt/ files: a warcinfo record, then a request and
// a response per host of the crawl, most of them robots.txt files with rules and Sitemap
// lines, some 404s.
func TestRobotsTxtFetches(t *testing.T) {
	dir, all := generated(t, tiny)
	hosts, statuses, sitemaps, offSite := map[string]bool{}, map[int]int{}, 0, 0
	for _, name := range listing(t, all["crawl-data/CC-MAIN-2024-22/robotstxt.paths.gz"]) {
		if !strings.Contains(name, "/robotstxt/") || !strings.HasSuffix(name, ".warc.gz") {
			t.Errorf("robots.txt file %s is not segments/<id>/robotstxt/<name>.warc.gz", name)
		}
		recs := readRecords(t, filepath.Join(dir, name))
		if recs[0].Type() != warc.TypeWarcinfo || len(recs)%2 != 1 {
			t.Fatalf("%s: %d records starting with %s", name, len(recs), recs[0].Type())
		}
		for i := 1; i < len(recs); i += 2 {
			req, resp := recs[i], recs[i+1]
			u, err := url.Parse(resp.TargetURI())
			if err != nil || req.Type() != warc.TypeRequest || resp.Type() != warc.TypeResponse || u.Path != "/robots.txt" ||
				resp.Header("WARC-Concurrent-To") != req.RecordID() || hosts[u.Host] {
				t.Fatalf("records %d, %d of %s: %s %s of %s (err %v)", i, i+1, name, req.Type(), resp.Type(), resp.TargetURI(), err)
			}
			hosts[u.Host] = true
			statuses[resp.HTTPStatus()]++
			if resp.HTTPStatus() != 200 {
				continue
			}
			rb := commoncrawl.ParseRobots(string(resp.Payload()))
			if len(rb.Groups) == 0 || rb.Groups[0].UserAgents[0] != "*" || len(rb.Groups[0].Rules) == 0 {
				t.Errorf("robots.txt of %s has no rules for *:\n%s", u.Host, resp.Payload())
			}
			for _, sm := range rb.Sitemaps {
				sitemaps++
				if commoncrawl.RegisteredDomain(sm) != commoncrawl.RegisteredDomain(u.Host) {
					offSite++
				}
			}
		}
	}
	crawled := map[string]bool{}
	for _, name := range listing(t, all["crawl-data/CC-MAIN-2024-22/warc.paths.gz"]) {
		for _, r := range readRecords(t, filepath.Join(dir, name)) {
			if r.Type() == warc.TypeResponse {
				u, _ := url.Parse(r.TargetURI())
				crawled[u.Host] = true
			}
		}
	}
	for h := range crawled {
		if !hosts[h] && !hosts["www."+h] && !hosts[strings.TrimPrefix(h, "www.")] {
			t.Errorf("no robots.txt fetch for host %s", h)
		}
	}
	if statuses[200] < len(hosts)*3/4 || statuses[404] == 0 || sitemaps < statuses[200]/2 || offSite == 0 {
		t.Errorf("robots.txt statuses %v, %d sitemaps (%d off the site) for %d hosts", statuses, sitemaps, offSite, len(hosts))
	}
}
