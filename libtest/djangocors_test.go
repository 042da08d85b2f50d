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
	"reflect"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"corsplay/engine"
	"corsplay/engine/message"
	"corsplay/engine/server"
)

// The differential test of the engine's "django-cors-headers" emulation:
// every case is answered by the real django-cors-headers 3.14.0 on Django
// 3.2.25 (Debian 12's python3-django-cors-headers and python3-django, run
// by djangocors_server.py under /usr/bin/python3: one settings.configure(),
// override_settings per case, a fresh WSGIHandler, no socket) and by
// engine.Server{Library: ...}.Respond. The status and every header line
// Django passes to start_response (names, values, order) must agree, and
// so must the system checks' messages, in order.

const (
	djPython  = "/usr/bin/python3"
	djInstall = "apt-get install python3-django-cors-headers python3-django"
	djLibrary = "django-cors-headers"
)

// djHarness is the running djangocors_server.py.
type djHarness struct {
	mu    sync.Mutex
	in    io.WriteCloser
	out   *bufio.Reader
	stder *bytes.Buffer
}

// startDjHarness starts the real library, or fails with what to install:
// it never skips.
func startDjHarness(t *testing.T) *djHarness {
	t.Helper()
	if out, err := exec.Command(djPython, "-c", "import django, corsheaders").CombinedOutput(); err != nil {
		t.Fatalf("the real django-cors-headers is not importable by %s (%v: %s): install it with `%s`", djPython, err, bytes.TrimSpace(out), djInstall)
	}
	cmd := exec.Command(djPython, "djangocors_server.py")
	cmd.Env = append(os.Environ(), "PYTHONDONTWRITEBYTECODE=1")
	in, err := cmd.StdinPipe()
	if err != nil {
		t.Fatal(err)
	}
	out, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	h := &djHarness{in: in, out: bufio.NewReader(out), stder: &bytes.Buffer{}}
	cmd.Stderr = h.stder
	if err := cmd.Start(); err != nil {
		t.Fatalf("starting %s djangocors_server.py: %v (install the library with `%s`)", djPython, err, djInstall)
	}
	t.Cleanup(func() {
		in.Close()
		cmd.Process.Kill()
		cmd.Wait()
	})
	var v struct{ Django, Corsheaders string }
	h.ask(t, map[string]any{"version": true}, &v)
	if v.Django != "3.2.25" || v.Corsheaders != "3.14.0" {
		t.Fatalf("the harness runs Django %q and django-cors-headers %q, want 3.2.25 and 3.14.0 (`%s`)", v.Django, v.Corsheaders, djInstall)
	}
	return h
}

// ask sends one JSON line and decodes the answer line into v.
func (h *djHarness) ask(t *testing.T, req, v any) {
	t.Helper()
	h.mu.Lock()
	defer h.mu.Unlock()
	line, _ := json.Marshal(req)
	if _, err := h.in.Write(append(line, '\n')); err != nil {
		t.Fatalf("djangocors_server.py: %v; stderr: %s", err, h.stder)
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
			t.Fatalf("djangocors_server.py did not answer %s: %v; stderr: %s", line, err, h.stder)
		}
	case <-time.After(10 * time.Second):
		t.Fatalf("djangocors_server.py did not answer %s within 10 s", line)
	}
	if strings.Contains(string(answer), `"import_error"`) {
		t.Fatalf("djangocors_server.py: %s: install the library with `%s`", answer, djInstall)
	}
	if err := json.Unmarshal(answer, v); err != nil {
		t.Fatalf("djangocors_server.py answered %s: %v", answer, err)
	}
}

// djCase is one configuration × request pair.
type djCase struct {
	name    string
	options string // the JSON object of settings
	method  string
	path    string // "/r" when empty
	headers [][2]string
	host    string // "api.example.com" when empty
	// regex is the drawn pattern of a random regex case: the engine may
	// refuse it only when Python compiles it (a construct RE2 lacks).
	regex string
}

func (c djCase) url() string {
	host, path := c.host, c.path
	if host == "" {
		host = "api.example.com"
	}
	if path == "" {
		path = "/r"
	}
	return "https://" + host + path
}

// djAnswer is a status with every header line, and the checks' messages.
type djAnswer struct {
	Status  int
	Headers []string
	Checks  []string
}

func (a djAnswer) String() string {
	return fmt.Sprintf("%d\n      %s\n    checks %q", a.Status, strings.Join(a.Headers, "\n      "), a.Checks)
}

// latin1 turns bytes into the Latin-1 string WSGI hands Django; unlatin1
// turns a Latin-1 string back into the bytes a server writes.
func djLatin1(s string) string {
	var b strings.Builder
	for i := 0; i < len(s); i++ {
		b.WriteRune(rune(s[i]))
	}
	return b.String()
}

func djUnlatin1(s string) string {
	var b []byte
	for _, r := range s {
		b = append(b, byte(r))
	}
	return string(b)
}

func (h *djHarness) real(t *testing.T, c djCase) djAnswer {
	t.Helper()
	hs := [][2]string{}
	for _, kv := range c.headers {
		hs = append(hs, [2]string{djLatin1(kv[0]), djLatin1(kv[1])})
	}
	var out struct {
		Checks  []string
		Status  int
		Headers [][2]string
	}
	h.ask(t, map[string]any{"options": json.RawMessage(c.options), "method": djLatin1(c.method), "url": c.url(), "headers": hs}, &out)
	a := djAnswer{Status: out.Status, Checks: out.Checks}
	for _, kv := range out.Headers {
		a.Headers = append(a.Headers, djUnlatin1(kv[0])+": "+djUnlatin1(kv[1]))
	}
	return a
}

func djOptions(t *testing.T, options string) map[string]json.RawMessage {
	t.Helper()
	var m map[string]json.RawMessage
	if err := json.Unmarshal([]byte(options), &m); err != nil {
		t.Fatalf("options %s: %v", options, err)
	}
	return m
}

// emulated answers the case with the engine; the warnings come from
// engine.Evaluate, as the page shows them.
func (c djCase) emulated(t *testing.T) (djAnswer, error) {
	t.Helper()
	lib := &engine.Library{Name: djLibrary, Options: djOptions(t, c.options), Route: "/r"}
	req := engine.HTTPRequest{Method: c.method, URL: c.url()}
	for _, kv := range c.headers {
		req.Headers = append(req.Headers, engine.Header{Name: kv[0], Value: kv[1]})
	}
	resp, err := engine.Server{Library: lib}.Respond(req)
	if err != nil {
		return djAnswer{}, err
	}
	out := engine.Evaluate(engine.Scenario{V: engine.Version, Page: "https://app.example.com",
		Request: engine.Request{URL: "https://api.example.com/r"}, Server: engine.Server{Library: lib}})
	a := djAnswer{Status: resp.Status, Checks: out.LibraryWarnings}
	for _, h := range resp.Headers {
		a.Headers = append(a.Headers, h.Name+": "+h.Value)
	}
	return a, nil
}

// Request builders.
func djGet(name, options, method, origin string) djCase {
	c := djCase{name: name, options: options, method: method}
	if origin != "<none>" {
		c.headers = [][2]string{{"Origin", origin}}
	}
	return c
}

func djPreflight(name, options, origin, acrm, acrh string) djCase {
	c := djGet(name, options, "OPTIONS", origin)
	if acrm != "<none>" {
		c.headers = append(c.headers, [2]string{"Access-Control-Request-Method", acrm})
	}
	if acrh != "" {
		c.headers = append(c.headers, [2]string{"Access-Control-Request-Headers", acrh})
	}
	return c
}

func (c djCase) at(path string) djCase { c.path = path; return c }

func (c djCase) with(kv ...[2]string) djCase {
	c.headers = append(slices.Clone(c.headers), kv...)
	return c
}

