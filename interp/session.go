// Package interp runs notebook cells written in Go with the yaegi
// interpreter: it splits cells into imports, declarations and statements,
// keeps state across cells, provides the predefined Context `sc`, captures
// output and turns a cell's last value into a displayable MIME bundle.
package interp

import (
	"cmp"
	"context"
	"errors"
	"fmt"
	"go/ast"
	"go/parser"
	"go/token"
	"io"
	"os"
	"path"
	"reflect"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"time"
	_ "unsafe" // for yaegiStop's go:linkname
	"weak"

	"github.com/traefik/yaegi/interp"
	"github.com/traefik/yaegi/stdlib"

	"github.com/gosparkling/gosparkling/cell"
	"github.com/gosparkling/gosparkling/display"
	"github.com/gosparkling/gosparkling/interp/symbols"
	"github.com/gosparkling/gosparkling/rdd"
)

// sessionPkg is the import path of the compiled package that hands the
// session's values (sc) to interpreted code.
const sessionPkg = "github.com/gosparkling/gosparkling/interp/session"

// Interpreted helpers that capture the values of a cell's last expression
// E: valueFunc(E) compiles only when E has exactly one value, and
// valuesFunc(E) captures several. (yaegi spreads a lone []interface{}
// argument into a variadic parameter, so valuesFunc cannot serve for one
// value.)
const (
	valueFunc  = "_gosparklingValue"
	valuesFunc = "_gosparklingValues"
)

// startedCall is the statement that starts each run of statements and
// each last expression, so that the session knows when a program can be
// stopped (see Session.execute).
const startedCall = ";_gosparklingSession.Started();"

// startedDecl does for a run of declarations what startedCall does for
// statements: yaegi initializes the variables of a run in order, this one
// first, before any that may run long.
const startedDecl = "var _ = _gosparklingSession.StartedValue();"

// preamble runs once per session, before the first cell.
var preamble = []string{
	`import "github.com/gosparkling/gosparkling/rdd"`,
	`import _gosparklingSession "` + sessionPkg + `"`,
	`var sc *rdd.Context // set by NewSession`,
	`func ` + valueFunc + `(v interface{}) []interface{} { return []interface{}{v} }`,
	`func ` + valuesFunc + `(v ...interface{}) []interface{} { return v }`,
	// Built-ins yaegi v0.16 lacks.
	`func min[T ` + orderedTypes + `](x T, ys ...T) T { for _, y := range ys { if y < x { x = y } }; return x }`,
	`func max[T ` + orderedTypes + `](x T, ys ...T) T { for _, y := range ys { if y > x { x = y } }; return x }`,
	`var clear = _gosparklingSession.Clear`,
}

// orderedTypes are the types min and max accept.
const orderedTypes = "int | int8 | int16 | int32 | int64 | uint | uint8 | uint16 | uint32 | uint64 | uintptr | float32 | float64 | string"

// Session is one notebook's interpreter: the state of every cell run so
// far and the Context sc. Execute runs one cell at a time.
type Session struct {
	yaegi *interp.Interpreter
	sc    *rdd.Context
	// previous holds the Contexts sc held before cells assigned it others, weakly: one
	// that no cell value uses any more is garbage, which gives its spill directory back.
	previous []weak.Pointer[rdd.Context]
	imported map[string]bool         // import specs already evaluated
	packages map[string]string       // package name -> import path, for auto-imports
	globals  map[string]bool         // top-level names defined by cells and the preamble
	typeDefs map[string]string       // types defined by cells: name -> definition
	decls    map[string]*sessionDecl // declarations of cells, for shipped functions
	declSeq  int
	// shipSites are the function arguments of transformations the
	// cells made, for Runners that ship them (see ship.go).
	shipSites []*shipSite
	stdout    *cellWriter
	stderr    *cellWriter
	stdin     *cellStdin
	// stdinReader is stdin as the io.Reader that cells see as os.Stdin.
	stdinReader io.Reader

	// cellSources are the sources of the cells run, by name, for the
	// lines that tracebacks show.
	cellSources map[string]string
	cellOrder   []string // the names of cellSources, in the order run
	// log receives what the user is not shown: the Go frames of panics
	// (see panics.go). The kernel's log: WithLog, else the process's
	// standard error (its original, once CaptureProcessOutput redirects it).
	log io.Writer

	// goPins are the versions of modules `%go` lines pinned (goimport.go);
	// goModRead says whether GOSPARKLING_GOMOD's were added.
	goPins    map[string]string
	goModRead bool
	// goLoaded are the third-party packages the session imported.
	goLoaded map[string]*goImport

	compiled   int    // %%compile cells built
	compileDir string // where they are built, made at the first

	tiers *tierCompiler // builds the compiled forms of functions (tiered.go)
	// funcValueTiers are the tiered functions that take function values
	// of the session along (tiered.go), until they go stale.
	funcValueMu    sync.Mutex
	funcValueTiers []weak.Pointer[tieredFunc]
	// funcValueSwitches are those handed to methods as switches, which
	// hold nothing of them: held here until they go stale.
	funcValueSwitches []*tieredFunc
	// pendingFuncValues are the function values the running cell sets,
	// noted as its statement that sets each has run (NoteFuncValue).
	pendingFuncValues map[string]*sessionDecl
	// unnotable are the variables written inside functions or whose
	// address was taken: never noted as function values (ship.go).
	unnotable map[string]bool
	sql       sessionSQL // the DuckDB of sc.SQL and %%sql cells (sql.go)
	// keepShuffles turns off the release of shuffle outputs after each
	// cell (release.go), for tests that measure what it gives back.
	keepShuffles bool

	mu   sync.Mutex // serializes Execute
	cell int        // number of cells executed
	// cellName is the running cell's name in lineage ("In [7]"). It is
	// read by goroutines that may outlive their cell (RDDs made there
	// name it), while the next Execute sets it: hence atomic.
	cellName atomic.Pointer[string]
	// cellSource is the running cell's code, for the translation of
	// compile errors (errmsg.go).
	cellSource string
	// unavailable are the packages cells failed to import: name -> path.
	unavailable map[string]string
	// varTypes are the types of globals as their cells spelled them
	// (minmax.go), where the session could tell.
	varTypes map[string]string

	started chan struct{} // a running program's first statement signals here
	stuck   chan struct{} // closed when an interrupted, stuck program ends
	// lastValues are the values of the cell's last expression, handed over
	// by its program (see compileLast); run takes them.
	lastValues []any
	stopWait   time.Duration // how long an interrupted program may take to end
	goGrace    time.Duration // how long a cell waits for its goroutines to end

	drains   []func() // wait for captured process output (CaptureProcessOutput)
	progress *progressTracker

	panicMu        sync.Mutex
	running        bool           // a cell is executing
	runningCell    int            // the number of the cell executing
	cellPanic      error          // a panic in a goroutine of the running cell
	liveGoroutines map[int]int    // cell number -> goroutines it started that still run
	goroutineCells map[int]string // cell number -> name, for cells with live goroutines
	goroutineEnded *sync.Cond     // on panicMu: a goroutine of a cell ended
	latePanics     []string       // panics of goroutines whose cells had ended

	programStop programStop // stops the running program, once

	entriesMu sync.Mutex
	entries   map[int]func() // goroutines of go statements not yet entered (see goCall)
	entrySeq  int
}

