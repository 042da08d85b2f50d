package engine_test

import (
	"encoding/json"
	"errors"
	"slices"
	"strings"
	"testing"

	"corsplay/engine"
	"corsplay/engine/pattern"
)

// library is a server of the named library with options as JSON.
func library(t *testing.T, name, options string) engine.Server {
	t.Helper()
	var opts map[string]json.RawMessage
	if err := json.Unmarshal([]byte(options), &opts); err != nil {
		t.Fatal(err)
	}
	return engine.Server{Library: &engine.Library{Name: name, Options: opts}}
}

// TestPatternLimits: every way a server takes a regular expression refuses
// one over the limits, naming the field.
func TestPatternLimits(t *testing.T) {
	big := `(?:.?){1000}`
	var many []string
	for i := range 5 {
		many = append(many, "re:"+costly(i))
	}
	for _, tt := range []struct {
		name    string
		server  engine.Server
		field   string
		problem string
	}{
		{"policy", engine.Server{Policy: &engine.Policy{Origins: []string{"https://a.example", "re:" + big}}},
			"server.policy.origins[1]", "this pattern is too complex (repetition count 1000): corsplay accepts patterns up to 1000 instructions"},
		{"policy, in all", engine.Server{Policy: &engine.Policy{Origins: many}},
			"server.policy.origins[4]", "instructions in all: corsplay accepts up to 4000"},
		{"flask-cors origins", library(t, "flask-cors", `{"origins": ["https://a\\.example", "`+big+`"]}`),
			"server.library.options.origins[1]", `"(?:.?){1000}": this pattern is too complex (repetition count 1000)`},
		{"flask-cors allow_headers", library(t, "flask-cors", `{"allow_headers": "X-(?:.?){300}"}`),
			"server.library.options.allow_headers[0]", "(repetition count 300)"},
		{"flask-cors resources", library(t, "flask-cors", `{"resources": {"/api/(?:.?){999}": {}}}`),
			`server.library.options.resources["/api/(?:.?){999}"]`, "(repetition count 999)"},
		{"express-cors", library(t, "express-cors", `{"origin": ["https://a.example", {"regexp": "`+big+`"}]}`),
			"server.library.options.origin[1]", "this pattern is too complex (repetition count 1000)"},
		{"express-cors alone", library(t, "express-cors", `{"origin": {"regexp": "(?:[a-z]{0,30}){0,30}"}}`),
			"server.library.options.origin", "(it compiles to 1831 instructions)"},
	} {
		s := preflighted()
		s.Server = tt.server
		wantFieldError(t, tt.name, s.Validate(), tt.field, tt.problem)
		if out := engine.Evaluate(s); out.Verdict != engine.Error || !strings.Contains(out.Console, tt.problem) {
			t.Errorf("%s: Evaluate: verdict %s, console %q", tt.name, out.Verdict, out.Console)
		}
	}
}

// TestLongOriginsMatchNoPattern: an Origin over MaxOriginBytes matches no
// pattern, at no cost, while exact entries still compare (the policy's are
// at most MaxPatternBytes).
func TestLongOriginsMatchNoPattern(t *testing.T) {
	atMost, over := longOrigin(engine.MaxOriginBytes), longOrigin(engine.MaxOriginBytes+1)
	for _, tt := range []struct {
		name    string
		server  engine.Server
		allowed []string
		refused []string
	}{
		{"policy", engine.Server{Policy: &engine.Policy{Origins: []string{"re:^https://"}}}, []string{atMost}, []string{over}},
		{"flask-cors", library(t, "flask-cors", `{"origins": ["https://.*", "`+over+`"]}`), []string{atMost, over}, []string{over + "x"}},
		{"express-cors", library(t, "express-cors", `{"origin": [{"regexp": "^https://"}, "`+over+`"]}`), []string{atMost, over}, []string{over + "x"}},
	} {
		for _, origin := range append(tt.allowed, tt.refused...) {
			got, err := tt.server.Respond(engine.HTTPRequest{Method: "GET", URL: "/", Headers: engine.Headers{hdr("Origin", origin)}})
			if err != nil {
				t.Fatalf("%s: %v", tt.name, err)
			}
			value, _ := got.Headers.Get(acao)
			if want := !slices.Contains(tt.refused, origin); (value == origin) != want {
				t.Errorf("%s: an Origin of %d bytes: Access-Control-Allow-Origin %.30q…, allowed should be %v", tt.name, len(origin), value, want)
			}
		}
	}
	s := preflighted()
	s.Page = over
	wantFieldError(t, "page", s.Validate(), "page", "2049 bytes: corsplay takes origins up to 2048")
}

// TestRespondBudget: one request whose patterns cost more than the budget
// is answered with a *pattern.BudgetError, not a guess.
func TestRespondBudget(t *testing.T) {
	var origins []string
	for i := range 4 {
		origins = append(origins, "re:"+costly(i))
	}
	srv := engine.Server{Policy: &engine.Policy{Origins: origins}}
	req := func(origin string) engine.HTTPRequest {
		return engine.HTTPRequest{Method: "GET", URL: "/", Headers: engine.Headers{hdr("Origin", origin)}}
	}
	if _, err := srv.Respond(req("https://app.example.com")); err != nil {
		t.Errorf("a short Origin: %v", err)
	}
	_, err := srv.Respond(req(longOrigin(engine.MaxOriginBytes)))
	var be *pattern.BudgetError
	if !errors.As(err, &be) {
		t.Errorf("a 2 KB Origin against 4,000 instructions: %v, want a *pattern.BudgetError", err)
	}
	respond, _ := srv.Responder()
	if _, err := respond(req("https://app.example.com")); err != nil {
		t.Errorf("each request has its own budget: %v", err)
	}
}
