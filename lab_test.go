//go:build !wasm

package main

import (
	"bufio"
	"bytes"
	"compress/flate"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"os/exec"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"corsplay/engine"
	"corsplay/internal/syncbuf"
)

const (
	testPage = "http://localhost:8080"
	testRun  = "run_0123456789abcdef"
)

// clock is a settable time for the lab's TTL and rate limit.
type clock struct {
	mu sync.Mutex
	t  time.Time
}

func (c *clock) now() time.Time { c.mu.Lock(); defer c.mu.Unlock(); return c.t }
func (c *clock) advance(d time.Duration) {
	c.mu.Lock()
	c.t = c.t.Add(d)
	c.mu.Unlock()
}

func newTestLab(t *testing.T) (*lab, *clock) {
	t.Helper()
	c := &clock{t: time.Date(2026, 11, 27, 12, 0, 0, 0, time.UTC)}
	return newLab(labOptions{pageOrigins: []string{testPage}, rate: 20, burst: 60, now: c.now}), c
}

// encodeText is base64url(DEFLATE(data)): any bytes in a lab URL, as a
// hostile link would write them.
func encodeText(data string) string {
	var buf bytes.Buffer
	w, _ := flate.NewWriter(&buf, flate.BestCompression)
	w.Write([]byte(data))
	w.Close()
	return base64.RawURLEncoding.EncodeToString(buf.Bytes())
}

func labPath(t *testing.T, srv engine.Server, rest string) string {
	t.Helper()
	text, err := engine.EncodeLabServer(srv)
	if err != nil {
		t.Fatal(err)
	}
	return "/lab/" + testRun + "/" + text + rest
}

// do sends one request to the lab in process; header is name, value pairs.
func do(l http.Handler, method, target, body string, header ...string) *httptest.ResponseRecorder {
	req := httptest.NewRequest(method, target, strings.NewReader(body))
	req.RemoteAddr = "192.0.2.1:1234"
	for i := 0; i+1 < len(header); i += 2 {
		req.Header.Add(header[i], header[i+1])
	}
	rec := httptest.NewRecorder()
	l.ServeHTTP(rec, req)
	return rec
}

// preflightHeaders are what a browser's preflight for a PUT carries.
var preflightHeaders = []string{"Origin", testPage, "Access-Control-Request-Method", "PUT", "Access-Control-Request-Headers", "content-type"}

// refused checks a refusal: the status, a short text/plain message, nosniff,
// and nothing the scenario (or the request) would have put there.
func refused(t *testing.T, what string, rec *httptest.ResponseRecorder, status int, leaks ...string) {
	t.Helper()
	if rec.Code != status {
		t.Errorf("%s: status %d, want %d (%s)", what, rec.Code, status, rec.Body)
	}
	h := rec.Result().Header
	for name, vs := range h {
		if len(vs) == 0 {
			continue // a nil value suppresses a header net/http would add
		}
		switch name {
		case "Content-Type", "X-Content-Type-Options", "Cache-Control", "Retry-After", "Allow":
		default:
			t.Errorf("%s: the refusal carries %s: %q", what, name, h[name])
		}
	}
	if ct := h.Get("Content-Type"); ct != "text/plain; charset=utf-8" {
		t.Errorf("%s: Content-Type %q", what, ct)
	}
	if h.Get("X-Content-Type-Options") != "nosniff" {
		t.Errorf("%s: no nosniff", what)
	}
	body := rec.Body.String()
	if strings.Contains(body, labBody) || strings.ContainsAny(body, "<>\r") || strings.Count(body, "\n") != 1 || len(body) > 600 {
		t.Errorf("%s: body %q", what, body)
	}
	for _, leak := range leaks {
		if strings.Contains(body, leak) {
			t.Errorf("%s: the body reflects %q: %q", what, leak, body)
		}
		for name, vs := range h {
			if strings.Contains(name+strings.Join(vs, ","), leak) {
				t.Errorf("%s: header %s reflects %q", what, name, leak)
			}
		}
	}
}

