package flaskcors

import (
	"bytes"
	"encoding/json"
	"fmt"
	"slices"
	"strconv"
	"strings"
	"unicode"
	"unicode/utf8"
)

// importText reads the options of the one CORS(app, ...) or
// @cross_origin(...) call in Python source: keyword arguments (and
// **{...}) whose values are literals (str, int, float, True, False, None,
// lists, tuples, sets, dicts, and timedelta(...) for max_age). Anything else
// is refused with its line and column, never guessed.
func (v *version) importText(text string) (map[string]json.RawMessage, error) {
	if len(text) > maxImport {
		return nil, fmt.Errorf("the text is %d bytes: paste the CORS(...) call, up to %d bytes", len(text), maxImport)
	}
	if !utf8.ValidString(text) {
		return nil, fmt.Errorf("the text is not UTF-8, as Python source must be")
	}
	text = strings.ReplaceAll(strings.ReplaceAll(text, "\r\n", "\n"), "\r", "\n") // universal newlines
	toks, err := lex(text)
	if err != nil {
		return nil, err
	}
	p := &parser{src: text, toks: toks}
	var calls []int
	for i, t := range toks {
		switch {
		case t.kind == 'n' && (t.text == "CORS" || t.text == "cross_origin") && p.at(i+1, "(") && !p.at(i-1, "def") && !p.at(i-1, "class"):
			calls = append(calls, i)
		case t.kind == 'n' && t.text == "init_app" && p.at(i+1, "("):
			return nil, p.errAt(t, "init_app(...) is not read: pass the options to CORS(app, ...)")
		case (t.kind == 'n' || t.kind == 's') && strings.HasPrefix(t.text, "CORS_"):
			return nil, p.errAt(t, "the app setting %s is not read: pass the option to CORS(app, ...) instead", t.text)
		}
	}
	switch len(calls) {
	case 0:
		return nil, fmt.Errorf("no CORS(app, ...) or @cross_origin(...) call found: paste the call that configures Flask-CORS")
	case 1:
	default:
		return nil, p.errAt(toks[calls[1]], "a second Flask-CORS call (the first is on line %d): paste one call at a time", p.line(toks[calls[0]].pos))
	}
	return p.call(calls[0])
}

const maxImport = 256 << 10

// token is a Python token: kind 'n' name, '0' number, 's' string (text is
// its value; bad says why corsplay cannot read it), 'o' operator.
type token struct {
	kind byte
	text string
	pos  int
	bad  string
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

func (p *parser) errAt(t token, format string, args ...any) error {
	col := utf8.RuneCountInString(p.src[strings.LastIndexByte(p.src[:t.pos], '\n')+1:t.pos]) + 1
	return fmt.Errorf("line %d, column %d: %s", p.line(t.pos), col, fmt.Sprintf(format, args...))
}

func (p *parser) next() token {
	if p.i >= len(p.toks) {
		return token{kind: 'o', text: "end of text", pos: len(p.src)}
	}
	p.i++
	return p.toks[p.i-1]
}

func (p *parser) accept(text string) bool {
	if p.at(p.i, text) {
		p.i++
		return true
	}
	return false
}

func (p *parser) expect(text, what string) error {
	if t := p.next(); t.kind == 's' || t.text != text {
		return p.errAt(t, "%s: expected %q, found %s", what, text, describe(t))
	}
	return nil
}

func describe(t token) string {
	if t.kind == 's' {
		return "a string"
	}
	return strconv.Quote(t.text)
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
		case t.text == "**" && t.kind == 'o':
			keys, vals, err := p.dict(p.next())
			if err != nil {
				return nil, err
			}
			for j, k := range keys {
				if _, dup := out[k]; dup {
					return nil, p.errAt(t, "%s() got multiple values for keyword argument %q", name, k)
				}
				out[k] = vals[j]
			}
			keywords = true
		case t.text == "*" && t.kind == 'o':
			return nil, p.errAt(t, "*args is not read: write the options as keyword arguments")
		case t.kind == 'n' && p.at(p.i, "="):
			p.i++
			keywords = true
			if t.text == "app" && name == "CORS" {
				if app {
					return nil, p.errAt(t, "CORS() got multiple values for argument 'app'")
				}
				app = true
				if err := p.skipExpr(); err != nil {
					return nil, err
				}
				break
			}
			if _, dup := out[t.text]; dup {
				return nil, p.errAt(t, "keyword argument repeated: %s", t.text)
			}
			val, err := p.value(p.next(), t.text, 0)
			if err != nil {
				return nil, err
			}
			out[t.text] = json.RawMessage(val)
		case keywords:
			return nil, p.errAt(t, "positional argument follows keyword argument")
		case name != "CORS":
			return nil, p.errAt(t, "cross_origin() ignores positional arguments: write the options as keyword arguments")
		case app:
			return nil, p.errAt(t, "CORS() takes one positional argument, the app")
		default:
			app = true
			p.i--
			if err := p.skipExpr(); err != nil {
				return nil, err
			}
		}
		if !p.accept(",") {
			if err := p.expect(")", name+"(...)"); err != nil {
				return nil, err
			}
			break
		}
	}
	if _, ok := out["resources"]; ok && name == "cross_origin" {
		return nil, fmt.Errorf("resources: @cross_origin ignores resources (it applies to the one route it decorates): import CORS(app, ...) instead")
	}
	return out, nil
}

