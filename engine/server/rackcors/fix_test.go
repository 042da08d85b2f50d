package rackcors_test

import (
	"encoding/json"
	"testing"

	"corsplay/engine"
	"corsplay/engine/server"
	"corsplay/engine/server/servertest"
)

// The fixes in rack-cors's own DSL: testdata/fixes.json lists blocked
// requests (or configurations rack-cors raises on while its block runs),
// each with the user's configuration as a Rails app inserts it (before)
// and the fixed one (after) as the fix must print them, and a substring of
// each why-line; libtest runs the same cases with the real library, as
// JSON options and as the printed code. After "" means no fix in the
// library's options may be offered.
func TestFixes(t *testing.T) {
	l, _ := server.Lookup("rack-cors", "")
	suite := servertest.FixSuite{Library: "rack-cors", Version: "1.1.1", Page: "http://localhost:3000", URL: "https://api.example.com/r",
		Language: "ruby", Refused: true, NoFix: true, WhyCount: "each",
		// The code reads back as the options, before and after (where the
		// build carries the reader: the command's).
		Check: func(t *testing.T, c servertest.FixCase, s engine.Scenario, f engine.Fix) {
			if !servertest.CommandParts(t, l) {
				return
			}
			for _, x := range []struct {
				code string
				opts map[string]json.RawMessage
			}{{f.Code.Before, c.Options}, {f.Code.After, f.Server.Library.Options}} {
				opts, err := l.Import(x.code)
				if err != nil {
					t.Errorf("Import(%q): %v", x.code, err)
				} else if a, b := canonical(t, opts), canonical(t, x.opts); a != b {
					t.Errorf("Import of the code is %s, want %s", a, b)
				}
			}
		},
		Kind:  func(servertest.FixCase, engine.Fix, bool) string { return "fix" },
		Kinds: map[string]int{"fix": 6, "none": 1}}
	t.Logf("%d cases", suite.Fixes(t, servertest.ReadCases(t, "testdata/fixes.json")))
}

func canonical(t *testing.T, m map[string]json.RawMessage) string {
	t.Helper()
	b, _ := json.Marshal(m)
	var v any
	if err := json.Unmarshal(b, &v); err != nil {
		t.Fatal(err)
	}
	b, _ = json.Marshal(v)
	return string(b)
}
