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
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"corsplay/engine"
	"corsplay/engine/server"
)

// The differential test of the engine's "rack-cors" emulation: every case is
// answered by the real rack-cors 1.1.1 (Debian's ruby-rack-cors on Rack 2.2,
// driven by rackcors_server.rb under /usr/bin/ruby: one process, one JSON
// line per case) and by engine.Server{Library: ...}.Respond. The status and
// every header line of the Hash (names as rack-cors and the app write them,
// values, order) must agree, and so must the configuration errors (the
// exception's message). A call that raises in Ruby (Encoding::
// CompatibilityError) is a 500 without headers in the engine.

const (
	rackRuby    = "/usr/bin/ruby"
	rackInstall = "apt-get install ruby-rack-cors ruby-rack ruby-webrick"
	rackURL     = "https://api.example.com"
)

type rackCase struct {
	name    string
	options string
	method  string
	path    string // "/r" when empty
	headers [][2]string
	route   string // the app's route; "/r" when empty
}

type rackAnswer struct {
	ConfigError string
	Status      int
	Headers     [][2]string
}

func (a rackAnswer) String() string {
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

// rackHarness is the running rackcors_server.rb.
type rackHarness struct {
	mu    sync.Mutex
	stdin io.WriteCloser
	out   *bufio.Reader
}

// rackBytes carries bytes in JSON: each byte is the character of that code.
func rackBytes(s string) string {
	r := make([]rune, len(s))
	for i := 0; i < len(s); i++ {
		r[i] = rune(s[i])
	}
	return string(r)
}

func rackUnbytes(s string) string {
	var b []byte
	for _, r := range s {
		b = append(b, byte(r))
	}
	return string(b)
}

// startRackHarness starts the real library, or fails with what to install:
// it never skips.
func startRackHarness(t *testing.T) *rackHarness {
	t.Helper()
	if out, err := exec.Command(rackRuby, "-e", `require "rack/cors"; require "rack/cors/version"; abort Rack::Cors::VERSION unless Rack::Cors::VERSION == "1.1.1"`).CombinedOutput(); err != nil {
		t.Fatalf("the real rack-cors 1.1.1 is not loadable by %s (%v: %s): install it with `%s`", rackRuby, err, bytes.TrimSpace(out), rackInstall)
	}
	cmd := exec.Command(rackRuby, "rackcors_server.rb")
	stdin, err := cmd.StdinPipe() // closing it ends the server
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
		t.Fatalf("starting %s rackcors_server.rb: %v (install it with `%s`)", rackRuby, err, rackInstall)
	}
	t.Cleanup(func() {
		stdin.Close()
		cmd.Process.Kill()
		cmd.Wait()
		if t.Failed() && stderr.Len() > 0 {
			t.Logf("rackcors_server.rb stderr: %s", stderr.String())
		}
	})
	h := &rackHarness{stdin: stdin, out: bufio.NewReaderSize(stdout, 1<<16)}
	var v struct{ Rack_cors, Rack, Ruby string }
	h.do(t, map[string]any{"op": "version"}, &v)
	if v.Rack_cors != "1.1.1" || !strings.HasPrefix(v.Rack, "2.2.") {
		t.Fatalf("rackcors_server.rb runs rack-cors %q on Rack %q: want 1.1.1 on 2.2 (install `%s`)", v.Rack_cors, v.Rack, rackInstall)
	}
	return h
}

func (h *rackHarness) do(t *testing.T, req any, out any) {
	t.Helper()
	h.mu.Lock()
	defer h.mu.Unlock()
	b, _ := json.Marshal(req)
	if _, err := h.stdin.Write(append(b, '\n')); err != nil {
		t.Fatalf("rackcors_server.rb: %v", err)
	}
	line, err := h.out.ReadBytes('\n')
	if err != nil {
		t.Fatalf("rackcors_server.rb: %v (after %s)", err, b)
	}
	if err := json.Unmarshal(line, out); err != nil {
		t.Fatalf("rackcors_server.rb said %s: %v", line, err)
	}
}

func (c rackCase) url() string {
	if c.path == "" {
		return rackURL + "/r"
	}
	return rackURL + c.path
}

// real asks the real library; raised is the exception of a call that
// raised.
func (h *rackHarness) real(t *testing.T, c rackCase) (a rackAnswer, raised string) {
	t.Helper()
	hs := [][2]string{}
	for _, kv := range c.headers {
		hs = append(hs, [2]string{rackBytes(kv[0]), rackBytes(kv[1])})
	}
	var out struct {
		Status      int
		Headers     [][2]string
		ConfigError string `json:"config_error"`
		Raised      string
		Error       string
	}
	h.do(t, map[string]any{"op": "call", "options": json.RawMessage(c.options), "method": rackBytes(c.method), "url": rackBytes(c.url()), "headers": hs}, &out)
	if out.Error != "" {
		t.Fatalf("%s: rackcors_server.rb: %s", c.name, out.Error)
	}
	for i := range out.Headers {
		out.Headers[i] = [2]string{rackUnbytes(out.Headers[i][0]), rackUnbytes(out.Headers[i][1])}
	}
	if out.Raised != "" {
		return rackAnswer{Status: 500}, out.Raised
	}
	return rackAnswer{ConfigError: out.ConfigError, Status: out.Status, Headers: out.Headers}, ""
}

func rackLibrary(t *testing.T, options, route string) *engine.Library {
	t.Helper()
	var opts map[string]json.RawMessage
	if err := json.Unmarshal([]byte(options), &opts); err != nil {
		t.Fatalf("options %s: %v", options, err)
	}
	if route == "" {
		route = "/r"
	}
	return &engine.Library{Name: "rack-cors", Options: opts, Route: route}
}

