package engine

import (
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"net/url"
	"slices"
	"strconv"
	"strings"

	"corsplay/engine/deflate"
	"corsplay/engine/pattern"
)

// The live lab is a second origin that answers real browser requests the
// way a scenario's server does. Its URLs carry the server itself (see
// EncodeLabServer), so the lab keeps no state to answer them; LabCheck says
// whether the lab will enact a scenario's server at all.

// Limits on a server carried in a lab URL.
const (
	MaxLabServerEncoded = 6 << 10  // bytes of EncodeLabServer's text
	MaxLabServerJSON    = 16 << 10 // bytes of the server's JSON
)

// EncodeLabServer returns the text that carries s in a lab URL's path:
// base64url (no padding) of the DEFLATE-compressed JSON of s. It fails with
// a *FieldError when s does not validate or is too large for a lab URL.
func EncodeLabServer(s Server) (string, error) {
	if err := s.validate(); err != nil {
		return "", err
	}
	return labText(s, "the server")
}

// labText is v's JSON, DEFLATE-compressed, in base64url: what a lab URL
// carries of what (named in the errors), within MaxLabServerJSON and
// MaxLabServerEncoded.
func labText(v any, what string) (string, error) {
	data, err := json.Marshal(v)
	if err != nil {
		return "", &FieldError{"server", err.Error()}
	}
	if len(data) > MaxLabServerJSON {
		return "", &FieldError{"server", fmt.Sprintf("%s: %d bytes of JSON, more than the %d the lab takes", what, len(data), MaxLabServerJSON)}
	}
	text := deflateText(data)
	if len(text) > MaxLabServerEncoded {
		return "", &FieldError{"server", fmt.Sprintf("%s: %d bytes in a lab URL, more than the %d allowed", what, len(text), MaxLabServerEncoded)}
	}
	return text, nil
}

// labJSON reads back labText's JSON, within the same limits; the error is
// the problem with text.
func labJSON(text string) ([]byte, error) {
	if len(text) > MaxLabServerEncoded {
		return nil, fmt.Errorf("%d bytes of encoded server, more than the %d allowed", len(text), MaxLabServerEncoded)
	}
	compressed, err := base64.RawURLEncoding.DecodeString(text)
	if err != nil {
		return nil, errors.New("not a lab server: not base64url")
	}
	data, err := deflate.Inflate(compressed, MaxLabServerJSON)
	if errors.Is(err, deflate.ErrTooLarge) {
		return nil, fmt.Errorf("the server expands to more than %d bytes", MaxLabServerJSON)
	}
	if err != nil {
		return nil, errors.New("not a lab server: not compressed data")
	}
	return data, nil
}

// DecodeLabServer reads a server written by EncodeLabServer and validates it
// as Scenario.Validate validates a scenario's server. Every failure is a
// *FieldError, on the field "server" or on the field of the server that is
// wrong (such as "server.raw.actual.headers[0]").
func DecodeLabServer(text string) (Server, error) {
	data, err := labJSON(text)
	if err != nil {
		return Server{}, &FieldError{Field: "server", Problem: err.Error()}
	}
	var s Server
	if err := Unmarshal(data, &s); err != nil {
		fe := err.(*FieldError)
		return Server{}, &FieldError{Field: joinField("server", fe.Field), Problem: fe.Problem}
	}
	if err := s.validate(); err != nil {
		return Server{}, err
	}
	return s, nil
}

// LabCookieName is the only cookie the lab sets. A raw response sets it
// with the header
//
//	Set-Cookie: corsplay_lab=VALUE; Path=/lab; SameSite=None; Secure
//
// VALUE is 1 to 64 of A-Z a-z 0-9 . _ ~ -; the attributes Path=/lab,
// SameSite=None and Secure are required, in any order (names ASCII
// case-insensitive), and HttpOnly, Partitioned and Max-Age=N (N of 0 to
// 86400) may follow. Any other Set-Cookie, including the sample a policy's
// application sends for an exposed Set-Cookie, is refused.
const LabCookieName = "corsplay_lab"

