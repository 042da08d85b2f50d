package engine

import (
	"encoding/json"
	"fmt"
	"slices"
	"strconv"
	"strings"
)

// Fix is a change that makes a blocked request pass, verified by evaluating
// the scenario again with the change applied.
type Fix struct {
	Title string `json:"title"`
	// Side is "server" (the policy or the raw headers) or "page" (the
	// fetch() call).
	Side    string   `json:"side"`
	Changes []Change `json:"changes"`
	// Risk is the security cost: "none", "low" or "medium". Changes that
	// would open the API to attackers are never offered.
	Risk string `json:"risk"`
	Cost string `json:"cost"`
	// Server or Request is the part of the scenario with the fix applied.
	Server  *Server  `json:"server,omitempty"`
	Request *Request `json:"request,omitempty"`
}

// Change is one edited field: its JSON value before and after ("" when
// absent).
type Change struct {
	Field string `json:"field"`
	From  string `json:"from"`
	To    string `json:"to"`
}

// maxRepairs bounds the repair loop: each round fixes the failure the
// browser reports, and a request fails in at most this many ways at once.
const maxRepairs = 8

var riskRank = map[string]int{"none": 0, "low": 1, "medium": 2}

// Fixes returns the smallest verified changes that make the blocked scenario
// pass, safest first. out is Evaluate's outcome for s, its lint included:
// a fix may bring no danger that out.Lint does not already report.
func Fixes(s Scenario, out Outcome) []Fix {
	if out.Verdict != Blocked || s.Server.Library != nil {
		return nil
	}
	s = s.metered().withDefaults()
	var candidates []Fix
	if f, ok := pageFix(s, out); ok {
		candidates = append(candidates, f)
	}
	if s.Page == "null" && originRefused(out.CORSError) {
		return verified(s, dangerIDs(out.Lint), candidates)
	}
	switch {
	case s.Server.Policy != nil:
		candidates = append(candidates, repaired(s, "Allow exactly this request in the policy", "low",
			"The page's origin gets what it needs and nothing more.", nil))
		if s.Request.Credentials != CredentialsInclude && s.Server.Policy.AnyOrigin == "" {
			candidates = append(candidates, repaired(s, "Let any origin read, without credentials", "medium",
				"Every site on the web can read these responses (never with cookies). Fine for public data, wrong for anything behind a login or on an intranet.",
				func(sc *Scenario) { sc.Server.Policy.AnyOrigin = AnyOriginWildcard }))
		}
	default:
		candidates = append(candidates, repaired(s, "Send the headers this request needs", "low",
			"The page's origin gets what it needs and nothing more.", nil))
	}
	return verified(s, dangerIDs(out.Lint), candidates)
}

// NoSafeFix explains when the only change that would make the scenario pass
// is a dangerous one, which Fixes never offers.
func NoSafeFix(s Scenario, out Outcome) string {
	if out.Verdict != Blocked || len(out.Fixes) > 0 || s.Server.Library != nil {
		return ""
	}
	if s.Page == "null" && originRefused(out.CORSError) {
		return "The page has the opaque origin null. Allowing null would let any site read these responses, since any page can take on the null origin with a sandboxed iframe. Serve the page from a real origin (for development, http://localhost:PORT) and allow that one."
	}
	return "No change to the server alone makes this request pass; see the failing step."
}

// originRefused reports the CorsErrors that mean "this origin is not allowed".
func originRefused(corsError string) bool {
	switch strings.TrimPrefix(corsError, preflightPrefix) {
	case ErrMissingAllowOriginHeader, ErrAllowOriginMismatch, ErrMultipleAllowOriginValues, ErrInvalidAllowOriginValue:
		return true
	}
	return false
}

// verified keeps the candidates that really flip the verdict to allowed and
// bring in no new danger, drops duplicates, and sorts them safest first.
func verified(s Scenario, before []string, candidates []Fix) []Fix {
	var out []Fix
	for _, f := range candidates {
		if len(f.Changes) == 0 {
			continue
		}
		fixed := f.apply(s)
		if verdictOnly(fixed, nil).Verdict != Allowed {
			continue
		}
		if after := dangerIDs(Lint(fixed)); !subset(after, before) {
			continue
		}
		if slices.ContainsFunc(out, func(g Fix) bool { return slices.Equal(f.Changes, g.Changes) }) {
			continue
		}
		out = append(out, f)
	}
	slices.SortStableFunc(out, func(a, b Fix) int {
		if d := riskRank[a.Risk] - riskRank[b.Risk]; d != 0 {
			return d
		}
		return len(a.Changes) - len(b.Changes)
	})
	return out
}

