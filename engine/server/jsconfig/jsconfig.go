// Package jsconfig reads and writes the options objects of the Node.js CORS
// libraries (hono/cors, @koa/cors, @fastify/cors): a JavaScript object
// literal, bare, as the argument of cors(...) inside app.use(...), or as
// the options of fastify.register(cors, {...}), becomes the JSON of
// server.library.options, and back. Only literal values have a JSON form:
// strings, numbers, booleans, null, arrays and objects (and, in a Syntax
// with RegExps, regular expression literals). A function, a variable or
// any other expression is refused with its line, column and option, never
// guessed. It also holds JavaScript's own number semantics (Number,
// ParseNumber) and string literals (Quote).
package jsconfig

import (
	"encoding/json"
	"errors"
	"maps"
	"math"
	"slices"
	"strconv"
	"strings"
	"unicode"
	"unicode/utf16"
	"unicode/utf8"

	"corsplay/engine/server"
)

// Error is a construct Read refuses, and where it is.
type Error struct {
	Line, Column int    // 1-based, where the construct starts; the column counts characters
	Option       string // the option it is in, "" outside any
	Problem      string
	// At is the line and column of the character that gives the construct
	// away when it is not the first one (the ${ of a template literal, the
	// ( of a method, the end of a string that never ends), else zero.
	At [2]int
}

func (e *Error) Error() string {
	s := "line " + strconv.Itoa(e.Line) + ", column " + strconv.Itoa(e.Column)
	if e.Option != "" {
		s += " (option " + e.Option + ")"
	}
	return s + ": " + e.Problem
}

// Call is how the text calls cors().
type Call struct {
	// Use is the object whose use() wraps cors(...) ("app"), "" when none.
	Use string
	// Path is use()'s path argument ("*"), at PathLine and PathColumn;
	// HasPath says it is there.
	Path                 string
	HasPath              bool
	PathLine, PathColumn int
	// Options are where each option's name is: line and column.
	Options map[string][2]int
}

// Locate turns an *server.OptionError about options Read returned into an
// *Error at the option's line and column; other errors stay as they are.
func (c Call) Locate(err error) error {
	var oe *server.OptionError
	if !errors.As(err, &oe) {
		return err
	}
	at, ok := c.Options[oe.Path]
	if !ok {
		at = [2]int{1, 1}
	}
	return &Error{Line: at[0], Column: at[1], Option: oe.Path, Problem: oe.Problem}
}

// Syntax is one library's reading and writing of its options, where it
// differs from the zero Syntax's (hono/cors's and @koa/cors's).
type Syntax struct {
	// RegExps reads a regular expression literal /source/flags as
	// {"regexp": "source", "flags": "flags"} ("flags" left out without
	// flags) and writes that form back as a literal. An object literal
	// value is then refused: it would read as the same JSON.
	RegExps bool
	// Register reads an options object alone or, in a program, the
	// options of the first register(plugin, {...}) call whose plugin
	// names cors (else of the first one), as fastify's plugins are
	// registered; the rest of the program is not read.
	Register bool
	// Option, when set, is asked about each option name as it is read:
	// a problem refuses the option there.
	Option func(name string) (problem string)
	// QuoteNames starts the refusal of a variable, or of a property of
	// one, with its name in backquotes ("`origins` is a variable"), as
	// @fastify/cors's Import always has.
	QuoteNames bool
	// Width is the longest call Call writes on one line (0: 79 bytes).
	Width int
	// NoTrailingComma leaves out the comma after the last option of an
	// object written one option a line.
	NoTrailingComma bool
}

// Read reads text: `{ ... }`, `cors({ ... })`, `cors()`,
// `app.use(cors(...))` or `app.use('/path', cors(...))`, with comments and
// an optional `;`.
func Read(text string) (map[string]json.RawMessage, Call, error) { return Syntax{}.Read(text) }

