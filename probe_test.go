//go:build !wasm

package main

import (
	"bytes"
	"encoding/json"
	"net"
	"net/http"
	"net/http/httptest"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/rs/cors"

	"corsplay/engine"
)

// probed is what `corsplay probe -json` prints.
type probed struct {
	Scenario  engine.Scenario           `json:"scenario"`
	Outcomes  map[string]engine.Outcome `json:"outcomes"`
	Permalink string                    `json:"permalink"`
}

func runProbe(t *testing.T, args ...string) (probed, int, string) {
	t.Helper()
	var out, errs bytes.Buffer
	code := run(append([]string{"probe"}, args...), strings.NewReader(""), &out, &errs)
	var p probed
	if code != 2 && out.Len() > 0 {
		if err := json.Unmarshal(out.Bytes(), &p); err != nil {
			t.Fatalf("probe %q: %v\n%s", args, err, out.String())
		}
	}
	return p, code, errs.String()
}

// wireLog keeps the requests a test server received.
type wireLog struct {
	mu   sync.Mutex
	reqs []*http.Request
}

func (l *wireLog) wrap(h http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		l.mu.Lock()
		l.reqs = append(l.reqs, r.Clone(r.Context()))
		l.mu.Unlock()
		h.ServeHTTP(w, r)
	})
}

// TestProbeRealRsCors probes a server that runs the real rs/cors: probe
// sends what a browser sends, and each browser's verdict and console line
// from the recorded answers are the ones the engine gives for the same
// rs/cors options, emulated.
func TestProbeRealRsCors(t *testing.T) {
	opts := cors.Options{
		AllowedOrigins:   []string{"http://localhost:3000"},
		AllowedMethods:   []string{"GET", "PUT"},
		AllowedHeaders:   []string{"Content-Type"},
		AllowCredentials: true,
	}
	var log wireLog
	srv := httptest.NewServer(log.wrap(cors.New(opts).Handler(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("X-Served", "yes")
		w.Write([]byte("{}"))
	}))))
	defer srv.Close()
	library := &engine.Library{Name: "rs-cors", Options: map[string]json.RawMessage{
		"AllowedOrigins":   json.RawMessage(`["http://localhost:3000"]`),
		"AllowedMethods":   json.RawMessage(`["GET","PUT"]`),
		"AllowedHeaders":   json.RawMessage(`["Content-Type"]`),
		"AllowCredentials": json.RawMessage(`true`),
	}}

	for _, tt := range []struct {
		name    string
		args    []string
		allowed bool
		sent    []string // the methods the server received
	}{
		{"a PUT with JSON, allowed", []string{"-origin", "http://localhost:3000", "-X", "PUT", "-H", "Content-Type: application/json", "-d", "{}", "-credentials"}, true, []string{"OPTIONS", "PUT"}},
		{"a header that is not allowed", []string{"-origin", "http://localhost:3000", "-X", "PUT", "-H", "X-Token: 1"}, false, []string{"OPTIONS"}},
		{"another origin, no preflight", []string{"-origin", "https://evil.example"}, false, []string{"GET"}},
		{"a method that is not allowed", []string{"-origin", "http://localhost:3000", "-X", "DELETE"}, false, []string{"OPTIONS"}},
	} {
		t.Run(tt.name, func(t *testing.T) {
			log.reqs = nil
			p, code, errs := runProbe(t, append([]string{srv.URL + "/api/items?x=1", "-json"}, tt.args...)...)
			if want := map[bool]int{true: 0, false: 1}[tt.allowed]; code != want {
				t.Fatalf("exit %d, want %d; stderr %s", code, want, errs)
			}
			var methods []string
			for _, r := range log.reqs {
				methods = append(methods, r.Method)
				if r.Header.Get("Origin") != p.Scenario.Page || r.URL.RequestURI() != "/api/items?x=1" {
					t.Errorf("%s %s with Origin %q, want %s", r.Method, r.URL, r.Header.Get("Origin"), p.Scenario.Page)
				}
			}
			if strings.Join(methods, " ") != strings.Join(tt.sent, " ") {
				t.Errorf("the server received %v, want %v", methods, tt.sent)
			}
			emulated := p.Scenario
			emulated.Server = engine.Server{Library: library}
			for _, b := range []string{engine.Chrome, engine.Firefox, engine.Safari} {
				emulated.Browser = b
				want := engine.Evaluate(emulated)
				got := p.Outcomes[b]
				if got.Verdict != want.Verdict || got.Console != want.Console {
					t.Errorf("%s: probed %s %q; the rs/cors emulation gives %s %q", b, got.Verdict, got.Console, want.Verdict, want.Console)
				}
				if tt.allowed != (got.Verdict == engine.Allowed) {
					t.Errorf("%s: verdict %s", b, got.Verdict)
				}
			}
			if !strings.HasPrefix(p.Permalink, "http://localhost:8080/#"+engine.PermalinkPrefix) {
				t.Errorf("permalink %q", p.Permalink)
			}
			back, err := engine.DecodePermalink(strings.SplitN(p.Permalink, "#", 2)[1])
			if err != nil || back.Server.Raw == nil {
				t.Errorf("the permalink does not hold the recorded server: %v", err)
			}
		})
	}
}

