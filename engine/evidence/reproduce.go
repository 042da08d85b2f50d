package evidence

import (
	"fmt"
	"net/url"
	"slices"
	"strings"

	"corsplay/engine"
	"corsplay/engine/console"
)

// This file builds, from one failure a console printed, a scenario that
// the same browser's profile fails with the same line: the request the
// message describes (or the most likely one) and a raw server whose
// answer fails exactly that check. Each candidate is evaluated, and the
// first that prints the line is kept.

// Values assumed when the text does not give them.
const (
	assumedURL         = "https://api.example.com/"
	assumedToken       = "Bearer token"
	jsonType           = "application/json"
	defaultActual      = 200 // a response the server meant to succeed
	defaultPreflight   = 204 // a CORS middleware's preflight answer
	defaultBadStatus   = 401 // an auth layer answering the preflight
	defaultRedirect    = 301 // a trailing slash or http→https redirect
	defaultFound       = 302 // the request's redirect: the most common status
	defaultBadMethods  = "GET POST PUT"
	defaultBadHeaders  = "Content-Type Authorization"
	defaultMissingVerb = "PUT"
)

// catalogues are each browser's console.
var catalogues = map[string]console.Browser{engine.Chrome: console.Chrome, engine.Firefox: console.Firefox, engine.Safari: console.WebKit}

// candidate is one scenario that may reproduce the failure, and what it
// assumed.
type candidate struct {
	s       engine.Scenario
	assumed []Assumption
}

// reproduce builds the scenario of a failure read from a console.
func reproduce(f failureSeen) (Result, error) {
	title := browserTitles[f.browser]
	var assumed []Assumption
	if f.url == "" {
		f.url = assumedURL
		assumed = append(assumed, Assumption{"request.url", f.urlUnknownWhy() + " corsplay assumed " + f.url + "."})
	}
	if _, ok := originOf(f.url); !ok {
		return Result{}, errorAt(f.line, "%s printed the URL %q, which is not an absolute http or https URL", title, f.url)
	}
	if _, ok := originOf(f.initialURL); f.initialURL != "" && !ok {
		return Result{}, errorAt(f.line, "%s printed that the request was redirected from %q, which is not an absolute http or https URL", title, f.initialURL)
	}
	if f.origin == "" {
		f.origin = likelyPage(f.url, f.hint)
		assumed = append(assumed, Assumption{"page", title + " does not print the page's origin: where does your page run? corsplay assumed " + f.origin + "."})
	}
	if _, err := engine.ParseOrigin(f.origin); err != nil {
		return Result{}, errorAt(f.line, "the page's origin %q: %v", f.origin, err)
	}
	if f.location == "" {
		f.location = f.assumedLocation()
	}
	want := f.expected()
	cands := f.candidates()
	chosen := cands[0]
	var got string
	for i, c := range cands {
		o := engine.Evaluate(c.s)
		if i == 0 {
			got = o.Console
		}
		if o.Console == want {
			chosen, got = c, o.Console
			break
		}
	}
	if chosen.s.Page != f.origin {
		// The candidate changed the page (an opaque one): it says why.
		assumed = slices.DeleteFunc(assumed, func(a Assumption) bool { return a.Field == "page" })
	}
	r := Result{Source: SourceConsole, Browser: f.browser, Scenario: chosen.s, Assumed: append(assumed, chosen.assumed...), Notes: f.notes}
	r.Scenario.Title = "Pasted from " + title + "'s console"
	if r.Scenario.Request.Credentials == "" && r.Scenario.Request.Mode != engine.ModeSameOrigin {
		r.Assumed = append(r.Assumed, Assumption{"request.credentials", title + "'s message does not say whether fetch() sends cookies: corsplay assumed it does not (credentials: \"same-origin\", the default). Does your fetch() use credentials: \"include\"? Then the server must also answer Access-Control-Allow-Credentials: true and name your origin, never *."})
	}
	if f.printed != strings.TrimSpace(want) {
		r.Notes = append(r.Notes, fmt.Sprintf("corsplay's %s prints this failure as: %s", title, strings.TrimSpace(want)))
	}
	if got != want {
		r.Notes = append(r.Notes, fmt.Sprintf("This scenario does not reproduce the line exactly: corsplay's %s prints %q.", title, got))
	}
	return r, nil
}

