package rackcors_test

import (
	"strings"
	"testing"

	"corsplay/engine/server/servertest"
)

// ImportBounds: a Rack::Cors block at and over engine.MaxInputBytes, and
// adversarial texts at it.
func TestImportBounds(t *testing.T) {
	servertest.ImportBounds(t, servertest.Syntax{Library: "rack-cors",
		Text: func(v string) string {
			return "use Rack::Cors do\n  allow do\n    origins " + v + "\n    resource '*', headers: :any, methods: [:get]\n  end\nend\n"
		},
		Open: "[", Sep: ", ", Close: "]", Item: `"https://a.example"`, Comment: "=begin\n",
		Deep: []string{"use Rack::Cors do\n  allow do\n    origins " + strings.Repeat("[", 51) + strings.Repeat("]", 51) + "\n  end\nend\n"}})
}
