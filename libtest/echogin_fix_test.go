package libtest

import (
	"encoding/json"
	"net/http"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"corsplay/engine"
	"corsplay/engine/server"
	"corsplay/engine/server/servertest"
)

// The fixes in echo's and gin-contrib/cors's own options, with the real
// libraries: every blocked scenario of engine/server/<pkg>/testdata/
// fixes.json (the table TestFixes checks in the engine) is evaluated and
// its fix applied. The real middleware, configured from the same JSON
// options in this process, then gets the requests the browser sends —
// before, to the user's configuration, and after, to the fixed one — and
// answers them line for line as the emulation does, and the engine,
// judging the real answers as a raw server, finds the request blocked
// before and allowed after. A configuration gin-contrib/cors refuses
// panics with the emulation's words. And the fixed configuration, exactly
// as the fix prints it (Code.After), is what Export writes in its
// program: the programs are built and run, and answer the browser's
// requests as the emulation does, which the engine judges allowed.

func TestEchoCorsFixes(t *testing.T) {
	egFixes(t, "echo-cors", "v4.16.6", "echocors", func(options string) (http.Handler, string, error) {
		h, err := echoReal(options)
		return h, "", err
	})
}

func TestGinCorsFixes(t *testing.T) { egFixes(t, "gin-cors", "v1.7.7", "gincors", ginReal) }

// egJudge has the engine judge real answers to s's requests as a raw
// server's.
func egJudge(s engine.Scenario, reqs []engine.HTTPRequest, answers []egAnswer) engine.Outcome {
	raw := &engine.RawServer{}
	for i, req := range reqs {
		a := &engine.Response{Status: answers[i].status, Headers: answers[i].headers}
		if engine.IsPreflight(req) {
			raw.Preflight = a
		} else {
			raw.Actual = a
		}
	}
	s = s.Clone()
	s.Server = engine.Server{Raw: raw}
	return engine.Evaluate(s)
}

// egFixes runs the fixes of lib's fixes.json with the real library;
// real builds its app from options (panicked: cors.New's panic).
func egFixes(t *testing.T, lib, version, pkg string, real func(options string) (h http.Handler, panicked string, err error)) {
	start := time.Now()
	cases := servertest.ReadCases(t, filepath.Join("..", "engine", "server", pkg, "testdata", "fixes.json"))
	suite := servertest.FixSuite{Library: lib, Version: version, Page: "https://app.example.com", URL: "https://api.example.com/r", Body: true}
	srv := egStart(t)
	library, _ := server.Lookup(lib, "")
	type program struct {
		name, call string
		s          engine.Scenario
		reqs       []engine.HTTPRequest
	}
	var programs []program
	var codes []string
	fixes, sent, refused := 0, 0, 0
	for _, c := range cases {
		s := suite.Scenario(c)
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
		fixes++
		for _, side := range []struct {
			label string
			s     engine.Scenario
			out   engine.Outcome
			want  string
		}{{"before", s, before, engine.Blocked}, {"after", fixed, after, engine.Allowed}} {
			opts, _ := json.Marshal(side.s.Server.Library.Options)
			h, panicked, err := real(string(opts))
			if err != nil {
				t.Fatalf("%s (%s): the real decoding refuses %s: %v", c.Name, side.label, opts, err)
			}
			if panicked != "" || side.out.ConfigError != "" {
				refused++
				if side.label == "after" || panicked != side.out.ConfigError {
					t.Errorf("%s (%s) %s: cors.New panics with %q, the engine refuses it with %q", c.Name, side.label, opts, panicked, side.out.ConfigError)
				}
				continue
			}
			reqs := requests(side.out)
			var answers []egAnswer
			for _, req := range reqs {
				sent++
				a := srv.ask(t, h, req)
				answers = append(answers, a)
				resp, err := engine.Server{Library: side.s.Server.Library}.Respond(req)
				if err != nil {
					t.Fatalf("%s (%s): %v", c.Name, side.label, err)
				}
				if g := egEngine(resp); !egSame(g, a) {
					t.Errorf("%s (%s) %s, %s:\n  engine  %s\n  library %s", c.Name, side.label, opts, egDescribe(req), g, a)
				}
			}
			if got := egJudge(side.s, reqs, answers); got.Verdict != side.want {
				t.Errorf("%s (%s): against the real library the request is %s (%s), want %s", c.Name, side.label, got.Verdict, got.Console, side.want)
			}
		}
		// The fixed configuration as printed, in Export's program.
		code, err := library.Export(fixed.Server.Library.Options, "/r")
		if err != nil || !strings.Contains(code, "\n\t"+strings.ReplaceAll(fix.Code.After, "\n", "\n\t")+"\n") {
			t.Errorf("%s: the exported program (%v) does not hold the fix's code\n%s\n%s", c.Name, err, fix.Code.After, code)
			continue
		}
		programs = append(programs, program{c.Name, fix.Code.After, fixed, requests(after)})
		codes = append(codes, code)
	}
	bin := egBuild(t, codes)
	for i, p := range programs {
		addr, exited := egRun(t, bin, i)
		if exited != "" {
			t.Errorf("%s: the fixed program exited: %s", p.name, exited)
			continue
		}
		var answers []egAnswer
		for _, req := range p.reqs {
			a := egAsk(t, addr, req)
			answers = append(answers, a)
			resp, _ := engine.Server{Library: p.s.Server.Library}.Respond(req)
			if g := egEngine(resp); !egSame(g, a) {
				t.Errorf("%s: the fixed program\n%s\n  %s:\n  engine  %s\n  program %s", p.name, p.call, egDescribe(req), g, a)
			}
		}
		if got := egJudge(p.s, p.reqs, answers); got.Verdict != engine.Allowed {
			t.Errorf("%s: against the fixed program the request is %s (%s)", p.name, got.Verdict, got.Console)
		}
	}
	t.Logf("%s: %d fixes: %d requests sent to the real middleware before and after, compared line for line and judged; %d configurations refused alike; %d fixed configurations run in Export's program; %v",
		lib, fixes, sent, refused, len(programs), time.Since(start).Round(time.Millisecond))
	if fixes < 6 || len(programs) != fixes {
		t.Errorf("%d fixes checked, %d programs run: want at least 6, each run", fixes, len(programs))
	}
}
