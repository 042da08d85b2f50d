package engine_test

import (
	"encoding/json"
	"slices"
	"strings"
	"testing"

	"corsplay/engine"
)

// libScenario: the page https://app.example.com calls
// https://api.example.com/items with cookies, answered by a library
// configured with options (a JSON object).
func libScenario(t testing.TB, name, options string) engine.Scenario {
	t.Helper()
	var opts map[string]json.RawMessage
	if err := json.Unmarshal([]byte(options), &opts); err != nil {
		t.Fatalf("%s: %v", options, err)
	}
	return engine.Scenario{V: engine.Version, Page: "https://app.example.com",
		Request: engine.Request{URL: "https://api.example.com/items", Credentials: engine.CredentialsInclude},
		Server:  engine.Server{Library: &engine.Library{Name: name, Options: opts}}}
}

// libraryLintTests: each library finding triggered, with its severity and
// what it must say (the library's terms, a concrete origin the library
// really accepts), and close variants that do not trigger it.
var libraryLintTests = []struct {
	name, lib, options string
	id                 string
	severity           string // absent: the ID must not appear
	mentions           []string
}{
	// Flask-CORS: the default origins "*" reflects any origin.
	{"flask default with credentials", "flask-cors", `{"supports_credentials": true}`, "ORIGIN-002", danger,
		[]string{`default "*"`, "send_wildcard", "supports_credentials=True", "https://evil-attacker.net", `origins=["https://app.example.com"]`}},
	{"flask explicit * with credentials", "flask-cors", `{"origins": "*", "supports_credentials": true}`, "ORIGIN-002", danger, []string{`origins is "*"`}},
	{"flask list with credentials is not 002", "flask-cors", `{"origins": ["https://app.example.com"], "supports_credentials": true}`, "ORIGIN-002", absent, nil},
	{"flask default without credentials", "flask-cors", `{}`, "ORIGIN-003", warning, []string{`default "*"`, "send_wildcard=True"}},
	{"flask send_wildcard is not 003", "flask-cors", `{"send_wildcard": true}`, "ORIGIN-003", absent, nil},
	{"flask default with credentials is not 003", "flask-cors", `{"supports_credentials": true}`, "ORIGIN-003", absent, nil},
	{"flask default: null reflected", "flask-cors", `{"supports_credentials": true}`, "ORIGIN-004", danger, []string{"reflects every origin"}},

	// Flask-CORS: a glob is a regular expression (ORIGIN-016).
	{"flask glob subdomains", "flask-cors", `{"origins": "https://*.example.com", "supports_credentials": true}`, "ORIGIN-016", danger,
		[]string{"re.match", "does not match https://app.example.com", "https://xexample.com", `r"^https://([a-z0-9-]+\.)+example\.com$"`}},
	{"flask glob without scheme never matches", "flask-cors", `{"origins": ["https://app.example.com", "*.example.com"]}`, "ORIGIN-016", errorS,
		[]string{"never matches", "rejects"}},
	{"flask glob port", "flask-cors", `{"origins": "http://localhost:*"}`, "ORIGIN-016", danger,
		[]string{"http://localhost.evil-attacker.net", `(:[0-9]+)?$`}},
	{"flask real regex is not 016", "flask-cors", `{"origins": "https://.*\\.example\\.com$"}`, "ORIGIN-016", absent, nil},
	{"flask literal is not 016", "flask-cors", `{"origins": "https://app.example.com"}`, "ORIGIN-016", absent, nil},

	// Flask-CORS regular expressions: re.match, prefix semantics.
	{"flask regex without $", "flask-cors", `{"origins": "https://app\\.example\\.com", "supports_credentials": true}`, "ORIGIN-005", danger,
		[]string{"re.match", "https://app.example.com.evil-attacker.net", `r"^https://app\.example\.com$"`}},
	{"flask regex with $", "flask-cors", `{"origins": "https://app\\.example\\.com$"}`, "ORIGIN-005", absent, nil},
	{"flask regex: re.match anchors the start", "flask-cors", `{"origins": "https://app\\.example\\.com$"}`, "ORIGIN-006", absent, nil},
	{"flask regex without a label boundary", "flask-cors", `{"origins": "https://.*example\\.com$"}`, "ORIGIN-008", danger,
		[]string{"https://evilexample.com", `r"^https://([a-z0-9-]+\.)*example\.com$"`}},
	{"flask regex with a dot", "flask-cors", `{"origins": "https://.*\\.example\\.com$"}`, "ORIGIN-008", absent, nil},
	{"flask null literal", "flask-cors", `{"origins": ["https://app.example.com", "null"]}`, "ORIGIN-004", warning, []string{`origins lists "null"`}},
	{"flask trailing slash", "flask-cors", `{"origins": ["https://app.example.com/", "https://b.example.com"]}`, "ORIGIN-014", errorS, []string{"case-insensitively", "trailing slash"}},
	{"flask upper case matches", "flask-cors", `{"origins": ["https://App.Example.com", "https://b.example.com"]}`, "ORIGIN-014", absent, nil},
	{"flask * with a list", "flask-cors", `{"origins": ["https://app.example.com", "*"]}`, "ORIGIN-015", warning, []string{`"*" in origins`, "https://app.example.com"}},
	{"flask single origin: no Vary", "flask-cors", `{"origins": "https://app.example.com"}`, "VARY-001", warning, []string{"after_request", "several entries"}},
	{"flask two origins vary", "flask-cors", `{"origins": ["https://app.example.com", "https://b.example.com"]}`, "VARY-001", absent, nil},
	{"flask vary_header off", "flask-cors", `{"origins": ["https://app.example.com", "https://b.example.com"], "vary_header": false}`, "VARY-001", warning, []string{"vary_header=False"}},
	{"flask http origin", "flask-cors", `{"origins": ["http://app.example.com", "https://b.example.com"], "supports_credentials": true}`, "ORIGIN-011", danger, []string{"Flask-CORS trusts"}},

	// rs/cors
	{"rs default origins with credentials", "rs-cors", `{"AllowCredentials": true}`, "ORIGIN-001", errorS, []string{"AllowedOrigins is empty", "AllowedOrigins: []string{"}},
	{"rs * with credentials", "rs-cors", `{"AllowedOrigins": ["*"], "AllowCredentials": true}`, "ORIGIN-001", errorS, []string{`AllowedOrigins contains "*"`}},
	{"rs * without credentials", "rs-cors", `{"AllowedOrigins": ["*"]}`, "ORIGIN-001", absent, nil},
	{"rs list with credentials", "rs-cors", `{"AllowedOrigins": ["https://app.example.com"], "AllowCredentials": true}`, "ORIGIN-001", absent, nil},
	{"rs h*", "rs-cors", `{"AllowedOrigins": ["h*"], "AllowCredentials": true}`, "ORIGIN-009", danger, []string{"first *", "https://evil-attacker.net", "cookies"}},
	{"rs example.*", "rs-cors", `{"AllowedOrigins": ["https://example.*"]}`, "ORIGIN-009", danger, []string{"https://example.evil-attacker.net"}},
	{"rs *example.com", "rs-cors", `{"AllowedOrigins": ["https://*example.com"]}`, "ORIGIN-009", danger, []string{"https://evilexample.com"}},
	{"rs two stars", "rs-cors", `{"AllowedOrigins": ["https://*.example.com:*"]}`, "ORIGIN-009", errorS, []string{"never match"}},
	{"rs subdomains are not 009", "rs-cors", `{"AllowedOrigins": ["https://*.example.com", "http://localhost:*"]}`, "ORIGIN-009", absent, nil},
	{"rs subdomains trusted", "rs-cors", `{"AllowedOrigins": ["https://*.example.com"], "AllowCredentials": true}`, "ORIGIN-012", warning, []string{"rs/cors trusts"}},
	{"rs regex text", "rs-cors", `{"AllowedOrigins": ["^https://app\\.example\\.com$"]}`, "ORIGIN-016", errorS, []string{"no regular expressions", "never matches"}},
	{"rs exact is not 016", "rs-cors", `{"AllowedOrigins": ["https://app.example.com"]}`, "ORIGIN-016", absent, nil},
	{"rs * with a list", "rs-cors", `{"AllowedOrigins": ["https://app.example.com", "*"]}`, "ORIGIN-015", warning, []string{`"*" in AllowedOrigins`}},

	// express cors
	{"express origin true with credentials", "express-cors", `{"origin": true, "credentials": true}`, "ORIGIN-002", danger,
		[]string{"origin: true", "credentials: true", "https://evil-attacker.net"}},
	{"express origin true", "express-cors", `{"origin": true}`, "ORIGIN-003", warning, []string{"origin: true", `origin: "*"`}},
	{"express truthy object reflects", "express-cors", `{"origin": {"a": 1}, "credentials": true}`, "ORIGIN-002", danger, []string{"treats such a truthy value like true"}},
	{"express array is not 002", "express-cors", `{"origin": ["https://app.example.com"], "credentials": true}`, "ORIGIN-002", absent, nil},
	{"express * with credentials", "express-cors", `{"origin": "*", "credentials": true}`, "ORIGIN-001", errorS, []string{`origin is "*"`, "Do not switch to origin: true"}},
	{"express default with credentials", "express-cors", `{"credentials": true}`, "ORIGIN-001", errorS, []string{`default "*"`}},
	{"express * without credentials", "express-cors", `{"origin": "*"}`, "ORIGIN-001", absent, nil},
	{"express glob in array", "express-cors", `{"origin": ["https://*.example.com", "https://b.example.com"]}`, "ORIGIN-016", errorS, []string{"===", "never matches"}},
	{"express glob string", "express-cors", `{"origin": "https://*.example.com"}`, "ORIGIN-016", errorS, []string{"to every origin", "every cross-origin request fails"}},
	{"express glob is not also 014", "express-cors", `{"origin": ["https://*.example.com", "https://b.example.com"]}`, "ORIGIN-014", absent, nil},
	{"express RegExp is not 016", "express-cors", `{"origin": {"regexp": "^https://app\\.example\\.com$"}}`, "ORIGIN-016", absent, nil},
	{"express RegExp unanchored end", "express-cors", `{"origin": {"regexp": "^https://app\\.example\\.com"}, "credentials": true}`, "ORIGIN-005", danger,
		[]string{"RegExp.prototype.test", "https://app.example.com.evil-attacker.net", `/^https:\/\/app\.example\.com$/`}},
	{"express RegExp unanchored start", "express-cors", `{"origin": {"regexp": "example\\.com$"}}`, "ORIGIN-006", danger, []string{"https://evilexample.com"}},
	{"express RegExp anchored", "express-cors", `{"origin": {"regexp": "^https://app\\.example\\.com$"}}`, "ORIGIN-006", absent, nil},
	{"express null in array", "express-cors", `{"origin": ["https://app.example.com", "null"], "credentials": true}`, "ORIGIN-004", danger, []string{`origin lists "null"`}},

	// jub0bs/cors refuses the dangerous ones: only the policy rules speak.
	{"jub0bs exact", "jub0bs-cors", `{"Origins": ["https://app.example.com"], "Credentialed": true}`, "ORIGIN-010", absent, nil},
	{"jub0bs subdomains", "jub0bs-cors", `{"Origins": ["https://*.example.com"], "Credentialed": true}`, "ORIGIN-012", warning, []string{"jub0bs/cors trusts"}},
	{"jub0bs tolerated http", "jub0bs-cors", `{"Origins": ["http://app.example.com"], "Credentialed": true, "DangerouslyTolerateInsecureOrigins": true}`, "ORIGIN-011", danger, nil},
}

