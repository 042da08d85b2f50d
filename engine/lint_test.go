package engine_test

import (
	"fmt"
	"slices"
	"strings"
	"testing"

	"corsplay/engine"
)

// Lint rules from server-libraries.md §6: for each rule, scenarios that
// trigger it with the expected severity, and close variants that do not.

// scenario builds a valid scenario: the page https://app.example.com calls
// https://api.example.com/data, answered by the policy p.
func scenario(p engine.Policy, opts ...func(*engine.Scenario)) engine.Scenario {
	s := engine.Scenario{V: engine.Version, Page: "https://app.example.com",
		Request: engine.Request{URL: "https://api.example.com/data"}, Server: engine.Server{Policy: &p}}
	for _, o := range opts {
		o(&s)
	}
	return s
}

func page(o string) func(*engine.Scenario) { return func(s *engine.Scenario) { s.Page = o } }

func requestURL(u string) func(*engine.Scenario) {
	return func(s *engine.Scenario) { s.Request.URL = u }
}

func header(name, value string) func(*engine.Scenario) {
	return func(s *engine.Scenario) {
		s.Request.Headers = append(s.Request.Headers, engine.Header{Name: name, Value: value})
	}
}

func specProfile(s *engine.Scenario) { s.Browser = engine.Spec }

func seconds(n int64) *int64 { return &n }

func boolean(b bool) *bool { return &b }

// origins is a policy trusting the given origins entries.
func origins(entries ...string) engine.Policy { return engine.Policy{Origins: entries} }

// withCredentials turns credentials on.
func withCredentials(p engine.Policy) engine.Policy { p.Credentials = true; return p }

const (
	absent  = ""
	errorS  = engine.SeverityError
	danger  = engine.SeverityDanger
	warning = engine.SeverityWarning
	info    = engine.SeverityInfo
)

var app = origins("https://app.example.com")

