// Package jub0bscors emulates github.com/jub0bs/cors v1.0.1:
// cors.NewMiddleware(cfg) then mw.Wrap(next), where next answers 200 with
// no header, debug mode off. Options are the fields of cors.Config with
// their Go names and JSON values. NewMiddleware validates the whole
// configuration and joins every error (errors.Join): the
// *server.ConfigError carries that text. Source references are to
// config.go, middleware.go, cfgerrors/cfgerrors.go and
// internal/{headers,methods,origins,util} of that release; the host checks
// live in idna.go and psl.go.
package jub0bscors

import (
	"encoding/json"
	"fmt"
	"net/netip"
	"slices"
	"strconv"
	"strings"

	"corsplay/engine/message"
	"corsplay/engine/server"
)

// Name is server.library.name.
const Name = "jub0bs-cors"

func init() { server.Register(&library) }

// library is a package variable, laid out by the linker rather than built
// at start-up.
var library = server.Library{
	Name: Name, Version: "v1.0.1", Default: true, Title: "jub0bs/cors", Language: "Go",
	Call: "cors.NewMiddleware(cors.Config{...})", OriginsOption: "Origins",
	Options: []server.Option{
		{Name: "Origins", Default: "none by design (at least one origin must be listed)"},
		{Name: "Credentialed", Default: "false"},
		{Name: "Methods", Default: "none beyond the safelisted ones"},
		{Name: "RequestHeaders", Default: "none beyond the safelisted ones"},
		{Name: "MaxAgeInSeconds", Default: "0 (browsers' 5 s; -1 disables caching)"},
		{Name: "ResponseHeaders"},
		{Name: "DangerouslyTolerateInsecureOrigins"},
		{Name: "DangerouslyTolerateSubdomainsOfPublicSuffixes"},
	},
	Quirks:    []string{"Validates everything up front and refuses dangerous or useless settings (null, * with credentials, http origins with credentials, *.com…) with its own error: the server does not start. A refused preflight gets 403."},
	New:       func(o map[string]json.RawMessage) (server.Emulation, error) { return newJub0bsCors(o) },
	Summarize: summarize,
	Fixer:     fixer,
}

// jubConfigFields are the exported fields of cors.Config.
var jubConfigFields = []string{"Origins", "Credentialed", "Methods", "RequestHeaders", "MaxAgeInSeconds",
	"ResponseHeaders", "DangerouslyTolerateInsecureOrigins", "DangerouslyTolerateSubdomainsOfPublicSuffixes"}

// jubConfig mirrors cors.Config.
type jubConfig struct {
	Origins, Methods, RequestHeaders, ResponseHeaders []string
	Credentialed                                      bool
	MaxAgeInSeconds                                   int
	DangerouslyTolerateInsecureOrigins                bool
	DangerouslyTolerateSubdomainsOfPublicSuffixes     bool
}

// jubCors mirrors internalConfig (config.go); anyOrigin is tree.IsEmpty()
// and patterns the tree's contents.
type jubCors struct {
	anyOrigin                    bool
	patterns                     []jubPattern
	aceh                         string
	credentialed                 bool
	allowAnyMethod               bool
	wildcardRequestHeaders       bool
	tolerateSubsOfPublicSuffixes bool
	tolerateInsecureOrigins      bool
	preflight                    bool // whether a preflight may succeed
	allowedMethods               jubSortedSet
	allowedRequestHeaders        jubSortedSet
	acah                         string
	acma                         string
}

func newJub0bsCors(options map[string]json.RawMessage) (*jubCors, error) {
	cfg, err := decode(options)
	if err != nil {
		return nil, err
	}
	c, errs, err := newJubCors(cfg)
	if err != nil {
		return nil, err
	}
	if len(errs) > 0 {
		return nil, &server.ConfigError{Library: Name, Message: strings.Join(errs, "\n")}
	}
	return c, nil
}

