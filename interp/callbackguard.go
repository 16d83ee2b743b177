package interp

import (
	"fmt"
	"go/ast"
	"reflect"
	"strconv"
	"strings"
	"sync"
)

// Functions the standard library calls on goroutines of its own. A panic
// there is a panic on a goroutine that nobody recovers, which ends the
// process, as one in a `go` statement of a cell would (see recoveringGo).
// The cells' calls of
//
//	time.AfterFunc(d, f)      context.AfterFunc(ctx, f)      wg.Go(func() { ... })
//
// hand the function to a compiled guard of the session first:
//
//	time.AfterFunc(d, _gosparklingSession.GuardCallback("time.AfterFunc", f))
//
// The guard recovers the function's panic and reports it like that of a
// goroutine the cell started: as the cell's error while the cell that set
// the function up runs, on the next cell's standard error after. A
// WaitGroup's Go (Go 1.25) starts its goroutine at once, which the guard
// counts as one of the cell's goroutines (GuardGo), so that the cell
// waits for it as for its go statements. Any method named Go whose
// argument is a literal func() is guarded so: its receiver's type is not
// known from the syntax, and a guard of the same type changes nothing
// but where a panic goes.
//
// Left out: http.HandlerFunc (net/http recovers a handler's panic
// itself), sync.OnceFunc (calls f on its caller's goroutine) and
// runtime.SetFinalizer (rare in a notebook).

// callbackFuncs are the package functions that call a function argument
// on a goroutine of their own, and that argument's position.
var callbackFuncs = map[string]map[string]int{
	"time":    {"AfterFunc": 1},
	"context": {"AfterFunc": 1},
}

// guardCallbacks returns c's source with the function arguments of
// callbackFuncs and of Go methods wrapped in the session's guards.
func (s *Session) guardCallbacks(c chunk) string {
	if c.kind == importChunk || !strings.Contains(c.src, "AfterFunc") && !strings.Contains(c.src, ".Go(") {
		return c.src
	}
	fset, f, prefix, err := parseChunk(c, 0)
	if err != nil {
		return c.src
	}
	offset := func(n ast.Node) (int, int) {
		return fset.Position(n.Pos()).Offset - prefix, fset.Position(n.End()).Offset - prefix
	}
	var edits []textEdit
	wrap := func(arg ast.Expr, open string) {
		start, end := offset(arg)
		edits = append(edits, textEdit{start, open}, textEdit{end, ")"})
	}
	ast.Inspect(f, func(n ast.Node) bool {
		call, ok := n.(*ast.CallExpr)
		if !ok || call.Ellipsis.IsValid() {
			return true
		}
		sel, ok := call.Fun.(*ast.SelectorExpr)
		if !ok {
			return true
		}
		if sel.Sel.Name == "Go" && len(call.Args) == 1 && isPlainFuncLit(call.Args[0]) {
			wrap(call.Args[0], "_gosparklingSession.GuardGo(")
			return true
		}
		pkg, ok := sel.X.(*ast.Ident)
		if !ok || pkg.Obj != nil || s.globals[pkg.Name] || s.packages[pkg.Name] == "" {
			return true
		}
		if at, ok := callbackFuncs[pkg.Name][sel.Sel.Name]; ok && at < len(call.Args) {
			wrap(call.Args[at], "_gosparklingSession.GuardCallback("+strconv.Quote(pkg.Name+"."+sel.Sel.Name)+", ")
		}
		return true
	})
	if len(edits) == 0 {
		return c.src
	}
	return applyEdits(c.src, edits)
}

// isPlainFuncLit reports whether e is a literal func() without results.
func isPlainFuncLit(e ast.Expr) bool {
	lit, ok := e.(*ast.FuncLit)
	return ok && lit.Type.Params.NumFields() == 0 && lit.Type.Results.NumFields() == 0
}

// guardSymbols are the guards, bound in the session package.
func (s *Session) guardSymbols() map[string]reflect.Value {
	return map[string]reflect.Value{
		"GuardCallback": reflect.ValueOf(s.guardCallback),
		"GuardGo":       reflect.ValueOf(s.guardGo),
		"Go":            reflect.ValueOf(s.goCall),
		"GoEntered":     reflect.ValueOf(s.goEntered),
	}
}

// goCall runs f(token, args...) on a goroutine of the running cell,
// started by compiled code, for the rewritten go statements of a cell
// (see compiledGo), and returns once f has called goEntered(token), or
// has ended before. goDone reports its panic.
func (s *Session) goCall(f any, args ...any) {
	fv := reflect.ValueOf(f)
	ft := fv.Type()
	entered := make(chan struct{})
	var once sync.Once
	signal := func() { once.Do(func() { close(entered) }) }
	s.entriesMu.Lock()
	s.entrySeq++
	token := s.entrySeq
	if s.entries == nil {
		s.entries = map[int]func(){}
	}
	s.entries[token] = signal
	s.entriesMu.Unlock()
	in := []reflect.Value{reflect.ValueOf(token)}
	for i, a := range args {
		t := ft.In(min(i+1, ft.NumIn()-1))
		if ft.IsVariadic() && i+1 >= ft.NumIn()-1 {
			t = t.Elem()
		}
		switch v := reflect.ValueOf(a); {
		case a == nil:
			in = append(in, reflect.Zero(t))
		case !v.Type().AssignableTo(t) && v.CanConvert(t):
			in = append(in, v.Convert(t)) // an untyped constant, passed as its default type
		default:
			in = append(in, v)
		}
	}
	g := s.goStart()
	go func() {
		defer func() {
			s.goEntered(token) // if f ended without
			s.goDone(g, recover())
		}()
		fv.Call(in)
	}()
	<-entered
}

// goEntered is called by the function a go statement runs, first.
func (s *Session) goEntered(token int) {
	s.entriesMu.Lock()
	signal := s.entries[token]
	delete(s.entries, token)
	s.entriesMu.Unlock()
	if signal != nil {
		signal()
	}
}

// guardCallback returns f, for api to call later, recovering its panic
// and reporting it for the running cell.
func (s *Session) guardCallback(api string, f func()) func() {
	s.panicMu.Lock()
	cell, name := s.runningCell, s.currentCell()
	s.panicMu.Unlock()
	return func() {
		defer func() {
			if r := recover(); r != nil {
				s.reportCallbackPanic(cell, name, api, r)
			}
		}()
		f()
	}
}

// guardGo returns f, which a Go method runs on a new goroutine at once,
// as a goroutine of the running cell (see goStart and goDone).
func (s *Session) guardGo(f func()) func() {
	g := s.goStart()
	return func() {
		defer func() { s.goDone(g, recover()) }()
		f()
	}
}

// reportCallbackPanic makes a panic of a function api called for cell
// the error of that cell while it runs, and a message on the standard
// error of the next cell otherwise.
func (s *Session) reportCallbackPanic(cell int, name, api string, r any) {
	s.panicMu.Lock()
	defer s.panicMu.Unlock()
	if s.running && cell == s.runningCell {
		if s.cellPanic == nil {
			s.cellPanic = &CellError{Name: "panic", Value: fmt.Sprintf("in the function passed to %s: %v", api, r),
				Traceback: []string{fmt.Sprintf("panic in the function this cell passed to %s: %v", api, r)}}
		}
		return
	}
	s.latePanics = append(s.latePanics, fmt.Sprintf("panic in the function %s passed to %s: %v", name, api, r))
}
