package evidence

import (
	"slices"
	"strconv"
	"strings"
	"unicode/utf8"

	"corsplay/engine"
)

// This file reads DevTools' "Copy as fetch": Chrome's
// fetch("url", {"headers": {…}, "referrer": …, "body": …, "method": …,
// "mode": …, "credentials": …}); and Firefox's await fetch("url", {…}).
// The call is parsed as literal text, never run: strings in either quote,
// numbers, true, false, null, undefined, objects and arrays.

// jsValue is a parsed literal: string, float64, bool, nil, jsObject or
// []jsValue.
type jsValue any

// jsObject keeps an object's members in order (headers are ordered).
type jsObject []jsMember

type jsMember struct {
	key   string
	value jsValue
	line  int
}

// jsParser reads a JavaScript literal, tracking lines.
type jsParser struct {
	s     string
	i     int
	line  int
	depth int
}

const maxJSDepth = 32

func (p *jsParser) fail(format string, args ...any) error {
	return errorAt(p.line, format, args...)
}

// space skips white space and comments.
func (p *jsParser) space() {
	for p.i < len(p.s) {
		switch c := p.s[p.i]; {
		case c == '\n':
			p.line++
			p.i++
		case c == ' ' || c == '\t' || c == '\r':
			p.i++
		case strings.HasPrefix(p.s[p.i:], "//"):
			for p.i < len(p.s) && p.s[p.i] != '\n' {
				p.i++
			}
		case strings.HasPrefix(p.s[p.i:], "/*"):
			end := strings.Index(p.s[p.i+2:], "*/")
			if end < 0 {
				p.i = len(p.s)
				return
			}
			p.line += strings.Count(p.s[p.i:p.i+2+end], "\n")
			p.i += end + 4
		default:
			return
		}
	}
}

func (p *jsParser) peek() byte {
	p.space()
	if p.i < len(p.s) {
		return p.s[p.i]
	}
	return 0
}

func (p *jsParser) expect(c byte) error {
	if p.peek() != c {
		return p.fail("want %q, got %s", c, p.near())
	}
	p.i++
	return nil
}

// near quotes what comes next, for errors.
func (p *jsParser) near() string {
	if p.i >= len(p.s) {
		return "the end of the text"
	}
	rest := p.s[p.i:min(len(p.s), p.i+20)]
	rest, _, _ = strings.Cut(rest, "\n")
	return strconv.Quote(rest)
}

func isIdentByte(c byte) bool {
	return c == '_' || c == '$' || 'a' <= c && c <= 'z' || 'A' <= c && c <= 'Z' || '0' <= c && c <= '9'
}

func (p *jsParser) ident() string {
	p.space()
	start := p.i
	for p.i < len(p.s) && isIdentByte(p.s[p.i]) {
		p.i++
	}
	return p.s[start:p.i]
}

// value reads one literal.
func (p *jsParser) value() (jsValue, error) {
	switch c := p.peek(); {
	case c == '"' || c == '\'' || c == '`':
		return p.str()
	case c == '{':
		return p.object()
	case c == '[':
		return p.array()
	case c == '-' || '0' <= c && c <= '9':
		start := p.i
		p.i++
		for p.i < len(p.s) && strings.IndexByte("0123456789.eE+-xXabcdefABCDEF_", p.s[p.i]) >= 0 {
			p.i++
		}
		n, err := strconv.ParseFloat(p.s[start:p.i], 64)
		if err != nil {
			return nil, p.fail("%q is not a number", p.s[start:p.i])
		}
		return n, nil
	case isIdentByte(c):
		switch w := p.ident(); w {
		case "null", "undefined":
			return nil, nil
		case "true":
			return true, nil
		case "false":
			return false, nil
		default:
			return nil, p.fail("%s is a variable or an expression: corsplay reads only literal values (strings, numbers, objects), as DevTools copies them", w)
		}
	}
	return nil, p.fail("want a value, got %s", p.near())
}

func (p *jsParser) nest() error {
	if p.depth++; p.depth > maxJSDepth {
		return p.fail("objects nested more than %d deep", maxJSDepth)
	}
	return nil
}

