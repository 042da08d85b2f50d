package difftest

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"os"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"corsplay/difftest/internal/webdriver"
	"corsplay/difftest/internal/wkinspector"
	"corsplay/engine"
)

// Debian's WebKitGTK (Safari's engine, GTK's network stack and cookie
// policy), the oracle of the safari profile: its MiniBrowser, driven by
// WebKitWebDriver, on a virtual X server.
const (
	miniBrowserPath     = "/usr/lib/x86_64-linux-gnu/webkit2gtk-4.1/MiniBrowser"
	webKitWebDriverPath = "/usr/bin/WebKitWebDriver"
	xvfbPath            = "/usr/bin/Xvfb"
)

// webkit is one MiniBrowser in automation mode (an ephemeral session with
// WebKit's defaults), driven over classic WebDriver, its console read
// through WebKit's remote inspector, which WebDriver does not give.
type webkit struct {
	ver       string
	session   *webdriver.Session
	inspector *wkinspector.Page
}

// requireWebKit fails, never skips, when the oracle is missing.
func requireWebKit(t *testing.T) {
	t.Helper()
	for _, p := range []string{miniBrowserPath, webKitWebDriverPath, xvfbPath} {
		if _, err := os.Stat(p); err != nil {
			t.Fatalf("%s is missing: WebKit is this suite's oracle and is never skipped. Install it with `apt-get install -y webkit2gtk-driver xvfb` (make test does so as root).", p)
		}
	}
}

// webkitTimeout bounds starting WebKit and each WebDriver command but a
// script; a script (all the repeated runs at once) gets webkitScriptTimeout.
const (
	webkitTimeout       = 30 * time.Second
	webkitScriptTimeout = 2 * time.Minute
)

func newWebKit(t *testing.T) *webkit {
	t.Helper()
	requireWebKit(t)
	display := startXvfb(t)

	// MiniBrowser serves its page's inspector over HTTP on the port it is
	// given, and listens for WebDriver on a port of its own choosing (its
	// other listening socket). An automation session is ephemeral: no
	// cookie, cache or storage on disk. (Under ~/.cache it keeps only
	// GStreamer's plugin registry and Mesa's shaders, whose reuse saves
	// 1-2 s a start.)
	inspector := freePort(t)
	mb := startProc(t, []string{
		"DISPLAY=" + display,
		"WEBKIT_INSPECTOR_HTTP_SERVER=127.0.0.1:" + strconv.Itoa(inspector),
	}, nil, miniBrowserPath, "--automation")
	// WebDriver may attach only once the inspector lists MiniBrowser's
	// page, the one the session will drive: attached earlier, the list
	// stays "No targets found".
	socket := inspectorSocket(t, mb, inspector)

	// WebKitWebDriver attaches to that browser instead of starting one.
	wdPort := freePort(t)
	wd := startProc(t, nil, nil, webKitWebDriverPath, "--port="+strconv.Itoa(wdPort), "--target=127.0.0.1:"+strconv.Itoa(automationPort(t, mb, inspector)))
	ctx, cancel := context.WithTimeout(context.Background(), webkitTimeout)
	defer cancel()
	base := "http://127.0.0.1:" + strconv.Itoa(wdPort)
	if err := webdriver.WaitReady(ctx, base); err != nil {
		wd.fail(t, "%v", err)
	}
	session, err := webdriver.NewSession(ctx, base, map[string]any{})
	if err != nil {
		wd.fail(t, "new session: %v", err)
	}
	if err := session.SetTimeouts(ctx, webkitScriptTimeout, webkitTimeout); err != nil {
		t.Fatal(err)
	}
	// The page answers its inspector once the session gave it a web
	// process; its console is on before the first navigation, so nothing
	// is missed.
	insp, err := wkinspector.Dial(socket)
	if err != nil {
		mb.fail(t, "%v", err)
	}
	t.Cleanup(func() { insp.Close() })
	if err := insp.WaitEnabled(ctx); err != nil {
		mb.fail(t, "%s: %v", socket, err)
	}
	// MiniBrowser reports the WebKitGTK library's version
	// (webkit_get_major_version…), what `MiniBrowser --version` prints.
	ver, _ := session.Capabilities["browserVersion"].(string)
	if ver == "" {
		t.Fatalf("new session: no browserVersion in %v", session.Capabilities)
	}
	return &webkit{ver: "WebKitGTK " + ver, session: session, inspector: insp}
}

