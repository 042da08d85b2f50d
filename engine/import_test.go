package engine

import (
	"encoding/json"
	"regexp"
	"slices"
	"strings"
	"testing"

	"corsplay/engine/server/expresscors"
)

// importProbeOrigins are the pages the property tries: trusted-looking,
// sibling, apex, attacker's, loopback and null.
var importProbeOrigins = []string{
	"https://app.example.com", "https://admin.example.com", "https://a.b.example.com", "https://example.com",
	"http://app.example.com", "https://app.example.com:8443", "https://xexample.com", "https://evilexample.com",
	"https://app.example.com.evil-attacker.net", "https://example.evil-attacker.net", "https://evil-attacker.net",
	"https://attacker.github.io", "http://localhost:3000", "http://localhost", "null",
}

// importProbe is one fetch() the property makes from each page.
type importProbe struct {
	name        string
	method      string
	headers     Headers
	credentials string
}

var importProbes = []importProbe{
	{"GET", "GET", nil, CredentialsOmit},
	{"GET+cookies", "GET", nil, CredentialsInclude},
	{"PUT json+cookies", "PUT", Headers{{Name: "Content-Type", Value: "application/json"}}, CredentialsInclude},
	{"DELETE auth", "DELETE", Headers{{Name: "Authorization", Value: "Bearer t"}}, CredentialsOmit},
	{"POST x-custom", "POST", Headers{{Name: "X-Custom", Value: "1"}}, CredentialsOmit},
	{"PATCH x-custom+cookies", "PATCH", Headers{{Name: "X-Custom", Value: "1"}}, CredentialsInclude},
}

