package app

import (
	"strings"
	"testing"

	"github.com/maxence-charriere/go-app/v10/pkg/app"

	"corsplay/engine"
)

// redirectScenario is a GET whose server redirects to a login server
// elsewhere, which allows the tainted origin, null.
func redirectScenario() engine.Scenario {
	return engine.Scenario{
		V: engine.Version, Page: "https://app.example.com",
		Request: engine.Request{URL: "https://api.example.com/r"},
		Server: engine.Server{Raw: &engine.RawServer{Actual: &engine.Response{Status: 302, Headers: engine.Headers{
			{Name: "Location", Value: "https://login.example.com/sso"}, {Name: "Access-Control-Allow-Origin", Value: "*"}}}}},
		Elsewhere: []engine.Elsewhere{{URL: "https://login.example.com/", Server: engine.Server{Raw: &engine.RawServer{
			Actual: &engine.Response{Status: 200, Headers: engine.Headers{{Name: "Access-Control-Allow-Origin", Value: "null"}}}}}}},
	}
}

// stepsOnce fails unless every step of out is on exactly one of rows.
func stepsOnce(t *testing.T, out engine.Outcome, rows []row) {
	t.Helper()
	seen := make([]int, len(out.Steps))
	for _, r := range rows {
		for _, i := range r.steps {
			seen[i]++
		}
	}
	for i, n := range seen {
		if n != 1 {
			t.Errorf("step %d (%s) is drawn %d times, want once", i+1, out.Steps[i].ID, n)
		}
	}
}

// rowIDs lists the rows' ids, and the row of the step with the title.
func rowIDs(rows []row, out engine.Outcome, title string) (ids []string, of string) {
	for _, r := range rows {
		ids = append(ids, r.id)
		for _, i := range r.steps {
			if out.Steps[i].Title == title {
				of = r.id
			}
		}
	}
	return ids, of
}

// TestHopRows: a followed redirect draws each request and response in
// order, to the server that answered it, the redirect's step on the 302,
// the browser's decisions for the next URL between the two.
func TestHopRows(t *testing.T) {
	out := engine.Evaluate(redirectScenario())
	if !hopped(out) || out.Verdict != engine.Allowed {
		t.Fatalf("the redirect scenario: verdict %s, %d hops", out.Verdict, len(out.Hops))
	}
	x := &Exchange{Outcome: out}
	rows := x.rows()
	stepsOnce(t, out, rows)
	ids, follow := rowIDs(rows, out, "Follow the redirect")
	if got, want := strings.Join(ids, ","), "request,browser,hop-0,hop-0-response,browser-0,hop-1,hop-1-response,result"; got != want {
		t.Errorf("rows %s, want %s", got, want)
	}
	if follow != "hop-0-response" {
		t.Errorf("Follow the redirect is on row %s, want the 302's", follow)
	}
	byID := map[string]row{}
	for _, r := range rows {
		byID[r.id] = r
	}
	for id, want := range map[string]string{
		"request":        "fetch() GET /r",
		"hop-0":          "GET https://api.example.com/r",
		"hop-0-response": "302 Found, 2 headers; Location: https://login.example.com/sso",
		"hop-1":          "GET https://login.example.com/sso",
		"hop-1-response": "200 OK, 1 header",
	} {
		if got := byID[id].label; got != want {
			t.Errorf("row %s reads %q, want %q", id, got, want)
		}
	}
	for id, want := range map[string]string{
		"hop-0": "Browser → Server", "hop-0-response": "Server → Browser",
		"hop-1": "Browser → login.example.com", "hop-1-response": "login.example.com → Browser",
	} {
		if got := byID[id].dir(); got != want {
			t.Errorf("row %s goes %q, want %q", id, got, want)
		}
	}
	if raw := byID["hop-1"].raw; !strings.Contains(raw, "Host: login.example.com\n") || !strings.Contains(raw, "Origin: null\n") {
		t.Errorf("the second request's raw HTTP:\n%s", raw)
	}
	html := app.HTMLString(x)
	// (HTMLString indents: the words without the spaces.)
	for _, want := range []string{`id="msg-hop-1"`, `class="who"`, ">login.example.com<", "GEThttps://<wbr></wbr>login.example.com/sso"} {
		if !strings.Contains(strings.Join(strings.Fields(html), ""), strings.Join(strings.Fields(want), "")) {
			t.Errorf("the diagram's HTML lacks %s", want)
		}
	}
}

// TestHopRowsPreflightAfterTheRedirect: a preflighted request redirected
// to a server without CORS support: the second preflight fails, its
// request is never sent, and the second preflight's own decisions sit
// after the 307.
func TestHopRowsPreflightAfterTheRedirect(t *testing.T) {
	s := redirectScenario()
	s.Request.Method = "PUT"
	s.Request.Headers = engine.Headers{{Name: "X-A", Value: "1"}}
	s.Server.Raw.Preflight = &engine.Response{Status: 204, Headers: engine.Headers{
		{Name: "Access-Control-Allow-Origin", Value: "https://app.example.com"}, {Name: "Access-Control-Allow-Methods", Value: "PUT"},
		{Name: "Access-Control-Allow-Headers", Value: "X-A"}}}
	s.Server.Raw.Actual.Status = 307
	out := engine.Evaluate(s)
	x := &Exchange{Outcome: out}
	rows := x.rows()
	stepsOnce(t, out, rows)
	ids, _ := rowIDs(rows, out, "")
	if got, want := strings.Join(ids, ","), "request,browser,hop-0,hop-0-response,hop-1,hop-1-response,browser-1,hop-2,hop-2-response,unsent,result"; got != want {
		t.Errorf("rows %s, want %s", got, want)
	}
	for _, r := range rows {
		if r.fail != (r.id == "hop-2-response" || r.id == "result") {
			t.Errorf("row %s drawn failed: %v", r.id, r.fail)
		}
		if r.id == "hop-2" && r.label != "OPTIONS https://login.example.com/sso (preflight)" {
			t.Errorf("the second preflight reads %q", r.label)
		}
	}
	if r := x.request(); r == nil || r.Method != "PUT" || r.URL != "https://api.example.com/r" {
		t.Errorf("the fetch() call is drawn as %+v, want PUT to the first URL", r)
	}
}

