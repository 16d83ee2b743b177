//go:build unix

package display

import (
	"encoding/json"
	"fmt"
	"html"
	"math"
	"os"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"
)

// clickScript drives a live table as a user would, by clicking its
// headers and buttons and typing in its search box, and writes what it
// saw after each step as JSON into <pre id="probe">. With ?shot it stops
// after sorting by count, largest first, and turning to the second page,
// with ?summary after showing the summary, with ?profile after opening
// the profile of all rows with the Profile button, so that a screenshot
// shows that state.
const clickScript = `<script>
(function(){
var root=document.querySelector("#table .gsp-table"),steps=[];
function state(name){
  var rows=root.querySelectorAll("tbody tr"),first=rows.length?rows[0].cells:[];
  steps.push({name:name,info:(root.querySelector(".gsp-info")||{}).textContent||"",rows:rows.length,
    first:Array.prototype.map.call(first,function(c){return c.textContent;}),
    title:first.length?first[first.length-1].getAttribute("title")||"":""});
}
function click(sel){root.querySelector(sel).click();}
function search(text){var s=root.querySelector(".gsp-search");s.value=text;s.dispatchEvent(new Event("input"));}
state("loaded");
if(location.search==="?summary"){click(".gsp-summary");return;}
if(location.search==="?profile"){click(".gsp-profile-button");return;}
click('th[data-col="1"]');state("count ascending");
click('th[data-col="1"]');state("count descending");
click(".gsp-next");state("page 2");
if(location.search!=="?shot"){
  click(".gsp-last");state("last page");
  click('th[data-col="0"]');state("word ascending");
  search("word0042");state("search");
  search("");click('th[data-col="0"]');click('th[data-col="0"]');state("original order");
  click(".gsp-summary");
  var sum=root.querySelector(".gsp-summary-table"),cells=sum?sum.tBodies[0].rows[1].cells:[];
  steps.push({name:"summary",info:sum?sum.caption.textContent:"",rows:sum?sum.tBodies[0].rows.length:0,
    first:Array.prototype.map.call(cells,function(c){return c.textContent;})});
  click(".gsp-summary");
  var det=document.querySelector("#table details.gsp-profile-link");
  click(".gsp-profile-button");
  steps.push({name:"profile",info:det&&det.open?det.querySelector(".gsp-profile div").textContent:"closed",
    rows:det?det.querySelectorAll(".gsp-profile tbody tr").length:0});
}
document.getElementById("probe").textContent=JSON.stringify(steps);
})();
</script>`

type tableStep struct {
	Name  string   `json:"name"`
	Info  string   `json:"info"`
	Rows  int      `json:"rows"`
	First []string `json:"first"`
	Title string   `json:"title"`
}

// tablePage is a page with a table of 12,000 words and their counts, of
// which the first 10,000 travel with it.
func tablePage(theme string) string {
	type row struct {
		Word  string
		Count int
		Share float64
	}
	rows := make([]row, 12_000)
	for i := range rows {
		n := (i*7919)%12_000 + 1
		rows[i] = row{fmt.Sprintf("word%04d", i), n, float64(n) / 3}
	}
	colours := pageThemes[theme]
	return fmt.Sprintf(`<!doctype html>
<html><head><meta charset="utf-8"><title>gosparkling table, %s</title></head>
<body style="background:%s;color:%s;font-family:sans-serif;font-size:14px;margin:16px">
<section id="table">%s</section>
<pre id="probe"></pre>
%s
</body></html>
`, theme, colours[0], colours[1], Bundle(rows)["text/html"], clickScript)
}

