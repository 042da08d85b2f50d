// Package app is the playground page: go-app components that hold the UI
// state, call the engine and render. No CORS rule lives here.
package app

import (
	"slices"

	"github.com/maxence-charriere/go-app/v10/pkg/app"

	"corsplay/engine"
)

// Build names the build in the page's footer: make wasm sets it to the
// commit (go build -ldflags "-X corsplay/app.Build=...").
var Build = "dev"

// Register routes the playground's pages, on the server (prerendering) and
// in the browser alike.
func Register() {
	app.Route("/", newPlayground)
	app.Route("/embed", func() app.Composer { return &Embed{} })
	app.Route("/embed/", func() app.Composer { return &Embed{} }) // static hosts without pretty URLs
}

// editAction carries an edit of the scenario from a panel to the Playground,
// which owns the scenario.
const editAction = "corsplay/edit"

// edit asks the Playground to change the scenario.
func edit(ctx app.Context, fn func(*engine.Scenario)) {
	ctx.NewActionWithValue(editAction, fn)
}

// go-app re-renders a component, and each component around it up to the
// page, after any of its handlers runs (an event's, OnMount, OnNav), changed
// or not; handlers that change nothing shown say so (ctx.PreventUpdate).
// Right after the first mount, the Playground's and the Exchange's OnMount
// and OnNav re-rendered the whole page once more before it answered.

// editAsTyped is edit for a keystroke in a text field of a panel without
// state of its own: the field already shows what was typed, so the panel
// is not re-rendered for the keystroke, only once the edited scenario
// comes back to it (behind.go).
func editAsTyped(ctx app.Context, fn func(*engine.Scenario)) {
	edit(ctx, fn)
	ctx.PreventUpdate()
}

// value reads the value of the input that fired the event.
func value(ctx app.Context) string {
	return ctx.JSSrc().Get("value").String()
}

// live is what the field id shows: the value v from the scenario, except
// while the user types in that field, when it is what the field already
// holds. An edit reaches the scenario a moment after the keystroke; without
// this, a re-render in that moment would put back the older value and lose
// the keystrokes typed since.
func live(id, v string) string {
	if !app.IsClient {
		return v
	}
	el := app.Window().Get("document").Get("activeElement")
	if el.Truthy() && el.Get("id").String() == id {
		return el.Get("value").String()
	}
	return v
}

// checked reads a checkbox that fired the event.
func checked(ctx app.Context) bool {
	return ctx.JSSrc().Get("checked").Bool()
}

// typedText is a field edited as free text while the scenario holds what the
// text means (a list, JSON options). It keeps the text as typed — a trailing
// comma, half-typed JSON — and tells its own edits coming back from the
// scenario apart from changes made elsewhere (a preset, a fix): an edit
// reaches the scenario a moment after its keystroke and a frame may render in
// between, so an older meaning coming back must not overwrite newer typing.
type typedText struct {
	text    string
	last    string   // the meaning last sent or seen
	pending []string // meanings sent and not yet back, oldest first
}

// maxPending bounds the meanings remembered in flight.
const maxPending = 32

// typed takes the text the user typed, and its meaning when it has one; it
// reports whether the meaning is new and must be sent to the scenario.
func (t *typedText) typed(text, meaning string, ok bool) bool {
	t.text = text
	if !ok || meaning == t.last {
		return false
	}
	t.last = meaning
	t.pending = append(t.pending, meaning)
	if len(t.pending) > maxPending {
		t.pending = t.pending[1:]
	}
	return true
}

// sync takes what the scenario now means and its canonical text, and the
// meaning of the text shown. The text stays unless the scenario changed
// elsewhere to something the text does not say; sync reports whether the
// text was replaced.
func (t *typedText) sync(meaning, canonical, shown string, shownOK bool) bool {
	if meaning == t.last && len(t.pending) == 0 {
		return false
	}
	if i := slices.Index(t.pending, meaning); i >= 0 {
		t.pending = t.pending[i+1:]
		return false
	}
	t.pending, t.last = nil, meaning
	if shownOK && shown == meaning {
		return false
	}
	t.text = canonical
	return true
}
