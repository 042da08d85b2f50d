// Package difftest proves the engine's chrome profile against real Chromium:
// every scenario's raw responses are served byte for byte from loopback, the
// page's script makes the fetch(), and what Chromium did is compared with
// what engine.Evaluate predicts.
package difftest

import (
	"encoding/json"
	"fmt"
	"net/http"
	"net/url"
	"slices"
	"strings"
	"testing"
	"time"

	"corsplay/engine"
)

// The suite must keep at least this many scenarios, of which this many
// with a policy server.
const (
	minScenarios       = 300
	minPolicyScenarios = 100
)

// run is one scenario in the suite.
type run struct {
	id    int
	title string
	local engine.Scenario // served and evaluated on loopback
	want  engine.Outcome
	got   []fetchResult // one per send
	lines []consoleLine // the engine's console messages about it
}

func (r *run) marker() string { return fmt.Sprintf("/s/%d/", r.id) }

func TestChromiumAgrees(t *testing.T) {
	agrees(t, newChromium(t), nil)
}

// agrees runs the corpus in d, on loopback, and checks that every
// observable agrees with the engine's prediction for d's profile. check,
// when not nil, looks at the runs first (a driver's own checks of its
// console attribution).
func agrees(t *testing.T, d driver, check func(*testing.T, *wire, []*run)) {
	t.Helper()
	corpus := loadCorpus(t)
	policies, redirects, layered := 0, 0, 0
	for _, s := range corpus {
		if s.Server.Policy != nil {
			policies++
		}
		if strings.HasPrefix(s.Title, "redirect: ") {
			redirects++
		}
		if len(s.Server.Layers) > 0 {
			layered++
		}
	}
	if len(corpus) < minScenarios || policies < minPolicyScenarios || redirects < minRedirectScenarios || layered < minLayerScenarios {
		t.Fatalf("the differential corpus has %d scenarios (%d with a policy, %d redirect chains, %d with layers), fewer than %d (%d, %d, %d)", len(corpus), policies, redirects, layered, minScenarios, minPolicyScenarios, minRedirectScenarios, minLayerScenarios)
	}
	w := newWire(t)
	runs := make([]*run, len(corpus))
	for i, s := range corpus {
		local := localize(s, i, w)
		local.Browser = d.profile()
		w.register(i, local)
		runs[i] = &run{id: i, title: s.Title, local: local, want: engine.Evaluate(local)}
	}
	start := time.Now()
	observe(t, d, w, runs)
	took := time.Since(start)
	if check != nil {
		check(t, w, runs)
	}
	dumpObservations(t, d, w, runs)

	failed := 0
	byVerdict := map[string]int{}
	preflights := 0
	for _, r := range runs {
		byVerdict[r.want.Verdict]++
		if r.want.Preflight != nil {
			preflights++
		}
		if diffs := compare(r, w.received(r.id), d); len(diffs) > 0 {
			failed++
			in, _ := json.Marshal(r.local)
			t.Errorf("scenario %d %q: engine and %s disagree:\n  %s\n  scenario: %s", r.id, r.title, d.engineName(), strings.Join(diffs, "\n  "), in)
		}
	}
	t.Logf("%s: %d scenarios in %v, %d agree; verdicts %v; %d with a preflight", d.version(), len(runs), took.Round(time.Millisecond), len(runs)-failed, byVerdict, preflights)
}

// verdictOf reads the verdict off what script saw.
func verdictOf(f fetchResult) string {
	return engine.ObservedVerdict(f.State == "resolved", f.Type, f.Message)
}

