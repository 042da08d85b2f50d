//go:build linux

package libtest

import (
	"encoding/json"
	"net/url"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"corsplay/engine"
	"corsplay/engine/server"
	"corsplay/engine/server/servertest"
)

// The fixes in Flask-CORS 6.0.2's own options (flaskfix's, which 3.0.10
// shares), with the real 6.0.2: every blocked scenario of
// engine/server/flaskcors/testdata/fixes.json (the table TestFixes checks
// in the engine) is evaluated and its fix applied. The vendored 6.0.2, in
// flaskcors_server.py, then gets the requests the browser sends — before,
// to the user's configuration, and after, to the fixed one — and answers
// them line for line as the emulation does, and the engine, judging the
// real answers as a raw server, finds the request blocked before and
// allowed after. A configuration the library refuses fails with the
// emulation's words. And the fixed call, exactly as the fix prints it
// (Code.After), runs in the program Export writes around it, which answers
// as the emulation does.

// flask6Case is the request req to a server configured with opts.
func flask6Case(name string, opts map[string]json.RawMessage, req engine.HTTPRequest) flaskCase {
	o, _ := json.Marshal(opts)
	c := flaskCase{name: name, options: string(o), method: req.Method, path: "/r"}
	if u, err := url.Parse(req.URL); err == nil {
		c.path = u.RequestURI()
	}
	for _, h := range req.Headers {
		c.headers = append(c.headers, [2]string{h.Name, h.Value})
	}
	return c
}

// flask6RawServer is the real answers, as the engine judges a raw server.
func flask6RawServer(reqs []engine.HTTPRequest, answers []flask6Answer) *engine.RawServer {
	raw := &engine.RawServer{}
	for i, req := range reqs {
		a := engine.Response{Status: answers[i].Status}
		for _, l := range answers[i].Lines {
			name, value, _ := strings.Cut(l, ": ")
			a.Headers = append(a.Headers, engine.Header{Name: name, Value: value})
		}
		if engine.IsPreflight(req) {
			raw.Preflight = &a
		} else {
			raw.Actual = &a
		}
	}
	return raw
}

func TestFlaskCORS6Fixes(t *testing.T) {
	start := time.Now()
	dir := flask6Dir(t)
	h := startFlask6(t)
	lib, _ := server.Lookup("flask-cors", flask6Version)
	cases := servertest.ReadCases(t, filepath.Join("..", "engine", "server", "flaskcors", "testdata", "fixes.json"))
	suite := servertest.FixSuite{Page: "http://localhost:3000", URL: "https://api.example.com/r", Body: true}
	if len(cases) < 6 {
		t.Fatalf("%d cases in fixes.json, want at least 6", len(cases))
	}
	type side struct {
		name string
		s    engine.Scenario
		out  engine.Outcome
		want string
		reqs []flaskCase // the browser's requests, as flaskCases of s's options
	}
	type program struct {
		name string
		run  *flask6Program
		reqs []flaskCase
	}
	var sides []side
	var programs []program
	for _, c := range cases {
		s := suite.Scenario(c)
		// Every case against 6.0.2, the version this test runs.
		s.Server.Library = &engine.Library{Name: "flask-cors", Version: flask6Version, Options: c.Options}
		before := engine.Evaluate(s)
		var fix *engine.Fix
		for _, f := range before.Fixes {
			if f.Server != nil && f.Server.Library != nil {
				fix = &f
				break
			}
		}
		if fix == nil {
			t.Errorf("%s: no fix in the options (%s, %q)", c.Name, before.Verdict, before.NoSafeFix)
			continue
		}
		fixed := fix.Apply(s)
		after := engine.Evaluate(fixed)
		if after.Verdict != engine.Allowed {
			t.Errorf("%s: the fixed scenario is %s (%s)", c.Name, after.Verdict, after.Console)
			continue
		}
		for _, x := range []side{{name: c.Name + " (before)", s: s, out: before, want: engine.Blocked}, {name: c.Name + " (after)", s: fixed, out: after, want: engine.Allowed}} {
			opts := x.s.Server.Library.Options
			for _, req := range requests(x.out) {
				x.reqs = append(x.reqs, flask6Case(x.name+" "+req.Method, opts, req))
			}
			if x.out.ConfigError != "" { // nothing was sent: the GET the server would not answer
				x.reqs = []flaskCase{flask6Case(x.name, opts, engine.HTTPRequest{Method: "GET", URL: "https://api.example.com/r"})}
			}
			sides = append(sides, x)
		}
		// The fixed call as printed, in Export's program.
		code, err := lib.Export(fixed.Server.Library.Options, "/r")
		if err != nil || !strings.Contains(code, "\n"+fix.Code.After+"\n") {
			t.Errorf("%s: the exported program (%v) does not hold the fix's call\n%s\n%s", c.Name, err, fix.Code.After, code)
			continue
		}
		programs = append(programs, program{c.Name, startFlask6Program(t, dir, code), sides[len(sides)-1].reqs})
	}

	// The harness: the real 6.0.2 with each side's options, the browser's
	// requests, line for line.
	var all []flaskCase
	for _, x := range sides {
		all = append(all, x.reqs...)
	}
	reals := h.realAnswers(t, all)
	sent, refused, i := 0, 0, 0
	for _, x := range sides {
		rs, answers := reals[i:i+len(x.reqs)], []flask6Answer{}
		i += len(x.reqs)
		for j, q := range x.reqs {
			want, _, err := q.emulated6(t, flask6Version)
			if err != nil {
				t.Fatalf("%s: %v", q.name, err)
			}
			if real := rs[j].answer; real.String() != want.String() {
				t.Errorf("%s\n  options %s\n  %s %s %q\n  real:     %s\n  emulated: %s", x.name, q.options, q.method, q.reqPath(), q.headers, real, want)
			}
			answers = append(answers, rs[j].answer)
		}
		if x.out.ConfigError != "" {
			refused++
			if answers[0].ConfigError != x.out.ConfigError || x.want == engine.Allowed {
				t.Errorf("%s: the real library refuses the options with %q, the emulation with %q", x.name, answers[0].ConfigError, x.out.ConfigError)
			}
			continue
		}
		sent += len(x.reqs)
		judged := x.s.Clone()
		judged.Server = engine.Server{Raw: flask6RawServer(requests(x.out), answers)}
		if got := engine.Evaluate(judged); got.Verdict != x.want {
			t.Errorf("%s: against the real Flask-CORS the request is %s (%s), want %s", x.name, got.Verdict, got.Console, x.want)
		}
	}

	// The exported programs holding the fixed calls.
	ran := 0
	for _, p := range programs {
		if !p.run.wait() {
			t.Errorf("%s: the program with the fixed call did not listen:\n%s\n%s", p.name, p.run.out.String(), p.run.code)
			continue
		}
		for _, q := range p.reqs {
			real := p.run.send(t, q)
			if want, _, _ := q.emulated6(t, flask6Version); real.String() != want.String() {
				t.Errorf("%s: the fixed call's program\n%s\n  %s %q\n  program:  %s\n  emulated: %s", p.name, p.run.code, q.method, q.headers, real, want)
			}
			ran++
		}
	}
	t.Logf("%d fixes: %d requests sent to the real Flask-CORS 6.0.2 before and after, compared line for line and judged; %d configurations refused alike; %d fixed calls run in Export's program (%d requests); %v",
		len(sides)/2, sent, refused, len(programs), ran, time.Since(start).Round(time.Millisecond))
	if len(sides)/2 < 6 {
		t.Errorf("only %d fixes checked, want at least 6", len(sides)/2)
	}
}
