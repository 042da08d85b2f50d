package engine

import (
	"fmt"
	"net/url"
	"slices"
	"strings"

	"corsplay/engine/console"
)

// Fetch standard anchors the steps link to.
const (
	specBase         = "https://fetch.spec.whatwg.org/"
	specRequestCtor  = specBase + "#dom-request"
	specMethod       = specBase + "#concept-method-normalize"
	specForbiddenHdr = specBase + "#forbidden-request-header"
	specNoCORSHdr    = specBase + "#no-cors-safelisted-request-header"
	specMainFetch    = specBase + "#main-fetch"
	specSafelistHdr  = specBase + "#cors-unsafe-request-header-names"
	specPreflight    = specBase + "#cors-preflight-fetch-0"
	specCORSCheck    = specBase + "#concept-cors-check"
	specOKStatus     = specBase + "#ok-status"
	specCache        = specBase + "#concept-cache"
	specExpose       = specBase + "#concept-filtered-response-cors"
	specBasic        = specBase + "#concept-filtered-response-basic"
	specOpaque       = specBase + "#concept-filtered-response-opaque"
	specOrigin       = specBase + "#origin-header"
	specCORSProtocol = specBase + "#http-cors-protocol"
)

// evaluation carries the state of one Evaluate call.
type evaluation struct {
	s       Scenario
	profile string
	out     Outcome

	browser    console.Browser // what the profile's browser prints
	server     func(HTTPRequest) Response
	lib        *libView // a library server's emulation, already built
	brief      bool     // the verdict alone: no steps, sends or cookies (verdictOnly)
	origin     Origin
	originText string // origin, serialized
	url        *url.URL
	urlString  string // as sent: no fragment
	consoleURL string // as Chromium prints it: with the fragment
	method     string
	headers    Headers // author headers after the guard, as sent

	elsewhere     []func(HTTPRequest) Response // Scenario.Elsewhere's servers
	initialURL    string                       // the first URL, as consoleURL
	redirects     int                          // followed so far
	tainting      string                       // response tainting: tainting…
	taintedOrigin bool                         // Origin is null from now on
	preflights    map[[2]string]grant          // the preflight cache: (origin, URL) → grant
	preflighted   bool                         // a preflight was sent
	// droppedAuthorization: the last redirect removed Authorization.
	droppedAuthorization bool
	// beganSameOrigin: the first URL is on the page's origin.
	beganSameOrigin bool
}

// Evaluate runs the scenario through the browser's side of the Fetch
// algorithm and returns what happens. It never fails: input a browser would
// refuse yields verdict "error" with the browser's TypeError. For a policy
// or library server it adds the lint findings and the attacker's view (a
// library's as that library answers); for a blocked request, the smallest
// fixes. Pattern matching has one budget (pattern.Budget) for all of it:
// the request's own exchange first, which stops with verdict "error" when
// it runs out; the analysis after it stops early and says so (COST-001).
func Evaluate(s Scenario) Outcome {
	s = s.metered()
	lib := newLibView(s)
	out := evaluateWith(s, lib)
	if s.meter.Exceeded() {
		return out
	}
	out.Browsers = browsers(s, out, lib)
	if d := BrowsersDiffer(out.Browsers); d != "" && len(out.Steps) > 0 && out.Steps[len(out.Steps)-1].ID == "verdict" {
		out.Steps[len(out.Steps)-1].Differs = d + "."
	}
	a := analyse(s, lib)
	out.Exposure = a.probes
	out.Lint = lint(s, a)
	more := append(libraryFindings(s, out.LibraryWarnings), layerFindings(s)...)
	if more = append(more, redirectFindings(out)...); len(more) > 0 {
		out.Lint = append(out.Lint, more...)
		sortFindings(out.Lint)
	}
	if (out.Verdict == Blocked || out.ConfigError != "") && !s.meter.Exceeded() {
		out.Fixes = Fixes(s, out)
		out.NoSafeFix = NoSafeFix(s, out)
	}
	if s.meter.Exceeded() {
		out.Lint, out.Fixes, out.NoSafeFix = []Finding{costFinding(len(out.Exposure))}, nil, ""
	}
	return out
}

