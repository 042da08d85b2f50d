package engine

import (
	"encoding/json"
	"strings"
	"testing"
	"time"
)

// FuzzPolicy decodes hostile policies, regular expressions included: decoding
// never panics, a policy that validates answers any request quickly (Go's
// RE2 engine matches in time linear in the input), and an answer only ever
// carries Access-Control-Allow-Origin values that are "*" or the request's
// own Origin.
func FuzzPolicy(f *testing.F) {
	for _, seed := range []string{
		`{"origins":["https://app.example.com"],"credentials":true}`,
		`{"origins":["https://*.example.com","http://localhost:*","re:^https://(a|b)\\.example\\.org$"]}`,
		`{"anyOrigin":"reflect","credentials":true,"methods":["*"],"requestHeaders":["*"],"exposeHeaders":["*"]}`,
		`{"origins":["re:((a+)+)+$"],"maxAge":-1,"preflightStatus":500,"vary":false}`,
		`{"origins":["re:(a{1000}){1000}"]}`,
		`{"origins":["re:` + strings.Repeat("(", 500) + `"]}`,
		`{"allowNull":true,"origins":["null"]}`,
	} {
		f.Add(seed, "https://app.example.com")
	}
	f.Fuzz(func(t *testing.T, policyJSON, origin string) {
		var p Policy
		if err := json.Unmarshal([]byte(policyJSON), &p); err != nil {
			return
		}
		if err := (Server{Policy: &p}).validate(); err != nil {
			if _, ok := err.(*FieldError); !ok {
				t.Fatalf("validate returned %T, want *FieldError", err)
			}
			return
		}
		start := time.Now()
		for _, req := range []HTTPRequest{actualReq(origin), preflightReq(origin, "PUT", "x-a")} {
			resp, err := Server{Policy: &p}.Respond(req)
			if err != nil {
				t.Fatalf("a validated policy failed to respond: %v", err)
			}
			if acao, ok := resp.Headers.Get(headerAllowOrigin); ok && acao != "*" && acao != origin {
				t.Fatalf("ACAO %q for Origin %q", acao, origin)
			}
		}
		if d := time.Since(start); d > time.Second {
			t.Fatalf("answering took %v", d)
		}
	})
}
