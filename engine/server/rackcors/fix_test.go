package rackcors_test

import (
	"encoding/json"
	"os"
	"sort"
	"strings"
	"testing"

	"corsplay/engine"
	"corsplay/engine/server"
)

// The fixes in rack-cors's own DSL: testdata/fixes.json lists blocked
// requests, each with the user's configuration as a Rails app inserts it
// (before) and the fixed one (after) as the fix must print them, and a
// substring of each why-line; libtest runs the same cases with the real
// library, as JSON options and as the printed code.

const lib = "rack-cors"

// fixCase is one blocked request; After "" means no fix in the library's
// options may be offered.
type fixCase struct {
	Name        string
	Options     map[string]json.RawMessage
	Page        string // default http://localhost:3000
	Method      string
	Headers     map[string]string
	Credentials bool
	Before      string
	After       string
	Why         []string // a substring of each why-line, in order
	PageOnly    bool     // the fix is the page's alone: the method in upper case
}

func (c fixCase) scenario() engine.Scenario {
	s := engine.Scenario{V: engine.Version, Page: c.Page,
		Request: engine.Request{URL: "https://api.example.com/r", Method: c.Method},
		Server:  engine.Server{Library: &engine.Library{Name: lib, Version: "1.1.1", Options: c.Options}}}
	if s.Page == "" {
		s.Page = "http://localhost:3000"
	}
	names := make([]string, 0, len(c.Headers))
	for k := range c.Headers {
		names = append(names, k)
	}
	sort.Strings(names)
	for _, k := range names {
		s.Request.Headers = append(s.Request.Headers, engine.Header{Name: k, Value: c.Headers[k]})
	}
	if c.Credentials {
		s.Request.Credentials = "include"
	}
	return s
}

func canonical(t *testing.T, m map[string]json.RawMessage) string {
	t.Helper()
	b, _ := json.Marshal(m)
	var v any
	if err := json.Unmarshal(b, &v); err != nil {
		t.Fatal(err)
	}
	b, _ = json.Marshal(v)
	return string(b)
}

func TestFixes(t *testing.T) {
	text, err := os.ReadFile("testdata/fixes.json")
	if err != nil {
		t.Fatal(err)
	}
	var cases []fixCase
	if err := json.Unmarshal(text, &cases); err != nil {
		t.Fatal(err)
	}
	l, _ := server.Lookup(lib, "")
	fixes, none := 0, 0
	for _, c := range cases {
		t.Run(c.Name, func(t *testing.T) {
			s := c.scenario()
			out := engine.Evaluate(s)
			// Blocked, or refused: rack-cors raises while its block runs.
			if out.Verdict != engine.Blocked && !(out.ConfigError != "" && out.Verdict == engine.Error) {
				t.Fatalf("verdict %s (%s), want blocked", out.Verdict, out.Console)
			}
			var f *engine.Fix
			for i, g := range out.Fixes {
				if g.Server != nil && g.Server.Library != nil || c.PageOnly && g.Title == "Send the method in upper case" {
					f = &out.Fixes[i]
					break
				}
			}
			if c.After == "" {
				if f != nil {
					t.Fatalf("a fix is offered: %+v", *f)
				}
				none++
				return
			}
			if f == nil {
				t.Fatalf("no fix in the library's options among %d (%q)", len(out.Fixes), out.NoSafeFix)
			}
			if got := engine.Evaluate(f.Apply(s)); got.Verdict != engine.Allowed {
				t.Errorf("fixed: %s (%s)", got.Verdict, got.Console)
			}
			if c.PageOnly {
				if f.Server != nil || f.Request == nil || f.Request.Method != strings.ToUpper(c.Method) || f.Code == nil || f.Code.After != c.After {
					t.Fatalf("page fix %+v", *f)
				}
				fixes++
				return
			}
			if up := strings.ToUpper(c.Method); up != c.Method && (f.Side != "both" || f.Request == nil || f.Request.Method != up) {
				t.Errorf("side %s, request %+v: want the method in upper case too", f.Side, f.Request)
			}
			if got := f.Server.Library; got.Name != lib || got.Version != "1.1.1" {
				t.Errorf("the fix's library is %s %q, want %s 1.1.1", got.Name, got.Version, lib)
			}
			if f.Code == nil || f.Code.Language != "ruby" {
				t.Fatalf("code %+v, want Ruby", f.Code)
			}
			if f.Code.Before != c.Before {
				t.Errorf("code before:\n%s\nwant:\n%s", f.Code.Before, c.Before)
			}
			if f.Code.After != c.After {
				t.Errorf("code after:\n%s\nwant:\n%s", f.Code.After, c.After)
			}
			// One why-line per change, each saying what the table says.
			ok := len(f.Why) == len(c.Why)
			for i := 0; ok && i < len(c.Why); i++ {
				ok = strings.Contains(f.Why[i], c.Why[i])
			}
			if !ok {
				t.Errorf("why %q\nwant one line with each of %q", f.Why, c.Why)
			}
			// The code reads back as the options, before and after.
			for _, x := range []struct {
				code string
				opts map[string]json.RawMessage
			}{{f.Code.Before, c.Options}, {f.Code.After, f.Server.Library.Options}} {
				opts, err := l.Import(x.code)
				if err != nil {
					t.Errorf("Import(%q): %v", x.code, err)
				} else if a, b := canonical(t, opts), canonical(t, x.opts); a != b {
					t.Errorf("Import of the code is %s, want %s", a, b)
				}
			}
			fixes++
		})
	}
	if fixes < 6 || none < 1 {
		t.Errorf("%d fixes and %d cases without one, want at least 6 and 1", fixes, none)
	}
	t.Logf("%d fixes checked, %d cases without one", fixes, none)
}