// expected is the main line the browser prints for f, from its catalogue.
func (f failureSeen) expected() string {
	lines, te := catalogues[f.browser].Failed(console.Failure{
		Kind: f.kind, URL: f.url, InitialURL: orDefault(f.initialURL, f.url), Location: f.location,
		Origin: f.origin, RequestOrigin: f.requestOrigin, Hint: f.hint, Status: f.failingStatus(), Method: f.method, Follows: true,
	})
	if len(lines) == 0 {
		return te
	}
	return lines[0].Text
}

// urlUnknownWhy says why the URL fetched is not known, as a question.
func (f failureSeen) urlUnknownWhy() string {
	title := browserTitles[f.browser]
	switch {
	case f.browser == engine.Chrome:
		return "Chrome's network error does not name the URL (DevTools' Network panel and its \"GET https://… net::ERR_…\" line do): which URL does your page fetch?"
	case f.browser == engine.Firefox && f.kind == console.RedirectNotHTTP:
		return "Firefox names where the redirect led (" + f.location + "), not the URL that answered it (its next line, \"… CORS request did not succeed\", does): which URL does your page fetch?"
	}
	return title + "'s reason line does not name the URL (the line after it, \"Fetch API cannot load …\", does): which URL does your page fetch?"
}

// assumedLocation is the Location a refused redirect is assumed to have
// had, when the text says only what kind it was.
func (f failureSeen) assumedLocation() string {
	switch {
	case f.kind == console.RedirectNotHTTP && f.browser == engine.Safari:
		// "FTP URLs are disabled".
		u, err := url.Parse(f.url)
		if err != nil {
			return "ftp://ftp.example.com/"
		}
		return "ftp://" + u.Hostname() + u.EscapedPath()
	case f.kind == console.RedirectNotHTTP:
		return "data:text/plain,redirected" // Chrome's net::ERR_UNSAFE_REDIRECT
	case f.kind == console.RedirectBadLocation:
		return "http://" // a URL without a host
	}
	return ""
}

// failingStatus is the status of the response that failed the check:
// printed, or the most likely one.
func (f failureSeen) failingStatus() int {
	switch {
	case f.status != 0:
		return f.status
	case f.kind == console.PreflightInvalidStatus:
		return defaultBadStatus
	case f.kind == console.PreflightDisallowedRedirect:
		return defaultRedirect
	case f.atPreflight():
		return defaultPreflight
	case f.location != "" || isRedirectKind(f.kind):
		return defaultFound
	}
	return defaultActual
}

// isRedirectKind reports the failures of a redirect of the request itself.
func isRedirectKind(kind string) bool {
	switch kind {
	case console.RedirectContainsCredentials, console.RedirectModeError, console.RedirectBadLocation, console.RedirectNotHTTP,
		console.TooManyRedirects, console.NoCORSRedirectMode, console.RedirectDisallowedByMode:
		return true
	}
	return false
}

// atPreflight: the failing response is the preflight's.
func (f failureSeen) atPreflight() bool { return f.preflight == preflightYes }

// baseKind is the kind without its Preflight prefix (those of the status
// and the redirect keep it: they are a preflight's only).
func (f failureSeen) baseKind() string {
	if f.kind == console.PreflightInvalidStatus || f.kind == console.PreflightDisallowedRedirect {
		return f.kind
	}
	return strings.TrimPrefix(f.kind, console.Preflight)
}

// candidates are the scenarios that may reproduce f, most likely first.
func (f failureSeen) candidates() []candidate {
	switch {
	case f.initialURL != "" && f.initialURL != f.url:
		return f.redirectedFrom()
	case f.requestOrigin == "null":
		return f.tainted()
	}
	return f.direct()
}

