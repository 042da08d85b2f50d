package libtest

import (
	"encoding/json"
	"errors"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"corsplay/engine"
	"corsplay/engine/server"
)

// The real @fastify/cors 11.4.3 on fastify 5.12.8 (node v20), run by node
// with fastifycors_server.js, against the engine's "fastify-cors"
// emulation: the status and every header line, names as Node writes them,
// values exactly, in order. Node's own Date line (checked, then read as
// <date>) and the Connection: close it answers the harness's Connection:
// close with are the transport's, not the library's: the emulation leaves
// them out, and they are dropped from the real answer after checking them.

const fcInstall = "install Node.js 20 and run `npm ci` in the module root (/work/main), which installs fastify 5.12.8 and @fastify/cors 11.4.3 from package-lock.json"

// fcHarness is the running node process.
type fcHarness struct{ addr string }

func fcNode(t *testing.T) string {
	t.Helper()
	return nodeCheck(t, fcInstall, "fastify", "@fastify/cors")
}

// fcStart starts node fastifycors_server.js on a loopback port it chooses.
func fcStart(t *testing.T) *fcHarness {
	t.Helper()
	return &fcHarness{addr: nodeServer(t, exec.Command(fcNode(t), "fastifycors_server.js"), fcInstall)}
}

// configure builds the real app: its id, or the error register, ready or
// new RegExp threw.
func (h *fcHarness) configure(t *testing.T, options string) (id, jsErr string) {
	t.Helper()
	return nodeConfigure(t, h.addr, options)
}

// fcTransport checks and drops what Node's HTTP server adds for the
// connection: a Date line that is an HTTP date, and the Connection: close
// right after it. Without Date (Node's parser refusing the request) the
// lines are kept as they are.
func fcTransport(t *testing.T, lines []string) []string {
	t.Helper()
	for i, l := range lines {
		if v, ok := strings.CutPrefix(l, "Date: "); ok {
			if _, err := time.Parse(http.TimeFormat, v); err != nil {
				t.Errorf("Date: %q is not an HTTP date", v)
			}
			lines[i] = "Date: <date>"
			if i+1 >= len(lines) || lines[i+1] != "Connection: close" {
				t.Errorf("Node wrote no Connection: close after Date in %q", lines)
				return lines
			}
			return append(lines[:i:i], lines[i+2:]...)
		}
	}
	return lines
}

// fcBody is what a browser would send with a Content-Type: a body valid
// for it.
func fcBody(req engine.HTTPRequest) string {
	ct, ok := req.Headers.Get("Content-Type")
	if !ok || req.Method == "GET" || req.Method == "HEAD" {
		return ""
	}
	if strings.Contains(strings.ToLower(ct), "json") {
		return "{}"
	}
	return "x"
}

// fcAsk sends req to addr under prefix ("/app/<id>" for the harness's app
// id, "" for a program of its own) over a fresh connection: the status and
// every header line, "Name: value", in order, Node's transport lines
// checked and dropped.
func fcAsk(t *testing.T, addr, prefix string, req engine.HTTPRequest) answer {
	t.Helper()
	status, hs := rawExchange(t, addr, rawRequest(t, req.Method, prefix+urlTarget(req.URL), addr, req.Headers, fcBody(req)))
	return answer{status, fcTransport(t, headerLines(hs))}
}

// send sends req to app id.
func (h *fcHarness) send(t *testing.T, id string, req engine.HTTPRequest) answer {
	t.Helper()
	return fcAsk(t, h.addr, "/app/"+id, req)
}

const (
	fcA         = "https://a.example.com"
	fcSuffix    = "https://a.example.com.evil.com"
	fcDotless   = "https://aXexample.com"
	fcDowngrade = "http://a.example.com"
	fcUpper     = "https://A.example.com"
	fcEvil      = "https://evil.example"
	fcPrefixed  = "https://evila.example.com"
	fcB         = "https://b.example.com"
	fcCafe      = "https://caf\u00e9.example"
	fcEvilTail  = "https://a.example.evil.com"
)

