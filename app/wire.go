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
func rawResponse(r engine.Response) string {
	var b strings.Builder
	fmt.Fprintf(&b, "HTTP/1.1 %d %s\n", r.Status, console.ReasonPhrase(r.Status))
	for _, h := range r.Headers {
		fmt.Fprintf(&b, "%s: %s\n", h.Name, h.Value)
	}
	return b.String()
}
