package interp

import (
	"context"
	"crypto/sha256"
	"debug/elf"
	"encoding/hex"
	"errors"
	"fmt"
	"go/ast"
	"go/parser"
	"go/token"
	"io"
	"os"
	"path/filepath"
	"plugin"
	"reflect"
	"runtime"
	"strings"
	"sync"
	"sync/atomic"
	"time"
)

// The plugins of tiered execution (tiered.go): built in the background,
// one at a time, kept on disk by kernel build and source, loaded once per
// process.

// pluginBuild is the build of one plugin source, shared by the sessions
// of the process: a plugin is loaded once.
type pluginBuild struct {
	source string
	done   chan struct{}
	path   string // the plugin, once built
	took   time.Duration
	cached bool // found built in the cache
	err    error

	loadOnce sync.Once
	plugin   *plugin.Plugin
	loadErr  error
}

func (b *pluginBuild) finished() bool {
	select {
	case <-b.done:
		return true
	default:
		return false
	}
}

// lookup loads the plugin, once, and returns its function name.
func (b *pluginBuild) lookup(name string) (reflect.Value, error) {
	if b.err != nil {
		return reflect.Value{}, b.err
	}
	b.loadOnce.Do(func() { b.plugin, b.loadErr = openPlugin(b.path) })
	if b.loadErr != nil {
		return reflect.Value{}, b.loadErr
	}
	sym, err := b.plugin.Lookup(name)
	if err != nil {
		return reflect.Value{}, err
	}
	v := reflect.ValueOf(sym)
	if v.Kind() == reflect.Pointer && v.Elem().Kind() == reflect.Func {
		v = v.Elem() // a variable of a batch's plugin (batchMain)
	}
	if v.Kind() != reflect.Func {
		return reflect.Value{}, fmt.Errorf("the plugin's %s is a %s", name, v.Kind())
	}
	return v, nil
}

var (
	loadedMu sync.Mutex
	// loaded are the plugins the process loaded, by the name of their
	// file, which their key makes: Go loads a plugin once, and refuses
	// the same plugin from another directory (a second cache directory).
	loaded = map[string]*plugin.Plugin{}
)

// openPlugin loads the plugin at path, or returns the same plugin the
// process loaded from another path.
func openPlugin(path string) (*plugin.Plugin, error) {
	real, err := filepath.EvalSymlinks(path)
	if err != nil {
		return nil, err
	}
	name := filepath.Base(real)
	loadedMu.Lock()
	defer loadedMu.Unlock()
	if p, ok := loaded[name]; ok {
		return p, nil
	}
	p, err := plugin.Open(real)
	if err != nil {
		return nil, err
	}
	loaded[name] = p
	return p, nil
}

// buildStarting, when set (by tests, under buildsMu), is called as each
// build starts; cachedHandOver, before a cached plugin is handed over.
var buildStarting, cachedHandOver func(source string)

var (
	buildsMu sync.Mutex
	builds   = map[string]*pluginBuild{} // by source
	// buildSlot lets one plugin build run at a time: they share most
	// of their work, which the go command's cache keeps.
	buildSlot = make(chan struct{}, 1)
	// cancelWarmUp cancels the warm-up build under way, if any.
	cancelWarmUp context.CancelFunc
)

// runningBuilds counts the builds under way, for a closing session to
// wait for the end of those it cancelled.
var runningBuilds atomic.Int64

