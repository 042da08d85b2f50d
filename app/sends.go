package app

import (
	"github.com/maxence-charriere/go-app/v10/pkg/app"

	"corsplay/engine"
)

// Sends shows each repeat of the request and what the preflight cache did.
type Sends struct {
	app.Compo
	Sends []engine.Send
}

func (s *Sends) Render() app.UI {
	return app.Section().Class("panel sends").Attr("aria-labelledby", "sends-title").Body(
		app.H2().ID("sends-title").Text("Repeat sends — the preflight cache"),
		app.Table().ID("sends").Body(
			app.THead().Body(app.Tr().Body(
				app.Th().Scope("col").Text("At"), app.Th().Scope("col").Text("Preflight"), app.Th().Scope("col").Text("Why"),
			)),
			app.TBody().Body(app.Range(s.Sends).Slice(func(i int) app.UI {
				d := s.Sends[i]
				return app.Tr().Body(
					app.Td().Textf("%gs", d.At),
					app.Td().Body(app.Span().Class("badge "+d.Preflight).Text(d.Preflight)),
					app.Td().Text(d.Detail),
				)
			})),
		),
	)
}
