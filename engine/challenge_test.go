package engine_test

import (
	"encoding/json"
	"errors"
	"fmt"
	"reflect"
	"strings"
	"testing"

	"corsplay/engine"
)

// withChallenge is a blocked simple GET from pageOrigin to a raw server
// with no CORS header, carrying the challenge written in JSON.
func withChallenge(challenge string) string {
	return `{"v":1,"page":"` + pageOrigin + `","request":{"url":"` + apiURL + `"},` +
		`"server":{"raw":{"actual":{"status":200,"headers":[["Content-Type","text/plain"]]}}},` +
		`"challenge":` + challenge + `}`
}

// challengeJSON is a valid challenge with expect and solution as given.
func challengeJSON(expect, solution string) string {
	c := `{"goal":"g","change":["server"],"expect":` + expect
	if solution != "" {
		c += `,"solution":` + solution
	}
	return c + `}`
}

const pageOnlySolution = `{"server":{"raw":null,"policy":{"origins":["` + pageOrigin + `"]}}}`

func quoted(n int, s string) string {
	q := make([]string, n)
	for i := range q {
		q[i] = `"` + s + `"`
	}
	return strings.Join(q, ",")
}

func TestChallengeValidate(t *testing.T) {
	long := strings.Repeat("x", engine.MaxChallengeTextBytes)
	ok := `{"verdict":"allowed"}`
	for _, tt := range []struct {
		name, challenge string
		field, problem  string // "" field and problem: valid
	}{
		{"valid", challengeJSON(ok, pageOnlySolution), "", ""},
		{"valid without solution", challengeJSON(ok, ""), "", ""},
		{"every expectation", challengeJSON(`{"verdict":"blocked","preflight":false,"readable":["Content-Type"],"exposure":"page-only","maxSeverity":"info","cachedSends":0,"attackerReads":false}`, ""), "", ""},
		{"goal missing", `{"change":["server"],"expect":` + ok + `}`, "challenge.goal", "missing"},
		{"goal at the limit", `{"goal":"` + long + `","change":["server"],"expect":` + ok + `}`, "", ""},
		{"goal over the limit", `{"goal":"` + long + `x","change":["server"],"expect":` + ok + `}`, "challenge.goal", "1025 bytes, at most 1024"},
		{"change missing", `{"goal":"g","expect":` + ok + `}`, "challenge.change", "missing"},
		{"change unknown", `{"goal":"g","change":["server","headers"],"expect":` + ok + `}`, "challenge.change[1]", `"headers" is not a part`},
		{"change twice", `{"goal":"g","change":["server","page","server"],"expect":` + ok + `}`, "challenge.change[2]", "listed twice"},
		{"expect empty", challengeJSON(`{}`, ""), "challenge.expect", "missing: give at least one"},
		{"expect unknown key", challengeJSON(`{"verdikt":"allowed"}`, ""), "challenge.expect.verdikt", "unknown field"},
		{"expect key in another case", challengeJSON(`{"Verdict":"allowed"}`, ""), "challenge.expect.Verdict", "keys are case-sensitive"},
		{"verdict", challengeJSON(`{"verdict":"ok"}`, ""), "challenge.expect.verdict", `"ok" is not a verdict`},
		{"verdict empty", challengeJSON(`{"verdict":""}`, ""), "challenge.expect.verdict", `"" is not a verdict`},
		{"preflight type", challengeJSON(`{"preflight":"yes"}`, ""), "challenge.expect.preflight", "want true or false, got a string"},
		{"readable empty", challengeJSON(`{"readable":[]}`, ""), "challenge.expect.readable", "an empty list expects nothing"},
		{"readable bad name", challengeJSON(`{"readable":["X-A","X B"]}`, ""), "challenge.expect.readable[1]", `"X B" is not a valid header name`},
		{"readable at the limit", challengeJSON(`{"readable":[`+quoted(engine.MaxHeaders, "X-A")+`]}`, ""), "", ""},
		{"readable over the limit", challengeJSON(`{"readable":[`+quoted(engine.MaxHeaders+1, "X-A")+`]}`, ""), "challenge.expect.readable", "101 headers, at most 100"},
		{"exposure", challengeJSON(`{"exposure":"none"}`, ""), "challenge.expect.exposure", `"none" is not an exposure: use "page-only"`},
		{"maxSeverity", challengeJSON(`{"maxSeverity":"high"}`, ""), "challenge.expect.maxSeverity", `"high" is not a severity`},
		{"cachedSends at the limit", challengeJSON(fmt.Sprintf(`{"cachedSends":%d}`, engine.MaxRepeats), ""), "", ""},
		{"cachedSends over the limit", challengeJSON(fmt.Sprintf(`{"cachedSends":%d}`, engine.MaxRepeats+1), ""), "challenge.expect.cachedSends", "21 is not a number of sends between 0 and 20"},
		{"cachedSends negative", challengeJSON(`{"cachedSends":-1}`, ""), "challenge.expect.cachedSends", "-1 is not a number"},
		{"attackerReads type", challengeJSON(`{"attackerReads":1}`, ""), "challenge.expect.attackerReads", "want true or false, got a number"},
		{"hints at the limit", `{"goal":"g","change":["server"],"expect":` + ok + `,"hints":[` + quoted(engine.MaxHints, long) + `]}`, "", ""},
		{"hints over the limit", `{"goal":"g","change":["server"],"expect":` + ok + `,"hints":[` + quoted(engine.MaxHints+1, "h") + `]}`, "challenge.hints", "11 hints, at most 10"},
		{"hint over the limit", `{"goal":"g","change":["server"],"expect":` + ok + `,"hints":["h","` + long + `x"]}`, "challenge.hints[1]", "1025 bytes, at most 1024"},
		{"hint empty", `{"goal":"g","change":["server"],"expect":` + ok + `,"hints":[" "]}`, "challenge.hints[0]", "missing"},
		{"unknown key", `{"goal":"g","change":["server"],"expect":` + ok + `,"answer":{}}`, "challenge.answer", "unknown field"},
		{"solution not an object", challengeJSON(ok, `["server"]`), "challenge.solution", "want an object"},
		{"solution null", challengeJSON(ok, `null`), "challenge.solution", "want an object"},
		{"solution repeats a key", challengeJSON(ok, `{"server":{},"server":{}}`), "challenge.solution.server", "given twice"},
		{"solution changes what change forbids", challengeJSON(ok, `{"request":{"method":"POST"}}`), "challenge.solution.request", "the solution changes the request, which this challenge does not let the learner change (change: server)"},
		{"solution changes the title", challengeJSON(ok, `{"title":"t"}`), "challenge.solution.title", `a solution changes only "page", "request", "server" or "browser"`},
		{"solution nests a challenge", challengeJSON(ok, `{"challenge":{}}`), "challenge.solution.challenge", "a solution changes only"},
	} {
		t.Run(tt.name, func(t *testing.T) {
			_, err := engine.DecodeOne([]byte(withChallenge(tt.challenge)))
			if tt.field == "" && tt.problem == "" {
				if err != nil {
					t.Fatalf("error %v, want none", err)
				}
				return
			}
			var fe *engine.FieldError
			if !errors.As(err, &fe) || fe.Field != tt.field || !strings.Contains(fe.Problem, tt.problem) {
				t.Errorf("error %#v (%v), want field %q with %q", fe, err, tt.field, tt.problem)
			}
		})
	}
}