// LabAddedHeaders are the header names (lower case, as fetch() lists them)
// the lab adds to every scenario response beyond what the scenario's server
// sends: X-Content-Type-Options: nosniff always, and Transfer-Encoding:
// chunked to frame its body without a Content-Length (which script could
// read, being safelisted). Script sees them only through
// Access-Control-Expose-Headers: *; compare the readable headers without
// them.
var LabAddedHeaders = []string{"transfer-encoding", "x-content-type-options"}

// labHeaders are the header names the lab emits besides Access-Control-*
// (lower case).
var labHeaders = []string{"vary", "content-type", "cache-control", "content-language", "expires",
	"last-modified", "pragma", "x-request-id", "x-demo-id", "x-demo-total", "x-demo-secret"}

// labAllowed is the allow-list as written in refusals.
const labAllowed = "Access-Control-*, Vary, Content-Type, Cache-Control, Content-Language, Expires, Last-Modified, " +
	"Pragma, X-Request-Id, X-Demo-Id, X-Demo-Total, X-Demo-Secret, Set-Cookie for the lab's cookie " +
	LabCookieName + ", Location as a path on the lab and Content-Length: 0"

// LabCheckResponse reports whether the lab may send resp as it is: a final
// status (200 to 599), names that are tokens, values that are valid field
// values (no control character but HTAB: no CR, LF or NUL), every name in
// the lab's allow-list (Access-Control-*, Vary, Content-Type, Cache-Control,
// Content-Language, Expires, Last-Modified, Pragma, X-Request-Id,
// X-Demo-Id, X-Demo-Total, X-Demo-Secret; Set-Cookie only for the lab's
// cookie, see LabCookieName; Location only as a path, see LabLocation;
// Content-Length only as 0, an empty body). origins are the lab's own
// origins: a Location may also be a URL on one of them (see
// LabLocationAt). The error is a *FieldError on "response.status" or
// "response.headers[i]", naming the header and the rule, never quoting a
// value.
func LabCheckResponse(resp Response, origins ...string) error {
	if err := checkLabResponse("response", resp, origins); err != nil {
		return err
	}
	return nil
}

func checkLabResponse(field string, resp Response, origins []string) *FieldError {
	if resp.Status < 200 || resp.Status > 599 {
		return &FieldError{field + ".status", fmt.Sprintf("the server would answer with status %d: the lab sends final statuses 200 to 599 only", resp.Status)}
	}
	for i, h := range resp.Headers {
		if p := labHeaderProblem(h, origins); p != "" {
			return &FieldError{fmt.Sprintf("%s.headers[%d]", field, i), p}
		}
	}
	return nil
}

// labHeaderProblem is why the lab, on origins, will not send h, or "".
func labHeaderProblem(h Header, origins []string) string {
	if !IsToken(h.Name) {
		return fmt.Sprintf("the header name %q is not a token: the lab sends only names of letters, digits and !#$%%&'*+-.^_`|~", h.Name)
	}
	if !isFieldValue(h.Value) {
		return fmt.Sprintf("the value of %s holds a control character (CR, LF, NUL or another): the lab sends only valid field values", h.Name)
	}
	name := strings.ToLower(h.Name)
	switch {
	case strings.HasPrefix(name, "access-control-"), slices.Contains(labHeaders, name):
		return ""
	case name == "set-cookie":
		if labCookie(h.Value) {
			return ""
		}
		return fmt.Sprintf("Set-Cookie: the lab sets only its own cookie, written %s=VALUE; Path=/lab; SameSite=None; Secure (VALUE of 1 to 64 letters, digits and ._~-; HttpOnly, Partitioned and Max-Age=N may follow)", LabCookieName)
	case name == "location":
		if _, _, ok := LabLocationAt(h.Value, origins...); ok {
			return ""
		}
		// No & < > in the text: the lab sends it (safeDetail).
		if len(origins) > 0 {
			return fmt.Sprintf("Location: the lab redirects only within itself, to a path written /like/this?x=1 (letters, digits, ampersands and -._~!$'()*+,;=:@%%/?), alone or after one of its origins (%s)", strings.Join(origins, ", "))
		}
		return "Location: the lab redirects only within itself, to a path written /like/this?x=1 (letters, digits, ampersands and -._~!$'()*+,;=:@%/?)"
	case name == "content-length":
		if strings.Trim(h.Value, " \t") == "0" {
			return ""
		}
		return "Content-Length: the lab frames its own body and sends Content-Length only as 0 (an empty body)"
	}
	return fmt.Sprintf("the lab does not send %s: it sends only %s", h.Name, labAllowed)
}

