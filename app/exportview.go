package app

import (
	"github.com/maxence-charriere/go-app/v10/pkg/app"

	"corsplay/engine"
)

// ExportView shows the policy as ready-to-paste server code for a library
// or nginx, and what that target cannot express.
type ExportView struct {
	app.Compo
	Policy engine.Policy

	target string
	open   bool // the details are open: only then is the code made and shown
	copy   copier
}

func (x *ExportView) Render() app.UI {
	details := app.Elem("details").Class("export").ID("export").On("toggle", x.onToggle)
	if !x.open {
		// Closed, the code is not seen: making it (the target library's
		// emulation, its patterns compiled) was a tenth of the page's
		// first mount, and ran again on each edit of the policy.
		return details.Body(app.Elem("summary").Text("Export as server code"))
	}
	target := x.target
	if target == "" {
		target = engine.TargetFlask
	}
	out, err := engine.ExportPolicy(x.Policy, target)
	return details.Attr("open", true).Body(
		app.Elem("summary").Text("Export as server code"),
		app.Div().Class("export-head").Body(
			app.Label().For("export-target").Text("Target"),
			app.Select().ID("export-target").OnChange(x.onTarget).Body(options(engine.ExportTargets, target)...),
			app.Button().ID("copy-export").Class("small").OnClick(x.onCopy).Text(copyText(x.copy.copied())),
		),
		x.copy.manualField("copy-export-text", "The "+target+" code", true),
		app.If(err != nil, func() app.UI { return app.P().Class("problem").Text(errText(err)) }),
		app.If(len(out.Lost) > 0, func() app.UI {
			return app.Div().Class("note").ID("export-lost").Body(
				app.Elem("strong").Text("What this target cannot express: "),
				app.Elem("ul").Body(app.Range(out.Lost).Slice(func(i int) app.UI { return app.Elem("li").Text(out.Lost[i]) })),
			)
		}),
		// The code keeps its lines: it scrolls sideways in its box, with the
		// keyboard too.
		app.Elem("pre").ID("export-code").Class("mono").Attr("tabindex", 0).Attr("role", "region").
			Attr("aria-label", "The "+target+" code").Text(out.Code),
	)
}

func errText(err error) string {
	if err == nil {
		return ""
	}
	return err.Error()
}

func (x *ExportView) onTarget(ctx app.Context, e app.Event) { x.target = value(ctx) }

func (x *ExportView) onToggle(ctx app.Context, e app.Event) { x.open = ctx.JSSrc().Get("open").Bool() }

func (x *ExportView) onCopy(ctx app.Context, e app.Event) {
	target := x.target
	if target == "" {
		target = engine.TargetFlask
	}
	out, err := engine.ExportPolicy(x.Policy, target)
	if err != nil {
		return
	}
	x.copy.copy(ctx, "copy-export-text", out.Code)
}