// TestLabHeaderInjection: CR, LF and NUL in header names and values of a
// raw server in the URL, in the scenario's path, and in a request header a
// policy would echo, are refused before a byte of the answer is sent.
func TestLabHeaderInjection(t *testing.T) {
	l, _ := newTestLab(t)
	for _, raw := range []string{
		`{"raw":{"actual":{"status":200,"headers":[["Access-Control-Allow-Origin","*"],["X-Demo-Id\r\nSet-Cookie","pwned=1"]]}}}`,
		`{"raw":{"actual":{"status":200,"headers":[["Access-Control-Allow-Origin","*"],["X-Demo-Id","1\r\nSet-Cookie: pwned=1"]]}}}`,
		`{"raw":{"actual":{"status":200,"headers":[["Access-Control-Allow-Origin","*\r\n"],["X-Demo-Id","pwned"]]}}}`,
		`{"raw":{"actual":{"status":200,"headers":[["Access-Control-Allow-Origin","*"],["X-Demo-Id","pwned\n"]]}}}`,
		`{"raw":{"actual":{"status":200,"headers":[["Access-Control-Allow-Origin","*"],["X-Demo-Id","pwned\u0000"]]}}}`,
		`{"raw":{"actual":{"status":200,"headers":[["Access-Control-Allow-Origin","*"],["X-Demo-Id","pw\u000bned"]]}}}`,
		`{"raw":{"preflight":{"status":204,"headers":[["Access-Control-Allow-Origin","*"],["Access-Control-Allow-Methods: PUT\r\nSet-Cookie","pwned=1"]]}}}`,
	} {
		path := "/lab/" + testRun + "/" + encodeText(raw) + "/items"
		for _, hs := range [][]string{{"Origin", testPage}, preflightHeaders} {
			method := "GET"
			if len(hs) > 2 {
				method = "OPTIONS"
			}
			rec := do(l, method, path, "", hs...)
			if rec.Code != http.StatusBadRequest && rec.Code != http.StatusUnprocessableEntity {
				t.Errorf("%s: status %d", raw, rec.Code)
			}
			refused(t, raw, rec, rec.Code, "pwned")
		}
	}
	// A reflecting policy echoes the request's Origin: the lab re-checks
	// what it writes.
	reflect := labPath(t, engine.Server{Policy: &engine.Policy{AnyOrigin: "reflect"}}, "/x")
	for _, origin := range []string{"http://a\r\nSet-Cookie: pwned=1", "http://a\npwned", "http://a\x00pwned"} {
		refused(t, fmt.Sprintf("reflected %q", origin), do(l, "GET", reflect, "", "Origin", origin), http.StatusUnprocessableEntity, "pwned")
	}
	// Encoded CR LF in the path reach the scenario's server as a path,
	// never a header.
	rec := do(l, "GET", labPath(t, rawServer(nil, &engine.Response{Status: 200, Headers: engine.Headers{{Name: "Access-Control-Allow-Origin", Value: "*"}}}), "/a%0d%0aSet-Cookie:%20pwned=1"), "")
	if rec.Code != 200 || len(rec.Result().Header.Values("Set-Cookie")) > 0 || strings.Contains(fmt.Sprint(rec.Result().Header), "pwned") {
		t.Errorf("encoded CR LF in the path: %d %v", rec.Code, rec.Result().Header)
	}
	// A run id with CR LF is refused.
	refused(t, "CR LF in the run id", do(l, "GET", "/lab/run%0d%0aSet-Cookie:pwned0123456/"+encodeText(`{}`)+"/", ""), http.StatusBadRequest, "pwned")
}

func rawServer(preflight, actual *engine.Response) engine.Server {
	return engine.Server{Raw: &engine.RawServer{Preflight: preflight, Actual: actual}}
}

func raw200(kv ...string) engine.Server {
	r := &engine.Response{Status: 200, Headers: engine.Headers{{Name: "Access-Control-Allow-Origin", Value: "*"}}}
	for i := 0; i+1 < len(kv); i += 2 {
		r.Headers = append(r.Headers, engine.Header{Name: kv[i], Value: kv[i+1]})
	}
	return rawServer(r, r)
}

// TestLabForbiddenHeaders: a server that would send anything outside the
// allow-list gets 422 and sends none of its headers.
func TestLabForbiddenHeaders(t *testing.T) {
	l, _ := newTestLab(t)
	servers := map[string]engine.Server{
		"another cookie":             raw200("Set-Cookie", "pwned=1; Path=/"),
		"the lab cookie elsewhere":   raw200("Set-Cookie", "corsplay_lab=pwned; Path=/; SameSite=None; Secure"),
		"Location":                   raw200("Location", "https://evil.example/pwned"),
		"Content-Security-Policy":    raw200("Content-Security-Policy", "default-src pwned"),
		"Refresh":                    raw200("Refresh", "0; url=https://evil.example/pwned"),
		"X-Foo":                      raw200("X-Foo", "pwned"),
		"Content-Length 10":          raw200("Content-Length", "10", "X-Demo-Id", "pwned"),
		"policy exposing X-Foo":      {Policy: &engine.Policy{AnyOrigin: "wildcard", ExposeHeaders: []string{"X-Demo-Id", "X-Foo"}}},
		"policy exposing Set-Cookie": {Policy: &engine.Policy{AnyOrigin: "wildcard", ExposeHeaders: []string{"Set-Cookie"}}},
	}
	for what, srv := range servers {
		text, err := engine.EncodeLabServer(srv)
		if err != nil {
			t.Fatalf("%s: %v", what, err)
		}
		for _, hs := range [][]string{{"Origin", testPage}, preflightHeaders} {
			method := map[bool]string{true: "OPTIONS", false: "GET"}[len(hs) > 2]
			rec := do(l, method, "/lab/"+testRun+"/"+text+"/items", "", hs...)
			refused(t, what+" "+method, rec, http.StatusUnprocessableEntity, "pwned", "example")
			if what != "policy exposing Set-Cookie" && what != "policy exposing X-Foo" && !strings.Contains(rec.Body.String(), "the lab does not send") && !strings.Contains(rec.Body.String(), "Set-Cookie: the lab sets only") && !strings.Contains(rec.Body.String(), "Location: the lab redirects only within itself") && !strings.Contains(rec.Body.String(), "Content-Length") {
				t.Errorf("%s: the refusal does not name the rule: %q", what, rec.Body)
			}
		}
	}
	// A Location is a path on the scenario's server, sent under the run's
	// own prefix.
	redirect := engine.Server{Raw: &engine.RawServer{Preflight: &engine.Response{Status: 301, Headers: engine.Headers{{Name: "Location", Value: "/items/?a=1"}}}}}
	path := labPath(t, redirect, "/items")
	rec := do(l, "OPTIONS", path, "", preflightHeaders...)
	if want := strings.TrimSuffix(path, "/items") + "/items/?a=1"; rec.Code != 301 || rec.Result().Header.Get("Location") != want {
		t.Errorf("a redirect within the lab: %d, Location %q, want 301 and %q", rec.Code, rec.Result().Header.Get("Location"), want)
	}

	// The lab's own cookie is sent.
	cookie := "corsplay_lab=1; Path=/lab; SameSite=None; Secure"
	rec = do(l, "GET", labPath(t, raw200("Set-Cookie", cookie), "/"), "", "Origin", testPage)
	if rec.Code != 200 || rec.Result().Header.Get("Set-Cookie") != cookie {
		t.Errorf("the lab cookie: %d %v", rec.Code, rec.Result().Header)
	}
}

