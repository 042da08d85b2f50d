package libtest

import (
	"bufio"
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"math/rand/v2"
	"net"
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
	node, err := exec.LookPath("node")
	if err != nil {
		t.Fatalf("node is not on PATH: %s", fcInstall)
	}
	for _, m := range []string{"fastify", "@fastify/cors"} {
		if _, err := os.Stat(filepath.Join("..", "node_modules", m, "package.json")); err != nil {
			t.Fatalf("../node_modules/%s is missing: %s", m, fcInstall)
		}
	}
	return node
}

// fcStart starts node fastifycors_server.js on a loopback port it chooses.
func fcStart(t *testing.T) *fcHarness {
	t.Helper()
	cmd := exec.Command(fcNode(t), "fastifycors_server.js")
	cmd.Stderr = os.Stderr
	stdin, err := cmd.StdinPipe()
	if err != nil {
		t.Fatal(err)
	}
	stdout, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		t.Fatalf("starting node: %v (%s)", err, fcInstall)
	}
	t.Cleanup(func() {
		stdin.Close()
		cmd.Process.Kill()
		cmd.Wait()
	})
	port := make(chan string, 1)
	go func() {
		line, _ := bufio.NewReader(stdout).ReadString('\n')
		port <- strings.TrimSpace(line)
	}()
	select {
	case p := <-port:
		if p == "" {
			t.Fatalf("fastifycors_server.js printed no port (%s)", fcInstall)
		}
		return &fcHarness{addr: "127.0.0.1:" + p}
	case <-time.After(10 * time.Second):
		t.Fatal("fastifycors_server.js did not print its port within 10 s")
	}
	return nil
}

// configure builds the real app: its id, or the error register, ready or
// new RegExp threw.
func (h *fcHarness) configure(t *testing.T, options string) (id, jsErr string) {
	t.Helper()
	resp, err := http.Post("http://"+h.addr+"/configure", "application/json", strings.NewReader(options))
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	var out struct{ ID, Error string }
	if err := json.NewDecoder(resp.Body).Decode(&out); err != nil {
		t.Fatalf("configure %s: %v", options, err)
	}
	return out.ID, out.Error
}

// fcTarget is the request-target of an engine request's URL.
func fcTarget(u string) string {
	if i := strings.Index(u, "://"); i >= 0 {
		u = u[i+3:]
		if j := strings.IndexAny(u, "/?"); j >= 0 {
			return u[j:]
		}
		return "/"
	}
	return u
}

