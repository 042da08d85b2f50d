package app

import (
	"fmt"
	"net/url"

	"github.com/maxence-charriere/go-app/v10/pkg/app"

	"corsplay/engine"
)

// Exchange draws the exchange as a sequence diagram with three lanes (the
// page's JavaScript, the browser, the server) and walks through the steps.
type Exchange struct {
	app.Compo
	Outcome engine.Outcome
	Page    string

	step    int    // index into Outcome.Steps
	open    string // message whose raw HTTP is shown; "" follows the step
	playing bool
	keys    app.Func
}

// message is one arrow of the diagram.
type message struct {
	id, label, raw string
	from, to       int  // lanes: 0 page, 1 browser, 2 server
	failed, absent bool // red arrow; dashed "never sent"
}

const (
	lanePage = iota
	laneBrowser
	laneServer
)

func (x *Exchange) OnInit() { x.step = len(x.Outcome.Steps) - 1 }
func (x *Exchange) OnUpdate(ctx app.Context) {
	x.step, x.open, x.playing = len(x.Outcome.Steps)-1, "", false
}

// OnMount steps with the arrow keys anywhere but in a form field.
func (x *Exchange) OnMount(ctx app.Context) {
	x.keys = app.FuncOf(func(this app.Value, args []app.Value) any {
		e := args[0]
		switch e.Get("target").Get("tagName").String() {
		case "INPUT", "TEXTAREA", "SELECT":
			return nil
		}
		switch e.Get("key").String() {
		case "ArrowLeft":
			ctx.Dispatch(func(ctx app.Context) { x.move(-1) })
		case "ArrowRight":
			ctx.Dispatch(func(ctx app.Context) { x.move(1) })
		}
		return nil
	})
	app.Window().Call("addEventListener", "keydown", x.keys)
}

func (x *Exchange) OnDismount() {
	app.Window().Call("removeEventListener", "keydown", x.keys)
	x.keys.Release()
}

func (x *Exchange) move(d int) {
	x.step = max(0, min(len(x.Outcome.Steps)-1, x.step+d))
	x.open = ""
}

func (x *Exchange) messages() []message {
	o := x.Outcome
	var ms []message
	req := "fetch()"
	if o.Actual != nil {
		req = "fetch() " + o.Actual.Request.Method + " " + pathOf(o.Actual.Request.URL)
	} else if o.Preflight != nil {
		req = "fetch() " + acrmOf(o.Preflight.Request) + " " + pathOf(o.Preflight.Request.URL)
	}
	ms = append(ms, message{id: "request", label: req, from: lanePage, to: laneBrowser, failed: o.Verdict == engine.Error})
	if p := o.Preflight; p != nil {
		ms = append(ms, message{id: "preflight", label: "OPTIONS " + pathOf(p.Request.URL) + " (preflight)", raw: rawRequest(p.Request), from: laneBrowser, to: laneServer})
		ms = append(ms, message{id: "preflight-response", label: statusLabel(p.Response), raw: rawResponse(*p.Response), from: laneServer, to: laneBrowser,
			failed: o.Actual == nil && o.Verdict == engine.Blocked})
	}
	if a := o.Actual; a != nil {
		ms = append(ms, message{id: "actual", label: a.Request.Method + " " + pathOf(a.Request.URL), raw: rawRequest(a.Request), from: laneBrowser, to: laneServer})
		ms = append(ms, message{id: "actual-response", label: statusLabel(a.Response), raw: rawResponse(*a.Response), from: laneServer, to: laneBrowser,
			failed: o.Verdict == engine.Blocked})
	} else if o.Verdict != engine.Error {
		ms = append(ms, message{id: "actual", label: "the request is never sent", from: laneBrowser, to: laneServer, absent: true})
	}
	ms = append(ms, message{id: "result", label: resultLabel(o), from: laneBrowser, to: lanePage, failed: o.Verdict == engine.Blocked || o.Verdict == engine.Error})
	return ms
}

func pathOf(raw string) string {
	if u, err := url.Parse(raw); err == nil && u.Path != "" {
		return u.RequestURI()
	}
	return raw
}

func statusLabel(r *engine.Response) string {
	if r == nil {
		return ""
	}
	return fmt.Sprintf("%d, %d headers", r.Status, len(r.Headers))
}

func resultLabel(o engine.Outcome) string {
	switch o.Verdict {
	case engine.Allowed:
		return "promise resolves: response readable"
	case engine.Opaque:
		return "promise resolves: opaque response"
	case engine.Error:
		return "throws TypeError before sending"
	}
	return "rejects: TypeError: " + o.TypeError
}

