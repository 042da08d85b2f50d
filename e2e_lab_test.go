//go:build !wasm

package main

import (
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"
	"slices"
	"strings"
	"testing"

	"corsplay/engine"
	"corsplay/presets"
)

// labServers are the page and its live lab on loopback origins: the
// lab's own (the page's CORSPLAY_LAB) and its other origins, which
// redirects to other origins reach, each its own listener as serve runs
// them.
type labServers struct {
	page string
	labs []string
	lab  *lab
}

// newLabServers starts the page and its lab on 1 + labMore origins; wrap,
// when given, wraps the handler of the lab's origin i.
func newLabServers(t *testing.T, wrap func(i int, h http.Handler) http.Handler) labServers {
	t.Helper()
	pageSrv := httptest.NewUnstartedServer(nil)
	var labSrvs []*httptest.Server
	var s labServers
	s.page = "http://" + pageSrv.Listener.Addr().String()
	for range 1 + labMore {
		srv := httptest.NewUnstartedServer(nil)
		labSrvs = append(labSrvs, srv)
		s.labs = append(s.labs, "http://"+srv.Listener.Addr().String())
	}
	s.lab = newLab(labOptions{pageOrigins: []string{s.page}, origins: s.labs})
	h, err := newHandler("web", withLab(s.labs[0], s.lab), withLabMore(s.labs[1:]...))
	if err != nil {
		t.Fatal(err)
	}
	pageSrv.Config.Handler = h
	pageSrv.Start()
	t.Cleanup(pageSrv.Close)
	for i, srv := range labSrvs {
		srv.Config.Handler = s.lab.at(s.labs[i])
		if wrap != nil {
			srv.Config.Handler = wrap(i, srv.Config.Handler)
		}
		srv.Start()
		t.Cleanup(srv.Close)
	}
	return s
}

// newServers starts the page and its live lab; labOrigin is the lab's
// own origin.
func newServers(t *testing.T) (page, labOrigin string) {
	t.Helper()
	s := newLabServers(t, nil)
	return s.page, s.labs[0]
}

// runs is what the lab received, by run.
func (s labServers) runs() map[string][]received {
	st := s.lab.runs
	st.mu.Lock()
	defer st.mu.Unlock()
	out := map[string][]received{}
	for id, el := range st.byID {
		out[id] = slices.Clone(el.Value.(*runEntry).requests)
	}
	return out
}

// labRedirectScenario: the API answers GET /items with a 302 to another
// origin, whose server allows null, the Origin a browser sends after a
// redirect from one cross origin to another.
func labRedirectScenario() engine.Scenario {
	return engine.Scenario{V: 1, Title: "Redirected to the login origin", Page: "https://app.example.com",
		Request: engine.Request{URL: "https://api.example.com/items?x=1"},
		Server: engine.Server{Raw: &engine.RawServer{Actual: &engine.Response{Status: 302, Headers: engine.Headers{
			{Name: "Location", Value: "https://login.example.com/next"}, {Name: "Access-Control-Allow-Origin", Value: "https://app.example.com"}}}}},
		Elsewhere: []engine.Elsewhere{{URL: "https://login.example.com/", Server: engine.Server{Raw: &engine.RawServer{Actual: &engine.Response{Status: 200, Headers: engine.Headers{
			{Name: "Access-Control-Allow-Origin", Value: "null"}, {Name: "Content-Type", Value: "application/json"}}}}}}},
	}
}

// runInLab opens the scenario's permalink, runs it in the lab and returns
// the page and the one run the lab recorded.
func runInLab(t *testing.T, srv labServers, s engine.Scenario) (*page, []received) {
	t.Helper()
	p := open(t, newBrowser(t), srv.page+"/#"+mustEncode(t, s))
	p.waitJS(`!!document.querySelector("#lab-run") && !document.querySelector("#lab-result") && !document.querySelector("#lab-problem")`, "the lab button")
	p.click("#lab-run")
	p.waitJS(`!!document.querySelector("#lab-result") || !!document.querySelector("#lab-problem")`, "the lab run")
	if problem := p.text("#lab-problem"); problem != "" {
		t.Fatalf("the lab refuses: %q", problem)
	}
	runs := srv.runs()
	if len(runs) != 1 {
		t.Fatalf("%d runs recorded: %v", len(runs), runs)
	}
	for _, recs := range runs {
		return p, recs
	}
	return p, nil
}

