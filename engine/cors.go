package engine

import (
	"fmt"
	"slices"
	"strings"
)

// cors runs a cross-origin request in cors mode: preflight if needed, then
// the request itself and the CORS check of its response.
// https://fetch.spec.whatwg.org/#cors-protocol
func (e *evaluation) cors() int {
	unsafe := CORSUnsafeRequestHeaderNames(e.profile, e.headers)
	if e.droppedAuthorization && e.preflighted && profileOf(e.profile).preflightNamesDroppedAuthorization {
		// WebKit builds the preflight from the request before the
		// redirect took Authorization out.
		unsafe = append(slices.Clone(unsafe), "authorization")
		slices.Sort(unsafe)
	}
	e.droppedAuthorization = false
	var reasons []string
	if !IsSafelistedMethod(e.method) {
		reasons = append(reasons, fmt.Sprintf("the method %s is not GET, HEAD or POST", e.method))
	}
	for _, n := range unsafe {
		reasons = append(reasons, e.unsafeReason(n, unsafe))
	}
	st := Step{ID: "preflight-needed", Title: "Is a preflight needed?", Status: StepInfo, Spec: specSafelistHdr, Differs: e.safelistDiffers()}
	if len(reasons) == 0 && e.preflighted && profileOf(e.profile).redirectKeepsPreflight {
		reasons = append(reasons, "an earlier request of this fetch was preflighted, and "+profileOf(e.profile).title+" then preflights every request a redirect leads to")
		st.Differs = "Firefox and Safari preflight a redirected request again when the first was preflighted, needed or not; Chrome and the standard only when the redirected request needs it."
	}
	if len(reasons) == 0 {
		st.Detail = "No: this is a simple request (GET, HEAD or POST with only safelisted headers). It goes straight to the server, which runs it; CORS only decides afterwards whether script may read the response."
		e.step(st)
		r := e.actual()
		if r != redirectFollowed {
			e.sends("none")
		}
		return r
	}
	st.Detail = "Yes, because " + strings.Join(reasons, "; ") + ". Before sending it, the browser asks the server with an OPTIONS request."
	key := [2]string{e.preflightOriginText(), e.urlString}
	cachedGrant, cached := e.preflights[key]
	include := e.s.Request.Credentials == CredentialsInclude
	if cached && cachedGrant.covers(e.method, unsafe, include, profileOf(e.profile).cachedWildcard) {
		st.Detail += " An earlier preflight of this fetch, to the same URL from the same origin, is still in the preflight cache and covers it: no OPTIONS request is sent."
		e.step(st)
		return e.actual()
	}
	e.step(st)
	g, ok := e.preflight(reasons, unsafe)
	if !ok {
		e.sends("sent")
		return redirectEnded
	}
	if g.maxAge > 0 {
		if e.preflights == nil {
			e.preflights = map[[2]string]grant{}
		}
		e.preflights[key] = g
	}
	r := e.actual()
	if r != redirectFollowed {
		e.cachedSends(g, unsafe)
	}
	return r
}

// unsafeReason explains why one header name needs a preflight.
func (e *evaluation) unsafeReason(name string, unsafe []string) string {
	i := slices.IndexFunc(e.headers, func(h Header) bool { return strings.EqualFold(h.Name, name) })
	if i < 0 {
		return fmt.Sprintf("%s still names %s, which the redirect removed from the request", profileOf(e.profile).title, name)
	}
	h := e.headers[i]
	switch {
	case SafelistedRequestHeader(e.profile, h.Name, h.Value):
		return fmt.Sprintf("the safelisted header values add up to more than %d bytes, so %s counts as unsafe too", SafelistedTotalLimit, name)
	case len(h.Value) > SafelistedValueLimit && isSafelistedName(h.Name):
		return fmt.Sprintf("the %s value is longer than %d bytes", h.Name, SafelistedValueLimit)
	case strings.EqualFold(h.Name, "content-type"):
		return fmt.Sprintf("Content-Type %q is not application/x-www-form-urlencoded, multipart/form-data or text/plain", h.Value)
	case isSafelistedName(h.Name):
		return fmt.Sprintf("the %s value %q is not a safelisted value", h.Name, h.Value)
	}
	return fmt.Sprintf("the header %s is not CORS-safelisted", h.Name)
}

