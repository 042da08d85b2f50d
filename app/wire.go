package app

import (
	"fmt"
	"net/url"
	"strings"

	"corsplay/engine"
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
	fmt.Fprintf(&b, "HTTP/1.1 %d %s\n", r.Status, reasons[r.Status])
	for _, h := range r.Headers {
		fmt.Fprintf(&b, "%s: %s\n", h.Name, h.Value)
	}
	return b.String()
}

// reasons are the reason phrases of the statuses CORS exchanges use; the
// page does without net/http (see tools/wasmoverlay).
var reasons = map[int]string{
	200: "OK", 201: "Created", 202: "Accepted", 204: "No Content", 206: "Partial Content",
	301: "Moved Permanently", 302: "Found", 303: "See Other", 304: "Not Modified",
	307: "Temporary Redirect", 308: "Permanent Redirect", 400: "Bad Request", 401: "Unauthorized",
	403: "Forbidden", 404: "Not Found", 405: "Method Not Allowed", 500: "Internal Server Error",
	502: "Bad Gateway", 503: "Service Unavailable",
}