var lintTests = []struct {
	name string
	s    engine.Scenario
	id   string
	// severity is the expected severity, absent when the ID must not appear.
	severity string
	// mentions must appear in the finding's Title, Detail or Fix.
	mentions string
}{
	{"wildcard with credentials", scenario(engine.Policy{AnyOrigin: "wildcard", Credentials: true}), "ORIGIN-001", errorS, ""},
	{"wildcard without credentials", scenario(engine.Policy{AnyOrigin: "wildcard"}), "ORIGIN-001", absent, ""},

	{"reflect with credentials", scenario(engine.Policy{AnyOrigin: "reflect", Credentials: true}), "ORIGIN-002", danger, ""},
	{"reflect without credentials is not 002", scenario(engine.Policy{AnyOrigin: "reflect"}), "ORIGIN-002", absent, ""},
	{"reflect without credentials", scenario(engine.Policy{AnyOrigin: "reflect"}), "ORIGIN-003", warning, ""},
	{"reflect with credentials is not 003", scenario(engine.Policy{AnyOrigin: "reflect", Credentials: true}), "ORIGIN-003", absent, ""},

	{"allowNull with credentials", scenario(engine.Policy{Origins: app.Origins, AllowNull: true, Credentials: true}), "ORIGIN-004", danger, "allowNull"},
	{"allowNull without credentials", scenario(engine.Policy{Origins: app.Origins, AllowNull: true}), "ORIGIN-004", warning, "allowNull"},
	{"null entry", scenario(origins("https://app.example.com", "null")), "ORIGIN-004", warning, `"null"`},
	{"pattern matching null", scenario(origins(`re:^(null|https://app\.example\.com)$`)), "ORIGIN-004", warning, "matches the text null"},
	{"reflect trusts null", scenario(engine.Policy{AnyOrigin: "reflect"}), "ORIGIN-004", warning, "reflect"},
	{"anchored pattern does not match null", scenario(origins(`re:^https://app\.example\.com$`)), "ORIGIN-004", absent, ""},
	{"wildcard answers null like anyone", scenario(engine.Policy{AnyOrigin: "wildcard", AllowNull: true}), "ORIGIN-004", absent, ""},
	{"plain list does not trust null", scenario(app), "ORIGIN-004", absent, ""},

	{"no end anchor", scenario(origins(`re:^https://app\.example\.com`)), "ORIGIN-005", danger, "https://app.example.com.evil-attacker.net"},
	{"no end anchor, subdomain pattern", scenario(origins(`re:^https://[a-z]+\.example\.com`)), "ORIGIN-005", danger, "https://app.example.com.evil-attacker.net"},
	{"no end anchor, no host to test", scenario(origins(`re:^https://`)), "ORIGIN-005", warning, "spells no host"},
	{"end anchor", scenario(origins(`re:^https://app\.example\.com$`)), "ORIGIN-005", absent, ""},
	{"end anchor in every alternative", scenario(origins(`re:^https://app\.example\.com$|^https://www\.example\.com$`)), "ORIGIN-005", absent, ""},
	{"unanchored end that cannot be extended", scenario(origins(`re:^https://app\.example\.com(:8443|$)`)), "ORIGIN-005", absent, ""},

	{"no start anchor", scenario(origins(`re:example\.com$`)), "ORIGIN-006", danger, "https://evilexample.com"},
	{"no start anchor, own domain only", scenario(origins(`re:app\.example\.com$`)), "ORIGIN-006", warning, "https://evilapp.example.com"},
	{"start anchor", scenario(origins(`re:^https://example\.com$`)), "ORIGIN-006", absent, ""},
	{"no start anchor but scheme spelled", scenario(origins(`re:https://example\.com$`)), "ORIGIN-006", absent, ""},

	{"unescaped dot", scenario(origins(`re:^https://api.example.com$`)), "ORIGIN-007", danger, "https://apixexample.com"},
	{"unescaped dot in the top-level domain only", scenario(origins(`re:^https://example.com$`)), "ORIGIN-007", warning, "https://examplexcom"},
	{"escaped dots", scenario(origins(`re:^https://api\.example\.com$`)), "ORIGIN-007", absent, ""},
	{"dot only in a repetition", scenario(origins(`re:^https://.*\.example\.com$`)), "ORIGIN-007", absent, ""},

	{"no label boundary", scenario(origins(`re:^https://.*example\.com$`)), "ORIGIN-008", danger, "https://evilexample.com"},
	{"label boundary", scenario(origins(`re:^https://([a-z0-9-]+\.)*example\.com$`)), "ORIGIN-008", absent, ""},

	{"attacker suffix accepted", scenario(origins(`re:^https://app\.example\.com`)), "ORIGIN-010", danger, "https://app.example.com.evil-attacker.net"},
	{"shared hosting accepted", scenario(origins("https://*.github.io")), "ORIGIN-010", danger, "https://attacker.github.io"},
	{"exact list", scenario(origins("https://app.example.com", "https://admin.example.com")), "ORIGIN-010", absent, ""},
	{"reflect is ORIGIN-002, not 010", scenario(engine.Policy{AnyOrigin: "reflect", Credentials: true}), "ORIGIN-010", absent, ""},
	{"null is ORIGIN-004, not 010", scenario(engine.Policy{Origins: app.Origins, AllowNull: true, Credentials: true}), "ORIGIN-010", absent, ""},
	{"unregistrable name is not 010", scenario(origins(`re:^https://example.com$`)), "ORIGIN-010", absent, ""},

	{"http origin, credentials, https API", scenario(withCredentials(origins("http://app.example.com")), page("http://app.example.com")), "ORIGIN-011", danger, "https://app.example.com instead of http://app.example.com"},
	{"http origin without credentials", scenario(origins("http://app.example.com")), "ORIGIN-011", warning, ""},
	{"http origin, credentials, http API", scenario(withCredentials(origins("http://app.example.com")), requestURL("http://api.example.com/data")), "ORIGIN-011", warning, ""},
	{"http subdomain rule", scenario(origins("http://*.example.com")), "ORIGIN-011", warning, ""},
	{"pattern accepting http", scenario(origins(`re:^https?://app\.example\.com$`)), "ORIGIN-011", warning, ""},
	{"localhost", scenario(withCredentials(origins("http://localhost:3000", "http://127.0.0.1:8080", "http://[::1]:8080", "http://*.localhost", "http://dev.localhost:*"))), "ORIGIN-011", absent, ""},
	{"https only", scenario(withCredentials(app)), "ORIGIN-011", absent, ""},
	{"http entry ignored by wildcard", scenario(engine.Policy{AnyOrigin: "wildcard", Origins: []string{"http://app.example.com"}}), "ORIGIN-011", absent, ""},

	{"subdomains with credentials", scenario(withCredentials(origins("https://*.example.com"))), "ORIGIN-012", warning, "example.com"},
	{"subdomains without credentials", scenario(origins("https://*.example.com")), "ORIGIN-012", info, ""},
	{"public-suffix subdomains are 013", scenario(origins("https://*.github.io")), "ORIGIN-012", absent, ""},
	{"exact origin", scenario(app), "ORIGIN-012", absent, ""},

	{"subdomains of github.io", scenario(origins("https://*.github.io")), "ORIGIN-013", danger, "https://attacker.github.io"},
	{"subdomains of a TLD", scenario(origins("https://*.com")), "ORIGIN-013", danger, ""},
	{"subdomains of co.uk", scenario(origins("https://*.co.uk")), "ORIGIN-013", danger, ""},
	{"subdomains of a registrable domain", scenario(origins("https://*.example.com")), "ORIGIN-013", absent, ""},
	{"subdomains of localhost", scenario(origins("http://*.localhost")), "ORIGIN-013", absent, ""},

	{"trailing slash", scenario(origins("https://app.example.com/")), "ORIGIN-014", errorS, `"https://app.example.com" instead of "https://app.example.com/"`},
	{"path", scenario(origins("https://app.example.com/api")), "ORIGIN-014", errorS, "a path"},
	{"query and fragment", scenario(origins("https://app.example.com?x#y")), "ORIGIN-014", errorS, "a query, a fragment"},
	{"default port", scenario(origins("https://app.example.com:443")), "ORIGIN-014", errorS, "the default port :443"},
	{"upper case", scenario(origins("HTTPS://App.Example.com")), "ORIGIN-014", errorS, `"https://app.example.com"`},
	{"whitespace", scenario(origins(" https://app.example.com")), "ORIGIN-014", errorS, "whitespace"},
	{"no scheme", scenario(origins("app.example.com")), "ORIGIN-014", errorS, `"https://app.example.com" instead of "app.example.com"`},
	{"userinfo", scenario(origins("https://user@app.example.com")), "ORIGIN-014", errorS, "user name"},
	{"file URL", scenario(origins("file:///home/me/index.html")), "ORIGIN-014", errorS, "Origin: null"},
	{"unicode host", scenario(origins("https://bücher.example")), "ORIGIN-014", errorS, "punycode"},
	{"serialized origins", scenario(origins("https://app.example.com", "https://app.example.com:8443", "http://localhost:3000", "null")), "ORIGIN-014", absent, ""},
	{"another scheme's origin", scenario(origins("chrome-extension://abcdefghijklmnop")), "ORIGIN-014", absent, ""},

	{"wildcard and a list", scenario(engine.Policy{AnyOrigin: "wildcard", Origins: []string{"https://app.example.com"}}), "ORIGIN-015", warning, "https://app.example.com"},
	{"reflect and a list", scenario(engine.Policy{AnyOrigin: "reflect", Origins: []string{"https://app.example.com"}}), "ORIGIN-015", warning, ""},
	{"wildcard alone", scenario(engine.Policy{AnyOrigin: "wildcard"}), "ORIGIN-015", absent, ""},
	{"list alone", scenario(app), "ORIGIN-015", absent, ""},

	{"codepen", scenario(origins("https://app.example.com", "https://codepen.io")), "ORIGIN-017", warning, "https://codepen.io"},
	{"a GitHub Pages site", scenario(origins("https://someone.github.io")), "ORIGIN-017", warning, "https://someone.github.io"},
	{"replit subdomains", scenario(origins("https://*.replit.com")), "ORIGIN-017", warning, ""},
	{"a name that merely ends like codepen", scenario(origins("https://notcodepen.io")), "ORIGIN-017", absent, ""},
	{"own origin", scenario(app), "ORIGIN-017", absent, ""},

	{"apex page under a subdomain rule", scenario(origins("https://*.example.com"), page("https://example.com")), "ORIGIN-018", info, `"https://example.com"`},
	{"apex listed too", scenario(origins("https://*.example.com", "https://example.com"), page("https://example.com")), "ORIGIN-018", absent, ""},
	{"subdomain page", scenario(origins("https://*.example.com")), "ORIGIN-018", absent, ""},

	{"cross-site cookies", scenario(withCredentials(origins("https://app.example.org")), page("https://app.example.org")), "CRED-003", info, "SameSite=None"},
	{"same-site cookies", scenario(withCredentials(app)), "CRED-003", absent, ""},
	{"cross-site without credentials", scenario(origins("https://app.example.org"), page("https://app.example.org")), "CRED-003", absent, ""},

	{"* without Authorization, request sends it, chrome", scenario(engine.Policy{Origins: app.Origins, RequestHeaders: []string{"*"}}, header("Authorization", "Bearer x")), "REQH-002", warning, "Chrome"},
	{"* without Authorization, request sends it, spec", scenario(engine.Policy{Origins: app.Origins, RequestHeaders: []string{"*"}}, header("Authorization", "Bearer x"), specProfile), "REQH-002", errorS, ""},
	{"* without Authorization, request does not send it", scenario(engine.Policy{Origins: app.Origins, RequestHeaders: []string{"*"}}), "REQH-002", info, ""},
	{"* with Authorization", scenario(engine.Policy{Origins: app.Origins, RequestHeaders: []string{"*", "authorization"}}, header("Authorization", "Bearer x")), "REQH-002", absent, ""},
	{"* with credentials is echoed", scenario(withCredentials(engine.Policy{Origins: app.Origins, RequestHeaders: []string{"*"}}), header("Authorization", "Bearer x")), "REQH-002", absent, ""},

	{"* headers with credentials", scenario(withCredentials(engine.Policy{Origins: app.Origins, RequestHeaders: []string{"*"}})), "REQH-007", info, "echoes"},
	{"* headers without credentials", scenario(engine.Policy{Origins: app.Origins, RequestHeaders: []string{"*"}}), "REQH-007", absent, ""},

	{"PUT allowed without Content-Type", scenario(engine.Policy{Origins: app.Origins, Methods: []string{"PUT"}}), "REQH-003", warning, `"PUT"`},
	{"JSON request without Content-Type", scenario(app, header("Content-Type", "application/json")), "REQH-003", warning, "application/json"},
	{"Content-Type listed", scenario(engine.Policy{Origins: app.Origins, Methods: []string{"PUT"}, RequestHeaders: []string{"content-type"}}, header("Content-Type", "application/json")), "REQH-003", absent, ""},
	{"* covers Content-Type", scenario(engine.Policy{Origins: app.Origins, Methods: []string{"PUT"}, RequestHeaders: []string{"*"}}), "REQH-003", absent, ""},
	{"form request and simple methods", scenario(engine.Policy{Origins: app.Origins, Methods: []string{"GET", "POST"}}, header("Content-Type", "text/plain")), "REQH-003", absent, ""},

	{"Cookie listed", scenario(engine.Policy{Origins: app.Origins, RequestHeaders: []string{"Cookie"}}), "REQH-004", info, "credentials"},
	{"Sec- header listed", scenario(engine.Policy{Origins: app.Origins, RequestHeaders: []string{"Sec-Fetch-Mode"}}), "REQH-004", info, ""},
	{"custom header listed", scenario(engine.Policy{Origins: app.Origins, RequestHeaders: []string{"X-Token"}}), "REQH-004", absent, ""},

	{"Accept listed", scenario(engine.Policy{Origins: app.Origins, RequestHeaders: []string{"accept", "Content-Language"}}), "REQH-005", info, `"accept"`},
	{"Content-Type listed is not safelisted", scenario(engine.Policy{Origins: app.Origins, RequestHeaders: []string{"Content-Type"}}), "REQH-005", absent, ""},

	{"ACAO as a request header", scenario(engine.Policy{Origins: app.Origins, RequestHeaders: []string{"Access-Control-Allow-Origin"}}), "REQH-006", warning, "Access-Control-Allow-Origin"},
	{"Access-Control-Request-Method is REQH-004", scenario(engine.Policy{Origins: app.Origins, RequestHeaders: []string{"Access-Control-Request-Method"}}), "REQH-006", absent, ""},
	{"look-alike custom header", scenario(engine.Policy{Origins: app.Origins, RequestHeaders: []string{"X-Access-Control"}}), "REQH-006", absent, ""},

	{"GET listed", scenario(engine.Policy{Origins: app.Origins, Methods: []string{"GET", "PUT"}}), "METH-001", info, `"GET"`},
	{"only non-simple methods", scenario(engine.Policy{Origins: app.Origins, Methods: []string{"PUT", "DELETE"}}), "METH-001", absent, ""},

	{"TRACE listed", scenario(engine.Policy{Origins: app.Origins, Methods: []string{"TRACE"}}), "METH-002", errorS, `"TRACE"`},
	{"connect in lower case", scenario(engine.Policy{Origins: app.Origins, Methods: []string{"connect"}}), "METH-002", errorS, ""},
	{"PUT listed", scenario(engine.Policy{Origins: app.Origins, Methods: []string{"PUT"}}), "METH-002", absent, ""},

	{"patch in lower case", scenario(engine.Policy{Origins: app.Origins, Methods: []string{"patch"}}), "METH-003", warning, `"PATCH"`},
	{"Put in mixed case", scenario(engine.Policy{Origins: app.Origins, Methods: []string{"Put"}}), "METH-003", warning, "never match"},
	{"upper-case methods", scenario(engine.Policy{Origins: app.Origins, Methods: []string{"PATCH", "PUT", "*"}}), "METH-003", absent, ""},

	{"* methods with credentials", scenario(withCredentials(engine.Policy{Origins: app.Origins, Methods: []string{"*"}})), "METH-004", info, "echoes"},
	{"* methods without credentials", scenario(engine.Policy{Origins: app.Origins, Methods: []string{"*"}}), "METH-004", absent, ""},

	{"OPTIONS listed", scenario(engine.Policy{Origins: app.Origins, Methods: []string{"PUT", "OPTIONS"}}), "METH-005", info, ""},
	{"OPTIONS not listed", scenario(engine.Policy{Origins: app.Origins, Methods: []string{"PUT"}}), "METH-005", absent, ""},

	{"Set-Cookie exposed", scenario(engine.Policy{Origins: app.Origins, ExposeHeaders: []string{"Set-Cookie"}}), "EXPO-001", errorS, `"Set-Cookie"`},
	{"set-cookie2 exposed", scenario(engine.Policy{Origins: app.Origins, ExposeHeaders: []string{"set-cookie2"}}), "EXPO-001", errorS, ""},
	{"custom header exposed", scenario(engine.Policy{Origins: app.Origins, ExposeHeaders: []string{"X-Request-Id"}}), "EXPO-001", absent, ""},

	{"* exposed with credentials", scenario(withCredentials(engine.Policy{Origins: app.Origins, ExposeHeaders: []string{"*"}})), "EXPO-002", warning, "X-Request-Id"},
	{"* exposed without credentials", scenario(engine.Policy{Origins: app.Origins, ExposeHeaders: []string{"*"}}), "EXPO-002", absent, ""},

	{"Content-Length exposed", scenario(engine.Policy{Origins: app.Origins, ExposeHeaders: []string{"Content-Length"}}), "EXPO-003", info, `"Content-Length"`},
	{"ETag exposed", scenario(engine.Policy{Origins: app.Origins, ExposeHeaders: []string{"ETag"}}), "EXPO-003", absent, ""},

	{"debug header to two origins", scenario(engine.Policy{Origins: []string{"https://app.example.com", "https://admin.example.com"}, ExposeHeaders: []string{"X-Debug-Info"}}), "EXPO-004", warning, `"X-Debug-Info"`},
	{"API key to any origin", scenario(engine.Policy{AnyOrigin: "wildcard", ExposeHeaders: []string{"X-Api-Key"}}), "EXPO-004", warning, "any site"},
	{"token to subdomains", scenario(engine.Policy{Origins: []string{"https://*.example.com"}, ExposeHeaders: []string{"X-Session-Token"}}), "EXPO-004", warning, ""},
	{"debug header to one origin", scenario(engine.Policy{Origins: app.Origins, ExposeHeaders: []string{"X-Debug-Info"}}), "EXPO-004", absent, ""},
	{"harmless header to two origins", scenario(engine.Policy{Origins: []string{"https://app.example.com", "https://admin.example.com"}, ExposeHeaders: []string{"X-Request-Id"}}), "EXPO-004", absent, ""},

	{"maxAge 20 days", scenario(engine.Policy{Origins: app.Origins, MaxAge: seconds(1728000)}), "MAXAGE-001", warning, "20 days"},
	{"maxAge 1 day", scenario(engine.Policy{Origins: app.Origins, MaxAge: seconds(86400)}), "MAXAGE-001", warning, "7200"},
	{"maxAge 1 hour", scenario(engine.Policy{Origins: app.Origins, MaxAge: seconds(3600)}), "MAXAGE-001", info, "Safari"},
	{"maxAge 600", scenario(engine.Policy{Origins: app.Origins, MaxAge: seconds(600)}), "MAXAGE-001", absent, ""},

	{"negative maxAge", scenario(engine.Policy{Origins: app.Origins, MaxAge: seconds(-1)}), "MAXAGE-002", errorS, "-1"},
	{"maxAge 0", scenario(engine.Policy{Origins: app.Origins, MaxAge: seconds(0)}), "MAXAGE-002", absent, ""},

	{"no maxAge with PUT", scenario(engine.Policy{Origins: app.Origins, Methods: []string{"PUT"}}), "MAXAGE-003", info, "5 seconds"},
	{"maxAge 30 with a custom header", scenario(engine.Policy{Origins: app.Origins, RequestHeaders: []string{"X-Token"}, MaxAge: seconds(30)}), "MAXAGE-003", info, "30 seconds"},
	{"maxAge 600 with PUT", scenario(engine.Policy{Origins: app.Origins, Methods: []string{"PUT"}, MaxAge: seconds(600)}), "MAXAGE-003", absent, ""},
	{"no maxAge, simple only", scenario(engine.Policy{Origins: app.Origins, Methods: []string{"GET"}, RequestHeaders: []string{"Accept"}}), "MAXAGE-003", absent, ""},

	{"preflight 404", scenario(engine.Policy{Origins: app.Origins, PreflightStatus: 404}), "PLUMB-001", errorS, "404"},
	{"preflight 401", scenario(engine.Policy{Origins: app.Origins, PreflightStatus: 401}), "PLUMB-001", errorS, "authentication"},
	{"preflight 301", scenario(engine.Policy{Origins: app.Origins, PreflightStatus: 301}), "PLUMB-001", errorS, "redirect"},
	{"preflight 200", scenario(engine.Policy{Origins: app.Origins, PreflightStatus: 200}), "PLUMB-001", absent, ""},
	{"preflight default", scenario(app), "PLUMB-001", absent, ""},

	{"no Vary with a list", scenario(engine.Policy{Origins: app.Origins, Vary: boolean(false)}), "VARY-001", warning, "Vary: Origin"},
	{"no Vary with reflect", scenario(engine.Policy{AnyOrigin: "reflect", Vary: boolean(false)}), "VARY-001", warning, ""},
	{"no Vary with wildcard", scenario(engine.Policy{AnyOrigin: "wildcard", Vary: boolean(false)}), "VARY-001", absent, ""},
	{"Vary by default", scenario(app), "VARY-001", absent, ""},

	{"restrictive policy", scenario(app), "X-001", info, "curl"},
	{"wildcard policy", scenario(engine.Policy{AnyOrigin: "wildcard"}), "X-001", absent, ""},

	{"credentials", scenario(withCredentials(app)), "X-002", warning, "https://api.example.com/data"},
	{"no credentials", scenario(app), "X-002", absent, ""},
}