// importTests: for each library, configurations and the policy they import
// to. differ lists the "probe page" pairs whose verdicts may differ ("probe
// *" for any page), each with text a note must contain to say why; every
// other pair must agree.
var importTests = []struct {
	name    string
	lib     string
	options string
	url     string // default https://api.example.com/items
	want    Policy // checked field by field when wantSet
	wantSet bool
	notes   []string          // each must appear in a note
	differ  map[string]string // "probe page" → note text explaining it
}{
	// ---- Flask-CORS ----
	{name: "flask default reflects", lib: "flask-cors", options: `{}`, wantSet: true,
		want:  Policy{AnyOrigin: AnyOriginReflect, Methods: []string{"DELETE", "GET", "HEAD", "OPTIONS", "PATCH", "POST", "PUT"}, RequestHeaders: []string{"*", "Authorization"}, PreflightStatus: 200},
		notes: []string{"substring of the methods list"}},
	{name: "flask default with credentials", lib: "flask-cors", options: `{"supports_credentials": true}`, wantSet: true,
		want: Policy{AnyOrigin: AnyOriginReflect, Credentials: true, Methods: []string{"DELETE", "GET", "HEAD", "OPTIONS", "PATCH", "POST", "PUT"}, RequestHeaders: []string{"*"}, PreflightStatus: 200}},
	{name: "flask send_wildcard", lib: "flask-cors", options: `{"origins": "*", "send_wildcard": true, "methods": ["PUT"]}`, wantSet: true,
		want:   Policy{AnyOrigin: AnyOriginWildcard, Methods: []string{"PUT"}, RequestHeaders: []string{"*", "Authorization"}, PreflightStatus: 200},
		differ: map[string]string{"POST x-custom *": "even GET, HEAD and POST"}},
	{name: "flask literal list", lib: "flask-cors",
		options: `{"origins": ["https://App.example.com", "https://admin.example.com"], "supports_credentials": true, "methods": ["GET", "PUT", "PATCH"], "allow_headers": ["Content-Type", "X-Custom"], "expose_headers": ["X-Total"], "max_age": 600}`,
		wantSet: true,
		want: Policy{Origins: []string{"https://app.example.com", "https://admin.example.com"}, Credentials: true, Methods: []string{"GET", "PATCH", "PUT"},
			RequestHeaders: []string{"Content-Type", "X-Custom"}, ExposeHeaders: []string{"X-Total"}, MaxAge: new(int64(600)), PreflightStatus: 200},
		differ: map[string]string{
			"POST x-custom https://app.example.com": "even GET, HEAD and POST", "POST x-custom https://admin.example.com": "even GET, HEAD and POST",
		}},
	{name: "flask single literal: no Vary", lib: "flask-cors", options: `{"origins": "https://app.example.com"}`, wantSet: true,
		want: Policy{Origins: []string{"https://app.example.com"}, Methods: []string{"DELETE", "GET", "HEAD", "OPTIONS", "PATCH", "POST", "PUT"}, RequestHeaders: []string{"*", "Authorization"}, PreflightStatus: 200, Vary: new(false)}},
	{name: "flask prefix regex", lib: "flask-cors", options: `{"origins": ["https://app\\.example\\.com", "https://.*\\.example\\.com$"], "supports_credentials": true}`, wantSet: true,
		want: Policy{Origins: []string{`re:(?i)^(?:https://app\.example\.com)`, `re:(?i)^(?:https://.*\.example\.com$)`}, Credentials: true, Methods: []string{"DELETE", "GET", "HEAD", "OPTIONS", "PATCH", "POST", "PUT"}, RequestHeaders: []string{"*"}, PreflightStatus: 200}},
	{name: "flask glob", lib: "flask-cors", options: `{"origins": ["https://*.example.com", "*.example.org"]}`,
		notes: []string{`"*.example.org" is not a valid Python regular expression`}},
	{name: "flask regex headers, star methods, float max_age", lib: "flask-cors",
		options: `{"origins": ["https://app.example.com", "null"], "methods": ["GET", "*", "DELETE", "POST", "PATCH"], "allow_headers": ["Authorization", "X-.*"], "max_age": 1.5}`,
		notes:   []string{`methods "*" is no wildcard`, `max_age "1.5"`},
		differ: map[string]string{
			"POST x-custom https://app.example.com": "allow_headers",
			"POST x-custom null":                    "allow_headers",
		}},
	{name: "flask resources elsewhere", lib: "flask-cors", options: `{"resources": {"/api/*": {"origins": "https://app.example.com"}}}`,
		notes: []string{`only to paths matching "/api/*"`},
		differ: map[string]string{
			"GET https://app.example.com": "only to paths", "DELETE auth https://app.example.com": "only to paths",
			"POST x-custom https://app.example.com": "only to paths",
		}},
	{name: "flask resources here", lib: "flask-cors", url: "https://api.example.com/api/items", options: `{"resources": {"/api/*": {"origins": "https://app.example.com"}}}`},
	{name: "flask expose star with credentials", lib: "flask-cors", options: `{"origins": "https://app\\.example\\.com$", "supports_credentials": true, "expose_headers": "*", "vary_header": false}`,
		notes: []string{`expose_headers "*" with supports_credentials`}},

	// ---- rs/cors ----
	{name: "rs defaults", lib: "rs-cors", options: `{}`, wantSet: true,
		want: Policy{AnyOrigin: AnyOriginWildcard, Methods: []string{"GET", "POST", "HEAD"}, RequestHeaders: []string{"accept", "content-type", "x-requested-with"}}},
	{name: "rs star with credentials", lib: "rs-cors", options: `{"AllowCredentials": true, "AllowedMethods": ["GET", "POST", "HEAD", "PUT"]}`, wantSet: true,
		want: Policy{AnyOrigin: AnyOriginWildcard, Credentials: true, Methods: []string{"GET", "POST", "HEAD", "PUT"}, RequestHeaders: []string{"accept", "content-type", "x-requested-with"}}},
	{name: "rs subdomains", lib: "rs-cors",
		options: `{"AllowedOrigins": ["https://*.example.com", "HTTPS://App.Example.com"], "AllowCredentials": true, "AllowedMethods": ["GET", "HEAD", "POST", "PUT", "PATCH"], "AllowedHeaders": ["Content-Type", "X-Custom"], "ExposedHeaders": ["x-total"], "MaxAge": 600, "OptionsSuccessStatus": 200}`,
		wantSet: true,
		want: Policy{Origins: []string{"https://*.example.com", "https://app.example.com"}, Credentials: true, Methods: []string{"GET", "HEAD", "POST", "PUT", "PATCH"},
			RequestHeaders: []string{"content-type", "x-custom"}, ExposeHeaders: []string{"X-Total"}, MaxAge: new(int64(600)), PreflightStatus: 200}},
	{name: "rs misplaced wildcards", lib: "rs-cors", options: `{"AllowedOrigins": ["https://example.*", "http://localhost:*", "https://*example.com", "h*x"], "AllowedHeaders": ["*"]}`, wantSet: true,
		want: Policy{Origins: []string{`re:(?i)^https://example\..*$`, `re:(?i)^http://localhost:.*$`, `re:(?i)^https://.*example\.com$`, `re:(?i)^h.*x$`},
			Methods: []string{"GET", "POST", "HEAD"}, RequestHeaders: []string{"*", "Authorization"}}},
	{name: "rs methods also checked on actual requests", lib: "rs-cors", options: `{"AllowedOrigins": ["https://app.example.com"], "AllowedMethods": ["PUT", "*"], "AllowedHeaders": ["Content-Type"], "AllowCredentials": true}`,
		notes: []string{`AllowedMethods "*" is no wildcard`},
		differ: map[string]string{
			"GET https://app.example.com": "actual requests", "GET+cookies https://app.example.com": "actual requests",
		}},
	{name: "rs star in list, passthrough", lib: "rs-cors", options: `{"AllowedOrigins": ["https://app.example.com", "*"], "OptionsPassthrough": true, "AllowedMethods": ["GET", "DELETE"], "AllowedHeaders": ["Authorization"], "AllowPrivateNetwork": true}`,
		notes:  []string{"Private Network Access"},
		differ: map[string]string{}},

	// ---- jub0bs/cors ----
	{name: "jub0bs exact", lib: "jub0bs-cors", options: `{"Origins": ["https://app.example.com"], "Credentialed": true, "Methods": ["PUT", "GET"], "RequestHeaders": ["Content-Type"], "MaxAgeInSeconds": 600}`, wantSet: true,
		want: Policy{Origins: []string{"https://app.example.com"}, Credentials: true, Methods: []string{"PUT"}, RequestHeaders: []string{"content-type"}, MaxAge: new(int64(600))}},
	{name: "jub0bs any origin, any method", lib: "jub0bs-cors", options: `{"Origins": ["*"], "Methods": ["*"], "RequestHeaders": ["*", "Authorization"], "ResponseHeaders": ["*"]}`, wantSet: true,
		want: Policy{AnyOrigin: AnyOriginWildcard, Methods: []string{"*"}, RequestHeaders: []string{"*", "Authorization"}, ExposeHeaders: []string{"*"}}},
	{name: "jub0bs subdomains and ports", lib: "jub0bs-cors", options: `{"Origins": ["https://*.example.com", "http://localhost:*", "https://*.example.org:*"], "Methods": ["DELETE", "PATCH"], "RequestHeaders": ["Authorization", "X-Custom"], "MaxAgeInSeconds": -1}`, wantSet: true,
		want: Policy{Origins: []string{"https://*.example.com", "http://localhost:*", `re:^https://.+\.example\.org(:[0-9]+)?$`}, Methods: []string{"DELETE", "PATCH"}, RequestHeaders: []string{"authorization", "x-custom"}, MaxAge: new(int64(0))}},
	{name: "jub0bs credentialed wildcard headers", lib: "jub0bs-cors", options: `{"Origins": ["https://app.example.com", "https://admin.example.com"], "Credentialed": true, "Methods": ["*"], "RequestHeaders": ["*"]}`},

	// ---- express cors ----
	{name: "express defaults", lib: "express-cors", options: `{}`, wantSet: true,
		want: Policy{AnyOrigin: AnyOriginWildcard, Methods: []string{"GET", "HEAD", "PUT", "PATCH", "POST", "DELETE"}, RequestHeaders: []string{"*", "Authorization"}}},
	{name: "express reflect with credentials", lib: "express-cors", options: `{"origin": true, "credentials": true}`, wantSet: true,
		want:  Policy{AnyOrigin: AnyOriginReflect, Credentials: true, Methods: []string{"GET", "HEAD", "PUT", "PATCH", "POST", "DELETE"}, RequestHeaders: []string{"*"}},
		notes: []string{"to refused origins too"}},
	{name: "express list and RegExp", lib: "express-cors",
		options: `{"origin": ["https://app.example.com", {"regexp": "\\.example\\.com$"}, {"regexp": "^https://ADMIN\\.example\\.com$", "flags": "i"}], "credentials": true, "methods": ["GET", "PUT"], "allowedHeaders": "Content-Type,X-Custom", "exposedHeaders": ["X-Total"], "maxAge": 600, "optionsSuccessStatus": 200}`,
		wantSet: true,
		want: Policy{Origins: []string{"https://app.example.com", `re:\.example\.com$`, `re:(?i)^https://ADMIN\.example\.com$`}, Credentials: true, Methods: []string{"GET", "PUT"},
			RequestHeaders: []string{"Content-Type", "X-Custom"}, ExposeHeaders: []string{"X-Total"}, MaxAge: new(int64(600)), PreflightStatus: 200}},
	{name: "express static string", lib: "express-cors", options: `{"origin": "https://app.example.com", "methods": "GET,PUT,PATCH", "allowedHeaders": ["X-Custom", "Authorization"]}`,
		notes: []string{"is a single string"}},
	{name: "express star with credentials", lib: "express-cors", options: `{"origin": "*", "credentials": true}`},
	{name: "express origin false", lib: "express-cors", options: `{"origin": false}`, wantSet: true, want: Policy{}, notes: []string{"falsy"}},
	{name: "express star methods with credentials", lib: "express-cors", options: `{"origin": ["https://app.example.com"], "credentials": true, "methods": "*", "allowedHeaders": "*"}`,
		notes: []string{`methods "*" with credentials`, `allowedHeaders "*" with credentials`},
		differ: map[string]string{
			"PUT json+cookies https://app.example.com":       `methods "*" with credentials`,
			"PATCH x-custom+cookies https://app.example.com": `methods "*" with credentials`,
		}},
	{name: "express preflightContinue, glob string", lib: "express-cors", options: `{"origin": ["https://*.example.com", "https://app.example.com"], "preflightContinue": true, "methods": ["DELETE", "PATCH"]}`},
	{name: "express unparsable methods", lib: "express-cors", options: `{"origin": "https://app.example.com", "methods": "GET;PUT"}`,
		differ: map[string]string{"POST x-custom https://app.example.com": "cannot parse"}},
	{name: "express methods null throws", lib: "express-cors", options: `{"origin": "https://app.example.com", "methods": null}`,
		notes: []string{"throws on every preflight"}},
}

