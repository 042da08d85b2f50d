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

// What the Node libraries' proofs share (express cors, @fastify/cors,
// @koa/cors, hono/cors): the check that node and the real packages are
// there, starting node, the requests, and raw HTTP/1.1 over loopback —
// the request written byte for byte, the answer's head read as written.

// nodeCheck fails the test, saying what to install, unless node is on PATH
// and each module ("express", or "koa@3.3.0" for that version) is in the
// module root's node_modules; it returns node's path.
func nodeCheck(t *testing.T, install string, modules ...string) string {
	t.Helper()
	node, err := exec.LookPath("node")
	if err != nil {
		t.Fatalf("node is not on PATH: %s", install)
	}
	for _, m := range modules {
		version := ""
		if i := strings.LastIndexByte(m, '@'); i > 0 {
			m, version = m[:i], m[i+1:]
		}
		var pkg struct{ Version string }
		b, err := os.ReadFile(filepath.Join("..", "node_modules", m, "package.json"))
		switch {
		case err != nil && version == "":
			t.Fatalf("../node_modules/%s is missing: %s", m, install)
		case version != "" && (err != nil || json.Unmarshal(b, &pkg) != nil || pkg.Version != version):
			t.Fatalf("../node_modules/%s is missing or not %s (%v, %q): %s", m, version, err, pkg.Version, install)
		}
	}
	return node
}

// nodeServer starts cmd, a node harness in this folder that prints its
// loopback port on stdout and serves until its stdin closes, and returns
// its address.
func nodeServer(t *testing.T, cmd *exec.Cmd, install string) string {
	t.Helper()
	script := filepath.Base(cmd.Args[len(cmd.Args)-1])
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
		t.Fatalf("starting node: %v (%s)", err, install)
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
			t.Fatalf("%s printed no port (%s)", script, install)
		}
		return "127.0.0.1:" + p
	case <-time.After(10 * time.Second):
		t.Fatalf("%s did not print its port within 10 s", script)
	}
	return ""
}

// nodeConfigure posts options to a harness's /configure: the id of the
// app it built, or the error building it threw.
func nodeConfigure(t *testing.T, addr, options string) (id, jsErr string) {
	t.Helper()
	resp, err := http.Post("http://"+addr+"/configure", "application/json", strings.NewReader(options))
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

// freePort is a loopback port nothing listens on, for a program told
// where to listen.
func freePort(t *testing.T) string {
	t.Helper()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer l.Close()
	_, port, _ := net.SplitHostPort(l.Addr().String())
	return port
}

// nodeProgram starts cmd, a program listening on port, and waits up to
// 10 s until it accepts connections on 127.0.0.1 or [::1] (where localhost
// may be); it is killed when the test ends.
func nodeProgram(t *testing.T, cmd *exec.Cmd, port string) string {
	t.Helper()
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
		for _, host := range []string{"127.0.0.1", "[::1]"} {
			if c, err := net.Dial("tcp", host+":"+port); err == nil {
				c.Close()
				return host + ":" + port
			}
		}
	}
	t.Fatalf("%s did not listen on port %s within 10 s: %s", strings.Join(cmd.Args, " "), port, stderr.String())
	return ""
}

// nodeModulesDir is a temporary folder whose node_modules is the module
// root's: a program written there finds the real packages.
func nodeModulesDir(t *testing.T) string {
	t.Helper()
	dir := t.TempDir()
	abs, err := filepath.Abs(filepath.Join("..", "node_modules"))
	if err != nil {
		t.Fatal(err)
	}
	if err := os.Symlink(abs, filepath.Join(dir, "node_modules")); err != nil {
		t.Fatal(err)
	}
	return dir
}

// exportProof writes the program lib's Export writes for each
// configuration and route into a nodeModulesDir, as file (a pattern
// numbering them), has serve start it, and compares its answers to reqs
// with the engine's for that route, line for line; it returns how many it
// compared.
func exportProof(t *testing.T, lib, route string, configs []string, reqs []engine.HTTPRequest, file string, serve func(path string) func(engine.HTTPRequest) answer) int {
	t.Helper()
	l, ok := server.Lookup(lib, "")
	if !ok || l.Export == nil {
		t.Fatalf("%s has no Export", lib)
	}
	dir := nodeModulesDir(t)
	n := 0
	for i, options := range configs {
		var opts map[string]json.RawMessage
		if err := json.Unmarshal([]byte(options), &opts); err != nil {
			t.Fatal(err)
		}
		code, err := l.Export(opts, route)
		if err != nil {
			t.Fatalf("Export(%s): %v", options, err)
		}
		path := filepath.Join(dir, fmt.Sprintf(file, i))
		if err := os.WriteFile(path, []byte(code), 0o644); err != nil {
			t.Fatal(err)
		}
		ask := serve(path)
		srv := engine.Server{Library: &engine.Library{Name: lib, Options: opts, Route: route}}
		for _, req := range reqs {
			real := ask(req)
			resp, err := srv.Respond(req)
			if err != nil {
				t.Fatal(err)
			}
			if emu := emulated(resp); real.String() != emu.String() {
				t.Errorf("exported %s\n  %s %s\n  program:  %v\n  emulated: %v\n%s", options, describe(req), req.URL, real, emu, code)
			}
			n++
		}
	}
	return n
}

