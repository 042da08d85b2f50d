package evidence

import (
	"fmt"
	"slices"
	"strings"

	"corsplay/engine"
)

// This file builds a scenario from exchanges a text shows (a HAR entry,
// curl's output, a copied request): the request as it went on the wire,
// told apart from what the browser added, and the server's real answers
// as server.raw. What the text does not show is assumed and listed.

// seen is what a text shows of one fetch(): the request, and the answers
// as far as it shows them.
type seen struct {
	source  string
	where   string // "entry 4", "the command": for messages
	line    int    // where the request is in the text, 0 if nowhere
	browser string // "" when the text does not say
	url     string
	method  string         // "" when not shown
	headers engine.Headers // the request's headers, as sent
	// typed: the headers are what a person typed (a curl command), not
	// what a browser sent, so only curl's own are left out.
	typed       bool
	body        *string
	bodyBytes   int    // the body's full length, when cut
	cookies     bool   // a cookie was sent: credentials "include"
	credentials string // given by the text (a copied fetch), "" when not
	mode        string
	redirect    string // given by the text (a copied fetch), "" when not
	referrer    string // the page's URL, when shown
	// preflight is the OPTIONS exchange of this request, nil when not
	// shown; its response is nil when it got none.
	preflight *exchangeSeen
	// actual is the response to the request, nil when not shown.
	actual *engine.Response
	// elsewhere are the servers the request's redirects reached, as the
	// text shows their answers (a response nil when none came).
	elsewhere []engine.Elsewhere
	notes     []string
}

type exchangeSeen struct {
	headers  engine.Headers // the request's
	response *engine.Response
}

// maxBody is the most of a request body a scenario keeps: the body never
// changes a CORS verdict, only whether there is one.
const maxBody = 4 << 10

// browserAdded are request headers a browser (or DevTools, or curl) adds
// by itself that script may also set: they are kept only when the
// preflight named them. (Referrer-Policy stands for the referrer policy in
// Chrome's "Copy as fetch (Node.js)".)
var browserAdded = map[string]bool{
	"accept-language": true, "cache-control": true, "if-modified-since": true, "if-none-match": true,
	"pragma": true, "priority": true, "purpose": true, "referrer-policy": true, "upgrade-insecure-requests": true,
	"user-agent": true, "x-client-data": true,
}

// requestHeaders are the headers script set, from those sent: the
// browser's own (forbidden names, pseudo-headers, what browsers add) are
// left out; with a preflight seen, an unsafe header it did not name was
// not script's either.
func (s seen) requestHeaders(profile string) (kept engine.Headers, requested []string) {
	if s.preflight != nil {
		acrh, _ := s.preflight.headers.Get("Access-Control-Request-Headers")
		for n := range strings.SplitSeq(acrh, ",") {
			if n = strings.ToLower(strings.TrimSpace(n)); n != "" && !slices.Contains(requested, n) {
				requested = append(requested, n)
			}
		}
	}
	for _, h := range s.headers {
		lower := strings.ToLower(h.Name)
		if strings.HasPrefix(h.Name, ":") || !engine.IsToken(h.Name) {
			continue
		}
		if forbidden, _ := engine.ForbiddenRequestHeader(profile, h.Name, h.Value); forbidden {
			continue
		}
		named := slices.Contains(requested, lower)
		switch {
		case named:
		case lower == "accept" && h.Value == "*/*":
			continue // fetch()'s and curl's default
		case s.typed:
			if lower == "user-agent" && strings.HasPrefix(h.Value, "curl/") {
				continue
			}
		case browserAdded[lower]:
			continue
		case s.preflight != nil && !engine.SafelistedRequestHeader(profile, h.Name, h.Value):
			continue // unsafe, yet not in Access-Control-Request-Headers
		}
		kept = append(kept, engine.Header{Name: h.Name, Value: h.Value})
	}
	return kept, requested
}

