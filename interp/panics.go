package interp

import (
	"errors"
	"fmt"
	"go/ast"
	"go/parser"
	"go/token"
	"os"
	"regexp"
	"strconv"
	"strings"

	"github.com/traefik/yaegi/interp"

	"github.com/gosparkling/gosparkling/rdd"
)

// Panics, in a cell or in a function passed to an RDD method, are
// reported as Go reports them and as ipykernel reports Python's
// exceptions: the panic value in Go's words, the cell and line, and the
// line of source under the message. The frames of the engine, of yaegi
// and of reflect are no help to the user: they go to the session's log
// (the kernel's standard error), or into the traceback when the
// environment variable GOSPARKLING_VERBOSE is 1 (a cell can set it with
// os.Setenv).

// VerboseEnv names the environment variable that, set to "1", shows the
// Go frames of a panic in the cell's traceback instead of the log.
const VerboseEnv = "GOSPARKLING_VERBOSE"

// verbose reports whether tracebacks show Go frames.
func verbose() bool { return os.Getenv(VerboseEnv) == "1" }

// ANSI colours of tracebacks, as ipykernel uses them.
const (
	ansiRed   = "\x1b[0;31m"
	ansiGreen = "\x1b[0;32m"
	ansiReset = "\x1b[0m"
)

// yaegiMessages map the messages of yaegi's (reflect's) panics to Go's
// run-time errors for the same faults. Go's messages also give the index
// and the length, which yaegi's do not know.
var yaegiMessages = []struct {
	pattern *regexp.Regexp
	goWords string
}{
	{regexp.MustCompile(`^reflect: (slice|string|array) index out of range$`), "runtime error: index out of range"},
	{regexp.MustCompile(`^reflect\.Value\.Slice3?: (string )?slice index out of bounds$`), "runtime error: slice bounds out of range"},
	{regexp.MustCompile(`^reflect: call of reflect\.Value\.\w+ on zero Value$`), "runtime error: invalid memory address or nil pointer dereference"},
	{regexp.MustCompile(`^reflect: call of reflect\.Value\.\w+ on ptr to nil`), "runtime error: invalid memory address or nil pointer dereference"},
}

// goPanicText returns the message of a panic value in Go's words.
func goPanicText(v any) string {
	msg, _ := goPanicLine(v)
	return msg
}

// positioned matches the messages to which yaegi adds the position of
// the failing expression ("2:7: interface conversion: ..."): the line is
// the cell's, as the session compiles cells line for line.
var positioned = regexp.MustCompile(`^(\d+):\d+: (interface conversion: .*)$`)

// goPanicLine returns the message of a panic value in Go's words and the
// line of the cell it names, or 0.
func goPanicLine(v any) (string, int) {
	msg := fmt.Sprint(v)
	if m := positioned.FindStringSubmatch(msg); m != nil {
		line, _ := strconv.Atoi(m[1])
		return m[2], line
	}
	for _, m := range yaegiMessages {
		if m.pattern.MatchString(msg) {
			return m.goWords, 0
		}
	}
	return msg, 0
}

// panicError makes the CellError of a panic out of the cell's program:
// p.Value is what the program panicked with, frames the interpreted
// frames yaegi printed (innermost first).
func (s *Session) panicError(p interp.Panic, frames []string) *CellError {
	if je, ok := p.Value.(*rdd.JobError); ok {
		return s.jobPanicError(je)
	}
	msg, line := goPanicLine(p.Value)
	tb := []string{ansiRed + "panic" + ansiReset + ": " + msg}
	cell := s.currentCell()
	fn := innermostFunc(frames)
	place := "Cell " + ansiGreen + cell
	if line == 0 {
		line, _ = locatePanic(msg, cellCandidates(s.cellSources[cell], fn))
	}
	if line == 0 && fn != "" && fn != "main" {
		// A function of an earlier cell: the last cell that declared it.
		for i := len(s.cellOrder) - 1; i >= 0 && line == 0; i-- {
			if nodes := cellCandidates(s.cellSources[s.cellOrder[i]], fn); len(nodes) > 0 {
				cell = s.cellOrder[i]
				line, _ = locatePanic(msg, nodes)
				place = "Cell " + ansiGreen + cell
				break
			}
		}
	}
	if line > 0 {
		tb = append(tb, place+", line "+strconv.Itoa(line)+ansiReset+inFunc(fn))
		tb = append(tb, s.sourceLine(cell, line)...)
	} else {
		tb = append(tb, place+ansiReset+inFunc(fn))
	}
	tb = append(tb, s.goFrames("panic in "+cell+": "+msg, append(frames, string(p.Stack)))...)
	return &CellError{Name: "panic", Value: msg, Traceback: tb}
}

