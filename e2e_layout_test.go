//go:build !wasm

package main

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/chromedp/chromedp"
	"github.com/chromedp/chromedp/kb"

	"corsplay/engine"
)

// The page as a person sees it: at each width and scheme, for the
// scenarios people bring, the answer comes first, nothing sticks out
// sideways, the diagram fits, and axe finds nothing serious.

// layoutWidths are the widths the page is designed for, each with the
// height of a common screen of that width.
var layoutWidths = []struct{ width, height int64 }{{320, 568}, {375, 667}, {768, 1024}, {1280, 800}}

// shotsDir is where TestPageLayout writes its screenshots; make screens
// sets it to docs/screens, which holds the ones committed.
func shotsDir() string {
	if d := os.Getenv("CORSPLAY_SHOTS"); d != "" {
		return d
	}
	return filepath.Join("test-output", "layout")
}

func TestPageLayout(t *testing.T) {
	srv := newServer(t)
	p := open(t, newBrowser(t), srv.URL+"/")
	dir := shotsDir()
	for _, c := range diagramCases(t) {
		url, verdict := srv.URL+"/", "Allowed"
		if c.s != nil {
			// Linked as a developer links their own case: without a lesson's
			// text, which a learner reads before the answer.
			s := noLesson(*c.s)
			url, verdict = permalink(t, srv.URL, s), verdictTitles[engine.Evaluate(s).Verdict]
		}
		p.navigate(url)
		p.waitVerdict(verdict)
		for _, w := range layoutWidths {
			for _, scheme := range []string{"light", "dark"} {
				name := fmt.Sprintf("%s-%d-%s", c.name, w.width, scheme)
				p.emulate(w.width, w.height, scheme)
				p.eval(`window.scrollTo(0, 0)`)
				if over := p.sidewaysOverflow(); over != "" {
					t.Errorf("%s: the page scrolls sideways: %s", name, over)
				}
				// The answer first: once a scenario is linked, the verdict is on
				// the first screen at every width, and its first words too.
				if c.s != nil {
					if bottom := evalAs[float64](p, `document.querySelector("#verdict-title").getBoundingClientRect().bottom`); bottom > float64(w.height) {
						t.Errorf("%s: the verdict's title ends %v px down, below the first screen (%d px)", name, bottom, w.height)
					}
					if top := evalAs[float64](p, `document.querySelector("#verdict-title + p").getBoundingClientRect().top + 20`); top > float64(w.height) {
						t.Errorf("%s: the verdict's reason starts below the first screen (%d px)", name, w.height)
					}
				}
				for _, problem := range p.diagramLayoutProblems() {
					t.Errorf("%s: diagram: %s", name, problem)
				}
				if scheme == "light" {
					p.checkAxe(name)
				}
				p.screenshot(filepath.Join(dir, name+".png"), "")
				p.screenshot(filepath.Join(dir, name+"-exchange.png"), ".exchange")
			}
		}
	}
}

// The embed view, as a blog post frames it, for the README.
func TestEmbedScreenshot(t *testing.T) {
	srv := newServer(t)
	s := longPathScenario()
	p := open(t, newBrowser(t), strings.Replace(permalink(t, srv.URL, s), "/#", "/embed#", 1))
	p.emulate(800, 640, "light")
	p.waitVerdict(verdictTitles[engine.Evaluate(s).Verdict])
	if over := p.sidewaysOverflow(); over != "" {
		t.Errorf("the embed view scrolls sideways at 800 px: %s", over)
	}
	dir := shotsDir()
	p.screenshot(filepath.Join(dir, "embed-800-light.png"), "")
}

// sidewaysOverflow names the elements that make the page wider than the
// viewport, or is "" when it is not.
func (p *page) sidewaysOverflow() string {
	p.t.Helper()
	return evalAs[string](p, `(() => {
		const w = document.documentElement.clientWidth;
		if (document.documentElement.scrollWidth <= w) return "";
		return [...document.querySelectorAll("body *")].filter(e => e.getBoundingClientRect().right > w + 1)
			.slice(0, 5).map(e => e.tagName.toLowerCase() + (e.id ? "#" + e.id : "") + "." + e.className + " right=" + Math.round(e.getBoundingClientRect().right)).join(", ") || "(the page is wider than the viewport)";
	})()`)
}