// scenario builds the result from what was seen.
func (s seen) scenario() (Result, error) {
	r := Result{Source: s.source}
	assume := func(field, why string) { r.Assumed = append(r.Assumed, Assumption{field, why}) }
	what := sourceTitles[s.source]

	r.Browser = s.browser
	if r.Browser == "" {
		r.Browser = browserOf(s.headers)
	}
	if r.Browser == "" {
		r.Browser = engine.Chrome
		assume("browser", fmt.Sprintf("%s does not say which browser ran the page: corsplay assumed Chrome. Which browser do you see the error in?", capital(what)))
	}
	sc := engine.Scenario{V: engine.Version, Browser: r.Browser, Request: engine.Request{URL: s.url, Body: s.body, Mode: s.mode, Redirect: s.redirect}}
	if _, ok := originOf(s.url); !ok {
		return Result{}, errorAt(s.line, "%s: the URL %q is not an absolute http or https URL", s.where, s.url)
	}

	// The page: the Origin header, else the Referer's origin.
	origin, hasOrigin := s.headers.Get("Origin")
	if !hasOrigin && s.preflight != nil {
		origin, hasOrigin = s.preflight.headers.Get("Origin")
	}
	referrer := s.referrer
	if ref, ok := s.headers.Get("Referer"); ok && referrer == "" {
		referrer = ref
	}
	switch {
	case hasOrigin:
		sc.Page = strings.TrimSpace(origin)
	case referrer != "":
		if o, ok := originOf(referrer); ok {
			sc.Page = o
			assume("page", fmt.Sprintf("%s has no Origin header, so corsplay took the page's origin from its referrer %s. Is that where your page runs?", capital(what), referrer))
		}
	}
	if sc.Page == "" {
		sc.Page = likelyPage(s.url, "")
		why := fmt.Sprintf("%s has no Origin header and no referrer, so it does not say where the page runs: corsplay assumed %s. Where does your page run?", capital(what), sc.Page)
		if s.source == SourceCurl || s.source == SourceCurlOutput {
			why += " (Many servers answer CORS headers only to a request with an Origin header: add -H 'Origin: http://your.page' to the curl command.)"
		}
		assume("page", why)
	}
	if _, err := engine.ParseOrigin(sc.Page); err != nil {
		return Result{}, errorAt(s.line, "%s: the page's origin %q: %v", s.where, sc.Page, err)
	}

	// The method: as sent, else the one the preflight asked for.
	sc.Request.Method = s.method
	if sc.Request.Method == "" && s.preflight != nil {
		sc.Request.Method, _ = s.preflight.headers.Get("Access-Control-Request-Method")
	}
	if sc.Request.Method == "" {
		sc.Request.Method = "GET"
		assume("request.method", capital(what)+" does not show the request's method: corsplay assumed GET.")
	}

	headers, requested := s.requestHeaders(r.Browser)
	var invented []string
	for _, n := range requested {
		if !headers.Has(n) {
			v := "value"
			if vs := unsafeValues(r.Browser, n); len(vs) > 0 {
				v = vs[0]
			}
			headers = append(headers, engine.Header{Name: n, Value: v})
			invented = append(invented, n+": "+v)
		}
	}
	if len(invented) > 0 {
		assume("request.headers", fmt.Sprintf("The preflight names the request's headers but %s does not show their values: corsplay assumed %s. Which values does your fetch() send?", what, strings.Join(invented, "; ")))
	}
	sc.Request.Headers = headers
	if s.bodyBytes > 0 {
		assume("request.body", fmt.Sprintf("The request's body has %d bytes: corsplay keeps its first %d (a body's content never changes a CORS verdict, only whether there is one).", s.bodyBytes, maxBody))
	}

	switch {
	case s.credentials != "":
		sc.Request.Credentials = s.credentials
	case s.cookies:
		sc.Request.Credentials = engine.CredentialsInclude
	}

	// The server: the answers seen, as they came.
	raw := &engine.RawServer{Actual: s.actual}
	if s.preflight != nil {
		raw.Preflight = s.preflight.response
	}
	if raw.Preflight != nil || raw.Actual != nil {
		sc.Server.Raw = raw
	}
	if len(s.elsewhere) > 0 {
		sc.Server.Raw = raw
		sc.Elsewhere = s.elsewhere
		if _, name := sc.ServerAt(sc.Request.URL); name != "server" {
			// Another URL of the chain is the start of the first.
			sc.Elsewhere = append(sc.Elsewhere, engine.Elsewhere{URL: noFragment(s.url), Server: sc.Server})
		}
		r.Assumed = append(r.Assumed, unseenAnswers(&sc, r.Browser, what, s.source)...)
		o := engine.Evaluate(sc)
		if a, ok := credentialsMatter(sc, o.Console); ok && s.credentials == "" && !s.cookies {
			r.Assumed = append(r.Assumed, a)
		}
		r.Scenario, r.Notes = sc, s.notes
		return r, nil
	}
	o := engine.Evaluate(sc)
	switch {
	case raw.Preflight == nil && raw.Actual == nil:
		assume("server", fmt.Sprintf("%s holds no response, so corsplay assumed a server without CORS support (OPTIONS answered 404, the request 200, no CORS header). Paste curl -i's output or a HAR to use the real answers.", capital(what)))
	case o.Preflight != nil && raw.Preflight == nil:
		raw.Preflight = passingPreflight(sc, r.Browser)
		why := "The request needs a preflight, which " + what + " does not show"
		if s.source == SourceHAR && r.Browser == engine.Safari {
			why += " (Safari's Network panel does not list preflights)"
		}
		why += ": corsplay assumed one that allows it, so the verdict is the response's. "
		if s.source == SourceCurl || s.source == SourceCurlOutput {
			why += "See the real one with: curl -i -X OPTIONS -H 'Origin: " + sc.Page + "' -H 'Access-Control-Request-Method: " + engine.NormalizeMethod(sc.Request.Method) + "'"
			if names := engine.CORSUnsafeRequestHeaderNames(r.Browser, sc.Request.Headers); len(names) > 0 {
				why += " -H 'Access-Control-Request-Headers: " + strings.Join(dedupe(names), ",") + "'"
			}
			why += " " + s.url
		} else {
			why += "What does the OPTIONS request get (DevTools → Network)?"
		}
		assume("server.raw.preflight", why)
	}
	if o = engine.Evaluate(sc); o.Actual != nil && raw.Actual == nil && sc.Server.Raw != nil {
		raw.Actual = actualFromPreflight(raw.Preflight)
		assume("server.raw.actual", fmt.Sprintf("%s does not show the response to the request itself: corsplay assumed 200 with the CORS headers of the preflight's answer. What does the request get (DevTools → Network)?", capital(what)))
		o = engine.Evaluate(sc)
	}
	if a, ok := credentialsMatter(sc, o.Console); ok && s.credentials == "" && !s.cookies {
		r.Assumed = append(r.Assumed, a)
	}
	r.Scenario, r.Notes = sc, s.notes
	return r, nil
}

