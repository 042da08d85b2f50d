package gorillahandlers

import (
	"encoding/json"
	"errors"
	"strconv"
	"strings"
	"unicode/utf8"
)

// export writes a Go program serving the options with gorilla/handlers.
func export(m map[string]json.RawMessage) (string, error) {
	if _, err := newCors(m); err != nil {
		return "", err
	}
	return "package main\n\nimport (\n\t\"log\"\n\t\"net/http\"\n\n\t\"github.com/gorilla/handlers\"\n)\n\nfunc main() {\n\tcors := " +
		call(m, "\t") + "\n\t// The app answers \"ok\" to every method on /r (and on any other path).\n" +
		"\tok := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {\n\t\tw.Write([]byte(\"ok\"))\n\t})\n" +
		"\tlog.Fatal(http.ListenAndServe(\"localhost:8080\", cors(ok)))\n}\n", nil
}

// call writes handlers.CORS(…) with one option function a line for each
// present key, in the order of keys, the lines indented by indent.
func call(m map[string]json.RawMessage, indent string) string {
	b := "handlers.CORS("
	for _, k := range keys {
		raw, ok := m[k]
		if !ok {
			continue
		}
		var arg string
		switch k {
		case "AllowCredentials", "IgnoreOptions":
			if string(raw) != "true" {
				continue
			}
		case "MaxAge", "OptionStatusCode":
			var n int
			json.Unmarshal(raw, &n)
			arg = strconv.Itoa(n)
		case "AllowedOriginValidator":
			arg = "nil"
		default:
			var l []string
			json.Unmarshal(raw, &l)
			arg = "nil"
			if l != nil {
				q := make([]string, len(l))
				for i, s := range l {
					q[i] = strconv.Quote(s)
				}
				arg = "[]string{" + strings.Join(q, ", ") + "}"
			}
		}
		b += "\n" + indent + "\thandlers." + k + "(" + arg + "),"
	}
	if b[len(b)-1] == ',' {
		b += "\n" + indent
	}
	return b + ")"
}

// importText reads a handlers.CORS(…) call, as written in Go, maybe
// assigned and maybe applied to a handler: each argument a handlers option
// function with literal arguments.
func importText(text string) (map[string]json.RawMessage, error) {
	s := &scanner{src: text}
	s.next()
	if s.kind == 'i' && s.peekAssign() { // cors := …
		s.next()
		if s.tok == ":" {
			s.next()
		}
		s.want("=")
	}
	if s.tok != "handlers" || !s.followedBy(".") {
		s.fail("expected handlers.CORS(…) of github.com/gorilla/handlers, found " + s.describe())
	}
	s.want("handlers", ".", "CORS", "(")
	out := map[string]json.RawMessage{}
	var headers []string
	for s.err == nil && s.tok != ")" {
		s.want("handlers", ".")
		name, at := s.tok, s.at
		if s.kind != 'i' {
			s.fail("expected a handlers option function, found " + s.describe())
			break
		}
		s.next()
		s.want("(")
		var v any
		switch name {
		case "AllowedOrigins", "AllowedMethods", "ExposedHeaders":
			v = s.strings(name)
		case "AllowedHeaders":
			// An append: two calls add both lists.
			l := s.strings(name)
			if l != nil || headers == nil {
				headers = append(headers, l...)
			}
			if headers == nil {
				headers = []string{}
			}
			v = headers
		case "AllowCredentials", "IgnoreOptions":
			v = true
		case "MaxAge", "OptionStatusCode":
			if s.tok == "http" && name == "OptionStatusCode" {
				s.next()
				s.want(".")
				v = map[string]int{"StatusOK": 200, "StatusNoContent": 204}[s.tok]
				if v == 0 {
					s.fail("corsplay knows http.StatusOK and http.StatusNoContent only, not http." + s.describe())
				}
				s.next()
				break
			}
			v = s.integer(name)
		case "AllowedOriginValidator":
			if s.tok != "nil" {
				s.failAt(at, "AllowedOriginValidator takes a Go function: corsplay cannot run it; list the origins in handlers.AllowedOrigins instead")
				break
			}
			s.next()
			v = nil
		default:
			hint := ""
			for _, k := range keys {
				if strings.EqualFold(k, name) {
					hint = " (did you mean " + k + "?)"
				}
			}
			s.failAt(at, "gorilla/handlers has no CORS option "+name+hint+"; its options: "+strings.Join(keys, ", "))
		}
		s.want(")")
		if s.err != nil {
			break
		}
		out[name], _ = json.Marshal(v)
		s.sep(")")
	}
	s.want(")")
	if s.tok == "(" { // …(router)
		s.next()
		if s.kind != 'i' {
			s.fail("expected the handler CORS wraps, found " + s.describe())
		}
		s.next()
		s.want(")")
	}
	if s.err == nil && s.kind != 0 {
		s.fail("unexpected " + s.describe() + " after the configuration")
	}
	return out, s.err
}

