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
	"slices"
	"sort"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"corsplay/engine"
)

// The differential test of the engine's "flask-cors" emulation: every case
// is answered by the real Flask-CORS 3.0.10 (Debian 12's python3-flask-cors,
// run by flaskcors_server.py under Debian's /usr/bin/python3 on werkzeug's
// server) and by engine.Server{Library: ...}.Respond; the status and every
// CORS header (Access-Control-* and Vary; names case-insensitively, values
// exactly, no normalisation) must agree, and so must the configuration
// errors and the logged warnings (compared as sorted lists: the engine reads
// options from a Go map, so it cannot know their JSON order).

const (
	flaskPython  = "/usr/bin/python3"
	flaskInstall = "apt-get install python3-flask-cors"
)

// flaskCase is one configuration × request pair.
type flaskCase struct {
	name    string
	options string // the JSON object of CORS(app, **options)
	method  string
	path    string      // under the app; "/r" when empty
	headers [][2]string // request headers, in order
}

// flaskHarness is the running flaskcors_server.py.
type flaskHarness struct {
	base    string
	client  *http.Client
	mu      sync.Mutex
	configs map[string]flaskConfig
}

// flaskConfig is what /configure answered for one options object.
type flaskConfig struct {
	ID       string   `json:"id"`
	Warnings []string `json:"warnings"`
	Error    string   `json:"error"`
	Type     string   `json:"type"`
}

// startFlaskHarness starts the real library's server (args are
// flaskcors_server.py's: "--path", DIR for another Flask-CORS than Debian's),
// or fails the test with the install command: it never skips.
func startFlaskHarness(t *testing.T, args ...string) *flaskHarness {
	t.Helper()
	if out, err := exec.Command(flaskPython, "-c", "import flask, flask_cors").CombinedOutput(); err != nil {
		t.Fatalf("the real Flask-CORS is not importable by %s (%v: %s): install it with `%s`", flaskPython, err, bytes.TrimSpace(out), flaskInstall)
	}
	cmd := exec.Command(flaskPython, append([]string{"flaskcors_server.py"}, args...)...)
	cmd.Env = append(os.Environ(), "PYTHONDONTWRITEBYTECODE=1")
	stdin, err := cmd.StdinPipe() // closing it makes the server exit
	if err != nil {
		t.Fatal(err)
	}
	stdout, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	if err := cmd.Start(); err != nil {
		t.Fatalf("starting %s flaskcors_server.py: %v (install the library with `%s`)", flaskPython, err, flaskInstall)
	}
	t.Cleanup(func() {
		stdin.Close()
		cmd.Process.Kill()
		cmd.Wait()
	})
	line := make(chan string, 1)
	go func() {
		s, _ := bufio.NewReader(stdout).ReadString('\n')
		line <- strings.TrimSpace(s)
		io.Copy(io.Discard, stdout)
	}()
	var first string
	select {
	case first = <-line:
	case <-time.After(15 * time.Second):
		t.Fatalf("flaskcors_server.py did not start within 15 s; stderr: %s", stderr.String())
	}
	port, ok := strings.CutPrefix(first, "PORT ")
	if !ok {
		t.Fatalf("flaskcors_server.py said %q instead of its port (install the library with `%s`); stderr: %s", first, flaskInstall, stderr.String())
	}
	return &flaskHarness{
		base:    "http://127.0.0.1:" + port,
		client:  &http.Client{Timeout: 10 * time.Second, CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }},
		configs: map[string]flaskConfig{},
	}
}

// configure registers options with the real library (once per distinct
// options object).
func (h *flaskHarness) configure(t *testing.T, options string) flaskConfig {
	t.Helper()
	h.mu.Lock()
	defer h.mu.Unlock()
	if c, ok := h.configs[options]; ok {
		return c
	}
	body := `{"options": ` + options + `}`
	resp, err := h.client.Post(h.base+"/configure", "application/json", strings.NewReader(body))
	if err != nil {
		t.Fatalf("configure %s: %v", options, err)
	}
	defer resp.Body.Close()
	var c flaskConfig
	if err := json.NewDecoder(resp.Body).Decode(&c); err != nil {
		t.Fatalf("configure %s: %v", options, err)
	}
	h.configs[options] = c
	return c
}

// flaskAnswer is a status and the CORS headers, as sorted "name: value"
// lines with lower-cased names.
type flaskAnswer struct {
	ConfigError string
	Status      int
	Headers     []string
}

func (a flaskAnswer) String() string {
	if a.ConfigError != "" {
		return "ConfigError: " + a.ConfigError
	}
	return fmt.Sprintf("%d\n    %s", a.Status, strings.Join(a.Headers, "\n    "))
}

func isCORSHeader(name string) bool {
	n := strings.ToLower(name)
	return strings.HasPrefix(n, "access-control-") || n == "vary"
}

