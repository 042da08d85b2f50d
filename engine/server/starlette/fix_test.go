package starlette_test

import (
	"encoding/json"
	"os"
	"strings"
	"testing"

	"corsplay/engine"
	"corsplay/engine/server"
)

// FixCase is a blocked request to Starlette's CORSMiddleware (or one its
// configuration makes Python refuse) and what its fix must say.
// testdata/fixes.json holds them; libtest runs each fixed configuration
// with the real Starlette (starlette_fix_test.go).
type FixCase struct {
	Name     string
	Scenario engine.Scenario
	After    string // the fix's Code.After, written by hand
	Why      string // a substring of one of the fix's why-lines
	Title    string // "" is "Allow exactly this request in the … options"
}

func fixCases(t *testing.T) []FixCase {
	b, err := os.ReadFile("testdata/fixes.json")
	if err != nil {
		t.Fatal(err)
	}
	var cs []FixCase
	if err := json.Unmarshal(b, &cs); err != nil {
		t.Fatal(err)
	}
	return cs
}

// libraryFix is the outcome's fix in the library's options (or the page's
// fix it became, when the options were right).
func libraryFix(out engine.Outcome) (engine.Fix, bool) {
	for _, f := range out.Fixes {
		if f.Code != nil && (f.Server != nil && f.Server.Library != nil || f.Side == "page") {
			return f, true
		}
	}
	return engine.Fix{}, false
}

// TestLibraryFixes: each case is blocked, or refused by Python; its fix
// keeps the library and its version, shows the user's call before and the
// fixed one after as app.add_middleware(CORSMiddleware, ...), has a why
// line per change, and the fixed scenario passes.
func TestLibraryFixes(t *testing.T) {
	cases := fixCases(t)
	if len(cases) < 6 {
		t.Fatalf("%d cases, want at least 6", len(cases))
	}
	for _, c := range cases {
		s := c.Scenario
		out := engine.Evaluate(s)
		if out.Verdict != engine.Blocked && out.ConfigError == "" {
			t.Errorf("%s: %s, want blocked or refused", c.Name, out.Verdict)
			continue
		}
		f, ok := libraryFix(out)
		if !ok {
			t.Errorf("%s: no fix in the library's options (%d fixes; %q)", c.Name, len(out.Fixes), out.NoSafeFix)
			continue
		}
		if f.Server != nil && (f.Server.Library.Name != "starlette" || f.Server.Library.Version != "0.26.1") {
			t.Errorf("%s: the fix's library is %s %s", c.Name, f.Server.Library.Name, f.Server.Library.Version)
		}
		if after := engine.Evaluate(f.Apply(s)); after.Verdict != engine.Allowed {
			t.Errorf("%s: the fixed scenario is %s (%s)", c.Name, after.Verdict, after.Console)
		}
		if title := "Allow exactly this request in the Starlette CORSMiddleware options"; c.Title != "" && f.Title != c.Title || c.Title == "" && f.Title != title {
			t.Errorf("%s: title %q", c.Name, f.Title)
		}
		if f.Code.After != c.After {
			t.Errorf("%s: code after:\n%s\nwant\n%s", c.Name, f.Code.After, c.After)
		}
		if !strings.Contains(strings.Join(f.Why, "\n"), c.Why) {
			t.Errorf("%s: why %q lacks %q", c.Name, f.Why, c.Why)
		}
		// A why line names each option changed (or fetch()'s method).
		for _, ch := range f.Changes {
			name := ch.Field[strings.LastIndexByte(ch.Field, '.')+1:]
			if !strings.Contains(strings.Join(f.Why, "\n"), name) {
				t.Errorf("%s: no why line names %s: %q", c.Name, name, f.Why)
			}
		}
		if f.Code.Language == "python" { // both calls read back as the options
			for code, want := range map[string]*engine.Library{f.Code.Before: s.Server.Library, f.Code.After: f.Server.Library} {
				got, err := engine.Library{Name: "starlette"}.ImportConfig(code)
				if err != nil || canonical(got.Options) != canonical(want.Options) {
					t.Errorf("%s: ImportConfig(%s) = %s, %v; want %s", c.Name, code, canonical(got.Options), err, canonical(want.Options))
				}
			}
		}
	}
}

// canonical is options as compact JSON, their values decoded.
func canonical(m map[string]json.RawMessage) string {
	var v map[string]any
	b, _ := json.Marshal(m)
	json.Unmarshal(b, &v)
	b, _ = json.Marshal(v)
	return string(b)
}

// TestNoLibraryFix: no change to the options lets these through safely,
// and the engine offers none.
func TestNoLibraryFix(t *testing.T) {
	for _, c := range []struct{ name, page, options string }{
		{"the page's origin is null", "null", `{"allow_origins": ["https://app.example.com"]}`},
		{"a pattern Python refuses", "http://localhost:3000", `{"allow_origins": ["https://app.example.com"], "allow_origin_regex": "(https://b"}`},
		{"app passed twice", "http://localhost:3000", `{"allow_origins": ["http://localhost:3000"], "app": "app"}`},
	} {
		var m map[string]json.RawMessage
		if err := json.Unmarshal([]byte(c.options), &m); err != nil {
			t.Fatal(err)
		}
		s := engine.Scenario{V: engine.Version, Page: c.page, Request: engine.Request{URL: "https://api.example.com/r"},
			Server: engine.Server{Library: &engine.Library{Name: "starlette", Options: m}}}
		out := engine.Evaluate(s)
		if out.Verdict != engine.Blocked && out.ConfigError == "" {
			t.Errorf("%s: %s, want blocked or refused", c.name, out.Verdict)
		}
		if f, ok := libraryFix(out); ok {
			t.Errorf("%s: a fix in the library's options:\n%s", c.name, f.Code.After)
		}
	}
}

// TestCall: the call as FastAPI's documentation writes it, on one line
// when it fits; names Python cannot take as keywords in **{...}.
func TestCall(t *testing.T) {
	l, _ := server.Lookup("starlette", "")
	for _, c := range []struct {
		opts []string // name, JSON value, ...
		want string
	}{
		{nil, `app.add_middleware(CORSMiddleware)`},
		{[]string{"allow_origins", `["https://a.example"]`, "max_age", "6"}, "app.add_middleware(\n    CORSMiddleware,\n    allow_origins=[\"https://a.example\"],\n    max_age=6,\n)"},
		{[]string{"allow_origins", `["https://a.example"]`}, `app.add_middleware(CORSMiddleware, allow_origins=["https://a.example"])`},
		{[]string{"allow_origins", `"https://a.example"`, "allow_credentials", "true", "allow_origin_regex", "null", "expose_headers", `["X-\u00e9"]`},
			"app.add_middleware(\n    CORSMiddleware,\n    allow_origins=\"https://a.example\",\n    allow_credentials=True,\n    allow_origin_regex=None,\n    expose_headers=[\"X-\\u00e9\"],\n)"},
		{[]string{"class", "1", "max-age", "5", "zeta", `"z"`}, `app.add_middleware(CORSMiddleware, zeta="z", **{"class": 1, "max-age": 5})`},
	} {
		var opts []server.Opt
		for i := 0; i < len(c.opts); i += 2 {
			opts = append(opts, server.Opt{Name: c.opts[i], Raw: json.RawMessage(c.opts[i+1])})
		}
		if got := l.Fixer.Call(opts); got != c.want {
			t.Errorf("%v:\n%s\nwant\n%s", c.opts, got, c.want)
		}
	}
}
