package engine

import (
	"fmt"
	"net/url"
	"slices"
	"strconv"
	"strings"

	"corsplay/engine/pattern"
)

// Policy is a server's CORS configuration in library-neutral terms. The
// engine simulates what a correctly written CORS middleware configured with
// it answers. The zero Policy allows nothing cross-origin.
type Policy struct {
	// Origins lists the allowed origins: an exact origin, "scheme://*.domain"
	// (any subdomain, not the apex), "scheme://host:*" (any port or none) or
	// "re:PATTERN" (a Go regular expression, matched with
	// regexp.MatchString: unanchored, as server code would; within the
	// limits of package pattern).
	Origins []string `json:"origins,omitempty"`
	// AnyOrigin is "" (use Origins), "wildcard" (answer *) or "reflect"
	// (echo any Origin: the dangerous one).
	AnyOrigin string `json:"anyOrigin,omitempty"`
	// AllowNull allows the opaque origin "null".
	AllowNull bool `json:"allowNull,omitempty"`
	// Credentials sends Access-Control-Allow-Credentials: true.
	Credentials bool `json:"credentials,omitempty"`
	// Methods, RequestHeaders and ExposeHeaders accept "*".
	Methods        []string `json:"methods,omitempty"`
	RequestHeaders []string `json:"requestHeaders,omitempty"`
	ExposeHeaders  []string `json:"exposeHeaders,omitempty"`
	// MaxAge is Access-Control-Max-Age in seconds; nil omits the header.
	MaxAge *int64 `json:"maxAge,omitempty"`
	// PreflightStatus answers preflights; 0 means 204.
	PreflightStatus int `json:"preflightStatus,omitempty"`
	// Vary adds Vary: Origin (and the preflight's request headers) where the
	// answer depends on them; nil means true.
	Vary *bool `json:"vary,omitempty"`
}

// AnyOrigin values.
const (
	AnyOriginWildcard = "wildcard"
	AnyOriginReflect  = "reflect"
)

// Limits on a policy, to keep matching cheap.
const (
	MaxPolicyEntries = 100
	MaxPatternBytes  = 1024
)

// originRule is one compiled entry of Policy.Origins.
type originRule struct {
	raw          string
	kind         string // exact | subdomains | anyPort | regex
	scheme, host string // host is the base domain for subdomains
	port         string // subdomains: "" for the default port
	re           *pattern.Regexp
}

// compiledPolicy is a Policy with its origin rules parsed.
type compiledPolicy struct {
	Policy
	rules []originRule
	insts int // of its patterns
}

func (p Policy) compile() (*compiledPolicy, error) {
	c := &compiledPolicy{Policy: p}
	if len(p.Origins) > MaxPolicyEntries {
		return nil, &FieldError{"server.policy.origins", fmt.Sprintf("%d entries, at most %d", len(p.Origins), MaxPolicyEntries)}
	}
	var set pattern.Set
	for i, o := range p.Origins {
		r, err := parseOriginRule(o, &set)
		if err != nil {
			return nil, &FieldError{fmt.Sprintf("server.policy.origins[%d]", i), err.Error()}
		}
		c.rules = append(c.rules, r)
	}
	c.insts = set.Insts()
	return c, nil
}

// parseOriginRule reads one origins entry, compiling a pattern in set.
func parseOriginRule(s string, set *pattern.Set) (originRule, error) {
	r := originRule{raw: s, kind: "exact"}
	switch {
	case s == "":
		return r, fmt.Errorf("empty entry: write an origin such as https://app.example.com")
	case len(s) > MaxPatternBytes:
		return r, fmt.Errorf("%d bytes, at most %d", len(s), MaxPatternBytes)
	case strings.HasPrefix(s, "re:"):
		re, err := set.Compile(s[3:])
		if err != nil {
			return r, patternProblem(err)
		}
		r.kind, r.re = "regex", re
		return r, nil
	case !strings.Contains(s, "*"):
		return r, nil
	}
	scheme, rest, ok := strings.Cut(s, "://")
	if !ok || scheme == "" || strings.ContainsAny(rest, "/?#@") {
		return r, fmt.Errorf("%q: a * is allowed only in scheme://*.domain or scheme://host:* (for a regular expression write re:PATTERN)", s)
	}
	r.scheme = scheme
	if host, ok := strings.CutSuffix(rest, ":*"); ok && !strings.Contains(host, "*") && host != "" {
		r.kind, r.host = "anyPort", host
		return r, nil
	}
	if base, ok := strings.CutPrefix(rest, "*."); ok && !strings.Contains(base, "*") && base != "" {
		r.kind, r.host = "subdomains", base
		if h, port, ok := strings.Cut(base, ":"); ok {
			if !allDigits(port) {
				return r, fmt.Errorf("%q: the port must be digits", s)
			}
			r.host, r.port = h, port
		}
		if r.port == defaultPorts[scheme] {
			r.port = ""
		}
		return r, nil
	}
	return r, fmt.Errorf("%q: a * is allowed only as the leftmost label (https://*.example.com) or as the port (http://localhost:*)", s)
}

