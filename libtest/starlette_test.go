package libtest

import (
	"bufio"
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"math/rand/v2"
	"os"
	"os/exec"
	"sort"
	"strings"
	"testing"
	"time"

	"corsplay/engine"
	"corsplay/engine/server"
)

// The differential test of the engine's "starlette" emulation: every case
// is answered by the real Starlette 0.26.1 CORSMiddleware (Debian 12's
// python3-starlette under /usr/bin/python3, driven by starlette_server.py:
// a fresh app per case and one raw ASGI call) and by
// engine.Server{Library: ...}.Respond. The status, every header line
// (name as emitted, value byte for byte, order) and the configuration
// errors' text must agree.

const (
	slPython  = "/usr/bin/python3"
	slInstall = "apt-get install python3-starlette"
)

// slCase is one configuration × request pair.
type slCase struct {
	name    string
	options string // the JSON object of CORSMiddleware(app, **options)
	method  string
	url     string      // "http://testserver/r" when empty
	headers [][2]string // request headers, in order, values as bytes
}

func (c slCase) target() string {
	if c.url == "" {
		return "http://testserver/r"
	}
	return c.url
}

// slAnswer is a configuration error, or a status and the header lines.
type slAnswer struct {
	ConfigError string
	Status      int
	Headers     [][2]string
}

func (a slAnswer) String() string {
	if a.ConfigError != "" {
		return "ConfigError: " + a.ConfigError
	}
	var b strings.Builder
	fmt.Fprintf(&b, "%d", a.Status)
	for _, h := range a.Headers {
		fmt.Fprintf(&b, "\n    %s: %q", h[0], h[1])
	}
	return b.String()
}

// kind classifies an answer for the summary.
func (a slAnswer) kind(method string) string {
	switch {
	case a.ConfigError != "":
		return "config error"
	case a.Status == 200 && method == "OPTIONS" && a.has("access-control-allow-methods"):
		return "preflight 200"
	case a.Status == 400:
		return "preflight 400"
	case a.has("access-control-allow-origin"):
		return fmt.Sprintf("%d with ACAO", a.Status)
	}
	return fmt.Sprintf("%d", a.Status)
}

func (a slAnswer) has(name string) bool {
	for _, h := range a.Headers {
		if h[0] == name {
			return true
		}
	}
	return false
}

// slHarness is the running starlette_server.py.
type slHarness struct {
	in  io.WriteCloser
	out *bufio.Reader
}

// slLatin1 turns bytes into text, one character per byte (how header values
// travel to and from the harness).
func slLatin1(b string) string {
	r := make([]rune, len(b))
	for i := 0; i < len(b); i++ {
		r[i] = rune(b[i])
	}
	return string(r)
}

func slUnlatin1(t *testing.T, s string) string {
	var b []byte
	for _, r := range s {
		if r > 0xff {
			t.Fatalf("harness sent %q: not Latin-1", s)
		}
		b = append(b, byte(r))
	}
	return string(b)
}

// startStarletteHarness starts the real library's harness, or fails the
// test with the install command: it never skips.
func startStarletteHarness(t *testing.T) *slHarness {
	t.Helper()
	if out, err := exec.Command(slPython, "-c", "import starlette.middleware.cors").CombinedOutput(); err != nil {
		t.Fatalf("the real Starlette is not importable by %s (%v: %s): install it with `%s`", slPython, err, bytes.TrimSpace(out), slInstall)
	}
	cmd := exec.Command(slPython, "starlette_server.py")
	cmd.Env = append(os.Environ(), "PYTHONHASHSEED=0", "PYTHONDONTWRITEBYTECODE=1")
	in, err := cmd.StdinPipe()
	if err != nil {
		t.Fatal(err)
	}
	out, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	if err := cmd.Start(); err != nil {
		t.Fatalf("starting %s starlette_server.py: %v (install the library with `%s`)", slPython, err, slInstall)
	}
	t.Cleanup(func() {
		in.Close()
		cmd.Process.Kill()
		cmd.Wait()
	})
	h := &slHarness{in: in, out: bufio.NewReader(out)}
	var v struct{ Starlette, Python, ImportError string }
	h.ask(t, map[string]any{"version": true}, &v)
	if v.Starlette != "0.26.1" {
		t.Fatalf("starlette_server.py runs Starlette %q (%s; stderr: %s): the emulation proves 0.26.1, install it with `%s`", v.Starlette, v.ImportError, stderr.String(), slInstall)
	}
	return h
}

