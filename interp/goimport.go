package interp

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"go/parser"
	"go/token"
	"os"
	"os/exec"
	"path"
	"path/filepath"
	"plugin"
	"reflect"
	"regexp"
	"runtime/debug"
	"sort"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/gosparkling/gosparkling/interp/symbols"
	"github.com/traefik/yaegi/interp"
	"github.com/traefik/yaegi/stdlib"
)

// Third-party imports. A cell's import of a package that is neither in
// the standard library nor in the session's symbol tables, and whose
// path starts with a domain (golang.org/x/net/publicsuffix), is resolved
// by the go command in a module of its own that requires gosparkling from
// the source the kernel was built from, so that the package's
// dependencies are the kernel's own versions wherever the kernel has
// them. yaegi's extract package writes the package's symbol table, the
// table is built as a plugin, and the session loads it, Uses it and goes
// on with the cell. The plugin, with what its build found (the module,
// its version, the modules it needs), is kept under the plugin cache of
// the kernel's build (pluginCacheDir), by import path and the versions
// asked for: a second kernel, or an offline one, loads it without the go
// command.
//
// The version is, in order: the one a `%go get module@version` line
// pinned; the one of a go.mod a `%go mod path/to/go.mod` line (or
// GOSPARKLING_GOMOD) names; the kernel's own, when its module is one of
// the kernel's; else the newest the module proxy serves, which the cache
// then keeps. A plugin cannot load a version of a package other than the
// one the kernel links: a module whose requirements raise a module the
// kernel links is refused, naming both versions.
//
// Functions passed to RDD methods that use such a package compile as the
// others do (tiered.go): the plugin of a function requires the package's
// modules at the versions of its import (importRequirements).

// goMagic starts the line magics of modules: `%go get module@version`,
// `%go mod path/to/go.mod`, `%go list`.
const goMagic = "%go"

// goModEnv names a go.mod whose requirements pin the versions of
// third-party imports, as `%go mod` does.
const goModEnv = "GOSPARKLING_GOMOD"

// goImport is a third-party package built as a plugin: what its entry in
// the cache records.
type goImport struct {
	Path    string // its import path
	Name    string // its package name
	Module  string // the module that provides it
	Version string // the version of that module
	// Requires are the modules its packages come from, "path version",
	// which the plugins of functions using it require.
	Requires []string
	// Sum is the go.sum of its build, less gosparkling's own lines.
	Sum string
	// Generic are its exported names the interpreter cannot use:
	// generic functions and types, constraints.
	Generic []string

	exports interp.Exports // its symbol table, once loaded
}

var (
	goImportsMu sync.Mutex
	// goImports are the third-party packages this process loaded, by
	// import path.
	goImports = map[string]*goImport{}
)

// importRequirements returns the requirements (lines of a require
// block) and go.sum lines that a plugin made of files needs for the
// third-party packages they import, which the process loaded.
func importRequirements(files map[string]string) (require, sum string) {
	goImportsMu.Lock()
	defer goImportsMu.Unlock()
	if len(goImports) == 0 {
		return "", ""
	}
	reqs := map[string]bool{}
	sums := map[string]bool{}
	for name, text := range files {
		if !strings.HasSuffix(name, ".go") {
			continue
		}
		f, err := parser.ParseFile(token.NewFileSet(), name, text, parser.ImportsOnly)
		if err != nil {
			continue
		}
		for _, spec := range f.Imports {
			p, _ := strconv.Unquote(spec.Path.Value)
			if gi := goImports[p]; gi != nil {
				for _, r := range gi.Requires {
					reqs[r] = true
				}
				sums[gi.Sum] = true
			}
		}
	}
	lines := sortedKeys(reqs)
	for i, r := range lines {
		lines[i] = "\t" + r + "\n"
	}
	return strings.Join(lines, ""), strings.Join(sortedKeys(sums), "")
}

// sortedKeys returns the keys of m in order.
func sortedKeys[V any](m map[string]V) []string {
	out := make([]string, 0, len(m))
	for k := range m {
		out = append(out, k)
	}
	sort.Strings(out)
	return out
}

var (
	ownPathsOnce sync.Once
	ownPaths     map[string]bool // the import paths of the built-in tables
)

