// Package fastifycors emulates @fastify/cors 11.4.3 on fastify 5.12.8 and
// Node 20 ("fastify-cors"):
//
//	const fastify = Fastify()
//	fastify.register(cors, options)
//	fastify.route({ method: ['GET', 'POST', 'PUT', 'DELETE', 'PATCH'], url: route, handler: async () => 'ok' })
//
// where route is the request's Route as find-my-way reads it.
// The plugin (index.js, vary.js) runs in one of fastify's hooks and adds an
// OPTIONS * route; fastify routes, parses bodies, answers 404s and errors
// with JSON, and Node's HTTP server writes the head. The answer is every
// header line as Node writes it (names lower-case, as fastify stores them,
// in the order they were first set), except Date and the
// Connection/Keep-Alive lines Node adds for the connection.
package fastifycors

import (
	"encoding/json"
	"math"
	"slices"
	"strconv"
	"strings"
	"unicode/utf8"

	"corsplay/engine/message"
	"corsplay/engine/pattern"
	"corsplay/engine/server"
	"corsplay/engine/server/jsconfig"
	"corsplay/engine/server/node"
)

const name = "fastify-cors"

// library is what the registry holds, laid out by the linker rather
// than built at start-up.
var library = server.Library{
	Name: name, Version: "11.4.3", Default: true, Title: "@fastify/cors", Language: "JavaScript",
	Call: "fastify.register(cors, {…})", OriginsOption: "origin",
	Options: []server.Option{
		{Name: "origin", Type: "string, boolean, null, RegExp, or a list of strings and RegExps", Default: "'*'", Doc: "'*' or a string is sent as is; true reflects every origin; a RegExp or a list lets the origins it matches in; false turns CORS off."},
		{Name: "methods", Type: "string or list of strings", Default: "'GET,HEAD,POST'", Doc: "Access-Control-Allow-Methods of preflights, a list joined with \", \"."},
		{Name: "allowedHeaders", Type: "string or list of strings", Default: "null", Doc: "Access-Control-Allow-Headers of preflights; null echoes Access-Control-Request-Headers."},
		{Name: "exposedHeaders", Type: "string or list of strings", Default: "null", Doc: "Access-Control-Expose-Headers, on every answer CORS runs for."},
		{Name: "credentials", Type: "boolean", Default: "false", Doc: "Sends Access-Control-Allow-Credentials: true."},
		{Name: "maxAge", Type: "number", Default: "null", Doc: "Access-Control-Max-Age of preflights, as String(maxAge)."},
		{Name: "cacheControl", Type: "integer or string", Default: "undefined", Doc: "Cache-Control of preflights: an integer N is max-age=N."},
		{Name: "preflightContinue", Type: "boolean", Default: "false", Doc: "Passes preflights on to the OPTIONS route (200, empty) instead of answering them."},
		{Name: "optionsSuccessStatus", Type: "integer", Default: "204", Doc: "The status of the preflight answer."},
		{Name: "preflight", Type: "boolean", Default: "true", Doc: "false: OPTIONS requests are not answered as preflights (they get fastify's 404)."},
		{Name: "strictPreflight", Type: "boolean", Default: "true", Doc: "An OPTIONS request without Origin or Access-Control-Request-Method gets 400 Invalid Preflight Request."},
		{Name: "hideOptionsRoute", Type: "boolean", Default: "true", Doc: "Hides the plugin's OPTIONS * route from the schema (no effect on answers)."},
		{Name: "hook", Type: "string", Default: "'onRequest'", Doc: "The fastify hook CORS runs in: onRequest, preParsing, preValidation, preHandler or preSerialization."},
		{Name: "logLevel", Type: "string", Default: "undefined", Doc: "The log level of the OPTIONS * route (no effect on answers)."},
	},
	Quirks: []string{
		"A string origin other than '*' is sent as is to every request, whatever its Origin, and without Vary: Origin.",
		"Any origin that is not a string or false (true, a RegExp, a list, null) adds Vary: Origin to every answer, even to requests without Origin.",
		"A RegExp origin is tested with .test(), an unanchored search: /a\\.example\\.com/ also lets https://a.example.com.evil.net in.",
		"true reflects every origin, \"null\" included, with Access-Control-Allow-Credentials too when credentials is true.",
		"A list holding '*' is '*': its other entries do nothing.",
		"credentials: true is sent with origin '*' as well, a combination browsers refuse.",
		"A refused origin gets no Access-Control-Allow-Origin but every other CORS header, and its preflight is still answered 204.",
		"Without allowedHeaders a preflight's Access-Control-Request-Headers is echoed back, Authorization included.",
		"methods is sent as written and never compared with the request: the default GET,HEAD,POST leaves out PUT, PATCH and DELETE.",
		"Every OPTIONS request is a preflight: without Origin or Access-Control-Request-Method it gets 400 Invalid Preflight Request (text/plain).",
		"origin: false turns CORS off, and every OPTIONS request then gets fastify's 404 JSON (the plugin's OPTIONS * route calls notFound).",
		"origin null or '' answers every request with fastify's 500 JSON \"Invalid CORS origin option\".",
		"An optionsSuccessStatus outside 100-599 makes every preflight a 500 (FST_ERR_BAD_STATUS_CODE) that keeps the CORS headers.",
		"hook: 'preSerialization' runs only when fastify serializes an object: a route answering a string gets no CORS header, and preflights are answered from the 404 path.",
		"CORS runs in a hook, so fastify's 404s, 415s and errors carry the CORS headers too; a form-encoded or multipart POST gets 415 (fastify parses only JSON and text/plain).",
		"Node answers 400, before fastify runs, to a method it does not know, lowercase patch included.",
		"Header names are written lower-case (access-control-allow-origin), as fastify stores them.",
	},
	New:       func(o map[string]json.RawMessage) (server.Emulation, error) { return newCors(o) },
	Summarize: summarize,
	Fixer:     fixer,
	Matching: server.Matching{
		Regex:   "@fastify/cors tests a RegExp origin with RegExp.prototype.test, which finds the pattern anywhere in the Origin.",
		Literal: jsconfig.RegExp,
	},
}

