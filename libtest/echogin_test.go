package libtest

import (
	"bufio"
	"bytes"
	"encoding/json"
	"fmt"
	"go/format"
	"io"
	"log"
	"math/rand/v2"
	"net"
	"net/http"
	"net/http/httptest"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"corsplay/engine"
	"corsplay/engine/server"
)

// The Go stacks of echo-cors and gin-cors, run for real in this process
// behind an httptest server and asked over loopback with raw bytes (a
// fresh connection each, Host from the URL, Connection: close), so that
// the answer is what a client reads: status, and every header line with
// its name as written, its value, in wire order. Date and Connection are
// the harness's (the engine writes neither, but Connection: close on a
// 400 net/http refuses a request with); everything else is compared.

// egServer serves whatever handler the test sets, one request at a time.
type egServer struct {
	mu   sync.Mutex
	h    http.Handler
	addr string
}

func egStart(t *testing.T) *egServer {
	s := &egServer{}
	ts := httptest.NewUnstartedServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		s.mu.Lock()
		h := s.h
		s.mu.Unlock()
		h.ServeHTTP(w, r)
	}))
	ts.Config.ErrorLog = log.New(io.Discard, "", 0) // a handler's panic (gin's bad regexp) is an answer here
	ts.Start()
	t.Cleanup(ts.Close)
	s.addr = ts.Listener.Addr().String()
	return s
}

// egAnswer is a status and header lines; status 0: no answer.
type egAnswer struct {
	status  int
	headers engine.Headers
}

func (a egAnswer) String() string {
	var b strings.Builder
	fmt.Fprintf(&b, "%d", a.status)
	for _, h := range a.headers {
		fmt.Fprintf(&b, "\n      %s: %q", h.Name, h.Value)
	}
	return b.String()
}

// egTarget splits an absolute URL into its host and request target.
func egTarget(url string) (host, target string) {
	rest := strings.TrimPrefix(strings.TrimPrefix(url, "https://"), "http://")
	i := strings.IndexAny(rest, "/?")
	if i < 0 {
		return rest, "/"
	}
	host, target = rest[:i], rest[i:]
	if target[0] == '?' {
		target = "/" + target
	}
	return host, target
}

// ask sends req to h over a fresh loopback connection.
func (s *egServer) ask(t *testing.T, h http.Handler, req engine.HTTPRequest) egAnswer {
	t.Helper()
	s.mu.Lock()
	s.h = h
	s.mu.Unlock()
	return egAsk(t, s.addr, req)
}

// egAsk sends req's raw bytes to addr and reads the answer.
func egAsk(t *testing.T, addr string, req engine.HTTPRequest) egAnswer {
	t.Helper()
	conn, err := net.DialTimeout("tcp", addr, 5*time.Second)
	if err != nil {
		t.Fatalf("dial %s: %v", addr, err)
	}
	defer conn.Close()
	conn.SetDeadline(time.Now().Add(5 * time.Second))
	host, target := egTarget(req.URL)
	var b bytes.Buffer
	b.WriteString(req.Method + " " + target + " HTTP/1.1\r\nHost: " + host + "\r\n")
	for _, h := range req.Headers {
		b.WriteString(h.Name + ": " + h.Value + "\r\n")
	}
	b.WriteString("Connection: close\r\n\r\n")
	if _, err := conn.Write(b.Bytes()); err != nil {
		t.Fatalf("write: %v", err)
	}
	raw, err := io.ReadAll(conn)
	if err != nil && len(raw) == 0 {
		t.Fatalf("read: %v", err)
	}
	return egParse(t, raw)
}

// egParse reads a raw HTTP/1.x answer (the first final one).
func egParse(t *testing.T, raw []byte) egAnswer {
	t.Helper()
	if len(raw) == 0 {
		return egAnswer{}
	}
	r := bufio.NewReader(bytes.NewReader(raw))
	line, _ := r.ReadString('\n')
	f := strings.Fields(line)
	if len(f) < 2 || !strings.HasPrefix(f[0], "HTTP/1.") {
		t.Fatalf("not an HTTP answer: %q", raw)
	}
	a := egAnswer{}
	a.status, _ = strconv.Atoi(f[1])
	for {
		line, err := r.ReadString('\n')
		line = strings.TrimRight(line, "\r\n")
		if line == "" || err != nil {
			break
		}
		name, value, ok := strings.Cut(line, ":")
		if !ok {
			t.Fatalf("bad header line %q in %q", line, raw)
		}
		if name == "Date" || name == "Connection" {
			continue
		}
		a.headers = append(a.headers, engine.Header{Name: name, Value: strings.Trim(value, " \t")})
	}
	return a
}