func TestLibraryLint(t *testing.T) {
	for _, tt := range libraryLintTests {
		t.Run(tt.name, func(t *testing.T) {
			s := libScenario(t, tt.lib, tt.options)
			findings := engine.Lint(s)
			i := slices.IndexFunc(findings, func(f engine.Finding) bool { return f.ID == tt.id })
			if tt.severity == absent {
				if i >= 0 {
					t.Errorf("%s found, want none: %+v", tt.id, findings[i])
				}
				return
			}
			if i < 0 {
				var ids []string
				for _, f := range findings {
					ids = append(ids, f.ID)
				}
				t.Fatalf("no %s; findings %q", tt.id, ids)
			}
			f := findings[i]
			if f.Severity != tt.severity {
				t.Errorf("%s severity %s, want %s", tt.id, f.Severity, tt.severity)
			}
			if f.Title == "" || f.Detail == "" || f.Fix == "" {
				t.Errorf("%s: title, detail and fix are all needed: %+v", tt.id, f)
			}
			text := f.Title + " " + f.Detail + " " + f.Fix
			for _, m := range tt.mentions {
				if !strings.Contains(text, m) {
					t.Errorf("%s does not mention %q:\n%s", tt.id, m, text)
				}
			}
			// A library finding speaks the library's terms, never the
			// policy's.
			for _, policyWord := range []string{"re:", "anyOrigin", "allowNull", "The policy"} {
				if strings.Contains(text, policyWord) {
					t.Errorf("%s speaks of %q, a policy term:\n%s", tt.id, policyWord, text)
				}
			}
		})
	}
}

