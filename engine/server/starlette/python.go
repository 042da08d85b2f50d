package starlette

import (
	"bytes"
	"encoding/json"
	"errors"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"unicode/utf8"

	"corsplay/engine/pattern"
	"corsplay/engine/server"
)

// order is the options in CORSMiddleware's signature order.
var order = []string{"allow_origins", "allow_methods", "allow_headers", "allow_credentials",
	"allow_origin_regex", "expose_headers", "max_age"}

// export writes a Starlette app serving /r with these options, run by
// uvicorn on PORT (8080 when unset).
func export(m map[string]json.RawMessage) (string, error) {
	if _, err := readOptions(m); err != nil {
		if oe, ok := err.(*server.OptionError); ok {
			return "", oe
		}
	}
	var opts []server.Opt
	for _, k := range order {
		if raw, ok := m[k]; ok {
			opts = append(opts, server.Opt{Name: k, Raw: raw})
		}
	}
	var rest []string
	for k := range m {
		if !slices.Contains(order, k) {
			rest = append(rest, k)
		}
	}
	slices.Sort(rest)
	for _, k := range rest {
		opts = append(opts, server.Opt{Name: k, Raw: m[k]})
	}
	args, err := keywords(opts)
	if err != nil {
		return "", err
	}
	kw := ""
	for _, a := range args {
		kw += "            " + a + ",\n"
	}
	return `# Starlette 0.26.1's CORSMiddleware (FastAPI's CORSMiddleware is the same
# class) in front of an app whose /r answers "ok" to GET, POST, PUT, DELETE
# and PATCH. Run: python3 app.py  (pip install starlette==0.26.1 uvicorn)
import os

import uvicorn
from starlette.applications import Starlette
from starlette.middleware import Middleware
from starlette.middleware.cors import CORSMiddleware
from starlette.responses import PlainTextResponse
from starlette.routing import Route


async def ok(request):
    return PlainTextResponse("ok")


app = Starlette(
    routes=[Route("/r", ok, methods=["GET", "POST", "PUT", "DELETE", "PATCH"])],
    middleware=[
        Middleware(
            CORSMiddleware,
` + kw + `        )
    ],
)

if __name__ == "__main__":
    uvicorn.run(app, host="127.0.0.1", port=int(os.environ.get("PORT", "8080")))
`, nil
}

// keywords writes the options as Python keyword arguments, name=value;
// names Python cannot take as keywords go last, in **{...}.
func keywords(opts []server.Opt) ([]string, error) {
	var out, odd []string
	for _, o := range opts {
		var v any
		d := json.NewDecoder(bytes.NewReader(o.Raw))
		d.UseNumber()
		if err := d.Decode(&v); err != nil {
			return nil, &server.OptionError{Path: o.Name, Problem: err.Error()}
		}
		if pyName(o.Name) {
			out = append(out, o.Name+"="+pyLiteral(v))
		} else {
			odd = append(odd, strconv.QuoteToASCII(o.Name)+": "+pyLiteral(v))
		}
	}
	if len(odd) > 0 {
		out = append(out, "**{"+strings.Join(odd, ", ")+"}")
	}
	return out, nil
}

// pyName reports whether s is an ASCII Python identifier and no keyword.
func pyName(s string) bool {
	for i := 0; i < len(s); i++ {
		if !isIdent(s[i]) || s[i] >= utf8.RuneSelf || i == 0 && s[i] <= '9' {
			return false
		}
	}
	return s != "" && !strings.Contains(" False None True and as assert async await break class continue def del elif else except finally for from global if import in is lambda nonlocal not or pass raise return try while with yield ", " "+s+" ")
}

// call is app.add_middleware(CORSMiddleware, ...), as FastAPI's
// documentation writes it: on one line when it fits, else one argument a
// line.
func call(opts []server.Opt) string {
	args, _ := keywords(opts)
	args = append([]string{"CORSMiddleware"}, args...)
	if line := "app.add_middleware(" + strings.Join(args, ", ") + ")"; len(line) <= 79 {
		return line
	}
	return "app.add_middleware(\n    " + strings.Join(args, ",\n    ") + ",\n)"
}

