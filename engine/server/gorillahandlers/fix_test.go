package gorillahandlers_test

import (
	"testing"

	"corsplay/engine"
	"corsplay/engine/server/servertest"
)

// The fixes in gorilla/handlers's own options: testdata/fixes.json lists
// blocked requests, each with the user's call (before) and the fixed one
// (after) as the fix must print them; libtest runs the same cases with the
// real library. After "" means no fix in the library's options may be
// offered.
func TestFixes(t *testing.T) {
	suite := servertest.FixSuite{Library: "gorilla-handlers", Page: "http://localhost:3000", URL: "https://api.example.com/items",
		Language: "go", NoFix: true, WhyCount: "changes", Check: servertest.GoCode("gorilla-handlers"),
		Kind:  func(servertest.FixCase, engine.Fix, bool) string { return "fix" },
		Kinds: map[string]int{"fix": 6, "none": 1}}
	t.Logf("%d cases", suite.Fixes(t, servertest.ReadCases(t, "testdata/fixes.json")))
}
