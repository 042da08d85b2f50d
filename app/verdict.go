package app

import (
	"slices"
	"strings"

	"github.com/maxence-charriere/go-app/v10/pkg/app"

	"corsplay/engine"
)

// Verdict shows what the page's script gets: the banner, the browser's
// console, the readable headers, the verdicts of the other browsers and the
// fetch() code. It holds only what it shows (newVerdict), so that an edit
// that changes none of it does not render it again.
type Verdict struct {
	app.Compo
	Profile         string
	Verdict         string // engine.Allowed…
	Title           string
	Summary         string // the verdict step's detail
	WhyTitle, Why   string // the failing step's title and detail: why, in plain words
	WhyStep         int    // that step's index, 0 without one
	Console         string // the line that says why
	ConsoleLines    []engine.ConsoleLine
	TypeError       string
	CORSError       string
	Aside           string // see aside
	ReadableHeaders []string
	Notes           []string
	LibraryWarnings []string
	Preflight       bool // the profile sends a preflight
	Browsers        []engine.BrowserVerdict
	Reasons         []string // where the steps say the browsers differ
	FetchCode       string
	ReadOnly        bool         // the embed view: nothing switches the profile
	Incomplete      fieldProblem // a field that is not what it must be: no browser result to show
}

// newVerdict is the Verdict of the scenario s, whose outcome is o; bad is
// s's field that is not what it must be (incomplete(s)), if any.
func newVerdict(s engine.Scenario, o engine.Outcome, bad fieldProblem, readOnly bool) *Verdict {
	if bad.Path != "" {
		// What the engine made of it (an "error") is no browser's.
		return &Verdict{Profile: browserOf(s), ReadOnly: readOnly, Incomplete: bad}
	}
	v := &Verdict{Profile: browserOf(s), Verdict: o.Verdict, Title: verdictTitle(o), Console: o.Console, ConsoleLines: o.ConsoleLines,
		TypeError: o.TypeError, CORSError: o.CORSError, Aside: aside(o), ReadableHeaders: o.ReadableHeaders, Notes: o.Notes,
		Preflight: o.Preflight != nil, Browsers: o.Browsers, Reasons: differences(o.Steps), FetchCode: fetchCode(s, o), ReadOnly: readOnly}
	if n := len(o.Steps); n > 0 {
		v.Summary = o.Steps[n-1].Detail
	}
	if i := failingStep(o.Steps); i >= 0 {
		v.WhyTitle, v.Why, v.WhyStep = o.Steps[i].Title, o.Steps[i].Detail, i
	}
	if len(o.LibraryWarnings) > 0 {
		v.LibraryWarnings = slices.Compact(slices.Clone(o.LibraryWarnings))
	}
	return v
}

var verdictTitles = map[string]string{
	engine.Allowed:        "Allowed",
	engine.Blocked:        "Blocked by CORS",
	engine.Opaque:         "Opaque response (no-cors)",
	engine.OpaqueRedirect: `Opaque redirect (redirect: "manual")`,
	engine.Error:          "TypeError before sending",
}

func (v *Verdict) Render() app.UI {
	if v.Incomplete.Path != "" {
		return v.incomplete()
	}
	return app.Elem("section").Class("panel verdict").Attr("aria-labelledby", "verdict-title").Body(
		app.Div().ID("verdict").Class("banner "+v.Verdict).Attr("role", "status").Body(
			app.Elem("h2").ID("verdict-title").Text(v.Title),
			app.If(v.Why != "", func() app.UI {
				return app.Elem("p").ID("verdict-why").Body(
					app.Elem("strong").Text(v.WhyTitle+": "), app.Text(v.Why+" "),
					app.Button().ID("why-step").Class("link").OnClick(v.onWhyStep).Textf("See step %d", v.WhyStep+1),
				)
			}),
			app.Elem("p").ID("verdict-summary").Text(v.Summary),
		),
		app.If(v.Console != "" || len(v.ConsoleLines) > 0, func() app.UI { return v.console() }),
		app.If(v.Verdict == engine.Allowed, func() app.UI {
			return app.Elem("p").ID("readable").Body(
				app.Elem("strong").Text("Readable headers: "),
				app.Text(orNone(strings.Join(v.ReadableHeaders, ", "))),
			)
		}),
		app.Range(v.Notes).Slice(func(i int) app.UI { return app.Elem("p").Class("note").Text(v.Notes[i]) }),
		app.If(len(v.LibraryWarnings) > 0, func() app.UI {
			return app.Elem("p").Class("note").ID("library-warnings").Text("The library logs: " + strings.Join(v.LibraryWarnings, "; "))
		}),
		v.otherBrowsers(),
		app.Elem("details").Class("code").Body(
			app.Elem("summary").Text("The page's fetch() code"),
			app.Elem("pre").ID("fetch-code").Class("mono").Text(v.FetchCode),
		),
	)
}