func isSafelistedName(name string) bool {
	switch strings.ToLower(name) {
	case "accept", "accept-language", "content-language", "content-type", "range":
		return true
	}
	return false
}

// comparedProfiles are the profiles a step compares: the browsers, then
// the standard.
var comparedProfiles = []string{Chrome, Firefox, Safari, Spec}

// safelistDiffers says where the browsers and the standard disagree on
// which headers need a preflight (client hints, User-Agent, the 1024-byte
// total, same-name headers, Range's unit).
func (e *evaluation) safelistDiffers() string {
	if e.brief {
		return ""
	}
	unsafe := map[string][]string{} // profile → names
	var names []string
	for _, p := range comparedProfiles {
		hs, _ := guardHeaders(p, e.s.Request.Headers, false)
		unsafe[p] = slices.Compact(CORSUnsafeRequestHeaderNames(p, hs))
		for _, n := range unsafe[p] {
			if !slices.Contains(names, n) {
				names = append(names, n)
			}
		}
	}
	slices.Sort(names)
	// Group the names by who preflights them.
	var splits []string
	by := map[string][]string{}
	for _, n := range names {
		var yes, no []string
		for _, p := range comparedProfiles {
			if slices.Contains(unsafe[p], n) {
				yes = append(yes, profileOf(p).title)
			} else {
				no = append(no, profileOf(p).title)
			}
		}
		if len(no) == 0 {
			continue
		}
		split := andList(yes) + " preflight %s; " + andList(no) + pick(len(no) == 1, " does not", " do not")
		if _, ok := by[split]; !ok {
			splits = append(splits, split)
		}
		by[split] = append(by[split], n)
	}
	var parts []string
	for _, split := range splits {
		parts = append(parts, fmt.Sprintf(split, andList(by[split])))
	}
	if len(parts) == 0 {
		return ""
	}
	return strings.Join(parts, ". ") + "."
}

// cacheDiffers says how long each browser (and the standard) caches a
// preflight answered with resp, when they disagree.
func cacheDiffers(resp Headers) string {
	var parts []string
	same := true
	first, _ := MaxAge(comparedProfiles[0], resp)
	for _, p := range comparedProfiles {
		n, _ := MaxAge(p, resp)
		same = same && n == first
		d := fmt.Sprintf("%s for %d s", profileOf(p).title, n)
		if n == 0 {
			d = profileOf(p).title + " not at all"
		}
		parts = append(parts, d)
	}
	if same {
		return ""
	}
	return "This preflight is cached by " + andList(parts) + "."
}

// grant is what a successful preflight allows, as the preflight cache keeps
// it. https://fetch.spec.whatwg.org/#concept-cache
type grant struct {
	methods, headers []string
	maxAge           int64
}

