package difftest

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"reflect"
	"regexp"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"corsplay/difftest/internal/bidi"
	"corsplay/difftest/internal/procgroup"
	"corsplay/engine"
)

// firefoxPath is Debian's Firefox ESR, the oracle of the firefox profile.
const firefoxPath = "/usr/bin/firefox-esr"

// firefoxPrefs is the fresh profile's user.js. It switches off what phones
// home (this machine's network is closed: the traffic would only fail and
// add noise; with these prefs a logging proxy saw no request in 75 s, a
// stock profile some 300) and nothing else: CORS, the HTTP cache and
// cookies keep Firefox's defaults (network.cookie.cookieBehavior stays 5,
// Total Cookie Protection), because those are what users get. The Remote
// Agent adds its own recommended prefs at startup; none is about CORS, the
// cache or cookies.
const firefoxPrefs = `// Updates (of Firefox, add-ons, system add-ons, search engines, media plugins).
user_pref("app.update.disabledForTesting", true);
user_pref("app.update.auto", false);
user_pref("app.update.checkInstallTime", false);
user_pref("extensions.update.enabled", false);
user_pref("extensions.systemAddon.update.enabled", false);
user_pref("extensions.getAddons.cache.enabled", false);
user_pref("browser.search.update", false);
user_pref("media.gmp-manager.updateEnabled", false);
// Telemetry and data reporting.
user_pref("toolkit.telemetry.enabled", false);
user_pref("toolkit.telemetry.unified", false);
user_pref("toolkit.telemetry.archive.enabled", false);
user_pref("toolkit.telemetry.server", "");
user_pref("toolkit.telemetry.shutdownPingSender.enabled", false);
user_pref("toolkit.telemetry.newProfilePing.enabled", false);
user_pref("toolkit.telemetry.firstShutdownPing.enabled", false);
user_pref("toolkit.telemetry.updatePing.enabled", false);
user_pref("toolkit.telemetry.bhrPing.enabled", false);
user_pref("toolkit.telemetry.reportingpolicy.firstRun", false);
user_pref("toolkit.coverage.opt-out", true);
user_pref("datareporting.healthreport.uploadEnabled", false);
user_pref("datareporting.policy.dataSubmissionEnabled", false);
user_pref("datareporting.usage.uploadEnabled", false);
user_pref("browser.newtabpage.activity-stream.telemetry", false);
// Normandy and Nimbus (studies and experiments; Nimbus stays on for Firefox
// Labs, which only an enterprise policy turns off: its Remote Settings
// sync reaches the dummy server below and fails).
user_pref("app.normandy.enabled", false);
user_pref("app.normandy.api_url", "");
user_pref("app.shield.optoutstudies.enabled", false);
user_pref("nimbus.rollouts.enabled", false);
// Captive portal and connectivity checks.
user_pref("network.captive-portal-service.enabled", false);
user_pref("network.connectivity-service.enabled", false);
user_pref("captivedetect.canonicalURL", "");
// Safe Browsing.
user_pref("browser.safebrowsing.malware.enabled", false);
user_pref("browser.safebrowsing.phishing.enabled", false);
user_pref("browser.safebrowsing.blockedURIs.enabled", false);
user_pref("browser.safebrowsing.downloads.enabled", false);
user_pref("browser.safebrowsing.downloads.remote.enabled", false);
user_pref("browser.safebrowsing.provider.google4.updateURL", "");
user_pref("browser.safebrowsing.provider.google.updateURL", "");
user_pref("browser.safebrowsing.provider.mozilla.updateURL", "");
// Remote Settings (honoured by release builds with MOZ_REMOTE_SETTINGS_DEVTOOLS=1).
user_pref("services.settings.server", "data:,#remote-settings-off/v1");
user_pref("security.remote_settings.crlite_filters.enabled", false);
user_pref("security.remote_settings.intermediates.enabled", false);
// DNS over HTTPS, off by choice.
user_pref("network.trr.mode", 5);
user_pref("doh-rollout.enabled", false);
// Speculative connections and prefetching.
user_pref("network.http.speculative-parallel-limit", 0);
user_pref("network.dns.disablePrefetch", true);
user_pref("network.prefetch-next", false);
user_pref("browser.urlbar.speculativeConnect.enabled", false);
user_pref("browser.places.speculativeConnect.enabled", false);
// The default browser check and first-run pages.
user_pref("browser.shell.checkDefaultBrowser", false);
user_pref("browser.startup.homepage_override.mstone", "ignore");
user_pref("startup.homepage_welcome_url", "about:blank");
user_pref("startup.homepage_welcome_url.additional", "");
user_pref("browser.aboutwelcome.enabled", false);
user_pref("datareporting.policy.firstRunURL", "");
user_pref("datareporting.policy.dataSubmissionPolicyBypassNotification", true);
user_pref("browser.startup.page", 0);
// Push and the new tab page's sponsored content.
user_pref("dom.push.connection.enabled", false);
user_pref("browser.newtabpage.enabled", false);
user_pref("browser.topsites.contile.enabled", false);
`

