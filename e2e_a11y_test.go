//go:build !wasm

package main

import (
	"bytes"
	"encoding/binary"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/chromedp/chromedp"
	"github.com/chromedp/chromedp/kb"

	"corsplay/engine"
)

// Accessibility (axe-core) and the screenshots of the page's layouts.

const axePath = "node_modules/axe-core/axe.min.js"

// blockedPreset is a blocked scenario with a console message and fixes.
// It has no challenge, during which the fixes wait.
const blockedPreset = "Access-Control-Allow-Origin with two origins"

// violation is one axe-core rule the page breaks.
type violation struct {
	ID, Impact, Help string
	Nodes            int
	Target, HTML     string // of the first node
}

// axe injects axe-core and runs it on the whole document.
func (p *page) axe() []violation {
	p.t.Helper()
	src, err := os.ReadFile(axePath)
	if err != nil {
		p.t.Fatalf("axe-core is missing (%v): run npm ci", err)
	}
	if !evalAs[bool](p, `typeof axe === "object"`) {
		p.eval(string(src))
	}
	return evalAs[[]violation](p, `axe.run(document, {resultTypes: ["violations"]}).then(r => r.violations.map(v => ({
		ID: v.id, Impact: v.impact || "", Help: v.help, Nodes: v.nodes.length,
		Target: JSON.stringify(v.nodes[0]?.target ?? []), HTML: (v.nodes[0]?.html ?? "").slice(0, 160),
	})))`)
}

// checkAxe fails on every serious or critical violation and logs the rest.
func (p *page) checkAxe(where string) {
	p.t.Helper()
	var bad []string
	for _, v := range p.axe() {
		line := fmt.Sprintf("%s (%s, %d nodes): %s; first %s %s", v.ID, v.Impact, v.Nodes, v.Help, v.Target, v.HTML)
		if v.Impact == "serious" || v.Impact == "critical" {
			bad = append(bad, line)
		} else {
			p.t.Logf("%s: axe, minor: %s", where, line)
		}
	}
	if len(bad) > 0 {
		p.t.Errorf("%s: axe finds %d serious or critical violations:\n  %s", where, len(bad), strings.Join(bad, "\n  "))
	}
}

// axe-core finds no serious or critical violation on the default scenario,
// a blocked one (console, fixes, failed arrows), at phone width and in the
// dark scheme.
func TestAccessibility(t *testing.T) {
	srv := newServer(t)
	p := open(t, newBrowser(t), srv.URL+"/")
	p.emulate(1280, 1000, "light")
	p.waitVerdict("Allowed")
	p.checkAxe("default scenario")

	p.choosePreset(blockedPreset)
	p.waitVerdict("Blocked by CORS")
	p.waitJS(`!!document.querySelector("#apply-fix-0")`, "the fixes")
	p.checkAxe("blocked scenario")

	p.emulate(375, 812, "light")
	p.checkAxe("blocked scenario at 375 px")
	p.navigate(srv.URL + "/")
	p.emulate(375, 812, "light")
	p.checkAxe("default scenario at 375 px")

	p.emulate(1280, 1000, "dark")
	p.checkAxe("default scenario, dark")
	p.choosePreset(blockedPreset)
	p.waitVerdict("Blocked by CORS")
	p.checkAxe("blocked scenario, dark")
}

// pngSize reads the width and height of a PNG.
func pngSize(b []byte) (w, h int, err error) {
	if len(b) < 24 || !bytes.HasPrefix(b, []byte("\x89PNG\r\n\x1a\n")) || string(b[12:16]) != "IHDR" {
		return 0, 0, fmt.Errorf("not a PNG")
	}
	return int(binary.BigEndian.Uint32(b[16:20])), int(binary.BigEndian.Uint32(b[20:24])), nil
}