// TestLibraryLintConcreteOrigins: every attacker's origin a library
// finding names is one the library's emulation lets read.
func TestLibraryLintConcreteOrigins(t *testing.T) {
	for _, tt := range libraryLintTests {
		if tt.severity != danger {
			continue
		}
		s := libScenario(t, tt.lib, tt.options)
		for _, f := range engine.Lint(s) {
			if f.ID != tt.id {
				continue
			}
			for _, o := range []string{"https://xexample.com", "https://evil-attacker.net", "https://example.evil-attacker.net", "https://evilexample.com", "https://app.example.com.evil-attacker.net", "http://localhost.evil-attacker.net"} {
				if !strings.Contains(f.Detail, o+",") && !strings.Contains(f.Detail, o+" ") && !strings.Contains(f.Detail, o+")") {
					continue
				}
				if !libReads(t, s, o) {
					t.Errorf("%s %s names %s, which the library does not let read", tt.name, f.ID, o)
				}
			}
		}
	}
}

// libReads: a GET from page o to the library server is allowed.
func libReads(t *testing.T, s engine.Scenario, o string) bool {
	t.Helper()
	s.Page = o
	s.Request.Credentials = engine.CredentialsOmit
	return engine.Evaluate(s).Verdict == engine.Allowed
}

func TestLibraryExposure(t *testing.T) {
	for _, tt := range []struct {
		name, lib, options string
		// attacker: an attacker's origin must read with cookies.
		attacker bool
	}{
		{"flask default origins with credentials", "flask-cors", `{"supports_credentials": true}`, true},
		{"express origin true with credentials", "express-cors", `{"origin": true, "credentials": true}`, true},
		{"jub0bs exact origin", "jub0bs-cors", `{"Origins": ["https://app.example.com"], "Credentialed": true, "Methods": ["PUT"]}`, false},
		{"jub0bs subdomains", "jub0bs-cors", `{"Origins": ["https://*.example.com", "https://admin.example.org"], "Credentialed": true}`, false},
	} {
		t.Run(tt.name, func(t *testing.T) {
			s := libScenario(t, tt.lib, tt.options)
			probes := engine.Exposure(s)
			if len(probes) == 0 {
				t.Fatal("no attacker's view for a library server")
			}
			var readers []string
			for _, p := range probes {
				if p.Risk == "danger" && p.WithCookies && p.Origin != "null" {
					readers = append(readers, p.Origin)
					if !libReads(t, s, p.Origin) {
						t.Errorf("%s is said to read, but the library refuses it", p.Origin)
					}
				}
			}
			if tt.attacker && len(readers) == 0 {
				t.Errorf("no attacker's origin reads with cookies: %+v", probes)
			}
			if !tt.attacker && len(readers) > 0 {
				t.Errorf("attacker's origins read with cookies: %q", readers)
			}
			if !tt.attacker {
				for _, p := range probes {
					if p.Risk == "danger" {
						t.Errorf("%s (%s) is a danger", p.Origin, p.Kind)
					}
				}
			}
		})
	}
}