// Option configures a Session.
type Option func(*sessionConfig)

type sessionConfig struct {
	rddOptions []rdd.Option
	log        io.Writer
	kernelPID  int
}

// WithKernelPID names the kernel's process, when the session runs in a
// process of its own: os.FindProcess of it panics in cells, so that a cell
// cannot signal the kernel that holds the notebook's connection.
func WithKernelPID(pid int) Option {
	return func(c *sessionConfig) { c.kernelPID = pid }
}

// WithLog makes w the session's log, where it writes what users are not
// shown in cells (the Go frames of a panic). It is the process's standard
// error by default.
func WithLog(w io.Writer) Option {
	return func(c *sessionConfig) { c.log = w }
}

// WithRDDOptions passes options to the session's rdd.NewContext.
func WithRDDOptions(opts ...rdd.Option) Option {
	return func(c *sessionConfig) { c.rddOptions = append(c.rddOptions, opts...) }
}

// NewSession starts an interpreter with the standard library, the
// project's packages and a predefined `sc` (an *rdd.Context).
func NewSession(opts ...Option) (*Session, error) {
	var cfg sessionConfig
	for _, o := range opts {
		o(&cfg)
	}
	s := &Session{
		imported:    make(map[string]bool),
		globals:     map[string]bool{"sc": true, valueFunc: true, valuesFunc: true},
		typeDefs:    map[string]string{},
		unavailable: map[string]string{},
		varTypes:    map[string]string{},
		goPins:      map[string]string{},
		goLoaded:    map[string]*goImport{},
		decls:       map[string]*sessionDecl{},
		unnotable:   map[string]bool{},
		log:         cmp.Or[io.Writer](cfg.log, os.Stderr),

		cellSources: map[string]string{},
		stdout:      &cellWriter{name: "stdout"},
		stderr:      &cellWriter{name: "stderr"},
		stdin:       &cellStdin{},
		started:     make(chan struct{}, 1),
		stopWait:    defaultStopWait,
		goGrace:     defaultGoGrace,

		liveGoroutines: map[int]int{},
		goroutineCells: map[int]string{},
	}
	s.goroutineEnded = sync.NewCond(&s.panicMu)
	s.tiers = newTierCompiler()
	s.stdinReader = s.stdin
	s.progress = &progressTracker{delay: progressDelay}
	s.sql = newSessionSQL()
	rddOpts := append([]rdd.Option{rdd.WithCallSite(s.callSite), rdd.WithProgress(s.progress.report), s.sql.option()}, cfg.rddOptions...)
	s.sc = rdd.NewContext(rddOpts...)

	s.yaegi = interp.New(interp.Options{Stdout: s.stdout, Stderr: s.stderr, Stdin: s.stdin})
	s.packages = packageIndex(stdlib.Symbols, symbols.Symbols)
	session := map[string]reflect.Value{
		"SC": reflect.ValueOf(func() *rdd.Context { return s.sc }), // a func: a value would stay in the compiled preamble, keeping sc's first Context alive

		"GoStart":       reflect.ValueOf(s.goStart),
		"GoDone":        reflect.ValueOf(s.goDone),
		"Clear":         reflect.ValueOf(clearValue),
		"Started":       reflect.ValueOf(s.startedSignal),
		"StartedValue":  reflect.ValueOf(func() int { s.startedSignal(); return 0 }),
		"Stdin":         reflect.ValueOf(&s.stdinReader).Elem(),
		"Ship":          reflect.ValueOf(s.ship),
		"ShipAction":    reflect.ValueOf(s.shipAction),
		"Src":           reflect.ValueOf(s.src),
		"Tier":          reflect.ValueOf(s.tierArg),
		"NoteFuncValue": reflect.ValueOf(s.noteFuncValue),
		"SetValues":     reflect.ValueOf(func(v []any) { s.lastValues = v }),
		"Value":         reflect.ValueOf(captureValue),
	}
	for name, v := range fastHelpers {
		session[name] = v
	}
	for name, v := range genericHelpers {
		session[name] = v
	}
	session["TooDeep"] = reflect.ValueOf(s.tooDeep)
	for name, v := range s.guardSymbols() {
		session[name] = v
	}
	own := s.ownSymbols()
	disp := own["github.com/gosparkling/gosparkling/display/display"]
	wrapped := interp.Exports{".": {"MapTypes": reflect.ValueOf(mapTypes(session["Value"], disp["Show"], disp["ShowID"], disp["Update"]))}}
	for _, syms := range []interp.Exports{stdlib.Symbols, own, {sessionPkg + "/session": session}, wrapped, protectProcess(cfg.kernelPID)} {
		if err := s.yaegi.Use(syms); err != nil {
			return nil, fmt.Errorf("interp: loading symbols: %w", err)
		}
	}
	for _, src := range append(preamble[:len(preamble):len(preamble)], genericPreamble...) {
		if _, err := s.eval(context.Background(), src); err != nil {
			return nil, fmt.Errorf("interp: session preamble %q: %w", src, err)
		}
	}
	// sc is set here rather than by the preamble's initializer, whose value yaegi would
	// keep, and with it the first Context, after a cell assigns sc another.
	sc, ok := s.globalValues()["sc"]
	if !ok || !sc.CanSet() {
		return nil, fmt.Errorf("interp: session preamble: cannot set sc")
	}
	sc.Set(reflect.ValueOf(s.sc))
	s.imported[`"github.com/gosparkling/gosparkling/rdd"`] = true
	return s, nil
}

