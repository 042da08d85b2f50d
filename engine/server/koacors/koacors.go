// Package koacors emulates npm @koa/cors 5.0.0 on koa 3.3.0 and Node 20,
// in the app libtest runs it in:
//
//	const app = new Koa()
//	app.use(cors(options))
//	app.use((ctx) => {
//	  if (ctx.path === '/boom') throw new Error('boom')
//	  if (ctx.path === route && ['GET', 'POST', 'PUT', 'DELETE', 'PATCH'].includes(ctx.method)) ctx.body = 'ok'
//	})                        // anything else: koa's own 404
//	app.listen(port)
//
// where route is the request's Route, compared with the raw path.
//
// Requests arrive as Node's HTTP parser delivers them (a method it does not
// know, `patch` included, is its 400; values trimmed, repeats joined with
// ", "), and the answer is every header line koa writes, in order, with
// the names as set, as a client reads them (values trimmed; Node writes a
// head followed by a string body in UTF-8, so a character above U+007F
// reads back as two). Node's own Date and Connection lines are left out.
// References are to @koa/cors index.js, koa's lib/application.js (respond),
// lib/context.js (onerror), lib/response.js and vary 1.1.2.
package koacors

import (
	"encoding/json"
	"slices"
	"strings"

	"corsplay/engine/message"
	"corsplay/engine/server"
	"corsplay/engine/server/jsconfig"
	"corsplay/engine/server/node"
)

const name = "koa-cors"

var optionNames = []string{"origin", "allowMethods", "exposeHeaders", "allowHeaders", "maxAge", "credentials", "keepHeadersOnError", "secureContext", "privateNetworkAccess"}

// library is what the registry holds, laid out by the linker rather
// than built at start-up.
var library = server.Library{
	Name: name, Version: "5.0.0", Default: true, Title: "@koa/cors", Language: "JavaScript",
	Call: "app.use(cors({…}))", OriginsOption: "origin",
	Options: []server.Option{
		{Name: "origin", Type: "string or list of strings", Default: "'*'", Doc: "Sent as Access-Control-Allow-Origin, as it is, to every request whatever its Origin; '*' (or '') with credentials echoes the request's Origin instead."},
		{Name: "allowMethods", Type: "string or list of strings", Default: "'GET,HEAD,PUT,POST,DELETE,PATCH'", Doc: "Sent as Access-Control-Allow-Methods on preflights (a list is joined with \",\"); never compared with the requested method."},
		{Name: "exposeHeaders", Type: "string or list of strings", Default: "absent", Doc: "Sent as Access-Control-Expose-Headers on actual requests."},
		{Name: "allowHeaders", Type: "string or list of strings", Default: "absent", Doc: "Sent as Access-Control-Allow-Headers on preflights; absent, the request's Access-Control-Request-Headers is echoed."},
		{Name: "maxAge", Type: "number or string", Default: "absent", Doc: "Sent as Access-Control-Max-Age on preflights, unless 0 or ''."},
		{Name: "credentials", Type: "boolean", Default: "false", Doc: "Adds Access-Control-Allow-Credentials: true, and turns origin '*' into an echo of the request's Origin."},
		{Name: "keepHeadersOnError", Type: "boolean", Default: "true", Doc: "When the route throws, the CORS headers set on an actual request are kept on koa's 500 answer."},
		{Name: "secureContext", Type: "boolean", Default: "false", Doc: "Adds Cross-Origin-Opener-Policy: same-origin and Cross-Origin-Embedder-Policy: require-corp."},
		{Name: "privateNetworkAccess", Type: "boolean", Default: "false", Doc: "Answers a preflight's Access-Control-Request-Private-Network with Access-Control-Allow-Private-Network: true."},
	},
	Quirks: []string{
		"origin is never compared with the request's Origin: a string is sent to everyone, and the browser does the refusing.",
		"credentials: true with the default origin echoes every request's Origin with credentials: any site can read authenticated answers.",
		"An origin list is not a list of allowed origins: each element becomes its own Access-Control-Allow-Origin line, and browsers refuse an answer with more than one.",
		"With credentials, the default origin and no Origin in the request, Access-Control-Allow-Origin is sent empty.",
		"Vary: Origin is set on every answer, even with origin '*'.",
		"An OPTIONS request without Access-Control-Request-Method is not a preflight: it goes to the app, and koa answers 404.",
		"allowMethods is sent whatever the request asks; Access-Control-Allow-Headers echoes the request's list when allowHeaders is absent, Authorization included.",
		"maxAge 0 sends nothing, but the string '0' is sent.",
		"When the route throws, koa's 500 keeps the CORS headers (keepHeadersOnError, on by default), with its Vary written in lower case.",
		"Node answers 400 to a lower-case `patch` request line before koa runs: no CORS headers.",
		"With privateNetworkAccess, Access-Control-Allow-Private-Network: true is sent to any origin that asks.",
		"An option cors() does not know (allowedHeaders, methods…) is ignored without a word.",
	},
	New:       func(o map[string]json.RawMessage) (server.Emulation, error) { return New(o) },
	Summarize: Summarize,
	Fixer:     fixer,
}