// evaluate is Evaluate without lint, exposure and fixes.
func evaluate(s Scenario) Outcome {
	return evaluateWith(s, nil)
}

// evaluateWith is evaluate with a library server's emulation already
// built (nil: build the server from the scenario).
func evaluateWith(s Scenario, lib *libView) Outcome {
	return (&evaluation{s: s, lib: lib}).run()
}

// verdictOnly is evaluateWith for the verdict alone, where nobody reads the
// steps: the other browsers' verdicts and the fixes' checks. Its verdict,
// CORS error, console text and lines (but those of a response loaded), TypeError,
// exchanges, readable headers and library warnings are evaluate's; it has
// no steps, no sends and no cookies.
func verdictOnly(s Scenario, lib *libView) Outcome {
	return (&evaluation{s: s, lib: lib, brief: true}).run()
}

// run evaluates e.s (with e.lib, if any) into e.out.
func (e *evaluation) run() (out Outcome) {
	e.s = e.s.metered().withDefaults()
	e.profile = e.s.Browser
	e.browser = profileOf(e.profile).console
	e.out.ReadableHeaders = []string{}
	e.out.ConsoleLines = []ConsoleLine{}
	e.out.Hops = make([]Hop, 0, 2) // a preflight and the request
	defer func() {
		if r := recover(); r != nil {
			e.stopped(r)
			out = e.out
		}
	}()
	if e.construct() {
		e.fetch()
	}
	return e.out
}

// respond sends req to the server that answers its URL, records the hop,
// and returns the response as the browser's parser hands it over
// (Response.parsed). It stops the evaluation when the server's patterns
// cost more than the budget left.
func (e *evaluation) respond(req HTTPRequest, preflight bool) Response {
	req.meter = e.s.meter
	server, name := e.server, "server"
	switch i := e.s.answerer(req.URL); i {
	case byNobody:
		server, name = nobody.respondRaw, ""
	case byServer:
	default:
		server, name = e.elsewhere[i], fmt.Sprintf("elsewhere[%d]", i)
	}
	resp := server(req)
	if err := e.s.meter.Err(); err != nil {
		panic(budgetStop{err})
	}
	parsed := resp.parsed()
	req.meter = nil
	e.out.Hops = append(e.out.Hops, Hop{Preflight: preflight, Request: req, Response: &parsed, Server: name, By: resp.by, StatusBy: resp.statusBy})
	return parsed
}

// stopped ends an evaluation respond stopped (r is what it panicked
// with): what the server would answer is unknown, so the verdict is too.
func (e *evaluation) stopped(r any) {
	stop, ok := r.(budgetStop)
	if !ok {
		panic(r)
	}
	e.out.Verdict, e.out.Console, e.out.CORSError, e.out.ReadableHeaders = Error, stop.err.Error(), "", []string{}
	e.step(Step{ID: "budget", Title: "Match the server's patterns", Status: StepFail, Detail: stop.err.Error(), Spec: specCORSProtocol})
}

func (e *evaluation) step(st Step) {
	if st.Message != "" && st.Message != "request" && len(e.out.Hops) > 0 {
		st.Hop = len(e.out.Hops) - 1
	}
	if !e.brief {
		e.out.Steps = append(e.out.Steps, st)
	}
}

// typeError ends the evaluation with a TypeError fetch() throws before
// sending: kind is a console.Type… kind, hint what its message quotes.
func (e *evaluation) typeError(id, title, kind, hint, detail, spec string) bool {
	return e.typeErrorOf(id, title, console.Failure{Kind: kind, Hint: hint}, detail, spec)
}

// typeErrorOf is typeError for a failure with more to quote.
func (e *evaluation) typeErrorOf(id, title string, f console.Failure, detail, spec string) bool {
	e.out.Verdict = Error
	e.failed(f)
	e.step(Step{ID: id, Title: title, Status: StepFail, Detail: detail + " fetch() throws TypeError: " + e.out.TypeError, Spec: spec, Message: "request"})
	return false
}

