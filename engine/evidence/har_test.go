package evidence_test

import (
	"os"
	"slices"
	"strconv"
	"strings"
	"testing"

	"corsplay/engine"
	"corsplay/engine/evidence"
)

// The HAR files under testdata are written by hand in the shape each
// browser's DevTools exports (Chrome's HAR Log.ts, Firefox's
// har-builder.js, WebKit's HARBuilder.js): Chrome's with h2
// pseudo-headers, _initiator, _resourceType and its preflight listed after
// the request; Firefox's with its preflight as a plain OPTIONS entry
// before the request, which got no response; Safari's without preflights,
// with _fetchType and WebKit's reason in _error.
var harTests = []struct {
	file, browser string
	entry         int // picked, from 1
	page, method  string
	headers       engine.Headers // the request's, as script set them
	credentials   string
	preflight     bool // the preflight's real answer is in the scenario
	actualStatus  int  // the real response's status, 0 for none
	// url is the request's when not the picked entry's: where a chain
	// of redirects began; elsewhere the URL of the server its redirect
	// reached, "" for none.
	url, elsewhere string
	console        string
}{
	{
		file: "chrome.har", browser: engine.Chrome, entry: 3,
		page: "http://localhost:5173", method: "POST",
		headers: engine.Headers{
			{Name: "accept", Value: "application/json, text/plain, */*"},
			{Name: "authorization", Value: "Bearer eyJhbGciOiJIUzI1NiJ9.e30.c2lnbmF0dXJl"},
			{Name: "content-type", Value: "application/json"},
		},
		preflight: true, actualStatus: 422,
		// The preflight passes; the error response has no CORS header.
		console: "Access to fetch at 'https://api.shop.test/v1/orders' from origin 'http://localhost:5173' has been blocked by CORS policy: No 'Access-Control-Allow-Origin' header is present on the requested resource.",
	},
	{
		file: "firefox.har", browser: engine.Firefox, entry: 2,
		page: "http://localhost:3000", method: "PUT",
		headers: engine.Headers{
			{Name: "Content-Type", Value: "application/json"},
			{Name: "X-CSRF-Token", Value: "d41d8cd98f00b204"},
		},
		preflight: true,
		console:   "Cross-Origin Request Blocked: The Same Origin Policy disallows reading the remote resource at http://localhost:8000/api/notes/7. (Reason: header ‘x-csrf-token’ is not allowed according to header ‘Access-Control-Allow-Headers’ from CORS preflight response).",
	},
	{
		file: "safari.har", browser: engine.Safari, entry: 2,
		page: "https://app.notes.test", method: "GET",
		headers:     engine.Headers{{Name: "Accept", Value: "application/json"}},
		credentials: engine.CredentialsInclude, actualStatus: 200,
		console: "Cannot use wildcard in Access-Control-Allow-Origin when credentials flag is true.",
	},
	{
		// A credentialed fetch that the API redirects to a login page on
		// another origin: the redirect passes, but the request to the
		// login page carries Origin: null, which the page's origin does
		// not equal.
		file: "chrome-redirect.har", browser: engine.Chrome, entry: 1,
		page: "http://localhost:5173", method: "GET",
		credentials: engine.CredentialsInclude, actualStatus: 302,
		url: "https://api.shop.test/v1/me", elsewhere: "https://auth.shop.test/login?next=%2Fv1%2Fme",
		console: "Access to fetch at 'https://auth.shop.test/login?next=%2Fv1%2Fme' (redirected from 'https://api.shop.test/v1/me') from origin 'http://localhost:5173' has been blocked by CORS policy: The 'Access-Control-Allow-Origin' header has a value 'http://localhost:5173' that is not equal to the supplied origin. Have the server send the header with a valid value.",
	},
}

