package engine_test

import (
	"errors"
	"fmt"
	"strings"
	"testing"

	"corsplay/engine"
)

const goodScenario = `{"v":1,"page":"https://app.example.com","request":{"url":"https://api.example.com/items"}}`

// scenarioJSON returns a scenario whose request object is req (JSON) and
// whose other fields are extra (JSON members, with a leading comma).
func scenarioJSON(req, extra string) string {
	return `{"v":1,"page":"https://app.example.com","request":` + req + extra + `}`
}

// manyHeaders returns a JSON header list of n ["X-Hn", "v"] pairs.
func manyHeaders(n int) string {
	parts := make([]string, n)
	for i := range parts {
		parts[i] = fmt.Sprintf(`["X-H%d","v"]`, i)
	}
	return "[" + strings.Join(parts, ",") + "]"
}

func repeats(n int) string {
	parts := make([]string, n)
	for i := range parts {
		parts[i] = fmt.Sprint(i)
	}
	return "[" + strings.Join(parts, ",") + "]"
}

// padTo pads a scenario with trailing spaces to exactly n bytes.
func padTo(s string, n int) string {
	return s + strings.Repeat(" ", n-len(s))
}

// decodeErrorTests: field is the FieldError.Field wanted; problem a
// substring of FieldError.Problem ("" to skip).
var decodeErrorTests = []struct {
	name, in       string
	field, problem string
}{
	{"empty input", "", "", ""},
	{"bad JSON", "{\"v\": 1,\n\"page\": }", "", "line 2, column 9"},
	{"bad JSON on line 1", `{"v": 1,, "page": "null"}`, "", "line 1, column 9"},
	{"truncated JSON", `{"v": 1, "page": "null"`, "", ""},
	{"data after the scenario", goodScenario + ` {"v":1}`, "", ""},
	{"unknown top-level field", `{"v":1,"pgae":"https://app.example.com","request":{"url":"https://api.example.com/"}}`, "pgae", "unknown"},
	{"unknown field in request", scenarioJSON(`{"url":"https://api.example.com/","methd":"PUT"}`, ""), "request.methd", "unknown"},
	{"v has the wrong type", `{"v":"1","page":"null","request":{"url":"https://api.example.com/"}}`, "v", ""},
	{"v missing", `{"page":"https://app.example.com","request":{"url":"https://api.example.com/"}}`, "v", "missing"},
	{"v = 2", `{"v":2,"page":"https://app.example.com","request":{"url":"https://api.example.com/"}}`, "v", "2"},
	{"bad browser", scenarioJSON(`{"url":"https://api.example.com/"}`, `,"browser":"opera"`), "browser", `"opera" is not a profile: use "chrome", "edge", "firefox", "safari" or "spec"`},
	{"browser is case-sensitive", scenarioJSON(`{"url":"https://api.example.com/"}`, `,"browser":"Chrome"`), "browser", ""},
	{"page missing", `{"v":1,"request":{"url":"https://api.example.com/"}}`, "page", "missing"},
	{"page with trailing slash", `{"v":1,"page":"https://app.example.com/","request":{"url":"https://api.example.com/"}}`, "page", `"https://app.example.com"`},
	{"page with default port", `{"v":1,"page":"https://app.example.com:443","request":{"url":"https://api.example.com/"}}`, "page", `"https://app.example.com"`},
	{"page upper case", `{"v":1,"page":"https://APP.example.com","request":{"url":"https://api.example.com/"}}`, "page", `"https://app.example.com"`},
	{"page not an origin", `{"v":1,"page":"app.example.com","request":{"url":"https://api.example.com/"}}`, "page", ""},
	{"url missing", scenarioJSON(`{"method":"GET"}`, ""), "request.url", "missing"},
	{"bad URL", scenarioJSON(`{"url":"https://exa mple.com/x"}`, ""), "request.url", ""},
	{"bad port", scenarioJSON(`{"url":"https://api.example.com:port/x"}`, ""), "request.url", ""},
	{"relative URL", scenarioJSON(`{"url":"/items"}`, ""), "request.url", "absolute"},
	{"scheme-relative URL", scenarioJSON(`{"url":"//api.example.com/items"}`, ""), "request.url", ""},
	{"ftp URL", scenarioJSON(`{"url":"ftp://api.example.com/items"}`, ""), "request.url", "ftp"},
	{"non-token method", scenarioJSON(`{"url":"https://api.example.com/","method":"GE T"}`, ""), "request.method", "GE T"},
	{"method with colon", scenarioJSON(`{"url":"https://api.example.com/","method":"GET:"}`, ""), "request.method", ""},
	{"non-token header name", scenarioJSON(`{"url":"https://api.example.com/","headers":[["Accept","*/*"],["X Custom","1"]]}`, ""), "request.headers[1]", "X Custom"},
	{"header name with colon", scenarioJSON(`{"url":"https://api.example.com/","headers":[["X-A:","1"]]}`, ""), "request.headers[0]", ""},
	{"empty header name", scenarioJSON(`{"url":"https://api.example.com/","headers":[["","1"]]}`, ""), "request.headers[0]", ""},
	{"header value with CR LF inside", scenarioJSON(`{"url":"https://api.example.com/","headers":[["X-A","1\r\nX-B: 2"]]}`, ""), "request.headers[0]", ""},
	{"header value with LF inside", scenarioJSON(`{"url":"https://api.example.com/","headers":[["X-A","1"],["X-B","a\nb"]]}`, ""), "request.headers[1]", ""},
	{"header value with NUL", scenarioJSON(`{"url":"https://api.example.com/","headers":[["X-A","a\u0000b"]]}`, ""), "request.headers[0]", ""},
	{"bad credentials", scenarioJSON(`{"url":"https://api.example.com/","credentials":"includes"}`, ""), "request.credentials", "includes"},
	{"credentials case", scenarioJSON(`{"url":"https://api.example.com/","credentials":"Include"}`, ""), "request.credentials", ""},
	{"bad mode", scenarioJSON(`{"url":"https://api.example.com/","mode":"nocors"}`, ""), "request.mode", "nocors"},
	{"mode navigate", scenarioJSON(`{"url":"https://api.example.com/","mode":"navigate"}`, ""), "request.mode", ""},
	{"repeat out of order", scenarioJSON(`{"url":"https://api.example.com/","repeat":[0,5,3]}`, ""), "request.repeat[2]", ""},
	{"repeat negative", scenarioJSON(`{"url":"https://api.example.com/","repeat":[-1]}`, ""), "request.repeat[0]", ""},
	{"repeat beyond a day", scenarioJSON(`{"url":"https://api.example.com/","repeat":[0,86401]}`, ""), "request.repeat[1]", ""},
	{"21 repeats", scenarioJSON(`{"url":"https://api.example.com/","repeat":`+repeats(21)+`}`, ""), "request.repeat", ""},
	{"101 request headers", scenarioJSON(`{"url":"https://api.example.com/","headers":`+manyHeaders(101)+`}`, ""), "request.headers", "101"},
	{"101 response headers", scenarioJSON(`{"url":"https://api.example.com/"}`, `,"server":{"raw":{"actual":{"status":200,"headers":`+manyHeaders(101)+`}}}`), "server.raw.actual.headers", ""},
	{"over 64 KiB", padTo(goodScenario, 64<<10+1), "", "65537"},
	{"actual status 99", scenarioJSON(`{"url":"https://api.example.com/"}`, `,"server":{"raw":{"actual":{"status":99,"headers":[]}}}`), "server.raw.actual.status", "99"},
	{"actual status 199", scenarioJSON(`{"url":"https://api.example.com/"}`, `,"server":{"raw":{"actual":{"status":199,"headers":[]}}}`), "server.raw.actual.status", ""},
	{"preflight status 600", scenarioJSON(`{"url":"https://api.example.com/"}`, `,"server":{"raw":{"preflight":{"status":600,"headers":[]}}}`), "server.raw.preflight.status", "600"},
	{"preflight status missing", scenarioJSON(`{"url":"https://api.example.com/"}`, `,"server":{"raw":{"preflight":{"headers":[]}}}`), "server.raw.preflight.status", ""},
	{"response header name", scenarioJSON(`{"url":"https://api.example.com/"}`, `,"server":{"raw":{"preflight":{"status":204,"headers":[["Access Control","x"]]}}}`), "server.raw.preflight.headers[0]", ""},
	{"redirect mode", scenarioJSON(`{"url":"https://api.example.com/","redirect":"follw"}`, ""), "request.redirect", `"follow", "error" or "manual"`},
	{"elsewhere without url", scenarioJSON(`{"url":"https://api.example.com/"}`, `,"elsewhere":[{"server":{}}]`), "elsewhere[0].url", "missing"},
	{"elsewhere relative url", scenarioJSON(`{"url":"https://api.example.com/"}`, `,"elsewhere":[{"url":"/login","server":{}}]`), "elsewhere[0].url", "absolute"},
	{"elsewhere url with fragment", scenarioJSON(`{"url":"https://api.example.com/"}`, `,"elsewhere":[{"url":"https://login.example.com/#x","server":{}}]`), "elsewhere[0].url", "fragment"},
	{"elsewhere bad server", scenarioJSON(`{"url":"https://api.example.com/"}`, `,"elsewhere":[{"url":"https://login.example.com/","server":{"policy":{"origins":["*"]}}}]`), "elsewhere[0].server.policy.origins[0]", "a * is allowed only"},
	{"elsewhere bad status", scenarioJSON(`{"url":"https://api.example.com/"}`, `,"elsewhere":[{"url":"https://login.example.com/","server":{"raw":{"actual":{"status":99,"headers":[]}}}}]`), "elsewhere[0].server.raw.actual.status", "final HTTP status"},
	{"elsewhere 11 servers", scenarioJSON(`{"url":"https://api.example.com/"}`, `,"elsewhere":[`+strings.TrimSuffix(strings.Repeat(`{"url":"https://login.example.com/","server":{}},`, 11), ",")+`]`), "elsewhere", "at most 10"},
	{"repeat with a redirect", scenarioJSON(`{"url":"https://api.example.com/","repeat":[0,1]}`, `,"server":{"raw":{"actual":{"status":302,"headers":[["Location","/x"]]}}}`), "request.repeat", "redirect"},
	{"unknown field in server", scenarioJSON(`{"url":"https://api.example.com/"}`, `,"server":{"raw":{"actual":{"status":200,"headers":[]},"options":{}}}`), "server.raw.options", "unknown"},
	// Arrays name the element.
	{"array, bad page in element 1", `[` + goodScenario + `,{"v":1,"page":"https://app.example.com/","request":{"url":"https://api.example.com/"}}]`, "[1].page", `"https://app.example.com"`},
	{"array, bad header in element 2", `[` + goodScenario + `,` + goodScenario + `,` + scenarioJSON(`{"url":"https://api.example.com/","headers":[["X A","1"]]}`, "") + `]`, "[2].request.headers[0]", ""},
	{"array, unknown field in element 0", `[{"v":1,"pgae":"null","request":{"url":"https://api.example.com/"}}]`, "[0].pgae", "unknown"},
	{"array, v missing in element 1", `[` + goodScenario + `,{"page":"null","request":{"url":"https://api.example.com/"}}]`, "[1].v", ""},
	{"bad JSON array", `[` + goodScenario + `,]`, "[1]", "invalid JSON at line 1, column 93: want a value"},
	{"array, bad JSON in element 1", `[` + goodScenario + `,{"v":1,,}]`, "[1]", "invalid JSON at line 1, column 100: invalid character ','"},
	{"array, element over 64 KiB", `[` + goodScenario + `,` + padTo(goodScenario[:len(goodScenario)-1], 64<<10) + `}]`, "[1]", "the element is 65537 bytes, more than the 65536 allowed for one element"},
	{"array not closed", `[` + goodScenario, "", "truncated JSON: the input ends at line 1, column 92, before the array's closing ]"},
	{"data after the array", `[` + goodScenario + `] x`, "", "unexpected data after the array, at line 1, column 94"},
	{"no comma between elements", `[` + goodScenario + ` ` + goodScenario + `]`, "", "invalid JSON at line 1, column 93: want , or ] after element [0]"},
	// Ports: https://url.spec.whatwg.org/#port-state
	{"port over 65535", scenarioJSON(`{"url":"https://api.example.com:65536/x"}`, ""), "request.url", "port 65536 is over 65535, the largest a URL may have; fetch() throws TypeError: Failed to parse URL from https://api.example.com:65536/x"},
	{"port 99999", scenarioJSON(`{"url":"https://a.example:99999/"}`, ""), "request.url", "port 99999 is over 65535"},
	{"port 0065536", scenarioJSON(`{"url":"https://a.example:0065536/"}`, ""), "request.url", "port 0065536 is over 65535"},
	{"page port over 65535", `{"v":1,"page":"https://app.example.com:65536","request":{"url":"https://api.example.com/"}}`, "page", `"https://app.example.com:65536" is not an origin: port 65536 is over 65535`},
	{"page port with a leading zero", `{"v":1,"page":"https://app.example.com:0443","request":{"url":"https://api.example.com/"}}`, "page", `browsers write it "https://app.example.com"`},
}

