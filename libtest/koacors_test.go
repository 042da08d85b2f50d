//go:build linux

package libtest

import (
	"bufio"
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"math/rand/v2"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"

	"corsplay/engine"
	"corsplay/engine/server"
)

// The real @koa/cors 5.0.0 on koa 3.3.0 (the module root's node_modules),
// run by node with koacors_server.js on a loopback port, against the
// engine's "koa-cors" emulation through engine.Server.Respond. Requests go
// as raw bytes on a fresh connection (Host and Connection: close added);
// the raw answer is parsed here: the status and every header line, in wire
// order, names exactly as written, values as a client reads them (Latin-1,
// trimmed). Node's own Date and Connection lines are checked (one Date; a
// Connection: close) and left out: the emulation does not write them.

const koaInstall = "install Node.js 20 and run `npm ci` in the module root (/work/main), which installs koa 3.3.0 and @koa/cors 5.0.0 from package-lock.json"

// koaCheckModules fails the test unless node and the two packages are there.
func koaCheckModules(t *testing.T) string {
	t.Helper()
	node, err := exec.LookPath("node")
	if err != nil {
		t.Fatalf("node is not on PATH: %s", koaInstall)
	}
	for m, v := range map[string]string{"koa": "3.3.0", "@koa/cors": "5.0.0"} {
		var pkg struct{ Version string }
		b, err := os.ReadFile(filepath.Join("..", "node_modules", m, "package.json"))
		if err != nil || json.Unmarshal(b, &pkg) != nil || pkg.Version != v {
			t.Fatalf("../node_modules/%s is missing or not %s (%v, %q): %s", m, v, err, pkg.Version, koaInstall)
		}
	}
	return node
}

// koaStart starts koacors_server.js and returns its address.
func koaStart(t *testing.T) string {
	t.Helper()
	cmd := exec.Command(koaCheckModules(t), "koacors_server.js")
	cmd.Stderr = os.Stderr
	cmd.SysProcAttr = &syscall.SysProcAttr{Pdeathsig: syscall.SIGKILL} // dies with the test
	stdin, err := cmd.StdinPipe()
	if err != nil {
		t.Fatal(err)
	}
	stdout, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		t.Fatalf("starting node: %v (%s)", err, koaInstall)
	}
	t.Cleanup(func() {
		stdin.Close()
		cmd.Process.Kill()
		cmd.Wait()
	})
	port := make(chan string, 1)
	go func() {
		line, _ := bufio.NewReader(stdout).ReadString('\n')
		port <- strings.TrimSpace(line)
	}()
	select {
	case p := <-port:
		if p == "" {
			t.Fatalf("koacors_server.js printed no port (%s)", koaInstall)
		}
		return "127.0.0.1:" + p
	case <-time.After(10 * time.Second):
		t.Fatal("koacors_server.js did not print its port within 10 s")
	}
	return ""
}

func koaConfigure(t *testing.T, addr, options string) string {
	t.Helper()
	resp, err := http.Post("http://"+addr+"/configure", "application/json", strings.NewReader(options))
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	var out struct{ ID, Error string }
	if err := json.NewDecoder(resp.Body).Decode(&out); err != nil || out.Error != "" {
		t.Fatalf("configure %s: %v %s", options, err, out.Error)
	}
	return out.ID
}

// koaAnswer is a status and the header lines "Name: value", in order.
type koaAnswer struct {
	Status int
	Lines  []string
}

func (a koaAnswer) String() string {
	return fmt.Sprintf("%d [%s]", a.Status, strings.Join(a.Lines, " | "))
}