// lintRuleIDs are the rules Lint implements.
var lintRuleIDs = []string{
	"ORIGIN-001", "ORIGIN-002", "ORIGIN-003", "ORIGIN-004", "ORIGIN-005", "ORIGIN-006", "ORIGIN-007", "ORIGIN-008",
	"ORIGIN-010", "ORIGIN-011", "ORIGIN-012", "ORIGIN-013", "ORIGIN-014", "ORIGIN-015", "ORIGIN-017", "ORIGIN-018",
	"CRED-003", "REQH-002", "REQH-003", "REQH-004", "REQH-005", "REQH-006", "REQH-007",
	"METH-001", "METH-002", "METH-003", "METH-004", "METH-005",
	"EXPO-001", "EXPO-002", "EXPO-003", "EXPO-004",
	"MAXAGE-001", "MAXAGE-002", "MAXAGE-003", "PLUMB-001", "VARY-001", "X-001", "X-002",
}

func findingsWith(fs []engine.Finding, id string) []engine.Finding {
	var out []engine.Finding
	for _, f := range fs {
		if f.ID == id {
			out = append(out, f)
		}
	}
	return out
}

func TestLint(t *testing.T) {
	for _, tt := range lintTests {
		t.Run(tt.id+"/"+tt.name, func(t *testing.T) {
			if err := tt.s.Validate(); err != nil {
				t.Fatalf("scenario does not validate: %v", err)
			}
			got := findingsWith(engine.Lint(tt.s), tt.id)
			if tt.severity == absent {
				if len(got) > 0 {
					t.Fatalf("%s present, want absent: %+v", tt.id, got[0])
				}
				return
			}
			if len(got) == 0 {
				t.Fatalf("%s absent, want %s; got %v", tt.id, tt.severity, ids(engine.Lint(tt.s)))
			}
			for _, f := range got {
				if f.Severity != tt.severity {
					t.Errorf("%s severity %s, want %s", tt.id, f.Severity, tt.severity)
				}
			}
			if tt.mentions != "" && !slices.ContainsFunc(got, func(f engine.Finding) bool {
				return strings.Contains(f.Title+"\n"+f.Detail+"\n"+f.Fix, tt.mentions)
			}) {
				t.Errorf("%s does not mention %q: %+v", tt.id, tt.mentions, got)
			}
		})
	}
}

