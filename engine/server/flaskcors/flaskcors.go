// Package flaskcors emulates Flask-CORS ("flask-cors"): the extension
// CORS(app, **options) on a Flask 2.2 app (Debian 12's python3-flask and
// werkzeug) whose routes "/" and "/<path:p>" accept GET, POST, PUT, PATCH
// and DELETE; Flask adds HEAD and answers OPTIONS itself with 200. Options
// are CORS()'s keyword arguments with JSON values. Source references are to
// flask_cors/core.py and extension.py.
//
// One code path serves every version: what sets a version apart is data
// (version). Debian 12's 3.0.10 (python3-flask-cors 3.0.10-2+deb12u1,
// which backports 6.0's path, casefold and resource-order fixes: its
// core.py and extension.py differ from 6.0.2's only in private network
// access) is the default; 6.0.2 is selected by "version". Both versions'
// fixes are flaskfix.Fixer's, and Export prints the CORS(app, ...) call as
// the fixes do.
//
// The emulation returns only the CORS headers (Access-Control-* and Vary),
// in the order Flask-CORS adds them after the app's own; it leaves out
// Flask's Allow header, whose order varies between runs (a set). The status
// is Flask's: 404 for GET and HEAD under /static/ (Flask(__name__)'s own
// route, with no files) and for a path holding a newline, 405 for a method
// no route has, else 200.
//
// Python values from JSON: boolean options follow Python truthiness ("false"
// is true); origins, allow_headers and resources strings are Python regular
// expressions when they look like one (probably_regex), translated to Go's
// RE2 with engine/pattern. A pattern that Python's re rejects never matches
// (the library swallows re.error); one using what RE2 lacks is refused with
// a *server.OptionError rather than guessed. Request headers are read as
// werkzeug's development server hands them to WSGI: Latin-1, repeated
// headers joined with ",", leading blanks stripped and trailing ones kept
// (http.client's parsing). Not emulated, and refused with an OptionError:
// null origins or allow_headers, lists holding anything but strings, values
// the library would send that are not ASCII or hold CR, LF or NUL. Known
// approximations: \b and \B use ASCII word characters, Unicode tables are
// Go's rather than Python 3.11's, and warnings about several unknown
// app-level options come sorted (the options reach the emulation as a map).
package flaskcors

import (
	"encoding/json"
	"errors"
	"fmt"
	"regexp/syntax"
	"slices"
	"sort"
	"strconv"
	"strings"
	"unicode/utf8"

	"corsplay/engine/message"
	"corsplay/engine/pattern"
	"corsplay/engine/server"
	"corsplay/engine/server/flaskcors/flaskfix"
)

// version is what one Flask-CORS version does differently.
type version struct {
	number string
	// privateNetwork: allow_private_network is an option (4.0.2; default
	// False since 5.0.0), and a request with
	// Access-Control-Request-Private-Network: true gets
	// Access-Control-Allow-Private-Network: true or false.
	privateNetwork bool
}

func init() {
	for _, v := range []*version{{number: "3.0.10"}, {number: "6.0.2", privateNetwork: true}} {
		server.Register(&server.Library{
			Name: Name, Version: v.number, Default: !v.privateNetwork, Title: "Flask-CORS", Language: "Python",
			Call: "CORS(app, **options)", OriginsOption: "origins",
			Options: v.options(), Quirks: v.quirks(),
			New: func(o map[string]json.RawMessage) (server.Emulation, error) {
				c, err := v.new(o)
				if err != nil {
					return nil, err // not a nil *cors in an interface
				}
				return c, nil
			},
			Export: v.export, Import: v.importText, Summarize: v.summarize,
			Fixer: v.fixer(), Matching: matching,
		})
	}
}