// knownPackage reports whether p is a package of the session's symbol
// tables: the standard library's, gosparkling's, or one it loaded.
func (s *Session) knownPackage(p string) bool {
	ownPathsOnce.Do(func() {
		ownPaths = map[string]bool{}
		for _, table := range []interp.Exports{stdlib.Symbols, symbols.Symbols} {
			for key := range table {
				ownPaths[path.Dir(key)] = true
			}
		}
	})
	return ownPaths[p] || s.goLoaded[p] != nil || strings.HasPrefix(p, "gosparkling.compiled/") || p == sessionPkg
}

// isThirdParty reports whether p is the path of a package the go command
// would look for in a module other than the standard library: its first
// element has a dot.
func isThirdParty(p string) bool {
	first, _, _ := strings.Cut(p, "/")
	return strings.Contains(first, ".")
}

// cellImports returns the import paths of the import chunk c.
func (s *Session) cellImports(c chunk) []string {
	f, err := parser.ParseFile(token.NewFileSet(), "", "package main;"+c.src, parser.ImportsOnly)
	if err != nil {
		return nil
	}
	var out []string
	for _, spec := range f.Imports {
		if p, err := strconv.Unquote(spec.Path.Value); err == nil {
			out = append(out, p)
		}
	}
	return out
}

// goImportCell imports the third-party package p into the session: from
// the cache, or fetched, extracted and built, saying so on the cell's
// standard output.
func (s *Session) goImportCell(ctx context.Context, p string) error {
	start := time.Now()
	gi, so, cached, err := s.resolveGoImport(ctx, p)
	if err != nil {
		if ctx.Err() != nil {
			return ctx.Err()
		}
		return importError(p, err)
	}
	if conflicts := loadedConflicts(gi); len(conflicts) > 0 {
		return importError(p, fmt.Errorf("its module %s %s needs %s: a process cannot load two versions of a package; restart the kernel to import this version",
			gi.Module, gi.Version, strings.Join(conflicts, "; ")))
	}
	exports, err := loadImportPlugin(so)
	if err != nil {
		return importError(p, fmt.Errorf("loading its plugin %s: %v", so, err))
	}
	if err := s.yaegi.Use(exports); err != nil {
		return importError(p, fmt.Errorf("binding its symbols: %v", err))
	}
	gi.exports = exports
	goImportsMu.Lock()
	goImports[p] = gi
	goImportsMu.Unlock()
	s.goLoaded[p] = gi
	if _, taken := s.packages[gi.Name]; !taken {
		s.packages[gi.Name] = p
	}
	how := "fetched and built"
	if cached {
		how = "from the cache"
	}
	fmt.Fprintf(s.stdout, "imported %s (%s %s, %s) in %s\n", p, gi.Module, gi.Version, how, time.Since(start).Round(10*time.Millisecond))
	if len(gi.Generic) > 0 {
		fmt.Fprintf(s.stderr, "gosparkling: %s: the interpreter cannot use its generic names %s (yaegi cannot instantiate compiled generics); call them from a %s cell\n",
			p, strings.Join(gi.Generic, ", "), compileMagic)
	}
	return nil
}

// loadImportPlugin opens the plugin of a third-party package (once per
// process: plugin.Open returns the plugin it opened) and returns its
// symbol table. A panic of the package's initialization is its error.
func loadImportPlugin(so string) (_ interp.Exports, err error) {
	defer func() {
		if r := recover(); r != nil {
			err = fmt.Errorf("its initialization panicked: %v", r)
		}
	}()
	p, err := plugin.Open(so)
	if err != nil {
		return nil, err
	}
	sym, err := p.Lookup("Symbols")
	if err != nil {
		return nil, err
	}
	table, ok := sym.(*map[string]map[string]reflect.Value)
	if !ok {
		return nil, fmt.Errorf("its Symbols is a %T", sym)
	}
	return interp.Exports(*table), nil
}

// importError is the error of a cell whose import of p failed.
func importError(p string, err error) error {
	msg := fmt.Sprintf("importing %s: %v", p, err)
	return &CellError{Name: "ImportError", Value: msg, Traceback: []string{msg}}
}

// goPinsFor returns the session's pinned versions: those of the go.mod
// of GOSPARKLING_GOMOD, read once, and the `%go` lines'.
func (s *Session) goPinsFor(ctx context.Context) (map[string]string, error) {
	if !s.goModRead {
		s.goModRead = true
		if file := os.Getenv(goModEnv); file != "" {
			if _, err := s.pinGoMod(ctx, file, false); err != nil {
				return nil, fmt.Errorf("%s=%s: %v", goModEnv, file, err)
			}
		}
	}
	return s.goPins, nil
}

