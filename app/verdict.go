package app

import (
	"slices"
	"strings"

	"github.com/maxence-charriere/go-app/v10/pkg/app"

	"corsplay/engine"
)

// Verdict shows what the page's script gets: the banner, the browser's
// console, the readable headers, the verdicts of the other browsers and the
// fetch() code.
type Verdict struct {
	app.Compo
	Outcome  engine.Outcome
	Scenario engine.Scenario
	ReadOnly bool // the embed view: nothing switches the profile
}

var verdictTitles = map[string]string{
	engine.Allowed: "Allowed",
	engine.Blocked: "Blocked by CORS",
	engine.Opaque:  "Opaque response (no-cors)",
	engine.Error:   "TypeError before sending",
}

func (v *Verdict) Render() app.UI {
	o := v.Outcome
	var summary string
	if n := len(o.Steps); n > 0 {
		summary = o.Steps[n-1].Detail
	}
	profile := browserOf(v.Scenario)
	return app.Elem("section").Class("panel verdict").Attr("aria-labelledby", "verdict-title").Body(
		app.Div().ID("verdict").Class("banner "+o.Verdict).Attr("role", "status").Body(
			app.Elem("h2").ID("verdict-title").Text(verdictTitle(o)),
			app.Elem("p").ID("verdict-summary").Text(summary),
		),
		app.If(o.Console != "" || len(o.ConsoleLines) > 0, func() app.UI {
			return &ConsoleView{Profile: profile, Lines: o.ConsoleLines, Main: o.Console, TypeError: o.TypeError, CORSError: o.CORSError,
				Thrown: o.Verdict == engine.Error && aside(o) == "", Aside: aside(o)}
		}),
		app.If(o.Verdict == engine.Allowed, func() app.UI {
			return app.Elem("p").ID("readable").Body(
				app.Elem("strong").Text("Readable headers: "),
				app.Text(orNone(strings.Join(o.ReadableHeaders, ", "))),
			)
		}),
		app.Range(o.Notes).Slice(func(i int) app.UI { return app.Elem("p").Class("note").Text(o.Notes[i]) }),
		app.If(len(o.LibraryWarnings) > 0, func() app.UI {
			return app.Elem("p").Class("note").ID("library-warnings").Text("The library logs: " + strings.Join(slices.Compact(slices.Clone(o.LibraryWarnings)), "; "))
		}),
		&OtherBrowsers{Profile: profile, Verdict: o.Verdict, Preflight: o.Preflight != nil, Browsers: o.Browsers, Reasons: differences(o.Steps), ReadOnly: v.ReadOnly},
		app.Elem("details").Class("code").Body(
			app.Elem("summary").Text("The page's fetch() code"),
			app.Elem("pre").ID("fetch-code").Class("mono").Text(fetchCode(v.Scenario, o)),
		),
	)
}

func verdictTitle(o engine.Outcome) string {
	if o.ConfigError != "" {
		return "The server would not start"
	}
	return verdictTitles[o.Verdict]
}

// aside titles a console text no browser logs: the library's refusal, a
// server that cannot start, or why corsplay stopped; "" for a browser's.
func aside(o engine.Outcome) string {
	switch {
	case o.ConfigError != "":
		return "The library's error"
	case o.Verdict != engine.Error || o.TypeError != "":
		return ""
	case len(o.Steps) > 0 && o.Steps[len(o.Steps)-1].ID == "server":
		return "The server's error"
	}
	return "Why corsplay stopped"
}

// differences are what the steps say of the browsers' differences; the verdict
// step's only repeats the verdicts, which OtherBrowsers says itself.
func differences(steps []engine.Step) []string {
	var rs []string
	for _, st := range steps {
		if st.Differs != "" && st.ID != "verdict" {
			rs = append(rs, st.Differs)
		}
	}
	return rs
}

func copyText(copied bool) string {
	if copied {
		return "Copied"
	}
	return "Copy"
}

func orNone(s string) string {
	if s == "" {
		return "none beyond the status and the body"
	}
	return s
}
