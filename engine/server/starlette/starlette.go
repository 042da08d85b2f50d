// Package starlette emulates Starlette 0.26.1's CORSMiddleware ("starlette";
// FastAPI's CORSMiddleware is this class), as Debian 12 ships it
// (python3-starlette 0.26.1-1+deb12u2, Python 3.11), in front of the app
// libtest runs:
//
//	Starlette(routes=[Route(route, ok, methods=[GET, POST, PUT, DELETE, PATCH])],
//	          middleware=[Middleware(CORSMiddleware, **options)])
//
// where ok answers PlainTextResponse("ok") and route is the request's
// Route percent-decoded, as the app reads a path. Source references are to
// starlette/middleware/cors.py, routing.py, responses.py and
// datastructures.py of that release.
//
// Requests are read as an ASGI server hands them over: header names
// lower-cased, values as Latin-1 strings, the first of repeated headers. The
// answer is the http.response.start message: lower-case names, Latin-1
// values (an option value outside Latin-1 is a UnicodeEncodeError while the
// response is built, hence ServerErrorMiddleware's 500). Not emulated: the
// order of several unknown options (the first sorted one is named, as the
// options reach the engine as a map) and the 405's Allow order under a hash
// seed other than 0 (it comes from a set).
package starlette

import (
	"encoding/json"
	"errors"
	"slices"
	"strconv"
	"strings"
	"unicode/utf8"

	"corsplay/engine/message"
	"corsplay/engine/pattern"
	"corsplay/engine/server"
	"corsplay/engine/server/pyconfig"
)

const name = "starlette"

// library is what the registry holds, laid out by the linker rather
// than built at start-up.
var library = server.Library{
	Name: name, Version: "0.26.1", Default: true, Title: "Starlette CORSMiddleware", Language: "Python",
	Call: "CORSMiddleware(app, …)", OriginsOption: "allow_origins",
	Options: optionList(),
	Quirks: []string{
		`allow_origins written as a string is searched with Python's "in": every part of it is an allowed origin (allow_origins="https://a.example" lets in https://a.ex), and a "*" anywhere in it lets every origin in.`,
		`allow_methods written as a string is searched the same way ("T, P" passes for "GET, PUT") and sent as its characters: "GET" becomes Access-Control-Allow-Methods: G, E, T.`,
		`allow_origin_regex must match the whole origin, but an unescaped dot still matches any character: a.example.com lets in aXexample.com.`,
		`"*" with allow_credentials=True is not refused: preflights and requests with a Cookie header get the origin echoed with credentials; a request without cookies gets "*" with Access-Control-Allow-Credentials: true.`,
		`A refused preflight is a 400 "Disallowed CORS origin, method, headers" (the failures) that still carries Access-Control-Allow-Methods, Max-Age and Allow-Headers, and the origin when it was allowed.`,
		`Access-Control-Allow-Headers always lists Accept, Accept-Language, Content-Language and Content-Type, sorted with allow_headers (capitals first); requested names are compared lower-cased.`,
		`Actual responses carry Access-Control-Allow-Credentials and Access-Control-Expose-Headers for every request with an Origin header, allowed or not; Vary: Origin only when the origin is echoed.`,
		`An empty Access-Control-Request-Headers fails the preflight (its one empty name is not allowed), unless allow_headers has "*".`,
		`Only an upper-case OPTIONS with Access-Control-Request-Method is a preflight; anything else goes to the app, whose 405 (lower-case "patch" included) gets the CORS headers too.`,
		`allow_origins compares exactly: "https://a.example/" (trailing slash) or another case never matches.`,
		`A bad allow_origin_regex raises re.error when the middleware stack is built, at the first request: the server answers nothing but errors.`,
		`Header names are sent in lower case, as ASGI servers pass them on.`,
	},
	New: newMiddleware, Export: export, Import: importCall, Summarize: summarize, Fixer: fixer,
	Matching: server.Matching{
		Regex:   "Starlette matches allow_origin_regex with Python's re.fullmatch: the whole Origin.",
		Literal: pyconfig.Pattern,
	},
}

