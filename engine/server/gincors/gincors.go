// Package gincors emulates github.com/gin-contrib/cors v1.7.7 on
// github.com/gin-gonic/gin v1.12.0 ("gin-cors"), in the app of the
// reference: gin.New() in release mode, r.Use(cors.New(cfg)), and its
// route (the request's Route, percent-decoded as gin reads a path)
// answering c.String(200, "ok") to GET, POST, PUT, DELETE and PATCH, so
// that gin answers the rest (its 404, its trailing-slash redirect).
// Source references are to config.go, cors.go and utils.go of
// gin-contrib/cors, gin.go and response_writer.go of gin.
package gincors

import (
	"encoding/json"
	"errors"
	"net/url"
	"path"
	"regexp/syntax"
	"strconv"
	"strings"

	"corsplay/engine/message"
	"corsplay/engine/pattern"
	"corsplay/engine/server"
	"corsplay/engine/server/gostack"
)

// lib is what the registry holds (command.go adds the command's parts).
var lib = &server.Library{
	Name: "gin-cors", Version: "v1.7.7", Default: true, Title: "gin-contrib/cors", Language: "Go",
	Call: "r.Use(cors.New(cors.Config{…}))", OriginsOption: "AllowOrigins",
	Options: []server.Option{
		{Name: "DefaultConfig", Type: "boolean", Default: "false", Doc: "Start from cors.DefaultConfig() (methods GET to OPTIONS, headers Origin, Content-Length, Content-Type, 12h max age) instead of cors.Config{}; the other options are set over it."},
		{Name: "AllowAllOrigins", Type: "boolean", Default: "false", Doc: "Answers Access-Control-Allow-Origin: * to every origin; refused together with AllowOrigins."},
		{Name: "AllowOrigins", Type: "list of strings", Default: "[]", Doc: "Origins let in, lower-cased and compared exactly; \"*\" lets every origin in, /…/ is a Go regular expression (unanchored), and with AllowWildcard one * stands for any text."},
		{Name: "AllowMethods", Type: "list of strings", Default: "[]", Doc: "Access-Control-Allow-Methods on preflights, upper-cased and joined with \",\"; never checked against the request."},
		{Name: "AllowPrivateNetwork", Type: "boolean", Default: "false", Doc: "Sends Access-Control-Allow-Private-Network: true on every allowed preflight."},
		{Name: "AllowHeaders", Type: "list of strings", Default: "[]", Doc: "Access-Control-Allow-Headers on preflights, in canonical case, joined with \",\"; never checked against the request."},
		{Name: "AllowCredentials", Type: "boolean", Default: "false", Doc: "Sends Access-Control-Allow-Credentials: true to allowed origins (even with Access-Control-Allow-Origin: *)."},
		{Name: "ExposeHeaders", Type: "list of strings", Default: "[]", Doc: "Access-Control-Expose-Headers on actual requests, in canonical case, joined with \",\"."},
		{Name: "MaxAge", Type: "integer (seconds)", Default: "0", Doc: "Access-Control-Max-Age on preflights when positive (a time.Duration in Go, written here in whole seconds)."},
		{Name: "AllowWildcard", Type: "boolean", Default: "false", Doc: "Lets one * in an AllowOrigins entry stand for any text (dots and ports included)."},
		{Name: "AllowBrowserExtensions", Type: "boolean", Default: "false", Doc: "Accepts chrome-extension://, safari-extension://, moz-extension:// and ms-browser-extension:// origins in AllowOrigins."},
		{Name: "CustomSchemas", Type: "list of strings", Default: "[]", Doc: "More scheme prefixes (\"tauri://\") accepted in AllowOrigins."},
		{Name: "AllowWebSockets", Type: "boolean", Default: "false", Doc: "Accepts ws:// and wss:// origins in AllowOrigins."},
		{Name: "AllowFiles", Type: "boolean", Default: "false", Doc: "Accepts file:// origins in AllowOrigins."},
		{Name: "OptionsResponseStatusCode", Type: "integer", Default: "204", Doc: "The status of an allowed preflight (0 means 204)."},
	},
	Quirks: []string{
		"A refused origin gets 403 with no body and no CORS header, on preflights and actual requests alike: the route never runs.",
		"Every OPTIONS request with an allowed origin is a preflight, answered 204 with the configured lists whatever it asks: methods and headers are never checked.",
		"cors.New panics on a configuration it refuses (no origin at all, AllowAllOrigins with AllowOrigins, an origin without an allowed scheme, two * with AllowWildcard): the server does not start.",
		"AllowOrigins entries are lower-cased but the request's Origin is not, so an Origin with capitals never matches.",
		"A /…/ entry is a Go regular expression matched anywhere in the origin (unanchored), lower-cased first; one that does not compile panics on the first request that reaches it, and the connection closes without an answer.",
		"With AllowWildcard, * matches any text, dots included; the wildcard entries keep their case.",
		"\"*\" in AllowOrigins, or AllowAllOrigins, sends Access-Control-Allow-Origin: * even with AllowCredentials, which browsers refuse.",
		"An Origin equal to http:// or https:// plus the request's Host is not CORS: no header at all.",
		"Requests without an Origin, or to another path or method, go on to gin: its 404 (\"404 page not found\") still carries the CORS headers; the route's path with a trailing slash added or taken away redirects to the route without them.",
		"A preflight answer carries three Vary lines (Origin, Access-Control-Request-Method, Access-Control-Request-Headers); an actual one Vary: Origin; none with *.",
	},
	New:       func(o map[string]json.RawMessage) (server.Emulation, error) { return New(o) },
	Summarize: Summarize,
	Fixer:     fixer,
}