func TestDecodeErrors(t *testing.T) {
	for _, tt := range decodeErrorTests {
		t.Run(tt.name, func(t *testing.T) {
			got, _, err := engine.Decode([]byte(tt.in))
			if err == nil {
				t.Fatalf("Decode(%.80q) = %d scenarios, want an error on %q", tt.in, len(got), tt.field)
			}
			var fe *engine.FieldError
			if !errors.As(err, &fe) {
				t.Fatalf("Decode(%.80q) error %v (%T), want a *FieldError", tt.in, err, err)
			}
			if fe.Field != tt.field {
				t.Errorf("Decode(%.80q) error field %q (%v), want %q", tt.in, fe.Field, err, tt.field)
			}
			if !strings.Contains(fe.Problem, tt.problem) {
				t.Errorf("Decode(%.80q) problem %q, want it to contain %q", tt.in, fe.Problem, tt.problem)
			}
			if fe.Problem == "" {
				t.Errorf("Decode(%.80q): empty problem", tt.in)
			}
			wantMsg := fe.Problem
			if fe.Field != "" {
				wantMsg = fe.Field + ": " + fe.Problem
			}
			if err.Error() != wantMsg {
				t.Errorf("Decode(%.80q) error text %q, want %q", tt.in, err.Error(), wantMsg)
			}
		})
	}
}

