package jub0bscors

import (
	"errors"
	"strings"
	"testing"

	"corsplay/engine/server"
	"corsplay/engine/server/emutest"
)

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
	emutest.Run(t, Name, []emutest.Case{
		// Origins on actual requests.
		{Name: "*.example.com: one label", Options: sub, Req: emutest.Req("GET", "Origin", "https://app.example.com"),
			Status: 200, Headers: []string{vary, acao("https://app.example.com"), acac}},
		{Name: "*.example.com: several labels", Options: sub, Req: emutest.Req("GET", "Origin", "https://a.b.example.com"),
			Status: 200, Headers: []string{vary, acao("https://a.b.example.com"), acac}},
		{Name: "*.example.com: not the apex", Options: sub, Req: emutest.Req("GET", "Origin", "https://example.com"),
			Status: 200, Headers: []string{vary}},
		{Name: "lookalike suffix", Options: sub, Req: emutest.Req("GET", "Origin", "https://app.example.com.evil.net"),
			Status: 200, Headers: []string{vary}},
		{Name: "lookalike prefix", Options: sub, Req: emutest.Req("GET", "Origin", "https://evilexample.com"),
			Status: 200, Headers: []string{vary}},
		{Name: "http downgrade", Options: sub, Req: emutest.Req("GET", "Origin", "http://app.example.com"),
			Status: 200, Headers: []string{vary}},
		{Name: "explicit default port does not match", Options: sub, Req: emutest.Req("GET", "Origin", "https://app.example.com:443"),
			Status: 200, Headers: []string{vary}},
		{Name: "byte-for-byte: an uppercase base domain does not match", Options: sub, Req: emutest.Req("GET", "Origin", "https://app.EXAMPLE.com"),
			Status: 200, Headers: []string{vary}},
		{Name: "byte-for-byte: but the wildcard label may be anything", Options: sub, Req: emutest.Req("GET", "Origin", "https://APP.example.com"),
			Status: 200, Headers: []string{vary, acao("https://APP.example.com"), acac}},
		{Name: "the Origin parser strips brackets from any host", Options: sub, Req: emutest.Req("GET", "Origin", "https://[app.example.com]"),
			Status: 200, Headers: []string{vary, acao("https://[app.example.com]"), acac}},
		{Name: "null never matches", Options: sub, Req: emutest.Req("GET", "Origin", "null"), Status: 200, Headers: []string{vary}},
		{Name: "Vary: Origin even on a non-CORS request", Options: sub, Req: emutest.Req("GET"), Status: 200, Headers: []string{vary}},
		{Name: "two Origin lines: the first decides and is echoed", Options: `{"Origins": ["https://a.com"]}`,
			Req: emutest.Req("GET", "Origin", "https://a.com", "Origin", "https://b.com"), Status: 200, Headers: []string{vary, acao("https://a.com")}},
		{Name: "OPTIONS without ACRM: no Vary", Options: sub, Req: emutest.Req("OPTIONS", "Origin", "https://app.example.com"),
			Status: 200, Headers: []string{acao("https://app.example.com"), acac}},
		{Name: "port wildcard", Options: `{"Origins": ["http://localhost:*"]}`, Req: emutest.Req("GET", "Origin", "http://localhost:9999"),
			Status: 200, Headers: []string{vary, acao("http://localhost:9999")}},
		{Name: "port wildcard includes no port", Options: `{"Origins": ["http://localhost:*"]}`, Req: emutest.Req("GET", "Origin", "http://localhost"),
			Status: 200, Headers: []string{vary, acao("http://localhost")}},
		{Name: "subdomains and ports", Options: `{"Origins": ["https://*.example.com:*"]}`, Req: emutest.Req("GET", "Origin", "https://a.example.com:8443"),
			Status: 200, Headers: []string{vary, acao("https://a.example.com:8443")}},
		{Name: "exact port", Options: `{"Origins": ["https://example.com:8443"]}`, Req: emutest.Req("GET", "Origin", "https://example.com"),
			Status: 200, Headers: []string{vary}},
		{Name: "IPv6 loopback, credentialed", Options: `{"Origins": ["http://[::1]:3000"], "Credentialed": true}`,
			Req: emutest.Req("GET", "Origin", "http://[::1]:3000"), Status: 200, Headers: []string{vary, acao("http://[::1]:3000"), acac}},
		{Name: "underscores pass in a host", Options: `{"Origins": ["https://my_app.example.com"]}`, Req: emutest.Req("GET", "Origin", "https://my_app.example.com"),
			Status: 200, Headers: []string{vary, acao("https://my_app.example.com")}},
		{Name: "*: ACAO * and ACEH on every response, no Vary", Options: star, Req: emutest.Req("GET"),
			Status: 200, Headers: []string{acao("*"), "Access-Control-Expose-Headers: x-total"}},
		{Name: "exposed headers lowercased, sorted, safelisted dropped", Options: `{"Origins": ["https://a.com"], "ResponseHeaders": ["X-B", "Cache-Control", "X-A"]}`,
			Req: emutest.Req("GET", "Origin", "https://a.com"), Status: 200, Headers: []string{vary, acao("https://a.com"), "Access-Control-Expose-Headers: x-a,x-b"}},

		// Preflights: 204 with no Vary, or 403 with nothing.
		{Name: "preflight: ACAM is the requested method", Options: sub,
			Req: emutest.Req("OPTIONS", "Origin", "https://app.example.com", "Access-Control-Request-Method", "PUT"), Status: 204,
			Headers: []string{acao("https://app.example.com"), acac, "Access-Control-Allow-Methods: PUT", "Access-Control-Max-Age: 600"}},
		{Name: "preflight: safelisted method, no ACAM", Options: sub,
			Req: emutest.Req("OPTIONS", "Origin", "https://app.example.com", "Access-Control-Request-Method", "GET"), Status: 204,
			Headers: []string{acao("https://app.example.com"), acac, "Access-Control-Max-Age: 600"}},
		{Name: "preflight: disallowed method, 403", Options: sub,
			Req: emutest.Req("OPTIONS", "Origin", "https://app.example.com", "Access-Control-Request-Method", "DELETE"), Status: 403},
		{Name: "preflight: methods case-sensitive", Options: sub,
			Req: emutest.Req("OPTIONS", "Origin", "https://app.example.com", "Access-Control-Request-Method", "put"), Status: 403},
		{Name: "preflight: configured put is normalized to PUT", Options: `{"Origins": ["https://a.com"], "Methods": ["put"]}`,
			Req: emutest.Req("OPTIONS", "Origin", "https://a.com", "Access-Control-Request-Method", "PUT"), Status: 204,
			Headers: []string{acao("https://a.com"), "Access-Control-Allow-Methods: PUT"}},
		{Name: "preflight: allowed header echoed", Options: sub,
			Req: emutest.Req("OPTIONS", "Origin", "https://app.example.com", "Access-Control-Request-Method", "PUT", "Access-Control-Request-Headers", "content-type"), Status: 204,
			Headers: []string{acao("https://app.example.com"), acac, "Access-Control-Allow-Methods: PUT", "Access-Control-Allow-Headers: content-type", "Access-Control-Max-Age: 600"}},
		{Name: "preflight: disallowed header, 403", Options: sub,
			Req: emutest.Req("OPTIONS", "Origin", "https://app.example.com", "Access-Control-Request-Method", "PUT", "Access-Control-Request-Headers", "x-custom"), Status: 403},
		{Name: "preflight: disallowed origin, 403", Options: sub,
			Req: emutest.Req("OPTIONS", "Origin", "https://evil.net", "Access-Control-Request-Method", "PUT"), Status: 403},
		{Name: "preflight: an empty ACRM still makes a preflight", Options: sub,
			Req: emutest.Req("OPTIONS", "Origin", "https://app.example.com", "Access-Control-Request-Method", ""), Status: 403},
		{Name: "OPTIONS with ACRM but no Origin is an actual request", Options: sub,
			Req: emutest.Req("OPTIONS", "Access-Control-Request-Method", "PUT"), Status: 200},
		{Name: "nothing but safelisted methods allowed: every preflight 403", Options: `{"Origins": ["https://a.com"], "Methods": ["GET", "POST"]}`,
			Req: emutest.Req("OPTIONS", "Origin", "https://a.com", "Access-Control-Request-Method", "GET"), Status: 403},
		{Name: "* methods without credentials: ACAM *", Options: star,
			Req: emutest.Req("OPTIONS", "Origin", "https://x.net", "Access-Control-Request-Method", "DELETE"), Status: 204,
			Headers: []string{acao("*"), "Access-Control-Allow-Methods: *"}},
		{Name: "* headers without credentials: ACAH *", Options: star,
			Req: emutest.Req("OPTIONS", "Origin", "https://x.net", "Access-Control-Request-Method", "PUT", "Access-Control-Request-Headers", "authorization,x-custom"), Status: 204,
			Headers: []string{acao("*"), "Access-Control-Allow-Methods: *", "Access-Control-Allow-Headers: *"}},
		{Name: "* and Authorization: *,authorization whatever is asked", Options: `{"Origins": ["*"], "RequestHeaders": ["*", "Authorization"]}`,
			Req: emutest.Req("OPTIONS", "Origin", "https://x.net", "Access-Control-Request-Method", "GET", "Access-Control-Request-Headers", "x-custom"), Status: 204,
			Headers: []string{acao("*"), "Access-Control-Allow-Headers: *,authorization"}},
		{Name: "* with credentials: method and headers echoed", Options: `{"Origins": ["https://a.com"], "Credentialed": true, "Methods": ["*"], "RequestHeaders": ["*"]}`,
			Req: emutest.Req("OPTIONS", "Origin", "https://a.com", "Access-Control-Request-Method", "DELETE", "Access-Control-Request-Headers", "authorization,x-custom"), Status: 204,
			Headers: []string{acao("https://a.com"), acac, "Access-Control-Allow-Methods: DELETE", "Access-Control-Allow-Headers: authorization,x-custom"}},
		{Name: "ACRH must be sorted", Options: `{"Origins": ["https://a.com"], "RequestHeaders": ["a", "b"]}`,
			Req: emutest.Req("OPTIONS", "Origin", "https://a.com", "Access-Control-Request-Method", "GET", "Access-Control-Request-Headers", "b,a"), Status: 403},
		{Name: "ACRH: two OWS bytes per element tolerated", Options: `{"Origins": ["https://a.com"], "RequestHeaders": ["a", "b"]}`,
			Req: emutest.Req("OPTIONS", "Origin", "https://a.com", "Access-Control-Request-Method", "GET", "Access-Control-Request-Headers", " a , b"), Status: 204,
			Headers: []string{acao("https://a.com"), "Access-Control-Allow-Headers:  a , b"}},
		{Name: "ACRH over two lines, echoed as two lines", Options: `{"Origins": ["https://a.com"], "RequestHeaders": ["a", "b"]}`,
			Req: emutest.Req("OPTIONS", "Origin", "https://a.com", "Access-Control-Request-Method", "GET", "Access-Control-Request-Headers", "a", "Access-Control-Request-Headers", "b"), Status: 204,
			Headers: []string{acao("https://a.com"), "Access-Control-Allow-Headers: a", "Access-Control-Allow-Headers: b"}},
		{Name: "max-age -1 sends 0", Options: `{"Origins": ["https://a.com"], "Methods": ["PUT"], "MaxAgeInSeconds": -1}`,
			Req: emutest.Req("OPTIONS", "Origin", "https://a.com", "Access-Control-Request-Method", "PUT"), Status: 204,
			Headers: []string{acao("https://a.com"), "Access-Control-Allow-Methods: PUT", "Access-Control-Max-Age: 0"}},

		// Configuration errors: each refused with the library's text.
		{Name: "no origin", Options: `{}`, ConfigError: "cors: at least one origin must be allowed"},
		{Name: "null", Options: `{"Origins": ["null"]}`, ConfigError: `cors: prohibited origin pattern "null"`},
		{Name: "trailing slash", Options: `{"Origins": ["https://example.com/"]}`, ConfigError: `cors: invalid origin pattern "https://example.com/"`},
		{Name: "uppercase", Options: `{"Origins": ["https://Example.com"]}`, ConfigError: `cors: invalid origin pattern "https://Example.com"`},
		{Name: "Unicode host", Options: `{"Origins": ["https://www.résumé.com"]}`, ConfigError: `cors: invalid origin pattern "https://www.résumé.com"`},
		{Name: "file", Options: `{"Origins": ["file:///tmp"]}`, ConfigError: `cors: prohibited origin pattern "file:///tmp"`},
		{Name: "default port", Options: `{"Origins": ["https://example.com:443"]}`, ConfigError: `cors: prohibited origin pattern "https://example.com:443"`},
		{Name: "port 0", Options: `{"Origins": ["https://example.com:0"]}`, ConfigError: `cors: invalid origin pattern "https://example.com:0"`},
		{Name: "uncompressed IPv6", Options: `{"Origins": ["http://[0:0:0:0:0:0:0:1]:9090"]}`, ConfigError: `cors: prohibited origin pattern "http://[0:0:0:0:0:0:0:1]:9090"`},
		{Name: "hex IPv4", Options: `{"Origins": ["http://0xff000000"]}`, ConfigError: `cors: invalid origin pattern "http://0xff000000"`},
		{Name: "*. on an IP", Options: `{"Origins": ["https://*.127.0.0.1"]}`, ConfigError: `cors: invalid origin pattern "https://*.127.0.0.1"`},
		{Name: "IDNA: -- in third and fourth place", Options: `{"Origins": ["https://ab--c.com"]}`, ConfigError: `cors: prohibited origin pattern "https://ab--c.com"`},
		{Name: "IDNA: bad Punycode", Options: `{"Origins": ["https://xn--a.com"]}`, ConfigError: `cors: prohibited origin pattern "https://xn--a.com"`},
		{Name: "IDNA: nothing after *.", Options: `{"Origins": ["https://*."]}`, ConfigError: `cors: prohibited origin pattern "https://*."`},
		{Name: "* with credentials", Options: `{"Origins": ["*"], "Credentialed": true}`,
			ConfigError: "cors: for security reasons, you cannot both allow all origins and enable credentialed access"},
		{Name: "http with credentials", Options: `{"Origins": ["http://example.com"], "Credentialed": true}`,
			ConfigError: `cors: for security reasons, insecure origin patterns like "http://example.com" are by default prohibited when credentialed access is enabled`},
		{Name: "http localhost is not insecure", Options: `{"Origins": ["http://localhost:3000", "http://127.0.0.1:*", "http://foo.localhost"], "Credentialed": true}`,
			Req: emutest.Req("GET", "Origin", "http://foo.localhost"), Status: 200, Headers: []string{vary, acao("http://foo.localhost"), acac}},
		{Name: "tolerated insecure origin", Options: `{"Origins": ["http://example.com"], "Credentialed": true, "DangerouslyTolerateInsecureOrigins": true}`,
			Req: emutest.Req("GET", "Origin", "http://example.com"), Status: 200, Headers: []string{vary, acao("http://example.com"), acac}},
		{Name: "*.com with credentials", Options: `{"Origins": ["https://*.com"], "Credentialed": true}`,
			ConfigError: `cors: for security reasons, origin patterns like "https://*.com" that encompass subdomains of a public suffix are by default prohibited`},
		{Name: "*.github.io (private rule) with credentials", Options: `{"Origins": ["https://*.github.io"], "Credentialed": true}`,
			ConfigError: `cors: for security reasons, origin patterns like "https://*.github.io" that encompass subdomains of a public suffix are by default prohibited`},
		{Name: "*.localhost is a public suffix too (the implicit * rule)", Options: `{"Origins": ["https://*.localhost"], "Credentialed": true}`,
			ConfigError: `cors: for security reasons, origin patterns like "https://*.localhost" that encompass subdomains of a public suffix are by default prohibited`},
		{Name: "*.com without credentials is fine", Options: `{"Origins": ["https://*.com"]}`,
			Req: emutest.Req("GET", "Origin", "https://evil.com"), Status: 200, Headers: []string{vary, acao("https://evil.com")}},
		{Name: "tolerated public suffix", Options: `{"Origins": ["https://*.com"], "Credentialed": true, "DangerouslyTolerateSubdomainsOfPublicSuffixes": true}`,
			Req: emutest.Req("GET", "Origin", "https://evil.com"), Status: 200, Headers: []string{vary, acao("https://evil.com"), acac}},
		{Name: "forbidden methods, normalized name in the text", Options: `{"Origins": ["https://a.com"], "Methods": ["CONNECT", "trace"]}`,
			ConfigError: "cors: forbidden method \"CONNECT\"\ncors: forbidden method \"trace\""},
		{Name: "invalid method", Options: `{"Origins": ["https://a.com"], "Methods": ["GET POST"]}`, ConfigError: `cors: invalid method "GET POST"`},
		{Name: "forbidden request header", Options: `{"Origins": ["https://a.com"], "RequestHeaders": ["Cookie", "Sec-Fetch-Mode"]}`,
			ConfigError: "cors: forbidden request-header name \"Cookie\"\ncors: forbidden request-header name \"Sec-Fetch-Mode\""},
		{Name: "prohibited request header", Options: `{"Origins": ["https://a.com"], "RequestHeaders": ["Access-Control-Allow-Origin"]}`,
			ConfigError: `cors: prohibited request-header name "Access-Control-Allow-Origin"`},
		{Name: "Set-Cookie exposed", Options: `{"Origins": ["https://a.com"], "ResponseHeaders": ["Set-Cookie"]}`,
			ConfigError: `cors: forbidden response-header name "Set-Cookie"`},
		{Name: "prohibited response header", Options: `{"Origins": ["https://a.com"], "ResponseHeaders": ["Access-Control-Max-Age"]}`,
			ConfigError: `cors: prohibited response-header name "Access-Control-Max-Age"`},
		{Name: "expose * with credentials", Options: `{"Origins": ["https://a.com"], "Credentialed": true, "ResponseHeaders": ["*"]}`,
			ConfigError: "cors: you cannot both expose all response headers and enable credentialed access"},
		{Name: "max-age too big", Options: `{"Origins": ["https://a.com"], "MaxAgeInSeconds": 86401}`,
			ConfigError: "cors: out-of-bounds max-age value 86401 (default: 5; max: 86400; disable caching: -1)"},
		{Name: "max-age too small", Options: `{"Origins": ["https://a.com"], "MaxAgeInSeconds": -2}`,
			ConfigError: "cors: out-of-bounds max-age value -2 (default: 5; max: 86400; disable caching: -1)"},
		{Name: "several at once, joined in order", Options: `{"Origins": ["null", "https://a.com/", "*"], "Credentialed": true, "Methods": ["TRACK"],
			"RequestHeaders": ["Cookie"], "MaxAgeInSeconds": 90000, "ResponseHeaders": ["Set-Cookie2"]}`,
			ConfigError: strings.Join([]string{`cors: prohibited origin pattern "null"`, `cors: invalid origin pattern "https://a.com/"`,
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
		if got, err := publicSuffix(domain); got != want || err != nil {
			t.Errorf("publicSuffix(%q) = %q, %v, want %q", domain, got, err, want)
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
		_, err := emutest.New(t, Name, c.options)
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
	text, err := pslText()
	if err != nil {
		b.Fatal(err)
	}
	for b.Loop() {
		parsePSL(text)
	}
}