// pinFor returns the version pinned for the module of p (the longest
// pinned module path that is a prefix of p), and that module.
func pinFor(p string, pins map[string]string) (module, version string) {
	for m, v := range pins {
		if (p == m || strings.HasPrefix(p, m+"/")) && len(m) > len(module) {
			module, version = m, v
		}
	}
	return module, version
}

// resolveGoImport returns the third-party package p and the path of its
// plugin, from the cache (cached) or built there.
func (s *Session) resolveGoImport(ctx context.Context, p string) (gi *goImport, so string, cached bool, err error) {
	pins, err := s.goPinsFor(ctx)
	if err != nil {
		return nil, "", false, err
	}
	dir, err := pluginCacheDir()
	if err != nil {
		return nil, "", false, err
	}
	// The entry of p is named by p and the versions asked for: an import
	// without a pin keeps the version its first build resolved.
	var key strings.Builder
	key.WriteString(p + "\n")
	for _, m := range sortedKeys(pins) {
		key.WriteString(m + " " + pins[m] + "\n")
	}
	sum := sha256.Sum256([]byte(key.String()))
	entry := filepath.Join(dir, "imports", strings.ReplaceAll(path.Base(p), ".", "_")+"-"+hex.EncodeToString(sum[:10]))
	if gi, err := readImportEntry(entry); err == nil {
		return gi, filepath.Join(entry, "symbols.so"), true, nil
	}
	goTool, root, err := pluginToolchain(ctx)
	if err != nil {
		return nil, "", false, fmt.Errorf("it is not in the kernel's cache of imports, and building it needs the Go toolchain: %v", err)
	}
	release, err := takeBuildSlot(ctx, false)
	if err != nil {
		return nil, "", false, err
	}
	defer release()
	// Another session of the process may have built it meanwhile.
	if gi, err := readImportEntry(entry); err == nil {
		return gi, filepath.Join(entry, "symbols.so"), true, nil
	}
	gi, err = s.buildGoImport(ctx, goTool, root, p, pins, entry)
	if err != nil {
		return nil, "", false, err
	}
	return gi, filepath.Join(entry, "symbols.so"), false, nil
}

// readImportEntry reads the cache entry of a third-party package.
func readImportEntry(entry string) (*goImport, error) {
	data, err := os.ReadFile(filepath.Join(entry, "import.json"))
	if err != nil {
		return nil, err
	}
	if _, err := os.Stat(filepath.Join(entry, "symbols.so")); err != nil {
		return nil, err
	}
	var gi goImport
	if err := json.Unmarshal(data, &gi); err != nil {
		return nil, fmt.Errorf("the cache entry %s: %v", entry, err)
	}
	return &gi, nil
}

// genSource is the program that writes the symbol table of a package
// (yaegi's extract, as `yaegi extract` does) and reports its name and the
// exported names the table lacks: generic functions and types, and
// constraints.
const genSource = `package main

import (
	"bytes"
	"encoding/json"
	"fmt"
	"go/importer"
	"go/token"
	"go/types"
	"os"

	"github.com/traefik/yaegi/extract"
)

func main() {
	path, out := os.Args[1], os.Args[2]
	var buf bytes.Buffer
	if _, err := (&extract.Extractor{Dest: "main"}).Extract(path, "", &buf); err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
	pkg, err := importer.ForCompiler(token.NewFileSet(), "source", nil).Import(path)
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
	src := buf.Bytes()
	if !bytes.Contains(src, []byte(pkg.Name()+".")) {
		// Only untyped constants, which the table holds as values.
		src = bytes.Replace(src, []byte("\t\""+path+"\"\n"), []byte("\t_ \""+path+"\"\n"), 1)
	}
	if err := os.WriteFile(out, src, 0o644); err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
	generic := []string{}
	for _, name := range pkg.Scope().Names() {
		switch o := pkg.Scope().Lookup(name).(type) {
		case *types.Func:
			if o.Exported() && o.Type().(*types.Signature).TypeParams().Len() > 0 {
				generic = append(generic, name)
			}
		case *types.TypeName:
			if !o.Exported() {
				continue
			}
			if n, ok := o.Type().(*types.Named); ok && n.TypeParams().Len() > 0 {
				generic = append(generic, name)
			} else if i, ok := o.Type().Underlying().(*types.Interface); ok && i.NumMethods() == 0 && i.NumEmbeddeds() != 0 {
				generic = append(generic, name)
			}
		}
	}
	json.NewEncoder(os.Stdout).Encode(map[string]any{"Name": pkg.Name(), "Generic": generic})
}
`

