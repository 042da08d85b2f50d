package app

import "github.com/maxence-charriere/go-app/v10/pkg/app"

// Lesson shows what the preset on screen teaches.
type Lesson struct {
	app.Compo
	Title, Text string
}

func (l *Lesson) Render() app.UI {
	return app.Aside().Class("lesson").Attr("aria-label", "Lesson").Body(
		app.H2().Text(l.Title),
		app.P().Text(l.Text),
	)
}
