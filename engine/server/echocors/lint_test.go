package echocors_test

import (
	"testing"

	"corsplay/engine"
	"corsplay/engine/server/servertest"
)

// TestLintFlagged: the lint reports each AllowOrigins pattern Echo's CORS middleware reads otherwise than it looks (ORIGIN-016) with the origin it really lets in, confirmed by the emulation; a correct configuration gets none.
func TestLintFlagged(t *testing.T) {
	servertest.Lint(t, "echo-cors", "AllowOrigins", `{"AllowOrigins": %s, "AllowCredentials": true}`, []servertest.LintCase{
		{Origins: `["https://example.*"]`, Severity: engine.SeverityDanger, Mentions: []string{"every https origin", "It lets in https://evil-attacker.net"}},
		{Origins: `["https://app.example.*"]`, Severity: engine.SeverityDanger, Mentions: []string{"It lets in https://evil-attacker.net"}},
		{Origins: `["https://*example.com"]`, Severity: engine.SeverityDanger, Mentions: []string{"dots and ports included", "https://evil-attackerexample.com"}},
		{Origins: `["https://app.*.com"]`, Severity: engine.SeverityDanger, Mentions: []string{"It lets in https://evil-attacker.com"}},
		{Origins: `["https://app-?.example.com"]`},
		{Origins: `["https://app.example.com"]`},
		{Origins: `["https://*.example.com"]`},
		{Origins: `["http://localhost:*", "https://app.example.com"]`},
	})
}
