package libtest

import (
	"bufio"
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
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

// TestStarletteExportRuns runs the program the "starlette" library's Export
// writes, for real: Debian's /usr/bin/python3 runs it under uvicorn (h11)
// on a loopback port, and each request's raw answer must be the
// emulation's: the status and every header line in order, except the date
// and server lines uvicorn adds. A configuration the library refuses makes
// every request a 500 from uvicorn, with the ConfigError's text in the log.
func TestStarletteExportRuns(t *testing.T) {
	if out, err := exec.Command(slPython, "-c", "import starlette, uvicorn").CombinedOutput(); err != nil {
		t.Fatalf("the exported program needs starlette and uvicorn under %s (%v: %s): install them with `apt-get install python3-starlette python3-uvicorn`", slPython, err, bytes.TrimSpace(out))
	}
	l, ok := server.Lookup("starlette", "")
	if !ok {
		t.Fatal("starlette is not registered")
	}
	configs := []string{
		`{"allow_origins": ["https://a.example"], "allow_methods": ["GET", "PUT"], "allow_headers": ["X-Token"], "expose_headers": ["X-Total"]}`,
		`{"allow_origins": "https://a.example", "allow_methods": "GET, PUT", "allow_credentials": true, "max_age": 5}`,
		`{"allow_origins": ["*"], "allow_credentials": true, "allow_headers": ["*"]}`,
		`{"allow_origin_regex": "https://.*\\.a\\.example", "allow_origins": ["null"]}`,
		`{"allow_origins": ["https://a.example"], "expose_headers": ["X-\u00e9", "X-\u65e5"]}`,
		`{"allow_origins": ["https://a.example"], "allow_origin_regex": "(https://b"}`,
		`{"allow_origin": ["https://a.example"]}`,
	}
	type req struct {
		method  string
		path    string
		headers [][2]string
	}
	reqs := []req{
		{"GET", "/r", [][2]string{{"Origin", "https://a.example"}}},
		{"GET", "/r", [][2]string{{"Origin", "https://evil.example"}, {"Cookie", "s=1"}}},
		{"OPTIONS", "/r", [][2]string{{"Origin", "https://a.example"}, {"Access-Control-Request-Method", "PUT"}, {"Access-Control-Request-Headers", "x-token"}}},
		{"OPTIONS", "/r", [][2]string{{"Origin", "https://x.a.example"}, {"Access-Control-Request-Method", "T, P"}, {"Access-Control-Request-Headers", "Authorization"}}},
		{"OPTIONS", "/r", [][2]string{{"Origin", "https://a.exampl"}, {"Access-Control-Request-Method", "GET"}}},
		{"patch", "/r", [][2]string{{"Origin", "https://a.example"}}},
		{"DELETE", "/r", [][2]string{{"Origin", "null"}}},
		{"GET", "/r/", [][2]string{{"Origin", "https://a.example"}}},
		{"GET", "/x", nil},
	}
	dir := t.TempDir()
	var wg sync.WaitGroup
	var mu sync.Mutex
	compared := 0
	for i, c := range configs {
		var opts map[string]json.RawMessage
		if err := json.Unmarshal([]byte(c), &opts); err != nil {
			t.Fatal(err)
		}
		code, err := l.Export(opts, "/r")
		if err != nil {
			t.Fatalf("Export(%s): %v", c, err)
		}
		file := filepath.Join(dir, fmt.Sprintf("app%d.py", i))
		if err := os.WriteFile(file, []byte(code), 0o644); err != nil {
			t.Fatal(err)
		}
		wg.Add(1)
		go func() {
			defer wg.Done()
			port, logs, stop, err := slStartExport(file)
			defer stop()
			if err != nil {
				t.Errorf("%s: %v\n%s\n%s", c, err, code, logs())
				return
			}
			for _, r := range reqs {
				eng := engine.HTTPRequest{Method: r.method, URL: "http://127.0.0.1:" + port + r.path, Headers: engine.Headers{{Name: "Host", Value: "127.0.0.1:" + port}}}
				for _, h := range r.headers {
					eng.Headers = append(eng.Headers, engine.Header{Name: h[0], Value: h[1]})
				}
				want, err := engine.Server{Library: &engine.Library{Name: "starlette", Options: opts, Route: "/r"}}.Respond(eng)
				got, gerr := slRawRequest(port, eng)
				if gerr != nil {
					t.Errorf("%s: %s %s: %v\n%s", c, r.method, r.path, gerr, logs())
					continue
				}
				var ce *engine.ConfigError
				if errors.As(err, &ce) {
					logged := func() bool { return strings.Contains(logs(), ce.Message) }
					for end := time.Now().Add(5 * time.Second); !logged() && time.Now().Before(end); time.Sleep(20 * time.Millisecond) {
						// uvicorn logs the traceback after it answers
					}
					if got.Status != 500 || !logged() {
						t.Errorf("%s: the emulation refuses the configuration (%s) but the program answered %d; log:\n%s", c, ce.Message, got.Status, logs())
					}
				} else if err != nil {
					t.Errorf("%s: emulation: %v", c, err)
					continue
				} else if g, w := slLines(got.Headers), slLines(want.Headers); got.Status != want.Status || g != w {
					t.Errorf("%s: %s %s %q\n  program:   %d %s\n  emulation: %d %s", c, r.method, r.path, r.headers, got.Status, g, want.Status, w)
				}
				mu.Lock()
				compared++
				mu.Unlock()
			}
		}()
	}
	wg.Wait()
	if compared < len(configs)*len(reqs) {
		t.Fatalf("only %d of %d answers compared", compared, len(configs)*len(reqs))
	}
	t.Logf("starlette export: %d programs run under uvicorn, %d answers compared with the emulation", len(configs), compared)
}

func slLines(hs engine.Headers) string {
	var b strings.Builder
	for _, h := range hs {
		fmt.Fprintf(&b, "\n    %s: %q", h.Name, h.Value)
	}
	return b.String()
}

// slStartExport runs a program under uvicorn on a free loopback port and
// waits until uvicorn says it listens there. A port another program took
// between the test's choosing it and uvicorn's binding it (several run at
// once) is chosen again: waiting for a connection instead would talk to
// that other program.
func slStartExport(file string) (port string, logs func() string, stop func(), err error) {
	for range 3 {
		port, logs, stop, err = slStartOnce(file)
		if !errors.Is(err, errPortTaken) {
			return port, logs, stop, err
		}
	}
	return port, logs, stop, err
}

var errPortTaken = errors.New("the port was taken before uvicorn bound it")

func slStartOnce(file string) (port string, logs func() string, stop func(), err error) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return "", nil, func() {}, err
	}
	port = strconv.Itoa(ln.Addr().(*net.TCPAddr).Port)
	ln.Close()
	cmd := exec.Command(slPython, file)
	cmd.Env = append(os.Environ(), "PORT="+port, "PYTHONHASHSEED=0", "PYTHONDONTWRITEBYTECODE=1")
	var out bytes.Buffer
	var mu sync.Mutex
	w := writerFunc(func(p []byte) (int, error) { mu.Lock(); defer mu.Unlock(); return out.Write(p) })
	cmd.Stdout, cmd.Stderr = w, w
	logs = func() string { mu.Lock(); defer mu.Unlock(); return out.String() }
	if err := cmd.Start(); err != nil {
		return "", logs, func() {}, err
	}
	exited := make(chan struct{})
	go func() { cmd.Wait(); close(exited) }()
	stop = func() { cmd.Process.Kill(); <-exited }
	listening := "Uvicorn running on http://127.0.0.1:" + port + " "
	for deadline := time.Now().Add(15 * time.Second); time.Now().Before(deadline); time.Sleep(20 * time.Millisecond) {
		switch l := logs(); {
		case strings.Contains(l, listening):
			return port, logs, stop, nil
		case strings.Contains(l, "address already in use"):
			stop()
			return port, logs, stop, errPortTaken
		}
		select {
		case <-exited:
			return port, logs, stop, fmt.Errorf("the program ended before it listened on port %s:\n%s", port, logs())
		default:
		}
	}
	return port, logs, stop, fmt.Errorf("the program did not listen on port %s within 15 s", port)
}