// fcRaw sends raw request bytes to addr and reads the answer's head: the
// status and header lines as written (values trimmed as a client reads
// them, bytes read as Latin-1). Status 0: the connection closed without
// an answer.
func fcRaw(t *testing.T, addr string, raw []byte) (int, []string) {
	t.Helper()
	conn, err := net.Dial("tcp", addr)
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	conn.SetDeadline(time.Now().Add(5 * time.Second))
	if _, err := conn.Write(raw); err != nil {
		t.Fatal(err)
	}
	data, err := io.ReadAll(conn)
	if err != nil && !errors.Is(err, io.EOF) {
		var ne net.Error
		if !errors.As(err, &ne) || len(data) == 0 {
			t.Fatalf("reading the answer: %v", err)
		}
	}
	head, _, found := bytes.Cut(data, []byte("\r\n\r\n"))
	if len(data) == 0 {
		return 0, []string{}
	}
	if !found {
		t.Fatalf("no complete head in %q", data)
	}
	lines := strings.Split(fromLatin1(string(head)), "\r\n")
	var status int
	if _, err := fmt.Sscanf(lines[0], "HTTP/1.1 %d", &status); err != nil {
		t.Fatalf("status line %q", lines[0])
	}
	out := []string{}
	for _, l := range lines[1:] {
		name, value, ok := strings.Cut(l, ":")
		if !ok {
			t.Fatalf("header line %q", l)
		}
		out = append(out, name+": "+strings.Trim(value, " \t"))
	}
	return status, out
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

// send sends req to app id over a fresh connection.
func (h *fcHarness) send(t *testing.T, id string, req engine.HTTPRequest) fcAnswer {
	t.Helper()
	var b bytes.Buffer
	fmt.Fprintf(&b, "%s /app/%s%s HTTP/1.1\r\nHost: %s\r\n", req.Method, id, fcTarget(req.URL), h.addr)
	for _, hd := range req.Headers {
		b.WriteString(hd.Name + ": ")
		b.Write(latin1(t, hd.Value))
		b.WriteString("\r\n")
	}
	body := fcBody(req)
	if body != "" {
		fmt.Fprintf(&b, "Content-Length: %d\r\n", len(body))
	}
	b.WriteString("Connection: close\r\n\r\n" + body)
	status, lines := fcRaw(t, h.addr, b.Bytes())
	return fcAnswer{status, fcTransport(t, lines)}
}

// fcAnswer is a status and every header line, "Name: value", in order.
type fcAnswer struct {
	Status int
	Lines  []string
}

func (a fcAnswer) String() string {
	return fmt.Sprintf("%d [%s]", a.Status, strings.Join(a.Lines, " | "))
}

func fcEmulated(resp engine.Response) fcAnswer {
	lines := []string{}
	for _, h := range resp.Headers {
		lines = append(lines, h.Name+": "+h.Value)
	}
	return fcAnswer{resp.Status, lines}
}

// fcCase is one configuration and the requests sent to it. unsupported:
// the engine refuses it with a *FieldError (corsplay cannot emulate it)
// while node runs it.
type fcCase struct {
	name        string
	options     string
	reqs        []engine.HTTPRequest
	unsupported bool
}

func fcReq(method, path string, headers ...string) engine.HTTPRequest {
	req := engine.HTTPRequest{Method: method, URL: "https://api.example.com" + path}
	for i := 0; i+1 < len(headers); i += 2 {
		req.Headers = append(req.Headers, engine.Header{Name: headers[i], Value: headers[i+1]})
	}
	return req
}

// fcPre is a preflight to /r: origin, method and request headers, "" for
// none.
func fcPre(origin, acrm, acrh string) engine.HTTPRequest {
	var hs []string
	for _, h := range [][2]string{{"Origin", origin}, {"Access-Control-Request-Method", acrm}, {"Access-Control-Request-Headers", acrh}} {
		if h[1] != "" {
			hs = append(hs, h[0], h[1])
		}
	}
	return fcReq("OPTIONS", "/r", hs...)
}

func fcGet(method, origin string) engine.HTTPRequest {
	if origin == "" {
		return fcReq(method, "/r")
	}
	return fcReq(method, "/r", "Origin", origin)
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
var fcOptionPools = []struct {
	name   string
	values []string
}{
	{"origin", []string{"", "", `"*"`, `"` + fcA + `"`, "true", "false", "null", `""`, `["` + fcA + `"]`, `["` + fcA + `", "` + fcB + `"]`,
		`["` + fcA + `", "*"]`, `["null"]`, `[]`, fcRegexp(`a.example.com`, ""), fcRegexp(`\.example\.com$`, ""),
		fcRegexp(`^https://a\.example\.com$`, "i"), fcRegexp(`https://a`, "y"), `["` + fcB + `", ` + fcRegexp(`^https://[a-z]+\.example\.com$`, "g") + `]`}},
	{"methods", []string{"", "", `"GET,PUT"`, `["GET", "PUT", "PATCH"]`, `""`, `[]`}},
	{"allowedHeaders", []string{"", "", "null", `"Content-Type"`, `["X-A", "Authorization"]`, `""`}},
	{"exposedHeaders", []string{"", "", `"X-Total"`, `["X-A", "X-B"]`, `""`}},
	{"credentials", []string{"", "", "true", "false"}},
	{"maxAge", []string{"", "", "600", "0", "1.5", "1e21", "-1", "null"}},
	{"cacheControl", []string{"", "", "", "600", `"no-store"`, "1.5", `""`}},
	{"preflightContinue", []string{"", "", "", "true", "false"}},
	{"optionsSuccessStatus", []string{"", "", "", "200", "204", "404", "600", "0"}},
	{"preflight", []string{"", "", "", "false", "true"}},
	{"strictPreflight", []string{"", "", "", "false"}},
	{"hideOptionsRoute", []string{"", "", "false"}},
	{"hook", []string{"", "", "", "", "", "", "preParsing", "preValidation", "preHandler", "preSerialization"}},
	{"logLevel", []string{"", "", "", `"warn"`}},
}

// fcRequestPool are the generated requests.
var fcRequestPool = []engine.HTTPRequest{
	fcPre(fcA, "PUT", "content-type, x-a"),
	fcPre(fcA, "GET", ""),
	fcPre(fcA, "DELETE", "Authorization"),
	fcPre(fcB, "PATCH", "x-a, authorization"),
	fcPre(fcSuffix, "PUT", "content-type"),
	fcPre(fcDotless, "POST", ""),
	fcPre(fcDowngrade, "PUT", "x-a"),
	fcPre(fcUpper, "PUT", "x-a"),
	fcPre("null", "PUT", "x-a"),
	fcPre("", "PUT", "x-a"),
	fcPre(fcA, "", ""),
	fcReq("OPTIONS", "/r"),
	fcReq("OPTIONS", "/elsewhere", "Origin", fcA, "Access-Control-Request-Method", "PUT"),
	fcGet("GET", fcA),
	fcGet("GET", fcEvil),
	fcGet("GET", fcSuffix),
	fcGet("GET", fcDotless),
	fcGet("GET", fcPrefixed),
	fcGet("GET", "null"),
	fcGet("GET", ""),
	fcGet("POST", fcB),
	fcGet("PUT", fcUpper),
	fcGet("HEAD", fcA),
	fcGet("DELETE", fcDowngrade),
	fcGet("PATCH", fcA),
	fcGet("patch", fcA),
	fcGet("get", fcA),
	fcReq("GET", "/missing", "Origin", fcA),
	fcReq("PUT", "/r", "Origin", fcA, "Content-Type", "application/json"),
	fcReq("POST", "/r", "Origin", fcA, "Content-Type", "application/x-www-form-urlencoded"),
}

// fcGenerated draws n configurations, each with perConfig requests, from a
// fixed seed.
func fcGenerated(n, perConfig int) []fcCase {
	r := rand.New(rand.NewPCG(2026, 1143))
	var cases []fcCase
	for i := range n {
		var fields []string
		for _, pool := range fcOptionPools {
			v := pool.values[r.IntN(len(pool.values))]
			if v == "" {
				continue
			}
			if pool.name == "hook" {
				v = `"` + v + `"`
			}
			fields = append(fields, fmt.Sprintf("%q: %s", pool.name, v))
		}
		c := fcCase{name: fmt.Sprintf("generated-%d", i), options: "{" + strings.Join(fields, ", ") + "}"}
		for _, j := range r.Perm(len(fcRequestPool))[:perConfig] {
			c.reqs = append(c.reqs, fcRequestPool[j])
		}
		cases = append(cases, c)
	}
	return cases
}

// fcHandPicked are the quirks, each with the requests that show it.
func fcHandPicked() []fcCase {
	pre := fcPre(fcA, "PUT", "x-a, Authorization")
	preEvil := fcPre(fcEvil, "PUT", "x-a")
	get := fcGet("GET", fcA)
	getEvil := fcGet("GET", fcEvil)
	both := []engine.HTTPRequest{pre, preEvil, get, getEvil}
	hookReqs := []engine.HTTPRequest{pre, get, fcGet("HEAD", fcA), fcReq("OPTIONS", "/r"), fcReq("GET", "/x", "Origin", fcA),
		fcReq("HEAD", "/x", "Origin", fcA), fcReq("POST", "/r", "Origin", fcA, "Content-Type", "text/html")}
	cases := []fcCase{
		{name: "defaults", options: `{}`, reqs: []engine.HTTPRequest{pre, get, fcReq("OPTIONS", "/r"), fcGet("GET", ""), fcGet("HEAD", fcA)}},
		{name: "static string sent to every origin", options: `{"origin": "https://a.example.com"}`, reqs: append(both, fcGet("GET", ""))},
		{name: "static * with credentials", options: `{"origin": "*", "credentials": true}`, reqs: both},
		{name: "static null string", options: `{"origin": "null"}`, reqs: []engine.HTTPRequest{fcGet("GET", "null"), getEvil}},
		{name: "true reflects null with credentials", options: `{"origin": true, "credentials": true}`,
			reqs: []engine.HTTPRequest{fcGet("GET", "null"), getEvil, fcPre("null", "DELETE", "authorization"), fcGet("GET", "")}},
		{name: "list is exact and case-sensitive", options: `{"origin": ["https://a.example.com"]}`,
			reqs: []engine.HTTPRequest{fcGet("GET", fcUpper), fcGet("GET", fcSuffix), fcGet("GET", fcA+"/"), fcGet("GET", fcDowngrade), get}},
		{name: "list holding * is *", options: `{"origin": ["https://a.example.com", "*"], "credentials": true}`, reqs: both},
		{name: "empty list refuses all, Vary stays", options: `{"origin": []}`, reqs: both},
		{name: "refused origin still gets the rest", options: `{"origin": ["https://a.example.com"], "allowedHeaders": "X-A", "maxAge": 600, "exposedHeaders": "X-Total", "credentials": true, "cacheControl": 30}`, reqs: both},
		{name: "false turns CORS off; OPTIONS is 404", options: `{"origin": false}`, reqs: append(both, fcReq("OPTIONS", "/r"))},
		{name: "null is a 500 with Vary", options: `{"origin": null}`, reqs: append(both, fcGet("HEAD", fcA))},
		{name: "empty string is a 500 without Vary", options: `{"origin": ""}`, reqs: both},
		{name: "regexp unanchored and dot", options: `{"origin": ` + fcRegexp(`a.example.com`, "") + `}`,
			reqs: []engine.HTTPRequest{get, fcGet("GET", fcDotless), fcGet("GET", fcSuffix), fcGet("GET", fcPrefixed), fcGet("GET", fcDowngrade), fcGet("GET", ""), fcGet("GET", fcEvilTail)}},
		{name: "regexp anchored case-insensitive", options: `{"origin": ` + fcRegexp(`^https://a\.example\.com$`, "i") + `}`,
			reqs: []engine.HTTPRequest{get, fcGet("GET", fcUpper), fcGet("GET", fcSuffix), fcGet("GET", fcDowngrade)}},
		{name: "regexp sticky anchors at the start", options: `{"origin": ` + fcRegexp(`a\.example`, "y") + `}`,
			reqs: []engine.HTTPRequest{get, fcGet("GET", "a.example.com"), fcGet("GET", fcSuffix)}},
		{name: "regexp global is reset each time", options: `{"origin": ` + fcRegexp(`example\.com$`, "g") + `}`, reqs: []engine.HTTPRequest{get, get, fcGet("GET", fcB), getEvil}},
		{name: "regexp undefined never shows", options: `{"origin": ` + fcRegexp(`undefined|^$`, "") + `}`, reqs: []engine.HTTPRequest{fcGet("GET", ""), fcReq("GET", "/r", "Origin", ""), pre}},
		{name: "regexp multiline and dotAll", options: `{"origin": [` + fcRegexp(`^https://b.example.com$`, "ms") + `, ` + fcRegexp(`evil`, "d") + `]}`, reqs: []engine.HTTPRequest{fcGet("GET", fcB), getEvil, get}},
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
			reqs: []engine.HTTPRequest{fcPre(fcEvil, "DELETE", "Authorization, X-Secret"), fcPre(fcEvil, "GET", ""),
				fcReq("OPTIONS", "/r", "Origin", fcA, "Access-Control-Request-Method", "PUT", "Access-Control-Request-Headers", "x-a", "Access-Control-Request-Headers", "x-b"),
				fcReq("OPTIONS", "/r", "Origin", fcA, "Access-Control-Request-Method", "PUT", "Access-Control-Request-Headers", "")}},
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
		{name: "preflightContinue reaches the OPTIONS route", options: `{"preflightContinue": true, "origin": ["https://a.example.com"]}`, reqs: append(both, fcReq("OPTIONS", "/r", "Origin", fcA, "Access-Control-Request-Method", "PUT", "Content-Type", "application/xml"))},
		{name: "preflight false", options: `{"preflight": false, "origin": true}`, reqs: append(both, fcReq("OPTIONS", "/r"))},
		{name: "strictPreflight false", options: `{"strictPreflight": false}`, reqs: []engine.HTTPRequest{fcReq("OPTIONS", "/r"), fcReq("OPTIONS", "/r", "Origin", fcA), fcReq("OPTIONS", "/r", "Access-Control-Request-Method", "PUT")}},
		{name: "strict preflight empty headers", options: `{"origin": true}`, reqs: []engine.HTTPRequest{fcReq("OPTIONS", "/r", "Origin", "", "Access-Control-Request-Method", "PUT"), fcReq("OPTIONS", "/r", "Origin", fcA, "Access-Control-Request-Method", " ")}},
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
			reqs: []engine.HTTPRequest{fcGet("GET", fcCafe), fcGet("HEAD", fcCafe), fcPre(fcCafe, "PUT", "x-\u00e9"), fcReq("GET", "/x", "Origin", fcCafe)}},
		{name: "Latin-1 option values", options: `{"origin": "https://caf\u00e9.example", "methods": "GET,\u00e9", "exposedHeaders": "X-\u00e9"}`,
			reqs: []engine.HTTPRequest{pre, get, fcGet("HEAD", fcA), fcReq("OPTIONS", "/r")}},
		{name: "origin beyond Latin-1: Node refuses the head", options: `{"origin": "https://\u0101.example"}`,
			reqs: []engine.HTTPRequest{pre, get, fcGet("HEAD", fcA), fcReq("GET", "/x"), fcReq("OPTIONS", "/r")}},
		{name: "methods with a control character", options: `{"methods": "GET\u0001", "optionsSuccessStatus": 304}`, reqs: []engine.HTTPRequest{pre, get}},
		{name: "exposedHeaders with a newline", options: `{"exposedHeaders": "X-A\nX-B", "hook": "preSerialization"}`, reqs: []engine.HTTPRequest{pre, get, fcReq("GET", "/x")}},
		{name: "static origin with spaces", options: `{"origin": " https://a.example.com "}`, reqs: both},
		{name: "duplicate Origin headers are joined", options: `{"origin": true}`, reqs: []engine.HTTPRequest{fcReq("GET", "/r", "Origin", fcA, "Origin", fcB)}},
		{name: "body content types", options: `{"origin": true}`, reqs: []engine.HTTPRequest{
			fcReq("POST", "/r", "Origin", fcA, "Content-Type", "application/x-www-form-urlencoded"),
			fcReq("POST", "/r", "Origin", fcA, "Content-Type", "multipart/form-data; boundary=x"),
			fcReq("POST", "/r", "Origin", fcA, "Content-Type", "text/plain;charset=UTF-8"),
			fcReq("PUT", "/r", "Origin", fcA, "Content-Type", "Application/JSON; charset=utf-8"),
			fcReq("PATCH", "/r", "Origin", fcA, "Content-Type", "application/jsonp"),
			fcReq("DELETE", "/r", "Origin", fcA, "Content-Type", "text / plain"),
			fcReq("POST", "/r", "Origin", fcA, "Content-Type", ""),
			fcReq("POST", "/r", "Origin", fcA, "Content-Type", "bad"),
			fcReq("POST", "/nope", "Origin", fcA, "Content-Type", "application/xml"),
			fcReq("POST", "/nope", "Origin", fcA, "Content-Type", "bad"),
			fcReq("GET", "/r", "Origin", fcA, "Content-Type", "application/xml"),
		}},
		{name: "methods and paths fastify routes", options: `{"origin": true}`, reqs: []engine.HTTPRequest{
			fcGet("QUERY", fcA), fcReq("QUERY", "/r", "Origin", fcA, "Content-Type", "text/plain"), fcGet("TRACE", fcA), fcGet("PROPFIND", fcA),
			fcReq("GET", "/%72", "Origin", fcA), fcReq("GET", "/r/", "Origin", fcA), fcReq("GET", "//r", "Origin", fcA), fcReq("GET", "/R", "Origin", fcA),
			fcReq("GET", "/r?a=1&b=%zz", "Origin", fcA), fcReq("GET", "/r;a", "Origin", fcA), fcReq("GET", "/%zz", "Origin", fcA),
			fcReq("GET", "/%2572", "Origin", fcA), fcReq("GET", "/%2Fr", "Origin", fcA), fcReq("GET", "/%c3%a9", "Origin", fcA), fcReq("HEAD", "/%e9?x", "Origin", fcA),
			fcReq("GET", "/a\"b", "Origin", fcA), fcReq("OPTIONS", "/%zz", "Origin", fcA, "Access-Control-Request-Method", "PUT"),
		}},
		{name: "Node refuses unknown methods", options: `{}`, reqs: []engine.HTTPRequest{fcGet("FOO", fcA), fcGet("patch", fcA), fcGet("get", fcA), fcGet("options", fcA), fcGet("CONNECT", fcA)}},
		{name: "Node refuses control characters", options: `{"origin": true}`, reqs: []engine.HTTPRequest{
			fcGet("GET", "https://a\u0001.example"), fcGet("GET", "https://a\u007f.example"), fcGet("GET", "https://a\t.example"), fcReq("GET", "/r", "X-Other", "a\u000bb")}},
		{name: "unknown options are ignored", options: `{"origins": ["https://a.example.com"], "allowCredentials": true, "__proto__": {"credentials": true}}`, reqs: both},
		{name: "everything", options: `{"origin": ["https://a.example.com", ` + fcRegexp(`^https://b\.example\.com$`, "") + `], "methods": ["GET", "PUT"], "allowedHeaders": ["X-A"], "exposedHeaders": ["X-Total"], "credentials": true, "maxAge": 600, "cacheControl": 600, "optionsSuccessStatus": 200, "hideOptionsRoute": false, "logLevel": "warn"}`,
			reqs: append(both, fcGet("GET", fcB), fcPre(fcB, "PUT", ""), fcGet("GET", ""))},
	}
	for _, hook := range []string{"onRequest", "preParsing", "preValidation", "preHandler", "preSerialization"} {
		for _, extra := range []string{`"origin": true`, `"origin": null`, `"origin": false`, `"origin": true, "preflightContinue": true`, `"preflight": false, "origin": ["https://a.example.com"]`, `"optionsSuccessStatus": 600`} {
			cases = append(cases, fcCase{name: "hook " + hook + " " + extra, options: `{"hook": "` + hook + `", ` + extra + `}`, reqs: hookReqs})
		}
	}
	return cases
}

