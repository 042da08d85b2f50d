//go:build linux

package libtest

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"math/rand/v2"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"runtime"
	"slices"
	"sort"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"corsplay/engine"
	"corsplay/internal/syncbuf"
)

// TestExportRuns runs every exported snippet for real: for each policy of
// the table, the code engine.ExportPolicy writes for Flask-CORS (Debian's
// /usr/bin/python3), rs/cors and jub0bs/cors (go build from the module, so
// the libraries come from go.mod, offline), express cors (node, the
// module's node_modules) and nginx (Debian's, after `nginx -t`) is started
// on a loopback port the test picks, and answers a set of requests.
//
//   - Library targets answer exactly as the engine's emulation of
//     Export.Library: status, and every Access-Control-* and Vary header
//     (names case-insensitively, values exactly and in order). A program
//     that refuses its configuration at start-up (jub0bs/cors's
//     log.Fatal) prints the emulation's ConfigError text, and Lost says so.
//     rs/cors code deciding origins in an AllowOriginFunc has no Library;
//     it answers as the emulation of the same options with AllowedOrigins
//     listing the request's origin when the policy allows it (rs/cors uses
//     the function only for that yes or no), checked against the export of
//     that stand-in policy.
//   - The browser's verdict for the page's JSON PUT is the same against the
//     policy and against Export.Library whenever Lost is empty.
//   - nginx has no emulation: it answers as the policy's simulation, except
//     the headers Lost names (exNginxMayDiffer) and the one documented
//     quirk: nginx compares the map's exact origins case-insensitively, so
//     an upper-cased allowed origin gets the CORS headers the policy denies
//     it (browsers send origins in lower case).
//
// Every process is killed as soon as its requests are answered, and by
// t.Cleanup (and PR_SET_PDEATHSIG) whatever happens.
func TestExportRuns(t *testing.T) {
	began := time.Now()
	tools := exPrerequisites(t)
	dir := t.TempDir()
	procs := &exProcs{}
	t.Cleanup(procs.killAll)
	cases := exCases()
	runs := make([][]*exRun, len(cases))
	sem := make(chan struct{}, 2*runtime.NumCPU()) // programs starting or answering at once
	var wg sync.WaitGroup
	for i, c := range cases {
		for _, target := range engine.ExportTargets {
			x, err := engine.ExportPolicy(c.p, target)
			if err != nil {
				t.Fatalf("%s: ExportPolicy(%s): %v", c.name, target, err)
			}
			r := &exRun{c: c, x: x, dir: filepath.Join(dir, c.name, target)}
			runs[i] = append(runs[i], r)
			wg.Add(1)
			go func() {
				defer wg.Done()
				sem <- struct{}{}
				defer func() { <-sem }()
				r.run(tools, procs)
			}()
		}
	}
	wg.Wait()
	procs.killAll()
	ran := time.Since(began)

	var documented []string
	for i, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			for _, r := range runs[i] {
				t.Run(r.x.Target, func(t *testing.T) {
					if r.err != nil {
						t.Fatalf("%v\n%s", r.err, r.x.Code)
					}
					if r.x.Target == engine.TargetNginx {
						documented = append(documented, exCheckNginx(t, r)...)
						return
					}
					exCheckLibrary(t, r)
					if d := exCheckVerdict(t, r); d != "" {
						documented = append(documented, d)
					}
				})
			}
		})
	}
	for _, d := range documented {
		t.Log("documented difference: " + d)
	}
	t.Logf("%d policies × %d targets run for real in %v (%v with the checks)", len(cases), len(engine.ExportTargets), ran.Round(time.Millisecond), time.Since(began).Round(time.Millisecond))
}

// exCase is one policy, with an origin it allows (the browser scenario's
// page) and one that looks allowed but is not.
type exCase struct {
	name      string
	p         engine.Policy
	page      string
	lookalike string
}

const (
	exApp  = "https://app.example.com"
	exEvil = "https://evil.example.net"
)