// emulated answers the case with the engine.
func (c rackCase) emulated(t *testing.T) (rackAnswer, error) {
	t.Helper()
	req := engine.HTTPRequest{Method: c.method, URL: c.url()}
	for _, kv := range c.headers {
		req.Headers = append(req.Headers, engine.Header{Name: kv[0], Value: kv[1]})
	}
	resp, err := engine.Server{Library: rackLibrary(t, c.options, c.route)}.Respond(req)
	var ce *engine.ConfigError
	if errors.As(err, &ce) {
		return rackAnswer{ConfigError: ce.Message}, nil
	}
	if err != nil {
		return rackAnswer{}, err
	}
	a := rackAnswer{Status: resp.Status}
	for _, h := range resp.Headers {
		a.Headers = append(a.Headers, [2]string{h.Name, h.Value})
	}
	return a, nil
}

func rackPF(name, options, origin, acrm, acrh string) rackCase {
	c := rackCase{name: name, options: options, method: "OPTIONS"}
	if origin != "<none>" {
		c.headers = append(c.headers, [2]string{"Origin", origin})
	}
	if acrm != "<none>" {
		c.headers = append(c.headers, [2]string{"Access-Control-Request-Method", acrm})
	}
	if acrh != "<none>" {
		c.headers = append(c.headers, [2]string{"Access-Control-Request-Headers", acrh})
	}
	return c
}

func rackGet(name, options, method, origin string) rackCase {
	c := rackCase{name: name, options: options, method: method}
	if origin != "<none>" {
		c.headers = [][2]string{{"Origin", origin}}
	}
	return c
}

func rackAt(c rackCase, path string) rackCase { c.path = path; return c }

func rackWith(c rackCase, hs ...[2]string) rackCase {
	c.headers = append(append([][2]string{}, c.headers...), hs...)
	return c
}

// rackOpts writes the JSON form of one allow block with one resource.
func rackOpts(origins, resource string, extra ...string) string {
	o := ""
	if origins != "" {
		o = `"origins": ` + origins + `, `
	}
	top := ""
	if len(extra) > 0 {
		top = ", " + strings.Join(extra, ", ")
	}
	return `{"allow": [{` + o + `"resources": [` + resource + `]}]` + top + `}`
}

const (
	rackApp    = "https://app.example.com"
	rackSimple = `{"path": "/r", "headers": "any", "methods": ["get", "put", "patch", "delete", "post"]}`
)