const (
	djA      = `{"CORS_ALLOWED_ORIGINS": ["https://a.example"]}`
	djACreds = `{"CORS_ALLOWED_ORIGINS": ["https://a.example"], "CORS_ALLOW_CREDENTIALS": true}`
	djRegex  = `{"CORS_ALLOWED_ORIGIN_REGEXES": ["https://a.example.com"]}`
)

func djHandPicked() []djCase {
	return []djCase{
		djGet("no settings: no origin allowed, Vary only", `{}`, "GET", "https://a.example"),
		djGet("listed origin", djA, "GET", "https://a.example"),
		djGet("suffix attack", djA, "GET", "https://a.example.evil.com"),
		djGet("http downgrade", djA, "GET", "http://a.example"),
		djGet("upper-case scheme matches", djA, "GET", "HTTPS://a.example"),
		djGet("upper-case host does not", djA, "GET", "https://A.example"),
		djGet("default port does not", djA, "GET", "https://a.example:443"),
		djGet("path in the Origin ignored", djA, "GET", "https://a.example/x?y#z"),
		djGet("no Origin", djA, "GET", "<none>"),
		djGet("empty Origin", djA, "GET", ""),
		djGet("null not listed", djA, "GET", "null"),
		djGet("credentials to a refused origin", djACreds, "GET", "https://evil.example"),
		djGet("credentials to an allowed origin", djACreds, "GET", "https://a.example"),
		djGet("credentials without Origin", djACreds, "GET", "<none>"),
		djGet("null listed", `{"CORS_ALLOWED_ORIGINS": ["https://a.example", "null"]}`, "GET", "null"),
		djGet("schemeless entry lets null in", `{"CORS_ALLOWED_ORIGINS": ["a.example"]}`, "GET", "null"),
		djGet("schemeless entry lets a schemeless origin in", `{"CORS_ALLOWED_ORIGINS": ["a.example"]}`, "GET", "foo"),
		djGet("schemeless entry and https origin", `{"CORS_ALLOWED_ORIGINS": ["a.example"]}`, "GET", "https://a.example"),
		djGet("string origins: characters let null in", `{"CORS_ALLOWED_ORIGINS": "https://a.example"}`, "GET", "null"),
		djGet("string origins: not the origin itself", `{"CORS_ALLOWED_ORIGINS": "https://a.example"}`, "GET", "https://a.example"),
		djGet("string origins: null substring", `{"CORS_ALLOWED_ORIGINS": "xnullx", "CORS_ALLOW_CREDENTIALS": true}`, "GET", "null"),
		djGet("empty string origins", `{"CORS_ALLOWED_ORIGINS": ""}`, "GET", "null"),
		djGet("file:// entry", `{"CORS_ALLOWED_ORIGINS": ["file://"]}`, "GET", "file://"),
		djGet("file:// entry and null", `{"CORS_ALLOWED_ORIGINS": ["file://"]}`, "GET", "null"),
		djGet("entry with path, query, fragment", `{"CORS_ALLOWED_ORIGINS": ["https://a.example/p?q#f"]}`, "GET", "https://a.example"),
		djGet("entry with trailing slash", `{"CORS_ALLOWED_ORIGINS": ["https://a.example/"]}`, "GET", "https://a.example"),
		djGet("upper-case entry scheme", `{"CORS_ALLOWED_ORIGINS": ["HTTPS://a.example"]}`, "GET", "https://a.example"),
		djGet("upper-case entry host", `{"CORS_ALLOWED_ORIGINS": ["https://A.Example"]}`, "GET", "https://a.example"),
		djGet("entry with userinfo", `{"CORS_ALLOWED_ORIGINS": ["https://u@a.example"]}`, "GET", "https://u@a.example"),
		djGet("entry urlsplit refuses: 500", `{"CORS_ALLOWED_ORIGINS": ["https://[x", "https://a.example"]}`, "GET", "https://a.example"),
		djGet("entry urlsplit refuses, null listed first", `{"CORS_ALLOWED_ORIGINS": ["https://[x", "null"]}`, "GET", "null"),
		djGet("entry urlsplit refuses, allow all", `{"CORS_ALLOWED_ORIGINS": ["https://[x"], "CORS_ALLOW_ALL_ORIGINS": true}`, "GET", "https://b.example"),
		djGet("IPv4 in brackets", `{"CORS_ALLOWED_ORIGINS": ["https://[1.2.3.4]"]}`, "GET", "https://b.example"),
		djGet("IPv6 entry", `{"CORS_ALLOWED_ORIGINS": ["http://[::1]:8000"]}`, "GET", "http://[::1]:8000"),
		djGet("bad IPv6 entry", `{"CORS_ALLOWED_ORIGINS": ["http://[::g]"]}`, "GET", "http://[::1]"),
		djGet("IPvFuture entry", `{"CORS_ALLOWED_ORIGINS": ["http://[v1.x]"]}`, "GET", "http://[v1.x]"),
		djGet("bad IPvFuture entry", `{"CORS_ALLOWED_ORIGINS": ["http://[vz.x]"]}`, "GET", "http://a"),
		djGet("data before bracket", `{"CORS_ALLOWED_ORIGINS": ["http://a[::1]"]}`, "GET", "http://a"),
		djGet("NFKC netloc entry", `{"CORS_ALLOWED_ORIGINS": ["https://a\uff0fb.example"]}`, "GET", "https://b.example"),
		djGet("non-ASCII entry never matches", `{"CORS_ALLOWED_ORIGINS": ["https://caf\u00e9.example", "https://\u4f8b.jp"]}`, "GET", "https://caf\xc3\xa9.example"),
		djGet("Latin-1 origin matches a Latin-1 entry", `{"CORS_ALLOWED_ORIGINS": ["https://caf\u00e9.example"]}`, "GET", "https://caf\xe9.example"),
		djGet("origin urlsplit refuses", `{"CORS_ALLOW_ALL_ORIGINS": true, "CORS_ALLOW_CREDENTIALS": true}`, "GET", "https://[x"),
		djGet("origin bad brackets", `{"CORS_ALLOW_ALL_ORIGINS": true}`, "GET", "http://[1.2.3.4]"),
		djGet("allow all", `{"CORS_ALLOW_ALL_ORIGINS": true}`, "GET", "https://evil.example"),
		djGet("allow all with credentials reflects", `{"CORS_ALLOW_ALL_ORIGINS": true, "CORS_ALLOW_CREDENTIALS": true}`, "GET", "https://evil.example"),
		djGet("allow all reflects null", `{"CORS_ALLOW_ALL_ORIGINS": true, "CORS_ALLOW_CREDENTIALS": true}`, "GET", "null"),
		djGet("old name allow all", `{"CORS_ORIGIN_ALLOW_ALL": true}`, "GET", "https://evil.example"),
		djGet("new name wins over old (false)", `{"CORS_ORIGIN_ALLOW_ALL": true, "CORS_ALLOW_ALL_ORIGINS": false}`, "GET", "https://evil.example"),
		djGet("old whitelist", `{"CORS_ORIGIN_WHITELIST": ["https://a.example"]}`, "GET", "https://a.example"),
		djGet("new origins win over old", `{"CORS_ORIGIN_WHITELIST": ["https://a.example"], "CORS_ALLOWED_ORIGINS": ["https://b.example"]}`, "GET", "https://a.example"),
		djGet("old whitelist check names it", `{"CORS_ORIGIN_WHITELIST": ["a.example"]}`, "GET", "https://a.example"),
		djGet("old regex whitelist", `{"CORS_ORIGIN_REGEX_WHITELIST": ["^https://a"]}`, "GET", "https://a.example"),
		djGet("new regexes win over old", `{"CORS_ORIGIN_REGEX_WHITELIST": ["^https://a"], "CORS_ALLOWED_ORIGIN_REGEXES": []}`, "GET", "https://a.example"),
		djGet("unanchored regex suffix", djRegex, "GET", "https://a.example.com.evil.net"),
		djGet("regex dot not escaped", djRegex, "GET", "https://aXexample.com"),
		djGet("regex is case-sensitive", djRegex, "GET", "https://A.example.com"),
		djGet("regex start-anchored", djRegex, "GET", "xhttps://a.example.com"),
		djGet("regex with $", `{"CORS_ALLOWED_ORIGIN_REGEXES": ["^https://\\w+\\.example\\.com$"]}`, "GET", "https://sub.example.com.evil"),
		djGet("regex Unicode \\w", `{"CORS_ALLOWED_ORIGIN_REGEXES": ["^https://\\w+$"]}`, "GET", "https://caf\xe9"),
		djGet("invalid regex after a match", `{"CORS_ALLOWED_ORIGIN_REGEXES": ["^https://a", "("]}`, "GET", "https://a.example"),
		djGet("invalid regex reached: 500", `{"CORS_ALLOWED_ORIGIN_REGEXES": ["^https://a", "("]}`, "GET", "https://b.example"),
		djGet("invalid regex, listed origin first", `{"CORS_ALLOWED_ORIGINS": ["https://b.example"], "CORS_ALLOWED_ORIGIN_REGEXES": ["("]}`, "GET", "https://b.example"),
		djGet("expose headers", `{"CORS_ALLOWED_ORIGINS": ["https://a.example"], "CORS_EXPOSE_HEADERS": ["X-Total", "X-Id"]}`, "GET", "https://a.example"),
		djGet("expose empty string", `{"CORS_ALLOW_ALL_ORIGINS": true, "CORS_EXPOSE_HEADERS": [""]}`, "GET", "https://a.example"),
		djGet("expose newline: 500", `{"CORS_ALLOW_ALL_ORIGINS": true, "CORS_EXPOSE_HEADERS": ["X-A\nX-B"]}`, "GET", "https://a.example"),
		djGet("expose newline, refused origin", `{"CORS_EXPOSE_HEADERS": ["X-A\nX-B"]}`, "GET", "https://a.example"),
		djGet("expose Latin-1", `{"CORS_ALLOW_ALL_ORIGINS": true, "CORS_EXPOSE_HEADERS": ["X-\u00e9"]}`, "GET", "https://a.example"),
		djGet("lower-case get", djA, "get", "https://a.example"),
		djGet("patch", djA, "patch", "https://a.example"),
		djGet("HEAD", djA, "HEAD", "https://a.example"),
		djGet("TRACE is 405", djA, "TRACE", "https://a.example"),
		djGet("FOO is 405", djA, "FOO", "https://a.example"),
		djGet("OPTIONS without ACRM: the view answers", djA, "OPTIONS", "https://a.example"),
		djGet("lower-case options without ACRM", djA, "options", "https://b.example"),
		djPreflight("preflight", djA, "https://a.example", "PUT", "authorization"),
		djPreflight("preflight refused origin", djA, "https://evil.example", "PUT", ""),
		djPreflight("preflight without Origin", djA, "<none>", "PUT", ""),
		djPreflight("preflight lower-case", djA, "https://a.example", "patch", "x-custom"),
		djPreflight("preflight lower-case method", djA, "https://a.example", "PUT", "").methodAs("options"),
		djPreflight("preflight empty ACRM", djA, "https://a.example", "", ""),
		djPreflight("preflight max age 0", `{"CORS_ALLOW_ALL_ORIGINS": true, "CORS_PREFLIGHT_MAX_AGE": 0}`, "https://a.example", "PUT", ""),
		djPreflight("preflight negative max age", `{"CORS_ALLOW_ALL_ORIGINS": true, "CORS_PREFLIGHT_MAX_AGE": -5}`, "https://a.example", "PUT", ""),
		djPreflight("preflight custom lists", `{"CORS_ALLOW_ALL_ORIGINS": true, "CORS_ALLOW_HEADERS": ["x-custom", "*"], "CORS_ALLOW_METHODS": ["get", "PUT"], "CORS_PREFLIGHT_MAX_AGE": 600}`, "https://a.example", "PATCH", "authorization"),
		djPreflight("preflight empty lists", `{"CORS_ALLOW_ALL_ORIGINS": true, "CORS_ALLOW_HEADERS": [], "CORS_ALLOW_METHODS": []}`, "https://a.example", "PUT", ""),
		djPreflight("preflight methods newline: 500", `{"CORS_ALLOW_ALL_ORIGINS": true, "CORS_ALLOW_METHODS": ["GET\r"]}`, "https://a.example", "PUT", ""),
		djPreflight("preflight credentials refused origin", djACreds, "https://evil.example", "PUT", ""),
		djPreflight("preflight to a missing path", djA, "https://a.example", "PUT", "").at("/x"),
		djGet("404 keeps CORS headers", djA, "GET", "https://a.example").at("/x"),
		djGet("trailing slash is 404", djA, "GET", "https://a.example").at("/r/"),
		djGet("leading slashes collapsed", djA, "GET", "https://a.example").at("//r"),
		djGet("percent-decoded path", djA, "GET", "https://a.example").at("/%72"),
		djGet("query ignored", djA, "GET", "https://a.example").at("/r?x=1"),
		djGet("URLS_REGEX outside", `{"CORS_ALLOW_ALL_ORIGINS": true, "CORS_URLS_REGEX": "^/api/"}`, "GET", "https://a.example"),
		djPreflight("URLS_REGEX outside preflight", `{"CORS_ALLOW_ALL_ORIGINS": true, "CORS_URLS_REGEX": "^/api/"}`, "https://a.example", "PUT", ""),
		djPreflight("URLS_REGEX outside preflight 404", `{"CORS_ALLOW_ALL_ORIGINS": true, "CORS_URLS_REGEX": "^/api/"}`, "https://a.example", "PUT", "").at("/x"),
		djPreflight("URLS_REGEX inside preflight", `{"CORS_ALLOW_ALL_ORIGINS": true, "CORS_URLS_REGEX": "^/api/"}`, "https://a.example", "PUT", "").at("/api/x"),
		djGet("URLS_REGEX without slash never matches", `{"CORS_ALLOW_ALL_ORIGINS": true, "CORS_URLS_REGEX": "r"}`, "GET", "https://a.example"),
		djGet("URLS_REGEX prefix", `{"CORS_ALLOW_ALL_ORIGINS": true, "CORS_URLS_REGEX": "/r"}`, "GET", "https://a.example").at("/rx"),
		djGet("URLS_REGEX dollar before final newline", `{"CORS_ALLOW_ALL_ORIGINS": true, "CORS_URLS_REGEX": "^/r$"}`, "GET", "https://a.example").at("/r%0A"),
		djGet("default URLS_REGEX and a newline inside the path", djA, "GET", "https://a.example").at("/r%0Ax"),
		djGet("default URLS_REGEX and a final newline", djA, "GET", "https://a.example").at("/r%0A"),
		djPreflight("default URLS_REGEX, preflight, two newlines", djA, "https://a.example", "PUT", "").at("/r%0A%0A"),
		djGet("URLS_REGEX invalid: 500", `{"CORS_ALLOW_ALL_ORIGINS": true, "CORS_URLS_REGEX": "("}`, "GET", "https://a.example"),
		djPreflight("URLS_REGEX invalid preflight: 500", `{"CORS_URLS_REGEX": "("}`, "https://a.example", "PUT", ""),
		djGet("URLS_REGEX broken UTF-8 repercented", `{"CORS_ALLOW_ALL_ORIGINS": true, "CORS_URLS_REGEX": "^/x%E2%82A"}`, "GET", "https://a.example").at("/x%E2%82A"),
		djGet("URLS_REGEX Unicode path", `{"CORS_ALLOW_ALL_ORIGINS": true, "CORS_URLS_REGEX": "^/\\w$"}`, "GET", "https://a.example").at("/%C3%A9"),
		djGet("bad host: 400 with CORS headers", `{"CORS_ALLOW_ALL_ORIGINS": true}`, "GET", "https://a.example").onHost("bad_host.example"),
		djPreflight("bad host preflight", `{"CORS_ALLOW_ALL_ORIGINS": true}`, "https://a.example", "PUT", "").onHost("bad_host.example"),
		djGet("Host header wins", djA, "GET", "https://a.example").with([2]string{"Host", "x y"}),
		djGet("duplicate Origin joined", djA, "GET", "https://a.example").with([2]string{"Origin", "https://b.example"}),
		djGet("Origin whitespace stripped", djA, "GET", " https://a.example\t"),
		djGet("underscore Origin dropped", djA, "GET", "<none>").with([2]string{"Or_igin", "https://a.example"}),
		djPreflight("underscore ACRM dropped", djA, "https://a.example", "<none>", "").with([2]string{"Access_Control_Request_Method", "PUT"}),
		djGet("lower-case header name", djA, "GET", "<none>").with([2]string{"origin", "https://a.example"}),
		djGet("tab in Origin removed by urlsplit", djA, "GET", "https://a.ex\tample"),
		djGet("checks: E013 and E014", `{"CORS_ALLOWED_ORIGINS": ["a.example", "https://b.example/", "https://c.example?x", "https://d.example#f", "null", "file://", "http://it's", "tab\there"]}`, "GET", "https://b.example"),
		djGet("checks: E004", `{"CORS_PREFLIGHT_MAX_AGE": -1, "CORS_ALLOWED_ORIGINS": ["x"]}`, "GET", "https://b.example"),
		djGet("checks: repr of non-ASCII", `{"CORS_ALLOWED_ORIGINS": ["caf\u00e9", "\u00a0x", "\u0001"]}`, "GET", "https://b.example"),
		djGet("replace referer", `{"CORS_ALLOWED_ORIGINS": ["https://a.example"], "CORS_REPLACE_HTTPS_REFERER": true}`, "POST", "https://a.example").with([2]string{"Referer", "https://a.example/page"}),
	}
}

