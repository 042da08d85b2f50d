package djangocors

import (
	"bytes"
	"encoding/json"
	"errors"
	"math"
	"slices"
	"strconv"
	"strings"
	"unicode"

	"corsplay/engine/pattern"
	"corsplay/engine/server"
)

// settingNames are the settings of the JSON form, in the order Export
// writes them.
var settingNames = []string{"CORS_ALLOWED_ORIGINS", "CORS_ORIGIN_WHITELIST", "CORS_ALLOWED_ORIGIN_REGEXES",
	"CORS_ORIGIN_REGEX_WHITELIST", "CORS_ALLOW_ALL_ORIGINS", "CORS_ORIGIN_ALLOW_ALL", "CORS_ALLOW_CREDENTIALS",
	"CORS_ALLOW_HEADERS", "CORS_ALLOW_METHODS", "CORS_EXPOSE_HEADERS", "CORS_PREFLIGHT_MAX_AGE", "CORS_URLS_REGEX",
	"CORS_REPLACE_HTTPS_REFERER"}

// summarize reads the configuration as the neutral policy's words.
func summarize(options map[string]json.RawMessage) server.Summary {
	c, err := configure(options)
	if err != nil {
		return server.Summary{}
	}
	s := server.Summary{Credentials: c.credentials}
	if c.allowAll {
		s.AnyOrigin, s.AnyEntry = "wildcard", "CORS_ALLOW_ALL_ORIGINS = True"
		if _, ok := options["CORS_ALLOW_ALL_ORIGINS"]; !ok {
			s.AnyEntry = "CORS_ORIGIN_ALLOW_ALL = True"
		}
		if c.credentials {
			s.AnyOrigin = "reflect"
		}
	}
	if c.originsStr != nil {
		s.Origins = append(s.Origins, server.Entry{Written: *c.originsStr, Policy: "null"})
		s.Notes = append(s.Notes, c.originsName+" is a string: django-cors-headers reads each of its characters as an origin without scheme or netloc, which lets the null origin in, and nothing else a browser sends.")
	} else {
		for i, o := range c.origins {
			u, p := c.splits[i], o
			switch {
			case c.splitErr != "":
				s.Notes = append(s.Notes, "urlsplit refuses an entry of "+c.originsName+" ("+c.splitErr+"): a request from an origin not let in otherwise gets a 500.")
				p = ""
			case u.scheme == "" && u.netloc == "":
				p = "null" // and any Origin without scheme and netloc
			case u.netloc != "":
				p = u.scheme + "://" + u.netloc
			}
			if p != "" {
				s.Origins = append(s.Origins, server.Entry{Written: o, Policy: p})
			}
		}
	}
	for i, re := range c.regexes {
		if re == nil {
			s.Notes = append(s.Notes, "The regex "+strconv.Quote(c.regexSrc[i])+" is invalid in Python: a request trying it gets a 500.")
			continue
		}
		g, _ := pattern.TranslatePython(c.regexSrc[i], "$")
		s.Origins = append(s.Origins, server.Entry{Written: c.regexSrc[i], Policy: "re:^(?:" + g + ")", Regex: true})
	}
	if c.urlsSet {
		s.Notes = append(s.Notes, "CORS applies only to paths matching CORS_URLS_REGEX (re.match); other paths get no CORS header.")
	}
	if c.credentials && !c.allowAll {
		s.Notes = append(s.Notes, "Access-Control-Allow-Credentials: true goes to every origin, allowed or not.")
	}
	return s
}

