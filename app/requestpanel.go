package app

import (
	"strconv"
	"strings"

	"github.com/maxence-charriere/go-app/v10/pkg/app"

	"corsplay/engine"
)

// RequestPanel edits what the page's JavaScript does: its origin and the
// fetch() call.
type RequestPanel struct {
	app.Compo
	Page    string
	Request engine.Request
	Profile string
	// LockPage and LockRequest: the challenge on screen locks the page
	// origin, the fetch() call.
	LockPage, LockRequest bool
}

func (r *RequestPanel) Render() app.UI {
	req := r.Request
	hasBody := req.Body != nil
	bad := requestProblem(r.Page, req)
	return app.Elem("section").Class("panel").Attr("aria-labelledby", "request-title").Body(
		app.Elem("h2").ID("request-title").Text("Request — what the page's JavaScript does"),
		lockable(r.LockPage, true, fieldOf("page", "Page origin", "The origin of the page calling fetch(): scheme://host[:port], or null for a sandboxed iframe.",
			markInput(app.Input().ID("page").Type("text").Class("mono").Value(live("page", r.Page)).Placeholder("https://app.example.com").
				Attr("spellcheck", "false").Attr("list", "page-suggestions").OnInput(r.onPage), "page", bad), bad),
			app.Elem("datalist").ID("page-suggestions").Body(
				app.Option().Value("https://app.example.com"), app.Option().Value("null"), app.Option().Value("http://localhost:3000"),
			)),
		lockable(r.LockRequest, !r.LockPage, fieldOf("url", "URL", "The URL passed to fetch().",
			markInput(app.Input().ID("url").Type("url").Class("mono").Value(live("url", req.URL)).Attr("spellcheck", "false").OnInput(r.onURL), "url", bad), bad),
			// The row wraps rather than cut a select's words (web/app.css).
			app.Div().Class("row fetch-row").Body(
				field("method", "Method", "Typed as in fetch(): only DELETE, GET, HEAD, OPTIONS, POST and PUT are upper-cased by the browser.",
					app.Input().ID("method").Type("text").Class("mono").Value(live("method", methodOf(req))).Attr("list", "methods").
						Attr("spellcheck", "false").Attr("autocapitalize", "off").OnInput(r.onMethod)),
				app.Elem("datalist").ID("methods").Body(app.Range(commonMethods).Slice(func(i int) app.UI {
					return app.Option().Value(commonMethods[i])
				})),
				field("credentials", "Credentials", "include sends cookies cross-origin; same-origin (the default) does not.",
					app.Select().ID("credentials").OnChange(r.onCredentials).Body(options(credentialModes, credentialsOf(req))...)),
				field("mode", "Mode", "cors (default), no-cors (opaque response) or same-origin.",
					app.Select().ID("mode").OnChange(r.onMode).Body(options(requestModes, modeOf(req))...)),
				field("redirect", "Redirects", "follow (default) fetches the Location; error fails on a redirect; manual resolves with an opaque-redirect response.",
					app.Select().ID("redirect").OnChange(r.onRedirect).Body(options(redirectModes, redirectOf(req))...)),
			),
			app.Elem("fieldset").Body(
				app.Elem("legend").Text("Headers"),
				&HeaderTable{Target: requestHeaders, Headers: req.Headers, Profile: r.Profile},
			),
			app.Div().Class("body-field").Body(
				app.Label().Class("check").Body(
					app.Input().ID("has-body").Type("checkbox").Checked(hasBody).OnChange(r.onHasBody),
					app.Text(" Send a body"),
				),
				app.If(hasBody, func() app.UI {
					return app.Textarea().ID("body").Class("mono").Attr("aria-label", "Body").Rows(3).
						Attr("spellcheck", "false").Text(live("body", bodyOf(req))).Body(app.Text(bodyOf(req))).OnInput(r.onBody)
				}),
			),
			fieldOf("repeat", "Send again at (seconds)", "Comma-separated times, e.g. 0, 3, 10: watch the preflight cache.",
				markInput(app.Input().ID("repeat").Type("text").Value(live("repeat", repeatText(req.Repeat))).Placeholder("0, 3, 10").OnChange(r.onRepeat), "repeat", bad), bad)),
	)
}

