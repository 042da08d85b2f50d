// Package expresscors emulates expressjs/cors 2.8.6 ("express-cors") on
// Express 5 and Node 20:
//
//	const app = express()
//	app.use(cors(options))
//	app.<every method but OPTIONS>('/{*path}', (req, res) => res.status(200).end())
//
// Options are cors()'s own keys with JSON values, taken the way JavaScript
// takes them: lib/index.js validates nothing and tests values for
// truthiness, so a number, an object or an empty string each do what the
// library's code does with them, crash included (a TypeError thrown in the
// middleware becomes Express's 500). A RegExp origin is written
// {"regexp": "pattern", "flags": "i"} (also inside an origin array): it
// stands for new RegExp(pattern, flags) in the app's source, and an invalid
// one is a *server.ConfigError with V8's message. Unknown options are ignored
// silently, as the library ignores them.
//
// Values are JavaScript strings: a Go string's runes are the string's
// characters. Requests arrive the way Node's HTTP parser delivers them
// (header values trimmed, duplicates joined with ", ", bytes read as
// Latin-1), and response header values are what a client reads (trimmed).
// References are to lib/index.js of cors 2.8.6, vary 1.1.2, router 2.x
// (Express 5's router), finalhandler 2.x and Node's lib/_http_*.js.
package expresscors

import (
	"encoding/json"
	"errors"
	"fmt"
	"math"
	"slices"
	"strconv"
	"strings"
	"unicode/utf16"
	"unicode/utf8"

	"corsplay/engine/message"
	"corsplay/engine/pattern"
	"corsplay/engine/server"
	"corsplay/internal/lazyre"
)

// lib is express cors in the registry; the command adds its Export and
// Import (command.go), which the page leaves out (app.wasm's budget).
var lib = &server.Library{
	Name: Name, Version: "2.8.6", Default: true, Title: "express cors", Language: "JavaScript",
	Call: "app.use(cors({...})) in Express 5", OriginsOption: "origin",
	Options: optionDocs, Quirks: quirks,
	New: func(o map[string]json.RawMessage) (server.Emulation, error) {
		c, err := newCors(o)
		if err != nil {
			return nil, err // not a nil *cors in an interface
		}
		return c, nil
	},
	Summarize: summarize, Fixer: fixer,
	Matching: server.Matching{
		Regex:   "cors() tests a RegExp origin with RegExp.prototype.test, which finds the pattern anywhere in the Origin.",
		Exact:   "cors() compares a string origin with the Origin using === (a single string is sent as is, and the browser compares it exactly)",
		Literal: RegExpText,
	},
}

func init() { server.Register(lib) }

// Name is server.library.name.
const Name = "express-cors"

// Limits the engine sets (engine.MaxPatternBytes, engine.MaxOriginBytes).
const (
	maxPatternBytes = 1024
	maxOriginBytes  = 2048
)

// expressCorsOptions are the options lib/index.js reads.
var expressCorsOptions = []string{"origin", "methods", "allowedHeaders", "headers", "exposedHeaders",
	"credentials", "maxAge", "preflightContinue", "optionsSuccessStatus"}

// expressCorsDefaults mirrors `var defaults` in lib/index.js.
var expressCorsDefaults = map[string]any{
	"origin":               "*",
	"methods":              "GET,HEAD,PUT,PATCH,POST,DELETE",
	"preflightContinue":    false,
	"optionsSuccessStatus": float64(204),
}

// expressCors is a configured cors() middleware in its app.
type cors struct {
	// own are the options after `assign({}, defaults, options)`.
	own map[string]any
	// proto is the object an "__proto__" option installs as the prototype
	// of corsOptions (Object.assign sets it through the __proto__ setter),
	// so options absent from own are read from it. nil: Object.prototype.
	proto map[string]any
	insts int // of its RegExps
}

// PatternInsts sizes the compiled RegExps (engine's Server.Footprint).
func (c *cors) PatternInsts() int { return c.insts }

// Warnings: cors() ignores an unknown option without a word.
func (c *cors) Warnings() []string { return nil }