func TestHAR(t *testing.T) {
	for _, tt := range harTests {
		t.Run(tt.file, func(t *testing.T) {
			text, err := os.ReadFile("testdata/" + tt.file)
			if err != nil {
				t.Fatal(err)
			}
			r, err := evidence.Import(text, evidence.Options{})
			if err != nil {
				t.Fatal(err)
			}
			s := r.Scenario
			if r.Source != evidence.SourceHAR || r.Browser != tt.browser {
				t.Errorf("source %s, browser %s; want har, %s", r.Source, r.Browser, tt.browser)
			}
			if len(r.Notes) == 0 || !strings.HasPrefix(r.Notes[0], "Entry "+itoa(tt.entry)+" of ") {
				t.Errorf("notes %q, want entry %d picked", r.Notes, tt.entry)
			}
			if s.Page != tt.page || s.Request.Method != tt.method || s.Request.Credentials != tt.credentials {
				t.Errorf("page %s, method %s, credentials %q; want %s, %s, %q", s.Page, s.Request.Method, s.Request.Credentials, tt.page, tt.method, tt.credentials)
			}
			if !slices.Equal(s.Request.Headers, tt.headers) {
				t.Errorf("request headers %v\nwant %v", s.Request.Headers, tt.headers)
			}
			raw := s.Server.Raw
			if raw == nil {
				t.Fatal("no raw server")
			}
			if got := raw.Preflight != nil && len(raw.Preflight.Headers) > 3; got != tt.preflight {
				t.Errorf("the preflight's real answer: %v, want %v (%+v)", got, tt.preflight, raw.Preflight)
			}
			if tt.actualStatus != 0 && (raw.Actual == nil || raw.Actual.Status != tt.actualStatus) {
				t.Errorf("actual %+v, want status %d", raw.Actual, tt.actualStatus)
			}
			if tt.url != "" && s.Request.URL != tt.url {
				t.Errorf("url %s, want %s", s.Request.URL, tt.url)
			}
			if len(s.Elsewhere) > 0 != (tt.elsewhere != "") || tt.elsewhere != "" && s.Elsewhere[0].URL != tt.elsewhere {
				t.Errorf("elsewhere %+v, want %q", s.Elsewhere, tt.elsewhere)
			}
			o := engine.Evaluate(s)
			if o.Verdict != engine.Blocked || o.Console != tt.console {
				t.Errorf("evaluated: %s, %s\nwant blocked, %s", o.Verdict, o.Console, tt.console)
			}
		})
	}
}

// TestHARHeadersAsSent: what the browser adds is left out, and nothing
// of the real response is: pseudo-headers aside, server.raw holds every
// header, in order.
func TestHARHeadersAsSent(t *testing.T) {
	text, _ := os.ReadFile("testdata/chrome.har")
	r, err := evidence.Import(text, evidence.Options{})
	if err != nil {
		t.Fatal(err)
	}
	for _, h := range r.Scenario.Request.Headers {
		switch strings.ToLower(h.Name) {
		case "priority", "user-agent", "accept-language", "origin", "referer", "sec-ch-ua", "content-length", ":authority":
			t.Errorf("the browser's own %s is among the request's headers", h.Name)
		}
	}
	want := []string{"access-control-allow-headers", "access-control-allow-methods", "access-control-allow-origin", "content-length", "date", "vary"}
	var got []string
	for _, h := range r.Scenario.Server.Raw.Preflight.Headers {
		got = append(got, h.Name)
	}
	if !slices.Equal(got, want) {
		t.Errorf("preflight headers %v, want %v", got, want)
	}
}

