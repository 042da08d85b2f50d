package fastifycors_test

import (
	"testing"

	"corsplay/engine"
	"corsplay/engine/server/servertest"
)

// TestLintFlagged: the lint reports each origin @fastify/cors reads otherwise than it looks (ORIGIN-016) with the origin it really lets in, confirmed by the emulation; a correct configuration gets none.
func TestLintFlagged(t *testing.T) {
	servertest.Lint(t, "fastify-cors", "origin", `{"origin": %s, "credentials": true}`, []servertest.LintCase{
		{Origins: `{"regexp": "app\\.example\\.com"}`, Severity: engine.SeverityDanger, Mentions: []string{".test()", "https://app.example.com.evil-attacker.net", `/^https:\/\/app\.example\.com$/`}},
		{Origins: `[{"regexp": "^https://app\\.example\\.com"}]`, Severity: engine.SeverityDanger, Mentions: []string{"https://app.example.com.evil-attacker.net"}},
		{Origins: `{"regexp": "^https:\\/\\/app.example.com$"}`, Severity: engine.SeverityDanger, Mentions: []string{"unescaped dot", "https://appxexample.com"}},
		{Origins: `{"regexp": "example\\.com$"}`, Severity: engine.SeverityDanger, Mentions: []string{"https://evil-attackerexample.com"}},
		{Origins: `"https://*.example.com"`, Severity: engine.SeverityError, Mentions: []string{"sent as text", "Access-Control-Allow-Origin: https://*.example.com"}},
		{Origins: `["https://*.example.com", "https://other.example"]`, Severity: engine.SeverityError, Mentions: []string{"compared as text", "never matches"}},
		{Origins: `"https://app.example.com"`},
		{Origins: `["https://app.example.com"]`},
		{Origins: `{"regexp": "^https:\\/\\/app\\.example\\.com$"}`},
		{Origins: `{"regexp": "https:\\/\\/app\\.example\\.com$", "flags": "y"}`},
		{Origins: `[{"regexp": "^https://([a-z0-9-]+\\.)*example\\.com$", "flags": "i"}]`},
	})
}
