package gostack

import (
	"encoding/json"
	"strconv"
	"strings"
	"unicode/utf8"

	"corsplay/engine/server"
)

// The Go source that configures a library, read into its JSON options:
// a struct literal (`middleware.CORSConfig{AllowOrigins: []string{"…"}}`),
// the call that takes it (`e.Use(middleware.CORSWithConfig(…))`), or a
// variable built in steps (`config := cors.DefaultConfig()`, then
// `config.AllowOrigins = …`, `config.AddAllowHeaders(…)`). Values are
// constants: strings, []string literals, booleans, integers, durations
// (`12 * time.Hour`). Anything else (a func, a variable the text does not
// define, a statement of another kind) is refused with its line and
// column, never guessed.

// Dialect is one library's configuration in Go.
type Dialect struct {
	Type string // the struct's type as written: "middleware.CORSConfig"
	// Fields are its fields by kind: "strings", "bool", "int", "seconds"
	// (a time.Duration in whole seconds) or "func" (only nil is read).
	Fields map[string]string
	// Starts are the expressions that yield a configuration, as written
	// ("cors.DefaultConfig()"), with its options.
	Starts map[string]Start
	// Wraps are the calls whose one argument is the configuration
	// ("cors.New"); X.Use(…) always is one.
	Wraps []string
	// Appends are the methods that append to a list field.
	Appends map[string]string
	// Consts are the string constants the library defines
	// ("echo.HeaderOrigin"), besides net/http's method names.
	Consts func(name string) (string, bool)
}

// Start is a configuration an expression yields: Options are its JSON
// options, Values what its list fields hold (for appends); Handler: it is
// the middleware itself, only usable as the last statement.
type Start struct {
	Options, Values string
	Handler         bool
}

// Error is a problem in the text, at a line and column (from 1).
type Error struct {
	Line, Col int
	Msg       string
}

func (e *Error) Error() string {
	return "line " + strconv.Itoa(e.Line) + ", column " + strconv.Itoa(e.Col) + ": " + e.Msg
}

// Node is an expression.
type node struct {
	kind      byte // 'n' int, 's' string, 'i' name (a.b), 'c' call, 'l' composite literal, '*', '-', '&', 'f' func literal
	name      string
	str       string
	num       int64
	keys      []*node // a composite literal's keys (nil when positional)
	args      []*node
	line, col int
}

type token struct {
	kind      byte // 'i' identifier, 'n' number, 's' string, 'p' punctuation, ';' end of line, 0 end of text
	text      string
	line, col int
}

type parser struct {
	toks  []token
	i     int
	err   *Error
	depth int // of the expressions being read, at most maxDepth
}

// maxDepth bounds how deep expressions nest (signs, parentheses,
// composite literals): the parser recurses, and the page's WebAssembly
// stack must not overflow.
const maxDepth = 50

func (p *parser) fail(line, col int, msg string) {
	if p.err == nil {
		p.err = &Error{line, col, msg}
	}
	p.i = len(p.toks) - 1 // the end: stop
}

func (p *parser) peek() token { return p.toks[p.i] }

func (p *parser) next() token {
	t := p.toks[p.i]
	if p.i < len(p.toks)-1 {
		p.i++
	}
	return t
}

func (p *parser) is(text string) bool {
	t := p.peek()
	return t.kind == 'p' && t.text == text
}

func (p *parser) expect(text string) {
	if t := p.next(); t.kind != 'p' || t.text != text {
		p.fail(t.line, t.col, "expected "+text+", found "+describe(t))
	}
}

func (p *parser) skipLines() {
	for p.peek().kind == ';' && p.peek().text == "\n" {
		p.next()
	}
}

func describe(t token) string {
	switch t.kind {
	case 0:
		return "the end of the text"
	case ';':
		if t.text == "\n" {
			return "the end of the line"
		}
	}
	return strconv.Quote(server.Excerpt(t.text))
}

