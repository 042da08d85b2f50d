//go:build !wasm

package main

import (
	"bytes"
	"encoding/json"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"corsplay/engine"
)

const (
	goodScenario = `{"v":1,"page":"https://app.example.com","request":{"url":"https://api.example.com/r"}}`
	allowedRaw   = `{"v":1,"page":"null","request":{"url":"https://api.example.com/r"},"server":{"raw":{"actual":{"status":200,"headers":[["Access-Control-Allow-Origin","*"]]}}}}`
)

// TestRunVerbs: the first argument picks the command; a word that is none
// fails with the list of commands instead of starting a server, and flags
// without a command still mean serve.
func TestRunVerbs(t *testing.T) {
	const unknown = "use serve, check, respond, static, probe, import or program\n\nusage:\n"
	for _, tt := range []struct {
		args   []string
		code   int
		stderr string // a fragment
	}{
		{[]string{"export"}, 2, `corsplay: unknown command "export": ` + unknown},
		{[]string{"chek", "x.json"}, 2, `corsplay: unknown command "chek": ` + unknown},
		{[]string{"help"}, 2, `corsplay: unknown command "help": ` + unknown},
		{[]string{"scenario.json"}, 2, `corsplay: unknown command "scenario.json": ` + unknown},
		{[]string{""}, 2, `corsplay: unknown command "": ` + unknown},
		// serve, which fails to listen on a bad address at once.
		{[]string{"-addr", "127.0.0.1:-1"}, 1, "corsplay: listen tcp: address -1: invalid port"},
		{[]string{"serve", "-addr", "127.0.0.1:-1"}, 1, "corsplay: listen tcp: address -1: invalid port"},
		{[]string{"check", "-"}, 0, ""},
		{[]string{"respond", "a", "b"}, 2, "usage: corsplay respond [FILE]"},
		{[]string{"program", "a", "b"}, 2, "usage: corsplay program [FILE|-]"},
		{[]string{"program", "-"}, 2, "program: standard input: server: the server is not a library"},
		{[]string{"import", "--library", "nope"}, 2, `import: --library "nope": use one of `},
		{[]string{"import", "--library", "rs-cors@v9"}, 2, `import: --library "rs-cors@v9": use one of `},
		{[]string{"import", "--library", "rs-cors"}, 2, "import: standard input: line 1, column 1: expected cors.Options{…}, cors.New(…), cors.AllowAll() or cors.Default() of github.com/rs/cors"},
	} {
		var out, errs bytes.Buffer
		code := run(tt.args, strings.NewReader(goodScenario), &out, &errs)
		if code != tt.code || !strings.Contains(errs.String(), tt.stderr) {
			t.Errorf("corsplay %q: exit %d, stderr %q; want exit %d, stderr with %q", tt.args, code, errs.String(), tt.code, tt.stderr)
		}
		if tt.code == 2 && out.Len() > 0 {
			t.Errorf("corsplay %q: stdout %q, want none", tt.args, out.String())
		}
	}
}

// TestUnknownVerbThroughMain runs the built command: an unknown word exits
// 2 at once, where it used to start the server.
func TestUnknownVerbThroughMain(t *testing.T) {
	bin := filepath.Join(t.TempDir(), "corsplay")
	if out, err := exec.Command("go", "build", "-o", bin, ".").CombinedOutput(); err != nil {
		t.Fatalf("build: %v\n%s", err, out)
	}
	cmd := exec.Command(bin, "export", "-addr", "127.0.0.1:0")
	done := make(chan error, 1)
	var errs bytes.Buffer
	cmd.Stderr = &errs
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	go func() { done <- cmd.Wait() }()
	select {
	case <-done:
	case <-time.After(10 * time.Second):
		cmd.Process.Kill()
		t.Fatal("corsplay export is still running: it started a server")
	}
	if code := cmd.ProcessState.ExitCode(); code != 2 || !strings.Contains(errs.String(), `unknown command "export"`) {
		t.Errorf("corsplay export: exit %d, stderr %q", code, errs.String())
	}
}

