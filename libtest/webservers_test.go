package libtest

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"corsplay/engine"
)

// What nginx_test.go and apache_test.go share: the requests, a raw HTTP
// client that reads the head as the server wrote it (names as written, in
// order, duplicates kept), and the comparison. The servers' own Date and
// Server lines and the transport's Connection line are checked, then
// dropped: the emulations leave them out.

// wsOrigin is the origin the configurations let in.
const wsOrigin = "https://a.example.com"

// wsRequests are the requests sent to every configuration: preflights and
// actual requests, without Origin, lower-case methods, Authorization,
// adversarial origins (suffix, missing dot escape, http downgrade, null,
// upper case, two Origin lines).
func wsRequests() []engine.HTTPRequest {
	req := func(method string, hs ...string) engine.HTTPRequest {
		r := engine.HTTPRequest{Method: method, URL: "http://api.example.com/r"}
		for i := 0; i+1 < len(hs); i += 2 {
			r.Headers = append(r.Headers, engine.Header{Name: hs[i], Value: hs[i+1]})
		}
		return r
	}
	const acrm, acrh = "Access-Control-Request-Method", "Access-Control-Request-Headers"
	return []engine.HTTPRequest{
		req("GET", "Origin", wsOrigin),
		req("GET"),
		req("GET", "Origin", "https://a.example.com.evil.com"),
		req("GET", "Origin", "https://aXexample.com"),
		req("GET", "Origin", "http://a.example.com"),
		req("GET", "Origin", "null"),
		req("GET", "Origin", "HTTPS://A.EXAMPLE.COM"),
		req("GET", "Origin", "https://b.example.com"),
		req("GET", "Origin", wsOrigin, "Authorization", "Bearer t", "Cookie", "sid=1"),
		req("GET", "Origin", "https://evil.com", "Origin", wsOrigin),
		req("POST", "Origin", wsOrigin, "Content-Type", "application/json"),
		req("PUT", "Origin", wsOrigin),
		req("DELETE", "Origin", "https://evil.com"),
		req("PATCH", "Origin", wsOrigin),
		req("patch", "Origin", wsOrigin),
		req("HEAD", "Origin", wsOrigin),
		req("OPTIONS", "Origin", wsOrigin, acrm, "PUT", acrh, "authorization,content-type"),
		req("OPTIONS", "Origin", "https://a.example.com.evil.com", acrm, "PATCH"),
		req("OPTIONS", "Origin", "null", acrm, "DELETE", acrh, "x-requested-with"),
		req("OPTIONS", "Origin", wsOrigin, acrm, "patch"),
		req("OPTIONS"),
		{Method: "GET", URL: "http://api.example.com/items?page=2", Headers: engine.Headers{{Name: "Origin", Value: wsOrigin}}},
		{Method: "OPTIONS", URL: "http://api.example.com/v1/items/", Headers: engine.Headers{{Name: "Origin", Value: wsOrigin}, {Name: acrm, Value: "DELETE"}}},
	}
}

// wsAnswer is a status and every header line, "Name: value", in order.
type wsAnswer struct {
	Status int
	Lines  []string
}

func (a wsAnswer) String() string {
	return fmt.Sprintf("%d [%s]", a.Status, strings.Join(a.Lines, " | "))
}

func wsEmulated(resp engine.Response) wsAnswer {
	a := wsAnswer{Status: resp.Status, Lines: []string{}}
	for _, h := range resp.Headers {
		a.Lines = append(a.Lines, h.Name+": "+h.Value)
	}
	return a
}

func wsLabel(req engine.HTTPRequest) string {
	var hs []string
	for _, h := range req.Headers {
		hs = append(hs, h.Name+": "+h.Value)
	}
	return req.Method + " " + req.URL + " [" + strings.Join(hs, ", ") + "]"
}

// wsSend sends req to addr over a fresh connection and reads the head;
// the server's Date and Server lines and Connection: close are checked and
// dropped.
func wsSend(t *testing.T, addr string, req engine.HTTPRequest) wsAnswer {
	t.Helper()
	var b bytes.Buffer
	target := "/" + strings.SplitN(strings.TrimPrefix(req.URL, "http://"), "/", 2)[1]
	fmt.Fprintf(&b, "%s %s HTTP/1.1\r\nHost: api.example.com\r\n", req.Method, target)
	for _, h := range req.Headers {
		b.WriteString(h.Name + ": " + h.Value + "\r\n")
	}
	if req.Method == "POST" {
		b.WriteString("Content-Length: 2\r\n")
	}
	b.WriteString("Connection: close\r\n\r\n")
	if req.Method == "POST" {
		b.WriteString("{}")
	}
	conn, err := net.Dial("tcp", addr)
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	conn.SetDeadline(time.Now().Add(5 * time.Second))
	if _, err := conn.Write(b.Bytes()); err != nil {
		t.Fatal(err)
	}
	data, err := io.ReadAll(conn)
	if err != nil && !errors.Is(err, io.EOF) && len(data) == 0 {
		t.Fatalf("reading the answer to %s: %v", wsLabel(req), err)
	}
	head, _, found := bytes.Cut(data, []byte("\r\n\r\n"))
	if !found {
		t.Fatalf("no complete head in %q", data)
	}
	lines := strings.Split(string(head), "\r\n")
	a := wsAnswer{Lines: []string{}}
	if _, err := fmt.Sscanf(lines[0], "HTTP/1.1 %d", &a.Status); err != nil {
		t.Fatalf("status line %q", lines[0])
	}
	seen := map[string]bool{}
	for _, l := range lines[1:] {
		name, value, ok := strings.Cut(l, ":")
		if !ok {
			t.Fatalf("header line %q", l)
		}
		value = strings.Trim(value, " \t")
		switch {
		case name == "Date":
			if _, err := time.Parse(http.TimeFormat, value); err != nil {
				t.Errorf("Date: %q is not an HTTP date", value)
			}
		case name == "Server" || name == "Connection" && value == "close":
		default:
			a.Lines = append(a.Lines, name+": "+value)
			continue
		}
		seen[name] = true
	}
	if !seen["Date"] || !seen["Server"] || !seen["Connection"] {
		t.Errorf("%s: the answer lacks Date, Server or Connection: %q", wsLabel(req), lines)
	}
	return a
}

