package rackcors

import (
	"encoding/json"
	"fmt"
	"strconv"
	"strings"
	"unicode/utf8"
)

// Import reads the rack-cors DSL: `use Rack::Cors do … end`,
// `config.middleware.insert_before 0, Rack::Cors do … end`,
// `Rack::Cors.new(app, debug: true) do … end`, or the allow blocks alone.
// Inside, only allow blocks, origins and resource calls with literal values
// (strings, symbols, regexps, numbers, true, false, nil, arrays, %w and %i)
// are read; anything else (a variable, a method call, a Proc) is refused
// with its line.

// A token of the Ruby text.
type token struct {
	kind byte // 'i' identifier or keyword, 'C' constant, 's' string, ':' symbol, 'l' label (key:), 'r' regexp, 'n' integer, 'w' %w/%i list, '\n', or the punctuation itself ('(', ',', '=' for =>, ...)
	text string
	list []string // 'w': the words; 'r': source and flags
	line int
}

type lexer struct {
	src    string
	i      int
	line   int
	toks   []token
	interp int // the line of an interpolation in the literal being read
}

// skipInterpolation skips #{…} after its "{" (at l.i).
func (l *lexer) skipInterpolation() {
	for depth := 0; l.i < len(l.src); l.i++ {
		switch l.src[l.i] {
		case '{':
			depth++
		case '}':
			if depth--; depth == 0 {
				l.i++
				return
			}
		case '\n':
			l.line++
		}
	}
}

func importErr(line int, format string, a ...any) error {
	return fmt.Errorf("line %d: "+format, append([]any{line}, a...)...)
}

// valueEnd: after these token kinds a "/" would divide, not start a regexp.
func (l *lexer) afterValue() bool {
	if len(l.toks) == 0 {
		return false
	}
	switch t := l.toks[len(l.toks)-1]; t.kind {
	case 's', ':', 'r', 'n', 'w', ')', ']', '}', 'C':
		return true
	case 'i':
		return t.text == "end" || t.text == "true" || t.text == "false" || t.text == "nil"
	}
	return false
}

func lex(src string) ([]token, error) {
	l := &lexer{src: src, line: 1}
	for l.i < len(src) {
		c := src[l.i]
		start := l.line
		switch {
		case c == '\n' || c == ';':
			if c == '\n' {
				l.line++
			}
			l.i++
			l.emit('\n', "", start)
		case c == ' ' || c == '\t' || c == '\r':
			l.i++
		case c == '\\' && l.i+1 < len(src) && src[l.i+1] == '\n':
			l.i += 2
			l.line++
		case c == '#':
			for l.i < len(src) && src[l.i] != '\n' {
				l.i++
			}
		case c == '=' && strings.HasPrefix(src[l.i:], "=begin") && (l.i == 0 || src[l.i-1] == '\n'):
			end := strings.Index(src[l.i:], "\n=end")
			if end < 0 {
				return nil, importErr(start, "=begin without =end")
			}
			l.line += strings.Count(src[l.i:l.i+end+5], "\n")
			l.i += end + 5
			for l.i < len(src) && src[l.i] != '\n' {
				l.i++
			}
		case c == '\'' || c == '"':
			s, err := l.quoted(c, c)
			if err != nil {
				return nil, err
			}
			l.emit('s', s, start)
		case c == '/' && !l.afterValue():
			l.i++
			if err := l.regexp('/', start); err != nil {
				return nil, err
			}
		case c == '%' && l.i+2 < len(src) && strings.IndexByte("wWiIrqQ", src[l.i+1]) >= 0 && !isWord(src[l.i+2]) && src[l.i+2] != ' ':
			if err := l.percent(start); err != nil {
				return nil, err
			}
		case c == ':' && l.i+1 < len(src) && src[l.i+1] == ':':
			l.i += 2
			l.emit('.', "::", start)
		case c == ':' && l.i+1 < len(src) && (src[l.i+1] == '\'' || src[l.i+1] == '"'):
			l.i++
			s, err := l.quoted(src[l.i], src[l.i])
			if err != nil {
				return nil, err
			}
			l.emit(':', s, start)
		case c == ':' && l.i+1 < len(src) && (isWord(src[l.i+1]) && !(src[l.i+1] >= '0' && src[l.i+1] <= '9')):
			l.i++
			l.emit(':', l.word(), start)
		case c == '=' && l.i+1 < len(src) && src[l.i+1] == '>':
			l.i += 2
			l.emit('=', "=>", start)
		case c >= '0' && c <= '9' || c == '-' && l.i+1 < len(src) && src[l.i+1] >= '0' && src[l.i+1] <= '9' && !l.afterValue():
			j := l.i + 1
			for j < len(src) && (src[j] >= '0' && src[j] <= '9' || src[j] == '_' && j+1 < len(src) && src[j+1] >= '0' && src[j+1] <= '9') {
				j++
			}
			if j < len(src) && (src[j] == '.' && j+1 < len(src) && isWord(src[j+1]) || isWord(src[j])) {
				k := j
				for k < len(src) && (isWord(src[k]) || src[k] == '.') {
					k++
				}
				return nil, importErr(start, "%q: corsplay reads whole numbers written in digits only (no 1.5, 0x10 or 10.minutes)", src[l.i:k])
			}
			n := strings.ReplaceAll(src[l.i:j], "_", "")
			if d := strings.TrimPrefix(n, "-"); len(d) > 1 && d[0] == '0' { // octal
				v, err := strconv.ParseInt(n, 8, 64)
				if err != nil {
					return nil, importErr(start, "%q is not an octal number corsplay reads", n)
				}
				n = strconv.FormatInt(v, 10)
			}
			l.emit('n', n, start)
			l.i = j
		case isWord(c) || c >= utf8.RuneSelf:
			w := l.word()
			if l.i < len(src) && (src[l.i] == '?' || src[l.i] == '!') && !(l.i+1 < len(src) && src[l.i+1] == '=') {
				w += src[l.i : l.i+1]
				l.i++
			}
			switch {
			case l.i < len(src) && src[l.i] == ':' && !(l.i+1 < len(src) && src[l.i+1] == ':'):
				l.i++
				l.emit('l', w, start)
			case w[0] >= 'A' && w[0] <= 'Z':
				l.emit('C', w, start)
			default:
				l.emit('i', w, start)
			}
		case c == '$' || c == '@':
			l.i++
			l.emit('i', string(c)+l.word(), start)
		default:
			l.i++
			l.emit(c, string(c), start)
		}
	}
	l.emit('\n', "", l.line)
	return l.toks, nil
}