// tokenize splits Go source into tokens; newlines are kept (';' "\n") to
// end statements.
func tokenize(src string) ([]token, *Error) {
	var toks []token
	line, lineStart := 1, 0
	isWord := func(c byte) bool {
		return c == '_' || 'a' <= c && c <= 'z' || 'A' <= c && c <= 'Z' || '0' <= c && c <= '9'
	}
	for i := 0; i < len(src); {
		c, col, j := src[i], i-lineStart+1, i+1
		kind, text := byte('p'), ""
		switch {
		case c == ' ' || c == '\t' || c == '\r':
			kind = 0
		case c == '\n' || c == ';':
			kind = ';'
		case strings.HasPrefix(src[i:], "//"):
			kind, j = 0, strings.IndexByte(src[i:]+"\n", '\n')+i
		case strings.HasPrefix(src[i:], "/*"):
			end := strings.Index(src[i+2:], "*/")
			if end < 0 {
				return nil, &Error{line, col, "comment not terminated"}
			}
			kind, j = 0, i+2+end+2
			if strings.Contains(src[i:j], "\n") {
				kind, text = ';', "\n"
			}
		case isWord(c):
			kind = 'i'
			if c <= '9' && c >= '0' {
				kind = 'n'
			}
			for j < len(src) && (isWord(src[j]) || kind == 'n' && src[j] == '.') {
				j++
			}
		case c == '"' || c == '`':
			for j < len(src) && src[j] != c && (c == '`' || src[j] != '\n') {
				if c == '"' && src[j] == '\\' {
					j++
				}
				j++
			}
			if j >= len(src) || src[j] != c {
				return nil, &Error{line, col, "string literal not terminated"}
			}
			j++
			var err error
			kind = 's'
			if text, err = strconv.Unquote(strings.ReplaceAll(src[i:j], "\r", "")); err != nil {
				return nil, &Error{line, col, "invalid string literal " + src[i:j]}
			}
		case strings.HasPrefix(src[i:], ":="):
			j++
		case strings.IndexByte("{}()[],:.=*&-", c) < 0:
			r, _ := utf8.DecodeRuneInString(src[i:])
			return nil, &Error{line, col, "unexpected " + strconv.QuoteRune(r) + ": corsplay reads struct literals, assignments and calls"}
		}
		if kind != 0 {
			if kind != 's' && text == "" {
				text = src[i:j]
			}
			toks = append(toks, token{kind, text, line, col})
		}
		if n := strings.Count(src[i:j], "\n"); n > 0 {
			line, lineStart = line+n, i+strings.LastIndexByte(src[i:j], '\n')+1
		}
		i = j
	}
	return append(toks, token{0, "", line, len(src) - lineStart + 1}), nil
}

// stmt is `target = x`, `target := x` or the expression x alone.
type stmt struct {
	target *node
	define bool
	x      *node
}

func (p *parser) statements() []stmt {
	var out []stmt
	for {
		for p.peek().kind == ';' {
			p.next()
		}
		if p.peek().kind == 0 || p.err != nil {
			return out
		}
		var s stmt
		if t := p.peek(); t.kind == 'i' && t.text == "var" {
			p.next()
			s.define, s.target = true, p.primary()
			p.expect("=")
			s.x = p.expr()
		} else {
			s.x = p.expr()
			if p.is("=") || p.is(":=") {
				s.define, s.target = p.next().text == ":=", s.x
				s.x = p.expr()
			}
		}
		if t := p.peek(); t.kind != ';' && t.kind != 0 {
			p.fail(t.line, t.col, "expected the end of the statement, found "+describe(t))
		}
		out = append(out, s)
	}
}

func (p *parser) expr() *node {
	x := p.unary()
	for p.is("*") {
		t := p.next()
		p.skipLines()
		x = &node{kind: '*', args: []*node{x, p.unary()}, line: t.line, col: t.col}
	}
	return x
}

func (p *parser) unary() *node {
	if p.depth >= maxDepth {
		t := p.peek()
		p.fail(t.line, t.col, "nested more than "+strconv.Itoa(maxDepth)+" deep")
		return &node{line: t.line, col: t.col}
	}
	p.depth++
	defer func() { p.depth-- }()
	if t := p.peek(); p.is("-") || p.is("&") {
		p.next()
		return &node{kind: t.text[0], args: []*node{p.unary()}, line: t.line, col: t.col}
	}
	return p.primary()
}

func (p *parser) primary() *node {
	t := p.next()
	n := &node{line: t.line, col: t.col}
	switch {
	case t.kind == 'n':
		v, err := strconv.ParseInt(t.text, 0, 64)
		if err != nil {
			p.fail(t.line, t.col, t.text+" is not an integer corsplay can read")
		}
		n.kind, n.num = 'n', v
		return n
	case t.kind == 's':
		n.kind, n.str = 's', t.text
		return n
	case t.kind == 'p' && t.text == "(":
		p.skipLines()
		x := p.expr()
		p.skipLines()
		p.expect(")")
		return x
	case t.kind == 'p' && t.text == "[":
		p.expect("]")
		if e := p.next(); e.kind == 'i' {
			n.kind, n.name = 'i', "[]"+e.text
		} else {
			p.fail(e.line, e.col, "expected a type, found "+describe(e))
		}
	case t.kind == 'i' && t.text == "func":
		p.skipFunc()
		n.kind = 'f'
		return n
	case t.kind == 'i':
		n.kind, n.name = 'i', t.text
		for p.is(".") {
			p.next()
			if e := p.next(); e.kind == 'i' {
				n.name += "." + e.text
			} else {
				p.fail(e.line, e.col, "expected a name after ., found "+describe(e))
			}
		}
	default:
		p.fail(t.line, t.col, "expected a value, found "+describe(t))
		return n
	}
	for p.err == nil {
		switch {
		case p.is("(") && n.kind == 'i':
			p.next()
			n.kind, n.args = 'c', p.list(")", false, n)
		case p.is("{") && n.kind == 'i':
			p.next()
			n.kind, n.args = 'l', p.list("}", true, n)
		default:
			return n
		}
	}
	return n
}

