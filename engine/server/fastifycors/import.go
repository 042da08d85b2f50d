package fastifycors

import (
	"encoding/json"
	"slices"
	"strconv"
	"strings"
)

// importOptions reads the options object of fastify.register(cors, {...})
// (or the object alone) written in JavaScript: strings, template literals
// without ${}, numbers, booleans, null, arrays and regex literals. Anything
// computed (a variable, a function, a call, an expression) is refused.
func importOptions(text string) (map[string]json.RawMessage, error) {
	p := &jsParser{src: []rune(text)}
	out := map[string]json.RawMessage{}
	err := p.run(out)
	if err != nil {
		return nil, err
	}
	return out, nil
}

type jsParser struct {
	src   []rune
	pos   int
	depth int // of nested arrays
}

// importError is a refusal at a position of the text.
type importError struct {
	line, col int
	option    string
	problem   string
}

func (e *importError) Error() string {
	where := "line " + strconv.Itoa(e.line) + ", column " + strconv.Itoa(e.col)
	if e.option != "" {
		where = e.option + " (" + where + ")"
	}
	return where + ": " + e.problem
}

// bail stops the parse with a refusal at the current position.
type bail struct{ err *importError }

func (p *jsParser) fail(option, problem string) {
	line, col := 1, 1
	for _, r := range p.src[:min(p.pos, len(p.src))] {
		if col++; r == '\n' {
			line, col = line+1, 1
		}
	}
	panic(bail{&importError{line, col, option, problem}})
}

func (p *jsParser) run(out map[string]json.RawMessage) (err error) {
	defer func() {
		if r := recover(); r != nil {
			b, ok := r.(bail)
			if !ok {
				panic(r)
			}
			err = b.err
		}
	}()
	p.space()
	if p.peek() == '{' {
		p.object(out)
		p.space()
		if p.peek() == ';' {
			p.pos++
			p.space()
		}
		if p.pos < len(p.src) {
			p.fail("", "unexpected text after the options object")
		}
		return nil
	}
	p.findRegister()
	if p.pos >= len(p.src) {
		return nil
	}
	if p.peek() != '{' {
		p.fail("", "the options must be an object literal { ... }")
	}
	p.object(out) // what follows register(…) is the rest of the program
	return nil
}

func (p *jsParser) peek() rune {
	if p.pos < len(p.src) {
		return p.src[p.pos]
	}
	return 0
}

func (p *jsParser) at(s string) bool {
	return strings.HasPrefix(string(p.src[p.pos:min(p.pos+len(s), len(p.src))]), s)
}

// space skips white space and comments.
func (p *jsParser) space() {
	for p.pos < len(p.src) {
		switch r := p.src[p.pos]; {
		case r == ' ' || r == '\t' || r == '\n' || r == '\r' || r == '\v' || r == '\f' || r == 0xa0 || r == 0xfeff || r == 0x2028 || r == 0x2029:
			p.pos++
		case p.at("//"):
			for p.pos < len(p.src) && p.src[p.pos] != '\n' {
				p.pos++
			}
		case p.at("/*"):
			start := p.pos
			for p.pos += 2; !p.at("*/"); p.pos++ {
				if p.pos >= len(p.src) {
					p.pos = start
					p.fail("", "unterminated comment")
				}
			}
			p.pos += 2
		default:
			return
		}
	}
}

// findRegister moves to the options argument of register(plugin, options):
// the first register call whose plugin argument names cors, else the first
// one; at the end of the text when there is no options argument.
func (p *jsParser) findRegister() {
	at := -1
	for i, tries := 0, 0; i < len(p.src) && tries < 16; i++ {
		if p.pos = i; !p.at("register") {
			continue
		}
		tries++
		p.pos += len("register")
		p.space()
		if p.peek() != '(' {
			continue
		}
		p.pos++
		argAt := p.pos
		p.pluginArg()
		if at < 0 || strings.Contains(strings.ToLower(string(p.src[argAt:p.pos])), "cors") {
			at = p.pos
			if strings.Contains(strings.ToLower(string(p.src[argAt:p.pos])), "cors") {
				break
			}
		}
	}
	if at < 0 {
		p.pos = 0
		p.fail("", "expected fastify.register(cors, { ... }) or an options object { ... }")
	}
	p.pos = at
	if p.peek() == ')' {
		p.pos = len(p.src) // register(cors): the defaults
		return
	}
	p.pos++ // ,
	p.space()
}

// pluginArg skips register's first argument, to the , or ) after it.
func (p *jsParser) pluginArg() {
	depth := 0
	for ; p.pos < len(p.src); p.pos++ {
		switch r := p.src[p.pos]; {
		case r == '\'' || r == '"' || r == '`':
			p.str("")
			p.pos--
		case r == '(' || r == '[' || r == '{':
			depth++
		case (r == ')' || r == ',') && depth == 0:
			return
		case r == ')' || r == ']' || r == '}':
			depth--
		}
	}
	p.fail("", "unterminated register(")
}