func (l *lexer) emit(kind byte, text string, line int) {
	l.push(token{kind: kind, text: text, line: line})
}

// push adds a token; a literal with interpolation becomes a '?' token that
// the parser refuses if it needs it.
func (l *lexer) push(t token) {
	if l.interp > 0 && t.kind != '\n' {
		t = token{kind: '?', text: "a string or regexp with interpolation (#{…}) is computed when the program runs: write its value", line: l.interp}
		l.interp = 0
	}
	l.toks = append(l.toks, t)
}

func (l *lexer) word() string {
	j := l.i
	for j < len(l.src) && (isWord(l.src[j]) || l.src[j] >= utf8.RuneSelf) {
		j++
	}
	w := l.src[l.i:j]
	l.i = j
	return w
}

// quoted reads a string literal from the opening quote at l.i.
func (l *lexer) quoted(open, close byte) (string, error) {
	line := l.line
	dq := open == '"' || open == 'Q'
	if open == 'Q' {
		open = l.src[l.i-1]
	}
	l.i++
	var b strings.Builder
	depth := 0
	for {
		if l.i >= len(l.src) {
			return "", importErr(line, "unterminated string")
		}
		c := l.src[l.i]
		l.i++
		switch {
		case c == '\n':
			l.line++
		case c == close && depth == 0:
			return b.String(), nil
		case c == close:
			depth--
		case c == open && open != close:
			depth++
		case c == '#' && dq && l.i < len(l.src) && l.src[l.i] == '{':
			l.interp = l.line
			l.skipInterpolation()
			continue
		case c == '\\' && l.i < len(l.src):
			e := l.src[l.i]
			l.i++
			if !dq {
				if e != '\\' && e != close && e != open {
					b.WriteByte('\\')
				}
				b.WriteByte(e)
				continue
			}
			if r, ok := map[byte]string{'n': "\n", 't': "\t", 's': " ", 'r': "\r", '0': "\x00", 'e': "\x1b", 'a': "\a", 'b': "\b", 'f': "\f", 'v': "\v"}[e]; ok {
				b.WriteString(r)
				continue
			}
			if e == 'u' || e == 'x' || e >= '1' && e <= '7' {
				return "", importErr(l.line, "corsplay does not read the escape \\%c in a double-quoted string: write the character, or use single quotes", e)
			}
			if e == '\n' {
				l.line++
				continue
			}
			b.WriteByte(e)
			continue
		}
		b.WriteByte(c)
	}
}