func (c djCase) methodAs(m string) djCase { c.method = m; return c }
func (c djCase) onHost(h string) djCase   { c.host = h; return c }

// Generation pools. "<none>" means the header is absent.
var (
	djOriginSettings = []string{
		"", `"CORS_ALLOWED_ORIGINS": ["https://a.example"]`, `"CORS_ALLOWED_ORIGINS": ["https://a.example", "https://b.example:8443", "null"]`,
		`"CORS_ORIGIN_WHITELIST": ["http://a.example", "https://A.example"]`, `"CORS_ALLOWED_ORIGINS": "https://a.example"`,
		`"CORS_ALLOWED_ORIGINS": ["a.example"]`, `"CORS_ALLOWED_ORIGIN_REGEXES": ["https://a.example"]`,
		`"CORS_ALLOWED_ORIGIN_REGEXES": ["^https://(\\w+\\.)?example\\.com$", "^http://localhost:\\d+$"]`,
		`"CORS_ALLOW_ALL_ORIGINS": true`, `"CORS_ORIGIN_ALLOW_ALL": true`, `"CORS_ALLOW_ALL_ORIGINS": false`,
		`"CORS_ALLOWED_ORIGINS": ["https://a.example"], "CORS_ALLOWED_ORIGIN_REGEXES": ["^https://.*\\.a\\.example$"]`,
	}
	djOtherSettings = []string{
		`"CORS_ALLOW_CREDENTIALS": true`, `"CORS_EXPOSE_HEADERS": ["X-Total"]`, `"CORS_ALLOW_HEADERS": ["content-type", "x-custom"]`,
		`"CORS_ALLOW_METHODS": ["GET", "POST"]`, `"CORS_PREFLIGHT_MAX_AGE": 600`, `"CORS_PREFLIGHT_MAX_AGE": 0`,
		`"CORS_URLS_REGEX": "^/r$"`, `"CORS_URLS_REGEX": "^/api/.*$"`, `"CORS_ALLOW_CREDENTIALS": false`,
	}
	djOrigins = []string{"https://a.example", "https://a.example.evil.com", "https://aXexample.com", "http://a.example",
		"null", "<none>", "", "https://A.example", "https://b.example:8443", "https://sub.example.com", "https://sub.a.example",
		"http://localhost:3000", "https://example.com", "https://evil.example", "a.example", "https://a.example.com"}
	djMethods = []string{"GET", "get", "POST", "PUT", "patch", "DELETE", "HEAD", "OPTIONS", "TRACE", "FOO"}
	djACRMs   = []string{"PUT", "patch", "GET", "DELETE", "<none>", ""}
	djACRHs   = []string{"", "authorization", "content-type,x-custom", "x-other"}
	djPaths   = []string{"/r", "/r", "/r", "/x", "/api/x", "/r/"}
)

