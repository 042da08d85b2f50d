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
	return app.Elem("section").Class("panel sends").Attr("aria-labelledby", "sends-title").Body(
		app.Elem("h2").ID("sends-title").Text("Repeat sends — the preflight cache"),
		app.Elem("table").ID("sends").Body(
			app.Elem("thead").Body(app.Elem("tr").Body(
				app.Elem("th").Attr("scope", "col").Text("At"), app.Elem("th").Attr("scope", "col").Text("Preflight"), app.Elem("th").Attr("scope", "col").Text("Why"),
			)),
			app.Elem("tbody").Body(app.Range(s.Sends).Slice(func(i int) app.UI {
				d := s.Sends[i]
				return app.Elem("tr").Body(
					app.Elem("td").Textf("%gs", d.At),
					app.Elem("td").Body(app.Elem("span").Class("badge "+d.Preflight).Text(d.Preflight)),
					app.Elem("td").Text(d.Detail),
				)
			})),
		),
	)
}
