package engine

import (
	"encoding/json"
	"errors"
	"fmt"
	"math"
	"net/url"
	"regexp/syntax"
	"slices"
	"sort"
	"strconv"
	"strings"
	"unicode/utf8"

	"corsplay/engine/pattern"
	"corsplay/engine/server/flaskcors/flaskfix"
)

// This file emulates Flask-CORS 3.0.10 ("flask-cors") as Debian 12 ships it
// (python3-flask-cors 3.0.10-2+deb12u1, which backports the CVE-2024-6839,
// -6844 and -6866 fixes: resources sorted literals first, paths matched
// case-sensitively after unquote, origins compared with casefold), on Flask
// 2.2 and werkzeug 2.2: the extension `CORS(app, **options)` on an app whose
// only route accepts GET, POST, PUT, PATCH and DELETE (Flask adds HEAD and
// answers OPTIONS itself with 200). Options are CORS()'s keyword arguments
// with JSON values. Source references are to flask_cors/core.py and
// flask_cors/extension.py of that package.
//
// The emulation returns only the CORS headers (Access-Control-* and Vary);
// it leaves out Flask's Allow header, whose order varies between runs. The
// status is Flask's, whose own static route answers 404 under /static/.
//
// Python values from JSON: boolean options follow Python truthiness ("false"
// is true); origins, allow_headers and resources strings are Python regular
// expressions when they look like one (probably_regex), translated to Go's
// RE2 where the syntax allows. A pattern that Python's re rejects never
// matches (the library swallows re.error); a pattern using what RE2 lacks
// (lookarounds, backreferences, conditionals, possessive quantifiers, atomic
// groups, verbose or ASCII mode, \N{...}, counts above 1000) is refused with
// a *FieldError rather than guessed.
//
// Request headers are read as werkzeug's development server hands them to
// WSGI: Latin-1 strings, repeated headers joined with ",", leading blanks
// stripped and trailing ones kept. Not emulated, and
// refused with a *FieldError: null origins or allow_headers, lists holding
// anything but strings, values the library would send that are not ASCII
// or hold CR, LF or NUL (werkzeug sends Latin-1 bytes, or fails). Known
// approximations: \b and \B use ASCII word characters (Python's are
// Unicode), Unicode tables are Go's (15.0) rather than Python 3.11's (14.0),
// and warnings about several unknown app-level options come sorted, as the
// options reach the engine as a map.

func init() { emulators[flaskCORSName] = newFlaskCORS }

const flaskCORSName = "flask-cors"

// flaskCORSOptionNames are the keys of core.DEFAULT_OPTIONS: any other key is
// an unknown option (serialize_options logs it and goes on).
var flaskCORSOptionNames = flaskfix.Names

// flaskCORS is CORS(app, **options) after init_app: the resources with their
// computed options, in the order cors_after_request tries them.
type flaskCORS struct {
	resources []flaskResource
	logged    []string
	insts     int // of its regexes
}

func (f *flaskCORS) patternInsts() int { return f.insts }

// flaskResource is one (pattern, options) pair of init_app.
type flaskResource struct {
	path pyPattern // matched case-sensitively against unquote(request.path)
	opts *flaskOptions
}

// flaskOptions are one resource's options after serialize_options.
type flaskOptions struct {
	origins       []pyPattern // sanitize_regex_param: "*" became ".*"
	wildcard      bool        // r'.*' in origins
	allowHeaders  []pyPattern
	exposeHeaders string // flexible_str; "" when None or empty (dropped)
	methods       string // flexible_str, upper-cased
	maxAge        string // str(max_age); "" when falsy (dropped)
	credentials   bool
	sendWildcard  bool
	varyHeader    bool
	alwaysSend    bool
}

func (f *flaskCORS) warnings() []string { return f.logged }

// newFlaskCORS mirrors CORS.__init__ and init_app (extension.py): options
// serialized once for the app, then once more per resource.
func newFlaskCORS(options map[string]json.RawMessage) (emulation, error) {
	if _, ok := options["app"]; ok { // CORS(app, app=...) is a Python TypeError
		return nil, &ConfigError{Library: flaskCORSName, Message: "CORS.__init__() got multiple values for argument 'app'"}
	}
	f := &flaskCORS{}
	var set pattern.Set
	_, topUnknown, err := flaskSerialize(options, "server.library.options.", &set)
	if err != nil {
		return nil, err
	}
	f.logWarnings(topUnknown)
	resources, err := flaskParseResources(options, &set)
	if err != nil {
		return nil, err
	}
	for _, r := range resources {
		merged := flaskMerge(options, r.options)
		opts, _, err := flaskSerialize(merged, r.field, &set)
		if err != nil {
			return nil, err
		}
		f.logWarnings(topUnknown)
		f.logWarnings(r.ownUnknown(options))
		f.resources = append(f.resources, flaskResource{path: r.path, opts: opts})
	}
	f.insts = set.Insts()
	return f, nil
}

