package app

import (
	"github.com/maxence-charriere/go-app/v10/pkg/app"

	"corsplay/engine"
)

// Embed is the read-only view of a linked scenario for iframes in docs and
// blog posts, at /embed#s1=…: the verdict, the exchange with its steps, and
// a link that opens the scenario in the playground. The server lets any
// site frame this page, and no other.
type Embed struct {
	app.Compo

	scenario engine.Scenario
	out      engine.Outcome
	notice   string
	link     string // the playground's address for this scenario
}

func (e *Embed) OnNav(ctx app.Context) {
	ctx.Page().SetImage(previewImage)
	e.scenario, e.notice = linkedScenario(ctx)
	e.out = engine.Evaluate(e.scenario)
	e.link = "/"
	if u := ctx.Page().URL(); u.Fragment != "" && e.notice == "" {
		e.link = "/#" + u.EscapedFragment()
	}
}

func (e *Embed) Render() app.UI {
	title := e.scenario.Title
	if title == "" {
		title = "A fetch() from " + e.scenario.Page + " to " + e.scenario.Request.URL
	}
	bad := incomplete(e.scenario)
	return app.Div().Class("page embed").Body(
		app.Elem("header").Class("embed-head").Body(
			app.Elem("h1").ID("embed-title").Text(title),
			app.A().ID("embed-open").Class("button").Href(e.link).Target("_blank").Rel("noopener").Text("Open in corsplay"),
		),
		app.If(e.notice != "", func() app.UI {
			return app.Elem("p").Class("notice").Attr("role", "alert").ID("link-notice").Text(e.notice)
		}),
		app.Elem("main").Class("embed-body").Body(
			newVerdict(e.scenario, e.out, bad, true),
			app.If(bad.Path == "", func() app.UI { return &Exchange{Outcome: e.out, Page: e.scenario.Page} }),
		),
	)
}