func init() {
	for _, o := range lib.Options {
		fixer.Options = append(fixer.Options, o.Name)
	}
	server.Register(lib)
}

// Config mirrors cors.Config's JSON-expressible fields; MaxAge is in
// seconds.
type Config struct {
	DefaultConfig, AllowAllOrigins, AllowPrivateNetwork, AllowCredentials  bool
	AllowOrigins, AllowMethods, AllowHeaders, ExposeHeaders, CustomSchemas []string
	MaxAge                                                                 int64
	AllowWildcard, AllowBrowserExtensions, AllowWebSockets, AllowFiles     bool
	OptionsResponseStatusCode                                              int
}

// defaultConfig is cors.DefaultConfig().
func defaultConfig() Config {
	return Config{DefaultConfig: true, AllowMethods: []string{"GET", "POST", "PUT", "PATCH", "DELETE", "HEAD", "OPTIONS"},
		AllowHeaders: []string{"Origin", "Content-Length", "Content-Type"}, MaxAge: 12 * 3600}
}

// Decode reads the options: cors.Config{} or cors.DefaultConfig(), then
// the other keys decoded over it as encoding/json does.
func Decode(options map[string]json.RawMessage) (Config, error) {
	var c Config
	if raw, ok := options["DefaultConfig"]; ok {
		if json.Unmarshal(raw, &c.DefaultConfig) != nil {
			return c, &server.OptionError{Path: "DefaultConfig", Problem: message.BriefJSON(raw) + " is not a boolean"}
		}
		if c.DefaultConfig {
			c = defaultConfig()
		}
	}
	err := gostack.DecodeStruct("Config", []gostack.Field{
		{Name: "AllowAllOrigins", Type: "bool", Ptr: &c.AllowAllOrigins},
		{Name: "AllowOrigins", Type: "[]string", Ptr: &c.AllowOrigins},
		{Name: "AllowOriginFunc", Type: "func(string) bool"},
		{Name: "AllowOriginWithContextFunc", Type: "func(*gin.Context, string) bool"},
		{Name: "AllowMethods", Type: "[]string", Ptr: &c.AllowMethods},
		{Name: "AllowPrivateNetwork", Type: "bool", Ptr: &c.AllowPrivateNetwork},
		{Name: "AllowHeaders", Type: "[]string", Ptr: &c.AllowHeaders},
		{Name: "AllowCredentials", Type: "bool", Ptr: &c.AllowCredentials},
		{Name: "ExposeHeaders", Type: "[]string", Ptr: &c.ExposeHeaders},
		{Name: "MaxAge", Type: "time.Duration", Ptr: &c.MaxAge},
		{Name: "AllowWildcard", Type: "bool", Ptr: &c.AllowWildcard},
		{Name: "AllowBrowserExtensions", Type: "bool", Ptr: &c.AllowBrowserExtensions},
		{Name: "CustomSchemas", Type: "[]string", Ptr: &c.CustomSchemas},
		{Name: "AllowWebSockets", Type: "bool", Ptr: &c.AllowWebSockets},
		{Name: "AllowFiles", Type: "bool", Ptr: &c.AllowFiles},
		{Name: "OptionsResponseStatusCode", Type: "int", Ptr: &c.OptionsResponseStatusCode},
	}, options, "DefaultConfig")
	if err == nil && (c.MaxAge > (1<<63-1)/1_000_000_000 || c.MaxAge < -(1<<63-1)/1_000_000_000) {
		err = &server.OptionError{Path: "MaxAge", Problem: strconv.FormatInt(c.MaxAge, 10) + " seconds do not fit a time.Duration"}
	}
	return c, err
}

