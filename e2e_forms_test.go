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

// The setup forms (issue 13): input mistakes shown at the field, honest Copy
// buttons, the server tabs' keys, and the forms' layout at 320 and 1280 px.

// fieldMark is how the page marks one input.
type fieldMark struct {
	Invalid     string // aria-invalid
	DescribedBy string // aria-describedby
	Words       string // the text of the element it names
	Outline     string // the computed outline colour
	Value       string
}

func (p *page) mark(id string) fieldMark {
	p.t.Helper()
	return evalAs[fieldMark](p, `(() => {
		const e = document.getElementById(`+jsString(id)+`);
		if (!e) return {Invalid: "(no #`+id+`)"};
		const d = e.getAttribute("aria-describedby") || "";
		return {Invalid: e.getAttribute("aria-invalid") || "", DescribedBy: d,
			Words: d ? (document.getElementById(d)?.textContent ?? "(none)").trim() : "",
			Outline: getComputedStyle(e).outlineStyle === "none" ? "" : getComputedStyle(e).outlineColor, Value: e.value};
	})()`)
}

// waitMarked waits until the input id is marked with words.
func (p *page) waitMarked(id, words string) {
	p.t.Helper()
	waitFor(p, "#"+id+" marked", func() fieldMark {
		m := p.mark(id)
		m.Outline, m.Value = "", ""
		return m
	}, fieldMark{Invalid: "true", DescribedBy: id + "-error", Words: words}, func(a, b fieldMark) bool { return a == b })
}

// invalidFields lists the inputs marked aria-invalid.
func (p *page) invalidFields() string {
	p.t.Helper()
	return evalAs[string](p, `[...document.querySelectorAll('[aria-invalid="true"]')].map(e => e.id).join(" ")`)
}

