package app

import (
	"fmt"

	"github.com/maxence-charriere/go-app/v10/pkg/app"

	"corsplay/presets"
)

// CourseOverview lists the chapters with their intros and lessons, each
// marked with the progress kept and opened with a click; a teacher ticks
// lessons and copies a course link to them.
type CourseOverview struct {
	app.Compo
	Link     []string // the course link's lessons, when one is the active course
	Current  string   // the lesson on screen
	Progress progress

	making bool            // the teacher is ticking lessons for a course link
	ticked map[string]bool // by lesson ID
	asking bool            // Forget my progress asks to be sure
	copy   copier
}

func (o *CourseOverview) Render() app.UI {
	chapters := presets.Course()
	return app.Elem("section").ID("course-overview").Class("course-overview").Attr("aria-labelledby", "course-overview-title").Body(
		app.Div().Class("overview-head").Body(
			app.Elem("h2").ID("course-overview-title").Attr("tabindex", -1).Text("The course"),
			app.Button().ID("course-overview-close").Class("small").OnClick(o.onClose).Text("Close"),
		),
		o.progressView(),
		app.If(len(o.Link) > 0, func() app.UI {
			return app.Div().ID("course-link-lessons").Class("course-part").Body(
				app.Elem("h3").Text(fmt.Sprintf("Your course link: %s", plural(len(o.Link), "lesson"))),
				o.lessons(o.Link),
				app.Button().ID("whole-course").Class("small").OnClick(o.onWholeCourse).Text("Back to the whole course"),
			)
		}),
		app.Ol().ID("course-chapters").Class("chapters").Body(
			app.Range(chapters).Slice(func(i int) app.UI {
				ch := chapters[i]
				return app.Li().Class("course-part").Body(
					app.Elem("h3").Text(fmt.Sprintf("Chapter %d: %s", i+1, ch.Title)),
					app.P().Class("hint").Text(ch.Intro),
					o.lessons(ch.Lessons),
				)
			}),
		),
		o.maker(),
	)
}

// progressView says how far the learner got, and forgets it on demand.
func (o *CourseOverview) progressView() app.UI {
	seen, solved := o.Progress.seen(presets.IDs())
	text := fmt.Sprintf("You have seen %d of %d lessons", seen, len(presets.IDs()))
	if solved > 0 {
		text += fmt.Sprintf(" and solved %s", plural(solved, "challenge"))
	}
	return app.Div().Class("course-progress").Body(
		app.P().ID("course-progress").Text(text+". Your progress is kept in this browser only."),
		app.If(len(o.Progress) > 0 && !o.asking, func() app.UI {
			return app.Button().ID("forget-progress").Class("small").OnClick(o.onAsk).Text("Forget my progress")
		}),
		app.If(o.asking, func() app.UI {
			return app.Div().Class("forget-ask").Attr("role", "group").Attr("aria-labelledby", "forget-question").Body(
				app.Elem("span").ID("forget-question").Text("Forget which lessons you have seen and solved?"),
				app.Button().ID("forget-yes").Class("small").OnClick(o.onForget).Text("Forget my progress"),
				app.Button().ID("forget-no").Class("small").OnClick(o.onKeep).Text("Keep it"),
			)
		}),
	)
}

