package app

import (
	"strings"

	"github.com/maxence-charriere/go-app/v10/pkg/app"

	"corsplay/engine"
)

// OtherBrowsers sets Chrome's, Firefox's and Safari's verdicts for the same
// scenario side by side, marks those that differ from the profile shown,
// says how they differ and why, and lets a row switch the profile to that
// browser, so that its steps are on screen.
type OtherBrowsers struct {
	app.Compo
	Profile   string
	Verdict   string // the profile's verdict
	Preflight bool   // the profile sends a preflight
	Browsers  []engine.BrowserVerdict
	Reasons   []string // where the steps say the browsers differ
	ReadOnly  bool     // no switching (the embed view)
}

func (b *OtherBrowsers) Render() app.UI {
	if len(b.Browsers) == 0 {
		return app.Div().Class("browsers-none") // the evaluation stopped early
	}
	return app.Div().ID("browsers").Class("browsers").Body(
		app.Elem("h3").ID("browsers-title").Text("In other browsers"),
		b.summary(),
		app.Elem("ul").Class("browser-rows").Attr("aria-labelledby", "browsers-title").Body(
			app.Range(b.Browsers).Slice(func(i int) app.UI { return b.row(b.Browsers[i]) }),
		),
	)
}

// summary says how the verdicts differ, with the steps' reasons.
func (b *OtherBrowsers) summary() app.UI {
	sentence, reasons := engine.BrowsersDiffer(b.Browsers), strings.Join(b.Reasons, " ")
	p := app.Elem("p").ID("browsers-differ")
	switch {
	case sentence != "" && reasons != "":
		return p.Class("differs").Body(app.Elem("strong").Text(sentence), app.Text(": "+reasons))
	case sentence != "":
		return p.Class("differs").Body(app.Elem("strong").Text(sentence), app.Text("."))
	case reasons != "":
		return p.Class("differs").Body(app.Elem("strong").Text("The same verdict everywhere"), app.Text(", but: "+reasons))
	}
	return p.Class("hint").Text("Chrome, Firefox and Safari agree.")
}

func (b *OtherBrowsers) row(v engine.BrowserVerdict) app.UI {
	current := v.Browser == pickerValue(b.Profile)
	differs := !current && (v.Verdict != b.Verdict || v.Preflight != b.Preflight)
	class := "browser-row"
	if current {
		class += " current"
	}
	if differs {
		class += " differs"
	}
	return app.Elem("li").ID("browser-"+v.Browser).Class(class).Body(
		app.Div().Class("browser-head").Body(
			app.Elem("strong").Class("browser-name").Text(v.Title),
			app.Elem("span").Class("badge "+verdictBadge(v.Verdict)).Text(verdictWord(v.Verdict)),
			app.Elem("span").Class("badge muted").Text(preflightWord(v.Preflight)),
			app.If(current, func() app.UI { return app.Elem("span").Class("badge info").Text("shown above") }),
			app.If(differs, func() app.UI {
				return app.Elem("span").Class("badge warning").Text("differs from " + profileName(b.Profile))
			}),
			// Every row keeps its button, pressed on the profile shown, so
			// that the focus stays on the button just used.
			app.If(!b.ReadOnly, func() app.UI {
				return app.Button().ID("show-"+v.Browser).Class(pressedClass(current)).Value(v.Browser).
					Attr("aria-pressed", current).OnClick(b.onSwitch).Text("Show in " + v.Title)
			}),
		),
		app.If(v.Console != "", func() app.UI { return app.Div().Class("browser-line mono").Text(v.Console) }),
	)
}

func pressedClass(pressed bool) string {
	if pressed {
		return "small selected"
	}
	return "small"
}

func verdictBadge(v string) string {
	switch v {
	case engine.Allowed:
		return "ok"
	case engine.Opaque, engine.OpaqueRedirect:
		return "info"
	}
	return "bad"
}

func verdictWord(v string) string {
	switch v {
	case engine.Allowed:
		return "allowed"
	case engine.Blocked:
		return "blocked"
	case engine.Opaque:
		return "opaque"
	case engine.OpaqueRedirect:
		return "opaque redirect"
	}
	return "TypeError"
}

func preflightWord(sent bool) string {
	if sent {
		return "preflight"
	}
	return "no preflight"
}

// onSwitch shows the scenario in the row's browser; the button holds its
// profile, so one handler serves every row. The profile shown stays as it
// is (Edge stays Edge).
func (b *OtherBrowsers) onSwitch(ctx app.Context, e app.Event) {
	v := value(ctx)
	if v == pickerValue(b.Profile) {
		return
	}
	edit(ctx, func(s *engine.Scenario) { s.Browser = v })
}