// automationPort waits until MiniBrowser listens on the inspector's port
// and on one other, WebDriver's, and returns that one.
func automationPort(t *testing.T, mb *proc, inspector int) int {
	t.Helper()
	deadline := time.Now().Add(webkitTimeout)
	for {
		ports, err := listeningPorts(mb.cmd.Process.Pid)
		if err != nil {
			mb.fail(t, "its listening sockets: %v", err)
		}
		if slices.Contains(ports, inspector) && len(ports) == 2 {
			return slices.DeleteFunc(ports, func(p int) bool { return p == inspector })[0]
		}
		if time.Now().After(deadline) {
			mb.fail(t, "after %v, listening on %v, want the inspector's %d and one more", webkitTimeout, ports, inspector)
		}
		time.Sleep(20 * time.Millisecond)
	}
}

// inspectorSocket reads the inspector's list of pages until it holds one
// (MiniBrowser opens the session's page at start), and returns the
// WebSocket URL of that page's inspector.
func inspectorSocket(t *testing.T, mb *proc, inspector int) string {
	t.Helper()
	list := fmt.Sprintf("http://127.0.0.1:%d/", inspector)
	socket := regexp.MustCompile(`/socket/\d+/\d+/WebPage`)
	deadline := time.Now().Add(webkitTimeout)
	for {
		page, err := get(list)
		found := socket.FindAll(page, -1)
		switch {
		case len(found) == 1:
			return fmt.Sprintf("ws://127.0.0.1:%d%s", inspector, found[0])
		case len(found) > 1:
			mb.fail(t, "%s lists %d pages, want the session's only:\n%s", list, len(found), page)
		case time.Now().After(deadline):
			mb.fail(t, "%s lists no page after %v (%v):\n%s", list, webkitTimeout, err, page)
		}
		time.Sleep(20 * time.Millisecond)
	}
}

// get returns url's body; MiniBrowser may not listen yet.
func get(url string) ([]byte, error) {
	resp, err := http.Get(url)
	if err != nil {
		return nil, err
	}
	defer resp.Body.Close()
	return io.ReadAll(resp.Body)
}

func (w *webkit) engineName() string { return "WebKit" }
func (w *webkit) profile() string    { return "safari" }
func (w *webkit) version() string    { return w.ver }

func (w *webkit) navigate(t *testing.T, page string) {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), webkitTimeout)
	defer cancel()
	if err := w.session.Navigate(ctx, page); err != nil {
		t.Fatalf("navigate %s: %v", page, err)
	}
	// A navigation may bring a new page target, whose console must be on
	// before the page runs anything. (The page asks for no icon, whose
	// failed load WebKit would log a moment after the load.)
	if err := w.inspector.WaitEnabled(ctx); err != nil {
		t.Fatalf("navigate %s: %v", page, err)
	}
	if err := w.inspector.WaitIdle(ctx); err != nil {
		t.Fatalf("navigate %s: %v", page, err)
	}
}

// evalScript is Execute Async Script's body around an expression: the
// value comes back as JSON text, so that it decodes exactly as the page
// made it, and a throw or a rejection as its text.
const evalScript = `const done = arguments[arguments.length - 1];
(async () => (%s))().then(
  v => done({json: JSON.stringify(v === undefined ? null : v)}),
  e => done({error: String(e)}));`