// export writes a runnable Django program serving /r with these settings.
func export(options map[string]json.RawMessage) (string, error) {
	if _, err := configure(options); err != nil {
		return "", err
	}
	var b strings.Builder
	b.WriteString(`"""/r behind django-cors-headers 3.14.0 on Django 3.2, as corsplay emulates it.

Run: python3 cors_app.py [ADDRESS:PORT]   (default 127.0.0.1:8000)
Django's runserver runs the system checks first and refuses to start on an
error, as manage.py runserver does; a WSGI server (gunicorn cors_app) does
not run them.
"""
import sys

import django
from django.conf import settings

# The CORS settings, as they stand in settings.py.
`)
	var args strings.Builder
	var opts []server.Opt
	for _, n := range settingNames {
		if raw, ok := options[n]; ok {
			opts = append(opts, server.Opt{Name: n, Raw: raw})
			args.WriteString("    " + n + "=" + n + ",\n")
		}
	}
	if opts != nil {
		b.WriteString(settingsBlock(opts))
	}
	b.WriteString(`
settings.configure(
    DEBUG=False,
    SECRET_KEY="corsplay-export",
    ALLOWED_HOSTS=["*"],
    ROOT_URLCONF=__name__,
    INSTALLED_APPS=["corsheaders"],
    MIDDLEWARE=[
        "corsheaders.middleware.CorsMiddleware",
        "django.middleware.common.CommonMiddleware",
    ],
` + args.String() + `)
django.setup()

from django.core.wsgi import get_wsgi_application  # noqa: E402
from django.http import HttpResponse  # noqa: E402
from django.urls import path  # noqa: E402
from django.views import View  # noqa: E402


class R(View):
    def get(self, request):
        return HttpResponse("ok")

    post = put = patch = delete = get


urlpatterns = [path("r", R.as_view())]
application = get_wsgi_application()

if __name__ == "__main__":
    from django.core.management import execute_from_command_line

    execute_from_command_line([sys.argv[0], "runserver", "--noreload"] + sys.argv[1:])
`)
	return b.String(), nil
}

// pyLiteral writes a JSON value as a Python literal.
func pyLiteral(v any) string {
	switch v := v.(type) {
	case string:
		return pyStr(v)
	case bool:
		if v {
			return "True"
		}
		return "False"
	case json.Number:
		return v.String()
	case []any:
		items := make([]string, len(v))
		n := 0
		for i, x := range v {
			items[i] = pyLiteral(x)
			n += len(items[i]) + 2
		}
		if n < 60 {
			return "[" + strings.Join(items, ", ") + "]"
		}
		return "[\n    " + strings.Join(items, ",\n    ") + ",\n]"
	}
	return "None"
}