var checkTests = []struct {
	name, input string
	code        int
	stdout      string // a fragment of standard output
	stderr      string // a fragment of standard error
}{
	{"one scenario", goodScenario, 0, `"verdict": "blocked"`, ""},
	{"an array", `[` + allowedRaw + `]`, 0, `"verdict": "allowed"`, ""},
	{"bad JSON", `{"v":1,`, 2, "", "check: standard input: empty or truncated JSON\n"},
	{"unknown version", `{"v":7,"page":"null","request":{"url":"https://a.example/"}}`, 2, "", "v: unknown version 7"},
	{"bad origin", `{"v":1,"page":"https://app.example.com/","request":{"url":"https://a.example/"}}`, 2, "", `page: "https://app.example.com/" is not a serialized origin`},
	{"bad method", `{"v":1,"page":"null","request":{"url":"https://a.example/","method":"GE T"}}`, 2, "", "request.method"},
	{"bad enum", `{"v":1,"page":"null","request":{"url":"https://a.example/","mode":"navigate"}}`, 2, "", "request.mode"},
	{"bad header name", `{"v":1,"page":"null","request":{"url":"https://a.example/","headers":[["X A","1"]]}}`, 2, "", "request.headers[0]"},
	{"unknown field", `{"v":1,"page":"null","request":{"url":"https://a.example/","methd":"PUT"}}`, 2, "", "request.methd: unknown field"},
	{"too big", `{"v":1,"title":"` + strings.Repeat("x", engine.MaxInputBytes) + `"}`, 2, "", "check: standard input: input is 65554 bytes, more than the 65536 allowed for one value (an array may hold 10000 values of that size)\n"},
	{"bad library", `{"v":1,"page":"null","request":{"url":"https://a.example/"},"server":{"library":{"name":"spring"}}}`, 2, "", "server.library.name"},
	{"wrong type", `{"v":1,"page":"null","request":{"url":"https://a.example/","repeat":["1"]}}`, 2, "", "check: standard input: request.repeat[0]: want a number, got a string\n"},
	{"key in another case", `{"v":1,"page":"null","request":{"url":"https://a.example/","Credentials":"include"}}`, 2, "", `check: standard input: request.Credentials: unknown field: keys are case-sensitive, write "credentials"` + "\n"},
	{"port over 65535", `{"v":1,"page":"null","request":{"url":"https://a.example:99999/"}}`, 2, "", `request.url: "https://a.example:99999/" is not a URL: port 99999 is over 65535`},
	{"data after the scenario", goodScenario + ` x`, 2, "", "check: standard input: unexpected data after the JSON value, at line 1, column 88\n"},
	// An array: a bad element is reported as that element's, in its place
	// in the output, and the others are evaluated.
	{"array with bad elements", "[" + allowedRaw + ",\n" + `{"v":1,"page":"null","request":{"url":"https://a.example/","Mode":"cors"}}` + ",\n" + `{"v":1,,}` + ",\n" + goodScenario + "]", 2,
		`"error": "[1].request.Mode: unknown field: keys are case-sensitive, write \"mode\""`,
		"check: standard input: [1].request.Mode: unknown field: keys are case-sensitive, write \"mode\"\n" +
			"check: standard input: [2]: invalid JSON at line 3, column 8: invalid character ',' looking for beginning of object key string\n" +
			"check: standard input: 2 of 4 scenarios invalid\n"},
	{"array, data after it", "[" + goodScenario + "] x", 2, `"verdict": "blocked"`, "check: standard input: unexpected data after the array, at line 1, column 90\n"},
}

func TestCheck(t *testing.T) {
	for _, tt := range checkTests {
		t.Run(tt.name, func(t *testing.T) {
			var out, errs bytes.Buffer
			code := check(nil, strings.NewReader(tt.input), &out, &errs)
			if code != tt.code || !strings.Contains(out.String(), tt.stdout) || !strings.Contains(errs.String(), tt.stderr) {
				t.Errorf("exit %d, want %d\nstdout %.300s\nstderr %s", code, tt.code, out.String(), errs.String())
			}
			if out.Len() > 0 && !json.Valid(out.Bytes()) {
				t.Errorf("stdout is not JSON: %.300s", out.String())
			}
		})
	}
}