// fcRegExpCases are RegExp origins, each flag's effect included (g is
// reset by the plugin, y anchors at the start), tested with origins that
// do and do not match; invalid ones compare V8's messages.
func fcRegExpCases() []fcCase {
	origins := []string{fcA, fcSuffix, fcEvilTail, fcDotless, fcDowngrade, fcUpper, "null", fcCafe, "https://CAF\u00c9.example", ""}
	var cases []fcCase
	for _, p := range [][2]string{
		{`a.example.com`, ""}, {`a\.example`, ""}, {`^https://a\.example\.com$`, ""}, {`^https://a\.example\.com$`, "i"},
		{`^https://a\.example\.com$`, "gi"}, {`a\.example\.com$`, "y"}, {`https:`, "y"}, {`HTTPS:`, "iy"}, {`^null$`, "m"},
		{`^https?://[^.]+\.example\.com$`, "d"}, {`caf\xe9`, "i"}, {`[\xe0-\xff]`, ""}, {`.example.com$`, "s"},
		{`^(https://a\.example\.com|null)$`, ""}, {`(?<sub>a)\.`, "g"}, {`evil\.com$|^$`, ""}, {``, ""}, {`\bexample\b`, "y"},
		{`[`, ""}, {`a**`, "g"}, {`(?<a>x)(?<a>y)`, ""}, {`a`, "gg"}, {`a`, "uv"}, {`(?=a)`, "y"},
	} {
		js := fcRegexp(p[0], p[1])
		c := fcCase{name: "regexp /" + p[0] + "/" + p[1], options: `{"origin": [` + js + `], "credentials": true}`, unsupported: strings.Contains(p[0], "(?=")}
		for _, o := range origins {
			c.reqs = append(c.reqs, fcGet("GET", o))
		}
		c.reqs = append(c.reqs, fcPre(fcA, "PUT", ""))
		cases = append(cases, c)
	}
	return cases
}

