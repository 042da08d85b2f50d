package difftest

import (
	"encoding/json"
	"fmt"
	"testing"

	"corsplay/engine"
)

// chromeDefaultCookies is the setting Google Chrome ships with: third-party
// cookies allowed (cookie_controls_mode 0). Debian's Chromium blocks them.
const chromeDefaultCookies = `{"profile":{"cookie_controls_mode":0}}`

// TestThirdPartyCookies: the user visits the API's site, which sets a
// cookie without SameSite and one with SameSite=None; Secure (loopback is a
// secure context); then a page on another site makes a credentialed
// fetch(). What reaches the API is what Outcome.Cookies predicts for each
// browser.
func TestThirdPartyCookies(t *testing.T) {
	for _, tt := range []struct {
		start func(*testing.T) driver
		// sent is the Cookie header the engine's profile predicts, or, for
		// WebKitGTK, what it sends: its cookie policy is libsoup's, not
		// Safari's, so it is no proof of the safari profile's "none".
		sent string
	}{
		{func(t *testing.T) driver { return newChromium(t, chromeDefaultCookies) }, "none=1"},
		{func(t *testing.T) driver { return newFirefox(t) }, ""},
		{func(t *testing.T) driver { return newWebKit(t) }, "plain=1"},
	} {
		d := tt.start(t)
		t.Run(d.engineName(), func(t *testing.T) {
			w := newWire(t)
			s := engine.Scenario{V: engine.Version, Browser: d.profile(), Page: w.page,
				Request: engine.Request{URL: w.other + "/s/1/r", Credentials: engine.CredentialsInclude},
				Server:  engine.Server{Raw: &engine.RawServer{Actual: resp(200, "Access-Control-Allow-Origin", w.page, "Access-Control-Allow-Credentials", "true")}}}
			w.register(1, s)
			out := engine.Evaluate(s)
			want := map[string]string{engine.CookiesSameSiteNone: "none=1", engine.CookiesNone: ""}[out.Cookies]
			if d.profile() == engine.Safari {
				want = tt.sent
			}
			if want != tt.sent {
				t.Fatalf("the engine predicts cookies %q for %s, the test expects %q", out.Cookies, d.profile(), tt.sent)
			}
			d.navigate(t, w.other+"/cookie")
			d.navigate(t, w.page+"/page")
			req, _ := json.Marshal(toJS(s.Request))
			var got fetchResult
			d.eval(t, fmt.Sprintf("runOne(%s, 1)", req), &got)
			if v := verdictOf(got); v != out.Verdict {
				t.Errorf("verdict %s, engine %s", v, out.Verdict)
			}
			recv := w.received(1)
			if len(recv) != 1 {
				t.Fatalf("%d requests reached the API, want 1", len(recv))
			}
			if c := recv[0].Header.Get("Cookie"); c != want {
				t.Errorf("the API received Cookie %q, want %q (engine: cookies %q)", c, want, out.Cookies)
			}
		})
	}
}
