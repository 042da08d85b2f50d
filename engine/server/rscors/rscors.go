// Package rscors emulates github.com/rs/cors v1.11.1: cors.New(opts) then
// .Handler(next), where next answers 200 with no header. Options are the
// fields of cors.Options with their Go names and JSON values. The library
// validates nothing, so New never returns a *server.ConfigError. Source
// references are to cors.go, utils.go and internal/sortedset.go of that
// release.
package rscors

import (
	"encoding/json"
	"fmt"
	"sort"
	"strconv"
	"strings"

	"corsplay/engine/message"
	"corsplay/engine/server"
)

// Name is server.library.name.
const Name = "rs-cors"

func init() { server.Register(&library) }

// library is a package variable, laid out by the linker rather than built
// at start-up.
var library = server.Library{
	Name: Name, Version: "v1.11.1", Default: true, Title: "rs/cors", Language: "Go",
	Call: "cors.New(cors.Options{...})", OriginsOption: "AllowedOrigins",
	Options: []server.Option{
		{Name: "AllowedOrigins", Default: "[] (every origin, answered *)"},
		{Name: "AllowedMethods", Default: `["GET", "POST", "HEAD"]`},
		{Name: "AllowedHeaders", Default: `["accept", "content-type", "x-requested-with"]`},
		{Name: "ExposedHeaders", Default: "[]"},
		{Name: "MaxAge", Default: "0 (header omitted)"},
		{Name: "AllowCredentials", Default: "false"},
		{Name: "AllowPrivateNetwork"},
		{Name: "OptionsPassthrough"},
		{Name: "OptionsSuccessStatus", Default: "204"},
	},
	Quirks:    []string{"No validation: an empty AllowedOrigins or a \"*\" allows every origin; one * per entry matches any text (\"h*\" matches almost everything). A refused preflight gets 204 without CORS headers, so browsers report a missing Access-Control-Allow-Origin."},
	New:       newCors,
	Summarize: summarize,
	Fixer:     fixer,
	Matching:  server.Matching{Exact: "rs/cors lower-cases the entry and the Origin and compares the rest exactly"},
}

func newCors(options map[string]json.RawMessage) (server.Emulation, error) {
	o, err := decode(options)
	if err != nil {
		return nil, err
	}
	return newRSCorsFromOptions(o), nil
}

// funcOptions are the fields of cors.Options that hold Go functions or
// interfaces: JSON cannot express them.
var funcOptions = [][2]string{
	{"AllowOriginFunc", "func(origin string) bool"},
	{"AllowOriginRequestFunc", "func(r *http.Request, origin string) bool"},
	{"AllowOriginVaryRequestFunc", "func(r *http.Request, origin string) (bool, []string)"},
	{"Logger", "a cors.Logger interface value"},
}

