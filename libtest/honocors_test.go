//go:build linux

package libtest

import (
	"bufio"
	"encoding/json"
	"io"
	"os"
	"os/exec"
	"syscall"
	"testing"
	"time"

	"corsplay/engine"
)

// The real hono 4.13.23 with hono/cors (the module root's node_modules),
// run in-process by node with honocors_server.mjs (app.request: a Fetch
// Request in, a Fetch Response out, no socket), against the engine's
// "hono-cors" emulation through engine.Server.Respond: the status and every
// header line (lower-case names, sorted, as the Headers object yields
// them), values exactly. A Request that Fetch refuses to build (the call
// throws) must be status 0 in the emulation.

const honoInstall = "install Node.js 20 and run `npm ci` in the module root (/work/main), which installs hono 4.13.23 from package-lock.json"

type honoHarness struct {
	in  io.WriteCloser
	out *bufio.Reader
}

// honoStart starts honocors_server.mjs, or fails saying what to install.
func honoStart(t *testing.T) *honoHarness {
	t.Helper()
	node := nodeCheck(t, honoInstall, "hono@4.13.23")
	cmd := exec.Command(node, "--no-warnings", "honocors_server.mjs")
	cmd.Stderr = os.Stderr
	cmd.SysProcAttr = &syscall.SysProcAttr{Pdeathsig: syscall.SIGKILL} // dies with the test
	in, err := cmd.StdinPipe()
	if err != nil {
		t.Fatal(err)
	}
	out, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		t.Fatalf("starting node: %v (%s)", err, honoInstall)
	}
	t.Cleanup(func() {
		in.Close()
		done := make(chan struct{})
		go func() { cmd.Wait(); close(done) }()
		select {
		case <-done:
		case <-time.After(5 * time.Second):
			cmd.Process.Kill()
			<-done
		}
	})
	return &honoHarness{in: in, out: bufio.NewReader(out)}
}

// call sends one command and reads its answer.
func (h *honoHarness) call(t *testing.T, cmd any) map[string]json.RawMessage {
	t.Helper()
	b, _ := json.Marshal(cmd)
	if _, err := h.in.Write(append(b, '\n')); err != nil {
		t.Fatalf("honocors_server.mjs: %v", err)
	}
	line := make(chan string, 1)
	go func() { s, _ := h.out.ReadString('\n'); line <- s }()
	var s string
	select {
	case s = <-line:
	case <-time.After(10 * time.Second):
		t.Fatalf("honocors_server.mjs did not answer %s within 10 s", b)
	}
	var out map[string]json.RawMessage
	if err := json.Unmarshal([]byte(s), &out); err != nil {
		t.Fatalf("honocors_server.mjs answered %q to %s: %v", s, b, err)
	}
	if e, ok := out["error"]; ok {
		t.Fatalf("honocors_server.mjs: %s: %s", b, e)
	}
	return out
}

func (h *honoHarness) id(t *testing.T, cmd any) string {
	var id string
	json.Unmarshal(h.call(t, cmd)["id"], &id)
	return id
}

// send asks app id; status 0 when app.request throws.
func (h *honoHarness) send(t *testing.T, id string, req engine.HTTPRequest) answer {
	t.Helper()
	hs := [][2]string{}
	for _, x := range req.Headers {
		hs = append(hs, [2]string{x.Name, x.Value})
	}
	out := h.call(t, map[string]any{"id": id, "method": req.Method, "path": urlTarget(req.URL), "headers": hs})
	if _, ok := out["throws"]; ok {
		return answer{Lines: []string{}}
	}
	var a answer
	var pairs [][2]string
	json.Unmarshal(out["status"], &a.Status)
	json.Unmarshal(out["headers"], &pairs)
	a.Lines = []string{}
	for _, p := range pairs {
		a.Lines = append(a.Lines, p[0]+": "+p[1])
	}
	return a
}

// Origins shared by the hono and koa tests: the allowed one and the
// adversarial ones.
const (
	hkA         = "https://a.example.com"
	hkB         = "https://b.example.com"
	hkSuffix    = "https://a.example.com.evil.com"
	hkNoDot     = "https://aXexample.com"
	hkDowngrade = "http://a.example.com"
	hkUpper     = "https://A.example.com"
	hkEvil      = "https://evil.example"
)

