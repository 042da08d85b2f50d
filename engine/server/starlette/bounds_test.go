package starlette_test

import (
	"strings"
	"testing"

	"corsplay/engine/server/servertest"
)

// ImportBounds: an add_middleware call at and over engine.MaxInputBytes,
// and adversarial texts at it.
func TestImportBounds(t *testing.T) {
	servertest.ImportBounds(t, servertest.Syntax{Library: "starlette",
		Text: func(v string) string { return "app.add_middleware(CORSMiddleware, allow_origins=" + v + ")" },
		Open: "[", Sep: ", ", Close: "]", Item: `"https://a.example"`, Comment: `"""`,
		Deep: []string{"app.add_middleware(CORSMiddleware, allow_origins=" + strings.Repeat("[", 52) + strings.Repeat("]", 52) + ")"}})
}