// preflight sends the OPTIONS request and checks its response in the
// profile's order. https://fetch.spec.whatwg.org/#cors-preflight-fetch-0
func (e *evaluation) preflight(reasons, unsafe []string) (grant, bool) {
	e.preflighted = true
	req := HTTPRequest{Method: "OPTIONS", URL: e.urlString, Headers: Headers{
		{Name: "Origin", Value: e.preflightOriginText()},
		{Name: headerRequestMethod, Value: e.method},
	}}
	if len(unsafe) > 0 {
		req.Headers = append(req.Headers, Header{Name: headerRequestHeaders, Value: strings.Join(unsafe, ",")})
	}
	resp := e.respond(req, true)
	e.out.Preflight = &Exchange{Reasons: reasons, Request: req, Response: &resp}
	detail := fmt.Sprintf("OPTIONS %s carries Origin: %s and Access-Control-Request-Method: %s", e.urlString, e.preflightOrigin(), e.method)
	if len(unsafe) > 0 {
		detail += ", Access-Control-Request-Headers: " + strings.Join(unsafe, ",") + " (lower-cased, sorted, safelisted ones left out)"
	}
	detail += fmt.Sprintf(". It never carries cookies, whatever the credentials mode. The server answers %d.", resp.Status)
	e.step(Step{ID: "preflight", Title: "Send the preflight", Status: StepInfo, Detail: detail, Spec: specPreflight, Message: "preflight"})

	include := e.s.Request.Credentials == CredentialsInclude
	fail := func(id, title, corsError, hint, detail, spec, differs string) (grant, bool) {
		e.blocked(corsError, hint, resp.Status)
		e.step(Step{ID: id, Title: title, Status: StepFail, Detail: detail + " The actual request is never sent.", Spec: spec, Differs: differs, Message: "preflight-response"})
		return grant{}, false
	}

	p := profileOf(e.profile)
	location, hasLocation := resp.Headers.Get("Location")
	redirect := IsRedirectStatus(resp.Status) && hasLocation
	failRedirect := func() (grant, bool) {
		return fail("preflight-redirect", "Preflight redirect", ErrPreflightDisallowedRedirect, "",
			fmt.Sprintf("The preflight was answered %d with Location: %s. Browsers never follow a redirect of a preflight: the server must answer the OPTIONS request itself (often a trailing slash or http→https redirect is the cause).", resp.Status, location),
			specPreflight, "Chrome reports the redirect before checking anything else and Firefox after the CORS check; Safari and the standard just see a status that is not ok.")
	}
	failStatus := func() (grant, bool) {
		return fail("preflight-status", "Preflight: ok status", ErrPreflightInvalidStatus, "",
			fmt.Sprintf("The preflight was answered %d; only 200 to 299 will do. A server that requires authentication on OPTIONS, or has no OPTIONS route, fails here: preflights never carry credentials.", resp.Status)+layerNote(resp),
			specOKStatus, "")
	}
	if redirect && p.redirect == redirectFirst {
		return failRedirect()
	}
	if p.statusFirst && !isOKStatus(resp.Status) {
		return failStatus()
	}
	if c := CORSCheck(e.preflightOrigin(), e.s.Request.Credentials, resp.Headers); !c.OK {
		f := p.corsFailure(c, resp.Headers)
		return fail("preflight-cors-check", "Preflight: CORS check", preflightPrefix+f.CORSError, f.Hint, e.corsCheckDetail(c, resp.Headers, "preflight response")+layerNote(resp), specCORSCheck, "")
	}
	e.step(Step{ID: "preflight-cors-check", Title: "Preflight: CORS check", Status: StepPass, Detail: e.corsCheckPass(resp.Headers, "preflight response") + layerNote(resp), Spec: specCORSCheck, Message: "preflight-response"})
	if redirect && p.redirect == redirectAfterCORS {
		return failRedirect()
	}
	if !isOKStatus(resp.Status) {
		return failStatus()
	}
	e.step(Step{ID: "preflight-status", Title: "Preflight: ok status", Status: StepPass, Detail: fmt.Sprintf("%d is an ok status (200 to 299).", resp.Status), Spec: specOKStatus, Message: "preflight-response"})

	acam, _ := resp.Headers.Get(headerAllowMethods)
	methods, ok := ExtractList(acam)
	if !ok {
		return fail("preflight-methods", "Preflight: allowed methods", ErrInvalidAllowMethodsPreflight, p.listHint(acam),
			fmt.Sprintf("Access-Control-Allow-Methods %q does not parse: it must be a comma-separated list of method names (tokens).", acam), specPreflight, "")
	}
	acah, _ := resp.Headers.Get(headerAllowHeaders)
	names, ok := ExtractList(acah)
	if !ok {
		return fail("preflight-headers", "Preflight: allowed headers", ErrInvalidAllowHeadersPreflight, p.listHint(acah),
			fmt.Sprintf("Access-Control-Allow-Headers %q does not parse: it must be a comma-separated list of header names (tokens).", acah), specPreflight, "")
	}
	if !methodAllowed(e.method, methods, include) {
		return fail("preflight-methods", "Preflight: allowed methods", ErrMethodDisallowedByPreflight, e.method, e.methodDetail(methods, include), specPreflight, "")
	}
	e.step(Step{ID: "preflight-methods", Title: "Preflight: allowed methods", Status: StepPass, Detail: e.methodPass(methods, include), Spec: specPreflight, Message: "preflight-response"})

	lower := make([]string, len(names))
	for i, n := range names {
		lower[i] = strings.ToLower(n)
	}
	wildcard := !include && slices.Contains(lower, "*")
	hasAuth := slices.Contains(unsafe, "authorization")
	authByWildcard := hasAuth && wildcard && !slices.Contains(lower, "authorization")
	if authByWildcard && !p.wildcardAuthorization {
		return fail("preflight-headers", "Preflight: allowed headers", ErrHeaderDisallowedByPreflight, "authorization",
			"Access-Control-Allow-Headers: * does not cover Authorization: the standard requires it to be listed by name.", specBase+"#cors-non-wildcard-request-header-name",
			"Chrome, Firefox and Safari still let * cover Authorization (Chrome with a deprecation warning); the standard does not.")
	}
	var disallowed []string
	for _, n := range unsafe {
		if !slices.Contains(lower, n) && !wildcard {
			disallowed = append(disallowed, n)
		}
	}
	if len(disallowed) > 0 {
		var differs string
		if len(disallowed) > 1 {
			differs = "Chrome's console names only one of " + strings.Join(disallowed, ", ") + ", picked by its internal hash order, so it may name another one than this text does; all of them must be allowed."
		}
		return fail("preflight-headers", "Preflight: allowed headers", ErrHeaderDisallowedByPreflight, e.headerHint(disallowed), e.headerDetail(disallowed, acah, lower, include), specPreflight, differs)
	}
	hst := Step{ID: "preflight-headers", Title: "Preflight: allowed headers", Status: StepPass, Spec: specPreflight, Message: "preflight-response"}
	switch {
	case len(unsafe) == 0:
		hst.Detail = "The request has no unsafe header to allow."
	case wildcard:
		hst.Detail = "Access-Control-Allow-Headers: * allows any header because the request is sent without credentials."
	default:
		hst.Detail = "Access-Control-Allow-Headers lists every unsafe header: " + strings.Join(unsafe, ", ") + "."
	}
	if authByWildcard {
		hst.Differs = "Chrome, Firefox and Safari let * cover Authorization (Chrome with a deprecation warning); the standard requires Authorization to be listed by name."
		e.out.Notes = append(e.out.Notes, "Chrome warns: Authorization will not be covered by the wildcard symbol (*) in CORS `Access-Control-Allow-Headers` handling.")
	}
	e.step(hst)

	maxAge, note := MaxAge(e.profile, resp.Headers)
	if !e.brief {
		e.step(Step{ID: "preflight-cache", Title: "Preflight cache", Status: StepPass, Detail: "The preflight passed. " + note + ": a repeat of this request within that time skips the preflight.", Spec: specCache, Differs: cacheDiffers(resp.Headers), Message: "preflight-response"})
	}
	return grant{methods: methods, headers: lower, maxAge: maxAge}, true
}