func exCases() []exCase {
	type P = engine.Policy
	ct := []string{"Content-Type"}
	return []exCase{
		{"exact-credentials", P{Origins: []string{exApp}, Credentials: true, Methods: []string{"PUT", "DELETE"},
			RequestHeaders: []string{"Content-Type", "Authorization"}, ExposeHeaders: []string{"X-Request-Id"}, MaxAge: new(int64(600))},
			exApp, "https://app.example.com.evil.net"},
		{"exact-list", P{Origins: []string{exApp, "https://admin.example.com"}, Methods: []string{"PUT"}, RequestHeaders: ct},
			"https://admin.example.com", "https://admin.example.co"},
		{"subdomains", P{Origins: []string{"https://*.example.com"}, Methods: []string{"PUT", "PATCH"},
			RequestHeaders: []string{"Content-Type", "X-Api-Key"}, MaxAge: new(int64(0))},
			"https://api.example.com", "https://evilexample.com"},
		{"subdomains-port-credentials", P{Origins: []string{"https://*.example.com:8443"}, Credentials: true, Methods: []string{"PUT"},
			RequestHeaders: ct, ExposeHeaders: []string{"X-Request-Id"}},
			"https://a.b.example.com:8443", "https://a.example.com"},
		{"localhost-any-port", P{Origins: []string{"http://localhost:*"}, Credentials: true, Methods: []string{"PUT"},
			RequestHeaders: ct, MaxAge: new(int64(600))},
			"http://localhost:3000", "http://localhost.evil.net:3000"},
		{"regex-anchored", P{Origins: []string{`re:^https://(app|admin)\.example\.org$`}, Methods: []string{"PUT"}, RequestHeaders: ct},
			"https://admin.example.org", "https://app.example.org.evil.net"},
		{"regex-unanchored-credentials", P{Origins: []string{`re:\.example\.net$`}, Credentials: true, Methods: []string{"PUT", "DELETE"},
			RequestHeaders: ct},
			"https://x.example.net", "https://example.net"},
		{"mixed", P{Origins: []string{exApp, "https://*.example.org", `re:^https://[a-z]+\.example\.io$`, "http://localhost:*"},
			Credentials: true, Methods: []string{"PUT"}, RequestHeaders: []string{"Content-Type", "Authorization"},
			ExposeHeaders: []string{"X-Request-Id", "X-Total"}, MaxAge: new(int64(600))},
			"https://shop.example.org", "https://example.org"},
		{"wildcard", P{AnyOrigin: engine.AnyOriginWildcard, Methods: []string{"PUT"}, RequestHeaders: ct,
			ExposeHeaders: []string{"X-Request-Id"}, MaxAge: new(int64(600))},
			"https://any.example.net", ""},
		{"wildcard-credentials", P{AnyOrigin: engine.AnyOriginWildcard, Credentials: true, Methods: []string{"PUT"}, RequestHeaders: ct},
			"https://any.example.net", ""},
		{"reflect-credentials", P{AnyOrigin: engine.AnyOriginReflect, Credentials: true, Methods: []string{"PUT", "DELETE"}, RequestHeaders: ct},
			"https://any.example.net", ""},
		{"reflect-stars", P{AnyOrigin: engine.AnyOriginReflect, Methods: []string{"*"}, RequestHeaders: []string{"*"}, ExposeHeaders: []string{"*"}},
			"https://any.example.net", ""},
		{"null", P{Origins: []string{exApp}, AllowNull: true, Methods: []string{"PUT"}, RequestHeaders: ct},
			"null", "https://null"},
		{"stars", P{Origins: []string{exApp}, Methods: []string{"*"}, RequestHeaders: []string{"*"}, ExposeHeaders: []string{"*"}, MaxAge: new(int64(0))},
			exApp, "https://app.example.com:8443"},
		{"stars-credentials", P{Origins: []string{exApp}, Credentials: true, Methods: []string{"*"}, RequestHeaders: []string{"*"}, ExposeHeaders: []string{"*"}},
			exApp, "http://app.example.com"},
		{"star-and-authorization", P{Origins: []string{exApp}, Methods: []string{"PUT"}, RequestHeaders: []string{"*", "Authorization"}},
			exApp, ""},
		{"status-200", P{Origins: []string{exApp}, Methods: []string{"PUT"}, RequestHeaders: ct, PreflightStatus: 200, MaxAge: new(int64(600))},
			exApp, ""},
		{"no-origin", P{Methods: []string{"PUT"}, RequestHeaders: ct},
			exApp, ""},
		{"vary-false", P{Origins: []string{exApp}, Vary: new(false), Methods: []string{"PUT"}, RequestHeaders: ct},
			exApp, ""},
		{"no-request-headers", P{Origins: []string{exApp}, Methods: []string{"PUT"}},
			exApp, ""},
		{"insecure-credentials", P{Origins: []string{"http://intranet.example.com", "https://*.github.io"}, Credentials: true,
			Methods: []string{"PUT"}, RequestHeaders: ct},
			"http://intranet.example.com", "https://github.io"},
	}
}