func (h *slHarness) ask(t *testing.T, req any, out any) {
	t.Helper()
	line, _ := json.Marshal(req)
	if _, err := h.in.Write(append(line, '\n')); err != nil {
		t.Fatalf("writing to starlette_server.py: %v", err)
	}
	done := make(chan error, 1)
	var answer []byte
	go func() {
		var err error
		answer, err = h.out.ReadBytes('\n')
		done <- err
	}()
	select {
	case err := <-done:
		if err != nil {
			t.Fatalf("reading from starlette_server.py: %v", err)
		}
	case <-time.After(10 * time.Second):
		t.Fatalf("starlette_server.py did not answer %s within 10 s", line)
	}
	if err := json.Unmarshal(answer, out); err != nil {
		t.Fatalf("starlette_server.py answered %q: %v", answer, err)
	}
}

// real asks the real library.
func (h *slHarness) real(t *testing.T, c slCase) slAnswer {
	t.Helper()
	var opts json.RawMessage = []byte(c.options)
	hs := [][2]string{}
	for _, kv := range c.headers {
		hs = append(hs, [2]string{slLatin1(kv[0]), slLatin1(kv[1])})
	}
	var out struct {
		ConfigError *string     `json:"configError"`
		Status      int         `json:"status"`
		Headers     [][2]string `json:"headers"`
	}
	h.ask(t, map[string]any{"options": opts, "method": c.method, "url": c.target(), "headers": hs}, &out)
	if out.ConfigError != nil {
		return slAnswer{ConfigError: *out.ConfigError}
	}
	a := slAnswer{Status: out.Status}
	for _, kv := range out.Headers {
		a.Headers = append(a.Headers, [2]string{slUnlatin1(t, kv[0]), slUnlatin1(t, kv[1])})
	}
	return a
}

// emulated asks the engine.
func (c slCase) emulated(t *testing.T) (slAnswer, error) {
	t.Helper()
	var opts map[string]json.RawMessage
	if err := json.Unmarshal([]byte(c.options), &opts); err != nil {
		t.Fatalf("%s: options %s: %v", c.name, c.options, err)
	}
	req := engine.HTTPRequest{Method: c.method, URL: c.target()}
	for _, kv := range c.headers {
		req.Headers = append(req.Headers, engine.Header{Name: kv[0], Value: kv[1]})
	}
	resp, err := engine.Server{Library: &engine.Library{Name: "starlette", Options: opts, Route: "/r"}}.Respond(req)
	var ce *engine.ConfigError
	if errors.As(err, &ce) {
		return slAnswer{ConfigError: ce.Message}, nil
	}
	if err != nil {
		return slAnswer{}, err
	}
	a := slAnswer{Status: resp.Status}
	for _, h := range resp.Headers {
		a.Headers = append(a.Headers, [2]string{h.Name, h.Value})
	}
	return a, nil
}

// Request builders; "<none>" leaves a header out.
func slPreflight(origin, acrm, acrh string) (string, [][2]string) {
	var hs [][2]string
	for _, kv := range [][2]string{{"Origin", origin}, {"Access-Control-Request-Method", acrm}, {"Access-Control-Request-Headers", acrh}} {
		if kv[1] != "<none>" {
			hs = append(hs, kv)
		}
	}
	return "OPTIONS", hs
}

func slActual(method, origin string) (string, [][2]string) {
	if origin == "<none>" {
		return method, nil
	}
	return method, [][2]string{{"Origin", origin}}
}