// LabLocation reports whether v is a Location the lab sends: a path on the
// scenario's server ("/items/", query allowed), which the lab serves under
// the run's own /lab/{run}/{server} prefix, so a redirect never leaves the
// lab. A Location written as a full URL is sent only on one of the lab's
// origins (LabLocationAt).
func LabLocation(v string) bool {
	if len(v) == 0 || len(v) > 1024 || v[0] != '/' || strings.HasPrefix(v, "//") {
		return false
	}
	for i := 0; i < len(v); i++ {
		c := v[i]
		if !('a' <= c && c <= 'z' || 'A' <= c && c <= 'Z' || '0' <= c && c <= '9' || strings.IndexByte("-._~!$&'()*+,;=:@%/?", c) >= 0) {
			return false
		}
	}
	return true
}

// LabLocationAt reports whether v is a Location the lab sends when it
// answers on origins (serialized origins such as "http://localhost:8082"):
// a path (LabLocation), which the lab serves on the origin that answered,
// or one of origins followed by nothing or such a path, which the lab
// serves on that origin. origin is that origin ("" for a path) and path
// the path ("/" for nothing); the lab puts the run's /lab/{run}/{plan}
// prefix between them, so a redirect never leaves the lab.
func LabLocationAt(v string, origins ...string) (origin, path string, ok bool) {
	if LabLocation(v) {
		return "", v, true
	}
	for _, o := range origins {
		rest, found := strings.CutPrefix(v, o)
		switch {
		case !found || o == "":
		case rest == "":
			return o, "/", true
		case LabLocation(rest):
			return o, rest, true
		}
	}
	return "", "", false
}

// isFieldValue: VCHAR, obs-text, SP and HTAB only (RFC 9110 §5.5).
func isFieldValue(v string) bool {
	for i := 0; i < len(v); i++ {
		if c := v[i]; c < 0x20 && c != '\t' || c == 0x7f {
			return false
		}
	}
	return true
}

// labCookie reports whether v is a Set-Cookie value for the lab's cookie
// with the attributes LabCookieName describes.
func labCookie(v string) bool {
	parts := strings.Split(v, ";")
	name, value, ok := strings.Cut(strings.Trim(parts[0], " \t"), "=")
	if !ok || name != LabCookieName || len(value) < 1 || len(value) > 64 {
		return false
	}
	for i := 0; i < len(value); i++ {
		c := value[i]
		if !('a' <= c && c <= 'z' || 'A' <= c && c <= 'Z' || '0' <= c && c <= '9' || strings.IndexByte("._~-", c) >= 0) {
			return false
		}
	}
	seen := map[string]bool{}
	for _, p := range parts[1:] {
		k, val, hasVal := strings.Cut(strings.Trim(p, " \t"), "=")
		k = strings.ToLower(k)
		if seen[k] {
			return false
		}
		seen[k] = true
		switch {
		case k == "path" && hasVal && val == "/lab":
		case k == "samesite" && hasVal && strings.EqualFold(val, "None"):
		case (k == "secure" || k == "httponly" || k == "partitioned") && !hasVal:
		case k == "max-age" && hasVal && len(val) <= 5 && allDigits(val):
			if n, _ := strconv.Atoi(val); n > 86400 {
				return false
			}
		default:
			return false
		}
	}
	return seen["path"] && seen["samesite"] && seen["secure"]
}

// LabCheckServer reports whether the lab may enact s: s validates, and
// every header it could send is one LabCheckResponse allows. A raw server's
// responses are checked as typed; a policy's simulated application sends
// X-Request-Id and each exposed header, so an exposed name outside the
// allow-list is refused on "server.policy.exposeHeaders[i]"; policy and
// library servers are also probed with typical requests. A configuration
// the library refuses passes: the lab answers it with 500 and the
// library's error, as the server that would not start cannot answer.
// origins are the lab's own origins, which a Location may name (see
// LabLocationAt). The error is a *FieldError.
func LabCheckServer(s Server, origins ...string) error {
	return labCheckServer(s, nil, pattern.NewMeter(pattern.Budget), origins)
}

