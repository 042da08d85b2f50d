// Package app is the playground page: go-app components that hold the UI
// state, call the engine and render. No CORS rule lives here.
package app

import (
	"github.com/maxence-charriere/go-app/v10/pkg/app"

	"corsplay/engine"
)

// Register routes the playground's pages, on the server (prerendering) and
// in the browser alike.
func Register() {
	app.Route("/", func() app.Composer { return &Playground{} })
}

// editAction carries an edit of the scenario from a panel to the Playground,
// which owns the scenario.
const editAction = "corsplay/edit"

// edit asks the Playground to change the scenario.
func edit(ctx app.Context, fn func(*engine.Scenario)) {
	ctx.NewActionWithValue(editAction, fn)
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