// symbolsExport declares the table the generated file fills, which the
// plugin exports.
const symbolsExport = `package main

import "reflect"

// Symbols is the package's symbol table, for yaegi's Use.
var Symbols = map[string]map[string]reflect.Value{}
`

// buildGoImport resolves p in a module of its own, checks its
// requirements against the kernel's modules, writes its symbol table,
// builds it as a plugin and stores it at entry.
func (s *Session) buildGoImport(ctx context.Context, goTool, root, p string, pins map[string]string, entry string) (*goImport, error) {
	if err := os.MkdirAll(filepath.Dir(entry), 0o755); err != nil {
		return nil, err
	}
	work, err := os.MkdirTemp(filepath.Dir(entry), "build-")
	if err != nil {
		return nil, err
	}
	defer os.RemoveAll(work)
	var require strings.Builder
	for _, m := range sortedKeys(pins) {
		fmt.Fprintf(&require, "\t%s %s\n", m, pins[m])
	}
	files := map[string]string{
		"import.go":   "package main\n\nimport _ " + strconv.Quote(p) + "\n",
		"gen/main.go": genSource,
	}
	// A plugin's path, which no two loaded plugins share, is its module's.
	id := sha256.Sum256([]byte(entry))
	module := "gosparkling_import_" + hex.EncodeToString(id[:10])
	if err := writePluginModule(root, work, module, require.String(), "", files); err != nil {
		return nil, err
	}
	// The go commands that yaegi's extract runs (through go/build) may
	// complete go.mod too: the user's GOFLAGS, from the environment or
	// go env -w, with -mod=mod.
	flags, err := exec.CommandContext(ctx, goTool, "env", "GOFLAGS").Output()
	if err != nil {
		return nil, fmt.Errorf("go env GOFLAGS: %v", err)
	}
	env := append(os.Environ(), "CGO_ENABLED=1", "GOFLAGS="+strings.TrimSpace(strings.TrimSpace(string(flags))+" -mod=mod"))
	run := func(args ...string) (string, error) {
		cmd := exec.CommandContext(ctx, goTool, args...)
		cmd.Dir = work
		cmd.Env = env
		var stdout, stderr bytes.Buffer
		cmd.Stdout, cmd.Stderr = &stdout, &stderr
		ownProcessGroup(cmd)
		if err := cmd.Run(); err != nil {
			msg := strings.TrimSpace(stderr.String())
			if msg == "" {
				msg = err.Error()
			}
			return "", errors.New(msg)
		}
		return stdout.String(), nil
	}

	pinned, pin := pinFor(p, pins)
	what := "the kernel's version of its module, or the newest"
	if pin != "" {
		what = pinned + " " + pin + ", pinned"
	}
	fmt.Fprintf(s.stdout, "fetching %s (%s)…\n", p, what)
	gi, err := listImport(p, run)
	if err != nil {
		return nil, err
	}
	if pin != "" && pinned == gi.Module && pin != gi.Version {
		fmt.Fprintf(s.stderr, "gosparkling: %s %s was pinned, but the kernel's own modules need %s: importing %s\n", pinned, pin, gi.Version, gi.Version)
	}
	// -e: the versions the build selects are in the go.mod files; the
	// details of a module no package comes from (DuckDB's libraries of
	// other platforms) may be neither in the cache nor served, offline.
	all, err := run("list", "-mod=mod", "-e", "-m", "-f", "{{.Path}} {{.Version}}", "all")
	if err != nil {
		return nil, fmt.Errorf("listing the modules of its build: %v", err)
	}
	if err := checkVersions(ctx, goTool, root, gi, all); err != nil {
		kernel, _ := kernelModules(ctx, goTool, root)
		if _, own := kernel[gi.Module]; own || pinned == gi.Module {
			return nil, err
		}
		// Unpinned: the newest version whose requirements the kernel
		// meets.
		fmt.Fprintf(s.stdout, "%s %s needs newer modules than the kernel's: looking for an older version that fits…\n", gi.Module, gi.Version)
		older, oerr := olderFit(ctx, goTool, root, p, gi, run)
		if oerr != nil {
			return nil, fmt.Errorf("%v (%v)", err, oerr)
		}
		fmt.Fprintf(s.stderr, "gosparkling: importing %s %s, the newest version whose requirements the kernel meets (%s needs %s)\n",
			older.Module, older.Version, gi.Version, strings.TrimPrefix(err.Error(), "its module "+gi.Module+" "+gi.Version+" needs "))
		gi = older
	}
	fmt.Fprintf(s.stdout, "writing the symbol table of %s (%s %s)…\n", p, gi.Module, gi.Version)
	info, err := run("run", "-mod=mod", "./gen", p, "symbols.go")
	if err != nil {
		return nil, fmt.Errorf("writing its symbol table (yaegi's extract): %v", err)
	}
	var gen struct{ Generic []string }
	if err := json.Unmarshal([]byte(info), &gen); err != nil {
		return nil, fmt.Errorf("writing its symbol table: %v (%q)", err, info)
	}
	gi.Generic = gen.Generic
	if err := os.WriteFile(filepath.Join(work, "symbols_export.go"), []byte(symbolsExport), 0o644); err != nil {
		return nil, err
	}
	if err := os.RemoveAll(filepath.Join(work, "gen")); err != nil {
		return nil, err
	}
	fmt.Fprintf(s.stdout, "building %s %s as a plugin (a minute or more the first time)…\n", gi.Module, gi.Version)
	built := filepath.Join(work, "entry")
	if err := os.Mkdir(built, 0o755); err != nil {
		return nil, err
	}
	if output, err := goBuildPlugin(ctx, goTool, work, filepath.Join(built, "symbols.so"), false); err != nil {
		return nil, fmt.Errorf("building its plugin: %s", strings.TrimSpace(string(output)))
	}
	if gi.Sum, err = extraSum(root, work); err != nil {
		return nil, err
	}
	data, err := json.MarshalIndent(gi, "", "\t")
	if err != nil {
		return nil, err
	}
	if err := os.WriteFile(filepath.Join(built, "import.json"), data, 0o644); err != nil {
		return nil, err
	}
	if err := os.Rename(built, entry); err != nil {
		if _, rerr := readImportEntry(entry); rerr != nil {
			return nil, fmt.Errorf("storing its plugin in the cache: %v", err)
		}
	}
	return gi, nil
}