// pyLiteral writes a JSON value as a Python literal. Go's ASCII quoting is
// a Python str literal of the same text (its \x, \u and \U escapes mean
// code points there too).
func pyLiteral(v any) string {
	switch v := v.(type) {
	case bool:
		if v {
			return "True"
		}
		return "False"
	case json.Number:
		return v.String()
	case string:
		return strconv.QuoteToASCII(v)
	case []any:
		s := "["
		for i, e := range v {
			if i > 0 {
				s += ", "
			}
			s += pyLiteral(e)
		}
		return s + "]"
	case map[string]any:
		keys := make([]string, 0, len(v))
		for k := range v {
			keys = append(keys, k)
		}
		slices.Sort(keys)
		s := "{"
		for i, k := range keys {
			if i > 0 {
				s += ", "
			}
			s += strconv.QuoteToASCII(k) + ": " + pyLiteral(v[k])
		}
		return s + "}"
	}
	return "None"
}

// A token of Python source: kind is 'n' (name), 's' (string), 'd'
// (number), 'o' (operator) or 'e' (end of text).
type token struct {
	kind   byte
	text   string // a name, an operator, a number, or a string's value
	prefix string // a string's prefix, lower-cased
	pos    int    // byte offset in the source
}

// importCall reads CORSMiddleware(app, allow_origins=[...], ...),
// app.add_middleware(CORSMiddleware, ...) or Middleware(CORSMiddleware,
// ...) into options. Values must be Python literals.
func importCall(src string) (map[string]json.RawMessage, error) {
	toks, lexErr := tokenize(src)
	p := &parser{src: src, lexErr: lexErr, out: map[string]json.RawMessage{}}
	start := -1
	for i := 0; i+1 < len(toks); i++ {
		t := toks[i]
		if t.kind != 'n' || toks[i+1].text != "(" || (i > 0 && (toks[i-1].text == "def" || toks[i-1].text == "class")) ||
			t.text != "CORSMiddleware" && !((t.text == "add_middleware" || t.text == "Middleware") && isCORSClass(toks[i+2:])) {
			continue
		}
		if start >= 0 {
			return nil, p.fail(t, "a second CORSMiddleware (the first is at "+p.where(toks[start].pos)+"): paste one")
		}
		start = i
	}
	if start < 0 {
		if lexErr != nil {
			return nil, lexErr
		}
		return nil, errors.New("no CORSMiddleware(app, ...), app.add_middleware(CORSMiddleware, ...) or Middleware(CORSMiddleware, ...) call found")
	}
	p.toks = toks[start+2:]
	return p.call(toks[start].text)
}

// isCORSClass reports whether the arguments start with CORSMiddleware (or
// a dotted path to it).
func isCORSClass(toks []token) bool {
	for i := 0; i < len(toks) && toks[i].kind == 'n'; i += 2 {
		if i+1 >= len(toks) || toks[i+1].text != "." {
			return toks[i].text == "CORSMiddleware"
		}
	}
	return false
}

type parser struct {
	src    string
	toks   []token
	i      int
	lexErr error
	out    map[string]json.RawMessage
}

func (p *parser) peek() token {
	if p.i < len(p.toks) {
		return p.toks[p.i]
	}
	return token{kind: 'e', pos: len(p.src)}
}

func (p *parser) next() token { t := p.peek(); p.i++; return t }

// is reports whether t is the operator op.
func is(t token, op string) bool { return t.kind == 'o' && t.text == op }

// where is "line L, column C" of a byte offset.
func (p *parser) where(pos int) string {
	before := p.src[:pos]
	col := utf8.RuneCountInString(before[strings.LastIndexByte(before, '\n')+1:]) + 1
	return "line " + strconv.Itoa(strings.Count(before, "\n")+1) + ", column " + strconv.Itoa(col)
}

func (p *parser) fail(t token, msg string) error {
	switch {
	case t.kind == 'e' && p.lexErr != nil:
		return p.lexErr
	case t.kind == 'e':
		return errors.New("the call is not closed: " + msg)
	}
	return errors.New(p.where(t.pos) + ": " + msg)
}