// TestLabOversized: a long URL (414), too many headers (431), a server too
// large for a lab URL (400), and headers beyond the server's limit (431
// from net/http) are refused with nothing emitted.
func TestLabOversized(t *testing.T) {
	l, _ := newTestLab(t)
	ok := labPath(t, raw200(), "/")
	refused(t, "long URL", do(l, "GET", ok+"?q="+strings.Repeat("a", labMaxURL), "", "Origin", testPage), http.StatusRequestURITooLong)
	var many []string
	for i := range labMaxHeaders {
		many = append(many, fmt.Sprintf("X-H%d", i), "1")
	}
	refused(t, "101 headers", do(l, "GET", ok, "", many...), http.StatusRequestHeaderFieldsTooLarge)
	if rec := do(l, "GET", ok, "", many[:2*(labMaxHeaders-1)]...); rec.Code != 200 {
		t.Errorf("100 headers (99 and Host): %d", rec.Code)
	}
	big := "/lab/" + testRun + "/" + strings.Repeat("A", engine.MaxLabServerEncoded+1) + "/"
	refused(t, "big server", do(l, "GET", big, "", "Origin", testPage), http.StatusBadRequest)

	srv := httptest.NewUnstartedServer(l)
	srv.Config = defaultLimits.server(l)
	srv.Start()
	defer srv.Close()
	conn, err := net.Dial("tcp", srv.Listener.Addr().String())
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	fmt.Fprintf(conn, "GET %s HTTP/1.1\r\nHost: x\r\nOrigin: %s\r\nX-Big: %s\r\n\r\n", ok, testPage, strings.Repeat("a", labMaxHeaderBytes+8192))
	resp, err := http.ReadResponse(bufio.NewReader(conn), nil)
	if err != nil {
		t.Fatal(err)
	}
	if resp.StatusCode != http.StatusRequestHeaderFieldsTooLarge || resp.Header.Get("Access-Control-Allow-Origin") != "" {
		t.Errorf("headers over %d bytes: %d %v", labMaxHeaderBytes, resp.StatusCode, resp.Header)
	}
}

// TestLabBadRunIDs: a run id that is too short, too long or has other
// characters is refused, on both routes, and nothing is recorded.
func TestLabBadRunIDs(t *testing.T) {
	l, _ := newTestLab(t)
	text, _ := engine.EncodeLabServer(raw200())
	for _, id := range []string{"", "short", strings.Repeat("a", 15), strings.Repeat("a", 33), "run.0123456789abcdef", "run%200123456789abcdef", "<script>0123456789ab", "..%2f..%2f0123456789abc", "run/0123456789abcdef"} {
		refused(t, "run "+id, do(l, "GET", "/lab/"+id+"/"+text+"/", "", "Origin", testPage), http.StatusBadRequest, "script", "0123456789")
		refused(t, "runs "+id, do(l, "GET", "/runs/"+id, ""), http.StatusBadRequest, "script", "0123456789")
	}
	if runs, _ := l.runs.stats(); runs != 0 {
		t.Errorf("%d runs recorded", runs)
	}
	for _, id := range []string{strings.Repeat("a", 16), strings.Repeat("Z", 32), "a-b_c-0123456789AB"} {
		if rec := do(l, "GET", "/lab/"+id+"/"+text+"/", ""); rec.Code != 200 {
			t.Errorf("run %s: %d", id, rec.Code)
		}
	}
}

// TestLabGarbageServers: whatever the URL holds in place of a server is
// refused with 400 and a message, and nothing is emitted.
func TestLabGarbageServers(t *testing.T) {
	l, _ := newTestLab(t)
	for what, text := range map[string]string{
		"empty":         "",
		"not base64url": "%3Cscript%3Ealert(1)%3C%2Fscript%3E",
		"not deflate":   base64.RawURLEncoding.EncodeToString([]byte("<script>alert(1)</script>")),
		"not JSON":      encodeText("<script>alert(1)</script>"),
		"bomb":          encodeText(`{"raw":{"actual":{"status":200,"headers":[["X-Demo-Id","` + strings.Repeat("a", 100000) + `"]]}}}`),
		"unknown field": encodeText(`{"raw":{"actual":{"status":200,"headers":[]}},"script":1}`),
		"a scenario":    encodeText(`{"v":1,"page":"http://localhost:8080","request":{"url":"http://localhost:8081/"}}`),
		"bad status":    encodeText(`{"raw":{"actual":{"status":99,"headers":[["Access-Control-Allow-Origin","*"]]}}}`),
		"bad library":   encodeText(`{"library":{"name":"<script>"}}`),
	} {
		refused(t, what, do(l, "GET", "/lab/"+testRun+"/"+text+"/x", "", "Origin", testPage), http.StatusBadRequest, "<script", "alert")
	}
}

// TestLabLibraryRefusesConfig: a configuration the library refuses is a
// 500 with the library's words, and no CORS header.
func TestLabLibraryRefusesConfig(t *testing.T) {
	l, _ := newTestLab(t)
	srv := engine.Server{Library: &engine.Library{Name: "jub0bs-cors", Options: map[string]json.RawMessage{"Origins": json.RawMessage(`["*"]`), "Credentialed": json.RawMessage(`true`)}}}
	_, want := srv.Respond(engine.HTTPRequest{Method: "GET", URL: "/"})
	if want == nil {
		t.Fatal("jub0bs/cors accepts this configuration now")
	}
	rec := do(l, "OPTIONS", labPath(t, srv, "/x"), "", preflightHeaders...)
	refused(t, "refused configuration", rec, http.StatusInternalServerError)
	if got := strings.TrimSpace(rec.Body.String()); got != "corsplay lab: "+want.Error() {
		t.Errorf("body %q, want the library's error %q", got, want)
	}
}

