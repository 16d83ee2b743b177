package interp

import (
	"fmt"
	"go/ast"
	"go/parser"
	"go/scanner"
	"go/token"
	"path"
	"reflect"
	"regexp"
	"strings"

	"github.com/traefik/yaegi/stdlib"

	"github.com/gosparkling/gosparkling/interp/symbols"
)

// yaegi's compile errors speak of its own workings: types by its
// categories (intT, valueT), an empty expression where the value is not
// a name, GOPATH when a package is missing. The session translates them
// into what Go's compiler would say, in the cell's terms: types as Go
// spells them, the expression in question, the cell's line.

// errorContext is what a translation may look at: the cell's source and
// the session's names.
type errorContext struct {
	lines    []string // the cell's lines
	compiled []string // the lines of the source yaegi compiled, rewritten
	line     int      // 1-based line of the error, 0 when unknown
	col      int      // column yaegi reported, 0 when unknown
	s        *Session
}

// messageRule rewrites the messages its pattern matches.
type messageRule struct {
	pattern   *regexp.Regexp
	translate func(m []string, ec *errorContext) string
}

// notInCells is the end of the message for a third-party package whose
// import failed.
const notInCells = "did not import: the error of the cell that imported it says why and what to do"

// messageRules are the translations, tried in order; the first that
// matches applies.
var messageRules = []messageRule{
	{regexp.MustCompile(`^cannot use (.*?) \(type (\w+)\) as type (\w+) in return argument$`),
		func(m []string, ec *errorContext) string {
			expr := m[1]
			if expr == "" {
				expr = ec.expressionAt()
			}
			if _, constant := constantExpr(expr); constant {
				return "cannot use " + ec.s.describeOperand(expr) + " as " + categoryName(m[3]) + " value in return statement"
			}
			typ := categoryName(m[2])
			if typ == "" {
				typ = ec.s.typeOfExpr(expr)
			}
			return "cannot use " + describeValue(expr, typ) + " as " + categoryName(m[3]) + " value in return statement"
		}},
	{regexp.MustCompile(`^cannot use type (.+?) as type (.+?)(?: in (.+))?$`),
		func(m []string, ec *errorContext) string {
			msg := "cannot use " + describeValue(ec.expressionAt(), typeName(m[1])) + " as " + typeName(m[2]) + " value"
			if use := ec.useAt(); use != "" {
				msg += " in " + use
			} else if m[3] != "" {
				msg += " in " + m[3]
			}
			return msg
		}},
	{regexp.MustCompile(`^(\S+) (truncated to|overflows) (\w+)$`),
		func(m []string, ec *errorContext) string {
			if msg := ec.misusedValue(m[1], m[3], " ("+strings.Fields(m[2])[0]+")"); msg != "" {
				return msg
			}
			return goConstant(m[1]) + " " + m[2] + " " + m[3]
		}},
	{regexp.MustCompile(`^cannot convert expression of type (.+) to type (.+)$`),
		func(m []string, ec *errorContext) string {
			if expr := ec.expressionAt(); expr != "" {
				return "cannot convert " + ec.s.describeOperand(expr) + " to type " + typeName(m[2])
			}
			return "cannot convert a value of type " + spelledCategory(m[1]) + " to type " + typeName(m[2])
		}},
	{regexp.MustCompile(`^cannot convert ((?:untyped \w+)|[^ ]+|"(?:[^"\\]|\\.)*") to (\S+)$`),
		func(m []string, ec *errorContext) string {
			constant := m[1]
			if strings.HasPrefix(constant, "untyped ") {
				constant = ""
			}
			if msg := ec.misusedValue(constant, m[2], ""); msg != "" {
				return msg
			}
			return "cannot convert " + goConstant(m[1]) + " to " + typeName(m[2])
		}},
	{regexp.MustCompile(`^import "([^"]+)" error: unable to find source related to: .*$`),
		func(m []string, _ *errorContext) string { return unavailablePackage(m[1]) }},
	{regexp.MustCompile(`^package (\w+) "[^"]+" has no symbol (\w+)$`),
		func(m []string, _ *errorContext) string { return "undefined: " + m[1] + "." + m[2] }},
	{regexp.MustCompile(`^undefined selector:? (\w+)\.(\w+)$`),
		func(m []string, _ *errorContext) string { return "undefined: " + m[1] + "." + m[2] }},
	{regexp.MustCompile(`^undefined (?:selector|method):? (\w+)$`),
		func(m []string, ec *errorContext) string {
			recv := ec.receiverOf(m[1])
			if recv == "" {
				return "undefined field or method " + m[1]
			}
			if typ := ec.s.typeOfExpr(recv); typ != "" {
				return recv + "." + m[1] + " undefined (type " + typ + " has no field or method " + m[1] + ")"
			}
			return recv + "." + m[1] + " undefined (no field or method " + m[1] + ")"
		}},
	{regexp.MustCompile(`^the interpreter cannot compile this cell: nil reflect type$`),
		func([]string, *errorContext) string {
			return "the interpreter cannot tell the type of a generic function's result at the top level of a cell: " +
				"declare the variable with its type first (var x int; x = f(...)), or convert the call (x := int(min(n(), 2)))"
		}},
	{regexp.MustCompile(`^the interpreter cannot compile this cell: (?:\d+:\d+: )?CFG (?:pre|post)-order panic: (.*)$`),
		func(m []string, _ *errorContext) string {
			return "the interpreter failed to compile this cell, often the sign of a call whose arguments have the wrong types (yaegi: " + m[1] + ")"
		}},
	{regexp.MustCompile(`^(.+) does not implement (?:main\.)?_cmpOrdered$`),
		func(m []string, ec *errorContext) string {
			typ := typeName(m[1])
			msg := typ + " does not satisfy cmp.Ordered"
			if !strings.HasPrefix(typ, "untyped ") {
				msg += " (" + typ + " missing in " + cmpOrderedTypes + ")"
			}
			if line := ec.genericCallLine(typ); line > 0 {
				msg = fmt.Sprintf("line %d: %s", line, msg)
			}
			return msg
		}},
	{regexp.MustCompile(`^(too many arguments|not enough arguments)(?: in call to)? ?(\S*)$`),
		func(m []string, ec *errorContext) string {
			return m[1] + " in call to " + ec.calleeAt(m[2])
		}},
	{regexp.MustCompile(`^(?:variable|constant) definition loop$`),
		func([]string, *errorContext) string {
			return "the interpreter cannot initialize this declaration (a generic function's result, or a declaration that refers to itself): define the variable with := instead"
		}},
	{regexp.MustCompile(`^unsupported assign expression$`),
		func([]string, *errorContext) string {
			return "assignment mismatch: the right side must have one value for each variable, or be a single call that returns them"
		}},
	{regexp.MustCompile(`^invalid operation: mismatched types (.+) and (.+)$`),
		func(m []string, ec *errorContext) string {
			types := "mismatched types " + spelledCategory(m[1]) + " and " + spelledCategory(m[2])
			if expr := ec.expressionAt(); expr != "" {
				return "invalid operation: " + expr + " (" + types + ")"
			}
			return "invalid operation: " + types
		}},
	{regexp.MustCompile(`^non-bool used as (if|for) condition$`),
		func(m []string, _ *errorContext) string { return "non-boolean condition in " + m[1] + " statement" }},
	{regexp.MustCompile(`^too many arguments to return$`),
		func([]string, *errorContext) string { return "too many return values" }},
	{regexp.MustCompile(`^not enough arguments to return$`),
		func([]string, *errorContext) string { return "not enough return values" }},
	{regexp.MustCompile(`^(?:undefined type for|type not found:) (\S+)$`),
		func(m []string, _ *errorContext) string { return "undefined: " + typeName(m[1]) }},
	{regexp.MustCompile(`^(?:missing support for type|unsupported builtin) (.+)$`),
		func(m []string, _ *errorContext) string {
			return "the interpreter (yaegi v0.16.1) does not support " + typeName(m[1]) + "; a %%compile cell can use it"
		}},
	{regexp.MustCompile(`^use of builtin (\w+) not in function call$`),
		func(m []string, _ *errorContext) string { return m[1] + " (built-in function) must be called" }},
}