// inFunc names the function of a cell a panic happened in, when not the
// cell's statements.
func inFunc(fn string) string {
	if fn == "" || fn == "main" {
		return ""
	}
	return ", in " + strings.TrimPrefix(fn, "main.")
}

// yaegiFrame matches a frame yaegi prints as a panic unwinds it, after
// cellWriter made its position a line: "line 3: panic: main.f(...)".
var yaegiFrame = regexp.MustCompile(`panic: (\S+)\(\.\.\.\)`)

// innermostFunc returns the name of the function of the first frame
// ("main", "main.f"), or "".
func innermostFunc(frames []string) string {
	for _, f := range frames {
		if m := yaegiFrame.FindStringSubmatch(f); m != nil {
			return m[1]
		}
	}
	return ""
}

// jobPanicError makes the CellError of a failed job. A panic in a user
// function is reported as a panic, with the function's cell and line,
// the method it was passed to and the element it failed on.
func (s *Session) jobPanicError(je *rdd.JobError) *CellError {
	var up *rdd.UserPanicError
	if !errors.As(je, &up) || up.Method == "" {
		tb := []string{ansiRed + "JobError" + ansiReset + ": " + je.Error()}
		if up != nil {
			tb = append(tb, s.goFrames("job failed: "+je.Error(), []string{up.Stack})...)
		}
		tb = append(tb, "", "RDD lineage:", je.Lineage)
		return &CellError{Name: "JobError", Value: je.Error(), Traceback: tb}
	}
	msg, msgLine := goPanicLine(up.Value)
	tb := []string{ansiRed + "panic" + ansiReset + ": " + msg}
	where := "in the function passed to " + up.Method
	site, cell := s.failedSite(up.Method, je.Lineage)
	switch {
	case site != nil:
		siteCell, siteLine := splitOrigin(site.origin)
		line := siteLine
		if l, ok := locatePanic(msg, exprCandidates(site.expr, siteLine)); ok {
			line = l
		}
		if msgLine >= siteLine && msgLine < siteLine+strings.Count(site.expr, "\n")+1 {
			line = msgLine
		}
		tb = append(tb, "Cell "+ansiGreen+siteCell+", line "+strconv.Itoa(line)+ansiReset+", "+where+", on element "+up.Element)
		tb = append(tb, s.sourceLine(siteCell, line)...)
	case cell != "":
		tb = append(tb, "Cell "+ansiGreen+cell+ansiReset+", "+where+", on element "+up.Element)
	default:
		tb = append(tb, strings.ToUpper(where[:1])+where[1:]+", on element "+up.Element)
	}
	if je.Partition >= 0 {
		tb = append(tb, fmt.Sprintf("(partition %d of the job)", je.Partition))
	}
	tb = append(tb, s.goFrames(fmt.Sprintf("panic in the function passed to %s on element %s: %s", up.Method, up.Element, msg), []string{up.Stack})...)
	tb = append(tb, "", "RDD lineage:", je.Lineage)
	return &CellError{Name: "panic", Value: msg, Traceback: tb}
}

// lineageStep matches a line of an RDD's lineage: "MapPartitionsRDD[1] at
// Map at In [3]".
var lineageStep = regexp.MustCompile(`\[\d+\] at (\w+) at (.+?)(?: \[[^\]]*\])?$`)

