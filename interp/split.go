package interp

import (
	"fmt"
	"go/scanner"
	"go/token"
	"strings"
)

// chunkKind classifies a top-level piece of a cell.
type chunkKind int

const (
	importChunk chunkKind = iota // import "fmt" or import ( ... )
	declChunk                    // func, method, type, var or const declaration
	stmtChunk                    // any statement, expressions included
)

// chunk is one top-level declaration or statement of a cell.
type chunk struct {
	kind chunkKind
	src  string // the source text, without the terminating newline
	line int    // 1-based line of the cell where it starts
}

// splitCell cuts a cell into its top-level imports, declarations and
// statements, in source order. yaegi evaluates declarations and statements
// in different modes and decides the mode by a source's first token, so a
// cell that mixes them must be evaluated piece by piece.
func splitCell(code string) ([]chunk, error) {
	fset := token.NewFileSet()
	file := fset.AddFile("cell", -1, len(code))
	var errs scanner.ErrorList
	var s scanner.Scanner
	s.Init(file, []byte(code), func(pos token.Position, msg string) { errs.Add(pos, msg) }, 0)

	type tok struct {
		pos token.Pos
		tok token.Token
		lit string
	}
	var chunks []chunk
	var toks []tok // tokens of the chunk being read
	depth := 0
	// inHeader is set from a for, if or switch at depth 0 to the brace
	// opening its body: semicolons there separate clauses, not statements.
	inHeader := false
	flush := func(end int) {
		if len(toks) == 0 {
			return
		}
		start := file.Offset(toks[0].pos)
		kinds := make([]token.Token, len(toks))
		for i, t := range toks {
			kinds[i] = t.tok
		}
		chunks = append(chunks, chunk{
			kind: classify(kinds),
			src:  strings.TrimRight(code[start:end], " \t\r\n;"),
			line: file.Line(toks[0].pos),
		})
		toks = toks[:0]
	}
	for {
		pos, t, lit := s.Scan()
		if t == token.EOF {
			flush(len(code))
			break
		}
		switch t {
		case token.FOR, token.IF, token.SWITCH:
			if depth == 0 {
				inHeader = true
			}
		case token.LBRACE:
			if depth == 0 {
				inHeader = false
			}
			depth++
		case token.LPAREN, token.LBRACK:
			depth++
		case token.RPAREN, token.RBRACK, token.RBRACE:
			depth--
		case token.SEMICOLON:
			if depth == 0 && !inHeader {
				flush(file.Offset(pos))
				continue
			}
		}
		toks = append(toks, tok{pos, t, lit})
	}
	if len(errs) > 0 {
		errs.Sort()
		return nil, fmt.Errorf("%v", errs.Err())
	}
	return chunks, nil
}

// classify tells a declaration from a statement by its first tokens. A
// statement starting with func is a function literal (called, or in an
// expression); a declaration is "func Name" or a method "func (r T) Name(".
func classify(toks []token.Token) chunkKind {
	switch toks[0] {
	case token.IMPORT:
		return importChunk
	case token.TYPE, token.VAR, token.CONST:
		return declChunk
	case token.FUNC:
		if len(toks) > 1 && toks[1] == token.IDENT {
			return declChunk
		}
		if len(toks) > 1 && toks[1] == token.LPAREN {
			// Skip the parenthesised receiver or parameter list.
			depth := 0
			for i := 1; i < len(toks); i++ {
				switch toks[i] {
				case token.LPAREN:
					depth++
				case token.RPAREN:
					depth--
				}
				if depth == 0 {
					if i+2 < len(toks) && toks[i+1] == token.IDENT && toks[i+2] == token.LPAREN {
						return declChunk
					}
					return stmtChunk
				}
			}
		}
	}
	return stmtChunk
}