func (p *jsParser) object() (jsObject, error) {
	if err := p.nest(); err != nil {
		return nil, err
	}
	defer func() { p.depth-- }()
	if err := p.expect('{'); err != nil {
		return nil, err
	}
	var o jsObject
	for p.peek() != '}' {
		line := p.line
		var key string
		if c := p.peek(); c == '"' || c == '\'' {
			k, err := p.str()
			if err != nil {
				return nil, err
			}
			key = k
		} else if key = p.ident(); key == "" {
			return nil, p.fail("want a key, got %s", p.near())
		}
		if err := p.expect(':'); err != nil {
			return nil, err
		}
		v, err := p.value()
		if err != nil {
			return nil, err
		}
		o = append(o, jsMember{key, v, line})
		if p.peek() != ',' {
			break
		}
		p.i++
	}
	return o, p.expect('}')
}

func (p *jsParser) array() ([]jsValue, error) {
	if err := p.nest(); err != nil {
		return nil, err
	}
	defer func() { p.depth-- }()
	if err := p.expect('['); err != nil {
		return nil, err
	}
	var a []jsValue
	for p.peek() != ']' {
		v, err := p.value()
		if err != nil {
			return nil, err
		}
		a = append(a, v)
		if p.peek() != ',' {
			break
		}
		p.i++
	}
	return a, p.expect(']')
}

// str reads a string literal with JavaScript's escapes.
func (p *jsParser) str() (string, error) {
	q := p.peek()
	start := p.line
	p.i++
	var b strings.Builder
	for p.i < len(p.s) {
		c := p.s[p.i]
		switch {
		case c == q:
			p.i++
			return b.String(), nil
		case c == '\n' && q != '`':
			return "", errorAt(start, "a string that does not end on its line")
		case q == '`' && strings.HasPrefix(p.s[p.i:], "${"):
			return "", p.fail("a template with ${…} is an expression: corsplay reads only literal values")
		case c == '\\':
			if err := p.escape(&b); err != nil {
				return "", err
			}
			continue
		case c == '\n':
			p.line++
		}
		b.WriteByte(c)
		p.i++
	}
	return "", errorAt(start, "a string that does not end")
}

// escape reads one backslash escape (ECMAScript's SingleStringCharacter).
func (p *jsParser) escape(b *strings.Builder) error {
	p.i++ // the backslash
	if p.i >= len(p.s) {
		return p.fail("a backslash at the end of the text")
	}
	c := p.s[p.i]
	p.i++
	switch c {
	case 'n':
		b.WriteByte('\n')
	case 't':
		b.WriteByte('\t')
	case 'r':
		b.WriteByte('\r')
	case 'b':
		b.WriteByte('\b')
	case 'f':
		b.WriteByte('\f')
	case 'v':
		b.WriteByte('\v')
	case '0':
		b.WriteByte(0)
	case '\n':
		p.line++ // a line continuation
	case 'x', 'u':
		n := 2
		if c == 'u' {
			n = 4
			if p.i < len(p.s) && p.s[p.i] == '{' {
				end := strings.IndexByte(p.s[p.i:], '}')
				if end < 0 {
					return p.fail("an unterminated \\u{…} escape")
				}
				r, err := strconv.ParseUint(p.s[p.i+1:p.i+end], 16, 32)
				if err != nil || r > utf8.MaxRune {
					return p.fail("a bad \\u{…} escape")
				}
				b.WriteRune(rune(r))
				p.i += end + 1
				return nil
			}
		}
		if p.i+n > len(p.s) {
			return p.fail("a short \\%c escape", c)
		}
		r, err := strconv.ParseUint(p.s[p.i:p.i+n], 16, 32)
		if err != nil {
			return p.fail("a bad \\%c escape", c)
		}
		b.WriteRune(rune(r))
		p.i += n
	default:
		b.WriteByte(c)
	}
	return nil
}

