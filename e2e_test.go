//go:build !wasm

package main

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"
	"os"
	"os/exec"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/chromedp/cdproto/emulation"
	cdppage "github.com/chromedp/cdproto/page"
	"github.com/chromedp/cdproto/runtime"
	"github.com/chromedp/chromedp"
	"github.com/chromedp/chromedp/kb"

	"corsplay/engine"
)

// The page's end-to-end tests: the real server, the real app.wasm, headless
// Chromium. They never skip; without Chromium they fail. The harness is
// here; the tests are split by concern into e2e_*_test.go.

const chromiumPath = "/usr/bin/chromium"

// TestMain builds web/app.wasm, which the page tests need, unless
// CORSPLAY_WASM_BUILT says `make wasm` just did. It builds with the flags
// of `make wasm` and removes the precompressed twins, which would be stale:
// the server would send Chromium the old app.wasm.br.
func TestMain(m *testing.M) {
	if os.Getenv("CORSPLAY_WASM_BUILT") == "" {
		// The same build as the page ships: make wasm (and its twins).
		if out, err := exec.Command("make", "wasm").CombinedOutput(); err != nil {
			os.Stderr.Write(out)
			fmt.Fprintln(os.Stderr, "make wasm:", err)
			os.Exit(1)
		}
	}
	os.Exit(m.Run())
}

// page is one browser tab on a fresh server. Every tab fails its test when
// the page opens a JavaScript dialog or throws an uncaught exception.
type page struct {
	t   *testing.T
	ctx context.Context
	url string
	// predict leaves a lesson's predictions to the test; otherwise they are
	// skipped on opening, for the verdict to show (skipPredictions).
	predict bool

	mu         sync.Mutex
	dialogs    []string // messages of the dialogs the page opened
	exceptions []string // uncaught exceptions
}

func newServer(t *testing.T) *httptest.Server {
	t.Helper()
	if staticRoot != "" {
		srv := httptest.NewServer(http.FileServer(http.Dir(staticRoot)))
		t.Cleanup(srv.Close)
		return srv
	}
	h, err := newHandler("web")
	if err != nil {
		t.Fatal(err)
	}
	srv := httptest.NewServer(h)
	t.Cleanup(srv.Close)
	return srv
}

// newBrowser starts headless Chromium with a fresh profile.
func newBrowser(t *testing.T) context.Context {
	t.Helper()
	if _, err := os.Stat(chromiumPath); err != nil {
		t.Fatalf("%s is missing: the page tests need it and never skip (apt-get install chromium; make test does it as root)", chromiumPath)
	}
	alloc, cancelAlloc := chromedp.NewExecAllocator(context.Background(),
		chromedp.ExecPath(chromiumPath), chromedp.Headless, chromedp.NoSandbox, chromedp.DisableGPU, chromedp.NoFirstRun,
		chromedp.Flag("disable-quic", true), chromedp.Flag("disable-background-networking", true),
		chromedp.Flag("disable-component-update", true), chromedp.Flag("disable-sync", true),
		// WebAssembly with V8's baseline compiler only: the same semantics,
		// a quarter less CPU per load of app.wasm (no optimizing compiles in
		// the background), so the suite fits its time on two cores. make
		// bench measures Chromium as shipped.
		chromedp.Flag("js-flags", "--liftoff-only"),
		// No omnibox popups: each window preloaded two (WebUI pages in a
		// renderer of their own), about as much CPU as the page's own load.
		chromedp.Flag("disable-features", "WebUIOmniboxPopup,WebUIOmniboxAimPopup"),
		chromedp.UserDataDir(t.TempDir()), chromedp.WindowSize(1280, 1000))
	ctx, cancel := chromedp.NewContext(alloc)
	t.Cleanup(func() { cancel(); cancelAlloc() })
	if err := chromedp.Do(ctx); err != nil {
		t.Fatal(err)
	}
	return ctx
}

// open loads url in a new tab of the browser and waits for the wasm app.
func open(t *testing.T, browser context.Context, url string) *page {
	t.Helper()
	p := newTab(t, browser)
	p.navigate(url)
	return p
}

