package rscors

import (
	"errors"
	"strings"
	"testing"

	"corsplay/engine/server"
	"corsplay/engine/server/emutest"
)

const (
	rsVaryPreflight = "Vary: Origin, Access-Control-Request-Method, Access-Control-Request-Headers"
	rsVaryActual    = "Vary: Origin"
)

// rs/cors v1.11.1, quirk by quirk (server-libraries.md §2.2, checked
// against the library by libtest).
func TestRSCorsQuirks(t *testing.T) {
	sub := `{"AllowedOrigins": ["https://*.example.com"], "AllowedMethods": ["GET", "PUT"], "AllowCredentials": true}`
	emutest.Run(t, Name, []emutest.Case{
		// Origins.
		{Name: "default: every origin, ACAO *", Options: `{}`,
			Req: emutest.Req("GET", "Origin", "https://evil.net"), Status: 200,
			Headers: []string{rsVaryActual, "Access-Control-Allow-Origin: *"}},
		{Name: "empty list is every origin", Options: `{"AllowedOrigins": []}`,
			Req: emutest.Req("GET", "Origin", "https://evil.net"), Status: 200,
			Headers: []string{rsVaryActual, "Access-Control-Allow-Origin: *"}},
		{Name: "* anywhere makes the whole list match-all", Options: `{"AllowedOrigins": ["https://a.net", "*"]}`,
			Req: emutest.Req("GET", "Origin", "https://evil.net"), Status: 200,
			Headers: []string{rsVaryActual, "Access-Control-Allow-Origin: *"}},
		{Name: "* with credentials: ACAO * and ACAC true (broken for the browser)", Options: `{"AllowedOrigins": ["*"], "AllowCredentials": true}`,
			Req: emutest.Req("GET", "Origin", "https://evil.net"), Status: 200,
			Headers: []string{rsVaryActual, "Access-Control-Allow-Origin: *", "Access-Control-Allow-Credentials: true"}},
		{Name: "exact origin echoed", Options: `{"AllowedOrigins": ["https://app.example.com"]}`,
			Req: emutest.Req("GET", "Origin", "https://app.example.com"), Status: 200,
			Headers: []string{rsVaryActual, "Access-Control-Allow-Origin: https://app.example.com"}},
		{Name: "lowercased on both sides, echoed as sent", Options: `{"AllowedOrigins": ["HTTPS://App.Example.com"]}`,
			Req: emutest.Req("GET", "Origin", "https://APP.example.COM"), Status: 200,
			Headers: []string{rsVaryActual, "Access-Control-Allow-Origin: https://APP.example.COM"}},
		{Name: "http downgrade refused: Vary only", Options: `{"AllowedOrigins": ["https://app.example.com"]}`,
			Req: emutest.Req("GET", "Origin", "http://app.example.com"), Status: 200, Headers: []string{rsVaryActual}},
		{Name: "null allowed when listed", Options: `{"AllowedOrigins": ["null"]}`,
			Req: emutest.Req("GET", "Origin", "null"), Status: 200,
			Headers: []string{rsVaryActual, "Access-Control-Allow-Origin: null"}},
		{Name: "wildcard: a subdomain", Options: sub,
			Req: emutest.Req("GET", "Origin", "https://app.example.com"), Status: 200,
			Headers: []string{rsVaryActual, "Access-Control-Allow-Origin: https://app.example.com", "Access-Control-Allow-Credentials: true"}},
		{Name: "wildcard spans dots", Options: sub,
			Req: emutest.Req("GET", "Origin", "https://a.b.example.com"), Status: 200,
			Headers: []string{rsVaryActual, "Access-Control-Allow-Origin: https://a.b.example.com", "Access-Control-Allow-Credentials: true"}},
		{Name: "wildcard: not the apex", Options: sub,
			Req: emutest.Req("GET", "Origin", "https://example.com"), Status: 200, Headers: []string{rsVaryActual}},
		{Name: "wildcard: lookalike suffix refused", Options: sub,
			Req: emutest.Req("GET", "Origin", "https://app.example.com.evil.net"), Status: 200, Headers: []string{rsVaryActual}},
		{Name: "wildcard: any port? no, the suffix must match", Options: sub,
			Req: emutest.Req("GET", "Origin", "https://app.example.com:8443"), Status: 200, Headers: []string{rsVaryActual}},
		{Name: "example.* matches any TLD, even example.evil.net", Options: `{"AllowedOrigins": ["https://example.*"]}`,
			Req: emutest.Req("GET", "Origin", "https://example.evil.net"), Status: 200,
			Headers: []string{rsVaryActual, "Access-Control-Allow-Origin: https://example.evil.net"}},
		{Name: "*example.com matches evilexample.com", Options: `{"AllowedOrigins": ["https://*example.com"]}`,
			Req: emutest.Req("GET", "Origin", "https://evilexample.com"), Status: 200,
			Headers: []string{rsVaryActual, "Access-Control-Allow-Origin: https://evilexample.com"}},
		{Name: "h* with credentials reflects nearly anything (issue 197)", Options: `{"AllowedOrigins": ["h*"], "AllowCredentials": true}`,
			Req: emutest.Req("GET", "Origin", "https://attacker.net"), Status: 200,
			Headers: []string{rsVaryActual, "Access-Control-Allow-Origin: https://attacker.net", "Access-Control-Allow-Credentials: true"}},
		{Name: "only the first * is a wildcard", Options: `{"AllowedOrigins": ["https://*.*.example.com"]}`,
			Req: emutest.Req("GET", "Origin", "https://a.b.example.com"), Status: 200, Headers: []string{rsVaryActual}},
		{Name: "no Origin: Vary only", Options: `{}`, Req: emutest.Req("GET"), Status: 200, Headers: []string{rsVaryActual}},
		{Name: "empty Origin: Vary only", Options: `{}`, Req: emutest.Req("GET", "Origin", ""), Status: 200, Headers: []string{rsVaryActual}},
		{Name: "two Origin lines: the first decides, ACAO repeats both", Options: `{"AllowedOrigins": ["https://a.net"]}`,
			Req: emutest.Req("GET", "Origin", "https://a.net", "Origin", "https://b.net"), Status: 200,
			Headers: []string{rsVaryActual, "Access-Control-Allow-Origin: https://a.net", "Access-Control-Allow-Origin: https://b.net"}},

		// Methods, also enforced on actual requests.
		{Name: "actual request with a disallowed method: no CORS header", Options: sub,
			Req: emutest.Req("DELETE", "Origin", "https://app.example.com"), Status: 200, Headers: []string{rsVaryActual}},
		{Name: "default methods: PUT refused on an actual request", Options: `{}`,
			Req: emutest.Req("PUT", "Origin", "https://a.net"), Status: 200, Headers: []string{rsVaryActual}},
		{Name: "OPTIONS always allowed as an actual method", Options: `{"AllowedMethods": ["PUT"]}`,
			Req: emutest.Req("OPTIONS", "Origin", "https://a.net"), Status: 200,
			Headers: []string{rsVaryActual, "Access-Control-Allow-Origin: *"}},
		{Name: "methods are case-sensitive", Options: `{"AllowedMethods": ["put"]}`,
			Req: emutest.Req("OPTIONS", "Origin", "https://a.net", "Access-Control-Request-Method", "PUT"), Status: 204,
			Headers: []string{rsVaryPreflight}},
		{Name: "* is no wildcard for methods", Options: `{"AllowedMethods": ["*"]}`,
			Req: emutest.Req("OPTIONS", "Origin", "https://a.net", "Access-Control-Request-Method", "PUT"), Status: 204,
			Headers: []string{rsVaryPreflight}},

		// Preflights.
		{Name: "preflight: ACAM is the requested method only", Options: sub,
			Req: emutest.Req("OPTIONS", "Origin", "https://app.example.com", "Access-Control-Request-Method", "PUT"), Status: 204,
			Headers: []string{rsVaryPreflight, "Access-Control-Allow-Origin: https://app.example.com",
				"Access-Control-Allow-Methods: PUT", "Access-Control-Allow-Credentials: true"}},
		{Name: "preflight: disallowed origin, 204 with Vary only", Options: sub,
			Req: emutest.Req("OPTIONS", "Origin", "https://evil.net", "Access-Control-Request-Method", "PUT"), Status: 204,
			Headers: []string{rsVaryPreflight}},
		{Name: "preflight: disallowed method, 204 with Vary only", Options: sub,
			Req: emutest.Req("OPTIONS", "Origin", "https://app.example.com", "Access-Control-Request-Method", "DELETE"), Status: 204,
			Headers: []string{rsVaryPreflight}},
		{Name: "preflight: one disallowed header aborts it all", Options: sub,
			Req: emutest.Req("OPTIONS", "Origin", "https://app.example.com", "Access-Control-Request-Method", "PUT", "Access-Control-Request-Headers", "content-type,x-custom"), Status: 204,
			Headers: []string{rsVaryPreflight}},
		{Name: "preflight: default headers, ACRH echoed", Options: sub,
			Req: emutest.Req("OPTIONS", "Origin", "https://app.example.com", "Access-Control-Request-Method", "PUT", "Access-Control-Request-Headers", "accept,content-type,x-requested-with"), Status: 204,
			Headers: []string{rsVaryPreflight, "Access-Control-Allow-Origin: https://app.example.com", "Access-Control-Allow-Methods: PUT",
				"Access-Control-Allow-Headers: accept,content-type,x-requested-with", "Access-Control-Allow-Credentials: true"}},
		{Name: "preflight: headers * echoes anything, Authorization included", Options: `{"AllowedHeaders": ["*"]}`,
			Req: emutest.Req("OPTIONS", "Origin", "https://a.net", "Access-Control-Request-Method", "GET", "Access-Control-Request-Headers", "authorization,x-anything"), Status: 204,
			Headers: []string{rsVaryPreflight, "Access-Control-Allow-Origin: *", "Access-Control-Allow-Methods: GET",
				"Access-Control-Allow-Headers: authorization,x-anything"}},
		{Name: "preflight: configured headers lowercased", Options: `{"AllowedHeaders": ["X-Custom"]}`,
			Req: emutest.Req("OPTIONS", "Origin", "https://a.net", "Access-Control-Request-Method", "GET", "Access-Control-Request-Headers", "x-custom"), Status: 204,
			Headers: []string{rsVaryPreflight, "Access-Control-Allow-Origin: *", "Access-Control-Allow-Methods: GET", "Access-Control-Allow-Headers: x-custom"}},
		{Name: "preflight: ACRH must be lowercase", Options: `{"AllowedHeaders": ["X-Custom"]}`,
			Req: emutest.Req("OPTIONS", "Origin", "https://a.net", "Access-Control-Request-Method", "GET", "Access-Control-Request-Headers", "X-Custom"), Status: 204,
			Headers: []string{rsVaryPreflight}},
		{Name: "preflight: ACRH must be sorted", Options: `{"AllowedHeaders": ["a", "b"]}`,
			Req: emutest.Req("OPTIONS", "Origin", "https://a.net", "Access-Control-Request-Method", "GET", "Access-Control-Request-Headers", "b,a"), Status: 204,
			Headers: []string{rsVaryPreflight}},
		{Name: "preflight: one OWS byte tolerated", Options: `{"AllowedHeaders": ["a", "b"]}`,
			Req: emutest.Req("OPTIONS", "Origin", "https://a.net", "Access-Control-Request-Method", "GET", "Access-Control-Request-Headers", " a, b"), Status: 204,
			Headers: []string{rsVaryPreflight, "Access-Control-Allow-Origin: *", "Access-Control-Allow-Methods: GET", "Access-Control-Allow-Headers:  a, b"}},
		{Name: "preflight: two OWS bytes refused", Options: `{"AllowedHeaders": ["a", "b"]}`,
			Req: emutest.Req("OPTIONS", "Origin", "https://a.net", "Access-Control-Request-Method", "GET", "Access-Control-Request-Headers", "a,  b"), Status: 204,
			Headers: []string{rsVaryPreflight}},
		{Name: "preflight: ACRH over two lines, echoed as two lines", Options: `{"AllowedHeaders": ["a", "b"]}`,
			Req: emutest.Req("OPTIONS", "Origin", "https://a.net", "Access-Control-Request-Method", "GET", "Access-Control-Request-Headers", "a", "Access-Control-Request-Headers", "b"), Status: 204,
			Headers: []string{rsVaryPreflight, "Access-Control-Allow-Origin: *", "Access-Control-Allow-Methods: GET",
				"Access-Control-Allow-Headers: a", "Access-Control-Allow-Headers: b"}},
		{Name: "preflight: empty ACRH not echoed", Options: `{}`,
			Req: emutest.Req("OPTIONS", "Origin", "https://a.net", "Access-Control-Request-Method", "GET", "Access-Control-Request-Headers", ""), Status: 204,
			Headers: []string{rsVaryPreflight, "Access-Control-Allow-Origin: *", "Access-Control-Allow-Methods: GET"}},
		{Name: "preflight without Origin: aborted", Options: `{}`,
			Req: emutest.Req("OPTIONS", "Access-Control-Request-Method", "GET"), Status: 204, Headers: []string{rsVaryPreflight}},
		{Name: "OPTIONS with an empty ACRM is an actual request", Options: `{}`,
			Req: emutest.Req("OPTIONS", "Origin", "https://a.net", "Access-Control-Request-Method", ""), Status: 200,
			Headers: []string{rsVaryActual, "Access-Control-Allow-Origin: *"}},
		{Name: "ExposedHeaders canonicalized, joined with comma-space", Options: `{"ExposedHeaders": ["x-total-count", "etag", "x_odd name"]}`,
			Req: emutest.Req("GET", "Origin", "https://a.net"), Status: 200,
			Headers: []string{rsVaryActual, "Access-Control-Allow-Origin: *", "Access-Control-Expose-Headers: X-Total-Count, Etag, x_odd name"}},
		{Name: "ExposedHeaders not on preflights", Options: `{"ExposedHeaders": ["x-total-count"]}`,
			Req: emutest.Req("OPTIONS", "Origin", "https://a.net", "Access-Control-Request-Method", "GET"), Status: 204,
			Headers: []string{rsVaryPreflight, "Access-Control-Allow-Origin: *", "Access-Control-Allow-Methods: GET"}},
		{Name: "MaxAge sent as is, no cap", Options: `{"MaxAge": 10000000}`,
			Req: emutest.Req("OPTIONS", "Origin", "https://a.net", "Access-Control-Request-Method", "GET"), Status: 204,
			Headers: []string{rsVaryPreflight, "Access-Control-Allow-Origin: *", "Access-Control-Allow-Methods: GET", "Access-Control-Max-Age: 10000000"}},
		{Name: "MaxAge negative sends 0", Options: `{"MaxAge": -1}`,
			Req: emutest.Req("OPTIONS", "Origin", "https://a.net", "Access-Control-Request-Method", "GET"), Status: 204,
			Headers: []string{rsVaryPreflight, "Access-Control-Allow-Origin: *", "Access-Control-Allow-Methods: GET", "Access-Control-Max-Age: 0"}},
		{Name: "private network: ACAPN when asked, Vary grows", Options: `{"AllowPrivateNetwork": true}`,
			Req: emutest.Req("OPTIONS", "Origin", "https://a.net", "Access-Control-Request-Method", "GET", "Access-Control-Request-Private-Network", "true"), Status: 204,
			Headers: []string{"Vary: Origin, Access-Control-Request-Method, Access-Control-Request-Headers, Access-Control-Request-Private-Network",
				"Access-Control-Allow-Origin: *", "Access-Control-Allow-Methods: GET", "Access-Control-Allow-Private-Network: true"}},
		{Name: "OptionsSuccessStatus", Options: `{"OptionsSuccessStatus": 200}`,
			Req: emutest.Req("OPTIONS", "Origin", "https://a.net", "Access-Control-Request-Method", "GET"), Status: 200,
			Headers: []string{rsVaryPreflight, "Access-Control-Allow-Origin: *", "Access-Control-Allow-Methods: GET"}},
		{Name: "OptionsPassthrough: the next handler answers 200", Options: `{"OptionsPassthrough": true, "OptionsSuccessStatus": 204}`,
			Req: emutest.Req("OPTIONS", "Origin", "https://a.net", "Access-Control-Request-Method", "GET"), Status: 200,
			Headers: []string{rsVaryPreflight, "Access-Control-Allow-Origin: *", "Access-Control-Allow-Methods: GET"}},
		{Name: "Debug changes nothing", Options: `{"Debug": true}`,
			Req: emutest.Req("GET", "Origin", "https://a.net"), Status: 200,
			Headers: []string{rsVaryActual, "Access-Control-Allow-Origin: *"}},
	})
}