// decodeOKTests are inputs that are valid scenarios.
var decodeOKTests = []struct {
	name, in string
	count    int
	many     bool
}{
	{"good scenario", goodScenario, 1, false},
	{"leading whitespace", "\n\t " + goodScenario, 1, false},
	{"page null", `{"v":1,"page":"null","request":{"url":"https://api.example.com/"}}`, 1, false},
	{"IPv6 page", `{"v":1,"page":"http://[::1]:8080","request":{"url":"http://[::1]:9090/x"}}`, 1, false},
	{"every field", `{"v":1,"title":"t","browser":"spec","page":"https://app.example.com","request":{"url":"https://api.example.com/x?y#z","method":"patch","headers":[["X-A","1"],["X-A",""]],"body":"{}","credentials":"include","mode":"cors","repeat":[0,0,5.5,86400]},"server":{"raw":{"preflight":{"status":204,"headers":[["Access-Control-Allow-Origin","https://app.example.com"]]},"actual":{"status":599,"headers":[]}}}}`, 1, false},
	{"no-cors and omit", scenarioJSON(`{"url":"https://api.example.com/","mode":"no-cors","credentials":"omit"}`, ""), 1, false},
	{"same-origin mode", scenarioJSON(`{"url":"https://api.example.com/","mode":"same-origin","credentials":"same-origin"}`, ""), 1, false},
	{"status 200 and 599", scenarioJSON(`{"url":"https://api.example.com/"}`, `,"server":{"raw":{"preflight":{"status":599,"headers":[]},"actual":{"status":200,"headers":null}}}`), 1, false},
	{"actual 301 without Location", scenarioJSON(`{"url":"https://api.example.com/"}`, `,"server":{"raw":{"actual":{"status":301,"headers":[]}}}`), 1, false},
	{"preflight 301 with Location", scenarioJSON(`{"url":"https://api.example.com/"}`, `,"server":{"raw":{"preflight":{"status":301,"headers":[["Location","/x"]]}}}`), 1, false},
	{"actual 308 with location", scenarioJSON(`{"url":"https://api.example.com/"}`, `,"server":{"raw":{"actual":{"status":308,"headers":[["location","/x"]]}}}`), 1, false},
	{"elsewhere 10 servers", scenarioJSON(`{"url":"https://api.example.com/"}`, `,"elsewhere":[`+strings.TrimSuffix(strings.Repeat(`{"url":"https://login.example.com/","server":{}},`, 10), ",")+`]`), 1, false},
	{"repeat with a 302 without Location", scenarioJSON(`{"url":"https://api.example.com/","repeat":[0,1]}`, `,"server":{"raw":{"actual":{"status":302,"headers":[]}}}`), 1, false},
	{"100 headers", scenarioJSON(`{"url":"https://api.example.com/","headers":`+manyHeaders(100)+`}`, ""), 1, false},
	{"port 65535", scenarioJSON(`{"url":"https://api.example.com:65535/"}`, ""), 1, false},
	{"port with leading zeros", scenarioJSON(`{"url":"https://api.example.com:0080/"}`, ""), 1, false},
	{"empty port", scenarioJSON(`{"url":"https://api.example.com:/"}`, ""), 1, false},
	{"20 repeats", scenarioJSON(`{"url":"https://api.example.com/","repeat":`+repeats(20)+`}`, ""), 1, false},
	{"exactly 64 KiB", padTo(goodScenario, 64<<10), 1, false},
	{"array of two", "[" + goodScenario + "," + goodScenario + "]", 2, true},
	{"empty array", "[]", 0, true},
	// fetch() strips leading and trailing HTTP whitespace from a header
	// value before it checks for CR and LF (fetch-cors.md §2.2 steps 1-2), so
	// a value ending in a newline is one script can send.
	{"header value with trailing newline", scenarioJSON(`{"url":"https://api.example.com/","headers":[["X-A","1\n"]]}`, ""), 1, false},
	{"header value with leading CR LF", scenarioJSON(`{"url":"https://api.example.com/","headers":[["X-A","\r\n 1"]]}`, ""), 1, false},
}

