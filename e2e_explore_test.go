package main

import (
	"context"
	"encoding/json"
	"html"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"
)

// exploreClicks drives the first live table of a page as a user would,
// clicking headers and buttons and typing in the search box, and writes
// what it saw after each step into <pre id="gsp-probe">.
const exploreClicks = `<pre id="gsp-probe"></pre>
<script>
(function(){
var root=document.querySelector("div.gsp-table[data-live]"),steps=[];
function state(name){
  if(!root){steps.push({name:name,info:"no live table"});return;}
  var rows=root.querySelectorAll("tbody tr"),first=rows.length?rows[0].cells:[];
  steps.push({name:name,info:root.querySelector(".gsp-info").textContent,rows:rows.length,
    first:Array.prototype.map.call(first,function(c){return c.textContent;})});
}
state("loaded");
if(root){
  root.querySelector('th[data-col="2"]').click();root.querySelector('th[data-col="2"]').click();state("bytes descending");
  root.querySelector(".gsp-next").click();state("page 2");
  var s=root.querySelector(".gsp-search");s.value="host42.";s.dispatchEvent(new Event("input"));state("search");
}
document.getElementById("gsp-probe").textContent=JSON.stringify(steps);
})();
</script>
`

// TestExploreNotebookInABrowser executes explore.ipynb into the HTML page
// nbconvert makes of a notebook, opens it in headless Chromium and sorts,
// pages and searches its 10,000-row table by clicking: the table works
// in the exported HTML, with no kernel and no network. The profile, the
// charts and the job's final state are in the page. With
// GOSPARKLING_SCREENSHOTS set, the page and its screenshots are kept
// there.
func TestExploreNotebookInABrowser(t *testing.T) {
	chromium, outDir := exportToHTML(t, "explore")
	exported, err := os.ReadFile(filepath.Join(outDir, "explore.html"))
	if err != nil {
		t.Fatal(err)
	}
	page := string(exported)
	for _, want := range []string{`class="gsp-profile"`, `class="gsp-line"`, `class="gsp-dots"`, `class="gsp-job" data-state="done"`, "Profile of 10,000 rows"} {
		if !strings.Contains(page, want) {
			t.Errorf("the exported page lacks %s", want)
		}
	}
	i := strings.LastIndex(page, "</body>")
	if i < 0 {
		t.Fatal("the exported page has no </body>")
	}
	clicked := filepath.Join(outDir, "explore-clicked.html")
	if err := os.WriteFile(clicked, []byte(page[:i]+exploreClicks+page[i:]), 0o644); err != nil {
		t.Fatal(err)
	}
	browse := func(path string, args ...string) []byte {
		ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
		defer cancel()
		flags := []string{"--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
			"--disable-component-update", "--disable-sync", "--no-first-run", "--disable-dev-shm-usage",
			"--user-data-dir=" + t.TempDir()}
		cmd := exec.CommandContext(ctx, chromium, append(append(flags, args...), "file://"+path)...)
		cmd.WaitDelay = 5 * time.Second
		out, err := cmd.Output()
		if err != nil {
			t.Fatalf("chromium %v: %v", args, err)
		}
		return out
	}
	dom := browse(clicked, "--dump-dom")
	m := regexp.MustCompile(`(?s)<pre id="gsp-probe">(.*?)</pre>`).FindSubmatch(dom)
	if m == nil || len(m[1]) == 0 {
		t.Fatal("no probe results: the clicking script did not run")
	}
	var steps []struct {
		Name  string   `json:"name"`
		Info  string   `json:"info"`
		Rows  int      `json:"rows"`
		First []string `json:"first"`
	}
	if err := json.Unmarshal([]byte(html.UnescapeString(string(m[1]))), &steps); err != nil {
		t.Fatalf("probe results %s: %v", m[1], err)
	}
	want := []struct {
		name, info string
		rows       int
		first      []string // row number, host, status, bytes
	}{
		{"loaded", "rows 1–20 of 10,000", 20, []string{"0", "host00.example.org", "404", "0"}},
		{"bytes descending", "rows 1–20 of 10,000", 20, []string{"2321", "host21.example.org", "200", "36,996.3"}},
		{"page 2", "rows 21–40 of 10,000", 20, nil},
		{"search", "rows 1–20 of 100 matching (of 10,000)", 20, nil},
	}
	if len(steps) != len(want) {
		t.Fatalf("steps %+v, want %d", steps, len(want))
	}
	for i, w := range want {
		g := steps[i]
		ok := g.Info == w.info && g.Rows == w.rows
		if w.first != nil {
			ok = ok && len(g.First) >= 4 && strings.Join(g.First[:4], "|") == strings.Join(w.first, "|")
		}
		if !ok {
			t.Errorf("after %q: %q, %d rows, first %q; want %q, %d rows, first %q", w.name, g.Info, g.Rows, g.First, w.info, w.rows, w.first)
		}
	}
	if dir := os.Getenv("GOSPARKLING_SCREENSHOTS"); dir != "" {
		if err := os.MkdirAll(dir, 0o755); err != nil {
			t.Fatal(err)
		}
		os.WriteFile(filepath.Join(dir, "explore.html"), exported, 0o644)
		browse(filepath.Join(outDir, "explore.html"), "--hide-scrollbars", "--window-size=1100,4200", "--screenshot="+filepath.Join(dir, "explore.png"))
		browse(clicked, "--hide-scrollbars", "--window-size=1100,1000", "--screenshot="+filepath.Join(dir, "explore-table-searched.png"))
	}
}