func TestHAREntry(t *testing.T) {
	chrome, _ := os.ReadFile("testdata/chrome.har")
	for _, tt := range []struct {
		entry  int
		method string
		url    string
		err    string // a fragment
		note   string
	}{
		{entry: 2, method: "GET", url: "https://api.shop.test/v1/config"},
		{entry: 3, method: "POST", url: "https://api.shop.test/v1/orders"},
		{entry: 4, method: "POST", url: "https://api.shop.test/v1/orders", note: "Entry 4 is the preflight of entry 3"},
		{entry: 1, err: "line 20: entry 1 (GET http://localhost:5173/) is not a cross-origin request"},
		{entry: 9, err: "--entry 9: the HAR holds 4 entries"},
	} {
		r, err := evidence.Import(chrome, evidence.Options{Entry: tt.entry})
		switch {
		case tt.err != "":
			if err == nil || !strings.Contains(err.Error(), tt.err) {
				t.Errorf("entry %d: error %v, want one with %q", tt.entry, err, tt.err)
			}
		case err != nil:
			t.Errorf("entry %d: %v", tt.entry, err)
		case r.Scenario.Request.Method != tt.method || r.Scenario.Request.URL != tt.url:
			t.Errorf("entry %d: %s %s, want %s %s", tt.entry, r.Scenario.Request.Method, r.Scenario.Request.URL, tt.method, tt.url)
		case tt.note != "" && !strings.Contains(strings.Join(r.Notes, " "), tt.note):
			t.Errorf("entry %d: notes %q, want %q", tt.entry, r.Notes, tt.note)
		}
	}
	// Where a redirect led: the fetch is imported from its first request.
	redirected, _ := os.ReadFile("testdata/chrome-redirect.har")
	r, err := evidence.Import(redirected, evidence.Options{Entry: 2})
	if err != nil || r.Scenario.Request.URL != "https://api.shop.test/v1/me" || len(r.Scenario.Elsewhere) != 1 || !strings.Contains(strings.Join(r.Notes, " "), "Entry 2 is where a redirect led: the fetch began with entry 1") {
		t.Errorf("entry 2 of chrome-redirect.har: %v, %s, notes %q", err, r.Scenario.Request.URL, r.Notes)
	}
	// Entry 2 is allowed: imported all the same.
	r, _ = evidence.Import(chrome, evidence.Options{Entry: 2})
	if o := engine.Evaluate(r.Scenario); o.Verdict != engine.Allowed {
		t.Errorf("entry 2: %s, want allowed", o.Verdict)
	}
	if _, err := evidence.Import([]byte("Access to fetch at 'https://a.example/' from origin 'https://b.example' has been blocked by CORS policy: No 'Access-Control-Allow-Origin' header is present on the requested resource."), evidence.Options{Entry: 2}); err == nil || !strings.Contains(err.Error(), "--entry picks an entry of a HAR file") {
		t.Errorf("--entry on console output: %v", err)
	}
}

var harErrors = []struct {
	name, text, err string
}{
	{"broken JSON", "{\n  \"log\": {\n    \"entries\": [\n      {\"request\": {\"method\": \"GET\",, }}\n    ]\n  }\n}", "line 4: column 36: invalid JSON"},
	{"truncated", "{\"log\": {\"entries\": [{\"request\": {\"method\": \"GET\"", "the HAR ends too early"},
	{"a status as a string", "{\"log\": {\"entries\": [\n{\"request\": {\"method\": \"GET\", \"url\": \"https://a.example/\"},\n \"response\": {\"status\": \"200\"}}]}}", "line 3: log.entries[0].response.status: want a number, got a string"},
	{"no log", "{\"entries\": []}", "a JSON object without \"log\""},
	{"a corsplay scenario", `{"v": 1, "page": "https://a.example", "request": {"url": "https://b.example/"}}`, "this is already a corsplay scenario"},
	{"no cross-origin request", `{"log": {"creator": {"name": "Firefox"}, "entries": [{"request": {"method": "GET", "url": "https://a.example/", "headers": []}, "response": {"status": 200, "headers": []}}]}}`, "the HAR holds 1 entries and none is a cross-origin request"},
	{"data after it", "{\"log\": {\"entries\": []}}\n{}", "line 2: data after the HAR's closing brace"},
}

func TestHARErrors(t *testing.T) {
	for _, tt := range harErrors {
		t.Run(tt.name, func(t *testing.T) {
			_, err := evidence.Import([]byte(tt.text), evidence.Options{})
			if err == nil || !strings.Contains(err.Error(), tt.err) {
				t.Errorf("error %v, want one with %q", err, tt.err)
			}
		})
	}
}

func itoa(n int) string {
	return strconv.Itoa(n)
}

// TestHARRecordedFailure: Safari's Network panel lists no preflight, and
// a request its preflight stopped has no response; the reason Safari
// recorded in _error is what the scenario's server is rebuilt from.
func TestHARRecordedFailure(t *testing.T) {
	text, err := os.ReadFile("testdata/safari-preflight.har")
	if err != nil {
		t.Fatal(err)
	}
	r, err := evidence.Import(text, evidence.Options{})
	if err != nil {
		t.Fatal(err)
	}
	s := r.Scenario
	if r.Browser != engine.Safari || s.Page != "https://app.notes.test" || s.Request.Method != "PUT" || !s.Request.Headers.Has("X-Api-Key") {
		t.Errorf("%s: page %s, %s, headers %v", r.Browser, s.Page, s.Request.Method, s.Request.Headers)
	}
	if o := engine.Evaluate(s); o.Console != "Preflight response is not successful. Status code: 401" {
		t.Errorf("evaluated: %s", o.Console)
	}
	if !slices.ContainsFunc(r.Assumed, func(a evidence.Assumption) bool {
		return a.Field == "server.raw" && strings.Contains(a.Why, "Preflight response is not successful. Status code: 401")
	}) {
		t.Errorf("assumed %+v", r.Assumed)
	}
}

