//go:build !wasm

package main

import (
	"encoding/json"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"syscall"
	"testing"
	"time"

	"corsplay/engine"
)

// fakeWeb writes a web folder whose app.wasm and twins hold their own names.
func fakeWeb(t *testing.T) string {
	dir := t.TempDir()
	for _, name := range []string{"app.wasm", "app.wasm.br", "app.wasm.gz", "psl.js", "psl.js.br", "psl.js.gz", "app.css"} {
		if err := os.WriteFile(filepath.Join(dir, name), []byte(name), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	return dir
}

func get(t *testing.T, h http.Handler, path string, header ...string) *http.Response {
	t.Helper()
	req := httptest.NewRequest("GET", path, nil)
	for i := 0; i+1 < len(header); i += 2 {
		req.Header.Set(header[i], header[i+1])
	}
	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, req)
	return rec.Result()
}

func body(t *testing.T, r *http.Response) string {
	t.Helper()
	b, err := io.ReadAll(r.Body)
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

var wasmEncodingTests = []struct {
	accept, encoding, file string
}{
	{"gzip, deflate, br, zstd", "br", "app.wasm.br"},
	{"gzip", "gzip", "app.wasm.gz"},
	{"br;q=0, gzip", "gzip", "app.wasm.gz"},
	{"", "", "app.wasm"},
	{"identity", "", "app.wasm"},
}

// TestWasmServedPrecompressed: app.wasm and psl.js (the page's Public
// Suffix List) in the encoding the browser accepts, with their own type.
func TestWasmServedPrecompressed(t *testing.T) {
	h, err := newHandler(fakeWeb(t))
	if err != nil {
		t.Fatal(err)
	}
	for _, f := range []struct{ name, typ string }{{"app.wasm", "application/wasm"}, {"psl.js", "text/javascript; charset=utf-8"}} {
		for _, tt := range wasmEncodingTests {
			r := get(t, h, "/web/"+f.name, "Accept-Encoding", tt.accept)
			want := strings.Replace(tt.file, "app.wasm", f.name, 1)
			if got := body(t, r); got != want {
				t.Errorf("%s, Accept-Encoding %q: served %q, want %q", f.name, tt.accept, got, want)
			}
			if r.Header.Get("Content-Encoding") != tt.encoding || r.Header.Get("Content-Type") != f.typ || !strings.Contains(r.Header.Get("Vary"), "Accept-Encoding") {
				t.Errorf("%s, Accept-Encoding %q: headers %v", f.name, tt.accept, r.Header)
			}
		}
	}
	etag := get(t, h, "/web/app.wasm").Header.Get("ETag")
	if r := get(t, h, "/web/app.wasm", "If-None-Match", etag); r.StatusCode != http.StatusNotModified {
		t.Errorf("If-None-Match %s: status %d, want 304", etag, r.StatusCode)
	}
}

// TestVersionIsContentHash: a new build gets a new Version, so browsers that
// cached the old app load the new one; the same files give the same one;
// a file that is never served (a dotfile) does not count.
func TestVersionIsContentHash(t *testing.T) {
	dir := fakeWeb(t)
	version := func() string {
		t.Helper()
		f, err := openWebFiles(dir)
		if err != nil {
			t.Fatal(err)
		}
		return f.version
	}
	a, b := version(), version()
	os.WriteFile(filepath.Join(dir, ".DS_Store"), []byte("not served"), 0o644)
	c := version()
	os.WriteFile(filepath.Join(dir, "app.wasm"), []byte("a new build"), 0o644)
	d := version()
	if a != b || a != c || a == d || len(a) != 16 {
		t.Errorf("versions %q %q %q %q: want equal, equal, equal, different", a, b, c, d)
	}
}

// TestPrerenderedPage: the first HTML already shows the default scenario's
// verdict and exchange, computed by the engine on the server, and points
// at local icons only (a remote one breaks the offline precache).
func TestPrerenderedPage(t *testing.T) {
	h, err := newHandler("web")
	if err != nil {
		t.Fatal(err)
	}
	page := body(t, get(t, h, "/"))
	for _, want := range []string{`id="verdict"`, ">Allowed<", "The exchange", "OPTIONS /items/42", `href="/web/app.css"`} {
		if !strings.Contains(page, want) {
			t.Errorf("prerendered page lacks %s", want)
		}
	}
	// Nothing loads from elsewhere: one remote URL in the service worker's
	// list would leave its cache empty, and the page unusable offline.
	loads := regexp.MustCompile(`<(?:script|link|img)[^>]*?\s(?:src|href)="([^"]*)"`).FindAllStringSubmatch(page, -1)
	if len(loads) < 5 {
		t.Errorf("only %d scripts, links and images found in the page", len(loads))
	}
	for _, m := range loads {
		if strings.Contains(m[1], "://") || strings.HasPrefix(m[1], "//") {
			t.Errorf("the page loads %s", m[1])
		}
	}
	worker := body(t, get(t, h, "/app-worker.js"))
	list := regexp.MustCompile(`const resourcesToCache = (\[.*?\]);`).FindStringSubmatch(worker)
	var cached []string
	if list == nil || json.Unmarshal([]byte(list[1]), &cached) != nil || len(cached) < 8 {
		t.Fatalf("no list of resources in the service worker:\n%s", worker)
	}
	for _, u := range cached {
		if !strings.HasPrefix(u, "/") || strings.HasPrefix(u, "//") {
			t.Errorf("the service worker caches %s", u)
		}
	}
	for _, want := range []string{"/", "/web/app.wasm", "/app.js", "/wasm_exec.js", "/web/app.css", "/web/link.js", "/web/icon-192.png", "/manifest.webmanifest"} {
		if !slices.Contains(cached, want) {
			t.Errorf("the service worker does not cache %s: %v", want, cached)
		}
	}
	if b := body(t, get(t, h, "/manifest.webmanifest")); !strings.Contains(b, "/web/icon-512.png") {
		t.Errorf("manifest lacks the local icons: %s", b)
	}

	// With the public host name, link previews get full URLs.
	h, err = newHandler("web", withDomain("corsplay.example"))
	if err != nil {
		t.Fatal(err)
	}
	for path, url := range map[string]string{"/": "https://corsplay.example", "/embed": "https://corsplay.example/embed"} {
		og := openGraph(body(t, get(t, h, path)))
		if og["og:url"] != url || og["og:image"] != "https://corsplay.example/web/icon-512.png" {
			t.Errorf("%s: link preview %v", path, og)
		}
	}
}

// openGraph reads a page's <meta property="og:…" content="…"> tags, their
// attributes in any order (go-app writes them in map order).
func openGraph(page string) map[string]string {
	og := map[string]string{}
	attr := func(tag, name string) string {
		if m := regexp.MustCompile(`\s` + name + `="([^"]*)"`).FindStringSubmatch(tag); m != nil {
			return m[1]
		}
		return ""
	}
	for _, tag := range regexp.MustCompile(`<meta\s[^>]*>`).FindAllString(page, -1) {
		if p := attr(tag, "property"); strings.HasPrefix(p, "og:") {
			og[p] = attr(tag, "content")
		}
	}
	return og
}

// TestSecurityHeaders: every response carries the hardening headers; the
// playground is never framed, the embed view may be framed by any site.
func TestSecurityHeaders(t *testing.T) {
	h, err := newHandler(fakeWeb(t))
	if err != nil {
		t.Fatal(err)
	}
	for _, path := range []string{"/", "/?embed", "/embed/x", "/embedded", "/web/app.wasm", "/app.js", "/web/app.css", "/nope", "/embed", "/embed/"} {
		r := get(t, h, path)
		csp := r.Header.Get("Content-Security-Policy")
		if !strings.Contains(csp, "default-src 'self'") || !strings.Contains(csp, "script-src 'self' 'wasm-unsafe-eval';") || strings.Contains(csp, "http") || strings.Contains(csp, "unsafe-inline") {
			t.Errorf("%s: Content-Security-Policy %q", path, csp)
		}
		framing := "frame-ancestors 'none'"
		if path == "/embed" || path == "/embed/" {
			framing = "frame-ancestors *"
			if xfo := r.Header.Get("X-Frame-Options"); xfo != "" {
				t.Errorf("%s: X-Frame-Options %q forbids framing", path, xfo)
			}
			if r.StatusCode != 200 || !strings.Contains(body(t, r), `id="embed-open"`) {
				t.Errorf("%s: %d, not the prerendered embed view", path, r.StatusCode)
			}
		} else if xfo := r.Header.Get("X-Frame-Options"); xfo != "DENY" {
			t.Errorf("%s: X-Frame-Options %q, want DENY", path, xfo)
		}
		if strings.Count(csp, "frame-ancestors") != 1 || !strings.HasSuffix(csp, framing) {
			t.Errorf("%s: Content-Security-Policy %q, want %s", path, csp, framing)
		}
		if r.Header.Get("X-Content-Type-Options") != "nosniff" || r.Header.Get("Referrer-Policy") != "no-referrer" {
			t.Errorf("%s: headers %v", path, r.Header)
		}
	}
}

// TestLabOnThePageOrigin: with a lab, the page's origin answers /lab/ with
// the lab itself — the scenario's headers only, not the page's — for the
// same-origin scenarios, and tells the page so; everything else keeps the
// page's headers.
func TestLabOnThePageOrigin(t *testing.T) {
	lb := newLab(labOptions{pageOrigins: []string{"http://localhost:8080"}})
	h, err := newHandler(fakeWeb(t), withLab("http://localhost:8081", lb))
	if err != nil {
		t.Fatal(err)
	}
	srv := engine.Server{Raw: &engine.RawServer{Actual: &engine.Response{Status: 200, Headers: engine.Headers{{Name: "X-Demo-Id", Value: "7"}}}}}
	r := get(t, h, labPath(t, srv, "/me"))
	if r.StatusCode != 200 || r.Header.Get("X-Demo-Id") != "7" || r.Header.Get("Content-Security-Policy") != "" || r.Header.Get("Referrer-Policy") != "" {
		t.Errorf("/lab/ on the page's origin: %d %v", r.StatusCode, r.Header)
	}
	if runs, _ := lb.runs.stats(); runs != 1 {
		t.Errorf("the run was not recorded in the lab's store: %d runs", runs)
	}
	if csp := get(t, h, "/").Header.Get("Content-Security-Policy"); !strings.Contains(csp, "connect-src 'self' http://localhost:8081;") {
		t.Errorf("the page's CSP with a lab: %q", csp)
	}
	if js := body(t, get(t, h, "/app.js")); !strings.Contains(js, "CORSPLAY_LAB_HERE") {
		t.Errorf("the page is not told the lab answers on its origin")
	}
}

// TestGracefulShutdown: SIGTERM lets the server finish and exit 0.
func TestGracefulShutdown(t *testing.T) {
	bin := filepath.Join(t.TempDir(), "corsplay")
	if out, err := exec.Command("go", "build", "-o", bin, ".").CombinedOutput(); err != nil {
		t.Fatalf("build: %v\n%s", err, out)
	}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := ln.Addr().String()
	ln.Close()
	cmd := exec.Command(bin, "-addr", addr)
	var logs strings.Builder
	cmd.Stderr = &logs
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { cmd.Process.Kill() })
	deadline := time.Now().Add(10 * time.Second)
	for {
		if r, err := http.Get("http://" + addr + "/web/app.css"); err == nil {
			r.Body.Close()
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("the server did not start: %s", logs.String())
		}
		time.Sleep(50 * time.Millisecond)
	}
	terminate(t, cmd, &logs, 10*time.Second)
}

// terminate sends the command SIGTERM and fails unless it exits 0 within d.
func terminate(t *testing.T, cmd *exec.Cmd, logs fmt.Stringer, d time.Duration) {
	t.Helper()
	cmd.Process.Signal(syscall.SIGTERM)
	done := make(chan error, 1)
	go func() { done <- cmd.Wait() }()
	select {
	case err := <-done:
		if err != nil {
			t.Errorf("exit after SIGTERM: %v\n%s", err, logs.String())
		}
	case <-time.After(d):
		t.Fatalf("%s did not stop within %s of SIGTERM", cmd.Path, d)
	}
}

// TestPageRoutes: the page's server answers GET and HEAD for the pages,
// go-app's generated files and web/ — HEAD with GET's status and headers
// and no body — and 405 with Allow: GET, HEAD for any other method (RFC
// 9110 §15.5.6; methods are case-sensitive, §9.1), while the lab on the
// same port keeps its own; what else go-app would answer is a 404.
func TestPageRoutes(t *testing.T) {
	lb := newLab(labOptions{pageOrigins: []string{testPage}})
	h, err := newHandler(fakeWeb(t), withLab("http://localhost:8081", lb))
	if err != nil {
		t.Fatal(err)
	}
	addr := startServer(t, h, defaultLimits)
	for _, path := range []string{"/", "/embed", "/embed/", "/app.js", "/app-worker.js", "/wasm_exec.js", "/app.css", "/manifest.webmanifest", "/web/app.css", "/web/app.wasm"} {
		get, getBody := rawRequest(t, addr, "GET "+path+" HTTP/1.1")
		head, headBody := rawRequest(t, addr, "HEAD "+path+" HTTP/1.1")
		if get.StatusCode != 200 || getBody == "" {
			t.Errorf("GET %s: %d, %d bytes", path, get.StatusCode, len(getBody))
		}
		if head.StatusCode != 200 || headBody != "" || head.Header.Get("Content-Length") != fmt.Sprint(len(getBody)) || head.Header.Get("Content-Type") != get.Header.Get("Content-Type") {
			t.Errorf("HEAD %s: %d %v, %d bytes of body; GET: %v", path, head.StatusCode, head.Header, len(headBody), get.Header)
		}
		for _, method := range []string{"POST", "PUT", "DELETE", "PATCH", "OPTIONS", "TRACE", "CONNECT", "PROPFIND", "get"} {
			resp, body := rawRequest(t, addr, method+" "+path+" HTTP/1.1\r\nContent-Length: 0")
			if resp.StatusCode != http.StatusMethodNotAllowed || resp.Header.Get("Allow") != "GET, HEAD" || resp.Header.Get("Content-Security-Policy") == "" || strings.Contains(body, "<") {
				t.Errorf("%s %s: %d %v %q", method, path, resp.StatusCode, resp.Header, body)
			}
		}
	}
	for _, method := range []string{"POST", "PUT", "OPTIONS"} {
		resp, _ := rawRequest(t, addr, method+" "+labPath(t, raw200(), "/x")+" HTTP/1.1\r\nContent-Length: 0")
		if resp.StatusCode != 200 {
			t.Errorf("%s on the page's /lab/: %d, want the lab's 200", method, resp.StatusCode)
		}
	}
	files, err := openWebFiles(fakeWeb(t))
	if err != nil {
		t.Fatal(err)
	}
	for _, path := range []string{"/app.wasm", "/goapp.wasm", "/goapp.js", "/manifest.json", "/robots.txt", "/sitemap.xml", "/ads.txt", "/" + files.version + "/", "/" + files.version + "/app.js", "/" + files.version + "/web/app.css", "/index.html", "/nope", "/web", "/lab"} {
		if resp, _ := rawRequest(t, addr, "GET "+path+" HTTP/1.1"); resp.StatusCode != http.StatusNotFound {
			t.Errorf("GET %s: %d, want 404", path, resp.StatusCode)
		}
	}
}

// TestNoServerSideRequest: go-app answers /robots.txt, /sitemap.xml and
// /ads.txt with what it fetches at http://{the request's Host}/web/…: a
// request to any address a client names, from the server, and its answer
// cached for everyone. The page's server never makes it.
func TestNoServerSideRequest(t *testing.T) {
	upstream, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer upstream.Close()
	h, err := newHandler(fakeWeb(t))
	if err != nil {
		t.Fatal(err)
	}
	addr := startServer(t, h, defaultLimits)
	for _, path := range []string{"/robots.txt", "/sitemap.xml", "/ads.txt"} {
		if resp, _ := rawRequest(t, addr, "GET "+path+" HTTP/1.1\r\nHost: "+upstream.Addr().String()); resp.StatusCode != http.StatusNotFound {
			t.Errorf("%s: %d, want 404", path, resp.StatusCode)
		}
	}
	// go-app fetches before it answers: a connection would be waiting.
	upstream.(*net.TCPListener).SetDeadline(time.Now().Add(100 * time.Millisecond))
	if c, err := upstream.Accept(); err == nil {
		c.Close()
		t.Errorf("the server connected to the address in the Host header")
	}
}