// direct are the candidates whose request goes to f.url: the failing
// response is the first one.
func (f failureSeen) direct() []candidate {
	if f.kind == console.MissingAllowOriginHeader && f.browser == engine.Safari && f.preflight == preflightUnknown {
		// Safari prints the same line for a preflight's response.
		var out []candidate
		for _, p := range []int{preflightNo, preflightYes} {
			g := f
			g.preflight = p
			out = append(out, g.direct()...)
		}
		return out
	}
	if f.redirectLikely() {
		// A redirect that failed the CORS check, else the response (or
		// the preflight) as read.
		g := f
		g.location, g.preflight = redirectTarget(f.url), preflightNo
		return append([]candidate{g.build("")}, f.build(""))
	}
	if f.kind == console.HeaderDisallowedByPreflightResponse {
		var out []candidate
		for _, v := range unsafeValues(f.browser, f.hint) {
			out = append(out, f.build(v))
		}
		if len(out) > 0 {
			return out
		}
	}
	return []candidate{f.build("")}
}

// build makes one candidate; headerValue is the value of the disallowed
// header of a HeaderDisallowed failure.
func (f failureSeen) build(headerValue string) candidate {
	b := &builder{f: f, origin: orDefault(f.allowAs, f.origin)}
	b.s = engine.Scenario{V: engine.Version, Browser: f.browser, Page: f.origin, Request: engine.Request{URL: f.url, Method: f.method}}
	title := browserTitles[f.browser]
	kind := f.baseKind()
	if isRedirectKind(kind) {
		b.refusedRedirect(kind)
		return b.candidate()
	}

	switch kind {
	case console.DisallowedByMode:
		b.s.Request.Mode = engine.ModeSameOrigin
		b.method("GET")
		return b.candidate()
	case console.WildcardOriginNotAllowed, console.InvalidAllowCredentials:
		b.s.Request.Credentials = engine.CredentialsInclude
	case console.MethodDisallowedByPreflightResponse:
		if f.hintKnown {
			b.s.Request.Method = f.hint
		} else if f.method == "" {
			b.s.Request.Method = defaultMissingVerb
			b.assume("request.method", title+" does not name the method the preflight did not allow: which method does your fetch() use? corsplay assumed "+defaultMissingVerb+".")
		}
	case console.HeaderDisallowedByPreflightResponse:
		name := f.hint
		if !f.hintKnown {
			name = "x-api-key"
		}
		b.s.Request.Headers = engine.Headers{{Name: name, Value: headerValue}}
		b.assume("request.headers", fmt.Sprintf("%s names the header %s but not its value: corsplay assumed %q.", title, name, headerValue))
		if strings.EqualFold(name, "content-type") {
			b.method("POST")
		} else {
			b.method("GET")
		}
	}

	if f.atPreflight() {
		b.preflighted()
		b.s.Server.Raw = &engine.RawServer{Preflight: b.failingPreflight(kind)}
		return b.candidate()
	}
	b.method("GET")
	b.s.Server.Raw = &engine.RawServer{Actual: b.corsResponse(kind, f.failingStatus())}
	if !engine.IsSafelistedMethod(engine.NormalizeMethod(b.s.Request.Method)) {
		// The preflight passed, since the request was sent.
		b.s.Server.Raw.Preflight = b.passingPreflight(defaultPreflight)
		b.assume("server.raw.preflight", fmt.Sprintf("%s failed the response to the request itself, so its preflight passed; corsplay assumed one that allows %s.", title, b.s.Request.Method))
	}
	what, where := "the response", ""
	if f.location != "" {
		// The response was a redirect, which failed the CORS check.
		a := b.s.Server.Raw.Actual
		a.Headers = append(a.Headers, engine.Header{Name: "Location", Value: f.location})
		what = "the redirect response (Location: " + f.location + ")"
		if f.browser != engine.Safari {
			what = "the response"
			where = fmt.Sprintf(" Its status %d is a redirect's, which the browser checks before following it: corsplay assumed Location: %s (a trailing slash added, the most common redirect). Where does it redirect (DevTools → Network → the request → Location)?", f.status, f.location)
		}
	}
	b.assume("server.raw.actual", b.responseWhy(kind, what, f.failingStatus(), f.status != 0)+where)
	return b.candidate()
}