// koaSend sends req's method, headers and the path of its URL (under
// prefix) as raw bytes, and parses the raw answer; status 0 when node
// closes the connection without one.
func koaSend(t *testing.T, addr, prefix string, req engine.HTTPRequest) koaAnswer {
	t.Helper()
	conn, err := net.Dial("tcp", addr)
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	conn.SetDeadline(time.Now().Add(5 * time.Second))
	var b bytes.Buffer
	b.WriteString(req.Method + " " + prefix + honoPath(req.URL) + " HTTP/1.1\r\nHost: " + addr + "\r\n")
	for _, h := range req.Headers {
		b.WriteString(h.Name + ": ")
		b.Write(latin1(t, h.Value))
		b.WriteString("\r\n")
	}
	b.WriteString("Connection: close\r\n\r\n")
	if _, err := conn.Write(b.Bytes()); err != nil {
		t.Fatal(err)
	}
	raw, err := io.ReadAll(conn)
	if err != nil {
		t.Fatalf("%s %q: %v", req.Method, req.Headers, err)
	}
	if len(raw) == 0 {
		return koaAnswer{Lines: []string{}}
	}
	head, _, ok := strings.Cut(string(raw), "\r\n\r\n")
	lines := strings.Split(head, "\r\n")
	f := strings.Fields(lines[0])
	status, err := strconv.Atoi(f[min(1, len(f)-1)])
	if !ok || len(f) < 2 || err != nil {
		t.Fatalf("%s %q: not an HTTP answer: %q", req.Method, req.Headers, raw)
	}
	a := koaAnswer{Status: status, Lines: []string{}}
	dates, connection := 0, ""
	for _, l := range lines[1:] {
		name, value, _ := strings.Cut(l, ":")
		value = strings.Trim(fromLatin1(value), " \t")
		switch name {
		case "Date":
			dates++
		case "Connection":
			connection = value
		default:
			a.Lines = append(a.Lines, name+": "+value)
		}
	}
	if connection != "close" || dates != 1 && status != 400 {
		t.Errorf("%s %q: Node wrote %d Date and Connection %q", req.Method, req.Headers, dates, connection)
	}
	return a
}

func koaReq(method, path string, headers ...string) engine.HTTPRequest {
	return honoReq(method, path, headers...)
}

func koaPre(origin, acrm, acrh string) engine.HTTPRequest { return honoPre(origin, acrm, acrh) }

// koaRequests are the requests generated configurations are sent.
var koaRequests = []engine.HTTPRequest{
	koaPre(hkA, "PUT", "content-type,x-custom"),
	koaPre(hkA, "PATCH", "authorization"),
	koaPre(hkSuffix, "DELETE", "authorization,content-type"),
	koaPre(hkNoDot, "PUT", ""),
	koaPre(hkDowngrade, "PUT", "x-custom"),
	koaPre("null", "PUT", "x-custom"),
	koaPre("", "PUT", "x-custom"),
	koaPre(hkA, "", ""),
	koaReq("OPTIONS", "/r", "Origin", hkB, "Access-Control-Request-Method", "GET", "Access-Control-Request-Private-Network", "true"),
	honoGet("GET", hkA),
	honoGet("GET", hkSuffix),
	honoGet("GET", "null"),
	honoGet("GET", ""),
	honoGet("get", hkA),
	honoGet("patch", hkA),
	honoGet("PATCH", hkEvil),
	honoGet("HEAD", hkA),
	honoGet("DELETE", hkNoDot),
	koaReq("GET", "/other", "Origin", hkA),
	koaReq("POST", "/boom", "Origin", hkA),
	koaReq("HEAD", "/boom", "Origin", hkB),
	koaReq("PUT", "/r?x=1", "Origin", hkDowngrade),
}

var koaPools = [][]string{
	{"origin", "", "", `"*"`, `"` + hkA + `"`, `""`, `["` + hkA + `", "` + hkB + `"]`, `["` + hkA + `"]`, `[]`, `"null"`},
	{"allowMethods", "", "", `"GET,PUT"`, `["GET", "PUT"]`, `""`, `[]`, `"patch"`},
	{"allowHeaders", "", "", `"X-Custom,Authorization"`, `["X-Custom", "Authorization"]`, `""`, `[]`, `"a\u0001"`},
	{"exposeHeaders", "", "", `"X-Total"`, `["X-Total", "X-Page"]`, `""`, `["X-\u0100"]`},
	{"maxAge", "", "", "600", "0", `"600"`, `"0"`, `""`, "1.5", "-1", "1e21"},
	{"credentials", "", "", "true", "false"},
	{"keepHeadersOnError", "", "", "false", "true"},
	{"secureContext", "", "", "true", "false"},
	{"privateNetworkAccess", "", "", "true", "false"},
}

type koaCase struct {
	name, options string
	reqs          []engine.HTTPRequest
}