func corsLines(hs engine.Headers) []string {
	var out []string
	for _, h := range hs {
		if isCORSHeader(h.Name) {
			out = append(out, strings.ToLower(h.Name)+": "+h.Value)
		}
	}
	sort.Strings(out)
	return out
}

// real sends the case to the real library over a fresh connection, exactly
// as written (method, path, header bytes: Go's client would trim values).
func (h *flaskHarness) real(t *testing.T, c flaskCase) (flaskAnswer, []string) {
	t.Helper()
	cfg := h.configure(t, c.options)
	if cfg.Error != "" {
		return flaskAnswer{ConfigError: cfg.Error}, nil
	}
	conn, err := net.Dial("tcp", strings.TrimPrefix(h.base, "http://"))
	if err != nil {
		t.Fatalf("%s: %v", c.name, err)
	}
	defer conn.Close()
	conn.SetDeadline(time.Now().Add(10 * time.Second))
	var b bytes.Buffer
	fmt.Fprintf(&b, "%s /app/%s%s HTTP/1.1\r\nHost: 127.0.0.1\r\n", c.method, cfg.ID, c.reqPath())
	for _, kv := range c.headers {
		b.WriteString(kv[0] + ": " + kv[1] + "\r\n")
	}
	b.WriteString("Connection: close\r\n\r\n")
	if _, err := conn.Write(b.Bytes()); err != nil {
		t.Fatalf("%s: %v", c.name, err)
	}
	a, _, err := readRawAnswer(bufio.NewReader(conn))
	if err != nil {
		t.Fatalf("%s: %v", c.name, err)
	}
	var hs engine.Headers
	for _, l := range a.Lines {
		name, value, _ := strings.Cut(l, ": ")
		hs = append(hs, engine.Header{Name: name, Value: value})
	}
	return flaskAnswer{Status: a.Status, Headers: corsLines(hs)}, cfg.Warnings
}

// flask6Answer is a status and header lines "Name: value" in wire order.
type flask6Answer struct {
	ConfigError string
	Status      int
	Lines       []string
}

func (a flask6Answer) String() string {
	if a.ConfigError != "" {
		return "ConfigError: " + a.ConfigError
	}
	return fmt.Sprintf("%d\n    %s", a.Status, strings.Join(a.Lines, "\n    "))
}

// flaskAppHeaders are the lines Flask and werkzeug write themselves.
var flaskAppHeaders = []string{"server", "date", "content-type", "content-length", "allow", "connection"}

// readRawAnswer parses a status line and header lines as sent.
func readRawAnswer(r *bufio.Reader) (flask6Answer, []string, error) {
	var a flask6Answer
	var app []string
	line, err := r.ReadString('\n')
	if err != nil {
		return a, nil, err
	}
	f := strings.Fields(line)
	if len(f) < 2 {
		return a, nil, fmt.Errorf("status line %q", line)
	}
	if a.Status, err = strconv.Atoi(f[1]); err != nil {
		return a, nil, err
	}
	for {
		line, err := r.ReadString('\n')
		if err != nil {
			return a, nil, err
		}
		line = strings.TrimSuffix(line, "\r\n")
		if line == "" {
			return a, app, nil
		}
		name, _, _ := strings.Cut(line, ":")
		if slices.Contains(flaskAppHeaders, strings.ToLower(name)) {
			app = append(app, name)
			continue
		}
		a.Lines = append(a.Lines, line)
	}
}

func (c flaskCase) reqPath() string {
	if c.path == "" {
		return "/r"
	}
	return c.path
}

func (c flaskCase) library(t *testing.T) *engine.Library {
	t.Helper()
	var opts map[string]json.RawMessage
	if err := json.Unmarshal([]byte(c.options), &opts); err != nil {
		t.Fatalf("%s: options %s: %v", c.name, c.options, err)
	}
	return &engine.Library{Name: "flask-cors", Options: opts}
}

// emulated answers the case with the engine.
func (c flaskCase) emulated(t *testing.T) (flaskAnswer, []string, error) {
	t.Helper()
	lib := c.library(t)
	req := engine.HTTPRequest{Method: c.method, URL: "https://api.example.com" + c.reqPath()}
	for _, kv := range c.headers {
		req.Headers = append(req.Headers, engine.Header{Name: kv[0], Value: kv[1]})
	}
	resp, err := engine.Server{Library: lib}.Respond(req)
	var ce *engine.ConfigError
	if errors.As(err, &ce) {
		return flaskAnswer{ConfigError: ce.Message}, nil, nil
	}
	if err != nil {
		return flaskAnswer{}, nil, err
	}
	out := engine.Evaluate(engine.Scenario{V: engine.Version, Page: "https://app.example.com",
		Request: engine.Request{URL: "https://api.example.com/r"}, Server: engine.Server{Library: lib}})
	return flaskAnswer{Status: resp.Status, Headers: corsLines(resp.Headers)}, out.LibraryWarnings, nil
}