func TestDecodeOK(t *testing.T) {
	for _, tt := range decodeOKTests {
		t.Run(tt.name, func(t *testing.T) {
			got, many, err := engine.Decode([]byte(tt.in))
			if err != nil {
				t.Fatalf("Decode(%.80q) error %v, want %d scenarios", tt.in, err, tt.count)
			}
			if len(got) != tt.count || many != tt.many {
				t.Errorf("Decode(%.80q) = %d scenarios, many %v, want %d, %v", tt.in, len(got), many, tt.count, tt.many)
			}
		})
	}
}

func TestDecodeFields(t *testing.T) {
	in := `{"v":1,"title":"t","browser":"spec","page":"https://app.example.com","request":{"url":"https://api.example.com/x","method":"patch","headers":[["X-A","1"],["x-a",""]],"body":"{}","credentials":"include","mode":"cors","repeat":[0,5.5]},"server":{"raw":{"preflight":{"status":204,"headers":[["Access-Control-Allow-Origin","https://app.example.com"]]}}}}`
	got, _, err := engine.Decode([]byte(in))
	if err != nil {
		t.Fatal(err)
	}
	s := got[0]
	switch {
	case s.V != 1 || s.Title != "t" || s.Browser != "spec" || s.Page != pageOrigin:
		t.Errorf("Decode: scenario header fields %+v", s)
	case s.Request.URL != "https://api.example.com/x" || s.Request.Method != "patch" || s.Request.Credentials != "include" || s.Request.Mode != "cors":
		t.Errorf("Decode: request %+v", s.Request)
	case len(s.Request.Headers) != 2 || s.Request.Headers[1] != hdr("x-a", ""):
		t.Errorf("Decode: request headers %v, want [X-A: 1, x-a: ]", s.Request.Headers)
	case s.Request.Body == nil || *s.Request.Body != "{}":
		t.Errorf("Decode: body %v, want {}", s.Request.Body)
	case len(s.Request.Repeat) != 2 || s.Request.Repeat[1] != 5.5:
		t.Errorf("Decode: repeat %v, want [0 5.5]", s.Request.Repeat)
	case s.Server.Raw == nil || s.Server.Raw.Preflight == nil || s.Server.Raw.Preflight.Status != 204 || s.Server.Raw.Actual != nil:
		t.Errorf("Decode: server %+v", s.Server.Raw)
	}
}