// skipExpr skips the app expression: tokens up to "," or ")" outside
// brackets.
func (p *parser) skipExpr() error {
	depth := 0
	for {
		if p.i >= len(p.toks) {
			return p.errAt(p.next(), "the call is not closed")
		}
		t := p.toks[p.i]
		if t.kind == 'o' {
			switch t.text {
			case "(", "[", "{":
				depth++
			case ")", "]", "}":
				if depth == 0 {
					return nil
				}
				depth--
			case ",":
				if depth == 0 {
					return nil
				}
			}
		}
		p.i++
	}
}

// value reads the literal starting with t as JSON; key is the option it
// belongs to, for messages.
func (p *parser) value(t token, key string, depth int) (string, error) {
	if depth > 50 {
		return "", p.errAt(t, "%s: nested too deeply", key)
	}
	switch {
	case t.kind == 's':
		s := t.text
		for {
			if t.bad != "" {
				return "", p.errAt(t, "%s: %s", key, t.bad)
			}
			if p.i >= len(p.toks) || p.toks[p.i].kind != 's' {
				break
			}
			t = p.next()
			s += t.text // adjacent literals concatenate
		}
		return jsonString(s), nil
	case t.kind == '0':
		return p.number(t, "", key)
	case t.kind == 'o' && (t.text == "-" || t.text == "+"):
		n := p.next()
		if n.kind != '0' {
			return "", p.errAt(n, "%s: expected a number after %s", key, t.text)
		}
		return p.number(n, strings.Trim(t.text, "+"), key)
	case t.kind == 'n' && (t.text == "True" || t.text == "False" || t.text == "None"):
		return map[string]string{"True": "true", "False": "false", "None": "null"}[t.text], nil
	case t.kind == 'n':
		dotted := t.text
		for p.at(p.i, ".") && p.i+1 < len(p.toks) && p.toks[p.i+1].kind == 'n' {
			dotted += "." + p.toks[p.i+1].text
			p.i += 2
		}
		switch {
		case p.at(p.i, "(") && (dotted == "timedelta" || dotted == "datetime.timedelta") && (key == "max_age" || strings.HasSuffix(key, `["max_age"]`)):
			return p.timedelta(t)
		case p.at(p.i, "(") && (dotted == "re.compile" || dotted == "compile"):
			return "", p.errAt(t, "%s: a compiled pattern has no JSON form: write the pattern as a string (Flask-CORS then matches it ignoring case)", key)
		case p.at(p.i, "("):
			return "", p.errAt(t, "%s: a call of %s: corsplay reads literal values only", key, dotted)
		}
		return "", p.errAt(t, "%s: %s is a name, not a literal: corsplay reads literal values only; write the value itself", key, dotted)
	case t.text == "[":
		items, err := p.items(key, "]", depth)
		return "[" + strings.Join(items, ",") + "]", err
	case t.text == "(":
		if p.accept(")") {
			return "[]", nil
		}
		first, err := p.value(p.next(), key, depth+1)
		if err != nil || p.accept(")") {
			return first, err // a parenthesized value
		}
		if err := p.expect(",", key); err != nil {
			return "", err
		}
		items, err := p.items(key, ")", depth)
		return "[" + strings.Join(append([]string{first}, items...), ",") + "]", err
	case t.text == "{":
		if p.accept("}") {
			return "{}", nil
		}
		kt := p.next()
		first, err := p.value(kt, key, depth+1)
		if err != nil {
			return "", err
		}
		if p.accept(":") {
			keys, vals, err := p.dictRest(kt, first, key, depth)
			if err != nil {
				return "", err
			}
			var b strings.Builder
			for i, k := range keys {
				b.WriteString("," + jsonString(k) + ":" + string(vals[i]))
			}
			return "{" + b.String()[1:] + "}", nil
		}
		set := []string{first} // a set: each value once
		if !p.accept("}") {
			if err := p.expect(",", key); err != nil {
				return "", err
			}
			items, err := p.items(key, "}", depth)
			if err != nil {
				return "", err
			}
			for _, it := range items {
				if !slices.Contains(set, it) {
					set = append(set, it)
				}
			}
		}
		return "[" + strings.Join(set, ",") + "]", nil
	}
	return "", p.errAt(t, "%s: %s is not a literal value corsplay reads", key, describe(t))
}

