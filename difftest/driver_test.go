package difftest

import (
	"encoding/json"
	"fmt"
	"net/http"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"corsplay/engine"
)

// A driver runs the suite's page in one real browser engine, in one tab:
// Chromium over the DevTools protocol (chromium_test.go), Firefox over
// WebDriver BiDi, WebKit over WebDriver and its inspector.
type driver interface {
	// engineName is the engine as people say it ("Chromium"); profile is
	// the engine profile that predicts it ("chrome"); version is the exact
	// version the suite reports.
	engineName() string
	profile() string
	version() string
	// navigate opens url in the tab and waits until it has loaded.
	navigate(t *testing.T, url string)
	// eval runs a JavaScript expression in the tab, awaits it when it is a
	// promise, and decodes its JSON value into out.
	eval(t *testing.T, expr string, out any)
	// console is every message the tab logged so far, in order: the
	// engine's own (CORS errors, failed loads) and console.log's.
	console() []consoleLine
}

// consoleLine is one console message as the engine reports it: its source
// ("javascript", "network", "security", "console-api"…, in the engine's
// own words), its level ("error", "warning", "log"…) and its text. It is
// what the engine's profiles predict.
type consoleLine = engine.ConsoleLine

// The page script logs these around each fetch, so that the engine's own
// messages can be tied to the run that caused them.
const (
	runMarker  = "corsplay-run:"
	doneMarker = "corsplay-done:"
)

func isMarker(l consoleLine) bool {
	return strings.HasPrefix(l.Text, runMarker) || strings.HasPrefix(l.Text, doneMarker)
}

// observe runs every run's fetch in d: first the runs that send once, one
// after the other, then the repeated ones at once (their waits overlap),
// on the page with the wire's origin and then on the page with an opaque
// origin. It fills each run's got and, once the console is quiet, lines.
func observe(t *testing.T, d driver, w *wire, runs []*run) {
	t.Helper()
	for _, null := range []bool{false, true} {
		page := w.page + "/page"
		if null {
			page = w.page + "/page-null"
		}
		d.navigate(t, page)
		var repeats []*run
		for _, r := range runs {
			if (r.local.Page == "null") != null {
				continue
			}
			if len(r.local.Request.Repeat) > 0 {
				repeats = append(repeats, r)
				continue
			}
			req, _ := json.Marshal(toJS(r.local.Request))
			var res fetchResult
			d.eval(t, fmt.Sprintf("runOne(%s, %d)", req, r.id), &res)
			r.got = []fetchResult{res}
		}
		if len(repeats) > 0 {
			type job struct {
				ID    int       `json:"id"`
				Req   jsRequest `json:"req"`
				Times []float64 `json:"times"`
			}
			var jobs []job
			for _, r := range repeats {
				jobs = append(jobs, job{r.id, toJS(r.local.Request), r.local.Request.Repeat})
			}
			arg, _ := json.Marshal(jobs)
			var res [][]fetchResult
			d.eval(t, "runAllRepeats("+string(arg)+")", &res)
			for i, r := range repeats {
				r.got = res[i]
			}
		}
		// The same run ids on the next page: attribute this page's lines
		// now. An engine may log a failure a moment after the promise
		// settled, so wait until the console is quiet.
		lines := quietConsole(d)
		for _, r := range runs {
			if (r.local.Page == "null") == null {
				r.lines = linesOf(lines, r)
			}
		}
	}
}

// quietConsole waits until d has logged nothing new for 300 ms (at most
// 5 s) and returns the console.
func quietConsole(d driver) []consoleLine {
	lines := d.console()
	deadline := time.Now().Add(5 * time.Second)
	for time.Now().Before(deadline) {
		time.Sleep(300 * time.Millisecond)
		now := d.console()
		if len(now) == len(lines) {
			return now
		}
		lines = now
	}
	return lines
}

// linesOf returns the engine's messages about r: those between r's run and
// done markers (runs that send once go one at a time, marked), and any
// other that names r's URL (a repeated run's, which runs unmarked beside
// the others, or one logged after its promise settled).
func linesOf(all []consoleLine, r *run) []consoleLine {
	var out []consoleLine
	run, done := fmt.Sprintf("%s%d", runMarker, r.id), fmt.Sprintf("%s%d", doneMarker, r.id)
	inside := false
	for i, l := range all {
		switch {
		case l.Text == run:
			inside = true
		case l.Text == done || isMarker(l):
			inside = false
		case inside || strings.Contains(l.Text, r.marker()):
			if !slices.Contains(out, all[i]) {
				out = append(out, l)
			}
		}
	}
	return out
}

// observed is what an engine did with one scenario, as dumpObservations
// writes it: for building and checking an engine profile by hand.
type observed struct {
	ID       int             `json:"id"`
	Title    string          `json:"title"`
	Scenario engine.Scenario `json:"scenario"` // as served, on loopback
	Sends    []fetchResult   `json:"sends"`
	Lines    []consoleLine   `json:"lines"`
	Received []receivedJSON  `json:"received"`
}

// receivedJSON is one request the wire received, headers as sent.
type receivedJSON struct {
	Method    string      `json:"method"`
	URL       string      `json:"url"`
	Preflight bool        `json:"preflight"`
	Header    http.Header `json:"header"`
}

// dumpObservations writes what d did with every run to the file named by
// $CORSPLAY_OBSERVED/<engine>.json when that variable names a folder;
// nothing otherwise.
func dumpObservations(t *testing.T, d driver, w *wire, runs []*run) {
	t.Helper()
	dir := os.Getenv("CORSPLAY_OBSERVED")
	if dir == "" {
		return
	}
	var out []observed
	for _, r := range runs {
		o := observed{ID: r.id, Title: r.title, Scenario: r.local, Sends: r.got, Lines: r.lines}
		for _, rc := range w.received(r.id) {
			o.Received = append(o.Received, receivedJSON(rc))
		}
		out = append(out, o)
	}
	data, err := json.MarshalIndent(out, "", " ")
	if err != nil {
		t.Fatal(err)
	}
	name := filepath.Join(dir, strings.ToLower(d.engineName())+".json")
	if err := os.WriteFile(name, data, 0o644); err != nil {
		t.Fatal(err)
	}
	t.Logf("wrote %s", name)
}