// TestSolved: the solution is a JSON merge patch of the start (RFC 7386):
// objects merge, lists are replaced whole, null removes, and the challenge
// is left out of the result.
func TestSolved(t *testing.T) {
	start := `{"v":1,"title":"t","page":"` + pageOrigin + `","request":{"url":"` + apiURL + `","method":"PUT","headers":[["X-A","1"],["X-B","2"]],"body":"b"},` +
		`"server":{"policy":{"origins":["` + pageOrigin + `"],"methods":["PUT"]}},"challenge":{"goal":"g","change":["request","server","browser"],"expect":{"verdict":"allowed"},` +
		`"solution":{"browser":"firefox","request":{"headers":[["X-C","3"]],"body":null},"server":{"policy":{"requestHeaders":["X-C"]}}}}}`
	s, err := engine.DecodeOne([]byte(start))
	if err != nil {
		t.Fatal(err)
	}
	got, err := s.Solved()
	if err != nil {
		t.Fatal(err)
	}
	want := s.Clone()
	want.Challenge = nil
	want.Browser = engine.Firefox
	want.Request.Headers = hdrs("X-C", "3")
	want.Request.Body = nil
	want.Server.Policy.RequestHeaders = []string{"X-C"}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("solved\n got  %+v\n want %+v", got, want)
	}
	if s.Challenge == nil || s.Request.Body == nil || len(s.Request.Headers) != 2 || s.Browser != "" {
		t.Errorf("Solved changed its start: %+v", s)
	}
	var none engine.Scenario
	if _, err := none.Solved(); err == nil {
		t.Error("Solved of a scenario without a challenge: no error")
	}
}