// items reads values up to closer (the opening bracket read).
func (p *parser) items(key, closer string, depth int) ([]string, error) {
	var out []string
	for !p.accept(closer) {
		v, err := p.value(p.next(), key, depth+1)
		if err != nil {
			return nil, err
		}
		out = append(out, v)
		if !p.accept(",") {
			if err := p.expect(closer, key); err != nil {
				return nil, err
			}
			break
		}
	}
	return out, nil
}

// dict reads the dict literal after ** (t is its opening brace).
func (p *parser) dict(t token) ([]string, []json.RawMessage, error) {
	if t.text != "{" || t.kind != 'o' {
		return nil, nil, p.errAt(t, "only a dict literal {...} is read after **")
	}
	if p.accept("}") {
		return nil, nil, nil
	}
	kt := p.next()
	first, err := p.value(kt, "**", 1)
	if err != nil {
		return nil, nil, err
	}
	if err := p.expect(":", "**{...}"); err != nil {
		return nil, nil, err
	}
	return p.dictRest(kt, first, "**", 0)
}

// dictRest reads a dict literal after its first key (at kt) and ":": keys
// in first-seen order with their last values, as Python builds a dict.
func (p *parser) dictRest(kt token, k, key string, depth int) ([]string, []json.RawMessage, error) {
	var keys []string
	var vals []json.RawMessage
	for {
		var ks string
		if json.Unmarshal([]byte(k), &ks) != nil {
			return nil, nil, p.errAt(kt, "%s: dict keys must be strings", key)
		}
		sub := key + "[" + strconv.Quote(ks) + "]"
		if key == "**" {
			sub = ks
		}
		v, err := p.value(p.next(), sub, depth+1)
		if err != nil {
			return nil, nil, err
		}
		if i := slices.Index(keys, ks); i >= 0 {
			vals[i] = json.RawMessage(v)
		} else {
			keys, vals = append(keys, ks), append(vals, json.RawMessage(v))
		}
		if !p.accept(",") {
			return keys, vals, p.expect("}", key)
		}
		if p.accept("}") {
			return keys, vals, nil
		}
		kt = p.next()
		if k, err = p.value(kt, key, depth+1); err != nil {
			return nil, nil, err
		}
		if err := p.expect(":", key); err != nil {
			return nil, nil, err
		}
	}
}