var (
	commonMethods   = []string{"GET", "POST", "PUT", "PATCH", "DELETE", "HEAD", "OPTIONS", "patch"}
	credentialModes = []string{engine.CredentialsOmit, engine.CredentialsSameOrigin, engine.CredentialsInclude}
	requestModes    = []string{engine.ModeCORS, engine.ModeNoCORS, engine.ModeSameOrigin}
	redirectModes   = []string{engine.RedirectFollow, engine.RedirectError, engine.RedirectManual}
)

// field is a labelled control with a hint.
func field(id, label, hint string, control app.UI) app.UI {
	return fieldOf(id, label, hint, control, fieldProblem{})
}

// fieldOf is field with, right under the control, the words of bad when
// bad names it (the control is marked with markInput).
func fieldOf(id, label, hint string, control app.UI, bad fieldProblem) app.UI {
	return app.Div().Class("field").Body(
		app.Label().For(id).Text(label),
		control,
		fieldWords(id, bad),
		app.If(hint != "", func() app.UI { return app.Elem("small").Class("hint").Text(hint) }),
	)
}

func options(values []string, selected string) []app.UI {
	out := make([]app.UI, len(values))
	for i, v := range values {
		out[i] = app.Option().Value(v).Selected(v == selected).Text(v)
	}
	return out
}

func methodOf(r engine.Request) string {
	if r.Method == "" {
		return "GET"
	}
	return r.Method
}

func credentialsOf(r engine.Request) string {
	if r.Credentials == "" {
		return engine.CredentialsSameOrigin
	}
	return r.Credentials
}

func modeOf(r engine.Request) string {
	if r.Mode == "" {
		return engine.ModeCORS
	}
	return r.Mode
}

func redirectOf(r engine.Request) string {
	if r.Redirect == "" {
		return engine.RedirectFollow
	}
	return r.Redirect
}

func bodyOf(r engine.Request) string {
	if r.Body == nil {
		return ""
	}
	return *r.Body
}

func repeatText(times []float64) string {
	parts := make([]string, len(times))
	for i, t := range times {
		parts[i] = strconv.FormatFloat(t, 'g', -1, 64)
	}
	return strings.Join(parts, ", ")
}

// parseRepeat reads "0, 3, 10"; anything unreadable is left out.
func parseRepeat(v string) []float64 {
	var out []float64
	for f := range strings.FieldsFuncSeq(v, func(r rune) bool { return r == ',' || r == ' ' || r == ';' }) {
		if t, err := strconv.ParseFloat(f, 64); err == nil {
			out = append(out, t)
		}
	}
	return out
}

func (r *RequestPanel) onPage(ctx app.Context, e app.Event) {
	v := value(ctx)
	editAsTyped(ctx, func(s *engine.Scenario) { s.Page = v })
}

func (r *RequestPanel) onURL(ctx app.Context, e app.Event) {
	v := value(ctx)
	editAsTyped(ctx, func(s *engine.Scenario) { s.Request.URL = v })
}

func (r *RequestPanel) onMethod(ctx app.Context, e app.Event) {
	v := value(ctx)
	editAsTyped(ctx, func(s *engine.Scenario) { s.Request.Method = v })
}

func (r *RequestPanel) onCredentials(ctx app.Context, e app.Event) {
	v := value(ctx)
	edit(ctx, func(s *engine.Scenario) { s.Request.Credentials = v })
}

func (r *RequestPanel) onMode(ctx app.Context, e app.Event) {
	v := value(ctx)
	edit(ctx, func(s *engine.Scenario) { s.Request.Mode = v })
}

// onRedirect sets the redirect mode; the default, follow, is left out of
// the scenario, as fetch() leaves it out of its call.
func (r *RequestPanel) onRedirect(ctx app.Context, e app.Event) {
	v := value(ctx)
	if v == engine.RedirectFollow {
		v = ""
	}
	edit(ctx, func(s *engine.Scenario) { s.Request.Redirect = v })
}

func (r *RequestPanel) onHasBody(ctx app.Context, e app.Event) {
	on := checked(ctx)
	edit(ctx, func(s *engine.Scenario) {
		if !on {
			s.Request.Body = nil
		} else if s.Request.Body == nil {
			s.Request.Body = new("")
		}
	})
}

func (r *RequestPanel) onBody(ctx app.Context, e app.Event) {
	v := value(ctx)
	editAsTyped(ctx, func(s *engine.Scenario) { s.Request.Body = &v })
}

func (r *RequestPanel) onRepeat(ctx app.Context, e app.Event) {
	times := parseRepeat(value(ctx))
	edit(ctx, func(s *engine.Scenario) { s.Request.Repeat = times })
}
