package rscors

import (
	"encoding/json"
	"errors"
	"slices"
	"strings"
	"testing"

	"corsplay/engine/message"
	"corsplay/engine/server"
)

// goLibCase is one configuration × request, with the status and CORS
// headers (Access-Control-* and Vary, "Name: value") rs/cors answers.
type goLibCase struct {
	name    string
	options string // the JSON options object
	req     message.Request
	status  int
	headers []string
}

// goReq is a request with header name, value pairs.
func goReq(method string, kv ...string) message.Request {
	req := message.Request{Method: method, URL: "/items"}
	for i := 0; i+1 < len(kv); i += 2 {
		req.Headers = append(req.Headers, message.Header{Name: kv[i], Value: kv[i+1]})
	}
	return req
}

// goCORSLines lists the CORS headers of hs as "Name: value", sorted by
// name (case-insensitively), in line order within a name.
func goCORSLines(hs message.Headers) []string {
	var out []string
	for _, h := range hs {
		n := strings.ToLower(h.Name)
		if n == "vary" || strings.HasPrefix(n, "access-control-") {
			out = append(out, h.Name+": "+h.Value)
		}
	}
	return goSortLines(out)
}

func goSortLines(lines []string) []string {
	out := slices.Clone(lines)
	slices.SortStableFunc(out, func(a, b string) int {
		na, _, _ := strings.Cut(a, ":")
		nb, _, _ := strings.Cut(b, ":")
		return strings.Compare(strings.ToLower(na), strings.ToLower(nb))
	})
	return out
}

// newFromJSON configures the registered library with a JSON options object.
func newFromJSON(t *testing.T, options string) (server.Emulation, error) {
	t.Helper()
	var opts map[string]json.RawMessage
	if err := json.Unmarshal([]byte(options), &opts); err != nil {
		t.Fatalf("options: %v", err)
	}
	l, ok := server.Lookup(Name, "")
	if !ok {
		t.Fatal(Name + " is not registered")
	}
	return l.New(opts)
}

func runGoLibCases(t *testing.T, cases []goLibCase) {
	t.Helper()
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			em, err := newFromJSON(t, c.options)
			if err != nil {
				t.Fatal(err)
			}
			resp := em.Respond(c.req)
			if resp.Status != c.status {
				t.Errorf("status %d, want %d", resp.Status, c.status)
			}
			if got, want := goCORSLines(resp.Headers), goSortLines(c.headers); !slices.Equal(got, want) {
				t.Errorf("CORS headers\n got  %q\n want %q", got, want)
			}
		})
	}
}

const (
	rsVaryPreflight = "Vary: Origin, Access-Control-Request-Method, Access-Control-Request-Headers"
	rsVaryActual    = "Vary: Origin"
)