// TestLabRateLimit: a client gets its burst, then 429 with Retry-After and
// no CORS header; tokens come back with time; other clients are not
// affected.
func TestLabRateLimit(t *testing.T) {
	l, c := newTestLab(t)
	path := labPath(t, raw200(), "/")
	for i := range 60 {
		if rec := do(l, "GET", path, "", "Origin", testPage); rec.Code != 200 {
			t.Fatalf("request %d: %d", i+1, rec.Code)
		}
	}
	rec := do(l, "GET", path, "", "Origin", testPage)
	refused(t, "request 61", rec, http.StatusTooManyRequests)
	if ra := rec.Result().Header.Get("Retry-After"); ra != "1" {
		t.Errorf("Retry-After %q, want 1", ra)
	}
	other := httptest.NewRequest("GET", path, nil)
	other.RemoteAddr = "198.51.100.7:999"
	orec := httptest.NewRecorder()
	l.ServeHTTP(orec, other)
	if orec.Code != 200 {
		t.Errorf("another client: %d", orec.Code)
	}
	c.advance(time.Second)
	for i := range 20 {
		if rec := do(l, "GET", path, ""); rec.Code != 200 {
			t.Fatalf("after a second, request %d: %d", i+1, rec.Code)
		}
	}
	if rec := do(l, "GET", path, ""); rec.Code != http.StatusTooManyRequests {
		t.Errorf("after a second, request 21: %d, want 429", rec.Code)
	}
	// The limiter forgets idle clients when it tracks too many.
	rl := newRateLimiter(c.now, 1, 1, 3)
	for i := range 10 {
		rl.allow(fmt.Sprint(i))
		c.advance(2 * time.Second)
	}
	if len(rl.buckets) > 3 {
		t.Errorf("the limiter tracks %d clients, at most 3", len(rl.buckets))
	}
}

// TestLabRunStoreBounds: at most 64 requests per run (then truncated), at
// most 1,000 runs and a byte cap (the least recently written evicted), and
// a TTL of 5 minutes after the last request.
func TestLabRunStoreBounds(t *testing.T) {
	c := &clock{t: time.Unix(0, 0)}
	s := newRunStore(c.now, labRunTTL, labMaxRuns, labMaxPerRun, labMaxRunBytes, labMaxStoreBytes)
	rec := received{Method: "GET"}
	for range 100 {
		s.add("a", rec)
	}
	got, truncated := s.get("a")
	if len(got) != 64 || !truncated {
		t.Errorf("one run: %d requests kept, truncated %v; want 64, true", len(got), truncated)
	}
	for i := range 1500 {
		s.add(fmt.Sprintf("run%d", i), rec)
	}
	if runs, _ := s.stats(); runs != labMaxRuns {
		t.Errorf("%d runs kept, want %d", runs, labMaxRuns)
	}
	if got, _ := s.get("a"); got != nil {
		t.Errorf("the oldest run is still there")
	}
	if got, _ := s.get("run1499"); len(got) != 1 {
		t.Errorf("the newest run is gone")
	}

	// TTL: after 5 minutes without a request the run is gone; a request
	// keeps it alive.
	c.advance(4 * time.Minute)
	s.add("run1499", rec)
	c.advance(4 * time.Minute)
	if got, _ := s.get("run1498"); got != nil {
		t.Errorf("run1498 outlived its TTL")
	}
	if got, _ := s.get("run1499"); len(got) != 2 {
		t.Errorf("run1499 expired though written 4 minutes ago: %v", got)
	}
	if runs, _ := s.stats(); runs != 1 {
		t.Errorf("%d runs left after the TTL, want 1", runs)
	}
	c.advance(labRunTTL + time.Second)
	if runs, bytes := s.stats(); runs != 1 || bytes == 0 {
		t.Errorf("stats before expiry: %d %d", runs, bytes)
	}
	if got, _ := s.get("run1499"); got != nil {
		t.Errorf("run1499 outlived its TTL")
	}
	if runs, bytes := s.stats(); runs != 0 || bytes != 0 {
		t.Errorf("after the TTL: %d runs, %d bytes", runs, bytes)
	}

	// The byte cap.
	small := newRunStore(c.now, labRunTTL, labMaxRuns, labMaxPerRun, labMaxRunBytes, 10000)
	big := strings.Repeat("h", 4000)
	for i := range 10 {
		small.add(fmt.Sprintf("run%d", i), received{Method: "OPTIONS", ACRH: &big})
	}
	if runs, bytes := small.stats(); bytes > 10000 || runs != 2 {
		t.Errorf("byte cap 10000: %d runs, %d bytes", runs, bytes)
	}
	if got, _ := small.get("run9"); len(got) != 1 {
		t.Errorf("the newest run was evicted")
	}

	// Values are cut at labMaxField bytes.
	l, _ := newTestLab(t)
	do(l, "OPTIONS", labPath(t, raw200(), "/"), "", "Origin", testPage, "Access-Control-Request-Method", "PUT", "Access-Control-Request-Headers", strings.Repeat("x", 3*labMaxField))
	if got, _ := l.runs.get(testRun); len(got) != 1 || len(*got[0].ACRH) != labMaxField {
		t.Errorf("a long value is not cut: %v", got)
	}
}