func init() {
	server.Register(&library)
	fixer.Options = optionNames()
}

// maxPatternBytes bounds a RegExp's source (the engine's MaxPatternBytes).
const maxPatternBytes = 1024

// origin kinds, after normalizeCorsOptions.
const (
	originString  = iota // sent as is ('*' included)
	originFalse          // CORS off
	originInvalid        // null or '': next(new Error('Invalid CORS origin option'))
	originMatch          // true, a RegExp or a list: the request's Origin is reflected when it matches
)

// entry is one element of an origin list (or the origin itself): an exact
// string, a RegExp, or any (true).
type entry struct {
	exact   string
	re      *pattern.Regexp
	any     bool
	written string // as written in JavaScript, for the summary
}

type cors struct {
	kind                     int
	varyOrigin               bool   // origin is neither a string nor false
	static                   string // originString's value
	entries                  []entry
	methods                  string
	allowed, exposed, maxAge *string // nil: null
	cacheControl             string  // "": none
	credentials              bool
	preflightContinue        bool
	preflight, strict        bool
	status                   float64 // optionsSuccessStatus
	hook                     string
	insts                    int
}

func (c *cors) Warnings() []string { return nil }

// PatternInsts sizes the compiled RegExps (Server.Footprint).
func (c *cors) PatternInsts() int { return c.insts }

// joined is a string option, or a list joined with ", ".
func joined(s server.StringOrList) *string {
	v := strings.Join(s.Values, ", ")
	return &v
}

