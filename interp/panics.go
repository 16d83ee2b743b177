package interp

import (
	"errors"
	"fmt"
	"go/ast"
	"go/parser"
	"go/token"
	"os"
	"regexp"
	"slices"
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
		return goConversionText(m[2]), line
	}
	for _, m := range yaegiMessages {
		if m.pattern.MatchString(msg) {
			return m.goWords, 0
		}
	}
	return goConversionText(msg), 0
}

// noMissingMethod matches yaegi's message of a failed assertion of a
// compiled interface value to a type that is not an interface: yaegi
// words it as a missing method, and names none.
var noMissingMethod = regexp.MustCompile(`^interface conversion: (.+) is not (.+): missing method $`)

// goConversionText returns yaegi's message of a failed type assertion in
// Go's words: "interface conversion: interface {} is string, not int" for
// an assertion to a type, "interface conversion: T is not I: missing
// method M" for one to an interface. The assertion's static type is not
// known to the message; it is interface {}, the type of the values of
// RDDs and of most assertions.
func goConversionText(msg string) string {
	if m := noMissingMethod.FindStringSubmatch(msg); m != nil {
		return "interface conversion: interface {} is " + m[1] + ", not " + m[2]
	}
	return msg
}

// panicError makes the CellError of a panic out of the cell's program:
// p.Value is what the program panicked with, frames the interpreted
// frames yaegi printed (innermost first).
func (s *Session) panicError(p interp.Panic, frames []string) *CellError {
	if je, ok := p.Value.(*rdd.JobError); ok {
		return s.jobPanicError(je)
	}
	if up, ok := p.Value.(*rdd.UserPanicError); ok && up.Method != "" {
		// A function an action calls on the driver (Reduce's merge of
		// the partitions' results): no job, no lineage.
		return s.userPanicError(up, nil)
	}
	msg, line := goPanicLine(p.Value)
	tb := []string{ansiRed + "panic" + ansiReset + ": " + msg}
	running := s.currentCell()
	cell := running
	fn := enclosingFunc(innermostFunc(frames))
	if line == 0 {
		line, _ = s.locatePanic(msg, cellCandidates(s.cellSources[cell], fn))
	}
	if line == 0 && fn != "" && fn != "main" {
		// A function of an earlier cell: the last cell that declared it.
		for i := len(s.cellOrder) - 1; i >= 0 && line == 0; i-- {
			if nodes := cellCandidates(s.cellSources[s.cellOrder[i]], fn); len(nodes) > 0 {
				cell = s.cellOrder[i]
				line, _ = s.locatePanic(msg, nodes)
				break
			}
		}
	}
	tb = append(tb, s.placeLines("", cell, line, inFunc(fn))...)
	if fn != "" && fn != "main" {
		// The line of the running cell that called the function, when
		// one line alone calls it.
		name := fn[strings.LastIndex(fn, ".")+1:]
		calls := func(n ast.Node) bool { return isCallOfName(n, name) }
		if l, ok := locateNodes(cellCandidates(s.cellSources[running], "main"), calls); ok {
			tb = append(tb, s.placeLines("called from ", running, l, "")...)
		}
	}
	tb = append(tb, s.goFrames("panic in "+cell+": "+msg, append(frames, string(p.Stack)))...)
	return &CellError{Name: "panic", Value: msg, Traceback: tb}
}

// placeLines returns the line of a traceback that names a place of a
// cell, "Cell In [3], line 2" after prefix and before suffix, and the
// line of source with an arrow; the cell alone when line is 0.
func (s *Session) placeLines(prefix, cell string, line int, suffix string) []string {
	if line <= 0 {
		return []string{prefix + "Cell " + ansiGreen + cell + ansiReset + suffix}
	}
	return append([]string{prefix + "Cell " + ansiGreen + cell + ", line " + strconv.Itoa(line) + ansiReset + suffix},
		s.sourceLine(cell, line)...)
}