func ids(fs []engine.Finding) []string {
	var out []string
	for _, f := range fs {
		out = append(out, f.ID+" "+f.Severity)
	}
	return out
}

// TestLintTableCoversRules: every rule has a triggering case and an absent one.
func TestLintTableCoversRules(t *testing.T) {
	for _, id := range lintRuleIDs {
		var present, missing bool
		for _, tt := range lintTests {
			if tt.id == id {
				present = present || tt.severity != absent
				missing = missing || tt.severity == absent
			}
		}
		if !present || !missing {
			t.Errorf("%s: triggering case %v, absent case %v; want both", id, present, missing)
		}
	}
	for _, tt := range lintTests {
		if !slices.Contains(lintRuleIDs, tt.id) {
			t.Errorf("case %q tests unknown rule %s", tt.name, tt.id)
		}
	}
}

var severityOrder = map[string]int{engine.SeverityError: 0, engine.SeverityDanger: 1, engine.SeverityWarning: 2, engine.SeverityInfo: 3}

// TestLintFindingsWellFormed: on every scenario of the table, findings have
// text for the learner, a known severity and ID, most severe first, and one
// finding per rule except ORIGIN-010 (one per attacker origin).
func TestLintFindingsWellFormed(t *testing.T) {
	for _, tt := range lintTests {
		t.Run(tt.id+"/"+tt.name, func(t *testing.T) {
			fs := engine.Lint(tt.s)
			seen := map[string]bool{}
			for i, f := range fs {
				if f.Title == "" || f.Detail == "" || f.Fix == "" {
					t.Errorf("%s has empty text: %+v", f.ID, f)
				}
				if !slices.Contains(lintRuleIDs, f.ID) {
					t.Errorf("unknown rule ID %q", f.ID)
				}
				rank, ok := severityOrder[f.Severity]
				if !ok {
					t.Errorf("%s: unknown severity %q", f.ID, f.Severity)
				}
				if i > 0 && rank < severityOrder[fs[i-1].Severity] {
					t.Errorf("%s (%s) comes after %s (%s)", f.ID, f.Severity, fs[i-1].ID, fs[i-1].Severity)
				}
				key := f.ID
				if f.ID == "ORIGIN-010" {
					key += " " + f.Title
				}
				if seen[key] {
					t.Errorf("%s reported twice", key)
				}
				seen[key] = true
			}
		})
	}
}

