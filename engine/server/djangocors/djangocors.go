// Package djangocors emulates django-cors-headers 3.14.0 on Django 3.2.25
// (Debian 12's python3-django-cors-headers and python3-django, Python
// 3.11): CorsMiddleware first and CommonMiddleware second in MIDDLEWARE,
// DEBUG off, ALLOWED_HOSTS ["*"], and a class-based View at "r" answering
// "ok" to GET, POST, PUT, PATCH and DELETE (Django adds HEAD and answers
// OPTIONS itself). Options are Django settings with JSON values. Source
// references are to corsheaders/{middleware,conf,checks,defaults}.py.
//
// The answer is what Django passes to start_response: status, and every
// header in its order (a server adds Date, Server and perhaps Connection).
// Requests reach Django as its runserver hands them over (WSGI): leading
// slashes of the path collapsed, PATH_INFO percent-decoded, header names
// holding "_" dropped, values stripped and decoded as Latin-1, repeated
// headers joined with ",".
//
// CORS_URLS_REGEX (default ^.*$) is always matched: with Python's "." and
// "$", the default misses a path holding a newline before its end.
//
// The system checks (corsheaders.checks.check_settings) are Warnings: they
// stop manage.py check and runserver, but a WSGI server does not run them
// and answers. Not emulated, and refused with a *server.OptionError:
// header values outside Latin-1 (Django MIME-encodes them), regexes using
// what Go's RE2 lacks. Known approximations: \b uses ASCII word
// characters, Unicode tables are Go's, and repr() in check messages uses
// Go's idea of a printable character.
package djangocors

import (
	"encoding/json"
	"errors"
	"net/netip"
	"slices"
	"strconv"
	"strings"
	"unicode/utf8"

	"corsplay/engine/message"
	"corsplay/engine/pattern"
	"corsplay/engine/server"
	"corsplay/engine/server/pyconfig"
)

const name = "django-cors-headers"

var (
	defaultHeaders = []string{"accept", "accept-encoding", "authorization", "content-type", "dnt", "origin", "user-agent", "x-csrftoken", "x-requested-with"}
	defaultMethods = []string{"DELETE", "GET", "OPTIONS", "PATCH", "POST", "PUT"}
)

