package interp

import (
	"context"
	"errors"
	"fmt"
	"go/ast"
	"go/parser"
	"go/token"
	"os"
	"os/exec"
	"path/filepath"
	"plugin"
	"reflect"
	"runtime"
	"sort"
	"strings"
	"time"

	"github.com/traefik/yaegi/interp"
)

// compileMagic starts a cell whose declarations are built with the Go
// toolchain instead of interpreted:
//
//	%%compile
//	func Words(line string) []string { return strings.Fields(strings.ToLower(line)) }
//
// The cell is a Go file without its package clause: imports, then
// declarations. Its functions, exported or not, become names of the
// session that later cells call or pass to RDD methods at compiled speed.
// Types and variables it declares are for its own functions: cells cannot
// use them. Building takes seconds (a minute or more the first time, while
// the toolchain compiles gosparkling's packages for plugins).
const compileMagic = "%%compile"

// exportPrefix names the variables the plugin exports each function by.
const exportPrefix = "GosparklingExport_"

// compileCell builds src as a Go plugin and binds its functions into the
// session.
func (s *Session) compileCell(ctx context.Context, src string, out Output) error {
	start := time.Now()
	fset := token.NewFileSet()
	file, err := parser.ParseFile(fset, "cell.go", "package main\n"+src, parser.ParseComments)
	if err != nil {
		return compileCellError(strings.ReplaceAll(err.Error(), "cell.go:", "line "))
	}
	var funcs []string
	for _, d := range file.Decls {
		fd, ok := d.(*ast.FuncDecl)
		if !ok || fd.Recv != nil {
			continue
		}
		if name := fd.Name.Name; name == "main" || name == "init" {
			return compileCellError(fmt.Sprintf("a %s cell cannot declare %s", compileMagic, name))
		}
		if fd.Type.TypeParams != nil {
			return compileCellError(fmt.Sprintf("%s is generic: a %s cell's functions must be concrete", fd.Name.Name, compileMagic))
		}
		funcs = append(funcs, fd.Name.Name)
	}
	if len(funcs) == 0 {
		return compileCellError(fmt.Sprintf("a %s cell declares no function", compileMagic))
	}
	// Packages the cell uses without importing them are imported, as in
	// ordinary cells, on the package clause's line.
	imported := map[string]bool{}
	for _, spec := range file.Imports {
		name := strings.Trim(spec.Path.Value, `"`)
		name = name[strings.LastIndex(name, "/")+1:]
		if spec.Name != nil {
			name = spec.Name.Name
		}
		imported[name] = true
	}
	header := "package main"
	for _, id := range file.Unresolved {
		if path, ok := s.packages[id.Name]; ok && !imported[id.Name] {
			header += fmt.Sprintf("; import %q", path)
			imported[id.Name] = true
		}
	}
	so, err := s.buildPlugin(ctx, header, src, funcs)
	if err != nil {
		return err
	}
	p, err := plugin.Open(so)
	if err != nil {
		return compileCellError(fmt.Sprintf("loading the compiled cell: %v (a kernel built with CGO_ENABLED=0 cannot load compiled cells)", err))
	}
	exports := map[string]reflect.Value{}
	for _, name := range funcs {
		sym, err := p.Lookup(exportPrefix + name)
		if err != nil {
			return compileCellError(fmt.Sprintf("the compiled cell lacks %s: %v", name, err))
		}
		exports[name] = reflect.ValueOf(sym).Elem()
	}
	s.compiled++
	pkgPath := fmt.Sprintf("gosparkling.compiled/cell%d", s.compiled)
	pkgName := fmt.Sprintf("_gosparklingCompiled%d", s.compiled)
	if err := s.yaegi.Use(interp.Exports{pkgPath + "/cell": exports}); err != nil {
		return compileCellError(fmt.Sprintf("binding the compiled functions: %v", err))
	}
	decls := []string{fmt.Sprintf("import %s %q", pkgName, pkgPath)}
	for _, name := range funcs {
		decls = append(decls, fmt.Sprintf("var %s = %s.%s", name, pkgName, name))
	}
	for _, d := range decls {
		if _, err := s.eval(ctx, d); err != nil {
			return err
		}
	}
	for _, name := range funcs {
		s.globals[name] = true
	}
	sort.Strings(funcs)
	out.Stream("stdout", fmt.Sprintf("compiled %s in %s\n", strings.Join(funcs, ", "), time.Since(start).Round(100*time.Millisecond)))
	return nil
}