// outcomes reads check's output array: verdicts, and errors in their place.
func outcomes(t *testing.T, out []byte) []string {
	t.Helper()
	var got []struct {
		Verdict, Error string
	}
	if err := json.Unmarshal(out, &got); err != nil {
		t.Fatalf("stdout is not a JSON array: %v: %.300s", err, out)
	}
	var list []string
	for _, o := range got {
		list = append(list, o.Verdict+o.Error)
	}
	return list
}

// TestCheckArrayOutput: output [i] answers input [i], an error in place of
// a bad element, in the layout of one indented array.
func TestCheckArrayOutput(t *testing.T) {
	in := "[" + allowedRaw + `, {"v":1,"page":"null","request":{"url":"https://a.example/"},"server":{"raw":{"actual":{"status":"200"}}}}, ` + goodScenario + "]"
	var out, errs bytes.Buffer
	if code := check(nil, strings.NewReader(in), &out, &errs); code != 2 {
		t.Errorf("exit %d, want 2", code)
	}
	want := []string{"allowed", "[1].server.raw.actual.status: want a number, got a string", "blocked"}
	if got := outcomes(t, out.Bytes()); fmt.Sprint(got) != fmt.Sprint(want) {
		t.Errorf("outputs %q, want %q", got, want)
	}
	var compact, indented bytes.Buffer
	json.Compact(&compact, out.Bytes())
	json.Indent(&indented, compact.Bytes(), "", "  ")
	if out.String() != indented.String()+"\n" {
		t.Errorf("stdout is not laid out as one indented array:\n%s", out.String())
	}
	for _, in := range []string{"[]", " [ ]\n"} {
		out.Reset()
		if code := check(nil, strings.NewReader(in), &out, &errs); code != 0 || out.String() != "[]\n" {
			t.Errorf("check(%q): exit %d, stdout %q; want 0, []", in, code, out.String())
		}
	}
}

// arrayOf writes n copies of elem as a JSON array.
func arrayOf(n int, elem string) string {
	return "[" + strings.TrimSuffix(strings.Repeat(elem+",\n", n), ",\n") + "]"
}

// padded returns a scenario padded with spaces inside to exactly n bytes.
func padded(n int) string {
	return goodScenario[:len(goodScenario)-1] + strings.Repeat(" ", n-len(goodScenario)) + "}"
}

// TestCheckLimits: 64 KiB per scenario, 10,000 scenarios and 64 MiB in all,
// each at the limit and one over it.
func TestCheckLimits(t *testing.T) {
	check := func(in string) (code int, out, errs string) {
		var o, e bytes.Buffer
		code = check(nil, strings.NewReader(in), &o, &e)
		return code, o.String(), e.String()
	}

	start := time.Now()
	code, out, errs := check(arrayOf(engine.MaxElements, goodScenario))
	took := time.Since(start)
	if got := outcomes(t, []byte(out)); code != 0 || len(got) != engine.MaxElements || got[0] != "blocked" || got[engine.MaxElements-1] != "blocked" {
		t.Errorf("check of 10,000 scenarios: exit %d, %d outcomes, stderr %.300s", code, len(got), errs)
	}
	t.Logf("check of %d scenarios (%d bytes in, %d out): %v", engine.MaxElements, len(arrayOf(engine.MaxElements, goodScenario)), len(out), took)

	code, out, errs = check(arrayOf(engine.MaxElements+1, goodScenario))
	if got := outcomes(t, []byte(out)); code != 2 || len(got) != engine.MaxElements ||
		errs != "check: standard input: more than 10000 elements in one array: element [10000] and those after it are not read; split the input\n" {
		t.Errorf("check of 10,001 scenarios: exit %d, %d outcomes, stderr %q", code, len(got), errs)
	}

	code, out, errs = check("[" + padded(engine.MaxInputBytes) + ",\n" + padded(engine.MaxInputBytes+1) + ",\n" + goodScenario + "]")
	want := []string{"blocked", "[1]: the element is 65537 bytes, more than the 65536 allowed for one element", "blocked"}
	if got := outcomes(t, []byte(out)); code != 2 || fmt.Sprint(got) != fmt.Sprint(want) {
		t.Errorf("check of 64 KiB, 64 KiB + 1, small: exit %d, %q; want %q", code, got, want)
	}
	if want := "check: standard input: [1]: the element is 65537 bytes, more than the 65536 allowed for one element\ncheck: standard input: 1 of 3 scenarios invalid\n"; errs != want {
		t.Errorf("stderr %q, want %q", errs, want)
	}

	// 64 MiB: scenarios of 60 KiB, the last one filling the input to the byte.
	elem := padded(60 << 10)
	n := engine.MaxStreamBytes / (len(elem) + 2)
	in := arrayOf(n, elem)
	in = in[:len(in)-1] + ",\n" + padded(engine.MaxStreamBytes-len(in)-2) + "]"
	if len(in) != engine.MaxStreamBytes {
		t.Fatalf("built %d bytes, want %d", len(in), engine.MaxStreamBytes)
	}
	if code, out, errs := check(in); code != 0 || len(outcomes(t, []byte(out))) != n+1 {
		t.Errorf("check of 64 MiB: exit %d, stderr %q", code, errs)
	}
	code, out, errs = check(in + "\n")
	if got := outcomes(t, []byte(out)); code != 2 || len(got) != n+1 || errs != "check: standard input: input is more than 67108864 bytes\n" {
		t.Errorf("check of 64 MiB + 1: exit %d, %d outcomes, stderr %q", code, len(got), errs)
	}
}

