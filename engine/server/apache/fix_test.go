package apache_test

import (
	"testing"

	"corsplay/engine/server/servertest"
)

// The fixes in the text itself: testdata/fixes.json lists blocked
// requests and what the fixed text holds; libtest runs the blocked and the
// fixed texts with the server itself.
func TestFixes(t *testing.T) {
	suite := servertest.FixSuite{Library: "apache", Page: "http://localhost:3000", URL: "https://api.example.com/r",
		Language: "apache", AfterHolds: true}
	t.Logf("%d cases", suite.Fixes(t, servertest.ReadCases(t, "testdata/fixes.json")))
}