// yaegiCategory matches the names of yaegi's type categories.
var yaegiCategory = regexp.MustCompile(`\b(nil|array|bool|builtin|chan|comparable|complex64|complex128|error|float32|float64|func|generic|interface|int|int8|int16|int32|int64|map|ptr|slice|string|struct|uint|uint8|uint16|uint32|uint64|uintptr|value|variadic)T\b`)

// categoryNames spell yaegi's type categories that are not Go's basic
// types; "" where the category does not tell the type (a compiled type).
var categoryNames = map[string]string{
	"nil": "untyped nil", "array": "array", "builtin": "built-in function", "chan": "channel", "comparable": "comparable",
	"func": "func", "generic": "type parameter", "interface": "interface", "map": "map", "ptr": "pointer",
	"slice": "slice", "struct": "struct", "value": "", "variadic": "variadic parameter",
}

// categoryName spells a yaegi type category ("intT") as Go does ("int").
func categoryName(cat string) string {
	m := yaegiCategory.FindStringSubmatch(cat)
	if m == nil || m[0] != cat {
		return typeName(cat)
	}
	if name, ok := categoryNames[m[1]]; ok {
		return name
	}
	return m[1]
}

// typeName spells a type of a yaegi message as Go does: the cell's
// package has no name ("main.point" is "point"), and the preamble's
// constraint is cmp.Ordered.
func typeName(t string) string {
	return strings.ReplaceAll(strings.ReplaceAll(t, "main.", ""), orderedConstraint, "cmp.Ordered")
}