// Generation pools. "<none>" means the option or header is absent.
var (
	slOriginOptions = []string{"<none>", `["https://a.example"]`, `"https://a.example"`, `["*"]`, `"*"`,
		`["https://a.example", "https://b.example"]`, `["https://a.example/"]`, `"https://a.example https://b.example"`,
		`[]`, `["null", "https://a.example"]`, `"https://*.a.example"`, `["HTTPS://A.EXAMPLE"]`, `["*", "https://a.example"]`,
		`"https://a.example.com"`, `["http://localhost:3000"]`, `"null"`}
	slMethodOptions = []string{"<none>", `["GET", "POST"]`, `"*"`, `["*"]`, `"GET"`, `"GET, PUT"`, `["get", "PUT"]`,
		`[]`, `["PATCH", "DELETE"]`, `"GET,POST"`, `["GET", "HEAD", "OPTIONS", "put"]`}
	slHeaderOptions = []string{"<none>", `["X-Token"]`, `["*"]`, `["content-type", "Authorization"]`, `["x-a", "X-A", "accept"]`,
		`[]`, `["Authorization"]`, `["X-Token", "*"]`, `["Accept", "b", "Z"]`}
	slCredOptions  = []string{"<none>", `true`, `false`}
	slRegexOptions = []string{"<none>", `null`, `"https://.*\\.a\\.example"`, `"https://a.example.com"`, `"https://(a|b)\\.example"`,
		`"https://[a-z]+\\.example\\.com$"`, `"http(s)?://localhost(:\\d+)?"`, `"(?i)https://A\\.EXAMPLE"`, `"https://a\\.example"`,
		`"https://.*"`, `"https://\\w+\\.a\\.example"`, `""`}
	slExposeOptions = []string{"<none>", `["X-Total"]`, `["X-A", "x-b"]`, `[]`, `["*"]`}
	slMaxAgeOptions = []string{"<none>", `0`, `3600`, `-1`, `86400`, `600`}

	slOrigins = []string{"https://a.example", "https://b.example", "https://a.example.evil.com", "https://aXexample.com",
		"http://a.example", "null", "<none>", "", "https://A.EXAMPLE", "https://sub.a.example", "https://a.exampl",
		"https://a.example.com", "http://localhost:3000", "https://caf\xc3\xa9.example", "https://evil.example",
		"https://a.example/", "https://a", "https://a.example.co", "http://localhost:3000x"}
	slACRMs = []string{"GET", "PUT", "put", "PATCH", "", "T, P", "DELETE", "OPTIONS", "POST", "G", "<none>", "HEAD"}
	slACRHs = []string{"<none>", "", "content-type", "X-Token", "Authorization", "x-token, content-type", "X-A , accept",
		"content-type,", " x-token", "Content-Type", "authorization, x-token", "b, Z", "*"}
	slMethods = []string{"GET", "POST", "PUT", "DELETE", "PATCH", "HEAD", "get", "patch", "options", "OPTIONS", "FOO", "post"}
	slURLs    = []string{"http://testserver/r/", "http://testserver/x", "http://testserver/r?q=1", "http://testserver/R",
		"http://testserver/r//?a=b c", "http://testserver/r%2F", "https://api.example.com:8443/r/", "http://testserver/",
		"http://testserver/r%0A", "http://testserver/r/?x=%41"}
)

// slGenerated draws n configuration × request pairs with a fixed seed.
func slGenerated(n int) []slCase {
	r := rand.New(rand.NewPCG(20260721, 16))
	var cases []slCase
	for i := range n {
		var opts []string
		add := func(name string, pool []string, p float64) {
			if r.Float64() < p {
				if v := pick(r, pool); v != "<none>" {
					opts = append(opts, fmt.Sprintf("%q: %s", name, v))
				}
			}
		}
		add("allow_origins", slOriginOptions, 0.85)
		add("allow_methods", slMethodOptions, 0.5)
		add("allow_headers", slHeaderOptions, 0.45)
		add("allow_credentials", slCredOptions, 0.5)
		add("allow_origin_regex", slRegexOptions, 0.3)
		add("expose_headers", slExposeOptions, 0.3)
		add("max_age", slMaxAgeOptions, 0.25)
		c := slCase{name: fmt.Sprintf("gen%03d", i), options: "{" + strings.Join(opts, ", ") + "}"}
		origin := pick(r, slOrigins)
		if r.IntN(3) == 0 {
			origin = "https://a.example"
		}
		switch k := r.IntN(10); {
		case k < 5:
			acrm, acrh := pick(r, slACRMs), pick(r, slACRHs)
			if r.IntN(2) == 0 {
				acrm, acrh = "GET", "<none>" // what the default allow_methods lets through
			}
			c.method, c.headers = slPreflight(origin, acrm, acrh)
		default:
			c.method, c.headers = slActual(pick(r, slMethods), origin)
		}
		if r.Float64() < 0.2 {
			c.headers = append(c.headers, [2]string{"Cookie", "session=1"})
		}
		if r.Float64() < 0.1 {
			c.url = pick(r, slURLs)
		}
		cases = append(cases, c)
	}
	return cases
}