// matching is how both versions match origins (try_match_pattern, with
// caseSensitive=False for origins).
var matching = server.Matching{
	Regex: "Flask-CORS matches a regular expression in origins with Python's re.match, case-insensitively: anchored at the start of the Origin, not at the end.",
	Exact: "Flask-CORS compares an entry that is not a regular expression with the Origin case-insensitively but otherwise exactly",
	Literal: func(pattern, _ string) string {
		if strings.Contains(pattern, `"`) {
			return "r'" + pattern + "'"
		}
		return `r"` + pattern + `"`
	},
}

// fixer is flaskfix.Fixer; 3.0.10's renames no misspelled option to
// allow_private_network, which it ignores (4.0.2 added it).
func (v *version) fixer() *server.Fixer {
	if v.privateNetwork {
		return flaskfix.Fixer
	}
	fx := *flaskfix.Fixer
	fx.Options = flaskfix.Names
	return &fx
}

// Name is server.library.name.
const Name = "flask-cors"

// maxOriginBytes: no regex matches a longer Origin (engine.MaxOriginBytes).
const maxOriginBytes = 2048

// known: k is a key of core.DEFAULT_OPTIONS (flaskfix.Names before 4.0.2);
// serialize_options logs any other and goes on.
func (v *version) known(k string) bool {
	return slices.Contains(flaskfix.Names, k) || v.privateNetwork && k == "allow_private_network"
}

// cors is CORS(app, **options) after init_app: the resources with their
// options, in the order cors_after_request tries them.
type cors struct {
	opts      map[string]json.RawMessage // as given, for the summary
	resources []resource
	logged    []string
	insts     int
}

type resource struct {
	path pyPattern // matched case-sensitively against unquote(request.path)
	o    *options
}

// options are one resource's options after serialize_options.
type options struct {
	origins      []pyPattern // "*" became ".*"
	wildcard     bool        // ".*" in origins
	allowHeaders []pyPattern
	expose       string // flexible_str; "" when None or empty (dropped)
	methods      string // flexible_str, upper-cased
	maxAge       string // str(max_age); "" when falsy (dropped)
	credentials  bool
	sendWildcard bool
	vary         bool
	alwaysSend   bool
	// privateNetwork is the Access-Control-Allow-Private-Network value,
	// "" for a version without it.
	privateNetwork string
}

func (c *cors) Warnings() []string { return c.logged }

// PatternInsts sizes the compiled patterns (the engine's footprint).
func (c *cors) PatternInsts() int { return c.insts }

func configError(msg string) error { return &server.ConfigError{Library: Name, Message: msg} }

func optionError(path, format string, args ...any) error {
	return &server.OptionError{Path: path, Problem: fmt.Sprintf(format, args...)}
}

// new mirrors CORS.__init__ and init_app: the options serialized once for
// the app, then once more merged into each resource's.
func (v *version) new(opts map[string]json.RawMessage) (*cors, error) {
	if _, ok := opts["app"]; ok { // CORS(app, app=...) is a TypeError
		return nil, configError("CORS.__init__() got multiple values for argument 'app'")
	}
	c := &cors{opts: opts}
	var set pattern.Set
	var top []string
	for k := range opts {
		if !v.known(k) {
			top = append(top, k)
		}
	}
	slices.Sort(top)
	if _, err := v.serialize(opts, "", &set); err != nil {
		return nil, err
	}
	c.warn(top)
	specs, err := parseResources(opts, &set)
	if err != nil {
		return nil, err
	}
	for _, r := range specs {
		merged := make(map[string]json.RawMessage, len(opts)+len(r.opts))
		for k, x := range opts {
			merged[k] = x
		}
		for k, x := range r.opts {
			merged[k] = x
		}
		o, err := v.serialize(merged, r.field, &set)
		if err != nil {
			return nil, err
		}
		c.warn(top)
		for _, k := range r.keys {
			if _, inApp := opts[k]; !inApp && !v.known(k) {
				c.warn([]string{k})
			}
		}
		c.resources = append(c.resources, resource{r.path, o})
	}
	c.insts = set.Insts()
	return c, nil
}

