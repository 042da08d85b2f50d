// Package gochicors emulates github.com/go-chi/cors v1.2.2:
// cors.New(options).Handler(next), where next writes "ok" (an implicit 200)
// for every method and path, served by net/http. The options are
// cors.Options decoded with encoding/json (unknown fields refused). The
// library validates nothing, so New never returns a *server.ConfigError.
// References are to cors.go and utils.go of that release, an older fork of
// rs/cors.
package gochicors

import (
	"encoding/json"
	"regexp"
	"strconv"
	"strings"

	"corsplay/engine/message"
	"corsplay/engine/server"
	"corsplay/engine/server/gostack"
)

// library is what the registry holds (command.go adds the command's
// parts).
var library = server.Library{
	Name: "go-chi-cors", Version: "v1.2.2", Default: true, Title: "go-chi/cors", Language: "Go",
	Call: "cors.Handler(cors.Options{…})", OriginsOption: "AllowedOrigins",
	Options: []server.Option{
		{Name: "AllowedOrigins", Type: "list of strings", Default: "nil (every origin)", Doc: `The origins allowed, compared in lower case; "*" allows every origin, and one * inside an entry matches any characters.`},
		{Name: "AllowedMethods", Type: "list of strings", Default: `[]string{"GET", "POST", "HEAD"}`, Doc: "The methods allowed, upper-cased; it also filters actual requests."},
		{Name: "AllowedHeaders", Type: "list of strings", Default: `[]string{"Origin", "Accept", "Content-Type"}`, Doc: `The request headers a preflight may ask for; "Origin" is always added, "*" allows any.`},
		{Name: "ExposedHeaders", Type: "list of strings", Default: "nil", Doc: "Access-Control-Expose-Headers on actual requests, canonicalized and joined with \", \"."},
		{Name: "AllowCredentials", Type: "boolean", Default: "false", Doc: "Sends Access-Control-Allow-Credentials: true."},
		{Name: "MaxAge", Type: "integer", Default: "0", Doc: "Access-Control-Max-Age in seconds on successful preflights; 0 or less sends none."},
		{Name: "OptionsPassthrough", Type: "boolean", Default: "false", Doc: "Lets the app answer preflights after the middleware has set its headers."},
		{Name: "Debug", Type: "boolean", Default: "false", Doc: "Logs each decision (to io.Discard here); no effect on answers."},
	},
	Quirks: []string{
		`"*" anywhere in AllowedOrigins, or an empty list, lets every origin in with "Access-Control-Allow-Origin: *", and AllowCredentials then sends * with true, which browsers refuse.`,
		`A * inside an origin matches any characters, dots included: "https://*.example.com" lets in "https://a.b.example.com" and "https://*example.com" lets in "https://evilexample.com"; only the first * is a wildcard.`,
		"Origins are lower-cased on both sides, so matching ignores case.",
		"A refused preflight still answers 200 with only its three Vary lines: never a 4xx.",
		"Access-Control-Allow-Methods echoes the requested method, upper-cased, and Access-Control-Allow-Headers echoes the requested headers as go-chi re-spells them (capitalized, characters other than letters, digits, - _ . dropped).",
		`Methods compare ignoring case (a "patch" preflight passes for PATCH) and OPTIONS always passes.`,
		"An actual request whose method AllowedMethods does not list gets no CORS header: with the defaults, a PUT from an allowed origin is answered without Access-Control-Allow-Origin.",
		"Listing AllowedHeaders replaces the defaults, so Content-Type and Accept are no longer allowed unless listed; Origin is always added.",
		"Only the first Access-Control-Request-Headers line is read.",
		"A preflight needs an Origin header (even empty) and a non-empty Access-Control-Request-Method; any other OPTIONS request reaches the app as an actual request.",
		"Vary: Origin is sent on every actual request, allowed or not, and a preflight always gets three Vary lines.",
	},
	New:       func(o map[string]json.RawMessage) (server.Emulation, error) { return newCors(o) },
	Summarize: summarize,
	Fixer:     fixer,
}