// wsPort is a free loopback port.
func wsPort(t *testing.T) int {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer l.Close()
	return l.Addr().(*net.TCPAddr).Port
}

// wsServe starts cmd, waits until addr accepts, and returns a stop
// function; it fails with the server's output if the server exits first.
func wsServe(t *testing.T, cmd *exec.Cmd, addr string) (stop func()) {
	t.Helper()
	var out bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &out
	if err := cmd.Start(); err != nil {
		t.Fatalf("starting %s: %v", cmd.Path, err)
	}
	done := make(chan struct{})
	go func() { cmd.Wait(); close(done) }()
	stop = func() {
		cmd.Process.Kill()
		<-done
	}
	deadline := time.Now().Add(10 * time.Second)
	for {
		if c, err := net.DialTimeout("tcp", addr, time.Second); err == nil {
			c.Close()
			return stop
		}
		select {
		case <-done:
			t.Fatalf("%s exited before listening on %s:\n%s", cmd.Path, addr, out.String())
		case <-time.After(10 * time.Millisecond):
		}
		if time.Now().After(deadline) {
			stop()
			t.Fatalf("%s did not listen on %s within 10 s:\n%s", cmd.Path, addr, out.String())
		}
	}
}

// wsOptions is the JSON form of a pasted configuration.
func wsOptions(text string) map[string]json.RawMessage {
	b, _ := json.Marshal(text)
	return map[string]json.RawMessage{"config": b}
}

// wsKinds counts the kinds of answers: the status and the CORS headers.
func wsKind(a wsAnswer) string {
	k := strconv.Itoa(a.Status)
	for _, l := range a.Lines {
		if strings.HasPrefix(strings.ToLower(l), "access-control-allow-origin") {
			k += " ACAO"
		}
	}
	return k
}

// wsFixCase is a blocked request of a web server package's
// testdata/fixes.json.
type wsFixCase struct {
	Name, Config, Method string
	Headers              [][2]string
	Credentials          bool
}

func wsFixCases(t *testing.T, pkg string) []wsFixCase {
	b, err := os.ReadFile(filepath.Join("..", "engine", "server", pkg, "testdata", "fixes.json"))
	if err != nil {
		t.Fatal(err)
	}
	var cases []wsFixCase
	if err := json.Unmarshal(b, &cases); err != nil {
		t.Fatal(err)
	}
	return cases
}

// requests are the case's preflight (when the browser sends one) and
// request, as the browser sends them from the page.
func (c wsFixCase) requests() []engine.HTTPRequest {
	const page = "http://localhost:3000"
	req := engine.HTTPRequest{Method: c.Method, URL: "http://api.example.com/r", Headers: engine.Headers{{Name: "Origin", Value: page}}}
	var names []string
	for _, h := range c.Headers {
		req.Headers = append(req.Headers, engine.Header{Name: h[0], Value: h[1]})
		if !strings.EqualFold(h[0], "Content-Type") || h[1] == "application/json" {
			names = append(names, strings.ToLower(h[0]))
		}
	}
	if c.Credentials {
		req.Headers = append(req.Headers, engine.Header{Name: "Cookie", Value: "session=1"})
	}
	pre := engine.HTTPRequest{Method: "OPTIONS", URL: req.URL, Headers: engine.Headers{{Name: "Origin", Value: page}, {Name: "Access-Control-Request-Method", Value: c.Method}}}
	if len(names) > 0 {
		pre.Headers = append(pre.Headers, engine.Header{Name: "Access-Control-Request-Headers", Value: strings.Join(names, ",")})
	}
	return []engine.HTTPRequest{pre, req}
}

// run is the case's scenario: blocked, its fix in the library's text, and
// the fixed text allowed (by the emulation); it returns the two texts.
func (c wsFixCase) run(t *testing.T, lib string) (before, after string) {
	s := engine.Scenario{V: engine.Version, Page: "http://localhost:3000",
		Request: engine.Request{URL: "https://api.example.com/r", Method: c.Method},
		Server:  engine.Server{Library: &engine.Library{Name: lib, Options: wsOptions(c.Config)}}}
	for _, h := range c.Headers {
		s.Request.Headers = append(s.Request.Headers, engine.Header{Name: h[0], Value: h[1]})
	}
	if c.Credentials {
		s.Request.Credentials = engine.CredentialsInclude
	}
	out := engine.Evaluate(s)
	if out.Verdict != engine.Blocked {
		t.Errorf("%s: %s, want blocked", c.Name, out.Verdict)
	}
	for _, f := range engine.Fixes(s, out) {
		if f.Server != nil && f.Server.Library != nil {
			fixed := f.Apply(s)
			if v := engine.Evaluate(fixed).Verdict; v != engine.Allowed {
				t.Errorf("%s: the fixed text: %s", c.Name, v)
			}
			json.Unmarshal(fixed.Server.Library.Options["config"], &after)
			return c.Config, after
		}
	}
	t.Errorf("%s: no fix in the text", c.Name)
	return c.Config, c.Config
}

// wsRandomN is how many random texts each random test runs.
var wsRandomN = 14