func rackHandPicked() []rackCase {
	one := rackOpts(`"https://app.example.com"`, rackSimple)
	star := rackOpts(`"*"`, rackSimple)
	cases := []rackCase{
		rackPF("preflight hit", one, rackApp, "PUT", "content-type, x-token"),
		rackPF("preflight hit no ACRH", one, rackApp, "PUT", "<none>"),
		rackPF("preflight lower-case patch", one, rackApp, "patch", "<none>"),
		rackPF("preflight refused origin: empty Hash", one, "https://evil.example", "PUT", "<none>"),
		rackPF("preflight refused method", rackOpts(`"https://app.example.com"`, `{"path": "/r"}`), rackApp, "PUT", "<none>"),
		rackPF("preflight default get", rackOpts(`"https://app.example.com"`, `{"path": "/r"}`), rackApp, "GET", "<none>"),
		rackPF("methods upper-case never match", rackOpts(`"https://app.example.com"`, `{"path": "/r", "methods": ["GET", "PUT"]}`), rackApp, "GET", "<none>"),
		rackGet("methods upper-case still sent", rackOpts(`"https://app.example.com"`, `{"path": "/r", "methods": ["GET", "PUT"]}`), "GET", rackApp),
		rackPF("methods any", rackOpts(`"https://app.example.com"`, `{"path": "/r", "methods": "any"}`), rackApp, "OPTIONS", "<none>"),
		rackPF("methods string any list", rackOpts(`"https://app.example.com"`, `{"path": "/r", "methods": ["any"]}`), rackApp, "any", "<none>"),
		rackPF("methods empty list", rackOpts(`"https://app.example.com"`, `{"path": "/r", "methods": []}`), rackApp, "GET", "<none>"),
		rackGet("methods empty list ACAM", rackOpts(`"https://app.example.com"`, `{"path": "/r", "methods": []}`), "GET", rackApp),
		rackPF("headers default simple only", rackOpts(`"https://app.example.com"`, `{"path": "/r", "methods": "put"}`), rackApp, "put", "Accept, Content-Type"),
		rackPF("headers default refuses authorization", rackOpts(`"https://app.example.com"`, `{"path": "/r", "methods": "put"}`), rackApp, "PUT", "Authorization"),
		rackPF("headers list", rackOpts(`"https://app.example.com"`, `{"path": "/r", "headers": ["X-Token", "Authorization"], "methods": "put"}`), rackApp, "PUT", "x-token,AUTHORIZATION"),
		rackPF("headers star is a name", rackOpts(`"https://app.example.com"`, `{"path": "/r", "headers": "*", "methods": "put"}`), rackApp, "PUT", "x-token"),
		rackPF("headers empty element", rackOpts(`"https://app.example.com"`, `{"path": "/r", "headers": ["x-a"], "methods": "put"}`), rackApp, "PUT", "x-a,,content-type"),
		rackPF("headers trailing comma", rackOpts(`"https://app.example.com"`, `{"path": "/r", "headers": ["x-a"], "methods": "put"}`), rackApp, "PUT", "x-a, "),
		rackPF("headers empty ACRH", rackOpts(`"https://app.example.com"`, `{"path": "/r", "methods": "put"}`), rackApp, "PUT", ""),
		rackPF("preflight empty ACRM", one, rackApp, "", "<none>"),
		rackGet("actual hit", one, "GET", rackApp),
		rackGet("actual refused origin: Vary still", one, "GET", "https://evil.example"),
		rackGet("actual without Origin: Vary still", one, "GET", "<none>"),
		rackGet("actual empty Origin", one, "GET", ""),
		rackGet("actual lower-case get: 405 with CORS", one, "get", rackApp),
		rackGet("OPTIONS without ACRM is actual", one, "OPTIONS", rackApp),
		rackPF("lower-case options with ACRM is actual", one, rackApp, "PUT", "<none>"),
		rackGet("HEAD is 405", one, "HEAD", rackApp),
		rackGet("star origin", star, "GET", "https://anything.example"),
		rackPF("star origin preflight", star, "null", "PUT", "x-a"),
		rackGet("star with credentials raises", rackOpts(`"*"`, `{"path": "/r", "credentials": true}`), "GET", rackApp),
		rackGet("star with credentials false", rackOpts(`"*"`, `{"path": "/r", "credentials": false}`), "GET", rackApp),
		rackGet("star among others with credentials raises", rackOpts(`["https://app.example.com", "*"]`, `{"path": "/r", "credentials": true}`), "GET", rackApp),
		rackGet("credentials", rackOpts(`"https://app.example.com"`, `{"path": "/r", "credentials": true}`), "GET", rackApp),
		rackPF("credentials preflight", rackOpts(`"https://app.example.com"`, `{"path": "/r", "credentials": true, "headers": "any"}`), rackApp, "GET", "authorization"),
		rackGet("expose", rackOpts(`"https://app.example.com"`, `{"path": "/r", "expose": ["X-Total", "X-Request-Id"]}`), "GET", rackApp),
		rackGet("expose string", rackOpts(`"https://app.example.com"`, `{"path": "/r", "expose": "X-Total"}`), "GET", rackApp),
		rackGet("expose empty list", rackOpts(`"https://app.example.com"`, `{"path": "/r", "expose": []}`), "GET", rackApp),
		rackGet("max_age 0", rackOpts(`"https://app.example.com"`, `{"path": "/r", "max_age": 0}`), "GET", rackApp),
		rackGet("max_age negative", rackOpts(`"https://app.example.com"`, `{"path": "/r", "max_age": -5}`), "GET", rackApp),
		rackGet("max_age big", rackOpts(`"https://app.example.com"`, `{"path": "/r", "max_age": 123456789012345678901234567890}`), "GET", rackApp),
		rackGet("max_age minus zero", rackOpts(`"https://app.example.com"`, `{"path": "/r", "max_age": -0}`), "GET", rackApp),
		rackGet("vary replaces Origin", rackOpts(`"https://app.example.com"`, `{"path": "/r", "vary": ["Accept"]}`), "GET", rackApp),
		rackGet("vary repeated", rackOpts(`"https://app.example.com"`, `{"path": "/r", "vary": ["Origin", "Accept", "Origin"]}`), "GET", rackApp),
		rackGet("vary empty list is Origin", rackOpts(`"https://app.example.com"`, `{"path": "/r", "vary": []}`), "GET", rackApp),
		rackGet("vary empty string", rackOpts(`"https://app.example.com"`, `{"path": "/r", "vary": ""}`), "GET", rackApp),
		rackGet("vary with a line break", rackOpts(`"https://app.example.com"`, `{"path": "/r", "vary": "Accept\nOrigin"}`), "GET", rackApp),
		rackGet("expose with line breaks", rackOpts(`"https://app.example.com"`, `{"path": "/r", "expose": "X-A\nX-B\n"}`), "GET", rackApp),
		rackGet("if null", rackOpts(`"https://app.example.com"`, `{"path": "/r", "if": null}`), "GET", rackApp),
		rackGet("debug hit", rackOpts(`"https://app.example.com"`, rackSimple, `"debug": true`), "GET", rackApp),
		rackGet("debug miss no-origin", rackOpts(`"https://app.example.com"`, rackSimple, `"debug": true`), "GET", "https://evil.example"),
		rackGet("debug miss without Origin", rackOpts(`"https://app.example.com"`, rackSimple, `"debug": true`), "GET", "<none>"),
		rackAt(rackGet("debug miss no-path", rackOpts(`"https://app.example.com"`, rackSimple, `"debug": true`), "GET", rackApp), "/x"),
		rackPF("debug never on preflight", rackOpts(`"https://app.example.com"`, rackSimple, `"debug": true`), rackApp, "PUT", "<none>"),
		rackPF("debug refused preflight", rackOpts(`"https://app.example.com"`, rackSimple, `"debug": true`), "https://evil.example", "PUT", "<none>"),
		rackGet("debug false", rackOpts(`"https://app.example.com"`, rackSimple, `"debug": false`), "GET", rackApp),
		rackGet("bare host any scheme", rackOpts(`"app.example.com"`, rackSimple), "GET", "ftp://app.example.com"),
		rackGet("bare host http", rackOpts(`"app.example.com"`, rackSimple), "GET", "http://app.example.com"),
		rackGet("bare host suffix", rackOpts(`"app.example.com"`, rackSimple), "GET", "https://app.example.com.evil.net"),
		rackGet("bare host dot is quoted", rackOpts(`"app.example.com"`, rackSimple), "GET", "https://appXexample.com"),
		rackGet("bare host upper-case scheme", rackOpts(`"app.example.com"`, rackSimple), "GET", "HTTPS://app.example.com"),
		rackGet("bare host with port", rackOpts(`"localhost:3000"`, rackSimple), "GET", "http://localhost:3000"),
		rackGet("null string never matches", rackOpts(`"null"`, rackSimple), "GET", "null"),
		rackGet("null regex matches", rackOpts(`"/\\Anull\\z/"`, rackSimple), "GET", "null"),
		rackGet("literal is exact", rackOpts(`"https://app.example.com"`, rackSimple), "GET", "https://APP.example.com"),
		rackGet("literal trailing slash never", rackOpts(`"https://app.example.com/"`, rackSimple), "GET", rackApp),
		rackGet("literal http downgrade", rackOpts(`"https://app.example.com"`, rackSimple), "GET", "http://app.example.com"),
		rackGet("file literal", rackOpts(`"file://"`, rackSimple), "GET", "file://"),
		rackGet("upper-case literal is a host", rackOpts(`"HTTPS://app.example.com"`, rackSimple), "GET", "HTTPS://app.example.com"),
		rackGet("empty origins string dropped", rackOpts(`["", "https://app.example.com"]`, rackSimple), "GET", ""),
		rackGet("no origins call", `{"allow": [{"resources": [`+rackSimple+`]}]}`, "GET", rackApp),
		rackGet("no allow", `{}`, "GET", rackApp),
		rackGet("allow without resources", `{"allow": [{"origins": "*"}]}`, "GET", rackApp),
		rackGet("regex unanchored suffix", rackOpts(`"/app\\.example\\.com/"`, rackSimple), "GET", "https://app.example.com.evil.net"),
		rackGet("regex missing dot escape", rackOpts(`"/^https:\\/\\/a.example.com$/"`, rackSimple), "GET", "https://aXexample.com"),
		rackGet("regex ignore case", rackOpts(`"/^https:\\/\\/app\\.example\\.com$/i"`, rackSimple), "GET", "https://APP.EXAMPLE.COM"),
		rackGet("regex case-sensitive", rackOpts(`"/^https:\\/\\/app\\.example\\.com$/"`, rackSimple), "GET", "https://APP.EXAMPLE.COM"),
		rackGet("regex empty matches all", rackOpts(`"//"`, rackSimple), "GET", "https://evil.example"),
		rackGet("regex syntax error", rackOpts(`"/https:\\/\\/(app/"`, rackSimple), "GET", rackApp),
		rackGet("regex error message with slash", rackOpts(`"/a/[/"`, rackSimple), "GET", rackApp),
		rackGet("regex error message ignore-case", rackOpts(`"/*/i"`, rackSimple), "GET", rackApp),
		rackGet("two allow blocks: second answers", `{"allow": [{"origins": "https://admin.example.com", "resources": [{"path": "/r"}]}, {"origins": "https://app.example.com", "resources": [{"path": "/r", "methods": "put"}]}]}`, "GET", rackApp),
		rackGet("two allow blocks: first has no path", `{"allow": [{"origins": "https://app.example.com", "resources": [{"path": "/x"}]}, {"origins": "https://app.example.com", "resources": [{"path": "/r", "vary": "Accept"}]}], "debug": true}`, "GET", rackApp),
		rackGet("two allow blocks: Vary from the first path", `{"allow": [{"origins": "https://admin.example.com", "resources": [{"path": "/r", "vary": "X-First"}]}, {"origins": "https://app.example.com", "resources": [{"path": "/r", "vary": "X-Second"}]}]}`, "GET", rackApp),
		rackGet("star block is public for its resources only", `{"allow": [{"origins": "https://app.example.com", "resources": [{"path": "/r", "credentials": true}]}, {"origins": "*", "resources": [{"path": "/r"}]}]}`, "GET", "https://evil.example"),
		rackGet("credentials error in second block", `{"allow": [{"origins": "https://a.example", "resources": [{"path": "/r"}]}, {"origins": "*", "resources": [{"path": "/r", "credentials": true}]}]}`, "GET", rackApp),
		rackGet("path syntax error", rackOpts(`"*"`, `{"path": "/r["}`), "GET", rackApp),
		rackGet("path error before credentials of later resource", rackOpts(`"*"`, `{"path": "/r("}, {"path": "/r", "credentials": true}`), "GET", rackApp),
		rackGet("X-Origin stands in for Origin", one, "GET", "<none>"),
		rackGet("Origin wins over X-Origin", one, "GET", "https://evil.example"),
		rackGet("duplicate Origin joined", one, "GET", rackApp),
		rackGet("Origin value stripped", one, "GET", "  https://app.example.com \t"),
		rackGet("bare host non-ASCII raises on non-ASCII origin", rackOpts(`"café.example"`, rackSimple), "GET", "https://caf\u00e9.example"),
		rackGet("bare host non-ASCII and ASCII origin", rackOpts(`"café.example"`, rackSimple), "GET", rackApp),
		rackGet("regex non-ASCII raises", rackOpts(`"/café/"`, rackSimple), "GET", "https://caf\u00e9.example"),
		rackGet("literal non-ASCII never equal", rackOpts(`"https://café.example"`, rackSimple), "GET", "https://caf\u00e9.example"),
		rackGet("ASCII regex on non-ASCII bytes", rackOpts(`"/^https:\\/\\/caf..\\.example$/"`, rackSimple), "GET", "https://caf\u00e9.example"),
		rackGet("ASCII regex counts bytes", rackOpts(`"/^https:\\/\\/caf.\\.example$/"`, rackSimple), "GET", "https://caf\u00e9.example"),
		rackPF("non-ASCII header name configured", rackOpts(`"https://app.example.com"`, `{"path": "/r", "headers": ["x-é"], "methods": "put"}`), rackApp, "PUT", "x-\u00e9"),
		rackPF("Kelvin sign header downcases to k", rackOpts(`"https://app.example.com"`, `{"path": "/r", "headers": ["x-\u212a"], "methods": "put"}`), rackApp, "PUT", "X-K"),
		rackGet("Latin-1 origin echoed", rackOpts(`"*"`, rackSimple), "GET", "https://caf\xe9.example"),
	}
	for i, c := range cases {
		switch c.name {
		case "X-Origin stands in for Origin":
			cases[i].headers = [][2]string{{"X-Origin", rackApp}}
		case "Origin wins over X-Origin":
			cases[i] = rackWith(c, [2]string{"X-Origin", rackApp})
		case "duplicate Origin joined":
			cases[i] = rackWith(c, [2]string{"origin", "https://b.example"})
		case "lower-case options with ACRM is actual":
			cases[i].method = "options"
		}
	}
	paths := []string{"/r", "/x", "/r/", "/R", "/r%0Afoo", "/x%0A/r", "/x/../r", "//r", "/r?q=1", "/r.json", "/r/1", "/%72", "/r%00", "/r%ff", "/./r", "/r/..", "/r#f", ""}
	globs := []string{`"/r"`, `"*"`, `"/r/*"`, `"/*"`, `"/r*"`, `"/:id"`, `"/r.json"`, `"/r?"`, `"/[rs]"`, `"/x|/r"`, `"/r/:id"`, `""`, `"/R"`, `"/r+"`, `"/(r)"`, `"/r{1,2}"`, `"/é"`}
	for i, g := range globs {
		for j, p := range paths {
			if (i+j)%3 != 0 && j > 2 {
				continue
			}
			opts := rackOpts(`"https://app.example.com"`, `{"path": `+g+`, "methods": "any"}`, `"debug": true`)
			cases = append(cases, rackAt(rackGet("path "+g+" at "+p, opts, "GET", rackApp), p))
			if j%2 == 0 {
				cases = append(cases, rackAt(rackPF("preflight path "+g+" at "+p, opts, rackApp, "PUT", "<none>"), p))
			}
		}
	}
	cases = append(cases,
		rackWith(rackPF("underscore header names alias", one, rackApp, "<none>", "<none>"), [2]string{"Access_Control_Request_Method", "PUT"}),
		rackWith(rackGet("underscore X_Origin", one, "GET", "<none>"), [2]string{"X_Origin", rackApp}),
		rackWith(rackPF("ACRM repeated", one, rackApp, "PUT", "<none>"), [2]string{"Access-Control-Request-Method", "GET"}),
	)
	return cases
}