// honoRequests are the requests generated configurations are sent.
var honoRequests = []engine.HTTPRequest{
	nodePre(hkA, "PUT", "content-type,x-custom"),
	nodePre(hkA, "PATCH", "authorization"),
	nodePre(hkB, "patch", ""),
	nodePre(hkSuffix, "DELETE", "authorization,content-type"),
	nodePre(hkNoDot, "PUT", ""),
	nodePre(hkDowngrade, "PUT", "x-custom"),
	nodePre("null", "PUT", "x-custom"),
	nodePre("", "PUT", "x-custom"),
	nodePre(hkA, "", ""),
	nodeReq("options", "/r", "Origin", hkA, "Access-Control-Request-Method", "PUT"),
	nodeGet("GET", hkA),
	nodeGet("GET", hkSuffix),
	nodeGet("GET", hkUpper),
	nodeGet("GET", "null"),
	nodeGet("GET", ""),
	nodeGet("get", hkA),
	nodeGet("patch", hkA),
	nodeGet("PATCH", hkA),
	nodeGet("POST", hkEvil),
	nodeGet("HEAD", hkA),
	nodeGet("DELETE", hkNoDot),
	nodeReq("GET", "/other", "Origin", hkA),
	nodeReq("PUT", "/r?x=1", "Origin", hkB),
}

// honoPools are the values each option is drawn from; "" leaves it out.
var honoPools = [][]string{
	{"origin", "", "", `"*"`, `"` + hkA + `"`, `""`, `["` + hkA + `", "` + hkB + `"]`, `["*"]`, `[]`, `["null"]`, `"null"`, `"https://A.example.com"`},
	{"allowMethods", "", "", `["GET", "PUT"]`, `[]`, `["patch"]`, `[" X ", ""]`},
	{"allowHeaders", "", "", `["X-Custom", "Authorization"]`, `[]`, `[""]`, `[" "]`, `["a\nb"]`},
	{"exposeHeaders", "", "", `["X-Total", "X-Page"]`, `[]`, `["X-\u0100"]`, `[" X-Pad "]`},
	{"maxAge", "", "", "600", "0", "-1", "1.5", "1e21", "1e-7"},
	{"credentials", "", "", "true", "false"},
}

