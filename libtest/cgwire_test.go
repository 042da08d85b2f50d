//go:build linux

package libtest

// What the go-chi/cors and gorilla/handlers proofs share: a real net/http
// server in process (over net.Pipe, so the answer is the bytes net/http
// writes, header order included), the same requests sent to an exported
// program over loopback, and the comparison of both with the engine.

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"log"
	"math/rand/v2"
	"net"
	"net/http"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"sort"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"corsplay/engine"
	"corsplay/engine/server"
)

// cgOK is the app behind the middleware: "ok" (an implicit 200) to every
// method and path.
var cgOK = http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) { w.Write([]byte("ok")) })

// cgListener hands net.Pipe connections to an http.Server.
type cgListener struct {
	conns chan net.Conn
	done  chan struct{}
	once  sync.Once
}

func (l *cgListener) Accept() (net.Conn, error) {
	select {
	case c := <-l.conns:
		return c, nil
	case <-l.done:
		return nil, net.ErrClosed
	}
}

func (l *cgListener) Close() error   { l.once.Do(func() { close(l.done) }); return nil }
func (l *cgListener) Addr() net.Addr { return &net.TCPAddr{IP: net.IPv4(127, 0, 0, 1), Port: 80} }

// cgServer is a real net/http server in process.
type cgServer struct {
	l   *cgListener
	srv *http.Server
}

func cgStart(h http.Handler) *cgServer {
	s := &cgServer{l: &cgListener{conns: make(chan net.Conn), done: make(chan struct{})},
		srv: &http.Server{Handler: h, ErrorLog: log.New(io.Discard, "", 0)}}
	go s.srv.Serve(s.l)
	return s
}

func (s *cgServer) close() { s.srv.Close() }

// do sends req over a fresh pipe and reads the whole answer.
func (s *cgServer) do(t *testing.T, req engine.HTTPRequest) cgAnswer {
	t.Helper()
	client, conn := net.Pipe()
	s.l.conns <- conn
	return cgExchange(t, client, req)
}

// cgRaw is the request as bytes: the request line (the URL's path, /r
// when it has none), Host, the request's header lines as given, and
// Connection: close.
func cgRaw(req engine.HTTPRequest) []byte {
	var b bytes.Buffer
	path := "/r"
	if u, err := url.Parse(req.URL); err == nil && u.Path != "" {
		path = u.RequestURI()
	}
	b.WriteString(req.Method + " " + path + " HTTP/1.1\r\nHost: api.example.com\r\n")
	for _, h := range req.Headers {
		b.WriteString(h.Name + ": " + h.Value + "\r\n")
	}
	b.WriteString("Connection: close\r\n\r\n")
	return b.Bytes()
}

// cgAnswer is a status and the header lines in wire order, "Name: value".
type cgAnswer struct {
	Status int
	Lines  []string
}

func (a cgAnswer) String() string {
	return strconv.Itoa(a.Status) + " [" + strings.Join(a.Lines, " | ") + "]"
}

// cgExchange writes the request on c and parses the answer; Date (the
// clock) and Connection (our Connection: close) are left out.
func cgExchange(t *testing.T, c net.Conn, req engine.HTTPRequest) cgAnswer {
	t.Helper()
	defer c.Close()
	c.SetDeadline(time.Now().Add(5 * time.Second))
	go c.Write(cgRaw(req))
	raw, err := io.ReadAll(c)
	if err != nil && len(raw) == 0 {
		t.Fatalf("%s: %v", cgDescribe(req), err)
	}
	head, _, ok := strings.Cut(string(raw), "\r\n\r\n")
	lines := strings.Split(head, "\r\n")
	var status int
	if f := strings.Fields(lines[0]); ok && len(f) >= 2 {
		status, err = strconv.Atoi(f[1])
	}
	if !ok || err != nil {
		t.Fatalf("%s: cannot read the answer %q", cgDescribe(req), raw)
	}
	a := cgAnswer{Status: status, Lines: []string{}}
	for _, l := range lines[1:] {
		if !strings.HasPrefix(l, "Date: ") && !strings.HasPrefix(l, "Connection: ") {
			a.Lines = append(a.Lines, l)
		}
	}
	return a
}

