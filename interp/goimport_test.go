package interp

import (
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/gosparkling/gosparkling/internal/modproxy"
)

// greetSource is example.test/greet at a version whose Hello says hi.
func greetSource(hi string) map[string]string {
	return map[string]string{"greet.go": `// Package greet greets.
package greet

import "strings"

// Hello greets name.
func Hello(name string) string { return "` + hi + `, " + strings.ToUpper(name) }

// Greeter greets with its Prefix.
type Greeter struct{ Prefix string }

// Greet greets name.
func (g Greeter) Greet(name string) string { return g.Prefix + name }

// Map applies f to each of xs: generic, which cells cannot call.
func Map[T any](xs []T, f func(T) T) []T {
	out := make([]T, len(xs))
	for i, x := range xs {
		out[i] = f(x)
	}
	return out
}

// Box holds a value: generic too.
type Box[T any] struct{ V T }
`}
}

// versionSource is a package name that knows its version.
func versionSource(name, version string) map[string]string {
	return map[string]string{name + ".go": "// Package " + name + " knows its version.\npackage " + name + "\n\n// Version is the module's version.\nconst Version = \"" + version + "\"\n"}
}

// fakeYaegi is a version of a module the kernel links, newer than the
// kernel's, which a proxy serves the go.mod of: a pseudo-version, which
// no query for the latest version picks.
const fakeYaegi = "v0.16.2-0.20990101000000-000000000000"

// goImportEnv prepares the environment of tests that import third-party
// packages: the go command's build cache stays the machine's, the plugin
// cache is new, and the modules come from a file-system proxy in a
// temporary directory, with checksums unchecked.
func goImportEnv(t *testing.T) {
	t.Helper()
	if _, err := exec.LookPath("go"); err != nil {
		t.Skip("no Go toolchain")
	}
	if testing.Short() {
		t.Skip("builds plugins: seconds each")
	}
	out, err := exec.Command("go", "env", "GOCACHE").Output()
	if err != nil {
		t.Fatal(err)
	}
	// useCacheDir moves the user's cache directory, which holds the go
	// command's build cache unless GOCACHE says where it is.
	t.Setenv("GOCACHE", strings.TrimSpace(string(out)))
	useCacheDir(t)
	proxy := t.TempDir()
	err = modproxy.Write(proxy, []modproxy.Module{
		{Path: "example.test/greet", Version: "v1.0.0", GoMod: "module example.test/greet\n\ngo 1.22\n", Files: greetSource("hello")},
		{Path: "example.test/greet", Version: "v1.1.0", GoMod: "module example.test/greet\n\ngo 1.22\n", Files: greetSource("hi")},
		{Path: "example.test/pinme", Version: "v1.0.0", GoMod: "module example.test/pinme\n\ngo 1.22\n", Files: versionSource("pinme", "v1.0.0")},
		{Path: "example.test/pinme", Version: "v1.1.0", GoMod: "module example.test/pinme\n\ngo 1.22\n", Files: versionSource("pinme", "v1.1.0")},
		{Path: "example.test/fits", Version: "v1.0.0", GoMod: "module example.test/fits\n\ngo 1.22\n", Files: versionSource("fits", "v1.0.0")},
		{Path: "example.test/fits", Version: "v1.1.0", GoMod: "module example.test/fits\n\ngo 1.22\n\nrequire github.com/traefik/yaegi " + fakeYaegi + "\n", Files: versionSource("fits", "v1.1.0")},
		{Path: "example.test/newer", Version: "v1.0.0",
			GoMod: "module example.test/newer\n\ngo 1.22\n\nrequire github.com/traefik/yaegi " + fakeYaegi + "\n",
			Files: map[string]string{"newer.go": "// Package newer needs a newer yaegi than the kernel's.\npackage newer\n\n// One is 1.\nfunc One() int { return 1 }\n"}},
		{Path: "github.com/traefik/yaegi", Version: fakeYaegi, GoMod: "module github.com/traefik/yaegi\n\ngo 1.21\n"},
	})
	if err != nil {
		t.Fatal(err)
	}
	t.Setenv("GOPROXY", "file://"+proxy)
	t.Setenv("GOSUMDB", "off")
	t.Setenv("GONOSUMDB", "example.test")
	t.Setenv(goModEnv, "")
	t.Cleanup(forgetGoImports)
}