// failedSite returns the function argument of method that a failed job
// ran: the one the session's rewrite recorded for that method in the
// cells that the job's lineage names. It returns the cell alone when
// several functions could be the one, and neither when none is known.
func (s *Session) failedSite(method, lineage string) (*shipSite, string) {
	cells := map[string]bool{}
	var cell string
	for _, l := range strings.Split(lineage, "\n") {
		if m := lineageStep.FindStringSubmatch(strings.TrimSpace(l)); m != nil && m[1] == method && s.isCell(m[2]) {
			cells[m[2]] = true
			cell = m[2]
		}
	}
	if len(cells) != 1 {
		return nil, ""
	}
	var found *shipSite
	for _, site := range s.shipSites {
		if siteCell, _ := splitOrigin(site.origin); site.method == method && cells[siteCell] {
			if found != nil && found.origin != site.origin {
				return nil, cell
			}
			found = site
		}
	}
	return found, cell
}

// isCell reports whether name is the name of a cell the session ran.
func (s *Session) isCell(name string) bool {
	_, ok := s.cellSources[name]
	return ok
}

// splitOrigin splits a ship site's origin, "In [3], line 2", into the
// cell and the line.
func splitOrigin(origin string) (cell string, line int) {
	i := strings.LastIndex(origin, ", line ")
	if i < 0 {
		return origin, 0
	}
	line, _ = strconv.Atoi(origin[i+len(", line "):])
	return origin[:i], line
}

// sourceLine returns the line of a cell's source with an arrow, as
// ipykernel shows the line of an exception, or nothing when the cell's
// source is not known.
func (s *Session) sourceLine(cell string, line int) []string {
	lines := strings.Split(s.cellSources[cell], "\n")
	if line < 1 || line > len(lines) || strings.TrimSpace(lines[line-1]) == "" {
		return nil
	}
	return []string{fmt.Sprintf("%s----> %d%s %s", ansiGreen, line, ansiReset, strings.TrimRight(lines[line-1], " \t\r"))}
}

// goFrames returns the Go frames of a panic for the traceback when
// verbose, and otherwise writes them, under what, to the session's log,
// returning nothing.
func (s *Session) goFrames(what string, frames []string) []string {
	var text []string
	for _, f := range frames {
		if f = strings.TrimRight(f, "\n"); f != "" {
			text = append(text, f)
		}
	}
	if len(text) == 0 {
		return nil
	}
	if verbose() {
		return append([]string{"", "Go frames (" + VerboseEnv + "=1):"}, text...)
	}
	fmt.Fprintf(s.log, "gosparkling: %s\n%s\n", what, strings.Join(text, "\n"))
	return nil
}

// candidate is a node of a cell's source where a panic may have happened,
// at its line in the cell.
type candidate struct {
	node ast.Node
	line int
}

// exprCandidates returns the nodes of a function literal's source that
// starts at line of its cell.
func exprCandidates(src string, line int) []candidate {
	fset := token.NewFileSet()
	expr, err := parser.ParseExprFrom(fset, "", src, 0)
	if err != nil {
		return nil
	}
	return nodesOf(expr, func(p token.Pos) int { return line + fset.Position(p).Line - 1 })
}

// cellCandidates returns the nodes of a cell's source where the panic of
// function fn (a yaegi frame name: "main" for the cell's statements,
// "main.f" for its function f) may have happened.
func cellCandidates(code, fn string) []candidate {
	chunks, err := splitCell(code)
	if err != nil {
		return nil
	}
	name := strings.TrimPrefix(fn, "main.")
	var out []candidate
	for _, c := range chunks {
		if c.kind != stmtChunk && c.kind != declChunk {
			continue
		}
		fset, f, _, err := parseChunk(c, 0)
		if err != nil {
			continue
		}
		head := 1
		if c.kind == stmtChunk {
			head = 2
		}
		lineOf := func(p token.Pos) int { return c.line + fset.Position(p).Line - 1 - head }
		for _, d := range f.Decls {
			fd, isFunc := d.(*ast.FuncDecl)
			switch {
			case fn == "main" && c.kind == stmtChunk, fn == "" && c.kind == stmtChunk:
				out = append(out, nodesOf(d, lineOf)...)
			case fn != "main" && isFunc && fd.Name.Name == name:
				out = append(out, nodesOf(d, lineOf)...)
			}
		}
	}
	return out
}

