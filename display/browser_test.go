//go:build unix

package display

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"html"
	"image"
	"image/png"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/gosparkling/gosparkling/rdd"
)

// chromiumPath is where Debian's chromium package installs the browser.
const chromiumPath = "/usr/bin/chromium"

// pageThemes are the backgrounds and text colours of the test pages, as a
// light and a dark notebook theme.
var pageThemes = map[string][2]string{
	"light": {"#ffffff", "#1f1f1f"},
	"dark":  {"#111111", "#dddddd"},
}

// probeScript measures, once the page is parsed, what the test checks, and
// writes it as JSON into <pre id="probe">.
const probeScript = `<script>
const svgNS = "http://www.w3.org/2000/svg";
const bar = document.querySelector("#bar");
const text = bar.getElementsByTagNameNS(svgNS, "text")[1];
document.getElementById("probe").textContent = JSON.stringify({
  tableRows: document.querySelectorAll("#table table tbody tr").length,
  tableCells: Array.from(document.querySelectorAll("#table table tbody tr:first-child td")).map(td => td.textContent),
  svgs: document.getElementsByTagNameNS(svgNS, "svg").length,
  barRects: Array.from(bar.getElementsByTagNameNS(svgNS, "rect")).map(r => Math.round(r.getBoundingClientRect().width)),
  barHeight: Math.round(bar.getElementsByTagNameNS(svgNS, "svg")[0].getBoundingClientRect().height),
  histogramRects: document.querySelector("#histogram").getElementsByTagNameNS(svgNS, "rect").length,
  chartTextFill: getComputedStyle(text).fill,
  bodyColour: getComputedStyle(document.body).color,
  rddPre: document.querySelector("#rdd pre").textContent.split("\n").length,
  progress: document.querySelectorAll("#progress [role=progressbar]").length,
});
</script>`

// browserPage makes a page of several bundles' HTML, as a notebook shows
// them one under the other, on the theme's background.
func browserPage(t *testing.T, theme string) string {
	t.Helper()
	colours := pageThemes[theme]
	sc := rdd.NewContext(rdd.WithCallSite(func() string { return "In [3]" }), rdd.WithParallelism(2))
	words := sc.Parallelize(strings.Fields(strings.Repeat("the cat and the hat and the bat sat on the mat ", 40)+
		"<b>not bold</b> a b c d e f g h i j k l m n o p"), 4)
	counts := words.Map(func(w string) rdd.Pair { return rdd.KV(w, 1) }).ReduceByKey(func(a, b int) int { return a + b })
	lengths := words.Map(func(w string) int { return len(w) })
	start := time.Date(2024, 5, 1, 12, 0, 0, 0, time.UTC)

	sections := []struct{ id, html string }{
		{"table", Bundle(counts.Top(8, func(p rdd.Pair) any { return p.Value }))["text/html"].(string)},
		{"bar", Bundle(Bar(words.CountByValue(), Title("Top words")))["text/html"].(string)},
		{"histogram", Bundle(Histogram(lengths.Histogram(5)))["text/html"].(string)},
		{"rdd", Bundle(counts)["text/html"].(string)},
		{"progress", ProgressBar(rdd.StageProgress{JobID: 1, Stage: "Count", RDD: counts.String(), Done: 12, Total: 40, Started: start}, start.Add(3100*time.Millisecond))["text/html"].(string) +
			ProgressBar(rdd.StageProgress{JobID: 2, Stage: "Collect", Done: 40, Total: 40, Started: start, Finished: true}, start.Add(3200*time.Millisecond))["text/html"].(string) +
			ProgressBar(rdd.StageProgress{JobID: 3, Stage: "Reduce", Done: 7, Total: 40, Started: start, Finished: true, Failed: true}, start.Add(time.Second))["text/html"].(string)},
	}
	var b strings.Builder
	fmt.Fprintf(&b, "<!doctype html>\n<html><head><meta charset=\"utf-8\"><title>gosparkling display, %s</title></head>\n", theme)
	fmt.Fprintf(&b, `<body style="background:%s;color:%s;font-family:sans-serif;font-size:14px;margin:16px">`+"\n", colours[0], colours[1])
	for _, s := range sections {
		fmt.Fprintf(&b, "<section id=%q style=\"margin-bottom:16px\">\n%s</section>\n", s.id, s.html)
	}
	b.WriteString(`<pre id="probe"></pre>` + "\n" + probeScript + "\n</body></html>\n")
	return b.String()
}

