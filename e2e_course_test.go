//go:build !wasm

package main

import (
	"fmt"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/chromedp/cdproto/emulation"
	cdppage "github.com/chromedp/cdproto/page"
	"github.com/chromedp/chromedp"

	"corsplay/engine"
	"corsplay/presets"
)

// The course around the lessons: the lesson's panel, Previous and Next,
// the learner's version and Reset, progress, course links, the menu, the
// printed handout. The lessons are picked from presets.Course(), whatever
// it holds.

// courseLesson is a lesson as the course has it.
type courseLesson struct {
	id      string
	s       engine.Scenario
	chapter int // 0-based
	index   int // in the whole course, 0-based
}

// courseLessons are the course's lessons in order.
func courseLessons(t *testing.T) []courseLesson {
	t.Helper()
	var ls []courseLesson
	for c, ch := range presets.Course() {
		for _, id := range ch.Lessons {
			s, ok := presets.Lesson(id)
			if !ok {
				t.Fatalf("no lesson %s", id)
			}
			ls = append(ls, courseLesson{id: id, s: s, chapter: c, index: len(ls)})
		}
	}
	if len(ls) < 3 || len(presets.Course()) < 2 {
		t.Fatalf("the course has %d lessons in %d chapters: these tests need three lessons in two chapters", len(ls), len(presets.Course()))
	}
	return ls
}

// chapterLine is what the panel says of a lesson's chapter.
func chapterLine(c int) string {
	return fmt.Sprintf("Chapter %d: %s", c+1, presets.Course()[c].Title)
}

// openLesson picks the lesson in the menu and waits for its panel.
func (p *page) openLesson(l courseLesson) {
	p.t.Helper()
	p.choosePreset(l.s.Title)
	p.waitVerdict(verdictTitles[engine.Evaluate(l.s).Verdict])
}

// expectLesson waits for the panel to show l, lesson k of n (and more
// words after n, for a course link's), and checks its chapter and text.
func (p *page) expectLesson(l courseLesson, count string) {
	p.t.Helper()
	p.waitText("#lesson-title", l.s.Title)
	p.waitText("#lesson-count", count)
	if got, want := p.text("#lesson-chapter"), chapterLine(l.chapter); got != want {
		p.t.Errorf("%s: the chapter reads %q, want %q", l.id, got, want)
	}
	if got := p.text("#lesson-text"); got != lessonText(l.s.Lesson) {
		p.t.Errorf("%s: the lesson's text reads %q", l.id, got)
	}
	p.skipPredictions()
}

// Next and Previous walk the course in order across a chapter's end: the
// chapter, "Lesson k of n", the text and the scenario follow, the lesson
// opens at step 1 with its title focused, and Next marks the lesson left
// as seen. The first lesson has no Previous, the last no Next.
func TestCourseNextAndPreviousAcrossAChapter(t *testing.T) {
	ls := courseLessons(t)
	n := len(ls)
	i := slices.IndexFunc(ls[:n-1], func(l courseLesson) bool { return ls[l.index+1].chapter != l.chapter })
	last, first := ls[i], ls[i+1]
	srv := newServer(t)
	p := open(t, newBrowser(t), srv.URL+"/")
	p.openLesson(last)
	p.expectLesson(last, fmt.Sprintf("Lesson %d of %d", i+1, n))
	p.waitJS(`/^The exchange — step 1 of/.test(document.querySelector("#exchange-title").textContent)`, "the exchange at step 1")

	p.click("#lesson-next")
	p.waitText("#lesson-title", first.s.Title)
	p.waitJS(`document.activeElement.id === "lesson-title"`, "the focus on the new lesson's title")
	p.expectLesson(first, fmt.Sprintf("Lesson %d of %d", i+2, n))
	p.waitVerdict(verdictTitles[engine.Evaluate(first.s).Verdict])
	p.waitJS(`/^The exchange — step 1 of/.test(document.querySelector("#exchange-title").textContent)`, "the next lesson's exchange at step 1")
	p.waitScenario("the next lesson in the address", func(s engine.Scenario) bool { return s.Title == first.s.Title })
	if got := p.text("#lesson-prev .to"); got != last.s.Title {
		t.Errorf("Previous names %q, want %q", got, last.s.Title)
	}

	p.click("#lesson-prev")
	p.expectLesson(last, fmt.Sprintf("Lesson %d of %d", i+1, n))
	p.click("#course-overview-open")
	p.waitJS(`document.activeElement.id === "course-overview-title"`, "the focus on the course overview")
	if !evalAs[bool](p, `!!document.querySelector('#course-chapters [data-lesson=`+jsString(last.id)+`] .mark.seen')`) {
		t.Errorf("the lesson left with Next is not marked seen in the overview")
	}

	p.choosePreset(ls[0].s.Title)
	p.waitText("#lesson-count", fmt.Sprintf("Lesson 1 of %d", n))
	if evalAs[bool](p, `!!document.querySelector("#lesson-prev")`) || !evalAs[bool](p, `!!document.querySelector("#lesson-next")`) {
		t.Errorf("the first lesson should have Next and no Previous")
	}
	p.choosePreset(ls[n-1].s.Title)
	p.waitText("#lesson-count", fmt.Sprintf("Lesson %d of %d", n, n))
	if !evalAs[bool](p, `!!document.querySelector("#lesson-prev")`) || evalAs[bool](p, `!!document.querySelector("#lesson-next")`) {
		t.Errorf("the last lesson should have Previous and no Next")
	}
}

