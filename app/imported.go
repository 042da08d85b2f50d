package app

import (
	"strings"

	"github.com/maxence-charriere/go-app/v10/pkg/app"

	"corsplay/engine"
	"corsplay/engine/evidence"
)

// importedDoneAction tells the Playground that the reader has checked what
// the import assumed.
const importedDoneAction = "corsplay/imported-done"

// assumedFields are the page's fields for the scenario fields an import
// may assume, by JSON path; the playground outlines them.
var assumedFields = map[string]string{
	"browser":              "browser",
	"page":                 "page",
	"request.method":       "method",
	"request.credentials":  "credentials",
	"request.body":         "body",
	"request.headers":      cellID(requestHeaders, 0, "name"),
	"server":               "server-title",
	"server.raw.preflight": "server-title",
	"server.raw.actual":    "server-title",
}

// Imported says where the scenario on screen came from and asks, in words,
// for each field the pasted text did not give; the page's origin, which
// Firefox never prints, can be typed right here.
type Imported struct {
	app.Compo
	From    string // evidence.Result.From
	Assumed []evidence.Assumption
	Notes   []string
	Page    string // the page's origin in the scenario now
}

func (m *Imported) Render() app.UI {
	return app.Elem("aside").ID("imported").Class("imported").Attr("aria-labelledby", "imported-title").Body(
		app.Elem("h2").ID("imported-title").Text("From "+m.From),
		app.If(len(m.Assumed) == 0, func() app.UI {
			return app.P().Text("Everything below comes from what you pasted.")
		}).Else(func() app.UI {
			return app.P().Text("corsplay filled in what the text does not say, with the most likely values (outlined below). Check these:")
		}),
		app.If(len(m.Assumed) > 0, func() app.UI {
			return app.Ul().Class("assumed").Body(app.Range(m.Assumed).Slice(func(i int) app.UI { return m.question(m.Assumed[i]) }))
		}),
		app.If(len(m.Notes) > 0, func() app.UI {
			return app.Ul().Class("hint").Body(app.Range(m.Notes).Slice(func(i int) app.UI { return app.Li().Text(m.Notes[i]) }))
		}),
		app.Button().ID("imported-done").Class("small").OnClick(func(ctx app.Context, e app.Event) { ctx.NewAction(importedDoneAction) }).Text("Done"),
	)
}

func (m *Imported) question(a evidence.Assumption) app.UI {
	li := app.Li().Attr("data-field", a.Field)
	if a.Field == "page" {
		return li.Body(
			app.Label().For("imported-page").Text(a.Why),
			app.Input().ID("imported-page").Type("url").Class("mono").Value(live("imported-page", m.Page)).
				Attr("spellcheck", "false").OnChange(m.onPage),
		)
	}
	id, ok := assumedFields[a.Field]
	return li.Body(
		app.Span().Text(a.Why+" "),
		app.If(ok, func() app.UI {
			return app.Button().Class("link").Value(id).OnClick(showField).Text("Change it")
		}),
	)
}

func (m *Imported) onPage(ctx app.Context, e app.Event) {
	page := strings.TrimSpace(value(ctx))
	edit(ctx, func(s *engine.Scenario) { s.Page = page })
}

// showField brings the field named by the button's value into view and
// gives it the focus.
func showField(ctx app.Context, e app.Event) {
	el := app.Window().GetElementByID(value(ctx))
	if !el.Truthy() {
		return
	}
	el.Call("scrollIntoView", map[string]any{"block": "center"})
	el.Call("focus")
}