func init() {
	server.Register(&library)
}

// optionTable is each option's name, JSON types, default and doc.
var optionTable = []string{
	"allow_origins", "list of strings, or a string", "()", `Origins echoed back in Access-Control-Allow-Origin; "*" lets every origin in.`,
	"allow_methods", "list of strings, or a string", `("GET",)`, `Methods a preflight may ask for, sent in Access-Control-Allow-Methods; "*" means DELETE, GET, HEAD, OPTIONS, PATCH, POST, PUT.`,
	"allow_headers", "list of strings", "()", `Request headers a preflight may ask for besides Accept, Accept-Language, Content-Language and Content-Type; "*" echoes whatever is asked.`,
	"allow_credentials", "boolean", "False", "Sends Access-Control-Allow-Credentials: true.",
	"allow_origin_regex", "string or null", "None", "A Python regular expression an origin may match as a whole (fullmatch), besides allow_origins.",
	"expose_headers", "list of strings", "()", "Sent as Access-Control-Expose-Headers on actual responses.",
	"max_age", "integer", "600", "Seconds, sent as Access-Control-Max-Age on preflight answers.",
}

func optionList() []server.Option {
	var out []server.Option
	for i := 0; i < len(optionTable); i += 4 {
		out = append(out, server.Option{Name: optionTable[i], Type: optionTable[i+1], Default: optionTable[i+2], Doc: optionTable[i+3]})
	}
	return out
}

// allMethods is ALL_METHODS, what "*" in allow_methods stands for.
var allMethods = []string{"DELETE", "GET", "HEAD", "OPTIONS", "PATCH", "POST", "PUT"}

// safelisted is SAFELISTED_HEADERS, sorted.
var safelisted = []string{"Accept", "Accept-Language", "Content-Language", "Content-Type"}

// A sequence is a Python str or list of str: `in` is a substring test on
// the one and an element test on the other.
type sequence struct {
	items []string
	str   bool
}

func (s sequence) has(x string) bool {
	if s.str {
		return strings.Contains(s.items[0], x)
	}
	return slices.Contains(s.items, x)
}

// join is ", ".join(s): a str joins its characters.
func (s sequence) join() string {
	if !s.str {
		return strings.Join(s.items, ", ")
	}
	var b strings.Builder
	for i, r := range s.items[0] {
		if i > 0 {
			b.WriteString(", ")
		}
		b.WriteRune(r)
	}
	return b.String()
}

// middleware is a CORSMiddleware after __init__.
type middleware struct {
	origins         sequence
	methods         sequence
	headers         []string // allow_headers, lower-cased (with the safelisted ones)
	allowAll        bool     // "*" in allow_origins
	allowAllHeaders bool
	explicit        bool // preflight_explicit_allow_origin
	re, reNL        *pattern.Regexp
	insts           int
	simple          message.Headers // simple_headers, Latin-1 encoded
	preflight       message.Headers // preflight_headers, Latin-1 encoded
	simpleFails     bool            // a simple header is not Latin-1
	preflightFails  bool
}

// options are CORSMiddleware's keyword arguments read from JSON.
type options struct {
	origins, methods sequence
	headers, expose  []string
	credentials      bool
	regex            *string
	maxAge           string
}

// types are the JSON types each option accepts, in order's order.
var types = []string{"a list of strings or a string", "a list of strings or a string", "a list of strings", "a boolean",
	"a string or null", "a list of strings", "an integer"}

