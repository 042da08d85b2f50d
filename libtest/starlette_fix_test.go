package libtest

import (
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"corsplay/engine"
	"corsplay/engine/server"
)

// TestStarletteFixes proves the "starlette" library's fixes with the real
// Starlette 0.26.1. For each case of engine/server/starlette's fix table
// (testdata/fixes.json) the engine's fix is applied, and
//
//   - the real CORSMiddleware (starlette_server.py) answers the requests the
//     browser sends, blocked and fixed (engine.Evaluate's Preflight and
//     Actual requests), exactly as the emulation: status and every header
//     line; a refused configuration with the same TypeError;
//   - the fix's code itself, app.add_middleware(CORSMiddleware, ...) as
//     printed before and after, runs in a Starlette app under uvicorn and
//     answers those requests as the emulation does;
//   - the engine, judging the real answers as a raw server, says blocked
//     before and allowed after.
func TestStarletteFixes(t *testing.T) {
	began := time.Now()
	if out, err := exec.Command(slPython, "-c", "import starlette, uvicorn").CombinedOutput(); err != nil {
		t.Fatalf("the fixes' programs need starlette and uvicorn under %s (%v: %s): install them with `apt-get install python3-starlette python3-uvicorn`", slPython, err, out)
	}
	h := startStarletteHarness(t)
	b, err := os.ReadFile("../engine/server/starlette/testdata/fixes.json")
	if err != nil {
		t.Fatal(err)
	}
	var cases []struct {
		Name     string
		Scenario engine.Scenario
	}
	if err := json.Unmarshal(b, &cases); err != nil {
		t.Fatal(err)
	}
	l, _ := server.Lookup("starlette", "")

	// side is one configuration of a case, blocked or fixed, with the
	// requests the browser sends it and the code that configures it.
	type side struct {
		label, code string
		s           engine.Scenario
		out         engine.Outcome
		reqs        []engine.HTTPRequest
	}
	var sides []*side
	for _, c := range cases {
		s := c.Scenario
		before := engine.Evaluate(s)
		var f *engine.Fix
		for i, x := range before.Fixes {
			if x.Code != nil && (x.Server != nil && x.Server.Library != nil || x.Side == "page") {
				f = &before.Fixes[i]
				break
			}
		}
		if f == nil {
			t.Errorf("%s: no fix in the library's options (%s, %q)", c.Name, before.Verdict, before.NoSafeFix)
			continue
		}
		fixed := f.Apply(s)
		after := engine.Evaluate(fixed)
		if after.Verdict != engine.Allowed {
			t.Errorf("%s: the fixed scenario is %s (%s)", c.Name, after.Verdict, after.Console)
			continue
		}
		b, a := &side{label: c.Name + " (blocked)", s: s, out: before}, &side{label: c.Name + " (fixed)", s: fixed, out: after}
		for _, x := range []*side{b, a} {
			x.reqs = slBrowserRequests(x.s, x.out)
			x.code = l.Fixer.Call(slOpts(x.s.Server.Library.Options))
		}
		if f.Code.Language == "python" {
			b.code, a.code = f.Code.Before, f.Code.After
		}
		if before.ConfigError != "" {
			b.reqs = a.reqs // nothing was sent: ask what the fixed one is asked
		}
		sides = append(sides, b, a)
	}
	if len(sides) < 12 {
		t.Fatalf("only %d configurations to run", len(sides))
	}

	// The fix's code, run under uvicorn, at most four programs at once.
	type run struct {
		answers []engine.Response
		logs    string
		err     error
	}
	runs := make([]run, len(sides))
	dir := t.TempDir()
	sem := make(chan struct{}, 4)
	var wg sync.WaitGroup
	for i, x := range sides {
		wg.Add(1)
		go func() {
			defer wg.Done()
			sem <- struct{}{}
			defer func() { <-sem }()
			file := filepath.Join(dir, fmt.Sprintf("app%d.py", i))
			if runs[i].err = os.WriteFile(file, []byte(fmt.Sprintf(slFixProgram, x.code)), 0o644); runs[i].err != nil {
				return
			}
			port, logs, stop, err := slStartExport(file)
			defer stop()
			if runs[i].err = err; err == nil {
				for _, q := range x.reqs {
					a, err := slRawRequest(port, slOnPort(q, port))
					if err != nil {
						runs[i].err = err
						break
					}
					runs[i].answers = append(runs[i].answers, a)
				}
			}
			time.Sleep(100 * time.Millisecond) // uvicorn logs a traceback after it answers
			runs[i].logs = logs()
		}()
	}
	wg.Wait()

	pairs, programs := 0, 0
	for i, x := range sides {
		lib := x.s.Server.Library
		opts, _ := json.Marshal(lib.Options)
		refused := ""
		// The real middleware, in process.
		raw := &engine.RawServer{}
		for _, q := range x.reqs {
			c := slCase{name: x.label, options: string(opts), method: q.Method, url: q.URL}
			for _, hd := range q.Headers {
				c.headers = append(c.headers, [2]string{hd.Name, hd.Value})
			}
			real := h.real(t, c)
			emu, err := c.emulated(t)
			if err != nil {
				t.Errorf("%s: %s: engine: %v", x.label, q.Method, err)
				continue
			}
			pairs++
			if real.String() != emu.String() {
				t.Errorf("%s: %s %q\n  real:      %s\n  emulation: %s", x.label, q.Method, c.headers, real, emu)
			}
			refused = real.ConfigError
			resp := engine.Response{Status: real.Status}
			for _, hd := range real.Headers {
				resp.Headers = append(resp.Headers, engine.Header{Name: hd[0], Value: hd[1]})
			}
			if engine.IsPreflight(q) {
				raw.Preflight = &resp
			} else {
				raw.Actual = &resp
			}
		}
		if refused != "" {
			if x.out.ConfigError != refused {
				t.Errorf("%s: Python refuses the configuration (%s), the engine says %q", x.label, refused, x.out.ConfigError)
			}
		} else if got := slJudge(x.s, raw); got != x.out.Verdict {
			t.Errorf("%s: judged on the real answers the request is %s, the emulation says %s", x.label, got, x.out.Verdict)
		}

		// The fix's code, under uvicorn.
		r := runs[i]
		if r.err != nil {
			t.Errorf("%s: %v\n%s\n%s", x.label, r.err, x.code, r.logs)
			continue
		}
		programs++
		raw = &engine.RawServer{}
		for j, q := range x.reqs {
			got := r.answers[j]
			want, err := engine.Server{Library: lib}.Respond(slOnPort(q, "8080"))
			var ce *engine.ConfigError
			switch {
			case errors.As(err, &ce):
				if got.Status != 500 || !strings.Contains(r.logs, ce.Message) {
					t.Errorf("%s: the emulation refuses the configuration (%s) but the program answered %d; log:\n%s", x.label, ce.Message, got.Status, r.logs)
				}
				continue
			case err != nil:
				t.Errorf("%s: emulation: %v", x.label, err)
				continue
			}
			if g, w := slLines(got.Headers), slLines(want.Headers); got.Status != want.Status || g != w {
				t.Errorf("%s: %s under uvicorn\n  program:   %d %s\n  emulation: %d %s\n%s", x.label, q.Method, got.Status, g, want.Status, w, x.code)
			}
			if engine.IsPreflight(q) {
				raw.Preflight = &got
			} else {
				raw.Actual = &got
			}
		}
		if x.out.ConfigError == "" {
			if got := slJudge(x.s, raw); got != x.out.Verdict {
				t.Errorf("%s: judged on the program's answers the request is %s, the emulation says %s\n%s", x.label, got, x.out.Verdict, x.code)
			}
		}
	}
	if pairs < 2*len(cases) || programs != len(sides) {
		t.Fatalf("only %d pairs compared and %d of %d programs run", pairs, programs, len(sides))
	}
	t.Logf("starlette fixes: %d cases, blocked and fixed; %d configuration × request pairs answered by the real CORSMiddleware as by the emulation; %d programs (the fix's code before and after) run under uvicorn, in %v",
		len(cases), pairs, programs, time.Since(began).Round(time.Millisecond))
}

