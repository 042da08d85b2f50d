package app

import (
	"errors"
	"net/url"
	"strings"

	"github.com/maxence-charriere/go-app/v10/pkg/app"

	"corsplay/engine"
	"corsplay/engine/evidence"
)

// Actions the panels send to the Playground besides edits.
const (
	loadAction       = "corsplay/load"        // value: engine.Scenario (a preset or a fix)
	serverKindAction = "corsplay/server-kind" // value: "policy" or "raw"
)

// Playground is the page: it owns the scenario, evaluates it on every edit
// and keeps the URL fragment in step, so the address is always a permalink.
type Playground struct {
	app.Compo

	scenario engine.Scenario
	out      engine.Outcome
	bad      fieldProblem     // a field that is not what it must be: no browser result to show
	notice   string           // why a link could not be opened
	lesson   string           // ID of the lesson on screen, kept while the learner edits it; "" for none
	update   bool             // a new version is installed: reload to run it
	begun    bool             // past the first screen: a link, lesson, example, fix or paste loaded
	imported *evidence.Result // the paste on screen, until the reader is done with it
	help     bool             // each field's help shown
	first    bool             // only the first screen mounted yet (startup.go)
	behind   *shown           // what the rest of the page shows until it catches up with the typing (behind.go)
	// typedFixes are the last fixes shown while typing (fixesView).
	typedFixes []engine.Fix

	catchUp      app.Func  // calls caughtUp (behind.go)
	catchUpTimer app.Value // the pending setTimeout that calls it

	// lessonStart is the lesson as the course has it: what Reset lesson
	// restores, the start its challenge is checked against.
	lessonStart engine.Scenario
	ex          exercise // the learner's predictions and challenge (app/exercise.go)
	course      courseState

	// The server of the other kind, kept while the user switches tabs.
	sparePolicy  *engine.Policy
	spareRaw     *engine.RawServer
	spareLibrary *engine.Library
}

// OnNav loads the scenario from the URL fragment, or the default one. It
// runs on the server too, where there is no fragment: the prerendered page
// shows the default scenario, already evaluated.
func (p *Playground) OnNav(ctx app.Context) {
	link.drop() // the address holds the scenario to show
	ctx.Page().SetImage(previewImage)
	p.takeCourse(ctx)
	if p.startupLoaded(ctx) {
		if p.course.link == nil && len(p.course.progress) == 0 {
			ctx.PreventUpdate() // nothing shown changed (app.go)
		}
		return
	}
	p.scenario, p.notice = linkedScenario(ctx)
	p.begun = linkFragment(ctx) != ""
	p.findLesson()
	p.evaluate()
}

// previewImage is the picture of a link preview (og:image).
const previewImage = "/web/icon-512.png"

// linkedScenario is the scenario of the URL's fragment, or the default one
// with a notice saying why the link could not be opened.
func linkedScenario(ctx app.Context) (engine.Scenario, string) {
	frag := linkFragment(ctx)
	if frag == "" {
		return defaultScenario(), ""
	}
	if c, ok := readCourseLink(frag); ok {
		return c.start()
	}
	s, err := engine.DecodePermalink(frag)
	switch {
	case err == nil:
		return s, ""
	case s.V != 0:
		return s, "" // valid JSON with a bad field: shown with the problem
	}
	return defaultScenario(), linkProblem(err)
}

// linkFragment is the URL's fragment, unescaped where it can be. In the
// browser it is read as typed: a fragment Go's URL parser refuses (a bad
// %-escape) must still say why the link does not open.
func linkFragment(ctx app.Context) string {
	if !app.IsClient {
		return ctx.Page().URL().Fragment
	}
	raw := strings.TrimPrefix(app.Window().Get("location").Get("hash").String(), "#")
	if frag, err := url.PathUnescape(raw); err == nil {
		return frag
	}
	return raw
}

func linkProblem(err error) string {
	var fe *engine.FieldError
	if errors.As(err, &fe) {
		err = errors.New(fe.Problem)
	}
	return "This link could not be opened: " + err.Error() + ". The default scenario is shown instead."
}

// OnAppUpdate: the service worker installed a new deploy, which runs from
// the next load.
func (p *Playground) OnAppUpdate(ctx app.Context) { p.update = ctx.AppUpdateAvailable() }