func init() {
	server.Register(&library)
}

// Cors is a configured cors() in its app.
type Cors struct {
	origin                                []string // lines of Access-Control-Allow-Origin
	star                                  bool     // options.origin || '*' is '*'
	methods, allowH, exposeH, maxAge      string   // "" is falsy: not sent
	credentials, keep, secure, privateNet bool
}

// New reads the JSON options as cors() does.
func New(options map[string]json.RawMessage) (*Cors, error) {
	o := server.NewOptions(options)
	c := &Cors{methods: "GET,HEAD,PUT,POST,DELETE,PATCH", keep: true, star: true, origin: []string{"*"}}
	strs := func(name string) ([]string, bool, bool) {
		raw, present := o.Raw(name)
		v, list, ok := jsconfig.Strings(raw, true)
		if present && !ok {
			o.Fail(name, message.BriefJSON(raw)+" is not a string or a list of strings")
		}
		return v, list, present && ok
	}
	if v, list, ok := strs("origin"); ok && (list || v[0] != "") { // options.origin || '*'
		c.origin, c.star = v, !list && v[0] == "*"
	}
	for _, f := range []struct {
		name string
		v    *string
	}{{"allowMethods", &c.methods}, {"exposeHeaders", &c.exposeH}, {"allowHeaders", &c.allowH}} {
		if v, _, ok := strs(f.name); ok {
			*f.v = strings.Join(v, ",")
		}
	}
	if raw, ok := o.Raw("maxAge"); ok && (json.Unmarshal(raw, &c.maxAge) != nil || string(raw) == "null") {
		f, isNumber := jsconfig.ParseNumber(raw)
		if !isNumber {
			o.Fail("maxAge", message.BriefJSON(raw)+" is not a number or a string")
		} else if f != 0 {
			c.maxAge = jsconfig.Number(f) // if (options.maxAge) String(options.maxAge)
		}
	}
	for _, f := range []struct {
		name string
		v    *bool
	}{{"credentials", &c.credentials}, {"keepHeadersOnError", &c.keep}, {"secureContext", &c.secure}, {"privateNetworkAccess", &c.privateNet}} {
		if raw, ok := o.Raw(f.name); ok && (json.Unmarshal(raw, f.v) != nil || string(raw) == "null") {
			o.Fail(f.name, message.BriefJSON(raw)+" is not a boolean")
		}
	}
	if err := o.Err(); err != nil {
		return nil, err
	}
	return c, nil
}

// Warnings: cors() logs nothing about its options.
func (c *Cors) Warnings() []string { return nil }

