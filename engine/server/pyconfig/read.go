// Package pyconfig reads and writes the Python that configures the Python
// CORS libraries: one tokenizer, one reader of Python literals (as JSON)
// with the helpers the importers need (a call's arguments, a settings
// file's assignments), and one printer. Errors say where: "line L,
// column C: ...". Standard library only: it is compiled to WebAssembly.
package pyconfig

import (
	"encoding/json"
	"strconv"
	"strings"
	"unicode/utf8"

	"corsplay/engine/server"
)

// A Token of Python source.
type Token struct {
	Kind   byte   // 'n' name, '0' number, 's' string, 'o' operator, '\n' end of a logical line, 0 end of the text
	Text   string // a name, number or operator as written; a string's value
	Prefix string // a string's prefix, lower-cased ("", "r", "b", "rb", "f", "u", ...)
	Bad    string // why corsplay does not read the string: a \N{...} escape, a lone surrogate
	Pos    int    // byte offset in the source
}

// Is reports whether t is the operator op.
func (t Token) Is(op string) bool { return t.Kind == 'o' && t.Text == op }

// Describe names t in a message.
func (t Token) Describe() string {
	switch t.Kind {
	case 0:
		return "the end of the text"
	case 's':
		return "a string"
	case '\n':
		return "the end of the line"
	}
	return strconv.Quote(server.Excerpt(t.Text))
}

// An Error is what the reader refuses, and where.
type Error struct {
	Line, Col int // 1-based; the column counts characters
	Msg       string
}

func (e *Error) Error() string { return e.Where() + ": " + e.Msg }

// Where is "line L, column C".
func (e *Error) Where() string {
	return "line " + strconv.Itoa(e.Line) + ", column " + strconv.Itoa(e.Col)
}

// At is an Error at byte offset pos of src.
func At(src string, pos int, msg string) *Error {
	before := src[:pos]
	col := utf8.RuneCountInString(before[strings.LastIndexByte(before, '\n')+1:]) + 1
	return &Error{Line: strings.Count(before, "\n") + 1, Col: col, Msg: msg}
}

const unterminated = "an unterminated string literal"

// Tokenize splits Python source into tokens, dropping blanks, comments and
// line continuations. With lines, the end of each logical line (outside
// brackets) is a '\n' token, and the text ends with one. It stops at the
// first error (an unterminated string, a bad escape), returning the tokens
// before it and an *Error.
func Tokenize(src string, lines bool) ([]Token, error) {
	var toks []Token
	depth := 0
	for i := 0; i < len(src); {
		c, j := src[i], i+1
		switch {
		case c == '\n':
			if lines && depth == 0 && len(toks) > 0 && toks[len(toks)-1].Kind != '\n' {
				toks = append(toks, Token{Kind: '\n', Pos: i})
			}
		case c == ' ' || c == '\t' || c == '\r' || c == '\f':
		case c == '\\' && j < len(src) && src[j] == '\n':
			j++
		case c == '#':
			for j < len(src) && src[j] != '\n' {
				j++
			}
		case c >= '0' && c <= '9' || c == '.' && j < len(src) && src[j] >= '0' && src[j] <= '9':
			hex := c == '0' && j < len(src) && src[j]|0x20 == 'x'
			for j < len(src) && (isName(src[j]) || src[j] == '.' || (src[j] == '+' || src[j] == '-') && src[j-1]|0x20 == 'e' && !hex) {
				j++
			}
			toks = append(toks, Token{Kind: '0', Text: src[i:j], Pos: i})
		case isName(c) || c == '"' || c == '\'':
			for j = i; j < len(src) && isName(src[j]); j++ {
			}
			prefix := strings.ToLower(src[i:j])
			if j == len(src) || src[j] != '"' && src[j] != '\'' || prefix != "" && !strings.Contains(" r u b f br rb fr rf ", " "+prefix+" ") {
				toks = append(toks, Token{Kind: 'n', Text: src[i:j], Pos: i})
				break
			}
			t, end, msg := str(src, j, prefix)
			if msg != "" {
				return toks, At(src, i, msg)
			}
			t.Pos, j = i, end
			toks = append(toks, t)
		default:
			if j < len(src) && strings.Contains(" ** == != <= >= -> := // << >> ", " "+src[i:j+1]+" ") {
				j++
			}
			if strings.IndexByte("([{", c) >= 0 {
				depth++
			} else if strings.IndexByte(")]}", c) >= 0 && depth > 0 {
				depth--
			}
			toks = append(toks, Token{Kind: 'o', Text: src[i:j], Pos: i})
		}
		i = j
	}
	if lines && len(toks) > 0 && toks[len(toks)-1].Kind != '\n' {
		toks = append(toks, Token{Kind: '\n', Pos: len(src)})
	}
	return toks, nil
}