// unseenAnswers fills in, along a redirect chain, the answers the text
// does not show but the fetch got: a preflight the browser sent, which
// passed since the request followed (or a preflight allowing what it
// asks), and a response to a request that got one, with the CORS headers
// of its preflight's answer. It says what it assumed.
func unseenAnswers(sc *engine.Scenario, browser, what, source string) []Assumption {
	var assumed []Assumption
	for range 2 * (len(sc.Elsewhere) + 1) {
		changed := false
		for _, h := range engine.Evaluate(*sc).Hops {
			srv, name := sc.ServerAt(h.Request.URL)
			if name == "" || srv.Raw == nil {
				continue // no server answers that URL
			}
			field := name + ".raw"
			if name != "server" {
				field = name + ".server.raw"
			}
			switch {
			case h.Preflight && srv.Raw.Preflight == nil:
				srv.Raw.Preflight = preflightAllowing(h.Request, sc.Request.Credentials == engine.CredentialsInclude)
				why := fmt.Sprintf("%s does not show the preflight of %s", capital(what), h.Request.URL)
				if source == SourceHAR && browser == engine.Safari {
					why += " (Safari's Network panel does not list preflights)"
				}
				assumed = append(assumed, Assumption{field + ".preflight", why + ": corsplay assumed one that allows the request, so the verdict is the response's. What does the OPTIONS request get (DevTools → Network)?"})
			case !h.Preflight && srv.Raw.Actual == nil:
				srv.Raw.Actual = actualFromPreflight(srv.Raw.Preflight)
				assumed = append(assumed, Assumption{field + ".actual", fmt.Sprintf("%s does not show the response to %s: corsplay assumed 200 with the CORS headers of its preflight's answer. What does the request get (DevTools → Network)?", capital(what), h.Request.URL)})
			default:
				continue
			}
			changed = true
			break
		}
		if !changed {
			break
		}
	}
	return assumed
}

