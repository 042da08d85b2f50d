package app

import (
	"sync"

	"github.com/maxence-charriere/go-app/v10/pkg/app"

	"corsplay/engine"
)

// address keeps the URL fragment in step with the Playground's scenario, so
// that the address is always a permalink (history.replaceState: no history
// entry). It writes once the edit is on screen, in a task after the next
// paint, not during the keystroke: in Chromium replaceState alone took
// from 1 ms to more than the whole verdict's update (make bench), and
// the link is not what the user waits for. Edits within one frame are
// written once. Whatever reads the address first calls flush.
type address struct {
	mu        sync.Mutex
	s         engine.Scenario
	due       bool // s is not in the address yet
	scheduled bool // a write waits for the next frame
	frame     app.Func
	write     app.Func
}

// link is the page's address.
var link address

// set makes s the scenario the address holds, soon.
func (a *address) set(s engine.Scenario) {
	if !app.IsClient {
		return
	}
	a.mu.Lock()
	a.s, a.due = s, true
	schedule := !a.scheduled
	a.scheduled = true
	a.mu.Unlock()
	if !schedule {
		return
	}
	win := app.Window()
	if win.Get("document").Get("hidden").Bool() {
		// No frame comes in a hidden page: nothing to wait for.
		a.flush()
		return
	}
	if a.frame == nil {
		a.write = app.FuncOf(func(app.Value, []app.Value) any { a.flush(); return nil })
		a.frame = app.FuncOf(func(app.Value, []app.Value) any { app.Window().Call("setTimeout", a.write, 0); return nil })
	}
	win.Call("requestAnimationFrame", a.frame)
}

// hold makes s the scenario the address holds, written by the next set
// or flush.
func (a *address) hold(s engine.Scenario) {
	if !app.IsClient {
		return
	}
	a.mu.Lock()
	a.s, a.due = s, true
	a.mu.Unlock()
}

// flush writes the scenario into the address now, if it is not there yet.
func (a *address) flush() {
	if !app.IsClient {
		return
	}
	a.mu.Lock()
	s, due := a.s, a.due
	a.due, a.scheduled = false, false
	a.mu.Unlock()
	if !due {
		return
	}
	frag, err := engine.EncodePermalink(s)
	if err != nil {
		return
	}
	app.Window().Get("history").Call("replaceState", nil, "", "#"+frag)
}

// drop forgets a write not made yet: the address holds the scenario to
// show (the user opened another link).
func (a *address) drop() {
	if !app.IsClient {
		return
	}
	a.mu.Lock()
	a.due = false
	a.mu.Unlock()
}
