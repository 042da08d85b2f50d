package rackcors

import (
	"encoding/json"
	"fmt"
	"strings"

	"corsplay/engine/server"
)

// importDSL reads the rack-cors DSL: `use Rack::Cors do … end`,
// `config.middleware.insert_before 0, Rack::Cors do … end`,
// `Rack::Cors.new(app, debug: true) do … end`, or allow blocks alone. Inside,
// only allow blocks, origins and resource calls with literal values
// (strings, symbols, regexps, integers, true, false, nil, arrays, %w, %i,
// Regexp.new('…')) are read; anything else (a variable, a method call, a
// Proc) is refused with its line.

// A token: kind is 's' string, ':' symbol, 'r' regexp (text is its JSON
// form), 'n' integer, 'w' %w or %i list (text "w" or "i"), 'i' a name
// (dotted and :: parts joined: "Rack::Cors.new"), 'l' a label (key:), '?' a
// literal with interpolation (text says why it cannot be read), '\n' the end
// of a statement, or a punctuation character.
type token struct {
	kind byte
	text string
	list []string
	line int
}

func importErr(line int, format string, a ...any) error {
	return fmt.Errorf("line %d: "+format, append([]any{line}, a...)...)
}

func isName(c byte) bool { return isWord(c) || c >= 0x80 }

// lex splits the text into tokens.
func lex(src string) ([]token, error) {
	var toks []token
	line := 1
	var c byte
	var start int
	add := func(kind byte, text string, list []string) {
		toks = append(toks, token{kind, text, list, start})
	}
	for i := 0; i < len(src); {
		c, start = src[i], line
		value := len(toks) > 0 && strings.IndexByte("s:rnw)]}", toks[len(toks)-1].kind) >= 0 // "/" would divide
		switch {
		case c == '\n' || c == ';':
			line += strings.Count(src[i:i+1], "\n")
			add('\n', "", nil)
			i++
		case c == ' ' || c == '\t' || c == '\r' || c == '\\' && strings.HasPrefix(src[i+1:], "\n"):
			if c == '\\' {
				i, line = i+1, line+1
			}
			i++
		case c == '#':
			for i < len(src) && src[i] != '\n' {
				i++
			}
		case c == '\'' || c == '"' || c == '/' && !value || c == '%' && strings.HasPrefix(src[i+1:], "r") && i+2 < len(src) && !isName(src[i+2]):
			mode, open := c, c
			if c == '%' {
				mode, open, i = '/', src[i+2], i+2
			}
			s, n, lines, err := delimited(src[i+1:], open, mode)
			if err != nil {
				return nil, importErr(start, "%v", err)
			}
			i, line = i+1+n, line+lines
			kind := byte('s')
			if mode == '/' {
				j := i
				for i < len(src) && src[i] >= 'a' && src[i] <= 'z' {
					i++
				}
				if src[j:i] != "" && src[j:i] != "i" {
					return nil, importErr(start, "regexp flags %q: the JSON form has only i", src[j:i])
				}
				kind, s = 'r', "/"+s+"/"+src[j:i]
			}
			if strings.Contains(s, "\x00#{") {
				kind, s = '?', "a string or regexp with interpolation (#{…}) is computed when the program runs: write its value"
			}
			add(kind, s, nil)
		case c == '%' && i+2 < len(src) && (src[i+1] == 'w' || src[i+1] == 'i') && !isName(src[i+2]):
			s, n, lines, err := delimited(src[i+3:], src[i+2], '/')
			if err != nil {
				return nil, importErr(start, "%v", err)
			}
			add('w', src[i+1:i+2], strings.Fields(s))
			i, line = i+3+n, line+lines
		case c == ':' && i+1 < len(src) && (src[i+1] == '\'' || src[i+1] == '"'):
			s, n, lines, err := delimited(src[i+2:], src[i+1], src[i+1])
			if err != nil {
				return nil, importErr(start, "%v", err)
			}
			add(':', s, nil)
			i, line = i+2+n, line+lines
		case c == ':' && i+1 < len(src) && isName(src[i+1]) && !(src[i+1] >= '0' && src[i+1] <= '9'):
			j := i + 1
			for j < len(src) && isName(src[j]) {
				j++
			}
			add(':', src[i+1:j], nil)
			i = j
		case c == '=' && strings.HasPrefix(src[i:], "=>"):
			add('=', "=>", nil)
			i += 2
		case c >= '0' && c <= '9' || c == '-' && !value && i+1 < len(src) && src[i+1] >= '0' && src[i+1] <= '9':
			j := i + 1
			for j < len(src) && (isName(src[j]) || src[j] == '.' && j+1 < len(src) && isName(src[j+1])) {
				j++
			}
			n := src[i:j]
			if !integer.MatchString(n) {
				return nil, importErr(start, "%q: corsplay reads integers written in decimal digits only (no 1.5, 010, 1_000 or 10.minutes)", n)
			}
			add('n', n, nil)
			i = j
		case isName(c) || c == '$' || c == '@':
			j := i + 1
			for j < len(src) && (isName(src[j]) || (src[j] == '.' || src[j] == ':' && strings.HasPrefix(src[j:], "::")) && j+2 < len(src) && isName(src[j+2-b2i(src[j] == '.')])) {
				j += 1 + b2i(src[j] == ':')
			}
			if j < len(src) && src[j] == ':' && !strings.HasPrefix(src[j:], "::") {
				add('l', src[i:j], nil)
				j++
			} else {
				add('i', src[i:j], nil)
			}
			i = j
		default:
			add(c, src[i:i+1], nil)
			i++
		}
	}
	return append(toks, token{kind: '\n', line: line}), nil
}

