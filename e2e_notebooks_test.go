package main

// End-to-end tests of the example notebooks commoncrawl.ipynb and
// tour.ipynb: each is executed by Jupyter with the kernel, and the results
// it shows are checked against values the test computes on its own, with
// fileio/warc and the standard library rather than rdd.

import (
	"context"
	"encoding/json"
	"fmt"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"sort"
	"strconv"
	"strings"
	"testing"
	"time"
	"unicode"

	"github.com/gosparkling/gosparkling/fileio/warc"
)

// executedNotebook is an executed notebook and the test reading it.
type executedNotebook struct {
	t  *testing.T
	nb notebook
}

// runNotebook executes the notebook at path and fails the test if a cell
// shows an error.
func runNotebook(t *testing.T, path string) executedNotebook {
	nb := executeNotebook(t, path)
	for i, c := range nb.Cells {
		for _, o := range c.Outputs {
			if o.OutputType == "error" {
				t.Errorf("cell %d of %s failed: %s: %s", i, path, o.Ename, o.Evalue)
			}
		}
	}
	return executedNotebook{t, nb}
}

// cell returns the index of the one code cell whose source contains marker.
func (e executedNotebook) cell(marker string) int {
	e.t.Helper()
	found := -1
	for i, c := range e.nb.Cells {
		if c.CellType == "code" && strings.Contains(joined(c.Source), marker) {
			if found >= 0 {
				e.t.Fatalf("cells %d and %d both contain %q", found, i, marker)
			}
			found = i
		}
	}
	if found < 0 {
		e.t.Fatalf("no code cell contains %q", marker)
	}
	return found
}

// result returns the text/plain and text/html renditions of the result of
// the cell containing marker.
func (e executedNotebook) result(marker string) (plain, html string) {
	e.t.Helper()
	i := e.cell(marker)
	for _, o := range e.nb.Cells[i].Outputs {
		if o.OutputType == "execute_result" {
			return joined(o.Data["text/plain"]), joined(o.Data["text/html"])
		}
	}
	e.t.Fatalf("cell %d (%q) shows no result", i, marker)
	return "", ""
}

// stdout returns what the cell containing marker printed.
func (e executedNotebook) stdout(marker string) string {
	e.t.Helper()
	var b strings.Builder
	for _, o := range e.nb.Cells[e.cell(marker)].Outputs {
		if o.OutputType == "stream" && o.Name == "stdout" {
			b.WriteString(joined(o.Text))
		}
	}
	return b.String()
}

// outputData returns every rendition of every output of the cell containing
// marker, by MIME type.
func (e executedNotebook) outputData(marker string) map[string]string {
	e.t.Helper()
	data := map[string]string{}
	for _, o := range e.nb.Cells[e.cell(marker)].Outputs {
		for mime, v := range o.Data {
			data[mime] += joined(v)
		}
	}
	return data
}

// tableRows parses a text table as the kernel shows it ("  3  key words  42",
// under a header line and above a "N rows × M columns" line) into its rows'
// cells, without the row numbers. Cells are split at runs of two spaces.
func tableRows(plain string) [][]string {
	var rows [][]string
	for _, line := range strings.Split(plain, "\n") {
		fields := strings.Fields(line)
		if len(fields) < 2 {
			continue
		}
		if _, err := strconv.Atoi(fields[0]); err != nil || strings.Contains(line, " rows × ") || strings.Contains(line, " row × ") {
			continue
		}
		var cells []string
		for _, c := range strings.Split(strings.TrimSpace(line), "  ") {
			if c = strings.TrimSpace(c); c != "" {
				cells = append(cells, c)
			}
		}
		rows = append(rows, cells[1:])
	}
	return rows
}

// counts parses a shown table of (key, count) rows.
func counts(t *testing.T, plain string) map[string]int {
	t.Helper()
	out := map[string]int{}
	for _, row := range tableRows(plain) {
		n, err := strconv.Atoi(strings.ReplaceAll(row[len(row)-1], ",", "")) // 12,345: tables group digits
		if err != nil || len(row) != 2 {
			t.Fatalf("row %q is not (key, count) in\n%s", row, plain)
		}
		out[row[0]] = n
	}
	return out
}