// headerHint is the disallowed header the console names: the first of the
// lower-cased names, or (WebKit) the first in request order, as sent.
func (e *evaluation) headerHint(disallowed []string) string {
	if profileOf(e.profile).headerAsSent {
		for _, h := range e.headers {
			if slices.Contains(disallowed, strings.ToLower(h.Name)) {
				return h.Name
			}
		}
	}
	return disallowed[0]
}

func pick[T any](c bool, a, b T) T {
	if c {
		return a
	}
	return b
}

// methodAllowed: a safelisted method, a method listed byte for byte, or "*"
// without credentials. https://fetch.spec.whatwg.org/#cors-preflight-fetch-0 (step 7.5)
func methodAllowed(method string, methods []string, include bool) bool {
	return IsSafelistedMethod(method) || slices.Contains(methods, method) || (!include && slices.Contains(methods, "*"))
}

func (e *evaluation) methodDetail(methods []string, include bool) string {
	if len(methods) == 0 {
		return fmt.Sprintf("The preflight response has no Access-Control-Allow-Methods, so only GET, HEAD and POST are allowed, not %s.", e.method)
	}
	d := fmt.Sprintf("Access-Control-Allow-Methods lists %s but not %s.", strings.Join(methods, ", "), e.method)
	for _, m := range methods {
		if strings.EqualFold(m, e.method) {
			d += fmt.Sprintf(" Methods are compared case-sensitively: %q is not %q.", m, e.method)
			if NormalizeMethod(e.method) == e.method && strings.ToUpper(e.method) != e.method {
				d += " fetch() does not upper-case " + e.method + "; send it in upper case or allow it exactly as sent."
			}
		}
	}
	if include && slices.Contains(methods, "*") {
		d += " With credentials, * is a literal method name, not a wildcard."
	}
	return d
}

