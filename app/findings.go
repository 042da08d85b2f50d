package app

import (
	"fmt"
	"strconv"

	"github.com/maxence-charriere/go-app/v10/pkg/app"

	"corsplay/engine"
)

// The findings: the smallest fixes, each with an Apply button, what is
// wrong with the server (lint), and who else can read its responses (the
// attacker's view). Three components, so that an edit re-renders only the
// ones whose content it changes.

// FixesView shows the smallest fixes.
type FixesView struct {
	app.Compo
	Fixes     []engine.Fix
	NoSafeFix string
	// Hidden keeps fixes that no longer apply mounted but hidden while the
	// user types (behind.go).
	Hidden bool
}

func (f *FixesView) Render() app.UI {
	if len(f.Fixes) == 0 && f.NoSafeFix == "" {
		return app.Div().Class("findings-none")
	}
	n := len(f.Fixes)
	section := app.Elem("section").Class("panel fixes").Attr("aria-labelledby", "fixes-title")
	if f.Hidden {
		section = section.Attr("hidden", true)
	}
	return section.Body(
		app.Elem("h2").ID("fixes-title").Text("The smallest fix"),
		app.If(f.NoSafeFix != "", func() app.UI { return app.Elem("p").Class("no-fix").Text(f.NoSafeFix) }),
		app.Elem("ol").Body(app.Range(f.Fixes).Slice(func(i int) app.UI {
			fx := f.Fixes[i]
			return app.Elem("li").Class("fix risk-"+fx.Risk).Body(
				app.Div().Class("fix-head").Body(
					app.Elem("strong").Text(fx.Title),
					app.Elem("span").Class("badge risk-"+fx.Risk).Textf("risk: %s", fx.Risk),
					app.Button().ID("apply-fix-"+strconv.Itoa(i)).Class("small primary").Attr("aria-label", "Apply: "+fx.Title).
						OnClick(f.onApply(i), app.EventScope(i, n, fx.Title)).Text("Apply"),
				),
				app.If(fx.Plain != "", func() app.UI { return app.Elem("p").Class("fix-plain").Text(fx.Plain) }),
				app.If(fx.Code != nil, func() app.UI { return fixCode(i, fx.Code) }),
				app.If(len(fx.Why) > 0, func() app.UI {
					return app.Elem("ul").Class("why").Body(app.Range(fx.Why).Slice(func(j int) app.UI {
						return app.Elem("li").Text(fx.Why[j])
					}))
				}),
				app.Elem("ul").Class("diff mono").Attr("aria-label", "Fields changed").Body(app.Range(fx.Changes).Slice(func(j int) app.UI {
					c := fx.Changes[j]
					return app.Elem("li").Body(
						app.Elem("span").Class("field").Text(c.Field+": "),
						app.If(c.From != "", func() app.UI { return app.Elem("del").Text(c.From) }),
						app.Text(" → "),
						app.Elem("ins").Text(orEmpty(c.To)),
					)
				})),
				app.Elem("p").Class("cost").Text(fx.Cost),
				app.If(fx.Breaks != "", func() app.UI {
					return app.Elem("p").Class("breaks").Body(app.Elem("strong").Text("Breaks: "), app.Text(fx.Breaks))
				}),
			)
		})),
	)
}

// fixCode shows the user's code before and after fix i.
func fixCode(i int, c *engine.FixCode) app.UI {
	id := "fix-" + strconv.Itoa(i)
	return app.Div().Class("fix-code").Body(
		app.Div().Body(
			app.Elem("span").Class("code-label").ID(id+"-before-label").Text("Before"),
			app.Elem("pre").ID(id+"-before").Class("mono lang-"+c.Language).Attr("aria-labelledby", id+"-before-label").Text(c.Before),
		),
		app.Div().Body(
			app.Elem("span").Class("code-label").ID(id+"-after-label").Text("After"),
			app.Elem("pre").ID(id+"-after").Class("mono lang-"+c.Language).Attr("aria-labelledby", id+"-after-label").Text(c.After),
		),
	)
}

func orEmpty(s string) string {
	if s == "" {
		return "(removed)"
	}
	return s
}

func (f *FixesView) onApply(i int) app.EventHandler {
	return func(ctx app.Context, e app.Event) {
		if i >= len(f.Fixes) {
			return
		}
		fx := f.Fixes[i]
		edit(ctx, func(s *engine.Scenario) { *s = fx.Apply(*s) })
	}
}

// LintView shows the findings on the server.
type LintView struct {
	app.Compo
	Lint []engine.Finding
}

