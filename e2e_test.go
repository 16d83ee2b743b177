package main

// End-to-end tests: the gosparkling binary, installed as a kernelspec in a
// private Jupyter directory, runs notebooks under Debian's Jupyter. The
// binary is built once per test run. They need /usr/bin/python3 with
// jupyter_client and nbconvert; `make test` installs those and sets
// GOSPARKLING_E2E=1, which turns a missing Jupyter into a failure.

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"sort"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"
	"unicode"
)

// kernelBinary is the gosparkling binary built by TestMain.
var kernelBinary string

func TestMain(m *testing.M) {
	dir, err := os.MkdirTemp("", "gosparkling-e2e-")
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
	kernelBinary = filepath.Join(dir, "gosparkling")
	// The kernel is built as the Makefile builds it: with DuckDB's Arrow interface
	// (duckdb_arrow), which %%sql cells need.
	tags := "duckdb_arrow"
	if beamBuild {
		tags += ",beam"
	}
	build := exec.Command("go", "build", "-tags", tags, "-o", kernelBinary, ".")
	build.Stdout, build.Stderr = os.Stdout, os.Stderr
	if err := build.Run(); err != nil {
		fmt.Fprintln(os.Stderr, "building gosparkling:", err)
		os.Exit(1)
	}
	code := m.Run()
	os.RemoveAll(dir)
	os.Exit(code)
}

// python returns Debian's Python with Jupyter, or skips the test (fails
// it under GOSPARKLING_E2E=1) when it is missing.
func python(t *testing.T) string {
	t.Helper()
	py := os.Getenv("PYTHON")
	if py == "" {
		py = "/usr/bin/python3"
	}
	if err := exec.Command(py, "-c", "import jupyter_client, nbconvert, nbclient").Run(); err != nil {
		if os.Getenv("GOSPARKLING_E2E") != "" {
			t.Fatalf("%s lacks jupyter_client/nbconvert/nbclient (run scripts/install-deps.sh test): %v", py, err)
		}
		t.Skipf("no Jupyter for %s: %v", py, err)
	}
	return py
}

// goCacheEnv returns the variables that keep the Go build and module
// caches, and the cache of compiled cell functions, those of the user
// running the tests under the private HOME of jupyterEnv.
func goCacheEnv(t *testing.T) []string {
	t.Helper()
	out, err := exec.Command("go", "env", "GOCACHE", "GOMODCACHE").Output()
	if err != nil {
		t.Fatalf("go env: %v", err)
	}
	dirs := strings.Fields(string(out))
	if len(dirs) != 2 {
		t.Fatalf("go env GOCACHE GOMODCACHE printed %q", out)
	}
	cache, err := os.UserCacheDir()
	if err != nil {
		t.Fatalf("no cache directory for compiled functions: %v", err)
	}
	return []string{"GOCACHE=" + dirs[0], "GOMODCACHE=" + dirs[1], "XDG_CACHE_HOME=" + cache}
}

// jupyterEnv installs the kernelspec with `gosparkling install --user`
// under a private HOME and returns the environment that makes Jupyter see
// only it.
func jupyterEnv(t *testing.T) []string {
	t.Helper()
	home := t.TempDir()
	env := append(os.Environ(),
		"HOME="+home,
		"JUPYTER_DATA_DIR="+filepath.Join(home, "jupyter-data"),
		"JUPYTER_RUNTIME_DIR="+filepath.Join(home, "jupyter-runtime"),
		"JUPYTER_CONFIG_DIR="+filepath.Join(home, "jupyter-config"),
		"JUPYTER_PATH=",
		"XDG_DATA_HOME="+filepath.Join(home, "xdg"),
	)
	// The kernels' cells stay interpreted unless a test asks otherwise:
	// background plugin builds would compete with the tests and, under
	// this private HOME, fill a module cache of their own.
	switch mode := os.Getenv("GOSPARKLING_COMPILE"); mode {
	case "":
		env = append(env, "GOSPARKLING_COMPILE=off")
	case "off":
	default:
		// Compiling (make test-compiled): the plugins' builds use the Go
		// caches and the plugin cache of the user running the tests, so
		// that they do not compile gosparkling anew for each kernel.
		env = append(env, goCacheEnv(t)...)
	}
	cmd := exec.Command(kernelBinary, "install", "--user")
	cmd.Env = env
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("gosparkling install --user: %v\n%s", err, out)
	}
	return env
}

