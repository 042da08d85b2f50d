//go:build !wasm

package main

import (
	"errors"
	"fmt"
	"io"
	"net/url"
	"strings"

	"corsplay/engine"
)

// exchange is the input of respond: a server and one incoming request, both
// required.
type exchange struct {
	Server  *engine.Server      `json:"server"`
	Request *engine.HTTPRequest `json:"request"`
}

// answer is what the server answers, or the configuration error that keeps
// it from starting.
type answer struct {
	Status      int            `json:"status,omitempty"`
	Headers     engine.Headers `json:"headers,omitempty"`
	ConfigError string         `json:"configError,omitempty"`
}

// respond reads {"server": ..., "request": ...} or an array of them (see
// batch) and prints what each server answers to each request. It returns
// the exit code: 2 for invalid input.
func respond(args []string, stdin io.Reader, stdout, stderr io.Writer) int {
	return batch("respond", "exchanges", args, stdin, stdout, stderr, func(raw []byte) (any, error) {
		x, err := decodeExchange(raw)
		if err != nil {
			return nil, err
		}
		resp, err := x.Server.Respond(*x.Request)
		if ce, ok := errors.AsType[*engine.ConfigError](err); ok {
			return answer{ConfigError: ce.Message}, nil
		}
		if err != nil {
			return nil, err
		}
		return answer{Status: resp.Status, Headers: resp.Headers}, nil
	})
}

// decodeExchange reads one exchange as strictly as check reads a scenario
// (engine.Unmarshal: no unknown, repeated or miscased key, no trailing
// data) and validates it with the same rules: a server that validates, a
// token method, a request target without control characters, valid header
// lines.
func decodeExchange(raw []byte) (exchange, error) {
	var x exchange
	if err := engine.Unmarshal(raw, &x); err != nil {
		return x, err
	}
	if x.Server == nil {
		return x, &engine.FieldError{Field: "server", Problem: `missing: the server that answers, such as {"policy": {"origins": ["https://app.example.com"]}}, or {} for one without CORS support`}
	}
	if x.Request == nil {
		return x, &engine.FieldError{Field: "request", Problem: `missing: the request it answers, such as {"method": "GET", "url": "/r", "headers": [["Origin", "https://app.example.com"]]}`}
	}
	s := engine.Scenario{V: engine.Version, Page: "null", Request: engine.Request{URL: "https://example.com/"}, Server: *x.Server}
	if err := s.Validate(); err != nil {
		return x, err
	}
	r := x.Request
	if r.Method == "" {
		r.Method = "GET"
	}
	if !engine.IsToken(r.Method) {
		return x, &engine.FieldError{Field: "request.method", Problem: fmt.Sprintf("%q is not a valid HTTP method: a method is a token (letters, digits and !#$%%&'*+-.^_`|~, no spaces)", r.Method)}
	}
	if r.URL == "" {
		r.URL = "/"
	}
	if err := checkTarget(r.URL); err != nil {
		return x, &engine.FieldError{Field: "request.url", Problem: err.Error()}
	}
	if len(r.Headers) > engine.MaxHeaders {
		return x, &engine.FieldError{Field: "request.headers", Problem: fmt.Sprintf("%d headers, at most %d", len(r.Headers), engine.MaxHeaders)}
	}
	for i, h := range r.Headers {
		if !engine.IsToken(h.Name) || !engine.IsHeaderValue(h.Value) {
			return x, &engine.FieldError{Field: fmt.Sprintf("request.headers[%d]", i), Problem: fmt.Sprintf("%q is not a valid header line", h.Name+": "+h.Value)}
		}
	}
	return x, nil
}

// checkTarget accepts the target of a request line: a path ("/r?q=1") or
// an absolute http(s) URL, without control characters, which no request
// line can carry. https://httpwg.org/specs/rfc9112.html#request.target
func checkTarget(target string) error {
	if i := strings.IndexFunc(target, func(c rune) bool { return c < 0x20 || c == 0x7f }); i >= 0 {
		return fmt.Errorf("%q has a control character (%U) at byte %d: a request line cannot carry one", target, target[i], i)
	}
	u, err := url.Parse(target)
	if err != nil {
		return fmt.Errorf("%q is not a URL: %v", target, errors.Unwrap(err))
	}
	if !strings.HasPrefix(target, "/") && !(u.IsAbs() && u.Host != "" && (strings.EqualFold(u.Scheme, "http") || strings.EqualFold(u.Scheme, "https"))) {
		return fmt.Errorf("%q is neither a path starting with / nor an absolute http(s) URL", target)
	}
	return nil
}