// A solution whose merge is no valid scenario is refused by Solved, under
// challenge.solution, and not by Validate: what a learner does to the
// start (another kind of server) must not make the scenario invalid.
func TestSolvedRefusesABadMerge(t *testing.T) {
	ok := `{"verdict":"allowed"}`
	for _, tt := range []struct{ name, challenge, field, problem string }{
		{"an unknown field", challengeJSON(ok, `{"server":{"policy":{"origin":["x"]}}}`), "challenge.solution.server.policy.origin", "unknown field"},
		{"two servers", challengeJSON(ok, `{"server":{"policy":{"origins":["`+pageOrigin+`"]}}}`), "challenge.solution.server", "give one of raw, policy or library"},
		{"a bad value", challengeJSON(ok, `{"server":{"raw":{"actual":{"status":99}}}}`), "challenge.solution.server.raw.actual.status", "99 is not a final HTTP status"},
	} {
		t.Run(tt.name, func(t *testing.T) {
			s, err := engine.DecodeOne([]byte(withChallenge(tt.challenge)))
			if err != nil {
				t.Fatalf("Validate refuses the start: %v", err)
			}
			_, err = s.Solved()
			var fe *engine.FieldError
			if !errors.As(err, &fe) || fe.Field != tt.field || !strings.Contains(fe.Problem, tt.problem) {
				t.Errorf("Solved: error %#v (%v), want field %q with %q", fe, err, tt.field, tt.problem)
			}
		})
	}
}

