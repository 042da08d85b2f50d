//go:build !wasm

package main

import (
	"fmt"
	"path/filepath"
	"strings"
	"testing"

	"github.com/chromedp/chromedp/kb"

	"corsplay/engine"
)

// The exchange's diagram lays itself out for the width there is: from a
// 320 px phone up, its text stays readable, inside the drawing and the
// screen, and no label covers another.

// diagramLayoutProblems lists what is wrong with the layout of the
// exchange's diagram as the page shows it now; none when nothing is. It
// checks every piece of text the diagram renders: it lies inside the
// diagram's box and the viewport, no box clips it (scrollWidth over
// clientWidth counts), no two texts overlap, none is under 11 px, and
// nothing of the diagram makes the page scroll sideways.
func (p *page) diagramLayoutProblems() []string {
	p.t.Helper()
	return evalAs[[]string](p, `(() => {
		const d = document.querySelector(".diagram");
		if (!d) return ["there is no .diagram on the page"];
		const out = [], vw = document.documentElement.clientWidth, box = d.getBoundingClientRect();
		const name = e => e.tagName.toLowerCase() + (e.id ? "#" + e.id : "") +
			(typeof e.className === "string" && e.className.trim() ? "." + e.className.trim().split(/\s+/).join(".") : "");
		// Text that is only for screen readers (clipped to nothing) is not
		// drawn.
		const hidden = e => { for (; e && e !== d; e = e.parentElement) if (getComputedStyle(e).clip.startsWith("rect")) return true; return false; };
		const shown = e => e.getClientRects().length > 0 && getComputedStyle(e).visibility !== "hidden" && !hidden(e);
		// Every element with text of its own, and the rectangles of its
		// lines of text.
		const texts = [];
		for (const e of d.querySelectorAll("*")) {
			if (!shown(e)) continue;
			const nodes = [...e.childNodes].filter(n => n.nodeType === Node.TEXT_NODE && n.textContent.trim() !== "");
			if (!nodes.length) continue;
			const rects = [];
			for (const n of nodes) {
				const r = document.createRange();
				r.selectNodeContents(n);
				rects.push(...[...r.getClientRects()].filter(q => q.width > 0 && q.height > 0));
			}
			texts.push({e, rects, text: e.textContent.trim().slice(0, 60)});
		}
		if (!texts.length) out.push("the diagram shows no text");
		for (const {e, rects, text} of texts) {
			const what = name(e) + " " + JSON.stringify(text), cs = getComputedStyle(e);
			if (parseFloat(cs.fontSize) < 11) out.push(what + " is " + cs.fontSize + ", under 11px");
			for (const r of rects) {
				if (r.left < box.left - 0.5 || r.right > box.right + 0.5 || r.top < box.top - 0.5 || r.bottom > box.bottom + 0.5) {
					out.push(what + " leaves the diagram: text " + [r.left, r.right].map(Math.round) + ", diagram " + [box.left, box.right].map(Math.round));
					break;
				}
				if (r.left < -0.5 || r.right > vw + 0.5) {
					out.push(what + " leaves the " + vw + " px viewport: " + [r.left, r.right].map(Math.round));
					break;
				}
			}
			// Clipped by itself or a box around it.
			for (let a = e; a && a !== d.parentElement; a = a.parentElement) {
				const acs = getComputedStyle(a), ar = a.getBoundingClientRect();
				if (a.scrollWidth > a.clientWidth + 1 && a.clientWidth > 0 && acs.display !== "inline") {
					out.push(what + ": " + (a === e ? "its box" : name(a)) + " is narrower than its content (" + a.scrollWidth + " > " + a.clientWidth + ")");
					break;
				}
				if (acs.overflowX !== "visible" || acs.overflowY !== "visible") {
					if (rects.some(r => r.left < ar.left - 0.5 || r.right > ar.right + 0.5 || r.top < ar.top - 0.5 || r.bottom > ar.bottom + 0.5)) {
						out.push(what + " is clipped by " + name(a));
						break;
					}
				}
			}
		}
		// No two texts overlap.
		for (let i = 0; i < texts.length; i++) {
			for (let j = i + 1; j < texts.length; j++) {
				const hit = texts[i].rects.some(a => texts[j].rects.some(b =>
					Math.min(a.right, b.right) - Math.max(a.left, b.left) > 1 && Math.min(a.bottom, b.bottom) - Math.max(a.top, b.top) > 1));
				if (hit) out.push(name(texts[i].e) + " " + JSON.stringify(texts[i].text) + " overlaps " + name(texts[j].e) + " " + JSON.stringify(texts[j].text));
			}
		}
		if (d.scrollWidth > d.clientWidth + 1) out.push("the diagram is wider than its box: " + d.scrollWidth + " > " + d.clientWidth);
		// The page scrolls sideways because of the diagram if any of it
		// sticks out of the viewport (what else does is not this check's).
		for (const e of [d, ...d.querySelectorAll("*")]) {
			const r = e.getBoundingClientRect();
			if (shown(e) && (r.right > vw + 0.5 || r.left < -0.5)) {
				out.push(name(e) + " sticks out of the " + vw + " px viewport: " + [r.left, r.right].map(Math.round));
				break;
			}
		}
		return out;
	})()`)
}