// importFetch reads a copied fetch() call.
func importFetch(text string) (Result, error) {
	p := &jsParser{s: text, line: 1}
	w := p.ident()
	if w == "await" {
		w = p.ident()
	}
	if w != "fetch" {
		return Result{}, p.fail("want fetch(\"https://…\", {…}), got %s", p.near())
	}
	if err := p.expect('('); err != nil {
		return Result{}, err
	}
	line := p.line
	u, err := p.value()
	if err != nil {
		return Result{}, err
	}
	target, ok := u.(string)
	if !ok {
		return Result{}, errorAt(line, "fetch()'s first argument must be the URL as a string")
	}
	s := seen{source: SourceFetch, where: "fetch()", line: line, url: target}
	if p.peek() == ',' {
		p.i++
		if p.peek() != ')' {
			v, err := p.value()
			if err != nil {
				return Result{}, err
			}
			init, ok := v.(jsObject)
			if !ok {
				return Result{}, errorAt(line, "fetch()'s second argument must be an object: {\"method\": …, \"headers\": {…}}")
			}
			if err := s.readInit(init); err != nil {
				return Result{}, err
			}
		}
	}
	if err := p.expect(')'); err != nil {
		return Result{}, err
	}
	s.browser = browserOf(s.headers)
	if s.browser == "" && strings.HasPrefix(strings.TrimSpace(text), "await") {
		s.browser = engine.Firefox // Firefox's form awaits, Chrome's does not
	}
	return s.scenario()
}

// readInit reads fetch()'s RequestInit.
func (s *seen) readInit(init jsObject) error {
	str := func(m jsMember) (string, error) {
		v, ok := m.value.(string)
		if !ok {
			return "", errorAt(m.line, "%q must be a string", m.key)
		}
		return v, nil
	}
	for _, m := range init {
		switch m.key {
		case "method":
			v, err := str(m)
			if err != nil {
				return err
			}
			s.method = v
		case "headers":
			hs, ok := m.value.(jsObject)
			if !ok {
				return errorAt(m.line, "\"headers\" must be an object of names and values")
			}
			for _, h := range hs {
				v, ok := h.value.(string)
				if !ok {
					if f, isNum := h.value.(float64); isNum {
						v = strconv.FormatFloat(f, 'f', -1, 64)
					} else {
						return errorAt(h.line, "the header %q must have a string value", h.key)
					}
				}
				s.headers = append(s.headers, engine.Header{Name: h.key, Value: v})
			}
			s.cookies = s.headers.Has("Cookie")
		case "body":
			switch v := m.value.(type) {
			case nil:
			case string:
				if len(v) > maxBody {
					s.bodyBytes = len(v)
					v = v[:maxBody]
				}
				s.body = &v
			default:
				return errorAt(m.line, "\"body\" must be a string or null: corsplay models string bodies")
			}
		case "credentials", "mode", "redirect":
			v, err := str(m)
			if err != nil {
				return err
			}
			if !slices.Contains(requestInitEnums[m.key], v) {
				return errorAt(m.line, "%s %q: fetch() throws a TypeError; use %s", m.key, v, quotedOr(requestInitEnums[m.key]))
			}
			switch m.key {
			case "credentials":
				s.credentials = v
			case "mode":
				s.mode = v
			default:
				s.redirect = v
			}
		case "referrer":
			v, err := str(m)
			if err != nil {
				return err
			}
			s.referrer = v
		}
	}
	if s.credentials == engine.CredentialsInclude && !s.cookies {
		s.cookies = true
	}
	return nil
}

// requestInitEnums are the values fetch() takes for RequestInit's
// enumerations; any other throws a TypeError.
var requestInitEnums = map[string][]string{
	"credentials": {engine.CredentialsOmit, engine.CredentialsSameOrigin, engine.CredentialsInclude},
	"mode":        {engine.ModeCORS, engine.ModeNoCORS, engine.ModeSameOrigin},
	"redirect":    {engine.RedirectFollow, engine.RedirectError, engine.RedirectManual},
}

// quotedOr writes "a", "b" or "c".
func quotedOr(list []string) string {
	q := make([]string, len(list))
	for i, v := range list {
		q[i] = strconv.Quote(v)
	}
	return strings.Join(q[:len(q)-1], ", ") + " or " + q[len(q)-1]
}