// Read reads text as Read does, or, with Register, as s.Register says.
func (s Syntax) Read(text string) (map[string]json.RawMessage, Call, error) {
	p := &parser{syn: s, src: []rune(text), line: 1, col: 1}
	call := Call{Options: map[string][2]int{}}
	p.keys = call.Options
	var out map[string]json.RawMessage
	err := p.run(func() {
		if s.Register {
			out = p.register()
			return
		}
		p.next()
		if p.tok.kind == tIdent && p.tok.text != "cors" {
			call.Use = p.tok.text
			p.next()
			p.expect(".", "app.use(cors(...)), cors(...) or { ... }")
			if p.tok.kind != tIdent || p.tok.text != "use" {
				p.fail("expected use after " + call.Use + ".: corsplay reads " + call.Use + ".use(cors(...)), cors(...) or { ... }")
			}
			p.next()
			p.expect("(", "use(")
			if p.tok.kind == tString {
				call.Path, call.HasPath, call.PathLine, call.PathColumn = p.tok.text, true, p.tok.line, p.tok.col
				p.next()
				p.expect(",", "use(path, cors(...))")
			}
		}
		if p.tok.kind == tIdent && p.tok.text == "cors" {
			p.next()
			p.expect("(", "cors(")
			out = map[string]json.RawMessage{}
			if !p.is(")") {
				out = p.object()
				p.accept(",")
			}
			p.expect(")", "cors({ ... })")
			if call.Use != "" {
				p.accept(",")
				p.expect(")", call.Use+".use(...)")
			}
		} else if call.Use != "" {
			p.fail("expected cors(...) as " + call.Use + ".use's argument")
		} else {
			out = p.object()
		}
		p.end("one cors(...) call or one options object")
	})
	return out, call, err
}

// end refuses anything but an optional `;` after the options.
func (p *parser) end(reads string) {
	p.accept(";")
	if p.tok.kind != tEOF {
		p.fail("unexpected text after the options (" + p.tok.describe() + "): corsplay reads " + reads)
	}
}

// register reads an options object alone, or the options of a program's
// register(plugin, {...}) call.
func (p *parser) register() map[string]json.RawMessage {
	p.skip()
	if p.peekRune(0) == '{' {
		p.next()
		out := p.object()
		p.end("one options object or a program's fastify.register(cors, { ... })")
		return out
	}
	at := findRegister(p.src)
	switch {
	case at == -1:
		p.failAt(1, 1, "expected fastify.register(cors, { ... }) or an options object { ... }")
	case at == -2:
		for p.i < len(p.src) {
			p.advance()
		}
		p.failAt(p.line, p.col, "unterminated register(")
	case p.src[at] == ')':
		return map[string]json.RawMessage{} // register(cors): the defaults
	}
	for p.i <= at { // the , after the plugin
		p.advance()
	}
	p.next()
	if p.tok.kind == tEOF {
		return map[string]json.RawMessage{}
	}
	if !p.is("{") {
		p.fail("the options must be an object literal { ... }")
	}
	return p.object() // what follows is the rest of the program
}

// findRegister is the index of the , or ) after the plugin argument of
// the first register( call (of the first 16) whose plugin names cors, else
// of the first one; -1 when there is none, -2 when its argument never ends.
func findRegister(src []rune) int {
	at := -1
	for i, tries := 0, 0; i < len(src) && tries < 16; i++ {
		if !strings.HasPrefix(string(src[i:min(i+8, len(src))]), "register") {
			continue
		}
		tries++
		j := i + 8
		for j < len(src) && unicode.IsSpace(src[j]) {
			j++
		}
		if j == len(src) || src[j] != '(' {
			continue
		}
		end := pluginEnd(src, j+1)
		if end < 0 {
			return -2
		}
		cors := strings.Contains(strings.ToLower(string(src[j+1:end])), "cors")
		if at < 0 || cors {
			at = end
		}
		if cors {
			break
		}
	}
	return at
}

// pluginEnd is the index of the , or ) that ends the argument starting at
// i, across brackets and string literals; -1 when there is none.
func pluginEnd(src []rune, i int) int {
	depth := 0
	for ; i < len(src); i++ {
		switch r := src[i]; {
		case r == '\'' || r == '"' || r == '`':
			for i++; i < len(src) && src[i] != r; i++ {
				if src[i] == '\\' {
					i++
				}
			}
		case r == '(' || r == '[' || r == '{':
			depth++
		case (r == ')' || r == ',') && depth == 0:
			return i
		case r == ')' || r == ']' || r == '}':
			depth--
		}
	}
	return -1
}

// token kinds
const (
	tEOF = iota
	tIdent
	tString
	tNumber
	tPunct
)

type token struct {
	kind      int
	text      string // an identifier, a punctuator, a string's value, a number's JSON
	line, col int
}

func (t token) describe() string {
	switch t.kind {
	case tEOF:
		return "end of text"
	case tString:
		return "string " + strconv.Quote(server.Excerpt(t.text))
	}
	return "`" + server.Excerpt(t.text) + "`"
}

