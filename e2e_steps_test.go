//go:build !wasm

package main

import (
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp/kb"

	"corsplay/engine"
	"corsplay/presets"
)

// The exchange's step-through: the buttons, Play and the keyboard.

// preset returns the preset with the title, failing the test without it.
func preset(t *testing.T, title string) engine.Scenario {
	t.Helper()
	s, ok := presets.ByTitle(title)
	if !ok {
		t.Fatalf("no preset %q", title)
	}
	return s
}

// permalink is the page's address holding s.
func permalink(t *testing.T, base string, s engine.Scenario) string {
	t.Helper()
	frag, err := engine.EncodePermalink(s)
	if err != nil {
		t.Fatal(err)
	}
	return base + "/#" + frag
}

// noLesson is s without its title, lesson and exercise: a plain link,
// which opens the exchange on its last step, the verdict (a lesson opens on
// step 1).
func noLesson(s engine.Scenario) engine.Scenario {
	s.Title, s.Lesson, s.Look, s.Predict, s.Challenge = "", "", "", nil, nil
	return s
}

// stepView is what the exchange shows of the current step.
type stepView struct {
	Title       string // #exchange-title
	Heading     string // the explanation's heading
	Detail      string // #step-detail
	Highlighted string // ids of the .current diagram elements: the row, then the numbered point
	Point       string // the text of the current point: the step's number
	Thinking    bool   // the current row is the browser deciding
	PrevOff     bool
	NextOff     bool
}

func (p *page) step() stepView {
	p.t.Helper()
	return evalAs[stepView](p, `(() => {
		const t = s => (document.querySelector(s)?.textContent ?? "").trim();
		return {
			Title: t("#exchange-title"), Heading: t("#step-explanation h3"), Detail: t("#step-detail"),
			Highlighted: [...document.querySelectorAll(".diagram .current")].map(e => e.id || e.tagName).join(" "),
			Point: t(".diagram .dot.current[aria-current=step]"),
			Thinking: !!document.querySelector(".diagram .row.current.thinking"),
			PrevOff: document.querySelector("#step-prev").disabled, NextOff: document.querySelector("#step-next").disabled,
		};
	})()`)
}

// rowOf is the diagram row of a step: its message's arrow, the browser
// deciding, or the result.
func rowOf(st engine.Step) string {
	switch {
	case st.Message != "":
		return "msg-" + st.Message
	case st.ID == "verdict":
		return "msg-result"
	}
	return "msg-browser"
}

// wantStep is what the page must show at step i (0-based) of steps: the
// counter, the highlighted row and the point with the same number.
func wantStep(steps []engine.Step, i int) stepView {
	st := steps[i]
	row := rowOf(st)
	return stepView{
		Title:   fmt.Sprintf("The exchange — step %d of %d", i+1, len(steps)),
		Heading: fmt.Sprintf("Step %d — %s", i+1, st.Title), Detail: st.Detail,
		Highlighted: fmt.Sprintf("%s step-%d", row, i+1), Point: fmt.Sprint(i + 1), Thinking: row == "msg-browser",
		PrevOff: i == 0, NextOff: i == len(steps)-1,
	}
}

// expectStep waits for the exchange to reach step i and checks all it
// shows of it.
func (p *page) expectStep(steps []engine.Step, i int, how string) {
	p.t.Helper()
	want := wantStep(steps, i)
	p.waitText("#exchange-title", want.Title)
	if got := p.step(); got != want {
		p.t.Fatalf("after %s the exchange shows\n  %+v\nwant\n  %+v", how, got, want)
	}
}

