package starlette

import (
	"bytes"
	"encoding/json"
	"fmt"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"unicode"
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
		if _, ok := err.(*server.OptionError); ok {
			return "", err
		}
	}
	var kw strings.Builder
	names := slices.Clone(order)
	for k := range m {
		if !slices.Contains(order, k) {
			names = append(names, k)
		}
	}
	slices.Sort(names[len(order):])
	for _, k := range names {
		if raw, ok := m[k]; ok {
			var v any
			d := json.NewDecoder(bytes.NewReader(raw))
			d.UseNumber()
			if err := d.Decode(&v); err != nil {
				return "", &server.OptionError{Path: k, Problem: err.Error()}
			}
			kw.WriteString("            " + k + "=" + pyLiteral(v) + ",\n")
		}
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
` + kw.String() + `        )
    ],
)

if __name__ == "__main__":
    uvicorn.run(app, host="127.0.0.1", port=int(os.environ.get("PORT", "8080")))
`, nil
}

// pyLiteral writes a JSON value as a Python literal.
func pyLiteral(v any) string {
	switch v := v.(type) {
	case nil:
		return "None"
	case bool:
		if v {
			return "True"
		}
		return "False"
	case json.Number:
		return v.String()
	case string:
		var b strings.Builder
		b.WriteByte('"')
		for _, r := range v {
			switch {
			case r == '"' || r == '\\':
				b.WriteString(`\` + string(r))
			case r == '\n':
				b.WriteString(`\n`)
			case r < 0x80 && unicode.IsPrint(r):
				b.WriteRune(r)
			case r < 0x100:
				fmt.Fprintf(&b, `\x%02x`, r)
			case r < 0x10000:
				fmt.Fprintf(&b, `\u%04x`, r)
			default:
				fmt.Fprintf(&b, `\U%08x`, r)
			}
		}
		return b.String() + `"`
	case []any:
		var parts []string
		for _, e := range v {
			parts = append(parts, pyLiteral(e))
		}
		return "[" + strings.Join(parts, ", ") + "]"
	case map[string]any:
		var keys, parts []string
		for k := range v {
			keys = append(keys, k)
		}
		slices.Sort(keys)
		for _, k := range keys {
			parts = append(parts, pyLiteral(k)+": "+pyLiteral(v[k]))
		}
		return "{" + strings.Join(parts, ", ") + "}"
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
func importCall(text string) (map[string]json.RawMessage, error) {
	toks, lexErr := tokenize(text)
	p := &parser{src: text, lexErr: lexErr, out: map[string]json.RawMessage{}}
	start := -1
	for i := 0; i+1 < len(toks); i++ {
		t := toks[i]
		if t.kind != 'n' || toks[i+1].text != "(" || (i > 0 && (toks[i-1].text == "def" || toks[i-1].text == "class")) {
			continue
		}
		if t.text != "CORSMiddleware" && !((t.text == "add_middleware" || t.text == "Middleware") && isCORSClass(toks[i+2:])) {
			continue
		}
		if start >= 0 {
			return nil, p.fail(t, "a second CORSMiddleware (the first is at %s): paste one", p.where(toks[start].pos))
		}
		start = i
	}
	if start < 0 {
		if lexErr != nil {
			return nil, lexErr
		}
		return nil, fmt.Errorf("no CORSMiddleware(app, ...), app.add_middleware(CORSMiddleware, ...) or Middleware(CORSMiddleware, ...) call found")
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

// where is "line L, column C" of a byte offset.
func (p *parser) where(pos int) string {
	before := p.src[:pos]
	nl := strings.LastIndexByte(before, '\n')
	return fmt.Sprintf("line %d, column %d", strings.Count(before, "\n")+1, utf8.RuneCountInString(before[nl+1:])+1)
}

func (p *parser) fail(t token, format string, a ...any) error {
	switch {
	case t.kind == 'e' && p.lexErr != nil:
		return p.lexErr
	case t.kind == 'e':
		return fmt.Errorf("the call is not closed: "+format, a...)
	}
	return fmt.Errorf("%s: "+format, append([]any{p.where(t.pos)}, a...)...)
}

// skip passes over one expression (the app, the class), brackets
// balanced.
func (p *parser) skip() {
	depth := 0
	for t := p.peek(); t.kind != 'e'; t = p.peek() {
		switch {
		case t.kind == 'o' && strings.Contains("([{", t.text):
			depth++
		case t.kind == 'o' && strings.Contains(")]}", t.text):
			if depth == 0 {
				return
			}
			depth--
		case t.text == "," && t.kind == 'o' && depth == 0:
			return
		}
		p.next()
	}
}

// call reads the arguments after "(".
func (p *parser) call(fn string) (map[string]json.RawMessage, error) {
	if fn != "CORSMiddleware" || !(p.peek().kind == 'n' && p.i+1 < len(p.toks) && p.toks[p.i+1].text == "=") {
		p.skip() // the class, or the app
		if p.peek().text == "," {
			p.next()
		}
	}
	positional := 0
	for {
		t := p.peek()
		if t.text == ")" && t.kind == 'o' {
			return p.out, nil
		}
		var key string
		switch {
		case t.kind == 'n' && p.i+1 < len(p.toks) && p.toks[p.i+1].text == "=":
			key = t.text
			p.i += 2
			if _, dup := p.out[key]; dup {
				return nil, p.fail(t, "keyword argument repeated: %s (Python refuses the call)", key)
			}
		case t.kind == 'o' && (t.text == "*" || t.text == "**"):
			return nil, p.fail(t, "%s unpacking: corsplay reads literal keyword arguments only", t.text)
		case fn != "CORSMiddleware":
			return nil, p.fail(t, "%s takes the options as keyword arguments (allow_origins=[...])", fn)
		case positional >= len(order):
			return nil, p.fail(t, "too many positional arguments: CORSMiddleware takes app and %d options", len(order))
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
		switch t := p.next(); {
		case t.text == "," && t.kind == 'o':
		case t.text == ")" && t.kind == 'o':
			return p.out, nil
		default:
			return nil, p.fail(t, "%s: expected , or ) after the value, got %s", key, describe(t))
		}
	}
}

// value reads one literal for option key.
func (p *parser) value(key string) (any, error) {
	t := p.next()
	switch {
	case t.kind == 's':
		s := ""
		for {
			if strings.ContainsAny(t.prefix, "bf") {
				return nil, p.fail(t, "%s: a %s-string; corsplay reads plain string literals only", key, t.prefix)
			}
			s += t.text
			if p.peek().kind != 's' {
				return s, nil // "a" "b" is "ab"
			}
			t = p.next()
		}
	case t.kind == 'd' || (t.text == "-" && p.peek().kind == 'd'):
		neg := t.text == "-"
		if neg {
			t = p.next()
		}
		if n, ok := pyIntLiteral(t.text); ok {
			if neg && n != "0" {
				n = "-" + n
			}
			return json.Number(n), nil
		}
		return nil, p.fail(t, "%s: %s is not an integer literal", key, t.text)
	case t.kind == 'n' && (t.text == "True" || t.text == "False"):
		return t.text == "True", nil
	case t.kind == 'n' && t.text == "None":
		return nil, nil
	case t.kind == 'o' && (t.text == "[" || t.text == "("):
		closer := map[string]string{"[": "]", "(": ")"}[t.text]
		list := []any{}
		tuple := t.text == "["
		for p.peek().text != closer {
			v, err := p.value(key)
			if err != nil {
				return nil, err
			}
			list = append(list, v)
			if p.peek().text != "," {
				break
			}
			p.next()
			tuple = true
		}
		if u := p.next(); u.text != closer {
			return nil, p.fail(u, "%s: expected , or %s, got %s", key, closer, describe(u))
		}
		if !tuple && len(list) == 1 { // ("GET") is the string, not a tuple
			return list[0], nil
		}
		return list, nil
	case t.kind == 'n':
		what := "a variable"
		switch p.peek().text {
		case "(":
			what = "a call"
		case ".":
			what = "an attribute"
		}
		return nil, p.fail(t, "%s=%s: %s; corsplay reads literal values only (strings, lists, tuples, True, False, None, integers)", key, t.text, what)
	case t.text == "{":
		return nil, p.fail(t, "%s: a set or a dict; write a list", key)
	}
	return nil, p.fail(t, "%s: %s is not a literal corsplay reads", key, describe(t))
}

// pyIntLiteral is the value of a Python integer literal (decimal of any
// length; 0x, 0o and 0b up to 64 bits), in decimal.
func pyIntLiteral(s string) (string, bool) {
	s = strings.ReplaceAll(s, "_", "")
	if len(s) > 2 && s[0] == '0' && strings.ContainsRune("xXoObB", rune(s[1])) {
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

func describe(t token) string {
	switch t.kind {
	case 'e':
		return "the end of the text"
	case 's':
		return "a string"
	}
	return strconv.Quote(t.text)
}

// tokenize splits Python source into tokens; it stops at the first error,
// returning the tokens before it and the error with its position.
func tokenize(src string) ([]token, error) {
	var toks []token
	for i := 0; i < len(src); {
		c := src[i]
		switch {
		case c == ' ' || c == '\t' || c == '\r' || c == '\n' || c == '\f' || c == '\\':
			i++
		case c == '#':
			for i < len(src) && src[i] != '\n' {
				i++
			}
		case c >= '0' && c <= '9' || c == '.' && i+1 < len(src) && src[i+1] >= '0' && src[i+1] <= '9':
			j := i
			for j < len(src) && (isIdent(src[j]) || src[j] == '.') {
				j++
			}
			toks = append(toks, token{kind: 'd', text: src[i:j], pos: i})
			i = j
		case isIdent(c) || c >= utf8.RuneSelf || c == '"' || c == '\'':
			j := i
			for j < len(src) && (isIdent(src[j]) || src[j] >= utf8.RuneSelf) {
				j++
			}
			prefix := strings.ToLower(src[i:j])
			if j < len(src) && (src[j] == '"' || src[j] == '\'') && len(prefix) <= 2 && strings.Trim(prefix, "rbuf") == "" {
				s, n, err := pyString(src[j:], prefix)
				if err != nil {
					p := &parser{src: src}
					return toks, fmt.Errorf("%s: %v", p.where(i), err)
				}
				toks = append(toks, token{kind: 's', text: s, prefix: prefix, pos: i})
				i = j + n
				continue
			}
			toks = append(toks, token{kind: 'n', text: src[i:j], pos: i})
			i = j
		case i+1 < len(src) && src[i:i+2] == "**":
			toks = append(toks, token{kind: 'o', text: "**", pos: i})
			i += 2
		default:
			toks = append(toks, token{kind: 'o', text: src[i : i+1], pos: i})
			i++
		}
	}
	return toks, nil
}

func isIdent(c byte) bool {
	return c == '_' || c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9'
}

// pyString reads a string literal at the start of s (after its prefix):
// its value and its length in bytes.
func pyString(s, prefix string) (string, int, error) {
	q := s[:1]
	if strings.HasPrefix(s, q+q+q) {
		q = q + q + q
	}
	raw := strings.Contains(prefix, "r")
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
		if raw {
			b.WriteString(s[i : i+2])
			i += 2
			continue
		}
		i += 2
		switch e {
		case '\n':
		case 'a', 'b', 'f', 'n', 'r', 't', 'v':
			b.WriteByte("\a\b\f\n\r\t\v"[strings.IndexByte("abfnrtv", e)])
		case '\\', '\'', '"':
			b.WriteByte(e)
		case 'x', 'u', 'U':
			n := map[byte]int{'x': 2, 'u': 4, 'U': 8}[e]
			if i+n > len(s) || strings.Trim(s[i:i+n], "0123456789abcdefABCDEF") != "" {
				return "", 0, fmt.Errorf("a truncated \\%c escape", e)
			}
			v, _ := strconv.ParseUint(s[i:i+n], 16, 32)
			if v > unicode.MaxRune {
				return "", 0, fmt.Errorf("an illegal Unicode character in a \\U escape")
			}
			b.WriteRune(rune(v))
			i += n
		case 'N':
			return "", 0, fmt.Errorf(`a \N{...} escape; write the character itself`)
		default:
			if e < '0' || e > '7' {
				b.WriteString(s[i-2 : i]) // an unknown escape keeps its backslash
				continue
			}
			j := i - 1
			for i < len(s) && i < j+3 && s[i] >= '0' && s[i] <= '7' {
				i++
			}
			v, _ := strconv.ParseUint(s[j:i], 8, 32)
			b.WriteRune(rune(v))
		}
	}
	return "", 0, fmt.Errorf("an unterminated string literal")
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