// listImport lists p and the modules its packages come from, with the
// go command run gives.
func listImport(p string, run func(args ...string) (string, error)) (*goImport, error) {
	deps, err := run("list", "-mod=mod", "-deps", "-f", `{{if not .Standard}}{{.ImportPath}} {{.Name}} {{with .Module}}{{.Path}} {{.Version}}{{end}}{{end}}`, p)
	if err != nil {
		return nil, notServed(p, err)
	}
	gi := &goImport{Path: p}
	requires := map[string]bool{}
	for _, line := range strings.Split(strings.TrimSpace(deps), "\n") {
		f := strings.Fields(line)
		if len(f) < 4 {
			continue
		}
		if f[0] == p {
			gi.Name, gi.Module, gi.Version = f[1], f[2], f[3]
		}
		if f[2] != "github.com/gosparkling/gosparkling" {
			requires[f[2]+" "+f[3]] = true
		}
	}
	if gi.Module == "" {
		return nil, fmt.Errorf("the go command found no module providing it:\n%s", deps)
	}
	if gi.Name == "main" {
		return nil, fmt.Errorf("it is a command (package main), which cannot be imported")
	}
	gi.Requires = sortedKeys(requires)
	return gi, nil
}

// maxOlderTries bounds the older versions olderFit tries.
const maxOlderTries = 6

