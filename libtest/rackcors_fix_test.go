package libtest

import (
	"encoding/json"
	"os"
	"path/filepath"
	"sort"
	"strconv"
	"strings"
	"testing"
	"time"

	"corsplay/engine"
	"corsplay/engine/server"
)

// The fixes in rack-cors's own DSL, with the real library. For each fix of
// the cases the engine tests (engine/server/rackcors/testdata/fixes.json),
// the blocked and the fixed configuration both run for real, twice:
//
//   - as JSON options, in rackcors_server.rb (the differential harness);
//   - as the fix's code itself, Code.Before and Code.After exactly as
//     printed (config.middleware.insert_before 0, Rack::Cors do … end), in
//     the program Export writes (WEBrick), where a stand-in for a Rails
//     app's config.middleware builds each Rack::Cors as Rails does
//     (klass.new(app, *args, &block)) and /r?i reaches the i-th one.
//
// Each answers the requests the browser sends it (the outcome's preflight
// and actual request) exactly as the emulation, status and every header
// line, and the engine judging the real answers (a raw server) finds the
// request blocked before and allowed after. A configuration rack-cors
// refuses raises the emulation's ConfigError text in both.

// rackFixCase is a case of testdata/fixes.json, as the engine test reads it.
type rackFixCase struct {
	Name        string
	Options     map[string]json.RawMessage
	Page        string
	Method      string
	Headers     map[string]string
	Credentials bool
	After       string
	PageOnly    bool
}

// rackSide is one configuration of a fix, blocked or fixed, with the
// requests the browser sends it and the verdict.
type rackSide struct {
	label   string
	s       engine.Scenario
	reqs    []engine.HTTPRequest
	verdict string
	code    string // the printed configuration; "" for a page-only fix
	refused string // the ConfigError rack-cors raises, if any
}

// rackStandIn is what the fixes' code needs around it: Rails's
// config.middleware, which builds the middleware as
// ActionDispatch::MiddlewareStack does, and Rails.logger, where rack-cors
// logs in a Rails app. Each code gets its own config; APPS[i] is its
// Rack::Cors, or the exception it raised; /r?i reaches APPS[i].
const rackStandIn = `module Rails
  def self.logger
    @logger ||= Logger.new(File::NULL)
  end
end

class Middlewares
  attr_reader :app

  def insert_before(_index, klass, *args, &block)
    @app = klass.new(APP, *args, &block)
  end
end
Config = Struct.new(:middleware)
APPS = []
`

const rackDispatch = `cors = lambda do |env|
  app = APPS[env['QUERY_STRING'].to_i]
  next [500, { 'X-Raised' => app.message }, []] if app.is_a?(Exception)

  app.call(env)
end
`