// pyStr writes a Python string literal: r"..." for a pattern with
// backslashes when it can, else "..." with escapes.
func pyStr(s string) string {
	if strings.Contains(s, `\`) && !strings.Contains(s, `"`) && (len(s)-len(strings.TrimRight(s, `\`)))%2 == 0 &&
		strings.IndexFunc(s, func(r rune) bool { return r < ' ' || r == 0x7F || r > 0x7F && !unicode.IsPrint(r) }) < 0 {
		return `r"` + s + `"`
	}
	return quote(s, `"`)
}

// A token of Python source.
type token struct {
	kind byte // 'n' name, '0' number, 's' string, '\n' end of a logical line, 'o' operator, 0 end
	text string
	str  string // a string's value
	line int
	col  int // of a logical line's first token: its indentation
}

// tokenize reads Python source into tokens (strings decoded), dropping
// comments and the line ends inside brackets.
func tokenize(src string) ([]token, error) {
	var out []token
	line, col, depth := 1, 0, 0
	for i := 0; i < len(src); {
		c := src[i]
		switch {
		case c == '\n':
			if depth == 0 && len(out) > 0 && out[len(out)-1].kind != '\n' {
				out = append(out, token{kind: '\n', line: line})
			}
			i, line, col = i+1, line+1, 0
			continue
		case c == '#':
			for i < len(src) && src[i] != '\n' {
				i++
			}
			continue
		case c == '\\' && i+1 < len(src) && src[i+1] == '\n':
			i, line = i+2, line+1
			continue
		case c == ' ' || c == '\t' || c == '\r' || c == '\f':
			i, col = i+1, col+1
			continue
		}
		t := token{line: line, col: col} // col: right for a logical line's first token
		j := i
		num := c >= '0' && c <= '9' || c == '.' && i+1 < len(src) && src[i+1] >= '0' && src[i+1] <= '9'
		for j < len(src) && (src[j] == '_' || src[j] >= 0x80 || unicode.IsLetter(rune(src[j])) || unicode.IsDigit(rune(src[j])) ||
			num && (src[j] == '.' || (src[j] == '+' || src[j] == '-') && (src[j-1]|0x20) == 'e')) {
			j++
		}
		switch q := byte(0); {
		case j < len(src) && (src[j] == '"' || src[j] == '\'') && len(strings.Trim(strings.ToLower(src[i:j]), "rbuf")) == 0 && j-i <= 2:
			q = src[j]
			prefix := strings.ToLower(src[i:j])
			triple := strings.HasPrefix(src[j:], strings.Repeat(string(q), 3))
			k := j + 1
			if triple {
				k = j + 3
			}
			var val strings.Builder
			for {
				if k >= len(src) || src[k] == '\n' && !triple {
					return nil, errors.New("line " + strconv.Itoa(t.line) + ": unterminated string")
				}
				if triple && strings.HasPrefix(src[k:], strings.Repeat(string(q), 3)) || !triple && src[k] == q {
					break
				}
				if src[k] == '\n' {
					line++
				}
				if src[k] != '\\' || k+1 >= len(src) {
					val.WriteByte(src[k])
					k++
					continue
				}
				if src[k+1] == '\n' {
					line++
				}
				if strings.Contains(prefix, "r") {
					val.WriteString(src[k : k+2])
				} else if n, ok := unescape(src[k+1:], &val); ok {
					k += n - 1
				} else {
					return nil, errors.New("line " + strconv.Itoa(t.line) + ": an escape in this string corsplay does not read")
				}
				k += 2
			}
			t.kind, t.text, t.str = 's', src[i:j], val.String()
			if strings.ContainsAny(prefix, "bf") {
				t.kind = 'o' // bytes and f-strings are no literals corsplay reads
			}
			if triple {
				k += 2
			}
			i = k + 1
		case j > i:
			t.kind, t.text, i = 'n', src[i:j], j
			if num {
				t.kind = '0'
			}
		default:
			t.kind, t.text, i = 'o', src[i:i+1], i+1
			if strings.Contains("([{", t.text) {
				depth++
			} else if strings.Contains(")]}", t.text) && depth > 0 {
				depth--
			}
		}
		out = append(out, t)
	}
	return append(out, token{kind: '\n', line: line}, token{line: line}), nil
}

// unescape writes the value of the escape after a backslash in s; n is the
// length read. \N{...} is not read.
func unescape(s string, b *strings.Builder) (n int, ok bool) {
	if i := strings.IndexByte("\n\\'\"abfnrtv", s[0]); i >= 0 {
		if i > 0 {
			b.WriteByte("\n\\'\"\a\b\f\n\r\t\v"[i])
		}
		return 1, true
	}
	if s[0] == 'N' {
		return 0, false // \N{name}
	}
	size := map[byte]int{'x': 2, 'u': 4, 'U': 8}[s[0]]
	base, start := 16, 1
	if s[0] >= '0' && s[0] <= '7' {
		base, start, size = 8, 0, 1
		for size < 3 && size < len(s) && s[size] >= '0' && s[size] <= '7' {
			size++
		}
	} else if size == 0 {
		b.WriteString(`\` + s[:1]) // an unknown escape stays as written
		return 1, true
	}
	if start+size > len(s) {
		return 0, false
	}
	v, err := strconv.ParseUint(s[start:start+size], base, 32)
	if err != nil || v > unicode.MaxRune {
		return 0, false
	}
	b.WriteRune(rune(v))
	return start + size, true
}

// A Python value: 's' str, 'i' int, 'b' bool and 'N' None (s holds their
// JSON), 'l' list, 't' tuple.
type pyValue struct {
	kind  byte
	s     string
	i     int64
	items []pyValue
}

func (v pyValue) json() string {
	switch v.kind {
	case 's':
		b, _ := json.Marshal(v.s)
		return string(b)
	case 'i':
		return strconv.FormatInt(v.i, 10)
	case 'b', 'N':
		return v.s
	}
	parts := make([]string, len(v.items))
	for i, x := range v.items {
		parts[i] = x.json()
	}
	return "[" + strings.Join(parts, ",") + "]"
}

// strs is a list ('l') or tuple ('t') of strings.
func strs(kind byte, ss []string) pyValue {
	v := pyValue{kind: kind}
	for _, s := range ss {
		v.items = append(v.items, pyValue{kind: 's', s: s})
	}
	return v
}

// parser reads one setting's value.
type parser struct {
	toks     []token
	pos      int
	defaults map[string]bool // names imported from corsheaders.defaults
}

func (p *parser) peek() token { return p.toks[p.pos] }
func (p *parser) next() token { p.pos++; return p.toks[p.pos-1] }
func (p *parser) is(op string) bool {
	if t := p.peek(); t.kind == 'o' && t.text == op {
		p.pos++
		return true
	}
	return false
}

var (
	errLiteral = errors.New("is not a Python literal corsplay reads (strings, integers, True, False, None, lists, tuples, default_headers and default_methods from corsheaders.defaults, list() and tuple() of them, + and *)")
	errBig     = errors.New("is an integer corsplay does not read (over 64 bits)")
)

// expr is a tuple display without brackets, or one sum.
func (p *parser) expr() (pyValue, error) {
	v, err := p.sum()
	if err != nil || p.peek().text != "," {
		return v, err
	}
	t := pyValue{kind: 't', items: []pyValue{v}}
	for p.is(",") && p.peek().kind != '\n' {
		if v, err = p.sum(); err != nil {
			return v, err
		}
		t.items = append(t.items, v)
	}
	return t, nil
}

// sum is products joined with +: strings, lists and tuples concatenate,
// integers add.
func (p *parser) sum() (pyValue, error) {
	v, err := p.product()
	for err == nil && p.is("+") {
		var w pyValue
		if w, err = p.product(); err != nil {
			break
		}
		switch r := v.i + w.i; {
		case v.kind != w.kind || v.kind == 'b' || v.kind == 'N':
			err = errors.New("adds values Python cannot add (TypeError)")
		case v.kind == 'i' && (r > v.i) != (w.i > 0):
			err = errBig
		case v.kind == 'i':
			v.i = r
		case v.kind == 's':
			v.s += w.s
		default:
			v.items = append(v.items, w.items...) // every value owns its items
		}
	}
	return v, err
}

// product is integers multiplied.
func (p *parser) product() (pyValue, error) {
	v, err := p.term()
	for err == nil && p.is("*") {
		var w pyValue
		if w, err = p.term(); err == nil {
			switch r := v.i * w.i; {
			case v.kind != 'i' || w.kind != 'i':
				err = errors.New("multiplies what corsplay multiplies only as integers")
			case v.i != 0 && (r/v.i != w.i || v.i == -1 && w.i == math.MinInt64):
				err = errBig
			default:
				v.i = r
			}
		}
	}
	return v, err
}

func (p *parser) term() (pyValue, error) {
	t := p.next()
	n := t.kind == 'n'
	switch {
	case t.kind == 'o' && (t.text == "-" || t.text == "+"):
		v, err := p.term()
		if err == nil && v.kind != 'i' {
			err = errors.New("negates what is not an integer (TypeError)")
		}
		if t.text == "-" {
			v.i = -v.i
		}
		return v, err
	case t.kind == 's':
		v := pyValue{kind: 's', s: t.str}
		for p.peek().kind == 's' { // implicit concatenation
			v.s += p.next().str
		}
		return v, nil
	case t.kind == '0':
		i, err := strconv.ParseInt(strings.ReplaceAll(t.text, "_", ""), 10, 64)
		if err != nil {
			err = errors.New(t.text + " is a number corsplay does not read: write a decimal integer")
		}
		return pyValue{kind: 'i', i: i}, err
	case n && (t.text == "True" || t.text == "False"):
		return pyValue{kind: 'b', s: strings.ToLower(t.text)}, nil
	case n && t.text == "None":
		return pyValue{kind: 'N', s: "null"}, nil
	case n && (t.text == "default_headers" || t.text == "default_methods"):
		if !p.defaults[t.text] {
			return pyValue{}, errors.New("uses " + t.text + " without `from corsheaders.defaults import " + t.text + "`")
		}
		if t.text == "default_headers" {
			return strs('t', defaultHeaders), nil
		}
		return strs('t', defaultMethods), nil
	case n && (t.text == "list" || t.text == "tuple") && p.is("("):
		v, err := p.sum()
		if err == nil && !p.is(")") {
			err = errLiteral
		}
		if v.kind == 's' {
			v = strs('l', strings.Split(v.s, ""))
		}
		if err == nil && v.kind != 'l' && v.kind != 't' {
			err = errors.New("calls " + t.text + "() on what is not a sequence (TypeError)")
		}
		v.kind = t.text[0]
		return v, err
	case t.kind == 'o' && (t.text == "[" || t.text == "("):
		end, v := "]", pyValue{kind: 'l'}
		if t.text == "(" {
			end, v.kind = ")", 't'
		}
		comma := false
		for !p.is(end) {
			if p.peek().kind == 0 || p.peek().kind == '\n' {
				return v, errors.New("has a bracket that is not closed")
			}
			star := p.is("*")
			x, err := p.sum()
			switch {
			case err != nil:
				return x, err
			case star && x.kind == 's':
				v.items = append(v.items, strs('l', strings.Split(x.s, "")).items...)
			case star && (x.kind == 'l' || x.kind == 't'):
				v.items = append(v.items, x.items...)
			case star:
				return x, errors.New("unpacks what is not a sequence (TypeError)")
			default:
				v.items = append(v.items, x)
			}
			if comma = p.is(","); !comma && p.peek().text != end && p.peek().kind != '\n' {
				return v, errLiteral
			}
		}
		if end == ")" && len(v.items) == 1 && !comma { // (x) is x
			return v.items[0], nil
		}
		return v, nil
	}
	return pyValue{}, errLiteral
}

// importSettings reads the CORS_ settings of a Django settings block: every
// `CORS_NAME = <literal>` at the top level; other statements are skipped.
func importSettings(text string) (map[string]json.RawMessage, error) {
	toks, err := tokenize(text)
	if err != nil {
		return nil, err
	}
	p := &parser{toks: toks, defaults: map[string]bool{}}
	options := map[string]json.RawMessage{}
	lines := map[string]int{}
	for p.peek().kind != 0 {
		start := p.peek()
		at := "line " + strconv.Itoa(start.line) + ": "
		if start.kind == 'n' && start.text == "from" && p.toks[p.pos+1].text == "corsheaders" {
			var names []string
			for t := p.next(); t.kind != '\n'; t = p.next() {
				names = append(names, t.text)
			}
			if len(names) < 5 || strings.Join(names[:5], " ") != "from corsheaders . defaults import" {
				return nil, errors.New(at + "corsplay reads only `from corsheaders.defaults import default_headers, default_methods`")
			}
			for _, n := range names[5:] {
				if n == "as" {
					return nil, errors.New(at + "corsplay does not read `import ... as ...` from corsheaders.defaults")
				}
				p.defaults[n] = true
				if n == "*" {
					p.defaults["default_headers"], p.defaults["default_methods"] = true, true
				}
			}
			continue
		}
		if start.kind != 'n' || !strings.HasPrefix(start.text, "CORS_") { // another setting, an import, a class...: skipped
			for p.next().kind != '\n' {
			}
			continue
		}
		if start.col != 0 || p.toks[p.pos+1].text != "=" || p.toks[p.pos+2].text == "=" {
			return nil, errors.New(at + "corsplay reads CORS_ settings only as `CORS_NAME = value` at the top level of the settings")
		}
		p.pos += 2
		v, err := p.expr()
		if err == nil && p.peek().kind != '\n' {
			err = errLiteral
		}
		if err != nil {
			return nil, errors.New(at + start.text + ": the value " + err.Error())
		}
		p.next()
		options[start.text], lines[start.text] = json.RawMessage(v.json()), start.line
	}
	if len(options) == 0 {
		return nil, errors.New("no CORS_ setting found: corsplay reads lines like CORS_ALLOWED_ORIGINS = [\"https://a.example\"]")
	}
	if _, err := configure(options); err != nil {
		var oe *server.OptionError
		if errors.As(err, &oe) {
			n, _, _ := strings.Cut(oe.Path, "[")
			return nil, errors.New("line " + strconv.Itoa(lines[n]) + ": " + err.Error())
		}
		return nil, err
	}
	return options, nil
}

// settingsBlock prints options as settings.py lines, in their order.
func settingsBlock(opts []server.Opt) string {
	var b strings.Builder
	for _, o := range opts {
		d := json.NewDecoder(bytes.NewReader(o.Raw))
		d.UseNumber()
		var v any
		d.Decode(&v)
		b.WriteString(o.Name + " = " + pyLiteral(v) + "\n")
	}
	if b.Len() == 0 {
		return "# settings.py: no CORS_ setting, django-cors-headers' defaults\n"
	}
	return b.String()
}

// fixer is django-cors-headers' part of the fixes: settings.py lines.
var fixer = &server.Fixer{
	Language: "python", Options: settingNames, Origin: fixOrigin, Credentials: fixCredentials,
	Method: fixMethod, Headers: fixHeaders, Call: settingsBlock,
}

// origins is the setting conf.Settings reads the origins from.
func origins(e *server.Edit) string {
	if !e.Has("CORS_ALLOWED_ORIGINS") && e.Has("CORS_ORIGIN_WHITELIST") {
		return "CORS_ORIGIN_WHITELIST"
	}
	return "CORS_ALLOWED_ORIGINS"
}

func fixOrigin(e *server.Edit, n server.Need) {
	c, err := configure(e.M)
	if err != nil || c.allowAll && !n.Credentials {
		return
	}
	if c.allowAll {
		e.Del("CORS_ALLOW_ALL_ORIGINS")
		e.Del("CORS_ORIGIN_ALLOW_ALL")
		e.Narrowed = true
		e.Note("", "stop letting every origin in", "CORS_ALLOW_ALL_ORIGINS with CORS_ALLOW_CREDENTIALS makes django-cors-headers echo every origin: any site the user visits could read with their cookies. List the page's origin instead.")
		if c, err = configure(e.M); err != nil {
			return
		}
	}
	u, _ := urlsplit(n.Page)
	if found, _ := c.found(n.Page, u, nil); found {
		return
	}
	name := origins(e)
	why := name + " does not include " + n.Page + ": django-cors-headers answers it without Access-Control-Allow-Origin."
	if c.originsStr != nil {
		why = name + " is a string: django-cors-headers reads it one character at a time, and no character is an origin. It must be a list."
	}
	e.Add(name, n.Page)
	e.Note("the origin "+n.Page, "", why)
}

func fixCredentials(e *server.Edit, n server.Need) {
	var on bool
	if e.Value("CORS_ALLOW_CREDENTIALS", &on) && on {
		return
	}
	e.Set("CORS_ALLOW_CREDENTIALS", true)
	e.Note("credentials (cookies)", "", `fetch() sends cookies (credentials: "include"): django-cors-headers sends Access-Control-Allow-Credentials: true only with CORS_ALLOW_CREDENTIALS = True.`)
}

// allowList is a list setting as the library reads it, its default when
// absent.
func allowList(e *server.Edit, name string, def []string) []string {
	var list []string // not def: Unmarshal would write into its array
	if !e.Value(name, &list) {
		list = def
	}
	return list
}

func fixMethod(e *server.Edit, n server.Need) {
	const name = "CORS_ALLOW_METHODS"
	list := allowList(e, name, defaultMethods)
	if !n.Preflight || n.Method == "GET" || n.Method == "HEAD" || n.Method == "POST" || slices.Contains(list, n.Method) ||
		!n.Credentials && slices.Contains(list, "*") {
		return
	}
	e.Set(name, append(slices.Clone(list), n.Method))
	e.Note("the method "+n.Method, "", name+" does not include "+n.Method+": the browser finds it missing from Access-Control-Allow-Methods and refuses the preflight.")
}

func fixHeaders(e *server.Edit, n server.Need) {
	const name = "CORS_ALLOW_HEADERS"
	list := allowList(e, name, defaultHeaders)
	need := n.Headers
	if !n.Credentials && slices.Contains(list, "*") { // * covers every header but Authorization
		need = slices.DeleteFunc(slices.Clone(need), func(h string) bool { return !strings.EqualFold(h, "authorization") })
	}
	missing := server.MissingFold(list, need)
	if len(missing) == 0 {
		return
	}
	e.Set(name, append(slices.Clone(list), missing...))
	e.Note("the request headers "+server.AndList(missing), "", name+" does not include "+server.AndList(missing)+": the browser finds them missing from Access-Control-Allow-Headers and refuses the preflight.")
}