func b2i(b bool) int {
	if b {
		return 1
	}
	return 0
}

// delimited reads a literal up to close (s starts after the opening
// delimiter open): mode '\” a single-quoted string, '"' a double-quoted
// one (an interpolation leaves "\x00#{" in the result), '/' raw (a regexp,
// %w). n is how much of s it read.
func delimited(s string, open, mode byte) (out string, n, lines int, err error) {
	close := open
	if k := strings.IndexByte("([{<", open); k >= 0 {
		close = ")]}>"[k]
	}
	var b strings.Builder
	for depth := 0; n < len(s); n++ {
		c := s[n]
		switch {
		case c == close && depth == 0:
			return b.String(), n + 1, lines, nil
		case c == '\n':
			lines++
		case c == close:
			depth--
		case c == open && open != close:
			depth++
		case c == '#' && mode != '\'' && strings.HasPrefix(s[n:], "#{"):
			b.WriteString("\x00")
		case c == '\\' && n+1 < len(s):
			n++
			e := s[n]
			switch {
			case mode == '/':
				b.WriteByte('\\')
			case mode == '\'':
				if e != '\\' && e != open && e != close {
					b.WriteByte('\\')
				}
			case strings.IndexByte("ntrs0eabfv", e) >= 0:
				e = "\n\t\r \x00\x1b\a\b\f\v"[strings.IndexByte("ntrs0eabfv", e)]
			case strings.IndexByte("ux1234567cCM", e) >= 0:
				return "", n, lines, fmt.Errorf("corsplay does not read the escape \\%c in a double-quoted string: write the character, or use single quotes", e)
			}
			if e == '\n' {
				lines++
			}
			c = e
		}
		b.WriteByte(c)
	}
	return "", n, lines, fmt.Errorf("the literal is not closed")
}

// parser reads the tokens.
type parser struct {
	toks  []token
	i     int
	depth int // of the arrays being read, at most maxDepth
}

// maxDepth bounds how deep arrays nest: value and flatten recurse, and
// the page's WebAssembly stack must not overflow.
const maxDepth = 50

func (p *parser) peek() token { return p.toks[min(p.i, len(p.toks)-1)] }

func (p *parser) next() token {
	t := p.peek()
	p.i++
	return t
}

func (p *parser) is(kind byte, text string) bool {
	t := p.peek()
	return t.kind == kind && (text == "" || t.text == text)
}

func (p *parser) lines() {
	for p.is('\n', "") && p.i < len(p.toks)-1 {
		p.i++
	}
}

func describe(t token) string {
	switch t.kind {
	case '\n':
		return "the end of the line"
	case 's':
		return fmt.Sprintf("%q", server.Excerpt(t.text))
	case ':':
		return ":" + server.Excerpt(t.text)
	}
	return "`" + server.Excerpt(t.text) + "`"
}