func newCors(options map[string]json.RawMessage) (*cors, error) {
	c := &cors{kind: originString, static: "*", methods: "GET,HEAD,POST", preflight: true, strict: true, status: 204, hook: "onRequest"}
	o := server.NewOptions(options)
	var set pattern.Set
	if raw, ok := o.Raw("origin"); ok {
		if err := c.decodeOrigin(raw, &set); err != nil {
			return nil, err
		}
	}
	var s server.StringOrList
	if get(o, "methods", "a string or a list of strings", &s) {
		c.methods = *joined(s)
	}
	for _, opt := range []struct {
		name string
		to   **string
	}{{"allowedHeaders", &c.allowed}, {"exposedHeaders", &c.exposed}} {
		if raw, ok := o.Raw(opt.name); ok && !isNull(raw) {
			s = server.StringOrList{}
			if o.Get(opt.name, "a string, a list of strings or null", &s) {
				*opt.to = joined(s)
			}
		}
	}
	if raw, ok := o.Raw("maxAge"); ok && !isNull(raw) {
		if f, ok := number(o, "maxAge", "a number or null", raw); ok {
			v := jsNumber(f)
			c.maxAge = &v
		}
	}
	if raw, ok := o.Raw("cacheControl"); ok && !isNull(raw) && json.Unmarshal(raw, &c.cacheControl) != nil {
		// Number.isInteger → "max-age=N"; a string as is; anything else ignored.
		if f, ok := number(o, "cacheControl", "an integer, a string or null", raw); ok && f == math.Trunc(f) && !math.IsInf(f, 0) {
			c.cacheControl = "max-age=" + jsNumber(f)
		}
	}
	var ignored bool
	var level string
	get(o, "credentials", "a boolean", &c.credentials)
	get(o, "preflightContinue", "a boolean", &c.preflightContinue)
	get(o, "preflight", "a boolean", &c.preflight)
	get(o, "strictPreflight", "a boolean", &c.strict)
	get(o, "hideOptionsRoute", "a boolean", &ignored)
	get(o, "logLevel", "a string", &level)
	if raw, ok := o.Raw("optionsSuccessStatus"); ok {
		if f, ok := number(o, "optionsSuccessStatus", "an integer", raw); ok {
			if f != math.Trunc(f) {
				o.Fail("optionsSuccessStatus", string(raw)+" is not an integer")
			} else if f >= 100 && f < 200 {
				o.Fail("optionsSuccessStatus", "fastify would send the preflight answer as "+jsNumber(f)+": corsplay models final statuses (a 1xx is an interim response the browser keeps waiting after)")
			}
			c.status = f
		}
	}
	hookSet := get(o, "hook", "a string", &c.hook)
	if o.Has("delegator") {
		o.Fail("delegator", "a delegator is a function: it has no JSON form")
	}
	if err := o.Err(); err != nil {
		return nil, err
	}
	if hookSet && !slices.Contains([]string{"onRequest", "preParsing", "preValidation", "preHandler", "preSerialization"}, c.hook) {
		return nil, &server.ConfigError{Library: name, Message: "@fastify/cors: Invalid hook option provided."}
	}
	c.insts = set.Insts()
	return c, nil
}

// number reads a JSON number as JSON.parse does (1e400 is Infinity).
func number(o *server.Options, opt, want string, raw json.RawMessage) (float64, bool) {
	f, ok := jsconfig.ParseNumber(raw)
	if !ok {
		o.Fail(opt, message.BriefJSON(raw)+" is not "+want)
	}
	return f, ok
}

// get is Options.Get, refusing null (which Go would read as "leave as is").
func get(o *server.Options, opt, want string, v any) bool {
	if raw, ok := o.Raw(opt); ok && isNull(raw) {
		o.Fail(opt, "null is not "+want)
		return false
	}
	return o.Get(opt, want, v)
}

func isNull(raw json.RawMessage) bool { return strings.TrimSpace(string(raw)) == "null" }

// decodeOrigin reads origin: a string, a boolean, null, a RegExp form
// {"regexp": SRC, "flags": F}, or a list of strings and RegExp forms.
func (c *cors) decodeOrigin(raw json.RawMessage, set *pattern.Set) error {
	var v any
	if err := json.Unmarshal(raw, &v); err != nil {
		return &server.OptionError{Path: "origin", Problem: err.Error()}
	}
	_, isString := v.(string)
	c.varyOrigin = !isString && v != false
	switch x := v.(type) {
	case string:
		c.static = x
		if x == "" {
			c.kind = originInvalid
		}
		return nil
	case bool:
		c.kind = originFalse
		if x {
			c.kind, c.entries = originMatch, []entry{{any: true, written: "true"}}
		}
		return nil
	case nil:
		c.kind = originInvalid
		return nil
	case []any:
		c.kind, c.entries = originMatch, []entry{}
		for i, e := range x {
			path := "origin[" + strconv.Itoa(i) + "]"
			if s, ok := e.(string); ok {
				if s == "*" { // normalizeCorsOptions: a list holding '*' is '*'
					c.kind, c.static, c.varyOrigin = originString, "*", false
				}
				c.entries = append(c.entries, entry{exact: s, written: jsconfig.Quote(s)})
				continue
			}
			en, err := regExp(e, path, "a string or a RegExp {\"regexp\": \"source\", \"flags\": \"i\"}", set)
			if err != nil {
				return err
			}
			c.entries = append(c.entries, en)
		}
		return nil
	}
	en, err := regExp(v, "origin", "a string, a boolean, null, a RegExp {\"regexp\": \"source\", \"flags\": \"i\"} or a list of strings and RegExps", set)
	c.kind, c.entries = originMatch, []entry{en}
	return err
}