// Request builders.
func flaskPreflight(origin, acrm, acrh string) (string, [][2]string) {
	hs := [][2]string{}
	if origin != "<none>" {
		hs = append(hs, [2]string{"Origin", origin})
	}
	if acrm != "" {
		hs = append(hs, [2]string{"Access-Control-Request-Method", acrm})
	}
	if acrh != "" {
		hs = append(hs, [2]string{"Access-Control-Request-Headers", acrh})
	}
	return "OPTIONS", hs
}

func flaskActual(method, origin string) (string, [][2]string) {
	if origin == "<none>" {
		return method, nil
	}
	return method, [][2]string{{"Origin", origin}}
}

// Generation pools. "<none>" means the option or header is absent.
var (
	flaskOriginOptions = []string{
		"<none>", `"*"`, `"https://app.example.com"`, `["https://app.example.com", "https://admin.example.com"]`,
		`"HTTPS://App.Example.COM"`, `["https://.*\\.example\\.com"]`, `["https://*.example.com"]`,
		`["https://(app|admin)\\.example\\.com$"]`, `["https://app.example.com", "null"]`,
		`["^https?://localhost(:\\d+)?$"]`, `".*"`, `["https://example\\.com"]`, `"https://example.com"`,
		`[]`, `"https://app.example.com|https://admin.example.com"`, `["https://[a-z]+\\.example\\.com"]`,
		`["http://app.example.com", "https://admin.example.com", "https://app.example.com"]`,
		`["https://app.example.com", "https://.*\\.example\\.net"]`, `"null"`, `["https://app.example.com/"]`,
	}
	flaskMethodOptions = []string{"<none>", `["GET", "POST"]`, `"GET, PUT"`, `["put", "delete"]`, `"*"`,
		`["PATCH"]`, `["get", "Post", "DELETE"]`, `"post"`, `[]`, `["GET", "HEAD", "OPTIONS"]`}
	flaskAllowHeaderOptions = []string{"<none>", `["Content-Type"]`, `["X-Token", "content-type"]`,
		`["X-.*"]`, `"*"`, `[]`, `"authorization"`, `["x-token$", "Content-Type"]`}
	flaskExposeOptions = []string{"<none>", `["X-Total", "X-Request-Id"]`, `"X-Total"`, `[]`, `"*"`,
		`["b-second", "A-First", "a-first"]`, `null`}
	flaskCredentialOptions = []string{"<none>", `true`, `false`, `"false"`, `1`, `0`}
	flaskMaxAgeOptions     = []string{"<none>", `600`, `"3600"`, `0`, `1.5`, `86400.0`, `true`, `-5`, `"0"`, `1e16`, `0.0001`, `null`}
	flaskBoolOptions       = []string{"<none>", `true`, `false`}
	flaskExtraOptions      = []string{`"headers": ["Content-Type", "X-Token"]`, `"allowed_headers": "X-Token"`,
		`"automatic_options": false`, `"intercept_exceptions": false`, `"CORS_ORIGINS": "https://x.example"`}
	flaskResourceOptions = []string{`"/r"`, `"/api/*"`, `["/x", "/r"]`, `"/*"`, `"/R"`,
		`{"/r": {"origins": "https://app.example.com"}, "/*": {"origins": "https://admin.example.com"}}`}

	flaskOrigins = []string{"https://app.example.com", "https://admin.example.com", "https://APP.Example.com",
		"http://app.example.com", "https://app.example.com.evil.net", "https://evilexample.com",
		"https://sub.example.com", "https://xexample.com", "https://example.com", "https://example.com.evil.net",
		"null", "<none>", "", "http://localhost:3000", "https://a.example.community", "https://app.example.com:8443",
		"https://evil.example.net", "HTTPS://ADMIN.EXAMPLE.COM"}
	flaskACRMs   = []string{"GET", "PUT", "put", "PATCH", "ATC", "DELETE", "FOO", "POST", "", "HEAD", "OPTIONS", "T, P"}
	flaskACRHs   = []string{"", "content-type", "Content-Type, X-Token", "x-anything-else,content-type", "authorization", "X-Custom, Authorization, x-token", "x-token,,X-TOKEN"}
	flaskMethods = []string{"GET", "POST", "PUT", "DELETE", "PATCH", "HEAD", "FOO", "get", "OPTIONS"}
)

func pick(r *rand.Rand, pool []string) string { return pool[r.IntN(len(pool))] }