func isIdent(r rune, first bool) bool {
	return r == '_' || r == '$' || r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || !first && r >= '0' && r <= '9'
}

func (p *jsParser) ident() string {
	start := p.pos
	for p.pos < len(p.src) && isIdent(p.src[p.pos], p.pos == start) {
		p.pos++
	}
	return string(p.src[start:p.pos])
}

// object reads the options object into out.
func (p *jsParser) object(out map[string]json.RawMessage) {
	p.pos++ // {
	known := optionNames()
	for {
		p.space()
		if p.peek() == '}' {
			p.pos++
			return
		}
		keyAt := p.pos
		var key string
		switch r := p.peek(); {
		case r == '\'' || r == '"':
			key = p.str("")
		case isIdent(r, true):
			key = p.ident()
		case p.at("..."):
			p.fail("", "a spread (...) copies a variable's properties: write the options themselves")
		default:
			p.fail("", "expected an option name")
		}
		p.space()
		switch p.peek() {
		case ':':
			p.pos++
		case '(':
			p.fail(key, "a method is a function: it has no JSON form")
		default:
			p.fail(key, "a shorthand property is a variable: write its value")
		}
		if key == "delegator" {
			p.pos = keyAt
			p.fail(key, "a delegator is a function: it has no JSON form")
		}
		if !slices.Contains(known, key) {
			p.pos = keyAt
			p.fail(key, "not an option of @fastify/cors 11.4.3 (it would be ignored): use one of "+strings.Join(known, ", "))
		}
		v := p.value(key)
		var b strings.Builder
		enc := json.NewEncoder(&b)
		enc.SetEscapeHTML(false)
		enc.Encode(v)
		out[key] = json.RawMessage(strings.TrimSpace(b.String()))
		p.space()
		switch p.peek() {
		case ',':
			p.pos++
		case '}':
		default:
			p.fail(key, "an expression: write the value itself")
		}
	}
}

// value reads one value of option opt.
func (p *jsParser) value(opt string) any {
	p.space()
	switch r := p.peek(); {
	case r == '\'' || r == '"' || r == '`':
		return p.str(opt)
	case r == '[':
		if p.depth++; p.depth > 8 {
			p.fail(opt, "arrays nested this deep have no place in the options")
		}
		defer func() { p.depth-- }()
		p.pos++
		list := []any{}
		for {
			p.space()
			if p.peek() == ']' {
				p.pos++
				return list
			}
			if p.peek() == ',' {
				p.fail(opt, "an array hole has no JSON form")
			}
			list = append(list, p.value(opt))
			p.space()
			switch p.peek() {
			case ',':
				p.pos++
			case ']':
			default:
				p.fail(opt, "an expression: write the value itself")
			}
		}
	case r == '/':
		return p.regExp(opt)
	case r == '{':
		p.fail(opt, "an object has no JSON form here")
	case r == '-' || r == '+' || r == '.' || r >= '0' && r <= '9':
		return p.number(opt)
	case r == '(':
		p.fail(opt, "a function or a computed expression has no JSON form")
	case isIdent(r, true):
		start := p.pos
		switch id := p.ident(); id {
		case "true", "false":
			return id == "true"
		case "null":
			return nil
		case "undefined":
			p.pos = start
			p.fail(opt, "undefined has no JSON form: leave the option out")
		case "function", "async":
			p.pos = start
			p.fail(opt, "a function has no JSON form")
		case "new":
			p.pos = start
			p.fail(opt, "new … is computed at run time: write a regex literal /…/ instead of new RegExp(…)")
		default:
			p.space()
			arrow := p.at("=>")
			p.pos = start
			if arrow {
				p.fail(opt, "a function has no JSON form")
			}
			p.fail(opt, "`"+id+"` is a variable (or an expression): write its value")
		}
	}
	p.fail(opt, "unexpected character")
	return nil
}

// str reads a string or a template literal without substitutions.
func (p *jsParser) str(opt string) string {
	q := p.src[p.pos]
	p.pos++
	var b strings.Builder
	for {
		if p.pos >= len(p.src) {
			p.fail(opt, "unterminated string")
		}
		r := p.src[p.pos]
		p.pos++
		switch {
		case r == q:
			return b.String()
		case q == '`' && r == '$' && p.peek() == '{':
			p.pos--
			p.fail(opt, "a template literal with ${…} is computed at run time: write the string itself")
		case q != '`' && (r == '\n' || r == '\r'):
			p.pos--
			p.fail(opt, "unterminated string")
		case r == '\r' && q == '`':
			if p.peek() == '\n' {
				p.pos++
			}
			b.WriteByte('\n')
		case r == '\\':
			p.escape(opt, &b)
		default:
			b.WriteRune(r)
		}
	}
}