// buildPlugin writes src into a module of its own that requires
// gosparkling from the source the kernel was built from, and builds it
// as a plugin, returning the plugin's path.
func (s *Session) buildPlugin(ctx context.Context, header, src string, funcs []string) (string, error) {
	goTool, root, err := pluginToolchain(ctx)
	if err != nil {
		return "", compileCellError(err.Error())
	}
	if s.compileDir == "" {
		if s.compileDir, err = os.MkdirTemp("", "gosparkling-compile-"); err != nil {
			return "", compileCellError(err.Error())
		}
	}
	module := fmt.Sprintf("gosparkling_cell_%d_%d", os.Getpid(), s.compiled+1)
	dir := filepath.Join(s.compileDir, module)
	var exports strings.Builder
	exports.WriteString("package main\n\n")
	for _, name := range funcs {
		fmt.Fprintf(&exports, "var %s%s = %s\n", exportPrefix, name, name)
	}
	files := map[string]string{"cell.go": header + "\n" + src, "exports.go": exports.String()}
	so := filepath.Join(dir, "cell.so")
	if output, err := buildPluginModule(ctx, goTool, root, dir, module, files, so, false); err != nil {
		if ctx.Err() != nil {
			return "", ctx.Err()
		}
		if output == nil {
			return "", compileCellError(err.Error())
		}
		msg := strings.TrimSpace(string(output))
		msg = strings.ReplaceAll(msg, "./cell.go:", "line ")
		// The cell's lines are the file's, less the package clause.
		return "", compileCellError(shiftLines(msg))
	}
	return so, nil
}

// pluginToolchain returns the go command, when it is of the kernel's
// version, and the gosparkling source that plugins build against.
func pluginToolchain(ctx context.Context) (goTool, root string, err error) {
	goTool, err = exec.LookPath("go")
	if err != nil {
		return "", "", errors.New("compiling a cell needs the Go toolchain (go on PATH); without it, write the functions in an ordinary cell, where they are interpreted")
	}
	version, err := exec.CommandContext(ctx, goTool, "env", "GOVERSION").Output()
	if err != nil {
		return "", "", fmt.Errorf("go env GOVERSION: %v", err)
	}
	if v := strings.TrimSpace(string(version)); v != runtime.Version() {
		return "", "", fmt.Errorf("the go on PATH is %s but the kernel was built with %s: a compiled cell needs the same toolchain", v, runtime.Version())
	}
	if root, err = sourceRoot(); err != nil {
		return "", "", err
	}
	return goTool, root, nil
}

// buildPluginModule writes files into dir, as the package main of module
// requiring gosparkling from root, and builds it as a plugin at out
// (with the race detector when the kernel has it). Lowly, it builds at
// the lowest priority. A failure of the build returns its output; other
// failures none. The third-party packages the files import, which cells
// imported (goimport.go), are required at the versions their plugins
// were built with.
func buildPluginModule(ctx context.Context, goTool, root, dir, module string, files map[string]string, out string, lowly bool) ([]byte, error) {
	require, sum := importRequirements(files)
	lowered := make(map[string]string, len(files))
	for name, text := range files {
		if strings.HasSuffix(name, ".go") {
			out, err := rewritePlugin(text)
			if err != nil {
				return nil, err
			}
			text = out
		}
		lowered[name] = text
	}
	files = lowered
	if err := writePluginModule(root, dir, module, require, sum, files); err != nil {
		return nil, err
	}
	return goBuildPlugin(ctx, goTool, dir, out, lowly)
}