// flaskGenerated draws n configuration × request pairs with a fixed seed.
func flaskGenerated(n int) []flaskCase {
	r := rand.New(rand.NewPCG(20260719, 3))
	var cases []flaskCase
	for i := range n {
		var opts []string
		add := func(name string, pool []string, p float64) {
			if r.Float64() < p {
				if v := pick(r, pool); v != "<none>" {
					opts = append(opts, fmt.Sprintf("%q: %s", name, v))
				}
			}
		}
		add("origins", flaskOriginOptions, 0.9)
		add("methods", flaskMethodOptions, 0.35)
		add("allow_headers", flaskAllowHeaderOptions, 0.35)
		add("expose_headers", flaskExposeOptions, 0.3)
		add("supports_credentials", flaskCredentialOptions, 0.45)
		add("max_age", flaskMaxAgeOptions, 0.35)
		add("send_wildcard", flaskBoolOptions, 0.2)
		add("vary_header", flaskBoolOptions, 0.15)
		add("always_send", flaskBoolOptions, 0.2)
		add("resources", flaskResourceOptions, 0.08)
		if r.Float64() < 0.15 {
			opts = append(opts, pick(r, flaskExtraOptions))
		}
		c := flaskCase{name: fmt.Sprintf("gen%03d", i), options: "{" + strings.Join(opts, ", ") + "}"}
		origin := pick(r, flaskOrigins)
		switch k := r.IntN(10); {
		case k < 5:
			acrm := pick(r, flaskACRMs)
			c.method, c.headers = flaskPreflight(origin, acrm, pick(r, flaskACRHs))
		case k < 9:
			c.method, c.headers = flaskActual(pick(r, flaskMethods), origin)
		default:
			c.method, c.headers = flaskPreflight(origin, "", "")
		}
		if r.Float64() < 0.1 {
			c.path = pick(r, []string{"/api/x", "/apiary", "/API/x", "/x", "/R", "/r/sub"})
		}
		cases = append(cases, c)
	}
	return cases
}

