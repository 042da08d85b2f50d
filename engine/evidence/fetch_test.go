package evidence_test

import (
	"slices"
	"strings"
	"testing"

	"corsplay/engine"
	"corsplay/engine/evidence"
)

// Copies of one request as DevTools writes them: Chrome's "Copy as fetch"
// (lower-case names, sec-ch-ua, referrer, credentials "include" when
// cookies went), Chrome's "Copy as fetch (Node.js)" (no referrer, body
// null), Firefox's "Copy as Fetch" (await, four spaces, its User-Agent,
// credentials first).
var fetchTests = []struct {
	name, text  string
	browser     string
	page        string
	method      string
	headers     engine.Headers
	body        string // "" for none
	credentials string
	assumed     []string
}{
	{
		name: "Chrome's copy as fetch",
		text: `fetch("https://api.shop.test/v1/orders", {
  "headers": {
    "accept": "application/json",
    "accept-language": "en-US,en;q=0.9",
    "content-type": "application/json",
    "priority": "u=1, i",
    "sec-ch-ua": "\"Google Chrome\";v=\"131\", \"Chromium\";v=\"131\", \"Not_A Brand\";v=\"24\"",
    "sec-ch-ua-mobile": "?0",
    "sec-ch-ua-platform": "\"macOS\"",
    "sec-fetch-dest": "empty",
    "sec-fetch-mode": "cors",
    "sec-fetch-site": "cross-site",
    "x-request-id": "7f3a"
  },
  "referrer": "http://localhost:5173/",
  "referrerPolicy": "strict-origin-when-cross-origin",
  "body": "{\"sku\":\"A-113\",\"note\":\"caf\u00e9\"}",
  "method": "POST",
  "mode": "cors",
  "credentials": "include"
});`,
		browser: engine.Chrome, page: "http://localhost:5173", method: "POST",
		headers:     engine.Headers{{Name: "accept", Value: "application/json"}, {Name: "content-type", Value: "application/json"}, {Name: "x-request-id", Value: "7f3a"}},
		body:        `{"sku":"A-113","note":"café"}`,
		credentials: engine.CredentialsInclude,
		assumed:     []string{"page", "server"},
	},
	{
		name: "Chrome's copy as fetch (Node.js)",
		text: `fetch("http://localhost:8080/api/items?limit=10", {
  "headers": {
    "accept": "*/*",
    "authorization": "Bearer t0k3n",
    "Referer": "http://localhost:3000/",
    "Referrer-Policy": "strict-origin-when-cross-origin"
  },
  "body": null,
  "method": "GET"
});`,
		browser: engine.Chrome, page: "http://localhost:3000", method: "GET",
		headers: engine.Headers{{Name: "authorization", Value: "Bearer t0k3n"}},
		assumed: []string{"browser", "page", "server"},
	},
	{
		name: "Firefox's copy as fetch",
		text: `await fetch("http://localhost:8000/api/notes/7", {
    "credentials": "omit",
    "headers": {
        "User-Agent": "Mozilla/5.0 (X11; Linux x86_64; rv:128.0) Gecko/20100101 Firefox/128.0",
        "Accept": "*/*",
        "Accept-Language": "en-US,en;q=0.5",
        "Content-Type": "application/json",
        "X-CSRF-Token": "d41d8cd98f00b204",
        "Sec-Fetch-Dest": "empty",
        "Sec-Fetch-Mode": "cors",
        "Sec-Fetch-Site": "same-site",
        "Priority": "u=4"
    },
    "referrer": "http://localhost:3000/",
    "body": "{\"title\":\"Groceries\",\"done\":false}",
    "method": "PUT",
    "mode": "cors"
});`,
		browser: engine.Firefox, page: "http://localhost:3000", method: "PUT",
		headers:     engine.Headers{{Name: "Content-Type", Value: "application/json"}, {Name: "X-CSRF-Token", Value: "d41d8cd98f00b204"}},
		body:        `{"title":"Groceries","done":false}`,
		credentials: engine.CredentialsOmit,
		assumed:     []string{"page", "server"},
	},
	{
		name:    "a fetch typed by hand, single quotes and a comment",
		text:    "fetch('https://api.example.com/search', { method: 'POST', headers: { 'Content-Type': 'application/json' }, // JSON\n body: '{}' })",
		browser: engine.Chrome, page: "http://localhost:3000", method: "POST",
		headers: engine.Headers{{Name: "Content-Type", Value: "application/json"}},
		body:    "{}",
		assumed: []string{"browser", "page", "server"},
	},
}

func TestFetch(t *testing.T) {
	for _, tt := range fetchTests {
		t.Run(tt.name, func(t *testing.T) {
			r, err := evidence.Import([]byte(tt.text), evidence.Options{})
			if err != nil {
				t.Fatal(err)
			}
			req := r.Scenario.Request
			if r.Source != evidence.SourceFetch || r.Browser != tt.browser || r.Scenario.Page != tt.page || req.Method != tt.method || req.Credentials != tt.credentials {
				t.Errorf("%s, %s, page %s, %s, credentials %q; want fetch, %s, %s, %s, %q", r.Source, r.Browser, r.Scenario.Page, req.Method, req.Credentials, tt.browser, tt.page, tt.method, tt.credentials)
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
				t.Errorf("assumed %v, want %v", fields, tt.assumed)
			}
			// No response came with it: a server without CORS support.
			if o := engine.Evaluate(r.Scenario); o.Verdict != engine.Blocked {
				t.Errorf("evaluated %s, want blocked by a server without CORS support", o.Verdict)
			}
		})
	}
}

// TestFetchRedirect: the redirect mode a fetch() names is the scenario's.
func TestFetchRedirect(t *testing.T) {
	r, err := evidence.Import([]byte("fetch('https://api.example.com/a', {redirect: 'manual', mode: 'cors'})"), evidence.Options{})
	if err != nil || r.Scenario.Request.Redirect != engine.RedirectManual {
		t.Errorf("%v, redirect %q", err, r.Scenario.Request.Redirect)
	}
}

func TestFetchErrors(t *testing.T) {
	for _, tt := range []struct{ text, err string }{
		{"fetch(url, {method: 'POST'})", "line 1: url is a variable or an expression"},
		{"fetch('https://a.example/', {\n  method: 'PUT',\n  headers: {'X': token}\n})", "line 3: token is a variable or an expression"},
		{"fetch('https://a.example/', {\n  body: 'unterminated\n})", "line 2: a string that does not end on its line"},
		{"fetch(`https://a.example/${id}`)", "a template with ${…} is an expression"},
		{"fetch('https://a.example/', {credentials: 'yes'})", `line 1: credentials "yes": fetch() throws a TypeError`},
		{"fetch('https://a.example/', {\n  redirect: 'stop'\n})", `line 2: redirect "stop": fetch() throws a TypeError`},
		{"fetch('/api/items')", `fetch(): the URL "/api/items" is not an absolute http or https URL`},
		{"fetch('https://a.example/', " + strings.Repeat("[", 40) + strings.Repeat("]", 40) + ")", "nested more than 32 deep"},
	} {
		_, err := evidence.Import([]byte(tt.text), evidence.Options{})
		if err == nil || !strings.Contains(err.Error(), tt.err) {
			t.Errorf("%q: error %v, want one with %q", tt.text, err, tt.err)
		}
	}
}