// library is what the registry holds, laid out by the linker rather
// than built at start-up.
var library = server.Library{
	Name: name, Version: "3.14.0", Default: true, Title: "django-cors-headers", Language: "Python",
	Call: "settings.py: CORS_ALLOWED_ORIGINS = […]", OriginsOption: "CORS_ALLOWED_ORIGINS",
	Options: []server.Option{
		{Name: "CORS_ALLOWED_ORIGINS", Type: "list of strings (a string is passed through)", Default: "[]", Doc: "Origins let in, compared by urlsplit scheme (lower-cased) and netloc (as written); old name CORS_ORIGIN_WHITELIST, read only when this one is absent."},
		{Name: "CORS_ORIGIN_WHITELIST", Type: "list of strings (a string is passed through)", Default: "[]", Doc: "The old name of CORS_ALLOWED_ORIGINS."},
		{Name: "CORS_ALLOWED_ORIGIN_REGEXES", Type: "list of strings", Default: "[]", Doc: "Python regexes tried with re.match on the Origin: anchored at the start only, case-sensitive; old name CORS_ORIGIN_REGEX_WHITELIST."},
		{Name: "CORS_ORIGIN_REGEX_WHITELIST", Type: "list of strings", Default: "[]", Doc: "The old name of CORS_ALLOWED_ORIGIN_REGEXES."},
		{Name: "CORS_ALLOW_ALL_ORIGINS", Type: "boolean", Default: "False", Doc: "Let every origin in: * without credentials, the origin echoed with them; old name CORS_ORIGIN_ALLOW_ALL."},
		{Name: "CORS_ORIGIN_ALLOW_ALL", Type: "boolean", Default: "False", Doc: "The old name of CORS_ALLOW_ALL_ORIGINS."},
		{Name: "CORS_ALLOW_CREDENTIALS", Type: "boolean", Default: "False", Doc: "Send Access-Control-Allow-Credentials: true, to every origin."},
		{Name: "CORS_ALLOW_HEADERS", Type: "list of strings", Default: "default_headers (accept, accept-encoding, authorization, content-type, dnt, origin, user-agent, x-csrftoken, x-requested-with)", Doc: "Access-Control-Allow-Headers on every OPTIONS answer, joined with \", \"."},
		{Name: "CORS_ALLOW_METHODS", Type: "list of strings", Default: "default_methods (DELETE, GET, OPTIONS, PATCH, POST, PUT)", Doc: "Access-Control-Allow-Methods on every OPTIONS answer, joined with \", \"."},
		{Name: "CORS_EXPOSE_HEADERS", Type: "list of strings", Default: "[]", Doc: "Access-Control-Expose-Headers on every answer to an allowed origin, preflights included."},
		{Name: "CORS_PREFLIGHT_MAX_AGE", Type: "integer", Default: "86400", Doc: "Access-Control-Max-Age on OPTIONS answers; 0 leaves it out."},
		{Name: "CORS_URLS_REGEX", Type: "string", Default: `r"^.*$"`, Doc: "The paths CORS applies to, re.match on path_info: other paths get no CORS header at all."},
		{Name: "CORS_REPLACE_HTTPS_REFERER", Type: "boolean", Default: "False", Doc: "Rewrite Referer on https requests for Django's CSRF check: no effect on the answer."},
	},
	Quirks: []string{
		"Access-Control-Allow-Credentials: true goes to every request with an Origin, allowed or not (4.3.0 stopped that).",
		"CORS_ALLOW_ALL_ORIGINS with CORS_ALLOW_CREDENTIALS echoes every origin with credentials, and no check warns.",
		"Origins compare by urlsplit: the scheme is lower-cased, the netloc compared as written (https://A.example and https://a.example:443 never match what browsers send); path, query and fragment are ignored.",
		"An entry without scheme or netloc (\"example.com\") lets in every Origin without them, the null origin included.",
		"A string where a list was meant is read character by character: every character lets the null origin in, and \"null\" matches as a substring.",
		"CORS_ALLOWED_ORIGIN_REGEXES use re.match: anchored at the start only, so https://a\\.example also lets in https://a.example.evil.com.",
		"A preflight (OPTIONS with Access-Control-Request-Method) is answered 200 with an empty body before any view runs, for any path CORS_URLS_REGEX matches, allowed origin or not.",
		"Access-Control-Allow-Headers and -Methods are static lists sent on every OPTIONS answer to an allowed origin; the request's method and headers are never checked.",
		"The default headers still list accept-encoding, dnt and origin (4.0.0 removed them).",
		"Every answer on a CORS path gets Vary: Origin, even * and refusals.",
		"An invalid regex, or an origin entry urlsplit refuses, is a 500 Server Error when a request reaches it.",
		"The system checks (E004, E013, E014) stop manage.py check and runserver, but a WSGI server answers anyway.",
		"The old setting names are read only when the new ones are absent.",
	},
	New:       func(o map[string]json.RawMessage) (server.Emulation, error) { return configure(o) },
	Export:    export,
	Import:    importSettings,
	Summarize: summarize,
	Fixer:     fixer,
	Matching: server.Matching{
		Regex:   "django-cors-headers matches CORS_ALLOWED_ORIGIN_REGEXES with Python's re.match: anchored at the start of the Origin, not at the end.",
		Literal: pyconfig.Pattern,
	},
}

func init() {
	server.Register(&library)
}

// cors is the configuration conf.Settings reads.
type cors struct {
	originsName                        string   // the setting the check messages name
	origins                            []string // CORS_ALLOWED_ORIGINS (its characters for a string)
	originsStr                         *string  // the string itself, for `"null" in ...`
	splitErr                           string   // the ValueError urlsplit raises on an entry
	splits                             []split
	regexes                            []*pattern.Regexp // nil: re.error when tried
	regexSrc                           []string
	allowAll                           bool
	credentials                        bool
	allowHeaders, allowMethods, expose string
	exposeSet                          bool // len(CORS_EXPOSE_HEADERS) > 0
	maxAge                             int64
	urls, urlsNL                       *pattern.Regexp // CORS_URLS_REGEX
	urlsBad, urlsSet                   bool            // re.error on every request; set
	warnings                           []string
	insts                              int
}

func (c *cors) Warnings() []string { return c.warnings }