// logWarnings records what serialize_options logs for unknown keys:
// LOG.warning("Unknown option passed to Flask-CORS: %s", key).
func (f *flaskCORS) logWarnings(unknown []string) {
	for _, k := range unknown {
		f.logged = append(f.logged, "Unknown option passed to Flask-CORS: "+k)
	}
}

// flaskSerialize mirrors core.serialize_options over DEFAULT_OPTIONS updated
// with opts, compiling the regexes in set. It returns the unknown keys
// (sorted: JSON object order is not kept) and the ValueError /
// AttributeError the library raises, as a *ConfigError.
func flaskSerialize(opts map[string]json.RawMessage, field string, set *pattern.Set) (*flaskOptions, []string, error) {
	d := newOptionDecoder(opts)
	for _, n := range flaskCORSOptionNames {
		d.has(n)
	}
	o := &flaskOptions{
		credentials:  flaskfix.Truthy(opts, "supports_credentials", false),
		sendWildcard: flaskfix.Truthy(opts, "send_wildcard", false),
		varyHeader:   flaskfix.Truthy(opts, "vary_header", true),
		alwaysSend:   flaskfix.Truthy(opts, "always_send", true),
	}
	var err error
	if o.origins, err = flaskPatterns(opts, "origins", field, true, set); err != nil {
		return nil, nil, err
	}
	o.wildcard = slices.ContainsFunc(o.origins, func(p pyPattern) bool { return p.raw == ".*" })
	if o.allowHeaders, err = flaskPatterns(opts, "allow_headers", field, true, set); err != nil {
		return nil, nil, err
	}
	if err := flaskCheckWildcardCredentials(o); err != nil {
		return nil, nil, err
	}
	if o.exposeHeaders, _, err = flaskFlexibleStr(opts, "expose_headers", field); err != nil {
		return nil, nil, err
	}
	if o.methods, err = flaskMethods(opts, field); err != nil {
		return nil, nil, err
	}
	if o.maxAge, err = flaskMaxAge(opts, field); err != nil {
		return nil, nil, err
	}
	if err := flaskCheckAlwaysSendOrigin(o, field); err != nil {
		return nil, nil, err
	}
	return o, d.unknown(), nil
}

// flaskCheckWildcardCredentials is serialize_options' only validation: "*"
// with supports_credentials and send_wildcard raises ValueError (the missing
// space in "withan" is the library's).
func flaskCheckWildcardCredentials(o *flaskOptions) error {
	if o.wildcard && o.credentials && o.sendWildcard {
		return &ConfigError{Library: flaskCORSName, Message: "Cannot use supports_credentials in conjunction withan origin string of '*'. See: http://www.w3.org/TR/cors/#resource-requests"}
	}
	return nil
}

// flaskCheckAlwaysSendOrigin refuses what the emulation cannot send: with
// always_send and no "*", get_cors_origins answers a request without Origin
// with the first sorted literal origin, which must be a header value.
func flaskCheckAlwaysSendOrigin(o *flaskOptions, field string) error {
	if !o.alwaysSend || o.wildcard {
		return nil
	}
	if lits := o.literalOrigins(); len(lits) > 0 && !flaskSendable(lits[0]) {
		return &FieldError{field + "origins", fmt.Sprintf("%q: with always_send the library sends it as Access-Control-Allow-Origin, and corsplay only emulates ASCII header values without CR, LF or NUL", lits[0])}
	}
	return nil
}

// flaskStrings reads a string or a list of strings; ok is false for null.
func flaskStrings(raw json.RawMessage, field, what string) (list []string, isList, ok bool, err error) {
	if string(raw) == "null" {
		return nil, false, false, nil
	}
	var one string
	if json.Unmarshal(raw, &one) == nil {
		return []string{one}, false, true, nil
	}
	if json.Unmarshal(raw, &list) == nil {
		return list, true, true, nil
	}
	return nil, false, false, &FieldError{field, fmt.Sprintf("%s is not emulated: corsplay reads %s", raw, what)}
}

// flaskPatterns mirrors sanitize_regex_param (ensure_iterable, then re_fix
// turning "*" into ".*") for origins and allow_headers, compiling the ones
// probably_regex calls regular expressions (in set).
func flaskPatterns(opts map[string]json.RawMessage, name, field string, ignoreCase bool, set *pattern.Set) ([]pyPattern, error) {
	raw, ok := opts[name]
	if !ok {
		raw = json.RawMessage(`"*"`) // DEFAULT_OPTIONS
	}
	list, _, ok, err := flaskStrings(raw, field+name, "a string or a list of strings")
	if err != nil {
		return nil, err
	}
	if !ok {
		return nil, &FieldError{field + name, "null is not emulated (the library would fail on every request): use a string or a list of strings"}
	}
	var out []pyPattern
	for i, s := range list {
		p, err := compilePyPattern(flaskReFix(s), ignoreCase, set)
		if err != nil {
			return nil, &FieldError{fmt.Sprintf("%s%s[%d]", field, name, i), err.Error()}
		}
		out = append(out, p)
	}
	return out, nil
}