// protectProcess returns the symbols that keep cells from finding process
// pid (none when pid is 0): os.FindProcess panics for it.
func protectProcess(pid int) interp.Exports {
	if pid <= 0 {
		return interp.Exports{}
	}
	find := func(p int) (*os.Process, error) {
		if p == pid { // a panic, not an error, which the cell could ignore and then use a nil Process
			panic(fmt.Sprintf("os.FindProcess(%d): that is the kernel's process, which cells cannot signal", p))
		}
		return os.FindProcess(p)
	}
	return interp.Exports{"os/os": {"FindProcess": reflect.ValueOf(find)}}
}

// Close ends the session: it stops its Context, removing the files of its
// spilled shuffles and caches, and removes the builds of its %%compile
// cells. A kernel closes its session when it shuts down.
func (s *Session) Close() error {
	s.tiers.close()
	for _, sc := range s.contexts() {
		sc.Stop()
	}
	if err := s.sql.close(); err != nil {
		fmt.Fprintf(s.log, "gosparkling: closing the session's DuckDB: %v\n", err)
	}
	if s.compileDir != "" {
		return os.RemoveAll(s.compileDir)
	}
	return nil
}

// Context returns the session's rdd.Context, known to cells as sc.
func (s *Session) Context() *rdd.Context { return s.sc }

// ownSymbols returns the project's symbol tables with display.Show,
// ShowID and Update bound to this session's running cell. The maps are
// copied: yaegi merges into the maps it is given, and the generated tables
// are shared by every session of the process.
func (s *Session) ownSymbols() interp.Exports {
	out := make(interp.Exports, len(symbols.Symbols))
	for pkg, syms := range symbols.Symbols {
		copied := make(map[string]reflect.Value, len(syms))
		for name, v := range syms {
			copied[name] = v
		}
		out[pkg] = copied
	}
	disp := out["github.com/gosparkling/gosparkling/display/display"]
	disp["Show"] = reflect.ValueOf(func(v any) { s.show("", unboxed(v), false) })
	disp["ShowID"] = reflect.ValueOf(func(id string, v any) { s.show(id, unboxed(v), false) })
	disp["Update"] = reflect.ValueOf(func(id string, v any) { s.show(id, unboxed(v), true) })
	return out
}

// show publishes v in the running cell's output, as display_data (or
// update_display_data of display id when update is set).
func (s *Session) show(id string, v any, update bool) {
	s.stdout.mu.Lock()
	out := s.stdout.out
	s.stdout.mu.Unlock()
	if out == nil {
		return
	}
	out.Display(MIMEBundle(display.Bundle(v)), nil, id, update)
}

// callSite names the cell being executed, for RDD lineage.
func (s *Session) callSite() string { return s.currentCell() }

// currentCell returns the name of the cell running, or that ran last.
func (s *Session) currentCell() string {
	if name := s.cellName.Load(); name != nil {
		return *name
	}
	return ""
}

// WithCellName returns a context for Execute that names the cell, as
// the RDDs it makes record it in their lineage ("In [7]"), as
// cell.WithName does. A kernel names cells after its execution count;
// without a name, a session counts the cells it executes.
func WithCellName(ctx context.Context, name string) context.Context {
	return cell.WithName(ctx, name)
}

// CellName returns the name WithCellName gave ctx, or "".
func CellName(ctx context.Context) string { return cell.Name(ctx) }

// Execute runs one cell. Output goes to out as it is written. It returns
// the MIME bundle of the value of the cell's last expression, or nil when
// the cell ends with anything else (a declaration, an assignment, a call
// that returns nothing, a print). A failure is returned as a *CellError.
// Cancelling ctx interrupts the cell and its RDD jobs.
func (s *Session) Execute(ctx context.Context, code string, out Output) (MIMEBundle, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.cell++
	name := cell.Name(ctx)
	if name == "" {
		name = fmt.Sprintf("In [%d]", s.cell)
	}
	s.cellName.Store(&name)
	if _, seen := s.cellSources[name]; !seen {
		s.cellOrder = append(s.cellOrder, name)
	}
	s.cellSources[name] = code
	bundle, err := s.runCell(ctx, code, out)
	s.adoptContext()
	s.releaseShuffles()
	var ce *CellError
	if errors.As(err, &ce) {
		s.colorTraceback(ce)
	}
	return bundle, err
}

// runCell runs one cell for Execute.
func (s *Session) runCell(ctx context.Context, code string, out Output) (MIMEBundle, error) {
	s.stdout.set(out)
	s.stderr.set(out)
	s.stdin.set(out)
	defer func() {
		for _, drain := range s.drains {
			drain()
		}
		s.stdout.set(nil)
		s.stderr.set(nil)
		s.stdin.set(nil)
	}()
	for _, sc := range s.contexts() {
		sc.SetJobContext(ctx)
		defer sc.SetJobContext(context.Background())
	}
	s.tiers.setCell(ctx)
	defer s.tiers.cellEnded()

	s.setRunning(true)
	defer s.setRunning(false)
	s.progress.start(out)
	defer s.progress.finish()

	if rest, ok := strings.CutPrefix(strings.TrimLeft(code, " \t\n"), sqlMagic); ok && (rest == "" || rest[0] == '\n' || rest[0] == ' ' || rest[0] == '\t') {
		header, query, _ := strings.Cut(rest, "\n")
		return s.sqlCell(ctx, header, query)
	}
	if rest, ok := strings.CutPrefix(strings.TrimLeft(code, " \t\n"), compileMagic); ok && (rest == "" || rest[0] == '\n' || rest[0] == ' ' || rest[0] == '\t') {
		return nil, s.compileCell(ctx, strings.TrimLeft(rest, " \t"), out)
	}
	code, err := s.goLines(ctx, code)
	if err != nil {
		return nil, err
	}
	s.cellSource = code
	chunks, err := splitCell(code)
	if err != nil {
		return nil, &CellError{Name: "SyntaxError", Value: err.Error(), Traceback: []string{err.Error()}}
	}
	for _, msg := range s.takeLatePanics() {
		s.stderr.Write([]byte(msg + "\n"))
	}
	values, err := s.run(ctx, chunks)
	s.waitForGoroutines()
	if err != nil {
		return nil, s.cellError(ctx, err)
	}
	if err := s.takeCellPanic(); err != nil {
		return nil, err
	}
	return bundleOf(values)
}