func newCors(options map[string]json.RawMessage) (*cors, error) {
	c := &cors{own: map[string]any{}}
	for k, v := range expressCorsDefaults {
		c.own[k] = v
	}
	var set pattern.Set
	for _, name := range expressCorsOptions {
		raw, ok := options[name]
		if !ok {
			continue
		}
		v, err := decodeJSValue(raw)
		if err != nil {
			return nil, &server.OptionError{Path: name, Problem: err.Error()}
		}
		if name == "origin" {
			if v, err = expressOriginRegExps(v, "origin", &set); err != nil {
				return nil, err
			}
		}
		c.own[name] = v
	}
	for name, raw := range options {
		if slices.Contains(expressCorsOptions, name) {
			continue
		}
		if name == "__proto__" {
			// Object.assign's [[Set]] of "__proto__" replaces the prototype
			// when the value is an object (or null); other values are ignored.
			if v, err := decodeJSValue(raw); err == nil {
				if o, ok := v.(map[string]any); ok {
					c.proto = o
				}
			}
		}
	}
	if err := c.checkStatus(); err != nil {
		return nil, err
	}
	c.insts = set.Insts()
	return c, nil
}

// checkStatus refuses an optionsSuccessStatus Node would send as a 1xx
// (interim: the browser keeps waiting) or above 599: corsplay models final
// statuses. Values Node refuses (below 100, above 999) are faithful 500s.
func (c *cors) checkStatus() error {
	if jsTruthy(c.get("preflightContinue")) || !jsTruthy(c.get("origin")) {
		return nil
	}
	s, ok := nodeStatus(c.get("optionsSuccessStatus"))
	if ok && (s < 200 || s > 599) {
		return &server.OptionError{Path: "optionsSuccessStatus", Problem: fmt.Sprintf("Node would send the preflight answer as %d: corsplay models final statuses 200 to 599 (a 1xx is an interim response the browser keeps waiting after)", s)}
	}
	return nil
}

// get reads corsOptions[name]: an own property, else the prototype's.
func (c *cors) get(name string) any {
	if v, ok := c.own[name]; ok {
		return v
	}
	if v, ok := c.proto[name]; ok {
		return v
	}
	return jsUndefined{}
}

// Header names lib/index.js sets.
const (
	xcACAO = "Access-Control-Allow-Origin"
	xcACAC = "Access-Control-Allow-Credentials"
	xcACAM = "Access-Control-Allow-Methods"
	xcACAH = "Access-Control-Allow-Headers"
	xcACMA = "Access-Control-Max-Age"
	xcACEH = "Access-Control-Expose-Headers"
	xcVary = "Vary"
)

// Respond runs one request through Node's parser, corsMiddleware and the
// app behind it.
func (c *cors) Respond(req message.Request) message.Response {
	if resp, refused := nodeRefuses(req); refused {
		return resp
	}
	res := &nodeResponse{status: 200}
	// middlewareWrapper: a falsy origin means no originCallback: next()
	// without any CORS header.
	if !jsTruthy(c.get("origin")) {
		return expressApp(req, res)
	}
	ended, err := c.cors(req, res)
	switch {
	case err != nil:
		return finalhandlerError(req, res)
	case ended:
		return res.response()
	}
	return expressApp(req, res)
}

// cors mirrors function cors(options, req, res, next): every OPTIONS is a
// preflight (no Origin or Access-Control-Request-Method needed). Each
// configure* runs before applyHeaders, so a TypeError there sets no header;
// one in applyHeaders keeps those set before it. ended is false when it
// calls next().
func (c *cors) cors(req message.Request, res *nodeResponse) (ended bool, err error) {
	var reqOrigin any = jsUndefined{}
	if o, ok := nodeHeader(req, "Origin"); ok {
		reqOrigin = o
	}
	preflight := req.Method == "OPTIONS"
	headers, err := c.configure(req, reqOrigin, preflight)
	if err != nil {
		return false, err
	}
	if err := applyHeaders(headers, res); err != nil {
		return false, err
	}
	if !preflight || jsTruthy(c.get("preflightContinue")) {
		return false, nil // next()
	}
	// res.statusCode = options.optionsSuccessStatus;
	// res.setHeader('Content-Length', '0'); res.end(): writeHead throws on
	// a status it refuses.
	if err := res.setHeader("Content-Length", "0"); err != nil {
		return false, err
	}
	status, ok := nodeStatus(c.get("optionsSuccessStatus"))
	if !ok {
		return false, errors.New("ERR_HTTP_INVALID_STATUS_CODE")
	}
	res.status = status
	return true, nil
}

