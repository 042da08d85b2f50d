package app

import (
	"strings"
	"testing"

	"github.com/maxence-charriere/go-app/v10/pkg/app"

	"corsplay/engine"
)

// The verdict and the fetch() code of redirect "manual": fetch() resolves
// with an opaque-redirect response.
func TestOpaqueRedirectVerdict(t *testing.T) {
	s := engine.Scenario{
		V: engine.Version, Page: "https://app.example.com",
		Request: engine.Request{URL: "https://api.example.com/r", Redirect: engine.RedirectManual},
		Server: engine.Server{Raw: &engine.RawServer{Actual: &engine.Response{Status: 302, Headers: engine.Headers{
			{Name: "Location", Value: "https://api.example.com/login"}, {Name: "Access-Control-Allow-Origin", Value: "*"}}}}},
	}
	out := engine.Evaluate(s)
	if out.Verdict != engine.OpaqueRedirect {
		t.Fatalf("verdict %s, want an opaque redirect", out.Verdict)
	}
	html := app.HTMLString(newVerdict(s, out, incomplete(s), false))
	for _, want := range []string{`Opaque redirect (redirect: &#34;manual&#34;)`, `banner opaqueredirect`, "opaque redirect", `redirect: &#34;manual&#34;,`, `res.type;   // &#34;opaqueredirect&#34;`} {
		if !strings.Contains(html, want) {
			t.Errorf("the verdict's HTML lacks %s", want)
		}
	}
	if got := resultLabel(out); got != "promise resolves: opaque-redirect response" {
		t.Errorf("the diagram's result reads %q", got)
	}
}
