// Package honocors emulates hono/cors of npm hono 4.13.23 (Node 20), in
// the app libtest runs it in:
//
//	const app = new Hono()
//	app.use('*', cors(options))
//	app.on(['GET', 'POST', 'PUT', 'DELETE', 'PATCH'], route, (c) => c.text('ok'))
//	await app.request(path, { method, headers })
//
// (route: the request's Route as getPath reads it) in-process, as a Fetch Request and Response: the method is normalised as
// Fetch does (only DELETE, GET, HEAD, OPTIONS, POST and PUT are
// upper-cased, so `patch` stays lower-case and misses the route), and the
// answer is what the Response's Headers object yields: lower-case names,
// sorted, repeats joined with ", ". References are to
// dist/middleware/cors/index.js, dist/hono-base.js and dist/context.js.
package honocors

import (
	"encoding/json"
	"slices"
	"strconv"
	"strings"
	"unicode/utf8"

	"corsplay/engine/message"
	"corsplay/engine/server"
	"corsplay/engine/server/jsconfig"
	"corsplay/engine/server/node"
)

const name = "hono-cors"

// optionNames are cors()'s options, in its documentation's order.
var optionNames = []string{"origin", "allowMethods", "allowHeaders", "exposeHeaders", "maxAge", "credentials"}