// regexp reads a regexp literal after its opening delimiter.
func (l *lexer) regexp(close byte, line int) error {
	open := l.src[l.i-1]
	depth := 0
	start := l.i
	for {
		if l.i >= len(l.src) {
			return importErr(line, "unterminated regexp")
		}
		c := l.src[l.i]
		switch {
		case c == '\\':
			l.i++
		case c == '\n':
			l.line++
		case c == '#' && l.i+1 < len(l.src) && l.src[l.i+1] == '{':
			l.i++
			l.interp = l.line
			l.skipInterpolation()
			continue
		case c == close && depth == 0:
			src := l.src[start:l.i]
			l.i++
			j := l.i
			for l.i < len(l.src) && l.src[l.i] >= 'a' && l.src[l.i] <= 'z' {
				l.i++
			}
			if flags := l.src[j:l.i]; flags != "" && flags != "i" {
				return importErr(line, "regexp flags %q: the JSON form has only i", flags)
			}
			l.push(token{kind: 'r', list: []string{src, l.src[j:l.i]}, line: line})
			return nil
		case c == close:
			depth--
		case c == open && open != close:
			depth++
		}
		l.i++
	}
}

// percent reads %w[…], %i[…], %r{…}, %q(…) and %Q(…).
func (l *lexer) percent(line int) error {
	kind, open := l.src[l.i+1], l.src[l.i+2]
	close := open
	if k := strings.IndexByte("([{<", open); k >= 0 {
		close = ")]}>"[k]
	}
	l.i += 2
	switch kind {
	case 'r':
		l.i++
		return l.regexp(close, line)
	case 'q', 'Q':
		s, err := l.quoted(map[bool]byte{true: 'Q', false: open}[kind == 'Q'], close)
		l.emit('s', s, line)
		return err
	}
	s, err := l.quoted(open, close)
	if err != nil {
		return err
	}
	l.push(token{kind: 'w', text: string(kind), list: strings.Fields(s), line: line})
	return nil
}

// parser reads the tokens.
type parser struct {
	toks []token
	i    int
}

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

func (p *parser) skipLines() {
	for p.is('\n', "") && p.i < len(p.toks)-1 {
		p.i++
	}
}

func describe(t token) string {
	switch t.kind {
	case '\n':
		return "the end of the line"
	case 's':
		return strconv.Quote(t.text)
	case 'r':
		return "/" + t.list[0] + "/"
	case 'l':
		return t.text + ":"
	case ':':
		return ":" + t.text
	}
	return "`" + t.text + "`"
}

// importDSL is Library.Import.
func importDSL(text string) (map[string]json.RawMessage, error) {
	toks, err := lex(text)
	if err != nil {
		return nil, err
	}
	p := &parser{toks: toks}
	out := map[string]json.RawMessage{}
	var allow []map[string]any
	found := -1
	for i := 0; i+2 < len(toks); i++ {
		if toks[i].kind == 'C' && toks[i].text == "Rack" && toks[i+1].text == "::" && toks[i+2].text == "Cors" ||
			toks[i].kind == 's' && toks[i].text == "Rack::Cors" {
			if found >= 0 {
				return nil, importErr(toks[i].line, "a second Rack::Cors: corsplay reads one")
			}
			found = i
		}
	}
	if found < 0 {
		hasAllow := false
		for _, t := range toks {
			hasAllow = hasAllow || t.kind == 'i' && t.text == "allow"
		}
		if !hasAllow {
			return nil, importErr(1, "no Rack::Cors and no allow block: corsplay reads `use Rack::Cors do … end`, `config.middleware.insert_before 0, Rack::Cors do … end` or allow blocks")
		}
		if allow, err = p.body("", nil); err != nil {
			return nil, err
		}
	} else {
		p.i = found + 3
		if toks[found].kind == 's' {
			p.i = found + 1
		}
		if p.is('.', ".") {
			p.next()
			if t := p.next(); t.text != "new" || !p.is('(', "") {
				return nil, importErr(t.line, "Rack::Cors.%s: corsplay reads Rack::Cors.new(app, options) { … }", t.text)
			}
			p.next()
			p.skipExpr() // the app
			if err := p.corsOptions(out, ')'); err != nil {
				return nil, err
			}
			p.next()
		} else if err := p.corsOptions(out, 0); err != nil {
			return nil, err
		}
		end, err := p.blockOpen()
		if err != nil {
			return nil, err
		}
		if allow, err = p.body(end, nil); err != nil {
			return nil, err
		}
	}
	if len(allow) > 0 {
		if out["allow"], err = json.Marshal(allow); err != nil {
			return nil, err
		}
	}
	return out, nil
}

