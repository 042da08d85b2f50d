//go:build !wasm

package main

import (
	"context"
	"net/http"
	"net/http/httptest"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/cdproto/target"
	"github.com/chromedp/chromedp"

	"corsplay/engine"
)

// TestEmbedView: /embed#s1=… shows the linked scenario read-only — its
// verdict, console text and steps — with a link that opens it in the
// playground, and no editors; a bad link shows the default scenario and
// says why.
func TestEmbedView(t *testing.T) {
	srv := newServer(t)
	s := preset(t, blockedPreset)
	frag := mustEncode(t, s)
	out := engine.Evaluate(s)
	p := open(t, newBrowser(t), srv.URL+"/embed#"+frag)

	p.waitText("#embed-title", s.Title)
	p.waitVerdict(verdictTitles[out.Verdict])
	if got := p.text("#console"); got != strings.TrimSpace(out.Console) {
		t.Errorf("the console reads %q, the engine says %q", got, out.Console)
	}
	if got, want := p.text("#exchange-title"), "of "+strconv.Itoa(len(out.Steps)); !strings.HasSuffix(got, want) {
		t.Errorf("the exchange reads %q, want %d steps", got, len(out.Steps))
	}
	last := len(out.Steps)
	p.click("#step-prev")
	p.waitJS(`document.querySelector("#exchange-title").textContent.includes("step `+strconv.Itoa(last-1)+` of")`, "the step before the last")
	if got := evalAs[string](p, `document.querySelector("#embed-open").getAttribute("href")`); got != "/#"+frag {
		t.Errorf("open in corsplay links to %q, want /#%s", got, frag)
	}
	if got := evalAs[string](p, `document.querySelector("#embed-open").target`); got != "_blank" {
		t.Errorf("open in corsplay opens in %q, want a new tab", got)
	}
	if n := evalAs[int](p, `document.querySelectorAll("input, textarea, select").length`); n != 0 {
		t.Errorf("the embed view has %d form fields; it is read-only", n)
	}
	p.checkAxe("embed view")

	q := open(t, newBrowser(t), srv.URL+"/embed#s1=%zz%")
	q.waitJS(`!!document.querySelector("#link-notice")`, "the link notice")
	q.waitVerdict("Allowed")
	if got := evalAs[string](q, `document.querySelector("#embed-open").getAttribute("href")`); got != "/" {
		t.Errorf("a bad link's embed opens %q, want the playground's default /", got)
	}
}

// TestCopyEmbedCode: the playground's *Copy embed code* gives an iframe of
// this very scenario's embed view.
func TestCopyEmbedCode(t *testing.T) {
	srv := newServer(t)
	s := preset(t, blockedPreset)
	frag := mustEncode(t, s)
	browser := newBrowser(t)
	p := open(t, browser, srv.URL+"/#"+frag)
	p.eval(`navigator.clipboard.writeText = text => { window.__copied = text; return Promise.resolve(); }`)
	p.click("#copy-embed")
	p.waitJS(`typeof window.__copied === "string"`, "the copied embed code")
	code := evalAs[string](p, `window.__copied`)
	want := `<iframe src="` + srv.URL + `/embed#` + frag + `" title="corsplay: `
	if !strings.HasPrefix(code, want) || !strings.HasSuffix(code, "></iframe>") {
		t.Fatalf("the embed code is %s, want it to start %s", code, want)
	}
	p.waitText("#copy-embed", "Embed code copied")
	q := open(t, browser, srv.URL+"/embed#"+frag)
	q.waitVerdict(verdictTitles[engine.Evaluate(s).Verdict])
}

// TestEmbedFramedByAnySite: a page of another site frames /embed and the
// playground; the embed runs in its iframe, the playground's frame is
// refused.
func TestEmbedFramedByAnySite(t *testing.T) {
	srv := newServer(t)
	frag := mustEncode(t, preset(t, blockedPreset))
	parent := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "text/html; charset=utf-8")
		w.Write([]byte(`<!doctype html><title>a blog post</title>
<iframe name="embed" src="` + srv.URL + `/embed#` + frag + `" width="800" height="600"></iframe>
<iframe name="playground" src="` + srv.URL + `/#` + frag + `" width="800" height="600"></iframe>`))
	}))
	t.Cleanup(parent.Close)
	// localhost and 127.0.0.1 are different sites.
	blog := strings.Replace(parent.URL, "127.0.0.1", "localhost", 1)

	browser := newBrowser(t)
	p := newTab(t, browser)
	if err := chromedp.Do(p.ctx, chromedp.Navigate(blog)); err != nil {
		t.Fatal(err)
	}
	embed := frameTarget(t, browser, srv.URL+"/embed")
	ctx, cancel := context.WithTimeout(embed, 20*time.Second)
	defer cancel()
	if _, err := chromedp.Run(ctx, chromedp.Poll[bool](`!!document.querySelector("#verdict-title") && document.getElementById("app-wasm-loader") === null`)); err != nil {
		t.Fatalf("the framed embed did not run: %v", err)
	}
	verdict, err := chromedp.Run(ctx, chromedp.Evaluate[string](`document.querySelector("#verdict-title").textContent`))
	if err != nil {
		t.Fatal(err)
	}
	if verdict != "Blocked by CORS" {
		t.Errorf("the framed embed shows %q", verdict)
	}
	// Chromium shows its error page in the refused frame.
	framed, err := chromedp.Run(frameTarget(t, browser, srv.URL+"/#"), chromedp.Evaluate[string](`location.href + " " + !!document.querySelector("#verdict")`))
	if err != nil {
		t.Fatal(err)
	}
	if framed != "chrome-error://chromewebdata/ false" {
		t.Errorf("the playground's frame on another site shows %q, want Chromium's error page", framed)
	}
}

// frameTarget waits for the out-of-process iframe whose URL starts with
// prefix and attaches to it.
func frameTarget(t *testing.T, browser context.Context, prefix string) context.Context {
	t.Helper()
	deadline := time.Now().Add(15 * time.Second)
	for time.Now().Before(deadline) {
		for _, info := range targets(t, browser) {
			if info.Type == "iframe" && strings.HasPrefix(info.URL, prefix) {
				ctx, cancel := chromedp.NewContext(browser, chromedp.WithTargetID(info.TargetID))
				t.Cleanup(cancel)
				return ctx
			}
		}
		time.Sleep(50 * time.Millisecond)
	}
	t.Fatalf("no frame of %s", prefix)
	return nil
}

func targets(t *testing.T, browser context.Context) []*target.Info {
	t.Helper()
	infos, err := chromedp.Targets(browser)
	if err != nil {
		t.Fatal(err)
	}
	return infos
}