// firefox is one headless Firefox with a fresh profile, driven over
// WebDriver BiDi through its Remote Agent (no geckodriver): one tab, and
// every log.entryAdded entry (its own messages and console.log's) in order.
type firefox struct {
	bidi *bidi.Client
	tab  string // the tab's browsing context id
	ver  string

	mu       sync.Mutex
	lines    []consoleLine
	eventErr error // an entry that could not be read
}

// requireFirefox fails, never skips, when the oracle is missing, and
// returns its version ("Mozilla Firefox 153.8.0esr"; BiDi's browserVersion
// leaves out the "esr").
func requireFirefox(t *testing.T) string {
	t.Helper()
	if _, err := os.Stat(firefoxPath); err != nil {
		t.Fatalf("%s is missing: the browser is this suite's oracle and is never skipped. Install it with `apt-get install -y firefox-esr` (make test does so as root).", firefoxPath)
	}
	out, err := exec.Command(firefoxPath, "--version").CombinedOutput()
	if err != nil {
		t.Fatalf("%s --version: %v\n%s", firefoxPath, err, out)
	}
	return strings.TrimSpace(string(out))
}

// bidiAddress is what the Remote Agent prints on stderr once it listens.
var bidiAddress = regexp.MustCompile(`WebDriver BiDi listening on (ws://\S+)`)

// output keeps the start of what Firefox printed, for error messages.
type output struct {
	mu  sync.Mutex
	buf bytes.Buffer
}

func (o *output) add(line string) {
	o.mu.Lock()
	defer o.mu.Unlock()
	if o.buf.Len() < 64<<10 {
		o.buf.WriteString(line + "\n")
	}
}

func (o *output) String() string {
	o.mu.Lock()
	defer o.mu.Unlock()
	return o.buf.String()
}