// fcKind is the family of a case, by its name.
func fcKind(name string) string {
	for _, k := range []string{"generated", "hook", "regexp"} {
		if strings.HasPrefix(name, k) {
			return k
		}
	}
	return "hand-picked"
}

func TestFastifyCorsDifferential(t *testing.T) {
	start := time.Now()
	h := fcStart(t)
	cases := append(append(fcGenerated(90, 4), fcHandPicked()...), fcRegExpCases()...)
	pairs, configErrors, unsupported := 0, 0, 0
	byKind, byStatus := map[string]int{}, map[int]int{}
	allowed := 0
	for _, c := range cases {
		id, jsErr := h.configure(t, c.options)
		var opts map[string]json.RawMessage
		if err := json.Unmarshal([]byte(c.options), &opts); err != nil {
			t.Fatalf("%s: %v", c.name, err)
		}
		srv := engine.Server{Library: &engine.Library{Name: "fastify-cors", Version: "11.4.3", Options: opts}}
		_, err := srv.Respond(fcGet("GET", fcA))
		var ce *engine.ConfigError
		var fe *engine.FieldError
		switch {
		case jsErr != "":
			configErrors++
			if !errors.As(err, &ce) || ce.Message != jsErr {
				t.Errorf("%s %s: node refuses it with %q, the engine answers %v", c.name, c.options, jsErr, err)
			}
			continue
		case c.unsupported:
			unsupported++
			if !errors.As(err, &fe) {
				t.Errorf("%s %s: the engine should refuse it as unsupported, got %v", c.name, c.options, err)
			}
			continue
		case err != nil:
			t.Errorf("%s %s: node runs it, the engine refuses it: %v", c.name, c.options, err)
			continue
		}
		for _, req := range c.reqs {
			pairs++
			byKind[fcKind(c.name)]++
			real := h.send(t, id, req)
			resp, err := srv.Respond(req)
			if err != nil {
				t.Fatalf("%s %s: %v", c.name, c.options, err)
			}
			byStatus[real.Status]++
			for _, l := range real.Lines {
				if strings.HasPrefix(l, "access-control-allow-origin: ") {
					allowed++
				}
			}
			if emu := fcEmulated(resp); real.String() != emu.String() {
				t.Errorf("%s %s\n  %s %s\n  real:     %v\n  emulated: %v", c.name, c.options, xcDescribe(req), req.URL, real, emu)
			}
		}
	}
	t.Logf("%d configurations: %d configuration × request pairs compared line for line (%d with an access-control-allow-origin), %d configurations refused alike by node and the engine, %d unsupported by the engine; statuses %v; %v",
		len(cases), pairs, allowed, configErrors, unsupported, byStatus, time.Since(start).Round(time.Millisecond))
	t.Logf("pairs: %d generated, %d hand-picked quirks, %d hook × origin, %d RegExp table", byKind["generated"], byKind["hand-picked"], byKind["hook"], byKind["regexp"])
	if pairs < 150 {
		t.Errorf("only %d pairs compared, want at least 150", pairs)
	}
}