// routeRequests are requests from origin to route and to the paths
// around it: with a trailing slash, with a letter escaped, libtest's /r.
func routeRequests(route, origin string) []engine.HTTPRequest {
	return []engine.HTTPRequest{
		nodeReq("GET", route, "Origin", origin), nodeReq("PUT", route+"?x=1", "Origin", origin),
		nodeReq("OPTIONS", route, "Origin", origin, "Access-Control-Request-Method", "PUT"),
		nodeReq("GET", route+"/", "Origin", origin), nodeReq("GET", strings.Replace(route, "i", "%69", 1), "Origin", origin),
		nodeReq("GET", "/r", "Origin", origin),
	}
}

// nodeReq is a request to path on https://api.example.com with headers
// given as name, value, name, value….
func nodeReq(method, path string, headers ...string) engine.HTTPRequest {
	req := engine.HTTPRequest{Method: method, URL: "https://api.example.com" + path}
	for i := 0; i+1 < len(headers); i += 2 {
		req.Headers = append(req.Headers, engine.Header{Name: headers[i], Value: headers[i+1]})
	}
	return req
}

// nodePre is a preflight to /r; "" leaves a header out.
func nodePre(origin, acrm, acrh string) engine.HTTPRequest {
	var hs []string
	for _, kv := range [][2]string{{"Origin", origin}, {"Access-Control-Request-Method", acrm}, {"Access-Control-Request-Headers", acrh}} {
		if kv[1] != "" {
			hs = append(hs, kv[0], kv[1])
		}
	}
	return nodeReq("OPTIONS", "/r", hs...)
}

// nodeGet is a request to /r from origin ("" for none).
func nodeGet(method, origin string) engine.HTTPRequest {
	if origin == "" {
		return nodeReq(method, "/r")
	}
	return nodeReq(method, "/r", "Origin", origin)
}

// describe is a request's method and headers, for a message.
func describe(req engine.HTTPRequest) string {
	parts := []string{req.Method}
	for _, h := range req.Headers {
		parts = append(parts, fmt.Sprintf("%s: %q", h.Name, h.Value))
	}
	return strings.Join(parts, " ")
}

// answer is a status and header lines "Name: value".
type answer struct {
	Status int
	Lines  []string
}

func (a answer) String() string {
	return fmt.Sprintf("%d [%s]", a.Status, strings.Join(a.Lines, " | "))
}

// headerLines are the headers as lines "Name: value", in order.
func headerLines(hs engine.Headers) []string {
	lines := []string{}
	for _, h := range hs {
		lines = append(lines, h.Name+": "+h.Value)
	}
	return lines
}

// emulated is the engine's answer with every header line, in order.
func emulated(resp engine.Response) answer { return answer{resp.Status, headerLines(resp.Headers)} }

// latin1 encodes a JavaScript string (characters up to U+00FF) as the
// bytes a browser sends; fromLatin1 reads bytes back as characters.
func latin1(t *testing.T, s string) []byte {
	var b []byte
	for _, r := range s {
		if r > 0xff {
			t.Fatalf("%q: not a Latin-1 string", s)
		}
		b = append(b, byte(r))
	}
	return b
}

func fromLatin1(s string) string {
	r := make([]rune, len(s))
	for i := range len(s) {
		r[i] = rune(s[i])
	}
	return string(r)
}

// urlTarget is the request-target of a request's URL: its path and query.
func urlTarget(u string) string {
	if i := strings.Index(u, "://"); i >= 0 {
		u = u[i+3:]
		if j := strings.IndexAny(u, "/?"); j >= 0 {
			return u[j:]
		}
		return "/"
	}
	return u
}

// rawRequest is a request as bytes: the request line for target, Host,
// the headers (values in Latin-1), Content-Length when there is a body,
// and Connection: close.
func rawRequest(t *testing.T, method, target, host string, headers engine.Headers, body string) []byte {
	var b bytes.Buffer
	fmt.Fprintf(&b, "%s %s HTTP/1.1\r\nHost: %s\r\n", method, target, host)
	for _, hd := range headers {
		b.WriteString(hd.Name + ": ")
		b.Write(latin1(t, hd.Value))
		b.WriteString("\r\n")
	}
	if body != "" {
		fmt.Fprintf(&b, "Content-Length: %d\r\n", len(body))
	}
	b.WriteString("Connection: close\r\n\r\n" + body)
	return b.Bytes()
}

// rawExchange sends raw on a fresh connection to addr and reads the
// answer's head: the status and each header line as written (names
// exactly, values trimmed as a client reads them, bytes read as Latin-1).
// Status 0: the connection closed without an answer.
func rawExchange(t *testing.T, addr string, raw []byte) (int, engine.Headers) {
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
	if len(data) == 0 {
		return 0, nil
	}
	head, _, found := bytes.Cut(data, []byte("\r\n\r\n"))
	if !found {
		t.Fatalf("no complete head in %q", data)
	}
	lines := strings.Split(fromLatin1(string(head)), "\r\n")
	var status int
	if _, err := fmt.Sscanf(lines[0], "HTTP/1.1 %d", &status); err != nil {
		t.Fatalf("status line %q", lines[0])
	}
	var hs engine.Headers
	for _, l := range lines[1:] {
		name, value, ok := strings.Cut(l, ":")
		if !ok {
			t.Fatalf("header line %q", l)
		}
		hs = append(hs, engine.Header{Name: name, Value: strings.Trim(value, " \t")})
	}
	return status, hs
}

