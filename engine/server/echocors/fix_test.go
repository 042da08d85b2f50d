package echocors_test

import (
	"testing"

	"corsplay/engine/server/servertest"
)

// The fixes in Echo's own options, from testdata/fixes.json (which
// libtest's TestEchoCorsFixes runs with the real echo): each blocked
// scenario gets a fix that changes middleware.CORSConfig's fields, shows
// the user's e.Use(…) line before and the one to write after (as Export
// writes it, and Import reads both back), says why for each change, and
// lets the request through.
var suite = servertest.FixSuite{Library: "echo-cors", Version: "v4.16.6",
	Page: "https://app.example.com", URL: "https://api.example.com/r", Body: true, Language: "go",
	WhyCount: "fields", Check: servertest.InProgram("echo-cors"),
	Kinds: map[string]int{"origin": 1, "credentials": 1, "method": 1, "header": 1, "lower-case method": 1}}

func TestFixes(t *testing.T) {
	t.Logf("%d cases", suite.Fixes(t, servertest.ReadCases(t, "testdata/fixes.json")))
}

// No fix when nothing safe lets the request through.
func TestNoSafeFix(t *testing.T) {
	suite.NoSafeFix(t, `{"AllowOrigins": ["https://app.example.com"]}`, `{"AllowCredentials": true}`, `{"AllowOrigins": ["null"]}`)
}