// fcRegexp is the JSON form of a RegExp.
func fcRegexp(src, flags string) string {
	m := map[string]string{"regexp": src}
	if flags != "" {
		m["flags"] = flags
	}
	b, _ := json.Marshal(m)
	return string(b)
}

// fcOptionPools are the generated values of each option; "" leaves it out.
var fcOptionPools = [][]string{
	{"origin", "", "", `"*"`, `"` + fcA + `"`, "true", "false", "null", `""`, `["` + fcA + `"]`, `["` + fcA + `", "` + fcB + `"]`,
		`["` + fcA + `", "*"]`, `["null"]`, `[]`, fcRegexp(`a.example.com`, ""), fcRegexp(`\.example\.com$`, ""),
		fcRegexp(`^https://a\.example\.com$`, "i"), fcRegexp(`https://a`, "y"), `["` + fcB + `", ` + fcRegexp(`^https://[a-z]+\.example\.com$`, "g") + `]`},
	{"methods", "", "", `"GET,PUT"`, `["GET", "PUT", "PATCH"]`, `""`, `[]`},
	{"allowedHeaders", "", "", "null", `"Content-Type"`, `["X-A", "Authorization"]`, `""`},
	{"exposedHeaders", "", "", `"X-Total"`, `["X-A", "X-B"]`, `""`},
	{"credentials", "", "", "true", "false"},
	{"maxAge", "", "", "600", "0", "1.5", "1e21", "-1", "null"},
	{"cacheControl", "", "", "", "600", `"no-store"`, "1.5", `""`},
	{"preflightContinue", "", "", "", "true", "false"},
	{"optionsSuccessStatus", "", "", "", "200", "204", "404", "600", "0"},
	{"preflight", "", "", "", "false", "true"},
	{"strictPreflight", "", "", "", "false"},
	{"hideOptionsRoute", "", "", "false"},
	{"hook", "", "", "", "", "", "", `"preParsing"`, `"preValidation"`, `"preHandler"`, `"preSerialization"`},
	{"logLevel", "", "", "", `"warn"`},
}

// fcRequestPool are the generated requests.
var fcRequestPool = []engine.HTTPRequest{
	nodePre(fcA, "PUT", "content-type, x-a"),
	nodePre(fcA, "GET", ""),
	nodePre(fcA, "DELETE", "Authorization"),
	nodePre(fcB, "PATCH", "x-a, authorization"),
	nodePre(fcSuffix, "PUT", "content-type"),
	nodePre(fcDotless, "POST", ""),
	nodePre(fcDowngrade, "PUT", "x-a"),
	nodePre(fcUpper, "PUT", "x-a"),
	nodePre("null", "PUT", "x-a"),
	nodePre("", "PUT", "x-a"),
	nodePre(fcA, "", ""),
	nodeReq("OPTIONS", "/r"),
	nodeReq("OPTIONS", "/elsewhere", "Origin", fcA, "Access-Control-Request-Method", "PUT"),
	nodeGet("GET", fcA),
	nodeGet("GET", fcEvil),
	nodeGet("GET", fcSuffix),
	nodeGet("GET", fcDotless),
	nodeGet("GET", fcPrefixed),
	nodeGet("GET", "null"),
	nodeGet("GET", ""),
	nodeGet("POST", fcB),
	nodeGet("PUT", fcUpper),
	nodeGet("HEAD", fcA),
	nodeGet("DELETE", fcDowngrade),
	nodeGet("PATCH", fcA),
	nodeGet("patch", fcA),
	nodeGet("get", fcA),
	nodeReq("GET", "/missing", "Origin", fcA),
	nodeReq("PUT", "/r", "Origin", fcA, "Content-Type", "application/json"),
	nodeReq("POST", "/r", "Origin", fcA, "Content-Type", "application/x-www-form-urlencoded"),
}