func init() {
	server.Register(&library)
}

// options mirrors cors.Options minus AllowOriginFunc.
type options struct {
	AllowedOrigins, AllowedMethods, AllowedHeaders, ExposedHeaders []string
	AllowCredentials                                               bool
	MaxAge                                                         int
	OptionsPassthrough, Debug                                      bool
}

// fields are cors.Options' fields as encoding/json sees them; AllowOriginFunc
// (a func) decodes from null only.
var fields = []string{"AllowedOrigins", "AllowOriginFunc", "AllowedMethods", "AllowedHeaders",
	"ExposedHeaders", "AllowCredentials", "MaxAge", "OptionsPassthrough", "Debug"}

// field is the field encoding/json decodes key into: the exact name, else
// one equal under Unicode case folding (bytes.EqualFold); "" for none.
func field(key string) string {
	for _, f := range fields {
		if f == key {
			return f
		}
	}
	for _, f := range fields {
		if strings.EqualFold(f, key) {
			return f
		}
	}
	return ""
}

// decode reads the options as json.Decoder with DisallowUnknownFields
// reads them into a cors.Options.
func decode(m map[string]json.RawMessage) (options, error) {
	var o options
	seen := map[string]string{}
	for key, raw := range m {
		f := field(key)
		if f == "" {
			return o, &server.OptionError{Path: key, Problem: `json: unknown field "` + key + `": cors.Options has no such field (its fields: ` + strings.Join(fields, ", ") + ")"}
		}
		if other, ok := seen[f]; ok {
			a, b := min(key, other), max(key, other)
			return o, &server.OptionError{Path: b, Problem: a + " and " + b + " both name cors.Options." + f + ": encoding/json keeps the later one in the text, which corsplay does not see; keep one"}
		}
		seen[f] = key
		var v any
		want := "a list of strings"
		switch f {
		case "AllowedOrigins":
			v = &o.AllowedOrigins
		case "AllowedMethods":
			v = &o.AllowedMethods
		case "AllowedHeaders":
			v = &o.AllowedHeaders
		case "ExposedHeaders":
			v = &o.ExposedHeaders
		case "AllowCredentials":
			v, want = &o.AllowCredentials, "a boolean"
		case "OptionsPassthrough":
			v, want = &o.OptionsPassthrough, "a boolean"
		case "Debug":
			v, want = &o.Debug, "a boolean"
		case "MaxAge":
			v, want = &o.MaxAge, "an integer (a Go int)"
		case "AllowOriginFunc":
			if string(raw) != "null" {
				return o, &server.OptionError{Path: key, Problem: message.BriefJSON(raw) + " is not null: AllowOriginFunc is a Go func(*http.Request, string) bool, which JSON cannot express; list the origins in AllowedOrigins"}
			}
			continue
		}
		if json.Unmarshal(raw, v) != nil {
			return o, &server.OptionError{Path: key, Problem: message.BriefJSON(raw) + " is not " + want}
		}
	}
	return o, nil
}

// cors is a configured cors.Cors: the fields New computes.
type cors struct {
	origins                  []string    // lower-cased exact origins
	wildcards                [][2]string // prefix and suffix around the first *
	allOrigins, allHeaders   bool
	headers                  []string // canonical, Origin appended
	methods                  []string // upper-cased
	exposed, maxAge          string   // "" when not sent
	credentials, passthrough bool
}

