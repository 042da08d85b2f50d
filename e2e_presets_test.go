//go:build !wasm

package main

import (
	"strings"
	"testing"

	"corsplay/engine"
	"corsplay/presets"
)

// The lessons menu and the fixes' Apply buttons.

// Every preset, picked in the lessons menu, shows its lesson and the
// verdict, console text and request the engine gives for it.
func TestEveryPresetShowsTheEnginesVerdict(t *testing.T) {
	srv := newServer(t)
	p := open(t, newBrowser(t), srv.URL+"/")
	all := presets.All()
	if len(all) == 0 {
		t.Fatal("no presets")
	}
	for _, s := range all {
		out := engine.Evaluate(s)
		p.choosePreset(s.Title)
		p.waitVerdict(verdictTitles[out.Verdict])
		if got := p.text("#lesson-text"); got != lessonText(s.Lesson) {
			t.Errorf("%q: the lesson reads %q, want %q", s.Title, got, s.Lesson)
		}
		if got := p.text("#console"); got != strings.TrimSpace(out.Console) {
			t.Errorf("%q: the console reads %q, want %q", s.Title, got, out.Console)
		}
		if got, want := p.value("#url"), s.Request.URL; got != want {
			t.Errorf("%q: #url is %q, want %q", s.Title, got, want)
		}
		if got, want := p.value("#page"), s.Page; got != want {
			t.Errorf("%q: #page is %q, want %q", s.Title, got, want)
		}
		if got, want := p.value("#preset"), s.Title; got != want {
			t.Errorf("%q: the lessons menu shows %q", s.Title, got)
		}
	}
}

// Apply on the first fix turns a blocked request into an allowed one: for a
// method the policy lacks, typed by hand, and for every blocked preset that
// has a fix.
func TestApplyingAFixUnblocks(t *testing.T) {
	srv := newServer(t)
	p := open(t, newBrowser(t), srv.URL+"/")

	p.typeInto("#method", "PATCH")
	p.waitScenario("method PATCH", func(s engine.Scenario) bool { return s.Request.Method == "PATCH" })
	p.waitVerdict("Blocked by CORS")
	p.click("#apply-fix-0")
	p.waitVerdict("Allowed")
	if got := p.value("#method"); got != "PATCH" {
		t.Errorf("the fix changed the method to %q; it should change the policy", got)
	}
	if got := p.value("#policy-methods"); !strings.Contains(got, "PATCH") {
		t.Errorf("after the fix the policy's methods are %q, want PATCH among them", got)
	}

	n := 0
	for _, s := range presets.All() {
		out := engine.Evaluate(s)
		if out.Verdict != engine.Blocked || len(out.Fixes) == 0 {
			continue
		}
		n++
		fixed := s.Clone()
		if fx := out.Fixes[0]; fx.Server != nil {
			fixed.Server = *fx.Server
		}
		if fx := out.Fixes[0]; fx.Request != nil {
			fixed.Request = *fx.Request
		}
		if v := engine.Evaluate(fixed).Verdict; v != engine.Allowed {
			t.Errorf("%q: the engine's first fix %q leaves the request %s", s.Title, out.Fixes[0].Title, v)
			continue
		}
		p.choosePreset(s.Title)
		p.waitVerdict("Blocked by CORS")
		if s.Challenge != nil {
			// The fixes wait while the learner takes the challenge.
			p.click("#leave-challenge")
			p.waitJS(`!!document.querySelector("#fixes-title")`, "the fixes, out of the challenge")
		}
		if got, want := p.text("#fixes-title ~ ol li:first-child strong"), out.Fixes[0].Title; got != want {
			t.Errorf("%q: the first fix reads %q, want %q", s.Title, got, want)
		}
		p.click("#apply-fix-0")
		p.waitVerdict("Allowed")
	}
	if n == 0 {
		t.Error("no blocked preset has a fix")
	}
}
