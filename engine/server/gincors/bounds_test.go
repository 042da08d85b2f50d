package gincors_test

import (
	"strings"
	"testing"

	"corsplay/engine/server/servertest"
)

// ImportBounds: a cors.Config literal at and over engine.MaxInputBytes, and adversarial
// texts at it.
func TestImportBounds(t *testing.T) {
	servertest.ImportBounds(t, servertest.Syntax{Library: "gin-cors",
		Text: func(v string) string { return "cors.Config{AllowOrigins: " + v + "}" },
		Open: "[]string{", Sep: ", ", Close: "}", Item: `"https://a.example"`, Comment: "/*",
		Deep: []string{"cors.Config{MaxAge: " + strings.Repeat("-", 51) + "1}", "cors.Config{MaxAge: " + strings.Repeat("(", 51) + "1" + strings.Repeat(")", 51) + "}"}})
}