// TestHopRowsNobody: a redirect to a URL no server answers: the server
// lane says so.
func TestHopRowsNobody(t *testing.T) {
	s := redirectScenario()
	s.Elsewhere = nil
	out := engine.Evaluate(s)
	rows := (&Exchange{Outcome: out}).rows()
	stepsOnce(t, out, rows)
	for _, r := range rows {
		if r.id == "hop-1" && (r.who != "no server (404)" || r.dir() != "Browser → no server (404)") {
			t.Errorf("the request to nobody: who %q, dir %q", r.who, r.dir())
		}
		if r.id == "hop-1-response" && (!r.fail || !strings.HasPrefix(r.label, "404 Not Found")) {
			t.Errorf("nobody's answer: %q, failed %v", r.label, r.fail)
		}
	}
}

// A redirect that is not followed keeps the one-request diagram, whose
// response says where it pointed.
func TestRedirectNotFollowed(t *testing.T) {
	s := redirectScenario()
	s.Request.Redirect = engine.RedirectManual
	out := engine.Evaluate(s)
	if out.Verdict != engine.OpaqueRedirect || hopped(out) {
		t.Fatalf("verdict %s, hopped %v", out.Verdict, hopped(out))
	}
	x := &Exchange{Outcome: out}
	var ids []string
	for _, m := range x.messages() {
		ids = append(ids, m.id)
		if m.id == "actual-response" && m.full != "302 Found, 2 headers; Location: https://login.example.com/sso" {
			t.Errorf("the 302 reads %q", m.label)
		}
		if m.id == "result" && m.label != "promise resolves: opaque-redirect response" {
			t.Errorf("the result reads %q", m.label)
		}
	}
	if got := strings.Join(ids, ","); got != "request,actual,actual-response,result" {
		t.Errorf("messages %s", got)
	}
}

// Scenarios without redirects never get the hops' layout.
func TestNoHopsWithoutRedirects(t *testing.T) {
	for _, s := range []engine.Scenario{defaultScenario(), longPathScenario()} {
		if out := engine.Evaluate(s); hopped(out) {
			t.Errorf("%s: %d hops drawn as redirects", s.Title, len(out.Hops))
		}
	}
	s := defaultScenario()
	s.Request.Method = "patch"
	if out := engine.Evaluate(s); hopped(out) {
		t.Errorf("a blocked preflight is drawn as redirects: %+v", out.Hops)
	}
}

func TestShortURL(t *testing.T) {
	for raw, want := range map[string]string{
		"https://login.example.com/sso":    "https://login.example.com/sso",
		"http://login.example.com/sso?a=1": "http://login.example.com/sso?a=1",
		"/next":                            "/next",
		"https://a.example/api/v2/organisations/acme/projects/1234567/items?include=owner": "https://a.example/api/v2/…/items?include=owner",
	} {
		if got := shortURL(raw); got != want {
			t.Errorf("shortURL(%q) = %q, want %q", raw, got, want)
		}
	}
}

// TestHopRowsLoop: a server that redirects to itself: the browser gives
// up after the last redirect it follows, on that response's row.
func TestHopRowsLoop(t *testing.T) {
	s := redirectScenario()
	s.Server.Raw.Actual.Headers[0].Value = "https://api.example.com/r"
	s.Elsewhere = nil
	out := engine.Evaluate(s)
	if out.Verdict != engine.Blocked || len(out.Hops) != engine.MaxRedirects+1 {
		t.Fatalf("verdict %s after %d hops, want blocked after %d", out.Verdict, len(out.Hops), engine.MaxRedirects+1)
	}
	rows := (&Exchange{Outcome: out}).rows()
	stepsOnce(t, out, rows)
	last := hopResponseID(engine.MaxRedirects)
	for _, r := range rows {
		if r.fail != (r.id == last || r.id == "result") {
			t.Errorf("row %s drawn failed: %v", r.id, r.fail)
		}
	}
	_, failed := rowIDs(rows, out, "Follow the redirect")
	if failed != last {
		t.Errorf("the last Follow the redirect is on %s, want %s", failed, last)
	}
}

func TestResponseLabel(t *testing.T) {
	loc := engine.Headers{{Name: "Location", Value: "https://login.example.com/sso"}}
	for _, tt := range []struct {
		r           *engine.Response
		short, full string
	}{
		{&engine.Response{Status: 307, Headers: loc}, "307 Temporary Redirect, 1 header; Location: https://login.example.com/sso", "307 Temporary Redirect, 1 header; Location: https://login.example.com/sso"},
		{&engine.Response{Status: 304, Headers: loc}, "304 Not Modified, 1 header", "304 Not Modified, 1 header"},
		{&engine.Response{Status: 302}, "302 Found, no headers", "302 Found, no headers"},
		{nil, "", ""},
	} {
		if short, full := responseLabel(tt.r); short != tt.short || full != tt.full {
			t.Errorf("responseLabel(%+v) = %q, %q; want %q, %q", tt.r, short, full, tt.short, tt.full)
		}
	}
}
