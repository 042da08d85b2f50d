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
	lb := newLab(labOptions{pageOrigins: []string{page}})
	h, err := newHandler("web", withLab(labOrigin, lb))
	if err != nil {
		t.Fatal(err)
	}
	pageSrv.Config.Handler = h
	labSrv.Config.Handler = lb
	pageSrv.Start()
	labSrv.Start()
	t.Cleanup(func() { pageSrv.Close(); labSrv.Close() })
	return page, labOrigin
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
		if problem := p.text("#lab-problem"); problem != "" {
			t.Errorf("%s: the lab refuses: %q", s.Title, problem)
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