// blocked ends the evaluation with a CORS failure of kind (a CorsError
// name), hint what the message quotes and status the failing response's.
func (e *evaluation) blocked(kind, hint string, status int) {
	e.blockedAt(kind, hint, status, "")
}

// blockedAt is blocked for a response that redirects to location ("" for
// none).
func (e *evaluation) blockedAt(kind, hint string, status int, location string) {
	e.out.Verdict = Blocked
	e.out.CORSError = kind
	e.failed(e.failure(console.Failure{Kind: kind, Hint: hint, Status: status, Location: location}))
}

// failure fills in what every failure of this fetch says: where it went,
// from which origin, with which method.
func (e *evaluation) failure(f console.Failure) console.Failure {
	f.URL, f.InitialURL, f.Origin, f.RequestOrigin, f.Method = e.consoleURL, e.initialURL, e.originText, e.sentOrigin(), e.method
	f.BeganSameOrigin, f.Follows = e.beganSameOrigin, e.s.Request.Redirect == RedirectFollow
	return f
}

// failed writes what the browser prints for f.
func (e *evaluation) failed(f console.Failure) {
	lines, te := e.browser.Failed(f)
	if lines != nil {
		e.out.ConsoleLines = lines
	}
	e.out.TypeError = te
	e.out.Console = te
	if len(lines) > 0 {
		e.out.Console = lines[0].Text
	}
}

// construct follows the Request constructor: everything fetch() checks before
// any byte is sent. https://fetch.spec.whatwg.org/#dom-request
func (e *evaluation) construct() bool {
	r := e.s.Request
	switch r.Credentials {
	case CredentialsOmit, CredentialsSameOrigin, CredentialsInclude:
	default:
		return e.typeError("credentials", "Credentials mode", console.TypeCredentials, r.Credentials,
			"credentials must be \"omit\", \"same-origin\" or \"include\".", specRequestCtor)
	}
	switch r.Mode {
	case ModeCORS, ModeNoCORS, ModeSameOrigin:
	case "navigate":
		return e.typeError("mode", "Request mode", console.TypeNavigate, r.Mode,
			"Only the browser makes navigation requests.", specRequestCtor)
	default:
		return e.typeError("mode", "Request mode", console.TypeMode, r.Mode,
			"mode must be \"cors\", \"no-cors\" or \"same-origin\" (\"navigate\" is for the browser alone).", specRequestCtor)
	}
	switch r.Redirect {
	case RedirectFollow, RedirectError, RedirectManual:
	default:
		return e.typeError("redirect", "Redirect mode", console.TypeRedirect, r.Redirect,
			"redirect must be \"follow\", \"error\" or \"manual\".", specRequestCtor)
	}
	origin, err := ParseOrigin(e.s.Page)
	if err != nil {
		e.out.Verdict = Error
		e.out.Console = "page: " + err.Error()
		e.step(Step{ID: "page", Title: "Page origin", Status: StepFail, Detail: e.out.Console, Spec: specOrigin})
		return false
	}
	e.origin, e.originText = origin, origin.String()
	for i, x := range e.s.Elsewhere {
		r, _, err := x.Server.responder()
		if err != nil {
			e.out.Verdict = Error
			e.out.Console = fmt.Sprintf("elsewhere[%d].server: %v", i, err)
			e.step(Step{ID: "server", Title: "Server configuration", Status: StepFail, Detail: "The configuration of the server at " + x.URL + " is invalid, so it would not start: " + err.Error(), Spec: specCORSProtocol})
			return false
		}
		e.elsewhere = append(e.elsewhere, r)
	}
	if e.lib != nil {
		e.server, e.out.LibraryWarnings = e.s.Server.layered(e.lib.em.respond), e.lib.em.warnings()
	} else if e.server, e.out.LibraryWarnings, err = e.s.Server.responder(); err != nil {
		e.out.Verdict = Error
		e.out.Console = err.Error()
		if ce, ok := err.(*ConfigError); ok {
			e.out.ConfigError = ce.Message
		}
		e.step(Step{ID: "server", Title: "Server configuration", Status: StepFail, Detail: "The server's configuration is invalid, so it would not start: " + err.Error(), Spec: specCORSProtocol})
		return false
	}

	u, err := url.Parse(r.URL)
	if err != nil || !u.IsAbs() || u.Host == "" {
		return e.typeError("url", "Parse the URL", console.TypeURL, r.URL, "fetch() resolves the URL first; this one does not parse as an absolute URL.", specRequestCtor)
	}
	if s := strings.ToLower(u.Scheme); s != "http" && s != "https" {
		return e.typeError("url", "Parse the URL", console.TypeURL, r.URL, "corsplay models http and https URLs only.", specRequestCtor)
	}
	if _, err := canonicalPort(u.Port()); err != nil {
		return e.typeError("url", "Parse the URL", console.TypeURL, r.URL, "fetch() resolves the URL first, and the URL standard refuses this one: its "+err.Error()+".", specURLPort)
	}
	e.url, e.urlString, e.consoleURL = u, serializeURL(u), serializeURL(u)
	if u.Fragment != "" {
		e.consoleURL += "#" + u.EscapedFragment()
	}
	if u.User != nil {
		return e.typeError("url", "Parse the URL", console.TypeURLCredentials, r.URL,
			"A URL with a user name or password cannot be fetched; send credentials in a header instead.", specRequestCtor)
	}
	e.step(Step{ID: "url", Title: "Parse the URL", Status: StepPass, Detail: fmt.Sprintf("The request goes to %s, whose origin is %s.", e.urlString, OriginOf(u)), Spec: specRequestCtor, Message: "request"})

	if !e.constructMethod() || !e.constructHeaders() {
		return false
	}
	return e.constructBody()
}