// olderFit returns p at the newest release of its module older than
// gi's whose requirements the kernel's modules meet, requiring it in the
// module run works in.
func olderFit(ctx context.Context, goTool, root, p string, gi *goImport, run func(args ...string) (string, error)) (*goImport, error) {
	out, err := run("list", "-mod=mod", "-m", "-versions", "-f", "{{range .Versions}}{{.}} {{end}}", gi.Module)
	if err != nil {
		return nil, fmt.Errorf("listing the versions of %s: %v", gi.Module, err)
	}
	versions := strings.Fields(out)
	tried := 0
	for i := len(versions) - 1; i >= 0 && tried < maxOlderTries; i-- {
		v := versions[i]
		if strings.Contains(v, "-") || semverLess(gi.Version, v) || v == gi.Version {
			continue // a pre-release, or not older
		}
		tried++
		if _, err := run("mod", "edit", "-require="+gi.Module+"@"+v); err != nil {
			return nil, err
		}
		all, err := run("list", "-mod=mod", "-e", "-m", "-f", "{{.Path}} {{.Version}}", "all")
		if err != nil {
			continue
		}
		older := &goImport{Path: p, Module: gi.Module, Version: v}
		if checkVersions(ctx, goTool, root, older, all) != nil {
			continue
		}
		return listImport(p, run)
	}
	return nil, fmt.Errorf("none of the %d older versions tried fits either", tried)
}

// semverLess reports whether the release a is older than b (vX.Y.Z).
func semverLess(a, b string) bool {
	parse := func(v string) [3]int {
		var n [3]int
		fmt.Sscanf(strings.TrimPrefix(v, "v"), "%d.%d.%d", &n[0], &n[1], &n[2])
		return n
	}
	x, y := parse(a), parse(b)
	for i := range x {
		if x[i] != y[i] {
			return x[i] < y[i]
		}
	}
	return false
}

// extraSum returns the lines of the go.sum in work that gosparkling's
// go.sum lacks.
func extraSum(root, work string) (string, error) {
	own, err := os.ReadFile(filepath.Join(root, "go.sum"))
	if err != nil {
		return "", err
	}
	got, err := os.ReadFile(filepath.Join(work, "go.sum"))
	if err != nil {
		return "", err
	}
	have := map[string]bool{}
	for _, line := range strings.Split(string(own), "\n") {
		have[line] = true
	}
	var out strings.Builder
	for _, line := range strings.Split(string(got), "\n") {
		if line != "" && !have[line] {
			out.WriteString(line + "\n")
			have[line] = true
		}
	}
	return out.String(), nil
}

// notServed turns the go command's failure to find p into what to do.
func notServed(p string, err error) error {
	msg := err.Error()
	for _, sign := range []string{"cannot find module providing package", "no matching versions", "not found", "404", "410", "unrecognized import path", "module lookup disabled", "no such file or directory", "does not contain package", "malformed module path", "invalid version", "unknown revision"} {
		if strings.Contains(msg, sign) {
			return fmt.Errorf("no module the go command can reach provides it (GOPROXY=%s). Check the import path and the version pinned with %s get; a private module needs GOPRIVATE or GONOSUMDB, and GOPROXY; offline, only packages imported before (kept in the kernel's cache) can be imported. The go command said:\n%s",
				goEnvOr("GOPROXY", "https://proxy.golang.org,direct"), goMagic, msg)
		}
	}
	return fmt.Errorf("the go command could not resolve it:\n%s", msg)
}

// goEnvOr returns the environment variable name, or def.
func goEnvOr(name, def string) string {
	if v := os.Getenv(name); v != "" {
		return v
	}
	return def
}

var (
	kernelModsOnce sync.Once
	kernelMods     map[string]string
	kernelModsErr  error
)

// kernelModules returns the versions of the modules the kernel links, by
// path: from its build information, or, for a binary without it (a
// test's), those of `go list -m all` in the source it was built from.
func kernelModules(ctx context.Context, goTool, root string) (map[string]string, error) {
	kernelModsOnce.Do(func() {
		kernelMods = map[string]string{}
		if bi, ok := debug.ReadBuildInfo(); ok && len(bi.Deps) > 0 {
			for _, d := range bi.Deps {
				v := d.Version
				if d.Replace != nil {
					v = d.Replace.Version
				}
				kernelMods[d.Path] = v
			}
			return
		}
		cmd := exec.CommandContext(ctx, goTool, "list", "-e", "-m", "-f", "{{.Path}} {{.Version}}", "all")
		cmd.Dir = root
		out, err := cmd.Output()
		if err != nil {
			kernelModsErr = fmt.Errorf("listing the kernel's modules in %s: %v", root, err)
			return
		}
		for _, line := range strings.Split(string(out), "\n") {
			if f := strings.Fields(line); len(f) == 2 {
				kernelMods[f[0]] = f[1]
			}
		}
	})
	return kernelMods, kernelModsErr
}

