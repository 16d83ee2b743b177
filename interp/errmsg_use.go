package interp

import (
	"go/ast"
	"go/constant"
	"go/parser"
	"go/scanner"
	"go/token"
	"go/types"
	"math/big"
	"reflect"
	"regexp"
	"strings"
)

// Go's compiler says where a value of the wrong type is used ("cannot
// use "x" (untyped string constant) as int value in argument to add") and
// how many arguments a call has and wants; yaegi says "cannot convert "x"
// to int", or speaks of the method's receiver. This file tells, from the
// cell's source at yaegi's position, the use, the value and the call.

// describeOperand names a value as Go's compiler does: a constant by its
// kind, and by its value when the expression does not spell it
// ("max(1, 2.5) (untyped float constant 2.5)", `"x" (untyped string
// constant)`), else by its type when the session can tell it.
func (s *Session) describeOperand(expr string) string {
	if tv, ok := constantExpr(expr); ok {
		value := tv.Value.String()
		if basic, ok := tv.Type.(*types.Basic); ok && basic.Info()&types.IsUntyped != 0 {
			if value == expr {
				return expr + " (" + tv.Type.String() + " constant)"
			}
			return expr + " (" + tv.Type.String() + " constant " + value + ")"
		}
		if value == expr {
			return expr + " (constant of type " + tv.Type.String() + ")"
		}
		return expr + " (constant " + value + " of type " + tv.Type.String() + ")"
	}
	return describeValue(expr, s.typeOfExpr(expr))
}

// constantExpr evaluates an expression of constants alone (literals,
// operators, min and max), as Go's type checker does.
func constantExpr(expr string) (types.TypeAndValue, bool) {
	if expr == "" {
		return types.TypeAndValue{}, false
	}
	tv, err := types.Eval(token.NewFileSet(), nil, token.NoPos, expr)
	return tv, err == nil && tv.Value != nil
}

// fraction matches a rational constant as yaegi writes it (5/2).
var fraction = regexp.MustCompile(`^(-?\d+)/(\d+)$`)

// goConstant spells a constant of a yaegi message as Go does: 5/2 as 2.5.
func goConstant(c string) string {
	m := fraction.FindStringSubmatch(c)
	if m == nil {
		return c
	}
	r, ok := new(big.Rat).SetString(m[1] + "/" + m[2])
	if !ok {
		return c
	}
	return constant.Make(r).String()
}

// goFractions rewrites each fraction of a message as Go spells it.
func goFractions(msg string) string {
	return anyFraction.ReplaceAllStringFunc(msg, goConstant)
}

// anyFraction matches the rational constants within a message.
var anyFraction = regexp.MustCompile(`-?\b\d+/\d+\b`)

// misusedValue returns Go's message for a value that cannot be used as
// a want: "cannot use EXPR (DESCRIPTION) as WANT value in USE", then
// suffix (" (truncated)"). The expression is the cell's at the error's
// column, else fallback (a constant of yaegi's message); "" when neither
// is known.
func (ec *errorContext) misusedValue(fallback, want, suffix string) string {
	expr, use := ec.expressionAt(), ec.useAt()
	if expr == "" {
		expr = goConstant(fallback)
	}
	if expr == "" {
		return ""
	}
	msg := "cannot use " + ec.s.describeOperand(expr) + " as " + typeName(want) + " value"
	if use != "" {
		msg += " in " + use
	}
	return msg + suffix
}

// sourceToken is a token of a cell's source and its byte offset.
type sourceToken struct {
	offset int
	tok    token.Token
	lit    string
}

// sourceTokens scans Go source, which need not be complete statements;
// the semicolons Go puts at the ends of lines are among the tokens.
func sourceTokens(src string) []sourceToken {
	fset := token.NewFileSet()
	file := fset.AddFile("", -1, len(src))
	var sc scanner.Scanner
	sc.Init(file, []byte(src), nil, 0)
	var toks []sourceToken
	for {
		pos, tok, lit := sc.Scan()
		if tok == token.EOF {
			return toks
		}
		toks = append(toks, sourceToken{file.Offset(pos), tok, lit})
	}
}

// useAt tells how the cell uses the value at the error's column,
// in Go's words: "argument to F", "variable declaration", "assignment",
// "return statement"; "" when the session cannot tell.
func (ec *errorContext) useAt() string {
	at := ec.cellOffset()
	if at < 0 {
		return ""
	}
	before := 0 // the cell's text before the line: a call may span lines
	for _, line := range ec.lines[:ec.line-1] {
		before += len(line) + 1
	}
	return useOf(strings.Join(ec.lines, "\n"), before+at)
}

