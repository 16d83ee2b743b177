//go:build beam

package main

import (
	"bufio"
	"encoding/json"
	"fmt"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"
)

// beamBuild reports whether the tests (and so the kernel they build) have
// the beam build tag.
const beamBuild = true

// beamSwitch marks the cell of notebooks/beam.ipynb that moves sc to Beam.
const beamSwitch = "sc = sc.WithRunner("

// codeResults returns the text/plain results and stdout of the code cells
// of an executed notebook, by cell source, failing on errors and on
// anything written to stderr.
func codeResults(t *testing.T, nb notebook) map[string]string {
	t.Helper()
	out := map[string]string{}
	for _, c := range nb.Cells {
		if c.CellType != "code" {
			continue
		}
		var b strings.Builder
		for _, o := range c.Outputs {
			switch o.OutputType {
			case "error":
				t.Errorf("cell failed: %s: %s\n%s", o.Ename, o.Evalue, joined(c.Source))
			case "stream":
				if o.Name == "stdout" {
					b.WriteString(joined(o.Text))
				} else {
					// Beam and Prism say nothing when all goes well.
					t.Errorf("cell wrote to %s: %s\n%s", o.Name, joined(o.Text), joined(c.Source))
				}
			case "execute_result":
				b.WriteString(joined(o.Data["text/plain"]))
			}
		}
		out[joined(c.Source)] = b.String()
	}
	return out
}

// withoutBeam writes a copy of the notebook at path, beside it, without
// its Beam cell, and returns the copy's path.
func withoutBeam(t *testing.T, path string) string {
	t.Helper()
	return withBeamCell(t, path, "")
}

// withBeamCell writes a copy of the notebook at path, beside it, with
// cell as its Beam cell (none when empty), and returns the copy's path.
func withBeamCell(t *testing.T, path, cell string) string {
	t.Helper()
	nb := readNotebookJSON(t, path)
	var kept []any
	found := false
	for _, c := range nb["cells"].([]any) {
		cm := c.(map[string]any)
		if !strings.Contains(joined(cm["source"]), beamSwitch) {
			kept = append(kept, c)
			continue
		}
		found = true
		if cell != "" {
			cm["source"] = cell
			kept = append(kept, c)
		}
	}
	if !found {
		t.Fatalf("%s has no cell with %q", path, beamSwitch)
	}
	nb["cells"] = kept
	return writeCopy(t, path, nb)
}

// withFirstCell writes a copy of the notebook at path, beside it, with
// cell as its first cell, and returns the copy's path.
func withFirstCell(t *testing.T, path, cell string) string {
	t.Helper()
	nb := readNotebookJSON(t, path)
	first := map[string]any{"cell_type": "code", "source": cell, "metadata": map[string]any{}, "outputs": []any{}, "execution_count": nil}
	nb["cells"] = append([]any{first}, nb["cells"].([]any)...)
	return writeCopy(t, path, nb)
}

// readNotebookJSON reads the notebook at path as generic JSON, to edit.
func readNotebookJSON(t *testing.T, path string) map[string]any {
	t.Helper()
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	var nb map[string]any
	if err := json.Unmarshal(data, &nb); err != nil {
		t.Fatal(err)
	}
	return nb
}

// writeCopy writes nb beside the notebook at path, for the test only.
func writeCopy(t *testing.T, path string, nb map[string]any) string {
	t.Helper()
	copyPath := filepath.Join(filepath.Dir(path), fmt.Sprintf(".beam-copy-%d-%s.ipynb", os.Getpid(), strings.ReplaceAll(t.Name(), "/", "-")))
	data, _ := json.Marshal(nb)
	if err := os.WriteFile(copyPath, data, 0o644); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { os.Remove(copyPath) })
	return copyPath
}

// processWorkersCell switches sc to Prism with workers in processes of
// their own: the kernel binary, which has only the shipped source of the
// notebook's functions.
func processWorkersCell() string {
	return "import \"github.com/gosparkling/gosparkling/beam\"\n\n" +
		"sc = sc.WithRunner(beam.New(beam.Options{Environment: \"PROCESS\", EnvironmentConfig: `{\"command\": \"" + kernelBinary + "\"}`}))\n" +
		"sc.Runner().Name()"
}