// PatternInsts sizes the compiled patterns (the engine's Footprint).
func (c *cors) PatternInsts() int { return c.insts }

// configure reads the settings, as conf.Settings and check_settings do.
func configure(raw map[string]json.RawMessage) (*cors, error) {
	o := server.NewOptions(raw)
	c := &cors{maxAge: 86400}
	var set pattern.Set
	for _, n := range []string{"CORS_ORIGIN_WHITELIST", "CORS_ALLOWED_ORIGINS"} {
		var v server.StringOrList
		if o.Has(n) && get(o, n, "a list of strings or a string", &v) && noNulls(o, n) {
			c.originsName, c.origins, c.originsStr = n, v.Values, nil
			if !v.List {
				c.originsStr = &v.Values[0]
				c.origins = strings.Split(v.Values[0], "")
			}
		}
	}
	for _, n := range []string{"CORS_ORIGIN_REGEX_WHITELIST", "CORS_ALLOWED_ORIGIN_REGEXES"} {
		if v, ok := strList(o, n); ok {
			c.regexes, c.regexSrc = nil, v
			for i, s := range v {
				re, err := compile(s, "$", &set)
				if err != nil {
					o.Fail(n+"["+strconv.Itoa(i)+"]", err.Error())
				}
				c.regexes = append(c.regexes, re)
			}
		}
	}
	for _, n := range []string{"CORS_ORIGIN_ALLOW_ALL", "CORS_ALLOW_ALL_ORIGINS"} {
		get(o, n, "a boolean", &c.allowAll)
	}
	get(o, "CORS_ALLOW_CREDENTIALS", "a boolean", &c.credentials)
	get(o, "CORS_REPLACE_HTTPS_REFERER", "a boolean", new(bool))
	get(o, "CORS_PREFLIGHT_MAX_AGE", "an integer", &c.maxAge)
	c.allowHeaders = joined(o, "CORS_ALLOW_HEADERS", defaultHeaders, nil)
	c.allowMethods = joined(o, "CORS_ALLOW_METHODS", defaultMethods, nil)
	c.expose = joined(o, "CORS_EXPOSE_HEADERS", nil, &c.exposeSet)
	urls := `^.*$` // which does not match a path holding a newline before its last character
	c.urlsSet = get(o, "CORS_URLS_REGEX", "a string", &urls)
	var err error
	if c.urls, err = compile(urls, "$", &set); err == nil {
		c.urlsNL, err = compile(urls, "(?m:$)", &set)
	}
	if err != nil {
		o.Fail("CORS_URLS_REGEX", err.Error())
	}
	c.urlsBad = c.urls == nil
	for _, k := range o.Unknown() {
		why := "django-cors-headers 3.14 reads no such setting"
		if k == "CORS_ALLOW_PRIVATE_NETWORK" {
			why = "django-cors-headers 3.14 does not read it (4.0.0 added it)"
		}
		o.Fail(k, why)
	}
	if err := o.Err(); err != nil {
		return nil, err
	}
	for _, s := range c.origins {
		u, err := urlsplit(s)
		if err != "" && c.splitErr == "" {
			c.splitErr = err
		}
		c.splits = append(c.splits, u)
	}
	c.check()
	c.insts = set.Insts()
	return c, nil
}

// get is Options.Get refusing null, which Go would decode as a zero value.
func get(o *server.Options, n, want string, v any) bool {
	if raw, ok := o.Raw(n); ok && strings.TrimSpace(string(raw)) == "null" {
		o.Fail(n, "null is not "+want)
		return false
	}
	return o.Get(n, want, v)
}

// noNulls refuses a list holding null (Go would decode it as "").
func noNulls(o *server.Options, n string) bool {
	raw, _ := o.Raw(n)
	var items []json.RawMessage
	if json.Unmarshal(raw, &items) == nil {
		for i, it := range items {
			if !strings.HasPrefix(strings.TrimSpace(string(it)), `"`) {
				o.Fail(n+"["+strconv.Itoa(i)+"]", message.BriefJSON(it)+" is not a string")
				return false
			}
		}
	}
	return true
}

func strList(o *server.Options, n string) ([]string, bool) {
	var v []string
	ok := o.Has(n) && get(o, n, "a list of strings", &v) && noNulls(o, n)
	return v, ok
}