// readOptions reads the JSON form, refusing what it does not accept with an
// *server.OptionError and what CORSMiddleware(app, **options) raises at
// the call with a *server.ConfigError.
func readOptions(m map[string]json.RawMessage) (options, error) {
	o := options{methods: sequence{items: []string{"GET"}}, maxAge: "600"}
	r := server.NewOptions(m)
	for i, k := range order {
		if raw, ok := m[k]; ok && k != "allow_origin_regex" && string(raw) == "null" {
			r.Fail(k, "null is not accepted: the JSON form takes "+types[i])
		}
	}
	var sl server.StringOrList
	if r.Get("allow_origins", types[0], &sl) {
		o.origins = sequence{sl.Values, !sl.List}
	}
	sl = server.StringOrList{}
	if r.Get("allow_methods", types[1], &sl) {
		o.methods = sequence{sl.Values, !sl.List}
	}
	r.Get("allow_headers", types[2], &o.headers)
	r.Get("allow_credentials", types[3], &o.credentials)
	r.Get("allow_origin_regex", types[4], &o.regex)
	r.Get("expose_headers", types[5], &o.expose)
	if raw, ok := r.Raw("max_age"); ok {
		n, ok := pyInt(raw)
		if !ok {
			r.Fail("max_age", message.BriefJSON(raw)+" is not "+types[6])
		}
		o.maxAge = n
	}
	if err := r.Err(); err != nil {
		return o, err
	}
	if r.Has("app") {
		return o, &server.ConfigError{Library: name, Message: "starlette.middleware.cors.CORSMiddleware() got multiple values for keyword argument 'app'"}
	}
	if u := r.Unknown(); len(u) > 0 {
		return o, &server.ConfigError{Library: name, Message: "CORSMiddleware.__init__() got an unexpected keyword argument '" + u[0] + "'"}
	}
	return o, nil
}

// pyInt is str(int) of a JSON integer.
func pyInt(raw json.RawMessage) (string, bool) {
	s := strings.TrimSpace(string(raw))
	neg := strings.HasPrefix(s, "-")
	d := strings.TrimPrefix(s, "-")
	if d == "" || len(d) > 4300 || strings.Trim(d, "0123456789") != "" || (len(d) > 1 && d[0] == '0') {
		return "", false // not a JSON integer, or over Python's int-to-str digit limit
	}
	if d == "0" || !neg {
		return d, true
	}
	return s, true
}

func newMiddleware(m map[string]json.RawMessage) (server.Emulation, error) {
	o, err := readOptions(m)
	if err != nil {
		return nil, err
	}
	c := &middleware{origins: o.origins, methods: o.methods}
	if c.methods.has("*") {
		c.methods = sequence{items: allMethods}
	}
	if o.regex != nil {
		if c.re, c.reNL, c.insts, err = compile(*o.regex); err != nil {
			return nil, err
		}
	}
	c.allowAll = c.origins.has("*")
	c.allowAllHeaders = slices.Contains(o.headers, "*")
	c.explicit = !c.allowAll || o.credentials
	add := func(hs *message.Headers, fails *bool, name, value string) {
		v, ok := toLatin1(value)
		*fails = *fails || !ok
		*hs = append(*hs, message.Header{Name: name, Value: v})
	}
	if c.allowAll {
		add(&c.simple, &c.simpleFails, "access-control-allow-origin", "*")
	}
	if o.credentials {
		add(&c.simple, &c.simpleFails, "access-control-allow-credentials", "true")
	}
	if len(o.expose) > 0 {
		add(&c.simple, &c.simpleFails, "access-control-expose-headers", strings.Join(o.expose, ", "))
	}
	if c.explicit {
		add(&c.preflight, &c.preflightFails, "vary", "Origin")
	} else {
		add(&c.preflight, &c.preflightFails, "access-control-allow-origin", "*")
	}
	add(&c.preflight, &c.preflightFails, "access-control-allow-methods", c.methods.join())
	add(&c.preflight, &c.preflightFails, "access-control-max-age", o.maxAge)
	headers := append(slices.Clone(safelisted), o.headers...)
	slices.Sort(headers) // by code point, as Python sorts str
	headers = slices.Compact(headers)
	if !c.allowAllHeaders {
		add(&c.preflight, &c.preflightFails, "access-control-allow-headers", strings.Join(headers, ", "))
	}
	if o.credentials {
		add(&c.preflight, &c.preflightFails, "access-control-allow-credentials", "true")
	}
	for _, h := range headers {
		c.headers = append(c.headers, pyLower(h))
	}
	return c, nil
}

