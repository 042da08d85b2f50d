package engine

import (
	"encoding/json"
	"fmt"
	"sort"
	"strconv"
	"strings"
)

// This file emulates github.com/rs/cors v1.11.1 ("rs-cors"): cors.New(opts)
// then .Handler(next), where next answers 200 with no header. Options are
// the fields of cors.Options with their Go names and JSON values. The
// library validates nothing, so the emulation never returns a *ConfigError.
// Source references are to cors.go, utils.go and internal/sortedset.go of
// that release.

func init() { emulators["rs-cors"] = newRSCors }

// rsCorsFuncOptions are the fields of cors.Options that hold Go functions or
// interfaces: JSON cannot express them.
var rsCorsFuncOptions = [][2]string{
	{"AllowOriginFunc", "func(origin string) bool"},
	{"AllowOriginRequestFunc", "func(r *http.Request, origin string) bool"},
	{"AllowOriginVaryRequestFunc", "func(r *http.Request, origin string) (bool, []string)"},
	{"Logger", "a cors.Logger interface value"},
}

// rsCorsOptionNames are the fields of cors.Options that corsplay reads.
var rsCorsOptionNames = []string{"AllowedOrigins", "AllowedMethods", "AllowedHeaders", "ExposedHeaders",
	"MaxAge", "AllowCredentials", "AllowPrivateNetwork", "OptionsPassthrough", "OptionsSuccessStatus", "Debug"}

// rsCors is a configured cors.Cors: the fields New computes (cors.go, type
// Cors and func New).
type rsCors struct {
	allowedOrigins       []string
	allowedWOrigins      []rsWildcard
	allowedOriginsAll    bool
	allowedHeaders       rsSortedSet
	allowedHeadersAll    bool
	allowedMethods       []string
	exposedHeaders       string // "" when none
	maxAge               string // "" when omitted
	optionsSuccessStatus int
	allowCredentials     bool
	allowPrivateNetwork  bool
	optionPassthrough    bool
	preflightVary        string
}

// rsOptions mirrors cors.Options minus its function-valued fields.
type rsOptions struct {
	AllowedOrigins, AllowedMethods, AllowedHeaders, ExposedHeaders []string
	MaxAge, OptionsSuccessStatus                                   int
	AllowCredentials, AllowPrivateNetwork, OptionsPassthrough      bool
	Debug                                                          bool
}

// decodeRSOptions reads cors.Options from JSON, refusing what a Go program
// could not write: unknown fields (it would not compile) and function-valued
// ones (out of corsplay's scope).
func decodeRSOptions(options map[string]json.RawMessage) (rsOptions, error) {
	var o rsOptions
	d := newOptionDecoder(options)
	for _, f := range rsCorsFuncOptions {
		if name, typ := f[0], f[1]; d.has(name) {
			return o, &FieldError{"server.library.options." + name, fmt.Sprintf("%s is %s: JSON cannot express it and corsplay does not emulate it; list origins in AllowedOrigins instead", name, typ)}
		}
	}
	d.get("AllowedOrigins", &o.AllowedOrigins)
	d.get("AllowedMethods", &o.AllowedMethods)
	d.get("AllowedHeaders", &o.AllowedHeaders)
	d.get("ExposedHeaders", &o.ExposedHeaders)
	d.get("MaxAge", &o.MaxAge)
	d.get("AllowCredentials", &o.AllowCredentials)
	d.get("AllowPrivateNetwork", &o.AllowPrivateNetwork)
	d.get("OptionsPassthrough", &o.OptionsPassthrough)
	d.get("OptionsSuccessStatus", &o.OptionsSuccessStatus)
	d.get("Debug", &o.Debug) // only logs: no effect on responses
	if d.err != nil {
		return o, d.err
	}
	if unknown := d.unknown(); len(unknown) > 0 {
		return o, unknownGoField("cors.Options", unknown[0], rsCorsOptionNames, rsCorsFuncOptions)
	}
	// net/http panics on WriteHeader outside 100..999 and sends 1xx as an
	// interim response: neither is a final answer corsplay can show.
	if s := o.OptionsSuccessStatus; s != 0 && !o.OptionsPassthrough && (s < 200 || s > 599) {
		return o, &FieldError{"server.library.options.OptionsSuccessStatus", fmt.Sprintf("%d: corsplay models final statuses 200 to 599 (net/http panics on WriteHeader below 100 or above 999, and sends 1xx as an interim response)", s)}
	}
	return o, nil
}