// regExp compiles new RegExp(source, flags) from its JSON form: V8's
// SyntaxError is a *ConfigError (the app would not start); what corsplay
// cannot emulate is an *OptionError. isRequestOriginAllowed sets lastIndex
// to 0 before each test, so g changes nothing and y anchors at the start.
func regExp(v any, path, what string, set *pattern.Set) (entry, error) {
	m, _ := v.(map[string]any)
	src, ok := m["regexp"].(string)
	fv, present := m["flags"]
	flags, isString := fv.(string)
	if !ok || present && !isString || len(m) > 2 || len(m) == 2 && !present {
		return entry{}, &server.OptionError{Path: path, Problem: message.BriefJSON(jsonOf(v)) + " is not " + what}
	}
	seen := map[rune]bool{}
	for _, f := range flags {
		if !strings.ContainsRune("dgimsuyv", f) || seen[f] || f == 'u' && seen['v'] || f == 'v' && seen['u'] {
			return entry{}, &server.ConfigError{Library: name, Message: "Invalid flags supplied to RegExp constructor '" + flags + "'"}
		}
		seen[f] = true
	}
	if seen['u'] || seen['v'] {
		return entry{}, &server.OptionError{Path: path, Problem: "corsplay does not emulate the u and v flags (Unicode mode): drop them, an origin is ASCII"}
	}
	if len(src) > maxPatternBytes {
		return entry{}, &server.OptionError{Path: path, Problem: "the pattern has " + strconv.Itoa(len(src)) + " bytes, at most " + strconv.Itoa(maxPatternBytes)}
	}
	goSrc, msg, unsupported := pattern.TranslateJavaScript(src, seen['i'], seen['s'], seen['m'])
	if msg != "" {
		return entry{}, &server.ConfigError{Library: name, Message: "Invalid regular expression: /" + src + "/" + flags + ": " + msg}
	}
	if unsupported != "" {
		return entry{}, &server.OptionError{Path: path, Problem: "corsplay does not emulate " + unsupported + " in a RegExp origin"}
	}
	if seen['y'] {
		goSrc = `\A(?:` + goSrc + `)`
	}
	re, err := set.Compile(goSrc)
	if err != nil {
		return entry{}, &server.OptionError{Path: path, Problem: err.Error()}
	}
	return entry{re: re, written: jsconfig.RegExp(src, flags)}, nil
}

func jsonOf(v any) []byte {
	b, _ := json.Marshal(v)
	return b
}

// ---- answering ----

// Routes: the app's route, the plugin's OPTIONS *, and fastify's 404.
const (
	routeR = iota
	routeOptions
	route404
)

// fstError is an error fastify answers with its error handler: status
// (0: none of its own), code ("" for a plain Error) and message.
type fstError struct {
	status  int
	code    string
	message string
}

var errOrigin = &fstError{0, "", "Invalid CORS origin option"}

// exchange is one request going through fastify's lifecycle.
type exchange struct {
	c       *cors
	req     message.Request
	url     string
	route   int
	status  int
	headers message.Headers // fastify's reply headers: lower-case names, in first-set order
	enabled bool            // req.corsPreflightEnabled
	out     *message.Response
}

func (x *exchange) set(name, value string) {
	for i := range x.headers {
		if x.headers[i].Name == name {
			x.headers[i].Value = value
			return
		}
	}
	x.headers = append(x.headers, message.Header{Name: name, Value: value})
}

func (x *exchange) del(name string) {
	x.headers = slices.DeleteFunc(x.headers, func(h message.Header) bool { return h.Name == name })
}