func honoHandPicked() []nodeCase {
	pre := nodePre(hkA, "PUT", "x-custom, Authorization")
	get := nodeGet("GET", hkA)
	evil := []engine.HTTPRequest{nodePre(hkEvil, "PUT", "x-custom"), nodeGet("GET", hkEvil)}
	all := append([]engine.HTTPRequest{pre, get}, evil...)
	return []nodeCase{
		{name: "defaults: * and the request's headers echoed", options: `{}`, reqs: append(all, nodeReq("OPTIONS", "/r"), nodeGet("GET", ""))},
		{name: "* with credentials", options: `{"origin": "*", "credentials": true}`, reqs: append(all, nodeGet("GET", ""))},
		{name: "exact string, case-sensitive", options: `{"origin": "https://a.example.com"}`, reqs: append(all, nodeGet("GET", hkUpper), nodeGet("GET", hkA+"/"), nodeGet("GET", hkSuffix))},
		{name: "list, adversarial origins", options: `{"origin": ["https://a.example.com", "null"], "credentials": true}`,
			reqs: []engine.HTTPRequest{nodeGet("GET", hkSuffix), nodeGet("GET", hkNoDot), nodeGet("GET", hkDowngrade), nodeGet("GET", "null"), nodePre("null", "PUT", "authorization"), nodeGet("GET", "")}},
		{name: "empty string origin", options: `{"origin": ""}`, reqs: append(all, nodeGet("GET", ""), nodePre("", "PUT", ""))},
		{name: "credentials for refused and absent origins", options: `{"origin": ["https://a.example.com"], "credentials": true, "exposeHeaders": ["X-Total"]}`, reqs: append(all, nodeGet("GET", ""), nodeGet("patch", hkEvil))},
		{name: "fixed allowHeaders still varies on ACRH", options: `{"origin": "https://a.example.com", "allowHeaders": ["X-Custom"]}`, reqs: []engine.HTTPRequest{pre, nodePre(hkA, "PUT", "")}},
		{name: "echoed headers trimmed and joined", options: `{}`, reqs: []engine.HTTPRequest{
			nodeReq("OPTIONS", "/r", "Origin", hkA, "Access-Control-Request-Headers", " x-a ,\u00a0x-b\v", "access-control-request-headers", "x-c"),
			nodeReq("OPTIONS", "/r", "Access-Control-Request-Headers", ",,"),
			nodeReq("OPTIONS", "/r", "Access-Control-Request-Headers", "\v"),
		}},
		{name: "duplicate Origin headers", options: `{"origin": ["https://a.example.com", "https://b.example.com"]}`, reqs: []engine.HTTPRequest{
			nodeReq("GET", "/r", "Origin", hkA, "Origin", hkB), nodeReq("GET", "/r", "Origin", "  "+hkA+"\t"),
		}},
		{name: "methods Fetch normalises and the ones it does not", options: `{"origin": ["https://a.example.com"]}`, reqs: []engine.HTTPRequest{
			nodeGet("get", hkA), nodeGet("patch", hkA), nodeGet("Patch", hkA), nodeGet("delete", hkA), nodeGet("head", hkA), nodeGet("query", hkA),
			nodeGet("QUERY", hkA), nodeGet("FOO", hkA), nodeGet("options", hkA), nodeGet("TRACK", hkA), nodeGet("connect", hkA), nodeGet("trace", hkA), nodeGet("BAD METHOD", hkA),
		}},
		{name: "invalid request header values throw", options: `{}`, reqs: []engine.HTTPRequest{
			nodeReq("GET", "/r", "Origin", "https://a\x00.example"), nodeReq("GET", "/r", "Origin", "https://\u0100.example"), nodeReq("GET", "/r", "Origin", "https://caf\u00e9.example\x01"),
		}},
		{name: "paths", options: `{"origin": "https://a.example.com"}`, reqs: []engine.HTTPRequest{
			nodeReq("GET", "/r?x=1", "Origin", hkA), nodeReq("GET", "/%72", "Origin", hkA), nodeReq("GET", "/R", "Origin", hkA), nodeReq("GET", "/r/", "Origin", hkA),
			nodeReq("GET", "/r%3F", "Origin", hkA), nodeReq("OPTIONS", "/anything", "Origin", hkA), nodeReq("HEAD", "/nothing", "Origin", hkA),
		}},
		{name: "untouched response keeps Fetch's own content type", options: `{"origin": ["https://a.example.com"]}`, reqs: []engine.HTTPRequest{nodeGet("GET", hkEvil), nodeGet("HEAD", hkEvil), nodeGet("POST", "")}},
		{name: "invalid expose value: 500 keeps what was set", options: `{"origin": ["https://a.example.com"], "credentials": true, "exposeHeaders": ["X-A", "b\nc"]}`, reqs: append(all, nodeGet("HEAD", hkA))},
		{name: "invalid allowMethods: 500 after Vary", options: `{"origin": "https://a.example.com", "maxAge": 5, "allowMethods": ["GET", "\u0101"]}`, reqs: all},
		{name: "invalid reflected-free allowHeaders", options: `{"allowHeaders": ["x\u0000"]}`, reqs: all},
		{name: "values normalised", options: `{"allowMethods": ["\tGET", "PUT\r"], "allowHeaders": ["\n"], "exposeHeaders": [" "]}`, reqs: all},
		{name: "maxAge forms", options: `{"maxAge": 0}`, reqs: []engine.HTTPRequest{pre}},
		{name: "maxAge big", options: `{"maxAge": 123456789012345678901234}`, reqs: []engine.HTTPRequest{pre}},
		{name: "maxAge tiny", options: `{"maxAge": 0.0000001}`, reqs: []engine.HTTPRequest{pre}},
		{name: "maxAge negative fraction", options: `{"maxAge": -0.5}`, reqs: []engine.HTTPRequest{pre}},
		{name: "maxAge beyond a double", options: `{"maxAge": 1e999}`, reqs: []engine.HTTPRequest{pre}},
		{name: "Latin-1 origin echoed", options: `{"origin": ["https://caf\u00e9.example"]}`, reqs: []engine.HTTPRequest{nodeGet("GET", "https://caf\u00e9.example"), nodePre("https://caf\u00e9.example", "PUT", "x-\u00e9")}},
		{name: "empty method list", options: `{"allowMethods": [], "allowHeaders": [], "exposeHeaders": []}`, reqs: all},
		{name: "star inside a list", options: `{"origin": ["*"]}`, reqs: append(all, nodeGet("GET", "*"))},
		{name: "unknown options are ignored", options: `{"allowedHeaders": ["X-Only"], "methods": "GET", "origins": ["https://a.example.com"], "maxage": 5}`, reqs: all},
	}
}

