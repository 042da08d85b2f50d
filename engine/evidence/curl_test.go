package evidence_test

import (
	"slices"
	"strings"
	"testing"

	"corsplay/engine"
	"corsplay/engine/evidence"
)

// Copies of requests as DevTools' "Copy as cURL (bash)" writes them:
// Chrome's (one option a line, lower-case names, -X only for methods other
// than GET and POST, $'…' for a body with a quote, -b for cookies),
// Firefox's (one line, -X always, capitalised names), Safari's (-X 'GET');
// and commands typed by hand, followed by what curl printed.
var curlTests = []struct {
	name, text  string
	source      string
	browser     string
	page        string
	url         string
	method      string
	headers     engine.Headers
	body        string
	credentials string
	assumed     []string
	console     string // the evaluated main line, "" for blocked by a server without CORS support
}{
	{
		name: "Chrome's copy as cURL",
		text: `curl 'https://api.shop.test/v1/orders/17' \
  -X 'PATCH' \
  -H 'accept: application/json' \
  -H 'accept-language: en-US,en;q=0.9' \
  -b 'session=c0ffee; theme=dark' \
  -H 'content-type: application/json' \
  -H 'origin: http://localhost:5173' \
  -H 'priority: u=1, i' \
  -H 'referer: http://localhost:5173/' \
  -H 'sec-ch-ua: "Google Chrome";v="131", "Chromium";v="131", "Not_A Brand";v="24"' \
  -H 'sec-fetch-mode: cors' \
  -H 'user-agent: Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Safari/537.36' \
  --data-raw $'{"note":"Bob\'s order\\nsecond line"}'`,
		source: evidence.SourceCurl, browser: engine.Chrome, page: "http://localhost:5173",
		url: "https://api.shop.test/v1/orders/17", method: "PATCH",
		headers:     engine.Headers{{Name: "accept", Value: "application/json"}, {Name: "content-type", Value: "application/json"}},
		body:        "{\"note\":\"Bob's order\\nsecond line\"}",
		credentials: engine.CredentialsInclude,
		assumed:     []string{"server"},
	},
	{
		name:   "Firefox's copy as cURL, one line",
		text:   `curl 'http://localhost:8000/api/notes/7' -X DELETE -H 'User-Agent: Mozilla/5.0 (X11; Linux x86_64; rv:128.0) Gecko/20100101 Firefox/128.0' -H 'Accept: */*' -H 'Accept-Language: en-US,en;q=0.5' -H 'Accept-Encoding: gzip, deflate, br, zstd' -H 'X-CSRF-Token: d41d8cd98f00b204' -H 'Origin: http://localhost:3000' -H 'Connection: keep-alive' -H 'Referer: http://localhost:3000/' -H 'Sec-Fetch-Dest: empty' -H 'Sec-Fetch-Mode: cors' -H 'Sec-Fetch-Site: same-site' -H 'Priority: u=4'`,
		source: evidence.SourceCurl, browser: engine.Firefox, page: "http://localhost:3000",
		url: "http://localhost:8000/api/notes/7", method: "DELETE",
		headers: engine.Headers{{Name: "X-CSRF-Token", Value: "d41d8cd98f00b204"}},
		assumed: []string{"server"},
	},
	{
		name: "Safari's copy as cURL",
		text: `curl 'https://api.notes.test/v2/me' \
-X 'GET' \
-H 'Accept: application/json' \
-H 'Origin: https://app.notes.test' \
-H 'Sec-Fetch-Site: same-site' \
-H 'User-Agent: Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/18.1 Safari/605.1.15' \
-H 'Sec-Fetch-Mode: cors'`,
		source: evidence.SourceCurl, browser: engine.Safari, page: "https://app.notes.test",
		url: "https://api.notes.test/v2/me", method: "GET",
		headers: engine.Headers{{Name: "Accept", Value: "application/json"}},
		assumed: []string{"server"},
	},
	{
		name: "a typed curl -i with its output",
		text: "$ curl -i -H \"Origin: http://localhost:3000\" -H 'Authorization: Bearer abc' http://localhost:8080/api/me\r\n" +
			"HTTP/1.1 200 OK\r\n" +
			"Access-Control-Allow-Origin: http://localhost:3000\r\n" +
			"Vary: Origin\r\n" +
			"Content-Type: application/json\r\n" +
			"Date: Mon, 30 Nov 2026 10:00:00 GMT\r\n" +
			"Content-Length: 15\r\n" +
			"\r\n" +
			"{\"id\":\"u-1\"}\r\n",
		source: evidence.SourceCurl, page: "http://localhost:3000",
		url: "http://localhost:8080/api/me", method: "GET",
		headers: engine.Headers{{Name: "Authorization", Value: "Bearer abc"}},
		// The preflight Authorization needs is not in the output: assumed
		// to pass, the response is allowed.
		assumed: []string{"browser", "server.raw.preflight", "request.credentials"},
		console: "allowed",
	},
	{
		name: "a typed preflight with its output: the request it asks about",
		text: "curl -si -X OPTIONS http://localhost:8080/api/items \\\n  -H 'Origin: http://localhost:3000' \\\n  -H 'Access-Control-Request-Method: PUT' \\\n  -H 'Access-Control-Request-Headers: content-type'\n" +
			"HTTP/1.1 204 No Content\n" +
			"Access-Control-Allow-Origin: http://localhost:3000\n" +
			"Access-Control-Allow-Methods: GET, POST\n" +
			"Vary: Origin\n\n",
		source: evidence.SourceCurl, page: "http://localhost:3000",
		url: "http://localhost:8080/api/items", method: "PUT",
		headers: engine.Headers{{Name: "content-type", Value: "application/json"}},
		assumed: []string{"browser", "request.headers", "request.credentials"},
		console: "Access to fetch at 'http://localhost:8080/api/items' from origin 'http://localhost:3000' has been blocked by CORS policy: Method PUT is not allowed by Access-Control-Allow-Methods in preflight response.",
	},
	{
		name:   "curl's options in other spellings",
		text:   `curl -sSL --request=POST --header "X-Token: a\"b" --data 'a=1' --data-urlencode 'q=x y' --referer http://localhost:3000/app localhost:9000/search`,
		source: evidence.SourceCurl, page: "http://localhost:3000",
		url: "http://localhost:9000/search", method: "POST",
		headers: engine.Headers{{Name: "X-Token", Value: `a"b`}, {Name: "Content-Type", Value: "application/x-www-form-urlencoded"}},
		body:    "a=1&q=x+y",
		assumed: []string{"browser", "page", "server"},
	},
}