// rs/cors v1.11.1, quirk by quirk (server-libraries.md §2.2, checked
// against the library by libtest).
func TestRSCorsQuirks(t *testing.T) {
	sub := `{"AllowedOrigins": ["https://*.example.com"], "AllowedMethods": ["GET", "PUT"], "AllowCredentials": true}`
	runGoLibCases(t, []goLibCase{
		// Origins.
		{name: "default: every origin, ACAO *", options: `{}`,
			req: goReq("GET", "Origin", "https://evil.net"), status: 200,
			headers: []string{rsVaryActual, "Access-Control-Allow-Origin: *"}},
		{name: "empty list is every origin", options: `{"AllowedOrigins": []}`,
			req: goReq("GET", "Origin", "https://evil.net"), status: 200,
			headers: []string{rsVaryActual, "Access-Control-Allow-Origin: *"}},
		{name: "* anywhere makes the whole list match-all", options: `{"AllowedOrigins": ["https://a.net", "*"]}`,
			req: goReq("GET", "Origin", "https://evil.net"), status: 200,
			headers: []string{rsVaryActual, "Access-Control-Allow-Origin: *"}},
		{name: "* with credentials: ACAO * and ACAC true (broken for the browser)", options: `{"AllowedOrigins": ["*"], "AllowCredentials": true}`,
			req: goReq("GET", "Origin", "https://evil.net"), status: 200,
			headers: []string{rsVaryActual, "Access-Control-Allow-Origin: *", "Access-Control-Allow-Credentials: true"}},
		{name: "exact origin echoed", options: `{"AllowedOrigins": ["https://app.example.com"]}`,
			req: goReq("GET", "Origin", "https://app.example.com"), status: 200,
			headers: []string{rsVaryActual, "Access-Control-Allow-Origin: https://app.example.com"}},
		{name: "lowercased on both sides, echoed as sent", options: `{"AllowedOrigins": ["HTTPS://App.Example.com"]}`,
			req: goReq("GET", "Origin", "https://APP.example.COM"), status: 200,
			headers: []string{rsVaryActual, "Access-Control-Allow-Origin: https://APP.example.COM"}},
		{name: "http downgrade refused: Vary only", options: `{"AllowedOrigins": ["https://app.example.com"]}`,
			req: goReq("GET", "Origin", "http://app.example.com"), status: 200, headers: []string{rsVaryActual}},
		{name: "null allowed when listed", options: `{"AllowedOrigins": ["null"]}`,
			req: goReq("GET", "Origin", "null"), status: 200,
			headers: []string{rsVaryActual, "Access-Control-Allow-Origin: null"}},
		{name: "wildcard: a subdomain", options: sub,
			req: goReq("GET", "Origin", "https://app.example.com"), status: 200,
			headers: []string{rsVaryActual, "Access-Control-Allow-Origin: https://app.example.com", "Access-Control-Allow-Credentials: true"}},
		{name: "wildcard spans dots", options: sub,
			req: goReq("GET", "Origin", "https://a.b.example.com"), status: 200,
			headers: []string{rsVaryActual, "Access-Control-Allow-Origin: https://a.b.example.com", "Access-Control-Allow-Credentials: true"}},
		{name: "wildcard: not the apex", options: sub,
			req: goReq("GET", "Origin", "https://example.com"), status: 200, headers: []string{rsVaryActual}},
		{name: "wildcard: lookalike suffix refused", options: sub,
			req: goReq("GET", "Origin", "https://app.example.com.evil.net"), status: 200, headers: []string{rsVaryActual}},
		{name: "wildcard: any port? no, the suffix must match", options: sub,
			req: goReq("GET", "Origin", "https://app.example.com:8443"), status: 200, headers: []string{rsVaryActual}},
		{name: "example.* matches any TLD, even example.evil.net", options: `{"AllowedOrigins": ["https://example.*"]}`,
			req: goReq("GET", "Origin", "https://example.evil.net"), status: 200,
			headers: []string{rsVaryActual, "Access-Control-Allow-Origin: https://example.evil.net"}},
		{name: "*example.com matches evilexample.com", options: `{"AllowedOrigins": ["https://*example.com"]}`,
			req: goReq("GET", "Origin", "https://evilexample.com"), status: 200,
			headers: []string{rsVaryActual, "Access-Control-Allow-Origin: https://evilexample.com"}},
		{name: "h* with credentials reflects nearly anything (issue 197)", options: `{"AllowedOrigins": ["h*"], "AllowCredentials": true}`,
			req: goReq("GET", "Origin", "https://attacker.net"), status: 200,
			headers: []string{rsVaryActual, "Access-Control-Allow-Origin: https://attacker.net", "Access-Control-Allow-Credentials: true"}},
		{name: "only the first * is a wildcard", options: `{"AllowedOrigins": ["https://*.*.example.com"]}`,
			req: goReq("GET", "Origin", "https://a.b.example.com"), status: 200, headers: []string{rsVaryActual}},
		{name: "no Origin: Vary only", options: `{}`, req: goReq("GET"), status: 200, headers: []string{rsVaryActual}},
		{name: "empty Origin: Vary only", options: `{}`, req: goReq("GET", "Origin", ""), status: 200, headers: []string{rsVaryActual}},
		{name: "two Origin lines: the first decides, ACAO repeats both", options: `{"AllowedOrigins": ["https://a.net"]}`,
			req: goReq("GET", "Origin", "https://a.net", "Origin", "https://b.net"), status: 200,
			headers: []string{rsVaryActual, "Access-Control-Allow-Origin: https://a.net", "Access-Control-Allow-Origin: https://b.net"}},

		// Methods, also enforced on actual requests.
		{name: "actual request with a disallowed method: no CORS header", options: sub,
			req: goReq("DELETE", "Origin", "https://app.example.com"), status: 200, headers: []string{rsVaryActual}},
		{name: "default methods: PUT refused on an actual request", options: `{}`,
			req: goReq("PUT", "Origin", "https://a.net"), status: 200, headers: []string{rsVaryActual}},
		{name: "OPTIONS always allowed as an actual method", options: `{"AllowedMethods": ["PUT"]}`,
			req: goReq("OPTIONS", "Origin", "https://a.net"), status: 200,
			headers: []string{rsVaryActual, "Access-Control-Allow-Origin: *"}},
		{name: "methods are case-sensitive", options: `{"AllowedMethods": ["put"]}`,
			req: goReq("OPTIONS", "Origin", "https://a.net", "Access-Control-Request-Method", "PUT"), status: 204,
			headers: []string{rsVaryPreflight}},
		{name: "* is no wildcard for methods", options: `{"AllowedMethods": ["*"]}`,
			req: goReq("OPTIONS", "Origin", "https://a.net", "Access-Control-Request-Method", "PUT"), status: 204,
			headers: []string{rsVaryPreflight}},

		// Preflights.
		{name: "preflight: ACAM is the requested method only", options: sub,
			req: goReq("OPTIONS", "Origin", "https://app.example.com", "Access-Control-Request-Method", "PUT"), status: 204,
			headers: []string{rsVaryPreflight, "Access-Control-Allow-Origin: https://app.example.com",
				"Access-Control-Allow-Methods: PUT", "Access-Control-Allow-Credentials: true"}},
		{name: "preflight: disallowed origin, 204 with Vary only", options: sub,
			req: goReq("OPTIONS", "Origin", "https://evil.net", "Access-Control-Request-Method", "PUT"), status: 204,
			headers: []string{rsVaryPreflight}},
		{name: "preflight: disallowed method, 204 with Vary only", options: sub,
			req: goReq("OPTIONS", "Origin", "https://app.example.com", "Access-Control-Request-Method", "DELETE"), status: 204,
			headers: []string{rsVaryPreflight}},
		{name: "preflight: one disallowed header aborts it all", options: sub,
			req: goReq("OPTIONS", "Origin", "https://app.example.com", "Access-Control-Request-Method", "PUT", "Access-Control-Request-Headers", "content-type,x-custom"), status: 204,
			headers: []string{rsVaryPreflight}},
		{name: "preflight: default headers, ACRH echoed", options: sub,
			req: goReq("OPTIONS", "Origin", "https://app.example.com", "Access-Control-Request-Method", "PUT", "Access-Control-Request-Headers", "accept,content-type,x-requested-with"), status: 204,
			headers: []string{rsVaryPreflight, "Access-Control-Allow-Origin: https://app.example.com", "Access-Control-Allow-Methods: PUT",
				"Access-Control-Allow-Headers: accept,content-type,x-requested-with", "Access-Control-Allow-Credentials: true"}},
		{name: "preflight: headers * echoes anything, Authorization included", options: `{"AllowedHeaders": ["*"]}`,
			req: goReq("OPTIONS", "Origin", "https://a.net", "Access-Control-Request-Method", "GET", "Access-Control-Request-Headers", "authorization,x-anything"), status: 204,
			headers: []string{rsVaryPreflight, "Access-Control-Allow-Origin: *", "Access-Control-Allow-Methods: GET",
				"Access-Control-Allow-Headers: authorization,x-anything"}},
		{name: "preflight: configured headers lowercased", options: `{"AllowedHeaders": ["X-Custom"]}`,
			req: goReq("OPTIONS", "Origin", "https://a.net", "Access-Control-Request-Method", "GET", "Access-Control-Request-Headers", "x-custom"), status: 204,
			headers: []string{rsVaryPreflight, "Access-Control-Allow-Origin: *", "Access-Control-Allow-Methods: GET", "Access-Control-Allow-Headers: x-custom"}},
		{name: "preflight: ACRH must be lowercase", options: `{"AllowedHeaders": ["X-Custom"]}`,
			req: goReq("OPTIONS", "Origin", "https://a.net", "Access-Control-Request-Method", "GET", "Access-Control-Request-Headers", "X-Custom"), status: 204,
			headers: []string{rsVaryPreflight}},
		{name: "preflight: ACRH must be sorted", options: `{"AllowedHeaders": ["a", "b"]}`,
			req: goReq("OPTIONS", "Origin", "https://a.net", "Access-Control-Request-Method", "GET", "Access-Control-Request-Headers", "b,a"), status: 204,
			headers: []string{rsVaryPreflight}},
		{name: "preflight: one OWS byte tolerated", options: `{"AllowedHeaders": ["a", "b"]}`,
			req: goReq("OPTIONS", "Origin", "https://a.net", "Access-Control-Request-Method", "GET", "Access-Control-Request-Headers", " a, b"), status: 204,
			headers: []string{rsVaryPreflight, "Access-Control-Allow-Origin: *", "Access-Control-Allow-Methods: GET", "Access-Control-Allow-Headers:  a, b"}},
		{name: "preflight: two OWS bytes refused", options: `{"AllowedHeaders": ["a", "b"]}`,
			req: goReq("OPTIONS", "Origin", "https://a.net", "Access-Control-Request-Method", "GET", "Access-Control-Request-Headers", "a,  b"), status: 204,
			headers: []string{rsVaryPreflight}},
		{name: "preflight: ACRH over two lines, echoed as two lines", options: `{"AllowedHeaders": ["a", "b"]}`,
			req: goReq("OPTIONS", "Origin", "https://a.net", "Access-Control-Request-Method", "GET", "Access-Control-Request-Headers", "a", "Access-Control-Request-Headers", "b"), status: 204,
			headers: []string{rsVaryPreflight, "Access-Control-Allow-Origin: *", "Access-Control-Allow-Methods: GET",
				"Access-Control-Allow-Headers: a", "Access-Control-Allow-Headers: b"}},
		{name: "preflight: empty ACRH not echoed", options: `{}`,
			req: goReq("OPTIONS", "Origin", "https://a.net", "Access-Control-Request-Method", "GET", "Access-Control-Request-Headers", ""), status: 204,
			headers: []string{rsVaryPreflight, "Access-Control-Allow-Origin: *", "Access-Control-Allow-Methods: GET"}},
		{name: "preflight without Origin: aborted", options: `{}`,
			req: goReq("OPTIONS", "Access-Control-Request-Method", "GET"), status: 204, headers: []string{rsVaryPreflight}},
		{name: "OPTIONS with an empty ACRM is an actual request", options: `{}`,
			req: goReq("OPTIONS", "Origin", "https://a.net", "Access-Control-Request-Method", ""), status: 200,
			headers: []string{rsVaryActual, "Access-Control-Allow-Origin: *"}},
		{name: "ExposedHeaders canonicalized, joined with comma-space", options: `{"ExposedHeaders": ["x-total-count", "etag", "x_odd name"]}`,
			req: goReq("GET", "Origin", "https://a.net"), status: 200,
			headers: []string{rsVaryActual, "Access-Control-Allow-Origin: *", "Access-Control-Expose-Headers: X-Total-Count, Etag, x_odd name"}},
		{name: "ExposedHeaders not on preflights", options: `{"ExposedHeaders": ["x-total-count"]}`,
			req: goReq("OPTIONS", "Origin", "https://a.net", "Access-Control-Request-Method", "GET"), status: 204,
			headers: []string{rsVaryPreflight, "Access-Control-Allow-Origin: *", "Access-Control-Allow-Methods: GET"}},
		{name: "MaxAge sent as is, no cap", options: `{"MaxAge": 10000000}`,
			req: goReq("OPTIONS", "Origin", "https://a.net", "Access-Control-Request-Method", "GET"), status: 204,
			headers: []string{rsVaryPreflight, "Access-Control-Allow-Origin: *", "Access-Control-Allow-Methods: GET", "Access-Control-Max-Age: 10000000"}},
		{name: "MaxAge negative sends 0", options: `{"MaxAge": -1}`,
			req: goReq("OPTIONS", "Origin", "https://a.net", "Access-Control-Request-Method", "GET"), status: 204,
			headers: []string{rsVaryPreflight, "Access-Control-Allow-Origin: *", "Access-Control-Allow-Methods: GET", "Access-Control-Max-Age: 0"}},
		{name: "private network: ACAPN when asked, Vary grows", options: `{"AllowPrivateNetwork": true}`,
			req: goReq("OPTIONS", "Origin", "https://a.net", "Access-Control-Request-Method", "GET", "Access-Control-Request-Private-Network", "true"), status: 204,
			headers: []string{"Vary: Origin, Access-Control-Request-Method, Access-Control-Request-Headers, Access-Control-Request-Private-Network",
				"Access-Control-Allow-Origin: *", "Access-Control-Allow-Methods: GET", "Access-Control-Allow-Private-Network: true"}},
		{name: "OptionsSuccessStatus", options: `{"OptionsSuccessStatus": 200}`,
			req: goReq("OPTIONS", "Origin", "https://a.net", "Access-Control-Request-Method", "GET"), status: 200,
			headers: []string{rsVaryPreflight, "Access-Control-Allow-Origin: *", "Access-Control-Allow-Methods: GET"}},
		{name: "OptionsPassthrough: the next handler answers 200", options: `{"OptionsPassthrough": true, "OptionsSuccessStatus": 204}`,
			req: goReq("OPTIONS", "Origin", "https://a.net", "Access-Control-Request-Method", "GET"), status: 200,
			headers: []string{rsVaryPreflight, "Access-Control-Allow-Origin: *", "Access-Control-Allow-Methods: GET"}},
		{name: "Debug changes nothing", options: `{"Debug": true}`,
			req: goReq("GET", "Origin", "https://a.net"), status: 200,
			headers: []string{rsVaryActual, "Access-Control-Allow-Origin: *"}},
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
		_, err := newFromJSON(t, c.options)
		var oe *server.OptionError
		if !errors.As(err, &oe) || oe.Path != c.path || !strings.Contains(oe.Problem, c.contains) {
			t.Errorf("%s: got %v, want an OptionError at %s containing %q", c.options, err, c.path, c.contains)
		}
	}
}
