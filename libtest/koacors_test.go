//go:build linux

package libtest

import (
	"os"
	"os/exec"
	"syscall"
	"testing"
	"time"

	"corsplay/engine"
)

// The real @koa/cors 5.0.0 on koa 3.3.0 (the module root's node_modules),
// run by node with koacors_server.js on a loopback port, against the
// engine's "koa-cors" emulation through engine.Server.Respond. Requests go
// as raw bytes on a fresh connection (Host and Connection: close added);
// the raw answer is parsed here: the status and every header line, in wire
// order, names exactly as written, values as a client reads them (Latin-1,
// trimmed). Node's own Date and Connection lines are checked (one Date; a
// Connection: close) and left out: the emulation does not write them.

const koaInstall = "install Node.js 20 and run `npm ci` in the module root (/work/main), which installs koa 3.3.0 and @koa/cors 5.0.0 from package-lock.json"

// koaCheckModules fails the test unless node and the two packages are there.
func koaCheckModules(t *testing.T) string {
	t.Helper()
	return nodeCheck(t, koaInstall, "koa@3.3.0", "@koa/cors@5.0.0")
}

// koaStart starts koacors_server.js and returns its address.
func koaStart(t *testing.T) string {
	t.Helper()
	cmd := exec.Command(koaCheckModules(t), "koacors_server.js")
	cmd.SysProcAttr = &syscall.SysProcAttr{Pdeathsig: syscall.SIGKILL} // dies with the test
	return nodeServer(t, cmd, koaInstall)
}

func koaConfigure(t *testing.T, addr, options string) string {
	t.Helper()
	id, jsErr := nodeConfigure(t, addr, options)
	if jsErr != "" {
		t.Fatalf("configure %s: %s", options, jsErr)
	}
	return id
}

// koaSend sends req's method, headers and the path of its URL (under
// prefix) as raw bytes, and parses the raw answer: the header lines but
// Node's Date and Connection, which are checked; status 0 when node
// closes the connection without one.
func koaSend(t *testing.T, addr, prefix string, req engine.HTTPRequest) answer {
	t.Helper()
	status, hs := rawExchange(t, addr, rawRequest(t, req.Method, prefix+urlTarget(req.URL), addr, req.Headers, ""))
	a := answer{Status: status, Lines: []string{}}
	if status == 0 {
		return a
	}
	dates, connection := 0, ""
	for _, h := range hs {
		switch h.Name {
		case "Date":
			dates++
		case "Connection":
			connection = h.Value
		default:
			a.Lines = append(a.Lines, h.Name+": "+h.Value)
		}
	}
	if connection != "close" || dates != 1 && status != 400 {
		t.Errorf("%s %q: Node wrote %d Date and Connection %q", req.Method, req.Headers, dates, connection)
	}
	return a
}

// koaRequests are the requests generated configurations are sent.
var koaRequests = []engine.HTTPRequest{
	nodePre(hkA, "PUT", "content-type,x-custom"),
	nodePre(hkA, "PATCH", "authorization"),
	nodePre(hkSuffix, "DELETE", "authorization,content-type"),
	nodePre(hkNoDot, "PUT", ""),
	nodePre(hkDowngrade, "PUT", "x-custom"),
	nodePre("null", "PUT", "x-custom"),
	nodePre("", "PUT", "x-custom"),
	nodePre(hkA, "", ""),
	nodeReq("OPTIONS", "/r", "Origin", hkB, "Access-Control-Request-Method", "GET", "Access-Control-Request-Private-Network", "true"),
	nodeGet("GET", hkA),
	nodeGet("GET", hkSuffix),
	nodeGet("GET", "null"),
	nodeGet("GET", ""),
	nodeGet("get", hkA),
	nodeGet("patch", hkA),
	nodeGet("PATCH", hkEvil),
	nodeGet("HEAD", hkA),
	nodeGet("DELETE", hkNoDot),
	nodeReq("GET", "/other", "Origin", hkA),
	nodeReq("POST", "/boom", "Origin", hkA),
	nodeReq("HEAD", "/boom", "Origin", hkB),
	nodeReq("PUT", "/r?x=1", "Origin", hkDowngrade),
}

