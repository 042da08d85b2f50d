package fastifycors_test

import (
	"strings"
	"testing"

	"corsplay/engine/server/servertest"
)

// ImportBounds: a fastify.register call at and over engine.MaxInputBytes, and adversarial
// texts at it.
func TestImportBounds(t *testing.T) {
	servertest.ImportBounds(t, servertest.Syntax{Library: "fastify-cors",
		Text: func(v string) string { return "fastify.register(cors, { origin: " + v + " })" },
		Open: "[", Sep: ", ", Close: "]", Item: `"https://a.example"`, Comment: "/*",
		Deep: []string{"fastify.register(cors, { origin: " + strings.Repeat("[", 17) + strings.Repeat("]", 17) + " })"}})
}