// what names a token in a message.
func what(t token) string {
	if t.kind == 'e' {
		return "the end of the text"
	}
	return strconv.Quote(t.text)
}

// skip passes over one expression (the app, the class), brackets
// balanced.
func (p *parser) skip() {
	depth := 0
	for t := p.peek(); t.kind != 'e'; t = p.peek() {
		if t.kind == 'o' && strings.Contains("([{", t.text) {
			depth++
		} else if t.kind == 'o' && strings.Contains(")]}", t.text) || is(t, ",") {
			if depth == 0 {
				return
			}
			depth -= strings.Count(")]}", t.text)
		}
		p.next()
	}
}

// call reads the arguments after "(".
func (p *parser) call(fn string) (map[string]json.RawMessage, error) {
	keyword := func() bool { return p.peek().kind == 'n' && p.i+1 < len(p.toks) && is(p.toks[p.i+1], "=") }
	if fn != "CORSMiddleware" || !keyword() {
		p.skip() // the class, or the app
		if is(p.peek(), ",") {
			p.next()
		}
	}
	for positional := 0; ; {
		t := p.peek()
		if is(t, ")") {
			return p.out, nil
		}
		var key string
		switch {
		case keyword():
			key = t.text
			if p.i += 2; p.out[key] != nil {
				return nil, p.fail(t, "keyword argument repeated: "+key+" (Python refuses the call)")
			}
		case is(t, "*") || is(t, "**"):
			return nil, p.fail(t, t.text+" unpacking: corsplay reads literal keyword arguments only")
		case fn != "CORSMiddleware":
			return nil, p.fail(t, fn+" takes the options as keyword arguments (allow_origins=[...])")
		case positional >= len(order):
			return nil, p.fail(t, "too many positional arguments: CORSMiddleware takes app and 7 options")
		default:
			key = order[positional]
			positional++
		}
		if key == "app" && fn == "CORSMiddleware" {
			p.skip()
		} else {
			v, err := p.value(key)
			if err != nil {
				return nil, err
			}
			p.out[key], _ = json.Marshal(v)
		}
		if t := p.next(); is(t, ")") {
			return p.out, nil
		} else if !is(t, ",") {
			return nil, p.fail(t, key+": expected , or ) after the value, got "+what(t))
		}
	}
}

// value reads one literal for option key.
func (p *parser) value(key string) (any, error) {
	t := p.next()
	switch {
	case t.kind == 's':
		s := ""
		for ; ; t = p.next() { // "a" "b" is "ab"
			if strings.ContainsAny(t.prefix, "bf") {
				return nil, p.fail(t, key+": a "+t.prefix+"-string; corsplay reads plain string literals only")
			}
			if s += t.text; p.peek().kind != 's' {
				return s, nil
			}
		}
	case t.kind == 'd' || is(t, "-") && p.peek().kind == 'd':
		neg := is(t, "-")
		if neg {
			t = p.next()
		}
		n, ok := pyIntLiteral(t.text)
		if !ok {
			return nil, p.fail(t, key+": "+t.text+" is not an integer literal")
		}
		if neg && n != "0" {
			n = "-" + n
		}
		return json.Number(n), nil
	case t.kind == 'n' && (t.text == "True" || t.text == "False"):
		return t.text == "True", nil
	case t.kind == 'n' && t.text == "None":
		return nil, nil
	case is(t, "[") || is(t, "("):
		closer := string(")]"[strings.Count("[", t.text)])
		list, tuple := []any{}, t.text == "["
		for !is(p.peek(), closer) {
			v, err := p.value(key)
			if err != nil {
				return nil, err
			}
			if list = append(list, v); !is(p.peek(), ",") {
				break
			}
			p.next()
			tuple = true
		}
		if u := p.next(); !is(u, closer) {
			return nil, p.fail(u, key+": expected , or "+closer+", got "+what(u))
		}
		if !tuple && len(list) == 1 { // ("GET") is the string, not a tuple
			return list[0], nil
		}
		return list, nil
	case t.kind == 'n':
		kind := map[string]string{"(": "a call", ".": "an attribute"}[p.peek().text]
		if kind == "" {
			kind = "a variable"
		}
		return nil, p.fail(t, key+"="+t.text+": "+kind+"; corsplay reads literal values only (strings, lists, tuples, True, False, None, integers)")
	case is(t, "{"):
		return nil, p.fail(t, key+": a set or a dict; write a list")
	}
	return nil, p.fail(t, key+": "+what(t)+" is not a literal corsplay reads")
}

