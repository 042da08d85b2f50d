package expresscors

import (
	"encoding/json"
	"errors"
	"math"
	"slices"
	"strings"
	"testing"

	"corsplay/engine/message"
	"corsplay/engine/pattern"
	"corsplay/engine/server"
)

// xcOptions reads a JSON options object.
func xcOptions(t *testing.T, s string) map[string]json.RawMessage {
	t.Helper()
	var m map[string]json.RawMessage
	if err := json.Unmarshal([]byte(s), &m); err != nil {
		t.Fatalf("%s: %v", s, err)
	}
	return m
}

// xcRequest is method then header name/value pairs.
func xcRequest(method string, kv ...string) message.Request {
	r := message.Request{Method: method, URL: "https://api.example.com/r"}
	for i := 0; i+1 < len(kv); i += 2 {
		r.Headers = append(r.Headers, message.Header{Name: kv[i], Value: kv[i+1]})
	}
	return r
}

// xcCORSLines are the Access-Control-* and Vary lines, "Name: value",
// sorted.
func xcCORSLines(hs message.Headers) []string {
	lines := []string{}
	for _, h := range hs {
		n := strings.ToLower(h.Name)
		if strings.HasPrefix(n, "access-control-") || n == "vary" {
			lines = append(lines, h.Name+": "+h.Value)
		}
	}
	slices.Sort(lines)
	return lines
}

const (
	xcTestApp  = "https://app.example.com"
	xcTestEvil = "https://evil.example.net"
	xcDefMeth  = "Access-Control-Allow-Methods: GET,HEAD,PUT,PATCH,POST,DELETE"
)