// newCors mirrors cors.New.
func newCors(m map[string]json.RawMessage) (*cors, error) {
	o, err := decode(m)
	if err != nil {
		return nil, err
	}
	c := &cors{credentials: o.AllowCredentials, passthrough: o.OptionsPassthrough}
	if len(o.ExposedHeaders) > 0 {
		names := make([]string, len(o.ExposedHeaders))
		for i, h := range o.ExposedHeaders {
			names[i] = gostack.CanonicalHeaderKey(h)
		}
		c.exposed = strings.Join(names, ", ")
	}
	if o.MaxAge > 0 {
		c.maxAge = strconv.Itoa(o.MaxAge)
	}
	c.allOrigins = len(o.AllowedOrigins) == 0
	for _, origin := range o.AllowedOrigins {
		origin = strings.ToLower(origin)
		if origin == "*" {
			c.allOrigins, c.origins, c.wildcards = true, nil, nil
			break
		} else if i := strings.IndexByte(origin, '*'); i >= 0 {
			c.wildcards = append(c.wildcards, [2]string{origin[:i], origin[i+1:]})
		} else {
			c.origins = append(c.origins, origin)
		}
	}
	if len(o.AllowedHeaders) == 0 {
		c.headers = []string{"Origin", "Accept", "Content-Type"}
	} else {
		for _, h := range o.AllowedHeaders {
			c.headers = append(c.headers, gostack.CanonicalHeaderKey(h))
			c.allHeaders = c.allHeaders || h == "*"
		}
		c.headers = append(c.headers, "Origin")
	}
	if len(o.AllowedMethods) == 0 {
		c.methods = []string{"GET", "POST", "HEAD"}
	} else {
		for _, m := range o.AllowedMethods {
			c.methods = append(c.methods, strings.ToUpper(m))
		}
	}
	return c, nil
}

func (c *cors) Warnings() []string { return nil }

// Respond mirrors Cors.Handler: a preflight is OPTIONS with an Origin header
// and a non-empty Access-Control-Request-Method. Headers are built in the
// order net/http writes them (names sorted).
func (c *cors) Respond(req message.Request) message.Response {
	origin, hasOrigin := gostack.HeaderValue(req.Headers, "Origin")
	acrm, _ := gostack.HeaderValue(req.Headers, "Access-Control-Request-Method")
	var hs message.Headers
	if req.Method == "OPTIONS" && acrm != "" && hasOrigin {
		// handlePreflight: Vary always; the rest only when every check passes.
		acrh, _ := gostack.HeaderValue(req.Headers, "Access-Control-Request-Headers")
		reqHeaders := parseHeaderList(acrh)
		if c.originAllowed(origin) && c.methodAllowed(acrm) && c.headersAllowed(reqHeaders) {
			if c.credentials {
				hs = append(hs, message.Header{Name: "Access-Control-Allow-Credentials", Value: "true"})
			}
			if len(reqHeaders) > 0 {
				hs = append(hs, message.Header{Name: "Access-Control-Allow-Headers", Value: strings.Join(reqHeaders, ", ")})
			}
			hs = append(hs, message.Header{Name: "Access-Control-Allow-Methods", Value: strings.ToUpper(acrm)}, c.allowOrigin(origin))
			if c.maxAge != "" {
				hs = append(hs, message.Header{Name: "Access-Control-Max-Age", Value: c.maxAge})
			}
		}
		hs = append(hs, message.Header{Name: "Vary", Value: "Origin"}, message.Header{Name: "Vary", Value: "Access-Control-Request-Method"},
			message.Header{Name: "Vary", Value: "Access-Control-Request-Headers"})
		return gostack.Answer(req.Method, 200, hs, c.passthrough)
	}
	// handleActualRequest: Vary: Origin always, then next writes "ok".
	if hasOrigin && c.originAllowed(origin) && c.methodAllowed(req.Method) {
		if c.credentials {
			hs = append(hs, message.Header{Name: "Access-Control-Allow-Credentials", Value: "true"})
		}
		hs = append(hs, c.allowOrigin(origin))
		if c.exposed != "" {
			hs = append(hs, message.Header{Name: "Access-Control-Expose-Headers", Value: c.exposed})
		}
	}
	hs = append(hs, message.Header{Name: "Vary", Value: "Origin"})
	return gostack.Answer(req.Method, 200, hs, true)
}

func (c *cors) allowOrigin(origin string) message.Header {
	if c.allOrigins {
		origin = "*"
	}
	return message.Header{Name: "Access-Control-Allow-Origin", Value: origin}
}