// LabCheck reports whether the lab may enact the scenario: its server, and
// each server elsewhere, passes LabCheckServer, also for the very requests
// the scenario's fetch() sends it (redirects followed). origins are the
// origins the lab answers on: every server elsewhere must be on one of
// them, and so must a redirect's target, unless it is a path; with none,
// the lab enacts only the scenario's server, and redirects as paths. Use
// it on the scenario as moved onto the page's and the lab's origins
// (Relocate), before the lab's prefix goes into its URL. The error is a
// *FieldError.
func LabCheck(s Scenario, origins ...string) error {
	s = s.metered()
	if err := s.validateElsewhere(); err != nil {
		return err
	}
	if err := labCheckOrigins(s, origins); err != nil {
		return err
	}
	probes := map[string][]HTTPRequest{}
	if s.Server.validate() == nil && s.Request.validate() == nil {
		for _, hop := range evaluate(s).Hops {
			probes[hop.Server] = append(probes[hop.Server], hop.Request)
		}
	}
	if err := labCheckServer(s.Server, probes["server"], s.meter, origins); err != nil {
		return err
	}
	for i, x := range s.Elsewhere {
		name := fmt.Sprintf("elsewhere[%d]", i)
		if err := labCheckServer(x.Server, probes[name], s.meter, origins); err != nil {
			return underField(name, err)
		}
	}
	return nil
}

// labCheckOrigins refuses a server elsewhere, or a redirect, to an origin
// off the lab's, naming how many origins the scenario needs and how many
// the lab has.
func labCheckOrigins(s Scenario, origins []string) error {
	off := func(field, o string) error {
		if len(origins) == 0 {
			return &FieldError{field, fmt.Sprintf("%s is not an origin of the lab's, and none are known: the lab enacts only the scenario's server, on one origin, and redirects to a path", o)}
		}
		need := s.OtherOrigins()
		if r := requestOrigin(s); r != s.Page {
			need = append([]string{r}, need...)
		}
		return &FieldError{field, fmt.Sprintf("%s is not one of the lab's origins: the lab answers on %d (%s), and this scenario needs %d besides the page's (%s)",
			o, len(origins), strings.Join(origins, ", "), len(need), strings.Join(need, ", "))}
	}
	for i, x := range s.Elsewhere {
		if u, err := url.Parse(x.URL); err == nil && !slices.Contains(origins, OriginOf(u).String()) {
			return off(fmt.Sprintf("elsewhere[%d].url", i), OriginOf(u).String())
		}
	}
	servers := map[string]Server{"server": s.Server}
	names := []string{"server"}
	for i, x := range s.Elsewhere {
		name := fmt.Sprintf("elsewhere[%d].server", i)
		servers[name] = x.Server
		names = append(names, name)
	}
	for _, name := range names {
		raw := servers[name].Raw
		if raw == nil {
			continue
		}
		for _, r := range []struct {
			field string
			resp  *Response
		}{{name + ".raw.preflight", raw.Preflight}, {name + ".raw.actual", raw.Actual}} {
			if r.resp == nil {
				continue
			}
			for j, h := range r.resp.Headers {
				if !strings.EqualFold(h.Name, "Location") {
					continue
				}
				u, err := url.Parse(h.Value)
				if err != nil || !u.IsAbs() || u.Host == "" {
					continue // a path, or refused as a Location the lab does not send
				}
				if sch := strings.ToLower(u.Scheme); (sch == "http" || sch == "https") && !slices.Contains(origins, OriginOf(u).String()) {
					return off(fmt.Sprintf("%s.headers[%d]", r.field, j), OriginOf(u).String())
				}
			}
		}
	}
	return nil
}

func requestOrigin(s Scenario) string {
	u, err := url.Parse(s.Request.URL)
	if err != nil {
		return s.Request.URL
	}
	return OriginOf(u).String()
}

// underField puts a *FieldError of a server ("server...") under field, as
// validateElsewhere does ("elsewhere[0].server...").
func underField(field string, err error) error {
	var fe *FieldError
	if errors.As(err, &fe) {
		return &FieldError{joinField(field, fe.Field), fe.Problem}
	}
	return err
}

// labProbeOrigins are the origins typical probes come from.
var labProbeOrigins = []string{"http://localhost:8080", "https://app.example.com", "null"}

