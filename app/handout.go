package app

import (
	"github.com/maxence-charriere/go-app/v10/pkg/app"

	"corsplay/engine"
)

// handout is the part of a lesson only paper shows (see the print style
// sheet in app.css): the predictions' questions with empty boxes for the
// answers, the challenge's goal and the exchange's steps as a list. The
// lesson's title, text and what to look at are printed from its panel.
func (p *Playground) handout() app.UI {
	start := p.lessonStart
	var questions []engine.Reveal
	for _, pr := range start.Predict {
		questions = append(questions, pr.Reveal(p.scenario, p.out))
	}
	steps := p.out.Steps
	if p.bad.Path != "" {
		steps = nil // an incomplete scenario has no browser's exchange
	}
	return app.Div().ID("handout").Class("handout").Body(
		app.If(len(questions) > 0, func() app.UI {
			return app.Elem("section").Class("handout-part").Body(
				app.Elem("h3").Text("Before you step through: what will happen?"),
				app.Ol().ID("handout-questions").Body(
					app.Range(questions).Slice(func(i int) app.UI {
						q := questions[i]
						return app.Li().Body(
							app.P().Text(q.Question),
							app.Ul().Class("choices").Body(
								app.Range(q.Choices).Slice(func(j int) app.UI { return app.Li().Text(q.Choices[j]) }),
							),
						)
					}),
				),
			)
		}),
		app.If(start.Challenge != nil, func() app.UI {
			return app.Elem("section").Class("handout-part").Body(
				app.Elem("h3").Text("Challenge"),
				app.P().ID("handout-goal").Text(start.Challenge.Goal),
			)
		}),
		app.If(len(steps) > 0, func() app.UI {
			return app.Elem("section").Class("handout-part").Body(
				app.Elem("h3").Text("The exchange, step by step"),
				app.Ol().ID("handout-steps").Body(
					app.Range(steps).Slice(func(i int) app.UI {
						return app.Li().Body(app.Elem("strong").Text(steps[i].Title), app.Text(" — "+steps[i].Detail))
					}),
				),
			)
		}),
	)
}