// preflightAllowing answers the preflight req with what it asks for: its
// Origin, method and headers (and credentials).
func preflightAllowing(req engine.HTTPRequest, credentials bool) *engine.Response {
	hs := engine.Headers{}
	if o, ok := req.Headers.Get("Origin"); ok {
		hs = append(hs, engine.Header{Name: "Access-Control-Allow-Origin", Value: o})
	}
	if credentials {
		hs = append(hs, engine.Header{Name: "Access-Control-Allow-Credentials", Value: "true"})
	}
	if m, ok := req.Headers.Get("Access-Control-Request-Method"); ok && !engine.IsSafelistedMethod(m) {
		hs = append(hs, engine.Header{Name: "Access-Control-Allow-Methods", Value: m})
	}
	if names, ok := req.Headers.Get("Access-Control-Request-Headers"); ok && names != "" {
		hs = append(hs, engine.Header{Name: "Access-Control-Allow-Headers", Value: names})
	}
	return &engine.Response{Status: defaultPreflight, Headers: hs}
}

// passingPreflight answers a preflight with everything the request needs.
func passingPreflight(sc engine.Scenario, profile string) *engine.Response {
	b := &builder{f: failureSeen{browser: profile}, origin: sc.Page, s: sc}
	return b.passingPreflight(defaultPreflight)
}

// actualFromPreflight is a response with the CORS headers a preflight's
// answer gave (a middleware usually sends the same to both).
func actualFromPreflight(p *engine.Response) *engine.Response {
	r := &engine.Response{Status: defaultActual, Headers: engine.Headers{}}
	if p == nil {
		return r
	}
	for _, h := range p.Headers {
		switch strings.ToLower(h.Name) {
		case "access-control-allow-origin", "access-control-allow-credentials", "vary":
			r.Headers = append(r.Headers, h)
		}
	}
	return r
}

// browserOf names the browser that sent the headers, by its User-Agent
// or its client hints; "" when they do not say.
func browserOf(hs engine.Headers) string {
	ua, ok := hs.Get("User-Agent")
	if !ok {
		if hs.Has("Sec-CH-UA") {
			return engine.Chrome // client hints: Chromium's alone
		}
		return ""
	}
	switch {
	case strings.Contains(ua, "Firefox/"):
		return engine.Firefox
	case strings.Contains(ua, "Chrome/") || strings.Contains(ua, "Chromium/") || strings.Contains(ua, "Edg/"):
		return engine.Chrome
	case strings.Contains(ua, "Safari/") || strings.Contains(ua, "AppleWebKit/"):
		return engine.Safari
	}
	return ""
}

func capital(s string) string {
	if s == "" {
		return s
	}
	return strings.ToUpper(s[:1]) + s[1:]
}

func orDefault(s, d string) string {
	if s == "" {
		return d
	}
	return s
}

// responseHeaders are a response's headers as a scenario keeps them:
// pseudo-headers left out, a value holding several lines (DevTools joins
// repeated headers with a newline) split into those lines, at most
// engine.MaxHeaders, the CORS ones first kept.
func responseHeaders(hs []engine.Header) (engine.Headers, bool) {
	out := engine.Headers{}
	for _, h := range hs {
		if strings.HasPrefix(h.Name, ":") || !engine.IsToken(h.Name) {
			continue
		}
		for v := range strings.SplitSeq(h.Value, "\n") {
			out = append(out, engine.Header{Name: h.Name, Value: strings.TrimSuffix(v, "\r")})
		}
	}
	if len(out) <= engine.MaxHeaders {
		return out, false
	}
	var kept engine.Headers
	for _, h := range out {
		l := strings.ToLower(h.Name)
		if strings.HasPrefix(l, "access-control-") || l == "vary" || l == "location" || l == "content-type" {
			kept = append(kept, h)
		}
	}
	return kept[:min(len(kept), engine.MaxHeaders)], true
}