var respondTests = []struct {
	name, input string
	code        int
	want        string // standard output (compared as JSON), or standard error when code is 2
}{
	{"policy preflight", `{"server":{"policy":{"origins":["https://app.example.com"],"methods":["PUT"]}},"request":{"method":"OPTIONS","url":"/r","headers":[["Origin","https://app.example.com"],["Access-Control-Request-Method","PUT"]]}}`,
		0, `{"status":204,"headers":[["Access-Control-Allow-Origin","https://app.example.com"],["Access-Control-Allow-Methods","PUT"],["Vary","Origin"]]}`},
	{"raw, no preflight typed", `{"server":{"raw":{}},"request":{"method":"OPTIONS","url":"/r","headers":[["Origin","https://a.example"],["Access-Control-Request-Method","PUT"]]}}`,
		0, `{"status":404}`},
	{"an array", `[{"server":{},"request":{}},{"server":{"policy":{"anyOrigin":"wildcard"}},"request":{"headers":[["Origin","https://x.example"]]}}]`,
		0, `[{"status":200},{"status":200,"headers":[["Access-Control-Allow-Origin","*"],["Content-Type","application/json"],["X-Request-Id","42"]]}]`},
	{"absolute URL", `{"server":{},"request":{"url":"https://api.example.com/r?q=1"}}`, 0, `{"status":200}`},
	{"a library's refusal", `{"server":{"library":{"name":"jub0bs-cors","options":{"Origins":["*"],"Credentialed":true}}},"request":{}}`,
		0, `{"configError":"cors: for security reasons, you cannot both allow all origins and enable credentialed access"}`},
	{"bad policy", `{"server":{"policy":{"origins":["re:("]}},"request":{}}`, 2, "respond: standard input: server.policy.origins[0]: "},
	{"bad method", `{"server":{},"request":{"method":"GE T"}}`, 2, "respond: standard input: request.method: \"GE T\" is not a valid HTTP method: a method is a token (letters, digits and !#$%&'*+-.^_`|~, no spaces)\n"},
	{"bad header", `{"server":{},"request":{"headers":[["X","a\nb"]]}}`, 2, "respond: standard input: request.headers[0]: \"X: a\\nb\" is not a valid header line\n"},
	{"unknown field", `{"server":{},"request":{},"extra":1}`, 2, "respond: standard input: extra: unknown field: use server or request\n"},
	// As strict as check.
	{"trailing data", `{"server":{},"request":{}} {}`, 2, "respond: standard input: unexpected data after the JSON value, at line 1, column 28\n"},
	{"trailing bracket", `{"server":{},"request":{}}]`, 2, "respond: standard input: unexpected data after the JSON value, at line 1, column 27\n"},
	{"null", `null`, 2, "respond: standard input: want an object, got null\n"},
	{"empty object", `{}`, 2, `respond: standard input: server: missing: the server that answers, such as {"policy": {"origins": ["https://app.example.com"]}}, or {} for one without CORS support` + "\n"},
	{"no request", `{"server":{}}`, 2, `respond: standard input: request: missing: the request it answers, such as {"method": "GET", "url": "/r", "headers": [["Origin", "https://app.example.com"]]}` + "\n"},
	{"request null", `{"server":{},"request":null}`, 2, `respond: standard input: request: missing: `},
	{"key in another case", `{"server":{},"request":{"URL":"/r"}}`, 2, "respond: standard input: request.URL: unknown field: keys are case-sensitive, write \"url\"\n"},
	{"key twice", `{"server":{},"request":{"url":"/a","url":"/b"}}`, 2, "respond: standard input: request.url: given twice in one object\n"},
	{"header not a pair", `{"server":{},"request":{"headers":[["Origin"]]}}`, 2, "respond: standard input: request.headers[0]: a header is a [name, value] pair, got [\"Origin\"]\n"},
	{"URL with CR", `{"server":{},"request":{"url":"/r\r"}}`, 2, "respond: standard input: request.url: \"/r\\r\" has a control character (U+000D) at byte 2: a request line cannot carry one\n"},
	{"URL with LF", `{"server":{},"request":{"url":"/r\nHost: x"}}`, 2, "respond: standard input: request.url: \"/r\\nHost: x\" has a control character (U+000A) at byte 2: a request line cannot carry one\n"},
	{"URL with NUL", `{"server":{},"request":{"url":"/\u0000"}}`, 2, "respond: standard input: request.url: \"/\\x00\" has a control character (U+0000) at byte 1: a request line cannot carry one\n"},
	{"URL with TAB", `{"server":{},"request":{"url":"/a\tb"}}`, 2, "respond: standard input: request.url: \"/a\\tb\" has a control character (U+0009) at byte 2: a request line cannot carry one\n"},
	{"URL with ESC", `{"server":{},"request":{"url":"/\u001b"}}`, 2, "respond: standard input: request.url: \"/\\x1b\" has a control character (U+001B) at byte 1: a request line cannot carry one\n"},
	{"URL with DEL", `{"server":{},"request":{"url":"/\u007f"}}`, 2, "respond: standard input: request.url: \"/\\x7f\" has a control character (U+007F) at byte 1: a request line cannot carry one\n"},
	{"URL neither path nor absolute", `{"server":{},"request":{"url":"r"}}`, 2, "respond: standard input: request.url: \"r\" is neither a path starting with / nor an absolute http(s) URL\n"},
	{"URL that does not parse", `{"server":{},"request":{"url":"https://a.example:x/"}}`, 2, "respond: standard input: request.url: \"https://a.example:x/\" is not a URL: invalid port \":x\" after host\n"},
	// An array: bad elements in their place, the others answered.
	{"array with a bad element", `[{"server":{},"request":{}}, {"server":{},"request":{"url":"/\r"}}, {"server":{}}, {"server":{},"request":{}}]`, 2,
		"respond: standard input: [1].request.url: \"/\\r\" has a control character (U+000D) at byte 1: a request line cannot carry one\n" +
			"respond: standard input: [2].request: missing: the request it answers, such as {\"method\": \"GET\", \"url\": \"/r\", \"headers\": [[\"Origin\", \"https://app.example.com\"]]}\n" +
			"respond: standard input: 2 of 4 exchanges invalid\n"},
}