func TestCurl(t *testing.T) {
	for _, tt := range curlTests {
		t.Run(tt.name, func(t *testing.T) {
			r, err := evidence.Import([]byte(tt.text), evidence.Options{})
			if err != nil {
				t.Fatal(err)
			}
			req := r.Scenario.Request
			browser := tt.browser
			if browser == "" {
				browser = engine.Chrome
			}
			if r.Source != tt.source || r.Browser != browser || r.Scenario.Page != tt.page || req.URL != tt.url || req.Method != tt.method || req.Credentials != tt.credentials {
				t.Errorf("%s, %s, page %s, %s %s, credentials %q\nwant %s, %s, %s, %s %s, %q", r.Source, r.Browser, r.Scenario.Page, req.Method, req.URL, req.Credentials, tt.source, browser, tt.page, tt.method, tt.url, tt.credentials)
			}
			if !slices.Equal(req.Headers, tt.headers) {
				t.Errorf("headers %v\nwant %v", req.Headers, tt.headers)
			}
			if req.Body != nil && *req.Body != tt.body || req.Body == nil && tt.body != "" {
				t.Errorf("body %v, want %q", req.Body, tt.body)
			}
			var fields []string
			for _, a := range r.Assumed {
				fields = append(fields, a.Field)
			}
			if !slices.Equal(fields, tt.assumed) {
				t.Errorf("assumed %v, want %v\n%+v", fields, tt.assumed, r.Assumed)
			}
			o := engine.Evaluate(r.Scenario)
			switch tt.console {
			case "":
				if o.Verdict != engine.Blocked {
					t.Errorf("evaluated %s, want blocked", o.Verdict)
				}
			case "allowed":
				if o.Verdict != engine.Allowed {
					t.Errorf("evaluated %s (%s), want allowed", o.Verdict, o.Console)
				}
			default:
				if o.Console != tt.console {
					t.Errorf("evaluated %s\nwant %s", o.Console, tt.console)
				}
			}
		})
	}
}

func TestCurlErrors(t *testing.T) {
	for _, tt := range []struct{ text, err string }{
		{"curl 'https://a.example/\n -H 'Origin: x'", "line 2: a quote ' that is never closed"},
		{"curl -H", "line 1: -H needs a value"},
		{"curl -s -H 'Origin: https://b.example'", "line 1: the curl command names no URL"},
		{"curl https://a.example/ \\\n  -H 'no colon here'", "line 2: -H \"no colon here\": write a header as 'Name: value'"},
		{"curl \"https://a.example/", "line 1: a quote \" that is never closed"},
	} {
		_, err := evidence.Import([]byte(tt.text), evidence.Options{})
		if err == nil || !strings.Contains(err.Error(), tt.err) {
			t.Errorf("%q: error %v, want one with %q", tt.text, err, tt.err)
		}
	}
}

// TestCurlOtherShells: DevTools' other copies are named, with the one to
// use instead.
func TestCurlOtherShells(t *testing.T) {
	for _, tt := range []struct{ text, err string }{
		{"curl ^\"https://api.example.com/items^\" ^\n  -H ^\"accept: */*^\" ^\n  -H ^\"origin: http://localhost:3000^\"", "line 1: this is DevTools' \"Copy as cURL (cmd)\""},
		{"$session = New-Object Microsoft.PowerShell.Commands.WebRequestSession\nInvoke-WebRequest -UseBasicParsing -Uri \"https://api.example.com/items\" `\n-WebSession $session", "this is DevTools' \"Copy as PowerShell\""},
	} {
		_, err := evidence.Import([]byte(tt.text), evidence.Options{})
		if err == nil || !strings.Contains(err.Error(), tt.err) {
			t.Errorf("%.40q: error %v, want one with %q", tt.text, err, tt.err)
		}
	}
}

// TestConsoleAfterTypedFetch: a console paste that starts with the fetch()
// typed in the console is read for its failure.
func TestConsoleAfterTypedFetch(t *testing.T) {
	text := "> fetch('https://api.example.com/items')\n< Promise {<pending>}\nAccess to fetch at 'https://api.example.com/items' from origin 'https://app.example.com' has been blocked by CORS policy: No 'Access-Control-Allow-Origin' header is present on the requested resource.\n"
	r, err := evidence.Import([]byte(text), evidence.Options{})
	if err != nil || r.Source != evidence.SourceConsole || r.Scenario.Page != "https://app.example.com" {
		t.Errorf("%+v, %v", r, err)
	}
}