// unknownGoField is the error for an option that is not a field of the Go
// struct typeName: the program would not compile.
func unknownGoField(typeName, name string, known []string, funcs [][2]string) error {
	problem := fmt.Sprintf("%s has no field %s: a Go program setting it would not compile", typeName, name)
	for _, k := range known {
		if strings.EqualFold(k, name) {
			return &FieldError{"server.library.options." + name, problem + fmt.Sprintf(" (did you mean %s? field names are case-sensitive here)", k)}
		}
	}
	for _, f := range funcs {
		if strings.EqualFold(f[0], name) {
			return &FieldError{"server.library.options." + name, problem + fmt.Sprintf(" (did you mean %s?)", f[0])}
		}
	}
	return &FieldError{"server.library.options." + name, problem + " (the fields corsplay accepts: " + strings.Join(known, ", ") + ")"}
}

func newRSCors(options map[string]json.RawMessage) (emulation, error) {
	o, err := decodeRSOptions(options)
	if err != nil {
		return nil, err
	}
	return newRSCorsFromOptions(o), nil
}

// newRSCorsFromOptions mirrors cors.New.
func newRSCorsFromOptions(o rsOptions) *rsCors {
	c := &rsCors{
		allowCredentials:    o.AllowCredentials,
		allowPrivateNetwork: o.AllowPrivateNetwork,
		optionPassthrough:   o.OptionsPassthrough,
	}
	c.setOrigins(o.AllowedOrigins)
	c.setHeaders(o.AllowedHeaders)
	// Allowed Methods: default GET, POST, HEAD; kept as given (case-sensitive).
	if len(o.AllowedMethods) == 0 {
		c.allowedMethods = []string{"GET", "POST", "HEAD"}
	} else {
		c.allowedMethods = o.AllowedMethods
	}
	c.optionsSuccessStatus = o.OptionsSuccessStatus
	if c.optionsSuccessStatus == 0 {
		c.optionsSuccessStatus = 204
	}
	// Pre-compute exposed headers: canonicalized, joined with ", ".
	if len(o.ExposedHeaders) > 0 {
		names := make([]string, len(o.ExposedHeaders))
		for i, h := range o.ExposedHeaders {
			names[i] = goCanonicalHeaderKey(h)
		}
		c.exposedHeaders = strings.Join(names, ", ")
	}
	c.preflightVary = "Origin, Access-Control-Request-Method, Access-Control-Request-Headers"
	if c.allowPrivateNetwork {
		c.preflightVary += ", Access-Control-Request-Private-Network"
	}
	// MaxAge: > 0 is sent as is, < 0 sends "0", 0 omits the header.
	switch {
	case o.MaxAge > 0:
		c.maxAge = strconv.Itoa(o.MaxAge)
	case o.MaxAge < 0:
		c.maxAge = "0"
	}
	return c
}

// setOrigins mirrors the "Allowed origins" switch of cors.New: empty means
// all; each entry is lowercased; "*" anywhere turns the list into match-all;
// an entry with a * is split at its first * into a prefix and a suffix.
func (c *rsCors) setOrigins(origins []string) {
	if len(origins) == 0 {
		c.allowedOriginsAll = true
		return
	}
	for _, origin := range origins {
		origin = strings.ToLower(origin)
		if origin == "*" {
			c.allowedOriginsAll = true
			c.allowedOrigins, c.allowedWOrigins = nil, nil
			break
		} else if i := strings.IndexByte(origin, '*'); i >= 0 {
			c.allowedWOrigins = append(c.allowedWOrigins, rsWildcard{origin[:i], origin[i+1:]})
		} else {
			c.allowedOrigins = append(c.allowedOrigins, origin)
		}
	}
}

// setHeaders mirrors the "Allowed Headers" block of cors.New: default
// accept, content-type, x-requested-with; lowercased; "*" means any.
func (c *rsCors) setHeaders(headers []string) {
	if len(headers) == 0 {
		c.allowedHeaders = newRSSortedSet("accept", "content-type", "x-requested-with")
		return
	}
	normalized := make([]string, len(headers))
	for i, h := range headers {
		normalized[i] = strings.ToLower(h)
	}
	c.allowedHeaders = newRSSortedSet(normalized...)
	for _, h := range headers {
		if h == "*" {
			c.allowedHeadersAll = true
			c.allowedHeaders = rsSortedSet{}
			break
		}
	}
}

func (c *rsCors) warnings() []string { return nil }

// respond mirrors Cors.Handler: a preflight is OPTIONS with a non-empty
// Access-Control-Request-Method; it is answered by the middleware with
// OptionsSuccessStatus, or by next (200, no header) with OptionsPassthrough.
// Anything else is an actual request, which next answers 200.
func (c *rsCors) respond(req HTTPRequest) Response {
	if req.Method == "OPTIONS" && goHeaderGet(req.Headers, headerRequestMethod) != "" {
		hs := c.handlePreflight(req)
		if c.optionPassthrough {
			return Response{Status: 200, Headers: hs}
		}
		return Response{Status: c.optionsSuccessStatus, Headers: hs}
	}
	return Response{Status: 200, Headers: c.handleActualRequest(req)}
}