// egEngine is the engine's answer, Connection left out as on the real
// side.
func egEngine(resp engine.Response) egAnswer {
	a := egAnswer{status: resp.Status}
	for _, h := range resp.Headers {
		if h.Name != "Connection" {
			a.headers = append(a.headers, h)
		}
	}
	return a
}

func egSame(a, b egAnswer) bool {
	if a.status != b.status || len(a.headers) != len(b.headers) {
		return false
	}
	for i := range a.headers {
		if a.headers[i] != b.headers[i] {
			return false
		}
	}
	return true
}

// egStats counts the kinds of answers.
type egStats map[string]int

func (s egStats) add(req engine.HTTPRequest, a egAnswer) {
	kind := "actual"
	if req.Method == "OPTIONS" {
		kind = "OPTIONS"
		if req.Headers.Has("Access-Control-Request-Method") {
			kind = "preflight"
		}
	}
	acao := "no ACAO"
	for _, h := range a.headers {
		if h.Name == "Access-Control-Allow-Origin" {
			acao = "ACAO"
			if h.Value == "*" {
				acao = "ACAO *"
			}
		}
	}
	s[kind+" "+strconv.Itoa(a.status)+" "+acao]++
}

func (s egStats) String() string {
	return cgStats(s).String()
}

func egDescribe(req engine.HTTPRequest) string {
	var b strings.Builder
	b.WriteString(req.Method + " " + req.URL)
	for _, h := range req.Headers {
		fmt.Fprintf(&b, " [%s: %q]", h.Name, h.Value)
	}
	return b.String()
}

// Request pools: adversarial origins for the configurations' usual
// entries (a.example.com, *.example.com), the API's own origin, paths
// echo and gin route differently.
var (
	egOrigins = []string{
		"https://a.example.com", "https://a.example.com.evil.com", "https://aXexample.com", "http://a.example.com",
		"null", "", "https://b.example.com", "https://x.y.example.com", "https://example.com", "https://evil.com",
		"https://A.EXAMPLE.COM", "https://a.example.com:8443", "http://localhost:3000", "https://api.example.com",
		"http://api.example.com", "chrome-extension://abcdef", "tauri://localhost", "file://", "ws://a.example.com",
		"https://a.example.co", "https://ab.example.com", "https://.example.com",
	}
	egLikely  = []string{"https://a.example.com", "https://b.example.com", "https://x.y.example.com", "http://localhost:3000"}
	egMethods = []string{"GET", "POST", "PUT", "DELETE", "PATCH", "HEAD", "OPTIONS", "patch", "get", "PURGE", "options", "Put"}
	egACRH    = []string{"content-type", "authorization", "content-type,x-custom", "x-custom", "Authorization,Content-Type", "", " x-a , x-b "}
	egPaths   = []string{"/r", "/r", "/r", "/r", "/r", "/r", "/r/", "/", "/x", "/r?pretty", "/x?pretty", "/R", "/%72", "/r/x", "/r?x=1", "/r/?a=b"}
)