// TestFastifyCorsExportRuns runs the program Library.Export writes, with
// node, for several configurations, and compares its answers with the
// emulation's; a configuration the library refuses makes the program print
// the ConfigError's text and exit.
func TestFastifyCorsExportRuns(t *testing.T) {
	node := fcNode(t)
	lib, ok := server.Lookup("fastify-cors", "")
	if !ok || lib.Export == nil {
		t.Fatal("fastify-cors has no Export")
	}
	modules, err := filepath.Abs(filepath.Join("..", "node_modules"))
	if err != nil {
		t.Fatal(err)
	}
	reqs := []engine.HTTPRequest{fcPre(fcA, "PUT", "x-a, Authorization"), fcPre(fcEvil, "DELETE", ""), fcGet("GET", fcA), fcGet("GET", fcSuffix),
		fcGet("GET", ""), fcReq("OPTIONS", "/r"), fcReq("GET", "/x", "Origin", fcA), fcGet("HEAD", fcDotless)}
	configs := []string{
		`{}`,
		`{"origin": ["https://a.example.com", {"regexp": "a.example.com"}, {"regexp": "^https://b/c$", "flags": "i"}], "credentials": true, "exposedHeaders": ["X-A", "X-B"]}`,
		`{"origin": true, "methods": "GET,PUT", "allowedHeaders": "X-A", "maxAge": 1.5, "cacheControl": 60, "optionsSuccessStatus": 200}`,
		`{"origin": "https://a.example.com", "hook": "preSerialization", "strictPreflight": false, "preflightContinue": true}`,
		`{"origin": {"regexp": "", "flags": "y"}, "preflight": false, "hideOptionsRoute": false, "logLevel": "warn", "exposedHeaders": "it's \"quoted\" \\ \u00e9"}`,
		`{"origin": null}`,
	}
	dir := t.TempDir()
	for i, cfg := range configs {
		var opts map[string]json.RawMessage
		if err := json.Unmarshal([]byte(cfg), &opts); err != nil {
			t.Fatal(err)
		}
		code, err := lib.Export(opts)
		if err != nil {
			t.Fatalf("Export(%s): %v", cfg, err)
		}
		file := filepath.Join(dir, fmt.Sprintf("server%d.js", i))
		if err := os.WriteFile(file, []byte(code), 0o644); err != nil {
			t.Fatal(err)
		}
		addr := fcRunProgram(t, node, file, modules)
		srv := engine.Server{Library: &engine.Library{Name: "fastify-cors", Options: opts}}
		for _, req := range reqs {
			status, lines := fcRaw(t, addr, fcRawRequest(t, addr, req))
			real := fcAnswer{status, fcTransport(t, lines)}
			resp, err := srv.Respond(req)
			if err != nil {
				t.Fatal(err)
			}
			if emu := fcEmulated(resp); real.String() != emu.String() {
				t.Errorf("export of %s\n%s\n  %s\n  program:  %v\n  emulated: %v", cfg, code, xcDescribe(req), real, emu)
			}
		}
	}
	// A configuration the library refuses: the program says why and exits.
	opts := map[string]json.RawMessage{"hook": json.RawMessage(`"onSend"`)}
	code, err := lib.Export(opts)
	if err != nil {
		t.Fatal(err)
	}
	file := filepath.Join(dir, "refused.js")
	os.WriteFile(file, []byte(code), 0o644)
	cmd := exec.Command(node, file)
	cmd.Env = append(os.Environ(), "NODE_PATH="+modules, "PORT=0", "HOST=127.0.0.1")
	out, err := cmd.CombinedOutput()
	_, want := (engine.Server{Library: &engine.Library{Name: "fastify-cors", Options: opts}}).Respond(fcGet("GET", fcA))
	var ce *engine.ConfigError
	if err == nil || !errors.As(want, &ce) || strings.TrimSpace(string(out)) != ce.Message {
		t.Errorf("the refused configuration's program: %v, printed %q; the engine: %v", err, out, want)
	}
}