// newTab opens a blank tab that watches for dialogs and exceptions; the
// test fails if any shows up. A dialog is dismissed, so that it cannot
// block the page.
func newTab(t *testing.T, browser context.Context) *page {
	t.Helper()
	ctx, cancel := chromedp.NewContext(browser)
	p := &page{t: t, ctx: ctx}
	err := chromedp.Listen(ctx, func(ev any) {
		switch ev := ev.(type) {
		case *cdppage.EventJavascriptDialogOpening:
			p.mu.Lock()
			p.dialogs = append(p.dialogs, fmt.Sprintf("%s(%q)", ev.Type, ev.Message))
			p.mu.Unlock()
			go chromedp.Call(ctx, cdppage.HandleJavaScriptDialog, cdppage.HandleJavaScriptDialogParams{})
		case *runtime.EventExceptionThrown:
			msg := ev.ExceptionDetails.Text
			if ex := ev.ExceptionDetails.Exception; ex != nil && ex.Description != "" {
				msg += " " + ex.Description
			}
			p.mu.Lock()
			p.exceptions = append(p.exceptions, msg)
			p.mu.Unlock()
		}
	})
	if err != nil {
		cancel()
		t.Fatalf("new tab: %v", err)
	}
	t.Cleanup(func() {
		cancel()
		p.mu.Lock()
		defer p.mu.Unlock()
		if len(p.dialogs) > 0 {
			t.Errorf("%s opened JavaScript dialogs: %s", p.url, strings.Join(p.dialogs, "; "))
		}
		if len(p.exceptions) > 0 {
			t.Errorf("%s threw uncaught exceptions: %s", p.url, strings.Join(p.exceptions, "; "))
		}
	})
	return p
}

// navigate loads url in the tab and waits for the wasm app.
func (p *page) navigate(url string) {
	p.t.Helper()
	p.url = url
	if len(p.url) > 120 {
		p.url = p.url[:120] + "…"
	}
	if err := chromedp.Do(p.ctx, chromedp.Navigate(url)); err != nil {
		p.t.Fatalf("open %s: %v", p.url, err)
	}
	// The setup and what is below it are mounted in the task after the
	// first screen's first paint, #rest-pending in their place until then
	// (app/startup.go).
	p.waitJS(`document.getElementById("app-wasm-loader") === null && !!document.querySelector("#verdict") && !document.querySelector("#rest-pending")`, "the app to start")
	p.skipPredictions()
}

// waitJS polls a JavaScript condition for up to 15 s, on a page that has
// caught up with the keystrokes typed (app/behind.go: the answer comes
// first, the rest of the page a frame later). On timeout it says what the
// page showed.
func (p *page) waitJS(cond, what string) {
	p.t.Helper()
	ctx, cancel := context.WithTimeout(p.ctx, 15*time.Second)
	defer cancel()
	cond = "(" + cond + `) && !document.querySelector('#main[aria-busy="true"]')`
	if _, err := chromedp.Run(ctx, chromedp.Poll[bool](cond, chromedp.WithPollingInterval(20*time.Millisecond))); err != nil {
		p.t.Fatalf("waiting for %s (%s): %v\nthe page shows: %s", what, cond, err, p.state())
	}
}

// state summarizes the page for failure messages.
func (p *page) state() string {
	v, err := chromedp.Run(p.ctx, chromedp.Evaluate[string](`(() => {
		const t = s => (document.querySelector(s)?.textContent ?? "(none)").trim();
		return "verdict " + JSON.stringify(t("#verdict-title")) + ", " + JSON.stringify(t("#exchange-title")) +
			", method " + JSON.stringify(document.querySelector("#method")?.value) + ", notice " + JSON.stringify(t("#link-notice")) +
			", problem " + JSON.stringify(t("#problem")) + ", console " + JSON.stringify(t("#console"));
	})()`))
	if err != nil {
		return "(unreadable: " + err.Error() + ")"
	}
	return v
}

// waitText waits until the trimmed text of sel is want.
func (p *page) waitText(sel, want string) {
	p.t.Helper()
	p.waitJS(`(document.querySelector(`+jsString(sel)+`)?.textContent ?? "").trim() === `+jsString(want), fmt.Sprintf("%s to read %q", sel, want))
}

// waitVerdict waits for the verdict banner's title.
func (p *page) waitVerdict(want string) {
	p.t.Helper()
	p.waitText("#verdict-title", want)
}

func (p *page) text(sel string) string {
	p.t.Helper()
	v, err := chromedp.Run(p.ctx, chromedp.Evaluate[string](`(document.querySelector(`+jsString(sel)+`)||{}).textContent||""`))
	if err != nil {
		p.t.Fatal(err)
	}
	return strings.TrimSpace(v)
}

// value reads the value of a form field.
func (p *page) value(sel string) string {
	p.t.Helper()
	return evalAs[string](p, `(() => { const s = `+jsString(sel)+`, e = document.querySelector(s); if (!e) throw new Error("no " + s + " on the page"); return e.value; })()`)
}