// configure lists the headers in cors()'s order: origin, credentials, then
// on a preflight methods, allowed headers and max-age, then exposed
// headers.
func (c *cors) configure(req message.Request, reqOrigin any, preflight bool) ([]xcHeader, error) {
	headers := append(c.configureOrigin(reqOrigin, req.Meter), c.configureCredentials()...)
	steps := []func() ([]xcHeader, error){c.configureExposedHeaders}
	if preflight {
		steps = []func() ([]xcHeader, error){
			c.configureMethods,
			func() ([]xcHeader, error) { return c.configureAllowedHeaders(req) },
			c.configureMaxAge,
			c.configureExposedHeaders,
		}
	}
	for _, step := range steps {
		hs, err := step()
		if err != nil {
			return nil, err
		}
		headers = append(headers, hs...)
	}
	return headers, nil
}

// xcHeader is one {key, value} of lib/index.js: value is a JavaScript
// value, skipped by applyHeaders when falsy.
type xcHeader struct {
	key   string
	value any
}

// configureOrigin: a falsy origin or '*' sends ACAO * (no Vary); any other
// string is sent as is, whatever the request's Origin, with Vary: Origin;
// anything else (true, an array, a RegExp, a number, an object) reflects
// the request's Origin when isOriginAllowed, and always adds Vary: Origin.
// m pays for RegExps.
func (c *cors) configureOrigin(reqOrigin any, m *pattern.Meter) []xcHeader {
	o := c.get("origin")
	if s, ok := o.(string); !jsTruthy(o) || ok && s == "*" {
		return []xcHeader{{xcACAO, "*"}}
	}
	if _, ok := o.(string); ok {
		return []xcHeader{{xcACAO, o}, {xcVary, "Origin"}}
	}
	var value any = false
	if isOriginAllowed(reqOrigin, o, m) {
		value = reqOrigin
	}
	return []xcHeader{{xcACAO, value}, {xcVary, "Origin"}}
}

// isOriginAllowed: arrays recursively (any element), strings with ===
// (case-sensitive, no normalisation), RegExps with .test (an unanchored
// search; a missing Origin is tested as "undefined"; none matches an Origin
// longer than MaxOriginBytes), anything else by its truthiness.
func isOriginAllowed(origin, allowed any, m *pattern.Meter) bool {
	switch a := allowed.(type) {
	case []any:
		return slices.ContainsFunc(a, func(e any) bool { return isOriginAllowed(origin, e, m) })
	case string:
		s, ok := origin.(string)
		return ok && s == a
	case *jsRegExp:
		s, _ := jsToString(origin)
		return len(s) <= maxOriginBytes && a.re.Match(s, m)
	}
	return jsTruthy(allowed)
}

// configureCredentials: only credentials === true sends ACAC: true.
func (c *cors) configureCredentials() []xcHeader {
	if v, ok := c.get("credentials").(bool); ok && v {
		return []xcHeader{{xcACAC, "true"}}
	}
	return nil
}

// configureMethods: `if (methods.join) methods = methods.join(',')`, sent
// verbatim and never compared with Access-Control-Request-Method; null
// throws (reading 'join' of null).
func (c *cors) configureMethods() ([]xcHeader, error) {
	v, err := jsJoinIfJoinable(c.get("methods"))
	if err != nil {
		return nil, err
	}
	return []xcHeader{{xcACAM, v}}, nil
}

// configureAllowedHeaders: `options.allowedHeaders || options.headers`;
// when both are falsy (absent, "", 0, false, null) it reflects the
// request's Access-Control-Request-Headers and adds Vary:
// Access-Control-Request-Headers; the value is sent only when it has a
// truthy length (so a number or true sends nothing).
func (c *cors) configureAllowedHeaders(req message.Request) ([]xcHeader, error) {
	var out []xcHeader
	allowed := c.get("allowedHeaders")
	if !jsTruthy(allowed) {
		allowed = c.get("headers")
	}
	if !jsTruthy(allowed) {
		allowed = jsUndefined{}
		if acrh, ok := nodeHeader(req, "Access-Control-Request-Headers"); ok {
			allowed = acrh
		}
		out = append(out, xcHeader{xcVary, "Access-Control-Request-Headers"})
	} else {
		var err error
		if allowed, err = jsJoinIfJoinable(allowed); err != nil {
			return nil, err
		}
	}
	if jsTruthy(allowed) && jsTruthy(jsLength(allowed)) {
		out = append(out, xcHeader{xcACAH, allowed})
	}
	return out, nil
}

