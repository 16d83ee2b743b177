package main

// The end-to-end test of ccjobs.ipynb, cc-pyspark's example jobs: each job's table is
// checked against what the test computes from the sample crawl on its own, reading the
// files with fileio/warc and the helpers of commoncrawl, without rdd.

import (
	"context"
	"errors"
	"io"
	"path/filepath"
	"regexp"
	"sort"
	"strconv"
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/gosparkling/gosparkling/commoncrawl"
	"github.com/gosparkling/gosparkling/fileio/warc"
)

// eachRecord calls f with every record of the sample crawl's files matching glob (under
// segments/).
func eachRecord(t *testing.T, glob string, f func(*warc.Record)) (files int) {
	t.Helper()
	names, err := filepath.Glob(filepath.Join("notebooks", "data", "crawl-data", "CC-MAIN-2024-22", "segments", glob))
	if err != nil || len(names) == 0 {
		t.Fatalf("no sample crawl files %s (%v): run go run ./notebooks/gencrawl", glob, err)
	}
	for _, name := range names {
		r, err := warc.Open(context.Background(), name)
		if err != nil {
			t.Fatal(err)
		}
		for {
			rec, err := r.Next()
			if errors.Is(err, io.EOF) {
				break
			}
			if err != nil {
				t.Fatal(err)
			}
			f(rec)
		}
		r.Close()
	}
	return len(names)
}

func reversedHost(h string) string {
	labels := strings.Split(h, ".")
	for i, j := 0, len(labels)-1; i < j; i, j = i+1, j-1 {
		labels[i], labels[j] = labels[j], labels[i]
	}
	return strings.Join(labels, ".")
}

