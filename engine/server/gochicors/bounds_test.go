package gochicors_test

import (
	"testing"

	"corsplay/engine/server/servertest"
)

// ImportBounds: a cors.Options literal at and over engine.MaxInputBytes, and adversarial
// texts at it.
func TestImportBounds(t *testing.T) {
	servertest.ImportBounds(t, servertest.Syntax{Library: "go-chi-cors",
		Text: func(v string) string { return "cors.Options{AllowedOrigins: " + v + "}" },
		Open: "[]string{", Sep: ", ", Close: "}", Item: `"https://a.example"`, Comment: "/*"})
}
