package interp

import (
	"fmt"
	"go/scanner"
	"go/token"
	"os"
	"os/exec"
	"path/filepath"
	"reflect"
	"sort"
	"strings"
	"sync"
	"unicode"
	"unicode/utf8"

	"github.com/traefik/yaegi/stdlib"

	"github.com/gosparkling/gosparkling/interp/internal/godoc"
	"github.com/gosparkling/gosparkling/interp/symbols"
	"github.com/gosparkling/gosparkling/rdd"
)

// keywords are Go's keywords, offered by completion.
var keywords = strings.Fields(`break case chan const continue default defer else fallthrough for func go goto
	if import interface map package range return select struct switch type var`)

// IsComplete tells a console whether code is a whole cell ("complete"),
// needs more lines ("incomplete", with the indent of the next line) or
// cannot become valid ("invalid").
func (s *Session) IsComplete(code string) (status, indent string) {
	if strings.TrimSpace(code) == "" {
		return "complete", ""
	}
	depth, last, scanErr := scanDepth(code)
	if scanErr != nil {
		if strings.Contains(scanErr.Error(), "not terminated") {
			return "incomplete", ""
		}
		return "invalid", ""
	}
	if depth > 0 {
		return "incomplete", strings.Repeat("\t", depth)
	}
	if depth < 0 {
		return "invalid", ""
	}
	switch last {
	case token.PERIOD, token.COMMA, token.ADD, token.SUB, token.MUL, token.QUO, token.REM, token.AND, token.OR,
		token.XOR, token.SHL, token.SHR, token.LAND, token.LOR, token.ASSIGN, token.DEFINE, token.ARROW,
		token.EQL, token.NEQ, token.LSS, token.GTR, token.LEQ, token.GEQ:
		return "incomplete", "\t"
	}
	chunks, err := splitCell(code)
	if err != nil {
		return "invalid", ""
	}
	for _, c := range chunks {
		if checkSyntax(c) != nil {
			return "invalid", ""
		}
	}
	return "complete", ""
}

// scanDepth returns the bracket depth at the end of code and its last
// token.
func scanDepth(code string) (int, token.Token, error) {
	fset := token.NewFileSet()
	file := fset.AddFile("cell", -1, len(code))
	var errs scanner.ErrorList
	var sc scanner.Scanner
	sc.Init(file, []byte(code), func(pos token.Position, msg string) { errs.Add(pos, msg) }, 0)
	depth, last := 0, token.ILLEGAL
	for {
		_, t, lit := sc.Scan()
		if t == token.EOF {
			break
		}
		switch t {
		case token.LPAREN, token.LBRACK, token.LBRACE:
			depth++
		case token.RPAREN, token.RBRACK, token.RBRACE:
			depth--
		}
		if t != token.SEMICOLON || lit == ";" {
			last = t
		}
	}
	return depth, last, errs.Err()
}

// Complete returns the completions of the name before cursor (a rune
// offset into code) and the rune range they replace: members after
// "pkg." or "value.", else the session's names, packages and keywords.
func (s *Session) Complete(code string, cursor int) (matches []string, start, end int, metadata map[string]any) {
	s.mu.Lock()
	defer s.mu.Unlock()
	pos := byteOffset(code, cursor)
	i := pos
	for i > 0 {
		r, size := utf8.DecodeLastRuneInString(code[:i])
		if !isIdentRune(r) {
			break
		}
		i -= size
	}
	prefix := code[i:pos]
	start, end = utf8.RuneCountInString(code[:i]), cursor
	var candidates []string
	if i > 0 && code[i-1] == '.' {
		x := identBefore(code, i-1)
		if t := s.localType(code[:i-1-len(x)], x); t != nil {
			candidates = typeMembers(t)
		} else {
			candidates = s.members(x)
		}
	} else {
		candidates = s.topLevelCandidates()
	}
	seen := map[string]bool{}
	for _, c := range candidates {
		if strings.HasPrefix(c, prefix) && !seen[c] && visibleName(c) {
			seen[c] = true
			matches = append(matches, c)
		}
	}
	sort.Strings(matches)
	return matches, start, end, map[string]any{}
}

func isIdentRune(r rune) bool { return r == '_' || unicode.IsLetter(r) || unicode.IsDigit(r) }

