package app

import (
	"slices"
	"strings"

	"github.com/maxence-charriere/go-app/v10/pkg/app"

	"corsplay/engine"
)

// Verdict shows what the page's script gets: the banner, Chrome's console
// text, the readable headers and the fetch() code.
type Verdict struct {
	app.Compo
	Outcome  engine.Outcome
	Scenario engine.Scenario

	copied bool
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
	var differs []string
	for _, st := range o.Steps {
		if st.Differs != "" {
			differs = append(differs, st.Differs)
		}
	}
	return app.Elem("section").Class("panel verdict").Attr("aria-labelledby", "verdict-title").Body(
		app.Div().ID("verdict").Class("banner "+o.Verdict).Attr("role", "status").Body(
			app.Elem("h2").ID("verdict-title").Text(verdictTitle(o)),
			app.Elem("p").ID("verdict-summary").Text(summary),
		),
		app.If(o.Console != "", func() app.UI {
			return app.Div().Class("console").Body(
				app.Div().Class("console-head").Body(
					app.Elem("h3").Text(consoleTitle(o)),
					app.If(o.CORSError != "", func() app.UI { return app.Elem("code").ID("cors-error").Class("tag").Text(o.CORSError) }),
					app.Button().ID("copy-console").Class("small").OnClick(v.onCopy).Text(copyText(v.copied)),
				),
				app.Elem("pre").ID("console").Class("mono").Text(o.Console),
			)
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
		app.If(len(differs) > 0, func() app.UI {
			return app.Div().Class("differs").ID("differs").Body(
				app.Elem("h3").Text("Chrome and the Fetch standard differ here"),
				app.Elem("ul").Body(app.Range(differs).Slice(func(i int) app.UI { return app.Elem("li").Text(differs[i]) })),
			)
		}),
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

func consoleTitle(o engine.Outcome) string {
	switch {
	case o.ConfigError != "":
		return "The library's error"
	case o.Verdict == engine.Error:
		return "The TypeError"
	}
	return "Chrome's console"
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

func (v *Verdict) onCopy(ctx app.Context, e app.Event) {
	if cb := app.Window().Get("navigator").Get("clipboard"); cb.Truthy() {
		cb.Call("writeText", v.Outcome.Console)
	}
	v.copied = true
	ctx.After(2e9, func(ctx app.Context) { v.copied = false })
}
