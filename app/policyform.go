package app

import (
	"strconv"
	"strings"

	"github.com/maxence-charriere/go-app/v10/pkg/app"

	"corsplay/engine"
)

// PolicyForm edits a policy. List fields keep the text as typed (a trailing
// newline or comma survives) while the policy gets the parsed list.
type PolicyForm struct {
	app.Compo
	Policy engine.Policy
	Bad    fieldProblem // the field that is not what it must be, if any

	origins, methods, headers, expose typedText
}

func (f *PolicyForm) OnInit()                  { f.syncText() }
func (f *PolicyForm) OnUpdate(ctx app.Context) { f.syncText() }

// syncText shows list changes made elsewhere and keeps the text being typed.
func (f *PolicyForm) syncText() {
	syncList(&f.origins, f.Policy.Origins, lines, "\n")
	syncList(&f.methods, f.Policy.Methods, commaList, ", ")
	syncList(&f.headers, f.Policy.RequestHeaders, commaList, ", ")
	syncList(&f.expose, f.Policy.ExposeHeaders, commaList, ", ")
}

func syncList(t *typedText, list []string, parse func(string) []string, sep string) {
	t.sync(listMeaning(list), strings.Join(list, sep), listMeaning(parse(t.text)), true)
}

// listMeaning writes a parsed list as one string.
func listMeaning(l []string) string { return strings.Join(l, "\x00") }

// lines splits one entry per line, ignoring blank lines.
func lines(v string) []string {
	var out []string
	for l := range strings.Lines(v) {
		if l = strings.TrimSpace(l); l != "" {
			out = append(out, l)
		}
	}
	return out
}

// commaList splits "PUT, DELETE" (commas or spaces).
func commaList(v string) []string {
	return strings.FieldsFunc(v, func(r rune) bool { return r == ',' || r == ' ' || r == '\t' || r == '\n' })
}

func (f *PolicyForm) Render() app.UI {
	p, bad := f.Policy, f.Bad
	return app.Div().Class("policy").Body(
		fieldOf("policy-origins", "Allowed origins (one per line)",
			"An exact origin, https://*.example.com (any subdomain, not the apex), http://localhost:* (any port) or re:PATTERN — a Go regular expression matched with regexp.MatchString: unanchored, like most server code, so write ^ and $. Go's RE2 engine matches in linear time, so no pattern can hang the server.",
			markInput(app.Textarea().ID("policy-origins").Class("mono").Rows(3).Attr("spellcheck", "false").
				Text(live("policy-origins", f.origins.text)).Body(app.Text(f.origins.text)).OnInput(f.onOrigins), "policy-origins", bad), bad),
		fieldOf("policy-any", "Any origin?", "Wildcard answers *; reflect echoes whatever Origin arrives, which is the dangerous one.",
			markInput(app.Select().ID("policy-any").OnChange(f.onAnyOrigin), "policy-any", bad).Body(
				app.Option().Value("").Selected(p.AnyOrigin == "").Text("No: only those listed"),
				app.Option().Value(engine.AnyOriginWildcard).Selected(p.AnyOrigin == engine.AnyOriginWildcard).Text("Any: answer *"),
				app.Option().Value(engine.AnyOriginReflect).Selected(p.AnyOrigin == engine.AnyOriginReflect).Text("Any: reflect it (dangerous)"),
			), bad),
		app.Div().Class("checks").Body(
			check("policy-credentials", "Allow credentials (cookies)", p.Credentials, f.onBool(func(p *engine.Policy, v bool) { p.Credentials = v })),
			check("policy-null", "Allow the null origin", p.AllowNull, f.onBool(func(p *engine.Policy, v bool) { p.AllowNull = v })),
			check("policy-vary", "Send Vary: Origin", p.Vary == nil || *p.Vary, f.onBool(func(p *engine.Policy, v bool) {
				p.Vary = nil
				if !v {
					p.Vary = new(false)
				}
			})),
		),
		fieldOf("policy-methods", "Methods", "Comma-separated; * for any. GET, HEAD and POST never need listing.",
			markInput(app.Input().ID("policy-methods").Type("text").Class("mono").Value(live("policy-methods", f.methods.text)).Attr("spellcheck", "false").
				OnInput(f.onList(&f.methods, func(p *engine.Policy, l []string) { p.Methods = l })), "policy-methods", bad), bad),
		fieldOf("policy-request-headers", "Request headers", "Headers the page may send; * for any (with credentials, the requested names are echoed).",
			markInput(app.Input().ID("policy-request-headers").Type("text").Class("mono").Value(live("policy-request-headers", f.headers.text)).Attr("spellcheck", "false").
				OnInput(f.onList(&f.headers, func(p *engine.Policy, l []string) { p.RequestHeaders = l })), "policy-request-headers", bad), bad),
		fieldOf("policy-expose-headers", "Exposed response headers", "Headers script may read beyond the safelisted ones.",
			markInput(app.Input().ID("policy-expose-headers").Type("text").Class("mono").Value(live("policy-expose-headers", f.expose.text)).Attr("spellcheck", "false").
				OnInput(f.onList(&f.expose, func(p *engine.Policy, l []string) { p.ExposeHeaders = l })), "policy-expose-headers", bad), bad),
		app.Div().Class("row").Body(
			field("policy-max-age", "Max-Age (s)", "Empty: header omitted (browsers use 5 s).",
				app.Input().ID("policy-max-age").Type("number").Value(live("policy-max-age", maxAgeText(p.MaxAge))).OnInput(f.onMaxAge)),
			fieldOf("policy-status", "Preflight status", "What the middleware answers OPTIONS with.",
				markInput(app.Input().ID("policy-status").Type("number").Value(live("policy-status", statusText(p.PreflightStatus))).OnInput(f.onStatus), "policy-status", bad), bad),
		),
	)
}