// flaskReFix is core.re_fix: the invalid regex "*" means ".*".
func flaskReFix(s string) string {
	if s == "*" {
		return ".*"
	}
	return s
}

// flaskFlexibleStr mirrors core.flexible_str: a list is sorted (by code
// point, case-sensitively) and joined with ", "; a string is kept. isNull
// reports None.
func flaskFlexibleStr(opts map[string]json.RawMessage, name, field string) (s string, isNull bool, err error) {
	raw, ok := opts[name]
	if !ok {
		return "", name == "expose_headers", nil
	}
	list, isList, ok, err := flaskStrings(raw, field+name, "a string, a list of strings or null")
	if err != nil || !ok {
		return "", true, err
	}
	if isList {
		list = slices.Clone(list)
		sort.Strings(list)
	}
	s = strings.Join(list, ", ")
	if !flaskSendable(s) {
		return "", false, &FieldError{field + name, fmt.Sprintf("%q: corsplay only emulates ASCII header values without CR, LF or NUL", s)}
	}
	return s, false, nil
}

// flaskMethods mirrors serialize_option(options, 'methods', upper=True):
// flexible_str, then upper(); None has no upper() and init fails.
func flaskMethods(opts map[string]json.RawMessage, field string) (string, error) {
	if _, ok := opts["methods"]; !ok {
		return "DELETE, GET, HEAD, OPTIONS, PATCH, POST, PUT", nil // ALL_METHODS, sorted
	}
	s, isNull, err := flaskFlexibleStr(opts, "methods", field)
	if err != nil {
		return "", err
	}
	if isNull {
		return "", &ConfigError{Library: flaskCORSName, Message: "'NoneType' object has no attribute 'upper'"}
	}
	return strings.ToUpper(s), nil // ASCII: flaskFlexibleStr refused the rest
}

// flaskMaxAge is the Access-Control-Max-Age value: get_cors_headers sets
// options['max_age'] as is and werkzeug sends str() of it, unless it is falsy
// (0, "", false, null: the final `if v` filter drops it).
func flaskMaxAge(opts map[string]json.RawMessage, field string) (string, error) {
	raw, ok := opts["max_age"]
	if !ok || !flaskfix.Truthy(opts, "max_age", false) {
		return "", nil
	}
	var s string
	switch v := strings.TrimSpace(string(raw)); {
	case v == "true":
		s = "True"
	case json.Unmarshal(raw, &s) == nil:
	case strings.ContainsAny(v, ".eE"):
		f, _ := strconv.ParseFloat(v, 64)
		s = pyFloatRepr(f)
	case v != "" && (v[0] == '-' || (v[0] >= '0' && v[0] <= '9')):
		s = v // a JSON integer literal is already str(int)
	default:
		return "", &FieldError{field + "max_age", fmt.Sprintf("%s is not emulated: use a number or a string", raw)}
	}
	if !flaskSendable(s) {
		return "", &FieldError{field + "max_age", fmt.Sprintf("%q: corsplay only emulates ASCII header values without CR, LF or NUL", s)}
	}
	return s, nil
}

// pyFloatRepr is Python's repr() of a float: the shortest round-tripping
// digits, in positional notation when the decimal exponent is in [-4, 16).
func pyFloatRepr(f float64) string {
	switch {
	case math.IsInf(f, 1):
		return "inf"
	case math.IsInf(f, -1):
		return "-inf"
	}
	e := strconv.FormatFloat(f, 'e', -1, 64) // -d.ddde±XX
	sign := ""
	if e[0] == '-' {
		sign, e = "-", e[1:]
	}
	mant, expStr, _ := strings.Cut(e, "e")
	digits := strings.Replace(mant, ".", "", 1)
	exp, _ := strconv.Atoi(expStr)
	decpt := exp + 1
	if decpt <= -4 || decpt > 16 {
		es := fmt.Sprintf("%+03d", exp)
		return sign + mant + "e" + es
	}
	switch {
	case decpt <= 0:
		return sign + "0." + strings.Repeat("0", -decpt) + digits
	case decpt >= len(digits):
		return sign + digits + strings.Repeat("0", decpt-len(digits)) + ".0"
	}
	return sign + digits[:decpt] + "." + digits[decpt:]
}

// flaskSendable reports whether the emulation can send s as a header value:
// werkzeug refuses CR and LF; non-ASCII would go out as Latin-1 bytes.
func flaskSendable(s string) bool {
	for i := 0; i < len(s); i++ {
		if c := s[i]; c >= 0x80 || c == '\r' || c == '\n' || c == 0 {
			return false
		}
	}
	return true
}

// literalOrigins are the origins that are not probably_regex, sorted: what
// get_cors_origins answers with always_send to a request without Origin.
func (o *flaskOptions) literalOrigins() []string {
	var out []string
	for _, p := range o.origins {
		if !p.regex {
			out = append(out, p.raw)
		}
	}
	sort.Strings(out)
	return out
}