// TestLibraryExposureAsksTheLibrary: the attacker's view is what the
// library answers, not what its policy would: rs/cors refuses a GET it
// does not list in AllowedMethods, even from a trusted origin.
func TestLibraryExposureAsksTheLibrary(t *testing.T) {
	s := libScenario(t, "rs-cors", `{"AllowedOrigins": ["https://app.example.com"], "AllowedMethods": ["PUT"]}`)
	for _, p := range engine.Exposure(s) {
		if p.Origin == "https://app.example.com" && (p.Readable || p.WithCookies) {
			t.Errorf("%s reads a GET, but rs/cors answers it without CORS headers", p.Origin)
		}
	}
	s = libScenario(t, "rs-cors", `{"AllowedOrigins": ["https://example.*"]}`)
	i := slices.IndexFunc(engine.Exposure(s), func(p engine.Probe) bool { return p.Kind == "pattern" })
	if i < 0 {
		t.Fatal("no probe for what https://example.* lets in")
	}
	if p := engine.Exposure(s)[i]; p.Origin != "https://example.evil-attacker.net" || !p.Readable || p.Risk != "danger" {
		t.Errorf("pattern probe %+v", p)
	}
}

func TestLibraryLintRefusedConfiguration(t *testing.T) {
	s := libScenario(t, "jub0bs-cors", `{"Origins": ["*"], "Credentialed": true}`)
	if got := engine.Lint(s); got != nil {
		t.Errorf("Lint of a configuration the library refuses = %v, want nil", got)
	}
	if got := engine.Exposure(s); got != nil {
		t.Errorf("Exposure of a configuration the library refuses = %v, want nil", got)
	}
}