func TestExpressCors(t *testing.T) {
	pre := func(origin string) message.Request {
		return xcRequest("OPTIONS", "Origin", origin, "Access-Control-Request-Method", "PUT", "Access-Control-Request-Headers", "x-custom")
	}
	get := func(origin string) message.Request { return xcRequest("GET", "Origin", origin) }
	tests := []struct {
		name    string
		options string
		req     message.Request
		status  int
		want    []string // CORS lines, any order
	}{
		// Defaults: origin '*', every OPTIONS a preflight answered 204.
		{"defaults preflight reflects ACRH", `{}`, pre(xcTestApp), 204,
			[]string{"Access-Control-Allow-Origin: *", xcDefMeth, "Vary: Access-Control-Request-Headers", "Access-Control-Allow-Headers: x-custom"}},
		{"defaults actual", `{}`, get(xcTestApp), 200, []string{"Access-Control-Allow-Origin: *"}},
		{"defaults without Origin", `{}`, xcRequest("GET"), 200, []string{"Access-Control-Allow-Origin: *"}},
		{"OPTIONS without Origin or ACRM is a preflight", `{}`, xcRequest("OPTIONS"), 204,
			[]string{"Access-Control-Allow-Origin: *", xcDefMeth, "Vary: Access-Control-Request-Headers"}},

		// origin
		{"static string sent to any origin", `{"origin": "https://app.example.com"}`, get(xcTestEvil), 200,
			[]string{"Access-Control-Allow-Origin: https://app.example.com", "Vary: Origin"}},
		{"static * with credentials", `{"origin": "*", "credentials": true}`, get(xcTestEvil), 200,
			[]string{"Access-Control-Allow-Origin: *", "Access-Control-Allow-Credentials: true"}},
		{"static string trimmed on the wire", `{"origin": " https://app.example.com "}`, get(xcTestEvil), 200,
			[]string{"Access-Control-Allow-Origin: https://app.example.com", "Vary: Origin"}},
		{"true reflects null with credentials", `{"origin": true, "credentials": true}`, get("null"), 200,
			[]string{"Access-Control-Allow-Origin: null", "Access-Control-Allow-Credentials: true", "Vary: Origin"}},
		{"true without Origin: only Vary", `{"origin": true}`, xcRequest("GET"), 200, []string{"Vary: Origin"}},
		{"array allows exact", `{"origin": ["https://app.example.com"]}`, get(xcTestApp), 200,
			[]string{"Access-Control-Allow-Origin: https://app.example.com", "Vary: Origin"}},
		{"array is case-sensitive", `{"origin": ["https://app.example.com"]}`, get("https://APP.example.com"), 200, []string{"Vary: Origin"}},
		{"refused actual: Vary only", `{"origin": ["https://app.example.com"]}`, get(xcTestEvil), 200, []string{"Vary: Origin"}},
		{"refused preflight still gets ACAM, ACAH, Max-Age, Vary", `{"origin": ["https://app.example.com"], "maxAge": 60}`, pre(xcTestEvil), 204,
			[]string{xcDefMeth, "Access-Control-Allow-Headers: x-custom", "Access-Control-Max-Age: 60", "Vary: Origin, Access-Control-Request-Headers"}},
		{"[true] allows all", `{"origin": [true]}`, get(xcTestEvil), 200, []string{"Access-Control-Allow-Origin: https://evil.example.net", "Vary: Origin"}},
		{"a number reflects", `{"origin": 7}`, get(xcTestEvil), 200, []string{"Access-Control-Allow-Origin: https://evil.example.net", "Vary: Origin"}},
		{"a plain object reflects", `{"origin": {"regex": "app"}}`, get(xcTestEvil), 200, []string{"Access-Control-Allow-Origin: https://evil.example.net", "Vary: Origin"}},
		{"false disables: preflight reaches Express's OPTIONS", `{"origin": false}`, pre(xcTestApp), 200, []string{}},
		{"empty string disables", `{"origin": ""}`, get(xcTestApp), 200, []string{}},
		{"null disables", `{"origin": null}`, pre(xcTestApp), 200, []string{}},
		{"0 disables", `{"origin": 0}`, get(xcTestApp), 200, []string{}},
		{"duplicate Origin lines are joined", `{"origin": true}`, xcRequest("GET", "Origin", " https://a.example ", "Origin", "https://b.example"), 200,
			[]string{"Access-Control-Allow-Origin: https://a.example, https://b.example", "Vary: Origin"}},

		// RegExp origins: RegExp.test is an unanchored search.
		{"regexp unanchored: lookalike suffix", `{"origin": {"regexp": "example\\.com"}}`, get("https://example.com.evil.net"), 200,
			[]string{"Access-Control-Allow-Origin: https://example.com.evil.net", "Vary: Origin"}},
		{"regexp $ only: lookalike prefix", `{"origin": {"regexp": "example\\.com$"}, "credentials": true}`, get("https://evilexample.com"), 200,
			[]string{"Access-Control-Allow-Origin: https://evilexample.com", "Access-Control-Allow-Credentials: true", "Vary: Origin"}},
		{"regexp anchored refuses", `{"origin": {"regexp": "^https://example\\.com$"}}`, get("https://evilexample.com"), 200, []string{"Vary: Origin"}},
		{"regexp i flag folds Latin-1", `{"origin": {"regexp": "caf\u00e9", "flags": "i"}}`, get("https://CAF\u00c9.example"), 200,
			[]string{"Access-Control-Allow-Origin: https://CAF\u00c9.example", "Vary: Origin"}},
		{"regexp in an array", `{"origin": ["https://x.example", {"regexp": "^null$"}]}`, get("null"), 200,
			[]string{"Access-Control-Allow-Origin: null", "Vary: Origin"}},

		// allowedHeaders / headers
		{"allowedHeaders given: no reflection, no Vary", `{"allowedHeaders": ["Content-Type", "X-A"]}`, pre(xcTestApp), 204,
			[]string{"Access-Control-Allow-Origin: *", xcDefMeth, "Access-Control-Allow-Headers: Content-Type,X-A"}},
		{"allowedHeaders empty string reflects", `{"allowedHeaders": ""}`, pre(xcTestApp), 204,
			[]string{"Access-Control-Allow-Origin: *", xcDefMeth, "Vary: Access-Control-Request-Headers", "Access-Control-Allow-Headers: x-custom"}},
		{"allowedHeaders empty array sends nothing", `{"allowedHeaders": []}`, pre(xcTestApp), 204,
			[]string{"Access-Control-Allow-Origin: *", xcDefMeth}},
		{"headers alias", `{"headers": "X-Alias"}`, pre(xcTestApp), 204,
			[]string{"Access-Control-Allow-Origin: *", xcDefMeth, "Access-Control-Allow-Headers: X-Alias"}},
		{"allowedHeaders number has no length", `{"allowedHeaders": 5}`, pre(xcTestApp), 204,
			[]string{"Access-Control-Allow-Origin: *", xcDefMeth}},
		{"reflection joins duplicate ACRH", `{}`, xcRequest("OPTIONS", "Access-Control-Request-Headers", "x-a", "Access-Control-Request-Headers", "x-b"), 204,
			[]string{"Access-Control-Allow-Origin: *", xcDefMeth, "Vary: Access-Control-Request-Headers", "Access-Control-Allow-Headers: x-a, x-b"}},

		// methods
		{"methods verbatim, not checked against ACRM", `{"methods": "get, post"}`, pre(xcTestApp), 204,
			[]string{"Access-Control-Allow-Origin: *", "Access-Control-Allow-Methods: get, post", "Vary: Access-Control-Request-Headers", "Access-Control-Allow-Headers: x-custom"}},
		{"methods array joined with commas", `{"methods": ["GET", null, 1]}`, pre(xcTestApp), 204,
			[]string{"Access-Control-Allow-Origin: *", "Access-Control-Allow-Methods: GET,,1", "Vary: Access-Control-Request-Headers", "Access-Control-Allow-Headers: x-custom"}},
		{"methods empty string sends nothing", `{"methods": ""}`, pre(xcTestApp), 204,
			[]string{"Access-Control-Allow-Origin: *", "Vary: Access-Control-Request-Headers", "Access-Control-Allow-Headers: x-custom"}},
		{"methods null: TypeError, 500 without headers", `{"methods": null}`, pre(xcTestApp), 500, []string{}},
		{"methods null: actual requests unaffected", `{"methods": null}`, get(xcTestApp), 200, []string{"Access-Control-Allow-Origin: *"}},
		{"methods object with toString: throws in setHeader after ACAO", `{"methods": {"toString": 1}}`, pre(xcTestApp), 500,
			[]string{"Access-Control-Allow-Origin: *"}},
		{"methods object", `{"methods": {}}`, pre(xcTestApp), 204,
			[]string{"Access-Control-Allow-Origin: *", "Access-Control-Allow-Methods: [object Object]", "Vary: Access-Control-Request-Headers", "Access-Control-Allow-Headers: x-custom"}},

		// exposedHeaders, credentials, maxAge
		{"exposedHeaders on preflights", `{"exposedHeaders": ["X-A", "X-B"]}`, xcRequest("OPTIONS"), 204,
			[]string{"Access-Control-Allow-Origin: *", xcDefMeth, "Vary: Access-Control-Request-Headers", "Access-Control-Expose-Headers: X-A,X-B"}},
		{"exposedHeaders on actual responses", `{"exposedHeaders": "X-Total"}`, get(xcTestApp), 200,
			[]string{"Access-Control-Allow-Origin: *", "Access-Control-Expose-Headers: X-Total"}},
		{"exposedHeaders beyond Latin-1: 500 after ACAO", `{"exposedHeaders": "X-\u0100"}`, get(xcTestApp), 500, []string{"Access-Control-Allow-Origin: *"}},
		{"credentials must be === true", `{"origin": true, "credentials": "true"}`, get(xcTestApp), 200,
			[]string{"Access-Control-Allow-Origin: https://app.example.com", "Vary: Origin"}},
		{"maxAge 0 is sent", `{"maxAge": 0}`, xcRequest("OPTIONS"), 204,
			[]string{"Access-Control-Allow-Origin: *", xcDefMeth, "Vary: Access-Control-Request-Headers", "Access-Control-Max-Age: 0"}},
		{"maxAge true is sent as true", `{"maxAge": true}`, xcRequest("OPTIONS"), 204,
			[]string{"Access-Control-Allow-Origin: *", xcDefMeth, "Vary: Access-Control-Request-Headers", "Access-Control-Max-Age: true"}},
		{"maxAge null sends nothing", `{"maxAge": null}`, xcRequest("OPTIONS"), 204,
			[]string{"Access-Control-Allow-Origin: *", xcDefMeth, "Vary: Access-Control-Request-Headers"}},
		{"maxAge as JavaScript prints it", `{"maxAge": 1e21}`, xcRequest("OPTIONS"), 204,
			[]string{"Access-Control-Allow-Origin: *", xcDefMeth, "Vary: Access-Control-Request-Headers", "Access-Control-Max-Age: 1e+21"}},
		{"maxAge only on preflights", `{"maxAge": 600}`, get(xcTestApp), 200, []string{"Access-Control-Allow-Origin: *"}},

		// preflightContinue, optionsSuccessStatus
		{"preflightContinue: Express answers 200", `{"preflightContinue": true, "origin": ["https://app.example.com"]}`, pre(xcTestApp), 200,
			[]string{"Access-Control-Allow-Origin: https://app.example.com", xcDefMeth, "Vary: Origin, Access-Control-Request-Headers", "Access-Control-Allow-Headers: x-custom"}},
		{"optionsSuccessStatus 200", `{"optionsSuccessStatus": 200}`, xcRequest("OPTIONS"), 200,
			[]string{"Access-Control-Allow-Origin: *", xcDefMeth, "Vary: Access-Control-Request-Headers"}},
		{"optionsSuccessStatus is ToInt32'd", `{"optionsSuccessStatus": "0x12c"}`, xcRequest("OPTIONS"), 300,
			[]string{"Access-Control-Allow-Origin: *", xcDefMeth, "Vary: Access-Control-Request-Headers"}},
		{"optionsSuccessStatus 1000: writeHead throws after the headers", `{"optionsSuccessStatus": 1000}`, xcRequest("OPTIONS"), 500,
			[]string{"Access-Control-Allow-Origin: *", xcDefMeth, "Vary: Access-Control-Request-Headers"}},

		// Latin-1 header bytes, and Express's UTF-8 heads.
		{"Latin-1 value written as Latin-1", `{"methods": "\u00e9"}`, xcRequest("OPTIONS"), 204,
			[]string{"Access-Control-Allow-Origin: *", "Access-Control-Allow-Methods: \u00e9", "Vary: Access-Control-Request-Headers"}},
		{"Express's OPTIONS answer writes its head in UTF-8", `{"methods": "\u00e9", "preflightContinue": true}`, xcRequest("OPTIONS"), 200,
			[]string{"Access-Control-Allow-Origin: *", "Access-Control-Allow-Methods: \u00c3\u00a9", "Vary: Access-Control-Request-Headers"}},

		// Node's parser, before Express.
		{"custom method: 400 from Node", `{}`, xcRequest("FOO", "Origin", xcTestApp), 400, []string{}},
		{"lowercase patch: 400 from Node", `{}`, xcRequest("patch", "Origin", xcTestApp), 400, []string{}},
		{"CONNECT: no answer", `{}`, xcRequest("CONNECT", "Origin", xcTestApp), 0, []string{}},
		{"control character: 400 from Node", `{"origin": true}`, xcRequest("GET", "Origin", "https://a\x01.example"), 400, []string{}},

		// Unknown options: ignored, except __proto__.
		{"unknown options ignored", `{"origins": ["https://app.example.com"], "allowCredentials": true}`, get(xcTestEvil), 200,
			[]string{"Access-Control-Allow-Origin: *"}},
		{"__proto__ supplies credentials", `{"origin": true, "__proto__": {"credentials": true, "methods": "IGNORED"}}`, get(xcTestEvil), 200,
			[]string{"Access-Control-Allow-Origin: https://evil.example.net", "Access-Control-Allow-Credentials: true", "Vary: Origin"}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			em, err := newCors(xcOptions(t, tc.options))
			if err != nil {
				t.Fatal(err)
			}
			if w := em.Warnings(); len(w) != 0 {
				t.Errorf("warnings() = %q, want none: the library logs nothing", w)
			}
			req := tc.req
			req.Meter = testMeter()
			got := em.Respond(req)
			want := slices.Clone(tc.want)
			slices.Sort(want)
			if lines := xcCORSLines(got.Headers); got.Status != tc.status || !slices.Equal(lines, want) {
				t.Errorf("%s\n got %d %q\nwant %d %q", tc.options, got.Status, lines, tc.status, want)
			}
		})
	}
}