// strings reads []string{…} (or nil: nil is returned) of string literals
// and http.Method constants.
func (s *scanner) strings(option string) []string {
	if s.tok == "nil" {
		s.next()
		return nil
	}
	if s.tok != "[" {
		s.fail(option + " wants []string{…}, found " + s.describe())
		return nil
	}
	s.next()
	s.want("]", "string", "{")
	l := []string{}
	for s.err == nil && s.tok != "}" {
		switch {
		case s.kind == 's':
			l = append(l, s.tok)
			s.next()
		case s.tok == "http":
			s.next()
			s.want(".")
			m, ok := strings.CutPrefix(s.tok, "Method")
			if !ok || strings.Index("|Get|Head|Post|Put|Patch|Delete|Connect|Options|Trace|", "|"+m+"|") < 0 {
				s.fail("corsplay knows the http.Method constants only, not http." + s.tok)
				return nil
			}
			l = append(l, strings.ToUpper(m))
			s.next()
		default:
			s.fail(option + " lists string literals only (corsplay does not evaluate Go), found " + s.describe())
			return nil
		}
		s.sep("}")
	}
	s.want("}")
	return l
}

// integer reads an integer literal, maybe negated, as a Go int.
func (s *scanner) integer(option string) any {
	neg := s.tok == "-"
	if neg {
		s.next()
	}
	n, err := strconv.ParseInt(s.tok, 0, 64)
	if s.kind != 'n' || err != nil {
		s.fail(option + " wants an integer literal (corsplay does not evaluate Go), found " + s.describe())
		return nil
	}
	s.next()
	if s.tok != "," && s.tok != "}" && s.tok != ")" {
		s.fail(option + " wants an integer literal alone (corsplay does not evaluate Go expressions), found " + s.describe())
		return nil
	}
	if neg {
		n = -n
	}
	return n
}

// scanner splits Go source into tokens: identifiers (kind 'i'), integer
// literals ('n'), string literals ('s', tok is the value) and punctuation
// ('p'); kind 0 at the end. The first error stops it.
type scanner struct {
	src       string
	pos, at   int
	tok       string
	kind      byte
	err       error
	tokenText string // the token as written
}

func (s *scanner) next() {
	if s.err != nil {
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
				s.at = s.pos
				s.fail("a /* comment is not closed")
				return
			}
			s.pos += i + 4
			continue
		}
		break
	}
	s.at = s.pos
	if s.pos == len(s.src) {
		s.tok, s.kind, s.tokenText = "", 0, ""
		return
	}
	c, n := s.src[s.pos], 1
	s.kind = 'p'
	switch {
	case c == '_' || 'a' <= c && c <= 'z' || 'A' <= c && c <= 'Z':
		for n < len(s.src)-s.pos && isAlnum(s.src[s.pos+n]) {
			n++
		}
		s.kind = 'i'
	case '0' <= c && c <= '9':
		for n < len(s.src)-s.pos && (isAlnum(s.src[s.pos+n]) || s.src[s.pos+n] == '.') {
			n++
		}
		s.kind = 'n'
	case c == '"' || c == '`':
		for ; s.pos+n < len(s.src) && s.src[s.pos+n] != c && (c == '`' || s.src[s.pos+n] != '\n'); n++ {
			if c == '"' && s.src[s.pos+n] == '\\' {
				n++
			}
		}
		if s.pos+n >= len(s.src) || s.src[s.pos+n] != c {
			s.fail("a string literal is not closed")
			return
		}
		n++
		lit := s.src[s.pos : s.pos+n]
		v, err := strconv.Unquote(lit)
		if c == '`' {
			v, err = strings.ReplaceAll(lit[1:n-1], "\r", ""), nil
		}
		if err != nil {
			s.fail("cannot read the string literal " + lit)
			return
		}
		s.tok, s.kind, s.tokenText, s.pos = v, 's', lit, s.pos+n
		return
	case strings.IndexByte("{}()[],:.-=&*+/", c) >= 0:
	default:
		r, _ := utf8.DecodeRuneInString(s.src[s.pos:])
		s.fail("unexpected character " + strconv.QuoteRune(r))
		return
	}
	s.tok = s.src[s.pos : s.pos+n]
	s.tokenText = s.tok
	s.pos += n
}

func isAlnum(c byte) bool {
	return c == '_' || 'a' <= c && c <= 'z' || 'A' <= c && c <= 'Z' || '0' <= c && c <= '9'
}

// peekAssign: the identifier just read is followed by := or =.
func (s *scanner) peekAssign() bool {
	return s.followedBy(":=") || s.followedBy("=") && !s.followedBy("==")
}

// followedBy: the source after the current token starts with text,
// spaces aside.
func (s *scanner) followedBy(text string) bool {
	return strings.HasPrefix(strings.TrimLeft(s.src[s.pos:], " \t\r\n"), text)
}

// want consumes toks, one token each, or fails.
func (s *scanner) want(toks ...string) {
	for _, tok := range toks {
		if s.err == nil && s.tok != tok {
			s.fail("expected " + tok + ", found " + s.describe())
		}
		s.next()
	}
}

// sep consumes the comma between two elements of a list that close ends.
func (s *scanner) sep(close string) {
	if s.err == nil && s.tok != close {
		if s.tok != "," {
			s.fail("expected , or " + close + ", found " + s.describe())
		}
		s.next()
	}
}

func (s *scanner) describe() string {
	if s.kind == 0 {
		return "the end of the text"
	}
	return s.tokenText
}

func (s *scanner) fail(msg string) { s.failAt(s.at, msg) }

func (s *scanner) failAt(at int, msg string) {
	if s.err == nil {
		line := 1 + strings.Count(s.src[:at], "\n")
		col := 1 + utf8.RuneCountInString(s.src[strings.LastIndexByte(s.src[:at], '\n')+1:at])
		s.err = errors.New("line " + strconv.Itoa(line) + ", column " + strconv.Itoa(col) + ": " + msg)
	}
}