// list reads comma-separated expressions up to end; keyed: `Key: value`
// elements are allowed (a composite literal's).
func (p *parser) list(end string, keyed bool, n *node) []*node {
	var out []*node
	for p.err == nil {
		p.skipLines()
		if p.is(end) {
			p.next()
			return out
		}
		x := p.expr()
		var key *node
		if keyed && p.is(":") {
			if x.kind != 'i' || strings.Contains(x.name, ".") {
				p.fail(x.line, x.col, "expected a field name before :")
			}
			p.next()
			p.skipLines()
			key, x = x, p.expr()
		}
		out = append(out, x)
		n.keys = append(n.keys, key)
		p.skipLines()
		if !p.is(",") && !p.is(end) {
			t := p.peek()
			p.fail(t.line, t.col, "expected , or "+end+", found "+describe(t))
		} else if p.is(",") {
			p.next()
		}
	}
	return out
}

// skipFunc skips a func literal's signature and body.
func (p *parser) skipFunc() {
	depth := 0
	for t := p.next(); t.kind != 0; t = p.next() {
		if t.kind == 'p' && (t.text == "(" || t.text == "{" || t.text == "[") {
			depth++
		} else if t.kind == 'p' && (t.text == ")" || t.text == "}" || t.text == "]") {
			depth--
			if depth == 0 && t.text == "}" {
				return
			}
		}
	}
}

// config is a configuration being built: its options, and what its list
// fields hold.
type config struct {
	options map[string]json.RawMessage
	values  map[string][]string
}

type reader struct {
	d    *Dialect
	vars map[string]*config
	err  *Error
}

func (r *reader) fail(n *node, msg string) {
	if r.err == nil {
		r.err = &Error{n.line, n.col, msg}
	}
}

// Read reads text in dialect d into options.
func (d *Dialect) Read(text string) (map[string]json.RawMessage, error) {
	toks, terr := tokenize(text)
	if terr != nil {
		return nil, terr
	}
	p := &parser{toks: toks}
	stmts := p.statements()
	if p.err != nil {
		return nil, p.err
	}
	r := &reader{d: d, vars: map[string]*config{}}
	var result *config
	var last string
	for _, s := range stmts {
		if result != nil {
			at := s.x
			if s.target != nil {
				at = s.target
			}
			return nil, &Error{at.line, at.col, "nothing can follow the statement that uses the configuration"}
		}
		switch {
		case s.target == nil:
			if !r.append(s.x) {
				result = r.use(s.x)
			}
		case s.define && s.target.kind == 'i' && !strings.Contains(s.target.name, "."):
			r.vars[s.target.name] = r.config(s.x, false)
			last = s.target.name
		case s.target.kind == 'i' && r.vars[s.target.name] != nil && !s.define:
			r.vars[s.target.name] = r.config(s.x, false)
		case s.target.kind == 'i' && strings.Count(s.target.name, ".") == 1 && !s.define:
			v, field, _ := strings.Cut(s.target.name, ".")
			if c := r.variable(s.target, v); c != nil {
				r.set(c, &node{name: field, line: s.target.line, col: s.target.col}, s.x)
			}
		default:
			r.fail(s.target, "corsplay reads assignments to a configuration variable or to one of its fields only")
		}
		if r.err != nil {
			return nil, r.err
		}
	}
	if result == nil && last != "" {
		result = r.vars[last]
	}
	if result == nil {
		return nil, &Error{1, 1, "no " + d.Type + " found"}
	}
	return result.options, nil
}

func (r *reader) variable(n *node, name string) *config {
	c := r.vars[name]
	if c == nil {
		r.fail(n, name+" is not a configuration this text defines")
	}
	return c
}

