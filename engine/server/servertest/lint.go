package servertest

import (
	"encoding/json"
	"strings"
	"testing"

	"corsplay/engine"
)

// LintCase is a library's origins option and what the lint says of it.
type LintCase struct {
	Origins  string   // the option's JSON
	Severity string   // ORIGIN-016's; "" for none
	Mentions []string // what its title, detail and fix name
}

// Lint lints a scenario whose library options are block with %s replaced
// by each case's origins, one subtest each: ORIGIN-016 (an origins entry
// the library reads otherwise than it looks) with its severity, in the
// library's words (option in the title) and naming the origins it
// mentions, and none of the generic regex findings saying it again. It
// returns how many cases ran.
func Lint(t *testing.T, lib, option, block string, cases []LintCase) int {
	t.Helper()
	for _, tt := range cases {
		t.Run(tt.Origins, func(t *testing.T) {
			var o map[string]json.RawMessage
			if err := json.Unmarshal([]byte(strings.Replace(block, "%s", tt.Origins, 1)), &o); err != nil {
				t.Fatal(err)
			}
			s := engine.Scenario{V: engine.Version, Page: "https://app.example.com",
				Request: engine.Request{URL: "https://api.example.com/items", Credentials: engine.CredentialsInclude},
				Server:  engine.Server{Library: &engine.Library{Name: lib, Options: o}}}
			var got *engine.Finding
			var ids []string
			for _, f := range engine.Lint(s) {
				ids = append(ids, f.ID)
				if f.ID == "ORIGIN-016" {
					got = &f
				}
			}
			switch {
			case tt.Severity == "" && got != nil:
				t.Errorf("unexpected %+v", *got)
			case tt.Severity == "":
			case got == nil:
				t.Errorf("no ORIGIN-016 in %v", ids)
			case got.Severity != tt.Severity || !strings.Contains(got.Title, " in "+option):
				t.Errorf("%s %q, want %s in %s", got.Severity, got.Title, tt.Severity, option)
			default:
				t.Logf("%s %s | %s | %s", got.Severity, got.Title, got.Detail, got.Fix)
				for _, m := range tt.Mentions {
					if !strings.Contains(got.Title+" "+got.Detail+" "+got.Fix, m) {
						t.Errorf("%+v does not mention %q", *got, m)
					}
				}
				for _, id := range ids {
					if id == "ORIGIN-005" || id == "ORIGIN-006" || id == "ORIGIN-007" {
						t.Errorf("%s says again, in Go's terms, what ORIGIN-016 says", id)
					}
				}
			}
		})
	}
	return len(cases)
}