func koaGenerated(n, per int) []koaCase {
	r := rand.New(rand.NewPCG(2026, 1605))
	var cases []koaCase
	for i := range n {
		var fields []string
		for _, pool := range koaPools {
			if v := pool[1+r.IntN(len(pool)-1)]; v != "" {
				fields = append(fields, fmt.Sprintf("%q: %s", pool[0], v))
			}
		}
		c := koaCase{name: fmt.Sprintf("generated-%d", i), options: "{" + strings.Join(fields, ", ") + "}"}
		for _, j := range r.Perm(len(koaRequests))[:per] {
			c.reqs = append(c.reqs, koaRequests[j])
		}
		cases = append(cases, c)
	}
	return cases
}

func koaHandPicked() []koaCase {
	pre := koaPre(hkA, "PUT", "x-custom, Authorization")
	get := honoGet("GET", hkA)
	evil := []engine.HTTPRequest{koaPre(hkEvil, "PUT", "x-custom"), honoGet("GET", hkEvil)}
	all := append([]engine.HTTPRequest{pre, get}, evil...)
	boom := []engine.HTTPRequest{koaReq("GET", "/boom", "Origin", hkA), koaReq("HEAD", "/boom", "Origin", hkA), koaReq("OPTIONS", "/boom", "Origin", hkA),
		koaReq("OPTIONS", "/boom", "Origin", hkA, "Access-Control-Request-Method", "PUT")}
	latin := "https://caf\u00e9.example"
	return []koaCase{
		{"defaults", `{}`, append(all, koaReq("OPTIONS", "/r"), honoGet("GET", ""), koaReq("OPTIONS", "/r", "Origin", hkA))},
		{"credentials reflect any origin", `{"credentials": true}`, append(all, honoGet("GET", ""), koaPre("", "PUT", ""), honoGet("GET", "null"), honoGet("GET", hkSuffix))},
		{"static string sent to everyone", `{"origin": "https://a.example.com", "credentials": true}`, append(all, honoGet("GET", hkNoDot), honoGet("GET", hkDowngrade))},
		{"list: one line per element", `{"origin": ["https://a.example.com", "https://b.example.com"], "credentials": true}`, append(all, boom...)},
		{"empty list: no line", `{"origin": [], "credentials": true}`, append(all, boom...)},
		{"star in a list is not reflected", `{"origin": ["*"], "credentials": true}`, all},
		{"empty string is *", `{"origin": "", "credentials": true}`, all},
		{"keepHeadersOnError default", `{"origin": "https://a.example.com", "credentials": true, "exposeHeaders": ["X-A", "X-B"], "secureContext": true}`, boom},
		{"keepHeadersOnError false", `{"credentials": true, "keepHeadersOnError": false, "secureContext": true}`, boom},
		{"private network", `{"privateNetworkAccess": true}`, []engine.HTTPRequest{
			koaReq("OPTIONS", "/r", "Origin", hkEvil, "Access-Control-Request-Method", "GET", "Access-Control-Request-Private-Network", "true"),
			koaReq("OPTIONS", "/r", "Origin", hkEvil, "Access-Control-Request-Method", "GET", "Access-Control-Request-Private-Network", "false"),
			koaReq("OPTIONS", "/r", "Origin", hkEvil, "Access-Control-Request-Method", "GET", "Access-Control-Request-Private-Network", ""),
			koaReq("GET", "/r", "Origin", hkEvil, "Access-Control-Request-Private-Network", "true"),
		}},
		{"duplicates joined", `{"credentials": true}`, []engine.HTTPRequest{
			koaReq("GET", "/r", "Origin", hkA, "Origin", hkB),
			koaReq("OPTIONS", "/r", "Origin", " "+hkA+"\t", "Access-Control-Request-Method", "", "access-control-request-method", "PUT", "Access-Control-Request-Headers", "a", "Access-Control-Request-Headers", " b "),
			koaReq("OPTIONS", "/r", "Origin", hkA, "Access-Control-Request-Method", " "),
		}},
		{"methods Node refuses or drops", `{}`, []engine.HTTPRequest{
			honoGet("patch", hkA), honoGet("get", hkA), honoGet("FOO", hkA), honoGet("CONNECT", hkA), honoGet("QUERY", hkA), honoGet("M-SEARCH", hkA), koaReq("options", "/r", "Origin", hkA, "Access-Control-Request-Method", "PUT"),
		}},
		{"control characters in request headers", `{}`, []engine.HTTPRequest{koaReq("GET", "/r", "Origin", "https://a\x01.example"), koaReq("GET", "/r", "Origin", "https://a\x7f.example"), koaReq("GET", "/r", "Origin", "https://a\t.example")}},
		{"Latin-1 written in UTF-8 after a head with a body", `{"credentials": true}`, append([]engine.HTTPRequest{
			honoGet("GET", latin), honoGet("HEAD", latin), koaPre(latin, "PUT", "x-\u00e9"), koaReq("GET", "/x", "Origin", latin), koaReq("HEAD", "/x", "Origin", latin),
			koaReq("GET", "/boom", "Origin", latin), koaReq("HEAD", "/boom", "Origin", latin)}, boom...)},
		{"Latin-1 configured", `{"origin": "https://caf\u00e9.example", "exposeHeaders": "X-\u00e9", "allowHeaders": "\u00ff"}`, append(all, boom...)},
		{"invalid character in origin", `{"origin": "https://\u0100.example"}`, append(all, boom...)},
		{"invalid character in one list element", `{"origin": ["https://a.example.com", "bad\nvalue"], "keepHeadersOnError": true}`, append(all, boom...)},
		{"invalid allowHeaders only hits preflights", `{"allowHeaders": ["X-\u0100"], "exposeHeaders": "X-Fine"}`, append(all, boom...)},
		{"invalid exposeHeaders only hits actual requests", `{"exposeHeaders": ["X-\u0100"]}`, append(all, boom...)},
		{"maxAge strings as they are", `{"maxAge": " 600 "}`, []engine.HTTPRequest{pre}},
		{"maxAge 0 is nothing", `{"maxAge": 0}`, []engine.HTTPRequest{pre}},
		{"maxAge \"0\" is sent", `{"maxAge": "0"}`, []engine.HTTPRequest{pre}},
		{"maxAge number formats", `{"maxAge": 1e-7}`, []engine.HTTPRequest{pre}},
		{"maxAge beyond a double", `{"maxAge": -1e999}`, []engine.HTTPRequest{pre}},
		{"allowMethods empty", `{"allowMethods": "", "allowHeaders": [], "exposeHeaders": []}`, all},
		{"lists joined with commas", `{"allowMethods": ["GET", " PUT "], "allowHeaders": ["a", ""], "exposeHeaders": ["", "b"]}`, all},
		{"paths", `{}`, []engine.HTTPRequest{koaReq("GET", "/R", "Origin", hkA), koaReq("GET", "/r/", "Origin", hkA), koaReq("GET", "/%72", "Origin", hkA),
			koaReq("GET", "/boom?x", "Origin", hkA), koaReq("OPTIONS", "/anything", "Origin", hkA, "Access-Control-Request-Method", "PUT"), koaReq("DELETE", "/", "Origin", hkA)}},
		{"secureContext on preflights and actual requests", `{"secureContext": true, "allowHeaders": "X-A"}`, all},
		{"unknown options are ignored", `{"allowedHeaders": ["X-Only"], "methods": "GET", "origins": ["https://a.example.com"], "credential": true}`, all},
	}
}