// An edit makes the lesson the learner's version, said once, with the
// exchange at its verdict; Reset lesson brings back the start: its
// fields, its verdict, step 1, and no "Your version".
func TestYourVersionAndResetLesson(t *testing.T) {
	const method = "CORSPLAY"
	var l courseLesson
	var edited engine.Scenario
	for _, c := range courseLessons(t) {
		e := c.s.Clone()
		e.Request.Method = method
		if engine.Evaluate(e).Verdict != engine.Evaluate(c.s).Verdict {
			l, edited = c, e
			break
		}
	}
	if l.id == "" {
		t.Fatalf("no lesson's verdict changes with the method %s", method)
	}
	startVerdict, editedOut := verdictTitles[engine.Evaluate(l.s).Verdict], engine.Evaluate(edited)
	srv := newServer(t)
	p := open(t, newBrowser(t), srv.URL+"/")
	p.openLesson(l)
	startMethod := p.value("#method")
	if p.text("#lesson-version") != "" || evalAs[bool](p, `!!document.querySelector("#lesson-reset")`) {
		t.Errorf("the lesson's start says it is the learner's version")
	}
	if got := evalAs[string](p, `document.querySelector("#lesson-version").getAttribute("role")`); got != "status" {
		t.Errorf("the version line has role %q, want status", got)
	}

	p.typeInto("#method", method)
	p.waitVerdict(verdictTitles[editedOut.Verdict])
	p.waitText("#lesson-version", "Your version: you changed the lesson's scenario.")
	p.expectStep(editedOut.Steps, len(editedOut.Steps)-1, "editing the lesson")
	if got := p.text("#lesson-text"); got != lessonText(l.s.Lesson) {
		t.Errorf("after an edit the lesson's text reads %q", got)
	}

	p.click("#lesson-reset")
	p.waitVerdict(startVerdict)
	p.waitText("#lesson-version", "")
	p.waitScenario("the lesson's start", func(s engine.Scenario) bool { return s.Request.Method == l.s.Request.Method })
	if got := p.value("#method"); got != startMethod {
		t.Errorf("after Reset the method field reads %q, want %q", got, startMethod)
	}
	p.expectStep(engine.Evaluate(l.s).Steps, 0, "Reset lesson")
	if evalAs[bool](p, `!!document.querySelector("#lesson-reset")`) {
		t.Errorf("Reset lesson is still offered at the lesson's start")
	}
}

// The lesson's text stays while the learner switches the browser profile
// and edits.
func TestLessonTextStaysWhileExperimenting(t *testing.T) {
	l := courseLessons(t)[1]
	srv := newServer(t)
	p := open(t, newBrowser(t), srv.URL+"/")
	p.openLesson(l)
	count := p.text("#lesson-count")
	for _, b := range []string{engine.Firefox, engine.Safari, engine.Spec} {
		p.choose("#browser", b)
		p.waitScenario("the profile "+b, func(s engine.Scenario) bool { return s.Browser == b })
		p.expectLesson(l, count)
	}
	p.waitText("#lesson-version", "Your version: you changed the lesson's scenario.")
	p.typeInto("#url", "https://api.example.com/elsewhere")
	p.waitScenario("the new URL", func(s engine.Scenario) bool { return strings.HasSuffix(s.Request.URL, "/elsewhere") })
	p.expectLesson(l, count)
	if got := p.value("#preset"); got != l.s.Title {
		t.Errorf("the lessons menu shows %q while the lesson is edited", got)
	}
}