// handlePreflight mirrors Cors.handlePreflight: Vary always; then, for a
// present and allowed origin, an allowed method and allowed headers, the
// CORS headers. Any failure aborts silently: the status stays the same.
func (c *rsCors) handlePreflight(req HTTPRequest) Headers {
	hs := Headers{{Name: "Vary", Value: c.preflightVary}}
	origin := goHeaderGet(req.Headers, "Origin")
	if origin == "" || !c.isOriginAllowed(origin) {
		return hs
	}
	if !c.isMethodAllowed(goHeaderGet(req.Headers, headerRequestMethod)) {
		return hs
	}
	// Every Access-Control-Request-Headers line counts (rs/cors issue 184).
	reqHeaders := goHeaderValues(req.Headers, headerRequestHeaders)
	found := len(reqHeaders) > 0
	if found && !c.allowedHeadersAll && !c.allowedHeaders.accepts(reqHeaders) {
		return hs
	}
	if c.allowedOriginsAll {
		hs = append(hs, Header{Name: headerAllowOrigin, Value: "*"})
	} else {
		hs = goAppendLines(hs, headerAllowOrigin, goHeaderValues(req.Headers, "Origin"))
	}
	// The requested method (every line), never the configured list.
	hs = goAppendLines(hs, headerAllowMethods, goHeaderValues(req.Headers, headerRequestMethod))
	if found && len(reqHeaders[0]) > 0 {
		hs = goAppendLines(hs, headerAllowHeaders, reqHeaders) // echoed
	}
	if c.allowCredentials {
		hs = append(hs, Header{Name: headerAllowCredentials, Value: "true"})
	}
	if c.allowPrivateNetwork && goHeaderGet(req.Headers, "Access-Control-Request-Private-Network") == "true" {
		hs = append(hs, Header{Name: "Access-Control-Allow-Private-Network", Value: "true"})
	}
	if c.maxAge != "" {
		hs = append(hs, Header{Name: headerMaxAge, Value: c.maxAge})
	}
	return hs
}

// handleActualRequest mirrors Cors.handleActualRequest: Vary: Origin
// always; CORS headers only for a present, allowed origin using an allowed
// method (a check the CORS protocol does not make on actual requests).
func (c *rsCors) handleActualRequest(req HTTPRequest) Headers {
	hs := Headers{{Name: "Vary", Value: "Origin"}}
	origin := goHeaderGet(req.Headers, "Origin")
	if origin == "" || !c.isOriginAllowed(origin) || !c.isMethodAllowed(req.Method) {
		return hs
	}
	if c.allowedOriginsAll {
		hs = append(hs, Header{Name: headerAllowOrigin, Value: "*"})
	} else {
		hs = goAppendLines(hs, headerAllowOrigin, goHeaderValues(req.Headers, "Origin"))
	}
	if c.exposedHeaders != "" {
		hs = append(hs, Header{Name: headerExposeHeaders, Value: c.exposedHeaders})
	}
	if c.allowCredentials {
		hs = append(hs, Header{Name: headerAllowCredentials, Value: "true"})
	}
	return hs
}

// isOriginAllowed mirrors Cors.isOriginAllowed: "*" allows everything;
// otherwise the lowercased origin must equal an entry or match a wildcard.
func (c *rsCors) isOriginAllowed(origin string) bool {
	if c.allowedOriginsAll {
		return true
	}
	origin = strings.ToLower(origin)
	for _, o := range c.allowedOrigins {
		if o == origin {
			return true
		}
	}
	for _, w := range c.allowedWOrigins {
		if w.match(origin) {
			return true
		}
	}
	return false
}

// isMethodAllowed mirrors Cors.isMethodAllowed: OPTIONS always passes,
// other methods must be listed exactly (case-sensitive).
func (c *rsCors) isMethodAllowed(method string) bool {
	if len(c.allowedMethods) == 0 {
		return false
	}
	if method == "OPTIONS" {
		return true
	}
	for _, m := range c.allowedMethods {
		if m == method {
			return true
		}
	}
	return false
}

// rsWildcard mirrors utils.go's wildcard: prefix and suffix around the one
// *, which matches zero or more of any character (dots included).
type rsWildcard struct{ prefix, suffix string }

func (w rsWildcard) match(s string) bool {
	return len(s) >= len(w.prefix)+len(w.suffix) && strings.HasPrefix(s, w.prefix) && strings.HasSuffix(s, w.suffix)
}

// rsSortedSet mirrors internal.SortedSet: each name's rank in sorted order.
type rsSortedSet struct {
	m      map[string]int
	maxLen int
}

