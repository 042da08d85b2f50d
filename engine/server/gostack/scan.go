package gostack

import (
	"errors"
	"strconv"
	"strings"
	"unicode/utf8"

	"corsplay/engine/server"
)

// Scanner reads Go source token by token, for the libraries whose
// configuration is a fixed shape the reader walks itself (go-chi/cors's
// cors.Options{…}, gorilla/handlers' handlers.CORS(handlers.X(…), …)):
// every value a literal, the first problem an error "line L, column C: …".
// Dialect.Read is the other reader, for configurations built in statements.

// Scanner splits Go source into tokens: identifiers (kind 'i'), integer
// literals ('n'), string literals ('s', tok is the value) and punctuation
// ('p'); kind 0 at the end. The first error stops it.
type Scanner struct {
	src       string
	pos, At   int
	Tok       string
	Kind      byte
	Err       error
	tokenText string // the token as written
}

// NewScanner is a Scanner at the first token of src.
func NewScanner(src string) *Scanner {
	s := &Scanner{src: src}
	s.Next()
	return s
}

// Assignment skips `name :=` or `name =` before the configuration.
func (s *Scanner) Assignment() {
	if s.Kind == 'i' && s.PeekAssign() {
		s.Next()
		if s.Tok == ":" {
			s.Next()
		}
		s.Want("=")
	}
}

// End fails on whatever follows the configuration; it returns the error.
func (s *Scanner) End() error {
	if s.Err == nil && s.Kind != 0 {
		s.Fail("unexpected " + s.Describe() + " after the configuration")
	}
	return s.Err
}

// Strings reads []string{…} (or nil: nil is returned) of string literals
// and http.Method constants.
func (s *Scanner) Strings(option string) []string {
	if s.Tok == "nil" {
		s.Next()
		return nil
	}
	if s.Tok != "[" {
		s.Fail(option + " wants []string{…}, found " + s.Describe())
		return nil
	}
	s.Next()
	s.Want("]", "string", "{")
	l := []string{}
	for s.Err == nil && s.Tok != "}" {
		switch {
		case s.Kind == 's':
			l = append(l, s.Tok)
			s.Next()
		case s.Tok == "http":
			s.Next()
			s.Want(".")
			m, ok := strings.CutPrefix(s.Tok, "Method")
			if !ok || strings.Index("|Get|Head|Post|Put|Patch|Delete|Connect|Options|Trace|", "|"+m+"|") < 0 {
				s.Fail("corsplay knows the http.Method constants only, not http." + s.Tok)
				return nil
			}
			l = append(l, strings.ToUpper(m))
			s.Next()
		default:
			s.Fail(option + " lists string literals only (corsplay does not evaluate Go), found " + s.Describe())
			return nil
		}
		s.Sep("}")
	}
	s.Want("}")
	return l
}

// Bool reads true or false.
func (s *Scanner) Bool(option string) any {
	if s.Tok != "true" && s.Tok != "false" {
		s.Fail(option + " wants true or false, found " + s.Describe())
		return nil
	}
	v := s.Tok == "true"
	s.Next()
	return v
}

// Int reads an integer literal, maybe negated, as a Go int.
func (s *Scanner) Int(option string) any {
	neg := s.Tok == "-"
	if neg {
		s.Next()
	}
	n, err := strconv.ParseInt(s.Tok, 0, 64)
	if s.Kind != 'n' || err != nil {
		s.Fail(option + " wants an integer literal (corsplay does not evaluate Go), found " + s.Describe())
		return nil
	}
	s.Next()
	if s.Tok != "," && s.Tok != "}" && s.Tok != ")" {
		s.Fail(option + " wants an integer literal alone (corsplay does not evaluate Go expressions), found " + s.Describe())
		return nil
	}
	if neg {
		n = -n
	}
	return n
}

