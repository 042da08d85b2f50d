package app

import "github.com/maxence-charriere/go-app/v10/pkg/app"

// Lesson shows what the preset on screen teaches.
type Lesson struct {
	app.Compo
	Title, Text string
}

func (l *Lesson) Render() app.UI {
	return app.Elem("aside").Class("lesson").Attr("aria-label", "Lesson").Body(
		app.Elem("h2").Text(l.Title),
		app.Elem("p").Text(l.Text),
	)
}