// Ruby values other than strings, integers, booleans, nil and arrays.
type (
	symbol string
	regex  string // the JSON form: "/src/" or "/src/i"
)

// value reads a literal.
func (p *parser) value() (any, error) {
	t := p.next()
	switch {
	case t.kind == 's':
		return t.text, nil
	case t.kind == ':':
		return symbol(t.text), nil
	case t.kind == 'r':
		return regex(t.text), nil
	case t.kind == 'n':
		return json.Number(t.text), nil
	case t.kind == 'w':
		var out []any
		for _, w := range t.list {
			if t.text == "i" {
				out = append(out, symbol(w))
			} else {
				out = append(out, w)
			}
		}
		return out, nil
	case t.kind == '[':
		if p.depth >= maxDepth {
			return nil, importErr(t.line, "arrays nested more than %d deep", maxDepth)
		}
		p.depth++
		defer func() { p.depth-- }()
		var out []any
		for p.lines(); !p.is(']', ""); p.lines() {
			v, err := p.value()
			if err != nil {
				return nil, err
			}
			out = append(out, v)
			if p.lines(); !p.is(']', "") && p.next().kind != ',' {
				return nil, importErr(t.line, "an array not closed by ]")
			}
		}
		p.next()
		return out, nil
	case t.kind == '?':
		return nil, importErr(t.line, "%s", t.text)
	case t.text == "true" || t.text == "false":
		return t.text == "true", nil
	case t.text == "nil":
		return nil, nil
	case t.text == "Regexp.new" && p.is('(', ""):
		p.next()
		src := p.next()
		flags := ""
		if p.is(',', "") {
			p.next()
			flags = "i"
			if p.next().text != "Regexp::IGNORECASE" {
				return nil, importErr(t.line, "Regexp.new options: corsplay reads Regexp::IGNORECASE only")
			}
		}
		if src.kind != 's' || p.next().kind != ')' {
			return nil, importErr(t.line, "corsplay reads Regexp.new('source') and Regexp.new('source', Regexp::IGNORECASE)")
		}
		return regex("/" + src.text + "/" + flags), nil
	case t.text == "proc" || t.text == "lambda" || t.text == "-" && p.is('>', ""):
		return nil, importErr(t.line, "a Proc has no JSON form: corsplay reads literal values only")
	}
	return nil, importErr(t.line, "%s is not a literal value: a variable, a method call or a Proc has no JSON form", describe(t))
}

// An argument of a call: key "" for a positional one.
type arg struct {
	key  string
	v    any
	line int
}

// args reads a call's arguments: values, then key: value (or :key =>
// value, or { … }) pairs; logger's value is skipped (it only says where the
// debug log goes).
func (p *parser) args(paren, skipApp bool) ([]arg, error) {
	var out []arg
	brace := false
	for {
		if paren || brace {
			p.lines()
		}
		t := p.peek()
		if t.kind == '\n' || t.kind == ')' || t.text == "do" || t.kind == '}' && !brace || t.kind == '{' && out == nil {
			return out, nil
		}
		a := arg{line: t.line}
		switch {
		case t.kind == '}':
			p.next()
			brace = false
			goto more
		case t.kind == '{' && out != nil:
			p.next()
			brace = true
			continue
		case t.kind == 'l':
			a.key = t.text
			p.next()
		case (t.kind == ':' || t.kind == 's') && p.toks[p.i+1].kind == '=':
			if t.kind == 's' {
				return nil, importErr(t.line, "%q => is a String key: rack-cors reads Symbol keys only and ignores it; write %s:", t.text, t.text)
			}
			a.key = t.text
			p.i += 2
		}
		if a.key == "logger" || skipApp && out == nil {
			for depth := 0; !(depth == 0 && (p.is(',', "") || p.is('\n', "") || p.is('i', "do") || p.is(')', ""))); p.next() {
				if p.i >= len(p.toks)-1 {
					return nil, importErr(a.line, "logger: is not closed")
				}
				depth += b2i(strings.IndexByte("([{", p.peek().kind) >= 0) - b2i(strings.IndexByte(")]}", p.peek().kind) >= 0)
			}
		} else {
			var err error
			if a.v, err = p.value(); err != nil {
				return nil, err
			}
		}
		out = append(out, a)
	more:
		if !p.is(',', "") {
			if brace {
				continue
			}
			return out, nil
		}
		p.next()
		p.lines()
	}
}

