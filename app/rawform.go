package app

import (
	"strconv"
	"strings"

	"github.com/maxence-charriere/go-app/v10/pkg/app"

	"corsplay/engine"
)

// RawForm edits the responses exactly as they arrive on the wire.
type RawForm struct {
	app.Compo
	Raw engine.RawServer
	Bad fieldProblem // the field that is not what it must be, if any
}

func (f *RawForm) Render() app.UI {
	pre, act, bad := f.Raw.Preflight, f.Raw.Actual, f.Bad
	return app.Div().Class("raw").Body(
		app.Elem("fieldset").Body(
			app.Elem("legend").Text("Answer to the preflight (OPTIONS)"),
			check("raw-has-preflight", "The server answers preflights itself", pre != nil, f.onHasPreflight),
			app.If(pre != nil, func() app.UI {
				return app.Div().Body(
					fieldOf("raw-preflight-status", "Status", "", statusInput("raw-preflight-status", pre, f.onStatus(preflightHeaders), bad), bad),
					&HeaderTable{Target: preflightHeaders, Headers: pre.Headers, Bad: bad},
				)
			}).Else(func() app.UI {
				return app.Elem("p").Class("hint").Text("Without it, OPTIONS gets 404 with no CORS header, like a server that knows nothing of CORS.")
			}),
		),
		app.Elem("fieldset").Body(
			app.Elem("legend").Text("Answer to the request itself"),
			fieldOf("raw-actual-status", "Status", "", statusInput("raw-actual-status", act, f.onStatus(actualHeaders), bad), bad),
			&HeaderTable{Target: actualHeaders, Headers: headersOf(act), Bad: bad},
		),
	)
}

func statusInput(id string, r *engine.Response, h app.EventHandler, bad fieldProblem) app.UI {
	v := "200"
	if r != nil {
		v = strconv.Itoa(r.Status)
	}
	return markInput(app.Input().ID(id).Type("number").Attr("min", 200).Attr("max", 599).Value(live(id, v)).OnInput(h), id, bad)
}

func headersOf(r *engine.Response) engine.Headers {
	if r == nil {
		return nil
	}
	return r.Headers
}

func (f *RawForm) onHasPreflight(ctx app.Context, e app.Event) {
	on := checked(ctx)
	edit(ctx, func(s *engine.Scenario) {
		ensureRaw(s, preflightHeaders)
		if !on {
			s.Server.Raw.Preflight = nil
		} else if s.Server.Raw.Preflight == nil {
			s.Server.Raw.Preflight = &engine.Response{Status: 204}
		}
	})
}

func (f *RawForm) onStatus(target string) app.EventHandler {
	return func(ctx app.Context, e app.Event) {
		n, err := strconv.Atoi(strings.TrimSpace(value(ctx)))
		if err != nil {
			return
		}
		edit(ctx, func(s *engine.Scenario) {
			ensureRaw(s, target)
			if target == preflightHeaders {
				s.Server.Raw.Preflight.Status = n
			} else {
				s.Server.Raw.Actual.Status = n
			}
		})
	}
}