type parser struct {
	syn       Syntax
	src       []rune
	i         int
	line, col int
	tok       token
	option    string // the top-level option being read
	depth     int    // of arrays and objects
	keys      map[string][2]int
}

// maxDepth bounds nesting: options need two levels, and each level copies
// the JSON inside it.
const maxDepth = 16

type failure struct{ err *Error }

func (p *parser) run(f func()) (err error) {
	defer func() {
		if r := recover(); r != nil {
			fl, ok := r.(failure)
			if !ok {
				panic(r)
			}
			err = fl.err
		}
	}()
	f()
	return nil
}

// fail refuses the current token.
func (p *parser) fail(problem string) { p.failAt(p.tok.line, p.tok.col, problem) }

func (p *parser) failAt(line, col int, problem string) {
	p.failNear(line, col, 0, 0, problem)
}

// failNear refuses the construct at line and col, given away at atLine and
// atCol.
func (p *parser) failNear(line, col, atLine, atCol int, problem string) {
	panic(failure{&Error{Line: line, Column: col, Option: p.option, Problem: problem, At: [2]int{atLine, atCol}}})
}

func (p *parser) is(punct string) bool { return p.tok.kind == tPunct && p.tok.text == punct }

func (p *parser) accept(punct string) bool {
	if p.is(punct) {
		p.next()
		return true
	}
	return false
}

func (p *parser) expect(punct, context string) {
	if !p.accept(punct) {
		p.fail("expected `" + punct + "` (in " + context + "), found " + p.tok.describe())
	}
}

func (p *parser) peekRune(k int) rune {
	if p.i+k < len(p.src) {
		return p.src[p.i+k]
	}
	return -1
}

func (p *parser) advance() rune {
	r := p.src[p.i]
	p.i++
	if isTerminator(r) && (r != '\r' || p.peekRune(0) != '\n') {
		p.line, p.col = p.line+1, 1
	} else {
		p.col++
	}
	return r
}

// isTerminator reports whether r ends a line in JavaScript.
func isTerminator(r rune) bool { return r == '\n' || r == '\r' || r == '\u2028' || r == '\u2029' }

// next reads the next token, skipping white space and comments.
func (p *parser) next() {
	if p.skip(); p.i < len(p.src) {
		p.lex()
		return
	}
	p.tok = token{kind: tEOF, line: p.line, col: p.col}
}

// skip skips white space and comments.
func (p *parser) skip() {
	for p.i < len(p.src) {
		r := p.peekRune(0)
		switch {
		case unicode.IsSpace(r) || r == '\ufeff':
			p.advance()
		case r == '/' && p.peekRune(1) == '/':
			for p.i < len(p.src) && !isTerminator(p.peekRune(0)) {
				p.advance()
			}
		case r == '/' && p.peekRune(1) == '*':
			line, col := p.line, p.col
			p.advance()
			p.advance()
			for !(p.peekRune(0) == '*' && p.peekRune(1) == '/') {
				if p.i >= len(p.src) {
					p.failAt(line, col, "unterminated comment: a /* comment that never ends")
				}
				p.advance()
			}
			p.advance()
			p.advance()
		default:
			return
		}
	}
}

func isIdentStart(r rune) bool { return r == '_' || r == '$' || unicode.IsLetter(r) }

func isIdentPart(r rune) bool { return isIdentStart(r) || unicode.IsDigit(r) }

func (p *parser) lex() {
	p.tok = token{line: p.line, col: p.col}
	start := p.i
	r := p.peekRune(0)
	switch {
	case isIdentStart(r):
		for p.i < len(p.src) && isIdentPart(p.peekRune(0)) {
			p.advance()
		}
		p.tok.kind, p.tok.text = tIdent, string(p.src[start:p.i])
	case r == '\'' || r == '"' || r == '`':
		p.tok.kind, p.tok.text = tString, p.str(r)
	case r >= '0' && r <= '9' || r == '.' && p.peekRune(1) >= '0' && p.peekRune(1) <= '9':
		p.tok.kind, p.tok.text = tNumber, p.number()
	default:
		for _, punct := range []string{"...", "=>", "?.", "??", "||", "&&"} {
			if strings.HasPrefix(string(p.src[p.i:min(p.i+3, len(p.src))]), punct) {
				for range punct {
					p.advance()
				}
				p.tok.kind, p.tok.text = tPunct, punct
				return
			}
		}
		p.advance()
		p.tok.kind, p.tok.text = tPunct, string(r)
	}
}

