package engine_test

import (
	"fmt"
	"strings"
	"testing"

	"corsplay/engine"
)

const (
	loginURL = "https://login.example.com"
	cdnURL   = "https://cdn.example.net"
)

// redirectTo is a raw server whose actual response redirects to location,
// with Access-Control-Allow-Origin acao ("" none).
func redirectTo(status int, location, allow string) engine.Server {
	r := resp(status, "Location", location)
	if allow != "" {
		r.Headers = append(r.Headers, hdr(acao, allow))
	}
	return rawServer(nil, r)
}

// wire writes the hops as "METHOD URL Origin", a preflight as OPTIONS.
func wire(hops []engine.Hop) string {
	var out []string
	for _, h := range hops {
		o, ok := h.Request.Headers.Get("Origin")
		if !ok {
			o = "-"
		}
		out = append(out, fmt.Sprintf("%s %s %s", h.Request.Method, h.Request.URL, o))
	}
	return strings.Join(out, " | ")
}

// TestRedirects follows redirect chains through the rules of the Fetch
// standard's HTTP-redirect fetch, as the differential suite showed each
// browser to apply them.
func TestRedirects(t *testing.T) {
	allowAll := resp(204, acao, "*", acam, "PUT", acah, "*")
	body := "a=1"
	tests := []struct {
		name    string
		browser string
		req     engine.Request
		server  engine.Server
		more    []engine.Elsewhere
		verdict string
		wire    string
		console string // a part of the console text, "" to skip
	}{
		{"cross-origin to the same origin keeps the page's Origin", "", engine.Request{},
			redirectTo(302, "/next", "*"), []engine.Elsewhere{{URL: "https://api.example.com/next", Server: rawServer(nil, resp(200, acao, pageOrigin))}},
			engine.Allowed, "GET https://api.example.com/items https://app.example.com | GET https://api.example.com/next https://app.example.com", ""},
		{"another origin's redirect to yet another taints the Origin to null", "", engine.Request{},
			redirectTo(302, loginURL+"/sso", "*"), []engine.Elsewhere{{URL: loginURL + "/", Server: rawServer(nil, resp(200, acao, pageOrigin))}},
			engine.Blocked, "GET https://api.example.com/items https://app.example.com | GET https://login.example.com/sso null",
			"Access to fetch at 'https://login.example.com/sso' (redirected from 'https://api.example.com/items') from origin 'https://app.example.com'"},
		{"so the last server must allow null", "", engine.Request{},
			redirectTo(302, loginURL+"/sso", "*"), []engine.Elsewhere{{URL: loginURL + "/", Server: rawServer(nil, resp(200, acao, "null"))}},
			engine.Allowed, "GET https://api.example.com/items https://app.example.com | GET https://login.example.com/sso null", ""},
		{"a redirect response that fails the CORS check is not followed", "", engine.Request{},
			redirectTo(301, "https://api.example.com/items/", ""), nil,
			engine.Blocked, "GET https://api.example.com/items https://app.example.com", "No 'Access-Control-Allow-Origin' header"},
		{"WebKit names the redirect it refused", engine.Safari, engine.Request{},
			redirectTo(301, "/items/", ""), nil,
			engine.Blocked, "GET https://api.example.com/items https://app.example.com",
			"Cross-origin redirection to https://api.example.com/items/ denied by Cross-Origin Resource Sharing policy: Origin https://app.example.com is not allowed"},
		{"a URL no server answers is a 404 without CORS", "", engine.Request{},
			redirectTo(302, cdnURL+"/x", "*"), nil,
			engine.Blocked, "GET https://api.example.com/items https://app.example.com | GET https://cdn.example.net/x null", "No 'Access-Control-Allow-Origin'"},
		{"303 turns a POST into a GET without its body headers", "", engine.Request{Method: "POST", Body: &body, Headers: hdrs("Content-Type", "text/plain")},
			redirectTo(303, "/done", "*"), []engine.Elsewhere{{URL: "https://api.example.com/done", Server: rawServer(nil, resp(200, acao, "*"))}},
			engine.Allowed, "POST https://api.example.com/items https://app.example.com | GET https://api.example.com/done https://app.example.com", ""},
		{"307 keeps the method: a second preflight to the new URL", "", engine.Request{Method: "PUT"},
			rawServer(allowAll, resp(307, "Location", "/v2/items", acao, "*")), []engine.Elsewhere{{URL: "https://api.example.com/v2/", Server: rawServer(allowAll, resp(200, acao, "*"))}},
			engine.Allowed, "OPTIONS https://api.example.com/items https://app.example.com | PUT https://api.example.com/items https://app.example.com | OPTIONS https://api.example.com/v2/items https://app.example.com | PUT https://api.example.com/v2/items https://app.example.com", ""},
		{"Chrome drops Authorization on another origin and needs no second preflight", engine.Chrome, engine.Request{Headers: hdrs("Authorization", "Bearer t")},
			rawServer(allowAll, resp(302, "Location", loginURL+"/x", acao, "*")), []engine.Elsewhere{{URL: loginURL + "/", Server: rawServer(nil, resp(200, acao, "*"))}},
			engine.Allowed, "OPTIONS https://api.example.com/items https://app.example.com | GET https://api.example.com/items https://app.example.com | GET https://login.example.com/x null", ""},
		{"Firefox preflights again, with the page's origin", engine.Firefox, engine.Request{Headers: hdrs("Authorization", "Bearer t")},
			rawServer(allowAll, resp(302, "Location", loginURL+"/x", acao, "*")), []engine.Elsewhere{{URL: loginURL + "/", Server: rawServer(allowAll, resp(200, acao, "*"))}},
			engine.Allowed, "OPTIONS https://api.example.com/items https://app.example.com | GET https://api.example.com/items https://app.example.com | OPTIONS https://login.example.com/x https://app.example.com | GET https://login.example.com/x null", ""},
		{"Safari preflights again, with null", engine.Safari, engine.Request{Headers: hdrs("Authorization", "Bearer t")},
			rawServer(allowAll, resp(302, "Location", loginURL+"/x", acao, "*")), []engine.Elsewhere{{URL: loginURL + "/", Server: rawServer(allowAll, resp(200, acao, "*"))}},
			engine.Allowed, "OPTIONS https://api.example.com/items https://app.example.com | GET https://api.example.com/items https://app.example.com | OPTIONS https://login.example.com/x null | GET https://login.example.com/x null", ""},
		{"redirect error fails on a redirect", "", engine.Request{Redirect: engine.RedirectError},
			redirectTo(302, "/next", "*"), nil, engine.Blocked, "GET https://api.example.com/items https://app.example.com", "net::ERR_FAILED"},
		{"Chrome takes a 3xx without Location as the response, even in redirect error", engine.Chrome, engine.Request{Redirect: engine.RedirectError},
			rawServer(nil, resp(302, acao, "*")), nil, engine.Allowed, "GET https://api.example.com/items https://app.example.com", ""},
		{"Firefox does not", engine.Firefox, engine.Request{Redirect: engine.RedirectError},
			rawServer(nil, resp(302, acao, "*")), nil, engine.Blocked, "GET https://api.example.com/items https://app.example.com", ""},
		{"redirect manual resolves with an opaque redirect", "", engine.Request{Redirect: engine.RedirectManual},
			redirectTo(302, loginURL+"/sso", "*"), nil, engine.OpaqueRedirect, "GET https://api.example.com/items https://app.example.com", ""},
		{"a Location with credentials is refused", "", engine.Request{},
			redirectTo(302, "https://user:pw@login.example.com/", "*"), nil, engine.Blocked, "GET https://api.example.com/items https://app.example.com", "contains a username and password"},
		{"a data: Location is refused", "", engine.Request{},
			redirectTo(302, "data:,x", "*"), nil, engine.Blocked, "GET https://api.example.com/items https://app.example.com", "net::ERR_UNSAFE_REDIRECT"},
		{"no-cors follows to an opaque response", "", engine.Request{Mode: "no-cors"},
			redirectTo(302, loginURL+"/x", ""), nil, engine.Opaque, "GET https://api.example.com/items - | GET https://login.example.com/x -", ""},
		{"no-cors must follow", "", engine.Request{Mode: "no-cors", Redirect: engine.RedirectManual},
			redirectTo(302, loginURL+"/x", ""), nil, engine.Blocked, "", `Request mode is "no-cors" but the redirect mode is not "follow"`},
		{"same-origin mode does not follow to another origin", "", engine.Request{URL: pageOrigin + "/r", Mode: "same-origin"},
			redirectTo(302, loginURL+"/x", ""), nil, engine.Blocked, "GET https://app.example.com/r -", "Unsafe attempt to load URL https://login.example.com/x"},
		{"same-origin to another origin and back: still CORS, with null", "", engine.Request{URL: pageOrigin + "/r"},
			redirectTo(302, "https://api.example.com/x", ""), []engine.Elsewhere{
				{URL: "https://api.example.com/", Server: redirectTo(302, pageOrigin+"/back", "*")},
				{URL: pageOrigin + "/back", Server: rawServer(nil, resp(200))}},
			engine.Blocked, "GET https://app.example.com/r - | GET https://api.example.com/x https://app.example.com | GET https://app.example.com/back null", "No 'Access-Control-Allow-Origin'"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			req := tt.req
			if req.URL == "" {
				req.URL = apiURL
			}
			s := engine.Scenario{V: engine.Version, Browser: tt.browser, Page: pageOrigin, Request: req, Server: tt.server, Elsewhere: tt.more}
			if err := s.Validate(); err != nil {
				t.Fatal(err)
			}
			out := engine.Evaluate(s)
			if out.Verdict != tt.verdict {
				t.Errorf("verdict %s (%s), want %s", out.Verdict, out.Console, tt.verdict)
			}
			if got := wire(out.Hops); got != tt.wire {
				t.Errorf("on the wire:\n got %s\nwant %s", got, tt.wire)
			}
			if !strings.Contains(out.Console, tt.console) {
				t.Errorf("console %q, want it to contain %q", out.Console, tt.console)
			}
			if last := out.Steps[len(out.Steps)-1]; tt.verdict == engine.OpaqueRedirect && (last.Status != engine.StepInfo || !strings.Contains(last.Detail, "opaque-redirect")) {
				t.Errorf("the verdict step reads %s: %q", last.Status, last.Detail)
			}
		})
	}
}