func (w *webkit) eval(t *testing.T, expr string, out any) {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), webkitScriptTimeout+webkitTimeout)
	defer cancel()
	raw, err := w.session.ExecuteAsync(ctx, fmt.Sprintf(evalScript, expr))
	if err != nil {
		t.Fatalf("%.80s: %v (inspector: %v)", expr, err, w.inspector.Err())
	}
	var res struct {
		JSON  *string `json:"json"`
		Error string  `json:"error"`
	}
	if err := json.Unmarshal(raw, &res); err != nil || res.JSON == nil {
		t.Fatalf("%.80s: %s (%s)", expr, res.Error, raw)
	}
	if err := json.Unmarshal([]byte(*res.JSON), out); err != nil {
		t.Fatalf("%.80s: %v", expr, err)
	}
	// A response's body may still be loading, and may yet fail and log,
	// after fetch() resolved: return once it has ended, so that such a line
	// comes before whatever runs next, never among its lines.
	idle, cancelIdle := context.WithTimeout(context.Background(), webkitTimeout)
	defer cancelIdle()
	if err := w.inspector.WaitIdle(idle); err != nil {
		t.Fatalf("%.80s: %v", expr, err)
	}
}

func (w *webkit) console() []consoleLine {
	var out []consoleLine
	for _, m := range w.inspector.Messages() {
		out = append(out, consoleLine{Source: m.Source, Level: m.Level, Text: m.Text})
	}
	return out
}