// TestLibraryLintInEvaluate: Evaluate carries the library's findings, its
// warnings (LIB-001) among them, most severe first.
func TestLibraryLintInEvaluate(t *testing.T) {
	s := libScenario(t, "flask-cors", `{"supports_credentials": true, "headers": ["X-Debug"]}`)
	out := engine.Evaluate(s)
	var ids []string
	for _, f := range out.Lint {
		ids = append(ids, f.ID)
	}
	for _, id := range []string{"ORIGIN-002", "LIB-001"} {
		if !slices.Contains(ids, id) {
			t.Errorf("no %s in %q", id, ids)
		}
	}
	rank := map[string]int{errorS: 0, danger: 1, warning: 2, info: 3}
	for i := 1; i < len(out.Lint); i++ {
		if rank[out.Lint[i].Severity] < rank[out.Lint[i-1].Severity] {
			t.Errorf("findings out of order: %q", ids)
		}
	}
	if len(out.Exposure) == 0 {
		t.Error("no attacker's view")
	}
}

// TestLintSpeaksTheLibrarysRegex: the regular-expression findings of a
// library's configuration say how that library matches (its Matching) and
// write the anchored pattern in its own syntax, not in Go's or the
// policy's re: form.
func TestLintSpeaksTheLibrarysRegex(t *testing.T) {
	for _, c := range []struct{ lib, options, says, fix string }{
		{"django-cors-headers", `{"CORS_ALLOWED_ORIGIN_REGEXES": ["^https://app\\.example\\.com"], "CORS_ALLOW_CREDENTIALS": true}`,
			"Python's re.match", ""},
		{"nginx", `{"config": "map $http_origin $cors { ~^https://app\\.example\\.com $http_origin; }\nadd_header Access-Control-Allow-Origin $cors always;\nadd_header Access-Control-Allow-Credentials true always;"}`,
			"nginx matches a ~", `spell out the scheme: ^https://app\.example\.com$.`},
		{"flask-cors", `{"origins": ["^https://app\\.example\\.com"], "supports_credentials": true}`,
			"Python's re.match, case-insensitively", `r"^https://app\.example\.com$"`},
	} {
		out := engine.Evaluate(libScenario(t, c.lib, c.options))
		i := slices.IndexFunc(out.Lint, func(f engine.Finding) bool { return f.ID == "ORIGIN-005" })
		if i < 0 {
			t.Errorf("%s: no ORIGIN-005 in %+v", c.lib, out.Lint)
			continue
		}
		f := out.Lint[i]
		if !strings.Contains(f.Detail, c.says) || strings.Contains(f.Detail, "Go's regexp") {
			t.Errorf("%s: the finding says %q, want %q", c.lib, f.Detail, c.says)
		}
		if !strings.Contains(f.Fix, c.fix) || strings.Contains(f.Fix, "re:") {
			t.Errorf("%s: the fix is %q, want %q in it and no re:", c.lib, f.Fix, c.fix)
		}
	}
}
