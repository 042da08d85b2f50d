package engine

import (
	"corsplay/engine/server"
	"encoding/json"
	"fmt"
	"net/url"
	"slices"
	"sort"
	"strconv"
	"strings"
)

// Fix is a change that makes a blocked request pass, verified by evaluating
// the scenario again with the change applied. A reader meets it in this
// order: Plain (what to do, in words), Code (the user's own code before and
// after), Why (one line per change), Changes (the scenario's fields).
type Fix struct {
	Title string `json:"title"`
	// Plain says what the fix does in plain words: "Allow the origin
	// http://localhost:3000 and the request header Content-Type."
	Plain string `json:"plain,omitempty"`
	// Side is "server" (the policy, the raw headers or the library's
	// options), "page" (the fetch() call) or "both".
	Side    string   `json:"side"`
	Changes []Change `json:"changes"`
	// Code is the user's own code before and after the fix: the library's
	// call for a library server, the fetch() call for a page-side fix; nil
	// when the fix is only header lines or policy fields.
	Code *FixCode `json:"code,omitempty"`
	// Why has one line per change saying why it is needed.
	Why []string `json:"why,omitempty"`
	// Risk is what the change may cost: "none", "low" or "medium" — who
	// else can read the responses, or what the page relies on that stops
	// working (Breaks says what). Changes that would open the API to
	// attackers are never offered.
	Risk string `json:"risk"`
	Cost string `json:"cost"`
	// Breaks says what stops working once the fix is applied, "" when
	// nothing does.
	Breaks string `json:"breaks,omitempty"`
	// Server or Request is the part of the scenario with the fix applied.
	Server  *Server  `json:"server,omitempty"`
	Request *Request `json:"request,omitempty"`
	// Elsewhere is the scenario's other servers with the fix applied, when
	// it changes one of them.
	Elsewhere []Elsewhere `json:"elsewhere,omitempty"`
	// verified: the candidate was checked as it is (passesSafely).
	verified bool
}