// skipExpr skips one argument (the app, a logger) up to "," or the end of
// the call at depth 0.
func (p *parser) skipExpr() {
	depth := 0
	for ; p.i < len(p.toks)-1; p.i++ {
		t := p.peek()
		switch {
		case depth == 0 && (t.kind == ',' || t.kind == '\n' || t.kind == 'i' && t.text == "do"):
			return
		case strings.IndexByte("([{", t.kind) >= 0 || t.kind == 'i' && t.text == "do":
			depth++
		case strings.IndexByte(")]}", t.kind) >= 0 || t.kind == 'i' && t.text == "end":
			if depth == 0 {
				return
			}
			depth--
		case depth == 0 && (t.kind == ',' || t.kind == '\n' || t.kind == 'i' && t.text == "do"):
			return
		}
	}
}

// corsOptions reads `, debug: true, logger: …` after Rack::Cors (or after
// the app inside .new(…)).
func (p *parser) corsOptions(out map[string]json.RawMessage, close byte) error {
	for p.is(',', "") {
		p.next()
		p.skipLines()
		key, line, err := p.key()
		if err != nil {
			return err
		}
		switch key {
		case "debug":
			v, err := p.value()
			if err != nil {
				return err
			}
			b, ok := v.(bool)
			if !ok {
				return importErr(line, "debug: wants true or false")
			}
			out["debug"], _ = json.Marshal(b)
		case "logger": // where the debug log goes: no answer changes
			p.skipExpr()
		default:
			return importErr(line, "Rack::Cors has no option %s: (it reads debug: and logger:)", key)
		}
	}
	if close != 0 && !p.is(close, "") {
		return importErr(p.peek().line, "%s where the call should end", describe(p.peek()))
	}
	return nil
}

// key reads a hash key: `name:` or `:name =>`.
func (p *parser) key() (string, int, error) {
	t := p.next()
	switch {
	case t.kind == 'l':
		return t.text, t.line, nil
	case t.kind == ':' && p.is('=', ""):
		p.next()
		return t.text, t.line, nil
	case t.kind == 's' && p.is('=', ""):
		return "", t.line, importErr(t.line, "%s => is a String key: rack-cors reads Symbol keys only and ignores it; write %s:", strconv.Quote(t.text), t.text)
	}
	return "", t.line, importErr(t.line, "%s where an option (key: value) should be", describe(t))
}

// blockOpen reads `do` or `{` (refusing block parameters) and returns what
// closes the block.
func (p *parser) blockOpen() (string, error) {
	t := p.next()
	end := "end"
	switch {
	case t.kind == '{':
		end = "}"
	case t.kind != 'i' || t.text != "do":
		return "", importErr(t.line, "%s where a do … end block should start", describe(t))
	}
	if p.is('|', "") {
		return "", importErr(t.line, "a block parameter (do |config|): corsplay reads the blocks written without one")
	}
	return end, nil
}