// slHandPicked are the quirks, each as a configuration × request pair.
func slHandPicked() []slCase {
	pf := func(name, options, origin, acrm, acrh string) slCase {
		m, hs := slPreflight(origin, acrm, acrh)
		return slCase{name: name, options: options, method: m, headers: hs}
	}
	get := func(name, options, method, origin string) slCase {
		m, hs := slActual(method, origin)
		return slCase{name: name, options: options, method: m, headers: hs}
	}
	with := func(c slCase, hs ...[2]string) slCase { c.headers = append(c.headers, hs...); return c }
	at := func(c slCase, url string) slCase { c.url = url; return c }
	const a = `{"allow_origins": ["https://a.example"]}`
	return []slCase{
		get("default: no CORS at all", `{}`, "GET", "https://a.example"),
		pf("default preflight refuses the origin", `{}`, "https://a.example", "GET", "<none>"),
		get("listed origin echoed with Vary", a, "GET", "https://a.example"),
		get("unlisted origin: nothing", a, "GET", "https://evil.example"),
		get("suffix attack refused", a, "GET", "https://a.example.evil.com"),
		get("http downgrade refused", a, "GET", "http://a.example"),
		get("case differs refused", a, "GET", "https://A.EXAMPLE"),
		get("null refused", a, "GET", "null"),
		get("null listed", `{"allow_origins": ["null"]}`, "GET", "null"),
		get("no Origin: app only", a, "GET", "<none>"),
		get("empty Origin is an Origin", `{"allow_origins": "https://a.example"}`, "GET", ""),
		get("string origins: substring", `{"allow_origins": "https://a.example"}`, "GET", "https://a.exampl"),
		get("string origins: shorter host", `{"allow_origins": "https://a.example.com"}`, "GET", "https://a.example.co"),
		get("string origins: two in one", `{"allow_origins": "https://a.example,https://b.example"}`, "GET", "https://b.example"),
		get("string origins: star anywhere", `{"allow_origins": "https://*.a.example"}`, "GET", "https://evil.example"),
		get("string origins: star with credentials", `{"allow_origins": "https://*.a.example", "allow_credentials": true}`, "GET", "https://evil.example"),
		get("trailing slash never matches", `{"allow_origins": ["https://a.example/"]}`, "GET", "https://a.example"),
		get("wildcard", `{"allow_origins": ["*"]}`, "GET", "https://evil.example"),
		with(get("wildcard with a cookie echoes", `{"allow_origins": ["*"]}`, "GET", "https://evil.example"), [2]string{"Cookie", "a=1"}),
		get("wildcard credentials without cookie", `{"allow_origins": ["*"], "allow_credentials": true}`, "GET", "https://evil.example"),
		with(get("wildcard credentials with cookie", `{"allow_origins": ["*"], "allow_credentials": true}`, "GET", "https://evil.example"), [2]string{"cookie", ""}),
		pf("wildcard credentials preflight echoes", `{"allow_origins": ["*"], "allow_credentials": true}`, "https://evil.example", "GET", "<none>"),
		pf("wildcard preflight star", `{"allow_origins": ["*"]}`, "https://evil.example", "GET", "<none>"),
		get("credentials sent to a refused origin", `{"allow_origins": ["https://a.example"], "allow_credentials": true, "expose_headers": ["X-Total"]}`, "GET", "https://evil.example"),
		pf("preflight ok", `{"allow_origins": ["https://a.example"], "allow_methods": ["PUT"], "allow_headers": ["X-Token"]}`, "https://a.example", "PUT", "x-token"),
		pf("preflight all failures", `{"allow_origins": ["https://a.example"]}`, "https://evil.example", "PUT", "x-token"),
		pf("preflight method failure keeps ACAO", `{"allow_origins": ["https://a.example"]}`, "https://a.example", "DELETE", "<none>"),
		pf("Authorization not safelisted", a, "https://a.example", "GET", "Authorization"),
		pf("Authorization allowed lower-cased", `{"allow_origins": ["https://a.example"], "allow_headers": ["AUTHORIZATION"]}`, "https://a.example", "GET", "authorization"),
		pf("empty ACRH fails", a, "https://a.example", "GET", ""),
		pf("empty ACRH echoed with star", `{"allow_origins": ["https://a.example"], "allow_headers": ["*"]}`, "https://a.example", "GET", ""),
		pf("ACRH echoed verbatim with star", `{"allow_origins": ["https://a.example"], "allow_headers": ["*"]}`, "https://a.example", "GET", "X-Anything,  Authorization"),
		pf("ACRH trailing comma fails", a, "https://a.example", "GET", "content-type,"),
		pf("ACRH whitespace stripped", a, "https://a.example", "GET", "\tcontent-type ,  accept\x0b"),
		pf("ACRH NBSP stripped as Latin-1 space", a, "https://a.example", "GET", "accept\xa0"),
		pf("lower-case ACRM refused", a, "https://a.example", "get", "<none>"),
		pf("methods string substring", `{"allow_origins": ["https://a.example"], "allow_methods": "GET, PUT"}`, "https://a.example", "T, P", "<none>"),
		pf("methods string empty ACRM", `{"allow_origins": ["https://a.example"], "allow_methods": "GET"}`, "https://a.example", "", "<none>"),
		pf("methods star in a string", `{"allow_origins": ["https://a.example"], "allow_methods": "GET *"}`, "https://a.example", "PATCH", "<none>"),
		pf("methods star", `{"allow_origins": ["https://a.example"], "allow_methods": ["*"]}`, "https://a.example", "PATCH", "<none>"),
		pf("methods list is case-sensitive", `{"allow_origins": ["https://a.example"], "allow_methods": ["put"]}`, "https://a.example", "PUT", "<none>"),
		pf("headers sorted capitals first", `{"allow_origins": ["https://a.example"], "allow_headers": ["x-b", "X-A", "Accept", "accept"]}`, "https://a.example", "GET", "x-a, X-B"),
		pf("max_age negative", `{"allow_origins": ["https://a.example"], "max_age": -5}`, "https://a.example", "GET", "<none>"),
		pf("max_age huge", `{"allow_origins": ["https://a.example"], "max_age": 123456789012345678901234567890}`, "https://a.example", "GET", "<none>"),
		pf("max_age minus zero", `{"allow_origins": ["https://a.example"], "max_age": -0}`, "https://a.example", "GET", "<none>"),
		get("OPTIONS without ACRM goes to the app", a, "OPTIONS", "https://a.example"),
		get("lower-case patch is a 405", a, "patch", "https://a.example"),
		get("HEAD is routed", a, "HEAD", "https://a.example"),
		pf("lower-case options is not a preflight", a, "https://a.example", "GET", "<none>"),
		pf("preflight without Origin goes to the app", a, "<none>", "GET", "<none>"),
		get("regex fullmatch", `{"allow_origin_regex": "https://.*\\.a\\.example"}`, "GET", "https://sub.a.example"),
		get("regex fullmatch refuses a suffix", `{"allow_origin_regex": "https://.*\\.a\\.example"}`, "GET", "https://sub.a.example.evil.com"),
		get("regex unescaped dot", `{"allow_origin_regex": "https://a.example.com"}`, "GET", "https://aXexample.com"),
		get("regex case-sensitive", `{"allow_origin_regex": "https://a\\.example"}`, "GET", "https://A.example"),
		get("regex (?i)", `{"allow_origin_regex": "(?i)https://a\\.example"}`, "GET", "https://A.EXAMPLE"),
		get("regex empty matches the empty Origin", `{"allow_origin_regex": ""}`, "GET", ""),
		get("regex dollar then newline", `{"allow_origin_regex": "https://a\\.example$\n"}`, "GET", "https://a.example\n"),
		get("regex Unicode word on Latin-1", `{"allow_origin_regex": "https://\\w+\\.example"}`, "GET", "https://caf\xc3\xa9.example"),
		get("regex and list together", `{"allow_origin_regex": "https://b\\.example", "allow_origins": ["https://a.example"]}`, "GET", "https://a.example"),
		get("UTF-8 origin vs listed text", `{"allow_origins": ["https://caf\u00e9.example"]}`, "GET", "https://caf\xc3\xa9.example"),
		get("Latin-1 origin vs listed text", `{"allow_origins": ["https://caf\u00e9.example"]}`, "GET", "https://caf\xe9.example"),
		get("Latin-1 expose header sent as a byte", `{"allow_origins": ["https://a.example"], "expose_headers": ["X-\u00e9"]}`, "GET", "https://a.example"),
		get("non-Latin-1 expose header: 500", `{"allow_origins": ["https://a.example"], "expose_headers": ["X-\u65e5"]}`, "GET", "https://a.example"),
		get("non-Latin-1 expose header without Origin", `{"allow_origins": ["https://a.example"], "expose_headers": ["X-\u65e5"]}`, "GET", "<none>"),
		pf("non-Latin-1 allow header: preflight 500", `{"allow_origins": ["https://a.example"], "allow_headers": ["X-\u03a9"]}`, "https://a.example", "GET", "<none>"),
		pf("non-Latin-1 allow header ignored with star", `{"allow_origins": ["https://a.example"], "allow_headers": ["X-\u03a9", "*"]}`, "https://a.example", "GET", "x-a"),
		pf("non-Latin-1 method: preflight 500", `{"allow_origins": ["https://a.example"], "allow_methods": ["G\u0395T"]}`, "https://a.example", "GET", "<none>"),
		pf("dotted I lowers to two characters", `{"allow_origins": ["https://a.example"], "allow_headers": ["X-\u0130d", "*"]}`, "https://a.example", "GET", "x-id"),
		pf("Kelvin sign lowers to k", `{"allow_origins": ["https://a.example"], "allow_methods": ["GET"], "allow_headers": ["X-\u212a"]}`, "https://a.example", "GET", "x-k"),
		with(get("first Origin wins", a, "GET", "https://evil.example"), [2]string{"Origin", "https://a.example"}),
		with(get("second Origin ignored", a, "GET", "https://a.example"), [2]string{"Origin", "https://evil.example"}),
		with(pf("first ACRM wins", a, "https://a.example", "PUT", "<none>"), [2]string{"Access-Control-Request-Method", "GET"}),
		{name: "header names are case-insensitive", options: a, method: "GET", headers: [][2]string{{"oRiGiN", "https://a.example"}}},
		at(get("404 gets CORS headers", a, "GET", "https://a.example"), "http://testserver/x"),
		at(get("trailing slash redirect", a, "GET", "https://a.example"), "http://testserver/r/"),
		at(get("redirect keeps the query", a, "POST", "https://a.example"), "http://testserver/r//?a=b c&d=%41"),
		at(get("redirect to another host", a, "GET", "<none>"), "https://api.example.com:8443/r/"),
		at(get("path newline matches the route", a, "GET", "https://a.example"), "http://testserver/r%0A"),
		at(get("root is a 404", a, "GET", "https://a.example"), "http://testserver/"),
		at(get("encoded slash redirect", a, "GET", "https://a.example"), "http://testserver/r%2F"),
		at(with(get("redirect with the Host header", a, "GET", "https://a.example"), [2]string{"Host", "[::1]:8080"}), "http://testserver/r/"),
		at(with(get("redirect with an invalid Host header", a, "GET", "https://a.example"), [2]string{"Host", "bad host"}), "http://testserver/r/?x=1"),
		at(get("redirect path with invalid UTF-8", a, "GET", "https://a.example"), "http://testserver/r%FF%E2%82%C3%A9/"),
		get("unknown option", `{"allow_origin": ["https://a.example"]}`, "GET", "https://a.example"),
		get("app option", `{"app": 1}`, "GET", "https://a.example"),
		get("regex error missing paren", `{"allow_origin_regex": "(https://a\\.example"}`, "GET", "https://a.example"),
		get("regex error unbalanced", `{"allow_origin_regex": "https://a\\.example)"}`, "GET", "https://a.example"),
		get("regex error nothing to repeat", `{"allow_origin_regex": "*.a.example"}`, "GET", "https://a.example"),
		get("regex error bad range", `{"allow_origin_regex": "https://[z-a]"}`, "GET", "https://a.example"),
		get("regex error bad escape", `{"allow_origin_regex": "https://\\q"}`, "GET", "https://a.example"),
		get("regex error multiline position", `{"allow_origin_regex": "https://a\n(b"}`, "GET", "https://a.example"),
		get("regex error without Origin too", `{"allow_origin_regex": "["}`, "GET", "<none>"),
	}
}