// sameCounts checks a shown table of counts against the counts computed.
func sameCounts[K comparable](t *testing.T, what string, got map[string]int, want map[K]int) {
	t.Helper()
	if len(got) != len(want) {
		t.Errorf("%s: the notebook shows %d rows %v, want %d %v", what, len(got), got, len(want), want)
	}
	for k, n := range want {
		if key := fmt.Sprint(k); got[key] != n {
			t.Errorf("%s: %q shown as %d, want %d", what, key, got[key], n)
		}
	}
}

// checkTop checks a shown Top(n) table of (key, count) rows against all the
// counts: every count is right, and they are the n largest.
func checkTop(t *testing.T, what, plain string, all map[string]int, n int) {
	t.Helper()
	rows := tableRows(plain)
	if len(rows) != n {
		t.Fatalf("%s: %d rows shown, want %d:\n%s", what, len(rows), n, plain)
	}
	var shown, largest []int
	for _, row := range rows {
		c, _ := strconv.Atoi(strings.ReplaceAll(row[len(row)-1], ",", ""))
		if c != all[row[0]] {
			t.Errorf("%s: %q shown with %d, want %d", what, row[0], c, all[row[0]])
		}
		shown = append(shown, c)
	}
	for _, c := range all {
		largest = append(largest, c)
	}
	sort.Sort(sort.Reverse(sort.IntSlice(largest)))
	if fmt.Sprint(shown) != fmt.Sprint(largest[:n]) {
		t.Errorf("%s: counts shown %v, want the %d largest %v", what, shown, n, largest[:n])
	}
}

// sampleCrawl is what the test computes from the sample crawl of
// notebooks/data with fileio/warc alone.
type sampleCrawl struct {
	warcFiles, wetFiles int
	types               map[string]int
	statuses            map[int]int
	pagesPerDomain      map[string]int
	mainLanguages       map[string]int
	words               map[string]int
	// What the URL index says, from the WARC files: the main language that the metadata
	// record of each page gives (languages-cld2), the media type of each successful
	// fetch (WARC-Identified-Payload-Type), the successful fetches of French home pages.
	pageLanguages, detectedTypes map[string]int
	frenchHomePages              int
}

func readSampleCrawl(t *testing.T) sampleCrawl {
	t.Helper()
	s := sampleCrawl{types: map[string]int{}, statuses: map[int]int{}, pagesPerDomain: map[string]int{},
		mainLanguages: map[string]int{}, words: map[string]int{}, pageLanguages: map[string]int{}, detectedTypes: map[string]int{}}
	s.warcFiles = eachRecord(t, "*/warc/*.warc.gz", func(r *warc.Record) {
		s.types[r.Type()]++
		if r.Type() == warc.TypeResponse {
			s.statuses[r.HTTPStatus()]++
			u, err := url.Parse(r.TargetURI())
			if err != nil {
				t.Fatal(err)
			}
			labels := strings.Split(u.Hostname(), ".")
			s.pagesPerDomain[strings.Join(labels[len(labels)-2:], ".")]++
			if r.HTTPStatus() == 200 {
				s.detectedTypes[r.Header("WARC-Identified-Payload-Type")]++
				if u.Path == "/" && strings.HasSuffix(u.Hostname(), ".fr") {
					s.frenchHomePages++
				}
			}
		}
		if r.Type() == warc.TypeMetadata {
			_, cld2, found := strings.Cut(string(r.Body), "languages-cld2: ")
			if !found {
				return
			}
			cld2, _, _ = strings.Cut(cld2, "\r\n")
			var detected struct {
				Languages []struct {
					Code string `json:"code-iso-639-3"`
				} `json:"languages"`
			}
			if err := json.Unmarshal([]byte(cld2), &detected); err != nil || len(detected.Languages) == 0 {
				t.Fatalf("metadata record %s: languages-cld2 %q: %v", r.RecordID(), cld2, err)
			}
			s.pageLanguages[detected.Languages[0].Code]++
		}
	})
	s.wetFiles = eachRecord(t, "*/wet/*.warc.wet.gz", func(r *warc.Record) {
		if r.Type() != warc.TypeConversion {
			return
		}
		s.mainLanguages[r.Languages()[0]]++
		for _, w := range strings.FieldsFunc(strings.ToLower(r.Text()), func(c rune) bool {
			return !unicode.IsLetter(c) && !unicode.IsDigit(c)
		}) {
			s.words[w]++
		}
	})
	return s
}

