package engine_test

import (
	"encoding/json"
	"errors"
	"runtime"
	"slices"
	"strconv"
	"strings"
	"testing"

	"corsplay/engine"
	"corsplay/engine/message"
	"corsplay/engine/server"
)

// A library of engine/server's registry as the engine sees it: a small
// stand-in ("test-list-cors", two versions) that echoes the origins it
// lists, with a summary and a fixer, proves the engine's side of the
// interface: version selection, errors with their field paths, answers,
// the lint through Summarize and the fixes through Fixer.

type listCORS struct {
	origins     []string
	credentials bool
	v2          bool // version 2 also sends Vary: Origin
}

func (c listCORS) Respond(r message.Request) message.Response {
	origin, _ := r.Headers.Get("Origin")
	if !slices.Contains(c.origins, origin) && !slices.Contains(c.origins, "*") {
		return message.Response{Status: 200}
	}
	hs := message.Headers{{Name: "Access-Control-Allow-Origin", Value: origin}}
	if c.credentials {
		hs = append(hs, message.Header{Name: "Access-Control-Allow-Credentials", Value: "true"})
	}
	if c.v2 {
		hs = append(hs, message.Header{Name: "Vary", Value: "Origin"})
	}
	if r.Method == "OPTIONS" {
		return message.Response{Status: 204, Headers: append(hs, message.Header{Name: "Access-Control-Allow-Methods", Value: "GET, POST, PUT"})}
	}
	return message.Response{Status: 200, Headers: hs}
}

func (listCORS) Warnings() []string { return nil }

func newListCORS(v2 bool) func(map[string]json.RawMessage) (server.Emulation, error) {
	return func(opts map[string]json.RawMessage) (server.Emulation, error) {
		o := server.NewOptions(opts)
		var c listCORS
		o.Get("origins", "a list of strings", &c.origins)
		o.Get("credentials", "a boolean", &c.credentials)
		if err := o.Err(); err != nil {
			return nil, err
		}
		if u := o.Unknown(); len(u) > 0 {
			return nil, &server.ConfigError{Library: "test-list-cors", Message: "unknown option " + u[0]}
		}
		c.v2 = v2
		return c, nil
	}
}

func listSummary(opts map[string]json.RawMessage) server.Summary {
	var sum server.Summary
	var origins []string
	json.Unmarshal(opts["origins"], &origins)
	json.Unmarshal(opts["credentials"], &sum.Credentials)
	for _, o := range origins {
		switch {
		case o == "*":
			sum.AnyOrigin, sum.AnyEntry = "reflect", `"*"`
		case strings.Contains(o, "*"):
			sum.Flagged = append(sum.Flagged, server.Flagged{Entry: o, Title: "A wildcard is plain text to list-cors: " + o,
				Detail: "list-cors compares each entry with the Origin exactly.", Fix: "List the origins.",
				Intended: strings.Replace(o, "*", "app", 1)})
		default:
			sum.Origins = append(sum.Origins, server.Entry{Written: o, Policy: o})
		}
	}
	return sum
}

var listFixer = &server.Fixer{
	Language: "python",
	Options:  []string{"origins", "credentials"},
	Origin: func(e *server.Edit, n server.Need) {
		var list []string
		if e.Value("origins", &list); !slices.Contains(list, n.Page) {
			e.Add("origins", n.Page)
			e.Note("the origin "+n.Page, "", "origins does not list it.")
		}
	},
	Credentials: func(e *server.Edit, n server.Need) {
		if !e.Has("credentials") {
			e.Set("credentials", true)
			e.Note("credentials (cookies)", "", "credentials is off.")
		}
	},
	Method:  func(*server.Edit, server.Need) {},
	Headers: func(*server.Edit, server.Need) {},
	Call: func(opts []server.Opt) string {
		var parts []string
		for _, o := range opts {
			parts = append(parts, o.Name+"="+string(o.Raw))
		}
		return "listcors(" + strings.Join(parts, ", ") + ")"
	},
}

func init() {
	server.Register(&server.Library{Name: "test-list-cors", Version: "2", Default: true, Title: "list-cors", Language: "Python",
		OriginsOption: "origins", New: newListCORS(true), Summarize: listSummary, Fixer: listFixer,
		Export: func(opts map[string]json.RawMessage, route string) (string, error) {
			route, err := server.CheckRoute(route, ":", "list-cors")
			if err != nil {
				return "", err
			}
			return "serve(listcors(origins=" + string(opts["origins"]) + "), route=" + strconv.Quote(route) + ")\n", nil
		},
		Import: func(text string) (map[string]json.RawMessage, error) {
			list, ok := strings.CutPrefix(text, "origins=")
			if !ok {
				return nil, &engine.FieldError{Field: "config", Problem: "line 1: want origins=..."}
			}
			b, _ := json.Marshal(strings.Split(list, ","))
			return map[string]json.RawMessage{"origins": b}, nil
		}})
	server.Register(&server.Library{Name: "test-list-cors", Version: "1", Title: "list-cors", Language: "Python",
		OriginsOption: "origins", New: newListCORS(false)})
}

