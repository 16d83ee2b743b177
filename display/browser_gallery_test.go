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
	"strings"
	"testing"
	"time"

	"github.com/gosparkling/gosparkling/rdd"
)

// galleryProbe measures the profile, charts and jobs of the gallery page
// and writes the figures as JSON into <pre id="probe">.
const galleryProbe = `<script>
(function(){
var NS="http://www.w3.org/2000/svg";
function q(s){return document.querySelector(s);}
var line=q("#line .gsp-line"),label=q("#line").getElementsByTagNameNS(NS,"text")[1];
document.getElementById("probe").textContent=JSON.stringify({
  sparks:document.querySelectorAll("#profile svg.gsp-spark").length,
  profileRows:document.querySelectorAll("#profile tbody tr").length,
  lineWidth:line?Math.round(line.getBoundingClientRect().width):0,
  dots:document.querySelectorAll("#scatter circle").length,
  jobs:Array.prototype.map.call(document.querySelectorAll("#jobs .gsp-job"),function(j){return j.getAttribute("data-state");}),
  stages:document.querySelectorAll("#jobs [role=progressbar]").length,
  labelFill:getComputedStyle(label).fill,
  bodyColour:getComputedStyle(document.body).color
});
})();
</script>`

// galleryPage shows a profile, a line chart, a scatter plot and jobs
// running, done and interrupted, on the theme's background.
func galleryPage(t *testing.T, theme string) string {
	t.Helper()
	type visit struct {
		Host    string
		Bytes   float64
		Seconds float64
		Lang    string
	}
	visits := make([]visit, 2000)
	xs := make([]rdd.Pair, 300)
	for i := range visits {
		bytes := math.Abs(math.Sin(float64(i))) * 1e5
		visits[i] = visit{fmt.Sprintf("host%d.org", i%7), bytes, bytes/5e4 + math.Abs(math.Cos(float64(i)*7)), []string{"en", "de", ""}[i%3]}
	}
	for i := range xs {
		xs[i] = rdd.KV(i, math.Sin(float64(i)/20)*100+float64(i))
	}
	start := time.Date(2024, 5, 1, 12, 0, 0, 0, time.UTC)
	write := rdd.StageProgress{JobID: 4, Stage: "ReduceByKey (shuffle write)", RDD: "MapPartitionsRDD[3] at Map at In [5]:2", Done: 8, Total: 8,
		Records: 1_200_000, Bytes: 96_000_000, Started: start, Ended: start.Add(4 * time.Second), Finished: true}
	read := rdd.StageProgress{JobID: 4, Stage: "Collect", RDD: "ShuffledRDD[4] at ReduceByKey at In [5]:3", Done: 3, Running: 2, Total: 8,
		Records: 40_000, Started: start.Add(4 * time.Second)}
	stopped := rdd.StageProgress{JobID: 5, Stage: "Count", RDD: "MapPartitionsRDD[7] at Map at In [6]:1", Done: 0, Total: 2,
		Records: 12, Started: start, Ended: start.Add(3 * time.Second), Finished: true, Failed: true, Cancelled: true}
	done := write
	done.JobID = 6
	sections := []struct{ id, html string }{
		{"profile", Profile(visits).MIMEBundle()["text/html"].(string)},
		{"line", Line(xs, Title("A line")).MIMEBundle()["text/html"].(string)},
		{"scatter", Scatter(visits, XY("Bytes", "Seconds"), Title("A scatter")).MIMEBundle()["text/html"].(string)},
		{"jobs", JobProgress([]rdd.StageProgress{write, read}, start.Add(6500*time.Millisecond))["text/html"].(string) +
			JobProgress([]rdd.StageProgress{stopped}, start.Add(time.Hour))["text/html"].(string) +
			JobProgress([]rdd.StageProgress{done}, start.Add(time.Hour))["text/html"].(string)},
	}
	colours := pageThemes[theme]
	var b strings.Builder
	fmt.Fprintf(&b, "<!doctype html>\n<html><head><meta charset=\"utf-8\"><title>gosparkling gallery, %s</title></head>\n", theme)
	fmt.Fprintf(&b, `<body style="background:%s;color:%s;font-family:sans-serif;font-size:14px;margin:16px">`+"\n", colours[0], colours[1])
	for _, s := range sections {
		fmt.Fprintf(&b, "<section id=%q style=\"margin-bottom:16px\">\n%s</section>\n", s.id, s.html)
	}
	b.WriteString(`<pre id="probe"></pre>` + "\n" + galleryProbe + "\n</body></html>\n")
	return b.String()
}

// TestBrowserGallery draws a profile, a line chart, a scatter plot and
// jobs in headless Chromium, in a light and a dark theme, and saves
// screenshots.
func TestBrowserGallery(t *testing.T) {
	needChromium(t)
	dir := screenshotDir(t)
	for _, theme := range []string{"light", "dark"} {
		t.Run(theme, func(t *testing.T) {
			page := filepath.Join(dir, "gallery-"+theme+".html")
			if err := os.WriteFile(page, []byte(galleryPage(t, theme)), 0o644); err != nil {
				t.Fatal(err)
			}
			dom := runChromium(t, "--dump-dom", "file://"+page)
			m := regexp.MustCompile(`(?s)<pre id="probe">(.*?)</pre>`).FindSubmatch(dom)
			if m == nil || len(m[1]) == 0 {
				t.Fatalf("no probe results in the DOM")
			}
			var got struct {
				Sparks      int      `json:"sparks"`
				ProfileRows int      `json:"profileRows"`
				LineWidth   int      `json:"lineWidth"`
				Dots        int      `json:"dots"`
				Jobs        []string `json:"jobs"`
				Stages      int      `json:"stages"`
				LabelFill   string   `json:"labelFill"`
				BodyColour  string   `json:"bodyColour"`
			}
			if err := json.Unmarshal([]byte(html.UnescapeString(string(m[1]))), &got); err != nil {
				t.Fatalf("probe results %s: %v", m[1], err)
			}
			if got.ProfileRows != 4 || got.Sparks != 2 {
				t.Errorf("profile: %d rows, %d histograms; want 4 rows, 2 histograms (Bytes, Seconds)", got.ProfileRows, got.Sparks)
			}
			if got.LineWidth < 450 {
				t.Errorf("the line is %d pixels wide, want it across the plot", got.LineWidth)
			}
			if got.Dots != 2000 {
				t.Errorf("%d dots, want 2000", got.Dots)
			}
			if strings.Join(got.Jobs, " ") != "running interrupted done" || got.Stages != 4 {
				t.Errorf("jobs %v with %d stage bars, want running, interrupted and done with 4", got.Jobs, got.Stages)
			}
			if want := cssRGB(pageThemes[theme][1]); got.LabelFill != want || got.BodyColour != want {
				t.Errorf("chart labels are %s on a page whose text is %s, want %s", got.LabelFill, got.BodyColour, want)
			}
			shot := filepath.Join(dir, "gallery-"+theme+".png")
			runChromium(t, "--hide-scrollbars", "--window-size=900,1500", "--screenshot="+shot, "file://"+page)
			checkScreenshot(t, shot, theme, 900, 1500, 3000)
			t.Logf("screenshot: %s", shot)
		})
	}
}
