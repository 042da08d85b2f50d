//go:build !wasm

package main

import (
	"bytes"
	"encoding/json"
	"io"
	"strings"
	"testing"

	"corsplay/engine"
	"corsplay/engine/evidence"
)

const (
	chromeHAR     = "engine/evidence/testdata/chrome.har"
	firefoxPasted = "Cross-Origin Request Blocked: The Same Origin Policy disallows reading the remote resource at http://localhost:8000/api/notes. (Reason: CORS header ‘Access-Control-Allow-Origin’ missing). Status code: 200. [Learn More]\n"
)

// importOutput is what corsplay import prints.
type importOutput struct {
	Source   string          `json:"source"`
	Browser  string          `json:"browser"`
	Scenario json.RawMessage `json:"scenario"`
	Assumed  []struct {
		Field, Why string
	} `json:"assumed"`
	Notes []string `json:"notes"`
}

func TestImportCLI(t *testing.T) {
	for _, tt := range []struct {
		name    string
		args    []string
		stdin   string
		source  string
		browser string
		url     string // the scenario's request URL
		field   string // assumed, if any
	}{
		{"a HAR file", []string{chromeHAR}, "", "har", "chrome", "https://api.shop.test/v1/orders", ""},
		{"--entry after the file", []string{chromeHAR, "--entry", "2"}, "", "har", "chrome", "https://api.shop.test/v1/config", ""},
		{"-entry before the file", []string{"-entry=2", chromeHAR}, "", "har", "chrome", "https://api.shop.test/v1/config", ""},
		{"- reads standard input", []string{"-"}, firefoxPasted, "console", "firefox", "http://localhost:8000/api/notes", "page"},
		{"no name reads standard input", nil, "curl -s http://localhost:8080/x -H 'Origin: http://localhost:3000'", "curl", "chrome", "http://localhost:8080/x", "browser"},
	} {
		t.Run(tt.name, func(t *testing.T) {
			var out, errs bytes.Buffer
			if code := run(append([]string{"import"}, tt.args...), strings.NewReader(tt.stdin), &out, &errs); code != 0 {
				t.Fatalf("exit %d, stderr %s", code, errs.String())
			}
			var got importOutput
			if err := json.Unmarshal(out.Bytes(), &got); err != nil {
				t.Fatalf("stdout is not JSON: %v\n%s", err, out.String())
			}
			s, err := engine.DecodeOne(got.Scenario)
			if err != nil {
				t.Fatalf("the scenario does not read as one: %v", err)
			}
			if got.Source != tt.source || got.Browser != tt.browser || s.Request.URL != tt.url {
				t.Errorf("%s, %s, %s; want %s, %s, %s", got.Source, got.Browser, s.Request.URL, tt.source, tt.browser, tt.url)
			}
			if got.Assumed == nil {
				t.Error("no \"assumed\" list")
			}
			if tt.field != "" && (len(got.Assumed) == 0 || got.Assumed[0].Field != tt.field || got.Assumed[0].Why == "") {
				t.Errorf("assumed %+v, want %s first", got.Assumed, tt.field)
			}
			// The scenario goes on to check as it is.
			var checked bytes.Buffer
			if code := check(nil, bytes.NewReader(got.Scenario), &checked, io.Discard); code != 0 || !strings.Contains(checked.String(), `"verdict"`) {
				t.Errorf("check of the imported scenario: exit %d", code)
			}
		})
	}
}

func TestImportCLIErrors(t *testing.T) {
	for _, tt := range []struct {
		name   string
		args   []string
		stdin  string
		stderr []string // fragments
	}{
		{"nothing recognised: the accepted forms", []string{"-"}, "Uncaught ReferenceError: process is not defined\n", []string{
			"import: standard input: nothing recognised: corsplay import reads\n",
			"  - console output of Chrome or Edge, Firefox or Safari",
			"  - a HAR file saved from the Network panel",
			"  - DevTools' \"Copy as fetch\"",
			"  - DevTools' \"Copy as cURL\" (bash)",
			"  - the output of curl -v or curl -i",
		}},
		{"an error names the line", nil, "curl 'https://api.example.com/x' \\\n  -H 'Origin: https://app.example.com", []string{"import: standard input: line 2: a quote ' that is never closed\n"}},
		{"--entry of a console paste", []string{"--entry", "1"}, firefoxPasted, []string{"import: standard input: --entry picks an entry of a HAR file; this is console output\n"}},
		{"--entry past the end", []string{chromeHAR, "--entry", "7"}, "", []string{"import: " + chromeHAR + ": --entry 7: the HAR holds 4 entries\n"}},
		{"no such file", []string{"missing.har"}, "", []string{"import: open missing.har: no such file or directory\n"}},
		{"two files", []string{"a.har", "b.har"}, "", []string{"usage: corsplay import [FILE|-] [--entry N]"}},
		{"a bad flag", []string{"--entry", "x"}, "", []string{"invalid value \"x\" for flag -entry"}},
	} {
		t.Run(tt.name, func(t *testing.T) {
			var out, errs bytes.Buffer
			code := run(append([]string{"import"}, tt.args...), strings.NewReader(tt.stdin), &out, &errs)
			if code != 2 || out.Len() > 0 {
				t.Errorf("exit %d, stdout %q; want 2 and nothing", code, out.String())
			}
			for _, f := range tt.stderr {
				if !strings.Contains(errs.String(), f) {
					t.Errorf("stderr %q\nwant it to hold %q", errs.String(), f)
				}
			}
		})
	}
}

// TestImportCLILimit: the input is held to check's bound on all its input,
// 64 MiB, and one byte more is refused before anything is parsed.
func TestImportCLILimit(t *testing.T) {
	var out, errs bytes.Buffer
	over := io.LimitReader(repeatReader('x'), evidence.MaxInputBytes+1)
	if code := run([]string{"import", "-"}, over, &out, &errs); code != 2 || errs.String() != "import: standard input: input is more than 67108864 bytes (64 MiB), the most corsplay reads\n" {
		t.Errorf("exit %d, stderr %q", code, errs.String())
	}
}

// repeatReader reads c forever.
type repeatReader byte

func (r repeatReader) Read(p []byte) (int, error) {
	for i := range p {
		p[i] = byte(r)
	}
	return len(p), nil
}