// flaskResourceSpec is one parsed entry of the resources option.
type flaskResourceSpec struct {
	path    pyPattern
	field   string
	options map[string]json.RawMessage
	keys    []string // options' keys in JSON order
}

// ownUnknown lists the unknown keys the resource adds to the app's options,
// in JSON order (after the app's, which serialize_options logs first).
func (r flaskResourceSpec) ownUnknown(app map[string]json.RawMessage) []string {
	var out []string
	for _, k := range r.keys {
		if _, inApp := app[k]; !inApp && !slices.Contains(flaskCORSOptionNames, k) && !slices.Contains(out, k) {
			out = append(out, k)
		}
	}
	return out
}

// flaskParseResources mirrors core.parse_resources: a string or a list of
// path regexes with the app's options, or an object {regex: options}
// sorted literals first, then by more "/" and longer pattern (the Debian
// CVE-2024-6839 backport; the sort is stable, so ties keep JSON order).
func flaskParseResources(opts map[string]json.RawMessage, set *pattern.Set) ([]flaskResourceSpec, error) {
	raw, ok := opts["resources"]
	if !ok {
		raw = json.RawMessage(`"/*"`)
	}
	const field = "server.library.options.resources"
	raw = json.RawMessage(strings.TrimSpace(string(raw)))
	if len(raw) > 0 && raw[0] == '{' {
		return flaskResourceDict(raw, field, set)
	}
	if len(raw) == 0 || (raw[0] != '"' && raw[0] != '[') {
		return nil, &ConfigError{Library: flaskCORSName, Message: "Unexpected value for resources argument."}
	}
	list, _, _, err := flaskStrings(raw, field, "a string, a list of strings or an object {pattern: options}")
	if err != nil {
		return nil, err
	}
	var out []flaskResourceSpec
	for i, s := range list {
		p, err := compilePyPattern(flaskReFix(s), false, set)
		if err != nil {
			return nil, &FieldError{fmt.Sprintf("%s[%d]", field, i), err.Error()}
		}
		out = append(out, flaskResourceSpec{path: p, field: "server.library.options."})
	}
	return out, nil
}

// flaskResourceDict reads {regex: options} keeping JSON order (a Python
// dict does; a repeated key keeps its first place and its last value), then
// sorts it as parse_resources does.
func flaskResourceDict(raw json.RawMessage, field string, set *pattern.Set) ([]flaskResourceSpec, error) {
	keys, values, err := orderedObject(raw)
	if err != nil {
		return nil, &FieldError{field, err.Error()}
	}
	var out []flaskResourceSpec
	for i, k := range keys {
		sub, subKeys, err := orderedOptions(values[i])
		if err != nil {
			return nil, &FieldError{fmt.Sprintf("%s[%q]", field, k), err.Error()}
		}
		p, err := compilePyPattern(flaskReFix(k), false, set)
		if err != nil {
			return nil, &FieldError{fmt.Sprintf("%s[%q]", field, k), err.Error()}
		}
		out = append(out, flaskResourceSpec{path: p, field: fmt.Sprintf("%s[%q].", field, k), options: sub, keys: subKeys})
	}
	sort.SliceStable(out, func(i, j int) bool { return flaskResourceLess(out[i].path, out[j].path) })
	return out, nil
}

// flaskResourceLess orders by parse_resources' sort_key: (1, 1, ...) for a
// probably-regex pattern, (0, 0, ...) for a literal, then -count("/"), then
// -len(pattern) in code points.
func flaskResourceLess(a, b pyPattern) bool {
	if a.regex != b.regex {
		return !a.regex
	}
	if ca, cb := strings.Count(a.raw, "/"), strings.Count(b.raw, "/"); ca != cb {
		return ca > cb
	}
	return utf8.RuneCountInString(a.raw) > utf8.RuneCountInString(b.raw)
}

// orderedObject decodes a JSON object into its keys in first-seen order and
// their last values, as json.loads builds a dict.
func orderedObject(raw json.RawMessage) ([]string, []json.RawMessage, error) {
	dec := json.NewDecoder(strings.NewReader(string(raw)))
	if _, err := dec.Token(); err != nil {
		return nil, nil, err
	}
	var keys []string
	var values []json.RawMessage
	for dec.More() {
		tok, err := dec.Token()
		if err != nil {
			return nil, nil, err
		}
		k, _ := tok.(string)
		var v json.RawMessage
		if err := dec.Decode(&v); err != nil {
			return nil, nil, err
		}
		if i := slices.Index(keys, k); i >= 0 {
			values[i] = v
			continue
		}
		keys, values = append(keys, k), append(values, v)
	}
	return keys, values, nil
}