// configureExposedHeaders: falsy sends nothing; arrays are joined with ","
// (on preflights and actual responses alike).
func (c *cors) configureExposedHeaders() ([]xcHeader, error) {
	h := c.get("exposedHeaders")
	if !jsTruthy(h) {
		return nil, nil
	}
	h, err := jsJoinIfJoinable(h)
	if err != nil {
		return nil, err
	}
	if jsTruthy(h) && jsTruthy(jsLength(h)) {
		return []xcHeader{{xcACEH, h}}, nil
	}
	return nil, nil
}

// configureMaxAge: `(typeof maxAge === 'number' || maxAge) &&
// maxAge.toString()`, so 0 is sent as "0", true as "true", and an absent or
// null maxAge sends nothing.
func (c *cors) configureMaxAge() ([]xcHeader, error) {
	m := c.get("maxAge")
	_, isNumber := m.(float64)
	if !isNumber && !jsTruthy(m) {
		return nil, nil
	}
	s, err := jsToString(m)
	if err != nil {
		return nil, err
	}
	if s == "" {
		return nil, nil
	}
	return []xcHeader{{xcACMA, s}}, nil
}

// applyHeaders: skips falsy values, appends Vary through vary(), and
// res.setHeader()s the rest in order; Node's setHeader throws on a value
// it cannot send, leaving the headers set before it.
func applyHeaders(headers []xcHeader, res *nodeResponse) error {
	for _, h := range headers {
		if !jsTruthy(h.value) {
			continue
		}
		if h.key == xcVary {
			if err := res.vary(h.value.(string)); err != nil {
				return err
			}
			continue
		}
		if err := res.setHeader(h.key, h.value); err != nil {
			return err
		}
	}
	return nil
}

// expressApp is what next() reaches: the route answers 200 with no header
// to every method but OPTIONS, which Express 5's router answers itself
// (sendOptionsResponse: 200 with Allow, body written with res.end(string)).
func expressApp(req message.Request, res *nodeResponse) message.Response {
	res.status = 200
	if req.Method == "OPTIONS" {
		res.utf8 = true
	}
	return res.response()
}

// finalhandlerError is Express's answer to an error thrown in the
// middleware: 500 (the error has no status, and res.statusCode is never a
// 4xx or 5xx then), keeping the headers already set; its HTML body is
// written with res.end(body, 'utf8') except for HEAD.
func finalhandlerError(req message.Request, res *nodeResponse) message.Response {
	res.status = 500
	res.utf8 = req.Method != "HEAD"
	res.del("Content-Length")
	return res.response()
}

// nodeMethods are Node 20's http.METHODS: llhttp parses no other method
// (case-sensitive) and answers 400 Bad Request to anything else.
var nodeMethods = []string{"ACL", "BIND", "CHECKOUT", "CONNECT", "COPY", "DELETE", "GET", "HEAD", "LINK",
	"LOCK", "M-SEARCH", "MERGE", "MKACTIVITY", "MKCALENDAR", "MKCOL", "MOVE", "NOTIFY", "OPTIONS", "PATCH",
	"POST", "PROPFIND", "PROPPATCH", "PURGE", "PUT", "QUERY", "REBIND", "REPORT", "SEARCH", "SOURCE",
	"SUBSCRIBE", "TRACE", "UNBIND", "UNLINK", "UNLOCK", "UNSUBSCRIBE"}

