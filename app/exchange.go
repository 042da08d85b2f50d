package app

import (
	"fmt"
	"net/url"
	"slices"
	"strings"
	"time"

	"github.com/maxence-charriere/go-app/v10/pkg/app"

	"corsplay/engine"
	"corsplay/engine/console"
)

// Exchange draws the exchange as a sequence diagram with three lanes (the
// page's JavaScript, the browser, the server) and walks through the steps.
// Every engine step is a numbered point on the diagram: the counter's
// "step k of M" is the point numbered k.
type Exchange struct {
	app.Compo
	Outcome engine.Outcome
	Page    string
	// FromStart opens the exchange at its first step, as a lesson should;
	// otherwise it opens at the last one, the verdict.
	FromStart bool

	step    int    // index into Outcome.Steps, once moved
	moved   bool   // step was set by the reader; until then, the opening step
	open    string // row whose raw HTTP is shown; "" follows the step
	playing bool
	play    int // counts the starts of Play, so that a stale timer stops
	keys    app.Func
	keysOn  app.Value // the element keys listens on
}

// message is one arrow of the diagram.
type message struct {
	id     string
	label  string // as drawn: long paths shortened in the middle
	full   string // the label with nothing left out
	raw    string
	from   int  // lanes: 0 page, 1 browser, 2 server
	to     int  //
	fail   bool // red arrow
	unsent bool // dashed "never sent"
	// who is the server that answers a hop of an exchange with
	// redirects (serverName); "" for the one server of the others.
	who string
}

const (
	lanePage = iota
	laneBrowser
	laneServer
)

var laneNames = [3]string{"Page JavaScript", "Browser", "Server"}

// stepAction shows a step (its index, an int) in the exchange.
const stepAction = "corsplay/step"

// lastStepAction says the reader reached the exchange's last step.
const lastStepAction = "corsplay/last-step"

func (x *Exchange) OnUpdate(ctx app.Context) {
	x.moved, x.open, x.playing = false, "", false
}

// current is the index of the step on screen.
func (x *Exchange) current() int {
	n := len(x.Outcome.Steps)
	switch {
	case n == 0:
		return -1
	case x.moved:
		return max(0, min(n-1, x.step))
	case x.FromStart:
		return 0
	}
	return n - 1
}

// OnMount steps with the arrow keys, Home and End while the focus is in
// the exchange (the diagram or its step buttons), and only there. The
// listener is plain JavaScript so that it can stop the page scrolling
// before the key's default action; go-app's handlers run too late.
func (x *Exchange) OnMount(ctx app.Context) {
	ctx.Handle(stepAction, func(ctx app.Context, a app.Action) {
		if i, ok := a.Value.(int); ok {
			x.playing = false
			x.goTo(ctx, i)
			ctx.Defer(func(app.Context) {
				if d := x.JSValue().Call("querySelector", ".dot.current"); d.Truthy() {
					d.Call("scrollIntoView", map[string]any{"block": "center"})
					d.Call("focus")
				}
			})
		}
	})
	x.keys = app.FuncOf(func(this app.Value, args []app.Value) any {
		e := args[0]
		if e.Get("altKey").Bool() || e.Get("ctrlKey").Bool() || e.Get("metaKey").Bool() || e.Get("shiftKey").Bool() {
			return nil
		}
		switch e.Get("target").Get("tagName").String() {
		case "INPUT", "TEXTAREA", "SELECT":
			return nil
		}
		var to func(int, int) int
		switch e.Get("key").String() {
		case "ArrowLeft":
			to = func(i, n int) int { return i - 1 }
		case "ArrowRight":
			to = func(i, n int) int { return i + 1 }
		case "Home":
			to = func(i, n int) int { return 0 }
		case "End":
			to = func(i, n int) int { return n - 1 }
		default:
			return nil
		}
		e.Call("preventDefault")
		ctx.Dispatch(func(ctx app.Context) {
			x.playing = false
			x.goTo(ctx, to(x.current(), len(x.Outcome.Steps)))
		})
		return nil
	})
	x.keysOn = x.JSValue()
	x.keysOn.Call("addEventListener", "keydown", x.keys)
	ctx.PreventUpdate() // nothing shown changed (app.go)
}

func (x *Exchange) OnDismount() {
	if x.keysOn != nil {
		x.keysOn.Call("removeEventListener", "keydown", x.keys)
		x.keys.Release()
		x.keysOn, x.keys = nil, nil
	}
}

// goTo shows step i (clamped to the steps there are).
func (x *Exchange) goTo(ctx app.Context, i int) {
	x.step = max(0, min(len(x.Outcome.Steps)-1, i))
	x.moved, x.open = true, ""
	if x.step == len(x.Outcome.Steps)-1 {
		ctx.NewAction(lastStepAction)
	}
}

func (x *Exchange) move(ctx app.Context, d int) { x.goTo(ctx, x.current()+d) }

