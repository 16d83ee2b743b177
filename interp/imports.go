package interp

import (
	"path"
	"sort"
	"strconv"
	"strings"

	"github.com/traefik/yaegi/interp"
)

// preferredPackages settles which package a name means when several
// packages share it.
var preferredPackages = map[string]string{
	"rand":      "math/rand",
	"template":  "text/template",
	"scanner":   "text/scanner",
	"pprof":     "runtime/pprof",
	"constant":  "go/constant",
	"parser":    "go/parser",
	"token":     "go/token",
	"ast":       "go/ast",
	"format":    "go/format",
	"types":     "go/types",
	"build":     "go/build",
	"doc":       "go/doc",
	"printer":   "go/printer",
	"importer":  "go/importer",
	"cookiejar": "net/http/cookiejar",
}

// packageIndex maps a package name to the import path it stands for, for
// every package of the given symbol tables ("path/name" keys).
func packageIndex(tables ...interp.Exports) map[string]string {
	byName := map[string][]string{}
	for _, table := range tables {
		for key := range table {
			dir, name := path.Split(key)
			dir = strings.TrimSuffix(dir, "/")
			if strings.Contains(dir, "internal") || strings.HasPrefix(name, "_") {
				continue
			}
			byName[name] = append(byName[name], dir)
		}
	}
	index := make(map[string]string, len(byName))
	for name, paths := range byName {
		if p, ok := preferredPackages[name]; ok {
			index[name] = p
			continue
		}
		sort.Slice(paths, func(i, j int) bool {
			if len(paths[i]) != len(paths[j]) {
				return len(paths[i]) < len(paths[j])
			}
			return paths[i] < paths[j]
		})
		index[name] = paths[0]
	}
	return index
}

// importedName reports whether a package was imported under name. Keys
// of s.imported are `"path"` or `alias "path"`.
func (s *Session) importedName(name string) bool {
	return s.importSpec(name) != ""
}

// importSpec returns the spec of the import that declared name (a key
// of s.imported: `"path"` or `alias "path"`), or "". A third-party
// package is known by its package name, which may differ from its path's
// last element.
func (s *Session) importSpec(name string) string {
	for spec := range s.imported {
		if alias, _, found := strings.Cut(spec, " "); found {
			if alias == name {
				return spec
			}
			continue
		}
		p, err := strconv.Unquote(spec)
		if err != nil {
			continue
		}
		if gi := s.goLoaded[p]; gi != nil {
			if gi.Name == name {
				return spec
			}
		} else if path.Base(p) == name {
			return spec
		}
	}
	return ""
}
