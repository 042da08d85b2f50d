//go:build !wasm

package main

import (
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/chromedp/cdproto/emulation"
	"github.com/chromedp/chromedp"
	"github.com/chromedp/chromedp/kb"

	"corsplay/engine"
)

// The browser profiles on the page: the picker, each browser's console,
// the other browsers' verdicts, and the lab predicting for the browser
// that runs it.

// browserScenario is a fetch() from https://app.example.com to
// https://api.example.com/r whose server answers the actual request with
// status and headers, and nothing else (no CORS on OPTIONS).
func browserScenario(browser string, req engine.Request, status int, headers ...string) engine.Scenario {
	req.URL = "https://api.example.com/r"
	resp := &engine.Response{Status: status, Headers: engine.Headers{}}
	for i := 0; i+1 < len(headers); i += 2 {
		resp.Headers = append(resp.Headers, engine.Header{Name: headers[i], Value: headers[i+1]})
	}
	return engine.Scenario{V: engine.Version, Browser: browser, Page: "https://app.example.com", Request: req,
		Server: engine.Server{Raw: &engine.RawServer{Actual: resp}}}
}

// saveData is allowed in Chrome, which safelists Save-Data, and blocked in
// Firefox and Safari, which preflight it (and the server answers OPTIONS
// with a 404).
func saveData(browser string) engine.Scenario {
	return browserScenario(browser, engine.Request{Headers: engine.Headers{{Name: "Save-Data", Value: "on"}}}, 200, "Access-Control-Allow-Origin", "*")
}

// consoleBox is what the verdict's console box shows.
type consoleBox struct {
	Present   bool
	Title     string
	Tags      []string // each line's source and level
	Texts     []string
	Main      int    // the index of the line marked as the reason, -1 for none
	Console   string // #console
	TypeError string // #type-error
}

func (p *page) consoleBox() consoleBox {
	p.t.Helper()
	return evalAs[consoleBox](p, `(() => {
		const box = document.querySelector(".verdict .console");
		if (!box) return {Present: false, Main: -1};
		const t = e => (e?.textContent ?? "").trim(), lis = [...box.querySelectorAll(".console-lines li")];
		return {Present: true, Title: t(box.querySelector("h3")),
			Tags: lis.map(li => t(li.querySelector(".line-tag"))), Texts: lis.map(li => li.querySelector(".line-text").textContent),
			Main: lis.findIndex(li => li.classList.contains("main") && !!li.querySelector(".line-why")),
			Console: t(document.querySelector("#console")), TypeError: t(document.querySelector("#type-error"))};
	})()`)
}

// wantConsole is the box the page must show for out in profile browser.
func wantConsole(browser string, out engine.Outcome) consoleBox {
	names := map[string]string{engine.Chrome: "Chrome's console", engine.Edge: "Edge's console", engine.Firefox: "Firefox's console",
		engine.Safari: "Safari's console", engine.Spec: "What Chrome logs (the standard has no console)"}
	want := consoleBox{Present: out.Console != "" || len(out.ConsoleLines) > 0, Title: names[browser], Main: -1, Console: out.Console}
	if !want.Present {
		return consoleBox{Main: -1}
	}
	if out.Verdict == engine.Error {
		want.Title = map[string]string{engine.Chrome: "The TypeError Chrome throws", engine.Edge: "The TypeError Edge throws", engine.Firefox: "The TypeError Firefox throws",
			engine.Safari: "The TypeError Safari throws", engine.Spec: "The TypeError Chrome throws (the standard has no console)"}[browser]
		want.TypeError = "The page's script sees: fetch() throws TypeError: " + out.TypeError
	} else if out.TypeError != "" {
		want.TypeError = "The page's script sees: fetch() rejects with TypeError: " + out.TypeError
	}
	for i, l := range out.ConsoleLines {
		want.Tags = append(want.Tags, l.Source+" · "+l.Level)
		want.Texts = append(want.Texts, l.Text)
		if l.Text == out.Console && want.Main < 0 && out.Verdict != engine.Error {
			want.Main = i
		}
	}
	return want
}

func (b consoleBox) equal(c consoleBox) bool {
	return b.Present == c.Present && b.Title == c.Title && slices.Equal(b.Tags, c.Tags) && slices.Equal(b.Texts, c.Texts) &&
		b.Main == c.Main && b.Console == c.Console && b.TypeError == c.TypeError
}