// Options a Go program could not write are refused with an OptionError
// at the option's path.
func TestRSCorsOptionErrors(t *testing.T) {
	for _, c := range []struct{ options, path, contains string }{
		{`{"AllowOriginFunc": null}`, "AllowOriginFunc", "func(origin string) bool"},
		{`{"AllowOriginVaryRequestFunc": true}`, "AllowOriginVaryRequestFunc", "JSON cannot express it"},
		{`{"Logger": {}}`, "Logger", "cors.Logger"},
		{`{"allowedOrigins": ["*"]}`, "allowedOrigins", "did you mean AllowedOrigins?"},
		{`{"Origins": ["*"]}`, "Origins", "cors.Options has no field Origins"},
		{`{"AllowedOrigins": "https://a.net"}`, "AllowedOrigins", `"https://a.net" is not the right type: want an array, got a string`},
		{`{"AllowedOrigins": ["a", 5]}`, "AllowedOrigins[1]", "want a string, got a number"},
		{`{"MaxAge": 1.5}`, "MaxAge", "want a whole number, got 1.5"},
		{`{"MaxAge": 99999999999999999999}`, "MaxAge", "out of range"},
		{`{"AllowCredentials": null}`, "AllowCredentials", "want true or false, got null"},
		{`{"AllowCredentials": 1}`, "AllowCredentials", "want true or false, got a number"},
		{`{"AllowedOrigins": [null]}`, "AllowedOrigins[0]", "[null] is not the right type: want a string, got null"},
		{`{"MaxAge": null}`, "MaxAge", "want a number, got null"},
		{`{"OptionsSuccessStatus": 99}`, "OptionsSuccessStatus", "200 to 599"},
	} {
		_, err := emutest.New(t, Name, c.options)
		var oe *server.OptionError
		if !errors.As(err, &oe) || oe.Path != c.path || !strings.Contains(oe.Problem, c.contains) {
			t.Errorf("%s: got %v, want an OptionError at %s containing %q", c.options, err, c.path, c.contains)
		}
	}
}
