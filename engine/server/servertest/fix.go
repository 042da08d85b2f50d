package servertest

import (
	"encoding/json"
	"go/format"
	"os"
	"runtime"
	"slices"
	"sort"
	"strings"
	"testing"

	"corsplay/engine"
	"corsplay/engine/server"
)

// FixCase is one blocked request of a library's fix table
// (testdata/fixes.json, which libtest runs with the real library) and the
// fix it must get.
type FixCase struct {
	Name    string // "" for the method and the options
	Options map[string]json.RawMessage
	Config  string // a web server's text: the options are {"config": Config}
	Version string // "" for the suite's
	Page    string // "" for the suite's
	Method  string
	Headers Headers
	// Credentials sends the request with credentials: "include".
	Credentials bool
	// Before and After are the fix's code (Before "": not checked here);
	// After "" in a suite with NoFix: no fix in the library's options may
	// be offered.
	Before, After string
	Title         string // "" for the suite's
	// Why are substrings of the fix's why-lines: one of them says Why[0],
	// or, in a suite with WhyEach, line i says Why[i].
	Why Lines
	// PageOnly: the fix is the page's alone, the method in upper case.
	PageOnly bool
}

// Headers are the request's headers, written as [[name, value]…] or
// {name: value…} (sent in name order).
type Headers [][2]string

func (h *Headers) UnmarshalJSON(b []byte) error {
	var m map[string]string
	if json.Unmarshal(b, &m) != nil {
		return json.Unmarshal(b, (*[][2]string)(h))
	}
	*h = nil
	for k, v := range m {
		*h = append(*h, [2]string{k, v})
	}
	sort.Slice(*h, func(i, j int) bool { return (*h)[i][0] < (*h)[j][0] })
	return nil
}

// Lines are substrings of why-lines, written as one string or a list.
type Lines []string

func (l *Lines) UnmarshalJSON(b []byte) error {
	var s string
	if json.Unmarshal(b, &s) != nil {
		return json.Unmarshal(b, (*[]string)(l))
	}
	*l = Lines{s}
	return nil
}

// FixSuite is how a library's fixes are checked.
type FixSuite struct {
	Library, Version string // the scenario's library, which the fix keeps
	Page, URL        string // the scenario's page and request URL
	// Body sends a JSON body with a method other than GET and HEAD.
	Body     bool
	Language string // the code's
	// Title is the fix's title when the case names none; "" for any.
	Title string
	// Refused: a configuration the library refuses (its server does not
	// start: the verdict is an error) gets a fix too.
	Refused bool
	// NoFix: a case with no After gets no fix in the library's options.
	NoFix bool
	// AfterHolds: the code after holds the case's After (a web server's
	// whole text), and the code before is the case's Config.
	AfterHolds bool
	// WhyCount is how many why-lines a fix has: "changes", one per change;
	// "fields", at least one per field set (a removed one goes with the
	// change that replaces it); "each", one per substring of the case's
	// Why, in order; "" at least one.
	WhyCount string
	// Check is the library's own checks of a fix in its options: its code
	// beside what Export writes and Import reads back.
	Check func(t *testing.T, c FixCase, s engine.Scenario, f engine.Fix)
	// Kind names what a case fixes, counted for Kinds; nil: the case's
	// name up to its first ":".
	Kind func(c FixCase, f engine.Fix, refused bool) string
	// Kinds are how many cases of each kind (or "none", cases without a
	// fix) must be fixed at least.
	Kinds map[string]int
}

// Scenario is the case's request to the library.
func (s FixSuite) Scenario(c FixCase) engine.Scenario {
	lib := &engine.Library{Name: s.Library, Version: s.Version, Options: c.Options}
	if c.Version != "" {
		lib.Version = c.Version
	}
	if c.Config != "" {
		b, _ := json.Marshal(c.Config)
		lib.Options = map[string]json.RawMessage{"config": b}
	}
	sc := engine.Scenario{V: engine.Version, Page: s.Page,
		Request: engine.Request{URL: s.URL, Method: c.Method},
		Server:  engine.Server{Library: lib}}
	if c.Page != "" {
		sc.Page = c.Page
	}
	for _, h := range c.Headers {
		sc.Request.Headers = append(sc.Request.Headers, engine.Header{Name: h[0], Value: h[1]})
	}
	if c.Credentials {
		sc.Request.Credentials = engine.CredentialsInclude
	}
	if m := strings.ToUpper(c.Method); s.Body && m != "GET" && m != "HEAD" {
		sc.Request.Body = new(`{"name":"corsplay"}`)
	}
	return sc
}

// ReadCases reads a table of fix cases (testdata/fixes.json).
func ReadCases(t *testing.T, path string) []FixCase {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	var cases []FixCase
	if err := json.Unmarshal(b, &cases); err != nil {
		t.Fatal(err)
	}
	return cases
}

// LibraryFix is the first fix in the library's options titled title ("":
// any).
func LibraryFix(fixes []engine.Fix, title string) (engine.Fix, bool) {
	for _, f := range fixes {
		if f.Server != nil && f.Server.Library != nil && (title == "" || f.Title == title) {
			return f, true
		}
	}
	return engine.Fix{}, false
}

