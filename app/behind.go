package app

import (
	"github.com/maxence-charriere/go-app/v10/pkg/app"

	"corsplay/engine"
)

// A keystroke's answer comes first. While the user types in a text field,
// the keystroke's task re-renders the verdict and the fix only; the
// exchange, the setup's forms and what follows them keep what they showed
// (Playground.behind) and catch up in a task after the next paint, main
// marked aria-busy meanwhile: React's useDeferredValue, by hand. Rendering them
// in the keystroke's task took most of it (the diagram and the forms are
// most of the page's elements: make bench, keystroke → verdict). Edits that
// are not typing (a menu, a box, a button, a lesson, a paste, a fix)
// render all at once, as does any edit once the page is hidden.

// shown is a scenario as the page shows it: what the engine made of it,
// and the field that is not what it must be, if one is not.
type shown struct {
	scenario engine.Scenario
	out      engine.Outcome
	bad      fieldProblem
}

// view is what the exchange, the setup and what follows show: the
// scenario before the keystrokes not caught up yet, or the current one.
func (p *Playground) view() shown {
	if p.behind != nil {
		return *p.behind
	}
	return shown{p.scenario, p.out, p.bad}
}

// typed records that the scenario is about to change by a keystroke:
// the rest of the page keeps what it shows until catchUp.
func (p *Playground) typed(ctx app.Context) {
	if p.behind != nil {
		return // still showing the scenario before an earlier keystroke
	}
	v := p.view()
	p.behind = &v
	afterPaint(func() { ctx.Dispatch(func(app.Context) { p.behind = nil }) })
}

// typing reports whether the user is typing in a text field of the page:
// an edit that arrives now is a keystroke's.
func typing() bool {
	if !app.IsClient {
		return false
	}
	doc := app.Window().Get("document")
	if doc.Get("hidden").Bool() {
		return false // no frame comes to catch up in
	}
	el := doc.Get("activeElement")
	if !el.Truthy() {
		return false
	}
	switch el.Get("tagName").String() {
	case "TEXTAREA":
		return true
	case "INPUT":
		switch el.Get("type").String() {
		case "checkbox", "radio", "button", "submit", "reset", "file", "range", "color":
			return false
		}
		return true
	}
	return false
}

// afterPaint calls fn in a task after the next frame is painted
// (requestAnimationFrame, then setTimeout 0), or at once in a hidden page,
// where no frame comes.
func afterPaint(fn func()) {
	win := app.Window()
	if win.Get("document").Get("hidden").Bool() {
		fn()
		return
	}
	var frame, task app.Func
	task = app.FuncOf(func(app.Value, []app.Value) any {
		frame.Release()
		task.Release()
		fn()
		return nil
	})
	frame = app.FuncOf(func(app.Value, []app.Value) any { app.Window().Call("setTimeout", task, 0); return nil })
	win.Call("requestAnimationFrame", frame)
}