// apply returns s with the fix applied.
func (f Fix) apply(s Scenario) Scenario {
	if f.Server != nil {
		s.Server = *f.Server
	}
	if f.Request != nil {
		s.Request = *f.Request
	}
	return s
}

func dangerIDs(fs []Finding) []string {
	var ids []string
	for _, f := range fs {
		if f.Severity == SeverityDanger || f.Severity == SeverityError {
			ids = append(ids, f.ID+" "+f.Title)
		}
	}
	return ids
}

func subset(a, b []string) bool {
	for _, x := range a {
		if !slices.Contains(b, x) {
			return false
		}
	}
	return true
}

// pageFix is a change to the fetch() call itself, when the page asks for
// something it can do without: a lower-case method the server lists in
// upper case, or credentials the server does not accept.
func pageFix(s Scenario, out Outcome) (Fix, bool) {
	r := s.Request
	switch {
	case out.CORSError == ErrMethodDisallowedByPreflight && strings.ToUpper(r.Method) != r.Method:
		r.Method = strings.ToUpper(r.Method)
		return Fix{Title: "Send the method in upper case", Side: "page", Risk: "none", Request: &r,
			Cost:    "None: methods are case-sensitive and fetch() upper-cases only DELETE, GET, HEAD, OPTIONS, POST and PUT, so write " + r.Method + ".",
			Changes: []Change{{Field: "request.method", From: quote(s.Request.Method), To: quote(r.Method)}}}, true
	case r.Credentials == CredentialsInclude && (strings.HasSuffix(out.CORSError, ErrWildcardOriginNotAllowed) || strings.HasSuffix(out.CORSError, ErrInvalidAllowCredentials)):
		r.Credentials = CredentialsSameOrigin
		return Fix{Title: "Do not send cookies, if the page does not need them", Side: "page", Risk: "none", Request: &r,
			Cost:    "None, but the request no longer carries cookies or HTTP authentication: use it when the API authenticates with a token header instead.",
			Changes: []Change{{Field: "request.credentials", From: quote(CredentialsInclude), To: quote(CredentialsSameOrigin)}}}, true
	}
	return Fix{}, false
}

// repaired starts from s (with prepare applied, if any) and repairs, one
// failure at a time, whatever the browser reports until the request passes.
func repaired(s Scenario, title, risk, cost string, prepare func(*Scenario)) Fix {
	fixed := s.Clone()
	if prepare != nil {
		prepare(&fixed)
	}
	for range maxRepairs {
		out := verdictOnly(fixed, nil)
		if out.Verdict != Blocked || !repair(&fixed, out) {
			break
		}
	}
	f := Fix{Title: title, Side: "server", Risk: risk, Cost: cost, Server: &fixed.Server}
	f.Changes = serverChanges(s.Server, fixed.Server)
	if fixed.Request.Method != s.Request.Method {
		f.Side, f.Request = "both", &fixed.Request
		f.Changes = append([]Change{{Field: "request.method", From: quote(s.Request.Method), To: quote(fixed.Request.Method)}}, f.Changes...)
	}
	return f
}

// repair changes the server for the failure out reports; false when it
// knows no repair. A lower-case method the server lists in upper case is
// repaired on the page: fetch() does not upper-case it, the server should
// not have to list both.
func repair(s *Scenario, out Outcome) bool {
	if out.CORSError == ErrMethodDisallowedByPreflight && out.Preflight != nil && out.Preflight.Response != nil {
		acam, _ := out.Preflight.Response.Headers.Get(headerAllowMethods)
		methods, _ := ExtractList(acam)
		if up := strings.ToUpper(s.Request.Method); up != s.Request.Method && slices.Contains(methods, up) {
			s.Request.Method = up
			return true
		}
	}
	if p := s.Server.Policy; p != nil {
		return repairPolicy(p, *s, out)
	}
	if s.Server.Raw == nil {
		s.Server.Raw = &RawServer{}
	}
	return repairRaw(s.Server.Raw, *s, out)
}

