package app

import (
	"github.com/maxence-charriere/go-app/v10/pkg/app"

	"corsplay/presets"
)

// findLesson finds the lesson of the scenario on screen by its title (a
// link to an edited lesson still names it), and keeps its start.
func (p *Playground) findLesson() {
	id := presets.IDOf(p.scenario.Title)
	if id == p.lesson {
		return
	}
	p.lesson = id
	p.lessonStart, _ = presets.Lesson(id)
}

// lessonTitle is the title of the lesson on screen, "" for none.
func (p *Playground) lessonTitle() string {
	if p.lesson == "" {
		return ""
	}
	return p.lessonStart.Title
}

// lessonArea is what the course shows beside the scenario: the lesson's
// text, then its exercise.
func (p *Playground) lessonArea() app.UI {
	return app.Div().ID("course").Body(
		&Lesson{Title: p.lessonStart.Title, Text: p.lessonStart.Lesson},
		p.exercise(),
	)
}
