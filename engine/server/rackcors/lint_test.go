package rackcors_test

import (
	"testing"

	"corsplay/engine"
	"corsplay/engine/server/servertest"
)

// TestLintFlagged: the lint reports each configuration rack-cors reads otherwise than it looks (ORIGIN-016) with the origin it really lets in, confirmed by the emulation; a correct configuration gets none.
func TestLintFlagged(t *testing.T) {
	servertest.Lint(t, "rack-cors", "origins", `{"allow": [{"origins": %s, "resources": [{"path": "*", "credentials": true}]}]}`, []servertest.LintCase{
		{Origins: `["/app\\.example\\.com/"]`, Severity: engine.SeverityDanger, Mentions: []string{"searched anywhere", "https://app.example.com.evil-attacker.net", "=~"}},
		{Origins: `"/^https:\\/\\/app\\.example\\.com/"`, Severity: engine.SeverityDanger, Mentions: []string{"https://app.example.com.evil-attacker.net", `\A`}},
		{Origins: `["/\\Ahttps:\\/\\/app.example.com\\z/"]`, Severity: engine.SeverityDanger, Mentions: []string{"unescaped dot", "https://appxexample.com"}},
		{Origins: `["/example\\.com\\z/"]`, Severity: engine.SeverityDanger, Mentions: []string{"anchors its start", "https://evil-attackerexample.com"}},
		{Origins: `["app.example.com"]`, Severity: engine.SeverityWarning, Mentions: []string{"any scheme", "http://app.example.com", "origins 'https://app.example.com'"}},
		{Origins: `["*.example.com"]`, Severity: engine.SeverityError, Mentions: []string{"plain text", "never matches"}},
		{Origins: `["https://app.example.com", "null"]`, Severity: engine.SeverityError, Mentions: []string{"null origin"}},
		{Origins: `["https://app.example.com"]`},
		{Origins: `["/\\Ahttps:\\/\\/app\\.example\\.com\\z/"]`},
		{Origins: `["/^https:\\/\\/[a-z0-9-]+\\.example\\.com$/i"]`},
		{Origins: `["localhost:3000", "https://app.example.com"]`},
	})
}