// decode reads cors.Config from JSON, refusing what a Go program could not
// write (an unknown field would not compile).
func decode(options map[string]json.RawMessage) (jubConfig, error) {
	var cfg jubConfig
	d := server.NewOptions(options)
	d.GoValue("Origins", &cfg.Origins)
	d.GoValue("Credentialed", &cfg.Credentialed)
	d.GoValue("Methods", &cfg.Methods)
	d.GoValue("RequestHeaders", &cfg.RequestHeaders)
	d.GoValue("MaxAgeInSeconds", &cfg.MaxAgeInSeconds)
	d.GoValue("ResponseHeaders", &cfg.ResponseHeaders)
	d.GoValue("DangerouslyTolerateInsecureOrigins", &cfg.DangerouslyTolerateInsecureOrigins)
	d.GoValue("DangerouslyTolerateSubdomainsOfPublicSuffixes", &cfg.DangerouslyTolerateSubdomainsOfPublicSuffixes)
	if err := d.Err(); err != nil {
		return cfg, err
	}
	if unknown := d.Unknown(); len(unknown) > 0 {
		return cfg, server.UnknownGoField("cors.Config", unknown[0], jubConfigFields, nil)
	}
	return cfg, nil
}

// newJubCors mirrors newInternalConfig: every validation runs and every
// error is kept, in this order; errors.Join separates them with newlines.
// err is not jub0bs/cors's: the Public Suffix List could not be read.
func newJubCors(cfg jubConfig) (*jubCors, []string, error) {
	c := &jubCors{
		credentialed:                 cfg.Credentialed,
		tolerateInsecureOrigins:      cfg.DangerouslyTolerateInsecureOrigins,
		tolerateSubsOfPublicSuffixes: cfg.DangerouslyTolerateSubdomainsOfPublicSuffixes,
	}
	errs, err := c.validateOriginPatterns(cfg.Origins)
	if err != nil {
		return nil, nil, err
	}
	errs = c.validateMethods(errs, cfg.Methods)
	errs = c.validateRequestHeaders(errs, cfg.RequestHeaders)
	errs = c.validateMaxAge(errs, cfg.MaxAgeInSeconds)
	errs = c.validateResponseHeaders(errs, cfg.ResponseHeaders)
	if len(errs) > 0 {
		return nil, errs, nil
	}
	c.preflight = c.allowAnyMethod || c.allowedMethods.size() > 0 ||
		c.wildcardRequestHeaders || c.allowedRequestHeaders.size() > 0
	return c, nil, nil
}

func (c *jubCors) Warnings() []string { return nil }

// The texts of cfgerrors (cfgerrors.go, the Error methods).
const (
	jubErrNoOrigin         = "cors: at least one origin must be allowed"
	jubErrWildcardOrigin   = "cors: for security reasons, you cannot both allow all origins and enable credentialed access"
	jubErrWildcardExposure = "cors: you cannot both expose all response headers and enable credentialed access"
)

func jubOriginError(reason, pattern string) string {
	return fmt.Sprintf("cors: %s origin pattern %q", reason, pattern)
}

func jubMethodError(reason, method string) string {
	return fmt.Sprintf("cors: %s method %q", reason, method)
}

func jubHeaderError(reason, typ, name string) string {
	return fmt.Sprintf("cors: %s %s-header name %q", reason, typ, name)
}

// validateOriginPatterns mirrors the method of the same name: "*" (refused
// with credentials), then each pattern parsed, refused when insecure or a
// subdomain wildcard of a public suffix with credentials unless tolerated.
func (c *jubCors) validateOriginPatterns(raws []string) ([]string, error) {
	if len(raws) == 0 {
		return []string{jubErrNoOrigin}, nil
	}
	var (
		ps       []jubPattern
		allowAny bool
		errs     []string
	)
	for i, raw := range raws {
		if raw == "*" {
			if c.credentialed {
				errs = append(errs, jubErrWildcardOrigin)
				continue
			}
			allowAny = true
			continue
		}
		p, err := jubParsePattern(raw)
		if err != "" {
			errs = append(errs, err)
			continue
		}
		if !c.tolerateInsecureOrigins && c.credentialed && p.isDeemedInsecure() {
			errs = append(errs, fmt.Sprintf("cors: for security reasons, insecure origin patterns like %q are by default prohibited when credentialed access is enabled", raw))
			continue
		}
		if !c.tolerateSubsOfPublicSuffixes && c.credentialed && p.kind == jubArbitrarySubdomains {
			suffix, err := p.hostIsEffectiveTLD()
			if err != nil {
				return nil, &server.OptionError{Path: fmt.Sprintf("Origins[%d]", i), Problem: "corsplay could not read the Public Suffix List, which jub0bs/cors checks " + strconv.Quote(raw) + " against: " + err.Error()}
			}
			if suffix {
				errs = append(errs, fmt.Sprintf("cors: for security reasons, origin patterns like %q that encompass subdomains of a public suffix are by default prohibited", raw))
				continue
			}
		}
		ps = append(ps, p)
	}
	c.anyOrigin = allowAny
	if !allowAny {
		c.patterns = ps
	}
	return errs, nil
}