// compile is re.compile(allow_origin_regex) for fullmatch: the pattern
// anchored at both ends, and a second one where "$" may also match before
// a final newline (Python's "$"), used for values ending in their only
// newline.
func compile(expr string) (re, reNL *pattern.Regexp, insts int, err error) {
	var set pattern.Set
	for _, dollar := range []string{"$", "(?m:$)"} {
		g, err := pattern.TranslatePython(expr, dollar)
		if errors.Is(err, pattern.ErrPythonRejects) {
			return nil, nil, 0, &server.ConfigError{Library: name, Message: err.Error()}
		}
		if err != nil {
			return nil, nil, 0, &server.OptionError{Path: "allow_origin_regex", Problem: err.Error()}
		}
		r, err := set.Compile(`\A(?:` + g + `)\z`)
		if err != nil {
			return nil, nil, 0, &server.OptionError{Path: "allow_origin_regex", Problem: "Python accepts this pattern but corsplay cannot take it: " + err.Error()}
		}
		if re == nil {
			re = r
		} else {
			reNL = r
		}
		if !strings.Contains(expr, "$") {
			break
		}
	}
	return re, reNL, set.Insts(), nil
}

func (c *middleware) Warnings() []string { return nil }

// PatternInsts sizes the compiled allow_origin_regex.
func (c *middleware) PatternInsts() int { return c.insts }

// allowed is is_allowed_origin; origin is the header's Latin-1 text.
func (c *middleware) allowed(origin string, m *pattern.Meter) bool {
	if c.allowAll {
		return true
	}
	if c.re != nil {
		re := c.re
		if c.reNL != nil && strings.IndexByte(origin, '\n') == len(origin)-1 {
			re = c.reNL
		}
		if re.Match(origin, m) {
			return true
		}
	}
	return c.origins.has(origin)
}

// Respond is CORSMiddleware.__call__ in front of the app.
func (c *middleware) Respond(req message.Request) message.Response {
	origin, ok := first(req.Headers, "origin")
	if !ok {
		return app(req)
	}
	acrm, isPreflight := first(req.Headers, "access-control-request-method")
	if req.Method == "OPTIONS" && isPreflight {
		return c.preflightResponse(req, fromLatin1(origin), fromLatin1(acrm))
	}
	if c.simpleFails {
		return serverError()
	}
	resp := app(req)
	hs := append(resp.Headers, c.simple...)
	_, cookie := first(req.Headers, "cookie")
	if (c.allowAll && (cookie || req.Cookies)) || (!c.allowAll && c.allowed(fromLatin1(origin), req.Meter)) {
		hs = set(hs, "access-control-allow-origin", origin)
		hs = append(hs, message.Header{Name: "vary", Value: "Origin"})
	}
	resp.Headers = hs
	return resp
}

// preflightResponse mirrors CORSMiddleware.preflight_response: origin and
// method are Latin-1 text.
func (c *middleware) preflightResponse(req message.Request, origin, method string) message.Response {
	if c.preflightFails {
		return serverError()
	}
	hs := slices.Clone(c.preflight)
	var failures []string
	if c.allowed(origin, req.Meter) {
		if c.explicit {
			hs = set(hs, "access-control-allow-origin", toBytes(origin))
		}
	} else {
		failures = append(failures, "origin")
	}
	if !c.methods.has(method) {
		failures = append(failures, "method")
	}
	if requested, ok := first(req.Headers, "access-control-request-headers"); ok && c.allowAllHeaders {
		hs = set(hs, "access-control-allow-headers", requested)
	} else if ok {
		for _, h := range strings.Split(fromLatin1(requested), ",") {
			if !slices.Contains(c.headers, strings.Trim(strings.ToLower(h), pySpace)) {
				failures = append(failures, "headers")
				break
			}
		}
	}
	if len(failures) > 0 {
		return text(400, "Disallowed CORS "+strings.Join(failures, ", "), hs)
	}
	return text(200, "OK", hs)
}