// TestExpressCorsContentLength: the library's own preflight answer carries
// Content-Length: 0; Express's does not come from cors. cors() ignores
// unknown options without a word.
func TestExpressCorsContentLength(t *testing.T) {
	em, _ := newCors(nil)
	req := xcRequest("OPTIONS")
	req.Meter = testMeter()
	resp := em.Respond(req)
	if v, ok := resp.Headers.Get("Content-Length"); !ok || v != "0" {
		t.Errorf("Content-Length = %q, %v; want 0", v, ok)
	}
	em, _ = newCors(xcOptions(t, `{"origins": "x", "allowCredentials": true, "__proto__": 1}`))
	if w := em.Warnings(); w != nil {
		t.Errorf("warnings() = %q, want none", w)
	}
}

// TestExpressCorsNodeRefuses: Node's parser answers before Express sees
// the request: 400 to a method it does not know or a control character in
// a header value (CONNECT's too), nothing to a well-formed CONNECT.
func TestExpressCorsNodeRefuses(t *testing.T) {
	c, err := newCors(xcOptions(t, `{"origin": true}`))
	if err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		req    message.Request
		status int
	}{
		{xcRequest("patch", "Origin", xcTestApp), 400},
		{xcRequest("CONNECT", "Origin", "https://a\x01.example"), 400},
		{xcRequest("GET", "X-Other", "a\x7fb"), 400},
		{xcRequest("CONNECT", "Origin", xcTestApp), 0},
	} {
		if got := c.Respond(tc.req); got.Status != tc.status || len(got.Headers) != 0 {
			t.Errorf("%s %q: %d %q, want %d and no header", tc.req.Method, tc.req.Headers, got.Status, got.Headers, tc.status)
		}
	}
}

