// Package rackcors emulates rack-cors 1.1.1 (Debian ruby-rack-cors, on Rack
// 2.2, Ruby 3.1): Rack::Cors.new(app, debug:) { allow { origins …; resource
// … } } in front of a small Rack app, answering status and header Hash as
// the real middleware does. Source references are to lib/rack/cors.rb.
//
// The app behind it answers its route (the request's Route) with 200 to GET, POST, PUT, DELETE and PATCH
// (as written: "get" is not GET), 405 with Allow to anything else, and 404 to
// any other raw PATH_INFO. Request headers reach the env as WEBrick puts them
// there: HTTP_ plus the upper-cased name with "-" as "_", repeated headers
// joined with ", ", values stripped of white space and NUL; header values and
// the path are binary strings, so Ruby compares them byte for byte and raises
// Encoding::CompatibilityError when a regexp with a non-ASCII character meets
// a non-ASCII byte: the server then answers 500, here without headers.
package rackcors

import (
	"bytes"
	"encoding/json"
	"errors"
	"regexp"
	"slices"
	"strconv"
	"strings"

	"corsplay/engine/message"
	"corsplay/engine/pattern"
	"corsplay/engine/server"
)

const (
	name       = "rack-cors"
	misconfig  = "Allowing credentials for wildcard origins is insecure. Please specify more restrictive origins or set 'credentials' to false in your CORS configuration."
	appMethods = "GET, POST, PUT, DELETE, PATCH"
)

// library is what the registry holds, laid out by the linker rather
// than built at start-up.
var library = server.Library{
	Name: name, Version: "1.1.1", Default: true, Title: "rack-cors", Language: "Ruby",
	Call:          "Rack::Cors.new(app) { allow { origins …; resource … } }",
	OriginsOption: "allow[].origins",
	Options: []server.Option{
		{Name: "allow", Type: "list of objects", Default: "none", Doc: "One allow do … end block per element, tried in order: the first whose origins match and that has a resource for the path answers."},
		{Name: "debug", Type: "boolean", Default: "false", Doc: "Adds X-Rack-CORS (hit, or miss and its reason) to every answer rack-cors does not give itself."},
		{Name: "allow[].origins", Type: "string or list of strings", Default: "none (no origin matches)", Doc: `"*" lets every origin in with Access-Control-Allow-Origin: *; "/re/" or "/re/i" is a Regexp searched anywhere in the Origin; an http(s):// or file:// string must be equal; anything else is a host rack-cors turns into ^[a-z][a-z0-9.+-]*://HOST$.`},
		{Name: "allow[].resources", Type: "list of objects", Default: "none", Doc: "One resource PATH, options call per element; the first whose path matches answers."},
		{Name: "resources[].path", Type: "string (required)", Default: "", Doc: "A glob: * is any text, /* also matches nothing, :name one segment; every other regex character but . + ( ) passes into the regex ^…$, whose anchors are line anchors."},
		{Name: "resources[].headers", Type: `"any", string or list of strings`, Default: "none (Accept, Accept-Language, Content-Language, Content-Type)", Doc: `Request headers a preflight may ask for, compared lower-cased; "any" allows all; Access-Control-Allow-Headers echoes the request's list.`},
		{Name: "resources[].methods", Type: `"any", string or list of strings`, Default: "[:get]", Doc: "Methods a preflight may ask for, compared as written with the lower-cased request method; sent upper-cased in Access-Control-Allow-Methods on every answer."},
		{Name: "resources[].credentials", Type: "boolean", Default: "false", Doc: "Sends Access-Control-Allow-Credentials: true; with origins \"*\" rack-cors raises CorsMisconfigurationError."},
		{Name: "resources[].expose", Type: "string or list of strings", Default: "none (an empty header)", Doc: "Access-Control-Expose-Headers, on preflights and actual answers alike."},
		{Name: "resources[].max_age", Type: "integer", Default: "7200", Doc: "Access-Control-Max-Age, on preflights and actual answers alike."},
		{Name: "resources[].vary", Type: "string or list of strings", Default: "none (Origin)", Doc: "The Vary header of every answer whose path matches: it replaces Origin."},
		{Name: "resources[].if", Type: "null", Default: "nil", Doc: "Only nil: a Proc has no JSON form."},
	},
	Quirks: []string{
		"A preflight is answered by rack-cors itself with 200, from any origin and to any path; when it refuses, the answer has no header at all.",
		"An actual request from an allowed origin also gets Access-Control-Allow-Methods, an empty Access-Control-Expose-Headers and Access-Control-Max-Age: 7200.",
		"An origin without scheme ('a.example') becomes ^[a-z][a-z0-9.+-]*://a\\.example$: any scheme matches, http and ftp included.",
		"'null' is such a host too, so it never matches the null origin.",
		"A regex origin is searched anywhere in the Origin, so /a\\.example/ lets https://a.example.evil.com in; ^ and $ are line anchors.",
		"Methods are compared as written with the lower-cased request method: methods: [:GET] refuses every preflight.",
		"Vary: Origin goes on every answer whose path matches a resource, even without Origin or from a refused origin, and the vary option replaces Origin instead of adding to it.",
		"An X-Origin header is taken as the Origin when there is no Origin.",
		"The resource path is matched after percent-decoding and cleaning (.., //, a trailing /), and with line anchors: '/r' also covers /x/../r, /r/ and /r%0Afoo.",
		"OPTIONS without Access-Control-Request-Method (or a lower-case options) is an actual request: it reaches the app with CORS headers.",
		"X-Rack-CORS (debug) never shows on a preflight: rack-cors returns the preflight answer before adding it.",
		"origins '*' with credentials: true raises CorsMisconfigurationError when the resource is declared.",
	},
	New:       func(o map[string]json.RawMessage) (server.Emulation, error) { return parse(o) },
	Summarize: summarize,
	Fixer:     fixer,
	Matching: server.Matching{
		Regex:   "rack-cors tests a Regexp origin with =~, which finds it anywhere in the Origin unless \\A and \\z anchor it (^ and $ anchor a line).",
		Literal: rubyRegexp,
	},
}