// number writes a Python int or float literal (with its sign) as JSON.
func (p *parser) number(t token, sign, key string) (string, error) {
	s := t.text
	if strings.Contains(s, "__") || strings.HasSuffix(s, "_") {
		return "", p.errAt(t, "%s: invalid number %s", key, s)
	}
	s = strings.ReplaceAll(s, "_", "")
	lower := strings.ToLower(s)
	switch {
	case strings.HasSuffix(lower, "j"):
		return "", p.errAt(t, "%s: a complex number is not read", key)
	case len(lower) > 1 && lower[0] == '0' && strings.ContainsRune("xob", rune(lower[1])):
		n, err := strconv.ParseUint(s, 0, 64)
		if err != nil {
			return "", p.errAt(t, "%s: %s is not read (%v)", key, t.text, err)
		}
		return sign + strconv.FormatUint(n, 10), nil
	case strings.ContainsAny(lower, ".e"):
		f, err := strconv.ParseFloat(s, 64)
		if err != nil && f == 0 {
			return "", p.errAt(t, "%s: invalid number %s", key, t.text)
		}
		if f > 1e308 { // inf, as Python reads it; JSON has no inf but json.loads reads 1e999 as it
			return sign + "1e999", nil
		}
		out := strconv.FormatFloat(f, 'g', -1, 64)
		if !strings.ContainsAny(out, ".e") {
			out += ".0"
		}
		return sign + out, nil
	}
	if strings.Trim(s, "0123456789") != "" {
		return "", p.errAt(t, "%s: invalid number %s", key, t.text)
	}
	if digits := strings.TrimLeft(s, "0"); digits != s {
		if digits != "" {
			return "", p.errAt(t, "%s: leading zeros in a decimal integer are not permitted in Python", key)
		}
		s = "0"
	}
	return sign + s, nil
}

// timedelta reads timedelta(...) with whole-number arguments as the string
// serialize_options makes of it: str(int(total_seconds())).
func (p *parser) timedelta(t token) (string, error) {
	p.i++ // "("
	units := map[string]int64{"days": 86400, "seconds": 1, "minutes": 60, "hours": 3600, "weeks": 604800}
	positional := []string{"days", "seconds"}
	var total int64
	seen, keywords := map[string]bool{}, false
	for n := 0; !p.accept(")"); n++ {
		unit := ""
		if a := p.next(); a.kind == 'n' && p.accept("=") {
			unit, keywords = a.text, true
		} else if p.i--; n < len(positional) && !keywords {
			unit = positional[n]
		}
		vt := p.toks[min(p.i, len(p.toks)-1)]
		v, err := p.value(p.next(), "max_age", 1)
		if err != nil {
			return "", err
		}
		x, err := strconv.ParseInt(v, 10, 64)
		if units[unit] == 0 || seen[unit] || err != nil || x > 1e9 || x < -1e9 {
			return "", p.errAt(vt, "max_age: corsplay reads timedelta(days=, seconds=, minutes=, hours=, weeks=) with whole numbers only")
		}
		seen[unit] = true
		total += x * units[unit]
		if !p.accept(",") {
			if err := p.expect(")", "timedelta(...)"); err != nil {
				return "", err
			}
			break
		}
	}
	if total >= 999999999*86400+86400 || total < -999999999*86400 {
		return "", p.errAt(t, "max_age: timedelta out of range (Python raises OverflowError)")
	}
	return jsonString(strconv.FormatInt(total, 10)), nil
}

func jsonString(s string) string {
	var b bytes.Buffer
	enc := json.NewEncoder(&b)
	enc.SetEscapeHTML(false)
	enc.Encode(s)
	return strings.TrimSuffix(b.String(), "\n")
}

// lex splits Python source into tokens, skipping comments, blank space and
// line continuations.
func lex(src string) ([]token, error) {
	var toks []token
	for i := 0; i < len(src); {
		c := src[i]
		r, size := utf8.DecodeRuneInString(src[i:])
		switch {
		case c == '#':
			for i < len(src) && src[i] != '\n' {
				i++
			}
		case c == ' ' || c == '\t' || c == '\n' || c == '\f' || c == '\\' && strings.HasPrefix(src[i+1:], "\n"):
			i++
		case c == '"' || c == '\'':
			t, end, err := lexString(src, i, "")
			if err != nil {
				return nil, err
			}
			toks, i = append(toks, t), end
		case c == '_' || unicode.IsLetter(r):
			j := i
			for j < len(src) {
				r, n := utf8.DecodeRuneInString(src[j:])
				if r != '_' && !unicode.IsLetter(r) && !unicode.IsDigit(r) {
					break
				}
				j += n
			}
			if j < len(src) && (src[j] == '"' || src[j] == '\'') && slices.Contains(strings.Fields("r u b f br rb fr rf"), strings.ToLower(src[i:j])) {
				t, end, err := lexString(src, j, src[i:j])
				if err != nil {
					return nil, err
				}
				t.pos = i
				toks, i = append(toks, t), end
				continue
			}
			toks, i = append(toks, token{kind: 'n', text: src[i:j], pos: i}), j
		case c >= '0' && c <= '9' || c == '.' && i+1 < len(src) && src[i+1] >= '0' && src[i+1] <= '9':
			j := i + 1
			for j < len(src) && (isAlnum(src[j]) || src[j] == '_' || src[j] == '.' ||
				(src[j] == '+' || src[j] == '-') && (src[j-1] == 'e' || src[j-1] == 'E') && !strings.ContainsAny(src[i:j], "xX")) {
				j++
			}
			toks, i = append(toks, token{kind: '0', text: src[i:j], pos: i}), j
		default:
			n := size
			if i+1 < len(src) && slices.Contains([]string{"**", "==", "!=", "<=", ">=", "->", ":=", "//", "<<", ">>"}, src[i:i+2]) {
				n = 2
			}
			toks, i = append(toks, token{kind: 'o', text: src[i : i+n], pos: i}), i+n
		}
	}
	return toks, nil
}

