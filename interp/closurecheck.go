package interp

import (
	"fmt"
	"go/ast"
	"go/token"
	"slices"
	"strings"

	"github.com/gosparkling/gosparkling/rdd"
)

// Writes from worker functions. The functions passed to RDD methods run
// on the worker goroutines, many at once; in Spark they run on copies of
// what they capture, so a write to a captured variable is lost. Here it
// races, and a concurrent write of a map is a fatal error of Go that no
// recover stops: the session dies with its variables. Before a cell runs, the session reads
// the function literals (and declared functions) it passes to RDD
// methods and refuses the cell when one writes a variable from outside
// it, naming the variable, the method and Spark's ways of doing it:
//
//	counts := map[string]int{}
//	words.Foreach(func(w string) { counts[w]++ }) // refused
//
// A write is an assignment (=, +=, ...), ++ or --, a `for k, v = range`,
// and delete, clear or copy into the value, whether to the variable
// itself, to an element (m[k], s[i]) or to a field (p.n), and through a
// pointer (*p) captured from outside. Calls are not writes: methods
// (acc.Add, mu.Lock, sb.WriteString), atomic.AddInt64(&n, 1) and the
// like pass, as do writes to variables declared inside the function,
// its parameters included, and reads of anything. A function that calls
// Lock() on anything (a captured or global sync.Mutex) may write: it
// says that it serializes its writes. The session's declared functions
// that the function calls, directly or through others, are read too: a
// helper that writes a global map is the same write.

// workerFuncs returns the positions of the function arguments of an RDD
// method, which run on the worker goroutines.
func workerFuncs(method string) []int {
	m, _ := rdd.MethodOf(method)
	return m.FuncArgs
}

// checkWorkerFuncs returns a *CellError when a function the cell passes to
// an RDD method writes a variable from outside itself.
func (s *Session) checkWorkerFuncs(chunks []chunk) error {
	rdds := s.newFastRewriter() // its rddChain knows which expressions are RDDs
	for _, c := range chunks {
		if c.kind == importChunk || !strings.Contains(c.src, "(") {
			continue
		}
		fset, f, prefix, err := parseChunk(c, 0)
		if err != nil {
			continue
		}
		src := parsedChunk{fset: fset, src: c.src, prefix: prefix}
		var found *workerWrite
		rdds.inspectRDDCalls(f, c, func(call *ast.CallExpr, method string) bool {
			positions := workerFuncs(method)
			for i, arg := range call.Args {
				if !slices.Contains(positions, i) {
					continue
				}
				finder := &writeFinder{s: s, seen: map[string]bool{}}
				if w := finder.inArgument(arg, src); w != nil {
					w.method, w.line = method, chunkLine(c, fset, w.pos)
					found = w
					return false
				}
			}
			return true
		})
		if found != nil {
			msg := found.message()
			return &CellError{Name: "CompileError", Value: msg, Traceback: []string{"CompileError: " + msg}}
		}
	}
	return nil
}

// chunkLine returns the cell's line of a position in a chunk parsed by
// parseChunk.
func chunkLine(c chunk, fset *token.FileSet, pos token.Pos) int {
	line := c.line + fset.Position(pos).Line - 2
	if c.kind == stmtChunk {
		line-- // the func _() { line
	}
	return line
}

// workerWrite is a write of a worker function to a variable from outside.
type workerWrite struct {
	method string    // the RDD method
	line   int       // the cell's line of the write, or of the call of the helper that writes
	pos    token.Pos // the write, or the call of the helper, in the cell's chunk
	name   string    // the variable written
	stmt   string    // the statement that writes it
	via    []string  // the declared functions called on the way, outermost first
}

func (w *workerWrite) message() string {
	where := fmt.Sprintf("line %d: the function passed to %s writes %s, a variable from outside it (%s)",
		w.line, w.method, w.name, w.stmt)
	if len(w.via) > 0 {
		where = fmt.Sprintf("line %d: the function passed to %s calls %s, which writes %s, a variable from outside it (%s)",
			w.line, w.method, strings.Join(w.via, ", which calls "), w.name, w.stmt)
	}
	return where + ". " +
		"Functions passed to RDD methods run on many worker goroutines at once, and in Spark on copies of what they capture: " +
		"such a write races (a map written at once by two goroutines is a fatal error of Go, which ends the session and its variables), " +
		"or is lost. The Spark way: add to an accumulator (acc := sc.Accumulator(0) before, acc.Add(1) in the function, acc.Value() after), " +
		"or compute the result as an RDD and bring it back (CountByValue, or Map to rdd.KV pairs, ReduceByKey and Collect or CollectAsMap). " +
		"To keep the write, take a sync.Mutex around it (mu.Lock(); ...; mu.Unlock()), or use sync/atomic."
}

// writeFinder looks for the first write of a function to a variable from
// outside it, following calls to the session's declared functions.
type writeFinder struct {
	s    *Session
	seen map[string]bool // declared functions already read
}

// inArgument reads a function argument of an RDD method: a literal, or
// the name of a declared function.
func (w *writeFinder) inArgument(arg ast.Expr, src parsedChunk) *workerWrite {
	switch a := arg.(type) {
	case *ast.FuncLit:
		return w.inFunc(a, a.Body, src, nil)
	case *ast.Ident:
		if a.Obj == nil {
			if ww := w.inDeclared(a.Name); ww != nil {
				ww.pos = a.Pos()
				return ww
			}
		}
	}
	return nil
}

