package gorillahandlers_test

import (
	"testing"

	"corsplay/engine/server/servertest"
)

// ImportBounds: a handlers.CORS call at and over engine.MaxInputBytes, and adversarial
// texts at it.
func TestImportBounds(t *testing.T) {
	servertest.ImportBounds(t, servertest.Syntax{Library: "gorilla-handlers",
		Text: func(v string) string { return "handlers.CORS(handlers.AllowedOrigins(" + v + "))" },
		Open: "[]string{", Sep: ", ", Close: "}", Item: `"https://a.example"`, Comment: "/*"})
}
