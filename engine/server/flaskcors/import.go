package flaskcors

import (
	"encoding/json"
	"errors"
	"slices"
	"strconv"
	"strings"
	"unicode"
	"unicode/utf8"

	"corsplay/engine/server"
)

// Import reads Python source: the keyword arguments (and **{...}) of its
// one CORS(app, ...) or @cross_origin(...) call, whose values must be
// literals (str, int, float, True, False, None, lists, tuples, sets, dicts,
// and timedelta(...) for max_age), as the JSON json.loads would give for
// them. Anything else is refused with its line and column, never guessed.
// The reader knows nothing of Flask-CORS but the names of its calls: it is
// a Python literal reader other Python libraries can share.

func (v *version) importText(text string) (map[string]json.RawMessage, error) {
	if len(text) > maxImport {
		return nil, errors.New("the text is " + strconv.Itoa(len(text)) + " bytes: paste the CORS(...) call, up to 256 KB")
	}
	if !utf8.ValidString(text) {
		return nil, errors.New("the text is not UTF-8, as Python source must be")
	}
	text = strings.ReplaceAll(strings.ReplaceAll(text, "\r\n", "\n"), "\r", "\n") // universal newlines
	p := &parser{src: text}
	if err := p.lex(); err != nil {
		return nil, err
	}
	call, depth := -1, 0 // depth: brackets open in the call's arguments
	for i, t := range p.toks {
		if depth > 0 || call >= 0 && i == call+1 {
			switch {
			case p.at(i, "(") || p.at(i, "[") || p.at(i, "{"):
				depth++
			case p.at(i, ")") || p.at(i, "]") || p.at(i, "}"):
				depth--
			}
		}
		switch {
		case t.kind == 'n' && (t.text == "CORS" || t.text == "cross_origin") && p.at(i+1, "(") && !p.at(i-1, "def") && !p.at(i-1, "class"):
			if call >= 0 {
				return nil, p.fail(t.pos, "a second Flask-CORS call (the first is on line "+strconv.Itoa(p.line(p.toks[call].pos))+"): paste one call at a time")
			}
			call = i
		case t.kind == 'n' && t.text == "init_app" && p.at(i+1, "("):
			return nil, p.fail(t.pos, "init_app(...) is not read: pass the options to CORS(app, ...)")
		case depth == 0 && strings.HasPrefix(t.text, "CORS_") && (t.kind == 's' && (p.at(i-1, "[") || p.at(i+1, ":")) || t.kind == 'n' && p.at(i+1, "=") && (p.at(i-1, "(") || p.at(i-1, ","))):
			// app.config["CORS_X"], config.update({"CORS_X": ...}) or (CORS_X=...),
			// outside the call: CORS(app, CORS_X=...) passes an option
			// Flask-CORS ignores (it warns), which the emulation reads.
			return nil, p.fail(t.pos, "the app setting "+t.text+" is not read: pass the option to CORS(app, ...) instead")
		}
	}
	if call < 0 {
		return nil, errors.New("no CORS(app, ...) or @cross_origin(...) call found: paste the call that configures Flask-CORS")
	}
	return p.call(call)
}

const maxImport = 256 << 10

// token is a Python token: kind 'n' name, '0' number, 's' string (text is
// its value; bad says why it cannot be read), 'o' operator.
type token struct {
	kind      byte
	text, bad string
	pos       int
}

type parser struct {
	src  string
	toks []token
	i    int
}

func (p *parser) at(i int, text string) bool {
	return i >= 0 && i < len(p.toks) && p.toks[i].kind != 's' && p.toks[i].text == text
}

func (p *parser) line(pos int) int { return strings.Count(p.src[:pos], "\n") + 1 }

func (p *parser) fail(pos int, msg string) error {
	col := utf8.RuneCountInString(p.src[strings.LastIndexByte(p.src[:pos], '\n')+1:pos]) + 1
	return errors.New("line " + strconv.Itoa(p.line(pos)) + ", column " + strconv.Itoa(col) + ": " + msg)
}