func newFirefox(t *testing.T) *firefox {
	t.Helper()
	ver := requireFirefox(t)
	profile := t.TempDir()
	if err := os.WriteFile(filepath.Join(profile, "user.js"), []byte(firefoxPrefs), 0o644); err != nil {
		t.Fatal(err)
	}
	// x/net/websocket always sends an Origin, which the Remote Agent
	// refuses unless it is allowed.
	cmd := exec.Command(firefoxPath, "--headless", "--no-remote", "--profile", profile,
		"--remote-debugging-port=0", "--remote-allow-origins=http://127.0.0.1", "about:blank")
	// The Remote Settings server in firefoxPrefs holds only with
	// MOZ_REMOTE_SETTINGS_DEVTOOLS; a crash report would be sent.
	cmd.Env = append(os.Environ(), "MOZ_REMOTE_SETTINGS_DEVTOOLS=1", "MOZ_CRASHREPORTER_DISABLE=1")
	// Firefox's own pipe rather than one exec copies from: its helper
	// processes inherit it and may hold it after it has exited.
	pr, pw, err := os.Pipe()
	if err != nil {
		t.Fatal(err)
	}
	cmd.Stdout, cmd.Stderr = pw, pw
	g, err := procgroup.Start(cmd)
	pw.Close()
	if err != nil {
		pr.Close()
		t.Fatalf("start %s: %v", firefoxPath, err)
	}
	out := &output{}
	addr := make(chan string, 1)
	go func() {
		sc := bufio.NewScanner(pr)
		for sc.Scan() {
			out.add(sc.Text())
			if m := bidiAddress.FindStringSubmatch(sc.Text()); m != nil {
				select {
				case addr <- m[1]:
				default:
				}
			}
		}
	}()
	f := &firefox{ver: ver}
	t.Cleanup(func() {
		grace := 20 * time.Second
		if f.bidi == nil {
			grace = 0 // nobody can ask it to quit
		}
		if err := g.Stop(f.close, grace); err != nil {
			t.Errorf("%v\n%s", err, out)
		}
		pr.Close()
	})

	var ws string
	select {
	case ws = <-addr:
	case <-g.Exited():
		t.Fatalf("%s exited before its Remote Agent listened: %v\n%s", firefoxPath, g.Err(), out)
	case <-time.After(60 * time.Second):
		t.Fatalf("%s printed no BiDi address within 60 s:\n%s", firefoxPath, out)
	}
	c, err := bidi.Dial(ws+"/session", f.event)
	if err != nil {
		t.Fatalf("%v\n%s", err, out)
	}
	f.bidi = c
	f.call(t, "start a session", "session.new", map[string]any{"capabilities": map[string]any{}}, nil)
	f.call(t, "subscribe to the console", "session.subscribe", map[string]any{"events": []string{"log.entryAdded"}}, nil)
	var tree struct {
		Contexts []struct {
			Context string `json:"context"`
		} `json:"contexts"`
	}
	f.call(t, "find the tab", "browsingContext.getTree", map[string]any{"maxDepth": 0}, &tree)
	if len(tree.Contexts) != 1 {
		t.Fatalf("Firefox has %d tabs, want the one it opened with", len(tree.Contexts))
	}
	f.tab = tree.Contexts[0].Context
	return f
}

// close asks Firefox to quit (browser.close, which ends the session) and
// closes the connection. Should Firefox not quit, procgroup kills it.
func (f *firefox) close() {
	if f.bidi == nil {
		return
	}
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	f.bidi.Call(ctx, "browser.close", nil, nil)
	f.bidi.Close()
}

// call runs one BiDi command, to do what, within a minute (the longest
// eval waits for the corpus' repeated sends, a few seconds).
func (f *firefox) call(t *testing.T, what, method string, params, result any) {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	if err := f.bidi.Call(ctx, method, params, result); err != nil {
		t.Fatalf("Firefox: %s: %v", what, err)
	}
	f.mu.Lock()
	defer f.mu.Unlock()
	if f.eventErr != nil {
		t.Fatalf("Firefox: %v", f.eventErr)
	}
}

// event records log.entryAdded entries. Their type is "console" for the
// console API (console.log is level "info") and "javascript" for Firefox's
// own messages, CORS errors among them.
func (f *firefox) event(method string, params json.RawMessage) {
	if method != "log.entryAdded" {
		return
	}
	var e struct {
		Type  string `json:"type"`
		Level string `json:"level"`
		Text  string `json:"text"`
	}
	err := json.Unmarshal(params, &e)
	f.mu.Lock()
	defer f.mu.Unlock()
	if err != nil {
		f.eventErr = fmt.Errorf("log.entryAdded %.200s: %w", params, err)
		return
	}
	f.lines = append(f.lines, consoleLine{Source: e.Type, Level: e.Level, Text: e.Text})
}

func (f *firefox) engineName() string { return "Firefox" }
func (f *firefox) profile() string    { return "firefox" }
func (f *firefox) version() string    { return f.ver }

func (f *firefox) navigate(t *testing.T, url string) {
	t.Helper()
	f.call(t, "navigate to "+url, "browsingContext.navigate", map[string]any{"context": f.tab, "url": url, "wait": "complete"}, nil)
}

