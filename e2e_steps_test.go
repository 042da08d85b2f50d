//go:build !wasm

package main

import (
	"fmt"
	"testing"

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

// stepView is what the exchange shows of the current step.
type stepView struct {
	Title       string // #exchange-title
	Heading     string // the explanation's heading
	Detail      string // #step-detail
	Highlighted string // ids of the .current diagram elements; "browser-decides" for the box
	PrevOff     bool
	NextOff     bool
}

func (p *page) step() stepView {
	p.t.Helper()
	return evalAs[stepView](p, `(() => {
		const t = s => (document.querySelector(s)?.textContent ?? "").trim();
		return {
			Title: t("#exchange-title"), Heading: t("#step-explanation h3"), Detail: t("#step-detail"),
			Highlighted: [...document.querySelectorAll(".diagram .current")]
				.map(e => e.id || (e.classList.contains("thinking") ? "browser-decides" : e.tagName)).join(" "),
			PrevOff: document.querySelector("#step-prev").disabled, NextOff: document.querySelector("#step-next").disabled,
		};
	})()`)
}

// wantStep is what the page must show at step i (0-based) of steps.
func wantStep(steps []engine.Step, i int) stepView {
	st := steps[i]
	hl := "browser-decides"
	switch {
	case st.Message != "":
		hl = "msg-" + st.Message
	case st.ID == "verdict":
		hl = "msg-result"
	}
	return stepView{
		Title:   fmt.Sprintf("The exchange — step %d of %d", i+1, len(steps)),
		Heading: fmt.Sprintf("Step %d — %s", i+1, st.Title), Detail: st.Detail, Highlighted: hl,
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

// Stepping back and forth with the buttons moves the highlighted arrow (or
// the browser's decision box) and the explanation, step by step, as the
// engine's steps say; the raw HTTP follows the highlighted message.
func TestSteppingMovesTheHighlightAndTheExplanation(t *testing.T) {
	srv := newServer(t)
	p := open(t, newBrowser(t), srv.URL+"/")
	s := preset(t, "JSON POST to a server that ignores OPTIONS")
	steps := engine.Evaluate(s).Steps
	p.choosePreset(s.Title)
	n := len(steps)
	p.expectStep(steps, n-1, "loading the preset")

	seen := map[string]bool{}
	for i := n - 2; i >= 0; i-- {
		p.click("#step-prev")
		p.expectStep(steps, i, fmt.Sprintf("clicking ◀ to step %d", i+1))
		seen[wantStep(steps, i).Highlighted] = true
		if i == 6 { // the preflight: its raw HTTP is shown
			if raw := p.text("#raw-http"); len(raw) < 8 || raw[:8] != "OPTIONS " {
				t.Errorf("at the preflight step the raw HTTP reads %q, want the OPTIONS request", raw)
			}
		}
	}
	for _, hl := range []string{"msg-request", "browser-decides", "msg-preflight", "msg-preflight-response"} {
		if !seen[hl] {
			t.Errorf("stepping back never highlighted %s: pick a preset that covers it", hl)
		}
	}
	for i := 1; i < n; i++ {
		p.click("#step-next")
		p.expectStep(steps, i, fmt.Sprintf("clicking ▶ to step %d", i+1))
	}
}

// Play restarts from the first step and advances by itself, one step at a
// time, to the last one, then stops.
func TestPlayAdvancesToTheLastStep(t *testing.T) {
	srv := newServer(t)
	s := preset(t, "Same origin: no CORS at all")
	steps := engine.Evaluate(s).Steps
	p := open(t, newBrowser(t), permalink(t, srv.URL, s))
	n := len(steps)
	p.expectStep(steps, n-1, "opening the link")

	p.click("#step-play")
	p.expectStep(steps, 0, "pressing Play at the last step")
	if got := evalAs[string](p, `document.querySelector("#step-play").getAttribute("aria-label")`); got != "Pause" {
		t.Errorf("while playing the Play button is labelled %q, want Pause", got)
	}
	for i := 1; i < n; i++ {
		p.expectStep(steps, i, fmt.Sprintf("playing on to step %d", i+1))
	}
	p.waitText("#step-play", "Play")
	if got := p.step(); got != wantStep(steps, n-1) {
		t.Errorf("Play did not stop at the last step: %+v", got)
	}
}

// The arrow keys step when the focus is not in a form field, and the step
// buttons are reachable with Tab and work with Enter, with a visible focus
// ring.
func TestKeyboardStepping(t *testing.T) {
	srv := newServer(t)
	s := preset(t, "JSON POST needs a preflight")
	steps := engine.Evaluate(s).Steps
	p := open(t, newBrowser(t), permalink(t, srv.URL, s))
	n := len(steps)
	p.expectStep(steps, n-1, "opening the link")

	p.eval(`document.activeElement?.blur()`)
	if tag := evalAs[string](p, `document.activeElement.tagName`); tag != "BODY" {
		t.Fatalf("the focus is on %s, want the page body", tag)
	}
	p.press(kb.ArrowLeft)
	p.expectStep(steps, n-2, "ArrowLeft on the page")
	p.press(kb.ArrowLeft)
	p.expectStep(steps, n-3, "a second ArrowLeft")
	p.press(kb.ArrowRight)
	p.expectStep(steps, n-2, "ArrowRight")

	// In a form field the arrows move the caret, not the step.
	p.eval(`document.querySelector("#method").focus()`)
	p.press(kb.ArrowLeft + kb.ArrowLeft)
	if got := p.step(); got != wantStep(steps, n-2) {
		t.Errorf("ArrowLeft in #method changed the step: %+v", got)
	}
	if got := p.value("#method"); got != "POST" {
		t.Errorf("the arrow keys changed #method to %q", got)
	}

	// Tab from the top of the page to ▶, then Enter.
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
	if !evalAs[bool](p, `(() => {
		const e = document.activeElement, cs = getComputedStyle(e);
		return e.matches(":focus-visible") && cs.outlineStyle !== "none" && parseFloat(cs.outlineWidth) >= 2;
	})()`) {
		t.Errorf("#step-next has no visible focus ring when reached with Tab")
	}
	p.press(kb.Enter)
	p.expectStep(steps, n-1, "Enter on ▶")
}