// str reads a string or template literal (without substitutions) into its
// value; a lone surrogate has no JSON form.
func (p *parser) str(quote rune) string {
	line, col := p.line, p.col
	p.advance()
	var units []uint16
	for {
		if p.i >= len(p.src) {
			p.failNear(line, col, p.line, p.col, "unterminated string: it never ends")
		}
		if quote != '`' && (p.peekRune(0) == '\n' || p.peekRune(0) == '\r') {
			p.failNear(line, col, p.line, p.col, "unterminated string: a line break inside quotes")
		}
		r := p.advance()
		switch {
		case r == quote:
			for i := 0; i < len(units); i++ {
				if u := rune(units[i]); utf16.IsSurrogate(u) {
					if u >= 0xdc00 || i+1 == len(units) || units[i+1] < 0xdc00 || units[i+1] > 0xdfff {
						p.failAt(line, col, "a string with a lone surrogate has no JSON form")
					}
					i++
				}
			}
			return string(utf16.Decode(units))
		case quote == '`' && r == '$' && p.peekRune(0) == '{':
			p.failNear(line, col, p.line, p.col-1, "a template literal with ${…} is computed at run time: corsplay reads only literal values; write the string itself, without ${...}")
		case quote == '`' && r == '\r': // a template reads CR LF and CR as LF
			if p.peekRune(0) == '\n' {
				p.advance()
			}
			units = append(units, '\n')
		case r == '\\':
			units = p.escape(units)
		default:
			units = utf16.AppendRune(units, r)
		}
	}
}

func (p *parser) escape(units []uint16) []uint16 {
	if p.i >= len(p.src) {
		p.failNear(p.line, p.col-1, p.line, p.col, "unterminated string: it never ends")
	}
	line, col := p.line, p.col-1 // the backslash
	r := p.advance()
	hex := func(n int) rune {
		v := rune(0)
		for range n {
			d := strings.IndexRune("0123456789abcdef", unicode.ToLower(p.peekRune(0)))
			if d < 0 {
				p.failAt(line, col, "an invalid escape sequence")
			}
			p.advance()
			v = v*16 + rune(d)
		}
		return v
	}
	octal := func() {
		p.failNear(line, col, line, col+1, "an octal escape sequence (not allowed in strict mode): write \\x.. or \\u....")
	}
	switch r {
	case 'n':
		return append(units, '\n')
	case 't':
		return append(units, '\t')
	case 'r':
		return append(units, '\r')
	case 'b':
		return append(units, '\b')
	case 'f':
		return append(units, '\f')
	case 'v':
		return append(units, '\v')
	case '0':
		if d := p.peekRune(0); d >= '0' && d <= '9' {
			octal()
		}
		return append(units, 0)
	case 'x':
		return append(units, uint16(hex(2)))
	case 'u':
		if p.peekRune(0) != '{' {
			return append(units, uint16(hex(4)))
		}
		p.advance()
		v := hex(1)
		for p.peekRune(0) != '}' {
			v = v*16 + hex(1)
			if v > unicode.MaxRune {
				p.failAt(line, col, "an invalid escape sequence")
			}
		}
		p.advance()
		return utf16.AppendRune(units, v)
	case '\r':
		if p.peekRune(0) == '\n' {
			p.advance()
		}
		return units
	case '\n', '\u2028', '\u2029':
		return units // a line continuation
	}
	if r >= '1' && r <= '9' {
		octal()
	}
	return utf16.AppendRune(units, r)
}

// number reads a numeric literal as JSON; a BigInt, a legacy octal or a
// value beyond a double's range has no JSON form.
func (p *parser) number() string {
	line, col := p.line, p.col
	start := p.i
	for p.i < len(p.src) && (isIdentPart(p.peekRune(0)) || p.peekRune(0) == '.' ||
		(p.peekRune(0) == '+' || p.peekRune(0) == '-') && strings.ContainsRune("eE", p.src[p.i-1]) && !strings.HasPrefix(strings.ToLower(string(p.src[start:p.i])), "0x")) {
		p.advance()
	}
	lit := strings.ReplaceAll(string(p.src[start:p.i]), "_", "")
	var f float64
	var err error
	notNumber := "`" + lit + "` is not a number corsplay reads"
	switch l := strings.ToLower(lit); {
	case strings.HasSuffix(l, "n"):
		p.failAt(line, col, notNumber+": a BigInt has no JSON form")
	case len(l) > 2 && l[0] == '0' && strings.ContainsRune("xob", rune(l[1])):
		var u uint64
		u, err = strconv.ParseUint(l[2:], map[byte]int{'x': 16, 'o': 8, 'b': 2}[l[1]], 64)
		f = float64(u)
	case len(l) > 1 && l[0] == '0' && l[1] >= '0' && l[1] <= '9':
		p.failAt(line, col, notNumber+": a legacy octal literal is not allowed in strict mode")
	case strings.ContainsAny(l, "xob"):
		err = strconv.ErrSyntax
	default:
		f, err = strconv.ParseFloat(l, 64)
	}
	if err != nil && !math.IsInf(f, 0) {
		p.failAt(line, col, notNumber+" (a decimal, hexadecimal, octal or binary literal)")
	}
	if math.IsInf(f, 0) {
		p.failAt(line, col, "the number "+lit+" is beyond a double's range: Infinity has no JSON form")
	}
	return strconv.FormatFloat(f, 'g', -1, 64)
}

