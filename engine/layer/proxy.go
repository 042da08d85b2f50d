package layer

import (
	"fmt"
	"strings"

	"corsplay/engine/message"
)

// Proxy is a reverse proxy or CDN in front of the application: it strips,
// replaces and adds response header lines (nginx's add_header and
// proxy_hide_header, a CDN's response-header rules), and may serve a cached
// answer.
type Proxy struct {
	// Remove strips every line with one of these names.
	Remove []string `json:"remove,omitempty"`
	// Set replaces every line with the name by this one (or adds it).
	Set message.Headers `json:"set,omitempty"`
	// Add appends these lines, whatever is there: a name the application
	// also sends is then sent twice.
	Add message.Headers `json:"add,omitempty"`
	// Cache, when set, holds an earlier answer for the same URL.
	Cache *Cache `json:"cache,omitempty"`
}

// Cache is a shared cache that already holds the answer the server gave to
// a GET of the same URL from another page: it serves that answer again,
// unless the answer said Vary: Origin (or *) and the cache honours Vary,
// which keys the entry by the Origin too.
// https://httpwg.org/specs/rfc9111.html#caching.negotiated.responses
type Cache struct {
	// PrimedBy is the Origin of the request the held answer was for: a
	// serialized origin, "null", or "" for a request without Origin (a
	// navigation, curl).
	PrimedBy string `json:"primedBy"`
	// IgnoresVary keys the entry by the URL alone, as some CDNs do.
	IgnoresVary bool `json:"ignoresVary,omitempty"`
}

// Validate checks p's fields; field is its path in the scenario.
func (p Proxy) Validate() (field, problem string) {
	for _, l := range []struct {
		field string
		n     int
	}{{"remove", len(p.Remove)}, {"set", len(p.Set)}, {"add", len(p.Add)}} {
		if l.n > 100 {
			return l.field, fmt.Sprintf("%d headers, at most 100", l.n)
		}
	}
	return "", ""
}

// Wrap puts p, named name, in front of next.
func (p Proxy) Wrap(name string, next Handler) Handler {
	return func(req message.Request) Response {
		var resp Response
		if held, ok := p.held(req, next); ok {
			resp = held
			resp.StatusBy = name + " (cache)"
			for i := range resp.By {
				resp.By[i] = name + " (cache)"
			}
		} else {
			resp = next(req)
		}
		return p.rewrite(resp, name)
	}
}

// held is the cached answer req gets, if any: the server's answer to the
// same request from Cache.PrimedBy, when the cache's key ignores the
// Origin.
func (p Proxy) held(req message.Request, next Handler) (Response, bool) {
	if p.Cache == nil || req.Method != "GET" && req.Method != "HEAD" {
		return Response{}, false
	}
	primer := message.Request{Method: "GET", URL: req.URL, Cookies: req.Cookies}
	for _, h := range req.Headers {
		if !strings.EqualFold(h.Name, "Origin") {
			primer.Headers = append(primer.Headers, h)
		}
	}
	if p.Cache.PrimedBy != "" {
		primer.Headers = append(primer.Headers, message.Header{Name: "Origin", Value: p.Cache.PrimedBy})
	}
	held := next(primer)
	if held.Status != 200 {
		return Response{}, false
	}
	origin, _ := req.Headers.Get("Origin")
	if origin != p.Cache.PrimedBy && !p.Cache.IgnoresVary && variesByOrigin(held.Headers) {
		return Response{}, false
	}
	held.Headers = append(message.Headers(nil), held.Headers...)
	held.By = append([]string(nil), held.By...)
	return held, true
}

// variesByOrigin: the answer's Vary names Origin, or is *.
func variesByOrigin(hs message.Headers) bool {
	for _, v := range hs.Values("Vary") {
		for f := range strings.SplitSeq(v, ",") {
			if f = strings.TrimSpace(f); f == "*" || strings.EqualFold(f, "Origin") {
				return true
			}
		}
	}
	return false
}

// rewrite applies Remove, Set and Add to resp.
func (p Proxy) rewrite(resp Response, name string) Response {
	for _, n := range p.Remove {
		resp = resp.without(n)
	}
	for _, h := range p.Set {
		resp = resp.without(h.Name)
		resp.Add(h, name)
	}
	for _, h := range p.Add {
		resp.Add(h, name)
	}
	return resp
}