// describeValue names a value in a message: its expression and type, as
// Go's compiler does ("x (value of type string)").
func describeValue(expr, typ string) string {
	switch {
	case expr != "" && typ != "":
		return expr + " (value of type " + typ + ")"
	case expr != "":
		return expr
	case typ != "":
		return "a value of type " + typ
	}
	return "the value"
}

// inPreamble reports whether a yaegi message's position is in the
// session's preamble, not in the cell: yaegi places an error of a
// generic function's instance at the generic declaration.
func inPreamble(msg string) bool { return strings.Contains(msg, orderedConstraint) }

// translateCompileError rewrites a yaegi compile error, whose position
// prefix ("3:14: ") is already cut off and given as line and col, of the
// source compiled.
func (s *Session) translateCompileError(msg string, line, col int, compiled string) string {
	ec := &errorContext{lines: strings.Split(s.cellSource, "\n"), compiled: strings.Split(compiled, "\n"), line: line, col: col, s: s}
	if argumentCountMessage.MatchString(msg) {
		if count := ec.argumentCountError(); count != "" {
			return count
		}
	}
	for _, r := range messageRules {
		if m := r.pattern.FindStringSubmatch(msg); m != nil {
			return r.translate(m, ec)
		}
	}
	return goFractions(typeName(yaegiCategory.ReplaceAllStringFunc(msg, spelledCategory)))
}

// argumentCountMessage matches the messages yaegi gives for a call with
// too many or too few arguments: a method's extra argument is converted
// to its receiver's type.
var argumentCountMessage = regexp.MustCompile(`^(?:too many arguments|not enough arguments in call to|cannot convert|cannot use)`)

// cmpOrderedTypes are the types of cmp.Ordered, as Go's compiler lists them.
const cmpOrderedTypes = "~int | ~int8 | ~int16 | ~int32 | ~int64 | ~uint | ~uint8 | ~uint16 | ~uint32 | ~uint64 | ~uintptr | ~float32 | ~float64 | ~string"

// genericCallLine returns the line of the cell that calls a function of
// the preamble with a type not in its constraint, typ, or 0: yaegi places
// the error in the preamble. It is the line of such a call that names
// typ, else the only line with such a call.
func (ec *errorContext) genericCallLine(typ string) int {
	var calls []int
	named := 0
	for i, line := range ec.lines {
		if !orderedCall.MatchString(line) {
			continue
		}
		calls = append(calls, i+1)
		if named == 0 && regexp.MustCompile(`\b`+regexp.QuoteMeta(typ)+`\b`).MatchString(line) {
			named = i + 1
		}
	}
	switch {
	case named > 0:
		return named
	case len(calls) == 1:
		return calls[0]
	}
	return 0
}