// pyIntLiteral is the value of a Python integer literal (decimal of any
// length; 0x, 0o and 0b up to 64 bits), in decimal.
func pyIntLiteral(s string) (string, bool) {
	s = strings.ReplaceAll(s, "_", "")
	if len(s) > 2 && s[0] == '0' && strings.Contains("xXoObB", s[1:2]) {
		n, err := strconv.ParseUint(s, 0, 64)
		return strconv.FormatUint(n, 10), err == nil
	}
	if s == "" || strings.Trim(s, "0123456789") != "" {
		return "", false
	}
	if t := strings.TrimLeft(s, "0"); t != s {
		return "0", t == "" // 00 is 0; 017 is a SyntaxError
	}
	return s, true
}

// tokenize splits Python source into tokens; it stops at the first error,
// returning the tokens before it and the error with its position.
func tokenize(src string) ([]token, error) {
	var toks []token
	for i := 0; i < len(src); {
		c, j := src[i], i+1
		switch {
		case strings.IndexByte(" \t\r\n\f\\", c) >= 0:
		case c == '#':
			for j < len(src) && src[j] != '\n' {
				j++
			}
		case c >= '0' && c <= '9' || c == '.' && j < len(src) && src[j] >= '0' && src[j] <= '9':
			for j < len(src) && (isIdent(src[j]) || src[j] == '.') {
				j++
			}
			toks = append(toks, token{kind: 'd', text: src[i:j], pos: i})
		case isIdent(c) || c == '"' || c == '\'':
			for j = i; j < len(src) && isIdent(src[j]); j++ {
			}
			prefix := strings.ToLower(src[i:j])
			if j < len(src) && (src[j] == '"' || src[j] == '\'') && len(prefix) <= 2 && strings.Trim(prefix, "rbuf") == "" {
				s, n, err := pyString(src[j:], prefix)
				if err != nil {
					return toks, errors.New((&parser{src: src}).where(i) + ": " + err.Error())
				}
				toks = append(toks, token{kind: 's', text: s, prefix: prefix, pos: i})
				j += n
			} else {
				toks = append(toks, token{kind: 'n', text: src[i:j], pos: i})
			}
		case c == '*' && j < len(src) && src[j] == '*':
			toks = append(toks, token{kind: 'o', text: "**", pos: i})
			j++
		default:
			toks = append(toks, token{kind: 'o', text: src[i:j], pos: i})
		}
		i = j
	}
	return toks, nil
}

// isIdent: ASCII letters, digits and _, and any non-ASCII byte (Python
// names may be Unicode).
func isIdent(c byte) bool {
	return c == '_' || c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c >= utf8.RuneSelf
}