// slRegexErrors are patterns Python's re.compile refuses: the ConfigError
// must be re.error's text, position included.
var slRegexErrors = []string{`(`, `)`, `a)`, `[`, `[a-`, `[z-a]`, `*`, `a**`, `a{2,1}`, `\`, `\q`, `(?P<1>x)`, `(?P<a>x)(?P<a>y)`,
	`(?<x>a)`, `(?Q)`, `(?i`, `(?i-`, `(?-i)`, `a(?i)b`, `(?L)`, `(?au)`, `(?#x`, `\x1`, `\u12`, `\U0011ffff`, `[\x]`,
	`(?P<x`, `(?P`, `(?P=`, `x{1,0}?`, `^*`, `$+`, `\b?`, `(?i-i:a)`, `(?-a:x)`, `[\777]`, `\777`, `(?P<>x)`, `a|*`,
	`(?:`, "a\nb)", `(?i:a`, `\N`, `[a-\d]`, `[\d-z]`, `x(?<`, `(?s-x)`, `(?m-s:x`, `{1}`, `a{,2}{3}`, `(?x-`}

// slRefused are patterns Python compiles and Go's RE2 cannot express: the
// engine must refuse them (a *engine.FieldError), not guess.
var slRefused = []string{`https://(?=a)`, `(?<=x)y`, `(a)\1`, `(?P<n>a)(?P=n)`, `a*+`, `(?>a)`, `(a)?(?(1)b|c)`,
	`(?x) a`, `(?a)\w`, `a{1001}`, `\N{LATIN SMALL LETTER A}`, `[\W\d]`, `(?=[a-z])\d`}

// slRandomRegexCases draw allow_origin_regex patterns from Python regex
// tokens (valid and invalid alike) with a fixed seed, each against two short
// origins: fullmatch, re.error's text, or a refusal the real library
// contradicts by compiling the pattern.
func slRandomRegexCases(n int) []slCase {
	tokens := []string{"a", "p", "ap", ".", `\.`, "*", "+", "?", "{2}", "{,2}", "{1,}", "{", "}", "(", ")", "(?:",
		"|", "[a-z]", "[^.]", `\w`, `\d`, `\s`, "^", "$", `\b`, `\Z`, `\A`, "(?i)", "(?#x)", "]", "[", "-", ":",
		"/", `\x61`, `\141`, "(?P<g>", `\\`, `[\w.]`, "[]a]", "(?s:", "(?-i:", "P", "A", "*?", "??", `\`, "(?m)", "\n"}
	origins := []string{"a", "ap", "aap", "A", "a.p", "p:a", "", "a\n", "aa", "-", "{2}"}
	r := rand.New(rand.NewPCG(11, 2026))
	var cases []slCase
	for i := range n {
		var b strings.Builder
		for range 1 + r.IntN(5) {
			b.WriteString(pick(r, tokens))
		}
		pj, _ := json.Marshal(b.String())
		for range 2 {
			m, hs := slActual("GET", pick(r, origins))
			cases = append(cases, slCase{name: fmt.Sprintf("random regex %d %q", i, b.String()), options: `{"allow_origin_regex": ` + string(pj) + `}`, method: m, headers: hs})
		}
	}
	return cases
}

func TestStarletteDifferential(t *testing.T) {
	start := time.Now()
	h := startStarletteHarness(t)
	cases := slHandPicked()
	for _, p := range slRegexErrors {
		pj, _ := json.Marshal(p)
		m, hs := slActual("GET", "https://a.example")
		cases = append(cases, slCase{name: "re.error " + p, options: `{"allow_origin_regex": ` + string(pj) + `}`, method: m, headers: hs})
	}
	cases = append(cases, slGenerated(400)...)
	for _, p := range slRefused {
		pj, _ := json.Marshal(p)
		m, hs := slActual("GET", "https://a.example")
		cases = append(cases, slCase{name: "refused " + p, options: `{"allow_origin_regex": ` + string(pj) + `}`, method: m, headers: hs})
	}
	cases = append(cases, slRandomRegexCases(150)...)
	kinds := map[string]int{}
	checked, refused := 0, 0
	for _, c := range cases {
		want := h.real(t, c)
		got, err := c.emulated(t)
		var fe *engine.FieldError
		if (strings.HasPrefix(c.name, "refused ") || strings.HasPrefix(c.name, "random regex")) && errors.As(err, &fe) {
			if want.ConfigError != "" {
				t.Errorf("%s: the engine refuses the pattern (%v) but Python rejects it too (%s): the emulation must say so", c.name, err, want.ConfigError)
			}
			refused++
			continue
		}
		if strings.HasPrefix(c.name, "refused ") {
			t.Errorf("%s: the engine answers %s (%v): it must refuse a pattern RE2 cannot express", c.name, got, err)
			continue
		}
		if err != nil {
			t.Errorf("%s\n  options %s\n  %s %s %q\n  engine error: %v\n  real: %s", c.name, c.options, c.method, c.target(), c.headers, err, want)
			continue
		}
		checked++
		kinds[want.kind(c.method)]++
		if got.String() != want.String() {
			t.Errorf("%s\n  options %s\n  %s %s %q\n  engine: %s\n  real:   %s", c.name, c.options, c.method, c.target(), c.headers, got, want)
		}
	}
	if checked < 150 {
		t.Fatalf("only %d configuration × request pairs compared: at least 150 must", checked)
	}
	var ks []string
	for k, n := range kinds {
		ks = append(ks, fmt.Sprintf("%s %d", k, n))
	}
	sort.Strings(ks)
	t.Logf("starlette: %d pairs compared with the real Starlette 0.26.1 in %v (%s); %d patterns RE2 lacks refused, each compiled by Python", checked, time.Since(start).Round(time.Millisecond), strings.Join(ks, ", "), refused)
}

// TestStarletteImportLiterals checks how the "starlette" library's Import
// reads Python literals against Python itself (ast.literal_eval): each
// value written as allow_origins=VALUE must decode to what Python makes of
// it, or be refused when Python cannot evaluate it or corsplay does not
// take it (a bytes or f-string, a set, a float).
func TestStarletteImportLiterals(t *testing.T) {
	h := startStarletteHarness(t)
	l, _ := server.Lookup("starlette", "")
	exprs := []string{`"https://a.example"`, `'single'`, `["a", 'b',]`, `("a",)`, `("a")`, `()`, `[]`, `True`, `None`, `0x1F`, `1_000`, `-5`, `0`,
		`"a" 'b' """c"""`, `'\x41\101\u00e9\U0001F600\n\t\\\'\"'`, `r"\d\.\'"`, `R'\n'`, `"\d\q\%"`, `u"x"`, `'''tri
ple'''`, `"con\
tinued"`, `["a", # comment
 "b"]`, `"\0\7\777"`, `"\N{EM DASH}"`, `b"x"`, `f"x"`, `{"a"}`, `1.5`, `ORIGINS`, `get()`, `"a" + "b"`, `["a"]*2`, `017`, `"\x4"`,
		`'\u12'`, `"""a""" "b"`, `rb"x"`, `Br"x"`, `[("a", ["b", (True, None)])]`, `-0`, `0o17`, `0b101`, `12345678901234567890123`}
	for _, e := range exprs {
		var py struct {
			Value any    `json:"value"`
			Error string `json:"error"`
		}
		h.ask(t, map[string]string{"literal": e}, &py)
		got, err := l.Import("CORSMiddleware(app, allow_origins=" + e + ")")
		switch {
		case err != nil && py.Error == "" && !strings.ContainsAny(e, "bfN{.") && !strings.Contains(e, `\x4`) && !strings.Contains(e, `\u12`):
			t.Errorf("%s: Python reads %v but Import refuses it: %v", e, py.Value, err)
		case err == nil && py.Error != "":
			t.Errorf("%s: Python refuses it (%s) but Import reads %s", e, py.Error, got["allow_origins"])
		case err == nil:
			want, _ := json.Marshal(py.Value)
			var v any
			json.Unmarshal(got["allow_origins"], &v)
			if g, _ := json.Marshal(v); string(g) != string(want) {
				t.Errorf("%s: Import reads %s, Python %s", e, g, want)
			}
		}
	}
}