func TestInstalledKernelIsListedByJupyter(t *testing.T) {
	py := python(t)
	env := jupyterEnv(t)
	cmd := exec.Command(py, "-m", "jupyter_client.kernelspecapp", "list", "--json")
	cmd.Env = env
	out, err := cmd.Output()
	if err != nil {
		t.Fatalf("jupyter kernelspec list: %v", err)
	}
	var listing struct {
		Kernelspecs map[string]struct {
			Spec struct {
				DisplayName string   `json:"display_name"`
				Language    string   `json:"language"`
				Argv        []string `json:"argv"`
			} `json:"spec"`
		} `json:"kernelspecs"`
	}
	if err := json.Unmarshal(out, &listing); err != nil {
		t.Fatalf("kernelspec list output: %v\n%s", err, out)
	}
	spec, ok := listing.Kernelspecs["gosparkling"]
	if !ok {
		t.Fatalf("gosparkling not listed:\n%s", out)
	}
	if spec.Spec.DisplayName != "Go (gosparkling)" || spec.Spec.Language != "go" || spec.Spec.Argv[0] != kernelBinary {
		t.Errorf("listed spec = %+v", spec.Spec)
	}
}

// notebook is the part of an .ipynb file the tests read.
type notebook struct {
	Cells []struct {
		CellType string `json:"cell_type"`
		Source   any    `json:"source"`
		Outputs  []struct {
			OutputType string         `json:"output_type"`
			Name       string         `json:"name"`
			Text       any            `json:"text"`
			Data       map[string]any `json:"data"`
			Ename      string         `json:"ename"`
			Evalue     string         `json:"evalue"`
		} `json:"outputs"`
	} `json:"cells"`
}

// joined returns an .ipynb multi-line string (a string or a list of lines).
func joined(v any) string {
	switch s := v.(type) {
	case string:
		return s
	case []any:
		var b strings.Builder
		for _, line := range s {
			b.WriteString(fmt.Sprint(line))
		}
		return b.String()
	}
	return ""
}

// executeNotebook runs nbconvert --execute on path (from dir) and returns
// the executed notebook.
func executeNotebook(t *testing.T, path string, extraArgs ...string) notebook {
	t.Helper()
	return executeNotebookEnv(t, path, nil, extraArgs...)
}

// executeNotebookEnv is executeNotebook with more environment variables
// for the kernel.
func executeNotebookEnv(t *testing.T, path string, extraEnv []string, extraArgs ...string) notebook {
	t.Helper()
	py := python(t)
	env := append(jupyterEnv(t), extraEnv...)
	outDir := t.TempDir()
	args := append([]string{"-m", "nbconvert", "--to", "notebook", "--execute",
		"--ExecutePreprocessor.timeout=300", "--ExecutePreprocessor.kernel_name=gosparkling",
		"--output-dir", outDir, "--output", "executed.ipynb"}, extraArgs...)
	cmd := exec.Command(py, append(args, filepath.Base(path))...)
	cmd.Dir, cmd.Env = filepath.Dir(path), env
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	if err := cmd.Run(); err != nil {
		t.Fatalf("executing %s: %v\n%s", path, err, stderr.String())
	}
	data, err := os.ReadFile(filepath.Join(outDir, "executed.ipynb"))
	if err != nil {
		t.Fatal(err)
	}
	var nb notebook
	if err := json.Unmarshal(data, &nb); err != nil {
		t.Fatalf("executed notebook: %v", err)
	}
	return nb
}