func (e *evaluation) methodPass(methods []string, include bool) string {
	switch {
	case IsSafelistedMethod(e.method):
		return e.method + " is safelisted and needs no listing."
	case slices.Contains(methods, e.method):
		return "Access-Control-Allow-Methods lists " + e.method + "."
	}
	return "Access-Control-Allow-Methods: * allows any method because the request is sent without credentials."
}

func (e *evaluation) headerDetail(disallowed []string, acah string, allowed []string, include bool) string {
	names := strings.Join(disallowed, ", ")
	if acah == "" {
		return fmt.Sprintf("The request carries %s, but the preflight response has no Access-Control-Allow-Headers to allow it.", names)
	}
	d := fmt.Sprintf("The request carries %s, but Access-Control-Allow-Headers (%s) does not list it.", names, acah)
	if len(disallowed) > 1 {
		d = fmt.Sprintf("The request carries %s, but Access-Control-Allow-Headers (%s) lists none of them.", names, acah)
	}
	if include && slices.Contains(allowed, "*") {
		d += " With credentials, * is a literal header name, not a wildcard: list the headers by name."
	}
	return d
}

// corsCheckDetail explains a failed CORS check.
func (e *evaluation) corsCheckDetail(c CORSCheckResult, hs Headers, what string) string {
	acao, _ := hs.Get(headerAllowOrigin)
	origin := e.sentOrigin()
	switch c.CORSError {
	case ErrMissingAllowOriginHeader:
		return fmt.Sprintf("The %s has no Access-Control-Allow-Origin header, so the browser must assume the server does not share it with %s.", what, origin)
	case ErrWildcardOriginNotAllowed:
		return fmt.Sprintf("The %s says Access-Control-Allow-Origin: *, but the request is made with credentials (\"include\"): a credentialed response must name the origin (%s) exactly, and add Access-Control-Allow-Credentials: true.", what, origin)
	case ErrMultipleAllowOriginValues:
		return fmt.Sprintf("Access-Control-Allow-Origin is %q: it must hold exactly one origin. Two headers, or a comma-separated list, never match; the server must pick the requesting origin from its list and send only that.", acao)
	case ErrInvalidAllowOriginValue:
		return fmt.Sprintf("Access-Control-Allow-Origin is %q, which is not an origin at all; it must be %s or *.", acao, origin)
	case ErrAllowOriginMismatch:
		d := fmt.Sprintf("Access-Control-Allow-Origin is %q but the page's origin is %q: they must be equal byte for byte.", acao, origin)
		if strings.TrimSuffix(acao, "/") == origin {
			d += " Remove the trailing slash: an origin has no path."
		} else if strings.EqualFold(acao, origin) {
			d += " The case differs."
		}
		return d
	case ErrInvalidAllowCredentials:
		acac, ok := hs.Get(headerAllowCredentials)
		if !ok {
			return fmt.Sprintf("The request is made with credentials (\"include\"), so the %s must also say Access-Control-Allow-Credentials: true; it has none.", what)
		}
		return fmt.Sprintf("The request is made with credentials (\"include\"), so Access-Control-Allow-Credentials must be exactly \"true\" (lower case, once); it is %q.", acac)
	}
	return ""
}