type writerFunc func([]byte) (int, error)

func (f writerFunc) Write(p []byte) (int, error) { return f(p) }

// slRawRequest sends one HTTP/1.1 request and reads the status and header
// lines as sent, dropping the date and server lines uvicorn adds.
func slRawRequest(port string, r engine.HTTPRequest) (engine.Response, error) {
	c, err := net.DialTimeout("tcp", "127.0.0.1:"+port, 5*time.Second)
	if err != nil {
		return engine.Response{}, err
	}
	defer c.Close()
	c.SetDeadline(time.Now().Add(5 * time.Second))
	path := strings.TrimPrefix(r.URL, "http://127.0.0.1:"+port)
	var b strings.Builder
	b.WriteString(r.Method + " " + path + " HTTP/1.1\r\n")
	for _, h := range r.Headers {
		b.WriteString(h.Name + ": " + h.Value + "\r\n")
	}
	b.WriteString("\r\n")
	if _, err := c.Write([]byte(b.String())); err != nil {
		return engine.Response{}, err
	}
	br := bufio.NewReader(c)
	status, err := br.ReadString('\n')
	if err != nil {
		return engine.Response{}, err
	}
	f := strings.Fields(status)
	if len(f) < 2 {
		return engine.Response{}, fmt.Errorf("status line %q", status)
	}
	var resp engine.Response
	resp.Status, _ = strconv.Atoi(f[1])
	for {
		line, err := br.ReadString('\n')
		if err != nil {
			return resp, err
		}
		line = strings.TrimRight(line, "\r\n")
		if line == "" {
			return resp, nil
		}
		name, value, _ := strings.Cut(line, ":")
		if name == "date" || name == "server" {
			continue
		}
		resp.Headers = append(resp.Headers, engine.Header{Name: name, Value: strings.TrimLeft(value, " ")})
	}
}