// schemas is getAllowedSchemas.
func (c *Config) schemas() []string {
	s := []string{"http://", "https://"}
	if c.AllowBrowserExtensions {
		s = append(s, "chrome-extension://", "safari-extension://", "moz-extension://", "ms-browser-extension://")
	}
	if c.AllowWebSockets {
		s = append(s, "ws://", "wss://")
	}
	if c.AllowFiles {
		s = append(s, "file://")
	}
	return append(s, c.CustomSchemas...)
}

// regexInner is the regular expression of a /…/ entry (originRegex,
// `^/(.+)/[gimuy]?$`), and whether it is one.
func regexInner(s string) (string, bool) {
	if len(s) < 3 || s[0] != '/' || strings.IndexByte(s, '\n') >= 0 {
		return "", false
	}
	end := len(s) - 1
	if s[end] != '/' {
		if !strings.ContainsRune("gimuy", rune(s[end])) || s[end-1] != '/' {
			return "", false
		}
		end--
	}
	return s[1:end], end > 1
}

// validate is Config.Validate (no origin func: JSON has none), then
// parseWildcardRules's refusal.
func (c *Config) validate() string {
	if c.AllowAllOrigins && len(c.AllowOrigins) > 0 {
		return "conflict settings: all origins enabled. AllowOriginFunc or AllowOriginFuncWithContext or AllowOrigins is not needed"
	}
	if !c.AllowAllOrigins && len(c.AllowOrigins) == 0 {
		return "conflict settings: all origins disabled"
	}
	for _, o := range c.AllowOrigins {
		if strings.Contains(o, "*") {
			continue
		}
		if inner, ok := regexInner(o); ok {
			o = strings.TrimPrefix(strings.Replace(inner, "?", "", 1), "^")
		}
		ok := false
		for _, s := range c.schemas() {
			ok = ok || strings.HasPrefix(o, s)
		}
		if !ok {
			return "bad origin: origins must contain '*' or include " + strings.Join(c.schemas(), ",")
		}
	}
	for _, o := range c.AllowOrigins { // parseWildcardRules, in newCors
		if c.AllowWildcard && strings.Count(o, "*") > 1 {
			return "only one * is allowed"
		}
	}
	return ""
}

// origin is one normalized AllowOrigins entry; re is its compiled /…/
// pattern, nil for one that does not compile (regexp.MustCompile panics).
type origin struct {
	value string
	regex bool
	re    *pattern.Regexp
}

// Emulation is a configured middleware (newCors's cors).
type Emulation struct {
	allowAll          bool
	origins           []origin
	wildcards         [][2]string
	normal, preflight gostack.Header
	status            int
	set               pattern.Set
}