func (p *page) eval(js string) {
	p.t.Helper()
	if err := chromedp.Do(p.ctx, chromedp.Evaluate[chromedp.Void](js)); err != nil {
		p.t.Fatalf("%s: %v", js, err)
	}
}

// evalAs evaluates js (awaiting a promise) and decodes its value.
func evalAs[T any](p *page, js string) T {
	p.t.Helper()
	v, err := chromedp.Run(p.ctx, chromedp.Evaluate[T](js, chromedp.EvalAwaitPromise))
	if err != nil {
		short := js
		if len(short) > 200 {
			short = short[:200] + "…"
		}
		p.t.Fatalf("%s: %v", short, err)
	}
	return v
}

// waitFor polls get until equal(got, want), for up to 15 s, and fails
// the test with what and both values otherwise.
func waitFor[T any](p *page, what string, get func() T, want T, equal func(T, T) bool) {
	p.t.Helper()
	deadline := time.Now().Add(15 * time.Second)
	for {
		got := get()
		if equal(got, want) {
			return
		}
		if time.Now().After(deadline) {
			p.t.Fatalf("%s: got\n%+v\nwant\n%+v", what, got, want)
		}
		time.Sleep(30 * time.Millisecond)
	}
}

// waitScenario waits until the scenario in the address's fragment — what
// the app holds once every keystroke has reached it — satisfies ok.
func (p *page) waitScenario(what string, ok func(engine.Scenario) bool) engine.Scenario {
	p.t.Helper()
	deadline := time.Now().Add(15 * time.Second)
	for {
		hash := evalAs[string](p, `location.hash`)
		s, err := engine.DecodePermalink(hash)
		if err == nil && ok(s) {
			return s
		}
		if time.Now().After(deadline) {
			p.t.Fatalf("waiting for %s in the scenario: the fragment %q holds %+v (%v)\nthe page shows: %s", what, hash, s, err, p.state())
		}
		time.Sleep(20 * time.Millisecond)
	}
}

// typeInto replaces the value of an input as a user would, firing input
// events.
func (p *page) typeInto(sel, value string) {
	p.t.Helper()
	p.eval(`(() => { const e = document.querySelector(` + jsString(sel) + `); e.focus(); e.select(); })()`)
	if err := chromedp.Do(p.ctx, chromedp.KeyEvent(value)); err != nil {
		p.t.Fatalf("type %q into %s: %v", value, sel, err)
	}
}

// appendTo types text at the end of an input's value, as a user would.
func (p *page) appendTo(sel, text string) {
	p.t.Helper()
	p.eval(`document.querySelector(` + jsString(sel) + `).focus()`)
	if err := chromedp.Do(p.ctx, chromedp.KeyEvent(kb.End+text)); err != nil {
		p.t.Fatalf("type %q at the end of %s: %v", text, sel, err)
	}
}

// click clicks the element with the mouse, as a user would, after
// scrolling it into view.
func (p *page) click(sel string) {
	p.t.Helper()
	ctx, cancel := context.WithTimeout(p.ctx, 10*time.Second)
	defer cancel()
	if err := chromedp.Do(ctx, chromedp.Click(chromedp.CSS(sel))); err != nil {
		p.t.Fatalf("click %s: %v\nthe page shows: %s", sel, err, p.state())
	}
}

// press sends keys (runes of package kb for special keys) to the focused
// element.
func (p *page) press(keys string) {
	p.t.Helper()
	if err := chromedp.Do(p.ctx, chromedp.KeyEvent(keys)); err != nil {
		p.t.Fatalf("press %q: %v", keys, err)
	}
}

// choose sets a select's value and fires a change event, as picking an
// option does.
func (p *page) choose(sel, value string) {
	p.t.Helper()
	ok := evalAs[bool](p, `(() => {
		const s = document.querySelector(`+jsString(sel)+`), v = `+jsString(value)+`;
		if (!s || ![...s.options].some(o => o.value === v)) return false;
		s.focus(); s.value = v; s.dispatchEvent(new Event("change", {bubbles: true}));
		return true;
	})()`)
	if !ok {
		p.t.Fatalf("%s has no option %q", sel, value)
	}
}

// choosePreset picks a lesson in the menu as a user would: the select's
// value changes and it fires a change event.
func (p *page) choosePreset(title string) {
	p.t.Helper()
	p.choose("#preset", title)
	p.waitText("aside.lesson h2", title)
	p.skipPredictions()
}