func fcRawRequest(t *testing.T, addr string, req engine.HTTPRequest) []byte {
	var b bytes.Buffer
	fmt.Fprintf(&b, "%s %s HTTP/1.1\r\nHost: %s\r\n", req.Method, fcTarget(req.URL), addr)
	for _, hd := range req.Headers {
		b.WriteString(hd.Name + ": ")
		b.Write(latin1(t, hd.Value))
		b.WriteString("\r\n")
	}
	body := fcBody(req)
	if body != "" {
		fmt.Fprintf(&b, "Content-Length: %d\r\n", len(body))
	}
	b.WriteString("Connection: close\r\n\r\n" + body)
	return b.Bytes()
}

// fcRunProgram starts node file on a free loopback port and waits until it
// accepts connections.
func fcRunProgram(t *testing.T, node, file, modules string) string {
	t.Helper()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := l.Addr().String()
	_, port, _ := net.SplitHostPort(addr)
	l.Close()
	cmd := exec.Command(node, file)
	cmd.Env = append(os.Environ(), "NODE_PATH="+modules, "PORT="+port, "HOST=127.0.0.1")
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		cmd.Process.Kill()
		cmd.Wait()
	})
	for deadline := time.Now().Add(10 * time.Second); time.Now().Before(deadline); time.Sleep(20 * time.Millisecond) {
		if c, err := net.Dial("tcp", addr); err == nil {
			c.Close()
			return addr
		}
	}
	t.Fatalf("%s did not listen on %s within 10 s: %s", file, addr, stderr.String())
	return ""
}