func (s *Session) setRunning(running bool) {
	s.panicMu.Lock()
	defer s.panicMu.Unlock()
	s.running, s.cellPanic = running, nil
	if running {
		s.runningCell = s.cell
	}
}

// defaultGoGrace is how long a cell waits, after its last statement, for
// the goroutines it started to end, so that their panics are its errors
// and they are done with the interpreter before the next cell runs.
const defaultGoGrace = 200 * time.Millisecond

// goStart is called, through the rewritten go statements, before a cell
// starts a goroutine. It returns the number of the running cell, which
// the goroutine hands back to goDone.
func (s *Session) goStart() int {
	s.panicMu.Lock()
	defer s.panicMu.Unlock()
	s.liveGoroutines[s.runningCell]++
	s.goroutineCells[s.runningCell] = s.currentCell()
	return s.runningCell
}

// goDone is deferred, through the rewritten go statements, in a goroutine
// started by cell, with the value it recovered. The kernel lives: a panic
// becomes the error of its cell while that cell runs, and a message on
// the standard error of the next cell otherwise.
func (s *Session) goDone(cell int, r any) {
	s.panicMu.Lock()
	defer s.panicMu.Unlock()
	name := s.goroutineCells[cell]
	if s.liveGoroutines[cell]--; s.liveGoroutines[cell] <= 0 {
		delete(s.liveGoroutines, cell)
		delete(s.goroutineCells, cell)
	}
	s.goroutineEnded.Broadcast()
	if r == nil {
		return
	}
	if s.running && cell == s.runningCell {
		if s.cellPanic == nil {
			msg := goPanicText(r)
			s.cellPanic = &CellError{Name: "panic", Value: "in a goroutine: " + msg,
				Traceback: []string{ansiRed + "panic" + ansiReset + ": " + msg, "in a goroutine started by this cell"}}
		}
		return
	}
	s.latePanics = append(s.latePanics, fmt.Sprintf("panic in a goroutine started by %s: %s", name, goPanicText(r)))
}

// waitForGoroutines waits up to s.goGrace for the goroutines the running
// cell started to end.
func (s *Session) waitForGoroutines() {
	s.panicMu.Lock()
	defer s.panicMu.Unlock()
	if s.liveGoroutines[s.runningCell] == 0 {
		return
	}
	expired := false
	t := time.AfterFunc(s.goGrace, func() {
		s.panicMu.Lock()
		expired = true
		s.panicMu.Unlock()
		s.goroutineEnded.Broadcast()
	})
	defer t.Stop()
	for s.liveGoroutines[s.runningCell] > 0 && !expired {
		s.goroutineEnded.Wait()
	}
}

// takeLatePanics returns the panics of goroutines whose cells had ended.
func (s *Session) takeLatePanics() []string {
	s.panicMu.Lock()
	defer s.panicMu.Unlock()
	p := s.latePanics
	s.latePanics = nil
	return p
}

func (s *Session) takeCellPanic() error {
	s.panicMu.Lock()
	defer s.panicMu.Unlock()
	err := s.cellPanic
	s.cellPanic = nil
	if err == nil {
		return nil
	}
	return err
}

// clearValue is the clear built-in for maps and slices.
func clearValue(x any) {
	v := reflect.ValueOf(x)
	switch v.Kind() {
	case reflect.Map:
		v.Clear()
	case reflect.Slice:
		v.Clear()
	default:
		panic(fmt.Sprintf("invalid argument: clear(%T): argument must be a map or a slice", x))
	}
}