// New mirrors cors.New: Validate (a panic: the ConfigError), then the
// headers of both kinds of answers, computed once.
func New(options map[string]json.RawMessage) (*Emulation, error) {
	c, err := Decode(options)
	if err != nil {
		return nil, err
	}
	if msg := c.validate(); msg != "" {
		return nil, &server.ConfigError{Library: "gin-cors", Message: msg}
	}
	for _, o := range c.AllowOrigins {
		c.AllowAllOrigins = c.AllowAllOrigins || o == "*"
	}
	e := &Emulation{allowAll: c.AllowAllOrigins, status: c.OptionsResponseStatusCode}
	if e.status == 0 {
		e.status = 204
	}
	if e.status >= 100 && e.status < 200 {
		return nil, &server.OptionError{Path: "OptionsResponseStatusCode", Problem: strconv.Itoa(e.status) + ": corsplay models final statuses (net/http sends 1xx as an interim response)"}
	}
	for i, v := range normalize(c.AllowOrigins) {
		o := origin{value: v}
		if inner, ok := regexInner(v); ok {
			o.regex = true
			o.re, err = e.set.Compile(inner)
			var se *syntax.Error
			if err != nil && !errors.As(err, &se) {
				return nil, &server.OptionError{Path: "AllowOrigins[" + strconv.Itoa(i) + "]", Problem: err.Error()}
			}
		}
		e.origins = append(e.origins, o)
	}
	e.normal, e.preflight = gostack.Header{}, gostack.Header{}
	if c.AllowCredentials {
		e.normal.Set("Access-Control-Allow-Credentials", "true")
		e.preflight.Set("Access-Control-Allow-Credentials", "true")
	}
	if len(c.ExposeHeaders) > 0 {
		e.normal.Set("Access-Control-Expose-Headers", canonicalList(c.ExposeHeaders))
	}
	if len(c.AllowMethods) > 0 {
		e.preflight.Set("Access-Control-Allow-Methods", strings.ToUpper(strings.Join(normalize(c.AllowMethods), ",")))
	}
	if len(c.AllowHeaders) > 0 {
		e.preflight.Set("Access-Control-Allow-Headers", canonicalList(c.AllowHeaders))
	}
	if c.MaxAge > 0 {
		e.preflight.Set("Access-Control-Max-Age", strconv.FormatInt(c.MaxAge, 10))
	}
	if c.AllowPrivateNetwork {
		e.preflight.Set("Access-Control-Allow-Private-Network", "true")
	}
	if e.allowAll {
		e.normal.Set("Access-Control-Allow-Origin", "*")
		e.preflight.Set("Access-Control-Allow-Origin", "*")
	} else {
		e.normal.Set("Vary", "Origin")
		e.preflight["Vary"] = []string{"Origin", "Access-Control-Request-Method", "Access-Control-Request-Headers"}
	}
	for _, o := range c.AllowOrigins { // parseWildcardRules, on the entries as written
		if i := strings.IndexByte(o, '*'); c.AllowWildcard && i >= 0 {
			e.wildcards = append(e.wildcards, [2]string{o[:i], o[i+1:]})
		}
	}
	return e, nil
}

// normalize is utils.go's: trimmed, lower-cased, duplicates dropped.
func normalize(values []string) []string {
	var out []string
	for _, v := range values {
		v = strings.ToLower(strings.TrimSpace(v))
		dup := false
		for _, o := range out {
			dup = dup || o == v
		}
		if !dup {
			out = append(out, v)
		}
	}
	return out
}

// canonicalList is normalize, then http.CanonicalHeaderKey, joined.
func canonicalList(values []string) string {
	out := normalize(values)
	for i, v := range out {
		out[i] = gostack.CanonicalHeaderKey(v)
	}
	return strings.Join(out, ",")
}

// PatternInsts sizes the compiled patterns.
func (e *Emulation) PatternInsts() int { return e.set.Insts() }

func (e *Emulation) Warnings() []string { return nil }