// TestHARRedirectUnseenAnswers: Safari lists no preflight, so along a
// redirect chain each preflight the browser sent is assumed to allow what
// it asked (the second's Origin is null: the redirect left the API's
// origin for another), and each is listed as assumed.
func TestHARRedirectUnseenAnswers(t *testing.T) {
	har := `{"log": {"creator": {"name": "WebKit Web Inspector"}, "entries": [
{"request": {"method": "PUT", "url": "https://api.example.com/items/1", "headers": [{"name": "Origin", "value": "https://app.example.com"}, {"name": "Content-Type", "value": "application/json"}], "postData": {"mimeType": "application/json", "text": "{}"}},
 "response": {"status": 307, "headers": [{"name": "Access-Control-Allow-Origin", "value": "*"}, {"name": "Location", "value": "https://store.example.net/items/1"}], "redirectURL": "https://store.example.net/items/1"}},
{"request": {"method": "PUT", "url": "https://store.example.net/items/1", "headers": [{"name": "Origin", "value": "null"}, {"name": "Content-Type", "value": "application/json"}], "postData": {"mimeType": "application/json", "text": "{}"}},
 "response": {"status": 200, "headers": [{"name": "Access-Control-Allow-Origin", "value": "https://app.example.com"}], "_error": "Origin null is not allowed by Access-Control-Allow-Origin. Status code: 200"}}
]}}`
	r, err := evidence.Import([]byte(har), evidence.Options{})
	if err != nil {
		t.Fatal(err)
	}
	s := r.Scenario
	if s.Request.URL != "https://api.example.com/items/1" || len(s.Elsewhere) != 1 || s.Server.Raw.Preflight == nil || s.Elsewhere[0].Server.Raw.Preflight == nil {
		t.Fatalf("url %s, elsewhere %+v, server %+v", s.Request.URL, s.Elsewhere, s.Server.Raw)
	}
	for _, f := range []string{"server.raw.preflight", "elsewhere[0].server.raw.preflight"} {
		if !slices.ContainsFunc(r.Assumed, func(a evidence.Assumption) bool {
			return a.Field == f && strings.Contains(a.Why, "Safari's Network panel does not list preflights")
		}) {
			t.Errorf("%s is not listed as assumed: %+v", f, r.Assumed)
		}
	}
	if o := engine.Evaluate(s); o.Verdict != engine.Blocked || o.Console != "Origin null is not allowed by Access-Control-Allow-Origin. Status code: 200" {
		t.Errorf("evaluated: %s, %s", o.Verdict, o.Console)
	}
	if strings.Contains(strings.Join(r.Notes, " "), "does not print") {
		t.Errorf("notes %q: the recorded failure is the scenario's", r.Notes)
	}
}

// TestHARRedirectURL: a redirect whose Location header the HAR left out
// leads where its redirectURL says.
func TestHARRedirectURL(t *testing.T) {
	text, err := os.ReadFile("testdata/chrome-redirect.har")
	if err != nil {
		t.Fatal(err)
	}
	location := `{"name": "location", "value": "https://auth.shop.test/login?next=%2Fv1%2Fme"},`
	if !strings.Contains(string(text), location) {
		t.Fatal("chrome-redirect.har has no Location header to leave out")
	}
	r, err := evidence.Import([]byte(strings.Replace(string(text), location, "", 1)), evidence.Options{})
	if err != nil {
		t.Fatal(err)
	}
	if got, _ := r.Scenario.Server.Raw.Actual.Headers.Get("Location"); got != "https://auth.shop.test/login?next=%2Fv1%2Fme" {
		t.Errorf("Location %q", got)
	}
	if o := engine.Evaluate(r.Scenario); len(o.Hops) != 2 || o.Verdict != engine.Blocked {
		t.Errorf("%s after %d hops", o.Verdict, len(o.Hops))
	}
}