// djGenerated draws n configuration × request pairs with a fixed seed.
func djGenerated(n int) []djCase {
	r := rand.New(rand.NewPCG(3, 14))
	pick := func(pool []string) string { return pool[r.IntN(len(pool))] }
	var cases []djCase
	for i := range n {
		var parts []string
		if s := pick(djOriginSettings); s != "" {
			parts = append(parts, s)
		}
		for _, s := range djOtherSettings {
			if r.IntN(4) == 0 && !strings.Contains(strings.Join(parts, ","), strings.SplitN(s, ":", 2)[0]) {
				parts = append(parts, s)
			}
		}
		options := "{" + strings.Join(parts, ", ") + "}"
		var c djCase
		if r.IntN(2) == 0 {
			c = djPreflight("", options, pick(djOrigins), pick(djACRMs), pick(djACRHs))
		} else {
			c = djGet("", options, pick(djMethods), pick(djOrigins))
		}
		c.path = pick(djPaths)
		c.name = fmt.Sprintf("generated %d", i)
		cases = append(cases, c)
	}
	return cases
}

// djRegexCases compare Python's re and the translation through
// CORS_ALLOWED_ORIGIN_REGEXES.
func djRegexCases() []djCase {
	patterns := []string{`https://a\.example`, `^https://\w+\.example\.com$`, `https?://(a|b)\.example`, `(?i)HTTPS://A`,
		`https://[^.]+\.example\.com\Z`, `.*\.example\.com`, `https://a{2}`, `^(http|https)://localhost(:\d+)?$`, `[`, `a**`,
		`https://(?P<x>a)\.example`, `https://a\.example$|https://b\.example$`, `\Ahttps://a`}
	origins := []string{"https://a.example", "https://a.example.com.evil", "https://sub.example.com", "HTTPS://A.example",
		"http://localhost:8000", "https://aa.example", "https://b.example"}
	var cases []djCase
	for i, p := range patterns {
		pj, _ := json.Marshal([]string{p})
		for j, o := range origins {
			if (i+j)%2 == 0 {
				cases = append(cases, djGet("regex "+p+" vs "+o, `{"CORS_ALLOWED_ORIGIN_REGEXES": `+string(pj)+`}`, "GET", o))
			}
		}
	}
	return cases
}