// Respond runs the request through net/http and gin's router: the route
// with one of the five methods runs the middleware then the route; the
// route with a trailing slash added or taken away, with one of them,
// redirects to it (the tree's tsr, RedirectTrailingSlash, no middleware);
// anything else runs the middleware then gin's 404 (serveError).
func (e *Emulation) Respond(req message.Request) message.Response {
	r, bad, ok := gostack.ParseRequest(req)
	if !ok {
		return bad
	}
	route := declared(req.AppRoute())
	m := r.Method
	inTree := m == "GET" || m == "POST" || m == "PUT" || m == "DELETE" || m == "PATCH"
	if inTree && (r.Path == route+"/" || r.Path+"/" == route) {
		return redirect(&r, route)
	}
	routed := inTree && r.Path == route
	w := gostack.Response{Status: 404, Header: gostack.Header{}}
	if routed {
		w.Status = 200
	}
	if e.cors(&r, &w) {
		return w.Wire(m)
	}
	w.Header.Set("Content-Type", "text/plain") // serveError's mimePlain
	w.Body = len("404 page not found")
	if routed { // c.String(200, "ok")
		w.Header.Set("Content-Type", "text/plain; charset=utf-8")
		w.Body = 2
	}
	return w.Wire(m)
}

// declared is the route as the app declares it: URL.Path of a request to
// it, which gin's router matches.
func declared(route string) string {
	p, _ := gostack.Unescape(route, false)
	return p
}

// redirect is redirectTrailingSlash then http.Redirect to the route: the
// URL with that path (URL.String escapes it), cleaned as Redirect cleans a
// path (a trailing slash kept); 301 with a small HTML body for GET, 307 for
// the others.
func redirect(r *gostack.Request, route string) message.Response {
	loc := (&url.URL{Path: route}).EscapedPath()
	trailing := strings.HasSuffix(loc, "/")
	if loc = path.Clean(loc); trailing && !strings.HasSuffix(loc, "/") {
		loc += "/"
	}
	if r.Query {
		loc += "?" + r.RawQuery
	}
	w := gostack.Response{Status: 307, Header: gostack.Header{"Location": {loc}}}
	if r.Method == "GET" {
		w.Status = 301
		w.Header.Set("Content-Type", "text/html; charset=utf-8")
		esc := strings.NewReplacer("&", "&amp;", "<", "&lt;", ">", "&gt;", `"`, "&#34;", "'", "&#39;").Replace(loc)
		w.Body = len(`<a href="">Moved Permanently</a>.`+"\n\n") + len(esc)
	}
	return w.Wire(r.Method)
}

// cors is applyCors; true when it ended the request (AbortWithStatus).
func (e *Emulation) cors(r *gostack.Request, w *gostack.Response) bool {
	origin := r.Get("Origin")
	if origin == "" || origin == "http://"+r.Host || origin == "https://"+r.Host {
		return false
	}
	valid, panicked := e.valid(origin, r.Meter)
	switch {
	case panicked: // net/http closes the connection: no answer
		w.Status = 0
		return true
	case !valid:
		w.Status = 403
		return true
	}
	from := e.normal
	if r.Method == "OPTIONS" {
		from = e.preflight
	}
	for k, v := range from {
		w.Header[k] = v
	}
	if !e.allowAll {
		w.Header.Set("Access-Control-Allow-Origin", origin)
	}
	if r.Method != "OPTIONS" {
		return false
	}
	if e.status > 0 { // gin's WriteHeader ignores a code <= 0
		w.Status = e.status
	}
	return true
}

// valid is validateOrigin; panicked: a /…/ entry that does not compile
// was reached (regexp.MustCompile).
func (e *Emulation) valid(origin string, m *pattern.Meter) (valid, panicked bool) {
	if e.allowAll {
		return true, false
	}
	for _, o := range e.origins {
		if !o.regex && o.value == origin {
			return true, false
		}
		if o.regex && o.re == nil {
			return false, true
		}
		if o.regex && o.re.Match(origin, m) {
			return true, false
		}
	}
	for _, w := range e.wildcards {
		if w[0] == "*" && strings.HasSuffix(origin, w[1]) || w[1] == "*" && strings.HasPrefix(origin, w[0]) ||
			strings.HasPrefix(origin, w[0]) && strings.HasSuffix(origin, w[1]) {
			return true, false
		}
	}
	return false, false
}
