package app

import (
	"bytes"
	"encoding/json"
	"fmt"
	"slices"
	"sync"

	"github.com/maxence-charriere/go-app/v10/pkg/app"

	"corsplay/engine"
	"corsplay/presets"
)

// Actions of the course's controls to the Playground.
const (
	openLessonAction  = "corsplay/open-lesson"  // value: a lesson ID
	resetLessonAction = "corsplay/reset-lesson" // the lesson's start again
	overviewAction    = "corsplay/overview"     // value: bool, the course overview shown
	wholeCourseAction = "corsplay/whole-course" // leave a course link's lessons
	focusAction       = "corsplay/focus"        // value: the ID of the element to focus once on screen
)

// courseState is the course around the lesson on screen.
type courseState struct {
	link     []string // the active course when a course link set one; nil for the whole course
	note     string   // the lessons the course link named that corsplay does not have
	overview bool     // the course overview is shown
	progress progress
	start    []byte // the lesson's start as JSON, to tell the learner's version from it
	edited   bool   // the scenario is not the lesson's start: the learner's version
}

// lessonTitles maps each lesson ID to its title, read once.
var lessonTitles = sync.OnceValue(func() map[string]string {
	m := map[string]string{}
	titles := presets.Titles()
	for i, id := range presets.IDs() {
		if i < len(titles) {
			m[id] = titles[i]
		}
	}
	return m
})

// findLesson finds the lesson of the scenario on screen by its title (a
// link to an edited lesson still names it), and keeps its start.
func (p *Playground) findLesson() {
	id := presets.IDOf(p.scenario.Title)
	if id == p.lesson {
		return
	}
	p.lesson = id
	p.lessonStart, _ = presets.Lesson(id)
	p.course.start = canonical(p.lessonStart)
}

// canonical is a scenario's JSON, which two equal scenarios share.
func canonical(s engine.Scenario) []byte {
	b, _ := json.Marshal(s)
	return b
}

// compareLesson notes whether the scenario on screen is the learner's
// version of the lesson rather than its start.
func (p *Playground) compareLesson() {
	p.course.edited = p.lesson != "" && !bytes.Equal(canonical(p.scenario), p.course.start)
}

// atLessonStart reports whether a lesson is on screen as the course has it.
func (p *Playground) atLessonStart() bool { return p.lesson != "" && !p.course.edited }

// lessonTitle is the title of the lesson on screen, "" for none.
func (p *Playground) lessonTitle() string {
	if p.lesson == "" {
		return ""
	}
	return p.lessonStart.Title
}

// courseOf is the active course's lessons when it has the lesson id, and
// the whole course otherwise.
func (p *Playground) courseOf(id string) (ids []string, fromLink bool) {
	if slices.Contains(p.course.link, id) {
		return p.course.link, true
	}
	return presets.IDs(), false
}

// chapterOf names the chapter of the lesson id: "Chapter 2: …".
func chapterOf(id string) string {
	for i, ch := range presets.Course() {
		if slices.Contains(ch.Lessons, id) {
			return fmt.Sprintf("Chapter %d: %s", i+1, ch.Title)
		}
	}
	return ""
}

// lessonArea is what the course shows above the scenario: the course
// overview when asked for, the lesson's panel and its exercise, and the
// handout that is printed. A linked scenario with a lesson of its own
// shows that lesson, outside the course.
func (p *Playground) lessonArea() app.UI {
	s := p.scenario
	if p.lesson == "" && !p.course.overview && s.Lesson == "" && s.Challenge == nil {
		return app.If(false, nil)
	}
	return app.Div().ID("course").Body(
		app.If(p.course.overview, func() app.UI {
			return &CourseOverview{Link: p.course.link, Current: p.lesson, Progress: p.course.progress}
		}),
		app.If(p.lesson != "", func() app.UI {
			return app.Div().Class("lesson-area").Body(p.lessonPanel(), p.exercise(), p.handout())
		}).ElseIf(s.Lesson != "", func() app.UI {
			// A linked scenario's own lesson, outside the course.
			return app.Div().Class("lesson-area").Body(&Lesson{Title: s.Title, Text: s.Lesson, Look: s.Look}, p.exercise())
		}).Else(p.exercise),
	)
}