// compare lists every observable on which the engine and Chromium differ.
func compare(r *run, recv []received, d driver) []string {
	var diffs []string
	want := r.want
	got := r.got[0]
	differ := func(what string, engineSays, browser any) {
		diffs = append(diffs, fmt.Sprintf("%s: engine %q, %s %q", what, engineSays, d.engineName(), browser))
	}
	verdict := verdictOf(got)
	if verdict != want.Verdict {
		differ("verdict", want.Verdict, verdict+" ("+got.Message+")")
	}
	var preflight *received
	for i := range recv {
		if recv[i].Preflight {
			preflight = &recv[i]
			break
		}
	}
	if len(r.local.Request.Repeat) == 0 {
		diffs = append(diffs, compareHops(r, want.Hops, recv, d)...)
	}
	if verdict == engine.Allowed && want.Verdict == engine.Allowed {
		g := slices.Clone(got.Headers)
		slices.Sort(g)
		if !slices.Equal(g, want.ReadableHeaders) {
			differ("readable headers", strings.Join(want.ReadableHeaders, ","), strings.Join(g, ","))
		}
	}
	if got.State == "rejected" && got.Message != want.TypeError {
		differ("TypeError", want.TypeError, got.Message)
	}
	wantConsole := slices.Clone(want.ConsoleLines)
	if main := mainLine(r.lines); len(wantConsole) > 0 && sameHeaderError(want, main, preflight) {
		wantConsole[0].Text = main
	}
	gotLines, wantLines := linesText(r.lines), linesText(wantConsole)
	for i, l := range gotLines {
		// Firefox names the page's address, which the engine does not know:
		// it writes the origin and "/".
		gotLines[i] = strings.NewReplacer("Content at "+r.local.Page+"/page-null ", "Content at "+r.local.Page+"/ ", "Content at "+r.local.Page+"/page ", "Content at "+r.local.Page+"/ ",
			"frame with URL "+r.local.Page+"/page. ", "frame with URL "+r.local.Page+"/. ").Replace(l)
	}
	if !slices.Equal(gotLines, wantLines) {
		if len(r.local.Request.Repeat) == 0 || !slices.Equal(gotLines, namingURL(wantLines, r.marker())) {
			differ("console lines", strings.Join(wantLines, " | "), strings.Join(gotLines, " | "))
		}
	}
	if c, ok := d.(*chromium); ok && verdict == engine.Blocked {
		if got := c.corsErrorFor(r.marker()); got != want.CORSError {
			differ("CorsError", want.CORSError, got)
		}
	}
	if len(r.local.Request.Repeat) > 0 {
		diffs = append(diffs, compareSends(want, recv, d)...)
	}
	return diffs
}

// linesText writes console lines as "source/level: text".
func linesText(lines []engine.ConsoleLine) []string {
	var out []string
	for _, l := range lines {
		out = append(out, l.Source+"/"+l.Level+": "+l.Text)
	}
	return out
}

// namingURL keeps the lines that name the run's URL: all that a repeated
// run, which goes unmarked beside the others, can be tied to.
func namingURL(lines []string, marker string) []string {
	var out []string
	for _, l := range lines {
		if strings.Contains(l, marker) {
			out = append(out, l)
		}
	}
	return out
}

// sameHeaderError accepts Chromium naming another disallowed header than the
// engine: with several, Chromium reports the first in its header map's hash
// order, which the engine does not model (its step says so).
func sameHeaderError(want engine.Outcome, chromium string, preflight *received) bool {
	if want.CORSError != engine.ErrHeaderDisallowedByPreflight || preflight == nil || want.Preflight == nil || want.Preflight.Response == nil {
		return false
	}
	allowed, _ := want.Preflight.Response.Headers.Get("Access-Control-Allow-Headers")
	list, _ := engine.ExtractList(strings.ToLower(allowed))
	for n := range strings.SplitSeq(preflight.Header.Get("Access-Control-Request-Headers"), ",") {
		if slices.Contains(list, n) {
			continue
		}
		field := "Request header field "
		if i := strings.Index(want.Console, field); i >= 0 {
			end := strings.Index(want.Console[i+len(field):], " ")
			if end >= 0 && want.Console[:i+len(field)]+n+want.Console[i+len(field)+end:] == chromium {
				return true
			}
		}
	}
	return false
}

// compareHops checks every request on the wire, in order: its method,
// URL, whether it is a preflight, its Origin, and a preflight's
// Access-Control-Request-* or a request's author headers.
func compareHops(r *run, hops []engine.Hop, recv []received, d driver) []string {
	var diffs []string
	differ := func(i int, what string, engineSays, browser any) {
		diffs = append(diffs, fmt.Sprintf("hop %d %s: engine %q, %s %q", i, what, engineSays, d.engineName(), browser))
	}
	for i := 0; i < max(len(hops), len(recv)); i++ {
		switch {
		case i >= len(recv):
			differ(i, "sent", hops[i].Request.Method+" "+hops[i].Request.URL, "nothing")
			continue
		case i >= len(hops):
			differ(i, "sent", "nothing", recv[i].Method+" "+recv[i].URL)
			continue
		}
		want, got := hops[i], recv[i]
		if want.Request.Method != got.Method || want.Request.URL != got.URL || want.Preflight != got.Preflight {
			differ(i, "request", fmt.Sprintf("%s %s preflight=%v", want.Request.Method, want.Request.URL, want.Preflight), fmt.Sprintf("%s %s preflight=%v", got.Method, got.URL, got.Preflight))
			continue
		}
		if !want.Preflight {
			for _, x := range compareSentHeaders(r, want.Request, &recv[i], d) {
				diffs = append(diffs, fmt.Sprintf("hop %d %s", i, x))
			}
			continue
		}
		for _, name := range []string{"Origin", "Access-Control-Request-Method", "Access-Control-Request-Headers"} {
			v, _ := want.Request.Headers.Get(name)
			if g := got.Header.Get(name); g != v {
				differ(i, name, v, g)
			}
		}
	}
	return diffs
}