// readmeWordCounts counts the words of README.md as the notebook defines
// them (lowercased runs of letters and digits), independently of rdd.
func readmeWordCounts(t *testing.T) map[string]int {
	t.Helper()
	data, err := os.ReadFile("README.md")
	if err != nil {
		t.Fatal(err)
	}
	counts := map[string]int{}
	for _, w := range strings.FieldsFunc(strings.ToLower(string(data)), func(r rune) bool {
		return !unicode.IsLetter(r) && !unicode.IsDigit(r)
	}) {
		counts[w]++
	}
	return counts
}

func TestWordcountNotebook(t *testing.T) {
	nb := executeNotebook(t, "notebooks/wordcount.ipynb")
	want := readmeWordCounts(t)
	var code []int // indexes of code cells
	for i, c := range nb.Cells {
		if c.CellType == "code" {
			code = append(code, i)
		}
		for _, o := range c.Outputs {
			if o.OutputType == "error" {
				t.Fatalf("cell %d failed: %s: %s", i, o.Ename, o.Evalue)
			}
		}
	}
	result := func(cell int) (plain, html string) {
		for _, o := range nb.Cells[code[cell]].Outputs {
			if o.OutputType == "execute_result" {
				return joined(o.Data["text/plain"]), joined(o.Data["text/html"])
			}
		}
		t.Fatalf("code cell %d has no result", cell)
		return "", ""
	}
	if distinct, _ := result(2); strings.TrimSpace(distinct) != strconv.Itoa(len(want)) {
		t.Errorf("distinct words = %q, want %d", distinct, len(want))
	}

	// The top-words cell: an HTML table, and text rows "word count" whose
	// counts are right and in descending order.
	plain, html := result(3)
	if !strings.Contains(html, "<table") {
		t.Errorf("top words are not shown as an HTML table:\n%s", html)
	}
	var rows [][2]string
	for _, line := range strings.Split(plain, "\n") {
		f := strings.Fields(line)
		if len(f) < 2 {
			continue
		}
		count := strings.ReplaceAll(f[len(f)-1], ",", "") // 12,345: tables group digits
		if _, err := strconv.Atoi(count); err == nil && want[f[len(f)-2]] > 0 {
			rows = append(rows, [2]string{f[len(f)-2], count})
		}
	}
	if len(rows) != 20 {
		t.Fatalf("found %d word rows in the top-words table, want 20:\n%s", len(rows), plain)
	}
	var shown []int
	for _, r := range rows {
		n, _ := strconv.Atoi(r[1])
		if n != want[r[0]] {
			t.Errorf("count of %q = %d, want %d", r[0], n, want[r[0]])
		}
		shown = append(shown, n)
	}
	if !sort.SliceIsSorted(shown, func(i, j int) bool { return shown[i] > shown[j] }) {
		t.Errorf("counts not in descending order: %v", shown)
	}
	max := 0
	for _, n := range want {
		max = maxInt(max, n)
	}
	if shown[0] != max {
		t.Errorf("top count %d, want %d", shown[0], max)
	}
}

func maxInt(a, b int) int {
	if a > b {
		return a
	}
	return b
}

func TestPanickingCellShowsAnErrorAndTheNextCellRuns(t *testing.T) {
	dir := t.TempDir()
	nb := map[string]any{
		"nbformat": 4, "nbformat_minor": 5,
		"metadata": map[string]any{"kernelspec": map[string]any{"name": "gosparkling", "display_name": "Go (gosparkling)", "language": "go"}},
		"cells": []map[string]any{
			{"cell_type": "code", "id": "a", "metadata": map[string]any{}, "outputs": []any{}, "execution_count": nil,
				"source": `sc.Parallelize([]int{1, 2, 3}).Map(func(x int) int { if x == 3 { panic("three is bad") }; return x }).Collect()`},
			{"cell_type": "code", "id": "b", "metadata": map[string]any{}, "outputs": []any{}, "execution_count": nil,
				"source": `panic("plain panic")`},
			{"cell_type": "code", "id": "c", "metadata": map[string]any{}, "outputs": []any{}, "execution_count": nil,
				"source": `sc.Parallelize([]int{1, 2, 3}).Count()`},
		},
	}
	data, _ := json.Marshal(nb)
	path := filepath.Join(dir, "panics.ipynb")
	if err := os.WriteFile(path, data, 0o644); err != nil {
		t.Fatal(err)
	}
	out := executeNotebook(t, path, "--allow-errors")
	errorOf := func(cell int) (string, string) {
		for _, o := range out.Cells[cell].Outputs {
			if o.OutputType == "error" {
				return o.Ename, o.Evalue
			}
		}
		return "", ""
	}
	if name, value := errorOf(0); name != "panic" || !strings.Contains(value, "three is bad") {
		t.Errorf("worker panic shown as %q: %q", name, value)
	}
	if name, value := errorOf(1); name != "panic" || !strings.Contains(value, "plain panic") {
		t.Errorf("cell panic shown as %q: %q", name, value)
	}
	var got string
	for _, o := range out.Cells[2].Outputs {
		if o.OutputType == "execute_result" {
			got = joined(o.Data["text/plain"])
		}
	}
	if got != "3" {
		t.Errorf("cell after the panics showed %q, want 3", got)
	}
}