func TestRespond(t *testing.T) {
	for _, tt := range respondTests {
		t.Run(tt.name, func(t *testing.T) {
			var out, errs bytes.Buffer
			code := respond(nil, strings.NewReader(tt.input), &out, &errs)
			if code != tt.code {
				t.Fatalf("exit %d, want %d: %s", code, tt.code, errs.String())
			}
			if tt.code == 2 {
				if !strings.HasPrefix(errs.String(), tt.want) {
					t.Errorf("stderr %q\nwant   %q", errs.String(), tt.want)
				}
				return
			}
			var got, want any
			json.Unmarshal(out.Bytes(), &got)
			json.Unmarshal([]byte(tt.want), &want)
			g, _ := json.Marshal(got)
			w, _ := json.Marshal(want)
			if string(g) != string(w) {
				t.Errorf("got  %s\nwant %s", g, w)
			}
		})
	}
}

// TestRespondArrayOutput: output [i] answers input [i].
func TestRespondArrayOutput(t *testing.T) {
	var out, errs bytes.Buffer
	in := `[{"server":{},"request":{}}, {"server":{},"request":{"url":"/\r"}}, {"server":{"raw":{}},"request":{"method":"OPTIONS","headers":[["Origin","https://a.example"],["Access-Control-Request-Method","PUT"]]}}]`
	if code := respond(nil, strings.NewReader(in), &out, &errs); code != 2 {
		t.Errorf("exit %d, want 2", code)
	}
	var got []map[string]any
	if err := json.Unmarshal(out.Bytes(), &got); err != nil {
		t.Fatalf("stdout %s: %v", out.String(), err)
	}
	want := `[{"status":200},{"error":"[1].request.url: \"/\\r\" has a control character (U+000D) at byte 1: a request line cannot carry one"},{"status":404}]`
	if g, _ := json.Marshal(got); string(g) != want {
		t.Errorf("stdout %s\nwant   %s", g, want)
	}
}

