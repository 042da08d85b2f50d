package flaskcors_test

import (
	"strings"
	"testing"

	"corsplay/engine/server/servertest"
)

// ImportBounds: a CORS(app, …) call at and over engine.MaxInputBytes, and
// adversarial texts at it.
func TestImportBounds(t *testing.T) {
	servertest.ImportBounds(t, servertest.Syntax{Library: "flask-cors", Version: "6.0.2",
		Text: func(v string) string { return "CORS(app, origins=" + v + ")" },
		Open: "[", Sep: ", ", Close: "]", Item: `"https://a.example"`, Comment: `"""`,
		Deep: []string{"CORS(app, origins=" + strings.Repeat("[", 52) + strings.Repeat("]", 52) + ")"}})
}