func (f *firefox) eval(t *testing.T, expr string, out any) {
	t.Helper()
	var res struct {
		Type   string `json:"type"` // success | exception
		Result struct {
			Type  string `json:"type"`
			Value string `json:"value"`
		} `json:"result"`
		ExceptionDetails struct {
			Text string `json:"text"`
		} `json:"exceptionDetails"`
	}
	// The value comes back as JSON text: BiDi's own serialization of
	// objects is a tree of typed remote values.
	what := fmt.Sprintf("evaluate %.80s", expr)
	f.call(t, what, "script.evaluate", map[string]any{
		"expression":   "(async () => JSON.stringify(await (" + expr + ")))()",
		"target":       map[string]any{"context": f.tab},
		"awaitPromise": true,
	}, &res)
	switch {
	case res.Type == "exception":
		t.Fatalf("Firefox: %s: %s", what, res.ExceptionDetails.Text)
	case res.Result.Type != "string":
		t.Fatalf("Firefox: %s: a %s, not a JSON value", what, res.Result.Type)
	}
	if err := json.Unmarshal([]byte(res.Result.Value), out); err != nil {
		t.Fatalf("Firefox: %s: %v", what, err)
	}
}

func (f *firefox) console() []consoleLine {
	f.mu.Lock()
	defer f.mu.Unlock()
	return append([]consoleLine(nil), f.lines...)
}

// Firefox's texts (dom/locales/en-US/chrome/security/security.properties
// and the fetch TypeError).
const firefoxNetworkError = "NetworkError when attempting to fetch resource."

// firefoxBlocked is Firefox's CORS console line about url for reason.
func firefoxBlocked(url, reason string) string {
	return "Cross-Origin Request Blocked: The Same Origin Policy disallows reading the remote resource at " + url + ". (Reason: " + reason + ")"
}