// flaskHandPicked are the quirks, each as a configuration × request pair.
func flaskHandPicked() []flaskCase {
	pf := func(name, options, origin, acrm, acrh string) flaskCase {
		m, hs := flaskPreflight(origin, acrm, acrh)
		return flaskCase{name: name, options: options, method: m, headers: hs}
	}
	get := func(name, options, method, origin string) flaskCase {
		m, hs := flaskActual(method, origin)
		return flaskCase{name: name, options: options, method: m, headers: hs}
	}
	at := func(c flaskCase, path string) flaskCase { c.path = path; return c }
	with := func(c flaskCase, hs ...[2]string) flaskCase { c.headers = append(c.headers, hs...); return c }
	cases := []flaskCase{
		// The tutorial mistake: "headers" is not an option (removed in 2.0):
		// it is ignored with a warning and allow_headers stays "*".
		pf("tutorial headers option ignored", `{"headers": ["Content-Type", "X-Token"]}`, "https://app.example.com", "POST", "content-type, x-anything-else"),
		pf("tutorial headers with origins", `{"origins": "https://app.example.com", "headers": ["Content-Type", "X-Token"]}`, "https://app.example.com", "PUT", "content-type, x-anything-else"),
		get("default reflects any origin", `{}`, "GET", "https://evil.example.net"),
		get("credentials reflect any origin", `{"supports_credentials": true}`, "GET", "https://evil.example.net"),
		get("credentials reflect null", `{"supports_credentials": true}`, "GET", "null"),
		pf("default preflight", `{}`, "https://evil.example.net", "PUT", "Authorization, X-Foo"),
		pf("methods substring ATC", `{}`, "https://app.example.com", "ATC", ""),
		pf("methods substring T, P", `{"methods": ["GET", "POST"]}`, "https://app.example.com", "T, P", ""),
		pf("methods star allows nothing", `{"methods": "*"}`, "https://app.example.com", "GET", ""),
		pf("methods lower-case list sorted then upper", `{"methods": ["post", "GET", "delete"]}`, "https://app.example.com", "delete", ""),
		pf("method refused keeps ACAO", `{"methods": ["GET"]}`, "https://app.example.com", "PUT", "x-token"),
		pf("origin refused: nothing", `{"origins": ["https://app.example.com", "https://admin.example.com"]}`, "https://evil.example.net", "GET", ""),
		get("single literal: no Vary", `{"origins": "https://app.example.com"}`, "GET", "https://app.example.com"),
		get("literal case-insensitive", `{"origins": "https://app.example.com"}`, "GET", "HTTPS://APP.EXAMPLE.COM"),
		get("regex prefix lookalike", `{"origins": ["https://.*\\.example\\.com"]}`, "GET", "https://a.example.com.evil.net"),
		get("regex prefix community", `{"origins": ["https://.*\\.example\\.com"]}`, "GET", "https://a.example.community"),
		get("glob is a regex: sub refused", `{"origins": ["https://*.example.com"]}`, "GET", "https://sub.example.com"),
		get("glob is a regex: xexample allowed", `{"origins": ["https://*.example.com"]}`, "GET", "https://xexample.com"),
		get("glob is a regex: lookalike allowed", `{"origins": ["https://*.example.com"]}`, "GET", "https://xexampleYcom.evil.net"),
		get("dot is not a regex char", `{"origins": "https://app.example.com"}`, "GET", "https://appXexample.com"),
		get("pipe is not a regex char", `{"origins": "https://app.example.com|https://admin.example.com"}`, "GET", "https://app.example.com"),
		get("send_wildcard", `{"send_wildcard": true}`, "GET", "https://app.example.com"),
		get("dot-star counts as wildcard", `{"origins": ".*", "send_wildcard": true}`, "GET", "https://app.example.com"),
		get("wildcard credentials send_wildcard refused", `{"send_wildcard": true, "supports_credentials": true}`, "GET", "https://app.example.com"),
		get("truthy strings refused too", `{"send_wildcard": "no", "supports_credentials": "false", "origins": ["*", "https://x.example"]}`, "GET", "https://app.example.com"),
		get("always_send star", `{}`, "GET", "<none>"),
		get("always_send star with credentials", `{"supports_credentials": true}`, "GET", "<none>"),
		get("always_send first sorted literal", `{"origins": ["https://b.example.com", "https://a.example.com", "https://.*\\.example\\.org"]}`, "GET", "<none>"),
		get("always_send off", `{"always_send": false}`, "GET", "<none>"),
		get("empty Origin is no Origin", `{"origins": "https://app.example.com"}`, "GET", ""),
		get("always_send only regexes", `{"origins": ["https://.*\\.example\\.com"]}`, "GET", "<none>"),
		get("always_send empty literal", `{"origins": "", "supports_credentials": true, "expose_headers": "X-A"}`, "GET", "<none>"),
		pf("expose on preflight", `{"expose_headers": ["X-Total", "X-Request-Id"]}`, "https://app.example.com", "GET", ""),
		pf("max_age on preflight", `{"max_age": 600}`, "https://app.example.com", "GET", ""),
		get("max_age not on actual", `{"max_age": 600}`, "GET", "https://app.example.com"),
		pf("max_age 0 dropped", `{"max_age": 0}`, "https://app.example.com", "GET", ""),
		pf("max_age \"0\" kept", `{"max_age": "0"}`, "https://app.example.com", "GET", ""),
		pf("max_age float", `{"max_age": 1e16}`, "https://app.example.com", "GET", ""),
		pf("max_age true", `{"max_age": true}`, "https://app.example.com", "GET", ""),
		get("vary_header off", `{"vary_header": false}`, "GET", "https://app.example.com"),
		pf("allow_headers filters", `{"allow_headers": ["Content-Type", "X-Token"]}`, "https://app.example.com", "POST", "content-type, x-anything-else, X-TOKEN"),
		pf("allow_headers none match", `{"allow_headers": ["X-Token"]}`, "https://app.example.com", "POST", "x-other"),
		pf("allow_headers regex prefix", `{"allow_headers": ["X-.*"]}`, "https://app.example.com", "POST", "x-a, xx-b, content-type"),
		pf("ACRH empty elements", `{}`, "https://app.example.com", "GET", "a,,b"),
		get("405 keeps CORS headers", `{}`, "FOO", "https://app.example.com"),
		get("405 keeps CORS headers without intercept_exceptions", `{"intercept_exceptions": false, "origins": ["https://app.example.com", "null"]}`, "DELETEX", "https://app.example.com"),
		get("lower-case method", `{}`, "get", "https://app.example.com"),
		pf("lower-case options", `{}`, "https://app.example.com", "put", ""),
		pf("OPTIONS without ACRM", `{"max_age": 5}`, "https://app.example.com", "", ""),
		pf("OPTIONS without Origin", `{}`, "<none>", "PUT", "x-token"),
		get("duplicate Origin joined", `{}`, "GET", "https://a.example"),
		pf("invalid regex never matches", `{"origins": ["https://(app.example.com"]}`, "https://(app.example.com", "GET", ""),
		get("null listed", `{"origins": ["https://app.example.com", "null"]}`, "GET", "null"),
		get("casefold sharp s", `{"origins": ["https://a.example", "https://straße.example"]}`, "GET", "https://STRASSE.example"),
		get("methods null refused", `{"methods": null}`, "GET", "https://app.example.com"),
		get("resources number refused", `{"resources": 5}`, "GET", "https://app.example.com"),
		get("app keyword refused", `{"app": 1}`, "GET", "https://app.example.com"),
		at(get("resources glob prefix apiary", `{"resources": "/api/*"}`, "GET", "https://app.example.com"), "/apiary"),
		at(get("resources case-sensitive", `{"resources": "/api/*"}`, "GET", "https://app.example.com"), "/API/x"),
		at(get("resources literal exact", `{"resources": "/api"}`, "GET", "https://app.example.com"), "/api/x"),
		at(get("resources double decoding", `{"resources": "/apiA$"}`, "GET", "https://app.example.com"), "/api%2541"),
		at(get("resources plus is not space", `{"resources": "/a b$"}`, "GET", "https://app.example.com"), "/a+b"),
		at(get("resources replacement char", `{"resources": "^/x.$"}`, "GET", "https://app.example.com"), "/x%25E2%2582"),
		at(get("resources dict literal first", `{"resources": {"/.*": {"origins": "https://admin.example.com"}, "/r": {"origins": "https://app.example.com"}}}`, "GET", "https://app.example.com"), "/r"),
		at(get("resources dict more slashes first", `{"resources": {"/a.*": {"origins": "https://admin.example.com"}, "/a/.*": {"origins": "https://app.example.com", "foo": 1}}, "bar": 2}`, "GET", "https://app.example.com"), "/a/b"),
		at(get("resources dict ValueError", `{"supports_credentials": true, "resources": {"/r": {"send_wildcard": true}}}`, "GET", "https://app.example.com"), "/r"),
		at(get("resources list order", `{"resources": ["/x", "/r"], "origins": "https://app.example.com"}`, "GET", "https://app.example.com"), "/r"),
		at(get("resources no match", `{"resources": ["/x"]}`, "GET", "https://app.example.com"), "/r"),
		at(get("resources leading slashes collapsed", `{"resources": "^/r$"}`, "GET", "https://app.example.com"), "//r"),
		// Flask's own static route (Flask(__name__) has one, with no files):
		// GET and HEAD under /static/ are 404, with the CORS headers.
		at(get("static route GET is 404", `{}`, "GET", "https://app.example.com"), "/static/app.js"),
		at(get("static route HEAD is 404", `{"origins": "https://app.example.com"}`, "HEAD", "https://app.example.com"), "/static/x"),
		at(get("static route POST reaches the app", `{}`, "POST", "https://app.example.com"), "/static/x"),
		at(pf("static route preflight", `{}`, "https://app.example.com", "GET", "x-a"), "/static/app.js"),
		at(get("static folder itself", `{}`, "GET", "https://app.example.com"), "/static/"),
		// werkzeug strips only leading blanks of a header value.
		get("trailing space origin refused by anchored regex", `{"origins": ["^https://a\\.example\\.com$"]}`, "GET", "https://a.example.com "),
		get("trailing space origin echoed with its space", `{}`, "GET", "https://a.example.com "),
		get("trailing tab literal origin refused", `{"origins": ["https://a.example.com", "https://b.example.com"]}`, "GET", "https://a.example.com\t"),
		get("leading space origin stripped", `{"origins": "https://a.example.com"}`, "GET", "  https://a.example.com"),
		pf("trailing space ACRM", `{}`, "https://app.example.com", "PUT ", "x-a "),
		get("Latin-1 origin echoed", `{}`, "GET", "https://caf\u00e9.example"),
		get("UTF-8 literal vs Latin-1 request", `{"origins": ["https://a.example", "https://caf\u00e9.example"]}`, "GET", "https://caf\u00e9.example"),
		pf("Latin-1 sharp s ACRM is SS", `{"methods": ["CLASS"]}`, "https://app.example.com", "\xdf", ""),
		pf("UTF-8 sharp s ACRM is two Latin-1 characters", `{"methods": ["CLASS"]}`, "https://app.example.com", "\u00df", ""),
		at(get("resources Unicode digit", `{"resources": "^/\\d$"}`, "GET", "https://app.example.com"), "/%D9%A1"),
		at(get("resources dollar before final newline", `{"resources": "^/r$"}`, "GET", "https://app.example.com"), "/r%0A"),
		at(get("resources dollar not before other newlines", `{"resources": "^/r$"}`, "GET", "https://app.example.com"), "/r%0A%0A"),
		at(get("resources Z is the very end", `{"resources": "^/r\\Z"}`, "GET", "https://app.example.com"), "/r%0A"),
		get("Unicode word class on Latin-1", `{"origins": ["https://\\w\\W$"]}`, "GET", "https://\u00e9"),
		get("Unicode space class on Latin-1", `{"origins": ["https://a\\sb"]}`, "GET", "https://a\xa0b"),
		pf("Latin-1 request header echoed", `{}`, "https://app.example.com", "GET", "x-\u00e9, X-A"),
		get("unknown options warn", `{"headers": "x", "CORS_ORIGINS": "https://x.example", "max-age": 5}`, "GET", "https://app.example.com"),
	}
	// Header lines the builders cannot express.
	for i, c := range cases {
		if c.name == "duplicate Origin joined" {
			cases[i] = with(c, [2]string{"Origin", "https://b.example"})
		}
	}
	cases = append(cases,
		with(pf("underscore header name aliases", `{}`, "https://app.example.com", "", ""), [2]string{"Access_Control_Request_Method", "GET"}),
	)
	return cases
}