// TestRedirectLimit: the 20th redirect is followed, the 21st fails.
// https://fetch.spec.whatwg.org/#http-redirect-fetch (step 5)
func TestRedirectLimit(t *testing.T) {
	for _, n := range []int{engine.MaxRedirects, engine.MaxRedirects + 1} {
		s := engine.Scenario{V: engine.Version, Page: pageOrigin,
			Request:   engine.Request{URL: "https://api.example.com/r/"},
			Server:    redirectTo(302, "x/", "*"),
			Elsewhere: []engine.Elsewhere{{URL: "https://api.example.com/r/" + strings.Repeat("x/", n), Server: rawServer(nil, resp(200, acao, "*"))}},
		}
		out := engine.Evaluate(s)
		want := engine.Allowed
		if n > engine.MaxRedirects {
			want = engine.Blocked
		}
		if out.Verdict != want || len(out.Hops) != min(n, engine.MaxRedirects)+1 {
			t.Errorf("%d redirects: %s after %d requests (%s), want %s", n, out.Verdict, len(out.Hops), out.Console, want)
		}
	}
}

// TestServerAt: the longest elsewhere prefix, else the server on the
// request's origin, else nobody.
func TestServerAt(t *testing.T) {
	s := engine.Scenario{V: engine.Version, Page: pageOrigin, Request: engine.Request{URL: apiURL},
		Elsewhere: []engine.Elsewhere{{URL: loginURL + "/"}, {URL: loginURL + "/sso/"}, {URL: "https://api.example.com/v2"}}}
	for url, want := range map[string]string{
		"https://api.example.com/items":     "server",
		"https://api.example.com/v2/items":  "elsewhere[2]",
		"https://api.example.com/v3":        "server",
		"https://login.example.com/":        "elsewhere[0]",
		"https://login.example.com/sso/x#f": "elsewhere[1]",
		"https://login.example.com/ss":      "elsewhere[0]",
		"https://api.example.com:8443/":     "",
		"http://api.example.com/items":      "",
	} {
		if _, got := s.ServerAt(url); got != want {
			t.Errorf("ServerAt(%s) = %q, want %q", url, got, want)
		}
	}
}