// body reads the statements of a block up to end (the Rack::Cors block when
// allow is nil: allow blocks; an allow block otherwise: origins and
// resource calls).
func (p *parser) body(end string, allow map[string]any) ([]map[string]any, error) {
	var blocks []map[string]any
	var resources []map[string]any
	originsAt := -1
	for {
		p.skipLines()
		t := p.peek()
		if end == "" && p.i >= len(p.toks)-1 || end != "" && t.text == end && (t.kind == 'i' || t.kind == '}') {
			if end != "" {
				p.next()
			}
			if allow != nil && resources != nil {
				allow["resources"] = resources
			}
			return blocks, nil
		}
		if p.i >= len(p.toks)-1 {
			return nil, importErr(t.line, "the block is not closed (%s missing)", end)
		}
		p.next()
		paren := p.is('(', "")
		if paren {
			p.next()
		}
		switch {
		case allow == nil && t.kind == 'i' && t.text == "allow":
			if paren && !p.is(')', "") {
				return nil, importErr(t.line, "allow takes no argument here")
			}
			if paren {
				p.next()
			}
			close, err := p.blockOpen()
			if err != nil {
				return nil, err
			}
			a := map[string]any{}
			if _, err := p.body(close, a); err != nil {
				return nil, err
			}
			blocks = append(blocks, a)
			continue
		case allow != nil && t.kind == 'i' && t.text == "origins":
			if originsAt >= 0 {
				return nil, importErr(t.line, "a second origins call in one allow block (the first is on line %d): rack-cors keeps only the last list but the wildcard of the first; write one call", originsAt)
			}
			originsAt = t.line
			list, isList, err := p.origins(paren)
			if err != nil {
				return nil, err
			}
			if resources != nil && contains(list, "*") {
				return nil, importErr(t.line, "origins '*' after a resource: rack-cors decides a resource's wildcard when it is declared; move origins first")
			}
			allow["origins"] = list
			if !isList {
				allow["origins"] = list[0]
			}
		case allow != nil && t.kind == 'i' && t.text == "resource":
			r, err := p.resource(t.line, paren)
			if err != nil {
				return nil, err
			}
			resources = append(resources, r)
		default:
			what := "allow blocks"
			if allow != nil {
				what = "origins and resource calls"
			}
			return nil, importErr(t.line, "%s: corsplay reads only %s here", describe(t), what)
		}
		if paren {
			if !p.is(')', "") {
				return nil, importErr(p.peek().line, "%s where the call should end", describe(p.peek()))
			}
			p.next()
		}
		if !p.is('\n', "") && !p.is('}', "") && !p.is('i', "end") {
			return nil, importErr(p.peek().line, "%s after the call: corsplay reads one call per line", describe(p.peek()))
		}
	}
}

// Ruby values other than strings, numbers, booleans, nil and arrays.
type (
	symbol string
	regex  struct{ src, flags string }
)

// value reads a literal.
func (p *parser) value() (any, error) {
	t := p.next()
	switch t.kind {
	case 's':
		return t.text, nil
	case ':':
		return symbol(t.text), nil
	case 'r':
		return regex{t.list[0], t.list[1]}, nil
	case 'n':
		return json.Number(t.text), nil
	case 'w':
		var out []any
		for _, w := range t.list {
			if t.text == "i" || t.text == "I" {
				out = append(out, symbol(w))
			} else {
				out = append(out, w)
			}
		}
		return out, nil
	case '[':
		var out []any
		for {
			p.skipLines()
			if p.is(']', "") {
				p.next()
				return out, nil
			}
			v, err := p.value()
			if err != nil {
				return nil, err
			}
			out = append(out, v)
			p.skipLines()
			if p.is(',', "") {
				p.next()
			} else if !p.is(']', "") {
				return nil, importErr(p.peek().line, "%s where , or ] should be", describe(p.peek()))
			}
		}
	case 'i':
		switch t.text {
		case "true", "false":
			return t.text == "true", nil
		case "nil":
			return nil, nil
		case "proc", "lambda":
			return nil, importErr(t.line, "a Proc has no JSON form: corsplay reads literal values only")
		}
	case '?':
		return nil, importErr(t.line, "%s", t.text)
	case 'C':
		if t.text == "Regexp" && p.is('.', ".") {
			return p.regexpNew(t.line)
		}
	case '-':
		if p.is('>', "") {
			return nil, importErr(t.line, "a lambda (->) has no JSON form: corsplay reads literal values only")
		}
	}
	return nil, importErr(t.line, "%s is not a literal value: a variable, a method call or a Proc has no JSON form", describe(t))
}

// regexpNew reads .new('src') or .new('src', Regexp::IGNORECASE).
func (p *parser) regexpNew(line int) (any, error) {
	p.next()
	if t := p.next(); t.text != "new" || !p.is('(', "") {
		return nil, importErr(line, "corsplay reads Regexp.new('source') and Regexp.new('source', Regexp::IGNORECASE)")
	}
	p.next()
	src := p.next()
	if src.kind != 's' {
		return nil, importErr(line, "Regexp.new with %s: corsplay reads a string literal", describe(src))
	}
	r := regex{src: src.text}
	if p.is(',', "") {
		p.next()
		if p.next().text != "Regexp" || p.next().text != "::" || p.next().text != "IGNORECASE" {
			return nil, importErr(line, "Regexp.new options: corsplay reads Regexp::IGNORECASE only")
		}
		r.flags = "i"
	}
	if !p.is(')', "") {
		return nil, importErr(line, "%s where Regexp.new(…) should end", describe(p.peek()))
	}
	p.next()
	return r, nil
}