// originAllowed mirrors isOriginAllowed (AllowOriginFunc aside).
func (c *cors) originAllowed(origin string) bool {
	if c.allOrigins {
		return true
	}
	origin = strings.ToLower(origin)
	for _, o := range c.origins {
		if o == origin {
			return true
		}
	}
	for _, w := range c.wildcards {
		// wildcard.match
		if len(origin) >= len(w[0])+len(w[1]) && strings.HasPrefix(origin, w[0]) && strings.HasSuffix(origin, w[1]) {
			return true
		}
	}
	return false
}

// methodAllowed mirrors isMethodAllowed: upper-cased; OPTIONS always.
func (c *cors) methodAllowed(method string) bool {
	method = strings.ToUpper(method)
	if method == "OPTIONS" {
		return true
	}
	for _, m := range c.methods {
		if m == method {
			return true
		}
	}
	return false
}

// headersAllowed mirrors areHeadersAllowed.
func (c *cors) headersAllowed(requested []string) bool {
	if c.allHeaders {
		return true
	}
next:
	for _, h := range requested {
		h = gostack.CanonicalHeaderKey(h)
		for _, a := range c.headers {
			if a == h {
				continue next
			}
		}
		return false
	}
	return true
}

// parseHeaderList mirrors utils.go's: letters, digits, - _ . kept (letters
// capitalized as in a canonical key), anything else dropped; a space or a
// comma ends a name.
func parseHeaderList(list string) []string {
	var headers []string
	h := make([]byte, 0, len(list))
	upper := true
	for i := 0; i < len(list); i++ {
		b := list[i]
		switch {
		case 'a' <= b && b <= 'z' && upper:
			h = append(h, b-32)
		case 'A' <= b && b <= 'Z' && !upper:
			h = append(h, b+32)
		case 'a' <= b && b <= 'z', 'A' <= b && b <= 'Z', '0' <= b && b <= '9', b == '-', b == '_', b == '.':
			h = append(h, b)
		}
		if b == ' ' || b == ',' || i == len(list)-1 {
			if len(h) > 0 {
				headers = append(headers, string(h))
				h = h[:0]
				upper = true
			}
		} else {
			upper = b == '-'
		}
	}
	return headers
}

// summarize reads the options as the lint's policy words.
func summarize(m map[string]json.RawMessage) server.Summary {
	o, _ := decode(m)
	s := server.Summary{Credentials: o.AllowCredentials}
	if len(o.AllowedOrigins) == 0 {
		s.AnyOrigin = "wildcard"
	}
	for _, raw := range o.AllowedOrigins {
		origin := strings.ToLower(raw)
		if origin == "*" {
			s.AnyOrigin, s.AnyEntry, s.Origins = "wildcard", strconv.Quote(raw), nil
			break
		}
		e := server.Entry{Written: raw, Policy: origin}
		if i := strings.IndexByte(origin, '*'); i >= 0 && !subdomains(origin[:i], origin[i+1:]) {
			e.Policy = "re:(?i)^" + regexp.QuoteMeta(origin[:i]) + ".*" + regexp.QuoteMeta(origin[i+1:]) + "$"
		}
		s.Origins = append(s.Origins, e)
	}
	if len(o.AllowedOrigins) > 0 {
		s.Notes = append(s.Notes, "go-chi/cors compares origins in lower case, and lets an origin in on an actual request only if AllowedMethods lists the request's method.")
	}
	return s
}

// subdomains: "scheme://" and ".host" around the *, which then means the
// policy's scheme://*.host on the origins browsers send.
func subdomains(prefix, suffix string) bool {
	scheme, ok := strings.CutSuffix(prefix, "://")
	host, dot := strings.CutPrefix(suffix, ".")
	return ok && dot && scheme != "" && host != "" && strings.Trim(scheme, "abcdefghijklmnopqrstuvwxyz0123456789+-.") == "" &&
		strings.Trim(host, "abcdefghijklmnopqrstuvwxyz0123456789-.") == "" && host[0] != '.' && host[len(host)-1] != '.'
}