// An input mistake is marked at its field, in words, and the verdict says
// the scenario is incomplete, neutrally, with a button to the field; the
// typed text stays. What fetch() itself rejects stays a TypeError.
func TestInputMistakesAreShownAtTheField(t *testing.T) {
	srv := newServer(t)
	p := open(t, newBrowser(t), srv.URL+"/")
	p.waitVerdict("Allowed")
	red := evalAs[string](p, `(() => { const e = document.createElement("i"); e.style.color = "var(--bad)"; document.body.append(e); const c = getComputedStyle(e).color; e.remove(); return c; })()`)

	p.typeInto("#page", "http://localhost:3000/")
	p.waitVerdict("Incomplete: the page origin is not an origin")
	p.waitMarked("page", "An origin has no path: http://localhost:3000")
	p.eval(`document.activeElement.blur()`)
	if m := p.mark("page"); m.Value != "http://localhost:3000/" || m.Outline != red {
		t.Errorf("#page holds %q with an outline of %q, want what was typed, outlined in %s", m.Value, m.Outline, red)
	}
	if got := p.text("#problem"); got != "An origin has no path: http://localhost:3000" {
		t.Errorf("the verdict's words: %q", got)
	}
	verdict := evalAs[map[string]string](p, `(() => { const v = document.querySelector("#verdict"), s = getComputedStyle(v);
		return {class: v.className, border: s.borderLeftColor, title: getComputedStyle(document.querySelector("#verdict-title")).color,
			text: document.querySelector("section.verdict").textContent}; })()`)
	if !strings.Contains(verdict["class"], "incomplete") || verdict["border"] == red || verdict["title"] == red {
		t.Errorf("the incomplete verdict is styled %v, want the neutral incomplete style", verdict)
	}
	if strings.Contains(verdict["text"], "TypeError") {
		t.Errorf("the incomplete verdict speaks of a TypeError: %q", verdict["text"])
	}
	// No exchange, no fixes, no findings: they would be of no browser.
	if got := evalAs[string](p, `[".diagram", "#fixes-title", "#lint-title", "#attacker-title"].filter(s => document.querySelector(s)).join(" ") || (document.querySelector("#no-exchange") ? "" : "no #no-exchange")`); got != "" {
		t.Errorf("the incomplete scenario shows %s", got)
	}
	for _, scheme := range []string{"light", "dark"} {
		p.emulate(1280, 900, scheme)
		p.screenshot(filepath.Join("test-output", "forms-incomplete-request-"+scheme+".png"), `section[aria-labelledby="request-title"]`)
		p.screenshot(filepath.Join("test-output", "forms-incomplete-verdict-"+scheme+".png"), `section.verdict`)
	}
	p.eval(`document.activeElement.blur()`)
	p.click("#problem-focus")
	p.waitJS(`document.activeElement?.id === "page"`, "Go to the field to focus #page")

	p.typeInto("#page", "http://localhost:3000")
	p.waitVerdict("Blocked by CORS")
	if got := p.invalidFields(); got != "" {
		t.Errorf("fixed, the page still marks %s", got)
	}
	if p.text("#page-error") != "" {
		t.Errorf("fixed, #page still has words under it: %q", p.text("#page-error"))
	}
	p.typeInto("#page", "https://app.example.com")
	p.waitVerdict("Allowed")

	p.typeInto("#url", kb.Backspace)
	p.waitVerdict("Incomplete: the URL is missing")
	p.waitMarked("url", "Write the URL passed to fetch(), such as https://api.example.com/items")
	p.typeInto("#url", "https://api.example.com/items/42")
	p.waitVerdict("Allowed")

	// fetch() rejects these itself: the browser's TypeError, no field marked.
	for _, tt := range []struct{ id, typed string }{{"#method", "CONNECT"}, {"#url", "https://user:pw@api.example.com/items/42"}} {
		p.typeInto(tt.id, tt.typed)
		p.waitVerdict("TypeError before sending")
		if got := p.invalidFields(); got != "" {
			t.Errorf("%s %s: fetch() rejects it, yet the page marks %s as an input mistake", tt.id, tt.typed, got)
		}
	}
	p.typeInto("#url", "https://api.example.com/items/42")
	p.typeInto("#method", "PUT")
	p.waitVerdict("Allowed")

	// Server fields: the policy's, and a raw response's header.
	p.typeInto("#policy-status", "99")
	p.waitVerdict("Incomplete: the preflight status is not a status")
	p.waitMarked("policy-status", "99 is not a final HTTP status: use 200 to 599")
	p.click("#problem-focus")
	p.waitJS(`document.activeElement?.id === "policy-status"`, "Go to the field to focus #policy-status")
	p.typeInto("#policy-status", "204")
	p.waitVerdict("Allowed")

	p.typeInto("#policy-origins", "https://app.example.com\nhttps://*.*.example")
	p.waitVerdict("Incomplete: an allowed origin is not valid")
	p.waitMarked("policy-origins", `"https://*.*.example": a * is allowed only as the leftmost label (https://*.example.com) or as the port (http://localhost:*)`)
	if got := p.value("#policy-origins"); got != "https://app.example.com\nhttps://*.*.example" {
		t.Errorf("#policy-origins holds %q, want what was typed", got)
	}
	p.typeInto("#policy-origins", "https://app.example.com")
	p.waitVerdict("Allowed")

	p.click("#tab-raw")
	p.waitJS(`!!document.querySelector("#actual-header-0-name")`, "the raw form")
	p.typeInto("#actual-header-0-name", "Access-Control-Allow Origin")
	p.waitVerdict("Incomplete: a header of the response is not valid")
	p.waitMarked("actual-header-0-name", `"Access-Control-Allow Origin" is not a valid header name: a name is a token (letters, digits and !#$%&'*+-.^_`+"`"+`|~, no spaces or colons)`)
	if got := p.invalidFields(); got != "actual-header-0-name" {
		t.Errorf("the page marks %q, want the header name alone", got)
	}
	p.checkAxe("an incomplete raw server")
}

// The clipboard stand-ins: one that takes the text (and records it), one
// that refuses, and none at all (plain http on a LAN address).
const (
	clipboardTakes   = `Object.defineProperty(navigator, "clipboard", {configurable: true, value: {writeText: t => { window.copied = t; return Promise.resolve(); }}}); window.copied = undefined;`
	clipboardRefuses = `Object.defineProperty(navigator, "clipboard", {configurable: true, value: {writeText: t => Promise.reject(new DOMException("denied", "NotAllowedError"))}}); window.copied = undefined;`
	clipboardMissing = `Object.defineProperty(navigator, "clipboard", {configurable: true, value: undefined}); window.copied = undefined;`
)

// manualCopy is what a Copy's fallback field shows.
type manualCopy struct {
	Present, Focused, Selected, ReadOnly bool
	Tip, Button                          string
}