// validateMethods mirrors the method of the same name: "*" allows any;
// names must be tokens; DELETE, GET, HEAD, OPTIONS, POST and PUT are
// upper-cased (methods.Normalize), others kept as written; safelisted ones
// (GET, HEAD, POST) are dropped; CONNECT, TRACE and TRACK (any case) are
// forbidden.
func (c *jubCors) validateMethods(errs []string, names []string) []string {
	for _, name := range names {
		if name == "*" {
			if c.allowAnyMethod {
				continue
			}
			c.allowedMethods = jubSortedSet{}
			c.allowAnyMethod = true
			continue
		}
		if !server.IsToken(name) {
			errs = append(errs, jubMethodError("invalid", name))
			continue
		}
		name = jubNormalizeMethod(name)
		if jubSafelistedMethod(name) {
			continue
		}
		switch strings.ToUpper(name) {
		case "CONNECT", "TRACE", "TRACK":
			errs = append(errs, jubMethodError("forbidden", name))
			continue
		}
		if !c.allowAnyMethod {
			c.allowedMethods.add(name)
		}
	}
	c.allowedMethods.fix()
	return errs
}

// jubNormalizeMethod mirrors methods.Normalize.
func jubNormalizeMethod(name string) string {
	switch upper := strings.ToUpper(name); upper {
	case "DELETE", "GET", "HEAD", "OPTIONS", "POST", "PUT":
		return upper
	}
	return name
}

// jubSafelistedMethod mirrors methods.IsSafelisted: case-sensitive.
func jubSafelistedMethod(name string) bool {
	return name == "GET" || name == "HEAD" || name == "POST"
}

// validateRequestHeaders mirrors the method of the same name: names are
// lowercased; "*" covers everything but Authorization unless credentialed;
// forbidden request headers and Access-Control-Allow-*, -Max-Age and
// -Expose-Headers are refused. The ACAH value is precomputed: "*",
// "*,authorization" or the sorted names joined with ",".
func (c *jubCors) validateRequestHeaders(errs []string, names []string) []string {
	if len(names) == 0 {
		return errs
	}
	var (
		allowed   jubSortedSet
		allowAuth bool
		nbErrors  = len(errs)
	)
	for _, name := range names {
		if name == "*" {
			if c.wildcardRequestHeaders {
				continue
			}
			c.wildcardRequestHeaders = true
			allowed = jubSortedSet{}
			if allowAuth {
				allowed.add("authorization")
			}
			continue
		}
		if !server.IsToken(name) {
			errs = append(errs, jubHeaderError("invalid", "request", name))
			continue
		}
		normalized := strings.ToLower(name)
		if normalized == "authorization" {
			if allowAuth {
				continue
			}
			allowAuth = true
			allowed.add(normalized)
			continue
		}
		if jubForbiddenRequestHeader(normalized) {
			errs = append(errs, jubHeaderError("forbidden", "request", name))
			continue
		}
		if jubProhibitedRequestHeader(normalized) {
			errs = append(errs, jubHeaderError("prohibited", "request", name))
			continue
		}
		if !c.wildcardRequestHeaders {
			allowed.add(normalized)
		}
	}
	if len(errs) > nbErrors {
		return errs
	}
	allowed.fix()
	switch {
	case c.wildcardRequestHeaders && !c.credentialed:
		if allowed.contains("authorization") {
			c.allowedRequestHeaders = allowed
			c.acah = "*,authorization"
		} else {
			c.acah = "*"
		}
	case allowed.size() > 0:
		c.allowedRequestHeaders = allowed
		c.acah = strings.Join(allowed.elems, ",")
	}
	return errs
}