// exReq is one request of the set every program answers.
type exReq struct {
	label string
	req   engine.HTTPRequest
}

func exRequest(method string, headers ...string) engine.HTTPRequest {
	req := engine.HTTPRequest{Method: method, URL: "https://api.example.com/items"}
	for i := 0; i+1 < len(headers); i += 2 {
		req.Headers = append(req.Headers, engine.Header{Name: headers[i], Value: headers[i+1]})
	}
	return req
}

func exPreflight(origin, method, headers string) engine.HTTPRequest {
	hs := []string{"Origin", origin, "Access-Control-Request-Method", method}
	if headers != "" {
		hs = append(hs, "Access-Control-Request-Headers", headers)
	}
	return exRequest("OPTIONS", hs...)
}

// exRequests: preflights from the page with an allowed and a refused
// method and header, and from a refused origin; actual requests from the
// page, a refused, a lookalike and an upper-cased origin, and without
// Origin; an OPTIONS that is no preflight.
func exRequests(c exCase) []exReq {
	method := "PUT"
	for _, m := range c.p.Methods {
		if m != "*" && !engine.IsSafelistedMethod(m) {
			method = m
			break
		}
	}
	header := "content-type"
	for _, h := range c.p.RequestHeaders {
		if h != "*" && !strings.EqualFold(h, "Authorization") {
			header = strings.ToLower(h)
			break
		}
	}
	lookalike := c.lookalike
	if lookalike == "" {
		lookalike = c.page + ".evil.net"
	}
	return []exReq{
		{"preflight", exPreflight(c.page, method, header)},
		{"preflight without request headers", exPreflight(c.page, method, "")},
		{"preflight, refused method", exPreflight(c.page, "PURGE", "")},
		{"preflight, refused header", exPreflight(c.page, method, header+",x-evil")},
		{"preflight, authorization", exPreflight(c.page, method, "authorization")},
		{"preflight, refused origin", exPreflight(exEvil, method, header)},
		{"GET", exRequest("GET", "Origin", c.page)},
		{"PUT", exRequest(method, "Origin", c.page)},
		{"GET, refused origin", exRequest("GET", "Origin", exEvil)},
		{"GET, lookalike origin", exRequest("GET", "Origin", lookalike)},
		{"GET, upper-cased origin", exRequest("GET", "Origin", strings.ToUpper(c.page))},
		{"GET without Origin", exRequest("GET")},
		{"OPTIONS without Access-Control-Request-Method", exRequest("OPTIONS", "Origin", c.page)},
	}
}

// exAnswer is a status and the CORS headers: lower-cased names, each
// name's values in order.
type exAnswer struct {
	status  int
	headers map[string][]string
}

func exAnswerOf(status int, hs engine.Headers) exAnswer {
	a := exAnswer{status: status, headers: map[string][]string{}}
	for _, h := range hs {
		if n := strings.ToLower(h.Name); n == "vary" || strings.HasPrefix(n, "access-control-") {
			a.headers[n] = append(a.headers[n], h.Value)
		}
	}
	return a
}