func (p *page) manualCopy(field, button string) manualCopy {
	p.t.Helper()
	return evalAs[manualCopy](p, `(() => {
		const e = document.getElementById(`+jsString(field)+`), b = document.getElementById(`+jsString(button)+`);
		if (!e) return {Button: b.textContent.trim()};
		return {Present: true, Focused: document.activeElement === e, ReadOnly: e.readOnly,
			Selected: e.selectionStart === 0 && e.selectionEnd === e.value.length && e.value.length > 0,
			Tip: (document.getElementById(e.getAttribute("aria-describedby"))?.textContent ?? "").trim(), Button: b.textContent.trim()};
	})()`)
}

// Each Copy button says it copied only when writeText resolved; without
// the clipboard, or when writeText is refused, it shows the text selected
// in a read-only field and says to press Ctrl+C.
func TestCopyButtonsSayCopiedOnlyWhenCopied(t *testing.T) {
	srv := newServer(t)
	p := open(t, newBrowser(t), permalink(t, srv.URL, reflectingPolicy()))
	p.waitVerdict("Blocked by CORS")
	p.eval(`document.querySelector("#export").open = true`)
	p.waitJS(`!!document.querySelector("#copy-console") && !!document.querySelector("#copy-export")`, "the Copy buttons")
	for _, c := range []struct {
		button, field, done string
		text                string // JavaScript: the text it must copy
	}{
		{"copy-link", "copy-link-text", "Link copied", `location.href`},
		{"copy-embed", "copy-embed-text", "Embed code copied", `"<iframe src=\"" + location.origin + "/embed#"`},
		{"copy-console", "copy-console-text", "Copied", `document.querySelector(".console-lines .line-text").textContent`},
		{"copy-export", "copy-export-text", "Copied", `document.querySelector("#export-code").textContent`},
	} {
		idle := p.text("#" + c.button)
		p.eval(clipboardTakes)
		p.click("#" + c.button)
		p.waitText("#"+c.button, c.done)
		if !evalAs[bool](p, `typeof window.copied === "string" && window.copied.includes(`+c.text+`)`) {
			t.Errorf("%s copied %q, want it to hold %s", c.button, evalAs[string](p, `String(window.copied)`), evalAs[string](p, c.text))
		}
		if m := p.manualCopy(c.field, c.button); m.Present {
			t.Errorf("%s: copied, yet the manual field shows", c.button)
		}
		p.waitText("#"+c.button, idle)

		for _, clip := range []string{clipboardMissing, clipboardRefuses} {
			p.eval(clip)
			p.click("#" + c.button)
			want := manualCopy{Present: true, Focused: true, Selected: true, ReadOnly: true, Tip: "Press Ctrl+C (⌘C) to copy", Button: idle}
			waitFor(p, c.button+" without a clipboard", func() manualCopy { return p.manualCopy(c.field, c.button) }, want,
				func(a, b manualCopy) bool { return a == b })
			if !evalAs[bool](p, `document.getElementById(`+jsString(c.field)+`).value.includes(`+c.text+`)`) {
				t.Errorf("%s: the manual field holds %q", c.button, p.value("#"+c.field))
			}
			if clip == clipboardMissing && (c.button == "copy-link" || c.button == "copy-export") {
				sel := map[string]string{"copy-link": "header.topbar", "copy-export": "#export"}[c.button]
				p.screenshot(filepath.Join("test-output", "forms-"+c.button+"-by-hand.png"), sel)
			}
			p.click("#" + c.field + "-close")
			p.waitJS(`!document.getElementById(`+jsString(c.field)+`)`, "Done to close "+c.field)
		}
	}
}

// tabsState is which server tab is selected, which has focus, which is in
// the Tab order and which panel shows.
type tabsState struct {
	Selected, Focused, Tabbable, Panel string
}

func (p *page) tabs() tabsState {
	p.t.Helper()
	return evalAs[tabsState](p, `(() => {
		const tabs = [...document.querySelectorAll('[role="tab"]')];
		const panel = [...document.querySelectorAll('[role="tabpanel"]')].filter(e => !e.hidden && e.getClientRects().length > 0);
		return {Selected: tabs.filter(e => e.getAttribute("aria-selected") === "true").map(e => e.id).join(" "),
			Focused: document.activeElement?.id ?? "",
			Tabbable: tabs.filter(e => e.tabIndex >= 0).map(e => e.id).join(" "),
			Panel: panel.map(e => e.id + "<" + e.getAttribute("aria-labelledby") + (e.childElementCount > 0 ? "" : " empty")).join(" ")};
	})()`)
}