// nodeCase is one configuration (JSON options) and the requests sent to
// it. unsupported: the engine must refuse it as beyond what it emulates,
// while node runs it; mayBeUnsupported: it may (a generated pattern).
type nodeCase struct {
	name, options                 string
	reqs                          []engine.HTTPRequest
	unsupported, mayBeUnsupported bool
}

// drawCases draws n configurations from a fixed seed, each option's value
// from its pool ([name, value…]; "" leaves it out), each sent per of reqs.
func drawCases(seed1, seed2 uint64, n, per int, pools [][]string, reqs []engine.HTTPRequest) []nodeCase {
	r := rand.New(rand.NewPCG(seed1, seed2))
	var cases []nodeCase
	for i := range n {
		var fields []string
		for _, pool := range pools {
			if v := pool[1+r.IntN(len(pool)-1)]; v != "" {
				fields = append(fields, fmt.Sprintf("%q: %s", pool[0], v))
			}
		}
		c := nodeCase{name: fmt.Sprintf("generated-%d", i), options: "{" + strings.Join(fields, ", ") + "}"}
		for _, j := range r.Perm(len(reqs))[:per] {
			c.reqs = append(c.reqs, reqs[j])
		}
		cases = append(cases, c)
	}
	return cases
}

// nodeProof compares a real library with the engine's emulation of it,
// through engine.Server.Respond: each case's configuration is built in
// both (a refusal by the real library must be the engine's *ConfigError
// with the same message; an unsupported case the engine's *FieldError),
// then each request's real answer must be the engine's.
type nodeProof struct {
	lib, version string
	families     []string // case name prefixes counted apart; others are "hand-picked"
	configure    func(options string) (id, jsErr string)
	send         func(id string, req engine.HTTPRequest) answer
	emulate      func(engine.Response) answer // the engine's answer as send reads the real one
}

// nodeCounts is what a proof compared: pairs (allowed: the real answers
// with an Access-Control-Allow-Origin line), by family and by answer
// ("status", or "status+nACAO" with n such lines; status 0: no answer),
// and the configurations refused alike or unsupported by the engine.
type nodeCounts struct {
	pairs, allowed, refused, unsupported int
	byFamily, byAnswer                   map[string]int
}

func (p nodeProof) run(t *testing.T, cases []nodeCase) nodeCounts {
	t.Helper()
	n := nodeCounts{byFamily: map[string]int{}, byAnswer: map[string]int{}}
	for _, c := range cases {
		var opts map[string]json.RawMessage
		if err := json.Unmarshal([]byte(c.options), &opts); err != nil {
			t.Fatalf("%s: %v", c.name, err)
		}
		id, jsErr := p.configure(c.options)
		srv := engine.Server{Library: &engine.Library{Name: p.lib, Version: p.version, Options: opts, Route: "/r"}}
		_, err := srv.Responder()
		var ce *engine.ConfigError
		var fe *engine.FieldError
		switch {
		case jsErr != "":
			n.refused++
			if !errors.As(err, &ce) || ce.Message != jsErr {
				t.Errorf("%s %s: node refuses it with %q, the engine answers %v", c.name, c.options, jsErr, err)
			}
			continue
		case c.mayBeUnsupported && errors.As(err, &fe):
			n.unsupported++
			continue
		case c.unsupported:
			n.unsupported++
			if !errors.As(err, &fe) {
				t.Errorf("%s %s: the engine should refuse it as unsupported, got %v", c.name, c.options, err)
			}
			continue
		case err != nil:
			t.Errorf("%s %s: node runs it, the engine refuses it: %v", c.name, c.options, err)
			continue
		}
		family := "hand-picked"
		for _, f := range p.families {
			if strings.HasPrefix(c.name, f) {
				family = f
				break
			}
		}
		for _, req := range c.reqs {
			real := p.send(id, req)
			resp, err := srv.Respond(req)
			if err != nil {
				t.Fatalf("%s %s: %v", c.name, c.options, err)
			}
			n.pairs++
			n.byFamily[family]++
			kind, acao := fmt.Sprint(real.Status), 0
			for _, l := range real.Lines {
				if strings.HasPrefix(strings.ToLower(l), "access-control-allow-origin:") {
					acao++
				}
			}
			if acao > 0 {
				n.allowed++
				kind += fmt.Sprintf("+%dACAO", acao)
			}
			n.byAnswer[kind]++
			if emu := p.emulate(resp); real.String() != emu.String() {
				t.Errorf("%s %s\n  %s %s\n  real:     %v\n  emulated: %v", c.name, c.options, describe(req), req.URL, real, emu)
			}
		}
	}
	return n
}