// jubForbiddenRequestHeader mirrors headers.IsForbiddenRequestHeaderName
// (a lowercase name): the Fetch standard's list plus the proxy- and sec-
// prefixes.
func jubForbiddenRequestHeader(name string) bool {
	switch name {
	case "accept-charset", "accept-encoding", "access-control-request-headers", "access-control-request-method",
		"connection", "content-length", "cookie", "cookie2", "date", "dnt", "expect", "host", "keep-alive",
		"origin", "referer", "set-cookie", "te", "trailer", "transfer-encoding", "upgrade", "via":
		return true
	}
	return strings.HasPrefix(name, "proxy-") || strings.HasPrefix(name, "sec-")
}

// jubProhibitedRequestHeader mirrors headers.IsProhibitedRequestHeaderName.
func jubProhibitedRequestHeader(name string) bool {
	switch name {
	case "access-control-allow-origin", "access-control-allow-credentials", "access-control-allow-methods",
		"access-control-allow-headers", "access-control-max-age", "access-control-expose-headers":
		return true
	}
	return false
}

// validateMaxAge mirrors the method of the same name: -1 to 86400; 0 omits
// the header, -1 sends 0.
func (c *jubCors) validateMaxAge(errs []string, delta int) []string {
	if delta < -1 || 86400 < delta {
		return append(errs, fmt.Sprintf("cors: out-of-bounds max-age value %d (default: 5; max: 86400; disable caching: -1)", delta))
	}
	switch delta {
	case 0:
	case -1:
		c.acma = "0"
	default:
		c.acma = strconv.Itoa(delta)
	}
	return errs
}

// validateResponseHeaders mirrors the method of the same name: "*" only
// without credentials; Set-Cookie and Set-Cookie2 forbidden; Origin and
// the request and preflight-only CORS headers prohibited; safelisted names
// dropped; the rest lowercased, sorted and joined with ",".
func (c *jubCors) validateResponseHeaders(errs []string, names []string) []string {
	if len(names) == 0 {
		return errs
	}
	var (
		exposed   jubSortedSet
		exposeAll bool
		nbErrors  = len(errs)
	)
	for _, name := range names {
		if name == "*" {
			if c.credentialed {
				errs = append(errs, jubErrWildcardExposure)
				continue
			}
			if exposeAll {
				continue
			}
			exposeAll = true
			exposed = jubSortedSet{}
			continue
		}
		if !server.IsToken(name) {
			errs = append(errs, jubHeaderError("invalid", "response", name))
			continue
		}
		normalized := strings.ToLower(name)
		switch normalized {
		case "set-cookie", "set-cookie2":
			errs = append(errs, jubHeaderError("forbidden", "response", name))
			continue
		case "origin", "access-control-request-method", "access-control-request-headers",
			"access-control-allow-methods", "access-control-allow-headers", "access-control-max-age":
			errs = append(errs, jubHeaderError("prohibited", "response", name))
			continue
		case "cache-control", "content-language", "content-length", "content-type", "expires", "last-modified", "pragma":
			continue // safelisted
		}
		if !exposeAll {
			exposed.add(normalized)
		}
	}
	if len(errs) > nbErrors {
		return errs
	}
	exposed.fix()
	switch {
	case exposeAll:
		c.aceh = "*"
	case exposed.size() > 0:
		c.aceh = strings.Join(exposed.elems, ",")
	}
	return errs
}

// Respond mirrors Middleware.Wrap: no Origin header means not CORS; an
// OPTIONS request with Origin and Access-Control-Request-Method headers
// (even empty) is a preflight, answered by the middleware alone (204 or
// 403); anything else reaches next, which answers 200.
func (c *jubCors) Respond(req message.Request) message.Response {
	isOPTIONS := req.Method == "OPTIONS"
	origins := req.Headers.Values("Origin")
	if len(origins) == 0 {
		return message.Response{Status: 200, Headers: c.prehandleActual(nil, isOPTIONS)}
	}
	if acrm := req.Headers.Values("Access-Control-Request-Method"); isOPTIONS && len(acrm) > 0 {
		return c.handlePreflight(req.Headers, origins[0], acrm[0])
	}
	return message.Response{Status: 200, Headers: c.prehandleActual(&origins[0], isOPTIONS)}
}