// library is what the registry holds, laid out by the linker rather
// than built at start-up.
var library = server.Library{
	Name: name, Version: "4.13.23", Default: true, Title: "hono/cors", Language: "JavaScript",
	Call: "app.use('*', cors({…}))", OriginsOption: "origin",
	Options: []server.Option{
		{Name: "origin", Type: "string or list of strings", Default: "'*'", Doc: "'*' sends Access-Control-Allow-Origin: * to everyone; another string or a list echoes the request's Origin when it is equal to one of them, case-sensitively."},
		{Name: "allowMethods", Type: "list of strings", Default: "['GET', 'HEAD', 'PUT', 'POST', 'DELETE', 'PATCH', 'QUERY']", Doc: "Joined with \",\" into Access-Control-Allow-Methods on every OPTIONS request; never compared with the requested method."},
		{Name: "allowHeaders", Type: "list of strings", Default: "[]", Doc: "Joined with \",\" into Access-Control-Allow-Headers on OPTIONS requests; when empty, the request's Access-Control-Request-Headers is echoed."},
		{Name: "exposeHeaders", Type: "list of strings", Default: "[]", Doc: "Joined with \",\" into Access-Control-Expose-Headers, on preflights and actual requests alike."},
		{Name: "maxAge", Type: "number", Default: "absent", Doc: "Sent as Access-Control-Max-Age on OPTIONS requests, 0 included."},
		{Name: "credentials", Type: "boolean", Default: "absent", Doc: "Adds Access-Control-Allow-Credentials: true to every answer, whatever the origin."},
	},
	Quirks: []string{
		"Every OPTIONS request is answered 204 by the middleware, with or without Origin and Access-Control-Request-Method, on every path.",
		"origin '*' with credentials: true sends Access-Control-Allow-Origin: * with Access-Control-Allow-Credentials: true, which browsers refuse for credentialed requests.",
		"Access-Control-Allow-Credentials: true is sent even to origins that are refused, and to requests without Origin.",
		"Access-Control-Allow-Methods lists allowMethods whatever the request asks; a request's method is never checked.",
		"allowHeaders left empty (the default) echoes whatever the preflight asks for, Authorization included.",
		"Vary: Access-Control-Request-Headers is added whenever Access-Control-Allow-Headers is sent, even a fixed list.",
		"A refused origin still gets Access-Control-Allow-Methods, -Headers, -Max-Age and the 204: only Access-Control-Allow-Origin is missing.",
		"A lower-case `patch` stays lower-case in a Fetch Request, so it misses the PATCH route: 404 (with CORS headers).",
		"The answer's header names are lower-case and sorted: a Fetch Headers object has no wire order.",
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
	origins    []string // the origin option: one string, or the list
	list       bool     // origin is a list (includes), not a string (===)
	methods    string   // allowMethods joined: "" sends none
	allowH     string   // allowHeadersStr: "" is undefined (echo the request's)
	exposeH    string   // exposeHeadersStr: "" is undefined
	maxAge     string   // opts.maxAge.toString()
	hasMaxAge  bool     // opts.maxAge != null
	credential bool
}

// New reads the JSON options the way cors() spreads them over its defaults.
func New(options map[string]json.RawMessage) (*Cors, error) {
	o := server.NewOptions(options)
	c := &Cors{origins: []string{"*"}, methods: "GET,HEAD,PUT,POST,DELETE,PATCH,QUERY"}
	strs := func(name string, one bool) ([]string, bool, bool) {
		raw, present := o.Raw(name)
		v, list, ok := jsconfig.Strings(raw, one)
		if want := "a list of strings"; present && !ok {
			if one {
				want = "a string or " + want
			}
			o.Fail(name, message.BriefJSON(raw)+" is not "+want)
		}
		return v, list, present && ok
	}
	if v, list, ok := strs("origin", true); ok {
		c.origins, c.list = v, list
	}
	if v, _, ok := strs("allowMethods", false); ok {
		c.methods = strings.Join(v, ",")
	}
	if v, _, ok := strs("allowHeaders", false); ok {
		c.allowH = strings.Join(v, ",") // [] is undefined; [''] joins to '', falsy too
	}
	if v, _, ok := strs("exposeHeaders", false); ok {
		c.exposeH = strings.Join(v, ",")
	}
	if raw, ok := o.Raw("maxAge"); ok {
		f, isNumber := jsconfig.ParseNumber(raw)
		if !isNumber {
			o.Fail("maxAge", message.BriefJSON(raw)+" is not a number")
		}
		c.maxAge, c.hasMaxAge = jsconfig.Number(f), true
	}
	if raw, ok := o.Raw("credentials"); ok && (json.Unmarshal(raw, &c.credential) != nil || string(raw) == "null") {
		o.Fail("credentials", message.BriefJSON(raw)+" is not a boolean")
	}
	if err := o.Err(); err != nil {
		return nil, err
	}
	return c, nil
}

// star is opts.origin === "*".
func (c *Cors) star() bool { return !c.list && c.origins[0] == "*" }

// Warnings: cors() logs nothing about its options.
func (c *Cors) Warnings() []string { return nil }

// Respond answers as app.request does; status 0 when the Fetch Request
// cannot be built (a forbidden or invalid method, an invalid header value):
// the call throws a TypeError and nothing answers.
func (c *Cors) Respond(req message.Request) message.Response {
	method, ok := fetchMethod(req.Method)
	if !ok {
		return message.Response{}
	}
	var reqH headers
	for _, h := range req.Headers {
		if !server.IsToken(h.Name) || !reqH.add(strings.ToLower(h.Name), h.Value) {
			return message.Response{}
		}
	}
	origin := reqH.get("origin")
	res := headers{}
	fail := func() message.Response { // errorHandler: c.text('Internal Server Error', 500)
		res.set("content-type", "text/plain; charset=UTF-8")
		return res.response(500)
	}
	// findAllowOrigin: '*' for '*', else the request's origin when it is
	// the string or in the list; "" (no Origin) is falsy.
	allow := ""
	if c.star() {
		allow = "*"
	} else if slices.Contains(c.origins, origin) {
		allow = origin
	}
	touched := false // c.res was created: c.text() then goes the slow way
	set := func(k, v string) bool {
		touched = true
		return res.set(k, v)
	}
	if allow != "" && !set("access-control-allow-origin", allow) ||
		c.credential && !set("access-control-allow-credentials", "true") ||
		c.exposeH != "" && !set("access-control-expose-headers", c.exposeH) {
		return fail()
	}
	if method == "OPTIONS" {
		if !c.star() {
			res.add("vary", "Origin")
		}
		if c.hasMaxAge && !res.set("access-control-max-age", c.maxAge) ||
			c.methods != "" && !res.set("access-control-allow-methods", c.methods) {
			return fail()
		}
		h := c.allowH
		if h == "" {
			if acrh := reqH.get("access-control-request-headers"); acrh != "" {
				parts := strings.Split(acrh, ",")
				for i := range parts {
					parts[i] = strings.Trim(parts[i], jsSpace)
				}
				h = strings.Join(parts, ",")
			}
		}
		if h != "" {
			if !res.set("access-control-allow-headers", h) {
				return fail()
			}
			res.add("vary", "Access-Control-Request-Headers")
		}
		return res.response(204)
	}
	// The route, or the not-found handler (HEAD is dispatched as GET).
	status, ctype := 404, "text/plain; charset=UTF-8"
	if m := strings.Replace(method, "HEAD", "GET", 1); getPath(req.URL) == getPath(req.AppRoute()) && slices.Contains([]string{"GET", "POST", "PUT", "DELETE", "PATCH"}, m) {
		status = 200
		if !touched {
			ctype = "text/plain;charset=UTF-8" // new Response('ok'): Fetch's own type
		}
	}
	res.set("content-type", ctype)
	if !c.star() {
		res.add("vary", "Origin")
	}
	return res.response(status)
}

// jsSpace is what String.prototype.trim removes among the characters a
// header value can hold (U+0000 to U+00FF).
const jsSpace = "\t\n\v\f\r \u00a0"

// fetchMethod normalises a method as new Request() does; false when it
// throws (not a token, or CONNECT, TRACE, TRACK).
func fetchMethod(m string) (string, bool) {
	u := strings.ToUpper(m)
	if !server.IsToken(m) || u == "CONNECT" || u == "TRACE" || u == "TRACK" {
		return "", false
	}
	if slices.Contains([]string{"DELETE", "GET", "HEAD", "OPTIONS", "POST", "PUT"}, u) {
		return u, true
	}
	return m, true
}

// getPath is the URL's path as hono's getPath (utils/url.ts) reads it: as
// sent, or, when it holds a "%", decoded by decodeURI run of escapes by run
// of escapes (tryDecode: a run that is not UTF-8 stays as sent), "%25"
// kept as it is (decodeURIWithPreservedPercent); so /%72 is /r. Not
// emulated: its rewrite of a path with a "%" that starts no escape.
func getPath(url string) string {
	p := node.Path(url)
	if !strings.Contains(p, "%") {
		return p
	}
	var b strings.Builder
	for i := 0; i < len(p); {
		j := i
		for j+3 <= len(p) && p[j] == '%' && hex(p[j+1:j+3]) >= 0 {
			j += 3
			if p[j-2:j] == "25" { // "%2525" after the rewrite: the run ends
				break
			}
		}
		if j == i {
			b.WriteByte(p[i])
			i++
			continue
		}
		b.WriteString(decodeURI(p[i:j]))
		i = j
	}
	return b.String()
}

// decodeURI is JavaScript's decodeURI of a run of escapes: each decoded
// but those of "%" and of the reserved ;/?:@&=+$,# ; the run as it is when
// the bytes are not UTF-8 (decodeURI throws).
func decodeURI(run string) string {
	var out []byte
	for k := 0; k < len(run); k += 3 {
		v := byte(hex(run[k+1 : k+3]))
		if strings.IndexByte("%;/?:@&=+$,#", v) >= 0 {
			out = append(out, run[k:k+3]...)
		} else {
			out = append(out, v)
		}
	}
	if !utf8.Valid(out) {
		return run
	}
	return string(out)
}

// hex is the value of two hex digits, -1 when they are not.
func hex(s string) int {
	v, err := strconv.ParseUint(s, 16, 8)
	if err != nil {
		return -1
	}
	return int(v)
}

// headers is a Fetch Headers object: lower-case names, each once.
type headers []message.Header

// normalize strips HTTP white space around v; false when Headers refuses
// it (a character above U+00FF, NUL, CR or LF).
func normalize(v string) (string, bool) {
	v = strings.Trim(v, "\t\n\r ")
	return v, !strings.ContainsAny(v, "\x00\r\n") && !strings.ContainsFunc(v, func(r rune) bool { return r > 0xff })
}

func (h *headers) set(name, v string) bool {
	v, ok := normalize(v)
	if !ok {
		return false
	}
	for i := range *h {
		if (*h)[i].Name == name {
			(*h)[i].Value = v
			return true
		}
	}
	*h = append(*h, message.Header{Name: name, Value: v})
	return true
}

// add is append: a repeat joins the value with ", ".
func (h *headers) add(name, v string) bool {
	v, ok := normalize(v)
	if !ok {
		return false
	}
	for i := range *h {
		if (*h)[i].Name == name {
			(*h)[i].Value += ", " + v
			return true
		}
	}
	*h = append(*h, message.Header{Name: name, Value: v})
	return true
}

func (h headers) get(name string) string {
	for _, x := range h {
		if x.Name == name {
			return x.Value
		}
	}
	return ""
}

// response sorts the headers by name, as iterating a Headers object does.
func (h headers) response(status int) message.Response {
	for i := 1; i < len(h); i++ { // a handful: insertion sort
		for j := i; j > 0 && h[j].Name < h[j-1].Name; j-- {
			h[j], h[j-1] = h[j-1], h[j]
		}
	}
	return message.Response{Status: status, Headers: message.Headers(h)}
}

// Summarize reads the origins: '*' lets every origin in with *, anything
// else lists exact origins.
func Summarize(options map[string]json.RawMessage) server.Summary {
	c, err := New(options)
	if err != nil {
		return server.Summary{}
	}
	s := server.Summary{Credentials: c.credential}
	if c.star() {
		s.AnyOrigin = "wildcard"
		if _, ok := options["origin"]; ok {
			s.AnyEntry = `'*'`
		}
		return s
	}
	for _, o := range c.origins {
		w := jsconfig.Quote(o)
		s.Origins = append(s.Origins, server.Entry{Written: w, Policy: o})
		switch {
		case o == "*":
			s.Flagged = append(s.Flagged, server.Flagged{Entry: w, Title: "A '*' in origin's array is compared as text: " + w,
				Detail: "hono/cors reads '*' as every origin only when origin is the string '*': in an array, each element is compared with the request's Origin (includes), and no browser sends *, so it lets nobody in.",
				Fix:    "Write origin: '*' for every origin (hono/cors then answers *, which browsers never combine with cookies), or list the origins that may read."})
		case strings.ContainsAny(o, "*^$\\()[]|+?{}"):
			s.Flagged = append(s.Flagged, server.Flagged{Entry: w, Title: "A pattern in origin is compared as text: " + w,
				Detail:   "hono/cors compares origin with the request's Origin exactly (=== for a string, includes() for an array): " + w + " is written as a pattern, but its special characters are only characters there, so it never matches.",
				Fix:      "List the exact origins, or pass a function: origin: (origin) => (/^https:\\/\\/([a-z0-9-]+\\.)*example\\.com$/.test(origin) ? origin : null).",
				Intended: server.WildcardIntended(o), Host: strings.TrimPrefix(server.HostOf(o), "*.")})
		}
	}
	return s
}

// Export writes a module whose default export is the app, its route at
// route as getPath reads it: Bun, Deno and Cloudflare Workers serve it as it is; on Node,
// @hono/node-server's serve() does. In hono's router a ":" starts a
// parameter, "*" is a wildcard and "{" a parameter's pattern.
func Export(options map[string]json.RawMessage, route string) (string, error) {
	route, err := server.CheckRoute(getPath(message.RouteOr(route)), ":*{}", "hono")
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
	return `// hono 4.13.23 with hono/cors: the route answers "ok" to GET, POST, PUT, DELETE and PATCH.
import { Hono } from 'hono'
import { cors } from 'hono/cors'

const app = new Hono()
app.use('*', cors(` + arg + `))
app.on(['GET', 'POST', 'PUT', 'DELETE', 'PATCH'], ` + jsconfig.Quote(route) + `, (c) => c.text('ok'))

// Bun, Deno and Cloudflare Workers serve the default export; on Node:
//   import { serve } from '@hono/node-server'
//   serve({ fetch: app.fetch, port: 8080 })
export default app
`, nil
}

// Import reads `app.use('*', cors({...}))`, `app.use(cors({...}))`,
// `cors({...})` or `{...}`.
func Import(text string) (map[string]json.RawMessage, error) {
	opts, call, err := jsconfig.Read(text)
	if err != nil {
		return nil, err
	}
	if call.HasPath && call.Path != "*" && call.Path != "/*" {
		return nil, &jsconfig.Error{Line: call.PathLine, Column: call.PathColumn, Problem: "cors() is mounted on " + strconv.Quote(call.Path) + ": corsplay emulates it on every path; write app.use('*', cors(...))"}
	}
	if _, err := New(opts); err != nil {
		return nil, call.Locate(err)
	}
	return opts, nil
}