// redirectLikely: the response that failed the CORS check had a
// redirect's status and (Firefox) the request then did not succeed, or
// (Chrome) the request itself failed: most likely a redirect, which the
// browser checks before following it.
func (f failureSeen) redirectLikely() bool {
	if f.location != "" || !IsRedirectStatus(f.status) {
		return false
	}
	switch f.baseKind() {
	case console.MissingAllowOriginHeader, console.MultipleAllowOriginValues, console.InvalidAllowOriginValue,
		console.AllowOriginMismatch, console.WildcardOriginNotAllowed, console.InvalidAllowCredentials:
	default:
		return false
	}
	switch f.browser {
	case engine.Chrome:
		return f.preflight == preflightNo
	case engine.Firefox:
		return f.didNotSucceed && !isPreflightKind(f.kind)
	}
	return false
}

// refusedRedirect makes the server answer a redirect that the browser
// refuses as kind says.
func (b *builder) refusedRedirect(kind string) {
	f := b.f
	title := browserTitles[f.browser]
	status := f.status
	if !IsRedirectStatus(status) {
		status = defaultFound
	}
	r := &b.s.Request
	redirect := func(location string, headers engine.Headers) {
		b.method("GET")
		hs := append(headers, engine.Header{Name: "Location", Value: location})
		b.s.Server.Raw = &engine.RawServer{Actual: &engine.Response{Status: status, Headers: hs}}
		if r.Mode != engine.ModeNoCORS && !engine.IsSafelistedMethod(engine.NormalizeMethod(r.Method)) {
			b.s.Server.Raw.Preflight = b.passingPreflight(defaultPreflight)
			b.assume("server.raw.preflight", fmt.Sprintf("%s's message is about the redirect, so the preflight passed: corsplay assumed one that allows %s.", title, r.Method))
		}
	}
	// The redirect passes the CORS check: the failure is what comes after.
	passes := fmt.Sprintf(", with Access-Control-Allow-Origin: %s so that the redirect itself passes the CORS check", b.origin)
	switch kind {
	case console.TooManyRedirects:
		redirect(noFragment(f.url), b.allowOrigin())
		why := fmt.Sprintf("%s says the fetch followed too many redirects (a fetch follows at most %d), not where they went: corsplay assumed a loop, the URL answering %d with Location: itself%s. The usual loops: http and https sending to each other, a trailing slash added and removed, a login page sending back to the URL. Where does it redirect (curl -i %s)?", title, engine.MaxRedirects, status, passes, noFragment(f.url))
		if f.browser == engine.Firefox {
			why = fmt.Sprintf("Firefox printed \"CORS request did not succeed\" alone. It does so when the request got no response at all (the server is down, the host or port is wrong, a certificate or the network failed), which corsplay does not model and no CORS header fixes: check first that the URL answers (curl -i %s). It also does so when it refuses a redirect: more than %d of them, a Location with a user name or password, or a data: URL. corsplay reproduced the first of these, a loop: the URL answers %d with Location: itself%s.", noFragment(f.url), engine.MaxRedirects, status, passes)
		}
		b.assume("server.raw.actual", why)
	case console.RedirectModeError:
		r.Redirect = engine.RedirectError
		redirect(redirectTarget(f.url), b.allowOrigin())
		why := fmt.Sprintf("%s says a redirect was refused because the fetch does not follow redirects: corsplay assumed fetch() was called with redirect: \"error\".", title)
		if f.browser == engine.Chrome {
			why = "Chrome printed net::ERR_FAILED and no CORS message: of what corsplay models, only a redirect met with redirect: \"error\" does that, so corsplay assumed fetch() was called with it. If Chrome also printed an \"Access to fetch at …\" line, paste that line instead."
		}
		b.assume("request.redirect", why)
		b.assume("server.raw.actual", fmt.Sprintf("%s does not say where the redirect led: corsplay assumed %d with Location: %s (a trailing slash added)%s.", title, status, redirectTarget(f.url), passes))
	case console.RedirectContainsCredentials:
		loc := f.hint
		if !f.hintKnown || !strings.Contains(loc, "@") {
			loc = credentialsURL(f.url)
			b.assume("server.raw.actual", fmt.Sprintf("%s says the redirect's Location had a user name or password but does not print it: corsplay assumed %d with Location: %s%s. A CORS request never follows such a redirect: send credentials in a header instead.", title, status, loc, passes))
		} else {
			b.assume("server.raw.actual", fmt.Sprintf("%s printed the redirect's Location, %s; corsplay assumed the status %d%s. A CORS request never follows a redirect to a URL with a user name or password: send credentials in a header instead.", title, loc, status, passes))
		}
		redirect(loc, b.allowOrigin())
	case console.RedirectNotHTTP, console.RedirectBadLocation:
		redirect(f.location, b.allowOrigin())
		given := fmt.Sprintf("%s printed the redirect's Location, %s: corsplay assumed", title, f.location)
		switch {
		case f.browser == engine.Chrome && kind == console.RedirectBadLocation:
			given = fmt.Sprintf("Chrome printed net::ERR_INVALID_REDIRECT, a redirect whose Location is not a URL, but not the Location: corsplay assumed Location: %s (a URL without a host),", f.location)
		case f.browser == engine.Chrome && strings.HasPrefix(f.location, "data:"):
			given = fmt.Sprintf("Chrome printed net::ERR_UNSAFE_REDIRECT, a redirect to a data: URL, but not the Location: corsplay assumed Location: %s,", f.location)
		case f.browser == engine.Safari && strings.HasPrefix(f.location, "ftp:"):
			given = fmt.Sprintf("Safari says the redirect led to an ftp: URL but not which: corsplay assumed Location: %s,", f.location)
		}
		b.assume("server.raw.actual", fmt.Sprintf("%s the status %d%s. fetch() follows redirects to http and https URLs only. What does the server answer (curl -i %s)?", given, status, passes, noFragment(f.url)))
	case console.NoCORSRedirectMode:
		r.Mode, r.Redirect = engine.ModeNoCORS, engine.RedirectManual
		redirect(redirectTarget(f.url), engine.Headers{})
		b.assume("request.redirect", fmt.Sprintf("%s says the request had mode \"no-cors\" and a redirect mode other than \"follow\": \"manual\" and \"error\" fail the same way, before anything is sent; corsplay assumed \"manual\".", title))
	case console.RedirectDisallowedByMode:
		r.Mode = engine.ModeSameOrigin
		r.URL = onPage(f.origin, f.url)
		redirect(f.url, engine.Headers{})
		b.assume("request.url", fmt.Sprintf("%s names the URL a redirect led to (%s), another origin, which mode \"same-origin\" refuses; not the URL fetch() was called with: corsplay assumed %s, on the page's origin, answering %d with Location: %s. Which URL does your page fetch?", title, f.url, r.URL, status, f.url))
	}
}

