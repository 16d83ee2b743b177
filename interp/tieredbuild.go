package interp

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
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
	b.loadOnce.Do(func() { b.plugin, b.loadErr = plugin.Open(b.path) })
	if b.loadErr != nil {
		return reflect.Value{}, b.loadErr
	}
	sym, err := b.plugin.Lookup(name)
	if err != nil {
		return reflect.Value{}, err
	}
	v := reflect.ValueOf(sym)
	if v.Kind() != reflect.Func {
		return reflect.Value{}, fmt.Errorf("the plugin's %s is a %s", name, v.Kind())
	}
	return v, nil
}

// buildStarting, when set (by tests, under buildsMu), is called as each
// build starts.
var buildStarting func(source string)

var (
	buildsMu sync.Mutex
	builds   = map[string]*pluginBuild{} // by source
	// buildSlot lets one plugin build run at a time: they share most
	// of their work, which the go command's cache keeps.
	buildSlot = make(chan struct{}, 1)
	// cancelWarmUp cancels the warm-up build under way, if any.
	cancelWarmUp context.CancelFunc
)

// startPluginBuild returns the build of source, starting it in the
// background unless it started already; lowly builds at the lowest
// priority.
// runningBuilds counts the builds under way, for a closing session to
// wait for the end of those it cancelled.
var runningBuilds atomic.Int64

func startPluginBuild(ctx context.Context, source string, lowly bool) *pluginBuild {
	buildsMu.Lock()
	defer buildsMu.Unlock()
	if b, ok := builds[source]; ok {
		return b
	}
	b := &pluginBuild{source: source, done: make(chan struct{})}
	builds[source] = b
	hook := buildStarting
	runningBuilds.Add(1)
	go func() {
		defer runningBuilds.Add(-1)
		defer close(b.done)
		if hook != nil {
			hook(source)
		}
		start := time.Now()
		b.path, b.cached, b.err = buildCachedPlugin(ctx, source, lowly)
		b.took = time.Since(start)
		if b.err != nil && ctx.Err() != nil {
			// A build the session's end cut short is tried again by
			// the next session that needs it.
			buildsMu.Lock()
			delete(builds, source)
			buildsMu.Unlock()
		}
	}()
	return b
}

// buildCachedPlugin returns the path of source's plugin in the cache,
// building it there when it is not.
func buildCachedPlugin(ctx context.Context, source string, lowly bool) (path string, cached bool, err error) {
	dir, err := pluginCacheDir()
	if err != nil {
		return "", false, err
	}
	// The versions of the third-party packages it imports are part of
	// what it is.
	require, _ := importRequirements(map[string]string{"fn.go": source})
	sum := sha256.Sum256([]byte(source + require))
	key := hex.EncodeToString(sum[:12])
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
		return path, true, nil
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
		return "", false, fmt.Errorf("%s", strings.TrimSpace(strings.ReplaceAll(string(output), "# "+module+"\n", "")))
	}
	if err := os.Rename(tmp, path); err != nil {
		return "", false, err
	}
	return path, false, nil
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

var (
	cacheDirOnce sync.Once
	cacheDir     string
	cacheDirErr  error
)

// pluginCacheDir returns the directory of the plugins built for this
// kernel: a plugin loads only into the build of the kernel it was built
// for, so each build has its own, named by the hash of the executable and
// of how it was built.
func pluginCacheDir() (string, error) {
	cacheDirOnce.Do(func() {
		cacheDir, cacheDirErr = func() (string, error) {
			base, err := os.UserCacheDir()
			if err != nil {
				return "", fmt.Errorf("no cache directory for compiled functions: %w", err)
			}
			exe, err := os.Executable()
			if err != nil {
				return "", fmt.Errorf("finding the kernel's executable: %w", err)
			}
			file, err := os.Open(exe)
			if err != nil {
				return "", fmt.Errorf("reading the kernel's executable: %w", err)
			}
			defer file.Close()
			h := sha256.New()
			fmt.Fprintf(h, "%s race=%t\n", runtime.Version(), raceEnabled)
			if _, err := io.Copy(h, file); err != nil {
				return "", fmt.Errorf("reading the kernel's executable: %w", err)
			}
			dir := filepath.Join(base, "gosparkling", "plugins", hex.EncodeToString(h.Sum(nil)[:12]))
			if err := os.MkdirAll(dir, 0o755); err != nil {
				return "", fmt.Errorf("making the cache of compiled functions: %w", err)
			}
			return dir, nil
		}()
	})
	return cacheDir, cacheDirErr
}
