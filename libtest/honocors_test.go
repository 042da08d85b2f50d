//go:build linux

package libtest

import (
	"bufio"
	"encoding/json"
	"fmt"
	"io"
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
	node, err := exec.LookPath("node")
	if err != nil {
		t.Fatalf("node is not on PATH: %s", honoInstall)
	}
	var pkg struct{ Version string }
	b, err := os.ReadFile(filepath.Join("..", "node_modules", "hono", "package.json"))
	if err != nil || json.Unmarshal(b, &pkg) != nil || pkg.Version != "4.13.23" {
		t.Fatalf("../node_modules/hono is missing or not 4.13.23 (%v, %q): %s", err, pkg.Version, honoInstall)
	}
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

// honoAnswer is a status and the header lines "name: value" in order.
type honoAnswer struct {
	Status int
	Lines  []string
}

func (a honoAnswer) String() string {
	return fmt.Sprintf("%d [%s]", a.Status, strings.Join(a.Lines, " | "))
}

func honoLines(hs engine.Headers) []string {
	lines := []string{}
	for _, h := range hs {
		lines = append(lines, h.Name+": "+h.Value)
	}
	return lines
}

// honoPath is the path and query of a request's URL.
func honoPath(url string) string {
	_, rest, _ := strings.Cut(url, "://")
	if i := strings.IndexByte(rest, '/'); i >= 0 {
		return rest[i:]
	}
	return "/"
}

// send asks app id; status 0 when app.request throws.
func (h *honoHarness) send(t *testing.T, id string, req engine.HTTPRequest) honoAnswer {
	t.Helper()
	hs := [][2]string{}
	for _, x := range req.Headers {
		hs = append(hs, [2]string{x.Name, x.Value})
	}
	out := h.call(t, map[string]any{"id": id, "method": req.Method, "path": honoPath(req.URL), "headers": hs})
	if _, ok := out["throws"]; ok {
		return honoAnswer{Lines: []string{}}
	}
	var a honoAnswer
	var pairs [][2]string
	json.Unmarshal(out["status"], &a.Status)
	json.Unmarshal(out["headers"], &pairs)
	a.Lines = []string{}
	for _, p := range pairs {
		a.Lines = append(a.Lines, p[0]+": "+p[1])
	}
	return a
}

func honoReq(method, path string, headers ...string) engine.HTTPRequest {
	req := engine.HTTPRequest{Method: method, URL: "https://api.example.com" + path}
	for i := 0; i+1 < len(headers); i += 2 {
		req.Headers = append(req.Headers, engine.Header{Name: headers[i], Value: headers[i+1]})
	}
	return req
}

// honoPre is a preflight to /r; "" leaves a header out.
func honoPre(origin, acrm, acrh string) engine.HTTPRequest {
	var hs []string
	for _, kv := range [][2]string{{"Origin", origin}, {"Access-Control-Request-Method", acrm}, {"Access-Control-Request-Headers", acrh}} {
		if kv[1] != "" {
			hs = append(hs, kv[0], kv[1])
		}
	}
	return honoReq("OPTIONS", "/r", hs...)
}

func honoGet(method, origin string) engine.HTTPRequest {
	if origin == "" {
		return honoReq(method, "/r")
	}
	return honoReq(method, "/r", "Origin", origin)
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
	honoPre(hkA, "PUT", "content-type,x-custom"),
	honoPre(hkA, "PATCH", "authorization"),
	honoPre(hkB, "patch", ""),
	honoPre(hkSuffix, "DELETE", "authorization,content-type"),
	honoPre(hkNoDot, "PUT", ""),
	honoPre(hkDowngrade, "PUT", "x-custom"),
	honoPre("null", "PUT", "x-custom"),
	honoPre("", "PUT", "x-custom"),
	honoPre(hkA, "", ""),
	honoReq("options", "/r", "Origin", hkA, "Access-Control-Request-Method", "PUT"),
	honoGet("GET", hkA),
	honoGet("GET", hkSuffix),
	honoGet("GET", hkUpper),
	honoGet("GET", "null"),
	honoGet("GET", ""),
	honoGet("get", hkA),
	honoGet("patch", hkA),
	honoGet("PATCH", hkA),
	honoGet("POST", hkEvil),
	honoGet("HEAD", hkA),
	honoGet("DELETE", hkNoDot),
	honoReq("GET", "/other", "Origin", hkA),
	honoReq("PUT", "/r?x=1", "Origin", hkB),
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

type honoCase struct {
	name, options string
	reqs          []engine.HTTPRequest
}

func honoGenerated(n, per int) []honoCase {
	r := rand.New(rand.NewPCG(2026, 1604))
	var cases []honoCase
	for i := range n {
		var fields []string
		for _, pool := range honoPools {
			if v := pool[1+r.IntN(len(pool)-1)]; v != "" {
				fields = append(fields, fmt.Sprintf("%q: %s", pool[0], v))
			}
		}
		c := honoCase{name: fmt.Sprintf("generated-%d", i), options: "{" + strings.Join(fields, ", ") + "}"}
		for _, j := range r.Perm(len(honoRequests))[:per] {
			c.reqs = append(c.reqs, honoRequests[j])
		}
		cases = append(cases, c)
	}
	return cases
}

func honoHandPicked() []honoCase {
	pre := honoPre(hkA, "PUT", "x-custom, Authorization")
	get := honoGet("GET", hkA)
	evil := []engine.HTTPRequest{honoPre(hkEvil, "PUT", "x-custom"), honoGet("GET", hkEvil)}
	all := append([]engine.HTTPRequest{pre, get}, evil...)
	return []honoCase{
		{"defaults: * and the request's headers echoed", `{}`, append(all, honoReq("OPTIONS", "/r"), honoGet("GET", ""))},
		{"* with credentials", `{"origin": "*", "credentials": true}`, append(all, honoGet("GET", ""))},
		{"exact string, case-sensitive", `{"origin": "https://a.example.com"}`, append(all, honoGet("GET", hkUpper), honoGet("GET", hkA+"/"), honoGet("GET", hkSuffix))},
		{"list, adversarial origins", `{"origin": ["https://a.example.com", "null"], "credentials": true}`,
			[]engine.HTTPRequest{honoGet("GET", hkSuffix), honoGet("GET", hkNoDot), honoGet("GET", hkDowngrade), honoGet("GET", "null"), honoPre("null", "PUT", "authorization"), honoGet("GET", "")}},
		{"empty string origin", `{"origin": ""}`, append(all, honoGet("GET", ""), honoPre("", "PUT", ""))},
		{"credentials for refused and absent origins", `{"origin": ["https://a.example.com"], "credentials": true, "exposeHeaders": ["X-Total"]}`, append(all, honoGet("GET", ""), honoGet("patch", hkEvil))},
		{"fixed allowHeaders still varies on ACRH", `{"origin": "https://a.example.com", "allowHeaders": ["X-Custom"]}`, []engine.HTTPRequest{pre, honoPre(hkA, "PUT", "")}},
		{"echoed headers trimmed and joined", `{}`, []engine.HTTPRequest{
			honoReq("OPTIONS", "/r", "Origin", hkA, "Access-Control-Request-Headers", " x-a ,\u00a0x-b\v", "access-control-request-headers", "x-c"),
			honoReq("OPTIONS", "/r", "Access-Control-Request-Headers", ",,"),
			honoReq("OPTIONS", "/r", "Access-Control-Request-Headers", "\v"),
		}},
		{"duplicate Origin headers", `{"origin": ["https://a.example.com", "https://b.example.com"]}`, []engine.HTTPRequest{
			honoReq("GET", "/r", "Origin", hkA, "Origin", hkB), honoReq("GET", "/r", "Origin", "  "+hkA+"\t"),
		}},
		{"methods Fetch normalises and the ones it does not", `{"origin": ["https://a.example.com"]}`, []engine.HTTPRequest{
			honoGet("get", hkA), honoGet("patch", hkA), honoGet("Patch", hkA), honoGet("delete", hkA), honoGet("head", hkA), honoGet("query", hkA),
			honoGet("QUERY", hkA), honoGet("FOO", hkA), honoGet("options", hkA), honoGet("TRACK", hkA), honoGet("connect", hkA), honoGet("trace", hkA), honoGet("BAD METHOD", hkA),
		}},
		{"invalid request header values throw", `{}`, []engine.HTTPRequest{
			honoReq("GET", "/r", "Origin", "https://a\x00.example"), honoReq("GET", "/r", "Origin", "https://\u0100.example"), honoReq("GET", "/r", "Origin", "https://caf\u00e9.example\x01"),
		}},
		{"paths", `{"origin": "https://a.example.com"}`, []engine.HTTPRequest{
			honoReq("GET", "/r?x=1", "Origin", hkA), honoReq("GET", "/%72", "Origin", hkA), honoReq("GET", "/R", "Origin", hkA), honoReq("GET", "/r/", "Origin", hkA),
			honoReq("GET", "/r%3F", "Origin", hkA), honoReq("OPTIONS", "/anything", "Origin", hkA), honoReq("HEAD", "/nothing", "Origin", hkA),
		}},
		{"untouched response keeps Fetch's own content type", `{"origin": ["https://a.example.com"]}`, []engine.HTTPRequest{honoGet("GET", hkEvil), honoGet("HEAD", hkEvil), honoGet("POST", "")}},
		{"invalid expose value: 500 keeps what was set", `{"origin": ["https://a.example.com"], "credentials": true, "exposeHeaders": ["X-A", "b\nc"]}`, append(all, honoGet("HEAD", hkA))},
		{"invalid allowMethods: 500 after Vary", `{"origin": "https://a.example.com", "maxAge": 5, "allowMethods": ["GET", "\u0101"]}`, all},
		{"invalid reflected-free allowHeaders", `{"allowHeaders": ["x\u0000"]}`, all},
		{"values normalised", `{"allowMethods": ["\tGET", "PUT\r"], "allowHeaders": ["\n"], "exposeHeaders": [" "]}`, all},
		{"maxAge forms", `{"maxAge": 0}`, []engine.HTTPRequest{pre}},
		{"maxAge big", `{"maxAge": 123456789012345678901234}`, []engine.HTTPRequest{pre}},
		{"maxAge tiny", `{"maxAge": 0.0000001}`, []engine.HTTPRequest{pre}},
		{"maxAge negative fraction", `{"maxAge": -0.5}`, []engine.HTTPRequest{pre}},
		{"maxAge beyond a double", `{"maxAge": 1e999}`, []engine.HTTPRequest{pre}},
		{"Latin-1 origin echoed", `{"origin": ["https://caf\u00e9.example"]}`, []engine.HTTPRequest{honoGet("GET", "https://caf\u00e9.example"), honoPre("https://caf\u00e9.example", "PUT", "x-\u00e9")}},
		{"empty method list", `{"allowMethods": [], "allowHeaders": [], "exposeHeaders": []}`, all},
		{"star inside a list", `{"origin": ["*"]}`, append(all, honoGet("GET", "*"))},
		{"unknown options are ignored", `{"allowedHeaders": ["X-Only"], "methods": "GET", "origins": ["https://a.example.com"], "maxage": 5}`, all},
	}
}

func TestHonoCorsDifferential(t *testing.T) {
	start := time.Now()
	h := honoStart(t)
	cases := append(honoGenerated(45, 4), honoHandPicked()...)
	pairs, generated := 0, 0
	kinds := map[string]int{}
	for _, c := range cases {
		var opts map[string]json.RawMessage
		if err := json.Unmarshal([]byte(c.options), &opts); err != nil {
			t.Fatalf("%s: %v", c.name, err)
		}
		id := h.id(t, map[string]json.RawMessage{"configure": json.RawMessage(c.options)})
		srv := engine.Server{Library: &engine.Library{Name: "hono-cors", Version: "4.13.23", Options: opts}}
		for _, req := range c.reqs {
			real := h.send(t, id, req)
			resp, err := srv.Respond(req)
			if err != nil {
				t.Fatalf("%s %s: %v", c.name, c.options, err)
			}
			emu := honoAnswer{resp.Status, honoLines(resp.Headers)}
			pairs++
			if strings.HasPrefix(c.name, "generated") {
				generated++
			}
			kind := fmt.Sprint(real.Status)
			if slices.ContainsFunc(real.Lines, func(l string) bool { return strings.HasPrefix(l, "access-control-allow-origin:") }) {
				kind += "+ACAO"
			}
			kinds[kind]++
			if real.String() != emu.String() {
				t.Errorf("%s %s\n  %s %s %q\n  real:     %v\n  emulated: %v", c.name, c.options, req.Method, req.URL, req.Headers, real, emu)
			}
		}
	}
	t.Logf("hono-cors: %d configuration × request pairs (%d generated, %d hand-picked), answers by status (+ACAO: with Access-Control-Allow-Origin; 0: app.request threw): %v; %v",
		pairs, generated, pairs-generated, kinds, time.Since(start).Round(time.Millisecond))
	if pairs < 150 {
		t.Errorf("only %d pairs compared, want at least 150", pairs)
	}
}

// TestHonoCorsExportRuns loads the module Export writes (its default export
// is the app) into the real hono and compares its answers with the
// emulation's, for several configurations.
func TestHonoCorsExportRuns(t *testing.T) {
	h := honoStart(t)
	lib, ok := server.Lookup("hono-cors", "")
	if !ok {
		t.Fatal("hono-cors is not registered")
	}
	dir := t.TempDir()
	abs, err := filepath.Abs(filepath.Join("..", "node_modules"))
	if err != nil {
		t.Fatal(err)
	}
	if err := os.Symlink(abs, filepath.Join(dir, "node_modules")); err != nil {
		t.Fatal(err)
	}
	n := 0
	for i, options := range []string{
		`{}`,
		`{"origin": "https://a.example.com", "credentials": true, "maxAge": 600}`,
		`{"origin": ["https://a.example.com", "null", "it's \"quoted\" \\ \u2028"], "allowMethods": ["GET", "PUT"], "allowHeaders": ["X-Custom"], "exposeHeaders": ["X-Total"]}`,
		`{"origin": "*", "credentials": true, "maxAge": 1e21, "allowHeaders": []}`,
		`{"origin": [], "allowMethods": [], "maxAge": -0.5, "credentials": false}`,
	} {
		var opts map[string]json.RawMessage
		json.Unmarshal([]byte(options), &opts)
		src, err := lib.Export(opts)
		if err != nil {
			t.Fatalf("Export(%s): %v", options, err)
		}
		file := filepath.Join(dir, fmt.Sprintf("app%d.mjs", i))
		if err := os.WriteFile(file, []byte(src), 0o644); err != nil {
			t.Fatal(err)
		}
		id := h.id(t, map[string]string{"load": file})
		srv := engine.Server{Library: &engine.Library{Name: "hono-cors", Options: opts}}
		for _, req := range honoRequests {
			real := h.send(t, id, req)
			resp, err := srv.Respond(req)
			if err != nil {
				t.Fatal(err)
			}
			if emu := (honoAnswer{resp.Status, honoLines(resp.Headers)}); real.String() != emu.String() {
				t.Errorf("exported %s\n  %s %s %q\n  real:     %v\n  emulated: %v\n%s", options, req.Method, req.URL, req.Headers, real, emu, src)
			}
			n++
		}
	}
	t.Logf("hono-cors export: %d requests to 5 exported programs answered as emulated", n)
}