// orderedOptions reads one resource's options object.
func orderedOptions(raw json.RawMessage) (map[string]json.RawMessage, []string, error) {
	if t := strings.TrimSpace(string(raw)); !strings.HasPrefix(t, "{") {
		return nil, nil, fmt.Errorf("%s is not emulated: a resource's options must be an object", raw)
	}
	keys, values, err := orderedObject(raw)
	if err != nil {
		return nil, nil, err
	}
	m := make(map[string]json.RawMessage, len(keys))
	for i, k := range keys {
		m[k] = values[i]
	}
	return m, keys, nil
}

// flaskMerge is get_cors_options(app, options, resource_options): the
// resource's options override the app's.
func flaskMerge(app, res map[string]json.RawMessage) map[string]json.RawMessage {
	m := make(map[string]json.RawMessage, len(app)+len(res))
	for k, v := range app {
		m[k] = v
	}
	for k, v := range res {
		m[k] = v
	}
	return m
}

// respond answers like the Flask app (see flaskStatus), then runs
// cors_after_request (extension.py), which also handles error responses.
func (f *flaskCORS) respond(req HTTPRequest) Response {
	requestPath := flaskRequestPath(req.URL)
	resp := Response{Status: flaskStatus(req.Method, requestPath)}
	path := pyUnquote(requestPath) // extension.py: unquote(request.path)
	for _, r := range f.resources {
		if r.path.match(path, false, req.meter) {
			resp.Headers = r.opts.corsHeaders(req)
			break
		}
	}
	return resp
}

// flaskStatus is Flask's routing answer for the app's routes "/" and
// "/<path:p>": 404 when the path has a newline (the path converter's "."
// does not match it) and for GET or HEAD of a file under /static/ (Flask's
// own static route; the app has no files), else 200 for the route's methods
// and Flask's automatic HEAD and OPTIONS, 405 otherwise (werkzeug
// upper-cases the method).
func flaskStatus(method, requestPath string) int {
	m := strings.ToUpper(method)
	if strings.Contains(requestPath, "\n") || (m == "GET" || m == "HEAD") && len(requestPath) > 8 && requestPath[:8] == "/static/" && requestPath[8] != '/' {
		return 404
	}
	switch m {
	case "GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS":
		return 200
	}
	return 405
}

// flaskRequestPath is werkzeug's request.path: the percent-decoded
// PATH_INFO with leading slashes collapsed to one. cors_after_request
// decodes it once more, so "%2541" reaches the resources as "A".
func flaskRequestPath(rawURL string) string {
	p := rawURL
	if u, err := url.Parse(rawURL); err == nil {
		p = u.EscapedPath()
	} else if i := strings.IndexAny(p, "?#"); i >= 0 {
		p = p[:i]
	}
	return "/" + strings.TrimLeft(pyUnquote(p), "/")
}

// pyUnquote percent-decodes s and decodes the bytes as UTF-8 with Python's
// errors="replace" (werkzeug url_unquote, urllib.parse.unquote).
func pyUnquote(s string) string {
	b := make([]byte, 0, len(s))
	for i := 0; i < len(s); i++ {
		if s[i] == '%' && i+2 < len(s) && isHex(s[i+1]) && isHex(s[i+2]) {
			v, _ := strconv.ParseUint(s[i+1:i+3], 16, 8)
			b = append(b, byte(v))
			i += 2
			continue
		}
		b = append(b, s[i])
	}
	return pyDecodeUTF8(b)
}

func isHex(c byte) bool {
	return ('0' <= c && c <= '9') || ('a' <= c && c <= 'f') || ('A' <= c && c <= 'F')
}

// pyDecodeUTF8 decodes b replacing each maximal invalid subpart with one
// U+FFFD, as Python's UTF-8 decoder does with errors="replace".
func pyDecodeUTF8(b []byte) string {
	var sb strings.Builder
	for len(b) > 0 {
		r, n := utf8.DecodeRune(b)
		if r == utf8.RuneError && n <= 1 {
			n = utf8InvalidSubpart(b)
		}
		sb.WriteRune(r)
		b = b[n:]
	}
	return sb.String()
}

// utf8InvalidSubpart is the length of the maximal subpart of an ill-formed
// sequence starting at b[0] (Unicode §3.9, "U+FFFD substitution").
func utf8InvalidSubpart(b []byte) int {
	lo, hi, need := byte(0x80), byte(0xBF), 0
	switch c := b[0]; {
	case c >= 0xC2 && c <= 0xDF:
		need = 1
	case c == 0xE0:
		lo, need = 0xA0, 2
	case c == 0xED:
		hi, need = 0x9F, 2
	case c >= 0xE1 && c <= 0xEF:
		need = 2
	case c == 0xF0:
		lo, need = 0x90, 3
	case c == 0xF4:
		hi, need = 0x8F, 3
	case c >= 0xF1 && c <= 0xF3:
		need = 3
	}
	n := 1
	for ; n <= need && n < len(b); n++ {
		if b[n] < lo || b[n] > hi {
			break
		}
		lo, hi = 0x80, 0xBF
	}
	return n
}

