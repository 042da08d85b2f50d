package libtest

import (
	"encoding/json"
	"testing"

	"corsplay/engine"
)

// The fixes for library servers, proven with the real libraries. For each
// blocked scenario below, the engine's fix changes the library's options;
//
//   - the fixed configuration joins each library's differential corpus
//     (libFixCorpus), so that the emulation is compared with the real
//     library on exactly the requests the browser sends once it is fixed
//     (and the blocked one on the requests it sent);
//   - TestLibraryFixesRunForReal (libfix_test.go) runs the fix's code
//     itself — its Code.Before and Code.After, as printed — in a real
//     program, sends the browser's requests and lets the engine judge the
//     real answers as a raw server: blocked before, allowed after.

// libFixCase is a blocked request to a library server.
type libFixCase struct {
	name, lib, options string
	method             string
	headers            engine.Headers
	creds              string
}

const libFixPage = "http://localhost:3000"

var libFixJSON = engine.Headers{{Name: "Content-Type", Value: "application/json"}}

var libFixCases = []libFixCase{
	{"flask wrong origin", "flask-cors", `{"origins": ["https://app.example.com"]}`, "GET", nil, ""},
	{"flask allow_headers lacks a header", "flask-cors", `{"origins": "http://localhost:3000", "allow_headers": ["Content-Type"]}`, "PUT",
		engine.Headers{{Name: "Content-Type", Value: "application/json"}, {Name: "X-Api-Key", Value: "k1"}}, ""},
	{"flask send_wildcard with credentials", "flask-cors", `{"send_wildcard": true}`, "GET", nil, "include"},
	{"flask the tutorial's headers=", "flask-cors", `{"headers": ["Content-Type"]}`, "POST", libFixJSON, "include"},
	{"flask misspelled supports_credential", "flask-cors", `{"origins": "http://localhost:3000", "supports_credential": true}`, "GET", nil, "include"},
	{"flask methods lack DELETE", "flask-cors", `{"origins": ["http://localhost:3000"], "methods": "GET, POST"}`, "DELETE", nil, ""},
	{"flask refuses send_wildcard with supports_credentials", "flask-cors", `{"send_wildcard": true, "supports_credentials": true}`, "GET", nil, "include"},
	{"flask GET with a header needs GET in methods", "flask-cors", `{"origins": "http://localhost:3000", "methods": ["PUT"]}`, "GET",
		engine.Headers{{Name: "X-Api-Key", Value: "k1"}}, ""},

	{"rs wrong origin", "rs-cors", `{"AllowedOrigins": ["https://app.example.com"]}`, "GET", nil, ""},
	{"rs defaults lack the method and a header", "rs-cors", `{"AllowedOrigins": ["http://localhost:3000"]}`, "PUT",
		engine.Headers{{Name: "Content-Type", Value: "application/json"}, {Name: "X-Api-Key", Value: "k1"}}, ""},
	{"rs * with credentials", "rs-cors", `{"AllowedOrigins": ["*"], "AllowCredentials": true}`, "GET", nil, "include"},
	{"rs GET unlisted", "rs-cors", `{"AllowedOrigins": ["http://localhost:3000"], "AllowedMethods": ["PUT"]}`, "GET", nil, ""},
	{"rs preflight status 401", "rs-cors", `{"AllowedOrigins": ["http://localhost:3000"], "AllowedMethods": ["PUT"], "OptionsSuccessStatus": 401}`, "PUT", nil, ""},

	{"jub0bs wrong origin", "jub0bs-cors", `{"Origins": ["https://app.example.com"]}`, "GET", nil, ""},
	{"jub0bs request header missing", "jub0bs-cors", `{"Origins": ["http://localhost:3000"], "Methods": ["PUT"]}`, "PUT", libFixJSON, ""},
	{"jub0bs * with credentials", "jub0bs-cors", `{"Origins": ["*"]}`, "GET", nil, "include"},
	{"jub0bs method missing", "jub0bs-cors", `{"Origins": ["http://localhost:3000"], "RequestHeaders": ["Content-Type"]}`, "DELETE", libFixJSON, "include"},
	{"jub0bs refuses * with Credentialed", "jub0bs-cors", `{"Origins": ["*"], "Credentialed": true, "Methods": ["PUT"]}`, "PUT", libFixJSON, "include"},

	{"express one origin string", "express-cors", `{"origin": "https://app.example.com"}`, "GET", nil, ""},
	{"express allowedHeaders lacks a header", "express-cors", `{"origin": ["http://localhost:3000"], "allowedHeaders": "Content-Type"}`, "PUT",
		engine.Headers{{Name: "Content-Type", Value: "application/json"}, {Name: "X-Api-Key", Value: "k1"}}, ""},
	{"express the default * with credentials", "express-cors", `{}`, "GET", nil, "include"},
	{"express misspelled origins and allowHeaders", "express-cors", `{"origins": ["http://localhost:3000"], "allowHeaders": ["Content-Type"], "credentials": true}`, "PATCH",
		engine.Headers{{Name: "Content-Type", Value: "application/json"}, {Name: "X-Api-Key", Value: "k1"}}, "include"},
	{"express default methods lack PURGE", "express-cors", `{"origin": "http://localhost:3000"}`, "PURGE", nil, ""},
	{"express optionsSuccessStatus 401", "express-cors", `{"origin": "http://localhost:3000", "optionsSuccessStatus": 401}`, "PUT", nil, ""},
	{"express a RegExp origin", "express-cors", `{"origin": {"regexp": "^https://app\\.example\\.com$"}}`, "GET", nil, ""},
}