func TestKoaCorsDifferential(t *testing.T) {
	start := time.Now()
	addr := koaStart(t)
	cases := append(koaGenerated(45, 4), koaHandPicked()...)
	pairs, generated := 0, 0
	kinds := map[string]int{}
	for _, c := range cases {
		var opts map[string]json.RawMessage
		if err := json.Unmarshal([]byte(c.options), &opts); err != nil {
			t.Fatalf("%s: %v", c.name, err)
		}
		id := koaConfigure(t, addr, c.options)
		srv := engine.Server{Library: &engine.Library{Name: "koa-cors", Version: "5.0.0", Options: opts}}
		for _, req := range c.reqs {
			real := koaSend(t, addr, "/app/"+id, req)
			resp, err := srv.Respond(req)
			if err != nil {
				t.Fatalf("%s %s: %v", c.name, c.options, err)
			}
			emu := koaAnswer{resp.Status, honoLines(resp.Headers)}
			pairs++
			if strings.HasPrefix(c.name, "generated") {
				generated++
			}
			kind := fmt.Sprint(real.Status)
			if n := len(slices.DeleteFunc(slices.Clone(real.Lines), func(l string) bool { return !strings.HasPrefix(l, "Access-Control-Allow-Origin:") })); n > 0 {
				kind += fmt.Sprintf("+%dACAO", n)
			}
			kinds[kind]++
			if real.String() != emu.String() {
				t.Errorf("%s %s\n  %s %s %q\n  real:     %v\n  emulated: %v", c.name, c.options, req.Method, req.URL, req.Headers, real, emu)
			}
		}
	}
	t.Logf("koa-cors: %d configuration × request pairs (%d generated, %d hand-picked), answers by status (+nACAO: with n Access-Control-Allow-Origin lines; 0: no answer): %v; %v",
		pairs, generated, pairs-generated, kinds, time.Since(start).Round(time.Millisecond))
	if pairs < 150 {
		t.Errorf("only %d pairs compared, want at least 150", pairs)
	}
}