// The server tabs follow the WAI-ARIA tabs pattern: one Tab stop, the
// arrows (wrapping round), Home and End move and select.
func TestServerTabsWithTheKeyboard(t *testing.T) {
	srv := newServer(t)
	p := open(t, newBrowser(t), srv.URL+"/")
	p.waitVerdict("Allowed")
	wiring := evalAs[string](p, `[...document.querySelectorAll('[role="tab"]')].map(t => {
		const p = document.getElementById(t.getAttribute("aria-controls"));
		return p && p.getAttribute("role") === "tabpanel" && p.getAttribute("aria-labelledby") === t.id && t.closest('[role="tablist"]') ? "" : t.id;
	}).join("")`)
	if wiring != "" {
		t.Errorf("tabs not wired to their panels: %s", wiring)
	}
	want := func(kind string) tabsState {
		return tabsState{Selected: "tab-" + kind, Focused: "tab-" + kind, Tabbable: "tab-" + kind, Panel: "panel-" + kind + "<tab-" + kind}
	}
	p.eval(`window.keysSeen = 0; window.addEventListener("keydown", () => window.keysSeen++); document.querySelector("#tab-policy").focus()`)
	if got := p.tabs(); got != want("policy") {
		t.Fatalf("at the start: %+v", got)
	}
	for _, step := range []struct {
		key, kind string
	}{
		{kb.ArrowRight, "library"}, {kb.ArrowRight, "raw"}, {kb.ArrowRight, "policy"}, // wraps round
		{kb.ArrowLeft, "raw"}, {kb.ArrowLeft, "library"}, {kb.Home, "policy"}, {kb.End, "raw"}, {kb.ArrowLeft, "library"},
	} {
		p.press(step.key)
		waitFor(p, fmt.Sprintf("%q to select %s", step.key, step.kind), p.tabs, want(step.kind), func(a, b tabsState) bool { return a == b })
	}
	// The keys are the tab list's: no window listener (the exchange's step
	// keys) saw them.
	if n := evalAs[int](p, `window.keysSeen`); n != 0 {
		t.Errorf("%d of the tab list's keys reached the window", n)
	}
	// Tab leaves the tab list for the panel.
	p.press(kb.Tab)
	if in := evalAs[bool](p, `!!document.activeElement.closest("#panel-library")`); !in {
		t.Errorf("Tab from the selected tab goes to %q, not into its panel", evalAs[string](p, `document.activeElement.id`))
	}
}

