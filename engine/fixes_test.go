package engine

import (
	"slices"
	"strings"
	"testing"
)

// blockedFixTests are blocked scenarios and a field each must-have fix
// touches, from the narrowest repair the standard allows.
var blockedFixTests = []struct {
	name  string
	s     Scenario
	field string // a field one of the fixes changes
}{
	{"origin not listed", policyScenario(Policy{Origins: []string{"https://other.example.com"}}, "GET", nil, ""), "server.policy.origins"},
	{"empty policy, JSON PUT", policyScenario(Policy{}, "PUT", Headers{{Name: "Content-Type", Value: "application/json"}}, ""), "server.policy.requestHeaders"},
	{"credentials not allowed", policyScenario(Policy{Origins: []string{appOrigin}}, "GET", nil, CredentialsInclude), "server.policy.credentials"},
	{"wildcard with credentials", policyScenario(Policy{AnyOrigin: AnyOriginWildcard, Credentials: true}, "GET", nil, CredentialsInclude), "server.policy.anyOrigin"},
	{"reflect without credentials flag", policyScenario(Policy{AnyOrigin: AnyOriginReflect}, "GET", nil, CredentialsInclude), "server.policy.credentials"},
	{"method missing", policyScenario(Policy{Origins: []string{appOrigin}, Methods: []string{"PUT"}}, "DELETE", nil, ""), "server.policy.methods"},
	{"header missing", policyScenario(Policy{Origins: []string{appOrigin}, RequestHeaders: []string{"X-A"}}, "GET", Headers{{Name: "X-B", Value: "1"}, {Name: "X-A", Value: "1"}}, ""), "server.policy.requestHeaders"},
	{"preflight 401", policyScenario(Policy{Origins: []string{appOrigin}, Methods: []string{"PUT"}, PreflightStatus: 401}, "PUT", nil, ""), "server.policy.preflightStatus"},
	{"lower-case patch", policyScenario(Policy{Origins: []string{appOrigin}, Methods: []string{"PATCH"}}, "patch", nil, ""), "request.method"},
	{"raw: no CORS at all", rawScenario(nil, &Response{Status: 200}, "GET", nil, ""), "server.raw.actual"},
	{"raw: preflight 404", rawScenario(nil, &Response{Status: 200}, "PUT", nil, ""), "server.raw.preflight"},
	{"raw: preflight redirect", rawScenario(&Response{Status: 301, Headers: Headers{{Name: "Location", Value: "/x/"}}}, &Response{Status: 200, Headers: Headers{{Name: headerAllowOrigin, Value: "*"}}}, "PUT", nil, ""), "server.raw.preflight"},
	{"raw: trailing slash", rawScenario(nil, &Response{Status: 200, Headers: Headers{{Name: headerAllowOrigin, Value: appOrigin + "/"}}}, "GET", nil, ""), "server.raw.actual"},
	{"raw: two ACAO lines", rawScenario(nil, &Response{Status: 200, Headers: Headers{{Name: headerAllowOrigin, Value: appOrigin}, {Name: headerAllowOrigin, Value: appOrigin}}}, "GET", nil, ""), "server.raw.actual"},
	{"raw: unparsable ACAM", rawScenario(&Response{Status: 204, Headers: Headers{{Name: headerAllowOrigin, Value: "*"}, {Name: headerAllowMethods, Value: "PUT DELETE"}}}, &Response{Status: 200, Headers: Headers{{Name: headerAllowOrigin, Value: "*"}}}, "DELETE", nil, ""), "server.raw.preflight"},
}

func policyScenario(p Policy, method string, hs Headers, creds string) Scenario {
	return Scenario{V: Version, Page: appOrigin, Request: Request{URL: apiURL, Method: method, Headers: hs, Credentials: creds}, Server: Server{Policy: &p}}
}

func rawScenario(pre, act *Response, method string, hs Headers, creds string) Scenario {
	return Scenario{V: Version, Page: appOrigin, Request: Request{URL: apiURL, Method: method, Headers: hs, Credentials: creds}, Server: Server{Raw: &RawServer{Preflight: pre, Actual: act}}}
}

func TestFixesFlipTheVerdict(t *testing.T) {
	for _, tt := range blockedFixTests {
		t.Run(tt.name, func(t *testing.T) {
			out := Evaluate(tt.s)
			if out.Verdict != Blocked {
				t.Fatalf("verdict %s, want blocked", out.Verdict)
			}
			if len(out.Fixes) == 0 {
				t.Fatalf("no fix offered; noSafeFix %q", out.NoSafeFix)
			}
			checkFixes(t, tt.s, out)
			if !slices.ContainsFunc(out.Fixes, func(f Fix) bool {
				return slices.ContainsFunc(f.Changes, func(c Change) bool { return strings.HasPrefix(c.Field, tt.field) })
			}) {
				t.Errorf("no fix changes %s: %+v", tt.field, out.Fixes)
			}
		})
	}
}