// egGenRequest draws a request to https://api.example.com.
func egGenRequest(r *rand.Rand) engine.HTTPRequest {
	url := "https://api.example.com" + goPick(r, egPaths)
	var hs engine.Headers
	switch n := r.IntN(14); {
	case n == 0: // no Origin
	case n == 1:
		hs = append(hs, engine.Header{Name: "Origin", Value: goPick(r, egLikely)}, engine.Header{Name: "Origin", Value: goPick(r, egOrigins)})
	case n < 7:
		hs = append(hs, engine.Header{Name: "Origin", Value: goPick(r, egLikely)})
	default:
		hs = append(hs, engine.Header{Name: "Origin", Value: goPick(r, egOrigins)})
	}
	if r.IntN(2) == 0 {
		return engine.HTTPRequest{Method: goPick(r, egMethods), URL: url, Headers: hs}
	}
	if r.IntN(8) != 0 {
		hs = append(hs, engine.Header{Name: "Access-Control-Request-Method", Value: goPick(r, egMethods)})
	}
	if r.IntN(2) == 0 {
		hs = append(hs, engine.Header{Name: "Access-Control-Request-Headers", Value: goPick(r, egACRH)})
	}
	if r.IntN(6) == 0 {
		hs = append(hs, engine.Header{Name: "Access-Control-Request-Private-Network", Value: "true"})
	}
	return engine.HTTPRequest{Method: "OPTIONS", URL: url, Headers: hs}
}

func egReq(method, path string, headers ...string) engine.HTTPRequest {
	req := engine.HTTPRequest{Method: method, URL: "https://api.example.com" + path}
	for i := 0; i+1 < len(headers); i += 2 {
		req.Headers = append(req.Headers, engine.Header{Name: headers[i], Value: headers[i+1]})
	}
	return req
}

// egPreflight is a preflight of /r; headers "-" sends no
// Access-Control-Request-Headers.
func egPreflight(origin, method, headers string) engine.HTTPRequest {
	if headers == "-" {
		return egReq("OPTIONS", "/r", "Origin", origin, "Access-Control-Request-Method", method)
	}
	return egReq("OPTIONS", "/r", "Origin", origin, "Access-Control-Request-Method", method, "Access-Control-Request-Headers", headers)
}

// egGet is a GET of /r from origin.
func egGet(origin string) engine.HTTPRequest { return egReq("GET", "/r", "Origin", origin) }

// egJSON is an options object's JSON text as a map, as a scenario holds
// it.
func egJSON(t *testing.T, text string) map[string]json.RawMessage {
	t.Helper()
	var m map[string]json.RawMessage
	if err := json.Unmarshal([]byte(text), &m); err != nil {
		t.Fatalf("%s: %v", text, err)
	}
	return m
}