// credentialsURL is the URL with a user name and password a refused
// redirect is assumed to lead to: the same URL's, with a trailing slash.
func credentialsURL(raw string) string {
	u, err := url.Parse(redirectTarget(raw))
	if err != nil || u.Host == "" {
		return "https://user:password@api.example.com/"
	}
	u.User = url.UserPassword("user", "password")
	return u.String()
}

// onPage is the URL with the path and query of target on the page's
// origin.
func onPage(page, target string) string {
	u, err := url.Parse(target)
	if err != nil {
		return page + "/"
	}
	path := u.EscapedPath()
	if path == "" {
		path = "/"
	}
	if u.RawQuery != "" {
		path += "?" + u.RawQuery
	}
	return page + path
}

// builder assembles one candidate.
type builder struct {
	f       failureSeen
	origin  string
	s       engine.Scenario
	assumed []Assumption
}

func (b *builder) candidate() candidate { return candidate{b.s, b.assumed} }

func (b *builder) assume(field, why string) {
	for _, a := range b.assumed {
		if a.Field == field {
			return
		}
	}
	b.assumed = append(b.assumed, Assumption{field, why})
}

// method sets the method when the text gave none.
func (b *builder) method(m string) {
	if b.s.Request.Method != "" {
		return
	}
	b.s.Request.Method = m
	b.assume("request.method", browserTitles[b.f.browser]+"'s message does not name the request's method: corsplay assumed "+m+". Which method does your fetch() use?")
}

