package engine

import (
	"fmt"
	"net/url"
)

// redirectFindings are the traps of the redirects the request met: a
// redirect that only respells the URL (each one must pass the CORS check
// and costs a round trip), and one that makes the Origin null.
func redirectFindings(out Outcome) []Finding {
	var fs []Finding
	seen := map[string]bool{}
	add := func(f Finding) {
		if !seen[f.ID] {
			seen[f.ID] = true
			fs = append(fs, f)
		}
	}
	for i, h := range out.Hops {
		loc, ok := h.Response.Headers.Get("Location")
		if h.Preflight || !ok || !IsRedirectStatus(h.Response.Status) || i+1 >= len(out.Hops) {
			continue
		}
		from, err1 := url.Parse(h.Request.URL)
		next := out.Hops[i+1]
		to, err2 := url.Parse(next.Request.URL)
		if err1 != nil || err2 != nil {
			continue
		}
		if sameResource(from, to) {
			add(Finding{ID: "REDIRECT-001", Severity: SeverityWarning,
				Title:  "The API redirects to the same resource",
				Detail: fmt.Sprintf("%s answers %d with Location: %s, which %s. Every redirect is one more answer that must pass the CORS check, a preflight is never redirected at all, and a redirect from one origin to another makes the Origin null.", from, h.Response.Status, loc, redirectCause(from, to)),
				Fix:    "Call " + to.String() + " in the page, and keep the redirect for browsers that type the old address."})
		}
		sent, _ := next.Request.Headers.Get("Origin")
		before, _ := h.Request.Headers.Get("Origin")
		if sent == "null" && before != "null" {
			add(Finding{ID: "REDIRECT-002", Severity: SeverityWarning,
				Title:  "A redirect makes the Origin null",
				Detail: fmt.Sprintf("%s, another origin than the page's, sends the request on to %s, yet another origin: the browser then sends Origin: null, and that server must allow null, which no server should (any page can take on the null origin).", OriginOf(from), OriginOf(to)),
				Fix:    "Call the final URL from the page, or make the first server answer itself (for an expired session, 401 rather than a redirect to the login page)."})
		}
	}
	return fs
}