// checkVersions returns an error naming the module and both versions
// when the build of gi (all: its `go list -m all`) has a module at a
// version other than the one the kernel links, or than a third-party
// package the process loaded linked: a plugin cannot load a second
// version of a package.
func checkVersions(ctx context.Context, goTool, root string, gi *goImport, all string) error {
	kernel, err := kernelModules(ctx, goTool, root)
	if err != nil {
		return err
	}
	var conflicts, newer []string
	for _, line := range strings.Split(all, "\n") {
		f := strings.Fields(line)
		if len(f) != 2 || f[0] == "github.com/gosparkling/gosparkling" {
			continue
		}
		if kv, ok := kernel[f[0]]; ok && kv != "" && kv != f[1] {
			conflicts = append(conflicts, fmt.Sprintf("%s %s, but the kernel links %s", f[0], f[1], kv))
			newer = append(newer, f[0]+"@"+f[1])
		}
	}
	if len(conflicts) == 0 {
		if conflicts = loadedConflicts(gi); len(conflicts) > 0 {
			return fmt.Errorf("its module %s %s needs %s: a process cannot load two versions of a package; restart the kernel to import this version",
				gi.Module, gi.Version, strings.Join(conflicts, "; "))
		}
		return nil
	}
	return fmt.Errorf("its module %s %s needs %s. A plugin cannot load a second version of a package the kernel has: pin an older version of %s (%s get %s@version), or rebuild the kernel with the newer modules (go get %s in gosparkling's source, then rebuild the kernel: make notebook)",
		gi.Module, gi.Version, strings.Join(conflicts, "; "), gi.Module, goMagic, gi.Module, strings.Join(newer, " "))
}

// loadedConflicts returns the modules gi needs at a version other than
// the one a third-party package the process loaded linked.
func loadedConflicts(gi *goImport) []string {
	goImportsMu.Lock()
	defer goImportsMu.Unlock()
	var conflicts []string
	for _, r := range gi.Requires {
		m, v, _ := strings.Cut(r, " ")
		for _, other := range goImports {
			for _, o := range other.Requires {
				if om, ov, _ := strings.Cut(o, " "); om == m && ov != v {
					conflicts = append(conflicts, fmt.Sprintf("%s %s, but %s, imported before in this kernel, linked %s", m, v, other.Path, ov))
				}
			}
		}
	}
	return conflicts
}

// goLine runs a `%go` line of a cell.
func (s *Session) goLine(ctx context.Context, line string) error {
	args := strings.Fields(strings.TrimSpace(strings.TrimPrefix(strings.TrimSpace(line), goMagic)))
	usage := fmt.Sprintf("%s get module@version, %s mod path/to/go.mod, or %s list", goMagic, goMagic, goMagic)
	if len(args) == 0 {
		return goLineError(fmt.Sprintf("%s: say what: %s", line, usage))
	}
	switch args[0] {
	case "get":
		if len(args) < 2 {
			return goLineError(fmt.Sprintf("%s get: name a module@version to pin", goMagic))
		}
		for _, arg := range args[1:] {
			if err := s.pinModule(ctx, arg); err != nil {
				return err
			}
		}
		return nil
	case "mod":
		if len(args) != 2 {
			return goLineError(fmt.Sprintf("%s mod: name one go.mod file", goMagic))
		}
		n, err := s.pinGoMod(ctx, args[1], true)
		if err != nil {
			return goLineError(fmt.Sprintf("%s mod %s: %v", goMagic, args[1], err))
		}
		fmt.Fprintf(s.stdout, "pinned the %d modules %s requires, for the packages imported from now on\n", n, args[1])
		return nil
	case "list":
		for _, m := range sortedKeys(s.goPins) {
			fmt.Fprintf(s.stdout, "pinned   %s %s\n", m, s.goPins[m])
		}
		for _, p := range sortedKeys(s.goLoaded) {
			gi := s.goLoaded[p]
			fmt.Fprintf(s.stdout, "imported %s (%s %s)\n", p, gi.Module, gi.Version)
		}
		return nil
	}
	return goLineError(fmt.Sprintf("%s: unknown command %q: %s", line, args[0], usage))
}