// Generation pools.
var (
	rackOriginsPool = []string{"", `"*"`, `"https://app.example.com"`, `["https://app.example.com", "https://admin.example.com"]`,
		`"app.example.com"`, `"null"`, `["/^https:\\/\\/.*\\.example\\.com$/"]`, `["/https:\\/\\/app.example.com/"]`,
		`["/^https?:\\/\\/localhost(:\\d+)?$/i"]`, `"localhost:3000"`, `["", "https://app.example.com"]`, `[]`,
		`"HTTPS://App.Example.com"`, `["/example\\.com$/"]`, `"https://app.example.com/"`,
		`["/^https:\\/\\/(app|admin)\\.example\\.com\\z/"]`, `["https://app.example.com", "/\\Anull\\z/"]`}
	rackPathPool    = []string{`"/r"`, `"*"`, `"/r/*"`, `"/*"`, `"/x"`, `"/:id"`, `"/R"`}
	rackHeadersPool = []string{"", `"any"`, `"x-token"`, `["X-Token", "Content-Type"]`, `[]`, `"*"`, `["authorization"]`}
	rackMethodsPool = []string{"", `"any"`, `["get", "put"]`, `["GET", "PUT"]`, `"patch"`, `[]`,
		`["get", "post", "patch", "delete", "options", "head", "put"]`, `["PATCH", "patch"]`}
	rackCredsPool  = []string{"", `true`, `false`}
	rackExposePool = []string{"", `["X-Total", "X-Request-Id"]`, `"X-Total"`, `[]`, `""`}
	rackMaxAgePool = []string{"", `600`, `0`, `-5`}
	rackVaryPool   = []string{"", `["Accept"]`, `"Accept, Origin"`, `[]`, `["Origin", "Origin"]`}
	rackDebugPool  = []string{"", `true`, `false`}

	rackOrigins = []string{rackApp, "https://admin.example.com", "http://app.example.com", "https://app.example.com.evil.net",
		"https://appXexample.com", "https://evil.com", "null", "<none>", "", "https://APP.example.com", "ftp://app.example.com",
		"http://localhost:3000", "https://sub.example.com", "https://example.com", "https://a.example.evil.com"}
	rackMethods = []string{"GET", "POST", "PUT", "DELETE", "PATCH", "HEAD", "get", "patch", "OPTIONS", "options", "FOO"}
	rackACRMs   = []string{"GET", "PUT", "put", "PATCH", "patch", "DELETE", "POST", "OPTIONS", "", "HEAD", "FOO"}
	rackACRHs   = []string{"<none>", "", "content-type", "Content-Type, X-Token", "authorization", "x-token,,content-type", "X-Custom, Authorization"}
	rackPaths   = []string{"/r", "/x", "/r/", "/R", "/r%0Afoo", "/x/../r", "/r/1"}
)

