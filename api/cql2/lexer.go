package cql2

import (
	"errors"
	"fmt"
	"strings"
	"unicode"
	"unicode/utf8"
)

// ErrSyntax is wrapped by every *SyntaxError.
var ErrSyntax = errors.New("CQL2 syntax error")

// SyntaxError says what is wrong with a filter and where (byte offset).
type SyntaxError struct {
	Pos int    // byte offset in the filter text
	Msg string // what was expected or found
}

func (e *SyntaxError) Error() string {
	return fmt.Sprintf("CQL2 syntax error at position %d: %s", e.Pos+1, e.Msg)
}

// Unwrap makes errors.Is(err, ErrSyntax) true.
func (e *SyntaxError) Unwrap() error { return ErrSyntax }

type tokenKind int

const (
	tokEOF tokenKind = iota
	tokIdent
	tokQuotedIdent
	tokString
	tokNumber
	tokOp // = <> < > <= >=
	tokLParen
	tokRParen
	tokComma
)

type token struct {
	kind tokenKind
	text string // identifier, unescaped string, number text or operator
	pos  int
}

func (t token) String() string {
	switch t.kind {
	case tokEOF:
		return "end of filter"
	case tokString:
		return fmt.Sprintf("'%s'", t.text)
	case tokQuotedIdent:
		return fmt.Sprintf("%q", t.text)
	}
	return fmt.Sprintf("%q", t.text)
}

// maxTokens bounds the work done on hostile input.
const maxTokens = 100000

func lex(s string) ([]token, error) {
	var toks []token
	i := 0
	for i < len(s) {
		if len(toks) > maxTokens {
			return nil, &SyntaxError{Pos: i, Msg: "filter is too long"}
		}
		r, size := utf8.DecodeRuneInString(s[i:])
		if r == utf8.RuneError && size == 1 {
			return nil, &SyntaxError{Pos: i, Msg: "invalid UTF-8"}
		}
		switch {
		case unicode.IsSpace(r):
			i += size
		case r == '(':
			toks = append(toks, token{tokLParen, "(", i})
			i++
		case r == ')':
			toks = append(toks, token{tokRParen, ")", i})
			i++
		case r == ',':
			toks = append(toks, token{tokComma, ",", i})
			i++
		case r == '=':
			toks = append(toks, token{tokOp, "=", i})
			i++
		case r == '<' || r == '>':
			op := string(r)
			if i+1 < len(s) && (s[i+1] == '=' || (r == '<' && s[i+1] == '>')) {
				op += string(s[i+1])
			}
			toks = append(toks, token{tokOp, op, i})
			i += len(op)
		case r == '\'':
			start := i
			var b strings.Builder
			i++
			for {
				if i >= len(s) {
					return nil, &SyntaxError{Pos: start, Msg: "string literal is not closed with '"}
				}
				if s[i] == '\'' {
					if i+1 < len(s) && s[i+1] == '\'' {
						b.WriteByte('\'')
						i += 2
						continue
					}
					i++
					break
				}
				b.WriteByte(s[i])
				i++
			}
			toks = append(toks, token{tokString, b.String(), start})
		case r == '"':
			start := i
			end := strings.IndexByte(s[i+1:], '"')
			if end < 0 {
				return nil, &SyntaxError{Pos: start, Msg: "quoted property name is not closed with \""}
			}
			toks = append(toks, token{tokQuotedIdent, s[i+1 : i+1+end], start})
			i += end + 2
		case r == '-' || r == '+' || r == '.' || (r >= '0' && r <= '9'):
			start := i
			j := i
			if s[j] == '-' || s[j] == '+' {
				j++
			}
			digits := 0
			for j < len(s) && s[j] >= '0' && s[j] <= '9' {
				j++
				digits++
			}
			if j < len(s) && s[j] == '.' {
				j++
				for j < len(s) && s[j] >= '0' && s[j] <= '9' {
					j++
					digits++
				}
			}
			if digits == 0 {
				return nil, &SyntaxError{Pos: start, Msg: fmt.Sprintf("unexpected %q", s[start:j])}
			}
			if j < len(s) && (s[j] == 'e' || s[j] == 'E') {
				k := j + 1
				if k < len(s) && (s[k] == '-' || s[k] == '+') {
					k++
				}
				if k < len(s) && s[k] >= '0' && s[k] <= '9' {
					for k < len(s) && s[k] >= '0' && s[k] <= '9' {
						k++
					}
					j = k
				}
			}
			toks = append(toks, token{tokNumber, s[start:j], start})
			i = j
		case unicode.IsLetter(r) || r == '_':
			start := i
			for i < len(s) {
				r, size := utf8.DecodeRuneInString(s[i:])
				if !(unicode.IsLetter(r) || unicode.IsDigit(r) || r == '_' || r == '.' || r == ':') {
					break
				}
				i += size
			}
			toks = append(toks, token{tokIdent, s[start:i], start})
		default:
			return nil, &SyntaxError{Pos: i, Msg: fmt.Sprintf("unexpected character %q", r)}
		}
	}
	toks = append(toks, token{tokEOF, "", len(s)})
	return toks, nil
}