// TestRedirectFixes: a redirect that only respells the URL is fixed by
// calling the final URL; a redirect without CORS headers on the API's own
// origin by sending them; a redirect through another origin (Origin: null)
// has no safe server change.
func TestRedirectFixes(t *testing.T) {
	final := rawServer(nil, resp(200, acao, pageOrigin, "Vary", "Origin"))
	tests := []struct {
		name      string
		url       string
		server    engine.Server
		elsewhere []engine.Elsewhere
		fixes     []string // titles, in order
		noSafeFix string   // a part of it
	}{
		{"http to https", "http://api.example.com/items", redirectTo(301, "https://api.example.com/items", ""),
			[]engine.Elsewhere{{URL: "https://api.example.com/", Server: final}},
			[]string{"Call the final URL"}, ""},
		{"a trailing slash", apiURL, redirectTo(307, "/items/", ""),
			[]engine.Elsewhere{{URL: apiURL + "/", Server: final}},
			[]string{"Call the final URL", "Send the headers this request needs"}, ""},
		{"a login page on another origin", apiURL, redirectTo(302, loginURL+"/sso", pageOrigin),
			[]engine.Elsewhere{{URL: loginURL + "/", Server: rawServer(nil, resp(200))}},
			nil, "sent Origin: null"},
		{"the next server lacks CORS headers", apiURL, redirectTo(302, "/v2/items", pageOrigin),
			[]engine.Elsewhere{{URL: "https://api.example.com/v2/", Server: rawServer(nil, resp(200))}},
			[]string{"Send the CORS headers at https://api.example.com/v2/"}, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s := engine.Scenario{V: engine.Version, Page: pageOrigin, Request: engine.Request{URL: tt.url}, Server: tt.server, Elsewhere: tt.elsewhere}
			out := engine.Evaluate(s)
			if out.Verdict != engine.Blocked {
				t.Fatalf("verdict %s, want blocked", out.Verdict)
			}
			var titles []string
			for _, f := range out.Fixes {
				titles = append(titles, f.Title)
				if got := engine.Evaluate(f.Apply(s)).Verdict; got != engine.Allowed {
					t.Errorf("fix %q leaves the verdict %s", f.Title, got)
				}
			}
			if strings.Join(titles, " | ") != strings.Join(tt.fixes, " | ") {
				t.Errorf("fixes %q, want %q", titles, tt.fixes)
			}
			if !strings.Contains(out.NoSafeFix, tt.noSafeFix) || (tt.noSafeFix == "") != (out.NoSafeFix == "") {
				t.Errorf("no safe fix %q, want it to say %q", out.NoSafeFix, tt.noSafeFix)
			}
		})
	}
}

