package djangocors

import (
	"encoding/json"
	"errors"
	"math"
	"slices"
	"strconv"
	"strings"

	"corsplay/engine/message"
	"corsplay/engine/pattern"
	"corsplay/engine/server"
	"corsplay/engine/server/pyconfig"
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

// export writes a runnable Django program serving route (declared as
// path_info reads it) with these settings. A "<" starts a path converter
// (django.urls.resolvers).
func export(options map[string]json.RawMessage, route string) (string, error) {
	route, err := server.CheckRoute(pathInfo(message.RouteOr(route)), "<>", "Django")
	if err != nil {
		return "", err
	}
	if _, err := configure(options); err != nil {
		return "", err
	}
	var b strings.Builder
	b.WriteString(`"""An app's route behind django-cors-headers 3.14.0 on Django 3.2, as corsplay emulates it.

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


urlpatterns = [path(` + pyconfig.Str(route[1:], true) + `, R.as_view())]
application = get_wsgi_application()

if __name__ == "__main__":
    from django.core.management import execute_from_command_line

    execute_from_command_line([sys.argv[0], "runserver", "--noreload"] + sys.argv[1:])
`)
	return b.String(), nil
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
	*pyconfig.Parser
	defaults map[string]bool // names imported from corsheaders.defaults
	depth    int             // of the terms being read, at most maxDepth
}

// maxDepth bounds how deep brackets, signs and calls nest, as pyconfig's
// Value does: the page's WebAssembly stack must not overflow.
const maxDepth = 50

var (
	errLiteral = errors.New("is not a Python literal corsplay reads (strings, integers, True, False, None, lists, tuples, default_headers and default_methods from corsheaders.defaults, list() and tuple() of them, + and *)")
	errBig     = errors.New("is an integer corsplay does not read (over 64 bits)")
)

// expr is a tuple display without brackets, or one sum.
func (p *parser) expr() (pyValue, error) {
	v, err := p.sum()
	if err != nil || !p.Peek().Is(",") {
		return v, err
	}
	t := pyValue{kind: 't', items: []pyValue{v}}
	for p.Accept(",") && p.Peek().Kind != '\n' {
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
	var s strings.Builder // strings concatenate here: += in the loop is quadratic
	s.WriteString(v.s)
	for err == nil && p.Accept("+") {
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
			s.WriteString(w.s)
		default:
			v.items = append(v.items, w.items...) // every value owns its items
		}
	}
	if v.kind == 's' {
		v.s = s.String()
	}
	return v, err
}

// product is integers multiplied.
func (p *parser) product() (pyValue, error) {
	v, err := p.term()
	for err == nil && p.Accept("*") {
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
	if p.depth++; p.depth > maxDepth {
		return pyValue{}, errors.New("is nested too deeply")
	}
	defer func() { p.depth-- }()
	t := p.Next()
	n := t.Kind == 'n'
	switch {
	case t.Is("-") || t.Is("+"):
		v, err := p.term()
		if err == nil && v.kind != 'i' {
			err = errors.New("negates what is not an integer (TypeError)")
		}
		if t.Text == "-" {
			v.i = -v.i
		}
		return v, err
	case t.Kind == 's':
		s, err := p.Str(t, "")
		if err != nil { // a bytes or f-string
			return pyValue{}, errLiteral
		}
		return pyValue{kind: 's', s: s}, nil
	case t.Kind == '0':
		d, ok := pyconfig.Int(t.Text)
		i, err := strconv.ParseInt(d, 10, 64)
		if !ok || err != nil {
			err = errors.New(t.Text + " is a number corsplay does not read: write a decimal integer")
		}
		return pyValue{kind: 'i', i: i}, err
	case n && (t.Text == "True" || t.Text == "False"):
		return pyValue{kind: 'b', s: strings.ToLower(t.Text)}, nil
	case n && t.Text == "None":
		return pyValue{kind: 'N', s: "null"}, nil
	case n && (t.Text == "default_headers" || t.Text == "default_methods"):
		if !p.defaults[t.Text] {
			return pyValue{}, errors.New("uses " + t.Text + " without `from corsheaders.defaults import " + t.Text + "`")
		}
		if t.Text == "default_headers" {
			return strs('t', defaultHeaders), nil
		}
		return strs('t', defaultMethods), nil
	case n && (t.Text == "list" || t.Text == "tuple") && p.Accept("("):
		v, err := p.sum()
		if err == nil && !p.Accept(")") {
			err = errLiteral
		}
		if v.kind == 's' {
			v = strs('l', strings.Split(v.s, ""))
		}
		if err == nil && v.kind != 'l' && v.kind != 't' {
			err = errors.New("calls " + t.Text + "() on what is not a sequence (TypeError)")
		}
		v.kind = t.Text[0]
		return v, err
	case t.Is("[") || t.Is("("):
		end, v := "]", pyValue{kind: 'l'}
		if t.Text == "(" {
			end, v.kind = ")", 't'
		}
		comma := false
		for !p.Accept(end) {
			if k := p.Peek().Kind; k == 0 || k == '\n' {
				return v, errors.New("has a bracket that is not closed")
			}
			star := p.Accept("*")
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
			if comma = p.Accept(","); !comma && !p.Peek().Is(end) && p.Peek().Kind != '\n' {
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
	p := &parser{Parser: pyconfig.New(text, true), defaults: map[string]bool{}}
	err := p.Err
	for _, t := range p.Toks {
		if t.Bad != "" && err == nil {
			err = pyconfig.At(text, t.Pos, "")
		}
	}
	if e, ok := err.(*pyconfig.Error); ok {
		what := "an escape in this string corsplay does not read"
		if strings.Contains(e.Msg, "unterminated") {
			what = "unterminated string"
		}
		return nil, errors.New("line " + strconv.Itoa(e.Line) + ": " + what)
	}
	options := map[string]json.RawMessage{}
	starts := map[string]int{} // where each setting starts, for its line in an error
	for p.Peek().Kind != 0 {
		start := p.Peek()
		// Counted only for an error: counting each statement's line from the
		// start would be quadratic in the number of lines.
		at := func() string { return "line " + strconv.Itoa(p.Line(start.Pos)) + ": " }
		if start.Kind == 'n' && start.Text == "from" && p.At(1).Text == "corsheaders" {
			var names []string
			for t := p.Next(); t.Kind != '\n'; t = p.Next() {
				names = append(names, t.Text)
			}
			if len(names) < 5 || strings.Join(names[:5], " ") != "from corsheaders . defaults import" {
				return nil, errors.New(at() + "corsplay reads only `from corsheaders.defaults import default_headers, default_methods`")
			}
			for _, n := range names[5:] {
				if n == "as" {
					return nil, errors.New(at() + "corsplay does not read `import ... as ...` from corsheaders.defaults")
				}
				p.defaults[n] = true
				if n == "*" {
					p.defaults["default_headers"], p.defaults["default_methods"] = true, true
				}
			}
			continue
		}
		if start.Kind != 'n' || !strings.HasPrefix(start.Text, "CORS_") { // another setting, an import, a class...: skipped
			p.SkipLine()
			continue
		}
		if _, ok := p.Assignment(); !ok {
			return nil, errors.New(at() + "corsplay reads CORS_ settings only as `CORS_NAME = value` at the top level of the settings")
		}
		v, err := p.expr()
		if err == nil && p.Peek().Kind != '\n' {
			err = errLiteral
		}
		if err != nil {
			return nil, errors.New(at() + start.Text + ": the value " + err.Error())
		}
		p.Next()
		options[start.Text], starts[start.Text] = json.RawMessage(v.json()), start.Pos
	}
	if len(options) == 0 {
		return nil, errors.New("no CORS_ setting found: corsplay reads lines like CORS_ALLOWED_ORIGINS = [\"https://a.example\"]")
	}
	if _, err := configure(options); err != nil {
		var oe *server.OptionError
		if errors.As(err, &oe) {
			n, _, _ := strings.Cut(oe.Path, "[")
			return nil, errors.New("line " + strconv.Itoa(p.Line(starts[n])) + ": " + err.Error())
		}
		return nil, err
	}
	return options, nil
}

// settingsBlock prints options as settings.py lines, in their order.
func settingsBlock(opts []server.Opt) string {
	var b strings.Builder
	for _, o := range opts {
		line, _ := pyconfig.Assign(o.Name, o.Raw, false)
		b.WriteString(line + "\n")
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