// pyString reads a string literal at the start of s (after its prefix):
// its value and its length in bytes.
func pyString(s, prefix string) (string, int, error) {
	q := s[:1]
	if strings.HasPrefix(s, q+q+q) {
		q += q + q
	}
	var b strings.Builder
	for i := len(q); i < len(s); {
		if strings.HasPrefix(s[i:], q) {
			return b.String(), i + len(q), nil
		}
		c := s[i]
		if c == '\n' && len(q) == 1 {
			break
		}
		if c != '\\' || i+1 >= len(s) {
			b.WriteByte(c)
			i++
			continue
		}
		e := s[i+1]
		if i += 2; strings.Contains(prefix, "r") {
			b.WriteString(s[i-2 : i])
			continue
		}
		switch k := strings.IndexByte("abfnrtv\\'\"\nxuUN01234567", e); {
		case k < 0:
			b.WriteString(s[i-2 : i]) // an unknown escape keeps its backslash
		case k < 10:
			b.WriteString("\a\b\f\n\r\t\v\\'\""[k : k+1])
		case k == 10: // a line continuation
		case k < 14:
			n := 2 << (k - 11) // \x: 2 digits, \u: 4, \U: 8
			if i+n > len(s) || strings.Trim(s[i:i+n], "0123456789abcdefABCDEF") != "" {
				return "", 0, errors.New(`a truncated \` + string(e) + " escape")
			}
			v, _ := strconv.ParseUint(s[i:i+n], 16, 32)
			if v > utf8.MaxRune {
				return "", 0, errors.New(`an illegal Unicode character in a \U escape`)
			}
			b.WriteRune(rune(v))
			i += n
		case k == 14:
			return "", 0, errors.New(`a \N{...} escape; write the character itself`)
		default: // up to three octal digits
			j := i - 1
			for i < len(s) && i < j+3 && s[i] >= '0' && s[i] <= '7' {
				i++
			}
			v, _ := strconv.ParseUint(s[j:i], 8, 32)
			b.WriteRune(rune(v))
		}
	}
	return "", 0, errors.New("an unterminated string literal")
}

// summarize reads the configuration in the policy's words.
func summarize(m map[string]json.RawMessage) server.Summary {
	var s server.Summary
	o, err := readOptions(m)
	if err != nil {
		return s
	}
	s.Credentials = o.credentials
	if o.origins.has("*") {
		s.AnyOrigin = "wildcard"
		if o.credentials {
			s.AnyOrigin = "reflect"
		}
		s.AnyEntry = strconv.Quote(o.origins.items[0])
		if !o.origins.str {
			s.AnyEntry = `"*"`
		}
		if !o.credentials {
			s.Notes = append(s.Notes, `"*" answers with * unless the request carries a Cookie header: then the origin is echoed.`)
		}
	}
	if o.origins.str {
		written := o.origins.items[0]
		for _, origin := range substringOrigins(written) {
			s.Origins = append(s.Origins, server.Entry{Written: written, Policy: origin})
		}
		s.Notes = append(s.Notes, "allow_origins is a string, which Starlette searches with Python's in: every origin that is part of it is let in.")
	} else {
		for _, e := range o.origins.items {
			if e == "*" || e == "" {
				continue
			}
			policy := e
			if strings.Contains(e, "*") || strings.HasPrefix(e, "re:") {
				policy = "re:^" + regexp.QuoteMeta(e) + "$"
			}
			s.Origins = append(s.Origins, server.Entry{Written: e, Policy: policy})
		}
	}
	if o.regex != nil {
		if g, err := pattern.TranslatePython(*o.regex, "$"); err == nil {
			s.Origins = append(s.Origins, server.Entry{Written: *o.regex, Policy: "re:^(?:" + g + ")$", Regex: true})
		}
	}
	if o.credentials && !o.origins.has("*") {
		s.Notes = append(s.Notes, "Access-Control-Allow-Credentials: true goes to every request with an Origin header, allowed or not.")
	}
	return s
}

// substringOrigins lists the http(s) origins (and null) that are part of
// s, at most 64.
func substringOrigins(s string) []string {
	var out []string
	if strings.Contains(s, "null") {
		out = append(out, "null")
	}
	for i := 0; i < len(s) && len(out) < 64; i++ {
		var host int
		switch {
		case strings.HasPrefix(s[i:], "https://"):
			host = i + 8
		case strings.HasPrefix(s[i:], "http://"):
			host = i + 7
		default:
			continue
		}
		port := -1
		for j := host; j < len(s) && len(out) < 64; j++ {
			c := s[j]
			if c == ':' && port < 0 && j > host {
				port = j
				continue
			}
			if !(c >= 'a' && c <= 'z' || c >= '0' && c <= '9' || (port < 0 && (c == '.' || c == '-'))) {
				break
			}
			if port < 0 && (c == '.' || c == '-') {
				continue
			}
			if o := s[i : j+1]; !slices.Contains(out, o) {
				out = append(out, o)
			}
		}
	}
	return out
}
