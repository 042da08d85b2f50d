//go:build !wasm

package main

import (
	"bytes"
	"encoding/json"
	"strings"
	"testing"

	"corsplay/engine"
)

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