func TestRackCORSFixes(t *testing.T) {
	start := time.Now()
	text, err := os.ReadFile("../engine/server/rackcors/testdata/fixes.json")
	if err != nil {
		t.Fatal(err)
	}
	var cases []rackFixCase
	if err := json.Unmarshal(text, &cases); err != nil {
		t.Fatal(err)
	}
	var sides []rackSide
	for _, c := range cases {
		if c.After == "" {
			continue // no fix is offered (the engine test checks it)
		}
		s := engine.Scenario{V: engine.Version, Page: c.Page,
			Request: engine.Request{URL: rackURL + "/r", Method: c.Method},
			Server:  engine.Server{Library: &engine.Library{Name: "rack-cors", Version: "1.1.1", Options: c.Options}}}
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
		if before.Verdict != engine.Blocked && before.ConfigError == "" || f == nil {
			t.Errorf("%s: %s with %d fixes, want blocked (or refused) with a fix", c.Name, before.Verdict, len(before.Fixes))
			continue
		}
		fixed := f.Apply(s)
		after := engine.Evaluate(fixed)
		b := rackSide{label: c.Name + " (blocked)", s: s, reqs: requests(before), verdict: engine.Blocked, refused: before.ConfigError}
		a := rackSide{label: c.Name + " (fixed)", s: fixed, reqs: requests(after), verdict: engine.Allowed}
		if f.Server != nil {
			b.code, a.code = f.Code.Before, f.Code.After
		}
		if b.refused != "" {
			// Nothing was sent: rack-cors raised. The request the page makes
			// shows the real library raising too.
			b.reqs = requests(after)
		}
		sides = append(sides, b, a)
	}
	h := startRackHarness(t)

	// The JSON options, in the differential harness.
	pairs := 0
	for _, side := range sides {
		opts, _ := json.Marshal(side.s.Server.Library.Options)
		var answers []rackAnswer
		for _, req := range side.reqs {
			rc := rackFromRequest(side.label, string(opts), req, "")
			want, exc := h.real(t, rc)
			got, err := rc.emulated(t)
			if err != nil || exc != "" {
				t.Fatalf("%s: engine %v, Ruby raised %q", side.label, err, exc)
			}
			if got.String() != want.String() {
				t.Errorf("%s, options %s\n  %s\n  real:     %s\n  emulated: %s", side.label, opts, cgDescribe(req), want, got)
			}
			answers = append(answers, want)
			pairs++
		}
		rackJudge(t, side, "options "+string(opts), answers)
	}

	// The fix's code, in the program Export writes: the i-th code answers /r?i.
	lib, _ := server.Lookup("rack-cors", "")
	prog, err := lib.Export(map[string]json.RawMessage{}, "/r")
	if err != nil {
		t.Fatal(err)
	}
	const call = "cors = Rack::Cors.new(APP, logger: Logger.new(File::NULL)) do\nend\n"
	if !strings.Contains(prog, call) {
		t.Fatalf("Export's program has no %q to replace:\n%s", call, prog)
	}
	var code strings.Builder
	code.WriteString(rackStandIn)
	var runs []rackSide
	for _, side := range sides {
		if side.code == "" {
			continue
		}
		code.WriteString("\n# " + side.label + "\nAPPS << begin\n  config = Config.new(Middlewares.new)\n" + side.code + "\n  config.middleware.app\nrescue StandardError => e\n  e\nend\n")
		runs = append(runs, side)
	}
	code.WriteString("\n" + rackDispatch)
	file := filepath.Join(t.TempDir(), "fixes.rb")
	os.WriteFile(file, []byte(strings.Replace(prog, call, code.String(), 1)), 0o644)
	addr, _ := startRackProgram(t, file, false)
	for i, side := range runs {
		opts, _ := json.Marshal(side.s.Server.Library.Options)
		var answers []rackAnswer
		for _, req := range side.reqs {
			rc := rackFromRequest(side.label, string(opts), req, "?"+strconv.Itoa(i))
			wire := rc
			if (req.Method == "POST" || req.Method == "PUT") && !req.Headers.Has("Content-Length") {
				// A bodiless POST or PUT: the browser sends Content-Length: 0,
				// which WEBrick requires (411 without); rack-cors reads no
				// Content-Length.
				wire = rackWith(rc, [2]string{"Content-Length", "0"})
			}
			got := rackHTTP(t, addr, wire)
			want, err := rc.emulated(t)
			if err != nil {
				t.Fatalf("%s: %v", side.label, err)
			}
			if want.ConfigError != "" {
				want = rackAnswer{Status: 500, Headers: [][2]string{{"x-raised", want.ConfigError}}}
			}
			if want = serverView(want); got.String() != want.String() {
				t.Errorf("%s, code\n%s\n  %s\n  program:  %s\n  emulated: %s", side.label, side.code, cgDescribe(req), got, want)
			}
			answers = append(answers, got)
			pairs++
		}
		rackJudge(t, side, "code\n"+side.code, answers)
	}
	if len(sides) < 12 || len(runs) < 12 {
		t.Errorf("%d configurations, %d run as code: want at least 12 of each (6 fixes)", len(sides), len(runs))
	}
	t.Logf("rack-cors: %d fixes, blocked and fixed, as options and as the code printed (%d configurations in one WEBrick program): %d answers agree with the emulation, in %v",
		len(sides)/2, len(runs), pairs, time.Since(start).Round(time.Millisecond))
}

// rackFromRequest is the browser's request as a case of the harness, its
// path followed by query.
func rackFromRequest(name, options string, req engine.HTTPRequest, query string) rackCase {
	c := rackCase{name: name, options: options, method: req.Method, path: strings.TrimPrefix(req.URL, rackURL) + query}
	for _, h := range req.Headers {
		c.headers = append(c.headers, [2]string{h.Name, h.Value})
	}
	return c
}

// rackJudge has the engine judge the real answers to the side's requests
// as a raw server; a side rack-cors refuses must have raised its text.
func rackJudge(t *testing.T, side rackSide, what string, answers []rackAnswer) {
	t.Helper()
	if side.refused != "" {
		for _, a := range answers {
			if a.ConfigError != side.refused && !(a.Status == 500 && len(a.Headers) == 1 && a.Headers[0][1] == side.refused) {
				t.Errorf("%s, %s: the real library answered %s, want it to raise %q", side.label, what, a, side.refused)
			}
		}
		if len(answers) == 0 {
			t.Errorf("%s: no request showed the real library raising", side.label)
		}
		return
	}
	raw := &engine.RawServer{}
	for i, req := range side.reqs {
		resp := &engine.Response{Status: answers[i].Status}
		for _, h := range answers[i].Headers {
			resp.Headers = append(resp.Headers, engine.Header{Name: h[0], Value: h[1]})
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