// forgetGoImports makes the process forget the third-party packages it
// loaded, as a new kernel would; the plugins stay in the cache.
func forgetGoImports() {
	goImportsMu.Lock()
	defer goImportsMu.Unlock()
	goImports = map[string]*goImport{}
}

func TestGoImportServedModule(t *testing.T) {
	goImportEnv(t)

	t.Run("a cell imports a served package and RDD functions call it compiled", func(t *testing.T) {
		s := tieredSession(t, compileWait)
		res := execute(t, s, `import "example.test/greet"
greet.Hello("cell") + " " + greet.Greeter{Prefix: "dear "}.Greet("you")`)
		if res.err != nil {
			t.Fatalf("import failed: %v (stdout %q)", res.err, res.stdout)
		}
		if want := "hi, CELL dear you"; res.plain != want {
			t.Errorf("the cell shows %s, want %s (the newest version, v1.1.0)", res.plain, want)
		}
		for _, want := range []string{"fetching example.test/greet", "building example.test/greet v1.1.0", "imported example.test/greet (example.test/greet v1.1.0, fetched and built)"} {
			if !strings.Contains(res.stdout, want) {
				t.Errorf("the import's progress lacks %q: %q", want, res.stdout)
			}
		}
		if want := "cannot use its generic names Box, Map"; !strings.Contains(res.stderr, want) {
			t.Errorf("the import's notice lacks %q: %q", want, res.stderr)
		}
		if matches, _, _, _ := s.Complete("greet.He", len("greet.He")); !slices.Contains(matches, "Hello") {
			t.Errorf("greet.He completes to %q, want Hello among them", matches)
		}
		res = execute(t, s, `words := sc.Parallelize([]string{"ann", "bob"}, 2)
out := words.Map(func(w string) string { return greet.Hello(w) + "!" })
fmt.Sprint(out.Collect())`)
		if res.err != nil {
			t.Fatalf("the RDD failed: %v (stderr %q)", res.err, res.stderr)
		}
		if want := "[hi, ANN! hi, BOB!]"; res.plain != want {
			t.Errorf("the RDD collects %s, want %s", res.plain, want)
		}
		if fn := rddGlobal(t, s, "out").Step().Args[0]; isInterpreted(fn) {
			t.Errorf("the function calling greet.Hello stayed interpreted (stderr %q)", res.stderr)
		}
	})

	t.Run("a second kernel imports it from the cache, offline and without the toolchain", func(t *testing.T) {
		forgetGoImports()
		t.Setenv("GOPROXY", "off")
		t.Setenv("PATH", "")
		s := tieredSession(t, compileOff)
		res := execute(t, s, `import "example.test/greet"
greet.Hello("again")`)
		if res.err != nil {
			t.Fatalf("import failed: %v", res.err)
		}
		if want := "hi, AGAIN"; res.plain != want {
			t.Errorf("the cell shows %s, want %s", res.plain, want)
		}
		if want := "(example.test/greet v1.1.0, from the cache)"; !strings.Contains(res.stdout, want) {
			t.Errorf("the import says %q, want it to say %q", res.stdout, want)
		}
	})

	// A project's go.mod, which pins pinme, and which pinning leaves as
	// it is.
	goMod := filepath.Join(t.TempDir(), "go.mod")
	const project = "module example.test/project\n\ngo 1.22\n\nrequire example.test/pinme v1.0.0\n"
	if err := os.WriteFile(goMod, []byte(project), 0o644); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		if data, err := os.ReadFile(goMod); err != nil || string(data) != project {
			t.Errorf("the project's go.mod became %q (%v)", data, err)
		}
	})
	tests := []struct {
		name    string
		env     string // GOSPARKLING_GOMOD
		before  string // a cell run first, whatever it does
		cell    string
		noTools bool   // no go command on PATH
		want    string // what the result or the error says
	}{
		{
			name: "a pinned version is the one imported",
			cell: "%go get example.test/pinme@v1.0.0\nimport \"example.test/pinme\"\npinme.Version",
			want: "v1.0.0",
		},
		{
			name: "the versions of a project's go.mod",
			cell: "%go mod " + goMod + "\nimport \"example.test/pinme\"\npinme.Version",
			want: "v1.0.0",
		},
		{
			name: "the versions of the go.mod GOSPARKLING_GOMOD names",
			env:  goMod,
			cell: "import \"example.test/pinme\"\npinme.Version",
			want: "v1.0.0",
		},
		{
			name: "an unpinned module whose newest version needs newer modules than the kernel's",
			cell: "import \"example.test/fits\"\nfits.Version",
			want: "v1.0.0",
		},
		{
			name: "a version other than the one the process loaded",
			cell: "%go get example.test/greet@v1.0.0\nimport \"example.test/greet\"",
			want: "importing example.test/greet: its module example.test/greet v1.0.0 needs example.test/greet v1.0.0, but example.test/greet, imported before in this kernel, linked v1.1.0",
		},
		{
			name: "a package no module provides",
			cell: `import "example.test/nothere"`,
			want: "importing example.test/nothere: no module the go command can reach provides it (GOPROXY=file://",
		},
		{
			name: "a module that needs a newer version of a module the kernel links",
			cell: `import "example.test/newer"`,
			want: "importing example.test/newer: its module example.test/newer v1.0.0 needs github.com/traefik/yaegi " + fakeYaegi + ", but the kernel links v0.16.1. A plugin cannot load a second version",
		},
		{
			name:   "a use of a package whose import failed",
			before: `import "example.test/nothere"`,
			cell:   `nothere.Hello()`,
			want:   "line 1: undefined: nothere (package example.test/nothere did not import: the error of the cell that imported it says why",
		},
		{
			name:    "a package not in the cache, without the toolchain",
			cell:    `import "example.test/greet/sub"`,
			noTools: true,
			want:    "importing example.test/greet/sub: it is not in the kernel's cache of imports, and building it needs the Go toolchain",
		},
		{
			name: "a pin without a version",
			cell: "%go get example.test/greet",
			want: "%go get example.test/greet: name a module and its version",
		},
		{
			name: "an unknown %go command",
			cell: "%go build",
			want: `%go build: unknown command "build"`,
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if tt.env != "" {
				t.Setenv(goModEnv, tt.env)
			}
			if tt.noTools {
				t.Setenv("PATH", "")
			}
			s := tieredSession(t, compileOff)
			if tt.before != "" {
				execute(t, s, tt.before)
			}
			res := execute(t, s, tt.cell)
			got := res.plain
			if res.err != nil {
				got = res.err.Value
			}
			if !strings.Contains(got, tt.want) {
				t.Errorf("the cell says %q, want %q", got, tt.want)
			}
		})
	}
}