// startPrism runs `gosparkling prism` on a free port of 127.0.0.1 and
// returns its endpoint.
func startPrism(t *testing.T) string {
	t.Helper()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	port := l.Addr().(*net.TCPAddr).Port
	l.Close()
	cmd := exec.Command(kernelBinary, "prism", "--port", fmt.Sprint(port))
	stdout, _ := cmd.StdoutPipe()
	cmd.Stderr = os.Stderr
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { cmd.Process.Kill(); cmd.Wait() })
	ready := make(chan string, 1)
	go func() {
		line, _ := bufio.NewReader(stdout).ReadString('\n')
		ready <- line
	}()
	select {
	case line := <-ready:
		if !strings.Contains(line, "Prism job server") {
			t.Fatalf("gosparkling prism said %q", line)
		}
	case <-time.After(30 * time.Second):
		t.Fatal("gosparkling prism did not start")
	}
	return fmt.Sprintf("127.0.0.1:%d", port)
}

// TestBeamNotebookGivesTheSameResultsEverywhere runs notebooks/beam.ipynb
// on the local engine, on Prism in the kernel and on Prism as a job server,
// and compares every cell's results.
func TestBeamNotebookGivesTheSameResultsEverywhere(t *testing.T) {
	path := filepath.Join("notebooks", "beam.ipynb")
	timed := func(what string, run func() notebook) map[string]string {
		start := time.Now()
		res := codeResults(t, run())
		t.Logf("%s: %.1f s", what, time.Since(start).Seconds())
		return res
	}
	local := timed("local engine", func() notebook { return executeNotebook(t, withoutBeam(t, path)) })
	inKernel := timed("Prism in the kernel", func() notebook { return executeNotebook(t, path) })
	endpoint := startPrism(t)
	server := timed("Prism job server", func() notebook {
		return executeNotebookEnv(t, path, []string{"BEAM_ENDPOINT=" + endpoint})
	})
	// Workers in processes of their own have only the shipped source of
	// the notebook's functions.
	processes := timed("Prism with worker processes", func() notebook {
		return executeNotebook(t, withBeamCell(t, path, processWorkersCell()))
	})
	if len(local) < 6 {
		t.Fatalf("only %d code cells ran locally", len(local))
	}
	onBeam := map[string]map[string]string{"Prism in the kernel": inKernel, "the Prism job server": server, "Prism with worker processes": processes}
	for src, want := range local {
		if strings.Contains(src, beamSwitch) {
			continue
		}
		for name, got := range onBeam {
			if got[src] != want {
				t.Errorf("cell\n%s\nlocally:\n%s\non %s:\n%s", src, want, name, got[src])
			}
		}
	}
	for name, res := range onBeam {
		switched := false
		for src, got := range res {
			if strings.Contains(src, beamSwitch) {
				switched = true
				if !strings.Contains(got, "beam (prism)") {
					t.Errorf("%s: the switching cell shows %q", name, got)
				}
			}
		}
		if !switched {
			t.Errorf("%s: no cell switched to Beam", name)
		}
	}
}

// TestCommonCrawlNotebookOnWorkerProcesses runs notebooks/commoncrawl.ipynb
// on the local engine and, with a first cell that switches sc, on Prism
// with worker processes, and compares the cells' results. Beam keeps no
// order after a shuffle: ties among the top elements may come in another
// order, and a sample is drawn from partitions of its own.
func TestCommonCrawlNotebookOnWorkerProcesses(t *testing.T) {
	path := filepath.Join("notebooks", "commoncrawl.ipynb")
	start := time.Now()
	local := codeResults(t, executeNotebook(t, path))
	t.Logf("local engine: %.1f s", time.Since(start).Seconds())
	start = time.Now()
	onBeam := codeResults(t, executeNotebook(t, withFirstCell(t, path, processWorkersCell())))
	t.Logf("Prism with worker processes: %.1f s", time.Since(start).Seconds())
	if len(local) < 20 {
		t.Fatalf("only %d code cells ran locally", len(local))
	}
	// rowsInAnyOrder returns a table's lines without their row numbers, sorted.
	rowsInAnyOrder := func(table string) string {
		lines := strings.Split(table, "\n")
		for i, l := range lines {
			lines[i] = strings.TrimLeft(strings.TrimLeft(l, "0123456789"), " ")
		}
		slices.Sort(lines)
		return strings.Join(lines, "\n")
	}
	for src, want := range local {
		got := onBeam[src]
		switch {
		case strings.Contains(src, "TakeSample") || strings.Contains(src, "ToDebugString"):
			continue // a sample of other partitions; the lineage's ids and cache
		case strings.Contains(src, "Top(") || strings.Contains(src, "display.Bar(topDomains"):
			got, want = rowsInAnyOrder(got), rowsInAnyOrder(want)
		}
		if got != want {
			t.Errorf("cell\n%s\nlocally:\n%s\non worker processes:\n%s", src, want, got)
		}
	}
}