// use reads the last statement: the middleware built from a configuration.
func (r *reader) use(x *node) *config {
	for x.kind == 'c' && len(x.args) == 1 && (strings.HasSuffix(x.name, ".Use") || contains(r.d.Wraps, x.name)) {
		x = x.args[0]
	}
	return r.config(x, true)
}

// append runs v.AddX(args...); false when x is not such a call.
func (r *reader) append(x *node) bool {
	v, m, _ := strings.Cut(x.name, ".")
	c, field := r.vars[v], r.d.Appends[m]
	if x.kind != 'c' || c == nil || field == "" {
		return false
	}
	list := c.values[field]
	for _, a := range x.args {
		list = append(list, r.str(a, field))
	}
	r.setList(c, field, list)
	return true
}

func contains(list []string, s string) bool {
	for _, e := range list {
		if e == s {
			return true
		}
	}
	return false
}

// config reads an expression that yields a configuration; use: it is
// what the program uses (a handler may stand there).
func (r *reader) config(x *node, use bool) *config {
	if x.kind == '&' {
		x = x.args[0]
	}
	written := x.name
	if x.kind == 'c' && len(x.args) == 0 {
		written += "()"
	}
	if st, ok := r.d.Starts[written]; ok && (x.kind == 'c' || x.kind == 'i') {
		if st.Handler && !use {
			r.fail(x, written+" is the middleware, not a configuration")
			return nil
		}
		c := &config{options: map[string]json.RawMessage{}, values: map[string][]string{}}
		json.Unmarshal([]byte(st.Options), &c.options)
		json.Unmarshal([]byte(st.Values), &c.values)
		return c
	}
	switch {
	case x.kind == 'i' && r.vars[x.name] != nil:
		c := r.vars[x.name]
		cp := &config{options: map[string]json.RawMessage{}, values: map[string][]string{}}
		for k, v := range c.options {
			cp.options[k] = v
		}
		for k, v := range c.values {
			cp.values[k] = v
		}
		return cp
	case x.kind == 'l' && x.name == r.d.Type:
		c := &config{options: map[string]json.RawMessage{}, values: map[string][]string{}}
		for i, a := range x.args {
			k := x.keys[i]
			if k == nil {
				r.fail(a, r.d.Type+" literal without field names: write Field: value")
				return nil
			}
			if _, dup := c.options[k.name]; dup {
				r.fail(k, "duplicate field "+k.name+" in "+r.d.Type+" literal")
				return nil
			}
			r.set(c, k, a)
		}
		return c
	}
	r.fail(x, "expected a "+r.d.Type+" literal"+r.starts()+", found "+r.render(x))
	return nil
}

func (r *reader) starts() string {
	var s []string
	for k := range r.d.Starts {
		s = append(s, k)
	}
	if len(s) == 0 {
		return ""
	}
	sortStrings(s)
	return " (or " + strings.Join(s, ", ") + ")"
}

func sortStrings(s []string) {
	for i := 1; i < len(s); i++ {
		for j := i; j > 0 && s[j] < s[j-1]; j-- {
			s[j], s[j-1] = s[j-1], s[j]
		}
	}
}

// render names what x is, for messages.
func (r *reader) render(x *node) string {
	switch x.kind {
	case 'n':
		return "the number " + strconv.FormatInt(x.num, 10)
	case 's':
		return "the string " + strconv.Quote(x.str)
	case 'i':
		return x.name
	case 'c':
		return "a call of " + x.name
	case 'l':
		return "a " + x.name + " literal"
	case 'f':
		return "a func literal"
	}
	return "an expression"
}