// next returns the next token; past the end, "end of text".
func (p *parser) next() token {
	if p.i++; p.i > len(p.toks) {
		return token{kind: 'o', text: "end of text", pos: len(p.src)}
	}
	return p.toks[p.i-1]
}

func (p *parser) accept(text string) bool {
	ok := p.at(p.i, text)
	if ok {
		p.i++
	}
	return ok
}

func (p *parser) expect(text, what string) error {
	if t := p.next(); t.kind == 's' || t.text != text {
		return p.fail(t.pos, what+`: expected "`+text+`", found `+describe(t))
	}
	return nil
}

func describe(t token) string {
	if t.kind == 's' {
		return "a string"
	}
	return strconv.Quote(server.Excerpt(t.text))
}

// call reads the arguments of the call whose name is token i.
func (p *parser) call(i int) (map[string]json.RawMessage, error) {
	name := p.toks[i].text
	p.i = i + 2
	out := map[string]json.RawMessage{}
	app, keywords := false, false
	for !p.accept(")") {
		t := p.next()
		switch {
		case t.kind == 'o' && t.text == "**":
			if !p.accept("{") {
				return nil, p.fail(t.pos, "only a dict literal {...} is read after **")
			}
			keys, vals, set, err := p.braces("**", 0)
			if err == nil && set {
				err = p.fail(t.pos, "** takes a dict, not a set")
			}
			for j, k := range keys {
				if _, dup := out[k]; dup && err == nil {
					err = p.fail(t.pos, name+"() got multiple values for keyword argument '"+k+"'")
				}
				out[k] = json.RawMessage(vals[j])
			}
			if err != nil {
				return nil, err
			}
			keywords = true
		case t.kind == 'o' && t.text == "*":
			return nil, p.fail(t.pos, "*args is not read: write the options as keyword arguments")
		case t.kind == 'n' && p.accept("="):
			keywords = true
			if t.text == "app" && name == "CORS" {
				if app {
					return nil, p.fail(t.pos, "CORS() got multiple values for argument 'app'")
				}
				app = true
				p.skipExpr()
				break
			}
			if _, dup := out[t.text]; dup {
				return nil, p.fail(t.pos, "keyword argument repeated: "+t.text)
			}
			val, err := p.value(t.text, 0)
			if err != nil {
				return nil, err
			}
			out[t.text] = json.RawMessage(val)
		case keywords:
			return nil, p.fail(t.pos, "positional argument follows keyword argument")
		case name != "CORS":
			return nil, p.fail(t.pos, "cross_origin() ignores positional arguments: write the options as keyword arguments")
		case app:
			return nil, p.fail(t.pos, "CORS() takes one positional argument, the app")
		default:
			app = true
			p.i--
			p.skipExpr()
		}
		if !p.accept(",") {
			if err := p.expect(")", name+"(...)"); err != nil {
				return nil, err
			}
			break
		}
	}
	if _, ok := out["resources"]; ok && name == "cross_origin" {
		return nil, errors.New("resources: @cross_origin ignores resources (it applies to the one route it decorates): import CORS(app, ...) instead")
	}
	return out, nil
}

// skipExpr skips the app expression: the tokens up to "," or ")" outside
// brackets (the call's end is checked after).
func (p *parser) skipExpr() {
	for depth := 0; p.i < len(p.toks); p.i++ {
		if t := p.toks[p.i]; t.kind == 'o' {
			switch t.text {
			case "(", "[", "{":
				depth++
			case ")", "]", "}", ",":
				if depth == 0 {
					return
				}
				if t.text != "," {
					depth--
				}
			}
		}
	}
}