// object reads an object literal into its properties (the last of a
// repeated key wins, as in JavaScript).
func (p *parser) object() map[string]json.RawMessage {
	if !p.is("{") {
		p.fail("expected an options object `{ ... }`, found " + p.tok.describe())
	}
	top := p.option == ""
	p.next()
	out := map[string]json.RawMessage{}
	for !p.accept("}") {
		keyTok := p.tok
		var key string
		switch keyTok.kind {
		case tIdent, tString:
			key = keyTok.text
		case tNumber:
			f, _ := strconv.ParseFloat(keyTok.text, 64)
			key = Number(f)
		default:
			switch {
			case p.is("["):
				p.fail("a computed key `[...]` is an expression: write the option's name")
			case p.is("..."):
				p.fail("a spread `...` copies another object: corsplay reads only literal values")
			}
			p.fail("expected an option name or `}`, found " + keyTok.describe())
		}
		if top {
			p.option = key
			p.keys[key] = [2]int{keyTok.line, keyTok.col}
		}
		p.next()
		if keyTok.kind == tIdent && (p.is(",") || p.is("}")) {
			p.failNear(keyTok.line, keyTok.col, p.tok.line, p.tok.col, "a shorthand property: { "+key+" } is { "+key+": "+key+" }, the value of a variable: corsplay cannot know it; write the value itself")
		}
		if p.is("(") || keyTok.kind == tIdent && (key == "get" || key == "set" || key == "async") && p.tok.kind == tIdent {
			p.failNear(keyTok.line, keyTok.col, p.tok.line, p.tok.col, "a method is a function: it has no JSON form")
		}
		if !p.is(":") {
			p.fail("expected `:` (in an option `name: value`), found " + p.tok.describe())
		}
		if top && p.syn.Option != nil {
			if problem := p.syn.Option(key); problem != "" {
				p.failAt(keyTok.line, keyTok.col, problem)
			}
		}
		if key == "__proto__" && keyTok.kind != tNumber {
			p.failAt(keyTok.line, keyTok.col, "__proto__: sets the object's prototype, not an option: cors() never sees it")
		}
		p.next()
		out[key] = p.value()
		if !p.accept(",") && !p.is("}") {
			p.valueEnd()
		}
		if top {
			p.option = ""
		}
	}
	return out
}

// valueEnd refuses what follows a value where `,` or the closing bracket
// belongs.
func (p *parser) valueEnd() {
	if p.tok.kind == tPunct && strings.Contains("+-*/%?|&<>=!.[(?.??||&&", p.tok.text) {
		p.fail("an expression, not a value: `" + server.Excerpt(p.tok.text) + "` makes an expression; corsplay reads only literal values (strings, numbers, booleans, null, arrays, objects)")
	}
	p.fail("expected `,` or a closing bracket, found " + p.tok.describe())
}