func TestCommoncrawlNotebook(t *testing.T) {
	nb := runNotebook(t, "notebooks/commoncrawl.ipynb")
	want := readSampleCrawl(t)

	if plain, _ := nb.result(`listings := sc.TextFile(base + "/warc.paths.gz," + base + "/wet.paths.gz")`); strings.TrimSpace(plain) != strconv.Itoa(want.warcFiles+want.wetFiles) {
		t.Errorf("the WARC and WET listings have %s lines, want %d", plain, want.warcFiles+want.wetFiles)
	}
	plain, _ := nb.result(`allPaths := sc.TextFile(base + "/*.paths.gz")`)
	robotsFiles, _ := filepath.Glob("notebooks/data/crawl-data/CC-MAIN-2024-22/segments/*/robotstxt/*.warc.gz")
	sameCounts(t, "files per kind", counts(t, plain), map[string]int{"warc": want.warcFiles, "wet": want.wetFiles, "wat": want.warcFiles, "robotstxt": len(robotsFiles)})

	plain, _ = nb.result("records.Map(func(r *warc.Record) string { return r.Type() }).CountByValue()")
	sameCounts(t, "records by type", counts(t, plain), want.types)

	plain, html := nb.result("type recordRow struct")
	if rows := tableRows(plain); len(rows) != 10 || !strings.Contains(html, "<table") || !strings.Contains(plain, "URI") || !strings.Contains(plain, "Date") {
		t.Errorf("the sample records are not a table of 10 rows with columns URI, Type, Date, Length:\n%s", plain)
	}

	plain, _ = nb.result("topDomains := pagesPerDomain.Top(10")
	checkTop(t, "pages per domain", plain, want.pagesPerDomain, 10)

	plain, _ = nb.result("r.HTTPStatus() }).CountByValue()")
	sameCounts(t, "status codes", counts(t, plain), want.statuses)

	plain, _ = nb.result("mainLanguages := texts.Map(")
	sameCounts(t, "main languages", counts(t, plain), want.mainLanguages)

	plain, _ = nb.result("wordCounts := texts.")
	checkTop(t, "top words", plain, want.words, 20)

	for _, chart := range []string{"display.Bar(topDomains", "display.Bar(mainLanguages"} {
		data := nb.outputData(chart)
		if !strings.Contains(data["image/svg+xml"], "<svg") && !strings.Contains(data["text/html"], "<svg") {
			t.Errorf("the cell %s… shows no SVG chart: %v", chart, data)
		}
	}

	if out := nb.stdout("fmt.Println(wordCounts.ToDebugString())"); !strings.Contains(out, "ReduceByKey") || !strings.Contains(out, "CachedPartitions") {
		t.Errorf("the lineage of the word counts shows neither its shuffle nor its cache:\n%s", out)
	}

	// The URL index: the same counts as the WARC files give.
	if plain, _ := nb.result(`index := sc.ParquetFile(indexRoot`); strings.TrimSpace(plain) != strconv.Itoa(want.types["response"]) {
		t.Errorf("the index has %s rows, want one per response, %d", plain, want.types["response"])
	}
	plain, _ = nb.result(`Map(func(row map[string]any) rdd.Pair { return rdd.KV(row["url_host_registered_domain"], 1) })`)
	checkTop(t, "pages per domain from the index", plain, want.pagesPerDomain, 10)
	plain, _ = nb.result(`Filter(func(row map[string]any) bool { return row["content_languages"] != nil })`)
	sameCounts(t, "main languages from the index", counts(t, plain), want.pageLanguages)
	plain, _ = nb.result(`successes := sc.ReadParquet(indexRoot`)
	sameCounts(t, "media types of the successful fetches", counts(t, plain), want.detectedTypes)
	plain, html = nb.result(`sc.WarcRecords(frenchHomePages, root).Take(5)`)
	if want.frenchHomePages < 5 || strings.Count(plain, ".fr/") != 5 || !strings.Contains(html, "<table") || !strings.Contains(plain, "response") {
		t.Errorf("the records fetched by the index are not a table of 5 French home pages (of %d):\n%s", want.frenchHomePages, plain)
	}
	plain, _ = nb.result(`pagesPerDomain.SaveAsParquet(saved)`)
	checkTop(t, "pages per domain saved and read back", plain, want.pagesPerDomain, 3)
}