// Respond answers as Node, koa, cors() and the app do; status 0 for
// CONNECT, which Node answers by closing the connection.
func (c *Cors) Respond(req message.Request) message.Response {
	if status, refused := node.Refuses(req); refused {
		return message.Response{Status: status} // Node's Connection: close is left out
	}
	get := func(name string) string { // ctx.get: req.headers[name] || ''
		v, _ := node.Header(req, name)
		return v
	}
	res := &nodeRes{head: req.Method == "HEAD"}
	res.set("Vary", "Origin") // ctx.vary('Origin')
	origin := c.origin
	if c.star && c.credentials {
		origin = []string{get("Origin")}
	}
	path := node.Path(req.URL)
	if req.Method != "OPTIONS" {
		var kept nodeRes // headersSet
		set := func(name string, v ...string) bool {
			kept.set(name, v...)
			return res.set(name, v...)
		}
		if !set("Access-Control-Allow-Origin", origin...) ||
			c.credentials && !set("Access-Control-Allow-Credentials", "true") ||
			c.exposeH != "" && !set("Access-Control-Expose-Headers", c.exposeH) ||
			c.secure && !(set("Cross-Origin-Opener-Policy", "same-origin") && set("Cross-Origin-Embedder-Policy", "require-corp")) {
			return res.fail(nil)
		}
		if path == "/boom" {
			if !c.keep {
				return res.fail(nil)
			}
			kept.set("vary", "Origin")
			return res.fail(kept.hs)
		}
		return res.app(path, req.AppRoute(), req.Method)
	}
	if get("Access-Control-Request-Method") == "" { // not a preflight: next()
		if path == "/boom" {
			return res.fail(nil)
		}
		return res.app(path, req.AppRoute(), req.Method)
	}
	allowH := c.allowH
	if allowH == "" {
		allowH = get("Access-Control-Request-Headers")
	}
	if !res.set("Access-Control-Allow-Origin", origin...) ||
		c.credentials && !res.set("Access-Control-Allow-Credentials", "true") ||
		c.maxAge != "" && !res.set("Access-Control-Max-Age", c.maxAge) ||
		c.privateNet && get("Access-Control-Request-Private-Network") != "" && !res.set("Access-Control-Allow-Private-Network", "true") ||
		c.methods != "" && !res.set("Access-Control-Allow-Methods", c.methods) ||
		c.secure && !(res.set("Cross-Origin-Opener-Policy", "same-origin") && res.set("Cross-Origin-Embedder-Policy", "require-corp")) ||
		allowH != "" && !res.set("Access-Control-Allow-Headers", allowH) {
		return res.fail(nil)
	}
	return res.response(204)
}

// nodeRes is a ServerResponse's headers: one entry per name (case
// -insensitively), in the order first set, with the name last written; a
// list value writes one line per element.
type nodeRes struct {
	hs   []nodeHeader
	head bool // a HEAD request: no body, the head is written in Latin-1
}

type nodeHeader struct {
	name   string
	values []string
}

// set is setHeader: false when Node throws ERR_INVALID_CHAR.
func (r *nodeRes) set(name string, values ...string) bool {
	if slices.ContainsFunc(values, node.InvalidValue) {
		return false
	}
	for i := range r.hs {
		if strings.EqualFold(r.hs[i].name, name) {
			r.hs[i] = nodeHeader{name, values}
			return true
		}
	}
	r.hs = append(r.hs, nodeHeader{name, values})
	return true
}

// app is what next() reaches: the route's 'ok', else koa's 404 (whose
// "Not Found" body is not written to a HEAD request, nor its length set).
func (r *nodeRes) app(path, route, method string) message.Response {
	if path == route && slices.Contains([]string{"GET", "POST", "PUT", "DELETE", "PATCH"}, method) {
		return r.text(200, "2")
	}
	if r.head {
		return r.response(404)
	}
	return r.text(404, "9")
}

func (r *nodeRes) text(status int, length string) message.Response {
	r.set("Content-Type", "text/plain; charset=utf-8")
	r.set("Content-Length", length)
	return r.response(status)
}

// fail is ctx.onerror: every header removed, then err.headers set (but
// Content-Type and Content-Length), and a text/plain 500.
func (r *nodeRes) fail(errHeaders []nodeHeader) message.Response {
	r.hs = nil
	for _, h := range errHeaders {
		r.set(h.name, h.values...)
	}
	return r.text(500, "21")
}

// response is what a client reads: the lines in order, each value trimmed,
// and, when a string body follows the head (not after HEAD, nor on a 204),
// read back from UTF-8 bytes as Latin-1.
func (r *nodeRes) response(status int) message.Response {
	utf8 := !r.head && status != 204
	out := message.Response{Status: status}
	for _, h := range r.hs {
		for _, v := range h.values {
			if utf8 {
				v = node.Latin1OfUTF8(v)
			}
			out.Headers = append(out.Headers, message.Header{Name: h.name, Value: strings.Trim(v, " \t")})
		}
	}
	return out
}