func (e *evaluation) constructMethod() bool {
	m := e.s.Request.Method
	if !IsToken(m) {
		return e.typeError("method", "Method", console.TypeMethod, m, "A method is a token: letters, digits and !#$%&'*+-.^_`|~, without spaces.", specMethod)
	}
	if IsForbiddenMethod(m) {
		return e.typeError("method", "Method", console.TypeForbiddenMethod, m, m+" is a forbidden method: CONNECT, TRACE and TRACK can never be sent from a page.", specBase+"#forbidden-method")
	}
	e.method = NormalizeMethod(m)
	detail := "The method is " + e.method + "."
	switch {
	case e.method != m:
		detail = fmt.Sprintf("fetch() upper-cases %q to %s: it does so for DELETE, GET, HEAD, OPTIONS, POST and PUT only.", m, e.method)
	case strings.ToUpper(m) != m:
		detail = fmt.Sprintf("fetch() sends %q exactly as typed: only DELETE, GET, HEAD, OPTIONS, POST and PUT are upper-cased, and methods are case-sensitive, so the server must allow %q, not %q.", m, m, strings.ToUpper(m))
	}
	if e.s.Request.Mode == ModeNoCORS && !IsSafelistedMethod(e.method) {
		return e.typeError("method", "Method", console.TypeNoCORSMethod, e.method, "A no-cors request may only use GET, HEAD or POST.", specRequestCtor)
	}
	e.step(Step{ID: "method", Title: "Method", Status: StepPass, Detail: detail, Spec: specMethod, Message: "request"})
	return true
}