// lessons lists lessons, each marked with its progress and opened by its
// button; while a course link is made each has its tick box.
func (o *CourseOverview) lessons(ids []string) app.UI {
	titles := lessonTitles()
	return app.Ol().Class("course-lessons").Body(
		app.Range(ids).Slice(func(i int) app.UI {
			id := ids[i]
			lp := o.Progress[id]
			li := app.Li().DataSet("lesson", id)
			if id == o.Current {
				li = li.Attr("aria-current", "true")
			}
			return li.Body(
				app.If(o.making, func() app.UI {
					return app.Input().Type("checkbox").Class("tick").Checked(o.ticked[id]).
						Attr("aria-label", "Add to the course link: "+titles[id]).OnChange(o.onTick(id), app.EventScope(id))
				}),
				app.Button().Class("link open-lesson").OnClick(o.onOpen(id), app.EventScope(id)).Text(titles[id]),
				app.If(id == o.Current, func() app.UI { return app.Elem("span").Class("mark current").Text("on screen") }),
				app.If(lp.Seen, func() app.UI { return app.Elem("span").Class("mark seen").Text("✓ seen") }),
				app.If(lp.Solved, func() app.UI { return app.Elem("span").Class("mark solved").Text("★ challenge solved") }),
				app.If(len(lp.Predicted) > 0, func() app.UI {
					return app.Elem("span").Class("mark predicted").Text(plural(len(lp.Predicted), "prediction") + " answered")
				}),
			)
		}),
	)
}

// maker is the teacher's course link: tick lessons, copy the link.
func (o *CourseOverview) maker() app.UI {
	ids := o.tickedIDs()
	return app.Div().ID("course-link-maker").Class("course-part").Body(
		app.Button().ID("make-course-link").Class("small").Attr("aria-pressed", o.making).OnClick(o.onMaking).Text("Make a course link"),
		app.If(o.making, func() app.UI {
			return app.Div().Class("maker").Body(
				app.P().ID("course-link-help").Class("hint").Text(fmt.Sprintf(
					"Tick the lessons for your learners; the link opens them in course order, with Previous and Next among them (at most %d).", maxCourseLessons)),
				app.Button().ID("copy-course-link").Class("primary").Disabled(len(ids) == 0 || len(ids) > maxCourseLessons).OnClick(o.onCopy).
					Text(o.copyText(len(ids))),
				o.copy.manualField("course-link-text", "The course link", false),
			)
		}),
	)
}

// copyText is the Copy button's words, with the lessons ticked.
func (o *CourseOverview) copyText(n int) string {
	s := copyLabel(o.copy.copied(), "Course link")
	if n > 0 {
		s += " (" + plural(n, "lesson") + ")"
	}
	return s
}

// tickedIDs are the ticked lessons in course order.
func (o *CourseOverview) tickedIDs() []string {
	var ids []string
	for _, id := range presets.IDs() {
		if o.ticked[id] {
			ids = append(ids, id)
		}
	}
	return ids
}

func (o *CourseOverview) onClose(ctx app.Context, e app.Event) {
	ctx.NewActionWithValue(overviewAction, false)
}

func (o *CourseOverview) onWholeCourse(ctx app.Context, e app.Event) {
	ctx.NewAction(wholeCourseAction)
}

func (o *CourseOverview) onOpen(id string) app.EventHandler {
	return func(ctx app.Context, e app.Event) { ctx.NewActionWithValue(openLessonAction, id) }
}

func (o *CourseOverview) onTick(id string) app.EventHandler {
	return func(ctx app.Context, e app.Event) {
		if o.ticked == nil {
			o.ticked = map[string]bool{}
		}
		o.ticked[id] = checked(ctx)
	}
}

func (o *CourseOverview) onMaking(ctx app.Context, e app.Event) { o.making = !o.making }

func (o *CourseOverview) onCopy(ctx app.Context, e app.Event) {
	if ids := o.tickedIDs(); len(ids) > 0 {
		o.copy.copy(ctx, "course-link-text", courseLinkURL(ids))
	}
}

func (o *CourseOverview) onAsk(ctx app.Context, e app.Event) {
	o.asking = true
	ctx.NewActionWithValue(focusAction, "forget-no")
}

func (o *CourseOverview) onKeep(ctx app.Context, e app.Event) {
	o.asking = false
	ctx.NewActionWithValue(focusAction, "forget-progress")
}

func (o *CourseOverview) onForget(ctx app.Context, e app.Event) {
	o.asking = false
	forgetProgress(ctx)
	ctx.NewActionWithValue(focusAction, "course-overview-title")
}