// enclosingFunc returns the function declared in a cell that a frame's
// function is, or is a function literal of: "main.f" for "main.f.func",
// "main" (the cell's statements) for "main.func.func".
func enclosingFunc(fn string) string {
	for strings.HasSuffix(fn, ".func") {
		fn = strings.TrimSuffix(fn, ".func")
	}
	return fn
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
// the method it was passed to and the element it failed on; an rdd
// method's refusal of its arguments with the line of the cell that
// called it.
func (s *Session) jobPanicError(je *rdd.JobError) *CellError {
	var up *rdd.UserPanicError
	if !errors.As(je, &up) || up.Method == "" {
		tb := []string{ansiRed + "JobError" + ansiReset + ": " + je.Error()}
		if rddMessage.MatchString(je.Message) {
			cell := s.currentCell()
			if line, ok := s.locatePanic(je.Message, cellCandidates(s.cellSources[cell], "main")); ok {
				tb = append(tb, s.placeLines("", cell, line, "")...)
			}
		}
		if up != nil {
			tb = append(tb, s.goFrames("job failed: "+je.Error(), []string{up.Stack})...)
		}
		tb = append(tb, "", "RDD lineage:", je.Lineage)
		return &CellError{Name: "JobError", Value: je.Error(), Traceback: tb}
	}
	return s.userPanicError(up, je)
}

// userPanicError makes the CellError of a panic in the function passed to
// up.Method, in the job je failed or, when je is nil, in the action's
// own work on the driver.
func (s *Session) userPanicError(up *rdd.UserPanicError, je *rdd.JobError) *CellError {
	msg, msgLine := goPanicLine(up.Value)
	tb := []string{ansiRed + "panic" + ansiReset + ": " + msg}
	where := "in the function passed to " + up.Method + ", on element " + up.Element
	lineage := ""
	if je != nil {
		lineage = je.Lineage
	}
	site, cell := s.failedSite(up.Method, lineage, msg, msgLine)
	switch {
	case site != nil:
		siteCell, line := s.siteLine(site, msg, msgLine)
		tb = append(tb, s.placeLines("", siteCell, line, ", "+where)...)
	case cell != "":
		tb = append(tb, s.placeLines("", cell, 0, ", "+where)...)
	default:
		tb = append(tb, strings.ToUpper(where[:1])+where[1:])
	}
	if je != nil && je.Partition >= 0 {
		tb = append(tb, fmt.Sprintf("(partition %d of the job)", je.Partition))
	}
	tb = append(tb, s.goFrames(fmt.Sprintf("panic in the function passed to %s on element %s: %s", up.Method, up.Element, msg), []string{up.Stack})...)
	if je != nil {
		tb = append(tb, "", "RDD lineage:", je.Lineage)
	}
	return &CellError{Name: "panic", Value: msg, Traceback: tb}
}

// siteLine returns the cell and the line of a function argument where a
// panic with msg happened: the line that alone can fail that way, or the
// line that the message names (msgLine, 0 for none), or the first.
func (s *Session) siteLine(site *shipSite, msg string, msgLine int) (string, int) {
	cell, first := splitOrigin(site.origin)
	line, ok := s.locatePanic(msg, exprCandidates(site.expr, first))
	if !ok {
		line = first
	}
	if site.spans(msgLine) {
		line = msgLine
	}
	return cell, line
}

// spans reports whether line is one of the lines of the site's function.
func (site *shipSite) spans(line int) bool {
	_, first := splitOrigin(site.origin)
	return line >= first && line < first+strings.Count(site.expr, "\n")+1
}

// lineageStep matches a line of an RDD's lineage: "MapPartitionsRDD[1] at
// Map at In [3]".
var lineageStep = regexp.MustCompile(`\[\d+\] at (\w+) at (.+?)(?: \[[^\]]*\])?$`)

// failedSite returns the function argument of method that panicked with
// msg (msgLine is the line the message names, or 0): for a
// transformation, the one the session's rewrite recorded for that method
// in the cells that the job's lineage names; for an action, which no
// lineage names, the one passed to it in the running cell. When several
// functions could be the one, it is the one the panic's line confirms
// (it alone of them can fail that way, or the message names its line);
// else failedSite returns the cell alone, and neither when none is known.
func (s *Session) failedSite(method, lineage, msg string, msgLine int) (*shipSite, string) {
	cells := map[string]bool{}
	for _, l := range strings.Split(lineage, "\n") {
		if m := lineageStep.FindStringSubmatch(strings.TrimSpace(l)); m != nil && m[1] == method && s.isCell(m[2]) {
			cells[m[2]] = true
		}
	}
	fromLineage := len(cells) > 0
	if !fromLineage {
		if m, _ := rdd.MethodOf(method); m.Kind == rdd.KindAction && len(m.FuncArgs) > 0 {
			cells[s.currentCell()] = true
		}
	}
	if len(cells) != 1 {
		return nil, ""
	}
	var cell string
	for c := range cells {
		cell = c
	}
	var sites []*shipSite
	for _, site := range s.shipSites {
		if siteCell, _ := splitOrigin(site.origin); site.method == method && cells[siteCell] &&
			!slices.ContainsFunc(sites, func(o *shipSite) bool { return o.origin == site.origin }) {
			sites = append(sites, site)
		}
	}
	if len(sites) == 1 {
		return sites[0], cell
	}
	var confirmed []*shipSite
	for _, site := range sites {
		_, first := splitOrigin(site.origin)
		if _, ok := s.locatePanic(msg, exprCandidates(site.expr, first)); ok || site.spans(msgLine) {
			confirmed = append(confirmed, site)
		}
	}
	if len(confirmed) == 1 {
		return confirmed[0], cell
	}
	if len(sites) == 0 && !fromLineage {
		return nil, "" // an action called by a function of another cell
	}
	return nil, cell
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
// zero, a selector or a star for a nil pointer, the call of the method an
// rdd error names, a call of panic for any other value. yaegi does not
// tell the line of a panic, only of the function it unwinds.
func (s *Session) locatePanic(msg string, nodes []candidate) (int, bool) {
	return locateNodes(nodes, faultOf(msg, nodes, s.isPackageName))
}

// isPackageName reports whether name, in a cell, names a package.
func (s *Session) isPackageName(name string) bool {
	_, ok := s.packages[name]
	return ok && !s.globals[name]
}

// locateNodes returns the line of the candidates for which mayFail is
// true, when they are all on one line.
func locateNodes(nodes []candidate, mayFail func(ast.Node) bool) (int, bool) {
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
func faultOf(msg string, nodes []candidate, isPackage func(string) bool) func(ast.Node) bool {
	if m := rddMessage.FindStringSubmatch(msg); m != nil {
		return func(n ast.Node) bool { return isMethodCall(n, m[1]) }
	}
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
	case strings.Contains(msg, "nil pointer dereference"):
		inTypes := typeExprNodes(nodes)
		return func(n ast.Node) bool {
			if inTypes[n] {
				return false
			}
			switch x := n.(type) {
			case *ast.StarExpr:
				return true
			case *ast.SelectorExpr:
				id, ok := x.X.(*ast.Ident)
				return !ok || !isPackage(id.Name)
			}
			return false
		}
	case strings.HasPrefix(msg, "runtime error:"):
		return func(ast.Node) bool { return false }
	}
	return func(n ast.Node) bool { return isCallOf(n, "panic") }
}

// rddMessage matches the message of a panic of an rdd method called
// with arguments it cannot take: "rdd.TakeSample: ...".
var rddMessage = regexp.MustCompile(`^(?:job failed: )?rdd\.(\w+): `)

// isMethodCall reports whether n calls a method (or a package's function)
// named name.
func isMethodCall(n ast.Node, name string) bool {
	call, ok := n.(*ast.CallExpr)
	if !ok {
		return false
	}
	sel, ok := call.Fun.(*ast.SelectorExpr)
	return ok && sel.Sel.Name == name
}

// isCallOfName reports whether n calls a function or a method named name.
func isCallOfName(n ast.Node, name string) bool {
	return isCallOf(n, name) || isMethodCall(n, name)
}

// typeExprNodes returns the nodes of the candidates that are in types
// (a variable's, a parameter's, a composite literal's, a conversion's),
// where a star or a selector dereferences nothing.
func typeExprNodes(nodes []candidate) map[ast.Node]bool {
	in := map[ast.Node]bool{}
	mark := func(t ast.Node) {
		if t == nil || in[t] {
			return
		}
		ast.Inspect(t, func(n ast.Node) bool {
			if n != nil {
				in[n] = true
			}
			return true
		})
	}
	for _, c := range nodes {
		switch x := c.node.(type) {
		case *ast.ValueSpec:
			if x.Type != nil {
				mark(x.Type)
			}
		case *ast.Field:
			mark(x.Type)
		case *ast.TypeSpec:
			mark(x.Type)
		case *ast.CompositeLit:
			if x.Type != nil {
				mark(x.Type)
			}
		case *ast.TypeAssertExpr:
			if x.Type != nil {
				mark(x.Type)
			}
		case *ast.ArrayType, *ast.MapType, *ast.ChanType, *ast.FuncType, *ast.StructType, *ast.InterfaceType:
			mark(x)
		case *ast.CallExpr:
			if p, ok := x.Fun.(*ast.ParenExpr); ok {
				mark(p.X) // a conversion (*T)(v)
			}
		}
	}
	return in
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
