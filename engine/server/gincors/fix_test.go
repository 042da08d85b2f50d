package gincors_test

import (
	"strings"
	"testing"

	"corsplay/engine"
	"corsplay/engine/server/servertest"
)

// The fixes in gin-contrib/cors's own options, from testdata/fixes.json
// (which libtest's TestGinCorsFixes runs with the real gin-contrib/cors):
// each blocked scenario, or configuration cors.New panics on, gets a fix
// that changes cors.Config's fields, shows the user's configuration before
// and the one to write after (as Export writes it, and Import reads both
// back), says why for each change, and lets the request through.
var suite = servertest.FixSuite{Library: "gin-cors", Version: "v1.7.7",
	Page: "https://app.example.com", URL: "https://api.example.com/r", Body: true, Language: "go",
	Refused: true, WhyCount: "fields",
	Check: func(t *testing.T, c servertest.FixCase, s engine.Scenario, f engine.Fix) {
		// cors.New's panic is an error: the server does not start.
		if refused := engine.Evaluate(s).ConfigError != ""; refused != strings.HasPrefix(c.Name, "refused:") {
			t.Errorf("cors.New refuses it: %v", refused)
		}
		servertest.InProgram("gin-cors")(t, c, s, f)
	},
	Kinds: map[string]int{"origin": 1, "credentials": 1, "method": 1, "header": 1, "lower-case method": 1, "refused": 1, "status": 1}}

func TestFixes(t *testing.T) {
	t.Logf("%d cases", suite.Fixes(t, servertest.ReadCases(t, "testdata/fixes.json")))
}

// No fix when nothing safe lets the request through.
func TestNoSafeFix(t *testing.T) {
	suite.NoSafeFix(t, `{"AllowOrigins": ["https://app.example.com"]}`, `{"AllowAllOrigins": true, "AllowCredentials": true}`, `{"DefaultConfig": true, "AllowOrigins": ["*"]}`)
}