func TestTourNotebook(t *testing.T) {
	nb := runNotebook(t, "notebooks/tour.ipynb")
	readme, err := os.ReadFile("README.md")
	if err != nil {
		t.Fatal(err)
	}
	readmeLines := strings.Count(strings.TrimSuffix(string(readme), "\n"), "\n") + 1

	if plain, _ := nb.result("sc.Range(1, 101).Sum()"); plain != "5050" {
		t.Errorf("the sum of 1 to 100 shows as %q", plain)
	}
	if plain, _ := nb.result("calls := sc.Accumulator(0)"); plain != "0" {
		t.Errorf("a Map ran its function %s times before any action", plain)
	}
	if plain, _ := nb.result("fmt.Println(squares.Collect())"); plain != "10" {
		t.Errorf("Collect of 10 elements called the function %s times", plain)
	}
	if out := nb.stdout("err := rdd.Try("); !strings.Contains(out, "no-such-file.txt") {
		t.Errorf("the failed job's error does not name the missing file: %q", out)
	}

	joins := map[string]string{
		"countries.Join(capitals)":           "de Germany Berlin|fr France Paris|jp Japan Tokyo",
		"countries.FullOuterJoin(capitals)":  "br Brazil null|de Germany Berlin|fr France Paris|it null Rome|jp Japan Tokyo",
		"countries.LeftOuterJoin(capitals)":  "br Brazil null|de Germany Berlin|fr France Paris|jp Japan Tokyo",
		"animals.GroupByKey().SortByKey(tru": "bird [Tweety]|cat [Tom Felix]|dog [Rex Lassie]",
	}
	for marker, want := range joins {
		plain, _ := nb.result(marker)
		var got []string
		for _, row := range tableRows(plain) {
			got = append(got, strings.Join(row, " "))
		}
		if strings.Join(got, "|") != want {
			t.Errorf("%s shows %q, want %q", marker, strings.Join(got, "|"), want)
		}
	}

	// Caching: the lines are read once, by the first action only.
	first, _ := nb.result("linesRead := sc.Accumulator(0)")
	second, _ := nb.result("fmt.Println(words.Distinct().Count()")
	if first != strconv.Itoa(readmeLines) || second != first {
		t.Errorf("lines read by the first action %s and after the second %s, want %d both times", first, second, readmeLines)
	}
	if out := nb.stdout("fmt.Println(words.Distinct().Count()"); !strings.Contains(out, "cached: true") {
		t.Errorf("IsCached after Cache: %q", out)
	}
	if out := nb.stdout("fmt.Println(wordCounts.ToDebugString())"); !strings.Contains(out, "+-") || !strings.Contains(out, "CachedPartitions") {
		t.Errorf("the lineage shows no shuffle or no cached partitions:\n%s", out)
	}

	if lines := strings.Split(strings.TrimSpace(nb.stdout("second := sc.Range(0, 1000).TakeSample(false, 5, 7)")), "\n"); len(lines) != 2 || lines[0] != lines[1] {
		t.Errorf("two samples with the same seed differ: %q", lines)
	}

	if out := nb.stdout("squares.SaveAsTextFile(out)"); !strings.Contains(out, "_SUCCESS") || !strings.Contains(out, "part-00000") {
		t.Errorf("the saved directory lists %q", out)
	}
	plain, _ := nb.result("sc.TextFile(out).Collect()")
	var readBack []string
	for _, row := range tableRows(plain) {
		readBack = append(readBack, row[0])
	}
	if got := strings.Join(readBack, " "); got != "1 4 9 16 25 36 49 64 81 100" {
		t.Errorf("read back %q, want the squares of 1 to 10", got)
	}
	if out := nb.stdout(`squares.SaveAsTextFile(filepath.Join(dir, "squares-gz"), "gzip")`); !strings.HasPrefix(out, "10 lines") {
		t.Errorf("the gzip parts read back as %q", out)
	}
	if out := nb.stdout("compiled := numbers.Map(strings.TrimSpace).Count()"); strings.Count(out, "200000 elements") != 3 {
		t.Errorf("the interpreted, one-line and compiled maps printed %q", out)
	}
}