// TestCheckFile reads a file named on the command line, and reports one
// that cannot be opened.
func TestCheckFile(t *testing.T) {
	name := filepath.Join(t.TempDir(), "ci.json")
	os.WriteFile(name, []byte(arrayOf(217, allowedRaw)), 0o644)
	var out, errs bytes.Buffer
	if code := check([]string{name}, nil, &out, &errs); code != 0 || len(outcomes(t, out.Bytes())) != 217 {
		t.Errorf("check %s: exit %d, stderr %s", name, code, errs.String())
	}
	errs.Reset()
	if code := check([]string{name + ".missing"}, nil, &out, &errs); code != 2 || !strings.Contains(errs.String(), "no such file") {
		t.Errorf("check of a missing file: exit %d, stderr %s", code, errs.String())
	}
}

// TestCheckBrowser: -browser evaluates with that profile, whatever the
// scenario says; an unknown one is refused.
func TestCheckBrowser(t *testing.T) {
	blocked := `{"v":1,"browser":"chrome","page":"https://app.example.com","request":{"url":"https://api.example.com/r"},"server":{"raw":{"actual":{"status":200,"headers":[]}}}}`
	for _, tt := range []struct {
		args    []string
		code    int
		console string // a fragment of stdout, or of stderr when code is 2
	}{
		{nil, 0, `"console": "Access to fetch at 'https://api.example.com/r' from origin 'https://app.example.com' has been blocked by CORS policy`},
		{[]string{"-browser", "firefox"}, 0, `"console": "Cross-Origin Request Blocked: The Same Origin Policy disallows reading the remote resource at https://api.example.com/r. (Reason: CORS header ‘Access-Control-Allow-Origin’ missing). Status code: 200."`},
		{[]string{"-browser", "safari", "-"}, 0, `"console": "Origin https://app.example.com is not allowed by Access-Control-Allow-Origin. Status code: 200"`},
		{[]string{"-browser", "opera"}, 2, `check: -browser "opera": use one of chrome, edge, firefox, safari, spec`},
	} {
		var out, errs bytes.Buffer
		code := check(tt.args, strings.NewReader(blocked), &out, &errs)
		where := out.String()
		if tt.code == 2 {
			where = errs.String()
		}
		if code != tt.code || !strings.Contains(where, tt.console) {
			t.Errorf("check %q: exit %d\nstdout %.400s\nstderr %s\nwant exit %d and %q", tt.args, code, out.String(), errs.String(), tt.code, tt.console)
		}
	}
}