// set stores the field named by key (of kind Fields[key.name]) from x.
func (r *reader) set(c *config, key, x *node) {
	field := key.name
	kind, ok := r.d.Fields[field]
	if !ok {
		r.fail(key, r.d.Type+" has no field "+field+" (a Go program setting it would not compile)")
		return
	}
	if c == nil || r.err != nil {
		return
	}
	var v any
	switch kind {
	case "strings":
		if x.kind == 'i' && x.name == "nil" {
			r.setList(c, field, nil)
			return
		}
		var list []string
		switch {
		case x.kind == 'l' && x.name == "[]string":
			for i, a := range x.args {
				if x.keys[i] != nil {
					r.fail(a, "a []string literal has no keys")
				}
				list = append(list, r.str(a, field))
			}
			if list == nil {
				list = []string{}
			}
		case x.kind == 'c' && x.name == "append" && len(x.args) > 0 && x.args[0].kind == 'i' && strings.HasSuffix(x.args[0].name, "."+field):
			v, _, _ := strings.Cut(x.args[0].name, ".")
			if from := r.variable(x.args[0], v); from != nil {
				list = append(list, from.values[field]...)
			}
			for _, a := range x.args[1:] {
				list = append(list, r.str(a, field))
			}
		default:
			r.fail(x, field+": expected a []string literal, found "+r.render(x))
		}
		r.setList(c, field, list)
		return
	case "bool":
		if x.kind != 'i' || x.name != "true" && x.name != "false" {
			r.fail(x, field+": expected true or false, found "+r.render(x))
		}
		v = x.name == "true"
	case "int":
		n, unit := r.num(x, field)
		if unit {
			r.fail(x, field+" is an int (seconds), not a time.Duration")
		}
		v = n
	case "seconds":
		n, unit := r.num(x, field)
		switch {
		case !unit && n != 0:
			r.fail(x, field+" is a time.Duration: "+strconv.FormatInt(n, 10)+" is "+strconv.FormatInt(n, 10)+"ns; write "+strconv.FormatInt(n, 10)+" * time.Second for seconds")
		case n%1e9 != 0:
			r.fail(x, field+" is "+strconv.FormatInt(n, 10)+"ns, not a whole number of seconds, which the JSON form holds")
		}
		v = n / 1e9
	case "func":
		if x.kind == 'i' && x.name == "nil" {
			return
		}
		r.fail(x, field+" is a Go func: corsplay cannot run code; list the origins in AllowOrigins instead")
	}
	if r.err == nil {
		b, _ := json.Marshal(v)
		c.options[field] = b
	}
}

func (r *reader) setList(c *config, field string, list []string) {
	b := []byte("null")
	if list != nil {
		b, _ = json.Marshal(list)
	}
	c.options[field], c.values[field] = b, list
}

// str reads a string constant.
func (r *reader) str(x *node, field string) string {
	if x.kind == 's' {
		return x.str
	}
	if x.kind == 'i' {
		if m, ok := strings.CutPrefix(x.name, "http.Method"); ok && contains([]string{"Get", "Head", "Post", "Put", "Patch", "Delete", "Connect", "Options", "Trace"}, m) {
			return strings.ToUpper(m)
		}
		if r.d.Consts != nil {
			if s, ok := r.d.Consts(x.name); ok {
				return s
			}
		}
	}
	r.fail(x, field+": expected a string, found "+r.render(x)+" (corsplay reads string literals and the constants it knows)")
	return ""
}

// num reads an integer constant expression; unit: it holds a time unit,
// and the value is in nanoseconds.
func (r *reader) num(x *node, field string) (int64, bool) {
	switch x.kind {
	case 'n':
		return x.num, false
	case '-':
		n, u := r.num(x.args[0], field)
		return -n, u
	case '*':
		a, ua := r.num(x.args[0], field)
		b, ub := r.num(x.args[1], field)
		if a != 0 && (a*b/a != b || a == -1 && b == -1<<63) {
			r.fail(x, field+": the value overflows int64")
		}
		return a * b, ua || ub
	case 'c':
		if x.name == "time.Duration" && len(x.args) == 1 {
			n, _ := r.num(x.args[0], field)
			return n, true
		}
	case 'i':
		u := int64(1)
		for _, unit := range strings.Fields("time.Nanosecond time.Microsecond time.Millisecond time.Second time.Minute time.Hour") {
			if unit == x.name {
				return u, true
			}
			if u < 1e9 {
				u *= 1000
			} else {
				u *= 60
			}
		}
	}
	r.fail(x, field+": expected an integer constant, found "+r.render(x))
	return 0, false
}

// GoStrings writes v as a []string literal.
func GoStrings(v []string) string {
	q := make([]string, len(v))
	for i, s := range v {
		q[i] = strconv.Quote(s)
	}
	return "[]string{" + strings.Join(q, ", ") + "}"
}

// QuoteMeta is regexp.QuoteMeta.
func QuoteMeta(s string) string {
	var b strings.Builder
	for i := 0; i < len(s); i++ {
		if strings.IndexByte(`\.+*?()|[]{}^$`, s[i]) >= 0 {
			b.WriteByte('\\')
		}
		b.WriteByte(s[i])
	}
	return b.String()
}

// GoFields writes a composite literal's `Name: value,` lines as gofmt
// aligns them.
func GoFields(fields [][2]string, indent string) string {
	width := 0
	for _, f := range fields {
		width = max(width, len(f[0]))
	}
	var b strings.Builder
	for _, f := range fields {
		b.WriteString(indent + f[0] + ":" + strings.Repeat(" ", width-len(f[0])+1) + f[1] + ",\n")
	}
	return b.String()
}