// screenshot writes, as a PNG, what the screen shows (sel "") or the
// element sel.
func (p *page) screenshot(file, sel string) {
	p.t.Helper()
	shot := chromedp.CaptureScreenshot()
	if sel != "" {
		shot = chromedp.Screenshot(chromedp.CSS(sel))
	}
	png, err := chromedp.Run(p.ctx, shot)
	if err != nil {
		p.t.Fatalf("screenshot of %s: %v", file, err)
	}
	if err := os.MkdirAll(filepath.Dir(file), 0o755); err != nil {
		p.t.Fatal(err)
	}
	if err := os.WriteFile(file, png, 0o644); err != nil {
		p.t.Fatal(err)
	}
}

// The first Tab reaches "Skip to the answer", shown with a focus ring, and
// Enter moves the focus to the answer without touching the link.
func TestSkipToTheAnswer(t *testing.T) {
	srv := newServer(t)
	link := permalink(t, srv.URL, longPathScenario())
	p := open(t, newBrowser(t), link)
	p.emulate(375, 667, "light")
	p.waitVerdict("Blocked by CORS")
	p.press(kb.Tab)
	if got := evalAs[string](p, `document.activeElement.id`); got != "skip-to-answer" {
		t.Fatalf("the first Tab reaches %q, want the skip button", got)
	}
	if !evalAs[bool](p, `(() => { const e = document.activeElement, r = e.getBoundingClientRect(), cs = getComputedStyle(e);
		return r.top >= 0 && r.bottom <= innerHeight && e.matches(":focus-visible") && cs.outlineStyle !== "none"; })()`) {
		t.Errorf("the focused skip button is not on screen with a focus ring")
	}
	p.eval(`scrollTo(0, document.body.scrollHeight)`)
	p.press(kb.Enter)
	p.waitJS(`document.activeElement.id === "answer"`, "the focus on the answer")
	if top := evalAs[float64](p, `document.querySelector("#verdict-title").getBoundingClientRect().top`); top < 0 || top > 667 {
		t.Errorf("after the skip the verdict is %v px down, off the screen", top)
	}
	if got := evalAs[string](p, `location.href`); got != link {
		t.Errorf("the skip changed the address to %s", got)
	}
	// The setup's verdict button goes back to the answer too.
	p.eval(`document.querySelector("#setup-verdict").scrollIntoView()`)
	p.waitText("#setup-verdict", "Blocked by CORS ↑")
	p.click("#setup-verdict")
	p.waitJS(`document.activeElement.id === "answer"`, "the focus on the answer")
}

// Each field's help is hidden until asked for, and the choice is kept
// across reloads, in the browser only.
func TestFieldHelpOnDemand(t *testing.T) {
	srv := newServer(t)
	p := open(t, newBrowser(t), srv.URL+"/")
	hintShown := `getComputedStyle(document.querySelector("#page").closest(".field").querySelector(".hint")).display !== "none"`
	if evalAs[bool](p, hintShown) {
		t.Fatalf("the page origin's help is shown before it is asked for")
	}
	if got := evalAs[string](p, `document.querySelector("#field-help").getAttribute("aria-pressed")`); got != "false" {
		t.Errorf("the help button's aria-pressed is %q, want false", got)
	}
	p.click("#field-help")
	p.waitJS(hintShown, "the page origin's help")
	p.waitJS(`document.querySelector("#field-help").getAttribute("aria-pressed") === "true"`, "the pressed help button")
	p.navigate(srv.URL + "/")
	p.waitJS(hintShown, "the help, kept after a reload")
	p.click("#field-help")
	p.waitJS("!("+hintShown+")", "the help hidden again")
}
