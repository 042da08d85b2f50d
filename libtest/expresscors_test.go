package libtest

import (
	"encoding/json"
	"fmt"
	"math/rand/v2"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"syscall"
	"testing"
	"time"

	"corsplay/engine"
	"corsplay/engine/server"
)

// The real expressjs/cors 2.8.6 on Express 5, run by node with
// expresscors_server.js, against the engine's "express-cors" emulation:
// status and every CORS header (Access-Control-* and Vary), names
// case-insensitively, values exactly, header order aside.

// xcHarness is the running node process.
type xcHarness struct {
	addr string
}

const xcInstall = "install Node.js 18 or later and run `npm ci` in the module root (/work/main), which installs express 5.3.0 and cors 2.8.6 from package-lock.json"

// xcStart starts node expresscors_server.js on a loopback port it chooses.
func xcStart(t *testing.T) *xcHarness {
	t.Helper()
	node := nodeCheck(t, xcInstall, "express", "cors")
	return &xcHarness{addr: nodeServer(t, exec.Command(node, "expresscors_server.js"), xcInstall)}
}

// configure builds the real app: its id, or the error new RegExp threw.
func (h *xcHarness) configure(t *testing.T, options string) (id, jsErr string) {
	t.Helper()
	return nodeConfigure(t, h.addr, options)
}

func xcIsCORS(name string) bool {
	n := strings.ToLower(name)
	return strings.HasPrefix(n, "access-control-") || n == "vary"
}

// xcLines are the CORS header lines, "name: value" with the name
// lowercased, sorted.
func xcLines(hs engine.Headers) []string {
	lines := []string{}
	for _, h := range hs {
		if xcIsCORS(h.Name) {
			lines = append(lines, strings.ToLower(h.Name)+": "+h.Value)
		}
	}
	slices.Sort(lines)
	return lines
}

// send sends req over a raw connection to app id and reads the answer: the
// status and the CORS header lines; status 0 when node closes the
// connection without one (CONNECT).
func (h *xcHarness) send(t *testing.T, id string, req engine.HTTPRequest) answer {
	t.Helper()
	status, hs := rawExchange(t, h.addr, rawRequest(t, req.Method, "/app/"+id+"/r", h.addr, req.Headers, ""))
	return answer{status, xcLines(hs)}
}

const (
	xcApp       = "https://app.example.com"
	xcAdmin     = "https://admin.example.com"
	xcEvil      = "https://evil.example.net"
	xcLookalike = "https://app.example.com.evil.net"
	xcSuffix    = "https://evilapp.example.com"
	xcUpper     = "https://APP.example.com"
)

// xcOptionPools are the generated values of each option; "" leaves it out.
var xcOptionPools = [][]string{
	{"origin", "", "", "true", "false", `"*"`, `"` + xcApp + `"`, `"null"`, `""`, `0`, `[]`, `[true]`,
		`["` + xcApp + `", "` + xcAdmin + `"]`, `["null", "` + xcApp + `"]`,
		`["` + xcApp + `", {"regexp": "\\.example\\.com$"}]`, `{"regexp": "app\\.example\\.com"}`,
		`{"regexp": "^https://[a-z]+\\.example\\.com$", "flags": "i"}`, `{"not": "a regexp"}`},
	{"methods", "", "", `"GET,POST"`, `["GET", "PUT", "DELETE"]`, `""`, `[]`, `["PATCH"]`, `"get, post"`},
	{"allowedHeaders", "", "", "", `"Content-Type,Authorization"`, `["X-Custom", "Content-Type"]`, `""`, `[]`, `5`},
	{"headers", "", "", "", `"X-Alias"`, `["X-Alias-A", "X-Alias-B"]`},
	{"exposedHeaders", "", "", `"X-Total"`, `["X-A", "X-B"]`, `""`},
	{"credentials", "", "", "true", "false", `"true"`},
	{"maxAge", "", "", "600", "0", `"3600"`, "null", "-1", "1.5"},
	{"preflightContinue", "", "", "", "true", "false", "1"},
	{"optionsSuccessStatus", "", "", "200", "204", `"200"`, "404", "0", "1000", `"abc"`},
}