// constructHeaders applies the header guard (guardHeaders) and throws
// fetch()'s TypeError for a header that is no header.
func (e *evaluation) constructHeaders() bool {
	for _, h := range e.s.Request.Headers {
		if !IsToken(h.Name) {
			return e.typeError("headers", "Request headers", console.TypeHeaderName, h.Name, fmt.Sprintf("%q is not a valid header name.", h.Name), specBase+"#concept-headers-append")
		}
		if !IsHeaderValue(NormalizeHeaderValue(h.Value)) {
			return e.typeErrorOf("headers", "Request headers", console.Failure{Kind: console.TypeHeaderValue, Hint: h.Value, Name: h.Name}, fmt.Sprintf("The value of %s contains NUL, CR or LF.", h.Name), specBase+"#concept-headers-append")
		}
	}
	noCORS := e.s.Request.Mode == ModeNoCORS
	var dropped []string
	e.headers, dropped = guardHeaders(e.profile, e.s.Request.Headers, noCORS)
	if len(e.s.Request.Headers) == 0 {
		return true
	}
	st := Step{ID: "headers", Title: "Request headers", Status: StepPass, Spec: specForbiddenHdr, Message: "request"}
	if len(dropped) > 0 {
		st.Status = StepInfo
		st.Detail = "Dropped without an error: " + strings.Join(dropped, "; ") + ". The server never sees them."
		if noCORS {
			st.Spec = specNoCORSHdr
		}
	} else {
		st.Detail = "Every header is one script may set."
	}
	e.step(st)
	return true
}

func (e *evaluation) constructBody() bool {
	body := e.s.Request.Body
	if body == nil {
		return true
	}
	if e.method == "GET" || e.method == "HEAD" {
		return e.typeErrorOf("body", "Body", console.Failure{Kind: console.TypeBodyWithGetHead, Method: e.method}, "A GET or HEAD request cannot carry a body.", specRequestCtor)
	}
	detail := fmt.Sprintf("A %d-byte string body.", len(*body))
	if !e.headers.Has("Content-Type") {
		e.headers = append(e.headers, Header{Name: "Content-Type", Value: "text/plain;charset=UTF-8"})
		detail += " No Content-Type was set, so fetch() adds Content-Type: text/plain;charset=UTF-8, which is safelisted."
	}
	e.step(Step{ID: "body", Title: "Body", Status: StepPass, Detail: detail, Spec: specBase + "#concept-bodyinit-extract", Message: "request"})
	return true
}

// fetch follows main fetch for the request and each redirect it follows:
// pick same-origin, no-cors or CORS for the hop, then run its exchange.
// https://fetch.spec.whatwg.org/#main-fetch
func (e *evaluation) fetch() {
	e.initialURL = e.consoleURL
	e.beganSameOrigin = e.origin.SameOrigin(OriginOf(e.url))
	if e.s.Request.Mode == ModeNoCORS && e.s.Request.Redirect != RedirectFollow {
		e.failed(e.failure(console.Failure{Kind: console.NoCORSRedirectMode}))
		e.out.Verdict, e.out.CORSError = Blocked, ErrNoCORSRedirectMode
		e.step(Step{ID: "redirect", Title: "Redirect mode", Status: StepFail, Spec: specMainFetch, Message: "request",
			Detail: fmt.Sprintf("A no-cors request must follow redirects, and this one's redirect mode is %q: fetch() rejects with a network error before sending anything.", e.s.Request.Redirect)})
		return
	}
	for e.hop() == redirectFollowed {
	}
	if e.brief {
		return
	}
	if (e.out.Verdict == Allowed || e.out.Verdict == Opaque) && e.out.Actual != nil && e.out.Actual.Response != nil {
		e.out.ConsoleLines = append(e.out.ConsoleLines, e.browser.Loaded(e.consoleURL, e.out.Actual.Response.Status)...)
	}
	e.step(Step{ID: "verdict", Title: "Verdict", Status: verdictStatus(e.out.Verdict), Detail: e.verdictDetail(), Spec: specCORSProtocol})
}