// Respond answers req as Node, fastify and the plugin do.
func (c *cors) Respond(req message.Request) message.Response {
	if status, refused := node.Refuses(req); refused {
		if status == 0 {
			return message.Response{} // CONNECT: Node closes the connection
		}
		return message.Response{Status: status, Headers: message.Headers{{Name: "Connection", Value: "close"}}}
	}
	x := &exchange{c: c, req: req, url: target(req.URL), status: 200, route: route404}
	path, ok := routePath(x.url)
	if !ok {
		// fastify's onBadUrl: before any hook.
		body := `{"error":"Bad Request","code":"FST_ERR_BAD_URL","message":` + jsonString("'"+x.url+"' is not a valid url component") + `,"statusCode":400}`
		x.status = 400
		x.headers = message.Headers{{Name: "Content-Type", Value: "application/json"}, {Name: "Content-Length", Value: byteLength(body)}}
		return x.write(req.Method != "HEAD")
	}
	switch m := req.Method; {
	case m == "OPTIONS":
		x.route = routeOptions
	case path == declared(req.AppRoute()) && slices.Contains([]string{"GET", "HEAD", "POST", "PUT", "DELETE", "PATCH"}, m):
		x.route = routeR
	}
	x.lifecycle()
	return *x.out
}

// lifecycle runs fastify's hooks, body parsing and the handler until one
// of them sends the answer.
func (x *exchange) lifecycle() {
	if x.hook("onRequest") || x.hook("preParsing") {
		return
	}
	if err := x.parseBody(); err != nil {
		x.fail(err)
		return
	}
	if x.hook("preValidation") || x.hook("preHandler") {
		return
	}
	switch {
	case x.route == routeR:
		x.set("content-type", "text/plain; charset=utf-8")
		x.sendString("ok")
	case x.route == routeOptions && x.enabled:
		x.sendEmpty()
	case x.route == routeOptions:
		// reply.callNotFound(): the 404 context's preHandler hooks, then the
		// 404 handler.
		if !x.hook("preHandler") {
			x.notFound()
		}
	default:
		x.notFound()
	}
}

// hook runs the plugin when it is registered in hook h; true when it sent
// the answer.
func (x *exchange) hook(h string) bool {
	if x.c.hook != h {
		return false
	}
	x.handleCors()
	return x.out != nil
}

// parseBody is handleRequest's content-type check: the body itself is
// taken to be what a browser sends, valid for its Content-Type.
func (x *exchange) parseBody() *fstError {
	m := x.req.Method
	if !slices.Contains([]string{"DELETE", "OPTIONS", "PATCH", "PUT", "POST", "QUERY"}, m) {
		return nil
	}
	ct, ok := node.Header(x.req, "Content-Type")
	if !ok {
		if m == "QUERY" {
			return &fstError{400, "FST_ERR_ROUTE_MISSING_CONTENT_TYPE", "Method 'QUERY' must provide a 'Content-Type' header."}
		}
		return nil
	}
	mt, valid := mediaType(ct)
	if valid && (mt == "application/json" || mt == "text/plain" || x.route == route404) {
		return nil
	}
	return &fstError{415, "FST_ERR_CTP_INVALID_MEDIA_TYPE", "Unsupported Media Type"}
}

// mediaType is fastify's ContentType: type/subtype lower-cased, and
// whether both are tokens.
func mediaType(h string) (string, bool) {
	if h == "" || h == "undefined" {
		return "", false
	}
	mt := h
	if i := strings.IndexByte(h, ';'); i >= 0 {
		mt = h[:i]
	}
	typ, sub, ok := strings.Cut(strings.ToLower(mt), "/")
	typ, sub = strings.TrimLeft(typ, jsSpace), strings.TrimRight(sub, jsSpace)
	return typ + "/" + sub, ok && server.IsToken(typ) && server.IsToken(sub)
}

const jsSpace = " \t\n\v\f\r\u00a0"