func TestChallengeCheck(t *testing.T) {
	page, evil := pageOrigin, "https://evil-attacker.net"
	allowed := func(s *engine.Scenario) { s.Server = engine.Server{Policy: &engine.Policy{Origins: []string{page}}} }
	reflect := func(s *engine.Scenario) {
		s.Server = engine.Server{Policy: &engine.Policy{AnyOrigin: "reflect", Credentials: true}}
		s.Request.Credentials = engine.CredentialsInclude
	}
	wildcard := func(s *engine.Scenario) { s.Server = engine.Server{Policy: &engine.Policy{AnyOrigin: "wildcard"}} }
	preflighted := func(s *engine.Scenario) {
		s.Request.Method = "PUT"
		s.Server = engine.Server{Policy: &engine.Policy{Origins: []string{page}, Methods: []string{"PUT"}, MaxAge: new(int64(600))}}
		s.Request.Repeat = []float64{0, 10, 700}
	}
	exposing := func(s *engine.Scenario) {
		s.Server = engine.Server{Policy: &engine.Policy{Origins: []string{page}, ExposeHeaders: []string{"X-Total"}}}
	}
	for _, tt := range []struct {
		name   string
		change []string
		expect string // JSON
		edit   func(*engine.Scenario)
		unmet  []engine.Unmet
	}{
		{"verdict met", nil, `{"verdict":"allowed"}`, allowed, nil},
		{"verdict unmet", nil, `{"verdict":"allowed"}`, nil, []engine.Unmet{{"verdict", "the fetch is blocked (MissingAllowOriginHeader), not allowed"}}},
		{"preflight met", nil, `{"preflight":true}`, preflighted, nil},
		{"preflight unmet, none sent", nil, `{"preflight":true}`, allowed, []engine.Unmet{{"preflight", "no preflight is sent: the request is simple"}}},
		{"preflight unmet, one sent", nil, `{"preflight":false}`, preflighted, []engine.Unmet{{"preflight", "a preflight is sent (the method PUT is not GET, HEAD or POST)"}}},
		{"readable met, any case", nil, `{"readable":["X-TOTAL","content-type"]}`, exposing, nil},
		{"readable unmet", nil, `{"readable":["X-Total","Content-Type"]}`, allowed, []engine.Unmet{{"readable", "the page cannot read X-Total: it reads only content-type"}}},
		{"readable unmet, blocked", nil, `{"readable":["X-Total"]}`, nil, []engine.Unmet{{"readable", "the page cannot read X-Total: it reads no header"}}},
		{"exposure met", nil, `{"exposure":"page-only"}`, allowed, nil},
		{"exposure unmet", nil, `{"exposure":"page-only"}`, wildcard, []engine.Unmet{{"exposure", "null can read without cookies"}, {"exposure", "https://attacker.github.io can read without cookies"}, {"exposure", evil + " can read without cookies"}}},
		{"exposure of raw responses", nil, `{"exposure":"page-only"}`, nil, []engine.Unmet{{"exposure", "there is no attacker's view to judge: corsplay probes a policy or library server, not raw responses"}}},
		{"maxSeverity met", nil, `{"maxSeverity":"info"}`, allowed, nil},
		{"maxSeverity unmet", nil, `{"maxSeverity":"warning"}`, reflect, []engine.Unmet{{"maxSeverity", "ORIGIN-002 is danger, above warning: "}, {"maxSeverity", "ORIGIN-004 is danger, above warning: "}}},
		{"cachedSends met", nil, `{"cachedSends":1}`, preflighted, nil},
		{"cachedSends unmet", nil, `{"cachedSends":2}`, preflighted, []engine.Unmet{{"cachedSends", "1 of 3 sends reuse a cached preflight, not 2"}}},
		{"cachedSends of one send", nil, `{"cachedSends":1}`, allowed, []engine.Unmet{{"cachedSends", "0 of 1 sends reuse a cached preflight, not 1"}}},
		{"attackerReads met", nil, `{"attackerReads":true}`, reflect, nil},
		{"attackerReads unmet", nil, `{"attackerReads":true}`, allowed, []engine.Unmet{{"attackerReads", "no attacker's origin can read: the "}}},
		{"attackerReads false unmet", nil, `{"attackerReads":false}`, wildcard, []engine.Unmet{{"attackerReads", "null can read without cookies"}, {"attackerReads", "https://attacker.github.io can read without cookies"}, {"attackerReads", evil + " can read without cookies"}}},
		{"change allowed", []string{"server"}, `{"verdict":"allowed"}`, allowed, nil},
		{"change forbidden", []string{"server"}, `{"verdict":"allowed"}`, func(s *engine.Scenario) { allowed(s); s.Request.Method = "post" },
			[]engine.Unmet{{"change", "the request was changed; this challenge allows changing only the server"}}},
		{"change of two parts", []string{"server", "browser"}, `{"verdict":"allowed"}`, func(s *engine.Scenario) { allowed(s); s.Browser = engine.Firefox; s.Page = "https://b.example.com" },
			[]engine.Unmet{{"change", "the page was changed; this challenge allows changing only the server and browser"}, {"verdict", "the fetch is blocked (MissingAllowOriginHeader), not allowed"}}},
		{"defaults are no change", []string{"server"}, `{"verdict":"allowed"}`, func(s *engine.Scenario) {
			allowed(s)
			s.Browser, s.Request.Method, s.Request.Credentials, s.Request.Mode = engine.Chrome, "GET", "same-origin", "cors"
			s.Request.Repeat, s.Request.Headers = []float64{0}, engine.Headers{}
		}, nil},
		{"exposure of a server with no CORS", nil, `{"exposure":"page-only"}`, func(s *engine.Scenario) { s.Server = engine.Server{} },
			[]engine.Unmet{{"exposure", "there is no attacker's view to judge: corsplay probes a policy or library server"}}},
	} {
		t.Run(tt.name, func(t *testing.T) {
			change := tt.change
			if change == nil {
				change = engine.ChallengeParts
			}
			var c engine.Challenge
			if err := json.Unmarshal([]byte(`{"goal":"g","expect":`+tt.expect+`}`), &c); err != nil {
				t.Fatal(err)
			}
			c.Change = change
			start := engine.Scenario{V: 1, Page: page, Request: engine.Request{URL: apiURL}, Server: engine.Server{Raw: &engine.RawServer{Actual: resp(200, "Content-Type", "text/plain")}}}
			attempt := start.Clone()
			if tt.edit != nil {
				tt.edit(&attempt)
			}
			got := c.Check(start, attempt, engine.Evaluate(attempt))
			if got.Met != (len(tt.unmet) == 0) || len(got.Unmet) != len(tt.unmet) {
				t.Fatalf("met %v, unmet %q; want %q", got.Met, got.Unmet, tt.unmet)
			}
			for i, u := range got.Unmet {
				if u.Expect != tt.unmet[i].Expect || !strings.HasPrefix(u.Why, tt.unmet[i].Why) {
					t.Errorf("unmet[%d] = %q, want %q", i, u, tt.unmet[i])
				}
			}
			if out, _ := json.Marshal(got); !strings.Contains(string(out), `"unmet":[`) {
				t.Errorf("JSON %s: unmet is not a list", out)
			}
		})
	}
}