func (a exAnswer) String() string {
	names := slices.Sorted(func(yield func(string) bool) {
		for n := range a.headers {
			if !yield(n) {
				return
			}
		}
	})
	var b strings.Builder
	fmt.Fprintf(&b, "%d", a.status)
	for _, n := range names {
		for _, v := range a.headers[n] {
			fmt.Fprintf(&b, "\n      %s: %s", n, v)
		}
	}
	return b.String()
}

// exDiff lists the header names whose values differ, and whether the
// statuses do.
func exDiff(a, b exAnswer) (status bool, names []string) {
	seen := map[string]bool{}
	for _, m := range []map[string][]string{a.headers, b.headers} {
		for n := range m {
			if !seen[n] && !slices.Equal(a.headers[n], b.headers[n]) {
				names = append(names, n)
			}
			seen[n] = true
		}
	}
	sort.Strings(names)
	return a.status != b.status, names
}

// exRun is one export run for real.
type exRun struct {
	c   exCase
	x   engine.Export
	dir string
	// refusal is what a program printed when it exited before listening.
	refusal string
	// nginxTest is the output of nginx -t.
	nginxTest string
	answers   []exAnswer
	err       error
}

// exTools are the programs the test runs.
type exTools struct {
	python, node, nginx, goTool, root string
	builds                            chan struct{} // go builds at once
}

// exPrerequisites finds the real libraries, or fails with what to install:
// the test never skips.
func exPrerequisites(t *testing.T) *exTools {
	t.Helper()
	root, err := filepath.Abs("..")
	if err != nil {
		t.Fatal(err)
	}
	tools := &exTools{python: flaskPython, root: root, builds: make(chan struct{}, runtime.NumCPU())}
	if out, err := exec.Command(tools.python, "-c", "import flask, flask_cors").CombinedOutput(); err != nil {
		t.Fatalf("the real Flask-CORS is not importable by %s (%v: %s): install it with `%s`", tools.python, err, bytes.TrimSpace(out), flaskInstall)
	}
	if tools.node, err = exec.LookPath("node"); err != nil {
		t.Fatal("node is not on PATH: install Node.js and run `npm ci` in the module root")
	}
	for _, m := range []string{"express", "cors"} {
		if _, err := os.Stat(filepath.Join(root, "node_modules", m, "package.json")); err != nil {
			t.Fatalf("%s is missing from node_modules: run `npm ci` in %s", m, root)
		}
	}
	tools.nginx = "/usr/sbin/nginx"
	if _, err := os.Stat(tools.nginx); err != nil {
		t.Fatal("Debian's nginx is missing: install it with `apt-get install nginx-light`")
	}
	if tools.goTool, err = exec.LookPath("go"); err != nil {
		tools.goTool = filepath.Join(runtime.GOROOT(), "bin", "go")
	}
	return tools
}

// exProcs are the started processes, killed at the end whatever happens.
type exProcs struct {
	mu    sync.Mutex
	procs []*exProc
}

type exProc struct {
	cmd  *exec.Cmd
	done chan struct{}
	out  syncbuf.Buffer
}

func (ps *exProcs) start(cmd *exec.Cmd) (*exProc, error) {
	p := &exProc{cmd: cmd, done: make(chan struct{})}
	cmd.Stdout, cmd.Stderr = &p.out, &p.out
	cmd.SysProcAttr = &syscall.SysProcAttr{Pdeathsig: syscall.SIGKILL} // dies with the test
	ps.mu.Lock()
	defer ps.mu.Unlock()
	if err := cmd.Start(); err != nil {
		return nil, err
	}
	go func() { cmd.Wait(); close(p.done) }()
	ps.procs = append(ps.procs, p)
	return p, nil
}

func (p *exProc) kill() {
	p.cmd.Process.Kill()
	<-p.done
}

func (ps *exProcs) killAll() {
	ps.mu.Lock()
	defer ps.mu.Unlock()
	for _, p := range ps.procs {
		p.kill()
	}
}

