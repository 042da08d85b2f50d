// Package echocors emulates Echo's CORS middleware,
// github.com/labstack/echo/v4 v4.16.6 middleware.CORSWithConfig ("echo-cors"),
// in the app of the reference: echo.New(), e.Use(the middleware), and its
// route (the request's Route, as the router reads it) answering
// c.String(200, "ok") to GET, POST, PUT, DELETE and PATCH, so that echo's
// own router answers the rest (404, 405 with Allow, its automatic OPTIONS). Source references are to middleware/cors.go,
// middleware/util.go, router.go, echo.go and context.go of that release.
package echocors

import (
	"encoding/json"
	"errors"
	"net/url"
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
	Name: "echo-cors", Version: "v4.16.6", Default: true, Title: "Echo CORS middleware", Language: "Go",
	Call: "e.Use(middleware.CORSWithConfig(middleware.CORSConfig{…}))", OriginsOption: "AllowOrigins",
	Options: []server.Option{
		{Name: "AllowOrigins", Type: "list of strings", Default: `[]string{"*"}`, Doc: "Origins let in: \"*\", exact origins (case-sensitive), and patterns where * is any text (dots included) and ? one character."},
		{Name: "AllowMethods", Type: "list of strings", Default: "GET,HEAD,PUT,PATCH,POST,DELETE", Doc: "Access-Control-Allow-Methods on preflights, joined with \",\"; when empty, the route's own methods (its Allow header) are sent instead."},
		{Name: "AllowHeaders", Type: "list of strings", Default: "[]", Doc: "Access-Control-Allow-Headers on preflights, joined with \",\"; when empty, the request's Access-Control-Request-Headers is echoed."},
		{Name: "AllowCredentials", Type: "boolean", Default: "false", Doc: "Sends Access-Control-Allow-Credentials: true to allowed origins (even with Access-Control-Allow-Origin: *)."},
		{Name: "UnsafeWildcardOriginWithAllowCredentials", Type: "boolean", Default: "false", Doc: "With AllowCredentials, makes \"*\" reflect every origin instead of sending *."},
		{Name: "ExposeHeaders", Type: "list of strings", Default: "[]", Doc: "Access-Control-Expose-Headers on actual requests, joined with \",\"."},
		{Name: "MaxAge", Type: "integer", Default: "0", Doc: "Access-Control-Max-Age in seconds on preflights; 0 sends none, a negative value sends 0."},
	},
	Quirks: []string{
		"Every OPTIONS request is a preflight: the middleware answers it 204 itself, with no CORS header when the origin is refused or absent.",
		"A refused origin still gets the route's answer (200 and its body), with only Vary: Origin added.",
		"\"*\" with AllowCredentials sends Access-Control-Allow-Origin: * with Access-Control-Allow-Credentials: true, which browsers refuse; UnsafeWildcardOriginWithAllowCredentials reflects any origin instead.",
		"A * in an origin matches any text, dots and ports included, and a pattern like https://example.* matches every https origin (the subdomain matcher stops at the first * label from the right).",
		"With AllowMethods empty, a preflight to the route lists its methods (OPTIONS, DELETE, GET, PATCH, POST, PUT); to a path with no route, GET,HEAD,PUT,PATCH,POST,DELETE.",
		"With AllowHeaders empty, whatever the preflight asks for in Access-Control-Request-Headers is allowed, Authorization included.",
		"Vary lists Origin on every answer; a successful preflight adds Access-Control-Request-Method and -Headers as two more Vary lines.",
		"Other methods on the route get echo's 405 (JSON, with Allow), a path with no route its 404: both still carry the CORS headers.",
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

// Config mirrors middleware.CORSConfig's JSON-expressible fields.
type Config struct {
	AllowOrigins, AllowMethods, AllowHeaders, ExposeHeaders    []string
	AllowCredentials, UnsafeWildcardOriginWithAllowCredentials bool
	MaxAge                                                     int
}

// Decode reads the options as encoding/json decodes a CORSConfig.
func Decode(options map[string]json.RawMessage) (Config, error) {
	var c Config
	err := gostack.DecodeStruct("CORSConfig", []gostack.Field{
		{Name: "Skipper", Type: "middleware.Skipper"},
		{Name: "AllowOrigins", Type: "[]string", Ptr: &c.AllowOrigins},
		{Name: "AllowOriginFunc", Type: "func(string) (bool, error)"},
		{Name: "AllowMethods", Type: "[]string", Ptr: &c.AllowMethods},
		{Name: "AllowHeaders", Type: "[]string", Ptr: &c.AllowHeaders},
		{Name: "AllowCredentials", Type: "bool", Ptr: &c.AllowCredentials},
		{Name: "UnsafeWildcardOriginWithAllowCredentials", Type: "bool", Ptr: &c.UnsafeWildcardOriginWithAllowCredentials},
		{Name: "ExposeHeaders", Type: "[]string", Ptr: &c.ExposeHeaders},
		{Name: "MaxAge", Type: "int", Ptr: &c.MaxAge},
	}, options)
	return c, err
}

// Emulation is a configured middleware (CORSWithConfig's closure).
type Emulation struct {
	c             Config
	customMethods bool
	patterns      []*pattern.Regexp
	set           pattern.Set
	allowMethods  string
	allowHeaders  string
	exposeHeaders string
	maxAge        string
}

// New mirrors CORSWithConfig: the defaults, then each origin other than
// "*" as an anchored regular expression (QuoteMeta, \* → .*, \? → .).
func New(options map[string]json.RawMessage) (*Emulation, error) {
	c, err := Decode(options)
	if err != nil {
		return nil, err
	}
	e := &Emulation{c: c, customMethods: len(c.AllowMethods) > 0}
	if len(c.AllowOrigins) == 0 {
		e.c.AllowOrigins = []string{"*"}
	}
	if !e.customMethods {
		e.c.AllowMethods = []string{"GET", "HEAD", "PUT", "PATCH", "POST", "DELETE"}
	}
	for i, o := range e.c.AllowOrigins {
		if o == "*" || !strings.ContainsAny(o, "*?") {
			continue // a literal's pattern matches only what o == origin already lets in
		}
		re, err := e.set.Compile(originPattern(o))
		var se *syntax.Error
		if errors.As(err, &se) {
			continue // regexp.Compile failed: CORSWithConfig skips the pattern
		}
		if err != nil {
			return nil, &server.OptionError{Path: "AllowOrigins[" + strconv.Itoa(i) + "]", Problem: err.Error()}
		}
		e.patterns = append(e.patterns, re)
	}
	e.allowMethods = strings.Join(e.c.AllowMethods, ",")
	e.allowHeaders = strings.Join(c.AllowHeaders, ",")
	e.exposeHeaders = strings.Join(c.ExposeHeaders, ",")
	e.maxAge = "0"
	if c.MaxAge > 0 {
		e.maxAge = strconv.Itoa(c.MaxAge)
	}
	return e, nil
}

// originPattern is the regular expression CORSWithConfig makes of o.
func originPattern(o string) string {
	p := gostack.QuoteMeta(o)
	p = strings.ReplaceAll(p, `\*`, ".*")
	p = strings.ReplaceAll(p, `\?`, ".")
	return "^" + p + "$"
}

// PatternInsts sizes the compiled patterns.
func (e *Emulation) PatternInsts() int { return e.set.Insts() }

func (e *Emulation) Warnings() []string { return nil }

// routerPath is the path echo's router matches (GetPath): URL.RawPath, the
// path as sent when it is not the default encoding of the decoded one,
// else URL.Path. The route is declared as it reads a request to it, so
// /%72 is not /r.
func routerPath(raw string) string {
	u, err := url.ParseRequestURI(raw)
	if err != nil || u.RawPath != "" {
		return raw
	}
	return u.Path
}

// allowHeader is the Allow of the route: OPTIONS, then the routed methods in
// routeMethods.updateAllowHeader's order.
const allowHeader = "OPTIONS, DELETE, GET, PATCH, POST, PUT"

// Respond runs the request through net/http, echo's router and the
// middleware, then the route or echo's error handler.
func (e *Emulation) Respond(req message.Request) message.Response {
	r, bad, ok := gostack.ParseRequest(req)
	if !ok {
		return bad
	}
	w := gostack.Response{Status: 200, Header: gostack.Header{}}
	routed := routerPath(r.RawPath) == routerPath(req.AppRoute())
	handled := routed && (r.Method == "GET" || r.Method == "POST" || r.Method == "PUT" || r.Method == "DELETE" || r.Method == "PATCH")
	if e.cors(&r, &w, routed) {
		return w.Wire(r.Method)
	}
	switch {
	case handled: // c.String(200, "ok")
		w.Header.Set("Content-Type", "text/plain; charset=UTF-8")
		w.Body = 2
	case routed: // OPTIONS never gets here: the middleware answers it // MethodNotAllowedHandler, then the error handler
		w.Header.Set("Allow", allowHeader)
		e.httpError(&r, &w, 405, "Method Not Allowed")
	default:
		e.httpError(&r, &w, 404, "Not Found")
	}
	return w.Wire(r.Method)
}

// httpError is DefaultHTTPErrorHandler: {"message": text} as JSON
// (indented with ?pretty), no body for HEAD.
func (e *Emulation) httpError(r *gostack.Request, w *gostack.Response, status int, text string) {
	w.Status = status
	if r.Method == "HEAD" {
		return
	}
	w.Header.Set("Content-Type", "application/json")
	w.Body = len(`{"message":""}`+"\n") + len(text)
	if r.QueryHas("pretty") {
		w.Body = len("{\n  \"message\": \"\"\n}\n") + len(text)
	}
}

// cors is the middleware; true when it answered (a preflight: 204).
func (e *Emulation) cors(r *gostack.Request, w *gostack.Response, routed bool) bool {
	h := w.Header
	origin := r.Get("Origin")
	h.Add("Vary", "Origin")
	preflight := r.Method == "OPTIONS"
	routerAllow := ""
	if preflight && routed {
		routerAllow = allowHeader
		h.Set("Allow", routerAllow)
	}
	allowOrigin := ""
	if origin != "" {
		allowOrigin = e.allowOrigin(origin, r)
	}
	if allowOrigin == "" {
		if preflight {
			w.Status = 204
		}
		return preflight
	}
	h.Set("Access-Control-Allow-Origin", allowOrigin)
	if e.c.AllowCredentials {
		h.Set("Access-Control-Allow-Credentials", "true")
	}
	if !preflight {
		if e.exposeHeaders != "" {
			h.Set("Access-Control-Expose-Headers", e.exposeHeaders)
		}
		return false
	}
	h.Add("Vary", "Access-Control-Request-Method")
	h.Add("Vary", "Access-Control-Request-Headers")
	if !e.customMethods && routerAllow != "" {
		h.Set("Access-Control-Allow-Methods", routerAllow)
	} else {
		h.Set("Access-Control-Allow-Methods", e.allowMethods)
	}
	if e.allowHeaders != "" {
		h.Set("Access-Control-Allow-Headers", e.allowHeaders)
	} else if acrh := r.Get("Access-Control-Request-Headers"); acrh != "" {
		h.Set("Access-Control-Allow-Headers", acrh)
	}
	if e.c.MaxAge != 0 {
		h.Set("Access-Control-Max-Age", e.maxAge)
	}
	w.Status = 204
	return true
}

// allowOrigin is the value of Access-Control-Allow-Origin for origin, ""
// when refused: the first entry that is "*", equal or a subdomain
// pattern decides; then, for an origin of sensible length with "://",
// the patterns.
func (e *Emulation) allowOrigin(origin string, r *gostack.Request) string {
	for _, o := range e.c.AllowOrigins {
		if o == "*" && e.c.AllowCredentials && e.c.UnsafeWildcardOriginWithAllowCredentials {
			return origin
		}
		if o == "*" || o == origin {
			return o
		}
		if matchSubdomain(origin, o) {
			return origin
		}
	}
	if len(origin) <= 253+3+5 && strings.Contains(origin, "://") {
		for _, re := range e.patterns {
			if re.Match(origin, r.Meter) {
				return origin
			}
		}
	}
	return ""
}

// matchSubdomain mirrors util.go's: the same scheme (up to the first :),
// then the authorities' dot-separated labels compared from the right
// until the pattern's label is "*", which matches the rest.
func matchSubdomain(domain, pattern string) bool {
	didx, pidx := strings.IndexByte(domain, ':'), strings.IndexByte(pattern, ':')
	if didx < 0 || pidx < 0 || domain[:didx] != pattern[:pidx] {
		return false
	}
	didx, pidx = strings.Index(domain, "://"), strings.Index(pattern, "://")
	if didx < 0 || pidx < 0 || len(domain)-didx-3 > 253 {
		return false
	}
	dom, pat := strings.Split(domain[didx+3:], "."), strings.Split(pattern[pidx+3:], ".")
	for i := range dom {
		if len(pat) <= i {
			return false
		}
		p := pat[len(pat)-1-i]
		if p == "*" {
			return true
		}
		if p != dom[len(dom)-1-i] {
			return false
		}
	}
	return false
}
