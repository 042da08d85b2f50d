package echocors_test

import (
	"encoding/json"
	"os"
	"slices"
	"strings"
	"testing"

	"corsplay/engine"
	"corsplay/engine/server"
)

// The fixes in Echo's own options, from testdata/fixes.json (which
// libtest's TestEchoCorsFixes runs with the real echo): each blocked
// scenario gets a fix that changes middleware.CORSConfig's fields, shows
// the user's e.Use(…) line before and the one to write after (as Export
// writes it, and Import reads both back), says why for each change, and
// lets the request through.

type fixCase struct {
	Name        string
	Options     map[string]json.RawMessage
	Method      string
	Headers     [][2]string
	Credentials bool
	Page        string
	After       string // the fix's Code.After
	Why         string // a substring of one of its why-lines
}

func (c fixCase) scenario() engine.Scenario {
	s := engine.Scenario{V: engine.Version, Page: "https://app.example.com",
		Request: engine.Request{URL: "https://api.example.com/r", Method: c.Method},
		Server:  engine.Server{Library: &engine.Library{Name: "echo-cors", Version: "v4.16.6", Options: c.Options}}}
	if c.Page != "" {
		s.Page = c.Page
	}
	for _, h := range c.Headers {
		s.Request.Headers = append(s.Request.Headers, engine.Header{Name: h[0], Value: h[1]})
	}
	if c.Credentials {
		s.Request.Credentials = engine.CredentialsInclude
	}
	if m := strings.ToUpper(c.Method); m != "GET" && m != "HEAD" {
		s.Request.Body = new(`{"name":"corsplay"}`)
	}
	return s
}

func libraryFix(fixes []engine.Fix) (engine.Fix, bool) {
	i := slices.IndexFunc(fixes, func(f engine.Fix) bool { return f.Server != nil && f.Server.Library != nil })
	if i < 0 {
		return engine.Fix{}, false
	}
	return fixes[i], true
}

func TestFixes(t *testing.T) {
	b, err := os.ReadFile("testdata/fixes.json")
	if err != nil {
		t.Fatal(err)
	}
	var cases []fixCase
	if err := json.Unmarshal(b, &cases); err != nil {
		t.Fatal(err)
	}
	lib, _ := server.Lookup("echo-cors", "")
	kinds := map[string]int{}
	for _, c := range cases {
		t.Run(c.Name, func(t *testing.T) {
			s := c.scenario()
			out := engine.Evaluate(s)
			if out.Verdict != engine.Blocked {
				t.Fatalf("verdict %s (%s), want blocked", out.Verdict, out.Console)
			}
			f, ok := libraryFix(engine.Fixes(s, out))
			if !ok {
				t.Fatalf("no fix in the options (no safe fix: %q)", out.NoSafeFix)
			}
			if l := f.Server.Library; l.Name != "echo-cors" || l.Version != "v4.16.6" {
				t.Errorf("the fix's server is %s %s", l.Name, l.Version)
			}
			fixed := f.Apply(s)
			if after := engine.Evaluate(fixed); after.Verdict != engine.Allowed {
				t.Errorf("fixed: %s (%s)\n%s", after.Verdict, after.Console, f.Code.After)
			}
			if f.Code == nil || f.Code.Language != "go" {
				t.Fatalf("code %+v, want Go", f.Code)
			}
			if f.Code.After != c.After {
				t.Errorf("code after:\n%s\nwant:\n%s\nwhy: %q", f.Code.After, c.After, f.Why)
			}
			// Before is the user's configuration and After the fixed one,
			// as Export writes them in its program; Import reads each back
			// into the same configuration.
			for _, side := range []struct {
				code string
				opts map[string]json.RawMessage
			}{{f.Code.Before, s.Server.Library.Options}, {f.Code.After, fixed.Server.Library.Options}} {
				code, err := lib.Export(side.opts, "/r")
				if err != nil || !strings.Contains(code, "\n\t"+strings.ReplaceAll(side.code, "\n", "\n\t")+"\n") {
					t.Errorf("code %q is not in the export (%v):\n%s", side.code, err, code)
				}
				got, err := lib.Import(side.code)
				if back, _ := lib.Export(got, "/r"); err != nil || back != code {
					t.Errorf("Import(%q) = %v, %v", side.code, got, err)
				}
			}
			if f.Code.Before == f.Code.After {
				t.Errorf("the code does not change: %s", f.Code.Before)
			}
			fields := 0
			for _, ch := range f.Changes {
				if !strings.HasPrefix(ch.Field, "server.library.options.") && ch.Field != "request.method" {
					t.Errorf("the fix changes %s", ch.Field)
				}
				if ch.To != "" { // a removed field goes with the change that replaces it
					fields++
				}
			}
			if len(f.Why) < fields || len(f.Why) == 0 {
				t.Errorf("%d why-lines for %d changes %+v: %q", len(f.Why), len(f.Changes), f.Changes, f.Why)
			}
			if !slices.ContainsFunc(f.Why, func(w string) bool { return strings.Contains(w, c.Why) }) {
				t.Errorf("no why-line says %q: %q", c.Why, f.Why)
			}
			kind, _, _ := strings.Cut(c.Name, ":")
			kinds[kind]++
		})
	}
	for _, k := range []string{"origin", "credentials", "method", "header", "lower-case method"} {
		if kinds[k] == 0 {
			t.Errorf("no %s case fixed", k)
		}
	}
}

// No fix when nothing safe lets the request through: a page whose origin
// is "null" (a sandboxed iframe, a file) is never listed.
func TestNoSafeFix(t *testing.T) {
	for _, opts := range []string{`{"AllowOrigins": ["https://app.example.com"]}`, `{"AllowCredentials": true}`, `{"AllowOrigins": ["null"]}`} {
		c := fixCase{Method: "GET", Page: "null", Credentials: true}
		json.Unmarshal([]byte(opts), &c.Options)
		s := c.scenario()
		out := engine.Evaluate(s)
		if out.Verdict != engine.Blocked {
			t.Fatalf("%s: verdict %s, want blocked", opts, out.Verdict)
		}
		if f, ok := libraryFix(engine.Fixes(s, out)); ok {
			t.Errorf("%s: a fix for the null origin: %s", opts, f.Code.After)
		}
	}
}
