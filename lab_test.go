//go:build !wasm

package main

import (
	"bufio"
	"bytes"
	"compress/flate"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"math/rand/v2"
	"net"
	"net/http"
	"net/http/httptest"
	"net/url"
	"os/exec"
	"path/filepath"
	"regexp"
	"slices"
	"strconv"
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
// request holds, and the record holds none of it, nor of the headers but
// those it records; the path it records (to compare with the engine's
// hops) is JSON, with no markup character left as it is.
func TestLabBodyNeverReflected(t *testing.T) {
	l, _ := newTestLab(t)
	srv := engine.Server{Policy: &engine.Policy{AnyOrigin: "reflect", Credentials: true, Methods: []string{"*"}, RequestHeaders: []string{"*"}}}
	payload := "<script>alert(1)</script>"
	inPath := "<b>path</b>"
	rec := do(l, "POST", labPath(t, srv, "/"+inPath+"?q="+inPath), strings.Repeat(payload, 10000),
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
	if strings.Contains(rr.Body.String(), "script") || strings.Contains(rr.Body.String(), "session") || !strings.Contains(rr.Body.String(), `"cookie":true`) ||
		strings.ContainsAny(rr.Body.String(), "<>") || !strings.Contains(rr.Body.String(), `"path":"/%3Cb%3Epath%3C/b%3E?q=\u003cb\u003epath\u003c/b\u003e"`) {
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
			`{"method":"OPTIONS","labOrigin":"","path":"/items","preflight":true,"origin":"http://localhost:8080","accessControlRequestMethod":"PUT","accessControlRequestHeaders":"content-type","cookie":false,"status":204},` +
			`{"method":"PUT","labOrigin":"","path":"/items","preflight":false,"origin":"http://localhost:8080","accessControlRequestMethod":null,"accessControlRequestHeaders":null,"cookie":true,"status":200}],"truncated":false}`
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
	start := func(args ...string) (*exec.Cmd, string, string, []string, *syncbuf.Buffer) {
		cmd := exec.Command(bin, args...)
		logs := &syncbuf.Buffer{}
		cmd.Stderr = logs
		if err := cmd.Start(); err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { cmd.Process.Kill(); cmd.Wait() })
		re := regexp.MustCompile(`serving (http://\S+)`)
		labRe := regexp.MustCompile(`live lab on (http://\S+)`)
		moreRe := regexp.MustCompile(`live lab on .* \(and, for redirects to other origins, ([^)]*)\)`)
		deadline := time.Now().Add(15 * time.Second)
		for time.Now().Before(deadline) {
			if m := re.FindStringSubmatch(logs.String()); m != nil {
				time.Sleep(200 * time.Millisecond)
				lab := ""
				if m2 := labRe.FindStringSubmatch(logs.String()); m2 != nil {
					lab = m2[1]
				}
				var more []string
				if m3 := moreRe.FindStringSubmatch(logs.String()); m3 != nil {
					more = strings.Fields(m3[1])
				}
				return cmd, m[1], lab, more, logs
			}
			time.Sleep(50 * time.Millisecond)
		}
		t.Fatalf("the server did not start: %s", logs.String())
		return nil, "", "", nil, nil
	}
	cmd, page, lab, more, logs := start("-addr", "127.0.0.1:0", "-lab-addr", "127.0.0.1:0")
	if lab == "" || lab == page {
		t.Fatalf("page %q, lab %q: %s", page, lab, logs.String())
	}
	if len(more) != labMore || slices.Contains(more, lab) || slices.Contains(more, page) || more[0] == more[1] {
		t.Fatalf("the lab's other origins %q (page %s, lab %s): %s", more, page, lab, logs.String())
	}
	appJS := httpGet(t, page+"/app.js")
	if !strings.Contains(appJS, `"CORSPLAY_LAB":"`+lab+`"`) {
		t.Errorf("app.js does not carry CORSPLAY_LAB=%s", lab)
	}
	if !strings.Contains(appJS, `"CORSPLAY_LAB_MORE":"`+strings.Join(more, " ")+`"`) {
		t.Errorf("app.js does not carry CORSPLAY_LAB_MORE=%s", strings.Join(more, " "))
	}
	resp, err := http.Get(page + "/")
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if csp := resp.Header.Get("Content-Security-Policy"); !strings.Contains(csp, "connect-src 'self' "+lab+" "+strings.Join(more, " ")+";") {
		t.Errorf("CSP %q does not let the page fetch the lab, and follow redirects to its other origins", csp)
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
	// A redirect from the lab's origin to another of its origins, on the
	// real listeners, recorded in one run.
	plan, err := engine.EncodeLabPlan(engine.LabPlan{URL: lab, Server: rawServer(nil, &engine.Response{Status: 302, Headers: engine.Headers{{Name: "Location", Value: more[1] + "/next"}}}),
		Elsewhere: []engine.Elsewhere{{URL: more[1] + "/", Server: raw200()}}})
	if err != nil {
		t.Fatal(err)
	}
	noFollow := &http.Client{CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	prefix := "/lab/" + testRun + "/" + plan
	resp, err = noFollow.Get(lab + prefix + "/start")
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if loc := resp.Header.Get("Location"); resp.StatusCode != 302 || loc != more[1]+prefix+"/next" {
		t.Fatalf("the redirect: %d, Location %q", resp.StatusCode, loc)
	}
	resp, err = noFollow.Get(resp.Header.Get("Location"))
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != 200 || resp.Header.Get("Access-Control-Allow-Origin") != "*" {
		t.Errorf("the other origin: %d %v", resp.StatusCode, resp.Header)
	}
	resp, err = noFollow.Get(more[0] + prefix + "/next") // no server of the scenario's there
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != 404 || resp.Header.Get("Access-Control-Allow-Origin") != "" {
		t.Errorf("an origin no server answers: %d %v", resp.StatusCode, resp.Header)
	}
	var record struct{ Requests []received }
	if err := json.Unmarshal([]byte(httpGet(t, more[0]+"/runs/"+testRun)), &record); err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, r := range record.Requests {
		got = append(got, fmt.Sprintf("%s %s%s %d", r.Method, r.LabOrigin, r.Path, r.Status))
	}
	want := []string{"OPTIONS " + lab + "/items 204", "GET " + lab + "/start 302", "GET " + more[1] + "/next 200", "GET " + more[0] + "/next 404"}
	if !slices.Equal(got, want) {
		t.Errorf("the run's record on every origin:\n got %q\nwant %q", got, want)
	}
	terminate(t, cmd, logs, 15*time.Second)
	for _, o := range append([]string{lab}, more...) {
		if _, err := http.Get(o + "/"); err == nil {
			t.Errorf("the lab still answers on %s after SIGTERM", o)
		}
	}

	// -lab-more-addr none: the lab alone, on one origin.
	_, page, lab, more, logs = start("-addr", "127.0.0.1:0", "-lab-addr", "127.0.0.1:0", "-lab-more-addr", "none")
	if lab == "" || len(more) != 0 || !strings.Contains(httpGet(t, page+"/app.js"), `"CORSPLAY_LAB_MORE":""`) {
		t.Errorf("-lab-more-addr none: lab %q, other origins %q: %s", lab, more, logs.String())
	}

	_, page, lab, _, logs = start("-addr", "127.0.0.1:0", "-no-lab")
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

// The lab's origins in the tests: the one the page calls, and two more
// that redirects to other origins reach.
var testLabs = []string{"http://localhost:8081", "http://localhost:8082", "http://localhost:8083"}

func newMultiLab(t testing.TB) *lab {
	t.Helper()
	return newLab(labOptions{pageOrigins: []string{testPage}, origins: testLabs})
}

// hdr builds headers from name, value pairs.
func hdr(kv ...string) engine.Headers {
	hs := engine.Headers{}
	for i := 0; i+1 < len(kv); i += 2 {
		hs = append(hs, engine.Header{Name: kv[i], Value: kv[i+1]})
	}
	return hs
}

func rawResp(status int, kv ...string) *engine.Response {
	return &engine.Response{Status: status, Headers: hdr(kv...)}
}

// labRedirectScenarios are redirect chains on the scenario's own origins
// (https://app.example.com calls https://api.example.com), as the page
// has them before it moves them onto the lab's.
func labRedirectScenarios() map[string]engine.Scenario {
	const (
		app   = "https://app.example.com"
		api   = "https://api.example.com"
		login = "https://login.example.com"
		cdn   = "https://cdn.example.net"
	)
	sc := func(req engine.Request, srv engine.Server, elsewhere ...engine.Elsewhere) engine.Scenario {
		if req.URL == "" {
			req.URL = api + "/r?x=1"
		}
		return engine.Scenario{V: 1, Page: app, Request: req, Server: srv, Elsewhere: elsewhere}
	}
	at := func(url string, srv engine.Server) engine.Elsewhere { return engine.Elsewhere{URL: url, Server: srv} }
	return map[string]engine.Scenario{
		"to another origin that allows null": sc(engine.Request{}, rawServer(nil, rawResp(302, "Location", login+"/next", "Access-Control-Allow-Origin", app)),
			at(login+"/", rawServer(nil, rawResp(200, "Access-Control-Allow-Origin", "null")))),
		"to another origin that allows the page only": sc(engine.Request{}, rawServer(nil, rawResp(302, "Location", login+"/next", "Access-Control-Allow-Origin", app)),
			at(login+"/", rawServer(nil, rawResp(200, "Access-Control-Allow-Origin", app)))),
		"within the API, as a path": sc(engine.Request{}, rawServer(nil, rawResp(301, "Location", "/next?y=2", "Access-Control-Allow-Origin", "*"))),
		"back to the page's origin": sc(engine.Request{}, rawServer(nil, rawResp(307, "Location", app+"/back", "Access-Control-Allow-Origin", app)),
			at(app+"/", rawServer(nil, rawResp(200, "Access-Control-Allow-Origin", "null")))),
		"to an origin no server answers": sc(engine.Request{}, rawServer(nil, rawResp(302, "Location", cdn+"/gone", "Access-Control-Allow-Origin", app))),
		"across three origins": sc(engine.Request{}, rawServer(nil, rawResp(302, "Location", login+"/a", "Access-Control-Allow-Origin", app)),
			at(login+"/", rawServer(nil, rawResp(303, "Location", cdn+"/b", "Access-Control-Allow-Origin", "null"))),
			at(cdn, engine.Server{Policy: &engine.Policy{Origins: []string{"null"}}})),
		"to a path the API's other server answers": sc(engine.Request{URL: api + "/r"}, rawServer(nil, rawResp(302, "Location", "/auth/in", "Access-Control-Allow-Origin", app)),
			at(api+"/auth/", rawServer(nil, rawResp(200, "Access-Control-Allow-Origin", app, "X-Demo-Id", "auth")))),
		"a preflighted PUT, then 307 elsewhere": sc(engine.Request{Method: "PUT", Headers: hdr("Content-Type", "application/json"), Body: new(`{}`)},
			engine.Server{Raw: &engine.RawServer{Preflight: rawResp(204, "Access-Control-Allow-Origin", app, "Access-Control-Allow-Methods", "PUT", "Access-Control-Allow-Headers", "content-type"),
				Actual: rawResp(307, "Location", login+"/put", "Access-Control-Allow-Origin", app)}},
			at(login+"/", engine.Server{Policy: &engine.Policy{Origins: []string{"null"}, Methods: []string{"PUT"}, RequestHeaders: []string{"Content-Type"}}})),
		"a POST turned into a GET by 302": sc(engine.Request{Method: "POST", Body: new("a=1"), Headers: hdr("Content-Type", "application/x-www-form-urlencoded")},
			rawServer(nil, rawResp(302, "Location", login, "Access-Control-Allow-Origin", app)),
			at(login, rawServer(nil, rawResp(200, "Access-Control-Allow-Origin", "*")))),
	}
}

// onLab moves s onto testPage and testLabs as the page does.
func onLab(s engine.Scenario) engine.Scenario {
	return engine.Relocate(s, testPage, testLabs[0], testLabs[1:]...)
}

// labTarget is the URL on the lab of a scenario URL (origin, path, query):
// the origin and the run's prefix before the path.
func labTarget(t *testing.T, rawURL, prefix string) (origin, target string) {
	t.Helper()
	u, err := url.Parse(rawURL)
	if err != nil {
		t.Fatal(err)
	}
	origin = engine.OriginOf(u).String()
	target = prefix + u.EscapedPath()
	if u.RawQuery != "" {
		target += "?" + u.RawQuery
	}
	return origin, target
}

// TestLabRedirectsAcrossOrigins: for each redirect chain, moved onto the
// lab's origins, each request the engine says the browser sends (its
// hops), sent to the lab on the hop's origin with the run's prefix, is
// answered as the hop's server answers it (Location on the right lab
// origin, with the prefix), and the run's record lists every hop, on its
// origin, in order. The page's own origin is told apart by its Host.
func TestLabRedirectsAcrossOrigins(t *testing.T) {
	for name, s := range labRedirectScenarios() {
		t.Run(name, func(t *testing.T) {
			l := newMultiLab(t)
			s := onLab(s)
			if err := engine.LabCheck(s, append(slices.Clone(testLabs), testPage)...); err != nil {
				t.Fatalf("LabCheck: %v", err)
			}
			plan := engine.LabPlanOf(s)
			if plan.URL != testLabs[0] && name != "within the API, as a path" {
				t.Errorf("the plan's URL is %q, want the lab's origin %s", plan.URL, testLabs[0])
			}
			text, err := engine.EncodeLabPlan(plan)
			if err != nil {
				t.Fatal(err)
			}
			prefix := "/lab/" + testRun + "/" + text
			out := engine.Evaluate(s)
			if len(out.Hops) < 2 && name != "to another origin that allows the page only" {
				t.Fatalf("%d hops: %+v", len(out.Hops), out.Hops)
			}
			var want []string
			for i, hop := range out.Hops {
				origin, target := labTarget(t, hop.Request.URL, prefix)
				req := httptest.NewRequest(hop.Request.Method, target, nil)
				req.RemoteAddr = "192.0.2.1:1234"
				for _, h := range hop.Request.Headers {
					req.Header.Add(h.Name, h.Value)
				}
				rec := httptest.NewRecorder()
				if origin == testPage {
					req.Host = strings.TrimPrefix(testPage, "http://")
					l.ServeHTTP(rec, req)
				} else {
					l.at(origin).ServeHTTP(rec, req)
				}
				if rec.Code != hop.Response.Status {
					t.Errorf("hop %d %s %s: the lab answered %d, the engine's hop %d (%s)", i, hop.Request.Method, hop.Request.URL, rec.Code, hop.Response.Status, rec.Body)
					continue
				}
				got := rec.Result().Header
				for _, h := range hop.Response.Headers {
					v := h.Value
					if strings.EqualFold(h.Name, "Location") {
						o, path, ok := engine.LabLocationAt(v, l.known...)
						if !ok {
							t.Fatalf("hop %d: Location %q is not the lab's", i, v)
						}
						v = o + prefix + path
					}
					if !slices.Contains(got.Values(h.Name), v) {
						t.Errorf("hop %d %s: %s is %q, want %q", i, hop.Request.URL, h.Name, got.Values(h.Name), v)
					}
				}
				origin2, _ := hop.Request.Headers.Get("Origin")
				want = append(want, fmt.Sprintf("%s %s preflight=%v Origin=%s %d", hop.Request.Method, hop.Request.URL, hop.Preflight, origin2, hop.Response.Status))
			}
			recs, _ := l.runs.get(testRun)
			var got []string
			for _, r := range recs {
				got = append(got, fmt.Sprintf("%s %s%s preflight=%v Origin=%s %d", r.Method, r.LabOrigin, r.Path, r.Preflight, deref(r.Origin), r.Status))
			}
			if !slices.Equal(got, want) {
				t.Errorf("the run's record:\n got %q\nwant %q", got, want)
			}
		})
	}
}

func deref(p *string) string {
	if p == nil {
		return ""
	}
	return *p
}

// TestLabTaintedOrigin: the engine's prediction for a 302 from the API
// to another origin has its second request on the lab's second origin
// with Origin: null, which the lab's server there allows.
func TestLabTaintedOrigin(t *testing.T) {
	s := onLab(labRedirectScenarios()["to another origin that allows null"])
	out := engine.Evaluate(s)
	if out.Verdict != engine.Allowed || len(out.Hops) != 2 {
		t.Fatalf("verdict %s, %d hops", out.Verdict, len(out.Hops))
	}
	if o, _ := out.Hops[1].Request.Headers.Get("Origin"); o != "null" || !strings.HasPrefix(out.Hops[1].Request.URL, testLabs[1]+"/") || !strings.HasPrefix(out.Hops[0].Request.URL, testLabs[0]+"/") {
		t.Errorf("hops %s (Origin %s), %s", out.Hops[0].Request.URL, o, out.Hops[1].Request.URL)
	}
}

// TestLabCheckOrigins: the lab enacts as many other origins as it has;
// one more, as a server elsewhere or as a redirect's target, is refused
// on its field, naming the count; a Location to one of the lab's origins
// passes, to another refused; without origins, no server elsewhere.
func TestLabCheckOrigins(t *testing.T) {
	const app, api = "https://app.example.com", "https://api.example.com"
	three := engine.Scenario{V: 1, Page: app, Request: engine.Request{URL: api + "/r"},
		Server: rawServer(nil, rawResp(302, "Location", "https://a.example/", "Access-Control-Allow-Origin", app)),
		Elsewhere: []engine.Elsewhere{
			{URL: "https://a.example/", Server: rawServer(nil, rawResp(302, "Location", "https://b.example/", "Access-Control-Allow-Origin", "null"))},
			{URL: "https://b.example/", Server: rawServer(nil, rawResp(302, "Location", "https://c.example/", "Access-Control-Allow-Origin", "null"))},
			{URL: "https://c.example/", Server: raw200()},
		}}
	for _, tt := range []struct {
		what           string
		s              engine.Scenario
		origins        []string
		field, problem string
	}{
		{"3 other origins, the lab has 2", onLab(three), testLabs, "elsewhere[2].url", "the lab answers on 3 (" + strings.Join(testLabs, ", ") + "), and this scenario needs 4 besides the page's"},
		{"2 other origins, the lab has 1", engine.Relocate(three, testPage, testLabs[0], testLabs[1]), testLabs[:2], "elsewhere[1].url", "https://b.example is not one of the lab's origins: the lab answers on 2 (http://localhost:8081, http://localhost:8082), and this scenario needs 4 besides the page's (http://localhost:8081, http://localhost:8082, https://b.example, https://c.example)"},
		{"a redirect to a third origin, no server there", engine.Relocate(labRedirectScenarios()["to an origin no server answers"], testPage, testLabs[0]), testLabs[:1], "server.raw.actual.headers[0]", "https://cdn.example.net is not one of the lab's origins"},
		{"a server elsewhere, no origins", onLab(labRedirectScenarios()["to another origin that allows null"]), nil, "elsewhere[0].url", "none are known"},
		{"a Location elsewhere, on a server elsewhere", onLab(engine.Scenario{V: 1, Page: app, Request: engine.Request{URL: api + "/r"}, Server: raw200(),
			Elsewhere: []engine.Elsewhere{{URL: api + "/x/", Server: rawServer(rawResp(302, "Location", "https://evil.example/"), nil)}}}), testLabs,
			"elsewhere[0].server.raw.preflight.headers[0]", "https://evil.example is not one of the lab's origins"},
		{"a header the lab does not send, elsewhere", onLab(engine.Scenario{V: 1, Page: app, Request: engine.Request{URL: api + "/r"}, Server: rawServer(nil, rawResp(302, "Location", "https://a.example/x", "Access-Control-Allow-Origin", app)),
			Elsewhere: []engine.Elsewhere{{URL: "https://a.example", Server: raw200("Refresh", "0")}}}), testLabs,
			"elsewhere[0].server.raw.preflight.headers[1]", "the lab does not send Refresh"},
	} {
		err := engine.LabCheck(tt.s, tt.origins...)
		var fe *engine.FieldError
		if !errors.As(err, &fe) || fe.Field != tt.field || !strings.Contains(fe.Problem, tt.problem) {
			t.Errorf("%s: %v, want %s: …%s…", tt.what, err, tt.field, tt.problem)
		}
	}
	two := three
	two.Elsewhere = two.Elsewhere[:2]
	two.Elsewhere[1].Server = raw200()
	if err := engine.LabCheck(onLab(two), testLabs...); err != nil {
		t.Errorf("2 other origins, the lab has 2: %v", err)
	}
}

// labPlanPath is the lab path of a plan.
func labPlanPath(t *testing.T, p engine.LabPlan, rest string) string {
	t.Helper()
	text, err := engine.EncodeLabPlan(p)
	if err != nil {
		t.Fatal(err)
	}
	return "/lab/" + testRun + "/" + text + rest
}

// TestLabPlanRefusals: what the lab will not enact from a plan in a URL,
// whoever wrote it: a plan naming an origin not the lab's (its URL, a
// server elsewhere), a Location off its origins, a plan that routes by
// origin on a Host the lab does not know (421), more servers elsewhere
// than a scenario may have; each refusal names the field, and the lab
// sends nothing of the plan's.
func TestLabPlanRefusals(t *testing.T) {
	l := newMultiLab(t)
	handler := l.at(testLabs[0])
	for _, tt := range []struct {
		what   string
		text   string
		status int
		says   string
	}{
		{"its URL off the lab", encodeText(`{"url":"https://pwned.example","server":{}}`), 422, "url: not one of the lab's 4 origins (http://localhost:8081, http://localhost:8082, http://localhost:8083, http://localhost:8080)"},
		{"a server elsewhere off the lab", encodeText(`{"url":"http://localhost:8081","server":{},"elsewhere":[{"url":"https://pwned.example/","server":{}}]}`), 422, "elsewhere[0].url: not on one of the lab's 4 origins"},
		{"a Location off the lab", encodeText(`{"url":"http://localhost:8081","server":{"raw":{"actual":{"status":302,"headers":[["Location","https://pwned.example/"]]}}},"elsewhere":[{"url":"http://localhost:8082/","server":{}}]}`), 422, "server.raw.actual.headers[0]: Location: the lab redirects only within itself"},
		{"a Location with the lab's origin as a prefix only", encodeText(`{"server":{"raw":{"actual":{"status":302,"headers":[["Location","http://localhost:8081.pwned.example/"]]}}}}`), 422, "Location: the lab redirects only within itself"},
		{"a Location elsewhere off the lab", encodeText(`{"url":"http://localhost:8081","server":{},"elsewhere":[{"url":"http://localhost:8082/","server":{"raw":{"actual":{"status":302,"headers":[["Location","//pwned.example/"]]}}}}]}`), 422, "elsewhere[0].server.raw.actual.headers[0]: Location"},
		{"elsewhere without the URL", encodeText(`{"server":{},"elsewhere":[{"url":"http://localhost:8082/","server":{}}]}`), 400, "url: missing"},
		{"a URL that is not an origin", encodeText(`{"url":"http://localhost:8081/pwned","server":{}}`), 400, "url: \"http://localhost:8081/pwned\" is not an origin"},
		{"an unknown key", encodeText(`{"server":{},"pwned":1}`), 400, "pwned: unknown field"},
		{"a key in another case", encodeText(`{"server":{},"URL":"http://localhost:8081"}`), 400, "URL"},
		{"an invalid server elsewhere", encodeText(`{"url":"http://localhost:8081","server":{},"elsewhere":[{"url":"http://localhost:8082/","server":{"raw":{"actual":{"status":99,"headers":[]}}}}]}`), 400, "elsewhere[0].server.raw.actual.status"},
	} {
		rec := do(handler, "GET", "/lab/"+testRun+"/"+tt.text+"/x", "", "Origin", testPage)
		refused(t, tt.what, rec, tt.status, "pwned.example")
		if !strings.Contains(rec.Body.String(), tt.says) {
			t.Errorf("%s: %q does not say %q", tt.what, rec.Body, tt.says)
		}
	}

	// A plan that routes by origin, on a Host the lab does not know.
	routed := labPlanPath(t, engine.LabPlanOf(onLab(labRedirectScenarios()["to another origin that allows null"])), "/r")
	refused(t, "an unknown Host", do(l, "GET", routed, "", "Origin", testPage), http.StatusMisdirectedRequest)
	if recs, _ := l.runs.get(testRun); len(recs) == 0 || recs[len(recs)-1].Status != http.StatusMisdirectedRequest || recs[len(recs)-1].LabOrigin != "" {
		t.Errorf("the record of a misdirected request: %+v", recs)
	}
	// The same on the known Host, and on a listener of the origin.
	for _, h := range []http.Handler{l.at(testLabs[0])} {
		if rec := do(h, "GET", routed, "", "Origin", testPage); rec.Code != 302 {
			t.Errorf("on the lab's origin: %d %s", rec.Code, rec.Body)
		}
	}
	req := httptest.NewRequest("GET", routed, nil)
	req.Host = "LOCALHOST:8081"
	rec := httptest.NewRecorder()
	l.ServeHTTP(rec, req)
	if rec.Code != 302 {
		t.Errorf("by its Host: %d %s", rec.Code, rec.Body)
	}

	// A plan of EncodeLabServer's (one server, no URL) answers on any
	// origin and any Host.
	if rec := do(l, "GET", labPath(t, raw200(), "/"), ""); rec.Code != 200 {
		t.Errorf("one server on an unknown Host: %d", rec.Code)
	}
}

// TestLabPlanElsewhereLimit: a plan holds at most engine.MaxElsewhere
// servers elsewhere, all on the lab's origins (many on one, by path): at
// the limit the lab answers each from its own server; over it,
// EncodeLabPlan and the lab refuse it.
func TestLabPlanElsewhereLimit(t *testing.T) {
	l := newMultiLab(t)
	plan := engine.LabPlan{URL: testLabs[0], Server: raw200("X-Demo-Id", "server")}
	for i := range engine.MaxElsewhere {
		plan.Elsewhere = append(plan.Elsewhere, engine.Elsewhere{URL: fmt.Sprintf("%s/e%d/", testLabs[1+i%2], i), Server: raw200("X-Demo-Id", fmt.Sprint(i))})
	}
	path := labPlanPath(t, plan, "")
	for i := range engine.MaxElsewhere {
		rec := do(l.at(testLabs[1+i%2]), "GET", fmt.Sprintf("%s/e%d/x", path, i), "", "Origin", testPage)
		if rec.Code != 200 || rec.Result().Header.Get("X-Demo-Id") != fmt.Sprint(i) {
			t.Errorf("elsewhere[%d]: %d %v", i, rec.Code, rec.Result().Header)
		}
	}
	if rec := do(l.at(testLabs[0]), "GET", path+"/e1/x", "", "Origin", testPage); rec.Code != 200 || rec.Result().Header.Get("X-Demo-Id") != "server" {
		t.Errorf("the server, on its own origin: %d %v", rec.Code, rec.Result().Header)
	}
	if rec := do(l.at(testLabs[2]), "GET", path+"/e0/x", "", "Origin", testPage); rec.Code != 404 || rec.Result().Header.Get("Access-Control-Allow-Origin") != "" {
		t.Errorf("a path no server answers: %d %v", rec.Code, rec.Result().Header)
	}
	over := plan
	over.Elsewhere = append(slices.Clone(plan.Elsewhere), engine.Elsewhere{URL: testLabs[2] + "/more/", Server: raw200()})
	if _, err := engine.EncodeLabPlan(over); err == nil || !strings.Contains(err.Error(), "elsewhere: 11 servers, at most 10") {
		t.Errorf("EncodeLabPlan of %d servers elsewhere: %v", len(over.Elsewhere), err)
	}
	data, _ := json.Marshal(over)
	rec := do(l.at(testLabs[0]), "GET", "/lab/"+testRun+"/"+encodeText(string(data))+"/", "", "Origin", testPage)
	refused(t, "11 servers elsewhere", rec, http.StatusBadRequest)
	if !strings.Contains(rec.Body.String(), "elsewhere: 11 servers, at most 10") {
		t.Errorf("11 servers elsewhere: %s", rec.Body)
	}
}

// TestLabPlanSize: a plan, all its servers together, is held to the limits
// of one server: MaxLabServerJSON bytes of JSON and MaxLabServerEncoded of
// text, each taken at the limit and refused one byte over, by
// EncodeLabPlan and by the lab; a URL with the largest plan is within
// labMaxURL.
func TestLabPlanSize(t *testing.T) {
	l := newMultiLab(t)
	h := l.at(testLabs[0])
	// JSON: a compressible value sized to the byte.
	jsonPlan := func(n int) engine.LabPlan {
		p := engine.LabPlan{URL: testLabs[0], Server: raw200(), Elsewhere: []engine.Elsewhere{{URL: testLabs[1] + "/", Server: rawServer(nil, rawResp(200, "X-Demo-Id", ""))}}}
		data, _ := json.Marshal(p)
		p.Elsewhere[0].Server.Raw.Actual.Headers[0].Value = strings.Repeat("a", n-len(data))
		return p
	}
	at, over := jsonPlan(engine.MaxLabServerJSON), jsonPlan(engine.MaxLabServerJSON+1)
	if data, _ := json.Marshal(at); len(data) != engine.MaxLabServerJSON {
		t.Fatalf("the plan at the limit is %d bytes of JSON", len(data))
	}
	if rec := do(h, "GET", labPlanPath(t, at, "/"), "", "Origin", testPage); rec.Code != 200 {
		t.Errorf("%d bytes of JSON: %d %s", engine.MaxLabServerJSON, rec.Code, rec.Body)
	}
	if _, err := engine.EncodeLabPlan(over); err == nil || !strings.Contains(err.Error(), "more than the 16384 the lab takes") {
		t.Errorf("EncodeLabPlan, %d bytes of JSON: %v", engine.MaxLabServerJSON+1, err)
	}
	data, _ := json.Marshal(over)
	refused(t, "JSON over the limit", do(h, "GET", "/lab/"+testRun+"/"+encodeText(string(data))+"/", "", "Origin", testPage), http.StatusBadRequest)

	// Text: an incompressible value, lengthened until the text is exactly
	// at the limit.
	gen := rand.New(rand.NewPCG(1, 2))
	rnd := make([]byte, 8000)
	for i := range rnd {
		rnd[i] = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-_"[gen.IntN(64)]
	}
	textPlan := func(n int) engine.LabPlan {
		return engine.LabPlan{URL: testLabs[0], Server: raw200(), Elsewhere: []engine.Elsewhere{{URL: testLabs[1] + "/", Server: rawServer(nil, rawResp(200, "X-Demo-Id", string(rnd[:n])))}}}
	}
	var atText engine.LabPlan
	found := false
	for n := 5000; n < len(rnd) && !found; n++ {
		p := textPlan(n)
		text, err := engine.EncodeLabPlan(p)
		if err == nil && len(text) == engine.MaxLabServerEncoded {
			atText, found = p, true
		}
	}
	if !found {
		t.Fatal("no plan encodes to exactly MaxLabServerEncoded")
	}
	text, _ := engine.EncodeLabPlan(atText)
	target := "/lab/" + testRun + "/" + text + "/" + strings.Repeat("p", 1000) + "?" + strings.Repeat("q", 900)
	if len(target) > labMaxURL {
		t.Errorf("a URL with the largest plan and a 1,900-byte path and query is %d bytes, over labMaxURL %d", len(target), labMaxURL)
	}
	if rec := do(h, "GET", target, "", "Origin", testPage); rec.Code != 200 {
		t.Errorf("a plan of %d bytes: %d %s", len(text), rec.Code, rec.Body)
	}
	rec := do(h, "GET", "/lab/"+testRun+"/"+text+"A/", "", "Origin", testPage)
	refused(t, "a plan one byte over", rec, http.StatusBadRequest)
	if !strings.Contains(rec.Body.String(), "6145 bytes of encoded server, more than the 6144 allowed") {
		t.Errorf("a plan one byte over: %s", rec.Body)
	}
	for n := 5000; n < len(rnd); n++ {
		if text, err := engine.EncodeLabPlan(textPlan(n)); err != nil {
			if !strings.Contains(err.Error(), "more than the 6144 allowed") {
				t.Errorf("the first plan over the limit: %v", err)
			}
			break
		} else if len(text) > engine.MaxLabServerEncoded {
			t.Fatalf("EncodeLabPlan wrote %d bytes", len(text))
		}
	}
}

// TestLabPlanRoundTrip: a plan decodes to itself; EncodeLabServer's text
// decodes as the plan of that server alone, answering every URL.
func TestLabPlanRoundTrip(t *testing.T) {
	for name, s := range labRedirectScenarios() {
		p := engine.LabPlanOf(onLab(s))
		text, err := engine.EncodeLabPlan(p)
		if err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		got, err := engine.DecodeLabPlan(text)
		if err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		a, _ := json.Marshal(got)
		b, _ := json.Marshal(p)
		if !bytes.Equal(a, b) || strings.ContainsAny(text, "/+=?#%") {
			t.Errorf("%s: round trip\n got %s\nwant %s", name, a, b)
		}
	}
	text, _ := engine.EncodeLabServer(raw200())
	p, err := engine.DecodeLabPlan(text)
	if err != nil || p.URL != "" || len(p.Elsewhere) != 0 || p.Server.Raw == nil {
		t.Errorf("a server's text: %+v %v", p, err)
	}
	if _, name := p.ServerAt("https://anywhere.example/x"); name != "server" {
		t.Errorf("a plan of one server answers with %q", name)
	}
	// Without a redirect off its origin, a scenario's plan is its server.
	if p := engine.LabPlanOf(onLab(labRedirectScenarios()["within the API, as a path"])); p.URL != "" {
		t.Errorf("a redirect within the API: the plan routes by origin (%s)", p.URL)
	}
}

// TestLabSharedConnLimit: the lab's ports share one limit of connections
// open at once: with a limit of 1, a connection to the second port waits
// until the first port's closes.
func TestLabSharedConnLimit(t *testing.T) {
	lns := sharedLimit([]net.Listener{listen(t), listen(t)}, 1)
	l := newMultiLab(t)
	for i, ln := range lns {
		srv := defaultLimits.server(l.at(testLabs[i]))
		go srv.Serve(ln)
		t.Cleanup(func() { srv.Close() })
	}
	first := dial(t, lns[0].Addr().String())
	fmt.Fprintf(first, "GET /runs/%s HTTP/1.1\r\nHost: x\r\n\r\n", testRun)
	if resp, err := http.ReadResponse(bufio.NewReader(first), nil); err != nil || resp.StatusCode != 200 {
		t.Fatalf("the first port: %v %v", resp, err)
	}
	second := dial(t, lns[1].Addr().String())
	fmt.Fprintf(second, "GET /runs/%s HTTP/1.1\r\nHost: x\r\n\r\n", testRun)
	answered := make(chan time.Time, 1)
	go func() {
		if resp, err := http.ReadResponse(bufio.NewReader(second), nil); err == nil && resp.StatusCode == 200 {
			answered <- time.Now()
		}
		close(answered)
	}()
	select {
	case <-answered:
		t.Fatal("the second port answered while the first held the only place")
	case <-time.After(300 * time.Millisecond):
	}
	closed := time.Now()
	first.Close()
	select {
	case at, ok := <-answered:
		if !ok || at.Before(closed) {
			t.Errorf("the second port: answered %v at %v", ok, at)
		}
	case <-time.After(5 * time.Second):
		t.Error("the second port did not answer after the first closed")
	}
}

// TestLabListenMore: the lab's other origins are by default the two ports
// after its own, those taken skipped; an explicit address that is taken
// is an error; "none" is none.
func TestLabListenMore(t *testing.T) {
	taken := listen(t)
	if _, _, err := listenMore(taken.Addr().String(), "127.0.0.1:0"); err == nil {
		t.Errorf("an explicit address in use: no error")
	}
	if lns, _, err := listenMore("none", "127.0.0.1:0"); err != nil || len(lns) != 0 {
		t.Errorf("none: %d listeners, %v", len(lns), err)
	}
	lns, addrs, err := listenMore("", "127.0.0.1:0")
	if err != nil || len(lns) != labMore || len(addrs) != labMore {
		t.Fatalf("by default: %d listeners, %v", len(lns), err)
	}
	for _, ln := range lns {
		ln.Close()
	}
	// The port before a taken one: the taken one is skipped.
	_, port, _ := net.SplitHostPort(taken.Addr().String())
	n, _ := strconv.Atoi(port)
	lns, addrs, err = listenMore("", fmt.Sprintf("127.0.0.1:%d", n-1))
	for _, ln := range lns {
		ln.Close()
	}
	if err != nil || slices.Contains(addrs, taken.Addr().String()) {
		t.Errorf("next to a taken port: %q %v", addrs, err)
	}
	origins, err := moreOriginsFor("https://a.example,https://b.example", []string{"x", "y"}, make([]net.Listener, 2))
	if err != nil || !slices.Equal(origins, []string{"https://a.example", "https://b.example"}) {
		t.Errorf("-lab-more-origin: %q %v", origins, err)
	}
	if _, err := moreOriginsFor("https://a.example", []string{"x", "y"}, make([]net.Listener, 2)); err == nil {
		t.Errorf("-lab-more-origin with one origin for two addresses: no error")
	}
}

// FuzzLabPlan: whatever text stands in a lab URL, decoding never panics
// and fails with a *engine.FieldError; a decoded plan encodes again; and
// the lab, on any of its origins, answers with nothing but the
// allow-list, a Location only on one of its own origins under the run's
// prefix.
func FuzzLabPlan(f *testing.F) {
	for _, s := range labRedirectScenarios() {
		text, _ := engine.EncodeLabPlan(engine.LabPlanOf(onLab(s)))
		f.Add(text, "GET", "/next", "null", uint8(1))
	}
	f.Add(encodeText(`{"url":"http://localhost:8081","server":{"raw":{"actual":{"status":302,"headers":[["Location","http://localhost:8082"]]}}},"elsewhere":[{"url":"http://localhost:8082","server":{}}]}`), "GET", "/", testPage, uint8(0))
	f.Add(encodeText(`{"url":"http://localhost:8081","server":{"raw":{"actual":{"status":302,"headers":[["Location","http://localhost:8081@evil.example/"]]}}}}`), "GET", "/", testPage, uint8(0))
	f.Add(encodeText(`{"server":{"policy":{"anyOrigin":"reflect"}},"elsewhere":[]}`), "OPTIONS", "/x", "http://a", uint8(2))
	f.Add("", "GET", "/", "", uint8(0))
	l := newMultiLab(f)
	f.Fuzz(func(t *testing.T, text, method, path, origin string, which uint8) {
		p, err := engine.DecodeLabPlan(text)
		if err != nil {
			var fe *engine.FieldError
			if !errors.As(err, &fe) {
				t.Fatalf("DecodeLabPlan: %T %v, want a *FieldError", err, err)
			}
		} else if _, err := engine.EncodeLabPlan(p); err != nil && !strings.Contains(err.Error(), "more than the") {
			t.Fatalf("a decoded plan does not encode: %v", err)
		}
		if !engine.IsToken(method) || !strings.HasPrefix(path, "/") || strings.ContainsAny(path, " #\x00\r\n") || strings.ContainsAny(origin, "\x00\r\n") || strings.ContainsAny(text, "/?#%") {
			return
		}
		req, err := http.NewRequest(method, "/lab/"+testRun+"/"+text+path, http.NoBody)
		if err != nil {
			return
		}
		req.RequestURI, req.RemoteAddr = req.URL.RequestURI(), "192.0.2.1:1234"
		if origin != "" {
			req.Header.Set("Origin", origin)
		}
		rec := httptest.NewRecorder()
		func() {
			defer func() {
				if r := recover(); r != nil && r != http.ErrAbortHandler {
					panic(r)
				}
			}()
			l.at(testLabs[int(which)%len(testLabs)]).ServeHTTP(rec, req)
		}()
		resp := engine.Response{Status: rec.Code}
		for name, vs := range rec.Result().Header {
			for _, v := range vs {
				if name == "Location" {
					if !strings.HasPrefix(v, "/lab/"+testRun+"/"+text+"/") && !slices.ContainsFunc(l.known, func(o string) bool { return strings.HasPrefix(v, o+"/lab/"+testRun+"/"+text+"/") }) {
						t.Fatalf("Location %q leaves the lab", v)
					}
					continue
				}
				switch name {
				case "Content-Type", "X-Content-Type-Options", "Cache-Control", "Transfer-Encoding":
					continue
				}
				resp.Headers = append(resp.Headers, engine.Header{Name: name, Value: v})
			}
		}
		if rec.Code < 200 || rec.Code > 599 {
			t.Fatalf("status %d", rec.Code)
		}
		if err := engine.LabCheckResponse(resp); err != nil {
			t.Fatalf("the lab sent %v: %v", rec.Result().Header, err)
		}
	})
}