// byteOffset converts a rune offset into a byte offset of s.
func byteOffset(s string, runes int) int {
	i := 0
	for n := 0; n < runes && i < len(s); n++ {
		_, size := utf8.DecodeRuneInString(s[i:])
		i += size
	}
	return i
}

// identBefore returns the identifier ending at byte offset end of code.
func identBefore(code string, end int) string {
	i := end
	for i > 0 {
		r, size := utf8.DecodeLastRuneInString(code[:i])
		if !isIdentRune(r) {
			break
		}
		i -= size
	}
	return code[i:end]
}

func (s *Session) topLevelCandidates() []string {
	out := append([]string{}, keywords...)
	for name := range predeclared {
		out = append(out, name)
	}
	for name := range s.globals {
		out = append(out, name)
	}
	for name := range s.packages {
		out = append(out, name)
	}
	return out
}

// members lists what can follow "x.": a package's exports, or the
// exported methods and fields of a global variable's value.
func (s *Session) members(x string) []string {
	if x == "" {
		return nil
	}
	if !s.globals[x] {
		if p, ok := s.packagePath(x); ok {
			var out []string
			for name := range s.exports(p) {
				out = append(out, name)
			}
			return out
		}
	}
	v, ok := s.global(x)
	if !ok {
		return nil
	}
	return valueMembers(v)
}

// packagePath returns the import path a package name stands for.
func (s *Session) packagePath(name string) (string, bool) {
	if spec := s.importSpec(name); spec != "" {
		_, quoted, found := strings.Cut(spec, " ")
		if !found {
			quoted = spec
		}
		return strings.Trim(quoted, `"`), true
	}
	p, ok := s.packages[name]
	return p, ok
}

// exports returns the symbols of a compiled package.
func (s *Session) exports(path string) map[string]reflect.Value {
	if gi := s.goLoaded[path]; gi != nil {
		return gi.exports[path+"/"+gi.Name]
	}
	key := path + "/" + filepath.Base(path)
	if m, ok := stdlib.Symbols[key]; ok {
		return m
	}
	return symbols.Symbols[key]
}

// global returns the value of a global variable of the session.
func (s *Session) global(name string) (v reflect.Value, ok bool) {
	defer func() {
		if recover() != nil {
			ok = false
		}
	}()
	v, ok = s.yaegi.Globals()[name]
	return v, ok && v.IsValid()
}

// valueMembers lists the exported methods and fields of v's type.
func valueMembers(v reflect.Value) []string {
	for v.Kind() == reflect.Interface && !v.IsNil() {
		v = v.Elem()
	}
	if !v.IsValid() {
		return nil
	}
	return typeMembers(v.Type())
}

// enginePlumbing reports whether name is a method of rdd's RDD or Context
// that serves interpreters and Runners only (rdd.KindEngine): completion
// leaves it out.
func enginePlumbing(typ reflect.Type, name string) bool {
	if typ != reflect.TypeFor[*rdd.RDD]() && typ != reflect.TypeFor[*rdd.Context]() {
		return false
	}
	m, _ := rdd.MethodOf(name)
	return m.Kind == rdd.KindEngine
}

// typeMembers lists the exported methods and fields of t, without rdd's
// engine plumbing.
func typeMembers(t reflect.Type) []string {
	var out []string
	for _, typ := range []reflect.Type{t, reflect.PointerTo(t)} {
		for i := 0; i < typ.NumMethod(); i++ {
			if name := typ.Method(i).Name; !enginePlumbing(typ, name) {
				out = append(out, name)
			}
		}
	}
	st := t
	if st.Kind() == reflect.Pointer {
		st = st.Elem()
	}
	if st.Kind() == reflect.Struct {
		for i := 0; i < st.NumField(); i++ {
			if f := st.Field(i); f.IsExported() {
				out = append(out, f.Name)
			}
		}
	}
	return out
}