// prehandleActual mirrors the method of the same name: with "*", ACAO: *
// (and ACEH) on every response, CORS or not, without Vary; otherwise
// Vary: Origin on every non-OPTIONS response, and ACAO echoing an allowed
// origin, ACAC and ACEH.
func (c *jubCors) prehandleActual(origin *string, isOPTIONS bool) message.Headers {
	var hs message.Headers
	if c.anyOrigin {
		hs = append(hs, message.Header{Name: "Access-Control-Allow-Origin", Value: "*"})
		if c.aceh != "" {
			hs = append(hs, message.Header{Name: "Access-Control-Expose-Headers", Value: c.aceh})
		}
		return hs
	}
	if !isOPTIONS {
		hs = append(hs, message.Header{Name: "Vary", Value: "Origin"})
	}
	if origin == nil || !c.allows(*origin) {
		return hs
	}
	hs = append(hs, message.Header{Name: "Access-Control-Allow-Origin", Value: *origin})
	if c.credentialed {
		hs = append(hs, message.Header{Name: "Access-Control-Allow-Credentials", Value: "true"})
	}
	if c.aceh != "" {
		hs = append(hs, message.Header{Name: "Access-Control-Expose-Headers", Value: c.aceh})
	}
	return hs
}

// handlePreflight mirrors handleCORSPreflight with debug off: 403 with no
// header when no preflight can succeed (no non-safelisted method or header
// allowed) or on any failed check; 204 otherwise. No Vary, on purpose.
func (c *jubCors) handlePreflight(reqHdrs message.Headers, origin, acrm string) message.Response {
	forbidden := message.Response{Status: 403}
	if !c.preflight {
		return forbidden
	}
	var hs message.Headers
	// performCORSCheckForPreflight
	if c.anyOrigin {
		hs = append(hs, message.Header{Name: "Access-Control-Allow-Origin", Value: "*"})
	} else {
		if !c.allows(origin) {
			return forbidden
		}
		hs = append(hs, message.Header{Name: "Access-Control-Allow-Origin", Value: origin})
		if c.credentialed {
			hs = append(hs, message.Header{Name: "Access-Control-Allow-Credentials", Value: "true"})
		}
	}
	// processACRM: the first Access-Control-Request-Method line only.
	switch {
	case jubSafelistedMethod(acrm):
	case c.allowAnyMethod && !c.credentialed:
		hs = append(hs, message.Header{Name: "Access-Control-Allow-Methods", Value: "*"})
	case c.allowAnyMethod || c.allowedMethods.contains(acrm):
		hs = append(hs, message.Header{Name: "Access-Control-Allow-Methods", Value: acrm})
	default:
		return forbidden
	}
	// processACRH: every Access-Control-Request-Headers line.
	if acrh := reqHdrs.Values("Access-Control-Request-Headers"); acrh != nil {
		switch {
		case c.wildcardRequestHeaders && c.credentialed:
			hs = server.GoHeaderLines(hs, "Access-Control-Allow-Headers", acrh)
		case c.wildcardRequestHeaders:
			hs = append(hs, message.Header{Name: "Access-Control-Allow-Headers", Value: c.acah})
		case jubCheckACRH(c.allowedRequestHeaders, acrh):
			hs = server.GoHeaderLines(hs, "Access-Control-Allow-Headers", acrh)
		default:
			return forbidden
		}
	}
	if c.acma != "" {
		hs = append(hs, message.Header{Name: "Access-Control-Max-Age", Value: c.acma})
	}
	return message.Response{Status: 204, Headers: hs}
}

// allows mirrors origins.Parse then Tree.Contains: the Origin value must
// parse (no validation of the host beyond that) and match a pattern on
// scheme, host and port, byte for byte.
func (c *jubCors) allows(origin string) bool {
	o, ok := jubParseOrigin(origin)
	if !ok {
		return false
	}
	for _, p := range c.patterns {
		if p.matches(o) {
			return true
		}
	}
	return false
}

// jubOrigin mirrors origins.Origin; Port 0 means absent.
type jubOrigin struct {
	scheme, host string
	port         int
}

