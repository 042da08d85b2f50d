package koacors_test

import (
	"strings"
	"testing"

	"corsplay/engine/server/servertest"
)

// ImportBounds: an app.use(cors({…})) call at and over engine.MaxInputBytes, and adversarial
// texts at it.
func TestImportBounds(t *testing.T) {
	servertest.ImportBounds(t, servertest.Syntax{Library: "koa-cors",
		Text: func(v string) string { return "app.use(cors({ origin: " + v + " }))" },
		Open: "[", Sep: ", ", Close: "]", Item: `"https://a.example"`, Comment: "/*",
		Deep: []string{"app.use(cors({ origin: " + strings.Repeat("[", 17) + strings.Repeat("]", 17) + " })"}})
}
