package app

import (
	"github.com/maxence-charriere/go-app/v10/pkg/app"

	"corsplay/engine"
)

// A keystroke's answer comes first. While the user types in a text field,
// the keystroke's task re-renders the verdict and the fix only; the
// exchange, the setup's forms and what follows keep what they showed
// (Playground.behind), main marked aria-busy, and catch up once the typing
// pauses (catchUpAfter without a keystroke), the address with them: React's
// useDeferredValue, by hand, with a debounce. Rendering them in each
// keystroke's task took most of it, and catching up after each paint made
// the next keystroke of a fast typist wait (make bench: keystroke →
// verdict). Edits that are not typing (a menu, a box, a button, a lesson, a
// paste, a fix) render all at once, as does any edit in a hidden page.

// catchUpAfter, in ms, is the pause in the typing after which the rest of
// the page catches up: longer than between two keystrokes of a fast
// typist, short enough to read as at once.
const catchUpAfter = 150

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

// fixesView is the smallest fix. While the user types, a request that
// becomes allowed keeps the last fixes shown while typing mounted, hidden:
// typing often flips a request between blocked and allowed (each letter
// of a method, of a header name), and creating the fixes again each time
// it is blocked was about a tenth of a blocked keystroke's time.
func (p *Playground) fixesView() app.UI {
	if p.behind != nil && len(p.out.Fixes) == 0 && p.out.NoSafeFix == "" && len(p.typedFixes) > 0 {
		return &FixesView{Fixes: p.typedFixes, Hidden: true}
	}
	return &FixesView{Fixes: p.out.Fixes, NoSafeFix: p.out.NoSafeFix}
}

// typed records that the scenario is about to change by a keystroke:
// the rest of the page keeps what it shows until the typing pauses.
func (p *Playground) typed(ctx app.Context) {
	if p.behind == nil {
		v := p.view()
		p.behind = &v
		p.typedFixes = p.out.Fixes // mounted, if any
	}
	win := app.Window()
	if p.catchUp == nil {
		p.catchUp = app.FuncOf(func(app.Value, []app.Value) any {
			ctx.Dispatch(func(app.Context) { p.caughtUp() })
			return nil
		})
	} else {
		win.Call("clearTimeout", p.catchUpTimer)
	}
	p.catchUpTimer = win.Call("setTimeout", p.catchUp, catchUpAfter)
}

// caughtUp shows the scenario everywhere, and writes it into the address.
func (p *Playground) caughtUp() {
	if p.behind == nil {
		return // something that is not typing rendered it all meanwhile
	}
	p.behind = nil
	link.set(p.scenario)
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