// preflighted makes the request one that needs a preflight, when what the
// text gave does not: a JSON POST, the most common reason, or an
// Authorization header on a GET.
func (b *builder) preflighted() {
	r := &b.s.Request
	if r.Method != "" && !engine.IsSafelistedMethod(engine.NormalizeMethod(r.Method)) || len(engine.CORSUnsafeRequestHeaderNames(b.f.browser, r.Headers)) > 0 {
		return
	}
	why := browserTitles[b.f.browser] + " sent a preflight, so the request was not a simple one, and its message does not say why: corsplay assumed "
	switch engine.NormalizeMethod(r.Method) {
	case "", "POST":
		b.method("POST")
		r.Headers = append(r.Headers, engine.Header{Name: "Content-Type", Value: jsonType})
		b.assume("request.headers", why+"Content-Type: application/json, the most common one. Which headers does your fetch() set?")
	default:
		r.Headers = append(r.Headers, engine.Header{Name: "Authorization", Value: assumedToken})
		b.assume("request.headers", why+"an Authorization header. Which headers does your fetch() set?")
	}
}

// allowOrigin are the headers that pass the CORS check for the page.
func (b *builder) allowOrigin() engine.Headers {
	hs := engine.Headers{{Name: "Access-Control-Allow-Origin", Value: b.origin}}
	if b.s.Request.Credentials == engine.CredentialsInclude {
		hs = append(hs, engine.Header{Name: "Access-Control-Allow-Credentials", Value: "true"})
	}
	return hs
}

// allowRequest are the preflight headers that allow the request's method
// and headers.
func (b *builder) allowRequest(methods, headers bool) engine.Headers {
	var hs engine.Headers
	if m := engine.NormalizeMethod(b.s.Request.Method); methods && !engine.IsSafelistedMethod(m) {
		hs = append(hs, engine.Header{Name: "Access-Control-Allow-Methods", Value: m})
	}
	if names := engine.CORSUnsafeRequestHeaderNames(b.f.browser, b.s.Request.Headers); headers && len(names) > 0 {
		hs = append(hs, engine.Header{Name: "Access-Control-Allow-Headers", Value: strings.Join(dedupe(names), ", ")})
	}
	return hs
}

// passingPreflight answers the preflight with everything the request needs.
func (b *builder) passingPreflight(status int) *engine.Response {
	return &engine.Response{Status: status, Headers: append(b.allowOrigin(), b.allowRequest(true, true)...)}
}

// corsResponse is a response that fails the CORS check with kind.
func (b *builder) corsResponse(kind string, status int) *engine.Response {
	f := b.f
	hs := engine.Headers{}
	acao := func(v string) { hs = append(hs, engine.Header{Name: "Access-Control-Allow-Origin", Value: v}) }
	switch kind {
	case console.WildcardOriginNotAllowed:
		acao("*")
	case console.MultipleAllowOriginValues:
		if f.hintKnown {
			acao(f.hint)
		} else {
			// The usual cause: the header added twice.
			acao(b.origin)
			acao(b.origin)
		}
	case console.InvalidAllowOriginValue, console.AllowOriginMismatch:
		acao(f.hint)
	case console.InvalidAllowCredentials:
		acao(b.origin)
		if f.hint != "" {
			hs = append(hs, engine.Header{Name: "Access-Control-Allow-Credentials", Value: f.hint})
		}
	}
	return &engine.Response{Status: status, Headers: hs}
}

