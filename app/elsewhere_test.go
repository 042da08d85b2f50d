package app

import (
	"strings"
	"testing"

	"github.com/maxence-charriere/go-app/v10/pkg/app"
)

// The server panel lists the servers elsewhere, read-only; a link with a
// bad one says which part of the scenario is not valid.
func TestElsewhereShown(t *testing.T) {
	s := redirectScenario()
	html := app.HTMLString(&ServerPanel{Server: s.Server, Page: s.Page, Elsewhere: s.Elsewhere})
	for _, want := range []string{"Other servers a redirect reaches", "https://login.example.com/", " (raw)", `id="elsewhere-0"`} {
		if !strings.Contains(html, want) {
			t.Errorf("the server panel lacks %q", want)
		}
	}
	if html := app.HTMLString(&ServerPanel{Server: s.Server, Page: s.Page}); strings.Contains(html, "Other servers") {
		t.Error("the server panel lists other servers where there are none")
	}
	s.Elsewhere[0].URL = ""
	if p := incomplete(s); !strings.HasPrefix(p.Path, "elsewhere[0]") || p.What == "a field is not valid" {
		t.Errorf("a server elsewhere without a URL: %+v", p)
	}
}