// orderedCall matches a call of a function whose type parameter is
// constrained by cmp.Ordered.
var orderedCall = regexp.MustCompile(`\b(?:slices\.(?:Sort|IsSorted|Max|Min|BinarySearch|Sorted)|cmp\.(?:Compare|Less)|min|max)\s*\(`)

// spelledCategory is categoryName, with "compiled type" for the category
// of compiled types, which does not tell which.
func spelledCategory(cat string) string {
	if name := categoryName(cat); name != "" {
		return name
	}
	return "compiled type"
}

// sourceLine returns the cell's line of the error, or "".
func (ec *errorContext) sourceLine() string {
	if ec.line < 1 || ec.line > len(ec.lines) {
		return ""
	}
	return ec.lines[ec.line-1]
}

// expressionAt returns the expression that starts at the error's column,
// or "". The column counts in the source yaegi compiled: on its first
// line, after what yaegi put before it ("package main;" before
// declarations, "package main; func main() {" around statements) and
// what the session put there; elsewhere the cell's line, unless a rewrite
// changed it, whose expression is then shown as the cell wrote it, as far
// as the session can tell (slices.Max for _slices_Max).
func (ec *errorContext) expressionAt() string {
	if at := ec.cellOffset(); at >= 0 {
		return expressionFrom(ec.sourceLine(), at)
	}
	if at := ec.compiledOffset(); at >= 0 {
		return generatedName.ReplaceAllString(expressionFrom(ec.compiled[ec.line-1], at), "$1.$2")
	}
	return ""
}

// compiledOffset returns the byte offset of the error's column in the
// line yaegi compiled, or -1.
func (ec *errorContext) compiledOffset() int {
	if ec.col < 1 || ec.line < 1 || ec.line > len(ec.compiled) {
		return -1
	}
	at := ec.col - 1
	if ec.line == 1 {
		if strings.HasPrefix(ec.compiled[0], startedDecl) || strings.HasPrefix(ec.compiled[0], "import") {
			at -= len("package main;")
		} else {
			at -= len("package main; func main() {")
		}
	}
	return at
}

// cellOffset returns the byte offset in the cell's line of the error's
// column, or -1: where the compiled line ends with the cell's, or, past
// what the session put before it, agrees with the cell's up to the
// column (a rewrite changed the line after it: max(1, 2.5) became 2.5).
func (ec *errorContext) cellOffset() int {
	at, cell := ec.compiledOffset(), ec.sourceLine()
	if at < 0 || cell == "" {
		return -1
	}
	compiled := ec.compiled[ec.line-1]
	if strings.HasSuffix(compiled, cell) {
		return at - (len(compiled) - len(cell))
	}
	rest := strings.TrimPrefix(strings.TrimPrefix(compiled, startedDecl), startedCall)
	at -= len(compiled) - len(rest)
	same := 0
	for same < len(rest) && same < len(cell) && rest[same] == cell[same] {
		same++
	}
	if at < 0 || at > same {
		return -1
	}
	return at
}

// generatedName matches the names of the preamble's generic functions.
var generatedName = regexp.MustCompile(`\b_(slices|maps|cmp)_(\w+)`)

// expressionFrom returns the expression of src that starts at byte
// offset at: the tokens up to a comma, semicolon, closing bracket or the
// end of the line at its depth; "" when they are not an expression.
func expressionFrom(src string, at int) string {
	if at < 0 || at >= len(src) {
		return ""
	}
	text := src[at:]
	fset := token.NewFileSet()
	file := fset.AddFile("", -1, len(text))
	var sc scanner.Scanner
	sc.Init(file, []byte(text), nil, 0)
	depth, end := 0, len(text)
scan:
	for {
		pos, tok, _ := sc.Scan()
		switch tok {
		case token.EOF:
			break scan
		case token.LPAREN, token.LBRACK, token.LBRACE:
			depth++
		case token.RPAREN, token.RBRACK, token.RBRACE:
			if depth == 0 {
				end = file.Offset(pos)
				break scan
			}
			depth--
		case token.COMMA, token.SEMICOLON, token.ASSIGN, token.DEFINE:
			if depth == 0 {
				end = file.Offset(pos)
				break scan
			}
		}
	}
	expr := strings.TrimSpace(text[:end])
	if expr == "" {
		return ""
	}
	if _, err := parser.ParseExpr(expr); err != nil {
		return ""
	}
	return expr
}