// stepToTheEnd steps the exchange to its last step with ▶.
func (p *page) stepToTheEnd() {
	p.t.Helper()
	for range 40 {
		if evalAs[bool](p, `document.querySelector("#step-next").disabled`) {
			return
		}
		p.click("#step-next")
	}
	p.t.Fatalf("40 presses of ▶ never reached the last step: %s", p.state())
}

// marks are the progress marks the overview shows for a lesson.
func (p *page) marks(id string) string {
	p.t.Helper()
	return evalAs[string](p, `[...document.querySelectorAll('#course-chapters [data-lesson=`+jsString(id)+`] .mark:not(.current)')].map(e => e.textContent).join(", ")`)
}

// A lesson stepped to its last step is seen, and so is one left with
// Next; the overview says so, after a reload too, until the learner
// forgets it (asked to be sure).
func TestProgressSurvivesAReload(t *testing.T) {
	ls := courseLessons(t)
	a, b := ls[0], ls[1]
	srv := newServer(t)
	p := open(t, newBrowser(t), srv.URL+"/")
	p.click("#see-course")
	p.waitJS(`document.activeElement.id === "course-overview-title"`, "the focus on the course overview")
	if got := p.text("#course-progress"); !strings.HasPrefix(got, fmt.Sprintf("You have seen 0 of %d lessons.", len(ls))) {
		t.Errorf("before any lesson the progress reads %q", got)
	}
	if evalAs[bool](p, `!!document.querySelector("#forget-progress")`) {
		t.Errorf("Forget my progress is offered with nothing to forget")
	}
	p.click(`#course-chapters [data-lesson=` + jsString(a.id) + `] .open-lesson`)
	p.expectLesson(a, fmt.Sprintf("Lesson 1 of %d", len(ls)))
	p.stepToTheEnd()
	p.click("#lesson-next")
	p.expectLesson(b, fmt.Sprintf("Lesson 2 of %d", len(ls)))
	p.click("#lesson-next") // b is seen too

	p.navigate(srv.URL + "/")
	p.click("#see-course")
	p.waitText("#course-progress", fmt.Sprintf("You have seen 2 of %d lessons. Your progress is kept in this browser only.", len(ls)))
	for _, l := range []courseLesson{a, b} {
		if got := p.marks(l.id); got != "✓ seen" {
			t.Errorf("after a reload %s is marked %q, want seen", l.id, got)
		}
	}
	if got := p.marks(ls[2].id); got != "" {
		t.Errorf("the lesson opened and not finished is marked %q", got)
	}
	stored := evalAs[string](p, `localStorage.getItem("corsplay.progress")`)
	if !strings.Contains(stored, `"`+a.id+`":{"seen":true}`) {
		t.Errorf("localStorage holds %s", stored)
	}

	p.click("#forget-progress")
	p.waitJS(`document.activeElement.id === "forget-no"`, "the question, the focus on Keep it")
	p.click("#forget-no")
	p.waitJS(`document.activeElement.id === "forget-progress"`, "the focus back on Forget my progress")
	p.click("#forget-progress")
	p.click("#forget-yes")
	p.waitText("#course-progress", fmt.Sprintf("You have seen 0 of %d lessons. Your progress is kept in this browser only.", len(ls)))
	p.navigate(srv.URL + "/")
	p.click("#see-course")
	p.waitText("#course-progress", fmt.Sprintf("You have seen 0 of %d lessons. Your progress is kept in this browser only.", len(ls)))
	if got := p.marks(a.id); got != "" {
		t.Errorf("after Forget %s is marked %q", a.id, got)
	}
}

