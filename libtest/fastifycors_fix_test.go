package libtest

import (
	"bufio"
	"encoding/json"
	"errors"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"corsplay/engine"
	"corsplay/engine/server"
	"corsplay/engine/server/servertest"
)

// The fixes in @fastify/cors's own options, with the real library: every
// blocked scenario of engine/server/fastifycors/testdata/fixes.json (the
// table TestFixes checks in the engine) is evaluated, and its fix applied.
// The real plugin, in fastifycors_server.js, then gets the requests the
// browser sends — before, to the user's configuration, and after, to the
// fixed one — and answers them line for line as the emulation does, and
// the engine, judging the real answers as a raw server, finds the request
// blocked before and allowed after. A configuration the plugin refuses
// fails in node with the emulation's words. And the fixed call, exactly as
// the fix prints it (Code.After), is what Export writes in its program:
// that program runs under node and answers as the emulation does.

func TestFastifyCorsFixes(t *testing.T) {
	start := time.Now()
	h := fcStart(t)
	node := fcNode(t)
	lib, _ := server.Lookup("fastify-cors", "")
	modules, err := filepath.Abs(filepath.Join("..", "node_modules"))
	if err != nil {
		t.Fatal(err)
	}
	cases := servertest.ReadCases(t, filepath.Join("..", "engine", "server", "fastifycors", "testdata", "fixes.json"))
	suite := servertest.FixSuite{Library: "fastify-cors", Version: "11.4.3", Page: "http://localhost:3000", URL: "https://api.example.com/r", Body: true}
	if len(cases) < 6 {
		t.Fatalf("%d cases in fixes.json, want at least 6", len(cases))
	}
	type program struct {
		name, app, call string
		lib             *engine.Library
		reqs            []engine.HTTPRequest
	}
	var programs []program
	fixes, refused, sent := 0, 0, 0
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
		fixes++
		fixed := fix.Apply(s)
		after := engine.Evaluate(fixed)
		if after.Verdict != engine.Allowed {
			t.Errorf("%s: the fixed scenario is %s (%s)", c.Name, after.Verdict, after.Console)
			continue
		}
		for _, side := range []struct {
			label string
			s     engine.Scenario
			out   engine.Outcome
			want  string
		}{{"before", s, before, engine.Blocked}, {"after", fixed, after, engine.Allowed}} {
			opts, _ := json.Marshal(side.s.Server.Library.Options)
			id, jsErr := h.configure(t, string(opts))
			srv := engine.Server{Library: side.s.Server.Library}
			if jsErr != "" || side.out.ConfigError != "" {
				// The plugin refuses it: node with the emulation's words.
				refused++
				_, err := srv.Respond(nodeGet("GET", fcA))
				var ce *engine.ConfigError
				if side.label == "after" || !errors.As(err, &ce) || ce.Message != jsErr {
					t.Errorf("%s (%s) %s: node refuses it with %q, the engine: %v", c.Name, side.label, opts, jsErr, err)
				}
				continue
			}
			raw := &engine.RawServer{}
			for _, req := range requests(side.out) {
				sent++
				real := h.send(t, id, req)
				resp, err := srv.Respond(req)
				if err != nil {
					t.Fatalf("%s (%s): %v", c.Name, side.label, err)
				}
				if emu := emulated(resp); real.String() != emu.String() {
					t.Errorf("%s (%s) %s\n  %s\n  real:     %v\n  emulated: %v", c.Name, side.label, opts, describe(req), real, emu)
				}
				a := engine.Response{Status: real.Status}
				for _, l := range real.Lines {
					name, value, _ := strings.Cut(l, ": ")
					a.Headers = append(a.Headers, engine.Header{Name: name, Value: value})
				}
				if engine.IsPreflight(req) {
					raw.Preflight = &a
				} else {
					raw.Actual = &a
				}
			}
			judged := side.s.Clone()
			judged.Server = engine.Server{Raw: raw}
			if got := engine.Evaluate(judged); got.Verdict != side.want {
				t.Errorf("%s (%s): against the real plugin the request is %s (%s), want %s", c.Name, side.label, got.Verdict, got.Console, side.want)
			}
		}

		// The fixed call as printed, in Export's program.
		if len(lib.Fixer.Unknown(fixed.Server.Library.Options)) > 0 {
			continue // Export leaves out an option the plugin ignores
		}
		code, err := lib.Export(fixed.Server.Library.Options, "/r")
		_, app, ok := strings.Cut(code, "const fastify = Fastify()\n")
		app, _, ok2 := strings.Cut(app, "fastify.listen(")
		if err != nil || !ok || !ok2 || !strings.Contains(app, "\n"+fix.Code.After+"\n") {
			t.Errorf("%s: the exported program (%v) does not hold the fix's call\n%s\n%s", c.Name, err, fix.Code.After, code)
			continue
		}
		programs = append(programs, program{c.Name, app, fix.Code.After, fixed.Server.Library, requests(after)})
	}

	// One node process runs every exported app (the fix's call and the
	// route as Export writes them) on its own port, which it prints.
	js := "'use strict'\nconst Fastify = require('fastify')\nconst cors = require('@fastify/cors')\nconst ports = []\n;(async () => {\n"
	for _, p := range programs {
		js += "{\nconst fastify = Fastify()\n" + p.app + "await fastify.listen({ host: '127.0.0.1', port: 0 })\nports.push(fastify.server.address().port)\n}\n"
	}
	js += "console.log(ports.join(' '))\n})().catch((err) => { console.error(err.message); process.exit(1) })\n"
	file := filepath.Join(t.TempDir(), "fixes.js")
	if err := os.WriteFile(file, []byte(js), 0o644); err != nil {
		t.Fatal(err)
	}
	cmd := exec.Command(node, file)
	cmd.Env = append(os.Environ(), "NODE_PATH="+modules)
	cmd.Stderr = os.Stderr
	stdout, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		cmd.Process.Kill()
		cmd.Wait()
	})
	line := make(chan string, 1)
	go func() {
		l, _ := bufio.NewReader(stdout).ReadString('\n')
		line <- l
	}()
	var ports []string
	select {
	case l := <-line:
		ports = strings.Fields(l)
	case <-time.After(20 * time.Second):
	}
	if len(ports) != len(programs) {
		t.Fatalf("the fixed apps listen on %q, want %d ports\n%s", ports, len(programs), js)
	}
	for i, p := range programs {
		addr := "127.0.0.1:" + ports[i]
		for _, req := range p.reqs {
			real := fcAsk(t, addr, "", req)
			resp, _ := engine.Server{Library: p.lib}.Respond(req)
			if emu := emulated(resp); real.String() != emu.String() {
				t.Errorf("%s: the fixed app\n%s\n  %s\n  program:  %v\n  emulated: %v", p.name, p.call, describe(req), real, emu)
			}
		}
	}
	t.Logf("%d fixes: %d requests sent to the real plugin before and after, compared line for line and judged; %d configurations refused alike; %d fixed calls run in Export's program; %v",
		fixes, sent, refused, len(programs), time.Since(start).Round(time.Millisecond))
	if fixes < 6 {
		t.Errorf("only %d fixes checked, want at least 6", fixes)
	}
}