// value reads one literal value as JSON.
func (p *parser) value() json.RawMessage {
	t := p.tok
	if p.depth++; p.depth > maxDepth {
		p.fail("arrays and objects nested more than " + strconv.Itoa(maxDepth) + " deep")
	}
	defer func() { p.depth-- }()
	switch {
	case p.is("{") && p.syn.RegExps:
		p.fail("an object has no JSON form here (a RegExp is written /…/)")
	case p.is("{"):
		m := p.object()
		keys := slices.Sorted(maps.Keys(m))
		for i, k := range keys {
			keys[i] = string(quoteJSON(k)) + ":" + string(m[k])
		}
		return json.RawMessage("{" + strings.Join(keys, ",") + "}")
	case p.is("["):
		p.next()
		var elems []string
		for !p.accept("]") {
			if p.is(",") {
				p.fail("an array hole `[a, , b]` is undefined, which has no JSON form")
			}
			elems = append(elems, string(p.value()))
			if !p.accept(",") && !p.is("]") {
				p.valueEnd()
			}
		}
		return json.RawMessage("[" + strings.Join(elems, ",") + "]")
	case t.kind == tString:
		p.next()
		return quoteJSON(t.text)
	case t.kind == tNumber:
		p.next()
		return json.RawMessage(t.text)
	case p.is("-") || p.is("+"):
		p.next()
		if p.tok.kind != tNumber {
			p.fail("`" + t.text + "` makes an expression: corsplay reads only literal values")
		}
		n := p.tok.text
		p.next()
		if t.text == "+" {
			return json.RawMessage(n)
		}
		return json.RawMessage("-" + n)
	case p.is("/") && p.syn.RegExps:
		return p.regExp()
	case p.is("/"):
		p.fail("a regular expression has no JSON form here: the option takes strings")
	case p.is("("):
		p.fail("a function or a parenthesised expression: corsplay reads only literal values")
	case p.is("..."):
		p.fail("a spread `...` copies another value: corsplay reads only literal values")
	case t.kind == tIdent:
		p.next()
		switch t.text {
		case "true", "false", "null":
			return json.RawMessage(t.text)
		case "undefined":
			p.failAt(t.line, t.col, "undefined has no JSON form (cors() reads an option set to undefined as undefined, not as its default)")
		case "function", "async":
			p.failAt(t.line, t.col, "a function has no JSON form: corsplay emulates the options a program writes as values")
		case "new":
			if p.syn.RegExps {
				p.failAt(t.line, t.col, "new … is computed at run time: `new` starts an expression; write a regex literal /…/ instead of new RegExp(…)")
			}
			p.failAt(t.line, t.col, "new … is computed at run time: `new` starts an expression, and corsplay reads only literal values")
		case "class", "this", "typeof", "void", "await":
			p.failAt(t.line, t.col, "`"+t.text+"` starts an expression: corsplay reads only literal values")
		case "NaN", "Infinity":
			p.failAt(t.line, t.col, t.text+" has no JSON form")
		}
		name := server.Excerpt(t.text) // an error quotes the start of a long one
		variable := name + " is a variable"
		if p.syn.QuoteNames {
			variable = "`" + name + "` is a variable"
		}
		switch {
		case p.is("=>"):
			p.failAt(t.line, t.col, "a function has no JSON form: corsplay emulates the options a program writes as values")
		case p.is("("):
			p.failAt(t.line, t.col, name+"(...) is a call: corsplay cannot run it; write the value it returns")
		case (p.is(".") || p.is("?.") || p.is("[")) && p.syn.QuoteNames:
			p.failAt(t.line, t.col, variable+": "+name+p.tok.text+"… reads a property of it, and corsplay cannot know its value; write the value itself")
		case p.is(".") || p.is("?.") || p.is("["):
			p.failAt(t.line, t.col, name+p.tok.text+"… reads a property of a variable: corsplay cannot know its value; write the value itself")
		}
		p.failAt(t.line, t.col, variable+": corsplay cannot know its value; write the value itself")
	}
	p.fail("expected a value, found " + t.describe())
	return nil
}

// regExp reads a regular expression literal, its / the current token, as
// {"flags": "...", "regexp": "..."}.
func (p *parser) regExp() json.RawMessage {
	start, class := p.i, false
	for {
		if p.i >= len(p.src) || isTerminator(p.peekRune(0)) {
			p.fail("unterminated regular expression literal")
		}
		switch r := p.advance(); {
		case r == '\\':
			if p.i >= len(p.src) || isTerminator(p.peekRune(0)) {
				p.fail("unterminated regular expression literal")
			}
			p.advance()
		case r == '[':
			class = true
		case r == ']':
			class = false
		case r == '/' && !class:
			src := string(p.src[start : p.i-1])
			from := p.i
			for p.i < len(p.src) && isIdentPart(p.peekRune(0)) {
				p.advance()
			}
			re := `"regexp":` + string(quoteJSON(src)) + "}"
			if flags := string(p.src[from:p.i]); flags != "" {
				re = `"flags":` + string(quoteJSON(flags)) + "," + re
			}
			p.next()
			return json.RawMessage("{" + re)
		}
	}
}