// TestCheckChallenge: a scenario with a challenge gets "challenge": {met,
// unmet} in its outcome, of itself or, with -solution, of its solution
// merged in; one without gets none, and -solution refuses it.
func TestCheckChallenge(t *testing.T) {
	challenged := `{"v":1,"page":"https://app.example.com","request":{"url":"https://api.example.com/r"},` +
		`"challenge":{"goal":"Let the page read","change":["server"],"expect":{"verdict":"allowed","exposure":"page-only"},` +
		`"solution":{"server":{"policy":{"origins":["https://app.example.com"]}}}}}`
	wildcard := strings.Replace(challenged, `"challenge"`, `"server":{"policy":{"anyOrigin":"wildcard"}},"challenge"`, 1)
	for _, tt := range []struct {
		name  string
		args  []string
		input string
		code  int
		want  string // a fragment of stdout, or of stderr when code is 2
		not   string // not in stdout
	}{
		{"start unmet", nil, challenged, 0, `"challenge": {
    "met": false,
    "unmet": [
      {
        "expect": "verdict",
        "why": "the fetch is blocked (MissingAllowOriginHeader), not allowed"
      },`, ""},
		{"solution met", []string{"-solution"}, challenged, 0, `"challenge": {
    "met": true,
    "unmet": []
  }`, ""},
		{"an attacker reads", nil, wildcard, 0, `"why": "https://evil-attacker.net can read without cookies"`, ""},
		{"solution, other browser", []string{"-browser", "firefox", "-solution"}, challenged, 0, `"met": true`, `"met": false`},
		{"in an array", []string{"-solution"}, "[" + challenged + "," + challenged + "]", 0, `"met": true`, `"met": false`},
		{"no challenge", nil, goodScenario, 0, `"verdict": "blocked"`, `"challenge"`},
		// A blocked simple GET is still sent: the answer is "Yes", decided
		// by the step that sends it (steps url, method, origin,
		// preflight-needed, actual: index 4).
		{"predictions", nil, strings.Replace(goodScenario, `{"v":1,`, `{"v":1,"predict":[{"ask":"sent"}],`, 1), 0, `"predictions": [
    {
      "question": "Will the request itself reach the server, so that the server runs it?",
      "choices": [
        "Yes",
        "No"
      ],
      "answer": 0,
      "step": 4
    }
  ]`, ""},
		{"no predictions", nil, goodScenario, 0, `"verdict": "blocked"`, `"predictions"`},
		{"-solution without a challenge", []string{"-solution"}, goodScenario, 2, "check: standard input: challenge: missing: -solution checks a scenario's challenge solution", ""},
		{"-solution without a solution", []string{"-solution"}, strings.Replace(challenged, `,"solution":{"server":{"policy":{"origins":["https://app.example.com"]}}}`, "", 1), 2, "check: standard input: challenge.solution: missing", ""},
		{"bad challenge", nil, strings.Replace(challenged, `"allowed"`, `"ok"`, 1), 2, `check: standard input: challenge.expect.verdict: "ok" is not a verdict`, ""},
	} {
		t.Run(tt.name, func(t *testing.T) {
			var out, errs bytes.Buffer
			code := check(tt.args, strings.NewReader(tt.input), &out, &errs)
			where := out.String()
			if tt.code == 2 {
				where = errs.String()
			}
			if code != tt.code || !strings.Contains(where, tt.want) || tt.not != "" && strings.Contains(out.String(), tt.not) {
				t.Errorf("check %q: exit %d\nstdout %.2000s\nstderr %s\nwant exit %d and %q", tt.args, code, out.String(), errs.String(), tt.code, tt.want)
			}
		})
	}
}

// TestProgramRoute: `corsplay program` writes the app's route at the path
// of the scenario's request URL, and refuses one the framework's router
// reads as a pattern, naming request.url.
func TestProgramRoute(t *testing.T) {
	scenario := func(url string) string {
		return `{"v":1,"page":"https://app.example.com","request":{"url":"` + url + `","method":"PUT"},
			"server":{"library":{"name":"starlette","options":{"allow_origins":["https://app.example.com"]}}}}`
	}
	var out, errs bytes.Buffer
	if code := run([]string{"program", "-"}, strings.NewReader(scenario("https://api.example.com/api/v1/items?x=1")), &out, &errs); code != 0 ||
		!strings.Contains(out.String(), `routes=[Route("/api/v1/items", ok,`) {
		t.Errorf("exit %d, stderr %q, program:\n%s", code, errs.String(), out.String())
	}
	out.Reset()
	errs.Reset()
	if code := run([]string{"program", "-"}, strings.NewReader(scenario("https://api.example.com/items/%7Bid%7D")), &out, &errs); code != 2 ||
		!strings.Contains(errs.String(), `request.url: the path "/items/{id}" holds "{"`) || out.Len() > 0 {
		t.Errorf("a route read as a pattern: exit %d, stderr %q, stdout %q", code, errs.String(), out.String())
	}
}