// waitConsole waits until the console box is want.
func (p *page) waitConsole(what string, want consoleBox) {
	p.t.Helper()
	waitFor(p, what+": the console box", p.consoleBox, want, consoleBox.equal)
}

// Choosing each browser in the picker shows that browser's console: its
// title, every line with its source and level, the reason marked, and the
// TypeError script sees, each exactly as the engine gives them for that
// profile; Copy copies what the box shows.
func TestPickingABrowserShowsItsConsole(t *testing.T) {
	srv := newServer(t)
	p := open(t, newBrowser(t), srv.URL+"/")
	p.eval(`navigator.clipboard.writeText = t => { window.copied = t; return Promise.resolve(); }`)
	for _, c := range []struct {
		name string
		s    engine.Scenario
	}{
		{"no Access-Control-Allow-Origin", browserScenario(engine.Chrome, engine.Request{}, 200)},
		{"an allowed 404", browserScenario(engine.Chrome, engine.Request{}, 404, "Access-Control-Allow-Origin", "*")},
		{"CONNECT", browserScenario(engine.Chrome, engine.Request{Method: "CONNECT"}, 200)},
		{"Save-Data", saveData(engine.Chrome)},
	} {
		p.show(srv.URL, c.s)
		for _, b := range []string{engine.Firefox, engine.Safari, engine.Spec, engine.Chrome} {
			p.choose("#browser", b)
			p.waitScenario("browser "+b, func(s engine.Scenario) bool { return s.Browser == b })
			s := c.s
			s.Browser = b
			out := engine.Evaluate(s)
			want := wantConsole(b, out)
			p.waitConsole(c.name+" in "+b, want)
			if !want.Present {
				continue
			}
			if (b == engine.Spec) != (p.text("#console-spec") != "") {
				t.Errorf("%s in %s: the note that the standard has no console reads %q", c.name, b, p.text("#console-spec"))
			}
			p.click("#copy-console")
			var copied strings.Builder
			for i := range want.Texts {
				copied.WriteString("[" + want.Tags[i] + "] " + want.Texts[i] + "\n")
			}
			if want.TypeError != "" {
				copied.WriteString(want.TypeError + "\n")
			}
			p.waitJS(`window.copied === `+jsString(copied.String()), fmt.Sprintf("%s in %s: Copy to copy %q", c.name, b, copied.String()))
		}
	}
}

// show opens s's permalink in the tab, which may hold another scenario,
// and waits until the page shows s: its verdict, console and rows.
func (p *page) show(base string, s engine.Scenario) {
	p.t.Helper()
	p.navigate(permalink(p.t, base, s))
	out := engine.Evaluate(s)
	p.waitVerdict(verdictTitles[out.Verdict])
	p.waitConsole("the scenario opened", wantConsole(s.Browser, out))
	p.waitRows("the scenario opened", wantRows(s, out))
}

// browserRow is one row of "In other browsers".
type browserRow struct {
	ID, Title, Verdict, Console string
	Differs, Current, Pressed   bool
}

func (p *page) browserRows() []browserRow {
	p.t.Helper()
	return evalAs[[]browserRow](p, `[...document.querySelectorAll("#browsers .browser-row")].map(li => ({
		ID: li.id, Title: li.querySelector(".browser-name").textContent, Verdict: li.querySelectorAll(".badge")[0].textContent,
		Console: li.querySelector(".browser-line")?.textContent ?? "",
		Differs: li.classList.contains("differs") && [...li.querySelectorAll(".badge")].some(b => b.textContent.startsWith("differs from")),
		Current: li.classList.contains("current"), Pressed: li.querySelector("button")?.getAttribute("aria-pressed") === "true",
	}))`)
}

// wantRows are the rows for s: the engine's verdicts, those that differ
// from s's profile (in verdict or preflight) marked.
func wantRows(s engine.Scenario, out engine.Outcome) []browserRow {
	own := s.Browser
	if own == engine.Edge {
		own = engine.Chrome
	}
	words := map[string]string{engine.Allowed: "allowed", engine.Blocked: "blocked", engine.Opaque: "opaque", engine.Error: "TypeError"}
	var rows []browserRow
	for _, v := range out.Browsers {
		cur := v.Browser == own
		rows = append(rows, browserRow{ID: "browser-" + v.Browser, Title: v.Title, Verdict: words[v.Verdict], Console: v.Console,
			Differs: !cur && (v.Verdict != out.Verdict || v.Preflight != (out.Preflight != nil)), Current: cur, Pressed: cur})
	}
	return rows
}