func TestRegisteredLibraryAnswers(t *testing.T) {
	req := engine.HTTPRequest{Method: "GET", URL: "https://api.example.com/r", Headers: engine.Headers{{Name: "Origin", Value: "https://app.example.com"}}}
	for _, tt := range []struct {
		version, options string
		want             string // the answer's lines, or the error
	}{
		{"", `{"origins": ["https://app.example.com"]}`, "200 [Access-Control-Allow-Origin: https://app.example.com] [Vary: Origin]"},
		{"2", `{"origins": ["https://app.example.com"]}`, "200 [Access-Control-Allow-Origin: https://app.example.com] [Vary: Origin]"},
		{"1", `{"origins": ["https://app.example.com"]}`, "200 [Access-Control-Allow-Origin: https://app.example.com]"},
		{"", `{"origins": ["https://other.example"]}`, "200"},
		{"3", `{}`, `server.library.version: corsplay emulates test-list-cors in version 2 and 1, not "3"`},
		{"", `{"origins": "https://app.example.com"}`, `server.library.options.origins: "https://app.example.com" is not a list of strings`},
		{"", `{"origin": []}`, "test-list-cors refuses this configuration: unknown option origin"},
	} {
		var opts map[string]json.RawMessage
		json.Unmarshal([]byte(tt.options), &opts)
		resp, err := engine.Server{Library: &engine.Library{Name: "test-list-cors", Version: tt.version, Options: opts}}.Respond(req)
		got := ""
		if err != nil {
			got = err.Error()
		} else {
			got = strings.TrimSpace(strings.Join(append([]string{itoa(resp.Status)}, lines(resp.Headers)...), " "))
		}
		if got != tt.want {
			t.Errorf("version %q %s: got %s, want %s", tt.version, tt.options, got, tt.want)
		}
	}
	var ce *engine.ConfigError
	_, err := engine.Server{Library: &engine.Library{Name: "test-list-cors", Options: map[string]json.RawMessage{"x": json.RawMessage(`1`)}}}.Respond(req)
	if !errors.As(err, &ce) {
		t.Errorf("a refused configuration is %T, want *engine.ConfigError", err)
	}
	if !slices.Contains(engine.LibraryNames(), "test-list-cors") {
		t.Error("LibraryNames does not list the registered library")
	}
}

func itoa(n int) string { b, _ := json.Marshal(n); return string(b) }

func lines(hs engine.Headers) []string {
	var out []string
	for _, h := range hs {
		out = append(out, "["+h.Name+": "+h.Value+"]")
	}
	return out
}

// TestRegisteredLibraryAdvice: the lint reads the library through its
// Summarize, and the fixes repair its own options through its Fixer.
func TestRegisteredLibraryAdvice(t *testing.T) {
	s := libScenario(t, "test-list-cors", `{"origins": ["https://other.example", "null"]}`)
	var ids []string
	for _, f := range engine.Lint(s) {
		ids = append(ids, f.ID)
		if f.ID == "ORIGIN-004" && !strings.Contains(f.Detail+f.Title, "list-cors") {
			t.Errorf("ORIGIN-004 does not name the library by its title: %+v", f)
		}
	}
	if !slices.Contains(ids, "ORIGIN-004") {
		t.Errorf("a listed null origin: findings %q, want ORIGIN-004", ids)
	}
	for _, tt := range []struct {
		options, id, severity, mentions string
	}{
		{`{"origins": ["*"], "credentials": true}`, "ORIGIN-002", engine.SeverityDanger, `origins is "*": list-cors copies the request's Origin`},
		{`{"origins": ["*"]}`, "ORIGIN-003", engine.SeverityWarning, "list-cors reflects any origin"},
		{`{"origins": ["https://*.example.com"]}`, "ORIGIN-016", engine.SeverityError, "A wildcard is plain text to list-cors"},
	} {
		var got *engine.Finding
		for _, f := range engine.Lint(libScenario(t, "test-list-cors", tt.options)) {
			if f.ID == tt.id {
				got = &f
			}
		}
		if got == nil || got.Severity != tt.severity || !strings.Contains(got.Title+" "+got.Detail, tt.mentions) {
			t.Errorf("%s: %s = %+v, want %s mentioning %q", tt.options, tt.id, got, tt.severity, tt.mentions)
		}
	}

	s = libScenario(t, "test-list-cors", `{"origins": ["https://other.example"]}`)
	out := engine.Evaluate(s)
	if out.Verdict == "allowed" {
		t.Fatalf("the page's origin is not listed, yet %s", out.Verdict)
	}
	var fix *engine.Fix
	for _, f := range engine.Fixes(s, out) {
		if f.Side == "server" && f.Server != nil && f.Server.Library != nil {
			fix = &f
			break
		}
	}
	if fix == nil {
		t.Fatal("no fix in the library's options")
	}
	if fix.Code == nil || fix.Code.After != `listcors(origins=["https://other.example","https://app.example.com"], credentials=true)` {
		t.Errorf("fix code = %+v", fix.Code)
	}
	if fix.Server.Library.Version != s.Server.Library.Version {
		t.Errorf("the fix changed the library's version to %q", fix.Server.Library.Version)
	}
	fixed := s.Clone()
	fixed.Server = *fix.Server
	if v := engine.Evaluate(fixed).Verdict; v != "allowed" {
		t.Errorf("the fixed options give %s", v)
	}
}