// value reads a literal as JSON; key names it in messages.
func (p *parser) value(key string, depth int) (string, error) {
	t := p.next()
	if depth > 50 {
		return "", p.fail(t.pos, key+": nested too deeply")
	}
	switch {
	case t.kind == 's':
		var s strings.Builder
		for { // adjacent literals concatenate
			if t.bad != "" {
				return "", p.fail(t.pos, key+": "+t.bad)
			}
			if s.WriteString(t.text); p.i >= len(p.toks) || p.toks[p.i].kind != 's' {
				b, _ := json.Marshal(s.String())
				return string(b), nil
			}
			t = p.next()
		}
	case t.kind == '0':
		return p.number(t, "", key)
	case t.kind == 'o' && (t.text == "-" || t.text == "+"):
		n := p.next()
		if n.kind != '0' {
			return "", p.fail(n.pos, key+": expected a number after "+t.text)
		}
		return p.number(n, strings.Trim(t.text, "+"), key)
	case t.kind == 'n':
		if i := slices.Index([]string{"True", "False", "None"}, t.text); i >= 0 {
			return []string{"true", "false", "null"}[i], nil
		}
		dotted := t.text
		for p.at(p.i, ".") && p.i+1 < len(p.toks) && p.toks[p.i+1].kind == 'n' {
			dotted += "." + p.toks[p.i+1].text
			p.i += 2
		}
		switch {
		case !p.accept("("):
			return "", p.fail(t.pos, key+": "+server.Excerpt(dotted)+" is a name, not a literal: corsplay reads literal values only; write the value itself")
		case (dotted == "timedelta" || dotted == "datetime.timedelta") && (key == "max_age" || strings.HasSuffix(key, `["max_age"]`)):
			return p.timedelta(t)
		case dotted == "re.compile" || dotted == "compile":
			return "", p.fail(t.pos, key+": a compiled pattern has no JSON form: write the pattern as a string (Flask-CORS then matches it ignoring case)")
		}
		return "", p.fail(t.pos, key+": a call of "+dotted+": corsplay reads literal values only")
	case t.text == "[" || t.text == "(":
		closer := "]"
		if t.text == "(" {
			closer = ")"
		}
		items, err := p.seq(key, closer, depth)
		if t.text == "(" && len(items) == 1 && !p.at(p.i-2, ",") {
			return items[0], err // a parenthesized value, not a tuple
		}
		return "[" + strings.Join(items, ",") + "]", err
	case t.text == "{":
		keys, vals, set, err := p.braces(key, depth)
		if set {
			return "[" + strings.Join(vals, ",") + "]", err
		}
		var b strings.Builder
		for i, k := range keys {
			kb, _ := json.Marshal(k)
			b.WriteString("," + string(kb) + ":" + vals[i])
		}
		return "{" + strings.TrimPrefix(b.String(), ",") + "}", err
	}
	return "", p.fail(t.pos, key+": "+describe(t)+" is not a literal value corsplay reads")
}

// seq reads values up to closer (the opening bracket read).
func (p *parser) seq(key, closer string, depth int) ([]string, error) {
	var out []string
	for !p.accept(closer) {
		v, err := p.value(key, depth+1)
		if err != nil {
			return nil, err
		}
		if out = append(out, v); !p.accept(",") {
			return out, p.expect(closer, key)
		}
	}
	return out, nil
}

// braces reads a dict or a set after its "{": a dict's keys (strings) in
// first-seen order with their last values, as Python builds a dict; a set's
// values, each once.
func (p *parser) braces(key string, depth int) (keys, vals []string, set bool, err error) {
	index := map[string]int{}
	for n := 0; !p.accept("}"); n++ {
		kt := p.toks[min(p.i, len(p.toks)-1)]
		k, err := p.value(key, depth+1)
		if err != nil {
			return nil, nil, false, err
		}
		if n == 0 {
			set = !p.at(p.i, ":")
		}
		var ks string
		if !set {
			if json.Unmarshal([]byte(k), &ks) != nil {
				return nil, nil, false, p.fail(kt.pos, key+": dict keys must be strings")
			}
			if err := p.expect(":", key); err != nil {
				return nil, nil, false, err
			}
			sub := key + "[" + strconv.Quote(ks) + "]"
			if key == "**" {
				sub = ks
			}
			if k, err = p.value(sub, depth+1); err != nil {
				return nil, nil, false, err
			}
		} else {
			ks = k
		}
		if i, dup := index[ks]; dup {
			if !set {
				vals[i] = k
			}
		} else {
			index[ks] = len(keys)
			keys, vals = append(keys, ks), append(vals, k)
		}
		if !p.accept(",") {
			return keys, vals, set, p.expect("}", key)
		}
	}
	return keys, vals, set, nil
}