// matches reports whether the Origin header value o is allowed by the rule;
// m pays for a pattern's search.
func (r originRule) matches(o string, m *pattern.Meter) bool {
	u, _ := url.Parse(o)
	return r.match(o, u, m)
}

// match is matches with o already parsed as u (nil when it does not parse).
func (r originRule) match(o string, u *url.URL, m *pattern.Meter) bool {
	switch r.kind {
	case "exact":
		return o == r.raw
	case "regex":
		return matchOrigin(r.re, o, m)
	}
	if u == nil || u.Scheme != r.scheme || u.Host == "" || u.Path != "" || u.User != nil {
		return false
	}
	host, port := u.Hostname(), u.Port()
	switch r.kind {
	case "anyPort":
		return host == r.host
	case "subdomains":
		sub, ok := strings.CutSuffix(host, "."+r.host)
		return ok && sub != "" && !strings.HasPrefix(sub, ".") && !strings.HasSuffix(sub, ".") && port == r.port
	}
	return false
}

// allows reports whether the policy lets origin o read responses, and the
// Access-Control-Allow-Origin value it answers with; m pays for patterns.
func (c *compiledPolicy) allows(o string, m *pattern.Meter) (acao string, ok bool) {
	switch {
	case c.AnyOrigin == AnyOriginWildcard:
		return "*", true
	case c.AnyOrigin == AnyOriginReflect:
		return o, true
	case o == "null":
		if c.AllowNull {
			return o, true
		}
	}
	var u *url.URL
	parsed := false
	for _, r := range c.rules {
		if !parsed && (r.kind == "anyPort" || r.kind == "subdomains") {
			u, _ = url.Parse(o)
			parsed = true
		}
		if r.match(o, u, m) {
			return o, true
		}
	}
	return "", false
}

func (p Policy) vary() bool { return p.Vary == nil || *p.Vary }

func (p Policy) preflightStatus() int {
	if p.PreflightStatus == 0 {
		return 204
	}
	return p.PreflightStatus
}

// originDependent: the answer changes with the Origin header, so caches must
// key on it. https://fetch.spec.whatwg.org/#cors-protocol-and-http-caches
func (p Policy) originDependent() bool {
	return p.AnyOrigin != AnyOriginWildcard
}

// respond answers one request the way a correct middleware configured with
// the policy does.
func (c *compiledPolicy) respond(req HTTPRequest) Response {
	origin, hasOrigin := req.Headers.Get("Origin")
	acrm, hasACRM := req.Headers.Get(headerRequestMethod)
	var vary []string
	if c.vary() && c.originDependent() {
		vary = append(vary, "Origin")
	}
	if req.Method == "OPTIONS" && hasOrigin && hasACRM {
		return c.respondPreflight(origin, acrm, req.Headers, vary, req.meter)
	}
	resp := Response{Status: 200}
	if acao, ok := c.allows(origin, req.meter); hasOrigin && ok {
		resp.Headers = append(resp.Headers, Header{Name: headerAllowOrigin, Value: acao})
		if c.Credentials {
			resp.Headers = append(resp.Headers, Header{Name: headerAllowCredentials, Value: "true"})
		}
		if expose := c.exposeValue(); expose != "" {
			resp.Headers = append(resp.Headers, Header{Name: headerExposeHeaders, Value: expose})
		}
	}
	if len(vary) > 0 {
		resp.Headers = append(resp.Headers, Header{Name: "Vary", Value: strings.Join(vary, ", ")})
	}
	return Response{Status: resp.Status, Headers: append(resp.Headers, c.appHeaders()...)}
}