// failingPreflight is a preflight response that fails with kind.
func (b *builder) failingPreflight(kind string) *engine.Response {
	f := b.f
	title := browserTitles[f.browser]
	status := f.failingStatus()
	var r *engine.Response
	switch kind {
	case console.PreflightInvalidStatus:
		r = &engine.Response{Status: status, Headers: b.allowOrigin()}
		if f.browser == engine.Safari {
			// Safari checks the status first: the usual such answer has no
			// CORS header at all.
			r.Headers = engine.Headers{}
		}
		if f.status == 0 {
			b.assume("server.raw.preflight", fmt.Sprintf("%s does not print the preflight's status, only that it was not 200 to 299: corsplay assumed %d, an authentication layer refusing the OPTIONS request. Which status does the preflight get (DevTools → Network → the OPTIONS request)?", title, status))
		} else {
			b.assume("server.raw.preflight", fmt.Sprintf("%s printed the preflight's status %d; corsplay assumed the rest of its answer.", title, status))
		}
		if status >= 300 && status < 400 && f.browser == engine.Safari {
			// Safari says the same of a redirect, the likelier cause.
			r.Headers = append(r.Headers, engine.Header{Name: "Location", Value: redirectTarget(f.url)})
		}
		return r
	case console.PreflightDisallowedRedirect:
		r = &engine.Response{Status: status, Headers: append(b.allowOrigin(), engine.Header{Name: "Location", Value: redirectTarget(f.url)})}
		b.assume("server.raw.preflight", fmt.Sprintf("%s says the preflight was redirected but not where: corsplay assumed a %d to the same URL with a trailing slash, the most common cause (an http→https redirect is the other). Where does it redirect (DevTools → Network → the OPTIONS request → Location)?", title, status))
		return r
	case console.InvalidAllowMethodsPreflightResponse:
		v := f.hint
		if !f.hintKnown {
			v = defaultBadMethods
		}
		r = &engine.Response{Status: status, Headers: append(b.allowOrigin(), engine.Header{Name: "Access-Control-Allow-Methods", Value: v})}
		b.assume("server.raw.preflight", b.listWhy("Access-Control-Allow-Methods", v))
		return r
	case console.InvalidAllowHeadersPreflightResponse:
		v := f.hint
		if !f.hintKnown {
			v = defaultBadHeaders
		}
		r = &engine.Response{Status: status, Headers: append(append(b.allowOrigin(), b.allowRequest(true, false)...), engine.Header{Name: "Access-Control-Allow-Headers", Value: v})}
		b.assume("server.raw.preflight", b.listWhy("Access-Control-Allow-Headers", v))
		return r
	case console.MethodDisallowedByPreflightResponse:
		allowed := "GET, POST"
		if m := b.s.Request.Method; strings.ToUpper(m) != m {
			allowed += ", " + strings.ToUpper(m) // the usual cause: the case
		}
		r = &engine.Response{Status: status, Headers: append(append(b.allowOrigin(), engine.Header{Name: "Access-Control-Allow-Methods", Value: allowed}), b.allowRequest(false, true)...)}
		b.assume("server.raw.preflight", fmt.Sprintf("%s says the preflight did not allow the method %s: corsplay assumed Access-Control-Allow-Methods: %s. What does the OPTIONS response say (DevTools → Network)?", title, b.s.Request.Method, allowed))
		return r
	case console.HeaderDisallowedByPreflightResponse:
		r = &engine.Response{Status: status, Headers: append(b.allowOrigin(), b.allowRequest(true, false)...)}
		b.assume("server.raw.preflight", fmt.Sprintf("%s says the preflight did not allow the header: corsplay assumed an answer without Access-Control-Allow-Headers. What does the OPTIONS response say (DevTools → Network)?", title))
		return r
	}
	r = b.corsResponse(kind, status)
	b.assume("server.raw.preflight", b.responseWhy(kind, "the preflight's response", status, f.status != 0))
	return r
}

