package honocors_test

import (
	"encoding/json"
	"strings"
	"testing"

	"corsplay/engine"
)

// TestLintFlagged: the lint reports each origin hono/cors reads otherwise than it looks (ORIGIN-016); a correct configuration gets none.
func TestLintFlagged(t *testing.T) {
	checkLint(t, "hono-cors", "origin", `{"origin": %s, "credentials": true}`, []lintCase{
		{`["*"]`, engine.SeverityError, []string{"compared as text", "origin: '*'"}},
		{`["https://app.example.com", "*"]`, engine.SeverityError, []string{"lets nobody in"}},
		{`"https://*.example.com"`, engine.SeverityError, []string{"never matches", "===", "origin: (origin) =>"}},
		{`["https://*.example.com"]`, engine.SeverityError, []string{"includes()"}},
		{`["/^https:\\/\\/app\\.example\\.com$/"]`, engine.SeverityError, []string{"never matches"}},
		{`"https://app.example.com"`, "", nil},
		{`["https://app.example.com", "https://admin.example.com"]`, "", nil},
		{`"*"`, "", nil},
	})
}

type lintCase struct {
	origins, severity string // severity "": no ORIGIN-016
	mentions          []string
}

// checkLint lints a scenario whose library options are block with %s
// replaced by each case's origins: ORIGIN-016 with its severity, in the
// library's words (option in the title) and naming the origins it
// mentions, and none of the generic regex findings saying it again.
func checkLint(t *testing.T, lib, option, block string, cases []lintCase) {
	t.Helper()
	for _, tt := range cases {
		var o map[string]json.RawMessage
		if err := json.Unmarshal([]byte(strings.Replace(block, "%s", tt.origins, 1)), &o); err != nil {
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
		case tt.severity == "" && got != nil:
			t.Errorf("%s: unexpected %+v", tt.origins, *got)
		case tt.severity == "":
		case got == nil:
			t.Errorf("%s: no ORIGIN-016 in %v", tt.origins, ids)
		case got.Severity != tt.severity || !strings.Contains(got.Title, " in "+option):
			t.Errorf("%s: %s %q, want %s in %s", tt.origins, got.Severity, got.Title, tt.severity, option)
		default:
			t.Logf("%s: %s %s | %s | %s", tt.origins, got.Severity, got.Title, got.Detail, got.Fix)
			for _, m := range tt.mentions {
				if !strings.Contains(got.Title+" "+got.Detail+" "+got.Fix, m) {
					t.Errorf("%s: %+v does not mention %q", tt.origins, *got, m)
				}
			}
			for _, id := range ids {
				if id == "ORIGIN-005" || id == "ORIGIN-006" || id == "ORIGIN-007" {
					t.Errorf("%s: %s says again, in Go's terms, what ORIGIN-016 says", tt.origins, id)
				}
			}
		}
	}
}
