package flaskcors_test

import (
	"encoding/json"
	"slices"
	"strings"
	"testing"

	"corsplay/engine"
	"corsplay/engine/server"
	"corsplay/engine/server/flaskcors/flaskfix"
	"corsplay/engine/server/servertest"
)

// The fixes in Flask-CORS 6.0.2's own options, from testdata/fixes.json
// (which libtest's TestFlaskCORS6Fixes runs with the real 6.0.2): each
// blocked scenario gets a fix that changes CORS(app, …)'s keyword
// arguments, shows the user's call before and the call to write after
// (Import reads both back, Export's program holds the fixed one), says why
// for each change, and lets the request through. The fixer is flaskfix's,
// which 3.0.10 shares.

// suite checks 6.0.2's fixes: a configuration the library refuses is an
// error (the server would not start) and gets a fix too; one why-line per
// change (a renamed option is two changed fields for one reason, the
// method written in upper case one more).
var suite = servertest.FixSuite{Library: "flask-cors", Version: "6.0.2",
	Page: "http://localhost:3000", URL: "https://api.example.com/r", Body: true, Language: "python",
	Title: "Allow exactly this request in the Flask-CORS options", Refused: true, WhyCount: "fields",
	Check: func(t *testing.T, c servertest.FixCase, s engine.Scenario, f engine.Fix) {
		lib, _ := server.Lookup("flask-cors", "6.0.2")
		fixed := f.Apply(s)
		if after := engine.Evaluate(fixed); len(after.LibraryWarnings) > 0 {
			t.Errorf("the fixed call makes Flask-CORS warn: %q", after.LibraryWarnings)
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
		// The program Export writes for the fixed options holds the
		// fixed call, as printed.
		if code, err := lib.Export(fixed.Server.Library.Options, "/r"); err != nil || !strings.Contains(code, "\n"+f.Code.After+"\n") {
			t.Errorf("Export's program (%v) does not hold the fixed call\n%s\n%s", err, f.Code.After, code)
		}
	},
	Kind:  servertest.FirstWord,
	Kinds: map[string]int{"origin:": 1, "credentials:": 1, "method:": 1, "header:": 1, "misspelled:": 1, "upper-case method": 1, "refused": 1}}

func TestFixes(t *testing.T) {
	lib, ok := server.Lookup("flask-cors", "6.0.2")
	if !ok || lib.Fixer != flaskfix.Fixer {
		t.Fatal("flask-cors 6.0.2 is not registered with flaskfix.Fixer")
	}
	t.Logf("%d cases", suite.Fixes(t, servertest.ReadCases(t, "testdata/fixes.json")))
}

// TestFixesShared: 3.0.10 (the engine's default flask-cors) fixes each
// case with the same fixer, so with the same call, but for 6.0.2's
// allow_private_network: 3.0.10 does not know it, so it renames nothing to
// it.
func TestFixesShared(t *testing.T) {
	legacy := suite
	legacy.Version = ""
	for _, c := range servertest.ReadCases(t, "testdata/fixes.json") {
		s := legacy.Scenario(c)
		out := engine.Evaluate(s)
		f, ok := servertest.LibraryFix(engine.Fixes(s, out), c.Title)
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

// No fix when nothing safe would let the request through.
func TestNoSafeFix(t *testing.T) {
	suite.NoSafeFix(t, `{"origins": ["https://app.example.com"]}`, `{"supports_credentials": true, "origins": "https://app.example.com"}`, `{"origins": []}`, `{"send_wildcard": true}`)
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