// TestFirefoxDriver proves the driver on a handful of scenarios, with
// facts that do not depend on the engine: what the wire received, what
// script saw, and Firefox's documented console lines.
func TestFirefoxDriver(t *testing.T) {
	w := newWire(t)
	f := newFirefox(t)
	if !strings.HasPrefix(f.version(), "Mozilla Firefox ") {
		t.Errorf("version %q, want Mozilla Firefox …", f.version())
	}
	const (
		exposed = iota
		noACAO
		preflight404
		sameOriginMode
		cached
		cachedIPLiteral
		uncached
		blockedRepeats
	)
	put := func(maxAge string) engine.Server {
		return engine.Server{Raw: &engine.RawServer{
			Preflight: resp(204, "Access-Control-Allow-Origin", "https://app.example.com", "Access-Control-Allow-Methods", "PUT", "Access-Control-Max-Age", maxAge),
			Actual:    resp(200, "Access-Control-Allow-Origin", "https://app.example.com"),
		}}
	}
	threeSends := []float64{0, 0.3, 0.6}
	scenarios := []engine.Scenario{
		exposed: {Title: "allowed GET, one header exposed", Request: engine.Request{URL: "https://api.example.com/r"},
			Server: engine.Server{Raw: &engine.RawServer{Actual: resp(200, "Access-Control-Allow-Origin", "https://app.example.com",
				"Access-Control-Expose-Headers", "X-Request-Id", "X-Request-Id", "7", "X-Hidden", "1")}}},
		noACAO: {Title: "GET without Access-Control-Allow-Origin", Request: engine.Request{URL: "https://api.example.com/r"},
			Server: engine.Server{Raw: &engine.RawServer{Actual: resp(200, "Content-Type", "text/plain")}}},
		preflight404: {Title: "PUT, preflight answered 404", Request: engine.Request{URL: "https://api.example.com/r", Method: "PUT"},
			Server: engine.Server{Raw: &engine.RawServer{}}},
		sameOriginMode: {Title: "same-origin mode, cross-origin URL", Request: engine.Request{URL: "https://api.example.com/r", Mode: engine.ModeSameOrigin}},
		cached: {Title: "PUT thrice to localhost, preflight cached for 600 s",
			Request: engine.Request{URL: "https://api.example.com/r", Method: "PUT", Repeat: threeSends}, Server: put("600")},
		cachedIPLiteral: {Title: "PUT thrice to 127.0.0.1, preflight cached for 600 s",
			Request: engine.Request{URL: "https://api.example.com/r", Method: "PUT", Repeat: threeSends}, Server: put("600")},
		uncached: {Title: "PUT thrice to localhost, preflight cached for 0 s",
			Request: engine.Request{URL: "https://api.example.com/r", Method: "PUT", Repeat: threeSends}, Server: put("0")},
		blockedRepeats: {Title: "GET without Access-Control-Allow-Origin, twice", Request: engine.Request{URL: "https://api.example.com/r", Repeat: []float64{0, 0.3}},
			Server: engine.Server{Raw: &engine.RawServer{Actual: resp(200)}}},
	}
	runs := make([]*run, len(scenarios))
	for id, s := range scenarios {
		s.V, s.Page = engine.Version, "https://app.example.com"
		local := localize(s, id, w)
		switch id {
		case cached, uncached:
			local.Request.URL = withHost(t, local.Request.URL, "localhost") // see cachedIPLiteral
		case cachedIPLiteral:
			local.Request.URL = withHost(t, local.Request.URL, "127.0.0.1")
		}
		w.register(id, local)
		runs[id] = &run{id: id, title: s.Title, local: local}
	}
	observe(t, f, w, runs)
	checkFirefoxAttribution(t, f.console(), runs)

	urlOf := func(id int) string { return runs[id].local.Request.URL }
	sent := func(id int) string {
		var out []string
		for _, r := range w.received(id) {
			m := r.Method
			if r.Preflight {
				m += "(" + r.Header.Get("Access-Control-Request-Method") + ")"
			}
			out = append(out, m)
		}
		return strings.Join(out, " ")
	}
	networkError := fetchResult{State: "rejected", Name: "TypeError", Message: firefoxNetworkError}
	ok := fetchResult{State: "resolved", Type: "cors", Status: 200, Headers: []string{}}
	for _, c := range []struct {
		id    int
		sent  string        // the wire's requests, a preflight's with its Access-Control-Request-Method
		or    string        // another sequence Firefox may send, timing permitting ("": none)
		got   []fetchResult // what script saw, send by send
		lines []string      // Firefox's console lines about the run, in any order
	}{
		{exposed, "GET", "", []fetchResult{{State: "resolved", Type: "cors", Status: 200, Headers: []string{"x-request-id"}}}, nil},
		{noACAO, "GET", "", []fetchResult{networkError}, []string{
			firefoxBlocked(urlOf(noACAO), "CORS header ‘Access-Control-Allow-Origin’ missing") + ". Status code: 200.",
		}},
		// The preflight's missing header is reported before its status.
		{preflight404, "OPTIONS(PUT)", "", []fetchResult{networkError}, []string{
			firefoxBlocked(urlOf(preflight404), "CORS header ‘Access-Control-Allow-Origin’ missing") + ". Status code: 404.",
			firefoxBlocked(urlOf(preflight404), "CORS request did not succeed") + ". Status code: (null).",
		}},
		// Not a CORS message: nothing was sent.
		{sameOriginMode, "", "", []fetchResult{networkError}, []string{
			"Security Error: Content at " + w.page + "/page may not load data from " + urlOf(sameOriginMode) + ".",
		}},
		{cached, "OPTIONS(PUT) PUT PUT PUT", "", []fetchResult{ok, ok, ok}, nil},
		// Firefox drops a cached preflight when the DNS record of its host
		// was updated after it was stored (CORSCacheEntry::CheckDNSCache):
		// to an IP literal, the first preflight is dropped after the first
		// send; the second one holds, or, on a busy machine where the
		// record's update comes later, is dropped too.
		{cachedIPLiteral, "OPTIONS(PUT) PUT OPTIONS(PUT) PUT PUT", "OPTIONS(PUT) PUT OPTIONS(PUT) PUT OPTIONS(PUT) PUT", []fetchResult{ok, ok, ok}, nil},
		{uncached, "OPTIONS(PUT) PUT OPTIONS(PUT) PUT OPTIONS(PUT) PUT", "", []fetchResult{ok, ok, ok}, nil},
		// Unmarked (the repeats run side by side): tied to the run by URL.
		// Firefox logs the line once a send; linesOf keeps one of equal lines.
		{blockedRepeats, "GET GET", "", []fetchResult{networkError, networkError}, []string{
			firefoxBlocked(urlOf(blockedRepeats), "CORS header ‘Access-Control-Allow-Origin’ missing") + ". Status code: 200.",
		}},
	} {
		r := runs[c.id]
		if got := sent(c.id); got != c.sent && (c.or == "" || got != c.or) {
			t.Errorf("%s: the wire received %q, want %q", r.title, got, c.sent)
		}
		if !reflect.DeepEqual(r.got, c.got) {
			t.Errorf("%s: script saw %+v, want %+v", r.title, r.got, c.got)
		}
		var lines []string
		for _, l := range r.lines {
			if l.Source != "javascript" || l.Level != "error" {
				t.Errorf("%s: a %s %s line, want javascript error: %q", r.title, l.Source, l.Level, l.Text)
			}
			lines = append(lines, l.Text)
		}
		slices.Sort(lines)
		slices.Sort(c.lines)
		if !slices.Equal(lines, c.lines) {
			t.Errorf("%s: console\n  %s\nwant\n  %s", r.title, strings.Join(lines, "\n  "), strings.Join(c.lines, "\n  "))
		}
	}
}