// OnMount listens to the panels, and marks the moment the page is
// interactive (User Timing, read by make bench).
func (p *Playground) OnMount(ctx app.Context) {
	ctx.LocalStorage().Get(helpKey, &p.help)
	if !p.help {
		ctx.PreventUpdate() // nothing shown changed (app.go)
	}
	p.handleCourse(ctx)
	ctx.Defer(func(ctx app.Context) {
		app.Window().Get("performance").Call("mark", "corsplay-interactive")
		p.mountRest(ctx)
	})
	ctx.Handle(editAction, func(ctx app.Context, a app.Action) {
		if fn, ok := a.Value.(func(*engine.Scenario)); ok {
			if typing() {
				p.typed(ctx)
			} else {
				p.behind = nil
			}
			// Edit a copy: the panels hold slices of the old scenario and
			// must see a change to re-render.
			s := p.scenario.Clone()
			fn(&s)
			p.scenario = s
			p.changed(ctx)
		}
	})
	ctx.Handle(serverKindAction, func(ctx app.Context, a app.Action) {
		if kind, ok := a.Value.(string); ok {
			p.behind = nil
			p.switchServer(kind)
			p.changed(ctx)
		}
	})
	ctx.Handle(loadAction, func(ctx app.Context, a app.Action) {
		if s, ok := a.Value.(engine.Scenario); ok {
			p.scenario = s
			p.behind = nil
			p.findLesson()
			p.notice = ""
			p.imported = nil
			p.begun = true
			p.changed(ctx)
		}
	})
	ctx.Handle(importAction, func(ctx app.Context, a app.Action) {
		if r, ok := a.Value.(evidence.Result); ok {
			p.scenario = r.Scenario
			p.behind = nil
			p.scenario.Browser = r.Browser
			p.lesson, p.notice = "", ""
			p.imported = &r
			p.begun = true
			p.changed(ctx)
			ctx.Defer(func(app.Context) { ctx.ScrollTo("imported") })
		}
	})
	ctx.Handle(importedDoneAction, func(ctx app.Context, a app.Action) { p.imported = nil })
}

// switchServer shows the server of the other kind, keeping the one it
// replaces, so that switching back and forth loses nothing.
func (p *Playground) switchServer(kind string) {
	srv := &p.scenario.Server
	if srv.Policy != nil {
		p.sparePolicy = srv.Policy
	}
	if srv.Raw != nil {
		p.spareRaw = srv.Raw
	}
	if srv.Library != nil {
		p.spareLibrary = srv.Library
	}
	*srv = engine.Server{Layers: srv.Layers} // the layers stand in front of any kind
	switch kind {
	case "policy":
		srv.Policy = p.sparePolicy
		if srv.Policy == nil {
			srv.Policy = defaultPolicy(p.scenario.Page)
		}
	case "raw":
		srv.Raw = p.spareRaw
		if srv.Raw == nil {
			srv.Raw = defaultRaw(p.scenario.Page)
		}
	case "library":
		srv.Library = p.spareLibrary
		if srv.Library == nil {
			srv.Library = defaultLibrary(p.scenario.Page)
		}
	}
}

// changed re-evaluates, and has the fragment rewritten once the verdict is
// on screen, or, while the user types, once the typing pauses.
func (p *Playground) changed(ctx app.Context) {
	p.evaluate()
	if p.behind != nil && len(p.out.Fixes) > 0 {
		p.typedFixes = p.out.Fixes
	}
	if p.behind != nil {
		link.hold(p.scenario) // written once the typing pauses (behind.go)
	} else {
		link.set(p.scenario)
	}
	p.recordSolved(ctx)
}

func (p *Playground) evaluate() {
	p.out = engine.Evaluate(p.scenario)
	p.bad = incomplete(p.scenario)
	p.compareLesson()
}