// messages are the arrows of the exchange, in order.
func (x *Exchange) messages() []message {
	o := x.Outcome
	ms := []message{x.requestMessage()}
	// The hops of the preflight and of the request: who wrote what, for a
	// server with layers.
	var preHop, actHop engine.Hop
	for _, h := range o.Hops {
		if h.Preflight {
			preHop = h
		} else {
			actHop = h
		}
	}
	if p := o.Preflight; p != nil {
		path := pathOf(p.Request.URL)
		who := answeredBy(preHop)
		ms = append(ms, message{id: "preflight", label: "OPTIONS " + shortPath(path) + " (preflight)", full: "OPTIONS " + path + " (preflight)",
			raw: rawRequest(p.Request), from: laneBrowser, to: laneServer, who: who})
		ms = append(ms, message{id: "preflight-response", label: statusLabel(p.Response), full: statusLabel(p.Response), raw: rawAnswer(*p.Response, preHop),
			from: laneServer, to: laneBrowser, who: who, fail: o.Actual == nil && o.Verdict == engine.Blocked})
	}
	if a := o.Actual; a != nil {
		path := pathOf(a.Request.URL)
		who := answeredBy(actHop)
		ms = append(ms, message{id: "actual", label: a.Request.Method + " " + shortPath(path), full: a.Request.Method + " " + path,
			raw: rawRequest(a.Request), from: laneBrowser, to: laneServer, who: who})
		// A redirect not followed (redirect "manual" or "error") says where
		// it pointed.
		label, full := responseLabel(a.Response)
		ms = append(ms, message{id: "actual-response", label: label, full: full, raw: rawAnswer(*a.Response, actHop),
			from: laneServer, to: laneBrowser, who: who, fail: o.Verdict == engine.Blocked})
	} else if o.Verdict != engine.Error {
		ms = append(ms, message{id: "actual", label: "the request is never sent", full: "the request is never sent", from: laneBrowser, to: laneServer, unsent: true})
	}
	res := resultLabel(o)
	ms = append(ms, message{id: "result", label: res, full: res, from: laneBrowser, to: lanePage,
		fail: o.Verdict == engine.Blocked || o.Verdict == engine.Error})
	return ms
}

// requestMessage is the fetch() call's arrow.
func (x *Exchange) requestMessage() message {
	req, full := "fetch()", "fetch()"
	if r := x.request(); r != nil {
		req = "fetch() " + r.Method + " " + shortPath(pathOf(r.URL))
		full = "fetch() " + r.Method + " " + r.URL
	}
	return message{id: "request", label: req, full: full, from: lanePage, to: laneBrowser, fail: x.Outcome.Verdict == engine.Error}
}

// request is the request fetch() makes, as far as the engine got with it:
// after redirects, the first one.
func (x *Exchange) request() *engine.HTTPRequest {
	switch o := x.Outcome; {
	case hopped(o):
		r := o.Hops[0].Request
		if o.Hops[0].Preflight {
			r.Method = acrmOf(r)
		}
		return &r
	case o.Actual != nil:
		return &o.Actual.Request
	case o.Preflight != nil:
		r := o.Preflight.Request
		r.Method = acrmOf(r)
		return &r
	}
	return nil
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
	s := fmt.Sprint(r.Status)
	if reason := console.ReasonPhrase(r.Status); reason != "" {
		s += " " + reason
	}
	return s + ", " + plural(len(r.Headers), "header")
}

// plural counts things in English: "no headers", "1 header", "6 headers".
func plural(n int, thing string) string {
	switch n {
	case 0:
		return "no " + thing + "s"
	case 1:
		return "1 " + thing
	}
	return fmt.Sprintf("%d %ss", n, thing)
}

func resultLabel(o engine.Outcome) string {
	switch o.Verdict {
	case engine.Allowed:
		return "promise resolves: response readable"
	case engine.Opaque:
		return "promise resolves: opaque response"
	case engine.OpaqueRedirect:
		return "promise resolves: opaque-redirect response"
	case engine.Error:
		return "throws TypeError before sending"
	}
	return "rejects: TypeError: " + o.TypeError
}

// rowOf names the row of the diagram step st is a point of: its message's
// arrow, "browser" for the browser's own decisions, "result" for the
// verdict.
func rowOf(st engine.Step) string {
	switch {
	case st.Message != "":
		return st.Message
	case st.ID == "verdict":
		return "result"
	}
	return "browser"
}