// run evaluates the chunks: imports first (each once per session), then
// runs of declarations and runs of statements in source order. When the
// last chunk is an expression, its values are returned.
func (s *Session) run(ctx context.Context, chunks []chunk) ([]any, error) {
	// Third-party packages are fetched and loaded first: their names are
	// then known.
	for _, c := range chunks {
		if c.kind != importChunk {
			continue
		}
		for _, p := range s.cellImports(c) {
			if isThirdParty(p) && !s.knownPackage(p) {
				if err := s.goImportCell(ctx, p); err != nil {
					s.unavailable[path.Base(p)] = p
					return nil, err
				}
			}
		}
	}
	syntax, err := s.analyze(chunks)
	if err != nil {
		return nil, err
	}
	for _, p := range syntax.missingPackages {
		if err := s.importChunk(ctx, chunk{kind: importChunk, src: "import " + strconv.Quote(p)}); err != nil {
			return nil, err
		}
	}
	// A cell that does not compile defines nothing (see rollback.go).
	saved := s.saveState(syntax.defined)
	funcValues := s.noteDecls(chunks)
	if err := s.checkWorkerFuncs(chunks); err != nil {
		saved.restore(s)
		return nil, err
	}
	cellVars := map[string]bool{}
	for _, name := range syntax.defined {
		cellVars[name] = true
	}
	chunks = s.guardRecursion(chunks)
	var rest, shipped []chunk
	rw := newRewriter(s.isIntegerGlobal)
	minMax := s.newMinMaxRewriter(syntax.defined, syntax.types)
	fast := s.newFastRewriter()
	// The shipping rewrite of a chunk follows its fast rewrite, which
	// knows the RDDs the cell assigned up to that chunk.
	shipper := &shipRewriter{s: s, fast: fast, cellVars: cellVars, pending: funcValues.add}
	s.pendingFuncValues = funcValues.add
	defer func() { s.pendingFuncValues = nil }()
	isVariable := func(name string) bool { return s.globals[name] || cellVars[name] }
	binArgs := s.newBinaryArgs(isVariable)
	for _, c := range chunks {
		if c.kind != importChunk {
			c.src = s.guardCallbacks(c)
			c = rewriteGenericCalls(c, isVariable)
			c = minMax.rewrite(c)
			c = binArgs.rewrite(c)
			c.src, _ = rw.rewriteChunk(c)
			c.src = fast.rewrite(c)
			rest = append(rest, c)
			withShips := c
			withShips.src = shipper.rewrite(c)
			shipped = append(shipped, withShips)
			continue
		}
		if err := s.importChunk(ctx, c); err != nil {
			saved.restore(s)
			return nil, err
		}
	}
	for _, c := range binArgs.importSources() {
		if err := s.importChunk(ctx, c); err != nil {
			saved.restore(s)
			return nil, err
		}
	}
	progs, lastIsValue, err := s.compileChunks(shipped)
	compiled := shipped
	if err != nil {
		// The shipping rewrite must never cost a cell that compiles.
		saved.restore(s)
		funcValues.redo(s)
		progs, lastIsValue, err = s.compileChunks(rest)
		compiled = rest
	}
	if err != nil {
		saved.restore(s)
		return nil, err
	}
	// Compiled functions that took along function values the cell sets
	// otherwise turn back to the interpreted ones.
	s.staleFuncValues()
	// Names are known to later cells once the cell compiled, even when a
	// statement of it panics: yaegi keeps what it compiled.
	for _, name := range syntax.defined {
		s.globals[name] = true
	}
	for name, def := range syntax.types {
		s.typeDefs[name] = def
	}
	minMax.noteVarTypes(s)
	var v reflect.Value
	s.lastValues = nil
	defer func() { s.lastValues = nil }()
	for i, prog := range progs {
		var err error
		v, err = s.execute(ctx, prog)
		if err != nil && definitionLoop.MatchString(err.Error()) {
			// yaegi cannot start a program while the globals of one
			// compiled after it wait for theirs (x := v, then var y
			// int): the rest of the cell is compiled again, each run of
			// it once the one before has run.
			var last *interp.Program
			if last, err = s.compileRunningEach(ctx, compiled, i); err == nil && last != nil {
				v, err = s.execute(ctx, last)
			}
			if err != nil {
				return nil, err
			}
			break
		}
		if err != nil {
			return nil, err
		}
	}
	// The cell ran to its end: the function values it set are noted.
	funcValues.apply(s)
	if !lastIsValue {
		return nil, nil
	}
	if s.lastValues != nil {
		return s.lastValues, nil
	}
	if !v.IsValid() {
		return nil, nil
	}
	values, _ := v.Interface().([]any)
	return values, nil
}

// compileChunks compiles the chunks of a cell, its last expression apart,
// whose values lastIsValue says the last program returns.
func (s *Session) compileChunks(rest []chunk) (progs []*interp.Program, lastIsValue bool, err error) {
	var last *chunk
	if n := len(rest); n > 0 && rest[n-1].kind == stmtChunk {
		if expr, err := parser.ParseExpr(rest[n-1].src); err == nil && !isPrint(expr) {
			last, rest = &rest[n-1], rest[:n-1]
		}
	}
	// The whole cell is compiled before any of it runs: a cell that does
	// not compile runs nothing, and no goroutine a cell starts runs while
	// the interpreter compiles the rest of it (in yaegi, a data race).
	for i := 0; i < len(rest); {
		j := i + 1
		for j < len(rest) && rest[j].kind == rest[i].kind {
			j++
		}
		prog, err := s.compileRun(rest[i:j])
		if err != nil {
			return nil, false, err
		}
		progs = append(progs, prog)
		i = j
	}
	if last != nil {
		lastProg, isValue, err := s.compileLast(*last)
		if err != nil {
			return nil, false, err
		}
		progs = append(progs, lastProg)
		lastIsValue = isValue
	}
	return progs, lastIsValue, nil
}

// definitionLoop matches yaegi's error for a declaration it cannot order
// among the globals it compiled.
var definitionLoop = regexp.MustCompile(`(?:variable|constant) definition loop`)

// compileRunningEach compiles again the runs of chunks of one kind of
// rest from the first-th on (as compileChunks counts them), running each
// as soon as it is compiled, and returns the program of the cell's last
// expression, not run, or nil when there is none.
func (s *Session) compileRunningEach(ctx context.Context, rest []chunk, first int) (*interp.Program, error) {
	var last *chunk
	if n := len(rest); n > 0 && rest[n-1].kind == stmtChunk {
		if expr, err := parser.ParseExpr(rest[n-1].src); err == nil && !isPrint(expr) {
			last, rest = &rest[n-1], rest[:n-1]
		}
	}
	for i, run := 0, 0; i < len(rest); run++ {
		j := i + 1
		for j < len(rest) && rest[j].kind == rest[i].kind {
			j++
		}
		if run >= first {
			prog, err := s.compileRun(rest[i:j])
			if err != nil {
				return nil, err
			}
			if _, err := s.execute(ctx, prog); err != nil {
				return nil, err
			}
		}
		i = j
	}
	if last == nil {
		return nil, nil
	}
	prog, _, err := s.compileLast(*last)
	return prog, err
}

// compileRun compiles a run of chunks of one kind. A run of statements
// that declares no names runs inside a func literal, whose frame is
// dropped when it returns: at top level, yaegi would keep every
// temporary value of it for the rest of the session (see compileLast).
// A run that does not compile so is compiled as it is.
func (s *Session) compileRun(run []chunk) (*interp.Program, error) {
	src := source(run)
	if run[0].kind == stmtChunk && !declaresNames(run) {
		body := strings.TrimPrefix(src, startedCall)
		if prog, err := s.compile(startedCall + "func() {" + body + "\n}()"); err == nil {
			return prog, nil
		}
	}
	return s.compile(src)
}