// flaskRegexCases compare Python's re and the translation through the
// origins option: each pattern against origins it should and should not
// match, and patterns Python rejects (which never match).
func flaskRegexCases() []flaskCase {
	patterns := []string{
		`^*`, `https://app(?i)`, `(?i)https://APP\.example\.com`, `(?P<sub>app)?https://`, `https://app\.example\.com\Z`,
		`[[:alpha:]]+://.*`, `https://\w+\.example\.com`, `https://ap{,3}`, `https://a{2}`, `https://app.example.com)`,
		`https://app\.example\.com$`, `https://(?#comment)app`, `\x68ttps://app`, `\u0068ttps://app`, `https://app\.example\.c[o]m`,
		`[]`, `https://[^.]+\.example\.com$`, `https?://(?:app|admin)\.example\.com`, `https://app\.example\.com:\d+`,
		`https://\d+`, `https://\S+\.net`, `https://[\W]`, `https://\bapp`, `https://\0`, `https://(?u)app`, `https://(?u:app)`,
		`https://(?i-i:app)`, `(?<x>https)`, `https://\q`, `https://a{3,2}`, `https://[z-a]`, `https://[\w-z]`,
		`https://x{}`, `https://{2}`, `https://app{1}`, `https://(?:)*app`, `https://a**`, `\\`, `(?s)https://.*\.example\.com$`,
		`https://[\d.]+`, `(?m)https://app\.example\.com$`, `https://(app|)\.example\.com`, `https://ADMIN\.example\.com`,
		`https://\101pp`, `https://[\101]pp`, `https://app\.example\.com\b`, `http[s]?://app`, `https://app\.example\.com(?:/)?$`,
	}
	origins := []string{"https://app.example.com", "https://ADMIN.example.com", "https://app.example.com.evil.net",
		"https://123.example.com", "http://app.example.com", "https://xexample.com", "https://app.example.com:8443", "null", "https://\x00app"}
	var cases []flaskCase
	for i, p := range patterns {
		pj, _ := json.Marshal([]string{p})
		for j, o := range origins {
			if (i+j)%3 != 0 && j > 1 {
				continue // a third of the pairs, plus the first two origins
			}
			if strings.ContainsRune(o, 0) {
				continue
			}
			m, hs := flaskActual("GET", o)
			cases = append(cases, flaskCase{name: fmt.Sprintf("regex %s vs %s", p, o), options: `{"origins": ` + string(pj) + `}`, method: m, headers: hs})
		}
	}
	return cases
}

