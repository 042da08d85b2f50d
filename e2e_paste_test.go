//go:build !wasm

package main

import (
	"bytes"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/chromedp/chromedp"

	"corsplay/engine"
	"corsplay/engine/evidence"
)

// The first thing on the page: paste what you have, learn, or start from
// an example.

// paste puts text in the paste box as a paste does (one input event) and
// presses "Show me why".
func (p *page) paste(text string) {
	p.t.Helper()
	p.eval(`(() => { const e = document.querySelector("#paste"); e.focus(); e.value = ` + jsString(text) + `; e.dispatchEvent(new InputEvent("input", {bubbles: true, inputType: "insertFromPaste"})); })()`)
	p.waitJS(`!document.querySelector("#paste-go").disabled`, "the paste button to be enabled")
	p.click("#paste-go")
}

// The pasted console lines reproduce: the page shows the browser that
// printed them, the same main line, and asks for what the text did not say.
func TestPasteAConsoleError(t *testing.T) {
	srv := newServer(t)
	browser := newBrowser(t)
	for _, tt := range []struct {
		name, browser, text string
		main                string // the line the page must show as the reason
		page                string // the page's origin the scenario must hold
	}{
		{"Chrome, as DevTools copies it", engine.Chrome,
			"localhost/:1 Access to fetch at 'http://localhost:5000/api/items' from origin 'http://localhost:3000' has been blocked by CORS policy: Response to preflight request doesn't pass access control check: No 'Access-Control-Allow-Origin' header is present on the requested resource.\n" +
				"app.js:12   POST http://localhost:5000/api/items net::ERR_FAILED",
			"Access to fetch at 'http://localhost:5000/api/items' from origin 'http://localhost:3000' has been blocked by CORS policy: Response to preflight request doesn't pass access control check: No 'Access-Control-Allow-Origin' header is present on the requested resource.",
			"http://localhost:3000"},
		{"Firefox's two lines", engine.Firefox,
			"Cross-Origin Request Blocked: The Same Origin Policy disallows reading the remote resource at https://api.example.com/items. (Reason: CORS header ‘Access-Control-Allow-Origin’ missing). Status code: 200.\n" +
				"Cross-Origin Request Blocked: The Same Origin Policy disallows reading the remote resource at https://api.example.com/items. (Reason: CORS request did not succeed). Status code: (null).",
			"Cross-Origin Request Blocked: The Same Origin Policy disallows reading the remote resource at https://api.example.com/items. (Reason: CORS header ‘Access-Control-Allow-Origin’ missing). Status code: 200.",
			""},
		{"Safari's three lines", engine.Safari,
			"[Error] Origin http://localhost:3000 is not allowed by Access-Control-Allow-Origin. Status code: 200\n" +
				"[Error] Fetch API cannot load http://localhost:5000/api/items due to access control checks.\n" +
				"[Error] Failed to load resource: Origin http://localhost:3000 is not allowed by Access-Control-Allow-Origin. Status code: 200 (items, line 0)",
			"Origin http://localhost:3000 is not allowed by Access-Control-Allow-Origin. Status code: 200",
			"http://localhost:3000"},
	} {
		t.Run(tt.name, func(t *testing.T) {
			want, err := evidence.Import([]byte(tt.text), evidence.Options{})
			if err != nil {
				t.Fatal(err)
			}
			p := open(t, browser, srv.URL+"/")
			p.waitVerdict("Allowed")
			if got := evalAs[int](p, `document.querySelectorAll("#ways-in .way").length`); got != 3 {
				t.Errorf("the first visit shows %d ways in, want 3", got)
			}
			p.paste(tt.text)
			p.waitVerdict("Blocked by CORS")
			if got := p.text("#console-lines .main .line-text, .console-lines li.main .line-text"); got != tt.main {
				t.Errorf("the console's reason reads %q, want the pasted %q", got, tt.main)
			}
			if got := p.value("#browser"); got != tt.browser {
				t.Errorf("the browser picker shows %q, want %q", got, tt.browser)
			}
			if got := p.text("#imported-title"); got != "From "+want.From() {
				t.Errorf("the import is titled %q", got)
			}
			// Each assumption is asked, and its field outlined.
			asked := evalAs[[]string](p, `[...document.querySelectorAll("#imported [data-field]")].map(li => li.dataset.field)`)
			if len(asked) != len(want.Assumed) {
				t.Errorf("the page asks about %v; the import assumed %+v", asked, want.Assumed)
			}
			for _, a := range want.Assumed {
				id, ok := map[string]string{"page": "page", "request.method": "method", "request.credentials": "credentials",
					"request.headers": "request-header-0-name", "browser": "browser"}[a.Field]
				if !ok {
					continue
				}
				if style := evalAs[string](p, `getComputedStyle(document.getElementById(`+jsString(id)+`)).outlineStyle`); style != "dashed" {
					t.Errorf("%s was assumed but #%s is not outlined (%q)", a.Field, id, style)
				}
			}
			if tt.page == "" {
				// Firefox does not print the page's origin: it is asked, and
				// the answer changes the scenario, not the reason.
				p.typeInto("#imported-page", "http://localhost:5173\n")
				p.waitScenario("the page origin typed", func(s engine.Scenario) bool { return s.Page == "http://localhost:5173" })
				p.waitJS(`document.querySelector("#page").value === "http://localhost:5173"`, "the page field to follow")
			} else if got := p.value("#page"); got != tt.page {
				t.Errorf("#page is %q, want %q from the text", got, tt.page)
			}
			if got := p.value("#paste"); got != tt.text {
				t.Errorf("the paste box lost the text: %q", got)
			}
			p.click("#imported-done")
			p.waitJS(`!document.querySelector("#imported") && !document.querySelector(".page").dataset.assumed`, "the questions to go")
		})
	}
}