// FixCode is code before and after a fix, in Language ("python", "go" or
// "javascript").
type FixCode struct {
	Language string `json:"language"`
	Before   string `json:"before"`
	After    string `json:"after"`
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
// a fix may bring no danger that out.Lint does not already report. For a
// library server the fixes change the library's own options and show its
// call before and after, in its language; they also mend a configuration
// the library refuses (the server would not start) when the request shows
// what it should be.
func Fixes(s Scenario, out Outcome) []Fix {
	if out.Verdict != Blocked && (out.ConfigError == "" || s.Server.Library == nil) || attackerPage(s.Page) && out.Verdict == Blocked {
		return nil
	}
	s = s.metered().withDefaults()
	before := dangerIDs(out.Lint)
	var candidates []Fix
	if f, ok := pageFix(s, out); ok {
		candidates = append(candidates, f)
	}
	if s.Page == "null" && originRefused(out.CORSError) {
		return verified(s, before, candidates)
	}
	if f, ok := redirectFix(s, out); ok {
		candidates = append(candidates, f)
	}
	if fs := layerFixes(s, out); len(fs) > 0 {
		return verified(s, before, append(candidates, fs...))
	}
	if i, ok := elsewhereIndex(lastServer(out)); ok && i < len(s.Elsewhere) {
		candidates = append(candidates, repaired(s, "Send the CORS headers at "+s.Elsewhere[i].URL, "low",
			"The page's origin gets what it needs there and nothing more.", nil))
		return verified(s, before, candidates)
	}
	switch {
	case s.Server.Library != nil:
		if f, ok := libraryFix(s, out, before); ok {
			candidates = append(candidates, f)
		}
	case s.Server.Policy != nil:
		title := "Allow exactly this request in the policy"
		if authStatus(s.Server.Policy.PreflightStatus) {
			title = "Let OPTIONS through before authentication"
		}
		candidates = append(candidates, repaired(s, title, "low",
			"The page's origin gets what it needs and nothing more.", nil))
		if s.Request.Credentials != CredentialsInclude && s.Server.Policy.AnyOrigin == "" && originRefused(out.CORSError) {
			f := repaired(s, "Let any origin read, without credentials", "medium",
				"Every site on the web can read these responses (never with cookies). Fine for public data, wrong for anything behind a login or on an intranet.",
				func(sc *Scenario, n *fixNotes) {
					sc.Server.Policy.AnyOrigin = AnyOriginWildcard
					n.Note("", "let any origin read (Access-Control-Allow-Origin: *)", "With anyOrigin \"wildcard\" the server answers * to everyone, which browsers accept for requests without cookies.")
				})
			candidates = append(candidates, f)
		}
	default:
		candidates = append(candidates, rawFixes(s, out)...)
	}
	return verified(s, before, candidates)
}

// NoSafeFix explains when the only change that would make the scenario pass
// is a dangerous one, which Fixes never offers.
func NoSafeFix(s Scenario, out Outcome) string {
	if out.Verdict != Blocked || len(out.Fixes) > 0 {
		return ""
	}
	if attackerPage(s.Page) {
		return "The page is the attacker's site (" + s.Page + ", as in the attacker's view): the block is the server's policy protecting its answers, and no change should let this page read them."
	}
	if taintedRefusal(out) {
		last := out.Hops[len(out.Hops)-1].Request.URL
		d := "A server of another origin sent the request on to " + last + ", so the browser sent Origin: null there. Allowing null would let any site read these responses (any page can take on the null origin with a sandboxed iframe). "
		first, err1 := url.Parse(s.Request.URL)
		to, err2 := url.Parse(last)
		if err1 == nil && err2 == nil && sameResource(first, to) {
			return d + "Call " + last + " directly from the page."
		}
		return d + "If it is a login page, have the API answer API calls itself (401 rather than a redirect) and let the page send the user to log in."
	}
	if s.Page == "null" && originRefused(out.CORSError) {
		return "The page has the opaque origin null. Allowing null would let any site read these responses, since any page can take on the null origin with a sandboxed iframe. Serve the page from a real origin (for development, http://localhost:PORT) and allow that one."
	}
	if l := s.Server.Library; l != nil {
		return "No safe change to the " + libraryTitle(l.Name) + " options alone makes this request pass; see the failing step."
	}
	return "No change to the server alone makes this request pass; see the failing step."
}

// attackerPage reports a page on the attacker's site of the attacker's view
// (exposure.go), evil-attacker.net or a subdomain: a scenario that plays the
// attack (a lesson) is blocked on purpose.
func attackerPage(page string) bool {
	o, err := ParseOrigin(page)
	return err == nil && (o.Host == "evil-attacker.net" || strings.HasSuffix(o.Host, ".evil-attacker.net"))
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
		if !f.verified && !passesSafely(f.Apply(s), before) {
			continue
		}
		f.verified = false
		if slices.ContainsFunc(out, func(g Fix) bool { return slices.Equal(f.Changes, g.Changes) }) {
			continue
		}
		out = append(out, f)
	}
	// sort.SliceStable, not slices.SortStableFunc: each instantiation of
	// the latter adds its own merge sort to app.wasm.
	sort.SliceStable(out, func(i, j int) bool {
		a, b := out[i], out[j]
		if d := riskRank[a.Risk] - riskRank[b.Risk]; d != 0 {
			return d < 0
		}
		return len(a.Changes) < len(b.Changes)
	})
	return out
}

// passesSafely: the scenario is allowed, and its lint reports no danger
// that before (the blocked scenario's) does not. A library's emulation is
// built once for both, and its configuration read only when it passes.
func passesSafely(s Scenario, before []string) bool {
	s = s.metered()
	lib := newLibEmulation(s)
	if verdictOnly(s, lib).Verdict != Allowed {
		return false
	}
	if lib != nil {
		lib.imp = importLibrary(*s.Server.Library, lib.em, lib.url, s.meter)
	}
	return subset(dangerIDs(lint(s, analyse(s, lib))), before)
}