// Inspect describes the name at cursor: the signature and doc comment of
// a package member or method, or the type and value of a variable.
func (s *Session) Inspect(code string, cursor, detailLevel int) (MIMEBundle, bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	pos := byteOffset(code, cursor)
	// Extend to the whole identifier under the cursor.
	end := pos
	for end < len(code) {
		r, size := utf8.DecodeRuneInString(code[end:])
		if !isIdentRune(r) {
			break
		}
		end += size
	}
	name := identBefore(code, end)
	if name == "" {
		// The cursor may follow "f(": describe f.
		trimmed := strings.TrimRight(code[:pos], " (")
		end = len(trimmed)
		name = identBefore(trimmed, end)
		if name == "" {
			return nil, false
		}
	}
	start := end - len(name)
	var qualifier string
	if start > 0 && code[start-1] == '.' {
		qualifier = identBefore(code, start-1)
	}
	text := s.describe(qualifier, name)
	if text == "" {
		return nil, false
	}
	return MIMEBundle{"text/plain": text}, true
}

// describe returns the documentation of qualifier.name (or of name alone).
func (s *Session) describe(qualifier, name string) string {
	if !visibleName(name) || !visibleName(qualifier) {
		return ""
	}
	if qualifier != "" && !s.globals[qualifier] {
		if p, ok := s.packagePath(qualifier); ok {
			return packageDoc(p, name)
		}
	}
	if qualifier != "" {
		v, ok := s.global(qualifier)
		if !ok {
			return ""
		}
		return methodDoc(v, name)
	}
	if p, ok := s.packagePath(name); ok && !s.globals[name] {
		return packageDoc(p, "")
	}
	if v, ok := s.global(name); ok {
		for v.Kind() == reflect.Interface && !v.IsNil() {
			v = v.Elem()
		}
		desc := fmt.Sprintf("%s: %s", name, v.Type())
		if v.CanInterface() {
			desc += "\n\n" + shortValue(v.Interface())
		}
		return desc
	}
	return ""
}

func shortValue(x any) string {
	s := fmt.Sprintf("%v", x)
	if r, ok := x.(interface{ ToDebugString() string }); ok {
		s = r.ToDebugString()
	}
	if len(s) > 2000 {
		s = s[:2000] + "…"
	}
	return s
}

// methodDoc documents method name of v's type, for the project's types
// from the embedded docs, else by its signature.
func methodDoc(v reflect.Value, name string) string {
	for v.Kind() == reflect.Interface && !v.IsNil() {
		v = v.Elem()
	}
	t := v.Type()
	base := t
	if base.Kind() == reflect.Pointer {
		base = base.Elem()
	}
	if d, ok := symbols.Docs[sourcePkgPath(base)+"."+base.Name()+"."+name]; ok {
		return d
	}
	if d := stdlibDoc(base.PkgPath(), base.Name()+"."+name); d != "" {
		return d
	}
	for _, typ := range []reflect.Type{t, reflect.PointerTo(t)} {
		if m, ok := typ.MethodByName(name); ok {
			return fmt.Sprintf("method %s.%s %s", base, name, m.Type)
		}
	}
	return ""
}

// packageDoc documents member name of package path ("" for the package).
func packageDoc(path, name string) string {
	key := path
	if name != "" {
		key += "." + name
	}
	if d, ok := symbols.Docs[key]; ok {
		return d
	}
	if d := stdlibDoc(path, name); d != "" {
		return d
	}
	if name == "" {
		return "package " + path
	}
	return ""
}

// stdlibDocs caches the parsed documentation of standard packages, read
// from GOROOT's sources when Go is installed.
var stdlibDocs sync.Map // import path -> map[string]string

func stdlibDoc(path, name string) string {
	if path == "" {
		return ""
	}
	docs, ok := stdlibDocs.Load(path)
	if !ok {
		docs, _ = stdlibDocs.LoadOrStore(path, parseStdlibDocs(path))
	}
	return docs.(map[string]string)[name]
}

var goroot = sync.OnceValue(func() string {
	if r := os.Getenv("GOROOT"); r != "" {
		return r
	}
	if out, err := exec.Command("go", "env", "GOROOT").Output(); err == nil {
		return strings.TrimSpace(string(out))
	}
	return "" // no toolchain: completion goes without the standard library's docs
})

func parseStdlibDocs(path string) map[string]string {
	if goroot() == "" {
		return map[string]string{}
	}
	docs, err := godoc.Dir(filepath.Join(goroot(), "src", filepath.FromSlash(path)), path)
	if err != nil {
		return map[string]string{}
	}
	return docs
}