// joined is ", ".join(setting) for a header value, or def joined when the
// setting is absent; set reports a non-empty list.
func joined(o *server.Options, n string, def []string, set *bool) string {
	v, ok := strList(o, n)
	if !ok {
		v = def
	}
	s := strings.Join(v, ", ")
	for _, r := range s {
		if r > 0xFF {
			o.Fail(n, strconv.Quote(s)+": Django MIME-encodes a header value outside Latin-1, which corsplay does not emulate")
			break
		}
	}
	if set != nil {
		*set = len(v) > 0
	}
	return s
}

// compile is re.compile(expr) for re.match, in Go's syntax: nil when
// Python rejects the pattern (re.error), an error for what corsplay cannot
// emulate.
func compile(expr, dollar string, set *pattern.Set) (*pattern.Regexp, error) {
	goExpr, err := pattern.TranslatePython(expr, dollar)
	var ue *pattern.PythonUnsupportedError
	if errors.As(err, &ue) {
		// A lookaround is refused where met; Python may reject the
		// pattern further on, as it would with a group there.
		alt := strings.NewReplacer("(?=", "(?:", "(?!", "(?:", "(?<=", "(?:", "(?<!", "(?:").Replace(expr)
		if _, err2 := pattern.TranslatePython(alt, dollar); errors.Is(err2, pattern.ErrPythonRejects) {
			return nil, nil
		}
	}
	switch {
	case errors.Is(err, pattern.ErrPythonRejects):
		return nil, nil
	case err != nil:
		return nil, err // it quotes the pattern
	}
	re, err := set.Compile(`\A(?:` + goExpr + `)`)
	if err != nil {
		return nil, errors.New(strconv.Quote(expr) + ": " + err.Error())
	}
	return re, nil
}

// check is corsheaders.checks.check_settings for what JSON can express.
func (c *cors) check() {
	if c.maxAge < 0 {
		c.warnings = append(c.warnings, "corsheaders.E004: CORS_PREFLIGHT_MAX_AGE should be an integer greater than or equal to zero.")
	}
	for i, s := range c.origins {
		if s == "null" || s == "file://" {
			continue
		}
		if _, err := urlsplit(s); err != "" { // check_settings raises
			c.warnings = []string{"ValueError: " + err}
			return
		}
		u := c.splits[i]
		at := "Origin " + pyconfig.Repr(s) + " in " + c.originsName
		if u.scheme == "" || u.netloc == "" {
			c.warnings = append(c.warnings, "corsheaders.E013: "+at+" is missing scheme or netloc HINT: Add a scheme (e.g. https://) or netloc (e.g. example.com).")
			continue
		}
		for _, p := range [3][2]string{{"path", u.path}, {"query", u.query}, {"fragment", u.fragment}} {
			if p[1] != "" {
				c.warnings = append(c.warnings, "corsheaders.E014: "+at+" should not have "+p[0])
			}
		}
	}
}

// Respond answers as Django with the two middlewares and the view.
func (c *cors) Respond(req message.Request) message.Response {
	method := asciiUpper(req.Method)
	target, authority := splitTarget(req.URL)
	pathInfo, route := pathInfo(target), pathInfo(req.AppRoute())
	host, ok := wsgiHeader(req.Headers, "HOST")
	if !ok {
		host = authority
	}
	// CorsMiddleware.process_request: is_enabled.
	if c.urlsBad {
		return serverError()
	}
	re := c.urls
	if strings.IndexByte(pathInfo, '\n') == len(pathInfo)-1 {
		re = c.urlsNL // Python's $ matches before a final newline
	}
	enabled := re.Match(pathInfo, req.Meter)
	_, acrm := wsgiHeader(req.Headers, "ACCESS_CONTROL_REQUEST_METHOD")
	var resp message.Response
	switch {
	case enabled && method == "OPTIONS" && acrm:
		resp = answer(200, "text/html; charset=utf-8", "", "0")
	case !validHost(host): // CommonMiddleware's request.get_host(): DisallowedHost
		resp = answer(400, "text/html", "", "")
	case !strings.HasSuffix(pathInfo, "/") && pathInfo+"/" == route: // CommonMiddleware's APPEND_SLASH
		resp = answer(301, "text/html; charset=utf-8", "", "0")
		loc := quote(pathInfo, "/:@&+$,!*'()") + "/" // get_full_path(force_append_slash=True)
		if _, query, _ := strings.Cut(target, "?"); query != "" {
			loc += "?" + quote(query, "/#%[]=:;$&()+,!?*@'") // iri_to_uri
		}
		resp.Headers = slices.Insert(resp.Headers, 1, message.Header{Name: "Location", Value: loc})
	case pathInfo != route: // the route, declared as path_info reads it: path(route[1:]) is "^" + re.escape(route[1:]) + "\\Z" (resolvers.RoutePattern)
		resp = answer(404, "text/html", "", "179")
	case method == "GET" || method == "HEAD" || method == "POST" || method == "PUT" || method == "PATCH" || method == "DELETE":
		resp = answer(200, "text/html; charset=utf-8", "", "2")
	default: // View.options, or http_method_not_allowed
		resp = answer(405, "text/html; charset=utf-8", "GET, POST, PUT, PATCH, DELETE, HEAD, OPTIONS", "0")
		if method == "OPTIONS" {
			resp.Status = 200
		}
	}
	if !enabled {
		return resp
	}
	return c.processResponse(req, method, resp)
}