// egBuild builds the exported Go programs into one binary, offline,
// from inside the module (go.mod requires echo and gin-contrib/cors at the
// emulated versions): each program's main becomes run<i>, which the
// binary runs for its first argument, listening on $EG_ADDR instead of
// :8080. One link for all is much faster than one each.
func egBuild(t *testing.T, codes []string) string {
	t.Helper()
	root, err := filepath.Abs("..")
	if err != nil {
		t.Fatal(err)
	}
	goTool, err := exec.LookPath("go")
	if err != nil {
		goTool = filepath.Join(runtime.GOROOT(), "bin", "go")
	}
	dir := t.TempDir()
	files := []string{filepath.Join(dir, "main.go")}
	dispatch := "package main\n\nimport \"os\"\n\nfunc main() {\n\tswitch os.Args[1] {\n"
	for i, code := range codes {
		if f, err := format.Source([]byte(code)); err != nil || string(f) != code {
			t.Errorf("the export is not as gofmt writes it (%v):\n%s", err, code)
		}
		if strings.Count(code, `":8080"`) != 1 || strings.Count(code, "\nfunc main() {\n") != 1 {
			t.Fatalf("the export does not listen on \":8080\" in one func main:\n%s", code)
		}
		code = strings.Replace(code, `":8080"`, `os.Getenv("EG_ADDR")`, 1)
		code = strings.Replace(code, "import (\n", "import (\n\t\"os\"\n", 1)
		code = strings.Replace(code, "\nfunc main() {\n", fmt.Sprintf("\nfunc run%d() {\n", i), 1)
		files = append(files, filepath.Join(dir, fmt.Sprintf("export%d.go", i)))
		if err := os.WriteFile(files[i+1], []byte(code), 0o644); err != nil {
			t.Fatal(err)
		}
		dispatch += fmt.Sprintf("\tcase %q:\n\t\trun%d()\n", strconv.Itoa(i), i)
	}
	if err := os.WriteFile(files[0], []byte(dispatch+"\t}\n}\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	bin := filepath.Join(dir, "server")
	cmd := exec.Command(goTool, append([]string{"build", "-o", bin}, files...)...)
	cmd.Dir = root
	cmd.Env = append(os.Environ(), "GOPROXY=off", "GOFLAGS=-mod=readonly", "GOWORK=off")
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("go build of the exports: %v\n%s\n(the module's go.mod and go.sum must hold github.com/labstack/echo/v4 v4.16.6, github.com/gin-contrib/cors v1.7.7 and their dependencies, golang.org/x/time included: run `go mod download` once with the network)", err, out)
	}
	return bin
}

// egRun starts program i of bin on a free loopback port and returns its
// address, or the output of a program that exits at once (a refused
// configuration).
func egRun(t *testing.T, bin string, i int) (addr string, exited string) {
	t.Helper()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr = l.Addr().String()
	l.Close()
	cmd := exec.Command(bin, strconv.Itoa(i))
	cmd.Env = append(os.Environ(), "EG_ADDR="+addr)
	var out bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &out
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	done := make(chan struct{})
	go func() { cmd.Wait(); close(done) }()
	t.Cleanup(func() { cmd.Process.Kill(); <-done })
	for deadline := time.Now().Add(10 * time.Second); time.Now().Before(deadline); time.Sleep(20 * time.Millisecond) {
		select {
		case <-done:
			return "", out.String()
		default:
		}
		if c, err := net.Dial("tcp", addr); err == nil {
			c.Close()
			return addr, ""
		}
	}
	t.Fatalf("%s did not listen on %s within 10 s:\n%s", bin, addr, out.String())
	return "", ""
}

// TestEchoGinExportRoute builds and runs the programs Export writes for
// the route of a scenario's request path, with Echo and with gin, and
// compares their answers there, and at the paths around it (with and
// without a trailing slash, with a letter escaped, libtest's /r), with the
// emulation's for that route.
func TestEchoGinExportRoute(t *testing.T) {
	type program struct{ lib, route string }
	var programs []program
	var codes []string
	opts := `{"AllowOrigins": ["https://a.example.com"], "AllowMethods": ["GET", "PUT"]}`
	for _, lib := range []string{"echo-cors", "gin-cors"} {
		l, _ := server.Lookup(lib, "")
		for _, route := range []string{"/items", "/api/v1/o'clock", "/caf%C3%A9/"} {
			code, err := l.Export(egJSON(t, opts), route)
			if err != nil {
				t.Fatalf("%s: Export(%q): %v", lib, route, err)
			}
			programs, codes = append(programs, program{lib, route}), append(codes, code)
		}
	}
	bin := egBuild(t, codes)
	n := 0
	for i, p := range programs {
		addr, exited := egRun(t, bin, i)
		if exited != "" {
			t.Fatalf("%s at %q exited: %s", p.lib, p.route, exited)
		}
		bare := strings.TrimSuffix(p.route, "/")
		for _, req := range []engine.HTTPRequest{
			egReq("GET", p.route, "Origin", "https://a.example.com"), egReq("PUT", p.route+"?x=1", "Origin", "https://a.example.com"),
			egReq("OPTIONS", p.route, "Origin", "https://a.example.com", "Access-Control-Request-Method", "PUT"),
			egReq("DELETE", p.route, "Origin", "https://a.example.com"), egReq("TRACE", p.route, "Origin", "https://a.example.com"),
			egReq("GET", bare, "Origin", "https://a.example.com"), egReq("GET", bare+"/?q=1", "Origin", "https://a.example.com"),
			egReq("GET", strings.Replace(p.route, "i", "%69", 1), "Origin", "https://a.example.com"), egReq("GET", "/r", "Origin", "https://a.example.com"),
		} {
			got, err := engine.Server{Library: &engine.Library{Name: p.lib, Options: egJSON(t, opts), Route: p.route}}.Respond(req)
			if err != nil {
				t.Fatal(err)
			}
			if g, real := egEngine(got), egAsk(t, addr, req); !egSame(g, real) {
				t.Errorf("%s at %q, %s:\n  engine  %s\n  program %s", p.lib, p.route, egDescribe(req), g, real)
			}
			n++
		}
	}
	t.Logf("echo and gin routes: %d answers of %d programs compared", n, len(programs))
}
