package interp

import (
	"fmt"
	"go/ast"
	"go/token"
	"slices"
	"strconv"
	"strings"
)

// Runaway recursion. Each call of an interpreted function takes about a
// kilobyte of Go stack in yaegi (a simple function overflows Go's 1 GB
// limit at about 900,000 calls deep; one that recurses through a callback
// of compiled code, such as sort.Slice's, at 100,000 to 200,000), and a
// stack overflow is a fatal error of Go that no recover stops. The
// recursive functions a cell declares, those that call themselves
// directly or through other functions of the same cell, count their
// depth instead and, past maxCallDepth, stop the cell's program as an
// interrupt does, with an ordinary error of the cell (see programStop:
// a panic would take minutes to unwind that deep):
//
//	func rec(n int) int { return rec(n+1) + 1 }
//
// becomes, on the same lines,
//
//	func _gsDepth_rec(_gsDepth int, n int) int { if _gsDepth > 50000 { _gosparklingSession.TooDeep("stack overflow: ...") }; return _gsDepth_rec(_gsDepth+1, n+1) + 1 }; func rec(n int) int { return _gsDepth_rec(0, n) }
//
// The depth travels as an argument, so it is exact per goroutine and
// costs no lock, no atomic and no call of compiled code: on fib(25) the
// guarded function measured no slower than the plain one. Left to the
// process's backstop: methods, generic functions, recursion through
// function values and closures, and cycles through functions of several
// cells (each cell's calls of another's function start counting afresh).

// maxCallDepth is the depth past which a recursive function of a cell
// stops: a sixth of the depth at which yaegi overflowed Go's stack for
// a function that recurses through compiled code, an eighteenth of that
// of a simple one.
// (A variable, which tests lower.)
var maxCallDepth = 50000

// depthVar is the twin's parameter that counts the depth.
const depthVar = "_gsDepth"

// twinPrefix starts the names of the depth-counting twins; the frames of
// panics show the function's own name instead.
const twinPrefix = "_gsDepth_"

// twinName names the depth-counting twin of a function.
func twinName(name string) string { return twinPrefix + name }

// cellFunc is a function declared by a cell, as guardRecursion reads it.
type cellFunc struct {
	decl  *ast.FuncDecl
	chunk int             // index of its chunk
	src   parsedChunk     // its chunk, parsed
	calls map[string]bool // the cell's functions it calls
	sites []*ast.CallExpr // those calls
	idOf  map[*ast.CallExpr]string
}

// guardRecursion returns the cell's chunks with its recursive functions
// rewritten to count their depth.
func (s *Session) guardRecursion(chunks []chunk) []chunk {
	funcs := map[string]*cellFunc{}
	var order []string
	for i, c := range chunks {
		if c.kind != declChunk || !strings.HasPrefix(strings.TrimSpace(c.src), "func") {
			continue
		}
		fset, f, prefix, err := parseChunk(c, 0)
		if err != nil {
			continue
		}
		for _, d := range f.Decls {
			fd, ok := d.(*ast.FuncDecl)
			if !ok || fd.Recv != nil || fd.Type.TypeParams != nil || fd.Body == nil || fd.Name.Name == "init" || fd.Name.Name == "_" {
				continue
			}
			funcs[fd.Name.Name] = &cellFunc{decl: fd, chunk: i, src: parsedChunk{fset: fset, src: c.src, prefix: prefix}}
			order = append(order, fd.Name.Name)
		}
	}
	if len(funcs) == 0 {
		return chunks
	}
	for _, fn := range funcs {
		fn.calls, fn.idOf = map[string]bool{}, map[*ast.CallExpr]string{}
		ast.Inspect(fn.decl.Body, func(n ast.Node) bool {
			call, ok := n.(*ast.CallExpr)
			if !ok {
				return true
			}
			id, ok := call.Fun.(*ast.Ident)
			if !ok || funcs[id.Name] == nil {
				return true
			}
			// Unresolved, or the chunk's own function: not a local that
			// shadows it.
			if _, isFunc := declOf(id).(*ast.FuncDecl); id.Obj == nil || isFunc {
				fn.calls[id.Name] = true
				fn.sites = append(fn.sites, call)
				fn.idOf[call] = id.Name
			}
			return true
		})
	}
	reaches := func(from, to string) bool {
		seen := map[string]bool{}
		stack := []string{from}
		for len(stack) > 0 {
			name := stack[len(stack)-1]
			stack = stack[:len(stack)-1]
			for callee := range funcs[name].calls {
				if callee == to {
					return true
				}
				if !seen[callee] {
					seen[callee] = true
					stack = append(stack, callee)
				}
			}
		}
		return false
	}
	out := append([]chunk(nil), chunks...)
	edits := map[int][]replacement{}
	for _, name := range order {
		fn := funcs[name]
		if !reaches(name, name) {
			continue
		}
		var through []string // the other functions of its cycle
		for _, other := range order {
			if other != name && reaches(name, other) && reaches(other, name) {
				through = append(through, other)
			}
		}
		inCycle := func(callee string) bool { return callee == name || slices.Contains(through, callee) }
		fe, ok := s.depthEdits(fn, chunks[fn.chunk], through, inCycle)
		if ok {
			edits[fn.chunk] = append(edits[fn.chunk], fe...)
		}
	}
	for i, e := range edits {
		out[i].src = applyReplacements(out[i].src, e, 0, len(out[i].src))
	}
	return out
}