func newRSSortedSet(elems ...string) rsSortedSet {
	sort.Strings(elems)
	m := make(map[string]int)
	maxLen, i := 0, 0
	for _, s := range elems {
		if _, exists := m[s]; exists {
			continue
		}
		m[s] = i
		i++
		maxLen = max(maxLen, len(s))
	}
	return rsSortedSet{m: m, maxLen: maxLen}
}

const (
	rsMaxOWSBytes      = 1  // leading/trailing OWS bytes tolerated per element
	rsMaxEmptyElements = 16 // empty list elements tolerated
)

// accepts mirrors SortedSet.Accepts: every name of every line must be in
// the set, in strictly increasing sorted order (so lowercase, sorted, no
// duplicates, as browsers send them), with at most one OWS byte around each
// and at most 16 empty elements.
func (set rsSortedSet) accepts(values []string) bool {
	maxLen := rsMaxOWSBytes + set.maxLen + rsMaxOWSBytes + 1 // +1 for comma
	posOfLastNameSeen, emptyElements := -1, 0
	for _, s := range values {
		for {
			var name string
			var commaFound, ok bool
			name, s, commaFound = rsCutAtComma(s, maxLen)
			name, ok = rsTrimOWS(name, rsMaxOWSBytes)
			if !ok {
				return false
			}
			if name == "" {
				emptyElements++
				if emptyElements > rsMaxEmptyElements {
					return false
				}
				if !commaFound {
					break
				}
				continue
			}
			pos, ok := set.m[name]
			if !ok || pos <= posOfLastNameSeen {
				return false
			}
			posOfLastNameSeen = pos
			if !commaFound {
				break
			}
		}
	}
	return true
}

// rsCutAtComma mirrors cutAtComma: a comma counts only in the first n bytes.
func rsCutAtComma(s string, n int) (before, after string, found bool) {
	end := min(len(s), n)
	if i := strings.IndexByte(s[:end], ','); i >= 0 {
		return s[:i], s[i+1:], true
	}
	return s, "", false
}

// rsTrimOWS mirrors trimOWS: trims spaces and tabs on both ends, failing
// when more than n+1 are found at an end with something left.
func rsTrimOWS(s string, n int) (string, bool) {
	if s == "" {
		return s, true
	}
	trimmed, ok := rsTrimRightOWS(s, n)
	if !ok {
		return s, false
	}
	trimmed, ok = rsTrimLeftOWS(trimmed, n)
	if !ok {
		return s, false
	}
	return trimmed, true
}

func rsTrimLeftOWS(s string, n int) (string, bool) {
	sCopy := s
	for i := 0; len(s) > 0; i++ {
		if i > n {
			return sCopy, false
		}
		if s[0] != ' ' && s[0] != '\t' {
			break
		}
		s = s[1:]
	}
	return s, true
}

func rsTrimRightOWS(s string, n int) (string, bool) {
	sCopy := s
	for i := 0; len(s) > 0; i++ {
		if i > n {
			return sCopy, false
		}
		last := len(s) - 1
		if s[last] != ' ' && s[last] != '\t' {
			break
		}
		s = s[:last]
	}
	return s, true
}

// goHeaderValues is what Go's http.Header[name] holds: the value of every
// line named name (any case), in order; nil when none.
func goHeaderValues(hs Headers, name string) []string {
	var out []string
	for _, h := range hs {
		if strings.EqualFold(h.Name, name) {
			out = append(out, h.Value)
		}
	}
	return out
}

// goHeaderGet is Go's http.Header.Get: the first line's value, "" if none.
func goHeaderGet(hs Headers, name string) string {
	for _, h := range hs {
		if strings.EqualFold(h.Name, name) {
			return h.Value
		}
	}
	return ""
}

// goAppendLines adds one header line per value, as Go writes a multi-valued
// http.Header entry.
func goAppendLines(hs Headers, name string, values []string) Headers {
	for _, v := range values {
		hs = append(hs, Header{Name: name, Value: v})
	}
	return hs
}

// goCanonicalHeaderKey mirrors net/textproto.CanonicalMIMEHeaderKey (what
// http.CanonicalHeaderKey calls): unchanged when a byte is not a token
// character, otherwise upper case first and after each '-', lower case
// elsewhere. Ported to keep net/textproto, which imports net, out of the
// WebAssembly build.
func goCanonicalHeaderKey(s string) string {
	for i := 0; i < len(s); i++ {
		if !isTokenChar(s[i]) {
			return s
		}
	}
	b := []byte(s)
	upper := true
	for i, c := range b {
		if upper && 'a' <= c && c <= 'z' {
			c -= 'a' - 'A'
		} else if !upper && 'A' <= c && c <= 'Z' {
			c += 'a' - 'A'
		}
		b[i] = c
		upper = c == '-'
	}
	return string(b)
}