// quoteJSON is s as a JSON string, HTML characters kept as they are.
func quoteJSON(s string) json.RawMessage {
	var b strings.Builder
	enc := json.NewEncoder(&b)
	enc.SetEscapeHTML(false)
	enc.Encode(s)
	return json.RawMessage(strings.TrimSuffix(b.String(), "\n"))
}

// Literal writes options as a JavaScript object literal, one option a line
// indented by indent, the keys in order first and any others sorted.
// Strings are single-quoted; numbers keep their JSON text (a valid
// JavaScript literal).
func Literal(options map[string]json.RawMessage, order []string, indent string) string {
	return Syntax{}.Literal(options, order, indent)
}

// Literal writes options as Literal does, in s.
func (s Syntax) Literal(options map[string]json.RawMessage, order []string, indent string) string {
	m := make(map[string]any, len(options))
	for k, raw := range options {
		m[k] = decode(raw)
	}
	return s.object(m, order, indent)
}

func (s Syntax) object(m map[string]any, order []string, indent string) string {
	if len(m) == 0 {
		return "{}"
	}
	var keys []string
	for _, k := range order {
		if _, ok := m[k]; ok && !slices.Contains(keys, k) {
			keys = append(keys, k)
		}
	}
	var rest []string
	for k := range m {
		if !slices.Contains(keys, k) {
			rest = append(rest, k)
		}
	}
	slices.Sort(rest)
	keys = append(keys, rest...)
	var b strings.Builder
	b.WriteString("{\n")
	for i, k := range keys {
		b.WriteString(indent + "  " + Key(k) + ": " + s.value(m[k], indent+"  "))
		if i < len(keys)-1 || !s.NoTrailingComma {
			b.WriteString(",")
		}
		b.WriteString("\n")
	}
	b.WriteString(indent + "}")
	return b.String()
}

// Key writes an option's name: as it is when it is an identifier, else
// quoted.
func Key(k string) string {
	for i, r := range k {
		if !isIdentStart(r) && (i == 0 || !unicode.IsDigit(r)) {
			return Quote(k)
		}
	}
	if k == "" {
		return "''"
	}
	return k
}

// decode reads a JSON value, its numbers as written.
func decode(raw json.RawMessage) any {
	var v any
	dec := json.NewDecoder(strings.NewReader(string(raw)))
	dec.UseNumber()
	dec.Decode(&v)
	return v
}

// Value writes a JSON value as JavaScript (an object one property a line).
func (s Syntax) Value(raw json.RawMessage) string { return s.value(decode(raw), "") }

// value writes a decoded JSON value; an object on several lines indented
// by indent.
func (s Syntax) value(v any, indent string) string {
	switch x := v.(type) {
	case string:
		return Quote(x)
	case json.Number:
		return string(x) // the JSON text is JavaScript
	case bool:
		return strconv.FormatBool(x)
	case []any:
		parts := make([]string, len(x))
		for i, e := range x {
			parts[i] = s.value(e, indent)
		}
		return "[" + strings.Join(parts, ", ") + "]"
	case map[string]any:
		if src, flags, ok := regExpForm(x); ok && s.RegExps {
			return RegExp(src, flags)
		}
		return s.object(x, nil, indent)
	}
	return "null"
}

// regExpForm reads {"regexp": source} or {"regexp": source, "flags": flags}.
func regExpForm(m map[string]any) (source, flags string, ok bool) {
	source, ok = m["regexp"].(string)
	f, present := m["flags"]
	flags, isString := f.(string)
	return source, flags, ok && (present && isString && len(m) == 2 || !present && len(m) == 1)
}

// WriteCall writes fn's call with the options as its object argument: on one
// line when it fits in 79 characters, else one option a line.
func WriteCall(fn string, opts []server.Opt) string { return Syntax{}.Call(fn, nil, opts) }

// Call writes fn's call with args and then the options as an object
// argument (left out without options): on one line when it fits in
// s.Width, else one option a line.
func (s Syntax) Call(fn string, args []string, opts []server.Opt) string {
	head := fn + "(" + strings.Join(args, ", ")
	if len(opts) == 0 {
		return head + ")"
	}
	if len(args) > 0 {
		head += ", "
	}
	m := map[string]any{}
	var order, parts []string
	for _, o := range opts {
		m[o.Name] = decode(o.Raw)
		order = append(order, o.Name)
		parts = append(parts, Key(o.Name)+": "+s.value(m[o.Name], ""))
	}
	width := s.Width
	if width == 0 {
		width = 79
	}
	if line := head + "{ " + strings.Join(parts, ", ") + " })"; len(line) <= width && !strings.Contains(line, "\n") {
		return line
	}
	return head + s.object(m, order, "") + ")"
}