// nodeRefuses is what Node's HTTP server does before Express sees a
// request: 400 with no CORS header for a method llhttp does not know (a
// lowercase "patch", a custom "FOO") or a header value with a control
// character other than HTAB, CONNECT's too; no answer at all to a
// well-formed CONNECT (no 'connect' listener: the socket is destroyed),
// shown as status 0.
func nodeRefuses(req message.Request) (message.Response, bool) {
	if !slices.Contains(nodeMethods, req.Method) {
		return message.Response{Status: 400}, true
	}
	for _, h := range req.Headers {
		if strings.IndexFunc(h.Value, func(r rune) bool { return r < 0x20 && r != '\t' || r == 0x7f }) >= 0 {
			return message.Response{Status: 400}, true
		}
	}
	return message.Response{}, req.Method == "CONNECT"
}

// nodeHeader is req.headers[name] in Node: each value trimmed of SP and
// HTAB, duplicates joined with ", ".
func nodeHeader(req message.Request, name string) (string, bool) {
	var vals []string
	for _, h := range req.Headers {
		if strings.EqualFold(h.Name, name) {
			vals = append(vals, trimOWS(h.Value))
		}
	}
	return strings.Join(vals, ", "), vals != nil
}

// trimOWS trims the optional whitespace around a header value.
func trimOWS(s string) string { return strings.Trim(s, " \t") }

// nodeStatus is what writeHead makes of res.statusCode: `statusCode |= 0`
// (ToInt32 of ToNumber), refused (thrown) below 100 or above 999.
func nodeStatus(v any) (int, bool) {
	n, err := jsToNumber(v)
	if err != nil {
		return 0, false
	}
	s := int(jsToInt32(n))
	return s, s >= 100 && s <= 999
}

// nodeResponse is the headers a Node ServerResponse holds, in setHeader
// order (a header set again keeps its place).
type nodeResponse struct {
	status  int
	headers message.Headers
	// utf8: the head is written with the string body in UTF-8 instead of
	// Latin-1 (OutgoingMessage._send prepends it to a string chunk).
	utf8 bool
}

// setHeader mirrors OutgoingMessage.setHeader: the value must be
// convertible to a string of TAB, 0x20-0x7E and 0x80-0xFF (ERR_INVALID_CHAR
// otherwise); it is written as String(value).
func (r *nodeResponse) setHeader(name string, v any) error {
	s, err := jsToString(v)
	if err != nil {
		return err
	}
	if strings.IndexFunc(s, func(c rune) bool { return c != '\t' && (c < 0x20 || c == 0x7f || c > 0xff) }) >= 0 {
		return fmt.Errorf("ERR_INVALID_CHAR: invalid character in header content [%q]", name)
	}
	for i := range r.headers {
		if strings.EqualFold(r.headers[i].Name, name) {
			r.headers[i].Value = s
			return nil
		}
	}
	r.headers = append(r.headers, message.Header{Name: name, Value: s})
	return nil
}

func (r *nodeResponse) del(name string) {
	r.headers = slices.DeleteFunc(r.headers, func(h message.Header) bool { return strings.EqualFold(h.Name, name) })
}

// varyFieldName is vary's FIELD_NAME_REGEXP.
var varyFieldName = lazyre.New("^[!#$%&'*+\\-.^_`|~0-9A-Za-z]+$")

// vary mirrors vary(res, field) of the vary package: it appends field to
// the Vary header already set (case-insensitively once), and "*" absorbs
// everything.
func (r *nodeResponse) vary(field string) error {
	header := ""
	for _, h := range r.headers {
		if strings.EqualFold(h.Name, xcVary) {
			header = h.Value
		}
	}
	fields := varyParse(field)
	for _, f := range fields {
		if !varyFieldName.MatchString(f) {
			return errors.New("field argument contains an invalid header name")
		}
	}
	if header == "*" {
		return nil
	}
	vals := varyParse(strings.ToLower(header))
	val := header
	if slices.Contains(fields, "*") || slices.Contains(vals, "*") {
		val = "*"
	} else {
		for _, f := range fields {
			if lf := strings.ToLower(f); !slices.Contains(vals, lf) {
				vals = append(vals, lf)
				if val != "" {
					val += ", " + f
				} else {
					val = f
				}
			}
		}
	}
	if val == "" {
		return nil
	}
	return r.setHeader(xcVary, val)
}