// Limits of internal/origins/pattern.go.
const (
	jubMaxHostLen   = 253
	jubMaxSchemeLen = 64
	jubMaxPortLen   = len("65535")
	jubMaxOriginLen = jubMaxSchemeLen + len("://") + jubMaxHostLen + 1 + jubMaxPortLen
)

// jubParseOrigin mirrors origins.Parse: scheme before "://" (anything),
// host (brackets stripped for IPv6), optional port 1..65535 without a
// leading zero.
func jubParseOrigin(str string) (o jubOrigin, ok bool) {
	if len(str) > jubMaxOriginLen {
		return o, false
	}
	var rest string
	o.scheme, rest, ok = strings.Cut(str, "://")
	if !ok {
		return o, false
	}
	var rawPort string
	o.host, rawPort, ok = jubSplitHostPort(rest)
	if !ok {
		return o, false
	}
	if rawPort != "" {
		if o.port, ok = jubParsePort(rawPort); !ok {
			return o, false
		}
	}
	return o, true
}

// jubSplitHostPort mirrors splitHostPort (origins.go).
func jubSplitHostPort(hostPort string) (host, rawPort string, ok bool) {
	if hostPort == "" {
		return "", "", false
	}
	if hostPort[0] == '[' {
		i := strings.LastIndexByte(hostPort[1:], ']')
		if i < 0 {
			return "", "", false
		}
		host, rest := hostPort[1:][:i], hostPort[1:][i+1:]
		if rest != "" {
			rawPort, ok = strings.CutPrefix(rest, ":")
			if !ok || rawPort == "" {
				return "", "", false
			}
		}
		return host, rawPort, true
	}
	host, rawPort, found := strings.Cut(hostPort, ":")
	if found && rawPort == "" {
		return "", "", false
	}
	return host, rawPort, true
}

// jubParsePort mirrors parsePort: 1 to 5 digits, no leading zero, 1..65535.
func jubParsePort(str string) (int, bool) {
	if len(str) > jubMaxPortLen {
		return 0, false
	}
	port := 0
	for i := 0; i < len(str); i++ {
		c := str[i]
		if i == 0 && c == '0' || c < '0' || c > '9' {
			return 0, false
		}
		port = 10*port + int(c-'0')
	}
	if port == 0 || port > 65535 {
		return 0, false
	}
	return port, true
}

// Pattern kinds (origins.Kind).
const (
	jubDomain = iota
	jubArbitrarySubdomains
	jubNonLoopbackIP
	jubLoopbackIP
)

// jubPattern mirrors origins.Pattern. Port 0 is absent, -1 is "*".
type jubPattern struct {
	scheme      string
	hostPattern string // "*.example.com" for arbitrary subdomains
	port        int
	kind        int
}

// matches is the meaning of Tree.Contains (radix.go) for one pattern:
// same scheme; same port, or any port for ":*"; same host, or for
// "*.example.com" a host ending in ".example.com" with at least one byte
// before it.
func (p jubPattern) matches(o jubOrigin) bool {
	if o.scheme != p.scheme || (p.port != o.port && p.port != -1) {
		return false
	}
	if p.kind == jubArbitrarySubdomains {
		suffix := p.hostPattern[1:]
		return len(o.host) > len(suffix) && strings.HasSuffix(o.host, suffix)
	}
	return o.host == p.hostPattern
}

// jubParsePattern mirrors origins.ParsePattern; the error is the
// cfgerrors text ("" when valid).
func jubParsePattern(str string) (p jubPattern, err string) {
	invalid, prohibited := jubOriginError("invalid", str), jubOriginError("prohibited", str)
	if len(str) > jubMaxOriginLen {
		return p, invalid
	}
	if str == "null" {
		return p, prohibited
	}
	scheme, rest, ok := jubParseScheme(str)
	if !ok {
		return p, invalid
	}
	p.scheme = scheme
	if scheme == "file" {
		return p, prohibited
	}
	if rest, ok = strings.CutPrefix(rest, "://"); !ok {
		return p, invalid
	}
	p.hostPattern, p.kind, rest, err = jubParseHostPattern(rest, str)
	if err != "" {
		return p, err
	}
	if rest != "" {
		if rest, ok = strings.CutPrefix(rest, ":"); !ok {
			return p, invalid
		}
		if rest == "*" {
			p.port = -1
		} else if p.port, ok = jubParsePort(rest); !ok {
			return p, invalid
		}
		if p.port == 80 && scheme == "http" || p.port == 443 && scheme == "https" {
			return p, prohibited
		}
	}
	return p, ""
}