// hop runs main fetch for the request's current URL, and says what its
// response does (redirected).
func (e *evaluation) hop() int {
	target := OriginOf(e.url)
	r := e.s.Request
	switch {
	case e.tainting != taintingCORS && e.tainting != taintingOpaque && e.origin.SameOrigin(target):
		e.tainting = taintingBasic
		e.step(Step{ID: "origin", Title: "Same origin", Status: StepPass, Spec: specMainFetch,
			Detail: fmt.Sprintf("The page %s and the URL have the same scheme, host and port: CORS does not apply, no preflight is sent and every response header but Set-Cookie is readable.", e.origin)})
		return e.sameOrigin()
	case r.Mode == ModeSameOrigin && e.redirects > 0:
		e.out.Verdict = Blocked
		e.failed(e.failure(console.Failure{Kind: console.RedirectDisallowedByMode}))
		e.step(Step{ID: "origin", Title: "Redirected to another origin in same-origin mode", Status: StepFail, Spec: specMainFetch,
			Detail: fmt.Sprintf("The redirect leads to another origin (%s) but the request's mode is \"same-origin\": the browser does not follow it.", target)})
		return redirectEnded
	case r.Mode == ModeSameOrigin:
		e.blocked(ErrDisallowedByMode, "", 0)
		e.step(Step{ID: "origin", Title: "Cross-origin in same-origin mode", Status: StepFail, Spec: specMainFetch,
			Detail: fmt.Sprintf("The request is cross-origin (%s → %s) but its mode is \"same-origin\": it fails before anything is sent.", e.origin, target)})
		return redirectEnded
	case r.Mode == ModeNoCORS:
		e.tainting = taintingOpaque
		e.step(Step{ID: "origin", Title: "Cross-origin, no-cors", Status: StepInfo, Spec: specMainFetch,
			Detail: fmt.Sprintf("The request is cross-origin (%s → %s) in no-cors mode: it is sent without a preflight and its response is opaque.", e.origin, target)})
		return e.noCORS()
	}
	d := fmt.Sprintf("The page's origin %s differs from the URL's origin %s (scheme, host or port), so the CORS protocol applies.", e.origin, target)
	if e.tainting == taintingCORS && e.origin.SameOrigin(target) {
		d = fmt.Sprintf("The URL is on the page's origin %s again, but an earlier hop went to another origin: the CORS protocol still applies.", e.origin)
	}
	e.tainting = taintingCORS
	e.step(Step{ID: "origin", Title: "Cross-origin request", Status: StepInfo, Spec: specMainFetch, Detail: d})
	return e.cors()
}

func verdictStatus(v string) string {
	switch v {
	case Allowed:
		return StepPass
	case Opaque, OpaqueRedirect:
		return StepInfo
	}
	return StepFail
}

// actualRequest is the request as it goes on the wire.
func (e *evaluation) actualRequest(withOrigin bool) HTTPRequest {
	var hs Headers
	if !e.headers.Has("Accept") {
		hs = append(hs, Header{Name: "Accept", Value: "*/*"})
	}
	for _, h := range e.headers {
		if i := slices.IndexFunc(hs, func(x Header) bool { return strings.EqualFold(x.Name, h.Name) }); i >= 0 && profileOf(e.profile).singletonContentType && strings.EqualFold(h.Name, "Content-Type") {
			hs[i].Value = h.Value
			continue
		}
		hs = append(hs, h)
	}
	if withOrigin {
		hs = append(hs, Header{Name: "Origin", Value: e.sentOrigin()})
	}
	return HTTPRequest{Method: e.method, URL: e.urlString, Headers: hs}
}

// sendsOrigin: a same-origin or no-cors request carries Origin only when the
// method is neither GET nor HEAD. https://fetch.spec.whatwg.org/#append-a-request-origin-header
func (e *evaluation) sendsOrigin() bool {
	return e.method != "GET" && e.method != "HEAD"
}

func (e *evaluation) sendActual(withOrigin bool) Response {
	req := e.actualRequest(withOrigin)
	req.cookies = e.sendsCookies()
	resp := e.respond(req, false)
	e.out.Actual = &Exchange{Request: req, Response: &resp}
	return resp
}

func (e *evaluation) sameOrigin() int {
	resp := e.sendActual(e.sendsOrigin())
	e.step(Step{ID: "actual", Title: "Send the request", Status: StepPass, Spec: specBasic, Message: "actual-response",
		Detail: fmt.Sprintf("%s %s is sent with cookies (credentials %q) and answered %d.", e.method, e.urlString, e.s.Request.Credentials, resp.Status)})
	if r := e.redirected(resp); r != redirectNone {
		return r
	}
	e.out.Verdict = Allowed
	e.out.ReadableHeaders = basicReadableHeaders(resp.Headers)
	e.sends("none")
	return redirectNone
}