// Summarize: '*' lets every origin in (echoed with credentials); any other
// origin is sent as it is, to everyone.
func Summarize(options map[string]json.RawMessage) server.Summary {
	c, err := New(options)
	if err != nil {
		return server.Summary{}
	}
	s := server.Summary{Credentials: c.credentials}
	if c.star {
		s.AnyOrigin = "wildcard"
		if c.credentials {
			s.AnyOrigin = "reflect"
		}
		var written string
		if json.Unmarshal(options["origin"], &written) == nil {
			s.AnyEntry = jsconfig.Quote(written)
		}
		return s
	}
	var written []string
	for _, o := range c.origin {
		w := jsconfig.Quote(o)
		written = append(written, w)
		s.Origins = append(s.Origins, server.Entry{Written: w, Policy: o})
		if o != "*" && strings.ContainsAny(o, "*^$\\()[]|+?{}") {
			s.Flagged = append(s.Flagged, server.Flagged{Entry: w, Title: "A pattern in origin is sent as text: " + w,
				Detail:   "@koa/cors never compares origin with the request's Origin: it sends Access-Control-Allow-Origin: " + o + " as it is, to every request. Browsers compare it with the page's origin exactly, and a pattern character there is only text, so every cross-origin request fails.",
				Fix:      "Pass a function that returns the allowed Origin: origin: (ctx) => (/^https:\\/\\/([a-z0-9-]+\\.)*example\\.com$/.test(ctx.get('Origin')) ? ctx.get('Origin') : ''), or one exact origin.",
				Intended: server.WildcardIntended(o), Host: strings.TrimPrefix(server.HostOf(o), "*.")})
		}
	}
	if len(c.origin) > 1 {
		list := "[" + strings.Join(written, ", ") + "]"
		s.Flagged = append(s.Flagged, server.Flagged{Entry: list, Title: "An array in origin sends several Access-Control-Allow-Origin lines: " + list,
			Detail:   "@koa/cors does not read an array as a list of allowed origins: it sends one Access-Control-Allow-Origin line per element, to every request. Browsers refuse an answer with more than one value, so every cross-origin request fails, from the listed origins too.",
			Fix:      "Pass a function that returns the request's Origin when it is allowed: origin: (ctx) => (" + list + ".includes(ctx.get('Origin')) ? ctx.get('Origin') : '').",
			Intended: c.origin[0], Host: server.HostOf(c.origin[0])})
	}
	s.Notes = append(s.Notes, "@koa/cors sends origin as it is to every request, whatever its Origin: only the browser compares them.")
	if len(c.origin) != 1 {
		s.Notes = append(s.Notes, "A list of origins is sent as one Access-Control-Allow-Origin line per element, which browsers refuse as several values.")
	}
	return s
}

// Export writes a program that serves the app, its route compared with
// ctx.path as a string, on PORT (8080 by default).
func Export(options map[string]json.RawMessage, route string) (string, error) {
	route, err := server.CheckRoute(message.RouteOr(route), "", "koa")
	if err != nil {
		return "", err
	}
	if _, err := New(options); err != nil {
		return "", err
	}
	arg := ""
	if len(options) > 0 {
		arg = jsconfig.Literal(options, optionNames, "")
	}
	return `// koa 3.3.0 with @koa/cors 5.0.0: the route answers "ok" to GET, POST, PUT, DELETE
// and PATCH; /boom fails (to see keepHeadersOnError); anything else is koa's 404.
const Koa = require('koa')
const cors = require('@koa/cors')

const app = new Koa()
app.use(cors(` + arg + `))
app.use((ctx) => {
  if (ctx.path === '/boom') throw new Error('boom')
  if (ctx.path === ` + jsconfig.Quote(route) + ` && ['GET', 'POST', 'PUT', 'DELETE', 'PATCH'].includes(ctx.method)) ctx.body = 'ok'
})
app.listen(Number(process.env.PORT) || 8080, 'localhost')
`, nil
}

// Import reads `app.use(cors({...}))`, `cors({...})` or `{...}`.
func Import(text string) (map[string]json.RawMessage, error) {
	opts, call, err := jsconfig.Read(text)
	if err != nil {
		return nil, err
	}
	if call.HasPath {
		return nil, &jsconfig.Error{Line: call.PathLine, Column: call.PathColumn, Problem: "koa's app.use takes one middleware, no path: write app.use(cors(...))"}
	}
	if _, err := New(opts); err != nil {
		return nil, call.Locate(err)
	}
	return opts, nil
}