// startPluginBuild returns the build of source, starting it in the
// background unless it started already; lowly builds at the lowest
// priority. The functions of a cell are asked for within microseconds
// of one another, as the cell builds its RDDs: those asked for within
// batchWindow build together, as one plugin (buildBatch), since linking
// is most of a build's time.
func startPluginBuild(ctx context.Context, source string, lowly bool) *pluginBuild {
	buildsMu.Lock()
	defer buildsMu.Unlock()
	if b, ok := builds[source]; ok {
		return b
	}
	b := &pluginBuild{source: source, done: make(chan struct{})}
	builds[source] = b
	if path, ok := cachedPlugin(source); ok && !lowly {
		// At once: a job's tasks that start now run it compiled.
		b.path, b.cached = path, true
		if handOver := cachedHandOver; handOver != nil {
			go func() {
				defer close(b.done)
				handOver(source)
			}()
			return b
		}
		close(b.done)
		return b
	}
	hook := buildStarting
	runningBuilds.Add(1)
	if !lowly {
		p := pending[ctx]
		if p == nil {
			p = &pendingBatch{first: time.Now()}
			pending[ctx] = p
			p.timer = time.AfterFunc(batchWindow, func() { startBatch(ctx, hook) })
		} else if time.Since(p.first) < batchMaxWait {
			p.timer.Reset(batchWindow)
		}
		p.builds = append(p.builds, b)
		return b
	}
	go func() {
		defer runningBuilds.Add(-1)
		defer close(b.done)
		if hook != nil {
			hook(source)
		}
		start := time.Now()
		b.path, b.cached, b.err = buildCachedPlugin(ctx, source, lowly)
		b.took = time.Since(start)
		b.forgetIfCut(ctx)
	}()
	return b
}

// A batch starts building batchWindow after its last function was asked
// for, or batchMaxWait after its first.
const (
	batchWindow  = 150 * time.Millisecond
	batchMaxWait = time.Second
)

// pendingBatch is the builds asked for, not yet started.
type pendingBatch struct {
	builds []*pluginBuild
	first  time.Time
	timer  *time.Timer
}

// pending are the batches being gathered, by the context of the session
// that asked.
var pending = map[context.Context]*pendingBatch{}

// forgetIfCut forgets a build the session's end cut short: the next
// session that needs it tries again.
func (b *pluginBuild) forgetIfCut(ctx context.Context) {
	if b.err != nil && ctx.Err() != nil {
		buildsMu.Lock()
		delete(builds, b.source)
		buildsMu.Unlock()
	}
}

// startBatch builds the pending builds of a session, in the background.
func startBatch(ctx context.Context, hook func(source string)) {
	buildsMu.Lock()
	var bs []*pluginBuild
	if p := pending[ctx]; p != nil {
		bs = p.builds
	}
	delete(pending, ctx)
	buildsMu.Unlock()
	go func() {
		defer runningBuilds.Add(-int64(len(bs)))
		buildBatch(ctx, bs, hook)
	}()
}

// buildBatch builds the plugins of bs: those in the cache at once, the
// others as one plugin, and each on its own when that fails, so that one
// function that does not compile keeps no other interpreted.
func buildBatch(ctx context.Context, bs []*pluginBuild, hook func(source string)) {
	finish := func(b *pluginBuild, start time.Time) {
		b.took = time.Since(start)
		b.forgetIfCut(ctx)
		close(b.done)
	}
	var todo []*pluginBuild
	for _, b := range bs {
		if path, ok := cachedPlugin(b.source); ok {
			b.path, b.cached = path, true
			finish(b, time.Now())
			continue
		}
		todo = append(todo, b)
	}
	if hook != nil {
		for _, b := range todo {
			hook(b.source)
		}
	}
	start := time.Now()
	if len(todo) > 1 {
		sources := make([]string, len(todo))
		for i, b := range todo {
			sources[i] = b.source
		}
		paths, err := buildCombinedPlugin(ctx, sources)
		if err == nil {
			for i, b := range todo {
				b.path = paths[i]
				finish(b, start)
			}
			return
		}
	}
	for _, b := range todo {
		b.path, b.cached, b.err = buildCachedPlugin(ctx, b.source, false)
		finish(b, start)
	}
}

// pluginKey names the plugin of a source in the cache: the versions of
// the third-party packages it imports are part of what it is.
func pluginKey(source string) string {
	require, _ := importRequirements(map[string]string{"fn.go": source})
	sum := sha256.Sum256([]byte(source + require))
	return hex.EncodeToString(sum[:12])
}