func TestLibraryToPolicy(t *testing.T) {
	for _, tt := range importTests {
		t.Run(tt.name, func(t *testing.T) {
			lib := Library{Name: tt.lib, Options: importOptions(t, tt.options)}
			p, notes, err := lib.ToPolicy()
			if err != nil {
				t.Fatalf("ToPolicy: %v", err)
			}
			if err := p.validate(); err != nil {
				t.Fatalf("the imported policy does not validate: %v\n%+v", err, p)
			}
			if tt.wantSet {
				got, _ := json.Marshal(p)
				want, _ := json.Marshal(tt.want)
				if string(got) != string(want) {
					t.Errorf("policy\n got %s\nwant %s", got, want)
				}
			}
			for _, n := range tt.notes {
				if !slices.ContainsFunc(notes, func(x string) bool { return strings.Contains(x, n) }) {
					t.Errorf("no note says %q; notes:\n%s", n, strings.Join(notes, "\n"))
				}
			}
			url := tt.url
			if url == "" {
				url = "https://api.example.com/items"
			}
			checkSameVerdicts(t, lib, p, notes, url, tt.differ)
		})
	}
}

// checkSameVerdicts is the property: from every probe page, every probe
// request gets the same browser verdict from the policy as from the
// library, unless differ lists the pair and a note explains it; and every
// listed pair does differ.
func checkSameVerdicts(t *testing.T, lib Library, p Policy, notes []string, url string, differ map[string]string) {
	t.Helper()
	differs := map[string]bool{}
	for _, pr := range importProbes {
		for _, page := range importProbeOrigins {
			s := Scenario{V: Version, Page: page, Request: Request{URL: url, Method: pr.method, Headers: pr.headers, Credentials: pr.credentials}}
			if pr.method != "GET" {
				s.Request.Body = new("{}")
			}
			s.Server = Server{Library: &lib}
			fromLib := Evaluate(s)
			s.Server = Server{Policy: &p}
			fromPolicy := Evaluate(s)
			key := pr.name + " " + page
			if fromLib.Verdict == fromPolicy.Verdict {
				continue
			}
			differs[key] = true
			why, listed := differ[key]
			if !listed {
				why, listed = differ[pr.name+" *"]
				differs[pr.name+" *"] = true
			}
			if !listed {
				t.Errorf("%s: the library says %s (%s), the policy %s (%s), and no note says why", key, fromLib.Verdict, fromLib.CORSError, fromPolicy.Verdict, fromPolicy.CORSError)
				continue
			}
			if !slices.ContainsFunc(notes, func(n string) bool { return strings.Contains(n, why) }) {
				t.Errorf("%s differs, but no note mentions %q", key, why)
			}
		}
	}
	for key := range differ {
		if !differs[key] {
			t.Errorf("%s is listed as differing, but both say the same", key)
		}
	}
}