// TestWebKitDriver proves the driver on a handful of scenarios with facts
// that hold whatever the engine predicts: what reached the wire, what
// script saw, and WebKit's own console texts (WebCore's
// CrossOriginAccessControl.cpp and DocumentThreadableLoader.cpp).
func TestWebKitDriver(t *testing.T) {
	w := newWire(t)
	wk := newWebKit(t)
	const page, api = "https://app.example.com", "https://api.example.com/r"
	raw := func(preflight, actual *engine.Response) engine.Server {
		return engine.Server{Raw: &engine.RawServer{Preflight: preflight, Actual: actual}}
	}
	repeatedPut := func(maxAge string) engine.Scenario {
		return engine.Scenario{Title: "PUT at 0 s and 1 s, Max-Age " + maxAge, Page: page,
			Request: engine.Request{URL: api, Method: "PUT", Repeat: []float64{0, 1}},
			Server: raw(resp(204, "Access-Control-Allow-Origin", page, "Access-Control-Allow-Methods", "PUT", "Access-Control-Max-Age", maxAge),
				resp(200, "Access-Control-Allow-Origin", page))}
	}
	scenarios := []engine.Scenario{
		{Title: "allowed GET, exposed header", Page: page, Request: engine.Request{URL: api},
			Server: raw(nil, resp(200, "Access-Control-Allow-Origin", page, "Access-Control-Expose-Headers", "X-Request-Id", "X-Request-Id", "7"))},
		{Title: "GET, no Access-Control-Allow-Origin", Page: page, Request: engine.Request{URL: api},
			Server: raw(nil, resp(200, "Content-Type", "text/plain"))},
		{Title: "PUT, preflight answered 404", Page: page, Request: engine.Request{URL: api, Method: "PUT"},
			Server: raw(nil, resp(200, "Access-Control-Allow-Origin", page))},
		{Title: "same-origin mode, cross-origin URL", Page: page, Request: engine.Request{URL: api, Mode: engine.ModeSameOrigin},
			Server: raw(nil, resp(200, "Access-Control-Allow-Origin", "*"))},
		repeatedPut("600"),
		repeatedPut("0"),
		{Title: "opaque origin, the page's origin allowed", Page: "null", Request: engine.Request{URL: api},
			Server: raw(nil, resp(200, "Access-Control-Allow-Origin", page))},
	}
	var runs []*run
	for i, s := range scenarios {
		s.V = engine.Version
		local := localize(s, i, w)
		w.register(i, local)
		runs = append(runs, &run{id: i, title: s.Title, local: local})
	}
	observe(t, wk, w, runs)
	checkWebKitAttribution(t, wk, w, runs)

	// blocked is what WebKit logs when its CORS check fails: the reason,
	// the Fetch API's line about the URL, and the failed load.
	blocked := func(r *run, reason string) []consoleLine {
		return []consoleLine{
			{Source: "security", Level: "error", Text: reason},
			{Source: "javascript", Level: "error", Text: "Fetch API cannot load " + r.local.Request.URL + " due to access control checks."},
			{Source: "network", Level: "error", Text: "Failed to load resource: " + reason},
		}
	}
	loadFailed := fetchResult{State: "rejected", Name: "TypeError", Message: "Load failed"}
	putOK := fetchResult{State: "resolved", Type: "cors", Status: 200, Headers: []string{}}
	want := []struct {
		wire  string // wireLog's
		sends []fetchResult
		lines []consoleLine
	}{
		{"GET", []fetchResult{{State: "resolved", Type: "cors", Status: 200, Headers: []string{"x-request-id"}}}, nil},
		{"GET", []fetchResult{loadFailed},
			blocked(runs[1], "Origin "+w.page+" is not allowed by Access-Control-Allow-Origin. Status code: 200")},
		{"OPTIONS(PUT)", []fetchResult{loadFailed},
			blocked(runs[2], "Preflight response is not successful. Status code: 404")},
		// Refused before anything is sent; WebKit gives no reason.
		{"", []fetchResult{loadFailed},
			[]consoleLine{{Source: "javascript", Level: "error", Text: "Fetch API cannot load " + runs[3].local.Request.URL + "."}}},
		// The preflight result is cached for the second send…
		{"OPTIONS(PUT) PUT PUT", []fetchResult{putOK, putOK}, nil},
		// …unless Max-Age says not to.
		{"OPTIONS(PUT) PUT OPTIONS(PUT) PUT", []fetchResult{putOK, putOK}, nil},
		{"GET", []fetchResult{loadFailed},
			blocked(runs[6], "Origin null is not allowed by Access-Control-Allow-Origin. Status code: 200")},
	}
	for i, r := range runs {
		recv := w.received(r.id)
		if got := wireLog(recv); got != want[i].wire {
			t.Errorf("%s: the wire received %q, want %q", r.title, got, want[i].wire)
		}
		if r.local.Page == "null" && len(recv) > 0 && recv[0].Header.Get("Origin") != "null" {
			t.Errorf("%s: sent Origin %q, want null", r.title, recv[0].Header.Get("Origin"))
		}
		got, _ := json.Marshal(r.got)
		if wantSends, _ := json.Marshal(want[i].sends); string(got) != string(wantSends) {
			t.Errorf("%s: script saw %s, want %s", r.title, got, wantSends)
		}
		if !slices.Equal(r.lines, want[i].lines) {
			t.Errorf("%s: console\n  %q\nwant\n  %q", r.title, r.lines, want[i].lines)
		}
	}

	// WebKit folds a message equal to the one before into a repeat count;
	// console() still gives each.
	var none any
	wk.eval(t, `(() => { for (let i = 0; i < 3; i++) console.log("corsplay-fold"); })()`, &none)
	n := 0
	for _, l := range quietConsole(wk) {
		if l == (consoleLine{Source: "console-api", Level: "log", Text: "corsplay-fold"}) {
			n++
		}
	}
	if n != 3 {
		t.Errorf("console() holds %d of the 3 console.log's of one line", n)
	}
	t.Logf("%s: %d scenarios", wk.version(), len(runs))
}

// TestWebKitAgrees runs the whole corpus through WebKit: every run's
// console lines are attributed to it, and every observable agrees with the
// safari profile. With CORSPLAY_OBSERVED=dir it writes what WebKit did to
// dir/webkit.json.
func TestWebKitAgrees(t *testing.T) {
	wk := newWebKit(t)
	agrees(t, wk, func(t *testing.T, w *wire, runs []*run) {
		checkWebKitAttribution(t, wk, w, runs)
	})
}

// wireLog is the requests received, in order, a preflight as
// OPTIONS(its Access-Control-Request-Method).
func wireLog(recv []received) string {
	var out []string
	for _, r := range recv {
		if r.Preflight {
			out = append(out, "OPTIONS("+r.Header.Get("Access-Control-Request-Method")+")")
		} else {
			out = append(out, r.Method)
		}
	}
	return strings.Join(out, " ")
}