// TestGoImportFromProxy imports real packages from the module proxy, and
// logs how long their first and cached imports take.
func TestGoImportFromProxy(t *testing.T) {
	if _, err := exec.LookPath("go"); err != nil {
		t.Skip("no Go toolchain")
	}
	if testing.Short() {
		t.Skip("fetches and builds plugins")
	}
	proxy, _, _ := strings.Cut(goEnvOr("GOPROXY", "https://proxy.golang.org"), ",")
	if !strings.HasPrefix(proxy, "http") {
		t.Skipf("GOPROXY=%s is not a network proxy", proxy)
	}
	client := http.Client{Timeout: 5 * time.Second}
	if resp, err := client.Get(strings.TrimSuffix(proxy, "/") + "/golang.org/x/net/@v/list"); err != nil {
		t.Skipf("the module proxy cannot be reached: %v", err)
	} else {
		resp.Body.Close()
	}
	out, err := exec.Command("go", "env", "GOCACHE").Output()
	if err != nil {
		t.Fatal(err)
	}
	t.Setenv("GOCACHE", strings.TrimSpace(string(out)))
	useCacheDir(t)
	t.Cleanup(forgetGoImports)
	tests := []struct {
		name, cell, want string
		rdd              string // the RDD whose function calls the package
	}{
		{"publicsuffix", `import "golang.org/x/net/publicsuffix"
hosts := sc.Parallelize([]string{"www.bbc.co.uk", "a.b.example.com"}, 2)
domains := hosts.Map(func(h string) string { d, _ := publicsuffix.EffectiveTLDPlusOne(h); return d })
fmt.Sprint(domains.Collect())`, "[bbc.co.uk example.com]", "domains"},
		{"goquery", `import "github.com/PuerkitoBio/goquery"
pages := sc.Parallelize([]string{"<p><a href=/x>x</a><a href=/y>y</a></p>"}, 1)
links := pages.Map(func(p string) int { d, _ := goquery.NewDocumentFromReader(strings.NewReader(p)); return d.Find("a").Length() })
fmt.Sprint(links.Collect())`, "[2]", "links"},
		{"html", `import "golang.org/x/net/html"
docs := sc.Parallelize([]string{"<title>a</title>", "<p>b</p>"}, 2)
kinds := docs.Map(func(d string) int { n, _ := html.Parse(strings.NewReader(d)); c := 0; for x := n.FirstChild; x != nil; x = x.NextSibling { c++ }; return c })
fmt.Sprint(kinds.Collect())`, "[1 1]", "kinds"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			for _, kernel := range []string{"first", "second"} {
				forgetGoImports()
				s := tieredSession(t, compileWait)
				start := time.Now()
				res := execute(t, s, tt.cell)
				if res.err != nil {
					t.Fatalf("%s kernel: %v (stdout %q)", kernel, res.err, res.stdout)
				}
				if res.plain != tt.want {
					t.Errorf("%s kernel: the cell shows %s, want %s", kernel, res.plain, tt.want)
				}
				if fn := rddGlobal(t, s, tt.rdd).Step().Args[0]; isInterpreted(fn) {
					t.Errorf("%s kernel: the function calling the package stayed interpreted (stderr %q)", kernel, res.stderr)
				}
				imported := res.stdout[strings.LastIndex(res.stdout, "imported "):]
				t.Logf("%s kernel: %s (the cell in %s)", kernel, strings.TrimSpace(imported), time.Since(start).Round(10*time.Millisecond))
			}
		})
	}
}