// jubParseScheme mirrors parseScheme: a lowercase letter, then lowercase
// letters, digits, '+', '-', '.' or '_', at most 64 bytes.
func jubParseScheme(str string) (scheme, rest string, ok bool) {
	if str == "" || str[0] < 'a' || str[0] > 'z' {
		return "", "", false
	}
	end := min(jubMaxSchemeLen, len(str))
	for i := 1; i < end; i++ {
		c := str[i]
		if !('a' <= c && c <= 'z' || '0' <= c && c <= '9' || c == '+' || c == '-' || c == '.' || c == '_') {
			return str[:i], str[i:], true
		}
	}
	return str[:end], str[end:], true
}

// jubParseHostPattern mirrors parseHostPattern: a bracketed IPv6 address,
// or a run of a-z, 0-9, '.', '-', '_' (after an optional "*.") whose
// rightmost label decides: a digit means an IP address, which must be in
// canonical form; otherwise the host must pass IDNA validation.
func jubParseHostPattern(str, raw string) (hostPattern string, kind int, rest string, err string) {
	invalid, prohibited := jubOriginError("invalid", raw), jubOriginError("prohibited", raw)
	var assumeIP, arbitrarySubs bool
	if str != "" && str[0] == '[' {
		var ok bool
		if hostPattern, rest, ok = strings.Cut(str[1:], "]"); !ok {
			return "", 0, "", invalid
		}
		assumeIP = true
	} else {
		hostPattern, rest, arbitrarySubs = jubScanHostPattern(str)
		if arbitrarySubs {
			kind = jubArbitrarySubdomains
		}
		var ok bool
		assumeIP, ok = jubFirstByteOfRightmostLabelIsDigit(hostPattern)
		if !ok || assumeIP && arbitrarySubs {
			return "", 0, "", invalid
		}
	}
	if assumeIP {
		ip, perr := netip.ParseAddr(hostPattern)
		if perr != nil || ip.Zone() != "" {
			return "", 0, "", invalid
		}
		if ip.Is4In6() || hostPattern != ip.String() {
			return "", 0, "", prohibited
		}
		if ip.IsLoopback() {
			return hostPattern, jubLoopbackIP, rest, ""
		}
		return hostPattern, jubNonLoopbackIP, rest, ""
	}
	host, arbitrarySubs := strings.CutPrefix(hostPattern, "*.")
	if arbitrarySubs && len(host) > jubMaxHostLen-len("*.") {
		return "", 0, "", invalid
	}
	if !jubIDNAValid(host) {
		return "", 0, "", prohibited
	}
	return hostPattern, kind, rest, ""
}

// jubScanHostPattern mirrors scanHostPattern.
func jubScanHostPattern(str string) (hostPattern, rest string, arbitrarySubs bool) {
	arbitrarySubs = strings.HasPrefix(str, "*.")
	for i := 0; i < len(str); i++ {
		if arbitrarySubs && i < 2 {
			continue
		}
		if c := str[i]; !('a' <= c && c <= 'z' || '0' <= c && c <= '9' || c == '-' || c == '.' || c == '_') {
			return str[:i], str[i:], arbitrarySubs
		}
	}
	return str, "", arbitrarySubs
}

// jubFirstByteOfRightmostLabelIsDigit mirrors the function of the same
// name: the rightmost label, or the one before a trailing dot; not ok when
// both are empty.
func jubFirstByteOfRightmostLabelIsDigit(hostPattern string) (isDigit, ok bool) {
	rest, label := hostPattern, hostPattern
	if i := strings.LastIndexByte(hostPattern, '.'); i >= 0 {
		rest, label = hostPattern[:i], hostPattern[i+1:]
	} else {
		rest = ""
	}
	if label != "" {
		return '0' <= label[0] && label[0] <= '9', true
	}
	if i := strings.LastIndexByte(rest, '.'); i >= 0 {
		label = rest[i+1:]
	} else {
		label = rest
	}
	if label != "" {
		return '0' <= label[0] && label[0] <= '9', true
	}
	return false, false
}