func TestExpressCorsRefused(t *testing.T) {
	tests := []struct {
		options string
		config  string // *server.ConfigError message; "" for a *server.OptionError
	}{
		{`{"origin": {"regexp": "("}}`, "Invalid regular expression: /(/: Unterminated group"},
		{`{"origin": {"regexp": "(", "flags": "i"}}`, "Invalid regular expression: /(/i: Unterminated group"},
		{`{"origin": [{"regexp": "[b-a]"}]}`, "Invalid regular expression: /[b-a]/: Range out of order in character class"},
		{`{"origin": {"regexp": "a{2,1}"}}`, "Invalid regular expression: /a{2,1}/: numbers out of order in {} quantifier"},
		{`{"origin": {"regexp": "a**"}}`, "Invalid regular expression: /a**/: Nothing to repeat"},
		{`{"origin": {"regexp": "(?<=a)*"}}`, "Invalid regular expression: /(?<=a)*/: Invalid quantifier"},
		{`{"origin": {"regexp": "(?<a>x)(?<a>y)"}}`, "Invalid regular expression: /(?<a>x)(?<a>y)/: Duplicate capture group name"},
		{`{"origin": {"regexp": "\\k<b>(?<a>x)"}}`, "Invalid regular expression: /\\k<b>(?<a>x)/: Invalid named capture referenced"},
		{`{"origin": {"regexp": ")"}}`, "Invalid regular expression: /)/: Unmatched ')'"},
		{`{"origin": {"regexp": "a\\"}}`, "Invalid regular expression: /a\\/: \\ at end of pattern"},
		{`{"origin": {"regexp": "a", "flags": "gg"}}`, "Invalid flags supplied to RegExp constructor 'gg'"},
		{`{"origin": {"regexp": "a", "flags": "x"}}`, "Invalid flags supplied to RegExp constructor 'x'"},
		{`{"origin": {"regexp": "(?=a)"}}`, ""},
		{`{"origin": {"regexp": "(a)\\1"}}`, ""},
		{`{"origin": {"regexp": "a", "flags": "g"}}`, ""},
		{`{"origin": {"regexp": "a", "flags": "u"}}`, ""},
		{`{"origin": {"regexp": "a{1001}"}}`, ""},
		{`{"optionsSuccessStatus": 100}`, ""},
		{`{"optionsSuccessStatus": 600}`, ""},
		{`{"origin": [1, {"regexp": 5}]}`, "-"}, // not the RegExp form: accepted
		{`{"optionsSuccessStatus": 100, "preflightContinue": true}`, "-"},
		{`{"optionsSuccessStatus": 1000}`, "-"}, // a faithful 500
	}
	for _, tc := range tests {
		_, err := newCors(xcOptions(t, tc.options))
		var ce *server.ConfigError
		var fe *server.OptionError
		switch {
		case tc.config == "-":
			if err != nil {
				t.Errorf("%s: %v, want accepted", tc.options, err)
			}
		case tc.config == "":
			if !errors.As(err, &fe) {
				t.Errorf("%s: %v, want a *server.OptionError", tc.options, err)
			}
		case !errors.As(err, &ce) || ce.Message != tc.config || ce.Library != "express-cors":
			t.Errorf("%s: %v, want *ConfigError %q", tc.options, err, tc.config)
		}
	}
}

