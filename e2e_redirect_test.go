//go:build !wasm

package main

import (
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"

	"github.com/chromedp/chromedp"

	"corsplay/engine"
)

// Redirects: the exchange draws every request the browser sent, each to
// the server that answered it; the redirect mode is a select; the servers
// a redirect reaches are listed and kept in the link.

// redirectJSON is a GET that the API answers with a 302 to a login server
// elsewhere, which allows the origin the redirect tainted, null.
const redirectJSON = `{"v":1,"page":"https://app.example.com","request":{"url":"https://api.example.com/r"},
 "server":{"raw":{"actual":{"status":302,"headers":[["Location","https://login.example.com/sso"],["Access-Control-Allow-Origin","*"]]}}},
 "elsewhere":[{"url":"https://login.example.com/","server":{"raw":{"actual":{"status":200,"headers":[["Access-Control-Allow-Origin","null"]]}}}}]}`

// opaqueRedirectTitle is the verdict's title for redirect "manual".
const opaqueRedirectTitle = `Opaque redirect (redirect: "manual")`

func redirectScenario(t *testing.T) engine.Scenario {
	t.Helper()
	s, err := engine.DecodeOne([]byte(redirectJSON))
	if err != nil {
		t.Fatal(err)
	}
	return s
}

// diagramRow is a row of the exchange's diagram as the page shows it.
type diagramRow struct {
	ID    string // the li's
	Dir   string // where the arrow goes, in words
	Full  string // the arrow's title: its label in full
	Who   string // the server lane's name for a hop, "" for none
	Steps string // the titles of its numbered points, "|"-separated
}

func (p *page) diagramRows() []diagramRow {
	p.t.Helper()
	return evalAs[[]diagramRow](p, `[...document.querySelectorAll(".diagram .rows > li[id]")].map(li => ({
		ID: li.id, Dir: (li.querySelector(".dir")?.textContent ?? "").trim(), Full: li.querySelector(".arrow")?.title ?? "",
		Who: (li.querySelector(".who")?.textContent ?? "").trim(),
		Steps: [...li.querySelectorAll(".dot")].map(d => d.title.replace(/^Step \d+: /, "")).join("|"),
	}))`)
}

// sameScenario compares scenarios as their JSON.
func sameScenario(a, b engine.Scenario) bool {
	ja, _ := json.Marshal(a)
	jb, _ := json.Marshal(b)
	return string(ja) == string(jb)
}