// TestProbeRecordsVerbatim: a redirected preflight and an auth layer are
// recorded as they came, header lines in wire order, and are what the
// browsers refuse.
func TestProbeRecordsVerbatim(t *testing.T) {
	// Headers written by hand, so that their order and spelling are known.
	raw := func(head string) http.HandlerFunc {
		return func(w http.ResponseWriter, r *http.Request) {
			conn, buf, err := w.(http.Hijacker).Hijack()
			if err != nil {
				t.Error(err)
				return
			}
			defer conn.Close()
			buf.WriteString(head + "\r\n\r\n")
			buf.Flush()
		}
	}
	for _, tt := range []struct {
		name, head string
		args       []string
		status     int
		headers    engine.Headers
		console    string // Chrome's, a fragment
	}{
		{"a preflight redirected to a trailing slash",
			"HTTP/1.1 301 Moved Permanently\r\nlocation: /api/\r\nAccess-Control-Allow-Origin: *\r\nContent-Length: 0",
			[]string{"-X", "DELETE"}, 301,
			engine.Headers{{Name: "location", Value: "/api/"}, {Name: "Access-Control-Allow-Origin", Value: "*"}, {Name: "Content-Length", Value: "0"}},
			"Redirect is not allowed for a preflight request."},
		{"an auth layer before CORS",
			"HTTP/1.1 401 Unauthorized\r\nWWW-Authenticate: Bearer\r\nAccess-Control-Allow-Origin: http://localhost:3000\r\nContent-Length: 0",
			[]string{"-H", "Authorization: Bearer x"}, 401,
			engine.Headers{{Name: "WWW-Authenticate", Value: "Bearer"}, {Name: "Access-Control-Allow-Origin", Value: "http://localhost:3000"}, {Name: "Content-Length", Value: "0"}},
			"It does not have HTTP ok status."},
		{"obsolete line folding",
			"HTTP/1.0 204 No Content\r\nAccess-Control-Allow-Origin:\r\n http://localhost:3000",
			[]string{"-X", "PUT"}, 204,
			engine.Headers{{Name: "Access-Control-Allow-Origin", Value: "http://localhost:3000"}},
			"Method PUT is not allowed by Access-Control-Allow-Methods in preflight response."},
	} {
		t.Run(tt.name, func(t *testing.T) {
			srv := httptest.NewServer(raw(tt.head))
			defer srv.Close()
			p, code, errs := runProbe(t, append([]string{srv.URL + "/api", "-json"}, tt.args...)...)
			if code != 1 {
				t.Fatalf("exit %d, stderr %s", code, errs)
			}
			got := p.Scenario.Server.Raw.Preflight
			if got == nil || got.Status != tt.status || !slices.Equal(got.Headers, tt.headers) {
				t.Errorf("recorded %+v, want %d %v", got, tt.status, tt.headers)
			}
			if p.Scenario.Server.Raw.Actual != nil {
				t.Errorf("recorded an actual request the browser would not send: %+v", p.Scenario.Server.Raw.Actual)
			}
			if c := p.Outcomes[engine.Chrome].Console; !strings.Contains(c, tt.console) {
				t.Errorf("Chrome's console %q, want it to say %q", c, tt.console)
			}
		})
	}
}