// cachedPlugin returns the path of source's plugin when the cache has it.
func cachedPlugin(source string) (string, bool) {
	dir, err := pluginCacheDir()
	if err != nil {
		return "", false
	}
	path := filepath.Join(dir, pluginKey(source)+".so")
	_, err = os.Stat(path)
	return path, err == nil
}

// takeBuildSlot waits for the slot of plugin builds, and returns what
// gives it back. A build that is not lowly cancels the warm-up build
// under way: the packages the warm-up compiled stay in the go command's
// cache, and it goes on after.
func takeBuildSlot(ctx context.Context, lowly bool) (release func(), err error) {
	if !lowly {
		buildsMu.Lock()
		if cancelWarmUp != nil {
			cancelWarmUp()
			cancelWarmUp = nil
		}
		buildsMu.Unlock()
	}
	select {
	case buildSlot <- struct{}{}:
		return func() { <-buildSlot }, nil
	case <-ctx.Done():
		return nil, ctx.Err()
	}
}

// buildCombinedPlugin builds the sources as one plugin, each source its
// own package, and returns, for each, its path in the cache: a symbolic
// link to the one plugin, which the process loads once, whichever path
// opens it.
func buildCombinedPlugin(ctx context.Context, sources []string) ([]string, error) {
	dir, err := pluginCacheDir()
	if err != nil {
		return nil, err
	}
	release, err := takeBuildSlot(ctx, false)
	if err != nil {
		return nil, err
	}
	defer release()
	goTool, root, err := pluginToolchain(ctx)
	if err != nil {
		return nil, err
	}
	keys := make([]string, len(sources))
	for i, src := range sources {
		keys[i] = pluginKey(src)
	}
	batchKey := pluginKey(strings.Join(keys, "\n"))
	module := "gosparkling_batch_" + batchKey
	files, err := batchFiles(module, keys, sources)
	if err != nil {
		return nil, err
	}
	work, err := os.MkdirTemp(dir, "build-")
	if err != nil {
		return nil, err
	}
	defer os.RemoveAll(work)
	tmp := filepath.Join(work, "batch.so")
	if output, err := buildPluginModule(ctx, goTool, root, work, module, files, tmp, false); err != nil {
		return nil, fmt.Errorf("building %d functions as one plugin: %s", len(sources), strings.TrimSpace(string(output)))
	}
	batchName := "batch-" + batchKey + ".so"
	if err := os.Rename(tmp, filepath.Join(dir, batchName)); err != nil {
		return nil, err
	}
	paths := make([]string, len(keys))
	for i, key := range keys {
		paths[i] = filepath.Join(dir, key+".so")
		link := filepath.Join(work, key+".so")
		if err := os.Symlink(batchName, link); err != nil {
			return nil, err
		}
		if err := os.Rename(link, paths[i]); err != nil {
			return nil, err
		}
	}
	return paths, nil
}

// batchFiles returns the files of a batch's module: each source in a
// package of its own, and a main package whose variables are their
// exported functions (the constructors the sessions look up).
func batchFiles(module string, keys, sources []string) (map[string]string, error) {
	files := map[string]string{}
	var main strings.Builder
	main.WriteString("package main\n\nimport (\n")
	var vars strings.Builder
	for i, src := range sources {
		pkg := "f" + keys[i]
		body, ok := strings.CutPrefix(src, "package main\n")
		if !ok {
			return nil, fmt.Errorf("a plugin source that is not package main")
		}
		files[pkg+"/fn.go"] = "package " + pkg + "\n" + body
		fmt.Fprintf(&main, "\t%s %q\n", pkg, module+"/"+pkg)
		f, err := parser.ParseFile(token.NewFileSet(), "fn.go", src, parser.SkipObjectResolution)
		if err != nil {
			return nil, err
		}
		for _, d := range f.Decls {
			if fd, ok := d.(*ast.FuncDecl); ok && fd.Recv == nil && fd.Name.IsExported() {
				fmt.Fprintf(&vars, "var %s = %s.%s\n", fd.Name.Name, pkg, fd.Name.Name)
			}
		}
	}
	main.WriteString(")\n\n")
	main.WriteString(vars.String())
	files["main.go"] = main.String()
	return files, nil
}