func (p *page) waitRows(what string, want []browserRow) {
	p.t.Helper()
	waitFor(p, what+": the rows", p.browserRows, want, slices.Equal[[]browserRow])
}

// Where the browsers disagree, the rows that differ from the profile shown
// are marked, and the sentence says how and why; a row's button switches
// the profile to its browser, by mouse or keyboard, keeping the focus.
func TestOtherBrowsersWhereTheyDiffer(t *testing.T) {
	srv := newServer(t)
	p := open(t, newBrowser(t), srv.URL+"/")

	p.show(srv.URL, saveData(engine.Chrome))
	const why = "Allowed in Chrome · Blocked in Firefox and Safari: Firefox, Safari and the Fetch standard preflight save-data; Chrome does not."
	if got := p.text("#browsers-differ"); got != why {
		t.Errorf("the sentence reads %q, want %q", got, why)
	}

	p.click("#show-firefox")
	s := p.waitScenario("the Firefox profile", func(s engine.Scenario) bool { return s.Browser == engine.Firefox })
	p.waitVerdict("Blocked by CORS")
	p.waitRows("Save-Data in Firefox", wantRows(s, engine.Evaluate(s)))
	p.waitConsole("Save-Data in Firefox", wantConsole(engine.Firefox, engine.Evaluate(s)))
	if got := p.value("#browser"); got != engine.Firefox {
		t.Errorf("the picker shows %q after the Firefox row's button", got)
	}
	if got := evalAs[string](p, `document.activeElement.id`); got != "show-firefox" {
		t.Errorf("after the switch the focus is on %q, not on the button used", got)
	}

	p.eval(`document.querySelector("#show-safari").focus()`)
	p.press(kb.Enter)
	s = p.waitScenario("the Safari profile", func(s engine.Scenario) bool { return s.Browser == engine.Safari })
	p.waitRows("Save-Data in Safari", wantRows(s, engine.Evaluate(s)))
	p.waitConsole("Save-Data in Safari", wantConsole(engine.Safari, engine.Evaluate(s)))

	// The standard is no row: every browser that differs from it is marked.
	p.choose("#browser", engine.Spec)
	s = p.waitScenario("the standard", func(s engine.Scenario) bool { return s.Browser == engine.Spec })
	p.waitRows("Save-Data in the standard", wantRows(s, engine.Evaluate(s)))

	// The same verdict everywhere, a different preflight cache: no row
	// differs, the reason is said.
	s = browserScenario(engine.Chrome, engine.Request{Headers: engine.Headers{{Name: "X-A", Value: "1"}}}, 200, "Access-Control-Allow-Origin", "*")
	s.Server.Raw.Preflight = &engine.Response{Status: 204, Headers: engine.Headers{
		{Name: "Access-Control-Allow-Origin", Value: "*"}, {Name: "Access-Control-Allow-Headers", Value: "x-a"}, {Name: "Access-Control-Max-Age", Value: "abc"}}}
	p.show(srv.URL, s)
	if rows := p.browserRows(); slices.ContainsFunc(rows, func(r browserRow) bool { return r.Differs }) {
		t.Errorf("Max-Age abc: a row is marked as differing: %+v", rows)
	}
	if got := p.text("#browsers-differ"); !strings.HasPrefix(got, "The same verdict everywhere, but: ") || !strings.Contains(got, "Firefox not at all") {
		t.Errorf("Max-Age abc: the sentence reads %q", got)
	}

	// They agree: no row is marked, and the page says so.
	p.show(srv.URL, browserScenario(engine.Chrome, engine.Request{}, 200))
	if got := p.text("#browsers-differ"); got != "Chrome, Firefox and Safari agree." {
		t.Errorf("where they agree the sentence reads %q", got)
	}
	if n := evalAs[int](p, `document.querySelectorAll("#browsers .differs").length`); n != 0 {
		t.Errorf("where they agree %d elements are marked as differing", n)
	}
}