// TestJupyterKernelTestSuite runs Jupyter's own protocol conformance tests
// (Debian's python3-jupyter-kernel-test) against the kernel.
func TestJupyterKernelTestSuite(t *testing.T) {
	py := python(t)
	if err := exec.Command(py, "-c", "import jupyter_kernel_test").Run(); err != nil {
		if os.Getenv("GOSPARKLING_E2E") != "" {
			t.Fatalf("%s lacks jupyter_kernel_test (scripts/install-deps.sh test installs it): %v", py, err)
		}
		t.Skip("jupyter_kernel_test is not installed")
	}
	env := jupyterEnv(t)
	cmd := exec.Command(py, "-m", "unittest", "-v", "test_jupyter_kernel")
	cmd.Dir, cmd.Env = filepath.Join("kernel", "testdata"), env
	out, err := cmd.CombinedOutput()
	if err != nil {
		t.Fatalf("jupyter_kernel_test failed: %v\n%s", err, out)
	}
	t.Logf("%s", out)
}

// TestJupyterConsoleSmoke drives `jupyter console` with piped input, one
// cell per line as its simple prompt sends them.
func TestJupyterConsoleSmoke(t *testing.T) {
	py := python(t)
	if err := exec.Command(py, "-c", "import jupyter_console").Run(); err != nil {
		if os.Getenv("GOSPARKLING_E2E") != "" {
			t.Fatalf("%s lacks jupyter_console (scripts/install-deps.sh test installs it): %v", py, err)
		}
		t.Skip("jupyter_console is not installed")
	}
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	cmd := exec.CommandContext(ctx, py, "-m", "jupyter_console", "--simple-prompt", "--kernel=gosparkling")
	cmd.Env = jupyterEnv(t)
	killGroupOnCancel(cmd)
	cmd.Stdin = strings.NewReader("x := 20\nfor i := 0; i < 2; i++ { x++ }\nx * 2\nfmt.Println(\"hi from console\")\n")
	out, err := cmd.CombinedOutput()
	if err != nil {
		t.Fatalf("jupyter console: %v\n%s", err, out)
	}
	for _, want := range []string{"Out[3]: 44", "hi from console"} {
		if !strings.Contains(string(out), want) {
			t.Errorf("console output lacks %q:\n%s", want, out)
		}
	}
}

// TestRealClient drives the kernel with jupyter_client as a frontend
// does (kernel/testdata/real_client.py): SIGINT, a worker panic, stdin,
// lineage names across silent requests, restart.
func TestRealClient(t *testing.T) {
	py := python(t)
	ctx, cancel := context.WithTimeout(context.Background(), 3*time.Minute)
	defer cancel()
	cmd := exec.CommandContext(ctx, py, "real_client.py")
	cmd.Dir, cmd.Env = filepath.Join("kernel", "testdata"), jupyterEnv(t)
	killGroupOnCancel(cmd)
	out, err := cmd.CombinedOutput()
	if err != nil {
		t.Fatalf("real_client.py: %v\n%s", err, out)
	}
	t.Logf("%s", out)
}