// repairPolicy: the narrowest policy change for the reported failure.
func repairPolicy(p *Policy, s Scenario, out Outcome) bool {
	switch strings.TrimPrefix(out.CORSError, preflightPrefix) {
	case ErrMissingAllowOriginHeader, ErrAllowOriginMismatch:
		if p.AnyOrigin != "" || slices.Contains(p.Origins, s.Page) || s.Page == "null" {
			return false
		}
		p.Origins = append(p.Origins, s.Page)
	case ErrWildcardOriginNotAllowed:
		p.AnyOrigin = ""
		if !slices.Contains(p.Origins, s.Page) {
			p.Origins = append(p.Origins, s.Page)
		}
	case ErrInvalidAllowCredentials:
		if p.AnyOrigin == AnyOriginReflect {
			p.AnyOrigin = ""
			p.Origins = append(p.Origins, s.Page)
		}
		p.Credentials = true
	case "InvalidStatus":
		p.PreflightStatus = 204
	case ErrMethodDisallowedByPreflight:
		p.Methods = append(p.Methods, NormalizeMethod(s.Request.Method))
	case ErrHeaderDisallowedByPreflight:
		p.RequestHeaders = append(p.RequestHeaders, disallowedHeaders(s, out)...)
	default:
		return false
	}
	return true
}

// repairRaw: the narrowest header change for the reported failure.
func repairRaw(raw *RawServer, s Scenario, out Outcome) bool {
	preflight := strings.HasPrefix(out.CORSError, preflightPrefix) || out.Actual == nil
	target := &raw.Actual
	if preflight {
		target = &raw.Preflight
	}
	if *target == nil {
		status := 200
		if preflight {
			status = 204
		}
		*target = &Response{Status: status}
	}
	r := *target
	switch strings.TrimPrefix(out.CORSError, preflightPrefix) {
	case ErrMissingAllowOriginHeader, ErrAllowOriginMismatch, ErrMultipleAllowOriginValues, ErrInvalidAllowOriginValue, ErrWildcardOriginNotAllowed:
		r.set(headerAllowOrigin, s.Page)
		if !r.Headers.Has("Vary") {
			r.Headers = append(r.Headers, Header{"Vary", "Origin"})
		}
	case ErrInvalidAllowCredentials:
		r.set(headerAllowCredentials, "true")
	case "InvalidStatus", "DisallowedRedirect":
		r.Status = 204
		r.remove("Location")
	case ErrInvalidAllowMethodsPreflight:
		r.set(headerAllowMethods, salvageTokens(r.Headers, headerAllowMethods))
	case ErrInvalidAllowHeadersPreflight:
		r.set(headerAllowHeaders, salvageTokens(r.Headers, headerAllowHeaders))
	case ErrMethodDisallowedByPreflight:
		r.appendList(headerAllowMethods, NormalizeMethod(s.Request.Method))
	case ErrHeaderDisallowedByPreflight:
		for _, n := range disallowedHeaders(s, out) {
			r.appendList(headerAllowHeaders, n)
		}
	default:
		return false
	}
	return true
}

// disallowedHeaders are the request's unsafe headers the preflight response
// did not allow, spelt as the page wrote them.
func disallowedHeaders(s Scenario, out Outcome) []string {
	if out.Preflight == nil || out.Preflight.Response == nil {
		return nil
	}
	acrh, _ := out.Preflight.Request.Headers.Get(headerRequestHeaders)
	acah, _ := out.Preflight.Response.Headers.Get(headerAllowHeaders)
	allowed, _ := ExtractList(strings.ToLower(acah))
	include := s.Request.Credentials == CredentialsInclude
	var names []string
	for n := range strings.SplitSeq(acrh, ",") {
		if n == "" || slices.Contains(allowed, n) || (!include && slices.Contains(allowed, "*") && n != "authorization") {
			continue
		}
		name := n
		for _, h := range s.Request.Headers {
			if strings.EqualFold(h.Name, n) {
				name = h.Name
				break
			}
		}
		names = append(names, name)
	}
	return names
}

