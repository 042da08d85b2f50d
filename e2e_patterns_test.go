//go:build !wasm

package main

import (
	"encoding/json"
	"strings"
	"testing"
	"time"

	"corsplay/engine"
)

// TestCostlyPatternsInThePage: a link whose server has patterns over the
// limits, or within them but costly for this scenario, opens with the
// refusal or the verdict at once: no pattern freezes the tab. "At once" is
// within half as long again as the default link takes in the same browser,
// and 2 s (a busy machine slows both).
func TestCostlyPatternsInThePage(t *testing.T) {
	srv := newServer(t)
	browser := newBrowser(t)
	start := time.Now()
	open(t, browser, srv.URL+"/")
	floor := time.Since(start)

	costly := preset(t, "JSON POST needs a preflight")
	costly.Page = "https://" + strings.Repeat(strings.Repeat("a", 59)+".", 34)[:engine.MaxOriginBytes-len("https://.example")] + ".example"
	costly.Server.Policy.Origins = costlyOrigins(4, "")
	tooComplex := preset(t, "JSON POST needs a preflight")
	tooComplex.Server.Policy.Origins = []string{`re:^https://(?:.?){1000}\.example\.com$`}
	flask := preset(t, "JSON POST needs a preflight")
	huge := strings.Repeat(`((?:.?){1000})`, 860) // 12 KB
	flask.Server = engine.Server{Library: &engine.Library{Name: "flask-cors", Options: map[string]json.RawMessage{"origins": mustJSON(t, []string{huge})}}}
	for _, tt := range []struct {
		name     string
		s        engine.Scenario
		sel, has string
	}{
		{"costly within the limits", costly, "#console", "corsplay stopped matching the server's patterns"},
		{"a policy pattern over the limits", tooComplex, "#policy-origins-error", "this pattern is too complex (repetition count 1000)"},
		{"a 12 KB Flask-CORS pattern", flask, "#verdict-title", "Incomplete: the library's options are not valid"},
	} {
		t.Run(tt.name, func(t *testing.T) {
			start := time.Now()
			p := open(t, browser, permalink(t, srv.URL, tt.s))
			p.waitJS(`(document.querySelector(`+jsString(tt.sel)+`)?.textContent ?? "").includes(`+jsString(tt.has)+`)`, tt.sel+" to say "+tt.has)
			if took := time.Since(start); took > floor*3/2+2*time.Second {
				t.Errorf("the link took %v to show %s, the default one %v", took, tt.sel, floor)
			}
		})
	}
}

func mustJSON(t *testing.T, v any) json.RawMessage {
	t.Helper()
	b, err := json.Marshal(v)
	if err != nil {
		t.Fatal(err)
	}
	return b
}