// TestBrowserTablePagesSortsSearches opens a table of 12,000 rows in
// headless Chromium and pages, sorts and searches it by clicking.
func TestBrowserTablePagesSortsSearches(t *testing.T) {
	needChromium(t)
	dir := screenshotDir(t)
	page := filepath.Join(dir, "table.html")
	if err := os.WriteFile(page, []byte(tablePage("light")), 0o644); err != nil {
		t.Fatal(err)
	}
	dom := runChromium(t, "--dump-dom", "file://"+page)
	m := regexp.MustCompile(`(?s)<pre id="probe">(.*?)</pre>`).FindSubmatch(dom)
	if m == nil || len(m[1]) == 0 {
		t.Fatalf("no probe results in the DOM: the table's script did not run\n%.2000s", dom)
	}
	var steps []tableStep
	if err := json.Unmarshal([]byte(html.UnescapeString(string(m[1]))), &steps); err != nil {
		t.Fatalf("probe results %s: %v", m[1], err)
	}
	third := func(n int) string { return strconv.FormatFloat(float64(n)/3, 'g', -1, 64) }
	want := []tableStep{
		{"loaded", "rows 1–20 of 10,000 · the first 10,000 of 12,000 rows are here", 20, []string{"0", "word0000", "1", "0.333333"}, third(1)},
		{"count ascending", "rows 1–20 of 10,000 · the first 10,000 of 12,000 rows are here", 20, []string{"0", "word0000", "1", "0.333333"}, third(1)},
		{"count descending", "rows 1–20 of 10,000 · the first 10,000 of 12,000 rows are here", 20, []string{"8642", "word8642", "11,999", "3999.67"}, third(11_999)},
		{"page 2", "rows 21–40 of 10,000 · the first 10,000 of 12,000 rows are here", 20, nil, ""},
		{"last page", "rows 9,981–10,000 of 10,000 · the first 10,000 of 12,000 rows are here", 20, nil, ""},
		{"word ascending", "rows 1–20 of 10,000 · the first 10,000 of 12,000 rows are here", 20, []string{"0", "word0000", "1", "0.333333"}, third(1)},
		{"search", "rows 1–1 of 1 matching (of 10,000) · the first 10,000 of 12,000 rows are here", 1, []string{"42", "word0042", "8599", "2866.33"}, third(8599)},
		{"original order", "rows 1–20 of 10,000 · the first 10,000 of 12,000 rows are here", 20, []string{"0", "word0000", "1", "0.333333"}, third(1)},
		{"summary", "Summary of the 10,000 rows here", 3, summaryOfCounts(10_000), ""},
		{"profile", "Profile of 12,000 rows × 3 columns", 3, nil, ""},
	}
	if len(steps) != len(want) {
		t.Fatalf("%d steps, want %d: %+v", len(steps), len(want), steps)
	}
	for i, w := range want {
		g := steps[i]
		if g.Info != w.Info || g.Rows != w.Rows || (w.First != nil && (fmt.Sprint(g.First) != fmt.Sprint(w.First) || g.Title != w.Title)) {
			t.Errorf("after %q: info %q, %d rows, first %q (title %q); want %q, %d rows, first %q (title %q)",
				w.Name, g.Info, g.Rows, g.First, g.Title, w.Info, w.Rows, w.First, w.Title)
		}
	}

	// Where scripts are removed (GitHub's sanitizer, an untrusted
	// notebook's) the static table of the first rows shows, with its
	// notice of the others.
	sanitized := filepath.Join(dir, "table-static.html")
	bare := regexp.MustCompile(`(?s)<script.*?</script>`).ReplaceAllString(tablePage("light"), "")
	if err := os.WriteFile(sanitized, []byte(bare), 0o644); err != nil {
		t.Fatal(err)
	}
	static := string(runChromium(t, "--dump-dom", "file://"+sanitized))
	// The header row starts as the rows do, with the row numbers' column.
	// The profile of all rows is there, folded, under its link.
	bar, rows, notice := strings.Contains(static, `class="gsp-bar"`), strings.Count(static, "<tr><th>")-1, strings.Contains(static, "… 11,980 more rows")
	profile := strings.Contains(static, `<details class="gsp-profile-link"`) && strings.Contains(static, "Profile of all 12,000 rows")
	if bar || rows != 20 || !notice || !profile {
		t.Errorf("without scripts: a live bar %v, %d static rows, the notice of the other rows %v, the profile's link %v; want no bar, 20 rows, the notice, the link",
			bar, rows, notice, profile)
	}
	runChromium(t, "--hide-scrollbars", "--window-size=900,700", "--screenshot="+filepath.Join(dir, "table-static.png"), "file://"+sanitized)

	shot := filepath.Join(dir, "table-sorted-page2.png")
	runChromium(t, "--hide-scrollbars", "--window-size=900,900", "--screenshot="+shot, "file://"+page+"?shot")
	runChromium(t, "--hide-scrollbars", "--window-size=900,300", "--screenshot="+filepath.Join(dir, "table-summary.png"), "file://"+page+"?summary")
	runChromium(t, "--hide-scrollbars", "--window-size=900,1100", "--screenshot="+filepath.Join(dir, "table-profile.png"), "file://"+page+"?profile")
	t.Logf("screenshots: %s, table-summary.png, table-profile.png and table-static.png beside it", shot)
}

// summaryOfCounts is the Summary line of the Count column of the first n
// rows of tablePage's table, as the table's script writes it.
func summaryOfCounts(n int) []string {
	lo, hi, sum := math.MaxInt, 0, 0
	for i := range n {
		c := (i*7919)%12_000 + 1
		lo, hi, sum = min(lo, c), max(hi, c), sum+c
	}
	return []string{"Count", thousands(int64(n)), "0", thousands(int64(n)), readableFloat(float64(lo)), readableFloat(float64(hi)), readableFloat(float64(sum) / float64(n)), ""}
}

// needChromium skips the test without Debian's chromium, unless the
// end-to-end tests are asked for (GOSPARKLING_E2E=1): then it fails.
func needChromium(t *testing.T) {
	t.Helper()
	if _, err := os.Stat(chromiumPath); err != nil {
		if os.Getenv("GOSPARKLING_E2E") == "1" {
			t.Fatalf("GOSPARKLING_E2E=1 but no browser: %v (apt-get install chromium)", err)
		}
		t.Skipf("no %s: install Debian's chromium to run this test", chromiumPath)
	}
}

// screenshotDir is where pages and screenshots go: GOSPARKLING_SCREENSHOTS
// if set, to look at them, else a temporary directory.
func screenshotDir(t *testing.T) string {
	if dir := os.Getenv("GOSPARKLING_SCREENSHOTS"); dir != "" {
		if err := os.MkdirAll(dir, 0o755); err != nil {
			t.Fatal(err)
		}
		return dir
	}
	return t.TempDir()
}
