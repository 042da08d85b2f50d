package engine_test

import (
	"testing"

	"corsplay/engine"
)

// Shared fixtures of the black-box tests.
const (
	pageOrigin = "https://app.example.com"
	apiURL     = "https://api.example.com/items"
	acao       = "Access-Control-Allow-Origin"
	acac       = "Access-Control-Allow-Credentials"
	acam       = "Access-Control-Allow-Methods"
	acah       = "Access-Control-Allow-Headers"
	aceh       = "Access-Control-Expose-Headers"
	acma       = "Access-Control-Max-Age"
)

// hdr is one header line.
func hdr(name, value string) engine.Header {
	return engine.Header{Name: name, Value: value}
}

// hdrs builds a header list from name, value pairs.
func hdrs(kv ...string) engine.Headers {
	if len(kv)%2 != 0 {
		panic("hdrs: odd number of arguments")
	}
	var hs engine.Headers
	for i := 0; i < len(kv); i += 2 {
		hs = append(hs, hdr(kv[i], kv[i+1]))
	}
	return hs
}

// resp is a response with a status and name, value header pairs.
func resp(status int, kv ...string) *engine.Response {
	hs := hdrs(kv...)
	if hs == nil {
		hs = engine.Headers{}
	}
	return &engine.Response{Status: status, Headers: hs}
}

// rawServer answers the preflight and the actual request as given (nil: the
// defaults, 404 and 200 without headers).
func rawServer(preflight, actual *engine.Response) engine.Server {
	return engine.Server{Raw: &engine.RawServer{Preflight: preflight, Actual: actual}}
}

func strp(s string) *string { return &s }

// mustOrigin parses a serialized origin or fails the test.
func mustOrigin(t testing.TB, s string) engine.Origin {
	t.Helper()
	o, err := engine.ParseOrigin(s)
	if err != nil {
		t.Fatalf("ParseOrigin(%q): %v", s, err)
	}
	return o
}