// fcHandPicked are the quirks, each with the requests that show it.
func fcHandPicked() []nodeCase {
	pre := nodePre(fcA, "PUT", "x-a, Authorization")
	preEvil := nodePre(fcEvil, "PUT", "x-a")
	get := nodeGet("GET", fcA)
	getEvil := nodeGet("GET", fcEvil)
	both := []engine.HTTPRequest{pre, preEvil, get, getEvil}
	hookReqs := []engine.HTTPRequest{pre, get, nodeGet("HEAD", fcA), nodeReq("OPTIONS", "/r"), nodeReq("GET", "/x", "Origin", fcA),
		nodeReq("HEAD", "/x", "Origin", fcA), nodeReq("POST", "/r", "Origin", fcA, "Content-Type", "text/html")}
	cases := []nodeCase{
		{name: "defaults", options: `{}`, reqs: []engine.HTTPRequest{pre, get, nodeReq("OPTIONS", "/r"), nodeGet("GET", ""), nodeGet("HEAD", fcA)}},
		{name: "static string sent to every origin", options: `{"origin": "https://a.example.com"}`, reqs: append(both, nodeGet("GET", ""))},
		{name: "static * with credentials", options: `{"origin": "*", "credentials": true}`, reqs: both},
		{name: "static null string", options: `{"origin": "null"}`, reqs: []engine.HTTPRequest{nodeGet("GET", "null"), getEvil}},
		{name: "true reflects null with credentials", options: `{"origin": true, "credentials": true}`,
			reqs: []engine.HTTPRequest{nodeGet("GET", "null"), getEvil, nodePre("null", "DELETE", "authorization"), nodeGet("GET", "")}},
		{name: "list is exact and case-sensitive", options: `{"origin": ["https://a.example.com"]}`,
			reqs: []engine.HTTPRequest{nodeGet("GET", fcUpper), nodeGet("GET", fcSuffix), nodeGet("GET", fcA+"/"), nodeGet("GET", fcDowngrade), get}},
		{name: "list holding * is *", options: `{"origin": ["https://a.example.com", "*"], "credentials": true}`, reqs: both},
		{name: "empty list refuses all, Vary stays", options: `{"origin": []}`, reqs: both},
		{name: "refused origin still gets the rest", options: `{"origin": ["https://a.example.com"], "allowedHeaders": "X-A", "maxAge": 600, "exposedHeaders": "X-Total", "credentials": true, "cacheControl": 30}`, reqs: both},
		{name: "false turns CORS off; OPTIONS is 404", options: `{"origin": false}`, reqs: append(both, nodeReq("OPTIONS", "/r"))},
		{name: "null is a 500 with Vary", options: `{"origin": null}`, reqs: append(both, nodeGet("HEAD", fcA))},
		{name: "empty string is a 500 without Vary", options: `{"origin": ""}`, reqs: both},
		{name: "regexp unanchored and dot", options: `{"origin": ` + fcRegexp(`a.example.com`, "") + `}`,
			reqs: []engine.HTTPRequest{get, nodeGet("GET", fcDotless), nodeGet("GET", fcSuffix), nodeGet("GET", fcPrefixed), nodeGet("GET", fcDowngrade), nodeGet("GET", ""), nodeGet("GET", fcEvilTail)}},
		{name: "regexp anchored case-insensitive", options: `{"origin": ` + fcRegexp(`^https://a\.example\.com$`, "i") + `}`,
			reqs: []engine.HTTPRequest{get, nodeGet("GET", fcUpper), nodeGet("GET", fcSuffix), nodeGet("GET", fcDowngrade)}},
		{name: "regexp sticky anchors at the start", options: `{"origin": ` + fcRegexp(`a\.example`, "y") + `}`,
			reqs: []engine.HTTPRequest{get, nodeGet("GET", "a.example.com"), nodeGet("GET", fcSuffix)}},
		{name: "regexp global is reset each time", options: `{"origin": ` + fcRegexp(`example\.com$`, "g") + `}`, reqs: []engine.HTTPRequest{get, get, nodeGet("GET", fcB), getEvil}},
		{name: "regexp undefined never shows", options: `{"origin": ` + fcRegexp(`undefined|^$`, "") + `}`, reqs: []engine.HTTPRequest{nodeGet("GET", ""), nodeReq("GET", "/r", "Origin", ""), pre}},
		{name: "regexp multiline and dotAll", options: `{"origin": [` + fcRegexp(`^https://b.example.com$`, "ms") + `, ` + fcRegexp(`evil`, "d") + `]}`, reqs: []engine.HTTPRequest{nodeGet("GET", fcB), getEvil, get}},
		{name: "invalid regexp", options: `{"origin": ` + fcRegexp(`(`, "") + `}`},
		{name: "invalid regexp with flags", options: `{"origin": [` + fcRegexp(`a{2,1}`, "i") + `]}`},
		{name: "invalid flags", options: `{"origin": ` + fcRegexp(`a`, "yy") + `}`},
		{name: "invalid flag x", options: `{"origin": ` + fcRegexp(`a`, "x") + `}`},
		{name: "unicode flag", options: `{"origin": ` + fcRegexp(`a`, "u") + `}`, unsupported: true},
		{name: "lookahead", options: `{"origin": ` + fcRegexp(`^(?=https)`, "") + `}`, unsupported: true},
		{name: "invalid hook", options: `{"hook": "onSend"}`},
		{name: "invalid hook case", options: `{"hook": "onrequest"}`},
		{name: "methods array joined with comma space", options: `{"methods": ["GET", "PUT", "PATCH"]}`, reqs: []engine.HTTPRequest{pre, get}},
		{name: "methods empty", options: `{"methods": "", "allowedHeaders": [], "exposedHeaders": ""}`, reqs: []engine.HTTPRequest{pre, get}},
		{name: "allowedHeaders reflects Authorization", options: `{"origin": true, "credentials": true}`,
			reqs: []engine.HTTPRequest{nodePre(fcEvil, "DELETE", "Authorization, X-Secret"), nodePre(fcEvil, "GET", ""),
				nodeReq("OPTIONS", "/r", "Origin", fcA, "Access-Control-Request-Method", "PUT", "Access-Control-Request-Headers", "x-a", "Access-Control-Request-Headers", "x-b"),
				nodeReq("OPTIONS", "/r", "Origin", fcA, "Access-Control-Request-Method", "PUT", "Access-Control-Request-Headers", "")}},
		{name: "allowedHeaders given", options: `{"allowedHeaders": ["Content-Type", "X-A"]}`, reqs: []engine.HTTPRequest{pre}},
		{name: "exposedHeaders on preflight and actual", options: `{"exposedHeaders": ["X-A", "X-B"], "origin": true}`, reqs: both},
		{name: "maxAge 0 sent", options: `{"maxAge": 0}`, reqs: []engine.HTTPRequest{pre}},
		{name: "maxAge float", options: `{"maxAge": 1.5}`, reqs: []engine.HTTPRequest{pre}},
		{name: "maxAge tiny", options: `{"maxAge": 1e-7}`, reqs: []engine.HTTPRequest{pre}},
		{name: "maxAge huge", options: `{"maxAge": 1e21}`, reqs: []engine.HTTPRequest{pre}},
		{name: "maxAge overflows to Infinity", options: `{"maxAge": 1e400}`, reqs: []engine.HTTPRequest{pre}},
		{name: "maxAge -0", options: `{"maxAge": -0}`, reqs: []engine.HTTPRequest{pre}},
		{name: "cacheControl integer", options: `{"cacheControl": 600}`, reqs: []engine.HTTPRequest{pre, get}},
		{name: "cacheControl 0", options: `{"cacheControl": 0}`, reqs: []engine.HTTPRequest{pre}},
		{name: "cacheControl float ignored", options: `{"cacheControl": 2.5}`, reqs: []engine.HTTPRequest{pre}},
		{name: "cacheControl string", options: `{"cacheControl": "public, max-age=60"}`, reqs: []engine.HTTPRequest{pre}},
		{name: "preflightContinue reaches the OPTIONS route", options: `{"preflightContinue": true, "origin": ["https://a.example.com"]}`, reqs: append(both, nodeReq("OPTIONS", "/r", "Origin", fcA, "Access-Control-Request-Method", "PUT", "Content-Type", "application/xml"))},
		{name: "preflight false", options: `{"preflight": false, "origin": true}`, reqs: append(both, nodeReq("OPTIONS", "/r"))},
		{name: "strictPreflight false", options: `{"strictPreflight": false}`, reqs: []engine.HTTPRequest{nodeReq("OPTIONS", "/r"), nodeReq("OPTIONS", "/r", "Origin", fcA), nodeReq("OPTIONS", "/r", "Access-Control-Request-Method", "PUT")}},
		{name: "strict preflight empty headers", options: `{"origin": true}`, reqs: []engine.HTTPRequest{nodeReq("OPTIONS", "/r", "Origin", "", "Access-Control-Request-Method", "PUT"), nodeReq("OPTIONS", "/r", "Origin", fcA, "Access-Control-Request-Method", " ")}},
		{name: "optionsSuccessStatus 200", options: `{"optionsSuccessStatus": 200}`, reqs: []engine.HTTPRequest{pre, get}},
		{name: "optionsSuccessStatus 304", options: `{"optionsSuccessStatus": 304}`, reqs: []engine.HTTPRequest{pre}},
		{name: "optionsSuccessStatus 404", options: `{"optionsSuccessStatus": 404}`, reqs: []engine.HTTPRequest{pre}},
		{name: "optionsSuccessStatus 600", options: `{"optionsSuccessStatus": 600, "origin": true}`, reqs: both},
		{name: "optionsSuccessStatus 0", options: `{"optionsSuccessStatus": 0}`, reqs: []engine.HTTPRequest{pre}},
		{name: "optionsSuccessStatus -0", options: `{"optionsSuccessStatus": -0}`, reqs: []engine.HTTPRequest{pre}},
		{name: "optionsSuccessStatus 99", options: `{"optionsSuccessStatus": 99}`, reqs: []engine.HTTPRequest{pre}},
		{name: "optionsSuccessStatus 1e21", options: `{"optionsSuccessStatus": 1e21}`, reqs: []engine.HTTPRequest{pre}},
		{name: "optionsSuccessStatus 1e400", options: `{"optionsSuccessStatus": 1e400}`, reqs: []engine.HTTPRequest{pre}},
		{name: "Latin-1 origin reflected: UTF-8 head with a body", options: `{"origin": true}`,
			reqs: []engine.HTTPRequest{nodeGet("GET", fcCafe), nodeGet("HEAD", fcCafe), nodePre(fcCafe, "PUT", "x-\u00e9"), nodeReq("GET", "/x", "Origin", fcCafe)}},
		{name: "Latin-1 option values", options: `{"origin": "https://caf\u00e9.example", "methods": "GET,\u00e9", "exposedHeaders": "X-\u00e9"}`,
			reqs: []engine.HTTPRequest{pre, get, nodeGet("HEAD", fcA), nodeReq("OPTIONS", "/r")}},
		{name: "origin beyond Latin-1: Node refuses the head", options: `{"origin": "https://\u0101.example"}`,
			reqs: []engine.HTTPRequest{pre, get, nodeGet("HEAD", fcA), nodeReq("GET", "/x"), nodeReq("OPTIONS", "/r")}},
		{name: "methods with a control character", options: `{"methods": "GET\u0001", "optionsSuccessStatus": 304}`, reqs: []engine.HTTPRequest{pre, get}},
		{name: "exposedHeaders with a newline", options: `{"exposedHeaders": "X-A\nX-B", "hook": "preSerialization"}`, reqs: []engine.HTTPRequest{pre, get, nodeReq("GET", "/x")}},
		{name: "static origin with spaces", options: `{"origin": " https://a.example.com "}`, reqs: both},
		{name: "duplicate Origin headers are joined", options: `{"origin": true}`, reqs: []engine.HTTPRequest{nodeReq("GET", "/r", "Origin", fcA, "Origin", fcB)}},
		{name: "body content types", options: `{"origin": true}`, reqs: []engine.HTTPRequest{
			nodeReq("POST", "/r", "Origin", fcA, "Content-Type", "application/x-www-form-urlencoded"),
			nodeReq("POST", "/r", "Origin", fcA, "Content-Type", "multipart/form-data; boundary=x"),
			nodeReq("POST", "/r", "Origin", fcA, "Content-Type", "text/plain;charset=UTF-8"),
			nodeReq("PUT", "/r", "Origin", fcA, "Content-Type", "Application/JSON; charset=utf-8"),
			nodeReq("PATCH", "/r", "Origin", fcA, "Content-Type", "application/jsonp"),
			nodeReq("DELETE", "/r", "Origin", fcA, "Content-Type", "text / plain"),
			nodeReq("POST", "/r", "Origin", fcA, "Content-Type", ""),
			nodeReq("POST", "/r", "Origin", fcA, "Content-Type", "bad"),
			nodeReq("POST", "/nope", "Origin", fcA, "Content-Type", "application/xml"),
			nodeReq("POST", "/nope", "Origin", fcA, "Content-Type", "bad"),
			nodeReq("GET", "/r", "Origin", fcA, "Content-Type", "application/xml"),
		}},
		{name: "methods and paths fastify routes", options: `{"origin": true}`, reqs: []engine.HTTPRequest{
			nodeGet("QUERY", fcA), nodeReq("QUERY", "/r", "Origin", fcA, "Content-Type", "text/plain"), nodeGet("TRACE", fcA), nodeGet("PROPFIND", fcA),
			nodeReq("GET", "/%72", "Origin", fcA), nodeReq("GET", "/r/", "Origin", fcA), nodeReq("GET", "//r", "Origin", fcA), nodeReq("GET", "/R", "Origin", fcA),
			nodeReq("GET", "/r?a=1&b=%zz", "Origin", fcA), nodeReq("GET", "/r;a", "Origin", fcA), nodeReq("GET", "/%zz", "Origin", fcA),
			nodeReq("GET", "/%2572", "Origin", fcA), nodeReq("GET", "/%2Fr", "Origin", fcA), nodeReq("GET", "/%c3%a9", "Origin", fcA), nodeReq("HEAD", "/%e9?x", "Origin", fcA),
			nodeReq("GET", "/a\"b", "Origin", fcA), nodeReq("OPTIONS", "/%zz", "Origin", fcA, "Access-Control-Request-Method", "PUT"),
		}},
		{name: "Node refuses unknown methods", options: `{}`, reqs: []engine.HTTPRequest{nodeGet("FOO", fcA), nodeGet("patch", fcA), nodeGet("get", fcA), nodeGet("options", fcA), nodeGet("CONNECT", fcA)}},
		{name: "Node refuses control characters", options: `{"origin": true}`, reqs: []engine.HTTPRequest{
			nodeGet("GET", "https://a\u0001.example"), nodeGet("GET", "https://a\u007f.example"), nodeGet("GET", "https://a\t.example"), nodeReq("GET", "/r", "X-Other", "a\u000bb"),
			nodeGet("CONNECT", "https://a\u0001.example")}},
		{name: "unknown options are ignored", options: `{"origins": ["https://a.example.com"], "allowCredentials": true, "__proto__": {"credentials": true}}`, reqs: both},
		{name: "everything", options: `{"origin": ["https://a.example.com", ` + fcRegexp(`^https://b\.example\.com$`, "") + `], "methods": ["GET", "PUT"], "allowedHeaders": ["X-A"], "exposedHeaders": ["X-Total"], "credentials": true, "maxAge": 600, "cacheControl": 600, "optionsSuccessStatus": 200, "hideOptionsRoute": false, "logLevel": "warn"}`,
			reqs: append(both, nodeGet("GET", fcB), nodePre(fcB, "PUT", ""), nodeGet("GET", ""))},
	}
	for _, hook := range []string{"onRequest", "preParsing", "preValidation", "preHandler", "preSerialization"} {
		for _, extra := range []string{`"origin": true`, `"origin": null`, `"origin": false`, `"origin": true, "preflightContinue": true`, `"preflight": false, "origin": ["https://a.example.com"]`, `"optionsSuccessStatus": 600`} {
			cases = append(cases, nodeCase{name: "hook " + hook + " " + extra, options: `{"hook": "` + hook + `", ` + extra + `}`, reqs: hookReqs})
		}
	}
	return cases
}