func (e *evaluation) corsCheckPass(hs Headers, what string) string {
	acao, _ := hs.Get(headerAllowOrigin)
	if acao == "*" {
		return fmt.Sprintf("The %s allows any origin (Access-Control-Allow-Origin: *), which is accepted because the request has no credentials.", what)
	}
	d := fmt.Sprintf("The %s names the page's origin %s in Access-Control-Allow-Origin", what, acao)
	if e.s.Request.Credentials == CredentialsInclude {
		d += " and says Access-Control-Allow-Credentials: true"
	}
	return d + "."
}

// actual sends the request itself in cors mode and runs the CORS check on
// its response, a redirect's too; then it follows a redirect or ends the
// fetch. https://fetch.spec.whatwg.org/#http-fetch (steps 4.4 and 7)
func (e *evaluation) actual() int {
	resp := e.sendActual(true)
	creds := e.s.Request.Credentials
	cookies := "without cookies"
	if creds == CredentialsInclude {
		cookies = "with cookies"
	}
	e.step(Step{ID: "actual", Title: "Send the request", Status: StepInfo, Spec: specHTTPFetch, Message: "actual",
		Detail: fmt.Sprintf("%s %s is sent %s, with Origin: %s. The server runs it and answers %d.", e.method, e.urlString, cookies, e.sentOrigin(), resp.Status)})
	e.cookies(OriginOf(e.url))
	what, location := "response", ""
	if loc, ok := resp.Headers.Get("Location"); ok && IsRedirectStatus(resp.Status) {
		what, location = "redirect response", loc
		if u, err := e.url.Parse(loc); err == nil {
			location = u.String()
		}
		if creds == CredentialsSameOrigin && e.beganSameOrigin && profileOf(e.profile).redirectCheckCredentialed {
			// WebKit decided to send credentials when the fetch began on
			// the page's origin, and checks the redirect by that decision.
			creds = CredentialsInclude
		}
	}
	c := CORSCheck(e.requestOrigin(), creds, resp.Headers)
	if !c.OK {
		f := profileOf(e.profile).corsFailure(c, resp.Headers)
		e.blockedAt(f.CORSError, f.Hint, resp.Status, location)
		detail := e.corsCheckDetail(c, resp.Headers, what) + layerNote(resp) + " The server has already run the request; only its response is withheld from script."
		if what != "response" {
			detail = e.corsCheckDetail(c, resp.Headers, what) + layerNote(resp) + " In a CORS request, a redirect is followed only when its response passes the CORS check too."
		}
		e.step(Step{ID: "cors-check", Title: "CORS check", Status: StepFail, Spec: specCORSCheck, Message: "actual-response", Detail: detail})
		return redirectEnded
	}
	e.step(Step{ID: "cors-check", Title: "CORS check", Status: StepPass, Detail: e.corsCheckPass(resp.Headers, what) + layerNote(resp), Spec: specCORSCheck, Message: "actual-response"})
	if r := e.redirected(resp); r != redirectNone {
		return r
	}
	e.out.Verdict = Allowed
	e.out.ReadableHeaders = ReadableHeaders(creds, resp.Headers)
	if !e.brief {
		e.step(Step{ID: "expose", Title: "Readable headers", Status: StepPass, Spec: specExpose, Message: "actual-response", Detail: e.exposeDetail(resp.Headers)})
	}
	return redirectNone
}

// requestOrigin is the origin the request carries, for the CORS check:
// the page's, or an opaque one once a redirect tainted it.
func (e *evaluation) requestOrigin() Origin {
	if e.taintedOrigin {
		return Origin{Opaque: true}
	}
	return e.origin
}