// declaresNames reports whether statements declare names at their top
// level (x := ..., var, const, type, labels), which must stay globals of
// the session; it also says so when they do not parse as statements.
func declaresNames(run []chunk) bool {
	var b strings.Builder
	b.WriteString("package p\nfunc _() {\n")
	for _, c := range run {
		b.WriteString(c.src + "\n")
	}
	b.WriteString("}\n")
	f, err := parser.ParseFile(token.NewFileSet(), "", b.String(), 0)
	if err != nil || len(f.Decls) != 1 {
		return true
	}
	for _, st := range f.Decls[0].(*ast.FuncDecl).Body.List {
		switch st := st.(type) {
		case *ast.DeclStmt, *ast.LabeledStmt:
			return true
		case *ast.AssignStmt:
			if st.Tok == token.DEFINE {
				return true
			}
		}
	}
	return false
}

// source joins chunks into one source text whose lines are the cell's
// lines, so that positions in errors point into the cell. A run of
// statements starts with startedCall, whose ";" keeps yaegi, which picks
// its mode by the first token, from taking it for declarations (a func
// literal, or a var statement of a rewritten cell).
func source(chunks []chunk) string {
	var b strings.Builder
	line := 1
	switch chunks[0].kind {
	case stmtChunk:
		b.WriteString(startedCall)
	case declChunk:
		b.WriteString(startedDecl)
	}
	for _, c := range chunks {
		for ; line < c.line; line++ {
			b.WriteByte('\n')
		}
		if b.Len() > 0 && !strings.HasSuffix(b.String(), "\n") && !strings.HasSuffix(b.String(), ";") {
			b.WriteString(";")
		}
		b.WriteString(c.src)
		line += strings.Count(c.src, "\n")
	}
	return b.String()
}

// isIntegerGlobal reports whether a global variable of the session holds
// an integer. yaegi's Globals can panic after a failed compile: then the
// answer is no.
func (s *Session) isIntegerGlobal(name string) (isInt bool) {
	if !s.globals[name] {
		return false
	}
	defer func() {
		if recover() != nil {
			isInt = false
		}
	}()
	return isIntegerValue(s.yaegi.Globals()[name])
}

// newFastRewriter returns the rewriter of a cell's fast functions (see
// fastfuncs.go), which asks the session which names are packages and
// which globals hold RDDs.
func (s *Session) newFastRewriter() *fastRewriter {
	var rddGlobals map[string]bool
	return &fastRewriter{
		isPackage: func(name string) bool {
			_, ok := s.packages[name]
			return ok && !s.globals[name]
		},
		isRDDVar: func(name string) bool {
			if rddGlobals == nil {
				rddGlobals = s.rddGlobals()
			}
			return rddGlobals[name]
		},
		locals:   map[string]bool{},
		assigned: map[string]bool{},
	}
}

// rddGlobals returns the session's globals that hold an *rdd.RDD or an
// *rdd.Context. yaegi's Globals can panic after a failed compile: then
// there are none.
func (s *Session) rddGlobals() (names map[string]bool) {
	names = map[string]bool{}
	defer func() {
		if recover() != nil {
			names = map[string]bool{}
		}
	}()
	for name, v := range s.yaegi.Globals() {
		if !s.globals[name] || !v.IsValid() || !v.CanInterface() {
			continue
		}
		switch v.Interface().(type) {
		case *rdd.RDD, *rdd.Context:
			names[name] = true
		}
	}
	return names
}

// importChunk evaluates the import specs of c that this session has not
// imported yet; yaegi fails on a repeated import.
func (s *Session) importChunk(ctx context.Context, c chunk) error {
	f, err := parser.ParseFile(s.yaegi.FileSet(), "cell", "package main;"+c.src, parser.ImportsOnly)
	if err != nil {
		return err
	}
	for _, spec := range f.Imports {
		key := spec.Path.Value
		if spec.Name != nil {
			key = spec.Name.Name + " " + key
		}
		if s.imported[key] {
			continue
		}
		if _, err := s.eval(ctx, "import "+key); err != nil {
			if p, perr := strconv.Unquote(spec.Path.Value); perr == nil && strings.Contains(err.Error(), "unable to find source related to") {
				name := path.Base(p)
				if spec.Name != nil {
					name = spec.Name.Name
				}
				s.unavailable[name] = p
			}
			return err
		}
		s.imported[key] = true
	}
	return nil
}

// compileLast compiles the cell's last expression E as valueFunc(E) or
// valuesFunc(E), whose value is all of E's values (isValue is then true);
// E that yields no value (a call of a func without results) is compiled
// as the statement it is. E of one value is captured as valueCall((E)),
// for its String method (see values.go); yaegi takes the first of several
// values there, so valueFunc(E) must compile first.
//
// E is evaluated inside a func literal that hands its values to the
// session (SetValues): yaegi keeps every temporary of top-level code
// (the slice of make, each RDD of a chain) in its global frame for the
// rest of the session, one slot per expression of every cell ever run,
// while a called func's frame is dropped when it returns. Only when that
// does not compile is E evaluated at top level.
func (s *Session) compileLast(c chunk) (prog *interp.Program, isValue bool, err error) {
	padding := strings.Repeat("\n", c.line-1)
	inFunc := func(values string) string {
		return padding + startedCall + "func() { _gosparklingSession.SetValues(" + values + ") }()"
	}
	atTop := func(values string) string { return padding + startedCall + values }
	for _, wrap := range []func(string) string{inFunc, atTop} {
		for _, capture := range []string{valueFunc, valuesFunc} {
			prog, err := s.compile(wrap(capture + "(" + c.src + ")"))
			if err != nil {
				continue
			}
			if capture == valueFunc {
				if called, err := s.compile(wrap(valueCall + "((" + c.src + "))")); err == nil {
					return called, true, nil
				}
			}
			return prog, true, nil
		}
	}
	prog, err = s.compile(source([]chunk{c}))
	return prog, false, err
}