// salvageTokens rebuilds an unparsable list from its token-shaped parts.
func salvageTokens(hs Headers, name string) string {
	v, _ := hs.Get(name)
	var out []string
	for _, f := range strings.FieldsFunc(v, func(r rune) bool { return r > 0x7f || !isTokenChar(byte(r)) }) {
		if !slices.Contains(out, f) {
			out = append(out, f)
		}
	}
	return strings.Join(out, ", ")
}

// set replaces every line named name with one line.
func (r *Response) set(name, value string) {
	r.remove(name)
	r.Headers = append(r.Headers, Header{name, value})
}

func (r *Response) remove(name string) {
	r.Headers = slices.DeleteFunc(slices.Clone(r.Headers), func(h Header) bool { return strings.EqualFold(h.Name, name) })
}

// appendList adds value to a comma-separated list header.
func (r *Response) appendList(name, value string) {
	v, ok := r.Headers.Get(name)
	if !ok || strings.TrimSpace(v) == "" {
		r.set(name, value)
		return
	}
	r.set(name, v+", "+value)
}

// serverChanges lists the fields that differ between two servers, as JSON.
func serverChanges(before, after Server) []Change {
	var changes []Change
	diff := func(field string, a, b any) {
		ja, jb := jsonOf(a), jsonOf(b)
		if ja != jb {
			changes = append(changes, Change{Field: field, From: ja, To: jb})
		}
	}
	if after.Policy != nil {
		var b Policy
		if before.Policy != nil {
			b = *before.Policy
		}
		a := *after.Policy
		diff("server.policy.origins", b.Origins, a.Origins)
		diff("server.policy.anyOrigin", b.AnyOrigin, a.AnyOrigin)
		diff("server.policy.allowNull", b.AllowNull, a.AllowNull)
		diff("server.policy.credentials", b.Credentials, a.Credentials)
		diff("server.policy.methods", b.Methods, a.Methods)
		diff("server.policy.requestHeaders", b.RequestHeaders, a.RequestHeaders)
		diff("server.policy.preflightStatus", b.PreflightStatus, a.PreflightStatus)
		return changes
	}
	var braw RawServer
	if before.Raw != nil {
		braw = *before.Raw
	}
	if after.Raw != nil {
		changes = append(changes, responseChanges("server.raw.preflight", braw.Preflight, after.Raw.Preflight)...)
		changes = append(changes, responseChanges("server.raw.actual", braw.Actual, after.Raw.Actual)...)
	}
	return changes
}

// responseChanges lists a raw response's edits line by line: the status,
// and each header line removed, added or changed ("Name: value").
func responseChanges(field string, before, after *Response) []Change {
	if after == nil {
		return nil
	}
	var changes []Change
	var b Response
	if before != nil {
		b = *before
	}
	if b.Status != after.Status {
		from := ""
		if before != nil {
			from = strconv.Itoa(b.Status)
		}
		changes = append(changes, Change{Field: field + ".status", From: from, To: strconv.Itoa(after.Status)})
	}
	line := func(h Header) string { return h.Name + ": " + h.Value }
	// Lines are compared as a multiset: of two identical lines, dropping
	// one is a change.
	left := map[Header]int{}
	for _, h := range after.Headers {
		left[h]++
	}
	var removed, added []Header
	for _, h := range b.Headers {
		if left[h] > 0 {
			left[h]--
		} else {
			removed = append(removed, h)
		}
	}
	for _, h := range after.Headers {
		if left[h] > 0 {
			left[h]--
			added = append(added, h)
		}
	}
	for _, r := range removed {
		c := Change{Field: field + ".headers", From: line(r)}
		if i := slices.IndexFunc(added, func(a Header) bool { return strings.EqualFold(a.Name, r.Name) }); i >= 0 {
			c.To = line(added[i])
			added = slices.Delete(added, i, i+1)
		}
		changes = append(changes, c)
	}
	for _, a := range added {
		changes = append(changes, Change{Field: field + ".headers", To: line(a)})
	}
	return changes
}

func jsonOf(v any) string {
	b, err := json.Marshal(v)
	if err != nil || string(b) == "null" || string(b) == "\"\"" || string(b) == "false" || string(b) == "0" {
		return ""
	}
	return string(b)
}

func quote(s string) string { return fmt.Sprintf("%q", s) }