// At 320 and 1280 px, light and dark: the fetch() row's selects show their
// words whole, header names are read whole, a finding has one marker, the
// exported code scrolls sideways rather than wrap, and the console box says
// what it is under the standard's profile. The panels go to test-output/.
func TestFormsLayout(t *testing.T) {
	srv := newServer(t)
	p := open(t, newBrowser(t), permalink(t, srv.URL, reflectingPolicy()))
	p.waitVerdict("Blocked by CORS")
	p.choose("#browser", engine.Spec)
	p.waitText("#console-title", "What Chrome logs (the standard has no console)")
	p.choose("#browser", engine.Chrome)
	p.waitText("#console-title", "Chrome's console")
	p.choose("#credentials", engine.CredentialsSameOrigin) // the longest word of the row
	p.waitScenario("credentials same-origin", func(s engine.Scenario) bool { return s.Request.Credentials == engine.CredentialsSameOrigin })
	for _, width := range []int64{320, 1280} {
		for _, scheme := range []string{"light", "dark"} {
			name := fmt.Sprintf("%d-%s", width, scheme)
			p.emulate(width, 900, scheme)
			p.click("#tab-policy")
			p.waitJS(`!!document.querySelector("#policy-origins")`, "the policy form")
			p.eval(`document.querySelector("#export").open = true`)
			p.waitJS(`!!document.querySelector("#export-target")`, "the export's target")
			// A select is cut when narrower than it is with its own width.
			if cut := evalAs[string](p, `["method", "credentials", "mode", "policy-any", "export-target", "browser", "preset"].filter(id => {
				// A select shows its chosen option's words, its padding and its arrow (about 20 px).
				const e = document.getElementById(id), cs = getComputedStyle(e);
				if (e.tagName !== "SELECT") return e.scrollWidth > e.clientWidth;
				const ctx = document.createElement("canvas").getContext("2d");
				ctx.font = cs.font;
				const need = ctx.measureText(e.selectedOptions[0].text).width + parseFloat(cs.paddingLeft) + parseFloat(cs.paddingRight) + 20;
				return e.clientWidth < need;
			}).join(" ")`); cut != "" {
				t.Errorf("%s: these fields cut their words: %s", name, cut)
			}
			if over := evalAs[string](p, `(() => { const w = document.documentElement.clientWidth;
				return [...document.querySelectorAll(".setup *")].filter(e => e.getBoundingClientRect().right > w + 1 && !e.closest("#export-code"))
					.slice(0, 5).map(e => e.tagName.toLowerCase() + "#" + e.id).join(" "); })()`); over != "" {
				t.Errorf("%s: these stick out of the page: %s", name, over)
			}
			if got := evalAs[string](p, `(() => { const lis = [...document.querySelectorAll(".lint li.finding")];
				if (!lis.length) return "no findings";
				return lis.map(li => (getComputedStyle(li).listStyleType !== "none" && getComputedStyle(li).display === "list-item" ? 1 : 0) +
					(getComputedStyle(li.querySelector("summary")).display === "list-item" ? 1 : 0)).filter(n => n !== 1).join(" "); })()`); got != "" {
				t.Errorf("%s: findings with other than one marker: %s", name, got)
			}
			p.eval(`document.querySelector("#export").open = true`)
			p.choose("#export-target", engine.ExportTargets[0])
			code := evalAs[map[string]any](p, `(() => { const e = document.querySelector("#export-code"), s = getComputedStyle(e);
				const lines = e.textContent.replace(/\n$/, "").split("\n").length, inner = e.clientHeight - parseFloat(s.paddingTop) - parseFloat(s.paddingBottom);
				return {whiteSpace: s.whiteSpace, overflowX: s.overflowX, tabIndex: e.tabIndex, scrolls: e.scrollWidth > e.clientWidth,
					rows: Math.round(inner / parseFloat(s.lineHeight === "normal" ? 1.2 * parseFloat(s.fontSize) : s.lineHeight)), lines}; })()`)
			if code["whiteSpace"] != "pre" || code["overflowX"] != "auto" || code["tabIndex"] != 0.0 || code["rows"] != code["lines"] {
				t.Errorf("%s: the exported code: %v, want its lines kept (pre), scrolling sideways, in the Tab order", name, code)
			}
			if width == 320 && code["scrolls"] != true {
				t.Errorf("%s: the exported code does not scroll sideways: %v", name, code)
			}
			p.screenshot(filepath.Join("test-output", "forms-request-"+name+".png"), `section[aria-labelledby="request-title"]`)
			p.screenshot(filepath.Join("test-output", "forms-server-policy-"+name+".png"), `section[aria-labelledby="server-title"]`)
			p.click("#tab-raw")
			p.waitJS(`!!document.querySelector("#actual-header-0-name")`, "the raw form")
			p.typeInto("#actual-header-0-name", "Access-Control-Allow-Credentials")
			p.waitScenario("the raw header", func(s engine.Scenario) bool {
				return s.Server.Raw != nil && s.Server.Raw.Actual != nil && s.Server.Raw.Actual.Headers[0].Name == "Access-Control-Allow-Credentials"
			})
			p.eval(`document.activeElement.blur()`)
			if cut := evalAs[string](p, `[...document.querySelectorAll(".headers input")].filter(e => e.scrollWidth > e.clientWidth).map(e => e.id + "=" + e.value).join(" ")`); cut != "" {
				t.Errorf("%s: these header fields cut their text: %s", name, cut)
			}
			p.screenshot(filepath.Join("test-output", "forms-server-raw-"+name+".png"), `section[aria-labelledby="server-title"]`)
		}
	}
}

// reflectingPolicy is a policy server that reflects any origin with
// cookies (lint findings) and refuses the request's PATCH (a console
// box).
func reflectingPolicy() engine.Scenario {
	return engine.Scenario{V: engine.Version, Page: "https://app.example.com",
		Request: engine.Request{URL: "https://api.example.com/items/42", Method: "PATCH", Credentials: engine.CredentialsInclude},
		Server:  engine.Server{Policy: &engine.Policy{AnyOrigin: engine.AnyOriginReflect, Credentials: true, Methods: []string{"PUT"}}}}
}
