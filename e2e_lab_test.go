//go:build !wasm

package main

import (
	"net/http/httptest"
	"strings"
	"testing"

	"corsplay/presets"
)

// newServers starts the page and its live lab on two loopback origins.
func newServers(t *testing.T) (page, labOrigin string) {
	t.Helper()
	pageSrv := httptest.NewUnstartedServer(nil)
	labSrv := httptest.NewUnstartedServer(nil)
	page = "http://" + pageSrv.Listener.Addr().String()
	labOrigin = "http://" + labSrv.Listener.Addr().String()
	h, err := newHandler("web", withLab(labOrigin))
	if err != nil {
		t.Fatal(err)
	}
	pageSrv.Config.Handler = h
	labSrv.Config.Handler = newLab(labOptions{pageOrigins: []string{page}})
	pageSrv.Start()
	labSrv.Start()
	t.Cleanup(func() { pageSrv.Close(); labSrv.Close() })
	return page, labOrigin
}

// labRefuses are the presets the lab cannot enact yet, and why: it answers
// from an origin of its own, and never sends Location.
var labRefuses = map[string]string{
	"Same origin: no CORS at all":            "only enacts cross-origin requests",
	"Preflight answered with a 301 redirect": "the lab does not send Location",
}

// TestEveryPresetThroughTheLab runs each preset for real in Chromium
// against the lab: what the page's script saw and what the lab received
// must equal the engine's prediction.
func TestEveryPresetThroughTheLab(t *testing.T) {
	page, _ := newServers(t)
	p := open(t, newBrowser(t), page+"/")
	for _, s := range presets.All() {
		p.choosePreset(s.Title)
		p.waitJS(`!!document.querySelector("#lab-run") && !document.querySelector("#lab-result") && !document.querySelector("#lab-problem")`, "the lab button for "+s.Title)
		p.click("#lab-run")
		p.waitJS(`!!document.querySelector("#lab-result") || !!document.querySelector("#lab-problem")`, "the lab run of "+s.Title)
		problem := p.text("#lab-problem")
		if why, refused := labRefuses[s.Title]; refused || problem != "" {
			if !refused || !strings.Contains(problem, why) {
				t.Errorf("%s: the lab says %q, want it to run (or to refuse because %q)", s.Title, problem, why)
			}
			continue
		}
		if got := p.text("#lab-verdict"); !strings.HasPrefix(got, "Your browser agrees") {
			t.Errorf("%s: %s\n%s", s.Title, got, p.text("#lab-result"))
		}
	}
}

// TestLabOff: served without a lab, the page explains how to start one.
func TestLabOff(t *testing.T) {
	srv := newServer(t)
	p := open(t, newBrowser(t), srv.URL+"/")
	if got := p.text("#lab-off"); !strings.Contains(got, "make run") {
		t.Errorf("without a lab the page says %q", got)
	}
}