// slFixProgram wraps a fix's app.add_middleware(CORSMiddleware, ...) call
// in the app the emulation stands in front of.
const slFixProgram = `import os

import uvicorn
from starlette.applications import Starlette
from starlette.middleware.cors import CORSMiddleware
from starlette.responses import PlainTextResponse
from starlette.routing import Route


async def ok(request):
    return PlainTextResponse("ok")


app = Starlette(routes=[Route("/r", ok, methods=["GET", "POST", "PUT", "DELETE", "PATCH"])])
%s

uvicorn.run(app, host="127.0.0.1", port=int(os.environ["PORT"]))
`

// slBrowserRequests are the requests the browser sent in an outcome, the
// actual one with the API's cookie when the browser sends it.
func slBrowserRequests(s engine.Scenario, out engine.Outcome) []engine.HTTPRequest {
	var reqs []engine.HTTPRequest
	for _, x := range []*engine.Exchange{out.Preflight, out.Actual} {
		if x == nil {
			continue
		}
		q := x.Request
		if !engine.IsPreflight(q) && s.Request.Credentials == engine.CredentialsInclude && out.Cookies != engine.CookiesNone {
			q.Headers = append(slices.Clone(q.Headers), engine.Header{Name: "Cookie", Value: "session=1"})
		}
		reqs = append(reqs, q)
	}
	return reqs
}

// slOnPort is the request sent to the program on a loopback port.
func slOnPort(q engine.HTTPRequest, port string) engine.HTTPRequest {
	q.URL = "http://127.0.0.1:" + port + "/r"
	q.Headers = append(engine.Headers{{Name: "Host", Value: "127.0.0.1:" + port}}, q.Headers...)
	return q
}

// slJudge is the engine's verdict on a scenario whose server answers as
// raw does.
func slJudge(s engine.Scenario, raw *engine.RawServer) string {
	s = s.Clone()
	s.Server = engine.Server{Raw: raw}
	return engine.Evaluate(s).Verdict
}

// slOpts are options as the Fixer's Call takes them, sorted.
func slOpts(m map[string]json.RawMessage) []server.Opt {
	var out []server.Opt
	for k, v := range m {
		out = append(out, server.Opt{Name: k, Raw: v})
	}
	slices.SortFunc(out, func(a, b server.Opt) int { return strings.Compare(a.Name, b.Name) })
	return out
}