func (s *Scanner) Next() {
	if s.Err != nil {
		return
	}
	for s.pos < len(s.src) {
		rest := s.src[s.pos:]
		switch {
		case strings.IndexByte(" \t\r\n", rest[0]) >= 0:
			s.pos++
			continue
		case strings.HasPrefix(rest, "//"):
			if i := strings.IndexByte(rest, '\n'); i >= 0 {
				s.pos += i
			} else {
				s.pos = len(s.src)
			}
			continue
		case strings.HasPrefix(rest, "/*"):
			i := strings.Index(rest[2:], "*/")
			if i < 0 {
				s.At = s.pos
				s.Fail("a /* comment is not closed")
				return
			}
			s.pos += i + 4
			continue
		}
		break
	}
	s.At = s.pos
	if s.pos == len(s.src) {
		s.Tok, s.Kind, s.tokenText = "", 0, ""
		return
	}
	c, n := s.src[s.pos], 1
	s.Kind = 'p'
	switch {
	case c == '_' || 'a' <= c && c <= 'z' || 'A' <= c && c <= 'Z':
		for n < len(s.src)-s.pos && isAlnum(s.src[s.pos+n]) {
			n++
		}
		s.Kind = 'i'
	case '0' <= c && c <= '9':
		for n < len(s.src)-s.pos && (isAlnum(s.src[s.pos+n]) || s.src[s.pos+n] == '.') {
			n++
		}
		s.Kind = 'n'
	case c == '"' || c == '`':
		for ; s.pos+n < len(s.src) && s.src[s.pos+n] != c && (c == '`' || s.src[s.pos+n] != '\n'); n++ {
			if c == '"' && s.src[s.pos+n] == '\\' {
				n++
			}
		}
		if s.pos+n >= len(s.src) || s.src[s.pos+n] != c {
			s.Fail("a string literal is not closed")
			return
		}
		n++
		lit := s.src[s.pos : s.pos+n]
		v, err := strconv.Unquote(lit)
		if c == '`' {
			v, err = strings.ReplaceAll(lit[1:n-1], "\r", ""), nil
		}
		if err != nil {
			s.Fail("cannot read the string literal " + lit)
			return
		}
		s.Tok, s.Kind, s.tokenText, s.pos = v, 's', lit, s.pos+n
		return
	case strings.IndexByte("{}()[],:.-=&*+/", c) >= 0:
	default:
		r, _ := utf8.DecodeRuneInString(s.src[s.pos:])
		s.Fail("unexpected character " + strconv.QuoteRune(r))
		return
	}
	s.Tok = s.src[s.pos : s.pos+n]
	s.tokenText = s.Tok
	s.pos += n
}

func isAlnum(c byte) bool {
	return c == '_' || 'a' <= c && c <= 'z' || 'A' <= c && c <= 'Z' || '0' <= c && c <= '9'
}

// PeekAssign: the identifier just read is followed by := or =.
func (s *Scanner) PeekAssign() bool {
	return s.FollowedBy(":=") || s.FollowedBy("=") && !s.FollowedBy("==")
}

// FollowedBy: the source after the current token starts with text,
// spaces aside.
func (s *Scanner) FollowedBy(text string) bool {
	return strings.HasPrefix(strings.TrimLeft(s.src[s.pos:], " \t\r\n"), text)
}

// Want consumes toks, one token each, or fails.
func (s *Scanner) Want(toks ...string) {
	for _, tok := range toks {
		if s.Err == nil && s.Tok != tok {
			s.Fail("expected " + tok + ", found " + s.Describe())
		}
		s.Next()
	}
}

// Sep consumes the comma between two elements of a list that close ends.
func (s *Scanner) Sep(close string) {
	if s.Err == nil && s.Tok != close {
		if s.Tok != "," {
			s.Fail("expected , or " + close + ", found " + s.Describe())
		}
		s.Next()
	}
}

// Describe is the current token as written, for messages.
func (s *Scanner) Describe() string {
	if s.Kind == 0 {
		return "the end of the text"
	}
	return server.Excerpt(s.tokenText)
}

// Fail records msg at the current token, unless an error came first.
func (s *Scanner) Fail(msg string) { s.FailAt(s.At, msg) }

// FailAt records msg at the byte offset at (a token's At).
func (s *Scanner) FailAt(at int, msg string) {
	if s.Err == nil {
		line := 1 + strings.Count(s.src[:at], "\n")
		col := 1 + utf8.RuneCountInString(s.src[strings.LastIndexByte(s.src[:at], '\n')+1:at])
		s.Err = errors.New("line " + strconv.Itoa(line) + ", column " + strconv.Itoa(col) + ": " + msg)
	}
}