func (x *Exchange) Render() app.UI {
	rows := x.rows()
	steps := x.Outcome.Steps
	cur := x.current()
	curRow := ""
	switch {
	case cur >= 0 && hopped(x.Outcome):
		for _, r := range rows {
			if slices.Contains(r.steps, cur) {
				curRow = r.id
			}
		}
	case cur >= 0:
		curRow = rowOf(steps[cur])
	}
	shown := x.open
	if shown == "" {
		shown = curRow
	}
	var raw, rawLabel string
	for _, r := range rows {
		if r.id == shown {
			raw, rawLabel = r.raw, r.full
		}
	}
	return app.Elem("section").Class("panel exchange").Attr("aria-labelledby", "exchange-title").Body(
		app.Div().Class("exchange-head").Body(
			app.Elem("h2").ID("exchange-title").Textf("The exchange — step %d of %d", cur+1, len(steps)),
			app.Div().Class("step-controls").Attr("role", "group").Attr("aria-label", "Step controls").Body(
				app.Button().ID("step-prev").Attr("aria-label", "Previous step").Disabled(cur <= 0).OnClick(x.onPrev).Text("◀"),
				app.Button().ID("step-play").Attr("aria-label", playLabel(x.playing)).OnClick(x.onPlay).Text(playText(x.playing)),
				app.Button().ID("step-next").Attr("aria-label", "Next step").Disabled(cur >= len(steps)-1).OnClick(x.onNext).Text("▶"),
			),
		),
		app.P().Class("hint step-hint").Text("Choose an arrow or a numbered step; in the diagram ← → Home End step too."),
		x.diagram(rows, cur, curRow),
		app.If(cur >= 0, func() app.UI { return stepView(steps[cur], cur, x.where(rows, curRow)) }),
		app.If(raw != "", func() app.UI {
			return app.Elem("details").Class("raw-http").Attr("open", true).Body(
				app.Elem("summary").Textf("Raw HTTP: %s", rawLabel),
				app.Elem("pre").ID("raw-http").Class("mono").Text(raw),
			)
		}),
	)
}

// where says in full which row of the diagram a step is on.
func (x *Exchange) where(rows []row, id string) string {
	for _, r := range rows {
		if r.id == id {
			return r.dir() + ": " + r.full
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
func stepView(st engine.Step, i int, where string) app.UI {
	return app.Div().ID("step-explanation").Class("step "+st.Status).Attr("aria-live", "polite").Body(
		app.Elem("h3").Textf("Step %d — %s", i+1, st.Title),
		app.If(where != "", func() app.UI { return app.P().ID("step-where").Class("step-where").Text(where) }),
		app.P().ID("step-detail").Text(st.Detail),
		app.If(st.Differs != "", func() app.UI {
			return app.P().Class("differs").Body(app.Elem("strong").Text("Where browsers differ: "), app.Text(st.Differs))
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

func (x *Exchange) onPrev(ctx app.Context, e app.Event) { x.playing = false; x.move(ctx, -1) }
func (x *Exchange) onNext(ctx app.Context, e app.Event) { x.playing = false; x.move(ctx, 1) }

// onPlay walks from the current step to the last (from the first if at
// the last), giving each step the time it takes to read.
func (x *Exchange) onPlay(ctx app.Context, e app.Event) {
	x.playing = !x.playing
	if !x.playing {
		return
	}
	if x.current() >= len(x.Outcome.Steps)-1 {
		x.goTo(ctx, 0)
	}
	x.play++
	x.tick(ctx, x.play)
}

func (x *Exchange) tick(ctx app.Context, run int) {
	i := x.current()
	if i < 0 {
		x.playing = false
		return
	}
	ctx.After(readingTime(x.Outcome.Steps[i]), func(ctx app.Context) {
		if !x.playing || x.play != run {
			return
		}
		x.move(ctx, 1)
		if x.current() >= len(x.Outcome.Steps)-1 {
			x.playing = false
			return
		}
		x.tick(ctx, run)
	})
}

// Play's pace: a step stays on screen long enough to read its title and
// explanation at about 270 words a minute, at least readMin, at most
// readMax.
const (
	readMin     = 1500 * time.Millisecond
	readPerWord = 220 * time.Millisecond
	readMax     = 12 * time.Second
)

// readingTime is how long Play shows a step.
func readingTime(st engine.Step) time.Duration {
	words := len(strings.Fields(st.Title)) + len(strings.Fields(st.Detail)) + len(strings.Fields(st.Differs))
	return min(readMax, readMin+time.Duration(words)*readPerWord)
}

// onRow goes to the first step of a row and shows its raw HTTP.
func (x *Exchange) onRow(r row) app.EventHandler {
	return func(ctx app.Context, e app.Event) {
		x.playing = false
		if len(r.steps) > 0 {
			x.goTo(ctx, r.steps[0])
		}
		x.open = r.id
	}
}

// onStep goes to step i.
func (x *Exchange) onStep(i int) app.EventHandler {
	return func(ctx app.Context, e app.Event) { x.playing = false; x.goTo(ctx, i) }
}

func acrmOf(r engine.HTTPRequest) string {
	v, _ := r.Headers.Get("Access-Control-Request-Method")
	return v
}