// TestRedirectLint: a redirect that respells the URL, and one that makes
// the Origin null, are reported whatever the verdict.
func TestRedirectLint(t *testing.T) {
	final := rawServer(nil, resp(200, acao, "*"))
	tests := []struct {
		name      string
		server    engine.Server
		elsewhere []engine.Elsewhere
		want      []string
	}{
		{"a trailing slash", redirectTo(308, "/items/", "*"), []engine.Elsewhere{{URL: apiURL + "/", Server: final}}, []string{"REDIRECT-001"}},
		{"to another origin", redirectTo(302, loginURL+"/sso", "*"), []engine.Elsewhere{{URL: loginURL + "/", Server: final}}, []string{"REDIRECT-002"}},
		{"https to another host, same path", redirectTo(301, "https://www.example.com/items", "*"), []engine.Elsewhere{{URL: "https://www.example.com/", Server: final}}, []string{"REDIRECT-001", "REDIRECT-002"}},
		{"to another path on the API", redirectTo(302, "/v2/items", "*"), []engine.Elsewhere{{URL: "https://api.example.com/v2/", Server: final}}, nil},
	}
	for _, tt := range tests {
		s := engine.Scenario{V: engine.Version, Page: pageOrigin, Request: engine.Request{URL: apiURL}, Server: tt.server, Elsewhere: tt.elsewhere}
		var ids []string
		for _, f := range engine.Evaluate(s).Lint {
			if strings.HasPrefix(f.ID, "REDIRECT-") {
				ids = append(ids, f.ID)
			}
		}
		if strings.Join(ids, ",") != strings.Join(tt.want, ",") {
			t.Errorf("%s: lint %q, want %q", tt.name, ids, tt.want)
		}
	}
}