func TestExpressCorsRegExpTranslation(t *testing.T) {
	tests := []struct {
		re, flags, input string
		want             bool
	}{
		{`example\.com`, "", "https://example.com.evil.net", true},
		{`^a$`, "", "a", true},
		{`^a$`, "m", "ba", false},
		{`APP`, "i", "https://app.example", true},
		{`\u00b5`, "i", "\u00b5", true},
		{`\u039c`, "i", "\u00b5", true}, // µ's toUpperCase is U+039C
		{`\u0178`, "i", "\u00ff", true}, // ÿ's toUpperCase is U+0178
		{`\u212a`, "i", "k", false},     // Kelvin sign: no fold onto ASCII
		{`\u017f`, "i", "s", false},     // long s: no fold onto ASCII
		{`\u212b`, "i", "\u00e5", false},
		{`[^a-z]`, "i", "A", false},
		{`\xd7`, "i", "\xf7", false}, // × and ÷ are not a case pair
		{`\s`, "", "\u00a0", true},
		{`\S`, "", "\u00a0", false},
		{`\w`, "i", "\u00e9", false},
		{`^.$`, "", "\u00e9", true},
		{`\cA`, "", "\x01", true},
		{`\c1`, "", `\c1`, true}, // \c without a letter: a backslash
		{`[\c1]`, "", "\x11", true},
		{`\1`, "", "\x01", true}, // no group: octal
		{`\8`, "", "8", true},
		{`\400`, "", " 0", true},
		{`\u{2}`, "", "uu", true}, // \u then a quantifier
		{`a{`, "", "a{", true},
		{`x{,5}`, "", "x{,5}", true},
		{`[]`, "", "a", false},
		{`[^]`, "", "\n", true},
		{`[\d-z]`, "", "-", true},
		{`[\b]`, "", "\b", true},
		{`\k`, "", "k", true},
		{`undefined`, "", "undefined", true},
		{`(?<n>a)b`, "", "ab", true},
	}
	for _, tc := range tests {
		re, err := newJSRegExp(tc.re, tc.flags, "origin", &pattern.Set{})
		if err != nil {
			t.Errorf("/%s/%s: %v", tc.re, tc.flags, err)
			continue
		}
		if got := re.re.Match(tc.input, testMeter()); got != tc.want {
			t.Errorf("/%s/%s.test(%q) = %v, want %v (Go: %s)", tc.re, tc.flags, tc.input, got, tc.want, re.re)
		}
	}
}