// number writes a Python int or float literal (with its sign) as JSON.
func (p *parser) number(t token, sign, key string) (string, error) {
	s, lower := t.text, strings.ToLower(t.text)
	bad := strings.Contains(s, "__") || strings.HasSuffix(s, "_") || strings.HasSuffix(lower, "j")
	switch {
	case len(s) > 1 && s[0] == '0' && strings.ContainsRune("xob", rune(lower[1])):
		n, err := strconv.ParseUint(s, 0, 64)
		if err == nil && !bad {
			return sign + strconv.FormatUint(n, 10), nil
		}
	case strings.ContainsAny(lower, ".e"):
		f, err := strconv.ParseFloat(strings.ReplaceAll(s, "_", ""), 64)
		if err == nil && !bad {
			out := strconv.FormatFloat(f, 'g', -1, 64)
			if !strings.ContainsAny(out, ".e") {
				out += ".0"
			}
			return sign + out, nil
		}
		if f > 1 && !bad { // out of range: inf, as Python reads it and json.loads reads 1e999
			return sign + "1e999", nil
		}
	default:
		s = strings.ReplaceAll(s, "_", "")
		if strings.Trim(s, "0123456789") == "" && !bad {
			if strings.TrimLeft(s, "0") == "" {
				return sign + "0", nil
			}
			if s[0] != '0' {
				return sign + s, nil
			}
		}
	}
	return "", p.fail(t.pos, key+": "+server.Excerpt(t.text)+" is not a number corsplay reads (ints, floats; no complex, no leading zeros)")
}

// timedelta reads timedelta(...) with whole-number arguments as the string
// serialize_options makes of it: str(int(total_seconds())).
func (p *parser) timedelta(t token) (string, error) {
	units := []string{"days", "seconds", "minutes", "hours", "weeks"}
	seconds := []int64{86400, 1, 60, 3600, 604800}
	var total int64
	seen, keywords := map[string]bool{}, false
	for n := 0; !p.accept(")"); n++ {
		unit, vt := "", p.toks[min(p.i, len(p.toks)-1)]
		if a := p.next(); a.kind == 'n' && p.accept("=") {
			unit, keywords = a.text, true
		} else if p.i--; n < 2 && !keywords {
			unit = units[n] // timedelta(days, seconds, ...)
		}
		v, err := p.value("max_age", 1)
		if err != nil {
			return "", err
		}
		x, err := strconv.ParseInt(v, 10, 64)
		u := slices.Index(units, unit)
		if u < 0 || seen[unit] || err != nil || x > 1e9 || x < -1e9 {
			return "", p.fail(vt.pos, "max_age: corsplay reads timedelta(days=, seconds=, minutes=, hours=, weeks=) with whole numbers only")
		}
		seen[unit] = true
		total += x * seconds[u]
		if !p.accept(",") {
			if err := p.expect(")", "timedelta(...)"); err != nil {
				return "", err
			}
			break
		}
	}
	if total >= 1e9*86400 || total < -999999999*86400 {
		return "", p.fail(t.pos, "max_age: timedelta out of range (Python raises OverflowError)")
	}
	return `"` + strconv.FormatInt(total, 10) + `"`, nil
}