func TestHonoCorsDifferential(t *testing.T) {
	start := time.Now()
	h := honoStart(t)
	cases := append(drawCases(2026, 1604, 45, 4, honoPools, honoRequests), honoHandPicked()...)
	n := nodeProof{lib: "hono-cors", version: "4.13.23", families: []string{"generated"},
		configure: func(options string) (string, string) {
			return h.id(t, map[string]json.RawMessage{"configure": json.RawMessage(options)}), ""
		},
		send:    func(id string, req engine.HTTPRequest) answer { return h.send(t, id, req) },
		emulate: emulated,
	}.run(t, cases)
	t.Logf("hono-cors: %d configuration × request pairs (%d generated, %d hand-picked), answers by status (+nACAO: with n Access-Control-Allow-Origin lines; 0: app.request threw): %v; %v",
		n.pairs, n.byFamily["generated"], n.byFamily["hand-picked"], n.byAnswer, time.Since(start).Round(time.Millisecond))
	if n.pairs < 150 {
		t.Errorf("only %d pairs compared, want at least 150", n.pairs)
	}
}

// TestHonoCorsExportRuns loads the module Export writes (its default export
// is the app) into the real hono and compares its answers with the
// emulation's, for several configurations.
func TestHonoCorsExportRuns(t *testing.T) {
	h := honoStart(t)
	n := exportProof(t, "hono-cors", "/r", []string{
		`{}`,
		`{"origin": "https://a.example.com", "credentials": true, "maxAge": 600}`,
		`{"origin": ["https://a.example.com", "null", "it's \"quoted\" \\ \u2028"], "allowMethods": ["GET", "PUT"], "allowHeaders": ["X-Custom"], "exposeHeaders": ["X-Total"]}`,
		`{"origin": "*", "credentials": true, "maxAge": 1e21, "allowHeaders": []}`,
		`{"origin": [], "allowMethods": [], "maxAge": -0.5, "credentials": false}`,
	}, honoRequests, "app%d.mjs", func(file string) func(engine.HTTPRequest) answer {
		id := h.id(t, map[string]string{"load": file})
		return func(req engine.HTTPRequest) answer { return h.send(t, id, req) }
	})
	t.Logf("hono-cors export: %d requests to 5 exported programs answered as emulated", n)
}

// TestHonoCorsExportRoute runs the module Export writes for the route of a
// scenario's request path and compares its answers there, and at the paths
// around it, with the emulation's for that route.
func TestHonoCorsExportRoute(t *testing.T) {
	h := honoStart(t)
	n := 0
	for _, route := range []string{"/items", "/api/v1/o'clock", "/caf%C3%A9"} {
		n += exportProof(t, "hono-cors", route, []string{`{"origin": "https://a.example.com", "allowMethods": ["GET", "PUT"]}`}, routeRequests(route, "https://a.example.com"), "route%d.mjs", func(file string) func(engine.HTTPRequest) answer {
			id := h.id(t, map[string]string{"load": file})
			return func(req engine.HTTPRequest) answer { return h.send(t, id, req) }
		})
	}
	t.Logf("hono-cors routes: %d answers compared", n)
}