func (s *Session) eval(ctx context.Context, src string) (reflect.Value, error) {
	prog, err := s.compile(src)
	if err != nil {
		return reflect.Value{}, err
	}
	return s.execute(ctx, prog)
}

// compileError marks an error of the interpreter's compiler, with the
// source it compiled, to which its position refers.
type compileError struct {
	error
	src string
}

func (e compileError) Unwrap() error { return e.error }

// compile compiles src, turning yaegi's compiler panics into errors.
func (s *Session) compile(src string) (prog *interp.Program, err error) {
	if err := s.waitForStuckProgram(); err != nil {
		return nil, err
	}
	defer quietYaegiLog()()
	defer func() {
		if r := recover(); r != nil {
			err = compileError{fmt.Errorf("the interpreter cannot compile this cell: %v", r), src}
		}
	}()
	prog, err = s.yaegi.Compile(src)
	if err != nil {
		return nil, compileError{err, src}
	}
	return prog, nil
}

// yaegiStop stops the program an Interpreter is executing: interpreted
// code stops at its next step and blocked channel operations return.
// yaegi v0.16.1 calls it only from ExecuteWithContext, and that function
// returns at once when its context is done while the program still runs
// on yaegi's own goroutine, writing the results it was to return (a data
// race) and racing with the next program run. The session instead runs
// ExecuteWithContext on a goroutine of its own, with a context that is
// never done, stops the program itself and waits until it has ended.
//
//go:linkname yaegiStop github.com/traefik/yaegi/interp.(*Interpreter).stop
func yaegiStop(*interp.Interpreter)

// defaultStopWait is how long an interrupted program may take to end
// before the session reports it stuck in compiled code.
const defaultStopWait = 3 * time.Second

// errStillRunning is the error of cells run while an interrupted program
// is still running.
var errStillRunning = errors.New("an interrupted cell is still running in compiled code, " +
	"and the interpreter runs one cell at a time; restart the kernel")

// errStuck is the error of an interrupted program that did not end.
var errStuck = errors.New("the cell was interrupted, but it is still running in compiled code " +
	"(a call such as time.Sleep or a channel wait of a library); restart the kernel to be safe")

// execute runs a compiled program until it ends. When ctx is done first,
// the program is stopped once it has started (see started), and execute
// waits up to s.stopWait for it to end, returning ctx's error; a program
// that does not end is left running and errStuck is returned, and no
// other program runs in the session until it ends.
func (s *Session) execute(ctx context.Context, prog *interp.Program) (reflect.Value, error) {
	if err := ctx.Err(); err != nil {
		return reflect.Value{}, err
	}
	select {
	case <-s.started: // a signal left by a program that was not stopped
	default:
	}
	var v reflect.Value
	var err error
	done := make(chan struct{})
	s.programStop.begin()
	go func() {
		defer close(done)
		defer func() {
			if r := recover(); r != nil {
				err = interp.Panic{Value: r}
			}
			err = s.programStop.end(err)
		}()
		v, err = s.yaegi.ExecuteWithContext(context.Background(), prog)
	}()
	select {
	case <-done:
		return v, err
	case <-ctx.Done():
	}
	deadline := time.NewTimer(s.stopWait)
	defer deadline.Stop()
	select {
	case <-s.started:
		// The program runs: ExecuteWithContext has made the channel that
		// yaegiStop closes.
		s.programStop.stop(s.yaegi, "")
	case <-done:
		return reflect.Value{}, ctx.Err()
	case <-deadline.C:
		s.stuck = done
		return reflect.Value{}, errStuck
	}
	select {
	case <-done:
		return reflect.Value{}, ctx.Err()
	case <-deadline.C:
		s.stuck = done
		return reflect.Value{}, errStuck
	}
}

// waitForStuckProgram returns errStuck while an interrupted program is
// still running: the interpreter runs one program at a time.
func (s *Session) waitForStuckProgram() error {
	if s.stuck == nil {
		return nil
	}
	select {
	case <-s.stuck:
		s.stuck = nil
		return nil
	default:
		return errStillRunning
	}
}

// started is called by a program's first statement (startedCall): it tells
// execute that the program runs and can be stopped.
func (s *Session) startedSignal() {
	s.programStop.markStarted()
	select {
	case s.started <- struct{}{}:
	default:
	}
}

// isPrint reports whether expr is a call of a print function, whose
// results (bytes written, error) are not the cell's value.
func isPrint(expr ast.Expr) bool {
	call, ok := expr.(*ast.CallExpr)
	if !ok {
		return false
	}
	switch fn := call.Fun.(type) {
	case *ast.Ident:
		return fn.Name == "print" || fn.Name == "println"
	case *ast.SelectorExpr:
		pkg, ok := fn.X.(*ast.Ident)
		return ok && pkg.Name == "fmt" && (strings.HasPrefix(fn.Sel.Name, "Print") || strings.HasPrefix(fn.Sel.Name, "Fprint"))
	}
	return false
}

// yaegiPosition matches the "1:28: " position prefix of yaegi's messages.
var yaegiPosition = regexp.MustCompile(`^(\d+):(\d+): `)

