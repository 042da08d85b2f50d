//go:build !wasm

package main

import (
	"bytes"
	"encoding/json"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"corsplay/engine"
)

const goodScenario = `{"v":1,"page":"https://app.example.com","request":{"url":"https://api.example.com/r"}}`

// TestRunVerbs: the first argument picks the command; a word that is none
// fails with the list of commands instead of starting a server, and flags
// without a command still mean serve.
func TestRunVerbs(t *testing.T) {
	const unknown = "use serve, check, respond or static\n\nusage:\n"
	for _, tt := range []struct {
		args   []string
		code   int
		stderr string // a fragment
	}{
		{[]string{"import"}, 2, `corsplay: unknown command "import": ` + unknown},
		{[]string{"chek", "x.json"}, 2, `corsplay: unknown command "chek": ` + unknown},
		{[]string{"help"}, 2, `corsplay: unknown command "help": ` + unknown},
		{[]string{"scenario.json"}, 2, `corsplay: unknown command "scenario.json": ` + unknown},
		{[]string{""}, 2, `corsplay: unknown command "": ` + unknown},
		// serve, which fails to listen on a bad address at once.
		{[]string{"-addr", "127.0.0.1:-1"}, 1, "corsplay: listen tcp: address -1: invalid port"},
		{[]string{"serve", "-addr", "127.0.0.1:-1"}, 1, "corsplay: listen tcp: address -1: invalid port"},
		{[]string{"check", "-"}, 0, ""},
		{[]string{"respond", "a", "b"}, 2, "usage: corsplay respond [FILE]"},
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
	cmd := exec.Command(bin, "import", "-addr", "127.0.0.1:0")
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
		t.Fatal("corsplay import is still running: it started a server")
	}
	if code := cmd.ProcessState.ExitCode(); code != 2 || !strings.Contains(errs.String(), `unknown command "import"`) {
		t.Errorf("corsplay import: exit %d, stderr %q", code, errs.String())
	}
}

var checkTests = []struct {
	name, input string
	code        int
	stdout      string // a fragment of standard output
	stderr      string // a fragment of standard error
}{
	{"one scenario", `{"v":1,"page":"https://app.example.com","request":{"url":"https://api.example.com/r"}}`, 0, `"verdict": "blocked"`, ""},
	{"an array", `[{"v":1,"page":"null","request":{"url":"https://api.example.com/r"},"server":{"raw":{"actual":{"status":200,"headers":[["Access-Control-Allow-Origin","*"]]}}}}]`, 0, `"verdict": "allowed"`, ""},
	{"bad JSON", `{"v":1,`, 2, "", "empty or truncated JSON"},
	{"unknown version", `{"v":7,"page":"null","request":{"url":"https://a.example/"}}`, 2, "", "v: unknown version 7"},
	{"bad origin", `{"v":1,"page":"https://app.example.com/","request":{"url":"https://a.example/"}}`, 2, "", `page: "https://app.example.com/" is not a serialized origin`},
	{"bad method", `{"v":1,"page":"null","request":{"url":"https://a.example/","method":"GE T"}}`, 2, "", "request.method"},
	{"bad enum", `{"v":1,"page":"null","request":{"url":"https://a.example/","mode":"navigate"}}`, 2, "", "request.mode"},
	{"bad header name", `{"v":1,"page":"null","request":{"url":"https://a.example/","headers":[["X A","1"]]}}`, 2, "", "request.headers[0]"},
	{"unknown field", `{"v":1,"page":"null","request":{"url":"https://a.example/","methd":"PUT"}}`, 2, "", "request.methd: unknown field"},
	{"too big", `{"v":1,"title":"` + strings.Repeat("x", engine.MaxInputBytes) + `"}`, 2, "", "more than"},
	{"bad library", `{"v":1,"page":"null","request":{"url":"https://a.example/"},"server":{"library":{"name":"spring"}}}`, 2, "", "server.library.name"},
}

func TestCheck(t *testing.T) {
	for _, tt := range checkTests {
		t.Run(tt.name, func(t *testing.T) {
			var out, errs bytes.Buffer
			code := check(nil, strings.NewReader(tt.input), &out, &errs)
			if code != tt.code || !strings.Contains(out.String(), tt.stdout) || !strings.Contains(errs.String(), tt.stderr) {
				t.Errorf("exit %d, want %d\nstdout %.300s\nstderr %s", code, tt.code, out.String(), errs.String())
			}
		})
	}
}

var respondTests = []struct {
	name, input string
	code        int
	want        string
}{
	{"policy preflight", `{"server":{"policy":{"origins":["https://app.example.com"],"methods":["PUT"]}},"request":{"method":"OPTIONS","url":"/r","headers":[["Origin","https://app.example.com"],["Access-Control-Request-Method","PUT"]]}}`,
		0, `{"status":204,"headers":[["Access-Control-Allow-Origin","https://app.example.com"],["Access-Control-Allow-Methods","PUT"],["Vary","Origin"]]}`},
	{"raw, no preflight typed", `{"server":{"raw":{}},"request":{"method":"OPTIONS","url":"/r","headers":[["Origin","https://a.example"],["Access-Control-Request-Method","PUT"]]}}`,
		0, `{"status":404}`},
	{"an array", `[{"server":{},"request":{}},{"server":{"policy":{"anyOrigin":"wildcard"}},"request":{"headers":[["Origin","https://x.example"]]}}]`,
		0, `[{"status":200},{"status":200,"headers":[["Access-Control-Allow-Origin","*"],["Content-Type","application/json"],["X-Request-Id","42"]]}]`},
	{"bad policy", `{"server":{"policy":{"origins":["re:("]}},"request":{}}`, 2, ""},
	{"bad method", `{"server":{},"request":{"method":"GE T"}}`, 2, ""},
	{"bad header", `{"server":{},"request":{"headers":[["X","a\nb"]]}}`, 2, ""},
	{"unknown field", `{"server":{},"request":{},"extra":1}`, 2, ""},
}

func TestRespond(t *testing.T) {
	for _, tt := range respondTests {
		t.Run(tt.name, func(t *testing.T) {
			var out, errs bytes.Buffer
			code := respond(nil, strings.NewReader(tt.input), &out, &errs)
			if code != tt.code {
				t.Fatalf("exit %d, want %d: %s", code, tt.code, errs.String())
			}
			if tt.want == "" {
				if errs.Len() == 0 {
					t.Error("no message for invalid input")
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