// methods405 is the Allow header of the route's 405: ", ".join of its
// methods set, in the order a set iterates under PYTHONHASHSEED=0.
const methods405 = "GET, DELETE, PUT, HEAD, POST, PATCH"

// app is the Starlette app behind the middleware: the router, its 405 and
// 404 through ExceptionMiddleware, and its redirect_slashes (Router.__call__:
// the path with its trailing slashes stripped, or with one added, when the
// route matches that).
func app(req message.Request) message.Response {
	scheme, host, path, query := splitURL(req.URL)
	route := unquote(req.AppRoute()) // the route as declared: the path as it reaches the app
	if isRoute(path, route) {
		switch req.Method {
		case "GET", "HEAD", "POST", "PUT", "DELETE", "PATCH":
			return text(200, "ok", nil)
		}
		return text(405, "Method Not Allowed", message.Headers{{Name: "allow", Value: methods405}})
	}
	p := path + "/"
	if strings.HasSuffix(path, "/") {
		p = strings.TrimRight(path, "/")
	}
	if path != "/" && isRoute(p, route) {
		if h, ok := first(req.Headers, "host"); ok && validHost(h) {
			host = h
		}
		loc := scheme + "://" + host + p
		if query != "" {
			loc += "?" + query
		}
		return message.Response{Status: 307, Headers: message.Headers{{Name: "content-length", Value: "0"}, {Name: "location", Value: quote(loc)}}}
	}
	return text(404, "Not Found", nil)
}

// validHost is datastructures._HOST_RE.fullmatch: a Host header URL()
// takes, ^([a-z0-9.-]+|\[[a-f0-9]*:[a-f0-9.:]+\])(?::[0-9]+)?$ ignoring
// case.
func validHost(h string) bool {
	const hex, name = "0123456789abcdefABCDEF", "0123456789abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ.-"
	end := strings.IndexByte(h, ':')
	if strings.HasPrefix(h, "[") {
		end = strings.IndexByte(h, ']') + 1
		inner := h[1:max(end-1, 1)]
		c := strings.IndexByte(inner, ':')
		if end == 0 || c < 0 || strings.Trim(inner[:c], hex) != "" || c+1 == len(inner) || strings.Trim(inner[c+1:], hex+".:") != "" {
			return false
		}
	} else if end < 0 {
		end = len(h)
	}
	if end == 0 || !strings.HasPrefix(h, "[") && strings.Trim(h[:end], name) != "" {
		return false
	}
	port := h[end:]
	return port == "" || len(port) > 1 && port[0] == ':' && strings.Trim(port[1:], "0123456789") == ""
}

// isRoute reports whether compile_path(route)'s "^route$" (the route
// re.escape'd) matches the path (re.match: "$" also matches before a final
// newline).
func isRoute(path, route string) bool { return path == route || path == route+"\n" }

// text is a PlainTextResponse with headers (names already lower-case).
func text(status int, body string, hs message.Headers) message.Response {
	return message.Response{Status: status, Headers: append(hs,
		message.Header{Name: "content-length", Value: strconv.Itoa(len(body))},
		message.Header{Name: "content-type", Value: "text/plain; charset=utf-8"})}
}

// serverError is ServerErrorMiddleware's answer to an exception.
func serverError() message.Response { return text(500, "Internal Server Error", nil) }

// set is MutableHeaders.__setitem__ (and a dict's item assignment): the
// line of that name takes the value, or it is appended.
func set(hs message.Headers, name, value string) message.Headers {
	for i := range hs {
		if hs[i].Name == name {
			hs[i].Value = value // the lists here never hold a name twice
			return hs
		}
	}
	return append(hs, message.Header{Name: name, Value: value})
}