func TestCcjobsNotebook(t *testing.T) {
	nb := runNotebook(t, "notebooks/ccjobs.ipynb")

	// What the jobs should find.
	tagPattern := regexp.MustCompile(`<([a-z0-9]+)`)
	wordPattern := regexp.MustCompile(`[\p{L}\p{N}_]+`) // Python's \w+
	tags, servers, responses := map[string]int{}, map[string]int{}, 0
	eachRecord(t, "*/warc/*.warc.gz", func(r *warc.Record) {
		if r.Type() != warc.TypeResponse {
			return
		}
		responses++
		servers[r.HTTPHeaders().Get("Server")]++
		ct, _, _ := strings.Cut(r.HTTPHeaders().Get("Content-Type"), ";")
		if ct == "text/html" || ct == "application/xhtml+xml" {
			for _, m := range tagPattern.FindAllSubmatch(r.Payload(), -1) {
				tags[strings.ToLower(string(m[1]))]++
			}
		}
	})
	type wordStats struct{ count, pages int }
	words := map[string]*wordStats{}
	eachRecord(t, "*/wet/*.warc.wet.gz", func(r *warc.Record) {
		if r.Type() != warc.TypeConversion {
			return
		}
		seen := map[string]bool{}
		for _, w := range wordPattern.FindAllString(strings.ToLower(r.Text()), -1) {
			if words[w] == nil {
				words[w] = &wordStats{}
			}
			words[w].count++
			if !seen[w] {
				seen[w] = true
				words[w].pages++
			}
		}
	})
	edges := map[[2]string]bool{}
	eachRecord(t, "*/wat/*.warc.wat.gz", func(r *warc.Record) {
		if r.Type() != warc.TypeMetadata {
			return
		}
		w, err := commoncrawl.ParseWAT(r)
		if err != nil {
			t.Fatal(err)
		}
		if w.Type != "response" {
			return
		}
		from := commoncrawl.Host(w.TargetURI)
		for _, link := range w.Outlinks() {
			if to := commoncrawl.Host(link); to != "" && to != from {
				edges[[2]string{reversedHost(from), reversedHost(to)}] = true
			}
		}
	})
	inDegrees, vertices := map[string]int{}, map[string]bool{}
	for e := range edges {
		inDegrees[e[1]]++
		vertices[e[0]], vertices[e[1]] = true, true
	}
	robotsFetches, sitemapHosts := 0, map[string]map[string]bool{}
	eachRecord(t, "*/robotstxt/*.warc.gz", func(r *warc.Record) {
		if r.Type() != warc.TypeResponse {
			return
		}
		robotsFetches++
		if r.HTTPStatus() != 200 {
			return
		}
		for _, sm := range commoncrawl.ParseRobots(string(r.Payload())).Sitemaps {
			if sitemapHosts[sm] == nil {
				sitemapHosts[sm] = map[string]bool{}
			}
			sitemapHosts[sm][commoncrawl.Host(r.TargetURI())] = true
		}
	})
	crossSubmits := map[string]int{}
	var sharedSitemaps []string
	for sm, hosts := range sitemapHosts {
		for h := range hosts {
			if d := commoncrawl.RegisteredDomain(sm); d != commoncrawl.RegisteredDomain(h) {
				crossSubmits[d]++
			}
		}
		if len(hosts) > 1 {
			sharedSitemaps = append(sharedSitemaps, sm)
		}
	}
	sort.Strings(sharedSitemaps)

	// The jobs' results.
	if plain, _ := nb.result(`responses := warcRecords.Filter(`); strings.TrimSpace(plain) != strconv.Itoa(responses) {
		t.Errorf("%s responses, want %d", plain, responses)
	}
	plain, _ := nb.result("topTags := tags.Top(15")
	checkTop(t, "HTML tags", plain, tags, 15)
	if data := nb.outputData("display.Bar(topTags"); !strings.Contains(data["image/svg+xml"]+data["text/html"], "<svg") {
		t.Errorf("the tag chart is no SVG: %v", data)
	}
	plain, _ = nb.result("servers := responses.")
	sameCounts(t, "servers", counts(t, plain), servers)

	plain, _ = nb.result("wordCounts := sc.WarcFile(")
	rows := tableRows(plain)
	var all []int
	for _, s := range words {
		all = append(all, s.count)
	}
	sort.Sort(sort.Reverse(sort.IntSlice(all)))
	if len(rows) != 15 {
		t.Fatalf("the word table has %d rows, want 15:\n%s", len(rows), plain)
	}
	for i, row := range rows {
		w := words[row[0]]
		if len(row) != 3 || w == nil || row[1] != strconv.Itoa(w.count) || row[2] != strconv.Itoa(w.pages) || w.count != all[i] {
			t.Errorf("word row %q: want count %v (the %d-th largest, %d) and pages", row, w, i+1, all[i])
		}
	}

	if plain, _ := nb.result("hostGraphEdges := watRecords.FlatMap(hostLinks)"); strings.TrimSpace(plain) != strconv.Itoa(len(edges)) {
		t.Errorf("%s host links, want %d", plain, len(edges))
	}
	for _, row := range tableRows(func() string { p, _ := nb.result("hostGraphEdges.SortByKey(true).Take(8)"); return p }()) {
		if len(row) != 2 || !edges[[2]string{row[0], row[1]}] {
			t.Errorf("host link %q is not one of the crawl's", row)
		}
	}
	if out := nb.stdout("vertices := hostGraphEdges.Keys()"); !strings.Contains(out, strconv.Itoa(len(vertices))+" vertices, "+strconv.Itoa(len(edges))+" edges") {
		t.Errorf("the graph: %q, want %d vertices and %d edges", out, len(vertices), len(edges))
	}
	plain, _ = nb.result("topHosts := inDegrees.Top(10")
	checkTop(t, "in-degrees", plain, inDegrees, 10)

	if out := nb.stdout("robots := sc.WarcFile("); !strings.Contains(out, strconv.Itoa(robotsFetches)+" robots.txt fetches, "+strconv.Itoa(len(sitemapHosts))+" sitemaps") {
		t.Errorf("sitemaps: %q, want %d fetches and %d sitemaps", out, robotsFetches, len(sitemapHosts))
	}
	plain, _ = nb.result("type sitemapRow struct")
	var shown []string
	for _, row := range tableRows(plain) {
		shown = append(shown, row[0])
		hosts := strings.Fields(row[1])
		if len(hosts) != len(sitemapHosts[row[0]]) {
			t.Errorf("sitemap %s shown with hosts %q, want %d", row[0], hosts, len(sitemapHosts[row[0]]))
		}
	}
	if len(sharedSitemaps) == 0 || strings.Join(shown, " ") != strings.Join(sharedSitemaps, " ") {
		t.Errorf("sitemaps of several hosts shown %q, want %q", shown, sharedSitemaps)
	}
	plain, _ = nb.result("CountByKey()")
	sameCounts(t, "cross-submitted sitemaps", counts(t, plain), crossSubmits)

	// The index query: French pages, fetched, their text's words.
	// The index's content_languages is what the metadata record of a fetch says
	// (languages-cld2), most prominent first.
	french := map[string]int{}
	frenchPages := 0
	byID := map[string]*warc.Record{}
	eachRecord(t, "*/warc/*.warc.gz", func(r *warc.Record) {
		switch r.Type() {
		case warc.TypeResponse:
			byID[r.RecordID()] = r
		case warc.TypeMetadata:
			resp := byID[r.Header("WARC-Concurrent-To")]
			if resp == nil || resp.HTTPStatus() != 200 || !strings.Contains(string(r.Body), `"languages":[{"code":"fr","code-iso-639-3":"fra"`) {
				return
			}
			frenchPages++
			for _, w := range wordPattern.FindAllString(strings.ToLower(commoncrawl.TextBytes(resp.Payload())), -1) {
				if utf8.RuneCountInString(w) >= 5 {
					french[w]++
				}
			}
		}
	})
	if plain, _ := nb.result("frenchRecords := sc.WarcRecords(frenchPages, root).Cache()"); strings.TrimSpace(plain) != strconv.Itoa(frenchPages) {
		t.Errorf("%s French pages fetched, want %d", plain, frenchPages)
	}
	plain, _ = nb.result("frenchRecords.\n")
	checkTop(t, "French words", plain, french, 10)

	// The CDX stand-in: the pages of the domain of the top host.
	top := tableRows(func() string { p, _ := nb.result("topHosts := inDegrees.Top(10"); return p }())[0][0]
	domain := commoncrawl.RegisteredDomain(reversedHost(top))
	if out := nb.stdout("standIn := httptest.NewServer("); !strings.Contains(out, "domain "+domain+":") || !strings.Contains(out, "err <nil>") {
		t.Errorf("the CDX query of %s printed %q", domain, out)
	}
	plain, _ = nb.result("sc.WarcRecords(captures, root).")
	rows = tableRows(plain)
	if len(rows) != 8 {
		t.Fatalf("the pages found through the CDX API: %d rows, want 8:\n%s", len(rows), plain)
	}
	for _, row := range rows {
		if commoncrawl.RegisteredDomain(row[0]) != domain || len(row) != 3 || !strings.HasSuffix(row[1], "| "+strings.ToUpper(domain[:1])+strings.Split(domain, ".")[0][1:]) {
			t.Errorf("the CDX query of %s found %q", domain, row)
		}
	}
}