// libFixed is a case with the engine's fix for it.
type libFixed struct {
	c              libFixCase
	blocked, fixed engine.Scenario
	before, after  engine.Outcome
	fix            engine.Fix
}

// requests are what the browser sent to the server in an outcome: the
// preflight, if any, then the actual request, if it was sent.
func requests(out engine.Outcome) []engine.HTTPRequest {
	var reqs []engine.HTTPRequest
	for _, x := range []*engine.Exchange{out.Preflight, out.Actual} {
		if x != nil {
			reqs = append(reqs, x.Request)
		}
	}
	return reqs
}

// optionsJSON is a library's options as one JSON object.
func optionsJSON(t *testing.T, s engine.Scenario) string {
	t.Helper()
	b, err := json.Marshal(s.Server.Library.Options)
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

// libFixes evaluates the cases of one library ("" for all): each must be
// blocked (or refused by the library), get a fix in the library's options,
// and pass once fixed.
func libFixes(t *testing.T, lib string) []libFixed {
	t.Helper()
	var out []libFixed
	for _, c := range libFixCases {
		if lib != "" && c.lib != lib {
			continue
		}
		var opts map[string]json.RawMessage
		if err := json.Unmarshal([]byte(c.options), &opts); err != nil {
			t.Fatalf("%s: %v", c.name, err)
		}
		s := engine.Scenario{V: engine.Version, Page: libFixPage,
			Request: engine.Request{URL: "https://api.example.com/items", Method: c.method, Headers: c.headers, Credentials: c.creds},
			Server:  engine.Server{Library: &engine.Library{Name: c.lib, Options: opts}}}
		if c.method != "GET" && c.method != "HEAD" {
			s.Request.Body = new(`{"name":"corsplay"}`)
		}
		before := engine.Evaluate(s)
		if before.Verdict != engine.Blocked && before.ConfigError == "" {
			t.Errorf("%s: %s, want blocked (or a configuration the library refuses)", c.name, before.Verdict)
			continue
		}
		i := -1
		for j, f := range before.Fixes {
			if f.Server != nil && f.Server.Library != nil {
				i = j
				break
			}
		}
		if i < 0 {
			t.Errorf("%s: no fix in the library's options (%d fixes, %q)", c.name, len(before.Fixes), before.NoSafeFix)
			continue
		}
		f := before.Fixes[i]
		fixed := s.Clone()
		fixed.Server = *f.Server
		if f.Request != nil {
			fixed.Request = *f.Request
		}
		after := engine.Evaluate(fixed)
		if after.Verdict != engine.Allowed {
			t.Errorf("%s: the fixed scenario is %s (%s)", c.name, after.Verdict, after.Console)
			continue
		}
		out = append(out, libFixed{c: c, blocked: s, fixed: fixed, before: before, after: after, fix: f})
	}
	return out
}

// libFixCorpus are the fixed configurations of lib with the requests the
// browser sends them, and the blocked ones with theirs: configuration ×
// request pairs for the library's differential test.
func libFixCorpus(t *testing.T, lib string) []struct {
	name, options string
	req           engine.HTTPRequest
} {
	t.Helper()
	var out []struct {
		name, options string
		req           engine.HTTPRequest
	}
	for _, x := range libFixes(t, lib) {
		for _, side := range []struct {
			label string
			s     engine.Scenario
			o     engine.Outcome
		}{{"blocked", x.blocked, x.before}, {"fixed", x.fixed, x.after}} {
			for _, req := range requests(side.o) {
				out = append(out, struct {
					name, options string
					req           engine.HTTPRequest
				}{"fix corpus: " + x.c.name + " (" + side.label + ") " + req.Method, optionsJSON(t, side.s), req})
			}
		}
	}
	if len(out) == 0 {
		t.Errorf("%s: no fixed configuration for the corpus", lib)
	}
	return out
}