// A course link opens its lessons in its order as the active course:
// lesson k of n, Next in the link's order, a reload stays in it; the
// names it does not know are said and skipped; the overview lists its
// lessons and goes back to the whole course.
func TestCourseLink(t *testing.T) {
	ls := courseLessons(t)
	c, a := ls[2], ls[0]
	srv := newServer(t)
	p := open(t, newBrowser(t), srv.URL+"/#course="+c.id+",no-such-lesson,"+a.id+","+c.id)
	p.expectLesson(c, "Lesson 1 of 2 in your course link")
	if got := p.text("#link-notice"); got != "" {
		t.Errorf("a course link shows the notice %q", got)
	}
	if got, want := p.text("#course-note"), "This course link also names lessons corsplay does not have, skipped: “no-such-lesson”."; got != want {
		t.Errorf("the course note reads %q, want %q", got, want)
	}
	if evalAs[bool](p, `!!document.querySelector("#lesson-prev")`) {
		t.Errorf("the course link's first lesson has a Previous")
	}
	p.click("#lesson-next")
	p.expectLesson(a, "Lesson 2 of 2 in your course link")
	if evalAs[bool](p, `!!document.querySelector("#lesson-next")`) {
		t.Errorf("the course link's last lesson has a Next")
	}
	p.waitScenario("the second lesson in the address", func(s engine.Scenario) bool { return s.Title == a.s.Title })

	p.navigate(evalAs[string](p, `location.href`))
	p.expectLesson(a, "Lesson 2 of 2 in your course link")
	p.click("#course-overview-open")
	if got := evalAs[[]string](p, `[...document.querySelectorAll("#course-link-lessons [data-lesson]")].map(e => e.dataset.lesson)`); !slices.Equal(got, []string{c.id, a.id}) {
		t.Errorf("the overview lists the course link's lessons %v, want %v", got, []string{c.id, a.id})
	}
	p.click("#whole-course")
	p.waitText("#lesson-count", fmt.Sprintf("Lesson 1 of %d", len(ls)))
	p.navigate(evalAs[string](p, `location.href`))
	p.waitText("#lesson-count", fmt.Sprintf("Lesson 1 of %d", len(ls)))
}

// A course link lists at most 100 lessons in at most 4000 characters; at
// the limits it opens, over them it says why in words and shows the
// default scenario, and a link naming no lesson corsplay has says which.
func TestCourseLinkLimits(t *testing.T) {
	ls := courseLessons(t)
	var names []string
	for i := range 100 {
		names = append(names, ls[i%len(ls)].id)
	}
	unique := min(100, len(ls))
	filler := strings.Repeat("x", 4000-len(ls[0].id)-1)
	srv := newServer(t)
	p := open(t, newBrowser(t), srv.URL+"/")
	for _, c := range []struct {
		what, list    string
		count, notice string // "" for none
		noteHas       string
	}{
		{"100 lessons", strings.Join(names, ","), fmt.Sprintf("Lesson 1 of %d in your course link", unique), "", ""},
		{"101 lessons", strings.Join(append(names, ls[0].id), ","), "", "This course link lists 101 lessons; a course link may list at most 100. The default scenario is shown instead.", ""},
		{"4000 characters", ls[0].id + "," + filler, "Lesson 1 of 1 in your course link", "", "“" + strings.Repeat("x", 40) + "…”"},
		{"4001 characters", ls[0].id + ",x" + filler, "", "This course link is 4001 characters long; corsplay opens course links of up to 4000. The default scenario is shown instead.", ""},
		{"unknown lessons only", "nope,<img src=x onerror=alert(1)>", "", "This course link names no lesson corsplay has: “nope”, “<img src=x onerror=alert(1)>”. The default scenario is shown instead.", ""},
	} {
		p.navigate(srv.URL + "/?" + fmt.Sprint(len(c.list)) + "#course=" + c.list)
		if c.notice == "" {
			p.expectLesson(ls[0], c.count)
			if got := p.text("#link-notice"); got != "" {
				t.Errorf("%s: the notice reads %q", c.what, got)
			}
			if got := p.text("#course-note"); !strings.Contains(got, c.noteHas) {
				t.Errorf("%s: the course note reads %q, want it to contain %q", c.what, got, c.noteHas)
			}
			continue
		}
		p.waitText("#link-notice", c.notice)
		p.waitVerdict("Allowed")
		if evalAs[bool](p, `!!document.querySelector("#lesson")`) {
			t.Errorf("%s: a lesson is shown", c.what)
		}
	}
}