// xcRequestPool are the generated requests.
var xcRequestPool = []engine.HTTPRequest{
	nodePre(xcApp, "PUT", "content-type, x-custom"),
	nodePre(xcApp, "GET", ""),
	nodePre(xcAdmin, "DELETE", "authorization"),
	nodePre(xcEvil, "PUT", "content-type"),
	nodePre(xcLookalike, "POST", "x-custom"),
	nodePre(xcSuffix, "PATCH", ""),
	nodePre(xcUpper, "PUT", "x-custom"),
	nodePre("null", "PUT", "x-custom"),
	nodePre("", "PUT", "x-custom"),
	nodePre(xcApp, "", ""),
	nodeReq("OPTIONS", "/r"),
	nodeGet("GET", xcApp),
	nodeGet("GET", xcEvil),
	nodeGet("GET", xcLookalike),
	nodeGet("GET", "null"),
	nodeGet("GET", ""),
	nodeGet("POST", xcAdmin),
	nodeGet("PUT", xcUpper),
	nodeGet("HEAD", xcApp),
	nodeGet("DELETE", xcSuffix),
}

// xcHandPicked are the quirks, each sent the requests that show it.
func xcHandPicked() []nodeCase {
	pre := nodePre(xcApp, "PUT", "x-custom")
	preEvil := nodePre(xcEvil, "PUT", "x-custom")
	get := nodeGet("GET", xcApp)
	getEvil := nodeGet("GET", xcEvil)
	both := []engine.HTTPRequest{pre, preEvil, get, getEvil}
	return []nodeCase{
		{name: "defaults", options: `{}`, reqs: []engine.HTTPRequest{pre, get, nodeReq("OPTIONS", "/r"), nodeGet("GET", "")}},
		{name: "static string sent to every origin", options: `{"origin": "https://app.example.com"}`, reqs: both},
		{name: "static string * is the wildcard", options: `{"origin": "*", "credentials": true}`, reqs: both},
		{name: "static null string", options: `{"origin": "null"}`, reqs: []engine.HTTPRequest{nodeGet("GET", "null"), getEvil}},
		{name: "true reflects null and everything, with credentials", options: `{"origin": true, "credentials": true}`,
			reqs: []engine.HTTPRequest{nodeGet("GET", "null"), getEvil, nodePre("null", "DELETE", "authorization"), nodeGet("GET", "")}},
		{name: "refused origin still gets ACAM, ACAH, Vary", options: `{"origin": ["https://app.example.com"], "allowedHeaders": "X-Custom", "maxAge": 600, "exposedHeaders": "X-Total"}`, reqs: both},
		{name: "array is exact and case-sensitive", options: `{"origin": ["https://app.example.com"]}`,
			reqs: []engine.HTTPRequest{nodeGet("GET", xcUpper), nodeGet("GET", xcLookalike), nodeGet("GET", xcApp+"/"), get}},
		{name: "false disables CORS", options: `{"origin": false}`, reqs: both},
		{name: "empty string disables CORS", options: `{"origin": ""}`, reqs: both},
		{name: "zero disables CORS", options: `{"origin": 0}`, reqs: both},
		{name: "null disables CORS", options: `{"origin": null}`, reqs: both},
		{name: "a number reflects", options: `{"origin": 1}`, reqs: both},
		{name: "[true] reflects", options: `{"origin": [true]}`, reqs: both},
		{name: "[false, 0, null] refuses", options: `{"origin": [false, 0, null, ""]}`, reqs: both},
		{name: "nested arrays", options: `{"origin": [["https://admin.example.com", ["https://app.example.com"]]]}`, reqs: both},
		{name: "a plain object reflects", options: `{"origin": {"regex": "app"}}`, reqs: both},
		{name: "regexp form with another key is a plain object", options: `{"origin": {"regexp": "^$", "other": 1}}`, reqs: both},
		{name: "allowedHeaders empty string reflects", options: `{"allowedHeaders": ""}`, reqs: []engine.HTTPRequest{pre, nodePre(xcApp, "PUT", "")}},
		{name: "allowedHeaders empty array sends nothing", options: `{"allowedHeaders": []}`, reqs: []engine.HTTPRequest{pre}},
		{name: "headers alias", options: `{"headers": ["X-A", "X-B"]}`, reqs: []engine.HTTPRequest{pre}},
		{name: "allowedHeaders wins over headers", options: `{"allowedHeaders": "X-Allowed", "headers": "X-Alias"}`, reqs: []engine.HTTPRequest{pre}},
		{name: "allowedHeaders false falls back to headers", options: `{"allowedHeaders": false, "headers": "X-Alias"}`, reqs: []engine.HTTPRequest{pre}},
		{name: "allowedHeaders number has no length", options: `{"allowedHeaders": 5}`, reqs: []engine.HTTPRequest{pre}},
		{name: "allowedHeaders object with length", options: `{"allowedHeaders": {"length": 1}}`, reqs: []engine.HTTPRequest{pre}},
		{name: "reflection joins duplicate ACRH", options: `{"origin": true}`, reqs: []engine.HTTPRequest{
			nodeReq("OPTIONS", "/r", "Origin", xcApp, "Access-Control-Request-Headers", "x-a", "access-control-request-headers", " x-b\t"),
			nodeReq("OPTIONS", "/r", "Origin", "  "+xcApp+"  ", "Origin", xcEvil),
			nodeReq("OPTIONS", "/r", "Origin", "", "Access-Control-Request-Headers", ""),
		}},
		{name: "methods string sent verbatim", options: `{"methods": "get, post"}`, reqs: []engine.HTTPRequest{nodePre(xcApp, "DELETE", "")}},
		{name: "methods array of mixed values", options: `{"methods": [1, null, "GET", [2, 3], true, {}]}`, reqs: []engine.HTTPRequest{pre}},
		{name: "methods number", options: `{"methods": 42}`, reqs: []engine.HTTPRequest{pre}},
		{name: "methods true", options: `{"methods": true}`, reqs: []engine.HTTPRequest{pre}},
		{name: "methods false sends nothing", options: `{"methods": false}`, reqs: []engine.HTTPRequest{pre}},
		{name: "methods null throws on OPTIONS only", options: `{"methods": null, "origin": true}`, reqs: both},
		{name: "methods object with join throws", options: `{"methods": {"join": 1}}`, reqs: both},
		{name: "methods object with toString throws in setHeader", options: `{"methods": {"toString": 1}}`, reqs: both},
		{name: "methods object", options: `{"methods": {"a": 1}}`, reqs: []engine.HTTPRequest{pre}},
		{name: "methods Latin-1 written in Latin-1", options: `{"methods": "GET,\u00e9"}`, reqs: []engine.HTTPRequest{pre, nodeGet("HEAD", xcApp)}},
		{name: "methods Latin-1 written in UTF-8 by Express's OPTIONS answer", options: `{"methods": "GET,\u00e9", "preflightContinue": true}`, reqs: []engine.HTTPRequest{pre}},
		{name: "static origin beyond Latin-1 throws", options: `{"origin": "https://\u0100.example"}`, reqs: both},
		{name: "static origin with a control character throws", options: `{"origin": "https://a.example\u0001"}`, reqs: both},
		{name: "static origin with spaces", options: `{"origin": " https://app.example.com "}`, reqs: both},
		{name: "reflected Latin-1 origin", options: `{"origin": true, "preflightContinue": true}`, reqs: []engine.HTTPRequest{
			nodeGet("GET", "https://caf\u00e9.example"), nodePre("https://caf\u00e9.example", "PUT", "x-\u00e9"),
		}},
		{name: "exposedHeaders array of mixed values", options: `{"exposedHeaders": [1, null, [2, 3], {}, true]}`, reqs: both},
		{name: "exposedHeaders join throws on every request", options: `{"exposedHeaders": {"join": true}}`, reqs: append(both, nodeGet("HEAD", xcApp))},
		{name: "exposedHeaders beyond Latin-1 throws in applyHeaders", options: `{"origin": true, "exposedHeaders": "X-\u0100"}`, reqs: append(both, nodeGet("HEAD", xcApp))},
		{name: "500 heads: UTF-8 except for HEAD", options: `{"origin": true, "exposedHeaders": "X-\u0100"}`, reqs: []engine.HTTPRequest{
			nodeGet("GET", "https://caf\u00e9.example"), nodeGet("HEAD", "https://caf\u00e9.example"), nodePre("https://caf\u00e9.example", "PUT", ""),
		}},
		{name: "exposedHeaders number", options: `{"exposedHeaders": 3}`, reqs: both},
		{name: "maxAge 0 is sent", options: `{"maxAge": 0}`, reqs: []engine.HTTPRequest{pre}},
		{name: "maxAge true", options: `{"maxAge": true}`, reqs: []engine.HTTPRequest{pre}},
		{name: "maxAge false", options: `{"maxAge": false}`, reqs: []engine.HTTPRequest{pre}},
		{name: "maxAge empty array", options: `{"maxAge": []}`, reqs: []engine.HTTPRequest{pre}},
		{name: "maxAge array", options: `{"maxAge": [1, 2]}`, reqs: []engine.HTTPRequest{pre}},
		{name: "maxAge 1e21", options: `{"maxAge": 1e21}`, reqs: []engine.HTTPRequest{pre}},
		{name: "maxAge 1e-7", options: `{"maxAge": 1e-7}`, reqs: []engine.HTTPRequest{pre}},
		{name: "maxAge 0.000001", options: `{"maxAge": 0.000001}`, reqs: []engine.HTTPRequest{pre}},
		{name: "maxAge 123456789012345680000", options: `{"maxAge": 123456789012345680000}`, reqs: []engine.HTTPRequest{pre}},
		{name: "maxAge -0", options: `{"maxAge": -0}`, reqs: []engine.HTTPRequest{pre}},
		{name: "maxAge 1e400", options: `{"maxAge": 1e400}`, reqs: []engine.HTTPRequest{pre}},
		{name: "maxAge object with toString throws", options: `{"maxAge": {"toString": "600"}}`, reqs: both},
		{name: "credentials must be === true", options: `{"origin": true, "credentials": "true"}`, reqs: both},
		{name: "credentials 1", options: `{"origin": true, "credentials": 1}`, reqs: both},
		{name: "preflightContinue: Express answers OPTIONS 200", options: `{"preflightContinue": true, "origin": ["https://app.example.com"]}`, reqs: both},
		{name: "preflightContinue string", options: `{"preflightContinue": "no", "optionsSuccessStatus": 200}`, reqs: []engine.HTTPRequest{pre}},
		{name: "preflightContinue 0", options: `{"preflightContinue": 0, "optionsSuccessStatus": 200}`, reqs: []engine.HTTPRequest{pre}},
		{name: "optionsSuccessStatus 200", options: `{"optionsSuccessStatus": 200}`, reqs: []engine.HTTPRequest{pre, get}},
		{name: "optionsSuccessStatus hex string", options: `{"optionsSuccessStatus": "0x12c"}`, reqs: []engine.HTTPRequest{pre}},
		{name: "optionsSuccessStatus array", options: `{"optionsSuccessStatus": [200]}`, reqs: []engine.HTTPRequest{pre}},
		{name: "optionsSuccessStatus wraps at 2^32", options: `{"optionsSuccessStatus": 4294967496}`, reqs: []engine.HTTPRequest{pre}},
		{name: "optionsSuccessStatus fraction", options: `{"optionsSuccessStatus": 204.9}`, reqs: []engine.HTTPRequest{pre}},
		{name: "optionsSuccessStatus string with spaces", options: `{"optionsSuccessStatus": " 2e2 "}`, reqs: []engine.HTTPRequest{pre}},
		{name: "optionsSuccessStatus 1000 throws after the headers", options: `{"optionsSuccessStatus": 1000, "methods": "GET,\u00e9"}`, reqs: both},
		{name: "optionsSuccessStatus 0 throws", options: `{"optionsSuccessStatus": 0}`, reqs: []engine.HTTPRequest{pre}},
		{name: "optionsSuccessStatus null throws", options: `{"optionsSuccessStatus": null}`, reqs: []engine.HTTPRequest{pre}},
		{name: "optionsSuccessStatus text throws", options: `{"optionsSuccessStatus": "abc"}`, reqs: []engine.HTTPRequest{pre}},
		{name: "optionsSuccessStatus object throws", options: `{"optionsSuccessStatus": {}}`, reqs: []engine.HTTPRequest{pre}},
		{name: "optionsSuccessStatus 99 throws", options: `{"optionsSuccessStatus": 99}`, reqs: []engine.HTTPRequest{pre}},
		{name: "optionsSuccessStatus ignored by preflightContinue", options: `{"optionsSuccessStatus": 0, "preflightContinue": true}`, reqs: []engine.HTTPRequest{pre}},
		{name: "every OPTIONS is a preflight", options: `{"origin": true}`, reqs: []engine.HTTPRequest{nodeReq("OPTIONS", "/r"), nodeReq("OPTIONS", "/r", "Origin", xcApp), nodeReq("OPTIONS", "/r", "Access-Control-Request-Method", "PUT")}},
		{name: "Node refuses unknown methods", options: `{}`, reqs: []engine.HTTPRequest{nodeGet("FOO", xcApp), nodeGet("patch", xcApp), nodeGet("options", xcApp), nodeGet("PROPFIND", xcApp), nodeGet("QUERY", xcApp), nodeGet("M-SEARCH", xcApp), nodeGet("CONNECT", xcApp)}},
		{name: "Node refuses control characters", options: `{"origin": true}`, reqs: []engine.HTTPRequest{
			nodeGet("GET", "https://a\u0001.example"), nodeGet("GET", "https://a\u007f.example"), nodeGet("GET", "https://a\t.example"),
			nodeReq("GET", "/r", "X-Other", "a\u000bb"), nodeGet("CONNECT", "https://a\u0001.example"),
		}},
		{name: "__proto__ supplies options not in the defaults", options: `{"origin": true, "__proto__": {"credentials": true, "allowedHeaders": "X-Proto", "maxAge": 5, "methods": "NOPE", "exposedHeaders": "X-E"}}`, reqs: both},
		{name: "__proto__ not an object", options: `{"__proto__": 1, "credentials": true}`, reqs: both},
		{name: "unknown options are ignored", options: `{"origins": ["https://app.example.com"], "allowCredentials": true, "allowed_headers": "X"}`, reqs: both},
		{name: "everything", options: `{"origin": ["https://app.example.com", "https://admin.example.com"], "methods": ["GET", "PUT"], "allowedHeaders": ["X-Custom"], "exposedHeaders": ["X-Total"], "credentials": true, "maxAge": 600, "optionsSuccessStatus": 200}`,
			reqs: append(both, nodeGet("GET", xcAdmin), nodeGet("GET", ""))},
	}
}