// TestLabCapsThroughThePage: the page's own /lab/ is the lab, with its
// limits. 70 requests with a 60 KiB method and 20 KiB headers (as net/http
// takes them) keep one run under labMaxRunBytes, every recorded field cut
// at labMaxField; many such runs keep the store under labMaxStoreBytes; and
// the page's server refuses headers over labMaxHeaderBytes with 431, as
// the lab's does.
func TestLabCapsThroughThePage(t *testing.T) {
	lb := newLab(labOptions{pageOrigins: []string{testPage}}) // no rate limit: one client sends it all
	h, err := newHandler(fakeWeb(t), withLab("http://localhost:8081", lb))
	if err != nil {
		t.Fatal(err)
	}
	text, err := engine.EncodeLabServer(raw200())
	if err != nil {
		t.Fatal(err)
	}
	method, value := strings.Repeat("M", 60<<10), strings.Repeat("v", 20<<10)
	send := func(run string, n int) {
		for range n {
			if rec := do(h, method, "/lab/"+run+"/"+text+"/", "", "Origin", value, "Access-Control-Request-Method", value, "Access-Control-Request-Headers", value); rec.Code != 200 {
				t.Fatalf("%d %s", rec.Code, rec.Body)
			}
		}
	}
	send(testRun, 70)
	if _, bytes := lb.runs.stats(); bytes > labMaxRunBytes {
		t.Errorf("one run holds %d bytes, more than %d", bytes, labMaxRunBytes)
	}
	got, truncated := lb.runs.get(testRun)
	if len(got) == 0 || !truncated {
		t.Errorf("%d requests kept, truncated %v; want some, true", len(got), truncated)
	}
	for _, r := range got {
		if len(r.Method) != labMaxField || len(*r.Origin) != labMaxField || len(*r.ACRM) != labMaxField || len(*r.ACRH) != labMaxField {
			t.Fatalf("fields of %d, %d, %d, %d bytes: want %d each", len(r.Method), len(*r.Origin), len(*r.ACRM), len(*r.ACRH), labMaxField)
		}
	}
	for i := range 2 * labMaxStoreBytes / labMaxRunBytes {
		send(fmt.Sprintf("run_%016d", i), 20)
	}
	if runs, bytes := lb.runs.stats(); bytes > labMaxStoreBytes || runs < labMaxStoreBytes/labMaxRunBytes/2 {
		t.Errorf("the store holds %d runs, %d bytes: want at most %d bytes", runs, bytes, labMaxStoreBytes)
	}

	conn, err := net.Dial("tcp", startServer(t, h, defaultLimits))
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	conn.SetDeadline(time.Now().Add(5 * time.Second))
	// net/http answers 431 and closes before the request is all sent: the
	// answer is read, not the rest.
	go fmt.Fprintf(conn, "GET /lab/%s/%s/ HTTP/1.1\r\nHost: x\r\nX-Big: %s\r\n\r\n", testRun, text, strings.Repeat("a", labMaxHeaderBytes+8192))
	resp, err := http.ReadResponse(bufio.NewReader(conn), nil)
	if err != nil {
		t.Fatal(err)
	}
	if resp.StatusCode != http.StatusRequestHeaderFieldsTooLarge {
		t.Errorf("headers over %d bytes on the page's port: %d, want 431", labMaxHeaderBytes, resp.StatusCode)
	}
}

// TestLabBodyNeverReflected: the body is the fixed document whatever the
// request holds, and the record holds none of it.
func TestLabBodyNeverReflected(t *testing.T) {
	l, _ := newTestLab(t)
	srv := engine.Server{Policy: &engine.Policy{AnyOrigin: "reflect", Credentials: true, Methods: []string{"*"}, RequestHeaders: []string{"*"}}}
	payload := "<script>alert(1)</script>"
	rec := do(l, "POST", labPath(t, srv, "/"+payload+"?q="+payload), strings.Repeat(payload, 10000),
		"Origin", testPage, "Content-Type", "text/html", "X-Demo-Id", payload, "Cookie", "session="+payload)
	if rec.Code != 200 || rec.Body.String() != labBody {
		t.Errorf("status %d, body %q, want 200 %q", rec.Code, rec.Body, labBody)
	}
	for name, vs := range rec.Result().Header {
		if strings.Contains(strings.Join(vs, ","), "script") {
			t.Errorf("header %s reflects the request: %q", name, vs)
		}
	}
	rr := do(l, "GET", "/runs/"+testRun, "", "Origin", testPage)
	if strings.Contains(rr.Body.String(), "script") || strings.Contains(rr.Body.String(), "session") || !strings.Contains(rr.Body.String(), `"cookie":true`) {
		t.Errorf("the record: %s", rr.Body)
	}
}

// TestLabNosniff: every answer says nosniff: scenario answers, refusals,
// records, 404 and 429.
func TestLabNosniff(t *testing.T) {
	l, _ := newTestLab(t)
	ok := labPath(t, raw200(), "/")
	for _, target := range []string{ok, "/", "/nope", "/runs/" + testRun, "/runs/bad", "/lab/" + testRun + "/garbage/"} {
		for _, method := range []string{"GET", "OPTIONS", "HEAD", "POST"} {
			if rec := do(l, method, target, ""); rec.Result().Header.Get("X-Content-Type-Options") != "nosniff" {
				t.Errorf("%s %s: no nosniff: %v", method, target, rec.Result().Header)
			}
		}
	}
	for range 100 {
		do(l, "GET", ok, "")
	}
	if rec := do(l, "GET", ok, ""); rec.Code != 429 || rec.Result().Header.Get("X-Content-Type-Options") != "nosniff" {
		t.Errorf("429: %d %v", rec.Code, rec.Result().Header)
	}
}

