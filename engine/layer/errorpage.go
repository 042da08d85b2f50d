package layer

import (
	"fmt"
	"slices"

	"corsplay/engine/message"
)

// ErrorPage is a route that fails: the framework's or the web server's
// error handler answers Status (a 404 for a missing route, a 500 for a
// crash, a 413 for a body over the limit) instead of the handler behind it.
// Whether the answer carries the CORS headers depends on whether the CORS
// middleware wraps that error handler (Express's cors(), nginx's
// add_header … always) or not (nginx's add_header without always, which
// skips 4xx and 5xx; an error handler registered in front of the
// middleware).
type ErrorPage struct {
	Status int `json:"status"`
	// Methods are the requests it fails; empty fails every request but a
	// preflight (the CORS middleware answers those before any route runs).
	Methods []string `json:"methods,omitempty"`
	// CORS: the CORS middleware wraps the error handler, so the error
	// carries the CORS headers it would have sent.
	CORS bool `json:"cors,omitempty"`
}

// Validate checks e's fields; field is its path in the scenario.
func (e ErrorPage) Validate() (field, problem string) {
	if e.Status < 400 || e.Status > 599 {
		return "status", fmt.Sprintf("%d: an error page answers 400 to 599", e.Status)
	}
	if len(e.Methods) > 20 {
		return "methods", fmt.Sprintf("%d methods, at most 20", len(e.Methods))
	}
	return "", ""
}

// Fails reports whether e answers req instead of the handler behind it.
func (e ErrorPage) Fails(req message.Request) bool {
	if len(e.Methods) == 0 {
		return !IsPreflight(req)
	}
	return slices.Contains(e.Methods, req.Method)
}

// Wrap puts e, named name, in front of next.
func (e ErrorPage) Wrap(name string, next Handler) Handler {
	return func(req message.Request) Response {
		if !e.Fails(req) {
			return next(req)
		}
		out := Written(message.Response{Status: e.Status, Headers: message.Headers{{Name: "Content-Type", Value: "text/html; charset=utf-8"}}}, name)
		if e.CORS {
			// The middleware adds to the error what it adds to any answer.
			inner := next(req)
			for i, h := range inner.Headers {
				if IsCORSLine(h.Name) {
					out.Add(h, inner.By[i])
				}
			}
		}
		return out
	}
}