// handleCors is addCorsHeadersHandler.
func (x *exchange) handleCors() {
	c := x.c
	if c.varyOrigin {
		x.vary("Origin")
	}
	switch c.kind {
	case originFalse:
		return
	case originInvalid:
		x.fail(errOrigin)
		return
	}
	origin, hasOrigin := node.Header(x.req, "Origin")
	if c.kind == originString {
		x.set("access-control-allow-origin", c.static)
	} else if hasOrigin && origin != "" && c.originAllowed(origin, x.req.Meter) {
		x.set("access-control-allow-origin", origin)
	}
	if c.credentials {
		x.set("access-control-allow-credentials", "true")
	}
	if c.exposed != nil {
		x.set("access-control-expose-headers", *c.exposed)
	}
	if x.req.Method != "OPTIONS" || !c.preflight {
		return
	}
	if acrm, _ := node.Header(x.req, "Access-Control-Request-Method"); c.strict && (origin == "" || acrm == "") {
		x.status = 400
		x.set("content-type", "text/plain")
		x.sendString("Invalid Preflight Request")
		return
	}
	x.enabled = true
	x.set("access-control-allow-methods", c.methods)
	if c.allowed == nil {
		x.vary("Access-Control-Request-Headers")
		if acrh, ok := node.Header(x.req, "Access-Control-Request-Headers"); ok {
			x.set("access-control-allow-headers", acrh)
		}
	} else {
		x.set("access-control-allow-headers", *c.allowed)
	}
	if c.maxAge != nil {
		x.set("access-control-max-age", *c.maxAge)
	}
	if c.cacheControl != "" {
		x.set("cache-control", c.cacheControl)
	}
	if c.preflightContinue {
		return
	}
	if !(c.status >= 100 && c.status <= 599) {
		s := jsNumber(c.status)
		x.fail(&fstError{500, "FST_ERR_BAD_STATUS_CODE", "Called reply with an invalid status code: " + s})
		return
	}
	x.status = int(c.status)
	x.set("content-length", "0")
	x.sendEmpty()
}

// allowed is isRequestOriginAllowed: === for strings, RegExp.test, true.
func (c *cors) originAllowed(origin string, m *pattern.Meter) bool {
	for _, e := range c.entries {
		if e.any || e.re == nil && e.exact == origin || e.re != nil && e.re.Match(origin, m) {
			return true
		}
	}
	return false
}

// vary is vary.js's createAddFieldnameToVary(field)(reply).
func (x *exchange) vary(field string) {
	var header string
	for _, h := range x.headers {
		if h.Name == "vary" {
			header = h.Value
		}
	}
	if header == "" {
		x.set("vary", field)
		return
	}
	if header == "*" {
		return
	}
	var vals []string
	for v := range strings.SplitSeq(strings.ToLower(strings.TrimSpace(header)), ",") {
		vals = append(vals, strings.Trim(v, " \t"))
	}
	switch {
	case slices.Contains(vals, "*"):
		x.set("vary", "*")
	case !slices.Contains(vals, strings.ToLower(field)):
		x.set("vary", header+", "+field)
	}
}

// notFound is fastify's basic404: a JSON object, which the
// preSerialization hooks see.
func (x *exchange) notFound() {
	x.status = 404
	if !slices.ContainsFunc(x.headers, func(h message.Header) bool { return h.Name == "content-type" }) {
		x.set("content-type", "application/json; charset=utf-8")
	}
	if x.hook("preSerialization") {
		return
	}
	x.sendString(`{"message":` + jsonString("Route "+x.req.Method+":"+x.url+" not found") + `,"error":"Not Found","statusCode":404}`)
}

// sendEmpty is reply.send() without a payload.
func (x *exchange) sendEmpty() {
	if x.status >= 200 && x.status != 204 && x.status != 304 && x.req.Method != "HEAD" {
		x.set("content-length", "0")
	}
	x.write(false)
}

// sendString sends a string payload (the content-type is already set).
func (x *exchange) sendString(body string) {
	x.set("content-length", byteLength(body))
	// res.end(string) writes the head with the body, in UTF-8; without a
	// body (HEAD) Node writes the head alone, in Latin-1.
	x.write(x.req.Method != "HEAD")
}

// fail is reply.send(err): fastify's error handler answers JSON, keeping
// the headers already set but for content-type and content-length.
func (x *exchange) fail(e *fstError) {
	x.del("content-type")
	x.del("content-length")
	switch {
	case e.status != 0:
		x.status = e.status
	case x.status < 400 || x.status > 599:
		x.status = 500
	}
	code := ""
	if e.code != "" {
		code = `"code":"` + e.code + `",`
	}
	body := `{"statusCode":` + strconv.Itoa(x.status) + `,` + code + `"error":"` + statusText[x.status] + `","message":` + jsonString(e.message) + `}`
	x.set("content-type", "application/json; charset=utf-8")
	x.sendString(body)
}