// args reads a call's arguments up to the end of the line (or the closing
// parenthesis), stopping before the first key: value.
func (p *parser) args(paren bool) ([]any, error) {
	var out []any
	for {
		if paren {
			p.skipLines()
		}
		if p.is('\n', "") || p.is(')', "") || p.is('l', "") || p.is(':', "") && p.toks[p.i+1].kind == '=' || p.is('{', "") {
			return out, nil
		}
		v, err := p.value()
		if err != nil {
			return nil, err
		}
		out = append(out, v)
		if !p.is(',', "") {
			return out, nil
		}
		p.next()
		p.skipLines()
	}
}

// origins reads the arguments of origins: strings and regexps, flattened.
func (p *parser) origins(paren bool) ([]string, bool, error) {
	line := p.peek().line
	args, err := p.args(paren)
	if err != nil {
		return nil, false, err
	}
	var flat func(v any) ([]string, error)
	flat = func(v any) ([]string, error) {
		switch v := v.(type) {
		case string:
			if regexOrigin.MatchString(v) {
				return nil, importErr(line, "the String %q would read as a Regexp in the JSON form: rack-cors compiles it as a host; write it differently", v)
			}
			return []string{v}, nil
		case regex:
			return []string{"/" + v.src + "/" + v.flags}, nil
		case []any:
			var out []string
			for _, e := range v {
				s, err := flat(e)
				if err != nil {
					return nil, err
				}
				out = append(out, s...)
			}
			return out, nil
		}
		return nil, importErr(line, "origins takes strings and regexps: %v has no place in the JSON form", v)
	}
	list, err := flat(any(args))
	isArray := false
	if len(args) == 1 {
		_, isArray = args[0].([]any)
	}
	if list == nil {
		list = []string{}
	}
	return list, len(args) != 1 || isArray, err
}

// resource reads `resource PATH, key: value, …`.
func (p *parser) resource(line int, paren bool) (map[string]any, error) {
	path, err := p.value()
	if err != nil {
		return nil, err
	}
	s, ok := path.(string)
	if !ok {
		return nil, importErr(line, "resource %v: the JSON form has a string path only", path)
	}
	r := map[string]any{"path": s}
	if !p.is(',', "") {
		return r, nil
	}
	p.next()
	p.skipLines()
	brace := p.is('{', "")
	if brace {
		p.next()
	}
	for {
		p.skipLines()
		if brace && p.is('}', "") {
			p.next()
			return r, nil
		}
		key, kline, err := p.key()
		if err != nil {
			return nil, err
		}
		v, err := p.value()
		if err != nil {
			return nil, err
		}
		if r[key], err = resourceOption(key, v, kline); err != nil {
			return nil, err
		}
		if !p.is(',', "") {
			if brace {
				continue
			}
			return r, nil
		}
		p.next()
		if !brace && !paren && p.is('\n', "") {
			p.skipLines()
		}
	}
}

// resourceOption maps one option of resource to the JSON form.
func resourceOption(key string, v any, line int) (any, error) {
	strs := func(symbols bool) (any, error) {
		switch v := v.(type) {
		case string:
			return v, nil
		case symbol:
			if symbols {
				return string(v), nil
			}
		case []any:
			out := []string{}
			for _, e := range v {
				switch e := e.(type) {
				case string:
					out = append(out, e)
				case symbol:
					if !symbols {
						return nil, importErr(line, "%s: the Symbol :%s never equals a header name; write a string", key, e)
					}
					out = append(out, string(e))
				default:
					return nil, importErr(line, "%s: %v is not a string", key, e)
				}
			}
			return out, nil
		}
		return nil, importErr(line, "%s: %v is not a string or a list of strings", key, v)
	}
	switch key {
	case "headers", "methods":
		if v == symbol("any") {
			return "any", nil
		}
		if v == "any" { // the String 'any' is not :any
			return []string{"any"}, nil
		}
		return strs(key == "methods")
	case "expose", "vary":
		return strs(true)
	case "credentials":
		if b, ok := v.(bool); ok {
			return b, nil
		}
		return nil, importErr(line, "credentials: %v: rack-cors only honours true", v)
	case "max_age":
		if n, ok := v.(json.Number); ok {
			return n, nil
		}
		return nil, importErr(line, "max_age: %v is not a whole number", v)
	case "if":
		if v == nil {
			return nil, nil
		}
		return nil, importErr(line, "if: a Proc has no JSON form")
	}
	return nil, importErr(line, "resource has no option %s: (rack-cors reads headers, methods, credentials, expose, max_age, vary and if)", key)
}