// selectorOperand matches the operand of a selector .Name at the end of
// the text before it: a name, or a chain of names and calls.
var selectorOperand = regexp.MustCompile(`([A-Za-z_][\w]*(?:\.[A-Za-z_]\w*)*)\s*$`)

// receiverOf returns the expression whose field or method name the
// error's line selects, else the only line of the cell that selects it
// (yaegi may place the error where an earlier cell used the receiver),
// or "".
func (ec *errorContext) receiverOf(name string) string {
	if recv := selectedIn(ec.sourceLine(), name); recv != "" {
		return recv
	}
	found := ""
	for _, line := range ec.lines {
		if recv := selectedIn(line, name); recv != "" {
			if found != "" {
				return ""
			}
			found = recv
		}
	}
	return found
}

// selectedIn returns the expression whose field or method name src
// selects, or "".
func selectedIn(src, name string) string {
	for i := strings.Index(src, "."+name); i >= 0; {
		after := src[i+1+len(name):]
		if after == "" || !isIdentByte(after[0]) {
			if m := selectorOperand.FindStringSubmatch(src[:i]); m != nil {
				return m[1]
			}
		}
		next := strings.Index(src[i+1:], "."+name)
		if next < 0 {
			break
		}
		i += 1 + next
	}
	return ""
}

func isIdentByte(b byte) bool {
	return b == '_' || b >= '0' && b <= '9' || b >= 'a' && b <= 'z' || b >= 'A' && b <= 'Z'
}

// typeOfExpr spells the type of a simple expression, as far as the
// session can tell without compiling it: a global variable, or a call of
// a compiled package's function; "" otherwise.
func (s *Session) typeOfExpr(expr string) string {
	x, err := parser.ParseExpr(expr)
	if err != nil {
		return ""
	}
	switch x := x.(type) {
	case *ast.Ident:
		if !s.globals[x.Name] {
			return ""
		}
		if v := s.globalValues()[x.Name]; v.IsValid() {
			return typeName(v.Type().String())
		}
	case *ast.CallExpr:
		sel, ok := x.Fun.(*ast.SelectorExpr)
		if !ok {
			return ""
		}
		pkg, ok := sel.X.(*ast.Ident)
		if !ok || s.globals[pkg.Name] {
			return ""
		}
		fn, ok := compiledSymbol(s.packages[pkg.Name], sel.Sel.Name)
		if ok && fn.Kind() == reflect.Func && fn.Type().NumOut() == 1 {
			return fn.Type().Out(0).String()
		}
	}
	return ""
}

// compiledSymbol returns a symbol of a compiled package cells can import.
func compiledSymbol(importPath, name string) (reflect.Value, bool) {
	if importPath == "" {
		return reflect.Value{}, false
	}
	key := importPath + "/" + path.Base(importPath)
	for _, table := range []map[string]map[string]reflect.Value{stdlib.Symbols, symbols.Symbols} {
		if v, ok := table[key][name]; ok {
			return v, true
		}
	}
	return reflect.Value{}, false
}

// unavailablePackage says that a package a cell imported, or uses by
// its name after a failed import, cannot be used in cells.
func unavailablePackage(importPath string) string {
	if first, _, _ := strings.Cut(importPath, "/"); !strings.Contains(first, ".") {
		// A standard package newer than the interpreter's symbol tables.
		return "package " + importPath + " is not available in cells: the interpreter's standard library (yaegi v0.16.1, Go 1.22) lacks it; a %%compile cell can import it"
	}
	return "package " + importPath + " " + notInCells
}