// RegExp writes new RegExp(source, flags) as a regular expression literal
// of the same meaning: / outside a class is escaped, a line terminator
// (bare or escaped) becomes its escape, and the empty source is (?:).
func RegExp(source, flags string) string {
	if source == "" {
		source = "(?:)"
	}
	var b strings.Builder
	b.WriteByte('/')
	class := false
	rs := []rune(source)
	for i := 0; i < len(rs); i++ {
		r := rs[i]
		if r == '\\' && i+1 < len(rs) {
			i++
			if isTerminator(rs[i]) {
				b.WriteString(escapeTerminator(rs[i]))
			} else {
				b.WriteRune('\\')
				b.WriteRune(rs[i])
			}
			continue
		}
		switch {
		case isTerminator(r):
			b.WriteString(escapeTerminator(r))
			continue
		case r == '[':
			class = true
		case r == ']':
			class = false
		case r == '/' && !class:
			b.WriteByte('\\')
		}
		b.WriteRune(r)
	}
	return b.String() + "/" + flags
}

func escapeTerminator(r rune) string {
	switch r {
	case '\n':
		return `\n`
	case '\r':
		return `\r`
	}
	return `\u` + strconv.FormatInt(int64(r), 16)
}

// Quote writes s as a single-quoted JavaScript string literal.
func Quote(s string) string {
	var b strings.Builder
	b.WriteByte('\'')
	for _, r := range s {
		switch {
		case r == '\'' || r == '\\':
			b.WriteRune('\\')
			b.WriteRune(r)
		case r == '\n':
			b.WriteString(`\n`)
		case r == '\r':
			b.WriteString(`\r`)
		case r == '\t':
			b.WriteString(`\t`)
		case r < 0x20 || r == 0x7f:
			b.WriteString(`\x` + strconv.FormatInt(int64(r)+0x100, 16)[1:])
		case r == '\u2028' || r == '\u2029' || r == utf8.RuneError:
			b.WriteString(`\u` + strconv.FormatInt(int64(r), 16))
		default:
			b.WriteRune(r)
		}
	}
	b.WriteByte('\'')
	return b.String()
}

// Strings reads a JSON array of strings, or a string when one is true
// (list then says which). A null anywhere is refused: it would be
// JavaScript's null, which these options do not take.
func Strings(raw json.RawMessage, one bool) (values []string, list, ok bool) {
	var v any
	json.Unmarshal(raw, &v)
	switch x := v.(type) {
	case string:
		return []string{x}, false, one
	case []any:
		for _, e := range x {
			s, isString := e.(string)
			if !isString {
				return nil, true, false
			}
			values = append(values, s)
		}
		return values, true, true
	}
	return nil, false, false
}

// ParseNumber reads a JSON number as JSON.parse does (beyond a double's
// range: ±Infinity); false when raw is not a number.
func ParseNumber(raw json.RawMessage) (float64, bool) {
	t := strings.TrimSpace(string(raw))
	if t == "" || t[0] != '-' && (t[0] < '0' || t[0] > '9') || !json.Valid(raw) {
		return 0, false
	}
	f, err := strconv.ParseFloat(t, 64)
	return f, err == nil || math.IsInf(f, 0)
}

// Number is JavaScript's Number::toString(x) (String(x), x.toString()).
func Number(x float64) string {
	switch {
	case math.IsNaN(x):
		return "NaN"
	case x == 0:
		return "0"
	case math.IsInf(x, 1):
		return "Infinity"
	case x < 0:
		return "-" + Number(-x)
	}
	// the shortest digits d (k of them) and n with x = 0.d × 10^n
	mant, exp, _ := strings.Cut(strconv.FormatFloat(x, 'e', -1, 64), "e")
	d := strings.Replace(mant, ".", "", 1)
	e, _ := strconv.Atoi(exp)
	k, n := len(d), e+1
	switch {
	case k <= n && n <= 21:
		return d + strings.Repeat("0", n-k)
	case 0 < n && n <= 21:
		return d[:n] + "." + d[n:]
	case -6 < n && n <= 0:
		return "0." + strings.Repeat("0", -n) + d
	}
	s := d[:1]
	if k > 1 {
		s += "." + d[1:]
	}
	if n-1 < 0 {
		return s + "e-" + strconv.Itoa(1-n)
	}
	return s + "e+" + strconv.Itoa(n-1)
}