// labCheckServer is LabCheckServer with probes, all paid for by m.
func labCheckServer(s Server, probes []HTTPRequest, m *pattern.Meter, origins []string) error {
	if err := s.validate(); err != nil {
		return err
	}
	if raw := s.Raw; raw != nil {
		for _, r := range []struct {
			field string
			resp  *Response
		}{{"server.raw.preflight", raw.Preflight}, {"server.raw.actual", raw.Actual}} {
			if r.resp != nil {
				if err := checkLabResponse(r.field, *r.resp, origins); err != nil {
					return err
				}
			}
		}
		return nil
	}
	if p := s.Policy; p != nil {
		c, err := p.compile()
		if err != nil {
			return err
		}
		for _, h := range c.appHeaders() {
			if prob := labHeaderProblem(h, origins); prob != "" {
				field := "server.policy.exposeHeaders"
				if i := slices.IndexFunc(p.ExposeHeaders, func(n string) bool { return strings.EqualFold(n, h.Name) }); i >= 0 {
					field = fmt.Sprintf("%s[%d]", field, i)
				}
				if strings.EqualFold(h.Name, "Set-Cookie") {
					prob += ": a policy's application sends its own session cookie; give a raw server to set the lab's"
				}
				return &FieldError{field, "the application behind the policy would send " + h.Name + ", which the lab refuses: " + prob}
			}
		}
	}
	respond, _, err := s.responder()
	var ce *ConfigError
	if errors.As(err, &ce) {
		return nil
	}
	if err != nil {
		return err
	}
	for _, o := range labProbeOrigins {
		probes = append(probes,
			HTTPRequest{Method: "OPTIONS", URL: "/", Headers: Headers{{Name: "Origin", Value: o}, {Name: headerRequestMethod, Value: "PUT"}, {Name: headerRequestHeaders, Value: "content-type,x-demo-id"}}},
			HTTPRequest{Method: "GET", URL: "/", Headers: Headers{{Name: "Origin", Value: o}}},
			HTTPRequest{Method: "POST", URL: "/", Headers: Headers{{Name: "Origin", Value: o}, {Name: "Content-Type", Value: "text/plain"}}},
		)
	}
	probes = append(probes, HTTPRequest{Method: "GET", URL: "/"}, HTTPRequest{Method: "OPTIONS", URL: "/"})
	field := "server.policy"
	if s.Library != nil {
		field = "server.library"
	}
	for _, req := range probes {
		req.meter = m
		resp := respond(req)
		if err := m.Err(); err != nil {
			return &FieldError{field, fmt.Sprintf("answering %s with Origin %s: %v", req.Method, originOf(req), err)}
		}
		if err := checkLabResponse(field, resp, origins); err != nil {
			err.Field = field
			err.Problem = fmt.Sprintf("answering %s with Origin %s: %s", req.Method, originOf(req), err.Problem)
			return err
		}
	}
	return nil
}

func originOf(req HTTPRequest) string {
	if o, ok := req.Headers.Get("Origin"); ok {
		return o
	}
	return "none"
}

// LabPlan is what a lab URL carries to enact a scenario whose redirects
// cross origins: its servers, moved onto the lab's origins (Relocate), and
// which URLs each answers, as in the scenario (Scenario.ServerAt). Each
// lab URL of a run carries the same plan, so the lab answers every hop of
// a redirect chain, on whichever of its origins, without state.
type LabPlan struct {
	// URL is the origin of the scenario's request URL, whose server
	// answers the URLs on it that no server elsewhere takes; "" when the
	// plan has no server elsewhere: the server then answers every URL of
	// the run, on any origin (EncodeLabServer's text is such a plan).
	URL    string `json:"url,omitempty"`
	Server Server `json:"server"`
	// Elsewhere are the scenario's servers elsewhere, their URLs on the
	// lab's origins.
	Elsewhere []Elsewhere `json:"elsewhere,omitempty"`
}

// LabPlanOf returns the plan that enacts s (moved onto the lab's origins):
// its servers, and the origin of its request URL when a server elsewhere,
// or a redirect to another origin, makes routing matter.
func LabPlanOf(s Scenario) LabPlan {
	s = s.Clone()
	p := LabPlan{Server: s.Server, Elsewhere: s.Elsewhere}
	if len(s.Elsewhere) > 0 || len(s.OtherOrigins()) > 0 {
		p.URL = requestOrigin(s)
	}
	return p
}