// currentMessage is the arrow the current step is about.
func (x *Exchange) currentMessage() string {
	if x.step < 0 || x.step >= len(x.Outcome.Steps) {
		return ""
	}
	st := x.Outcome.Steps[x.step]
	switch {
	case st.Message != "":
		return st.Message
	case st.ID == "verdict":
		return "result"
	}
	return "browser"
}

func (x *Exchange) Render() app.UI {
	ms := x.messages()
	cur := x.currentMessage()
	shown := x.open
	if shown == "" {
		shown = cur
	}
	var raw string
	for _, m := range ms {
		if m.id == shown {
			raw = m.raw
		}
	}
	steps := x.Outcome.Steps
	return app.Elem("section").Class("panel exchange").Attr("aria-labelledby", "exchange-title").Body(
		app.Div().Class("exchange-head").Body(
			app.Elem("h2").ID("exchange-title").Textf("The exchange — step %d of %d", x.step+1, len(steps)),
			app.Div().Class("step-controls").Attr("role", "group").Attr("aria-label", "Step controls").Body(
				app.Button().ID("step-prev").Attr("aria-label", "Previous step").Disabled(x.step <= 0).OnClick(x.onPrev).Text("◀"),
				app.Button().ID("step-play").Attr("aria-label", playLabel(x.playing)).OnClick(x.onPlay).Text(playText(x.playing)),
				app.Button().ID("step-next").Attr("aria-label", "Next step").Disabled(x.step >= len(steps)-1).OnClick(x.onNext).Text("▶"),
				app.Elem("span").Class("hint").Text("← → keys"),
			),
		),
		x.diagram(ms, cur),
		app.If(x.step >= 0 && x.step < len(steps), func() app.UI { return stepView(steps[x.step], x.step) }),
		app.If(raw != "", func() app.UI {
			return app.Elem("details").Class("raw-http").Attr("open", true).Body(
				app.Elem("summary").Textf("Raw HTTP: %s", labelOf(ms, shown)),
				app.Elem("pre").ID("raw-http").Class("mono").Text(raw),
			)
		}),
	)
}

func labelOf(ms []message, id string) string {
	for _, m := range ms {
		if m.id == id {
			return m.label
		}
	}
	return ""
}

func playLabel(playing bool) string {
	if playing {
		return "Pause"
	}
	return "Play the steps"
}

func playText(playing bool) string {
	if playing {
		return "Pause"
	}
	return "Play"
}

// stepView explains the current step with its link to the standard.
func stepView(st engine.Step, i int) app.UI {
	return app.Div().ID("step-explanation").Class("step "+st.Status).Attr("aria-live", "polite").Body(
		app.Elem("h3").Textf("Step %d — %s", i+1, st.Title),
		app.Elem("p").ID("step-detail").Text(st.Detail),
		app.If(st.Differs != "", func() app.UI {
			return app.Elem("p").Class("differs").Body(app.Elem("strong").Text("Where browsers differ: "), app.Text(st.Differs))
		}),
		app.A().Class("spec").Href(st.Spec).Target("_blank").Attr("rel", "noopener noreferrer").Text("Fetch standard §"+anchorOf(st.Spec)),
	)
}

func anchorOf(spec string) string {
	if u, err := url.Parse(spec); err == nil && u.Fragment != "" {
		return u.Fragment
	}
	return spec
}

func (x *Exchange) onPrev(ctx app.Context, e app.Event) { x.playing = false; x.move(-1) }
func (x *Exchange) onNext(ctx app.Context, e app.Event) { x.playing = false; x.move(1) }

// onPlay walks from the first step to the last, one a second.
func (x *Exchange) onPlay(ctx app.Context, e app.Event) {
	x.playing = !x.playing
	if !x.playing {
		return
	}
	if x.step >= len(x.Outcome.Steps)-1 {
		x.step = 0
	}
	x.tick(ctx)
}

func (x *Exchange) tick(ctx app.Context) {
	ctx.After(900e6, func(ctx app.Context) {
		if !x.playing {
			return
		}
		x.move(1)
		if x.step >= len(x.Outcome.Steps)-1 {
			x.playing = false
			return
		}
		x.tick(ctx)
	})
}

func (x *Exchange) onOpen(id string) app.EventHandler {
	return func(ctx app.Context, e app.Event) { x.open = id }
}

func acrmOf(r engine.HTTPRequest) string {
	v, _ := r.Headers.Get("Access-Control-Request-Method")
	return v
}