// checkFixes applies every fix: each must make the request pass, bring no
// new danger, and say what it changes.
func checkFixes(t *testing.T, s Scenario, out Outcome) {
	t.Helper()
	before := dangerIDs(out.Lint)
	for i, f := range out.Fixes {
		if len(f.Changes) == 0 || f.Title == "" || f.Plain == "" || f.Cost == "" || (f.Server == nil && f.Request == nil) {
			t.Errorf("fix %d is incomplete: %+v", i, f)
		}
		fixed := f.Apply(s)
		got := Evaluate(fixed)
		if got.Verdict != Allowed {
			t.Errorf("fix %q leaves the verdict %s (%s)", f.Title, got.Verdict, got.Console)
		}
		if after := dangerIDs(got.Lint); !subset(after, before) {
			t.Errorf("fix %q brings new danger: %v (before %v)", f.Title, after, before)
		}
		if i > 0 && riskRank[f.Risk] < riskRank[out.Fixes[i-1].Risk] {
			t.Errorf("fixes not sorted safest first: %s after %s", f.Risk, out.Fixes[i-1].Risk)
		}
		if p := fixed.Server.Policy; f.Server != nil && p != nil && p.Credentials && (p.AnyOrigin == AnyOriginReflect || p.AnyOrigin == AnyOriginWildcard) {
			t.Errorf("fix %q offers anyOrigin %s with credentials", f.Title, p.AnyOrigin)
		}
	}
}

// TestFixesOnFixtures: every blocked scenario of the differential fixtures,
// as typed and turned into policies, gets verified fixes or says why not.
func TestFixesOnFixtures(t *testing.T) {
	blocked, fixed := 0, 0
	for _, s := range differentialFixtures(t) {
		out := Evaluate(s)
		if out.Verdict != Blocked {
			continue
		}
		blocked++
		if len(out.Fixes) > 0 {
			fixed++
		} else if out.NoSafeFix == "" {
			t.Errorf("%q: blocked with neither a fix nor an explanation", s.Title)
		}
		t.Run(s.Title, func(t *testing.T) { checkFixes(t, s, out) })
	}
	if fixed < blocked*3/4 {
		t.Errorf("only %d of %d blocked fixtures got a fix", fixed, blocked)
	}
}

func TestNoSafeFixForNullOrigin(t *testing.T) {
	s := policyScenario(Policy{Origins: []string{appOrigin}}, "GET", nil, "")
	s.Page = "null"
	out := Evaluate(s)
	if len(out.Fixes) != 0 {
		t.Errorf("offered %v for a null page; allowing null is never a safe fix", out.Fixes)
	}
	if !strings.Contains(out.NoSafeFix, "null") {
		t.Errorf("noSafeFix %q does not explain the null origin", out.NoSafeFix)
	}
}

// A page on the attacker's site (the attacker's view's) is blocked on
// purpose: no fix lets it read; any other page gets the usual fix.
func TestNoFixForTheAttackersPage(t *testing.T) {
	for _, tt := range []struct {
		page  string
		fixes bool
	}{
		{"https://evil-attacker.net", false},
		{"http://evil-attacker.net:8080", false},
		{"https://app.example.com.evil-attacker.net", false},
		{"https://evil-attacker.network", true},
		{"https://not-evil-attacker.net", true},
	} {
		s := policyScenario(Policy{Origins: []string{appOrigin}}, "GET", nil, "")
		s.Page = tt.page
		out := Evaluate(s)
		if got := len(out.Fixes) > 0; got != tt.fixes {
			t.Errorf("page %s: fixes %v, want any: %v", tt.page, out.Fixes, tt.fixes)
		}
		if !tt.fixes && !strings.Contains(out.NoSafeFix, "attacker's site") {
			t.Errorf("page %s: noSafeFix %q does not say the page is the attacker's", tt.page, out.NoSafeFix)
		}
	}
}

// A redirected preflight: calling the final URL, with the cause named, and
// answering OPTIONS before the redirect.
func TestPreflightRedirectFixes(t *testing.T) {
	for _, tt := range []struct {
		name, url, location, final, cause string
	}{
		{"trailing slash", "https://api.example.com/items", "/items/", "https://api.example.com/items/", "adds a trailing slash (/items → /items/)"},
		{"slash removed", "https://api.example.com/items/", "https://api.example.com/items", "https://api.example.com/items", "removes the trailing slash"},
		{"http to https", "http://api.example.com/items", "https://api.example.com/items", "https://api.example.com/items", "sends http:// to https://"},
	} {
		t.Run(tt.name, func(t *testing.T) {
			s := rawScenario(&Response{Status: 301, Headers: Headers{{Name: "Location", Value: tt.location}, {Name: headerAllowOrigin, Value: "*"}}},
				&Response{Status: 200, Headers: Headers{{Name: headerAllowOrigin, Value: "*"}}}, "PUT", nil, "")
			s.Page, s.Request.URL = "http://localhost:3000", tt.url
			out := Evaluate(s)
			checkFixes(t, s, out)
			i := slices.IndexFunc(out.Fixes, func(f Fix) bool { return f.Title == "Call the final URL" })
			if i < 0 {
				t.Fatalf("no \"Call the final URL\" among %+v", out.Fixes)
			}
			f := out.Fixes[i]
			if f.Request == nil || f.Request.URL != tt.final {
				t.Errorf("the fix calls %v, want %s", f.Request, tt.final)
			}
			if f.Code == nil || f.Code.Language != "javascript" || !strings.Contains(f.Code.After, JSQuote(tt.final)) {
				t.Errorf("code %+v does not call %s", f.Code, tt.final)
			}
			if !slices.ContainsFunc(f.Why, func(w string) bool {
				return strings.Contains(w, tt.cause) && strings.Contains(w, "trailing slash") && strings.Contains(w, "https")
			}) {
				t.Errorf("the why-lines %q do not name the cause %q and the usual ones", f.Why, tt.cause)
			}
			if !slices.ContainsFunc(out.Fixes, func(f Fix) bool { return f.Title == "Answer OPTIONS before the redirect" && f.Side == "server" }) {
				t.Errorf("no server-side fix: %+v", out.Fixes)
			}
		})
	}
}