// scenario is the plan as a scenario whose ServerAt routes as the plan.
func (p LabPlan) scenario() Scenario {
	return Scenario{Request: Request{URL: p.URL + "/"}, Server: p.Server, Elsewhere: p.Elsewhere}
}

// ServerAt returns the server of the plan that answers rawURL, and its
// name as in Hop.Server: "server", "elsewhere[i]", or "" for the server
// of no CORS support and no such resource that answers where none of the
// scenario's does (Scenario.ServerAt). Without URL, the server answers
// everything.
func (p LabPlan) ServerAt(rawURL string) (Server, string) {
	if p.URL == "" && len(p.Elsewhere) == 0 {
		return p.Server, "server"
	}
	return p.scenario().ServerAt(rawURL)
}

func (p LabPlan) validate() error {
	if err := p.Server.validate(); err != nil {
		return err
	}
	if p.URL == "" {
		if len(p.Elsewhere) > 0 {
			return &FieldError{"url", "missing: the origin of the request's URL, which the plan's server answers"}
		}
		return nil
	}
	o, err := ParseOrigin(p.URL)
	if err != nil || o.Opaque {
		return &FieldError{"url", fmt.Sprintf("%q is not an origin: write scheme://host[:port]", p.URL)}
	}
	return p.scenario().validateElsewhere()
}

// EncodeLabPlan returns the text that carries p in a lab URL's path, as
// EncodeLabServer does for a server, within the same limits
// (MaxLabServerJSON of JSON for the whole plan, MaxLabServerEncoded of
// text). It fails with a *FieldError when p does not validate or is too
// large.
func EncodeLabPlan(p LabPlan) (string, error) {
	if err := p.validate(); err != nil {
		return "", err
	}
	return labText(p, "the servers")
}

// DecodeLabPlan reads a plan written by EncodeLabPlan, or a server written
// by EncodeLabServer (a plan of that server alone), and validates it. Every
// failure is a *FieldError, on "server" (the text), "url", or the field
// that is wrong ("server.raw.actual.headers[0]", "elsewhere[1].url").
func DecodeLabPlan(text string) (LabPlan, error) {
	data, err := labJSON(text)
	if err != nil {
		return LabPlan{}, &FieldError{Field: "server", Problem: err.Error()}
	}
	// A plan has the key "server"; a server never does.
	var probe struct {
		Server json.RawMessage `json:"server"`
	}
	if json.Unmarshal(data, &probe) != nil || probe.Server == nil {
		s, err := DecodeLabServer(text)
		return LabPlan{Server: s}, err
	}
	var p LabPlan
	if err := Unmarshal(data, &p); err != nil {
		return LabPlan{}, err
	}
	if err := p.validate(); err != nil {
		return LabPlan{}, err
	}
	return p, nil
}

// LabCheckPlan reports whether the lab, answering on origins, may enact
// p: its URL and each server elsewhere are on one of origins, and each of
// its servers passes LabCheckServer (a Location may name one of origins),
// all of them within one pattern budget, as one server's check. The error
// is a *FieldError on the plan's field.
func LabCheckPlan(p LabPlan, origins ...string) error {
	if err := p.validate(); err != nil {
		return err
	}
	// The messages name the lab's origins, never the plan's.
	if p.URL != "" && !slices.Contains(origins, p.URL) {
		return &FieldError{"url", fmt.Sprintf("not one of the lab's %d origins (%s)", len(origins), strings.Join(origins, ", "))}
	}
	for i, x := range p.Elsewhere {
		if u, _ := url.Parse(x.URL); !slices.Contains(origins, OriginOf(u).String()) {
			return &FieldError{fmt.Sprintf("elsewhere[%d].url", i), fmt.Sprintf("not on one of the lab's %d origins (%s)", len(origins), strings.Join(origins, ", "))}
		}
	}
	m := pattern.NewMeter(pattern.Budget)
	if err := labCheckServer(p.Server, nil, m, origins); err != nil {
		return err
	}
	for i, x := range p.Elsewhere {
		if err := labCheckServer(x.Server, nil, m, origins); err != nil {
			return underField(fmt.Sprintf("elsewhere[%d]", i), err)
		}
	}
	return nil
}