// Apply returns s with the fix applied.
func (f Fix) Apply(s Scenario) Scenario {
	if f.Server != nil {
		s.Server = *f.Server
	}
	if f.Request != nil {
		s.Request = *f.Request
	}
	if f.Elsewhere != nil {
		s.Elsewhere = f.Elsewhere
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

// fixNotes are a fix's changes in plain words (engine/server's, which the
// libraries' fixers write too).
type fixNotes = server.Notes

// headersObject names request headers for "Allow …".
var headersObject = server.HeadersObject

// methodWhy says why a method needs the server's permission.
func methodWhy(m string) string {
	return fmt.Sprintf("%s is not GET, HEAD or POST, so the preflight answer must list it in Access-Control-Allow-Methods (methods are case-sensitive).", m)
}

// headerWhy says why the request header name needs the server's permission.
func headerWhy(s Scenario, name string) string {
	value := ""
	for _, h := range s.Request.Headers {
		if strings.EqualFold(h.Name, name) {
			value = h.Value
			break
		}
	}
	switch strings.ToLower(name) {
	case "content-type":
		return fmt.Sprintf("%s: %s is not one of the three types a form can send (application/x-www-form-urlencoded, multipart/form-data, text/plain), so it needs the server's permission.", name, value)
	case "authorization":
		return name + " always needs the server's permission by name: a * never covers it."
	case "accept", "accept-language", "content-language", "range":
		return fmt.Sprintf("%s: %s is not safelisted (the value is too long or holds characters the standard does not allow there), so it needs the server's permission.", name, value)
	}
	return name + " is not a safelisted request header, so it needs the server's permission."
}

// credentialsWhy says why the response must allow credentials.
const credentialsWhy = `fetch() sends cookies (credentials: "include"), so the response must say Access-Control-Allow-Credentials: true, or script cannot read it.`

// authStatus: a status an authentication layer answers.
func authStatus(status int) bool { return status == 401 || status == 403 || status == 407 }

// statusWhy says why a preflight's status must change.
func statusWhy(status int) string {
	if authStatus(status) {
		return fmt.Sprintf("The preflight was answered %d: preflights never carry cookies or Authorization, so an authentication check that runs before CORS refuses every one. Let OPTIONS through before authentication (put the CORS middleware first, or skip authentication for OPTIONS).", status)
	}
	if status == 404 || status == 405 {
		return fmt.Sprintf("The preflight was answered %d: nothing answers OPTIONS on this URL. A CORS middleware answers it before the routes.", status)
	}
	return fmt.Sprintf("The preflight was answered %d; browsers require an ok status, 200 to 299.", status)
}

// statusDo says in plain words how a preflight's status changes.
func statusDo(status int) string {
	if authStatus(status) {
		return fmt.Sprintf("answer the preflight before the authentication check, with 204 instead of %d", status)
	}
	return fmt.Sprintf("answer the preflight with 204 instead of %d", status)
}

// pageFix is a change to the fetch() call itself, when the page asks for
// something it can do without: a lower-case method the server lists in
// upper case, or credentials the server does not accept.
func pageFix(s Scenario, out Outcome) (Fix, bool) {
	r := s.Request
	var f Fix
	switch {
	case out.CORSError == ErrMethodDisallowedByPreflight && strings.ToUpper(r.Method) != r.Method:
		r.Method = strings.ToUpper(r.Method)
		f = Fix{Title: "Send the method in upper case", Risk: "none",
			Plain:   fmt.Sprintf("Write the method as %s in the fetch() call.", r.Method),
			Why:     []string{fmt.Sprintf("fetch() upper-cases only DELETE, GET, HEAD, OPTIONS, POST and PUT: %q goes out as typed, and methods are case-sensitive, so it does not match %s.", s.Request.Method, r.Method)},
			Cost:    "None: the server sees the method it expects.",
			Changes: []Change{{Field: "request.method", From: quote(s.Request.Method), To: quote(r.Method)}}}
	case r.Credentials == CredentialsInclude && (strings.HasSuffix(out.CORSError, ErrWildcardOriginNotAllowed) || strings.HasSuffix(out.CORSError, ErrInvalidAllowCredentials)):
		r.Credentials = CredentialsSameOrigin
		f = Fix{Title: "Do not send cookies, if the page does not need them", Risk: "medium",
			Plain:   `Remove credentials: "include" from the fetch() call.`,
			Why:     []string{"Without credentials the request carries no cookies and no HTTP authentication, and the server's answer needs no Access-Control-Allow-Credentials (a * answer is then accepted)."},
			Cost:    "Right only when the API authenticates with a token header (Authorization) or needs no login at all.",
			Breaks:  "Login by cookie: the request no longer carries the session cookie or HTTP authentication, so an API that recognises the user that way answers as if nobody were logged in (often 401).",
			Changes: []Change{{Field: "request.credentials", From: quote(CredentialsInclude), To: quote(CredentialsSameOrigin)}}}
	default:
		return Fix{}, false
	}
	f.Side, f.Request = "page", &r
	f.Code = &FixCode{Language: "javascript", Before: FetchCall(s.Request), After: FetchCall(r)}
	return f, true
}

// repaired starts from s (with prepare applied, if any) and repairs, one
// failure at a time, whatever the browser reports until the request passes.
func repaired(s Scenario, title, risk, cost string, prepare func(*Scenario, *fixNotes)) Fix {
	fixed := s.Clone()
	var n fixNotes
	if prepare != nil {
		prepare(&fixed, &n)
	}
	for range maxRepairs {
		out := verdictOnly(fixed, nil)
		if out.Verdict != Blocked || !repair(&fixed, out, &n) {
			break
		}
	}
	f := Fix{Title: title, Side: "server", Risk: risk, Cost: cost, Server: &fixed.Server, Plain: n.Plain(), Why: n.Why}
	f.Changes = serverChanges("server", s.Server, fixed.Server)
	for i := range fixed.Elsewhere {
		if c := serverChanges(fmt.Sprintf("elsewhere[%d].server", i), s.Elsewhere[i].Server, fixed.Elsewhere[i].Server); len(c) > 0 {
			f.Changes = append(f.Changes, c...)
			f.Elsewhere = fixed.Elsewhere
		}
	}
	var page []Change
	if fixed.Request.URL != s.Request.URL {
		page = append(page, Change{Field: "request.url", From: quote(s.Request.URL), To: quote(fixed.Request.URL)})
	}
	if fixed.Request.Method != s.Request.Method {
		page = append(page, Change{Field: "request.method", From: quote(s.Request.Method), To: quote(fixed.Request.Method)})
	}
	if len(page) > 0 {
		f.Side, f.Request = "both", &fixed.Request
		f.Changes = append(page, f.Changes...)
		f.Code = &FixCode{Language: "javascript", Before: FetchCall(s.Request), After: FetchCall(fixed.Request)}
	}
	return f
}

// repair changes the server for the failure out reports; false when it
// knows no repair. A lower-case method the server lists in upper case is
// repaired on the page: fetch() does not upper-case it, the server should
// not have to list both.
func repair(s *Scenario, out Outcome, n *fixNotes) bool {
	if out.CORSError == ErrMethodDisallowedByPreflight && out.Preflight != nil && out.Preflight.Response != nil {
		acam, _ := out.Preflight.Response.Headers.Get(headerAllowMethods)
		methods, _ := ExtractList(acam)
		if up := strings.ToUpper(s.Request.Method); up != s.Request.Method && slices.Contains(methods, up) {
			n.Note("", "write the method as "+up+" in fetch()", fmt.Sprintf("fetch() sends %q as typed (it upper-cases only DELETE, GET, HEAD, OPTIONS, POST and PUT), and the server allows %s.", s.Request.Method, up))
			s.Request.Method = up
			return true
		}
	}
	server := failingServer(s, out)
	if server == nil || taintedRefusal(out) {
		return false
	}
	if p := server.Policy; p != nil {
		return repairPolicy(p, *s, out, n)
	}
	if server.Library != nil {
		return false
	}
	if server.Raw == nil {
		server.Raw = &RawServer{}
	}
	return repairRaw(server.Raw, *s, out, n)
}

// failingServer is the server whose response the browser refused: the
// last request's, which may be a server elsewhere after redirects; nil
// when no scenario server answers that URL.
func failingServer(s *Scenario, out Outcome) *Server {
	if len(out.Hops) == 0 {
		return &s.Server
	}
	switch name := out.Hops[len(out.Hops)-1].Server; name {
	case "server":
		return &s.Server
	case "":
		return nil
	default:
		i, ok := elsewhereIndex(name)
		if !ok || i >= len(s.Elsewhere) {
			return nil
		}
		return &s.Elsewhere[i].Server
	}
}

// elsewhereIndex reads the i of a Hop.Server "elsewhere[i]".
func elsewhereIndex(name string) (int, bool) {
	n, ok := strings.CutPrefix(name, "elsewhere[")
	if n, ok = strings.CutSuffix(n, "]"); !ok {
		return 0, false
	}
	i, err := strconv.Atoi(n)
	return i, err == nil
}

// lastServer names the server of the last request sent (Hop.Server).
func lastServer(out Outcome) string {
	if len(out.Hops) == 0 {
		return "server"
	}
	return out.Hops[len(out.Hops)-1].Server
}

// redirectFix calls the URL a redirect of the request leads to, when the
// redirect only spells the same resource another way (http → https, a
// trailing slash, another host name): every redirect is one more response
// that must pass the CORS check, and one through another origin makes the
// Origin null.
func redirectFix(s Scenario, out Outcome) (Fix, bool) {
	first, err := url.Parse(s.Request.URL)
	if err != nil {
		return Fix{}, false
	}
	for _, h := range out.Hops {
		loc, ok := h.Response.Headers.Get("Location")
		if h.Preflight || !ok || !IsRedirectStatus(h.Response.Status) {
			continue
		}
		to, err := url.Parse(strings.TrimSpace(loc))
		if err != nil {
			return Fix{}, false
		}
		from, _ := url.Parse(h.Request.URL)
		to = from.ResolveReference(to)
		to.Fragment = first.Fragment
		if !sameResource(first, to) {
			return Fix{}, false
		}
		r := s.Request
		r.URL = to.String()
		why := "The server " + redirectCause(first, to) + ". " + redirectCauses + " Every redirect is one more response that must pass the CORS check, and a redirect from another origin to yet another makes the browser send Origin: null."
		f := Fix{Title: "Call the final URL", Side: "page", Risk: "none", Request: &r,
			Plain:   "Call " + r.URL + " directly in fetch(), where the redirect leads.",
			Why:     []string{why},
			Cost:    "None, if the final URL is the same API (it saves the redirect's round trip too).",
			Changes: []Change{{Field: "request.url", From: quote(s.Request.URL), To: quote(r.URL)}},
			Code:    &FixCode{Language: "javascript", Before: FetchCall(s.Request), After: FetchCall(r)}}
		return f, true
	}
	return Fix{}, false
}

// taintedRefusal: the refused request carried Origin: null after a
// redirect through another origin. Allowing null would let any sandboxed
// page read the answers, so no server change is offered.
func taintedRefusal(out Outcome) bool {
	if len(out.Hops) == 0 || !originRefused(out.CORSError) {
		return false
	}
	o, _ := out.Hops[len(out.Hops)-1].Request.Headers.Get("Origin")
	return o == "null"
}

// repairPolicy: the narrowest policy change for the reported failure.
func repairPolicy(p *Policy, s Scenario, out Outcome, n *fixNotes) bool {
	switch strings.TrimPrefix(out.CORSError, preflightPrefix) {
	case ErrMissingAllowOriginHeader, ErrAllowOriginMismatch:
		if p.AnyOrigin != "" || slices.Contains(p.Origins, s.Page) || s.Page == "null" {
			return false
		}
		p.Origins = append(p.Origins, s.Page)
		n.Note("the origin "+s.Page, "", fmt.Sprintf("The policy's origins do not include %s, so the server answers it without Access-Control-Allow-Origin.", s.Page))
	case ErrWildcardOriginNotAllowed:
		p.AnyOrigin = ""
		if !slices.Contains(p.Origins, s.Page) {
			p.Origins = append(p.Origins, s.Page)
		}
		n.Note("", "name the origin "+s.Page+" instead of answering *", "A request with cookies needs its exact origin back: browsers refuse Access-Control-Allow-Origin: * when credentials are sent.")
	case ErrInvalidAllowCredentials:
		if p.AnyOrigin == AnyOriginReflect {
			p.AnyOrigin = ""
			p.Origins = append(p.Origins, s.Page)
			n.Note("", "list "+s.Page+" instead of reflecting every origin", "Reflecting every origin with credentials would let any site read with the user's cookies: list the origins instead.")
		}
		p.Credentials = true
		n.Note("credentials (cookies)", "", credentialsWhy)
	case "InvalidStatus":
		n.Note("", statusDo(out.Preflight.Response.Status), statusWhy(out.Preflight.Response.Status))
		p.PreflightStatus = 204
	case ErrMethodDisallowedByPreflight:
		m := NormalizeMethod(s.Request.Method)
		p.Methods = append(p.Methods, m)
		n.Note("the method "+m, "", methodWhy(m))
	case ErrHeaderDisallowedByPreflight:
		names := disallowedHeaders(s, out)
		p.RequestHeaders = append(p.RequestHeaders, names...)
		n.Note(headersObject(names), "", "")
		for _, h := range names {
			n.Note("", "", headerWhy(s, h))
		}
	default:
		return false
	}
	return true
}

// repairRaw: the narrowest header change for the reported failure.
func repairRaw(raw *RawServer, s Scenario, out Outcome, n *fixNotes) bool {
	preflight := strings.HasPrefix(out.CORSError, preflightPrefix) || out.Actual == nil
	target := &raw.Actual
	which := "the response"
	if preflight {
		target = &raw.Preflight
		which = "the preflight answer"
	}
	if *target == nil {
		status := 200
		if preflight {
			status = 204
			n.Note("", "answer OPTIONS with 204", statusWhy(404))
		}
		*target = &Response{Status: status}
	}
	r := *target
	switch kind := strings.TrimPrefix(out.CORSError, preflightPrefix); kind {
	case ErrMissingAllowOriginHeader, ErrAllowOriginMismatch, ErrMultipleAllowOriginValues, ErrInvalidAllowOriginValue, ErrWildcardOriginNotAllowed:
		old, _ := r.Headers.Get(headerAllowOrigin)
		r.set(headerAllowOrigin, s.Page)
		why := map[string]string{
			ErrMissingAllowOriginHeader:  "Without Access-Control-Allow-Origin no page on another origin may read the answer.",
			ErrAllowOriginMismatch:       fmt.Sprintf("Access-Control-Allow-Origin must be exactly the page's origin, byte for byte: %q is not %q (no path, no trailing slash, the same scheme and port).", old, s.Page),
			ErrMultipleAllowOriginValues: "Access-Control-Allow-Origin must hold exactly one origin: two lines, or a list, are always refused. Pick the caller's origin from an allow-list and send only that one.",
			ErrInvalidAllowOriginValue:   fmt.Sprintf("%q is not an origin: send the page's origin exactly.", old),
			ErrWildcardOriginNotAllowed:  "A request with cookies needs its exact origin back: browsers refuse Access-Control-Allow-Origin: * when credentials are sent.",
		}[kind]
		n.Note("", fmt.Sprintf("send Access-Control-Allow-Origin: %s on %s", s.Page, which), why)
		if !r.Headers.Has("Vary") {
			r.Headers = append(r.Headers, Header{Name: "Vary", Value: "Origin"})
			n.Note("", "", "Vary: Origin keeps caches from serving one origin's answer to another.")
		}
	case ErrInvalidAllowCredentials:
		r.set(headerAllowCredentials, "true")
		n.Note("", "send Access-Control-Allow-Credentials: true on "+which, credentialsWhy)
	case "InvalidStatus", "DisallowedRedirect":
		if _, ok := r.Headers.Get("Location"); ok && IsRedirectStatus(r.Status) {
			r.remove("Location")
			n.Note("", "", "Browsers never follow a redirect of a preflight: the URL called must answer OPTIONS itself, with an ok status (200 to 299).")
		} else {
			n.Note("", statusDo(r.Status), statusWhy(r.Status))
		}
		r.Status = 204
	case ErrInvalidAllowMethodsPreflight:
		r.set(headerAllowMethods, salvageTokens(r.Headers, headerAllowMethods))
		n.Note("", "write Access-Control-Allow-Methods as a comma-separated list", "Access-Control-Allow-Methods must be method names separated by commas; anything else fails the whole preflight.")
	case ErrInvalidAllowHeadersPreflight:
		r.set(headerAllowHeaders, salvageTokens(r.Headers, headerAllowHeaders))
		n.Note("", "write Access-Control-Allow-Headers as a comma-separated list", "Access-Control-Allow-Headers must be header names separated by commas; anything else fails the whole preflight.")
	case ErrMethodDisallowedByPreflight:
		m := NormalizeMethod(s.Request.Method)
		r.appendList(headerAllowMethods, m)
		n.Note("the method "+m, "", methodWhy(m))
	case ErrHeaderDisallowedByPreflight:
		names := disallowedHeaders(s, out)
		for _, h := range names {
			r.appendList(headerAllowHeaders, h)
			n.Note("", "", headerWhy(s, h))
		}
		n.Note(headersObject(names), "", "")
	default:
		return false
	}
	return true
}

// rawFixes are the candidates for a raw server: the headers and status the
// request needs and, for a redirected preflight, calling the final URL
// instead.
func rawFixes(s Scenario, out Outcome) []Fix {
	const cost = "The page's origin gets what it needs and nothing more."
	pre := out.Preflight
	if pre == nil || pre.Response == nil {
		return []Fix{repaired(s, "Send the headers this request needs", "low", cost, nil)}
	}
	status := pre.Response.Status
	if authStatus(status) {
		return []Fix{repaired(s, "Let OPTIONS through before authentication", "low",
			"OPTIONS requests skip authentication, so they must do nothing but answer CORS; a CORS middleware placed before the authentication does exactly that, and the request itself still needs its credentials.", nil)}
	}
	loc, ok := pre.Response.Headers.Get("Location")
	base, err := url.Parse(s.Request.URL)
	final, err2 := url.Parse(strings.TrimSpace(loc))
	if !ok || !IsRedirectStatus(status) || err != nil || err2 != nil {
		return []Fix{repaired(s, "Send the headers this request needs", "low", cost, nil)}
	}
	final = base.ResolveReference(final)
	final.Fragment = ""
	cause := "The redirect " + redirectCause(base, final) + ". " + redirectCauses
	answer := repaired(s, "Answer OPTIONS before the redirect", "low", cost, func(_ *Scenario, n *fixNotes) {
		n.Note("", "make "+base.Path+" answer the preflight itself, before any redirect", cause)
	})
	if !sameResource(base, final) {
		// A redirect to another path (a login page, a moved route) is no
		// address to call instead: what redirected the preflight must let
		// OPTIONS through.
		return []Fix{answer}
	}
	call := repaired(s, "Call the final URL", "none",
		"None, if the final URL is the same API (it saves the redirect's round trip too).",
		func(sc *Scenario, n *fixNotes) { sc.Request.URL = final.String() })
	call.Plain = "Call " + final.String() + " directly in fetch(), where the redirect leads."
	call.Why = []string{cause, "Browsers never follow a redirect of a preflight, so the page must call the URL that answers. corsplay assumes that URL answers the preflight itself with the CORS headers this request needs: the server changes below stand for its answer."}
	return []Fix{call, answer}
}

// sameResource reports a redirect that only spells the URL another way: the
// scheme, the host or a trailing slash, not the path or the query.
func sameResource(from, to *url.URL) bool {
	return to.RawQuery == from.RawQuery &&
		(to.Path == from.Path || to.Path == from.Path+"/" || from.Path == to.Path+"/")
}

// redirectCauses names what usually redirects a preflight.
const redirectCauses = "A trailing slash the framework adds or removes and an http → https redirect are the usual causes."

// redirectCause says in words how the redirect changes the URL.
func redirectCause(from, to *url.URL) string {
	switch {
	case from.Scheme == "http" && to.Scheme == "https" && from.Host == to.Host && from.Path == to.Path:
		return "sends http:// to https://"
	case from.Host != to.Host:
		return fmt.Sprintf("moves the request from %s to %s", from.Host, to.Host)
	case to.Path == from.Path+"/":
		return "adds a trailing slash (" + from.Path + " → " + to.Path + ")"
	case from.Path == to.Path+"/":
		return "removes the trailing slash (" + from.Path + " → " + to.Path + ")"
	}
	return "goes to " + to.String()
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
		name := spelledAsSent(s.Request.Headers, n)
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
	r.Headers = append(r.Headers, Header{Name: name, Value: value})
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

// serverChanges lists the fields that differ between two servers, as JSON,
// under field (the servers' path in the scenario).
func serverChanges(field string, before, after Server) []Change {
	var changes []Change
	diff := func(field string, a, b any) {
		ja, jb := jsonOf(a), jsonOf(b)
		if ja != jb {
			changes = append(changes, Change{Field: field, From: ja, To: jb})
		}
	}
	for i := range max(len(before.Layers), len(after.Layers)) {
		var a, b *Layer
		if i < len(before.Layers) {
			a = &before.Layers[i]
		}
		if i < len(after.Layers) {
			b = &after.Layers[i]
		}
		diff(fmt.Sprintf("%s.layers[%d]", field, i), a, b)
	}
	if after.Policy != nil {
		var b Policy
		if before.Policy != nil {
			b = *before.Policy
		}
		a := *after.Policy
		diff(field+".policy.origins", b.Origins, a.Origins)
		diff(field+".policy.anyOrigin", b.AnyOrigin, a.AnyOrigin)
		diff(field+".policy.allowNull", b.AllowNull, a.AllowNull)
		diff(field+".policy.credentials", b.Credentials, a.Credentials)
		diff(field+".policy.methods", b.Methods, a.Methods)
		diff(field+".policy.requestHeaders", b.RequestHeaders, a.RequestHeaders)
		diff(field+".policy.preflightStatus", b.PreflightStatus, a.PreflightStatus)
		if b.vary() != a.vary() {
			changes = append(changes, Change{Field: field + ".policy.vary", From: strconv.FormatBool(b.vary()), To: strconv.FormatBool(a.vary())})
		}
		return changes
	}
	var braw RawServer
	if before.Raw != nil {
		braw = *before.Raw
	}
	if after.Raw != nil {
		changes = append(changes, responseChanges(field+".raw.preflight", braw.Preflight, after.Raw.Preflight)...)
		changes = append(changes, responseChanges(field+".raw.actual", braw.Actual, after.Raw.Actual)...)
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

// spelledAsSent is the header name that Access-Control-Request-Headers
// lists in lower case, as the page's fetch() spells it.
func spelledAsSent(hs Headers, lower string) string {
	for _, h := range hs {
		if strings.EqualFold(h.Name, lower) {
			return h.Name
		}
	}
	return lower
}