// runChromium runs headless Chromium with args after its usual flags, and
// returns its standard output. The browser's processes are killed if it
// outlives the test's patience.
func runChromium(t *testing.T, args ...string) []byte {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
	defer cancel()
	flags := []string{"--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
		"--disable-component-update", "--disable-sync", "--no-first-run", "--disable-dev-shm-usage",
		"--user-data-dir=" + t.TempDir()}
	cmd := exec.CommandContext(ctx, chromiumPath, append(flags, args...)...)
	cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true}
	cmd.Cancel = func() error { return syscall.Kill(-cmd.Process.Pid, syscall.SIGKILL) }
	cmd.WaitDelay = 5 * time.Second
	var stdout, stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	if err := cmd.Run(); err != nil {
		t.Fatalf("chromium %s: %v\n%s", strings.Join(args, " "), err, stderr.String())
	}
	return stdout.Bytes()
}

func TestBrowserRendersBundles(t *testing.T) {
	if _, err := os.Stat(chromiumPath); err != nil {
		if os.Getenv("GOSPARKLING_E2E") == "1" {
			t.Fatalf("GOSPARKLING_E2E=1 but no browser: %v (apt-get install chromium)", err)
		}
		t.Skipf("no %s: install Debian's chromium to run this test", chromiumPath)
	}
	// GOSPARKLING_SCREENSHOTS names a directory where the pages and
	// screenshots are kept, to look at them.
	dir := screenshotDir(t)
	for _, theme := range []string{"light", "dark"} {
		t.Run(theme, func(t *testing.T) {
			page := filepath.Join(dir, theme+".html")
			if err := os.WriteFile(page, []byte(browserPage(t, theme)), 0o644); err != nil {
				t.Fatal(err)
			}
			checkDOM(t, runChromium(t, "--dump-dom", "file://"+page), pageThemes[theme][1])

			shot := filepath.Join(dir, theme+".png")
			runChromium(t, "--hide-scrollbars", "--window-size=1000,1400", "--screenshot="+shot, "file://"+page)
			checkScreenshot(t, shot, theme, 1000, 1400, 20_000)
			t.Logf("screenshot: %s", shot)
		})
	}
}

// checkDOM checks what the probe script measured in the parsed page.
func checkDOM(t *testing.T, dom []byte, textColour string) {
	t.Helper()
	m := regexp.MustCompile(`(?s)<pre id="probe">(.*?)</pre>`).FindSubmatch(dom)
	if m == nil {
		t.Fatalf("no probe results in the DOM:\n%s", dom)
	}
	var got struct {
		TableRows      int      `json:"tableRows"`
		TableCells     []string `json:"tableCells"`
		SVGs           int      `json:"svgs"`
		BarRects       []int    `json:"barRects"`
		BarHeight      int      `json:"barHeight"`
		HistogramRects int      `json:"histogramRects"`
		ChartTextFill  string   `json:"chartTextFill"`
		BodyColour     string   `json:"bodyColour"`
		RDDPre         int      `json:"rddPre"`
		Progress       int      `json:"progress"`
	}
	if err := json.Unmarshal([]byte(html.UnescapeString(string(m[1]))), &got); err != nil {
		t.Fatalf("probe results %s: %v", m[1], err)
	}
	if got.TableRows != 8 || len(got.TableCells) != 2 || got.TableCells[0] != "the" || got.TableCells[1] != "160" {
		t.Errorf("table: %d rows, first %q; want 8 rows, first the 160", got.TableRows, got.TableCells)
	}
	if got.SVGs != 2 {
		t.Errorf("%d SVG elements in the SVG namespace, want 2 (bar chart and histogram)", got.SVGs)
	}
	if len(got.BarRects) != DefaultMaxBars {
		t.Errorf("bar chart has %d rects, want %d", len(got.BarRects), DefaultMaxBars)
	}
	for i, w := range got.BarRects {
		if w > got.BarRects[0] || (i == 0 && (w < 300 || w > chartWidth)) {
			t.Errorf("bar widths %v: the first should be the widest, between 300 and %d pixels", got.BarRects, chartWidth)
			break
		}
	}
	if want := titleHeight + DefaultMaxBars*barPitch + chartPad + noteHeight; got.BarHeight != want {
		t.Errorf("bar chart is %d pixels high, want %d", got.BarHeight, want)
	}
	if got.HistogramRects != 5 {
		t.Errorf("histogram has %d rects, want 5", got.HistogramRects)
	}
	if got.ChartTextFill != got.BodyColour || got.BodyColour != cssRGB(textColour) {
		t.Errorf("chart text is %s on a page whose text is %s, want both %s", got.ChartTextFill, got.BodyColour, cssRGB(textColour))
	}
	if got.RDDPre != 3 {
		t.Errorf("RDD lineage has %d lines, want 3", got.RDDPre)
	}
	if got.Progress != 3 {
		t.Errorf("%d progress bars, want 3", got.Progress)
	}
}