var koaPools = [][]string{
	{"origin", "", "", `"*"`, `"` + hkA + `"`, `""`, `["` + hkA + `", "` + hkB + `"]`, `["` + hkA + `"]`, `[]`, `"null"`},
	{"allowMethods", "", "", `"GET,PUT"`, `["GET", "PUT"]`, `""`, `[]`, `"patch"`},
	{"allowHeaders", "", "", `"X-Custom,Authorization"`, `["X-Custom", "Authorization"]`, `""`, `[]`, `"a\u0001"`},
	{"exposeHeaders", "", "", `"X-Total"`, `["X-Total", "X-Page"]`, `""`, `["X-\u0100"]`},
	{"maxAge", "", "", "600", "0", `"600"`, `"0"`, `""`, "1.5", "-1", "1e21"},
	{"credentials", "", "", "true", "false"},
	{"keepHeadersOnError", "", "", "false", "true"},
	{"secureContext", "", "", "true", "false"},
	{"privateNetworkAccess", "", "", "true", "false"},
}

func koaHandPicked() []nodeCase {
	pre := nodePre(hkA, "PUT", "x-custom, Authorization")
	get := nodeGet("GET", hkA)
	evil := []engine.HTTPRequest{nodePre(hkEvil, "PUT", "x-custom"), nodeGet("GET", hkEvil)}
	all := append([]engine.HTTPRequest{pre, get}, evil...)
	boom := []engine.HTTPRequest{nodeReq("GET", "/boom", "Origin", hkA), nodeReq("HEAD", "/boom", "Origin", hkA), nodeReq("OPTIONS", "/boom", "Origin", hkA),
		nodeReq("OPTIONS", "/boom", "Origin", hkA, "Access-Control-Request-Method", "PUT")}
	latin := "https://caf\u00e9.example"
	return []nodeCase{
		{name: "defaults", options: `{}`, reqs: append(all, nodeReq("OPTIONS", "/r"), nodeGet("GET", ""), nodeReq("OPTIONS", "/r", "Origin", hkA))},
		{name: "credentials reflect any origin", options: `{"credentials": true}`, reqs: append(all, nodeGet("GET", ""), nodePre("", "PUT", ""), nodeGet("GET", "null"), nodeGet("GET", hkSuffix))},
		{name: "static string sent to everyone", options: `{"origin": "https://a.example.com", "credentials": true}`, reqs: append(all, nodeGet("GET", hkNoDot), nodeGet("GET", hkDowngrade))},
		{name: "list: one line per element", options: `{"origin": ["https://a.example.com", "https://b.example.com"], "credentials": true}`, reqs: append(all, boom...)},
		{name: "empty list: no line", options: `{"origin": [], "credentials": true}`, reqs: append(all, boom...)},
		{name: "star in a list is not reflected", options: `{"origin": ["*"], "credentials": true}`, reqs: all},
		{name: "empty string is *", options: `{"origin": "", "credentials": true}`, reqs: all},
		{name: "keepHeadersOnError default", options: `{"origin": "https://a.example.com", "credentials": true, "exposeHeaders": ["X-A", "X-B"], "secureContext": true}`, reqs: boom},
		{name: "keepHeadersOnError false", options: `{"credentials": true, "keepHeadersOnError": false, "secureContext": true}`, reqs: boom},
		{name: "private network", options: `{"privateNetworkAccess": true}`, reqs: []engine.HTTPRequest{
			nodeReq("OPTIONS", "/r", "Origin", hkEvil, "Access-Control-Request-Method", "GET", "Access-Control-Request-Private-Network", "true"),
			nodeReq("OPTIONS", "/r", "Origin", hkEvil, "Access-Control-Request-Method", "GET", "Access-Control-Request-Private-Network", "false"),
			nodeReq("OPTIONS", "/r", "Origin", hkEvil, "Access-Control-Request-Method", "GET", "Access-Control-Request-Private-Network", ""),
			nodeReq("GET", "/r", "Origin", hkEvil, "Access-Control-Request-Private-Network", "true"),
		}},
		{name: "duplicates joined", options: `{"credentials": true}`, reqs: []engine.HTTPRequest{
			nodeReq("GET", "/r", "Origin", hkA, "Origin", hkB),
			nodeReq("OPTIONS", "/r", "Origin", " "+hkA+"\t", "Access-Control-Request-Method", "", "access-control-request-method", "PUT", "Access-Control-Request-Headers", "a", "Access-Control-Request-Headers", " b "),
			nodeReq("OPTIONS", "/r", "Origin", hkA, "Access-Control-Request-Method", " "),
		}},
		{name: "methods Node refuses or drops", options: `{}`, reqs: []engine.HTTPRequest{
			nodeGet("patch", hkA), nodeGet("get", hkA), nodeGet("FOO", hkA), nodeGet("CONNECT", hkA), nodeGet("QUERY", hkA), nodeGet("M-SEARCH", hkA), nodeReq("options", "/r", "Origin", hkA, "Access-Control-Request-Method", "PUT"),
		}},
		{name: "control characters in request headers", options: `{}`, reqs: []engine.HTTPRequest{nodeReq("GET", "/r", "Origin", "https://a\x01.example"), nodeReq("GET", "/r", "Origin", "https://a\x7f.example"), nodeReq("GET", "/r", "Origin", "https://a\t.example")}},
		{name: "Latin-1 written in UTF-8 after a head with a body", options: `{"credentials": true}`, reqs: append([]engine.HTTPRequest{
			nodeGet("GET", latin), nodeGet("HEAD", latin), nodePre(latin, "PUT", "x-\u00e9"), nodeReq("GET", "/x", "Origin", latin), nodeReq("HEAD", "/x", "Origin", latin),
			nodeReq("GET", "/boom", "Origin", latin), nodeReq("HEAD", "/boom", "Origin", latin)}, boom...)},
		{name: "Latin-1 configured", options: `{"origin": "https://caf\u00e9.example", "exposeHeaders": "X-\u00e9", "allowHeaders": "\u00ff"}`, reqs: append(all, boom...)},
		{name: "invalid character in origin", options: `{"origin": "https://\u0100.example"}`, reqs: append(all, boom...)},
		{name: "invalid character in one list element", options: `{"origin": ["https://a.example.com", "bad\nvalue"], "keepHeadersOnError": true}`, reqs: append(all, boom...)},
		{name: "invalid allowHeaders only hits preflights", options: `{"allowHeaders": ["X-\u0100"], "exposeHeaders": "X-Fine"}`, reqs: append(all, boom...)},
		{name: "invalid exposeHeaders only hits actual requests", options: `{"exposeHeaders": ["X-\u0100"]}`, reqs: append(all, boom...)},
		{name: "maxAge strings as they are", options: `{"maxAge": " 600 "}`, reqs: []engine.HTTPRequest{pre}},
		{name: "maxAge 0 is nothing", options: `{"maxAge": 0}`, reqs: []engine.HTTPRequest{pre}},
		{name: "maxAge \"0\" is sent", options: `{"maxAge": "0"}`, reqs: []engine.HTTPRequest{pre}},
		{name: "maxAge number formats", options: `{"maxAge": 1e-7}`, reqs: []engine.HTTPRequest{pre}},
		{name: "maxAge beyond a double", options: `{"maxAge": -1e999}`, reqs: []engine.HTTPRequest{pre}},
		{name: "allowMethods empty", options: `{"allowMethods": "", "allowHeaders": [], "exposeHeaders": []}`, reqs: all},
		{name: "lists joined with commas", options: `{"allowMethods": ["GET", " PUT "], "allowHeaders": ["a", ""], "exposeHeaders": ["", "b"]}`, reqs: all},
		{name: "paths", options: `{}`, reqs: []engine.HTTPRequest{nodeReq("GET", "/R", "Origin", hkA), nodeReq("GET", "/r/", "Origin", hkA), nodeReq("GET", "/%72", "Origin", hkA),
			nodeReq("GET", "/boom?x", "Origin", hkA), nodeReq("OPTIONS", "/anything", "Origin", hkA, "Access-Control-Request-Method", "PUT"), nodeReq("DELETE", "/", "Origin", hkA)}},
		{name: "secureContext on preflights and actual requests", options: `{"secureContext": true, "allowHeaders": "X-A"}`, reqs: all},
		{name: "unknown options are ignored", options: `{"allowedHeaders": ["X-Only"], "methods": "GET", "origins": ["https://a.example.com"], "credential": true}`, reqs: all},
	}
}