// flaskRandomRegexCases draw patterns from Python regex tokens (valid and
// invalid combinations alike) with a fixed seed, each against two short
// origins. The engine may refuse a pattern only when Python compiles it (a
// construct RE2 lacks): those are returned apart and checked with /re.
func flaskRandomRegexCases(n int) []flaskCase {
	tokens := []string{"a", "p", "ap", "app", ".", `\.`, "*", "+", "?", "{2}", "{,2}", "{1,}", "{", "}", "(", ")", "(?:",
		"|", "[a-z]", "[^.]", `\w`, `\d`, `\s`, `\W`, `\S`, "^", "$", `\b`, `\Z`, `\A`, "(?i)", "(?#x)", "]", "[",
		"-", ":", "/", "https", "example", `\x61`, `\141`, "(?P<g>", `\\`, `[\w.]`, "[]a]", "(?s:", "(?-i:", "P", "A",
		"*?", "??", "[.-a]", `[\d-]`, `\`, "(?m)", "+?", `\B`}
	origins := []string{"https://app.example.com", "app", "aap", "ap", "a.p", "APP", "https://", "p:a", "a-b", "a]", "{2}", "aa1"}
	r := rand.New(rand.NewPCG(7, 1919))
	var cases []flaskCase
	for i := range n {
		var b strings.Builder
		for range 1 + r.IntN(6) {
			b.WriteString(pick(r, tokens))
		}
		pj, _ := json.Marshal([]string{b.String()})
		for range 2 {
			m, hs := flaskActual("GET", pick(r, origins))
			cases = append(cases, flaskCase{name: fmt.Sprintf("random regex %d %s", i, b.String()), options: `{"origins": ` + string(pj) + `}`, method: m, headers: hs})
		}
	}
	return cases
}

// pythonCompiles asks the harness whether re.compile(pattern, re.I) works.
func (h *flaskHarness) pythonCompiles(t *testing.T, pattern string) (bool, string) {
	t.Helper()
	body, _ := json.Marshal(map[string]string{"pattern": pattern})
	resp, err := h.client.Post(h.base+"/re", "application/json", bytes.NewReader(body))
	if err != nil {
		t.Fatalf("/re %q: %v", pattern, err)
	}
	defer resp.Body.Close()
	var out struct {
		OK    bool   `json:"ok"`
		Error string `json:"error"`
	}
	if err := json.NewDecoder(resp.Body).Decode(&out); err != nil {
		t.Fatalf("/re %q: %v", pattern, err)
	}
	return out.OK, out.Error
}

// flaskRefused are patterns Python accepts and Go's RE2 cannot express: the
// engine must refuse them with a *engine.FieldError, not guess.
var flaskRefused = []string{`https://(?=app)`, `https://(?!evil)`, `(?<=x)y`, `(a)\1`, `(?P<n>a)(?P=n)`,
	`a*+`, `(?>a)`, `(a)?(?(1)b|c)`, `(?x) a`, `(?a)\w`, `^a{1001}`, `\N{LATIN SMALL LETTER A}`, `[\W\d]`}

func TestFlaskCORSDifferential(t *testing.T) {
	start := time.Now()
	h := startFlaskHarness(t)
	var cases []flaskCase
	cases = append(cases, flaskHandPicked()...)
	cases = append(cases, flaskRegexCases()...)
	cases = append(cases, flaskGenerated(260)...)
	cases = append(cases, flaskRandomRegexCases(150)...)
	cases = append(cases, flaskFixCases(t)...)
	warned, checked, allowed, refused := 0, 0, 0, map[string]bool{}
	for _, c := range cases {
		want, wantWarn := h.real(t, c)
		got, gotWarn, err := c.emulated(t)
		var fe *engine.FieldError
		if pattern, ok := strings.CutPrefix(c.options, `{"origins": `); ok && strings.HasPrefix(c.name, "random regex") && errors.As(err, &fe) {
			var list []string
			json.Unmarshal([]byte(strings.TrimSuffix(pattern, "}")), &list)
			if ok, perr := h.pythonCompiles(t, list[0]); !ok {
				t.Errorf("%s: the engine refuses %q (%v) but Python rejects it too (%s): it must never match instead", c.name, list[0], err, perr)
			}
			refused[list[0]] = true
			continue
		}
		if err != nil {
			t.Errorf("%s\n  options %s\n  %s %s %q\n  engine error: %v\n  real: %s", c.name, c.options, c.method, c.reqPath(), c.headers, err, want)
			continue
		}
		checked++
		if strings.Contains(want.String(), "access-control-allow-origin:") {
			allowed++
		}
		if got.String() != want.String() {
			t.Errorf("%s\n  options %s\n  %s %s %q\n  real:   %s\n  engine: %s", c.name, c.options, c.method, c.reqPath(), c.headers, want, got)
		}
		slices.Sort(wantWarn)
		slices.Sort(gotWarn)
		if !slices.Equal(wantWarn, gotWarn) {
			t.Errorf("%s: options %s\n  real warnings:   %q\n  engine warnings: %q", c.name, c.options, wantWarn, gotWarn)
		}
		if len(wantWarn) > 0 {
			warned++
		}
	}
	for _, p := range flaskRefused {
		if ok, perr := h.pythonCompiles(t, p); !ok {
			t.Errorf("refused %s: Python rejects it too (%s): it does not belong in flaskRefused", p, perr)
		}
		pj, _ := json.Marshal([]string{p})
		c := flaskCase{name: "refused " + p, options: `{"origins": ` + string(pj) + `}`, method: "GET", headers: [][2]string{{"Origin", "https://app.example.com"}}}
		if cfg := h.configure(t, c.options); cfg.Error != "" {
			t.Errorf("%s: the real library refuses it (%s): it does not belong in flaskRefused", c.name, cfg.Error)
		}
		_, _, err := c.emulated(t)
		var fe *engine.FieldError
		if !errors.As(err, &fe) {
			t.Errorf("%s: want a *engine.FieldError saying corsplay cannot emulate the pattern, got %v", c.name, err)
		}
	}
	if checked < 120 {
		t.Errorf("only %d pairs compared, want at least 120", checked)
	}
	t.Logf("%d configuration × request pairs agree with the real Flask-CORS (%d with Access-Control-Allow-Origin; %d configurations, %d with warnings); %d untranslatable patterns refused (%d listed, %d drawn); %v",
		checked, allowed, len(h.configs), warned, len(flaskRefused)+len(refused), len(flaskRefused), len(refused), time.Since(start).Round(time.Millisecond))
}

// flaskFixCases are the fixed configurations of the engine's fixes (and the
// blocked ones they fix) with the requests the browser sends them.
func flaskFixCases(t *testing.T) []flaskCase {
	var cases []flaskCase
	for _, p := range libFixCorpus(t, "flask-cors") {
		c := flaskCase{name: p.name, options: p.options, method: p.req.Method, path: "/items"}
		for _, h := range p.req.Headers {
			c.headers = append(c.headers, [2]string{h.Name, h.Value})
		}
		cases = append(cases, c)
	}
	return cases
}