// optionNames are the fields of cors.Options that corsplay reads.
var optionNames = []string{"AllowedOrigins", "AllowedMethods", "AllowedHeaders", "ExposedHeaders",
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

// decode reads cors.Options from JSON, refusing what a Go program could
// not write: unknown fields (it would not compile) and function-valued ones
// (out of corsplay's scope).
func decode(options map[string]json.RawMessage) (rsOptions, error) {
	var o rsOptions
	d := server.NewOptions(options)
	for _, f := range funcOptions {
		if name, typ := f[0], f[1]; d.Has(name) {
			return o, &server.OptionError{Path: name, Problem: fmt.Sprintf("%s is %s: JSON cannot express it and corsplay does not emulate it; list origins in AllowedOrigins instead", name, typ)}
		}
	}
	d.GoValue("AllowedOrigins", &o.AllowedOrigins)
	d.GoValue("AllowedMethods", &o.AllowedMethods)
	d.GoValue("AllowedHeaders", &o.AllowedHeaders)
	d.GoValue("ExposedHeaders", &o.ExposedHeaders)
	d.GoValue("MaxAge", &o.MaxAge)
	d.GoValue("AllowCredentials", &o.AllowCredentials)
	d.GoValue("AllowPrivateNetwork", &o.AllowPrivateNetwork)
	d.GoValue("OptionsPassthrough", &o.OptionsPassthrough)
	d.GoValue("OptionsSuccessStatus", &o.OptionsSuccessStatus)
	d.GoValue("Debug", &o.Debug) // only logs: no effect on responses
	if err := d.Err(); err != nil {
		return o, err
	}
	if unknown := d.Unknown(); len(unknown) > 0 {
		return o, server.UnknownGoField("cors.Options", unknown[0], optionNames, funcOptions)
	}
	// net/http panics on WriteHeader outside 100..999 and sends 1xx as an
	// interim response: neither is a final answer corsplay can show.
	if s := o.OptionsSuccessStatus; s != 0 && !o.OptionsPassthrough && (s < 200 || s > 599) {
		return o, &server.OptionError{Path: "OptionsSuccessStatus", Problem: fmt.Sprintf("%d: corsplay models final statuses 200 to 599 (net/http panics on WriteHeader below 100 or above 999, and sends 1xx as an interim response)", s)}
	}
	return o, nil
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

func (c *rsCors) Warnings() []string { return nil }

// Respond mirrors Cors.Handler: a preflight is OPTIONS with a non-empty
// Access-Control-Request-Method; it is answered by the middleware with
// OptionsSuccessStatus, or by next (200, no header) with OptionsPassthrough.
// Anything else is an actual request, which next answers 200.
func (c *rsCors) Respond(req message.Request) message.Response {
	if req.Method == "OPTIONS" && goHeaderGet(req.Headers, "Access-Control-Request-Method") != "" {
		hs := c.handlePreflight(req)
		if c.optionPassthrough {
			return message.Response{Status: 200, Headers: hs}
		}
		return message.Response{Status: c.optionsSuccessStatus, Headers: hs}
	}
	return message.Response{Status: 200, Headers: c.handleActualRequest(req)}
}

// handlePreflight mirrors Cors.handlePreflight: Vary always; then, for a
// present and allowed origin, an allowed method and allowed headers, the
// CORS headers. Any failure aborts silently: the status stays the same.
func (c *rsCors) handlePreflight(req message.Request) message.Headers {
	hs := message.Headers{{Name: "Vary", Value: c.preflightVary}}
	origin := goHeaderGet(req.Headers, "Origin")
	if origin == "" || !c.isOriginAllowed(origin) {
		return hs
	}
	if !c.isMethodAllowed(goHeaderGet(req.Headers, "Access-Control-Request-Method")) {
		return hs
	}
	// Every Access-Control-Request-Headers line counts (rs/cors issue 184).
	reqHeaders := req.Headers.Values("Access-Control-Request-Headers")
	found := len(reqHeaders) > 0
	if found && !c.allowedHeadersAll && !c.allowedHeaders.accepts(reqHeaders) {
		return hs
	}
	if c.allowedOriginsAll {
		hs = append(hs, message.Header{Name: "Access-Control-Allow-Origin", Value: "*"})
	} else {
		hs = server.GoHeaderLines(hs, "Access-Control-Allow-Origin", req.Headers.Values("Origin"))
	}
	// The requested method (every line), never the configured list.
	hs = server.GoHeaderLines(hs, "Access-Control-Allow-Methods", req.Headers.Values("Access-Control-Request-Method"))
	if found && len(reqHeaders[0]) > 0 {
		hs = server.GoHeaderLines(hs, "Access-Control-Allow-Headers", reqHeaders) // echoed
	}
	if c.allowCredentials {
		hs = append(hs, message.Header{Name: "Access-Control-Allow-Credentials", Value: "true"})
	}
	if c.allowPrivateNetwork && goHeaderGet(req.Headers, "Access-Control-Request-Private-Network") == "true" {
		hs = append(hs, message.Header{Name: "Access-Control-Allow-Private-Network", Value: "true"})
	}
	if c.maxAge != "" {
		hs = append(hs, message.Header{Name: "Access-Control-Max-Age", Value: c.maxAge})
	}
	return hs
}

// handleActualRequest mirrors Cors.handleActualRequest: Vary: Origin
// always; CORS headers only for a present, allowed origin using an allowed
// method (a check the CORS protocol does not make on actual requests).
func (c *rsCors) handleActualRequest(req message.Request) message.Headers {
	hs := message.Headers{{Name: "Vary", Value: "Origin"}}
	origin := goHeaderGet(req.Headers, "Origin")
	if origin == "" || !c.isOriginAllowed(origin) || !c.isMethodAllowed(req.Method) {
		return hs
	}
	if c.allowedOriginsAll {
		hs = append(hs, message.Header{Name: "Access-Control-Allow-Origin", Value: "*"})
	} else {
		hs = server.GoHeaderLines(hs, "Access-Control-Allow-Origin", req.Headers.Values("Origin"))
	}
	if c.exposedHeaders != "" {
		hs = append(hs, message.Header{Name: "Access-Control-Expose-Headers", Value: c.exposedHeaders})
	}
	if c.allowCredentials {
		hs = append(hs, message.Header{Name: "Access-Control-Allow-Credentials", Value: "true"})
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

// goHeaderGet is Go's http.Header.Get: the first line's value, "" if none.
func goHeaderGet(hs message.Headers, name string) string {
	for _, h := range hs {
		if strings.EqualFold(h.Name, name) {
			return h.Value
		}
	}
	return ""
}

// goCanonicalHeaderKey mirrors net/textproto.CanonicalMIMEHeaderKey (what
// http.CanonicalHeaderKey calls): unchanged when a byte is not a token
// character, otherwise upper case first and after each '-', lower case
// elsewhere. Ported to keep net/textproto, which imports net, out of the
// WebAssembly build.
func goCanonicalHeaderKey(s string) string {
	for i := 0; i < len(s); i++ {
		if !strings.ContainsRune(tokenChars, rune(s[i])) {
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

// tokenChars are RFC 9110's tchar.
const tokenChars = "!#$%&'*+-.^_`|~0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz"
