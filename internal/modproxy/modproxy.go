// Package modproxy writes a Go module proxy on the file system, which the
// go command reads with GOPROXY=file://<dir>: tests serve the modules they
// make up without a network.
package modproxy

import (
	"archive/zip"
	"fmt"
	"os"
	"path/filepath"
	"sort"
)

// Module is one version of a module the proxy serves.
type Module struct {
	Path    string // the module path, lower case (the proxy's escaping is left out)
	Version string // a canonical version: v1.2.3, or a pseudo-version
	GoMod   string // its go.mod
	// Files are its other files, by path in the module. A module without
	// files is served by its go.mod alone, and left out of the list of
	// versions, as the proxy serves a pseudo-version.
	Files map[string]string
}

// Write lays out mods in dir: <module>/@v/list, and each version's .info,
// .mod and .zip.
func Write(dir string, mods []Module) error {
	lists := map[string][]string{}
	for _, m := range mods {
		v := filepath.Join(dir, m.Path, "@v")
		if err := os.MkdirAll(v, 0o755); err != nil {
			return err
		}
		info := fmt.Sprintf(`{"Version":%q,"Time":"2026-01-02T03:04:05Z"}`, m.Version)
		if err := os.WriteFile(filepath.Join(v, m.Version+".info"), []byte(info), 0o644); err != nil {
			return err
		}
		if err := os.WriteFile(filepath.Join(v, m.Version+".mod"), []byte(m.GoMod), 0o644); err != nil {
			return err
		}
		if _, ok := lists[v]; !ok {
			lists[v] = nil
		}
		if m.Files == nil {
			continue
		}
		lists[v] = append(lists[v], m.Version)
		if err := writeZip(filepath.Join(v, m.Version+".zip"), m); err != nil {
			return fmt.Errorf("the zip of %s@%s: %w", m.Path, m.Version, err)
		}
	}
	for v, versions := range lists {
		var list []byte
		sort.Strings(versions)
		for _, version := range versions {
			list = append(list, version+"\n"...)
		}
		if err := os.WriteFile(filepath.Join(v, "list"), list, 0o644); err != nil {
			return err
		}
	}
	return nil
}

// writeZip writes the module zip of m at path: its files under
// <module>@<version>/.
func writeZip(path string, m Module) error {
	f, err := os.Create(path)
	if err != nil {
		return err
	}
	z := zip.NewWriter(f)
	files := map[string]string{"go.mod": m.GoMod}
	for name, text := range m.Files {
		files[name] = text
	}
	names := make([]string, 0, len(files))
	for name := range files {
		names = append(names, name)
	}
	sort.Strings(names)
	for _, name := range names {
		w, err := z.Create(m.Path + "@" + m.Version + "/" + name)
		if err != nil {
			f.Close()
			return err
		}
		if _, err := w.Write([]byte(files[name])); err != nil {
			f.Close()
			return err
		}
	}
	if err := z.Close(); err != nil {
		f.Close()
		return err
	}
	return f.Close()
}
