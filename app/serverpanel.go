package app

import (
	"encoding/json"
	"fmt"
	"slices"

	"github.com/maxence-charriere/go-app/v10/pkg/app"

	"corsplay/engine"
)

// ServerPanel switches between the ways of describing the server: a policy
// (a correct middleware configured in neutral terms), a real library with
// its own options, or raw responses. The switch is a WAI-ARIA tab list:
// one Tab stop, the arrow keys, Home and End move between the tabs and
// select them.
type ServerPanel struct {
	app.Compo
	Server engine.Server
	Page   string
	Route  string // the request URL's path: the route of the library's app
	Locked bool   // the challenge on screen locks the server
	// Elsewhere are the other servers a redirect reaches, shown as they
	// are: only a link or a lesson sets them.
	Elsewhere []engine.Elsewhere
}

// serverKinds are the tabs, in order: kind, label.
var serverKinds = []struct{ kind, label string }{
	{"policy", "Policy"},
	{"library", "Library"},
	{"raw", "Raw responses"},
}

func (p *ServerPanel) kind() string {
	switch {
	case p.Server.Policy != nil:
		return "policy"
	case p.Server.Library != nil:
		return "library"
	}
	return "raw"
}

func (p *ServerPanel) Render() app.UI {
	kind := p.kind()
	bad := serverProblem(p.Server)
	return app.Elem("section").Class("panel").Attr("aria-labelledby", "server-title").Body(
		app.Elem("h2").ID("server-title").Text("Server — how the API answers"),
		lockable(p.Locked, true, app.Div().Class("tabs").Attr("role", "tablist").Attr("aria-label", "Server kind").OnKeyDown(p.onTabKey).Body(
			app.Range(serverKinds).Slice(func(i int) app.UI {
				k := serverKinds[i]
				return tab(k.kind, k.label, kind == k.kind, p.onKind(k.kind))
			}),
		),
			// A panel per tab, as the pattern wants; only the selected one has
			// content, the server being of one kind at a time.
			app.Range(serverKinds).Slice(func(i int) app.UI {
				k := serverKinds[i].kind
				panel := app.Div().ID("panel-"+k).Attr("role", "tabpanel").Attr("aria-labelledby", "tab-"+k)
				if k != kind {
					return panel.Hidden(true)
				}
				return panel.Body(p.form(kind, bad))
			})),
		app.If(len(p.Server.Layers) > 0, p.layers),
		app.If(len(p.Elsewhere) > 0, p.elsewhere),
	)
}

// layers lists what stands in front of the server, from the network
// inwards, with how each is configured.
func (p *ServerPanel) layers() app.UI {
	return app.Div().ID("layers").Class("elsewhere").Body(
		app.Elem("h3").ID("layers-title").Text("In front of the server"),
		app.P().Class("hint").Text("From the network inwards: each sees the request before the server, and its answer after. They come with the link, as they are: this page does not edit them."),
		app.Ol().Attr("aria-labelledby", "layers-title").Body(app.Range(p.Server.Layers).Slice(func(i int) app.UI {
			l := p.Server.Layers[i]
			conf, _ := json.MarshalIndent(l, "", "  ")
			return app.Li().ID(fmt.Sprintf("layer-%d", i)).Body(
				app.Text(l.Title(i)),
				app.Elem("details").Body(
					app.Elem("summary").Text("How it behaves"),
					app.Elem("pre").Class("mono").Text(string(conf)),
				),
			)
		})),
	)
}

// elsewhere lists the other servers a redirect reaches, with what each is
// configured to answer.
func (p *ServerPanel) elsewhere() app.UI {
	return app.Div().ID("elsewhere").Class("elsewhere").Body(
		app.Elem("h3").ID("elsewhere-title").Text("Other servers a redirect reaches"),
		app.P().Class("hint").Text("Each answers the URLs that start with its address (the longest match wins); any other URL off the server's origin gets 404 without CORS headers. They come with the link, as they are: this page does not edit them."),
		app.Ul().Attr("aria-labelledby", "elsewhere-title").Body(app.Range(p.Elsewhere).Slice(func(i int) app.UI {
			x := p.Elsewhere[i]
			conf, _ := json.MarshalIndent(x.Server, "", "  ")
			return app.Li().ID(fmt.Sprintf("elsewhere-%d", i)).Body(
				app.Span().Class("mono").Text(x.URL),
				app.Text(" ("+serverKindOf(x.Server)+")"),
				app.Elem("details").Body(
					app.Elem("summary").Text("How it answers"),
					app.Elem("pre").Class("mono").Text(string(conf)),
				),
			)
		})),
	)
}

// serverKindOf names how a server is given: "raw", "policy", "library"
// (with the library's name), or "no CORS support" for none.
func serverKindOf(s engine.Server) string {
	switch {
	case s.Policy != nil:
		return "policy"
	case s.Library != nil:
		return "library: " + s.Library.Name
	case s.Raw != nil:
		return "raw"
	}
	return "no CORS support"
}

// form is the editor of the server's kind; bad is its field that is not
// what it must be, if any.
func (p *ServerPanel) form(kind string, bad fieldProblem) app.UI {
	switch kind {
	case "policy":
		return app.Div().Body(
			&PolicyForm{Policy: *p.Server.Policy, Bad: bad},
			&ExportView{Policy: *p.Server.Policy},
		)
	case "library":
		return &LibraryForm{Library: *p.Server.Library, Route: p.Route, Bad: bad}
	}
	raw := engine.RawServer{}
	if p.Server.Raw != nil {
		raw = *p.Server.Raw
	}
	return &RawForm{Raw: raw, Bad: bad}
}

// tab is the tab of a server kind: only the selected one is in the Tab
// order (a roving tabindex).
func tab(kind, label string, selected bool, h app.EventHandler) app.UI {
	class, index := "tab", -1
	if selected {
		class, index = "tab selected", 0
	}
	return app.Button().ID("tab-"+kind).Class(class).Attr("role", "tab").Attr("aria-selected", selected).
		Attr("aria-controls", "panel-"+kind).Attr("tabindex", index).OnClick(h).Text(label)
}

func (p *ServerPanel) onKind(kind string) app.EventHandler {
	return func(ctx app.Context, e app.Event) {
		if kind != p.kind() {
			ctx.NewActionWithValue(serverKindAction, kind)
		}
	}
}

// onTabKey moves between the tabs with ArrowLeft and ArrowRight (wrapping
// round), Home and End, and selects the tab it moves to. The keys are the
// tab list's: no other listener (the exchange's step keys) sees them.
func (p *ServerPanel) onTabKey(ctx app.Context, e app.Event) {
	i := slices.IndexFunc(serverKinds, func(k struct{ kind, label string }) bool { return k.kind == p.kind() })
	n := len(serverKinds)
	switch e.Get("key").String() {
	case "ArrowRight":
		i = (i + 1) % n
	case "ArrowLeft":
		i = (i + n - 1) % n
	case "Home":
		i = 0
	case "End":
		i = n - 1
	default:
		return
	}
	e.PreventDefault()
	e.Call("stopPropagation")
	kind := serverKinds[i].kind
	app.Window().GetElementByID("tab-" + kind).Call("focus")
	p.onKind(kind)(ctx, e)
}
