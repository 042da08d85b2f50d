package evidence

import (
	"fmt"
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
		assumed = append(assumed, Assumption{"request.url", title + "'s reason line does not name the URL (the line after it, \"Fetch API cannot load …\", does): which URL does your page fetch? corsplay assumed " + f.url + "."})
	}
	if _, ok := originOf(f.url); !ok {
		return Result{}, errorAt(f.line, "%s printed the URL %q, which is not an absolute http or https URL", title, f.url)
	}
	if f.origin == "" {
		f.origin = likelyPage(f.url, f.hint)
		assumed = append(assumed, Assumption{"page", title + " does not print the page's origin: where does your page run? corsplay assumed " + f.origin + "."})
	}
	if _, err := engine.ParseOrigin(f.origin); err != nil {
		return Result{}, errorAt(f.line, "the page's origin %q: %v", f.origin, err)
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
	r := Result{Source: SourceConsole, Browser: f.browser, Scenario: chosen.s, Assumed: append(assumed, chosen.assumed...), Notes: f.notes}
	r.Scenario.Title = "Pasted from " + title + "'s console"
	if r.Scenario.Request.Credentials == "" && r.Scenario.Request.Mode != engine.ModeSameOrigin {
		r.Assumed = append(r.Assumed, Assumption{"request.credentials", title + "'s message does not say whether fetch() sends cookies: corsplay assumed it does not (credentials: \"same-origin\", the default). Does your fetch() use credentials: \"include\"? Then the server must also answer Access-Control-Allow-Credentials: true and name your origin, never *."})
	}
	if f.printed != want {
		r.Notes = append(r.Notes, fmt.Sprintf("corsplay's %s prints this failure as: %s", title, want))
	}
	if got != want {
		r.Notes = append(r.Notes, fmt.Sprintf("This scenario does not reproduce the line exactly: corsplay's %s prints %q.", title, got))
	}
	return r, nil
}

// expected is the main line the browser prints for f, from its catalogue.
func (f failureSeen) expected() string {
	lines, te := catalogues[f.browser].Failed(console.Failure{Kind: f.kind, URL: f.url, Origin: f.origin, Hint: f.hint, Status: f.failingStatus(), Method: f.method})
	if len(lines) == 0 {
		return te
	}
	return lines[0].Text
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
	}
	return defaultActual
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
	if f.kind == console.MissingAllowOriginHeader && f.browser == engine.Safari && f.preflight == preflightUnknown {
		// Safari prints the same line for a preflight's response.
		var out []candidate
		for _, p := range []int{preflightNo, preflightYes} {
			g := f
			g.preflight = p
			out = append(out, g.candidates()...)
		}
		return out
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
	b := &builder{f: f, origin: f.origin}
	b.s = engine.Scenario{V: engine.Version, Browser: f.browser, Page: f.origin, Request: engine.Request{URL: f.url, Method: f.method}}
	title := browserTitles[f.browser]
	kind := f.baseKind()

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
	b.assume("server.raw.actual", b.responseWhy(kind, "the response", f.failingStatus(), f.status != 0))
	return b.candidate()
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