// blockOpen reads `do` or `{` and returns what closes the block.
func (p *parser) blockOpen() (string, error) {
	t := p.next()
	if t.text != "do" && t.kind != '{' {
		return "", importErr(t.line, "%s where a do … end block should start", describe(t))
	}
	if p.is('|', "") {
		return "", importErr(t.line, "a block parameter (do |config|): corsplay reads blocks written without one")
	}
	if t.kind == '{' {
		return "}", nil
	}
	return "end", nil
}

func importDSL(text string) (map[string]json.RawMessage, error) {
	toks, err := lex(text)
	if err != nil {
		return nil, err
	}
	p := &parser{toks: toks}
	out := map[string]json.RawMessage{}
	found, hasAllow := -1, false
	for i, t := range toks {
		if t.text == "Rack::Cors" || t.text == "Rack::Cors.new" {
			if found >= 0 {
				return nil, importErr(t.line, "a second Rack::Cors: corsplay reads one")
			}
			found = i
		}
		hasAllow = hasAllow || t.kind == 'i' && t.text == "allow"
	}
	end := ""
	if found >= 0 {
		p.i = found + 1
		paren := toks[found].text == "Rack::Cors.new"
		if paren && p.next().kind != '(' {
			return nil, importErr(toks[found].line, "corsplay reads Rack::Cors.new(app, options) { … }")
		}
		if !paren && p.is(',', "") {
			p.next()
		}
		args, err := p.args(paren, paren)
		if err != nil {
			return nil, err
		}
		for k, a := range args {
			switch {
			case paren && k == 0 && a.key == "", a.key == "logger":
			case a.key == "debug" && (a.v == true || a.v == false):
				out["debug"], _ = json.Marshal(a.v)
			default:
				return nil, importErr(a.line, "Rack::Cors reads debug: true or false, and logger: (found %s:)", a.key)
			}
		}
		if paren && p.next().kind != ')' {
			return nil, importErr(toks[found].line, "Rack::Cors.new(…) is not closed")
		}
		if end, err = p.blockOpen(); err != nil {
			return nil, err
		}
	} else if !hasAllow {
		return nil, importErr(1, "no Rack::Cors and no allow block: corsplay reads `use Rack::Cors do … end`, `config.middleware.insert_before 0, Rack::Cors do … end` or allow blocks")
	}
	allow, err := p.block(end, nil)
	if err == nil && len(allow) > 0 {
		out["allow"], err = json.Marshal(allow)
	}
	return out, err
}

// block reads statements up to end ("" for the end of the text): allow
// blocks in the Rack::Cors block (a nil), origins and resource calls in an
// allow block (a).
func (p *parser) block(end string, a map[string]any) ([]any, error) {
	var blocks, resources []any
	originsAt := 0
	for {
		p.lines()
		t := p.next()
		if end == "" && p.i >= len(p.toks) || end != "" && t.text == end && t.kind != 's' {
			if a != nil && resources != nil {
				a["resources"] = resources
			}
			return blocks, nil
		}
		if p.i >= len(p.toks) {
			return nil, importErr(t.line, "the block is not closed (%s missing)", end)
		}
		paren := p.is('(', "")
		if paren {
			p.next()
		}
		var args []arg
		var err error
		if t.text != "allow" {
			args, err = p.args(paren, false)
		}
		if err != nil {
			return nil, err
		}
		if paren && p.next().kind != ')' {
			return nil, importErr(t.line, "the call is not closed by )")
		}
		switch {
		case a == nil && t.text == "allow" && t.kind == 'i':
			close, err := p.blockOpen()
			if err != nil {
				return nil, err
			}
			b := map[string]any{}
			if _, err := p.block(close, b); err != nil {
				return nil, err
			}
			blocks = append(blocks, b)
		case a != nil && t.text == "origins" && t.kind == 'i':
			if originsAt > 0 {
				return nil, importErr(t.line, "a second origins call in one allow block (the first is on line %d): rack-cors keeps only the last list but the wildcard of the first; write one call", originsAt)
			}
			originsAt = t.line
			var list []string
			for _, x := range args {
				if err := flatten(x.v, &list, x.key, x.line); err != nil {
					return nil, err
				}
			}
			if resources != nil && contains(list, "*") {
				return nil, importErr(t.line, "origins '*' after a resource: rack-cors decides a resource's wildcard when it is declared; move origins first")
			}
			a["origins"] = append([]string{}, list...)
			if len(args) == 1 && !isList(args[0].v) {
				a["origins"] = list[0]
			}
		case a != nil && t.text == "resource" && t.kind == 'i':
			r, err := resourceArgs(args, t.line)
			if err != nil {
				return nil, err
			}
			resources = append(resources, r)
		default:
			what := "allow blocks"
			if a != nil {
				what = "origins and resource calls"
			}
			return nil, importErr(t.line, "%s: corsplay reads only %s here", describe(t), what)
		}
		if !p.is('\n', "") && !p.is('}', "") && !p.is('i', "end") {
			return nil, importErr(p.peek().line, "%s after the call: corsplay reads one call per line", describe(p.peek()))
		}
	}
}

