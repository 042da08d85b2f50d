//go:build !wasm

package main

import (
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/chromedp/cdproto/network"
	cdppage "github.com/chromedp/cdproto/page"
	"github.com/chromedp/chromedp"

	"corsplay/engine"
)

// The installable, offline playground: go-app's service worker caches the
// page, its files and app.wasm on the first visit (all local: a remote
// URL in the list would leave the cache empty), and a new deploy reaches
// those who have the old one because go-app's Version is a hash of web/.

// cached waits until the service worker controls the page and its cache
// holds the page and app.wasm, and returns the cache's name.
func (p *page) cached() string {
	p.t.Helper()
	const js = `(async () => {
		await navigator.serviceWorker.ready;
		if (!navigator.serviceWorker.controller) return "";
		for (const k of await caches.keys()) {
			const c = await caches.open(k);
			if (await c.match("/") && await c.match("/web/app.wasm") && await c.match("/app.js")) return k;
		}
		return "";
	})()`
	p.waitJS(`(window.__cached = window.__cached || `+js+`.then(k => window.__cachedName = k).finally(() => window.__cached = null)) && !!window.__cachedName`, "the service worker's cache")
	return evalAs[string](p, `window.__cachedName`)
}

// TestInstallable: Chromium finds nothing that keeps the page from being
// installed, and the manifest's icons are local PNGs of the sizes it says.
func TestInstallable(t *testing.T) {
	srv := newServer(t)
	p := open(t, newBrowser(t), srv.URL+"/")
	p.cached()
	errs, err := chromedp.Call(p.ctx, cdppage.GetInstallabilityErrors, struct{}{})
	if err != nil {
		t.Fatal(err)
	}
	for _, e := range errs.InstallabilityErrors {
		t.Errorf("Chromium: not installable: %s %v", e.ErrorID, e.ErrorArguments)
	}

	var m struct {
		Name      string
		ShortName string `json:"short_name"`
		StartURL  string `json:"start_url"`
		Display   string
		Icons     []struct{ Src, Type, Purpose, Sizes string }
	}
	if err := json.Unmarshal([]byte(httpGet(t, srv.URL+"/manifest.webmanifest")), &m); err != nil {
		t.Fatal(err)
	}
	if m.ShortName != "corsplay" || m.StartURL != "/" || m.Display != "standalone" {
		t.Errorf("manifest: %+v", m)
	}
	purposes := map[string]bool{}
	for _, icon := range m.Icons {
		purposes[icon.Purpose] = true
		if !strings.HasPrefix(icon.Src, "/web/") {
			t.Errorf("icon %s is not local", icon.Src)
		}
		if icon.Type != "image/png" {
			continue
		}
		w, h, err := pngSize([]byte(httpGet(t, srv.URL+icon.Src)))
		if got := strconv.Itoa(w) + "x" + strconv.Itoa(h); err != nil || got != icon.Sizes {
			t.Errorf("icon %s is %s (%v), the manifest says %s", icon.Src, got, err, icon.Sizes)
		}
	}
	if !purposes["maskable"] || !purposes[""] {
		t.Errorf("the manifest lacks a maskable or a plain icon: %v", purposes)
	}
}

// TestOfflineAfterOneVisit: after one visit, with the server gone and
// Chromium offline, a permalink opens and the playground works.
func TestOfflineAfterOneVisit(t *testing.T) {
	srv := newServer(t)
	p := open(t, newBrowser(t), srv.URL+"/")
	p.cached()
	srv.Close()
	offline := network.Conditions{Offline: true, DownloadThroughput: -1, UploadThroughput: -1}
	if _, err := chromedp.Call(p.ctx, network.Enable, network.EnableParams{}); err != nil {
		t.Fatal(err)
	}
	if _, err := chromedp.Call(p.ctx, network.EmulateNetworkConditionsByRule, network.EmulateNetworkConditionsByRuleParams{
		EmulateOfflineServiceWorker: new(true), MatchedNetworkConditions: []*network.Conditions{&offline}}); err != nil {
		t.Fatal(err)
	}
	if _, err := chromedp.Call(p.ctx, network.OverrideNetworkState, network.OverrideNetworkStateParams{Offline: true, DownloadThroughput: -1, UploadThroughput: -1}); err != nil {
		t.Fatal(err)
	}
	if evalAs[bool](p, `(async () => { try { await fetch("/nope", {cache: "no-store"}); return true } catch { return false } })()`) {
		t.Fatal("the network is still there")
	}

	s := preset(t, blockedPreset)
	p.navigate(srv.URL + "/#" + mustEncode(t, s))
	p.waitVerdict(verdictTitles[engine.Evaluate(s).Verdict])
	p.choosePreset("JSON POST needs a preflight")
	p.waitVerdict("Allowed")
	p.typeInto("#method", "patch")
	p.waitVerdict("Blocked by CORS")
	p.waitPublicSuffixCheck(srv.URL) // web/psl.js, kept by the service worker
}

// TestNewDeployReachesUsers: a browser that ran build A, served build B
// on the same address, runs B after two reloads (the first one installs
// B and offers to reload).
func TestNewDeployReachesUsers(t *testing.T) {
	webB := t.TempDir()
	for _, f := range []string{"app.css", "icon.svg", "icon-192.png", "icon-512.png", "icon-maskable-512.png", "lab.js", "link.js", "psl.js"} {
		copyFile(t, filepath.Join("web", f), filepath.Join(webB, f))
	}
	if out, err := exec.Command("make", "-s", "wasmbuild", "WASMOUT="+filepath.Join(webB, "app.wasm"), "BUILD=deploy-B").CombinedOutput(); err != nil {
		t.Fatalf("building B: %v\n%s", err, out)
	}
	a, err := newHandler("web")
	if err != nil {
		t.Fatal(err)
	}
	b, err := newHandler(webB)
	if err != nil {
		t.Fatal(err)
	}
	var current atomic.Value
	current.Store(a)
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		current.Load().(http.Handler).ServeHTTP(w, r)
	}))
	t.Cleanup(srv.Close)

	p := open(t, newBrowser(t), srv.URL+"/")
	buildA := p.text("#build")
	if buildA == "" || buildA == "Build deploy-B." {
		t.Fatalf("build A's footer reads %q", buildA)
	}
	cacheA := p.cached()

	current.Store(b)
	p.navigate(srv.URL + "/")
	p.waitJS(`!!document.querySelector("#app-update")`, "the offer to reload into the new version")
	p.click("#app-reload")
	p.waitReloaded(`document.getElementById("app-wasm-loader") === null && (document.querySelector("#build")?.textContent ?? "") === "Build deploy-B."`, "build B after the reload")
	if cacheB := p.cached(); cacheB == cacheA {
		t.Errorf("the new deploy kept the cache %s", cacheA)
	}
}

// waitReloaded polls cond across the page's own navigation, when an
// evaluation may fail for want of a document.
func (p *page) waitReloaded(cond, what string) {
	p.t.Helper()
	deadline := time.Now().Add(15 * time.Second)
	for {
		ok, err := chromedp.Run(p.ctx, chromedp.Evaluate[bool](cond))
		if err == nil && ok {
			return
		}
		if time.Now().After(deadline) {
			p.t.Fatalf("waiting for %s (%s): %v\nthe page shows: %s", what, cond, err, p.state())
		}
		time.Sleep(50 * time.Millisecond)
	}
}

func copyFile(t *testing.T, from, to string) {
	t.Helper()
	data, err := os.ReadFile(from)
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(to, data, 0o644); err != nil {
		t.Fatal(err)
	}
}