// checkWebKitAttribution checks that linesOf gave each run WebKit's lines about
// it (checkOrder), that a run WebKit blocked holds its three lines (a
// repeated one, unmarked, at least the one that names its URL), and that
// no run holds a line naming another run's URL.
func checkWebKitAttribution(t *testing.T, wk *webkit, w *wire, runs []*run) {
	t.Helper()
	checkOrder(t, wk.inspector.Messages(), runs)
	for _, r := range runs {
		fetchLine := "Fetch API cannot load " + r.local.Request.URL + " due to access control checks."
		for _, l := range r.lines {
			if strings.Contains(l.Text, "/s/") && !strings.Contains(l.Text, r.marker()) {
				t.Errorf("%d %q: holds another run's line %q", r.id, r.title, l)
			}
		}
		if !slices.ContainsFunc(r.got, func(f fetchResult) bool { return f.Message == "Load failed" }) || len(w.received(r.id)) == 0 {
			continue // not blocked after sending
		}
		if len(r.local.Request.Repeat) > 0 {
			if !slices.Contains(r.lines, consoleLine{Source: "javascript", Level: "error", Text: fetchLine}) {
				t.Errorf("%d %q: repeated, blocked, its lines %q lack %q", r.id, r.title, r.lines, fetchLine)
			}
			continue
		}
		// After redirects the page's line names the last URL, and a
		// redirect checked in the network process logs before it.
		page := slices.IndexFunc(r.lines, func(l consoleLine) bool {
			return l.Source == "javascript" && strings.HasPrefix(l.Text, "Fetch API cannot load ") && strings.Contains(l.Text, r.marker()) && strings.HasSuffix(l.Text, " due to access control checks.")
		})
		if len(r.lines) != 3 || r.lines[0].Source != "security" || page < 1 ||
			!slices.Contains(r.lines, consoleLine{Source: "network", Level: "error", Text: "Failed to load resource: " + r.lines[0].Text}) {
			t.Errorf("%d %q: blocked, its lines are %q, want a security reason, %q and the failed load", r.id, r.title, r.lines, fetchLine)
		}
	}
}

// checkOrder checks where WebKit logged, with the url its messages carry
// beside the text: a "network" message between a run's markers is about
// that run's URL (not a late one of the run before, nor the page's own
// load), and nothing is logged between two runs on one page, where
// linesOf would lose it. (Between two pages come the repeated runs' lines
// and the next page's load.)
func checkOrder(t *testing.T, msgs []wkinspector.Message, runs []*run) {
	t.Helper()
	byID := map[int]*run{}
	for _, r := range runs {
		byID[r.id] = r
	}
	inside, after := -1, -1 // the run between whose markers we are; the one whose done marker came last
	var between []wkinspector.Message
	for _, m := range msgs {
		if id, ok := markerID(m.Text, runMarker); ok {
			if after >= 0 && (byID[after].local.Page == "null") == (byID[id].local.Page == "null") {
				checkStrays(t, byID[after], between)
			}
			inside, after, between = id, -1, nil
			continue
		}
		if id, ok := markerID(m.Text, doneMarker); ok {
			inside, after = -1, id
			continue
		}
		switch {
		case inside >= 0 && m.Source == "network" && !strings.Contains(m.URL, byID[inside].marker()):
			t.Errorf("%d %q: WebKit logged about %s between its markers: %q", inside, byID[inside].title, m.URL, m.Text)
		case after >= 0:
			between = append(between, m)
		}
	}
}

// checkStrays fails for messages logged after r's done marker, before the
// next run's: linesOf would lose them.
func checkStrays(t *testing.T, r *run, msgs []wkinspector.Message) {
	t.Helper()
	for _, m := range msgs {
		t.Errorf("%d %q: WebKit logged after its done marker, before the next run: %q (url %q)", r.id, r.title, m.Text, m.URL)
	}
}

// markerID reads the run id off a marker of the kind.
func markerID(text, marker string) (int, bool) {
	rest, ok := strings.CutPrefix(text, marker)
	if !ok {
		return 0, false
	}
	id, err := strconv.Atoi(rest)
	return id, err == nil
}