// write is Node's writeHead. A value Node refuses (ERR_INVALID_CHAR) sends
// fastify down its fallback: the status (500 unless a 4xx or 5xx was set)
// with none of the reply's headers, the body chunked when there is one.
func (x *exchange) write(utf8Head bool) message.Response {
	resp := message.Response{Status: x.status}
	for _, h := range x.headers {
		if node.InvalidValue(h.Value) {
			resp = message.Response{Status: x.status}
			if x.status < 400 || x.status > 599 {
				resp.Status = 500
			}
			if x.req.Method != "HEAD" && x.status != 204 && x.status != 304 {
				resp.Headers = message.Headers{{Name: "Transfer-Encoding", Value: "chunked"}}
			}
			break
		}
		v := h.Value
		if utf8Head {
			v = node.Latin1OfUTF8(v)
		}
		resp.Headers = append(resp.Headers, message.Header{Name: h.Name, Value: strings.Trim(v, " \t")})
	}
	x.out = &resp
	return resp
}

var statusText = map[int]string{400: "Bad Request", 404: "Not Found", 415: "Unsupported Media Type", 500: "Internal Server Error"}

// ---- the request target ----

// target is the request-target: the URL's path and query.
func target(u string) string {
	if i := strings.Index(u, "://"); i >= 0 {
		u = u[i+3:]
		if j := strings.IndexAny(u, "/?#"); j >= 0 {
			u = u[j:]
		} else {
			u = ""
		}
	}
	if u, _, _ = strings.Cut(u, "#"); !strings.HasPrefix(u, "/") {
		u = "/" + u
	}
	return u
}

// declared is the route as the app declares it: the path find-my-way
// reads in a request to it.
func declared(route string) string {
	p, _ := routePath(route)
	return p
}

// routePath is find-my-way's safeDecodeURI: the path before ? or #,
// percent-decoded but for the reserved characters; false when decodeURI
// throws.
func routePath(t string) (string, bool) {
	if i := strings.IndexAny(t[1:], "?#"); i >= 0 {
		t = t[:i+1]
	}
	if !strings.Contains(t, "%") {
		return t, true
	}
	var b []byte
	for i := 0; i < len(t); i++ {
		if t[i] != '%' {
			b = append(b, t[i])
			continue
		}
		v, err := strconv.ParseUint(t[i+1:min(i+3, len(t))], 16, 8)
		if err != nil || i+3 > len(t) {
			return "", false
		}
		if strings.IndexByte("#$%&+,/:;=?@", byte(v)) >= 0 {
			b = append(b, t[i:i+3]...) // decodeURI keeps them encoded
		} else {
			b = append(b, byte(v))
		}
		i += 2
	}
	if !utf8.Valid(b) {
		return "", false
	}
	return string(b), true
}

// ---- JavaScript ----

// jsNumber is Number::toString(x): how fastify writes maxAge, cacheControl
// and a status code.
var jsNumber = jsconfig.Number

// jsonString is JSON.stringify(s).
func jsonString(s string) string {
	var b strings.Builder
	b.WriteByte('"')
	for _, r := range s {
		switch {
		case r == '"' || r == '\\':
			b.WriteByte('\\')
			b.WriteRune(r)
		case r == '\n':
			b.WriteString(`\n`)
		case r == '\r':
			b.WriteString(`\r`)
		case r == '\t':
			b.WriteString(`\t`)
		case r == '\b':
			b.WriteString(`\b`)
		case r == '\f':
			b.WriteString(`\f`)
		case r < 0x20:
			b.WriteString(`\u00` + strconv.FormatInt(int64(r)>>4, 16) + strconv.FormatInt(int64(r)&15, 16))
		default:
			b.WriteRune(r)
		}
	}
	b.WriteByte('"')
	return b.String()
}

// byteLength is Buffer.byteLength(s): its UTF-8 length.
func byteLength(s string) string { return strconv.Itoa(len(s)) }