func init() {
	server.Register(&library)
}

// rubyRegexp writes a pattern as a Regexp literal, its ^ and $ at the
// ends as \A and \z.
func rubyRegexp(pattern, flags string) string {
	if p, ok := strings.CutPrefix(pattern, "^"); ok {
		pattern = `\A` + p
	}
	if p, ok := strings.CutSuffix(pattern, "$"); ok && !strings.HasSuffix(p, `\`) {
		pattern = p + `\z`
	}
	lit := "/" + strings.ReplaceAll(pattern, "/", `\/`) + "/"
	if strings.Contains(flags, "i") {
		lit += "i"
	}
	return lit
}

// rbRegexp is a Ruby Regexp translated to Go.
type rbRegexp struct {
	re    *pattern.Regexp
	fixed bool // has a non-ASCII character: raises on non-ASCII bytes
}

// match is Regexp#=~ on a binary string: raised when Ruby raises
// Encoding::CompatibilityError.
func (r *rbRegexp) match(s string, m *pattern.Meter) (ok, raised bool) {
	if isASCII(s) {
		return r.re.Match(s, m), false
	}
	if r.fixed {
		return false, true
	}
	b := make([]rune, len(s)) // the bytes as characters
	for i := 0; i < len(s); i++ {
		b[i] = rune(s[i])
	}
	return r.re.Match(string(b), m), false
}

// An origin entry: a literal String, a host rack-cors compiles, or a Regexp.
type origin struct {
	literal, host string
	re            *rbRegexp
	written       string // as the JSON form writes it
}

type block struct {
	public    bool
	origins   []origin
	resources []*resource
}

type resource struct {
	path                   *rbRegexp
	public, credentials    bool
	anyHeaders             bool
	headers, methods, vary []string // vary nil: Origin
	acam, expose, maxAge   string
}

type cors struct {
	debug  bool
	blocks []*block
	set    pattern.Set
}

func (c *cors) Warnings() []string { return nil }

// PatternInsts sizes the compiled patterns (the engine's Footprint).
func (c *cors) PatternInsts() int { return c.set.Insts() }

func isASCII(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] >= 0x80 {
			return false
		}
	}
	return true
}

func asciiLower(s string) string {
	b := []byte(s)
	for i, c := range b {
		if c >= 'A' && c <= 'Z' {
			b[i] = c + 32
		}
	}
	return string(b)
}

func optErr(path, problem string) error { return &server.OptionError{Path: path, Problem: problem} }

// The JSON form: each object's keys and the JSON types of their values
// (s string, S string or list of strings, b boolean, n integer, z null, o
// list of objects).
const (
	topSpec      = "allow o debug b"
	blockSpec    = "origins S resources o"
	resourceSpec = "path s headers S methods S credentials b expose S max_age n vary S if z"
)

var integer = regexp.MustCompile(`^-?(0|[1-9][0-9]*)$`)

// object checks v, at path, against spec.
func object(v any, path, spec string) (map[string]any, error) {
	m, ok := v.(map[string]any)
	if !ok {
		return nil, optErr(path, brief(v)+" is not an object")
	}
	keys := strings.Fields(spec)
	var names []string
	for i := 0; i < len(keys); i += 2 {
		names = append(names, keys[i])
	}
	var ks []string
	for k := range m {
		ks = append(ks, k)
	}
	slices.Sort(ks)
	for _, k := range ks {
		i := slices.Index(names, k)
		if i < 0 {
			return nil, optErr(join(path, k), "rack-cors has no such option here (it takes "+strings.Join(names, ", ")+")")
		}
		want := ""
		switch x := m[k]; keys[2*i+1] {
		case "s":
			if _, ok := x.(string); !ok {
				want = "a string"
			}
		case "S":
			if _, ok := strs(x); !ok {
				want = "a string or a list of strings"
			}
		case "b":
			if _, ok := x.(bool); !ok {
				want = "a boolean"
			}
		case "n":
			if n, ok := x.(json.Number); !ok || !integer.MatchString(string(n)) {
				want = "an integer"
			}
		case "z":
			if x != nil {
				want = "null: a Proc has no JSON form"
			}
		case "o":
			if _, ok := x.([]any); !ok {
				want = "a list of objects"
			}
		}
		if want != "" {
			return nil, optErr(join(path, k), brief(m[k])+" is not "+want)
		}
	}
	return m, nil
}

func brief(v any) string {
	b, _ := json.Marshal(v)
	return message.BriefJSON(b)
}

func join(path, key string) string {
	if path == "" {
		return key
	}
	return path + "." + key
}

// strs reads a string or a list of strings.
func strs(v any) (list []string, ok bool) {
	if s, ok := v.(string); ok {
		return []string{s}, true
	}
	l, ok := v.([]any)
	for _, e := range l {
		s, isStr := e.(string)
		ok = ok && isStr
		list = append(list, s)
	}
	return list, ok
}

func isList(v any) bool {
	_, ok := v.([]any)
	return ok
}

// form is the JSON form, checked: the top object, each allow block, and
// each block's resources.
type form struct {
	top       map[string]any
	blocks    []map[string]any
	resources [][]map[string]any
}

func readForm(options map[string]json.RawMessage) (*form, error) {
	raw, _ := json.Marshal(options)
	d := json.NewDecoder(bytes.NewReader(raw))
	d.UseNumber()
	var v any
	d.Decode(&v)
	f := &form{}
	var err error
	if f.top, err = object(v, "", topSpec); err != nil {
		return nil, err
	}
	for i, b := range list(f.top["allow"]) {
		p := "allow[" + strconv.Itoa(i) + "]"
		bm, err := object(b, p, blockSpec)
		if err != nil {
			return nil, err
		}
		var rs []map[string]any
		for j, r := range list(bm["resources"]) {
			rp := p + ".resources[" + strconv.Itoa(j) + "]"
			rm, err := object(r, rp, resourceSpec)
			if err != nil {
				return nil, err
			}
			if _, ok := rm["path"]; !ok {
				return nil, optErr(rp+".path", "missing: resource needs a path")
			}
			ms, _ := strs(rm["methods"])
			for _, m := range ms {
				if !isASCII(m) {
					return nil, optErr(rp+".methods", strconv.Quote(m)+": corsplay emulates ASCII method names only (Ruby's String#upcase turns some letters into several)")
				}
			}
			rs = append(rs, rm)
		}
		f.blocks, f.resources = append(f.blocks, bm), append(f.resources, rs)
	}
	return f, nil
}

func list(v any) []any {
	l, _ := v.([]any)
	return l
}

func contains(list []string, s string) bool { return slices.Contains(list, s) }

// httpLine is rack-cors's /^https?:\/\//: such a string is kept as it is.
var httpLine = regexp.MustCompile(`(?m)^https?://`)

// regexOrigin splits "/inner/" or "/inner/i" (the JSON form of a Regexp).
var regexOrigin = regexp.MustCompile(`(?s)^/(.*)/(i?)$`)

// parse builds the middleware in the order Ruby runs the block: each allow,
// its origins, then each resource.
func parse(options map[string]json.RawMessage) (*cors, error) {
	f, err := readForm(options)
	if err != nil {
		return nil, err
	}
	c := &cors{debug: f.top["debug"] == true}
	for i, bm := range f.blocks {
		b := &block{}
		p := "allow[" + strconv.Itoa(i) + "]"
		list, _ := strs(bm["origins"])
		for _, s := range list {
			o := origin{written: s}
			if m := regexOrigin.FindStringSubmatch(s); m != nil {
				if o.re, err = c.compile(m[1], m[2] == "i", p+".origins"); err != nil {
					return nil, err
				}
			} else if s == "" {
				continue // origins drops ''
			} else if s == "*" {
				b.public, o.literal = true, s
			} else if s == "file://" || httpLine.MatchString(s) {
				o.literal = s
			} else {
				o.host = s
			}
			b.origins = append(b.origins, o)
		}
		for j, rm := range f.resources[i] {
			r, err := c.resource(b.public, rm, p+".resources["+strconv.Itoa(j)+"].path")
			if err != nil {
				return nil, err
			}
			b.resources = append(b.resources, r)
		}
		c.blocks = append(c.blocks, b)
	}
	return c, nil
}

// compile translates a Ruby regexp: Ruby's RegexpError is a ConfigError.
func (c *cors) compile(src string, icase bool, path string) (*rbRegexp, error) {
	expr, fixed, err := pattern.TranslateRuby(src, icase)
	var se *pattern.RubySyntaxError
	if errors.As(err, &se) {
		return nil, &server.ConfigError{Library: name, Message: se.Message}
	}
	if err == nil {
		var re *pattern.Regexp
		if re, err = c.set.Compile(expr); err == nil {
			return &rbRegexp{re, fixed}, nil
		}
	}
	return nil, optErr(path, err.Error())
}

// resource is Resource.new(public, path, opts).
func (c *cors) resource(public bool, rm map[string]any, path string) (*resource, error) {
	creds := rm["credentials"] == true
	if public && creds {
		return nil, &server.ConfigError{Library: name, Message: misconfig}
	}
	r := &resource{public: public, credentials: !public && creds, maxAge: "7200"}
	if n, ok := rm["max_age"].(json.Number); ok {
		r.maxAge = strings.TrimPrefix(string(n), "-0") // Ruby's -0 is 0
		if r.maxAge == "" {
			r.maxAge = "0"
		}
	}
	var err error
	if r.path, err = c.compile(globRegexp(rm["path"].(string)), false, path); err != nil {
		return nil, err
	}
	if h, ok := rm["headers"]; ok {
		r.anyHeaders = h == "any"
		list, _ := strs(h)
		for _, v := range list {
			r.headers = append(r.headers, rubyDowncase(v))
		}
	}
	r.methods = []string{"get"}
	if m, ok := rm["methods"]; ok {
		r.methods, _ = strs(m)
		if m == "any" {
			r.methods = strings.Fields("get head post put patch delete options")
		}
	}
	r.acam = strings.ToUpper(strings.Join(r.methods, ", "))
	if e, ok := rm["expose"]; ok {
		list, _ := strs(e)
		r.expose = strings.Join(list, ", ")
	}
	r.vary, _ = strs(rm["vary"])
	return r, nil
}

// rubyDowncase is String#downcase for a header name as far as it matters:
// a name that stays non-ASCII never equals a request's (binary) one.
func rubyDowncase(s string) string {
	if strings.ContainsRune(s, 'İ') { // Ruby: "i̇", two characters
		return "\x80"
	}
	return strings.ToLower(s)
}

// globRegexp is Resource#compile: the path with :name, /*, * and . + ( )
// replaced, the rest passed through, as the source of /^…$/.
func globRegexp(path string) string {
	var b strings.Builder
	b.WriteByte('^')
	for i := 0; i < len(path); i++ {
		switch c := path[i]; {
		case c == ':' && i+1 < len(path) && isWord(path[i+1]):
			for i+1 < len(path) && isWord(path[i+1]) {
				i++
			}
			b.WriteString("([^/?&#]+)")
		case c == '/' && i+1 < len(path) && path[i+1] == '*':
			i++
			b.WriteString(`\/?(.*?)`)
		case c == '*':
			b.WriteString("(.*?)")
		case c == '.' || c == '+' || c == '(' || c == ')':
			b.WriteByte('\\')
			b.WriteByte(c)
		default:
			b.WriteByte(c)
		}
	}
	b.WriteByte('$')
	return b.String()
}

func isWord(c byte) bool {
	return c == '_' || c >= '0' && c <= '9' || c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z'
}

// header is one line of the answer's Hash.
type header struct{ name, value string }

// Respond is Rack::Cors#call in front of the app.
func (c *cors) Respond(req message.Request) message.Response {
	m := req.Meter
	originV, hasOrigin := envHeader(req.Headers, "ORIGIN")
	if !hasOrigin {
		originV, hasOrigin = envHeader(req.Headers, "X_ORIGIN")
	}
	acrm, hasACRM := envHeader(req.Headers, "ACCESS_CONTROL_REQUEST_METHOD")
	acrh, hasACRH := envHeader(req.Headers, "ACCESS_CONTROL_REQUEST_HEADERS")
	raw := rawPath(req.URL)
	path, valid := evaluatePath(raw)
	var add []header
	reason := "no-origin"
	if hasOrigin {
		preflight := req.Method == "OPTIONS" && hasACRM
		if preflight && !valid {
			return message.Response{Status: 400}
		}
		r, miss, raised := c.matchResource(originV, path, m)
		if raised {
			return message.Response{Status: 500}
		}
		if preflight {
			if r == nil || !contains(r.methods, asciiLower(acrm)) || hasACRH && !r.allowHeaders(acrh) {
				return message.Response{Status: 200}
			}
			hs := r.corsHeaders(originV)
			if hasACRH {
				hs = append(hs, header{"Access-Control-Allow-Headers", acrh})
			}
			return response(200, hs)
		}
		if r != nil {
			add, reason = r.corsHeaders(originV), ""
		} else {
			reason = miss
		}
	}
	varyRes, raised := c.resourceForPath(path, m)
	if raised {
		return message.Response{Status: 500}
	}
	status, hs := app(req.Method, raw, req.AppRoute())
	hs = append(add, hs...)
	if varyRes != nil {
		v := varyRes.vary
		if len(v) == 0 {
			v = []string{"Origin"}
		}
		var uniq []string
		for _, s := range v {
			if !contains(uniq, s) {
				uniq = append(uniq, s)
			}
		}
		hs = append(hs, header{"Vary", strings.Join(uniq, ", ")})
	}
	if c.debug {
		d := "hit"
		if reason != "" {
			d = "miss; " + reason
		}
		hs = append(hs, header{"X-Rack-CORS", d})
	}
	return response(status, hs)
}

// response writes the Hash as header lines: a Rack 2 server sends a value
// holding "\n" as one line per part.
func response(status int, hs []header) message.Response {
	out := message.Response{Status: status}
	for _, h := range hs {
		lines := strings.Split(h.value, "\n") // String#split: trailing empty parts dropped
		for len(lines) > 1 && lines[len(lines)-1] == "" {
			lines = lines[:len(lines)-1]
		}
		if h.value == "\n" {
			lines = nil
		}
		for _, v := range lines {
			out.Headers = append(out.Headers, message.Header{Name: h.name, Value: v})
		}
	}
	return out
}

// app is the Rack app behind the middleware: its route is PATH_INFO equal
// to route.
func app(method, rawPath, route string) (int, []header) {
	hs := []header{{"Content-Type", "text/plain"}}
	if rawPath != route {
		return 404, hs
	}
	switch method {
	case "GET", "POST", "PUT", "DELETE", "PATCH":
		return 200, hs
	}
	return 405, append(hs, header{"Allow", appMethods})
}

// matchResource is Rack::Cors#match_resource: the resource, or the miss
// reason; raised when Ruby raises.
func (c *cors) matchResource(origin, path string, m *pattern.Meter) (*resource, string, bool) {
	matched := false
	for _, b := range c.blocks {
		ok, raised := b.allowOrigin(origin, m)
		if raised {
			return nil, "", true
		}
		if !ok {
			continue
		}
		matched = true
		for _, r := range b.resources {
			ok, raised := r.path.match(path, m)
			if raised {
				return nil, "", true
			}
			if ok {
				return r, "", false
			}
		}
	}
	if matched {
		return nil, "no-path", false
	}
	return nil, "no-origin", false
}

// resourceForPath is Rack::Cors#resource_for_path (the Vary resource).
func (c *cors) resourceForPath(path string, m *pattern.Meter) (*resource, bool) {
	for _, b := range c.blocks {
		for _, r := range b.resources {
			ok, raised := r.path.match(path, m)
			if raised || ok {
				return r, raised
			}
		}
	}
	return nil, false
}

// allowOrigin is Resources#allow_origin?.
func (b *block) allowOrigin(s string, m *pattern.Meter) (ok, raised bool) {
	if b.public {
		return true, false
	}
	for _, o := range b.origins {
		switch {
		case o.re != nil:
			ok, raised = o.re.match(s, m)
		case o.host != "":
			ok, raised = hostMatch(o.host, s)
		default:
			ok = o.literal == s && isASCII(s)
		}
		if ok || raised {
			return
		}
	}
	return false, false
}

// hostMatch is /^[a-z][a-z0-9.+-]*:\/\/#{Regexp.quote(host)}$/ === s.
func hostMatch(host, s string) (ok, raised bool) {
	if !isASCII(host) && !isASCII(s) {
		return false, true
	}
	for p := 0; p < len(s); p++ {
		if p > 0 && s[p-1] != '\n' {
			continue
		}
		i := p
		for i < len(s) && (s[i] >= 'a' && s[i] <= 'z' || i > p && (s[i] >= '0' && s[i] <= '9' || strings.IndexByte(".+-", s[i]) >= 0)) {
			i++
		}
		rest := s[i:]
		if i > p && strings.HasPrefix(rest, "://"+host) && (len(rest) == 3+len(host) || rest[3+len(host)] == '\n') {
			return true, false
		}
	}
	return false, false
}

// allowHeaders is Resource#allow_headers?.
func (r *resource) allowHeaders(acrh string) bool {
	if r.anyHeaders {
		return true
	}
	for _, h := range splitComma(acrh) {
		h = asciiLower(h)
		switch h {
		case "accept", "accept-language", "content-language", "content-type":
			continue
		}
		if !isASCII(h) || !contains(r.headers, h) {
			return false
		}
	}
	return true
}

// splitComma is String#split(/,\s*/): trailing empty fields dropped.
func splitComma(s string) []string {
	var out []string
	for {
		i := strings.IndexByte(s, ',')
		if i < 0 {
			out = append(out, s)
			break
		}
		out = append(out, s[:i])
		s = strings.TrimLeft(s[i+1:], " \t\n\v\f\r")
	}
	for len(out) > 0 && out[len(out)-1] == "" {
		out = out[:len(out)-1]
	}
	return out
}

// corsHeaders is Resource#to_headers.
func (r *resource) corsHeaders(origin string) []header {
	if r.public {
		origin = "*"
	}
	hs := []header{{"Access-Control-Allow-Origin", origin}, {"Access-Control-Allow-Methods", r.acam},
		{"Access-Control-Expose-Headers", r.expose}, {"Access-Control-Max-Age", r.maxAge}}
	if r.credentials {
		hs = append(hs, header{"Access-Control-Allow-Credentials", "true"})
	}
	return hs
}

// envHeader is env["HTTP_"+key] as WEBrick's meta_vars fills it: the
// header names that map to key, the one first seen last wins, its values
// stripped and joined with ", ".
func envHeader(hs message.Headers, key string) (string, bool) {
	var seen []string
	win := ""
	for _, h := range hs {
		n := asciiLower(h.Name)
		if contains(seen, n) {
			continue
		}
		seen = append(seen, n)
		if strings.ToUpper(strings.ReplaceAll(n, "-", "_")) == key && isASCII(n) {
			win = n
		}
	}
	if win == "" {
		return "", false
	}
	var vals []string
	for _, h := range hs {
		if asciiLower(h.Name) == win {
			vals = append(vals, strings.Trim(h.Value, "\x00\t\n\v\f\r "))
		}
	}
	return strings.Join(vals, ", "), true
}

// rawPath is PATH_INFO as Rack::MockRequest.env_for (and WEBrick) set it:
// the URL's path as sent, "/" when empty.
func rawPath(u string) string {
	if i := strings.Index(u, "://"); i >= 0 {
		u = u[i+3:]
		if j := strings.IndexAny(u, "/?#"); j >= 0 {
			u = u[j:]
		} else {
			u = ""
		}
	}
	if j := strings.IndexAny(u, "?#"); j >= 0 {
		u = u[:j]
	}
	if !strings.HasPrefix(u, "/") {
		u = "/" + u
	}
	return u
}

// evaluatePath is Rack::Cors#evaluate_path: percent-decoded, then cleaned
// when valid (no NUL byte).
func evaluatePath(raw string) (string, bool) {
	var b strings.Builder
	for i := 0; i < len(raw); i++ {
		if raw[i] == '%' && i+2 < len(raw) && isHex(raw[i+1]) && isHex(raw[i+2]) {
			v, _ := strconv.ParseUint(raw[i+1:i+3], 16, 8)
			b.WriteByte(byte(v))
			i += 2
		} else {
			b.WriteByte(raw[i])
		}
	}
	p := b.String()
	if strings.IndexByte(p, 0) >= 0 {
		return p, false
	}
	parts := strings.Split(p, "/")
	for len(parts) > 0 && parts[len(parts)-1] == "" { // String#split drops trailing empty fields
		parts = parts[:len(parts)-1]
	}
	var clean []string
	for _, s := range parts {
		switch s {
		case "", ".":
		case "..":
			if len(clean) > 0 {
				clean = clean[:len(clean)-1]
			}
		default:
			clean = append(clean, s)
		}
	}
	out := strings.Join(clean, "/")
	if len(parts) == 0 || parts[0] == "" {
		out = "/" + out
	}
	return out, true
}

func isHex(c byte) bool { return c >= '0' && c <= '9' || c >= 'a' && c <= 'f' || c >= 'A' && c <= 'F' }

// summarize reads the origins of every allow block.
func summarize(options map[string]json.RawMessage) server.Summary {
	var s server.Summary
	c, err := parse(options)
	if err != nil {
		return s
	}
	var paths []string
	var upper bool
	f, _ := readForm(options)
	for i, b := range c.blocks {
		for _, o := range b.origins {
			switch {
			case o.re != nil:
				s.Origins = append(s.Origins, server.Entry{Written: o.written, Policy: "re:" + o.re.re.String(), Regex: true})
				flagRegex(&s, o.written)
			case o.host != "":
				s.Origins = append(s.Origins, server.Entry{Written: o.written, Policy: `re:(?m:^)[a-z][a-z0-9.+\-]*://` + regexp.QuoteMeta(o.host) + `(?m:$)`})
				flagHost(&s, o.host)
			case o.literal == "*":
				s.AnyOrigin, s.AnyEntry = "wildcard", `"*"`
			default:
				s.Origins = append(s.Origins, server.Entry{Written: o.written, Policy: o.literal})
			}
		}
		for j, r := range b.resources {
			s.Credentials = s.Credentials || r.credentials
			paths = append(paths, rubyString(f.resources[i][j]["path"].(string)))
			for _, m := range r.methods {
				upper = upper || m != strings.ToLower(m)
			}
		}
	}
	if len(c.blocks) > 1 {
		s.Notes = append(s.Notes, "Each allow block has its own origins and resources: the first block whose origins match and that has a resource for the path answers.")
	}
	if len(paths) > 0 {
		s.Notes = append(s.Notes, "Only paths matching "+strings.Join(paths, ", ")+" get CORS headers; a preflight to any other path still gets 200 with no header.")
	}
	if upper {
		s.Notes = append(s.Notes, "A method written with capitals (:GET) never matches a preflight: rack-cors compares the methods as written with the lower-cased request method.")
	}
	return s
}

// flagRegex flags a /regexp/ origin that lets in more than the origin it
// spells: Ruby's =~ searches it anywhere in the Origin.
func flagRegex(s *server.Summary, written string) {
	m := regexOrigin.FindStringSubmatch(written)
	r := server.ReadRegex(m[1], []string{`\A`, "^"}, []string{`\z`, `\Z`, "$"})
	if !r.Misread() {
		return
	}
	title := "A regular expression in origins is searched anywhere in the Origin: "
	if r.End && (r.Start || r.HasScheme) {
		title = "An unescaped dot in a regular expression in origins matches any character: "
	}
	esc := strings.ReplaceAll(regexp.QuoteMeta(r.Host), "/", `\/`)
	s.Flagged = append(s.Flagged, server.Flagged{Entry: written, Title: title + written,
		Detail:   "rack-cors tests a Regexp origin with =~, which finds it anywhere in the Origin, unless \\A and \\z anchor it; and in a Regexp . is any character. In " + written + ", " + r.Says() + ".",
		Fix:      "Anchor it at both ends and escape every dot: origins /\\A" + r.Scheme + `:\/\/` + esc + `\z/` + ", or give the origin as a string: origins '" + r.Intended() + "'.",
		Intended: r.Intended(), Candidates: r.Candidates(), Host: r.Host})
}

// flagHost flags an origin without scheme: rack-cors lets any scheme in
// (http included), and a * or null in it is only text.
func flagHost(s *server.Summary, host string) {
	f := server.Flagged{Entry: host, Host: server.HostOf(host)}
	switch {
	case host == "null":
		f.Title = "'null' in origins is a host name to rack-cors: null"
		f.Detail = "rack-cors turns an origins string without http:// or https:// into ^[a-z][a-z0-9.+-]*://null$, so it never matches the null origin a sandboxed page or a file sends."
		f.Fix = "Leave null out (any site can send it from a sandboxed iframe); list the https:// origins that call the API."
		f.Intended = "null"
	case strings.ContainsAny(host, "*?[]()^$\\"):
		f.Title = "A pattern in origins is plain text to rack-cors: " + host
		f.Detail = "rack-cors turns an origins string without http:// or https:// into ^[a-z][a-z0-9.+-]*://" + regexp.QuoteMeta(host) + "$, its characters quoted: a * or any other pattern character there is only text, so it never matches an origin a browser sends."
		f.Fix = "Write a Regexp, anchored and with its dots escaped, such as origins %r{\\Ahttps://([a-z0-9-]+\\.)*example\\.com\\z}, or list the origins: origins 'https://app.example.com'."
		f.Intended = "https://" + strings.Trim(server.WildcardIntended(host), ".")
	case strings.HasPrefix(f.Host, "localhost") || strings.HasPrefix(f.Host, "127."):
		return
	default:
		f.Title = "An origin without scheme in origins accepts any scheme: " + host
		f.Detail = "rack-cors turns an origins string that does not start with http:// or https:// into the Regexp ^[a-z][a-z0-9.+-]*://" + regexp.QuoteMeta(host) + "$: any scheme matches, plain http (which anyone on the network path can tamper with) and ftp included."
		f.Fix = "Write the scheme: origins 'https://" + host + "'."
		f.Intended, f.Candidates = "https://"+host, []string{"http://" + host}
	}
	s.Flagged = append(s.Flagged, f)
}