func check(id, label string, on bool, h app.EventHandler) app.UI {
	return app.Label().Class("check").For(id).Body(
		app.Input().ID(id).Type("checkbox").Checked(on).OnChange(h),
		app.Text(" "+label),
	)
}

func maxAgeText(v *int64) string {
	if v == nil {
		return ""
	}
	return strconv.FormatInt(*v, 10)
}

func statusText(v int) string {
	if v == 0 {
		return "204"
	}
	return strconv.Itoa(v)
}

func (f *PolicyForm) change(ctx app.Context, fn func(*engine.Policy)) {
	edit(ctx, func(s *engine.Scenario) {
		if s.Server.Policy != nil {
			fn(s.Server.Policy)
		}
	})
}

func (f *PolicyForm) onOrigins(ctx app.Context, e app.Event) {
	text := value(ctx)
	l := lines(text)
	if f.origins.typed(text, listMeaning(l), true) {
		f.change(ctx, func(p *engine.Policy) { p.Origins = l })
	}
}

func (f *PolicyForm) onList(t *typedText, set func(*engine.Policy, []string)) app.EventHandler {
	return func(ctx app.Context, e app.Event) {
		text := value(ctx)
		l := commaList(text)
		if t.typed(text, listMeaning(l), true) {
			f.change(ctx, func(p *engine.Policy) { set(p, l) })
		}
	}
}

func (f *PolicyForm) onBool(set func(*engine.Policy, bool)) app.EventHandler {
	return func(ctx app.Context, e app.Event) {
		v := checked(ctx)
		f.change(ctx, func(p *engine.Policy) { set(p, v) })
	}
}

func (f *PolicyForm) onAnyOrigin(ctx app.Context, e app.Event) {
	v := value(ctx)
	f.change(ctx, func(p *engine.Policy) { p.AnyOrigin = v })
}

func (f *PolicyForm) onMaxAge(ctx app.Context, e app.Event) {
	v := strings.TrimSpace(value(ctx))
	f.change(ctx, func(p *engine.Policy) {
		p.MaxAge = nil
		if n, err := strconv.ParseInt(v, 10, 64); err == nil {
			p.MaxAge = &n
		}
	})
}

func (f *PolicyForm) onStatus(ctx app.Context, e app.Event) {
	n, err := strconv.Atoi(strings.TrimSpace(value(ctx)))
	if err != nil {
		return
	}
	f.change(ctx, func(p *engine.Policy) { p.PreflightStatus = n })
}