// A redirect followed to a server elsewhere: the diagram has the request
// to the API, its 302 with the Location, the request to the login server
// with Origin: null and its 200, in order, the redirect's step on the 302;
// the verdict is Allowed. Picking redirect "manual" in the select makes it
// an opaque redirect, in the verdict and the fetch() code. The servers
// elsewhere are listed, and the link keeps them through the edit.
func TestRedirectHops(t *testing.T) {
	srv := newServer(t)
	b := newBrowser(t)
	s := redirectScenario(t)
	p := open(t, b, permalink(t, srv.URL, s))
	p.waitVerdict("Allowed")
	p.waitJS(`!!document.querySelector("#msg-hop-1-response")`, "the second hop's response")

	var hops []diagramRow
	for _, r := range p.diagramRows() {
		if strings.HasPrefix(r.ID, "msg-hop-") {
			hops = append(hops, r)
		}
	}
	want := []struct{ id, dir, full, who string }{
		{"msg-hop-0", "Browser → Server", "GET https://api.example.com/r", "Server"},
		{"msg-hop-0-response", "Server → Browser", "302 Found, 2 headers; Location: https://login.example.com/sso", ""},
		{"msg-hop-1", "Browser → login.example.com", "GET https://login.example.com/sso", "login.example.com"},
		{"msg-hop-1-response", "login.example.com → Browser", "200 OK, 1 header", ""},
	}
	if len(hops) != len(want) {
		t.Fatalf("the diagram's hops: %+v, want %d of them", hops, len(want))
	}
	for i, w := range want {
		if h := hops[i]; h.ID != w.id || h.Dir != w.dir || h.Full != w.full || h.Who != w.who {
			t.Errorf("hop row %d: %+v, want %+v", i, h, w)
		}
	}
	if got := hops[1].Steps; !strings.Contains(got, "Follow the redirect") {
		t.Errorf("the 302's row has the steps %q, want Follow the redirect among them", got)
	}
	for _, h := range append(hops[:1:1], hops[2:]...) {
		if strings.Contains(h.Steps, "Follow the redirect") {
			t.Errorf("Follow the redirect is on %s too", h.ID)
		}
	}
	// The second request carries the tainted origin.
	p.click("#msg-hop-1 .arrow")
	p.waitText("#step-where", "Browser → login.example.com: GET https://login.example.com/sso")
	if raw := p.text("#raw-http"); !strings.HasPrefix(raw, "GET /sso HTTP/1.1\nHost: login.example.com\n") || !strings.Contains(raw, "\nOrigin: null") {
		t.Errorf("the request to the login server reads:\n%s", raw)
	}
	// Its step, from the verdict's point of view: on the 302's row.
	p.eval(`[...document.querySelectorAll(".diagram .dot")].find(d => d.title.endsWith(": Follow the redirect")).click()`)
	p.waitJS(`document.querySelector("#step-explanation h3")?.textContent.endsWith("Follow the redirect")`, "the redirect's step")
	if got := evalAs[string](p, `document.querySelector(".diagram .row.current")?.id ?? ""`); got != "msg-hop-0-response" {
		t.Errorf("the redirect's step highlights %q, want the 302's row", got)
	}
	if got := p.text("#step-where"); got != "Server → Browser: 302 Found, 2 headers; Location: https://login.example.com/sso" {
		t.Errorf("the redirect's step is on %q", got)
	}
	if got := p.text("#elsewhere-0"); !strings.HasPrefix(got, "https://login.example.com/ (raw)") {
		t.Errorf("the server panel lists the login server as %q", got)
	}
	if got := p.waitScenario("the link's scenario", func(engine.Scenario) bool { return true }); !sameScenario(got, s) {
		t.Errorf("the page rewrote the link: %+v, want %+v", got, s)
	}

	// Redirect "manual": fetch() resolves with an opaque redirect.
	p.choose("#redirect", engine.RedirectManual)
	manual := p.waitScenario("redirect manual", func(got engine.Scenario) bool { return got.Request.Redirect == engine.RedirectManual })
	p.waitVerdict(opaqueRedirectTitle)
	s.Request.Redirect = engine.RedirectManual
	if !sameScenario(manual, s) {
		t.Errorf("after picking manual the link holds %+v, want %+v", manual, s)
	}
	if got := p.text("#fetch-code"); !strings.Contains(got, `redirect: "manual",`) || !strings.Contains(got, `"opaqueredirect"`) {
		t.Errorf("the fetch() code reads:\n%s", got)
	}
	if got := p.text("#msg-result"); got == "" || !strings.Contains(got, "opaque-redirect response") {
		t.Errorf("the result row reads %q", got)
	}
	if n := evalAs[int](p, `document.querySelectorAll(".diagram [id^=msg-hop-]").length`); n != 0 {
		t.Errorf("an unfollowed redirect draws %d hop rows, want the one request's", n)
	}
	if got := evalAs[string](p, `document.querySelector("#msg-actual-response .arrow").title`); got != "302 Found, 2 headers; Location: https://login.example.com/sso" {
		t.Errorf("the unfollowed 302 reads %q", got)
	}
	if got := p.text("#browser-chrome .badge"); got != "opaque redirect" {
		t.Errorf("Chrome's row in other browsers says %q", got)
	}

	// The edited link reopens the same, the servers elsewhere included.
	link := evalAs[string](p, `location.href`)
	q := open(t, b, link)
	q.waitVerdict(opaqueRedirectTitle)
	if got := q.value("#redirect"); got != engine.RedirectManual {
		t.Errorf("reopened, the redirect select reads %q", got)
	}
	if got := q.waitScenario("the reopened link", func(engine.Scenario) bool { return true }); !reflect.DeepEqual(got.Elsewhere, s.Elsewhere) {
		t.Errorf("reopened, the servers elsewhere are %+v, want %+v", got.Elsewhere, s.Elsewhere)
	}

	// Back to follow: the default, left out of the link.
	p.choose("#redirect", engine.RedirectFollow)
	p.waitVerdict("Allowed")
	s.Request.Redirect = ""
	if got := p.waitScenario("redirect follow", func(got engine.Scenario) bool { return got.Request.Redirect == "" }); !sameScenario(got, s) {
		t.Errorf("back to follow, the link holds %+v, want %+v", got, s)
	}
}