// processResponse is CorsMiddleware.process_response.
func (c *cors) processResponse(req message.Request, method string, resp message.Response) message.Response {
	add := func(n, v string) { resp.Headers = append(resp.Headers, message.Header{Name: n, Value: v}) }
	add("Vary", "Origin")
	origin, _ := wsgiHeader(req.Headers, "ORIGIN")
	if origin == "" {
		return resp
	}
	u, err := urlsplit(latin1(origin))
	if err != "" {
		return resp
	}
	if c.credentials {
		add("Access-Control-Allow-Credentials", "true")
	}
	if !c.allowAll {
		found, fail := c.found(latin1(origin), u, req.Meter)
		if fail {
			return serverError()
		}
		if !found {
			return resp
		}
	}
	if c.allowAll && !c.credentials {
		add("Access-Control-Allow-Origin", "*")
	} else {
		add("Access-Control-Allow-Origin", origin)
	}
	bad := func(s string) bool { return strings.ContainsAny(s, "\r\n") } // BadHeaderError
	if c.exposeSet {
		if bad(c.expose) {
			return serverError()
		}
		add("Access-Control-Expose-Headers", unlatin1(c.expose))
	}
	if method == "OPTIONS" {
		if bad(c.allowHeaders) || bad(c.allowMethods) {
			return serverError()
		}
		add("Access-Control-Allow-Headers", unlatin1(c.allowHeaders))
		add("Access-Control-Allow-Methods", unlatin1(c.allowMethods))
		if c.maxAge != 0 {
			add("Access-Control-Max-Age", strconv.FormatInt(c.maxAge, 10))
		}
	}
	return resp
}

// found is origin_found_in_white_lists; fail: it raises (500).
func (c *cors) found(origin string, u split, m *pattern.Meter) (found, fail bool) {
	if origin == "null" { // `origin in conf.CORS_ALLOWED_ORIGINS`: a substring test on a str
		if c.originsStr != nil && strings.Contains(*c.originsStr, "null") || c.originsStr == nil && slices.Contains(c.origins, "null") {
			return true, false
		}
	}
	if c.splitErr != "" { // the list comprehension of _url_in_whitelist
		return false, true
	}
	for _, o := range c.splits {
		if o.scheme == u.scheme && o.netloc == u.netloc {
			return true, false
		}
	}
	for _, re := range c.regexes {
		if re == nil {
			return false, true
		}
		if re.Match(origin, m) {
			return true, false
		}
	}
	return false, false
}

func answer(status int, contentType, allow, length string) message.Response {
	r := message.Response{Status: status, Headers: message.Headers{{Name: "Content-Type", Value: contentType}}}
	if allow != "" {
		r.Headers = append(r.Headers, message.Header{Name: "Allow", Value: allow})
	}
	if length != "" {
		r.Headers = append(r.Headers, message.Header{Name: "Content-Length", Value: length})
	}
	return r
}

// serverError is Django's answer to an exception in CorsMiddleware: the
// 500 page, without any middleware's headers.
func serverError() message.Response { return answer(500, "text/html", "", "") }