func TestLintOnlyPolicies(t *testing.T) {
	for _, tt := range []struct {
		name   string
		server engine.Server
	}{
		{"no server", engine.Server{}},
		{"raw server", engine.Server{Raw: &engine.RawServer{Actual: &engine.Response{Status: 200, Headers: engine.Headers{{Name: "Access-Control-Allow-Origin", Value: "*"}}}}}},
		{"invalid policy", engine.Server{Policy: &engine.Policy{Origins: []string{"https://example.*"}}}},
	} {
		t.Run(tt.name, func(t *testing.T) {
			s := engine.Scenario{V: engine.Version, Page: "https://app.example.com", Request: engine.Request{URL: "https://api.example.com/"}, Server: tt.server}
			if got := engine.Lint(s); got != nil {
				t.Errorf("Lint = %v, want nil", ids(got))
			}
		})
	}
}

// TestLintORIGIN010PerOrigin: one ORIGIN-010 finding per attacker origin.
func TestLintORIGIN010PerOrigin(t *testing.T) {
	s := scenario(withCredentials(origins(`re:example\.com`)))
	got := findingsWith(engine.Lint(s), "ORIGIN-010")
	var titles []string
	for _, f := range got {
		titles = append(titles, f.Title)
	}
	for _, o := range []string{"https://example.com.evil-attacker.net", "https://evilexample.com"} {
		if !slices.ContainsFunc(titles, func(t string) bool { return strings.HasSuffix(t, " "+o) }) {
			t.Errorf("no ORIGIN-010 for %s in %s", o, fmt.Sprint(titles))
		}
	}
}