// varyParse is vary's parse: split on commas, trimming spaces.
func varyParse(header string) []string {
	var list []string
	for f := range strings.SplitSeq(header, ",") {
		if f = strings.Trim(f, " "); f != "" {
			list = append(list, f)
		}
	}
	return list
}

// response is what a client reads: each value trimmed of the whitespace
// around it, and a head written in UTF-8 read back byte by byte (as Latin-1,
// the way a browser reads header bytes).
func (r *nodeResponse) response() message.Response {
	resp := message.Response{Status: r.status}
	for _, h := range r.headers {
		v := h.Value
		if r.utf8 {
			v = latin1OfUTF8(v)
		}
		resp.Headers = append(resp.Headers, message.Header{Name: h.Name, Value: trimOWS(v)})
	}
	return resp
}

// latin1OfUTF8 is s encoded in UTF-8 then decoded as Latin-1: "é" becomes
// "Ã©".
func latin1OfUTF8(s string) string {
	var b strings.Builder
	for _, c := range s {
		if c < utf8.RuneSelf {
			b.WriteRune(c)
			continue
		}
		for _, x := range []byte(string(c)) {
			b.WriteRune(rune(x))
		}
	}
	return b.String()
}

// ---- JavaScript values ----
//
// A decoded JSON value is nil (null), bool, float64, string, []any or
// map[string]any; jsUndefined is a missing property, *jsRegExp a RegExp.

type jsUndefined struct{}

// decodeJSValue is JSON.parse: numbers are doubles (out-of-range ones
// become ±Infinity or 0, as in JavaScript).
func decodeJSValue(raw json.RawMessage) (any, error) {
	dec := json.NewDecoder(strings.NewReader(string(raw)))
	dec.UseNumber()
	var v any
	if err := dec.Decode(&v); err != nil {
		return nil, fmt.Errorf("%s is not JSON: %v", raw, err)
	}
	return jsNumbers(v), nil
}

func jsNumbers(v any) any {
	switch x := v.(type) {
	case json.Number:
		f, _ := strconv.ParseFloat(string(x), 64) // ±Inf or 0 on ErrRange
		return f
	case []any:
		for i := range x {
			x[i] = jsNumbers(x[i])
		}
	case map[string]any:
		for k := range x {
			x[k] = jsNumbers(x[k])
		}
	}
	return v
}

// jsTruthy is ToBoolean.
func jsTruthy(v any) bool {
	switch x := v.(type) {
	case nil, jsUndefined:
		return false
	case bool:
		return x
	case float64:
		return x != 0 && !math.IsNaN(x)
	case string:
		return x != ""
	}
	return true
}

// errJSType stands for a TypeError thrown by JavaScript code.
var errJSType = errors.New("TypeError")

// jsToString is String(v) (and "" + v): arrays join their elements with
// ","; an object is "[object Object]", unless it has an own "toString"
// property, which JSON cannot make callable: a TypeError.
func jsToString(v any) (string, error) {
	switch x := v.(type) {
	case jsUndefined:
		return "undefined", nil
	case nil:
		return "null", nil
	case bool:
		return strconv.FormatBool(x), nil
	case float64:
		return jsNumberToString(x), nil
	case string:
		return x, nil
	case []any:
		return jsJoin(x)
	case map[string]any:
		if _, ok := x["toString"]; ok {
			return "", errJSType
		}
		return "[object Object]", nil
	}
	return "", errJSType // a RegExp: never stringified by lib/index.js
}

// jsJoin is Array.prototype.join(","): null and undefined elements are "".
func jsJoin(a []any) (string, error) {
	parts := make([]string, len(a))
	for i, e := range a {
		if e == nil {
			continue
		}
		s, err := jsToString(e)
		if err != nil {
			return "", err
		}
		parts[i] = s
	}
	return strings.Join(parts, ","), nil
}

// jsJoinIfJoinable is `if (v.join) v = v.join(',')`: arrays are joined; an
// object with a truthy own "join" throws (not a function); null and
// undefined throw (no properties); anything else is kept.
func jsJoinIfJoinable(v any) (any, error) {
	switch x := v.(type) {
	case nil, jsUndefined:
		return nil, errJSType
	case []any:
		return jsJoin(x)
	case map[string]any:
		if jsTruthy(x["join"]) {
			return nil, errJSType
		}
	}
	return v, nil
}