// fcRegExpCases are RegExp origins, each flag's effect included (g is
// reset by the plugin, y anchors at the start), tested with origins that
// do and do not match; invalid ones compare V8's messages.
func fcRegExpCases() []nodeCase {
	origins := []string{fcA, fcSuffix, fcEvilTail, fcDotless, fcDowngrade, fcUpper, "null", fcCafe, "https://CAF\u00c9.example", ""}
	var cases []nodeCase
	for _, p := range [][2]string{
		{`a.example.com`, ""}, {`a\.example`, ""}, {`^https://a\.example\.com$`, ""}, {`^https://a\.example\.com$`, "i"},
		{`^https://a\.example\.com$`, "gi"}, {`a\.example\.com$`, "y"}, {`https:`, "y"}, {`HTTPS:`, "iy"}, {`^null$`, "m"},
		{`^https?://[^.]+\.example\.com$`, "d"}, {`caf\xe9`, "i"}, {`[\xe0-\xff]`, ""}, {`.example.com$`, "s"},
		{`^(https://a\.example\.com|null)$`, ""}, {`(?<sub>a)\.`, "g"}, {`evil\.com$|^$`, ""}, {``, ""}, {`\bexample\b`, "y"},
		{`[`, ""}, {`a**`, "g"}, {`(?<a>x)(?<a>y)`, ""}, {`a`, "gg"}, {`a`, "uv"}, {`(?=a)`, "y"},
	} {
		js := fcRegexp(p[0], p[1])
		c := nodeCase{name: "regexp /" + p[0] + "/" + p[1], options: `{"origin": [` + js + `], "credentials": true}`, unsupported: strings.Contains(p[0], "(?=")}
		for _, o := range origins {
			c.reqs = append(c.reqs, nodeGet("GET", o))
		}
		c.reqs = append(c.reqs, nodePre(fcA, "PUT", ""))
		cases = append(cases, c)
	}
	return cases
}