// TestChallengeRoundTrip: the challenge survives the scenario's JSON and a
// permalink, and Clone copies it deeply.
func TestChallengeRoundTrip(t *testing.T) {
	in := withChallenge(`{"goal":"g","change":["server"],"expect":{"verdict":"allowed","preflight":false,"readable":["X-A"],"exposure":"page-only","maxSeverity":"info","cachedSends":0,"attackerReads":false},"hints":["a","b"],"solution":` + pageOnlySolution + `}`)
	s, err := engine.DecodeOne([]byte(in))
	if err != nil {
		t.Fatal(err)
	}
	if e := s.Challenge.Expect; e.Preflight == nil || *e.Preflight || e.CachedSends == nil || *e.CachedSends != 0 || e.AttackerReads == nil {
		t.Fatalf("false and 0 read as not given: %+v", e)
	}
	data, err := json.Marshal(s)
	if err != nil {
		t.Fatal(err)
	}
	back, err := engine.DecodeOne(data)
	if err != nil || !reflect.DeepEqual(back, s) {
		t.Errorf("JSON round trip: %v\n got  %+v\n want %+v", err, back.Challenge, s.Challenge)
	}
	frag, err := engine.EncodePermalink(s)
	if err != nil {
		t.Fatal(err)
	}
	link, err := engine.DecodePermalink(frag)
	if err != nil || !reflect.DeepEqual(link, s) {
		t.Errorf("permalink round trip: %v\n got  %+v\n want %+v", err, link.Challenge, s.Challenge)
	}
	c := s.Clone()
	*c.Challenge.Expect.Verdict = "blocked"
	c.Challenge.Hints[0] = "z"
	c.Challenge.Change[0] = "page"
	c.Challenge.Solution[0] = ' '
	if !reflect.DeepEqual(back, s) {
		t.Errorf("editing a clone changed the original: %+v", s.Challenge)
	}
}