// A preflight redirected to another path (a login page) is not the same
// resource: the fix is to answer OPTIONS before the redirect, never to call
// the login page.
func TestPreflightRedirectedElsewhere(t *testing.T) {
	for _, location := range []string{"/login?next=/items/42", "https://api.example.com/v2/items/42", "/items/42?page=2"} {
		s := rawScenario(&Response{Status: 302, Headers: Headers{{Name: "Location", Value: location}}},
			&Response{Status: 200, Headers: Headers{{Name: headerAllowOrigin, Value: "*"}}}, "DELETE", nil, "")
		s.Request.URL = "https://api.example.com/items/42"
		out := Evaluate(s)
		checkFixes(t, s, out)
		if len(out.Fixes) != 1 || out.Fixes[0].Title != "Answer OPTIONS before the redirect" {
			t.Errorf("redirect to %s: fixes %+v, want only answering OPTIONS before the redirect", location, out.Fixes)
		}
	}
}

// An authentication layer answering 401 (or 403) to the preflight: let
// OPTIONS through before it.
func TestAuthenticatedPreflightFix(t *testing.T) {
	for _, status := range []int{401, 403} {
		raw := rawScenario(&Response{Status: status, Headers: Headers{{Name: headerAllowOrigin, Value: appOrigin}, {Name: headerAllowHeaders, Value: "Authorization"}}},
			&Response{Status: 200, Headers: Headers{{Name: headerAllowOrigin, Value: appOrigin}}}, "GET", Headers{{Name: "Authorization", Value: "Bearer x"}}, "")
		pol := policyScenario(Policy{Origins: []string{appOrigin}, RequestHeaders: []string{"Authorization"}, PreflightStatus: status}, "GET", Headers{{Name: "Authorization", Value: "Bearer x"}}, "")
		for _, s := range []Scenario{raw, pol} {
			out := Evaluate(s)
			checkFixes(t, s, out)
			if len(out.Fixes) == 0 || out.Fixes[0].Title != "Let OPTIONS through before authentication" {
				t.Fatalf("%d: fixes %+v", status, out.Fixes)
			}
			f := out.Fixes[0]
			if !strings.Contains(f.Plain, "before the authentication check") || !slices.ContainsFunc(f.Why, func(w string) bool { return strings.Contains(w, "never carry cookies or Authorization") }) {
				t.Errorf("%d: plain %q, why %q", status, f.Plain, f.Why)
			}
		}
	}
}

// Dropping credentials on the page is not "risk: none": it says what it
// breaks, and comes after the server fix that keeps cookies working.
func TestDroppingCookiesSaysWhatItBreaks(t *testing.T) {
	s := rawScenario(nil, &Response{Status: 200, Headers: Headers{{Name: headerAllowOrigin, Value: "*"}, {Name: headerAllowCredentials, Value: "true"}}}, "GET", nil, CredentialsInclude)
	out := Evaluate(s)
	checkFixes(t, s, out)
	i := slices.IndexFunc(out.Fixes, func(f Fix) bool { return f.Side == "page" })
	if i < 0 {
		t.Fatalf("no page fix: %+v", out.Fixes)
	}
	f := out.Fixes[i]
	if f.Risk == "none" || !strings.Contains(f.Breaks, "cookie") {
		t.Errorf("risk %q, breaks %q: dropping cookies breaks login by cookie", f.Risk, f.Breaks)
	}
	if i == 0 {
		t.Errorf("dropping cookies comes first; the server fix that keeps them should")
	}
	if f.Code == nil || !strings.Contains(f.Code.Before, `credentials: "include"`) || strings.Contains(f.Code.After, "credentials") {
		t.Errorf("code %+v", f.Code)
	}
}

// Every fix speaks plain words first: what it allows.
func TestFixesSayWhatTheyAllow(t *testing.T) {
	s := policyScenario(Policy{}, "PUT", Headers{{Name: "Content-Type", Value: "application/json"}}, "")
	out := Evaluate(s)
	if len(out.Fixes) == 0 {
		t.Fatal("no fix")
	}
	if want := "Allow the origin https://app.example.com, the method PUT and the request header Content-Type."; out.Fixes[0].Plain != want {
		t.Errorf("plain %q, want %q", out.Fixes[0].Plain, want)
	}
}