// compareSentHeaders checks the author headers and Origin on the wire: what
// the engine says is sent arrives with that value (same-name headers
// compared as their comma-join, as HTTP reads them), and what it says is
// dropped does not arrive with the script's value.
func compareSentHeaders(r *run, want engine.HTTPRequest, got *received, d driver) []string {
	var diffs []string
	seen := map[string]bool{}
	for _, h := range want.Headers {
		name := http.CanonicalHeaderKey(h.Name)
		if seen[name] || name == "Accept" && h.Value == "*/*" {
			continue
		}
		seen[name] = true
		value, _ := want.Headers.Get(name)
		if g := strings.Join(got.Header.Values(name), ", "); g != value {
			diffs = append(diffs, fmt.Sprintf("sent %s: engine %q, %s %q", name, value, d.engineName(), g))
		}
	}
	if _, ok := want.Headers.Get("Origin"); !ok && got.Header.Get("Origin") != "" {
		diffs = append(diffs, fmt.Sprintf("sent Origin: engine none, %s %q", d.engineName(), got.Header.Get("Origin")))
	}
	for _, h := range r.local.Request.Headers {
		if want.Headers.Has(h.Name) {
			continue
		}
		if g := got.Header.Get(h.Name); g == engine.NormalizeHeaderValue(h.Value) && g != "" {
			diffs = append(diffs, fmt.Sprintf("engine drops %s, %s sent it: %q", h.Name, d.engineName(), g))
		}
	}
	return diffs
}

// compareSends checks, send by send, whether a preflight went out.
func compareSends(want engine.Outcome, recv []received, d driver) []string {
	var diffs []string
	i := 0
	for k, s := range want.Sends {
		sent := false
		if i < len(recv) && recv[i].Preflight {
			sent = true
			i++
		}
		if i < len(recv) && !recv[i].Preflight {
			i++
		}
		if (s.Preflight == "sent") != sent {
			diffs = append(diffs, fmt.Sprintf("send %d at %gs: engine preflight %q, %s sent a preflight: %v", k, s.At, s.Preflight, d.engineName(), sent))
		}
	}
	return diffs
}

// localize moves a scenario onto the loopback origins with engine.Relocate
// (the page's origin becomes w.page, the URL's origin w.other, or w.page
// when they are the same, and the other origins it names w.more) and puts
// /s/ID in front of every path it names: the URL's, its servers
// elsewhere's and its redirects'.
func localize(s engine.Scenario, id int, w *wire) engine.Scenario {
	s = engine.Relocate(s, w.page, w.other, w.more...)
	prefix := fmt.Sprintf("/s/%d", id)
	s.Request.URL = prefixPath(s.Request.URL, prefix)
	for i := range s.Elsewhere {
		s.Elsewhere[i].URL = prefixPath(s.Elsewhere[i].URL, prefix)
	}
	for _, srv := range append([]engine.Server{s.Server}, elsewhereServers(s)...) {
		if srv.Raw == nil || srv.Raw.Actual == nil {
			continue
		}
		for i, h := range srv.Raw.Actual.Headers {
			if strings.EqualFold(h.Name, "Location") {
				srv.Raw.Actual.Headers[i].Value = prefixPath(h.Value, prefix)
			}
		}
	}
	return s
}

func elsewhereServers(s engine.Scenario) []engine.Server {
	var out []engine.Server
	for _, x := range s.Elsewhere {
		out = append(out, x.Server)
	}
	return out
}

// prefixPath puts prefix in front of the path of an absolute URL on
// loopback or of a path-absolute one (/x); other text is left as it is.
func prefixPath(raw, prefix string) string {
	if t := strings.TrimSpace(raw); t != raw {
		i := strings.Index(raw, t)
		return raw[:i] + prefixPath(t, prefix) + raw[i+len(t):]
	}
	u, err := url.Parse(raw)
	if err != nil || u.Opaque != "" || (u.IsAbs() || u.Host != "") && !isLoopback(u.Hostname()) || !u.IsAbs() && u.Host == "" && !strings.HasPrefix(raw, "/") {
		return raw
	}
	if u.Path == "" {
		u.Path = "/"
	}
	u.Path = prefix + u.Path
	if u.RawPath != "" {
		u.RawPath = prefix + u.RawPath
	}
	return u.String()
}

func isLoopback(host string) bool { return host == "127.0.0.1" || host == "localhost" }
