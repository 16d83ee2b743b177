package install

import (
	"encoding/json"
	"os"
	"path/filepath"
	"testing"
)

func TestInstallWritesSpecAndLogos(t *testing.T) {
	dir := t.TempDir()
	for round := 0; round < 2; round++ { // installing again replaces the spec
		dest, err := Install(dir, "/opt/bin/gosparkling")
		if err != nil {
			t.Fatal(err)
		}
		if want := filepath.Join(dir, Name); dest != want {
			t.Fatalf("Install returned %q, want %q", dest, want)
		}
		data, err := os.ReadFile(filepath.Join(dest, "kernel.json"))
		if err != nil {
			t.Fatal(err)
		}
		var spec KernelSpec
		if err := json.Unmarshal(data, &spec); err != nil {
			t.Fatalf("kernel.json is not JSON: %v", err)
		}
		want := []string{"/opt/bin/gosparkling", "kernel", "{connection_file}"}
		if len(spec.Argv) != 3 || spec.Argv[0] != want[0] || spec.Argv[1] != want[1] || spec.Argv[2] != want[2] {
			t.Errorf("argv = %q, want %q", spec.Argv, want)
		}
		if spec.DisplayName != "Go (gosparkling)" || spec.Language != "go" {
			t.Errorf("display_name, language = %q, %q", spec.DisplayName, spec.Language)
		}
		for _, logo := range []string{"logo-32x32.png", "logo-64x64.png"} {
			if st, err := os.Stat(filepath.Join(dest, logo)); err != nil || st.Size() == 0 {
				t.Errorf("logo %s missing: %v", logo, err)
			}
		}
		entries, _ := os.ReadDir(dir)
		if len(entries) != 1 {
			t.Errorf("kernels dir holds %d entries, want only %s", len(entries), Name)
		}
	}
}

func TestInstallRejectsRelativeBinary(t *testing.T) {
	if _, err := Install(t.TempDir(), "bin/gosparkling"); err == nil {
		t.Fatal("Install accepted a relative binary path")
	}
}

func TestKernelsDirs(t *testing.T) {
	t.Setenv("JUPYTER_DATA_DIR", "/data/jupyter")
	if got, _ := UserKernelsDir(); got != "/data/jupyter/kernels" {
		t.Errorf("UserKernelsDir with JUPYTER_DATA_DIR = %q", got)
	}
	if got := PrefixKernelsDir("/usr/local"); got != "/usr/local/share/jupyter/kernels" {
		t.Errorf("PrefixKernelsDir = %q", got)
	}
}