// canonicalVersion matches the versions go.mod files take: v1.2.3,
// v1.2.3-pre, pseudo-versions, +incompatible.
var canonicalVersion = regexp.MustCompile(`^v[0-9]+\.[0-9]+\.[0-9]+(-[0-9A-Za-z.-]+)?(\+incompatible)?$`)

// pinModule pins module@version for the packages imported from now on;
// a query (latest, a branch) is resolved now.
func (s *Session) pinModule(ctx context.Context, arg string) error {
	m, v, ok := strings.Cut(arg, "@")
	if !ok || m == "" || v == "" || !isThirdParty(m) {
		return goLineError(fmt.Sprintf("%s get %s: name a module and its version, as in %s get github.com/PuerkitoBio/goquery@v1.10.0", goMagic, arg, goMagic))
	}
	if !canonicalVersion.MatchString(v) {
		goTool, err := exec.LookPath("go")
		if err != nil {
			return goLineError(fmt.Sprintf("%s get %s: resolving %s needs the go command; pin an exact version (v1.2.3) instead", goMagic, arg, v))
		}
		cmd := exec.CommandContext(ctx, goTool, "list", "-m", "-f", "{{.Version}}", arg)
		cmd.Dir = os.TempDir()
		cmd.Env = append(os.Environ(), "GO111MODULE=on", "GOFLAGS=")
		out, err := cmd.CombinedOutput()
		if err != nil {
			return goLineError(fmt.Sprintf("%s get %s: %v", goMagic, arg, notServed(m, errors.New(strings.TrimSpace(string(out))))))
		}
		v = strings.TrimSpace(string(out))
	}
	for p, gi := range s.goLoaded {
		if gi.Module == m && gi.Version != v {
			return goLineError(fmt.Sprintf("%s get %s: %s is imported already, from %s %s: restart the kernel to import another version", goMagic, arg, p, m, gi.Version))
		}
	}
	s.goPins[m] = v
	fmt.Fprintf(s.stdout, "pinned %s %s, for the packages imported from now on\n", m, v)
	return nil
}

// pinGoMod pins the versions the go.mod file requires (read by `go mod
// edit -json`, which leaves it as it is), returning how many.
func (s *Session) pinGoMod(ctx context.Context, file string, checkLoaded bool) (int, error) {
	goTool, err := exec.LookPath("go")
	if err != nil {
		return 0, errors.New("reading a go.mod needs the go command on PATH")
	}
	abs, err := filepath.Abs(file)
	if err != nil {
		return 0, err
	}
	if _, err := os.Stat(abs); err != nil {
		return 0, err
	}
	out, err := exec.CommandContext(ctx, goTool, "mod", "edit", "-json", abs).Output()
	if err != nil {
		var ee *exec.ExitError
		if errors.As(err, &ee) {
			return 0, fmt.Errorf("%s", strings.TrimSpace(string(ee.Stderr)))
		}
		return 0, err
	}
	var mod struct {
		Require []struct{ Path, Version string }
	}
	if err := json.Unmarshal(out, &mod); err != nil {
		return 0, err
	}
	for _, r := range mod.Require {
		if r.Path == "github.com/gosparkling/gosparkling" {
			continue
		}
		if checkLoaded {
			for p, gi := range s.goLoaded {
				if gi.Module == r.Path && gi.Version != r.Version {
					return 0, fmt.Errorf("%s is imported already, from %s %s, and the go.mod requires %s: restart the kernel to import another version", p, r.Path, gi.Version, r.Version)
				}
			}
		}
		s.goPins[r.Path] = r.Version
	}
	return len(mod.Require), nil
}

func goLineError(msg string) error {
	return &CellError{Name: "GoError", Value: msg, Traceback: []string{msg}}
}

// goLines runs the `%go` lines of code, and returns it with them blank
// (the lines of the rest keep their numbers).
func (s *Session) goLines(ctx context.Context, code string) (string, error) {
	if !strings.Contains(code, goMagic) {
		return code, nil
	}
	lines := strings.Split(code, "\n")
	for i, line := range lines {
		t := strings.TrimSpace(line)
		if t != goMagic && !strings.HasPrefix(t, goMagic+" ") && !strings.HasPrefix(t, goMagic+"\t") {
			continue
		}
		if err := s.goLine(ctx, t); err != nil {
			return "", err
		}
		lines[i] = ""
	}
	return strings.Join(lines, "\n"), nil
}