// expectStepIn is expectStep for an outcome whose diagram may have a row
// per hop (after redirects): a step about a request or a response is then
// on its hop's row, msg-hop-H or msg-hop-H-response (Step.Hop), and the
// browser's decisions on a browser row.
func (p *page) expectStepIn(out engine.Outcome, i int, how string) {
	p.t.Helper()
	steps := out.Steps
	if n := len(out.Hops); n < 2 || n == 2 && out.Hops[0].Preflight && !out.Hops[1].Preflight {
		p.expectStep(steps, i, how)
		return
	}
	want := wantStep(steps, i)
	p.waitText("#exchange-title", want.Title)
	got := p.step()
	st := steps[i]
	row := "msg-browser"
	switch st.Message {
	case "preflight", "actual":
		row = fmt.Sprintf("msg-hop-%d", st.Hop)
	case "preflight-response", "actual-response":
		row = fmt.Sprintf("msg-hop-%d-response", st.Hop)
	case "request":
		row = "msg-request"
	}
	if st.ID == "verdict" {
		row = "msg-result"
	}
	gotRow, _, _ := strings.Cut(got.Highlighted, " ")
	if row == "msg-browser" && strings.HasPrefix(gotRow, "msg-browser") {
		row = gotRow // the browser row after the hop the decision follows
	}
	want.Highlighted, want.Thinking = fmt.Sprintf("%s step-%d", row, i+1), strings.HasPrefix(row, "msg-browser")
	if got != want {
		p.t.Fatalf("after %s the exchange shows\n  %+v\nwant\n  %+v", how, got, want)
	}
}

// stepOf is the index of the step with the id.
func stepOf(t *testing.T, steps []engine.Step, id string) int {
	t.Helper()
	for i, st := range steps {
		if st.ID == id {
			return i
		}
	}
	t.Fatalf("no step %s", id)
	return -1
}

// Stepping back and forth with the buttons moves the highlighted row and
// numbered point (the browser's decisions have a row of their own) and the
// explanation, step by step, as the engine's steps say; the raw HTTP
// follows the highlighted message. A numbered point goes to its step; a
// row goes to its first step and shows its raw HTTP.
func TestSteppingMovesTheHighlightAndTheExplanation(t *testing.T) {
	srv := newServer(t)
	s := noLesson(preset(t, "JSON POST to a server that ignores OPTIONS"))
	steps := engine.Evaluate(s).Steps
	p := open(t, newBrowser(t), permalink(t, srv.URL, s))
	n := len(steps)
	p.expectStep(steps, n-1, "opening the link")
	preflight := stepOf(t, steps, "preflight")

	seen := map[string]bool{}
	for i := n - 2; i >= 0; i-- {
		p.click("#step-prev")
		p.expectStep(steps, i, fmt.Sprintf("clicking ◀ to step %d", i+1))
		seen[rowOf(steps[i])] = true
		if i == preflight { // its raw HTTP is shown
			if raw := p.text("#raw-http"); !strings.HasPrefix(raw, "OPTIONS ") {
				t.Errorf("at the preflight step the raw HTTP reads %q, want the OPTIONS request", raw)
			}
		}
	}
	for _, row := range []string{"msg-request", "msg-browser", "msg-preflight", "msg-preflight-response"} {
		if !seen[row] {
			t.Errorf("stepping back never highlighted %s: pick a preset that covers it", row)
		}
	}
	for i := 1; i < n; i++ {
		p.click("#step-next")
		p.expectStep(steps, i, fmt.Sprintf("clicking ▶ to step %d", i+1))
	}

	p.click("#step-3")
	p.expectStep(steps, 2, "clicking the point numbered 3")
	p.click("#msg-preflight-response .arrow")
	p.expectStep(steps, preflight+1, "clicking the preflight's response")
	if raw := p.text("#raw-http"); !strings.HasPrefix(raw, "HTTP/1.1 ") {
		t.Errorf("the preflight's response shows the raw HTTP %q", raw)
	}
	p.click("#msg-browser .arrow")
	p.expectStep(steps, stepOf(t, steps, "origin"), "clicking the browser's decisions")
}

