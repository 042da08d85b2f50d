package engine

import (
	"fmt"
	"net/url"
	"slices"
	"strings"
)

// layerFindings are the traps of a server's layers, found by sending the
// layered server what a browser would send from the page: a preflight, a
// request without credentials and one with them.
func layerFindings(s Scenario) []Finding {
	if len(s.Server.Layers) == 0 {
		return nil
	}
	respond, _, err := s.Server.responder()
	if err != nil {
		return nil
	}
	s = s.withDefaults()
	page := s.Page
	if page == "null" {
		page = "https://app.example.com"
	}
	target := s.Request.URL
	if u, err := url.Parse(target); err != nil || !u.IsAbs() {
		return nil
	}
	meter := s.meter
	send := func(method string, cookies bool, hs ...Header) Response {
		return respond(HTTPRequest{Method: method, URL: target, Headers: append(Headers{{Name: "Origin", Value: page}}, hs...), meter: meter, cookies: cookies})
	}
	var out []Finding
	layerOf := func(name string) (Layer, bool) {
		for i, l := range s.Server.Layers {
			if l.Title(i) == name || l.Title(i)+" (cache)" == name {
				return l, true
			}
		}
		return Layer{}, false
	}
	pre := send("OPTIONS", false, Header{Name: headerRequestMethod, Value: "PUT"}, Header{Name: headerRequestHeaders, Value: "content-type"})
	if l, ok := layerOf(pre.statusBy); ok && l.Auth != nil {
		out = append(out, Finding{ID: "LAYER-001", Severity: SeverityError,
			Title:  upperFirst(pre.statusBy) + " answers preflights before CORS",
			Detail: fmt.Sprintf("A preflight never carries cookies or Authorization, so %s refuses it with %d before the CORS middleware can answer: every request that needs a preflight (JSON, PUT, DELETE, an Authorization header) fails, and the console speaks of an HTTP status that is not ok.", pre.statusBy, pre.Status),
			Fix:    "Let OPTIONS through the authentication (or put the CORS middleware in front of it): the preflight only asks, the request itself still needs its credentials."})
	}
	anon := send("GET", false)
	if l, ok := layerOf(anon.statusBy); ok && l.Auth != nil && !anon.Headers.Has(headerAllowOrigin) {
		out = append(out, Finding{ID: "LAYER-002", Severity: SeverityWarning,
			Title:  upperFirst(anon.statusBy) + "'s refusals carry no CORS headers",
			Detail: fmt.Sprintf("%s answers %d without Access-Control-Allow-Origin, so the page cannot read it: a logged-out user's request fails as a CORS error, and the page cannot tell that it should send the user to log in.", anon.statusBy, anon.Status),
			Fix:    "Put the CORS middleware in front of the authentication, so that its 401 carries the CORS headers too."})
	}
	signed := send("GET", true, Header{Name: "Authorization", Value: "Bearer t"})
	if l, ok := layerOf(signed.statusBy); ok && l.Error != nil && !signed.Headers.Has(headerAllowOrigin) {
		out = append(out, Finding{ID: "LAYER-003", Severity: SeverityWarning,
			Title:  fmt.Sprintf("Error responses (%d) carry no CORS headers", signed.Status),
			Detail: fmt.Sprintf("%s answers %d without the CORS headers the API sends otherwise: in the browser a failing route shows up as a CORS error, and the page never sees the status or the error body.", signed.statusBy, signed.Status),
			Fix:    "Add the CORS headers to error responses too: nginx's add_header … always, or the error handler registered inside the CORS middleware."})
	}
	for _, r := range []Response{signed, anon} {
		if w := writersOf(r, headerAllowOrigin); len(w) > 1 {
			out = append(out, Finding{ID: "LAYER-004", Severity: SeverityError,
				Title:  "Access-Control-Allow-Origin is sent twice",
				Detail: fmt.Sprintf("%s each write Access-Control-Allow-Origin, and a browser refuses an answer with two: \"contains multiple values\", even when both say the same origin.", upperFirst(andList(w))),
				Fix:    "Let one layer answer CORS: remove the proxy's CORS headers (or have it replace the application's, proxy_hide_header then add_header) or the application's."})
			break
		}
	}
	if strings.HasSuffix(anon.statusBy, "(cache)") {
		if acao, ok := anon.Headers.Get(headerAllowOrigin); ok && acao != page && acao != "*" {
			out = append(out, Finding{ID: "LAYER-005", Severity: SeverityError,
				Title:  "The cache serves one origin's answer to another",
				Detail: fmt.Sprintf("%s holds the answer the server gave to another page, with Access-Control-Allow-Origin: %s, and serves it to %s, which the browser then refuses. It happens when the answer names the origin but does not say Vary: Origin, or the cache ignores Vary.", strings.TrimSuffix(anon.statusBy, " (cache)"), acao, page),
				Fix:    "Send Vary: Origin with every answer whose CORS headers depend on the Origin, and let the cache key on it (or answer * for public data)."})
		}
	}
	return out
}

// writersOf lists who wrote the lines named name, each once.
func writersOf(r Response, name string) []string {
	var w []string
	for i, h := range r.Headers {
		if strings.EqualFold(h.Name, name) && i < len(r.by) && !slices.Contains(w, r.by[i]) {
			w = append(w, r.by[i])
		}
	}
	return w
}