// longPathScenario is a credentialed JSON PUT to a long path, which the
// server's policy does not allow.
func longPathScenario() engine.Scenario {
	body := `{"name":"corsplay"}`
	return engine.Scenario{
		V: engine.Version, Page: "https://app.example.com",
		Request: engine.Request{
			URL:    "https://api.example.com/api/v2/organisations/acme/projects/1234567/items?include=owner",
			Method: "PUT", Body: &body, Credentials: engine.CredentialsInclude,
			Headers: engine.Headers{{Name: "Content-Type", Value: "application/json"}},
		},
		Server: engine.Server{Policy: &engine.Policy{Origins: []string{"https://app.example.com"}, Credentials: true, Methods: []string{"GET", "POST"}}},
	}
}

// diagramCases are the scenarios the layout is checked with (here and in
// TestPageLayout): nil for the page's default.
func diagramCases(t *testing.T) []struct {
	name string
	s    *engine.Scenario
} {
	long := longPathScenario()
	repeat := preset(t, "Preflight cache: Access-Control-Max-Age: 600")
	if len(repeat.Request.Repeat) < 2 {
		t.Fatalf("the repeat preset sends once: %v", repeat.Request.Repeat)
	}
	flask := preset(t, "Flask-CORS: a popular tutorial's three mistakes")
	return []struct {
		name string
		s    *engine.Scenario
	}{{"default", nil}, {"long-path", &long}, {"repeat", &repeat}, {"library", &flask}}
}

// For the default scenario, a blocked request to a long path, a repeated
// request and a library's server, every step is a numbered point and
// every later send a row; the long path is shortened on the diagram and
// whole on focus and in the step panel. (TestPageLayout checks these
// scenarios' layout at each width.)
func TestDiagramLayout(t *testing.T) {
	srv := newServer(t)
	b := newBrowser(t)
	for _, c := range diagramCases(t) {
		t.Run(c.name, func(t *testing.T) {
			url, s := srv.URL+"/", engine.Scenario{}
			if c.s != nil {
				s = *c.s
				url = permalink(t, srv.URL, s)
			}
			p := open(t, b, url)
			p.waitJS(`document.querySelectorAll(".diagram .dot").length > 0`, "the diagram's steps")
			out := engine.Evaluate(s)
			n := len(out.Steps)
			if c.s == nil { // the page's default scenario: as many steps as the counter says
				var last int
				if _, err := fmt.Sscanf(p.text("#exchange-title"), "The exchange — step %d of %d", &last, &n); err != nil {
					t.Fatalf("the counter reads %q: %v", p.text("#exchange-title"), err)
				}
			}
			if got := evalAs[[]string](p, `[...document.querySelectorAll(".diagram .dot")].map(e => e.textContent.trim())`); len(got) != n || got[0] != "1" || got[n-1] != fmt.Sprint(n) {
				t.Errorf("the diagram's points read %v, want 1 to %d", got, n)
			}
			if got, want := evalAs[int](p, `document.querySelectorAll(".diagram .row.send").length`), max(0, len(out.Sends)-1); got != want {
				t.Errorf("%d later sends drawn, want %d", got, want)
			}
			if c.name != "long-path" {
				return
			}
			const full = "OPTIONS /api/v2/organisations/acme/projects/1234567/items?include=owner (preflight)"
			if got := evalAs[string](p, `document.querySelector("#msg-preflight .label").innerText.trim()`); got != "OPTIONS /api/v2/…/items?include=owner (preflight)" {
				t.Errorf("the preflight's label reads %q, want the path shortened in the middle", got)
			}
			if got := evalAs[string](p, `document.querySelector("#msg-preflight .arrow").title`); got != full {
				t.Errorf("the preflight's title is %q, want %q", got, full)
			}
			p.click("#msg-preflight .arrow")
			p.waitText("#step-where", "Browser → Server: "+full)
			if got := p.text("#raw-http"); !strings.HasPrefix(got, "OPTIONS /api/v2/organisations/acme/projects/1234567/items?include=owner HTTP/1.1") {
				t.Errorf("the raw HTTP reads %q", got)
			}
			for _, width := range []int64{320, 1280} {
				p.emulate(width, 900, "light")
				p.eval(`document.querySelector("#msg-browser .arrow").focus()`)
				p.press(kb.Tab) // a keyboard focus: :focus-visible
				if id := evalAs[string](p, `document.activeElement.closest("li")?.id ?? document.activeElement.tagName`); id != "msg-preflight" {
					t.Fatalf("Tab from the browser's row went to %s, want the preflight's row", id)
				}
				if got := evalAs[string](p, `document.querySelector("#msg-preflight .label").innerText.trim()`); got != full {
					t.Errorf("at %d px the focused preflight reads %q, want %q", width, got, full)
				}
				if probs := p.diagramLayoutProblems(); len(probs) > 0 {
					t.Errorf("%d px, the preflight focused:\n  %s", width, strings.Join(probs, "\n  "))
				}
				p.screenshot(filepath.Join("test-output", fmt.Sprintf("diagram-long-path-focused-%d-light.png", width)), "section.exchange")
			}
		})
	}
}
