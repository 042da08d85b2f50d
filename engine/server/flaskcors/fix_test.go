package flaskcors_test

import (
	"encoding/json"
	"os"
	"slices"
	"strings"
	"testing"

	"corsplay/engine"
	"corsplay/engine/server"
	"corsplay/engine/server/flaskcors/flaskfix"
)

// The fixes in Flask-CORS 6.0.2's own options, from testdata/fixes.json
// (which libtest's TestFlaskCORS6Fixes runs with the real 6.0.2): each
// blocked scenario gets a fix that changes CORS(app, …)'s keyword
// arguments, shows the user's call before and the call to write after
// (Import reads both back, Export's program holds the fixed one), says why
// for each change, and lets the request through. The fixer is flaskfix's,
// which 3.0.10 shares.

// fixCase is one blocked request of testdata/fixes.json.
type fixCase struct {
	Name        string
	Options     map[string]json.RawMessage
	Method      string
	Headers     [][2]string
	Credentials bool
	Page        string
	After       string
	Title       string // "" for "Allow exactly this request in the Flask-CORS options"
	Why         string // a substring of one of the fix's why-lines
}

func (c fixCase) scenario(version string) engine.Scenario {
	s := engine.Scenario{V: engine.Version, Page: "http://localhost:3000",
		Request: engine.Request{URL: "https://api.example.com/r", Method: c.Method},
		Server:  engine.Server{Library: &engine.Library{Name: "flask-cors", Version: version, Options: c.Options}}}
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
	lib, ok := server.Lookup("flask-cors", "6.0.2")
	if !ok || lib.Fixer != flaskfix.Fixer {
		t.Fatal("flask-cors 6.0.2 is not registered with flaskfix.Fixer")
	}
	kinds := map[string]int{}
	for _, c := range fixCases(t) {
		t.Run(c.Name, func(t *testing.T) {
			s := c.scenario("6.0.2")
			out := engine.Evaluate(s)
			// A configuration the library refuses is an error: the server
			// would not start.
			refused := out.ConfigError != ""
			if out.Verdict != engine.Blocked && !(refused && out.Verdict == engine.Error) {
				t.Fatalf("verdict %s (%s), want blocked", out.Verdict, out.Console)
			}
			f, ok := libraryFix(engine.Fixes(s, out), c.Title)
			if !ok {
				t.Fatalf("no fix in the options (no safe fix: %q)", out.NoSafeFix)
			}
			if l := f.Server.Library; l.Name != "flask-cors" || l.Version != "6.0.2" {
				t.Errorf("the fix's server is %s %s", l.Name, l.Version)
			}
			want := "Allow exactly this request in the Flask-CORS options"
			if c.Title != "" {
				want = c.Title
			}
			if f.Title != want {
				t.Errorf("title %q, want %q", f.Title, want)
			}
			fixed := f.Apply(s)
			after := engine.Evaluate(fixed)
			if after.Verdict != engine.Allowed {
				t.Errorf("fixed: %s (%s%s)\n%s", after.Verdict, after.Console, after.ConfigError, f.Code.After)
			}
			if len(after.LibraryWarnings) > 0 {
				t.Errorf("the fixed call makes Flask-CORS warn: %q", after.LibraryWarnings)
			}
			if f.Code == nil || f.Code.Language != "python" {
				t.Fatalf("code %+v, want Python", f.Code)
			}
			if f.Code.After != c.After {
				t.Errorf("code after:\n%s\nwant:\n%s", f.Code.After, c.After)
			}
			// Before is the user's call and after the fixed one: each is
			// what the Fixer prints of the options, and Import reads it
			// back into the same options.
			for _, side := range []struct {
				code string
				opts map[string]json.RawMessage
			}{{f.Code.Before, s.Server.Library.Options}, {f.Code.After, fixed.Server.Library.Options}} {
				if call := lib.Fixer.Call(ordered(side.opts)); call != side.code {
					t.Errorf("code %q, the call of %s is %q", side.code, jsonOf(side.opts), call)
				}
				got, err := lib.Import(side.code)
				if err != nil || string(jsonOf(got)) != string(jsonOf(side.opts)) {
					t.Errorf("Import(%q) = %s, %v, want %s", side.code, jsonOf(got), err, jsonOf(side.opts))
				}
			}
			if f.Code.Before == f.Code.After {
				t.Errorf("the code does not change: %s", f.Code.Before)
			}
			// The program Export writes for the fixed options holds the
			// fixed call, as printed.
			if code, err := lib.Export(fixed.Server.Library.Options, "/r"); err != nil || !strings.Contains(code, "\n"+f.Code.After+"\n") {
				t.Errorf("Export's program (%v) does not hold the fixed call\n%s\n%s", err, f.Code.After, code)
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
	for _, k := range []string{"origin:", "credentials:", "method:", "header:", "misspelled:", "upper-case method", "refused"} {
		if kinds[k] == 0 {
			t.Errorf("no %s case fixed", k)
		}
	}
}

// TestFixesShared: 3.0.10 (the engine's default flask-cors) fixes each
// case with the same fixer, so with the same call, but for 6.0.2's
// allow_private_network: 3.0.10 does not know it, so it renames nothing to
// it.
func TestFixesShared(t *testing.T) {
	for _, c := range fixCases(t) {
		s := c.scenario("")
		out := engine.Evaluate(s)
		f, ok := libraryFix(engine.Fixes(s, out), c.Title)
		pna := strings.Contains(string(jsonOf(c.Options)), "PRIVATE_NETWORK")
		switch {
		case !ok && !pna:
			t.Errorf("%s: 3.0.10 has no fix (%s, %q)", c.Name, out.Verdict, out.NoSafeFix)
		case !ok:
		case f.Server.Library.Version != "":
			t.Errorf("%s: 3.0.10's fix is for version %q", c.Name, f.Server.Library.Version)
		case pna && strings.Contains(f.Code.After, "allow_private_network"):
			t.Errorf("%s: 3.0.10's fix renames an option to allow_private_network, which 3.0.10 ignores:\n%s", c.Name, f.Code.After)
		case !pna && f.Code.After != c.After:
			t.Errorf("%s: 3.0.10's fix\n%s\n6.0.2's\n%s", c.Name, f.Code.After, c.After)
		}
	}
}

// No fix when nothing safe would let the request through: a page whose
// origin is "null" (a sandboxed iframe, a file) is never listed.
func TestNoSafeFix(t *testing.T) {
	for _, opts := range []string{`{"origins": ["https://app.example.com"]}`, `{"supports_credentials": true, "origins": "https://app.example.com"}`, `{"origins": []}`, `{"send_wildcard": true}`} {
		c := fixCase{Name: opts, Method: "GET", Page: "null", Credentials: true}
		json.Unmarshal([]byte(opts), &c.Options)
		s := c.scenario("6.0.2")
		out := engine.Evaluate(s)
		if out.Verdict != engine.Blocked {
			t.Fatalf("%s: verdict %s, want blocked", opts, out.Verdict)
		}
		if f, ok := libraryFix(engine.Fixes(s, out), ""); ok {
			t.Errorf("%s: a fix for the null origin: %s", opts, f.Code.After)
		}
	}
}

// ordered lists the options in the call's order: the fixer's, then the
// others, sorted.
func ordered(m map[string]json.RawMessage) []server.Opt {
	var out []server.Opt
	for _, name := range flaskfix.Fixer.Options {
		if raw, ok := m[name]; ok {
			out = append(out, server.Opt{Name: name, Raw: raw})
		}
	}
	var rest []string
	for name := range m {
		if !slices.Contains(flaskfix.Fixer.Options, name) {
			rest = append(rest, name)
		}
	}
	slices.Sort(rest)
	for _, name := range rest {
		out = append(out, server.Opt{Name: name, Raw: m[name]})
	}
	return out
}

func jsonOf(m map[string]json.RawMessage) []byte {
	b, _ := json.Marshal(m)
	return b
}