// inFunc looks for a write in body, the body of fn (a literal or a
// declaration) parsed from src. Calls of declared functions that
// write are reported at the call, their names in via.
func (w *writeFinder) inFunc(fn ast.Node, body *ast.BlockStmt, src parsedChunk, via []string) *workerWrite {
	if takesLock(body) {
		return nil
	}
	outside := func(id *ast.Ident) bool {
		if id.Name == "_" {
			return false
		}
		if id.Obj == nil {
			return true // a global of the session, or of a package
		}
		d, ok := id.Obj.Decl.(ast.Node)
		return !ok || d.Pos() < fn.Pos() || d.End() > fn.End()
	}
	var found *workerWrite
	report := func(target ast.Expr, at ast.Node) {
		id := writtenVar(target)
		if found != nil || id == nil || !outside(id) {
			return
		}
		if id.Obj == nil && !w.isVariable(id.Name) {
			return // a name the session does not hold as a variable: the compiler will say
		}
		found = &workerWrite{pos: at.Pos(), name: id.Name, stmt: src.text(at), via: via}
	}
	ast.Inspect(body, func(n ast.Node) bool {
		if found != nil {
			return false
		}
		switch n := n.(type) {
		case *ast.AssignStmt:
			if n.Tok != token.DEFINE {
				for _, lhs := range n.Lhs {
					report(lhs, n)
				}
			}
		case *ast.IncDecStmt:
			report(n.X, n)
		case *ast.RangeStmt:
			if n.Tok == token.ASSIGN {
				for _, e := range []ast.Expr{n.Key, n.Value} {
					if e != nil {
						report(e, n)
					}
				}
			}
		case *ast.CallExpr:
			id, ok := n.Fun.(*ast.Ident)
			if !ok || id.Obj != nil {
				return true
			}
			switch id.Name {
			case "delete", "clear", "copy":
				if len(n.Args) > 0 && !w.isDeclaredFunc(id.Name) {
					report(n.Args[0], n)
				}
			default:
				if ww := w.inDeclared(id.Name); ww != nil {
					ww.pos = n.Pos()
					ww.via = append(append([]string(nil), via...), ww.via...)
					found = ww
				}
			}
		}
		return true
	})
	return found
}

// inDeclared reads the session's declared function name, once.
func (w *writeFinder) inDeclared(name string) *workerWrite {
	if w.seen[name] || !w.isDeclaredFunc(name) {
		return nil
	}
	w.seen[name] = true
	c := chunk{kind: declChunk, src: w.s.decls[name].src, line: 1}
	fset, f, prefix, err := parseChunk(c, 0)
	if err != nil {
		return nil
	}
	src := parsedChunk{fset: fset, src: c.src, prefix: prefix}
	for _, d := range f.Decls {
		if fd, ok := d.(*ast.FuncDecl); ok && fd.Recv == nil && fd.Name.Name == name && fd.Body != nil {
			return w.inFunc(fd, fd.Body, src, []string{name})
		}
	}
	return nil
}

func (w *writeFinder) isDeclaredFunc(name string) bool {
	d := w.s.decls[name]
	return d != nil && d.kind == ast.Fun
}

// isVariable reports whether a name unresolved in a function is a
// variable: a global of the session that is no declared function,
// type or constant.
func (w *writeFinder) isVariable(name string) bool {
	if d := w.s.decls[name]; d != nil {
		return d.kind == ast.Var || d.funcValue
	}
	return !predeclared[name]
}

// writtenVar returns the variable a write to target changes: x for x,
// x[i], x.f, *x and their combinations; nil for writes into what a call
// returns.
func writtenVar(target ast.Expr) *ast.Ident {
	for {
		switch t := target.(type) {
		case *ast.Ident:
			return t
		case *ast.IndexExpr:
			target = t.X
		case *ast.SelectorExpr:
			target = t.X
		case *ast.StarExpr:
			target = t.X
		case *ast.ParenExpr:
			target = t.X
		case *ast.SliceExpr:
			target = t.X
		default:
			return nil
		}
	}
}

// takesLock reports whether body calls a Lock method: its writes are
// then taken to be serialized.
func takesLock(body *ast.BlockStmt) bool {
	locks := false
	ast.Inspect(body, func(n ast.Node) bool {
		if call, ok := n.(*ast.CallExpr); ok && len(call.Args) == 0 {
			if sel, ok := call.Fun.(*ast.SelectorExpr); ok && sel.Sel.Name == "Lock" {
				locks = true
			}
		}
		return !locks
	})
	return locks
}

// parsedChunk is a chunk's source as parseChunk parsed it.
type parsedChunk struct {
	fset   *token.FileSet
	src    string
	prefix int // the length of what parseChunk put before src
}

// text returns the source of n, on one line.
func (p parsedChunk) text(n ast.Node) string {
	start := p.fset.Position(n.Pos()).Offset - p.prefix
	end := p.fset.Position(n.End()).Offset - p.prefix
	if start < 0 || end > len(p.src) || start > end {
		return ""
	}
	text := strings.Join(strings.Fields(p.src[start:end]), " ")
	if r := []rune(text); len(r) > 60 {
		text = string(r[:57]) + "..."
	}
	return text
}
