//go:build linux

package libtest

import (
	"encoding/json"
	"net/http"
	"os"
	"sort"
	"strconv"
	"strings"
	"testing"
	"time"

	"corsplay/engine"
)

// The fixes in go-chi/cors's and gorilla/handlers's own options, with the
// real libraries. For each fix of the cases the engine tests
// (engine/server/<pkg>/testdata/fixes.json), both the blocked and the fixed
// configuration run for real, twice: as JSON options in the differential
// harness (cgStart), and as the fix's code itself — its Code.Before and
// Code.After as printed — compiled into one program per library. Each
// answers the requests the browser sends it (the outcome's preflight and
// actual request) exactly as the emulation, status and every header line,
// and the engine judging the real answers (a raw server) finds the request
// blocked before and allowed after.

func TestGoChiCorsFixes(t *testing.T) {
	t.Parallel()
	cgFixes(t, "go-chi-cors", "gochicors", chiReal, "github.com/go-chi/cors")
}

func TestGorillaHandlersFixes(t *testing.T) {
	t.Parallel()
	cgFixes(t, "gorilla-handlers", "gorillahandlers", gorillaReal, "github.com/gorilla/handlers")
}

// cgFixCase is a case of testdata/fixes.json (as the engine test reads it).
type cgFixCase struct {
	Name        string
	Options     map[string]json.RawMessage
	Version     string
	Page        string
	Method      string
	Headers     map[string]string
	Credentials bool
	After       string
	PageOnly    bool
}

// cgSide is one configuration of a fix, blocked or fixed, with the
// requests the browser sends it and the verdict.
type cgSide struct {
	label   string
	s       engine.Scenario
	reqs    []engine.HTTPRequest
	verdict string
	code    string // the library's call; "" for a page-only fix
}

func cgFixes(t *testing.T, lib, pkg string, real func(string) (http.Handler, error), module string) {
	start := time.Now()
	text, err := os.ReadFile("../engine/server/" + pkg + "/testdata/fixes.json")
	if err != nil {
		t.Fatal(err)
	}
	var cases []cgFixCase
	if err := json.Unmarshal(text, &cases); err != nil {
		t.Fatal(err)
	}
	var sides []cgSide
	for _, c := range cases {
		if c.After == "" {
			continue // no fix is offered (the engine test checks it)
		}
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
		before := engine.Evaluate(s)
		var f *engine.Fix
		for i, g := range before.Fixes {
			if g.Server != nil && g.Server.Library != nil || c.PageOnly && g.Title == "Send the method in upper case" {
				f = &before.Fixes[i]
				break
			}
		}
		if before.Verdict != engine.Blocked || f == nil {
			t.Errorf("%s: %s with %d fixes, want blocked with a fix", c.Name, before.Verdict, len(before.Fixes))
			continue
		}
		fixed := f.Apply(s)
		after := engine.Evaluate(fixed)
		b, a := cgSide{c.Name + " (blocked)", s, requests(before), engine.Blocked, ""}, cgSide{c.Name + " (fixed)", fixed, requests(after), engine.Allowed, ""}
		if f.Server != nil {
			b.code, a.code = f.Code.Before, f.Code.After
		}
		sides = append(sides, b, a)
	}

	// The JSON options, in the differential harness.
	pairs := 0
	for _, side := range sides {
		opts, _ := json.Marshal(side.s.Server.Library.Options)
		h, err := real(string(opts))
		if err != nil {
			t.Errorf("%s: the real library does not take %s: %v", side.label, opts, err)
			continue
		}
		srv := cgStart(h)
		var answers []cgAnswer
		for _, req := range side.reqs {
			answers = append(answers, srv.do(t, req))
		}
		srv.close()
		cgJudge(t, side, "options "+string(opts), answers)
		pairs += len(side.reqs)
	}

	// The fix's code, in one program: the i-th call serves /i/.
	var calls []string
	var runs []cgSide
	var reqs []engine.HTTPRequest
	for _, side := range sides {
		if side.code == "" {
			continue
		}
		path := "http://localhost/" + strconv.Itoa(len(calls)) + "/r"
		calls = append(calls, "\t\t"+strings.ReplaceAll(side.code, "\n", "\n\t\t")+",\n")
		for _, req := range side.reqs {
			req.URL = path
			reqs = append(reqs, req)
		}
		runs = append(runs, side)
	}
	program := "package main\n\nimport (\n\t\"log\"\n\t\"net/http\"\n\t\"strconv\"\n\n\t\"" + module + "\"\n)\n\nfunc main() {\n" +
		"\tok := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { w.Write([]byte(\"ok\")) })\n" +
		"\tmux := http.NewServeMux()\n\tfor i, mw := range []func(http.Handler) http.Handler{\n" + strings.Join(calls, "") +
		"\t} {\n\t\tmux.Handle(\"/\"+strconv.Itoa(i)+\"/\", mw(ok))\n\t}\n" +
		"\tlog.Fatal(http.ListenAndServe(\"localhost:8080\", mux))\n}\n"
	answers := cgExportRun(t, program, reqs)
	for _, side := range runs {
		cgJudge(t, side, "code\n"+side.code, answers[:len(side.reqs)])
		answers = answers[len(side.reqs):]
	}
	if len(sides) < 12 || len(runs) < 12 {
		t.Errorf("%d configurations, %d run as code: want at least 12 of each (6 fixes)", len(sides), len(runs))
	}
	t.Logf("%s: %d fixes, blocked and fixed, as options (%d requests) and as the code printed (%d calls in one program), in %v",
		lib, len(sides)/2, pairs, len(runs), time.Since(start).Round(time.Millisecond))
}

// cgJudge compares the real answers to the side's requests with the
// emulation's, and has the engine judge them as a raw server.
func cgJudge(t *testing.T, side cgSide, what string, answers []cgAnswer) {
	t.Helper()
	raw := &engine.RawServer{}
	for i, req := range side.reqs {
		emu, err := engine.Server{Library: side.s.Server.Library}.Respond(req)
		if err != nil {
			t.Fatalf("%s: %v", side.label, err)
		}
		if got := cgEngineAnswer(emu); got.String() != answers[i].String() {
			t.Errorf("%s, %s\n  %s\n  real:     %v\n  emulated: %v", side.label, what, cgDescribe(req), answers[i], got)
		}
		resp := &engine.Response{Status: answers[i].Status}
		for _, l := range answers[i].Lines {
			name, value, _ := strings.Cut(l, ": ")
			resp.Headers = append(resp.Headers, engine.Header{Name: name, Value: value})
		}
		if engine.IsPreflight(req) {
			raw.Preflight = resp
		} else {
			raw.Actual = resp
		}
	}
	s := side.s.Clone()
	s.Server = engine.Server{Raw: raw}
	if got := engine.Evaluate(s); got.Verdict != side.verdict {
		t.Errorf("%s, %s: the real answers are %s (%s), want %s", side.label, what, got.Verdict, got.Console, side.verdict)
	}
}
