package app

import (
	"time"

	"github.com/maxence-charriere/go-app/v10/pkg/app"
)

// copier is one Copy button's honesty: it says "Copied" only once the
// browser said so (navigator.clipboard.writeText's promise resolved).
// Without the clipboard API (plain http on a LAN address, an old browser)
// or when writeText is refused, it shows the text in a read-only field,
// selected, and says "Press Ctrl+C (⌘C) to copy". The four Copy buttons
// (link, embed code, console, export) each hold one.
type copier struct {
	state string // "", copyDone or copyManual
	text  string // the text of the manual field
	gen   int    // counts copies, so that an old one's timer leaves a newer state alone
}

const (
	copyDone   = "copied"
	copyManual = "manual"
)

// copyTip is what the manual field says to do.
const copyTip = "Press Ctrl+C (⌘C) to copy"

// copy copies text; id names the manual field, should it be needed.
func (c *copier) copy(ctx app.Context, id, text string) {
	c.gen++
	gen := c.gen
	c.text = text
	manual := func(ctx app.Context) {
		if c.gen != gen {
			return
		}
		c.state = copyManual
		// Selected, so that Ctrl+C copies it and a screen reader reads it.
		ctx.Defer(func(app.Context) {
			if el := app.Window().GetElementByID(id); el.Truthy() {
				el.Call("focus")
				el.Call("select")
			}
		})
	}
	cb := app.Window().Get("navigator").Get("clipboard")
	if !cb.Truthy() || cb.Get("writeText").Type() != app.TypeFunction {
		manual(ctx)
		return
	}
	c.state = ""
	var done, failed app.Func
	release := func() { done.Release(); failed.Release() }
	done = app.FuncOf(func(app.Value, []app.Value) any {
		release()
		ctx.Dispatch(func(ctx app.Context) {
			if c.gen != gen {
				return
			}
			c.state = copyDone
			ctx.After(2*time.Second, func(ctx app.Context) {
				if c.gen == gen && c.state == copyDone {
					c.state = ""
				}
			})
		})
		return nil
	})
	failed = app.FuncOf(func(app.Value, []app.Value) any {
		release()
		ctx.Dispatch(manual)
		return nil
	})
	defer func() {
		if recover() != nil { // writeText threw instead of rejecting
			release()
			manual(ctx)
		}
	}()
	cb.Call("writeText", text).Call("then", done, failed)
}

// copied reports whether the last copy is known to have reached the
// clipboard (for the button's words).
func (c *copier) copied() bool { return c.state == copyDone }

// close hides the manual field.
func (c *copier) close(ctx app.Context, e app.Event) { c.state, c.text = "", "" }

// manualField is the read-only field with the text to copy by hand, when
// the clipboard could not take it; nothing otherwise. label names the text
// ("The link"); multiline shows it in a textarea.
func (c *copier) manualField(id, label string, multiline bool) app.UI {
	if c.state != copyManual {
		return app.If(false, nil)
	}
	var control app.UI
	if multiline {
		control = app.Textarea().ID(id).Class("mono").ReadOnly(true).Rows(4).Attr("spellcheck", "false").
			Attr("aria-describedby", id+"-tip").Text(c.text)
	} else {
		control = app.Input().ID(id).Type("text").Class("mono").ReadOnly(true).Attr("spellcheck", "false").
			Attr("aria-describedby", id+"-tip").Value(c.text)
	}
	return app.Div().Class("copy-manual").Body(
		app.Label().For(id).Text(label),
		control,
		app.Div().Class("copy-manual-foot").Body(
			app.Elem("span").ID(id+"-tip").Class("copy-tip").Attr("role", "status").Text(copyTip),
			app.Button().Class("small").ID(id+"-close").OnClick(c.close).Text("Done"),
		),
	)
}