func TestGoImportVersionRules(t *testing.T) {
	pins := map[string]string{"golang.org/x/net": "v0.59.0", "example.test/a": "v1.0.0", "example.test/a/b": "v2.0.0"}
	for _, tt := range []struct {
		path, module, version string
	}{
		{"golang.org/x/net/publicsuffix", "golang.org/x/net", "v0.59.0"},
		{"golang.org/x/network", "", ""},
		{"example.test/a", "example.test/a", "v1.0.0"},
		{"example.test/a/c", "example.test/a", "v1.0.0"},
		{"example.test/a/b/c", "example.test/a/b", "v2.0.0"},
	} {
		if m, v := pinFor(tt.path, pins); m != tt.module || v != tt.version {
			t.Errorf("pinFor(%s) = %s %s, want %s %s (the longest pinned module holding it)", tt.path, m, v, tt.module, tt.version)
		}
	}
	for _, tt := range []struct {
		a, b string
		less bool
	}{
		{"v1.13.0", "v1.14.0", true},
		{"v1.9.0", "v1.10.0", true},
		{"v1.10.0", "v1.9.0", false},
		{"v2.0.0", "v1.99.99", false},
		{"v1.0.0", "v1.0.0", false},
	} {
		if got := semverLess(tt.a, tt.b); got != tt.less {
			t.Errorf("semverLess(%s, %s) = %t, want %t", tt.a, tt.b, got, tt.less)
		}
	}
	for p, want := range map[string]bool{
		"golang.org/x/net/html": true, "github.com/a/b": true, "example.test": true,
		"strings": false, "net/http": false, "iter": false,
	} {
		if isThirdParty(p) != want {
			t.Errorf("isThirdParty(%s) = %t, want %t", p, !want, want)
		}
	}
}