// buildCachedPlugin returns the path of source's plugin in the cache,
// building it there when it is not.
func buildCachedPlugin(ctx context.Context, source string, lowly bool) (path string, cached bool, err error) {
	dir, err := pluginCacheDir()
	if err != nil {
		return "", false, err
	}
	key := pluginKey(source)
	path = filepath.Join(dir, key+".so")
	if _, err := os.Stat(path); err == nil {
		return path, true, nil
	}
	release, err := takeBuildSlot(ctx, lowly)
	if err != nil {
		return "", false, err
	}
	defer release()
	if _, err := os.Stat(path); err == nil {
		return path, true, nil // another session built it meanwhile
	}
	goTool, root, err := pluginToolchain(ctx)
	if err != nil {
		return "", false, err
	}
	work, err := os.MkdirTemp(dir, "build-")
	if err != nil {
		return "", false, err
	}
	defer os.RemoveAll(work)
	module := "gosparkling_fn_" + key
	tmp := filepath.Join(work, "fn.so")
	if output, err := buildPluginModule(ctx, goTool, root, work, module, map[string]string{"fn.go": source}, tmp, lowly); err != nil {
		if ctx.Err() != nil {
			return "", false, ctx.Err()
		}
		if k := (keptInterpreted{}); errors.As(err, &k) {
			return "", false, k
		}
		return "", false, fmt.Errorf("%s", strings.TrimSpace(strings.ReplaceAll(string(output), "# "+module+"\n", "")))
	}
	if err := os.Rename(tmp, path); err != nil {
		return "", false, err
	}
	return path, false, nil
}

var (
	cacheDirOnce sync.Once
	cacheDir     string
	cacheDirErr  error
)

// kernelBuildID returns what identifies the kernel's executable: the
// build ID the Go linker writes into it (a hash of its content), read in
// microseconds; or, when it has none, the SHA-256 of the whole file,
// which takes a good part of a second for a kernel's size.
func kernelBuildID() (string, error) {
	exe, err := os.Executable()
	if err != nil {
		return "", fmt.Errorf("finding the kernel's executable: %w", err)
	}
	if f, err := elf.Open(exe); err == nil {
		defer f.Close()
		if note := f.Section(".note.go.buildid"); note != nil {
			if data, err := note.Data(); err == nil && len(data) > 16 {
				return "buildid " + string(data), nil
			}
		}
	}
	file, err := os.Open(exe)
	if err != nil {
		return "", fmt.Errorf("reading the kernel's executable: %w", err)
	}
	defer file.Close()
	h := sha256.New()
	if _, err := io.Copy(h, file); err != nil {
		return "", fmt.Errorf("reading the kernel's executable: %w", err)
	}
	return "sha256 " + hex.EncodeToString(h.Sum(nil)), nil
}

// pluginCacheDir returns the directory of the plugins built for this
// kernel: a plugin loads only into the build of the kernel it was built
// for, so each build has its own, named by the build's ID and how it was
// built.
func pluginCacheDir() (string, error) {
	cacheDirOnce.Do(func() {
		cacheDir, cacheDirErr = func() (string, error) {
			base, err := os.UserCacheDir()
			if err != nil {
				return "", fmt.Errorf("no cache directory for compiled functions: %w", err)
			}
			id, err := kernelBuildID()
			if err != nil {
				return "", err
			}
			h := sha256.New()
			fmt.Fprintf(h, "%s race=%t\n%s", runtime.Version(), raceEnabled, id)
			dir := filepath.Join(base, "gosparkling", "plugins", hex.EncodeToString(h.Sum(nil)[:12]))
			if err := os.MkdirAll(dir, 0o755); err != nil {
				return "", fmt.Errorf("making the cache of compiled functions: %w", err)
			}
			return dir, nil
		}()
	})
	return cacheDir, cacheDirErr
}