// wsgiHeader is request.META["HTTP_"+key] under runserver: names holding
// "_" dropped, the others upper-cased with "-" as "_", values stripped of
// what str.isspace() calls space in Latin-1, repeats joined with ",".
func wsgiHeader(hs message.Headers, key string) (string, bool) {
	var vals []string
	for _, h := range hs {
		if wsgiName(h.Name, key) {
			v := h.Value
			for len(v) > 0 && pySpace(v[0]) {
				v = v[1:]
			}
			for len(v) > 0 && pySpace(v[len(v)-1]) {
				v = v[:len(v)-1]
			}
			vals = append(vals, v)
		}
	}
	return strings.Join(vals, ","), vals != nil
}

// wsgiName reports whether a header name without "_" becomes key once
// upper-cased with "-" as "_".
func wsgiName(n, key string) bool {
	if len(n) != len(key) {
		return false
	}
	for i := 0; i < len(n); i++ {
		c := n[i]
		switch {
		case c == '_':
			return false
		case c == '-':
			c = '_'
		case c >= 'a' && c <= 'z':
			c -= 32
		}
		if c != key[i] {
			return false
		}
	}
	return true
}

func pySpace(b byte) bool {
	return b >= '\t' && b <= '\r' || b >= 0x1C && b <= ' ' || b == 0x85 || b == 0xA0
}

func asciiUpper(s string) string {
	return strings.Map(func(r rune) rune {
		if r >= 'a' && r <= 'z' {
			return r - 32
		}
		return r
	}, s)
}

// splitTarget splits a URL into its request target (path and query) and
// its authority.
func splitTarget(url string) (target, authority string) {
	target = url
	if i := strings.Index(url, "://"); i >= 0 {
		rest := url[i+3:]
		j := strings.IndexAny(rest, "/?#")
		if j < 0 {
			j = len(rest)
		}
		authority, target = rest[:j], rest[j:]
	}
	target, _, _ = strings.Cut(target, "#")
	return target, authority
}

// quote is urllib.parse.quote(s, safe): each byte but ASCII letters,
// digits, "_.-~" and safe percent-encoded.
func quote(s, safe string) string {
	var b strings.Builder
	for i := 0; i < len(s); i++ {
		if c := s[i]; c < 0x80 && (c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || strings.IndexByte("_.-~"+safe, c) >= 0) {
			b.WriteByte(c)
		} else {
			b.WriteString("%" + strings.ToUpper(strconv.FormatUint(uint64(c)|0x100, 16)[1:]))
		}
	}
	return b.String()
}

// pathInfo is Django's request.path_info: http.server collapses leading
// slashes, wsgiref percent-decodes the path into bytes, Django decodes them
// as UTF-8 and percent-encodes again what is not.
func pathInfo(target string) string {
	if strings.HasPrefix(target, "//") {
		target = "/" + strings.TrimLeft(target, "/")
	}
	p, _, _ := strings.Cut(target, "?")
	var b []byte
	for i := 0; i < len(p); i++ {
		if p[i] == '%' && i+2 < len(p) && hex(p[i+1]) && hex(p[i+2]) {
			v, _ := strconv.ParseUint(p[i+1:i+3], 16, 8)
			b, i = append(b, byte(v)), i+2
		} else {
			b = append(b, p[i])
		}
	}
	var out strings.Builder
	for len(b) > 0 {
		r, n := utf8.DecodeRune(b)
		if r == utf8.RuneError && n == 1 {
			out.WriteString("%" + strings.ToUpper(strconv.FormatUint(uint64(b[0])|0x100, 16)[1:]))
		} else {
			out.Write(b[:n])
		}
		b = b[n:]
	}
	if out.Len() == 0 {
		return "/"
	}
	return out.String()
}

func hex(c byte) bool { return '0' <= c && c <= '9' || 'a' <= c && c <= 'f' || 'A' <= c && c <= 'F' }

// hostRE is django.http.request.host_validation_re (ASCII: the value is
// Latin-1, whose lower() stays outside ASCII).
var hostRE = pattern.MustCompile(`\A([a-z0-9.-]+|\[[a-f0-9]*:[a-f0-9.:]+\])(:[0-9]+)?\z`)

