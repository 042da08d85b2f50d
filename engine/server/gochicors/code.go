package gochicors

import (
	"encoding/json"
	"errors"
	"strconv"
	"strings"
	"unicode/utf8"

	"corsplay/engine/server"
)

// export writes a Go program serving the options with go-chi/cors.
func export(m map[string]json.RawMessage) (string, error) {
	o, err := decode(m)
	if err != nil {
		return "", err
	}
	return "package main\n\nimport (\n\t\"log\"\n\t\"net/http\"\n\n\t\"github.com/go-chi/cors\"\n)\n\nfunc main() {\n\tc := cors.New(" +
		literal(o, "\t") + ")\n\t// The app answers \"ok\" to every method on /r (and on any other path).\n" +
		"\tok := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {\n\t\tw.Write([]byte(\"ok\"))\n\t})\n" +
		"\tlog.Fatal(http.ListenAndServe(\"localhost:8080\", c.Handler(ok)))\n}\n", nil
}

// call is the configuration as a program writes it, for the fixes:
// cors.Handler(cors.Options{…}).
func call(opts []server.Opt) string {
	m := map[string]json.RawMessage{}
	for _, o := range opts {
		m[o.Name] = o.Raw
	}
	o, _ := decode(m)
	return "cors.Handler(" + literal(o, "") + ")"
}

// literal writes the options as a cors.Options literal: the fields set, one
// a line, aligned as gofmt aligns them, the lines indented by indent.
func literal(o options, indent string) string {
	type kv struct{ k, v string }
	var set []kv
	list := func(k string, l []string) {
		if l != nil {
			q := make([]string, len(l))
			for i, s := range l {
				q[i] = strconv.Quote(s)
			}
			set = append(set, kv{k, "[]string{" + strings.Join(q, ", ") + "}"})
		}
	}
	list("AllowedOrigins", o.AllowedOrigins)
	list("AllowedMethods", o.AllowedMethods)
	list("AllowedHeaders", o.AllowedHeaders)
	list("ExposedHeaders", o.ExposedHeaders)
	if o.AllowCredentials {
		set = append(set, kv{"AllowCredentials", "true"})
	}
	if o.MaxAge != 0 {
		set = append(set, kv{"MaxAge", strconv.Itoa(o.MaxAge)})
	}
	if o.OptionsPassthrough {
		set = append(set, kv{"OptionsPassthrough", "true"})
	}
	if o.Debug {
		set = append(set, kv{"Debug", "true"})
	}
	if len(set) == 0 {
		return "cors.Options{}"
	}
	width := 0
	for _, f := range set {
		width = max(width, len(f.k))
	}
	b := "cors.Options{\n"
	for _, f := range set {
		b += indent + "\t" + f.k + ":" + strings.Repeat(" ", width-len(f.k)+1) + f.v + ",\n"
	}
	return b + indent + "}"
}

// importText reads a cors.Options literal, as written in Go, optionally
// inside cors.New(…) or cors.Handler(…), r.Use(…) and an assignment; or
// cors.AllowAll().
func importText(text string) (map[string]json.RawMessage, error) {
	s := &scanner{src: text}
	s.next()
	if s.kind == 'i' && s.peekAssign() { // c := …
		s.next()
		if s.tok == ":" {
			s.next()
		}
		s.want("=")
	}
	use := s.tok != "cors" && s.kind == 'i' && s.followedBy(".Use(") // r.Use(
	if use {
		s.next()
		s.want(".", "Use", "(")
	}
	if s.tok != "cors" || !s.followedBy(".") {
		s.fail("expected cors.Options{…}, cors.New(…), cors.Handler(…) or cors.AllowAll() of github.com/go-chi/cors, found " + s.describe())
	}
	s.want("cors", ".")
	out := map[string]json.RawMessage{}
	switch s.tok {
	case "AllowAll":
		s.next()
		s.want("(", ")")
		for _, f := range [][2]string{{"AllowedOrigins", `["*"]`}, {"AllowedMethods", `["HEAD","GET","POST","PUT","PATCH","DELETE"]`},
			{"AllowedHeaders", `["*"]`}, {"AllowCredentials", "false"}} {
			out[f[0]] = json.RawMessage(f[1])
		}
		if s.tok == "." {
			s.next()
			s.want("Handler")
		}
	case "New", "Handler":
		call := s.tok
		s.next()
		s.want("(", "cors", ".", "Options")
		s.literal(out)
		s.sep(")")
		s.want(")")
		if call == "Handler" {
			break
		}
		if s.tok == "." { // cors.New(…).Handler
			s.next()
			s.want("Handler")
		}
	case "Options":
		s.next()
		s.literal(out)
	default:
		s.fail("expected Options, New, Handler or AllowAll, found " + s.describe())
	}
	if use {
		s.want(")")
	}
	if s.err == nil && s.kind != 0 {
		s.fail("unexpected " + s.describe() + " after the configuration")
	}
	return out, s.err
}

// literal reads {Field: value, …} into out.
func (s *scanner) literal(out map[string]json.RawMessage) {
	s.want("{")
	for s.err == nil && s.tok != "}" {
		name, at := s.tok, s.at
		if s.kind != 'i' {
			s.fail("expected a field name of cors.Options, found " + s.describe())
			return
		}
		s.next()
		if s.tok != ":" {
			s.failAt(at, "write each field as Name: value (cors.Options has fields of several types)")
			return
		}
		s.next()
		f := name
		if field(name) != name {
			hint := " (its fields: " + strings.Join(fields, ", ") + ")"
			if g := field(name); g != "" {
				hint = " (did you mean " + g + "? Go field names are case-sensitive)"
			} else if strings.Contains("|AllowPrivateNetwork|OptionsSuccessStatus|AllowOriginRequestFunc|AllowOriginVaryRequestFunc|Logger|", "|"+name+"|") {
				hint = " (rs/cors's cors.Options has it: is this rs/cors code?)"
			}
			s.failAt(at, "cors.Options has no field "+name+hint)
			return
		}
		if _, dup := out[f]; dup {
			s.failAt(at, "duplicate field name "+f+" in struct literal")
			return
		}
		var v any
		switch f {
		case "AllowOriginFunc":
			if s.tok != "nil" {
				s.failAt(at, "AllowOriginFunc is a Go function: corsplay cannot run it; list the origins in AllowedOrigins instead")
				return
			}
			s.next()
		case "AllowCredentials", "OptionsPassthrough", "Debug":
			v = s.boolean(f)
		case "MaxAge":
			v = s.integer(f)
		default:
			if l := s.strings(f); l != nil {
				v = l
			}
		}
		if s.err != nil {
			return
		}
		if v != nil {
			out[f], _ = json.Marshal(v)
		}
		s.sep("}")
	}
	s.want("}")
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

func (s *scanner) boolean(option string) any {
	if s.tok != "true" && s.tok != "false" {
		s.fail(option + " wants true or false, found " + s.describe())
		return nil
	}
	v := s.tok == "true"
	s.next()
	return v
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