// From 320 px up the redirect's diagram lays out within the screen, its
// text unclipped and not overlapping, and the redirect select and the
// servers elsewhere fit; axe-core finds nothing serious; the screenshots
// at 375 and 1280 px go to test-output/ for a person to look at.
func TestRedirectLayout(t *testing.T) {
	srv := newServer(t)
	p := open(t, newBrowser(t), permalink(t, srv.URL, redirectScenario(t)))
	p.waitVerdict("Allowed")
	for _, width := range []int64{320, 375, 1280} {
		p.emulate(width, 900, "light")
		p.waitJS(`!!document.querySelector("#msg-hop-1-response")`, "the hops")
		if probs := p.diagramLayoutProblems(); len(probs) > 0 {
			t.Errorf("%d px:\n  %s", width, strings.Join(probs, "\n  "))
		}
		p.eval(`document.querySelector("#elsewhere-0 details").open = true`)
		// A select is cut when narrower than its chosen option's words,
		// its padding and its arrow (about 20 px), as TestFormsLayout has it.
		if cut := evalAs[bool](p, `(() => {
			const e = document.getElementById("redirect"), cs = getComputedStyle(e), ctx = document.createElement("canvas").getContext("2d");
			ctx.font = cs.font;
			return e.clientWidth < ctx.measureText(e.selectedOptions[0].text).width + parseFloat(cs.paddingLeft) + parseFloat(cs.paddingRight) + 20;
		})()`); cut {
			t.Errorf("%d px: the redirect select cuts its words", width)
		}
		if over := evalAs[string](p, `(() => { const w = document.documentElement.clientWidth;
			return [...document.querySelectorAll(".setup *")].filter(e => e.getBoundingClientRect().right > w + 1)
				.slice(0, 5).map(e => e.tagName.toLowerCase() + "#" + e.id + "." + e.className).join(" "); })()`); over != "" {
			t.Errorf("%d px: these stick out of the page: %s", width, over)
		}
		if width == 320 {
			continue
		}
		narrow := evalAs[bool](p, `getComputedStyle(document.querySelector("#msg-hop-1 .dir")).position === "static"`)
		whoShown := evalAs[bool](p, `document.querySelector("#msg-hop-1 .who").getClientRects().length > 0`)
		if narrow == whoShown {
			t.Errorf("%d px: the direction is shown %v and the server's name under the arrow %v: want one of them", width, narrow, whoShown)
		}
		p.checkAxe(fmt.Sprintf("redirect, %d px", width))
		png, err := chromedp.Run(p.ctx, chromedp.FullScreenshot(100))
		if err != nil {
			t.Fatal(err)
		}
		if err := os.MkdirAll("test-output", 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(filepath.Join("test-output", fmt.Sprintf("redirect-%d-light.png", width)), png, 0o644); err != nil {
			t.Fatal(err)
		}
		p.screenshot(filepath.Join("test-output", fmt.Sprintf("redirect-exchange-%d-light.png", width)), "section.exchange")
	}
}
