package gincors_test

import (
	"testing"

	"corsplay/engine"
	"corsplay/engine/server/servertest"
)

// TestLintFlagged: the lint reports each AllowOrigins entry gin-contrib/cors reads otherwise than it looks (ORIGIN-016) with the origin it really lets in, confirmed by the emulation; a correct configuration gets none.
func TestLintFlagged(t *testing.T) {
	servertest.Lint(t, "gin-cors", "AllowOrigins", `{"AllowOrigins": %s, "AllowCredentials": true}`, []servertest.LintCase{
		{Origins: `["/https://app\\.example\\.com/"]`, Severity: engine.SeverityDanger, Mentions: []string{"matched anywhere", "https://app.example.com.evil-attacker.net", "regexp.MatchString", `/^https://app\.example\.com$/`}},
		{Origins: `["/^https://app.example.com$/"]`, Severity: engine.SeverityDanger, Mentions: []string{"unescaped dot", "https://appxexample.com"}},
		{Origins: `["/^https://\\S+\\.example\\.com$/"]`, Severity: engine.SeverityError, Mentions: []string{"lower-cased", `\s`}},
		{Origins: `["https://*.example.com"]`, Severity: engine.SeverityError, Mentions: []string{"without AllowWildcard", "AllowWildcard: true"}},
		{Origins: `["https://*example.com"], "AllowWildcard": true`, Severity: engine.SeverityDanger, Mentions: []string{"dots included", "https://evil-attackerexample.com"}},
		{Origins: `["https://app.example.*"], "AllowWildcard": true`, Severity: engine.SeverityDanger, Mentions: []string{"https://app.example.com.evil-attacker.net"}},
		{Origins: `["https://app.example.com"]`},
		{Origins: `["https://*.example.com"], "AllowWildcard": true`},
		{Origins: `["/^https://app\\.example\\.com$/"]`},
		{Origins: `["/^https://[a-z0-9-]+\\.example\\.com$/"]`},
	})
}