// The lessons menu groups the lessons by chapter, in course order.
func TestCourseMenuGrouped(t *testing.T) {
	srv := newServer(t)
	p := open(t, newBrowser(t), srv.URL+"/")
	type group struct {
		Label   string
		Lessons []string
	}
	got := evalAs[[]group](p, `[...document.querySelectorAll("#preset > optgroup")].map(g => ({Label: g.label, Lessons: [...g.querySelectorAll("option")].map(o => o.textContent)}))`)
	var want []group
	for i, ch := range presets.Course() {
		g := group{Label: fmt.Sprintf("%d. %s", i+1, ch.Title)}
		for _, id := range ch.Lessons {
			s, _ := presets.Lesson(id)
			g.Lessons = append(g.Lessons, s.Title)
		}
		want = append(want, g)
	}
	if fmt.Sprint(got) != fmt.Sprint(want) {
		t.Errorf("the lessons menu's groups are\n  %v\nwant\n  %v", got, want)
	}
	if n := evalAs[int](p, `document.querySelectorAll("#preset > option").length`); n != 1 {
		t.Errorf("%d options outside the chapters, want only the placeholder", n)
	}
}

// A teacher ticks lessons in the overview and copies a course link to
// them, in course order, which opens them.
func TestCourseLinkMaker(t *testing.T) {
	ls := courseLessons(t)
	srv := newServer(t)
	p := open(t, newBrowser(t), srv.URL+"/")
	p.eval(`navigator.clipboard.writeText = t => { window.copied = t; return Promise.resolve(); }`)
	p.click("#see-course")
	p.click("#make-course-link")
	p.waitJS(`document.querySelector("#copy-course-link").disabled`, "Copy course link off with no lesson ticked")
	for _, l := range []courseLesson{ls[2], ls[0]} {
		p.click(`#course-chapters [data-lesson=` + jsString(l.id) + `] .tick`)
	}
	p.waitText("#copy-course-link", "Copy course link (2 lessons)")
	p.click("#copy-course-link")
	p.waitText("#copy-course-link", "Course link copied (2 lessons)")
	link := evalAs[string](p, `window.copied`)
	if want := srv.URL + "/#course=" + ls[0].id + "," + ls[2].id; link != want {
		t.Fatalf("the course link is %q, want %q", link, want)
	}
	p.navigate(link)
	p.expectLesson(ls[0], "Lesson 1 of 2 in your course link")
	p.click("#lesson-next")
	p.expectLesson(ls[2], "Lesson 2 of 2 in your course link")
}

// handoutLesson is the course's lesson with the most for a handout:
// predictions, a challenge, what to look at.
func handoutLesson(t *testing.T) courseLesson {
	t.Helper()
	score := func(l courseLesson) int {
		n := len(l.s.Predict)
		if l.s.Challenge != nil {
			n++
		}
		if l.s.Look != "" {
			n++
		}
		return n
	}
	ls := courseLessons(t)
	best := ls[0]
	for _, l := range ls {
		if score(l) > score(best) {
			best = l
		}
	}
	return best
}