// useOf tells how src uses the value at byte offset at.
func useOf(src string, at int) string {
	type open struct {
		tok  token.Token
		use  string // of the values within: "argument to F", "map literal", ...
		stmt int    // index of the first token of the statement within it
	}
	toks := sourceTokens(src)
	var stack []open
	stmt, callee := 0, ""
	for i, t := range toks {
		if t.offset >= at {
			break
		}
		switch t.tok {
		case token.LPAREN, token.LBRACK:
			use := ""
			if t.tok == token.LPAREN && callee != "" {
				use = "argument to " + callee
			}
			stack = append(stack, open{t.tok, use, stmt})
			stmt = i + 1
		case token.LBRACE:
			stack = append(stack, open{t.tok, literalBefore(toks[:i]), stmt})
			stmt = i + 1
		case token.RPAREN, token.RBRACK, token.RBRACE:
			if len(stack) > 0 {
				stmt = stack[len(stack)-1].stmt
				stack = stack[:len(stack)-1]
			}
		case token.SEMICOLON:
			stmt = i + 1
		}
		switch {
		case t.tok == token.IDENT && i > 0 && toks[i-1].tok == token.PERIOD && callee != "":
			callee += "." + t.lit
		case t.tok == token.IDENT:
			callee = t.lit
		case t.tok != token.PERIOD:
			callee = ""
		}
	}
	if len(stack) > 0 {
		top := stack[len(stack)-1]
		if top.use != "" || top.tok != token.LBRACE {
			return top.use
		}
	}
	if stmt >= len(toks) {
		return ""
	}
	switch toks[stmt].tok {
	case token.RETURN:
		return "return statement"
	case token.VAR, token.CONST:
		return "variable declaration"
	}
	for _, t := range toks[stmt:] {
		if t.offset >= at {
			break
		}
		switch t.tok {
		case token.ASSIGN, token.DEFINE:
			return "assignment"
		case token.LPAREN, token.LBRACK, token.LBRACE:
			return ""
		}
	}
	return ""
}

// literalBefore tells, from the tokens before a brace, whether it opens
// a slice, array or map literal, in the words of Go's "cannot use ... in
// array or slice literal"; "" for other braces.
func literalBefore(toks []sourceToken) string {
	i := len(toks) - 1
	for i >= 0 && toks[i].tok == token.IDENT {
		if i--; i >= 0 && toks[i].tok == token.PERIOD {
			i--
		} else {
			break
		}
	}
	if i < 0 || i == len(toks)-1 || toks[i].tok != token.RBRACK {
		return ""
	}
	for depth := 0; i >= 0; i-- {
		switch toks[i].tok {
		case token.RBRACK:
			depth++
		case token.LBRACK:
			if depth--; depth == 0 {
				if i > 0 && toks[i-1].tok == token.MAP {
					return "map literal"
				}
				return "array or slice literal"
			}
		}
	}
	return ""
}

// argumentCountError returns Go's message for a call of the error's line
// whose number of arguments does not match its function's parameters
// ("too many arguments in call to r.Count\n\thave (number)\n\twant ()"),
// or "" when there is none the session can tell.
func (ec *errorContext) argumentCountError() (msg string) {
	defer func() {
		if recover() != nil { // reflection on a global the session cannot tell
			msg = ""
		}
	}()
	line := ec.sourceLine()
	toks := sourceTokens(line)
	for i, t := range toks {
		if t.tok != token.IDENT || i > 0 && toks[i-1].tok == token.PERIOD {
			continue
		}
		call, ok := parseCallAt(line, t.offset)
		if !ok || call.Ellipsis.IsValid() {
			continue
		}
		callee := types.ExprString(call.Fun)
		params, variadic, ok := ec.s.parametersOf(callee)
		if !ok {
			continue
		}
		if len(call.Args) == 1 && isCall(call.Args[0]) {
			continue // f(g()) hands over all g's results
		}
		var problem string
		switch {
		case len(call.Args) < len(params) && !(variadic && len(call.Args) == len(params)-1):
			problem = "not enough arguments in call to "
		case len(call.Args) > len(params) && !variadic:
			problem = "too many arguments in call to "
		default:
			continue
		}
		msg := problem + callee
		if have, ok := ec.s.argumentTypes(call.Args); ok {
			msg += "\n\thave (" + strings.Join(have, ", ") + ")"
		}
		return msg + "\n\twant (" + strings.Join(params, ", ") + ")"
	}
	return ""
}