// jsLength is v.length: a string's length in UTF-16 code units, an
// object's own "length", undefined for numbers and booleans.
func jsLength(v any) any {
	switch x := v.(type) {
	case string:
		return float64(len(utf16.Encode([]rune(x))))
	case []any:
		return float64(len(x))
	case map[string]any:
		if l, ok := x["length"]; ok {
			return l
		}
	}
	return jsUndefined{}
}

// jsNumberToString is Number::toString(x) with radix 10 (ECMA-262 §6.1.6.1.20).
func jsNumberToString(x float64) string {
	switch {
	case math.IsNaN(x):
		return "NaN"
	case x == 0:
		return "0"
	case math.IsInf(x, 1):
		return "Infinity"
	case math.IsInf(x, -1):
		return "-Infinity"
	case x < 0:
		return "-" + jsNumberToString(-x)
	}
	// The shortest digits s (k of them) and n with x = s × 10^(n−k).
	e := strconv.FormatFloat(x, 'e', -1, 64)
	mant, exp, _ := strings.Cut(e, "e")
	digits := strings.Replace(mant, ".", "", 1)
	p, _ := strconv.Atoi(exp)
	k, n := len(digits), p+1
	switch {
	case k <= n && n <= 21:
		return digits + strings.Repeat("0", n-k)
	case 0 < n && n <= 21:
		return digits[:n] + "." + digits[n:]
	case -6 < n && n <= 0:
		return "0." + strings.Repeat("0", -n) + digits
	}
	m := digits[:1]
	if k > 1 {
		m += "." + digits[1:]
	}
	if n-1 < 0 {
		return m + "e-" + strconv.Itoa(1-n)
	}
	return m + "e+" + strconv.Itoa(n-1)
}

// jsToNumber is ToNumber: objects go through ToPrimitive (arrays join).
func jsToNumber(v any) (float64, error) {
	switch x := v.(type) {
	case jsUndefined:
		return math.NaN(), nil
	case nil:
		return 0, nil
	case bool:
		if x {
			return 1, nil
		}
		return 0, nil
	case float64:
		return x, nil
	case string:
		return jsStringToNumber(x), nil
	}
	s, err := jsToString(v)
	if err != nil {
		return 0, err
	}
	return jsStringToNumber(s), nil
}

// jsWhitespace is WhiteSpace and LineTerminator: what StringToNumber trims.
const jsWhitespace = "\t\n\v\f\r \u00a0\u1680\u2000\u2001\u2002\u2003\u2004\u2005\u2006\u2007\u2008\u2009\u200a\u2028\u2029\u202f\u205f\u3000\ufeff"

var jsDecimalLiteral = lazyre.New(`^[+-]?(Infinity|([0-9]+\.?[0-9]*|\.[0-9]+)([eE][+-]?[0-9]+)?)$`)

// jsStringToNumber is StringToNumber: "" is 0, 0x/0o/0b prefixes, Infinity,
// decimal literals; anything else NaN.
func jsStringToNumber(s string) float64 {
	s = strings.Trim(s, jsWhitespace)
	if s == "" {
		return 0
	}
	if len(s) > 2 && s[0] == '0' {
		base := map[byte]int{'x': 16, 'X': 16, 'o': 8, 'O': 8, 'b': 2, 'B': 2}[s[1]]
		if base != 0 {
			f := 0.0
			for _, c := range s[2:] {
				d := strings.IndexRune("0123456789abcdef", c|0x20)
				if c < '0' || d < 0 || d >= base {
					return math.NaN()
				}
				f = f*float64(base) + float64(d)
			}
			return f
		}
	}
	if !jsDecimalLiteral.MatchString(s) {
		return math.NaN()
	}
	if t := strings.TrimLeft(s, "+-"); t == "Infinity" {
		if s[0] == '-' {
			return math.Inf(-1)
		}
		return math.Inf(1)
	}
	f, _ := strconv.ParseFloat(s, 64)
	return f
}

// jsToInt32 is ToInt32.
func jsToInt32(f float64) int32 {
	if math.IsNaN(f) || math.IsInf(f, 0) {
		return 0
	}
	m := math.Mod(math.Trunc(f), 1<<32)
	if m < 0 {
		m += 1 << 32
	}
	return int32(uint32(m))
}