// A text that is none of the accepted forms says what is accepted and
// keeps the text; an example and the first lesson load with a click and
// fold the ways in; a dropped HAR is read; a link's scenario comes first,
// the paste box folded above it.
func TestWaysIn(t *testing.T) {
	srv := newServer(t)
	browser := newBrowser(t)
	p := open(t, browser, srv.URL+"/")
	p.waitVerdict("Allowed")
	const junk = "my API does not work, please help"
	p.paste(junk)
	p.waitJS(`!!document.querySelector("#paste-problem")`, "the problem")
	problem := p.text("#paste-problem")
	for _, want := range []string{"Nothing here looks like a CORS error", "a HAR file", "Copy as fetch", "curl -v"} {
		if !strings.Contains(problem, want) {
			t.Errorf("the problem %q does not say %q", problem, want)
		}
	}
	if got := p.value("#paste"); got != junk {
		t.Errorf("the paste box holds %q, want what was typed", got)
	}
	if got := evalAs[string](p, `document.querySelector("#paste-problem").getAttribute("role")`); got != "alert" {
		t.Errorf("the problem has role %q", got)
	}

	// An example, or the first lesson, loads and folds the ways in.
	p.click(`#ways-in button[value="Preflight answered with a 301 redirect"]`)
	p.waitJS(`document.querySelector("#preset").value === "Preflight answered with a 301 redirect"`, "the example")
	p.waitJS(`document.querySelector("#ways-in").tagName === "DETAILS"`, "the ways in to fold")
	lesson := open(t, browser, srv.URL+"/")
	lesson.waitVerdict("Allowed")
	lesson.click("#start-lessons")
	lesson.waitJS(`document.querySelector("#preset").value === "Same origin: no CORS at all"`, "the first lesson")
	lesson.waitJS(`document.querySelector("#ways-in").tagName === "DETAILS"`, "the ways in to fold")

	// A file dropped on the paste box is read, not opened by the browser.
	har, err := os.ReadFile("engine/evidence/testdata/firefox.har")
	if err != nil {
		t.Fatal(err)
	}
	want, err := evidence.Import(har, evidence.Options{})
	if err != nil {
		t.Fatal(err)
	}
	if prevented := evalAs[bool](p, `(() => {
		const dt = new DataTransfer();
		dt.items.add(new File([`+jsString(string(har))+`], "firefox.har", {type: "application/json"}));
		const drop = new DragEvent("drop", {dataTransfer: dt, bubbles: true, cancelable: true});
		document.querySelector("#paste").dispatchEvent(drop);
		return drop.defaultPrevented;
	})()`); !prevented {
		t.Errorf("the drop on the paste box was not prevented: the browser would open the file")
	}
	p.waitScenario("the dropped HAR", func(s engine.Scenario) bool {
		return s.Request.URL == want.Scenario.Request.URL && s.Page == want.Scenario.Page
	})

	linked := open(t, browser, permalink(t, srv.URL, preset(t, "JSON POST needs a preflight")))
	linked.waitVerdict("Allowed")
	if got := evalAs[string](linked, `(() => { const w = document.querySelector("#ways-in"); return w.tagName + (w.open ? " open" : ""); })()`); got != "DETAILS" {
		t.Errorf("after a link the ways in are %q, want a folded DETAILS", got)
	}
	linked.click("#ways-in summary")
	linked.paste("curl 'http://localhost:8000/api' -X DELETE -H 'Origin: http://localhost:3000'")
	linked.waitScenario("the pasted curl", func(s engine.Scenario) bool { return s.Request.Method == "DELETE" && s.Page == "http://localhost:3000" })
}