// exportToHTML executes notebooks/name.ipynb into the HTML page nbconvert
// makes of it, name.html in the directory it returns, with the path of the
// browser that is to load it (the test is skipped without one, or fails
// under GOSPARKLING_E2E, where scripts/install-deps.sh installed it).
func exportToHTML(t *testing.T, name string) (chromium, outDir string) {
	t.Helper()
	chromium = "/usr/bin/chromium"
	if _, err := os.Stat(chromium); err != nil {
		if os.Getenv("GOSPARKLING_E2E") != "" {
			t.Fatalf("GOSPARKLING_E2E is set but there is no browser: %v (scripts/install-deps.sh test installs chromium)", err)
		}
		t.Skip("no chromium")
	}
	py := python(t)
	outDir = t.TempDir()
	cmd := exec.Command(py, "-m", "nbconvert", "--to", "html", "--execute",
		"--ExecutePreprocessor.timeout=300", "--ExecutePreprocessor.kernel_name=gosparkling",
		"--output-dir", outDir, "--output", name+".html", name+".ipynb")
	cmd.Dir, cmd.Env = "notebooks", jupyterEnv(t)
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("nbconvert --to html: %v\n%s", err, out)
	}
	return chromium, outDir
}

// TestCommoncrawlNotebookInABrowser executes commoncrawl.ipynb into the
// HTML page Jupyter makes of a notebook and loads it in headless Chromium
// (Debian's chromium): the tables and the bar charts are in the page the
// browser built, and it draws them.
func TestCommoncrawlNotebookInABrowser(t *testing.T) {
	chromium, outDir := exportToHTML(t, "commoncrawl")
	page := "file://" + filepath.Join(outDir, "commoncrawl.html")
	browse := func(args ...string) []byte {
		ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
		defer cancel()
		flags := []string{"--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
			"--disable-component-update", "--disable-sync", "--no-first-run", "--disable-dev-shm-usage",
			"--user-data-dir=" + t.TempDir()}
		cmd := exec.CommandContext(ctx, chromium, append(append(flags, args...), page)...)
		cmd.WaitDelay = 5 * time.Second
		out, err := cmd.Output()
		if err != nil {
			t.Fatalf("chromium %v: %v", args, err)
		}
		return out
	}
	dom := string(browse("--dump-dom"))
	if n := strings.Count(dom, "<table"); n < 8 {
		t.Errorf("the page the browser built has %d tables, want the notebook's 8 or more", n)
	}
	if n := strings.Count(dom, "<svg"); n < 2 {
		t.Errorf("the page the browser built has %d SVG charts, want 2 or more", n)
	}
	if !strings.Contains(dom, "rows ×") {
		t.Error("the page shows no table's shape line (\"N rows × M columns\")")
	}
	shot := filepath.Join(outDir, "commoncrawl.png")
	browse("--screenshot="+shot, "--window-size=1200,4000")
	if info, err := os.Stat(shot); err != nil || info.Size() < 10_000 {
		t.Errorf("the screenshot of the notebook is missing or blank: %v", err)
	}
	if dir := os.Getenv("GOSPARKLING_SCREENSHOTS"); dir != "" {
		data, _ := os.ReadFile(shot)
		os.WriteFile(filepath.Join(dir, "commoncrawl.png"), data, 0o644)
	}
}