// exPorts are the ports given out, below Linux's ephemeral range
// (32768-60999) so that no client connection of the test can hold one.
var exPorts = struct {
	sync.Mutex
	used map[int]bool
}{used: map[int]bool{}}

func exPickPort() (int, error) {
	exPorts.Lock()
	defer exPorts.Unlock()
	for range 1000 {
		port := 20000 + rand.IntN(12000)
		if exPorts.used[port] {
			continue
		}
		l, err := net.Listen("tcp", "127.0.0.1:"+strconv.Itoa(port))
		if err != nil {
			continue
		}
		l.Close()
		exPorts.used[port] = true
		return port, nil
	}
	return 0, errors.New("no free loopback port between 20000 and 32000")
}

// exListenLines are the code's listen line for each target and its
// replacement on the test's port.
var exListenLines = map[string][2]string{
	engine.TargetFlask:   {engine.ExportListenFlask, "app.run(host='127.0.0.1', port=%d)"},
	engine.TargetRSCors:  {engine.ExportListenGo, `http.ListenAndServe("127.0.0.1:%d", `},
	engine.TargetJub0bs:  {engine.ExportListenGo, `http.ListenAndServe("127.0.0.1:%d", `},
	engine.TargetExpress: {engine.ExportListenExpress, "app.listen(%d, '127.0.0.1');"},
	engine.TargetNginx:   {engine.ExportListenNginx, "listen 127.0.0.1:%d;"},
}