func cgEngineAnswer(resp engine.Response) cgAnswer {
	a := cgAnswer{Status: resp.Status, Lines: []string{}}
	for _, h := range resp.Headers {
		a.Lines = append(a.Lines, h.Name+": "+h.Value)
	}
	return a
}

func cgDescribe(req engine.HTTPRequest) string {
	var b strings.Builder
	b.WriteString(req.Method)
	for _, h := range req.Headers {
		fmt.Fprintf(&b, " [%s: %q]", h.Name, h.Value)
	}
	return b.String()
}

// cgOptions parses a JSON options text as the engine takes it.
func cgOptions(t *testing.T, text string) map[string]json.RawMessage {
	t.Helper()
	var m map[string]json.RawMessage
	if err := json.Unmarshal([]byte(text), &m); err != nil {
		t.Fatalf("%s: %v", text, err)
	}
	return m
}

// cgStats counts the kinds of answers the pairs exercised.
type cgStats map[string]int

func (s cgStats) add(req engine.HTTPRequest, a cgAnswer) {
	kind := "actual"
	if req.Method == "OPTIONS" && req.Headers.Has("Access-Control-Request-Method") {
		kind = "preflight"
	}
	acao := "no ACAO"
	for _, l := range a.Lines {
		if strings.HasPrefix(l, "Access-Control-Allow-Origin: ") {
			acao = "ACAO"
			if l == "Access-Control-Allow-Origin: *" {
				acao = "ACAO *"
			}
		}
	}
	s[kind+" "+strconv.Itoa(a.Status)+" "+acao]++
}