// corsHeaders mirrors core.get_cors_headers, then the MultiDict filter that
// drops falsy values and keeps the first Access-Control-Allow-Origin.
func (o *flaskOptions) corsHeaders(req HTTPRequest) Headers {
	origins, ok := o.originsToSet(wsgiHeader(req.Headers, "Origin"), req.meter)
	if !ok {
		return nil
	}
	var hs Headers
	add := func(name, value string) {
		if value != "" {
			hs = append(hs, Header{Name: name, Value: value})
		}
	}
	add(headerAllowOrigin, latin1Encode(origins[0]))
	add(headerExposeHeaders, o.exposeHeaders)
	if o.credentials {
		add(headerAllowCredentials, "true")
	}
	if strings.ToUpper(req.Method) == "OPTIONS" {
		o.preflightHeaders(req.Headers, add, req.meter)
	}
	if o.vary(origins) {
		add("Vary", "Origin")
	}
	return hs
}

// originsToSet mirrors get_cors_origins: origin is the Python string of the
// Origin header ("" when absent or empty). ok is false for None (no CORS
// headers at all). m pays for the patterns.
func (o *flaskOptions) originsToSet(origin string, m *pattern.Meter) ([]string, bool) {
	switch {
	case origin != "" && o.wildcard && o.sendWildcard:
		return []string{"*"}, true
	case origin != "":
		if pyMatchOrigin(origin, o.origins, m) {
			return []string{origin}, true
		}
		return nil, false
	case !o.alwaysSend:
		return nil, false
	case o.wildcard && o.credentials: // the issue #202 fix: never * with credentials
		return nil, false
	case o.wildcard:
		return []string{"*"}, true
	}
	lits := o.literalOrigins()
	return lits, len(lits) > 0
}

// preflightHeaders is get_cors_headers' OPTIONS branch (any OPTIONS, not
// only preflights): when ACRM.upper() is a non-empty SUBSTRING of the
// methods string, the allowed subset of the requested headers, max_age and
// the whole methods string.
func (o *flaskOptions) preflightHeaders(reqHeaders Headers, add func(name, value string), m *pattern.Meter) {
	acrm := pyUpper(wsgiHeader(reqHeaders, headerRequestMethod))
	if acrm == "" || !strings.Contains(o.methods, acrm) {
		return
	}
	add(headerAllowHeaders, latin1Encode(o.allowedHeaders(wsgiHeader(reqHeaders, headerRequestHeaders), m)))
	add(headerMaxAge, o.maxAge)
	add(headerAllowMethods, o.methods)
}

// allowedHeaders mirrors get_allow_headers: split ACRH on ",", strip each
// element, keep the ones matching allow_headers, sort and join. Unmatched
// names are dropped, not refused; empty elements are kept when "*" allows
// them.
func (o *flaskOptions) allowedHeaders(acrh string, m *pattern.Meter) string {
	if acrh == "" {
		return ""
	}
	var keep []string
	for h := range strings.SplitSeq(acrh, ",") {
		h = strings.TrimFunc(h, pyIsSpace)
		if pyMatchAny(h, o.allowHeaders, m) {
			keep = append(keep, h)
		}
	}
	sort.Strings(keep)
	return strings.Join(keep, ", ")
}

// vary mirrors the vary_header rule: Vary: Origin unless ACAO is "*", and
// only when there are several origins or any looks like a regex ("*" does).
func (o *flaskOptions) vary(origins []string) bool {
	if !o.varyHeader || origins[0] == "*" {
		return false
	}
	return len(o.origins) > 1 || len(origins) > 1 ||
		slices.ContainsFunc(o.origins, func(p pyPattern) bool { return p.regex })
}

// wsgiHeader is request.headers.get(name) under werkzeug's development
// server: names compared upper-cased with "-" and "_" alike, repeated
// headers joined with ",", each value stripped of leading SP and HTAB only
// (http.client keeps trailing ones), the value decoded as Latin-1 (PEP 3333).
func wsgiHeader(hs Headers, name string) string {
	key := wsgiKey(name)
	var vals []string
	for _, h := range hs {
		if wsgiKey(h.Name) == key {
			vals = append(vals, strings.TrimLeft(h.Value, " \t"))
		}
	}
	return latin1Decode(strings.Join(vals, ","))
}

func wsgiKey(name string) string {
	return strings.ReplaceAll(strings.ToUpper(name), "-", "_")
}

// latin1Decode turns each byte of s into the code point of the same value.
func latin1Decode(s string) string {
	var sb strings.Builder
	for i := 0; i < len(s); i++ {
		sb.WriteRune(rune(s[i]))
	}
	return sb.String()
}

// latin1Encode is the inverse of latin1Decode, as werkzeug writes headers.
func latin1Encode(s string) string {
	b := make([]byte, 0, len(s))
	for _, r := range s {
		b = append(b, byte(r))
	}
	return string(b)
}

// pyIsSpace is str.isspace() for the Latin-1 range (what str.strip() drops).
func pyIsSpace(r rune) bool {
	return (r >= '\t' && r <= '\r') || (r >= 0x1C && r <= ' ') || r == 0x85 || r == 0xA0
}