func (f *LintView) Render() app.UI {
	if len(f.Lint) == 0 {
		return app.Div().Class("findings-none")
	}
	return app.Elem("section").Class("panel lint").Attr("aria-labelledby", "lint-title").Body(
		app.Elem("h2").ID("lint-title").Text("Findings on the server"),
		app.Elem("ul").Body(app.Range(f.Lint).Slice(func(i int) app.UI {
			l := f.Lint[i]
			return app.Elem("li").Class("finding " + l.Severity).Body(
				app.Elem("details").Body(
					app.Elem("summary").Body(
						app.Elem("span").Class("badge "+l.Severity).Text(l.Severity),
						app.Text(" "+l.Title+" "),
						app.Elem("code").Class("rule").Text(l.ID),
					),
					app.Elem("p").Text(l.Detail),
					app.Elem("p").Body(app.Elem("strong").Text("Fix: "), app.Text(l.Fix)),
				),
			)
		})),
	)
}

// ExposureView shows the attacker's view: open by itself when an origin
// other than the page's can read, folded to its one-line answer when none
// can (the table is then made only once the reader opens it).
type ExposureView struct {
	app.Compo
	Exposure []engine.Probe

	choice string // "open" or "closed" once the reader chose; "" follows the risk
}

func (f *ExposureView) Render() app.UI {
	if len(f.Exposure) == 0 {
		return app.Div().Class("findings-none")
	}
	readers := othersReading(f.Exposure)
	open := f.choice == "open" || f.choice == "" && readers > 0
	summary := app.Elem("summary").Body(
		app.Elem("h2").ID("attacker-title").Text("Who else can read? The attacker's view"),
		app.Elem("p").ID("attacker-answer").Class(readersClass(readers)).Text(readersSentence(readers, len(f.Exposure))),
	)
	details := app.Elem("details").ID("attacker").Class("panel attacker").On("toggle", f.onToggle)
	if !open {
		return details.Body(summary)
	}
	return details.Attr("open", true).Body(
		summary,
		app.Elem("p").Class("hint").Text("Origins derived from the policy, as CORS scanners probe a live server: could script there read the response of a GET?"),
		// A table that scrolls sideways must be reachable with the keyboard.
		app.Div().Class("table-wrap").Attr("tabindex", 0).Attr("role", "region").Attr("aria-label", "Origins and what each can read").Body(app.Elem("table").ID("exposure").Body(
			app.Elem("thead").Body(app.Elem("tr").Body(
				app.Elem("th").Attr("scope", "col").Text("Origin"), app.Elem("th").Attr("scope", "col").Text("Without cookies"),
				app.Elem("th").Attr("scope", "col").Text("With cookies"), app.Elem("th").Attr("scope", "col").Class("why").Text("What it is"),
			)),
			app.Elem("tbody").Body(app.Range(f.Exposure).Slice(func(i int) app.UI {
				p := f.Exposure[i]
				return app.Elem("tr").Class("risk-"+p.Risk).Body(
					// On a phone the last column moves under the origin
					// (web/app.css shows one of the two).
					app.Elem("td").Class("origin").Body(
						app.Elem("span").Class("mono").Text(p.Origin),
						app.Elem("small").Class("why-inline").Text(p.Why),
					),
					app.Elem("td").Body(yesNo(p.Readable, p.Risk)),
					app.Elem("td").Body(yesNo(p.WithCookies, p.Risk)),
					app.Elem("td").Class("why").Text(p.Why),
				)
			})),
		)),
	)
}

func (f *ExposureView) onToggle(ctx app.Context, e app.Event) {
	f.choice = "closed"
	if ctx.JSSrc().Get("open").Bool() {
		f.choice = "open"
	}
}

// othersReading counts the probed origins the policy does not mean to
// trust that can read, with or without cookies.
func othersReading(ps []engine.Probe) int {
	n := 0
	for _, p := range ps {
		if p.Risk != "expected" && (p.Readable || p.WithCookies) {
			n++
		}
	}
	return n
}

func readersSentence(readers, probed int) string {
	switch readers {
	case 0:
		return fmt.Sprintf("None of the %d origins an attacker would try can read.", probed)
	case 1:
		return fmt.Sprintf("1 of the %d origins an attacker would try can read.", probed)
	}
	return fmt.Sprintf("%d of the %d origins an attacker would try can read.", readers, probed)
}

func readersClass(readers int) string {
	if readers > 0 {
		return "readers some"
	}
	return "readers none"
}

// yesNo marks a probe's readability: green for an origin the policy means
// to trust, red for any other.
func yesNo(v bool, risk string) app.UI {
	if v && risk == "expected" {
		return app.Elem("span").Class("badge ok").Text("reads")
	}
	if v {
		return app.Elem("span").Class("badge yes").Text("reads")
	}
	return app.Elem("span").Class("badge no").Text("refused")
}