// Fixes checks each case, one subtest each: the scenario is valid; the
// request is blocked (or the
// configuration refused, in a suite that fixes those); the fix is in the
// library's options, keeps its name and version and has the title; once
// applied the request is allowed; its code is in the library's language,
// before and after as the case writes them and different; its why-lines
// say the case's Why, as many as WhyCount wants; it changes only the
// options (and the method); and Check passes. Each kind in Kinds is fixed
// often enough. It returns how many cases ran.
func (s FixSuite) Fixes(t *testing.T, cases []FixCase) int {
	t.Helper()
	kinds := map[string]int{}
	count := func(c FixCase, f engine.Fix, refused bool) {
		if s.Kind != nil {
			kinds[s.Kind(c, f, refused)]++
			return
		}
		kind, _, _ := strings.Cut(c.Name, ":")
		kinds[kind]++
	}
	for _, c := range cases {
		name := c.Name
		if name == "" {
			b, _ := json.Marshal(c.Options)
			name = c.Method + " " + string(b)
		}
		t.Run(name, func(t *testing.T) {
			sc := s.Scenario(c)
			if err := sc.Validate(); err != nil {
				t.Fatal(err)
			}
			out := engine.Evaluate(sc)
			refused := out.ConfigError != ""
			if out.Verdict != engine.Blocked && !(s.Refused && refused && out.Verdict == engine.Error) {
				t.Fatalf("verdict %s (%s), want blocked", out.Verdict, out.Console)
			}
			title := c.Title
			if title == "" {
				title = s.Title
			}
			var f *engine.Fix
			fixes := engine.Fixes(sc, out)
			for i, g := range fixes {
				if g.Server != nil && g.Server.Library != nil && (c.Title == "" || g.Title == c.Title) ||
					c.PageOnly && g.Title == "Send the method in upper case" {
					f = &fixes[i]
					break
				}
			}
			if s.NoFix && c.After == "" {
				if f != nil {
					t.Fatalf("a fix is offered: %+v", *f)
				}
				kinds["none"]++
				return
			}
			if f == nil {
				t.Fatalf("no fix in the library's options among %d (no safe fix: %q)", len(out.Fixes), out.NoSafeFix)
			}
			if got := engine.Evaluate(f.Apply(sc)); got.Verdict != engine.Allowed {
				t.Errorf("fixed: %s (%s%s)\n%+v", got.Verdict, got.Console, got.ConfigError, f.Code)
			}
			if c.PageOnly {
				if f.Server != nil || f.Request == nil || f.Request.Method != strings.ToUpper(c.Method) || f.Code == nil || f.Code.After != c.After {
					t.Fatalf("page fix %+v", *f)
				}
				count(c, *f, refused)
				return
			}
			if up := strings.ToUpper(c.Method); up != c.Method && (f.Side != "both" || f.Request == nil || f.Request.Method != up) {
				t.Errorf("side %s, request %+v: want the method in upper case too", f.Side, f.Request)
			}
			if got, want := f.Server.Library, sc.Server.Library; got.Name != want.Name || got.Version != want.Version {
				t.Errorf("the fix's library is %s %q, want %s %q", got.Name, got.Version, want.Name, want.Version)
			}
			if title != "" && f.Title != title {
				t.Errorf("title %q, want %q", f.Title, title)
			}
			if f.Code == nil || f.Code.Language != s.Language {
				t.Fatalf("code %+v, want %s", f.Code, s.Language)
			}
			before := c.Before
			if s.AfterHolds {
				before = c.Config
			}
			if before != "" && f.Code.Before != before {
				t.Errorf("code before:\n%s\nwant:\n%s", f.Code.Before, before)
			}
			if s.AfterHolds && !strings.Contains(f.Code.After, c.After) || !s.AfterHolds && f.Code.After != c.After {
				t.Errorf("code after:\n%s\nwant (holding, for a web server):\n%s\nwhy: %q", f.Code.After, c.After, f.Why)
			}
			if f.Code.Before == f.Code.After {
				t.Errorf("the code does not change: %s", f.Code.Before)
			}
			s.checkWhy(t, c, *f)
			for _, ch := range f.Changes {
				if !strings.HasPrefix(ch.Field, "server.library.options.") && ch.Field != "request.method" {
					t.Errorf("the fix changes %s", ch.Field)
				}
			}
			if s.Check != nil {
				s.Check(t, c, sc, *f)
			}
			count(c, *f, refused)
		})
	}
	for k, least := range s.Kinds {
		if kinds[k] < least {
			t.Errorf("%d %s cases fixed, want at least %d (%v)", kinds[k], k, least, kinds)
		}
	}
	return len(cases)
}