// run writes the code, builds it if it is Go, starts it on its own port,
// waits for the port, sends the requests and kills the program.
func (r *exRun) run(tools *exTools, procs *exProcs) {
	if err := os.MkdirAll(r.dir, 0o755); err != nil {
		r.err = err
		return
	}
	port, err := exPickPort()
	if err != nil {
		r.err = err
		return
	}
	lines := exListenLines[r.x.Target]
	if n := strings.Count(r.x.Code, lines[0]); n != 1 {
		r.err = fmt.Errorf("the code has %d lines %q, want 1", n, lines[0])
		return
	}
	code := strings.Replace(r.x.Code, lines[0], fmt.Sprintf(lines[1], port), 1)
	var cmd *exec.Cmd
	switch r.x.Target {
	case engine.TargetFlask:
		file := filepath.Join(r.dir, "app.py")
		if r.err = os.WriteFile(file, []byte(code), 0o644); r.err != nil {
			return
		}
		cmd = exec.Command(tools.python, file)
		cmd.Env = append(os.Environ(), "PYTHONDONTWRITEBYTECODE=1")
	case engine.TargetRSCors, engine.TargetJub0bs:
		bin, err := r.goBuild(tools, code)
		if err != nil {
			r.err = err
			return
		}
		cmd = exec.Command(bin)
	case engine.TargetExpress:
		file := filepath.Join(r.dir, "app.js")
		if r.err = os.WriteFile(file, []byte(code), 0o644); r.err != nil {
			return
		}
		cmd = exec.Command(tools.node, file)
		cmd.Env = append(os.Environ(), "NODE_PATH="+filepath.Join(tools.root, "node_modules"))
	case engine.TargetNginx:
		conf := filepath.Join(r.dir, "nginx.conf")
		if r.err = os.WriteFile(conf, []byte(exNginxConf(r.dir, code)), 0o644); r.err != nil {
			return
		}
		out, err := exec.Command(tools.nginx, "-t", "-c", conf, "-p", r.dir+"/").CombinedOutput()
		r.nginxTest = string(out)
		if err != nil {
			r.err = fmt.Errorf("nginx -t: %v:\n%s", err, out)
			return
		}
		cmd = exec.Command(tools.nginx, "-c", conf, "-p", r.dir+"/")
	}
	cmd.Dir = r.dir
	p, err := procs.start(cmd)
	if err != nil {
		r.err = err
		return
	}
	defer p.kill()
	addr := "127.0.0.1:" + strconv.Itoa(port)
	deadline := time.Now().Add(30 * time.Second)
	for {
		if c, err := net.DialTimeout("tcp", addr, time.Second); err == nil {
			c.Close()
			break
		}
		select {
		case <-p.done:
			r.refusal = p.out.String()
			return
		case <-time.After(20 * time.Millisecond):
		}
		if time.Now().After(deadline) {
			r.err = fmt.Errorf("%s did not listen on %s within 30 s:\n%s", r.x.Target, addr, p.out.String())
			return
		}
	}
	transport := &http.Transport{}
	defer transport.CloseIdleConnections()
	client := &http.Client{Transport: transport, Timeout: 10 * time.Second,
		CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	for _, q := range exRequests(r.c) {
		req, err := http.NewRequest(q.req.Method, "http://"+addr+"/items", nil)
		if err != nil {
			r.err = err
			return
		}
		for _, h := range q.req.Headers {
			req.Header.Add(h.Name, h.Value)
		}
		resp, err := client.Do(req)
		if err != nil {
			r.err = fmt.Errorf("%s: %v\n%s", q.label, err, p.out.String())
			return
		}
		io.Copy(io.Discard, resp.Body)
		resp.Body.Close()
		var hs engine.Headers
		for name, vals := range resp.Header {
			for _, v := range vals {
				hs = append(hs, engine.Header{Name: name, Value: v})
			}
		}
		r.answers = append(r.answers, exAnswerOf(resp.StatusCode, hs))
	}
}

// goBuild builds the program from inside the module (its go.mod gives
// rs/cors and jub0bs/cors), offline.
func (r *exRun) goBuild(tools *exTools, code string) (string, error) {
	file, bin := filepath.Join(r.dir, "main.go"), filepath.Join(r.dir, "server")
	if err := os.WriteFile(file, []byte(code), 0o644); err != nil {
		return "", err
	}
	tools.builds <- struct{}{}
	defer func() { <-tools.builds }()
	cmd := exec.Command(tools.goTool, "build", "-o", bin, file)
	cmd.Dir = tools.root
	cmd.Env = append(os.Environ(), "GOPROXY=off", "GOFLAGS=-mod=readonly", "GOWORK=off")
	if out, err := cmd.CombinedOutput(); err != nil {
		return "", fmt.Errorf("go build: %v\n%s", err, out)
	}
	return bin, nil
}

// exNginxConf wraps the exported block in a complete configuration whose
// files all live in dir.
func exNginxConf(dir, block string) string {
	var b strings.Builder
	fmt.Fprintf(&b, "daemon off;\nmaster_process off;\npid %s/nginx.pid;\nerror_log %s/error.log;\n\nevents {\n    worker_connections 64;\n}\n\nhttp {\n", dir, dir)
	fmt.Fprintf(&b, "    access_log off;\n")
	for _, tmp := range []string{"client_body", "proxy", "fastcgi", "uwsgi", "scgi"} {
		fmt.Fprintf(&b, "    %s_temp_path %s/%s;\n", tmp, dir, tmp)
	}
	for _, line := range strings.Split(strings.TrimRight(block, "\n"), "\n") {
		b.WriteString("    " + line + "\n")
	}
	b.WriteString("}\n")
	return b.String()
}

// exLogTime is the date log.Fatal prints before the message.
var exLogTime = regexp.MustCompile(`^\d{4}/\d\d/\d\d \d\d:\d\d:\d\d `)

// exCheckLibrary compares the program's answers with the emulation.
func exCheckLibrary(t *testing.T, r *exRun) {
	if r.x.Library == nil {
		if r.x.Target != engine.TargetRSCors {
			t.Fatalf("no Library for %s", r.x.Target)
		}
		exCheckStandIn(t, r)
		return
	}
	respond, err := engine.Server{Library: r.x.Library}.Responder()
	var ce *engine.ConfigError
	switch {
	case errors.As(err, &ce):
		if r.refusal == "" {
			t.Fatalf("the emulation refuses the configuration (%s), the program started", ce.Message)
		}
		got := exLogTime.ReplaceAllString(r.refusal, "")
		if r.x.Target == engine.TargetJub0bs {
			got = strings.TrimSuffix(got, "\n")
		}
		if r.x.Target == engine.TargetJub0bs && got != ce.Message || !strings.Contains(got, ce.Message) {
			t.Errorf("the program refuses its configuration with\n%s\nthe emulation with\n%s", got, ce.Message)
		}
		if !slices.ContainsFunc(r.x.Lost, func(l string) bool { return strings.Contains(l, ce.Message) }) {
			t.Errorf("Lost %q does not say the server refuses to start", r.x.Lost)
		}
		t.Logf("both refuse the configuration: %s", ce.Message)
		return
	case err != nil:
		t.Fatalf("the emulation of %s: %v", r.x.Library.Name, err)
	case r.refusal != "":
		t.Fatalf("the program exited before listening:\n%s\nthe emulation accepts the configuration", r.refusal)
	}
	reqs := exRequests(r.c)
	for i, q := range reqs {
		resp, err := respond(q.req)
		if err != nil {
			t.Fatalf("%s: %v", q.label, err)
		}
		if want := exAnswerOf(resp.Status, resp.Headers); !exSame(r.answers[i], want) {
			t.Errorf("%s: the program answers %s\n    the emulation %s", q.label, r.answers[i], want)
		}
	}
}

// exStandIn is the rs/cors export of the policy with AllowedOrigins for
// its yes or no on origin: the same options, AllowOriginFunc aside.
func exStandIn(t *testing.T, p engine.Policy, origin string, hasOrigin bool) engine.Export {
	t.Helper()
	allowed := hasOrigin && exPolicyAllows(t, p, origin)
	p.AnyOrigin, p.AllowNull, p.Origins = "", false, nil
	if allowed {
		p.Origins = []string{origin}
	}
	x, err := engine.ExportPolicy(p, engine.TargetRSCors)
	if err != nil || x.Library == nil {
		t.Fatalf("stand-in for %q: %v, %v", origin, err, x.Library)
	}
	return x
}

// exPolicyAllows reports whether the policy lets origin read responses.
func exPolicyAllows(t *testing.T, p engine.Policy, origin string) bool {
	t.Helper()
	resp, err := engine.Server{Policy: &p}.Respond(exRequest("GET", "Origin", origin))
	if err != nil {
		t.Fatal(err)
	}
	return resp.Headers.Has("Access-Control-Allow-Origin")
}

// exCheckStandIn compares rs/cors code with an AllowOriginFunc with the
// emulation of its stand-in, after checking that the stand-in's code
// differs from it only in how origins are decided.
func exCheckStandIn(t *testing.T, r *exRun) {
	if r.refusal != "" {
		t.Fatalf("the program exited before listening:\n%s", r.refusal)
	}
	options := func(code string) []string {
		_, block, _ := strings.Cut(code, "cors.Options{\n")
		block, _, _ = strings.Cut(block, "\t})")
		var out []string
		for _, l := range strings.Split(block, "\n") {
			if f := strings.Fields(l); len(f) > 0 && f[0] != "AllowOriginFunc:" && f[0] != "AllowedOrigins:" {
				out = append(out, strings.Join(f, " "))
			}
		}
		return out
	}
	own := options(r.x.Code)
	for i, q := range exRequests(r.c) {
		origin, hasOrigin := q.req.Headers.Get("Origin")
		x := exStandIn(t, r.c.p, origin, hasOrigin)
		if got := options(x.Code); !slices.Equal(got, own) {
			t.Fatalf("the stand-in's options %q differ from the code's %q", got, own)
		}
		resp, err := engine.Server{Library: x.Library}.Respond(q.req)
		if err != nil {
			t.Fatal(err)
		}
		if want := exAnswerOf(resp.Status, resp.Headers); !exSame(r.answers[i], want) {
			t.Errorf("%s: the program answers %s\n    the emulation of the stand-in %s", q.label, r.answers[i], want)
		}
	}
}

func exSame(a, b exAnswer) bool {
	s, names := exDiff(a, b)
	return !s && len(names) == 0
}

// exCheckVerdict evaluates the page's JSON PUT against the policy and
// against the code's configuration: the same verdict whenever Lost is
// empty. It returns the difference Lost explains, if any.
func exCheckVerdict(t *testing.T, r *exRun) string {
	p := r.c.p
	s := engine.Scenario{V: engine.Version, Page: r.c.page, Request: engine.Request{
		URL: "https://api.example.com/items", Method: "PUT",
		Headers: engine.Headers{{Name: "Content-Type", Value: "application/json"}}, Body: new(`{"name":"corsplay"}`)}}
	if p.Credentials {
		s.Request.Credentials = engine.CredentialsInclude
	}
	s.Server = engine.Server{Policy: &p}
	want := engine.Evaluate(s).Verdict
	lib := r.x.Library
	if lib == nil {
		lib = exStandIn(t, p, r.c.page, true).Library
	}
	s.Server = engine.Server{Library: lib}
	got := engine.Evaluate(s)
	if got.Verdict == want {
		return ""
	}
	if len(r.x.Lost) == 0 {
		t.Errorf("the page's JSON PUT is %s against the policy, %s against the code (%s), and Lost is empty", want, got.Verdict, got.Console+got.ConfigError)
		return ""
	}
	return fmt.Sprintf("%s/%s: the page's JSON PUT is %s against the policy, %s against the code, as Lost says: %q", r.c.name, r.x.Target, want, got.Verdict, r.x.Lost)
}

// exNginxMayDiffer are the headers a Lost entry of the nginx export says
// may differ from the policy, by the entry's first word.
var exNginxMayDiffer = map[string][]string{
	"exposeHeaders": {"access-control-expose-headers"},
}

// exCheckNginx compares nginx's answers with the policy's simulation; it
// returns the differences it accepts, described.
func exCheckNginx(t *testing.T, r *exRun) []string {
	if !strings.Contains(r.nginxTest, "test is successful") {
		t.Errorf("nginx -t says:\n%s", r.nginxTest)
	}
	if r.refusal != "" {
		t.Fatalf("nginx exited:\n%s", r.refusal)
	}
	mayDiffer := map[string]bool{}
	for _, l := range r.x.Lost {
		word, _, _ := strings.Cut(l, " ")
		names, ok := exNginxMayDiffer[word]
		if !ok {
			t.Errorf("Lost entry %q: the test does not know which headers it concerns", l)
		}
		for _, n := range names {
			mayDiffer[n] = true
		}
	}
	var documented []string
	p := r.c.p
	for i, q := range exRequests(r.c) {
		resp, err := engine.Server{Policy: &p}.Respond(q.req)
		if err != nil {
			t.Fatal(err)
		}
		want := exAnswerOf(resp.Status, resp.Headers)
		got := r.answers[i]
		status, names := exDiff(got, want)
		var unexplained []string
		for _, n := range names {
			switch {
			case mayDiffer[n]:
			case q.label == "GET, upper-cased origin" && exNginxCaseQuirk(t, r, n):
			default:
				unexplained = append(unexplained, n)
			}
		}
		if status || len(unexplained) > 0 {
			t.Errorf("%s: nginx answers %s\n    the policy %s", q.label, got, want)
		} else if len(names) > 0 {
			documented = append(documented, fmt.Sprintf("%s/nginx %s: %s differ (nginx %s; policy %s)", r.c.name, q.label, strings.Join(names, ", "), got, want))
		}
	}
	return documented
}

// exNginxCaseQuirk: nginx's map compares exact origins case-insensitively,
// so the upper-cased page gets the allowed origin's headers when the page
// is one of the policy's exact origins.
func exNginxCaseQuirk(t *testing.T, r *exRun, name string) bool {
	if !slices.Contains(r.c.p.Origins, r.c.page) && r.c.page != "null" {
		return false
	}
	return name == "access-control-allow-origin" || name == "access-control-allow-credentials" || name == "access-control-expose-headers"
}
