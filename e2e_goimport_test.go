package main

import (
	"encoding/json"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/gosparkling/gosparkling/internal/modproxy"
)

// TestThirdPartyImportInKernel runs a notebook that imports a package of
// a module served by a file-system proxy, in the kernel as Jupyter starts
// it, twice: the first kernel fetches and builds it, the second, offline,
// loads it from the cache.
func TestThirdPartyImportInKernel(t *testing.T) {
	if testing.Short() {
		t.Skip("builds a plugin")
	}
	if _, err := exec.LookPath("go"); err != nil {
		t.Skip("no Go toolchain")
	}
	proxy := t.TempDir()
	err := modproxy.Write(proxy, []modproxy.Module{{
		Path: "example.test/shout", Version: "v1.2.0", GoMod: "module example.test/shout\n\ngo 1.22\n",
		Files: map[string]string{"shout.go": "// Package shout shouts.\npackage shout\n\nimport \"strings\"\n\n// Shout shouts s.\nfunc Shout(s string) string { return strings.ToUpper(s) + \"!\" }\n"},
	}})
	if err != nil {
		t.Fatal(err)
	}
	cells := []string{
		"import \"example.test/shout\"\nshout.Shout(\"kernel\")",
		"sc.Parallelize([]string{\"a\", \"b\"}, 2).Map(func(w string) string { return shout.Shout(w) }).Collect()",
	}
	var nb struct {
		Nbformat      int              `json:"nbformat"`
		NbformatMinor int              `json:"nbformat_minor"`
		Metadata      map[string]any   `json:"metadata"`
		Cells         []map[string]any `json:"cells"`
	}
	nb.Nbformat, nb.NbformatMinor = 4, 5
	nb.Metadata = map[string]any{"kernelspec": map[string]any{"name": "gosparkling", "display_name": "Go (gosparkling)", "language": "go"}}
	for i, src := range cells {
		nb.Cells = append(nb.Cells, map[string]any{"cell_type": "code", "id": string(rune('a' + i)), "metadata": map[string]any{},
			"outputs": []any{}, "execution_count": nil, "source": src})
	}
	data, err := json.Marshal(nb)
	if err != nil {
		t.Fatal(err)
	}
	path := filepath.Join(t.TempDir(), "shout.ipynb")
	if err := os.WriteFile(path, data, 0o644); err != nil {
		t.Fatal(err)
	}
	// The Go caches of the user running the tests, a new plugin cache
	// for both kernels, and the proxy.
	env := goCacheEnv(t)
	env = append(env, "XDG_CACHE_HOME="+t.TempDir(), "GOPROXY=file://"+proxy, "GOSUMDB=off", "GOSPARKLING_COMPILE=off")
	for _, run := range []struct {
		kernel, env, says string
	}{
		{"first", "", "(example.test/shout v1.2.0, fetched and built)"},
		{"second", "GOPROXY=off", "(example.test/shout v1.2.0, from the cache)"},
	} {
		runEnv := env
		if run.env != "" {
			runEnv = append(runEnv[:len(runEnv):len(runEnv)], run.env)
		}
		out := executeNotebookEnv(t, path, runEnv)
		var stdout, result, collected string
		for _, o := range out.Cells[0].Outputs {
			switch o.OutputType {
			case "stream":
				stdout += joined(o.Text)
			case "execute_result":
				result = joined(o.Data["text/plain"])
			case "error":
				t.Fatalf("%s kernel: the import failed: %s: %s", run.kernel, o.Ename, o.Evalue)
			}
		}
		for _, o := range out.Cells[1].Outputs {
			switch o.OutputType {
			case "execute_result":
				collected = joined(o.Data["text/plain"])
			case "error":
				t.Fatalf("%s kernel: the RDD failed: %s: %s", run.kernel, o.Ename, o.Evalue)
			}
		}
		if !strings.Contains(stdout, run.says) {
			t.Errorf("%s kernel: the import says %q, want %q", run.kernel, stdout, run.says)
		}
		if result != "KERNEL!" {
			t.Errorf("%s kernel: shout.Shout shows %q, want KERNEL!", run.kernel, result)
		}
		if !strings.Contains(collected, "A!") || !strings.Contains(collected, "B!") {
			t.Errorf("%s kernel: the RDD collects %q, want A! and B!", run.kernel, collected)
		}
	}
}
