package difftest

import (
	"context"
	"encoding/json"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"testing"

	"github.com/chromedp/cdproto/audits"
	"github.com/chromedp/cdproto/cdp"
	"github.com/chromedp/cdproto/log"
	"github.com/chromedp/cdproto/runtime"
	"github.com/chromedp/chromedp"
)

// chromiumPath is Debian's Chromium, the oracle of the chrome profile.
const chromiumPath = "/usr/bin/chromium"

// chromium is one headless Chromium with a fresh profile, driven over the
// DevTools protocol: its console (the Log domain's entries and
// console.log's calls, in the order they came) and its issues panel.
type chromium struct {
	ctx    context.Context
	ver    string
	mu     sync.Mutex
	lines  []consoleLine
	issues []*audits.CorsIssueDetails
}

// chromiumFlags are the flags this project runs Chromium with: the closed
// network here refuses anything but loopback, so background traffic is off.
func chromiumFlags(userDataDir string) []chromedp.ExecAllocatorOption {
	return []chromedp.ExecAllocatorOption{
		chromedp.ExecPath(chromiumPath),
		chromedp.Headless,
		chromedp.NoSandbox,
		chromedp.DisableGPU,
		chromedp.NoFirstRun,
		chromedp.Flag("disable-quic", true),
		chromedp.Flag("disable-background-networking", true),
		chromedp.Flag("disable-component-update", true),
		chromedp.Flag("disable-sync", true),
		chromedp.UserDataDir(userDataDir),
	}
}

// requireChromium fails, never skips, when the oracle is missing, and
// returns its version.
func requireChromium(t *testing.T) string {
	t.Helper()
	if _, err := os.Stat(chromiumPath); err != nil {
		t.Fatalf("%s is missing: the browser is this suite's oracle and is never skipped. Install it with `apt-get install -y chromium` (make test does so as root).", chromiumPath)
	}
	out, err := exec.Command(chromiumPath, "--version").CombinedOutput()
	if err != nil {
		t.Fatalf("%s --version: %v\n%s", chromiumPath, err, out)
	}
	return strings.TrimSpace(string(out))
}

// newChromium starts Chromium; prefs, when given, is the JSON of its
// profile's Preferences file.
func newChromium(t *testing.T, prefs ...string) *chromium {
	ver := requireChromium(t)
	dir := t.TempDir()
	if len(prefs) > 0 {
		if err := os.MkdirAll(filepath.Join(dir, "Default"), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(filepath.Join(dir, "Default", "Preferences"), []byte(prefs[0]), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	allocCtx, cancelAlloc := chromedp.NewExecAllocator(context.Background(), chromiumFlags(dir)...)
	ctx, cancel := chromedp.NewContext(allocCtx)
	t.Cleanup(func() { cancel(); cancelAlloc() })
	c := &chromium{ctx: ctx, ver: ver}
	if err := chromedp.Listen(ctx, func(ev any) {
		c.mu.Lock()
		defer c.mu.Unlock()
		switch ev := ev.(type) {
		case *log.EventEntryAdded:
			c.lines = append(c.lines, consoleLine{Source: string(ev.Entry.Source), Level: string(ev.Entry.Level), Text: ev.Entry.Text})
		case *runtime.EventConsoleAPICalled:
			var parts []string
			for _, a := range ev.Args {
				var s string
				if json.Unmarshal(a.Value, &s) == nil {
					parts = append(parts, s)
				}
			}
			c.lines = append(c.lines, consoleLine{Source: "console-api", Level: string(ev.Type), Text: strings.Join(parts, " ")})
		case *audits.EventIssueAdded:
			if d := ev.Issue.Details; d != nil && d.CorsIssueDetails != nil {
				c.issues = append(c.issues, d.CorsIssueDetails)
			}
		}
	}); err != nil {
		t.Fatal(err)
	}
	if _, err := chromedp.Call(ctx, audits.Enable, cdp.Empty{}); err != nil {
		t.Fatal(err)
	}
	return c
}

func (c *chromium) engineName() string { return "Chromium" }
func (c *chromium) profile() string    { return "chrome" }
func (c *chromium) version() string    { return c.ver }

func (c *chromium) navigate(t *testing.T, url string) {
	t.Helper()
	if err := chromedp.Do(c.ctx, chromedp.Navigate(url)); err != nil {
		t.Fatalf("navigate %s: %v", url, err)
	}
}

func (c *chromium) eval(t *testing.T, expr string, out any) {
	t.Helper()
	raw, err := chromedp.Run(c.ctx, chromedp.Evaluate[json.RawMessage](expr, chromedp.EvalAwaitPromise))
	if err != nil {
		t.Fatalf("%.80s: %v", expr, err)
	}
	if err := json.Unmarshal(raw, out); err != nil {
		t.Fatalf("%.80s: %v", expr, err)
	}
}

func (c *chromium) console() []consoleLine {
	c.mu.Lock()
	defer c.mu.Unlock()
	return append([]consoleLine(nil), c.lines...)
}

// mainLine is Chromium's CORS message among lines: the one the chrome
// profile predicts as the outcome's console.
func mainLine(lines []consoleLine) string {
	for _, l := range lines {
		if strings.HasPrefix(l.Text, "Access to fetch at '") || strings.HasPrefix(l.Text, "Fetch API cannot load ") {
			return l.Text
		}
	}
	return ""
}

// corsErrorFor returns the CorsError of the first non-warning issue about a
// URL containing marker.
func (c *chromium) corsErrorFor(marker string) string {
	c.mu.Lock()
	defer c.mu.Unlock()
	for _, d := range c.issues {
		if !d.IsWarning && d.Request != nil && strings.Contains(d.Request.URL, marker) && d.CorsErrorStatus != nil {
			return string(d.CorsErrorStatus.CorsError)
		}
	}
	return ""
}