func TestDecodeOne(t *testing.T) {
	if _, err := engine.DecodeOne([]byte(goodScenario)); err != nil {
		t.Errorf("DecodeOne(good) error %v", err)
	}
	if _, err := engine.DecodeOne([]byte("[" + goodScenario + "]")); err == nil {
		t.Errorf("DecodeOne(array) = nil error, want one: it reads a single scenario")
	}
}

// validateTests call Validate on scenarios built in Go.
var validateTests = []struct {
	name  string
	s     engine.Scenario
	field string // "" for valid
}{
	{"valid", engine.Scenario{V: 1, Page: pageOrigin, Request: engine.Request{URL: apiURL}}, ""},
	{"valid spec", engine.Scenario{V: 1, Browser: "spec", Page: "null", Request: engine.Request{URL: apiURL, Method: "PUT"}}, ""},
	{"v 0", engine.Scenario{Page: pageOrigin, Request: engine.Request{URL: apiURL}}, "v"},
	{"repeat NaN", engine.Scenario{V: 1, Page: pageOrigin, Request: engine.Request{URL: apiURL, Repeat: []float64{nan()}}}, "request.repeat[0]"},
	{"preflight status 0", engine.Scenario{V: 1, Page: pageOrigin, Request: engine.Request{URL: apiURL}, Server: rawServer(&engine.Response{}, nil)}, "server.raw.preflight.status"},
	{"repeated redirect", engine.Scenario{V: 1, Page: pageOrigin, Request: engine.Request{URL: apiURL, Repeat: []float64{0}}, Server: rawServer(nil, resp(302, "Location", "/"))}, "request.repeat"},
}

func nan() float64 {
	zero := 0.0
	return zero / zero
}

func TestValidate(t *testing.T) {
	for _, tt := range validateTests {
		t.Run(tt.name, func(t *testing.T) {
			err := tt.s.Validate()
			if tt.field == "" {
				if err != nil {
					t.Errorf("Validate(%+v) = %v, want nil", tt.s, err)
				}
				return
			}
			var fe *engine.FieldError
			if !errors.As(err, &fe) || fe.Field != tt.field {
				t.Errorf("Validate(%+v) = %v, want a *FieldError on %q", tt.s, err, tt.field)
			}
		})
	}
}
