//go:build !wasm

package main

import (
	"bytes"
	"compress/flate"
	"encoding/base64"
	"slices"
	"strings"
	"testing"
	"time"

	"corsplay/engine"
)

// The address is the permalink: edits rewrite the #fragment, the fragment
// reopens the same scenario elsewhere, and no fragment can run script.

// After edits, the fragment holds them, without new history entries, and
// the same address in a fresh browser shows the same inputs and outcome.
func TestPermalinkRoundTrip(t *testing.T) {
	srv := newServer(t)
	p := open(t, newBrowser(t), srv.URL+"/")
	history := evalAs[int](p, `history.length`)

	p.appendTo("#page", ":8443")
	p.appendTo("#url", "?id=7")
	p.typeInto("#method", "PATCH")
	p.choose("#credentials", engine.CredentialsOmit)
	p.click(`section[aria-labelledby="request-title"] button.add`)
	p.waitJS(`!!document.querySelector('input[aria-label="request header 2 value"]')`, "a second header row")
	p.typeInto(`input[aria-label="request header 2 name"]`, "X-Trace-Id")
	p.typeInto(`input[aria-label="request header 2 value"]`, "abc123")
	p.typeInto("#policy-methods", "PUT, PATCH")
	wantHeaders := engine.Headers{{Name: "Content-Type", Value: "application/json"}, {Name: "X-Trace-Id", Value: "abc123"}}
	s := p.waitScenario("every edit", func(s engine.Scenario) bool {
		return s.Page == "https://app.example.com:8443" && s.Request.URL == "https://api.example.com/items/42?id=7" && s.Request.Method == "PATCH" &&
			s.Request.Credentials == engine.CredentialsOmit && slices.Equal(s.Request.Headers, wantHeaders) &&
			s.Server.Policy != nil && slices.Equal(s.Server.Policy.Methods, []string{"PUT", "PATCH"})
	})
	p.waitVerdict("Blocked by CORS")
	out := engine.Evaluate(s)
	if got, want := p.text("#verdict-title"), verdictTitles[out.Verdict]; got != want {
		t.Errorf("the page shows %q, the engine gives %q for the fragment's scenario", got, want)
	}
	if got := evalAs[int](p, `history.length`); got != history {
		t.Errorf("the edits added history entries: %d, was %d", got, history)
	}

	link := evalAs[string](p, `location.href`)
	q := open(t, newBrowser(t), link)
	for _, sel := range []string{"#page", "#url", "#method", "#credentials", "#policy-methods",
		`input[aria-label="request header 2 name"]`, `input[aria-label="request header 2 value"]`} {
		if got, want := q.value(sel), p.value(sel); got != want {
			t.Errorf("reopened, %s is %q, was %q", sel, got, want)
		}
	}
	for _, sel := range []string{"#verdict-title", "#verdict-summary", "#console", "#cors-error", "#fetch-code", "#exchange-title"} {
		if got, want := q.text(sel), p.text(sel); got != want {
			t.Errorf("reopened, %s reads %q, was %q", sel, got, want)
		}
	}
	if got := q.text("#console"); got != strings.TrimSpace(out.Console) || got == "" {
		t.Errorf("reopened, the console reads %q, the engine says %q", got, out.Console)
	}
	if got := q.text("#link-notice"); got != "" {
		t.Errorf("the permalink shows a notice: %q", got)
	}
}

// deflated is the base64url of the DEFLATE of data, as a permalink holds.
func deflated(data string) string {
	var b bytes.Buffer
	w, _ := flate.NewWriter(&b, flate.BestCompression)
	w.Write([]byte(data))
	w.Close()
	return base64.RawURLEncoding.EncodeToString(b.Bytes())
}

const pwn = `<img src=x onerror=window.pwned=1>`
const pwnScript = `<script>window.pwned=1</script>`

// injected reports what of a payload ran or reached the DOM as markup.
func (p *page) injected() string {
	p.t.Helper()
	return evalAs[string](p, `(() => {
		const bad = [];
		if (window.pwned !== undefined) bad.push("window.pwned = " + window.pwned);
		for (const e of document.querySelectorAll("script, img, iframe, object, embed, [onerror], [onload], [src^='javascript:' i], [href^='javascript:' i]"))
			if (/pwned|alert/.test(e.outerHTML)) bad.push(e.outerHTML.slice(0, 120));
		return bad.join("; ");
	})()`)
}