// writePluginModule writes files into dir with the go.mod of module,
// which requires gosparkling from root and the lines of require (a
// require block's body), and the go.sum of gosparkling followed by sum.
func writePluginModule(root, dir, module, require, sum string, files map[string]string) error {
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return err
	}
	goMod := fmt.Sprintf("module %s\n\ngo 1.26\n\nrequire github.com/gosparkling/gosparkling v0.0.0\n\nreplace github.com/gosparkling/gosparkling => %s\n", module, root)
	if require != "" {
		goMod += "\nrequire (\n" + require + ")\n"
	}
	ownSum, err := os.ReadFile(filepath.Join(root, "go.sum"))
	if err != nil {
		return fmt.Errorf("reading gosparkling's go.sum: %v", err)
	}
	all := map[string]string{"go.mod": goMod, "go.sum": string(ownSum) + sum}
	for name, text := range files {
		all[name] = text
	}
	for name, text := range all {
		if err := os.MkdirAll(filepath.Dir(filepath.Join(dir, name)), 0o755); err != nil {
			return err
		}
		if err := os.WriteFile(filepath.Join(dir, name), []byte(text), 0o644); err != nil {
			return err
		}
	}
	return nil
}

// goBuildPlugin builds the package main of the module in dir as a plugin
// at out, with the race detector when the kernel has it; lowly, at the
// lowest priority. A failure of the build returns its output.
func goBuildPlugin(ctx context.Context, goTool, dir, out string, lowly bool) ([]byte, error) {
	// -w: no DWARF, which nothing reads from a plugin (stack traces use
	// the runtime's own tables); it is 40% of the link's time.
	args := []string{goTool, "build", "-mod=mod", "-buildmode=plugin", "-ldflags=-w", "-o", out}
	if raceEnabled {
		args = append(args, "-race")
	}
	if pluginTags != "" {
		args = append(args, "-tags", pluginTags)
	}
	args = append(args, ".")
	if nice, err := exec.LookPath("nice"); err == nil && lowly {
		args = append([]string{nice, "-n", "19"}, args...)
	}
	cmd := exec.CommandContext(ctx, args[0], args[1:]...)
	cmd.Dir = dir
	// The user's Go environment (GOPROXY, GOFLAGS, GONOSUMDB, GOMODCACHE...)
	// passes through; -mod=mod on the command line lets the build add
	// what go.mod lacks.
	cmd.Env = append(os.Environ(), "CGO_ENABLED=1")
	ownProcessGroup(cmd)
	output, err := cmd.CombinedOutput()
	if err != nil && len(output) == 0 {
		output = []byte(err.Error())
	}
	return output, err
}

// shiftLines turns "line N:" of the built file into the cell's line N-1.
func shiftLines(msg string) string {
	var b strings.Builder
	for _, line := range strings.Split(msg, "\n") {
		var n int
		if rest, ok := strings.CutPrefix(line, "line "); ok {
			if _, err := fmt.Sscanf(rest, "%d:", &n); err == nil && n > 1 {
				line = fmt.Sprintf("line %d:%s", n-1, rest[strings.Index(rest, ":")+1:])
			}
		}
		if strings.HasPrefix(line, "# ") {
			continue
		}
		b.WriteString(line + "\n")
	}
	return strings.TrimSpace(b.String())
}

// sourceRoot is the directory of the gosparkling module this package was
// built from, which a compiled cell builds against.
func sourceRoot() (string, error) {
	_, file, _, ok := runtime.Caller(0)
	if !ok {
		return "", errors.New("compiling a cell needs gosparkling's source, which this kernel cannot locate")
	}
	root := filepath.Dir(filepath.Dir(file))
	if _, err := os.Stat(filepath.Join(root, "go.mod")); err != nil {
		return "", fmt.Errorf("compiling a cell needs gosparkling's source at %s (build the kernel without -trimpath): %v", root, err)
	}
	return root, nil
}

func compileCellError(msg string) error {
	return &CellError{Name: "CompileError", Value: msg, Traceback: []string{msg}}
}
