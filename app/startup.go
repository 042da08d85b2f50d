package app

import (
	"slices"
	"time"

	"github.com/maxence-charriere/go-app/v10/pkg/app"

	"corsplay/engine"
)

// newPlayground makes the page's component. In the browser it comes with
// the scenario of the address already loaded and evaluated: go-app mounts
// a component (rendering it and creating its DOM) before its OnNav runs,
// so a bare Playground first mounted as a page without a scenario, which
// OnNav's evaluation then re-rendered in full, in the same task, before the
// first paint. Loaded here, the first mount is the page as it stays, and
// OnNav, right after it, finds the scenario of the same address loaded
// (startupLoaded). On the server OnNav loads it, from the request's URL.
func newPlayground() app.Composer {
	p := &Playground{first: true}
	if !app.IsClient {
		return p
	}
	var ctx app.Context // unused in the browser: linkFragment reads the address itself
	frag := linkFragment(ctx)
	p.scenario, p.notice = linkedScenario(ctx)
	p.begun = frag != ""
	p.findLesson()
	p.evaluate()
	preloaded = &preload{fragment: frag, p: p}
	go warmUp(p.scenario)
	return p
}

// warmUp evaluates, a moment after the first render, the scenario with a
// method no server allows, and then with a header none allows, builds the
// answers that show them, and writes the scenario's link: in the browser
// WebAssembly compiles each function on its first call, and the first edit
// that blocks the request ran the fixes and their checks for the first
// time, 30–100 ms more than the next one (the slowest keystrokes of make
// bench), then built the blocked verdict, its console, the other browsers
// and the fixes for the first time, and once the typing paused wrote the
// address for the first time (encoding/json and engine/deflate, ~20 ms of
// compiling, which a keystroke then waited for). The outcomes, the answers
// and the link are dropped: nothing is mounted. (The goroutine runs once
// the page's first frame is done: Go in WebAssembly switches goroutines
// only where one blocks.)
func warmUp(s engine.Scenario) {
	time.Sleep(warmUpDelay)
	for _, block := range []func(*engine.Scenario){
		func(s *engine.Scenario) { s.Request.Method = "CORSPLAY" },
		func(s *engine.Scenario) {
			s.Request.Headers = append(s.Request.Headers, engine.Header{Name: "X-Corsplay-Warm-Up", Value: "1"})
		},
	} {
		blocked := s.Clone()
		block(&blocked)
		out := engine.Evaluate(blocked)
		v := newVerdict(blocked, out, fieldProblem{}, false)
		for _, c := range []app.Composer{v, v.console(), v.otherBrowsers(), &FixesView{Fixes: out.Fixes, NoSafeFix: out.NoSafeFix}} {
			c.Render()
		}
	}
	engine.EncodePermalink(s)
}

// warmUpDelay leaves the browser the time to paint the first frame.
const warmUpDelay = 200 * time.Millisecond

// preload is the address newPlayground loaded, and the page it made.
type preload struct {
	fragment string
	p        *Playground
}

var preloaded *preload

// startupLoaded reports, once, whether p is the page newPlayground made and
// the address still the one it loaded: OnNav then has nothing to load.
func (p *Playground) startupLoaded(ctx app.Context) bool {
	pl := preloaded
	preloaded = nil
	return pl != nil && pl.p == p && pl.fragment == linkFragment(ctx)
}

// The first mount is of the first screen only: the top bar, the ways in,
// the answer and the exchange. The setup (the request's and the server's
// forms) and what is below it (the lab, the sends, the findings, the
// attacker's view) are about half of the page's elements, and go-app
// creates each one through syscall/js: mounted in the first frame they
// delayed the first screen's answer to input by as much as they took. They
// are mounted in the task after the first screen's first paint (mountRest),
// in their place a block as tall as the screen, so that nothing below the
// fold moves up and back. So are the lessons menu's other lessons: its 44
// options in their chapters were a quarter of the first screen's elements
// (lessonsMenu). The prerendered page is that first screen too: go-app's
// loading screen covers it until the first mount replaces it, and with the
// whole page the browser parsed and laid out twice the elements before it
// even fetched app.wasm (its scripts run once the HTML is parsed): the
// prerendered page's 393 elements instead of 798 brought app.wasm's fetch
// and the page's interactive mark ~70–90 ms earlier (medians of 10
// alternating cold loads in Chromium).

// restPending stands for the setup and what follows until they are
// mounted.
func restPending() app.UI {
	return app.Div().ID("rest-pending").Style("min-height", "100vh").Attr("aria-busy", "true")
}

// lessonsMenu is the lessons menu the top bar shows: until the rest is
// mounted, the lesson on screen alone, in its chapter.
func (p *Playground) lessonsMenu() []menuChapter {
	if !p.first {
		return courseMenu()
	}
	title := p.lessonTitle()
	if title == "" {
		return nil
	}
	for _, ch := range courseMenu() {
		if slices.Contains(ch.lessons, title) {
			return []menuChapter{{title: ch.title, lessons: []string{title}}}
		}
	}
	return nil
}

// mountRest mounts the rest of the page after the next paint.
func (p *Playground) mountRest(ctx app.Context) {
	if !p.first {
		return
	}
	afterPaint(func() { ctx.Dispatch(func(app.Context) { p.first = false }) })
}

// afterPaint calls fn in a task after the next frame is painted
// (requestAnimationFrame, then setTimeout 0), or at once in a hidden page,
// where no frame comes.
func afterPaint(fn func()) {
	win := app.Window()
	if win.Get("document").Get("hidden").Bool() {
		fn()
		return
	}
	var frame, task app.Func
	task = app.FuncOf(func(app.Value, []app.Value) any {
		frame.Release()
		task.Release()
		fn()
		return nil
	})
	frame = app.FuncOf(func(app.Value, []app.Value) any { app.Window().Call("setTimeout", task, 0); return nil })
	win.Call("requestAnimationFrame", frame)
}