// A link holding the Edge profile shows Chrome / Edge in the picker, Edge's
// console, the Chrome row as its own, and keeps "edge" through edits.
func TestEdgePermalink(t *testing.T) {
	srv := newServer(t)
	s := browserScenario(engine.Edge, engine.Request{}, 200)
	p := open(t, newBrowser(t), permalink(t, srv.URL, s))
	p.waitVerdict("Blocked by CORS")
	if got, label := p.value("#browser"), p.text("#browser option:checked"); got != engine.Chrome || label != "Chrome / Edge" {
		t.Errorf("the picker shows %q (%q), want chrome (Chrome / Edge)", got, label)
	}
	out := engine.Evaluate(s)
	p.waitConsole("Edge", wantConsole(engine.Edge, out))
	p.waitRows("Edge", wantRows(s, out))
	p.click("#show-chrome") // its own row: nothing changes
	p.typeInto("#method", "PUT")
	p.waitScenario("the method PUT, still in Edge", func(s engine.Scenario) bool { return s.Request.Method == "PUT" && s.Browser == engine.Edge })
}

// Run in my browser predicts for the browser that runs the page, whatever
// the profile on screen: in Chromium, Chrome (they agree on Save-Data even
// with Firefox on screen); told it is Firefox, Firefox (which preflights
// Save-Data, so the real Chromium run disagrees).
func TestLabPredictsForTheRunningBrowser(t *testing.T) {
	page, _ := newServers(t)
	browser := newBrowser(t)
	for _, c := range []struct {
		userAgent, profile, verdict string
	}{
		{"", "Chrome", "Your browser agrees with the prediction for Chrome."},
		{"Mozilla/5.0 (X11; Linux x86_64; rv:153.0) Gecko/20100101 Firefox/153.0", "Firefox", "Your browser disagrees with the prediction for Firefox"},
	} {
		p := newTab(t, browser)
		if c.userAgent != "" {
			if _, err := chromedp.Call(p.ctx, emulation.SetUserAgentOverride, emulation.SetUserAgentOverrideParams{UserAgent: c.userAgent}); err != nil {
				t.Fatal(err)
			}
		}
		p.navigate(permalink(t, page, saveData(engine.Firefox)))
		p.waitJS(`!!document.querySelector("#lab-run")`, "the lab button")
		if got := p.text("#lab-profile"); !strings.Contains(got, "prediction for "+c.profile+", which your browser's user agent says it is") {
			t.Errorf("%s: the lab says %q", c.profile, got)
		}
		p.click("#lab-run")
		p.waitJS(`!!document.querySelector("#lab-result") || !!document.querySelector("#lab-problem")`, "the lab run")
		if got := p.text("#lab-verdict"); !strings.HasPrefix(got, c.verdict) {
			t.Errorf("%s: the lab says %q, want %q\n%s%s", c.profile, got, c.verdict, p.text("#lab-result"), p.text("#lab-problem"))
		}
		if got := p.text("#lab-result thead"); !strings.Contains(got, "Predicted for "+c.profile) {
			t.Errorf("%s: the result's head reads %q", c.profile, got)
		}
	}
}

// The console and the other browsers at 320, 375, 768 and 1280 px, light
// and dark: nothing sticks out of the verdict panel, axe-core finds nothing serious,
// and the verdict panel goes to test-output/ for a person to look at.
func TestBrowsersLayout(t *testing.T) {
	srv := newServer(t)
	p := open(t, newBrowser(t), permalink(t, srv.URL, saveData(engine.Firefox)))
	p.waitVerdict("Blocked by CORS")
	if err := os.MkdirAll("test-output", 0o755); err != nil {
		t.Fatal(err)
	}
	for _, width := range []int64{320, 375, 768, 1280} {
		for _, scheme := range []string{"light", "dark"} {
			name := fmt.Sprintf("browsers-%d-%s", width, scheme)
			p.emulate(width, 900, scheme)
			if over := evalAs[string](p, `(() => {
				const panel = document.querySelector("section.verdict"), edge = panel.getBoundingClientRect().right - parseFloat(getComputedStyle(panel).paddingRight);
				return [...panel.querySelectorAll("*")].filter(e => e.getBoundingClientRect().right > edge + 1)
					.slice(0, 5).map(e => e.tagName.toLowerCase() + "." + e.className + " right=" + Math.round(e.getBoundingClientRect().right) + " > " + Math.round(edge)).join(", ");
			})()`); over != "" {
				t.Errorf("%s: this sticks out of the verdict panel: %s", name, over)
			}
			p.checkAxe(name)
			png, err := chromedp.Run(p.ctx, chromedp.Screenshot(chromedp.CSS("section.verdict")))
			if err != nil {
				t.Fatalf("%s: screenshot: %v", name, err)
			}
			path := filepath.Join("test-output", name+".png")
			if err := os.WriteFile(path, png, 0o644); err != nil {
				t.Fatal(err)
			}
		}
	}
}
