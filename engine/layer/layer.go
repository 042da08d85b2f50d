// Package layer is what stands in front of a CORS middleware on the way to
// a real API: an authentication layer, the error pages of a framework or a
// web server, and a proxy or CDN that rewrites and caches answers. Each
// layer wraps the handler behind it (Wrap), and every answer says which
// layer wrote its status and each of its header lines, so that a reader
// sees where a header they did not expect came from.
package layer

import (
	"slices"
	"strings"

	"corsplay/engine/message"
)

// Response is an answer with who wrote it: By names the writer of each
// header line (in order), StatusBy the status's.
type Response struct {
	message.Response
	By       []string
	StatusBy string
}

// Handler answers one request.
type Handler func(message.Request) Response

// Written is resp with every line and the status written by name.
func Written(resp message.Response, name string) Response {
	by := make([]string, len(resp.Headers))
	for i := range by {
		by[i] = name
	}
	return Response{Response: resp, By: by, StatusBy: name}
}

// Add appends a line written by name.
func (r *Response) Add(h message.Header, name string) {
	r.Headers = append(slices.Clip(r.Headers), h)
	r.By = append(slices.Clip(r.By), name)
}

// without returns r without the lines named name.
func (r Response) without(name string) Response {
	out := Response{Response: message.Response{Status: r.Status}, StatusBy: r.StatusBy}
	for i, h := range r.Headers {
		if !strings.EqualFold(h.Name, name) {
			out.Headers = append(out.Headers, h)
			out.By = append(out.By, r.By[i])
		}
	}
	return out
}

// IsPreflight: OPTIONS with Origin and Access-Control-Request-Method.
// https://fetch.spec.whatwg.org/#cors-preflight-request
func IsPreflight(req message.Request) bool {
	return req.Method == "OPTIONS" && req.Headers.Has("Origin") && req.Headers.Has("Access-Control-Request-Method")
}

// IsCORSLine: a line a CORS middleware writes.
func IsCORSLine(name string) bool {
	n := strings.ToLower(name)
	return strings.HasPrefix(n, "access-control-") || n == "vary"
}