// escape reads the escape after a backslash.
func (p *jsParser) escape(opt string, b *strings.Builder) {
	r := p.peek()
	p.pos++
	hex := func(n int) rune {
		if p.pos+n > len(p.src) {
			p.fail(opt, "a bad escape sequence")
		}
		v, err := strconv.ParseUint(string(p.src[p.pos:p.pos+n]), 16, 32)
		if err != nil {
			p.fail(opt, "a bad escape sequence")
		}
		p.pos += n
		return rune(v)
	}
	switch r {
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
	case 'x':
		b.WriteRune(hex(2))
	case 'u':
		if p.peek() == '{' {
			end := p.pos
			for end < len(p.src) && p.src[end] != '}' {
				end++
			}
			p.pos++
			v := hex(end - p.pos)
			if v > 0x10ffff {
				p.fail(opt, "a bad escape sequence")
			}
			p.pos++
			b.WriteRune(v)
			return
		}
		v := hex(4)
		if v >= 0xd800 && v < 0xdc00 && p.at(`\u`) {
			save := p.pos
			p.pos += 2
			if lo := hex(4); lo >= 0xdc00 && lo < 0xe000 {
				b.WriteRune((v-0xd800)<<10 + lo - 0xdc00 + 0x10000)
				return
			}
			p.pos = save
		}
		b.WriteRune(v)
	case '\r':
		if p.peek() == '\n' {
			p.pos++
		}
	case '\n', 0x2028, 0x2029: // line continuation
	case 0:
		p.fail(opt, "unterminated string")
	default:
		if r >= '0' && r <= '9' && !(r == '0' && !(p.peek() >= '0' && p.peek() <= '9')) {
			p.pos--
			p.fail(opt, "an octal escape has no place in strict JavaScript: write \\x.. or \\u....")
		}
		if r == '0' {
			r = 0
		}
		b.WriteRune(r)
	}
}

// number reads a numeric literal, with an optional sign.
func (p *jsParser) number(opt string) json.Number {
	start := p.pos
	neg := p.peek() == '-'
	if p.peek() == '-' || p.peek() == '+' {
		p.pos++
		p.space()
	}
	tokStart := p.pos
	for p.pos < len(p.src) {
		r := p.src[p.pos]
		if r >= '0' && r <= '9' || r == '.' || r == '_' || isIdent(r, false) {
			p.pos++
		} else if (r == '+' || r == '-') && (p.src[p.pos-1] == 'e' || p.src[p.pos-1] == 'E') && !strings.HasPrefix(strings.ToLower(string(p.src[tokStart:p.pos])), "0x") {
			p.pos++
		} else {
			break
		}
	}
	tok := strings.ReplaceAll(string(p.src[tokStart:p.pos]), "_", "")
	low := strings.ToLower(tok)
	var f float64
	var err error
	switch {
	case strings.HasSuffix(low, "n"):
		err = strconv.ErrSyntax
	case len(low) > 2 && low[0] == '0' && strings.ContainsRune("xob", rune(low[1])):
		var u uint64
		u, err = strconv.ParseUint(low[2:], map[byte]int{'x': 16, 'o': 8, 'b': 2}[low[1]], 64)
		f = float64(u)
	case len(low) > 1 && low[0] == '0' && low[1] >= '0' && low[1] <= '9', strings.IndexFunc(low, func(r rune) bool { return !strings.ContainsRune("0123456789.e+-", r) }) >= 0, low == "":
		err = strconv.ErrSyntax
	default:
		f, err = strconv.ParseFloat(low, 64)
	}
	if err != nil {
		p.pos = start
		p.fail(opt, "`"+string(p.src[start:tokStart])+tok+"` is not a number corsplay reads (a decimal, hexadecimal, octal or binary literal)")
	}
	if neg {
		f = -f
	}
	return json.Number(jsNumber(f))
}

// regExp reads a regex literal into its JSON form.
func (p *jsParser) regExp(opt string) map[string]any {
	start := p.pos
	p.pos++
	class := false
	for {
		if p.pos >= len(p.src) || terminator(p.src[p.pos]) != "" {
			p.pos = start
			p.fail(opt, "unterminated regular expression literal")
		}
		r := p.src[p.pos]
		p.pos++
		switch {
		case r == '\\':
			p.pos++
		case r == '[':
			class = true
		case r == ']':
			class = false
		case r == '/' && !class:
			src := string(p.src[start+1 : p.pos-1])
			flags := p.ident()
			re := map[string]any{"regexp": src}
			if flags != "" {
				re["flags"] = flags
			}
			return re
		}
	}
}