func TestFastifyCorsDifferential(t *testing.T) {
	start := time.Now()
	h := fcStart(t)
	cases := append(append(drawCases(2026, 1143, 90, 4, fcOptionPools, fcRequestPool), fcHandPicked()...), fcRegExpCases()...)
	n := nodeProof{lib: "fastify-cors", version: "11.4.3", families: []string{"generated", "hook", "regexp"},
		configure: func(options string) (string, string) { return h.configure(t, options) },
		send:      func(id string, req engine.HTTPRequest) answer { return h.send(t, id, req) },
		emulate:   emulated,
	}.run(t, cases)
	t.Logf("%d configurations: %d configuration × request pairs compared line for line (%d with an access-control-allow-origin), %d configurations refused alike by node and the engine, %d unsupported by the engine; answers by status (+nACAO: with n access-control-allow-origin lines) %v; %v",
		len(cases), n.pairs, n.allowed, n.refused, n.unsupported, n.byAnswer, time.Since(start).Round(time.Millisecond))
	t.Logf("pairs: %d generated, %d hand-picked quirks, %d hook × origin, %d RegExp table", n.byFamily["generated"], n.byFamily["hand-picked"], n.byFamily["hook"], n.byFamily["regexp"])
	if n.pairs < 150 {
		t.Errorf("only %d pairs compared, want at least 150", n.pairs)
	}
}

