package engine_test

import (
	"encoding/json"
	"testing"

	"corsplay/engine"
)

// preflighted is a credentialed JSON PUT that needs and passes a preflight.
func preflighted() engine.Scenario {
	body := `{"a":1}`
	return engine.Scenario{
		V: engine.Version, Page: "https://app.example.com",
		Request: engine.Request{
			URL: "https://api.example.com/items/42", Method: "PUT", Body: &body, Credentials: "include",
			Headers: engine.Headers{{Name: "Content-Type", Value: "application/json"}, {Name: "X-Api-Key", Value: "k1"}},
		},
		Server: engine.Server{Raw: &engine.RawServer{
			Preflight: &engine.Response{Status: 204, Headers: engine.Headers{
				{Name: "Access-Control-Allow-Origin", Value: "https://app.example.com"},
				{Name: "Access-Control-Allow-Credentials", Value: "true"},
				{Name: "Access-Control-Allow-Methods", Value: "PUT"},
				{Name: "Access-Control-Allow-Headers", Value: "Content-Type, X-Api-Key"},
				{Name: "Access-Control-Max-Age", Value: "600"},
			}},
			Actual: &engine.Response{Status: 200, Headers: engine.Headers{
				{Name: "Access-Control-Allow-Origin", Value: "https://app.example.com"},
				{Name: "Access-Control-Allow-Credentials", Value: "true"},
				{Name: "Content-Type", Value: "application/json"},
			}},
		}},
	}
}

func BenchmarkEvaluate(b *testing.B) {
	s := preflighted()
	if out := engine.Evaluate(s); out.Verdict != engine.Allowed || out.Preflight == nil {
		b.Fatalf("benchmark scenario: verdict %s, preflight %v; want allowed with a preflight", out.Verdict, out.Preflight != nil)
	}
	b.ReportAllocs()
	for b.Loop() {
		engine.Evaluate(s)
	}
}

// policyScenario is a blocked credentialed PUT against a policy with
// patterns, so lint, the attacker's view and the fixes all run.
func policyBenchScenario() engine.Scenario {
	s := preflighted()
	s.Server = engine.Server{Policy: &engine.Policy{
		Origins:        []string{"https://www.example.com", "https://*.example.org", `re:^https://(a|b)\.example\.net`, "http://localhost:*"},
		Credentials:    true,
		Methods:        []string{"PUT", "DELETE"},
		RequestHeaders: []string{"Content-Type"},
		ExposeHeaders:  []string{"X-Request-Id"},
		MaxAge:         new(int64(600)),
	}}
	return s
}

func BenchmarkEvaluatePolicy(b *testing.B) {
	s := policyBenchScenario()
	out := engine.Evaluate(s)
	if out.Verdict != engine.Blocked || len(out.Lint) == 0 || len(out.Exposure) == 0 || len(out.Fixes) == 0 {
		b.Fatalf("benchmark scenario: verdict %s, %d findings, %d probes, %d fixes; want blocked with all three", out.Verdict, len(out.Lint), len(out.Exposure), len(out.Fixes))
	}
	b.ReportAllocs()
	for b.Loop() {
		engine.Evaluate(s)
	}
}

// libraryBenchScenario is the credentialed JSON PUT against Flask-CORS with
// regular-expression origins (one without $), so the emulation answers,
// its configuration is imported, linted in its terms and probed.
func libraryBenchScenario() engine.Scenario {
	s := preflighted()
	s.Server = engine.Server{Library: &engine.Library{Name: "flask-cors", Options: map[string]json.RawMessage{
		"origins":              json.RawMessage(`["https://www\\.example\\.com$", "https://.*\\.example\\.org$", "https://(a|b)\\.example\\.net"]`),
		"supports_credentials": json.RawMessage(`true`),
		"methods":              json.RawMessage(`["GET", "PUT", "DELETE"]`),
		"allow_headers":        json.RawMessage(`["Content-Type"]`),
		"expose_headers":       json.RawMessage(`["X-Request-Id"]`),
		"max_age":              json.RawMessage(`600`),
	}}}
	return s
}

func BenchmarkEvaluateLibrary(b *testing.B) {
	s := libraryBenchScenario()
	out := engine.Evaluate(s)
	if out.Verdict != engine.Blocked || len(out.Lint) == 0 || len(out.Exposure) == 0 {
		b.Fatalf("benchmark scenario: verdict %s, %d findings, %d probes; want blocked with both", out.Verdict, len(out.Lint), len(out.Exposure))
	}
	b.ReportAllocs()
	for b.Loop() {
		engine.Evaluate(s)
	}
}

// BenchmarkEncodePermalink writes the link of the policy scenario, as the
// page does after every edit.
func BenchmarkEncodePermalink(b *testing.B) {
	s := policyBenchScenario()
	b.ReportAllocs()
	for b.Loop() {
		if _, err := engine.EncodePermalink(s); err != nil {
			b.Fatal(err)
		}
	}
}