// A HAR file opened with the file picker imports, the largest within a
// few seconds of a small one, with a note while it is read.
func TestOpenAHARFile(t *testing.T) {
	srv := newServer(t)
	browser := newBrowser(t)
	small, err := filepath.Abs("engine/evidence/testdata/chrome.har")
	if err != nil {
		t.Fatal(err)
	}
	data, err := os.ReadFile(small)
	if err != nil {
		t.Fatal(err)
	}
	want, err := evidence.Import(data, evidence.Options{})
	if err != nil {
		t.Fatal(err)
	}
	// A big HAR: the same log with a 4 MB response body in its first entry.
	big := filepath.Join(t.TempDir(), "big.har")
	padded := bytes.Replace(data, []byte(`"entries": [`), []byte(`"entries": [{"startedDateTime":"2026-01-01T00:00:00Z","time":1,"request":{"method":"GET","url":"http://localhost:3000/","httpVersion":"HTTP/1.1","headers":[],"queryString":[],"cookies":[],"headersSize":-1,"bodySize":0},"response":{"status":200,"statusText":"OK","httpVersion":"HTTP/1.1","headers":[],"cookies":[],"content":{"size":4000000,"mimeType":"text/html","text":"`+strings.Repeat("x", 4_000_000)+`"},"redirectURL":"","headersSize":-1,"bodySize":4000000},"cache":{},"timings":{"send":0,"wait":1,"receive":0}},`), 1)
	if bytes.Equal(padded, data) {
		t.Fatal(`chrome.har has no "entries": [`)
	}
	if err := os.WriteFile(big, padded, 0o644); err != nil {
		t.Fatal(err)
	}
	// A file over the bound of any import is refused by its size, unread
	// (a sparse file: no disk).
	huge := filepath.Join(t.TempDir(), "huge.har")
	if err := os.WriteFile(huge, nil, 0o644); err != nil {
		t.Fatal(err)
	}
	if err := os.Truncate(huge, evidence.MaxInputBytes+1); err != nil {
		t.Fatal(err)
	}
	t.Run("over the bound", func(t *testing.T) {
		p := open(t, browser, srv.URL+"/")
		p.waitVerdict("Allowed")
		if _, err := chromedp.Run(p.ctx, chromedp.SetUploadFiles(chromedp.CSS("#paste-file"), []string{huge})); err != nil {
			t.Fatal(err)
		}
		p.waitJS(`!!document.querySelector("#paste-problem")`, "the refusal")
		if got, want := p.text("#paste-problem"), "huge.har is 67.1 MB, more than the 64 MiB corsplay reads."; got != want {
			t.Errorf("the refusal reads %q, want %q", got, want)
		}
	})
	for _, file := range []string{small, big} {
		t.Run(filepath.Base(file), func(t *testing.T) {
			p := open(t, browser, srv.URL+"/")
			p.waitVerdict("Allowed")
			p.eval(`new MutationObserver(() => { const n = document.querySelector("#paste-reading"); if (n) window.readingNote = n.textContent; })
				.observe(document.body, {subtree: true, childList: true})`)
			if _, err := chromedp.Run(p.ctx, chromedp.SetUploadFiles(chromedp.CSS("#paste-file"), []string{file})); err != nil {
				t.Fatal(err)
			}
			got := p.waitScenario("the HAR's scenario", func(s engine.Scenario) bool { return s.Request.URL == want.Scenario.Request.URL })
			if got.Page != want.Scenario.Page || got.Request.Method != want.Scenario.Request.Method {
				t.Errorf("the page imported %s %s from %s; the engine reads %s %s from %s", got.Request.Method, got.Request.URL, got.Page,
					want.Scenario.Request.Method, want.Scenario.Request.URL, want.Scenario.Page)
			}
			p.waitJS(`!!document.querySelector("#imported")`, "the import's questions")
			// A file this big shows a note before the import holds the page.
			note := evalAs[string](p, `window.readingNote || ""`)
			if wantNote := file == big; wantNote != strings.HasPrefix(note, "Reading big.har (") {
				t.Errorf("the note while reading %s was %q", filepath.Base(file), note)
			}
		})
	}
}