// withHost is rawURL with its host (not its port) replaced by name: both
// loopback, one by name and one an IP literal.
func withHost(t *testing.T, rawURL, name string) string {
	t.Helper()
	u, err := url.Parse(rawURL)
	if err != nil {
		t.Fatal(err)
	}
	u.Host = name + ":" + u.Port()
	return u.String()
}

// TestFirefoxAgrees runs the whole corpus through Firefox: every run's
// console lines are attributed to it alone, every NetworkError comes with
// Firefox's reason, and every observable agrees with the firefox profile.
// With CORSPLAY_OBSERVED=dir it writes what Firefox did to
// dir/firefox.json.
func TestFirefoxAgrees(t *testing.T) {
	f := newFirefox(t)
	agrees(t, f, func(t *testing.T, w *wire, runs []*run) {
		checkFirefoxAttribution(t, f.console(), runs)
		for _, r := range runs {
			if want := max(1, len(r.local.Request.Repeat)); len(r.got) != want {
				t.Errorf("scenario %d %q: %d sends observed, want %d", r.id, r.title, len(r.got), want)
			}
			failed := slices.ContainsFunc(r.got, func(g fetchResult) bool { return g.Message == firefoxNetworkError })
			// A NetworkError always comes with Firefox's reason, naming the
			// URL, but for a redirect its redirect mode refuses, which
			// Firefox does not log.
			refused := r.local.Request.Redirect == engine.RedirectError || r.local.Request.Redirect == engine.RedirectManual
			if failed && !refused && !slices.ContainsFunc(r.lines, func(l consoleLine) bool {
				return l.Level == "error" && strings.Contains(l.Text, r.marker())
			}) {
				t.Errorf("scenario %d %q: a NetworkError with no console error naming %s; lines %q", r.id, r.title, r.local.Request.URL, r.lines)
			}
		}
	})
}

// checkFirefoxAttribution checks that linesOf gave every engine line of the
// console to the run it is about: a line naming a run's URL to that run
// alone (Firefox logs its CORS lines after the promise settled, past the
// done marker, so they are tied by URL), and a line naming none to some
// run (between its markers), so that nothing is lost.
func checkFirefoxAttribution(t *testing.T, console []consoleLine, runs []*run) {
	t.Helper()
	owners := map[consoleLine][]int{}
	for _, r := range runs {
		for _, l := range r.lines {
			owners[l] = append(owners[l], r.id)
		}
	}
	for _, l := range console {
		if isMarker(l) {
			continue
		}
		var named []int
		for _, r := range runs {
			if strings.Contains(l.Text, r.marker()) {
				named = append(named, r.id)
			}
		}
		switch got := owners[l]; {
		case len(named) == 0 && len(got) == 0:
			t.Errorf("a line names no run and is in no run's markers, so no run has it: %s %s %q", l.Source, l.Level, l.Text)
		case len(named) > 0 && !slices.Equal(got, named):
			t.Errorf("a line about run %v went to run %v: %q", named, got, l.Text)
		}
	}
}