// warn records LOG.warning("Unknown option passed to Flask-CORS: %s", key).
func (c *cors) warn(keys []string) {
	for _, k := range keys {
		c.logged = append(c.logged, "Unknown option passed to Flask-CORS: "+k)
	}
}

// serialize mirrors core.serialize_options over DEFAULT_OPTIONS updated with
// opts, compiling the regexes in set; field prefixes the option paths.
func (v *version) serialize(opts map[string]json.RawMessage, field string, set *pattern.Set) (*options, error) {
	o := &options{
		credentials:  flaskfix.Truthy(opts, "supports_credentials", false),
		sendWildcard: flaskfix.Truthy(opts, "send_wildcard", false),
		vary:         flaskfix.Truthy(opts, "vary_header", true),
		alwaysSend:   flaskfix.Truthy(opts, "always_send", true),
	}
	if v.privateNetwork {
		o.privateNetwork = "false"
		if flaskfix.Truthy(opts, "allow_private_network", false) {
			o.privateNetwork = "true"
		}
	}
	var err error
	if o.origins, err = patterns(opts, "origins", field, set); err != nil {
		return nil, err
	}
	o.wildcard = slices.ContainsFunc(o.origins, func(p pyPattern) bool { return p.raw == ".*" })
	if o.allowHeaders, err = patterns(opts, "allow_headers", field, set); err != nil {
		return nil, err
	}
	if o.wildcard && o.credentials && o.sendWildcard { // the missing space is the library's
		return nil, configError("Cannot use supports_credentials in conjunction withan origin string of '*'. See: http://www.w3.org/TR/cors/#resource-requests")
	}
	if o.expose, _, err = flexibleStr(opts, "expose_headers", field); err != nil {
		return nil, err
	}
	if _, ok := opts["methods"]; !ok {
		o.methods = "DELETE, GET, HEAD, OPTIONS, PATCH, POST, PUT" // ALL_METHODS, sorted
	} else if s, isNull, err := flexibleStr(opts, "methods", field); err != nil {
		return nil, err
	} else if isNull {
		return nil, configError("'NoneType' object has no attribute 'upper'")
	} else {
		o.methods = strings.ToUpper(s)
	}
	if o.maxAge, err = maxAge(opts, field); err != nil {
		return nil, err
	}
	// With always_send and no "*", a request without Origin is answered
	// with the first sorted literal origin, which must be a header value.
	if lits := o.literalOrigins(); o.alwaysSend && !o.wildcard && len(lits) > 0 && !sendable(lits[0]) {
		return nil, optionError(field+"origins", "%q: with always_send the library sends it as Access-Control-Allow-Origin, and corsplay only emulates ASCII header values without CR, LF or NUL", lits[0])
	}
	return o, nil
}

// stringList reads a string or a list of strings; ok is false for null.
func stringList(raw json.RawMessage, path, what string) (list []string, isList, ok bool, err error) {
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
	return nil, false, false, optionError(path, "%s is not emulated: corsplay reads %s", message.BriefJSON(raw), what)
}

// reFix is core.re_fix: the invalid regex "*" means ".*".
func reFix(s string) string {
	if s == "*" {
		return ".*"
	}
	return s
}

// patterns mirrors sanitize_regex_param for origins and allow_headers.
func patterns(opts map[string]json.RawMessage, name, field string, set *pattern.Set) ([]pyPattern, error) {
	raw, ok := opts[name]
	if !ok {
		raw = json.RawMessage(`"*"`) // DEFAULT_OPTIONS
	}
	list, _, ok, err := stringList(raw, field+name, "a string or a list of strings")
	if err != nil {
		return nil, err
	}
	if !ok {
		return nil, optionError(field+name, "null is not emulated (the library would fail on every request): use a string or a list of strings")
	}
	out := make([]pyPattern, len(list))
	for i, s := range list {
		if out[i], err = compilePattern(reFix(s), true, set); err != nil {
			return nil, optionError(field+name+"["+strconv.Itoa(i)+"]", "%v", err)
		}
	}
	return out, nil
}