// Printed, a lesson is a handout: its title, text and what to look at,
// the predictions' questions with empty boxes, the challenge's goal, the
// exchange's steps; no top bar, form or button. Print this lesson prints.
func TestLessonPrintHandout(t *testing.T) {
	l := handoutLesson(t)
	out := engine.Evaluate(l.s)
	srv := newServer(t)
	p := open(t, newBrowser(t), srv.URL+"/")
	p.openLesson(l)
	p.eval(`window.print = () => { window.printed = true; }`)
	p.click("#lesson-print")
	p.waitJS(`window.printed === true`, "Print this lesson to print")
	shown := func(sel string) bool {
		return evalAs[bool](p, `(() => { const e = document.querySelector(`+jsString(sel)+`); return !!e && e.getClientRects().length > 0 && getComputedStyle(e).visibility !== "hidden"; })()`)
	}
	if shown("#handout") {
		t.Errorf("the handout shows on screen")
	}
	if _, err := chromedp.Call(p.ctx, emulation.SetEmulatedMedia, emulation.SetEmulatedMediaParams{Media: "print"}); err != nil {
		t.Fatal(err)
	}
	p.waitJS(`matchMedia("print").matches`, "print media")
	for _, sel := range []string{"#lesson-title", "#lesson-text", "#lesson-chapter", "#handout-steps"} {
		if !shown(sel) {
			t.Errorf("printed, %s is not shown", sel)
		}
	}
	if l.s.Look != "" && p.text("#lesson-look") != l.s.Look || l.s.Look != "" && !shown("#lesson-look") {
		t.Errorf("printed, what to look at is not shown")
	}
	if got := evalAs[[]string](p, `[...document.querySelectorAll("#handout-steps > li strong")].map(e => e.textContent)`); len(got) != len(out.Steps) {
		t.Errorf("the handout lists %d steps, want %d", len(got), len(out.Steps))
	}
	type question struct {
		Question string
		Choices  []string
		Box      string
	}
	got := evalAs[[]question](p, `[...document.querySelectorAll("#handout-questions > li")].map(q => ({Question: q.querySelector("p").textContent,
		Choices: [...q.querySelectorAll(".choices li")].map(c => c.textContent), Box: getComputedStyle(q.querySelector(".choices li"), "::before").content}))`)
	if len(got) != len(l.s.Predict) {
		t.Errorf("the handout asks %d questions, want %d", len(got), len(l.s.Predict))
	}
	for i, q := range got {
		r := l.s.Predict[i].Reveal(l.s, out)
		if q.Question != r.Question || !slices.Equal(q.Choices, r.Choices) || !strings.Contains(q.Box, "☐") {
			t.Errorf("question %d reads %+v, want %q %v with boxes", i+1, q, r.Question, r.Choices)
		}
	}
	if l.s.Challenge != nil && (!shown("#handout-goal") || p.text("#handout-goal") != l.s.Challenge.Goal) {
		t.Errorf("printed, the challenge's goal is not shown")
	}
	if shownControls := evalAs[[]string](p, `[...document.querySelectorAll("header.topbar, #setup, main, button, input, select, textarea, nav")]
		.filter(e => e.getClientRects().length > 0).map(e => e.tagName.toLowerCase() + (e.id ? "#" + e.id : ""))`); len(shownControls) > 0 {
		t.Errorf("printed, the page shows its controls: %v", shownControls)
	}
	if pdf, err := chromedp.Call(p.ctx, cdppage.PrintToPDF, cdppage.PrintToPDFParams{}); err != nil || !strings.HasPrefix(string(pdf.Data), "%PDF") {
		t.Errorf("print to PDF: %d bytes, %v", len(pdf.Data), err)
	}
}

// The lesson with its course panel and the overview, at each width, light
// and dark: nothing sideways, the diagram fits, axe finds nothing serious.
// make screens writes the screenshots to docs/screens.
func TestCourseLayout(t *testing.T) {
	l := handoutLesson(t)
	srv := newServer(t)
	p := open(t, newBrowser(t), srv.URL+"/")
	p.openLesson(l)
	p.click("#course-overview-open")
	p.waitJS(`!!document.querySelector("#course-overview")`, "the course overview")
	p.click("#make-course-link")
	dir := shotsDir()
	for _, w := range layoutWidths {
		for _, scheme := range []string{"light", "dark"} {
			name := fmt.Sprintf("lesson-%d-%s", w.width, scheme)
			p.emulate(w.width, w.height, scheme)
			p.eval(`window.scrollTo(0, 0)`)
			if over := p.sidewaysOverflow(); over != "" {
				t.Errorf("%s: the page scrolls sideways: %s", name, over)
			}
			for _, problem := range p.diagramLayoutProblems() {
				t.Errorf("%s: diagram: %s", name, problem)
			}
			p.checkAxe(name)
			p.eval(`document.querySelector("#lesson").scrollIntoView()`)
			p.screenshot(filepath.Join(dir, name+".png"), "")
			p.screenshot(filepath.Join(dir, name+"-course.png"), "#course")
		}
	}
}

// lessonText is a lesson's text as the panel shows it: its paragraphs, one
// <p> each, read as one text.
func lessonText(text string) string {
	var ps []string
	for _, p := range strings.Split(strings.TrimSpace(text), "\n\n") {
		ps = append(ps, strings.TrimSpace(p))
	}
	return strings.Join(ps, "")
}