// validHost is split_domain_port and validate_host with ALLOWED_HOSTS ["*"].
func validHost(host string) bool {
	host = strings.ToLower(host)
	if !hostRE.Match(host, nil) {
		return false
	}
	if strings.HasSuffix(host, "]") {
		return true
	}
	if i := strings.LastIndexByte(host, ':'); i >= 0 {
		host = host[:i]
	}
	return strings.TrimSuffix(host, ".") != ""
}

// latin1 decodes header bytes as Latin-1 (PEP 3333's strings).
func latin1(s string) string {
	var b strings.Builder
	for i := 0; i < len(s); i++ {
		b.WriteRune(rune(s[i]))
	}
	return b.String()
}

// unlatin1 encodes a Latin-1 string as the bytes the server writes.
func unlatin1(s string) string {
	b := make([]byte, 0, len(s))
	for _, r := range s {
		b = append(b, byte(r))
	}
	return string(b)
}

// split is urllib.parse.SplitResult.
type split struct{ scheme, netloc, path, query, fragment string }

// nfkcDelims are the characters whose NFKC form holds one of "/?#@:"
// (Unicode 14, Python 3.11's): urlsplit refuses a netloc holding one.
const nfkcDelims = "\u2047\u2048\u2049\u2100\u2101\u2105\u2106\u2A74\uFE13\uFE16\uFE55\uFE56\uFE5F\uFE6B\uFF03\uFF0F\uFF1A\uFF1F\uFF20"

// urlsplit is Python 3.11's urllib.parse.urlsplit; err is its ValueError.
func urlsplit(s string) (u split, err string) {
	s = strings.TrimLeft(s, "\x00\x01\x02\x03\x04\x05\x06\x07\x08\t\n\x0b\x0c\r\x0e\x0f\x10\x11\x12\x13\x14\x15\x16\x17\x18\x19\x1a\x1b\x1c\x1d\x1e\x1f ")
	if strings.ContainsAny(s, "\t\r\n") {
		s = strings.Map(func(r rune) rune {
			if r == '\t' || r == '\r' || r == '\n' {
				return -1
			}
			return r
		}, s)
	}
	if i := strings.IndexByte(s, ':'); i > 0 && (s[0]|0x20 >= 'a' && s[0]|0x20 <= 'z') &&
		strings.Trim(s[:i], "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789+-.") == "" {
		u.scheme, s = strings.ToLower(s[:i]), s[i+1:]
	}
	if strings.HasPrefix(s, "//") {
		j := strings.IndexAny(s[2:], "/?#")
		if j < 0 {
			j = len(s) - 2
		}
		u.netloc, s = s[2:2+j], s[2+j:]
		open, closed := strings.Contains(u.netloc, "["), strings.Contains(u.netloc, "]")
		if open != closed {
			return u, "Invalid IPv6 URL"
		}
		if open {
			if err := bracketed(u.netloc); err != "" {
				return u, err
			}
		}
	}
	s, u.fragment, _ = strings.Cut(s, "#")
	u.path, u.query, _ = strings.Cut(s, "?")
	for _, r := range u.netloc {
		if strings.ContainsRune(nfkcDelims, r) {
			return u, "netloc '" + u.netloc + "' contains invalid characters under NFKC normalization"
		}
	}
	return u, ""
}

// bracketed is _check_bracketed_netloc and _check_bracketed_host.
func bracketed(netloc string) string {
	hostport := netloc[strings.LastIndexByte(netloc, '@')+1:]
	before, inside, open := strings.Cut(hostport, "[")
	host := ""
	if open {
		var port string
		host, port, _ = strings.Cut(inside, "]")
		if before != "" || port != "" && port[0] != ':' {
			return "Invalid IPv6 URL"
		}
	} else {
		host, _, _ = strings.Cut(hostport, ":")
	}
	if strings.HasPrefix(host, "v") {
		hexDigits, rest, dot := strings.Cut(host[1:], ".")
		if !dot || hexDigits == "" || strings.Trim(hexDigits, "0123456789abcdefABCDEF") != "" || rest == "" {
			return "IPvFuture address is invalid"
		}
		return ""
	}
	a, err := netip.ParseAddr(host)
	switch {
	case err != nil || strings.Count(host, "%") > 1 || strings.HasSuffix(host, "%"):
		return pyconfig.Repr(host) + " does not appear to be an IPv4 or IPv6 address"
	case a.Is4():
		return "An IPv4 address cannot be in brackets"
	}
	return ""
}
