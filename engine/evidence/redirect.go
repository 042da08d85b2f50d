package evidence

import (
	"fmt"
	"net/url"
	"slices"
	"strings"

	"corsplay/engine"
)

// This file puts a failure behind redirects: the line says the request
// got where it failed through a redirect (Chrome's "redirected from"), or
// carried Origin: null, which a redirect from one origin to another gives
// it (Safari's "Origin null"). The scenario then fetches the first URL,
// whose server answers a redirect that passes the CORS check, and the
// server at the failing URL, in elsewhere, answers as the line says.

// redirectedFrom are the candidates of a failure at f.url reached from
// f.initialURL: the redirect straight to it, its server allowing the
// Origin the request then carries (null when the redirect tainted it), or
// the page's; then through a third origin, which taints the Origin.
func (f failureSeen) redirectedFrom() []candidate {
	first, last := f.initialURL, f.url
	g := f
	g.initialURL = ""
	allows := []string{"", "null"}
	if taints(f.origin, first, last) {
		allows = []string{"null", ""}
	}
	var out []candidate
	for _, allow := range allows {
		g.allowAs = allow
		for _, c := range g.direct() {
			out = append(out, f.behind(c, first, f.origin, f.redirectWhy(first, last)))
		}
	}
	// Through another origin: the Origin becomes null whatever the
	// first and last URLs are.
	mid := redirectorURL(last, f.origin, first, last)
	atMid := f.origin
	if o, _ := originOf(first); o != f.origin {
		atMid = "null"
	}
	g.allowAs = "null"
	for _, c := range g.direct() {
		c = f.behind(c, mid, atMid, fmt.Sprintf("%s does not say which URLs the request went through between %s and %s: corsplay assumed one redirect through %s, another origin, after which the request carries Origin: null (its origin is tainted); %s prints the page's origin all the same.", browserTitles[f.browser], first, last, mid, browserTitles[f.browser]))
		out = append(out, f.behind(c, first, f.origin, f.redirectWhy(first, mid)))
	}
	return out
}

// tainted are the candidates of a failure whose request carried Origin:
// null (Safari names it): a redirect from another origin tainted it, else
// the page itself has an opaque origin (a sandboxed iframe, a file://
// page).
func (f failureSeen) tainted() []candidate {
	g := f
	g.requestOrigin, g.allowAs = "", "null"
	first := redirectorURL(f.url, f.origin, f.url)
	title := browserTitles[f.browser]
	why := fmt.Sprintf("%s says the request carried Origin: null. A browser sends that after a redirect from one origin to another (the request's origin is then \"tainted\"), so corsplay assumed fetch() called %s, whose server answered %s; %s is where it failed. (If your page itself has an opaque origin, a sandboxed iframe or a page opened from a file:// URL, set page to null and request.url to %s instead.) Which URL does your page fetch, and where does it redirect?", title, first, "a redirect to "+f.url, f.url, f.url)
	var out []candidate
	for _, c := range g.direct() {
		out = append(out, f.behind(c, first, f.origin, why))
	}
	// An opaque page.
	g.origin, g.allowAs = "null", ""
	for _, c := range g.direct() {
		c.assumed = append([]Assumption{{"page", fmt.Sprintf("%s says the request carried Origin: null: corsplay assumed the page has an opaque origin (a sandboxed iframe, a page opened from a file:// URL). A redirect from one origin to another also makes the Origin null. Where does your page run?", title)}}, c.assumed...)
		out = append(out, c)
	}
	return out
}

// redirectWhy explains the redirect from first to last a candidate
// assumed.
func (f failureSeen) redirectWhy(first, last string) string {
	title := browserTitles[f.browser]
	why := fmt.Sprintf("%s says the request was redirected from %s to %s but not how: corsplay assumed %s answered a redirect to %s that passes the CORS check. What does it answer (DevTools → Network → the request)?", title, first, f.url, first, last)
	if taints(f.origin, first, last) {
		why += fmt.Sprintf(" That redirect leaves an origin other than the page's for yet another, so the request to %s carries Origin: null (its origin is tainted): %s prints the page's origin all the same, but that server must allow null (or *), not %s.", last, title, f.origin)
	}
	return why
}

// behind puts c behind a redirect: fetch() calls first, whose server
// answers a redirect to c's URL allowing allow (the Origin the request
// carries there), and c's server moves to elsewhere, with what c assumed
// of it.
func (f failureSeen) behind(c candidate, first, allow, why string) candidate {
	s := c.s
	last := s.Request.URL
	s.Elsewhere = append(slices.Clone(s.Elsewhere), engine.Elsewhere{URL: noFragment(last), Server: s.Server})
	n := len(s.Elsewhere) - 1
	var assumed []Assumption
	for _, a := range c.assumed {
		if a.Field == "server" || strings.HasPrefix(a.Field, "server.") {
			a.Field = fmt.Sprintf("elsewhere[%d].%s", n, a.Field)
		}
		assumed = append(assumed, a)
	}
	b := &builder{f: f, origin: allow, s: s}
	status := defaultFound
	if m := engine.NormalizeMethod(s.Request.Method); m != "GET" && m != "HEAD" {
		status = 307 // keeps the method and the body
	}
	raw := &engine.RawServer{Actual: &engine.Response{Status: status, Headers: append(b.allowOrigin(), engine.Header{Name: "Location", Value: last})}}
	if s.Request.Mode != engine.ModeNoCORS && (!engine.IsSafelistedMethod(engine.NormalizeMethod(s.Request.Method)) || len(engine.CORSUnsafeRequestHeaderNames(f.browser, s.Request.Headers)) > 0) {
		raw.Preflight = b.passingPreflight(defaultPreflight)
	}
	s.Request.URL = first
	s.Server = engine.Server{Raw: raw}
	if _, name := s.ServerAt(first); name != "server" {
		// Another server's URL is the start of the first URL.
		s.Elsewhere = append(s.Elsewhere, engine.Elsewhere{URL: noFragment(first), Server: s.Server})
	}
	assumed = append(assumed, Assumption{"server.raw.actual", why + fmt.Sprintf(" (corsplay assumed %d with Location: %s and Access-Control-Allow-Origin: %s.)", status, last, allow)})
	return candidate{s, assumed}
}

// taints reports whether a redirect from first to last makes the
// request's Origin null: it leaves a URL of another origin than the
// page's for yet another origin.
// https://fetch.spec.whatwg.org/#concept-request-tainted-origin
func taints(page, first, last string) bool {
	fo, ok1 := originOf(first)
	lo, ok2 := originOf(last)
	return ok1 && ok2 && fo != lo && fo != page
}

// redirectors are where a redirect is assumed to come from.
var redirectors = []string{"https://api.example.com", "https://api.example.net", "https://redirect.example.org"}

// redirectorURL is a URL with target's path on an origin that is none of
// avoid's (origins, or URLs whose origins count).
func redirectorURL(target string, avoid ...string) string {
	var origins []string
	for _, a := range avoid {
		if o, ok := originOf(a); ok {
			a = o
		}
		origins = append(origins, a)
	}
	path := "/"
	if u, err := url.Parse(target); err == nil && u.EscapedPath() != "" {
		path = u.EscapedPath()
	}
	for _, r := range redirectors {
		if !slices.Contains(origins, r) {
			return r + path
		}
	}
	return "https://redirect.example.com" + path
}