// TestEveryRegisteredLibraryIsComplete: each library of engine/server's
// registry brings every part issue 16 asks of it, so that the page, the
// lint, the fixes, export and import speak it. The page's build leaves out
// the program and the text reader of codeInCommand's libraries (app.wasm's
// size budget): the command carries them.
func TestEveryRegisteredLibraryIsComplete(t *testing.T) {
	for _, l := range server.All() {
		inCommand := runtime.GOOS == "js" && slices.Contains(codeInCommand, l.Name)
		var missing []string
		for part, ok := range map[string]bool{
			"Title": l.Title != "", "Language": l.Language != "", "Call": l.Call != "", "OriginsOption": l.OriginsOption != "",
			"Options": len(l.Options) > 0, "Quirks": len(l.Quirks) > 0, "New": l.New != nil, "Summarize": l.Summarize != nil,
			"Fixer": l.Fixer != nil, "Export": l.Export != nil || inCommand, "Import": l.Import != nil || inCommand,
		} {
			if !ok && !strings.HasPrefix(l.Name, "test-") {
				missing = append(missing, part)
			}
		}
		slices.Sort(missing)
		if len(missing) > 0 {
			t.Errorf("%s %s has no %s", l.Name, l.Version, strings.Join(missing, ", "))
		}
	}
}

// codeInCommand are the libraries whose Export and Import only the
// command's build carries (each one's command.go).
var codeInCommand = []string{"echo-cors", "express-cors", "fastify-cors", "gin-cors", "go-chi-cors", "gorilla-handlers", "hono-cors", "jub0bs-cors", "koa-cors", "rack-cors", "rs-cors"}

// TestRegisteredLibraryConfigText: a library's own configuration text in
// (ImportConfig) and out (Program), within the input limit.
func TestRegisteredLibraryConfigText(t *testing.T) {
	l := engine.Library{Name: "test-list-cors"}
	noText := engine.Library{Name: "test-list-cors", Version: "1"} // no Import, no Export
	if !l.ReadsConfig() || noText.ReadsConfig() {
		t.Error("ReadsConfig: want true for the registered library only")
	}
	got, err := l.ImportConfig("origins=https://a.example,https://b.example")
	if err != nil || string(got.Options["origins"]) != `["https://a.example","https://b.example"]` || got.Name != l.Name {
		t.Errorf("ImportConfig = %+v, %v", got, err)
	}
	if prog, err := got.Program("/items"); err != nil || prog != `serve(listcors(origins=["https://a.example","https://b.example"]), route="/items")`+"\n" {
		t.Errorf("Program = %q, %v", prog, err)
	}
	var fe *engine.FieldError
	if _, err := got.Program("/items/:id"); !errors.As(err, &fe) || fe.Field != "request.url" || !strings.Contains(fe.Problem, `"/items/:id" holds ":"`) {
		t.Errorf("Program of a route read as a pattern: %v", err)
	}
	if _, err := l.ImportConfig("allow all"); err == nil || err.Error() != "config: line 1: want origins=..." {
		t.Errorf("ImportConfig of other text: %v", err)
	}
	if _, err := l.ImportConfig("origins=" + strings.Repeat("a", engine.MaxInputBytes)); err == nil || !strings.Contains(err.Error(), "at most") {
		t.Errorf("ImportConfig over the limit: %v", err)
	}
	if _, err := l.ImportConfig("origins=" + strings.Repeat("a", engine.MaxInputBytes-len("origins="))); err != nil {
		t.Errorf("ImportConfig at the limit: %v", err)
	}
	if _, err := noText.ImportConfig("origins=https://a.example"); err == nil {
		t.Error("ImportConfig for a library without Import: no error")
	}
	if prog, err := noText.Program("/r"); prog != "" || err != nil {
		t.Errorf("Program of a library without Export = %q, %v", prog, err)
	}
}