func (s FixSuite) checkWhy(t *testing.T, c FixCase, f engine.Fix) {
	t.Helper()
	fields := 0
	for _, ch := range f.Changes {
		if ch.To != "" {
			fields++
		}
	}
	switch {
	case s.WhyCount == "each":
		ok := len(f.Why) == len(c.Why)
		for i := 0; ok && i < len(c.Why); i++ {
			ok = strings.Contains(f.Why[i], c.Why[i])
		}
		if !ok {
			t.Errorf("why %q\nwant one line with each of %q", f.Why, c.Why)
		}
		return
	case len(c.Why) > 1:
		t.Fatalf("%d why substrings, want one: the suite's WhyCount is not \"each\"", len(c.Why))
	case s.WhyCount == "changes" && len(f.Why) != len(f.Changes),
		s.WhyCount == "fields" && len(f.Why) < fields,
		len(f.Why) == 0:
		t.Errorf("%d why-lines for %d changes %+v (%d fields set): %q", len(f.Why), len(f.Changes), f.Changes, fields, f.Why)
	}
	if len(c.Why) == 1 && !slices.ContainsFunc(f.Why, func(w string) bool { return strings.Contains(w, c.Why[0]) }) {
		t.Errorf("no why-line says %q: %q", c.Why[0], f.Why)
	}
}

// NoSafeFix checks that a page whose origin is "null" (a sandboxed
// iframe, a file), never listed, gets no fix in the library's options for
// any of these options: nothing safe lets it through.
func (s FixSuite) NoSafeFix(t *testing.T, options ...string) {
	t.Helper()
	for _, opts := range options {
		c := FixCase{Method: "GET", Page: "null", Credentials: true}
		if err := json.Unmarshal([]byte(opts), &c.Options); err != nil {
			t.Fatal(err)
		}
		sc := s.Scenario(c)
		out := engine.Evaluate(sc)
		if out.Verdict != engine.Blocked {
			t.Fatalf("%s: verdict %s, want blocked", opts, out.Verdict)
		}
		if f, ok := LibraryFix(engine.Fixes(sc, out), ""); ok {
			t.Errorf("%s: a fix for the null origin: %s", opts, f.Code.After)
		}
	}
}

// InProgram is the Check of a Go library whose code is the configuration
// inside Export's program: the code before and after each stand in the
// program written for the options, and Import reads each back into a
// configuration Export writes alike.
func InProgram(library string) func(t *testing.T, c FixCase, s engine.Scenario, f engine.Fix) {
	return func(t *testing.T, c FixCase, s engine.Scenario, f engine.Fix) {
		t.Helper()
		lib, _ := server.Lookup(library, "")
		if !CommandParts(t, lib) {
			return
		}
		for _, side := range []struct {
			code string
			opts map[string]json.RawMessage
		}{{f.Code.Before, s.Server.Library.Options}, {f.Code.After, f.Apply(s).Server.Library.Options}} {
			code, err := lib.Export(side.opts, "/r")
			if err != nil || !strings.Contains(code, "\n\t"+strings.ReplaceAll(side.code, "\n", "\n\t")+"\n") {
				t.Errorf("code %q is not in the export (%v):\n%s", side.code, err, code)
			}
			got, err := lib.Import(side.code)
			if back, _ := lib.Export(got, "/r"); err != nil || back != code {
				t.Errorf("Import(%q) = %v, %v", side.code, got, err)
			}
		}
	}
}

// CommandParts reports whether l has its Export and Import: always in the
// command's build (the test fails otherwise); in the page's, a library
// may leave them to the command (its command.go), and the checks that
// need them run in the native run of the same suite.
func CommandParts(t *testing.T, l *server.Library) bool {
	t.Helper()
	if l.Export != nil && l.Import != nil {
		return true
	}
	if runtime.GOOS != "js" {
		t.Fatalf("%s has no Export or Import in the command's build", l.Name)
	}
	return false
}

// GoCode is the Check of a Go library whose code is its call: the code
// before and after are gofmt's, and the code after, imported, lets the
// request through.
func GoCode(library string) func(t *testing.T, c FixCase, s engine.Scenario, f engine.Fix) {
	return func(t *testing.T, c FixCase, s engine.Scenario, f engine.Fix) {
		t.Helper()
		for _, code := range []string{f.Code.Before, f.Code.After} {
			src := "package p\n\nvar _ = " + code + "\n"
			if b, err := format.Source([]byte(src)); err != nil || string(b) != src {
				t.Errorf("not gofmt's (%v):\n%s", err, b)
			}
		}
		l, _ := server.Lookup(library, "")
		if !CommandParts(t, l) {
			return
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
	}
}

// FirstWord is a Kind: "refused" for a configuration the library refuses,
// "upper-case method" for a fix that writes the method in upper case too,
// else the case's name up to its first space ("origin:").
func FirstWord(c FixCase, f engine.Fix, refused bool) string {
	switch {
	case refused:
		return "refused"
	case f.Request != nil:
		return "upper-case method"
	}
	return strings.Fields(c.Name)[0]
}

// Options reads a library's options written as JSON, for a case written
// in Go.
func Options(t *testing.T, text string) map[string]json.RawMessage {
	t.Helper()
	var o map[string]json.RawMessage
	if err := json.Unmarshal([]byte(text), &o); err != nil {
		t.Fatalf("%s: %v", text, err)
	}
	return o
}
