package engine_test

import (
	"encoding/json"
	"strings"
	"testing"

	"corsplay/engine"
)

// longOrigin is a serialized origin of n bytes (labels of 60 letters).
func longOrigin(n int) string {
	host := strings.Repeat(strings.Repeat("a", 59)+".", 40)
	return "https://" + host[:n-len("https://")-len(".example")] + ".example"
}

// costly is a pattern of about 1,000 instructions that never matches an
// origin, so that its search visits every instruction at every byte.
func costly(i int) string {
	return `(?:[a-z.]?){240}(?:[a-z0-9:/]?){240}` + strings.Repeat("@", i+1)
}

// hostileScenarios are the costliest scenarios we can write within the
// input limits, each aimed at one part of the evaluation.
func hostileScenarios(t testing.TB) []namedScenario {
	withPolicy := func(page string, origins ...string) engine.Scenario {
		s := preflighted()
		s.Page = page
		s.Request.Repeat = make([]float64, engine.MaxRepeats)
		for i := range s.Request.Repeat {
			s.Request.Repeat[i] = float64(i * 1000)
		}
		s.Server = engine.Server{Policy: &engine.Policy{Origins: origins, Credentials: true, Methods: []string{"PUT"}}}
		return s
	}
	var four []string
	for i := range 4 {
		four = append(four, "re:"+costly(i))
	}
	flask := withPolicy(longOrigin(engine.MaxOriginBytes))
	flask.Request.URL = "https://api.example.com/" + strings.Repeat("p/", 30000)
	opts, _ := json.Marshal(map[string]any{
		"resources": map[string]any{costly(0): map[string]any{"origins": []string{costly(1), costly(2)}}, costly(3): map[string]any{}},
	})
	var options map[string]json.RawMessage
	json.Unmarshal(opts, &options)
	flask.Server = engine.Server{Library: &engine.Library{Name: "flask-cors", Options: options}}
	// Exact entries on long hosts: the attacker's view derives long origins.
	var longHosts []string
	for i := range 8 {
		longHosts = append(longHosts, longOrigin(engine.MaxPatternBytes-i))
	}
	scenarios := []namedScenario{
		// The exchange: a 2 KB page origin against 4,000 instructions.
		{"exchange", withPolicy(longOrigin(engine.MaxOriginBytes), four...)},
		// Part of the budget on the exchange, the rest on the analysis.
		{"analysis", withPolicy(longOrigin(engine.MaxOriginBytes), append(four[:1], longHosts...)...)},
		// A short page origin: the attacker's view tries long ones.
		{"probes", withPolicy("https://app.example.com", append(four, longHosts...)...)},
		// A library: path patterns against a 60 KB path.
		{"flask-cors", flask},
	}
	for _, x := range scenarios {
		if err := x.s.Validate(); err != nil {
			t.Fatalf("%s: %v", x.name, err)
		}
	}
	return scenarios
}

type namedScenario struct {
	name string
	s    engine.Scenario
}

// TestHostileScenarios: each stops within the budget and says so, with the
// verdict "error" when the exchange itself ran out, else a complete verdict
// and COST-001 in place of the lint.
func TestHostileScenarios(t *testing.T) {
	for _, x := range hostileScenarios(t) {
		t.Run(x.name, func(t *testing.T) {
			out := engine.Evaluate(x.s)
			if len(out.Steps) == 0 {
				t.Fatalf("no steps: %+v", out)
			}
			last := out.Steps[len(out.Steps)-1]
			switch {
			case out.Verdict == engine.Error:
				if last.ID != "budget" || !strings.Contains(out.Console, "corsplay stopped matching") {
					t.Errorf("verdict error, console %q, last step %s", out.Console, last.ID)
				}
			case len(out.Lint) != 1 || out.Lint[0].ID != "COST-001":
				t.Errorf("verdict %s, lint %v: want COST-001 alone", out.Verdict, out.Lint)
			case len(out.Fixes) != 0:
				t.Errorf("fixes %v from an analysis cut short", out.Fixes)
			}
			t.Logf("verdict %s, %d probes, %d steps", out.Verdict, len(out.Exposure), len(out.Steps))
		})
	}
}

// BenchmarkEvaluateHostile measures the costliest scenarios: each stays
// within pattern.Budget (about 50 ms at most; compare BenchmarkEvaluate).
func BenchmarkEvaluateHostile(b *testing.B) {
	for _, x := range hostileScenarios(b) {
		b.Run(x.name, func(b *testing.B) {
			for b.Loop() {
				engine.Evaluate(x.s)
			}
		})
	}
}