// Play restarts from the first step and advances by itself, one step at a
// time, to the last one, then stops; each step stays on screen for as long
// as it takes to read it (1.5 s and 220 ms a word, at most 12 s).
func TestPlayAdvancesToTheLastStep(t *testing.T) {
	srv := newServer(t)
	s := noLesson(preset(t, "Same origin: no CORS at all"))
	steps := engine.Evaluate(s).Steps
	p := open(t, newBrowser(t), permalink(t, srv.URL, s))
	n := len(steps)
	p.expectStep(steps, n-1, "opening the link")

	// The page notes when each step comes on screen.
	p.eval(`window.shownAt = {}; new MutationObserver(() => {
		const m = document.querySelector("#exchange-title").textContent.match(/step (\d+) of/);
		if (m && !(m[1] in window.shownAt)) window.shownAt[m[1]] = performance.now();
	}).observe(document.querySelector(".exchange"), {subtree: true, childList: true, characterData: true})`)
	p.click("#step-play")
	p.expectStep(steps, 0, "pressing Play at the last step")
	if got := evalAs[string](p, `document.querySelector("#step-play").getAttribute("aria-label")`); got != "Pause" {
		t.Errorf("while playing the Play button is labelled %q, want Pause", got)
	}
	for i := 1; i < n; i++ {
		p.expectStep(steps, i, fmt.Sprintf("playing on to step %d", i+1))
	}
	shownAt := evalAs[map[string]float64](p, `window.shownAt`)
	for i := 1; i < n; i++ {
		st := steps[i-1]
		words := len(strings.Fields(st.Title + " " + st.Detail + " " + st.Differs))
		read := min(12*time.Second, 1500*time.Millisecond+time.Duration(words)*220*time.Millisecond)
		d := time.Duration((shownAt[fmt.Sprint(i+1)] - shownAt[fmt.Sprint(i)]) * float64(time.Millisecond))
		t.Logf("step %d (%d words) stayed %v, its reading time is %v", i, words, d.Round(time.Millisecond), read)
		if d < read-100*time.Millisecond {
			t.Errorf("Play left step %d (%d words) after %v, want at least %v to read it", i, words, d.Round(time.Millisecond), read)
		}
	}
	p.waitText("#step-play", "Play")
	if got := p.step(); got != wantStep(steps, n-1) {
		t.Errorf("Play did not stop at the last step: %+v", got)
	}
}