// TestLabAnswersAsEngine: on the wire, the lab answers raw, policy and
// library servers exactly as engine.Server.Respond does: the status, every
// header (and nothing else but nosniff and the chunked framing), and the
// fixed body.
func TestLabAnswersAsEngine(t *testing.T) {
	l, _ := newTestLab(t)
	l.limiter = newRateLimiter(time.Now, 0, 0, 1)
	hs := httptest.NewUnstartedServer(l)
	hs.Config = defaultLimits.server(l)
	hs.Start()
	defer hs.Close()
	lib := func(name, opts string) engine.Server {
		var o map[string]json.RawMessage
		if err := json.Unmarshal([]byte(opts), &o); err != nil {
			t.Fatal(err)
		}
		return engine.Server{Library: &engine.Library{Name: name, Options: o}}
	}
	servers := map[string]engine.Server{
		"none": {},
		"raw": rawServer(
			&engine.Response{Status: 204, Headers: engine.Headers{{Name: "Access-Control-Allow-Origin", Value: testPage}, {Name: "access-control-allow-methods", Value: "PUT"}, {Name: "Access-Control-Allow-Methods", Value: "PATCH"}, {Name: "Vary", Value: "Origin"}}},
			&engine.Response{Status: 203, Headers: engine.Headers{{Name: "Access-Control-Allow-Origin", Value: testPage}, {Name: "Access-Control-Expose-Headers", Value: "*"}, {Name: "X-Demo-Total", Value: "  3 "}, {Name: "content-type", Value: "text/csv"}, {Name: "Set-Cookie", Value: "corsplay_lab=x; Path=/lab; SameSite=None; Secure"}}}),
		"policy":       {Policy: &engine.Policy{Origins: []string{testPage}, Credentials: true, Methods: []string{"PUT"}, RequestHeaders: []string{"*"}, ExposeHeaders: []string{"X-Demo-Id"}, MaxAge: new(int64(600))}},
		"flask-cors":   lib("flask-cors", `{"origins": ["http://localhost:8080"], "supports_credentials": true, "resources": {"/api/*": {}}}`),
		"rs-cors":      lib("rs-cors", `{"AllowedOrigins": ["http://localhost:*"], "AllowedMethods": ["PUT"], "AllowedHeaders": ["Content-Type"], "AllowPrivateNetwork": true}`),
		"jub0bs-cors":  lib("jub0bs-cors", `{"Origins": ["http://localhost:8080"], "Methods": ["PUT"], "RequestHeaders": ["Content-Type"], "ResponseHeaders": ["X-Demo-Id"]}`),
		"express-cors": lib("express-cors", `{"origin": "http://localhost:8080", "methods": "GET,PUT", "maxAge": 60}`),
	}
	requests := []struct {
		method, path string
		header       []string
	}{
		{"OPTIONS", "/api/items?x=1", preflightHeaders},
		{"PUT", "/api/items", []string{"Origin", testPage, "Content-Type", "application/json"}},
		{"GET", "/api/items", []string{"Origin", "https://evil.example"}},
		{"GET", "/", nil},
		{"HEAD", "/api/items", []string{"Origin", testPage}},
		{"OPTIONS", "/other", []string{"Origin", testPage}},
	}
	client := &http.Client{Transport: &http.Transport{DisableCompression: true}}
	for name, srv := range servers {
		text, err := engine.EncodeLabServer(srv)
		if err != nil {
			t.Fatal(err)
		}
		for _, rq := range requests {
			what := name + " " + rq.method + " " + rq.path
			req, _ := http.NewRequest(rq.method, hs.URL+"/lab/"+testRun+"/"+text+rq.path, nil)
			ereq := engine.HTTPRequest{Method: rq.method, URL: rq.path}
			for i := 0; i+1 < len(rq.header); i += 2 {
				req.Header.Add(rq.header[i], rq.header[i+1])
			}
			// What the lab's server sees: Go's client adds these.
			req.Header.Set("User-Agent", "corsplay-test")
			for name, vs := range req.Header {
				for _, v := range vs {
					ereq.Headers = append(ereq.Headers, engine.Header{Name: name, Value: v})
				}
			}
			want, err := srv.Respond(ereq)
			if err != nil {
				t.Fatalf("%s: %v", what, err)
			}
			resp, err := client.Do(req)
			if err != nil {
				t.Fatalf("%s: %v", what, err)
			}
			body, _ := io.ReadAll(resp.Body)
			resp.Body.Close()
			if resp.StatusCode != want.Status {
				t.Errorf("%s: status %d, want %d (%s)", what, resp.StatusCode, want.Status, body)
				continue
			}
			wantH := http.Header{}
			for _, h := range want.Headers {
				wantH.Add(h.Name, strings.Trim(h.Value, " \t"))
			}
			wantH.Set("X-Content-Type-Options", "nosniff")
			if want.Status == 204 || want.Status == 304 {
				// net/http never frames a 204 or 304 (RFC 9110 §8.6):
				// express's Content-Length: 0 on its 204 preflight
				// answer stays out, which no script can see.
				wantH.Del("Content-Length")
			}
			if !equalHeaders(resp.Header, wantH) {
				t.Errorf("%s: headers\n got %v\nwant %v", what, resp.Header, wantH)
			}
			wantBody := labBody
			if rq.method == "HEAD" || want.Status == 204 || wantH.Get("Content-Length") == "0" {
				wantBody = ""
			}
			if string(body) != wantBody {
				t.Errorf("%s: body %q, want %q", what, body, wantBody)
			}
			if wantBody != "" && (resp.ContentLength != -1 || !slices.Equal(resp.TransferEncoding, []string{"chunked"})) {
				t.Errorf("%s: framed with Content-Length %d, TE %v; want chunked", what, resp.ContentLength, resp.TransferEncoding)
			}
		}
	}
}