// TestSolutionCompacted: the solution is kept compact, so that a preset
// with an indented solution survives a JSON round trip unchanged.
func TestSolutionCompacted(t *testing.T) {
	s, err := engine.DecodeOne([]byte(withChallenge(challengeJSON(`{"verdict":"allowed"}`, "{\n  \"server\": {\"raw\": null, \"policy\": {\"origins\": [\"https://app.example.com\"]}}\n}"))))
	if err != nil {
		t.Fatal(err)
	}
	if got := string(s.Challenge.Solution); got != pageOnlySolution {
		t.Errorf("solution %s, want %s", got, pageOnlySolution)
	}
	data, _ := json.Marshal(s)
	if back, err := engine.DecodeOne(data); err != nil || !reflect.DeepEqual(back, s) {
		t.Errorf("round trip: %v", err)
	}
}

// FuzzChallenge: any challenge in a valid scenario decodes to a valid one
// or to a *FieldError under "challenge"; a valid one with a solution
// solves to a valid scenario, and checking never panics nor reports a
// change of the start against itself.
func FuzzChallenge(f *testing.F) {
	for _, c := range []string{
		challengeJSON(`{"verdict":"allowed","exposure":"page-only"}`, pageOnlySolution),
		challengeJSON(`{"attackerReads":true,"maxSeverity":"warning","readable":["X-A"],"preflight":false,"cachedSends":1}`, `{"server":{"raw":null,"policy":{"anyOrigin":"reflect","credentials":true}}}`),
		`{"goal":"g","change":["page","request","browser"],"expect":{"verdict":"opaque"},"solution":{"page":"null","request":{"mode":"no-cors","headers":null},"browser":"safari"}}`,
		challengeJSON(`{"verdict":"blocked"}`, `{"server":{"raw":{"actual":{"status":99}}}}`),
		`{"goal":"","change":[],"expect":{}}`,
		`null`, `[]`, `{"solution":5}`,
	} {
		f.Add(c)
	}
	f.Fuzz(func(t *testing.T, challenge string) {
		s, err := engine.DecodeOne([]byte(withChallenge(challenge)))
		if err != nil {
			var fe *engine.FieldError
			if !errors.As(err, &fe) {
				t.Fatalf("error %T %v, want a *FieldError", err, err)
			}
			// A challenge that is one JSON value has its errors in it.
			if json.Valid([]byte(challenge)) && !strings.HasPrefix(fe.Field, "challenge") && fe.Field != "" {
				t.Fatalf("error %v outside the challenge", err)
			}
			return
		}
		if s.Challenge == nil {
			return // "challenge": null
		}
		out := engine.Evaluate(s)
		for _, u := range s.Challenge.Check(s, s, out).Unmet {
			if u.Expect == "change" {
				t.Fatalf("the start changed against itself: %q", u.Why)
			}
		}
		if len(s.Challenge.Solution) == 0 {
			return
		}
		solved, err := s.Solved()
		var fe *engine.FieldError
		if errors.As(err, &fe) && strings.HasPrefix(fe.Field, "challenge.solution") {
			return // a solution that merges into no valid scenario, said where
		}
		if err != nil {
			t.Fatalf("a valid challenge's solution: %v", err)
		}
		if err := solved.Validate(); err != nil || solved.Challenge != nil {
			t.Fatalf("solved %+v: %v", solved, err)
		}
		r := s.Challenge.Check(s, solved, engine.Evaluate(solved))
		for _, u := range r.Unmet {
			if u.Expect == "change" {
				t.Fatalf("the solution changes a part change forbids: %q", u.Why)
			}
		}
	})
}