// console is what the browser's console shows.
func (v *Verdict) console() *ConsoleView {
	return &ConsoleView{Profile: v.Profile, Lines: v.ConsoleLines, Main: v.Console, TypeError: v.TypeError, CORSError: v.CORSError,
		Thrown: v.Verdict == engine.Error && v.Aside == "", Aside: v.Aside}
}

// otherBrowsers is the verdict in each browser.
func (v *Verdict) otherBrowsers() *OtherBrowsers {
	return &OtherBrowsers{Profile: v.Profile, Verdict: v.Verdict, Preflight: v.Preflight, Browsers: v.Browsers, Reasons: v.Reasons, ReadOnly: v.ReadOnly}
}

// failingStep is the index of the step where the browser decided against
// the request, before the verdict that repeats it; -1 if none did.
func failingStep(steps []engine.Step) int {
	for i, st := range steps {
		if st.Status == engine.StepFail && st.ID != "verdict" {
			return i
		}
	}
	return -1
}

// onWhyStep shows the failing step in the exchange.
func (v *Verdict) onWhyStep(ctx app.Context, e app.Event) {
	ctx.NewActionWithValue(stepAction, v.WhyStep)
}

// incomplete says which field is not what it must be, in words, and
// takes the user to it: a neutral banner, no browser's result.
func (v *Verdict) incomplete() app.UI {
	bad := v.Incomplete
	return app.Elem("section").Class("panel verdict").Attr("aria-labelledby", "verdict-title").Body(
		app.Div().ID("verdict").Class("banner incomplete").Attr("role", "status").Body(
			app.Elem("h2").ID("verdict-title").Text("Incomplete: "+bad.What),
			app.Elem("p").ID("problem").Text(sentence(bad.Words)),
			app.Elem("p").ID("verdict-summary").Text("Once it is fixed, corsplay shows what the browser does."),
			app.If(bad.ID != "" && !v.ReadOnly, func() app.UI {
				return app.Button().ID("problem-focus").Class("link").OnClick(v.onFocusField).Text("Go to the field")
			}),
		),
	)
}

// onFocusField takes the user to the field that is not what it must be.
func (v *Verdict) onFocusField(ctx app.Context, e app.Event) {
	if el := app.Window().GetElementByID(v.Incomplete.ID); el.Truthy() {
		el.Call("scrollIntoView", map[string]any{"block": "center"})
		el.Call("focus")
	}
}

func verdictTitle(o engine.Outcome) string {
	if o.ConfigError != "" {
		return "The server would not start"
	}
	return verdictTitles[o.Verdict]
}

// aside titles a console text no browser logs: the library's refusal, a
// server that cannot start, or why corsplay stopped; "" for a browser's.
func aside(o engine.Outcome) string {
	switch {
	case o.ConfigError != "":
		return "The library's error"
	case o.Verdict != engine.Error || o.TypeError != "":
		return ""
	case len(o.Steps) > 0 && o.Steps[len(o.Steps)-1].ID == "server":
		return "The server's error"
	}
	return "Why corsplay stopped"
}

// differences are what the steps say of the browsers' differences; the verdict
// step's only repeats the verdicts, which OtherBrowsers says itself.
func differences(steps []engine.Step) []string {
	var rs []string
	for _, st := range steps {
		if st.Differs != "" && st.ID != "verdict" {
			rs = append(rs, st.Differs)
		}
	}
	return rs
}

func copyText(copied bool) string {
	if copied {
		return "Copied"
	}
	return "Copy"
}

func orNone(s string) string {
	if s == "" {
		return "none beyond the status and the body"
	}
	return s
}