// rackGenerated draws n configuration × request pairs with a fixed seed.
func rackGenerated(n int) []rackCase {
	r := rand.New(rand.NewPCG(16, 1111))
	var cases []rackCase
	for i := range n {
		var res []string
		res = append(res, `"path": `+pick(r, rackPathPool))
		for _, f := range []struct {
			key  string
			pool []string
		}{{"headers", rackHeadersPool}, {"methods", rackMethodsPool}, {"credentials", rackCredsPool},
			{"expose", rackExposePool}, {"max_age", rackMaxAgePool}, {"vary", rackVaryPool}} {
			if v := pick(r, f.pool); v != "" {
				res = append(res, `"`+f.key+`": `+v)
			}
		}
		var extra []string
		if d := pick(r, rackDebugPool); d != "" {
			extra = append(extra, `"debug": `+d)
		}
		opts := rackOpts(pick(r, rackOriginsPool), "{"+strings.Join(res, ", ")+"}", extra...)
		var c rackCase
		if r.IntN(2) == 0 {
			c = rackPF(fmt.Sprintf("generated %d preflight", i), opts, pick(r, rackOrigins), pick(r, rackACRMs), pick(r, rackACRHs))
		} else {
			c = rackGet(fmt.Sprintf("generated %d actual", i), opts, pick(r, rackMethods), pick(r, rackOrigins))
		}
		cases = append(cases, rackAt(c, pick(r, rackPaths)))
	}
	return cases
}