// The ways in and an import's questions at 320, 375, 768 and 1280 px,
// light and dark: nothing sticks out, axe-core finds nothing serious, and
// a screenshot for a person to look at.
func TestWaysInLayout(t *testing.T) {
	srv := newServer(t)
	p := open(t, newBrowser(t), srv.URL+"/")
	p.waitVerdict("Allowed")
	if err := os.MkdirAll("test-output", 0o755); err != nil {
		t.Fatal(err)
	}
	shot := func(name, sel string) {
		t.Helper()
		if over := evalAs[string](p, `(() => {
			const box = document.querySelector(`+jsString(sel)+`), edge = box.getBoundingClientRect().right;
			return [...box.querySelectorAll("*")].filter(e => e.getBoundingClientRect().right > edge + 1)
				.slice(0, 5).map(e => e.tagName.toLowerCase() + "#" + e.id + "." + e.className).join(", ");
		})()`); over != "" {
			t.Errorf("%s: this sticks out of %s: %s", name, sel, over)
		}
		if w := evalAs[float64](p, `document.documentElement.scrollWidth - document.documentElement.clientWidth`); w > 0 {
			t.Errorf("%s: the page scrolls sideways by %v px", name, w)
		}
		p.checkAxe(name)
		png, err := chromedp.Run(p.ctx, chromedp.Screenshot(chromedp.CSS(sel)))
		if err != nil {
			t.Fatalf("%s: screenshot: %v", name, err)
		}
		if err := os.WriteFile(filepath.Join("test-output", name+".png"), png, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	for _, width := range []int64{320, 375, 768, 1280} {
		for _, scheme := range []string{"light", "dark"} {
			p.emulate(width, 900, scheme)
			shot(fmt.Sprintf("ways-in-%d-%s", width, scheme), "#ways-in")
		}
	}
	p.paste("Cross-Origin Request Blocked: The Same Origin Policy disallows reading the remote resource at https://api.example.com/items. (Reason: CORS header ‘Access-Control-Allow-Origin’ missing). Status code: 200.")
	p.waitJS(`!!document.querySelector("#imported")`, "the import's questions")
	for _, width := range []int64{320, 375, 768, 1280} {
		for _, scheme := range []string{"light", "dark"} {
			p.emulate(width, 900, scheme)
			shot(fmt.Sprintf("imported-%d-%s", width, scheme), "#imported")
		}
	}
}