// The arrow keys, Home and End step when the focus is in the exchange,
// and nowhere else (not on the page, a server tab or a form field); Space
// and Enter on a row go to its steps without scrolling the page; the step
// buttons and the rows are reachable with Tab, with a visible focus ring.
func TestKeyboardStepping(t *testing.T) {
	srv := newServer(t)
	s := noLesson(preset(t, "JSON POST needs a preflight"))
	steps := engine.Evaluate(s).Steps
	p := open(t, newBrowser(t), permalink(t, srv.URL, s))
	n := len(steps)
	p.expectStep(steps, n-1, "opening the link")

	// Outside the exchange the keys do what they always do.
	for _, c := range []struct{ what, focus string }{
		{"the page", `document.activeElement?.blur()`},
		{"a server tab", `document.querySelector("#tab-policy").focus()`},
		{"#method", `document.querySelector("#method").focus()`},
	} {
		p.eval(c.focus)
		p.press(kb.ArrowLeft + kb.ArrowLeft + kb.Home)
		p.eval(`new Promise(r => setTimeout(r, 300))`)
		if got := p.step(); got != wantStep(steps, n-1) {
			t.Errorf("the arrow keys on %s changed the step: %+v", c.what, got)
		}
	}
	if got := p.value("#method"); got != "POST" {
		t.Errorf("the arrow keys changed #method to %q", got)
	}

	// In the diagram they step.
	p.eval(`document.querySelector("#msg-result .arrow").focus()`)
	p.press(kb.ArrowLeft)
	p.expectStep(steps, n-2, "ArrowLeft on the result's row")
	p.press(kb.ArrowLeft)
	p.expectStep(steps, n-3, "a second ArrowLeft")
	p.press(kb.ArrowRight)
	p.expectStep(steps, n-2, "ArrowRight")
	p.press(kb.Home)
	p.expectStep(steps, 0, "Home")
	p.press(kb.End)
	p.expectStep(steps, n-1, "End")

	// Space and Enter on a row, as on any button, without scrolling.
	for _, c := range []struct{ key, row, step string }{{" ", "#msg-preflight", "preflight"}, {kb.Enter, "#msg-actual-response", "cors-check"}} {
		p.eval(`document.querySelector("` + c.row + ` .arrow").focus()`)
		y := evalAs[float64](p, `window.scrollY`)
		p.press(c.key)
		p.expectStep(steps, stepOf(t, steps, c.step), fmt.Sprintf("%q on %s", c.key, c.row))
		p.eval(`new Promise(r => setTimeout(r, 300))`)
		if got := evalAs[float64](p, `window.scrollY`); got != y {
			t.Errorf("%q on %s scrolled the page from %v to %v", c.key, c.row, y, got)
		}
	}
	p.press(kb.Home)
	p.expectStep(steps, 0, "Home")

	// Tab from the top of the page to ▶, then Enter; Tab on to the rows.
	p.eval(`document.activeElement?.blur()`)
	var path []string
	for range 80 {
		p.press(kb.Tab)
		id := evalAs[string](p, `document.activeElement.id || document.activeElement.tagName.toLowerCase()`)
		path = append(path, id)
		if id == "step-next" {
			break
		}
	}
	if path[len(path)-1] != "step-next" {
		t.Fatalf("80 presses of Tab never reached #step-next; the focus went %v", path)
	}
	focusRing := `(() => {
		const e = document.activeElement, cs = getComputedStyle(e);
		return e.matches(":focus-visible") && cs.outlineStyle !== "none" && parseFloat(cs.outlineWidth) >= 2;
	})()`
	if !evalAs[bool](p, focusRing) {
		t.Errorf("#step-next has no visible focus ring when reached with Tab")
	}
	p.press(kb.Enter)
	p.expectStep(steps, 1, "Enter on ▶")
	p.press(kb.Tab)
	if got := evalAs[string](p, `document.activeElement.closest(".diagram li")?.id ?? document.activeElement.id`); got != "msg-request" {
		t.Errorf("Tab from ▶ goes to %q, want the first row of the diagram", got)
	}
	if !evalAs[bool](p, focusRing) {
		t.Errorf("the diagram's first row has no visible focus ring when reached with Tab")
	}
	p.press(kb.ArrowRight)
	p.expectStep(steps, 2, "ArrowRight on the first row")
}

// A lesson opens at step 1, for the learner to step through; once edited
// it is the learner's own scenario, which opens at the verdict.
func TestLessonOpensAtStepOne(t *testing.T) {
	srv := newServer(t)
	p := open(t, newBrowser(t), srv.URL+"/")
	s := preset(t, "JSON POST needs a preflight")
	steps := engine.Evaluate(s).Steps
	p.choosePreset(s.Title)
	p.expectStep(steps, 0, "choosing the lesson")
	p.typeInto("#method", "PATCH")
	edited := s.Clone()
	edited.Request.Method = "PATCH"
	after := engine.Evaluate(edited).Steps
	p.expectStep(after, len(after)-1, "editing the lesson's method")
}

// The verdict says why with the failing step's words, and its button shows
// that step in the exchange, with the focus on its point.
func TestWhyShowsItsStep(t *testing.T) {
	srv := newServer(t)
	s := longPathScenario()
	out := engine.Evaluate(s)
	fail := -1
	for i, st := range out.Steps {
		if st.Status == engine.StepFail && fail < 0 {
			fail = i
		}
	}
	if fail < 0 || fail == len(out.Steps)-1 {
		t.Fatalf("the long path scenario has no failing step before the verdict")
	}
	p := open(t, newBrowser(t), permalink(t, srv.URL, s))
	if got, want := p.text("#verdict-why"), out.Steps[fail].Title+": "+out.Steps[fail].Detail+" See step "+fmt.Sprint(fail+1); got != want {
		t.Errorf("the verdict's why reads\n  %q\nwant\n  %q", got, want)
	}
	p.click("#why-step")
	p.expectStep(out.Steps, fail, "pressing See step")
	p.waitJS(`document.activeElement.id === "step-`+fmt.Sprint(fail+1)+`"`, "the focus on the failing step's point")
}