// djRandomRegexCases draw patterns from Python regex tokens (valid and
// invalid combinations alike) with a fixed seed, each against two origins.
func djRandomRegexCases(n int) []djCase {
	tokens := []string{"a", "p", "https", "://", ".", `\.`, "*", "+", "?", "{2}", "{,2}", "(", ")", "(?:", "|", "[a-z]",
		"[^.]", `\w`, `\d`, `\s`, "^", "$", `\b`, `\Z`, `\A`, "(?i)", "]", "[", "-", "(?P<g>", `\\`, "*?", `\`, "(?=", "{"}
	origins := []string{"https://a.example", "https://app.example", "http://a.example", "null", "https://a.example.evil", "ap", "A"}
	r := rand.New(rand.NewPCG(16, 3))
	var cases []djCase
	for i := range n {
		var b strings.Builder
		for range 1 + r.IntN(5) {
			b.WriteString(tokens[r.IntN(len(tokens))])
		}
		pj, _ := json.Marshal([]string{b.String()})
		for range 2 {
			c := djGet(fmt.Sprintf("random regex %d %s", i, b.String()), `{"CORS_ALLOWED_ORIGIN_REGEXES": `+string(pj)+`}`, "GET", origins[r.IntN(len(origins))])
			c.regex = b.String()
			cases = append(cases, c)
		}
	}
	return cases
}

// djRefused are settings corsplay refuses (a *engine.FieldError): what
// the JSON form has no room for, and patterns RE2 cannot express but
// Python compiles.
var djRefused = []string{
	`{"CORS_ALLOW_PRIVATE_NETWORK": true}`, `{"CORS_MODEL": "x"}`, `{"CORS_ALLOW_CREDENTIALS": "true"}`,
	`{"CORS_ALLOWED_ORIGINS": null}`, `{"CORS_ALLOWED_ORIGINS": ["https://a.example", null]}`, `{"CORS_PREFLIGHT_MAX_AGE": 1.5}`,
	`{"CORS_ALLOW_HEADERS": "x-a"}`, `{"CORS_EXPOSE_HEADERS": ["X-\u4f8b"]}`, `{"CORS_ALLOWED_ORIGIN_REGEXES": ["https://(?=a)"]}`,
	`{"CORS_URLS_REGEX": "(a)\\1"}`, `{"CORS_PREFLIGHT_MAX_AGE": 100000000000000000000}`,
}

var djRefusedPatterns = []string{`https://(?=a)`, `(a)\1`}

func TestDjangoCORSDifferential(t *testing.T) {
	start := time.Now()
	h := startDjHarness(t)
	var cases []djCase
	cases = append(cases, djHandPicked()...)
	cases = append(cases, djRegexCases()...)
	cases = append(cases, djGenerated(220)...)
	cases = append(cases, djRandomRegexCases(60)...)
	kinds, untranslatable := map[string]int{}, 0
	checked, configs := 0, map[string]bool{}
	for _, c := range cases {
		want := h.real(t, c)
		got, err := c.emulated(t)
		var fe *engine.FieldError
		if c.regex != "" && errors.As(err, &fe) {
			var out struct {
				OK    bool
				Error string
			}
			if h.ask(t, map[string]any{"compile": c.regex}, &out); !out.OK {
				t.Errorf("%s: the engine refuses %q (%v) but Python rejects it too (%s): it must answer 500 instead", c.name, c.regex, err, out.Error)
			}
			untranslatable++
			continue
		}
		if err != nil {
			t.Errorf("%s\n  options %s\n  %s %s %q\n  engine error: %v\n  real: %s", c.name, c.options, c.method, c.url(), c.headers, err, want)
			continue
		}
		checked++
		configs[c.options] = true
		if got.String() != want.String() {
			t.Errorf("%s\n  options %s\n  %s %s %q\n  real:   %s\n  engine: %s", c.name, c.options, c.method, c.url(), c.headers, want, got)
		}
		kind := fmt.Sprint(want.Status)
		for _, l := range want.Headers {
			switch {
			case strings.HasPrefix(l, "Access-Control-Allow-Origin: *"):
				kind += " ACAO *"
			case strings.HasPrefix(l, "Access-Control-Allow-Origin:"):
				kind += " ACAO echo"
			case strings.HasPrefix(l, "Access-Control-Allow-Credentials:") && !strings.Contains(strings.Join(want.Headers, "\n"), "Allow-Origin"):
				kind += " ACAC without ACAO"
			}
		}
		if len(want.Checks) > 0 {
			kind += " +checks"
		}
		kinds[kind]++
	}
	for _, options := range djRefused {
		_, err := engine.Server{Library: &engine.Library{Name: djLibrary, Options: djOptions(t, options)}}.Respond(engine.HTTPRequest{Method: "GET", URL: "https://api.example.com/r"})
		var fe *engine.FieldError
		if !errors.As(err, &fe) {
			t.Errorf("%s: want a *engine.FieldError, got %v", options, err)
		}
	}
	for _, p := range djRefusedPatterns {
		var out struct{ OK bool }
		if h.ask(t, map[string]any{"compile": p}, &out); !out.OK {
			t.Errorf("%s is refused as untranslatable but Python rejects it too: it must give a 500 instead", p)
		}
	}
	if checked < 150 {
		t.Errorf("only %d pairs compared, want at least 150", checked)
	}
	var ks []string
	for k, n := range kinds {
		ks = append(ks, fmt.Sprintf("%s ×%d", k, n))
	}
	slices.Sort(ks)
	t.Logf("%d configuration × request pairs agree with the real django-cors-headers 3.14.0 (%d configurations; %d listed and %d drawn refused as corsplay cannot read them); answers: %s; %v",
		checked, len(configs), len(djRefused), untranslatable, strings.Join(ks, ", "), time.Since(start).Round(time.Millisecond))
}

// TestDjangoCORSImportReadsLikePython runs each settings block through
// Python's exec: what Import reads must be the CORS_ values Python
// computes, and what it refuses must be refused for the reason listed.
func TestDjangoCORSImportReadsLikePython(t *testing.T) {
	h := startDjHarness(t)
	lib, _ := server.Lookup(djLibrary, "")
	read := 0
	for _, tt := range djImportTexts {
		got, err := lib.Import(tt.text)
		var out struct {
			Settings map[string]any
			Error    string
		}
		h.ask(t, map[string]any{"exec": tt.text}, &out)
		switch {
		case tt.refused != "":
			if err == nil || !strings.Contains(err.Error(), tt.refused) {
				t.Errorf("Import(%q) = %v, want an error saying %q", tt.text, err, tt.refused)
			}
			continue
		case err != nil:
			t.Errorf("Import(%q): %v", tt.text, err)
			continue
		case out.Error != "":
			t.Errorf("Import reads %q but Python fails: %s", tt.text, out.Error)
			continue
		}
		g, _ := json.Marshal(got)
		w, _ := json.Marshal(out.Settings)
		if !bytes.Equal(g, w) { // both marshal maps with sorted keys
			t.Errorf("Import(%q)\n  = %s\n  Python: %s", tt.text, g, w)
		}
		read++
	}
	if read < 10 {
		t.Errorf("only %d settings blocks compared with Python", read)
	}
	t.Logf("%d settings blocks read as Python reads them, %d refused", read, len(djImportTexts)-read)
}

var djImportTexts = []struct{ text, refused string }{
	{"CORS_ALLOWED_ORIGINS = [\"https://a.example\"]\nCORS_ALLOW_CREDENTIALS = True\n", ""},
	{"from corsheaders.defaults import default_headers\nCORS_ALLOW_HEADERS = list(default_headers) + [\"x-custom\"]\n", ""},
	{"from corsheaders.defaults import default_headers, default_methods\nCORS_ALLOW_HEADERS = (*default_headers, 'x-a')\nCORS_ALLOW_METHODS = [*default_methods, \"PURGE\"]\n", ""},
	{"from corsheaders.defaults import *\nCORS_ALLOW_METHODS = tuple(default_methods) + ('PURGE',)\n", ""},
	{"INSTALLED_APPS = [\n    'corsheaders',  # CORS\n]\nMIDDLEWARE = ['corsheaders.middleware.CorsMiddleware']\nCORS_ORIGIN_WHITELIST = (\n    'https://a.example',\n    \"https://b.example\",\n)\n", ""},
	{`CORS_ALLOWED_ORIGIN_REGEXES = [r"^https://\w+\.example\.com$", '^http://localhost:\\d+$']` + "\n", ""},
	{"CORS_PREFLIGHT_MAX_AGE = 60 * 60 * 24\nCORS_URLS_REGEX = r'^/api/.*$'\n", ""},
	{"CORS_ALLOWED_ORIGINS = 'https://a.example'\n", ""},
	{"CORS_ALLOW_METHODS = 'GET', 'POST'\n", ""},
	{`CORS_EXPOSE_HEADERS = ['X-' 'Total', "X-\x41\u00e9\101", 'a\qb', '''c\` + "\n" + `d''', "\t"]` + "\n", ""},
	{"CORS_PREFLIGHT_MAX_AGE = -1_000\nCORS_REPLACE_HTTPS_REFERER = False\n", ""},
	{"CORS_ALLOWED_ORIGINS = [\n    \"\"\"https://a.example\"\"\",  # a comment, with ] and '\n]\n", ""},
	{"import os\nBASE = os.path.dirname(__file__)\ndef f():\n    return 1\nclass C:\n    x = 1\nCORS_ALLOW_ALL_ORIGINS = (True)\nCORS_ALLOWED_ORIGINS = [*'ab']\n", ""},
	{"CORS_ALLOWED_ORIGINS = ['https://a.example'] + ('https://b.example',)\n", "line 1: CORS_ALLOWED_ORIGINS: the value adds values Python cannot add"},
	{"import os\nCORS_ALLOWED_ORIGINS = os.environ['ORIGINS'].split(',')\n", "line 2: CORS_ALLOWED_ORIGINS: the value is not a Python literal corsplay reads"},
	{"CORS_ALLOW_PRIVATE_NETWORK = True\n", "line 1: CORS_ALLOW_PRIVATE_NETWORK: django-cors-headers 3.14 does not read it"},
	{"CORS_ALLOW_HEADERS = list(default_headers)\n", "without `from corsheaders.defaults import default_headers`"},
	{"if DEBUG:\n    CORS_ALLOW_ALL_ORIGINS = True\n", "line 2: corsplay reads CORS_ settings only as `CORS_NAME = value` at the top level"},
	{"CORS_ALLOWED_ORIGIN_REGEXES = [re.compile(r'^https://a')]\n", "line 1: CORS_ALLOWED_ORIGIN_REGEXES: the value is not a Python literal"},
	{"CORS_ALLOW_CREDENTIALS = None\n", "line 1: CORS_ALLOW_CREDENTIALS: null is not a boolean"},
	{"CORS_PREFLIGHT_MAX_AGE = 1.5\n", "1.5 is a number corsplay does not read"},
	{"CORS_ALLOWED_ORIGINS += ['https://a.example']\n", "line 1: corsplay reads CORS_ settings only as"},
	{"CORS_URLS_REGEX = f'^/{x}'\n", "line 1: CORS_URLS_REGEX: the value is not a Python literal"},
	{`CORS_EXPOSE_HEADERS = ['\N{BULLET}']` + "\n", "line 1: an escape in this string corsplay does not read"},
	{"CORS_EXPOSE_HEADERS = ['x\n", "line 1: unterminated string"},
	{"DEBUG = True\n", "no CORS_ setting found"},
}

// TestDjangoCORSExportRuns runs the program Export writes for several
// configurations (python3 cors_app.py ADDRESS:PORT: Django's runserver on
// loopback) and compares its answers on the wire with the emulation's:
// status and every header line, in order, minus what the server adds
// (Date, Server, Connection). A configuration failing the system checks
// must make runserver refuse to start, printing each of the emulation's
// warnings.
func TestDjangoCORSExportRuns(t *testing.T) {
	if out, err := exec.Command(djPython, "-c", "import django, corsheaders").CombinedOutput(); err != nil {
		t.Fatalf("the real django-cors-headers is not importable by %s (%v: %s): install it with `%s`", djPython, err, bytes.TrimSpace(out), djInstall)
	}
	lib, _ := server.Lookup(djLibrary, "")
	configs := []string{
		djACreds,
		`{"CORS_ALLOW_ALL_ORIGINS": true, "CORS_ALLOW_CREDENTIALS": true, "CORS_EXPOSE_HEADERS": ["X-Total"]}`,
		`{"CORS_ORIGIN_ALLOW_ALL": true, "CORS_PREFLIGHT_MAX_AGE": 0, "CORS_ALLOW_METHODS": ["GET", "put"]}`,
		`{"CORS_ORIGIN_WHITELIST": ["https://a.example"], "CORS_ALLOWED_ORIGIN_REGEXES": ["^https://\\w+\\.a\\.example", "("], "CORS_URLS_REGEX": "^/(r|x)$"}`,
		`{"CORS_ALLOWED_ORIGINS": ["https://a.example", "null", "file://"], "CORS_ALLOW_HEADERS": ["x-custom", "content-type"], "CORS_REPLACE_HTTPS_REFERER": true}`,
		`{"CORS_ALLOW_ALL_ORIGINS": true, "CORS_EXPOSE_HEADERS": ["X-\u00e9", "a\"b\\", "tab\tx"], "CORS_ALLOW_HEADERS": ["\u00e9\u00a0"], "CORS_URLS_REGEX": "^/(r|x)\\Z"}`,
		`{"CORS_ALLOWED_ORIGINS": "https://a.example", "CORS_PREFLIGHT_MAX_AGE": -1}`,
		`{"CORS_ALLOWED_ORIGINS": ["https://a.example/", "b.example"]}`,
		`{"CORS_ALLOWED_ORIGINS": ["https://[x"]}`,
	}
	type req struct {
		method, path string
		headers      [][2]string
	}
	o := func(v string) [2]string { return [2]string{"Origin", v} }
	acrm := func(v string) [2]string { return [2]string{"Access-Control-Request-Method", v} }
	reqs := []req{
		{"GET", "/r", [][2]string{o("https://a.example")}},
		{"GET", "/r", [][2]string{o("https://a.example.evil.com")}},
		{"GET", "/r", [][2]string{o("https://sub.a.example.evil")}},
		{"GET", "/r", [][2]string{o("null")}},
		{"GET", "/r", nil},
		{"patch", "/r", [][2]string{o("https://a.example")}},
		{"HEAD", "/r", [][2]string{o("https://a.example")}},
		{"TRACE", "/r", [][2]string{o("https://a.example")}},
		{"OPTIONS", "/r", [][2]string{o("https://a.example")}},
		{"OPTIONS", "/r", [][2]string{o("https://a.example"), acrm("PUT"), {"Access-Control-Request-Headers", "authorization"}}},
		{"OPTIONS", "/x", [][2]string{o("https://evil.example"), acrm("patch")}},
		{"GET", "/x", [][2]string{o("https://a.example")}},
		{"GET", "//r?q=1", [][2]string{o("http://a.example")}},
		{"POST", "/r", [][2]string{o("https://a.example"), {"Host", "bad_host"}}},
		{"GET", "/r", [][2]string{o("https://a.example"), o("https://b.example")}},
		{"GET", "/r", [][2]string{{"Or_igin", "https://a.example"}}},
		{"DELETE", "/r", [][2]string{o(" https://a.example ")}},
	}
	dir := t.TempDir()
	start := time.Now()
	var wg sync.WaitGroup
	var mu sync.Mutex
	compared, refused := 0, 0
	results := make([]string, len(configs))
	for i, options := range configs {
		wg.Add(1)
		go func() {
			defer wg.Done()
			var report strings.Builder
			defer func() { results[i] = report.String() }()
			fail := func(format string, args ...any) { fmt.Fprintf(&report, "  "+format+"\n", args...) }
			opts := djOptions(t, options)
			code, err := lib.Export(opts, "/r")
			if err != nil {
				fail("Export: %v", err)
				return
			}
			em, err := lib.New(opts)
			if err != nil {
				fail("New: %v", err)
				return
			}
			file := fmt.Sprintf("%s/cors_app_%d.py", dir, i)
			os.WriteFile(file, []byte(code), 0o644)
			run := djServe(file)
			defer run.stop()
			if w := em.Warnings(); len(w) > 0 {
				if !run.exited {
					fail("the emulation warns %q but runserver did not refuse to start: %s", w, run.err)
					return
				}
				for _, warning := range w {
					id, msg, _ := strings.Cut(warning, ": ")
					msg, hint, _ := strings.Cut(msg, " HINT: ")
					want := "(" + id + ") " + msg
					if hint != "" {
						want += "\n\tHINT: " + hint
					}
					if strings.HasPrefix(id, "ValueError") {
						want = warning
					}
					if !strings.Contains(run.stderr.String(), want) {
						fail("runserver refused to start without saying %q:\n%s", want, run.stderr.String())
					}
				}
				mu.Lock()
				refused++
				mu.Unlock()
				return
			}
			if run.err != nil {
				fail("%v", run.err)
				return
			}
			addr, stderr := run.addr, run.stderr
			for _, r := range reqs {
				hs := r.headers
				if !slices.ContainsFunc(hs, func(h [2]string) bool { return h[0] == "Host" }) {
					hs = append([][2]string{{"Host", addr}}, hs...)
				}
				hs = append(hs, [2]string{"Connection", "close"})
				got, want, err := djCompare(em, addr, "", r.method, r.path, hs)
				if err != nil {
					fail("%s %s: %v; the program's stderr:\n%s", r.method, r.path, err, stderr.String())
					return
				}
				if got != want {
					fail("%s %s %q\n    wire:      %s\n    emulation: %s", r.method, r.path, r.headers, got, want)
				}
				mu.Lock()
				compared++
				mu.Unlock()
			}
		}()
	}
	wg.Wait()
	for i, r := range results {
		if r != "" {
			t.Errorf("exported program for %s:\n%s", configs[i], r)
		}
	}
	if compared < 5*len(reqs) || refused < 3 {
		t.Errorf("only %d answers compared and %d refusals seen", compared, refused)
	}
	t.Logf("%d exported programs run: %d answers on the wire agree with the emulation, %d refused to start with the emulation's warnings; %v",
		len(configs), compared, refused, time.Since(start).Round(time.Millisecond))
}

// djRun is an exported program started by djServe.
type djRun struct {
	addr   string
	stderr *syncBuffer
	exited bool  // it exited by itself (runserver refusing to start)
	err    error // it neither served nor exited
	stop   func()
}

// djServe starts `python3 file ADDRESS:PORT` and waits until it answers a
// probe request that it logs (so the port is surely its own), or exits.
// A port taken meanwhile by another process is retried.
func djServe(file string) djRun {
	var run djRun
	for attempt := 0; attempt < 3; attempt++ {
		ln, err := net.Listen("tcp", "127.0.0.1:0")
		if err != nil {
			return djRun{err: err, stop: func() {}}
		}
		addr := ln.Addr().String()
		ln.Close()
		cmd := exec.Command(djPython, file, addr)
		cmd.Env = append(os.Environ(), "PYTHONDONTWRITEBYTECODE=1")
		stderr := &syncBuffer{}
		cmd.Stderr = stderr
		if err := cmd.Start(); err != nil {
			return djRun{err: err, stop: func() {}}
		}
		exited := make(chan struct{})
		go func() { cmd.Wait(); close(exited) }()
		run = djRun{addr: addr, stderr: stderr, stop: func() { cmd.Process.Kill(); <-exited }}
		probe := [][2]string{{"Host", addr}, {"Connection", "close"}}
		for deadline := time.Now().Add(15 * time.Second); time.Now().Before(deadline); time.Sleep(50 * time.Millisecond) {
			select {
			case <-exited:
				run.exited = true
			default:
			}
			if run.exited {
				break
			}
			if _, err := djWire(addr, "GET", "/corsplay-probe", probe); err == nil && strings.Contains(stderr.String(), "/corsplay-probe") {
				return run
			}
		}
		if !run.exited {
			run.err = fmt.Errorf("runserver did not answer on %s within 15 s: %s", addr, stderr.String())
			return run
		}
		if !strings.Contains(stderr.String(), "already in use") {
			return run
		}
	}
	return run
}

// djWire sends one request and returns the status and the header lines the
// application wrote (Date, Server and Connection are the server's).
// djCompare sends the request to the program at addr and asks the
// emulation (its app's route route) the same: each answer as djWire
// writes it.
func djCompare(em server.Emulation, addr, route, method, path string, headers [][2]string) (got, want string, err error) {
	if got, err = djWire(addr, method, path, headers); err != nil {
		return "", "", err
	}
	req := message.Request{Method: method, URL: "http://" + addr + path, Route: route}
	for _, h := range headers {
		req.Headers = append(req.Headers, message.Header{Name: h[0], Value: h[1]})
	}
	resp := em.Respond(req)
	want = fmt.Sprint(resp.Status)
	for _, h := range resp.Headers {
		want += "\n      " + h.Name + ": " + h.Value
	}
	return got, want, nil
}

func djWire(addr, method, path string, headers [][2]string) (string, error) {
	c, err := net.DialTimeout("tcp", addr, 5*time.Second)
	if err != nil {
		return "", err
	}
	defer c.Close()
	c.SetDeadline(time.Now().Add(5 * time.Second))
	var b strings.Builder
	b.WriteString(method + " " + path + " HTTP/1.1\r\n")
	for _, h := range headers {
		b.WriteString(h[0] + ": " + h[1] + "\r\n")
	}
	b.WriteString("\r\n")
	if _, err := io.WriteString(c, b.String()); err != nil {
		return "", err
	}
	raw, err := io.ReadAll(c)
	if err != nil && len(raw) == 0 {
		return "", err
	}
	head, _, _ := strings.Cut(string(raw), "\r\n\r\n")
	lines := strings.Split(head, "\r\n")
	f := strings.Fields(lines[0])
	if len(f) < 2 {
		return "", fmt.Errorf("no status line in %q", raw)
	}
	out := f[1]
	for _, l := range lines[1:] {
		name, value, _ := strings.Cut(l, ":")
		switch strings.ToLower(name) {
		case "date", "server", "connection":
			continue
		}
		out += "\n      " + name + ": " + strings.TrimLeft(value, " ")
	}
	return out, nil
}

// syncBuffer is a bytes.Buffer safe for a process's writes and the test's
// reads.
type syncBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (s *syncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}

func (s *syncBuffer) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.String()
}

// TestDjangoCORSFixes: for blocked requests, the engine's fix changes the
// settings; the settings.py lines it prints before and after run in the
// real library (the harness execs them), which answers the browser's
// requests as the emulation does, and the engine judging those real
// answers as a raw server finds the request blocked before and allowed
// after. Import reads the printed lines back to the fixed options.
func TestDjangoCORSFixes(t *testing.T) {
	h := startDjHarness(t)
	lib, _ := server.Lookup(djLibrary, "")
	const page = "http://localhost:3000"
	json := engine.Headers{{Name: "Content-Type", Value: "application/json"}}
	key := append(slices.Clone(json), engine.Header{Name: "X-Api-Key", Value: "k1"})
	cases := []struct {
		name, options, method string
		headers               engine.Headers
		creds                 string
	}{
		{"wrong origin", `{"CORS_ALLOWED_ORIGINS": ["https://app.example.com"]}`, "GET", nil, ""},
		{"old name, wrong origin", `{"CORS_ORIGIN_WHITELIST": ["https://app.example.com"], "CORS_ALLOW_CREDENTIALS": true}`, "PUT", json, "include"},
		{"a string of origins", `{"CORS_ALLOWED_ORIGINS": "http://localhost:3000"}`, "GET", nil, ""},
		{"allow all and cookies", `{"CORS_ALLOW_ALL_ORIGINS": true}`, "GET", nil, "include"},
		{"credentials missing", `{"CORS_ALLOWED_ORIGINS": ["http://localhost:3000"]}`, "POST", json, "include"},
		{"methods lack DELETE", `{"CORS_ALLOWED_ORIGINS": ["http://localhost:3000"], "CORS_ALLOW_METHODS": ["GET", "POST"]}`, "DELETE", nil, ""},
		{"default methods lack PURGE", `{"CORS_ALLOWED_ORIGINS": ["http://localhost:3000"]}`, "PURGE", nil, ""},
		{"default headers lack X-Api-Key", `{"CORS_ALLOWED_ORIGIN_REGEXES": ["^http://localhost:\\d+$"]}`, "PUT", key, ""},
		{"* headers are literal with cookies", `{"CORS_ALLOWED_ORIGINS": ["http://localhost:3000"], "CORS_ALLOW_HEADERS": ["*"], "CORS_ALLOW_CREDENTIALS": true}`, "GET",
			engine.Headers{{Name: "X-Api-Key", Value: "k1"}}, "include"},
		{"lower-case patch", `{"CORS_ALLOW_ALL_ORIGINS": true, "CORS_ALLOW_METHODS": ["GET", "PATCH"]}`, "patch", json, ""},
	}
	verified, sent := 0, 0
	for _, c := range cases {
		s := engine.Scenario{V: engine.Version, Page: page,
			Request: engine.Request{URL: "https://api.example.com/r", Method: c.method, Headers: c.headers, Credentials: c.creds},
			Server:  engine.Server{Library: &engine.Library{Name: djLibrary, Options: djOptions(t, c.options)}}}
		if c.method != "GET" {
			s.Request.Body = new(`{"name":"corsplay"}`)
		}
		before := engine.Evaluate(s)
		if before.Verdict != engine.Blocked {
			t.Errorf("%s: %s, want blocked", c.name, before.Verdict)
			continue
		}
		var fix *engine.Fix
		for i, f := range before.Fixes {
			if f.Server != nil && f.Server.Library != nil || f.Request != nil {
				fix = &before.Fixes[i]
				break
			}
		}
		if fix == nil {
			t.Errorf("%s: no fix in the settings; fixes: %+v", c.name, before.Fixes)
			continue
		}
		fixed := s.Clone()
		if fix.Server != nil {
			fixed.Server = *fix.Server
		}
		if fix.Request != nil {
			fixed.Request = *fix.Request
		}
		code := [2]string{fix.Code.Before, fix.Code.After}
		if fix.Code.Language != "python" { // the page's fetch() changes, not the settings
			code[0] = lib.Fixer.Call(djOpts(s.Server.Library.Options))
			code[1] = code[0]
		}
		after := engine.Evaluate(fixed)
		if after.Verdict != engine.Allowed {
			t.Errorf("%s: the fixed scenario is %s", c.name, after.Verdict)
		}
		if back, err := lib.Import(code[1]); err != nil || !reflect.DeepEqual(djJSON(back), djJSON(fixed.Server.Library.Options)) {
			t.Errorf("%s: Import(%q) = %s, %v; want the fixed options %s", c.name, code[1], djJSON(back), err, djJSON(fixed.Server.Library.Options))
		}
		for _, side := range []struct {
			s    engine.Scenario
			out  engine.Outcome
			code string
		}{{s, before, code[0]}, {fixed, after, code[1]}} {
			raw := &engine.RawServer{}
			for _, req := range requests(side.out) {
				var out struct {
					Status  int
					Headers [][2]string
				}
				hs := [][2]string{}
				for _, kv := range req.Headers {
					hs = append(hs, [2]string{djLatin1(kv.Name), djLatin1(kv.Value)})
				}
				h.ask(t, map[string]any{"settings_text": side.code, "method": req.Method, "url": req.URL, "headers": hs}, &out)
				real := engine.Response{Status: out.Status}
				for _, kv := range out.Headers {
					real.Headers = append(real.Headers, engine.Header{Name: djUnlatin1(kv[0]), Value: djUnlatin1(kv[1])})
				}
				want, _ := engine.Server{Library: side.s.Server.Library}.Respond(req)
				if fmt.Sprint(real) != fmt.Sprint(want) {
					t.Errorf("%s: %s %s with\n%s  real:      %v\n  emulation: %v", c.name, req.Method, req.URL, side.code, real, want)
				}
				sent++
				if engine.IsPreflight(req) {
					raw.Preflight = &real
				} else {
					raw.Actual = &real
				}
			}
			rs := side.s.Clone()
			rs.Server = engine.Server{Raw: raw}
			if got := engine.Evaluate(rs); got.Verdict != side.out.Verdict {
				t.Errorf("%s: against the real library running\n%s the request is %s (%s), the emulation says %s", c.name, side.code, got.Verdict, got.Console, side.out.Verdict)
			}
		}
		verified++
	}
	if verified < len(cases) {
		t.Errorf("only %d of %d fixes verified", verified, len(cases))
	}
	t.Logf("%d fixes run in the real library before and after (%d requests answered as the emulation answers them)", verified, sent)
}

func djJSON(v any) string { b, _ := json.Marshal(v); return string(b) }

// djOpts are options in the order the settings print them.
func djOpts(m map[string]json.RawMessage) []server.Opt {
	var out []server.Opt
	for _, o := range djLibraryOptions() {
		if raw, ok := m[o]; ok {
			out = append(out, server.Opt{Name: o, Raw: raw})
		}
	}
	return out
}

func djLibraryOptions() []string {
	l, _ := server.Lookup(djLibrary, "")
	var names []string
	for _, o := range l.Options {
		names = append(names, o.Name)
	}
	return names
}

// TestDjangoCORSExportRoute runs the program Export writes for the route
// of a scenario's request path and compares its answers there, and at the
// paths around it (with and without a trailing slash, a letter escaped,
// libtest's /r), with the emulation's for that route.
func TestDjangoCORSExportRoute(t *testing.T) {
	lib, _ := server.Lookup(djLibrary, "")
	opts := djOptions(t, `{"CORS_ALLOWED_ORIGINS": ["https://a.example"]}`)
	em, err := lib.New(opts)
	if err != nil {
		t.Fatal(err)
	}
	compared := 0
	for i, route := range []string{"/items", "/api/v1/o'clock", "/caf%C3%A9/"} {
		code, err := lib.Export(opts, route)
		if err != nil {
			t.Fatalf("Export(%q): %v", route, err)
		}
		file := fmt.Sprintf("%s/route_%d.py", t.TempDir(), i)
		os.WriteFile(file, []byte(code), 0o644)
		run := djServe(file)
		if run.err != nil {
			run.stop()
			t.Fatalf("%s: %v\n%s", route, run.err, code)
		}
		for _, r := range []struct{ method, path string }{
			{"GET", route}, {"PUT", route + "?x=1"}, {"OPTIONS", route}, {"TRACE", route},
			{"GET", strings.TrimSuffix(route, "/")}, {"PUT", strings.TrimSuffix(route, "/") + "?x=1"}, {"GET", strings.TrimSuffix(route, "/") + "/"},
			{"GET", strings.Replace(route, "i", "%69", 1)}, {"GET", "/r"},
		} {
			hs := [][2]string{{"Host", run.addr}, {"Origin", "https://a.example"}, {"Connection", "close"}}
			if r.method == "OPTIONS" {
				hs = append(hs, [2]string{"Access-Control-Request-Method", "PUT"})
			}
			got, want, err := djCompare(em, run.addr, route, r.method, r.path, hs)
			if err != nil {
				t.Fatalf("%s %s: %v\n%s", r.method, r.path, err, run.stderr.String())
			}
			if got != want {
				t.Errorf("route %q: %s %s\n    wire:      %s\n    emulation: %s", route, r.method, r.path, got, want)
			}
			compared++
		}
		run.stop()
	}
	t.Logf("django routes: %d answers compared", compared)
}