func equalHeaders(a, b http.Header) bool {
	if len(a) != len(b) {
		return false
	}
	for k, v := range a {
		if !slices.Equal(v, b[k]) {
			return false
		}
	}
	return true
}

// TestLabRunRecord: after a preflight and the actual request, GET
// /runs/{run} tells the page what came, readable by the configured page
// origin only (never reflected), without credentials.
func TestLabRunRecord(t *testing.T) {
	l, _ := newTestLab(t)
	srv := engine.Server{Policy: &engine.Policy{Origins: []string{testPage}, Methods: []string{"PUT"}, RequestHeaders: []string{"Content-Type"}}}
	path := labPath(t, srv, "/items")
	if rec := do(l, "OPTIONS", path, "", preflightHeaders...); rec.Code != 204 {
		t.Fatalf("preflight: %d", rec.Code)
	}
	if rec := do(l, "PUT", path, "{}", "Origin", testPage, "Content-Type", "application/json", "Cookie", "corsplay_lab=secret-value"); rec.Code != 200 {
		t.Fatalf("actual: %d", rec.Code)
	}
	for _, origin := range []string{testPage, "https://evil.example", ""} {
		rec := do(l, "GET", "/runs/"+testRun, "", "Origin", origin)
		want := `{"run":"run_0123456789abcdef","requests":[` +
			`{"method":"OPTIONS","preflight":true,"origin":"http://localhost:8080","accessControlRequestMethod":"PUT","accessControlRequestHeaders":"content-type","cookie":false,"status":204},` +
			`{"method":"PUT","preflight":false,"origin":"http://localhost:8080","accessControlRequestMethod":null,"accessControlRequestHeaders":null,"cookie":true,"status":200}],"truncated":false}`
		if rec.Code != 200 || rec.Body.String() != want {
			t.Errorf("Origin %q: %d\n got %s\nwant %s", origin, rec.Code, rec.Body, want)
		}
		h := rec.Result().Header
		if h.Get("Access-Control-Allow-Origin") != testPage || h.Get("Vary") != "Origin" || h.Get("Access-Control-Allow-Credentials") != "" ||
			h.Get("Content-Type") != "application/json" || h.Get("X-Content-Type-Options") != "nosniff" || h.Get("Cache-Control") != "no-store" {
			t.Errorf("Origin %q: headers %v", origin, h)
		}
		if strings.Contains(rec.Body.String(), "secret") {
			t.Errorf("the record holds the cookie's value")
		}
	}
	// Another configured page origin is answered as itself.
	l2 := newLab(labOptions{pageOrigins: []string{testPage, "http://127.0.0.1:8080"}})
	if h := do(l2, "GET", "/runs/"+testRun, "", "Origin", "http://127.0.0.1:8080").Result().Header; h.Get("Access-Control-Allow-Origin") != "http://127.0.0.1:8080" {
		t.Errorf("a second page origin: %v", h)
	}
	// A run nothing reached yet is empty, not an error.
	if rec := do(l, "GET", "/runs/"+strings.Repeat("b", 20), ""); rec.Code != 200 || !strings.Contains(rec.Body.String(), `"requests":[]`) {
		t.Errorf("an unknown run: %d %s", rec.Code, rec.Body)
	}
	refused(t, "POST /runs", do(l, "POST", "/runs/"+testRun, ""), http.StatusMethodNotAllowed)
}

// TestLabNoAnswer: an emulated server that answers nothing (express cors
// and CONNECT) makes the lab drop the connection.
func TestLabNoAnswer(t *testing.T) {
	l, _ := newTestLab(t)
	srv := engine.Server{Library: &engine.Library{Name: "express-cors", Options: map[string]json.RawMessage{}}}
	if resp, _ := srv.Respond(engine.HTTPRequest{Method: "CONNECT", URL: "/"}); resp.Status != 0 {
		t.Skipf("express answers CONNECT with %d now", resp.Status)
	}
	defer func() {
		if r := recover(); r != http.ErrAbortHandler {
			t.Errorf("recovered %v, want http.ErrAbortHandler", r)
		}
	}()
	do(l, "CONNECT", labPath(t, srv, "/"), "")
	t.Error("the lab answered")
}

// TestLabConcurrent: one server answers many clients at once (run with
// -race): the cached responders keep no state between requests.
func TestLabConcurrent(t *testing.T) {
	l, _ := newTestLab(t)
	l.limiter = newRateLimiter(time.Now, 0, 0, 1)
	type job struct {
		path   string
		status int
		acao   string
	}
	var jobs []job
	for _, srv := range []engine.Server{
		{Policy: &engine.Policy{Origins: []string{`re:^http://localhost:\d+$`}, Methods: []string{"PUT"}, RequestHeaders: []string{"Content-Type"}}},
		{Library: &engine.Library{Name: "flask-cors", Options: map[string]json.RawMessage{"origins": json.RawMessage(`"^http://localhost:[0-9]+$"`)}}},
		{Library: &engine.Library{Name: "express-cors", Options: map[string]json.RawMessage{"origin": json.RawMessage(`{"regexp": "^http://localhost"}`)}}},
		{Library: &engine.Library{Name: "rs-cors", Options: map[string]json.RawMessage{"AllowedOrigins": json.RawMessage(`["http://localhost:*"]`), "AllowedMethods": json.RawMessage(`["PUT"]`), "AllowedHeaders": json.RawMessage(`["Content-Type"]`)}}},
		{Library: &engine.Library{Name: "jub0bs-cors", Options: map[string]json.RawMessage{"Origins": json.RawMessage(`["http://localhost:8080"]`), "Methods": json.RawMessage(`["PUT"]`), "RequestHeaders": json.RawMessage(`["Content-Type"]`)}}},
	} {
		path := labPath(t, srv, "/x")
		rec := do(l, "OPTIONS", path, "", preflightHeaders...)
		if rec.Result().Header.Get("Access-Control-Allow-Origin") != testPage {
			t.Fatalf("%s: %d %v", path, rec.Code, rec.Result().Header)
		}
		jobs = append(jobs, job{path, rec.Code, testPage})
	}
	var wg sync.WaitGroup
	for g := range 16 {
		wg.Go(func() {
			for i := range 50 {
				j := jobs[(g+i)%len(jobs)]
				rec := do(l, "OPTIONS", j.path, "", preflightHeaders...)
				if rec.Code != j.status || rec.Result().Header.Get("Access-Control-Allow-Origin") != j.acao {
					t.Errorf("%d %v", rec.Code, rec.Result().Header)
					return
				}
			}
		})
	}
	wg.Wait()
}