// flexibleStr mirrors core.flexible_str: a list is sorted (by code point)
// and joined with ", "; a string is kept; isNull reports None.
func flexibleStr(opts map[string]json.RawMessage, name, field string) (s string, isNull bool, err error) {
	raw, ok := opts[name]
	if !ok {
		return "", true, nil
	}
	list, isList, ok, err := stringList(raw, field+name, "a string, a list of strings or null")
	if err != nil || !ok {
		return "", true, err
	}
	if isList {
		list = slices.Clone(list)
		sort.Strings(list)
	}
	if s = strings.Join(list, ", "); !sendable(s) {
		return "", false, optionError(field+name, "%q: corsplay only emulates ASCII header values without CR, LF or NUL", s)
	}
	return s, false, nil
}

// maxAge is the Access-Control-Max-Age value: werkzeug sends str() of the
// option, unless it is falsy (0, "", false, null are dropped).
func maxAge(opts map[string]json.RawMessage, field string) (string, error) {
	raw := opts["max_age"]
	if !flaskfix.Truthy(opts, "max_age", false) {
		return "", nil
	}
	var s string
	switch t := strings.TrimSpace(string(raw)); {
	case t == "true":
		s = "True"
	case json.Unmarshal(raw, &s) == nil:
	case (t[0] == '-' || t[0] >= '0' && t[0] <= '9') && strings.ContainsAny(t, ".eE"):
		f, _ := strconv.ParseFloat(t, 64) // ±Inf when out of range, as Python
		s = floatRepr(f)
	case t[0] == '-' || t[0] >= '0' && t[0] <= '9':
		s = t // a JSON integer is already str(int)
	default:
		return "", optionError(field+"max_age", "%s is not emulated: use a number or a string", message.BriefJSON(raw))
	}
	if !sendable(s) {
		return "", optionError(field+"max_age", "%q: corsplay only emulates ASCII header values without CR, LF or NUL", s)
	}
	return s, nil
}

// literalOrigins are the origins that are not probably_regex, sorted: what
// get_cors_origins answers with always_send to a request without Origin.
func (o *options) literalOrigins() []string {
	var out []string
	for _, p := range o.origins {
		if !p.regex {
			out = append(out, p.raw)
		}
	}
	sort.Strings(out)
	return out
}

// resourceSpec is one entry of the resources option.
type resourceSpec struct {
	path  pyPattern
	field string
	opts  map[string]json.RawMessage
	keys  []string // opts' keys in JSON order
}

// parseResources mirrors core.parse_resources: a string or a list of path
// regexes with the app's options, or an object {regex: options} sorted
// literals first, then more "/" and longer patterns first (stable: ties keep
// JSON order).
func parseResources(opts map[string]json.RawMessage, set *pattern.Set) ([]resourceSpec, error) {
	raw := json.RawMessage(`"/*"`)
	if r, ok := opts["resources"]; ok {
		raw = json.RawMessage(strings.TrimSpace(string(r)))
	}
	var out []resourceSpec
	switch raw[0] {
	case '{':
		keys, values, err := orderedObject(raw)
		if err != nil {
			return nil, optionError("resources", "%v", err)
		}
		for i, k := range keys {
			field := "resources[" + strconv.Quote(k) + "]"
			subKeys, sub, err := orderedObject(values[i])
			if err != nil {
				return nil, optionError(field, "%s is not emulated: a resource's options must be an object", message.BriefJSON(values[i]))
			}
			m := make(map[string]json.RawMessage, len(subKeys))
			for j, sk := range subKeys {
				m[sk] = sub[j]
			}
			p, err := compilePattern(reFix(k), false, set)
			if err != nil {
				return nil, optionError(field, "%v", err)
			}
			out = append(out, resourceSpec{p, field + ".", m, subKeys})
		}
		sort.SliceStable(out, func(i, j int) bool {
			a, b := out[i].path, out[j].path
			if a.regex != b.regex {
				return !a.regex
			}
			if ca, cb := strings.Count(a.raw, "/"), strings.Count(b.raw, "/"); ca != cb {
				return ca > cb
			}
			return utf8.RuneCountInString(a.raw) > utf8.RuneCountInString(b.raw)
		})
	case '"', '[':
		list, _, _, err := stringList(raw, "resources", "a string, a list of strings or an object {pattern: options}")
		if err != nil {
			return nil, err
		}
		for i, s := range list {
			p, err := compilePattern(reFix(s), false, set)
			if err != nil {
				return nil, optionError("resources["+strconv.Itoa(i)+"]", "%v", err)
			}
			out = append(out, resourceSpec{path: p})
		}
	default:
		return nil, configError("Unexpected value for resources argument.")
	}
	return out, nil
}