// lessonPanel is the lesson on screen in its course.
func (p *Playground) lessonPanel() app.UI {
	id, start := p.lesson, p.lessonStart
	ids, fromLink := p.courseOf(id)
	i := slices.Index(ids, id)
	l := &Lesson{ID: id, Title: start.Title, Text: start.Lesson, Look: start.Look, Chapter: chapterOf(id),
		Index: i + 1, Count: len(ids), FromLink: fromLink, Edited: p.course.edited, Note: p.course.note, Overview: p.course.overview}
	titles := lessonTitles()
	if i > 0 {
		l.Prev, l.PrevTitle = ids[i-1], titles[ids[i-1]]
	}
	if i >= 0 && i+1 < len(ids) {
		l.Next, l.NextTitle = ids[i+1], titles[ids[i+1]]
	}
	return l
}

// takeCourse sets the active course, a course link's or the one the
// browser kept, and reads the progress kept.
func (p *Playground) takeCourse(ctx app.Context) {
	if !app.IsClient {
		return
	}
	p.course.progress = loadProgress(ctx)
	if c, ok := readCourseLink(linkFragment(ctx)); ok && c.problem == "" {
		p.course.link, p.course.note = c.ids, c.note()
		ctx.LocalStorage().Set(courseKey, c.ids)
		return
	}
	var kept []string
	ctx.LocalStorage().Get(courseKey, &kept)
	p.course.link = knownLessons(kept)
}

// handleCourse listens to the course's controls.
func (p *Playground) handleCourse(ctx app.Context) {
	ctx.Handle(openLessonAction, func(ctx app.Context, a app.Action) {
		if id, ok := a.Value.(string); ok {
			p.openLesson(ctx, id)
		}
	})
	ctx.Handle(resetLessonAction, func(ctx app.Context, a app.Action) { p.openLesson(ctx, p.lesson) })
	ctx.Handle(overviewAction, func(ctx app.Context, a app.Action) {
		open, _ := a.Value.(bool)
		p.course.overview = open
		focus := "course-overview-title"
		if !open {
			focus = "course-overview-open"
		}
		focusOn(ctx, focus)
	})
	ctx.Handle(wholeCourseAction, func(ctx app.Context, a app.Action) {
		p.course.link, p.course.note = nil, ""
		ctx.LocalStorage().Del(courseKey)
	})
	// The Playground stays mounted: a control that goes away with its
	// click (Forget my progress) cannot focus what replaces it itself.
	ctx.Handle(focusAction, func(ctx app.Context, a app.Action) {
		if id, ok := a.Value.(string); ok {
			focusOn(ctx, id)
		}
	})
	ctx.Handle(progressAction, func(ctx app.Context, a app.Action) { p.course.progress = loadProgress(ctx) })
	ctx.Handle(lastStepAction, func(ctx app.Context, a app.Action) {
		if p.lesson != "" && !p.course.progress[p.lesson].Seen {
			recordProgress(ctx, p.lesson, func(lp *lessonProgress) { lp.Seen = true })
		}
	})
}

// openLesson shows the lesson with the ID id as the course has it, its
// title focused.
func (p *Playground) openLesson(ctx app.Context, id string) {
	s, ok := presets.Lesson(id)
	if !ok {
		return
	}
	if id != p.lesson {
		p.course.note = ""
	}
	p.scenario = s
	p.behind = nil
	p.findLesson()
	p.notice, p.imported, p.begun, p.course.overview = "", nil, true, false
	p.changed(ctx)
	focusOn(ctx, "lesson-title")
}

// focusOn moves the focus to the element id once it is on screen, and
// scrolls it into view. ctx must be of an element that stays on screen.
func focusOn(ctx app.Context, id string) {
	ctx.Defer(func(app.Context) {
		if el := app.Window().GetElementByID(id); el.Truthy() {
			el.Call("scrollIntoView", map[string]any{"block": "nearest"})
			el.Call("focus", map[string]any{"preventScroll": true})
		}
	})
}