// xcRegExpCases exercise the RegExp translation: each pattern is an
// origin, tested with origins that do and do not match.
func xcRegExpCases() []nodeCase {
	origins := []string{xcApp, xcEvil, xcLookalike, xcSuffix, xcUpper, "null", "", "https://caf\u00e9.example", "https://CAF\u00c9.example", "https://\u00ff\u00b5.example", "https://a-b_c.example:8443"}
	patterns := []struct{ re, flags string }{
		{`example\.com`, ""},
		{`example\.com$`, ""},
		{`^https://app\.example\.com$`, ""},
		{`^https://app\.example\.com$`, "i"},
		{`APP`, "i"},
		{`^https://[a-z]+\.example\.com$`, ""},
		{`^https://[^.]+\.example\.com$`, ""},
		{`caf\xe9`, "i"},
		{`[\xe0-\xff]`, ""},
		{`[\xe0-\xfe]`, "i"},
		{`\xff\xb5`, "i"},
		{`\u0178\u039c`, "i"},
		{`\u0178`, ""},
		{`[^a-z]`, "i"},
		{`^[\w:/.]+$`, ""},
		{`^[\W\w]{5,}$`, ""},
		{`\bexample\b`, ""},
		{`\Bxample`, ""},
		{`\s|\x00`, ""},
		{`^\S+$`, ""},
		{`^.{24}$`, ""},
		{`^.{24}$`, "s"},
		{`^null$`, ""},
		{`undefined`, ""},
		{``, ""},
		{`(?:)`, ""},
		{`a|`, ""},
		{`app|admin`, ""},
		{`(app|admin)\.`, ""},
		{`(?<sub>app)\.`, ""},
		{`\d{4}$`, ""},
		{`:\d{2,3}`, ""},
		{`p{2}`, ""},
		{`p{2,}?`, ""},
		{`a{`, ""},
		{`x{,5}`, ""},
		{`}]`, ""},
		{`\cA|\c1`, ""},
		{`[\c1]`, ""},
		{`\8`, ""},
		{`\1`, ""},
		{`\0`, ""},
		{`\x4`, ""},
		{`\u{2}`, ""},
		{`[]`, ""},
		{`[^]`, ""},
		{`[\d-z]`, ""},
		{`[-.]`, ""},
		{`[\b]`, ""},
		{`\k`, ""},
		{`^https://\w+\.example\.com$`, "m"},
		{`EXAMPLE`, "di"},
		{`example\.com`, "g"},
		{`(?=app)`, ""},
		{`(app)\1`, ""},
		{`(`, ""},
		{`)`, ""},
		{`[`, ""},
		{`*`, ""},
		{`a**`, ""},
		{`a{2,1}`, ""},
		{`\`, ""},
		{`(?<a>x)(?<a>y)`, ""},
		{`[b-a]`, ""},
		{`(?x)`, ""},
		{`{1}`, ""},
		{`^*`, ""},
		{`(?<=a)*`, ""},
		{`\k<b>(?<a>x)`, ""},
		{`(?<a>x)[\k]`, ""},
		{`(?<1a>x)`, ""},
		{`a`, "x"},
		{`a`, "ii"},
		{`a`, "u"},
	}
	var cases []nodeCase
	for _, p := range patterns {
		opt := map[string]any{"regexp": p.re}
		if p.flags != "" {
			opt["flags"] = p.flags
		}
		b, _ := json.Marshal(map[string]any{"origin": opt})
		c := nodeCase{name: "regexp /" + p.re + "/" + p.flags, options: string(b)}
		for _, o := range origins {
			c.reqs = append(c.reqs, nodeGet("GET", o))
		}
		cases = append(cases, c)
	}
	return cases
}

// xcRandomRegExps are n patterns drawn from a fixed seed: atoms, some
// quantified, some grouped, and stray syntax, so that many match some
// origins and many are invalid (V8's messages are compared then).
func xcRandomRegExps(n int) []nodeCase {
	atoms := []string{"a", "p", "P", "e", "x", "app", "example", "EXAMPLE", "https?", "caf", "\u00e9", "\u00c9", "\u00ff", "\u00b5",
		"\\.", ".", ":", "/", "-", "[a-z]", "[^a-z]", "[A-Z\\d]", "[\\w-]", "[^\\W]", "[\\xe0-\\xff]", "[^\\xc0-\\xde]", "[\\u0178]",
		"\\w", "\\W", "\\d", "\\D", "\\s", "\\S", "\\x41", "\\x", "\\u00E9", "\\cP", "\\0", "\\7", "\\9", "\\k", "\\p", "[]", "[^]"}
	anchors := []string{"^", "$", "\\b", "\\B"}
	quants := []string{"*", "+", "?", "{2}", "{1,3}", "{2,}", "*?", "{0}"}
	stray := []string{"(", ")", "[", "]", "{", "}", "\\", "\\c", "\\1", "\\k<n>", "|", "*", "{1}", "(?", "[z-a]", "a{3,2}"}
	groups := [][2]string{{"(", ")"}, {"(?:", ")"}, {"(?<n>", ")"}, {"(?=", ")"}, {"(?!", ")"}, {"(?<=", ")"}}
	flags := []string{"", "", "i", "s", "m", "is", "im"}
	origins := []string{xcApp, xcUpper, "https://caf\u00e9.example", "https://CAF\u00c9.EXAMPLE", "null", "https://\u00ff\u00b5.example:80", "https://x-y.example"}
	r := rand.New(rand.NewPCG(7, 1111))
	var cases []nodeCase
	for i := range n {
		var parts []string
		for range 1 + r.IntN(6) {
			var part string
			switch k := r.IntN(10); {
			case k == 0:
				part = anchors[r.IntN(len(anchors))]
			case k == 1:
				part = "|"
			default:
				part = atoms[r.IntN(len(atoms))]
			}
			if r.IntN(5) == 0 {
				part += quants[r.IntN(len(quants))]
			}
			parts = append(parts, part)
		}
		if r.IntN(5) < 2 {
			a := r.IntN(len(parts))
			b := a + r.IntN(len(parts)-a)
			g := groups[r.IntN(len(groups))]
			parts[a], parts[b] = g[0]+parts[a], parts[b]+g[1]
		}
		if r.IntN(4) == 0 {
			j := r.IntN(len(parts) + 1)
			parts = slices.Insert(parts, j, stray[r.IntN(len(stray))])
		}
		re := strings.Join(parts, "")
		opt := map[string]any{"regexp": re, "flags": flags[r.IntN(len(flags))]}
		js, _ := json.Marshal(map[string]any{"origin": []any{"https://other.example", opt}})
		c := nodeCase{name: fmt.Sprintf("random-regexp-%d /%s/%s", i, re, opt["flags"]), options: string(js), mayBeUnsupported: true}
		for _, o := range origins {
			c.reqs = append(c.reqs, nodeGet("GET", o))
		}
		cases = append(cases, c)
	}
	return cases
}

// xcUnsupported are valid in V8 but refused by the engine.
var xcUnsupported = map[string]bool{
	"regexp /example\\.com/g": true,
	"regexp /(?=app)/":        true,
	"regexp /(app)\\1/":       true,
	"regexp /a/u":             true,
}

func TestExpressCorsDifferential(t *testing.T) {
	start := time.Now()
	h := xcStart(t)
	cases := append(drawCases(2026, 2805, 60, 3, xcOptionPools, xcRequestPool), xcHandPicked()...)
	regexps := xcRegExpCases()
	for i := range regexps {
		regexps[i].unsupported = xcUnsupported[regexps[i].name]
	}
	cases = append(cases, regexps...)
	cases = append(cases, xcRandomRegExps(300)...)
	for _, p := range libFixCorpus(t, "express-cors") {
		cases = append(cases, nodeCase{name: p.name, options: p.options, reqs: []engine.HTTPRequest{p.req}})
	}
	n := nodeProof{lib: "express-cors", families: []string{"generated", "random", "regexp", "fix corpus"},
		configure: func(options string) (string, string) { return h.configure(t, options) },
		send:      func(id string, req engine.HTTPRequest) answer { return h.send(t, id, req) },
		emulate:   func(resp engine.Response) answer { return answer{resp.Status, xcLines(resp.Headers)} },
	}.run(t, cases)
	t.Logf("%d configurations: %d configuration × request pairs compared (%d with an Access-Control-Allow-Origin), %d configurations refused alike by V8 and the engine, %d unsupported by the engine; %v",
		len(cases), n.pairs, n.allowed, n.refused, n.unsupported, time.Since(start).Round(time.Millisecond))
	t.Logf("pairs: %d generated, %d hand-picked quirks, %d RegExp table, %d random RegExps, %d from the engine's fixes", n.byFamily["generated"], n.byFamily["hand-picked"], n.byFamily["regexp"], n.byFamily["random"], n.byFamily["fix corpus"])
	if n.pairs < 120 {
		t.Errorf("only %d pairs compared, want at least 120", n.pairs)
	}
}

// TestExpressCorsExportRuns runs the program Export writes with node, on
// the port given in PORT, and compares its status and CORS headers with
// the emulation's, for several configurations, at several paths.
func TestExpressCorsExportRuns(t *testing.T) {
	node := nodeCheck(t, xcInstall, "express", "cors")
	l, ok := server.Lookup("express-cors", "")
	if !ok || l.Export == nil {
		t.Fatal("express-cors has no Export")
	}
	dir := nodeModulesDir(t)
	reqs := append(slices.Clone(koaRequests), nodeReq("GET", "/", "Origin", hkA), nodeReq("OPTIONS", "/a/b", "Origin", hkA, "Access-Control-Request-Method", "PUT"))
	n := 0
	for i, options := range []string{
		`{}`,
		`{"origin": [{"regexp": "^https://a\\.example\\.com$", "flags": "i"}, "https://b.example.com"], "credentials": true, "maxAge": 600, "exposedHeaders": ["X-Total"]}`,
		`{"origin": true, "methods": ["GET", "PUT"], "allowedHeaders": "X-Custom", "preflightContinue": true}`,
		`{"origin": "https://a.example.com", "optionsSuccessStatus": 200, "__proto__": {"credentials": true}, "headers": ["authorization"], "it's": 1}`,
		`{"origin": false, "methods": null}`,
	} {
		var opts map[string]json.RawMessage
		if err := json.Unmarshal([]byte(options), &opts); err != nil {
			t.Fatal(err)
		}
		code, err := l.Export(opts, "/r")
		if err != nil {
			t.Fatalf("Export(%s): %v", options, err)
		}
		file := filepath.Join(dir, fmt.Sprintf("app%d.js", i))
		if err := os.WriteFile(file, []byte(code), 0o644); err != nil {
			t.Fatal(err)
		}
		port := freePort(t)
		cmd := exec.Command(node, file)
		cmd.Env = append(os.Environ(), "PORT="+port)
		cmd.SysProcAttr = &syscall.SysProcAttr{Pdeathsig: syscall.SIGKILL}
		addr := nodeProgram(t, cmd, port)
		srv := engine.Server{Library: &engine.Library{Name: "express-cors", Options: opts}}
		for _, req := range reqs {
			status, hs := rawExchange(t, addr, rawRequest(t, req.Method, urlTarget(req.URL), addr, req.Headers, ""))
			resp, err := srv.Respond(req)
			if err != nil {
				t.Fatal(err)
			}
			if real, emu := (answer{status, xcLines(hs)}), (answer{resp.Status, xcLines(resp.Headers)}); real.String() != emu.String() {
				t.Errorf("exported %s\n  %s %s\n  program:  %v\n  emulated: %v\n%s", options, describe(req), req.URL, real, emu, code)
			}
			n++
		}
	}
	t.Logf("express-cors export: %d requests to 5 exported programs answered as emulated", n)
}