// isName: ASCII letters, digits and _, and any non-ASCII byte (Python
// names may be Unicode).
func isName(c byte) bool {
	return c == '_' || c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c >= utf8.RuneSelf
}

// str reads the string literal whose quote is at src[i], with its prefix:
// the token and where it ends, or why it cannot be read.
func str(src string, i int, prefix string) (Token, int, string) {
	t := Token{Kind: 's', Prefix: prefix}
	q := src[i : i+1]
	if strings.HasPrefix(src[i:], q+q+q) {
		q += q + q
	}
	var b strings.Builder
	for j := i + len(q); j < len(src); {
		if strings.HasPrefix(src[j:], q) {
			t.Text = b.String()
			return t, j + len(q), ""
		}
		c := src[j]
		if c == '\n' && len(q) == 1 {
			break
		}
		if c != '\\' || j+1 >= len(src) {
			b.WriteByte(c)
			j++
			continue
		}
		e := src[j+1]
		if j += 2; strings.Contains(prefix, "r") {
			b.WriteString(src[j-2 : j])
			continue
		}
		switch k := strings.IndexByte("abfnrtv\\'\"\nxuUN01234567", e); {
		case k < 0:
			b.WriteString(src[j-2 : j]) // an unknown escape keeps its backslash
		case k < 10:
			b.WriteByte("\a\b\f\n\r\t\v\\'\""[k])
		case k == 10: // a line continuation
		case k < 14:
			n := 2 << (k - 11) // \x: 2 digits, \u: 4, \U: 8
			if j+n > len(src) || strings.Trim(src[j:j+n], "0123456789abcdefABCDEF") != "" {
				return t, 0, `a truncated \` + string(e) + " escape"
			}
			v, _ := strconv.ParseUint(src[j:j+n], 16, 32)
			if v > utf8.MaxRune {
				return t, 0, `an illegal Unicode character in a \U escape`
			}
			if v >= 0xD800 && v < 0xE000 && t.Bad == "" {
				t.Bad = "a lone surrogate (" + src[j-2:j+n] + ") has no JSON form"
			}
			b.WriteRune(rune(v))
			j += n
		case k == 14:
			if t.Bad == "" {
				t.Bad = `a \N{...} escape; write the character itself`
			}
		default: // up to three octal digits
			n := j - 1
			for j < len(src) && j < n+3 && src[j] >= '0' && src[j] <= '7' {
				j++
			}
			v, _ := strconv.ParseUint(src[n:j], 8, 32)
			b.WriteRune(rune(v))
		}
	}
	return t, 0, unterminated
}

// A Parser reads tokens. Past the last one, it reads an end token (Kind 0)
// at the end of the text.
type Parser struct {
	Src  string
	Toks []Token
	I    int   // the next token
	Err  error // the tokenizer's error: what stopped Toks
	// Floats lets Value read float literals; Braces, sets and dicts.
	Floats, Braces bool
	// Name reads the value that starts with the name t (read; not True,
	// False or None) as JSON, for option key. Nil: Value refuses names.
	Name func(t Token, key string) (string, error)
}

// New tokenizes src: a Parser at its first token.
func New(src string, lines bool) *Parser {
	toks, err := Tokenize(src, lines)
	return &Parser{Src: src, Toks: toks, Err: err}
}

// At is the token k places after the next one.
func (p *Parser) At(k int) Token {
	if p.I+k < len(p.Toks) {
		return p.Toks[p.I+k]
	}
	return Token{Pos: len(p.Src)}
}

// Peek is the next token.
func (p *Parser) Peek() Token { return p.At(0) }

// Next reads the next token.
func (p *Parser) Next() Token { t := p.At(0); p.I++; return t }

// Accept reads the next token when it is the operator op.
func (p *Parser) Accept(op string) bool {
	ok := p.Peek().Is(op)
	if ok {
		p.I++
	}
	return ok
}

// Line is the line of byte offset pos.
func (p *Parser) Line(pos int) int { return strings.Count(p.Src[:pos], "\n") + 1 }

// Fail is an error at t. At the end of the tokens it is the tokenizer's
// error when there is one, else the call (what the readers read) is not
// closed.
func (p *Parser) Fail(t Token, msg string) error {
	switch {
	case t.Kind == 0 && p.Err != nil:
		return p.Err
	case t.Kind == 0:
		msg = "the call is not closed: " + msg
	}
	return At(p.Src, t.Pos, msg)
}

// SkipLine reads through the end of the logical line.
func (p *Parser) SkipLine() {
	for t := p.Next(); t.Kind != '\n' && t.Kind != 0; t = p.Next() {
	}
}

// Skip passes over one expression (an app, a class), brackets balanced: up
// to a ",", or a closing bracket, outside brackets.
func (p *Parser) Skip() {
	depth := 0
	for t := p.Peek(); t.Kind != 0; t = p.Peek() {
		if t.Kind == 'o' && strings.Contains("([{", t.Text) {
			depth++
		} else if t.Kind == 'o' && strings.Contains(")]}", t.Text) || t.Is(",") {
			if depth == 0 {
				return
			}
			depth -= strings.Count(")]}", t.Text)
		}
		p.I++
	}
}

// IsCall reports whether token i is a name called, name(...), and not one a
// def or a class declares.
func (p *Parser) IsCall(i int) bool {
	before := Token{}
	if i > 0 {
		before = p.Toks[i-1]
	}
	return p.Toks[i].Kind == 'n' && i+1 < len(p.Toks) && p.Toks[i+1].Is("(") &&
		!(before.Kind == 'n' && (before.Text == "def" || before.Text == "class"))
}

// Args reads a call's arguments after its "(", through its ")". For each
// one it calls arg with t, its first token, and key: its keyword (name=
// read), "" for a positional argument (nothing read), "*" or "**" for
// unpacking (the operator read). arg reads the value. Args refuses what
// Python refuses: a keyword given twice, a positional argument after a
// keyword.
func (p *Parser) Args(arg func(t Token, key string) error) error {
	seen := map[string]bool{}
	keywords := false
	for n := 1; !p.Accept(")"); n++ {
		t, key := p.Peek(), ""
		switch {
		case t.Kind == 'n' && p.At(1).Is("="):
			if key, p.I = t.Text, p.I+2; seen[key] {
				return p.Fail(t, "keyword argument repeated: "+key+" (Python refuses the call)")
			}
			seen[key], keywords = true, true
		case t.Is("*") || t.Is("**"):
			key, p.I = t.Text, p.I+1
			keywords = keywords || key == "**"
		case keywords:
			return p.Fail(t, "positional argument follows keyword argument")
		}
		if err := arg(t, key); err != nil {
			return err
		}
		if u := p.Next(); u.Is(")") {
			return nil
		} else if !u.Is(",") {
			if key == "" || key[0] == '*' {
				key = "argument " + strconv.Itoa(n)
			}
			return p.Fail(u, key+": expected , or ) after the value, got "+u.Describe())
		}
	}
	return nil
}

// Assignment reads `NAME =` when the logical line is that assignment at the
// top level (no indentation, one "=": no ==, +=, annotation), returning
// NAME; else it reads nothing.
func (p *Parser) Assignment() (Token, bool) {
	t, indent, from := p.Peek(), 0, 0
	if p.I > 0 {
		from = p.Toks[p.I-1].Pos // the end of the line before
	}
	for j := from; j < t.Pos; j++ { // blanks since the last line break, as Python counts them
		switch c := p.Src[j]; {
		case c == '\n':
			indent = 0
		case c == '#':
			for j+1 < t.Pos && p.Src[j+1] != '\n' {
				j++
			}
		case c == '\\': // a line continuation
			j++
		default:
			indent++
		}
	}
	if t.Kind != 'n' || !p.At(1).Is("=") || indent > 0 {
		return t, false
	}
	p.I += 2
	return t, true
}

// Value reads one literal as JSON, for option key (messages name it):
// str (adjacent ones joined), int, float (with Floats), True, False, None,
// list, tuple, set and dict (with Braces). A name goes to p.Name.
func (p *Parser) Value(key string) (string, error) { return p.value(key, 0) }

func (p *Parser) value(key string, depth int) (string, error) {
	t := p.Next()
	if depth > 50 {
		return "", p.Fail(t, key+": nested too deeply")
	}
	switch {
	case t.Kind == 's':
		s, err := p.Str(t, key)
		b, _ := json.Marshal(s)
		return string(b), err
	case t.Kind == '0' || (t.Is("-") || t.Is("+")) && p.Peek().Kind == '0':
		sign := ""
		if t.Kind == 'o' {
			sign, t = strings.Trim(t.Text, "+"), p.Next()
		}
		n, ok := Int(t.Text)
		if !ok && p.Floats {
			n, ok = float(t.Text)
		}
		switch {
		case !ok && p.Floats:
			return "", p.Fail(t, key+": "+t.Text+" is not a number corsplay reads (ints, floats; no complex, no leading zeros)")
		case !ok:
			return "", p.Fail(t, key+": "+t.Text+" is not an integer literal")
		case n == "0":
			return n, nil
		}
		return sign + n, nil
	case t.Kind == 'n' && (t.Text == "True" || t.Text == "False" || t.Text == "None"):
		return strings.ToLower(strings.Replace(t.Text, "None", "null", 1)), nil
	case t.Kind == 'n' && p.Name != nil:
		return p.Name(t, key)
	case t.Kind == 'n':
		kind := "a variable"
		if u := p.Peek(); u.Is("(") {
			kind = "a call"
		} else if u.Is(".") {
			kind = "an attribute"
		}
		return "", p.Fail(t, key+"="+server.Excerpt(t.Text)+": "+kind+"; corsplay reads literal values only (strings, lists, tuples, True, False, None, integers)")
	case t.Is("[") || t.Is("("):
		closer := string(")]"[strings.Count("[", t.Text)])
		var items []string
		tuple := t.Text == "["
		for !p.Peek().Is(closer) {
			v, err := p.value(key, depth+1)
			if err != nil {
				return "", err
			}
			if items = append(items, v); !p.Accept(",") {
				break
			}
			tuple = true
		}
		if u := p.Next(); !u.Is(closer) {
			return "", p.Fail(u, key+": expected , or "+closer+", got "+u.Describe())
		}
		if !tuple && len(items) == 1 { // ("GET") is the string, not a tuple
			return items[0], nil
		}
		return "[" + strings.Join(items, ",") + "]", nil
	case t.Is("{") && p.Braces:
		return p.braces(key, depth)
	case t.Is("{"):
		return "", p.Fail(t, key+": a set or a dict; write a list")
	}
	return "", p.Fail(t, key+": "+t.Describe()+" is not a literal corsplay reads")
}

// Str reads the string t (read) and those right after it, as Python joins
// them; bytes, f-strings and what corsplay cannot decode are refused.
func (p *Parser) Str(t Token, key string) (string, error) {
	s := ""
	for ; ; t = p.Next() {
		switch {
		case strings.ContainsAny(t.Prefix, "bf"):
			return "", p.Fail(t, key+": a "+t.Prefix+"-string; corsplay reads plain string literals only")
		case t.Bad != "":
			return "", p.Fail(t, key+": "+t.Bad)
		}
		if s += t.Text; p.Peek().Kind != 's' {
			return s, nil
		}
	}
}

// braces reads a set or a dict after its "{", as JSON: a set as a list
// (each JSON value once), a dict with its keys (strings) in first-seen
// order and their last values, as Python builds it. Messages name a dict's
// value key["k"]; under key "**" (a call's **{...}), k.
func (p *Parser) braces(key string, depth int) (string, error) {
	var keys, vals []string
	index := map[string]int{}
	set := false
	for n := 0; !p.Accept("}"); n++ {
		kt := p.Peek()
		k, err := p.value(key, depth+1)
		if err != nil {
			return "", err
		}
		if n == 0 {
			set = !p.Peek().Is(":")
		}
		v := k
		if !set {
			if json.Unmarshal([]byte(k), &k) != nil {
				return "", p.Fail(kt, key+": dict keys must be strings")
			}
			if u := p.Next(); !u.Is(":") {
				return "", p.Fail(u, key+": expected :, got "+u.Describe())
			}
			sub := key + "[" + strconv.Quote(k) + "]"
			if key == "**" {
				sub = k
			}
			if v, err = p.value(sub, depth+1); err != nil {
				return "", err
			}
		}
		if i, dup := index[k]; dup {
			vals[i] = v
		} else {
			index[k] = len(keys)
			keys, vals = append(keys, k), append(vals, v)
		}
		if !p.Accept(",") {
			if u := p.Next(); !u.Is("}") {
				return "", p.Fail(u, key+": expected , or }, got "+u.Describe())
			}
			break
		}
	}
	if set {
		return "[" + strings.Join(vals, ",") + "]", nil
	}
	var b strings.Builder
	for i, k := range keys {
		kb, _ := json.Marshal(k)
		b.WriteString("," + string(kb) + ":" + vals[i])
	}
	return "{" + strings.TrimPrefix(b.String(), ",") + "}", nil
}

// Int is the value of a Python integer literal in decimal: decimal of any
// length, 0x, 0o and 0b up to 64 bits; _ between digits.
func Int(s string) (string, bool) {
	if strings.Contains(s, "__") || strings.HasSuffix(s, "_") {
		return "", false
	}
	if len(s) > 2 && s[0] == '0' && strings.IndexByte("xob", s[1]|0x20) >= 0 {
		n, err := strconv.ParseUint(s, 0, 64)
		return strconv.FormatUint(n, 10), err == nil
	}
	s = strings.ReplaceAll(s, "_", "")
	if s == "" || strings.Trim(s, "0123456789") != "" {
		return "", false
	}
	if t := strings.TrimLeft(s, "0"); t != s {
		return "0", t == "" // 00 is 0; 017 is a SyntaxError
	}
	return s, true
}

// float is a Python float literal as JSON; one out of range is inf, which
// json.loads reads from 1e999.
func float(s string) (string, bool) {
	lower := strings.ToLower(s)
	if strings.Contains(s, "__") || strings.HasSuffix(s, "_") || !strings.ContainsAny(lower, ".e") || strings.ContainsAny(lower, "xj") {
		return "", false
	}
	f, err := strconv.ParseFloat(strings.ReplaceAll(s, "_", ""), 64)
	if err != nil {
		return "1e999", f > 1
	}
	out := strconv.FormatFloat(f, 'g', -1, 64)
	if !strings.ContainsAny(out, ".e") {
		out += ".0"
	}
	return out, true
}