// calleeAt returns the function of the call whose argument count is
// wrong, as the cell wrote it: the call at the error's column (too few
// arguments), or the call whose argument is there (too many); else
// yaegi's name of it.
func (ec *errorContext) calleeAt(yaegiName string) string {
	if at := ec.cellOffset(); at >= 0 {
		if call, ok := parseCallAt(ec.sourceLine(), at); ok {
			return types.ExprString(call.Fun)
		}
	}
	if callee, ok := strings.CutPrefix(ec.useAt(), "argument to "); ok {
		return callee
	}
	if yaegiName == "" {
		return "the function"
	}
	return yaegiName
}

// parseCallAt returns the call expression of line that starts at offset
// at with its function's name.
func parseCallAt(line string, at int) (*ast.CallExpr, bool) {
	expr := expressionFrom(line, at)
	if expr == "" {
		return nil, false
	}
	x, err := parser.ParseExpr(expr)
	if err != nil {
		return nil, false
	}
	call, ok := x.(*ast.CallExpr)
	if !ok {
		return nil, false
	}
	switch f := call.Fun.(type) {
	case *ast.Ident:
		return call, true
	case *ast.SelectorExpr:
		_, ok := f.X.(*ast.Ident)
		return call, ok
	}
	return nil, false
}

// parametersOf returns the parameter types of a function a cell calls:
// a method of a global's compiled type (r.Count), a function of a
// compiled package (strings.Repeat), a function a cell declared, or a
// variable of func type whose parameters reflection spells as Go does.
func (s *Session) parametersOf(callee string) (params []string, variadic, ok bool) {
	recv, name, isSelector := strings.Cut(callee, ".")
	var fn reflect.Value
	if !isSelector {
		if params, variadic, ok := s.declaredParameters(callee); ok || !s.globals[callee] {
			return params, variadic, ok
		}
		fn = s.globalValues()[callee] // a variable of func type
	} else if s.globals[recv] {
		if v := s.globalValues()[recv]; v.IsValid() && v.Kind() != reflect.Interface {
			fn = v.MethodByName(name)
		}
	} else if path, imported := s.packages[recv]; imported {
		fn, _ = compiledSymbol(path, name)
	}
	if !fn.IsValid() || fn.Kind() != reflect.Func {
		return nil, false, false
	}
	t := fn.Type()
	for i := 0; i < t.NumIn(); i++ {
		if t.IsVariadic() && i == t.NumIn()-1 {
			params = append(params, "..."+typeName(t.In(i).Elem().String()))
			continue
		}
		params = append(params, typeName(t.In(i).String()))
	}
	for _, p := range params {
		if strings.Contains(p, "struct {") || strings.Contains(p, "interface {") {
			return nil, false, false // an interpreted type, which reflection does not name
		}
	}
	return params, t.IsVariadic(), true
}

// declaredParameters returns the parameter types of a function a cell
// declared, as the cell spelled them.
func (s *Session) declaredParameters(name string) (params []string, variadic, ok bool) {
	d := s.decls[name]
	if d == nil || d.kind != ast.Fun {
		return nil, false, false
	}
	file, err := parser.ParseFile(token.NewFileSet(), "", "package p;"+d.src, 0)
	if err != nil {
		return nil, false, false
	}
	for _, decl := range file.Decls {
		fd, isFunc := decl.(*ast.FuncDecl)
		if !isFunc || fd.Recv != nil || fd.Name.Name != name {
			continue
		}
		for _, field := range fd.Type.Params.List {
			typ := types.ExprString(field.Type)
			_, variadic = field.Type.(*ast.Ellipsis)
			for range max(1, len(field.Names)) {
				params = append(params, typ)
			}
		}
		return params, variadic, true
	}
	return nil, false, false
}

// argumentTypes spells the types of a call's arguments as Go's "have"
// does (an untyped numeric constant is a number), when it can tell all.
func (s *Session) argumentTypes(args []ast.Expr) ([]string, bool) {
	have := make([]string, 0, len(args))
	for _, arg := range args {
		expr := types.ExprString(arg)
		if tv, ok := constantExpr(expr); ok {
			typ := tv.Type.String()
			if basic, ok := tv.Type.(*types.Basic); ok && basic.Info()&types.IsUntyped != 0 {
				typ = strings.TrimPrefix(typ, "untyped ")
				if basic.Info()&types.IsNumeric != 0 {
					typ = "number"
				}
			}
			have = append(have, typ)
			continue
		}
		typ := s.typeOfExpr(expr)
		if typ == "" {
			return nil, false
		}
		have = append(have, typ)
	}
	return have, true
}