func (s cgStats) String() string {
	keys := make([]string, 0, len(s))
	for k := range s {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	var parts []string
	for _, k := range keys {
		parts = append(parts, k+": "+strconv.Itoa(s[k]))
	}
	return strings.Join(parts, ", ")
}

// cgPair is one configuration (a JSON options text) and one request.
type cgPair struct {
	name, options string
	req           engine.HTTPRequest
}

// Request pools: adversarial origins (a suffix lookalike, a missing dot, an
// http downgrade, null, upper case, an empty Origin), lower-case methods,
// Authorization and oddly written request headers.
var (
	cgOrigins = []string{
		"https://a.example", "https://b.example", "https://app.a.example", "https://x.y.a.example",
		"https://a.example.evil.com", "https://aXexample.com", "https://a.example.com", "http://a.example",
		"null", "", "https://A.EXAMPLE", "https://a.example:8443", "https://evila.example", "https://evil.com",
		"http://localhost:3000", "https://a.exampl", "https://example.com",
	}
	cgLikely        = []string{"https://a.example", "https://app.a.example", "https://a.example.com"}
	cgLikelyMethods = []string{"GET", "POST", "PUT", "PATCH"}
	cgMethods       = []string{"GET", "POST", "HEAD", "PUT", "DELETE", "PATCH", "patch", "get", "Put", "OPTIONS", "options", "PURGE"}
	cgLikelyACRH    = []string{"content-type", "accept", "x-custom", "authorization,content-type"}
	cgACRH          = []string{
		"content-type", "authorization", "authorization,content-type", "x-custom", "content-type,x-custom",
		"X-Custom", "accept,accept-language", "accept, content-language, origin", "x-requested-with", "",
		" x-custom ,content-type", "x-custom,,x-custom", "x-/y", "x_y", "x y", "x-a,x-b", "*", "origin", "x-ſ",
	}
)

// cgRequest draws a preflight or an actual request.
func cgRequest(r *rand.Rand) engine.HTTPRequest {
	var hs engine.Headers
	origin := func() string {
		if r.IntN(3) > 0 {
			return cgLikely[r.IntN(len(cgLikely))]
		}
		return cgOrigins[r.IntN(len(cgOrigins))]
	}
	switch r.IntN(10) {
	case 0: // no Origin
	case 1:
		hs = append(hs, engine.Header{Name: "Origin", Value: origin()}, engine.Header{Name: "origin", Value: origin()})
	default:
		hs = append(hs, engine.Header{Name: "Origin", Value: origin()})
	}
	method := cgMethods[r.IntN(len(cgMethods))]
	if r.IntN(2) == 0 {
		return engine.HTTPRequest{Method: method, URL: "https://api.example.com/r", Headers: hs}
	}
	if r.IntN(2) == 0 { // a preflight most configurations allow
		method = cgLikelyMethods[r.IntN(len(cgLikelyMethods))]
	}
	switch r.IntN(12) {
	case 0: // no Access-Control-Request-Method
	case 1:
		hs = append(hs, engine.Header{Name: "Access-Control-Request-Method", Value: ""})
	default:
		hs = append(hs, engine.Header{Name: "Access-Control-Request-Method", Value: method})
	}
	switch n := r.IntN(10); {
	case n < 3:
	case n == 3:
		hs = append(hs, engine.Header{Name: "Access-Control-Request-Headers", Value: "content-type"},
			engine.Header{Name: "access-control-request-headers", Value: "authorization"})
	case n < 6:
		hs = append(hs, engine.Header{Name: "Access-Control-Request-Headers", Value: cgLikelyACRH[r.IntN(len(cgLikelyACRH))]})
	default:
		hs = append(hs, engine.Header{Name: "Access-Control-Request-Headers", Value: cgACRH[r.IntN(len(cgACRH))]})
	}
	m := "OPTIONS"
	if r.IntN(12) == 0 {
		m = "options"
	}
	return engine.HTTPRequest{Method: m, URL: "https://api.example.com/r", Headers: hs}
}

// cgFriendly draws a preflight most configurations allow: an origin they
// list, a listed method, a common request header or none.
func cgFriendly(r *rand.Rand) engine.HTTPRequest {
	return cgPreflight(cgLikely[r.IntN(2)], cgLikelyMethods[r.IntN(len(cgLikelyMethods))], []string{"-", "-", "accept", "content-type", "x-custom"}[r.IntN(5)])
}

func cgPreflight(origin, acrm, acrh string) engine.HTTPRequest {
	var hs engine.Headers
	if origin != "-" {
		hs = append(hs, engine.Header{Name: "Origin", Value: origin})
	}
	if acrm != "-" {
		hs = append(hs, engine.Header{Name: "Access-Control-Request-Method", Value: acrm})
	}
	if acrh != "-" {
		hs = append(hs, engine.Header{Name: "Access-Control-Request-Headers", Value: acrh})
	}
	return engine.HTTPRequest{Method: "OPTIONS", URL: "https://api.example.com/r", Headers: hs}
}

func cgActual(method, origin string) engine.HTTPRequest {
	var hs engine.Headers
	if origin != "-" {
		hs = append(hs, engine.Header{Name: "Origin", Value: origin})
	}
	return engine.HTTPRequest{Method: method, URL: "https://api.example.com/r", Headers: hs}
}

// cgExportRun builds the exported program (from inside the module, whose
// go.mod and the module cache give the library, offline), runs it on a
// loopback port and sends it each request; the program is killed at the
// end.
func cgExportRun(t *testing.T, code string, reqs []engine.HTTPRequest) []cgAnswer {
	t.Helper()
	root, err := filepath.Abs("..")
	if err != nil {
		t.Fatal(err)
	}
	goTool, err := exec.LookPath("go")
	if err != nil {
		goTool = filepath.Join(runtime.GOROOT(), "bin", "go")
	}
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := l.Addr().String()
	l.Close()
	const listen = `http.ListenAndServe("localhost:8080", `
	if strings.Count(code, listen) != 1 {
		t.Fatalf("the program has no %s line:\n%s", listen, code)
	}
	dir := t.TempDir()
	file, bin := filepath.Join(dir, "main.go"), filepath.Join(dir, "server")
	if err := os.WriteFile(file, []byte(strings.Replace(code, listen, `http.ListenAndServe("`+addr+`", `, 1)), 0o644); err != nil {
		t.Fatal(err)
	}
	build := exec.Command(goTool, "build", "-ldflags=-s -w", "-o", bin, file) // no symbols: a third of the link time
	build.Dir = root
	build.Env = append(os.Environ(), "GOPROXY=off", "GOFLAGS=-mod=readonly", "GOWORK=off")
	if out, err := build.CombinedOutput(); err != nil {
		t.Fatalf("go build of the exported program: %v\n%s\n(the module cache needs github.com/go-chi/cors v1.2.2 and github.com/gorilla/handlers v1.5.2: run `go mod download` in %s)\n%s", err, out, root, code)
	}
	cmd := exec.Command(bin)
	var out bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &out
	cmd.SysProcAttr = &syscall.SysProcAttr{Pdeathsig: syscall.SIGKILL}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	defer func() { cmd.Process.Kill(); cmd.Wait() }() // once more after a failure: harmless
	deadline := time.Now().Add(10 * time.Second)
	for {
		c, err := net.DialTimeout("tcp", addr, time.Second)
		if err == nil {
			c.Close()
			break
		}
		if time.Now().After(deadline) {
			cmd.Process.Kill()
			cmd.Wait()
			t.Fatalf("the exported program does not listen on %s: %v\n%s", addr, err, out.String())
		}
		time.Sleep(20 * time.Millisecond)
	}
	var answers []cgAnswer
	for _, req := range reqs {
		c, err := net.DialTimeout("tcp", addr, 5*time.Second)
		if err != nil {
			t.Fatal(err)
		}
		answers = append(answers, cgExchange(t, c, req))
	}
	return answers
}

// cgDifferential compares library's emulation with the real middleware
// (real builds it from a JSON options text) behind a real net/http server
// over the hand-picked pairs and 200 generated configurations (config
// draws one from r), each with a friendly and four drawn requests; title
// names the real library in messages.
func cgDifferential(t *testing.T, library, title string, r *rand.Rand, quirks []cgPair, config func(*rand.Rand) string, real func(string) (http.Handler, error)) {
	start := time.Now()
	pairs := append([]cgPair(nil), quirks...)
	for i := range 200 {
		opts := config(r)
		pairs = append(pairs, cgPair{fmt.Sprintf("generated %d.0", i), opts, cgFriendly(r)})
		for j := 1; j < 5; j++ {
			pairs = append(pairs, cgPair{fmt.Sprintf("generated %d.%d", i, j), opts, cgRequest(r)})
		}
	}
	stats := cgStats{}
	compared := 0
	servers := map[string]*cgServer{}
	defer func() {
		for _, s := range servers {
			s.close()
		}
	}()
	for _, p := range pairs {
		srv, ok := servers[p.options]
		if !ok {
			h, err := real(p.options)
			if err != nil {
				t.Fatalf("%s: %s does not decode: %v", p.name, p.options, err)
			}
			srv = cgStart(h)
			servers[p.options] = srv
		}
		answer := srv.do(t, p.req)
		resp, err := engine.Server{Library: &engine.Library{Name: library, Options: cgOptions(t, p.options)}}.Respond(p.req)
		if err != nil {
			t.Errorf("%s %s: the engine refuses what %s runs: %v", p.name, p.options, title, err)
			continue
		}
		compared++
		stats.add(p.req, answer)
		if emu := cgEngineAnswer(resp); emu.String() != answer.String() {
			t.Errorf("%s %s\n  %s\n  real:     %v\n  emulated: %v", p.name, p.options, cgDescribe(p.req), answer, emu)
		}
	}
	if compared < 150 {
		t.Errorf("only %d pairs compared, want at least 150", compared)
	}
	t.Logf("%s: %d configuration × request pairs (%d hand-picked, %d configurations) compared in %v: %s",
		title, compared, len(quirks), len(servers), time.Since(start).Round(time.Millisecond), stats)
}

// cgExportRuns builds and runs library's exported program for each
// configuration and compares its answers to reqs over loopback with the
// engine's.
func cgExportRuns(t *testing.T, library string, configs []string, reqs []engine.HTTPRequest) {
	lib, ok := server.Lookup(library, "")
	if !ok {
		t.Fatal(library + " is not registered")
	}
	for _, text := range configs {
		opts := cgOptions(t, text)
		code, err := lib.Export(opts, "/r")
		if err != nil {
			t.Fatalf("%s: %v", text, err)
		}
		answers := cgExportRun(t, code, reqs)
		for i, req := range reqs {
			resp, err := engine.Server{Library: &engine.Library{Name: library, Options: opts}}.Respond(req)
			if err != nil {
				t.Fatal(err)
			}
			if emu := cgEngineAnswer(resp); emu.String() != answers[i].String() {
				t.Errorf("%s\n  %s\n  program:  %v\n  emulated: %v\n%s", text, cgDescribe(req), answers[i], emu, code)
			}
		}
	}
}
