package app

import (
	"fmt"
	"strings"

	"github.com/maxence-charriere/go-app/v10/pkg/app"
)

// Lesson shows what the lesson on screen teaches, where it is in the
// course, and the way on. Its text stays while the learner experiments.
type Lesson struct {
	app.Compo
	ID                string // "" for a linked scenario's own lesson, outside the course
	Title, Text, Look string
	Chapter           string // "Chapter 2: …"
	Index, Count      int    // its place in the active course: lesson Index of Count
	FromLink          bool   // the active course is a course link's
	// The lessons before and after it in the active course, "" for none.
	Prev, PrevTitle, Next, NextTitle string
	Edited                           bool   // the scenario is the learner's version
	Note                             string // what the course link could not open
	Overview                         bool   // the course overview is shown
}

func (l *Lesson) Render() app.UI {
	course := l.ID != ""
	return app.Elem("aside").ID("lesson").Class("lesson").Attr("aria-labelledby", "lesson-title").Body(
		app.If(course, func() app.UI {
			return app.Div().Class("lesson-where").Body(
				app.Elem("span").ID("lesson-chapter").Text(l.Chapter),
				app.Elem("span").ID("lesson-count").Text(l.count()),
			)
		}),
		app.Elem("h2").ID("lesson-title").Attr("tabindex", -1).Text(l.Title),
		app.Div().ID("lesson-text").Body(app.Range(paragraphs(l.Text)).Slice(func(i int) app.UI {
			return app.P().Text(paragraphs(l.Text)[i])
		})),
		app.If(l.Look != "", func() app.UI {
			return app.Div().Class("lesson-look").Body(
				app.Elem("h3").Text("What to look at"),
				app.P().ID("lesson-look").Text(l.Look),
			)
		}),
		app.If(course, l.course),
	)
}

// count is "Lesson k of n", and whose course it is.
func (l *Lesson) count() string {
	s := fmt.Sprintf("Lesson %d of %d", l.Index, l.Count)
	if l.FromLink {
		s += " in your course link"
	}
	return s
}

// course is the lesson's controls: the learner's version and Reset, the
// course link's note, Previous, the overview and Next, Print.
func (l *Lesson) course() app.UI {
	version := ""
	if l.Edited {
		version = "Your version: you changed the lesson's scenario."
	}
	return app.Div().Class("lesson-controls").Body(
		app.Div().Class("lesson-version").Body(
			// Said once when the learner's first edit makes it theirs.
			app.P().ID("lesson-version").Attr("role", "status").Text(version),
			app.If(l.Edited, func() app.UI {
				return app.Button().ID("lesson-reset").Class("small").OnClick(l.onReset).Text("Reset lesson")
			}),
		),
		app.If(l.Note != "", func() app.UI {
			return app.P().ID("course-note").Class("problem").Text(l.Note)
		}),
		app.Elem("nav").Class("lesson-nav").Attr("aria-label", "Lessons").Body(
			app.If(l.Prev != "", func() app.UI {
				return app.Button().ID("lesson-prev").Class("lesson-step").OnClick(l.onPrev).Body(
					app.Elem("span").Class("dir").Body(app.Elem("span").Attr("aria-hidden", "true").Text("← "), app.Text("Previous")),
					app.Elem("span").Class("to").Text(l.PrevTitle),
				)
			}),
			l.overviewButton(),
			app.If(l.Next != "", func() app.UI {
				return app.Button().ID("lesson-next").Class("lesson-step next").OnClick(l.onNext).Body(
					app.Elem("span").Class("dir").Body(app.Text("Next"), app.Elem("span").Attr("aria-hidden", "true").Text(" →")),
					app.Elem("span").Class("to").Text(l.NextTitle),
				)
			}),
		),
		app.Button().ID("lesson-print").Class("small").OnClick(l.onPrint).Text("Print this lesson"),
	)
}

// overviewButton shows and hides the course overview (aria-controls only
// names it while it is there).
func (l *Lesson) overviewButton() app.UI {
	b := app.Button().ID("course-overview-open").Attr("aria-expanded", l.Overview).OnClick(l.onOverview).Text("Course overview")
	if l.Overview {
		b = b.Attr("aria-controls", "course-overview")
	}
	return b
}

func (l *Lesson) onReset(ctx app.Context, e app.Event) { ctx.NewAction(resetLessonAction) }

func (l *Lesson) onPrev(ctx app.Context, e app.Event) {
	ctx.NewActionWithValue(openLessonAction, l.Prev)
}

// onNext moves on: the lesson left with Next is seen.
func (l *Lesson) onNext(ctx app.Context, e app.Event) {
	recordProgress(ctx, l.ID, func(lp *lessonProgress) { lp.Seen = true })
	ctx.NewActionWithValue(openLessonAction, l.Next)
}

func (l *Lesson) onOverview(ctx app.Context, e app.Event) {
	ctx.NewActionWithValue(overviewAction, !l.Overview)
}

// onPrint prints the lesson's handout (the print style sheet in app.css).
func (l *Lesson) onPrint(ctx app.Context, e app.Event) { app.Window().Call("print") }

// paragraphs splits a lesson's text at its blank lines.
func paragraphs(text string) []string {
	var ps []string
	for _, p := range strings.Split(strings.TrimSpace(text), "\n\n") {
		if p = strings.TrimSpace(p); p != "" {
			ps = append(ps, p)
		}
	}
	return ps
}