func TestExpressCorsJSValues(t *testing.T) {
	for f, want := range map[float64]string{
		0: "0", math.Copysign(0, -1): "0", 1: "1", -1: "-1", 1.5: "1.5", 600: "600", 1e21: "1e+21", 1e20: "100000000000000000000",
		123456789012345680000: "123456789012345680000", 1e-6: "0.000001", 1e-7: "1e-7", 1.25e-7: "1.25e-7", 0.1: "0.1",
		math.Inf(1): "Infinity", math.Inf(-1): "-Infinity", 5e-324: "5e-324", 1.7976931348623157e308: "1.7976931348623157e+308",
	} {
		if got := jsNumberToString(f); got != want {
			t.Errorf("jsNumberToString(%v) = %q, want %q", f, got, want)
		}
	}
	for s, want := range map[string]float64{
		"": 0, " 200 ": 200, "0x12c": 300, "0X12C": 300, "0o17": 15, "0b11": 3, "2e2": 200, ".5": 0.5, "5.": 5,
		"+7": 7, "-7": -7, "Infinity": math.Inf(1), "-Infinity": math.Inf(-1), "\u00a0\ufeff1": 1,
	} {
		if got := jsStringToNumber(s); got != want {
			t.Errorf("jsStringToNumber(%q) = %v, want %v", s, got, want)
		}
	}
	for _, s := range []string{"abc", "0x", "-0x10", "1_000", "inf", "NaN", "0x1p3", "1e", "--1"} {
		if got := jsStringToNumber(s); !math.IsNaN(got) {
			t.Errorf("jsStringToNumber(%q) = %v, want NaN", s, got)
		}
	}
	for f, want := range map[float64]int32{
		204.9: 204, -1.5: -1, 4294967496: 200, 2147483648: -2147483648, math.NaN(): 0, math.Inf(1): 0,
	} {
		if got := jsToInt32(f); got != want {
			t.Errorf("jsToInt32(%v) = %v, want %v", f, got, want)
		}
	}
}

// testMeter is a fresh budget for a test's pattern matching.
func testMeter() *pattern.Meter { return pattern.NewMeter(pattern.Budget) }

func TestLiterals(t *testing.T) {
	for in, want := range map[string]string{
		"":         `/(?:)/`,
		"a/b":      `/a\/b/`,
		`a\/b`:     `/a\/b/`,
		`a\\/b`:    `/a\\\/b/`,
		"a\nb":     `/a\u000ab/`,
		"a\\\nb":   `/a\u000ab/`,
		`[/]`:      `/[\/]/`,
		`^https:x`: `/^https:x/`,
	} {
		if got := RegExpLiteral(in); got != want {
			t.Errorf("RegExpLiteral(%q) = %s, want %s", in, got, want)
		}
	}
	if got := Quote("a'b\\c\n\u2028"); got != `'a\'b\\c\u000a\u2028'` {
		t.Errorf("Quote = %s", got)
	}
}