// No fragment runs script or adds markup. Broken links show the default
// scenario with a notice that says why; a valid link whose strings are
// markup shows them as text.
func TestHostileFragmentsExecuteNothing(t *testing.T) {
	srv := newServer(t)
	browser := newBrowser(t)
	broken := []struct{ name, frag, why string }{
		{"script in s1=", "s1=" + pwnScript, "not base64url"},
		{"img onerror", `<img src=x onerror="window.pwned=1">`, "not a corsplay link"},
		{"alert", `<svg onload=alert(1)>`, "not a corsplay link"},
		{"javascript: URL", "javascript:window.pwned=1", "not a corsplay link"},
		{"base64url of garbage", "s1=" + base64.RawURLEncoding.EncodeToString([]byte("\xff\xfegarbage, not DEFLATE at all")), "not compressed data"},
		{"deflated markup", "s1=" + deflated(pwnScript+pwn), "invalid JSON"},
		{"1 MB of A", "s1=" + strings.Repeat("A", 1<<20), "bytes long"},
		{"broken %-escape", "s1=%zz%", "not base64url"},
	}
	for _, c := range broken {
		t.Run(c.name, func(t *testing.T) {
			if _, err := engine.DecodePermalink(c.frag); err == nil {
				t.Fatalf("the engine opens %q", c.frag)
			}
			p := open(t, browser, srv.URL+"/#"+c.frag)
			p.waitJS(`!!document.querySelector("#link-notice")`, "the link notice")
			notice := p.text("#link-notice")
			if !strings.HasPrefix(notice, "This link could not be opened: ") || !strings.Contains(notice, c.why) ||
				!strings.HasSuffix(notice, "The default scenario is shown instead.") {
				t.Errorf("the notice reads %q, want it to say the link could not be opened because it is %s", notice, c.why)
			}
			if got := evalAs[string](p, `document.querySelector("#link-notice").getAttribute("role")`); got != "alert" {
				t.Errorf("the notice has role %q, want alert", got)
			}
			if got := p.text("#verdict-title"); got != "Allowed" {
				t.Errorf("the default scenario is not shown: verdict %q", got)
			}
			if got := p.value("#method"); got != "PUT" {
				t.Errorf("the default scenario is not shown: method %q", got)
			}
			// The app still works; meanwhile an injected image would have
			// failed to load and run its onerror.
			p.typeInto("#method", "patch")
			p.waitVerdict("Blocked by CORS")
			if bad := p.injected(); bad != "" {
				t.Errorf("the fragment ran or injected: %s", bad)
			}
		})
	}

	t.Run("valid link with markup in its strings", func(t *testing.T) {
		s := preset(t, "JSON POST needs a preflight")
		s.Title, s.Lesson = pwnScript, pwn+" "+pwnScript
		s.Request.URL = "https://api.example.com/search?q=" + pwnScript
		s.Request.Headers = append(s.Request.Headers, engine.Header{Name: "X-Note", Value: pwnScript + pwn})
		s.Server.Policy.Origins = append(s.Server.Policy.Origins, "re:"+pwn, "re:"+pwnScript)
		if _, err := engine.DecodePermalink(mustEncode(t, s)); err != nil {
			t.Fatalf("the hostile scenario should be a valid link: %v", err)
		}
		p := open(t, browser, permalink(t, srv.URL, s))
		p.waitText("aside.lesson h2", pwnScript)
		time.Sleep(200 * time.Millisecond) // time for an injected image to fail and run its onerror
		if got := p.text("aside.lesson p"); got != s.Lesson {
			t.Errorf("the lesson reads %q, want the markup as text %q", got, s.Lesson)
		}
		if got := p.value("#url"); got != s.Request.URL {
			t.Errorf("#url is %q, want %q", got, s.Request.URL)
		}
		if got := p.value(`input[aria-label="request header 2 value"]`); got != pwnScript+pwn {
			t.Errorf("the header value is %q, want %q", got, pwnScript+pwn)
		}
		if got := p.value("#policy-origins"); !strings.Contains(got, "re:"+pwn) || !strings.Contains(got, "re:"+pwnScript) {
			t.Errorf("the policy's origins read %q, want the markup as text", got)
		}
		if got, want := p.text("#verdict-title"), verdictTitles[engine.Evaluate(s).Verdict]; got != want {
			t.Errorf("verdict %q, want %q", got, want)
		}
		if got := p.text("#fetch-code"); !strings.Contains(got, pwnScript) {
			t.Errorf("the fetch() code does not show the header value as text: %q", got)
		}
		if got := p.text("#link-notice"); got != "" {
			t.Errorf("a valid link shows a notice: %q", got)
		}
		if bad := p.injected(); bad != "" {
			t.Errorf("the scenario's strings ran or injected: %s", bad)
		}
	})

	t.Run("invalid page origin made of markup", func(t *testing.T) {
		s := preset(t, "Simple cross-origin GET, allowed")
		s.Page = pwn
		frag := mustEncode(t, s)
		if _, err := engine.DecodePermalink(frag); err == nil {
			t.Fatalf("the engine accepts the page origin %q", pwn)
		}
		p := open(t, browser, srv.URL+"/#"+frag)
		p.waitJS(`!!document.querySelector("#problem")`, "the problem with the scenario")
		time.Sleep(200 * time.Millisecond) // time for an injected image to fail and run its onerror
		if got := p.value("#page"); got != pwn {
			t.Errorf("#page is %q, want the markup as text %q", got, pwn)
		}
		if got := p.text("#problem"); got == "" {
			t.Error("no problem is shown for the page origin")
		}
		if bad := p.injected(); bad != "" {
			t.Errorf("the page origin ran or injected: %s", bad)
		}
	})
}

func mustEncode(t *testing.T, s engine.Scenario) string {
	t.Helper()
	frag, err := engine.EncodePermalink(s)
	if err != nil {
		t.Fatal(err)
	}
	return frag
}