// ---- RegExp origins ----
//
// A RegExp is new RegExp(source, flags) in V8 (Node 20), without the u or v
// flag: the pattern's Annex B syntax is parsed here, with V8's error
// messages, and translated to an equivalent Go regexp. Equivalent on what
// Node can receive: header values are read as Latin-1, so every input
// character is U+0000 to U+00FF, and each character set of the pattern
// (literal, escape, class, dot) is computed exactly on that range, case
// folding (the i flag) included. RegExp.test only asks whether a match
// exists, which backtracking and RE2 agree on for patterns without
// backreferences or lookarounds; those two are refused as unsupported.

// jsRegExp is a RegExp and its Go translation, whose unanchored search
// is RegExp.prototype.test.
type jsRegExp struct {
	source, flags string
	re            *pattern.Regexp
}

// expressOriginRegExps turns the {"regexp": "...", "flags": "..."} forms in
// an origin value (top level, or in arrays at any depth, which
// isOriginAllowed walks) into RegExps, compiled in set; field is v's path.
// Any other object stays an object: truthy, so it allows every origin.
func expressOriginRegExps(v any, field string, set *pattern.Set) (any, error) {
	switch x := v.(type) {
	case []any:
		for i := range x {
			var err error
			if x[i], err = expressOriginRegExps(x[i], fmt.Sprintf("%s[%d]", field, i), set); err != nil {
				return nil, err
			}
		}
	case map[string]any:
		src, ok := x["regexp"].(string)
		flags, hasFlags := x["flags"].(string)
		if ok && len(x) == 1 || ok && hasFlags && len(x) == 2 {
			return newJSRegExp(src, flags, field, set)
		}
	}
	return v, nil
}

// newJSRegExp compiles new RegExp(source, flags): a *ConfigError with V8's
// SyntaxError message when V8 refuses it, a *FieldError when corsplay
// cannot emulate it or it is over pattern's limits (in set); field is
// where it is written.
func newJSRegExp(source, flags, field string, set *pattern.Set) (*jsRegExp, error) {
	seen := map[rune]bool{}
	for _, f := range flags {
		if !strings.ContainsRune("dgimsuyv", f) || seen[f] || f == 'u' && seen['v'] || f == 'v' && seen['u'] {
			return nil, &server.ConfigError{Library: "express-cors", Message: fmt.Sprintf("Invalid flags supplied to RegExp constructor '%s'", flags)}
		}
		seen[f] = true
	}
	if seen['u'] || seen['v'] {
		return nil, &server.OptionError{Path: field, Problem: "corsplay does not emulate the u and v flags (Unicode mode): drop them, an origin is ASCII"}
	}
	if len(source) > maxPatternBytes {
		return nil, &server.OptionError{Path: field, Problem: fmt.Sprintf("the pattern has %d bytes, at most %d", len(source), maxPatternBytes)}
	}
	goSrc, msg, unsupported := pattern.TranslateJavaScript(source, seen['i'], seen['s'], seen['m'])
	if msg != "" {
		return nil, &server.ConfigError{Library: "express-cors", Message: "Invalid regular expression: /" + source + "/" + flags + ": " + msg}
	}
	if seen['g'] || seen['y'] {
		return nil, &server.OptionError{Path: field, Problem: "with the g or y flag, RegExp.test resumes from lastIndex, which one request leaves for the next: the answer depends on earlier requests, which corsplay does not emulate; drop the flag"}
	}
	if unsupported != "" {
		return nil, &server.OptionError{Path: field, Problem: "corsplay does not emulate " + unsupported + " in a RegExp origin"}
	}
	re, err := set.Compile(goSrc)
	var tc *pattern.TooComplexError
	var stc *pattern.SetTooComplexError
	switch {
	case errors.As(err, &tc) || errors.As(err, &stc):
		return nil, &server.OptionError{Path: field, Problem: err.Error()}
	case err != nil:
		return nil, &server.OptionError{Path: field, Problem: fmt.Sprintf("corsplay cannot emulate this pattern (%v)", err)}
	}
	return &jsRegExp{source: source, flags: flags, re: re}, nil
}
