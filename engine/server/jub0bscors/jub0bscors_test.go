package jub0bscors

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
// headers (Access-Control-* and Vary, "Name: value") jub0bs/cors answers,
// or the text of its configuration error.
type goLibCase struct {
	name        string
	options     string // the JSON options object
	req         message.Request
	status      int
	headers     []string
	configError string
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
			var ce *server.ConfigError
			switch {
			case c.configError != "":
				if !errors.As(err, &ce) || ce.Message != c.configError || ce.Library != Name {
					t.Fatalf("got %v, want the configuration error\n%s", err, c.configError)
				}
				return
			case err != nil:
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

// jub0bs/cors v1.0.1, quirk by quirk (server-libraries.md §2.3, checked
// against the library by libtest).
func TestJub0bsCorsQuirks(t *testing.T) {
	sub := `{"Origins": ["https://*.example.com"], "Credentialed": true, "Methods": ["PUT"], "RequestHeaders": ["Content-Type"], "MaxAgeInSeconds": 600}`
	star := `{"Origins": ["*"], "Methods": ["*"], "RequestHeaders": ["*"], "ResponseHeaders": ["X-Total"]}`
	acao := func(o string) string { return "Access-Control-Allow-Origin: " + o }
	const (
		vary = "Vary: Origin"
		acac = "Access-Control-Allow-Credentials: true"
	)
	runGoLibCases(t, []goLibCase{
		// Origins on actual requests.
		{name: "*.example.com: one label", options: sub, req: goReq("GET", "Origin", "https://app.example.com"),
			status: 200, headers: []string{vary, acao("https://app.example.com"), acac}},
		{name: "*.example.com: several labels", options: sub, req: goReq("GET", "Origin", "https://a.b.example.com"),
			status: 200, headers: []string{vary, acao("https://a.b.example.com"), acac}},
		{name: "*.example.com: not the apex", options: sub, req: goReq("GET", "Origin", "https://example.com"),
			status: 200, headers: []string{vary}},
		{name: "lookalike suffix", options: sub, req: goReq("GET", "Origin", "https://app.example.com.evil.net"),
			status: 200, headers: []string{vary}},
		{name: "lookalike prefix", options: sub, req: goReq("GET", "Origin", "https://evilexample.com"),
			status: 200, headers: []string{vary}},
		{name: "http downgrade", options: sub, req: goReq("GET", "Origin", "http://app.example.com"),
			status: 200, headers: []string{vary}},
		{name: "explicit default port does not match", options: sub, req: goReq("GET", "Origin", "https://app.example.com:443"),
			status: 200, headers: []string{vary}},
		{name: "byte-for-byte: an uppercase base domain does not match", options: sub, req: goReq("GET", "Origin", "https://app.EXAMPLE.com"),
			status: 200, headers: []string{vary}},
		{name: "byte-for-byte: but the wildcard label may be anything", options: sub, req: goReq("GET", "Origin", "https://APP.example.com"),
			status: 200, headers: []string{vary, acao("https://APP.example.com"), acac}},
		{name: "the Origin parser strips brackets from any host", options: sub, req: goReq("GET", "Origin", "https://[app.example.com]"),
			status: 200, headers: []string{vary, acao("https://[app.example.com]"), acac}},
		{name: "null never matches", options: sub, req: goReq("GET", "Origin", "null"), status: 200, headers: []string{vary}},
		{name: "Vary: Origin even on a non-CORS request", options: sub, req: goReq("GET"), status: 200, headers: []string{vary}},
		{name: "two Origin lines: the first decides and is echoed", options: `{"Origins": ["https://a.com"]}`,
			req: goReq("GET", "Origin", "https://a.com", "Origin", "https://b.com"), status: 200, headers: []string{vary, acao("https://a.com")}},
		{name: "OPTIONS without ACRM: no Vary", options: sub, req: goReq("OPTIONS", "Origin", "https://app.example.com"),
			status: 200, headers: []string{acao("https://app.example.com"), acac}},
		{name: "port wildcard", options: `{"Origins": ["http://localhost:*"]}`, req: goReq("GET", "Origin", "http://localhost:9999"),
			status: 200, headers: []string{vary, acao("http://localhost:9999")}},
		{name: "port wildcard includes no port", options: `{"Origins": ["http://localhost:*"]}`, req: goReq("GET", "Origin", "http://localhost"),
			status: 200, headers: []string{vary, acao("http://localhost")}},
		{name: "subdomains and ports", options: `{"Origins": ["https://*.example.com:*"]}`, req: goReq("GET", "Origin", "https://a.example.com:8443"),
			status: 200, headers: []string{vary, acao("https://a.example.com:8443")}},
		{name: "exact port", options: `{"Origins": ["https://example.com:8443"]}`, req: goReq("GET", "Origin", "https://example.com"),
			status: 200, headers: []string{vary}},
		{name: "IPv6 loopback, credentialed", options: `{"Origins": ["http://[::1]:3000"], "Credentialed": true}`,
			req: goReq("GET", "Origin", "http://[::1]:3000"), status: 200, headers: []string{vary, acao("http://[::1]:3000"), acac}},
		{name: "underscores pass in a host", options: `{"Origins": ["https://my_app.example.com"]}`, req: goReq("GET", "Origin", "https://my_app.example.com"),
			status: 200, headers: []string{vary, acao("https://my_app.example.com")}},
		{name: "*: ACAO * and ACEH on every response, no Vary", options: star, req: goReq("GET"),
			status: 200, headers: []string{acao("*"), "Access-Control-Expose-Headers: x-total"}},
		{name: "exposed headers lowercased, sorted, safelisted dropped", options: `{"Origins": ["https://a.com"], "ResponseHeaders": ["X-B", "Cache-Control", "X-A"]}`,
			req: goReq("GET", "Origin", "https://a.com"), status: 200, headers: []string{vary, acao("https://a.com"), "Access-Control-Expose-Headers: x-a,x-b"}},

		// Preflights: 204 with no Vary, or 403 with nothing.
		{name: "preflight: ACAM is the requested method", options: sub,
			req: goReq("OPTIONS", "Origin", "https://app.example.com", "Access-Control-Request-Method", "PUT"), status: 204,
			headers: []string{acao("https://app.example.com"), acac, "Access-Control-Allow-Methods: PUT", "Access-Control-Max-Age: 600"}},
		{name: "preflight: safelisted method, no ACAM", options: sub,
			req: goReq("OPTIONS", "Origin", "https://app.example.com", "Access-Control-Request-Method", "GET"), status: 204,
			headers: []string{acao("https://app.example.com"), acac, "Access-Control-Max-Age: 600"}},
		{name: "preflight: disallowed method, 403", options: sub,
			req: goReq("OPTIONS", "Origin", "https://app.example.com", "Access-Control-Request-Method", "DELETE"), status: 403},
		{name: "preflight: methods case-sensitive", options: sub,
			req: goReq("OPTIONS", "Origin", "https://app.example.com", "Access-Control-Request-Method", "put"), status: 403},
		{name: "preflight: configured put is normalized to PUT", options: `{"Origins": ["https://a.com"], "Methods": ["put"]}`,
			req: goReq("OPTIONS", "Origin", "https://a.com", "Access-Control-Request-Method", "PUT"), status: 204,
			headers: []string{acao("https://a.com"), "Access-Control-Allow-Methods: PUT"}},
		{name: "preflight: allowed header echoed", options: sub,
			req: goReq("OPTIONS", "Origin", "https://app.example.com", "Access-Control-Request-Method", "PUT", "Access-Control-Request-Headers", "content-type"), status: 204,
			headers: []string{acao("https://app.example.com"), acac, "Access-Control-Allow-Methods: PUT", "Access-Control-Allow-Headers: content-type", "Access-Control-Max-Age: 600"}},
		{name: "preflight: disallowed header, 403", options: sub,
			req: goReq("OPTIONS", "Origin", "https://app.example.com", "Access-Control-Request-Method", "PUT", "Access-Control-Request-Headers", "x-custom"), status: 403},
		{name: "preflight: disallowed origin, 403", options: sub,
			req: goReq("OPTIONS", "Origin", "https://evil.net", "Access-Control-Request-Method", "PUT"), status: 403},
		{name: "preflight: an empty ACRM still makes a preflight", options: sub,
			req: goReq("OPTIONS", "Origin", "https://app.example.com", "Access-Control-Request-Method", ""), status: 403},
		{name: "OPTIONS with ACRM but no Origin is an actual request", options: sub,
			req: goReq("OPTIONS", "Access-Control-Request-Method", "PUT"), status: 200},
		{name: "nothing but safelisted methods allowed: every preflight 403", options: `{"Origins": ["https://a.com"], "Methods": ["GET", "POST"]}`,
			req: goReq("OPTIONS", "Origin", "https://a.com", "Access-Control-Request-Method", "GET"), status: 403},
		{name: "* methods without credentials: ACAM *", options: star,
			req: goReq("OPTIONS", "Origin", "https://x.net", "Access-Control-Request-Method", "DELETE"), status: 204,
			headers: []string{acao("*"), "Access-Control-Allow-Methods: *"}},
		{name: "* headers without credentials: ACAH *", options: star,
			req: goReq("OPTIONS", "Origin", "https://x.net", "Access-Control-Request-Method", "PUT", "Access-Control-Request-Headers", "authorization,x-custom"), status: 204,
			headers: []string{acao("*"), "Access-Control-Allow-Methods: *", "Access-Control-Allow-Headers: *"}},
		{name: "* and Authorization: *,authorization whatever is asked", options: `{"Origins": ["*"], "RequestHeaders": ["*", "Authorization"]}`,
			req: goReq("OPTIONS", "Origin", "https://x.net", "Access-Control-Request-Method", "GET", "Access-Control-Request-Headers", "x-custom"), status: 204,
			headers: []string{acao("*"), "Access-Control-Allow-Headers: *,authorization"}},
		{name: "* with credentials: method and headers echoed", options: `{"Origins": ["https://a.com"], "Credentialed": true, "Methods": ["*"], "RequestHeaders": ["*"]}`,
			req: goReq("OPTIONS", "Origin", "https://a.com", "Access-Control-Request-Method", "DELETE", "Access-Control-Request-Headers", "authorization,x-custom"), status: 204,
			headers: []string{acao("https://a.com"), acac, "Access-Control-Allow-Methods: DELETE", "Access-Control-Allow-Headers: authorization,x-custom"}},
		{name: "ACRH must be sorted", options: `{"Origins": ["https://a.com"], "RequestHeaders": ["a", "b"]}`,
			req: goReq("OPTIONS", "Origin", "https://a.com", "Access-Control-Request-Method", "GET", "Access-Control-Request-Headers", "b,a"), status: 403},
		{name: "ACRH: two OWS bytes per element tolerated", options: `{"Origins": ["https://a.com"], "RequestHeaders": ["a", "b"]}`,
			req: goReq("OPTIONS", "Origin", "https://a.com", "Access-Control-Request-Method", "GET", "Access-Control-Request-Headers", " a , b"), status: 204,
			headers: []string{acao("https://a.com"), "Access-Control-Allow-Headers:  a , b"}},
		{name: "ACRH over two lines, echoed as two lines", options: `{"Origins": ["https://a.com"], "RequestHeaders": ["a", "b"]}`,
			req: goReq("OPTIONS", "Origin", "https://a.com", "Access-Control-Request-Method", "GET", "Access-Control-Request-Headers", "a", "Access-Control-Request-Headers", "b"), status: 204,
			headers: []string{acao("https://a.com"), "Access-Control-Allow-Headers: a", "Access-Control-Allow-Headers: b"}},
		{name: "max-age -1 sends 0", options: `{"Origins": ["https://a.com"], "Methods": ["PUT"], "MaxAgeInSeconds": -1}`,
			req: goReq("OPTIONS", "Origin", "https://a.com", "Access-Control-Request-Method", "PUT"), status: 204,
			headers: []string{acao("https://a.com"), "Access-Control-Allow-Methods: PUT", "Access-Control-Max-Age: 0"}},

		// Configuration errors: each refused with the library's text.
		{name: "no origin", options: `{}`, configError: "cors: at least one origin must be allowed"},
		{name: "null", options: `{"Origins": ["null"]}`, configError: `cors: prohibited origin pattern "null"`},
		{name: "trailing slash", options: `{"Origins": ["https://example.com/"]}`, configError: `cors: invalid origin pattern "https://example.com/"`},
		{name: "uppercase", options: `{"Origins": ["https://Example.com"]}`, configError: `cors: invalid origin pattern "https://Example.com"`},
		{name: "Unicode host", options: `{"Origins": ["https://www.résumé.com"]}`, configError: `cors: invalid origin pattern "https://www.résumé.com"`},
		{name: "file", options: `{"Origins": ["file:///tmp"]}`, configError: `cors: prohibited origin pattern "file:///tmp"`},
		{name: "default port", options: `{"Origins": ["https://example.com:443"]}`, configError: `cors: prohibited origin pattern "https://example.com:443"`},
		{name: "port 0", options: `{"Origins": ["https://example.com:0"]}`, configError: `cors: invalid origin pattern "https://example.com:0"`},
		{name: "uncompressed IPv6", options: `{"Origins": ["http://[0:0:0:0:0:0:0:1]:9090"]}`, configError: `cors: prohibited origin pattern "http://[0:0:0:0:0:0:0:1]:9090"`},
		{name: "hex IPv4", options: `{"Origins": ["http://0xff000000"]}`, configError: `cors: invalid origin pattern "http://0xff000000"`},
		{name: "*. on an IP", options: `{"Origins": ["https://*.127.0.0.1"]}`, configError: `cors: invalid origin pattern "https://*.127.0.0.1"`},
		{name: "IDNA: -- in third and fourth place", options: `{"Origins": ["https://ab--c.com"]}`, configError: `cors: prohibited origin pattern "https://ab--c.com"`},
		{name: "IDNA: bad Punycode", options: `{"Origins": ["https://xn--a.com"]}`, configError: `cors: prohibited origin pattern "https://xn--a.com"`},
		{name: "IDNA: nothing after *.", options: `{"Origins": ["https://*."]}`, configError: `cors: prohibited origin pattern "https://*."`},
		{name: "* with credentials", options: `{"Origins": ["*"], "Credentialed": true}`,
			configError: "cors: for security reasons, you cannot both allow all origins and enable credentialed access"},
		{name: "http with credentials", options: `{"Origins": ["http://example.com"], "Credentialed": true}`,
			configError: `cors: for security reasons, insecure origin patterns like "http://example.com" are by default prohibited when credentialed access is enabled`},
		{name: "http localhost is not insecure", options: `{"Origins": ["http://localhost:3000", "http://127.0.0.1:*", "http://foo.localhost"], "Credentialed": true}`,
			req: goReq("GET", "Origin", "http://foo.localhost"), status: 200, headers: []string{vary, acao("http://foo.localhost"), acac}},
		{name: "tolerated insecure origin", options: `{"Origins": ["http://example.com"], "Credentialed": true, "DangerouslyTolerateInsecureOrigins": true}`,
			req: goReq("GET", "Origin", "http://example.com"), status: 200, headers: []string{vary, acao("http://example.com"), acac}},
		{name: "*.com with credentials", options: `{"Origins": ["https://*.com"], "Credentialed": true}`,
			configError: `cors: for security reasons, origin patterns like "https://*.com" that encompass subdomains of a public suffix are by default prohibited`},
		{name: "*.github.io (private rule) with credentials", options: `{"Origins": ["https://*.github.io"], "Credentialed": true}`,
			configError: `cors: for security reasons, origin patterns like "https://*.github.io" that encompass subdomains of a public suffix are by default prohibited`},
		{name: "*.localhost is a public suffix too (the implicit * rule)", options: `{"Origins": ["https://*.localhost"], "Credentialed": true}`,
			configError: `cors: for security reasons, origin patterns like "https://*.localhost" that encompass subdomains of a public suffix are by default prohibited`},
		{name: "*.com without credentials is fine", options: `{"Origins": ["https://*.com"]}`,
			req: goReq("GET", "Origin", "https://evil.com"), status: 200, headers: []string{vary, acao("https://evil.com")}},
		{name: "tolerated public suffix", options: `{"Origins": ["https://*.com"], "Credentialed": true, "DangerouslyTolerateSubdomainsOfPublicSuffixes": true}`,
			req: goReq("GET", "Origin", "https://evil.com"), status: 200, headers: []string{vary, acao("https://evil.com"), acac}},
		{name: "forbidden methods, normalized name in the text", options: `{"Origins": ["https://a.com"], "Methods": ["CONNECT", "trace"]}`,
			configError: "cors: forbidden method \"CONNECT\"\ncors: forbidden method \"trace\""},
		{name: "invalid method", options: `{"Origins": ["https://a.com"], "Methods": ["GET POST"]}`, configError: `cors: invalid method "GET POST"`},
		{name: "forbidden request header", options: `{"Origins": ["https://a.com"], "RequestHeaders": ["Cookie", "Sec-Fetch-Mode"]}`,
			configError: "cors: forbidden request-header name \"Cookie\"\ncors: forbidden request-header name \"Sec-Fetch-Mode\""},
		{name: "prohibited request header", options: `{"Origins": ["https://a.com"], "RequestHeaders": ["Access-Control-Allow-Origin"]}`,
			configError: `cors: prohibited request-header name "Access-Control-Allow-Origin"`},
		{name: "Set-Cookie exposed", options: `{"Origins": ["https://a.com"], "ResponseHeaders": ["Set-Cookie"]}`,
			configError: `cors: forbidden response-header name "Set-Cookie"`},
		{name: "prohibited response header", options: `{"Origins": ["https://a.com"], "ResponseHeaders": ["Access-Control-Max-Age"]}`,
			configError: `cors: prohibited response-header name "Access-Control-Max-Age"`},
		{name: "expose * with credentials", options: `{"Origins": ["https://a.com"], "Credentialed": true, "ResponseHeaders": ["*"]}`,
			configError: "cors: you cannot both expose all response headers and enable credentialed access"},
		{name: "max-age too big", options: `{"Origins": ["https://a.com"], "MaxAgeInSeconds": 86401}`,
			configError: "cors: out-of-bounds max-age value 86401 (default: 5; max: 86400; disable caching: -1)"},
		{name: "max-age too small", options: `{"Origins": ["https://a.com"], "MaxAgeInSeconds": -2}`,
			configError: "cors: out-of-bounds max-age value -2 (default: 5; max: 86400; disable caching: -1)"},
		{name: "several at once, joined in order", options: `{"Origins": ["null", "https://a.com/", "*"], "Credentialed": true, "Methods": ["TRACK"],
			"RequestHeaders": ["Cookie"], "MaxAgeInSeconds": 90000, "ResponseHeaders": ["Set-Cookie2"]}`,
			configError: strings.Join([]string{`cors: prohibited origin pattern "null"`, `cors: invalid origin pattern "https://a.com/"`,
				"cors: for security reasons, you cannot both allow all origins and enable credentialed access",
				`cors: forbidden method "TRACK"`, `cors: forbidden request-header name "Cookie"`,
				"cors: out-of-bounds max-age value 90000 (default: 5; max: 86400; disable caching: -1)",
				`cors: forbidden response-header name "Set-Cookie2"`}, "\n")},
	})
}

// The public-suffix port answers like golang.org/x/net/publicsuffix (its
// own test cases, a few of them): libtest checks every rule.
func TestJub0bsPublicSuffix(t *testing.T) {
	for domain, want := range map[string]string{
		"com": "com", "example.com": "com", "a.b.example.com": "com", "example.co.uk": "co.uk",
		"github.io": "github.io", "jub0bs.github.io": "github.io", "localhost": "localhost",
		"example.unknowntld": "unknowntld", "www.ck": "ck", "x.ck": "x.ck", "a.x.ck": "x.ck",
		"city.kawasaki.jp": "kawasaki.jp", "x.kawasaki.jp": "x.kawasaki.jp", "127.0.0.1": "127.0.0.1",
		"xn--55qx5d.cn": "xn--55qx5d.cn", "": "",
	} {
		if got := publicSuffix(domain); got != want {
			t.Errorf("publicSuffix(%q) = %q, want %q", domain, got, want)
		}
	}
}

// The host check is exact on ASCII hosts; Punycode labels are decoded.
func TestJub0bsIDNA(t *testing.T) {
	for host, want := range map[string]bool{
		"example.com": true, "my_app.example.com": true, "example.com.": true, "": false, ".": false,
		"a..b": false, ".a": false, "-a.com": false, "a-.com": false, "ab--c.com": false, "ab-c.com": true,
		strings.Repeat("a", 63) + ".com": true, strings.Repeat("a", 64) + ".com": false,
		strings.Repeat("abcdefghi.", 25) + "com": true, strings.Repeat("abcdefghi.", 25) + "comx": false,
		"xn--rsum-bpad.com": true, "xn--bcher-kva.example": true, "xn--a.com": false, "xn--.com": false,
		"xn--abc-.com": false /* decodes to ASCII only: x/net v0.60 refuses it */, "xn--a_b-.com": false, "xn--fiqs8s": true,
		"xn--4db.1abc": false, // Bidi rule: an RTL label makes every label follow it
		"xn--4db.abc":  true,
	} {
		if got := jubIDNAValid(host); got != want {
			t.Errorf("jubIDNAValid(%q) = %t, want %t", host, got, want)
		}
	}
}

// Unknown or mistyped fields are refused with an OptionError at the
// option's path.
func TestJub0bsCorsOptionErrors(t *testing.T) {
	for _, c := range []struct{ options, path, contains string }{
		{`{"origins": ["*"]}`, "origins", "did you mean Origins?"},
		{`{"Origins": ["*"], "Debug": true}`, "Debug", "cors.Config has no field Debug"},
		{`{"Origins": "*"}`, "Origins", `"*" is not the right type: want an array, got a string`},
		{`{"Origins": ["*", 5]}`, "Origins[1]", "want a string, got a number"},
		{`{"Origins": ["*"], "MaxAgeInSeconds": 1.5}`, "MaxAgeInSeconds", "want a whole number, got 1.5"},
	} {
		_, err := newFromJSON(t, c.options)
		var oe *server.OptionError
		if !errors.As(err, &oe) || oe.Path != c.path || !strings.Contains(oe.Problem, c.contains) {
			t.Errorf("%s: got %v, want an OptionError at %s containing %q", c.options, err, c.path, c.contains)
		}
	}
}

// BenchmarkPublicSuffix measures a lookup (the tree parsed already) and,
// as FirstUse, parsing the tree, the cost of the first lookup.
func BenchmarkPublicSuffix(b *testing.B) {
	pslRules()
	for b.Loop() {
		publicSuffix("a.b.example.co.uk")
		publicSuffix("a.city.kawasaki.jp")
	}
}

func BenchmarkPublicSuffixFirstUse(b *testing.B) {
	for b.Loop() {
		parsePSL()
	}
}
