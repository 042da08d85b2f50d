package gochicors_test

import (
	"encoding/json"
	"go/format"
	"os"
	"sort"
	"strings"
	"testing"

	"corsplay/engine"
	"corsplay/engine/server"
)

// The fixes in go-chi/cors's own options: testdata/fixes.json lists
// blocked requests, each with the user's call (before) and the fixed one
// (after) as the fix must print them; libtest runs the same cases with the
// real library.

const lib = "go-chi-cors"

// fixCase is one blocked request; After "" means no fix in the library's
// options may be offered.
type fixCase struct {
	Name        string
	Options     map[string]json.RawMessage
	Version     string
	Page        string // default http://localhost:3000
	Method      string
	Headers     map[string]string
	Credentials bool
	Before      string
	After       string
	Why         string // a substring of a why-line
	PageOnly    bool   // the fix is the page's alone: the method in upper case
}

func (c fixCase) scenario() engine.Scenario {
	s := engine.Scenario{V: engine.Version, Page: c.Page,
		Request: engine.Request{URL: "https://api.example.com/items", Method: c.Method},
		Server:  engine.Server{Library: &engine.Library{Name: lib, Version: c.Version, Options: c.Options}}}
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
			if out.Verdict != engine.Blocked {
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
			if got := f.Server.Library; got.Name != lib || got.Version != c.Version {
				t.Errorf("the fix's library is %s %q, want %s %q", got.Name, got.Version, lib, c.Version)
			}
			if f.Code == nil || f.Code.Language != "go" {
				t.Fatalf("code %+v, want Go", f.Code)
			}
			if f.Code.Before != c.Before {
				t.Errorf("code before:\n%s\nwant:\n%s", f.Code.Before, c.Before)
			}
			if f.Code.After != c.After {
				t.Errorf("code after:\n%s\nwant:\n%s", f.Code.After, c.After)
			}
			// One why-line per change, one of them saying c.Why.
			if len(f.Why) != len(f.Changes) || !strings.Contains(strings.Join(f.Why, "\n"), c.Why) {
				t.Errorf("changes %+v\nwhy %q (want a line with %q)", f.Changes, f.Why, c.Why)
			}
			if got := engine.Evaluate(f.Apply(s)); got.Verdict != engine.Allowed {
				t.Errorf("fixed: %s (%s)", got.Verdict, got.Console)
			}
			// The code is gofmt's, and reads back as the fixed options.
			for _, code := range []string{f.Code.Before, f.Code.After} {
				src := "package p\n\nvar _ = " + code + "\n"
				if b, err := format.Source([]byte(src)); err != nil || string(b) != src {
					t.Errorf("not gofmt's (%v):\n%s", err, b)
				}
			}
			opts, err := l.Import(f.Code.After)
			if err != nil {
				t.Fatalf("Import of the code after: %v", err)
			}
			sc := f.Apply(s)
			sc.Server.Library.Options = opts
			if got := engine.Evaluate(sc); got.Verdict != engine.Allowed {
				t.Errorf("the code after, imported: %s", got.Verdict)
			}
			fixes++
		})
	}
	if fixes < 6 || none < 1 {
		t.Errorf("%d fixes and %d cases without one, want at least 6 and 1", fixes, none)
	}
}