// nodesOf returns every node under root with its line.
func nodesOf(root ast.Node, lineOf func(token.Pos) int) []candidate {
	var out []candidate
	ast.Inspect(root, func(n ast.Node) bool {
		if n != nil {
			out = append(out, candidate{n, lineOf(n.Pos())})
		}
		return true
	})
	return out
}

// locatePanic returns the line where a panic with message msg happened,
// when exactly one line of the candidates can fail that way: an index
// expression for an index out of range, a division for a division by
// zero, a call of panic for any other value. yaegi does not tell the
// line of a panic, only of the function it unwinds.
func locatePanic(msg string, nodes []candidate) (int, bool) {
	mayFail := faultOf(msg, nodes)
	lines := map[int]bool{}
	for _, c := range nodes {
		if mayFail(c.node) {
			lines[c.line] = true
		}
	}
	if len(lines) != 1 {
		return 0, false
	}
	for line := range lines {
		return line, true
	}
	return 0, false
}

// faultOf returns the test of the nodes that can panic with msg.
func faultOf(msg string, nodes []candidate) func(ast.Node) bool {
	switch {
	case strings.Contains(msg, "index out of range"):
		return func(n ast.Node) bool { _, ok := n.(*ast.IndexExpr); return ok }
	case strings.Contains(msg, "slice bounds out of range"):
		return func(n ast.Node) bool { _, ok := n.(*ast.SliceExpr); return ok }
	case strings.Contains(msg, "divide by zero"):
		return func(n ast.Node) bool {
			switch x := n.(type) {
			case *ast.BinaryExpr:
				return x.Op == token.QUO || x.Op == token.REM
			case *ast.AssignStmt:
				return x.Tok == token.QUO_ASSIGN || x.Tok == token.REM_ASSIGN
			}
			return false
		}
	case strings.Contains(msg, "assignment to entry in nil map"):
		lhs := map[ast.Node]bool{}
		for _, c := range nodes {
			switch x := c.node.(type) {
			case *ast.AssignStmt:
				for _, e := range x.Lhs {
					lhs[e] = true
				}
			case *ast.IncDecStmt:
				lhs[x.X] = true
			}
		}
		return func(n ast.Node) bool { _, ok := n.(*ast.IndexExpr); return ok && lhs[n] }
	case strings.HasPrefix(msg, "close of "):
		return func(n ast.Node) bool { return isCallOf(n, "close") }
	case strings.HasPrefix(msg, "interface conversion"):
		return func(n ast.Node) bool { x, ok := n.(*ast.TypeAssertExpr); return ok && x.Type != nil }
	case strings.HasPrefix(msg, "runtime error:"):
		return func(ast.Node) bool { return false }
	}
	return func(n ast.Node) bool { return isCallOf(n, "panic") }
}

// isCallOf reports whether n is a call of the built-in name.
func isCallOf(n ast.Node, name string) bool {
	call, ok := n.(*ast.CallExpr)
	if !ok {
		return false
	}
	id, ok := call.Fun.(*ast.Ident)
	return ok && id.Name == name
}

// colorTraceback gives a traceback without colours the look of
// ipykernel's: the error's name in red, and the line of the cell it
// names, if any, under it with an arrow.
func (s *Session) colorTraceback(ce *CellError) {
	for _, l := range ce.Traceback {
		if strings.Contains(l, "\x1b[") {
			return
		}
	}
	head := ansiRed + ce.Name + ansiReset + ": " + ce.Value
	tb := ce.Traceback
	if len(tb) > 0 && (tb[0] == ce.Value || tb[0] == ce.Name+": "+ce.Value) {
		tb = tb[1:]
	}
	out := []string{head}
	if m := messageLine.FindStringSubmatch(ce.Value); m != nil {
		line, _ := strconv.Atoi(m[1])
		out = append(out, s.sourceLine(s.currentCell(), line)...)
	}
	ce.Traceback = append(out, tb...)
}

// messageLine matches the line a compiler's message starts with.
var messageLine = regexp.MustCompile(`^line (\d+)\b`)