// first is Headers.get(name): the first header whose lower-cased name is
// name (ASGI servers lower-case names byte by byte).
func first(hs message.Headers, name string) (string, bool) {
	for _, h := range hs {
		if len(h.Name) != len(name) {
			continue
		}
		i := 0
		for i < len(name) && (h.Name[i] == name[i] || h.Name[i]+'a'-'A' == name[i] && name[i] >= 'a' && name[i] <= 'z') {
			i++
		}
		if i == len(name) {
			return h.Value, true
		}
	}
	return "", false
}

// pySpace is what str.strip() removes from a Latin-1 string.
const pySpace = "\t\n\v\f\r\x1c\x1d\x1e\x1f \u0085\u00a0"

// pyLower is str.lower(): Go's simple mapping but for İ, which Python
// lowers to "i̇".
func pyLower(s string) string {
	return strings.ToLower(strings.ReplaceAll(s, "\u0130", "i\u0307"))
}

// fromLatin1 decodes header bytes as Latin-1 into text.
func fromLatin1(b string) string {
	for i := 0; i < len(b); i++ {
		if b[i] >= utf8.RuneSelf {
			r := make([]rune, len(b))
			for j := 0; j < len(b); j++ {
				r[j] = rune(b[j])
			}
			return string(r)
		}
	}
	return b
}

// toLatin1 encodes text as Latin-1 bytes; false when a character is
// outside Latin-1 (Python's UnicodeEncodeError).
func toLatin1(s string) (string, bool) {
	for i := 0; i < len(s); i++ {
		if s[i] >= utf8.RuneSelf {
			b := make([]byte, 0, len(s))
			for _, r := range s {
				if r > 0xff {
					return "", false
				}
				b = append(b, byte(r))
			}
			return string(b), true
		}
	}
	return s, true
}

// toBytes is toLatin1 of text that came from Latin-1.
func toBytes(s string) string {
	b, _ := toLatin1(s)
	return b
}

// splitURL reads the scheme, host, path (percent-decoded, as uvicorn's
// unquote does) and raw query of an absolute URL.
func splitURL(u string) (scheme, host, path, query string) {
	scheme, rest, ok := strings.Cut(u, "://")
	if !ok {
		scheme, rest = "http", u
	}
	rest, _, _ = strings.Cut(rest, "#")
	rest, query, _ = strings.Cut(rest, "?")
	i := strings.IndexByte(rest, '/')
	if i < 0 {
		return scheme, rest, "/", query
	}
	return scheme, rest[:i], unquote(rest[i:]), query
}

// unquote is urllib.parse.unquote, as far as it matters here: %XX
// decoded (the path is only compared with the route).
func unquote(s string) string {
	var b []byte
	for i := 0; i < len(s); i++ {
		if s[i] == '%' && i+2 < len(s) && isHex(s[i+1]) && isHex(s[i+2]) {
			v, _ := strconv.ParseUint(s[i+1:i+3], 16, 8)
			b = append(b, byte(v))
			i += 2
		} else {
			b = append(b, s[i])
		}
	}
	return string(b)
}

func isHex(c byte) bool {
	return c >= '0' && c <= '9' || c >= 'a' && c <= 'f' || c >= 'A' && c <= 'F'
}

// quote is urllib.parse.quote(url, safe=":/%#?=@[]!$&'()*+,;"), as
// RedirectResponse writes its location.
func quote(s string) string {
	const hex = "0123456789ABCDEF"
	var b strings.Builder
	for i := 0; i < len(s); i++ {
		c := s[i]
		if c < utf8.RuneSelf && (c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || strings.IndexByte("_.-~:/%#?=@[]!$&'()*+,;", c) >= 0) {
			b.WriteByte(c)
		} else {
			b.WriteString("%" + hex[c>>4:c>>4+1] + hex[c&15:c&15+1])
		}
	}
	return b.String()
}
