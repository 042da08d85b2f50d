package app

import (
	"fmt"
	"net/url"
	"strings"

	"corsplay/engine"
	"corsplay/engine/console"
)

// rawRequest writes a request as HTTP/1.1 text, with the Host line the
// browser adds.
func rawRequest(r engine.HTTPRequest) string {
	var b strings.Builder
	target, host := r.URL, ""
	if u, err := url.Parse(r.URL); err == nil {
		target, host = u.RequestURI(), u.Host
	}
	fmt.Fprintf(&b, "%s %s HTTP/1.1\n", r.Method, target)
	if host != "" {
		fmt.Fprintf(&b, "Host: %s\n", host)
	}
	for _, h := range r.Headers {
		fmt.Fprintf(&b, "%s: %s\n", h.Name, h.Value)
	}
	return b.String()
}

// rawResponse writes a response as HTTP/1.1 text.
func rawResponse(r engine.Response) string { return rawAnswer(r, engine.Hop{}) }

// rawAnswer writes a hop's response as HTTP/1.1 text, each line a layer in
// front of the server wrote (or the status, when a layer answered) marked
// with its name.
func rawAnswer(r engine.Response, h engine.Hop) string {
	var b strings.Builder
	fmt.Fprintf(&b, "HTTP/1.1 %d %s%s\n", r.Status, console.ReasonPhrase(r.Status), byLayer(h.StatusBy))
	for i, l := range r.Headers {
		by := ""
		if i < len(h.By) {
			by = byLayer(h.By[i])
		}
		fmt.Fprintf(&b, "%s: %s%s\n", l.Name, l.Value, by)
	}
	return b.String()
}

// byLayer marks what a layer wrote: "   ← nginx"; nothing for the server.
func byLayer(name string) string {
	if name == "" || name == engine.ByServer {
		return ""
	}
	return "   ← " + name
}

// answeredBy is the layer that answered a hop instead of the server, "" when
// the server did.
func answeredBy(h engine.Hop) string {
	if h.StatusBy == engine.ByServer {
		return ""
	}
	return h.StatusBy
}
