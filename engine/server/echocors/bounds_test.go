package echocors_test

import (
	"strings"
	"testing"

	"corsplay/engine/server/servertest"
)

// ImportBounds: a middleware.CORSConfig literal at and over engine.MaxInputBytes, and adversarial
// texts at it.
func TestImportBounds(t *testing.T) {
	servertest.ImportBounds(t, servertest.Syntax{Library: "echo-cors",
		Text: func(v string) string { return "middleware.CORSConfig{AllowOrigins: " + v + "}" },
		Open: "[]string{", Sep: ", ", Close: "}", Item: `"https://a.example"`, Comment: "/*",
		Deep: []string{"middleware.CORSConfig{MaxAge: " + strings.Repeat("-", 51) + "1}", "middleware.CORSConfig{MaxAge: " + strings.Repeat("(", 51) + "1" + strings.Repeat(")", 51) + "}"}})
}