func (e *evaluation) noCORS() int {
	resp := e.sendActual(e.sendsOrigin())
	e.cookies(OriginOf(e.url))
	if IsRedirectStatus(resp.Status) && resp.Headers.Has("Location") {
		e.step(Step{ID: "actual", Title: "Send the request", Status: StepInfo, Spec: specHTTPFetch, Message: "actual-response",
			Detail: fmt.Sprintf("%s %s reaches the server, which answers %d.", e.method, e.urlString, resp.Status)})
		return e.redirected(resp)
	}
	e.out.Verdict = Opaque
	e.step(Step{ID: "actual", Title: "Send the request", Status: StepInfo, Spec: specOpaque, Message: "actual-response",
		Detail: fmt.Sprintf("%s %s reaches the server, which runs it and answers %d. The page gets an opaque response: status 0, no headers, no body. Nothing is blocked and nothing is readable.", e.method, e.urlString, resp.Status)})
	e.sends("none")
	return redirectNone
}

// verdictDetail says in a sentence what the page's script sees.
func (e *evaluation) verdictDetail() string {
	switch e.out.Verdict {
	case Allowed:
		d := "fetch() resolves and script can read the status, the body and these headers: " + listOrNone(e.out.ReadableHeaders) + "."
		if e.out.Cookies == CookiesNone {
			d += " Readable, but your cookies were not sent: " + profileOf(e.profile).title + " keeps them off credentialed requests from another site by default, so an API that needs them answers as if logged out."
		}
		return d
	case Opaque:
		return "fetch() resolves with an opaque response: status 0, no headers, an empty body."
	case OpaqueRedirect:
		return "fetch() resolves with an opaque-redirect response: type \"opaqueredirect\", status 0, no headers, no Location. The page can tell that a redirect came, not where to."
	case Error:
		return "fetch() throws before sending anything: " + e.out.TypeError
	}
	if e.out.Actual != nil {
		return "fetch() rejects with TypeError: \"" + e.out.TypeError + "\", but the server received the request and ran it; only the response is hidden from script."
	}
	return "fetch() rejects with TypeError: \"" + e.out.TypeError + "\". The request itself was never sent."
}

func listOrNone(names []string) string {
	if len(names) == 0 {
		return "none"
	}
	return strings.Join(names, ", ")
}

// guardHeaders is the request's header list as the profile's browser sends
// it: forbidden names dropped silently, and in no-cors mode everything but
// safelisted headers; same-name headers joined into one comma-joined line
// (Chromium, WebKit, and any browser in no-cors mode) or kept apart. The
// headers are valid (construct checked). dropped says what went and why.
func guardHeaders(profile string, hs Headers, noCORS bool) (kept Headers, dropped []string) {
	for _, h := range hs {
		v := NormalizeHeaderValue(h.Value)
		if forbidden, why := ForbiddenRequestHeader(profile, h.Name, v); forbidden {
			dropped = append(dropped, fmt.Sprintf("%s (%s)", h.Name, why))
			continue
		}
		i := slices.IndexFunc(kept, func(x Header) bool { return strings.EqualFold(x.Name, h.Name) })
		combined := v
		if i >= 0 {
			combined = kept[i].Value + ", " + v
		}
		if noCORS && (!NoCORSSafelistedName(h.Name) || !SafelistedRequestHeader(Spec, h.Name, combined)) {
			dropped = append(dropped, fmt.Sprintf("%s (a no-cors request keeps only Accept, Accept-Language, Content-Language and Content-Type with safelisted values)", h.Name))
			continue
		}
		switch {
		case i < 0:
			kept = append(kept, Header{Name: h.Name, Value: v})
		case profileOf(profile).sameNameJoined || noCORS:
			kept[i].Value = combined
		default:
			kept = append(kept, Header{Name: h.Name, Value: v})
		}
	}
	return kept, dropped
}
