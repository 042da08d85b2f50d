//go:build !wasm

package main

import (
	"context"
	"net/http/httptest"
	"os"
	"os/exec"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
)

// The page's end-to-end tests: the real server, the real app.wasm, headless
// Chromium. They never skip; without Chromium they fail.

const chromiumPath = "/usr/bin/chromium"

// TestMain builds web/app.wasm, which the page tests need, unless
// CORSPLAY_WASM_BUILT says `make` just did.
func TestMain(m *testing.M) {
	if os.Getenv("CORSPLAY_WASM_BUILT") == "" {
		cmd := exec.Command("go", "build", "-trimpath", "-ldflags=-s -w", "-o", "web/app.wasm", ".")
		cmd.Env = append(os.Environ(), "GOOS=js", "GOARCH=wasm")
		if out, err := cmd.CombinedOutput(); err != nil {
			os.Stderr.Write(out)
			os.Exit(1)
		}
	}
	os.Exit(m.Run())
}

// page is one browser tab on a fresh server.
type page struct {
	t   *testing.T
	ctx context.Context
	url string
}

func newServer(t *testing.T) *httptest.Server {
	t.Helper()
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
	ctx, cancel := chromedp.NewContext(browser)
	t.Cleanup(cancel)
	p := &page{t: t, ctx: ctx, url: url}
	if err := chromedp.Do(ctx, chromedp.Navigate(url)); err != nil {
		t.Fatalf("open %s: %v", url, err)
	}
	p.waitJS(`document.getElementById("app-wasm-loader") === null && !!document.querySelector("#verdict")`, "the app to start")
	return p
}

// waitJS polls a JavaScript condition for up to 15 s.
func (p *page) waitJS(cond, what string) {
	p.t.Helper()
	ctx, cancel := context.WithTimeout(p.ctx, 15*time.Second)
	defer cancel()
	if _, err := chromedp.Run(ctx, chromedp.Poll[bool](cond, chromedp.WithPollingInterval(20*time.Millisecond))); err != nil {
		p.t.Fatalf("waiting for %s (%s): %v", what, cond, err)
	}
}

func (p *page) text(sel string) string {
	p.t.Helper()
	v, err := chromedp.Run(p.ctx, chromedp.Evaluate[string](`(document.querySelector(`+jsString(sel)+`)||{}).textContent||""`))
	if err != nil {
		p.t.Fatal(err)
	}
	return strings.TrimSpace(v)
}

func (p *page) eval(js string) {
	p.t.Helper()
	if err := chromedp.Do(p.ctx, chromedp.Evaluate[chromedp.Void](js)); err != nil {
		p.t.Fatalf("%s: %v", js, err)
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

func jsString(s string) string {
	return "'" + strings.NewReplacer(`\`, `\\`, `'`, `\'`).Replace(s) + "'"
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
}

func TestEditingTheMethodChangesTheVerdict(t *testing.T) {
	srv := newServer(t)
	p := open(t, newBrowser(t), srv.URL+"/")
	p.typeInto("#method", "patch")
	p.waitJS(`document.querySelector("#verdict-title").textContent === "Blocked by CORS"`, "the verdict to turn blocked")
	if got := p.text("#console"); !strings.Contains(got, "Method patch is not allowed by Access-Control-Allow-Methods in preflight response.") {
		t.Errorf("console %q", got)
	}
	p.typeInto("#method", "DELETE")
	p.waitJS(`document.querySelector("#verdict-title").textContent === "Allowed"`, "the verdict to turn allowed again")
}