// cssRGB writes "#rrggbb" as getComputedStyle does: "rgb(r, g, b)".
func cssRGB(hex string) string {
	var r, g, b int
	fmt.Sscanf(hex, "#%02x%02x%02x", &r, &g, &b)
	return fmt.Sprintf("rgb(%d, %d, %d)", r, g, b)
}

// checkScreenshot checks that the screenshot is width by height and shows
// the charts' blue (at least minFill pixels) and text in the theme's
// colour.
func checkScreenshot(t *testing.T, path, theme string, width, height, minFill int) {
	t.Helper()
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	img, err := png.Decode(f)
	if err != nil {
		t.Fatalf("screenshot: %v", err)
	}
	if b := img.Bounds(); b.Dx() != width || b.Dy() != height {
		t.Errorf("screenshot is %v, want %d×%d", b, width, height)
	}
	fill, text := countColour(img, 0x4e, 0x79, 0xa7, 12), 0
	switch theme {
	case "light":
		text = countLuma(img, func(y int) bool { return y < 80 })
	case "dark":
		text = countLuma(img, func(y int) bool { return y > 170 })
	}
	if fill < minFill {
		t.Errorf("%s: %d pixels of the bars' blue, want the charts' bars drawn", theme, fill)
	}
	if text < 5_000 {
		t.Errorf("%s: %d pixels of text in the theme's colour, want text readable on the background", theme, text)
	}
}

// countColour counts the pixels within tol of the colour r, g, b.
func countColour(img image.Image, r, g, b uint8, tol int) int {
	n := 0
	bounds := img.Bounds()
	for y := bounds.Min.Y; y < bounds.Max.Y; y++ {
		for x := bounds.Min.X; x < bounds.Max.X; x++ {
			pr, pg, pb, _ := img.At(x, y).RGBA()
			if near(pr>>8, r, tol) && near(pg>>8, g, tol) && near(pb>>8, b, tol) {
				n++
			}
		}
	}
	return n
}

func near(v uint32, want uint8, tol int) bool {
	d := int(v) - int(want)
	return d >= -tol && d <= tol
}

// countLuma counts the grey pixels whose luma satisfies keep.
func countLuma(img image.Image, keep func(int) bool) int {
	n := 0
	bounds := img.Bounds()
	for y := bounds.Min.Y; y < bounds.Max.Y; y++ {
		for x := bounds.Min.X; x < bounds.Max.X; x++ {
			r, g, b, _ := img.At(x, y).RGBA()
			r, g, b = r>>8, g>>8, b>>8
			if max(r, g, b)-min(r, g, b) > 24 {
				continue // coloured: a bar, not text
			}
			if keep(int(299*r+587*g+114*b) / 1000) {
				n++
			}
		}
	}
	return n
}