// TestJobProgressWidgetsWithARealClient runs kernel/testdata/widget_client.py:
// a job's progress as jupyter_client sees it for a frontend without a
// widget manager, one of ipywidgets 7 or 8 and one of ipywidgets 6.
func TestJobProgressWidgetsWithARealClient(t *testing.T) {
	py := python(t)
	ctx, cancel := context.WithTimeout(context.Background(), 3*time.Minute)
	defer cancel()
	cmd := exec.CommandContext(ctx, py, "widget_client.py")
	cmd.Dir, cmd.Env = filepath.Join("kernel", "testdata"), jupyterEnv(t)
	killGroupOnCancel(cmd)
	out, err := cmd.CombinedOutput()
	if err != nil {
		t.Fatalf("widget_client.py: %v\n%s", err, out)
	}
	t.Logf("%s", out)
}

// TestLiveNotebookShowsJobProgressAsAWidget runs
// kernel/testdata/live_notebook.py: a slow job in the live classic
// Notebook with ipywidgets 6 (Debian's python3-ipywidgets), in headless
// Chromium. Its progress is a widget updated in place, and a display of
// the finished job takes its place. With GOSPARKLING_SCREENSHOTS set, the
// screenshots of the running and the finished job are saved there.
func TestLiveNotebookShowsJobProgressAsAWidget(t *testing.T) {
	py := python(t)
	const chromium = "/usr/bin/chromium"
	for _, need := range []string{"/usr/share/jupyter/nbextensions/jupyter-js-widgets/extension.js", chromium} {
		if _, err := os.Stat(need); err != nil {
			if os.Getenv("GOSPARKLING_E2E") != "" {
				t.Fatalf("GOSPARKLING_E2E is set but %s is missing (scripts/install-deps.sh test installs it)", need)
			}
			t.Skipf("%s is missing", need)
		}
	}
	if err := exec.Command(py, "-c", "import notebook, tornado").Run(); err != nil {
		t.Skipf("%s lacks the classic notebook: %v", py, err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Minute)
	defer cancel()
	cmd := exec.CommandContext(ctx, py, "live_notebook.py")
	cmd.Dir = filepath.Join("kernel", "testdata")
	cmd.Env = append(jupyterEnv(t), "CHROMIUM="+chromium, "SCREENSHOTS="+os.Getenv("GOSPARKLING_SCREENSHOTS"))
	killGroupOnCancel(cmd)
	out, err := cmd.CombinedOutput()
	if err != nil {
		t.Fatalf("live_notebook.py: %v\n%s", err, out)
	}
	t.Logf("%s", out)
}

// TestHostileCellsKeepTheKernel runs kernel/testdata/hostile_cells.py:
// cells that crash Go's runtime (concurrent map writes, a stack overflow,
// panics in callbacks), pass the memory limit or collect too much each
// fail with a clear error, the kernel lives and the next cell runs; the
// stderr of a cell arrives before its reply; repeated cells do not grow
// the session.
func TestHostileCellsKeepTheKernel(t *testing.T) {
	py := python(t)
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Minute)
	defer cancel()
	cmd := exec.CommandContext(ctx, py, "hostile_cells.py")
	cmd.Dir, cmd.Env = filepath.Join("kernel", "testdata"), append(jupyterEnv(t), "GOSPARKLING_MEMORY_LIMIT=2GiB")
	killGroupOnCancel(cmd)
	out, err := cmd.CombinedOutput()
	if err != nil {
		t.Fatalf("hostile_cells.py: %v\n%s", err, out)
	}
	t.Logf("%s", out)
}

// killGroupOnCancel makes cmd's context kill its whole process group
// (Jupyter and the kernel it started), and Wait give up on output pipes
// the kernel may hold, so that a hung frontend fails the test in time.
func killGroupOnCancel(cmd *exec.Cmd) {
	cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true}
	cmd.Cancel = func() error { return syscall.Kill(-cmd.Process.Pid, syscall.SIGKILL) }
	cmd.WaitDelay = 10 * time.Second
}
