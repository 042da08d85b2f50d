package app

import (
	"github.com/maxence-charriere/go-app/v10/pkg/app"

	"corsplay/engine"
)

// ServerPanel switches between the ways of describing the server: a policy
// (a correct middleware configured in neutral terms), a real library with
// its own options, or raw responses.
type ServerPanel struct {
	app.Compo
	Server engine.Server
	Page   string
}

func (p *ServerPanel) Render() app.UI {
	kind := "raw"
	switch {
	case p.Server.Policy != nil:
		kind = "policy"
	case p.Server.Library != nil:
		kind = "library"
	}
	return app.Elem("section").Class("panel").Attr("aria-labelledby", "server-title").Body(
		app.Elem("h2").ID("server-title").Text("Server — how the API answers"),
		app.Div().Class("tabs").Attr("role", "tablist").Attr("aria-label", "Server kind").Body(
			tab("tab-policy", "Policy", kind == "policy", p.onKind("policy")),
			tab("tab-library", "Library", kind == "library", p.onKind("library")),
			tab("tab-raw", "Raw responses", kind == "raw", p.onKind("raw")),
		),
		app.Div().Attr("role", "tabpanel").Body(
			app.If(kind == "policy", func() app.UI {
				return app.Div().Body(
					&PolicyForm{Policy: *p.Server.Policy},
					&ExportView{Policy: *p.Server.Policy},
				)
			}).ElseIf(kind == "library", func() app.UI {
				return &LibraryForm{Library: *p.Server.Library}
			}).Else(func() app.UI {
				raw := engine.RawServer{}
				if p.Server.Raw != nil {
					raw = *p.Server.Raw
				}
				return &RawForm{Raw: raw}
			}),
		),
	)
}

func tab(id, label string, selected bool, h app.EventHandler) app.UI {
	class := "tab"
	if selected {
		class += " selected"
	}
	return app.Button().ID(id).Class(class).Attr("role", "tab").Attr("aria-selected", selected).OnClick(h).Text(label)
}

func (p *ServerPanel) onKind(kind string) app.EventHandler {
	return func(ctx app.Context, e app.Event) {
		ctx.NewActionWithValue(serverKindAction, kind)
	}
}