func (e *evaluation) exposeDetail(hs Headers) string {
	d := "Script can read " + listOrNone(e.out.ReadableHeaders) + ". Cache-Control, Content-Language, Content-Length, Content-Type, Expires, Last-Modified and Pragma are always readable; others only when Access-Control-Expose-Headers lists them."
	var hidden []string
	for _, h := range hs {
		n := strings.ToLower(h.Name)
		if !slices.Contains(e.out.ReadableHeaders, n) && !slices.Contains(hidden, n) {
			hidden = append(hidden, n)
		}
	}
	if len(hidden) > 0 {
		d += " Hidden from script: " + strings.Join(hidden, ", ") + "."
	}
	if hs.Has("Set-Cookie") {
		d += " Set-Cookie is never readable by script, exposed or not."
	}
	if v, ok := hs.Get(headerExposeHeaders); ok {
		if _, ok := ExtractList(v); !ok {
			d += fmt.Sprintf(" Access-Control-Expose-Headers %q does not parse, so it exposes nothing.", v)
		} else if e.s.Request.Credentials == CredentialsInclude && strings.Contains(v, "*") {
			d += " With credentials, * in Access-Control-Expose-Headers is a literal name, not a wildcard."
		}
	}
	return d
}

// sends fills Outcome.Sends when the request is repeated and every send goes
// the same way.
func (e *evaluation) sends(preflight string) {
	if e.brief {
		return
	}
	for i, at := range e.s.Request.Repeat {
		d := "No preflight is needed."
		switch {
		case preflight == "sent" && i == 0:
			d = "The preflight is sent and fails, so nothing is cached."
		case preflight == "sent":
			d = "The preflight failed before, so nothing was cached: it is sent again."
		}
		e.out.Sends = append(e.out.Sends, Send{At: at, Preflight: preflight, Verdict: e.out.Verdict, Detail: d})
	}
}

// cachedSends replays the request at each repeat time against the preflight
// cache: one entry per (origin, URL), replaced by each new preflight.
// https://fetch.spec.whatwg.org/#concept-cache
func (e *evaluation) cachedSends(g grant, unsafe []string) {
	if e.brief {
		return
	}
	include := e.s.Request.Credentials == CredentialsInclude
	stored, cached := 0.0, false
	for i, at := range e.s.Request.Repeat {
		s := Send{At: at, Verdict: e.out.Verdict}
		hit := i > 0 && cached && at < stored+float64(g.maxAge) && g.covers(e.method, unsafe, include, profileOf(e.profile).cachedWildcard)
		if hit {
			s.Preflight = "cached"
			s.Detail = fmt.Sprintf("Served from the preflight cache (stored at %gs, valid until %gs).", stored, stored+float64(g.maxAge))
		} else {
			s.Preflight = "sent"
			switch {
			case i == 0:
				s.Detail = "The cache is empty: the preflight is sent."
			case !cached:
				s.Detail = "Nothing was cached (max-age 0): the preflight is sent again."
			case at >= stored+float64(g.maxAge):
				s.Detail = fmt.Sprintf("The cached preflight expired at %gs: it is sent again.", stored+float64(g.maxAge))
			default:
				s.Detail = "The cached entry does not cover this request (Chrome never lets a cached * cover Authorization, Firefox never lets it cover any header): the preflight is sent again."
			}
			stored, cached = at, g.maxAge > 0
		}
		e.out.Sends = append(e.out.Sends, s)
	}
}

// covers reports whether a cached grant lets the request skip its preflight;
// wildcard says what a cached * covers in the browser (cachedWildcard…).
func (g grant) covers(method string, unsafe []string, include bool, wildcard int) bool {
	if !methodAllowed(method, g.methods, include) {
		return false
	}
	star := !include && slices.Contains(g.headers, "*") && wildcard != cachedWildcardNone
	for _, n := range unsafe {
		if !slices.Contains(g.headers, n) && (!star || n == "authorization" && wildcard == cachedWildcardButAuthorization) {
			return false
		}
	}
	return true
}