func (c *compiledPolicy) respondPreflight(origin, acrm string, reqHeaders Headers, vary []string, m *pattern.Meter) Response {
	resp := Response{Status: c.preflightStatus()}
	acao, ok := c.allows(origin, m)
	if ok {
		resp.Headers = append(resp.Headers, Header{Name: headerAllowOrigin, Value: acao})
		if c.Credentials {
			resp.Headers = append(resp.Headers, Header{Name: headerAllowCredentials, Value: "true"})
		}
		if v := c.listValue(c.Methods, acrm, false); v != "" {
			resp.Headers = append(resp.Headers, Header{Name: headerAllowMethods, Value: v})
		}
		acrh, _ := reqHeaders.Get(headerRequestHeaders)
		if v := c.listValue(c.RequestHeaders, acrh, true); v != "" {
			resp.Headers = append(resp.Headers, Header{Name: headerAllowHeaders, Value: v})
		}
		if c.MaxAge != nil {
			resp.Headers = append(resp.Headers, Header{Name: headerMaxAge, Value: strconv.FormatInt(*c.MaxAge, 10)})
		}
	}
	if c.vary() {
		if c.echoes(c.Methods) {
			vary = append(vary, headerRequestMethod)
		}
		if c.echoes(c.RequestHeaders) {
			vary = append(vary, headerRequestHeaders)
		}
	}
	if len(vary) > 0 {
		resp.Headers = append(resp.Headers, Header{Name: "Vary", Value: strings.Join(vary, ", ")})
	}
	return resp
}

// echoes reports whether the middleware answers a "*" list by echoing what
// the preflight asked for: a literal * means "any" only without credentials.
func (c *compiledPolicy) echoes(list []string) bool {
	return c.Credentials && slices.Contains(list, "*")
}

// listValue is the Access-Control-Allow-Methods or -Headers value: the list
// as configured, or the requested value echoed when "*" must mean "any" with
// credentials. Without credentials, "*" is sent as is, with Authorization
// kept by name since * never covers it in the standard.
func (c *compiledPolicy) listValue(list []string, requested string, headers bool) string {
	if !slices.Contains(list, "*") {
		return strings.Join(list, ", ")
	}
	if c.Credentials {
		return requested
	}
	out := []string{"*"}
	for _, v := range list {
		if headers && strings.EqualFold(v, "Authorization") {
			out = append(out, v)
		}
	}
	return strings.Join(out, ", ")
}

// exposeValue is the Access-Control-Expose-Headers value; with credentials,
// "*" is resolved to the names the response actually carries.
func (c *compiledPolicy) exposeValue() string {
	if !slices.Contains(c.ExposeHeaders, "*") || !c.Credentials {
		return strings.Join(c.ExposeHeaders, ", ")
	}
	var names []string
	for _, h := range c.appHeaders() {
		if !slices.Contains(safelistedResponseHeaders, strings.ToLower(h.Name)) {
			names = append(names, h.Name)
		}
	}
	return strings.Join(names, ", ")
}

// appHeaders are the headers the application behind the middleware sends:
// a JSON body, a request id, and each exposed header with a sample value.
func (c *compiledPolicy) appHeaders() Headers {
	hs := Headers{{Name: "Content-Type", Value: "application/json"}, {Name: "X-Request-Id", Value: "42"}}
	for _, n := range c.ExposeHeaders {
		if n == "*" || hs.Has(n) {
			continue
		}
		v := "example"
		if IsForbiddenResponseHeader(n) {
			v = "session=abc; Secure; HttpOnly"
		}
		hs = append(hs, Header{Name: n, Value: v})
	}
	return hs
}

func (p Policy) validate() error {
	if _, err := p.compile(); err != nil {
		return err
	}
	switch p.AnyOrigin {
	case "", AnyOriginWildcard, AnyOriginReflect:
	default:
		return &FieldError{"server.policy.anyOrigin", fmt.Sprintf("%q: use \"\" (the origins list), \"wildcard\" or \"reflect\"", p.AnyOrigin)}
	}
	for _, l := range []struct {
		field string
		list  []string
	}{{"methods", p.Methods}, {"requestHeaders", p.RequestHeaders}, {"exposeHeaders", p.ExposeHeaders}} {
		if len(l.list) > MaxPolicyEntries {
			return &FieldError{"server.policy." + l.field, fmt.Sprintf("%d entries, at most %d", len(l.list), MaxPolicyEntries)}
		}
		for i, v := range l.list {
			if !IsToken(v) {
				return &FieldError{fmt.Sprintf("server.policy.%s[%d]", l.field, i), fmt.Sprintf("%q is not a token: write one name per entry, without spaces or commas", v)}
			}
		}
	}
	if s := p.PreflightStatus; s != 0 && (s < 200 || s > 599) {
		return &FieldError{"server.policy.preflightStatus", fmt.Sprintf("%d is not a final HTTP status: use 200 to 599", s)}
	}
	return nil
}