// declOf returns the declaration an identifier resolves to in its chunk.
func declOf(id *ast.Ident) any {
	if id.Obj == nil {
		return nil
	}
	return id.Obj.Decl
}

// depthEdits returns the edits that turn fn into its twin and a wrapper
// of the original name, keeping its lines; not ok when its signature
// does not fit on the wrapper's one line.
func (s *Session) depthEdits(fn *cellFunc, c chunk, through []string, inCycle func(string) bool) ([]replacement, bool) {
	fd, src := fn.decl, fn.src
	off := func(p token.Pos) int { return src.fset.Position(p).Offset - src.prefix }
	text := func(n ast.Node) string { return src.src[off(n.Pos()):off(n.End())] }
	name := fd.Name.Name
	// The wrapper: func name(params) results { return twin(0, args) }.
	var params, args []string
	variadic := false
	for i, field := range fd.Type.Params.List {
		typ := text(field.Type)
		if strings.Contains(typ, "\n") {
			return nil, false
		}
		names := field.Names
		if len(names) == 0 {
			names = []*ast.Ident{ast.NewIdent("_")}
		}
		for j, id := range names {
			p := id.Name
			if p == "_" {
				p = fmt.Sprintf("_gsP%d_%d", i, j)
			}
			params = append(params, p+" "+typ)
			args = append(args, p)
		}
		_, variadic = field.Type.(*ast.Ellipsis)
	}
	if variadic {
		args[len(args)-1] += "..."
	}
	results := ""
	if fd.Type.Results != nil {
		results = " " + text(fd.Type.Results)
		if strings.Contains(results, "\n") {
			return nil, false
		}
	}
	call := twinName(name) + "(" + strings.Join(append([]string{"0"}, args...), ", ") + ")"
	if fd.Type.Results.NumFields() > 0 {
		call = "return " + call
	}
	wrapper := "; func " + name + "(" + strings.Join(params, ", ") + ")" + results + " { " + call + " }"

	// The twin: the function renamed, with the depth as first parameter,
	// a check of it, and the depth passed on to the calls of its cycle.
	what := name + " called itself"
	if len(through) > 0 {
		what += " (through " + strings.Join(through, ", ") + ")"
	}
	line := chunkLine(c, src.fset, fd.Pos())
	origin := fmt.Sprintf("%s, line %d", s.currentCell(), line)
	if s.currentCell() == "" {
		origin = fmt.Sprintf("line %d of the cell", line)
	}
	msg := fmt.Sprintf("stack overflow: %s more than %d deep (%s); "+
		"Go's stack would overflow, which no recover stops: "+
		"make the recursion end sooner, or turn it into a loop", what, maxCallDepth, origin)
	edits := []replacement{{off(fd.Name.Pos()), off(fd.Name.End()), twinName(name)}}
	open := off(fd.Type.Params.Opening) + 1
	if fd.Type.Params.NumFields() == 0 {
		edits = append(edits, insertion(open, depthVar+" int"))
	} else {
		edits = append(edits, insertion(open, depthVar+" int, "))
		for _, field := range fd.Type.Params.List {
			if len(field.Names) == 0 {
				edits = append(edits, insertion(off(field.Type.Pos()), "_ "))
			}
		}
	}
	// The check goes on the line of the first statement, where yaegi
	// places the frames of a panic that unwinds through the function.
	check := fmt.Sprintf("if %s > %d { _gosparklingSession.TooDeep(%s) }; ", depthVar, maxCallDepth, strconv.Quote(msg))
	if len(fd.Body.List) == 0 {
		edits = append(edits, insertion(off(fd.Body.Lbrace)+1, " "+check))
	} else {
		edits = append(edits, insertion(off(fd.Body.List[0].Pos()), check))
	}
	for _, site := range fn.sites {
		callee := fn.idOf[site]
		if !inCycle(callee) {
			continue
		}
		id := site.Fun.(*ast.Ident)
		edits = append(edits, replacement{off(id.Pos()), off(id.End()), twinName(callee)})
		arg := depthVar + "+1"
		if len(site.Args) > 0 {
			arg += ", "
		}
		edits = append(edits, insertion(off(site.Lparen)+1, arg))
	}
	edits = append(edits, insertion(off(fd.End()), wrapper))
	return edits, true
}

func insertion(at int, text string) replacement { return replacement{at, at, text} }