// cellError turns an evaluation error into what the notebook shows.
func (s *Session) cellError(ctx context.Context, err error) *CellError {
	trace := s.stderr.takePanicFrames()
	var ce *CellError
	if errors.As(err, &ce) {
		return ce
	}
	for _, stuck := range []error{errStuck, errStillRunning} {
		if errors.Is(err, stuck) {
			return &CellError{Name: "RestartNeeded", Value: stuck.Error(), Traceback: []string{"RestartNeeded: " + stuck.Error()}}
		}
	}
	if ctx.Err() != nil {
		if !s.waitForJobs(3 * time.Second) {
			msg := "the cell was interrupted, but its jobs are still running in compiled code; restart the kernel to be safe"
			return &CellError{Name: "Interrupted", Value: msg, Traceback: []string{"Interrupted: " + msg}}
		}
		return &CellError{Name: "Interrupted", Value: "the cell was interrupted",
			Traceback: []string{"Interrupted: the cell was interrupted"}}
	}
	var p interp.Panic
	if errors.As(err, &p) {
		return s.panicError(p, trace)
	}
	msg := err.Error()
	name := "Error"
	var cerr compileError
	if errors.As(err, &cerr) {
		name = "CompileError"
		var line, col int
		if m := yaegiPosition.FindStringSubmatch(msg); m != nil {
			line, _ = strconv.Atoi(m[1])
			col, _ = strconv.Atoi(m[2])
			msg = msg[len(m[0]):]
		}
		if inPreamble(msg) {
			line, col = 0, 0
		}
		msg = s.translateCompileError(msg, line, col, cerr.src)
		if line > 0 {
			msg = fmt.Sprintf("line %d: %s", line, msg)
		}
	} else {
		msg = yaegiPosition.ReplaceAllString(msg, "line $1: ")
	}
	return &CellError{Name: name, Value: msg, Traceback: []string{msg}}
}

// waitForJobs waits up to limit for the Context's jobs to stop, as they
// do at their next element once the cell's context is cancelled.
func (s *Session) waitForJobs(limit time.Duration) bool {
	deadline := time.Now().Add(limit)
	contexts := s.contexts()
	for activeJobs(contexts) > 0 {
		if time.Now().After(deadline) {
			return false
		}
		time.Sleep(5 * time.Millisecond)
	}
	return true
}

// contexts returns the session's Context and, when a cell assigned sc
// another one (sc = sc.WithRunner(...)), that one too: the cell's
// interrupt must stop the jobs of both.
func (s *Session) contexts() []*rdd.Context {
	out := []*rdd.Context{s.sc}
	if cur := s.globalContext(); cur != nil && cur != s.sc {
		out = append(out, cur)
	}
	for _, p := range s.previous {
		if c := p.Value(); c != nil && !slices.Contains(out, c) {
			out = append(out, c)
		}
	}
	return out
}

// globalContext returns the Context the global sc holds, or nil.
func (s *Session) globalContext() *rdd.Context {
	if v, ok := s.globalValues()["sc"]; ok && v.IsValid() && v.CanInterface() {
		if cur, ok := v.Interface().(*rdd.Context); ok {
			return cur
		}
	}
	return nil
}

// adoptContext makes the Context a cell assigned to sc the session's, and keeps only a
// weak reference to the one before: a notebook that replaces sc (sc = rdd.NewContext(...))
// drops the old Context, whose spill directory goes once no RDD of a cell's uses it.
func (s *Session) adoptContext() {
	cur := s.globalContext()
	if cur == nil || cur == s.sc {
		return
	}
	live := s.previous[:0]
	for _, p := range s.previous {
		if p.Value() != nil {
			live = append(live, p)
		}
	}
	s.previous = append(live, weak.Make(s.sc))
	s.sc = cur
}

func activeJobs(contexts []*rdd.Context) int {
	n := 0
	for _, sc := range contexts {
		n += sc.ActiveJobs()
	}
	return n
}

// bundleOf makes the MIME bundle of a cell's values: nothing for no value
// or a lone nil; an error for a non-nil error last; all others shown.
func bundleOf(values []any) (MIMEBundle, error) {
	if n := len(values); n > 0 {
		if err, ok := values[n-1].(error); ok && err != nil {
			return nil, &CellError{Name: errorTypeName(err), Value: err.Error(), Traceback: []string{err.Error()}}
		}
		if n > 1 && values[n-1] == nil && isErrorResult(values) {
			values = values[:n-1]
		}
	}
	switch {
	case len(values) == 0, len(values) == 1 && values[0] == nil:
		return nil, nil
	case display.IsHistogram(values):
		return MIMEBundle(display.Histogram(values[0].([]float64), values[1].([]int64)).MIMEBundle()), nil
	case len(values) == 1:
		return MIMEBundle(display.Bundle(values[0])), nil
	}
	var plain []string
	for _, v := range values {
		plain = append(plain, fmt.Sprint(display.Bundle(v)["text/plain"]))
	}
	return MIMEBundle{"text/plain": strings.Join(plain, "\n")}, nil
}

// isErrorResult reports whether a multi-value result ends with a nil that
// stands for an error: a trailing nil of (x, error) is not shown.
func isErrorResult(values []any) bool { return len(values) >= 2 }

// cellWriter is the interpreter's stdout or stderr: it forwards writes to
// the Output of the cell being executed. Lines in which yaegi reports the
// interpreted frames of a panic are kept for the error's traceback.
type cellWriter struct {
	name   string
	mu     sync.Mutex
	out    Output
	frames []string
}

var _ io.Writer = (*cellWriter)(nil)

func (w *cellWriter) set(out Output) {
	w.mu.Lock()
	w.out, w.frames = out, nil
	w.mu.Unlock()
}

// Write forwards p to the current cell's output.
func (w *cellWriter) Write(p []byte) (int, error) {
	w.mu.Lock()
	defer w.mu.Unlock()
	text := string(p)
	if w.name == "stderr" && panicFrame.MatchString(text) {
		frame := strings.ReplaceAll(yaegiPosition.ReplaceAllString(text, "line $1: "), "."+twinPrefix, ".")
		w.frames = append(w.frames, strings.TrimRight(frame, "\n"))
		return len(p), nil
	}
	if w.out != nil {
		w.out.Stream(w.name, text)
	}
	return len(p), nil
}

// panicFrame matches the lines yaegi prints to stderr for each interpreted
// frame a panic unwinds through ("1:28: panic: main.f(...)").
var panicFrame = regexp.MustCompile(`^\d+:\d+: panic: `)

// forward writes process output to the running cell's Output and
// reports false when there is none.
func (w *cellWriter) forward(p []byte) bool {
	w.mu.Lock()
	defer w.mu.Unlock()
	if w.out == nil {
		return false
	}
	w.out.Stream(w.name, string(p))
	return true
}

func (w *cellWriter) takePanicFrames() []string {
	w.mu.Lock()
	defer w.mu.Unlock()
	frames := w.frames
	w.frames = nil
	return frames
}