// isDeemedInsecure mirrors Pattern.IsDeemedInsecure: not https, and
// neither a loopback IP nor localhost or a subdomain of it.
func (p jubPattern) isDeemedInsecure() bool {
	if p.scheme == "https" || p.kind == jubLoopbackIP {
		return false
	}
	trimmed := strings.TrimSuffix(p.hostPattern, ".")
	before, found := strings.CutSuffix(trimmed, "localhost")
	return !found || (before != "" && !strings.HasSuffix(before, "."))
}

// hostIsEffectiveTLD mirrors Pattern.HostIsEffectiveTLD: the base domain
// of "*.domain" (trailing dot removed) is its own public suffix, by the
// whole Public Suffix List, private section included (so "*.com",
// "*.github.io", but also any single label such as "*.localhost"). The
// error is publicSuffix's.
func (p jubPattern) hostIsEffectiveTLD() (bool, error) {
	host := strings.TrimPrefix(p.hostPattern, "*.")
	host = strings.TrimSuffix(host, ".")
	suffix, err := publicSuffix(host)
	return suffix == host, err
}

// jubSortedSet mirrors util.SortedSet: add, then fix (sort, deduplicate).
type jubSortedSet struct {
	elems  []string
	maxLen int
}

func (s *jubSortedSet) add(e string) { s.elems = append(s.elems, e) }

func (s *jubSortedSet) fix() {
	slices.Sort(s.elems)
	s.elems = slices.Compact(s.elems)
	for _, e := range s.elems {
		s.maxLen = max(s.maxLen, len(e))
	}
}

func (s jubSortedSet) size() int { return len(s.elems) }

func (s jubSortedSet) contains(e string) bool { return s.index(0, e) >= 0 }

// index mirrors SortedSet.Index: the position of e at or after n, or -1.
func (s jubSortedSet) index(n uint, e string) int {
	l := uint(len(s.elems))
	if len(e) > s.maxLen || n >= l {
		return -1
	}
	for j := l; n < j; {
		j += n
		j >>= 1
		if j < l && s.elems[j] < e {
			n = j + 1
		}
	}
	if n >= l || s.elems[n] != e {
		return -1
	}
	return int(n)
}

// Tolerances of headers.Check (internal/headers/acrh.go).
const (
	jubMaxOWSBytes      = 2  // leading and trailing OWS bytes per element
	jubMaxEmptyElements = 16 // empty elements in all
)

// jubCheckACRH mirrors headers.Check: every name of every line must be in
// the set, in strictly increasing order (lowercase, sorted, unique, as
// browsers send them), with at most two OWS bytes per element and 16 empty
// elements in all.
func jubCheckACRH(set jubSortedSet, acrhs []string) bool {
	var start, emptyElements uint
	for _, acrh := range acrhs {
		if acrh == "" {
			if emptyElements >= jubMaxEmptyElements {
				return false
			}
			emptyElements++
			continue
		}
		for looping := true; looping; {
			var name string
			owsBudget := uint(jubMaxOWSBytes)
			acrh, owsBudget = jubConsumeOWS(acrh, owsBudget)
			name, acrh = jubScanName(acrh, uint(set.maxLen))
			acrh, _ = jubConsumeOWS(acrh, owsBudget)
			switch {
			case len(acrh) == 0:
				looping = false
			case acrh[0] != ',':
				return false
			default:
				acrh = acrh[1:]
			}
			if name == "" {
				if emptyElements >= jubMaxEmptyElements {
					return false
				}
				emptyElements++
				continue
			}
			i := set.index(start, name)
			if i < 0 {
				return false
			}
			start = uint(i) + 1
		}
	}
	return true
}

func jubConsumeOWS(s string, budget uint) (string, uint) {
	for len(s) > 0 && (s[0] == ' ' || s[0] == '\t') && budget > 0 {
		s = s[1:]
		budget--
	}
	return s, budget
}

func jubScanName(s string, maxLen uint) (name, rest string) {
	for i := range uint(len(s)) {
		if s[i] == ' ' || s[i] == '\t' || s[i] == ',' || i >= maxLen {
			return s[:i], s[i:]
		}
	}
	return s, ""
}