// TestLabRedirectToAnotherOrigin: a 302 from the API to another origin,
// whose server allows null, runs for real in Chromium: the lab receives
// the request on its own origin with the page's Origin, then the
// redirected one on another of its origins with Origin: null, and the page
// says the browser agrees with the engine, hop by hop.
func TestLabRedirectToAnotherOrigin(t *testing.T) {
	srv := newLabServers(t, nil)
	p, recs := runInLab(t, srv, labRedirectScenario())
	var got []string
	for _, r := range recs {
		got = append(got, fmt.Sprintf("%s %s%s Origin=%s %d", r.Method, r.LabOrigin, r.Path, deref(r.Origin), r.Status))
	}
	want := []string{"GET " + srv.labs[0] + "/items?x=1 Origin=" + srv.page + " 302", "GET " + srv.labs[1] + "/next Origin=null 200"}
	if !slices.Equal(got, want) {
		t.Errorf("the lab received\n %q\nwant %q", got, want)
	}
	if got := p.text("#lab-verdict"); !strings.HasPrefix(got, "Your browser agrees") {
		t.Errorf("%s\n%s", got, p.text("#lab-result"))
	}
	if got := p.text("#lab-result"); !strings.Contains(got, "Verdict"+engine.Allowed+engine.Allowed) {
		t.Errorf("the result: %q", got)
	}
}

// TestLabRunsLibraries: a library's configuration moves onto the lab's
// origins with the scenario (here hono/cors's origin list; Relocate
// rewrites every library's strings alike: engine's TestRelocateLibraries),
// so that the lab's run of an allowed PUT is the user's: allowed, and the
// browser agrees.
func TestLabRunsLibraries(t *testing.T) {
	srv := newLabServers(t, nil)
	s := engine.Scenario{V: engine.Version, Page: "https://app.example.com",
		Request: engine.Request{URL: "https://api.example.com/items", Method: "PUT"},
		Server: engine.Server{Library: &engine.Library{Name: "hono-cors", Options: map[string]json.RawMessage{
			"origin": json.RawMessage(`["https://app.example.com"]`), "allowMethods": json.RawMessage(`["PUT"]`)}}}}
	if v := engine.Evaluate(s).Verdict; v != engine.Allowed {
		t.Fatalf("the scenario is %s", v)
	}
	p, _ := runInLab(t, srv, s)
	if got := p.text("#lab-verdict"); !strings.HasPrefix(got, "Your browser agrees") {
		t.Errorf("%s\n%s", got, p.text("#lab-result"))
	}
	if got := p.text("#lab-result"); !strings.Contains(got, "Verdict"+engine.Allowed+engine.Allowed) {
		t.Errorf("the result: %q", got)
	}
}

// TestLabReportsHopDisagreement: when what the lab received differs from
// the engine's hops (here the lab's second origin is made to lose the
// Origin header before the lab sees it), the page says the browser
// disagrees and names the request and the header.
func TestLabReportsHopDisagreement(t *testing.T) {
	srv := newLabServers(t, func(i int, h http.Handler) http.Handler {
		if i != 1 {
			return h
		}
		return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			r.Header.Del("Origin")
			h.ServeHTTP(w, r)
		})
	})
	p, _ := runInLab(t, srv, labRedirectScenario())
	if got := p.text("#lab-verdict"); !strings.HasPrefix(got, "Your browser disagrees") {
		t.Errorf("%s", got)
	}
	if got, want := p.text("#lab-diffs"), "request 2: predicted Origin null, the lab received none"; got != want {
		t.Errorf("the differences: %q, want %q", got, want)
	}
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
