package apache_test

import (
	"encoding/json"
	"os"
	"strings"
	"testing"

	"corsplay/engine"
)

// fixCase is a blocked request of testdata/fixes.json and what the fixed
// text holds; libtest runs the blocked and the fixed texts with the server
// itself.
type fixCase struct {
	Name, Config, Method, After string
	Headers                     [][2]string
	Credentials                 bool
}

func fixCases(t *testing.T) []fixCase {
	b, err := os.ReadFile("testdata/fixes.json")
	if err != nil {
		t.Fatal(err)
	}
	var cases []fixCase
	if err := json.Unmarshal(b, &cases); err != nil {
		t.Fatal(err)
	}
	return cases
}

func TestFixes(t *testing.T) {
	for _, c := range fixCases(t) {
		s := engine.Scenario{V: engine.Version, Page: "http://localhost:3000",
			Request: engine.Request{URL: "https://api.example.com/r", Method: c.Method},
			Server:  engine.Server{Library: &engine.Library{Name: "apache", Options: opts(c.Config)}}}
		for _, h := range c.Headers {
			s.Request.Headers = append(s.Request.Headers, engine.Header{Name: h[0], Value: h[1]})
		}
		if c.Credentials {
			s.Request.Credentials = engine.CredentialsInclude
		}
		out := engine.Evaluate(s)
		if out.Verdict != engine.Blocked {
			t.Errorf("%s: %s, want blocked", c.Name, out.Verdict)
			continue
		}
		var fix *engine.Fix
		for _, f := range engine.Fixes(s, out) {
			if f.Server != nil && f.Server.Library != nil {
				fix = &f
				break
			}
		}
		if fix == nil {
			t.Errorf("%s: no fix in the text (%q)", c.Name, out.NoSafeFix)
			continue
		}
		if after := engine.Evaluate(fix.Apply(s)); after.Verdict != engine.Allowed {
			t.Errorf("%s: fixed: %s\n%s", c.Name, after.Verdict, fix.Code.After)
		}
		if fix.Code == nil || fix.Code.Before != c.Config || !strings.Contains(fix.Code.After, c.After) || len(fix.Why) == 0 {
			t.Errorf("%s: code after:\n%s\nwhy %q\nwant it holding:\n%s", c.Name, fix.Code.After, fix.Why, c.After)
		}
	}
}