// emulate sets the viewport and the colour scheme.
func (p *page) emulate(width, height int64, scheme string) {
	p.t.Helper()
	if err := chromedp.Do(p.ctx, chromedp.EmulateViewport(width, height)); err != nil {
		p.t.Fatalf("emulate a %dx%d viewport: %v", width, height, err)
	}
	_, err := chromedp.Call(p.ctx, emulation.SetEmulatedMedia, emulation.SetEmulatedMediaParams{
		Features: []*emulation.MediaFeature{{Name: "prefers-color-scheme", Value: scheme}},
	})
	if err != nil {
		p.t.Fatalf("emulate prefers-color-scheme: %s: %v", scheme, err)
	}
	p.waitJS(`window.innerWidth === `+fmt.Sprint(width)+` && matchMedia("(prefers-color-scheme: `+scheme+`)").matches`, fmt.Sprintf("a %d px %s viewport", width, scheme))
}

func jsString(s string) string {
	b, _ := json.Marshal(s)
	return string(b)
}

// verdictTitles are the banner titles the page shows for each verdict.
var verdictTitles = map[string]string{
	engine.Allowed: "Allowed",
	engine.Blocked: "Blocked by CORS",
	engine.Opaque:  "Opaque response (no-cors)",
	engine.Error:   "TypeError before sending",
}

func TestPageLoadsWithTheDefaultVerdict(t *testing.T) {
	srv := newServer(t)
	p := open(t, newBrowser(t), srv.URL+"/")
	if got := p.text("#verdict-title"); got != "Allowed" {
		t.Errorf("default verdict %q, want Allowed", got)
	}
	if got := p.text("#exchange-title"); !strings.HasPrefix(got, "The exchange") {
		t.Errorf("exchange title %q", got)
	}
	if got := p.text("#link-notice"); got != "" {
		t.Errorf("a plain address shows a link notice: %q", got)
	}
}

func TestEditingTheMethodChangesTheVerdict(t *testing.T) {
	srv := newServer(t)
	p := open(t, newBrowser(t), srv.URL+"/")
	p.typeInto("#method", "patch")
	p.waitScenario("method patch", func(s engine.Scenario) bool { return s.Request.Method == "patch" })
	p.waitVerdict("Blocked by CORS")
	if got := p.text("#console"); !strings.Contains(got, "Method patch is not allowed by Access-Control-Allow-Methods in preflight response.") {
		t.Errorf("console %q", got)
	}
	p.typeInto("#method", "DELETE")
	p.waitScenario("method DELETE", func(s engine.Scenario) bool { return s.Request.Method == "DELETE" })
	p.waitVerdict("Allowed")
}

// A request header the policy does not allow blocks the request; allowing
// it in the policy, or removing it, lets the request through again.
func TestEditingAHeaderChangesTheVerdict(t *testing.T) {
	srv := newServer(t)
	p := open(t, newBrowser(t), srv.URL+"/")
	p.waitVerdict("Allowed")
	const name, value = `input[aria-label="request header 2 name"]`, `input[aria-label="request header 2 value"]`

	p.click(`section[aria-labelledby="request-title"] button.add`)
	p.waitJS(`!!document.querySelector(`+jsString(name)+`)`, "a second header row")
	p.typeInto(name, "X-Trace-Id")
	p.typeInto(value, "abc123")
	p.waitScenario("the X-Trace-Id header", func(s engine.Scenario) bool {
		return len(s.Request.Headers) == 2 && s.Request.Headers[1] == engine.Header{Name: "X-Trace-Id", Value: "abc123"}
	})
	p.waitVerdict("Blocked by CORS")
	const why = "Request header field x-trace-id is not allowed by Access-Control-Allow-Headers in preflight response."
	if got := p.text("#console"); !strings.Contains(got, why) {
		t.Errorf("console %q, want it to contain %q", got, why)
	}
	if got := p.text(`section[aria-labelledby="request-title"] tbody tr:nth-child(2) .badge`); got != "needs preflight" {
		t.Errorf("the header's badge reads %q, want \"needs preflight\"", got)
	}

	p.appendTo("#policy-request-headers", ", X-Trace-Id")
	p.waitVerdict("Allowed")
	p.typeInto("#policy-request-headers", "Content-Type")
	p.waitScenario("the policy's headers back to Content-Type", func(s engine.Scenario) bool {
		return s.Server.Policy != nil && slices.Equal(s.Server.Policy.RequestHeaders, []string{"Content-Type"})
	})
	p.waitVerdict("Blocked by CORS")

	p.click(`button[aria-label="Remove request header X-Trace-Id"]`)
	p.waitVerdict("Allowed")
	if n := evalAs[int](p, `document.querySelectorAll('section[aria-labelledby="request-title"] tbody tr').length`); n != 1 {
		t.Errorf("%d header rows after removing the added one, want 1", n)
	}
}