// TestStarletteExportRoute runs the program Export writes for the route of
// a scenario's request path, and compares its answers there, and at the
// paths around it (a trailing slash, an escaped letter, libtest's /r), with
// the emulation's for that route.
func TestStarletteExportRoute(t *testing.T) {
	l, _ := server.Lookup("starlette", "")
	opts := map[string]json.RawMessage{"allow_origins": json.RawMessage(`["https://a.example"]`), "allow_methods": json.RawMessage(`["GET", "PUT"]`)}
	compared := 0
	for i, route := range []string{"/items", "/api/v1/o'clock", "/caf%C3%A9/"} {
		code, err := l.Export(opts, route)
		if err != nil {
			t.Fatalf("Export(%q): %v", route, err)
		}
		file := filepath.Join(t.TempDir(), fmt.Sprintf("route%d.py", i))
		if err := os.WriteFile(file, []byte(code), 0o644); err != nil {
			t.Fatal(err)
		}
		port, logs, stop, err := slStartExport(file)
		if err != nil {
			stop()
			t.Fatalf("%s: %v\n%s\n%s", route, err, code, logs())
		}
		bare := strings.TrimSuffix(route, "/")
		for _, r := range []struct{ method, path, acrm string }{
			{"GET", route, ""}, {"PUT", route + "?x=1", ""}, {"OPTIONS", route, "PUT"}, {"POST", route, ""}, {"TRACE", route, ""},
			{"GET", bare, ""}, {"GET", bare + "/", ""}, {"GET", strings.Replace(route, "i", "%69", 1), ""}, {"GET", "/r", ""},
		} {
			req := engine.HTTPRequest{Method: r.method, URL: "http://127.0.0.1:" + port + r.path,
				Headers: engine.Headers{{Name: "Host", Value: "127.0.0.1:" + port}, {Name: "Origin", Value: "https://a.example"}}}
			if r.acrm != "" {
				req.Headers = append(req.Headers, engine.Header{Name: "Access-Control-Request-Method", Value: r.acrm})
			}
			want, err := engine.Server{Library: &engine.Library{Name: "starlette", Options: opts, Route: route}}.Respond(req)
			if err != nil {
				t.Fatal(err)
			}
			got, err := slRawRequest(port, req)
			if err != nil {
				t.Fatalf("%s %s: %v\n%s", r.method, r.path, err, logs())
			}
			if g, w := slLines(got.Headers), slLines(want.Headers); got.Status != want.Status || g != w {
				t.Errorf("route %q: %s %s\n  program:   %d %s\n  emulation: %d %s", route, r.method, r.path, got.Status, g, want.Status, w)
			}
			compared++
		}
		stop()
	}
	t.Logf("starlette routes: %d answers compared", compared)
}