func TestNextPort(t *testing.T) {
	for addr, want := range map[string]string{"localhost:8080": "localhost:8081", ":9000": ":9001", "127.0.0.1:0": "127.0.0.1:0", "[::1]:80": "[::1]:81", "bad": "bad"} {
		if got := nextPort(addr); got != want {
			t.Errorf("nextPort(%q) = %q, want %q", addr, got, want)
		}
	}
}

// TestServeWithLab: the command serves the page and the lab side by side;
// the page learns the lab's origin (go-app's env and the CSP's
// connect-src); SIGTERM stops both; -no-lab serves the page alone.
func TestServeWithLab(t *testing.T) {
	bin := filepath.Join(t.TempDir(), "corsplay")
	if out, err := exec.Command("go", "build", "-o", bin, ".").CombinedOutput(); err != nil {
		t.Fatalf("build: %v\n%s", err, out)
	}
	start := func(args ...string) (*exec.Cmd, string, string, *syncbuf.Buffer) {
		cmd := exec.Command(bin, args...)
		logs := &syncbuf.Buffer{}
		cmd.Stderr = logs
		if err := cmd.Start(); err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { cmd.Process.Kill(); cmd.Wait() })
		re := regexp.MustCompile(`serving (http://\S+)`)
		labRe := regexp.MustCompile(`live lab on (http://\S+)`)
		deadline := time.Now().Add(15 * time.Second)
		for time.Now().Before(deadline) {
			if m := re.FindStringSubmatch(logs.String()); m != nil {
				time.Sleep(200 * time.Millisecond)
				lab := ""
				if m2 := labRe.FindStringSubmatch(logs.String()); m2 != nil {
					lab = m2[1]
				}
				return cmd, m[1], lab, logs
			}
			time.Sleep(50 * time.Millisecond)
		}
		t.Fatalf("the server did not start: %s", logs.String())
		return nil, "", "", nil
	}
	cmd, page, lab, logs := start("-addr", "127.0.0.1:0", "-lab-addr", "127.0.0.1:0")
	if lab == "" || lab == page {
		t.Fatalf("page %q, lab %q: %s", page, lab, logs.String())
	}
	appJS := httpGet(t, page+"/app.js")
	if !strings.Contains(appJS, `"CORSPLAY_LAB":"`+lab+`"`) {
		t.Errorf("app.js does not carry CORSPLAY_LAB=%s", lab)
	}
	resp, err := http.Get(page + "/")
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if csp := resp.Header.Get("Content-Security-Policy"); !strings.Contains(csp, "connect-src 'self' "+lab+";") {
		t.Errorf("CSP %q does not let the page fetch the lab", csp)
	}
	text, _ := engine.EncodeLabServer(engine.Server{Policy: &engine.Policy{Origins: []string{page}, Methods: []string{"PUT"}}})
	req, _ := http.NewRequest("OPTIONS", lab+"/lab/"+testRun+"/"+text+"/items", nil)
	req.Header.Set("Origin", page)
	req.Header.Set("Access-Control-Request-Method", "PUT")
	resp, err = http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != 204 || resp.Header.Get("Access-Control-Allow-Origin") != page {
		t.Errorf("the lab's preflight answer: %d %v", resp.StatusCode, resp.Header)
	}
	runReq, _ := http.NewRequest("GET", lab+"/runs/"+testRun, nil)
	runReq.Header.Set("Origin", page)
	resp, err = http.DefaultClient.Do(runReq)
	if err != nil {
		t.Fatal(err)
	}
	rec, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	if resp.Header.Get("Access-Control-Allow-Origin") != page || !strings.Contains(string(rec), `"preflight":true`) {
		t.Errorf("the run record: %v %s", resp.Header, rec)
	}
	terminate(t, cmd, logs, 15*time.Second)
	if _, err := http.Get(lab + "/"); err == nil {
		t.Errorf("the lab still answers after SIGTERM")
	}

	_, page, lab, logs = start("-addr", "127.0.0.1:0", "-no-lab")
	if lab != "" {
		t.Errorf("-no-lab: a lab on %s", lab)
	}
	if appJS := httpGet(t, page+"/app.js"); !strings.Contains(appJS, `"CORSPLAY_LAB":""`) {
		t.Errorf("-no-lab: app.js does not carry an empty CORSPLAY_LAB")
	}
	resp, err = http.Get(page + "/")
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if csp := resp.Header.Get("Content-Security-Policy"); !strings.Contains(csp, "connect-src 'self';") {
		t.Errorf("-no-lab: CSP %q", csp)
	}
}

func httpGet(t *testing.T, url string) string {
	t.Helper()
	resp, err := http.Get(url)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}