// TestFastifyCorsExportRuns runs the program Library.Export writes, with
// node, for several configurations, and compares its answers with the
// emulation's; a configuration the library refuses makes the program print
// the ConfigError's text and exit.
func TestFastifyCorsExportRuns(t *testing.T) {
	node := fcNode(t)
	reqs := []engine.HTTPRequest{nodePre(fcA, "PUT", "x-a, Authorization"), nodePre(fcEvil, "DELETE", ""), nodeGet("GET", fcA), nodeGet("GET", fcSuffix),
		nodeGet("GET", ""), nodeReq("OPTIONS", "/r"), nodeReq("GET", "/x", "Origin", fcA), nodeGet("HEAD", fcDotless)}
	configs := []string{
		`{}`,
		`{"origin": ["https://a.example.com", {"regexp": "a.example.com"}, {"regexp": "^https://b/c$", "flags": "i"}], "credentials": true, "exposedHeaders": ["X-A", "X-B"]}`,
		`{"origin": true, "methods": "GET,PUT", "allowedHeaders": "X-A", "maxAge": 1.5, "cacheControl": 60, "optionsSuccessStatus": 200}`,
		`{"origin": "https://a.example.com", "hook": "preSerialization", "strictPreflight": false, "preflightContinue": true}`,
		`{"origin": {"regexp": "", "flags": "y"}, "preflight": false, "hideOptionsRoute": false, "logLevel": "warn", "exposedHeaders": "it's \"quoted\" \\ \u00e9"}`,
		`{"origin": null}`,
	}
	exportProof(t, "fastify-cors", "/r", configs, reqs, "server%d.js", func(file string) func(engine.HTTPRequest) answer {
		port := freePort(t)
		cmd := exec.Command(node, file)
		cmd.Env = append(os.Environ(), "PORT="+port, "HOST=127.0.0.1")
		addr := nodeProgram(t, cmd, port)
		return func(req engine.HTTPRequest) answer { return fcAsk(t, addr, "", req) }
	})
	// A configuration the library refuses: the program says why and exits.
	opts := map[string]json.RawMessage{"hook": json.RawMessage(`"onSend"`)}
	lib, _ := server.Lookup("fastify-cors", "")
	code, err := lib.Export(opts, "/r")
	if err != nil {
		t.Fatal(err)
	}
	file := filepath.Join(nodeModulesDir(t), "refused.js")
	os.WriteFile(file, []byte(code), 0o644)
	cmd := exec.Command(node, file)
	cmd.Env = append(os.Environ(), "PORT=0", "HOST=127.0.0.1")
	out, err := cmd.CombinedOutput()
	_, want := (engine.Server{Library: &engine.Library{Name: "fastify-cors", Options: opts}}).Respond(nodeGet("GET", fcA))
	var ce *engine.ConfigError
	if err == nil || !errors.As(want, &ce) || strings.TrimSpace(string(out)) != ce.Message {
		t.Errorf("the refused configuration's program: %v, printed %q; the engine: %v", err, out, want)
	}
}

// TestFastifyCorsExportRoute runs the program Export writes for the route
// of a scenario's request path and compares its answers there, and at the
// paths around it, with the emulation's for that route.
func TestFastifyCorsExportRoute(t *testing.T) {
	node := fcNode(t)
	n := 0
	for _, route := range []string{"/items", "/api/v1/o'clock", "/caf%C3%A9"} {
		n += exportProof(t, "fastify-cors", route, []string{`{"origin": "https://a.example.com", "methods": "GET,PUT"}`}, routeRequests(route, fcA), "route%d.js", func(file string) func(engine.HTTPRequest) answer {
			port := freePort(t)
			cmd := exec.Command(node, file)
			cmd.Env = append(os.Environ(), "PORT="+port, "HOST=127.0.0.1")
			addr := nodeProgram(t, cmd, port)
			return func(req engine.HTTPRequest) answer { return fcAsk(t, addr, "", req) }
		})
	}
	t.Logf("fastify-cors routes: %d answers compared", n)
}