// pyUpper is str.upper() for the Latin-1 range: "ß" becomes "SS".
func pyUpper(s string) string {
	return strings.ToUpper(strings.ReplaceAll(s, "ß", "SS"))
}

// pyPattern is one origins, allow_headers or resources entry, matched as
// core.try_match_pattern does: re.match (anchored at the start only) when
// probably_regex, else string equality (casefold when case-insensitive).
type pyPattern struct {
	raw   string
	regex bool
	re    *pattern.Regexp // nil for a regex re.compile rejects: never matches
	// reNL is re for a value whose only newline ends it: there Python's "$"
	// also matches before that newline, as Go's multi-line "$" does.
	reNL *pattern.Regexp
}

// flaskProbablyRegex is core.probably_regex: any of * \ ] ? $ ^ [ ( ) makes
// a string a regex ("." "+" "|" "{" do not).
func flaskProbablyRegex(s string) bool {
	return strings.ContainsAny(s, `*\]?$^[()`)
}

func compilePyPattern(raw string, ignoreCase bool, set *pattern.Set) (pyPattern, error) {
	p := pyPattern{raw: raw, regex: flaskProbablyRegex(raw)}
	if !p.regex {
		return p, nil
	}
	re, err := compilePyRegex(raw, "$", ignoreCase, set)
	if err != nil || re == nil || !strings.Contains(raw, "$") {
		p.re = re
		return p, err
	}
	p.re = re
	p.reNL, err = compilePyRegex(raw, "(?m:$)", ignoreCase, set)
	return p, err
}

// compilePyRegex is re.compile(pattern, flags) followed by re.match: the
// Go pattern anchored at the start only, compiled in set. It returns nil
// when Python rejects the pattern, and an error for what Go cannot express
// or corsplay does not take (pattern's limits).
func compilePyRegex(expr, dollar string, ignoreCase bool, set *pattern.Set) (*pattern.Regexp, error) {
	goPattern, err := pattern.TranslatePython(expr, dollar)
	if errors.Is(err, pattern.ErrPythonRejects) {
		return nil, nil
	}
	if err != nil {
		return nil, err
	}
	prefix := `\A(?:`
	if ignoreCase {
		prefix = `(?i)\A(?:`
	}
	re, err := set.Compile(prefix + goPattern + ")")
	var se *syntax.Error
	var tc *pattern.TooComplexError
	var stc *pattern.SetTooComplexError
	switch {
	case errors.As(err, &tc) || errors.As(err, &stc):
		return nil, fmt.Errorf("%s: %v", quoteShort(expr), err)
	case errors.As(err, &se) && (se.Code == syntax.ErrLarge || se.Code == syntax.ErrNestingDepth || se.Code == syntax.ErrInvalidRepeatSize):
		return nil, fmt.Errorf("%s: Python accepts this pattern but Go's regexp does not (%s): corsplay cannot emulate it", quoteShort(expr), se.Code)
	}
	return re, nil // nil when Go, like Python, rejects the pattern
}

// match is try_match_pattern(value, pattern, caseSensitive=!ignoreCase);
// m pays for a regex.
func (p pyPattern) match(value string, ignoreCase bool, m *pattern.Meter) bool {
	switch {
	case p.regex && p.reNL != nil && strings.IndexByte(value, '\n') == len(value)-1:
		return p.reNL.Match(value, m)
	case p.regex:
		return p.re != nil && p.re.Match(value, m)
	case ignoreCase:
		return pyCasefoldEqual(value, p.raw)
	}
	return value == p.raw
}

// pyMatchAny is try_match_any_pattern(value, patterns, caseSensitive=False).
func pyMatchAny(value string, patterns []pyPattern, m *pattern.Meter) bool {
	return slices.ContainsFunc(patterns, func(p pyPattern) bool { return p.match(value, true, m) })
}

// pyMatchOrigin is pyMatchAny for an Origin value: no regex matches one
// longer than MaxOriginBytes.
func pyMatchOrigin(origin string, patterns []pyPattern, m *pattern.Meter) bool {
	return slices.ContainsFunc(patterns, func(p pyPattern) bool {
		return (!p.regex || len(origin) <= MaxOriginBytes) && p.match(origin, true, m)
	})
}

// pyCasefoldEqual is a.casefold() == b.casefold(): full case folding (ß is
// ss), then simple folding, which strings.EqualFold does.
func pyCasefoldEqual(a, b string) bool {
	return strings.EqualFold(pyFullFold(a), pyFullFold(b))
}

func pyFullFold(s string) string {
	var sb strings.Builder
	for _, r := range s {
		if f, ok := pyFullCaseFolds[r]; ok {
			sb.WriteString(f)
		} else {
			sb.WriteRune(r)
		}
	}
	return sb.String()
}