// listWhy explains an assumed unparsable list header.
func (b *builder) listWhy(name, v string) string {
	if b.f.hintKnown {
		return fmt.Sprintf("%s quotes %s's bad value; corsplay assumed the header is just %q.", browserTitles[b.f.browser], name, v)
	}
	return fmt.Sprintf("%s says %s does not parse but not its value: corsplay assumed %q (names separated by spaces instead of commas, a common mistake). What does the OPTIONS response say (DevTools → Network)?", browserTitles[b.f.browser], name, v)
}

// responseWhy explains an assumed response that fails the CORS check.
func (b *builder) responseWhy(kind, what string, status int, statusPrinted bool) string {
	title := browserTitles[b.f.browser]
	st := fmt.Sprintf("status %d", status)
	if statusPrinted {
		st += " (as printed)"
	}
	var says string
	switch kind {
	case console.MissingAllowOriginHeader:
		says = "that it had no Access-Control-Allow-Origin"
		if b.f.browser == engine.Safari {
			says = "that its Access-Control-Allow-Origin did not allow the page (missing, or another value)"
		}
	case console.WildcardOriginNotAllowed:
		says = "that its Access-Control-Allow-Origin was * while the request sent credentials"
	case console.MultipleAllowOriginValues:
		says = "that its Access-Control-Allow-Origin held more than one value"
	case console.InvalidAllowOriginValue, console.AllowOriginMismatch:
		says = "its Access-Control-Allow-Origin value"
	case console.InvalidAllowCredentials:
		says = "that its Access-Control-Allow-Credentials was not true while the request sent credentials"
	default:
		says = "why it failed"
	}
	return fmt.Sprintf("%s's message gives of %s only %s: corsplay assumed %s and no other header. Paste its headers (DevTools → Network → the request → Headers) to use the real ones.", title, what, says, st)
}

// unsafeValues are values that make the header name need a preflight in
// the browser, most likely first.
func unsafeValues(browser, name string) []string {
	tries := []string{"1", "x", `"x"`, strings.Repeat("x", engine.SafelistedValueLimit+1)}
	switch strings.ToLower(name) {
	case "content-type":
		tries = append([]string{jsonType}, tries...)
	case "authorization":
		tries = append([]string{assumedToken}, tries...)
	}
	var out []string
	for _, v := range tries {
		if forbidden, _ := engine.ForbiddenRequestHeader(browser, name, v); !forbidden && !engine.SafelistedRequestHeader(browser, name, v) && engine.IsToken(name) {
			out = append(out, v)
		}
	}
	return out
}

// redirectTarget is where a redirected preflight is assumed to go: the
// same URL with a trailing slash.
func redirectTarget(u string) string {
	u, _, _ = strings.Cut(u, "#")
	path, query, hasQuery := strings.Cut(u, "?")
	if !strings.HasSuffix(path, "/") {
		path += "/"
	} else {
		path += "index"
	}
	if hasQuery {
		return path + "?" + query
	}
	return path
}

// credentialsMatter says whether the credentials mode, which the text did
// not give, changes what the browser prints; got is the line printed now.
func credentialsMatter(s engine.Scenario, got string) (Assumption, bool) {
	if s.Request.Credentials != "" || s.Request.Mode == engine.ModeSameOrigin {
		return Assumption{}, false
	}
	with := s.Clone()
	with.Request.Credentials = engine.CredentialsInclude
	if engine.Evaluate(with).Console == got {
		return Assumption{}, false
	}
	return Assumption{"request.credentials", "The text does not say whether fetch() sends cookies, and here it changes which check fails: corsplay assumed the default, credentials: \"same-origin\" (no cookies to another origin). Does your fetch() use credentials: \"include\"?"}, true
}

func dedupe(ss []string) []string {
	var out []string
	for _, s := range ss {
		if len(out) == 0 || out[len(out)-1] != s {
			out = append(out, s)
		}
	}
	return out
}