// orderedObject decodes a JSON object into its keys in first-seen order and
// their last values, as json.loads builds a dict.
func orderedObject(raw json.RawMessage) (keys []string, values []json.RawMessage, err error) {
	dec := json.NewDecoder(strings.NewReader(string(raw)))
	if t, err := dec.Token(); err != nil || t != json.Delim('{') {
		return nil, nil, errors.New("not an object")
	}
	for dec.More() {
		t, err := dec.Token()
		if err != nil {
			return nil, nil, err
		}
		k, _ := t.(string)
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

// Respond answers like the Flask app, then runs cors_after_request, which
// also handles error responses.
func (c *cors) Respond(req message.Request) message.Response {
	p := requestPath(req.URL)
	resp := message.Response{Status: status(req.Method, p)}
	path := unquote(p) // extension.py: unquote(request.path)
	for _, r := range c.resources {
		if r.path.match(path, false, req.Meter) {
			resp.Headers = r.o.headers(req)
			break
		}
	}
	return resp
}

// status is Flask's routing answer: 404 when the path has a newline (the
// path converter's "." does not match it) and for GET or HEAD of a file
// under /static/ (Flask's own static route; the app has no files), else 200
// for the routes' methods and Flask's automatic HEAD and OPTIONS, 405
// otherwise (werkzeug upper-cases the method).
func status(method, path string) int {
	m := strings.ToUpper(method)
	if strings.Contains(path, "\n") || (m == "GET" || m == "HEAD") && len(path) > 8 && path[:8] == "/static/" && path[8] != '/' {
		return 404
	}
	switch m {
	case "GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS":
		return 200
	}
	return 405
}

// headers mirrors core.get_cors_headers, then the MultiDict filter that
// drops falsy values and keeps the first Access-Control-Allow-Origin.
func (o *options) headers(req message.Request) message.Headers {
	origins, ok := o.originsToSet(wsgiHeader(req.Headers, "Origin"), req.Meter)
	if !ok {
		return nil
	}
	var hs message.Headers
	add := func(name, value string) {
		if value != "" {
			hs = append(hs, message.Header{Name: name, Value: value})
		}
	}
	add("Access-Control-Allow-Origin", latin1Encode(origins[0]))
	add("Access-Control-Expose-Headers", o.expose)
	if o.credentials {
		add("Access-Control-Allow-Credentials", "true")
	}
	if o.privateNetwork != "" && wsgiHeader(req.Headers, "Access-Control-Request-Private-Network") == "true" {
		add("Access-Control-Allow-Private-Network", o.privateNetwork)
	}
	// Any OPTIONS, not only preflights: when ACRM.upper() is a non-empty
	// SUBSTRING of the methods string.
	if strings.ToUpper(req.Method) == "OPTIONS" {
		if acrm := upper(wsgiHeader(req.Headers, "Access-Control-Request-Method")); acrm != "" && strings.Contains(o.methods, acrm) {
			add("Access-Control-Allow-Headers", latin1Encode(o.allowedHeaders(wsgiHeader(req.Headers, "Access-Control-Request-Headers"), req.Meter)))
			add("Access-Control-Max-Age", o.maxAge)
			add("Access-Control-Allow-Methods", o.methods)
		}
	}
	// Vary: Origin unless ACAO is "*", and only with several origins or a
	// regex among them ("*" is one).
	if o.vary && origins[0] != "*" && (len(o.origins) > 1 || len(origins) > 1 ||
		slices.ContainsFunc(o.origins, func(p pyPattern) bool { return p.regex })) {
		add("Vary", "Origin")
	}
	return hs
}

// originsToSet mirrors get_cors_origins for the Origin header's string
// ("" when absent or empty); ok is false for None (no CORS headers).
func (o *options) originsToSet(origin string, m *pattern.Meter) ([]string, bool) {
	switch {
	case origin != "" && o.wildcard && o.sendWildcard:
		return []string{"*"}, true
	case origin != "":
		match := slices.ContainsFunc(o.origins, func(p pyPattern) bool {
			return (!p.regex || len(origin) <= maxOriginBytes) && p.match(origin, true, m)
		})
		return []string{origin}, match
	case !o.alwaysSend:
		return nil, false
	case o.wildcard: // the issue #202 fix: never * with credentials
		return []string{"*"}, !o.credentials
	}
	lits := o.literalOrigins()
	return lits, len(lits) > 0
}

// allowedHeaders mirrors get_allow_headers: split ACRH on ",", strip each
// element, keep the ones matching allow_headers, sort and join. Unmatched
// names are dropped, not refused; empty elements are kept when "*" allows
// them.
func (o *options) allowedHeaders(acrh string, m *pattern.Meter) string {
	if acrh == "" {
		return ""
	}
	var keep []string
	for h := range strings.SplitSeq(acrh, ",") {
		h = strings.TrimFunc(h, isSpace)
		if slices.ContainsFunc(o.allowHeaders, func(p pyPattern) bool { return p.match(h, true, m) }) {
			keep = append(keep, h)
		}
	}
	sort.Strings(keep)
	return strings.Join(keep, ", ")
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

// compilePattern compiles raw as try_match_pattern will use it, in set.
func compilePattern(raw string, ignoreCase bool, set *pattern.Set) (pyPattern, error) {
	p := pyPattern{raw: raw, regex: flaskfix.ProbablyRegex(raw)}
	if !p.regex {
		return p, nil
	}
	var err error
	if p.re, err = compileRegex(raw, "$", ignoreCase, set); err != nil || p.re == nil || !strings.Contains(raw, "$") {
		return p, err
	}
	p.reNL, err = compileRegex(raw, "(?m:$)", ignoreCase, set)
	return p, err
}

// compileRegex is re.compile(expr, flags) followed by re.match: the Go
// pattern anchored at the start only. It returns nil when Python rejects
// the pattern, and an error for what Go cannot express or corsplay does not
// take (pattern's limits).
func compileRegex(expr, dollar string, ignoreCase bool, set *pattern.Set) (*pattern.Regexp, error) {
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

func quoteShort(s string) string {
	if len(s) <= 60 {
		return strconv.Quote(s)
	}
	n := 60
	for !utf8.RuneStart(s[n]) {
		n--
	}
	return strconv.Quote(s[:n]) + "…"
}

// match is try_match_pattern(value, pattern, caseSensitive=!ignoreCase).
func (p pyPattern) match(value string, ignoreCase bool, m *pattern.Meter) bool {
	switch {
	case p.regex && p.reNL != nil && strings.IndexByte(value, '\n') == len(value)-1:
		return p.reNL.Match(value, m)
	case p.regex:
		return p.re != nil && p.re.Match(value, m)
	case ignoreCase:
		return casefoldEqual(value, p.raw)
	}
	return value == p.raw
}