// Full-page screenshots of the desktop and phone layouts, light and dark,
// go to test-output/ for a person to look at. At every size nothing
// overflows sideways, and the dark scheme does change the colours.
func TestScreenshots(t *testing.T) {
	srv := newServer(t)
	p := open(t, newBrowser(t), srv.URL+"/")
	if err := os.MkdirAll("test-output", 0o755); err != nil {
		t.Fatal(err)
	}
	backgrounds := map[string]string{}
	for _, c := range []struct {
		name          string
		width, height int64
		scheme        string
		preset        string // "" for the default scenario
	}{
		{"desktop-light", 1280, 1000, "light", ""},
		{"desktop-dark", 1280, 1000, "dark", ""},
		{"phone-light", 375, 812, "light", ""},
		{"phone-dark", 375, 812, "dark", ""},
		// A blocked scenario shows the console, the fixes and red arrows.
		{"desktop-blocked-dark", 1280, 1000, "dark", blockedPreset},
		{"phone-blocked-light", 375, 812, "light", blockedPreset},
	} {
		p.emulate(c.width, c.height, c.scheme)
		if c.preset != "" {
			p.choosePreset(c.preset)
			p.waitVerdict(verdictTitles[engine.Evaluate(preset(t, c.preset)).Verdict])
		} else {
			p.waitVerdict("Allowed")
		}
		if over := evalAs[string](p, `(() => {
			const w = document.documentElement.clientWidth;
			if (document.documentElement.scrollWidth <= w) return "";
			return [...document.querySelectorAll("body *")].filter(e => {
				const r = e.getBoundingClientRect();
				return r.right > w + 1 && !e.closest(".diagram, .table-wrap");
			}).slice(0, 5).map(e => e.tagName.toLowerCase() + (e.id ? "#" + e.id : "") + "." + e.className + " right=" + Math.round(e.getBoundingClientRect().right)).join(", ") || "(the page is wider than the viewport)";
		})()`); over != "" {
			t.Errorf("%s: the page overflows the %d px viewport sideways: %s", c.name, c.width, over)
		}
		backgrounds[c.name] = evalAs[string](p, `getComputedStyle(document.querySelector(".panel")).backgroundColor`)
		png, err := chromedp.Run(p.ctx, chromedp.FullScreenshot(100))
		if err != nil {
			t.Fatalf("%s: screenshot: %v", c.name, err)
		}
		w, h, err := pngSize(png)
		if err != nil || int64(w) != c.width || h < int(c.height) {
			t.Errorf("%s: the screenshot is %dx%d (%v), want %d wide and the full page high", c.name, w, h, err, c.width)
		}
		path := filepath.Join("test-output", c.name+".png")
		if err := os.WriteFile(path, png, 0o644); err != nil {
			t.Fatal(err)
		}
		t.Logf("%s: %dx%d", path, w, h)
	}
	if backgrounds["desktop-light"] == backgrounds["desktop-dark"] {
		t.Errorf("the dark scheme does not change the panels' background (%s)", backgrounds["desktop-dark"])
	}
}

// focusStop is one element the Tab key reached.
type focusStop struct {
	Index   int    // in the list of tabbable elements, -1 if not in it
	What    string // tag#id.class
	Visible bool   // it shows a focus indicator
}

// Tab walks through every visible control of the page, in order, and each
// shows a focus indicator: the page works without a mouse.
func TestEveryControlIsKeyboardReachableWithVisibleFocus(t *testing.T) {
	srv := newServer(t)
	// Opened from its link, so that Tab starts at the top of the page.
	p := open(t, newBrowser(t), permalink(t, srv.URL, preset(t, blockedPreset))) // the console's Copy and the fixes' Apply buttons too
	p.waitJS(`!!document.querySelector("#apply-fix-0")`, "the fixes")
	controls := evalAs[[]string](p, `(() => {
		const radio = e => { const g = [...document.querySelectorAll('input[type=radio][name="' + e.name + '"]')]; return g.find(r => r.checked) ?? g[0]; };
		const all = [...document.querySelectorAll('a[href], button:not(:disabled), input:not(:disabled), select:not(:disabled), textarea:not(:disabled), summary, [tabindex]:not([tabindex="-1"])')]
			.filter(e => e.getClientRects().length > 0 && getComputedStyle(e).visibility !== "hidden" && e.tabIndex >= 0 // a roving tabindex (the server tabs) and the diagram's points leave some out
				&& !e.matches(":disabled") && (e.type !== "radio" || radio(e) === e) // a radio group is one Tab stop; a locked part (a disabled fieldset) none
				&& !(e.closest("details:not([open])") && !e.closest("summary"))); // a folded <details> hides its content from Tab
		all.forEach((e, i) => e.dataset.kbd = i);
		return all.map(e => e.tagName.toLowerCase() + (e.id ? "#" + e.id : "") + (e.getAttribute("aria-label") ? "[" + e.getAttribute("aria-label") + "]" : ""));
	})()`)
	reached := map[int]bool{}
	for range len(controls) + 20 {
		p.press(kb.Tab)
		st := evalAs[focusStop](p, `(() => {
			const e = document.activeElement;
			if (!e || e === document.body) return {Index: -2, What: "body", Visible: true};
			let visible;
			if (e instanceof SVGElement) {
				const hit = getComputedStyle(e.querySelector(".hit") || e);
				visible = hit.stroke !== "none" && parseFloat(hit.strokeWidth) >= 2.5;
			} else {
				const cs = getComputedStyle(e);
				visible = e.matches(":focus-visible") && cs.outlineStyle !== "none" && parseFloat(cs.outlineWidth) >= 2;
			}
			return {Index: e.dataset.kbd === undefined ? -1 : +e.dataset.kbd,
				What: e.tagName.toLowerCase() + (e.id ? "#" + e.id : "") + "." + (e.getAttribute("class") || ""), Visible: visible};
		})()`)
		if st.Index == -2 || reached[st.Index] {
			break // past the last control
		}
		reached[st.Index] = true
		if !st.Visible {
			t.Errorf("%s has no visible focus indicator", st.What)
		}
		if st.Index == -1 {
			t.Logf("Tab reached %s, which is not in the list of controls", st.What)
		}
	}
	var missed []string
	for i, c := range controls {
		if !reached[i] {
			missed = append(missed, c)
		}
	}
	if len(missed) > 0 {
		t.Errorf("Tab never reaches %d of %d controls: %s", len(missed), len(controls), strings.Join(missed, ", "))
	} else {
		t.Logf("Tab reaches all %d controls", len(controls))
	}
}