// flatten adds an origins argument: strings and regexps, arrays flattened.
func flatten(v any, list *[]string, key string, line int) error {
	switch v := v.(type) {
	case string:
		if regexOrigin.MatchString(v) {
			return importErr(line, "the String %q would read as a Regexp in the JSON form: rack-cors compiles it as a host; write it differently", v)
		}
		*list = append(*list, v)
		return nil
	case regex:
		*list = append(*list, string(v))
		return nil
	case []any:
		for _, e := range v {
			if err := flatten(e, list, key, line); err != nil {
				return err
			}
		}
		return nil
	}
	if key != "" {
		return importErr(line, "origins takes no option %s:", key)
	}
	return importErr(line, "origins takes strings and regexps: %v has no place in the JSON form", v)
}

// resourceArgs maps `resource PATH, key: value, …` to the JSON form.
func resourceArgs(args []arg, line int) (map[string]any, error) {
	if len(args) == 0 || args[0].key != "" {
		return nil, importErr(line, "resource needs a path")
	}
	path, ok := args[0].v.(string)
	if !ok {
		return nil, importErr(line, "resource %v: the JSON form has a string path only", args[0].v)
	}
	r := map[string]any{"path": path}
	for _, a := range args[1:] {
		if !contains(strings.Fields("headers methods credentials expose max_age vary if"), a.key) {
			return nil, importErr(a.line, "resource has no option %s: (rack-cors reads headers, methods, credentials, expose, max_age, vary and if)", a.key)
		}
		v, problem := a.v, ""
		switch a.key {
		case "headers", "methods", "expose", "vary":
			if v == symbol("any") && (a.key == "headers" || a.key == "methods") {
				v = "any"
			} else if v == "any" && (a.key == "headers" || a.key == "methods") {
				v = []string{"any"} // the String 'any' is not :any
			} else if s, ok := v.(symbol); ok && a.key != "headers" {
				v = string(s)
			} else if l, ok := v.([]any); ok {
				out := []string{}
				for _, e := range l {
					if s, ok := e.(symbol); ok && a.key != "headers" {
						e = string(s)
					}
					if s, ok := e.(string); ok {
						out = append(out, s)
					} else {
						problem = fmt.Sprintf("%v is not a string (a Symbol never equals a header name)", e)
					}
				}
				v = out
			} else if _, ok := v.(string); !ok {
				problem = fmt.Sprintf("%v is not a string or a list of strings", v)
			}
		case "credentials":
			if _, ok := v.(bool); !ok {
				problem = fmt.Sprintf("%v: rack-cors only honours true or false here", v)
			}
		case "max_age":
			if _, ok := v.(json.Number); !ok {
				problem = fmt.Sprintf("%v is not an integer", v)
			}
		case "if":
			if v != nil {
				problem = "a Proc has no JSON form"
			}
		}
		if problem != "" {
			return nil, importErr(a.line, "%s: %s", a.key, problem)
		}
		r[a.key] = v
	}
	return r, nil
}
