package interp

import (
	"context"
	"crypto/sha256"
	"fmt"
	"io"
	"os"
	"reflect"
	"strings"
	"sync"

	"github.com/traefik/yaegi/interp"
	"github.com/traefik/yaegi/stdlib"

	"github.com/gosparkling/gosparkling/internal/engine"
	"github.com/gosparkling/gosparkling/interp/symbols"
)

// workerPreamble gives shipped programs the built-ins yaegi v0.16 lacks,
// as the notebook has them.
var workerPreamble = []string{
	`func min[T ` + orderedTypes + `](x T, ys ...T) T { for _, y := range ys { if y < x { x = y } }; return x }`,
	`func max[T ` + orderedTypes + `](x T, ys ...T) T { for _, y := range ys { if y > x { x = y } }; return x }`,
}

// compiled caches the functions of the programs this process compiled, by
// the programs' text: a worker interprets a shipped function once, however
// many elements and bundles it runs on.
var compiled sync.Map // [sha256.Size]byte -> *compiledFunc

type compiledFunc struct {
	once sync.Once
	fn   any
	err  error
}

// CompileFunc interprets a shipped function's program (see
// engine.FuncProgram) and returns the function. Each program gets an
// interpreter of its own with the standard library and gosparkling's
// packages; a program is compiled once per process, and the function may
// then be called from many goroutines. Beam workers call it.
func CompileFunc(p *engine.FuncProgram) (any, error) {
	key := sha256.Sum256([]byte(strings.Join(p.Imports, "\x00") + "\x01" + strings.Join(p.Decls, "\x00") + "\x01" + p.Expr))
	v, _ := compiled.LoadOrStore(key, &compiledFunc{})
	c := v.(*compiledFunc)
	c.once.Do(func() { c.fn, c.err = compileProgram(p) })
	return c.fn, c.err
}

// withoutPanicFrames writes to w all but the lines yaegi writes, one
// Write each, for the frames a panic unwinds through.
type withoutPanicFrames struct{ w io.Writer }

func (f withoutPanicFrames) Write(p []byte) (int, error) {
	if panicFrame.Match(p) {
		return len(p), nil
	}
	return f.w.Write(p)
}

func compileProgram(p *engine.FuncProgram) (fn any, err error) {
	defer func() {
		if r := recover(); r != nil {
			err = fmt.Errorf("interpreting the function of %s: panic: %v", p.Origin, r)
		}
	}()
	// What the function prints goes to the worker's output: the
	// notebook's with Prism on this machine, the worker logs on a cluster.
	// Its panics reach the notebook as the job's error.
	yi := interp.New(interp.Options{Stdout: os.Stdout, Stderr: withoutPanicFrames{os.Stderr}})
	for _, syms := range []interp.Exports{stdlib.Symbols, symbols.Symbols, workerSymbols} {
		if err := yi.Use(syms); err != nil {
			return nil, fmt.Errorf("interp: loading symbols: %w", err)
		}
	}
	eval := func(src string) (reflect.Value, error) {
		v, err := yi.EvalWithContext(context.Background(), src)
		if err != nil {
			return v, fmt.Errorf("interpreting the function of %s: %w\n%s", p.Origin, err, src)
		}
		return v, nil
	}
	for _, src := range workerPreamble {
		if _, err := eval(src); err != nil {
			return nil, err
		}
	}
	for _, spec := range p.Imports {
		if _, err := eval("import " + spec); err != nil {
			return nil, err
		}
	}
	for _, src := range p.Decls {
		if _, err := eval(src); err != nil {
			return nil, err
		}
	}
	// A source starting with func would be taken for a declaration; a
	// name in parentheses would not be the function.
	expr := p.Expr
	if strings.HasPrefix(expr, "func") {
		expr = "(" + expr + ")"
	}
	v, err := eval(expr)
	if err != nil {
		return nil, err
	}
	if !v.IsValid() || v.Kind() != reflect.Func {
		return nil, fmt.Errorf("the function of %s is not a function: %s", p.Origin, p.Expr)
	}
	return v.Interface(), nil
}

// workerSymbols are the symbols a worker's interpreter has beyond the
// cells': rdd.BroadcastOf, which the source of a function that captured a
// broadcast calls (see writeLiteral) to make it again, and which is no part
// of rdd's API.
var workerSymbols = interp.Exports{
	"github.com/gosparkling/gosparkling/rdd/rdd": {
		"BroadcastOf": reflect.ValueOf(rdds.BroadcastOf),
	},
}