// lex splits Python source into tokens, skipping comments, blank space and
// line continuations.
func (p *parser) lex() error {
	src := p.src
	for i := 0; i < len(src); {
		c := src[i]
		r, size := utf8.DecodeRuneInString(src[i:])
		start := i
		switch {
		case c == '#':
			for i < len(src) && src[i] != '\n' {
				i++
			}
			continue
		case c == ' ' || c == '\t' || c == '\n' || c == '\f' || c == '\\' && strings.HasPrefix(src[i+1:], "\n"):
			i++
			continue
		case c == '_' || unicode.IsLetter(r):
			for i < len(src) {
				r, n := utf8.DecodeRuneInString(src[i:])
				if r != '_' && !unicode.IsLetter(r) && !unicode.IsDigit(r) {
					break
				}
				i += n
			}
			if i == len(src) || src[i] != '"' && src[i] != '\'' || !slices.Contains(stringPrefixes, strings.ToLower(src[start:i])) {
				p.toks = append(p.toks, token{kind: 'n', text: src[start:i], pos: start})
				continue
			}
			fallthrough // a string prefix
		case c == '"' || c == '\'':
			t, end, err := p.lexString(i, strings.ToLower(src[start:i]))
			if err != nil {
				return err
			}
			t.pos, i = start, end
			p.toks = append(p.toks, t)
			continue
		case c >= '0' && c <= '9' || c == '.' && i+1 < len(src) && src[i+1] >= '0' && src[i+1] <= '9':
			for i++; i < len(src) && (strings.IndexByte("0123456789abcdefABCDEF_.xXoOjJ", src[i]) >= 0 ||
				(src[i] == '+' || src[i] == '-') && (src[i-1] == 'e' || src[i-1] == 'E') && !strings.ContainsAny(src[start:i], "xX")); i++ {
			}
			p.toks = append(p.toks, token{kind: '0', text: src[start:i], pos: start})
			continue
		case i+1 < len(src) && slices.Contains(twoCharOps, src[i:i+2]):
			size = 2
		}
		p.toks = append(p.toks, token{kind: 'o', text: src[i : i+size], pos: i})
		i += size
	}
	return nil
}

var stringPrefixes, twoCharOps = strings.Fields("r u b f br rb fr rf"), strings.Fields("** == != <= >= -> := // << >>")

// lexString reads the string literal whose quote is at i, with its
// lower-cased prefix: its value, and where it ends.
func (p *parser) lexString(i int, prefix string) (token, int, error) {
	src := p.src
	t := token{kind: 's'}
	switch {
	case strings.Contains(prefix, "b"):
		t.bad = "a bytes literal: Flask-CORS options are str"
	case strings.Contains(prefix, "f"):
		t.bad = "an f-string: corsplay reads literal values only"
	}
	q := src[i : i+1]
	if strings.HasPrefix(src[i:], q+q+q) {
		q += q + q
	}
	var b strings.Builder
	for j := i + len(q); ; {
		switch {
		case j >= len(src) || src[j] == '\n' && len(q) == 1 || src[j] == '\\' && j+1 >= len(src):
			return t, 0, p.fail(i, "unterminated string literal")
		case strings.HasPrefix(src[j:], q):
			t.text = b.String()
			return t, j + len(q), nil
		case src[j] != '\\':
			b.WriteByte(src[j])
			j++
			continue
		}
		e := src[j+1]
		j += 2
		if strings.Contains(prefix, "r") {
			b.WriteByte('\\')
			b.WriteByte(e)
			continue
		}
		switch k := strings.IndexByte("abfnrtv\\'\"", e); {
		case e == '\n':
		case k >= 0:
			b.WriteByte("\a\b\f\n\r\t\v\\'\""[k])
		case e >= '0' && e <= '7':
			n := j - 1
			for j < len(src) && j-n < 3 && src[j] >= '0' && src[j] <= '7' {
				j++
			}
			v, _ := strconv.ParseUint(src[n:j], 8, 32)
			b.WriteRune(rune(v))
		case e == 'x' || e == 'u' || e == 'U':
			n := 2 + 2*strings.IndexByte("xuU", e)
			if e == 'U' {
				n = 8
			}
			v, err := strconv.ParseUint(src[j:min(j+n, len(src))], 16, 32)
			if err != nil || j+n > len(src) || v > unicode.MaxRune {
				return t, 0, p.fail(j-2, "invalid \\"+string(e)+" escape")
			}
			if v >= 0xD800 && v <= 0xDFFF && t.bad == "" {
				t.bad = "a lone surrogate (\\" + src[j-1:j+n] + ") has no JSON form"
			}
			b.WriteRune(rune(v))
			j += n
		case e == 'N' && t.bad == "":
			t.bad = `\N{...} escapes are not read: write the character itself`
		case e != 'N':
			b.WriteByte('\\')
			b.WriteByte(e)
		}
	}
}
