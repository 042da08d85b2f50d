package koacors_test

import (
	"testing"

	"corsplay/engine"
	"corsplay/engine/server/servertest"
)

// TestLintFlagged: the lint reports each origin @koa/cors reads otherwise than it looks (ORIGIN-016); a correct configuration gets none.
func TestLintFlagged(t *testing.T) {
	servertest.Lint(t, "koa-cors", "origin", `{"origin": %s, "credentials": true}`, []servertest.LintCase{
		{Origins: `["https://app.example.com", "https://admin.example.com"]`, Severity: engine.SeverityError, Mentions: []string{"several Access-Control-Allow-Origin lines", "refuse", ".includes(ctx.get('Origin'))"}},
		{Origins: `"https://*.example.com"`, Severity: engine.SeverityError, Mentions: []string{"sent as text", "Access-Control-Allow-Origin: https://*.example.com"}},
		{Origins: `"/^https:\\/\\/app\\.example\\.com$/"`, Severity: engine.SeverityError, Mentions: []string{"sent as text"}},
		{Origins: `"https://app.example.com"`},
		{Origins: `["https://app.example.com"]`},
	})
}