func (p *Playground) Render() app.UI {
	s := p.scenario
	v := p.view() // for the exchange, the setup and what follows
	veiled := p.veiled()
	return app.Div().Class("page").Attr("data-assumed", p.assumedFields()).Body(
		// A button, not a link to #answer: the fragment holds the scenario.
		app.Button().ID("skip-to-answer").Class("skip-link").OnClick(p.onSkip).Text("Skip to the answer"),
		&TopBar{Course: p.lessonsMenu(), Preset: p.lessonTitle(), Browser: browserOf(s), BrowserLocked: p.locked(engine.PartBrowser)},
		&WaysIn{Open: !p.begun},
		app.If(p.imported != nil, func() app.UI {
			r := p.imported
			return &Imported{From: r.From(), Assumed: r.Assumed, Notes: r.Notes, Page: s.Page}
		}),
		app.If(p.update, func() app.UI {
			return app.Elem("p").Class("update").Attr("role", "status").ID("app-update").Body(
				app.Text("A new version of corsplay is ready. "),
				app.Button().ID("app-reload").Class("small").OnClick(func(ctx app.Context, e app.Event) { link.flush(); ctx.Reload() }).Text("Reload"),
				app.Text(" (your scenario is in the link and stays)."),
			)
		}),
		app.If(p.notice != "", func() app.UI {
			return app.Elem("p").Class("notice").Attr("role", "alert").ID("link-notice").Text(p.notice)
		}),
		p.lessonArea(),
		app.Elem("main").ID("main").Attr("aria-busy", p.behind != nil).Body(
			// The answer first: the verdict and the fix, beside the exchange
			// on a wide screen, above it on a phone.
			app.Div().Class("answer-grid"+veilClass(veiled)).Body(
				app.Div().ID("answer").Class("answer").Attr("tabindex", -1).Attr("aria-label", "The answer").Body(
					app.If(veiled, p.predictVeil).Else(func() app.UI { return newVerdict(s, p.out, p.bad, p.locked(engine.PartBrowser)) }),
					app.If(p.bad.Path == "" && !veiled && !p.challenging(), p.fixesView).
						ElseIf(p.bad.Path == "" && !veiled, func() app.UI {
							return app.P().ID("fixes-wait").Class("hint").Text("The smallest fix waits while you take the challenge: try the hints, or Experiment freely.")
						}),
				),
				app.If(v.bad.Path == "", func() app.UI {
					return &Exchange{Outcome: v.out, Page: v.scenario.Page, FromStart: p.atLessonStart()}
				}).Else(func() app.UI {
					// What the engine made of an incomplete scenario is no
					// browser's exchange.
					return app.Elem("section").ID("no-exchange").Class("panel exchange").Body(
						app.Elem("h2").Text("The exchange"),
						app.P().Class("hint").Text("It is drawn once the scenario is complete: see the field marked in your setup."),
					)
				}),
			),
			app.If(p.first, restPending).Else(func() app.UI { return p.setup(v) }),
			app.If(v.bad.Path == "" && !veiled && !p.first, func() app.UI {
				return app.Div().Class("more").Body(
					&LabRun{Scenario: v.scenario},
					app.If(len(v.scenario.Request.Repeat) > 0, func() app.UI { return &Sends{Sends: v.out.Sends} }),
					&LintView{Lint: v.out.Lint},
					&ExposureView{Exposure: v.out.Exposure},
				)
			}),
		),
		app.Elem("footer").Class("footer").Body(
			app.Text("corsplay predicts what Chrome, Firefox and Safari do, each proven against the real engine (Chromium, Firefox, WebKit). Rules link to the "),
			app.A().Href("https://fetch.spec.whatwg.org/").Text("Fetch standard"),
			app.Text(". Nothing leaves your browser: the scenario lives in the link's #fragment. "),
			app.Elem("span").ID("build").Text("Build "+Build+"."),
		),
	)
}

// assumedFields lists the fields the paste on screen did not give, for
// the style sheet to outline: "page request.method".
func (p *Playground) assumedFields() string {
	if p.imported == nil {
		return ""
	}
	var fs []string
	for _, a := range p.imported.Assumed {
		fs = append(fs, a.Field)
	}
	return strings.Join(fs, " ")
}

func browserOf(s engine.Scenario) string {
	if s.Browser == "" {
		return engine.Chrome
	}
	return s.Browser
}

// setup is the scenario's inputs, second: the request and the server side
// by side, under a heading that keeps the verdict in view while editing.
// The forms show v; the heading's verdict is the answer's.
func (p *Playground) setup(v shown) app.UI {
	class := "setup"
	if p.help {
		class += " show-help"
	}
	pill, pillClass := verdictTitle(p.out), p.out.Verdict
	if p.veiled() {
		pill, pillClass = "Predict first", "veiled"
	}
	return app.Elem("section").ID("setup").Class(class).Attr("aria-labelledby", "setup-title").Body(
		app.Div().Class("setup-head").Body(
			app.Elem("h2").ID("setup-title").Text("Your setup"),
			app.Button().ID("setup-verdict").Class("small verdict-pill "+pillClass).Attr("aria-label", "Verdict: "+pill+". Go to the answer").
				OnClick(p.onSkip).Text(pill+" ↑"),
			app.Button().ID("field-help").Class("small").Attr("aria-pressed", p.help).OnClick(p.onHelp).Text("Explain each field"),
		),
		app.Div().Class("setup-grid").Body(
			&RequestPanel{Page: v.scenario.Page, Request: v.scenario.Request, Profile: browserOf(v.scenario),
				LockPage: p.locked(engine.PartPage), LockRequest: p.locked(engine.PartRequest)},
			&ServerPanel{Server: v.scenario.Server, Page: v.scenario.Page, Route: engine.RoutePath(v.scenario.Request.URL), Locked: p.locked(engine.PartServer), Elsewhere: v.scenario.Elsewhere},
		),
	)
}

// onSkip moves the focus to the answer, as a skip link would.
func (p *Playground) onSkip(ctx app.Context, e app.Event) {
	if a := app.Window().GetElementByID("answer"); a.Truthy() {
		a.Call("focus")
		a.Call("scrollIntoView")
	}
}

// onHelp shows or hides each field's help, and remembers the choice.
func (p *Playground) onHelp(ctx app.Context, e app.Event) {
	p.help = !p.help
	ctx.LocalStorage().Set(helpKey, p.help)
}

// helpKey keeps, in the browser only, whether the fields' help is shown.
const helpKey = "corsplay.help"
