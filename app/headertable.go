package app

import (
	"fmt"

	"github.com/maxence-charriere/go-app/v10/pkg/app"

	"corsplay/engine"
)

// Header lists a HeaderTable can edit.
const (
	requestHeaders   = "request"
	preflightHeaders = "preflight"
	actualHeaders    = "actual"
)

// HeaderTable edits one ordered header list. Request headers are flagged the
// way the browser treats them: dropped, needing a preflight, or safelisted.
type HeaderTable struct {
	app.Compo
	Target  string // requestHeaders, preflightHeaders or actualHeaders
	Headers engine.Headers
	Profile string
	Bad     fieldProblem // the field that is not what it must be, if any: a name or value cell
}

func (h *HeaderTable) Render() app.UI {
	n := len(h.Headers)
	return app.Div().Class("headers").Body(
		app.Elem("table").Body(
			app.If(n > 0, func() app.UI {
				return app.Elem("thead").Body(app.Elem("tr").Body(
					app.Elem("th").Attr("scope", "col").Text("Name"), app.Elem("th").Attr("scope", "col").Text("Value"),
					app.Elem("th").Attr("scope", "col").Body(app.Elem("span").Class("sr-only").Text("Remove")),
				))
			}),
			app.Elem("tbody").Body(app.Range(h.Headers).Slice(func(i int) app.UI {
				hd := h.Headers[i]
				scope := app.EventScope(h.Target, i, n)
				name, val := cellID(h.Target, i, "name"), cellID(h.Target, i, "value")
				// The name sits over its value (web/app.css), each as wide as
				// the panel: a name such as Access-Control-Allow-Credentials
				// is read whole. The browser's verdict on a request header
				// sits under its name.
				return app.Elem("tr").Body(
					app.Elem("td").Class("header-name").Body(markInput(app.Input().ID(name).Type("text").Class("mono").Value(live(name, hd.Name)).Placeholder("Name").
						Attr("aria-label", fmt.Sprintf("%s header %d name", h.Target, i+1)).Attr("spellcheck", "false").
						OnInput(h.onName(i), scope), name, h.Bad),
						fieldWords(name, h.Bad),
						app.If(h.Target == requestHeaders, func() app.UI { return h.badge(hd) })),
					app.Elem("td").Class("header-value").Body(markInput(app.Input().ID(val).Type("text").Class("mono").Value(live(val, hd.Value)).Placeholder("value").
						Attr("aria-label", fmt.Sprintf("%s header %d value", h.Target, i+1)).Attr("spellcheck", "false").
						OnInput(h.onValue(i), scope), val, h.Bad),
						fieldWords(val, h.Bad)),
					app.Elem("td").Body(app.Button().Class("icon").Attr("aria-label", fmt.Sprintf("Remove %s header %s", h.Target, hd.Name)).
						Text("×").OnClick(h.onRemove(i), scope)),
				)
			})),
		),
		app.Button().Class("add").Text("+ add header").OnClick(h.onAdd, app.EventScope(h.Target)),
	)
}

// badge says what the browser does with a request header.
func (h *HeaderTable) badge(hd engine.Header) app.UI {
	label, class, title := requestHeaderStatus(h.Profile, hd)
	return app.Elem("span").Class("badge "+class).Title("%s", title).Text(label)
}

// requestHeaderStatus classifies a request header with the engine's rules.
func requestHeaderStatus(profile string, hd engine.Header) (label, class, title string) {
	v := engine.NormalizeHeaderValue(hd.Value)
	switch {
	case !engine.IsToken(hd.Name):
		return "invalid", "bad", "Not a valid header name: fetch() throws a TypeError."
	case func() bool { f, _ := engine.ForbiddenRequestHeader(profile, hd.Name, v); return f }():
		_, why := engine.ForbiddenRequestHeader(profile, hd.Name, v)
		return "dropped", "muted", "The browser drops this header silently: " + why + "."
	case engine.SafelistedRequestHeader(profile, hd.Name, v):
		return "safelisted", "ok", "CORS-safelisted: no preflight needed for it."
	}
	return "needs preflight", "warn", "Not CORS-safelisted: the browser asks the server first (preflight)."
}

func (h *HeaderTable) list(s *engine.Scenario) *engine.Headers {
	switch h.Target {
	case preflightHeaders:
		return &s.Server.Raw.Preflight.Headers
	case actualHeaders:
		return &s.Server.Raw.Actual.Headers
	}
	return &s.Request.Headers
}

// change edits the list, creating the raw response it belongs to if needed.
func (h *HeaderTable) change(ctx app.Context, fn func(*engine.Headers)) {
	edit(ctx, func(s *engine.Scenario) {
		if h.Target != requestHeaders {
			ensureRaw(s, h.Target)
		}
		fn(h.list(s))
	})
}

// ensureRaw makes sure the raw response target (preflightHeaders or
// actualHeaders) exists, as the defaults it stood for: 204 for a preflight
// the user starts typing, 200 for the actual response.
func ensureRaw(s *engine.Scenario, target string) {
	if s.Server.Raw == nil {
		s.Server.Raw = &engine.RawServer{}
	}
	switch {
	case target == preflightHeaders && s.Server.Raw.Preflight == nil:
		s.Server.Raw.Preflight = &engine.Response{Status: 204}
	case target == actualHeaders && s.Server.Raw.Actual == nil:
		s.Server.Raw.Actual = &engine.Response{Status: 200}
	}
}

func (h *HeaderTable) onName(i int) app.EventHandler {
	return func(ctx app.Context, e app.Event) {
		v := value(ctx)
		h.change(ctx, func(hs *engine.Headers) {
			if i < len(*hs) {
				(*hs)[i].Name = v
			}
		})
		ctx.PreventUpdate() // as editAsTyped
	}
}

func (h *HeaderTable) onValue(i int) app.EventHandler {
	return func(ctx app.Context, e app.Event) {
		v := value(ctx)
		h.change(ctx, func(hs *engine.Headers) {
			if i < len(*hs) {
				(*hs)[i].Value = v
			}
		})
		ctx.PreventUpdate() // as editAsTyped
	}
}

func (h *HeaderTable) onRemove(i int) app.EventHandler {
	return func(ctx app.Context, e app.Event) {
		h.change(ctx, func(hs *engine.Headers) {
			if i < len(*hs) {
				*hs = append((*hs)[:i], (*hs)[i+1:]...)
			}
		})
	}
}

func (h *HeaderTable) onAdd(ctx app.Context, e app.Event) {
	name := "X-Custom"
	if h.Target != requestHeaders {
		name = "Access-Control-Allow-Origin"
	}
	h.change(ctx, func(hs *engine.Headers) { *hs = append(*hs, engine.Header{Name: name}) })
}

// cellID names a header cell's input: "request-header-0-name".
func cellID(target string, i int, part string) string {
	return fmt.Sprintf("%s-header-%d-%s", target, i, part)
}
