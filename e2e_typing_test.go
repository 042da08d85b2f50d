//go:build !wasm

package main

import (
	"strings"
	"testing"

	"github.com/chromedp/chromedp/kb"

	"corsplay/engine"
)

// TestTypingLosesNothing types fast into fields that re-evaluate the whole
// scenario on every keystroke; what ends up in each field, and in the
// scenario, is exactly what was typed, even when the page re-renders
// between keystrokes.
func TestTypingLosesNothing(t *testing.T) {
	srv := newServer(t)
	p := open(t, newBrowser(t), srv.URL+"/")
	for sel, text := range map[string]string{
		"#url":            "https://api.example.com/a/very/long/path/with/many/segments?and=a&query=string",
		"#method":         "PROPFIND",
		"#policy-methods": "PUT, DELETE, PATCH, PROPFIND, MKCOL",
	} {
		p.typeInto(sel, text)
		p.waitJS(`document.querySelector(`+jsString(sel)+`).value === `+jsString(text), "the typed text in "+sel)
	}
	p.waitVerdict("Allowed")
	if got := p.text("#fetch-code"); !strings.Contains(got, "/a/very/long/path/with/many/segments?and=a&query=string") || !strings.Contains(got, `method: "PROPFIND"`) {
		t.Errorf("the scenario lost keystrokes: %s", got)
	}
}

// watchAnswer installs, in the page, a probe that notes, at the moment the
// verdict's text changes (in the task that changed it), whether main is
// busy, the exchange's text and the address's fragment.
const watchAnswer = `(() => {
	const w = window.__answer = {seen: null};
	const verdict = () => document.querySelector("#verdict-title").textContent;
	let last = verdict();
	new MutationObserver(() => {
		if (w.seen === null && verdict() !== last) {
			w.seen = {busy: document.querySelector("#main").getAttribute("aria-busy"),
				exchange: document.querySelector("section.exchange").textContent, hash: location.hash};
		}
	}).observe(document.body, {subtree: true, childList: true, characterData: true});
})()`

type answerSeen struct {
	Busy     string `json:"busy"`
	Exchange string `json:"exchange"`
	Hash     string `json:"hash"`
}

// TestTheAnswerComesFirstWhileTyping: a keystroke changes the verdict in
// its own task while the exchange and the address still show the scenario
// before it (main aria-busy); they catch up once the typing pauses. An
// edit that is not typing (applying a fix) changes everything at once.
func TestTheAnswerComesFirstWhileTyping(t *testing.T) {
	srv := newServer(t)
	p := open(t, newBrowser(t), srv.URL+"/")
	p.waitVerdict("Allowed")
	exchange := func() string { return evalAs[string](p, `document.querySelector("section.exchange").textContent`) }
	before, hash := exchange(), evalAs[string](p, `location.hash`)

	p.eval(watchAnswer)
	p.typeInto("#method", "patch")
	p.waitVerdict("Blocked by CORS") // waits for main to be caught up too
	seen := evalAs[answerSeen](p, `window.__answer.seen`)
	if seen.Busy != "true" || seen.Exchange != before || seen.Hash != hash {
		t.Errorf("when the verdict changed: main aria-busy %q, exchange changed %v, address changed %v; want busy, neither changed yet",
			seen.Busy, seen.Exchange != before, seen.Hash != hash)
	}
	if got := exchange(); got == before {
		t.Errorf("the exchange did not catch up with the typing: %q", got)
	}
	p.waitScenario("method patch", func(s engine.Scenario) bool { return s.Request.Method == "patch" })

	blocked := exchange()
	p.eval(watchAnswer)
	p.click("#apply-fix-0")
	p.waitVerdict("Allowed")
	seen = evalAs[answerSeen](p, `window.__answer.seen`)
	if seen.Busy == "true" || seen.Exchange == blocked {
		t.Errorf("applying a fix: when the verdict changed, main aria-busy %q, exchange changed %v; want not busy, changed at once",
			seen.Busy, seen.Exchange != blocked)
	}
}

// TestFixesStayHiddenWhileTypingAllowsTheRequest: a keystroke that makes
// a blocked request allowed hides its fixes, the same elements, instead of
// removing them (typing flips a request between blocked and allowed, and
// building the fixes again each time it is blocked was about a tenth of a
// blocked keystroke's time); once the typing pauses they are gone.
func TestFixesStayHiddenWhileTypingAllowsTheRequest(t *testing.T) {
	srv := newServer(t)
	p := open(t, newBrowser(t), srv.URL+"/")
	p.waitVerdict("Allowed")
	p.appendTo("#method", "X")
	p.waitVerdict("Blocked by CORS")
	p.waitJS(`!!document.querySelector("section.fixes") && !document.querySelector("section.fixes").hidden`, "the fixes shown")
	p.eval(`(() => {
		const w = window.__fixes = {el: document.querySelector("section.fixes"), seen: null};
		new MutationObserver(() => {
			if (w.seen === null && document.querySelector("#verdict-title").textContent === "Allowed") {
				const now = document.querySelector("section.fixes");
				w.seen = {same: now === w.el, hidden: !!now && now.hidden, shown: !!now && now.getClientRects().length > 0,
					busy: document.querySelector("#main").getAttribute("aria-busy")};
			}
		}).observe(document.body, {subtree: true, childList: true, characterData: true});
	})()`)
	p.press(kb.Backspace)
	p.waitVerdict("Allowed") // and caught up
	type fixesSeen struct {
		Same, Hidden, Shown bool
		Busy                string
	}
	seen := evalAs[fixesSeen](p, `window.__fixes.seen`)
	if !seen.Same || !seen.Hidden || seen.Shown || seen.Busy != "true" {
		t.Errorf("when the keystroke allowed the request: fixes the same elements %v, hidden %v, shown %v, main aria-busy %q; want the same, hidden, not shown, while typing",
			seen.Same, seen.Hidden, seen.Shown, seen.Busy)
	}
	p.waitJS(`!document.querySelector("section.fixes") && !!document.querySelector(".findings-none")`, "the fixes gone once the typing paused")
}
