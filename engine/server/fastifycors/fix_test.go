package fastifycors_test

import (
	"encoding/json"
	"os"
	"slices"
	"strings"
	"testing"

	"corsplay/engine"
	"corsplay/engine/server"
)

// The fixes in @fastify/cors's own options, from testdata/fixes.json (which
// libtest's TestFastifyCorsFixes runs with the real library): each blocked
// scenario gets a fix that changes the plugin's options, shows the user's
// fastify.register(cors, {…}) before and the call to write after (Import
// reads both back), says why for each change, and lets the request through.

// fixCase is one blocked request of testdata/fixes.json.
type fixCase struct {
	Name        string
	Options     map[string]json.RawMessage
	Method      string
	Headers     [][2]string
	Credentials bool
	Page        string
	After       string
	Title       string // "" for "Allow exactly this request in the @fastify/cors options"
	Why         string // a substring of one of the fix's why-lines
}

func (c fixCase) scenario() engine.Scenario {
	s := engine.Scenario{V: engine.Version, Page: "http://localhost:3000",
		Request: engine.Request{URL: "https://api.example.com/r", Method: c.Method},
		Server:  engine.Server{Library: &engine.Library{Name: "fastify-cors", Version: "11.4.3", Options: c.Options}}}
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

// libraryFix is the fix in the library's options, or the one titled so.
func libraryFix(fixes []engine.Fix, title string) (engine.Fix, bool) {
	for _, f := range fixes {
		if f.Server != nil && f.Server.Library != nil && (title == "" || f.Title == title) {
			return f, true
		}
	}
	return engine.Fix{}, false
}

func TestFixes(t *testing.T) {
	lib, _ := server.Lookup("fastify-cors", "")
	kinds := map[string]int{}
	for _, c := range fixCases(t) {
		t.Run(c.Name, func(t *testing.T) {
			s := c.scenario()
			out := engine.Evaluate(s)
			// A configuration the plugin refuses is an error: the server
			// would not start.
			refused := out.ConfigError != ""
			if out.Verdict != engine.Blocked && !(refused && out.Verdict == engine.Error) {
				t.Fatalf("verdict %s (%s), want blocked", out.Verdict, out.Console)
			}
			f, ok := libraryFix(engine.Fixes(s, out), c.Title)
			if !ok {
				t.Fatalf("no fix in the options (no safe fix: %q)", out.NoSafeFix)
			}
			if l := f.Server.Library; l.Name != "fastify-cors" || l.Version != "11.4.3" {
				t.Errorf("the fix's server is %s %s", l.Name, l.Version)
			}
			want := "Allow exactly this request in the @fastify/cors options"
			if c.Title != "" {
				want = c.Title
			}
			if f.Title != want {
				t.Errorf("title %q, want %q", f.Title, want)
			}
			fixed := f.Apply(s)
			if after := engine.Evaluate(fixed); after.Verdict != engine.Allowed {
				t.Errorf("fixed: %s (%s%s)\n%s", after.Verdict, after.Console, after.ConfigError, f.Code.After)
			}
			if f.Code == nil || f.Code.Language != "javascript" {
				t.Fatalf("code %+v, want JavaScript", f.Code)
			}
			if f.Code.After != c.After {
				t.Errorf("code after:\n%s\nwant:\n%s", f.Code.After, c.After)
			}
			// Before is the user's call and after the fixed one: each is
			// what Library.Call prints of the options, and Import reads it
			// back into options printed alike (it refuses an option the
			// plugin would ignore, as a misspelled one).
			for _, side := range []struct {
				code string
				opts map[string]json.RawMessage
			}{{f.Code.Before, s.Server.Library.Options}, {f.Code.After, fixed.Server.Library.Options}} {
				if call := lib.Fixer.Call(ordered(side.opts)); call != side.code {
					t.Errorf("code %q, the call of %s is %q", side.code, jsonOf(side.opts), call)
				}
				got, err := lib.Import(side.code)
				if err != nil && len(lib.Fixer.Unknown(side.opts)) == 0 || err == nil && lib.Fixer.Call(ordered(got)) != side.code {
					t.Errorf("Import(%q) = %s, %v", side.code, jsonOf(got), err)
				}
			}
			if f.Code.Before == f.Code.After {
				t.Errorf("the code does not change: %s", f.Code.Before)
			}
			// One why-line per change: a renamed option is two changed
			// fields for one reason, the method written in upper case one
			// more.
			fields := 0
			for _, ch := range f.Changes {
				if ch.To != "" {
					fields++
				}
			}
			if len(f.Why) < fields || len(f.Why) == 0 {
				t.Errorf("%d why-lines for %d changes %+v: %q", len(f.Why), len(f.Changes), f.Changes, f.Why)
			}
			if !slices.ContainsFunc(f.Why, func(w string) bool { return strings.Contains(w, c.Why) }) {
				t.Errorf("no why-line says %q: %q", c.Why, f.Why)
			}
			for _, ch := range f.Changes {
				if !strings.HasPrefix(ch.Field, "server.library.options.") && ch.Field != "request.method" {
					t.Errorf("the fix changes %s", ch.Field)
				}
			}
			switch {
			case refused:
				kinds["refused"]++
			case f.Request != nil:
				kinds["upper-case method"]++
			default:
				kinds[strings.Fields(c.Name)[0]]++
			}
		})
	}
	for _, k := range []string{"origin:", "credentials:", "method:", "header:", "misspelled:", "upper-case method", "refused", "status:"} {
		if kinds[k] == 0 {
			t.Errorf("no %s case fixed", k)
		}
	}
}

// No fix when nothing safe would let the request through: a page whose
// origin is "null" (a sandboxed iframe, a file) is never listed.
func TestNoSafeFix(t *testing.T) {
	for _, opts := range []string{`{"origin": ["https://app.example.com"]}`, `{"credentials": true}`, `{"origin": false}`} {
		c := fixCase{Name: opts, Method: "GET", Page: "null", Credentials: true}
		json.Unmarshal([]byte(opts), &c.Options)
		s := c.scenario()
		out := engine.Evaluate(s)
		if out.Verdict != engine.Blocked {
			t.Fatalf("%s: verdict %s, want blocked", opts, out.Verdict)
		}
		if f, ok := libraryFix(engine.Fixes(s, out), ""); ok {
			t.Errorf("%s: a fix for the null origin: %s", opts, f.Code.After)
		}
	}
}

// ordered lists the options in the call's order: the plugin's, then the
// others, sorted.
func ordered(m map[string]json.RawMessage) []server.Opt {
	lib, _ := server.Lookup("fastify-cors", "")
	var out []server.Opt
	for _, name := range lib.Fixer.Options {
		if raw, ok := m[name]; ok {
			out = append(out, server.Opt{Name: name, Raw: raw})
		}
	}
	for _, name := range lib.Fixer.Unknown(m) {
		out = append(out, server.Opt{Name: name, Raw: m[name]})
	}
	return out
}

func jsonOf(m map[string]json.RawMessage) []byte {
	b, _ := json.Marshal(m)
	return b
}
