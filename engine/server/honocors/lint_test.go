package honocors_test

import (
	"testing"

	"corsplay/engine"
	"corsplay/engine/server/servertest"
)

// TestLintFlagged: the lint reports each origin hono/cors reads otherwise than it looks (ORIGIN-016); a correct configuration gets none.
func TestLintFlagged(t *testing.T) {
	servertest.Lint(t, "hono-cors", "origin", `{"origin": %s, "credentials": true}`, []servertest.LintCase{
		{Origins: `["*"]`, Severity: engine.SeverityError, Mentions: []string{"compared as text", "origin: '*'"}},
		{Origins: `["https://app.example.com", "*"]`, Severity: engine.SeverityError, Mentions: []string{"lets nobody in"}},
		{Origins: `"https://*.example.com"`, Severity: engine.SeverityError, Mentions: []string{"never matches", "===", "origin: (origin) =>"}},
		{Origins: `["https://*.example.com"]`, Severity: engine.SeverityError, Mentions: []string{"includes()"}},
		{Origins: `["/^https:\\/\\/app\\.example\\.com$/"]`, Severity: engine.SeverityError, Mentions: []string{"never matches"}},
		{Origins: `"https://app.example.com"`},
		{Origins: `["https://app.example.com", "https://admin.example.com"]`},
		{Origins: `"*"`},
	})
}
