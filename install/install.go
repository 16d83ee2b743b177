// Package install writes gosparkling's Jupyter kernelspec: kernel.json,
// which tells Jupyter how to start the kernel, and the logos.
package install

import (
	"embed"
	"encoding/json"
	"fmt"
	"io/fs"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strings"
)

// Name is the kernelspec's name, the directory it is installed in and the
// name notebooks refer to it by.
const Name = "gosparkling"

// DisplayName is how Jupyter lists the kernel.
const DisplayName = "Go (gosparkling)"

//go:embed kernelspec
var files embed.FS

// KernelSpec is the content of kernel.json.
type KernelSpec struct {
	Argv          []string          `json:"argv"`
	DisplayName   string            `json:"display_name"`
	Language      string            `json:"language"`
	InterruptMode string            `json:"interrupt_mode"`
	Env           map[string]string `json:"env,omitempty"`
	Metadata      map[string]any    `json:"metadata,omitempty"`
}

// Spec returns the kernelspec that starts binary (an absolute path) as
// `binary kernel {connection_file}`. Interrupts arrive as messages on the
// control socket, so they work on every platform.
func Spec(binary string) KernelSpec {
	return KernelSpec{
		Argv:          []string{binary, "kernel", "{connection_file}"},
		DisplayName:   DisplayName,
		Language:      "go",
		InterruptMode: "message",
		Metadata:      map[string]any{"debugger": false},
	}
}

// Install writes the kernelspec for binary into kernelsDir/gosparkling,
// replacing an earlier one, and returns that directory. The new spec is
// written beside it and renamed into place, so Jupyter never sees a half
// written one.
func Install(kernelsDir, binary string) (string, error) {
	if !filepath.IsAbs(binary) {
		return "", fmt.Errorf("install: kernel binary path %q is not absolute", binary)
	}
	if err := os.MkdirAll(kernelsDir, 0o755); err != nil {
		return "", fmt.Errorf("install: %w", err)
	}
	tmp, err := os.MkdirTemp(kernelsDir, "."+Name+"-")
	if err != nil {
		return "", fmt.Errorf("install: %w", err)
	}
	defer os.RemoveAll(tmp)
	if err := os.Chmod(tmp, 0o755); err != nil {
		return "", fmt.Errorf("install: %w", err)
	}
	spec, err := json.MarshalIndent(Spec(binary), "", "  ")
	if err != nil {
		return "", fmt.Errorf("install: encoding kernel.json: %w", err)
	}
	if err := os.WriteFile(filepath.Join(tmp, "kernel.json"), append(spec, '\n'), 0o644); err != nil {
		return "", fmt.Errorf("install: %w", err)
	}
	logos, err := fs.Glob(files, "kernelspec/*.png")
	if err != nil {
		return "", fmt.Errorf("install: %w", err)
	}
	for _, logo := range logos {
		data, err := files.ReadFile(logo)
		if err != nil {
			return "", fmt.Errorf("install: %w", err)
		}
		if err := os.WriteFile(filepath.Join(tmp, filepath.Base(logo)), data, 0o644); err != nil {
			return "", fmt.Errorf("install: %w", err)
		}
	}
	dest := filepath.Join(kernelsDir, Name)
	if err := os.RemoveAll(dest); err != nil {
		return "", fmt.Errorf("install: removing the old kernelspec: %w", err)
	}
	if err := os.Rename(tmp, dest); err != nil {
		return "", fmt.Errorf("install: %w", err)
	}
	return dest, nil
}

// UserKernelsDir is where `jupyter kernelspec install --user` puts kernels:
// $JUPYTER_DATA_DIR/kernels, else the platform's per-user Jupyter data
// directory.
func UserKernelsDir() (string, error) {
	if dir := os.Getenv("JUPYTER_DATA_DIR"); dir != "" {
		return filepath.Join(dir, "kernels"), nil
	}
	home, err := os.UserHomeDir()
	if err != nil {
		return "", fmt.Errorf("install: finding the home directory: %w", err)
	}
	switch runtime.GOOS {
	case "darwin":
		return filepath.Join(home, "Library", "Jupyter", "kernels"), nil
	case "windows":
		return filepath.Join(os.Getenv("APPDATA"), "jupyter", "kernels"), nil
	}
	data := os.Getenv("XDG_DATA_HOME")
	if data == "" {
		data = filepath.Join(home, ".local", "share")
	}
	return filepath.Join(data, "jupyter", "kernels"), nil
}

// PrefixKernelsDir is where kernels go under an installation prefix, as
// `jupyter kernelspec install --prefix DIR` does.
func PrefixKernelsDir(prefix string) string {
	return filepath.Join(prefix, "share", "jupyter", "kernels")
}

// SysPrefix returns sys.prefix of python, the Python whose Jupyter should
// find the kernel (a virtualenv's, for example).
func SysPrefix(python string) (string, error) {
	out, err := exec.Command(python, "-c", "import sys; print(sys.prefix)").Output()
	if err != nil {
		return "", fmt.Errorf("install: asking %s for sys.prefix: %w", python, err)
	}
	return strings.TrimSpace(string(out)), nil
}