// rackRegexCases: Ruby patterns as origins, each against adversarial
// origins; then patterns drawn from Ruby regexp tokens (valid and invalid
// alike).
func rackRegexCases(n int) []rackCase {
	patterns := []string{`^https:\/\/app\.example\.com$`, `https://app.example.com`, `\Ahttps:\/\/[a-z]+\.example\.com\z`,
		`^https?:\/\/localhost(:\d+)?$`, `\.example\.com\Z`, `^https:\/\/(?i:APP)\.example\.com$`, `(?i)^HTTPS`,
		`^https:\/\/\w+\.example\.com$`, `^https:\/\/[[:alpha:]]+\.example`, `[^.]+\.example\.com$`, `app{2}`, `ap{,1}`,
		`\h{4}`, `a(?i)pp|x`, `^(?:https?):\/\/`, `example\.c[o]m$`, `\u0061pp`, `\x61pp`, `\141pp`, `app\b`, `\Bpp`,
		`(?m:.)example`, `[\w-]+\.example`, `^https:\/\/(app|admin)\.example\.com$`, `a**`, `x{2}{3}`, `app{1}?`,
		`[]a]pp`, `[a-c-e]pp`, `app\y`, `(?#comment)app`, `(?<name>app)`, `[\]]`, `\/\/`, `\-`,
		`(`, `)`, `[`, `*`, `a{3,1}`, `\`, `(?z)`, `[[:foo:]]`, `\x`, `\u12`, `[z-a]`, `\1`, `(?<>a)`, `[a-\d]`, `\M-a`, `\xff`,
	}
	origins := []string{rackApp, "https://admin.example.com", "https://app.example.com.evil.net", "https://aXexample.com",
		"http://localhost:3000", "https://APP.example.com", "null", "https://aapp.example.com"}
	var cases []rackCase
	for i, p := range patterns {
		pj, _ := json.Marshal([]string{"/" + p + "/"})
		for j, o := range origins {
			if (i+j)%3 != 0 && j > 1 {
				continue
			}
			cases = append(cases, rackGet(fmt.Sprintf("pattern /%s/ vs %s", p, o), rackOpts(string(pj), rackSimple), "GET", o))
		}
	}
	tokens := []string{"a", "p", "ap", "app", ".", `\.`, "*", "+", "?", "{2}", "{,2}", "{1,}", "{", "}", "(", ")", "(?:",
		"|", "[a-z]", "[^.]", `\w`, `\d`, `\s`, `\W`, `\S`, `\h`, "^", "$", `\b`, `\Z`, `\A`, `\z`, "(?i)", "(?#x)", "]",
		"[", "-", ":", "/", "https", `\x61`, `\141`, "(?<g>", `\\`, `[\w.]`, "[]a]", "(?m:", "(?-i:", "P", "A", "*?", "??",
		"[.-a]", `[\d-]`, `\`, "(?m)", "+?", `\B`, "[[:alpha:]]", "[[:^digit:]x]", `\/`, `\-`, "[a-]", `\y`, "{0}",
		`\u0061`, `\u{62}`, `[\]]`, "[a-c-e]", `\G`, "{3,1}", `\1`, "(?i:", `\0`, "[[:word", "&&", "[a[b]]", `\cA`}
	strs := []string{rackApp, "app", "aap", "ap", "a.p", "APP", "https://", "p:a", "a-b", "a]", "{2}", "aa1", "", "x/y", "_", "a\x01"}
	r := rand.New(rand.NewPCG(16, 2))
	for i := range n {
		var b strings.Builder
		for range 1 + r.IntN(6) {
			b.WriteString(pick(r, tokens))
		}
		flags := ""
		if r.IntN(4) == 0 {
			flags = "i"
		}
		pj, _ := json.Marshal([]string{"/" + b.String() + "/" + flags})
		for range 2 {
			cases = append(cases, rackGet(fmt.Sprintf("random regex %d /%s/%s", i, b.String(), flags), rackOpts(string(pj), rackSimple), "GET", pick(r, strs)))
		}
	}
	return cases
}

func TestRackCORSDifferential(t *testing.T) {
	start := time.Now()
	h := startRackHarness(t)
	var cases []rackCase
	cases = append(cases, rackHandPicked()...)
	cases = append(cases, rackGenerated(320)...)
	cases = append(cases, rackRegexCases(160)...)
	compared, configErrors, raised, refused := 0, 0, 0, 0
	kinds := map[string]int{}
	for _, c := range cases {
		want, exc := h.real(t, c)
		got, err := c.emulated(t)
		var fe *engine.FieldError
		if errors.As(err, &fe) && strings.HasPrefix(c.name, "random regex") || errors.As(err, &fe) && strings.HasPrefix(c.name, "pattern ") {
			if want.ConfigError != "" {
				t.Errorf("%s: the engine refuses the pattern (%v) but Ruby raises %q: it must raise the same", c.name, err, want.ConfigError)
			}
			refused++
			continue
		}
		if err != nil {
			t.Errorf("%s\n  options %s\n  %s %s %q\n  engine error: %v\n  real: %s", c.name, c.options, c.method, c.url(), c.headers, err, want)
			continue
		}
		if exc != "" {
			if !strings.HasPrefix(exc, "Encoding::CompatibilityError:") {
				t.Errorf("%s: Ruby raised %s, which the engine does not emulate", c.name, exc)
			}
			raised++
		}
		compared++
		switch {
		case want.ConfigError != "":
			configErrors++
			kinds["config error"]++
		case exc != "":
			kinds["500 (raised)"]++
		case len(want.Headers) == 0:
			kinds[strconv.Itoa(want.Status)+" without headers"]++
		case want.Headers[0][0] == "Access-Control-Allow-Origin":
			kinds[strconv.Itoa(want.Status)+" with CORS headers"]++
		default:
			kinds[strconv.Itoa(want.Status)+" without CORS headers"]++
		}
		if got.String() != want.String() {
			t.Errorf("%s\n  options %s\n  %s %s %q\n  real:   %s\n  engine: %s", c.name, c.options, c.method, c.url(), c.headers, want, got)
		}
	}
	if compared < 150 {
		t.Errorf("only %d pairs compared, want at least 150", compared)
	}
	t.Logf("%d configuration × request pairs agree with the real rack-cors 1.1.1 (%v; %d raised in Ruby); %d untranslatable patterns refused; %v",
		compared, kinds, raised, refused, time.Since(start).Round(time.Millisecond))
}

// TestRackCORSRefused: patterns Ruby compiles and Go's RE2 cannot express
// are refused (a FieldError), never guessed.
func TestRackCORSRefused(t *testing.T) {
	h := startRackHarness(t)
	for _, p := range []string{`(?=app)`, `(?<!x)app`, `(a)\1`, `(?<n>a)\k<n>`, `a*+`, `(?>a)`, `(?~a)`, `\p{Alpha}`, `\R`, `\X`, `(?x) a`, `[a&&b]`, `a{1001}`, `\Z\n`, `(?i)ß`} {
		pj, _ := json.Marshal([]string{"/" + p + "/"})
		c := rackGet("refused "+p, rackOpts(string(pj), rackSimple), "GET", rackApp)
		if want, _ := h.real(t, c); want.ConfigError != "" {
			t.Errorf("%s: Ruby refuses it too (%s)", c.name, want.ConfigError)
		}
		_, err := c.emulated(t)
		var fe *engine.FieldError
		if !errors.As(err, &fe) || !strings.HasPrefix(fe.Field, "server.library.options.allow[0].origins") {
			t.Errorf("%s: want a FieldError on allow[0].origins, got %v", c.name, err)
		}
	}
}

// TestRackCORSExportRuns runs the program Export writes (WEBrick, Debian's
// ruby) for several configurations and compares its answers over loopback
// with the emulation's: status, and every header but the server's own
// (Date, Server, Content-Length, Connection), names case-insensitively
// (WEBrick writes X-Rack-Cors), values and order.
func TestRackCORSExportRuns(t *testing.T) {
	if out, err := exec.Command(rackRuby, "-e", `require "rack/cors"; require "rack/handler/webrick"`).CombinedOutput(); err != nil {
		t.Fatalf("ruby cannot load rack-cors and WEBrick (%v: %s): install `%s`", err, bytes.TrimSpace(out), rackInstall)
	}
	lib, _ := server.Lookup("rack-cors", "")
	configs := []string{
		rackOpts(`["https://app.example.com", "/^https:\\/\\/.*\\.admin\\.example$/i", "localhost:3000"]`,
			`{"path": "/r", "headers": ["X-Token"], "methods": ["get", "put", "PATCH"], "credentials": true, "expose": ["X-Total"], "max_age": 600}`, `"debug": true`),
		rackOpts(`"*"`, `{"path": "/r/*", "headers": "any", "methods": "any", "vary": ["Accept", "Origin"]}`),
		`{"allow": [{"origins": "https://admin.example.com", "resources": [{"path": "/x"}]}, {"origins": ["https://app.example.com"], "resources": [{"path": "*", "methods": "put", "expose": "X-A", "if": null}]}]}`,
		rackOpts(`"/a/b/"`, `{"path": "/:id", "methods": "get"}`, `"debug": false`),
		rackOpts(`"*"`, `{"path": "/r", "credentials": true}`),
	}
	reqs := []rackCase{
		rackPF("preflight", "", rackApp, "PUT", "x-token"),
		rackPF("preflight refused", "", "https://evil.example", "PUT", "<none>"),
		rackPF("preflight patch", "", "https://x.ADMIN.example", "patch", "<none>"),
		rackGet("get", "", "GET", rackApp),
		rackGet("get localhost", "", "GET", "http://localhost:3000"),
		rackGet("get no origin", "", "GET", "<none>"),
		rackGet("get refused", "", "GET", "https://evil.example"),
		rackGet("lower-case patch", "", "patch", rackApp),
		rackGet("delete", "", "DELETE", "https://a/b"),
		rackAt(rackGet("other path", "", "GET", rackApp), "/x"),
		rackAt(rackGet("cleaned path", "", "GET", rackApp), "/r/"),
	}
	dir := t.TempDir()
	pairs := 0
	for i, opts := range configs {
		var o map[string]json.RawMessage
		json.Unmarshal([]byte(opts), &o)
		prog, err := lib.Export(o, "/r")
		if err != nil {
			t.Fatalf("Export(%s): %v", opts, err)
		}
		back, err := lib.Import(prog)
		if err != nil {
			t.Errorf("Import(Export(%s)): %v", opts, err)
		} else if a, b := canonicalJSON(t, o), canonicalJSON(t, back); a != b {
			t.Errorf("Import(Export(x)) != x:\n  x:    %s\n  back: %s", a, b)
		}
		file := filepath.Join(dir, fmt.Sprintf("app%d.rb", i))
		os.WriteFile(file, []byte(prog), 0o644)
		_, cfgErr := engine.Server{Library: rackLibrary(t, opts, "")}.Respond(engine.HTTPRequest{Method: "GET", URL: rackURL + "/r"})
		addr, stderr := startRackProgram(t, file, cfgErr != nil)
		if cfgErr != nil {
			var ce *engine.ConfigError
			if !errors.As(cfgErr, &ce) || !strings.Contains(stderr, ce.Message) {
				t.Errorf("config %d: the program should stop with %v; it said %q", i, cfgErr, stderr)
			}
			continue
		}
		for _, q := range reqs {
			q.options = opts
			want, err := q.emulated(t)
			if err != nil {
				t.Fatalf("%s: %v", q.name, err)
			}
			got := rackHTTP(t, addr, q)
			pairs++
			if got.String() != serverView(want).String() {
				t.Errorf("config %d %s\n  options %s\n  %s %s %q\n  program:  %s\n  emulated: %s", i, q.name, opts, q.method, q.url(), q.headers, got, serverView(want))
			}
		}
	}
	if pairs < 40 {
		t.Errorf("only %d exported answers compared", pairs)
	}
	t.Logf("%d answers of %d exported programs agree with the emulation", pairs, len(configs))
}

func canonicalJSON(t *testing.T, m map[string]json.RawMessage) string {
	b, err := json.Marshal(m)
	if err != nil {
		t.Fatal(err)
	}
	var v any
	json.Unmarshal(b, &v)
	b, _ = json.Marshal(v)
	return string(b)
}

// serverView lower-cases the names: WEBrick capitalises them its own way.
func serverView(a rackAnswer) rackAnswer {
	out := rackAnswer{Status: a.Status}
	for _, h := range a.Headers {
		out.Headers = append(out.Headers, [2]string{strings.ToLower(h[0]), h[1]})
	}
	return out
}

// startRackProgram runs an exported program on a free port and returns its
// address; when it should fail, it waits for it to exit and returns its
// standard error.
func startRackProgram(t *testing.T, file string, fails bool) (string, string) {
	t.Helper()
	cmd := exec.Command(rackRuby, file, "0")
	stdout, _ := cmd.StdoutPipe()
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { cmd.Process.Kill(); cmd.Wait() })
	line := make(chan string, 1)
	go func() {
		s, _ := bufio.NewReader(stdout).ReadString('\n')
		line <- s
	}()
	select {
	case s := <-line:
		if fails {
			cmd.Wait()
			return "", stderr.String()
		}
		u, ok := strings.CutPrefix(strings.TrimSpace(s), "listening on http://")
		if !ok {
			t.Fatalf("%s said %q; stderr: %s", file, s, stderr.String())
		}
		addr, _, _ := strings.Cut(u, "/") // host:port, then the route
		return addr, ""
	case <-time.After(15 * time.Second):
		t.Fatalf("%s did not start within 15 s; stderr: %s", file, stderr.String())
	}
	return "", ""
}

// rackHTTP sends the case over loopback and reads the raw answer.
func rackHTTP(t *testing.T, addr string, c rackCase) rackAnswer {
	t.Helper()
	conn, err := net.DialTimeout("tcp", addr, 5*time.Second)
	if err != nil {
		t.Fatalf("%s: %v", c.name, err)
	}
	defer conn.Close()
	conn.SetDeadline(time.Now().Add(5 * time.Second))
	path := strings.TrimPrefix(c.url(), rackURL)
	var b strings.Builder
	b.WriteString(c.method + " " + path + " HTTP/1.1\r\nHost: " + addr + "\r\nConnection: close\r\n")
	for _, h := range c.headers {
		b.WriteString(h[0] + ": " + h[1] + "\r\n")
	}
	b.WriteString("\r\n")
	conn.Write([]byte(b.String()))
	raw, _ := io.ReadAll(conn)
	head, _, _ := strings.Cut(string(raw), "\r\n\r\n")
	lines := strings.Split(head, "\r\n")
	var a rackAnswer
	if f := strings.Fields(lines[0]); len(f) >= 2 {
		a.Status, _ = strconv.Atoi(f[1])
	}
	for _, l := range lines[1:] {
		n, v, _ := strings.Cut(l, ":")
		n = strings.ToLower(n)
		switch n {
		case "date", "server", "content-length", "connection":
			continue
		}
		a.Headers = append(a.Headers, [2]string{n, strings.TrimLeft(v, " ")})
	}
	return a
}

// TestRackCORSExportRoute runs the program Export writes for the route of
// a scenario's request path and compares its answers there, and at the
// paths around it (a trailing slash, a letter escaped, libtest's /r), with
// the emulation's for that route.
func TestRackCORSExportRoute(t *testing.T) {
	lib, _ := server.Lookup("rack-cors", "")
	const opts = `{"allow": [{"origins": "https://app.example.com", "resources": [{"path": "*", "methods": ["get", "put"]}]}]}`
	var o map[string]json.RawMessage
	json.Unmarshal([]byte(opts), &o)
	pairs := 0
	for i, route := range []string{"/items", "/api/v1/o'clock", "/caf%C3%A9/"} {
		prog, err := lib.Export(o, route)
		if err != nil {
			t.Fatalf("Export(%q): %v", route, err)
		}
		file := filepath.Join(t.TempDir(), fmt.Sprintf("route%d.rb", i))
		os.WriteFile(file, []byte(prog), 0o644)
		addr, _ := startRackProgram(t, file, false)
		for _, q := range []rackCase{
			rackAt(rackGet("get", opts, "GET", rackApp), route), rackAt(rackGet("delete", opts, "DELETE", rackApp), route+"?x=1"),
			rackAt(rackPF("preflight", opts, rackApp, "PUT", "<none>"), route), rackAt(rackGet("trace", opts, "TRACE", rackApp), route),
			rackAt(rackGet("slash", opts, "GET", rackApp), route+"/"), rackAt(rackGet("escaped", opts, "GET", rackApp), strings.Replace(route, "i", "%69", 1)),
			rackGet("/r", opts, "GET", rackApp),
		} {
			q.route = route
			want, err := q.emulated(t)
			if err != nil {
				t.Fatalf("%s: %v", q.name, err)
			}
			if got := rackHTTP(t, addr, q); got.String() != serverView(want).String() {
				t.Errorf("route %q: %s %s %s\n  program:  %s\n  emulated: %s", route, q.name, q.method, q.url(), got, serverView(want))
			}
			pairs++
		}
	}
	t.Logf("rack routes: %d answers compared", pairs)
}
