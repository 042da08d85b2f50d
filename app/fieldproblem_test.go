package app

import (
	"testing"

	"corsplay/engine"
)

// TestIncomplete: an input mistake names its field's input and says how to
// fix it; what fetch() itself rejects is no input mistake but the engine's
// TypeError.
func TestIncomplete(t *testing.T) {
	for _, tt := range []struct {
		name      string
		edit      func(*engine.Scenario)
		id, words string // "" id and words: complete (or a TypeError)
		verdict   string // the engine's verdict, when complete
	}{
		{"the default", func(*engine.Scenario) {}, "", "", engine.Allowed},
		{"a page origin with a slash", func(s *engine.Scenario) { s.Page = "http://localhost:3000/" }, "page", "an origin has no path: http://localhost:3000", ""},
		{"a page origin with a path", func(s *engine.Scenario) { s.Page = "https://app.example.com/app?x=1" }, "page", "an origin has no path: https://app.example.com", ""},
		{"a page origin in upper case", func(s *engine.Scenario) { s.Page = "HTTPS://App.example.com" }, "page", "browsers write this origin in lower case, without a default port: https://app.example.com", ""},
		{"no page origin", func(s *engine.Scenario) { s.Page = "" }, "page", "write the origin of the page that calls fetch(), such as https://app.example.com, or null", ""},
		{"an empty URL", func(s *engine.Scenario) { s.Request.URL = "" }, "url", "write the URL passed to fetch(), such as https://api.example.com/items", ""},
		{"a relative URL", func(s *engine.Scenario) { s.Request.URL = "api.example.com/items" }, "url", "write the whole URL, with scheme and host, such as https://api.example.com/items: corsplay does not know the page's own URL to resolve it against", ""},
		{"send times out of order", func(s *engine.Scenario) { s.Request.Repeat = []float64{3, 1} }, "repeat", "1 comes before the previous send at 3: list the times in order", ""},
		{"a policy origin entry", func(s *engine.Scenario) {
			s.Server.Policy.Origins = []string{"https://ok.example", "https://*.*.example"}
		}, "policy-origins", `"https://*.*.example": a * is allowed only as the leftmost label (https://*.example.com) or as the port (http://localhost:*)`, ""},
		{"a policy method", func(s *engine.Scenario) { s.Server.Policy.Methods = []string{"PU T"} }, "policy-methods", `"PU T" is not a token: write one name per entry, without spaces or commas`, ""},
		{"a preflight status", func(s *engine.Scenario) { s.Server.Policy.PreflightStatus = 99 }, "policy-status", "99 is not a final HTTP status: use 200 to 599", ""},
		{"a raw status", func(s *engine.Scenario) {
			s.Server = engine.Server{Raw: &engine.RawServer{Actual: &engine.Response{Status: 99}}}
		}, "raw-actual-status", "99 is not a final HTTP status: use 200 to 599", ""},
		{"a raw header name", func(s *engine.Scenario) {
			s.Server = engine.Server{Raw: &engine.RawServer{Actual: &engine.Response{Status: 200, Headers: engine.Headers{{Name: "Vary", Value: "Origin"}, {Name: "Bad Name", Value: "x"}}}}}
		}, "actual-header-1-name", `"Bad Name" is not a valid header name: a name is a token (letters, digits and !#$%&'*+-.^_` + "`" + `|~, no spaces or colons)`, ""},
		{"a raw header value", func(s *engine.Scenario) {
			s.Server = engine.Server{Raw: &engine.RawServer{Preflight: &engine.Response{Status: 204, Headers: engine.Headers{{Name: "X-A", Value: "a\x00b"}}}}}
		}, "preflight-header-0-value", "the value of X-A contains a NUL, CR or LF byte, which no header value may contain", ""},
		{"a library", func(s *engine.Scenario) { s.Server = engine.Server{Library: &engine.Library{Name: "nope"}} }, "library-name", "", ""},
		// fetch() rejects these: the browser's TypeError, not an input mistake.
		{"credentials in the URL", func(s *engine.Scenario) { s.Request.URL = "https://user:pw@api.example.com/" }, "", "", engine.Error},
		{"a forbidden method", func(s *engine.Scenario) { s.Request.Method = "CONNECT" }, "", "", engine.Error},
		{"a method that is no token", func(s *engine.Scenario) { s.Request.Method = "PU T" }, "", "", engine.Error},
		{"a request header name that is no token", func(s *engine.Scenario) { s.Request.Headers = engine.Headers{{Name: "Bad Name", Value: "x"}} }, "", "", engine.Error},
		{"no-cors with PUT", func(s *engine.Scenario) { s.Request.Mode = engine.ModeNoCORS; s.Request.Method = "PUT" }, "", "", engine.Error},
		{"a port over 65535", func(s *engine.Scenario) { s.Request.URL = "https://api.example.com:99999/" }, "", "", engine.Error},
	} {
		t.Run(tt.name, func(t *testing.T) {
			s := defaultScenario()
			tt.edit(&s)
			got := incomplete(s)
			if got.ID != tt.id || tt.words != "" && got.Words != tt.words {
				t.Errorf("incomplete: %+v, want the input %q saying %q", got, tt.id, tt.words)
			}
			if tt.id != "" && (got.What == "" || got.Path == "") {
				t.Errorf("incomplete: %+v has no words for the verdict", got)
			}
			if tt.verdict != "" {
				if v := engine.Evaluate(s).Verdict; v != tt.verdict {
					t.Errorf("the engine's verdict is %q, want %q", v, tt.verdict)
				}
				if v := newVerdict(s, engine.Evaluate(s), incomplete(s), false); v.Incomplete.Path != "" || v.Title == "" {
					t.Errorf("the verdict says %q, incomplete %+v", v.Title, v.Incomplete)
				}
			}
		})
	}
}

func TestPathIndex(t *testing.T) {
	for _, tt := range []struct {
		path string
		want int
	}{
		{"[2].name", 2},
		{"[12]", 12},
		{"[0]", 0},
		{"", -1},
		{".name", -1},
		{"[]", -1},
		{"[a]", -1},
		{"[+1]", -1},
		{"[-1]", -1},
		{"[2", -1},
		{"[99999999999999999999]", -1}, // over int
	} {
		if got := pathIndex(tt.path); got != tt.want {
			t.Errorf("pathIndex(%q) = %d, want %d", tt.path, got, tt.want)
		}
	}
}