func isAlnum(c byte) bool {
	return c >= '0' && c <= '9' || c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z'
}

// lexString reads the string literal whose quote is at i, with prefix
// (r, u, b, f, in any case and order): its value, and where it ends.
func lexString(src string, i int, prefix string) (token, int, error) {
	lp := strings.ToLower(prefix)
	t := token{kind: 's', pos: i}
	switch {
	case strings.Contains(lp, "b"):
		t.bad = "a bytes literal: Flask-CORS options are str"
	case strings.Contains(lp, "f"):
		t.bad = "an f-string: corsplay reads literal values only"
	}
	raw := strings.Contains(lp, "r")
	q := src[i : i+1]
	if strings.HasPrefix(src[i:], q+q+q) {
		q += q + q
	}
	var b strings.Builder
	unterminated := func() (token, int, error) {
		p := &parser{src: src}
		return token{}, 0, p.errAt(token{pos: i}, "unterminated string literal")
	}
	for j := i + len(q); ; {
		switch {
		case j >= len(src):
			return unterminated()
		case strings.HasPrefix(src[j:], q):
			t.text = b.String()
			return t, j + len(q), nil
		case src[j] == '\n' && len(q) == 1:
			return unterminated()
		case src[j] != '\\':
			b.WriteByte(src[j])
			j++
			continue
		case j+1 >= len(src):
			return unterminated()
		}
		e := src[j+1]
		j += 2
		if raw {
			b.WriteByte('\\')
			b.WriteByte(e)
			continue
		}
		switch e {
		case '\n':
		case '\\', '\'', '"':
			b.WriteByte(e)
		case 'a', 'b', 'f', 'n', 'r', 't', 'v':
			b.WriteByte("\a\b\f\n\r\t\v"[strings.IndexByte("abfnrtv", e)])
		case '0', '1', '2', '3', '4', '5', '6', '7':
			n := j - 1
			for j < len(src) && j-n < 3 && src[j] >= '0' && src[j] <= '7' {
				j++
			}
			v, _ := strconv.ParseUint(src[n:j], 8, 32)
			b.WriteRune(rune(v))
		case 'x', 'u', 'U':
			n := map[byte]int{'x': 2, 'u': 4, 'U': 8}[e]
			v, err := strconv.ParseUint(src[j:min(j+n, len(src))], 16, 32)
			if err != nil || j+n > len(src) || strings.ContainsAny(src[j:j+n], "+-_") {
				p := &parser{src: src}
				return token{}, 0, p.errAt(token{pos: j - 2}, "truncated \\%c escape", e)
			}
			switch {
			case v > unicode.MaxRune:
				p := &parser{src: src}
				return token{}, 0, p.errAt(token{pos: j - 2}, "illegal Unicode character")
			case v >= 0xD800 && v <= 0xDFFF && t.bad == "":
				t.bad = "a lone surrogate (\\" + src[j-1:j+n] + ") has no JSON form"
			}
			b.WriteRune(rune(v))
			j += n
		case 'N':
			if t.bad == "" {
				t.bad = `\N{...} escapes are not read: write the character itself`
			}
		default:
			b.WriteByte('\\')
			b.WriteByte(e)
		}
	}
}