// TestKoaCorsExportRuns runs the program Export writes with node, on a
// loopback port given in PORT, and compares its answers with the
// emulation's, for several configurations.
func TestKoaCorsExportRuns(t *testing.T) {
	node := koaCheckModules(t)
	lib, ok := server.Lookup("koa-cors", "")
	if !ok {
		t.Fatal("koa-cors is not registered")
	}
	dir := t.TempDir()
	abs, err := filepath.Abs(filepath.Join("..", "node_modules"))
	if err != nil {
		t.Fatal(err)
	}
	if err := os.Symlink(abs, filepath.Join(dir, "node_modules")); err != nil {
		t.Fatal(err)
	}
	n := 0
	for i, options := range []string{
		`{}`,
		`{"origin": "https://a.example.com", "credentials": true, "maxAge": 600, "secureContext": true}`,
		`{"origin": ["https://a.example.com", "it's \"quoted\" \\"], "allowMethods": ["GET", "PUT"], "allowHeaders": "X-Custom", "exposeHeaders": ["X-Total"], "keepHeadersOnError": false}`,
		`{"credentials": true, "maxAge": "0", "privateNetworkAccess": true, "allowHeaders": []}`,
	} {
		var opts map[string]json.RawMessage
		json.Unmarshal([]byte(options), &opts)
		src, err := lib.Export(opts)
		if err != nil {
			t.Fatalf("Export(%s): %v", options, err)
		}
		file := filepath.Join(dir, fmt.Sprintf("app%d.js", i))
		if err := os.WriteFile(file, []byte(src), 0o644); err != nil {
			t.Fatal(err)
		}
		l, err := net.Listen("tcp", "127.0.0.1:0")
		if err != nil {
			t.Fatal(err)
		}
		port := strconv.Itoa(l.Addr().(*net.TCPAddr).Port)
		l.Close()
		cmd := exec.Command(node, file)
		cmd.Env = append(os.Environ(), "PORT="+port)
		cmd.SysProcAttr = &syscall.SysProcAttr{Pdeathsig: syscall.SIGKILL}
		var stderr bytes.Buffer
		cmd.Stderr = &stderr
		if err := cmd.Start(); err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { cmd.Process.Kill(); cmd.Wait() }) // also when a request fails the test
		addr := ""
		for deadline := time.Now().Add(5 * time.Second); addr == "" && time.Now().Before(deadline); time.Sleep(20 * time.Millisecond) {
			for _, host := range []string{"127.0.0.1", "[::1]"} {
				if c, err := net.Dial("tcp", host+":"+port); err == nil {
					c.Close()
					addr = host + ":" + port
					break
				}
			}
		}
		if addr == "" {
			cmd.Process.Kill()
			cmd.Wait()
			t.Fatalf("the exported program did not listen on %s within 5 s: %s\n%s", port, stderr.String(), src)
		}
		srv := engine.Server{Library: &engine.Library{Name: "koa-cors", Options: opts}}
		for _, req := range koaRequests {
			real := koaSend(t, addr, "", req)
			resp, err := srv.Respond(req)
			if err != nil {
				t.Fatal(err)
			}
			if emu := (koaAnswer{resp.Status, honoLines(resp.Headers)}); real.String() != emu.String() {
				t.Errorf("exported %s\n  %s %s %q\n  real:     %v\n  emulated: %v\n%s", options, req.Method, req.URL, req.Headers, real, emu, src)
			}
			n++
		}
		cmd.Process.Kill()
		cmd.Wait()
	}
	t.Logf("koa-cors export: %d requests to 4 exported programs answered as emulated", n)
}