// TestProbeFailures: bad arguments exit 2 before sending anything; a server
// that is down, silent, or sends endless headers exits 1 with a sentence
// saying so.
func TestProbeFailures(t *testing.T) {
	closed, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	down := "http://" + closed.Addr().String() + "/"
	closed.Close()

	silent, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer silent.Close()
	go func() {
		for {
			c, err := silent.Accept()
			if err != nil {
				return
			}
			defer c.Close()
		}
	}()
	endless := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		conn, buf, _ := w.(http.Hijacker).Hijack()
		defer conn.Close()
		buf.WriteString("HTTP/1.1 200 OK\r\nX-Padding: " + strings.Repeat("a", probeMaxHeaderBytes) + "\r\n\r\n")
		buf.Flush()
	}))
	defer endless.Close()
	many := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		for i := 0; i <= probeMaxHeaderLines; i++ {
			w.Header().Add("X-Line", "x")
		}
	}))
	defer many.Close()

	for _, tt := range []struct {
		args   []string
		code   int
		stderr string
	}{
		{nil, 2, "usage: corsplay probe URL"},
		{[]string{"http://a", "http://b"}, 2, "usage: corsplay probe URL"},
		{[]string{"ftp://localhost/x"}, 2, "request.url: \"ftp://localhost/x\": only http and https URLs are supported"},
		{[]string{"http://localhost/", "-H", "NoColon"}, 2, "write a header as 'Name: value'"},
		{[]string{"http://localhost/", "-origin", "localhost:3000"}, 2, "page"},
		{[]string{"http://localhost/", "-X", "CONNECT"}, 1, "the browser would not send this request"},
		{[]string{down}, 1, "cannot reach " + strings.TrimSuffix(strings.TrimPrefix(down, "http://"), "/")},
		{[]string{"http://" + silent.Addr().String() + "/", "-timeout", "300ms"}, 1, "no answer in time"},
		{[]string{endless.URL}, 1, "the connection ended before the headers did (at most 65536 bytes are read)"},
		{[]string{many.URL}, 1, "more than 100 header lines"},
	} {
		start := time.Now()
		_, code, errs := runProbe(t, tt.args...)
		if code != tt.code || !strings.Contains(errs, tt.stderr) {
			t.Errorf("probe %q: exit %d, stderr %q; want %d and %q", tt.args, code, errs, tt.code, tt.stderr)
		}
		if took := time.Since(start); took > 5*time.Second {
			t.Errorf("probe %q took %v", tt.args, took)
		}
	}
}

// TestProbeText: without -json, probe prints the exchange, each browser's
// verdict with its console line, and the permalink.
func TestProbeText(t *testing.T) {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {}))
	defer srv.Close()
	var out, errs bytes.Buffer
	code := run([]string{"probe", srv.URL + "/r", "-page-url", "https://corsplay.example/"}, strings.NewReader(""), &out, &errs)
	text := out.String()
	for _, want := range []string{
		"> GET " + srv.URL + "/r\n> Accept: */*\n> Origin: http://localhost:3000\n< 200\n",
		"chrome:  blocked\n         Access to fetch at '" + srv.URL + "/r' from origin 'http://localhost:3000' has been blocked by CORS policy: No 'Access-Control-Allow-Origin' header is present on the requested resource.\n",
		"firefox: blocked\n         Cross-Origin Request Blocked: The Same Origin Policy disallows reading the remote resource at " + srv.URL + "/r. (Reason: CORS header ‘Access-Control-Allow-Origin’ missing). Status code: 200.\n",
		"safari:  blocked\n",
		"\nhttps://corsplay.example/#s1=",
	} {
		if !strings.Contains(text, want) {
			t.Errorf("probe's output lacks %q:\n%s", want, text)
		}
	}
	if code != 1 || !strings.Contains(errs.String(), "no -origin: assuming the page runs at http://localhost:3000") {
		t.Errorf("exit %d, stderr %q", code, errs.String())
	}
}
