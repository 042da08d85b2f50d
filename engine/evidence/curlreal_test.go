//go:build !js

package evidence_test

import (
	"net/http"
	"net/http/httptest"
	"os/exec"
	"slices"
	"strings"
	"testing"

	"corsplay/engine"
	"corsplay/engine/evidence"
)

// corsServer answers as a misconfigured API does: the request with an
// Access-Control-Allow-Origin of another site, the preflight allowing PUT
// but no header.
func corsServer() http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.Method == http.MethodOptions {
			w.Header().Set("Access-Control-Allow-Origin", r.Header.Get("Origin"))
			w.Header().Set("Access-Control-Allow-Methods", "GET, PUT")
			w.Header().Set("Vary", "Origin")
			w.WriteHeader(http.StatusNoContent)
			return
		}
		w.Header().Set("Access-Control-Allow-Origin", "https://other.example")
		w.Header().Set("Content-Type", "application/json")
		w.Write([]byte(`{"items":[]}`))
	})
}

// runCurl runs the real curl and returns what it printed, standard error
// (-v's trace) and standard output (the body, or -i's response) together,
// as a terminal shows them.
func runCurl(t *testing.T, args ...string) string {
	t.Helper()
	if _, err := exec.LookPath("curl"); err != nil {
		t.Fatal("these tests run the real curl: apt-get install curl")
	}
	out, err := exec.Command("curl", args...).CombinedOutput()
	if err != nil {
		t.Fatalf("curl %q: %v\n%s", args, err, out)
	}
	return string(out)
}

// TestRealCurlOutput imports what the real curl prints for requests to a
// loopback server, over HTTP/1.1 and over HTTP/2 with TLS.
func TestRealCurlOutput(t *testing.T) {
	plain := httptest.NewServer(corsServer())
	defer plain.Close()
	tls := httptest.NewUnstartedServer(corsServer())
	tls.EnableHTTP2 = true
	tls.StartTLS()
	defer tls.Close()

	const page = "http://localhost:3000"
	for _, tt := range []struct {
		name    string
		base    string
		args    []string // curl's, the URL last
		command bool     // paste the command before its output
		source  string
		method  string
		headers engine.Headers
		// console is what the imported scenario prints in Chrome; %s is
		// the server's URL.
		console string
	}{
		{
			name: "curl -v, HTTP/1.1", base: plain.URL,
			args:    []string{"-sv", "-H", "Origin: " + page},
			source:  evidence.SourceCurlOutput,
			method:  "GET",
			console: "Access to fetch at '%s/items' from origin 'http://localhost:3000' has been blocked by CORS policy: The 'Access-Control-Allow-Origin' header has a value 'https://other.example' that is not equal to the supplied origin. Have the server send the header with a valid value.",
		},
		{
			name: "curl -v of the preflight: the request it asks about", base: plain.URL,
			args:    []string{"-sv", "-X", "OPTIONS", "-H", "Origin: " + page, "-H", "Access-Control-Request-Method: PUT", "-H", "Access-Control-Request-Headers: x-api-key"},
			source:  evidence.SourceCurlOutput,
			method:  "PUT",
			headers: engine.Headers{{Name: "x-api-key", Value: "1"}},
			console: "Access to fetch at '%s/items' from origin 'http://localhost:3000' has been blocked by CORS policy: Request header field x-api-key is not allowed by Access-Control-Allow-Headers in preflight response.",
		},
		{
			name: "curl -i after its command", base: plain.URL,
			args: []string{"-si", "-H", "Origin: " + page}, command: true,
			source:  evidence.SourceCurl,
			method:  "GET",
			console: "Access to fetch at '%s/items' from origin 'http://localhost:3000' has been blocked by CORS policy: The 'Access-Control-Allow-Origin' header has a value 'https://other.example' that is not equal to the supplied origin. Have the server send the header with a valid value.",
		},
		{
			name: "curl -v, HTTP/2 over TLS: the scheme from the handshake", base: tls.URL,
			args:    []string{"-skv", "-H", "Origin: " + page},
			source:  evidence.SourceCurlOutput,
			method:  "GET",
			console: "Access to fetch at '%s/items' from origin 'http://localhost:3000' has been blocked by CORS policy: The 'Access-Control-Allow-Origin' header has a value 'https://other.example' that is not equal to the supplied origin. Have the server send the header with a valid value.",
		},
	} {
		t.Run(tt.name, func(t *testing.T) {
			url := tt.base + "/items"
			text := runCurl(t, append(tt.args, url)...)
			if tt.command {
				quoted := []string{"curl"}
				for _, a := range append(tt.args, url) {
					quoted = append(quoted, "'"+a+"'")
				}
				text = "$ " + strings.Join(quoted, " ") + "\n" + text
			}
			if testing.Verbose() && tt.base == tls.URL {
				t.Log(text)
			}
			r, err := evidence.Import([]byte(text), evidence.Options{})
			if err != nil {
				t.Fatalf("%v\n%s", err, text)
			}
			s := r.Scenario
			if r.Source != tt.source || s.Page != page || s.Request.URL != url || s.Request.Method != tt.method || !slices.Equal(s.Request.Headers, tt.headers) {
				t.Errorf("%s: page %s, %s %s, headers %v\nwant %s: %s, %s %s, %v\n%s", r.Source, s.Page, s.Request.Method, s.Request.URL, s.Request.Headers, tt.source, page, tt.method, url, tt.headers, text)
			}
			if o := engine.Evaluate(s); o.Console != strings.ReplaceAll(tt.console, "%s", tt.base) {
				t.Errorf("evaluated: %s\nwant %s", o.Console, strings.ReplaceAll(tt.console, "%s", tt.base))
			}
			// The server's real headers, Go's own included.
			raw := s.Server.Raw
			var resp *engine.Response
			if raw != nil {
				resp = raw.Actual
				if tt.method == "PUT" {
					resp = raw.Preflight
				}
			}
			if resp == nil || !resp.Headers.Has("Date") || !resp.Headers.Has("Vary") && tt.method == "PUT" {
				t.Errorf("the real response is not in server.raw: %+v\n%s", raw, text)
			}
		})
	}
}