// pyFullCaseFolds are the characters whose str.casefold() is several
// characters (CaseFolding.txt status F, Unicode 14 as in Python 3.11).
var pyFullCaseFolds = map[rune]string{
	0xDF: "ss", 0x130: "i\u0307", 0x149: "\u02BCn", 0x1F0: "j\u030C", 0x390: "\u03B9\u0308\u0301",
	0x3B0: "\u03C5\u0308\u0301", 0x587: "\u0565\u0582", 0x1E96: "h\u0331", 0x1E97: "t\u0308", 0x1E98: "w\u030A",
	0x1E99: "y\u030A", 0x1E9A: "a\u02BE", 0x1E9E: "ss", 0x1F50: "\u03C5\u0313", 0x1F52: "\u03C5\u0313\u0300",
	0x1F54: "\u03C5\u0313\u0301", 0x1F56: "\u03C5\u0313\u0342", 0x1F80: "\u1F00\u03B9", 0x1F81: "\u1F01\u03B9", 0x1F82: "\u1F02\u03B9",
	0x1F83: "\u1F03\u03B9", 0x1F84: "\u1F04\u03B9", 0x1F85: "\u1F05\u03B9", 0x1F86: "\u1F06\u03B9", 0x1F87: "\u1F07\u03B9",
	0x1F88: "\u1F00\u03B9", 0x1F89: "\u1F01\u03B9", 0x1F8A: "\u1F02\u03B9", 0x1F8B: "\u1F03\u03B9", 0x1F8C: "\u1F04\u03B9",
	0x1F8D: "\u1F05\u03B9", 0x1F8E: "\u1F06\u03B9", 0x1F8F: "\u1F07\u03B9", 0x1F90: "\u1F20\u03B9", 0x1F91: "\u1F21\u03B9",
	0x1F92: "\u1F22\u03B9", 0x1F93: "\u1F23\u03B9", 0x1F94: "\u1F24\u03B9", 0x1F95: "\u1F25\u03B9", 0x1F96: "\u1F26\u03B9",
	0x1F97: "\u1F27\u03B9", 0x1F98: "\u1F20\u03B9", 0x1F99: "\u1F21\u03B9", 0x1F9A: "\u1F22\u03B9", 0x1F9B: "\u1F23\u03B9",
	0x1F9C: "\u1F24\u03B9", 0x1F9D: "\u1F25\u03B9", 0x1F9E: "\u1F26\u03B9", 0x1F9F: "\u1F27\u03B9", 0x1FA0: "\u1F60\u03B9",
	0x1FA1: "\u1F61\u03B9", 0x1FA2: "\u1F62\u03B9", 0x1FA3: "\u1F63\u03B9", 0x1FA4: "\u1F64\u03B9", 0x1FA5: "\u1F65\u03B9",
	0x1FA6: "\u1F66\u03B9", 0x1FA7: "\u1F67\u03B9", 0x1FA8: "\u1F60\u03B9", 0x1FA9: "\u1F61\u03B9", 0x1FAA: "\u1F62\u03B9",
	0x1FAB: "\u1F63\u03B9", 0x1FAC: "\u1F64\u03B9", 0x1FAD: "\u1F65\u03B9", 0x1FAE: "\u1F66\u03B9", 0x1FAF: "\u1F67\u03B9",
	0x1FB2: "\u1F70\u03B9", 0x1FB3: "\u03B1\u03B9", 0x1FB4: "\u03AC\u03B9", 0x1FB6: "\u03B1\u0342", 0x1FB7: "\u03B1\u0342\u03B9",
	0x1FBC: "\u03B1\u03B9", 0x1FC2: "\u1F74\u03B9", 0x1FC3: "\u03B7\u03B9", 0x1FC4: "\u03AE\u03B9", 0x1FC6: "\u03B7\u0342",
	0x1FC7: "\u03B7\u0342\u03B9", 0x1FCC: "\u03B7\u03B9", 0x1FD2: "\u03B9\u0308\u0300", 0x1FD3: "\u03B9\u0308\u0301", 0x1FD6: "\u03B9\u0342",
	0x1FD7: "\u03B9\u0308\u0342", 0x1FE2: "\u03C5\u0308\u0300", 0x1FE3: "\u03C5\u0308\u0301", 0x1FE4: "\u03C1\u0313", 0x1FE6: "\u03C5\u0342",
	0x1FE7: "\u03C5\u0308\u0342", 0x1FF2: "\u1F7C\u03B9", 0x1FF3: "\u03C9\u03B9", 0x1FF4: "\u03CE\u03B9", 0x1FF6: "\u03C9\u0342",
	0x1FF7: "\u03C9\u0342\u03B9", 0x1FFC: "\u03C9\u03B9", 0xFB00: "ff", 0xFB01: "fi", 0xFB02: "fl",
	0xFB03: "ffi", 0xFB04: "ffl", 0xFB05: "st", 0xFB06: "st", 0xFB13: "\u0574\u0576",
	0xFB14: "\u0574\u0565", 0xFB15: "\u0574\u056B", 0xFB16: "\u057E\u0576", 0xFB17: "\u0574\u056D",
}