func TestKoaCorsDifferential(t *testing.T) {
	start := time.Now()
	addr := koaStart(t)
	cases := append(drawCases(2026, 1605, 45, 4, koaPools, koaRequests), koaHandPicked()...)
	n := nodeProof{lib: "koa-cors", version: "5.0.0", families: []string{"generated"},
		configure: func(options string) (string, string) { return koaConfigure(t, addr, options), "" },
		send:      func(id string, req engine.HTTPRequest) answer { return koaSend(t, addr, "/app/"+id, req) },
		emulate:   emulated,
	}.run(t, cases)
	t.Logf("koa-cors: %d configuration × request pairs (%d generated, %d hand-picked), answers by status (+nACAO: with n Access-Control-Allow-Origin lines; 0: no answer): %v; %v",
		n.pairs, n.byFamily["generated"], n.byFamily["hand-picked"], n.byAnswer, time.Since(start).Round(time.Millisecond))
	if n.pairs < 150 {
		t.Errorf("only %d pairs compared, want at least 150", n.pairs)
	}
}

// TestKoaCorsExportRuns runs the program Export writes with node, on a
// loopback port given in PORT, and compares its answers with the
// emulation's, for several configurations.
func TestKoaCorsExportRuns(t *testing.T) {
	node := koaCheckModules(t)
	n := exportProof(t, "koa-cors", "/r", []string{
		`{}`,
		`{"origin": "https://a.example.com", "credentials": true, "maxAge": 600, "secureContext": true}`,
		`{"origin": ["https://a.example.com", "it's \"quoted\" \\"], "allowMethods": ["GET", "PUT"], "allowHeaders": "X-Custom", "exposeHeaders": ["X-Total"], "keepHeadersOnError": false}`,
		`{"credentials": true, "maxAge": "0", "privateNetworkAccess": true, "allowHeaders": []}`,
	}, koaRequests, "app%d.js", koaProgram(t, node))
	t.Logf("koa-cors export: %d requests to 4 exported programs answered as emulated", n)
}

// koaProgram runs an exported program file under node and sends it
// requests.
func koaProgram(t *testing.T, node string) func(file string) func(engine.HTTPRequest) answer {
	return func(file string) func(engine.HTTPRequest) answer {
		port := freePort(t)
		cmd := exec.Command(node, file)
		cmd.Env = append(os.Environ(), "PORT="+port)
		cmd.SysProcAttr = &syscall.SysProcAttr{Pdeathsig: syscall.SIGKILL}
		addr := nodeProgram(t, cmd, port)
		return func(req engine.HTTPRequest) answer { return koaSend(t, addr, "", req) }
	}
}

// TestKoaCorsExportRoute runs the program Export writes for the route of a
// scenario's request path and compares its answers there, and at the paths
// around it, with the emulation's for that route.
func TestKoaCorsExportRoute(t *testing.T) {
	node := koaCheckModules(t)
	n := 0
	for _, route := range []string{"/items", "/api/v1/o'clock", "/caf%C3%A9"} {
		n += exportProof(t, "koa-cors", route, []string{`{"origin": "https://a.example.com"}`}, routeRequests(route, "https://a.example.com"), "route%d.js", koaProgram(t, node))
	}
	t.Logf("koa-cors routes: %d answers compared", n)
}