func importOptions(t *testing.T, s string) map[string]json.RawMessage {
	t.Helper()
	var m map[string]json.RawMessage
	if err := json.Unmarshal([]byte(s), &m); err != nil {
		t.Fatalf("%s: %v", s, err)
	}
	return m
}

func TestLibraryToPolicyRefused(t *testing.T) {
	for _, tt := range []struct{ lib, options string }{
		{"flask-cors", `{"origins": "*", "supports_credentials": true, "send_wildcard": true}`},
		{"jub0bs-cors", `{"Origins": ["*"], "Credentialed": true}`},
		{"rs-cors", `{"AllowOriginFunc": "f"}`},
		{"no-such-library", `{}`},
	} {
		if _, _, err := (Library{Name: tt.lib, Options: importOptions(t, tt.options)}).ToPolicy(); err == nil {
			t.Errorf("%s %s: no error", tt.lib, tt.options)
		}
	}
}

// TestImportedRegexpsAgree: the readable Go pattern an import writes
// matches exactly what the library's own translation matches.
func TestImportedRegexpsAgree(t *testing.T) {
	// No newline: no Origin header carries one (Python's $ would match
	// before a final one).
	inputs := append(slices.Clone(importProbeOrigins), "HTTPS://APP.EXAMPLE.COM", "https://a-b.example.com", "https://app.example.comx", "ftp://example.com")
	for _, tt := range []struct{ lib, options string }{
		{"flask-cors", `{"origins": ["https://app\\.example\\.com", "https://.*\\.example\\.com$", "^https?://(www|api)\\.example\\.(com|org)(:\\d+)?$", "https://[a-z0-9-]+\\.example\\.com", "https://*.example.com", "\\w+://localhost"]}`},
		{"express-cors", `{"origin": [{"regexp": "\\.example\\.com$"}, {"regexp": "^https://ADMIN\\.example\\.com$", "flags": "i"}, {"regexp": "^https:\\/\\/[a-z]+\\.example\\.com$"}, {"regexp": "example.com"}, {"regexp": "[]x"}, {"regexp": "^https://(?:a|b)\\.example\\.com(:\\d{2,5})?$"}, {"regexp": "\\s*example"}]}`},
	} {
		lib := Library{Name: tt.lib, Options: importOptions(t, tt.options)}
		em, err := lib.emulation()
		if err != nil {
			t.Fatal(err)
		}
		im := importLibrary(lib, em, "", testMeter())
		for _, entry := range im.policy.Origins {
			re := regexp.MustCompile(strings.TrimPrefix(entry, "re:"))
			for _, in := range inputs {
				want := libraryAccepts(lib, im.entries[entry], in)
				if got := re.MatchString(in); got != want {
					t.Errorf("%s %s on %q: policy %v, library %v", tt.lib, entry, in, got, want)
				}
			}
		}
	}
}

// libraryAccepts asks the library's own matcher about one entry: the
// library configured with that entry alone answers origin.
func libraryAccepts(lib Library, e importEntry, origin string) bool {
	var one any = []string{e.lib}
	if lib.Name == expresscors.Name { // a RegExp: {"regexp": source, "flags": flags}
		one = []map[string]string{{"regexp": e.source, "flags": e.flags}}
	}
	list, _ := json.Marshal(one)
	em, err := Library{Name: lib.Name, Version: lib.Version, Options: map[string]json.RawMessage{libraryOriginsOption(lib.Name): list}}.emulation()
	if err != nil {
		panic(err)
	}
	acao, _ := em.respond(HTTPRequest{Method: "GET", URL: "https://api.example.com/r", Headers: Headers{{Name: "Origin", Value: origin}}, meter: testMeter()}).Headers.Get("Access-Control-Allow-Origin")
	return acao == origin
}
